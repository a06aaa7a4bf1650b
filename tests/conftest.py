"""Shared test set-up: the `needs_bwrap` marker.

Tests marked `needs_bwrap` run student code in the bubblewrap sandbox. Where it cannot run (not
installed, or namespaces refused), they are skipped with the reason, once each, instead of
failing by the dozen: `make test` installs bubblewrap first where it can (see the Makefile).
"""
from __future__ import annotations

import pytest

from autograder import isolation


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_bwrap: runs student code in the bubblewrap sandbox")


def pytest_collection_modifyitems(config, items):
    probe = isolation.probe()
    if probe.usable:
        return
    skip = pytest.mark.skip(reason=f"needs the bubblewrap sandbox: {probe.reason}")
    for item in items:
        if "needs_bwrap" in item.keywords:
            item.add_marker(skip)
