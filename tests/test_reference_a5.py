"""The reference for a5_conv_as_matmul is right: conv2d_matmul equals a3's conv2d_forward, every
row of im2col is the window the notebook describes (checked by explicit slicing), conv_matrix
times x.ravel() equals a2's corr2d, the counts the notebook asks students to make (distinct
nonzeros, zeros, free weights) hold, and the refusals the notebook asks for are made."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_helpers import load_solution

ref = load_solution("a5_conv_as_matmul")
a3 = load_solution("a3_multichannel")
a2 = load_solution("a2_correlation")

# Reproducible in CI; no deadline and no too_slow check, the runners are shared and busy.
PROPS = settings(max_examples=200, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow])


def close(got, expected):
    expected = np.asarray(expected, dtype=float)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10 * scale)


@st.composite
def layer_case(draw):
    """A small conv layer with an int stride and padding: (x, w, b, stride, padding)."""
    N, C, F = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    KH, KW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    p, s = draw(st.integers(0, 2)), draw(st.integers(1, 3))
    H = draw(st.integers(max(1, KH - 2 * p), 8))
    W = draw(st.integers(max(1, KW - 2 * p), 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x: np.ndarray = rng.normal(size=(N, C, H, W))
    if draw(st.booleans()):
        x = rng.integers(-4, 5, size=(N, C, H, W))  # the int -> float64 path
    return x, rng.normal(size=(F, C, KH, KW)), rng.normal(size=F), s, p


# -- hand-made cases ---------------------------------------------------------------------------

def test_im2col_of_the_lecture_example():
    x = np.arange(9).reshape(1, 1, 3, 3)
    cols = ref.im2col(x, 2, 2)
    np.testing.assert_array_equal(cols, [[[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]]])
    assert cols.dtype == np.float64
    # the lecture's kernel [[0, 1], [2, 3]] as a column: [19, 25, 37, 43]
    np.testing.assert_array_equal(cols[0] @ np.array([0, 1, 2, 3]), [19, 25, 37, 43])
    out = ref.conv2d_matmul(x, [[[[0, 1], [2, 3]]]], [0.5])
    np.testing.assert_array_equal(out, [[[[19.5, 25.5], [37.5, 43.5]]]])


def test_im2col_columns_are_in_channel_row_column_order():
    # two channels, values that say where they come from: 100*c + 10*row + col
    c, r, q = np.meshgrid(range(2), range(3), range(4), indexing="ij")
    x = (100 * c + 10 * r + q)[None]
    cols = ref.im2col(x, 2, 3)
    assert cols.shape == (1, 2 * 2, 2 * 2 * 3)
    np.testing.assert_array_equal(cols[0, 0], [0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112])
    np.testing.assert_array_equal(cols[0, 1], cols[0, 0] + 1)   # next column of the output
    np.testing.assert_array_equal(cols[0, 2], cols[0, 0] + 10)  # next row: row-major rows


def test_im2col_pads_both_sides_and_strides():
    x = np.arange(1, 10).reshape(1, 1, 3, 3)
    cols = ref.im2col(x, 3, 3, stride=2, padding=1)  # padded 5x5, windows at 0 and 2
    assert cols.shape == (1, 4, 9)
    np.testing.assert_array_equal(cols[0, 0], [0, 0, 0, 0, 1, 2, 0, 4, 5])
    np.testing.assert_array_equal(cols[0, 3], [5, 6, 0, 8, 9, 0, 0, 0, 0])


def test_conv_matrix_of_the_lecture_kernel():
    M = ref.conv_matrix([[0, 1], [2, 3]], (3, 3))
    assert M.shape == (4, 9) and M.dtype == np.float64
    np.testing.assert_array_equal(M @ np.arange(9), [19, 25, 37, 43])
    np.testing.assert_array_equal(M[0], [0, 1, 0, 2, 3, 0, 0, 0, 0])
    np.testing.assert_array_equal(M[3], [0, 0, 0, 0, 0, 1, 0, 2, 3])


def test_lecture_size_28_by_28():
    assert ref.im2col(np.zeros((2, 1, 28, 28)), 3, 3).shape == (2, 26 * 26, 9)
    assert ref.conv2d_matmul(np.zeros((2, 3, 28, 28)), np.zeros((8, 3, 3, 3)), np.zeros(8),
                             padding=1).shape == (2, 8, 28, 28)
    assert ref.conv_matrix(np.ones((3, 3)), (28, 28)).shape == (26 * 26, 28 * 28)


# -- properties --------------------------------------------------------------------------------

@PROPS
@given(layer_case())
def test_conv2d_matmul_equals_a3_conv2d_forward(case):
    x, w, b, s, p = case
    Hp, Wp = x.shape[2] + 2 * p, x.shape[3] + 2 * p
    if w.shape[2] > Hp or w.shape[3] > Wp:
        with pytest.raises(ValueError):
            ref.conv2d_matmul(x, w, b, stride=s, padding=p)
        return
    got = ref.conv2d_matmul(x, w, b, stride=s, padding=p)
    assert got.dtype == np.float64
    expected = a3.conv2d_forward(x, w, b, stride=s, padding=p)
    assert got.shape == expected.shape
    close(got, expected)
    # ... and it is literally the matrix product of the docstring
    cols = ref.im2col(x, w.shape[2], w.shape[3], stride=s, padding=p)
    flat = cols @ w.reshape(w.shape[0], -1).T + b  # (N, OH*OW, F)
    close(got, flat.transpose(0, 2, 1).reshape(got.shape))


@PROPS
@given(layer_case())
def test_im2col_rows_are_the_windows(case):
    x, w, _, s, p = case
    N, C, H, W = x.shape
    KH, KW = w.shape[2:]
    if KH > H + 2 * p or KW > W + 2 * p:
        with pytest.raises(ValueError):
            ref.im2col(x, KH, KW, stride=s, padding=p)
        return
    cols = ref.im2col(x, KH, KW, stride=s, padding=p)
    OH, OW = (H + 2 * p - KH) // s + 1, (W + 2 * p - KW) // s + 1
    assert cols.shape == (N, OH * OW, C * KH * KW) and cols.dtype == np.float64
    xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                window = xpad[n, :, i * s:i * s + KH, j * s:j * s + KW]
                np.testing.assert_array_equal(cols[n, i * OW + j], window.ravel())


@PROPS
@given(st.integers(1, 7), st.integers(1, 7), st.integers(0, 2**32 - 1), st.data())
def test_conv_matrix_times_x_is_corr2d(H, W, seed, data):
    KH, KW = data.draw(st.integers(1, H)), data.draw(st.integers(1, W))
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(KH, KW))
    x = rng.normal(size=(H, W))
    M = ref.conv_matrix(w, (H, W))
    OH, OW = H - KH + 1, W - KW + 1
    assert M.shape == (OH * OW, H * W) and M.dtype == np.float64
    close(M @ x.ravel(), a2.corr2d(x, w).ravel())
    # the counts of the notebook: KH*KW distinct nonzero numbers (one per weight, shared by every
    # row), each row holding exactly KH*KW of them, and zeros everywhere else
    nonzero = M[M != 0]
    assert len(np.unique(nonzero)) == KH * KW  # normal weights are distinct and nonzero
    assert np.all(np.count_nonzero(M, axis=1) == KH * KW)
    assert np.count_nonzero(M == 0) == OH * OW * H * W - OH * OW * KH * KW
    # every row is the same kernel, shifted: sorted nonzeros equal sorted w
    for row in M:
        np.testing.assert_array_equal(np.sort(row[row != 0]), np.sort(w.ravel()))


@PROPS
@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1), st.data())
def test_conv_matrix_columns_are_correlations_of_unit_images(H, W, seed, data):
    """Column k of M is the correlation of the image with a single 1 at pixel k: M is linear
    algebra's way of writing down what corr2d does to each input pixel."""
    KH, KW = data.draw(st.integers(1, H)), data.draw(st.integers(1, W))
    w = np.random.default_rng(seed).integers(-3, 4, size=(KH, KW))
    M = ref.conv_matrix(w.tolist(), [H, W])
    for k in range(H * W):
        e = np.zeros(H * W)
        e[k] = 1
        np.testing.assert_array_equal(M[:, k], a2.corr2d(e.reshape(H, W), w).ravel())


def test_accepts_lists_and_ints_and_leaves_inputs_alone():
    x = np.arange(2 * 2 * 4 * 5).reshape(2, 2, 4, 5)
    w = (np.arange(3 * 2 * 2 * 3).reshape(3, 2, 2, 3) % 5) - 2
    x0, w0 = x.copy(), w.copy()
    got = ref.conv2d_matmul(x.tolist(), w.tolist(), [1, -1, 0], stride=2, padding=1)
    assert got.dtype == np.float64
    close(got, a3.conv2d_forward(x, w, [1, -1, 0], stride=2, padding=1))
    assert ref.im2col(x.tolist(), 2, 3).dtype == np.float64
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)
    assert ref.conv_matrix(np.array([[1, 2]], dtype=np.int32), (2, 3)).dtype == np.float64


def test_kernel_as_large_as_the_padded_input_and_1x1_kernels():
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(2, 3, 3, 4)), rng.normal(size=(2, 3, 5, 6)), rng.normal(size=2)
    out = ref.conv2d_matmul(x, w, b, padding=1)
    assert out.shape == (2, 2, 1, 1)
    close(out, a3.conv2d_forward(x, w, b, padding=1))
    cols = ref.im2col(x, 1, 1, stride=2)  # 1x1: every other pixel's channel vector
    close(cols, x[:, :, ::2, ::2].transpose(0, 2, 3, 1).reshape(2, -1, 3))
    np.testing.assert_array_equal(ref.conv_matrix([[2.5]], (2, 3)), 2.5 * np.eye(6))
    M = ref.conv_matrix(np.arange(1, 7).reshape(2, 3), (2, 3))  # kernel = input: one row
    np.testing.assert_array_equal(M, [[1, 2, 3, 4, 5, 6]])


# -- error paths -------------------------------------------------------------------------------

X4, W4, B = np.ones((2, 2, 5, 5)), np.ones((3, 2, 3, 3)), np.ones(3)


@pytest.mark.parametrize(
    "fn, args, kwargs, word",
    [
        # asked for by the notebook (and graded)
        (ref.im2col, (np.ones((2, 5, 5)), 3, 3), {}, "4-D"),
        (ref.im2col, (X4, 6, 3), {}, "does not fit"),
        (ref.im2col, (X4, 3, 8), {"padding": 1}, "does not fit"),
        (ref.conv2d_matmul, (np.ones((2, 5, 5)), W4, B), {}, "4-D"),
        (ref.conv2d_matmul, (X4, np.ones((3, 2, 6, 3)), B), {}, "does not fit"),
        (ref.conv2d_matmul, (X4, np.ones((3, 2, 8, 3)), B), {"padding": 1}, "does not fit"),
        (ref.conv2d_matmul, (X4, np.ones((2, 3, 3)), B), {}, "4-D"),
        (ref.conv2d_matmul, (X4, np.ones((3, 4, 3, 3)), B), {}, "channel"),
        (ref.conv_matrix, (np.ones((2, 2, 2)), (5, 5)), {}, "2-D"),
        (ref.conv_matrix, (np.ones(3), (5, 5)), {}, "2-D"),
        (ref.conv_matrix, (np.ones((2, 6)), (5, 5)), {}, "does not fit"),
        (ref.conv_matrix, (np.ones((6, 2)), (5, 5)), {}, "does not fit"),
        # not asked for, refused all the same
        (ref.conv2d_matmul, (X4, W4, np.ones(2)), {}, "bias"),
        (ref.im2col, (X4, 0, 3), {}, "kh"),
        (ref.im2col, (X4, 3, 3), {"stride": 0}, "stride"),
        (ref.im2col, (X4, 3, 3), {"stride": 1.5}, "stride"),
        (ref.im2col, (X4, 3, 3), {"padding": -1}, "padding"),
        (ref.im2col, (X4.astype(complex), 3, 3), {}, "real"),
        (ref.conv_matrix, (np.ones((2, 2)), (5, 5, 5)), {}, "input_shape"),
        (ref.conv_matrix, (np.ones((0, 2)), (5, 5)), {}, "does not fit"),
    ],
)
def test_errors_say_what_is_wrong(fn, args, kwargs, word):
    with pytest.raises(ValueError, match=word):
        fn(*args, **kwargs)


def test_padding_can_make_a_large_kernel_fit():
    out = ref.conv2d_matmul(np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), [0.0], padding=1)
    np.testing.assert_array_equal(out, [[[[4.0]]]])
