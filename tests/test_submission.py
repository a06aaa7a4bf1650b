"""Reading submissions: nothing runs, magics go, a syntax error costs only its own cell."""
import json

import nbformat
import pytest

from autograder.submission import SubmissionError, read_submission, strip_ipython_syntax


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_py_module_is_one_chunk_and_is_not_executed(tmp_path):
    path = tmp_path / "alice.py"
    path.write_text("import sys\nsys.exit('must not run')\ndef corr1d(x, w):\n    return x\n")
    sub = read_submission(path)
    assert [c.label for c in sub.chunks] == ["module"]
    assert "def corr1d" in sub.chunks[0].source
    assert sub.problems == []


def test_notebook_keeps_code_cells_in_order_and_skips_tests_pictures_and_markdown(tmp_path):
    test_cell = nbformat.v4.new_code_cell("assert corr1d([1], [1]) == 1")
    test_cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                      "grade_id": "test_corr1d", "points": 1}
    solution = nbformat.v4.new_code_cell("def corr1d(x, w):\n    return 1")
    solution.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": "corr1d"}
    picture = nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1])")
    picture.metadata["tags"] = ["autograder:skip"]
    nb = notebook(
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np"),
        solution,
        test_cell,
        picture,
    )
    path = tmp_path / "a2_correlation.ipynb"
    nbformat.write(nb, path)
    sub = read_submission(path)
    assert [c.label for c in sub.chunks] == ["cell 2", "cell 3"]
    assert "%matplotlib" not in sub.chunks[0].source
    assert "import numpy as np" in sub.chunks[0].source


def test_a_syntax_error_skips_only_that_cell_and_says_where(tmp_path):
    nb = notebook(
        nbformat.v4.new_code_cell("def corr1d(x, w):\n    return x"),
        nbformat.v4.new_code_cell("def corr2d(x, w)\n    return x"),
        nbformat.v4.new_code_cell("def corr3d(x, w):\n    return x"),
    )
    path = tmp_path / "sub.ipynb"
    nbformat.write(nb, path)
    sub = read_submission(path)
    assert [c.label for c in sub.chunks] == ["cell 1", "cell 3"]
    assert len(sub.problems) == 1
    assert "cell 2 has a syntax error on line 1" in sub.problems[0]
    assert "other cells were still graded" in sub.problems[0]


def test_shell_lines_and_cell_magics(tmp_path):
    assert strip_ipython_syntax("!pip install numpy\nx = 1") == "pass\nx = 1"
    assert strip_ipython_syntax("%%bash\necho hi") == ""
    assert strip_ipython_syntax("%%time\nx = 1") == "x = 1"
    assert strip_ipython_syntax("if True:\n    %time y = 2\n") == "if True:\n    pass"


def test_broken_notebook_json_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [ {"cell_type": "code", "source": "def f(')
    with pytest.raises(SubmissionError, match="not valid JSON"):
        read_submission(path)


def test_missing_file_and_wrong_suffix(tmp_path):
    with pytest.raises(SubmissionError, match="no such file"):
        read_submission(tmp_path / "nope.py")
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(SubmissionError, match="expected a .py module or an .ipynb notebook"):
        read_submission(other)


def test_valid_python_is_never_altered_even_with_lines_starting_with_percent_or_bang(tmp_path):
    source = ("def conv_output_length(n, k, padding=0, stride=1, dilation=1):\n"
              "    span = (n + 2 * padding\n            - dilation * (k - 1) - 1)\n"
              "    ok = (span\n          != -1)\n"
              "    return (span\n            // stride) + 1 if (n\n                               % 1 == 0) else 0\n")
    module = tmp_path / "carol.py"
    module.write_text(source)
    assert read_submission(module).chunks[0].source == source
    nb = notebook(nbformat.v4.new_code_cell(source))
    path = tmp_path / "carol.ipynb"
    nbformat.write(nb, path)
    sub = read_submission(path)
    assert sub.problems == [] and sub.chunks[0].source == source


def test_a_py_module_with_a_magic_is_a_syntax_error_not_silently_changed(tmp_path):
    module = tmp_path / "dan.py"
    module.write_text("%matplotlib inline\nx = 1\n")
    sub = read_submission(module)
    assert sub.chunks == [] and "syntax error on line 1" in sub.problems[0]


def test_a_lone_surrogate_is_replaced_not_a_reason_to_skip_the_cell(tmp_path):
    # JSON can carry "\udc80" (a file edited outside Jupyter); UTF-8, and so compile(), cannot
    nb = notebook(nbformat.v4.new_code_cell("def corr1d(x, w):\n    return x  # caf\udc80\n"))
    path = tmp_path / "sub.ipynb"
    path.write_text(json.dumps(nb))  # ensure_ascii: the surrogate is written as an escape
    sub = read_submission(path)
    assert [c.label for c in sub.chunks] == ["cell 1"]
    assert sub.chunks[0].source.endswith("# caf\ufffd\n")
    assert len(sub.problems) == 1 and "cell 1 held 1 character that is not valid Unicode" in sub.problems[0]


def test_a_notebook_is_read_as_json_without_importing_nbformat(tmp_path):
    """nbformat's import costs 1.5-2 s (jsonschema builds its grammars): more than the rest of a
    grading. A version-4 notebook is read as the JSON it is, with the same chunks."""
    import subprocess
    import sys

    nb = notebook(nbformat.v4.new_code_cell("import numpy as np"),
                  nbformat.v4.new_code_cell("def f(x):\n    return x"))
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, path)
    probe = ("import sys; from autograder.submission import read_submission; "
             f"s = read_submission({str(path)!r}); "
             "print([c.label for c in s.chunks], 'nbformat' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['cell 1', 'cell 2'] False"


def test_an_old_format_notebook_is_converted_by_nbformat(tmp_path):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "def f(x):\n    return x", "language": "python",
         "metadata": {}, "outputs": []}]}]}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(v3))
    sub = read_submission(path)
    assert [c.source for c in sub.chunks] == ["def f(x):\n    return x"]
