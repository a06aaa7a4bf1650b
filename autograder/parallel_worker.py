"""What a Dask worker does for `python -m autograder autograde`: a chunk of students'
submissions, graded by one run of the real `nbgrader autograde` in a scratch course, returned as
plain data.

The task (a dict of bytes, strings and numbers, built by autograder.parallel) carries everything:

    course       tar.gz of course.yml (gradebook URL pointed at the scratch folder, secret file
                 left out), nbgrader_config.py, assignments/<id>/, release/<id>/, solutions/ and
                 gradebook.db: a SQLite gradebook holding only this assignment, cell for cell as
                 the course's gradebook holds it (built once by the coordinator)
    students     the chunk: one or more student ids
    submissions  {student: tar.gz of submitted/<student>/<id>/}
    secret       the course secret (or None); it reaches the nbgrader process in its environment,
                 which the sandboxed kernel does not inherit, never as a file
    fingerprint  the coordinator's autograder and nbgrader versions: a worker with other code
                 would give other scores, so it refuses (the result says why)
    language     (optional) the course's language; by default course.yml's `language`. The task
                 runs in it (autograder.i18n.language: a ContextVar, which does not cross from the
                 coordinator to a worker), and so does nbgrader, which reads the same course.yml

The worker unpacks this into a fresh folder whose submitted/ holds exactly the chunk, and runs
`python -m nbgrader autograde ID` there once (nbgrader's `--student` takes one glob pattern, so
the folder does the choosing): nbgrader starts, imports and configures itself once per chunk
instead of once per submission. The course's own nbgrader_config.py applies, so the kernel is
sandboxed and the scores come from TrustedGrades exactly as in the course. The worker hands back,
for each student, the rows nbgrader wrote and the files of autograded/<student>/<id>/. It never
touches the course's gradebook or folders: only the coordinator writes those.

A chunk of several students counts only when the whole nbgrader run succeeded: if it failed
(a submission nbgrader could not grade, a crash, the time limit) every student of the chunk
comes back marked `alone`, and the coordinator grades each of them in a task of their own, so
one bad submission never costs the others their grade and its own failure is reported as a
single-student run reports it.

This module imports nothing heavy at the top: a worker unpickles the task function by name.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .i18n import language

SCRATCH_PREFIX = "autograder-dask-"
LOG_TAIL = 6000  # characters of nbgrader's output kept in a failed result


def fingerprint() -> dict[str, str]:
    """What must be the same on the coordinator and every worker for the same scores: the
    autograder package's files (hashed) and nbgrader's version."""
    import nbgrader

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return {"autograder": digest.hexdigest()[:16], "nbgrader": str(nbgrader.__version__)}


def pack(files: dict[str, Path | bytes], folders: dict[str, Path]) -> bytes:
    """tar.gz of `files` (a path or the bytes themselves) and `folders` ({name in the archive:
    path}); caches left out."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in files.items():
            if isinstance(content, bytes):
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = len(content), 0o644, int(time.time())
                tar.addfile(info, io.BytesIO(content))
            else:
                tar.add(content, arcname=name)
        for name, folder in folders.items():
            tar.add(folder, arcname=name, filter=_no_caches)
    return buffer.getvalue()


def _no_caches(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    parts = Path(info.name).parts
    if "__pycache__" in parts or ".ipynb_checkpoints" in parts:
        return None
    return info


def unpack(data: bytes, dest: Path) -> None:
    """Extract a tar.gz from `pack` into `dest`: regular files and folders only, nothing outside."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(dest, filter="data")


# --------------------------------------------------------------------------------------------
# what nbgrader wrote, as data


def read_rows(db_url: str, course_id: str, assignment: str, student: str,
              submitted: Path) -> dict[str, Any] | None:
    """What `nbgrader autograde` wrote for this student, as plain data (None: no submission row)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        notebooks = []
        for notebook in submission.notebooks:
            notebooks.append({
                "name": notebook.name,
                "submitted": (submitted / f"{notebook.name}.ipynb").exists(),
                "late_submission_penalty": notebook.late_submission_penalty,
                "grades": [{"name": g.name, "auto_score": g.auto_score, "max_score": g.max_score,
                            "needs_manual_grade": bool(g.needs_manual_grade)} for g in notebook.grades],
                "comments": [{"name": c.name, "auto_comment": c.auto_comment} for c in notebook.comments],
            })
        timestamp = submission.timestamp
        return {"timestamp": timestamp.isoformat() if timestamp else None, "notebooks": notebooks}


def read_files(folder: Path) -> list[tuple[str, bytes, int]]:
    """Every file under `folder` as (relative path, bytes, permission bits)."""
    if not folder.is_dir():
        return []
    return [(str(p.relative_to(folder)), p.read_bytes(), p.stat().st_mode & 0o777)
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()]


def _problems(files: list[tuple[str, bytes, int]], output: str, student: str, assignment: str) -> list[str]:
    """What was wrong with the submission: the notes at the top of the autograded notebook (the
    student reads them in the feedback), then any the plugin only logged ('student/assignment: ...')."""
    from .nbgrader_plugin import notes_headings

    headings = notes_headings()  # the notes cell's title, in whichever language the course speaks
    notes: list[str] = []
    for name, content, _mode in files:
        if name.endswith(".ipynb"):
            try:
                first = json.loads(content)["cells"][0]
                source = "".join(first["source"]) if isinstance(first["source"], list) else first["source"]
            except (ValueError, KeyError, IndexError, TypeError):
                continue
            if any(html.escape(heading) in source for heading in headings):
                notes += [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", source, flags=re.S)]
    notes += re.findall(rf"\| (?:WARNING|ERROR)\] {re.escape(student)}/{re.escape(assignment)}: (.*)", output)
    return list(dict.fromkeys(note.strip() for note in notes))


# --------------------------------------------------------------------------------------------
# the task


def _where() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except Exception:  # noqa: BLE001 - not in a Dask worker (a test calling grade_task directly)
        return f"pid {os.getpid()}"


def _result(student: str, assignment: str, worker: str) -> dict[str, Any]:
    return {"student": student, "assignment": assignment, "ok": False, "alone": False, "problem": "",
            "rows": None, "files": [], "problems": [], "log": "", "worker": worker, "seconds": 0.0}


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float | None,
         ) -> tuple[int | None, list[tuple[float, str]]]:
    """Run `command`, its output line by line with the time each line came; (exit code or None
    when it was killed at `timeout` seconds, lines)."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace")
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        process.kill()

    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.daemon = True
        timer.start()
    lines: list[tuple[float, str]] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append((time.monotonic(), line))
        code = process.wait()
    finally:
        if timer:
            timer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    return (None if timed_out.is_set() else code), lines


def _seconds_each(students: list[str], assignment: str, lines: list[tuple[float, str]],
                  started: float, ended: float) -> dict[str, float]:
    """Each student's share of one nbgrader run: from the first log line naming the student's
    folder to the first line of the next student (nbgrader grades them one after another); a
    single student gets the whole run, start-up included."""
    if len(students) == 1:
        return {students[0]: ended - started}
    first: dict[str, float] = {}
    for when, line in lines:
        for student in students:
            if student not in first and f"/{student}/{assignment}" in line:
                first[student] = when
    order = sorted(first.items(), key=lambda item: item[1])
    seconds = {student: 0.0 for student in students}
    for i, (student, when) in enumerate(order):
        seconds[student] = (order[i + 1][1] if i + 1 < len(order) else ended) - when
    return seconds


def grade_task(task: dict[str, Any]) -> list[dict[str, Any]]:
    """Grade a chunk of submissions with one `nbgrader autograde` run (see the module doc).
    Returns one result per student of the chunk, always: {"student", "ok", "alone", "problem",
    "rows", "files", "problems", "log", "seconds", "worker"}; `alone` asks the coordinator to
    grade that student again in a task of their own (the chunk's run failed)."""
    students, assignment = list(task["students"]), task["assignment"]
    started = time.monotonic()
    where = _where()
    results = {student: _result(student, assignment, where) for student in students}
    mine = fingerprint()
    if mine != task["fingerprint"]:
        for result in results.values():
            result["problem"] = (f"worker {where} has other grading code than the coordinator "
                                 f"(worker {mine}, coordinator {task['fingerprint']}); install the same "
                                 "autograder and nbgrader versions on every worker")
            result["seconds"] = time.monotonic() - started
        return list(results.values())

    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX)).resolve()
    try:
        unpack(task["course"], scratch)  # gradebook.db included: only this assignment, no student
        with language(_task_language(task, scratch)):
            _grade_chunk(task, scratch, students, results, started)
    finally:
        from .cleanup import remove_tree

        remove_tree(scratch)
    return list(results.values())


def _task_language(task: dict[str, Any], scratch: Path) -> str:
    """The language the chunk is graded in: the task's, else that of the course.yml it carries."""
    from .course import CourseError, load_course
    from .i18n import LANGUAGES, SOURCE_LANGUAGE

    if task.get("language") in LANGUAGES:
        return str(task["language"])
    try:
        return load_course(scratch).language
    except CourseError:
        return SOURCE_LANGUAGE  # nbgrader then fails on the same file and the result says why


def _grade_chunk(task: dict[str, Any], scratch: Path, students: list[str],
                 results: dict[str, dict[str, Any]], started: float) -> None:
    """The nbgrader run of grade_task in the unpacked `scratch` course; fills `results`."""
    assignment = task["assignment"]
    for student in students:
        unpack(task["submissions"][student], scratch / "submitted" / student / assignment)
    db_url = f"sqlite:///{scratch / 'gradebook.db'}"

    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["CONV_COURSE_ROOT"] = str(scratch)
    env["PWD"] = str(scratch)
    env.pop("OLDPWD", None)
    env.pop(task["secret_env"], None)  # the worker's own secret must never decide a score
    if task.get("secret") is not None:
        env[task["secret_env"]] = task["secret"]
    timeout = task.get("timeout_s")
    code, lines = _run([sys.executable, "-m", "nbgrader", "autograde", assignment], scratch, env,
                       timeout * len(students) if timeout else None)
    output = "".join(line for _when, line in lines)
    seconds = _seconds_each(students, assignment, lines, started, time.monotonic())
    for student, result in results.items():
        result["seconds"] = seconds[student]
        if len(students) > 1 and code != 0:
            result["alone"] = True  # the chunk failed as a whole: graded again on its own
            how = f"failed (exit {code})" if code is not None else "ran out of time"
            result["problem"] = f"nbgrader autograde {how} on a chunk of {len(students)}"
            continue
        if code is None:  # killed mid-run: nothing it wrote counts
            result["problem"] = f"nbgrader autograde did not finish within {timeout:g} s"
            result["log"] = output[-LOG_TAIL:]
            continue
        result["rows"] = read_rows(db_url, task["course_id"], assignment, student,
                                   scratch / "submitted" / student / assignment)
        if code == 0:
            result["files"] = read_files(scratch / "autograded" / student / assignment)
            result["ok"] = bool(result["files"])
            if not result["ok"]:
                result["problem"] = "nbgrader autograde wrote no autograded notebook"
                result["alone"] = len(students) > 1
        else:
            errors = re.findall(r"\| (?:ERROR|CRITICAL)\] (.*)", output)
            result["problem"] = (f"nbgrader autograde failed (exit {code})"
                                 + (f": {errors[-1].strip()[:300]}" if errors else ""))
        result["problems"] = _problems(result["files"], output, student, assignment)
        if not result["ok"]:
            result["log"] = output[-LOG_TAIL:]
