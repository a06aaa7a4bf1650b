"""The first child of `grade FILE -a ID`, started before the grader is imported (early.py).

It must change nothing but the time: every problem is reported exactly as without it, it is
confined exactly like a spare (and adopted only when it was started as that spare would be),
AUTOGRADER_NO_SPARES switches it off, and a child nobody adopts is killed.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder import __main__ as entry
from autograder import childproc, early, isolation, sandbox
from autograder.course import Limits, load_course
from autograder.coursefile import LIMIT_DEFAULTS
from autograder.sandbox import Call, run_submission
from autograder.submission import CodeChunk

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "a1_output_size.py"
PLOTS = ("matplotlib.pyplot",)


@pytest.fixture
def starts(monkeypatch):
    """Every child process started (early or not), in order; nothing left pending after."""
    started: list[childproc.Started] = []
    real = childproc.start

    def start(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(childproc, "start", start)
    monkeypatch.delenv("AUTOGRADER_NO_SPARES", raising=False)
    yield started
    early.discard()


@pytest.fixture
def submission(tmp_path):
    """A complete a1 submission that imports matplotlib, as the notebooks do."""
    path = tmp_path / "alice.py"
    path.write_text("import matplotlib.pyplot as plt\n" + SOLUTION.read_text())
    return path


def _run_cli(monkeypatch, *args: str) -> int:
    """`python -m autograder grade ARGS`, in this process (so its children can be counted)."""
    monkeypatch.setattr(sys, "argv", ["autograder", "grade", *args])
    with pytest.raises(SystemExit) as done:
        entry.run()
    return int(done.value.code or 0)


def _cli(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "grade", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env={**os.environ, **env})


def _course(tmp_path: Path, **grading) -> Path:
    """A copy of the course's course.yml with these grading settings."""
    data = yaml.safe_load((ROOT / "course.yml").read_text())
    data["grading"] = {**data.get("grading", {}), **grading}
    (tmp_path / "course.yml").write_text(yaml.safe_dump(data))
    return tmp_path / "course.yml"


# ---------------------------------------------------------------------------------------------
# what the early start reads, without pydantic


def test_the_early_limit_defaults_are_the_courses():
    assert LIMIT_DEFAULTS == Limits().model_dump()


@pytest.mark.parametrize("args, parsed", [
    (["x.ipynb", "-a", "a1"], {"path": "x.ipynb", "assignment": "a1"}),
    (["--assignment=a1", "--course", "c.yml", "x.py", "-s", "bob", "--json", "r.json"],
     {"path": "x.py", "assignment": "a1", "course": "c.yml"}),
    (["x.py", "-a", "a1", "-a", "a2"], {"path": "x.py", "assignment": "a2"}),  # click: the last
    (["x.py"], None),  # no assignment: the ordinary path says so
    (["-a", "a1"], None),
    (["x.py", "y.py", "-a", "a1"], None),
    (["--reference", "-a", "a1"], None),
    (["x.py", "-a", "a1", "--help"], None),
    (["x.py", "-aa1"], None),
    (["x.py", "-a=a1"], None),  # click reads the value "=a1"
    (["x.py", "-a"], None),
    (["--", "x.py", "-a", "a1"], None),
])
def test_only_plain_grade_arguments_start_a_child_early(args, parsed):
    assert early._grade_arguments(args) == parsed


# ---------------------------------------------------------------------------------------------
# every problem is reported as without it (AUTOGRADER_NO_SPARES=1 switches it off)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["invalid field", "not yaml", "unknown assignment", "no bwrap",
                                  "bwrap switched off"])
def test_problems_are_reported_exactly_as_without_the_early_child(tmp_path, submission, case):
    env: dict[str, str] = {}
    assignment = "a1_output_size"
    if case == "invalid field":
        _course(tmp_path, trials=-1)
    elif case == "not yaml":
        (tmp_path / "course.yml").write_text("course_id: [x\n")
    else:
        _course(tmp_path)
    if case == "unknown assignment":
        assignment = "a9_nope"
    elif case == "no bwrap":
        env["PATH"] = str(tmp_path)  # the grader runs sys.executable; bwrap is looked up on PATH
    elif case == "bwrap switched off":
        env["AUTOGRADER_NO_BWRAP"] = "1"
    args = (str(submission), "-a", assignment)
    with_early = _cli(*args, cwd=tmp_path, **env)
    without = _cli(*args, cwd=tmp_path, AUTOGRADER_NO_SPARES="1", **env)
    assert with_early.returncode == without.returncode == 2
    assert with_early.stderr == without.stderr
    assert "Traceback" not in with_early.stderr and "error:" in with_early.stderr
    expected = {"invalid field": "grading.trials", "not yaml": "not valid YAML",
                "unknown assignment": "unknown assignment 'a9_nope'",
                "no bwrap": "bubblewrap (bwrap) is not installed",
                "bwrap switched off": "AUTOGRADER_NO_BWRAP is set"}[case]
    assert expected in " ".join(with_early.stderr.split())  # (rich wraps the line)


# ---------------------------------------------------------------------------------------------
# adopted when it fits, killed when not, never started when switched off


@pytest.mark.needs_bwrap
@pytest.mark.slow
def test_the_early_child_is_adopted_not_a_second_one_started(monkeypatch, capsys, starts, submission):
    monkeypatch.chdir(ROOT)
    started_early = []
    real = early.start_for_grade
    monkeypatch.setattr(early, "start_for_grade", lambda args: started_early.append(real(args)))
    assert _run_cli(monkeypatch, str(submission), "-a", "a1_output_size") == 0
    assert "total: 5 / 5" in capsys.readouterr().out
    assert started_early == [True]
    assert len(starts) == 1, "the early child graded the submission; no other was started"
    assert starts[0].proc.poll() is not None, "and it ended with the grading"
    assert early._pending is None


@pytest.mark.needs_bwrap
def test_no_spares_means_no_early_child(monkeypatch, starts, submission):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("AUTOGRADER_NO_SPARES", "1")
    assert not early.start_for_grade([str(submission), "-a", "a1_output_size"])
    assert starts == [] and early._pending is None


@pytest.mark.needs_bwrap
def test_an_early_child_that_grading_never_reaches_is_killed(monkeypatch, capsys, tmp_path, starts,
                                                              submission):
    """course.yml's limits read fine, so the child starts; the rest of course.yml does not
    validate, so the command ends with its error before grading: the child must not outlive it."""
    _course(tmp_path, trials=-1)
    monkeypatch.chdir(tmp_path)
    assert _run_cli(monkeypatch, str(submission), "-a", "a1_output_size") == 2
    assert "grading.trials" in capsys.readouterr().err
    assert len(starts) == 1
    assert starts[0].proc.poll() is not None
    assert early._pending is None


@pytest.mark.needs_bwrap
def test_an_early_child_started_for_other_limits_is_killed_not_adopted(monkeypatch, starts, submission):
    monkeypatch.chdir(ROOT)
    assert early.start_for_grade([str(submission), "-a", "a1_output_size"])
    first = starts[0]
    other = Limits(**{**LIMIT_DEFAULTS, "memory_mb": 768})
    with sandbox.warm_children(other, 1, preimport=PLOTS):
        assert first.proc.poll() is not None, "not what this grading needs: killed at once"
        assert len(starts) == 2
        spare = next(iter(sandbox._spares.values()))
        assert spare.proc is starts[1].proc
    assert early._pending is None


PROBE = '''
import os, resource, sys
def inside():
    """What confines this process, and whether matplotlib was imported before our code."""
    return (resource.getrlimit(resource.RLIMIT_CPU)[1], resource.getrlimit(resource.RLIMIT_AS)[1],
            resource.getrlimit(resource.RLIMIT_NPROC)[1], os.getuid() != 0,
            "matplotlib.pyplot" in sys.modules, sorted(os.listdir("/grader")))
'''
CALLS = [Call("inside", ())]


@pytest.mark.needs_bwrap
def test_an_adopted_early_child_is_confined_like_a_spare(monkeypatch, starts, submission):
    monkeypatch.chdir(ROOT)
    isolation.probe.cache_clear()
    limits = load_course().grading.limits

    def inside() -> tuple:
        outcome = run_submission([CodeChunk("module", PROBE)], CALLS, limits).outcomes[0]
        assert outcome.status == "ok", (outcome.status, outcome.message)
        return tuple(outcome.value)  # type: ignore[arg-type]  # a tuple sent back by PROBE

    with sandbox.warm_children(limits, 1, preimport=PLOTS):
        spare = inside()
    assert len(starts) == 1

    assert early.start_for_grade([str(submission), "-a", "a1_output_size"])
    with sandbox.warm_children(limits, 1, preimport=PLOTS):
        adopted = next(iter(sandbox._spares.values()))
        assert adopted.proc is starts[1].proc, "the early child became the spare"
        assert inside() == spare
    assert len(starts) == 2
    assert spare[3:5] == (True, True) and spare[5] == [], "dropped uid, matplotlib, runner covered"
