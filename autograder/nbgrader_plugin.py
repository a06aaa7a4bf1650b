"""nbgrader integration: trusted scores in the gradebook, a sandboxed kernel, no hidden tests shown.

`nbgrader autograde` runs two passes over each submitted notebook (nbgrader/converters/autograde.py):

    sanitize:  ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata
    autograde: Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
               AssignLatePenalties, CheckCellMetadata

Plain nbgrader scores a test cell from what the cell printed inside the student's kernel, which
the student's own code controls (a no-op `assert_allclose`, a fake `numpy` in `sys.modules` ...).
`configure()` adds NoteTamperedTestCells to the sanitize pass, right before OverwriteCells (it
notes test cells the student edited or deleted, for the feedback), and changes the autograde
pass to

    SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    TrustedGrades, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata

- SandboxedExecute runs the notebook in the sandboxed kernel (autograder.kernel_sandbox) and
  survives a kernel that dies or hangs in one cell: the remaining cells are marked as not run,
  and the notebook still goes on to be graded.
- TrustedGrades reads the notebook's code cells as the student wrote them, grades them with the
  course autograder (the student's code runs in the sandboxed child, the comparison happens here,
  in nbgrader's own process), and overwrites every test cell's outputs with the trusted result:
  the feedback text as a stream, the score as the cell's `execute_result` (nbgrader's partial
  credit, nbgrader/utils.py:get_partial_grade). SaveAutoGrades then stores exactly those scores,
  whatever the kernel printed. It also removes the hidden-test regions from the sources.
- StripHiddenTests runs again in `nbgrader generate_feedback`, so feedback never shows them.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Optional

import nbformat
from nbconvert.exporters import NotebookExporter
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
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
from traitlets import Bool, Unicode
from traitlets.utils.importstring import import_item

from .course import Course, load_course
from .report import format_points
from .submission import SKIP_TAG

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


def configure(c: Any, course: Course) -> None:
    """Fill nbgrader's config object `c` from course.yml (called by nbgrader_config.py)."""
    root = Path(course.root).resolve()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = course.course_id
    c.CourseDirectory.source_directory = "assignments"
    c.CourseDirectory.db_url = absolute_db_url(course.nbgrader.db_url, root)

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
    c.TrustedGrades.course_root = str(root)
    c.Autograde.autograde_preprocessors = [
        SandboxedExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        TrustedGrades,  # after everything that edits outputs, right before the scores are saved
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    c.Autograde.sanitize_preprocessors = [
        ClearOutput,
        DeduplicateIds,
        OverwriteKernelspec,
        NoteTamperedTestCells,  # sees the cells as handed in, before OverwriteCells restores them
        OverwriteCells,
        CheckCellMetadata,
    ]
    c.GenerateFeedback.preprocessors = [GetGrades, StripHiddenTests, CSSHTMLHeaderPreprocessor]
    c.NbGraderApp.logfile = str(root / ".nbgrader.log")


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
            cell.source, _ = strip_hidden_tests(cell.source)


class StripHiddenTests(NbGraderPreprocessor):
    """Hidden-test regions out of every cell (autograded notebooks and feedback HTML)."""

    def preprocess(self, nb, resources):
        strip_hidden_in(nb)
        return nb, resources


# --------------------------------------------------------------------------------------------
# edited or deleted test cells (noticed before nbgrader's OverwriteCells puts them back)

NOTES_KEY = "autograder_notes"


class NoteTamperedTestCells(NbGraderPreprocessor):
    """Compare each test cell with the version students received (the gradebook's source cell
    without its hidden region) and note edits and deletions in the notebook's metadata, where
    TrustedGrades turns them into a line of feedback and a log warning. nbgrader's own
    OverwriteCells, right after this, restores the cells; the note only makes it visible."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        notes = []
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            answers = {cell.name for cell in notebook.solution_cells}  # graded answers: students edit those
            tests = {g.name for g in notebook.grade_cells if g.cell_type == "code" and g.name not in answers}
            released = {
                cell.name: strip_hidden_tests(cell.source)[0].strip()
                for cell in notebook.source_cells
                if cell.name in tests
            }
        seen = set()
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id not in tests:
                continue
            seen.add(grade_id)
            source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            if strip_hidden_tests(source)[0].strip() != released.get(grade_id, "").strip():
                notes.append(f"The test cell {grade_id} was changed in your notebook; it was put back as released before grading.")
        for grade_id in sorted(tests - seen):
            notes.append(f"The test cell {grade_id} was missing from your notebook; it was put back before grading.")
        if notes:
            nb.metadata[NOTES_KEY] = notes
            for note in notes:
                self.log.warning("%s/%s: %s", info["student"], info["assignment"], note)
        return nb, resources


# --------------------------------------------------------------------------------------------
# kernel execution that survives the student's notebook


def _sandboxed_kernel_manager_class():
    from .kernel_sandbox import SandboxedKernelManager  # C's module; refuses when bwrap is missing

    return SandboxedKernelManager


def _error_output(ename: str, message: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


class SandboxedExecute(Execute):
    """nbgrader's Execute with the sandboxed kernel, which keeps going when the kernel does not.

    nbclient raises DeadKernelError out of the whole notebook when the kernel dies (os._exit, a
    crash, the memory limit), and nbgrader then drops the submission. Here the cell that killed
    the kernel gets an error output saying so, later cells are left unrun with a note, and the
    notebook goes on to TrustedGrades, which grades every function on its own. A cell that times
    out is interrupted by nbclient; we then stop too, so one hang costs one cell timeout.
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
        self._stopped_because: Optional[str] = None
        self.kernel_manager_class = self._configured_kernel_manager()
        started = time.monotonic()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self.log.info("notebook ran in the kernel in %.1f s", time.monotonic() - started)

    def preprocess_cell(self, cell, resources, index):
        if self._stopped_because is not None:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = []
                cell.execution_count = None
            return cell, resources
        from nbclient.exceptions import DeadKernelError

        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stopped_because = "the kernel died"
            cell.outputs = list(cell.get("outputs", [])) + [
                _error_output(
                    "KernelDied",
                    "the Python kernel stopped while running this cell (os._exit, a crash, or the "
                    "memory limit). The cells below were not run here; every function was still "
                    "graded on its own by the course autograder.",
                )
            ]
            self.log.warning("cell %d: %s; the remaining cells are not run", index, self._stopped_because)
            return cell, resources
        if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
            self._stopped_because = f"a cell ran longer than {self.timeout} s"
            self.log.warning("cell %d timed out; the remaining cells are not run", index)
        return cell, resources


# --------------------------------------------------------------------------------------------
# trusted grades


def _kernel_note(outputs: list) -> str:
    """One line on what the visible tests did in the student's kernel (information, not the score).
    A timeout or a dead kernel says more than the KeyboardInterrupt that comes with it."""
    errors = [o for o in outputs if o.get("output_type") == "error"]
    for output in errors:
        if output.get("ename") == "CellTimeoutError":
            return ("In your notebook, this cell ran past the time limit and was stopped "
                    "(CellTimeoutError); the cells below it were not run.")
        if output.get("ename") == "KernelDied":
            return f"In your notebook, KernelDied: {output.get('evalue', '')}"
    for output in errors:
        ename, evalue = output.get("ename", "error"), str(output.get("evalue", ""))
        first = evalue.strip().splitlines()[0][:200] if evalue.strip() else ""
        return f"In your notebook, the visible tests in this cell stopped with {ename}" + (f": {first}" if first else "")
    return ""


def _score_text(score: float) -> str:
    text = f"{score:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def trusted_outputs(feedback: str, score: float) -> list[NotebookNode]:
    """The outputs nbgrader reads the grade from: feedback on stdout, then the score as the result."""
    if len(feedback) > FEEDBACK_LIMIT:
        feedback = feedback[:FEEDBACK_LIMIT] + "\n... (feedback shortened)"
    return [
        nbformat.v4.new_output("stream", name="stdout", text=feedback.rstrip("\n") + "\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": _score_text(score)}, execution_count=None),
    ]


class TrustedGrades(NbGraderPreprocessor):
    """Write the course autograder's scores and feedback into the test cells (see module doc)."""

    course_root = Unicode("", help="folder of course.yml (default: search from the working folder)").tag(config=True)
    strip_hidden = Bool(True, help="remove hidden-test regions from the autograded notebook").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        from .engine import grade_submission
        from .submission import read_notebook

        info = resources["nbgrader"]
        assignment_id, student = info["assignment"], info["student"]
        course = load_course(self.course_root or None)
        started = time.monotonic()
        report = grade_submission(read_notebook(nb), course, assignment_id, student)
        seconds = time.monotonic() - started
        for message in report.notes + report.warnings:
            self.log.warning("%s/%s: %s", student, assignment_id, message)
        tests = {t.name: t for t in report.tests}

        graded = set()
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
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
            lines = [f"{test.function}: {format_points(score)} / {format_points(points)} points (course autograder)", test.feedback]
            note = _kernel_note(cell.get("outputs", []))
            if note:
                lines.append(note)
            cell.outputs = trusted_outputs("\n".join(lines), score)
            cell.execution_count = None
            graded.add(test.name)

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
            text = "**Notes from the autograder**\n\n" + "\n".join(f"- {p}" for p in problems)
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(text))

        if self.strip_hidden:
            strip_hidden_in(nb)
        self.log.info(
            "%s/%s: trusted score %s / %s (graded in %.1f s)",
            student, assignment_id, _score_text(report.score), _score_text(report.max_score), seconds,
        )
        return nb, resources


# --------------------------------------------------------------------------------------------
# unreadable submissions


class TolerantNotebookExporter(NotebookExporter):
    """A submitted file that is not a notebook at all is graded as the untouched release notebook
    (0 points), with a note in the feedback and an error in nbgrader's log, instead of stopping
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
            nb.cells.insert(
                0,
                nbformat.v4.new_markdown_cell(
                    "**Your submission could not be read.** The file you handed in is not a valid "
                    f"notebook ({reason}); it may have been cut short or edited outside Jupyter. "
                    "It was graded as the untouched assignment (0 points). Ask your instructor; "
                    "your file was kept as you sent it."
                ),
            )
            if resources is None:
                resources = {}
            resources.setdefault("metadata", {})
            resources["metadata"]["name"] = os.path.splitext(os.path.basename(filename))[0]
            resources["metadata"]["path"] = os.path.dirname(filename)
            return self.from_notebook_node(nb, resources=resources, **kw)
        return super().from_filename(filename, resources=resources, **kw)

    def _release_notebook(self, filename: str) -> Optional[str]:
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
