"""Build the nbgrader source notebooks assignments/<id>/<id>.ipynb from notebooks/<id>/<id>.py.

    python scripts/build_notebooks.py                  # (re)write every assignments/<id>/<id>.ipynb
    python scripts/build_notebooks.py a2_correlation   # only this one
    python scripts/build_notebooks.py --check          # exit 1 naming the notebooks that differ

Every notebook's content (prose, code, pictures, stubs, visible tests) lives in its source
notebooks/<id>/<id>.py, a jupytext percent-format file that jupytext.toml pairs with the .ipynb:
edit it as text, or open the .ipynb in Jupyter (with jupytext) and it is saved to both. The cell
headers carry the nbgrader metadata (`# %% nbgrader={"grade_id": "corr2d", "solution": true,
...}`) and the picture tag (`# %% tags=["autograder:skip"]`); markdown cells are
`# %% [markdown]`. This script adds what a source must not hold and checks what it must:

- points come from course.yml and are injected into each grade cell test_<f> (a source that
  states points is refused: a weight lives in one place);
- cell ids are stable, assignment + position (a1-000, a1-001 ...); outputs, execution counts
  and cell metadata other than `nbgrader` and `tags` are dropped; the notebook metadata is the
  kernelspec every notebook shares;
- the conventions of docs/internals.md: every graded function of the registry
  (`autograder.registry.STUDENT_API[id]`) has exactly one solution cell, grade_id = its name,
  whose stub `def` has the registry entry's signature and raises NotImplementedError between
  the BEGIN/END SOLUTION markers, followed by exactly one locked grade cell test_<name> that
  ends with the hidden-tests block handing grading to the trusted autograder; picture cells are
  tagged `autograder:skip` and are never nbgrader cells; no other solution or grade cells;
  grade ids and cell ids are unique.

A source that breaks a convention stops the build with one line per problem (SourceError).

Translated editions (issue 15; course.yml `language: ko` releases one): notebooks/<lang>/<id>/<id>.py
builds to assignments/<lang>/<id>/<id>.ipynb (jupytext.toml pairs those too). An edition keeps in
step with the English source, which this script checks (edition_problems): the same cells in the
same order with the same nbgrader metadata and tags, and code cells that differ from the English
ones only in their comments and the text of their strings (the same Python once every string is
blanked), so the grade ids, the stubs, the visible tests and the seeds are the English ones. Cells
only the edition has carry the language as a tag: its glossary (tags [<lang>, "glossary"], one,
among the first three cells) and, for ko, the cell that picks a Korean font for the pictures. Each
shared cell keeps its English counterpart's cell id.
"""
from __future__ import annotations

import argparse
import ast
import copy
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.course import Course, load_course  # noqa: E402
from autograder.i18n import SOURCE_LANGUAGE  # noqa: E402
from autograder.registry import STUDENT_API  # noqa: E402
from autograder.registry import graded as registry_entry  # noqa: E402

SKIP_TAG = "autograder:skip"
GLOSSARY_TAG = "glossary"
HIDDEN_BLOCK = (
    "### BEGIN HIDDEN TESTS\n"
    "# Graded outside this notebook by the course autograder (randomized cases seeded per student).\n"
    "### END HIDDEN TESTS"
)
NOTEBOOK_METADATA = {
    "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
    "language_info": {"name": "python"},
}
KEPT_CELL_METADATA = ("nbgrader", "tags")
NBGRADER_KEYS = {"grade", "solution", "locked", "grade_id", "schema_version"}


class SourceError(ValueError):
    """A notebook source breaks a convention; the message has one line per problem."""


def source_path(assignment_id: str, root: Path = ROOT, language: str = SOURCE_LANGUAGE) -> Path:
    """notebooks/<id>/<id>.py, or notebooks/<lang>/<id>/<id>.py for a translated edition: the
    pairing of jupytext.toml (assignments///ipynb,notebooks///py)."""
    folder = root / "notebooks" if language == SOURCE_LANGUAGE else root / "notebooks" / language
    return folder / assignment_id / f"{assignment_id}.py"


def notebook_path(assignment_id: str, course: Course | None = None,
                  language: str = SOURCE_LANGUAGE) -> Path:
    """The built notebook: course.yml's `notebook`, under assignments/<lang>/ for an edition."""
    return (course or load_course(ROOT)).notebook_path(assignment_id, language)


def editions(assignment_id: str, root: Path = ROOT) -> list[str]:
    """The languages with a source of this assignment: en first, then notebooks/<lang>/<id>/."""
    found = sorted(p.parent.parent.name for p in (root / "notebooks").glob(f"*/{assignment_id}/{assignment_id}.py"))
    return [SOURCE_LANGUAGE, *found]


def _same_signature(a: str, b: str) -> bool:
    """Do two `name(params)` texts declare the same names and defaults (1e-5 == 1e-05)?"""
    def parts(text: str) -> tuple:
        fn = ast.parse(f"def {text}: pass").body[0]
        assert isinstance(fn, ast.FunctionDef)
        args = fn.args
        defaults = [ast.literal_eval(d) for d in args.defaults]
        return fn.name, [a.arg for a in args.args], defaults
    return parts(a) == parts(b)


def _stub_signature(source: str, name: str) -> str | None:
    """`name(params)` as the solution cell's `def name` declares it; None if there is none."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return f"{name}({ast.unparse(node.args)})"
    return None


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def check_cells(assignment_id: str, cells: list) -> list[str]:
    """Every way `cells` (as read from the source, before points) break the conventions."""
    problems: list[str] = []
    functions = STUDENT_API.get(assignment_id)
    if functions is None:
        return [f"{assignment_id} is not an assignment of the registry (autograder/registry/)"]
    solutions: dict[str, list[int]] = {}
    grades: dict[str, list[int]] = {}
    seen_ids: dict[str, int] = {}
    for i, cell in enumerate(cells):
        where = f"cell {i}"
        meta = _meta(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("id") in seen_ids:
            problems.append(f"{where}: cell id {cell['id']!r} repeats cell {seen_ids[cell['id']]}")
        seen_ids.setdefault(cell.get("id", ""), i)
        if meta and cell.cell_type != "code":
            problems.append(f"{where}: a {cell.cell_type} cell cannot be an nbgrader cell")
        if SKIP_TAG in tags:
            if meta:
                problems.append(f"{where}: a picture cell (tag {SKIP_TAG}) must not be an nbgrader cell")
            for name in functions:
                if f"def {name}(" in cell.source:
                    problems.append(f"{where}: a picture cell must not define the graded {name}")
        if meta:
            missing = NBGRADER_KEYS - set(meta)
            extra = set(meta) - NBGRADER_KEYS
            if "points" in extra:
                problems.append(f"{where} ({meta.get('grade_id')}): points come from course.yml; "
                                "remove them from the source")
                extra.discard("points")
            if missing or extra:
                problems.append(f"{where}: nbgrader metadata needs exactly {sorted(NBGRADER_KEYS)} "
                                f"(missing {sorted(missing)}, unexpected {sorted(extra)})")
            if meta.get("schema_version") != 3:
                problems.append(f"{where}: nbgrader schema_version must be 3")
        grade_id = meta.get("grade_id", "")
        if meta.get("solution"):
            solutions.setdefault(grade_id, []).append(i)
            if meta.get("grade") or meta.get("locked"):
                problems.append(f"{where} ({grade_id}): a solution cell is neither graded nor locked")
        elif meta.get("grade"):
            grades.setdefault(grade_id, []).append(i)
            if not meta.get("locked"):
                problems.append(f"{where} ({grade_id}): a grade cell must be locked")
        if "BEGIN SOLUTION" in cell.source and not meta.get("solution"):
            problems.append(f"{where}: solution markers outside a solution cell")
        if "BEGIN HIDDEN TESTS" in cell.source and not (meta.get("grade") and not meta.get("solution")):
            problems.append(f"{where}: hidden-tests markers outside a grade cell")
    ids = [_meta(c)["grade_id"] for c in cells if _meta(c).get("grade_id")]
    repeated = sorted({g for g in ids if ids.count(g) > 1})
    if repeated:
        problems.append(f"grade ids used by more than one cell: {repeated}")

    for name in functions:
        found = solutions.get(name, [])
        if len(found) != 1:
            problems.append(f"{name}: expected one solution cell with grade_id {name!r}, found {len(found)}")
            continue
        cell = cells[found[0]]
        entry_signature = f"{name}{registry_entry(name).signature}"
        stub = _stub_signature(cell.source, name)
        if stub is None:
            problems.append(f"cell {found[0]} ({name}): no `def {name}(...)` that parses")
        elif not _same_signature(stub, entry_signature):
            problems.append(f"cell {found[0]}: {stub} is not the registry's {entry_signature}")
        head, _, rest = cell.source.partition("### BEGIN SOLUTION")
        body, marker, _ = rest.partition("### END SOLUTION")
        if not marker or not body.strip().startswith("raise NotImplementedError("):
            problems.append(f"cell {found[0]} ({name}): the stub raises NotImplementedError "
                            "between ### BEGIN SOLUTION and ### END SOLUTION")
        tests = grades.get(f"test_{name}", [])
        if len(tests) != 1:
            problems.append(f"{name}: expected one grade cell test_{name}, found {len(tests)}")
            continue
        if tests[0] < found[0]:
            problems.append(f"test_{name} (cell {tests[0]}) comes before the solution cell {name}")
        if not cells[tests[0]].source.rstrip().endswith(HIDDEN_BLOCK):
            problems.append(f"test_{name} (cell {tests[0]}): must end with the hidden-tests block")
    for name in sorted(set(solutions) - set(functions)):
        problems.append(f"solution cell {name!r} is not a graded function of {assignment_id}")
    for name in sorted(set(grades) - {f"test_{f}" for f in functions}):
        problems.append(f"grade cell {name!r} does not test a graded function of {assignment_id}")
    order = [name for name in solutions if name in functions]
    if order != [f for f in functions if f in solutions]:
        problems.append(f"solution cells in the order {order}; the registry's is {list(functions)}")
    if not any(SKIP_TAG in c.get("metadata", {}).get("tags", []) for c in cells):
        problems.append(f"no picture cell (tag {SKIP_TAG})")
    return problems


class _BlankStrings(ast.NodeTransformer):
    """Every string constant (f-string text, docstrings included) made the same placeholder."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.copy_location(ast.Constant("S"), node) if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        kept = [self.visit(v) for v in node.values if isinstance(v, ast.FormattedValue)]
        return ast.copy_location(ast.JoinedStr(values=kept), node)


def code_shape(source: str) -> str:
    """A cell's Python without its comments and the text of its strings (IPython magics and shell
    lines left out): two cells that compute the same thing in two languages have the same shape."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.dump(_BlankStrings().visit(ast.parse("\n".join(lines))))


def _cell_key(cell) -> tuple:
    metadata = cell.get("metadata", {})
    return cell.cell_type, metadata.get("nbgrader"), sorted(metadata.get("tags", []))


def edition_only(cell, language: str) -> bool:
    return language in cell.get("metadata", {}).get("tags", [])


def edition_problems(english: list, edition: list, language: str) -> list[str]:
    """Every way an edition's cells (as read from its source) are out of step with the English."""
    problems = []
    glossary = [i for i, c in enumerate(edition)
                if GLOSSARY_TAG in c.get("metadata", {}).get("tags", [])]
    if len(glossary) != 1 or glossary[0] > 2 or edition[glossary[0]].cell_type != "markdown" \
            or not edition_only(edition[glossary[0]], language):
        problems.append(f"needs one markdown glossary cell (tags [{language!r}, {GLOSSARY_TAG!r}]) "
                        f"among the first three cells; found at {glossary}")
    shared = [(i, c) for i, c in enumerate(edition) if not edition_only(c, language)]
    if len(shared) != len(english):
        problems.append(f"{len(shared)} cells besides the {language}-only ones, the English source "
                        f"has {len(english)}: translate every cell, add or drop none")
    for (i, mine), theirs in zip(shared, english):
        if _cell_key(mine) != _cell_key(theirs):
            problems.append(f"cell {i}: {_cell_key(mine)}, but the English cell has "
                            f"{_cell_key(theirs)}")
        elif mine.cell_type == "code":
            try:
                if code_shape(mine.source) != code_shape(theirs.source):
                    first = mine.source.strip().splitlines()[:1] or [""]
                    problems.append(f"cell {i} ({first[0][:60]}): the code differs from the "
                                    "English beyond comments and the text of strings")
            except SyntaxError as error:
                problems.append(f"cell {i}: {error}")
    return problems


def _points(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _read_cells(source: Path) -> list:
    return jupytext.read(source, fmt="py:percent").cells


def build_from(assignment_id: str, source: Path, points: dict[str, float],
               language: str = SOURCE_LANGUAGE, english_source: Path | None = None
               ) -> nbformat.NotebookNode:
    """The .ipynb for `source`: cleaned, checked, with `points` in its grade cells. For an
    edition in another `language`, `english_source` is the source it must keep in step with."""
    read_cells = _read_cells(source)
    problems: list[str] = []
    english_ids: list[str] = []
    if language != SOURCE_LANGUAGE:
        english_cells = _read_cells(english_source or source_path(assignment_id))
        problems += edition_problems(english_cells, read_cells, language)
        english_ids = [f"{assignment_id[:2]}-{i:03d}" for i in range(len(english_cells))]
    cells = []
    shared_index = extra_index = 0
    for i, old in enumerate(read_cells):
        if old.cell_type == "markdown":
            cell = nbformat.v4.new_markdown_cell(old.source)
        elif old.cell_type == "code":
            cell = nbformat.v4.new_code_cell(old.source)
        else:
            cell = nbformat.v4.new_raw_cell(old.source)
        cell.metadata = {k: copy.deepcopy(old.metadata[k]) for k in KEPT_CELL_METADATA
                         if k in old.metadata}
        if language == SOURCE_LANGUAGE:
            cell["id"] = f"{assignment_id[:2]}-{i:03d}"
        elif edition_only(old, language):  # the edition's own cells: a1-ko-0, a1-ko-1 ...
            cell["id"] = f"{assignment_id[:2]}-{language}-{extra_index}"
            extra_index += 1
        else:  # a translated cell keeps its English counterpart's id
            cell["id"] = (english_ids[shared_index] if shared_index < len(english_ids)
                          else f"{assignment_id[:2]}-{language}-x{shared_index}")
            shared_index += 1
        cells.append(cell)
    problems += check_cells(assignment_id, cells)
    registry = sorted(STUDENT_API.get(assignment_id, ()))
    if sorted(points) != registry:
        problems.append(f"course.yml grades {sorted(points)}, the registry {registry}")
    if problems:
        raise SourceError(f"{source}:\n  " + "\n  ".join(problems))
    for cell in cells:
        meta = _meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            function = meta["grade_id"].removeprefix("test_")
            meta["points"] = _points(points[function])
            cell.metadata["nbgrader"] = dict(sorted(meta.items()))
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata = copy.deepcopy(NOTEBOOK_METADATA)
    nbformat.validate(nb)
    return nb


def build(assignment_id: str, course: Course | None = None,
          language: str = SOURCE_LANGUAGE) -> nbformat.NotebookNode:
    course = course or load_course(ROOT)
    points = dict(course.assignment(assignment_id).points)
    return build_from(assignment_id, source_path(assignment_id, course.root, language), points,
                      language, source_path(assignment_id, course.root))


SHARED_AFTER = "np.set_printoptions("  # the setup cell's helpers start after the imports


def shared_cells(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """(the "How to work in this notebook" cell, the setup cell's helpers after the imports):
    written once for every notebook, so every source must carry the same text."""
    at = next((i for i, c in enumerate(nb.cells) if _meta(c).get("grade_id") == "setup"), None)
    if at is None:
        return "", ""
    setup = nb.cells[at].source
    # the how-to cell stands right before the setup cell, in every language
    howto = nb.cells[at - 1].source if at and nb.cells[at - 1].cell_type == "markdown" else ""
    return howto, setup[setup.find(SHARED_AFTER):] if SHARED_AFTER in setup else setup


def shared_text_problems(notebooks: dict[str, nbformat.NotebookNode]) -> list[str]:
    """One line per notebook whose shared cells differ from the first notebook's."""
    if not notebooks:
        return []
    first, *others = notebooks
    want = shared_cells(notebooks[first])
    return [f"{other}: {what} not as in {first}; edit every source the same way"
            for other in others
            for what, mine, theirs in zip(("how-to cell", "setup helpers"),
                                          shared_cells(notebooks[other]), want)
            if mine != theirs]


def render(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 naming each notebook that differs from its source")
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all of course.yml)")
    args = parser.parse_args(argv)
    course = load_course(ROOT)
    stale, broken = [], []
    built: dict[str, dict[str, nbformat.NotebookNode]] = {}  # language -> id -> notebook
    for assignment_id in args.assignments or [a.id for a in course.assignments]:
        for language in editions(assignment_id, course.root):
            path = notebook_path(assignment_id, course, language)
            name = assignment_id if language == SOURCE_LANGUAGE else f"{language}/{assignment_id}"
            try:
                nb = built.setdefault(language, {})[assignment_id] = build(assignment_id, course,
                                                                           language)
                text = render(nb)
            except SourceError as error:
                print(error, file=sys.stderr)
                broken.append(name)
                continue
            if args.check:
                if not path.is_file() or path.read_text() != text:
                    stale.append(str(path.relative_to(course.root)))
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.is_file() or path.read_text() != text:
                path.write_text(text)
                print(f"wrote {path.relative_to(course.root)}")
    for language, notebooks in built.items():
        for problem in shared_text_problems(notebooks):
            print(f"{language}: {problem}" if language != SOURCE_LANGUAGE else problem,
                  file=sys.stderr)
            broken.append(problem.split(":", 1)[0])
    if broken:
        print("sources that break the notebook conventions:", ", ".join(broken), file=sys.stderr)
    if stale:
        print("out of date (run make notebooks):", ", ".join(stale))
    return 1 if stale or broken else 0


if __name__ == "__main__":
    sys.exit(main())
