"""The hidden reference solution: where it lives and how the trusted parent imports it.

Only the grader's own process imports these modules (never the student's child), once per file
version: grading a folder or a whole class does not re-import the reference per submission.
"""
from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from .course import Course, CourseError


def reference_path(course: Course, assignment_id: str) -> Path:
    """solutions/<id>.py; CourseError with a plain message when it is missing."""
    course.assignment(assignment_id)  # an unknown id is refused by name first
    path = course.solutions_dir / f"{assignment_id}.py"
    if not path.is_file():
        raise CourseError(f"the reference solution {path} is missing; the grader cannot run without it")
    return path


@functools.lru_cache(maxsize=32)
def _import(path: str, mtime_ns: int) -> ModuleType:
    name = f"_conv_reference_{Path(path).stem}_{mtime_ns}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and the like look their module up while executing
    spec.loader.exec_module(module)
    return module


def import_by_path(path: Path | str) -> ModuleType:
    """Import a module from its file, cached until the file changes."""
    path = Path(path).resolve()
    return _import(str(path), path.stat().st_mtime_ns)


def load_reference(course: Course, assignment_id: str) -> ModuleType:
    """The reference module of an assignment, checked to define every graded function."""
    path = reference_path(course, assignment_id)
    module = import_by_path(path)
    missing = [f for f in course.assignment(assignment_id).functions if not hasattr(module, f)]
    if missing:
        raise CourseError(f"{path} does not define {', '.join(missing)}")
    return module
