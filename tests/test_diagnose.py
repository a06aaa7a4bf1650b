"""Every known mistake is named when a submission makes it.

For each Mistake in diagnose.MISTAKES we build a mutant of the reference that makes exactly that
mistake (for "values" mistakes: the mistake's own variant; for "shape" and "integer" ones: the
right answer trimmed / truncated), feed its outputs to the real judges as if they came back from
the sandbox, and require that the function loses points and that the feedback names the mistake.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

from autograder.checks import CallOutcome, build_checks, derive_seed
from autograder.course import STUDENT_API, Grading
from autograder.diagnose import MISTAKES, Mistake, diagnose, find, mistakes_for
from autograder.testfunctions import make_function

from course_helpers import load_solution
GRADING = Grading()
ASSIGNMENT_OF = {f: a for a, fs in STUDENT_API.items() for f in fs}


load_reference = load_solution


REFERENCES = {a: load_reference(a) for a in STUDENT_API}


def _fill(variant, right):
    """A tuple variant may leave parts it does not change as None: take the right ones."""
    if isinstance(variant, tuple) and isinstance(right, tuple):
        return tuple(r if v is None else v for v, r in zip(variant, right))
    return variant


def mutant_outcome(mistake: Mistake, reference, check) -> CallOutcome | None:
    """What a student making `mistake` returns on `check`'s case; None if it does not apply."""
    call = check.call
    args, kwargs = copy.deepcopy(call.args), copy.deepcopy(call.kwargs)
    right = None
    if call.function != "numerical_gradient":
        try:
            right = getattr(reference, call.function)(*copy.deepcopy(args), **kwargs)
        except ValueError:
            right = None
    if mistake.match == "any":  # any value where a ValueError was the answer
        if right is not None:
            return None
        value = 1 if call.function == "conv_output_length" else (1,) * len(args[0])
    elif mistake.match == "shape":
        if not isinstance(right, np.ndarray):
            return None
        value = right[tuple(slice(0, max(1, n - 1)) for n in right.shape)]
        if value.shape == right.shape:
            return None
    elif mistake.match == "integer":
        if isinstance(right, tuple):
            value = tuple(np.trunc(r).astype(np.int64) for r in right)
        elif isinstance(right, np.ndarray):
            value = np.trunc(right).astype(np.int64)
        else:
            return None
    else:
        try:
            value = mistake.variant(reference, *args, **kwargs)
        except Exception:  # noqa: BLE001 - the mistake does not apply to this case
            return None
        if value is None:
            return None
        if right is not None:
            value = _fill(value, right)
        elif isinstance(value, tuple) and any(v is None for v in value):
            return None
    return CallOutcome(status="ok", value=value,
                       args_after=tuple(a for a in call.args) if call.return_args else None)


def _mistake_id(m: Mistake) -> str:
    return f"{m.function}:{m.name}:{MISTAKES.index(m)}"


CONCRETE = [m for m in MISTAKES if m.function != "*"]


@pytest.mark.parametrize("mistake", CONCRETE, ids=_mistake_id)
def test_each_mistake_is_named(mistake: Mistake):
    function = mistake.function
    assignment = ASSIGNMENT_OF[function]
    reference = REFERENCES[assignment]
    checks = build_checks(assignment, function, reference,
                          derive_seed(None, "mutant", assignment, function), GRADING)
    # mistakes sharing a name (two loop orders of the same bug) are told with one explanation
    explanations = {m.explanation for m in mistakes_for(function) if m.name == mistake.name}
    applied = failed = named = 0
    for check in checks:
        outcome = mutant_outcome(mistake, reference, check)
        if outcome is None:
            continue
        applied += 1
        result = check.judge(outcome)
        if not result.passed:
            failed += 1
            named += any(e in result.feedback for e in explanations)
    assert applied, f"the mutant of {mistake.name!r} applies to no case of {function}"
    assert failed, f"the mutant of {mistake.name!r} passes every check of {function}"
    assert named >= 1, f"{mistake.name!r} was never named in {failed} failing checks"


@pytest.mark.parametrize("function", [f for f in ASSIGNMENT_OF if f not in
                                      ("conv_output_length", "conv_output_shape")])
def test_integer_truncation_is_named_for_every_array_function(function):
    assignment = ASSIGNMENT_OF[function]
    reference = REFERENCES[assignment]
    integer = next(m for m in MISTAKES if m.match == "integer")
    checks = build_checks(assignment, function, reference, 7, GRADING)
    results = []
    for check in checks:
        call = check.call
        if function == "numerical_gradient":
            right = reference.numerical_gradient(make_function(call.args[0]), *call.args[1:],
                                                 **call.kwargs)
        else:
            right = getattr(reference, function)(*copy.deepcopy(call.args), **call.kwargs)
        value = (tuple(np.trunc(r).astype(np.int64) for r in right) if isinstance(right, tuple)
                 else np.trunc(right).astype(np.int64))
        results.append(check.judge(CallOutcome("ok", value=value,
                                                args_after=call.args if call.return_args else None)))
    assert all(not r.passed for r in results), "an integer array must never pass"
    assert all("integer" in r.feedback for r in results)
    assert any(integer.explanation in r.feedback for r in results)


def test_off_by_one_shape_is_named_with_the_axis():
    reference = REFERENCES["a2_correlation"]
    checks = build_checks("a2_correlation", "corr2d", reference, 3, GRADING)
    check = checks[0]
    right = reference.corr2d(*check.call.args)
    result = check.judge(CallOutcome("ok", value=right[:-1, :]))
    assert not result.passed
    assert "axis 0 is one short" in result.feedback
    assert "H - K + 1" in result.feedback


def test_every_function_has_at_least_one_specific_mistake():
    for functions in STUDENT_API.values():
        for function in functions:
            specific = [m for m in mistakes_for(function) if m.function == function]
            assert specific, f"no known mistake for {function}"


def test_a_correct_answer_names_nothing():
    reference = REFERENCES["a2_correlation"]
    x, w = np.arange(12.0).reshape(3, 4), np.array([[1.0, 2.0], [0.5, -1.0]])
    right = reference.corr2d(x, w)
    assert diagnose("corr2d", reference, (x, w), {}, right, right, 1e-7, 1e-9) == []


def test_a_symmetric_kernel_cannot_be_blamed_for_flipping():
    # On a symmetric kernel a flip changes nothing, so "kernel flipped" explains nothing.
    reference = REFERENCES["a2_correlation"]
    x, w = np.arange(12.0).reshape(3, 4), np.array([[1.0, 2.0], [2.0, 1.0]])
    wrong = reference.corr2d(x, w) + 1
    names = [m.name for _, m in find("corr2d", reference, (x, w), {}, reference.corr2d(x, w),
                                     wrong, 1e-7, 1e-9)]
    assert "kernel flipped" not in names


def test_two_mistakes_in_two_gradients_are_both_named():
    reference = REFERENCES["a4_backprop"]
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    dout = rng.normal(size=(2, 4, 4, 4))
    dx, dw, db = reference.conv2d_backward(x, w, b, dout)
    got = (dx, dw / 2, dout.sum(axis=0))
    found = find("conv2d_backward", reference, (x, w, b, dout), {}, (dx, dw, db), got, 1e-7, 1e-9,
                 ("dx", "dw", "db"))
    assert ("dw", "dw averaged") in [(p, m.name) for p, m in found]
    assert ("db", "db not summed over space") in [(p, m.name) for p, m in found]
