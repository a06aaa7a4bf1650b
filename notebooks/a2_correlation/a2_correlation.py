# %% [markdown]
# # Assignment 2 · Cross-correlation and true convolution in 1D, 2D and 3D
#
# In assignment 1 you counted the outputs of a convolution. Now you compute them. You will
# meet two operations that look almost the same, **cross-correlation** and **convolution**,
# find out which one a "convolutional" neural network really computes, and implement both in
# one, two and three dimensions. At the end your own code blurs, sharpens and outlines a
# photograph.
#
# | function | shapes (valid mode) |
# |---|---|
# | `corr1d(x, w)` | `(L,)`, `(K,)` → `(L-K+1,)` |
# | `corr2d(x, w)` | `(H, W)`, `(KH, KW)` → `(H-KH+1, W-KW+1)` |
# | `corr3d(x, w)` | `(D, H, W)`, `(KD, KH, KW)` → `(D-KD+1, H-KH+1, W-KW+1)` |
# | `convolve1d(x, w)`, `convolve2d(x, w)` | same shapes as the correlations, kernel flipped |
#
# Inputs may be Python lists or NumPy arrays of ints or floats; always return a `float64`
# NumPy array (`np.asarray(x, dtype=float)` at the start takes care of both).

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
# ## 1. Two ways to slide a kernel
#
# **Convolution** comes from signal processing. For two functions $f$ and $g$ of a real
# variable it is defined as
#
# $$(f * g)(t) = \int f(\tau)\, g(t - \tau)\, d\tau .$$
#
# Read it as: to get the output at $t$, turn $g$ around ($-\tau$), shift it to $t$, multiply it
# with $f$ and add everything up. For sequences the integral becomes a sum,
# $(x * w)[i] = \sum_m x[m]\, w[i - m]$. The kernel $w$ enters **reversed**: as $m$ goes up,
# $i - m$ goes down.
#
# **Cross-correlation** is the same without the reversal: it slides the kernel as it is and
# measures how well it matches the input under it. For a kernel of length $K$, in valid mode:
#
# $$\text{correlation:}\quad y[i] = \sum_{p=0}^{K-1} w[p]\; x[i + p]
# \qquad\qquad
# \text{convolution:}\quad y[i] = \sum_{p=0}^{K-1} w[p]\; x[i + K - 1 - p]$$
#
# for $i = 0, \dots, L - K$. Where does the convolution's $x[i + K - 1 - p]$ come from? Take
# the sum $\sum_m x[m]\, w[i' - m]$ above at $i' = i + K - 1$ and write $m = i + K - 1 - p$:
# then $w[i' - m] = w[p]$ and $x[m] = x[i + K - 1 - p]$. The shift by $K - 1$ only renumbers the
# outputs, so that output 0 is the first place where the whole kernel lies on the input, as in
# valid-mode correlation. In the convolution, $w[0]$ meets the *last* input of the window and
# $w[K-1]$ the first: convolving with $w$ is correlating with $w$ read backwards.
#
# A small example by hand, with $x = [1, 2, 3, 4]$ and $w = [1, 0, -1]$:
#
# - correlation: $y[0] = 1\cdot1 + 0\cdot2 + (-1)\cdot3 = -2$ and $y[1] = 1\cdot2 + 0\cdot3 + (-1)\cdot4 = -2$;
# - convolution, i.e. correlation with $[-1, 0, 1]$: $y = [2, 2]$.
#
# The same kernel measures "left minus right" in one and "right minus left" in the other.
# The picture puts the two side by side: the same input, the same kernel, and for each output
# the weight that lands on each input cell.

# %% tags=["autograder:skip"]
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


# %% [markdown]
# ## 2. Why CNNs compute cross-correlation
#
# In image processing the kernel is designed by hand, and it matters which of the two you
# apply. In a neural network the kernel is **learned**: its numbers start random and are
# adjusted by gradient descent until the network works. If a layer computed true convolutions,
# training would simply find the reversed kernel, and the layer would compute exactly the same
# function as a correlation layer with the un-reversed one. The two kinds of layer can
# represent exactly the same functions, so nothing is gained by flipping, and the flip costs
# an extra indexing step.
#
# That is why deep-learning libraries compute **cross-correlation** and still call it
# "convolution" (PyTorch's `Conv2d`, for instance). The difference matters when you move
# kernels between worlds: a hand-made kernel from an image-processing book, or a comparison
# with `np.convolve` and `scipy.signal.convolve2d`, which do flip.
#
# ### Why convolution at all
#
# The lecture starts from a fully connected layer. One that maps a $28 \times 28$ image (784
# pixels) to a $26 \times 26$ output (676 values) has $784 \cdot 676 = 529{,}984$ weights,
# each used once. A $3 \times 3$ convolution producing the same output has **9**:
#
# - **locality**: each output looks only at a $3 \times 3$ neighbourhood, not at every pixel;
# - **weight sharing**: the same 9 weights are used at every position;
# - **translation equivariance**: because the same kernel slides everywhere, shifting the input
#   shifts the output by the same amount. An edge or an eye is found wherever it is. The visible
#   tests of your `corr1d` check this property.

# %% [markdown]
# ## 3. Your turn: `corr1d`
#
# Write `corr1d(x, w)`: the valid cross-correlation $y[i] = \sum_p w[p]\, x[i+p]$ for
# $i = 0, \dots, L-K$.
#
# A loop over the output positions is a perfectly good solution: for each $i$, take the
# window `x[i:i+K]`, multiply it by `w` element by element and sum (or use `np.dot`).
# Raise a `ValueError` if the kernel is longer than the input (valid mode has no output then).

# %% nbgrader={"grade": false, "grade_id": "corr1d", "locked": false, "schema_version": 3, "solution": true}
def corr1d(x, w):
    """Valid 1D cross-correlation: y[i] = sum_p w[p] * x[i + p].

    x: (L,) and w: (K,) with K <= L, lists or arrays of numbers.
    Returns y: (L - K + 1,) float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr1d here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr1d", "locked": true, "schema_version": 3, "solution": false}
# The example worked by hand above.
assert_close(corr1d([1, 2, 3, 4], [1, 0, -1]), [-2, -2], "corr1d([1, 2, 3, 4], [1, 0, -1])",
             mistakes={(2.0, 2.0): "the kernel is reversed: corr1d slides w as it is "
                                   "(that is convolve1d's answer)",
                       (-1.0, -2.0, -2.0, -2.0, 3.0, 4.0): "this is 'full' mode: keep only "
                                                           "the positions where the whole "
                                                           "kernel fits (L - K + 1)"})

# A kernel with a single 1 picks out one input per window: no flip, no shift by one.
x = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0])
assert_close(corr1d(x, [1, 0, 0]), x[0:5], "corr1d(x, [1, 0, 0]) should be x[0:5]")
assert_close(corr1d(x, [0, 0, 1]), x[2:7], "corr1d(x, [0, 0, 1]) should be x[2:7]")

# A moving average of width 3, and the edge cases K = 1 and K = L.
assert_close(corr1d(x, [1/3, 1/3, 1/3]), [8/3, 2, 10/3, 5, 16/3], "moving average corr1d(x, [1/3]*3)")
assert_close(corr1d(x, [2]), 2 * x, "corr1d(x, [2]) should double x")
assert_close(corr1d([1, 2, 3], [4, 5, 6]), [32], "kernel as long as the input: one output")
assert_raises(ValueError, corr1d, [1, 2], [1, 2, 3])

# Translation equivariance: put two zeros in front of x, and the output moves two places along.
shifted = np.concatenate([[0.0, 0.0], x])
assert_close(corr1d(shifted, [1, 2, -1])[2:], corr1d(x, [1, 2, -1]),
             "shifting x right by 2 should shift corr1d's output right by 2")
print("corr1d: all visible tests passed")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Two dimensions: the worked example
#
# An image is a grid, and the kernel slides along both axes. The output pixel $(i, j)$ is the
# sum of the products of the kernel with the window of the input whose top-left corner is
# $(i, j)$:
#
# $$y[i, j] = \sum_{p=0}^{K_H-1} \sum_{q=0}^{K_W-1} w[p, q]\; x[i + p,\, j + q].$$
#
# The lecture's example uses
#
# $$x = \begin{bmatrix} 0 & 1 & 2 \\ 3 & 4 & 5 \\ 6 & 7 & 8 \end{bmatrix}, \qquad
# w = \begin{bmatrix} 0 & 1 \\ 2 & 3 \end{bmatrix}.$$
#
# The output is $(3 - 2 + 1) \times (3 - 2 + 1) = 2 \times 2$, and its top-left value is
# $0 \cdot 0 + 1 \cdot 1 + 2 \cdot 3 + 3 \cdot 4 = 19$. The picture below goes through all four
# positions: the orange window of the input is multiplied by the kernel, and the sum fills
# the orange output cell. ($\star$ is the usual symbol for cross-correlation.)

# %% tags=["autograder:skip"]
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


# %% [markdown]
# ### Your turn: `corr2d`
#
# Write `corr2d(x, w)` for a 2D input `x` of shape `(H, W)` and a 2D kernel `w` of shape
# `(KH, KW)`. Two nested loops over the output pixels `i` and `j`, each computing
# `np.sum(x[i:i+KH, j:j+KW] * w)`, are enough. Raise a `ValueError` if the kernel does not fit
# into the input.
#
# *Going further (optional):* `np.lib.stride_tricks.sliding_window_view(x, w.shape)` gives all
# windows at once as an array of shape `(OH, OW, KH, KW)` without copying anything; one
# `np.einsum` or `np.tensordot` then replaces both loops and runs much faster on big images.

# %% nbgrader={"grade": false, "grade_id": "corr2d", "locked": false, "schema_version": 3, "solution": true}
def corr2d(x, w):
    """Valid 2D cross-correlation: y[i, j] = sum_p sum_q w[p, q] * x[i + p, j + q].

    x: (H, W) and w: (KH, KW) with KH <= H and KW <= W.
    Returns y: (H - KH + 1, W - KW + 1) float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr2d here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr2d", "locked": true, "schema_version": 3, "solution": false}
# The lecture's worked example.
x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
w = [[0, 1], [2, 3]]
assert_close(corr2d(x, w), [[19, 25], [37, 43]], "corr2d of the worked example",
             mistakes={((5.0, 11.0), (23.0, 29.0)): "the kernel is rotated by 180 degrees: that is "
                                                    "convolve2d (section 6); corr2d slides w as it is",
                       ((19.0, 37.0), (25.0, 43.0)): "the output is transposed: row i of y holds "
                                                     "the windows that start in row i of x",
                       ((17.0, 23.0), (35.0, 41.0)): "the kernel is transposed (w.T); use w as "
                                                     "it is"})
# The lecture's first version of it: the same kernel on the top two rows only.
assert_close(corr2d([[0, 1, 2], [3, 4, 5]], w), [[19, 25]], "corr2d of the lecture's 2x3 example")

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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Three dimensions
#
# Nothing in the definition is special about two axes. A video is a stack of frames (time,
# height, width), a CT scan a stack of slices (depth, height, width); a 3D kernel slides along
# all three axes:
#
# $$y[d, i, j] = \sum_{r=0}^{K_D-1} \sum_{p=0}^{K_H-1} \sum_{q=0}^{K_W-1}
# w[r, p, q]\; x[d + r,\, i + p,\, j + q].$$
#
# The output has shape $(D - K_D + 1,\; H - K_H + 1,\; W - K_W + 1)$, the formula of
# assignment 1 on every axis.
#
# Careful: this is *not* what happens to the colour channels of an image. There the kernel is
# exactly as deep as the input and does not slide along the channel axis (assignment 3).
# Here the kernel is usually shallower than the input and does slide in depth.
#
# Write `corr3d(x, w)`. Three nested loops work; so does one loop over the output depth `d`
# that adds up `corr2d` results: the slice `x[d + r]` correlated with the kernel slice `w[r]`,
# summed over `r`.

# %% nbgrader={"grade": false, "grade_id": "corr3d", "locked": false, "schema_version": 3, "solution": true}
def corr3d(x, w):
    """Valid 3D cross-correlation: y[d, i, j] = sum_r,p,q w[r, p, q] * x[d + r, i + p, j + q].

    x: (D, H, W) and w: (KD, KH, KW), each kernel size <= the input size.
    Returns y: (D - KD + 1, H - KH + 1, W - KW + 1) float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr3d here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr3d", "locked": true, "schema_version": 3, "solution": false}
# A 2x2x2 kernel of ones sums 2x2x2 blocks of x = 0..26 arranged as 3x3x3:
# the block starting at (d, i, j) sums to 52 + 8 * (9d + 3i + j).
x = np.arange(27).reshape(3, 3, 3)
expected = [[[52, 60], [76, 84]], [[124, 132], [148, 156]]]
assert_close(corr3d(x, np.ones((2, 2, 2))), expected, "corr3d(arange(27).reshape(3, 3, 3), ones((2, 2, 2)))")

# The same x with the kernel 0..7 (shape 2x2x2), which is different when turned on any axis.
expected = [[[268, 296], [352, 380]], [[520, 548], [604, 632]]]
assert_close(corr3d(x, np.arange(8).reshape(2, 2, 2)), expected,
             "corr3d(arange(27).reshape(3, 3, 3), arange(8).reshape(2, 2, 2))",
             mistakes={(((96, 124), (180, 208)), ((348, 376), (432, 460))):
                       "the kernel is turned around on every axis: that is convolution; "
                       "corr3d slides w as it is",
                       (((124, 152), (208, 236)), ((376, 404), (460, 488))):
                       "the kernel is reversed along the depth axis: use w[p, q, r] with "
                       "x[d + p, i + q, j + r]",
                       (((240, 268), (324, 352)), ((492, 520), (576, 604))):
                       "each depth slice of the kernel is rotated by 180 degrees: corr3d slides "
                       "w as it is"})

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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 6. True convolution: flip the kernel
#
# From section 1, convolution is correlation with the kernel reversed. In 1D, reversing is
# `w[::-1]`. In 2D the kernel is reversed along **both** axes, `w[::-1, ::-1]`, which is a
# rotation by 180 degrees (not a transpose, and not a flip along one axis only):
#
# $$\begin{bmatrix} 0 & 1 \\ 2 & 3 \end{bmatrix}
# \;\xrightarrow{\text{rotate } 180^\circ}\;
# \begin{bmatrix} 3 & 2 \\ 1 & 0 \end{bmatrix}$$
#
# So the worked example convolved (instead of correlated) gives
# $y[0, 0] = 3 \cdot 0 + 2 \cdot 1 + 1 \cdot 3 + 0 \cdot 4 = 5$, and the whole output is
# $\begin{bmatrix} 5 & 11 \\ 23 & 29 \end{bmatrix}$.
# NumPy's `np.convolve(x, w, mode="valid")` and SciPy's
# `scipy.signal.convolve2d(x, w, mode="valid")` compute exactly these true convolutions.
#
# Write `convolve1d` and `convolve2d`. Each is one line on top of your correlation.

# %% nbgrader={"grade": false, "grade_id": "convolve1d", "locked": false, "schema_version": 3, "solution": true}
def convolve1d(x, w):
    """Valid 1D convolution: correlation with the kernel reversed.

    x: (L,) and w: (K,) with K <= L. Returns (L - K + 1,) float64,
    equal to np.convolve(x, w, mode="valid").
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write convolve1d here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_convolve1d", "locked": true, "schema_version": 3, "solution": false}
assert_close(convolve1d([1, 2, 3, 4], [1, 0, -1]), [2, 2], "convolve1d([1, 2, 3, 4], [1, 0, -1])",
             mistakes={(-2.0, -2.0): "the kernel is not reversed: that is corr1d's answer; "
                                     "convolve1d slides w[::-1]",
                       (1.0, 2.0, 2.0, 2.0, -3.0, -4.0): "this is 'full' mode: keep only the "
                                                         "positions where the whole kernel "
                                                         "fits (L - K + 1)"})

# Convolution is correlation with the reversed kernel, and it is what np.convolve computes.
rng = np.random.default_rng(2)
x, w = rng.normal(size=9), rng.normal(size=4)
assert_close(convolve1d(x, w), corr1d(x, w[::-1]), "convolve1d(x, w) should equal corr1d(x, w[::-1])")
assert_close(convolve1d(x, w), np.convolve(x, w, mode="valid"), "convolve1d(x, w) vs np.convolve(x, w, 'valid')")

# A single 1 at the START of the kernel picks the LAST input of each window.
assert_close(convolve1d(x, [1, 0, 0]), x[2:9], "convolve1d(x, [1, 0, 0]) should be x[2:9]")
print("convolve1d: all visible tests passed")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ### Picture: your `convolve1d` turns two boxes into a triangle
#
# Section 1's integral $(f * g)(t) = \int f(\tau)\, g(t - \tau)\, d\tau$, drawn. Take for $f$
# and for $g$ the same **box**: 1 for $-1 < \tau < 1$ and 0 elsewhere. For one output
# position $t$:
#
# 1. turn $g$ around and move it to $t$: as a function of $\tau$ it is $g(t - \tau)$ (a box
#    looks the same turned around; the move is what you see);
# 2. multiply it with $f$: the local product $f(\tau)\, g(t - \tau)$ is 1 where the two boxes
#    overlap and 0 elsewhere;
# 3. its area is the result $(f * g)(t)$, here the length of the overlap.
#
# **A box convolved with a box is a triangle.** The boxes first touch at $t = -2$. From there
# to $t = 0$ the overlap grows exactly as fast as $t$ moves, so the result rises in a straight
# line from 0 to 2; from $t = 0$ to $t = 2$ the overlap shrinks at the same rate, and the
# result falls back to 0.
#
# On a computer both boxes are samples $\Delta = 0.05$ apart and the integral is a sum times
# the spacing: the result curve is $\Delta \cdot$ `convolve1d(f, g)`, computed below by **your**
# `convolve1d`. The signal has zeros around its box, so valid mode sees every overlap. Each
# column is one output position $t$.

# %% tags=["autograder:skip"]
DT = 0.05                                   # spacing of the samples (the Delta above)
tau = np.arange(-4 + DT / 2, 4, DT)         # 160 sample points between -4 and 4
box_f = (np.abs(tau) < 1).astype(float)     # f: 1 on (-1, 1), 0 elsewhere
box_g = np.ones(40)                         # g: the box alone, 40 samples = width 2


def output_positions(K, n):
    """Where the n outputs of a valid convolution of f with a K-sample kernel (centred on 0)
    sit: output i at the centre of its window tau[i:i+K]."""
    return tau[0] + (np.arange(n) + (K - 1) / 2) * DT


def show_convolution(f, g, y, positions, kernel="g", spikes=False, scale=DT, dashed=None,
                     legend_at="upper right"):
    """Three rows, one column per output position t: f with the kernel turned around and moved
    to t; their product (its area, or with spikes the sum of the spikes, is the result at t);
    the result curve y (from your convolve1d) with t marked. `dashed`: (label, curve) to compare."""
    K = len(g)
    t_out = output_positions(K, len(y))
    fig, axes = plt.subplots(3, len(positions), figsize=(11, 7.2), sharey="row")
    for col, t in enumerate(positions):
        i = int(np.argmin(np.abs(t_out - t)))   # the output nearest to t (within DT / 2)
        window, turned = tau[i:i + K], g[::-1]  # f[i + j] meets g[K - 1 - j]
        product = f[i:i + K] * turned
        top, middle, bottom = axes[:, col]
        for ax in (top, middle):
            ax.fill_between(tau, f, step="mid", color="#cfe2f3")
        top.plot([], [], color="#cfe2f3", lw=6, label="f(τ)")
        if spikes:                              # a kernel of spikes: draw each as a stem
            hit = turned != 0
            top.vlines(window[hit], 0, turned[hit], color="#e69138", lw=2)
            top.plot(window[hit], turned[hit], "o", color="#e69138", label=f"{kernel}(t − τ)")
            middle.vlines(window[hit], 0, product[hit], color="#cc4125", lw=2)
            middle.plot(window[hit], product[hit], "o", color="#cc4125")
            middle.set_title(f"f(τ)·{kernel}(t − τ): the spikes add up to {scale * product.sum():.2f}",
                             fontsize=9)
        else:
            edges = np.r_[window[0] - DT, window, window[-1] + DT]
            top.step(edges, np.r_[0, turned, 0], where="mid", color="#e69138", lw=2,
                     label=f"{kernel}(t − τ)")
            middle.fill_between(window, product, step="mid", color="#e06666", alpha=0.8)
            middle.set_title(f"f(τ)·{kernel}(t − τ): area {scale * product.sum():.2f}", fontsize=9)
        top.set_title(f"t = {t:g}", fontsize=10)
        top.axvline(t_out[i], color="0.5", ls=":", lw=1)
        middle.axvline(t_out[i], color="0.5", ls=":", lw=1)
        if dashed is not None:
            bottom.plot(t_out, dashed[1], "--", color="0.55", lw=2.5, label=dashed[0])
        bottom.plot(t_out, y, color="black", lw=1.2, label="your convolve1d")
        bottom.plot(t_out[i], y[i], "o", color="#cc0000", ms=7)
        bottom.axvline(t_out[i], color="0.5", ls=":", lw=1)
        bottom.set_title(f"(f * {kernel})({t:g}) = {y[i]:.2f}", fontsize=9)
        for ax in (top, middle, bottom):
            ax.set_xlim(-3.5, 3.5)
            ax.axhline(0, color="0.3", lw=0.6)
        top.set_xlabel("τ", fontsize=9, labelpad=0)
        middle.set_xlabel("τ", fontsize=9, labelpad=0)
        bottom.set_xlabel("t", fontsize=9, labelpad=0)
    axes[0, 0].legend(loc="upper right", fontsize=8, frameon=False)
    axes[2, 0].legend(loc=legend_at, fontsize=8, framealpha=1)
    axes[0, 0].set_ylabel("signal, kernel")
    axes[1, 0].set_ylabel("local product")
    axes[2, 0].set_ylabel("result")
    plt.tight_layout()
    plt.show()


def show_box_triangle():
    """box * box with your convolve1d: say whether it is the triangle, then draw it."""
    try:
        y = DT * convolve1d(box_f, box_g)
    except (NameError, NotImplementedError):
        print("Write convolve1d above first (section 6), run its cell, then run this cell again.")
        return
    expected = DT * np.convolve(box_f, box_g, mode="valid")
    if np.shape(y) != expected.shape:
        print(f"Your convolve1d returned shape {np.shape(y)}; valid mode gives L - K + 1 = "
              f"{len(box_f)} - {len(box_g)} + 1 = {len(expected)} values. Fix it, then run this cell again.")
        return
    dashed = None
    if np.allclose(y, expected):
        print("box * box with your convolve1d: the triangle, 0 up to t = -2, 2 at t = 0, 0 again from t = 2.")
    else:
        worst = int(np.argmax(np.abs(y - expected)))
        print(f"box * box with your convolve1d is not the triangle: at t = "
              f"{output_positions(len(box_g), len(y))[worst]:.2f} it gives {y[worst]:.3f}, "
              f"expected {expected[worst]:.3f} (dashed).")
        dashed = ("expected", expected)
    show_convolution(box_f, box_g, y, positions=[-1.5, 0.0, 1.0], dashed=dashed)


show_box_triangle()

# %% [markdown]
# ### The derivative of a convolution: $[f * g]' = f * g'$
#
# The lecture's identity: differentiating a convolution with respect to $t$ is convolving with
# the derivative of the kernel. In $\int f(\tau)\, g(t - \tau)\, d\tau$ the position $t$
# appears only inside $g$, so the derivative goes onto $g$.
#
# Check it on the boxes. The triangle has slope $+1$ from $-2$ to $0$ and $-1$ from $0$ to $2$:
# its derivative is a positive box followed by a negative box. The derivative of the box $g$
# is 0 everywhere except at its two edges, where it jumps up by 1 (at $-1$) and down by 1 (at
# $+1$): two spikes. Convolving $f$ with two spikes makes two copies of $f$, $+f$ moved to
# $-1$ (the box on $(-2, 0)$) and $-f$ moved to $+1$ (on $(0, 2)$). The same answer.
#
# In samples the derivative is `np.diff`, and the lengths need care. `convolve1d(f, g)` has
# $L - K + 1$ values, so its `np.diff` has $L - K$. `np.diff(g)` alone is no good: for the box
# it is $K - 1$ zeros, because the two jumps at the edges are not inside the array. Pad $g$
# with a zero on each side first: `np.diff(np.pad(g, 1))` $= [1, 0, \dots, 0, -1]$ has
# $K + 1$ values, and convolving with it gives $L - (K + 1) + 1 = L - K$ values, as many as the
# `np.diff`. Then, for **any** $f$ and $g$, exactly:
#
# $$\texttt{np.diff(convolve1d(f, g))} = \texttt{convolve1d(f, np.diff(np.pad(g, 1)))}.$$
#
# (The spacing cancels: the triangle is $\Delta \cdot$ `convolve1d(f, g)`, and its slope is
# that `np.diff` divided by $\Delta$.) The cell checks the identity with your `convolve1d`, on
# the boxes and on a random pair, and draws the right-hand side in the same three rows; the
# dashed curve is the slope of your triangle.

# %% tags=["autograder:skip"]
def check_derivative(f, g, what):
    """Compare both sides of [f * g]' = f * g' computed with your convolve1d; print one line.
    Returns True when they agree."""
    slope = np.diff(convolve1d(f, g))                     # [f * g]'
    spiky = convolve1d(f, np.diff(np.pad(g, 1)))          # f * g'
    if np.shape(slope) != np.shape(spiky):
        print(f"{what}: np.diff(convolve1d(f, g)) has shape {np.shape(slope)} but "
              f"convolve1d(f, np.diff(np.pad(g, 1))) has shape {np.shape(spiky)}; "
              "valid mode gives L - K + 1 values.")
        return False
    if np.allclose(slope, spiky):
        print(f"{what}: [f * g]' = f * g' holds with your convolve1d ({len(slope)} values agree).")
        return True
    if np.allclose(slope, -spiky):
        print(f"{what}: the two sides are equal up to the sign: your convolve1d does not turn "
              "the kernel around (that is corr1d's answer).")
    else:
        print(f"{what}: the two sides differ, by up to {np.max(np.abs(slope - spiky)):.3g}.")
    return False


def show_box_derivative():
    """Check [f * g]' = f * g' with your convolve1d, then draw f * g' for the boxes."""
    rng = np.random.default_rng(4)
    try:
        ok = check_derivative(box_f, box_g, "boxes")
        ok &= check_derivative(rng.normal(size=12), rng.normal(size=4), "random f (12) and g (4)")
    except (NameError, NotImplementedError):
        print("Write convolve1d above first (section 6), run its cell, then run this cell again.")
        return
    if ok:
        spikes = np.diff(np.pad(box_g, 1))                # g' as two spikes: [1, 0, ..., 0, -1]
        show_convolution(box_f, spikes, convolve1d(box_f, spikes), positions=[-1.5, 0.5, 2.25],
                         kernel="g′", spikes=True, scale=1.0, legend_at="lower left",
                         dashed=("slope of your triangle", np.diff(convolve1d(box_f, box_g))))


show_box_derivative()

# %% [markdown]
# **A derivative with respect to position, not the one backpropagation needs.** $[f * g]'$
# says how the output changes as you move **along the signal**, from $t$ to $t + dt$, with $f$
# and $g$ fixed. Training a network asks a different question: how does the loss change when
# you change the **numbers** themselves, each input value $x[m]$ and each weight $w[p]$? Those
# are the derivatives with respect to $x$ and $w$, $\partial L / \partial x$ and
# $\partial L / \partial w$, and assignment 4 computes them (they turn out to be a
# correlation and a convolution again, for a different reason).

# %% [markdown]
# Now `convolve2d`: the same idea in two dimensions, with the kernel rotated by 180 degrees.

# %% nbgrader={"grade": false, "grade_id": "convolve2d", "locked": false, "schema_version": 3, "solution": true}
def convolve2d(x, w):
    """Valid 2D convolution: correlation with the kernel rotated by 180 degrees.

    x: (H, W) and w: (KH, KW). Returns (H - KH + 1, W - KW + 1) float64,
    equal to scipy.signal.convolve2d(x, w, mode="valid").
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write convolve2d here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_convolve2d", "locked": true, "schema_version": 3, "solution": false}
x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
w = [[0, 1], [2, 3]]
assert_close(convolve2d(x, w), [[5, 11], [23, 29]], "convolve2d of the worked example",
             mistakes={((19.0, 25.0), (37.0, 43.0)): "the kernel is not rotated: that is corr2d's "
                                                     "answer; convolve2d slides w[::-1, ::-1]",
                       ((17.0, 23.0), (35.0, 41.0)): "the kernel is transposed or flipped "
                                                     "left-right only; a 180-degree rotation "
                                                     "flips both axes: w[::-1, ::-1]",
                       ((7.0, 13.0), (25.0, 31.0)): "the kernel is flipped upside down only; a "
                                                    "180-degree rotation flips both axes: "
                                                    "w[::-1, ::-1]"})

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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ### A slip in the lecture: convolution commutes, correlation does not
#
# The lecture writes correlation as $\sum_{p=1}^{d} f(p)\, g(i+p)$, with $f$ the kernel of
# length $d$ and indices from 1. In this notebook indices start at 0 and the kernel is `w`, so
# the same sum reads `y[i] = sum_p w[p] * x[i + p]`: $f \to$ `w`, $g \to$ `x`, $p \to$ `p + 1`.
#
# The lecture also says that cross-correlation commutes like convolution. It does not.
# Convolution (in "full" mode, where every overlap counts) commutes: $a * b = b * a$.
# Correlating `b` with `a` instead of `a` with `b` gives the same numbers in **reverse** order.
# Two lines show both:

# %% tags=["autograder:skip"]
a, b = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5])
print("convolution:", np.convolve(a, b), "==", np.convolve(b, a))
print("correlation:", np.correlate(a, b, "full"), "vs", np.correlate(b, a, "full"), "(reversed)")
assert np.allclose(np.convolve(a, b), np.convolve(b, a))
assert np.allclose(np.correlate(a, b, "full"), np.correlate(b, a, "full")[::-1])

# %% [markdown]
# ## 7. Image kernels: your `corr2d` on a photograph
#
# Long before neural networks learned their kernels, image-processing people designed them by
# hand. Each one below is a $3 \times 3$ (or $5 \times 5$) grid of weights, and correlating a
# grey-scale photo with it gives a new picture (the lecture's interactive page,
# [setosa.io/ev/image-kernels](https://setosa.io/ev/image-kernels/), lets you try them live):
#
# - **identity**: a single 1 in the middle copies the image;
# - **box blur**: all weights equal ($1/25$ for a $5 \times 5$ box), every pixel becomes the
#   average of its neighbourhood;
# - **Gaussian blur**: weights shaped like a bell curve,
#   $\frac{1}{16}\begin{bmatrix}1&2&1\\2&4&2\\1&2&1\end{bmatrix}$,
#   a softer, more natural blur (near neighbours count more than far ones);
# - **sharpen**: 5 in the middle and $-1$ at the four neighbours; that is the identity plus
#   "4 times the pixel minus its four neighbours", a term that is 0 on flat areas and large
#   where the pixel differs from its surroundings, so edges get stronger;
# - **edge detection**: 8 in the middle and $-1$ everywhere else; the weights add up to 0,
#   so flat areas become 0 and only changes (edges) remain;
# - **emboss**: negative weights on one side and positive on the other, so brightness changes
#   in one direction look like light falling on a relief;
# - **your own kernel**: edit `my_kernel` in the next cell and re-run the gallery.
#
# Why the weights add up to what they do: on a flat patch where every pixel has brightness
# $v$, the output is $v$ times the sum of the weights. The blurs and the sharpen kernel sum to
# 1, so flat areas keep their brightness; the edge detector sums to 0, so flat areas become 0,
# which the edge pictures show as mid-grey (their grey scale is centred on the few extreme
# pixels), and only changes stand out. Each kernel is drawn in the corner of its picture (red
# negative, blue positive, darker means larger); for the convolution it is drawn as it is
# applied, rotated by 180 degrees.
#
# The symmetric kernels give the same picture under correlation and convolution. The emboss
# kernel is not symmetric: with your `convolve2d` the light comes from the opposite side.
#
# The photo is Grace Hopper's portrait, shipped with matplotlib, so nothing is downloaded.

# %% tags=["autograder:skip"]
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

# %% tags=["autograder:skip"]
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
        if k is not None and name.endswith("convolve2d"):
            k = k[::-1, ::-1]  # convolution slides the kernel rotated by 180 degrees: draw that
        if k is not None and k.ndim == 2 and max(k.shape) <= 7:
            draw_kernel(ax.inset_axes([0.68, 0.0, 0.32, 0.32]), k)
    for ax in axes.ravel()[len(results):]:
        ax.axis("off")
    plt.tight_layout()
    plt.show()


show_gallery(gray, kernels)

# %% [markdown]
# Look at the sizes in the titles: every result is a little smaller than the photo, by
# $K - 1$ pixels per axis, exactly as assignment 1 predicts for valid mode.
#
# ## Summary
#
# - Cross-correlation slides the kernel as it is: $y[i] = \sum_p w[p]\,x[i+p]$; convolution
#   reverses it first (rotates it by 180° in 2D).
# - CNN layers compute cross-correlation: their kernels are learned, so a flip would change
#   nothing but the learned numbers.
# - The same sum works in 1D, 2D and 3D, one index per axis.
# - A box convolved with a box is a triangle, and $[f * g]' = f * g'$: a derivative along the
#   signal. Backpropagation needs derivatives with respect to $x$ and $w$ (assignment 4).
#
# Next, in assignment 3, images get colour channels and layers get many kernels.
