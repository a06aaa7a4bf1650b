"""A PostgreSQL gradebook (course.yml, `nbgrader.db_url: postgresql://...`), on a real server.

The module starts its own throwaway PostgreSQL server (tests/pg_server.py). Where the server's
binaries are missing, the tests that need it are skipped, except in CI (CI set), where that is a
failure: .ci/run installs PostgreSQL, so there they always run.

The end-to-end part grades one small class on a1 twice with the real nbgrader commands, once with
the default SQLite gradebook and once with a PostgreSQL one, and compares what the two gradebooks
hold, score by score.
"""
from __future__ import annotations

import copy
import csv
import os
import re
from pathlib import Path

import nbformat
import pytest

from autograder.course import load_course
from autograder.demo import (
    gradebook_scores,
    nbgrader,
    nbgrader_env,
    prepare_course,
    release_notebook,
    student_notebook,
    submit,
)
from autograder.nbgrader_plugin import GradebookUnreachable, check_gradebook
from pg_server import PostgresMissing, PostgresServer, in_ci

ROOT = Path(__file__).resolve().parents[1]
A1 = "a1_output_size"
DATABASE = "conv101_e2e"
e2e = pytest.mark.e2e


@pytest.fixture(scope="module")
def pg():
    """A running PostgreSQL server of our own (stopped and removed at the end of the module)."""
    try:
        server = PostgresServer()
    except PostgresMissing as missing:
        if in_ci():
            pytest.fail(f"{missing}. In CI the PostgreSQL tests must run (.ci/run installs it).")
        pytest.skip(str(missing))
    try:
        yield server.start()
    finally:
        server.stop()  # also after a failed start: nothing left running, the folder removed


def set_db_url(course_dir: Path, db_url: str) -> None:
    yml = course_dir / "course.yml"
    text, n = re.subn(r"(?m)^(\s*db_url:).*$", rf"\1 {db_url}", yml.read_text())
    assert n == 1
    yml.write_text(text)
    assert load_course(course_dir).nbgrader.db_url == db_url


# --------------------------------------------------------------------------------------------
# fast: the URL, the driver, the messages


def test_postgresql_urls_use_the_installed_driver():
    """`postgresql://` (no +driver) means psycopg 3 in SQLAlchemy 2.1, the one pyproject installs."""
    from sqlalchemy import make_url

    dialect = make_url("postgresql://grader@db.example/conv101").get_dialect()
    assert dialect.driver == "psycopg"
    dialect.import_dbapi()  # installed


def test_a_sqlite_gradebook_is_never_checked(tmp_path):
    """SQLite, the default, makes its file on first use: nothing to check, nothing made here."""
    check_gradebook(f"sqlite:///{tmp_path}/missing/gradebook.db")
    assert not (tmp_path / "missing").exists()


def test_a_wrong_port_wrong_password_or_missing_database_is_one_clear_sentence(pg):
    bad = {
        "port": (pg.url(port=1), "Connection refused"),
        "password": (pg.url().replace(f":{pg.password}@", ":not-the-password@"), "password authentication failed"),
        "database": (pg.url("no_such_gradebook"), 'database "no_such_gradebook" does not exist'),
    }
    for what, (url, reason) in bad.items():
        with pytest.raises(GradebookUnreachable) as caught:
            check_gradebook(url)
        message = str(caught.value)
        assert message.startswith("cannot open the gradebook postgresql://postgres:***@127.0.0.1:"), (what, message)
        assert reason in message, (what, message)
        assert "\n" not in message and pg.password not in message and "not-the-password" not in message
    check_gradebook(pg.url())  # and the right one opens


def test_the_password_may_come_from_PGPASSWORD(pg, monkeypatch):
    """libpq's own variables work: the URL in course.yml need not hold the password."""
    url = pg.url(password=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", os.devnull)
    with pytest.raises(GradebookUnreachable, match="password"):
        check_gradebook(url)
    monkeypatch.setenv("PGPASSWORD", pg.password)
    check_gradebook(url)


@e2e
def test_nbgrader_commands_stop_with_one_line_on_a_wrong_port(tmp_path):
    """No server needed: nothing listens on port 1. nbgrader alone would print a traceback and
    suggest `nbgrader db upgrade`."""
    course_dir = prepare_course(ROOT, tmp_path / "course")
    set_db_url(course_dir, "postgresql://grader:secret-pw@127.0.0.1:1/conv101")
    for args in (["autograde", A1], ["export"]):
        result = nbgrader(course_dir, *args, timeout=120)
        assert result.returncode != 0, (args, result.output)
        lines = result.output.strip().splitlines()
        assert lines and lines[-1].startswith("nbgrader: cannot open the gradebook "
                                              "postgresql://grader:***@127.0.0.1:1/conv101"), (args, result.output)
        assert "Connection refused" in lines[-1] and "secret-pw" not in result.output
        assert "Traceback" not in result.output and len(lines) <= 3, (args, result.output)


def test_a_scratch_course_never_shares_the_real_courses_gradebook(tmp_path):
    """`make demo` and the tests grade sample classes in a copy of the course (prepare_course):
    with a database server's gradebook in course.yml, the copy still gets a SQLite one of its own."""
    source = prepare_course(ROOT, tmp_path / "real")
    set_db_url(source, "postgresql://grader@db.example/conv101")
    copy_dir = prepare_course(source, tmp_path / "scratch")
    copied, real = load_course(copy_dir), load_course(source)
    assert copied.nbgrader.db_url == "sqlite:///gradebook.db"
    assert copied.model_dump(exclude={"root", "nbgrader"}) == real.model_dump(exclude={"root", "nbgrader"})
    assert copied.nbgrader.timeout_s == real.nbgrader.timeout_s


# --------------------------------------------------------------------------------------------
# end to end: the same class graded on SQLite and on PostgreSQL

STUDENTS = ["ada", "ben", "zz_mallory"]  # reference, off by one, attacker (graded last; else untouched)

ATTACK = '''
import os
print("PGPASSWORD in the kernel:", os.environ.get("PGPASSWORD", "(not set)"))
try:
    import psycopg
    with psycopg.connect({url!r}, connect_timeout=3) as connection:
        connection.execute("UPDATE grade SET auto_score = 1000")
    print("gradebook rewritten")
except Exception as error:
    print("could not reach the gradebook:", type(error).__name__)
'''


def attacker_notebook(course_dir: Path, db_url: str):
    """The untouched notebook, its first answer cell opening with a write to the PostgreSQL
    gradebook (URL and password known: the worst case)."""
    nb = copy.deepcopy(release_notebook(course_dir, A1))
    cell = next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    cell.source = ATTACK.format(url=db_url) + "\n" + cell.source
    return nb


def grade_class(course_dir: Path, db_url: str | None, password: str, attack_url: str):
    """a1 released, STUDENTS submitted and autograded, grades exported (and, on a database
    server, feedback generated) in a scratch course whose gradebook is `db_url` (None: SQLite)."""
    if db_url:
        set_db_url(course_dir, db_url)
    env = dict(nbgrader_env(course_dir), PGPASSWORD=password)
    results = {"generate_assignment": nbgrader(course_dir, "generate_assignment", A1, env=env, timeout=300)}
    course = load_course(course_dir)
    for student in STUDENTS:
        if student == "zz_mallory":
            nb = attacker_notebook(course_dir, attack_url)
        else:
            nb = student_notebook(course_dir, A1, student, course.solutions_dir)
        submit(course_dir, student, A1, nb)
    results["autograde"] = nbgrader(course_dir, "autograde", A1, env=env, timeout=300)
    if db_url:
        results["generate_feedback"] = nbgrader(course_dir, "generate_feedback", A1, env=env, timeout=300)
    results["export"] = nbgrader(course_dir, "export", env=env, timeout=300)
    return course_dir, results


@pytest.fixture(scope="module")
def classes(pg, tmp_path_factory):
    """{"sqlite" | "postgresql": (course_dir, {step: CommandResult})} (grade_class), the two
    classes graded side by side. The PostgreSQL course.yml holds no password: PGPASSWORD gives
    it, as docs/instructor.md says."""
    from concurrent.futures import ThreadPoolExecutor

    pg.create_database(DATABASE)
    urls = {"sqlite": None, "postgresql": pg.url(DATABASE, password=False)}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {backend: pool.submit(grade_class, prepare_course(ROOT, tmp_path_factory.mktemp(backend) / "c"),
                                        url, pg.password, pg.url(DATABASE))
                   for backend, url in urls.items()}
        return {backend: future.result() for backend, future in futures.items()}


@pytest.fixture(scope="module")
def scores(classes, pg, monkeypatch_module):
    monkeypatch_module.setenv("PGPASSWORD", pg.password)  # our own code reads it like nbgrader
    return {backend: gradebook_scores(load_course(course_dir)) for backend, (course_dir, _) in classes.items()}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@e2e
@pytest.mark.needs_bwrap
def test_every_nbgrader_command_succeeds_on_both_gradebooks(classes):
    failed = {(backend, step): r.output[-3000:] for backend, (_, results) in classes.items()
              for step, r in results.items() if r.returncode != 0}
    assert not failed, failed


@e2e
@pytest.mark.needs_bwrap
def test_postgresql_and_sqlite_hold_the_same_scores_per_student_and_grade_cell(classes, scores):
    assert set(scores["postgresql"]) == {(s, A1) for s in STUDENTS}
    assert scores["postgresql"] == scores["sqlite"]
    # and they are the right scores, not two equally wrong gradebooks
    points = load_course(classes["postgresql"][0]).assignment(A1).points
    grades = scores["postgresql"]
    assert grades[("ada", A1)] == {**{f"test_{f}": pytest.approx(p) for f, p in points.items()},
                                   "total": pytest.approx(sum(points.values()))}
    assert 0 < grades[("ben", A1)]["test_conv_output_length"] < points["conv_output_length"]
    assert grades[("zz_mallory", A1)] == {**{f"test_{f}": 0 for f in points}, "total": 0}


@e2e
@pytest.mark.needs_bwrap
def test_export_writes_the_same_grades_from_postgresql(classes, scores):
    rows = {}
    for backend, (course_dir, _) in classes.items():
        with open(course_dir / "grades.csv", newline="") as handle:
            rows[backend] = {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"]))
                             for r in csv.DictReader(handle)}
    assert rows["postgresql"] == rows["sqlite"]
    for key, grades in scores["postgresql"].items():
        assert rows["postgresql"][key][0] == pytest.approx(grades["total"])


@e2e
@pytest.mark.needs_bwrap
def test_feedback_is_generated_from_the_postgresql_gradebook(classes):
    course_dir, _ = classes["postgresql"]
    for student in STUDENTS:
        page = (course_dir / "feedback" / student / A1 / f"{A1}.html").read_text()
        assert "course autograder" in page, student


@e2e
@pytest.mark.needs_bwrap
def test_a_students_kernel_can_neither_reach_the_postgresql_gradebook_nor_see_its_password(classes):
    course_dir, _ = classes["postgresql"]
    graded = nbformat.read(course_dir / "autograded" / "zz_mallory" / A1 / f"{A1}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in graded.cells for o in c.get("outputs", []))
    assert "could not reach the gradebook" in printed  # the attack ran, and failed
    assert "gradebook rewritten" not in printed
    assert "PGPASSWORD in the kernel: (not set)" in printed  # nbgrader had it; the kernel did not
    # had the write gone through, every score would now be 1000 (zz_mallory is graded last):
    # test_postgresql_and_sqlite_hold_the_same_scores_per_student_and_grade_cell would fail


@e2e
@pytest.mark.needs_bwrap
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_parallel_autograde_writes_the_same_scores_into_a_postgresql_gradebook(classes, scores, pg,
                                                                                    monkeypatch_module):
    """`python -m autograder autograde` on a course whose gradebook is on the server: the
    coordinator reads the assignment from PostgreSQL, workers grade on scratch SQLite copies, and
    the rows it writes back to PostgreSQL hold what `nbgrader autograde` wrote there."""
    import shutil
    import subprocess
    import sys

    source, _ = classes["postgresql"]
    course_dir = source.parent / "parallel"
    shutil.copytree(source, course_dir, ignore=shutil.ignore_patterns("autograded", "feedback", "release"))
    pg.create_database(DATABASE + "_dask")
    set_db_url(course_dir, pg.url(DATABASE + "_dask", password=False))
    env = dict(nbgrader_env(course_dir), PGPASSWORD=pg.password)
    released = nbgrader(course_dir, "generate_assignment", A1, env=env, timeout=300)
    assert released.returncode == 0, released.output[-3000:]

    run = subprocess.run([sys.executable, "-m", "autograder", "autograde", A1, "--workers", "1"],
                         cwd=course_dir, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    assert gradebook_scores(load_course(course_dir)) == scores["postgresql"]
