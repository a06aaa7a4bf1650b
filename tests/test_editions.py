"""Translated editions of the notebooks (issue 15): the build keeps them in step with the English.

An edition notebooks/<lang>/<id>/<id>.py may differ from the English source only in prose,
comments and the text of strings, plus its own cells tagged with the language (the glossary and,
for ko, the font cell); scripts/build_notebooks.py refuses anything else and gives each
translated cell its English counterpart's id. These tests build synthetic editions from the
English a1 source, so they hold whatever the real translations say.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from autograder.course import load_course

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT)
AID = "a1_output_size"
POINTS = COURSE.assignment(AID).points

sys.path.insert(0, str(ROOT / "scripts"))
import build_notebooks  # noqa: E402

GLOSSARY = '''# %% [markdown] tags=["ko", "glossary"]
# | 한국어 | English |
# |---|---|
# | 합성곱 | convolution |

'''
FONT_CELL = '''# %% tags=["ko", "autograder:skip"]
plt.rcParams["font.family"] = ["DejaVu Sans", "NanumGothic"]

'''


def _english() -> str:
    return build_notebooks.source_path(AID).read_text()


def _cells(text: str) -> list[str]:
    """The source split at its cell headers (each piece starts with '# %%')."""
    return re.split(r"(?m)^(?=# %%)", text)


def _edition(tmp_path: Path, text: str | None = None, *, glossary: bool = True,
             font: bool = True) -> Path:
    """A ko edition of a1: the English source with a glossary after the title cell and a font
    cell after the setup cell (what the real editions have), or `text` as given."""
    if text is None:
        pieces = _cells(_english())
        setup = next(i for i, p in enumerate(pieces) if '"grade_id": "setup"' in p.split("\n", 1)[0])
        if font:
            pieces.insert(setup + 1, FONT_CELL)
        if glossary:
            pieces.insert(2, GLOSSARY)  # pieces[0] is '' before the first header, [1] the title
        text = "".join(pieces)
    path = tmp_path / "ko" / f"{AID}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _build(path: Path):
    return build_notebooks.build_from(AID, path, POINTS, "ko", build_notebooks.source_path(AID))


def test_an_edition_in_step_builds_and_shares_the_english_cell_ids(tmp_path):
    english = build_notebooks.build(AID, COURSE)
    edition = _build(_edition(tmp_path))
    ids = [c["id"] for c in edition.cells]
    assert ids[:2] == ["a1-000", "a1-ko-0"]  # the title, then the glossary
    shared = [c for c in edition.cells if "ko" not in c.metadata.get("tags", [])]
    assert [c["id"] for c in shared] == [c["id"] for c in english.cells]
    assert [c.metadata.get("nbgrader") for c in shared] == [c.metadata.get("nbgrader")
                                                            for c in english.cells]


def test_translated_prose_comments_and_strings_are_in_step(tmp_path):
    text = _english()
    text = text.replace("# A convolution layer slides", "# 합성곱 층은 작은 가중치 격자를 밀며", 1)
    text = text.replace('raise AssertionError(f"{what}: expected a numpy array, got',
                        'raise AssertionError(f"{what}: numpy 배열을 기대했는데', 1)
    text = text.replace("np.set_printoptions(precision=4, suppress=True)",
                        "np.set_printoptions(precision=4, suppress=True)  # 출력을 짧게", 1)
    assert text != _english()
    _build(_edition_from(tmp_path, text))


def _edition_from(tmp_path: Path, english_like: str) -> Path:
    pieces = _cells(english_like)
    setup = next(i for i, p in enumerate(pieces) if '"grade_id": "setup"' in p.split("\n", 1)[0])
    pieces.insert(setup + 1, FONT_CELL)
    pieces.insert(2, GLOSSARY)
    return _edition(tmp_path, "".join(pieces))


@pytest.mark.parametrize("old, new, message", [
    ("got = conv_output_length(28, 3)", "got = conv_output_length(28, 2)",
     "the code differs from the English"),
    ("np.set_printoptions(precision=4, suppress=True)",
     "np.set_printoptions(precision=3, suppress=True)", "the code differs from the English"),
    ('"grade_id": "test_conv_output_length", "locked": true',
     '"grade_id": "test_conv_output_length", "locked": false', "but the English cell has"),
])
def test_an_edition_whose_code_or_cells_drift_is_refused(tmp_path, old, new, message):
    english = _english()
    if old not in english:
        pytest.skip(f"the English a1 no longer has {old!r}")
    with pytest.raises(build_notebooks.SourceError, match=message):
        _build(_edition_from(tmp_path, english.replace(old, new, 1)))


def test_an_edition_without_its_glossary_or_with_a_cell_dropped_is_refused(tmp_path):
    with pytest.raises(build_notebooks.SourceError, match="glossary cell"):
        _build(_edition(tmp_path, glossary=False))
    pieces = _cells(_english())
    markdown = next(i for i, p in enumerate(pieces) if i > 3 and p.startswith("# %% [markdown]"))
    del pieces[markdown]
    with pytest.raises(build_notebooks.SourceError, match="add or drop none"):
        _build(_edition_from(tmp_path, "".join(pieces)))


def test_code_shape_ignores_only_comments_and_string_text():
    shape = build_notebooks.code_shape
    assert shape('print(f"got {x!r}")  # note') == shape('print(f"받은 값 {x!r}")')
    assert shape('print(f"got {x!r}")') != shape('print(f"got {y!r}")')
    assert shape('"""doc"""\nx = 1') == shape('"""문서"""\nx = 1')
    assert shape("x = 'valid'") == shape("x = 'full'")  # why editions are also run end to end
    assert shape("x = 1") != shape("x = 2")
