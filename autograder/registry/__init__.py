"""The registry: one entry per graded function, and everything derived from the entries.

Read an assignment's module to see its graded functions as the lecture tells them: what each
computes, its parameters with their shapes, how it is tested (its case generator) and which
mistakes the feedback can name.

    a1_output_size.py     conv_output_length, conv_output_shape
    a2_correlation.py     corr1d, corr2d, corr3d, convolve1d, convolve2d
    a3_multichannel.py    corr2d_multi_in, corr2d_multi_in_out, conv2d_forward
    a4_backprop.py        corr1d_backward, numerical_gradient, conv2d_backward
    a5_conv_as_matmul.py  im2col, conv2d_matmul, conv_matrix

Derived here: STUDENT_API (assignment -> graded functions in notebook order, which course.yml is
validated against), `graded(name)` (the entry of a function, for checks, cases and diagnose) and
MISTAKES (the whole catalogue, for the tests). Adding an assignment is adding its module to
ASSIGNMENT_MODULES (CONTRIBUTING.md has the recipe).
"""
from __future__ import annotations

from types import ModuleType

from . import a1_output_size, a2_correlation, a3_multichannel, a4_backprop, a5_conv_as_matmul
from .entry import KINDS, REQUIRED, DemoStudent, GradedFunction, Gradients, Kind, Param

__all__ = ["ASSIGNMENT_MODULES", "KINDS", "MISTAKES", "REGISTRY", "REQUIRED", "STUDENT_API",
           "DemoStudent", "GradedFunction", "Gradients", "Kind", "Param", "graded"]

# In course order. Each module defines ASSIGNMENT (its id) and FUNCTIONS (entries, notebook order).
ASSIGNMENT_MODULES: tuple[ModuleType, ...] = (
    a1_output_size, a2_correlation, a3_multichannel, a4_backprop, a5_conv_as_matmul,
)


def _build() -> dict[str, GradedFunction]:
    registry: dict[str, GradedFunction] = {}
    for module in ASSIGNMENT_MODULES:
        for entry in module.FUNCTIONS:
            if entry.assignment != module.ASSIGNMENT:
                raise ValueError(f"{entry.name} sits in {module.__name__} but says it belongs to "
                                 f"{entry.assignment}")
            if entry.name in registry:
                raise ValueError(f"two entries for {entry.name}")
            strays = [m.name for m in entry.mistakes if m.function != entry.name]
            if strays:
                raise ValueError(f"{entry.name}: mistakes of another function {strays}")
            registry[entry.name] = entry
    return registry


REGISTRY: dict[str, GradedFunction] = _build()

STUDENT_API: dict[str, tuple[str, ...]] = {
    module.ASSIGNMENT: tuple(entry.name for entry in module.FUNCTIONS)
    for module in ASSIGNMENT_MODULES
}

MISTAKES = [mistake for entry in REGISTRY.values() for mistake in entry.mistakes]


def graded(name: str) -> GradedFunction:
    """The registry entry of the graded function `name`; KeyError naming the known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no graded function {name!r}; the registry has "
                       f"{', '.join(REGISTRY)}") from None
