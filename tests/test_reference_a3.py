"""The reference for a3_multichannel is right: checked against per-channel scipy correlations,
a plain six-fold loop with explicit padding and stride, and its error paths."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from course_helpers import load_solution

_load = load_solution


ref = _load("a3_multichannel")
PROPS = settings(max_examples=300)  # reproducible, no deadline: the profile in conftest.py


def close(got, expected):
    expected = np.asarray(expected, dtype=float)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10 * scale)


def loop_conv2d(x, w, b, stride, padding):
    """The layer by its definition, one multiply-add at a time (slow, obviously right)."""
    (sh, sw), (ph, pw) = stride, padding
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    OH, OW = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    total = b[f]
                    for c in range(C):
                        for p in range(KH):
                            for q in range(KW):
                                r, s = i * sh + p - ph, j * sw + q - pw
                                if 0 <= r < H and 0 <= s < W:  # outside = zero padding
                                    total += w[f, c, p, q] * x[n, c, r, s]
                    out[n, f, i, j] = total
    return out


@st.composite
def layer_case(draw):
    """A small conv layer case with stride and padding; returns (x, w, b, stride, padding)."""
    N, C, F = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    KH, KW = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    H = draw(st.integers(max(1, KH - 2 * ph), 7))
    W = draw(st.integers(max(1, KW - 2 * pw), 7))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, C, H, W))
    w = rng.normal(size=(F, C, KH, KW))
    b = rng.normal(size=F)
    return x, w, b, (sh, sw), (ph, pw)


# -- lecture example and hand-made cases ------------------------------------------------------

def test_two_channel_example_sums_the_channels():
    x = np.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
    w = np.array([[[0, 1], [2, 3]], [[1, 2], [3, 4]]])
    # channel 0 gives the lecture's [[19, 25], [37, 43]], channel 1 gives [[37, 47], [67, 77]]
    y = ref.corr2d_multi_in(x, w)
    np.testing.assert_array_equal(y, [[56.0, 72.0], [104.0, 120.0]])
    assert y.dtype == np.float64
    yy = ref.corr2d_multi_in_out(x, np.stack([w, w + 1, w + 2]))
    assert yy.shape == (3, 2, 2)
    np.testing.assert_array_equal(yy[0], y)
    np.testing.assert_array_equal(yy[1] - yy[0], yy[2] - yy[1])  # linear in w


def test_conv2d_forward_on_the_lecture_example_is_corr2d_plus_bias():
    x = np.arange(9).reshape(1, 1, 3, 3)
    w = np.array([[[[0, 1], [2, 3]]]])
    out = ref.conv2d_forward(x, w, [0.5])
    np.testing.assert_array_equal(out, [[[[19.5, 25.5], [37.5, 43.5]]]])


def test_lecture_size_28_by_28():
    out = ref.conv2d_forward(np.zeros((2, 1, 28, 28)), np.zeros((8, 1, 3, 3)), np.zeros(8))
    assert out.shape == (2, 8, 26, 26)
    out = ref.conv2d_forward(np.zeros((1, 3, 28, 28)), np.zeros((4, 3, 3, 3)), np.zeros(4),
                             padding=1)
    assert out.shape == (1, 4, 28, 28)


# -- against scipy and loops ------------------------------------------------------------------

@PROPS
@given(st.integers(1, 4), st.integers(1, 3), st.integers(1, 6), st.integers(1, 6),
       st.integers(0, 2**32 - 1), st.data())
def test_multi_in_and_multi_in_out_match_per_channel_scipy(C, F, H, W, seed, data):
    KH, KW = data.draw(st.integers(1, H)), data.draw(st.integers(1, W))
    rng = np.random.default_rng(seed)
    x = rng.integers(-5, 6, size=(C, H, W))  # integers: exercises the int -> float64 path
    w = rng.normal(size=(F, C, KH, KW))
    per_filter = [sum(signal.correlate2d(x[c], w[f, c], mode="valid") for c in range(C))
                  for f in range(F)]
    close(ref.corr2d_multi_in(x, w[0]), per_filter[0])
    close(ref.corr2d_multi_in_out(x, w), np.stack(per_filter))


@PROPS
@given(layer_case())
def test_conv2d_forward_matches_the_definition(case):
    x, w, b, stride, padding = case
    expected = loop_conv2d(x, w, b, stride, padding)
    got = ref.conv2d_forward(x, w, b, stride=stride, padding=padding)
    assert got.shape == expected.shape and got.dtype == np.float64
    close(got, expected)


@PROPS
@given(layer_case())
def test_conv2d_forward_without_stride_or_padding_is_multi_in_out_per_image(case):
    x, w, b, _, _ = case
    if w.shape[2] > x.shape[2] or w.shape[3] > x.shape[3]:
        return
    out = ref.conv2d_forward(x, w, b)
    for n in range(x.shape[0]):
        close(out[n], ref.corr2d_multi_in_out(x[n], w) + b[:, None, None])


def test_int_scalar_stride_padding_equal_pairs():
    rng = np.random.default_rng(5)
    x, w, b = rng.normal(size=(2, 3, 9, 8)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    close(ref.conv2d_forward(x, w, b, stride=2, padding=1),
          ref.conv2d_forward(x, w, b, stride=(2, 2), padding=(1, 1)))
    close(ref.conv2d_forward(x, w, b, stride=(1, 3), padding=(2, 0)),
          loop_conv2d(x, w, b, (1, 3), (2, 0)))
    close(ref.conv2d_forward(x, w, b, stride=np.array([1, 3]), padding=[np.int64(2), 0]),
          loop_conv2d(x, w, b, (1, 3), (2, 0)))


def test_accepts_lists_and_ints_and_leaves_inputs_alone():
    x = np.arange(2 * 2 * 4 * 5).reshape(2, 2, 4, 5)
    w = (np.arange(3 * 2 * 2 * 3).reshape(3, 2, 2, 3) % 5) - 2
    b = [1, -1, 0]
    x0, w0 = x.copy(), w.copy()
    got = ref.conv2d_forward(x.tolist(), w.tolist(), b, stride=1, padding=1)
    assert got.dtype == np.float64
    close(got, loop_conv2d(x, w, np.array(b, float), (1, 1), (1, 1)))
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)


# -- error paths -------------------------------------------------------------------------------

X3, W3 = np.ones((2, 5, 5)), np.ones((2, 3, 3))
X4, W4, B = np.ones((2, 2, 5, 5)), np.ones((3, 2, 3, 3)), np.ones(3)


@pytest.mark.parametrize(
    "fn, args, kwargs, word",
    [
        (ref.corr2d_multi_in, (np.ones((5, 5)), W3), {}, "3-D"),
        (ref.corr2d_multi_in, (X3, np.ones((3, 3))), {}, "3-D"),
        (ref.corr2d_multi_in, (X3, np.ones((3, 3, 3))), {}, "channel"),
        (ref.corr2d_multi_in, (X3, np.ones((2, 6, 1))), {}, "larger"),
        (ref.corr2d_multi_in_out, (X3, W3), {}, "4-D"),
        (ref.corr2d_multi_in_out, (X3, np.ones((4, 3, 3, 3))), {}, "channel"),
        (ref.corr2d_multi_in_out, (X3, np.ones((4, 2, 2, 6))), {}, "larger"),
        (ref.corr2d_multi_in_out, (X3.astype(complex), W4), {}, "real"),
        (ref.conv2d_forward, (X3, W4, B), {}, "4-D"),
        (ref.conv2d_forward, (X4, W3, B), {}, "4-D"),
        (ref.conv2d_forward, (X4, np.ones((3, 4, 3, 3)), B), {}, "channel"),
        (ref.conv2d_forward, (X4, np.ones((3, 2, 6, 3)), B), {}, "larger"),
        (ref.conv2d_forward, (X4, W4, np.ones(2)), {}, "bias"),
        (ref.conv2d_forward, (X4, W4, np.ones((3, 1))), {}, "bias"),
        (ref.conv2d_forward, (X4, W4, 1.0), {}, "bias"),
        (ref.conv2d_forward, (X4, W4, B), {"stride": 0}, "stride"),
        (ref.conv2d_forward, (X4, W4, B), {"stride": (1, 2, 3)}, "stride"),
        (ref.conv2d_forward, (X4, W4, B), {"stride": 1.5}, "stride"),
        (ref.conv2d_forward, (X4, W4, B), {"padding": -1}, "padding"),
        (ref.conv2d_forward, (X4, W4, B), {"padding": (0, -1)}, "padding"),
    ],
)
def test_errors_say_what_is_wrong(fn, args, kwargs, word):
    with pytest.raises(ValueError, match=word):
        fn(*args, **kwargs)


def test_padding_can_make_a_large_kernel_fit():
    out = ref.conv2d_forward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), [0.0], padding=1)
    np.testing.assert_array_equal(out, [[[[4.0]]]])
