"""The reference for a4_backprop is right: gradients checked against explicit Jacobians, loop
implementations, central differences of a forward pass written here (scipy based), the adjoint
identity; numerical_gradient against known derivatives; plus error paths."""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import signal

from course_helpers import load_solution

_load = load_solution


ref = _load("a4_backprop")
PROPS = settings(max_examples=300)  # reproducible, no deadline: the profile in conftest.py
ELEMENTS = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)


def close(got, expected, rtol=1e-10):
    expected = np.asarray(expected, dtype=float)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * scale)


# -- independent implementations used as oracles ------------------------------------------------

def scipy_conv2d(x, w, b, stride, padding):
    """conv2d_forward built from scipy.signal.correlate2d: pad, correlate each pair, subsample."""
    (sh, sw), (ph, pw) = stride, padding
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    N, F, C = x.shape[0], w.shape[0], x.shape[1]
    return np.stack([
        np.stack([
            b[f] + sum(signal.correlate2d(xpad[n, c], w[f, c], mode="valid")[::sh, ::sw]
                       for c in range(C))
            for f in range(F)
        ])
        for n in range(N)
    ])


def loop_conv2d_backward(x, w, dout, stride, padding):
    """Backward pass by scattering each output's gradient back to what produced it."""
    (sh, sw), (ph, pw) = stride, padding
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxpad, dw = np.zeros_like(xpad), np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows = slice(i * sh, i * sh + KH)
                    cols = slice(j * sw, j * sw + KW)
                    dxpad[n, :, rows, cols] += w[f] * dout[n, f, i, j]
                    dw[f] += xpad[n, :, rows, cols] * dout[n, f, i, j]
    db = dout.sum(axis=(0, 2, 3))
    return dxpad[:, :, ph : ph + H, pw : pw + W], dw, db


def central_differences(f, x, h=1e-6):
    """Element-wise central differences written here, independent of the reference."""
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (f(plus) - f(minus)) / (2 * h)
    return grad


@st.composite
def layer_case(draw, max_hw=6):
    """(x, w, b, dout, stride, padding) with every size and setting drawn independently."""
    N, C, F = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    KH, KW = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    H = draw(st.integers(max(1, KH - 2 * ph), max_hw))
    W = draw(st.integers(max(1, KW - 2 * pw), max_hw))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    OH, OW = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    return (rng.normal(size=(N, C, H, W)), rng.normal(size=(F, C, KH, KW)),
            rng.normal(size=F), rng.normal(size=(N, F, OH, OW)), (sh, sw), (ph, pw))


# -- corr1d_backward ----------------------------------------------------------------------------

@st.composite
def corr1d_case(draw):
    L = draw(st.integers(1, 10))
    K = draw(st.integers(1, L))
    x = draw(hnp.arrays(np.float64, L, elements=ELEMENTS))
    w = draw(hnp.arrays(np.float64, K, elements=ELEMENTS))
    dy = draw(hnp.arrays(np.float64, L - K + 1, elements=ELEMENTS))
    return x, w, dy


def test_corr1d_backward_hand_example():
    # y = [w0 x0 + w1 x1, w0 x1 + w1 x2]; with dy = [1, 10]:
    # dx = [w0, w1 + 10 w0, 10 w1], dw = [x0 + 10 x1, x1 + 10 x2]
    dx, dw = ref.corr1d_backward([1, 2, 3], [4, 5], [1, 10])
    np.testing.assert_array_equal(dx, [4.0, 45.0, 50.0])
    np.testing.assert_array_equal(dw, [21.0, 32.0])
    assert dx.dtype == dw.dtype == np.float64


@PROPS
@given(corr1d_case())
def test_corr1d_backward_is_the_transposed_jacobian(case):
    x, w, dy = case
    L, K = x.size, w.size
    M = L - K + 1  # output length
    Jx = np.zeros((M, L))  # dy_i / dx_j = w[j - i]
    Jw = np.zeros((M, K))  # dy_i / dw_p = x[i + p]
    for i in range(M):
        Jx[i, i : i + K] = w
        Jw[i] = x[i : i + K]
    dx, dw = ref.corr1d_backward(x, w, dy)
    assert dx.shape == x.shape and dw.shape == w.shape
    close(dx, Jx.T @ dy)
    close(dw, Jw.T @ dy)
    # ... and both are again convolutions, as the lecture says
    close(dx, np.convolve(dy, w, mode="full"))
    close(dw, np.correlate(x, dy, mode="valid"))


@PROPS
@given(corr1d_case())
def test_corr1d_backward_adjoint_identity(case):
    x, w, dy = case
    dx, dw = ref.corr1d_backward(x, w, dy)
    y = np.correlate(x, w, mode="valid")
    scale = np.abs(x).sum() * np.abs(w).sum() * np.abs(dy).max() + 1.0
    assert abs(y @ dy - x @ dx) <= 1e-12 * scale
    assert abs(y @ dy - w @ dw) <= 1e-12 * scale


def test_corr1d_backward_accepts_lists_and_ints():
    dx, dw = ref.corr1d_backward(list(range(6)), np.array([1, -2, 3], dtype=np.int8), [1, 1, 2, 0])
    close(dx, np.convolve([1, 1, 2, 0], [1, -2, 3], mode="full"))
    close(dw, np.correlate(np.arange(6.0), [1.0, 1.0, 2.0, 0.0], mode="valid"))


# -- conv2d_backward ----------------------------------------------------------------------------

@PROPS
@given(layer_case())
def test_conv2d_backward_matches_the_scatter_loop(case):
    x, w, b, dout, stride, padding = case
    dx, dw, db = ref.conv2d_backward(x, w, b, dout, stride=stride, padding=padding)
    ex, ew, eb = loop_conv2d_backward(x, w, dout, stride, padding)
    assert (dx.shape, dw.shape, db.shape) == (x.shape, w.shape, b.shape)
    assert dx.dtype == dw.dtype == db.dtype == np.float64
    close(dx, ex)
    close(dw, ew)
    close(db, eb)


@settings(PROPS, max_examples=100)
@given(layer_case(max_hw=5))
def test_conv2d_backward_adjoint_identity_with_an_independent_forward(case):
    # L(x, w, b) = <v, conv(x, w, b)> is linear in each argument, so <grad, u> must equal
    # L(u) - L(0) in that argument, for any direction u: the vector-Jacobian product check.
    x, w, b, v, stride, padding = case
    dx, dw, db = ref.conv2d_backward(x, w, b, v, stride=stride, padding=padding)
    rng = np.random.default_rng(0)
    ux, uw, ub = rng.normal(size=x.shape), rng.normal(size=w.shape), rng.normal(size=b.shape)
    zb = np.zeros_like(b)

    def loss(xx, ww, bb):
        return float((scipy_conv2d(xx, ww, bb, stride, padding) * v).sum())

    scale = 1e-10 * (np.abs(v).sum() * (1 + np.abs(x).max()) * (1 + np.abs(w).max()) * w[0].size)
    assert abs(loss(ux, w, zb) - (dx * ux).sum()) <= scale
    assert abs(loss(x, uw, zb) - (dw * uw).sum()) <= scale
    assert abs(loss(x, w, ub) - loss(x, w, zb) - (db * ub).sum()) <= scale


@pytest.mark.parametrize(
    "shapes, stride, padding",
    [
        (((2, 3, 5, 4), (2, 3, 3, 2)), (1, 1), (0, 0)),
        (((2, 2, 7, 6), (3, 2, 3, 3)), (2, 2), (1, 1)),
        (((1, 3, 6, 7), (2, 3, 2, 3)), (2, 3), (2, 0)),
        (((3, 1, 5, 5), (2, 1, 4, 2)), (3, 1), (0, 2)),   # stride skips the last rows
        (((2, 2, 3, 4), (4, 2, 3, 4)), (1, 1), (0, 0)),   # kernel = input: one output pixel
        (((2, 2, 4, 3), (3, 2, 1, 1)), (2, 2), (1, 0)),   # 1x1 kernel
    ],
)
def test_conv2d_backward_equals_central_differences(shapes, stride, padding):
    rng = np.random.default_rng(sum(shapes[0]) * 31 + sum(shapes[1]))
    x, w = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    b = rng.normal(size=shapes[1][0])
    v = rng.normal(size=scipy_conv2d(x, w, b, stride, padding).shape)  # random linear loss
    dx, dw, db = ref.conv2d_backward(x, w, b, v, stride=stride, padding=padding)
    close(dx, central_differences(lambda xx: (scipy_conv2d(xx, w, b, stride, padding) * v).sum(),
                                  x), rtol=1e-7)
    close(dw, central_differences(lambda ww: (scipy_conv2d(x, ww, b, stride, padding) * v).sum(),
                                  w), rtol=1e-7)
    close(db, central_differences(lambda bb: (scipy_conv2d(x, w, bb, stride, padding) * v).sum(),
                                  b), rtol=1e-7)


def test_conv2d_backward_int_and_pair_settings_agree():
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(2, 2, 6, 6)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    dout = rng.normal(size=(2, 3, 3, 3))
    for a, c in zip(ref.conv2d_backward(x, w, b, dout, stride=2, padding=1),
                    ref.conv2d_backward(x, w, b, dout, stride=(2, 2), padding=(1, 1))):
        close(a, c)


def test_conv2d_backward_leaves_inputs_alone():
    rng = np.random.default_rng(8)
    args = [rng.normal(size=(2, 2, 5, 5)), rng.normal(size=(3, 2, 2, 2)), rng.normal(size=3),
            rng.normal(size=(2, 3, 3, 3))]
    before = [a.copy() for a in args]
    ref.conv2d_backward(*args, stride=2, padding=1)
    for a, a0 in zip(args, before):
        np.testing.assert_array_equal(a, a0)


# -- numerical_gradient ------------------------------------------------------------------------

@PROPS
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
                  elements=st.floats(-3, 3)))
def test_numerical_gradient_of_known_functions(x):
    x0 = x.copy()
    # quadratic: central differences are exact up to rounding
    close(ref.numerical_gradient(lambda z: float((z**2).sum()), x), 2 * x, rtol=1e-8)
    close(ref.numerical_gradient(lambda z: float(np.sin(z).sum()), x), np.cos(x), rtol=1e-8)
    g = ref.numerical_gradient(lambda z: float(np.exp(z).sum()), x)
    assert g.shape == x.shape and g.dtype == np.float64
    close(g, np.exp(x), rtol=1e-8)
    np.testing.assert_array_equal(x, x0)  # never modified


def test_numerical_gradient_uses_h():
    # ((x+h)^3 - (x-h)^3) / 2h = 3x^2 + h^2 exactly: the error reveals the step in use
    x = np.array([1.0, -2.0, 0.5])
    g = ref.numerical_gradient(lambda z: float((z**3).sum()), x, h=1e-2)
    close(g, 3 * x**2 + 1e-4, rtol=1e-9)
    g = ref.numerical_gradient(lambda z: float((z**3).sum()), x, h=0.5)
    close(g, 3 * x**2 + 0.25, rtol=1e-12)


def test_numerical_gradient_works_for_int_input():
    # an int array would turn x + h back into x; the gradient must still be right
    x = np.array([[1, 2, 3], [4, 5, 6]])
    g = ref.numerical_gradient(lambda z: float((z**2).sum()), x)
    close(g, 2 * x, rtol=1e-8)
    assert g.dtype == np.float64 and g.shape == (2, 3)
    np.testing.assert_array_equal(x, [[1, 2, 3], [4, 5, 6]])
    close(ref.numerical_gradient(lambda z: float((z**2).sum()), [1, 2]), [2.0, 4.0], rtol=1e-8)


def test_numerical_gradient_of_a_product_and_a_matrix_form():
    rng = np.random.default_rng(4)
    A = rng.normal(size=(3, 3))
    x = rng.normal(size=3)
    close(ref.numerical_gradient(lambda z: float(z @ A @ z), x), (A + A.T) @ x, rtol=1e-8)
    close(ref.numerical_gradient(lambda z: float(z[0] * z[1] * z[2]), x),
          [x[1] * x[2], x[0] * x[2], x[0] * x[1]], rtol=1e-8)


def test_numerical_gradient_survives_an_f_that_mutates_its_argument():
    x = np.array([1.0, 2.0, 3.0])

    def f(z):
        z *= 2.0  # rude: changes the array it was given
        return float((z**2).sum())

    close(ref.numerical_gradient(f, x), 8 * np.array([1.0, 2.0, 3.0]), rtol=1e-8)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_numerical_gradient_calls_f_twice_per_element_and_accepts_numpy_scalars():
    calls = []

    def f(z):
        calls.append(z.shape)
        return np.sum(z)  # np.float64, not a Python float

    g = ref.numerical_gradient(f, np.zeros((2, 3)))
    close(g, np.ones((2, 3)), rtol=1e-8)
    assert len(calls) == 12 and set(calls) == {(2, 3)}
    close(ref.numerical_gradient(lambda z: np.array(z.sum()), np.zeros(2)), [1.0, 1.0])


def test_numerical_gradient_checks_the_reference_conv_gradients():
    # the two halves of the assignment agree with each other
    rng = np.random.default_rng(21)
    x, w, b = rng.normal(size=(2, 2, 5, 4)), rng.normal(size=(3, 2, 2, 3)), rng.normal(size=3)
    v = rng.normal(size=(2, 3, 3, 2))
    dx, dw, db = ref.conv2d_backward(x, w, b, v, stride=(2, 1), padding=(1, 0))

    def loss(xx):
        return float((scipy_conv2d(xx, w, b, (2, 1), (1, 0)) * v).sum())

    close(ref.numerical_gradient(loss, x), dx, rtol=1e-7)


# -- error paths -------------------------------------------------------------------------------

X, W, B = np.ones((2, 2, 5, 5)), np.ones((3, 2, 3, 3)), np.ones(3)
DOUT = np.ones((2, 3, 3, 3))


@pytest.mark.parametrize(
    "fn, args, kwargs, word",
    [
        (ref.corr1d_backward, (np.ones((3, 3)), np.ones(2), np.ones(2)), {}, "1-D"),
        (ref.corr1d_backward, (np.ones(3), np.ones(2), np.ones((2, 1))), {}, "1-D"),
        (ref.corr1d_backward, (np.ones(3), np.ones(4), np.ones(1)), {}, "fit"),
        (ref.corr1d_backward, (np.ones(5), np.ones(2), np.ones(3)), {}, "dy"),
        (ref.corr1d_backward, (np.ones(5, dtype=complex), np.ones(2), np.ones(4)), {}, "real"),
        (ref.conv2d_backward, (np.ones((2, 5, 5)), W, B, DOUT), {}, "N, C, H, W"),
        (ref.conv2d_backward, (X, np.ones((3, 4, 3, 3)), B, DOUT), {}, "channel"),
        (ref.conv2d_backward, (X, W, np.ones(2), DOUT), {}, "bias"),
        (ref.conv2d_backward, (X, np.ones((3, 2, 6, 1)), B, DOUT), {}, "larger"),
        (ref.conv2d_backward, (X, W, B, np.ones((2, 3, 4, 4))), {}, "dout"),
        (ref.conv2d_backward, (X, W, B, DOUT), {"stride": 2}, "dout"),
        (ref.conv2d_backward, (X, W, B, DOUT), {"stride": 0}, "stride"),
        (ref.conv2d_backward, (X, W, B, DOUT), {"padding": (1, 1, 1)}, "padding"),
        (ref.numerical_gradient, (lambda z: z, np.ones(3)), {}, "single"),
        (ref.numerical_gradient, (lambda z: float(z.sum()), np.ones(3)), {"h": 0}, "h"),
        (ref.numerical_gradient, (lambda z: float(z.sum()), np.ones(3)), {"h": -1e-5}, "h"),
        (ref.numerical_gradient, (lambda z: float(z.sum()), np.ones(3)), {"h": "1e-5"}, "h"),
        (ref.numerical_gradient, (lambda z: 1j, np.ones(3)), {}, "real"),
        (ref.numerical_gradient, (lambda z: float(z.sum()), np.ones(3, dtype=complex)), {}, "real"),
    ],
)
def test_errors_say_what_is_wrong(fn, args, kwargs, word):
    with pytest.raises(ValueError, match=word):
        fn(*args, **kwargs)
