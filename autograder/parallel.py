"""`python -m autograder autograde ID`: `nbgrader autograde ID` spread over a Dask cluster.

nbgrader grades one submission after another (its issue #174). Here this process is the
coordinator, and Dask workers do the grading:

1. Plan, the way `nbgrader autograde` decides: every submitted/<student>/<ID>/ holding a notebook
   is graded unless autograded/<student>/<ID>/ exists and its timestamp.txt is not older than the
   submission's (`--force` grades them all again).
2. Chunk the students (chunk_size: about two chunks per worker thread, so every worker gets
   work and a slow chunk does not leave the others idle at the end) and send one task of plain
   data per chunk (autograder.parallel_worker): the course files a worker needs, the chunk's
   submitted folders, the assignment as the course's gradebook holds it (a small SQLite
   gradebook), and the course secret. The worker runs the real `nbgrader autograde ID` once for
   the whole chunk in a scratch copy, sandboxed by the course's own nbgrader_config.py, and
   returns each student's rows and autograded files, as data. (One nbgrader run per submission
   spent more time starting nbgrader than grading: on a 2-core machine that made the parallel
   run 3x slower than plain `nbgrader autograde`.) A chunk whose nbgrader run failed as a whole
   comes back with its students marked `alone`; each is then graded in a task of their own.
3. As each chunk comes back, the coordinator (only it) writes, student by student, the rows into
   the course's gradebook (SaveAutoGrades' rules, against the gradebook's own manual scores) and
   then moves the autograded folder into place in one rename. A folder in autograded/ therefore
   always has its rows in the gradebook: after an interruption, a rerun grades exactly what is
   left.

A worker that dies takes nothing with it: the scheduler gives its chunks to another worker (and
`retries` reruns a task that raised). Scores do not depend on the worker: cases are seeded by the
course secret, the student and the assignment, and every worker must run the same autograder and
nbgrader (the task carries a fingerprint; a worker with other code refuses).

Without `--scheduler`, a Dask LocalCluster in this process runs N tasks at a time (default: the
number of cores); each task is one `nbgrader autograde` subprocess for its chunk.
"""
from __future__ import annotations

import math
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from .course import Course, CourseError
from .parallel_worker import fingerprint, grade_task, pack

MAX_CHUNK = 8  # students per nbgrader run at most: start-up (~5-10 s) is then a small share, and
# a worker that dies, or a chunk that fails and is graded again one by one, costs little
TASK_RETRIES = 2  # a task that raised runs again (a worker that died is not counted here: Dask
# reschedules its tasks by itself, up to distributed.scheduler.allowed-failures times)


# --------------------------------------------------------------------------------------------
# what to grade


def submitted_students(course: Course, assignment_id: str) -> list[str]:
    """Students with a notebook in submitted/<student>/<assignment>/ (nbgrader's own glob)."""
    folder = course.root / "submitted"
    return sorted(p.parent.name for p in folder.glob(f"*/{assignment_id}")
                  if p.is_dir() and any(p.glob("*.ipynb")))


def _timestamp(folder: Path) -> datetime | None:
    from nbgrader.utils import parse_utc

    path = folder / "timestamp.txt"
    try:
        text = path.read_text().strip()
        return parse_utc(text) if text else None
    except (OSError, ValueError):
        return None


def needs_grading(course: Course, student: str, assignment_id: str, force: bool = False) -> bool:
    """nbgrader's rule (BaseConverter.init_destination): no autograded folder yet, --force, or a
    submission newer than the autograded copy."""
    dest = course.root / "autograded" / student / assignment_id
    if not dest.exists() or force:
        return True
    new, old = _timestamp(course.root / "submitted" / student / assignment_id), _timestamp(dest)
    return new is not None and old is not None and new > old


# --------------------------------------------------------------------------------------------
# the task: everything a worker needs, as data


def db_url(course: Course) -> str:
    from .nbgrader_plugin import absolute_db_url

    return absolute_db_url(course.nbgrader.db_url, course.root)


def assignment_definition(course: Course, assignment_id: str) -> dict[str, Any]:
    """The assignment as the course's gradebook holds it (`nbgrader generate_assignment` put it
    there): due date, notebooks, and their grade, solution, task and source cells."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url(course), course.course_id) as gb:
        try:
            assignment = gb.find_assignment(assignment_id)
        except MissingEntry:
            raise CourseError(f"assignment {assignment_id} is not in the gradebook yet; run "
                              f"`nbgrader generate_assignment {assignment_id}` first") from None
        notebooks = []
        for notebook in assignment.notebooks:
            notebooks.append({
                "name": notebook.name,
                "grade_cells": [{"name": c.name, "max_score": c.max_score, "cell_type": c.cell_type}
                                for c in notebook.grade_cells],
                "solution_cells": [{"name": c.name} for c in notebook.solution_cells],
                "task_cells": [{"name": c.name, "max_score": c.max_score, "cell_type": c.cell_type}
                               for c in notebook.task_cells],
                "source_cells": [{"name": c.name, "cell_type": c.cell_type, "locked": c.locked,
                                  "source": c.source, "checksum": c.checksum}
                                 for c in notebook.source_cells],
            })
        if not notebooks:
            raise CourseError(f"assignment {assignment_id} has no notebook in the gradebook; run "
                              f"`nbgrader generate_assignment {assignment_id} --force`")
        duedate = assignment.duedate
        return {"name": assignment.name, "duedate": duedate.isoformat() if duedate else None,
                "notebooks": notebooks}


def alembic_head() -> str:
    """nbgrader's gradebook schema version (`alembic heads` on nbgrader's migrations)."""
    import nbgrader
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(Path(nbgrader.__file__).parent / "alembic")).get_current_head()
    if not head:
        raise CourseError("nbgrader's gradebook migrations have no head revision")
    return head


def build_gradebook(db_url: str, course_id: str, definition: dict[str, Any]) -> None:
    """A gradebook at `db_url` holding only this assignment (assignment_definition), cell for cell
    as the course's holds it, and no student: what a worker's `nbgrader autograde` starts from."""
    from unittest import mock

    import nbgrader.api
    from nbgrader.api import Gradebook

    duedate = definition.get("duedate")
    # a new gradebook is stamped with nbgrader's schema version, which nbgrader finds by running
    # the `alembic` command (several seconds); the same answer, read in this process
    with mock.patch.object(nbgrader.api, "get_alembic_version", alembic_head), Gradebook(db_url, course_id) as gb:
        gb.update_or_create_assignment(
            definition["name"], duedate=datetime.fromisoformat(duedate) if duedate else None)
        assignment = definition["name"]
        for notebook in definition["notebooks"]:
            name = notebook["name"]
            gb.update_or_create_notebook(name, assignment)
            for cell in notebook["grade_cells"]:
                gb.update_or_create_grade_cell(cell["name"], name, assignment, max_score=cell["max_score"],
                                               cell_type=cell["cell_type"])
            for cell in notebook["solution_cells"]:
                gb.update_or_create_solution_cell(cell["name"], name, assignment)
            for cell in notebook["task_cells"]:
                gb.update_or_create_task_cell(cell["name"], name, assignment, max_score=cell["max_score"],
                                              cell_type=cell["cell_type"])
            for cell in notebook["source_cells"]:
                gb.update_or_create_source_cell(cell["name"], name, assignment, cell_type=cell["cell_type"],
                                                locked=cell["locked"], source=cell["source"],
                                                checksum=cell["checksum"])


def worker_course_yml(course: Course) -> bytes:
    """course.yml as a worker uses it: the gradebook is the scratch folder's own SQLite file (never
    the course's), and the secret comes only from the task (no file of the worker's is read)."""
    data = yaml.safe_load((course.root / "course.yml").read_text())
    data.setdefault("nbgrader", {})["db_url"] = "sqlite:///gradebook.db"
    secret = data.setdefault("grading", {}).setdefault("secret", {})
    secret["file"] = None
    return yaml.safe_dump(data, sort_keys=False).encode()


def course_payload(course: Course, assignment_id: str) -> bytes:
    """The course files a worker needs, packed: course.yml (worker_course_yml), nbgrader_config.py,
    assignments/<id>/ (assignments/<language>/<id>/ for a translated section: nbgrader copies its
    other files into autograded/, the plugin reads the notebook), release/<id>/ (graded in place of
    an unreadable submission), solutions/ (the reference the trusted grades are computed from) and
    gradebook.db (the assignment's definition, build_gradebook)."""
    root = course.root
    notebook_folder = course.notebook_path(assignment_id).parent
    folders = {f"{course.source_directory}/{assignment_id}": notebook_folder,
               "solutions": root / "solutions"}
    if (root / "release" / assignment_id).is_dir():
        folders[f"release/{assignment_id}"] = root / "release" / assignment_id
    for name, folder in folders.items():
        if not folder.is_dir():
            raise CourseError(f"{folder} is missing; workers need it ({name})")
    definition = assignment_definition(course, assignment_id)
    with tempfile.TemporaryDirectory(prefix="autograder-gradebook-") as scratch:
        db = Path(scratch) / "gradebook.db"
        build_gradebook(f"sqlite:///{db}", course.course_id, definition)
        files: dict[str, Path | bytes] = {"course.yml": worker_course_yml(course),
                                          "nbgrader_config.py": root / "nbgrader_config.py",
                                          "gradebook.db": db.read_bytes()}
        return pack(files, folders)


def plan_chunks(students: list[str], slots: int, size: int | None = None) -> list[list[str]]:
    """The students split into chunks, one nbgrader run each. With `size`, chunks of that many.
    Otherwise as even as possible (sizes differ by at most one), in a multiple of `slots` (worker
    threads) so that every worker has work to the end: one chunk per slot for a small class, two
    per slot once each chunk still gets at least two students (a slow chunk then leaves the
    others less idle), more when a chunk would exceed MAX_CHUNK."""
    n, slots = len(students), max(1, slots)
    if size:
        return [students[i:i + size] for i in range(0, n, size)]
    count = slots * (2 if n >= 4 * slots else 1)
    count = max(count, math.ceil(n / MAX_CHUNK))
    count = min(n, math.ceil(count / slots) * slots)
    base, extra = divmod(n, count) if count else (0, 0)
    chunks, start = [], 0
    for i in range(count):
        end = start + base + (1 if i < extra else 0)
        chunks.append(students[start:end])
        start = end
    return chunks


class TaskMaker:
    """Tasks (plain data) for chunks of students; the course part is built once and shared."""

    def __init__(self, course: Course, assignment_id: str):
        secret = course.secret()
        self.course, self.assignment_id = course, assignment_id
        self.common = {
            "assignment": assignment_id,
            "course_id": course.course_id,
            "course": course_payload(course, assignment_id),
            "secret": secret.decode() if secret is not None else None,
            "secret_env": course.grading.secret.env,
            "fingerprint": fingerprint(),
            # per submission; nbgrader's per-cell timeout bounds a notebook, this bounds a run
            # that hangs anyway
            "timeout_s": 600 + 20 * course.nbgrader.timeout_s,
        }

    def __call__(self, students: list[str]) -> dict[str, Any]:
        root = self.course.root / "submitted"
        return {**self.common, "students": list(students),
                "submissions": {s: pack({}, {".": root / s / self.assignment_id}) for s in students}}


# --------------------------------------------------------------------------------------------
# results back into the course (the coordinator only)


def record(course: Course, result: dict[str, Any]) -> None:
    """Write one worker's result into the course: the gradebook rows, then the autograded folder
    (one rename, so a folder in autograded/ always has its rows). A failed run leaves what
    `nbgrader autograde` leaves: the student and submission rows, no autograded folder."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    student, assignment_id, rows = result["student"], result["assignment"], result["rows"]
    dest = course.root / "autograded" / student / assignment_id
    for relative, _, _ in result["files"]:  # refused before anything is written
        if dest.resolve() not in (dest / relative).resolve().parents:
            raise ValueError(f"{relative}: a result file outside {dest}")
    if rows is None:
        return  # nbgrader did not get as far as the gradebook: nothing changes here
    with warnings.catch_warnings(), Gradebook(db_url(course), course.course_id) as gb:
        # nbgrader's own autoflush on a new submission (SAWarning, harmless; autograde hides it too)
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(student)
        if rows["timestamp"]:
            gb.update_or_create_submission(assignment_id, student,
                                           timestamp=datetime.fromisoformat(rows["timestamp"]))
        else:
            gb.update_or_create_submission(assignment_id, student)
        for notebook in rows["notebooks"]:
            name = notebook["name"]
            submitted = gb.find_submission_notebook(name, assignment_id, student)
            submitted.late_submission_penalty = notebook["late_submission_penalty"]
            for row in notebook["grades"]:
                grade = gb.find_grade(row["name"], name, assignment_id, student)
                grade.auto_score = row["auto_score"]
                # SaveAutoGrades: a grade with a manual score (here, in the course) needs review
                grade.needs_manual_grade = bool(row["needs_manual_grade"] or (
                    notebook["submitted"] and grade.manual_score is not None))
            for row in notebook["comments"]:
                gb.find_comment(row["name"], name, assignment_id, student).auto_comment = row["auto_comment"]
        gb.db.commit()

    if dest.exists():
        shutil.rmtree(dest)
    if not result["ok"]:
        return
    partial = dest.parent / f".{assignment_id}.partial-{uuid.uuid4().hex[:8]}"
    for relative, content, mode in result["files"]:
        path = partial / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        os.chmod(path, mode)
    os.replace(partial, dest)


# --------------------------------------------------------------------------------------------
# the run


@dataclass
class Outcome:
    """One student's line in the summary."""

    student: str
    ok: bool
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0
    worker: str = ""
    problems: list[str] = field(default_factory=list)


def outcome_of(result: dict[str, Any]) -> Outcome:
    score = max_score = 0.0
    for notebook in (result.get("rows") or {}).get("notebooks", []):
        for grade in notebook["grades"]:
            score += float(grade["auto_score"] or 0.0)
            max_score += float(grade["max_score"] or 0.0)
    problems = ([result["problem"]] if result.get("problem") else []) + list(result.get("problems", []))
    return Outcome(result["student"], bool(result["ok"]), score, max_score,
                   float(result.get("seconds", 0.0)), str(result.get("worker", "")), problems)


def failed_result(student: str, assignment_id: str, problem: str) -> dict[str, Any]:
    return {"student": student, "assignment": assignment_id, "ok": False, "alone": False, "problem": problem,
            "rows": None, "files": [], "problems": [], "log": "", "worker": "", "seconds": 0.0}


def open_client(scheduler: str | None, workers: int | None):
    """(client, cluster): the cluster at `scheduler`, or a LocalCluster in this process with
    `workers` single-threaded workers (default: one per core). Each task is a subprocess, so
    threads in this process are enough and nothing is copied between processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="30s"), None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=False,
                           dashboard_address=":0")  # any free port: never "port 8787 is in use"
    return Client(cluster), cluster


@contextmanager
def ctrl_c() -> Iterator[threading.Event]:
    """Ctrl-C (SIGINT) as an event the grading loop checks between results, so that an
    interruption never lands in the middle of writing a student's result (nor in one of Dask's
    callbacks, where Python would swallow the KeyboardInterrupt); a second Ctrl-C interrupts at
    once. Outside the main thread, nothing changes."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def autograde(course: Course, assignment_id: str, *, scheduler: str | None = None,
              workers: int | None = None, force: bool = False, chunk: int | None = None,
              console=None, errors=None) -> int:
    """Grade every submission of `assignment_id` that needs it on Dask, `chunk` students per
    nbgrader run (default: chunk_size); print a summary table. Returns 0 when all of them were
    graded, 1 when one failed (its problem is in the table), 130 when interrupted (what was
    graded is kept: rerun to grade the rest)."""
    from distributed import as_completed
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = console or Console()
    errors = errors or Console(stderr=True)
    course.assignment(assignment_id)
    students = submitted_students(course, assignment_id)
    if not students:
        raise CourseError(f"no submissions in {course.root / 'submitted'}/*/{assignment_id}/ "
                          "(one folder per student, holding the notebook)")
    todo = [s for s in students if needs_grading(course, s, assignment_id, force)]
    skipped = [s for s in students if s not in todo]
    if not todo:
        console.print(f"All {len(students)} submissions of {assignment_id} are already autograded "
                      "(--force grades them again).")
        return 0
    make_task = TaskMaker(course, assignment_id)

    started = time.monotonic()
    outcomes: list[Outcome] = []
    client, cluster = open_client(scheduler, workers)
    try:
        info = client.scheduler_info(n_workers=-1).get("workers", {})
        slots = sum(int(w.get("nthreads", 1)) for w in info.values())
        chunks = plan_chunks(todo, slots, chunk)
        size = max(len(c) for c in chunks)
        where = scheduler or f"a local Dask cluster ({len(info)} workers)"
        console.print(f"Autograding {len(todo)} submissions of {assignment_id} on {where}, "
                      f"{len(chunks)} nbgrader runs of up to {size}"
                      + (f"; {len(skipped)} already autograded, skipped (--force grades them again)"
                         if skipped else ""))
        run = uuid.uuid4().hex[:8]
        futures: dict[Any, list[str]] = {}

        def submit(group: list[str], key: str):
            future = client.submit(grade_task, make_task(group), key=f"autograde-{assignment_id}-{key}-{run}",
                                   retries=TASK_RETRIES, pure=False)
            futures[future] = group
            return future

        pending = as_completed([submit(group, f"chunk{n}") for n, group in enumerate(chunks)])
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=errors, transient=False) as progress, \
                ctrl_c() as stop:
            bar = progress.add_task(f"autograde {assignment_id}", total=len(todo))
            try:
                while not pending.is_empty():
                    if stop.is_set():
                        raise KeyboardInterrupt
                    if not pending.has_ready():
                        time.sleep(0.1)
                        continue
                    future = next(pending)
                    group = futures[future]
                    try:
                        results = future.result()
                    except Exception as error:  # noqa: BLE001 - KilledWorker, a bug: this chunk only
                        problem = f"{type(error).__name__}: {error}"
                        results = [{**failed_result(s, assignment_id, problem), "alone": len(group) > 1}
                                   for s in group]
                    for result in results:
                        if result.get("alone"):  # the chunk failed as a whole: each student on their own
                            pending.add(submit([result["student"]], f"{result['student']}-alone"))
                            continue
                        record(course, result)
                        outcomes.append(outcome_of(result))
                        progress.update(bar, advance=1,
                                        description=f"autograde {assignment_id}: {result['student']}")
            except KeyboardInterrupt:
                client.cancel(list(futures))
                progress.stop()
                errors.print(f"interrupted: {len(outcomes)} of {len(todo)} submissions graded and "
                             "written; run the same command again to grade the rest")
                return 130
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    console.print(summary_table(assignment_id, outcomes))
    failed = [o for o in outcomes if not o.ok]
    console.print(f"{len(outcomes) - len(failed)} graded, {len(failed)} failed, {len(skipped)} skipped "
                  f"in {time.monotonic() - started:.0f} s")
    for outcome in failed:
        errors.print(f"[red]error[/red] {outcome.student}: {outcome.problems[0] if outcome.problems else ''}",
                     highlight=False)
    return 1 if failed else 0


def summary_table(assignment_id: str, outcomes: list[Outcome]):
    """Student, score, time, worker and what was wrong with the submission (or the run)."""
    from rich.markup import escape
    from rich.table import Table

    from .report import format_points, score_style

    table = Table(title=f"autograde {assignment_id}", title_justify="left")
    for column, justify in (("student", "left"), ("score", "right"), ("seconds", "right"),
                            ("worker", "left"), ("problems", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for o in sorted(outcomes, key=lambda o: o.student):
        if o.ok:
            style = score_style(o.score, o.max_score)
            score = f"[{style}]{format_points(o.score)} / {format_points(o.max_score)}[/{style}]"
        else:
            score = "[red]failed[/red]"
        problems = escape(o.problems[0][:160]) if o.problems else ""
        if len(o.problems) > 1:
            problems += f" (+{len(o.problems) - 1} more)"
        worker = o.worker.split("://")[-1]  # tcp://10.0.0.5:40215 -> 10.0.0.5:40215
        table.add_row(escape(o.student), score, f"{o.seconds:.1f}", escape(worker), problems)
    return table
