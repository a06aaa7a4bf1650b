"""The command line: `python -m autograder grade ...`, `... autograde ID` (nbgrader autograde on
Dask, autograder.parallel) and `python -m autograder demo`.

Exit codes: 0 whenever grading itself worked, whatever the score; 2 for a usage error or a course
set-up the grader cannot use (bad course.yml, unknown assignment, no sandbox), with a message.
"""
from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from .course import CourseError, load_course

SETUP_ERROR = 2

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Grade convolution-course submissions with seeded random tests, outside the student's process.",
)
console = Console()
errors = Console(stderr=True)


def _fail(message: str) -> NoReturn:
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(SETUP_ERROR)


@app.command()
def grade(
    path: Path | None = typer.Argument(
        None, help="A submitted .ipynb or .py, or a folder of them (each graded on its own)."
    ),
    assignment: str | None = typer.Option(
        None, "--assignment", "-a", help="Assignment id from course.yml, e.g. a2_correlation."
    ),
    student: str | None = typer.Option(
        None, "--student", "-s", help="Student id (seeds the random cases). Default: from the file or folder name."
    ),
    json_file: Path | None = typer.Option(None, "--json", help="Also write the report(s) as JSON here."),
    reference: bool = typer.Option(
        False, "--reference", help="Grade the hidden reference solution in solutions/ (must score 100 %)."
    ),
    course_file: Path | None = typer.Option(
        None, "--course", help="course.yml to use (default: the nearest one above the current folder)."
    ),
) -> None:
    """Grade a submission, a folder of submissions, or (--reference) the reference solution."""
    # The grading modules are imported only once the first sandbox child is starting: its start
    # (bubblewrap, Python, numpy, matplotlib) then overlaps with those imports (sandbox.warm_children).
    from .reference import reference_path
    from .sandbox import SandboxUnavailable

    try:
        course = load_course(course_file)
        warm = functools.partial(_warm, course)
        if reference:
            if path is not None:
                _fail("give either PATH or --reference, not both")
            ids = [assignment] if assignment else [a.id for a in course.assignments]
            for assignment_id in ids:
                course.assignment(assignment_id)
            with warm([reference_path(course, assignment_id) for assignment_id in ids]):
                from .engine import grade_reference

                reports = [grade_reference(course, assignment_id) for assignment_id in ids]
        else:
            if path is None:
                _fail("missing PATH: give a submitted .ipynb/.py file or a folder (or use --reference)")
            if assignment is None:
                _fail("missing --assignment ID (one of: " + ", ".join(a.id for a in course.assignments) + ")")
            course.assignment(assignment)
            if not path.exists():
                _fail(f"{path}: no such file or folder")
            reports = _grade_many(path, course, assignment, student, warm)
    except (CourseError, SandboxUnavailable) as error:
        _fail(str(error))

    from .report import render_report, render_summary, write_json

    for report in reports:
        render_report(report, console)
    if len(reports) > 1:
        render_summary(reports, console)
    if json_file is not None:
        write_json(reports, json_file)
        console.print(f"JSON report written to {json_file}")


def _warm(course, paths: list[Path]):
    """sandbox.warm_children for these submissions: one child started ahead per submission,
    importing what their texts import of the notebooks' usual modules."""
    from .sandbox import imports_worth_starting, warm_children

    texts = []
    for path in paths:
        try:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            pass  # grading it will say what is wrong
    return warm_children(course.grading.limits, len(paths), preimport=imports_worth_starting(texts),
                         allow_unprotected=course.grading.sandbox.allow_unprotected)


def _grade_many(path: Path, course, assignment: str, student: str | None,
                warm=lambda paths: contextlib.nullcontext()):
    if path.is_file():
        with warm([path]):
            from .engine import grade_path

            return [grade_path(path, course, assignment, student)]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .engine import submissions_in

    files = submissions_in(path)
    if not files:
        _fail(f"{path}: no .ipynb or .py submissions found in this folder")
    if student and len(files) > 1:
        _fail("--student names one student; a folder holds several submissions")
    reports = []
    with warm(files), Progress(
        TextColumn("grading {task.fields[current]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as progress:
        task = progress.add_task("grade", total=len(files), current="")
        for file in files:
            progress.update(task, current=file.name)
            reports.append(_grade_one(file, course, assignment, student))
            progress.advance(task)
    return reports


def _grade_one(file: Path, course, assignment: str, student: str | None):
    """One submission of a batch. An unreadable file is already a 0 report (grade_path); anything
    else that goes wrong with this one file (the sandbox failing to start for it, a bug of ours)
    becomes a 0 report naming the problem and a line on stderr: one submission never stops the
    batch. A course set-up that cannot work at all (SandboxUnavailable, CourseError) still does."""
    from .engine import grade_path, student_name_for, unreadable_report
    from .sandbox import SandboxUnavailable

    try:
        return grade_path(file, course, assignment, student)
    except (CourseError, SandboxUnavailable):
        raise
    except Exception as error:  # noqa: BLE001 - reported, then the batch goes on
        name = student or student_name_for(file, assignment)
        reason = (f"the grader failed on this submission ({type(error).__name__}: {error}); "
                  "ask your instructor to regrade it")
        errors.print(f"[red]error[/red] {escape(str(file))}: {escape(f'{type(error).__name__}: {error}')}",
                     highlight=False)
        return unreadable_report(course.assignment(assignment), name, file, reason)


@app.command()
def gradescope(
    assignment: str = typer.Argument(..., help="Assignment id from course.yml, e.g. a2_correlation."),
    out: Path | None = typer.Option(
        None, "--out", "-o",
        help="Where to write the zip (default: dist/gradescope/<ID>.zip beside course.yml, git-ignored).",
    ),
    course_file: Path | None = typer.Option(
        None, "--course", help="course.yml to use (default: the nearest one above the current folder)."
    ),
) -> None:
    """Write the Gradescope autograder bundle (a zip to upload) that grades one assignment."""
    from .gradescope import build_bundle

    try:
        course = load_course(course_file)
        course.assignment(assignment)
        target = out if out is not None else course.root / "dist" / "gradescope" / f"{assignment}.zip"
        written, warnings = build_bundle(course, assignment, target)
    except CourseError as error:
        _fail(str(error))
    for warning in warnings:
        errors.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    console.print(f"Gradescope bundle for {assignment} written to {escape(str(written))}. Upload it on "
                  "the assignment's Configure Autograder page (docs/instructor.md, Gradescope); it "
                  "holds the reference solution and the course secret: keep it private.", highlight=False)


@app.command()
def report(
    assignment: str | None = typer.Argument(
        None, help="Assignment id from course.yml (default: every assignment in the gradebook)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o",
        help="The HTML file to write (default: class_report.html, or class_report_<ID>.html, beside "
             "course.yml); the CSV of the mistakes table goes beside it.",
    ),
    course_file: Path | None = typer.Option(
        None, "--course", help="course.yml to use (default: the nearest one above the current folder)."
    ),
) -> None:
    """Write the class report: ranked mistakes, score histograms, unattempted functions, problems."""
    from .class_report import write_class_report

    try:
        course = load_course(course_file)
        html_path, csv_path, summary = write_class_report(course, assignment, output)
    except CourseError as error:
        _fail(str(error))
    for rank, m in enumerate(summary.mistakes[:5], start=1):
        console.print(f"{rank}. {m.count} student(s)  {escape(m.assignment)} {escape(m.function)}: "
                      f"{escape(m.title)}  ({escape(', '.join(m.students))})", highlight=False)
    console.print(f"Class report: {html_path}", highlight=False)
    console.print(f"Mistakes as CSV: {csv_path}", highlight=False)


@app.command()
def autograde(
    assignment: str = typer.Argument(..., help="Assignment id from course.yml, e.g. a2_correlation."),
    workers: int | None = typer.Option(
        None, "--workers", "-n", min=1, help="Submissions graded at a time on the local Dask cluster (default: cores)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Use the Dask cluster at this address (tcp://HOST:PORT) instead of a local one."
    ),
    force: bool = typer.Option(False, "--force", help="Grade again submissions that are already autograded."),
    chunk: int | None = typer.Option(
        None, "--chunk-size", min=1,
        help="Submissions per nbgrader run on a worker (default: about two runs per worker thread, at most 8).",
    ),
    course_file: Path | None = typer.Option(
        None, "--course", help="course.yml to use (default: the nearest one above the current folder)."
    ),
) -> None:
    """`nbgrader autograde ASSIGNMENT`, in parallel on Dask: the same rows, files and sandbox."""
    from .parallel import autograde as run_autograde

    if workers is not None and scheduler:
        _fail("--workers sizes the local cluster; with --scheduler the cluster's own workers grade")
    try:
        code = run_autograde(load_course(course_file), assignment, scheduler=scheduler, workers=workers,
                             force=force, chunk=chunk, console=console, errors=errors)
    except CourseError as error:
        _fail(str(error))
    except OSError as error:  # the scheduler cannot be reached
        _fail(f"cannot use the Dask scheduler {scheduler}: {error}")
    raise typer.Exit(code)


@app.command()
def demo(
    language: str = typer.Option("en", "--language", "-l",
                                 help="the edition to release and grade: en, or ko (Korean)"),
) -> None:
    """Release all assignments, grade a sample class with real nbgrader, print the score table."""
    from .demo import run_demo
    from .i18n import LANGUAGES

    if language not in LANGUAGES:
        _fail(f"--language {language}: this course kit has the editions {', '.join(LANGUAGES)}")
    raise typer.Exit(run_demo(language=language))


def main() -> None:
    app()
