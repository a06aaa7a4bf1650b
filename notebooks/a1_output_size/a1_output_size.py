# %% [markdown]
# # Assignment 1 · Output size: how big is the result of a convolution?
#
# A convolution layer slides a small grid of weights, the **kernel**, over its input and writes
# one number for every place where the kernel fits. Before computing any of those numbers it
# pays to know *how many* there are: every layer of a network must agree with the next one
# about the shape of the data it passes on, and most shape bugs in a CNN are off-by-one
# mistakes in exactly this count.
#
# You will derive the output size step by step, first for the plainest case and then with the
# three knobs every framework offers: **padding**, **stride** and **dilation**. At the end you
# write two functions:
#
# | function | what it returns |
# |---|---|
# | `conv_output_length(n, k, padding=0, stride=1, dilation=1)` | the output length along one axis |
# | `conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1)` | the output size along every axis |

# %% [markdown]
# **How to work in this notebook.** Read from top to bottom and run every cell (Shift+Enter).
# Each exercise is a function in a cell that says `# YOUR CODE HERE`: replace the
# `raise NotImplementedError()` line with your code and keep the function's name and arguments.
# The cell after it holds tests; run it, and fix your code until it runs without an error (an
# `AssertionError` says what was expected and what came back). Passing these visible tests is a
# good sign but not the whole grade: the autograder also tries random inputs of all shapes.
# Cells that draw pictures work even before you start; they tell you which function they wait for.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

np.set_printoptions(precision=4, suppress=True)


def assert_close(got, expected, what, rtol=1e-7, atol=1e-9, mistakes=None):
    """Fail with a readable message unless `got` is a float ndarray close to `expected`.
    `mistakes` maps the values a known mistake gives on this input to its description: when
    `got` is one of them, the message names the likely mistake."""
    for wrong, mistake in (mistakes or {}).items():
        if (isinstance(got, np.ndarray) and got.shape == np.shape(wrong)
                and np.allclose(got, wrong, rtol=rtol, atol=atol)):
            raise AssertionError(f"{what}: expected\n{np.asarray(expected, dtype=float)}\n"
                                 f"got\n{got}\nlikely mistake: {mistake}")
    expected = np.asarray(expected, dtype=float)
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{what}: expected a numpy array, got {type(got).__name__}: {got!r}")
    if got.shape != expected.shape:
        hint = ""
        if got.ndim == expected.ndim and all(abs(a - b) <= 1 for a, b in zip(got.shape, expected.shape)):
            hint = ("\n(off by one: a window of size k fits n - k + 1 times along an axis of "
                    "length n; check the range of your loops)")
        raise AssertionError(f"{what}: expected shape {expected.shape}, got shape {got.shape}{hint}\n"
                             f"expected:\n{expected}\ngot:\n{got}")
    if got.dtype.kind != "f":
        raise AssertionError(f"{what}: expected a float array, got dtype {got.dtype} "
                             "(convert the inputs with np.asarray(..., dtype=float))")
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got - expected)), got.shape))
        raise AssertionError(f"{what}: values differ, worst at {worst}: expected "
                             f"{expected[worst]:.6g}, got {got[worst]:.6g}\n"
                             f"expected:\n{expected}\ngot:\n{got}")


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


# %% [markdown]
# ## 1. A kernel sliding along a line
#
# Start in one dimension. The input is a row of $n$ numbers $x_0, \dots, x_{n-1}$ and the
# kernel a row of $k$ weights $w_0, \dots, w_{k-1}$. Lay the kernel over $k$ neighbouring
# inputs, multiply the numbers that lie on top of each other, add the products up: that is one
# output. Then move the kernel one step to the right and do it again.
#
# How many placements are there? In the first one the kernel covers inputs $0 \dots k-1$. In
# the last one it covers $n-k \dots n-1$: one more step would push it past the end. So the
# kernel can *start* at positions $0, 1, \dots, n-k$, and that is
#
# $$O = n - k + 1$$
#
# placements. This plain setting, with no padding and steps of one, is called **valid** mode:
# the kernel only visits positions where it fits entirely inside the input.
#
# The picture below draws every placement for $n = 7$, $k = 3$: the input on top, one row per
# placement, with the three input cells the kernel covers highlighted. Count the rows:
# $7 - 3 + 1 = 5$.

# %% tags=["autograder:skip"]
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

# %% [markdown]
# ### The same in two dimensions
#
# An image has a height and a width, and a 2D kernel slides along both. The two directions do
# not influence each other: along the rows there are $H - K_H + 1$ placements, along the
# columns $W - K_W + 1$, and every combination of a row placement and a column placement is one
# output pixel. A $28 \times 28$ image (an MNIST digit, say) correlated with a $3 \times 3$
# kernel therefore gives
#
# $$(28 - 3 + 1) \times (28 - 3 + 1) = 26 \times 26.$$
#
# Two quick sanity checks you can do in your head: a kernel of size 1 gives an output as large
# as the input ($n - 1 + 1 = n$), and a kernel as large as the input fits exactly once
# ($n - n + 1 = 1$).

# %% [markdown]
# ## 2. Padding: keep the borders
#
# In valid mode every layer shrinks the image a little, and the pixels at the border take part
# in fewer placements than those in the middle. **Padding** adds $p$ zeros at *each* end of
# the axis before sliding. The padded input is $n + 2p$ long, and the count from section 1
# becomes
#
# $$O = n + 2p - k + 1.$$
#
# A common choice for an odd kernel size is $p = (k-1)/2$, for example $p = 1$ for $k = 3$: then
# $O = n$, the output is as big as the input ("same" padding). Below, the grey cells are the
# padding zeros: $n = 5$, $k = 3$, $p = 1$ gives $5 + 2 - 3 + 1 = 5$ outputs.

# %% tags=["autograder:skip"]
draw_positions(n=5, k=3, padding=1)

# %% [markdown]
# ## 3. Stride: take bigger steps
#
# With **stride** $s$ the kernel jumps $s$ cells at a time, so it starts at positions
# $0, s, 2s, \dots$ as long as it still fits. The last admissible start is $n + 2p - k$ (from
# section 2). Counting the starts $0, s, 2s, \dots$ up to that point gives
#
# $$O = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1.$$
#
# (The $+1$ counts the start at 0; the fraction counts the whole steps of size $s$ after it.)
# The floor $\lfloor\cdot\rfloor$ (round down) is there because a last step that would run
# past the end is simply not taken. The picture shows $n = 8$, $k = 3$, $s = 2$: the kernel
# starts at 0, 2, 4; a fourth placement would start at 6 and need cells 6, 7, 8, but there is
# no cell 8. So $x_7$ (red) is never read, and $O = \lfloor 5/2 \rfloor + 1 = 3$. Stride 2
# roughly halves the size, which is how CNNs shrink images cheaply.

# %% tags=["autograder:skip"]
draw_positions(n=8, k=3, stride=2)

# %% [markdown]
# ## 4. Dilation: spread the kernel out
#
# A **dilated** kernel leaves gaps between its taps: with dilation $d$ the taps sit $d$ cells
# apart, so $k$ taps reach across $d(k-1) + 1$ input cells. This lets a small kernel see a
# wide neighbourhood without more weights. Dilation $d = 1$ is the ordinary, gap-free kernel.
#
# For counting placements only the reach matters, so replace $k$ in the stride formula by
# $d(k-1) + 1$ and you get the **general formula** used by every deep-learning framework:
#
# $$O = \left\lfloor \frac{n + 2p - d\,(k-1) - 1}{s} \right\rfloor + 1.$$
#
# Check that it falls back to the earlier ones: with $p = 0$, $s = 1$, $d = 1$ it is
# $n - k + 1$. Picture: $n = 7$, $k = 3$, $d = 2$: the kernel reaches across 5 cells and fits
# $7 - 5 + 1 = 3$ times.

# %% tags=["autograder:skip"]
draw_positions(n=7, k=3, dilation=2)


# %% [markdown]
# ## 5. Your turn: `conv_output_length`
#
# Write `conv_output_length(n, k, padding=0, stride=1, dilation=1)` that returns the output
# length $O$ of the general formula as a Python `int`.
#
# - All arguments are integers. Use integer floor division `//` for the floor: it is exact,
#   whereas `math.floor(a / b)` goes through a float.
# - Some arguments make no sense. Raise a `ValueError` with a message that says what is wrong
#   if $n < 1$, $k < 1$, $s < 1$, $d < 1$ or $p < 0$, and also when the (dilated) kernel does
#   not fit into the padded input at all, which is exactly when the formula gives $O < 1$.

# %% nbgrader={"grade": false, "grade_id": "conv_output_length", "locked": false, "schema_version": 3, "solution": true}
def conv_output_length(n, k, padding=0, stride=1, dilation=1):
    """Number of outputs along one axis of a convolution.

    n: input length, k: kernel length, padding: zeros added at EACH end,
    stride: step between placements, dilation: spacing between kernel taps.
    Returns floor((n + 2*padding - dilation*(k-1) - 1) / stride) + 1 as an int.
    Raises ValueError if n, k, stride or dilation < 1, padding < 0, or the kernel does not fit.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv_output_length here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_output_length", "locked": true, "schema_version": 3, "solution": false}
# Valid mode: O = n - k + 1 (the lecture's 28 with a 3-wide kernel gives 26).
for args, expected in [((28, 3), 26), ((7, 3), 5), ((5, 1), 5), ((5, 5), 1)]:
    got = conv_output_length(*args)
    assert got == expected, f"conv_output_length{args}: expected {expected} (n - k + 1), got {got!r}"
got = conv_output_length(28, 3)
assert isinstance(got, int), (f"expected a Python int, got {type(got).__name__} {got!r}"
                              + ("\nlikely mistake: / gives a float; use // (floor division)"
                                 if isinstance(got, float) else ""))

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
    hint = ""
    if isinstance(got, float):
        hint = ("\nlikely mistake: / gives a float; the number of kernel positions is whole, so use "
                "// (floor division)")
    elif got == expected - 1:
        hint = "\nlikely mistake: the + 1 at the end is missing (the first position counts too)"
    assert got == expected, f"conv_output_length({kwargs}): expected {expected} ({why}), got {got!r}{hint}"

# Arguments that make no sense raise ValueError.
assert_raises(ValueError, conv_output_length, 5, 0)                # empty kernel
assert_raises(ValueError, conv_output_length, 5, 3, stride=0)      # no step at all
assert_raises(ValueError, conv_output_length, 5, 3, padding=-1)    # negative padding
assert_raises(ValueError, conv_output_length, 5, 3, dilation=0)
assert_raises(ValueError, conv_output_length, 3, 5)                # kernel longer than input
assert_raises(ValueError, conv_output_length, 5, 3, dilation=3)    # reaches across 7 > 5 cells
print("conv_output_length: all visible tests passed")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Every axis at once: `conv_output_shape`
#
# Real data has several spatial axes: height and width for images, depth, height and width for
# volumes. Because the axes are independent, the output shape is the general formula applied
# to each axis on its own. Frameworks let you give padding, stride and dilation either as one
# integer used for every axis or as a tuple with one entry per axis, for example
# `stride=(1, 2)` to step 1 row down but 2 columns across.
#
# Write `conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1)`:
#
# - `input_shape` and `kernel_shape` are tuples of the same length, e.g. `(28, 28)` and `(3, 3)`;
# - `padding`, `stride`, `dilation` are each an `int` or a tuple with one entry per axis;
# - return a tuple of ints, e.g. `(26, 26)`;
# - raise `ValueError` if `kernel_shape` (or a padding/stride/dilation tuple) has a different
#   number of entries than `input_shape`, and for everything `conv_output_length` refuses.
#
# Reuse your `conv_output_length`: that is exactly what it is for.

# %% nbgrader={"grade": false, "grade_id": "conv_output_shape", "locked": false, "schema_version": 3, "solution": true}
def conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    """Output size along every spatial axis.

    input_shape: (H, W, ...) and kernel_shape: (KH, KW, ...), same length.
    padding, stride, dilation: an int for every axis, or a tuple with one entry per axis.
    Returns a tuple of ints, e.g. ((28, 28), (3, 3)) -> (26, 26).
    Raises ValueError on a rank mismatch or anything conv_output_length refuses.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv_output_shape here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_output_shape", "locked": true, "schema_version": 3, "solution": false}
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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 7. Try it: the shapes inside a small network
#
# Here is a small CNN for $28 \times 28$ digit images, written as a list of layers. The cell uses
# *your* `conv_output_shape` to follow the image size through the network: it prints each
# layer's output shape, and draws a bar per layer for the number of pixels it passes on,
# $H \times W$ (each of them is one placement of the kernel, so the bar is also the work the
# layer does per kernel).
#
# What to read from the bars that the table does not say at a glance: a stride of 2 halves
# both sides, so it keeps only a **quarter** of the pixels (784 → 196 → 49); "same" padding,
# with or without dilation, keeps them all; and a valid $5 \times 5$ kernel always takes 4 rows
# and 4 columns away, which costs a $28 \times 28$ image a quarter of its pixels but the
# $7 \times 7$ image at the end more than four fifths (49 → 9). Change the layers and see how
# the bars change (try a stride of 3, or a $5 \times 5$ kernel without padding first).

# %% tags=["autograder:skip"]
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
    pixels = [int(np.prod(shape)) for shape in shapes]
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.bar(range(len(pixels)), pixels, color=["0.75"] + ["#6fa8dc"] * len(layers), edgecolor="black")
    for i, (count, shape) in enumerate(zip(pixels, shapes)):
        label = f"{'x'.join(map(str, shape))} = {count}"
        if i > 0:                                # the share of the previous layer's pixels kept
            label += f"\n{count / pixels[i - 1]:.0%} of before"
        ax.text(i, count + 0.02 * max(pixels), label, ha="center", va="bottom", fontsize=8)
    names = ["input"] + [f"{i + 1}: {layer[0]}".replace(", ", ",\n") for i, layer in enumerate(layers)]
    ax.set_xticks(range(len(pixels)), names, fontsize=8)
    ax.set_ylim(0, 1.3 * max(pixels))
    ax.set_ylabel("output pixels (H x W)")
    ax.set_title("how many pixels each layer passes on", fontsize=10)
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## Summary
#
# - Valid mode: $O = n - k + 1$ per axis, e.g. $28 \times 28$ with $3 \times 3$ gives $26 \times 26$.
# - Padding $p$ adds $2p$ cells, stride $s$ keeps every $s$-th placement (rounding down), and
#   dilation $d$ makes a $k$-tap kernel reach across $d(k-1)+1$ cells:
#   $O = \lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1$.
# - Every spatial axis is counted on its own.
#
# Next, in assignment 2, you compute the numbers that fill these outputs.
