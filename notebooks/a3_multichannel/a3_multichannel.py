# %% [markdown]
# # Assignment 3 · Many channels in, many channels out: the convolution layer
#
# So far the input was a single grid of numbers. A colour photo has three: red, green and blue,
# called **channels**. Inside a CNN it gets wider still: a layer typically outputs 32, 64 or more
# channels, each a *feature map* produced by one learned kernel, and the next layer reads all
# of them. This assignment builds the real convolution layer in three steps:
#
# | function | shapes |
# |---|---|
# | `corr2d_multi_in(x, w)` | `(C, H, W)`, `(C, KH, KW)` → `(OH, OW)` |
# | `corr2d_multi_in_out(x, w)` | `(C, H, W)`, `(F, C, KH, KW)` → `(F, OH, OW)` |
# | `conv2d_forward(x, w, b, stride=1, padding=0)` | `(N, C, H, W)`, `(F, C, KH, KW)`, `(F,)` → `(N, F, OH, OW)` |
#
# Letters used throughout: **N** images in a batch, **C** input channels, **F** output channels
# (= number of kernels, "filters"), **H, W** height and width, **KH, KW** kernel height and width.
# All correlations are cross-correlations, as in assignment 2 (no kernel flip).
#
# As in assignment 2, inputs may be Python lists or NumPy arrays of ints or floats; always
# return a `float64` NumPy array (`np.asarray(x, dtype=float)` at the start takes care of both).

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
# ## 1. Several input channels: one kernel slice per channel, then add
#
# With $C$ input channels the kernel has $C$ slices too, one $K_H \times K_W$ grid per input
# channel: its shape is $(C, K_H, K_W)$. Correlate every input channel with its own kernel
# slice, exactly as in assignment 2, and **add the $C$ results** pixel by pixel:
#
# $$y[i, j] = \sum_{c=0}^{C-1} \sum_{p=0}^{K_H-1} \sum_{q=0}^{K_W-1}
# w[c, p, q]\; x[c,\, i + p,\, j + q].$$
#
# Another way to see the same sum: the window is now a $C \times K_H \times K_W$ block cut out of
# the input, the kernel is a block of the same size, and the output pixel is the sum of their
# element-wise product. The kernel is exactly as deep as the input, so it slides along height
# and width only, never along the channels, and the result is a single 2D map.
#
# Worked example with two channels:
#
# $$x_0 = \begin{bmatrix} 0&1&2\\3&4&5\\6&7&8 \end{bmatrix},\;
# w_0 = \begin{bmatrix} 0&1\\2&3 \end{bmatrix}
# \;\Rightarrow\; \begin{bmatrix} 19&25\\37&43 \end{bmatrix}
# \qquad
# x_1 = \begin{bmatrix} 1&2&3\\4&5&6\\7&8&9 \end{bmatrix},\;
# w_1 = \begin{bmatrix} 1&2\\3&4 \end{bmatrix}
# \;\Rightarrow\; \begin{bmatrix} 37&47\\67&77 \end{bmatrix}$$
#
# and the layer's output is the sum,
# $\begin{bmatrix} 56&72\\104&120 \end{bmatrix}$.
#
# The picture shows this as blocks: an input with 3 channels (one colour per channel), a kernel
# with 3 slices in the same colours, and the single output map. The orange window and the
# orange output cell mark one multiply-and-add of a whole block: $3 \times 3 \times 3 = 27$
# products summed into one number. ($\star$ is the usual symbol for cross-correlation.)

# %% tags=["autograder:skip"]
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


# %% [markdown]
# ### Your turn: `corr2d_multi_in`
#
# Write `corr2d_multi_in(x, w)` for `x` of shape `(C, H, W)` and `w` of shape `(C, KH, KW)`.
# Either loop over the channels and add up 2D correlations (paste your `corr2d` from
# assignment 2 into this cell if you want to use it), or loop over output pixels and sum the
# whole block `x[:, i:i+KH, j:j+KW] * w` at once. Raise a `ValueError` if `x` and `w` do not
# have the same number of channels: that is the most common shape bug in real CNN code.

# %% nbgrader={"grade": false, "grade_id": "corr2d_multi_in", "locked": false, "schema_version": 3, "solution": true}
def corr2d_multi_in(x, w):
    """Multi-input-channel correlation: correlate each channel with its kernel slice, then sum.

    x: (C, H, W) and w: (C, KH, KW) with the same C.
    Returns y: (H - KH + 1, W - KW + 1) float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr2d_multi_in here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr2d_multi_in", "locked": true, "schema_version": 3, "solution": false}
x = np.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]],
              [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
w = np.array([[[0, 1], [2, 3]],
              [[1, 2], [3, 4]]])
assert_close(corr2d_multi_in(x, w), [[56, 72], [104, 120]],
             "corr2d_multi_in of the two-channel worked example",
             mistakes={(((19, 25), (37, 43)), ((37, 47), (67, 77))):
                        "the channels are not summed: one map per channel came back; ADD the "
                        "C per-channel correlations into one (OH, OW) map",
                        ((28, 36), (52, 60)): "the channels are averaged; they must be summed",
                        ((37, 47), (67, 77)): "only the last channel counts: the sum over "
                                              "channels was overwritten (= instead of +=)",
                        ((19, 25), (37, 43)): "only the first channel is used; sum over all C"})

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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Several kernels: several output channels
#
# One kernel detects one kind of pattern (an edge in one direction, a colour blob...). A layer
# wants many, so it holds $F$ kernels, stacked into a 4D array of shape $(F, C, K_H, K_W)$.
# Kernel $f$ produces output channel $f$, and the outputs are stacked too:
#
# $$y[f, i, j] = \sum_{c} \sum_{p} \sum_{q} w[f, c, p, q]\; x[c,\, i + p,\, j + q],
# \qquad y \text{ of shape } (F, O_H, O_W).$$
#
# In words: `y[f]` is `corr2d_multi_in(x, w[f])`. A nice special case is the **1×1
# convolution** ($K_H = K_W = 1$): it does not look at neighbours at all, it mixes the $C$
# channel values of each pixel into $F$ new ones with the same $F \times C$ matrix everywhere.
# Networks use it to change the number of channels cheaply.
#
# The blocks again, now with $F = 2$ kernels: each kernel block still spans all 3 input
# channels, and each produces one sheet of the output.

# %% tags=["autograder:skip"]
draw_blocks(F=2)


# %% [markdown]
# Write `corr2d_multi_in_out(x, w)`. Raise a `ValueError` if the channel counts differ.

# %% nbgrader={"grade": false, "grade_id": "corr2d_multi_in_out", "locked": false, "schema_version": 3, "solution": true}
def corr2d_multi_in_out(x, w):
    """Several kernels, one output channel each.

    x: (C, H, W) and w: (F, C, KH, KW).
    Returns y: (F, H - KH + 1, W - KW + 1) float64 with y[f] = corr2d_multi_in(x, w[f]).
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr2d_multi_in_out here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr2d_multi_in_out", "locked": true, "schema_version": 3, "solution": false}
def frozen(a):
    """`a` as nested tuples: an array cannot be a key of the `mistakes` dict, a tuple can."""
    return tuple(frozen(v) for v in a) if np.ndim(a) else float(a)


x = np.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]],
              [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
w = np.array([[[0, 1], [2, 3]],
              [[1, 2], [3, 4]]])
w3 = np.stack([w, w + 1, w + 2])                        # F = 3 kernels of shape (2, 2, 2)
expected = [[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]
# What typical mistakes return here: one (OH, OW) map per kernel AND input channel, not summed
# (kernel f: channel 0, channel 1), and the right answer with its axes in another order.
per_channel = np.array([[[[19, 25], [37, 43]], [[37, 47], [67, 77]]],
                        [[[27, 37], [57, 67]], [[49, 63], [91, 105]]],
                        [[[35, 49], [77, 91]], [[61, 79], [115, 133]]]])
assert_close(corr2d_multi_in_out(x, w3), expected, "three kernels w, w + 1, w + 2 on the worked example",
             mistakes={frozen(per_channel): "the input channels are not summed: for each kernel f, add "
                                            "the C per-channel correlations into one (OH, OW) map",
                       frozen(per_channel[:, 0]): "only the first input channel is used: every kernel "
                                                  "w[f] has C channel slices, all of which count",
                       frozen(per_channel[:, -1]): "only the last input channel counts: the sum over "
                                                   "channels was overwritten with = instead of +=",
                       frozen(np.moveaxis(expected, 0, -1)): "the output channels are on the last axis; "
                                                             "the result is (F, OH, OW), one map per "
                                                             "kernel, stacked on axis 0",
                       frozen(np.moveaxis(expected, 0, 1)): "the output channels are stacked on axis 1; "
                                                            "the result is (F, OH, OW), one map per "
                                                            "kernel, stacked on axis 0 (np.stack(maps))"})

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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The layer: batches, bias, padding and stride
#
# A real convolution layer adds four things around `corr2d_multi_in_out`:
#
# - **Batch.** Networks process $N$ images at once: `x` has shape $(N, C, H, W)$ and every image
#   is treated separately and identically; the output has shape $(N, F, O_H, O_W)$.
# - **Bias.** Each kernel has one extra learned number $b[f]$, added to every pixel of output
#   channel $f$. `b` has shape $(F,)$.
# - **Padding** $p$ (an `int`): $p$ rows/columns of zeros around every channel of every image,
#   on all four sides, before sliding. `np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))` pads
#   only the two spatial axes.
# - **Stride** $s$ (an `int`): the window for output pixel $(i, j)$ starts at row $i s$ and column
#   $j s$ of the padded input, instead of $(i, j)$.
#
# Together:
#
# $$\text{out}[n, f, i, j] = b[f] + \sum_{c} \sum_{p'} \sum_{q'} w[f, c, p', q']\;
# x_{\text{pad}}[n,\, c,\, i s + p',\, j s + q']$$
#
# with $O_H = \lfloor (H + 2p - K_H)/s \rfloor + 1$ and the same for $O_W$ (assignment 1).
# The picture shows a $5 \times 5$ image (blue) padded with one ring of zeros (grey), and the
# $3 \times 3$ window for each of the $3 \times 3$ outputs of a stride-2 layer.

# %% tags=["autograder:skip"]
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


# %% [markdown]
# ### Your turn: `conv2d_forward`
#
# Write `conv2d_forward(x, w, b, stride=1, padding=0)`: pad, then for every output position
# take the window `xpad[n, :, i*s : i*s+KH, j*s : j*s+KW]`, multiply it with each kernel and sum,
# then add the bias. Loops over `n`, `i` and `j` are fine; NumPy can do the sums over channels
# and kernel positions for all $F$ kernels at once: the window has shape `(C, KH, KW)` and `w`
# has shape `(F, C, KH, KW)`, so `np.sum(window * w, axis=(1, 2, 3))` broadcasts the window
# against every kernel and returns the $F$ values of output pixel $(i, j)$
# (`np.tensordot(w, window, axes=3)` computes the same, faster).
#
# Check the shapes and raise a `ValueError` with a clear message when `x` is not 4D, `w` not
# 4D, the channel counts of `x` and `w` differ, `b` does not have `F` entries, or the kernel
# does not fit into the padded input.

# %% nbgrader={"grade": false, "grade_id": "conv2d_forward", "locked": false, "schema_version": 3, "solution": true}
def conv2d_forward(x, w, b, stride=1, padding=0):
    """Forward pass of a 2D convolution layer (cross-correlation, zero padding, stride).

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,), stride and padding: ints.
    Returns out: (N, F, OH, OW) float64 with OH = (H + 2*padding - KH) // stride + 1
    (same for OW) and out[n, f, i, j] = b[f] + sum_c,p,q w[f, c, p, q] * xpad[n, c, i*stride + p, j*stride + q].
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv2d_forward here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv2d_forward", "locked": true, "schema_version": 3, "solution": false}
def frozen(a):
    """`a` as nested tuples: an array cannot be a key of the `mistakes` dict, a tuple can."""
    return tuple(frozen(v) for v in a) if np.ndim(a) else float(a)


x = np.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]],
              [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
w = np.array([[[0, 1], [2, 3]],
              [[1, 2], [3, 4]]])

# The worked example as a batch of one image and one kernel, without and with a bias.
assert_close(conv2d_forward(x[None], w[None], np.zeros(1)), [[[[56, 72], [104, 120]]]],
             "conv2d_forward(x[None], w[None], b=[0]) on the worked example",
             mistakes={frozen([[[[28, 44], [76, 92]]]]): "the kernel is flipped (rotated by 180 degrees: "
                                                         "that is true convolution). A CNN's convolution "
                                                         "layer is a cross-correlation: it slides w as it is",
                       frozen([[[[19, 25], [37, 43]]]]): "only the first input channel is used; sum over "
                                                         "all C channels",
                       frozen([[[[56], [72]], [[104], [120]]]]): "the output axes are (N, OH, OW, F); the "
                                                                 "layer returns (N, F, OH, OW), the kernel "
                                                                 "axis second"})
assert_close(conv2d_forward(x[None], w[None], np.array([10.0])), [[[[66, 82], [114, 130]]]],
             "bias 10 is added to every output pixel",
             mistakes={frozen([[[[56, 72], [104, 120]]]]): "the bias is missing: add b[f] to every pixel "
                                                           "of output channel f",
                       frozen([[[[76, 92], [124, 140]]]]): "the bias is added once per input channel "
                                                           "(inside the channel loop, here C = 2 times); "
                                                           "add b[f] once per output pixel",
                       frozen([[[[136, 152], [184, 200]]]]): "the bias is added once per kernel element "
                                                             "(inside the loop over the window, here "
                                                             "C*KH*KW = 8 times); add b[f] once per "
                                                             "output pixel"})

# Two images (x and x + 1) and two kernels (w and w + 1): out[n, f] is image n with kernel f.
x2, w2 = np.stack([x, x + 1]), np.stack([w, w + 1])
expected = np.array([[[[56, 72], [104, 120]], [[76, 100], [148, 172]]],      # image x: kernel w, w + 1
                     [[[72, 88], [120, 136]], [[100, 124], [172, 196]]]])  # image x + 1
assert_close(conv2d_forward(x2, w2, np.zeros(2)), expected, "a batch of two images, two kernels",
             mistakes={frozen(expected.transpose(0, 2, 3, 1)): "the output axes are (N, OH, OW, F); "
                                                               "the layer returns (N, F, OH, OW), the "
                                                               "kernel axis second",
                       frozen(expected.transpose(1, 0, 2, 3)): "the batch and kernel axes are swapped: "
                                                               "out[n, f] is image n correlated with "
                                                               "kernel f, shape (N, F, OH, OW)",
                       frozen(expected[[0, 0]]): "every image of the batch got the output of the first "
                                                 "one: loop over n and use x[n]"})

# Stride 2 on x[0, 0, r, c] = 10 r + c with a kernel that picks the top-left pixel of its window:
# the output shows where each window starts (rows 0, 2 and columns 0, 2).
x_grid = (10 * np.arange(5)[:, None] + np.arange(5))[None, None]
corner = np.array([[[[1, 0], [0, 0]]]])
assert_close(conv2d_forward(x_grid, corner, np.zeros(1), stride=2), [[[[0, 2], [20, 22]]]],
             "stride 2 on x[0, 0, r, c] = 10r + c, a 2x2 kernel that picks its window's top-left pixel",
             mistakes={frozen([[[[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23], [30, 31, 32, 33]]]]):
                       "the stride is ignored: with stride s the window moves s pixels at a time, so "
                       "output pixel (i, j) reads x[..., i*s : i*s+KH, j*s : j*s+KW]",
                       frozen([[[[0, 1], [10, 11]]]]): "the stride is used for the output size but not "
                                                       "when sliding the window: output pixel (i, j) "
                                                       "reads x[..., i*s : i*s+KH, j*s : j*s+KW]",
                       frozen([[[[0, 1, 2, 3], [20, 21, 22, 23]]]]): "the stride is applied to the rows "
                                                                     "only; the columns step by s too",
                       frozen([[[[0, 2], [10, 12], [20, 22], [30, 32]]]]): "the stride is applied to the "
                                                                           "columns only; the rows step "
                                                                           "by s too"})

# Padding 1 adds a ring of zeros: a 3x3 kernel of ones counts the input pixels it covers.
ones = conv2d_forward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), np.zeros(1), padding=1)
assert_close(ones, [[[[4, 6, 4], [6, 9, 6], [4, 6, 4]]]], "3x3 ones with padding 1: the zeros count for nothing",
             mistakes={frozen([[[[4, 6], [6, 9]]]]): "the padding is applied on one side only (above and "
                                                     "to the left): pad both spatial axes on BOTH sides, "
                                                     "np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))",
                       frozen([[[[9, 6], [6, 4]]]]): "the padding is applied on one side only (below and "
                                                     "to the right): pad both spatial axes on BOTH sides, "
                                                     "np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))",
                       frozen([[[[9]]]]): "the padding is ignored: pad the two spatial axes of x with zeros "
                                          "first, np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))"})

rng = np.random.default_rng(2)
xb, wb, bb = rng.normal(size=(2, 3, 7, 9)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
# stride 1 and no padding: every image is corr2d_multi_in_out plus the bias.
out = conv2d_forward(xb, wb, bb)
assert out.shape == (2, 4, 5, 8), f"x (2, 3, 7, 9), w (4, 3, 3, 2): expected shape (2, 4, 5, 8), got {out.shape}"
for n in range(2):
    assert_close(out[n], corr2d_multi_in_out(xb[n], wb) + bb[:, None, None], f"image {n} of the batch")

# Stride 2 keeps every second output of stride 1.
out_s = conv2d_forward(xb, wb, bb, stride=2, padding=1)
assert out_s.shape == (2, 4, 4, 5), f"stride 2, padding 1: expected shape (2, 4, 4, 5), got {out_s.shape}"
out_p = conv2d_forward(xb, wb, bb, stride=1, padding=1)
assert_close(out_s, out_p[:, :, ::2, ::2], "stride 2 should equal stride 1 with every second row and column kept")

assert_raises(ValueError, conv2d_forward, np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3)), np.zeros(2))
assert_raises(ValueError, conv2d_forward, np.ones((1, 3, 5, 5)), np.ones((2, 3, 3, 3)), np.zeros(3))
print("conv2d_forward: all visible tests passed")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 4. A layer on a colour photo
#
# Time to run your layer on real data: the colour portrait from assignment 2, as a batch of one
# image with $C = 3$ channels. The layer below has $F = 4$ hand-made kernels, each with one
# slice per colour channel:
#
# - **grey**: a $1 \times 1$ kernel that mixes the channels into brightness (0.3 R + 0.6 G + 0.1 B);
# - **red minus blue**: another $1 \times 1$ mix, bright where the photo is reddish;
# - **vertical edges**: a Sobel kernel repeated on all three channels, so colour edges add up;
# - **horizontal edges**: the same kernel transposed.
#
# Since the $1 \times 1$ and $3 \times 3$ kernels must share one weight array, the $1 \times 1$ ones
# are written as $3 \times 3$ kernels that are zero except in the middle; padding 1 keeps the
# output the size of the input. A trained network's first layer learns kernels of this kind.
#
# Look for a thin bright or dark frame around the two edge maps: that is the zero padding. At
# the border the kernel sees a jump from the photo to the padded zeros, and reports it as an
# edge. The grey and colour maps have no frame because their kernels only read the middle pixel.

# %% tags=["autograder:skip"]
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

# %% [markdown]
# ## Summary
#
# - A kernel has one slice per input channel; the per-channel correlations are **summed** into
#   one output map.
# - $F$ kernels, stacked as $(F, C, K_H, K_W)$, give $F$ output channels.
# - The layer adds a batch axis, a bias per output channel, zero padding and a stride:
#   $(N, C, H, W) \to (N, F, O_H, O_W)$.
#
# Next, in assignment 4, you compute the gradients that let such a layer learn.
