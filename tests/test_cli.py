"""The command line, run as an instructor runs it: real subprocess, real sandbox, real course."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import STUDENT_API
from course_helpers import buggy_submission

pytestmark = [pytest.mark.needs_bwrap,  # grades through the sandbox
              pytest.mark.slow]  # each test starts the CLI in a subprocess (1-10 s)

ROOT = Path(__file__).resolve().parents[1]
BUGGY = ROOT / "tests" / "submissions" / "buggy"


@pytest.fixture
def flipped(tmp_path):
    """A whole a2 submission whose corr2d flips the kernel."""
    return buggy_submission(BUGGY / "a2_kernel_flipped.py", tmp_path)


def grade(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize("assignment", list(STUDENT_API))
def test_reference_scores_100_and_stub_notebook_scores_0(tmp_path, assignment):
    out = tmp_path / "ref.json"
    done = grade("--reference", "--assignment", assignment, "--json", out)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["score"] == report["max_score"] > 0
    assert [t["function"] for t in report["tests"]] == list(STUDENT_API[assignment])

    stub = ROOT / "assignments" / assignment / f"{assignment}.ipynb"
    out = tmp_path / "stub.json"
    done = grade(stub, "--assignment", assignment, "--student", "nobody", "--json", out)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["score"] == 0.0
    assert all("NotImplementedError" in t["feedback"] or "stub" in t["feedback"] for t in report["tests"])


def test_json_report_follows_the_contract(tmp_path, flipped):
    out = tmp_path / "r.json"
    done = grade(flipped, "-a", "a2_correlation", "--student", "bob", "--json", out)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert {"assignment", "student", "score", "max_score", "tests"} <= set(report)
    assert report["student"] == "bob" and report["assignment"] == "a2_correlation"
    assert 0 < report["score"] < report["max_score"]
    for test in report["tests"]:
        assert set(test) == {"name", "function", "score", "max_score", "feedback"}
        assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
    corr2d = next(t for t in report["tests"] if t["function"] == "corr2d")
    assert corr2d["score"] < corr2d["max_score"]
    assert "kernel is flipped" in corr2d["feedback"]
    # the console table says the same thing
    assert "corr2d" in done.stdout and "total:" in done.stdout


def test_same_submission_same_student_same_score_and_students_get_different_cases(tmp_path, monkeypatch, flipped):
    env_secret = {"CONV_COURSE_SECRET": "test-secret"}
    reports: list[dict] = []
    for student in ("alice", "alice", "carol"):
        out = tmp_path / f"{student}-{len(reports)}.json"
        done = subprocess.run(
            [sys.executable, "-m", "autograder", "grade", str(flipped),
             "-a", "a2_correlation", "-s", student, "--json", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
            env={**__import__("os").environ, **env_secret},
        )
        assert done.returncode == 0, done.stderr
        assert "no course secret" not in done.stdout
        reports.append(json.loads(out.read_text()))
    assert reports[0] == reports[1]
    # another student gets other random cases (the shapes in the case labels differ)
    from autograder.course import load_course
    from autograder.engine import grade_path

    monkeypatch.setenv("CONV_COURSE_SECRET", "test-secret")
    course = load_course(ROOT)
    labels = {
        student: [c.label for t in grade_path(flipped, course, "a2_correlation", student).tests for c in t.checks]
        for student in ("alice", "carol")
    }
    assert labels["alice"] != labels["carol"]


def test_a_folder_is_graded_one_report_each_and_a_broken_file_does_not_stop_it(tmp_path):
    folder = tmp_path / "submitted"
    folder.mkdir()
    (folder / "good.py").write_text((ROOT / "solutions" / "a1_output_size.py").read_text())
    (folder / "broken.ipynb").write_text('{"cells": [')
    (folder / "syntax.py").write_text("def conv_output_length(n, k:\n")
    out = tmp_path / "all.json"
    done = grade(folder, "-a", "a1_output_size", "--json", out)
    assert done.returncode == 0, done.stderr
    reports = {r["student"]: r for r in json.loads(out.read_text())}
    assert set(reports) == {"good", "broken", "syntax"}
    assert reports["good"]["score"] == reports["good"]["max_score"]
    assert reports["broken"]["score"] == 0 and "not valid JSON" in reports["broken"]["tests"][0]["feedback"]
    assert reports["syntax"]["score"] == 0
    assert "summary" in done.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--assignment", "a2_correlation"], "missing PATH"),
        ([str(BUGGY / "a2_kernel_flipped.py")], "missing --assignment"),
        ([str(BUGGY / "a2_kernel_flipped.py"), "-a", "a9_nope"], "unknown assignment 'a9_nope'"),
        (["does/not/exist.py", "-a", "a2_correlation"], "no such file or folder"),
        (["--reference", "-a", "a9_nope"], "unknown assignment 'a9_nope'"),
    ],
)
def test_usage_errors_exit_2_with_a_message(args, message):
    done = grade(*args)
    assert done.returncode == 2
    assert message in done.stderr.replace("\n", " ")


def test_a_broken_course_file_is_a_setup_error(tmp_path):
    (tmp_path / "course.yml").write_text("course_id: x\ntitle: y\nassignments: []\ngrading: {trials: -1}\n")
    done = grade("--reference", "-a", "a1_output_size", cwd=tmp_path)
    assert done.returncode == 2
    assert "grading.trials" in done.stderr


def test_a_missing_reference_solution_is_a_setup_error_not_a_traceback(tmp_path):
    (tmp_path / "course.yml").write_text((ROOT / "course.yml").read_text())
    done = grade("--reference", "-a", "a2_correlation", cwd=tmp_path)
    assert done.returncode == 2
    assert "reference solution" in done.stderr and "a2_correlation.py is missing" in done.stderr.replace("\n", "")
    assert "Traceback" not in done.stderr


def test_a_notebook_shaped_wrong_is_graded_on_what_can_be_read(tmp_path):
    """A hand-edited notebook whose cell source is not text used to crash the grader for the
    whole folder (TypeError in compile)."""
    good = (ROOT / "solutions" / "a1_output_size.py").read_text()
    nb = {"cells": [{"cell_type": "code", "id": "a", "source": 5, "metadata": {}, "outputs": [],
                     "execution_count": None},
                    {"cell_type": "code", "id": "b", "source": good, "metadata": {"tags": "not a list"},
                     "outputs": [], "execution_count": None}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    folder = tmp_path / "submitted"
    folder.mkdir()
    (folder / "weird.ipynb").write_text(json.dumps(nb))
    (folder / "good.py").write_text(good)
    out = tmp_path / "all.json"
    done = grade(folder, "-a", "a1_output_size", "--json", out)
    assert done.returncode == 0, done.stderr
    reports = {r["student"]: r for r in json.loads(out.read_text())}
    assert reports["weird"]["score"] == reports["weird"]["max_score"]  # its honest code counts
    assert any("cell 1 holds no text" in note for note in reports["weird"]["notes"])
    assert reports["good"]["score"] == reports["good"]["max_score"]


def test_a_grader_failure_on_one_submission_does_not_stop_the_batch(tmp_path, monkeypatch):
    """Whatever goes wrong with one file (here: the grader itself raising for it) is a 0 report
    that says so, and the files after it are graded."""
    from autograder import cli, engine
    from autograder.course import load_course

    course = load_course(ROOT / "course.yml")
    folder = tmp_path / "submitted"
    folder.mkdir()
    for name in ("a_first", "b_breaks", "c_last"):
        (folder / f"{name}.py").write_text((ROOT / "solutions" / "a1_output_size.py").read_text())
    real = engine.grade_path

    def grade_path(path, *args, **kwargs):
        if "b_breaks" in str(path):
            raise RecursionError("maximum recursion depth exceeded [/red]")  # markup must not matter
        return real(path, *args, **kwargs)

    monkeypatch.setattr(engine, "grade_path", grade_path)
    reports = {r.student: r for r in cli._grade_many(folder, course, "a1_output_size", None)}
    assert reports["a_first"].score == reports["c_last"].score == 5
    assert reports["b_breaks"].score == 0
    assert "RecursionError" in reports["b_breaks"].tests[0].feedback
