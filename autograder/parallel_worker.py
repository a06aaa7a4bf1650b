"""What a Dask worker does for `python -m autograder autograde`: one student's submission, graded
by the real `nbgrader autograde` in a scratch course, returned as plain data.

The task (a dict of bytes, strings and numbers, built by autograder.parallel) carries everything:

    course       tar.gz of course.yml (gradebook URL pointed at the scratch folder, secret file
                 left out), nbgrader_config.py, assignments/<id>/, release/<id>/, solutions/ and
                 gradebook.db: a SQLite gradebook holding only this assignment, cell for cell as
                 the course's gradebook holds it (built once by the coordinator)
    submission   tar.gz of submitted/<student>/<id>/
    secret       the course secret (or None); it reaches the nbgrader process in its environment,
                 which the sandboxed kernel does not inherit, never as a file
    fingerprint  the coordinator's autograder and nbgrader versions: a worker with other code
                 would give other scores, so it refuses (the result says why)

The worker unpacks this into a fresh folder, runs `python -m nbgrader autograde ID --student S` there (the course's own
nbgrader_config.py, so the kernel is sandboxed and the scores come from TrustedGrades exactly as
in the course), and hands back the rows nbgrader wrote and the files of autograded/S/ID/. It
never touches the course's gradebook or folders: only the coordinator writes those.

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
import time
from pathlib import Path
from typing import Any

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
    notes: list[str] = []
    for name, content, _ in files:
        if name.endswith(".ipynb"):
            try:
                first = json.loads(content)["cells"][0]
                source = "".join(first["source"]) if isinstance(first["source"], list) else first["source"]
            except (ValueError, KeyError, IndexError, TypeError):
                continue
            if "Notes from the autograder" in source:
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


def grade_task(task: dict[str, Any]) -> dict[str, Any]:
    """Grade one student's submission (see the module doc); always returns a result dict:
    {"student", "ok", "problem", "rows", "files", "problems", "log", "seconds", "worker"}."""
    student, assignment = task["student"], task["assignment"]
    started = time.monotonic()
    result: dict[str, Any] = {"student": student, "assignment": assignment, "ok": False, "problem": "",
                              "rows": None, "files": [], "problems": [], "log": "", "worker": _where()}
    mine = fingerprint()
    if mine != task["fingerprint"]:
        result["problem"] = (f"worker {result['worker']} has other grading code than the coordinator "
                             f"(worker {mine}, coordinator {task['fingerprint']}); install the same "
                             "autograder and nbgrader versions on every worker")
        result["seconds"] = time.monotonic() - started
        return result

    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX)).resolve()
    try:
        unpack(task["course"], scratch)  # gradebook.db included: only this assignment, no student
        unpack(task["submission"], scratch / "submitted" / student / assignment)
        db_url = f"sqlite:///{scratch / 'gradebook.db'}"

        env = dict(os.environ)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        env["CONV_COURSE_ROOT"] = str(scratch)
        env["PWD"] = str(scratch)
        env.pop("OLDPWD", None)
        env.pop(task["secret_env"], None)  # the worker's own secret must never decide a score
        if task.get("secret") is not None:
            env[task["secret_env"]] = task["secret"]
        process = subprocess.run(
            [sys.executable, "-m", "nbgrader", "autograde", assignment, "--student", student],
            cwd=scratch, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, errors="replace", timeout=task.get("timeout_s"),
        )
        output = process.stdout
        result["rows"] = read_rows(db_url, task["course_id"], assignment, student,
                                   scratch / "submitted" / student / assignment)
        if process.returncode == 0:
            result["files"] = read_files(scratch / "autograded" / student / assignment)
            result["ok"] = bool(result["files"])
            if not result["ok"]:
                result["problem"] = "nbgrader autograde wrote no autograded notebook"
        else:
            errors = re.findall(r"\| (?:ERROR|CRITICAL)\] (.*)", output)
            result["problem"] = (f"nbgrader autograde failed (exit {process.returncode})"
                                 + (f": {errors[-1].strip()[:300]}" if errors else ""))
        result["problems"] = _problems(result["files"], output, student, assignment)
        if not result["ok"]:
            result["log"] = output[-LOG_TAIL:]
    except subprocess.TimeoutExpired as error:
        result["problem"] = f"nbgrader autograde did not finish within {error.timeout:g} s"
    finally:
        from .cleanup import remove_tree

        remove_tree(scratch)
    result["seconds"] = time.monotonic() - started
    return result
