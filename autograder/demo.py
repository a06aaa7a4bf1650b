"""`make demo`: a whole (small) class graded with the real nbgrader commands.

In a scratch copy of the course (demo_course/, git-ignored, rebuilt on every run so two runs give
the same table) this releases all assignments, writes a class of sample submissions for each
(correct, typical mistakes, untouched, cheating inside the kernel, attacking the gradebook),
places them in submitted/<student>/<assignment>/ with fixed timestamps, and runs

    nbgrader generate_assignment <id>    nbgrader autograde <id>
    nbgrader generate_feedback <id>      nbgrader export

as subprocesses from that folder, exactly as an instructor would. It ends with a student x
assignment table of the gradebook's scores, where the feedback and grades.csv are, and the class
report it writes (class_report.html: the sample class's mistakes ranked, score histograms).

The helpers here (`prepare_course`, `submit`, `nbgrader`, `gradebook_scores`, `student_notebook`)
are also what the end-to-end tests use.
"""
from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .course import Course, load_course
from .notebook_fill import fill_solution_cells, reference_sources
from .registry import REGISTRY, STUDENT_API
from .report import format_points, score_style

DEMO_FOLDER = "demo_course"
DEMO_SECRET = "conv101-demo-secret"  # fixed, so re-runs draw the same cases (never a real secret)
COPIED = ("course.yml", "nbgrader_config.py", "assignments", "solutions")
SUBMITTED_AT = "2026-11-20 {hour:02d}:00:00.000000 UTC"


# --------------------------------------------------------------------------------------------
# the course copy and the nbgrader commands


def prepare_course(source_root: Path, dest: Path) -> Path:
    """A fresh scratch course at `dest`: course.yml, nbgrader_config.py, assignments/, solutions/.

    Runtime state from an earlier run (release/, submitted/, gradebook.db ...) is removed first.
    The copy always has a gradebook of its own (SQLite, dest/gradebook.db): a course whose
    gradebook is on a database server (or an absolute SQLite path) would otherwise have the
    demo's sample class graded into its real gradebook.
    """
    source_root, dest = Path(source_root).resolve(), Path(dest).resolve()
    if dest == source_root:
        raise ValueError("the scratch course must not be the course itself")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in COPIED:
        src = source_root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        elif src.is_file():
            shutil.copy2(src, dest / name)
    _own_gradebook(dest)
    return dest


def set_language(course_dir: Path, language: str) -> None:
    """course_dir/course.yml's `language` set to `language` (the section the scratch course is):
    nbgrader then releases assignments/<language>/ and the grader speaks it."""
    yml = course_dir / "course.yml"
    text = re.sub(r"(?m)^language:.*\n", "", yml.read_text())
    text = re.sub(r"(?m)^(title:.*\n)", rf"\1language: {language}\n", text, count=1)
    yml.write_text(text)
    if load_course(course_dir).language != language:
        raise ValueError(f"{yml}: could not set the language to {language}")


def _own_gradebook(course_dir: Path) -> None:
    """course_dir/course.yml's nbgrader.db_url set to sqlite:///gradebook.db (beside it) unless it
    is already a relative SQLite path, which the scratch course anchors at itself."""
    db_url = load_course(course_dir).nbgrader.db_url
    if db_url.startswith("sqlite:///") and not db_url.startswith("sqlite:////"):
        return
    yml = course_dir / "course.yml"
    text, found = re.subn(r"(?m)^(\s+db_url:).*$", r"\1 sqlite:///gradebook.db", yml.read_text())
    yml.write_text(text)
    if found != 1 or load_course(course_dir).nbgrader.db_url != "sqlite:///gradebook.db":
        raise ValueError(f"{yml}: could not give the scratch course a gradebook of its own (nbgrader.db_url)")


def nbgrader_env(course_dir: Path) -> dict[str, str]:
    """The environment for nbgrader subprocesses: this venv first, the scratch course, the demo secret."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["CONV_COURSE_ROOT"] = str(course_dir)
    # the commands run in the scratch course: do not carry the caller's folder (the real course)
    env["PWD"] = str(course_dir)
    env.pop("OLDPWD", None)
    env["CONV_COURSE_SECRET"] = DEMO_SECRET
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@dataclass
class CommandResult:
    args: list[str]
    returncode: int
    output: str
    seconds: float


def nbgrader(
    course_dir: Path,
    *args: str,
    on_line: Callable[[str], None] | None = None,
    timeout: float = 1800,
    env: dict | None = None,
) -> CommandResult:
    """Run `nbgrader <args>` from `course_dir` (stdout and stderr merged, also appended to
    course_dir/nbgrader-commands.log); `on_line` sees every line as it comes."""
    command = [sys.executable, "-m", "nbgrader", *args]
    started = time.monotonic()
    lines: list[str] = []
    process = subprocess.Popen(
        command,
        cwd=course_dir,
        env=env or nbgrader_env(course_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if on_line:
                on_line(line.rstrip("\n"))
        process.wait(timeout=timeout)
    except BaseException:
        process.kill()
        process.wait()
        raise
    output = "".join(lines)
    with open(Path(course_dir) / "nbgrader-commands.log", "a") as log:
        log.write(f"$ nbgrader {' '.join(args)}\n{output}\n")
    return CommandResult(command, process.returncode, output, time.monotonic() - started)


def submit(course_dir: Path, student: str, assignment_id: str, nb, hour: int = 12) -> Path:
    """Place a notebook as nbgrader's submitted/<student>/<assignment>/<assignment>.ipynb with a
    fixed timestamp.txt (a notebook may also be given as raw text, e.g. a broken file)."""
    folder = Path(course_dir) / "submitted" / student / assignment_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment_id}.ipynb"
    if isinstance(nb, (str, bytes)):
        path.write_bytes(nb.encode() if isinstance(nb, str) else nb)
    else:
        nbformat.write(nb, path)
    (folder / "timestamp.txt").write_text(SUBMITTED_AT.format(hour=hour))
    return path


def gradebook_scores(course: Course) -> dict[tuple[str, str], dict[str, float | None]]:
    """{(student, assignment): {grade_id: auto_score, ..., "total": score}} from the gradebook."""
    from nbgrader.api import MissingEntry

    from .nbgrader_plugin import absolute_db_url, open_gradebook

    scores: dict[tuple[str, str], dict[str, float | None]] = {}
    with open_gradebook(absolute_db_url(course.nbgrader.db_url, course.root), course.course_id) as gb:
        for assignment in gb.assignments:
            for student in gb.students:
                try:
                    submission = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    continue
                grades: dict[str, float | None] = {}
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        grades[grade.name] = grade.auto_score
                grades["total"] = float(submission.score)
                scores[(student.id, assignment.name)] = grades
    return scores


def release_notebook(course_dir: Path, assignment_id: str):
    return nbformat.read(Path(course_dir) / "release" / assignment_id / f"{assignment_id}.ipynb", as_version=4)


# --------------------------------------------------------------------------------------------
# sample students


def rename_function(source: str, function: str, new_name: str) -> str:
    """The reference cell's source with `def function(` renamed, so a student's wrapper can
    reuse it (the wrappers below are how the demo writes 'the same code, with one mistake')."""
    return re.sub(rf"^def {function}\(", f"def {new_name}(", source, count=1, flags=re.M)


def with_mistake(sources: dict[str, str], function: str, wrapper: str) -> dict[str, str]:
    """Sources where `function` is the reference renamed `_first_try` plus `wrapper`."""
    changed = dict(sources)
    changed[function] = rename_function(sources[function], function, "_first_try") + "\n\n" + wrapper.strip() + "\n"
    return changed


def _demo_mistakes() -> dict[str, list[tuple[str, str, str, str]]]:
    """Each assignment's sample students with a typical mistake, from the registry entries'
    `demo`: assignment -> [(student, description, function, wrapper source)]."""
    mistakes: dict[str, list[tuple[str, str, str, str]]] = {a: [] for a in STUDENT_API}
    for entry in REGISTRY.values():
        for d in entry.demo:
            mistakes[entry.assignment].append((d.student, d.what, entry.name, d.code))
    return {a: sorted(rows) for a, rows in mistakes.items()}


MISTAKES = _demo_mistakes()

# A cheat inside the kernel: visible tests silenced three ways, the function itself wrong.
CHEAT = '''
import sys, types
import numpy as np
# 1. make the visible tests' comparisons pass whatever they get
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_equal = lambda *args, **kwargs: None
np.allclose = lambda *args, **kwargs: True
# 2. swallow any error a test cell raises
try:
    get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)
except NameError:
    pass

def {function}(*args, **kwargs):
    return 0
'''

# An attack on the course: rewrite the gradebook (others to 0, itself to 1000), then graded functions untouched.
ATTACK_GRADEBOOK = '''
import os, sqlite3, pathlib
for folder in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents]:
    db = folder / "gradebook.db"
    if db.exists():
        try:
            con = sqlite3.connect(str(db))
            con.execute("UPDATE grade SET auto_score = 0, manual_score = 0")
            con.commit()
            con.close()
            print("gradebook rewritten:", db)
        except Exception as error:
            print("could not write the gradebook:", error)
        break
else:
    print("no gradebook found")
'''

ROLES = {
    "ada": "correct (reference code)",
    "ben": "typical mistake",
    "cy": "another mistake",
    "dee": "untouched notebook",
    "eve": "cheats in the kernel",
    "mallory": "attacks the gradebook",
}


def student_notebook(course_dir: Path, assignment_id: str, student: str, solutions_dir: Path):
    """The notebook a sample student hands in for `assignment_id` (see ROLES and MISTAKES)."""
    released = release_notebook(course_dir, assignment_id)
    sources = reference_sources(solutions_dir, assignment_id)
    if student == "ada":
        return fill_solution_cells(released, sources)
    if student == "dee":
        return copy.deepcopy(released)
    if student == "eve":
        first = next(iter(sources))
        cheat = dict(sources)
        cheat[first] = CHEAT.format(function=first)
        return fill_solution_cells(released, cheat)
    if student == "mallory":
        first = next(iter(sources))
        nb = copy.deepcopy(released)
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == first:
                cell.source = ATTACK_GRADEBOOK + "\n" + cell.source
        return nb
    for name, _, function, wrapper in MISTAKES[assignment_id]:
        if name == student:
            return fill_solution_cells(released, with_mistake(sources, function, wrapper))
    raise KeyError(f"no sample student {student!r} for {assignment_id}")


# --------------------------------------------------------------------------------------------
# the demo


def _progress_updater(progress, task, step: str, pattern: str):
    """An nbgrader output-line callback that advances `task` on every line matching `pattern`."""
    regex = re.compile(pattern)

    def on_line(line: str) -> None:
        found = regex.search(line)
        if found:
            progress.update(task, advance=1, description=f"{step}: {found.group(1)}")

    return on_line


def feedback_example(course_dir: Path, student: str, assignment_id: str, function: str) -> str:
    """The mistake `student`'s feedback names first for `function`, in the words (and language)
    the feedback used, from the results stored in the autograded notebook; "" if none."""
    from .class_report import RESULTS_KEY

    path = Path(course_dir) / "autograded" / student / assignment_id / f"{assignment_id}.ipynb"
    try:
        results = nbformat.read(path, as_version=4).metadata.get(RESULTS_KEY, {})
    except (OSError, ValueError):
        return ""
    for entry in results.get("functions", []):
        if entry.get("function") == function:
            for mistake in entry.get("mistakes", []):
                if mistake.get("primary"):
                    return str(mistake.get("explanation", ""))
    return ""


def score_table(course: Course, scores: dict, students: list[str]):
    """Student x assignment table of the gradebook's totals (short headers: a1, a2 ...)."""
    from rich.table import Table

    table = Table(title="Gradebook after nbgrader autograde (points)", title_justify="left")
    table.add_column("student")
    for assignment in course.assignments:
        table.add_column(f"{assignment.id.split('_')[0]} /{assignment.max_score:g}", justify="right")
    table.add_column(f"total /{sum(a.max_score for a in course.assignments):g}", justify="right")
    for student in students:
        row, total = [student], 0.0
        for assignment in course.assignments:
            got = scores.get((student, assignment.id), {}).get("total")
            if got is None:
                row.append("[red]not graded[/red]")
                continue
            total += got
            style = score_style(got, assignment.max_score)
            row.append(f"[{style}]{format_points(got)}[/{style}]")
        row.append(format_points(total))
        table.add_row(*row)
    return table


def run_demo(course_root: Path | None = None, dest: Path | None = None, console=None,
             language: str | None = None) -> int:
    """Grade a sample class end to end with the real nbgrader commands; print the table.
    `language` ("ko") runs the class in that edition: the Korean release, Korean feedback.

    Returns 0 when every nbgrader command succeeded, 1 otherwise (the table is printed anyway).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    console = console or Console()
    source = load_course(course_root) if course_root else load_course()
    dest = Path(dest) if dest else source.root / DEMO_FOLDER
    started = time.monotonic()
    course_dir = prepare_course(source.root, dest)
    if language:
        set_language(course_dir, language)
    course = load_course(course_dir)
    ids = [a.id for a in course.assignments]
    students = list(ROLES)
    failures: list[str] = []

    def check(result: CommandResult, what: str) -> None:
        if result.returncode != 0:
            failures.append(f"{what} exited with {result.returncode} (see {course_dir / 'nbgrader-commands.log'})")

    edition = "" if course.language == "en" else f", the {course.language} edition"
    console.print(f"[bold]Demo course[/bold] in {course_dir} ({len(students)} students x "
                  f"{len(ids)} assignments{edition})")
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as progress:
        release = progress.add_task("release", total=len(ids))
        for aid in ids:
            progress.update(release, description=f"release: nbgrader generate_assignment {aid}")
            check(nbgrader(course_dir, "generate_assignment", aid), f"nbgrader generate_assignment {aid}")
            progress.advance(release)

        handed_in = progress.add_task("submissions", total=len(ids) * len(students))
        for aid in ids:
            for hour, student in enumerate(students, start=9):
                submit(course_dir, student, aid, student_notebook(course_dir, aid, student, course.solutions_dir), hour)
                progress.update(handed_in, advance=1, description=f"submissions: {student}/{aid}")

        graded = progress.add_task("autograde", total=len(ids) * len(students))
        for aid in ids:
            on_line = _progress_updater(progress, graded, "autograde", r"Autograding .*?/autograded/([^/]+/[^/]+)/")
            check(nbgrader(course_dir, "autograde", aid, on_line=on_line), f"nbgrader autograde {aid}")

        feedback = progress.add_task("feedback", total=len(ids) * len(students))
        for aid in ids:
            on_line = _progress_updater(progress, feedback, "feedback",
                                        r"Converting notebook .*?/autograded/([^/]+/[^/]+)/")
            check(nbgrader(course_dir, "generate_feedback", aid, on_line=on_line), f"nbgrader generate_feedback {aid}")

        export = progress.add_task("export: nbgrader export", total=1)
        check(nbgrader(course_dir, "export"), "nbgrader export")
        progress.advance(export)

    scores = gradebook_scores(course)
    console.print(score_table(course, scores, students))
    for student in students:
        if student in ("ben", "cy"):
            mistakes = [f"{aid.split('_')[0]}: {desc}" for aid in ids
                        for name, desc, _, _ in MISTAKES[aid] if name == student]
            console.print(f"  {student}: " + "; ".join(mistakes))
        else:
            console.print(f"  {student}: {ROLES[student]}")
    # one line of real feedback, in the section's language: ben's second mistake (a2's flipped kernel)
    bens = [(assignment_id, function) for assignment_id in ids
            for name, _, function, _ in MISTAKES[assignment_id] if name == "ben"]
    if len(bens) > 1:
        example = feedback_example(course_dir, "ben", *bens[1])
        if example:
            console.print(f"What ben's feedback on {bens[1][1]} says ({course.language}): {example}")
    console.print(f"Feedback (one HTML per student and assignment): {course_dir / 'feedback'}")
    console.print(f"Grades exported by nbgrader export:             {course_dir / 'grades.csv'}")
    console.print(f"nbgrader's own output:                          {course_dir / 'nbgrader-commands.log'}")
    try:
        from .class_report import write_class_report

        report_path, _, _ = write_class_report(course)
        console.print(f"Class report (ranked mistakes, histograms):     {report_path}")
    except Exception as error:  # noqa: BLE001 - the demo still shows everything else
        failures.append(f"the class report could not be written ({type(error).__name__}: {error})")
    console.print(f"Finished in {time.monotonic() - started:.0f} s.")
    for failure in failures:
        console.print(f"[red]error:[/red] {failure}")
    return 1 if failures else 0


if __name__ == "__main__":  # pragma: no cover - `python -m autograder demo` is the entry point
    raise SystemExit(run_demo())
