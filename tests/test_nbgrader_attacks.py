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
import html
import json
import os
import time
from pathlib import Path

import pytest

from autograder.course import load_course
from autograder.demo import (
    gradebook_scores,
    nbgrader,
    nbgrader_env,
    prepare_course,
    release_notebook,
    submit,
)
from autograder.notebook_fill import fill_solution_cells, reference_sources
from course_helpers import cell_by_grade_id

pytestmark = [pytest.mark.e2e, pytest.mark.needs_bwrap,
              pytest.mark.timeout(1200)]  # the shared course fixtures alone take minutes

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
    indented = "\n".join("    " + line for line in attack.strip().splitlines())
    guarded = "try:\n" + indented + "\nexcept Exception as _e:\n    print('attack failed:', _e)\n"
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


# ------------------------------------------------------------------------------------------------
# Submissions plain nbgrader could not take (issue 10): they were dropped (0 points, no feedback,
# `nbgrader autograde` exit 1), leaked hidden tests into outputs, or put live HTML in front of the
# student and the instructor. One class, graded in one `nbgrader autograde` run.

HIDDEN_MARKER = "print('hidden-marker-5d1c')"  # a line inside a hidden region of the scratch course
ODD_CELL_TIMEOUT_S = 5  # nbgrader's per-cell timeout in this scratch course
ODD_TIME_LIMIT_S = 3  # the trusted grader's per-test limit in this scratch course
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="

HOOK = '''
def _show_before(info):
    print("PRE_RUN:", info.raw_cell)
def _show_after(result):
    print("POST_RUN:", result.info.raw_cell)
try:
    get_ipython().events.register("pre_run_cell", _show_before)
    get_ipython().events.register("post_run_cell", _show_after)
except NameError:
    pass
'''
HISTORY = '''print("IN:", In)
print("IH:", _ih)
print("HISTORY:", list(get_ipython().history_manager.get_range(output=False)))
print("TAIL:", list(get_ipython().history_manager.get_tail(1000, raw=True)))
'''
SURROGATE_OUTPUT = '''
try:
    import json as _json
    get_ipython().kernel.session.pack = lambda obj: _json.dumps(obj, default=str).encode()  # escapes: "\\\\udc80"
    print("from the kernel: \\udc80, and controls \\x00\\x07\\x1b[31m\\x7f")
except NameError:
    pass
'''
STRAY_NOTEBOOK = '''
import json as _json
try:
    with open("stray.ipynb", "w") as _f:
        _json.dump({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, _f)
except OSError as _e:
    print(_e)
'''
IGNORES_INTERRUPTS = '''
def conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    while True:  # hangs, and swallows every KeyboardInterrupt the kernel gets
        try:
            while True:
                pass
        except KeyboardInterrupt:
            pass
'''
XSS_MARKDOWN = ('XSS_MD <script>alert(1)</script> <img src=x onerror="alert(2)"> [link](javascript:alert(3)) '
                '<svg onload="alert(4)"></svg> <a href="javascript:alert(5)">a</a>')
XSS_OUTPUTS = f'''from IPython.display import HTML, SVG, Image, Javascript, Markdown, display
import base64
display(HTML('XSS_OUT <script>alert(6)</script><img src=x onerror="alert(7)">'))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(8)">'
            '<script>alert(9)</script><rect width="2" height="2"/></svg>'))
display(Javascript('alert(10)'))
display(Markdown('[md](javascript:alert(11))'))
display(Image(data=base64.b64decode("{PNG}"), width='1 onerror="alert(12)"'))
'''


_cell = cell_by_grade_id


def odd_submissions(released, sources):
    """{student: (notebook or raw JSON text, phrases its notes must contain)}; reference code throughout,
    except odd_hang, whose conv_output_shape hangs."""
    import copy

    import nbformat

    subs: dict[str, tuple[object, list[str]]] = {"odd_ref": (fill_solution_cells(released, sources), [])}

    nb = fill_solution_cells(released, sources)  # 7: a kernel that prints every cell it is given
    _cell(nb, "conv_output_length").source += "\n" + HOOK
    nb.cells.append(nbformat.v4.new_code_cell(HISTORY))
    subs["odd_hook"] = (nb, [])

    nb = fill_solution_cells(released, sources)  # a test cell nbgrader does not know
    bonus = nbformat.v4.new_code_cell("print('my own test')")
    bonus.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": "test_bonus",
                                  "points": 10, "schema_version": 3}
    nb.cells.append(bonus)
    subs["odd_unknown"] = (nb, ["'test_bonus' that this assignment does not have"])

    nb = fill_solution_cells(released, sources)  # cells re-tagged, a schema changed, a cell pasted twice
    _cell(nb, "conv_output_length").metadata.nbgrader.update(grade=True, points=3)
    _cell(nb, "test_conv_output_shape").metadata.nbgrader.update(solution=True, locked=False)
    _cell(nb, "setup").metadata.nbgrader["schema_version"] = 1
    answer = _cell(nb, "conv_output_shape")
    pasted = copy.deepcopy(answer)
    pasted.id = "pasted-copy"
    nb.cells.insert(nb.cells.index(answer), pasted)
    subs["odd_retag"] = (nb, ["cell conv_output_length were changed", "cell test_conv_output_shape were changed",
                              "cell setup were changed", "copy of the nbgrader cell conv_output_shape"])

    nb = fill_solution_cells(released, sources)  # characters nbgrader cannot write, from the file and the kernel
    nb.cells.append(nbformat.v4.new_markdown_cell("a lone surrogate \udc80, a NUL \x00, an escape \x1b[31m"))
    _cell(nb, "conv_output_length").source += "\n# caf\udc80\n"
    _cell(nb, "conv_output_shape").source += "\n" + SURROGATE_OUTPUT
    subs["odd_unencodable"] = (json.dumps(nb), ["not valid Unicode"])  # json escapes keep the surrogates

    nb = fill_solution_cells(released, sources)  # a notebook the kernel writes next to the submission
    _cell(nb, "conv_output_shape").source += "\n" + STRAY_NOTEBOOK
    subs["odd_stray"] = (nb, [])  # written into the kernel's private copy: nothing to tell

    subs["odd_hang"] = (fill_solution_cells(released, dict(sources, conv_output_shape=IGNORES_INTERRUPTS)),
                        ["did not stop when interrupted"])

    nb = fill_solution_cells(released, sources)  # 9: HTML that would run in the feedback page and formgrader
    nb.cells.append(nbformat.v4.new_markdown_cell(XSS_MARKDOWN))
    nb.cells.append(nbformat.v4.new_code_cell(XSS_OUTPUTS))
    subs["odd_xss"] = (nb, [])
    return subs


@pytest.fixture(scope="module")
def odd_class(tmp_path_factory):
    """The class above, with a hidden marker line in the source notebook: released, autograded,
    feedback generated, graded by the CLI on the same files, then autograded again with --force."""
    import re

    import nbformat

    from autograder.demo import DEMO_SECRET
    from autograder.engine import grade_path

    course_dir = prepare_course(ROOT, tmp_path_factory.mktemp("odd") / "course")
    yml = course_dir / "course.yml"
    text = re.sub(r"timeout_s: *\d+", f"timeout_s: {ODD_CELL_TIMEOUT_S}", yml.read_text())
    yml.write_text(re.sub(r"time_s: *\d+", f"time_s: {ODD_TIME_LIMIT_S}", text))
    source_path = course_dir / "assignments" / AID / f"{AID}.ipynb"
    source = nbformat.read(source_path, as_version=4)
    test_cell = _cell(source, "test_conv_output_length")
    test_cell.source = test_cell.source.replace("### END HIDDEN TESTS", f"{HIDDEN_MARKER}\n### END HIDDEN TESTS")
    assert HIDDEN_MARKER in test_cell.source
    nbformat.write(source, source_path)

    env = nbgrader_env(course_dir)
    assert nbgrader(course_dir, "generate_assignment", AID, env=env).returncode == 0
    course = load_course(course_dir)
    subs = odd_submissions(release_notebook(course_dir, AID), reference_sources(course.solutions_dir, AID))
    for student, (nb, _) in subs.items():
        submit(course_dir, student, AID, nb)

    run = {"subs": subs, "course_dir": course_dir, "course": course}
    started = time.monotonic()
    run["autograde"] = nbgrader(course_dir, "autograde", AID, env=env, timeout=900)
    run["autograde_seconds"] = time.monotonic() - started
    run["scores"] = gradebook_scores(course)
    run["feedback"] = nbgrader(course_dir, "generate_feedback", AID, env=env, timeout=600)
    saved = os.environ.get("CONV_COURSE_SECRET")
    os.environ["CONV_COURSE_SECRET"] = DEMO_SECRET  # the secret nbgrader_env gives the nbgrader commands
    try:
        run["cli"] = {s: grade_path(course_dir / "submitted" / s / AID / f"{AID}.ipynb", course, AID, s).score
                      for s in subs}
    finally:
        if saved is None:
            os.environ.pop("CONV_COURSE_SECRET")
        else:
            os.environ["CONV_COURSE_SECRET"] = saved
    run["force"] = nbgrader(course_dir, "autograde", AID, "--force", env=env, timeout=900)
    run["scores_after_force"] = gradebook_scores(course)
    return run


def _feedback_page(run, student) -> str:
    return (run["course_dir"] / "feedback" / student / AID / f"{AID}.html").read_text()


def _warning_lines(output: str, student: str) -> list[str]:
    return [ln for ln in output.splitlines() if "| WARNING]" in ln and f"{student}/{AID}: " in ln]


def test_odd_class_every_command_exits_0(odd_class):
    for step in ("autograde", "feedback", "force"):
        assert odd_class[step].returncode == 0, (step, odd_class[step].output[-4000:])


@pytest.mark.parametrize("student", ["odd_ref", "odd_hook", "odd_unknown", "odd_retag", "odd_unencodable",
                                     "odd_stray", "odd_hang", "odd_xss"])
def test_odd_submission_is_graded_on_its_honest_code(odd_class, student):
    """The same score as `python -m autograder grade` on the same file; a regrade changes nothing."""
    total = odd_class["scores"][(student, AID)]["total"]
    assert total == pytest.approx(odd_class["cli"][student]), (total, odd_class["cli"][student])
    assert total == pytest.approx(3.0 if student == "odd_hang" else 5.0)  # conv_output_shape hangs: 2 points
    assert odd_class["scores_after_force"][(student, AID)] == odd_class["scores"][(student, AID)]


@pytest.mark.parametrize("student", ["odd_unknown", "odd_retag", "odd_unencodable", "odd_hang"])
def test_odd_submission_is_told_why_and_the_instructor_gets_one_line_per_problem(odd_class, student):
    _, phrases = odd_class["subs"][student]
    page = html.unescape(_feedback_page(odd_class, student))
    lines = _warning_lines(odd_class["autograde"].output, student)
    assert len(lines) == len(set(lines)), lines  # no problem logged twice
    for phrase in phrases:
        assert phrase in page, phrase
        assert [ln for ln in lines if phrase in ln], (phrase, lines)
    assert "Notes from the autograder" not in html.unescape(_feedback_page(odd_class, "odd_ref"))


def test_hidden_tests_never_reach_the_kernel_so_no_hook_can_show_them(odd_class):
    import nbformat

    course_dir = odd_class["course_dir"]
    graded = nbformat.read(course_dir / "autograded" / "odd_hook" / AID / f"{AID}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in graded.cells for o in c.get("outputs", []))
    # the hooks and the history did show the cells the kernel got, test cells included
    assert "PRE_RUN:" in printed and "# Valid mode: O = n - k + 1" in printed
    pages = list(course_dir.glob(f"autograded/*/{AID}/*.ipynb")) + list(course_dir.glob(f"feedback/*/{AID}/*.html"))
    for path in pages:
        text = html.unescape(path.read_text())
        assert "hidden-marker-5d1c" not in text and "HIDDEN TESTS" not in text, path


def test_a_kernel_that_ignores_interrupts_is_killed_not_waited_on(odd_class):
    import re

    ran = re.search(rf"odd_hang/{AID}: notebook ran in the kernel in ([\d.]+) s", odd_class["autograde"].output)
    assert ran, odd_class["autograde"].output[-3000:]
    # the cell's timeout, nbclient's few seconds for the interrupt, the kill: a bounded wait.
    # Unkilled, the kernel loops for ever (the batch would hit the test's timeout); the margin
    # is wide because a loaded machine stretches every step (15.4 s was seen against 5 + 10)
    assert float(ran.group(1)) < ODD_CELL_TIMEOUT_S + 60
    assert "CellTimeoutError" in html.unescape(_feedback_page(odd_class, "odd_hang"))


def test_a_notebook_the_kernel_wrote_does_not_stop_the_feedback(odd_class):
    """The kernel writes stray.ipynb into its private copy of the folder; autograded/ never sees
    it, so generate_feedback has nothing unknown to choke on (and there is nothing to note)."""
    folder = odd_class["course_dir"] / "autograded" / "odd_stray" / AID
    assert sorted(p.name for p in folder.iterdir()) == [f"{AID}.ipynb", "timestamp.txt"]
    assert (odd_class["course_dir"] / "feedback" / "odd_stray" / AID / f"{AID}.html").is_file()


def test_student_html_is_inert_in_the_feedback_and_in_formgrader(odd_class):
    import nbformat
    from nbconvert import HTMLExporter

    from course_helpers import live_script

    course_dir = odd_class["course_dir"]
    page = _feedback_page(odd_class, "odd_xss")
    assert live_script(page) == []
    assert "XSS_MD" in page and "XSS_OUT" in page  # the student's own text is still there
    assert f"data:image/png;base64,{PNG}" in page  # and so is the picture
    # formgrader renders the stored notebook with nbconvert's classic template, unsanitized
    stored = course_dir / "autograded" / "odd_xss" / AID / f"{AID}.ipynb"
    body, _ = HTMLExporter(template_name="classic").from_filename(str(stored))
    assert live_script(body) == []
    graded = nbformat.read(stored, as_version=4)
    svg = [o.data["image/svg+xml"] for c in graded.cells for o in c.get("outputs", [])
           if "image/svg+xml" in o.get("data", {})]
    assert svg and all("alert" not in s and "<rect" in s for s in svg)
    # the course's own markdown is untouched
    source = nbformat.read(course_dir / "assignments" / AID / f"{AID}.ipynb", as_version=4)
    kept = {c.source for c in graded.cells if c.cell_type == "markdown"}
    assert all(c.source in kept for c in source.cells if c.cell_type == "markdown")
