"""The Gradescope bundle: `python -m autograder gradescope ID` writes a zip whose run_autograder,
run in a scratch folder standing in for Gradescope's /autograder, grades a submission and writes
results.json in Gradescope's schema (checked here against a model written from their
specification, not from our code), with the student's code unable to read the reference.
"""
from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Literal

import nbformat
import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

from autograder.course import load_course
from autograder.demo import prepare_course, with_mistake
from autograder.engine import grade_path
from autograder.gradescope import NOT_NEEDED, find_submission, results_json, student_id
from autograder.notebook_fill import reference_sources
from autograder.report import Report
from autograder.report import TestResult as GradedFunction

ROOT = Path(__file__).resolve().parents[1]
A2 = "a2_correlation"
SECRET = "gradescope-test-secret"
EMAIL = "ada@example.edu"


# ---------------------------------------------------------------------------------------------
# Gradescope's results.json, from https://gradescope-autograders.readthedocs.io/en/latest/specs/

Visibility = Literal["hidden", "after_due_date", "after_published", "visible"]
Format = Literal["text", "html", "simple_format", "md", "ansi"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class GradescopeTest(_Spec):
    score: float | None = None
    max_score: float | None = None
    status: Literal["passed", "failed"] | None = None
    name: str | None = None
    name_format: Format | None = None
    number: str | None = None
    output: str | None = None
    output_format: Format | None = None
    tags: list[str] | None = None
    visibility: Visibility | None = None
    extra_data: dict | None = None


class GradescopeResults(_Spec):
    score: float | None = None
    execution_time: float | None = None
    output: str | None = None
    output_format: Format | None = None
    test_output_format: Format | None = None
    test_name_format: Format | None = None
    visibility: Visibility | None = None
    stdout_visibility: Visibility | None = None
    extra_data: dict | None = None
    tests: list[GradescopeTest] = Field(default_factory=list)
    leaderboard: list[dict] | None = None


def validated(path: Path) -> GradescopeResults:
    results = GradescopeResults.model_validate(json.loads(path.read_text()))
    assert results.score is not None or all(t.score is not None for t in results.tests)
    return results


# ---------------------------------------------------------------------------------------------
# a submission: corr2d with the kernel flipped, corr1d a thief, the rest the reference


FLIPPED = '''
def corr2d(x, w):
    return _first_try(x, np.asarray(w)[::-1, ::-1])
'''

THIEF = '''
import glob
import numpy as np

def corr1d(x, w):
    """The reference's answer, if the bundle's solutions/ can be read from here."""
    for pattern in {patterns!r}:
        for path in sorted(glob.glob(pattern)):
            try:
                with open(path) as handle:
                    namespace = {{}}
                    exec(handle.read(), namespace)
            except OSError:
                continue
            if "corr1d" in namespace:
                return namespace["corr1d"](x, w)
    return np.zeros(1)
'''


def thief_source(source: Path) -> str:
    patterns = [f"{source}/solutions/*.py", "/autograder/source/solutions/*.py",
                "../source/solutions/*.py", "solutions/*.py", "/proc/*/cwd/solutions/*.py"]
    return THIEF.format(patterns=patterns)


def write_notebook(path: Path, sources: dict[str, str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# My convolutions")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in sources.values()]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def unpack(bundle: Path, source: Path) -> None:
    """Unzip as Gradescope does, keeping the permissions stored in the zip."""
    with zipfile.ZipFile(bundle) as archive:
        for info in archive.infolist():
            target = source / info.filename
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            target.chmod(stat.S_IMODE(info.external_attr >> 16))


def python_without(tmp: Path, missing: set[str]) -> Path:
    """A stand-in for the bundle's venv: this Python, with the packages the bundle does not
    install made unimportable (so the run proves requirements.txt is enough)."""
    runner = tmp / "python_without.py"
    runner.write_text(textwrap.dedent(f"""
        import os, runpy, sys
        for name in {sorted(missing)!r}:
            sys.modules[name] = None  # import fails, as on Gradescope without it
        assert sys.argv[1] == "-m", sys.argv
        module, sys.argv = sys.argv[2], [sys.argv[2], *sys.argv[3:]]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    """))
    wrapper = tmp / "python"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} {runner} \"$@\"\n")
    wrapper.chmod(0o755)
    return wrapper


def run_autograder(ag: Path, python: Path | str = sys.executable, **extra_env: str):
    """Gradescope's run: run_autograder copied to /autograder, started there as root."""
    (ag / "run_autograder").write_bytes((ag / "source" / "run_autograder").read_bytes())
    (ag / "run_autograder").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("CONV_COURSE_SECRET", "CONV_COURSE_ROOT")}
    env.update(AUTOGRADER_ROOT=str(ag), AUTOGRADER_PYTHON=str(python), **extra_env)
    return subprocess.run([str(ag / "run_autograder")], cwd=ag, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """The scratch course (a2's results hidden until after the due date) and its bundle, built by
    the command line with the course secret set."""
    tmp = tmp_path_factory.mktemp("gradescope")
    course_dir = prepare_course(ROOT, tmp / "course")
    data = yaml.safe_load((course_dir / "course.yml").read_text())
    a2 = next(a for a in data["assignments"] if a["id"] == A2)
    a2["gradescope"] = {"visibility": "after_due_date"}
    (course_dir / "course.yml").write_text(yaml.safe_dump(data))
    out = tmp / "a2.zip"
    env = {**os.environ, "CONV_COURSE_SECRET": SECRET}
    built = subprocess.run([sys.executable, "-m", "autograder", "gradescope", A2, "--course",
                            str(course_dir / "course.yml"), "--out", str(out)],
                           env=env, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "keep it private" in built.stdout
    return course_dir, out


def test_the_bundle_has_gradescopes_two_scripts_at_its_root_and_only_this_references(bundle):
    _, out = bundle
    with zipfile.ZipFile(out) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        for script in ("setup.sh", "run_autograder"):
            assert script in infos
            assert stat.S_IMODE(infos[script].external_attr >> 16) & 0o111, f"{script} not executable"
            assert archive.read(script).startswith(b"#!/usr/bin/env bash\n")
        assert b"--assignment a2_correlation" in archive.read("run_autograder")
        assert archive.read("secret").strip() == SECRET.encode()
        assert stat.S_IMODE(infos["secret"].external_attr >> 16) == 0o600
    names = set(infos)
    assert {n for n in names if n.startswith("solutions/") and not n.endswith("/")} == {
        "solutions/a2_correlation.py"}
    assert {"course.yml", "requirements.txt", "autograder/gradescope.py",
            "autograder/registry/a2_correlation.py"} <= names
    assert not [n for n in names if n.startswith(("tests/", "assignments/", "notebooks/"))
                or "__pycache__" in n]


@pytest.mark.needs_bwrap
@pytest.mark.slow
def test_run_autograder_writes_gradescopes_results_and_the_student_code_cannot_read_solutions(
        bundle, tmp_path):
    course_dir, out = bundle
    ag = tmp_path / "autograder"  # stands in for /autograder
    unpack(out, ag / "source")
    sources = with_mistake(reference_sources(course_dir / "solutions", A2), "corr2d", FLIPPED)
    sources["corr1d"] = thief_source(ag / "source")
    submitted = ag / "submission" / f"{A2}.ipynb"
    write_notebook(submitted, sources)
    (ag / "submission_metadata.json").write_text(json.dumps(
        {"id": 1, "users": [{"email": EMAIL, "id": 42, "name": "Ada"}]}))

    # the thief works wherever solutions/ is readable (here, in the test's own process)
    namespace: dict = {}
    exec(sources["corr1d"], namespace)
    assert namespace["corr1d"]([1.0, 2.0, 4.0], [1.0, -1.0]).tolist() == [-1.0, -2.0]

    bundled = (ag / "source" / "requirements.txt").read_text().splitlines()
    missing = {name_of(line) for line in load_requirements(ROOT)} - {name_of(line) for line in bundled}
    assert missing == NOT_NEEDED  # everything else is installed by setup.sh
    run = run_autograder(ag, python=python_without(tmp_path, missing))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"grader: {ag / 'source' / 'autograder'}" in run.stdout  # the bundle's own copy
    assert f"student: {EMAIL}" in run.stdout
    assert "no course secret" not in run.stdout  # the bundle's secret was used

    results = validated(ag / "results" / "results.json")
    tests = {str(t.name): t for t in results.tests}
    points = load_course(course_dir).assignment(A2).points
    assert list(tests) == list(points)
    assert results.score == pytest.approx(sum(t.score or 0 for t in results.tests))
    for name, test in tests.items():
        assert test.max_score == points[name]
        assert test.visibility == "after_due_date"  # course.yml: a2's gradescope.visibility
        assert test.status == ("passed" if test.score == test.max_score else "failed")
    assert results.visibility == "after_due_date"  # the total waits as long as the tests
    assert tests["corr1d"].score == 0 and tests["corr1d"].status == "failed"  # stole nothing
    assert tests["corr2d"].status == "failed"
    assert "likely mistake: the kernel is flipped" in (tests["corr2d"].output or "")
    for name in ("corr3d", "convolve1d", "convolve2d"):
        assert tests[name].status == "passed" and tests[name].score == points[name]
    assert results.score == pytest.approx(points["corr3d"] + points["convolve1d"] + points["convolve2d"]
                                          + (tests["corr2d"].score or 0))
    assert f"graded {A2}.ipynb" in (results.output or "")

    # seeded by the course secret and the student's e-mail: exactly what `grade` gives them
    os.environ["CONV_COURSE_SECRET"] = SECRET
    try:
        report = grade_path(submitted, load_course(course_dir), A2, student=EMAIL)
    finally:
        del os.environ["CONV_COURSE_SECRET"]
    assert [(t.function, t.score, t.feedback) for t in report.tests] == [
        (t.name, t.score, t.output) for t in results.tests]


def name_of(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9_.-]+", requirement.strip())
    assert found, requirement
    return found.group(0).lower()


def load_requirements(root: Path) -> list[str]:
    """The package's runtime dependencies as pyproject.toml states them."""
    text = (root / "pyproject.toml").read_text()
    block = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    return [line.split('"')[1] for line in block.splitlines() if '"' in line]


@pytest.mark.needs_bwrap
def test_without_a_usable_sandbox_the_run_refuses_and_writes_no_results(bundle, tmp_path):
    _, out = bundle
    ag = tmp_path / "autograder"
    unpack(out, ag / "source")
    write_notebook(ag / "submission" / f"{A2}.ipynb", {"x": "x = 1"})
    run = run_autograder(ag, AUTOGRADER_NO_BWRAP="1")
    assert run.returncode == 2, run.stdout + run.stderr
    assert "cannot grade safely" in run.stdout and "allow_unprotected" in run.stdout
    assert not (ag / "results" / "results.json").exists()


def test_a_submission_without_a_notebook_scores_zero_and_says_what_to_upload(bundle, tmp_path):
    _, out = bundle
    ag = tmp_path / "autograder"
    unpack(out, ag / "source")
    (ag / "submission").mkdir()
    (ag / "submission" / "answers.txt").write_text("I did it all\n")
    run = run_autograder(ag)
    assert run.returncode == 0, run.stdout + run.stderr
    results = validated(ag / "results" / "results.json")
    assert results.score == 0
    assert "upload a2_correlation.ipynb" in (results.output or "")
    assert all(t.status == "failed" and t.score == 0 for t in results.tests)
    assert "student: gradescope-student" in run.stdout  # no submission_metadata.json


# ---------------------------------------------------------------------------------------------
# the pieces


def test_the_student_is_the_first_submitters_email_else_their_id(tmp_path):
    meta = tmp_path / "submission_metadata.json"
    meta.write_text(json.dumps({"users": [{"email": "b@x.org", "id": 9}, {"email": "c@x.org"}]}))
    assert student_id(tmp_path) == ("b@x.org", None)
    meta.write_text(json.dumps({"users": [{"email": None, "id": 9}]}))
    assert student_id(tmp_path) == ("9", None)
    meta.write_text("{not json")
    name, warning = student_id(tmp_path)
    assert name == "gradescope-student" and warning and "no submitter" in warning


def test_the_submission_is_the_assignments_notebook_else_the_only_one(tmp_path):
    folder = tmp_path / "submission"
    (folder / "deep").mkdir(parents=True)
    (folder / "mine.ipynb").write_text("{}")
    assert find_submission(folder, A2) == (folder / "mine.ipynb", "")
    (folder / "deep" / f"{A2}.ipynb").write_text("{}")
    assert find_submission(folder, A2) == (folder / "deep" / f"{A2}.ipynb", "")
    (folder / "deep" / f"{A2}.ipynb").unlink()
    (folder / "other.ipynb").write_text("{}")
    path, why = find_submission(folder, A2)
    assert path is None and "mine.ipynb" in why and "other.ipynb" in why


def test_results_are_visible_by_default_and_a_partial_score_is_a_failed_test():
    course = load_course(ROOT)
    report = Report(A2, "s", 2.5, 10.0, [
        GradedFunction("test_corr1d", "corr1d", 2.0, 2.0, "all 9 checks passed"),
        GradedFunction("test_corr2d", "corr2d", 0.5, 3.0, "2 of 12 checks passed; ..."),
    ], notes=["Cell 3 has a syntax error"])
    results = GradescopeResults.model_validate(results_json(report, course, 1.23, "graded x.ipynb"))
    assert results.visibility is None  # Gradescope's default: visible
    assert [(t.name, t.status, t.visibility) for t in results.tests] == [
        ("corr1d", "passed", "visible"), ("corr2d", "failed", "visible")]
    assert results.score == 2.5
    assert "Note: Cell 3 has a syntax error" in (results.output or "")
