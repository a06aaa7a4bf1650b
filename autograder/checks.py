"""Checks: one Call per test case, plus the trusted judge that scores what came back.

`build_checks(assignment_id, function, reference, seed, grading)` draws the cases (cases.py),
computes the right answers with the reference in the parent, and gives each case a judge:

    value functions      compare.py: type, shape, dtype, NaN, tolerance, worst element
    a1 sizes             exact ints / tuples of ints
    backward functions   reference gradients AND central differences of the reference's forward pass
    numerical_gradient   the reference's central differences of a known function with the same h;
                         x must come back unchanged
    refusals             (any function, cases with expect_error) pass when that error is raised;
                         the feedback says why it was expected and what came back instead

and, when a check fails, diagnose.py names the known mistake the output matches.

Feedback (CheckResult.feedback) is the lines under the case label; the engine prints the label
and the function header above them. Labels and feedback are said in the current language
(autograder/i18n.py; the engine grades inside the course's); a case's note may be a Message or a
str (said through the catalogue, diagnose.lazy).
"""
from __future__ import annotations

import copy
import functools
import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from . import gradcheck
from .cases import Case
from .compare import (
    TINY,
    compare_array,
    compare_int,
    compare_int_tuple,
    compare_tuple,
    describe,
    fmt_array,
    fmt_num,
    index_str,
)
from .diagnose import diagnose, lazy
from .i18n import Message, _
from .registry import GradedFunction, graded
from .report import CheckResult
from .testfunctions import FunctionSpec, make_function
from .wire import Call, CallOutcome

__all__ = ["Call", "CallOutcome", "Check", "CheckResult", "build_checks", "derive_seed"]

# Used when the course has no secret: every student then gets the same cases (the engine warns).
DEFAULT_SECRET = b"conv101: no course secret configured"


def derive_seed(secret: bytes | None, student: str, assignment: str, test: str) -> int:
    """A 63-bit seed from HMAC-SHA256(secret, student | assignment | test). Same inputs, same seed;
    without the secret a student cannot predict another student's (or their own) cases."""
    key = secret if secret else DEFAULT_SECRET
    message = "\x1f".join((student, assignment, test)).encode("utf-8")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1


@dataclass
class Check:
    function: str
    label: str  # "case 2 of 8: x (5, 7) float64, w (3, 2) float64"
    size: int  # number of input elements; smaller = easier to read
    call: Call
    judge: Callable[[CallOutcome], CheckResult]  # trusted: runs in the parent
    refusal: bool = False  # the right answer is a ValueError the notebook asks for (engine weighs it)


# ----------------------------------------------------------------------------- describing inputs

def _is_arraylike(value) -> bool:
    return isinstance(value, np.ndarray) or (isinstance(value, list) and len(value) > 0
                                             and isinstance(value[0], (list, int, float)))


def _describe_arg(name: str, value, plain: bool = False) -> str:
    if isinstance(value, FunctionSpec):
        return str(lazy(value.describe()))  # testfunctions.DESCRIPTIONS, marked with N_
    if isinstance(value, np.ndarray):
        return f"{name} {tuple(value.shape)} {value.dtype}"
    if _is_arraylike(value) and not plain:
        a = np.asarray(value)
        if a.dtype.kind in "iu":
            return _("{name} a Python list {shape} of ints", name=name, shape=str(tuple(a.shape)))
        return _("{name} a Python list {shape} of floats", name=name, shape=str(tuple(a.shape)))
    return f"{name}={value!r}"


def _named_args(function: str, args: tuple, kwargs: dict) -> list[tuple[str, object]]:
    names = graded(function).arg_names
    return [(names[i] if i < len(names) else f"arg{i}", a) for i, a in enumerate(args)] + \
        list(kwargs.items())


def describe_inputs(function: str, args: tuple, kwargs: dict) -> str:
    plain = graded(function).kind == "size"  # sizes: show the numbers themselves
    return ", ".join(_describe_arg(n, v, plain) for n, v in _named_args(function, args, kwargs))


def _size(function: str, args: tuple, kwargs: dict) -> int:
    if graded(function).kind == "size":  # a1: smaller numbers read easier
        flat = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in (*args,
                               *kwargs.values())] or [np.zeros(0)])
        return int(np.sum(np.abs(flat)))
    total = 0
    for value in (*args, *kwargs.values()):
        if isinstance(value, np.ndarray) or _is_arraylike(value):
            total += int(np.asarray(value).size)
    return total


def _tiny_inputs(function: str, args: tuple, kwargs: dict) -> list[str]:
    """The input arrays themselves, when they are small enough to read."""
    lines = []
    for name, value in _named_args(function, args, kwargs):
        if isinstance(value, FunctionSpec) or not (isinstance(value, np.ndarray)
                                                    or _is_arraylike(value)):
            continue
        a = np.asarray(value)
        if a.size <= TINY:
            lines.append(f"{name} = {value!r}" if isinstance(value, list) else
                         f"{name} = {fmt_array(a)}")
    return lines


# ----------------------------------------------------------------------------- outcomes that are not values

_SHAPES_MET = Message("two arrays of different shapes met: print the shapes of the slices you "
                      "multiply or assign")
_LISTS = Message("inputs may be Python lists: convert them with np.asarray(x) first")
_HINTS = [  # (exception name, words in the message, hint)
    ("IndexError", "", Message("an index ran past the end of an array: check your loop ranges "
                               "against the output size")),
    ("ValueError", "broadcast", _SHAPES_MET),
    ("ValueError", "could not", _SHAPES_MET),
    ("AttributeError", "'list'", _LISTS),
    ("TypeError", "list", _LISTS),
    ("NameError", "", Message("a name is used before it is defined: is a helper defined in a cell "
                              "that did not run, or misspelt?")),
    ("ZeroDivisionError", "", Message("something was divided by zero")),
    ("RecursionError", "", Message("the function calls itself without end")),
]


def hint(words) -> str:
    """'hint: ...' in the current language."""
    return _("hint: {hint}", hint=words)


def _raised(message: str) -> str:
    """The exception's name in an outcome's message: "NotImplementedError: why" or, for a bare
    `raise X`, "X" then the line it came from."""
    return message.splitlines()[0].split(":", 1)[0].strip() if message else ""


def call_status(outcome: CallOutcome) -> str:
    """How a call ended, as the class report counts it: the outcome's status, or "stub" for the
    release's `raise NotImplementedError`."""
    if outcome.status == "error" and _raised((outcome.message or "").strip()) == "NotImplementedError":
        return "stub"
    return outcome.status


def _status_lines(function: str, outcome: CallOutcome) -> list[str]:
    status, message = outcome.status, (outcome.message or "").strip()
    lines: list[str]
    if status == "error":
        exc = _raised(message)
        if exc == "NotImplementedError":
            return [_("your function raised {error} - it is still the stub: replace the "
                      "`raise NotImplementedError` line with your code", error=message)]
        lines = [_("your function raised {error}", error=message)]
        for name, words, said in _HINTS:
            if exc == name and words in message:
                lines.append(hint(said))
                break
        return lines
    # The sandbox's message already says what happened (and, for a timeout, a skipped case or a
    # load failure, what to do); add a hint only where it cannot know the likely cause.
    advice: Message | None = {
        "memory": Message("an array far larger than the output is the usual cause"),
        "crash": Message("sys.exit, os._exit, a signal or a crash in native code ends the process "
                         "that runs your code, so this case got no answer"),
        "missing": Message("check the name {function} and that the cell defining it runs without "
                           "errors", function=function),
        "bad_output": Message("the grader accepts plain data only: return a numpy array (or the "
                              "numbers the assignment asks for)"),
    }.get(status)
    lines = [message or _("the call ended with status {status}", status=repr(status))]
    if advice:
        lines.append(hint(advice))
    return lines


# ----------------------------------------------------------------------------- judges

@dataclass
class _Context:
    function: str
    label: str
    size: int
    case: Case
    reference: ModuleType
    expected: Any  # right answer (array, int, tuple ...); None when an exception is expected
    rtol: float
    atol: float
    seed: int
    named: list[tuple[str | None, str, str]] = field(default_factory=list)  # of the current call

    def result(self, passed: bool, lines: Sequence[str] = ()) -> CheckResult:
        return CheckResult(label=self.label, passed=passed,
                           feedback="" if passed else "\n".join(lines), size=self.size,
                           refusal=bool(self.case.expect_error),
                           named=() if passed else tuple(self.named))

    @property
    def inputs(self) -> list[str]:
        return _tiny_inputs(self.function, self.case.args, self.case.kwargs)

    def diagnose(self, got, part_names=None, leave_out: tuple[str, ...] = ()) -> list[str]:
        return diagnose(self.function, self.reference, self.case.args, self.case.kwargs,
                        self.expected, got, self.rtol, self.atol, part_names, leave_out,
                        named=self.named)

    def judge(self, judge: Callable[[_Context, CallOutcome], CheckResult],
              outcome: CallOutcome) -> CheckResult:
        """`judge` on `outcome`, with what it names and how the call ended kept as data."""
        self.named.clear()
        result = judge(self, outcome)
        result.status = call_status(outcome)
        return result


def _judge_array(ctx: _Context, outcome: CallOutcome) -> CheckResult:
    if outcome.status != "ok":
        return ctx.result(False, ctx.inputs + _status_lines(ctx.function, outcome))
    comparison = compare_array(ctx.expected, outcome.value, ctx.rtol, ctx.atol)
    if comparison.ok:
        return ctx.result(True)
    return ctx.result(False, ctx.inputs + comparison.lines + ctx.diagnose(outcome.value))


def _shown(value) -> str:
    """What came back, in a few words: small plain values as they are, arrays by dtype and shape."""
    holds_arrays = isinstance(value, (tuple, list)) and any(isinstance(v, np.ndarray) for v in value)
    text = repr(value)
    if isinstance(value, np.ndarray) or holds_arrays or len(text) > 60:
        return describe(value)
    return text


_REFUSE_HINT = Message("the notebook asks for this check: test the input before computing and "
                       "raise ValueError with a message that says what is wrong")


def _judge_refusal(ctx: _Context, outcome: CallOutcome) -> CheckResult:
    """A case whose right answer is an error (ValueError): passes exactly when that is raised."""
    want, message = ctx.case.expect_error, (outcome.message or "").strip()
    why = lazy(ctx.case.note)
    raised = set(outcome.error_types) | {message.split(":", 1)[0].strip()}
    if outcome.status == "error" and want in raised:  # a subclass of ValueError counts too
        return ctx.result(True)
    if outcome.status == "ok":
        named = ctx.diagnose(outcome.value)  # a1: "invalid input is not refused" and its kin
        return ctx.result(False, [_("expected {error} because {why}; your function returned "
                                    "{value}", error=want, why=why, value=_shown(outcome.value))]
                          + (named or [hint(_REFUSE_HINT)]))
    if outcome.status == "error" and not message.startswith("NotImplementedError"):
        return ctx.result(False, [_("expected {error} because {why}; your function raised "
                                    "{raised}", error=want, why=why, raised=message),
                                  hint(_REFUSE_HINT)])
    return ctx.result(False, _status_lines(ctx.function, outcome))  # the stub, a timeout ...


def _judge_size(ctx: _Context, outcome: CallOutcome) -> CheckResult:
    value = outcome.value
    if outcome.status != "ok":
        lines = _status_lines(ctx.function, outcome)
        if outcome.status == "error":
            lines.append(_("this input is valid: the answer is {answer}",
                           answer=repr(ctx.expected)))
        return ctx.result(False, lines)
    if isinstance(ctx.expected, tuple):
        comparison = compare_int_tuple(ctx.expected, value)
    else:
        comparison = compare_int(ctx.expected, value)
    if comparison.ok:
        return ctx.result(True)
    return ctx.result(False, comparison.lines + ctx.diagnose(value))


def _judge_backward(ctx: _Context, outcome: CallOutcome) -> CheckResult:
    spec = gradcheck.spec_for(graded(ctx.function))
    if outcome.status != "ok":
        return ctx.result(False, ctx.inputs + _status_lines(ctx.function, outcome))
    got: Any = outcome.value
    whole, parts = compare_tuple(ctx.expected, got, spec.names, ctx.rtol, ctx.atol)
    lines = list(whole.lines)
    numeric_ok = True
    if parts:
        # (b) independent of any backward function: central differences of the forward pass
        grads = {name: np.asarray(g, dtype=np.float64)
                 for name, g, part in zip(spec.names, got, parts)
                 if part.shape_ok and np.all(np.isfinite(np.asarray(g, dtype=np.float64)))}
        check = gradcheck.directional_check(spec, ctx.reference, ctx.case.args, ctx.case.kwargs,
                                            grads, np.random.default_rng(ctx.seed),
                                            rtol=max(ctx.rtol, 1e-9))
        numeric_ok = check.ok and len(grads) == len(spec.names)
        if not ctx.case.big:  # small: point at the wrong element
            for name, part in zip(spec.names, parts):
                if name in grads and not part.ok and part.worst is not None:
                    line = gradcheck.point_at_element(spec, ctx.reference, ctx.case.args,
                                                      ctx.case.kwargs, name, grads[name],
                                                      part.worst, rtol=max(ctx.rtol, 1e-9))
                    if line:
                        lines.append(line)
        else:
            lines += check.lines
    if whole.ok and numeric_ok:
        return ctx.result(True)
    if whole.ok and not numeric_ok:  # cannot happen with a correct reference; say so honestly
        lines += check.lines
    return ctx.result(False, ctx.inputs + lines + ctx.diagnose(got, spec.names))


def _x_after(ctx: _Context, args_after) -> np.ndarray | None:
    """The point x as the student's function left it (the call sends the arguments back)."""
    at = graded(ctx.function).arg_names.index("x")
    if args_after and len(args_after) > at and isinstance(args_after[at], np.ndarray):
        return args_after[at]
    return None


def _judge_numerical_gradient(ctx: _Context, outcome: CallOutcome) -> CheckResult:
    if outcome.status != "ok":
        return ctx.result(False, ctx.inputs + _status_lines(ctx.function, outcome))
    x_before = np.asarray(ctx.case.args[graded(ctx.function).arg_names.index("x")],
                          dtype=np.float64)
    lines = []
    x_after = _x_after(ctx, outcome.args_after)
    if x_after is not None:
        changed = (x_after.shape != x_before.shape or not np.allclose(
            np.asarray(x_after, dtype=np.float64), x_before, rtol=1e-12, atol=1e-12))
        if changed:
            if x_after.shape == x_before.shape:
                diff = np.abs(np.asarray(x_after, dtype=np.float64) - x_before)
                at = np.unravel_index(int(np.argmax(diff)), diff.shape)
                lines.append(_("x was changed by your function: x{index} was {before} before "
                               "the call and {after} after ({changed} of {size} elements "
                               "changed)", index=index_str(at), before=fmt_num(x_before[at]),
                               after=fmt_num(x_after[at]), changed=int((diff > 1e-12).sum()),
                               size=diff.size))
            else:
                lines.append(_("x was changed by your function: its shape went from {before} to "
                               "{after}", before=str(x_before.shape), after=str(x_after.shape)))
            words = _("x is changed in place and not put back. Work on a copy (x = x.copy()) or "
                      "restore x[i] after each evaluation; the caller's x must be left unchanged.")
            lines.append(_("likely mistake") + ": " + words)
            ctx.named.append((None, "x mutated", words))
    comparison = compare_array(ctx.expected, outcome.value, ctx.rtol, ctx.atol, name="gradient")
    if comparison.ok and not lines:
        return ctx.result(True)
    if not comparison.ok:
        # the mutation is already explained above: the registry's "x mutated" is left out
        named = ctx.diagnose(outcome.value, leave_out=("x mutated",) if lines else ())
        lines = comparison.lines + named + lines
    return ctx.result(False, ctx.inputs + lines)


# ----------------------------------------------------------------------------- building

def _expected(entry: GradedFunction, reference: ModuleType, case: Case):
    """The right answer; None when it is an error (after making sure the reference raises it)."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    fn = getattr(reference, entry.name)
    if entry.kind == "numerical-gradient":  # the reference's central difference with the same h
        return np.asarray(fn(make_function(args[0]), *args[1:], **kwargs), dtype=np.float64)
    if case.expect_error:
        try:
            value = fn(*args, **kwargs)
        except Exception as error:  # noqa: BLE001
            if type(error).__name__ != case.expect_error:
                raise RuntimeError(f"reference {entry.name}{case.args} raised "
                                   f"{type(error).__name__}, not {case.expect_error}") from error
            return None
        raise RuntimeError(f"reference {entry.name}{case.args} returned {value!r} instead of "
                           f"raising {case.expect_error}")
    value = fn(*args, **kwargs)
    if isinstance(value, tuple) and entry.kind == "backward":
        value = tuple(np.asarray(v, dtype=np.float64) for v in value)
    elif isinstance(value, np.ndarray):
        value = np.asarray(value, dtype=np.float64)
    return value


# How a value that came back is judged, by the kind of the function (registry/entry.py).
JUDGES: dict[str, Callable[[_Context, CallOutcome], CheckResult]] = {
    "size": _judge_size,
    "array": _judge_array,
    "backward": _judge_backward,
    "numerical-gradient": _judge_numerical_gradient,
}


def _tolerances(entry: GradedFunction, grading) -> tuple[float, float]:
    """The course's tolerances, never below the entry's floors."""
    return max(grading.rtol, entry.rtol_floor), max(grading.atol, entry.atol_floor)


def build_checks(assignment_id: str, function: str, reference: ModuleType, seed: int,
                 grading) -> list[Check]:
    """The checks of one graded function for one student (`seed` from derive_seed)."""
    del assignment_id  # the function name decides the cases; the id is in the seed already
    entry = graded(function)
    rng = np.random.default_rng(seed)
    cases = entry.cases(rng, grading.trials)
    case_seeds = rng.integers(0, 2 ** 63, size=len(cases))
    rtol, atol = _tolerances(entry, grading)
    checks = []
    for i, (case, case_seed) in enumerate(zip(cases, case_seeds), start=1):
        note = f" ({lazy(case.note)})" if case.note else ""
        label = (_("case {number} of {count}", number=i, count=len(cases))
                 + f"{note}: {describe_inputs(function, case.args, case.kwargs)}")
        ctx = _Context(function, label, _size(function, case.args, case.kwargs), case, reference,
                       _expected(entry, reference, case), rtol, atol, int(case_seed))
        call = Call(function, case.args, dict(case.kwargs),
                    return_args=entry.kind == "numerical-gradient")  # x must come back unchanged
        judge = _judge_refusal if case.expect_error else JUDGES[entry.kind]
        checks.append(Check(function, label, ctx.size, call,
                            functools.partial(ctx.judge, judge),
                            refusal=bool(case.expect_error)))
    return checks
