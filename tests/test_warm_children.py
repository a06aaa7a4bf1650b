"""Children started ahead of time (sandbox.warm_children): the same sandbox, only sooner.

A spare child is started before its submission is known, so that bubblewrap, Python, numpy and
matplotlib start while the grader does its own work. It must be exactly as confined as a child
started on demand: same uid drop, same memory cap, and the same hard CPU cap, which a spare only
learns with its LOAD message; each spare serves one submission; what is not used is killed.
"""
from __future__ import annotations

import pytest

from autograder import isolation, sandbox
from autograder.course import Limits
from autograder.sandbox import Call, run_submission
from autograder.submission import CodeChunk

pytestmark = pytest.mark.needs_bwrap

LIMITS = Limits(time_s=20, cpu_s=5, memory_mb=768, processes=32, output_kb=16, disk_mb=8, files=200)

PROBE = '''
import os, resource, sys
def inside():
    """What confines this process, and whether matplotlib was imported before our code."""
    return (resource.getrlimit(resource.RLIMIT_CPU)[1], resource.getrlimit(resource.RLIMIT_AS)[1],
            os.getuid(), "matplotlib.pyplot" in sys.modules)
'''
CALLS = [Call("inside", ()), Call("inside", ())]
PLOTS = ("matplotlib.pyplot",)


@pytest.fixture(autouse=True)
def _fresh_probe():
    isolation.probe.cache_clear()
    yield
    isolation.probe.cache_clear()


def _inside() -> tuple:
    run = run_submission([CodeChunk("module", PROBE)], CALLS, LIMITS)
    outcome = run.outcomes[0]
    assert outcome.status == "ok", (outcome.status, outcome.message)
    return tuple(outcome.value)  # type: ignore[arg-type]  # a tuple sent back by PROBE


def test_a_spare_is_confined_exactly_like_a_child_started_on_demand():
    cpu_hard, memory, uid, preimported = _inside()  # no spare: started on demand
    assert cpu_hard == int(sandbox.cpu_hard_limit(LIMITS, len(CALLS))) + 1
    assert memory == LIMITS.memory_mb * 1024 * 1024
    assert uid != 0 and not preimported

    with sandbox.warm_children(LIMITS, 1, preimport=PLOTS):
        spare = next(iter(sandbox._spares.values()))
        warm = _inside()
        assert sandbox._spares == {}, "one submission announced, so no second spare"
    assert spare.proc is None, "the spare served the submission and was killed with it"
    assert warm[:2] == (cpu_hard, memory), "the spare learned the same CPU cap from LOAD"
    assert warm[2] != 0
    assert warm[3], "the spare imported matplotlib before the submission needed it"


def test_each_submission_gets_a_fresh_spare_and_the_unused_one_is_killed():
    with sandbox.warm_children(LIMITS, 3, preimport=PLOTS):
        first = next(iter(sandbox._spares.values()))
        assert _inside()[3]
        second = next(iter(sandbox._spares.values()))
        assert second is not first, "a new spare for the next submission, never a used child"
        assert _inside()[3]
        third = next(iter(sandbox._spares.values()))
        process = third.proc
        assert process is not None and process.poll() is None
    # the block ended before the third submission: its spare did not outlive it
    assert sandbox._spares == {}
    assert process.poll() is not None
    assert not _inside()[3], "outside the block children start on demand again"


def test_a_spare_that_cannot_start_gives_way_to_an_ordinary_child(monkeypatch):
    """A spare that died before use (killed from outside, say) costs nothing but time."""
    with sandbox.warm_children(LIMITS, 1, preimport=PLOTS):
        spare = next(iter(sandbox._spares.values()))
        spare.kill()
        monkeypatch.setattr(sandbox, "STARTUP_TIMEOUT_S", 5.0)
        cpu_hard, _, uid, preimported = _inside()
    assert cpu_hard == int(sandbox.cpu_hard_limit(LIMITS, len(CALLS))) + 1
    assert uid != 0 and not preimported


def test_a_spare_imports_only_known_modules_its_submissions_use():
    notebook = 'import numpy as np\nimport matplotlib.pyplot as plt\n'
    assert sandbox.imports_worth_starting([notebook, "def f(): pass"]) == PLOTS
    assert sandbox.imports_worth_starting(["import numpy as np"]) == ()
    # a name from the submission never becomes an import of the grader's choosing
    assert sandbox.imports_worth_starting(["import os, antigravity"]) == ()
    with sandbox.warm_children(LIMITS, 1, preimport=("antigravity", *PLOTS)):
        spare = next(iter(sandbox._spares.values()))
        assert spare.preimport == PLOTS
