"""course.yml as a validated model: assignments, points, tolerances, limits.

Everything the grader and nbgrader_config.py need about the course comes from here, so a typo in
course.yml is caught once, with a message that names the file and the field.
"""
from __future__ import annotations

import math
import os
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# Finding and reading the file is coursefile.py's (the command line reads the limits from it
# before this module is imported); CourseError, COURSE_FILE and find_course_file live there.
from .coursefile import (  # noqa: F401
    COURSE_FILE,
    CourseError,
    course_file_path,
    find_course_file,
    read_course_data,
)
from .i18n import LANGUAGES, SOURCE_LANGUAGE, Language

# The student API of design.md (assignment id -> graded functions, in notebook order) comes from
# the registry's entries; course.yml is checked against it (re-exported as course.STUDENT_API).
from .registry import REGISTRY, STUDENT_API


class _Strict(BaseModel):
    # Unknown keys are typos more often than not: refuse them by name.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(_Strict):
    # the same defaults as coursefile.LIMIT_DEFAULTS (early.py's, read without pydantic; a test
    # keeps the two equal)
    time_s: float = Field(10.0, gt=0, description="wall-clock seconds per test")
    cpu_s: float = Field(10.0, gt=0, description="CPU seconds per test")
    memory_mb: int = Field(1024, ge=64, description="address space of the student's process")
    processes: int = Field(32, ge=1, description="processes and threads the student may start")
    output_kb: int = Field(256, ge=1, description="printed output kept per test")
    disk_mb: int = Field(128, ge=1, description="size of each private folder (/tmp, the working "
                         "folder): files count against the sandbox, never the host's disk")
    files: int = Field(4096, ge=64, description="files and folders each private folder may hold")


class SecretSource(_Strict):
    env: str = "CONV_COURSE_SECRET"
    file: str | None = None


class SandboxSettings(_Strict):
    allow_unprotected: bool = False


class Grading(_Strict):
    trials: int = Field(6, ge=1, le=100)
    rtol: float = Field(1e-7, gt=0, lt=1)
    atol: float = Field(1e-9, ge=0)
    secret: SecretSource = SecretSource()
    limits: Limits = Limits()
    sandbox: SandboxSettings = SandboxSettings()


class NbgraderSettings(_Strict):
    db_url: str = "sqlite:///gradebook.db"
    timeout_s: int = Field(120, gt=0)


SECONDS_PER = {"hour": 3600.0, "day": 86400.0}


class LatePolicy(_Strict):
    """Points off a late submission: `points` (or `percent` of the assignment's points) for every
    hour or day started after the due date, never more than `cap` in total (in the same unit as
    the rate). nbgrader applies it in `nbgrader autograde` (nbgrader_plugin.CourseLatePenalties)."""

    per: Literal["hour", "day"]
    points: float | None = Field(None, gt=0, description="points off per hour/day started")
    percent: float | None = Field(None, gt=0, le=100, description="or: percent of the assignment's "
                                  "points off per hour/day started")
    cap: float | None = Field(None, gt=0, description="at most this much off in total (points, or "
                              "percent when the rate is a percent); none: up to the whole score")

    @model_validator(mode="after")
    def _one_rate(self) -> LatePolicy:
        if (self.points is None) == (self.percent is None):
            raise ValueError("give exactly one of `points` or `percent` (what one late "
                             f"{self.per} costs), e.g. {{per: {self.per}, points: 1, cap: 3}}")
        return self

    def periods_started(self, seconds_late: float) -> int:
        """Hours (or days) started since the due date: 1 second late is 1, 2.5 hours late is 3."""
        return math.ceil(seconds_late / SECONDS_PER[self.per]) if seconds_late > 0 else 0

    def penalty(self, seconds_late: float, max_score: float) -> float:
        """Points off for a submission `seconds_late` after the due date (0 when on time)."""
        def in_points(value: float) -> float:
            return value if self.points is not None else value / 100.0 * max_score

        rate = in_points(self.points if self.points is not None else float(self.percent or 0))
        off = self.periods_started(seconds_late) * rate
        if self.cap is not None:
            off = min(off, in_points(self.cap))
        return round(off, 6)


GradescopeVisibility = Literal["visible", "after_due_date", "after_published", "hidden"]


class GradescopeSettings(_Strict):
    """How the Gradescope bundle (autograder/gradescope.py) shows results to students."""

    visibility: GradescopeVisibility = Field(
        "visible", description="when students see each function's result and feedback: visible, "
        "after_due_date, after_published (grades published) or hidden (staff only)")
    allow_unprotected: bool | None = Field(
        None, description="grade without bubblewrap on Gradescope when its container refuses "
        "namespaces; none: grading.sandbox.allow_unprotected decides")


class Assignment(_Strict):
    id: str
    title: str
    notebook: str
    points: dict[str, float] = Field(default_factory=dict)  # left out: the registry's weight
    due: datetime | None = None  # with a timezone: 2026-12-01T23:59:00+01:00
    late_policy: LatePolicy | None = None  # left out: the course's late_policy
    gradescope: GradescopeSettings | None = None  # left out: the course's gradescope settings

    @field_validator("due", mode="before")
    @classmethod
    def _due_has_time_and_zone(cls, value):
        if isinstance(value, date) and not isinstance(value, datetime):
            raise ValueError(f"due {value} is a date without a time; write the moment it is due "
                             f"with its timezone, e.g. {value}T23:59:00+01:00")
        return value

    @field_validator("due")
    @classmethod
    def _due_is_aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError(f"due {value} has no timezone; add one, e.g. "
                             f"{value.isoformat()}+01:00 (or Z for UTC)")
        return value

    @field_validator("points")
    @classmethod
    def _points_positive(cls, points: dict[str, float]) -> dict[str, float]:
        for name, value in points.items():
            if value <= 0:
                raise ValueError(f"points for {name!r} must be > 0, got {value}")
        return points

    @model_validator(mode="before")
    @classmethod
    def _default_points(cls, data):
        """A graded function left out of `points` gets its registry entry's default weight."""
        if isinstance(data, dict) and data.get("id") in STUDENT_API:
            given = data.get("points") or {}
            if isinstance(given, dict):
                defaults = {name: REGISTRY[name].points for name in STUDENT_API[data["id"]]}
                data = {**data, "points": {**defaults, **given}}
        return data

    @model_validator(mode="after")
    def _matches_student_api(self) -> Assignment:
        if self.id not in STUDENT_API:
            raise ValueError(
                f"unknown assignment id {self.id!r}; this course kit has {', '.join(STUDENT_API)}"
            )
        expected = set(STUDENT_API[self.id])
        got = set(self.points)
        if got != expected:
            missing, extra = sorted(expected - got), sorted(got - expected)
            parts = []
            if missing:
                parts.append(f"missing points for {', '.join(missing)}")
            if extra:
                parts.append(f"no graded function called {', '.join(extra)}")
            raise ValueError(f"assignment {self.id}: " + "; ".join(parts))
        return self

    @property
    def functions(self) -> tuple[str, ...]:
        """Graded functions in notebook order."""
        return STUDENT_API[self.id]

    @property
    def max_score(self) -> float:
        return float(sum(self.points.values()))


class Course(_Strict):
    course_id: str
    title: str
    # The language of this course section: its released notebooks (assignments/ko/... for ko)
    # and every message of the grader a student reads. One section per language.
    language: Language = Field(SOURCE_LANGUAGE, description=f"one of {', '.join(LANGUAGES)}")
    grading: Grading = Grading()
    nbgrader: NbgraderSettings = NbgraderSettings()
    late_policy: LatePolicy | None = None  # for every assignment with a `due` (each may override)
    gradescope: GradescopeSettings = GradescopeSettings()
    assignments: list[Assignment]
    root: Path = Field(Path("."), exclude=True)

    @field_validator("assignments")
    @classmethod
    def _unique_ids(cls, assignments: list[Assignment]) -> list[Assignment]:
        ids = [a.id for a in assignments]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"assignment ids must be unique; repeated: {', '.join(dupes)}")
        return assignments

    def assignment(self, assignment_id: str) -> Assignment:
        """The assignment called `assignment_id`; CourseError naming it (and the known ones) if absent."""
        for a in self.assignments:
            if a.id == assignment_id:
                return a
        known = ", ".join(a.id for a in self.assignments)
        raise CourseError(f"unknown assignment {assignment_id!r}; course.yml has: {known}")

    def late_policy_for(self, assignment_id: str) -> LatePolicy | None:
        """The assignment's own late_policy, else the course's; None: late work loses nothing."""
        return self.assignment(assignment_id).late_policy or self.late_policy

    def gradescope_for(self, assignment_id: str) -> GradescopeSettings:
        """The assignment's gradescope settings, else the course's."""
        return self.assignment(assignment_id).gradescope or self.gradescope

    @property
    def source_directory(self) -> str:
        """nbgrader's source folder for this section: assignments/, or assignments/<language>/
        for a translated edition (notebooks/<language>/<id>/<id>.py builds to it)."""
        return "assignments" if self.language == SOURCE_LANGUAGE else f"assignments/{self.language}"

    def notebook_path(self, assignment_id: str, language: str | None = None) -> Path:
        """The source notebook of `language`'s edition (default: this section's, the one it
        releases): course.yml's `notebook` (the English one, assignments/<id>/<name>.ipynb), in
        the language's folder for a translated edition (assignments/ko/<id>/<name>.ipynb)."""
        english = Path(self.assignment(assignment_id).notebook)
        language = language or self.language
        if language == SOURCE_LANGUAGE:
            return self.root / english
        return self.root / english.parent.parent / language / english.parent.name / english.name

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    def secret(self) -> bytes | None:
        """The course secret that seeds each student's random tests, or None if none is set."""
        value = os.environ.get(self.grading.secret.env)
        if value:
            return value.encode()
        if self.grading.secret.file:
            path = Path(os.path.expanduser(self.grading.secret.file))
            if not path.is_absolute():
                path = self.root / path
            if path.is_file():
                text = path.read_text().strip()
                if text:
                    return text.encode()
        return None


def _format_validation_error(path: Path, error: ValidationError) -> str:
    lines = [f"{path}: {error.error_count()} problem(s) in the course file"]
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"  {where}: {item['msg']}")
    return "\n".join(lines)


def load_course(path: Path | str | None = None) -> Course:
    """Read and validate course.yml. `path` is the file or its folder; default: search upwards."""
    file = course_file_path(path)
    data = read_course_data(file)
    try:
        return Course.model_validate({**data, "root": file.resolve().parent})
    except ValidationError as exc:
        raise CourseError(_format_validation_error(file, exc)) from exc
