"""gradcheck.py and testfunctions.py: the numerical checks are themselves right, and cheap.

The forward passes they differentiate are the a4 reference's own (`_corr1d`, `_conv2d_forward`):
checked here against scipy and the a2/a3 references."""
from __future__ import annotations

import ast

import numpy as np
import pytest
from scipy import signal

from autograder import gradcheck
from autograder.testfunctions import DESCRIPTIONS, FunctionSpec, make_function
from autograder.registry.a4_backprop import function_spec as _spec

from course_helpers import ROOT, load_solution


load_reference = load_solution


A2, A3, A4 = (load_reference(a) for a in ("a2_correlation", "a3_multichannel", "a4_backprop"))
RNG_SEED = 20240611


def _layer(rng, stride=2, padding=1):
    x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    out = A4._conv2d_forward(x, w, b, stride, padding)
    return x, w, b, rng.normal(size=out.shape)


def test_forward_passes_agree_with_scipy_and_the_references():
    rng = np.random.default_rng(RNG_SEED)
    for spec in gradcheck.BACKWARD.values():
        assert callable(getattr(A4, spec.forward)), spec.forward
    x, w = rng.normal(size=11), rng.normal(size=4)
    assert np.allclose(A4._corr1d(x, w), signal.correlate(x, w, mode="valid"))
    assert np.allclose(A4._corr1d([1, 2, 3, 4], [1, 0, -1]), A2.corr1d([1, 2, 3, 4], [1, 0, -1]))
    for stride, padding in [(1, 0), (2, 1), ((2, 1), (0, 2)), (3, 2)]:
        x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
        assert np.allclose(A4._conv2d_forward(x, w, b, stride, padding),
                           A3.conv2d_forward(x, w, b, stride=stride, padding=padding))
    # and one by the definition with scipy, channel by channel
    x, w, b = rng.normal(size=(1, 2, 5, 6)), rng.normal(size=(3, 2, 2, 3)), rng.normal(size=3)
    want = np.stack([sum(signal.correlate2d(x[0, c], w[f, c], mode="valid") for c in range(2))
                     + b[f] for f in range(3)])[None]
    assert np.allclose(A4._conv2d_forward(x, w, b), want)


@pytest.mark.parametrize("function", ["corr1d_backward", "conv2d_backward"])
def test_directional_check_accepts_the_reference_and_costs_two_forward_calls_per_gradient(function):
    rng = np.random.default_rng(RNG_SEED)
    spec = gradcheck.BACKWARD[function]
    if function == "corr1d_backward":
        x, w = rng.normal(size=400), rng.normal(size=9)
        args, kwargs = (x, w, rng.normal(size=392)), {}
        grads = A4.corr1d_backward(*args)
    else:
        args, kwargs = _layer(rng), dict(stride=2, padding=1)
        grads = A4.conv2d_backward(*args, **kwargs)
    check = gradcheck.directional_check(spec, A4, args, kwargs, dict(zip(spec.names, grads)), rng)
    assert check.ok, check.lines
    assert check.forward_calls == 2 * len(spec.names)


def test_directional_check_catches_a_wrong_gradient_and_says_which():
    rng = np.random.default_rng(RNG_SEED)
    spec = gradcheck.BACKWARD["conv2d_backward"]
    args = _layer(rng)
    dx, dw, db = A4.conv2d_backward(*args, stride=2, padding=1)
    dw = dw.copy()
    dw[1, 2, 0, 1] += 0.01
    check = gradcheck.directional_check(spec, A4, args, dict(stride=2, padding=1),
                                        {"dx": dx, "dw": dw, "db": db}, rng)
    assert not check.ok
    assert len(check.lines) == 1 and check.lines[0].startswith("dw: numerical check failed")


def test_elementwise_gradient_equals_the_reference_gradient():
    rng = np.random.default_rng(RNG_SEED)
    spec = gradcheck.BACKWARD["conv2d_backward"]
    args = _layer(rng)
    kwargs = dict(stride=2, padding=1)
    want = A4.conv2d_backward(*args, **kwargs)
    for name, right in zip(spec.names, want):
        numeric, calls = gradcheck.elementwise_gradient(spec, A4, args, kwargs, name)
        assert np.allclose(numeric, right, rtol=1e-9, atol=1e-9)
        assert calls == 2 * right.size


def test_point_at_element_finds_the_planted_error():
    rng = np.random.default_rng(RNG_SEED)
    spec = gradcheck.BACKWARD["corr1d_backward"]
    args = (rng.normal(size=8), rng.normal(size=3), rng.normal(size=6))
    dx, dw = A4.corr1d_backward(*args)
    assert gradcheck.point_at_element(spec, A4, args, {}, "dx", dx) is None
    bad = dx.copy()
    bad[5] += 1.0
    line = gradcheck.point_at_element(spec, A4, args, {}, "dx", bad)
    assert line.startswith("dx: central differences of the forward pass give dx[5] = ")
    # at a given element: two forward calls instead of two per element
    assert gradcheck.point_at_element(spec, A4, args, {}, "dx", bad, (5,)) == line
    assert gradcheck.point_at_element(spec, A4, args, {}, "dx", bad, (4,)) is None
    assert gradcheck.element_derivative(spec, A4, args, {}, "dw", (1,)) == pytest.approx(dw[1])


def _exact_gradient(spec: FunctionSpec, x: np.ndarray) -> np.ndarray:
    """The exact gradient of each library function, written here (not in the package)."""
    p = spec.params
    if spec.name == "quadratic":
        return (0.5 * (p["A"] + p["A"].T) @ x.ravel() + p["c"]).reshape(x.shape)
    if spec.name == "sines":
        return p["a"] * p["k"] * np.cos(p["k"] * x + p["phi"])
    if spec.name == "conv_loss":  # M^T (M x - t)
        return np.tensordot(np.tensordot(p["M"], x, axes=2) - p["t"], p["M"], axes=2)
    return p["a"] * p["k"] / (1.0 + np.exp(-p["k"] * x))  # softplus: a * k * sigmoid(k x)


@pytest.mark.parametrize("name, shape", [("quadratic", (3, 4)), ("sines", (7,)),
                                         ("conv_loss", (4, 5)), ("softplus", (2, 3, 2))])
def test_library_functions_are_smooth_so_central_differences_find_their_gradient(name, shape):
    rng = np.random.default_rng(RNG_SEED)
    spec = _spec(rng, name, shape)
    x = rng.uniform(-1.5, 1.5, size=shape)
    numeric = A4.numerical_gradient(make_function(spec), x, h=1e-5)
    assert np.allclose(numeric, _exact_gradient(spec, x), rtol=1e-7, atol=1e-8)
    assert isinstance(make_function(spec)(x), float)


def test_conv_loss_is_a_loss_of_a_correlation_sent_as_its_matrix():
    rng = np.random.default_rng(RNG_SEED)
    spec = _spec(rng, "conv_loss", (4, 5))
    M, t = spec.params["M"], spec.params["t"]
    w = M[0, 0, :2, :3]  # the kernel sits at (i, j) in M[i, j]
    x = rng.normal(size=(4, 5))
    assert M.shape == t.shape + x.shape
    assert np.allclose(np.tensordot(M, x, axes=2), A2.corr2d(x, w))
    assert make_function(spec)(x) == pytest.approx(0.5 * np.sum((A2.corr2d(x, w) - t) ** 2))


def test_make_function_refuses_unknown_names_and_wrong_shapes():
    with pytest.raises(ValueError, match="unknown test function"):
        make_function(FunctionSpec("nope", {}))
    f = make_function(FunctionSpec("sines", {k: np.ones(3) for k in ("a", "k", "phi")}))
    with pytest.raises(ValueError, match="shape"):
        f(np.ones(4))
    assert f([0.0, 0.0, 0.0]) == pytest.approx(3 * np.sin(1.0))  # lists are fine
    assert set(DESCRIPTIONS) == {"quadratic", "sines", "conv_loss", "softplus"}


def test_testfunctions_is_pure_numpy():
    # It is loaded by path inside the sandboxed child, where the autograder package is absent.
    tree = ast.parse((ROOT / "autograder" / "testfunctions.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "dataclasses", "typing", "numpy"}
