"""Every known mistake is named when a submission makes it.

For each Mistake in the registry (registry.MISTAKES) we build a mutant of the reference that makes exactly that
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
from autograder.diagnose import INTEGER_TRUNCATION, Mistake, diagnose, find, mistakes_for
from autograder.registry import MISTAKES
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
    value: object  # what the student returns: anything at all
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
        trimmed = right[tuple(slice(0, n - 1 if axis in mistake.axes and n > 1 else n)
                              for axis, n in enumerate(right.shape))]
        if trimmed.shape == right.shape:
            return None
        value = trimmed
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
    # mistakes sharing a name (two loop orders of the same bug) are told with one explanation;
    # an off-by-one explanation is filled in with the axes ("{off}"): its fixed part must show
    explanations = {str(m.explanation).split("{off}")[-1] for m in mistakes_for(function)
                    if m.name == mistake.name}
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


def _value_checks(assignment: str, function: str, reference, seed: int):
    """(check, the reference's answer) for every check of a function whose answer is a value
    (refusal checks, whose answer is a ValueError, are left out)."""
    for check in build_checks(assignment, function, reference, seed, GRADING):
        if check.refusal:
            continue
        call = check.call
        if function == "numerical_gradient":
            right = reference.numerical_gradient(make_function(call.args[0]), *call.args[1:],
                                                 **call.kwargs)
        else:
            right = getattr(reference, function)(*copy.deepcopy(call.args), **call.kwargs)
        yield check, right


@pytest.mark.parametrize("function", [f for f in ASSIGNMENT_OF if f not in
                                      ("conv_output_length", "conv_output_shape")])
def test_integer_truncation_is_named_for_every_array_function(function):
    assignment = ASSIGNMENT_OF[function]
    reference = REFERENCES[assignment]
    integer = INTEGER_TRUNCATION
    results = []
    for check, right in _value_checks(assignment, function, reference, 7):
        call = check.call
        value = (tuple(np.trunc(r).astype(np.int64) for r in right) if isinstance(right, tuple)
                 else np.trunc(right).astype(np.int64))
        results.append(check.judge(CallOutcome("ok", value=value,
                                                args_after=call.args if call.return_args else None)))
    assert all(not r.passed for r in results), "an integer array must never pass"
    assert all("integer" in r.feedback for r in results)
    assert any(str(integer.explanation) in r.feedback for r in results)


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


# ----------------------------------------------------------------------------- families, precisely

def _check_of(function, seed=3, kind=None):
    """A random (not edge) case of `function`, its reference answer and its judge."""
    assignment = ASSIGNMENT_OF[function]
    reference = REFERENCES[assignment]
    for check in build_checks(assignment, function, reference, seed, GRADING):
        args = check.call.args
        if "case 1 " in check.label or (kind == "float" and isinstance(args[0], np.ndarray)
                                        and args[0].dtype.kind == "f"):
            right = getattr(reference, function)(*copy.deepcopy(args), **check.call.kwargs)
            return check, reference, right
    raise AssertionError(function)


def _names(function, reference, check, right, got, parts=None):
    return [m.name for _, m in find(function, reference, check.call.args, check.call.kwargs,
                                    right, got, GRADING.rtol, GRADING.atol, parts)]


def test_the_families_have_every_member():
    names = {f: {m.name for m in mistakes_for(f)} for f in ASSIGNMENT_OF}
    # flips along every non-empty subset of the kernel's spatial axes
    assert {n for n in names["corr3d"] if n.startswith("kernel flipped")} == {
        "kernel flipped", "kernel flipped along axis 0 (depth) only",
        "kernel flipped along axis 1 (rows) only", "kernel flipped along axis 2 (columns) only",
        "kernel flipped along axes 0 and 1 (depth, rows) only",
        "kernel flipped along axes 0 and 2 (depth, columns) only",
        "kernel flipped along axes 1 and 2 (rows, columns) only"}
    for f, axes in (("corr2d", (0, 1)), ("corr2d_multi_in", (1, 2)),
                    ("corr2d_multi_in_out", (2, 3)), ("conv2d_forward", (2, 3))):
        assert {"kernel flipped", f"kernel flipped along axis {axes[0]} (rows) only",
                f"kernel flipped along axis {axes[1]} (columns) only"} <= names[f]
    assert {"kernel not flipped", "kernel flipped along axis 0 (rows) only",
            "kernel flipped along axis 1 (columns) only"} <= names["convolve2d"]
    assert {"kernel not flipped in dx", "kernel flipped along axis 2 (rows) only in dx",
            "kernel flipped along axis 3 (columns) only in dx"} <= names["conv2d_backward"]
    # transposes of the input, the kernel and the output (every other axis order in 3-D)
    for f in ("corr2d", "convolve2d", "corr2d_multi_in", "corr2d_multi_in_out", "conv2d_forward"):
        assert {"input transposed", "kernel transposed", "output transposed"} <= names[f]
    assert sum(n.startswith(("input axes", "kernel axes", "output axes"))
               for n in names["corr3d"]) == 3 * 5
    assert {"dx transposed", "dw transposed"} <= names["conv2d_backward"]
    # full instead of valid mode
    for f in ("corr1d", "corr2d", "corr3d", "convolve1d", "convolve2d", "corr2d_multi_in",
              "corr2d_multi_in_out"):
        assert "full mode" in names[f]
    # the sum over the wrong axis
    assert {"summed over the rows", "summed over the columns"} <= names["corr2d_multi_in"]
    assert {"summed over the filters", "summed over the rows"} <= names["corr2d_multi_in_out"]
    assert {"summed over the batch", "summed over the filters"} <= names["conv2d_forward"]
    assert sum(n.startswith("db summed over") for n in names["conv2d_backward"]) == 15 - 1 - 2
    # averaged instead of summed
    assert {"dw averaged", "db averaged", "dw averaged over the pixels",
            "db averaged over the batch and the pixels"} <= names["conv2d_backward"]


def test_a_3d_kernel_flipped_along_one_axis_is_called_exactly_that():
    check, reference, right = _check_of("corr3d")
    x, w = check.call.args
    got = reference.corr3d(x, np.asarray(w, dtype=float)[:, ::-1, :])
    result = check.judge(CallOutcome("ok", value=got))
    assert not result.passed
    assert "likely mistake: the kernel is flipped along axis 1 (rows) only." in result.feedback
    assert _names("corr3d", reference, check, right, got) == ["kernel flipped along axis 1 (rows) only"]


def test_a_transposed_output_is_called_transposed_not_off_by_one():
    check, reference, right = _check_of("corr2d")
    assert right.shape[0] != right.shape[1]
    result = check.judge(CallOutcome("ok", value=right.T.copy()))
    assert "likely mistake: the output is transposed" in result.feedback
    assert "same sizes in a different order" in result.feedback
    assert "off by one" not in result.feedback and "one short" not in result.feedback


@pytest.mark.parametrize("cut, words", [
    ((slice(0, -1), slice(None)), "the output is one row short."),
    ((slice(None), slice(0, -1)), "the output is one column short."),
    ((slice(0, -1), slice(0, -1)), "the output is one row and one column short."),
])
def test_off_by_one_names_the_axes_it_is_off_along(cut, words):
    check, reference, right = _check_of("corr2d")
    result = check.judge(CallOutcome("ok", value=right[cut]))
    assert f"likely mistake: {words}" in result.feedback


def test_off_by_one_only_when_off_by_exactly_one_along_its_own_axes():
    check, reference, right = _check_of("corr2d")
    two_longer = np.vstack([right, np.zeros((2, right.shape[1]))])
    assert _names("corr2d", reference, check, right, two_longer) == []
    result = check.judge(CallOutcome("ok", value=two_longer))
    assert "(axis 0 is 2 too long)" in result.feedback and "likely mistake" not in result.feedback
    one_longer = two_longer[:-1]
    assert "likely mistake: the output is one row too long." in check.judge(
        CallOutcome("ok", value=one_longer)).feedback
    # a missing filter or sample is not an off-by-one of the output size
    check, reference, right = _check_of("corr2d_multi_in_out")
    assert "off by one" not in _names("corr2d_multi_in_out", reference, check, right, right[:-1])
    check, reference, right = _check_of("conv2d_forward")
    assert "off by one" not in _names("conv2d_forward", reference, check, right, right[:-1])
    assert "off by one" in _names("conv2d_forward", reference, check, right, right[:, :, :-1])


@pytest.mark.parametrize("function", [f for f in ASSIGNMENT_OF if f not in
                                      ("conv_output_length", "conv_output_shape")])
def test_no_name_for_the_right_answer_or_for_unrelated_wrong_ones(function):
    """No false names: the reference's own answer, random values of the right shape, and random
    values of a shape that is off by two are given no mistake's name."""
    assignment = ASSIGNMENT_OF[function]
    reference = REFERENCES[assignment]
    rng = np.random.default_rng(11)
    parts = ("dx", "dw", "db")[:3 if function == "conv2d_backward" else 2] \
        if function.endswith("_backward") else None
    for check, right in _value_checks(assignment, function, reference, 5):
        call = check.call
        arrays = right if isinstance(right, tuple) else (right,)
        noise = tuple(rng.normal(size=a.shape) for a in arrays)
        longer = tuple(rng.normal(size=tuple(n + 2 for n in a.shape)) for a in arrays)
        for candidate in (arrays, noise, longer):
            got = candidate if isinstance(right, tuple) else candidate[0]
            found = find(function, reference, call.args, call.kwargs, right, got, GRADING.rtol,
                         GRADING.atol, parts)
            assert found == [], (check.label, [m.name for _, m in found])


def test_unrelated_sizes_are_not_named():
    for function in ("conv_output_length", "conv_output_shape"):
        reference = REFERENCES["a1_output_size"]
        for check in build_checks("a1_output_size", function, reference, 5, GRADING):
            if check.call.args and "ValueError" in check.label:
                continue
            try:
                right = getattr(reference, function)(*check.call.args, **check.call.kwargs)
            except ValueError:
                continue
            got = right * 3 + 7 if isinstance(right, int) else tuple(3 * n + 7 for n in right)
            assert _names(function, reference, check, right, got) == [], check.label
