"""Shared test set-up: Hypothesis profiles, the `needs_bwrap` marker, and the shared fixtures.

Hypothesis profiles, registered once here (test files set only what differs, e.g. max_examples):

* "ci" (the default): derandomized, so a run is reproducible; no deadline and no too_slow health
  check, because the runners are shared and busy.
* "dev": the same, but random: each run explores new examples. Select it with
  `HYPOTHESIS_PROFILE=dev` or `pytest --hypothesis-profile=dev`.

Tests marked `needs_bwrap` run student code in the bubblewrap sandbox. Where it cannot run (not
installed, or namespaces refused), they are skipped with the reason, once each, instead of
failing by the dozen: `make test` installs bubblewrap first where it can (see the Makefile).

Markers (`e2e`, `slow`, `needs_bwrap`) and the pytest-timeout default are in pyproject.toml.
"""

from __future__ import annotations

import os
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings

from autograder import isolation
from autograder.course import STUDENT_API, Course, load_course
from course_helpers import ROOT, load_solution, run_in_process

settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "dev", derandomize=False, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(config, items):
    probe = isolation.probe()
    if probe.usable:
        return
    skip = pytest.mark.skip(reason=f"needs the bubblewrap sandbox: {probe.reason}")
    for item in items:
        if "needs_bwrap" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def course() -> Course:
    """The repository's course.yml, loaded once. Tests that change a course load their own."""
    return load_course(ROOT)


@pytest.fixture(scope="session")
def references() -> dict[str, ModuleType]:
    """The hidden reference solutions (solutions/<id>.py), imported by path once: {id: module}."""
    return {a: load_solution(a, "_shared_ref") for a in STUDENT_API}


@pytest.fixture(scope="session")
def in_process():
    """course_helpers.run_in_process: run a call on a module of our own test data in this process
    and report it as the sandbox would (a CallOutcome)."""
    return run_in_process
