# %% [markdown]
# # Assignment 4 · Backpropagation through convolution
#
# A network learns by **gradient descent**. Its output is scored by a **loss** $L$, a single
# number that is small when the network's answers are good (for example the squared
# difference between its outputs and the correct ones). After each batch the network needs the
# derivative of $L$ with respect to every kernel weight, to nudge each weight a little in the
# direction that makes $L$ smaller ("downhill"). To get those derivatives,
# **backpropagation** walks through the layers from the last to the first; each layer receives
# $\partial L / \partial y$ for its own output $y$ (the *upstream gradient*) and must return
#
# - $\partial L / \partial w$ (and $\partial L / \partial b$): how to change its own parameters;
# - $\partial L / \partial x$: the upstream gradient for the layer before it.
#
# The punchline of this assignment: **the gradients of a convolution are convolutions again.**
#
# | function | returns |
# |---|---|
# | `corr1d_backward(x, w, dy)` | `(dx, dw)` for `y = corr1d(x, w)` |
# | `numerical_gradient(f, x, h=1e-5)` | the gradient of a scalar function, by finite differences |
# | `conv2d_backward(x, w, b, dout, stride=1, padding=0)` | `(dx, dw, db)` for the layer of assignment 3 |
#
# In that order: you write the numerical gradient before the layer's backward pass, so that you
# can check the layer with your own tool (sections 3 and 4).
#
# Notation: `dy` stands for $\partial L/\partial y$ and has the shape of `y`; likewise `dx` has
# the shape of `x`, `dw` the shape of `w`.
#
# As in assignments 2 and 3, inputs may be Python lists or NumPy arrays of ints or floats;
# always return `float64` NumPy arrays (`np.asarray(x, dtype=float)` at the start takes care of
# both).

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
# The next cell gives you the forward passes of assignments 2 and 3 (`corr1d`, `corr2d` and
# `conv2d_forward`), so your backward passes can be checked against them, and a small checking
# helper used by the tests, explained in section 4. Run it.

# %% nbgrader={"grade": false, "grade_id": "given", "locked": true, "schema_version": 3, "solution": false}
# Given: the forward passes of assignments 2 and 3, so you can test your backward passes here.

def corr1d(x, w):
    """Valid 1D cross-correlation, x: (L,), w: (K,) -> (L-K+1,). NumPy's np.correlate does it."""
    return np.correlate(np.asarray(x, dtype=float), np.asarray(w, dtype=float), mode="valid")


def corr2d(x, w):
    """Valid 2D cross-correlation, x: (H, W), w: (KH, KW) -> (H-KH+1, W-KW+1): the layer below
    with one sample, one channel, one filter and no bias."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    return conv2d_forward(x[None, None], w[None, None], np.zeros(1))[0, 0]


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
    """Compare your gradients with the loss along one random direction (see section 4).

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


# %% [markdown]
# ## 1. One dimension, by hand
#
# **Which derivative?** Assignment 2, section 6 showed the lecture's identity
# $[f * g]' = f * g'$: a derivative with respect to *position*, how the output changes as you
# move along the signal. Backpropagation needs another kind of derivative: how the loss $L$
# changes when one of the *numbers* in the computation changes, an input value $x[m]$ or a
# weight $w[p]$, with every position left where it is. Those are $\partial L/\partial x[m]$ and
# $\partial L/\partial w[p]$, and they are what this assignment computes. (They turn out to be
# correlations and convolutions too, but for another reason: the chain rule, below.)
#
# Take the forward pass $y = \text{corr1d}(x, w)$, that is
# $y[i] = \sum_{p=0}^{K-1} w[p]\, x[i + p]$ for $i = 0, \dots, L-K$, and suppose the rest of the
# network has told us $dy[i] = \partial L/\partial y[i]$. The chain rule says: the derivative of
# $L$ with respect to any number $z$ is the sum, over all outputs that $z$ influences, of
# $dy[i]$ times $\partial y[i]/\partial z$.
#
# **The lecture's picture.** The lecture draws this with 5 inputs, 3 weights and 3 outputs, and
# numbers from 1 (in code the lecture's $x_1$ is `x[0]`):
#
# $$y_1 = w_1 x_1 + w_2 x_2 + w_3 x_3, \qquad y_2 = w_1 x_2 + w_2 x_3 + w_3 x_4, \qquad
# y_3 = w_1 x_3 + w_2 x_4 + w_3 x_5 .$$
#
# Write $\delta_i = \partial L/\partial y_i$ for the upstream gradient (`dy[i - 1]` in code).
# Every edge of the graph below is one product $w_p\, x_{i+p-1}$ inside $y_i$; backward, that
# edge carries $\delta_i w_p$ back to the input and $\delta_i x_{i+p-1}$ to the weight. The
# colour of an edge says which weight it uses.
#
# - **Left, into the inputs.** $x_3$ is used by all three outputs: by $y_1$ through $w_3$, by
#   $y_2$ through $w_2$, by $y_3$ through $w_1$. So
#   $\partial L/\partial x_3 = \delta_1 w_3 + \delta_2 w_2 + \delta_3 w_1$: the deltas count up
#   while the weights count down. **The kernel arrives flipped**, and that is why the input
#   gradient is a true convolution rather than a correlation.
# - **Right, into the weights.** The same edges, grouped by colour. $w_1$ is used once in every
#   output, on $x_1$, $x_2$ and $x_3$, so
#   $\partial L/\partial w_1 = x_1 \delta_1 + x_2 \delta_2 + x_3 \delta_3$; likewise
#   $\partial L/\partial w_2 = x_2 \delta_1 + x_3 \delta_2 + x_4 \delta_3$ and
#   $\partial L/\partial w_3 = x_3 \delta_1 + x_4 \delta_2 + x_5 \delta_3$. Here nothing is
#   flipped: the deltas slide along $x$, a correlation of $x$ with $\delta$.

# %% tags=["autograder:skip"]
def draw_flow(x, w, dy, symbolic=False):
    """y = corr1d(x, w) drawn as a graph: inputs on top, outputs below, one edge per product.

    With numbers: the forward pass (left) and the backward pass into x (right), with the totals
    from your corr1d_backward. symbolic=True: x, w and dy are lists of names (the lecture's x1,
    w1, δ1, ...); both panels are backward, into the inputs (left) and into the weights (right).
    """
    if not symbolic:
        x, w, dy = (np.asarray(a, dtype=float) for a in (x, w, dy))
    L, K = len(x), len(w)
    n_out = L - K + 1
    colors = ["#e06666", "#6aa84f", "#3d85c6", "#b45f06", "#8e7cc3"]

    def num(v):  # a number as a factor: brackets around negatives
        return f"{v:g}" if v >= 0 else f"({v:g})"

    dx = dw = None
    note = ""
    if not symbolic:
        y = corr1d(x, w)
        try:
            dx, dw = corr1d_backward(x, w, dy)
        except (NameError, NotImplementedError):   # not written (or its cell not run) yet
            note = "(write corr1d_backward below, then run this cell again)"
    panels = ("into x", "into w") if symbolic else ("forward", "into x")
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6 if symbolic else 3.6))
    for ax, panel in zip(axes, panels):
        for i in range(n_out):
            for p in range(K):
                xm, ym = i + p, i + (K - 1) / 2          # outputs sit under their window
                start, end = ((xm, 0.98), (ym, 0.02)) if panel == "forward" else ((ym, 0.02), (xm, 0.98))
                ax.annotate("", xy=end, xytext=start, arrowprops=dict(  # into w: no direction
                    arrowstyle="-" if panel == "into w" else "-|>", color=colors[p % len(colors)],
                    lw=2, alpha=0.8))
                t = 0.3 + 0.4 * (p / max(K - 1, 1))      # spread labels along the edges
                lx, ly = xm + (ym - xm) * t, 1 - t
                if panel == "forward":
                    label = f"w{p}"
                elif panel == "into w":
                    label = f"{x[i + p]}·{dy[i]}"
                else:
                    label = f"{dy[i]}·{w[p]}" if symbolic else f"{dy[i]:g}·{num(w[p])}"
                ax.text(lx, ly, label, fontsize=9 if symbolic else 8, ha="center", va="center",
                        color=colors[p % len(colors)] if symbolic else "black",
                        bbox=dict(facecolor="white", edgecolor="none", pad=0.5))
        for m in range(L):
            if panel == "forward":
                top = f"x[{m}]\n= {x[m]:g}"
            elif panel == "into w":
                top = f"{x[m]}"
            elif symbolic:                               # every term that arrives at x[m]
                terms = [f"{dy[i]}·{w[m - i]}" for i in range(n_out) if 0 <= m - i < K]
                top = f"∂L/∂{x[m]} =\n" + "\n+ ".join(terms)
            else:
                top = f"dx[{m}]\n= " + ("?" if dx is None else f"{dx[m]:g}")
            every_weight = symbolic and panel == "into x" and K - 1 <= m <= L - K  # like x3
            ax.text(m, 1.12, top, ha="center", va="bottom", fontsize=9,
                    bbox=dict(facecolor="#ffe599" if every_weight else "#cfe2f3", edgecolor="black"))
        for i in range(n_out):
            if panel == "forward":
                bottom = f"y[{i}] = {y[i]:g}"
            else:
                bottom = f"{dy[i]}" if symbolic else f"dy[{i}] = {dy[i]:g}"
            ax.text(i + (K - 1) / 2, -0.12, bottom, ha="center", va="top", fontsize=9,
                    bbox=dict(facecolor="#f6b26b", edgecolor="black"))
        if panel == "into w":                            # the sums that reach each weight
            for p in range(K):
                terms = " + ".join(f"{x[i + p]}·{dy[i]}" for i in range(n_out))
                ax.text((L - 1) / 2, -0.42 - 0.17 * p, f"∂L/∂{w[p]} = {terms}", ha="center",
                        va="top", fontsize=10, color=colors[p % len(colors)])
        ax.set_xlim(-0.7, L - 0.3)
        ax.set_ylim(-0.55 - 0.17 * K if symbolic else -0.6, 2.1 if symbolic else 1.6)
        ax.axis("off")
    if symbolic:
        axes[0].set_title("backward into the inputs: edge δi·wp goes back to its input", fontsize=10)
        axes[1].set_title("backward into the weights: each edge adds x·δ to the weight of its colour",
                          fontsize=10)
    else:
        axes[0].set_title("forward: y[i] = sum_p w[p] x[i+p]", fontsize=10)
        dw_text = ("dw = [" + ", ".join(f"{v:.4g}" for v in dw) + "]") if dw is not None else note
        axes[1].set_title("backward: dx[m] = sum of the arriving dy[i]·w[p]\n" + dw_text, fontsize=10)
    plt.tight_layout()
    plt.show()


draw_flow(x=["x1", "x2", "x3", "x4", "x5"], w=["w1", "w2", "w3"], dy=["δ1", "δ2", "δ3"],
          symbolic=True)


# %% [markdown]
# Now the same with the code's 0-based indices, for any lengths $L$ and $K$.
#
# **Gradient for the kernel.** Weight $w[p]$ appears in *every* output, multiplied by
# $x[i + p]$, so $\partial y[i]/\partial w[p] = x[i+p]$ and
#
# $$dw[p] = \sum_{i} dy[i]\; x[i + p] .$$
#
# That is a correlation again: slide `dy` (length $L-K+1$) over `x` (length $L$). The output
# has length $L - (L-K+1) + 1 = K$, the size of `w`, as it must:
# $\;dw = \text{corr1d}(x, dy)$.
#
# **Gradient for the input.** Input $x[m]$ appears in output $y[i]$ when $m = i + p$ for some
# kernel index $p$, that is with weight $w[m - i]$ whenever $0 \le m - i \le K-1$. So
#
# $$dx[m] = \sum_{i} dy[i]\; w[m - i] \qquad (\text{terms with } m - i \text{ outside } 0..K-1 \text{ are zero}).$$
#
# This has exactly the form $\sum_i a[i]\, b[m - i]$ of a **true convolution** (assignment 2,
# section 1) of `dy` with `w`, but in **full** mode: $m$ runs over all $L$ inputs, including
# the border ones that only some outputs touch. Full mode is valid mode after padding `dy` with
# $K-1$ zeros on both sides: $(L-K+1) + 2(K-1) - K + 1 = L$ outputs. In NumPy,
# `np.convolve(dy, w, mode="full")`; equivalently, correlate the zero-padded `dy` with the
# reversed kernel `w[::-1]`, the flipped kernel of the lecture's picture.
#
# **Worked example.** $x = [1, 2, 3, 4]$, $w = [1, 0, -1]$ gives $y = [-2, -2]$. With
# $dy = [1, 2]$:
#
# - $dw = [1\cdot1 + 2\cdot2,\; 1\cdot2 + 2\cdot3,\; 1\cdot3 + 2\cdot4] = [5, 8, 11]$;
# - $dx[0] = dy[0]\,w[0] = 1$, $dx[1] = dy[0]\,w[1] + dy[1]\,w[0] = 2$,
#   $dx[2] = dy[0]\,w[2] + dy[1]\,w[1] = -1$, $dx[3] = dy[1]\,w[2] = -2$; so $dx = [1, 2, -1, -2]$.
#
# The picture shows the same computation with these numbers. Forward (left), every output
# gathers $K$ inputs, each through one weight (colour = kernel index $p$). Backward (right), the
# gradient flows back along the same edges: edge $x[i+p] \to y[i]$ carries $dy[i] \cdot w[p]$
# back to $x[i+p]$, and each $dx[m]$ is the sum of what arrives. The totals at the top come
# from *your* `corr1d_backward`: they show "?" until you have written it, and the picture is
# drawn again after the exercise.

# %% tags=["autograder:skip"]
draw_flow(x=[1, 2, 3, 4], w=[1, 0, -1], dy=[1, 2])


# %% [markdown]
# ### Your turn: `corr1d_backward`
#
# Write `corr1d_backward(x, w, dy)` returning the tuple `(dx, dw)` as float64 arrays of the
# shapes of `x` and `w`. You may use the formulas directly: the given `corr1d` and
# `np.convolve(..., mode="full")`. Or write loops that follow the forward pass: for every $i$
# and $p$, `dw[p] += dy[i] * x[i + p]` and `dx[i + p] += dy[i] * w[p]`. Mind the `+=`: one
# input receives gradient from several outputs.

# %% nbgrader={"grade": false, "grade_id": "corr1d_backward", "locked": false, "schema_version": 3, "solution": true}
def corr1d_backward(x, w, dy):
    """Gradients of y = corr1d(x, w), given dy = dL/dy.

    x: (L,), w: (K,), dy: (L - K + 1,).
    Returns (dx, dw): dx (L,) = full convolution of dy with w,
    dw (K,) = corr1d(x, dy); both float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr1d_backward here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr1d_backward", "locked": true, "schema_version": 3, "solution": false}
result = corr1d_backward([1, 2, 3, 4], [1, 0, -1], [1, 2])
assert isinstance(result, tuple) and len(result) == 2, f"expected a tuple (dx, dw), got {type(result).__name__}"
dx, dw = result
assert_close(dx, [1, 2, -1, -2], "dx of the worked example (x=[1,2,3,4], w=[1,0,-1], dy=[1,2])",
             mistakes={(1, 2, 0, -2): "dx is overwritten with = instead of accumulated with +=: "
                                      "x[j] is used by several outputs, and each adds its share",
                       (1, 0, -1, -2): "dx is overwritten with = instead of accumulated with +=: "
                                       "x[j] is used by several outputs, and each adds its share",
                       (-1, -2, 1, 2): "dx uses the kernel the wrong way round: dx is the FULL "
                                       "convolution of dy with w"})
assert_close(dw, [5, 8, 11], "dw of the worked example",
             mistakes={(4, 6, 8): "dw is overwritten with = instead of accumulated with +=: "
                                  "every output adds dy[i] * x[i + p] to dw[p]",
                       (11, 8, 5): "dw is reversed: dw[p] = sum_i dy[i] * x[i + p]"})

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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# The graph of section 1 again, now with the totals computed by your `corr1d_backward`; below
# it a second example with a 2-tap kernel. At every `dx[m]` the arriving edge labels must add
# up to the number shown.

# %% tags=["autograder:skip"]
draw_flow(x=[1, 2, 3, 4], w=[1, 0, -1], dy=[1, 2])
draw_flow(x=[2, -1, 0, 3, 1], w=[1, 2], dy=[1, -1, 2, 0])


# %% [markdown]
# ## 2. Numerical gradients: a check for any backward pass
#
# Before the 2D layer, a tool to check it with. Backward passes are easy to get subtly wrong
# and hard to debug by staring. The classic
# safety net is to compare them with a gradient measured straight from the definition of the
# derivative. For a scalar function $f$ of an array $x$, nudge one element at a time:
#
# $$\frac{\partial f}{\partial x_k} \approx \frac{f(x + h\, e_k) - f(x - h\, e_k)}{2h}$$
#
# where $e_k$ is the array with a 1 at position $k$ and 0 elsewhere. This **central difference**
# is much more accurate than the one-sided $(f(x + h e_k) - f(x))/h$: its error shrinks like
# $h^2$ instead of $h$. Don't make $h$ too small either: $f(x + h e_k)$ and $f(x - h e_k)$ then
# agree in almost all their digits, and the subtraction leaves mostly rounding noise (of size
# about $10^{-16}/h$). In float64, $h \approx 10^{-5}$ balances both errors. The plot after the
# exercise shows this trade-off.
#
# It costs two evaluations of $f$ per element, so it is only for small test inputs; the real
# backward pass gets all gradients for about the cost of one forward pass. For a quadratic
# such as $f(x) = \sum x^2$ the central difference is exact for *any* $h$, while the one-sided
# one is off by $h$: the tests use that to tell the two apart.
#
# Write `numerical_gradient(f, x, h=1e-5)`:
#
# - `f` takes an array shaped like `x` and returns a number;
# - return an array of the shape of `x`, float64, with the central difference for every element
#   (`np.ndindex(x.shape)` walks over all index tuples of any shape);
# - work on a float64 **copy** of `x` (`np.array(x, dtype=float)`, which also turns a Python
#   list into an array): an integer array cannot hold $x + 10^{-5}$, and the caller's `x` must
#   be left unchanged; put every element back after nudging it.

# %% nbgrader={"grade": false, "grade_id": "numerical_gradient", "locked": false, "schema_version": 3, "solution": true}
def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function f at x.

    f: callable taking an array shaped like x and returning a float.
    x: array or nested list of any shape (ints allowed); it is left unchanged.
    Returns grad: float64 array shaped like x, grad[k] = (f(x + h e_k) - f(x - h e_k)) / (2h).
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write numerical_gradient here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_numerical_gradient", "locked": true, "schema_version": 3, "solution": false}
x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.5]])
x_before = x.copy()
grad = numerical_gradient(lambda z: np.sum(z ** 2), x)
assert np.array_equal(x, x_before), (
    f"numerical_gradient changed its input x (largest change {np.max(np.abs(x - x_before)):.3g}): "
    "work on a float copy of x, or put every element back after nudging it")

# A quadratic and a big step h = 0.5: the central difference is exact, a one-sided one is off by h.
one_sided = "this is a one-sided difference {}; use the central difference (f(x + h e_i) - f(x - h e_i)) / (2h)"
assert_close(numerical_gradient(lambda z: np.sum(z ** 2), np.array([1.0, -2.0, 0.5]), h=0.5), [2, -4, 1],
             "gradient of sum(x**2) at x = [1, -2, 0.5] with h = 0.5 (exact for a quadratic, any h)",
             rtol=1e-6, atol=1e-6,
             mistakes={(2.5, -3.5, 1.5): one_sided.format("(f(x + h e_i) - f(x)) / h") + ", whose error "
                                         "is about h^2 instead of h",
                       (1.5, -4.5, 0.5): one_sided.format("(f(x) - f(x - h e_i)) / h"),
                       (4, -8, 2): "the central difference is divided by h; the two points are 2h apart, "
                                   "so divide by 2h"})
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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% tags=["autograder:skip"]
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




# %% [markdown]
# **Try it on your `corr1d_backward`.** The next cell compares your `corr1d_backward` of
# section 1 with your `numerical_gradient` applied to the forward pass, element by element, on
# small random inputs. The loss is $L = \sum_i dy[i]\, y[i]$: its derivative with respect to
# $y[i]$ is exactly $dy[i]$, so its gradients with respect to $x$ and $w$ are what
# `corr1d_backward(x, w, dy)` returns. This is how you would test any new layer: when the two
# agree to many digits, the backward pass is almost certainly right. Sections 3 and 4 use
# `compare` again.

# %% tags=["autograder:skip"]
def compare(name, analytic, numeric):
    """Print the largest difference of a backward pass from a numerical gradient (relative to
    the gradient's size, at least 1), and OK or MISMATCH."""
    err = np.max(np.abs(np.asarray(analytic) - numeric)) / max(1.0, np.max(np.abs(numeric)))
    print(f"{name:<36} largest relative difference {err:.1e}  {'OK' if err < 1e-6 else 'MISMATCH'}")


rng = np.random.default_rng(3)
x, w = rng.normal(size=7), rng.normal(size=3)
dy = rng.normal(size=5)
try:
    dx, dw = corr1d_backward(x, w, dy)
    compare("corr1d_backward: dx", dx, numerical_gradient(lambda z: np.sum(dy * corr1d(z, w)), x))
    compare("corr1d_backward: dw", dw, numerical_gradient(lambda z: np.sum(dy * corr1d(x, z)), w))
except (NameError, NotImplementedError):   # not written (or their cells not run) yet
    print("Write numerical_gradient above first (and corr1d_backward in section 1), run their "
          "cells, then run this cell again.")


# %% [markdown]
# ## 3. Warm-up in 2D: one channel, stride 1
#
# Before the full layer, section 1 once more in two dimensions, with one channel, stride 1 and
# no padding: $y = \text{corr2d}(x, w)$ for $x$ of shape $(H, W)$ and $w$ of shape
# $(K_H, K_W)$, that is $y[i, j] = \sum_{p, q} w[p, q]\; x[i + p,\, j + q]$. The chain rule
# works as in 1D, with a pair of indices in place of one:
#
# - **Kernel.** $dw[p, q] = \sum_{i, j} dy[i, j]\; x[i + p,\, j + q]$: slide `dy` over `x`,
#   $\;dw = \text{corr2d}(x, dy)$, of shape $(K_H, K_W)$ as it must be.
# - **Input.** $dx[m, n] = \sum_{i, j} dy[i, j]\; w[m - i,\, n - j]$ (terms outside the kernel
#   are zero): the **full 2D convolution** of `dy` with `w`. Written as a correlation: pad `dy`
#   with $K_H - 1$ rows and $K_W - 1$ columns of zeros on every side and slide the kernel
#   **rotated by 180 degrees**, `w[::-1, ::-1]` (flipped along both axes), over it:
#   $\;dx = \text{corr2d}(\text{padded } dy,\; w[::-1, ::-1])$, of shape $(H, W)$.
#
# **Worked example**, with the lecture's numbers: $x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]$ and
# $w = [[0, 1], [2, 3]]$ give $y = [[19, 25], [37, 43]]$. Take $dy = [[1, 2], [-1, 1]]$.
#
# - $dw[0, 0] = 1\cdot0 + 2\cdot1 + (-1)\cdot3 + 1\cdot4 = 3$: `dy` laid on the top-left
#   corner of `x`. Moving it gives the other three: $dw = [[3, 6], [12, 15]]$.
# - $x[1, 1]$ sits in all four windows: under $w[1, 1]$ in $y[0, 0]$, under $w[1, 0]$ in
#   $y[0, 1]$, under $w[0, 1]$ in $y[1, 0]$ and under $w[0, 0]$ in $y[1, 1]$. So
#   $dx[1, 1] = 1\cdot3 + 2\cdot2 + (-1)\cdot1 + 1\cdot0 = 6$: while `dy` is read forwards, `w`
#   is read backwards along both axes, the rotated kernel. All of it:
#   $dx = [[0, 1, 2], [2, 6, 7], [-2, -1, 3]]$.
#
# The picture shows $dx[1, 1]$ as a correlation: the rotated kernel (small numbers) lies on the
# zero-padded `dy`, and the products add up to the outlined cell of `dx`.

# %% tags=["autograder:skip"]
def show_full_convolution(dy, w, at=(1, 1)):
    """dx = corr2d(zero-padded dy, w rotated by 180 degrees), and how dx[at] comes about."""
    dy, w = np.asarray(dy, dtype=float), np.asarray(w, dtype=float)
    KH, KW = w.shape
    rotated = w[::-1, ::-1]
    padded = np.pad(dy, ((KH - 1, KH - 1), (KW - 1, KW - 1)))
    dx = corr2d(padded, rotated)
    r, c = at
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.6), gridspec_kw=dict(width_ratios=[2, 2, 4, 3]))

    def grid(ax, a, title, color="#cfe2f3", dim=None):
        ax.imshow(np.zeros(a.shape), cmap="Greys", vmin=0, vmax=1)  # a white board with a grid
        for (i, j), v in np.ndenumerate(a):
            grey = dim is not None and dim[i, j]
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="#f3f3f3" if grey else color,
                                       edgecolor="black", lw=0.8))
            ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=12,
                    color="0.55" if grey else "black")
        ax.set_title(title, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])

    grid(axes[0], w, "w")
    grid(axes[1], rotated, "w rotated by 180°\nw[::-1, ::-1]", color="#fce5cd")
    is_pad = np.ones(padded.shape, dtype=bool)
    is_pad[KH - 1:KH - 1 + dy.shape[0], KW - 1:KW - 1 + dy.shape[1]] = False
    grid(axes[2], padded, f"dy, zero-padded by KH - 1 = {KH - 1} rows\nand KW - 1 = {KW - 1} columns",
         color="#f9cb9c", dim=is_pad)
    terms = []
    for p in range(KH):
        for q in range(KW):
            axes[2].text(c + q + 0.42, r + p + 0.4, f"×{rotated[p, q]:g}", ha="right", va="bottom",
                         fontsize=9, color="#783f04", fontweight="bold")
            v = padded[r + p, c + q]
            if not is_pad[r + p, c + q]:
                terms.append(f"{v:g}·{rotated[p, q]:g}" if v >= 0 else f"({v:g})·{rotated[p, q]:g}")
    axes[2].add_patch(plt.Rectangle((c - 0.5, r - 0.5), KW, KH, fill=False, edgecolor="#b45f06", lw=3))
    grid(axes[3], dx, "dx = corr2d(padded dy,\nrotated w)")
    axes[3].add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="#b45f06", lw=3))
    fig.suptitle(f"dx[{r}, {c}] = " + " + ".join(terms) + f" = {dx[r, c]:g}", fontsize=11)
    plt.tight_layout()
    plt.show()


show_full_convolution(dy=[[1, 2], [-1, 1]], w=[[0, 1], [2, 3]])


# %% [markdown]
# Check both formulas with your `numerical_gradient` on random numbers: the loss
# $L = \sum_{i, j} dy[i, j]\, y[i, j]$ has exactly `dw` and `dx` as its gradients. (A check, not
# an exercise: nothing here is graded. It runs once `numerical_gradient` works.)

# %% tags=["autograder:skip"]
rng = np.random.default_rng(4)
x, w = rng.normal(size=(5, 4)), rng.normal(size=(3, 2))
dy = rng.normal(size=corr2d(x, w).shape)                  # (3, 3)
KH, KW = w.shape
dw_formula = corr2d(x, dy)
dx_formula = corr2d(np.pad(dy, ((KH - 1, KH - 1), (KW - 1, KW - 1))), w[::-1, ::-1])
try:
    compare("2D warm-up: dw = corr2d(x, dy)", dw_formula,
            numerical_gradient(lambda z: np.sum(dy * corr2d(x, z)), w))
    compare("2D warm-up: dx = full convolution", dx_formula,
            numerical_gradient(lambda z: np.sum(dy * corr2d(z, w)), x))
except (NameError, NotImplementedError):   # not written (or its cell not run) yet
    print("Write numerical_gradient above first, run its cell (and the one defining compare), "
          "then run this cell again.")


# %% [markdown]
# ## 4. The multi-channel layer
#
# The layer of assignment 3 computes, with $x_{\text{pad}}$ the zero-padded input and $s$ the stride,
#
# $$\text{out}[n, f, i, j] = b[f] + \sum_{c, p, q} w[f, c, p, q]\;
# x_{\text{pad}}[n,\, c,\, i s + p,\, j s + q].$$
#
# The same chain-rule reasoning as in 1D, one parameter at a time, with `dout` the upstream
# gradient of shape $(N, F, O_H, O_W)$:
#
# - **Bias.** $b[f]$ is added to every output pixel of channel $f$ in every image, with
#   derivative 1: $\;db[f] = \sum_{n, i, j} \text{dout}[n, f, i, j]$.
# - **Kernel.** $w[f, c, p, q]$ multiplies $x_{\text{pad}}[n, c, is+p, js+q]$ in output
#   $(n, f, i, j)$: $\;dw[f, c, p, q] = \sum_{n, i, j} \text{dout}[n, f, i, j]\;
#   x_{\text{pad}}[n, c, is+p, js+q]$. For stride 1 this is `corr2d(xpad[n, c], dout[n, f])`
#   summed over the batch: the warm-up's $dw = \text{corr2d}(x, dy)$ of section 3, once per
#   sample, **added up** over the samples.
# - **Input.** Every output pixel read one window of $x_{\text{pad}}$; backward, it sends
#   $\text{dout}[n, f, i, j]\, w[f, c, p, q]$ back to each cell of that window. Overlapping
#   windows **add up**. With a stride, output $(i, j)$ read the window that starts at
#   $(i s, j s)$, so that is where its gradient goes back to, not to $(i, j)$. Finally cut the
#   padding off: those cells are constants, not inputs. For stride 1 this is the warm-up's full
#   convolution of `dout` with `w` (the kernel rotated by 180 degrees), summed over $f$.
#
# The easiest way to get all of it right is to mirror the forward loop. Where the forward pass
# *reads* a window and a kernel and *writes* one output, the backward pass *reads* that one
# output's gradient and *adds* into the window's and the kernel's gradients:
#
# ```
# forward:   out[n, :, i, j] = sum over (c, p, q) of window * w  (+ b)
# backward:  dxpad[n, :, window rows, window cols] += sum over f of dout[n, f, i, j] * w[f]
#            dw[f]                                 += dout[n, f, i, j] * window
# ```
#
# How the tests check your gradients: the loss $L = \sum \text{dout} \cdot \text{out}$ has
# exactly the gradients above. Move $x$ a little along a random direction $u$ and see how
# fast $L$ changes: $(L(x + hu) - L(x - hu))/2h$. By the chain rule this rate must equal
# $\sum dx \cdot u$. Because the layer is linear in $x$ (and in $w$ and $b$), this holds for any
# step $h$ up to rounding. This is `check_directional` in the given cell: a whole gradient
# checked with two forward passes. Your `numerical_gradient` does it element by element, in the
# check at the end of this section.

# %% [markdown]
# ### Your turn: `conv2d_backward`
#
# Write `conv2d_backward(x, w, b, dout, stride=1, padding=0)` returning `(dx, dw, db)` with the
# shapes of `x`, `w` and `b` (float64). `b` itself does not enter any gradient; it is passed so
# that the signature mirrors `conv2d_forward`. Work on the padded input and slice the padding
# off `dxpad` at the end (`dxpad[:, :, padding:padding + H, padding:padding + W]`).

# %% nbgrader={"grade": false, "grade_id": "conv2d_backward", "locked": false, "schema_version": 3, "solution": true}
def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    """Gradients of out = conv2d_forward(x, w, b, stride, padding), given dout = dL/dout.

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,), dout: (N, F, OH, OW),
    stride and padding: ints, as in conv2d_forward.
    Returns (dx, dw, db) with shapes (N, C, H, W), (F, C, KH, KW), (F,), all float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv2d_backward here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv2d_backward", "locked": true, "schema_version": 3, "solution": false}
# The first cases have one sample, one channel and one filter: dx[0, 0] and dw[0, 0] are plain 2D
# arrays you can check by hand.
def single(a, name):
    """a[0, 0] of a gradient shaped (1, 1, rows, columns)."""
    assert np.ndim(a) == 4 and np.shape(a)[:2] == (1, 1), (
        f"{name}: with one sample, one channel and one filter expected a shape (1, 1, rows, columns), "
        f"got shape {np.shape(a)}")
    return a[0, 0] if isinstance(a, np.ndarray) else a

plus_equals = "dx is overwritten with = instead of accumulated with +=: windows overlap, so only the last " \
              "window position survived"

# w = dout = 1: dx counts how many 3x3 windows cover each pixel of a 4x4 input.
result = conv2d_backward(np.zeros((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), np.zeros(1), np.ones((1, 1, 2, 2)))
assert isinstance(result, tuple) and len(result) == 3, f"expected a tuple (dx, dw, db), got {type(result).__name__}"
dx, dw, db = result
assert_close(single(dx, "dx"), [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]],
             "dx[0, 0] with w = dout = 1: the number of windows covering each pixel",
             mistakes={((1, 1, 1, 1),) * 4: plus_equals})

# The warm-up of section 3 as a layer: dx is the full convolution of dout with w (kernel rotated).
x, w = np.arange(9.0).reshape(1, 1, 3, 3), np.array([[[[0.0, 1.0], [2.0, 3.0]]]])
dx, dw, db = conv2d_backward(x, w, np.zeros(1), np.array([[[[1.0, 2.0], [-1.0, 1.0]]]]))
assert_close(single(dx, "dx"), [[0, 1, 2], [2, 6, 7], [-2, -1, 3]], "dx[0, 0] of the warm-up example",
             mistakes={((3, 8, 4), (-2, 3, 2), (-1, 1, 0)):
                       "dx uses the kernels the wrong way round: dx is a FULL convolution of dout with w "
                       "(w rotated by 180 degrees, w[:, :, ::-1, ::-1], when written as a correlation)"})
assert_close(single(dw, "dw"), [[3, 6], [12, 15]], "dw[0, 0] of the warm-up example: corr2d(x, dout)")

# A batch of two: image 0 is 0..15 with dout = 1, image 1 is all ones with dout = 2. Both add up.
x = np.stack([np.arange(16.0).reshape(4, 4), np.ones((4, 4))])[:, None]               # (2, 1, 4, 4)
dout = np.stack([np.ones((2, 2)), 2 * np.ones((2, 2))])[:, None]                      # (2, 1, 2, 2)
dx, dw, db = conv2d_backward(x, np.ones((1, 1, 3, 3)), np.zeros(1), dout)
last_only = "only the last sample of the batch contributes: dw and db sum over all N samples (+=, not =)"
assert_close(single(dw, "dw"), [[18, 22, 26], [34, 38, 42], [50, 54, 58]],
             "dw[0, 0] for a batch of 2: the 2x2 block sums of image 0, plus 2 * 4 from image 1",
             mistakes={((8, 8, 8),) * 3: last_only})
assert_close(db, [12], "db for a batch of 2: dout summed over the samples and the pixels, 4 * 1 + 4 * 2",
             mistakes={(8,): last_only,
                       ((4,), (8,)): "db is not summed over the batch: db[f] = dout[:, f].sum(), over "
                                     "samples AND pixels (axes 0, 2, 3), shape (F,)",
                       (((3, 3), (3, 3)),): "db is not summed over the pixels: db[f] = dout[:, f].sum(), "
                                            "over samples AND pixels (axes 0, 2, 3), shape (F,)"})

# Stride 2: output (i, j) read the window at (2i, 2j); its gradient goes back there.
dx, dw, db = conv2d_backward(np.zeros((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), np.zeros(1),
                             np.ones((1, 1, 2, 2)), stride=2)
assert_close(single(dx, "dx"), np.outer([1, 1, 2, 1, 1], [1, 1, 2, 1, 1]),
             "dx[0, 0] with w = dout = 1, stride 2: windows at rows and columns 0-2 and 2-4",
             mistakes={tuple(map(tuple, np.outer([1, 2, 2, 1, 0], [1, 2, 2, 1, 0]))):
                       "the stride is ignored in the backward pass: output pixel (i, j) came from the "
                       "window at (i*s, j*s), so its gradient goes back there",
                       ((1, 1, 1, 1, 1),) * 5: plus_equals})

# Padding 1: the gradient of the padded 5x5 input, with the padding cut off, is 3x3.
dx, dw, db = conv2d_backward(np.zeros((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), np.zeros(1),
                             np.ones((1, 1, 3, 3)), padding=1)
assert_close(single(dx, "dx"), [[4, 6, 4], [6, 9, 6], [4, 6, 4]],
             "dx[0, 0] with w = dout = 1, padding 1: windows over the padded input, padding cut off",
             mistakes={tuple(map(tuple, np.outer([1, 2, 3, 2, 1], [1, 2, 3, 2, 1]))):
                       "dx still has the padding: compute the gradient of the padded input, then cut "
                       "the padding off, dxp[:, :, p:p+H, p:p+W]"})

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

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# One more picture: it uses *your* `conv2d_backward` with `w` and `dout` all ones: then $dx$ counts
# how many windows each input pixel belongs to. With stride 1 the middle pixels are read 9
# times and the corners once; with stride 2 the overlaps thin out. If you wrote `=` instead of
# `+=`, every count shows 1.

# %% tags=["autograder:skip"]
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


# %% [markdown]
# ### Check it with your own numerical gradient
#
# As for `corr1d_backward` in section 2: the next cell compares your `conv2d_backward`, element
# by element, with your `numerical_gradient` of the forward pass, on a small random layer with
# stride 2 and padding 1 (loss $L = \sum \text{dout} \cdot \text{out}$). When all three agree
# to many digits, your layer's backward pass is almost certainly right.

# %% tags=["autograder:skip"]
rng = np.random.default_rng(5)
x, w, b = rng.normal(size=(2, 2, 5, 4)), rng.normal(size=(3, 2, 2, 3)), rng.normal(size=3)
stride, padding = 2, 1
dout = rng.normal(size=conv2d_forward(x, w, b, stride, padding).shape)


def loss(x, w, b):
    return np.sum(dout * conv2d_forward(x, w, b, stride, padding))


try:
    dx, dw, db = conv2d_backward(x, w, b, dout, stride=stride, padding=padding)
    compare("conv2d_backward: dx", dx, numerical_gradient(lambda z: loss(z, w, b), x))
    compare("conv2d_backward: dw", dw, numerical_gradient(lambda z: loss(x, z, b), w))
    compare("conv2d_backward: db", db, numerical_gradient(lambda z: loss(x, w, z), b))
except (NameError, NotImplementedError):   # not written (or their cells not run) yet
    print("Write conv2d_backward above first (and numerical_gradient in section 2), run their "
          "cells, then run this cell again.")

# %% [markdown]
# ## Summary
#
# | forward | gradient for the kernel | gradient for the input |
# |---|---|---|
# | $y = \text{corr1d}(x, w)$ | $dw = \text{corr1d}(x, dy)$ | $dx = $ full convolution of $dy$ with $w$ |
# | $y = \text{corr2d}(x, w)$ | $dw = \text{corr2d}(x, dy)$ | $dx = $ full 2D convolution of $dy$ with $w$ (correlation with `w[::-1, ::-1]`) |
# | layer, stride 1, no padding | $dw[f, c] = \sum_n \text{corr2d}(x[n, c], \text{dout}[n, f])$ | $dx[n, c] = \sum_f$ full convolution of $\text{dout}[n, f]$ with $w[f, c]$ |
#
# - The bias gradient is the upstream gradient summed over everything but the channel.
# - Overlapping windows mean gradients **add up** (`+=`).
# - The kernel arrives flipped at the inputs (rotated by 180 degrees in 2D), not at the weights.
# - With a stride, each output's gradient goes back to the window it read, at $(is, js)$;
#   with padding, the gradient of the padded input is cut back to the input's size.
# - A central-difference numerical gradient is the reference any backward pass can be checked
#   against; for linear layers a single random direction already tells a lot.
#
# That is the whole convolution layer, forward and backward: the building block of every CNN.
