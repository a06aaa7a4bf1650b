"""Build the five nbgrader source notebooks in assignments/ from the text in this file.

    python scripts/build_notebooks.py            # (re)write assignments/<id>/<id>.ipynb
    python scripts/build_notebooks.py --check    # exit 1 if a committed notebook is out of date

Why a script: the notebooks are JSON, which is miserable to review and easy to get subtly wrong
(nbgrader metadata, cell ids, leftover outputs). Here every cell is a few lines of Python with
one of five kinds, so the conventions of docs/internals.md hold by construction:

- md(...)        prose
- code(...)      ordinary code the grader also runs (imports, given functions)
- picture(...)   pictures and galleries: tagged `autograder:skip`, never graded
- solution(f)    the student's cell for graded function f: grade_id f, a stub between the
                 BEGIN/END SOLUTION markers that raises NotImplementedError
- tests(f, ...)  locked grade cell test_<f> with the points of course.yml, visible asserts, then
                 the hidden-tests comment block that hands grading to the trusted autograder

Points come from course.yml, so changing a weight there and re-running this script is enough.
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path
from textwrap import dedent

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.course import load_course  # noqa: E402
from autograder.registry import graded as registry_entry  # noqa: E402

SKIP_TAG = "autograder:skip"
HIDDEN_BLOCK = (
    "### BEGIN HIDDEN TESTS\n"
    "# Graded outside this notebook by the course autograder (randomized cases seeded per student).\n"
    "### END HIDDEN TESTS"
)


def _same_signature(a: str, b: str) -> bool:
    """Do two `name(params)` texts declare the same names and defaults (1e-5 == 1e-05)?"""
    def parts(text: str) -> tuple:
        fn = ast.parse(f"def {text}: pass").body[0]
        assert isinstance(fn, ast.FunctionDef)
        args = fn.args
        defaults = [ast.literal_eval(d) for d in args.defaults]
        return fn.name, [a.arg for a in args.args], defaults
    return parts(a) == parts(b)


def _text(source: str) -> str:
    return dedent(source).strip("\n")


class Builder:
    """Collects the cells of one notebook; ids are stable (assignment + position)."""

    def __init__(self, assignment_id: str, points: dict[str, float]):
        self.assignment_id = assignment_id
        self.points = points
        self.cells: list[nbformat.NotebookNode] = []

    def _add(self, cell: nbformat.NotebookNode) -> None:
        cell["id"] = f"{self.assignment_id[:2]}-{len(self.cells):03d}"
        self.cells.append(cell)

    def md(self, source: str) -> None:
        self._add(nbformat.v4.new_markdown_cell(_text(source)))

    def code(self, source: str, *, locked_id: str | None = None) -> None:
        cell = nbformat.v4.new_code_cell(_text(source))
        if locked_id:  # read-only for the student; nbgrader restores it when grading
            cell.metadata["nbgrader"] = {
                "grade": False, "solution": False, "locked": True,
                "grade_id": locked_id, "schema_version": 3,
            }
        self._add(cell)

    def picture(self, source: str) -> None:
        cell = nbformat.v4.new_code_cell(_text(source))
        cell.metadata["tags"] = [SKIP_TAG]
        self._add(cell)

    def solution(self, name: str, signature: str, docstring: str) -> None:
        """The student's cell: signature, docstring with shapes, stub between the markers. The
        signature is the registry entry's (autograder/registry/), as written for students."""
        assert name in self.points, f"{name} is not graded in course.yml"
        entry_signature = f"{name}{registry_entry(name).signature}"
        assert _same_signature(signature, entry_signature), \
            f"{signature} is not the registry's {entry_signature}"
        doc = _text(docstring)
        doc_lines = "\n".join(("    " + line) if line else "" for line in doc.splitlines())
        source = (
            f"def {signature}:\n"
            f'    """{doc_lines.lstrip()}\n    """\n'
            "    ### BEGIN SOLUTION\n"
            f'    raise NotImplementedError("write {name} here")\n'
            "    ### END SOLUTION"
        )
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {
            "grade": False, "solution": True, "locked": False,
            "grade_id": name, "schema_version": 3,
        }
        self._add(cell)

    def tests(self, name: str, visible: str) -> None:
        source = _text(visible) + "\n\n" + HIDDEN_BLOCK
        cell = nbformat.v4.new_code_cell(source)
        points = self.points[name]
        cell.metadata["nbgrader"] = {
            "grade": True, "solution": False, "locked": True,
            "grade_id": f"test_{name}",
            "points": int(points) if float(points).is_integer() else points,
            "schema_version": 3,
        }
        self._add(cell)

    def notebook(self) -> nbformat.NotebookNode:
        graded = [c.metadata["nbgrader"]["grade_id"] for c in self.cells
                  if c.metadata.get("nbgrader", {}).get("solution")]
        missing = set(self.points) - set(graded)
        assert not missing, f"{self.assignment_id}: no solution cell for {sorted(missing)}"
        nb = nbformat.v4.new_notebook()
        nb.cells = self.cells
        nb.metadata = {
            "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                           "language": "python"},
            "language_info": {"name": "python"},
        }
        nbformat.validate(nb)
        return nb


# Shared by every notebook after its imports (see setup() below): two helpers whose failure
# messages say what was expected and what came back. Locked so a student cannot break the tests
# by editing it.
SETUP = '''
np.set_printoptions(precision=4, suppress=True)


def assert_close(got, expected, what, rtol=1e-7, atol=1e-9):
    """Fail with a readable message unless `got` is a float ndarray close to `expected`."""
    expected = np.asarray(expected, dtype=float)
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{what}: expected a numpy array, got {type(got).__name__}: {got!r}")
    if got.shape != expected.shape:
        hint = ""
        if got.ndim == expected.ndim and all(abs(a - b) <= 1 for a, b in zip(got.shape, expected.shape)):
            hint = ("\\n(off by one: a window of size k fits n - k + 1 times along an axis of "
                    "length n; check the range of your loops)")
        raise AssertionError(f"{what}: expected shape {expected.shape}, got shape {got.shape}{hint}\\n"
                             f"expected:\\n{expected}\\ngot:\\n{got}")
    if got.dtype.kind != "f":
        raise AssertionError(f"{what}: expected a float array, got dtype {got.dtype} "
                             "(convert the inputs with np.asarray(..., dtype=float))")
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got - expected)), got.shape))
        raise AssertionError(f"{what}: values differ, worst at {worst}: expected "
                             f"{expected[worst]:.6g}, got {got[worst]:.6g}\\n"
                             f"expected:\\n{expected}\\ngot:\\n{got}")


def _short(value):
    """A readable stand-in for an argument or a result: big arrays by shape only."""
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"<array of shape {value.shape}>"
    return repr(value)


def assert_raises(error, func, *args, **kwargs):
    """Fail unless func(*args, **kwargs) raises `error`; say what happened instead."""
    call = f"{func.__name__}({', '.join([_short(a) for a in args] + [f'{k}={_short(v)}' for k, v in kwargs.items()])})"
    try:
        result = func(*args, **kwargs)
    except error:
        return
    except NotImplementedError:
        raise
    except Exception as other:
        raise AssertionError(f"{call} should raise {error.__name__}, but it raised "
                             f"{type(other).__name__}: {other}") from other
    raise AssertionError(f"{call} should raise {error.__name__}, but it returned {_short(result)}")
'''


def setup(*, rectangles: bool = True) -> str:
    """The setup cell: imports, then SETUP. a4 draws no rectangles, so it leaves that import out."""
    imports = ["import matplotlib.pyplot as plt", "import numpy as np"]
    if rectangles:
        imports.append("from matplotlib.patches import Rectangle")
    return "\n".join(imports) + "\n" + SETUP


INTRO_HOW_TO = '''
**How to work in this notebook.** Read from top to bottom and run every cell (Shift+Enter).
Each exercise is a function in a cell that says `# YOUR CODE HERE`: replace the
`raise NotImplementedError()` line with your code and keep the function's name and arguments.
The cell after it holds tests; run it, and fix your code until it runs without an error (an
`AssertionError` says what was expected and what came back). Passing these visible tests is a
good sign but not the whole grade: the autograder also tries random inputs of all shapes.
Cells that draw pictures work even before you start; they tell you which function they wait for.
'''


# --------------------------------------------------------------------------------------------
# a1: output size
# --------------------------------------------------------------------------------------------
def build_a1(b: Builder) -> None:
    b.md(r"""
    # Assignment 1 · Output size: how big is the result of a convolution?

    A convolution layer slides a small grid of weights, the **kernel**, over its input and writes
    one number for every place where the kernel fits. Before computing any of those numbers it
    pays to know *how many* there are: every layer of a network must agree with the next one
    about the shape of the data it passes on, and most shape bugs in a CNN are off-by-one
    mistakes in exactly this count.

    You will derive the output size step by step, first for the plainest case and then with the
    three knobs every framework offers: **padding**, **stride** and **dilation**. At the end you
    write two functions:

    | function | what it returns |
    |---|---|
    | `conv_output_length(n, k, padding=0, stride=1, dilation=1)` | the output length along one axis |
    | `conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1)` | the output size along every axis |
    """)  # noqa: E501 - a markdown table row cannot be wrapped
    b.md(INTRO_HOW_TO)
    b.code(setup(), locked_id="setup")
    b.md(r"""
    ## 1. A kernel sliding along a line

    Start in one dimension. The input is a row of $n$ numbers $x_0, \dots, x_{n-1}$ and the
    kernel a row of $k$ weights $w_0, \dots, w_{k-1}$. Lay the kernel over $k$ neighbouring
    inputs, multiply the numbers that lie on top of each other, add the products up: that is one
    output. Then move the kernel one step to the right and do it again.

    How many placements are there? In the first one the kernel covers inputs $0 \dots k-1$. In
    the last one it covers $n-k \dots n-1$: one more step would push it past the end. So the
    kernel can *start* at positions $0, 1, \dots, n-k$, and that is

    $$O = n - k + 1$$

    placements. This plain setting, with no padding and steps of one, is called **valid** mode:
    the kernel only visits positions where it fits entirely inside the input.

    The picture below draws every placement for $n = 7$, $k = 3$: the input on top, one row per
    placement, with the three input cells the kernel covers highlighted. Count the rows:
    $7 - 3 + 1 = 5$.
    """)
    b.picture(r'''
    def draw_positions(n, k, padding=0, stride=1, dilation=1):
        """Draw every placement of a k-tap kernel on an input of length n (one row each).

        This picture counts placements directly, without any formula, so you can compare it
        with your own conv_output_length.
        """
        total = n + 2 * padding                  # length after padding
        span = dilation * (k - 1) + 1            # input cells one placement reaches across
        starts = list(range(0, total - span + 1, stride))
        rows = len(starts)
        read = {s + t * dilation for s in starts for t in range(k)}
        unread = [j - padding for j in range(padding, padding + n) if j not in read]
        fig, ax = plt.subplots(figsize=(0.42 * total + 1.6, 0.36 * (rows + 1) + 0.5))
        for j in range(total):                   # the input row on top
            is_pad = j < padding or j >= padding + n
            face = "0.85" if is_pad else ("#f4cccc" if j not in read else "#cfe2f3")
            ax.add_patch(Rectangle((j, rows + 0.2), 0.9, 0.8, edgecolor="black", facecolor=face))
            ax.text(j + 0.45, rows + 0.6, "0" if is_pad else f"x{j - padding}",
                    ha="center", va="center", fontsize=8)
        for r, start in enumerate(starts):       # one row per placement
            y = rows - 1 - r
            taps = {start + t * dilation: t for t in range(k)}
            for j in range(total):
                tapped = j in taps
                ax.add_patch(Rectangle((j, y), 0.9, 0.8, edgecolor="0.6",
                                       facecolor="#f6b26b" if tapped else "white"))
                if tapped:
                    ax.text(j + 0.45, y + 0.4, f"w{taps[j]}", ha="center", va="center", fontsize=8)
            ax.text(total + 0.2, y + 0.4, f"-> output {r}", va="center", fontsize=8)
        ax.set_xlim(-0.2, total + 2.2)
        ax.set_ylim(-0.2, rows + 1.1)
        ax.axis("off")
        title = (f"n={n}, k={k}, padding={padding}, stride={stride}, dilation={dilation}: "
                 f"{rows} output{'s' if rows != 1 else ''}")
        if unread:                               # inputs no placement reaches (red)
            title += "\nnever read: " + ", ".join(f"x{m}" for m in unread)
        ax.set_title(title, fontsize=9)
        plt.show()


    draw_positions(n=7, k=3)
    ''')
    b.md(r"""
    ### The same in two dimensions

    An image has a height and a width, and a 2D kernel slides along both. The two directions do
    not influence each other: along the rows there are $H - K_H + 1$ placements, along the
    columns $W - K_W + 1$, and every combination of a row placement and a column placement is one
    output pixel. A $28 \times 28$ image (an MNIST digit, say) correlated with a $3 \times 3$
    kernel therefore gives

    $$(28 - 3 + 1) \times (28 - 3 + 1) = 26 \times 26.$$

    Two quick sanity checks you can do in your head: a kernel of size 1 gives an output as large
    as the input ($n - 1 + 1 = n$), and a kernel as large as the input fits exactly once
    ($n - n + 1 = 1$).
    """)
    b.md(r"""
    ## 2. Padding: keep the borders

    In valid mode every layer shrinks the image a little, and the pixels at the border take part
    in fewer placements than those in the middle. **Padding** adds $p$ zeros at *each* end of
    the axis before sliding. The padded input is $n + 2p$ long, and the count from section 1
    becomes

    $$O = n + 2p - k + 1.$$

    A common choice for an odd kernel size is $p = (k-1)/2$, for example $p = 1$ for $k = 3$: then
    $O = n$, the output is as big as the input ("same" padding). Below, the grey cells are the
    padding zeros: $n = 5$, $k = 3$, $p = 1$ gives $5 + 2 - 3 + 1 = 5$ outputs.
    """)
    b.picture("""
    draw_positions(n=5, k=3, padding=1)
    """)
    b.md(r"""
    ## 3. Stride: take bigger steps

    With **stride** $s$ the kernel jumps $s$ cells at a time, so it starts at positions
    $0, s, 2s, \dots$ as long as it still fits. The last admissible start is $n + 2p - k$ (from
    section 2). Counting the starts $0, s, 2s, \dots$ up to that point gives

    $$O = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1.$$

    (The $+1$ counts the start at 0; the fraction counts the whole steps of size $s$ after it.)
    The floor $\lfloor\cdot\rfloor$ (round down) is there because a last step that would run
    past the end is simply not taken. The picture shows $n = 8$, $k = 3$, $s = 2$: the kernel
    starts at 0, 2, 4; a fourth placement would start at 6 and need cells 6, 7, 8, but there is
    no cell 8. So $x_7$ (red) is never read, and $O = \lfloor 5/2 \rfloor + 1 = 3$. Stride 2
    roughly halves the size, which is how CNNs shrink images cheaply.
    """)
    b.picture("""
    draw_positions(n=8, k=3, stride=2)
    """)
    b.md(r"""
    ## 4. Dilation: spread the kernel out

    A **dilated** kernel leaves gaps between its taps: with dilation $d$ the taps sit $d$ cells
    apart, so $k$ taps reach across $d(k-1) + 1$ input cells. This lets a small kernel see a
    wide neighbourhood without more weights. Dilation $d = 1$ is the ordinary, gap-free kernel.

    For counting placements only the reach matters, so replace $k$ in the stride formula by
    $d(k-1) + 1$ and you get the **general formula** used by every deep-learning framework:

    $$O = \left\lfloor \frac{n + 2p - d\,(k-1) - 1}{s} \right\rfloor + 1.$$

    Check that it falls back to the earlier ones: with $p = 0$, $s = 1$, $d = 1$ it is
    $n - k + 1$. Picture: $n = 7$, $k = 3$, $d = 2$: the kernel reaches across 5 cells and fits
    $7 - 5 + 1 = 3$ times.
    """)
    b.picture("""
    draw_positions(n=7, k=3, dilation=2)
    """)
    b.md(r"""
    ## 5. Your turn: `conv_output_length`

    Write `conv_output_length(n, k, padding=0, stride=1, dilation=1)` that returns the output
    length $O$ of the general formula as a Python `int`.

    - All arguments are integers. Use integer floor division `//` for the floor: it is exact,
      whereas `math.floor(a / b)` goes through a float.
    - Some arguments make no sense. Raise a `ValueError` with a message that says what is wrong
      if $n < 1$, $k < 1$, $s < 1$, $d < 1$ or $p < 0$, and also when the (dilated) kernel does
      not fit into the padded input at all, which is exactly when the formula gives $O < 1$.
    """)
    b.solution("conv_output_length", "conv_output_length(n, k, padding=0, stride=1, dilation=1)", """
        Number of outputs along one axis of a convolution.

        n: input length, k: kernel length, padding: zeros added at EACH end,
        stride: step between placements, dilation: spacing between kernel taps.
        Returns floor((n + 2*padding - dilation*(k-1) - 1) / stride) + 1 as an int.
        Raises ValueError if n, k, stride or dilation < 1, padding < 0, or the kernel does not fit.
    """)
    b.tests("conv_output_length", r'''
    # Valid mode: O = n - k + 1 (the lecture's 28 with a 3-wide kernel gives 26).
    for args, expected in [((28, 3), 26), ((7, 3), 5), ((5, 1), 5), ((5, 5), 1)]:
        got = conv_output_length(*args)
        assert got == expected, f"conv_output_length{args}: expected {expected} (n - k + 1), got {got!r}"
    got = conv_output_length(28, 3)
    assert isinstance(got, int), f"expected a Python int, got {type(got).__name__} {got!r}"

    # Padding, stride and dilation, each with the picture above that shows the count.
    cases = [
        (dict(n=5, k=3, padding=1), 5, "padding adds 2p cells: 5 + 2 - 3 + 1"),
        (dict(n=28, k=5, padding=2), 28, "'same' padding p = (k-1)/2 keeps the size"),
        (dict(n=7, k=3, stride=2), 3, "starts at 0, 2, 4: floor(4/2) + 1"),
        (dict(n=8, k=3, stride=2), 3, "the last cell is never reached: floor(5/2) + 1"),
        (dict(n=7, k=3, dilation=2), 3, "the dilated kernel reaches across 2*(3-1)+1 = 5 cells"),
        (dict(n=32, k=3, padding=1, stride=2, dilation=1), 16, "floor((32 + 2 - 3) / 2) + 1"),
        (dict(n=10, k=3, padding=2, stride=3, dilation=2), 4, "floor((10 + 4 - 4 - 1) / 3) + 1"),
    ]
    for kwargs, expected, why in cases:
        got = conv_output_length(**kwargs)
        assert got == expected, f"conv_output_length({kwargs}): expected {expected} ({why}), got {got!r}"

    # Arguments that make no sense raise ValueError.
    assert_raises(ValueError, conv_output_length, 5, 0)                # empty kernel
    assert_raises(ValueError, conv_output_length, 5, 3, stride=0)      # no step at all
    assert_raises(ValueError, conv_output_length, 5, 3, padding=-1)    # negative padding
    assert_raises(ValueError, conv_output_length, 5, 3, dilation=0)
    assert_raises(ValueError, conv_output_length, 3, 5)                # kernel longer than input
    assert_raises(ValueError, conv_output_length, 5, 3, dilation=3)    # reaches across 7 > 5 cells
    print("conv_output_length: all visible tests passed")
    ''')
    b.md(r"""
    ## 6. Every axis at once: `conv_output_shape`

    Real data has several spatial axes: height and width for images, depth, height and width for
    volumes. Because the axes are independent, the output shape is the general formula applied
    to each axis on its own. Frameworks let you give padding, stride and dilation either as one
    integer used for every axis or as a tuple with one entry per axis, for example
    `stride=(1, 2)` to step 1 row down but 2 columns across.

    Write `conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1)`:

    - `input_shape` and `kernel_shape` are tuples of the same length, e.g. `(28, 28)` and `(3, 3)`;
    - `padding`, `stride`, `dilation` are each an `int` or a tuple with one entry per axis;
    - return a tuple of ints, e.g. `(26, 26)`;
    - raise `ValueError` if `kernel_shape` (or a padding/stride/dilation tuple) has a different
      number of entries than `input_shape`, and for everything `conv_output_length` refuses.

    Reuse your `conv_output_length`: that is exactly what it is for.
    """)
    b.solution("conv_output_shape",
               "conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1)", """
        Output size along every spatial axis.

        input_shape: (H, W, ...) and kernel_shape: (KH, KW, ...), same length.
        padding, stride, dilation: an int for every axis, or a tuple with one entry per axis.
        Returns a tuple of ints, e.g. ((28, 28), (3, 3)) -> (26, 26).
        Raises ValueError on a rank mismatch or anything conv_output_length refuses.
    """)
    b.tests("conv_output_shape", r'''
    cases = [
        (((28, 28), (3, 3)), {}, (26, 26), "the lecture's 28x28 image with a 3x3 kernel"),
        (((32, 24), (5, 3)), dict(padding=(2, 1), stride=(1, 2)), (32, 12),
         "rows: 32 + 4 - 5 + 1; columns: floor((24 + 2 - 3) / 2) + 1"),
        (((16, 32, 32), (3, 3, 3)), {}, (14, 30, 30), "a 3D volume, every axis n - k + 1"),
        (((9, 9), (3, 3)), dict(dilation=2, padding=2), (9, 9), "dilation 2 with padding 2 keeps 9"),
        (((100,), (7,)), dict(stride=3), (32,), "one axis works too: floor(93 / 3) + 1"),
    ]
    for (shape, kernel), kwargs, expected, why in cases:
        got = conv_output_shape(shape, kernel, **kwargs)
        assert isinstance(got, tuple), (
            f"conv_output_shape{shape, kernel}: expected a tuple, got {type(got).__name__} {got!r}")
        assert got == expected, (
            f"conv_output_shape({shape}, {kernel}, {kwargs}): expected {expected} ({why}), got {got!r}")
        assert all(isinstance(v, int) for v in got), f"expected a tuple of ints, got {got!r}"

    assert_raises(ValueError, conv_output_shape, (28, 28), (3, 3, 3))           # rank mismatch
    assert_raises(ValueError, conv_output_shape, (28, 28), (3, 3), stride=(1, 2, 1))
    assert_raises(ValueError, conv_output_shape, (28, 28), (30, 3))             # does not fit
    print("conv_output_shape: all visible tests passed")
    ''')
    b.md(r"""
    ## 7. Try it: the shapes inside a small network

    Here is a small CNN for $28 \times 28$ digit images, written as a list of layers. The cell uses
    *your* `conv_output_shape` to follow the image size through the network. Change the layers
    and see how the sizes change (try a stride of 3, or a $5 \times 5$ kernel without padding).
    """)
    b.picture(r'''
    layers = [  # (name, kernel size, padding, stride, dilation)
        ("conv 3x3", 3, 1, 1, 1),
        ("conv 3x3, stride 2", 3, 1, 2, 1),
        ("conv 3x3, dilation 2", 3, 2, 1, 2),
        ("conv 3x3, stride 2", 3, 1, 2, 1),
        ("conv 5x5, valid", 5, 0, 1, 1),
    ]
    try:
        shapes = [(28, 28)]
        for _name, k, p, s, d in layers:  # the names are printed below
            shapes.append(conv_output_shape(shapes[-1], (k, k), padding=p, stride=s, dilation=d))
    except (NameError, NotImplementedError):
        print("Write conv_output_length and conv_output_shape above first; then run this cell again.")
    else:
        for name, shape in zip(["input"] + [layer[0] for layer in layers], shapes):
            print(f"{name:<24} {shape}")
        sizes = [shape[0] for shape in shapes]
        fig, ax = plt.subplots(figsize=(6, 2.4))
        ax.plot(range(len(sizes)), sizes, "o-")
        ax.set_xticks(range(len(sizes)), ["input"] + [f"layer {i + 1}" for i in range(len(layers))])
        ax.set_ylabel("height = width")
        ax.set_title("image size after each layer")
        ax.grid(alpha=0.3)
        plt.show()
    ''')
    b.md(r"""
    ## Summary

    - Valid mode: $O = n - k + 1$ per axis, e.g. $28 \times 28$ with $3 \times 3$ gives $26 \times 26$.
    - Padding $p$ adds $2p$ cells, stride $s$ keeps every $s$-th placement (rounding down), and
      dilation $d$ makes a $k$-tap kernel reach across $d(k-1)+1$ cells:
      $O = \lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1$.
    - Every spatial axis is counted on its own.

    Next, in assignment 2, you compute the numbers that fill these outputs.
    """)


# --------------------------------------------------------------------------------------------
# a2: correlation and convolution
# --------------------------------------------------------------------------------------------
def build_a2(b: Builder) -> None:
    b.md(r"""
    # Assignment 2 · Cross-correlation and true convolution in 1D, 2D and 3D

    In assignment 1 you counted the outputs of a convolution. Now you compute them. You will
    meet two operations that look almost the same, **cross-correlation** and **convolution**,
    find out which one a "convolutional" neural network really computes, and implement both in
    one, two and three dimensions. At the end your own code blurs, sharpens and outlines a
    photograph.

    | function | shapes (valid mode) |
    |---|---|
    | `corr1d(x, w)` | `(L,)`, `(K,)` → `(L-K+1,)` |
    | `corr2d(x, w)` | `(H, W)`, `(KH, KW)` → `(H-KH+1, W-KW+1)` |
    | `corr3d(x, w)` | `(D, H, W)`, `(KD, KH, KW)` → `(D-KD+1, H-KH+1, W-KW+1)` |
    | `convolve1d(x, w)`, `convolve2d(x, w)` | same shapes as the correlations, kernel flipped |

    Inputs may be Python lists or NumPy arrays of ints or floats; always return a `float64`
    NumPy array (`np.asarray(x, dtype=float)` at the start takes care of both).
    """)
    b.md(INTRO_HOW_TO)
    b.code(setup(), locked_id="setup")
    b.md(r"""
    ## 1. Two ways to slide a kernel

    **Convolution** comes from signal processing. For two functions $f$ and $g$ of a real
    variable it is defined as

    $$(f * g)(t) = \int f(\tau)\, g(t - \tau)\, d\tau .$$

    Read it as: to get the output at $t$, turn $g$ around ($-\tau$), shift it to $t$, multiply it
    with $f$ and add everything up. For sequences the integral becomes a sum,
    $(x * w)[i] = \sum_m x[m]\, w[i - m]$. The kernel $w$ enters **reversed**: as $m$ goes up,
    $i - m$ goes down.

    **Cross-correlation** is the same without the reversal: it slides the kernel as it is and
    measures how well it matches the input under it. For a kernel of length $K$, in valid mode:

    $$\text{correlation:}\quad y[i] = \sum_{p=0}^{K-1} w[p]\; x[i + p]
    \qquad\qquad
    \text{convolution:}\quad y[i] = \sum_{p=0}^{K-1} w[p]\; x[i + K - 1 - p]$$

    for $i = 0, \dots, L - K$. Where does the convolution's $x[i + K - 1 - p]$ come from? Take
    the sum $\sum_m x[m]\, w[i' - m]$ above at $i' = i + K - 1$ and write $m = i + K - 1 - p$:
    then $w[i' - m] = w[p]$ and $x[m] = x[i + K - 1 - p]$. The shift by $K - 1$ only renumbers the
    outputs, so that output 0 is the first place where the whole kernel lies on the input, as in
    valid-mode correlation. In the convolution, $w[0]$ meets the *last* input of the window and
    $w[K-1]$ the first: convolving with $w$ is correlating with $w$ read backwards.

    A small example by hand, with $x = [1, 2, 3, 4]$ and $w = [1, 0, -1]$:

    - correlation: $y[0] = 1\cdot1 + 0\cdot2 + (-1)\cdot3 = -2$ and $y[1] = 1\cdot2 + 0\cdot3 + (-1)\cdot4 = -2$;
    - convolution, i.e. correlation with $[-1, 0, 1]$: $y = [2, 2]$.

    The same kernel measures "left minus right" in one and "right minus left" in the other.
    The picture puts the two side by side: the same input, the same kernel, and for each output
    the weight that lands on each input cell.
    """)
    b.picture(r'''
    def show_flip(x, w):
        """Correlation (kernel as it is) next to convolution (kernel reversed), output by output."""
        x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
        L, K = len(x), len(w)
        fig, axes = plt.subplots(1, 2, figsize=(10, 0.55 * (L - K + 2) + 0.8))
        for ax, flip in zip(axes, (False, True)):
            taps = w[::-1] if flip else w
            rows = L - K + 1
            for m in range(L):                               # the input on top
                ax.add_patch(Rectangle((m, rows + 0.2), 0.9, 0.8, facecolor="#cfe2f3", edgecolor="black"))
                ax.text(m + 0.45, rows + 0.6, f"x{m}={x[m]:g}", ha="center", va="center", fontsize=8)
            for i in range(rows):
                y = rows - 1 - i
                for p in range(K):
                    idx = K - 1 - p if flip else p           # which weight sits on cell i + p
                    ax.add_patch(Rectangle((i + p, y), 0.9, 0.8, facecolor="#f6b26b", edgecolor="0.6"))
                    ax.text(i + p + 0.45, y + 0.4, f"w{idx}={taps[p]:g}", ha="center", va="center", fontsize=8)
                value = float(np.dot(taps, x[i:i + K]))
                ax.text(L + 0.2, y + 0.4, f"-> y[{i}] = {value:g}", va="center", fontsize=9)
            ax.set_xlim(-0.2, L + 2.2)
            ax.set_ylim(-0.2, rows + 1.1)
            ax.axis("off")
            ax.set_title("convolution: the kernel is read backwards" if flip
                         else "correlation: the kernel as it is", fontsize=10)
        plt.show()


    show_flip([1, 2, 3, 4], [1, 0, -1])
    ''')
    b.md(r"""
    ## 2. Why CNNs compute cross-correlation

    In image processing the kernel is designed by hand, and it matters which of the two you
    apply. In a neural network the kernel is **learned**: its numbers start random and are
    adjusted by gradient descent until the network works. If a layer computed true convolutions,
    training would simply find the reversed kernel, and the layer would compute exactly the same
    function as a correlation layer with the un-reversed one. The two kinds of layer can
    represent exactly the same functions, so nothing is gained by flipping, and the flip costs
    an extra indexing step.

    That is why deep-learning libraries compute **cross-correlation** and still call it
    "convolution" (PyTorch's `Conv2d`, for instance). The difference matters when you move
    kernels between worlds: a hand-made kernel from an image-processing book, or a comparison
    with `np.convolve` and `scipy.signal.convolve2d`, which do flip.
    """)
    b.md(r"""
    ## 3. Your turn: `corr1d`

    Write `corr1d(x, w)`: the valid cross-correlation $y[i] = \sum_p w[p]\, x[i+p]$ for
    $i = 0, \dots, L-K$.

    A loop over the output positions is a perfectly good solution: for each $i$, take the
    window `x[i:i+K]`, multiply it by `w` element by element and sum (or use `np.dot`).
    Raise a `ValueError` if the kernel is longer than the input (valid mode has no output then).
    """)
    b.solution("corr1d", "corr1d(x, w)", """
        Valid 1D cross-correlation: y[i] = sum_p w[p] * x[i + p].

        x: (L,) and w: (K,) with K <= L, lists or arrays of numbers.
        Returns y: (L - K + 1,) float64.
    """)
    b.tests("corr1d", r'''
    # The example worked by hand above.
    assert_close(corr1d([1, 2, 3, 4], [1, 0, -1]), [-2, -2], "corr1d([1, 2, 3, 4], [1, 0, -1])")

    # A kernel with a single 1 picks out one input per window: no flip, no shift by one.
    x = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0])
    assert_close(corr1d(x, [1, 0, 0]), x[0:5], "corr1d(x, [1, 0, 0]) should be x[0:5]")
    assert_close(corr1d(x, [0, 0, 1]), x[2:7], "corr1d(x, [0, 0, 1]) should be x[2:7]")

    # A moving average of width 3, and the edge cases K = 1 and K = L.
    assert_close(corr1d(x, [1/3, 1/3, 1/3]), [8/3, 2, 10/3, 5, 16/3], "moving average corr1d(x, [1/3]*3)")
    assert_close(corr1d(x, [2]), 2 * x, "corr1d(x, [2]) should double x")
    assert_close(corr1d([1, 2, 3], [4, 5, 6]), [32], "kernel as long as the input: one output")
    assert_raises(ValueError, corr1d, [1, 2], [1, 2, 3])
    print("corr1d: all visible tests passed")
    ''')
    b.md(r"""
    ## 4. Two dimensions: the worked example

    An image is a grid, and the kernel slides along both axes. The output pixel $(i, j)$ is the
    sum of the products of the kernel with the window of the input whose top-left corner is
    $(i, j)$:

    $$y[i, j] = \sum_{p=0}^{K_H-1} \sum_{q=0}^{K_W-1} w[p, q]\; x[i + p,\, j + q].$$

    The lecture's example uses

    $$x = \begin{bmatrix} 0 & 1 & 2 \\ 3 & 4 & 5 \\ 6 & 7 & 8 \end{bmatrix}, \qquad
    w = \begin{bmatrix} 0 & 1 \\ 2 & 3 \end{bmatrix}.$$

    The output is $(3 - 2 + 1) \times (3 - 2 + 1) = 2 \times 2$, and its top-left value is
    $0 \cdot 0 + 1 \cdot 1 + 2 \cdot 3 + 3 \cdot 4 = 19$. The picture below goes through all four
    positions: the orange window of the input is multiplied by the kernel, and the sum fills
    the orange output cell. ($\star$ is the usual symbol for cross-correlation.)
    """)
    b.picture(r'''
    def draw_grid(ax, values, x0, y0, highlight=(), color="#f6b26b", blank=()):
        """Draw a matrix of numbers with its top-left corner at (x0, y0); cells in `highlight` coloured."""
        values = np.asarray(values)
        for (r, c), v in np.ndenumerate(values):
            face = color if (r, c) in highlight else "white"
            ax.add_patch(Rectangle((x0 + c, y0 - r - 1), 1, 1, facecolor=face, edgecolor="black"))
            if (r, c) not in blank:
                ax.text(x0 + c + 0.5, y0 - r - 0.5, f"{v:g}", ha="center", va="center", fontsize=11)


    def show_sliding(x, w):
        """One panel per output cell: input window (orange), kernel, output cell it fills."""
        x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
        (H, W), (KH, KW) = x.shape, w.shape
        OH, OW = H - KH + 1, W - KW + 1
        y = np.zeros((OH, OW))
        fig, axes = plt.subplots(OH, OW, figsize=(4.6 * OW, 1.9 * OH))
        axes = np.atleast_2d(axes)
        for i in range(OH):
            for j in range(OW):
                window = x[i:i + KH, j:j + KW]
                y[i, j] = np.sum(window * w)
                ax = axes[i, j]
                cells = {(i + p, j + q) for p in range(KH) for q in range(KW)}
                draw_grid(ax, x, 0, H, highlight=cells)
                ax.text(W + 0.5, H / 2, "⋆", fontsize=18, ha="center", va="center")
                draw_grid(ax, w, W + 1, H - (H - KH) / 2, highlight=set(np.ndindex(KH, KW)), color="#9fc5e8")
                ax.text(W + KW + 1.5, H / 2, "=", fontsize=16, ha="center", va="center")
                done = {(a, c) for a in range(OH) for c in range(OW) if (a, c) <= (i, j)}
                draw_grid(ax, y, W + KW + 2, H - (H - OH) / 2, highlight={(i, j)},
                          blank=set(np.ndindex(OH, OW)) - done)
                terms = " + ".join(f"{a:g}·{c:g}" for a, c in zip(w.ravel(), window.ravel()))
                ax.set_title(f"y[{i},{j}] = {terms} = {y[i, j]:g}", fontsize=9)
                ax.set_xlim(-0.2, W + KW + OW + 2.2)
                ax.set_ylim(-0.2, H + 0.2)
                ax.set_aspect("equal")
                ax.axis("off")
        plt.tight_layout()
        plt.show()


    show_sliding([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    ''')
    b.md(r"""
    ### Your turn: `corr2d`

    Write `corr2d(x, w)` for a 2D input `x` of shape `(H, W)` and a 2D kernel `w` of shape
    `(KH, KW)`. Two nested loops over the output pixels `i` and `j`, each computing
    `np.sum(x[i:i+KH, j:j+KW] * w)`, are enough. Raise a `ValueError` if the kernel does not fit
    into the input.

    *Going further (optional):* `np.lib.stride_tricks.sliding_window_view(x, w.shape)` gives all
    windows at once as an array of shape `(OH, OW, KH, KW)` without copying anything; one
    `np.einsum` or `np.tensordot` then replaces both loops and runs much faster on big images.
    """)
    b.solution("corr2d", "corr2d(x, w)", """
        Valid 2D cross-correlation: y[i, j] = sum_p sum_q w[p, q] * x[i + p, j + q].

        x: (H, W) and w: (KH, KW) with KH <= H and KW <= W.
        Returns y: (H - KH + 1, W - KW + 1) float64.
    """)
    b.tests("corr2d", r'''
    # The lecture's worked example.
    x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    w = [[0, 1], [2, 3]]
    assert_close(corr2d(x, w), [[19, 25], [37, 43]], "corr2d of the worked example")

    # Shapes: 28x28 with 3x3 gives 26x26 (assignment 1); height and width are independent.
    rng = np.random.default_rng(0)
    got = corr2d(rng.normal(size=(28, 28)), np.ones((3, 3)))
    assert got.shape == (26, 26), f"28x28 input, 3x3 kernel: expected shape (26, 26), got {got.shape}"
    got = corr2d(rng.normal(size=(4, 6)), np.ones((2, 3)))
    assert got.shape == (3, 4), f"(4, 6) input, (2, 3) kernel: expected shape (3, 4), got {got.shape}"

    # A kernel with a single 1 at row 0, column 2 copies a shifted part of the image:
    # y[i, j] = x[i, j + 2]. A flipped or transposed kernel gives something else.
    img = rng.integers(0, 10, size=(5, 7))
    pick = np.zeros((3, 3))
    pick[0, 2] = 1
    assert_close(corr2d(img, pick), img[0:3, 2:7], "kernel with a single 1 at [0, 2] should give x[0:3, 2:7]")

    # A kernel as large as the image: a single number, the sum of the products.
    assert_close(corr2d(x, np.ones((3, 3))), [[36]], "3x3 kernel of ones on the 3x3 example")
    assert_raises(ValueError, corr2d, np.ones((3, 3)), np.ones((2, 4)))
    print("corr2d: all visible tests passed")
    ''')
    b.md(r"""
    ## 5. Three dimensions

    Nothing in the definition is special about two axes. A video is a stack of frames (time,
    height, width), a CT scan a stack of slices (depth, height, width); a 3D kernel slides along
    all three axes:

    $$y[d, i, j] = \sum_{r=0}^{K_D-1} \sum_{p=0}^{K_H-1} \sum_{q=0}^{K_W-1}
    w[r, p, q]\; x[d + r,\, i + p,\, j + q].$$

    The output has shape $(D - K_D + 1,\; H - K_H + 1,\; W - K_W + 1)$, the formula of
    assignment 1 on every axis.

    Careful: this is *not* what happens to the colour channels of an image. There the kernel is
    exactly as deep as the input and does not slide along the channel axis (assignment 3).
    Here the kernel is usually shallower than the input and does slide in depth.

    Write `corr3d(x, w)`. Three nested loops work; so does one loop over the output depth `d`
    that adds up `corr2d` results: the slice `x[d + r]` correlated with the kernel slice `w[r]`,
    summed over `r`.
    """)
    b.solution("corr3d", "corr3d(x, w)", """
        Valid 3D cross-correlation: y[d, i, j] = sum_r,p,q w[r, p, q] * x[d + r, i + p, j + q].

        x: (D, H, W) and w: (KD, KH, KW), each kernel size <= the input size.
        Returns y: (D - KD + 1, H - KH + 1, W - KW + 1) float64.
    """)
    b.tests("corr3d", r'''
    # A 2x2x2 kernel of ones sums 2x2x2 blocks of x = 0..26 arranged as 3x3x3:
    # the block starting at (d, i, j) sums to 52 + 8 * (9d + 3i + j).
    x = np.arange(27).reshape(3, 3, 3)
    expected = [[[52, 60], [76, 84]], [[124, 132], [148, 156]]]
    assert_close(corr3d(x, np.ones((2, 2, 2))), expected, "corr3d(arange(27).reshape(3, 3, 3), ones((2, 2, 2)))")

    # Shapes follow n - k + 1 on each axis.
    rng = np.random.default_rng(1)
    got = corr3d(rng.normal(size=(5, 6, 7)), rng.normal(size=(2, 3, 4)))
    assert got.shape == (4, 4, 4), f"(5, 6, 7) input, (2, 3, 4) kernel: expected shape (4, 4, 4), got {got.shape}"

    # A kernel of depth 1 does corr2d on every slice separately.
    vol, w2 = rng.normal(size=(4, 5, 6)), rng.normal(size=(2, 3))
    expected = np.stack([corr2d(vol[d], w2) for d in range(4)])
    assert_close(corr3d(vol, w2[None]), expected, "depth-1 kernel: corr2d of every slice")

    # A single 1 at [1, 0, 1] picks x[d + 1, i, j + 1]: no flip along any axis.
    pick = np.zeros((2, 2, 2))
    pick[1, 0, 1] = 1
    assert_close(corr3d(vol, pick), vol[1:4, 0:4, 1:6], "kernel with a single 1 at [1, 0, 1]")
    print("corr3d: all visible tests passed")
    ''')
    b.md(r"""
    ## 6. True convolution: flip the kernel

    From section 1, convolution is correlation with the kernel reversed. In 1D, reversing is
    `w[::-1]`. In 2D the kernel is reversed along **both** axes, `w[::-1, ::-1]`, which is a
    rotation by 180 degrees (not a transpose, and not a flip along one axis only):

    $$\begin{bmatrix} 0 & 1 \\ 2 & 3 \end{bmatrix}
    \;\xrightarrow{\text{rotate } 180^\circ}\;
    \begin{bmatrix} 3 & 2 \\ 1 & 0 \end{bmatrix}$$

    So the worked example convolved (instead of correlated) gives
    $y[0, 0] = 3 \cdot 0 + 2 \cdot 1 + 1 \cdot 3 + 0 \cdot 4 = 5$, and the whole output is
    $\begin{bmatrix} 5 & 11 \\ 23 & 29 \end{bmatrix}$.
    NumPy's `np.convolve(x, w, mode="valid")` and SciPy's
    `scipy.signal.convolve2d(x, w, mode="valid")` compute exactly these true convolutions.

    Write `convolve1d` and `convolve2d`. Each is one line on top of your correlation.
    """)
    b.solution("convolve1d", "convolve1d(x, w)", """
        Valid 1D convolution: correlation with the kernel reversed.

        x: (L,) and w: (K,) with K <= L. Returns (L - K + 1,) float64,
        equal to np.convolve(x, w, mode="valid").
    """)
    b.tests("convolve1d", r'''
    assert_close(convolve1d([1, 2, 3, 4], [1, 0, -1]), [2, 2], "convolve1d([1, 2, 3, 4], [1, 0, -1])")

    # Convolution is correlation with the reversed kernel, and it is what np.convolve computes.
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=9), rng.normal(size=4)
    assert_close(convolve1d(x, w), corr1d(x, w[::-1]), "convolve1d(x, w) should equal corr1d(x, w[::-1])")
    assert_close(convolve1d(x, w), np.convolve(x, w, mode="valid"), "convolve1d(x, w) vs np.convolve(x, w, 'valid')")

    # A single 1 at the START of the kernel picks the LAST input of each window.
    assert_close(convolve1d(x, [1, 0, 0]), x[2:9], "convolve1d(x, [1, 0, 0]) should be x[2:9]")
    print("convolve1d: all visible tests passed")
    ''')
    b.md(r"""
    Now `convolve2d`: the same idea in two dimensions, with the kernel rotated by 180 degrees.
    """)
    b.solution("convolve2d", "convolve2d(x, w)", """
        Valid 2D convolution: correlation with the kernel rotated by 180 degrees.

        x: (H, W) and w: (KH, KW). Returns (H - KH + 1, W - KW + 1) float64,
        equal to scipy.signal.convolve2d(x, w, mode="valid").
    """)
    b.tests("convolve2d", r'''
    x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    w = [[0, 1], [2, 3]]
    assert_close(convolve2d(x, w), [[5, 11], [23, 29]], "convolve2d of the worked example")

    rng = np.random.default_rng(3)
    img, k = rng.normal(size=(6, 8)), rng.normal(size=(3, 2))
    assert_close(convolve2d(img, k), corr2d(img, k[::-1, ::-1]),
                 "convolve2d(x, w) should equal corr2d(x, w[::-1, ::-1]) (rotate by 180 degrees, not transpose)")

    # For a kernel that looks the same after a 180-degree rotation, both operations agree.
    sym = np.array([[1.0, 2.0, 1.0], [0.0, 5.0, 0.0], [1.0, 2.0, 1.0]])
    assert_close(convolve2d(img, sym), corr2d(img, sym), "a symmetric kernel: convolution == correlation")

    # A single 1 at [0, 0] of the kernel picks the bottom-right cell of each window.
    pick = np.zeros((3, 2))
    pick[0, 0] = 1
    assert_close(convolve2d(img, pick), img[2:6, 1:8], "kernel with a single 1 at [0, 0] should give x[2:, 1:]")
    print("convolve2d: all visible tests passed")
    ''')
    b.md(r"""
    ## 7. Image kernels: your `corr2d` on a photograph

    Long before neural networks learned their kernels, image-processing people designed them by
    hand. Each one below is a $3 \times 3$ (or $5 \times 5$) grid of weights, and correlating a
    grey-scale photo with it gives a new picture:

    - **identity**: a single 1 in the middle copies the image;
    - **box blur**: all weights equal ($1/25$ for a $5 \times 5$ box), every pixel becomes the
      average of its neighbourhood;
    - **Gaussian blur**: weights shaped like a bell curve,
      $\frac{1}{16}\begin{bmatrix}1&2&1\\2&4&2\\1&2&1\end{bmatrix}$,
      a softer, more natural blur (near neighbours count more than far ones);
    - **sharpen**: 5 in the middle and $-1$ at the four neighbours; that is the identity plus
      "4 times the pixel minus its four neighbours", a term that is 0 on flat areas and large
      where the pixel differs from its surroundings, so edges get stronger;
    - **edge detection**: 8 in the middle and $-1$ everywhere else; the weights add up to 0,
      so flat areas become 0 and only changes (edges) remain;
    - **emboss**: negative weights on one side and positive on the other, so brightness changes
      in one direction look like light falling on a relief;
    - **your own kernel**: edit `my_kernel` in the next cell and re-run the gallery.

    Why the weights add up to what they do: on a flat patch where every pixel has brightness
    $v$, the output is $v$ times the sum of the weights. The blurs and the sharpen kernel sum to
    1, so flat areas keep their brightness; the edge detector sums to 0, so flat areas turn
    black-grey (0) and only changes survive. Each kernel is drawn in the corner of its picture
    (red negative, blue positive, darker means larger).

    The symmetric kernels give the same picture under correlation and convolution. The emboss
    kernel is not symmetric: with your `convolve2d` the light comes from the opposite side.

    The photo is Grace Hopper's portrait, shipped with matplotlib, so nothing is downloaded.
    """)
    b.picture(r'''
    from matplotlib import cbook

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        photo = plt.imread(f)                       # (600, 512, 3) uint8
    gray = photo[..., :3] @ np.array([0.299, 0.587, 0.114]) / 255.0   # luminance in [0, 1]
    # Average 4x4 blocks -> (150, 128): small enough for a loop-based corr2d. (Keeping every 4th
    # pixel instead would be faster still but makes fine detail flicker into noise.)
    gray = gray.reshape(150, 4, 128, 4).mean(axis=(1, 3))
    print("photo:", photo.shape, "-> grey-scale, downsampled:", gray.shape)

    # Edit me: any 2D kernel works (try a 1x9 horizontal blur, or a vertical edge detector).
    my_kernel = np.array([[-1.0, 0.0, 1.0],
                          [-2.0, 0.0, 2.0],
                          [-1.0, 0.0, 1.0]])        # Sobel: vertical edges
    ''')
    b.picture(r'''
    kernels = {
        "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
        "box blur 5x5": np.ones((5, 5)) / 25,
        "Gaussian blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
        "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
        "edge detection": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], dtype=float),
        "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=float),
        "my_kernel": my_kernel,
    }


    def draw_kernel(ax, k):
        """A kernel as a small grid: red negative, blue positive; whole-number weights written in."""
        lim = np.max(np.abs(k)) or 1.0
        ax.imshow(k, cmap="RdBu", vmin=-lim, vmax=lim)
        if k.size <= 9 and np.all(k == np.round(k)):   # fractions (the blurs) would not fit
            for (r, c), v in np.ndenumerate(k):
                ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=7,
                        color="white" if abs(v) > lim / 2 else "black")
        ax.set_xticks([])
        ax.set_yticks([])


    def show_gallery(image, kernels):
        """Correlate `image` with every kernel using YOUR corr2d and show the results side by side."""
        results = {}
        try:
            for name, k in kernels.items():
                results[name] = corr2d(image, k)
            results["emboss, convolve2d"] = convolve2d(image, kernels["emboss"])
        except (NameError, NotImplementedError):
            missing = "convolve2d" if results else "corr2d"
            print(f"Write {missing} above first (section {4 if missing == 'corr2d' else 6}), "
                  "run its cell, then run this cell again.")
            if not results:
                return
        fig, axes = plt.subplots(2, 4, figsize=(10, 5.6))
        for ax, (name, img) in zip(axes.ravel(), results.items()):
            if name in ("identity", "box blur 5x5", "Gaussian blur", "sharpen"):
                ax.imshow(img, cmap="gray", vmin=0, vmax=1)   # same brightness scale as the photo
            else:   # edges: around 0 with a few extreme pixels; stretch the middle 98 %
                ax.imshow(img, cmap="gray", vmin=np.percentile(img, 1), vmax=np.percentile(img, 99))
            ax.set_title(f"{name}  {img.shape[0]}x{img.shape[1]}", fontsize=9)
            ax.axis("off")
            k = kernels.get(name.split(",")[0])
            if k is not None and k.ndim == 2 and max(k.shape) <= 7:
                draw_kernel(ax.inset_axes([0.68, 0.0, 0.32, 0.32]), k)
        for ax in axes.ravel()[len(results):]:
            ax.axis("off")
        plt.tight_layout()
        plt.show()


    show_gallery(gray, kernels)
    ''')
    b.md(r"""
    Look at the sizes in the titles: every result is a little smaller than the photo, by
    $K - 1$ pixels per axis, exactly as assignment 1 predicts for valid mode.

    ## Summary

    - Cross-correlation slides the kernel as it is: $y[i] = \sum_p w[p]\,x[i+p]$; convolution
      reverses it first (rotates it by 180° in 2D).
    - CNN layers compute cross-correlation: their kernels are learned, so a flip would change
      nothing but the learned numbers.
    - The same sum works in 1D, 2D and 3D, one index per axis.

    Next, in assignment 3, images get colour channels and layers get many kernels.
    """)


# --------------------------------------------------------------------------------------------
# a3: many channels in, many channels out
# --------------------------------------------------------------------------------------------
def build_a3(b: Builder) -> None:
    b.md(r"""
    # Assignment 3 · Many channels in, many channels out: the convolution layer

    So far the input was a single grid of numbers. A colour photo has three: red, green and blue,
    called **channels**. Inside a CNN it gets wider still: a layer typically outputs 32, 64 or more
    channels, each a *feature map* produced by one learned kernel, and the next layer reads all
    of them. This assignment builds the real convolution layer in three steps:

    | function | shapes |
    |---|---|
    | `corr2d_multi_in(x, w)` | `(C, H, W)`, `(C, KH, KW)` → `(OH, OW)` |
    | `corr2d_multi_in_out(x, w)` | `(C, H, W)`, `(F, C, KH, KW)` → `(F, OH, OW)` |
    | `conv2d_forward(x, w, b, stride=1, padding=0)` | `(N, C, H, W)`, `(F, C, KH, KW)`, `(F,)` → `(N, F, OH, OW)` |

    Letters used throughout: **N** images in a batch, **C** input channels, **F** output channels
    (= number of kernels, "filters"), **H, W** height and width, **KH, KW** kernel height and width.
    All correlations are cross-correlations, as in assignment 2 (no kernel flip).

    As in assignment 2, inputs may be Python lists or NumPy arrays of ints or floats; always
    return a `float64` NumPy array (`np.asarray(x, dtype=float)` at the start takes care of both).
    """)
    b.md(INTRO_HOW_TO)
    b.code(setup(), locked_id="setup")
    b.md(r"""
    ## 1. Several input channels: one kernel slice per channel, then add

    With $C$ input channels the kernel has $C$ slices too, one $K_H \times K_W$ grid per input
    channel: its shape is $(C, K_H, K_W)$. Correlate every input channel with its own kernel
    slice, exactly as in assignment 2, and **add the $C$ results** pixel by pixel:

    $$y[i, j] = \sum_{c=0}^{C-1} \sum_{p=0}^{K_H-1} \sum_{q=0}^{K_W-1}
    w[c, p, q]\; x[c,\, i + p,\, j + q].$$

    Another way to see the same sum: the window is now a $C \times K_H \times K_W$ block cut out of
    the input, the kernel is a block of the same size, and the output pixel is the sum of their
    element-wise product. The kernel is exactly as deep as the input, so it slides along height
    and width only, never along the channels, and the result is a single 2D map.

    Worked example with two channels:

    $$x_0 = \begin{bmatrix} 0&1&2\\3&4&5\\6&7&8 \end{bmatrix},\;
    w_0 = \begin{bmatrix} 0&1\\2&3 \end{bmatrix}
    \;\Rightarrow\; \begin{bmatrix} 19&25\\37&43 \end{bmatrix}
    \qquad
    x_1 = \begin{bmatrix} 1&2&3\\4&5&6\\7&8&9 \end{bmatrix},\;
    w_1 = \begin{bmatrix} 1&2\\3&4 \end{bmatrix}
    \;\Rightarrow\; \begin{bmatrix} 37&47\\67&77 \end{bmatrix}$$

    and the layer's output is the sum,
    $\begin{bmatrix} 56&72\\104&120 \end{bmatrix}$.

    The picture shows this as blocks: an input with 3 channels (one colour per channel), a kernel
    with 3 slices in the same colours, and the single output map. The orange window and the
    orange output cell mark one multiply-and-add of a whole block: $3 \times 3 \times 3 = 27$
    products summed into one number. ($\star$ is the usual symbol for cross-correlation.)
    """)
    b.picture(r'''
    CHANNEL_COLORS = ["#f4cccc", "#d9ead3", "#cfe2f3", "#fff2cc"]
    FILTER_COLORS = ["#f9cb9c", "#d5a6bd", "#b4a7d6", "#a2c4c9"]


    def draw_stack(ax, x0, y0, colors, h, w, cell=0.32, shift=0.32, window=None, label=""):
        """Draw len(colors) sheets of h x w cells, the first in front, the others behind it."""
        depth = len(colors)
        for s in reversed(range(depth)):                # back sheets first
            ox, oy = x0 + s * shift, y0 + s * shift
            ax.add_patch(Rectangle((ox, oy), w * cell, h * cell, facecolor=colors[s],
                                   edgecolor="black", lw=0.8))
            for r in range(1, h):
                ax.plot([ox, ox + w * cell], [oy + r * cell] * 2, color="0.5", lw=0.4)
            for c in range(1, w):
                ax.plot([ox + c * cell] * 2, [oy, oy + h * cell], color="0.5", lw=0.4)
            if window is not None:                      # (row, col, kh, kw) seen on every sheet
                r, c, kh, kw = window
                ax.add_patch(Rectangle((ox + c * cell, oy + (h - r - kh) * cell), kw * cell,
                                       kh * cell, facecolor="#f6b26b" if s == 0 else "none",
                                       edgecolor="#b45f06", lw=2, alpha=0.75))
        ax.text(x0 + (w * cell + (depth - 1) * shift) / 2, y0 - 0.35, label,
                ha="center", va="top", fontsize=9)


    def draw_blocks(C=3, H=5, W=5, F=1, K=3, cell=0.32):
        """Input block (C, H, W), F kernel blocks (C, K, K), output block (F, H-K+1, W-K+1)."""
        OH, OW = H - K + 1, W - K + 1
        in_w = W * cell + (C - 1) * cell                # a stack is drawn `cell` wider per sheet
        mid = (H * cell + (C - 1) * cell) / 2           # vertical centre of the input block
        k_size, gap = K * cell + (C - 1) * cell, 0.55
        k_total = F * k_size + (F - 1) * gap
        kx = in_w + 1.8
        out_x = kx + k_size + 1.3
        out_h = OH * cell + (F - 1) * cell
        fig, ax = plt.subplots(figsize=(9.5, 1.1 * max(k_total, 2 * mid) + 1.2))
        draw_stack(ax, 0, 0, CHANNEL_COLORS[:C], H, W, window=(0, 0, K, K),
                   label=f"input x: (C, H, W) = ({C}, {H}, {W})")
        ax.text(in_w + 0.5, mid, "⋆", fontsize=30, ha="center", va="center")
        for f in range(F):
            y = mid + k_total / 2 - (f + 1) * k_size - f * gap
            draw_stack(ax, kx, y, CHANNEL_COLORS[:C], K, K)
            ax.text(kx - 0.15, y + k_size / 2, f"w[{f}]" if F > 1 else "w", ha="right",
                    va="center", fontsize=9, bbox=dict(facecolor=FILTER_COLORS[f], edgecolor="none"))
        k_label = (f"kernels w: (F, C, KH, KW)\n= ({F}, {C}, {K}, {K})" if F > 1
                   else f"kernel w: (C, KH, KW)\n= ({C}, {K}, {K})")
        ax.text(kx + k_size / 2, mid - k_total / 2 - 0.35, k_label, ha="center", va="top", fontsize=9)
        ax.text(out_x - 0.65, mid, "=", fontsize=22, ha="center", va="center")
        out_label = (f"output y: (F, OH, OW)\n= ({F}, {OH}, {OW})" if F > 1
                     else f"output y: (OH, OW)\n= ({OH}, {OW})")
        draw_stack(ax, out_x, mid - out_h / 2, FILTER_COLORS[:F], OH, OW, window=(0, 0, 1, 1),
                   label=out_label)
        note = (f"orange: one output pixel =\nsum of C*KH*KW = {C * K * K} products,\n"
                f"all {C} channels of its window")
        if F > 1:
            note = "one output channel per kernel\n(same colour as its label);\n" + note
        ax.text(out_x + OW * cell + (F - 1) * cell + 0.5, mid, note, fontsize=9, va="center")
        bottom = min(-0.9, mid - k_total / 2 - 1.0)
        ax.set_xlim(-0.3, out_x + 6.0)
        ax.set_ylim(bottom, max(2 * mid, mid + k_total / 2) + 0.3)
        ax.set_aspect("equal")
        ax.axis("off")
        plt.show()


    draw_blocks(F=1)
    ''')
    b.md(r"""
    ### Your turn: `corr2d_multi_in`

    Write `corr2d_multi_in(x, w)` for `x` of shape `(C, H, W)` and `w` of shape `(C, KH, KW)`.
    Either loop over the channels and add up 2D correlations (paste your `corr2d` from
    assignment 2 into this cell if you want to use it), or loop over output pixels and sum the
    whole block `x[:, i:i+KH, j:j+KW] * w` at once. Raise a `ValueError` if `x` and `w` do not
    have the same number of channels: that is the most common shape bug in real CNN code.
    """)
    b.solution("corr2d_multi_in", "corr2d_multi_in(x, w)", """
        Multi-input-channel correlation: correlate each channel with its kernel slice, then sum.

        x: (C, H, W) and w: (C, KH, KW) with the same C.
        Returns y: (H - KH + 1, W - KW + 1) float64.
    """)
    b.tests("corr2d_multi_in", r'''
    x = np.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]],
                  [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
    w = np.array([[[0, 1], [2, 3]],
                  [[1, 2], [3, 4]]])
    assert_close(corr2d_multi_in(x, w), [[56, 72], [104, 120]], "corr2d_multi_in of the two-channel worked example")

    # One channel is just assignment 2's corr2d; the two channels' results are ADDED.
    assert_close(corr2d_multi_in(x[:1], w[:1]), [[19, 25], [37, 43]], "a single channel (the lecture's example)")
    assert_close(corr2d_multi_in(x[1:], w[1:]), [[37, 47], [67, 77]], "channel 1 on its own")
    w_only0 = w.copy()
    w_only0[1] = 0
    assert_close(corr2d_multi_in(x, w_only0), [[19, 25], [37, 43]], "kernel slice 1 all zero: only channel 0 counts")

    rng = np.random.default_rng(0)
    got = corr2d_multi_in(rng.normal(size=(3, 5, 6)), rng.normal(size=(3, 2, 3)))
    assert got.shape == (4, 4), f"x (3, 5, 6), w (3, 2, 3): expected shape (4, 4), got {got.shape}"
    assert_raises(ValueError, corr2d_multi_in, np.ones((3, 5, 5)), np.ones((2, 3, 3)))
    print("corr2d_multi_in: all visible tests passed")
    ''')
    b.md(r"""
    ## 2. Several kernels: several output channels

    One kernel detects one kind of pattern (an edge in one direction, a colour blob...). A layer
    wants many, so it holds $F$ kernels, stacked into a 4D array of shape $(F, C, K_H, K_W)$.
    Kernel $f$ produces output channel $f$, and the outputs are stacked too:

    $$y[f, i, j] = \sum_{c} \sum_{p} \sum_{q} w[f, c, p, q]\; x[c,\, i + p,\, j + q],
    \qquad y \text{ of shape } (F, O_H, O_W).$$

    In words: `y[f]` is `corr2d_multi_in(x, w[f])`. A nice special case is the **1×1
    convolution** ($K_H = K_W = 1$): it does not look at neighbours at all, it mixes the $C$
    channel values of each pixel into $F$ new ones with the same $F \times C$ matrix everywhere.
    Networks use it to change the number of channels cheaply.

    The blocks again, now with $F = 2$ kernels: each kernel block still spans all 3 input
    channels, and each produces one sheet of the output.
    """)
    b.picture("""
    draw_blocks(F=2)
    """)
    b.md(r"""
    Write `corr2d_multi_in_out(x, w)`. Raise a `ValueError` if the channel counts differ.
    """)
    b.solution("corr2d_multi_in_out", "corr2d_multi_in_out(x, w)", """
        Several kernels, one output channel each.

        x: (C, H, W) and w: (F, C, KH, KW).
        Returns y: (F, H - KH + 1, W - KW + 1) float64 with y[f] = corr2d_multi_in(x, w[f]).
    """)
    b.tests("corr2d_multi_in_out", r'''
    x = np.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]],
                  [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
    w = np.array([[[0, 1], [2, 3]],
                  [[1, 2], [3, 4]]])
    w3 = np.stack([w, w + 1, w + 2])                        # F = 3 kernels of shape (2, 2, 2)
    expected = [[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]
    assert_close(corr2d_multi_in_out(x, w3), expected, "three kernels w, w + 1, w + 2 on the worked example")

    rng = np.random.default_rng(1)
    xr, wr = rng.normal(size=(3, 6, 5)), rng.normal(size=(4, 3, 3, 2))
    got = corr2d_multi_in_out(xr, wr)
    assert got.shape == (4, 4, 4), f"x (3, 6, 5), w (4, 3, 3, 2): expected shape (4, 4, 4), got {got.shape}"
    for f in range(4):
        assert_close(got[f], corr2d_multi_in(xr, wr[f]), f"output channel {f} should be corr2d_multi_in(x, w[{f}])")

    # A 1x1 convolution is the same F x C matrix applied to every pixel's channel vector.
    mix = rng.normal(size=(2, 3))
    assert_close(corr2d_multi_in_out(xr, mix[:, :, None, None]), np.einsum("fc,chw->fhw", mix, xr),
                 "1x1 kernels: y[f, i, j] = sum_c w[f, c] x[c, i, j]")
    assert_raises(ValueError, corr2d_multi_in_out, np.ones((3, 5, 5)), np.ones((2, 4, 3, 3)))
    print("corr2d_multi_in_out: all visible tests passed")
    ''')
    b.md(r"""
    ## 3. The layer: batches, bias, padding and stride

    A real convolution layer adds four things around `corr2d_multi_in_out`:

    - **Batch.** Networks process $N$ images at once: `x` has shape $(N, C, H, W)$ and every image
      is treated separately and identically; the output has shape $(N, F, O_H, O_W)$.
    - **Bias.** Each kernel has one extra learned number $b[f]$, added to every pixel of output
      channel $f$. `b` has shape $(F,)$.
    - **Padding** $p$ (an `int`): $p$ rows/columns of zeros around every channel of every image,
      on all four sides, before sliding. `np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))` pads
      only the two spatial axes.
    - **Stride** $s$ (an `int`): the window for output pixel $(i, j)$ starts at row $i s$ and column
      $j s$ of the padded input, instead of $(i, j)$.

    Together:

    $$\text{out}[n, f, i, j] = b[f] + \sum_{c} \sum_{p'} \sum_{q'} w[f, c, p', q']\;
    x_{\text{pad}}[n,\, c,\, i s + p',\, j s + q']$$

    with $O_H = \lfloor (H + 2p - K_H)/s \rfloor + 1$ and the same for $O_W$ (assignment 1).
    The picture shows a $5 \times 5$ image (blue) padded with one ring of zeros (grey), and the
    $3 \times 3$ window for each of the $3 \times 3$ outputs of a stride-2 layer.
    """)
    b.picture(r'''
    def draw_padded_windows(H=5, W=5, K=3, padding=1, stride=2):
        """One small panel per output pixel: the padded input and the window it reads."""
        HP, WP = H + 2 * padding, W + 2 * padding
        OH, OW = (HP - K) // stride + 1, (WP - K) // stride + 1
        fig, axes = plt.subplots(OH, OW, figsize=(1.9 * OW, 1.9 * OH))
        for i in range(OH):
            for j in range(OW):
                ax = axes[i, j]
                for r in range(HP):
                    for c in range(WP):
                        inside = padding <= r < padding + H and padding <= c < padding + W
                        ax.add_patch(Rectangle((c, HP - r - 1), 1, 1, edgecolor="0.6",
                                               facecolor="#cfe2f3" if inside else "0.88"))
                r0, c0 = i * stride, j * stride
                ax.add_patch(Rectangle((c0, HP - r0 - K), K, K, fill=False,
                                       edgecolor="#e69138", lw=2.5))
                ax.set_title(f"out[{i},{j}]: rows {r0}-{r0 + K - 1}", fontsize=8)
                ax.set_xlim(0, WP)
                ax.set_ylim(0, HP)
                ax.set_aspect("equal")
                ax.axis("off")
        fig.suptitle(f"{H}x{W} input, padding {padding}, stride {stride}, {K}x{K} kernel "
                     f"-> {OH}x{OW} output", fontsize=10)
        plt.tight_layout()
        plt.show()


    draw_padded_windows()
    ''')
    b.md(r"""
    ### Your turn: `conv2d_forward`

    Write `conv2d_forward(x, w, b, stride=1, padding=0)`: pad, then for every output position
    take the window `xpad[n, :, i*s : i*s+KH, j*s : j*s+KW]`, multiply it with each kernel and sum,
    then add the bias. Loops over `n`, `i` and `j` are fine; NumPy can do the sums over channels
    and kernel positions for all $F$ kernels at once: the window has shape `(C, KH, KW)` and `w`
    has shape `(F, C, KH, KW)`, so `np.sum(window * w, axis=(1, 2, 3))` broadcasts the window
    against every kernel and returns the $F$ values of output pixel $(i, j)$
    (`np.tensordot(w, window, axes=3)` computes the same, faster).

    Check the shapes and raise a `ValueError` with a clear message when `x` is not 4D, `w` not
    4D, the channel counts of `x` and `w` differ, `b` does not have `F` entries, or the kernel
    does not fit into the padded input.
    """)
    b.solution("conv2d_forward", "conv2d_forward(x, w, b, stride=1, padding=0)", """
        Forward pass of a 2D convolution layer (cross-correlation, zero padding, stride).

        x: (N, C, H, W), w: (F, C, KH, KW), b: (F,), stride and padding: ints.
        Returns out: (N, F, OH, OW) float64 with OH = (H + 2*padding - KH) // stride + 1
        (same for OW) and out[n, f, i, j] = b[f] + sum_c,p,q w[f, c, p, q] * xpad[n, c, i*stride + p, j*stride + q].
    """)
    b.tests("conv2d_forward", r'''
    x = np.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]],
                  [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
    w = np.array([[[0, 1], [2, 3]],
                  [[1, 2], [3, 4]]])
    # The worked example as a batch of one image and one kernel, without and with a bias.
    assert_close(conv2d_forward(x[None], w[None], np.zeros(1)), [[[[56, 72], [104, 120]]]],
                 "conv2d_forward(x[None], w[None], b=[0]) on the worked example")
    assert_close(conv2d_forward(x[None], w[None], np.array([10.0])), [[[[66, 82], [114, 130]]]],
                 "bias 10 is added to every output pixel")

    rng = np.random.default_rng(2)
    xb, wb, bb = rng.normal(size=(2, 3, 7, 9)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    # stride 1 and no padding: every image is corr2d_multi_in_out plus the bias.
    out = conv2d_forward(xb, wb, bb)
    assert out.shape == (2, 4, 5, 8), f"x (2, 3, 7, 9), w (4, 3, 3, 2): expected shape (2, 4, 5, 8), got {out.shape}"
    for n in range(2):
        assert_close(out[n], corr2d_multi_in_out(xb[n], wb) + bb[:, None, None], f"image {n} of the batch")

    # Stride 2 keeps every second output of stride 1; padding 1 adds a ring of zeros.
    out_s = conv2d_forward(xb, wb, bb, stride=2, padding=1)
    assert out_s.shape == (2, 4, 4, 5), f"stride 2, padding 1: expected shape (2, 4, 4, 5), got {out_s.shape}"
    out_p = conv2d_forward(xb, wb, bb, stride=1, padding=1)
    assert_close(out_s, out_p[:, :, ::2, ::2], "stride 2 should equal stride 1 with every second row and column kept")
    ones = conv2d_forward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), np.zeros(1), padding=1)
    assert_close(ones, [[[[4, 6, 4], [6, 9, 6], [4, 6, 4]]]], "3x3 ones with padding 1: the zeros count for nothing")

    assert_raises(ValueError, conv2d_forward, np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3)), np.zeros(2))
    assert_raises(ValueError, conv2d_forward, np.ones((1, 3, 5, 5)), np.ones((2, 3, 3, 3)), np.zeros(3))
    print("conv2d_forward: all visible tests passed")
    ''')
    b.md(r"""
    ## 4. A layer on a colour photo

    Time to run your layer on real data: the colour portrait from assignment 2, as a batch of one
    image with $C = 3$ channels. The layer below has $F = 4$ hand-made kernels, each with one
    slice per colour channel:

    - **grey**: a $1 \times 1$ kernel that mixes the channels into brightness (0.3 R + 0.6 G + 0.1 B);
    - **red minus blue**: another $1 \times 1$ mix, bright where the photo is reddish;
    - **vertical edges**: a Sobel kernel repeated on all three channels, so colour edges add up;
    - **horizontal edges**: the same kernel transposed.

    Since the $1 \times 1$ and $3 \times 3$ kernels must share one weight array, the $1 \times 1$ ones
    are written as $3 \times 3$ kernels that are zero except in the middle; padding 1 keeps the
    output the size of the input. A trained network's first layer learns kernels of this kind.

    Look for a thin bright or dark frame around the two edge maps: that is the zero padding. At
    the border the kernel sees a jump from the photo to the padded zeros, and reports it as an
    edge. The grey and colour maps have no frame because their kernels only read the middle pixel.
    """)
    b.picture(r'''
    from matplotlib import cbook

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        photo = plt.imread(f)[::5, ::5, :3] / 255.0          # (120, 103, 3), values in [0, 1]
    x_photo = photo.transpose(2, 0, 1)[None]                # (N, C, H, W) = (1, 3, 120, 103)

    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
    w_layer = np.zeros((4, 3, 3, 3))
    w_layer[0, :, 1, 1] = [0.3, 0.6, 0.1]                   # grey: 1x1 mix in the middle
    w_layer[1, :, 1, 1] = [1.0, 0.0, -1.0]                  # red minus blue
    w_layer[2] = sobel                                      # same slice on every channel
    w_layer[3] = sobel.T
    b_layer = np.zeros(4)
    names = ["grey", "red minus blue", "vertical edges", "horizontal edges"]

    try:
        maps = conv2d_forward(x_photo, w_layer, b_layer, stride=1, padding=1)
    except (NameError, NotImplementedError):
        print("Write conv2d_forward above first (section 3), run its cell, then run this cell again.")
    else:
        print("input", x_photo.shape, "-> output", maps.shape)
        fig, axes = plt.subplots(1, 5, figsize=(11, 2.8))
        axes[0].imshow(photo)
        axes[0].set_title("input (3 channels)", fontsize=9)
        for f, ax in enumerate(axes[1:]):
            ax.imshow(maps[0, f], cmap="gray")
            ax.set_title(f"out[0, {f}]: {names[f]}", fontsize=9)
        for ax in axes:
            ax.axis("off")
        plt.tight_layout()
        plt.show()
    ''')
    b.md(r"""
    ## Summary

    - A kernel has one slice per input channel; the per-channel correlations are **summed** into
      one output map.
    - $F$ kernels, stacked as $(F, C, K_H, K_W)$, give $F$ output channels.
    - The layer adds a batch axis, a bias per output channel, zero padding and a stride:
      $(N, C, H, W) \to (N, F, O_H, O_W)$.

    Next, in assignment 4, you compute the gradients that let such a layer learn.
    """)


# --------------------------------------------------------------------------------------------
# a4: backpropagation
# --------------------------------------------------------------------------------------------
GIVEN_A4 = '''
# Given: the forward passes of assignments 2 and 3, so you can test your backward passes here.

def corr1d(x, w):
    """Valid 1D cross-correlation, x: (L,), w: (K,) -> (L-K+1,). NumPy's np.correlate does it."""
    return np.correlate(np.asarray(x, dtype=float), np.asarray(w, dtype=float), mode="valid")


def conv2d_forward(x, w, b, stride=1, padding=0):
    """The layer of assignment 3: x (N, C, H, W), w (F, C, KH, KW), b (F,) -> (N, F, OH, OW)."""
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xpad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH = (H + 2 * padding - KH) // stride + 1
    OW = (W + 2 * padding - KW) // stride + 1
    out = np.empty((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = xpad[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]  # (N, C, KH, KW)
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out


def check_directional(loss, arrays, grads, what, seed=0, h=1.0):
    """Compare your gradients with the loss along one random direction (see section 2).

    loss(*arrays) -> float; grads[k] is your dL/d(arrays[k]). For every k, picks a random u and
    checks (loss(.., a + h u, ..) - loss(.., a - h u, ..)) / 2h == sum(grads[k] * u).
    """
    rng = np.random.default_rng(seed)
    for k, (a, g) in enumerate(zip(arrays, grads)):
        u = rng.normal(size=np.shape(a))
        plus = [np.asarray(v, dtype=float) + (h * u if m == k else 0) for m, v in enumerate(arrays)]
        minus = [np.asarray(v, dtype=float) - (h * u if m == k else 0) for m, v in enumerate(arrays)]
        numeric = (loss(*plus) - loss(*minus)) / (2 * h)
        yours = float(np.sum(np.asarray(g) * u))
        assert np.isclose(yours, numeric, rtol=1e-6, atol=1e-8), (
            f"{what[k]}: along a random direction u the loss changes at rate {numeric:.6g} "
            f"(measured from the forward pass), but sum({what[k]} * u) = {yours:.6g}")
'''


def build_a4(b: Builder) -> None:
    b.md(r"""
    # Assignment 4 · Backpropagation through convolution

    A network learns by **gradient descent**. Its output is scored by a **loss** $L$, a single
    number that is small when the network's answers are good (for example the squared
    difference between its outputs and the correct ones). After each batch the network needs the
    derivative of $L$ with respect to every kernel weight, to nudge each weight a little in the
    direction that makes $L$ smaller ("downhill"). To get those derivatives,
    **backpropagation** walks through the layers from the last to the first; each layer receives
    $\partial L / \partial y$ for its own output $y$ (the *upstream gradient*) and must return

    - $\partial L / \partial w$ (and $\partial L / \partial b$): how to change its own parameters;
    - $\partial L / \partial x$: the upstream gradient for the layer before it.

    The punchline of this assignment: **the gradients of a convolution are convolutions again.**

    | function | returns |
    |---|---|
    | `corr1d_backward(x, w, dy)` | `(dx, dw)` for `y = corr1d(x, w)` |
    | `conv2d_backward(x, w, b, dout, stride=1, padding=0)` | `(dx, dw, db)` for the layer of assignment 3 |
    | `numerical_gradient(f, x, h=1e-5)` | the gradient of a scalar function, by finite differences |

    Notation: `dy` stands for $\partial L/\partial y$ and has the shape of `y`; likewise `dx` has
    the shape of `x`, `dw` the shape of `w`.

    As in assignments 2 and 3, inputs may be Python lists or NumPy arrays of ints or floats;
    always return `float64` NumPy arrays (`np.asarray(x, dtype=float)` at the start takes care of
    both).
    """)
    b.md(INTRO_HOW_TO)
    b.code(setup(rectangles=False), locked_id="setup")
    b.md(r"""
    The next cell gives you the forward passes of assignments 2 and 3 (`corr1d` and
    `conv2d_forward`), so your backward passes can be checked against them, and a small checking
    helper used by the tests, explained in section 2. Run it.
    """)
    b.code(GIVEN_A4, locked_id="given")
    b.md(r"""
    ## 1. One dimension, by hand

    Take the forward pass $y = \text{corr1d}(x, w)$, that is
    $y[i] = \sum_{p=0}^{K-1} w[p]\, x[i + p]$ for $i = 0, \dots, L-K$, and suppose the rest of the
    network has told us $dy[i] = \partial L/\partial y[i]$. The chain rule says: the derivative of
    $L$ with respect to any number $z$ is the sum, over all outputs that $z$ influences, of
    $dy[i]$ times $\partial y[i]/\partial z$.

    **Gradient for the kernel.** Weight $w[p]$ appears in *every* output, multiplied by
    $x[i + p]$, so $\partial y[i]/\partial w[p] = x[i+p]$ and

    $$dw[p] = \sum_{i} dy[i]\; x[i + p] .$$

    That is a correlation again: slide `dy` (length $L-K+1$) over `x` (length $L$). The output
    has length $L - (L-K+1) + 1 = K$, the size of `w`, as it must:
    $\;dw = \text{corr1d}(x, dy)$.

    **Gradient for the input.** Input $x[m]$ appears in output $y[i]$ when $m = i + p$ for some
    kernel index $p$, that is with weight $w[m - i]$ whenever $0 \le m - i \le K-1$. So

    $$dx[m] = \sum_{i} dy[i]\; w[m - i] \qquad (\text{terms with } m - i \text{ outside } 0..K-1 \text{ are zero}).$$

    This has exactly the form $\sum_i a[i]\, b[m - i]$ of a **true convolution** (assignment 2,
    section 1) of `dy` with `w`, but in **full** mode: $m$ runs over all $L$ inputs, including
    the border ones that only some outputs touch. Full mode is valid mode after padding `dy` with
    $K-1$ zeros on both sides: $(L-K+1) + 2(K-1) - K + 1 = L$ outputs. In NumPy,
    `np.convolve(dy, w, mode="full")`; equivalently, correlate the zero-padded `dy` with the
    reversed kernel `w[::-1]`.

    **Worked example.** $x = [1, 2, 3, 4]$, $w = [1, 0, -1]$ gives $y = [-2, -2]$. With
    $dy = [1, 2]$:

    - $dw = [1\cdot1 + 2\cdot2,\; 1\cdot2 + 2\cdot3,\; 1\cdot3 + 2\cdot4] = [5, 8, 11]$;
    - $dx[0] = dy[0]\,w[0] = 1$, $dx[1] = dy[0]\,w[1] + dy[1]\,w[0] = 2$,
      $dx[2] = dy[0]\,w[2] + dy[1]\,w[1] = -1$, $dx[3] = dy[1]\,w[2] = -2$; so $dx = [1, 2, -1, -2]$.

    The picture shows the same computation as a graph. Forward (left), every output gathers $K$
    inputs, each through one weight (colour = kernel index $p$). Backward (right), the gradient
    flows back along the same edges: edge $x[i+p] \to y[i]$ carries $dy[i] \cdot w[p]$ back to
    $x[i+p]$, and each $dx[m]$ is the sum of what arrives. The totals at the top come from *your*
    `corr1d_backward`: they show "?" until you have written it, and the picture is drawn again
    after the exercise.
    """)
    b.picture(r'''
    def draw_flow(x, w, dy):
        """Forward and backward pass of y = corr1d(x, w) drawn as a graph, with numbers."""
        x, w, dy = (np.asarray(a, dtype=float) for a in (x, w, dy))
        L, K = len(x), len(w)
        y = corr1d(x, w)
        try:
            dx, dw = corr1d_backward(x, w, dy)
            note = ""
        except (NameError, NotImplementedError):   # not written (or its cell not run) yet
            dx, dw, note = None, None, "(write corr1d_backward below, then run this cell again)"
        colors = ["#e06666", "#6aa84f", "#3d85c6", "#b45f06", "#8e7cc3"]
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
        for ax, backward in zip(axes, (False, True)):
            for i in range(len(y)):
                for p in range(K):
                    xm, ym = i + p, i + (K - 1) / 2          # outputs sit under their window
                    start, end = ((ym, 0.02), (xm, 0.98)) if backward else ((xm, 0.98), (ym, 0.02))
                    ax.annotate("", xy=end, xytext=start, arrowprops=dict(
                        arrowstyle="-|>", color=colors[p % len(colors)], lw=2, alpha=0.8))
                    t = 0.3 + 0.4 * (p / max(K - 1, 1))      # spread labels along the edges
                    lx, ly = xm + (ym - xm) * t, 1 - t
                    label = f"{dy[i]:g}·{w[p]:g}" if w[p] >= 0 else f"{dy[i]:g}·({w[p]:g})"
                    label = label if backward else f"w{p}"
                    ax.text(lx, ly, label, fontsize=8, ha="center", va="center",
                            bbox=dict(facecolor="white", edgecolor="none", pad=0.5))
            for m in range(L):
                if not backward:
                    top = f"x[{m}]\n= {x[m]:g}"
                elif dx is None:
                    top = f"dx[{m}]\n= ?"
                else:
                    top = f"dx[{m}]\n= {dx[m]:g}"
                ax.text(m, 1.12, top, ha="center", va="bottom", fontsize=9,
                        bbox=dict(facecolor="#cfe2f3", edgecolor="black"))
            for i in range(len(y)):
                bottom = f"dy[{i}] = {dy[i]:g}" if backward else f"y[{i}] = {y[i]:g}"
                ax.text(i + (K - 1) / 2, -0.12, bottom, ha="center", va="top", fontsize=9,
                        bbox=dict(facecolor="#f6b26b", edgecolor="black"))
            ax.set_xlim(-0.7, L - 0.3)
            ax.set_ylim(-0.6, 1.6)
            ax.axis("off")
        axes[0].set_title("forward: y[i] = sum_p w[p] x[i+p]", fontsize=10)
        dw_text = ("dw = [" + ", ".join(f"{v:.4g}" for v in dw) + "]") if dw is not None else note
        axes[1].set_title("backward: dx[m] = sum of the arriving dy[i]·w[p]\n" + dw_text, fontsize=10)
        plt.tight_layout()
        plt.show()


    draw_flow(x=[1, 2, 3, 4], w=[1, 0, -1], dy=[1, 2])
    ''')
    b.md(r"""
    ### Your turn: `corr1d_backward`

    Write `corr1d_backward(x, w, dy)` returning the tuple `(dx, dw)` as float64 arrays of the
    shapes of `x` and `w`. You may use the formulas directly: the given `corr1d` and
    `np.convolve(..., mode="full")`. Or write loops that follow the forward pass: for every $i$
    and $p$, `dw[p] += dy[i] * x[i + p]` and `dx[i + p] += dy[i] * w[p]`. Mind the `+=`: one
    input receives gradient from several outputs.
    """)
    b.solution("corr1d_backward", "corr1d_backward(x, w, dy)", """
        Gradients of y = corr1d(x, w), given dy = dL/dy.

        x: (L,), w: (K,), dy: (L - K + 1,).
        Returns (dx, dw): dx (L,) = full convolution of dy with w,
        dw (K,) = corr1d(x, dy); both float64.
    """)
    b.tests("corr1d_backward", r'''
    result = corr1d_backward([1, 2, 3, 4], [1, 0, -1], [1, 2])
    assert isinstance(result, tuple) and len(result) == 2, f"expected a tuple (dx, dw), got {type(result).__name__}"
    dx, dw = result
    assert_close(dx, [1, 2, -1, -2], "dx of the worked example (x=[1,2,3,4], w=[1,0,-1], dy=[1,2])")
    assert_close(dw, [5, 8, 11], "dw of the worked example")

    # The same formulas as correlations/convolutions, on random data.
    rng = np.random.default_rng(0)
    x, w, dy = rng.normal(size=9), rng.normal(size=4), rng.normal(size=6)
    dx, dw = corr1d_backward(x, w, dy)
    assert_close(dw, corr1d(x, dy), "dw should be corr1d(x, dy)")
    assert_close(dx, np.convolve(dy, w, mode="full"), "dx should be the full convolution of dy with w")

    # Your gradients agree with the given forward pass (loss L = sum(dy * y)).
    check_directional(lambda x, w: float(np.sum(dy * corr1d(x, w))), [x, w], [dx, dw], ["dx", "dw"])

    # K = 1: y = w[0] * x, so dx = w[0] * dy and dw = sum(x * dy).
    dx, dw = corr1d_backward(x, [3.0], dy=np.ones(9))
    assert_close(dx, 3 * np.ones(9), "K = 1: dx = w[0] * dy")
    assert_close(dw, [x.sum()], "K = 1: dw = sum(x * dy)")
    print("corr1d_backward: all visible tests passed")
    ''')
    b.md(r"""
    The graph of section 1 again, now with the totals computed by your `corr1d_backward`; below
    it a second example with a 2-tap kernel. At every `dx[m]` the arriving edge labels must add
    up to the number shown.
    """)
    b.picture("""
    draw_flow(x=[1, 2, 3, 4], w=[1, 0, -1], dy=[1, 2])
    draw_flow(x=[2, -1, 0, 3, 1], w=[1, 2], dy=[1, -1, 2, 0])
    """)
    b.md(r"""
    ## 2. The multi-channel layer

    The layer of assignment 3 computes, with $x_{\text{pad}}$ the zero-padded input and $s$ the stride,

    $$\text{out}[n, f, i, j] = b[f] + \sum_{c, p, q} w[f, c, p, q]\;
    x_{\text{pad}}[n,\, c,\, i s + p,\, j s + q].$$

    The same chain-rule reasoning as in 1D, one parameter at a time, with `dout` the upstream
    gradient of shape $(N, F, O_H, O_W)$:

    - **Bias.** $b[f]$ is added to every output pixel of channel $f$ in every image, with
      derivative 1: $\;db[f] = \sum_{n, i, j} \text{dout}[n, f, i, j]$.
    - **Kernel.** $w[f, c, p, q]$ multiplies $x_{\text{pad}}[n, c, is+p, js+q]$ in output
      $(n, f, i, j)$: $\;dw[f, c, p, q] = \sum_{n, i, j} \text{dout}[n, f, i, j]\;
      x_{\text{pad}}[n, c, is+p, js+q]$. For stride 1 this is `corr2d(xpad[n, c], dout[n, f])`
      summed over the batch: the 2D version of $dw = \text{corr1d}(x, dy)$.
    - **Input.** Every output pixel read one window of $x_{\text{pad}}$; backward, it sends
      $\text{dout}[n, f, i, j]\, w[f, c, p, q]$ back to each cell of that window. Overlapping
      windows **add up**. Finally cut the padding off: those cells are constants, not inputs.
      For stride 1 this is the full convolution of `dout` with `w`, summed over $f$: the 2D
      version of 1D's $dx$.

    The easiest way to get all of it right is to mirror the forward loop. Where the forward pass
    *reads* a window and a kernel and *writes* one output, the backward pass *reads* that one
    output's gradient and *adds* into the window's and the kernel's gradients:

    ```
    forward:   out[n, :, i, j] = sum over (c, p, q) of window * w  (+ b)
    backward:  dxpad[n, :, window rows, window cols] += sum over f of dout[n, f, i, j] * w[f]
               dw[f]                                 += dout[n, f, i, j] * window
    ```

    How the tests check your gradients: the loss $L = \sum \text{dout} \cdot \text{out}$ has
    exactly the gradients above. Move $x$ a little along a random direction $u$ and see how
    fast $L$ changes: $(L(x + hu) - L(x - hu))/2h$. By the chain rule this rate must equal
    $\sum dx \cdot u$. Because the layer is linear in $x$ (and in $w$ and $b$), this holds for any
    step $h$ up to rounding. This is `check_directional` in the given cell: a whole gradient
    checked with two forward passes. Section 3 does it element by element.
    """)
    b.md(r"""
    ### Your turn: `conv2d_backward`

    Write `conv2d_backward(x, w, b, dout, stride=1, padding=0)` returning `(dx, dw, db)` with the
    shapes of `x`, `w` and `b` (float64). `b` itself does not enter any gradient; it is passed so
    that the signature mirrors `conv2d_forward`. Work on the padded input and slice the padding
    off `dxpad` at the end (`dxpad[:, :, padding:padding + H, padding:padding + W]`).
    """)
    b.solution("conv2d_backward", "conv2d_backward(x, w, b, dout, stride=1, padding=0)", """
        Gradients of out = conv2d_forward(x, w, b, stride, padding), given dout = dL/dout.

        x: (N, C, H, W), w: (F, C, KH, KW), b: (F,), dout: (N, F, OH, OW),
        stride and padding: ints, as in conv2d_forward.
        Returns (dx, dw, db) with shapes (N, C, H, W), (F, C, KH, KW), (F,), all float64.
    """)
    b.tests("conv2d_backward", r'''
    # w = dout = 1: dx counts how many 3x3 windows cover each pixel of a 4x4 input.
    result = conv2d_backward(np.zeros((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), np.zeros(1), np.ones((1, 1, 2, 2)))
    assert isinstance(result, tuple) and len(result) == 3, f"expected a tuple (dx, dw, db), got {type(result).__name__}"
    dx, dw, db = result
    assert_close(dx, [[[[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]]]],
                 "dx = number of windows covering each pixel (did you use = instead of += ?)")
    assert_close(db, [4], "db = sum of dout over the batch and the pixels")

    # dout = 1: dw[p, q] is the sum of the input cells that meet weight (p, q), a 2x2 block of x.
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    _, dw, _ = conv2d_backward(x, np.ones((1, 1, 3, 3)), np.zeros(1), np.ones((1, 1, 2, 2)))
    assert_close(dw, [[[[10, 14, 18], [26, 30, 34], [42, 46, 50]]]],
                 "dw with dout = 1: dw[p, q] = sum of x[p:p+2, q:q+2]")

    # Random layers, with stride and padding: shapes, db, and agreement with the forward pass.
    def layer_loss(dout, stride, padding):
        """The loss sum(dout * out) as a function of (x, w, b): its gradients are dx, dw, db."""
        return lambda x, w, b: float(np.sum(dout * conv2d_forward(x, w, b, stride, padding)))

    rng = np.random.default_rng(1)
    for stride, padding in [(1, 0), (2, 1), (1, 2)]:
        x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
        dout = rng.normal(size=conv2d_forward(x, w, b, stride, padding).shape)
        dx, dw, db = conv2d_backward(x, w, b, dout, stride=stride, padding=padding)
        for name, got, want in [("dx", dx, x), ("dw", dw, w), ("db", db, b)]:
            assert np.shape(got) == want.shape, (f"stride={stride}, padding={padding}: {name} should have "
                                                 f"shape {want.shape}, got {np.shape(got)}")
        assert_close(db, dout.sum(axis=(0, 2, 3)),
                     f"stride={stride}, padding={padding}: db = dout summed over n, i, j")
        check_directional(layer_loss(dout, stride, padding),
                          [x, w, b], [dx, dw, db], [f"dx (stride={stride}, padding={padding})",
                                                    f"dw (stride={stride}, padding={padding})",
                                                    f"db (stride={stride}, padding={padding})"])
    print("conv2d_backward: all visible tests passed")
    ''')
    b.md(r"""
    One more picture: it uses *your* `conv2d_backward` with `w` and `dout` all ones: then $dx$ counts
    how many windows each input pixel belongs to. With stride 1 the middle pixels are read 9
    times and the corners once; with stride 2 the overlaps thin out. If you wrote `=` instead of
    `+=`, every count shows 1.
    """)
    b.picture(r'''
    def show_window_counts(H=7, W=7, K=3):
        try:
            counts = [conv2d_backward(np.zeros((1, 1, H, W)), np.ones((1, 1, K, K)), np.zeros(1),
                                      np.ones((1, 1, (H - K) // s + 1, (W - K) // s + 1)), stride=s)[0]
                      for s in (1, 2)]
        except (NameError, NotImplementedError):   # not written (or its cell not run) yet
            print("Write conv2d_backward above first, run its cell, then run this cell again.")
            return
        fig, axes = plt.subplots(1, 2, figsize=(7, 3.4))
        for ax, dx, s in zip(axes, counts, (1, 2)):
            ax.imshow(dx[0, 0], cmap="Oranges", vmin=0)
            for (r, c), v in np.ndenumerate(dx[0, 0]):
                ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=9,
                        color="white" if v > dx.max() / 2 else "black")
            ax.set_title(f"dx with w = dout = 1, stride {s}", fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
        plt.tight_layout()
        plt.show()


    show_window_counts()
    ''')
    b.md(r"""
    ## 3. Numerical gradients: a check for any backward pass

    Backward passes are easy to get subtly wrong and hard to debug by staring. The classic
    safety net is to compare them with a gradient measured straight from the definition of the
    derivative. For a scalar function $f$ of an array $x$, nudge one element at a time:

    $$\frac{\partial f}{\partial x_k} \approx \frac{f(x + h\, e_k) - f(x - h\, e_k)}{2h}$$

    where $e_k$ is the array with a 1 at position $k$ and 0 elsewhere. This **central difference**
    is much more accurate than the one-sided $(f(x + h e_k) - f(x))/h$: its error shrinks like
    $h^2$ instead of $h$. Don't make $h$ too small either: $f(x + h e_k)$ and $f(x - h e_k)$ then
    agree in almost all their digits, and the subtraction leaves mostly rounding noise (of size
    about $10^{-16}/h$). In float64, $h \approx 10^{-5}$ balances both errors. The plot after the
    exercise shows this trade-off.

    It costs two evaluations of $f$ per element, so it is only for small test inputs; the real
    backward pass gets all gradients for about the cost of one forward pass.

    Write `numerical_gradient(f, x, h=1e-5)`:

    - `f` takes an array shaped like `x` and returns a number;
    - return an array of the shape of `x`, float64, with the central difference for every element
      (`np.ndindex(x.shape)` walks over all index tuples of any shape);
    - work on a float64 **copy** of `x` (`np.array(x, dtype=float)`, which also turns a Python
      list into an array): an integer array cannot hold $x + 10^{-5}$, and the caller's `x` must
      be left unchanged; put every element back after nudging it.
    """)
    b.solution("numerical_gradient", "numerical_gradient(f, x, h=1e-5)", """
        Central-difference gradient of a scalar function f at x.

        f: callable taking an array shaped like x and returning a float.
        x: array or nested list of any shape (ints allowed); it is left unchanged.
        Returns grad: float64 array shaped like x, grad[k] = (f(x + h e_k) - f(x - h e_k)) / (2h).
    """)
    b.tests("numerical_gradient", r'''
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.5]])
    x_before = x.copy()
    grad = numerical_gradient(lambda z: np.sum(z ** 2), x)
    assert np.array_equal(x, x_before), (
        f"numerical_gradient changed its input x (largest change {np.max(np.abs(x - x_before)):.3g}): "
        "work on a float copy of x, or put every element back after nudging it")
    assert_close(grad, 2 * x, "gradient of sum(x**2) is 2x", rtol=1e-6, atol=1e-6)
    assert_close(numerical_gradient(lambda z: np.sum(np.sin(z)), x), np.cos(x),
                 "gradient of sum(sin(x)) is cos(x)", rtol=1e-6, atol=1e-6)

    # Integer input: nudging by 1e-5 needs a float copy (else the nudge rounds away to 0).
    xi = np.array([[1, 2], [3, 4]])
    assert_close(numerical_gradient(lambda z: np.sum(z ** 3), xi), 3.0 * xi ** 2,
                 "gradient of sum(x**3) at an int array "
                 "(x + 1e-5 cannot be stored in an int array: nudge a float64 copy)", rtol=1e-6, atol=1e-6)

    # Any shape: a 3D array, and f receives arrays shaped like x.
    c = np.random.default_rng(2).normal(size=(2, 3, 4))
    def f(z):
        assert z.shape == c.shape, f"f was called with shape {z.shape}, expected {c.shape}"
        return float(np.sum(c * z))
    assert_close(numerical_gradient(f, np.zeros((2, 3, 4))), c, "gradient of sum(c * x) is c", rtol=1e-6, atol=1e-6)
    print("numerical_gradient: all visible tests passed")
    ''')
    b.picture(r'''
    # Why central differences and h = 1e-5: the error of both formulas for f = sin at x = 1.
    hs = np.logspace(-13, 0, 60)
    forward_err = np.abs((np.sin(1 + hs) - np.sin(1)) / hs - np.cos(1))
    central_err = np.abs((np.sin(1 + hs) - np.sin(1 - hs)) / (2 * hs) - np.cos(1))
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.loglog(hs, forward_err, label="one-sided (f(x+h) - f(x)) / h")
    ax.loglog(hs, central_err, label="central (f(x+h) - f(x-h)) / 2h")
    ax.axvline(1e-5, color="0.5", ls="--", lw=1)
    ax.text(1.5e-5, 1e-1, "h = 1e-5", fontsize=8, color="0.3")
    ax.set_xlabel("step h")
    ax.set_ylabel("error of the derivative")
    ax.set_title("small h: rounding noise wins; large h: the formula's own error wins", fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    plt.show()
    ''')
    b.md(r"""
    ## 4. Check everything with your own numerical gradient

    Now put the pieces together: the next cell compares your backward passes, element by
    element, with your `numerical_gradient` applied to the forward passes, on small random
    inputs. This is how you would test a new layer in practice: when the two agree to many
    digits, the backward pass is almost certainly right.
    """)
    b.picture(r'''
    def compare(name, analytic, numeric):
        err = np.max(np.abs(np.asarray(analytic) - numeric)) / max(1.0, np.max(np.abs(numeric)))
        print(f"{name:<32} largest relative difference {err:.1e}  {'OK' if err < 1e-6 else 'MISMATCH'}")

    rng = np.random.default_rng(3)
    try:
        x, w = rng.normal(size=7), rng.normal(size=3)
        dy = rng.normal(size=5)
        dx, dw = corr1d_backward(x, w, dy)
        compare("corr1d_backward: dx", dx, numerical_gradient(lambda z: np.sum(dy * corr1d(z, w)), x))
        compare("corr1d_backward: dw", dw, numerical_gradient(lambda z: np.sum(dy * corr1d(x, z)), w))

        x, w, b = rng.normal(size=(2, 2, 5, 4)), rng.normal(size=(3, 2, 2, 3)), rng.normal(size=3)
        stride, padding = 2, 1
        dout = rng.normal(size=conv2d_forward(x, w, b, stride, padding).shape)
        dx, dw, db = conv2d_backward(x, w, b, dout, stride=stride, padding=padding)

        def loss(x, w, b):
            return np.sum(dout * conv2d_forward(x, w, b, stride, padding))

        compare("conv2d_backward: dx", dx, numerical_gradient(lambda z: loss(z, w, b), x))
        compare("conv2d_backward: dw", dw, numerical_gradient(lambda z: loss(x, z, b), w))
        compare("conv2d_backward: db", db, numerical_gradient(lambda z: loss(x, w, z), b))
    except (NameError, NotImplementedError):
        print("Not all functions are written yet: finish corr1d_backward, conv2d_backward and "
              "numerical_gradient above, then run this cell again.")
    ''')
    b.md(r"""
    ## Summary

    | forward | gradient for the kernel | gradient for the input |
    |---|---|---|
    | $y = \text{corr1d}(x, w)$ | $dw = \text{corr1d}(x, dy)$ | $dx = $ full convolution of $dy$ with $w$ |
    | layer, stride 1, no padding | $dw[f, c] = \sum_n \text{corr2d}(x[n, c], \text{dout}[n, f])$ | $dx[n, c] = \sum_f$ full convolution of $\text{dout}[n, f]$ with $w[f, c]$ |

    - The bias gradient is the upstream gradient summed over everything but the channel.
    - Overlapping windows mean gradients **add up** (`+=`).
    - A central-difference numerical gradient is the reference any backward pass can be checked
      against; for linear layers a single random direction already tells a lot.

    That is the whole convolution layer, forward and backward: the building block of every CNN.
    """)  # noqa: E501 - a markdown table row cannot be wrapped


# --------------------------------------------------------------------------------------------
# a5: convolution as a matrix product
# --------------------------------------------------------------------------------------------
GIVEN_A5 = '''
# Given: the 2D correlation of assignment 2 and the layer of assignment 3, written plainly, so the
# tests can compare your matrix versions with them; and a checking helper the tests use.

def corr2d(x, w):
    """Valid 2D cross-correlation, x: (H, W), w: (KH, KW) -> (H-KH+1, W-KW+1).

    One shifted slice of x per kernel weight: y = sum over (p, q) of w[p, q] * x[p:p+OH, q:q+OW].
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    KH, KW = w.shape
    OH, OW = x.shape[0] - KH + 1, x.shape[1] - KW + 1
    y = np.zeros((OH, OW))
    for p in range(KH):
        for q in range(KW):
            y += w[p, q] * x[p:p + OH, q:q + OW]
    return y


def conv2d_forward(x, w, b, stride=1, padding=0):
    """The layer of assignment 3: x (N, C, H, W), w (F, C, KH, KW), b (F,) -> (N, F, OH, OW)."""
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, _, KH, KW = w.shape
    pad = (padding, padding)
    xp = np.pad(x, [(0, 0), (0, 0), pad, pad])
    OH = (xp.shape[2] - KH) // stride + 1
    OW = (xp.shape[3] - KW) // stride + 1
    out = np.empty((x.shape[0], F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            patch = xp[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]  # (N, C, KH, KW)
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out


def assert_matches(got, expected, what, known_mistakes=()):
    """assert_close, but first: if `got` is exactly what a known mistake gives, say which one.

    known_mistakes: pairs (what the mistaken code returns, what the mistake is).
    """
    expected = np.asarray(expected, dtype=float)
    for wrong, mistake in known_mistakes:
        wrong = np.asarray(wrong, dtype=float)
        if (isinstance(got, np.ndarray) and got.shape == wrong.shape and np.allclose(got, wrong)
                and not (wrong.shape == expected.shape and np.allclose(wrong, expected))):
            raise AssertionError(f"{what}: {mistake}\\nexpected:\\n{expected}\\ngot:\\n{got}")
    assert_close(got, expected, what)
'''


def build_a5(b: Builder) -> None:
    b.md(r"""
    # Assignment 5 · Convolution as a matrix product, and learning a kernel

    In assignments 2 to 4 you computed convolutions window by window. Real libraries rarely do:
    they rearrange the work so that it becomes **one big matrix product**, the operation that
    every CPU and GPU library has optimized to the last cycle. This assignment shows the trick
    from two sides, and then lets gradient descent *find* a kernel for you.

    | function | shapes |
    |---|---|
    | `im2col(x, kh, kw, stride=1, padding=0)` | `(N, C, H, W)` → `(N, OH*OW, C*KH*KW)`: every window as one row |
    | `conv2d_matmul(x, w, b, stride=1, padding=0)` | `(N, C, H, W)`, `(F, C, KH, KW)`, `(F,)` → `(N, F, OH, OW)`: the layer as one product |
    | `conv_matrix(w, input_shape)` | `(KH, KW)`, `(H, W)` → `(OH*OW, H*W)`: the correlation as a matrix |

    Letters as in assignment 3: **N** images, **C** input channels, **F** kernels, **H, W** input
    height and width, **KH, KW** kernel height and width, **OH, OW** output height and width.
    Stride and padding are ints. Inputs may be Python lists or NumPy arrays of ints or floats;
    always return `float64` NumPy arrays.
    """)  # noqa: E501 - a markdown table row cannot be wrapped
    b.md(INTRO_HOW_TO)
    b.code(setup(), locked_id="setup")
    b.md(r"""
    The next cell gives you plain versions of `corr2d` (assignment 2) and `conv2d_forward`
    (assignment 3), so the tests can compare your matrix versions with them, and a checking helper
    that recognizes a few typical mistakes. Run it.
    """)
    b.code(GIVEN_A5, locked_id="given")
    b.md(r"""
    ## 1. Windows become rows: `im2col`

    Look at what a convolution layer computes for one output pixel $(i, j)$ of image $n$: it cuts
    the window $x_{\text{pad}}[n, :, i s : i s + K_H, j s : j s + K_W]$ out of the padded input
    (all $C$ channels), multiplies it element by element with a kernel of the same shape
    $(C, K_H, K_W)$ and adds everything up. "Multiply element by element and add up" is a
    **dot product**, once both blocks are flattened into vectors of length $C K_H K_W$.

    So flatten every window into a row and stack the rows in a matrix, the **im2col** matrix
    ("image to columns"; the name comes from libraries that store the windows as columns, we use
    rows):

    - one row per output pixel: row $r = i \cdot O_W + j$, that is output row by output row,
      left to right (the order in which `reshape` reads an $(O_H, O_W)$ array);
    - one column per number in a window, flattened in $(C, K_H, K_W)$ order: all of channel 0
      first (its first kernel row, then its second ...), then channel 1. That is the order in
      which `w.reshape(F, -1)` flattens a kernel, so column $k$ of the matrix and entry $k$ of
      a flattened kernel always meet the same weight.

    Numbers that say where they came from make this easy to see: in the picture, the input value
    at channel $c$, row $r$, column $q$ is $100c + 10r + q$. Each coloured window on the left
    becomes the row with the same colour on the right. Notice how the same input value turns up
    in several rows: windows overlap, and im2col copies every value once per window that reads it.
    """)
    b.picture(r'''
    WINDOW_COLORS = ["#e69138", "#3d85c6", "#6aa84f", "#a64d79"]
    CHANNEL_FILLS = ["#fce5cd", "#d9ead3", "#cfe2f3"]


    def draw_im2col(C=2, H=3, W=4, K=2, stride=1, show=(0, 1, 3)):
        """The input (one panel per channel) and the im2col matrix of one image, drawn with loops.

        Values say where they come from: 100 * channel + 10 * row + column.
        """
        OH, OW = (H - K) // stride + 1, (W - K) // stride + 1

        def value(c, r, q):
            return 100 * c + 10 * r + q

        fig, axes = plt.subplots(1, C + 1, figsize=(2.2 * C + 0.55 * C * K * K + 1.5, 0.45 * OH * OW + 1.6),
                                 gridspec_kw={"width_ratios": [W] * C + [C * K * K + 2]})
        for c in range(C):                                   # the input, one panel per channel
            ax = axes[c]
            for r in range(H):
                for q in range(W):
                    ax.add_patch(Rectangle((q, H - 1 - r), 1, 1, facecolor=CHANNEL_FILLS[c], edgecolor="0.6"))
                    ax.text(q + 0.5, H - 0.5 - r, f"{value(c, r, q)}", ha="center", va="center", fontsize=8)
            for k, row in enumerate(show):                   # the highlighted windows, slightly inset
                i, j = divmod(row, OW)
                inset = 0.06 + 0.07 * k
                ax.add_patch(Rectangle((j * stride + inset, H - i * stride - K + inset), K - 2 * inset,
                                       K - 2 * inset, fill=False, edgecolor=WINDOW_COLORS[k], lw=2.2))
            ax.set_xlim(-0.1, W + 0.1)
            ax.set_ylim(-0.1, H + 0.1)
            ax.set_aspect("equal")
            ax.axis("off")
            ax.set_title(f"x[0, {c}] (channel {c})", fontsize=9)
        ax = axes[C]                                         # the matrix: one row per window
        rows, cols = OH * OW, C * K * K
        for row in range(rows):
            i, j = divmod(row, OW)
            for col in range(cols):
                c, rest = divmod(col, K * K)
                p, q = divmod(rest, K)
                ax.add_patch(Rectangle((col, rows - 1 - row), 1, 1, facecolor=CHANNEL_FILLS[c], edgecolor="0.7"))
                ax.text(col + 0.5, rows - 0.5 - row, f"{value(c, i * stride + p, j * stride + q)}",
                        ha="center", va="center", fontsize=7)
            ax.text(-0.2, rows - 0.5 - row, f"r={row}: (i, j)=({i}, {j})", ha="right", va="center", fontsize=8)
            if row in show:
                ax.add_patch(Rectangle((0, rows - 1 - row), cols, 1, fill=False,
                                       edgecolor=WINDOW_COLORS[show.index(row)], lw=2.2))
        for c in range(C):
            ax.text(c * K * K + K * K / 2, rows + 0.3, f"channel {c}", ha="center", fontsize=8)
        ax.set_xlim(-3.2, cols + 0.1)
        ax.set_ylim(-0.1, rows + 0.9)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(f"im2col: ({rows}, {cols}) = (OH*OW, C*KH*KW)", fontsize=9)
        plt.tight_layout()
        plt.show()


    draw_im2col()
    ''')
    b.md(r"""
    With **stride** $s$ the window of output pixel $(i, j)$ starts at $(i s, j s)$, so fewer,
    further apart windows become rows; with **padding** $p$ you first add $p$ rows and columns of
    zeros on *every* side, as in assignment 3. The number of rows is $O_H O_W$ with
    $O_H = \lfloor (H + 2p - K_H)/s \rfloor + 1$ (assignment 1), the same for $O_W$.
    Below: one channel, $K = 3$, stride 2: four windows, four rows.
    """)
    b.picture("""
    draw_im2col(C=1, H=5, W=5, K=3, stride=2, show=(0, 1, 2, 3))
    """)
    b.md(r"""
    ### Your turn: `im2col`

    Write `im2col(x, kh, kw, stride=1, padding=0)` for a batch `x` of shape $(N, C, H, W)$,
    returning an array of shape $(N, O_H O_W, C K_H K_W)$: `cols[n, i*OW + j]` is the window of
    image $n$ at $(i s, j s)$ of the padded input, flattened with `.ravel()` (or `.reshape(-1)`),
    which gives exactly the $(C, K_H, K_W)$ order.

    A loop over the output pixels $(i, j)$ that fills one row per window (for all $N$ images at
    once: `xpad[:, :, rows, cols].reshape(N, -1)`) is a fine solution. If you want it without
    loops: `np.lib.stride_tricks.sliding_window_view` gives every window at once, and the stride
    is a slice `[::s]` of its window positions; then move the axes into the order
    (N, OH, OW, C, KH, KW) and reshape.

    Raise a `ValueError` if `x` is not 4D, or if the kernel does not fit into the padded input.
    """)
    b.solution("im2col", "im2col(x, kh, kw, stride=1, padding=0)", """
        Every window of the layer's input as one row of a matrix.

        x: (N, C, H, W); kh, kw: kernel height and width; stride, padding: ints.
        Returns cols: (N, OH*OW, C*KH*KW) float64, OH = (H + 2*padding - kh) // stride + 1 (same
        for OW), each row one window:
        cols[n, i*OW + j] = xpad[n, :, i*stride : i*stride+kh, j*stride : j*stride+kw].ravel().
    """)
    b.tests("im2col", r'''
    # The lecture's 3x3 input with a 2x2 kernel: four windows, four rows.
    x = np.arange(9).reshape(1, 1, 3, 3)
    assert_close(im2col(x, 2, 2), [[[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]]],
                 "im2col(arange(9) as (1, 1, 3, 3), 2, 2)")

    # Values that say where they come from: 100 * channel + 10 * row + column; N=1, C=2, H=3, W=4.
    c, r, q = np.meshgrid(range(2), range(3), range(4), indexing="ij")
    x = (100 * c + 10 * r + q)[None]
    got = im2col(x, 2, 3)
    assert isinstance(got, np.ndarray) and got.shape == (1, 4, 12), (
        f"im2col of x (1, 2, 3, 4) with a 2x3 kernel: expected shape (1, 4, 12) = (N, OH*OW, C*KH*KW), "
        f"got {np.shape(got)}")
    first = np.array([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112])     # window at (0, 0)
    expected = np.stack([first, first + 1, first + 10, first + 11])[None]     # (0, 0), (0, 1), (1, 0), (1, 1)
    assert_matches(got, expected, "im2col(x, 2, 3) with x[0, c, r, q] = 100c + 10r + q", [
        (expected.reshape(1, 4, 2, 2, 3).transpose(0, 1, 3, 4, 2).reshape(1, 4, 12),
         "wrong column order: the columns are in (KH, KW, C) order, channel last. Flatten each "
         "window in (C, KH, KW) order, as w.reshape(F, -1) flattens a kernel: window.ravel() of "
         "xpad[n, :, rows, cols] does that."),
        (expected[:, [0, 2, 1, 3]], "the rows are in the wrong order: row r = i*OW + j, so the "
         "window one step to the RIGHT comes next (the output is read row by row)."),
    ])

    # Stride 2: windows start at 0, 2, 4 ... (x of shape (1, 1, 5, 7), values 10 * row + column).
    x = (10 * np.arange(5)[:, None] + np.arange(7))[None, None]
    got = im2col(x, 2, 2, stride=2)
    if np.shape(got) == (1, 24, 4):
        raise AssertionError("im2col(x (1, 1, 5, 7), 2, 2, stride=2): got 24 rows, the count for stride 1: "
                             "stride ignored. OH = (H + 2*padding - kh) // stride + 1 = 2 and OW = 3")
    first = np.array([0, 1, 10, 11])
    expected = (first + np.array([0, 2, 4, 20, 22, 24])[:, None])[None]
    assert_matches(got, expected, "im2col(x, 2, 2, stride=2) with x[0, 0, r, q] = 10r + q", [
        ((first + np.array([0, 1, 2, 10, 11, 12])[:, None])[None],
         "stride ignored when cutting the windows: the window of output pixel (i, j) starts at "
         "(i*stride, j*stride)."),
    ])

    # Padding 1 on every side (x of shape (1, 1, 3, 4), values 1 + 10 * row + column, zeros are padding).
    x = (1 + 10 * np.arange(3)[:, None] + np.arange(4))[None, None]
    got = im2col(x, 3, 3, padding=1)
    if np.shape(got) in [(1, 2, 9), (1, 6, 9)]:
        raise AssertionError(f"im2col(x (1, 1, 3, 4), 3, 3, padding=1): got shape {np.shape(got)}, "
                             "expected (1, 12, 9): padding applied once (on one side only, or only "
                             "along one axis)? pad both spatial axes on BOTH sides: "
                             "np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))")
    assert isinstance(got, np.ndarray) and got.shape == (1, 12, 9), (
        f"padding 1: expected shape (1, 12, 9), got {np.shape(got)}")
    assert_close(got[0, 0], [0, 0, 0, 0, 1, 2, 0, 11, 12],
                 "padding 1: the first window (top-left corner, zeros above and left)")
    assert_close(got[0, 11], [13, 14, 0, 23, 24, 0, 0, 0, 0],
                 "padding 1: the last window (bottom-right corner, zeros below and right)")

    # A random batch: shapes and dtype; invalid inputs raise ValueError.
    rng = np.random.default_rng(0)
    xr = rng.integers(-5, 6, size=(3, 2, 7, 6))
    got = im2col(xr, 3, 2, stride=2, padding=1)
    assert got.shape == (3, 16, 12), (
        f"x (3, 2, 7, 6), kernel 3x2, stride 2, padding 1: expected shape (3, 16, 12), got {got.shape}")
    assert got.dtype == np.float64, f"expected float64 output for an int input, got {got.dtype}"
    xpad = np.pad(xr, ((0, 0), (0, 0), (1, 1), (1, 1)))
    assert_close(got[2, 5], xpad[2, :, 2:5, 2:4].ravel(), "row 5 = (i, j) = (1, 1) of image 2")
    assert_raises(ValueError, im2col, np.ones((2, 5, 5)), 3, 3)                 # x is not (N, C, H, W)
    assert_raises(ValueError, im2col, np.ones((1, 2, 5, 5)), 6, 3)              # the kernel does not fit
    assert_raises(ValueError, im2col, np.ones((1, 2, 5, 5)), 3, 8, padding=1)   # not even padded
    print("im2col: all visible tests passed")
    ''')
    b.md(r"""
    ## 2. The whole layer as one matrix product: `conv2d_matmul`

    Flatten the $F$ kernels the same way: `w.reshape(F, -1)` is an $F \times C K_H K_W$ matrix
    whose row $f$ is kernel $f$. Every output value is a dot product of one im2col row with one
    kernel row, so all of them together are a matrix product:

    $$\underbrace{\text{cols}}_{(N,\; O_H O_W,\; C K_H K_W)} \;@\;
    \underbrace{\text{w.reshape}(F, -1)^{T}}_{(C K_H K_W,\; F)} \;+\; b
    \;=\; \underbrace{\text{out}}_{(N,\; O_H O_W,\; F)}$$

    (`@` multiplies the last two axes and repeats over the batch axis; `b` of shape $(F,)$ is added
    to every row.) One row per output pixel, one column per kernel: to get the layer's
    $(N, F, O_H, O_W)$, first move the kernel axis forward, `out.transpose(0, 2, 1)`, *then*
    reshape to $(N, F, O_H, O_W)$. Reshaping straight away would not fail, but it would pour the
    numbers into the wrong places: a reshape never moves data between axes, it only re-reads it
    in order.

    Why bother? The product does exactly the same multiplications as the loops of assignment 3,
    but a matrix-multiplication routine does them in cache-friendly blocks, on all cores, with
    vector instructions. The price is memory: every input value is copied once per window that
    reads it, about $K_H K_W$ times for stride 1.
    """)
    b.picture(r'''
    def draw_matmul(N=1, C=3, H=6, W=6, K=3, F=4):
        """The shapes of conv2d_matmul, as blocks: cols @ w_flat.T -> transpose -> reshape."""
        OH, OW = H - K + 1, W - K + 1
        L, D = OH * OW, C * K * K
        scale = 0.16
        fig, ax = plt.subplots(figsize=(11, 3.6))
        blocks = [  # (x, width, height, colour, label)
            (0.0, D, L, "#cfe2f3", f"cols = im2col(x)\n(OH*OW, C*KH*KW)\n= ({L}, {D})"),
            (D * scale + 0.9, F, D, "#f9cb9c", f"w.reshape(F, -1).T\n(C*KH*KW, F)\n= ({D}, {F})"),
            (D * scale + F * scale + 2.0, F, L, "#d9ead3", f"+ b, one column per\nkernel: (OH*OW, F)\n= ({L}, {F})"),
        ]
        top = L * scale
        for x0, w, h, color, label in blocks:
            ax.add_patch(Rectangle((x0, top - h * scale), w * scale, h * scale, facecolor=color, edgecolor="black"))
            ax.text(x0 + w * scale / 2, top - h * scale - 0.15, label, ha="center", va="top", fontsize=8)
        ax.text(D * scale + 0.45, top / 2, "@", fontsize=18, ha="center", va="center")
        ax.text(D * scale + F * scale + 1.45, top / 2, "=", fontsize=18, ha="center", va="center")
        ax.annotate("", xy=(D * scale + 2 * F * scale + 3.3, top / 2),
                    xytext=(D * scale + 2 * F * scale + 2.2, top / 2),
                    arrowprops=dict(arrowstyle="-|>", lw=1.5))
        ax.text(D * scale + 2 * F * scale + 2.75, top / 2 + 0.25, "transpose,\nreshape",
                ha="center", va="bottom", fontsize=8)
        x0 = D * scale + 2 * F * scale + 3.5
        for f in reversed(range(F)):                         # F maps of (OH, OW), stacked
            ax.add_patch(Rectangle((x0 + 0.2 * f, top - OH * scale * 2 + 0.2 * f), OW * scale * 2, OH * scale * 2,
                                   facecolor="#d9ead3", edgecolor="black"))
        ax.text(x0 + OW * scale + 0.3, top - OH * scale * 2 - 0.15, f"out[n]: (F, OH, OW)\n= ({F}, {OH}, {OW})",
                ha="center", va="top", fontsize=8)
        ax.set_xlim(-0.2, x0 + OW * scale * 2 + 1.2)
        ax.set_ylim(-1.6, top + 0.3)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(f"one image (N = {N}), C = {C}, {H}x{W} input, F = {F} kernels of {K}x{K}: "
                     f"{L * D * F} multiplications in one product", fontsize=9)
        plt.show()


    draw_matmul()
    ''')
    b.md(r"""
    ### Your turn: `conv2d_matmul`

    Write `conv2d_matmul(x, w, b, stride=1, padding=0)`: the layer of assignment 3 as one matrix
    product. Use your `im2col` (it is defined in the notebook once you have run its cell), then
    `@`, `+ b`, `transpose` and `reshape`: no loops. The result must equal the given
    `conv2d_forward(x, w, b, stride, padding)`.

    A tip for speed: `cols.reshape(N * OH * OW, -1)` stacks the images into the rows too, so the
    whole batch is a single 2D product (NumPy hands it to the BLAS library in one call, which is
    often several times faster than a batched 3D `@`); reshape the result to $(N, O_H, O_W, F)$
    and move the kernel axis to position 1.

    Raise a `ValueError` if `x` or `w` is not 4D, if their channel counts differ, or if the kernel
    does not fit into the padded input.
    """)
    b.solution("conv2d_matmul", "conv2d_matmul(x, w, b, stride=1, padding=0)", """
        The convolution layer as one matrix product: im2col(x) @ w.reshape(F, -1).T + b.

        x: (N, C, H, W), w: (F, C, KH, KW), b: (F,); stride, padding: ints.
        Returns out: (N, F, OH, OW) float64, equal to conv2d_forward(x, w, b, stride, padding).
    """)
    b.tests("conv2d_matmul", r'''
    # The lecture's example: [[19, 25], [37, 43]], plus a bias of 0.5.
    got = conv2d_matmul(np.arange(9).reshape(1, 1, 3, 3), [[[[0, 1], [2, 3]]]], [0.5])
    assert_matches(got, [[[[19.5, 25.5], [37.5, 43.5]]]], "the lecture's example with bias 0.5",
                   [([[[[19, 25], [37, 43]]]], "the bias is missing: + b (b has one entry per kernel).")])

    # Random layers (N=2, C=3, F=4, a 3x2 kernel) with stride and padding: equal to conv2d_forward.
    rng = np.random.default_rng(1)
    for stride, padding in [(1, 0), (2, 1), (1, 2), (3, 0)]:
        x, w, b = rng.normal(size=(2, 3, 7, 8)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
        expected = conv2d_forward(x, w, b, stride, padding)
        got = conv2d_matmul(x, w, b, stride=stride, padding=padding)
        what = f"conv2d_matmul(x (2, 3, 7, 8), w (4, 3, 3, 2), b, stride={stride}, padding={padding})"
        if np.shape(got) == conv2d_forward(x, w, b, 1, padding).shape != expected.shape:
            raise AssertionError(f"{what}: got shape {np.shape(got)}, the shape for stride 1: stride ignored")
        if np.shape(got) == (2, 4, 7 + padding - 3 + 1, 8 + padding - 2 + 1) and padding > 0:
            raise AssertionError(f"{what}: got shape {np.shape(got)}: padding applied once (on one side only); "
                                 "pad by `padding` on BOTH sides of both spatial axes")
        assert_matches(got, expected, what, [
            (conv2d_forward(x, w, 0 * b, stride, padding), "the bias is missing: + b (b has one entry per kernel)."),
            (expected.transpose(0, 2, 3, 1).reshape(expected.shape), "reshaped without transposing: the product is "
             "(N, OH*OW, F), one COLUMN per kernel; transpose it to (N, F, OH*OW) before reshaping to (N, F, OH, OW)."),
            (conv2d_forward(x, w.reshape(4, 3, 2, 3).transpose(0, 3, 1, 2), b, stride, padding),
             "im2col's columns and the flattened kernels do not line up: the im2col rows must be in (C, KH, KW) order, "
             "the order of w.reshape(F, -1)."),
        ])

    # Integer inputs and Python lists give float64; a 1x1 kernel mixes channels pixel by pixel.
    x_int = np.arange(24).reshape(1, 2, 3, 4)
    got = conv2d_matmul(x_int.tolist(), np.ones((3, 2, 1, 1), dtype=int), np.zeros(3, dtype=int))
    assert got.dtype == np.float64, f"expected a float64 output for int inputs, got {got.dtype}"
    assert_close(got, conv2d_forward(x_int, np.ones((3, 2, 1, 1)), np.zeros(3)), "1x1 kernels")

    # ValueError: x is not 4D, w is not 4D, the channel counts differ, the kernel does not fit.
    assert_raises(ValueError, conv2d_matmul, np.ones((3, 5, 5)), np.ones((2, 3, 3, 3)), np.zeros(2))
    assert_raises(ValueError, conv2d_matmul, np.ones((1, 3, 5, 5)), np.ones((3, 3, 3)), np.zeros(3))
    assert_raises(ValueError, conv2d_matmul, np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3)), np.zeros(2))
    assert_raises(ValueError, conv2d_matmul, np.ones((1, 3, 5, 5)), np.ones((2, 3, 8, 3)), np.zeros(2), padding=1)
    print("conv2d_matmul: all visible tests passed")
    ''')
    b.md(r"""
    How much faster is the product? The next cell times the given loop version (assignment 3's
    `conv2d_forward`) against your `conv2d_matmul` on a small layer. Both compute the same
    numbers; compare the times, then try larger images.
    """)
    b.picture(r'''
    import time


    def best_time(fn, repeats=3):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    rng = np.random.default_rng(2)
    x, w, b = rng.normal(size=(4, 8, 24, 24)), rng.normal(size=(16, 8, 3, 3)), rng.normal(size=16)
    try:
        same = np.allclose(conv2d_matmul(x, w, b, padding=1), conv2d_forward(x, w, b, padding=1))
    except (NameError, NotImplementedError):
        print("Write conv2d_matmul above first, run its cell, then run this cell again.")
    else:
        loops = best_time(lambda: conv2d_forward(x, w, b, padding=1))
        product = best_time(lambda: conv2d_matmul(x, w, b, padding=1))
        print(f"x {x.shape}, w {w.shape}, padding 1; same result: {same}")
        print(f"loops over output pixels (conv2d_forward): {loops * 1000:7.1f} ms")
        print(f"one matrix product (your conv2d_matmul):   {product * 1000:7.1f} ms  ({loops / product:.1f}x faster)")
    ''')
    b.md(r"""
    ## 3. The other way round: a convolution is a matrix

    im2col turned the *input* into a matrix. You can also turn the *kernel* into one. A valid 2D
    correlation is linear in $x$: double the input and the output doubles, add two inputs and the
    outputs add. Every linear map is a matrix, so there is a matrix $M$ with

    $$M \; \text{x.ravel()} = \text{corr2d}(x, w)\text{.ravel()}, \qquad
    M \text{ of shape } (O_H O_W,\; H W).$$

    Row $r = i \cdot O_W + j$ of $M$ computes output pixel $(i, j)$, the sum of
    $w[p, q]\, x[i + p, j + q]$. In the flattened input, pixel $(i + p, j + q)$ sits at position
    $(i + p) W + (j + q)$, so row $r$ holds $w[p, q]$ in column $(i + p) W + (j + q)$ for every
    kernel position $(p, q)$, and zeros everywhere else. For the lecture's example
    ($3 \times 3$ input, kernel $\begin{bmatrix} 0&1\\2&3 \end{bmatrix}$):

    $$M = \begin{bmatrix}
    0&1&0&2&3&0&0&0&0\\
    0&0&1&0&2&3&0&0&0\\
    0&0&0&0&1&0&2&3&0\\
    0&0&0&0&0&1&0&2&3
    \end{bmatrix}, \qquad M \begin{bmatrix}0\\1\\ \vdots\\8\end{bmatrix} =
    \begin{bmatrix}19\\25\\37\\43\end{bmatrix}.$$

    Each row is the previous one shifted right by one column, except where the window jumps to
    the next row of the image: there it shifts by $K_W$ (here 2).

    ### Your turn: `conv_matrix`

    Write `conv_matrix(w, input_shape)` for a 2D kernel `w` of shape $(K_H, K_W)$ and
    `input_shape` $= (H, W)$. Start from `np.zeros((OH * OW, H * W))` and place the kernel in
    every row. A loop over the output pixels with `M[r].reshape(H, W)[i:i+KH, j:j+KW] = w`
    works (reshape gives a view: writing into it writes into `M`); a loop over the $K_H K_W$
    kernel positions, or NumPy's fancy indexing, works too.

    Raise a `ValueError` if `w` is not 2D or if the kernel is larger than the input.
    """)
    b.solution("conv_matrix", "conv_matrix(w, input_shape)", """
        The matrix M of a valid 2D cross-correlation: M @ x.ravel() == corr2d(x, w).ravel().

        w: (KH, KW) kernel; input_shape: (H, W) with KH <= H, KW <= W.
        Returns M: (OH*OW, H*W) float64 with OH = H - KH + 1, OW = W - KW + 1; row i*OW + j holds
        w[p, q] in column (i + p)*W + (j + q), zeros elsewhere.
    """)
    b.tests("conv_matrix", r'''
    w = np.array([[0, 1], [2, 3]])
    M = conv_matrix(w, (3, 3))
    assert isinstance(M, np.ndarray), f"expected a numpy array, got {type(M).__name__}"
    if M.shape == (9, 4):
        raise AssertionError("conv_matrix([[0, 1], [2, 3]], (3, 3)): expected shape (4, 9), got (9, 4): "
                             "M is transposed. It has one ROW per output pixel and one column per input "
                             "pixel: (OH*OW, H*W)")
    flipped = ("the kernel is flipped: row i*OW + j holds w[p, q] in column (i + p)*W + (j + q); "
               "correlation slides w as it is.")
    assert_matches(M @ np.arange(9), [19, 25, 37, 43], "M @ x.ravel() for the lecture's example",
                   [(corr2d(np.arange(9).reshape(3, 3), w[::-1, ::-1]).ravel(), flipped)])
    assert_close(M, [[0, 1, 0, 2, 3, 0, 0, 0, 0], [0, 0, 1, 0, 2, 3, 0, 0, 0],
                     [0, 0, 0, 0, 1, 0, 2, 3, 0], [0, 0, 0, 0, 0, 1, 0, 2, 3]], "conv_matrix of the lecture's example")

    # Random kernels on non-square inputs: M @ x.ravel() equals the given corr2d.
    rng = np.random.default_rng(3)
    for (H, W), (KH, KW) in [((5, 7), (2, 3)), ((6, 4), (3, 1)), ((4, 5), (4, 5)), ((3, 6), (1, 1))]:
        w, x = rng.normal(size=(KH, KW)), rng.normal(size=(H, W))
        M = conv_matrix(w, (H, W))
        what = f"conv_matrix(w {w.shape}, ({H}, {W}))"
        shape = ((H - KH + 1) * (W - KW + 1), H * W)
        assert M.shape == shape, f"{what}: expected shape (OH*OW, H*W) = {shape}, got {M.shape}"
        assert_matches(M @ x.ravel(), corr2d(x, w).ravel(), f"{what} @ x.ravel() vs corr2d(x, w).ravel()", [
            (corr2d(x, w[::-1, ::-1]).ravel(), flipped),
            (corr2d(x, w).T.ravel(), "the rows are in the wrong order: row r = i*OW + j is output pixel (i, j), "
             "row by row (the order of .ravel())."),
        ])
    assert_close(conv_matrix([[2.5]], (2, 3)), 2.5 * np.eye(6), "a 1x1 kernel: 2.5 times the identity")
    assert conv_matrix(np.ones((2, 2), dtype=int), [3, 3]).dtype == np.float64, "expected float64 for an int kernel"

    assert_raises(ValueError, conv_matrix, np.ones((2, 2, 2)), (5, 5))    # w is not 2D
    assert_raises(ValueError, conv_matrix, np.ones((2, 6)), (5, 5))       # the kernel is wider than the input
    print("conv_matrix: all visible tests passed")
    ''')
    b.md(r"""
    ### What the matrix shows: weight sharing and sparsity

    Here is $M$ as an image for a $3 \times 3$ kernel with the weights 1 to 9 on a
    $5 \times 6$ input (white = 0), and, on the right, where the nonzeros of $M$ are for the
    lecture's $28 \times 28$ image and a $3 \times 3$ kernel.

    Before you run the cell, count with pencil and paper for the $28 \times 28$ case
    ($26 \times 26$ outputs):

    1. How many entries does $M$ have?
    2. How many of them are nonzero, and how many **different** nonzero numbers are there?
    3. How many zeros?
    4. A *fully connected* layer from the same $28 \times 28$ input to the same $26 \times 26$
       output is also a matrix of that shape, but every entry is its own weight. How many
       weights does it learn, and how many does the convolution learn?

    The cell prints the counts from your `conv_matrix`, next to the formulas.
    """)
    b.picture(r'''
    try:
        small = conv_matrix(np.arange(1, 10).reshape(3, 3), (5, 6))
        big = conv_matrix(np.random.default_rng(4).uniform(1, 2, size=(3, 3)), (28, 28))
    except (NameError, NotImplementedError):
        print("Write conv_matrix above first, run its cell, then run this cell again.")
    else:
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [1.6, 1]})
        axes[0].imshow(np.where(small == 0, np.nan, small), cmap="viridis", aspect="equal")
        for (r, c), v in np.ndenumerate(small):
            if v:
                axes[0].text(c, r, f"{v:g}", ha="center", va="center", fontsize=6, color="white")
        axes[0].set_title(f"M for a 3x3 kernel (weights 1..9) on a 5x6 input: {small.shape}", fontsize=9)
        axes[0].set_xlabel("column = input pixel (row * W + column)")
        axes[0].set_ylabel("row = output pixel")
        axes[1].imshow(big != 0, cmap="Greys", aspect="auto", interpolation="nearest")
        axes[1].set_title(f"nonzeros of M for 28x28 and 3x3: {big.shape}", fontsize=9)
        plt.tight_layout()
        plt.show()

        (OH_OW, HW), K2 = big.shape, 9
        values = len(np.unique(big[big != 0]))
        print(f"entries of M:            {big.size:>8}   = OH*OW * H*W = {OH_OW} * {HW}")
        print(f"nonzero entries:         {np.count_nonzero(big):>8}   = OH*OW * KH*KW (each row holds the kernel once)")
        print(f"different nonzero values:{values:>8}   = KH*KW: every row shares the same 9 weights")
        print(f"zeros:                   {np.count_nonzero(big == 0):>8}   = {100 * np.mean(big == 0):.1f} % of M")
        print(f"weights learned by a fully connected layer of the same shape: {big.size}; by the convolution: {K2}")
    ''')
    b.md(r"""
    Two ideas make a convolution layer cheap, and $M$ shows both:

    - **Weight sharing.** Every row of $M$ holds the *same* $K_H K_W$ weights, shifted: the layer
      applies one small pattern detector at every position, so it has 9 numbers to learn instead
      of $676 \cdot 784 = 529{,}984$. An edge is an edge wherever it appears in the image.
    - **Sparsity (local connections).** Each output pixel depends on only $K_H K_W$ input pixels,
      its window: more than 98 % of $M$ is zeros. A fully connected layer would connect every
      output to every input pixel.

    That is also why nobody computes a convolution by building $M$: it would store and multiply
    half a million numbers, almost all of them zero. im2col stores only the windows.
    """)
    b.md(r"""
    ## 4. Learning a kernel by gradient descent

    So far the kernels were given. In a CNN they are **learned**. Here is the smallest possible
    version of that: we make a target image with a known kernel, a Sobel kernel that finds
    vertical edges, and ask gradient descent to find a kernel that reproduces the target, starting
    from random numbers.

    - **Data.** A grey photo $x$ (scaled to mean 0 and standard deviation 1) and the target
      $t = \text{corr2d}(x, w_{\text{true}})$ with $w_{\text{true}}$ the Sobel kernel.
    - **Model and loss.** $y = \text{corr2d}(x, w)$ and the mean squared error
      $L = \frac{1}{M} \sum (y - t)^2$ over the $M$ output pixels.
    - **Gradient.** $dy = \partial L / \partial y = \frac{2}{M}(y - t)$, and from assignment 4,
      $dw = \text{corr2d}(x, dy)$: the kernel's gradient is again a correlation.
    - **Step.** $w \leftarrow w - \eta\, dw$ with a learning rate $\eta$, a few hundred times.

    Because $y$ is linear in $w$, the loss is a bowl-shaped quadratic in the 9 weights with a
    single lowest point, $w_{\text{true}}$, and gradient descent slides down to it. The cell below
    gives the backward pass of `corr2d` (assignment 4, written with one slice per kernel weight
    like the given `corr2d`); the next one trains. Nothing here uses your functions.
    """)
    b.code(r'''
    def corr2d_backward(x, w, dy):
        """Gradients of y = corr2d(x, w) given dy = dL/dy (assignment 4): returns (dx, dw)."""
        x, w, dy = (np.asarray(a, dtype=float) for a in (x, w, dy))
        OH, OW = dy.shape
        dx, dw = np.zeros(x.shape), np.zeros(w.shape)
        for p in range(w.shape[0]):
            for q in range(w.shape[1]):
                dw[p, q] = np.sum(dy * x[p:p + OH, q:q + OW])   # dw = corr2d(x, dy)
                dx[p:p + OH, q:q + OW] += w[p, q] * dy         # every window adds its share
        return dx, dw
    ''', locked_id="given_backward")
    b.picture(r'''
    from matplotlib import cbook

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        grey = plt.imread(f)[::5, ::5, :3].mean(axis=2)         # (120, 103) grey photo
    x_img = (grey - grey.mean()) / grey.std()                  # mean 0, standard deviation 1

    w_true = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)   # Sobel: vertical edges
    target = corr2d(x_img, w_true)

    rng = np.random.default_rng(0)
    w = rng.normal(scale=0.5, size=(3, 3))                     # a random start
    w_start = w.copy()
    learning_rate, steps = 0.07, 300
    losses = []
    for _ in range(steps):
        y = corr2d(x_img, w)                                   # forward
        losses.append(np.mean((y - target) ** 2))              # loss
        _, dw = corr2d_backward(x_img, w, 2 * (y - target) / y.size)   # backward
        w -= learning_rate * dw                                # one step downhill

    print(f"loss: {losses[0]:.3g} at the start, {losses[-1]:.2g} after {steps} steps")
    print("learned kernel:\n", np.round(w, 3))

    fig, axes = plt.subplots(1, 5, figsize=(13, 2.8), gridspec_kw={"width_ratios": [1.8, 1, 1, 1, 1]})
    axes[0].semilogy(losses)
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("mean squared error")
    axes[0].set_title("loss during training", fontsize=9)
    axes[0].grid(alpha=0.3, which="both")
    for ax, kernel, title in [(axes[1], w_start, "random start"), (axes[2], w, f"learned ({steps} steps)"),
                              (axes[3], w_true, "true kernel (Sobel)")]:
        ax.imshow(kernel, cmap="RdBu_r", vmin=-2.2, vmax=2.2)
        for (r, c), v in np.ndenumerate(kernel):
            ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=8)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[4].imshow(corr2d(x_img, w), cmap="gray")
    axes[4].set_title("the photo with the learned kernel", fontsize=9)
    axes[4].axis("off")
    plt.tight_layout()
    plt.show()
    ''')
    b.md(r"""
    Things to try: a larger learning rate (0.2: the steps overshoot and the loss explodes), a
    smaller one (0.01: slow), another start (all zeros), or another target kernel: the
    horizontal edges `w_true.T`, or a blur `np.full((3, 3), 1 / 9)`. A real network does
    the same with many kernels and layers at once, and with a loss that compares its final output
    with labels instead of a target image; the gradients come from the backward passes of
    assignment 4.

    ## Summary

    - **im2col** cuts every window out and lays it down as a row, flattened in $(C, K_H, K_W)$
      order: $(N, C, H, W) \to (N, O_H O_W, C K_H K_W)$.
    - The layer is then **one matrix product** with the flattened kernels,
      `im2col(x) @ w.reshape(F, -1).T + b`, transposed and reshaped to $(N, F, O_H, O_W)$: the same
      numbers as the loops, much faster, at the cost of copying the input about $K_H K_W$ times.
    - Seen from the other side, a correlation is a matrix $M$ of shape $(O_H O_W, H W)$ with
      only $K_H K_W$ different nonzero numbers (**weight sharing**) and mostly zeros
      (**sparsity**): that is what a convolution layer saves over a fully connected one.
    - Gradient descent with the backward pass of assignment 4 learns a kernel from examples.
    """)


BUILDERS = {
    "a1_output_size": build_a1,
    "a2_correlation": build_a2,
    "a3_multichannel": build_a3,
    "a4_backprop": build_a4,
    "a5_conv_as_matmul": build_a5,
}


def build(assignment_id: str) -> nbformat.NotebookNode:
    """The source notebook of one assignment, points taken from course.yml."""
    course = load_course(ROOT)
    b = Builder(assignment_id, dict(course.assignment(assignment_id).points))
    BUILDERS[assignment_id](b)
    return b.notebook()


def notebook_path(assignment_id: str) -> Path:
    return ROOT / "assignments" / assignment_id / f"{assignment_id}.ipynb"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a committed notebook differs from the build")
    parser.add_argument("assignments", nargs="*", default=list(BUILDERS))
    args = parser.parse_args(argv)
    stale = []
    for assignment_id in args.assignments:
        text = nbformat.writes(build(assignment_id)) + "\n"
        path = notebook_path(assignment_id)
        if args.check:
            if not path.is_file() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("out of date (run python scripts/build_notebooks.py):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
