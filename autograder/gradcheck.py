"""Numerical gradient checks in float64, in the trusted parent.

Backward functions are judged twice: against the reference gradients, and against central
differences of the forward pass, which needs no backward function at all. For the loss
L = <dout, forward(x, w, b)>, the gradient the student returns must satisfy, for any direction u,

    <dx, u> = (L(x + e u) - L(x - e u)) / (2 e)

The forward pass is linear in x and in w (affine in b), so the central difference is exact up to
rounding for any step; we take e = 1. That is two forward calls per argument, however big the
tensor (`directional_check`). On small cases, when something is wrong, `elementwise_gradient`
differentiates element by element so the feedback can point at the wrong element.

The forward passes come from the hidden reference (the registry entry's `Gradients.forward`, e.g.
`_corr1d` and `_conv2d_forward` in solutions/a4_backprop.py, the ones the notebook gives students),
passed in as `reference`: this package holds no convolution of its own, so nothing a student could
import from it computes a graded function.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from .compare import fmt_num, index_str
from .i18n import _
from .registry import REGISTRY, GradedFunction


@dataclass(frozen=True)
class BackwardSpec:
    """How to check a backward function numerically: the name of its forward pass in the
    reference module, which of its arguments the gradients belong to (in output order), and
    where the upstream gradient sits. Built from the function's registry entry (`spec_for`)."""

    forward: str  # attribute of the reference module
    wrt: tuple[int, ...]  # argument index of x, w (, b): one per returned gradient
    names: tuple[str, ...]  # "dx", "dw" (, "db")
    dout_index: int  # argument index of the upstream gradient
    upstream: str = "dout"  # its name: "dy" or "dout"


def spec_for(entry: GradedFunction) -> BackwardSpec:
    """The BackwardSpec of a registry entry of kind "backward"."""
    if entry.gradients is None:
        raise ValueError(f"{entry.name} is not a backward function")
    names = entry.arg_names
    g = entry.gradients
    return BackwardSpec(g.forward, tuple(names.index(n) for n in g.wrt), entry.gradient_names,
                        names.index(g.upstream), g.upstream)


BACKWARD = {entry.name: spec_for(entry) for entry in REGISTRY.values() if entry.kind == "backward"}


# ----------------------------------------------------------------------------- checks


@dataclass
class GradCheck:
    ok: bool
    lines: list[str] = field(default_factory=list)
    forward_calls: int = 0


class _Loss:
    """L(args) = <dout, forward(*args, **kwargs)> with the reference's forward pass, counting
    forward calls."""

    def __init__(self, spec: BackwardSpec, reference: ModuleType, args: tuple, kwargs: dict):
        self.forward = getattr(reference, spec.forward)
        self.kwargs = kwargs
        self.dout = np.asarray(args[spec.dout_index], dtype=np.float64)
        forward_args = [a for i, a in enumerate(args) if i != spec.dout_index]
        self.args = [np.asarray(a, dtype=np.float64) for a in forward_args]
        self.calls = 0

    def __call__(self, index: int, delta: np.ndarray | None = None) -> float:
        args = list(self.args)
        if delta is not None:
            args[index] = args[index] + delta
        self.calls += 1
        return float(np.sum(self.dout * self.forward(*args, **self.kwargs)))


def directional_check(spec: BackwardSpec, reference: ModuleType, args: tuple, kwargs: dict,
                      grads: dict, rng: np.random.Generator, rtol: float = 1e-8) -> GradCheck:
    """For each gradient in `grads` (name -> float64 array of the right shape), compare
    <grad, u> with the central difference of L along a random direction u. Cost: two forward
    calls per gradient."""
    loss = _Loss(spec, reference, args, kwargs)
    lines = []
    for name, index in zip(spec.names, spec.wrt):
        if name not in grads:
            continue
        point = loss.args[index]
        u = rng.standard_normal(point.shape)
        plus, minus = loss(index, u), loss(index, -u)
        numeric = (plus - minus) / 2.0
        analytic = float(np.sum(np.asarray(grads[name], dtype=np.float64) * u))
        scale = max(1.0, abs(plus), abs(minus), abs(numeric))
        if not abs(numeric - analytic) <= rtol * scale:
            var = name[1:]
            lines.append(_(
                "{name}: numerical check failed: along a random direction u, the loss "
                "L = sum({upstream} * forward) changes at rate {numeric} ((L({variable} + u) - "
                "L({variable} - u)) / 2), but sum({name} * u) = {analytic}", name=name,
                upstream=spec.upstream, numeric=fmt_num(numeric), variable=var,
                analytic=fmt_num(analytic)))
    return GradCheck(not lines, lines, loss.calls)


def elementwise_gradient(spec: BackwardSpec, reference: ModuleType, args: tuple, kwargs: dict,
                         name: str) -> tuple[np.ndarray, int]:
    """dL/d(argument `name`) by central differences, element by element (step 1: L is affine in
    each argument). Returns the gradient and the number of forward calls it took."""
    loss = _Loss(spec, reference, args, kwargs)
    index = spec.wrt[spec.names.index(name)]
    point = loss.args[index]
    grad = np.zeros_like(point)
    for idx in np.ndindex(point.shape):
        e = np.zeros_like(point)
        e[idx] = 1.0
        grad[idx] = (loss(index, e) - loss(index, -e)) / 2.0
    return grad, loss.calls


def element_derivative(spec: BackwardSpec, reference: ModuleType, args: tuple, kwargs: dict,
                       name: str, index: tuple) -> float:
    """dL/d(argument `name`)[index] by one central difference: two forward calls."""
    loss = _Loss(spec, reference, args, kwargs)
    arg = spec.wrt[spec.names.index(name)]
    e = np.zeros_like(loss.args[arg])
    e[index] = 1.0
    return (loss(arg, e) - loss(arg, -e)) / 2.0


def point_at_element(spec: BackwardSpec, reference: ModuleType, args: tuple, kwargs: dict,
                     name: str, got: np.ndarray, index: tuple | None = None, rtol: float = 1e-7,
                     ) -> str | None:
    """One line on the element `index` of the student's gradient `name` (default: the element
    that disagrees most with a full element-wise central difference), checked numerically
    against the forward pass; None when it agrees."""
    got = np.asarray(got, dtype=np.float64)
    if index is None:
        numeric, _calls = elementwise_gradient(spec, reference, args, kwargs, name)
        err = np.abs(got - numeric)
        if not err.size:
            return None
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
        value = float(numeric[index])
    else:
        value = element_derivative(spec, reference, args, kwargs, name, index)
    if abs(got[index] - value) <= rtol * max(1.0, abs(value)):
        return None
    return _("{name}: central differences of the forward pass give {name}{index} = {value}, "
             "yours is {got}", name=name, index=index_str(index), value=fmt_num(value),
             got=fmt_num(got[index]))
