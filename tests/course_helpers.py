"""Helpers shared by the test modules (not a test file itself)."""
from __future__ import annotations

import copy
import importlib.util
import os
from pathlib import Path
from types import ModuleType

import numpy as np

from autograder.checks import CallOutcome
from autograder.testfunctions import FunctionSpec, make_function

ROOT = Path(__file__).resolve().parents[1]


def load_solution(assignment_id: str, prefix: str = "reference") -> ModuleType:
    """Import solutions/<assignment_id>.py by path, without the package being installed."""
    path = ROOT / "solutions" / f"{assignment_id}.py"
    spec = importlib.util.spec_from_file_location(f"{prefix}_{assignment_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def processes_with(marker: str) -> list[str]:
    """Command lines of live processes containing `marker` (scans /proc; no psutil)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline and "pytest" not in cmdline:
            found.append(f"{entry}: {cmdline}")
    return found


def buggy_submission(patch: Path, folder: Path) -> Path:
    """A whole buggy submission: the reference of the patch's assignment, then the patch.

    The files in tests/submissions/buggy/ hold only the function that differs (and a docstring
    with `assignment:`), so the corpus does not repeat the reference thirty times.
    """
    import re

    text = Path(patch).read_text()
    assignment = re.search(r"^assignment: (\S+)", text, flags=re.M).group(1)
    reference = (ROOT / "solutions" / f"{assignment}.py").read_text()
    whole = Path(folder) / Path(patch).name
    whole.write_text(reference + "\n\n# ---- the buggy part ----\n" + text)
    return whole


CHEATING = ROOT / "tests" / "submissions" / "cheating"


def cheating_source(path: Path) -> str:
    """A whole cheating a2 submission: the corpus's honest functions, then the cheat file."""
    return (CHEATING / "_honest.py").read_text() + "\n\n# ---- the cheating part ----\n" + Path(path).read_text()


def _plain(value):
    """What the sandbox would hand back: base ndarrays, tuples/lists of them, numbers."""
    if isinstance(value, np.ndarray):
        return np.array(value)
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    return value


def run_in_process(module: ModuleType, call):
    """Run `call` on a module of our own test data in this process, and report it as the sandbox
    would (a CallOutcome): fast, for corpora whose code we wrote ourselves."""
    args = copy.deepcopy(call.args)
    live = tuple(make_function(a) if isinstance(a, FunctionSpec) else a for a in args)
    try:
        value = getattr(module, call.function)(*live, **copy.deepcopy(call.kwargs))
    except Exception as error:  # noqa: BLE001 - becomes the outcome, as in the sandbox
        return CallOutcome("error", message=f"{type(error).__name__}: {error}")
    after = tuple(None if callable(a) else _plain(a) for a in live) if call.return_args else None
    return CallOutcome("ok", value=_plain(value), args_after=after)
