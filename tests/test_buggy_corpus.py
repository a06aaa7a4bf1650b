"""The corpus of buggy submissions: each loses points on its buggy function, and only there, and
the feedback names its mistake.

Every module in tests/submissions/buggy/ holds one function of one assignment with a classic bug;
the whole submission is the reference followed by it (course_helpers.buggy_submission). Its
docstring says which (`assignment:`, `function:`) and a piece of the feedback that must appear
(`expect:`).

Two paths: the judges fed in-process (the corpus is our own code, so it may run here; fast, and
independent of the sandbox), and the real pipeline, autograder.engine.grade_path, which runs each
submission in the sandboxed child.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder import engine
from autograder.checks import build_checks, derive_seed
from autograder.course import STUDENT_API
from course_helpers import ROOT, buggy_submission, load_module

pytestmark = pytest.mark.needs_bwrap  # grades through the sandbox

CORPUS = sorted((ROOT / "tests" / "submissions" / "buggy").glob("*.py"))


def meta(path: Path) -> dict[str, str]:
    """The `key: value` lines of a corpus module's docstring."""
    text = path.read_text()
    doc = text.split('"""')[1]
    found = dict(re.findall(r"^(assignment|function|expect): (.+)$", doc, flags=re.M))
    assert set(found) == {"assignment", "function", "expect"}, f"{path.name}: incomplete docstring"
    return found


def test_the_corpus_covers_every_assignment_and_the_listed_mistakes():
    metas = [meta(p) for p in CORPUS]
    assert {m["assignment"] for m in metas} == set(STUDENT_API)
    expects = " | ".join(m["expect"] for m in metas)
    for mistake in ("the kernel is flipped", "the kernel is not flipped",
                    "the kernel is flipped along axis 2 (columns) only", "the output is transposed",
                    "this is 'full' mode", "the sum runs over axis 1 (rows)",
                    "dw is averaged over the batch", "the output is one row and one column short",
                    "the channels are not summed", "dx and dw are swapped",
                    "overwritten with = instead of", "integer array", "the bias is missing",
                    "the stride is", "the dilation is ignored", "one-sided difference",
                    "x was changed"):
        assert mistake in expects, f"no buggy submission for {mistake!r}"


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_judges_fail_the_bug_and_name_it(path: Path, tmp_path: Path, course, references, in_process):
    info = meta(path)
    assignment, buggy = info["assignment"], info["function"]
    module = load_module(buggy_submission(path, tmp_path), f"_buggy_{path.stem}")
    reference = references[assignment]
    for function in STUDENT_API[assignment]:
        seed = derive_seed(None, "corpus", assignment, function)
        checks = build_checks(assignment, function, reference, seed, course.grading)
        results = [c.judge(in_process(module, c.call)) for c in checks]
        failing = [r for r in results if not r.passed]
        if function != buggy:
            assert not failing, f"{function} is correct in {path.name} but failed:\n" + \
                f"{failing[0].label}\n{failing[0].feedback}"
            continue
        assert failing, f"{path.name}: the bug in {function} passed every check"
        assert any(info["expect"] in r.feedback for r in failing), (
            f"{path.name}: no feedback says {info['expect']!r}; smallest failing case:\n"
            f"{min(failing, key=lambda r: r.size).label}\n"
            f"{min(failing, key=lambda r: r.size).feedback}")


@pytest.mark.slow  # one sandboxed grading per corpus file; the judges are tested in-process above
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_graded_by_the_engine_below_full_marks_with_the_mistake_named(path: Path, tmp_path: Path, course):
    info = meta(path)
    report = engine.grade_path(buggy_submission(path, tmp_path), course, info["assignment"], student="corpus")
    assert report.score < report.max_score
    by_function = {t.function: t for t in report.tests}
    buggy = by_function[info["function"]]
    assert buggy.score < buggy.max_score
    for test in report.tests:
        if test.function != info["function"]:
            assert test.score == test.max_score, f"{test.function}: {test.feedback}"
    assert info["expect"] in buggy.feedback, buggy.feedback
