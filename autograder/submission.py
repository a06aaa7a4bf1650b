"""Read a submission (.py module or .ipynb notebook) into code chunks to run.

Nothing of the student's executes here: we only read text and compile it to find syntax errors.
The chunks run later, in the sandboxed child (sandbox.py).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

SKIP_TAG = "autograder:skip"
REPLACEMENT_CHARACTER = "\ufffd"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class SubmissionError(Exception):
    """The submission cannot be read at all (missing file, not a notebook, wrong suffix)."""


@dataclass(frozen=True)
class CodeChunk:
    label: str  # "cell 7" or "module"
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


def unencodable_problem(where: str, count: int) -> str:
    """The note for a student whose notebook held characters that are not valid Unicode."""
    what = "1 character that is" if count == 1 else f"{count} characters that are"
    return (
        f"{where} held {what} not valid Unicode (lone surrogates such as \\udc80, which no editor "
        f"writes); replaced by \ufffd before grading, the rest was kept as it was."
    )


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
    where = f" on line {error.lineno}" if error.lineno else ""
    text = (error.text or "").strip()
    shown = f": {text}" if text else ""
    return (
        f"{label} has a syntax error{where} ({error.msg}){shown}. "
        f"That cell was skipped; the other cells were still graded."
    )


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
        problems.append(f"{label} could not be read as Python ({bad}); it was skipped.")
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
        problems.append("the notebook's list of cells is not a list; nothing could be read")
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            problems.append(f"cell {index} is not a notebook cell; it was skipped")
            continue
        if cell.get("cell_type") != "code" or _is_test_cell(cell) or _is_skipped(cell):
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)  # raw JSON notebooks may keep sources as line lists
        if not isinstance(source, str):
            problems.append(f"cell {index} holds no text (its source is a {type(source).__name__}); it was skipped")
            continue
        source, replaced = replace_unencodable(source)
        if replaced:
            problems.append(unencodable_problem(f"cell {index}", replaced))
        chunk = _checked_chunk(f"cell {index}", source, problems)
        if chunk is not None:
            chunks.append(chunk)
    return Submission(path=path, chunks=chunks, problems=problems)


def read_submission(path: Path | str) -> Submission:
    """Read a .py module or an .ipynb notebook; SubmissionError with a plain message if unreadable."""
    path = Path(path)
    if not path.is_file():
        raise SubmissionError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SubmissionError(f"{path}: not a UTF-8 text file ({error.reason})") from error
    if suffix == ".py":
        problems: list[str] = []
        chunk = _checked_chunk("module", text, problems, ipython=False)
        return Submission(path=path, chunks=[chunk] if chunk else [], problems=problems)
    if suffix == ".ipynb":
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise SubmissionError(
                f"{path}: this notebook is not valid JSON, so no cell could be read "
                f"({str(error).splitlines()[0][:200]}). Was it edited outside Jupyter or cut short?"
            ) from error
        if isinstance(raw, dict) and raw.get("nbformat") == 4:
            # Every notebook Jupyter writes today: read as the JSON it is. read_notebook takes
            # what nbformat would hand over, and importing nbformat costs 1.5-2 s (jsonschema
            # builds its grammars), most of a whole grading.
            return read_notebook(raw, path=path)
        import nbformat  # older formats: nbformat converts them to version 4

        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception as error:  # nbformat raises several kinds for malformed notebooks
            raise SubmissionError(f"{path}: not a readable notebook ({error})") from error
        return read_notebook(nb, path=path)
    raise SubmissionError(f"{path}: expected a .py module or an .ipynb notebook, got {suffix or 'no suffix'}")
