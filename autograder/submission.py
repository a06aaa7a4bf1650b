"""Read a submission (.py module or .ipynb notebook) into code chunks to run.

Nothing of the student's executes here: we only read text and compile it to find syntax errors.
The chunks run later, in the sandboxed child (sandbox.py).

The notes about the file (Submission.problems, SubmissionError) are said in the current language
(autograder.i18n: the course's, when the reading happens inside `language(course.language)`). A
chunk's label stays an id ("cell 7", "module"): chunk_name says it in words.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import Message, _

SKIP_TAG = "autograder:skip"
REPLACEMENT_CHARACTER = "\ufffd"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class SubmissionError(Exception):
    """The submission cannot be read at all (missing file, not a notebook, wrong suffix). Its
    message is a Message: said in the language current when str() is taken."""


_CELL_LABEL = re.compile(r"cell ([0-9]+)")


def chunk_name(label: str) -> str:
    """A chunk's label ("cell 7", "module") in words of the current language; any other text as
    it is (the sandboxed child echoes labels, so this may be anything)."""
    cell = _CELL_LABEL.fullmatch(label)
    if cell:
        return _("cell {number}", number=cell.group(1))
    if label == "module":
        return _("module")
    return label


@dataclass(frozen=True)
class CodeChunk:
    label: str  # "cell 7" or "module": an id, said with chunk_name
    source: str  # Python source; IPython magics and shell lines already removed


@dataclass
class Submission:
    path: Path | None
    chunks: list[CodeChunk]
    problems: list[str] = field(default_factory=list)


def replace_unencodable(text: str) -> tuple[str, int]:
    """`text` with every lone surrogate (e.g. "\\udc80", which JSON can carry but UTF-8 cannot) replaced
    by U+FFFD, and how many were replaced. Such a character makes the notebook unwritable and the
    cell uncompilable; everything else in the cell is kept as the student wrote it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.subn(REPLACEMENT_CHARACTER, text)
    return text, 0


def unencodable_problem(where: Message | str, count: int) -> Message:
    """The note for a student whose notebook held characters that are not valid Unicode; `where`
    says which part ("cell 3", "Your notebook's metadata"), in words."""
    if count == 1:
        return Message("{where} held 1 character that is not valid Unicode (lone surrogates such "
                       "as \\udc80, which no editor writes); replaced by \ufffd before grading, "
                       "the rest was kept as it was.", where=where)
    return Message("{where} held {count} characters that are not valid Unicode (lone surrogates "
                   "such as \\udc80, which no editor writes); replaced by \ufffd before grading, "
                   "the rest was kept as it was.", where=where, count=count)


def strip_ipython_syntax(source: str) -> str:
    """Drop IPython-only lines (`%magic`, `!shell`, `%%cell magic` bodies) so plain Python remains.

    A cell magic (`%%time`, `%%capture` ...) applies to the whole cell: its first line goes and the
    body stays, since those magics run the body as Python. Other cell magics (`%%bash`) are not
    Python at all, so the whole cell goes.
    """
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split()[0] if lines[0].lstrip()[2:].split() else ""
        if magic not in {"time", "timeit", "capture", "prun"}:
            return ""
        lines = lines[1:]
    kept = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            # keep the indentation valid inside blocks
            kept.append(line[: len(line) - len(stripped)] + "pass")
        else:
            kept.append(line)
    return "\n".join(kept)


def _syntax_problem(label: str, error: SyntaxError) -> str:
    fields = {"label": chunk_name(label), "error": error.msg, "line": error.lineno,
              "code": (error.text or "").strip()}
    if error.lineno and fields["code"]:
        return _("{label} has a syntax error on line {line} ({error}): {code}. That cell was "
                 "skipped; the other cells were still graded.", **fields)
    if error.lineno:
        return _("{label} has a syntax error on line {line} ({error}). That cell was skipped; the "
                 "other cells were still graded.", **fields)
    if fields["code"]:
        return _("{label} has a syntax error ({error}): {code}. That cell was skipped; the other "
                 "cells were still graded.", **fields)
    return _("{label} has a syntax error ({error}). That cell was skipped; the other cells were "
             "still graded.", **fields)


def _compiles(source: str, label: str) -> SyntaxError | None:
    try:
        compile(source, f"<{label}>", "exec")
    except SyntaxError as error:
        return error
    return None


def _checked_chunk(
    label: str, source: str, problems: list[str], *, ipython: bool = True
) -> CodeChunk | None:
    """The chunk to run, or None (with a problem recorded) if it is not Python.

    Valid Python is never altered: IPython lines are stripped only from a notebook cell that does
    not compile as it is (a line starting with `%` may be a modulo inside brackets).
    """
    try:
        error = _compiles(source, label)
        if error is not None and ipython:
            stripped = strip_ipython_syntax(source)
            if _compiles(stripped, label) is None:
                source, error = stripped, None
    except ValueError as bad:  # e.g. null bytes in the source
        problems.append(_("{label} could not be read as Python ({problem}); it was skipped.",
                          label=chunk_name(label), problem=str(bad)))
        return None
    if error is not None:
        problems.append(_syntax_problem(label, error))
        return None
    if not source.strip():
        return None
    return CodeChunk(label=label, source=source)


def cell_metadata(cell, key: str, default):
    """cell.metadata[key], or `default` when the metadata is missing or not shaped as nbformat
    says (a hand-edited notebook must not crash the grader)."""
    meta = cell.get("metadata")
    value = meta.get(key, default) if isinstance(meta, dict) else default
    return value if isinstance(value, type(default)) else default


def _is_test_cell(cell) -> bool:
    meta = cell_metadata(cell, "nbgrader", {})
    return bool(meta.get("grade")) and not bool(meta.get("solution"))


def _is_skipped(cell) -> bool:
    return SKIP_TAG in cell_metadata(cell, "tags", [])


def read_notebook(nb, path: Path | None = None) -> Submission:
    """Code cells of a notebook, in order, minus nbgrader test cells and `autograder:skip` cells.

    Test cells are left out because the trusted grader, not the notebook's asserts, decides the
    score; picture cells because they cost time and grade nothing.
    """
    problems: list[str] = []
    chunks: list[CodeChunk] = []
    cells = nb.get("cells", [])
    if not isinstance(cells, list):
        cells = []
        problems.append(_("the notebook's list of cells is not a list; nothing could be read"))
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            problems.append(_("{label} is not a notebook cell; it was skipped",
                              label=chunk_name(f"cell {index}")))
            continue
        if cell.get("cell_type") != "code" or _is_test_cell(cell) or _is_skipped(cell):
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)  # raw JSON notebooks may keep sources as line lists
        if not isinstance(source, str):
            problems.append(_("{label} holds no text (its source is a {type}); it was skipped",
                              label=chunk_name(f"cell {index}"), type=type(source).__name__))
            continue
        source, replaced = replace_unencodable(source)
        if replaced:
            problems.append(str(unencodable_problem(chunk_name(f"cell {index}"), replaced)))
        chunk = _checked_chunk(f"cell {index}", source, problems)
        if chunk is not None:
            chunks.append(chunk)
    return Submission(path=path, chunks=chunks, problems=problems)


def read_submission(path: Path | str) -> Submission:
    """Read a .py module or an .ipynb notebook; SubmissionError with a plain message if unreadable."""
    path = Path(path)
    if not path.is_file():
        raise SubmissionError(Message("{path}: no such file", path=str(path)))
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SubmissionError(Message("{path}: not a UTF-8 text file ({problem})", path=str(path),
                                      problem=error.reason)) from error
    if suffix == ".py":
        problems: list[str] = []
        chunk = _checked_chunk("module", text, problems, ipython=False)
        return Submission(path=path, chunks=[chunk] if chunk else [], problems=problems)
    if suffix == ".ipynb":
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise SubmissionError(Message(
                "{path}: this notebook is not valid JSON, so no cell could be read ({problem}). "
                "Was it edited outside Jupyter or cut short?",
                path=str(path), problem=str(error).splitlines()[0][:200])) from error
        if isinstance(raw, dict) and raw.get("nbformat") == 4:
            # Every notebook Jupyter writes today: read as the JSON it is. read_notebook takes
            # what nbformat would hand over, and importing nbformat costs 1.5-2 s (jsonschema
            # builds its grammars), most of a whole grading.
            return read_notebook(raw, path=path)
        import nbformat  # older formats: nbformat converts them to version 4

        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception as error:  # nbformat raises several kinds for malformed notebooks
            raise SubmissionError(Message("{path}: not a readable notebook ({problem})",
                                          path=str(path), problem=str(error))) from error
        return read_notebook(nb, path=path)
    if not suffix:
        raise SubmissionError(Message("{path}: expected a .py module or an .ipynb notebook, got no "
                                      "suffix", path=str(path)))
    raise SubmissionError(Message("{path}: expected a .py module or an .ipynb notebook, got "
                                  "{suffix}", path=str(path), suffix=suffix))
