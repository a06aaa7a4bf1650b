"""The course's nbgrader preprocessors on their own (no nbgrader subprocess): each takes a notebook
nbgrader could not take and leaves one it can, with a note for the student and a log line."""
import logging
from pathlib import Path

import nbformat
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import DeduplicateIds

from autograder.nbgrader_plugin import (
    NOTES_KEY,
    ReleasedCell,
    ReplaceUnencodable,
    RestoreCellRoles,
    SanitizeStudentHtml,
    notes_cell,
)
from course_helpers import live_script

ROOT = Path(__file__).resolve().parents[1]
A1 = "a1_output_size"


def _resources(released=None):
    resources = {"nbgrader": {"student": "stu", "assignment": A1, "notebook": A1, "db_url": "sqlite://"}}
    if released is not None:
        resources["autograder_released"] = released  # what released_cells() would read from the gradebook
    return resources


def _meta(grade_id, *, grade=False, solution=False, locked=False, points=None, **extra):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution, **extra}
    if points is not None:
        meta["points"] = points
    return meta


def _code(source, meta=None):
    cell = nbformat.v4.new_code_cell(source)
    if meta is not None:
        cell.metadata["nbgrader"] = meta
    return cell


RELEASED = {
    "f": ReleasedCell(_meta("f", solution=True), "def f():\n    raise NotImplementedError()", False),
    "test_f": ReleasedCell(_meta("test_f", grade=True, locked=True, points=3.0), "assert f() == 1", True),
    "setup": ReleasedCell(_meta("setup", locked=True), "import numpy as np", False),
}


def _warnings(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_retagged_copied_and_unknown_cells_get_their_released_roles(caplog):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _code("import numpy as np", _meta("setup", locked=True, schema_version=1)),  # would stop the batch
        _code("def f():\n    return 0", _meta("f", solution=True)),  # a pasted copy of the answer cell
        _code("def f():\n    return 1", _meta("f", grade=True, solution=True, points=3)),  # answer re-tagged as graded
        _code("assert f() == 1", _meta("test_f", solution=True, locked=False)),  # test re-tagged as an answer
        _code("print('mine')", _meta("test_bonus", grade=True, locked=True, points=10)),  # unknown to the gradebook
        _code("x = 1", {"grade": False, "solution": False, "locked": False}),  # harmless leftover
        _code("y = 2"),
    ]
    with caplog.at_level(logging.WARNING):
        RestoreCellRoles().preprocess(nb, _resources(RELEASED))

    roles = [dict(c.metadata.get("nbgrader", {})) for c in nb.cells]
    assert roles[0] == RELEASED["setup"].metadata
    assert roles[1] == {}  # the copy is an ordinary cell; the last copy is the answer
    assert roles[2] == RELEASED["f"].metadata
    assert roles[3] == RELEASED["test_f"].metadata
    assert roles[4] == roles[5] == roles[6] == {}
    # nbgrader's own steps now accept the notebook
    DeduplicateIds().preprocess(nb, _resources())
    MetadataValidator().validate_nb(nb)

    notes = nb.metadata[NOTES_KEY]
    assert len(notes) == 5, notes
    assert any("setup" in n and "schema_version: 1 -> 3" in n for n in notes)
    assert any("Cell 2 " in n and "copy of the nbgrader cell f" in n for n in notes)
    assert any("cell f " in n and "grade: True -> False" in n for n in notes)
    assert any("cell test_f " in n and "solution: True -> False" in n and "locked: False -> True" in n for n in notes)
    assert any("'test_bonus'" in n and "ordinary cell" in n for n in notes)
    # one warning per problem, naming the student
    assert _warnings(caplog) == [f"stu/{A1}: {n}" for n in notes]


def test_released_notebooks_are_left_alone(caplog):
    nb = nbformat.v4.new_notebook()
    nb.cells = [_code(c.source, dict(c.metadata, checksum="abc", cell_type="code")) for c in RELEASED.values()]
    with caplog.at_level(logging.WARNING):
        RestoreCellRoles().preprocess(nb, _resources(RELEASED))
    assert NOTES_KEY not in nb.metadata and _warnings(caplog) == []


def test_unencodable_characters_are_replaced_everywhere_and_noted(caplog):
    nb = nbformat.v4.new_notebook()
    markdown = nbformat.v4.new_markdown_cell("a lone surrogate \udc80 and a NUL \x00")
    code = _code("x = 1  # \ud800")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="out \udcff\n")]
    nb.cells = [markdown, code]
    nb.metadata["key \udc80"] = {"value": "\udc81"}
    with caplog.at_level(logging.WARNING):
        ReplaceUnencodable().preprocess(nb, _resources())
    nbformat.writes(nb).encode("utf-8")  # nbgrader writes the notebook as UTF-8: no error now
    assert nb.cells[0].source == "a lone surrogate \ufffd and a NUL \x00"
    assert nb.cells[1].source == "x = 1  # \ufffd" and nb.cells[1].outputs[0].text == "out \ufffd\n"
    notes = nb.metadata[NOTES_KEY]
    assert [n.split(" held")[0] for n in notes] == [
        "Cell 1 of your notebook", "Cell 2 of your notebook", "The output of cell 2", "Your notebook's metadata"]
    assert len(_warnings(caplog)) == 4


def test_the_notes_cell_shows_quoted_student_text_as_text():
    cell = notes_cell(['cell 3 has a syntax error: <img src=x onerror="alert(1)">', "[x](javascript:alert(2)) `y`"])
    page = markdown2html_mistune(cell.source)
    assert live_script(page) == []
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page and "[x](javascript:alert(2))" in page


def test_sanitizer_keeps_the_course_markdown_and_pictures_and_cleans_the_rest():
    source = nbformat.read(ROOT / "assignments" / A1 / f"{A1}.ipynb", as_version=4)
    nb = nbformat.from_dict(source)
    course_markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    nb.cells.append(nbformat.v4.new_markdown_cell('mine <img src=x onerror="alert(1)"> [a](javascript:alert(2))'))
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
    picture = _code("show()")
    picture.outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<script>alert(3)</script><b>bold</b>"}),
        nbformat.v4.new_output("display_data", data={"application/javascript": "alert(4)"}),
    ]
    nb.cells.append(picture)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    preprocessor = SanitizeStudentHtml(course_root=str(ROOT))
    preprocessor.preprocess(nb, _resources())
    assert [c.source for c in nb.cells if c.cell_type == "markdown"][:-1] == course_markdown
    assert live_script(markdown2html_mistune(nb.cells[-2].source)) == [] and "mine" in nb.cells[-2].source
    assert nb.cells[-1].outputs[0].data == {"image/png": png, "text/plain": "<Figure>"}
    assert nb.cells[-1].outputs[1].data == {"text/html": "<b>bold</b>"}
    assert "alert" not in str(nb.cells[-1].outputs[2].data)
    assert "widgets" not in nb.metadata
