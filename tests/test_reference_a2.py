"""The reference for a2_correlation is right: checked against scipy.signal, np.convolve, plain
loops written here, the lecture's worked example, algebraic properties and its error paths."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import signal

from course_helpers import load_solution

_load = load_solution


ref = _load("a2_correlation")
PROPS = settings(max_examples=300)  # reproducible, no deadline: the profile in conftest.py
ELEMENTS = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)


def close(got, expected):
    """float64 sums: relative 1e-10 on the scale of the expected output."""
    expected = np.asarray(expected, dtype=float)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10 * scale)


@st.composite
def signal_and_kernel(draw, ndim, max_n=7):
    """x of shape (n1, ..., nd) and a kernel that fits inside it, both float64."""
    x_shape = tuple(draw(st.integers(1, max_n)) for _ in range(ndim))
    w_shape = tuple(draw(st.integers(1, n)) for n in x_shape)
    x = draw(hnp.arrays(np.float64, x_shape, elements=ELEMENTS))
    w = draw(hnp.arrays(np.float64, w_shape, elements=ELEMENTS))
    return x, w


def loop_corr(x, w):
    """Textbook definition, one output at a time: y[i..] = sum over the window of w * x."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    out_shape = tuple(n - k + 1 for n, k in zip(x.shape, w.shape))
    y = np.zeros(out_shape)
    for idx in np.ndindex(out_shape):
        window = x[tuple(slice(i, i + k) for i, k in zip(idx, w.shape))]
        y[idx] = (window * w).sum()
    return y


# -- the lecture's examples --------------------------------------------------------------------

def test_lecture_worked_example_2d():
    x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    w = [[0, 1], [2, 3]]
    y = ref.corr2d(x, w)
    np.testing.assert_array_equal(y, [[19.0, 25.0], [37.0, 43.0]])
    assert y.dtype == np.float64


def test_lecture_output_size_28_by_28():
    x = np.arange(28 * 28).reshape(28, 28) % 7
    assert ref.corr2d(x, np.ones((3, 3))).shape == (26, 26)
    assert ref.convolve2d(x, np.ones((3, 3))).shape == (26, 26)


def test_hand_computed_1d_and_the_flip():
    x, w = [1, 2, 3, 4, 5], [1, 0, -1]
    np.testing.assert_array_equal(ref.corr1d(x, w), [-2.0, -2.0, -2.0])
    np.testing.assert_array_equal(ref.convolve1d(x, w), [2.0, 2.0, 2.0])


def test_3d_hand_example():
    x = np.arange(27).reshape(3, 3, 3)
    w = np.zeros((2, 2, 2))
    w[1, 1, 1] = 1.0  # picks x[i+1, j+1, k+1]
    np.testing.assert_array_equal(ref.corr3d(x, w), x[1:, 1:, 1:])


# -- against scipy, numpy and plain loops ------------------------------------------------------

@PROPS
@given(signal_and_kernel(1, max_n=12))
def test_1d_matches_numpy_and_scipy(xw):
    x, w = xw
    close(ref.corr1d(x, w), np.correlate(x, w, mode="valid"))
    close(ref.corr1d(x, w), signal.correlate(x, w, mode="valid", method="direct"))
    close(ref.convolve1d(x, w), np.convolve(x, w, mode="valid"))
    close(ref.corr1d(x, w), loop_corr(x, w))


@PROPS
@given(signal_and_kernel(2))
def test_2d_matches_scipy_and_loops(xw):
    x, w = xw
    close(ref.corr2d(x, w), signal.correlate2d(x, w, mode="valid"))
    close(ref.convolve2d(x, w), signal.convolve2d(x, w, mode="valid"))
    close(ref.corr2d(x, w), loop_corr(x, w))


@PROPS
@given(signal_and_kernel(3, max_n=5))
def test_3d_matches_scipy_and_loops(xw):
    x, w = xw
    close(ref.corr3d(x, w), signal.correlate(x, w, mode="valid", method="direct"))
    close(ref.corr3d(x, w), loop_corr(x, w))


def test_random_rectangular_cases_with_every_asymmetry():
    # H != W, KH != KW, asymmetric kernels: a transposed or flipped answer cannot pass.
    rng = np.random.default_rng(2024)
    for _ in range(50):
        H, W = rng.integers(3, 12, size=2)
        KH, KW = rng.integers(1, 4, size=2)
        x = rng.normal(size=(H, W))
        w = rng.normal(size=(KH, KW))
        close(ref.corr2d(x, w), signal.correlate2d(x, w, mode="valid"))
        close(ref.convolve2d(x, w), signal.convolve2d(x, w, mode="valid"))


# -- input kinds and output dtype -----------------------------------------------------------

@pytest.mark.parametrize(
    "x, w",
    [
        ([[1, 2, 3], [4, 5, 6]], [[1, -1]]),                       # nested lists of int
        (np.arange(6, dtype=np.int32).reshape(2, 3), np.array([[2, 1]], dtype=np.int64)),
        (np.arange(6, dtype=np.uint8).reshape(2, 3), np.array([[1, 1]], dtype=np.uint8)),
        (np.arange(6, dtype=np.float32).reshape(2, 3) / 3, [[0.5, 0.25]]),
        (np.array([[True, False, True], [False, True, True]]), [[1.0, 2.0]]),
    ],
)
def test_accepts_real_array_likes_and_returns_float64(x, w):
    expected = signal.correlate2d(np.asarray(x, float), np.asarray(w, float), mode="valid")
    for fn, want in ((ref.corr2d, expected),
                     (ref.convolve2d,
                      signal.convolve2d(np.asarray(x, float), np.asarray(w, float), "valid"))):
        y = fn(x, w)
        assert type(y) is np.ndarray and y.dtype == np.float64
        close(y, want)


def test_uint8_does_not_overflow():
    # 200 * 2 + 200 * 2 overflows uint8; the result must be computed in float64.
    x = np.full(4, 200, dtype=np.uint8)
    w = np.full(2, 2, dtype=np.uint8)
    np.testing.assert_array_equal(ref.corr1d(x, w), [800.0, 800.0, 800.0])


def test_inputs_are_not_modified():
    x = np.arange(12.0).reshape(3, 4)
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    x0, w0 = x.copy(), w.copy()
    ref.corr2d(x, w), ref.convolve2d(x, w)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)


@pytest.mark.parametrize(
    "fn, x_shape, w_shape",
    [
        (ref.corr1d, (1,), (1,)), (ref.corr1d, (6,), (6,)), (ref.corr1d, (6,), (1,)),
        (ref.corr2d, (1, 1), (1, 1)), (ref.corr2d, (4, 5), (4, 5)), (ref.corr2d, (4, 5), (1, 5)),
        (ref.corr3d, (2, 3, 4), (2, 3, 4)), (ref.corr3d, (2, 3, 4), (1, 1, 1)),
        (ref.convolve1d, (5,), (5,)), (ref.convolve2d, (3, 4), (3, 1)),
    ],
)
def test_edge_cases_single_output_and_unit_kernels(fn, x_shape, w_shape):
    rng = np.random.default_rng(7)
    x, w = rng.normal(size=x_shape), rng.normal(size=w_shape)
    expected = loop_corr(x, w if fn not in (ref.convolve1d, ref.convolve2d) else np.flip(w))
    close(fn(x, w), expected)


# -- properties --------------------------------------------------------------------------------

@PROPS
@given(signal_and_kernel(2), st.floats(-3, 3), st.floats(-3, 3), st.data())
def test_linear_in_x_and_in_w(xw, a, b, data):
    x, w = xw
    x2 = data.draw(hnp.arrays(np.float64, x.shape, elements=ELEMENTS))
    w2 = data.draw(hnp.arrays(np.float64, w.shape, elements=ELEMENTS))
    for fn in (ref.corr2d, ref.convolve2d):
        close(fn(a * x + b * x2, w), a * fn(x, w) + b * fn(x2, w))
        close(fn(x, a * w + b * w2), a * fn(x, w) + b * fn(x, w2))


@PROPS
@given(signal_and_kernel(2, max_n=8), st.data())
def test_translation_equivariance(xw, data):
    # Shifting the input by (s, t) shifts the valid output by the same amount.
    x, w = xw
    OH, OW = x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1
    s = data.draw(st.integers(0, OH - 1))
    t = data.draw(st.integers(0, OW - 1))
    for fn in (ref.corr2d, ref.convolve2d):
        close(fn(x[s:, t:], w), fn(x, w)[s:, t:])


@PROPS
@given(signal_and_kernel(1, max_n=10), signal_and_kernel(2), signal_and_kernel(3, max_n=4))
def test_convolution_is_correlation_with_the_flipped_kernel(xw1, xw2, xw3):
    pairs = ((ref.convolve1d, ref.corr1d, xw1), (ref.convolve2d, ref.corr2d, xw2))
    for conv, corr, (x, w) in pairs:
        close(conv(x, w), corr(x, np.flip(w)))
    x3, w3 = xw3  # no convolve3d in the API: check corr3d's flip relation against scipy
    close(ref.corr3d(x3, np.flip(w3)), signal.convolve(x3, w3, mode="valid", method="direct"))


def _full(fn, a, b):
    """'full' mode from a valid-mode function: pad a with len(b) - 1 zeros on both sides."""
    return fn(np.pad(a, len(b) - 1), b)


@PROPS
@given(
    hnp.arrays(np.float64, st.integers(1, 8), elements=ELEMENTS),
    hnp.arrays(np.float64, st.integers(1, 8), elements=ELEMENTS),
)
def test_full_convolution_commutes_but_correlation_reverses(a, b):
    close(_full(ref.convolve1d, a, b), np.convolve(a, b, mode="full"))
    close(_full(ref.convolve1d, a, b), _full(ref.convolve1d, b, a))  # a * b == b * a
    # correlation does not commute: swapping the arguments reverses the output
    close(_full(ref.corr1d, a, b), _full(ref.corr1d, b, a)[::-1])


def test_correlation_really_is_not_commutative():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0])
    assert not np.allclose(_full(ref.corr1d, a, b), _full(ref.corr1d, b, a))
    np.testing.assert_array_equal(_full(ref.convolve1d, a, b), _full(ref.convolve1d, b, a))


@PROPS
@given(signal_and_kernel(2))
def test_delta_kernel_picks_out_the_input(xw):
    x, w = xw
    delta = np.zeros(w.shape)
    delta[0, 0] = 1.0
    KH, KW = w.shape
    close(ref.corr2d(x, delta), x[: x.shape[0] - KH + 1, : x.shape[1] - KW + 1])
    close(ref.convolve2d(x, delta), x[KH - 1 :, KW - 1 :])


# -- error paths --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "fn, x, w, word",
    [
        (ref.corr1d, np.ones((3, 3)), np.ones(2), "1-D"),
        (ref.corr1d, np.ones(3), np.ones((1, 1)), "1-D"),
        (ref.corr2d, np.ones(5), np.ones((2, 2)), "2-D"),
        (ref.corr2d, np.ones((4, 4)), np.ones((2, 2, 1)), "2-D"),
        (ref.corr3d, np.ones((4, 4)), np.ones((2, 2)), "3-D"),
        (ref.convolve1d, np.ones((2, 2)), np.ones(2), "1-D"),
        (ref.convolve2d, np.ones((2, 2, 2)), np.ones((2, 2)), "2-D"),
        (ref.corr1d, np.ones(2), np.ones(3), "larger"),
        (ref.corr2d, np.ones((4, 2)), np.ones((2, 3)), "larger"),
        (ref.corr3d, np.ones((2, 4, 4)), np.ones((3, 1, 1)), "larger"),
        (ref.convolve1d, np.ones(2), np.ones(5), "larger"),
        (ref.convolve2d, np.ones((3, 3)), np.ones((4, 1)), "larger"),
        (ref.corr1d, np.ones(3), np.ones(0), "empty"),
        (ref.corr1d, np.ones(3, dtype=complex), np.ones(2), "real"),
        (ref.corr2d, np.ones((3, 3)), np.array([[1, None]], dtype=object), "real"),
        (ref.corr1d, ["a", "b", "c"], [1, 2], "real"),
        (ref.corr2d, [[1, 2, 3], [4, 5]], [[1]], "rectangular"),
    ],
)
def test_errors_say_what_is_wrong(fn, x, w, word):
    with pytest.raises(ValueError, match=word):
        fn(x, w)
