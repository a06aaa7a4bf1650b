"""The first sandbox child of `python -m autograder grade FILE -a ID`, started before the grader
is imported.

A child takes about half a second to get ready (bubblewrap, Python, numpy, matplotlib), and the
command line about as long to import the grader (typer, rich, pydantic, the registry, numpy).
__main__ calls `start_for_grade` first, which reads just what the child needs (course.yml's
grading.limits, which of childproc.PREIMPORTABLE the submission's text imports) and starts it
the way every child starts (childproc.start); the two halves of a second then overlap.
sandbox.warm_children adopts it as its first spare (`take`) only when it was started exactly as
a spare for this grading would be (same limits, bubblewrap mode, uid drop, preimports); any
other early child is killed (`discard`: by warm_children, and when the command ends).

It is confined like any child: the same command line, built by the same code. Nothing here
reports anything: an option it does not know, a course.yml it cannot read or does not like, no
bubblewrap, AUTOGRADER_NO_SPARES: no early child, and the ordinary path says what is wrong as
it always did. Standard library, yaml, isolation.py and fontcache.py only (no numpy).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

from . import childproc, isolation
from .coursefile import LIMIT_DEFAULTS, course_file_path, read_course_data

# options of `grade` (cli.grade) that take a value; what the early start needs of them
_VALUE_OPTIONS = {"--assignment": "assignment", "-a": "assignment", "--student": None,
                  "-s": None, "--json": None, "--course": "course"}

_pending: tuple[childproc.Started, tuple] | None = None  # the early child and what it was started for


def _grade_arguments(args: list[str]) -> dict[str, str] | None:
    """{"path", "assignment", "course"?} from `grade`'s arguments, or None for anything but one
    submission file graded against one assignment with options this function knows."""
    found: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-"):
            name, eq, value = arg.partition("=")
            if name not in _VALUE_OPTIONS or (eq and not name.startswith("--")):
                return None  # (to click, "-a=x" is the value "=x": left to the ordinary path)
            if not eq:
                if i + 1 >= len(args):
                    return None
                i += 1
                value = args[i]
            key = _VALUE_OPTIONS[name]
            if key is not None:
                found[key] = value
        elif "path" in found:
            return None
        else:
            found["path"] = arg
        i += 1
    return found if "path" in found and "assignment" in found else None


def _limits(data: dict, assignment: str) -> SimpleNamespace | None:
    """grading.limits of course.yml's data, defaults filled in, when the course has `assignment`
    and every limit given is a plain number of a known name; else None."""
    ids = [a.get("id") for a in data.get("assignments") or [] if isinstance(a, dict)]
    if assignment not in ids:
        return None
    grading = data.get("grading", {})
    given = grading.get("limits", {}) if isinstance(grading, dict) else None
    if not isinstance(given, dict):
        return None
    for name, value in given.items():
        if name not in LIMIT_DEFAULTS or type(value) not in (int, float):
            return None
    return SimpleNamespace(**{**LIMIT_DEFAULTS, **given})


def _speculative_probe() -> isolation.Probe | None:
    """The probe isolation.probe() will return when bubblewrap works here: its first mode. The
    early child is adopted only if the real probe agrees (`take`); meanwhile it is a child
    confined by that mode, or one that never gets ready."""
    if os.environ.get("AUTOGRADER_NO_BWRAP"):
        return None
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None
    return isolation.Probe(isolation.bwrap_modes()[0], bwrap, "")


def _key(limits, probe: isolation.Probe | None, drop: bool, preimport: tuple[str, ...]) -> tuple:
    setup = childproc.setup_for(limits, None, preimport)
    return (sorted(setup.items()), None if probe is None else (probe.mode, probe.bwrap), drop)


def start_for_grade(args: list[str]) -> bool:
    """Start the first child for `grade ARGS` now, if it can be worked out cheaply; True if one
    was started. Never raises: the ordinary path reports every problem."""
    global _pending
    if _pending is not None or os.environ.get("AUTOGRADER_NO_SPARES"):
        return False
    try:
        parsed = _grade_arguments(args)
        if parsed is None:
            return False
        path = Path(parsed["path"])
        if not path.is_file():
            return False
        limits = _limits(read_course_data(course_file_path(parsed.get("course"))),
                         parsed["assignment"])
        probe = _speculative_probe()
        if limits is None or probe is None:
            return False
        text = path.read_text(encoding="utf-8", errors="replace")
        preimport = childproc.imports_worth_starting([text])
        started = childproc.start(limits, probe, False, None, preimport)
    except Exception:  # noqa: BLE001 - the ordinary path meets the same problem and says it
        return False
    _pending = (started, _key(limits, probe, False, preimport))
    return True


def take(limits, probe: isolation.Probe | None, drop: bool,
         preimport: tuple[str, ...]) -> childproc.Started | None:
    """The early child, if it was started exactly as a spare for these would be (the caller
    then owns it); None otherwise (and it stays pending until `discard`)."""
    global _pending
    if _pending is None or _pending[1] != _key(limits, probe, drop, preimport):
        return None
    started, _pending = _pending[0], None
    return started


def discard() -> None:
    """Kill the early child if nobody took it."""
    global _pending
    if _pending is not None:
        started, _pending = _pending[0], None
        started.kill()
