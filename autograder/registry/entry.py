"""What the grader knows about one graded function, as one declarative entry.

An entry reads like the lecture: what the function computes, its parameters with their shapes,
what it returns, how it is tested (its case generator), which mistakes the feedback can name, and,
for a backward function, which forward pass its gradients belong to. Everything else in the grader
is derived from the entries (registry/__init__.py): the student API per assignment, argument names
in feedback, how a check is judged (by `kind`, never by a function's name), gradient checks, the
mistake catalogue, course.yml validation and the structural tests.

The four kinds, and how each is judged (checks.py):

    "size"                exact ints or tuples of ints (a1); inputs are shown as plain numbers
    "array"               a float64 ndarray, compared within the course's tolerance
    "backward"            a tuple of gradients, compared with the reference's AND checked by central
                          differences of the forward pass (`Gradients.forward`, in the reference)
    "numerical-gradient"  the first argument is a scalar function (sent to the student's process as
                          a testfunctions.FunctionSpec); x must come back unchanged; answers are
                          judged on a looser scale (`rtol_floor`), as central differences carry
                          rounding error
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Literal, Optional

if TYPE_CHECKING:  # only for annotations: entries are plain data
    import numpy as np

    from ..cases import Case
    from ..diagnose import Mistake

Kind = Literal["size", "array", "backward", "numerical-gradient"]
KINDS: tuple[Kind, ...] = ("size", "array", "backward", "numerical-gradient")


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED = _Required()  # a parameter without a default


@dataclass(frozen=True)
class Param:
    """One parameter of the student API: its name, its shape in the lecture's letters
    ("(N, C, H, W)", "int", "callable"), and its default (REQUIRED when it has none)."""

    name: str
    shape: str
    default: object = REQUIRED

    def signature_text(self) -> str:
        return self.name if self.default is REQUIRED else f"{self.name}={self.default!r}"


@dataclass(frozen=True)
class Gradients:
    """A backward function's gradients: of the loss L = sum(upstream * forward(...)), with respect
    to the parameters `wrt` (one returned gradient each, in that order, named "d" + name).
    `forward` is the forward pass's name in the assignment's reference module (the hidden
    solution), so this package itself holds no forward pass a student could borrow."""

    forward: str  # "_conv2d_forward": an attribute of solutions/<assignment>.py
    wrt: tuple[str, ...]  # ("x", "w", "b")
    upstream: str  # "dout": the parameter holding dL/d(output)


@dataclass(frozen=True)
class DemoStudent:
    """A sample student of `make demo` who makes one typical mistake in this function. `code`
    defines the function; `_first_try(...)` inside it calls the reference (demo.py wires that)."""

    student: str  # "ben" or "cy"
    what: str  # "kernel flipped in corr2d"
    code: str


@dataclass(frozen=True)
class GradedFunction:
    """One graded function: the lecture's words, the contract, how it is tested and judged."""

    name: str
    assignment: str
    summary: str  # what it computes, in the lecture's words
    params: tuple[Param, ...]
    returns: str  # "(N, F, OH, OW) float64"
    kind: Kind
    points: float  # its default weight; course.yml may set another
    cases: Callable[["np.random.Generator", int], "list[Case]"]  # (rng, trials) -> cases
    mistakes: tuple["Mistake", ...] = ()  # what the feedback can name ("kernel flipped", ...)
    gradients: Optional[Gradients] = None  # kind "backward" only
    # the share of the points its refusal checks (the ValueErrors the notebook asks for) carry
    # together, fixed so a refusal's worth does not depend on how many value cases there are
    refusal_share: float = 0.10
    rtol_floor: float = 0.0  # the course's rtol/atol, but never below these
    atol_floor: float = 0.0
    demo: tuple[DemoStudent, ...] = ()  # `make demo`'s sample students with a mistake here
    notes: tuple[str, ...] = field(default=())  # anything else a newcomer should know

    def __post_init__(self) -> None:
        if self.points <= 0:
            raise ValueError(f"{self.name}: points must be > 0")
        if not 0 <= self.refusal_share < 0.5:
            raise ValueError(f"{self.name}: refusal_share must be small, in [0, 0.5)")
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind {self.kind!r} is not one of {KINDS}")
        if (self.kind == "backward") != (self.gradients is not None):
            raise ValueError(f"{self.name}: a backward function, and only one, needs `gradients`")
        names = self.arg_names
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: repeated parameter names {names}")
        if self.gradients is not None:
            unknown = [n for n in (*self.gradients.wrt, self.gradients.upstream) if n not in names]
            if unknown:
                raise ValueError(f"{self.name}: gradients name unknown parameters {unknown}")

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def signature(self) -> str:
        """"(x, w, b, stride=1, padding=0)": the signature the notebook's stub has."""
        return "(" + ", ".join(p.signature_text() for p in self.params) + ")"

    @property
    def gradient_names(self) -> tuple[str, ...]:
        """("dx", "dw", "db"): the parts of a backward function's answer, in order."""
        return tuple("d" + n for n in self.gradients.wrt) if self.gradients else ()
