"""The reference for a1_output_size is right: checked against brute-force counting, the lecture's
examples, the length of an actual strided correlation and its error paths. Independent of the
reference itself."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_helpers import load_solution

_load = load_solution


ref = _load("a1_output_size")
PROPS = settings(max_examples=300)  # reproducible, no deadline: the profile in conftest.py


def count_positions(n, k, p, s, d):
    """Brute force: try every s-th start in the padded input, count those where the kernel fits."""
    padded = n + 2 * p
    span = d * (k - 1) + 1
    return sum(1 for start in range(0, padded, s) if start + span <= padded)


# -- the lecture's examples and hand-computed values ------------------------------------------

@pytest.mark.parametrize(
    "args, expected",
    [
        ((28, 3), 26),            # the lecture: 28x28 image, 3x3 kernel -> 26x26
        ((3, 2), 2),              # the worked 2D example: 3x3 input, 2x2 kernel -> 2x2
        ((5, 5), 1),              # kernel as big as the input: a single output
        ((7, 1), 7),              # 1x1 kernel keeps the size
        ((5, 3, 1), 5),           # "same" padding for an odd kernel
        ((5, 3, 1, 2), 3),        # stride 2 with padding 1
        ((6, 3, 0, 2), 2),        # floor: the last partial step is dropped
        ((7, 3, 0, 2), 3),
        ((224, 7, 3, 2), 112),    # ResNet stem
        ((10, 3, 0, 1, 2), 6),    # dilation 2: the kernel spans 5 inputs
        ((1, 3, 1), 1),           # padding makes a tiny input work
    ],
)
def test_known_values(args, expected):
    got = ref.conv_output_length(*args)
    assert got == expected
    assert type(got) is int


def test_keyword_names_match_the_contract():
    assert ref.conv_output_length(n=9, k=3, padding=2, stride=3, dilation=2) == 3
    assert ref.conv_output_shape(
        input_shape=(9, 9), kernel_shape=(3, 3), padding=2, stride=3, dilation=2
    ) == (3, 3)


def test_numpy_integers_are_accepted_and_a_python_int_returned():
    got = ref.conv_output_length(np.int64(28), np.int32(3))
    assert got == 26 and type(got) is int
    shape = ref.conv_output_shape(np.array([28, 20]), np.array([3, 5]), stride=np.array([1, 2]))
    assert shape == (26, 8) and all(type(v) is int for v in shape)


@PROPS
@given(
    n=st.integers(1, 40), k=st.integers(1, 9), p=st.integers(0, 5),
    s=st.integers(1, 6), d=st.integers(1, 4),
)
def test_matches_brute_force_counting(n, k, p, s, d):
    expected = count_positions(n, k, p, s, d)
    if expected < 1:
        with pytest.raises(ValueError, match="fit"):
            ref.conv_output_length(n, k, p, s, d)
    else:
        assert ref.conv_output_length(n, k, p, s, d) == expected


@PROPS
@given(n=st.integers(1, 40), k=st.integers(1, 9), p=st.integers(0, 5), s=st.integers(1, 6))
def test_matches_the_length_of_an_actual_strided_correlation(n, k, p, s):
    x = np.pad(np.arange(n, dtype=float), p)
    if k > x.size:
        return
    y = np.lib.stride_tricks.sliding_window_view(x, k)[::s] @ np.ones(k)
    assert ref.conv_output_length(n, k, p, s) == y.size


# -- conv_output_shape -----------------------------------------------------------------------

@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        (((28, 28), (3, 3)), {}, (26, 26)),
        (((32, 20), (5, 3)), {"padding": (2, 1)}, (32, 20)),
        (((32, 20), (5, 3)), {"stride": (2, 3)}, (14, 6)),
        (((9, 10, 11), (3, 3, 3)), {"dilation": (1, 2, 3)}, (7, 6, 5)),
        (((16, 9, 7), (3, 2, 1)), {"padding": 1, "stride": 2}, (8, 5, 5)),
        (([5], [5]), {}, (1,)),
    ],
)
def test_shape_known_values(args, kwargs, expected):
    got = ref.conv_output_shape(*args, **kwargs)
    assert got == expected
    assert isinstance(got, tuple) and all(type(v) is int for v in got)


@PROPS
@given(st.data())
def test_shape_is_the_length_formula_axis_by_axis(data):
    ndim = data.draw(st.integers(1, 3))
    dims = [
        data.draw(st.tuples(st.integers(4, 30), st.integers(1, 4), st.integers(0, 3),
                            st.integers(1, 4), st.integers(1, 2)))
        for _ in range(ndim)
    ]
    n, k, p, s, d = (tuple(col) for col in zip(*dims))
    expected = tuple(count_positions(*dim) for dim in dims)
    if min(expected) < 1:
        with pytest.raises(ValueError):
            ref.conv_output_shape(n, k, p, s, d)
        return
    assert ref.conv_output_shape(n, k, p, s, d) == expected
    # a scalar setting means "the same on every axis"
    same = tuple(count_positions(n_i, k_i, p[0], s[0], d[0]) for n_i, k_i in zip(n, k))
    if min(same) >= 1:
        assert ref.conv_output_shape(n, k, p[0], s[0], d[0]) == same


# -- error paths: ValueError with a message that says what is wrong --------------------------

@pytest.mark.parametrize(
    "args, word",
    [
        ((28, 0), "k"),
        ((28, -1), "k"),
        ((28, 3, -1), "padding"),
        ((28, 3, 0, 0), "stride"),
        ((28, 3, 0, -2), "stride"),
        ((28, 3, 0, 1, 0), "dilation"),
        ((0, 1), "n"),
        ((2, 3), "fit"),
        ((5, 3, 0, 1, 3), "fit"),         # dilated kernel spans 7 > 5
        ((28, 3.0), "integer"),
        ((28, True), "integer"),
    ],
)
def test_length_errors(args, word):
    with pytest.raises(ValueError, match=word):
        ref.conv_output_length(*args)


@pytest.mark.parametrize(
    "args, kwargs, word",
    [
        (((28, 28), (3,)), {}, "rank"),
        (((28,), (3, 3)), {}, "rank"),
        (((28, 28), (3, 3)), {"padding": (1, 1, 1)}, "padding"),
        (((28, 28), (3, 3)), {"stride": (1,)}, "stride"),
        (((28, 28), (3, 3)), {"dilation": (1, 2, 3)}, "dilation"),
        (((28, 28), (3, 3)), {"stride": (1, 0)}, "stride"),
        (((28, 28), (3, 3)), {"padding": -1}, "padding"),
        (((28, 2), (3, 3)), {}, "axis 1"),
        (((), ()), {}, "empty"),
    ],
)
def test_shape_errors(args, kwargs, word):
    with pytest.raises(ValueError, match=word):
        ref.conv_output_shape(*args, **kwargs)
