"""gradcheck.py and testfunctions.py: the numerical checks are themselves right, and cheap."""
from __future__ import annotations

import ast

import numpy as np
import pytest
from scipy import signal

from autograder import gradcheck
from autograder.testfunctions import DESCRIPTIONS, FunctionSpec, make_function
from autograder.cases import _spec

from course_helpers import ROOT, load_solution


load_reference = load_solution


A3, A4 = load_reference("a3_multichannel"), load_reference("a4_backprop")
RNG_SEED = 20240611


def _layer(rng, stride=2, padding=1):
    x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    out = gradcheck.conv2d_forward(x, w, b, stride, padding)
    return x, w, b, rng.normal(size=out.shape)


def test_forward_passes_agree_with_scipy_and_the_reference():
    rng = np.random.default_rng(RNG_SEED)
    x, w = rng.normal(size=11), rng.normal(size=4)
    assert np.allclose(gradcheck.corr1d_forward(x, w), signal.correlate(x, w, mode="valid"))
    for stride, padding in [(1, 0), (2, 1), ((2, 1), (0, 2)), (3, 2)]:
        x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
        assert np.allclose(gradcheck.conv2d_forward(x, w, b, stride, padding),
                           A3.conv2d_forward(x, w, b, stride=stride, padding=padding))
    # and one by the definition with scipy, channel by channel
    x, w, b = rng.normal(size=(1, 2, 5, 6)), rng.normal(size=(3, 2, 2, 3)), rng.normal(size=3)
    want = np.stack([sum(signal.correlate2d(x[0, c], w[f, c], mode="valid") for c in range(2))
                     + b[f] for f in range(3)])[None]
    assert np.allclose(gradcheck.conv2d_forward(x, w, b), want)


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
    check = gradcheck.directional_check(spec, args, kwargs, dict(zip(spec.names, grads)), rng)
    assert check.ok, check.lines
    assert check.forward_calls == 2 * len(spec.names)


def test_directional_check_catches_a_wrong_gradient_and_says_which():
    rng = np.random.default_rng(RNG_SEED)
    spec = gradcheck.BACKWARD["conv2d_backward"]
    args = _layer(rng)
    dx, dw, db = A4.conv2d_backward(*args, stride=2, padding=1)
    dw = dw.copy()
    dw[1, 2, 0, 1] += 0.01
    check = gradcheck.directional_check(spec, args, dict(stride=2, padding=1),
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
        numeric, calls = gradcheck.elementwise_gradient(spec, args, kwargs, name)
        assert np.allclose(numeric, right, rtol=1e-9, atol=1e-9)
        assert calls == 2 * right.size


def test_point_at_element_finds_the_planted_error():
    rng = np.random.default_rng(RNG_SEED)
    spec = gradcheck.BACKWARD["corr1d_backward"]
    args = (rng.normal(size=8), rng.normal(size=3), rng.normal(size=6))
    dx, dw = A4.corr1d_backward(*args)
    assert gradcheck.point_at_element(spec, args, {}, "dx", dx) is None
    bad = dx.copy()
    bad[5] += 1.0
    line = gradcheck.point_at_element(spec, args, {}, "dx", bad)
    assert line.startswith("dx: central differences of the forward pass give dx[5] = ")
    # at a given element: two forward calls instead of two per element
    assert gradcheck.point_at_element(spec, args, {}, "dx", bad, (5,)) == line
    assert gradcheck.point_at_element(spec, args, {}, "dx", bad, (4,)) is None
    assert gradcheck.element_derivative(spec, args, {}, "dw", (1,)) == pytest.approx(dw[1])


@pytest.mark.parametrize("name, shape", [("quadratic", (3, 4)), ("sines", (7,)),
                                         ("conv_loss", (4, 5)), ("softplus", (2, 3, 2))])
def test_exact_gradients_match_central_differences(name, shape):
    rng = np.random.default_rng(RNG_SEED)
    spec = _spec(rng, name, shape)
    x = rng.uniform(-1.5, 1.5, size=shape)
    exact = gradcheck.exact_gradient(spec, x)
    assert exact.shape == x.shape
    numeric = A4.numerical_gradient(make_function(spec), x, h=1e-5)
    assert np.allclose(numeric, exact, rtol=1e-7, atol=1e-8)
    assert isinstance(make_function(spec)(x), float)


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
