"""Fairness: the grade follows from what each notebook states, no more and no less.

tests/submissions/contract/<assignment>.py is what a careful student writes from the notebook
alone: ints for stride and padding (`i * stride` in a slice fails for a pair), the ValueErrors the
notebook asks for and no others, lists or int arrays accepted where the notebook says so. It must
score exactly 100 % through the real engine (sandbox included) for any student; the same code
that never refuses must lose exactly the refusal share of each function that has refusals, and
nothing elsewhere. The refusals graded must be exactly the ones the notebooks ask for.

(The untouched stubs scoring 0 and the reference scoring 100 % through the command line are
tests/test_cli.py::test_reference_scores_100_and_stub_notebook_scores_0.)
"""
from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from autograder import engine
from autograder.cases import make_cases
from autograder.checks import build_checks, derive_seed
from autograder.course import STUDENT_API
from autograder.report import CheckResult
from course_helpers import ROOT, load_module

CONTRACT = ROOT / "tests" / "submissions" / "contract"
pytestmark = pytest.mark.needs_bwrap  # the contract solutions are graded through the sandbox
SECRET = "fairness tests: a fixed course secret"
STUDENTS = ("ada", "grace", "linus")  # several students: several draws of the random cases


@pytest.fixture
def fixed_secret(monkeypatch, course):
    """Fixed seeds, whatever secret file this machine has."""
    monkeypatch.setenv(course.grading.secret.env, SECRET)


def _lost(report) -> str:
    return "\n".join(f"{t.function} {t.score}/{t.max_score}\n{t.feedback}"
                     for t in report.tests if t.score < t.max_score)


def _asked_refusals() -> tuple[set[str], set[str]]:
    """Functions whose notebook asks for a ValueError: (in the prose before their solution cell,
    in their visible tests)."""
    prose, visible = set(), set()
    for assignment in STUDENT_API:
        nb = nbformat.read(ROOT / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
        text_since_last_exercise = ""
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown":
                text_since_last_exercise += cell.source
            elif meta.get("solution"):
                if re.search(r"\bValueError\b", text_since_last_exercise):
                    prose.add(meta["grade_id"])
            elif meta.get("grade"):
                function = meta["grade_id"].removeprefix("test_")
                if f"assert_raises(ValueError, {function}," in cell.source:
                    visible.add(function)
                text_since_last_exercise = ""
    return prose, visible


ASKED = _asked_refusals()[1]  # the notebooks' word, independent of the grader
REFUSING = {f for fs in STUDENT_API.values() for f in fs  # the grader's refusal cases
            if any(c.expect_error for c in make_cases(f, np.random.default_rng(0), 2))}


# ----------------------------------------------------------------------------- 100 % from the notebook alone

@pytest.mark.parametrize("student", STUDENTS)
@pytest.mark.parametrize("assignment", list(STUDENT_API))
def test_a_solution_written_to_the_notebook_scores_full_marks(assignment, student, fixed_secret, course):
    report = engine.grade_path(CONTRACT / f"{assignment}.py", course, assignment, student=student)
    assert report.score == report.max_score, _lost(report)


@pytest.mark.parametrize("assignment", list(STUDENT_API))
def test_the_reference_still_scores_full_marks(assignment, fixed_secret, course):
    report = engine.grade_reference(course, assignment)
    assert report.score == report.max_score, _lost(report)


@pytest.mark.parametrize("assignment", list(STUDENT_API))
def test_the_contract_solution_passes_every_check_for_many_seeds(assignment, course, references, in_process):
    # in-process (our own code): many more random draws than the sandboxed runs above afford
    module = load_module(CONTRACT / f"{assignment}.py", f"_contract_{assignment}")
    reference = references[assignment]
    for function in STUDENT_API[assignment]:
        for student in range(25):
            seed = derive_seed(SECRET.encode(), f"student{student}", assignment, function)
            for check in build_checks(assignment, function, reference, seed, course.grading):
                result = check.judge(in_process(module, check.call))
                assert result.passed, f"seed {seed}: {result.label}\n{result.feedback}"


# ----------------------------------------------------------------------------- refusals: a small, fixed share

NEVER_REFUSES = '''

# ---- the same functions, except that they never refuse: a ValueError becomes a made-up answer
def _never_refuses(function):
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValueError:
            return 0
    return wrapper


for _name in {names!r}:
    globals()[_name] = _never_refuses(globals()[_name])
'''


@pytest.mark.parametrize("assignment", list(STUDENT_API))
def test_a_solution_without_the_valueerrors_loses_exactly_the_refusal_share(
        assignment, fixed_secret, tmp_path, course):
    source = (CONTRACT / f"{assignment}.py").read_text()
    path = tmp_path / f"{assignment}.py"
    path.write_text(source + NEVER_REFUSES.format(names=list(STUDENT_API[assignment])))
    report = engine.grade_path(path, course, assignment, student="ada")
    for test in report.tests:
        asks = test.function in ASKED  # what the notebook asks for, whatever the grader thinks
        kept = 1.0 - engine.refusal_share(test.function) if asks else 1.0
        assert test.score == pytest.approx(test.max_score * kept, abs=1e-6), test.feedback
        if asks:
            assert "raising the ValueError the notebook asks for: 0 of " in test.feedback
            assert "expected ValueError because " in test.feedback


def test_credit_weighs_each_kind_by_its_share_whatever_the_number_of_cases():
    def results(values: list[bool], refusals: list[bool]) -> list[CheckResult]:
        return ([CheckResult("v", ok) for ok in values]
                + [CheckResult("r", ok, refusal=True) for ok in refusals])

    assert engine.credit(results([True] * 12, [False] * 6), 0.1) == pytest.approx(0.9)
    assert engine.credit(results([True] * 3, [False]), 0.1) == pytest.approx(0.9)
    assert engine.credit(results([False] * 3, [True, True]), 0.1) == pytest.approx(0.1)
    assert engine.credit(results([True, False], [True, False]), 0.25) == pytest.approx(0.5)
    assert engine.credit(results([True, False], []), 0.1) == pytest.approx(0.5)  # no refusals
    assert engine.credit(results([True] * 5, [True] * 2), 0.1) == 1.0  # exactly full marks


def test_the_refusal_shares_are_small_and_fixed():
    from autograder.registry import graded

    for assignment, functions in STUDENT_API.items():
        for function in functions:
            share = engine.refusal_share(function)
            assert share == graded(function).refusal_share
            assert 0 < share <= (0.25 if assignment == "a1_output_size" else 0.10)


# ----------------------------------------------------------------------------- graded refusals == asked refusals

def test_refusals_are_graded_exactly_where_the_notebooks_ask_for_them():
    prose, visible = _asked_refusals()
    assert prose == visible, "the prose and the visible tests should ask for the same ValueErrors"
    assert REFUSING == visible
    # anchors, so the comparison above cannot pass by both sides finding nothing
    assert {"conv_output_length", "corr2d", "conv2d_forward", "im2col"} <= REFUSING


OWN_ERROR = '''

class ShapeError(ValueError):
    """A careful student's own error: still a ValueError, as the notebook asks."""


def _own_error(function):
    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValueError as error:
            raise ShapeError("shape problem: " + str(error)) from None
    return wrapped


for _name in {names!r}:
    globals()[_name] = _own_error(globals()[_name])
'''


def test_a_subclass_of_valueerror_is_a_valueerror(fixed_secret, tmp_path, course):
    """The sandbox tells the grader which built-in classes an error is an instance of, so a
    student's `class ShapeError(ValueError)` passes the refusal checks (it used to fail them:
    only the name ValueError counted)."""
    assignment = "a3_multichannel"
    path = tmp_path / f"{assignment}.py"
    path.write_text((CONTRACT / f"{assignment}.py").read_text()
                    + OWN_ERROR.format(names=list(STUDENT_API[assignment])))
    report = engine.grade_path(path, course, assignment, student="ada")
    assert report.score == report.max_score, [t.feedback for t in report.tests]
