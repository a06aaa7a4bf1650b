"""End to end: the real nbgrader commands on real notebooks, graded by the trusted preprocessor.

One scratch course (module-scoped) is released, filled with a small class and autograded once per
assignment (several students per `nbgrader autograde` run), so the whole file stays within about
two minutes on two cores. Scores are read back from nbgrader's own gradebook.
"""
from __future__ import annotations

import copy
import csv
import html
import re
import time
from pathlib import Path

import nbformat
import pytest

from autograder.course import STUDENT_API, load_course
from autograder.demo import (
    gradebook_scores,
    nbgrader,
    prepare_course,
    release_notebook,
    submit,
    with_mistake,
)
from autograder.nbgrader_plugin import (
    BEGIN_HIDDEN,
    END_HIDDEN,
    SandboxedExecute,
    StripHiddenTests,
    TrustedGrades,
    absolute_db_url,
    configure,
    strip_hidden_tests,
    trusted_outputs,
)
from autograder.notebook_fill import fill_solution_cells, reference_sources
from course_helpers import cell_by_grade_id

e2e = pytest.mark.e2e
pytestmark = [pytest.mark.needs_bwrap,  # grades through the sandbox
              pytest.mark.timeout(1200)]  # the shared course fixture alone takes minutes

ROOT = Path(__file__).resolve().parents[1]
A2 = "a2_correlation"
CHEATED = "corr2d"  # the cheats below all target corr2d; its points are what they must lose

NOOP_ASSERT = '''
import numpy as np
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_equal = lambda *args, **kwargs: None
np.testing.assert_array_almost_equal = lambda *args, **kwargs: None
np.allclose = lambda *args, **kwargs: True

def corr2d(x, w):
    return np.zeros((1, 1))
'''

FAKE_NUMPY = '''
import sys, types
import numpy as _real_numpy
_fake = types.ModuleType("numpy")
_fake.__dict__.update({k: v for k, v in vars(_real_numpy).items() if not k.startswith("__")})
_fake.testing = types.SimpleNamespace(
    assert_allclose=lambda *a, **k: None,
    assert_array_equal=lambda *a, **k: None,
    assert_array_almost_equal=lambda *a, **k: None,
    assert_equal=lambda *a, **k: None,
)
_fake.allclose = lambda *a, **k: True
_fake.array_equal = lambda *a, **k: True
sys.modules["numpy"] = _fake
sys.modules["numpy.testing"] = _fake.testing
np = _fake

def corr2d(x, w):
    return 0.0
'''

CUSTOM_EXC = '''
try:
    get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)
except NameError:
    pass

def corr2d(x, w):
    return None
'''

KERNEL_DIES_IN = "corr3d"
DIES = '''
import os

def corr3d(x, w):
    os._exit(1)  # kills the kernel when the visible test calls it
'''

HANGS_IN = "corr1d"
HANGS = '''
def corr1d(x, w):
    while True:  # never returns
        pass
'''
CELL_TIMEOUT_S = 15  # nbgrader's per-cell timeout in the scratch course (course.yml says 120)

FLIPPED = '''
def corr2d(x, w):
    # flips the kernel: that is convolution, not cross-correlation
    return _first_try(x, np.asarray(w)[::-1, ::-1])
'''


def _with(sources: dict[str, str], function: str, source: str) -> dict[str, str]:
    changed = dict(sources)
    changed[function] = source
    return changed


_cell = cell_by_grade_id


def feedback_text(course_dir: Path, student: str, assignment_id: str) -> str:
    """The feedback HTML of one student as plain text (tags and styles removed)."""
    raw = (course_dir / "feedback" / student / assignment_id / f"{assignment_id}.html").read_text()
    raw = re.sub(r"<(style|script)\b.*?</\1>", "", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory):
    """A scratch course with every assignment released, a class submitted and autograded,
    feedback generated and grades exported. Returns (course_dir, {step: CommandResult})."""
    course_dir = prepare_course(ROOT, tmp_path_factory.mktemp("e2e") / "course")
    yml = course_dir / "course.yml"
    yml.write_text(re.sub(r"timeout_s: *\d+", f"timeout_s: {CELL_TIMEOUT_S}", yml.read_text()))
    course = load_course(course_dir)
    assert course.nbgrader.timeout_s == CELL_TIMEOUT_S
    results = {}
    for assignment in course.assignments:
        results[f"release {assignment.id}"] = nbgrader(course_dir, "generate_assignment", assignment.id)
        assert results[f"release {assignment.id}"].returncode == 0, results[f"release {assignment.id}"].output[-3000:]

    for assignment in course.assignments:
        released = release_notebook(course_dir, assignment.id)
        sources = reference_sources(course.solutions_dir, assignment.id)
        submit(course_dir, "ref", assignment.id, fill_solution_cells(released, sources))
        submit(course_dir, "untouched", assignment.id, copy.deepcopy(released))

    released = release_notebook(course_dir, A2)
    sources = reference_sources(course.solutions_dir, A2)
    submit(course_dir, "flipped", A2, fill_solution_cells(released, with_mistake(sources, "corr2d", FLIPPED)))
    submit(course_dir, "noop_assert", A2, fill_solution_cells(released, _with(sources, CHEATED, NOOP_ASSERT)))
    submit(course_dir, "fake_numpy", A2, fill_solution_cells(released, _with(sources, CHEATED, FAKE_NUMPY)))
    submit(course_dir, "custom_exc", A2, fill_solution_cells(released, _with(sources, CHEATED, CUSTOM_EXC)))
    submit(course_dir, "dies", A2, fill_solution_cells(released, _with(sources, KERNEL_DIES_IN, DIES)))
    submit(course_dir, "hangs", A2, fill_solution_cells(released, _with(sources, HANGS_IN, HANGS)))
    submit(course_dir, "broken_json", A2, '{"cells": [{"cell_type": "code", "source": "def corr1d(')

    edited = fill_solution_cells(released, sources)
    _cell(edited, "test_corr2d").source = "# I trust myself\npass"
    _cell(edited, "test_corr2d").metadata.nbgrader["points"] = 100
    submit(course_dir, "edited_test", A2, edited)
    deleted = fill_solution_cells(released, sources)
    deleted.cells = [c for c in deleted.cells
                     if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "test_corr1d"]
    submit(course_dir, "deleted_test", A2, deleted)

    for assignment in course.assignments:
        started = time.monotonic()
        result = nbgrader(course_dir, "autograde", assignment.id)
        result.seconds = time.monotonic() - started
        results[f"autograde {assignment.id}"] = result
    for assignment in course.assignments:
        results[f"feedback {assignment.id}"] = nbgrader(course_dir, "generate_feedback", assignment.id)
    results["export"] = nbgrader(course_dir, "export")
    return course_dir, results


@pytest.fixture(scope="module")
def scores(course_dir):
    return gradebook_scores(load_course(course_dir[0]))


@e2e
def test_every_nbgrader_command_succeeds(course_dir):
    _, results = course_dir
    failed = {step: r.output[-4000:] for step, r in results.items() if r.returncode != 0}
    assert not failed, failed


@e2e
def test_reference_code_gets_full_marks_in_every_assignment(course_dir, scores):
    course = load_course(course_dir[0])
    for assignment in course.assignments:
        grades = scores[("ref", assignment.id)]
        assert grades["total"] == pytest.approx(assignment.max_score), (assignment.id, grades)
        for function, points in assignment.points.items():
            assert grades[f"test_{function}"] == pytest.approx(points), (assignment.id, function, grades)


@e2e
def test_untouched_notebooks_get_zero(course_dir, scores):
    course = load_course(course_dir[0])
    for assignment in course.assignments:
        grades = scores[("untouched", assignment.id)]
        assert grades["total"] == 0, (assignment.id, grades)
        assert all(grades[f"test_{f}"] == 0 for f in assignment.functions), grades


@e2e
def test_typical_mistake_gets_partial_credit_and_is_named_in_the_feedback(course_dir, scores):
    course = load_course(course_dir[0])
    points = course.assignment(A2).points
    grades = scores[("flipped", A2)]
    assert grades["test_corr2d"] < points["corr2d"]
    for function in points:
        if function != "corr2d":
            assert grades[f"test_{function}"] == pytest.approx(points[function]), (function, grades)
    text = feedback_text(course_dir[0], "flipped", A2)
    corr2d_part = text[text.index("test_corr2d"):text.index("test_corr3d")]
    assert "flip" in corr2d_part.lower(), corr2d_part[-2000:]
    assert "checks passed" in corr2d_part, corr2d_part[-2000:]


@e2e
@pytest.mark.parametrize("student", ["noop_assert", "fake_numpy", "custom_exc"])
def test_in_kernel_cheats_score_exactly_their_honest_part(course_dir, scores, student):
    course = load_course(course_dir[0])
    assignment = course.assignment(A2)
    grades = scores[(student, A2)]
    assert grades[f"test_{CHEATED}"] == 0, grades
    assert grades["total"] == pytest.approx(assignment.max_score - assignment.points[CHEATED]), grades


def _lost_only_and_feedback(course_dir, scores, student: str, function: str) -> str:
    """Assert the student lost exactly `function`'s points in A2; return that test cell's feedback."""
    course_path, _ = course_dir
    assignment = load_course(course_path).assignment(A2)
    grades = scores[(student, A2)]
    assert grades[f"test_{function}"] == 0, grades
    assert grades["total"] == pytest.approx(assignment.max_score - assignment.points[function]), grades
    graded = nbformat.read(course_path / "autograded" / student / A2 / f"{A2}.ipynb", as_version=4)
    return "".join(o.get("text", "") for o in _cell(graded, f"test_{function}").outputs)


@e2e
def test_a_kernel_that_dies_in_one_test_keeps_the_points_of_the_others(course_dir, scores):
    feedback = _lost_only_and_feedback(course_dir, scores, "dies", KERNEL_DIES_IN)
    assert "KernelDied" in feedback and "kernel stopped" in feedback, feedback


@e2e
def test_a_cell_that_hangs_costs_one_timeout_and_only_its_own_points(course_dir, scores):
    feedback = _lost_only_and_feedback(course_dir, scores, "hangs", HANGS_IN)
    assert "CellTimeoutError" in feedback, feedback


@e2e
def test_an_unreadable_notebook_scores_zero_with_a_clear_message(course_dir, scores):
    course_path, _ = course_dir
    assert scores[("broken_json", A2)]["total"] == 0
    assert "could not be read" in feedback_text(course_path, "broken_json", A2)
    # the student's file is kept exactly as it was handed in
    assert (course_path / "submitted" / "broken_json" / A2 / f"{A2}.ipynb").read_text().startswith('{"cells": [')


@e2e
def test_edited_or_deleted_test_cells_are_restored_and_graded(course_dir, scores):
    course_path, _ = course_dir
    max_score = load_course(course_path).assignment(A2).max_score
    for student in ("edited_test", "deleted_test"):
        assert scores[(student, A2)]["total"] == pytest.approx(max_score), (student, scores[(student, A2)])
    graded = nbformat.read(course_path / "autograded" / "edited_test" / A2 / f"{A2}.ipynb", as_version=4)
    assert "I trust myself" not in _cell(graded, "test_corr2d").source
    graded = nbformat.read(course_path / "autograded" / "deleted_test" / A2 / f"{A2}.ipynb", as_version=4)
    assert _cell(graded, "test_corr1d").outputs  # re-added by nbgrader, then graded by us
    # and the student is told
    assert "test cell test_corr2d was changed" in feedback_text(course_path, "edited_test", A2)
    assert "test cell test_corr1d was missing" in feedback_text(course_path, "deleted_test", A2)
    assert "was changed" not in feedback_text(course_path, "ref", A2)


@e2e
def test_feedback_never_shows_hidden_tests_or_reference_code(course_dir):
    course_path, _ = course_dir
    course = load_course(course_path)
    for assignment in course.assignments:
        source = nbformat.read(course_path / assignment.notebook, as_version=4)
        hidden_lines = []
        for cell in source.cells:
            inside = False
            for line in cell.source.splitlines():
                if BEGIN_HIDDEN in line:
                    inside = True
                elif END_HIDDEN in line:
                    inside = False
                elif inside and line.strip():
                    hidden_lines.append(line.strip())
        for html_file in (course_path / "feedback").glob(f"*/{assignment.id}/*.html"):
            text = html.unescape(html_file.read_text())
            assert "HIDDEN TESTS" not in text, html_file
            for line in hidden_lines:
                assert line not in text, (html_file, line)
        for nb_file in (course_path / "autograded").glob(f"*/{assignment.id}/*.ipynb"):
            assert "HIDDEN TESTS" not in nb_file.read_text(), nb_file
    # the untouched student's feedback holds no line of the reference solution's bodies
    reference = (ROOT / "solutions" / "a2_correlation.py").read_text()
    body_lines = {ln.strip() for ln in reference.splitlines()
                  if len(ln.strip()) > 40 and not ln.strip().startswith(("#", '"'))}
    text = feedback_text(course_path, "untouched", A2)
    assert not [ln for ln in body_lines if ln in text]


@e2e
def test_feedback_shows_scores_and_what_passed(course_dir):
    text = feedback_text(course_dir[0], "ref", A2)
    assert "course autograder" in text
    assert "checks passed" in text


def test_feedback_names_each_test_by_its_function(course_dir):
    """The table of contents says "Tests of corr2d", not "Test cell" five times; the page keeps
    nbgrader's layout (one table of contents, the notebook below it)."""
    raw = (course_dir[0] / "feedback" / "ref" / A2 / f"{A2}.html").read_text()
    labels = re.findall(r'<li><a href="#test_\w+">([^<]+)</a>', raw)
    assert labels == [f"Tests of {f}" for f in STUDENT_API[A2]]
    assert raw.count('id="toc"') == 1 and 'id="notebook-container"' in raw


@e2e
def test_export_writes_every_graded_submission(course_dir, scores):
    course_path, _ = course_dir
    with open(course_path / "grades.csv", newline="") as handle:
        rows = {(row["student_id"], row["assignment"]): row for row in csv.DictReader(handle)}
    for key, grades in scores.items():
        assert float(rows[key]["score"]) == pytest.approx(grades["total"]), (key, rows[key])


@e2e
def test_reautograde_gives_the_same_gradebook(course_dir, scores):
    course_path, _ = course_dir
    # partial credit from randomized cases is where a non-deterministic grader would show
    result = nbgrader(course_path, "autograde", A2, "--force", "--student", "flipped")
    assert result.returncode == 0, result.output[-3000:]
    again = gradebook_scores(load_course(course_path))
    assert again == scores


# ------------------------------------------------------------------------------------------------
# the pieces on their own (fast: no nbgrader subprocess)


def test_relative_sqlite_urls_are_anchored_at_the_course_root(tmp_path):
    assert absolute_db_url("sqlite:///gradebook.db", tmp_path) == f"sqlite:///{tmp_path}/gradebook.db"
    assert absolute_db_url("sqlite:////srv/grades.db", tmp_path) == "sqlite:////srv/grades.db"
    assert absolute_db_url("postgresql://u@db/grades", tmp_path) == "postgresql://u@db/grades"


def test_hidden_regions_are_removed_and_an_unclosed_one_hides_the_rest():
    source = "a = 1\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS\nb = 2"
    assert strip_hidden_tests(source) == ("a = 1\nb = 2", True)
    assert strip_hidden_tests("a = 1\n### BEGIN HIDDEN TESTS\nsecret()") == ("a = 1", True)
    assert strip_hidden_tests("a = 1") == ("a = 1", False)


@pytest.mark.parametrize("score", [0.0, 0.272727, 2.5, 3.0])
def test_nbgrader_reads_our_outputs_as_exactly_that_partial_credit(score):
    from nbgrader.utils import determine_grade

    cell = nbformat.v4.new_code_cell("assert True")
    cell.metadata.nbgrader = {"grade": True, "solution": False, "locked": True, "grade_id": "test_f", "points": 3}
    cell.outputs = trusted_outputs("f: some feedback", score)
    assert determine_grade(cell) == (pytest.approx(score), 3.0)


def test_configure_puts_trusted_grades_after_execute_and_right_before_the_gradebook():
    from nbgrader.preprocessors import LimitOutput, OverwriteCells, SaveAutoGrades
    from traitlets.config import Config

    c = Config()
    course = load_course(ROOT)
    configure(c, course)
    pipeline = list(c.Autograde.autograde_preprocessors)
    assert pipeline[0] is SandboxedExecute
    assert pipeline.index(TrustedGrades) == pipeline.index(SaveAutoGrades) - 1
    assert pipeline.index(TrustedGrades) > pipeline.index(LimitOutput)
    # hidden regions go right after OverwriteCells restored them, before the kernel sees the notebook
    sanitize = list(c.Autograde.sanitize_preprocessors)
    assert sanitize.index(StripHiddenTests) == sanitize.index(OverwriteCells) + 1
    assert StripHiddenTests in c.GenerateFeedback.preprocessors
    assert c.CourseDirectory.root == str(ROOT)
    assert c.CourseDirectory.source_directory == "assignments"
    assert c.CourseDirectory.course_id == course.course_id
    assert c.CourseDirectory.db_url == f"sqlite:///{ROOT}/gradebook.db"
    assert c.Execute.timeout == course.nbgrader.timeout_s
    assert c.OverwriteCells.add_missing_cells is True


def test_the_root_nbgrader_config_file_loads_the_course(tmp_path):
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.CourseDirectory.root == str(ROOT)
    assert config.Execute.kernel_manager_class == "autograder.kernel_sandbox.SandboxedKernelManager"


def test_execute_uses_the_sandboxed_kernel_unless_configured_otherwise():
    from jupyter_client.manager import AsyncKernelManager
    from traitlets.config import Config

    from autograder.kernel_sandbox import SandboxedKernelManager

    c = Config()
    configure(c, load_course(ROOT))
    assert SandboxedExecute(config=c).kernel_manager_class is SandboxedKernelManager
    c.Execute.kernel_manager_class = "jupyter_client.manager.AsyncKernelManager"
    assert SandboxedExecute(config=c).kernel_manager_class is AsyncKernelManager


def test_trusted_grades_overwrite_whatever_the_kernel_printed():
    """A notebook whose stubs are untouched but whose test cells 'printed' full marks scores 0."""
    from nbgrader.utils import determine_grade

    nb = nbformat.read(ROOT / "assignments" / "a1_output_size" / "a1_output_size.ipynb", as_version=4)
    test_cells = [c for c in nb.cells
                  if c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").startswith("test_")]
    for cell in test_cells:
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
    # fill nothing: the source notebook's solution cells are stubs
    nb, _ = TrustedGrades(course_root=str(ROOT)).preprocess(
        nb, {"nbgrader": {"assignment": "a1_output_size", "student": "unit", "notebook": "a1_output_size"}}
    )
    assert test_cells
    for cell in test_cells:
        assert determine_grade(cell)[0] == 0, cell.outputs
        assert "course autograder" in cell.outputs[0]["text"]
