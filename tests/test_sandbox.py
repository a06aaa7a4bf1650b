"""The sandbox that runs student code: isolation, limits, and the cheating corpus.

Every file in tests/submissions/cheating/ cheats on some a2_correlation functions; the honest ones
come from the corpus's _honest.py (course_helpers.cheating_source). Its docstring says which
functions are honest. Run through `run_submission`, exactly the honest ones must come back right.
Short limits (1.5 s) keep this file fast; it needs bubblewrap (CI installs it) except for the
tests of the unprotected fallback.
"""
from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from autograder import isolation
from autograder.course import Limits
from autograder.sandbox import Call, SandboxUnavailable, run_submission
from autograder.submission import CodeChunk
from course_helpers import CHEATING, cheating_source, load_solution, processes_with

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted(p for p in CHEATING.glob("*.py") if not p.name.startswith("_"))
FUNCTIONS = ("corr1d", "corr2d", "corr3d", "convolve1d", "convolve2d")
LIMITS = Limits(time_s=1.5, cpu_s=1.5, memory_mb=768, processes=32, output_kb=16)

needs_bwrap = pytest.mark.needs_bwrap


REF = load_solution("a2_correlation")


def _cases(function: str, rng: np.random.Generator) -> list[tuple]:
    """Two cases per function: a float array case and a Python-list / int case."""
    ndim = {"corr1d": 1, "convolve1d": 1, "corr2d": 2, "convolve2d": 2, "corr3d": 3}[function]
    out = []
    for trial in range(2):
        shape = tuple(int(s) for s in rng.integers(4, 7, size=ndim))
        kshape = tuple(int(k) for k in rng.integers(2, 4, size=ndim))
        x: np.ndarray = rng.standard_normal(shape)
        w = rng.standard_normal(kshape)
        if trial == 1:
            x = rng.integers(-5, 6, size=shape)
            w = w.tolist()
        out.append((x, w))
    return out


def _calls():
    rng = np.random.default_rng(20240601)
    return [Call(f, args) for f in FUNCTIONS for args in _cases(f, rng)]


def _honest(path: Path) -> set[str]:
    match = re.search(r"^honest: (.*)$", path.read_text(), re.M)
    assert match, f"{path}: no 'honest:' line"
    return {name.strip() for name in match.group(1).split(",")}


def _run(source: str, calls, limits=LIMITS, **kw):
    return run_submission([CodeChunk("module", source)], calls, limits, **kw)


_processes_with = processes_with


_RESULTS: dict[str, tuple] = {}


def _corpus_run(path: Path):
    if path.name not in _RESULTS:
        calls = _calls()
        start = time.monotonic()
        run = _run(cheating_source(path), calls)
        _RESULTS[path.name] = (calls, run, time.monotonic() - start)
    return _RESULTS[path.name]


def _passed_functions(calls, run) -> set[str]:
    passed = set(FUNCTIONS)
    for call, outcome in zip(calls, run.outcomes):
        expected = getattr(REF, call.function)(*call.args)
        got = outcome.value
        ok = (outcome.status == "ok" and type(got) is np.ndarray and got.shape == expected.shape
              and np.allclose(got, expected, rtol=1e-7, atol=1e-9))
        if not ok:
            passed.discard(call.function)
    return passed


# ---------------------------------------------------------------------------------------------
# the cheating corpus


@needs_bwrap
@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_cheating_submission_scores_exactly_its_honest_part(path):
    calls, run, _ = _corpus_run(path)
    assert run.isolation.startswith("bubblewrap")
    assert _passed_functions(calls, run) == _honest(path)
    for call, outcome in zip(calls, run.outcomes):
        if outcome.status != "ok":
            assert outcome.message, (call.function, outcome)


@needs_bwrap
def test_hanging_functions_cost_one_time_limit_each():
    path = ROOT / "tests/submissions/cheating/hang_ignore_signals.py"
    calls, run, seconds = _corpus_run(path)
    by_function: dict[str, list] = {}
    for call, outcome in zip(calls, run.outcomes):
        by_function.setdefault(call.function, []).append(outcome)
    for function in ("corr3d", "convolve2d"):
        first, second = by_function[function]
        assert first.status == "timeout" and "1.5 s time limit" in first.message
        assert 1.4 < first.seconds < 3.0
        assert second.status == "skipped" and "time limit" in second.message
    # two hanging functions: about two time limits plus restarts, not four
    assert seconds < 2 * LIMITS.time_s + 4


@needs_bwrap
def test_memory_bomb_is_reported_as_memory():
    calls, run, _ = _corpus_run(ROOT / "tests/submissions/cheating/memory_bomb.py")
    outcomes = [o for c, o in zip(calls, run.outcomes) if c.function == "corr2d"]
    assert outcomes[0].status == "memory" and "memory" in outcomes[0].message
    assert outcomes[1].status == "skipped"


@needs_bwrap
def test_exits_and_crashes_say_what_happened():
    calls, run, _ = _corpus_run(ROOT / "tests/submissions/cheating/exits.py")
    first = {c.function: o for c, o in reversed(list(zip(calls, run.outcomes)))}
    assert first["corr2d"].status == "crash" and "sys.exit(0)" in first["corr2d"].message
    assert first["corr3d"].status == "crash" and "exit code 0" in first["corr3d"].message
    assert first["convolve2d"].status == "crash" and "segmentation fault" in first["convolve2d"].message
    # the child was restarted after each crash: the honest function called last still works
    assert run.outcomes[-3].status == "ok"  # convolve1d


@needs_bwrap
def test_base_exceptions_are_caught_without_losing_the_child():
    calls, run, _ = _corpus_run(ROOT / "tests/submissions/cheating/interrupts.py")
    statuses = {c.function: o for c, o in zip(calls, run.outcomes)}
    assert statuses["corr3d"].status == "crash" and "KeyboardInterrupt" in statuses["corr3d"].message
    assert statuses["convolve2d"].status == "crash" and "Escape" in statuses["convolve2d"].message


@needs_bwrap
def test_fake_printed_results_change_nothing():
    calls, run, _ = _corpus_run(ROOT / "tests/submissions/cheating/fake_print.py")
    corr1d = run.outcomes[0]
    assert corr1d.status == "ok" and corr1d.value is None
    assert "PASSED" in corr1d.output  # shown as printed output, nothing more


@needs_bwrap
def test_lying_subclass_comes_back_as_plain_ndarray_with_its_data():
    calls, run, _ = _corpus_run(ROOT / "tests/submissions/cheating/lying_subclass.py")
    outcome = run.outcomes[2]  # corr2d, case 1
    assert outcome.status == "ok" and type(outcome.value) is np.ndarray
    assert np.all(outcome.value == -1.0)


@needs_bwrap
def test_fake_numpy_objects_are_refused_as_bad_output():
    calls, run, _ = _corpus_run(ROOT / "tests/submissions/cheating/fake_numpy.py")
    corr3d = [o for c, o in zip(calls, run.outcomes) if c.function == "corr3d"][0]
    assert corr3d.status == "bad_output" and "FakeArray" in corr3d.message


@needs_bwrap
def test_no_process_outlives_the_submission():
    _corpus_run(ROOT / "tests/submissions/cheating/daemon.py")
    time.sleep(0.2)
    assert _processes_with("ag-cheat-daemon-7f3c") == []


# ---------------------------------------------------------------------------------------------
# what the child can see and do

PROBE = r'''
import os, socket, sys
def probe(paths, root):
    seen = {p: os.path.exists(p) for p in paths}
    listing = sorted(os.listdir(root)) if os.path.isdir(root) else []
    def can_write(path):
        try:
            with open(path, "w") as f:
                f.write("x")
            return True
        except OSError:
            return False
    try:
        socket.create_connection(("1.1.1.1", 53), timeout=1).close()
        net = True
    except OSError:
        net = False
    return {"seen": seen, "uid": os.getuid(), "pid": os.getpid(), "cwd": os.getcwd(),
            "env": sorted(os.environ), "net": net, "stdin": sys.stdin.read(),
            "write_cwd": can_write("here.txt"), "write_usr": can_write("/usr/pwned"),
            "write_venv": can_write(os.path.join(sys.prefix, "pwned")),
            "root": sorted(os.listdir("/")), "listing": listing}
'''


@needs_bwrap
def test_course_folder_is_invisible_and_only_scratch_is_writable(monkeypatch):
    monkeypatch.setenv("CONV_COURSE_SECRET", "very-secret")
    paths = [str(ROOT / "course.yml"), str(ROOT / "solutions"),
             str(ROOT / "solutions" / "a2_correlation.py"), str(ROOT / "autograder"),
             str(ROOT / "gradebook.db"), os.path.expanduser("~/.config")]
    run = _run(PROBE, [Call("probe", (paths, str(ROOT)))])
    outcome = run.outcomes[0]
    assert outcome.status == "ok", outcome.message
    info = outcome.value
    assert not any(info["seen"].values()), info["seen"]
    # the course folder shows at most the venv bound inside it, never its own files
    assert set(info["listing"]) <= {".venv"}, info["listing"]
    # never root: a throwaway uid, or (user namespace) uid 0 there without any capability
    assert info["uid"] >= isolation.UID_BASE or isolation.probe().mode == "userns"
    assert info["pid"] < 10  # own PID namespace
    assert info["net"] is False
    assert info["stdin"] == ""
    assert "CONV_COURSE_SECRET" not in info["env"]
    assert info["write_cwd"] and not info["write_usr"] and not info["write_venv"]
    assert not (Path(sys.prefix) / "pwned").exists()
    assert info["cwd"] == "/scratch"


def test_refuses_without_bubblewrap_unless_allowed(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_NO_BWRAP", "1")
    isolation.probe.cache_clear()
    try:
        with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
            _run("def f():\n    return 1\n", [Call("f")])
        run = _run("import os\ndef f():\n    return os.getuid()\n", [Call("f")],
                   allow_unprotected=True)
        assert run.isolation.startswith("UNPROTECTED:")
        assert run.outcomes[0].status == "ok"
        if os.geteuid() == 0 and "throwaway" in run.isolation:
            assert run.outcomes[0].value >= isolation.UID_BASE
    finally:
        isolation.probe.cache_clear()


# ---------------------------------------------------------------------------------------------
# values, loading, output


@needs_bwrap
def test_values_keep_their_kind_and_dtype():
    source = '''
import numpy as np
def many():
    return (np.arange(3, dtype=np.int32), np.array([True, False]), np.ones(2, complex),
            [1, 2.5, None, "s", True], {"k": np.float32(1.5)}, np.int64(7), 3)
def objects():
    return np.array([object()], dtype=object)
def mine():
    class Thing: pass
    return Thing()
def mutate(x):
    x[0] = 99.0
    return None
'''
    calls = [Call("many"), Call("objects"), Call("mine"),
             Call("mutate", (np.zeros(3),), return_args=True)]
    run = _run(source, calls)
    many, objects, mine, mutate = run.outcomes
    ints, bools, cplx, plain, mapping, scalar, three = many.value
    assert ints.dtype == np.int32 and type(ints) is np.ndarray and ints.flags.writeable
    assert bools.dtype == bool and cplx.dtype == complex
    assert plain == [1, 2.5, None, "s", True] and type(plain) is list
    assert mapping["k"] == np.float32(1.5) and type(mapping["k"]) is np.float32
    assert scalar == 7 and type(scalar) is np.int64 and three == 3
    assert objects.status == "bad_output" and "object" in objects.message
    assert mine.status == "bad_output" and "Thing" in mine.message
    assert mutate.args_after[0].tolist() == [99.0, 0.0, 0.0]


@needs_bwrap
def test_function_spec_arguments_become_callables():
    from autograder.testfunctions import FunctionSpec

    spec = FunctionSpec("sines", {"a": np.ones(3), "k": np.ones(3), "phi": np.zeros(3)})
    run = _run("def apply(f, x):\n    return f(x)\n", [Call("apply", (spec, np.zeros(3)))])
    assert run.outcomes[0].status == "ok" and run.outcomes[0].value == 0.0


@needs_bwrap
def test_broken_chunks_are_reported_and_the_rest_still_runs():
    chunks = [CodeChunk("cell 1", "def f():\n    return 1\n"),
              CodeChunk("cell 2", "import os\nos._exit(5)\n"),
              CodeChunk("cell 3", "raise ValueError('oops')\n"),
              CodeChunk("cell 4", "def g():\n    return 2\n")]
    run = run_submission(chunks, [Call("f"), Call("g"), Call("h")], LIMITS)
    assert [o.status for o in run.outcomes] == ["ok", "ok", "missing"]
    assert [o.value for o in run.outcomes[:2]] == [1, 2]
    problems = " | ".join(run.load_problems)
    assert "cell 2" in problems and "exit code 5" in problems
    assert "cell 3 raised ValueError: oops" in problems


@needs_bwrap
def test_load_that_exceeds_the_time_limit_fails_every_call():
    chunks = [CodeChunk("cell 1", "def f():\n    return 1\n"),
              CodeChunk("cell 2", "while True:\n    pass\n")]
    start = time.monotonic()
    run = run_submission(chunks, [Call("f"), Call("f")], LIMITS)
    assert time.monotonic() - start < LIMITS.time_s + 4
    assert [o.status for o in run.outcomes] == ["load_failed", "load_failed"]
    assert "cell 2 was still running" in run.outcomes[0].message


@needs_bwrap
def test_output_flood_is_cut_and_does_not_hang():
    source = ("import sys\ndef flood():\n    for _ in range(20000):\n        sys.stdout.write('x' * 1000)\n"
              "    return 5\n")
    run = _run(source, [Call("flood"), Call("flood")])
    for outcome in run.outcomes:
        assert outcome.status == "ok" and outcome.value == 5
        assert len(outcome.output) < LIMITS.output_kb * 1024 + 200
        assert "output cut" in outcome.output


@needs_bwrap
def test_errors_name_the_line_in_the_students_code():
    source = "import numpy as np\ndef corr1d(x, w):\n    return np.dot(x, w)\n"
    run = _run(source, [Call("corr1d", (np.zeros(5), np.zeros(2)))])
    outcome = run.outcomes[0]
    assert outcome.status == "error"
    assert outcome.message.startswith("ValueError: shapes (5,) and (2,) not aligned")
    assert "module, line 3: return np.dot(x, w)" in outcome.message


@needs_bwrap
def test_process_limit_stops_a_fork_bomb():
    source = '''
import os, time
def spawn():
    n = 0
    try:
        for _ in range(200):
            if os.fork() == 0:
                time.sleep(30)
                os._exit(0)
            n += 1
    except OSError:
        pass
    return n
'''
    limits = Limits(time_s=3, cpu_s=3, memory_mb=768, processes=8, output_kb=16)
    run = _run(source, [Call("spawn")], limits)
    assert run.outcomes[0].status == "ok" and 0 < run.outcomes[0].value < 8
    assert _processes_with("time.sleep(30)") == []


@needs_bwrap
def test_no_working_corr2d_is_within_the_submissions_reach(tmp_path, course):
    """corr2d borrows from everything it can reach in the child (the helper module testfunctions,
    the autograder package, sys.modules, the .py files on sys.path and in /grader) and tries
    each callable on the lecture's example: nothing may work, so corr2d scores 0, because it
    found nothing (its own error says so), not because it timed out."""
    from autograder import engine

    source = cheating_source(CHEATING / "borrow_working_code.py")
    path = tmp_path / "borrower.py"
    path.write_text(source)
    report = engine.grade_path(path, course, "a2_correlation", student="borrower")
    scores = {t.function: t.score for t in report.tests}
    corr2d = next(t for t in report.tests if t.function == "corr2d")
    assert scores["corr2d"] == 0, corr2d.feedback
    assert "no working corr2d within reach" in corr2d.feedback, corr2d.feedback
    honest = tmp_path / "honest.py"  # the other functions earn exactly what their honest code earns
    honest.write_text((CHEATING / "_honest.py").read_text())
    earned = {t.function: t.score for t in engine.grade_path(honest, course, "a2_correlation",
                                                             student="borrower").tests}
    assert {f: s for f, s in scores.items() if f != "corr2d"} == \
        {f: s for f, s in earned.items() if f != "corr2d"}
    routes = _run(source, [Call("routes")]).outcomes[0]
    assert routes.status == "ok" and any("candidate callables" in r for r in routes.value)
    assert not any(r.startswith("working:") for r in routes.value), routes.value
