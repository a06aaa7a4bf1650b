"""Submissions that attack the course during `nbgrader autograde` (issue 7), with the real commands.

Each attacker hands in a1_output_size with attack code in a solution cell. Two honest students are
graded first; then each attacker is autograded on its own (`--student`), with a snapshot of every
file and of the gradebook before and after. For each attack we check that

- the attacker scores exactly its honest part (what its functions earn on their own);
- every other student's scores, and every file outside the attacker's own autograded folder,
  are byte-for-byte the same (the gradebook and nbgrader's logs change only by the attacker's rows);
- no process the submission started is alive when autograde returns;
- autograde of the submission finishes within its time limits.

To see that these tests test something, run them with the sandbox switched off (a plain Jupyter
kernel and an unprotected grader child):  CONV_TEST_UNSANDBOXED=1 pytest tests/test_nbgrader_attacks.py
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from autograder.course import load_course
from autograder.demo import gradebook_scores, nbgrader, nbgrader_env, prepare_course, release_notebook, submit
from autograder.notebook_fill import fill_solution_cells, reference_sources

pytestmark = [pytest.mark.e2e, pytest.mark.needs_bwrap]

ROOT = Path(__file__).resolve().parents[1]
AID = "a1_output_size"
UNSANDBOXED = bool(os.environ.get("CONV_TEST_UNSANDBOXED"))
# Every process an attack starts renames itself MARK + a suffix (prctl), so that this run's
# leftovers can be told apart from anything else on the machine (another test run, say).
MARK = f"atk{os.getpid() % 10**6:06d}"
AUTOGRADE_SECONDS = 90  # one submission: kernel start, a few cells, the trusted grading

# Where a submission would look for the course: up from its working folder, the environment, and
# the working folder of its parent process (plain nbgrader runs the kernel from the course root).
FIND_COURSE = '''
import os, pathlib
def _course_roots():
    seen = []
    candidates = [pathlib.Path.cwd(), *pathlib.Path.cwd().parents]
    for value in os.environ.values():
        if value.startswith("/"):
            candidates.append(pathlib.Path(value))
    try:
        candidates.append(pathlib.Path(os.readlink(f"/proc/{os.getppid()}/cwd")))
    except OSError:
        pass
    for folder in candidates:
        try:
            if (folder / "course.yml").is_file() and folder not in seen:
                seen.append(folder)
        except OSError:
            pass
    return seen
'''

NAME_PROCESS = '''
def _name_me(name):
    import ctypes
    try:
        ctypes.CDLL(None).prctl(15, name.encode()[:15], 0, 0, 0)
    except Exception:
        pass
'''

ATTACKS = {
    # the gradebook rewritten with the standard library's sqlite3, from the kernel itself
    "atk_gradebook": (5.0, FIND_COURSE + '''
import sqlite3
for _root in _course_roots():
    try:
        _con = sqlite3.connect(str(_root / "gradebook.db"), timeout=2)
        _con.execute("UPDATE grade SET auto_score = 0, manual_score = 0")
        _con.commit()
        _con.close()
        print("rewrote", _root / "gradebook.db")
    except Exception as _error:
        print("gradebook:", _error)
'''),
    # the same from a double-forked setsid daemon that keeps at it after the kernel is gone
    "atk_daemon": (5.0, FIND_COURSE + NAME_PROCESS + '''
import sqlite3, time
_roots = _course_roots()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        _name_me("@MARK@_dm")
        _end = time.time() + 45
        while time.time() < _end:
            for _root in _roots:
                try:
                    _con = sqlite3.connect(str(_root / "gradebook.db"), timeout=1)
                    _con.execute("UPDATE grade SET auto_score = 1000")
                    _con.commit()
                    _con.close()
                except Exception:
                    pass
            time.sleep(0.2)
        os._exit(0)
    os._exit(0)
time.sleep(0.5)
'''),
    # other students' submitted and autograded notebooks overwritten, the course config edited
    "atk_files": (5.0, FIND_COURSE + '''
_me = pathlib.Path.cwd().resolve()
for _root in _course_roots():
    for _path in list(_root.glob("submitted/*/*/*.ipynb")) + list(_root.glob("autograded/*/*/*.ipynb")):
        if "atk_files" in _path.parts:
            continue
        try:
            os.chmod(_path, 0o644)
            _path.write_text("{}")
        except Exception as _error:
            print(_path, _error)
    for _name in ("nbgrader_config.py", "course.yml"):
        try:
            with open(_root / _name, "a") as _f:
                _f.write("\\n# edited by a student\\n")
        except Exception as _error:
            print(_name, _error)
'''),
    # a fake reference planted in solutions/ (everything returns 0, like this student's code)
    "atk_plant": (0.0, FIND_COURSE + '''
for _root in _course_roots():
    for _name in ("a1_output_size.py", "planted.py"):
        try:
            (_root / "solutions" / _name).write_text(
                "def conv_output_length(*a, **k):\\n    return 0\\n"
                "def conv_output_shape(*a, **k):\\n    return 0\\n")
        except Exception as _error:
            print(_name, _error)
'''),
    # the reference read from solutions/ and run as the student's own code
    "atk_read": (0.0, FIND_COURSE + '''
for _root in _course_roots():
    try:
        exec((_root / "solutions" / "a1_output_size.py").read_text(), globals())
    except Exception as _error:
        print("solutions:", _error)
'''),
    # processes left running: a new session and a double fork
    "atk_leftover": (5.0, NAME_PROCESS + '''
import os, subprocess, sys, time
subprocess.Popen(
    [sys.executable, "-c", "import ctypes, time; ctypes.CDLL(None).prctl(15, b'@MARK@_lo', 0, 0, 0); time.sleep(300)"],
    start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        _name_me("@MARK@_sl")
        time.sleep(300)
        os._exit(0)
    os._exit(0)
time.sleep(0.5)
'''),
}
HONEST_FUNCTIONS = {"atk_plant": "wrong", "atk_read": "stubs"}  # the others hand in the reference


def attacker_notebook(released, sources: dict[str, str], student: str):
    """The reference (or wrong/stub code) with the attack in the last solution cell."""
    _, attack = ATTACKS[student]
    attack = attack.replace("@MARK@", MARK)
    kind = HONEST_FUNCTIONS.get(student, "reference")
    if kind == "reference":
        nb = fill_solution_cells(released, sources)
    elif kind == "wrong":
        nb = fill_solution_cells(released, {f: f"def {f}(*args, **kwargs):\n    return 0\n" for f in sources})
    else:
        nb = fill_solution_cells(released, {})
    solution_cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    # wrapped so that a blocked attack is not an error in the student's own notebook
    guarded = "try:\n" + "\n".join("    " + line for line in attack.strip().splitlines()) + "\nexcept Exception as _e:\n    print('attack failed:', _e)\n"
    solution_cells[-1].source = solution_cells[-1].source + "\n\n" + guarded
    return nb


def snapshot(course_dir: Path, skip_student: str) -> dict[str, str]:
    """sha256 of every file under the course, except what autograding this student may change."""
    skipped_roots = {"gradebook.db", "gradebook.db-journal", ".nbgrader.log", "nbgrader-commands.log"}
    found = {}
    for path in sorted(course_dir.rglob("*")):
        rel = path.relative_to(course_dir)
        if rel.parts[0] in skipped_roots or "__pycache__" in rel.parts:
            continue
        if rel.parts[:2] == ("autograded", skip_student):
            continue
        if path.is_file() and not path.is_symlink():
            found[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def attack_processes() -> list[str]:
    """Live processes whose name starts with the attack mark."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            state = next((ln for ln in (entry / "status").read_text().splitlines() if ln.startswith("State:")), "")
        except OSError:
            continue
        if comm.startswith(MARK) and "zombie" not in state:
            alive.append(f"{entry.name} {comm}")
    return alive


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """Run every attack; returns {student: dict(result, seconds, before, after, files_before,
    files_after, processes, expected)} plus the victims' reference scores."""
    course_dir = prepare_course(ROOT, tmp_path_factory.mktemp("attacks") / "course")
    env = nbgrader_env(course_dir)
    if UNSANDBOXED:
        yml = course_dir / "course.yml"
        yml.write_text(yml.read_text().replace("allow_unprotected: false", "allow_unprotected: true"))
        with open(course_dir / "nbgrader_config.py", "a") as config:
            config.write('\nc.Execute.kernel_manager_class = "jupyter_client.manager.AsyncKernelManager"\n')
        env["AUTOGRADER_NO_BWRAP"] = "1"
    course = load_course(course_dir)
    assert nbgrader(course_dir, "generate_assignment", AID, env=env).returncode == 0
    released = release_notebook(course_dir, AID)
    sources = reference_sources(course.solutions_dir, AID)
    for victim in ("victim_a", "victim_b"):
        submit(course_dir, victim, AID, fill_solution_cells(released, sources))
    first = nbgrader(course_dir, "autograde", AID, env=env)
    assert first.returncode == 0, first.output[-3000:]

    runs = {}
    for student, (expected, _) in ATTACKS.items():
        submit(course_dir, student, AID, attacker_notebook(released, sources, student))
        before = gradebook_scores(course)
        files_before = snapshot(course_dir, student)
        started = time.monotonic()
        result = nbgrader(course_dir, "autograde", AID, "--student", student, env=env, timeout=600)
        seconds = time.monotonic() - started
        processes = attack_processes()
        time.sleep(1.0)  # a daemon that survived gets a moment to do its damage
        runs[student] = dict(
            result=result, seconds=seconds, expected=expected, processes=processes,
            before=before, after=gradebook_scores(course),
            files_before=files_before, files_after=snapshot(course_dir, student),
        )
    yield runs
    for line in attack_processes():  # never leave an attack behind, whatever the outcome
        try:
            os.kill(int(line.split()[0]), 9)
        except OSError:
            pass


@pytest.mark.parametrize("student", list(ATTACKS))
def test_attacker_scores_exactly_its_honest_part(attacked, student):
    run = attacked[student]
    assert run["result"].returncode == 0, run["result"].output[-3000:]
    assert run["after"][(student, AID)]["total"] == pytest.approx(run["expected"]), run["after"][(student, AID)]


@pytest.mark.parametrize("student", list(ATTACKS))
def test_other_students_scores_are_untouched(attacked, student):
    run = attacked[student]
    others_before = {k: v for k, v in run["before"].items() if k[0] != student}
    others_after = {k: v for k, v in run["after"].items() if k[0] != student}
    assert others_after == others_before


@pytest.mark.parametrize("student", list(ATTACKS))
def test_no_file_outside_the_attackers_autograded_folder_changes(attacked, student):
    run = attacked[student]
    before, after = run["files_before"], run["files_after"]
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed


@pytest.mark.parametrize("student", list(ATTACKS))
def test_nothing_the_submission_started_is_still_running(attacked, student):
    assert attacked[student]["processes"] == []


@pytest.mark.parametrize("student", list(ATTACKS))
def test_autograde_of_the_attack_finishes_in_time(attacked, student):
    assert attacked[student]["seconds"] < AUTOGRADE_SECONDS
