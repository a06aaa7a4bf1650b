"""nbgrader integration: trusted scores in the gradebook, a sandboxed kernel, no hidden tests shown.

`nbgrader autograde` runs two passes over each submitted notebook (nbgrader/converters/autograde.py):

    sanitize:  ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata
    autograde: Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
               AssignLatePenalties, CheckCellMetadata

Plain nbgrader scores a test cell from what the cell printed inside the student's kernel, which
the student's own code controls (a no-op `assert_allclose`, a fake `numpy` in `sys.modules` ...),
and drops a whole submission (0 points, no feedback) when one of its steps raises. `configure()`
makes the passes

    sanitize:  ReplaceUnencodable, RestoreCellRoles, ClearOutput, DeduplicateIds,
               OverwriteKernelspec, NoteTamperedTestCells, OverwriteCells, StripHiddenTests,
               CheckCellMetadata
    autograde: SandboxedExecute, ReplaceUnencodable, IgnorePattern, ClearMetadataPreprocessor,
               LimitOutput, SanitizeStudentHtml, TrustedGrades, SaveAutoGrades,
               CourseLatePenalties, CheckCellMetadata
    feedback:  GetGrades, StripHiddenTests, SanitizeStudentHtml, CSSHTMLHeaderPreprocessor

- CourseLatePenalties: nbgrader's AssignLatePenalties after writing course.yml's `due` into the
  gradebook; its plugin applies course.yml's `late_policy`.
- ReplaceUnencodable, RestoreCellRoles, NoteTamperedTestCells: what nbgrader cannot take (lone
  surrogates, nbgrader cells re-tagged or unknown to the gradebook, edited test cells) is put
  right and noted, so the submission is graded on its honest code instead of being dropped.
- StripHiddenTests right after OverwriteCells restores the instructor's test cells: the kernel
  never receives a hidden-test region, so no hook or history in it can copy one into an output.
- SandboxedExecute runs the notebook in the sandboxed kernel (autograder.kernel_sandbox) and
  survives a kernel that dies, hangs or ignores interrupts in one cell: the remaining cells are
  marked as not run, and the notebook still goes on to be graded. The kernel works in a private
  copy of the student's folder (kernel_sandbox), so nothing it writes (another notebook, a deep
  folder tree, a huge file) reaches autograded/ or the feedback step.
- SanitizeStudentHtml: the student's markdown and HTML/SVG/JS outputs, sanitized (nh3) before the
  autograded notebook is stored (formgrader renders it) and again for the feedback HTML.
- TrustedGrades reads the notebook's code cells as the student wrote them, grades them with the
  course autograder (the student's code runs in the sandboxed child, the comparison happens here,
  in nbgrader's own process), and overwrites every test cell's outputs with the trusted result:
  the feedback text as a stream, the score as the cell's `execute_result` (nbgrader's partial
  credit, nbgrader/utils.py:get_partial_grade). SaveAutoGrades then stores exactly those scores,
  whatever the kernel printed.

Every problem found in a submission is one line in the notes at the top of the student's feedback
and one warning naming the student in nbgrader's log (`add_note`).

What the student reads (the notes, the feedback and score lines of the test cells, the error
outputs of cells that stopped the kernel, the feedback page's table of contents) is said in the
course's language (course.yml `language`, autograder.i18n): every preprocessor that writes such
words runs inside `language(course.language)` (CoursePreprocessor.course_language), and so do
the exporters.
"""
from __future__ import annotations

import html
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import HTMLExporter, NotebookExporter
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.plugins import BasePlugin, LateSubmissionPlugin
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    Execute,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets import Type, Unicode, default
from traitlets.utils.importstring import import_item

from .course import Course, CourseError, LatePolicy, load_course
from .i18n import LANGUAGES, SOURCE_LANGUAGE, Message, _, language
from .report import format_points
from .student_html import html_block, markdown_as_safe_html, safe_count, safe_html, safe_output
from .submission import SKIP_TAG, cell_metadata, replace_unencodable, unencodable_problem

KERNEL_MANAGER = "autograder.kernel_sandbox.SandboxedKernelManager"
BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
END_HIDDEN = "END HIDDEN TESTS"
FEEDBACK_LIMIT = 4000  # characters of feedback per test cell; the smallest failing case fits easily


# --------------------------------------------------------------------------------------------
# configuration


def absolute_db_url(db_url: str, root: Path) -> str:
    """sqlite:///gradebook.db -> sqlite:////<root>/gradebook.db, so every command (from any
    folder, and the demo's scratch course) uses the gradebook beside course.yml. Other URLs as is."""
    prefix = "sqlite:///"
    if db_url.startswith(prefix) and not db_url.startswith(prefix + "/"):
        relative = db_url[len(prefix):]
        if relative and relative != ":memory:":
            return prefix + str((Path(root) / relative).resolve())
    return db_url


class GradebookUnreachable(CourseError):
    """course.yml's nbgrader.db_url names a gradebook that cannot be opened from here."""


def _is_sqlite(db_url: str) -> bool:
    return db_url.split(":", 1)[0].split("+", 1)[0].lower() == "sqlite"


def check_gradebook(db_url: str, timeout_s: int = 10) -> None:
    """Open a database server's gradebook once (PostgreSQL, or any SQLAlchemy URL but SQLite,
    whose file is made on first use) and raise GradebookUnreachable with one plain sentence
    (password hidden) when it cannot be: server down, wrong port, user, password or database
    name, driver not installed. nbgrader itself answers those with a traceback and a suggestion
    to run `nbgrader db upgrade`."""
    if _is_sqlite(db_url):
        return
    from sqlalchemy import create_engine, exc, make_url

    try:
        url = make_url(db_url)
    except exc.ArgumentError as error:
        raise GradebookUnreachable(f"course.yml: nbgrader.db_url is not a database URL ({error})") from None
    shown = url.render_as_string(hide_password=True)
    connect_args = {"connect_timeout": timeout_s} if url.get_backend_name() == "postgresql" else {}
    try:
        engine = create_engine(url, connect_args=connect_args)
    except (exc.NoSuchModuleError, ImportError) as error:
        raise GradebookUnreachable(
            f"the gradebook {shown} (course.yml, nbgrader.db_url) needs a database driver that is not "
            f"installed ({error}); for PostgreSQL write postgresql://..., which uses psycopg") from None
    try:
        with engine.connect():
            pass
    except exc.DBAPIError as error:
        reason = " ".join(line.strip() for line in str(error.orig).splitlines() if line.strip())
        reason = reason if reason.endswith(("?", ".")) else reason + "."
        raise GradebookUnreachable(
            f"cannot open the gradebook {shown} (course.yml, nbgrader.db_url): {reason} Check that "
            "the server is running and that the URL's host, port, database, user and password are right."
        ) from None
    finally:
        engine.dispose()


def open_gradebook(db_url: str, course_id: str):
    """nbgrader's Gradebook at `db_url`, or GradebookUnreachable saying why not (check_gradebook)."""
    from nbgrader.api import Gradebook
    from sqlalchemy import exc

    try:
        return Gradebook(db_url, course_id)
    except exc.OperationalError:
        check_gradebook(db_url)  # says why in one sentence
        raise


_checked: set[str] = set()


def _check_for_nbgrader_command(db_url: str) -> None:
    """In the `nbgrader` command line (not formgrader's Jupyter server, not our own code), a
    gradebook that cannot be opened stops the command at once with one sentence instead of
    nbgrader's traceback. Checked once per process: nbgrader reads this config several times."""
    # An nbgrader command is the process's one nbgrader application (traitlets' singleton: the
    # `nbgrader` app, then its subcommand); formgrader makes plain NbGrader() objects instead.
    baseapp = sys.modules.get("nbgrader.apps.baseapp")
    if baseapp is None or not baseapp.NbGrader.initialized() or db_url in _checked:
        return
    _checked.add(db_url)
    try:
        check_gradebook(db_url)
    except GradebookUnreachable as error:
        raise SystemExit(f"nbgrader: {error}") from None


def configure(c: Any, course: Course) -> None:
    """Fill nbgrader's config object `c` from course.yml (called by nbgrader_config.py)."""
    root = Path(course.root).resolve()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = course.course_id
    c.CourseDirectory.source_directory = course.source_directory
    c.CourseDirectory.db_url = absolute_db_url(course.nbgrader.db_url, root)
    _check_for_nbgrader_command(c.CourseDirectory.db_url)

    # Assignments enter the gradebook with `nbgrader generate_assignment`; students with their
    # first autograded submission, so no `nbgrader db ... add` is needed.
    c.GenerateAssignment.create_assignment = True
    c.Autograde.create_student = True
    # A deleted test cell comes back (and is then graded like any other).
    c.OverwriteCells.add_missing_cells = True
    # A submission that is not valid JSON is graded as the untouched release, with a message.
    c.Autograde.exporter_class = TolerantNotebookExporter

    c.Execute.timeout = int(course.nbgrader.timeout_s)
    # Picture-only cells grade nothing and double the time a notebook takes in the kernel
    # (submission.py leaves them out of grading for the same reason). Instructors who want the
    # students' pictures in the feedback can set c.Execute.skip_cells_with_tag = "" after this.
    c.Execute.skip_cells_with_tag = SKIP_TAG
    c.Execute.kernel_manager_class = KERNEL_MANAGER
    c.CoursePreprocessor.course_root = str(root)
    c.Autograde.autograde_preprocessors = [
        SandboxedExecute,
        ReplaceUnencodable,  # the kernel's outputs may carry characters the notebook cannot hold
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SanitizeStudentHtml,  # after LimitOutput (which may cut HTML short), before the notebook is stored
        TrustedGrades,  # after everything that edits outputs, right before the scores are saved
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    c.Autograde.sanitize_preprocessors = [
        ReplaceUnencodable,  # before anything encodes a source (checksums, writing the notebook)
        RestoreCellRoles,  # before DeduplicateIds and OverwriteCells, which trust the metadata
        ClearOutput,
        DeduplicateIds,
        OverwriteKernelspec,
        NoteTamperedTestCells,  # sees the cells as handed in, before OverwriteCells restores them
        OverwriteCells,
        StripHiddenTests,  # right after OverwriteCells put the instructor's full test cells back
        CheckCellMetadata,
    ]
    # course.yml's due dates and late_policy: nbgrader's AssignLatePenalties step, preceded by
    # writing the assignment's `due` into the gradebook (CourseLatePenalties, at the end of this file)
    c.Autograde.autograde_preprocessors = [CourseLatePenalties if step is AssignLatePenalties else step
                                           for step in c.Autograde.autograde_preprocessors]
    c.GenerateFeedback.preprocessors = [GetGrades, StripHiddenTests, SanitizeStudentHtml, CSSHTMLHeaderPreprocessor]
    c.GenerateFeedback.exporter_class = NamedTestsFeedback
    c.NbGraderApp.logfile = str(root / ".nbgrader.log")


def course_language(root: str | Path | None = None) -> str:
    """The language of the course at `root` (default: found from the working folder, as nbgrader
    finds it); English when no course file can be read there (nbgrader then fails on its own)."""
    try:
        return load_course(root or None).language
    except CourseError:
        return SOURCE_LANGUAGE


def _coursedir_language(configurable) -> str:
    """The course language for an exporter: its parent (nbgrader's converter) knows the course root."""
    coursedir = getattr(getattr(configurable, "parent", None), "coursedir", None)
    return course_language(getattr(coursedir, "root", None))


def toc_title(grade_id: str) -> str:
    """A test cell's name in the feedback page's table of contents: test_corr2d -> "Tests of
    corr2d" (in the current language); other grade ids as they are."""
    before, found, function = str(grade_id).partition("test_")
    return before + _("Tests of {function}", function=function) if found else str(grade_id)


class NamedTestsFeedback(HTMLExporter):
    """nbgrader's feedback page, its table of contents naming each test by the function it grades
    ("Tests of corr2d") instead of "Test cell" five times (templates/named_tests.html.j2, which
    extends nbgrader's own page). Where formgrader asks for nbgrader's plain template by name, the
    template file falls back to that page's default and nothing breaks. The page is made in the
    course's language (our own words in it: toc_title; the rest of the page is nbgrader's)."""

    TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.template_file = "named_tests.html.j2"

    def default_filters(self):
        yield from super().default_filters()
        yield ("toc_title", toc_title)

    def from_notebook_node(self, nb, resources=None, **kw):
        with language(_coursedir_language(self)):
            return super().from_notebook_node(nb, resources, **kw)

    @default("template_paths")
    def _template_paths(self, prune=True, root_dirs=None):
        return [self.TEMPLATES, *super()._template_paths(prune, root_dirs)]


# --------------------------------------------------------------------------------------------
# notes: what was wrong with a submission, for the student and the instructor

NOTES_KEY = "autograder_notes"


def add_note(nb: NotebookNode, resources: dict, log, note: Message | str) -> None:
    """One problem found in a submission: a line in the notes at the top of the student's feedback
    (kept in the notebook's metadata between the passes; TrustedGrades shows them) and one warning
    naming the student in nbgrader's log. A Message is said in the current language (the course's:
    see CoursePreprocessor.course_language); the log gets the same words as the student, so that a
    note in the log and in the notebook is recognisably one note (parallel_worker)."""
    info = (resources or {}).get("nbgrader", {})
    said = str(note)
    nb.metadata.setdefault(NOTES_KEY, []).append(said)
    log.warning("%s/%s: %s", info.get("student", "?"), info.get("assignment", "?"), said)


def notes_heading() -> str:
    """The title of the notes cell, in the current language."""
    return _("Notes from the autograder")


def notes_headings() -> set[str]:
    """The title of the notes cell in every language (to find the cell in a notebook)."""
    headings = set()
    for code in LANGUAGES:
        with language(code):
            headings.add(notes_heading())
    return headings


def notes_cell(notes: list[str]) -> NotebookNode:
    """The markdown cell that shows the notes. They quote the student's file (a source line, a
    grade_id), so they are escaped and wrapped as one HTML block: shown as text, never as markup."""
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return nbformat.v4.new_markdown_cell(
        html_block(f"<p><strong>{html.escape(notes_heading())}</strong></p><ul>{items}</ul>"))


# --------------------------------------------------------------------------------------------
# preprocessors that know the course


class CoursePreprocessor(NbGraderPreprocessor):
    """A preprocessor that reads course.yml (the folder is set by `configure`)."""

    course_root = Unicode("", help="folder of course.yml (default: search from the working folder)").tag(config=True)

    def course(self) -> Course:
        return load_course(self.course_root or None)

    def course_language(self) -> str:
        """The language the student's words are said in: the course's (English without one)."""
        return course_language(self.course_root or None)


# --------------------------------------------------------------------------------------------
# the notebook as released: the gradebook's cells


@dataclass(frozen=True)
class ReleasedCell:
    """One nbgrader cell of the assignment's source notebook, as the gradebook keeps it."""

    metadata: dict  # the nbgrader metadata it was released with
    source: str  # the instructor's source, hidden regions included
    is_test: bool  # a graded code cell that is not a student's answer


def released_cells(resources: dict) -> dict[str, ReleasedCell]:
    """grade_id -> ReleasedCell for the notebook being converted (read once per notebook)."""
    if "autograder_released" in resources:
        return resources["autograder_released"]
    from nbgrader.api import Gradebook

    info = resources["nbgrader"]
    cells: dict[str, ReleasedCell] = {}
    with Gradebook(info["db_url"]) as gb:
        notebook = gb.find_notebook(info["notebook"], info["assignment"])
        grades = {g.name: g for g in notebook.grade_cells}
        solutions = {s.name for s in notebook.solution_cells}
        tasks = {t.name: t for t in notebook.task_cells}
        for source_cell in notebook.source_cells:
            name = source_cell.name
            metadata = {
                "cell_type": source_cell.cell_type,
                "checksum": source_cell.checksum,
                "grade": name in grades,
                "grade_id": name,
                "locked": bool(source_cell.locked),
                "schema_version": 3,
                "solution": name in solutions,
            }
            if name in grades:
                metadata["points"] = float(grades[name].max_score)
            if name in tasks:
                metadata.update(task=True, points=float(tasks[name].max_score))
            is_test = name in grades and name not in solutions and source_cell.cell_type == "code"
            cells[name] = ReleasedCell(metadata, source_cell.source or "", is_test)
    resources["autograder_released"] = cells
    return cells


# --------------------------------------------------------------------------------------------
# what nbgrader cannot take, put right before it reads the notebook


def _replace_unencodable_in(value: Any) -> tuple[Any, int]:
    """`value` (JSON: dicts, lists, strings) with lone surrogates replaced, keys included."""
    if isinstance(value, str):
        return replace_unencodable(value)
    if isinstance(value, list):
        items = [_replace_unencodable_in(item) for item in value]
        return [item for item, _count in items], sum(n for _item, n in items)
    if isinstance(value, dict):
        total, cleaned = 0, {}
        for key, item in value.items():
            key, n_key = _replace_unencodable_in(key)
            cleaned[key], n_item = _replace_unencodable_in(item)
            total += n_key + n_item
        return cleaned, total
    return value, 0


class ReplaceUnencodable(CoursePreprocessor):
    """Lone surrogates (JSON can carry "\\udc80", UTF-8 cannot) replaced by U+FFFD anywhere in the
    notebook: sources, outputs, metadata. One of them in a cell made nbgrader drop the whole
    submission (checksums and the written notebook are UTF-8). It runs on the file as handed in
    and again after the kernel, whose outputs the student's code controls. The CLI reads cells the
    same way (submission.replace_unencodable), so both grade the same code."""

    def preprocess(self, nb, resources):
        with language(self.course_language()):
            return self._replace(nb, resources)

    def _replace(self, nb, resources):
        for index, cell in enumerate(nb.cells):
            outputs, in_outputs = _replace_unencodable_in(cell.get("outputs", []))
            rest, in_rest = _replace_unencodable_in({k: v for k, v in cell.items() if k != "outputs"})
            if in_outputs or in_rest:
                if "outputs" in cell:
                    rest["outputs"] = outputs
                nb.cells[index] = nbformat.from_dict(rest)
            if in_rest:
                add_note(nb, resources, self.log, unencodable_problem(
                    Message("Cell {number} of your notebook", number=index + 1), in_rest))
            if in_outputs:
                add_note(nb, resources, self.log, unencodable_problem(
                    Message("The output of cell {number}", number=index + 1), in_outputs))
        cleaned, count = _replace_unencodable_in(nb.metadata)
        if count:
            nb.metadata = nbformat.from_dict(cleaned)
            add_note(nb, resources, self.log, unencodable_problem(
                Message("Your notebook's metadata"), count))
        return nb, resources


class RestoreCellRoles(CoursePreprocessor):
    """Every cell's nbgrader metadata checked against the gradebook, by grade_id.

    nbgrader trusts the metadata of the submitted file: a test cell it does not know loses its
    grade_id and then fails validation, a solution cell re-tagged as a grade cell is looked up as
    one and is not found, a test cell re-tagged as a solution fails its checksum, an old or new
    schema_version stops the whole batch, and a pasted copy of a cell (same grade_id) is left by
    DeduplicateIds with empty metadata that stops OverwriteCells. Here the last cell with a
    grade_id the gradebook has gets back the metadata it was released with (the last copy is the
    one DeduplicateIds keeps); any other nbgrader metadata is removed, so that cell is one of the
    student's own. A copy, an unknown nbgrader cell and a change to a cell's role, points, lock
    or schema are noted (the checksum and cell type are nbgrader's own business)."""

    NOTED = ("grade", "solution", "task", "points", "locked", "schema_version")

    def preprocess(self, nb, resources):
        with language(self.course_language()):
            return self._restore(nb, resources)

    def _restore(self, nb, resources):
        released = released_cells(resources)
        last = {cell_metadata(cell, "nbgrader", {}).get("grade_id"): index for index, cell in enumerate(nb.cells)}
        for index, cell in enumerate(nb.cells):
            if "nbgrader" not in cell.get("metadata", {}):
                continue
            meta = cell.metadata.nbgrader
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            known = released.get(grade_id) if isinstance(grade_id, str) else None
            if known is not None and last[grade_id] != index:
                del cell.metadata["nbgrader"]
                add_note(nb, resources, self.log, _(
                    "Cell {number} of your notebook is a copy of the nbgrader cell {grade_id}; the "
                    "last copy (cell {last}) was graded as {grade_id}, this one as an ordinary cell "
                    "of yours.", number=index + 1, grade_id=grade_id, last=last[grade_id] + 1))
                continue
            if known is None:
                del cell.metadata["nbgrader"]
                if isinstance(meta, dict) and any(meta.get(k) for k in ("grade", "solution", "locked", "task")):
                    add_note(nb, resources, self.log, _(
                        "Cell {number} of your notebook is marked as an nbgrader cell {grade_id} "
                        "that this assignment does not have; it was graded as an ordinary cell of "
                        "yours.", number=index + 1, grade_id=repr(str(grade_id)[:60])))
                continue
            changed = [
                f"{key}: {_shown(meta.get(key))} -> {_shown(known.metadata.get(key))}"
                for key in self.NOTED
                if _role_value(meta.get(key)) != _role_value(known.metadata.get(key))
            ]
            cell.metadata["nbgrader"] = nbformat.from_dict(dict(known.metadata))
            if changed:
                add_note(nb, resources, self.log, _(
                    "The nbgrader settings of cell {grade_id} were changed in your notebook "
                    "({changes}); they were put back as released before grading.",
                    grade_id=grade_id, changes="; ".join(changed)))
        return nb, resources


def _shown(value: Any) -> str:
    return _("not set") if value is None else repr(value)[:40]


def _role_value(value: Any) -> Any:
    """Released metadata says False/absent and 3.0 where a notebook may say absent/False and 3."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


# --------------------------------------------------------------------------------------------
# hidden tests


def strip_hidden_tests(source: str) -> tuple[str, bool]:
    """Remove every `### BEGIN HIDDEN TESTS ... ### END HIDDEN TESTS` region (an unclosed one runs
    to the end of the cell: better to hide too much than to show a hidden test)."""
    kept, hidden, removed = [], False, False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            hidden, removed = True, True
        elif END_HIDDEN in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept).rstrip("\n"), removed


def strip_hidden_in(nb: NotebookNode) -> None:
    """Hidden-test regions out of every cell of a notebook, in place."""
    for cell in nb.cells:
        if isinstance(cell.get("source"), str):
            cell.source, _removed = strip_hidden_tests(cell.source)


class StripHiddenTests(NbGraderPreprocessor):
    """Hidden-test regions out of every cell. In `nbgrader autograde` this runs right after
    OverwriteCells restored the instructor's test cells, so the kernel never receives a hidden
    region (a `pre_run_cell` hook or `In`/history in the student's kernel would print it into an
    output); the trusted grader does not need them there. It runs again for the feedback HTML."""

    def preprocess(self, nb, resources):
        strip_hidden_in(nb)
        return nb, resources


# --------------------------------------------------------------------------------------------
# edited or deleted test cells (noticed before nbgrader's OverwriteCells puts them back)


class NoteTamperedTestCells(CoursePreprocessor):
    """Compare each test cell with the version students received (the gradebook's source cell
    without its hidden region) and note edits and deletions (`add_note`). nbgrader's own
    OverwriteCells, right after this, restores the cells; the note only makes it visible."""

    def preprocess(self, nb, resources):
        with language(self.course_language()):
            return self._note(nb, resources)

    def _note(self, nb, resources):
        tests = {name: cell for name, cell in released_cells(resources).items() if cell.is_test}
        seen = set()
        for cell in nb.cells:
            grade_id = cell_metadata(cell, "nbgrader", {}).get("grade_id")
            if grade_id not in tests:
                continue
            seen.add(grade_id)
            source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            if strip_hidden_tests(source)[0].strip() != strip_hidden_tests(tests[grade_id].source)[0].strip():
                add_note(nb, resources, self.log, _(
                    "The test cell {grade_id} was changed in your notebook; it was put back as "
                    "released before grading.", grade_id=grade_id))
        for grade_id in sorted(set(tests) - seen):
            add_note(nb, resources, self.log, _(
                "The test cell {grade_id} was missing from your notebook; it was put back before "
                "grading.", grade_id=grade_id))
        return nb, resources


# --------------------------------------------------------------------------------------------
# kernel execution that survives the student's notebook


def _sandboxed_kernel_manager_class():
    from .kernel_sandbox import SandboxedKernelManager  # C's module; refuses when bwrap is missing

    return SandboxedKernelManager


def _error_output(ename: str, message: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


NOT_RUN = Message("The cells below it were not run in your notebook; every function was still "
                  "graded on its own.")


class SandboxedExecute(Execute, CoursePreprocessor):
    """nbgrader's Execute with the sandboxed kernel, which keeps going when the kernel does not.

    nbclient raises DeadKernelError out of the whole notebook when the kernel dies (os._exit, a
    crash, the memory limit), and CellTimeoutError when a cell outlives its timeout and then does
    not answer the interrupt either (it catches KeyboardInterrupt, or ignores SIGINT); nbgrader
    then drops the submission, and an unanswered kernel is only waited on. Here a kernel that does
    not come back from the interrupt within nbclient's iopub_timeout (a few seconds) is killed, the
    cell gets an error output saying what happened, later cells are left unrun, and the notebook
    goes on to TrustedGrades, which grades every function on its own. A cell that times out and
    answers the interrupt stops the run too, so one hang costs one cell timeout.
    """

    def __init__(self, **kw):
        super().__init__(**kw)
        # nbgrader's Execute.__init__ passes AsyncKernelManager as a keyword, which beats config;
        # put the configured (by default the sandboxed) class back.
        self.kernel_manager_class = self._configured_kernel_manager()

    def _configured_kernel_manager(self):
        configured = None
        for section in ("SandboxedExecute", "Execute"):
            if "kernel_manager_class" in self.config.get(section, {}):
                configured = self.config[section]["kernel_manager_class"]
                break
        if configured is None or configured == KERNEL_MANAGER:
            return _sandboxed_kernel_manager_class()
        return import_item(configured) if isinstance(configured, str) else configured

    def preprocess(self, nb, resources=None, km=None):
        self._stopped = False
        self.kernel_manager_class = self._configured_kernel_manager()
        started = time.monotonic()
        try:
            with language(self.course_language()):  # the error outputs and notes of _stop
                return super().preprocess(nb, resources, km)
        finally:
            info = (resources or {}).get("nbgrader", {})
            self.log.info("%s/%s: notebook ran in the kernel in %.1f s",
                          info.get("student", "?"), info.get("assignment", "?"), time.monotonic() - started)

    def _stop(self, cell, resources, index: int, ename: str, what: str) -> None:
        """Stop running cells after this one: an error output in the cell, a note for the student."""
        self._stopped = True
        said = f"{what} {NOT_RUN}"  # two sentences
        if not any(o.get("ename") == ename for o in cell.get("outputs", [])):
            cell.outputs = list(cell.get("outputs", [])) + [_error_output(ename, said)]
        add_note(self.nb, resources, self.log, _("Cell {number}: {problem}", number=index + 1,
                                                 problem=said))

    def _kill_kernel(self) -> None:
        from jupyter_core.utils import run_sync

        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception as error:  # noqa: BLE001 - it is already gone, or going: never wait on it
            self.log.warning("shutting down the kernel: %s", error)

    def preprocess_cell(self, cell, resources, index):
        if self._stopped:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = []
                cell.execution_count = None
            return cell, resources
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stop(cell, resources, index, "KernelDied", _(
                "the Python kernel stopped while running this cell (os._exit, a crash, or the "
                "memory limit)."))
        except CellTimeoutError:
            self._kill_kernel()
            self._stop(cell, resources, index, "CellTimeoutError", _(
                "this cell ran longer than the {seconds} s limit and did not stop when interrupted "
                "(does it catch KeyboardInterrupt?), so its kernel was shut down.",
                seconds=self.timeout))
        else:
            if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
                self._stop(cell, resources, index, "CellTimeoutError", _(
                    "this cell ran longer than the {seconds} s limit and was interrupted.",
                    seconds=self.timeout))
        return cell, resources


# --------------------------------------------------------------------------------------------
# student HTML


class SanitizeStudentHtml(CoursePreprocessor):
    """Everything the student wrote that a browser would read as HTML, sanitized (student_html).

    Runs before `nbgrader autograde` stores the autograded notebook (formgrader shows it as HTML,
    inside the instructor's Jupyter server) and again in `nbgrader generate_feedback`. Markdown
    and raw cells that are exactly the course's own (the assignment's source notebook) are left as
    they are; outputs always come from the student's kernel: their PNG/JPEG pictures and text are
    kept, HTML/SVG/markdown sanitized, scripts and widgets left out."""

    def _course_texts(self, assignment_id: str) -> set[str]:
        try:
            course = self.course()
            source = nbformat.read(course.root / course.assignment(assignment_id).notebook, as_version=4)
        except (CourseError, OSError, ValueError) as error:
            self.log.warning("%s: the course's own markdown is not known (%s); all of it is sanitized",
                             assignment_id, error)
            return set()
        return {c.source for c in source.cells if c.cell_type in ("markdown", "raw")}

    def preprocess(self, nb, resources):
        with language(self.course_language()):  # safe_output's "[output not shown ...]"
            return self._sanitize(nb, resources)

    def _sanitize(self, nb, resources):
        course_texts = self._course_texts(resources["nbgrader"]["assignment"])
        for cell in nb.cells:
            if cell.cell_type in ("markdown", "raw") and cell.source not in course_texts:
                if cell.cell_type == "markdown":
                    cell.source = markdown_as_safe_html(cell.source, cell.get("attachments"))
                else:
                    cell.source = safe_html(cell.source)
            elif cell.cell_type == "code":
                cell.execution_count = safe_count(cell.get("execution_count"))
                cell.outputs = [safe_output(output) for output in cell.get("outputs", [])]
        nb.metadata.pop("widgets", None)  # widget state: rendered by a script the page loads
        return nb, resources


# --------------------------------------------------------------------------------------------
# trusted grades


def _kernel_note(outputs: list) -> str:
    """One line on what the visible tests did in the student's kernel (information, not the score).
    A timeout or a dead kernel says more than the KeyboardInterrupt that comes with it."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    for output in errors:
        if output.get("ename") == "CellTimeoutError":
            return _("In your notebook, this cell ran past the time limit and was stopped "
                     "(CellTimeoutError); the cells below it were not run.")
        if output.get("ename") == "KernelDied":
            return _("In your notebook, KernelDied: {problem}", problem=output.get("evalue", ""))
    for output in errors:
        ename, evalue = output.get("ename", "error"), str(output.get("evalue", ""))
        first = evalue.strip().splitlines()[0][:200] if evalue.strip() else ""
        if first:
            return _("In your notebook, the visible tests in this cell stopped with {error}: "
                     "{problem}", error=ename, problem=first)
        return _("In your notebook, the visible tests in this cell stopped with {error}", error=ename)
    return ""


def _score_text(score: float) -> str:
    text = f"{score:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def trusted_outputs(feedback: str, score: float) -> list[NotebookNode]:
    """The outputs nbgrader reads the grade from: feedback on stdout, then the score as the result."""
    if len(feedback) > FEEDBACK_LIMIT:
        feedback = feedback[:FEEDBACK_LIMIT] + "\n" + _("... (feedback shortened)")
    return [
        nbformat.v4.new_output("stream", name="stdout", text=feedback.rstrip("\n") + "\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": _score_text(score)}, execution_count=None),
    ]


class TrustedGrades(CoursePreprocessor):
    """Write the course autograder's scores and feedback into the test cells (see module doc), and
    the notes on what was wrong with the submission at the top of the notebook."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        course = self.course()
        with language(course.language):  # the notes, the feedback and the score lines
            return self._grade(nb, resources, course)

    def _grade(self, nb: NotebookNode, resources: dict, course: Course) -> tuple[NotebookNode, dict]:
        from .class_report import RESULTS_KEY, submission_results
        from .engine import grade_submission
        from .submission import read_notebook

        info = resources["nbgrader"]
        assignment_id, student = info["assignment"], info["student"]
        started = time.monotonic()
        report = grade_submission(read_notebook(nb), course, assignment_id, student)
        seconds = time.monotonic() - started
        for message in report.notes + report.warnings:
            self.log.warning("%s/%s: %s", student, assignment_id, message)
        tests = {t.name: t for t in report.tests}

        graded = set()
        written: dict[str, tuple[float, float]] = {}  # test -> (score, points) as nbgrader stores them
        for cell in nb.cells:
            meta = cell_metadata(cell, "nbgrader", {})
            if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
                continue
            test = tests.get(meta.get("grade_id"))
            if test is None:
                continue  # an instructor's own extra test cell: nbgrader grades it as usual
            points = float(meta.get("points", test.max_score))
            # course.yml and the notebook should agree; if not, the notebook's points count
            score = test.score * points / test.max_score if test.max_score else 0.0
            score = min(max(round(score, 6), 0.0), points)
            if abs(points - test.max_score) > 1e-9:
                self.log.warning(
                    "%s: %s is worth %g points in the notebook but %g in course.yml; scaled",
                    assignment_id, test.name, points, test.max_score,
                )
            # people read 0.27; nbgrader stores the score in the cell's result at full precision
            lines = [_("{function}: {score} / {points} points (course autograder)",
                       function=test.function, score=format_points(score),
                       points=format_points(points)), test.feedback]
            note = _kernel_note(cell.get("outputs", []))
            if note:
                lines.append(note)
            cell.outputs = trusted_outputs("\n".join(lines), score)
            cell.execution_count = None
            graded.add(test.name)
            written[test.name] = (score, points)

        missing = sorted(set(tests) - graded)
        if missing:
            # The test cell is gone even after OverwriteCells restored missing cells: never let a
            # function go ungraded silently.
            raise RuntimeError(
                f"{student}/{assignment_id}: no test cell for {', '.join(missing)} in the notebook; "
                f"is the notebook in the gradebook the one in assignments/? (nbgrader generate_assignment --force)"
            )

        problems = list(nb.metadata.pop(NOTES_KEY, []))
        problems += report.notes  # set-up warnings (secret, isolation) stay in the instructor's log
        if problems:
            nb.cells.insert(0, notes_cell(problems))
        # The per-check results for the class report (autograder.class_report), in the autograded
        # notebook's metadata: the instructor's copy, never rendered into the feedback HTML. Set
        # here, after the kernel, so whatever a submitted notebook carried under this key is gone.
        nb.metadata[RESULTS_KEY] = submission_results(report, problems, written)

        self.log.info(
            "%s/%s: trusted score %s / %s (graded in %.1f s)",
            student, assignment_id, _score_text(report.score), _score_text(report.max_score), seconds,
        )
        return nb, resources


# --------------------------------------------------------------------------------------------
# unreadable submissions


class TolerantNotebookExporter(NotebookExporter):
    """A submitted file that is not a notebook at all is graded as the untouched release notebook
    (0 points), with a note in the feedback and one error in nbgrader's log, instead of stopping
    the student's whole submission with a traceback. The file in submitted/ is left as it is."""

    def from_filename(self, filename, resources=None, **kw):
        try:
            with open(filename, encoding="utf-8") as handle:
                nbformat.read(handle, as_version=4)
        except Exception as error:  # noqa: BLE001 - any unreadable file gets the same treatment
            replacement = self._release_notebook(filename)
            if replacement is None:
                raise
            reason = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
            message = (
                f"{filename} could not be read as a notebook ({reason}). It was graded as the "
                f"untouched release notebook, so it scores 0; the file in submitted/ was not changed."
            )
            self.log.error(message)
            nb = nbformat.read(replacement, as_version=4)
            # a note for the feedback (TrustedGrades shows it); the error above is the log line
            with language(_coursedir_language(self)):
                nb.metadata[NOTES_KEY] = [_(
                    "Your submission could not be read: the file you handed in is not a valid "
                    "notebook ({problem}); it may have been cut short or edited outside Jupyter. It "
                    "was graded as the untouched assignment (0 points). Ask your instructor; your "
                    "file was kept as you sent it.", problem=reason)]
            if resources is None:
                resources = {}
            resources.setdefault("metadata", {})
            resources["metadata"]["name"] = os.path.splitext(os.path.basename(filename))[0]
            resources["metadata"]["path"] = os.path.dirname(filename)
            return self.from_notebook_node(nb, resources=resources, **kw)
        return super().from_filename(filename, resources=resources, **kw)

    def _release_notebook(self, filename: str) -> str | None:
        coursedir = getattr(self.parent, "coursedir", None)
        if coursedir is None:
            return None
        parts = Path(filename).parts
        notebook = Path(filename).name
        for assignment_id in reversed(parts[:-1]):
            candidate = Path(coursedir.format_path(coursedir.release_directory, ".", assignment_id)) / notebook
            if candidate.is_file():
                return str(candidate)
        return None


# --------------------------------------------------------------------------------------------
# due dates and late penalties


class CourseLatePenalty(LateSubmissionPlugin):
    """nbgrader's late-penalty plugin following course.yml's `late_policy` (the assignment's, else
    the course's; CourseLatePenalties hands it over): points, or a percent of the assignment's
    points, off for every hour or day started after the due date, up to the cap. No policy:
    nothing off. nbgrader itself keeps the penalty between 0 and the notebook's score."""

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        policy = getattr(self.parent, "late_policy", None)
        if policy is None:
            return None
        penalty = policy.penalty(total_seconds_late, self.parent.max_score)
        self.log.warning("%s/%s: %.0f s late, %d %s(s) started: %s point(s) off by the late policy",
                         student_id, self.parent.assignment_id, total_seconds_late,
                         policy.periods_started(total_seconds_late), policy.per, _score_text(penalty))
        return penalty


class CourseLatePenalties(CoursePreprocessor, AssignLatePenalties):
    """nbgrader's AssignLatePenalties, after writing the assignment's `due` from course.yml into the
    gradebook: nbgrader computes how late a submission is from the gradebook's due date and the
    submission's timestamp.txt. An assignment without `due` keeps whatever due date the gradebook
    has (e.g. from `nbgrader db assignment add --duedate`). The plugin is CourseLatePenalty unless
    the configuration names another (c.AssignLatePenalties.plugin_class)."""

    plugin_class = Type(CourseLatePenalty, klass=BasePlugin,
                        help="The plugin that decides the late penalty of each notebook.").tag(config=True)
    late_policy: LatePolicy | None = None
    max_score: float = 0.0

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        course = self.course()
        assignment = course.assignment(info["assignment"])
        self.late_policy, self.max_score = course.late_policy_for(assignment.id), assignment.max_score
        if assignment.due is not None:
            with Gradebook(info["db_url"]) as gb:
                gb.update_or_create_assignment(assignment.id, duedate=utils.parse_utc(assignment.due))
        return super().preprocess(nb, resources)
