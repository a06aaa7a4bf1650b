"""The five student notebooks: structure of the sources, the nbgrader release, and real runs.

1. Every nbgrader source notebook is valid nbformat, carries no outputs, and has exactly one
   solution cell and one locked test cell (with course.yml's points) per graded function, in
   course order; it is what scripts/build_notebooks.py makes of its source notebooks/<id>/<id>.py,
   and an edit made to the .ipynb in Jupyter reaches that source through jupytext's pairing.
2. `nbgrader generate_assignment` (the real command, in a scratch course) releases each notebook
   without hidden tests and without solution code.
3. In a real Jupyter kernel (nbclient): the release filled from solutions/ runs top to bottom
   without an error, passes its visible tests and draws its pictures; the untouched release runs
   to the end with errors only in the graded test cells.
"""
from __future__ import annotations

import ast
import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.course import load_course
from autograder.notebook_fill import fill_solution_cells, reference_sources
from course_helpers import execute_notebook

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT)
IDS = [a.id for a in COURSE.assignments]
SKIP_TAG = "autograder:skip"

sys.path.insert(0, str(ROOT / "scripts"))
import build_notebooks  # noqa: E402


def _read_source(assignment_id: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / COURSE.assignment(assignment_id).notebook, as_version=4)


def _nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _solution_cells(nb) -> list:
    return [c for c in nb.cells if _nbgrader_meta(c).get("solution")]


def _grade_cells(nb) -> list:
    return [c for c in nb.cells if _nbgrader_meta(c).get("grade")]


# ----------------------------------------------------------------------------------------------
# 1. the committed sources
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("assignment_id", IDS)
def test_source_is_clean_nbformat(assignment_id):
    nb = _read_source(assignment_id)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {i} of {assignment_id} has outputs; commit sources without them"
            assert cell.execution_count is None, f"cell {i} of {assignment_id} has an execution count"


@pytest.mark.parametrize("assignment_id", IDS)
def test_one_solution_and_one_test_cell_per_graded_function(assignment_id):
    nb = _read_source(assignment_id)
    assignment = COURSE.assignment(assignment_id)

    solutions = [_nbgrader_meta(c)["grade_id"] for c in _solution_cells(nb)]
    assert solutions == list(assignment.functions), (
        f"{assignment_id}: solution cells {solutions}, course.yml grades {list(assignment.functions)}")
    tests = {_nbgrader_meta(c)["grade_id"]: c for c in _grade_cells(nb)}
    assert list(tests) == [f"test_{f}" for f in assignment.functions]

    for function in assignment.functions:
        cell = tests[f"test_{function}"]
        meta = _nbgrader_meta(cell)
        assert meta["locked"] and not meta["solution"] and meta["schema_version"] == 3
        assert meta["points"] == assignment.points[function]
        # visible asserts first, then the hidden block handing over to the autograder
        visible, _, hidden = cell.source.partition("### BEGIN HIDDEN TESTS")
        assert function in visible and "assert" in visible
        assert hidden.strip().endswith("### END HIDDEN TESTS")
        assert "autograder" in hidden


@pytest.mark.parametrize("assignment_id", IDS)
def test_solution_cells_are_stubs_with_a_documented_signature(assignment_id):
    for cell in _solution_cells(_read_source(assignment_id)):
        name = _nbgrader_meta(cell)["grade_id"]
        head, _, rest = cell.source.partition("### BEGIN SOLUTION")
        body, _, tail = rest.partition("### END SOLUTION")
        assert head.startswith(f"def {name}("), head
        assert '"""' in head, f"{name}: the stub needs a docstring stating shapes"
        assert body.strip().startswith("raise NotImplementedError("), body
        assert len(body.strip().splitlines()) == 1 and tail.strip() == ""


@pytest.mark.parametrize("assignment_id", IDS)
def test_markers_only_where_nbgrader_allows_them(assignment_id):
    """nbgrader refuses solution/hidden markers outside solution/grade cells; so do we."""
    for cell in _read_source(assignment_id).cells:
        meta = _nbgrader_meta(cell)
        if "BEGIN SOLUTION" in cell.source:
            assert meta.get("solution"), cell.source[:80]
        if "BEGIN HIDDEN TESTS" in cell.source:
            assert meta.get("grade"), cell.source[:80]


@pytest.mark.parametrize("assignment_id", IDS)
def test_picture_cells_are_tagged_and_do_not_define_graded_functions(assignment_id):
    nb = _read_source(assignment_id)
    graded = COURSE.assignment(assignment_id).functions
    skipped = [c for c in nb.cells if SKIP_TAG in c.get("metadata", {}).get("tags", [])]
    assert skipped, f"{assignment_id} has no picture cells"
    for cell in skipped:
        assert not _nbgrader_meta(cell), "a picture cell must not be an nbgrader cell"
        for function in graded:
            assert f"def {function}(" not in cell.source


def test_committed_notebooks_match_their_sources():
    assert build_notebooks.main(["--check"]) == 0, "run: make notebooks"


def _paired_copy(tmp_path: Path, assignment_id: str) -> tuple[Path, Path]:
    """A scratch course root with jupytext.toml, one notebook and its source: (ipynb, py)."""
    shutil.copy(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    ipynb = tmp_path / COURSE.assignment(assignment_id).notebook
    source = build_notebooks.source_path(assignment_id, tmp_path)
    for path, original in ((ipynb, ROOT / COURSE.assignment(assignment_id).notebook),
                           (source, build_notebooks.source_path(assignment_id))):
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(original, path)
    return ipynb, source


def test_an_edit_made_in_the_notebook_reaches_the_source_and_survives_the_build(tmp_path):
    """What an instructor does in Jupyter: edit the .ipynb; jupytext syncs; `make notebooks`."""
    from jupytext.cli import jupytext as jupytext_cli

    assignment_id = "a2_correlation"
    ipynb, source = _paired_copy(tmp_path, assignment_id)
    nb = nbformat.read(ipynb, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and i > 2)
    edit = "A sentence an instructor added in Jupyter, with $x_i$ and `code`."
    nb.cells[index].source += "\n\n" + edit
    nbformat.write(nb, ipynb)
    old = source.stat().st_mtime - 60  # the .ipynb is the newer of the pair, as after a save
    os.utime(source, (old, old))

    assert jupytext_cli(["--sync", str(ipynb)]) == 0
    assert edit in source.read_text()
    assert '"points"' not in source.read_text(), "points stay in course.yml, not in the source"

    rebuilt = build_notebooks.build_from(assignment_id, source, COURSE.assignment(assignment_id).points)
    assert rebuilt.cells[index].source.endswith(edit)
    committed = _read_source(assignment_id)
    committed.cells[index].source += "\n\n" + edit
    assert build_notebooks.render(rebuilt) == nbformat.writes(committed) + "\n", \
        "the rebuilt notebook is the committed one plus the edit (same ids, metadata and points)"


def test_saving_the_notebook_in_jupyter_writes_its_source_too(tmp_path):
    """Jupyter with jupytext (its contents manager) saves a notebook of assignments/ to both
    files of the pair; a notebook elsewhere (release/) is saved alone, never over a source."""
    from jupyter_server.services.contents.largefilemanager import LargeFileManager
    from jupytext.sync_contentsmanager import build_sync_jupytext_contents_manager_class

    assignment_id = "a1_output_size"
    ipynb, source = _paired_copy(tmp_path, assignment_id)
    release = tmp_path / "release" / assignment_id / ipynb.name
    release.parent.mkdir(parents=True)
    shutil.copy(ipynb, release)
    before = source.read_text()
    manager = build_sync_jupytext_contents_manager_class(LargeFileManager)(root_dir=str(tmp_path))
    for path, words in ((release, "Said in the release."), (ipynb, "Said in Jupyter.")):
        model = manager.get(str(path.relative_to(tmp_path)))
        model["content"].cells[0].source += "\n\n" + words
        manager.save(model, str(path.relative_to(tmp_path)))
    text = source.read_text()
    assert "# Said in Jupyter." in text and "Said in the release." not in text
    assert '"points"' not in text
    assert text.replace("#\n# Said in Jupyter.\n", "", 1) == before
    assert sorted(p.name for p in tmp_path.rglob("*.py")) == [source.name]


def _broken_source(tmp_path: Path, assignment_id: str, old: str, new: str) -> Path:
    source = build_notebooks.source_path(assignment_id)
    text = source.read_text()
    assert old in text, old
    broken = tmp_path / source.name
    broken.write_text(text.replace(old, new, 1))
    return broken


def test_a_stub_must_have_its_registry_entrys_signature(tmp_path):
    """The build refuses a stub whose parameters or defaults differ from the registry entry."""
    points = COURSE.assignment("a1_output_size").points
    source = _broken_source(tmp_path, "a1_output_size", "def conv_output_length(n, k, padding=0, stride=1,",
                            "def conv_output_length(n, k, padding=0, stride=2,")
    with pytest.raises(build_notebooks.SourceError, match="registry's conv_output_length"):
        build_notebooks.build_from("a1_output_size", source, points)

    points = COURSE.assignment("a4_backprop").points
    source = _broken_source(tmp_path, "a4_backprop", "def numerical_gradient(f, x, h=1e-5)",
                            "def numerical_gradient(f, x, step=1e-5)")
    with pytest.raises(build_notebooks.SourceError, match="registry's numerical_gradient"):
        build_notebooks.build_from("a4_backprop", source, points)
    source = _broken_source(tmp_path, "a4_backprop", "def numerical_gradient(f, x, h=1e-5)",
                            "def numerical_gradient(f, x, h=1e-05)")
    build_notebooks.build_from("a4_backprop", source, points)  # 1e-5 == 1e-05


@pytest.mark.parametrize("old, new, message", [
    ('"grade_id": "test_corr2d", "locked": true,', '"grade_id": "test_corr2d", "locked": true, "points": 9,',
     "points come from course.yml"),
    ('"grade_id": "corr3d", "locked": false,', '"grade_id": "corr2d", "locked": false,',
     "expected one solution cell with grade_id 'corr3d', found 0"),
    ('"grade_id": "test_convolve1d", "locked": true,', '"grade_id": "test_convolve1d", "locked": false,',
     "a grade cell must be locked"),
    ('# %% tags=["autograder:skip"]',
     '# %% tags=["autograder:skip"] nbgrader={"grade": false, "grade_id": "pic", "locked": true, '
     '"schema_version": 3, "solution": false}',
     "a picture cell (tag autograder:skip) must not be an nbgrader cell"),
])
def test_the_build_refuses_a_source_that_breaks_the_conventions(tmp_path, old, new, message):
    source = _broken_source(tmp_path, "a2_correlation", old, new)
    with pytest.raises(build_notebooks.SourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_notebooks.build_from("a2_correlation", source, COURSE.assignment("a2_correlation").points)


# ----------------------------------------------------------------------------------------------
# notebook_fill (no kernel needed)
# ----------------------------------------------------------------------------------------------
def test_reference_sources_are_self_contained_and_fill_only_named_cells(tmp_path):
    (tmp_path / "toy.py").write_text(
        "import numpy as np\n\n_SCALE = 2.0\n\n\n"
        "def _inner(v):\n    return np.asarray(v, dtype=float) * _SCALE\n\n\n"
        "def _outer(v):\n    return [_inner(a) for a in v]\n\n\n"
        "def _unused():\n    return 0\n\n\n"
        "def double(v):\n    \"\"\"Doubles.\"\"\"\n    return _outer([v])[0]\n\n\n"
        "def triple(v):\n    return double(v) * 1.5\n"
    )
    sources = reference_sources(tmp_path, "toy")
    assert set(sources) == {"double", "triple"}
    assert "_inner" in sources["double"] and "_SCALE = 2.0" in sources["double"]
    assert "_unused" not in sources["double"]
    assert "def double" not in sources["triple"], "public functions come from their own cells"
    namespace: dict = {}
    exec(sources["double"], namespace)
    assert namespace["double"](3).tolist() == 6.0

    nb = _read_source("a2_correlation")
    filled = fill_solution_cells(nb, {"corr2d": "def corr2d(x, w):\n    return 'filled'\n"})
    by_id = {_nbgrader_meta(c).get("grade_id"): c for c in filled.cells}
    assert by_id["corr2d"].source.startswith("def corr2d(x, w):\n    return 'filled'")
    assert "NotImplementedError" in by_id["corr1d"].source, "unnamed cells stay as they are"
    assert "NotImplementedError" in {_nbgrader_meta(c).get("grade_id"): c for c in nb.cells}["corr2d"].source, \
        "the input notebook is not modified"


def test_reference_sources_name_a_missing_module(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.py"):
        reference_sources(tmp_path, "nope")


# ----------------------------------------------------------------------------------------------
# 2. release with the real nbgrader
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def release_dir(tmp_path_factory) -> Path:
    """A scratch nbgrader course holding the four sources; every assignment released once."""
    course = tmp_path_factory.mktemp("course")
    for assignment_id in IDS:
        shutil.copytree(ROOT / "assignments" / assignment_id, course / "source" / assignment_id)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.source_directory = 'source'\n"
        "c.CourseDirectory.release_directory = 'release'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course}/gradebook.db'\n"
        f"c.CourseDirectory.course_id = {COURSE.course_id!r}\n"
    )
    # nbgrader runs the `alembic` command to set up the gradebook: it must be on PATH
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    # One real `nbgrader generate_assignment` for all of them ("*"): one start-up instead of four.
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "*", "--force"],
        cwd=course, capture_output=True, text=True, timeout=180, env=env,
    )
    assert proc.returncode == 0, f"generate_assignment failed:\n{proc.stdout}\n{proc.stderr}"
    return course / "release"


def _released(release_dir: Path, assignment_id: str) -> nbformat.NotebookNode:
    return nbformat.read(release_dir / assignment_id / f"{assignment_id}.ipynb", as_version=4)


def _reference_body_lines(assignment_id: str) -> set[str]:
    """Distinctive code lines of the reference (no signatures, docstrings, comments or imports)."""
    lines = set()
    for source in reference_sources(COURSE.solutions_dir, assignment_id).values():
        text_lines = source.splitlines()
        docstring_lines: set[int] = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                docstring_lines.update(range(node.lineno - 1, node.end_lineno or node.lineno))
        for number, line in enumerate(text_lines):
            line = line.strip()
            if (number not in docstring_lines and len(line) >= 30
                    and not line.startswith(("def ", "#", "import ", "from ", "raise ", "f\"", "\""))):
                lines.add(line)
    return lines


@pytest.mark.e2e
@pytest.mark.parametrize("assignment_id", IDS)
def test_release_has_no_hidden_tests_and_no_solution(release_dir, assignment_id):
    released = _released(release_dir, assignment_id)
    text = "\n".join(c.source for c in released.cells)
    assert "BEGIN HIDDEN TESTS" not in text and "END HIDDEN TESTS" not in text
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    leaked = [line for line in _reference_body_lines(assignment_id) if line in text]
    assert not leaked, f"reference code in the release of {assignment_id}: {leaked[:3]}"

    assignment = COURSE.assignment(assignment_id)
    stubs = {_nbgrader_meta(c)["grade_id"]: c.source for c in _solution_cells(released)}
    assert list(stubs) == list(assignment.functions)
    for name, source in stubs.items():
        assert source.startswith(f"def {name}(") and "raise NotImplementedError()" in source
    points = {_nbgrader_meta(c)["grade_id"]: _nbgrader_meta(c)["points"] for c in _grade_cells(released)}
    assert points == {f"test_{f}": p for f, p in assignment.points.items()}


# ----------------------------------------------------------------------------------------------
# 3. real kernel runs
# ----------------------------------------------------------------------------------------------
def _execute(nb: nbformat.NotebookNode, cwd: Path, allow_errors: bool) -> nbformat.NotebookNode:
    return execute_notebook(nb, cwd, allow_errors)


def _errors(nb) -> list[tuple[int, object, str]]:
    return [(i, cell, out.get("ename", "") + ": " + out.get("evalue", ""))
            for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for out in cell.get("outputs", []) if out.output_type == "error"]


def _printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


@pytest.mark.e2e
@pytest.mark.parametrize("assignment_id", IDS)
def test_filled_release_runs_clean_and_draws(release_dir, assignment_id, tmp_path):
    sources = reference_sources(COURSE.solutions_dir, assignment_id)
    nb = fill_solution_cells(_released(release_dir, assignment_id), sources)
    nb = _execute(nb, tmp_path, allow_errors=False)

    assert not _errors(nb)
    for cell in _grade_cells(nb):
        function = _nbgrader_meta(cell)["grade_id"].removeprefix("test_")
        assert f"{function}: all visible tests passed" in _printed(cell)
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) >= 2, f"{assignment_id}: expected the pictures as image outputs, got {len(images)}"
    for cell in nb.cells:
        assert "first" not in _printed(cell) or "Write" not in _printed(cell), \
            f"a picture cell still waits for a function: {_printed(cell)!r}"


def _names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        f"{n.value.id}.{n.attr}" for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}


DRAWING = {"plt.show", "plt.subplots", "plt.figure"}


def _reached_names(nb, graded) -> dict[int, set[str]]:
    """For each code cell (by index, solution cells left out): the names it uses ("plt.show" for an
    attribute of a name), directly or through the functions defined in the notebook's cells (not
    through the graded functions, whose stubs the student replaces)."""
    bodies: dict[str, set[str]] = {}  # notebook function -> the names its body uses
    used: dict[int, set[str]] = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or _nbgrader_meta(cell).get("solution"):
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                bodies[node.name] = _names(node)
        used[i] = _names(tree)

    def reach(names: set[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(bodies.get(name, ()) if name not in graded else ())
        return seen
    return {i: reach(names) for i, names in used.items()}


def _drew(cell) -> bool:
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def _traceback(cell) -> str:
    """The error's traceback as the student sees it, without the terminal colours."""
    lines = [line for o in cell.get("outputs", []) if o.output_type == "error" for line in o.traceback]
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(lines))


@pytest.mark.e2e
@pytest.mark.parametrize("assignment_id", IDS)
def test_untouched_release_fails_only_in_graded_test_cells(release_dir, assignment_id, tmp_path):
    """"Run All" on the untouched release: errors only in the graded test cells, each naming the
    function to write; every picture that needs no student code drawn, every other one saying
    which of the assignment's functions it waits for."""
    nb = _execute(_released(release_dir, assignment_id), tmp_path, allow_errors=True)
    graded = list(COURSE.assignment(assignment_id).functions)
    errors = _errors(nb)
    failing = {_nbgrader_meta(cell).get("grade_id") for _, cell, _ in errors}
    expected = {f"test_{f}" for f in graded}
    assert failing == expected, [(i, msg) for i, _, msg in errors]
    assert all("NotImplementedError" in msg for _, _, msg in errors), [msg for *_, msg in errors]
    for i, cell, msg in errors:
        function = _nbgrader_meta(cell)["grade_id"].removeprefix("test_")
        # the release's stub raises a bare NotImplementedError() (nbgrader's code stub), so the
        # name the student reads is the innermost frame of the traceback: the stub of `function`
        frames = re.findall(r"^Cell In\[\d+\], line \d+, in (\w+)", _traceback(cell), re.MULTILINE)
        assert frames and frames[-1] == function, (
            f"{assignment_id} cell {i} (test_{function}): the error should come from the stub of "
            f"{function}, it came from {frames[-1:] or 'the cell itself'}: {msg}")
        assert msg.removeprefix("NotImplementedError: ") in ("", f"write {function} here"), msg

    friendly = [c for c in nb.cells if "first" in _printed(c) and "Write" in _printed(c)]
    assert friendly, "picture cells that need student code should say which function to write"
    reached = _reached_names(nb, graded)
    for i, cell in enumerate(nb.cells):
        if SKIP_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        where = f"{assignment_id} picture cell {i} ({cell.source.strip().splitlines()[0][:60]!r})"
        needs = reached[i] & set(graded)
        if not needs:
            if reached[i] & DRAWING:  # a picture that needs no student code
                assert _drew(cell), f"{where} calls no graded function but drew nothing: {_printed(cell)!r}"
            continue
        waits = [line for line in _printed(cell).splitlines() if "Write" in line and "first" in line]
        between = " ".join(line.split("Write", 1)[1].split("first", 1)[0] for line in waits)
        named = {w for w in re.findall(r"\b[A-Za-z_]\w*", between) if "_" in w or any(c.isdigit() for c in w)}
        assert _drew(cell) or waits, f"{where} needs {sorted(needs)}: it drew nothing and said nothing"
        if waits:
            assert named and named <= set(graded), (
                f"{where}: {waits} should name the graded function(s) to write, of {graded}")
            assert named & needs, f"{where}: {waits} names {sorted(named)}, the cell needs {sorted(needs)}"


# ----------------------------------------------------------------------------------------------
# visible tests catch typical mistakes and say what was expected (in-process, no kernel)
# ----------------------------------------------------------------------------------------------
MUTANTS = {
    ("a1_output_size", "conv_output_length", "likely mistake: / gives a float"): """
def conv_output_length(n, k, padding=0, stride=1, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) / stride + 1  # true division
""",
    ("a3_multichannel", "corr2d_multi_in", "likely mistake: the channels are not summed"): """
from numpy.lib.stride_tricks import sliding_window_view


def corr2d_multi_in(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    windows = sliding_window_view(x, w.shape[1:], axis=(1, 2))     # (C, OH, OW, KH, KW)
    return np.einsum("cijkl,ckl->cij", windows, w)                  # one map per channel, not summed
""",
    ("a4_backprop", "corr1d_backward", "likely mistake: dx is overwritten with = instead of"): """
def corr1d_backward(x, w, dy):
    x, w, dy = (np.asarray(v, dtype=float) for v in (x, w, dy))
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for i in range(len(dy)):
        for p in range(len(w)):
            dx[i + p] = w[p] * dy[i]                               # = instead of +=
            dw[p] += x[i + p] * dy[i]
    return dx, dw
""",
    ("a1_output_size", "conv_output_length", "expected 26 (n - k + 1), got 25"): """
def conv_output_length(n, k, padding=0, stride=1, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride    # forgot the + 1
""",
    ("a2_correlation", "corr2d", "likely mistake: the kernel is rotated by 180 degrees"): """
def corr2d(x, w):
    return convolve2d(x, w)                                         # flips the kernel
""",
    ("a2_correlation", "corr2d", "likely mistake: the output is transposed"): """
def corr2d(x, w):
    return convolve2d(x, np.asarray(w)[::-1, ::-1]).T.copy()        # rows and columns swapped
""",
    ("a2_correlation", "corr2d", "likely mistake: the kernel is transposed"): """
def corr2d(x, w):
    return convolve2d(x, np.asarray(w).T[::-1, ::-1])               # w.T slid as it is
""",
    ("a2_correlation", "corr1d", "likely mistake: the kernel is reversed"): """
def corr1d(x, w):
    return np.convolve(np.asarray(x, dtype=float), np.asarray(w, dtype=float), "valid")
""",
    ("a2_correlation", "corr1d", "likely mistake: this is 'full' mode"): """
def corr1d(x, w):
    return np.correlate(np.asarray(x, dtype=float), np.asarray(w, dtype=float), "full")
""",
    ("a2_correlation", "corr1d", "off by one"): """
def corr1d(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    return np.array([np.dot(x[i:i + len(w)], w) for i in range(len(x) - len(w))])  # one short
""",
    ("a2_correlation", "corr3d", "likely mistake: the kernel is turned around on every axis"): """
def corr3d(x, w):
    w = np.asarray(w, dtype=float)
    x = np.asarray(x, dtype=float)
    return np.stack([sum(corr2d(x[d + p], w[::-1, ::-1, ::-1][p]) for p in range(len(w)))
                     for d in range(len(x) - len(w) + 1)])
""",
    ("a2_correlation", "corr3d", "likely mistake: the kernel is reversed along the depth axis"): """
def corr3d(x, w):
    w = np.asarray(w, dtype=float)[::-1]                            # depth turned around
    x = np.asarray(x, dtype=float)
    return np.stack([sum(corr2d(x[d + p], w[p]) for p in range(len(w)))
                     for d in range(len(x) - len(w) + 1)])
""",
    ("a2_correlation", "convolve1d", "likely mistake: the kernel is not reversed"): """
def convolve1d(x, w):
    return corr1d(x, w)                                             # forgot to reverse w
""",
    ("a2_correlation", "convolve2d", "likely mistake: the kernel is flipped upside down only"): """
def convolve2d(x, w):
    return corr2d(x, np.asarray(w)[::-1])                           # rows flipped, columns not
""",
    ("a2_correlation", "convolve2d", "likely mistake: the kernel is transposed or flipped"): """
def convolve2d(x, w):
    return corr2d(x, np.asarray(w).T)                               # transposed, not rotated
""",
    ("a3_multichannel", "corr2d_multi_in",
     "(<array of shape (3, 5, 5)>, <array of shape (2, 3, 3)>) should raise ValueError, but it returned"): """
def corr2d_multi_in(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    C, KH, KW = w.shape
    out = np.zeros((x.shape[1] - KH + 1, x.shape[2] - KW + 1))
    for c in range(C):                                              # never compares x's channels
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] += np.sum(x[c, i:i + KH, j:j + KW] * w[c])
    return out
""",
    ("a3_multichannel", "corr2d_multi_in", "expected"): """
def corr2d_multi_in(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    C, KH, KW = w.shape
    out = np.zeros((x.shape[1] - KH + 1, x.shape[2] - KW + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[0, i:i + KH, j:j + KW] * w[0])     # only channel 0
    return out
""",
    ("a3_multichannel", "corr2d_multi_in_out", "likely mistake: the input channels are not summed"): """
def corr2d_multi_in_out(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    return np.stack([np.stack([corr2d_multi_in(x[c:c + 1], w[f, c:c + 1]) for c in range(x.shape[0])])
                     for f in range(w.shape[0])])                  # (F, C, OH, OW): never added up
""",
    ("a3_multichannel", "corr2d_multi_in_out", "likely mistake: only the first input channel is used"): """
def corr2d_multi_in_out(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    return np.stack([corr2d_multi_in(x[:1], w[f, :1]) for f in range(w.shape[0])])  # channel 0 only
""",
    ("a3_multichannel", "corr2d_multi_in_out", "likely mistake: only the last input channel counts"): """
def corr2d_multi_in_out(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    y = np.zeros((w.shape[0], x.shape[1] - w.shape[2] + 1, x.shape[2] - w.shape[3] + 1))
    for f in range(w.shape[0]):
        for c in range(x.shape[0]):
            y[f] = corr2d_multi_in(x[c:c + 1], w[f, c:c + 1])       # = instead of +=
    return y
""",
    ("a3_multichannel", "corr2d_multi_in_out", "likely mistake: the output channels are on the last axis"): """
def corr2d_multi_in_out(x, w):
    return np.stack([corr2d_multi_in(x, wf) for wf in np.asarray(w)], axis=-1)   # (OH, OW, F)
""",
    ("a3_multichannel", "corr2d_multi_in_out", "likely mistake: the output channels are stacked on axis 1"): """
def corr2d_multi_in_out(x, w):
    return np.stack([corr2d_multi_in(x, wf) for wf in np.asarray(w)], axis=1)    # (OH, F, OW)
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the kernel is flipped (rotated by 180 degrees"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("ncijpq,fcpq->nfij", windows, w[:, :, ::-1, ::-1]) + b[:, None, None]  # convolution
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: only the first input channel is used"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nijpq,fpq->nfij", windows[:, 0], w[:, 0]) + b[:, None, None]   # channel 0 only
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the output axes are (N, OH, OW, F)"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("ncijpq,fcpq->nijf", windows, w) + b                 # (N, OH, OW, F)
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the bias is missing"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w = (np.asarray(a, dtype=float) for a in (x, w))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("ncijpq,fcpq->nfij", windows, w)                     # + b forgotten
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the bias is added once per input channel"): """
def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    F, C, KH, KW = w.shape
    OH, OW = (xp.shape[2] - KH) // stride + 1, (xp.shape[3] - KW) // stride + 1
    out = np.zeros((x.shape[0], F, OH, OW))
    for c in range(C):
        for i in range(OH):
            for j in range(OW):
                window = xp[:, c, i * stride:i * stride + KH, j * stride:j * stride + KW]
                out[:, :, i, j] += np.einsum("npq,fpq->nf", window, w[:, c]) + b   # b inside the c loop
    return out
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the bias is added once per kernel element"): """
def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    F, C, KH, KW = w.shape
    OH, OW = (xp.shape[2] - KH) // stride + 1, (xp.shape[3] - KW) // stride + 1
    out = np.zeros((x.shape[0], F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            for c in range(C):
                for p in range(KH):
                    for q in range(KW):
                        out[:, :, i, j] += np.outer(xp[:, c, i * stride + p, j * stride + q], w[:, c, p, q]) + b
    return out                                                     # b added in the innermost loop
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the batch and kernel axes are swapped"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("ncijpq,fcpq->fnij", windows, w) + b[:, None, None, None]   # (F, N, OH, OW)
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: every image of the batch got the output of the first"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    first = np.einsum("cijpq,fcpq->fij", windows[0], w) + b[:, None, None]
    return np.stack([first] * x.shape[0])                                  # x[0] for every n
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the stride is ignored"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))           # every window: stride 1
    return np.einsum("ncijpq,fcpq->nfij", windows, w) + b[:, None, None]
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the stride is used for the output size but not"): """
def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    F, C, KH, KW = w.shape
    OH, OW = (xp.shape[2] - KH) // stride + 1, (xp.shape[3] - KW) // stride + 1
    out = np.zeros((x.shape[0], F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = xp[:, :, i:i + KH, j:j + KW]                  # starts at (i, j), not (i*s, j*s)
            out[:, :, i, j] = np.einsum("ncpq,fcpq->nf", window, w) + b
    return out
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the stride is applied to the rows only"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride]   # columns: every one
    return np.einsum("ncijpq,fcpq->nfij", windows, w) + b[:, None, None]
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the stride is applied to the columns only"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, :, ::stride]   # rows: every one
    return np.einsum("ncijpq,fcpq->nfij", windows, w) + b[:, None, None]
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the padding is applied on one side only (above"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))         # top and left only
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("ncijpq,fcpq->nfij", windows, w) + b[:, None, None]
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the padding is applied on one side only (below"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    xp = np.pad(x, ((0, 0), (0, 0), (0, padding), (0, padding)))         # bottom and right only
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("ncijpq,fcpq->nfij", windows, w) + b[:, None, None]
""",
    ("a3_multichannel", "conv2d_forward", "likely mistake: the padding is ignored"): """
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]  # never padded
    return np.einsum("ncijpq,fcpq->nfij", windows, w) + b[:, None, None]
""",
    ("a4_backprop", "corr1d_backward", "expected"): """
def corr1d_backward(x, w, dy):
    x, w, dy = (np.asarray(a, dtype=float) for a in (x, w, dy))
    return np.convolve(dy, w[::-1], mode="full"), corr1d(x, dy)     # kernel flipped in dx
""",
    ("a4_backprop", "numerical_gradient", "changed its input x"): """
def numerical_gradient(f, x, h=1e-5):
    g = np.zeros(np.shape(x))
    for idx in np.ndindex(np.shape(x)):
        x[idx] += h; up = f(x); x[idx] -= 2 * h; down = f(x)       # never puts x[idx] back
        g[idx] = (up - down) / (2 * h)
    return g
""",
    ("a4_backprop", "numerical_gradient", "one-sided difference (f(x + h e_i) - f(x)) / h"): """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x); e[idx] = h
        g[idx] = (f(x + e) - f(x)) / h                              # forward difference
    return g
""",
    ("a4_backprop", "numerical_gradient", "one-sided difference (f(x) - f(x - h e_i)) / h"): """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x); e[idx] = h
        g[idx] = (f(x) - f(x - e)) / h                              # backward difference
    return g
""",
    ("a4_backprop", "numerical_gradient", "likely mistake: the central difference is divided by h"): """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x); e[idx] = h
        g[idx] = (f(x + e) - f(x - e)) / h                          # the points are 2h apart
    return g
""",
    ("a4_backprop", "conv2d_backward", "likely mistake: dx is overwritten with = instead of"): """
_right = conv2d_backward


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    x, w, dout = (np.asarray(a, dtype=float) for a in (x, w, dout))
    N, C, H, W = x.shape
    KH, KW = w.shape[2:]
    dxpad = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dxpad[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW] = np.einsum(
                "nf,fcpq->ncpq", dout[:, :, i, j], w)                # = instead of +=
    return (dxpad[:, :, padding:padding + H, padding:padding + W],
            *_right(x, w, b, dout, stride, padding)[1:])
""",
    ("a4_backprop", "conv2d_backward", "likely mistake: dx uses the kernels the wrong way round"): """
_right = conv2d_backward


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    dx = _right(x, np.asarray(w)[:, :, ::-1, ::-1], b, dout, stride, padding)[0]  # kernel not rotated
    return (dx, *_right(x, w, b, dout, stride, padding)[1:])
""",
    ("a4_backprop", "conv2d_backward", "likely mistake: only the last sample of the batch"): """
_right = conv2d_backward


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    x, dout = np.asarray(x, dtype=float), np.asarray(dout, dtype=float)
    for n in range(x.shape[0]):                                     # dw, db = ..., not +=
        dx_n, dw, db = _right(x[n:n + 1], w, b, dout[n:n + 1], stride, padding)
    return _right(x, w, b, dout, stride, padding)[0], dw, db
""",
    ("a4_backprop", "conv2d_backward", "likely mistake: db is not summed over the batch"): """
_right = conv2d_backward


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    dx, dw, _ = _right(x, w, b, dout, stride, padding)
    return dx, dw, np.asarray(dout, dtype=float).sum(axis=(2, 3))   # (N, F): n not summed
""",
    ("a4_backprop", "conv2d_backward", "likely mistake: db is not summed over the pixels"): """
_right = conv2d_backward


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    dx, dw, _ = _right(x, w, b, dout, stride, padding)
    return dx, dw, np.asarray(dout, dtype=float).sum(axis=0)        # (F, OH, OW): i, j not summed
""",
    ("a4_backprop", "conv2d_backward", "likely mistake: the stride is ignored in the backward pass"): """
_right = conv2d_backward


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    x, w, dout = (np.asarray(a, dtype=float) for a in (x, w, dout))
    N, C, H, W = x.shape
    KH, KW = w.shape[2:]
    dxpad = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):                              # window at (i, j), not (i*s, j*s)
            dxpad[:, :, i:i + KH, j:j + KW] += np.einsum("nf,fcpq->ncpq", dout[:, :, i, j], w)
    return (dxpad[:, :, padding:padding + H, padding:padding + W],
            *_right(x, w, b, dout, stride, padding)[1:])
""",
    ("a4_backprop", "conv2d_backward", "likely mistake: dx still has the padding"): """
_right = conv2d_backward


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    x, w, dout = (np.asarray(a, dtype=float) for a in (x, w, dout))
    N, C, H, W = x.shape
    KH, KW = w.shape[2:]
    dxpad = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dxpad[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW] += np.einsum(
                "nf,fcpq->ncpq", dout[:, :, i, j], w)
    return (dxpad,                                                  # padding not cut off
            *_right(x, w, b, dout, stride, padding)[1:])
""",
    ("a5_conv_as_matmul", "im2col", "wrong column order: the columns are in (KH, KW, C) order"): """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    OH, OW = (H - kh) // stride + 1, (W - kw) // stride + 1
    rows = [x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].transpose(0, 2, 3, 1).reshape(N, -1)
            for i in range(OH) for j in range(OW)]                # channel last: (KH, KW, C)
    return np.stack(rows, axis=1)
""",
    ("a5_conv_as_matmul", "im2col", "stride ignored"): """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    OH, OW = (H - kh) // stride + 1, (W - kw) // stride + 1
    rows = [x[:, :, i:i + kh, j:j + kw].reshape(N, -1)             # windows at (i, j), not (i*s, j*s)
            for i in range(OH) for j in range(OW)]
    return np.stack(rows, axis=1)
""",
    ("a5_conv_as_matmul", "im2col", "padding applied once"): """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, 0), (padding, 0)))  # top and left only
    N, C, H, W = x.shape
    OH, OW = (H - kh) // stride + 1, (W - kw) // stride + 1
    rows = [x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].reshape(N, -1)
            for i in range(OH) for j in range(OW)]
    return np.stack(rows, axis=1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", "reshaped without transposing"): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, C, KH, KW = w.shape
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    return out.reshape(x.shape[0], F, OH, -1)                      # no transpose first
""",
    ("a5_conv_as_matmul", "conv2d_matmul", "the bias is missing"): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w = (np.asarray(a, dtype=float) for a in (x, w))
    F, C, KH, KW = w.shape
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T  # + b forgotten
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv_matrix", "M is transposed"): """
def conv_matrix(w, input_shape):
    w = np.asarray(w, dtype=float)
    (H, W), (KH, KW) = input_shape, w.shape
    OH, OW = H - KH + 1, W - KW + 1
    M = np.zeros((H * W, OH * OW))                                 # one row per INPUT pixel
    for i in range(OH):
        for j in range(OW):
            col = np.zeros((H, W)); col[i:i + KH, j:j + KW] = w
            M[:, i * OW + j] = col.ravel()
    return M
""",
    ("a5_conv_as_matmul", "conv_matrix", "the kernel is flipped"): """
def conv_matrix(w, input_shape):
    w = np.asarray(w, dtype=float)[::-1, ::-1]                     # flipped: that is convolution
    (H, W), (KH, KW) = input_shape, w.shape
    OH, OW = H - KH + 1, W - KW + 1
    M = np.zeros((OH * OW, H * W))
    for i in range(OH):
        for j in range(OW):
            M[i * OW + j].reshape(H, W)[i:i + KH, j:j + KW] = w
    return M
""",
    ("a5_conv_as_matmul", "im2col", 'wrong column order: each window is flattened column by column'): """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    OH, OW = (H - kh) // stride + 1, (W - kw) // stride + 1
    rows = [x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].transpose(0, 1, 3, 2)
                .reshape(N, -1)  # (C, KW, KH)
            for i in range(OH) for j in range(OW)]
    return np.stack(rows, axis=1)
""",
    ("a5_conv_as_matmul", "im2col", 'wrong column order: the columns are in (KH, C, KW) order'): """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    OH, OW = (H - kh) // stride + 1, (W - kw) // stride + 1
    rows = [x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].transpose(0, 2, 1, 3)
                .reshape(N, -1)  # (KH, C, KW)
            for i in range(OH) for j in range(OW)]
    return np.stack(rows, axis=1)
""",
    ("a5_conv_as_matmul", "im2col", 'kh and kw swapped'): """
def im2col(x, kh, kw, stride=1, padding=0):
    kh, kw = kw, kh                       # swapped
    x = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    OH, OW = (H - kh) // stride + 1, (W - kw) // stride + 1
    rows = [x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].reshape(N, -1)
            for i in range(OH) for j in range(OW)]
    return np.stack(rows, axis=1)
""",
    ("a5_conv_as_matmul", "im2col", 'likely mistake: the images are stacked into the rows'): """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    OH, OW = (H - kh) // stride + 1, (W - kw) // stride + 1
    rows = [x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].reshape(N, -1)
            for i in range(OH) for j in range(OW)]
    return np.stack(rows, axis=1).reshape(N * OH * OW, -1)  # batch in the rows
""",
    ("a5_conv_as_matmul", "im2col", 'the rows are in the wrong order'): """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    OH, OW = (H - kh) // stride + 1, (W - kw) // stride + 1
    rows = [x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].reshape(N, -1)
            for j in range(OW) for i in range(OH)]  # column by column
    return np.stack(rows, axis=1)
""",
    ("a5_conv_as_matmul", "im2col", 'got 24 rows, the count for stride 1: stride ignored'): """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    stride = 1                                         # stride ignored
    OH, OW = (H - kh) // stride + 1, (W - kw) // stride + 1
    rows = [x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].reshape(N, -1)
            for i in range(OH) for j in range(OW)]
    return np.stack(rows, axis=1)
""",
    ("a5_conv_as_matmul", "im2col", 'the shape without padding, expected (1, 12, 9): padding ignored'): """
def im2col(x, kh, kw, stride=1, padding=0):
    x = np.asarray(x, dtype=float)                                   # never padded
    N, C, H, W = x.shape
    OH, OW = (H - kh) // stride + 1, (W - kw) // stride + 1
    rows = [x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].reshape(N, -1)
            for i in range(OH) for j in range(OW)]
    return np.stack(rows, axis=1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", "im2col's columns and the flattened kernels do not line up"): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, C, KH, KW = w.shape
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    cols = im2col(x, KH, KW, stride, padding)
    cols = cols.reshape(*cols.shape[:2], C, KH, KW).transpose(0, 1, 3, 4, 2).reshape(cols.shape)  # (KH, KW, C)
    out = cols @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", 'the shape for stride 1: stride ignored'): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, C, KH, KW = w.shape
    stride = 1                                                     # ignored
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", 'the stride is used for the output size but not'): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, C, KH, KW = w.shape
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    OW = (x.shape[3] + 2 * padding - KW) // stride + 1
    out = im2col(x, KH, KW, 1, padding) @ w.reshape(F, -1).T + b   # windows at stride 1
    dense = out.transpose(0, 2, 1).reshape(x.shape[0], F, x.shape[2] + 2 * padding - KH + 1, -1)
    return dense[:, :, :OH, :OW].copy()
""",
    ("a5_conv_as_matmul", "conv2d_matmul", 'padding applied once, only above and to the left'): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, C, KH, KW = w.shape
    x, padding = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0))), 0   # top and left only
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", 'padding applied once, only below and to the right'): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, C, KH, KW = w.shape
    x, padding = np.pad(x, ((0, 0), (0, 0), (0, padding), (0, padding))), 0   # bottom and right only
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", 'the padding is ignored: pad the two spatial axes'): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, C, KH, KW = w.shape
    padding = 0                                                    # ignored
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", "the kernel is flipped. A CNN's convolution layer"): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    w = w[:, :, ::-1, ::-1]                                          # flipped
    F, C, KH, KW = w.shape
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", 'the kernel is flipped along axis 2 (rows) only'): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    w = w[:, :, ::-1]                                          # flipped
    F, C, KH, KW = w.shape
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", 'the kernel is flipped along axis 3 (columns) only'): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    w = w[:, :, :, ::-1]                                          # flipped
    F, C, KH, KW = w.shape
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", 'the input is transposed'): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    x = np.swapaxes(x, 2, 3)                                   # H and W swapped
    F, C, KH, KW = w.shape
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", 'the kernel is transposed'): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    w = np.swapaxes(w, 2, 3)                                   # KH and KW swapped
    F, C, KH, KW = w.shape
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1)
""",
    ("a5_conv_as_matmul", "conv2d_matmul", 'the output is transposed'): """
def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, C, KH, KW = w.shape
    OH = (x.shape[2] + 2 * padding - KH) // stride + 1
    out = im2col(x, KH, KW, stride, padding) @ w.reshape(F, -1).T + b
    return out.transpose(0, 2, 1).reshape(x.shape[0], F, OH, -1).transpose(0, 1, 3, 2)  # (N, F, OW, OH)
""",
    ("a5_conv_as_matmul", "conv_matrix", 'the kernel is flipped along axis 0 (rows) only'): """
def conv_matrix(w, input_shape):
    w = np.asarray(w, dtype=float)[::-1]                            # rows flipped
    (H, W), (KH, KW) = input_shape, w.shape
    OH, OW = H - KH + 1, W - KW + 1
    M = np.zeros((OH * OW, H * W))
    for i in range(OH):
        for j in range(OW):
            M[i * OW + j].reshape(H, W)[i:i + KH, j:j + KW] = w
    return M
""",
    ("a5_conv_as_matmul", "conv_matrix", 'the kernel is flipped along axis 1 (columns) only'): """
def conv_matrix(w, input_shape):
    w = np.asarray(w, dtype=float)[:, ::-1]                         # columns flipped
    (H, W), (KH, KW) = input_shape, w.shape
    OH, OW = H - KH + 1, W - KW + 1
    M = np.zeros((OH * OW, H * W))
    for i in range(OH):
        for j in range(OW):
            M[i * OW + j].reshape(H, W)[i:i + KH, j:j + KW] = w
    return M
""",
    ("a5_conv_as_matmul", "conv_matrix", 'the rows are in the wrong order'): """
def conv_matrix(w, input_shape):
    w = np.asarray(w, dtype=float)
    (H, W), (KH, KW) = input_shape, w.shape
    OH, OW = H - KH + 1, W - KW + 1
    M = np.zeros((OH * OW, H * W))
    for i in range(OH):
        for j in range(OW):
            M[j * OH + i].reshape(H, W)[i:i + KH, j:j + KW] = w
    return M
""",
    ("a5_conv_as_matmul", "conv_matrix", 'the columns follow the input flattened column by column'): """
def conv_matrix(w, input_shape):
    w = np.asarray(w, dtype=float)
    (H, W), (KH, KW) = input_shape, w.shape
    OH, OW = H - KH + 1, W - KW + 1
    M = np.zeros((OH * OW, H * W))
    for i in range(OH):
        for j in range(OW):
            M[i * OW + j].reshape(W, H)[j:j + KW, i:i + KH] = w.T  # x.T.ravel() order
    return M
""",
}


@pytest.mark.parametrize("assignment_id, function, message", list(MUTANTS))
def test_visible_tests_explain_a_typical_mistake(assignment_id, function, message, monkeypatch):
    """Run the notebook's code in-process with one function replaced by a classic mistake."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = fill_solution_cells(_read_source(assignment_id),
                             reference_sources(COURSE.solutions_dir, assignment_id))
    namespace: dict = {}
    test_cell = None
    for cell in nb.cells:
        meta = _nbgrader_meta(cell)
        if cell.cell_type != "code" or SKIP_TAG in cell.metadata.get("tags", []):
            continue
        if meta.get("grade"):
            if meta["grade_id"] == f"test_{function}":
                test_cell = cell
            continue
        exec(cell.source, namespace)
    exec(MUTANTS[(assignment_id, function, message)], namespace)

    assert test_cell is not None, f"no test_{function} cell"
    with pytest.raises(AssertionError) as failure:
        exec(test_cell.source, namespace)
    assert message in str(failure.value), str(failure.value)
    said = str(failure.value)
    assert any(word in said for word in ("got", "largest change", "returned", "raised")), said


def test_the_shared_cells_are_the_same_text_in_every_notebook():
    """The how-to cell and the setup helpers are written once for all notebooks: a source whose
    copy drifts (a helper changed in one notebook only) is named by the build."""
    built = {a.id: build_notebooks.build(a.id, COURSE) for a in COURSE.assignments}
    assert build_notebooks.shared_text_problems(built) == []
    first, second = list(built)[:2]
    drifted = copy.deepcopy(built[second])
    setup = next(c for c in drifted.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    setup.source = setup.source.replace("rtol=1e-7", "rtol=1e-6", 1)
    problems = build_notebooks.shared_text_problems({first: built[first], second: drifted})
    assert problems == [f"{second}: setup helpers not as in {first}; "
                        "edit every source the same way"]


# a2 pictures
# The box * box picture and the [f * g]' = f * g' check of a2 (section 6) draw and check with the
# student's convolve1d: replaced by a recording or a buggy one, they show and say what it gave.
A2_CONVOLVE1D = {
    "reference": None,
    "correlation": """
def convolve1d(x, w):
    return corr1d(x, w)                                             # the kernel is not turned around
""",
    "full mode": """
def convolve1d(x, w):
    return np.convolve(np.asarray(x, dtype=float), np.asarray(w, dtype=float), "full")
""",
    "unwritten": """
def convolve1d(x, w):
    raise NotImplementedError()
""",
}


def _a2_convolution_cells(monkeypatch, convolve1d_source: str | None):
    """(namespace, picture cells): a2's filled code up to its pictures, convolve1d replaced."""
    import matplotlib.pyplot as plt

    monkeypatch.setenv("MPLBACKEND", "Agg")
    plt.switch_backend("Agg")
    nb = fill_solution_cells(_read_source("a2_correlation"),
                             reference_sources(COURSE.solutions_dir, "a2_correlation"))
    namespace: dict = {}
    pictures = []
    for cell in nb.cells:
        if cell.cell_type != "code" or _nbgrader_meta(cell).get("grade"):
            continue
        if SKIP_TAG in cell.metadata.get("tags", []):
            if "convolve1d(" in cell.source:
                pictures.append(cell.source)
            continue
        exec(cell.source, namespace)
    if convolve1d_source is not None:
        exec(convolve1d_source, namespace)
    assert len(pictures) == 2, "expected the box * box picture and the derivative cell"
    return namespace, pictures


@pytest.mark.parametrize("case", list(A2_CONVOLVE1D))
def test_a2_box_pictures_report_what_the_students_convolve1d_gives(case, monkeypatch, capsys):
    import matplotlib.pyplot as plt

    namespace, pictures = _a2_convolution_cells(monkeypatch, A2_CONVOLVE1D[case])
    plt.close("all")
    for source in pictures:
        exec(source, namespace)
    said = capsys.readouterr().out
    figures = len(plt.get_fignums())
    plt.close("all")
    lines = said.strip().splitlines()
    if case == "reference":
        assert "box * box with your convolve1d: the triangle" in lines[0], said
        assert "boxes: [f * g]' = f * g' holds with your convolve1d (120 values agree)" in said, said
        assert "random f (12) and g (4): [f * g]' = f * g' holds" in said, said
        assert figures == 2, said
    elif case == "correlation":
        # a box is symmetric: the triangle is right, but the derivative check catches the sign
        assert "box * box with your convolve1d: the triangle" in lines[0], said
        assert said.count("equal up to the sign: your convolve1d does not turn the kernel around") == 2, said
        assert "holds" not in said and figures == 1, said
    elif case == "full mode":
        assert "Your convolve1d returned shape (199,); valid mode gives L - K + 1 = 160 - 40 + 1 = 121" \
            in lines[0], said
        assert "np.diff(convolve1d(f, g)) has shape (198,) but convolve1d(f, np.diff(np.pad(g, 1))) " \
               "has shape (200,)" in said, said
        assert "holds" not in said and figures == 0, said
    else:
        assert lines == ["Write convolve1d above first (section 6), run its cell, then run this "
                         "cell again."] * 2, said
        assert figures == 0


def test_a2_box_pictures_draw_the_students_convolve1d(monkeypatch, capsys):
    """The curves in the result row are the values convolve1d returned, not a copy of np.convolve:
    a convolve1d off at one output is drawn (and named) that way."""
    import matplotlib.pyplot as plt
    import numpy as np

    namespace, pictures = _a2_convolution_cells(monkeypatch, None)
    reference, returned = namespace["convolve1d"], []

    def off_at_10(x, w):
        returned.append(reference(x, w))
        returned[-1][10] += 5.0                                     # output 10 sits at t = -2.5
        return returned[-1]

    namespace["convolve1d"] = off_at_10
    plt.close("all")
    exec(pictures[0], namespace)
    said = capsys.readouterr().out
    assert "box * box with your convolve1d is not the triangle: at t = -2.50 it gives 0.250, " \
           "expected 0.000 (dashed)." in said, said
    (figure,) = [plt.figure(n) for n in plt.get_fignums()]
    plt.close("all")
    drawn = [line.get_ydata() for ax in figure.axes[6:] for line in ax.get_lines()
             if line.get_label() == "your convolve1d"]
    assert len(returned) == 1 and len(drawn) == 3
    for curve in drawn:
        np.testing.assert_allclose(np.asarray(curve, dtype=float), namespace["DT"] * returned[0])


# ----------------------------------------------------------------------------------------------
# a4
# ----------------------------------------------------------------------------------------------
def _run_a4_cells(monkeypatch, nb, extra: str = "") -> tuple[str, list[list[str]]]:
    """Run every code cell of an a4 notebook but the graded test cells (pictures and checks
    included) in-process, and the code `extra` right after the last solution cell; returns (what
    was printed, the texts of each figure shown)."""
    import contextlib
    import io

    monkeypatch.setenv("MPLBACKEND", "Agg")
    import matplotlib.pyplot as plt

    figures: list[list[str]] = []

    def show(*args, **kwargs):
        figures.append([t.get_text() for ax in plt.gcf().axes for t in ax.texts + [ax.title]]
                       + [t.get_text() for t in plt.gcf().texts])
        plt.close("all")

    monkeypatch.setattr(plt, "show", show)
    cells = [c for c in nb.cells if c.cell_type == "code" and not _nbgrader_meta(c).get("grade")]
    last_solution = max(i for i, c in enumerate(cells) if _nbgrader_meta(c).get("solution"))
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for i, cell in enumerate(cells):
            exec(cell.source, namespace)
            if i == last_solution and extra:
                exec(extra, namespace)
    return printed.getvalue(), figures


def test_a4_lecture_picture_shows_the_flipped_kernel_before_any_code_is_written(monkeypatch):
    _, figures = _run_a4_cells(monkeypatch, _read_source("a4_backprop"))
    symbolic = next(texts for texts in figures if "δ1" in texts)
    assert "∂L/∂x3 =\nδ1·w3\n+ δ2·w2\n+ δ3·w1" in symbolic, symbolic
    for line in ("∂L/∂w1 = x1·δ1 + x2·δ2 + x3·δ3", "∂L/∂w2 = x2·δ1 + x3·δ2 + x4·δ3",
                 "∂L/∂w3 = x3·δ1 + x4·δ2 + x5·δ3"):
        assert line in symbolic, symbolic
    assert {"δ1·w3", "δ3·w1", "x1·δ1", "x5·δ3"} <= set(symbolic), "every edge carries its product"
    numeric = next(texts for texts in figures if "dx[0]\n= ?" in texts)
    assert any("write corr1d_backward below" in t for t in numeric)


def test_a4_worked_examples_in_the_prose_are_what_the_reference_computes():
    import numpy as np

    namespace: dict = {"np": np}
    for source in reference_sources(COURSE.solutions_dir, "a4_backprop").values():
        exec(source, namespace)
    prose = "\n".join(c.source for c in _read_source("a4_backprop").cells if c.cell_type == "markdown")

    def text(a) -> str:
        return str(np.asarray(a).astype(int).tolist())

    dx, dw = namespace["corr1d_backward"]([1, 2, 3, 4], [1, 0, -1], [1, 2])
    assert f"dx = {text(dx)}" in prose and f"= {text(dw)}" in prose
    x, w, dy = np.arange(9.0).reshape(3, 3), [[0, 1], [2, 3]], [[1, 2], [-1, 1]]
    dx, dw, _ = namespace["conv2d_backward"](x[None, None], np.asarray(w)[None, None], np.zeros(1),
                                             np.asarray(dy)[None, None])
    assert f"dw = {text(dw[0, 0])}" in prose, text(dw[0, 0])
    assert f"dx = {text(dx[0, 0])}" in prose, text(dx[0, 0])
    assert f"dx[1, 1] = 1\\cdot3 + 2\\cdot2 + (-1)\\cdot1 + 1\\cdot0 = {dx[0, 0, 1, 1]:g}" in prose


def test_a4_numerical_checks_agree_with_the_reference_and_catch_a_wrong_layer(monkeypatch):
    filled = fill_solution_cells(_read_source("a4_backprop"),
                                 reference_sources(COURSE.solutions_dir, "a4_backprop"))
    printed, figures = _run_a4_cells(monkeypatch, filled)
    checks = [line for line in printed.splitlines() if "largest relative difference" in line]
    assert len(checks) == 7 and all(line.endswith("OK") for line in checks), printed
    assert any("dx[1, 1] = 1·3 + 2·2 + (-1)·1 + 1·0 = 6" in t for texts in figures for t in texts)

    # the same cells with a layer whose dx uses the kernel as it is: the check says so
    wrong = ("_right = conv2d_backward\n"
             "def conv2d_backward(x, w, b, dout, stride=1, padding=0):\n"
             "    dx, dw, db = _right(x, np.asarray(w)[:, :, ::-1, ::-1], b, dout, stride, padding)\n"
             "    return dx, _right(x, w, b, dout, stride, padding)[1], db\n")
    printed, _ = _run_a4_cells(monkeypatch, filled, extra=wrong)
    verdicts = {line.split()[1]: line.split()[-1] for line in printed.splitlines()
                if line.startswith("conv2d_backward:")}
    assert verdicts == {"dx": "MISMATCH", "dw": "OK", "db": "OK"}, printed


def test_a4_checks_wait_politely_for_the_functions_they_need(monkeypatch):
    printed, _ = _run_a4_cells(monkeypatch, _read_source("a4_backprop"))
    assert "largest relative difference" not in printed
    assert printed.count("Write numerical_gradient above first") == 2, printed
    assert printed.count("Write conv2d_backward above first") == 2, printed
