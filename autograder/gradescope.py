"""Gradescope: a bundle that grades one assignment with this autograder, and its run.

`python -m autograder gradescope ID` (cli.py) calls `build_bundle`, which writes the zip that
Gradescope's "Configure Autograder" page takes (https://gradescope-autograders.readthedocs.io/
en/latest/specs/):

    setup.sh          run once, as root, when Gradescope builds its image: apt (python3,
                      bubblewrap), a venv with requirements.txt, solutions/ and secret root-only
    run_autograder    run for every submission: `python -m autograder.gradescope` (below)
    requirements.txt  the grader's dependencies (what grading needs of the package's own)
    course.yml        the course file as it is
    autograder/       this package, imported from the bundle (not installed)
    solutions/ID.py   the reference of this one assignment (the grader needs it to judge)
    secret            the course secret, if one is set where the bundle is built

Gradescope unpacks the zip into /autograder/source, puts the student's files in
/autograder/submission/ and reads /autograder/results/results.json. The run grades exactly as
`python -m autograder grade` does: the student's code runs only in the sandboxed child, which
sees none of /autograder (bubblewrap shows the system and the Python install, nothing else), and
the comparison with the reference happens in this process. Cases are seeded by the course secret
and the student's Gradescope e-mail (submission_metadata.json), so a student gets the same cases
with every resubmission and other students get others.

results.json follows Gradescope's schema: `score` (the sum), `output` (what the student reads
about the whole submission), `tests` (one per graded function: `name`, `score`, `max_score`,
`status`, `output` = the grader's feedback, `visibility` from course.yml's `gradescope`). What the
student reads is said in the course's language (course.yml `language`); the run's stdout is the
instructor's log and stays English.
"""
from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

from .course import Course, CourseError, load_course
from .i18n import _, language
from .report import Report, format_points

BUNDLE_FILES = Path(__file__).resolve().parent / "gradescope_files"  # setup.sh, run_autograder
DISTRIBUTION = "conv-course-autograder"
# Needed by nbgrader's side of the package only: not installed on Gradescope.
NOT_NEEDED = {"nbgrader", "nbclient", "ipykernel", "nh3", "typer"}
DEFAULT_ROOT = "/autograder"
ROOT_ENV = "AUTOGRADER_ROOT"
SECRET_FILE = "secret"
NO_STUDENT = "gradescope-student"


# ---------------------------------------------------------------------------------------------
# building the bundle (on the instructor's machine)


def requirements() -> list[str]:
    """The package's own dependencies that grading needs (pip requirement lines)."""
    try:
        required = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError as error:
        raise CourseError(f"the {DISTRIBUTION} package is not installed, so its dependencies are "
                          "not known; run `make .venv/.installed` (or pip install -e .)") from error
    lines = []
    for line in required:
        if "extra ==" in line:
            continue
        name = line.split(";")[0].strip()
        bare = name.split("[")[0]
        for sign in "<>=!~ ":
            bare = bare.split(sign)[0]
        if bare.lower() not in NOT_NEEDED:
            lines.append(name)
    return lines


def _package_files() -> list[tuple[Path, str]]:
    """(file, name in the bundle) for this package, without caches."""
    package = Path(__file__).resolve().parent
    found = []
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            found.append((path, f"autograder/{path.relative_to(package).as_posix()}"))
    return found


def _script(name: str, assignment_id: str) -> bytes:
    return (BUNDLE_FILES / name).read_text().replace("@ASSIGNMENT@", assignment_id).encode()


def bundle_contents(course: Course, assignment_id: str) -> dict[str, tuple[bytes, int]]:
    """name in the zip -> (bytes, permissions) of everything the bundle holds."""
    from .reference import reference_path

    course.assignment(assignment_id)  # unknown ids are refused by name
    reference = reference_path(course, assignment_id)
    files: dict[str, tuple[bytes, int]] = {
        "setup.sh": (_script("setup.sh", assignment_id), 0o755),
        "run_autograder": (_script("run_autograder", assignment_id), 0o755),
        "requirements.txt": ("\n".join(requirements()).encode() + b"\n", 0o644),
        "course.yml": ((course.root / "course.yml").read_bytes(), 0o644),
        f"solutions/{reference.name}": (reference.read_bytes(), 0o600),
    }
    for path, name in _package_files():
        files[name] = (path.read_bytes(), 0o644)
    secret = course.secret()
    if secret is not None:
        files[SECRET_FILE] = (secret + b"\n", 0o600)
    return files


def build_bundle(course: Course, assignment_id: str, out: Path) -> tuple[Path, list[str]]:
    """Write the zip for one assignment; returns (its path, warnings for the instructor)."""
    files = bundle_contents(course, assignment_id)
    warnings = []
    if SECRET_FILE not in files:
        source = course.grading.secret
        where = f"${source.env}" + (f" or {source.file}" if source.file else "")
        warnings.append(f"no course secret is set ({where}), so the bundle has none: every "
                        "student gets the same random cases. Set it and build again.")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        folders = sorted({str(Path(name).parent) for name in files} - {"."})
        for folder in folders:
            info = zipfile.ZipInfo(folder + "/", date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFDIR | 0o755) << 16
            bundle.writestr(info, b"")
        for name in sorted(files):
            data, mode = files[name]
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, data)
    return out, warnings


# ---------------------------------------------------------------------------------------------
# the run (inside Gradescope's container, started by run_autograder)


def student_id(root: Path) -> tuple[str, str | None]:
    """(the id that seeds the cases, a warning or None): the first submitter's e-mail in
    submission_metadata.json, else their Gradescope user id. In a group, the first member's."""
    path = root / "submission_metadata.json"
    try:
        users = json.loads(path.read_text()).get("users") or []
        user = users[0]
        for key in ("email", "id"):
            if user.get(key) not in (None, ""):
                return str(user[key]), None
    except (OSError, ValueError, AttributeError, IndexError, TypeError) as error:
        return NO_STUDENT, f"{path}: no submitter found ({type(error).__name__}); cases seeded as {NO_STUDENT!r}"
    return NO_STUDENT, f"{path}: the first submitter has no email or id; cases seeded as {NO_STUDENT!r}"


def find_submission(folder: Path, assignment_id: str) -> tuple[Path | None, str]:
    """The file to grade in Gradescope's submission folder: <id>.ipynb, else <id>.py, else the only
    notebook or .py file. (None, why) when there is none or the choice is not clear."""
    from .engine import submissions_in

    files = submissions_in(folder) if folder.is_dir() else []
    notebook = f"{assignment_id}.ipynb"
    for name in (f"{assignment_id}.ipynb", f"{assignment_id}.py"):
        named = [f for f in files if f.name == name]
        if named:
            return min(named, key=lambda f: len(f.parts)), ""
    for suffix in (".ipynb", ".py"):
        of_kind = [f for f in files if f.suffix == suffix]
        if len(of_kind) == 1:
            return of_kind[0], ""
    if not files:
        return None, _("no notebook was found in your submission; upload {notebook} (the notebook "
                       "you worked in)", notebook=notebook)
    names = ", ".join(f.relative_to(folder).as_posix() for f in files[:10])
    return None, _("your submission holds several files ({files}) and none is called {notebook}; "
                   "upload that notebook alone", files=names, notebook=notebook)


def results_json(report: Report, course: Course, seconds: float, graded: str) -> dict[str, Any]:
    """Gradescope's results.json for one report; `graded` says which file was graded (words of
    the current language, as the header that shows it is)."""
    visibility = course.gradescope_for(report.assignment).visibility
    header = _("{assignment}: {score} / {points} points (course autograder, {graded})",
               assignment=report.assignment, score=format_points(report.score),
               points=format_points(report.max_score), graded=graded)
    output = "\n".join([header, *[_("Note: {note}", note=note) for note in report.notes]])
    results: dict[str, Any] = {
        "score": round(float(report.score), 6),
        "execution_time": round(seconds, 1),
        "output": output,
        "output_format": "text",
        "test_output_format": "text",
        "stdout_visibility": "hidden",  # the instructor's log: set-up warnings, the grader's path
        "tests": [
            {
                "name": test.function,
                "score": round(float(test.score), 6),
                "max_score": float(test.max_score),
                "status": "passed" if test.score >= test.max_score else "failed",
                "output": test.feedback,
                "visibility": visibility,
            }
            for test in report.tests
        ],
    }
    if visibility != "visible":
        # the total would give the hidden tests' scores away: it waits as long as they do
        results["visibility"] = visibility
    return results


def _use_bundle_secret(course: Course, source: Path) -> None:
    """The bundle's secret file, handed to the grader through the course's secret variable (only
    this process and its trusted helpers see it; the sandbox gets a clean environment)."""
    path = source / SECRET_FILE
    if path.is_file() and not os.environ.get(course.grading.secret.env):
        text = path.read_text().strip()
        if text:
            os.environ[course.grading.secret.env] = text


def _for_gradescope(course: Course) -> Course:
    """The course with gradescope.allow_unprotected (when set) as the sandbox setting."""
    allow = course.gradescope.allow_unprotected
    if allow is None:
        return course
    sandbox = course.grading.sandbox.model_copy(update={"allow_unprotected": allow})
    return course.model_copy(update={"grading": course.grading.model_copy(update={"sandbox": sandbox})})


def _say(text: str) -> None:
    """A line of Gradescope's stdout (the instructor's log), flushed at once."""
    print(text, flush=True)


def run(root: Path, assignment_id: str) -> int:
    """Grade the submission under `root` (Gradescope's /autograder) and write results.json.
    0 when results.json was written; 2 (and no results.json: Gradescope then tells the student
    the autograder failed) when grading could not run here, with the reason on stdout."""
    from .engine import grade_path, unreadable_report
    from .sandbox import SandboxError, SandboxUnavailable

    started = time.monotonic()
    source = root / "source"
    _say(f"grader: {Path(__file__).resolve().parent}")
    try:
        course = _for_gradescope(load_course(source))
        assignment = course.assignment(assignment_id)
    except CourseError as error:
        _say(f"error: {error}")
        return 2
    _use_bundle_secret(course, source)
    student, warning = student_id(root)
    _say(f"student: {student}")
    if warning:
        _say(f"warning: {warning}")
    try:
        with language(course.language):  # everything the student reads; the log below is English
            path, why = find_submission(root / "submission", assignment_id)
            if path is None:
                report = unreadable_report(assignment, student, root / "submission", why)
                graded = _("no file graded")
            else:
                report = grade_path(path, course, assignment_id, student)
                graded = _("graded {file}", file=path.relative_to(root / "submission").as_posix())
            results = results_json(report, course, time.monotonic() - started, graded)
    except (CourseError, SandboxUnavailable, SandboxError) as error:
        _say(f"error: the submission could not be graded here: {error}")
        if isinstance(error, SandboxUnavailable):
            _say("On Gradescope only: `gradescope: {allow_unprotected: true}` in course.yml, then "
                  "build the bundle again (docs/instructor.md, Gradescope).")
        return 2
    for message in report.warnings:
        _say(f"warning: {message}")
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    for test in results["tests"]:
        _say(f"{test['name']:<24} {format_points(test['score']):>6} / {format_points(test['max_score'])}")
    _say(f"{'total':<24} {format_points(results['score']):>6} / {format_points(report.max_score)}"
          f"  -> {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.gradescope",
        description="Grade a Gradescope submission (run by the bundle's run_autograder).")
    parser.add_argument("--assignment", required=True, help="assignment id from course.yml")
    parser.add_argument("--root", default=os.environ.get(ROOT_ENV, DEFAULT_ROOT),
                        help=f"Gradescope's folder (default ${ROOT_ENV} or {DEFAULT_ROOT})")
    args = parser.parse_args(argv)
    return run(Path(args.root).resolve(), args.assignment)


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["build_bundle", "bundle_contents", "find_submission", "results_json", "run", "student_id"]
