"""The Korean edition end to end (issue 15), with the real nbgrader commands and a real kernel.

A scratch course whose course.yml says `language: ko` releases the Korean notebooks
(assignments/ko/) under the English assignment ids, notebook names and grade ids; each, filled with
the reference, runs top to bottom and draws its pictures with Korean letters (no glyph missing from
the fonts: that is what shows as boxes); a Korean student whose corr2d flips the kernel gets the
same score as in English and Korean feedback naming the mistake.
"""
from __future__ import annotations

import glob
import html
import os
import re
from pathlib import Path

import nbformat
import pytest

from autograder import demo
from autograder.course import load_course
from autograder.engine import grade_path
from autograder.i18n import language
from autograder.notebook_fill import fill_solution_cells, reference_sources
from autograder.registry import graded
from course_helpers import execute_notebook

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT)
IDS = [a.id for a in COURSE.assignments]
HANGUL = re.compile(r"[\uac00-\ud7a3]")

pytestmark = pytest.mark.e2e


def _korean_font_installed() -> bool:
    return bool(glob.glob("/usr/share/fonts/truetype/nanum/NanumGothic*.ttf")
                or glob.glob("/usr/share/fonts/opentype/noto/NotoSansCJK*"))


@pytest.fixture(scope="module")
def ko_course(tmp_path_factory) -> Path:
    """A scratch Korean section of the course with every assignment released by nbgrader."""
    course_dir = demo.prepare_course(ROOT, tmp_path_factory.mktemp("ko") / "course")
    demo.set_language(course_dir, "ko")
    result = demo.nbgrader(course_dir, "generate_assignment", "*", "--force", timeout=300)
    assert result.returncode == 0, result.output[-3000:]
    return course_dir


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


@pytest.mark.parametrize("assignment_id", IDS)
def test_the_korean_release_has_the_english_ids_grade_cells_and_a_glossary(ko_course, assignment_id):
    released = demo.release_notebook(ko_course, assignment_id)
    english = nbformat.read(ROOT / COURSE.assignment(assignment_id).notebook, as_version=4)
    ko_only = [c for c in released.cells if "ko" in c.metadata.get("tags", [])]
    shared = [c for c in released.cells if c not in ko_only]
    assert [c["id"] for c in shared] == [c["id"] for c in english.cells]
    assert [(_meta(c).get("grade_id"), _meta(c).get("points")) for c in shared] == \
        [(_meta(c).get("grade_id"), _meta(c).get("points")) for c in english.cells]

    prose = [c.source for c in shared if c.cell_type == "markdown"]
    assert all(HANGUL.search(text) for text in prose), "a markdown cell left in English"
    glossary = next(c.source for c in ko_only if "glossary" in c.metadata.get("tags", []))
    for korean, english_term in (("커널", "kernel"), ("채널", "channel")):
        if korean in "\n".join(prose):  # every term the notebook uses is in its glossary
            assert re.search(rf"{korean}.*\|.*{english_term}", glossary, re.I), (korean, glossary)
    text = "\n".join(c.source for c in released.cells)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


@pytest.mark.parametrize("assignment_id", IDS)
def test_the_filled_korean_release_runs_clean_and_draws_korean_letters(ko_course, assignment_id,
                                                                        tmp_path):
    if not _korean_font_installed():
        if os.environ.get("CI"):
            pytest.fail("no Korean font: .ci/run installs fonts-nanum")
        pytest.skip("no Korean font installed (make fonts)")
    nb = fill_solution_cells(demo.release_notebook(ko_course, assignment_id),
                             reference_sources(COURSE.solutions_dir, assignment_id))
    nb = execute_notebook(nb, tmp_path)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.get("outputs", []) if o.output_type == "stream")
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) >= 2
    # matplotlib warns "Glyph 52964 (\N{HANGUL SYLLABLE CEO}) missing from font(s) DejaVu Sans"
    # for every letter it would draw as a box
    assert "missing from font" not in printed and "findfont" not in printed, printed[-2000:]
    assert "한글 글꼴을 찾지 못해" not in printed


def test_a_korean_student_with_a_flipped_kernel_gets_korean_feedback(ko_course, monkeypatch):
    aid = "a2_correlation"
    notebook = demo.student_notebook(ko_course, aid, "ben", load_course(ko_course).solutions_dir)
    demo.submit(ko_course, "ben", aid, notebook)
    for step in ("autograde", "generate_feedback"):
        result = demo.nbgrader(ko_course, step, aid, "--student", "ben", "--force", timeout=600)
        assert result.returncode == 0, result.output[-3000:]
    page = html.unescape((ko_course / "feedback" / "ben" / aid / f"{aid}.html").read_text())

    flipped = next(m for m in graded("corr2d").mistakes if m.name == "kernel flipped")
    with language("ko"):
        korean = str(flipped.explanation)
    assert HANGUL.search(korean), f"the explanation is not translated: {korean!r}"
    assert korean in page
    assert str(flipped.explanation) not in page  # not in English as well
    assert demo.feedback_example(ko_course, "ben", aid, "corr2d") == korean  # what make demo shows

    scores = demo.gradebook_scores(load_course(ko_course))[("ben", aid)]
    assert 0 < (scores["test_corr2d"] or 0) < COURSE.assignment(aid).points["corr2d"]
    assert scores["test_corr1d"] == COURSE.assignment(aid).points["corr1d"]

    # the same code in the English edition, by the same student: the same cases, the same points
    english_release = nbformat.read(ROOT / COURSE.assignment(aid).notebook, as_version=4)
    english_notebook = fill_solution_cells(english_release, {
        name: next(c.source for c in notebook.cells if _meta(c).get("grade_id") == name)
        for name in COURSE.assignment(aid).functions})
    path = ko_course / "english" / "ben" / aid / f"{aid}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(english_notebook, path)
    monkeypatch.setenv("CONV_COURSE_SECRET", demo.DEMO_SECRET)
    report = grade_path(path, COURSE, aid, "ben")
    assert {f"test_{t.function}": pytest.approx(t.score) for t in report.tests} == \
        {k: v for k, v in scores.items() if k != "total"}
    assert all(not HANGUL.search(t.feedback) for t in report.tests)


def test_dask_workers_get_the_korean_notebook_of_a_korean_section(ko_course, tmp_path):
    """`python -m autograder autograde` ships the section's own source notebook to its workers:
    their nbgrader, reading course.yml's language, looks for it in assignments/ko/<id>/."""
    from autograder.parallel import course_payload
    from autograder.parallel_worker import unpack

    aid = "a3_multichannel"
    unpack(course_payload(load_course(ko_course), aid), tmp_path)
    shipped = load_course(tmp_path)
    assert shipped.language == "ko"
    notebook = nbformat.read(shipped.notebook_path(aid), as_version=4)
    assert shipped.notebook_path(aid) == tmp_path / "assignments" / "ko" / aid / f"{aid}.ipynb"
    assert HANGUL.search(notebook.cells[0].source)
