"""`python -m autograder autograde` (autograder.parallel): nbgrader autograde on Dask.

The end-to-end tests grade one small a1 class (a correct, a mistaken and an unreadable
submission) from the same released course: once with plain `nbgrader autograde` (copy A, the
yardstick, shared by the module), through a real `dask scheduler` with two `dask worker`
processes on 127.0.0.1, one of them killed while it grades (copy B), and on the local cluster
interrupted with Ctrl-C and rerun (copy C). Every gradebook row and every autograded notebook
must be the same as A's. The rest runs without nbgrader or with a fake grading task.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from autograder import parallel
from autograder.course import load_course
from autograder.demo import nbgrader, nbgrader_env, prepare_course, student_notebook, submit
from autograder.parallel import needs_grading, plan_chunks, record, worker_course_yml
from autograder.parallel_worker import SCRATCH_PREFIX, grade_task, unpack

ROOT = Path(__file__).resolve().parents[1]
A1 = "a1_output_size"
CLASS = ["ada", "ben"]  # correct, a typical mistake
BROKEN = "zed"  # hands in a file that is not a notebook

# --------------------------------------------------------------------------------------------
# helpers


def gradebook_rows(course_dir: Path) -> dict:
    """Every row autograde writes, keyed by (student, what, name): submission timestamps, late
    penalties, grades (auto, manual, max, needs_manual_grade) and comments."""
    from nbgrader.api import Gradebook

    rows: dict = {}
    course = load_course(course_dir)
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", course.course_id) as gb:
        rows["students"] = sorted(s.id for s in gb.students)
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                student = submission.student.id
                rows[(student, "timestamp", assignment.name)] = submission.timestamp
                for notebook in submission.notebooks:
                    rows[(student, "late", notebook.name)] = notebook.late_submission_penalty
                    for g in notebook.grades:
                        rows[(student, "grade", g.name)] = (g.auto_score, g.manual_score, g.max_score,
                                                            g.needs_manual_grade)
                    for c in notebook.comments:
                        rows[(student, "comment", c.name)] = (c.auto_comment, c.manual_comment)
    return rows


def autograded_files(course_dir: Path) -> dict[str, object]:
    """autograded/ as {path: content}: notebooks without what changes from run to run (execution
    timestamps, the random id nbformat gives the inserted notes cell), other files as bytes."""
    files: dict[str, object] = {}
    folder = course_dir / "autograded"
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        key = str(path.relative_to(folder))
        if path.suffix == ".ipynb":
            nb = json.loads(path.read_text())
            for cell in nb["cells"]:
                cell.get("metadata", {}).pop("execution", None)
                if not str(cell.get("id", "")).startswith("a1-"):
                    cell.pop("id", None)
            files[key] = (nb, oct(path.stat().st_mode & 0o777))
        else:
            files[key] = (path.read_bytes(), oct(path.stat().st_mode & 0o777))
    return files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def autograde_command(course_dir: Path, *args: str, wait: bool = True):
    command = [sys.executable, "-m", "autograder", "autograde", A1, *args]
    kw = dict(cwd=course_dir, env=nbgrader_env(course_dir), stdin=subprocess.DEVNULL,
              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if wait:
        return subprocess.run(command, timeout=600, **kw)  # type: ignore[call-overload]
    return subprocess.Popen(command, **kw)  # type: ignore[call-overload]


def start(argv: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A process in its own process group (killed with all it started), output to `log`."""
    with open(log, "w") as out:
        return subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def first_graded(course_dir: Path) -> list[Path]:
    return [p for p in (course_dir / "autograded").glob(f"*/{A1}") if not p.name.startswith(".")] \
        if (course_dir / "autograded").is_dir() else []


# --------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """A scratch course with a1 released and the class's submissions in submitted/."""
    base = prepare_course(ROOT, tmp_path_factory.mktemp("parallel") / "base")
    result = nbgrader(base, "generate_assignment", A1)
    assert result.returncode == 0, result.output[-3000:]
    for hour, student in enumerate(CLASS, start=9):
        submit(base, student, A1, student_notebook(base, A1, student, base / "solutions"), hour)
    submit(base, BROKEN, A1, '{"cells": [{"cell_type": "code", "source": "def conv_output_length(')
    return base


def course_copy(released: Path, name: str) -> Path:
    dest = released.parent / name
    shutil.copytree(released, dest)
    return dest


@pytest.fixture(scope="module")
def by_nbgrader(released) -> Path:
    """Copy A, graded by plain `nbgrader autograde`: what every other copy must equal."""
    course_dir = course_copy(released, "A")
    result = nbgrader(course_dir, "autograde", A1)
    assert result.returncode == 0, result.output[-3000:]
    return course_dir


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A real `dask scheduler` and two `dask worker` processes on 127.0.0.1, each worker in its
    own process group (nanny and worker) with its own TMPDIR, so a test can see which one holds a
    task (its scratch folder) and kill it with everything it runs. Yields (address, {name: (process,
    tmpdir)})."""
    dask = str(Path(sys.executable).parent / "dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path_factory.mktemp("dask-logs")
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("CONV_COURSE_SECRET", None)  # the secret must come with the task
    processes = [start([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                       env, logs / "scheduler.log")]
    workers = {}
    try:
        for name in ("w1", "w2"):
            tmpdir = tmp_path_factory.mktemp(f"tmp-{name}")
            process = start([dask, "worker", address, "--nthreads", "1", "--host", "127.0.0.1",
                             "--name", name, "--no-dashboard"], dict(env, TMPDIR=str(tmpdir)),
                            logs / f"{name}.log")
            processes.append(process)
            workers[name] = (process, tmpdir)
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address, workers
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()


# --------------------------------------------------------------------------------------------
# end to end


@pytest.mark.e2e
@pytest.mark.needs_bwrap
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_class_graded_through_a_dask_scheduler_gets_nbgraders_rows_even_when_a_worker_dies(
        released, by_nbgrader, cluster):
    address, workers = cluster
    course_dir = course_copy(released, "B")
    run = autograde_command(course_dir, "--scheduler", address, wait=False)
    try:
        wait_for(lambda: first_graded(course_dir), 300, "the first autograded submission")

        def busy_worker():  # a worker holding a chunk right now: its scratch course exists
            for name, (process, tmpdir) in workers.items():
                if process.poll() is None and list(Path(tmpdir).glob(f"{SCRATCH_PREFIX}*")):
                    return name
            return None

        victim = wait_for(busy_worker, 120, "a worker with a submission in hand")
        in_hand = list(Path(workers[victim][1]).glob(f"{SCRATCH_PREFIX}*"))
        os.killpg(workers[victim][0].pid, signal.SIGKILL)  # nanny, worker, nbgrader, kernel
        output, _ = run.communicate(timeout=600)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, output[-4000:]
    assert in_hand and all(p.exists() for p in in_hand), "the killed worker had no task in flight"
    assert gradebook_rows(course_dir) == gradebook_rows(by_nbgrader)
    assert autograded_files(course_dir) == autograded_files(by_nbgrader)
    table = " ".join(output.replace("│", " ").split())  # the table's cells wrap at 80 columns
    for student in [*CLASS, BROKEN]:
        assert f" {student} " in table  # the summary table names everyone
    assert "Your submission could not be read" in table  # and what was wrong with the broken file
    assert "2 nbgrader runs of up to 2" in table  # two workers, a chunk each: [ada, ben] and [zed]

    again = autograde_command(course_dir, "--scheduler", address)
    assert again.returncode == 0, again.stdout[-3000:]
    assert "already autograded" in again.stdout
    assert gradebook_rows(course_dir) == gradebook_rows(by_nbgrader)


@pytest.mark.e2e
@pytest.mark.needs_bwrap
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_an_interrupted_local_run_then_a_rerun_grade_everyone_once_with_the_same_scores(released, by_nbgrader):
    course_dir = course_copy(released, "C")
    run = autograde_command(course_dir, "--workers", "1", "--chunk-size", "2", wait=False)  # [ada, ben], [zed]
    try:
        wait_for(lambda: first_graded(course_dir), 300, "the first autograded submission")
        run.send_signal(signal.SIGINT)
        output, _ = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    graded_first = {p.parent.name for p in first_graded(course_dir)}
    assert run.returncode == 130, output[-3000:]
    assert "run the same command again" in output
    assert "2 nbgrader runs of up to 2" in " ".join(output.split())
    assert 1 <= len(graded_first) < len(CLASS) + 1 and BROKEN not in graded_first

    rerun = autograde_command(course_dir, "--workers", "2")
    assert rerun.returncode == 0, rerun.stdout[-3000:]
    assert f"{len(graded_first)} already autograded" in rerun.stdout
    assert gradebook_rows(course_dir) == gradebook_rows(by_nbgrader)
    assert autograded_files(course_dir) == autograded_files(by_nbgrader)


# --------------------------------------------------------------------------------------------
# the pieces, without a cluster


def test_workers_get_a_course_yml_that_reads_no_secret_file_and_no_gradebook_of_the_course(tmp_path):
    import yaml

    course_dir = prepare_course(ROOT, tmp_path / "course")
    yml = course_dir / "course.yml"
    yml.write_text(yml.read_text().replace("sqlite:///gradebook.db", "postgresql://grader@db.example/conv101"))
    data = yaml.safe_load(worker_course_yml(load_course(course_dir)))
    assert data["nbgrader"]["db_url"] == "sqlite:///gradebook.db"
    assert data["grading"]["secret"] == {"env": "CONV_COURSE_SECRET", "file": None}
    assert data["assignments"] == yaml.safe_load(yml.read_text())["assignments"]


def test_a_submission_is_graded_again_only_when_missing_forced_or_newer(tmp_path):
    course_dir = prepare_course(ROOT, tmp_path / "course")
    course = load_course(course_dir)
    submitted = course_dir / "submitted" / "ada" / A1
    graded = course_dir / "autograded" / "ada" / A1
    submitted.mkdir(parents=True)
    (submitted / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
    assert needs_grading(course, "ada", A1)
    graded.mkdir(parents=True)
    (graded / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
    assert not needs_grading(course, "ada", A1)
    assert needs_grading(course, "ada", A1, force=True)
    (submitted / "timestamp.txt").write_text("2026-11-20 13:00:00.000000 UTC")  # handed in again
    assert needs_grading(course, "ada", A1)


def test_a_worker_with_other_grading_code_refuses_before_running_anything():
    results = grade_task({"students": ["ada", "ben"], "assignment": A1,
                          "fingerprint": {"autograder": "0" * 16, "nbgrader": "0.0"}})
    assert [r["student"] for r in results] == ["ada", "ben"]
    for result in results:
        assert not result["ok"] and not result["alone"] and result["rows"] is None and result["files"] == []
        assert "other grading code" in result["problem"]


@pytest.mark.parametrize("n, slots", [(1, 2), (3, 1), (3, 2), (6, 2), (7, 2), (12, 2), (13, 4), (40, 4), (100, 4),
                                      (5, 8)])
def test_chunks_cover_every_student_once_and_give_every_worker_work(n, slots):
    students = [f"s{i:03d}" for i in range(n)]
    chunks = plan_chunks(students, slots)
    assert [s for chunk in chunks for s in chunk] == students
    sizes = [len(chunk) for chunk in chunks]
    assert max(sizes) - min(sizes) <= 1 and max(sizes) <= parallel.MAX_CHUNK and min(sizes) >= 1
    assert len(chunks) == n or len(chunks) % slots == 0  # no worker idles while another has a chunk to go
    if n >= 2 * slots:
        assert max(sizes) >= 2  # nbgrader starts fewer times than there are submissions
    assert plan_chunks(students, slots, size=2) == [students[i:i + 2] for i in range(0, n, 2)]


@pytest.fixture
def fake_class(tmp_path, monkeypatch):
    """A course with six submissions of a1 (files only, nothing to grade) and a fake grading task
    on the local cluster: it 'grades' chunks, fails a chunk holding "cy" as a whole (as a crashed
    nbgrader run would) and raises for a chunk holding "eve". Yields (course, [chunks it was
    given], {student: result recorded})."""
    course_dir = prepare_course(ROOT, tmp_path / "course")
    students = ["ada", "ben", "cy", "dee", "eve", "fay"]
    for student in students:
        submit(course_dir, student, A1, '{"cells": []}')
    log = tmp_path / "chunks.txt"  # the task may run on a copy of this closure: a file sees every call
    recorded: dict[str, dict] = {}

    def fake_task(task):
        group = task["students"]
        with open(log, "a") as out:
            out.write(" ".join(group) + "\n")
        if "eve" in group and len(group) > 1:
            raise RuntimeError("the worker's disk is full")
        return [{"student": s, "assignment": A1, "ok": True, "alone": "cy" in group and len(group) > 1,
                 "problem": "", "rows": None, "files": [], "problems": [], "log": "", "worker": "fake",
                 "seconds": 0.0} for s in group]

    def fake_record(course, result):
        assert result["student"] not in recorded, "recorded twice"
        recorded[result["student"]] = result

    monkeypatch.setattr(parallel, "TaskMaker", lambda course, aid: lambda group: {"students": list(group)})
    monkeypatch.setattr(parallel, "grade_task", fake_task)
    monkeypatch.setattr(parallel, "record", fake_record)
    return load_course(course_dir), log, recorded


def test_a_chunk_that_fails_as_a_whole_is_graded_again_one_student_at_a_time(fake_class):
    from rich.console import Console

    course, log, recorded = fake_class
    out = io.StringIO()
    code = parallel.autograde(course, A1, workers=2, chunk=2, console=Console(file=out, width=200),
                              errors=Console(file=io.StringIO()))
    assert code == 0, out.getvalue()
    assert sorted(recorded) == ["ada", "ben", "cy", "dee", "eve", "fay"]  # everyone, once
    given = log.read_text().splitlines()
    # [ada, ben] graded as a chunk; [cy, dee] failed as a whole and [eve, fay] raised (three
    # tries): both were then graded one student at a time
    assert sorted(set(given)) == ["ada ben", "cy", "cy dee", "dee", "eve", "eve fay", "fay"]
    assert given.count("eve fay") == 1 + parallel.TASK_RETRIES and given.count("ada ben") == 1
    assert "3 nbgrader runs of up to 2" in out.getvalue()


@pytest.mark.slow
def test_a_worker_hands_back_a_failed_chunk_for_one_by_one_grading(tmp_path, monkeypatch):
    """A real nbgrader run that fails (here: a course whose gradebook lacks the assignment): in a
    chunk, every student comes back marked `alone`, with no rows or files to record, and its
    scratch folder is gone (looked for in a TMPDIR of this test's own: other tests may be grading)."""
    import tempfile

    from autograder.parallel_worker import fingerprint, pack

    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch_root))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR

    course_dir = prepare_course(ROOT, tmp_path / "course")
    for student in ("ada", "ben"):
        submit(course_dir, student, A1, '{"cells": []}')
    course: dict[str, Path | bytes] = {"course.yml": worker_course_yml(load_course(course_dir)),
                                       "nbgrader_config.py": course_dir / "nbgrader_config.py"}
    task = {"students": ["ada", "ben"], "assignment": A1, "course_id": load_course(course_dir).course_id,
            "course": pack(course, {f"assignments/{A1}": course_dir / "assignments" / A1,
                                    "solutions": course_dir / "solutions"}),
            "submissions": {s: pack({}, {".": course_dir / "submitted" / s / A1}) for s in ("ada", "ben")},
            "secret": "s3cret", "secret_env": "CONV_COURSE_SECRET", "fingerprint": fingerprint(),
            "timeout_s": 300}
    results = grade_task(task)
    assert [r["student"] for r in results] == ["ada", "ben"]
    for result in results:
        assert result["alone"] and not result["ok"] and result["rows"] is None and result["files"] == []
        assert "on a chunk of 2" in result["problem"]
    assert not list(scratch_root.glob(f"{SCRATCH_PREFIX}*"))


def test_an_archive_cannot_write_outside_the_scratch_folder(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    (tmp_path / "scratch").mkdir()
    with pytest.raises(tarfile.TarError):
        unpack(buffer.getvalue(), tmp_path / "scratch")
    assert not (tmp_path / "escaped.txt").exists()


def test_a_result_cannot_place_a_file_outside_its_autograded_folder(tmp_path):
    course_dir = prepare_course(ROOT, tmp_path / "course")
    course = load_course(course_dir)
    rows: dict[str, object] = {"timestamp": None, "notebooks": []}
    result = {"student": "ada", "assignment": A1, "ok": True, "rows": rows,
              "files": [("../../../../escaped.txt", b"x", 0o444)]}
    with pytest.raises(ValueError, match="outside"):
        record(course, result)
    assert not list(tmp_path.rglob("escaped.txt"))
    assert not (course_dir / "gradebook.db").exists()  # refused before anything was written
