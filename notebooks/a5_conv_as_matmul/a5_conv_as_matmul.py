# %% [markdown]
# # Assignment 5 · Convolution as a matrix product, and learning a kernel
#
# In assignments 2 to 4 you computed convolutions window by window. Real libraries rarely do:
# they rearrange the work so that it becomes **one big matrix product**, the operation that
# every CPU and GPU library has optimized to the last cycle. This assignment shows the trick
# from two sides, and then lets gradient descent *find* a kernel for you.
#
# | function | shapes |
# |---|---|
# | `im2col(x, kh, kw, stride=1, padding=0)` | `(N, C, H, W)` → `(N, OH*OW, C*KH*KW)`: every window as one row |
# | `conv2d_matmul(x, w, b, stride=1, padding=0)` | `(N, C, H, W)`, `(F, C, KH, KW)`, `(F,)` → `(N, F, OH, OW)`: the layer as one product |
# | `conv_matrix(w, input_shape)` | `(KH, KW)`, `(H, W)` → `(OH*OW, H*W)`: the correlation as a matrix |
#
# Letters as in assignment 3: **N** images, **C** input channels, **F** kernels, **H, W** input
# height and width, **KH, KW** kernel height and width, **OH, OW** output height and width.
# Stride and padding are ints. Inputs may be Python lists or NumPy arrays of ints or floats;
# always return `float64` NumPy arrays.

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
# The next cell gives you plain versions of `corr2d` (assignment 2) and `conv2d_forward`
# (assignment 3), so the tests can compare your matrix versions with them, and a checking helper
# that recognizes a few typical mistakes. Run it.

# %% nbgrader={"grade": false, "grade_id": "given", "locked": true, "schema_version": 3, "solution": false}
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
    """assert_close, but first: if `got` is exactly what a known mistake gives, say which one
    (all of them, when several mistakes give the same numbers on this input).

    known_mistakes: pairs (what the mistaken code returns, what the mistake is).
    """
    expected = np.asarray(expected, dtype=float)
    named = []
    for wrong, mistake in known_mistakes:
        wrong = np.asarray(wrong, dtype=float)
        if (isinstance(got, np.ndarray) and got.shape == wrong.shape and np.allclose(got, wrong)
                and not (wrong.shape == expected.shape and np.allclose(wrong, expected))
                and mistake not in named):
            named.append(mistake)
    if len(named) == 1:
        raise AssertionError(f"{what}: {named[0]}\nexpected:\n{expected}\ngot:\n{got}")
    if named:
        raise AssertionError(f"{what}: one of these mistakes (they give the same numbers here):\n- "
                             + "\n- ".join(named) + f"\nexpected:\n{expected}\ngot:\n{got}")
    assert_close(got, expected, what)


# %% [markdown]
# ## 1. Windows become rows: `im2col`
#
# Look at what a convolution layer computes for one output pixel $(i, j)$ of image $n$: it cuts
# the window $x_{\text{pad}}[n, :, i s : i s + K_H, j s : j s + K_W]$ out of the padded input
# (all $C$ channels), multiplies it element by element with a kernel of the same shape
# $(C, K_H, K_W)$ and adds everything up. "Multiply element by element and add up" is a
# **dot product**, once both blocks are flattened into vectors of length $C K_H K_W$.
#
# So flatten every window into a row and stack the rows in a matrix, the **im2col** matrix
# ("image to columns"; the name comes from libraries that store the windows as columns, we use
# rows):
#
# - one row per output pixel: row $r = i \cdot O_W + j$, that is output row by output row,
#   left to right (the order in which `reshape` reads an $(O_H, O_W)$ array);
# - one column per number in a window, flattened in $(C, K_H, K_W)$ order: all of channel 0
#   first (its first kernel row, then its second ...), then channel 1. That is the order in
#   which `w.reshape(F, -1)` flattens a kernel, so column $k$ of the matrix and entry $k$ of
#   a flattened kernel always meet the same weight.
#
# Numbers that say where they came from make this easy to see: in the picture, the input value
# at channel $c$, row $r$, column $q$ is $100c + 10r + q$. Each coloured window on the left
# becomes the row with the same colour on the right. Notice how the same input value turns up
# in several rows: windows overlap, and im2col copies every value once per window that reads it.

# %% tags=["autograder:skip"]
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

# %% [markdown]
# With **stride** $s$ the window of output pixel $(i, j)$ starts at $(i s, j s)$, so fewer,
# further apart windows become rows; with **padding** $p$ you first add $p$ rows and columns of
# zeros on *every* side, as in assignment 3. The number of rows is $O_H O_W$ with
# $O_H = \lfloor (H + 2p - K_H)/s \rfloor + 1$ (assignment 1), the same for $O_W$.
# Below: one channel, $K = 3$, stride 2: four windows, four rows.

# %% tags=["autograder:skip"]
draw_im2col(C=1, H=5, W=5, K=3, stride=2, show=(0, 1, 2, 3))


# %% [markdown]
# ### Your turn: `im2col`
#
# Write `im2col(x, kh, kw, stride=1, padding=0)` for a batch `x` of shape $(N, C, H, W)$,
# returning an array of shape $(N, O_H O_W, C K_H K_W)$: `cols[n, i*OW + j]` is the window of
# image $n$ at $(i s, j s)$ of the padded input, flattened with `.ravel()` (or `.reshape(-1)`),
# which gives exactly the $(C, K_H, K_W)$ order.
#
# A loop over the output pixels $(i, j)$ that fills one row per window (for all $N$ images at
# once: `xpad[:, :, rows, cols].reshape(N, -1)`) is a fine solution. If you want it without
# loops: `np.lib.stride_tricks.sliding_window_view` gives every window at once, and the stride
# is a slice `[::s]` of its window positions; then move the axes into the order
# (N, OH, OW, C, KH, KW) and reshape.
#
# Raise a `ValueError` if `x` is not 4D, or if the kernel does not fit into the padded input.

# %% nbgrader={"grade": false, "grade_id": "im2col", "locked": false, "schema_version": 3, "solution": true}
def im2col(x, kh, kw, stride=1, padding=0):
    """Every window of the layer's input as one row of a matrix.

    x: (N, C, H, W); kh, kw: kernel height and width; stride, padding: ints.
    Returns cols: (N, OH*OW, C*KH*KW) float64, OH = (H + 2*padding - kh) // stride + 1 (same
    for OW), each row one window:
    cols[n, i*OW + j] = xpad[n, :, i*stride : i*stride+kh, j*stride : j*stride+kw].ravel().
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write im2col here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_im2col", "locked": true, "schema_version": 3, "solution": false}
# The lecture's 3x3 input with a 2x2 kernel: four windows, four rows.
x = np.arange(9).reshape(1, 1, 3, 3)
assert_close(im2col(x, 2, 2), [[[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]]],
             "im2col(arange(9) as (1, 1, 3, 3), 2, 2)",
             mistakes={((0, 1, 3, 4), (1, 2, 4, 5), (3, 4, 6, 7), (4, 5, 7, 8)):
                       "the images are stacked into the rows, (N*OH*OW, C*KH*KW): im2col keeps the "
                       "batch axis first, (N, OH*OW, C*KH*KW)",
                       (((0, 3, 1, 4), (1, 4, 2, 5), (3, 6, 4, 7), (4, 7, 5, 8)),):
                       "wrong column order: each window is flattened column by column (KW before KH). "
                       "Flatten each window in (C, KH, KW) order, as w.reshape(F, -1) flattens a kernel: "
                       "window.ravel() of xpad[n, :, rows, cols] does that",
                       (((0, 1, 3, 4), (3, 4, 6, 7), (1, 2, 4, 5), (4, 5, 7, 8)),):
                       "the rows are in the wrong order: row r = i*OW + j, so the window one step to the "
                       "RIGHT comes next (the output is read row by row)"})

# Values that say where they come from: 100 * channel + 10 * row + column; N=1, C=2, H=3, W=4.
c, r, q = np.meshgrid(range(2), range(3), range(4), indexing="ij")
x = (100 * c + 10 * r + q)[None]
got = im2col(x, 2, 3)
if np.shape(got) == (1, 3, 12):
    raise AssertionError("im2col(x (1, 2, 3, 4), 2, 3): expected shape (1, 4, 12), got (1, 3, 12), the "
                         "shape for a 3x2 kernel: kh and kw swapped. The window is kh rows tall and kw "
                         "columns wide, xpad[n, :, i*s : i*s + kh, j*s : j*s + kw]")
assert isinstance(got, np.ndarray) and got.shape == (1, 4, 12), (
    f"im2col of x (1, 2, 3, 4) with a 2x3 kernel: expected shape (1, 4, 12) = (N, OH*OW, C*KH*KW), "
    f"got {np.shape(got)}")
first = np.array([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112])     # window at (0, 0)
expected = np.stack([first, first + 1, first + 10, first + 11])[None]     # (0, 0), (0, 1), (1, 0), (1, 1)
windows = expected.reshape(1, 4, 2, 2, 3)                                 # axes (N, row, C, KH, KW)
assert_matches(got, expected, "im2col(x, 2, 3) with x[0, c, r, q] = 100c + 10r + q", [
    (windows.transpose(0, 1, 3, 4, 2).reshape(1, 4, 12),
     "wrong column order: the columns are in (KH, KW, C) order, channel last. Flatten each "
     "window in (C, KH, KW) order, as w.reshape(F, -1) flattens a kernel: window.ravel() of "
     "xpad[n, :, rows, cols] does that."),
    (windows.transpose(0, 1, 3, 2, 4).reshape(1, 4, 12),
     "wrong column order: the columns are in (KH, C, KW) order. Flatten each window in (C, KH, KW) "
     "order, as w.reshape(F, -1) flattens a kernel: window.ravel() of xpad[n, :, rows, cols] does that."),
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
if np.shape(got) == (1, 2, 9):
    raise AssertionError("im2col(x (1, 1, 3, 4), 3, 3, padding=1): got shape (1, 2, 9), the shape "
                         "without padding, expected (1, 12, 9): padding ignored. Pad the two spatial "
                         "axes of x with zeros first: np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))")
if np.shape(got) == (1, 6, 9):
    raise AssertionError("im2col(x (1, 1, 3, 4), 3, 3, padding=1): got shape (1, 6, 9), expected "
                         "(1, 12, 9): padding applied once (on one side only, or only along one "
                         "axis)? pad both spatial axes on BOTH sides: "
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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 2. The whole layer as one matrix product: `conv2d_matmul`
#
# Flatten the $F$ kernels the same way: `w.reshape(F, -1)` is an $F \times C K_H K_W$ matrix
# whose row $f$ is kernel $f$. Every output value is a dot product of one im2col row with one
# kernel row, so all of them together are a matrix product:
#
# $$\underbrace{\text{cols}}_{(N,\; O_H O_W,\; C K_H K_W)} \;@\;
# \underbrace{\text{w.reshape}(F, -1)^{T}}_{(C K_H K_W,\; F)} \;+\; b
# \;=\; \underbrace{\text{out}}_{(N,\; O_H O_W,\; F)}$$
#
# (`@` multiplies the last two axes and repeats over the batch axis; `b` of shape $(F,)$ is added
# to every row.) One row per output pixel, one column per kernel: to get the layer's
# $(N, F, O_H, O_W)$, first move the kernel axis forward, `out.transpose(0, 2, 1)`, *then*
# reshape to $(N, F, O_H, O_W)$. Reshaping straight away would not fail, but it would pour the
# numbers into the wrong places: a reshape never moves data between axes, it only re-reads it
# in order.
#
# Why bother? The product does exactly the same multiplications as the loops of assignment 3,
# but a matrix-multiplication routine does them in cache-friendly blocks, on all cores, with
# vector instructions. The price is memory: every input value is copied once per window that
# reads it, about $K_H K_W$ times for stride 1.

# %% tags=["autograder:skip"]
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


# %% [markdown]
# ### Your turn: `conv2d_matmul`
#
# Write `conv2d_matmul(x, w, b, stride=1, padding=0)`: the layer of assignment 3 as one matrix
# product. Use your `im2col` (it is defined in the notebook once you have run its cell), then
# `@`, `+ b`, `transpose` and `reshape`: no loops. The result must equal the given
# `conv2d_forward(x, w, b, stride, padding)`.
#
# A tip for speed: `cols.reshape(N * OH * OW, -1)` stacks the images into the rows too, so the
# whole batch is a single 2D product (NumPy hands it to the BLAS library in one call, which is
# often several times faster than a batched 3D `@`); reshape the result to $(N, O_H, O_W, F)$
# and move the kernel axis to position 1.
#
# Raise a `ValueError` if `x` or `w` is not 4D, if their channel counts differ, or if the kernel
# does not fit into the padded input.

# %% nbgrader={"grade": false, "grade_id": "conv2d_matmul", "locked": false, "schema_version": 3, "solution": true}
def conv2d_matmul(x, w, b, stride=1, padding=0):
    """The convolution layer as one matrix product: im2col(x) @ w.reshape(F, -1).T + b.

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,); stride, padding: ints.
    Returns out: (N, F, OH, OW) float64, equal to conv2d_forward(x, w, b, stride, padding).
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv2d_matmul here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv2d_matmul", "locked": true, "schema_version": 3, "solution": false}
def known_mistakes(x, w, b, stride, padding):
    """What conv2d_matmul with a typical mistake returns for these arguments, and the mistake (the
    given conv2d_forward on a changed input, or the right answer rearranged)."""
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, C, KH, KW = w.shape
    expected = conv2d_forward(x, w, b, stride, padding)
    OH, OW = expected.shape[2:]
    once = "padding applied once, only {}: pad by `padding` on BOTH sides of both spatial axes"
    return [
        (conv2d_forward(x, w, 0 * b, stride, padding), "the bias is missing: + b (b has one entry per kernel)."),
        (expected.transpose(0, 2, 3, 1).reshape(expected.shape), "reshaped without transposing: the product is "
         "(N, OH*OW, F), one COLUMN per kernel; transpose it to (N, F, OH*OW) before reshaping to (N, F, OH, OW)."),
        (conv2d_forward(x, w.reshape(F, KH, KW, C).transpose(0, 3, 1, 2), b, stride, padding),
         "im2col's columns and the flattened kernels do not line up: the im2col rows must be in (C, KH, KW) order, "
         "the order of w.reshape(F, -1)."),
        (conv2d_forward(x, w, b, 1, padding)[:, :, :OH, :OW], "the stride is used for the output size but not "
         "when cutting the windows: the window of output pixel (i, j) starts at (i*stride, j*stride)."),
        (conv2d_forward(x, w, b, stride, 0), "the padding is ignored: pad the two spatial axes of x with zeros "
         "first (pass padding on to im2col)."),
        (conv2d_forward(np.pad(x, [(0, 0), (0, 0), (padding, 0), (padding, 0)]), w, b, stride, 0),
         once.format("above and to the left")),
        (conv2d_forward(np.pad(x, [(0, 0), (0, 0), (0, padding), (0, padding)]), w, b, stride, 0),
         once.format("below and to the right")),
        (conv2d_forward(x, w[:, :, ::-1, ::-1], b, stride, padding), "the kernel is flipped. A CNN's convolution "
         "layer is a cross-correlation: w.reshape(F, -1) flattens each kernel as it is."),
        (conv2d_forward(x, w[:, :, ::-1], b, stride, padding), "the kernel is flipped along axis 2 (rows) only; "
         "w.reshape(F, -1) flattens each kernel as it is."),
        (conv2d_forward(x, w[:, :, :, ::-1], b, stride, padding), "the kernel is flipped along axis 3 (columns) "
         "only; w.reshape(F, -1) flattens each kernel as it is."),
        (conv2d_forward(np.swapaxes(x, 2, 3), w, b, stride, padding), "the input is transposed (rows and "
         "columns swapped): x is used as if it were np.swapaxes(x, 2, 3)."),
        (conv2d_forward(x, np.swapaxes(w, 2, 3), b, stride, padding), "the kernel is transposed (rows and "
         "columns swapped): w is used as if it were np.swapaxes(w, 2, 3)."),
        (np.swapaxes(expected, 2, 3), "the output is transposed (rows and columns swapped): reshape to "
         "(N, F, OH, OW), OH rows of OW pixels, in that order."),
    ]


# The lecture's example: [[19, 25], [37, 43]], plus a bias of 0.5.
x, w, b = np.arange(9).reshape(1, 1, 3, 3), [[[[0, 1], [2, 3]]]], [0.5]
assert_matches(conv2d_matmul(x, w, b), [[[[19.5, 25.5], [37.5, 43.5]]]], "the lecture's example with bias 0.5",
               known_mistakes(x, w, b, 1, 0))

# Random layers (N=2, C=3, F=4, a 3x2 kernel) with stride and padding: equal to conv2d_forward.
rng = np.random.default_rng(1)
for stride, padding in [(1, 0), (1, 2), (2, 1), (3, 0)]:
    x, w, b = rng.normal(size=(2, 3, 7, 8)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    expected = conv2d_forward(x, w, b, stride, padding)
    got = conv2d_matmul(x, w, b, stride=stride, padding=padding)
    what = f"conv2d_matmul(x (2, 3, 7, 8), w (4, 3, 3, 2), b, stride={stride}, padding={padding})"
    if np.shape(got) == conv2d_forward(x, w, b, 1, padding).shape != expected.shape:
        raise AssertionError(f"{what}: got shape {np.shape(got)}, the shape for stride 1: stride ignored")
    assert_matches(got, expected, what, known_mistakes(x, w, b, stride, padding))

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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# How much faster is the product? The next cell times the given loop version (assignment 3's
# `conv2d_forward`) against your `conv2d_matmul` on a small layer. Both compute the same
# numbers; compare the times, then try larger images.

# %% tags=["autograder:skip"]
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


# %% [markdown]
# ## 3. The other way round: a convolution is a matrix
#
# im2col turned the *input* into a matrix. You can also turn the *kernel* into one. A valid 2D
# correlation is linear in $x$: double the input and the output doubles, add two inputs and the
# outputs add. Every linear map is a matrix, so there is a matrix $M$ with
#
# $$M \; \text{x.ravel()} = \text{corr2d}(x, w)\text{.ravel()}, \qquad
# M \text{ of shape } (O_H O_W,\; H W).$$
#
# Row $r = i \cdot O_W + j$ of $M$ computes output pixel $(i, j)$, the sum of
# $w[p, q]\, x[i + p, j + q]$. In the flattened input, pixel $(i + p, j + q)$ sits at position
# $(i + p) W + (j + q)$, so row $r$ holds $w[p, q]$ in column $(i + p) W + (j + q)$ for every
# kernel position $(p, q)$, and zeros everywhere else. For the lecture's example
# ($3 \times 3$ input, kernel $\begin{bmatrix} 0&1\\2&3 \end{bmatrix}$):
#
# $$M = \begin{bmatrix}
# 0&1&0&2&3&0&0&0&0\\
# 0&0&1&0&2&3&0&0&0\\
# 0&0&0&0&1&0&2&3&0\\
# 0&0&0&0&0&1&0&2&3
# \end{bmatrix}, \qquad M \begin{bmatrix}0\\1\\ \vdots\\8\end{bmatrix} =
# \begin{bmatrix}19\\25\\37\\43\end{bmatrix}.$$
#
# Each row is the previous one shifted right by one column, except where the window jumps to
# the next row of the image: there it shifts by $K_W$ (here 2).
#
# ### Your turn: `conv_matrix`
#
# Write `conv_matrix(w, input_shape)` for a 2D kernel `w` of shape $(K_H, K_W)$ and
# `input_shape` $= (H, W)$. Start from `np.zeros((OH * OW, H * W))` and place the kernel in
# every row. A loop over the output pixels with `M[r].reshape(H, W)[i:i+KH, j:j+KW] = w`
# works (reshape gives a view: writing into it writes into `M`); a loop over the $K_H K_W$
# kernel positions, or NumPy's fancy indexing, works too.
#
# Raise a `ValueError` if `w` is not 2D or if the kernel is larger than the input.

# %% nbgrader={"grade": false, "grade_id": "conv_matrix", "locked": false, "schema_version": 3, "solution": true}
def conv_matrix(w, input_shape):
    """The matrix M of a valid 2D cross-correlation: M @ x.ravel() == corr2d(x, w).ravel().

    w: (KH, KW) kernel; input_shape: (H, W) with KH <= H, KW <= W.
    Returns M: (OH*OW, H*W) float64 with OH = H - KH + 1, OW = W - KW + 1; row i*OW + j holds
    w[p, q] in column (i + p)*W + (j + q), zeros elsewhere.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv_matrix here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_matrix", "locked": true, "schema_version": 3, "solution": false}
w = np.array([[0, 1], [2, 3]])
M = conv_matrix(w, (3, 3))
assert isinstance(M, np.ndarray), f"expected a numpy array, got {type(M).__name__}"
if M.shape == (9, 4):
    raise AssertionError("conv_matrix([[0, 1], [2, 3]], (3, 3)): expected shape (4, 9), got (9, 4): "
                         "M is transposed. It has one ROW per output pixel and one column per input "
                         "pixel: (OH*OW, H*W)")
flipped = ("the kernel is flipped: row i*OW + j holds w[p, q] in column (i + p)*W + (j + q); "
           "correlation slides w as it is.")
flipped_along = "the kernel is flipped along axis {} only: row i*OW + j holds w[p, q] in column (i + p)*W + (j + q)."
rows_order = ("the rows are in the wrong order: row r = i*OW + j is output pixel (i, j), row by row (the order "
              "of .ravel()).")
columns_order = ("the columns follow the input flattened column by column: column (i + p)*W + (j + q) is input "
                 "pixel (i + p, j + q), row by row (the order of x.ravel()).")


def known_mistakes(x, w):
    """What M @ x.ravel() gives for a conv_matrix with a typical mistake, and the mistake."""
    H, W = x.shape
    return [(corr2d(x, w[::-1, ::-1]).ravel(), flipped),
            (corr2d(x, w[::-1]).ravel(), flipped_along.format("0 (rows)")),
            (corr2d(x, w[:, ::-1]).ravel(), flipped_along.format("1 (columns)")),
            (corr2d(x, w).T.ravel(), rows_order),
            (corr2d(x.ravel().reshape(W, H).T, w).ravel(), columns_order)]


assert_matches(M @ np.arange(9), [19, 25, 37, 43], "M @ x.ravel() for the lecture's example",
               known_mistakes(np.arange(9).reshape(3, 3), w))
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
    assert_matches(M @ x.ravel(), corr2d(x, w).ravel(), f"{what} @ x.ravel() vs corr2d(x, w).ravel()",
                   known_mistakes(x, w))
assert_close(conv_matrix([[2.5]], (2, 3)), 2.5 * np.eye(6), "a 1x1 kernel: 2.5 times the identity")
assert conv_matrix(np.ones((2, 2), dtype=int), [3, 3]).dtype == np.float64, "expected float64 for an int kernel"

assert_raises(ValueError, conv_matrix, np.ones((2, 2, 2)), (5, 5))    # w is not 2D
assert_raises(ValueError, conv_matrix, np.ones((2, 6)), (5, 5))       # the kernel is wider than the input
print("conv_matrix: all visible tests passed")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ### What the matrix shows: weight sharing and sparsity
#
# Here is $M$ as an image for a $3 \times 3$ kernel with the weights 1 to 9 on a
# $5 \times 6$ input (white = 0), and, on the right, where the nonzeros of $M$ are for the
# lecture's $28 \times 28$ image and a $3 \times 3$ kernel.
#
# Before you run the cell, count with pencil and paper for the $28 \times 28$ case
# ($26 \times 26$ outputs):
#
# 1. How many entries does $M$ have?
# 2. How many of them are nonzero, and how many **different** nonzero numbers are there?
# 3. How many zeros?
# 4. A *fully connected* layer from the same $28 \times 28$ input to the same $26 \times 26$
#    output is also a matrix of that shape, but every entry is its own weight. How many
#    weights does it learn, and how many does the convolution learn?
#
# The cell prints the counts from your `conv_matrix`, next to the formulas.

# %% tags=["autograder:skip"]
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


# %% [markdown]
# Two ideas make a convolution layer cheap, and $M$ shows both:
#
# - **Weight sharing.** Every row of $M$ holds the *same* $K_H K_W$ weights, shifted: the layer
#   applies one small pattern detector at every position, so it has 9 numbers to learn instead
#   of $676 \cdot 784 = 529{,}984$. An edge is an edge wherever it appears in the image.
# - **Sparsity (local connections).** Each output pixel depends on only $K_H K_W$ input pixels,
#   its window: more than 98 % of $M$ is zeros. A fully connected layer would connect every
#   output to every input pixel.
#
# That is also why nobody computes a convolution by building $M$: it would store and multiply
# half a million numbers, almost all of them zero. im2col stores only the windows.

# %% [markdown]
# ## 4. Learning a kernel by gradient descent
#
# So far the kernels were given. In a CNN they are **learned**. Here is the smallest possible
# version of that: we make a target image with a known kernel, a Sobel kernel that finds
# vertical edges, and ask gradient descent to find a kernel that reproduces the target, starting
# from random numbers.
#
# - **Data.** A grey photo $x$ (scaled to mean 0 and standard deviation 1) and the target
#   $t = \text{corr2d}(x, w_{\text{true}})$ with $w_{\text{true}}$ the Sobel kernel.
# - **Model and loss.** $y = \text{corr2d}(x, w)$ and the mean squared error
#   $L = \frac{1}{M} \sum (y - t)^2$ over the $M$ output pixels.
# - **Gradient.** $dy = \partial L / \partial y = \frac{2}{M}(y - t)$, and from assignment 4,
#   $dw = \text{corr2d}(x, dy)$: the kernel's gradient is again a correlation.
# - **Step.** $w \leftarrow w - \eta\, dw$ with a learning rate $\eta$, a few hundred times.
#
# Because $y$ is linear in $w$, the loss is a bowl-shaped quadratic in the 9 weights with a
# single lowest point, $w_{\text{true}}$, and gradient descent slides down to it. The cell below
# gives the backward pass of `corr2d` (assignment 4, written with one slice per kernel weight
# like the given `corr2d`); the next one trains. Nothing here uses your functions.

# %% nbgrader={"grade": false, "grade_id": "given_backward", "locked": true, "schema_version": 3, "solution": false}
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


# %% tags=["autograder:skip"]
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

# %% [markdown]
# Things to try: a larger learning rate (0.2: the steps overshoot and the loss explodes), a
# smaller one (0.01: slow), another start (all zeros), or another target kernel: the
# horizontal edges `w_true.T`, or a blur `np.full((3, 3), 1 / 9)`. A real network does
# the same with many kernels and layers at once, and with a loss that compares its final output
# with labels instead of a target image; the gradients come from the backward passes of
# assignment 4.
#
# ## Summary
#
# - **im2col** cuts every window out and lays it down as a row, flattened in $(C, K_H, K_W)$
#   order: $(N, C, H, W) \to (N, O_H O_W, C K_H K_W)$.
# - The layer is then **one matrix product** with the flattened kernels,
#   `im2col(x) @ w.reshape(F, -1).T + b`, transposed and reshaped to $(N, F, O_H, O_W)$: the same
#   numbers as the loops, much faster, at the cost of copying the input about $K_H K_W$ times.
# - Seen from the other side, a correlation is a matrix $M$ of shape $(O_H O_W, H W)$ with
#   only $K_H K_W$ different nonzero numbers (**weight sharing**) and mostly zeros
#   (**sparsity**): that is what a convolution layer saves over a fully connected one.
# - Gradient descent with the backward pass of assignment 4 learns a kernel from examples.
