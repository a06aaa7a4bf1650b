"""Where course.yml is and what it says as plain data, before any validation.

course.py validates it into a Course (pydantic, and the registry it is checked against); this
module only finds the file and reads its YAML, so that the command line can read the sandbox's
limits before the rest of the grader is imported (early.py). Both use the same rules: one file,
one search, one reading.
"""
from __future__ import annotations

import os
from pathlib import Path

COURSE_FILE = "course.yml"

# grading.limits where course.yml leaves a field out: course.Limits' defaults, for early.py, which
# reads the limits without pydantic (tests/test_early_child.py keeps the two equal)
LIMIT_DEFAULTS: dict[str, float] = {
    "time_s": 10.0,
    "cpu_s": 10.0,
    "memory_mb": 1024,
    "processes": 32,
    "output_kb": 256,
    "disk_mb": 128,
    "files": 4096,
}


class CourseError(Exception):
    """The course set-up is unusable (bad course.yml, unknown assignment, missing file)."""


def find_course_file(start: Path | None = None) -> Path:
    """course.yml in `start` or the nearest folder above it; CONV_COURSE_ROOT overrides."""
    override = os.environ.get("CONV_COURSE_ROOT")
    if override:
        candidate = Path(override) / COURSE_FILE
        if candidate.is_file():
            return candidate.resolve()
        raise CourseError(f"CONV_COURSE_ROOT={override} has no {COURSE_FILE}")
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / COURSE_FILE
        if candidate.is_file():
            return candidate
    raise CourseError(
        f"no {COURSE_FILE} found in {here} or any folder above it; run from the course folder"
    )


def course_file_path(path: Path | str | None = None) -> Path:
    """The course file `load_course(path)` reads: `path` itself, course.yml in it when it is a
    folder, or (None) the one find_course_file finds. CourseError when there is none."""
    if path is None:
        return find_course_file()
    file = Path(path)
    if file.is_dir():
        file = file / COURSE_FILE
    if not file.is_file():
        raise CourseError(f"{file}: course file not found")
    return file


def read_course_data(file: Path) -> dict:
    """The top-level mapping of a course file, unvalidated; CourseError when it is not YAML or
    not a mapping."""
    import yaml

    text = file.read_text()
    try:
        # libyaml's parser when PyYAML has it (ten times faster: this runs before the grader's
        # first child starts); the same safe constructor and resolver make the same data
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except (AttributeError, yaml.YAMLError):
        try:
            data = yaml.safe_load(text)  # the pure-Python parser decides, and words the error
        except yaml.YAMLError as exc:
            raise CourseError(f"{file}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CourseError(f"{file}: expected a mapping at the top level, got {type(data).__name__}")
    return data
