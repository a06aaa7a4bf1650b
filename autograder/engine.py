"""One grading pass: submission -> checks -> sandboxed calls -> trusted judging -> report.

The student's code only ever runs inside sandbox.run_submission's child process. Everything that
decides a score (building cases, the reference, comparing) happens here, in the parent.

Every grading runs in the course's language (course.yml `language`, autograder/i18n.py):
grade_submission and grade_path say everything inside `with language(course.language):`, so the
feedback, the case labels and the notes on the student's code are in the language of the course
(nbgrader's TrustedGrades, Gradescope, the CLI and the parallel workers all come through here).
The warnings for the instructor stay English.
"""
from __future__ import annotations

from pathlib import Path

from .checks import build_checks, derive_seed
from .course import Assignment, Course
from .i18n import _, language
from .reference import load_reference, reference_path
from .registry import graded
from .report import CheckResult, Report, TestResult
from .sandbox import run_submission
from .submission import CodeChunk, Submission, SubmissionError, read_submission

REFERENCE_STUDENT = "reference"

# Partial credit. A function's checks come in two kinds: value checks (does it compute the right
# thing?) and refusal checks (does it raise the ValueError its notebook asks for?). Each kind
# earns its share of the points in proportion to the checks of that kind passed:
#
#     score = points * ((1 - share) * values passed / values + share * refusals passed / refusals)
#
# with share = the registry entry's `refusal_share` (10 %; a1 25 %; 0 for a function without
# refusal checks). The share is fixed, so what a refusal is worth does not depend on how many
# value cases a function happens to have.


def refusal_share(function: str) -> float:
    """The share of `function`'s points that its refusal checks carry together."""
    return graded(function).refusal_share


def _secret_warning(course: Course, secret: bytes | None) -> str | None:
    if secret is not None:
        return None
    source = course.grading.secret
    where = f"${source.env}" + (f" or {source.file}" if source.file else "")
    return (
        f"no course secret set ({where}): using the fixed default seed, so every student gets "
        f"the same random cases"
    )


def _judge(check, outcome) -> CheckResult:
    """Judge one outcome; an output so odd that the judge itself fails still only fails this check."""
    try:
        return check.judge(outcome)
    except Exception as error:  # noqa: BLE001 - one strange return value must not stop grading
        return CheckResult(
            label=check.label,
            passed=False,
            feedback=_("the grader could not read what your function returned ({error})",
                       error=type(error).__name__ + ": " + str(error)),
            size=check.size,
            refusal=check.refusal,
        )


def credit(results: list[CheckResult], share: float) -> float:
    """The fraction of a function's points earned (0..1): value checks weigh 1 - share together,
    refusal checks `share` together (the entry's refusal_share); a kind with no checks gives its share to
    the other."""
    values = [r.passed for r in results if not r.refusal]
    refusals = [r.passed for r in results if r.refusal]
    if not refusals:
        share = 0.0
    elif not values:
        share = 1.0
    passed_values = sum(values) / len(values) if values else 0.0
    passed_refusals = sum(refusals) / len(refusals) if refusals else 0.0
    return (1.0 - share) * passed_values + share * passed_refusals


def _tally(results: list[CheckResult], share: float) -> str:
    """'5 of 6 checks passed', and with refusal checks how each kind did and what it weighs."""
    passed, total = sum(r.passed for r in results), len(results)
    refusals = [r for r in results if r.refusal]
    if not refusals or len(refusals) == total:
        return _("{passed} of {total} checks passed", passed=passed, total=total)
    values = [r for r in results if not r.refusal]
    return _("{passed} of {total} checks passed (computing the result: {values_passed} of "
             "{values}, {values_share} % of the points; raising the ValueError the notebook asks "
             "for: {refusals_passed} of {refusals}, {refusals_share} %)", passed=passed,
             total=total, values_passed=sum(r.passed for r in values), values=len(values),
             values_share=format((1 - share) * 100, "g"), refusals_passed=sum(r.passed for r in refusals),
             refusals=len(refusals), refusals_share=format(share * 100, "g"))


def _summarize(function: str, points: float, results: list[CheckResult]) -> TestResult:
    """Partial credit (see credit) and the feedback: the tally, then the failing case to read
    first, a value case before a refusal (it weighs more), one naming a mistake before others,
    the smallest before bigger ones."""
    share = refusal_share(function)
    score = points * credit(results, share) if results else 0.0
    passed, total = sum(r.passed for r in results), len(results)
    if passed == total:
        feedback = _("all {total} checks passed", total=total)
    else:
        failing = [r for r in results if not r.passed]
        named = _("likely mistake")  # diagnose's lead, in the language the feedback was said in
        first = min(failing, key=lambda r: (r.refusal, named not in r.feedback, r.size))
        lines = [_("{tally}; the failing case to look at first:", tally=_tally(results, share)),
                 f"  {first.label}"]
        lines += [f"  {line}" for line in first.feedback.splitlines() if line.strip()]
        if len(failing) > 1:
            lines.append("  " + _("({count} other case(s) fail too)", count=len(failing) - 1))
        feedback = "\n".join(lines)
    return TestResult(
        name=f"test_{function}",
        function=function,
        score=round(score, 6),
        max_score=float(points),
        feedback=feedback,
        checks=results,
    )


def grade_submission(
    submission: Submission, course: Course, assignment_id: str, student: str
) -> Report:
    """Grade the code of one submission for one assignment, in the course's language (every
    feedback line, label and note). Raises SandboxUnavailable if the sandbox is required but
    cannot be set up (a course set-up problem, not the student's)."""
    with language(course.language):
        return _grade_submission(submission, course, assignment_id, student)


def _grade_submission(
    submission: Submission, course: Course, assignment_id: str, student: str
) -> Report:
    assignment = course.assignment(assignment_id)
    reference = load_reference(course, assignment_id)
    secret = course.secret()

    checks_by_function = {
        function: build_checks(
            assignment_id,
            function,
            reference,
            derive_seed(secret, student, assignment_id, function),
            course.grading,
        )
        for function in assignment.functions
    }
    all_checks = [check for checks in checks_by_function.values() for check in checks]
    run = run_submission(
        submission.chunks,
        [check.call for check in all_checks],
        course.grading.limits,
        allow_unprotected=course.grading.sandbox.allow_unprotected,
    )

    judged = iter(_judge(check, outcome) for check, outcome in zip(all_checks, run.outcomes))
    tests = []
    for function, checks in checks_by_function.items():
        results = [next(judged) for _check in checks]
        tests.append(_summarize(function, assignment.points[function], results))

    # about the student's code; said here, in the course's language (a note may be a Message)
    notes = [str(note) for note in (*submission.problems, *run.load_problems)]
    warnings = []  # about the course set-up: for the instructor, not the student
    if run.isolation.startswith("UNPROTECTED"):
        warnings.append(run.isolation)
    secret_warning = _secret_warning(course, secret)
    if secret_warning:
        warnings.append(secret_warning)
    return Report(
        assignment=assignment_id,
        student=student,
        score=round(sum(t.score for t in tests), 6),
        max_score=assignment.max_score,
        tests=tests,
        notes=notes,
        warnings=warnings,
        source=str(submission.path) if submission.path else "",
    )


def unreadable_report(assignment: Assignment, student: str, path: Path, reason: str) -> Report:
    """A submission we could not even read scores 0 with the reason on every test."""
    tests = [
        TestResult(
            name=f"test_{f}",
            function=f,
            score=0.0,
            max_score=float(assignment.points[f]),
            feedback=_("not graded: {reason}", reason=reason),
        )
        for f in assignment.functions
    ]
    return Report(assignment.id, student, 0.0, assignment.max_score, tests, notes=[reason], source=str(path))


def student_name_for(path: Path, assignment_id: str) -> str:
    """A sensible student id from a path: nbgrader's submitted/<student>/<assignment>/<id>.ipynb
    gives <student>; alice.py gives alice."""
    path = Path(path)
    if path.stem != assignment_id:
        return path.stem
    for parent in path.resolve().parents:
        if parent.name and parent.name != assignment_id:
            return parent.name
    return path.stem


def grade_path(
    path: Path, course: Course, assignment_id: str, student: str | None = None
) -> Report:
    """Grade one .py or .ipynb file, in the course's language. An unreadable file is a report with
    0 points, not an error."""
    path = Path(path)
    student = student or student_name_for(path, assignment_id)
    with language(course.language):
        try:
            submission = read_submission(path)
        except SubmissionError as error:
            return unreadable_report(course.assignment(assignment_id), student, path, str(error))
        return grade_submission(submission, course, assignment_id, student)


def grade_reference(course: Course, assignment_id: str) -> Report:
    """Grade solutions/<id>.py through the same sandboxed pipeline (CI expects 100 %)."""
    submission = read_submission(reference_path(course, assignment_id))
    report = grade_submission(submission, course, assignment_id, REFERENCE_STUDENT)
    report.source = "reference"
    return report


def submissions_in(folder: Path) -> list[Path]:
    """Every .py / .ipynb under a folder, in a stable order, skipping Jupyter's checkpoints."""
    found = [
        p
        for p in sorted(Path(folder).rglob("*"))
        if p.suffix in {".py", ".ipynb"}
        and p.is_file()
        and ".ipynb_checkpoints" not in p.parts
        and "__pycache__" not in p.parts
    ]
    return found


__all__ = [
    "CodeChunk",
    "grade_path",
    "grade_reference",
    "grade_submission",
    "student_name_for",
    "submissions_in",
]
