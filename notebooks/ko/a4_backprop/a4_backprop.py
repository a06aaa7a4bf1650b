# %% [markdown]
# # 과제 4 · 합성곱의 역전파
#
# 신경망은 **경사 하강법(gradient descent)**으로 학습합니다. 신경망의 출력은 **손실(loss)** $L$로
# 평가합니다. 손실은 신경망의 답이 좋을수록 작아지는 수 하나입니다(예를 들어 출력과 정답의 차를
# 제곱한 값). 신경망은 배치 하나를 처리할 때마다 모든 커널 가중치에 대한 $L$의 미분을 구하고,
# 각 가중치를 $L$이 작아지는 방향("내리막")으로 조금씩 옮깁니다. 이 미분들을 구하는 방법이
# **역전파(backpropagation)**입니다. 역전파는 마지막 층에서 첫 층까지 거꾸로 층을 거치며, 각 층은
# 자기 출력 $y$에 대한 $\partial L / \partial y$(*상류 그래디언트*, upstream gradient)를 받아
# 다음을 돌려주어야 합니다.
#
# - $\partial L / \partial w$(그리고 $\partial L / \partial b$): 자기 파라미터를 어떻게 바꿀지
# - $\partial L / \partial x$: 바로 앞 층에 넘겨줄 상류 그래디언트
#
# 이 과제의 핵심은 한 문장입니다: **합성곱의 그래디언트는 다시 합성곱입니다.**
#
# | 함수 | 반환값 |
# |---|---|
# | `corr1d_backward(x, w, dy)` | `y = corr1d(x, w)`에 대한 `(dx, dw)` |
# | `numerical_gradient(f, x, h=1e-5)` | 스칼라 함수의 그래디언트를 유한 차분으로 구한 값 |
# | `conv2d_backward(x, w, b, dout, stride=1, padding=0)` | 과제 3의 층에 대한 `(dx, dw, db)` |
#
# 이 순서대로 작성합니다. 층의 역전파보다 수치 미분을 먼저 작성하므로, 층을 여러분이 직접 만든
# 도구로 검사할 수 있습니다(3절과 4절).
#
# 표기법: `dy`는 $\partial L/\partial y$를 뜻하며 `y`와 모양(shape)이 같습니다. 마찬가지로 `dx`는
# `x`와, `dw`는 `w`와 모양이 같습니다.
#
# 과제 2, 3과 마찬가지로 입력은 정수나 실수로 된 파이썬 리스트일 수도, NumPy 배열일 수도 있습니다.
# 반환값은 언제나 `float64` NumPy 배열이어야 합니다(함수 첫머리의 `np.asarray(x, dtype=float)` 한
# 줄이면 두 경우 모두 해결됩니다).

# %% [markdown] tags=["ko", "glossary"]
# **용어.** 이 노트북은 다음 한국어 용어를 씁니다. 영어 자료와 코드의 이름을 읽을 때 참고하세요.
#
# | 한국어 | English |
# |---|---|
# | 역전파 | backpropagation |
# | 순전파 | forward pass |
# | 연쇄 법칙 | chain rule |
# | 손실 | loss |
# | 그래디언트 | gradient |
# | 상류 그래디언트 | upstream gradient |
# | 경사 하강법 | gradient descent |
# | 합성곱 | convolution |
# | 교차상관 | cross-correlation |
# | full 합성곱 | full convolution |
# | 커널 | kernel |
# | 필터 | filter |
# | 가중치 | weight |
# | 편향 | bias |
# | 입력 / 출력 | input / output |
# | 채널 | channel |
# | 배치 | batch |
# | 스트라이드 | stride |
# | 패딩 | padding |
# | 창 | window |
# | 행 / 열 | row / column |
# | 뒤집다 | flip |
# | 180도 회전 | rotate by 180 degrees |
# | 수치 미분 | numerical gradient |
# | 중심 차분 | central difference |
# | 한쪽 차분 | one-sided difference |
# | 간선 | edge (of a graph) |

# %% [markdown]
# **이 노트북으로 공부하는 법.** 위에서 아래로 읽으면서 모든 셀을 실행하세요(Shift+Enter).
# 과제는 `# YOUR CODE HERE`라고 적힌 셀의 함수입니다. `raise NotImplementedError()` 줄을 여러분의
# 코드로 바꾸고, 함수의 이름과 인자는 그대로 두세요. 그다음 셀에는 테스트가 있습니다. 실행해 보고
# 오류 없이 끝날 때까지 코드를 고치세요(`AssertionError`는 무엇을 기대했고 무엇이 나왔는지 알려
# 줍니다). 이 공개 테스트를 통과하면 좋은 신호이지만 점수의 전부는 아닙니다. 자동 채점기는 온갖
# 모양의 무작위 입력으로도 시험합니다. 그림을 그리는 셀은 과제를 시작하기 전에도 실행됩니다.
# 어떤 함수가 필요한지는 그 셀이 알려 줍니다.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false}
import matplotlib.pyplot as plt
import numpy as np

np.set_printoptions(precision=4, suppress=True)


def assert_close(got, expected, what, rtol=1e-7, atol=1e-9, mistakes=None):
    """`got`이 `expected`에 가까운 float ndarray가 아니면 읽기 쉬운 메시지와 함께 실패합니다.
    `mistakes`는 흔한 실수가 이 입력에서 내는 값을 그 실수의 설명에 대응시킵니다. `got`이 그중
    하나이면 메시지가 그 실수를 짚어 줍니다."""
    for wrong, mistake in (mistakes or {}).items():
        if (isinstance(got, np.ndarray) and got.shape == np.shape(wrong)
                and np.allclose(got, wrong, rtol=rtol, atol=atol)):
            raise AssertionError(f"{what}: 기대한 값\n{np.asarray(expected, dtype=float)}\n"
                                 f"받은 값\n{got}\n짐작되는 실수: {mistake}")
    expected = np.asarray(expected, dtype=float)
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{what}: numpy 배열을 기대했는데 {type(got).__name__}이(가) 왔습니다: {got!r}")
    if got.shape != expected.shape:
        hint = ""
        if got.ndim == expected.ndim and all(abs(a - b) <= 1 for a, b in zip(got.shape, expected.shape)):
            hint = ("\n(하나 차이(off by one): 크기 k인 창은 길이 n인 축에 n - k + 1번 들어갑니다. "
                    "반복문의 범위를 확인하세요)")
        raise AssertionError(f"{what}: 기대한 모양은 {expected.shape}인데 받은 모양은 {got.shape}입니다{hint}\n"
                             f"기대한 값:\n{expected}\n받은 값:\n{got}")
    if got.dtype.kind != "f":
        raise AssertionError(f"{what}: float 배열을 기대했는데 dtype이 {got.dtype}입니다 "
                             "(입력을 np.asarray(..., dtype=float)로 바꾸세요)")
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got - expected)), got.shape))
        raise AssertionError(f"{what}: 값이 다릅니다. 가장 크게 다른 곳은 {worst}: 기대한 값 "
                             f"{expected[worst]:.6g}, 받은 값 {got[worst]:.6g}\n"
                             f"기대한 값:\n{expected}\n받은 값:\n{got}")


def _short(value):
    """인자나 결과를 읽기 쉽게 줄인 것: 큰 배열은 모양만 보여 줍니다."""
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"<모양이 {value.shape}인 배열>"
    return repr(value)


def assert_raises(error, func, *args, **kwargs):
    """func(*args, **kwargs)가 `error`를 일으키지 않으면 실패하고, 대신 무슨 일이 있었는지 말합니다."""
    call = f"{func.__name__}({', '.join([_short(a) for a in args] + [f'{k}={_short(v)}' for k, v in kwargs.items()])})"
    try:
        result = func(*args, **kwargs)
    except error:
        return
    except NotImplementedError:
        raise
    except Exception as other:
        raise AssertionError(f"{call}은(는) {error.__name__}을(를) 일으켜야 하는데 "
                             f"{type(other).__name__}이(가) 났습니다: {other}") from other
    raise AssertionError(f"{call}은(는) {error.__name__}을(를) 일으켜야 하는데 {_short(result)}을(를) 돌려주었습니다")


# %% tags=["ko", "autograder:skip"]
# 그림 속 한글을 위한 글꼴: 한글 글꼴이 설치되어 있으면 matplotlib이 한글에만 그 글꼴을 씁니다
# (숫자와 영문은 그대로 DejaVu Sans).
import logging

from matplotlib import font_manager

# 나눔고딕의 굵은 글꼴은 weight 600이라 굵은 글씨마다 matplotlib이 경고를 남깁니다: 그 경고는 숨깁니다
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

KOREAN_FONTS = ["NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "AppleGothic"]


def installed_korean_fonts():
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return [name for name in KOREAN_FONTS if name in installed]


if not installed_korean_fonts():  # 글꼴 목록이 설치 전의 것이면 파일을 직접 추가
    for path in font_manager.findSystemFonts():
        if any(part in path for part in ("Nanum", "NotoSansCJK", "NotoSansKR", "malgun", "AppleGothic")):
            font_manager.fontManager.addfont(path)
korean = installed_korean_fonts()
if korean:
    plt.rcParams["font.family"] = ["DejaVu Sans", korean[0]]
else:
    print("한글 글꼴을 찾지 못해 그림의 한글이 네모(□)로 보일 수 있습니다. "
          "Ubuntu/Debian에서는 sudo apt-get install fonts-nanum 으로 설치한 뒤 커널을 다시 시작하세요.")

# %% [markdown]
# 다음 셀에는 과제 2와 3의 순전파(`corr1d`, `corr2d`, `conv2d_forward`)가 들어 있어, 여러분의
# 역전파를 이것들과 비교해 검사할 수 있습니다. 테스트에서 쓰는 작은 검사 도우미 함수도 함께 들어
# 있는데, 이 함수는 4절에서 설명합니다. 실행하세요.

# %% nbgrader={"grade": false, "grade_id": "given", "locked": true, "schema_version": 3, "solution": false}
# 제공: 과제 2와 3의 순전파. 이것으로 여러분의 역전파를 여기서 테스트할 수 있습니다.

def corr1d(x, w):
    """valid 1D 교차상관, x: (L,), w: (K,) -> (L-K+1,). NumPy의 np.correlate가 이 계산을 합니다."""
    return np.correlate(np.asarray(x, dtype=float), np.asarray(w, dtype=float), mode="valid")


def corr2d(x, w):
    """valid 2D 교차상관, x: (H, W), w: (KH, KW) -> (H-KH+1, W-KW+1): 아래 층에서 샘플 하나,
    채널 하나, 필터 하나에 편향이 없는 경우입니다."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    return conv2d_forward(x[None, None], w[None, None], np.zeros(1))[0, 0]


def conv2d_forward(x, w, b, stride=1, padding=0):
    """과제 3의 층: x (N, C, H, W), w (F, C, KH, KW), b (F,) -> (N, F, OH, OW)."""
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
    """무작위 방향 하나를 따라 손실이 변하는 정도와 여러분의 그래디언트를 비교합니다(4절 참고).

    loss(*arrays) -> float이고, grads[k]는 여러분이 구한 dL/d(arrays[k])입니다. 각 k마다 무작위
    u를 골라 (loss(.., a + h u, ..) - loss(.., a - h u, ..)) / 2h == sum(grads[k] * u)인지
    확인합니다.
    """
    rng = np.random.default_rng(seed)
    for k, (a, g) in enumerate(zip(arrays, grads)):
        u = rng.normal(size=np.shape(a))
        plus = [np.asarray(v, dtype=float) + (h * u if m == k else 0) for m, v in enumerate(arrays)]
        minus = [np.asarray(v, dtype=float) - (h * u if m == k else 0) for m, v in enumerate(arrays)]
        numeric = (loss(*plus) - loss(*minus)) / (2 * h)
        yours = float(np.sum(np.asarray(g) * u))
        assert np.isclose(yours, numeric, rtol=1e-6, atol=1e-8), (
            f"{what[k]}: 무작위 방향 u를 따라 손실은 {numeric:.6g}의 비율로 변하는데"
            f"(순전파로 측정한 값), sum({what[k]} * u) = {yours:.6g}입니다")


# %% [markdown]
# ## 1. 1차원에서 손으로 풀기
#
# **어떤 미분일까?** 과제 2의 6절에서 강의의 항등식 $[f * g]' = f * g'$를 보았습니다. 이것은
# *위치*에 대한 미분, 즉 신호를 따라 움직일 때 출력이 어떻게 변하는지를 나타냅니다. 역전파에는
# 다른 종류의 미분이 필요합니다. 모든 위치는 그대로 두고, 계산에 들어가는 *수* 하나(입력값
# $x[m]$ 또는 가중치 $w[p]$)가 바뀔 때 손실 $L$이 어떻게 변하는지입니다. 이것이
# $\partial L/\partial x[m]$과 $\partial L/\partial w[p]$이며, 이 과제에서 계산하는 값입니다.
# (이 값들도 결국 교차상관과 합성곱이 되지만, 이유는 다릅니다. 아래에서 볼 연쇄 법칙(chain rule)
# 때문입니다.)
#
# 순전파 $y = \text{corr1d}(x, w)$, 즉 $i = 0, \dots, L-K$에 대해
# $y[i] = \sum_{p=0}^{K-1} w[p]\, x[i + p]$를 생각합시다. 그리고 신경망의 나머지 부분이
# $dy[i] = \partial L/\partial y[i]$를 알려 주었다고 합시다. 연쇄 법칙에 따르면, 어떤 수 $z$에
# 대한 $L$의 미분은 $z$가 영향을 주는 모든 출력에 대해 $dy[i]$와 $\partial y[i]/\partial z$의
# 곱을 더한 것입니다.
#
# **강의의 그림.** 강의에서는 입력 5개, 가중치 3개, 출력 3개로 이 과정을 그리고, 번호를 1부터
# 붙입니다(강의의 $x_1$은 코드에서 `x[0]`입니다):
#
# $$y_1 = w_1 x_1 + w_2 x_2 + w_3 x_3, \qquad y_2 = w_1 x_2 + w_2 x_3 + w_3 x_4, \qquad
# y_3 = w_1 x_3 + w_2 x_4 + w_3 x_5 .$$
#
# 상류 그래디언트를 $\delta_i = \partial L/\partial y_i$로 씁니다(코드에서는 `dy[i - 1]`).
# 아래 그래프의 간선(edge) 하나하나는 $y_i$ 안의 곱 $w_p\, x_{i+p-1}$ 하나입니다. 역방향으로는
# 그 간선이 입력 쪽으로 $\delta_i w_p$를, 가중치 쪽으로 $\delta_i x_{i+p-1}$을 전달합니다. 간선의
# 색은 그 간선이 어느 가중치를 쓰는지 나타냅니다.
#
# - **왼쪽: 입력으로.** $x_3$은 세 출력 모두에 쓰입니다. $y_1$에서는 $w_3$을 통해, $y_2$에서는
#   $w_2$를 통해, $y_3$에서는 $w_1$을 통해 쓰입니다. 따라서
#   $\partial L/\partial x_3 = \delta_1 w_3 + \delta_2 w_2 + \delta_3 w_1$입니다. 델타의 번호는
#   올라가는데 가중치의 번호는 내려갑니다. **커널이 뒤집힌 채로 도착하며**, 그래서 입력
#   그래디언트는 교차상관이 아니라 진짜 합성곱이 됩니다.
# - **오른쪽: 가중치로.** 같은 간선을 색깔별로 묶은 것입니다. $w_1$은 모든 출력에서 한 번씩,
#   각각 $x_1$, $x_2$, $x_3$에 곱해져 쓰이므로
#   $\partial L/\partial w_1 = x_1 \delta_1 + x_2 \delta_2 + x_3 \delta_3$입니다. 마찬가지로
#   $\partial L/\partial w_2 = x_2 \delta_1 + x_3 \delta_2 + x_4 \delta_3$,
#   $\partial L/\partial w_3 = x_3 \delta_1 + x_4 \delta_2 + x_5 \delta_3$입니다. 여기서는
#   아무것도 뒤집히지 않습니다. 델타가 $x$를 따라 미끄러져 가므로, $x$와 $\delta$의 교차상관입니다.

# %% tags=["autograder:skip"]
def draw_flow(x, w, dy, symbolic=False):
    """y = corr1d(x, w)를 그래프로 그립니다: 위에 입력, 아래에 출력, 곱 하나마다 간선 하나.

    숫자를 주면: 왼쪽은 순전파, 오른쪽은 x로 가는 역전파이고, 합계는 여러분의 corr1d_backward로
    계산합니다. symbolic=True이면: x, w, dy는 이름의 리스트(강의의 x1, w1, δ1, ...)이고, 두 패널
    모두 역전파로, 왼쪽은 입력으로, 오른쪽은 가중치로 가는 흐름입니다.
    """
    if not symbolic:
        x, w, dy = (np.asarray(a, dtype=float) for a in (x, w, dy))
    L, K = len(x), len(w)
    n_out = L - K + 1
    colors = ["#e06666", "#6aa84f", "#3d85c6", "#b45f06", "#8e7cc3"]

    def num(v):  # 곱의 인수로 쓰는 수: 음수는 괄호로 감쌉니다
        return f"{v:g}" if v >= 0 else f"({v:g})"

    dx = dw = None
    note = ""
    if not symbolic:
        y = corr1d(x, w)
        try:
            dx, dw = corr1d_backward(x, w, dy)
        except (NameError, NotImplementedError):   # 아직 작성하지 않았거나 그 셀을 실행하지 않음
            note = "(아래의 corr1d_backward를 작성한 뒤 이 셀을 다시 실행하세요)"
    panels = ("into x", "into w") if symbolic else ("forward", "into x")
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6 if symbolic else 3.6))
    for ax, panel in zip(axes, panels):
        for i in range(n_out):
            for p in range(K):
                xm, ym = i + p, i + (K - 1) / 2          # 출력은 자기 창 아래에 놓입니다
                start, end = ((xm, 0.98), (ym, 0.02)) if panel == "forward" else ((ym, 0.02), (xm, 0.98))
                ax.annotate("", xy=end, xytext=start, arrowprops=dict(  # 가중치 쪽: 방향 없음
                    arrowstyle="-" if panel == "into w" else "-|>", color=colors[p % len(colors)],
                    lw=2, alpha=0.8))
                t = 0.3 + 0.4 * (p / max(K - 1, 1))      # 레이블을 간선을 따라 흩어 놓습니다
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
            elif symbolic:                               # x[m]에 도착하는 모든 항
                terms = [f"{dy[i]}·{w[m - i]}" for i in range(n_out) if 0 <= m - i < K]
                top = f"∂L/∂{x[m]} =\n" + "\n+ ".join(terms)
            else:
                top = f"dx[{m}]\n= " + ("?" if dx is None else f"{dx[m]:g}")
            every_weight = symbolic and panel == "into x" and K - 1 <= m <= L - K  # x3처럼
            ax.text(m, 1.12, top, ha="center", va="bottom", fontsize=9,
                    bbox=dict(facecolor="#ffe599" if every_weight else "#cfe2f3", edgecolor="black"))
        for i in range(n_out):
            if panel == "forward":
                bottom = f"y[{i}] = {y[i]:g}"
            else:
                bottom = f"{dy[i]}" if symbolic else f"dy[{i}] = {dy[i]:g}"
            ax.text(i + (K - 1) / 2, -0.12, bottom, ha="center", va="top", fontsize=9,
                    bbox=dict(facecolor="#f6b26b", edgecolor="black"))
        if panel == "into w":                            # 각 가중치에 도달하는 합
            for p in range(K):
                terms = " + ".join(f"{x[i + p]}·{dy[i]}" for i in range(n_out))
                ax.text((L - 1) / 2, -0.42 - 0.17 * p, f"∂L/∂{w[p]} = {terms}", ha="center",
                        va="top", fontsize=10, color=colors[p % len(colors)])
        ax.set_xlim(-0.7, L - 0.3)
        ax.set_ylim(-0.55 - 0.17 * K if symbolic else -0.6, 2.1 if symbolic else 1.6)
        ax.axis("off")
    if symbolic:
        axes[0].set_title("입력 쪽 역전파: 간선마다 δi·wp가 자기 입력으로 돌아갑니다", fontsize=10)
        axes[1].set_title("가중치 쪽 역전파: 간선마다 같은 색 가중치에 x·δ를 더합니다",
                          fontsize=10)
    else:
        axes[0].set_title("순전파: y[i] = sum_p w[p] x[i+p]", fontsize=10)
        dw_text = ("dw = [" + ", ".join(f"{v:.4g}" for v in dw) + "]") if dw is not None else note
        axes[1].set_title("역전파: dx[m] = 도착하는 dy[i]·w[p]의 합\n" + dw_text, fontsize=10)
    plt.tight_layout()
    plt.show()


draw_flow(x=["x1", "x2", "x3", "x4", "x5"], w=["w1", "w2", "w3"], dy=["δ1", "δ2", "δ3"],
          symbolic=True)


# %% [markdown]
# 이제 같은 내용을 코드처럼 0부터 시작하는 인덱스로, 임의의 길이 $L$과 $K$에 대해 써 봅시다.
#
# **커널에 대한 그래디언트.** 가중치 $w[p]$는 *모든* 출력에 나타나며 $x[i + p]$와 곱해집니다.
# 따라서 $\partial y[i]/\partial w[p] = x[i+p]$이고
#
# $$dw[p] = \sum_{i} dy[i]\; x[i + p] .$$
#
# 이것도 교차상관입니다. `dy`(길이 $L-K+1$)를 `x`(길이 $L$) 위로 밀어 가며 계산합니다. 출력의
# 길이는 $L - (L-K+1) + 1 = K$로, 당연히 `w`의 크기와 같습니다: $\;dw = \text{corr1d}(x, dy)$.
#
# **입력에 대한 그래디언트.** 입력 $x[m]$은 어떤 커널 인덱스 $p$에 대해 $m = i + p$일 때 출력
# $y[i]$에 나타납니다. 즉 $0 \le m - i \le K-1$이면 언제나 가중치 $w[m - i]$와 곱해져
# 나타납니다. 따라서
#
# $$dx[m] = \sum_{i} dy[i]\; w[m - i] \qquad (m - i \text{가 } 0..K-1 \text{ 밖인 항은 } 0).$$
#
# 이것은 정확히 `dy`와 `w`의 **진짜 합성곱**(과제 2의 1절)의 형태 $\sum_i a[i]\, b[m - i]$이지만,
# **full** 모드입니다. $m$은 일부 출력만 닿는 가장자리 입력까지 포함해 입력 $L$개 전체를 돕니다.
# full 모드는 `dy`의 양쪽에 0을 $K-1$개씩 패딩한 뒤의 valid 모드와 같습니다. 출력은
# $(L-K+1) + 2(K-1) - K + 1 = L$개가 됩니다. NumPy로는 `np.convolve(dy, w, mode="full")`이고,
# 같은 계산을 0으로 패딩한 `dy`와 뒤집은 커널 `w[::-1]`(강의 그림의 뒤집힌 커널)의 교차상관으로
# 해도 됩니다.
#
# **풀이 예제.** $x = [1, 2, 3, 4]$, $w = [1, 0, -1]$이면 $y = [-2, -2]$입니다. $dy = [1, 2]$일 때:
#
# - $dw = [1\cdot1 + 2\cdot2,\; 1\cdot2 + 2\cdot3,\; 1\cdot3 + 2\cdot4] = [5, 8, 11]$;
# - $dx[0] = dy[0]\,w[0] = 1$, $dx[1] = dy[0]\,w[1] + dy[1]\,w[0] = 2$,
#   $dx[2] = dy[0]\,w[2] + dy[1]\,w[1] = -1$, $dx[3] = dy[1]\,w[2] = -2$이므로 $dx = [1, 2, -1, -2]$.
#
# 그림은 같은 계산을 이 숫자들로 보여 줍니다. 순전파(왼쪽)에서는 각 출력이 입력 $K$개를 가중치
# 하나씩을 거쳐 모읍니다(색 = 커널 인덱스 $p$). 역전파(오른쪽)에서는 그래디언트가 같은 간선을
# 따라 거꾸로 흐릅니다. 간선 $x[i+p] \to y[i]$는 $dy[i] \cdot w[p]$를 $x[i+p]$로 되돌려 보내고,
# 각 $dx[m]$은 도착한 값들의 합입니다. 위쪽의 합계는 *여러분의* `corr1d_backward`로 계산합니다.
# 이 함수를 작성하기 전까지는 "?"로 표시되며, 연습 문제 다음에 그림을 다시 그립니다.

# %% tags=["autograder:skip"]
draw_flow(x=[1, 2, 3, 4], w=[1, 0, -1], dy=[1, 2])


# %% [markdown]
# ### 직접 해 보기: `corr1d_backward`
#
# `x`, `w`와 모양이 같은 float64 배열의 튜플 `(dx, dw)`를 반환하는 `corr1d_backward(x, w, dy)`를
# 작성하세요. 공식을 그대로 써도 됩니다: 제공된 `corr1d`와 `np.convolve(..., mode="full")`.
# 순전파를 따라가는 반복문을 써도 됩니다: 모든 $i$와 $p$에 대해 `dw[p] += dy[i] * x[i + p]`,
# `dx[i + p] += dy[i] * w[p]`. `+=`에 주의하세요. 입력 하나가 여러 출력에서 그래디언트를 받습니다.

# %% nbgrader={"grade": false, "grade_id": "corr1d_backward", "locked": false, "schema_version": 3, "solution": true}
def corr1d_backward(x, w, dy):
    """y = corr1d(x, w)의 그래디언트. dy = dL/dy가 주어집니다.

    x: (L,), w: (K,), dy: (L - K + 1,).
    반환값 (dx, dw): dx (L,) = dy와 w의 full 합성곱,
    dw (K,) = corr1d(x, dy); 둘 다 float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr1d_backward here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr1d_backward", "locked": true, "schema_version": 3, "solution": false}
result = corr1d_backward([1, 2, 3, 4], [1, 0, -1], [1, 2])
assert isinstance(result, tuple) and len(result) == 2, \
    f"튜플 (dx, dw)를 기대했는데 {type(result).__name__}이(가) 왔습니다"
dx, dw = result
assert_close(dx, [1, 2, -1, -2], "풀이 예제의 dx (x=[1,2,3,4], w=[1,0,-1], dy=[1,2])",
             mistakes={(1, 2, 0, -2): "dx를 +=로 누적하지 않고 =로 덮어썼습니다: x[j]는 여러 "
                                      "출력에 쓰이고, 출력마다 자기 몫을 더해야 합니다",
                       (1, 0, -1, -2): "dx를 +=로 누적하지 않고 =로 덮어썼습니다: x[j]는 여러 "
                                       "출력에 쓰이고, 출력마다 자기 몫을 더해야 합니다",
                       (-1, -2, 1, 2): "dx에서 커널을 거꾸로 썼습니다: dx는 dy와 w의 FULL "
                                       "합성곱입니다"})
assert_close(dw, [5, 8, 11], "풀이 예제의 dw",
             mistakes={(4, 6, 8): "dw를 +=로 누적하지 않고 =로 덮어썼습니다: "
                                  "출력마다 dw[p]에 dy[i] * x[i + p]를 더해야 합니다",
                       (11, 8, 5): "dw가 뒤집혀 있습니다: dw[p] = sum_i dy[i] * x[i + p]"})

# 같은 공식을 교차상관과 합성곱으로: 무작위 데이터에서 확인합니다.
rng = np.random.default_rng(0)
x, w, dy = rng.normal(size=9), rng.normal(size=4), rng.normal(size=6)
dx, dw = corr1d_backward(x, w, dy)
assert_close(dw, corr1d(x, dy), "dw는 corr1d(x, dy)여야 합니다")
assert_close(dx, np.convolve(dy, w, mode="full"), "dx는 dy와 w의 full 합성곱이어야 합니다")

# 여러분의 그래디언트가 제공된 순전파와 맞는지 확인합니다(손실 L = sum(dy * y)).
check_directional(lambda x, w: float(np.sum(dy * corr1d(x, w))), [x, w], [dx, dw], ["dx", "dw"])

# K = 1: y = w[0] * x이므로 dx = w[0] * dy이고 dw = sum(x * dy)입니다.
dx, dw = corr1d_backward(x, [3.0], dy=np.ones(9))
assert_close(dx, 3 * np.ones(9), "K = 1: dx = w[0] * dy")
assert_close(dw, [x.sum()], "K = 1: dw = sum(x * dy)")
print("corr1d_backward: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# 1절의 그래프를 다시 그립니다. 이번에는 여러분의 `corr1d_backward`로 계산한 합계가 나옵니다.
# 그 아래는 탭이 2개인 커널로 든 두 번째 예입니다. 각 `dx[m]`에 도착하는 간선의 레이블을 모두
# 더하면 표시된 수와 같아야 합니다.

# %% tags=["autograder:skip"]
draw_flow(x=[1, 2, 3, 4], w=[1, 0, -1], dy=[1, 2])
draw_flow(x=[2, -1, 0, 3, 1], w=[1, 2], dy=[1, -1, 2, 0])


# %% [markdown]
# ## 2. 수치 미분: 어떤 역전파든 검사할 수 있는 도구
#
# 2D 층으로 가기 전에, 그것을 검사할 도구부터 만듭니다. 역전파는 미묘하게 틀리기 쉽고, 코드를
# 들여다보는 것만으로는 디버깅하기 어렵습니다. 고전적인 안전장치는 미분의 정의로부터 바로 측정한
# 그래디언트와 비교하는 것입니다. 배열 $x$의 스칼라 함수 $f$에 대해, 원소를 하나씩 조금
# 움직여 봅니다:
#
# $$\frac{\partial f}{\partial x_k} \approx \frac{f(x + h\, e_k) - f(x - h\, e_k)}{2h}$$
#
# 여기서 $e_k$는 위치 $k$에서 1이고 나머지는 0인 배열입니다. 이 **중심 차분(central difference)**은
# 한쪽 차분(one-sided difference) $(f(x + h e_k) - f(x))/h$보다 훨씬 정확합니다. 오차가 $h$가
# 아니라 $h^2$에 비례해 줄어듭니다. 그렇다고 $h$를 너무 작게 잡아서도 안 됩니다. 그러면
# $f(x + h e_k)$와 $f(x - h e_k)$가 거의 모든 자릿수에서 같아져, 뺄셈 결과에는 대부분 반올림
# 잡음(크기 약 $10^{-16}/h$)만 남습니다. float64에서는 $h \approx 10^{-5}$가 두 오차의 균형을
# 맞춥니다. 연습 문제 다음의 그래프가 이 절충 관계를 보여 줍니다.
#
# 원소 하나마다 $f$를 두 번 계산해야 하므로, 작은 테스트 입력에만 씁니다. 실제 역전파는 순전파
# 한 번 정도의 비용으로 모든 그래디언트를 구합니다. $f(x) = \sum x^2$ 같은 이차 함수에서는 중심
# 차분이 *어떤* $h$에서도 정확하지만, 한쪽 차분은 $h$만큼 어긋납니다. 테스트는 이 차이로 두
# 방법을 구별합니다.
#
# `numerical_gradient(f, x, h=1e-5)`를 작성하세요:
#
# - `f`는 `x`와 모양이 같은 배열을 받아 수 하나를 반환합니다.
# - `x`와 모양이 같은 float64 배열을 반환하며, 모든 원소에 대해 중심 차분을 계산합니다
#   (`np.ndindex(x.shape)`는 어떤 모양이든 모든 인덱스 튜플을 차례로 돌려줍니다).
# - `x`의 float64 **복사본**(`np.array(x, dtype=float)`, 파이썬 리스트도 배열로 바꿔 줍니다)으로
#   작업하세요. 정수 배열에는 $x + 10^{-5}$를 담을 수 없고, 호출한 쪽의 `x`는 바뀌지 않아야
#   합니다. 원소를 움직인 뒤에는 매번 원래 값으로 되돌려 놓으세요.

# %% nbgrader={"grade": false, "grade_id": "numerical_gradient", "locked": false, "schema_version": 3, "solution": true}
def numerical_gradient(f, x, h=1e-5):
    """스칼라 함수 f의 x에서의 그래디언트를 중심 차분으로 구합니다.

    f: x와 모양이 같은 배열을 받아 float를 반환하는 함수.
    x: 임의 모양의 배열 또는 중첩 리스트(정수 허용); 바뀌지 않고 그대로 남습니다.
    반환값 grad: x와 모양이 같은 float64 배열, grad[k] = (f(x + h e_k) - f(x - h e_k)) / (2h).
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write numerical_gradient here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_numerical_gradient", "locked": true, "schema_version": 3, "solution": false}
x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.5]])
x_before = x.copy()
grad = numerical_gradient(lambda z: np.sum(z ** 2), x)
assert np.array_equal(x, x_before), (
    f"numerical_gradient가 입력 x를 바꿔 놓았습니다(가장 큰 변화 {np.max(np.abs(x - x_before)):.3g}): "
    "x의 float 복사본으로 작업하거나, 원소를 움직인 뒤 매번 원래 값으로 되돌려 놓으세요")

# 이차 함수와 큰 간격 h = 0.5: 중심 차분은 정확하고, 한쪽 차분은 h만큼 어긋납니다.
one_sided = "한쪽 차분을 썼습니다: {}. 중심 차분을 쓰세요: (f(x + h e_i) - f(x - h e_i)) / (2h)"
assert_close(numerical_gradient(lambda z: np.sum(z ** 2), np.array([1.0, -2.0, 0.5]), h=0.5), [2, -4, 1],
             "x = [1, -2, 0.5], h = 0.5에서 sum(x**2)의 그래디언트 (이차 함수라 어떤 h에서도 정확합니다)",
             rtol=1e-6, atol=1e-6,
             mistakes={(2.5, -3.5, 1.5): one_sided.format("(f(x + h e_i) - f(x)) / h") + ". 중심 차분의 "
                                         "오차는 h가 아니라 h^2 정도입니다",
                       (1.5, -4.5, 0.5): one_sided.format("(f(x) - f(x - h e_i)) / h"),
                       (4, -8, 2): "중심 차분을 h로 나누었습니다. 두 점은 2h만큼 떨어져 있으므로 "
                                   "2h로 나누어야 합니다"})
assert_close(grad, 2 * x, "sum(x**2)의 그래디언트는 2x입니다", rtol=1e-6, atol=1e-6)
assert_close(numerical_gradient(lambda z: np.sum(np.sin(z)), x), np.cos(x),
             "sum(sin(x))의 그래디언트는 cos(x)입니다", rtol=1e-6, atol=1e-6)

# 정수 입력: 1e-5만큼 움직이려면 float 복사본이 필요합니다(아니면 움직임이 반올림되어 0이 됩니다).
xi = np.array([[1, 2], [3, 4]])
assert_close(numerical_gradient(lambda z: np.sum(z ** 3), xi), 3.0 * xi ** 2,
             "정수 배열에서 sum(x**3)의 그래디언트 "
             "(x + 1e-5는 정수 배열에 담을 수 없습니다: float64 복사본을 움직이세요)", rtol=1e-6, atol=1e-6)

# 어떤 모양이든: 3차원 배열. f는 x와 모양이 같은 배열을 받습니다.
c = np.random.default_rng(2).normal(size=(2, 3, 4))
def f(z):
    assert z.shape == c.shape, f"f가 모양 {z.shape}인 배열로 호출되었습니다. 기대한 모양은 {c.shape}입니다"
    return float(np.sum(c * z))
assert_close(numerical_gradient(f, np.zeros((2, 3, 4))), c, "sum(c * x)의 그래디언트는 c입니다", rtol=1e-6, atol=1e-6)
print("numerical_gradient: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% tags=["autograder:skip"]
# 왜 중심 차분이고 왜 h = 1e-5인가: x = 1에서 f = sin에 대한 두 공식의 오차.
hs = np.logspace(-13, 0, 60)
forward_err = np.abs((np.sin(1 + hs) - np.sin(1)) / hs - np.cos(1))
central_err = np.abs((np.sin(1 + hs) - np.sin(1 - hs)) / (2 * hs) - np.cos(1))
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.loglog(hs, forward_err, label="한쪽 차분 (f(x+h) - f(x)) / h")
ax.loglog(hs, central_err, label="중심 차분 (f(x+h) - f(x-h)) / 2h")
ax.axvline(1e-5, color="0.5", ls="--", lw=1)
ax.text(1.5e-5, 1e-1, "h = 1e-5", fontsize=8, color="0.3")
ax.set_xlabel("간격 h")
ax.set_ylabel("미분값의 오차")
ax.set_title("h가 작으면 반올림 잡음이, h가 크면 공식 자체의 오차가 커집니다", fontsize=9)
ax.legend(fontsize=8)
ax.grid(alpha=0.3, which="both")
plt.show()




# %% [markdown]
# **여러분의 `corr1d_backward`로 시험해 보기.** 다음 셀은 1절에서 작성한 `corr1d_backward`를,
# 순전파에 `numerical_gradient`를 적용한 결과와 작은 무작위 입력에서 원소별로 비교합니다. 손실은
# $L = \sum_i dy[i]\, y[i]$입니다. 이 손실을 $y[i]$로 미분하면 정확히 $dy[i]$이므로, $x$와 $w$에
# 대한 그래디언트가 바로 `corr1d_backward(x, w, dy)`가 반환하는 값입니다. 새로운 층은 모두 이렇게
# 테스트하면 됩니다. 두 결과가 여러 자리까지 일치하면 역전파는 거의 확실히 맞습니다. 3절과
# 4절에서도 `compare`를 다시 씁니다.

# %% tags=["autograder:skip"]
def compare(name, analytic, numeric):
    """역전파 결과와 수치 미분의 가장 큰 차이(그래디언트의 크기에 대한 상대값, 분모는 최소 1)를
    출력하고, 일치 또는 불일치를 표시합니다."""
    err = np.max(np.abs(np.asarray(analytic) - numeric)) / max(1.0, np.max(np.abs(numeric)))
    print(f"{name:<36} 최대 상대 차이 {err:.1e}  {'일치' if err < 1e-6 else '불일치'}")


rng = np.random.default_rng(3)
x, w = rng.normal(size=7), rng.normal(size=3)
dy = rng.normal(size=5)
try:
    dx, dw = corr1d_backward(x, w, dy)
    compare("corr1d_backward: dx", dx, numerical_gradient(lambda z: np.sum(dy * corr1d(z, w)), x))
    compare("corr1d_backward: dw", dw, numerical_gradient(lambda z: np.sum(dy * corr1d(x, z)), w))
except (NameError, NotImplementedError):   # 아직 작성하지 않았거나 그 셀들을 실행하지 않음
    print("먼저 위의 numerical_gradient(와 1절의 corr1d_backward)를 작성하고 그 셀들을 실행한 "
          "다음, 이 셀을 다시 실행하세요.")


# %% [markdown]
# ## 3. 2D 워밍업: 채널 하나, 스트라이드 1
#
# 전체 층으로 가기 전에, 1절을 2차원에서 한 번 더 해 봅니다. 채널 하나, 스트라이드 1, 패딩 없이
# 모양이 $(H, W)$인 $x$와 모양이 $(K_H, K_W)$인 $w$에 대해 $y = \text{corr2d}(x, w)$, 즉
# $y[i, j] = \sum_{p, q} w[p, q]\; x[i + p,\, j + q]$입니다. 연쇄 법칙은 1D와 똑같이 적용되며,
# 인덱스 하나 대신 인덱스 한 쌍을 쓸 뿐입니다:
#
# - **커널.** $dw[p, q] = \sum_{i, j} dy[i, j]\; x[i + p,\, j + q]$: `dy`를 `x` 위로 밀어 가며
#   계산합니다. $\;dw = \text{corr2d}(x, dy)$이고, 모양은 당연히 $(K_H, K_W)$입니다.
# - **입력.** $dx[m, n] = \sum_{i, j} dy[i, j]\; w[m - i,\, n - j]$(커널 밖의 항은 0):
#   `dy`와 `w`의 **full 2D 합성곱**입니다. 교차상관으로 쓰면 이렇습니다. `dy`의 모든 가장자리에
#   0을 위아래로 $K_H - 1$행, 좌우로 $K_W - 1$열씩 패딩하고, 그 위로 **180도 회전한** 커널
#   `w[::-1, ::-1]`(두 축 모두로 뒤집은 것)을 밀어 갑니다:
#   $\;dx = \text{corr2d}(\text{패딩한 } dy,\; w[::-1, ::-1])$이고, 모양은 $(H, W)$입니다.
#
# **풀이 예제**, 강의의 숫자로: $x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]$과
# $w = [[0, 1], [2, 3]]$이면 $y = [[19, 25], [37, 43]]$입니다. $dy = [[1, 2], [-1, 1]]$로 둡시다.
#
# - $dw[0, 0] = 1\cdot0 + 2\cdot1 + (-1)\cdot3 + 1\cdot4 = 3$: `dy`를 `x`의 왼쪽 위 모서리에
#   겹쳐 놓은 것입니다. 옮겨 가며 나머지 셋을 구하면 $dw = [[3, 6], [12, 15]]$입니다.
# - $x[1, 1]$은 네 창 모두에 들어 있습니다. $y[0, 0]$에서는 $w[1, 1]$ 아래, $y[0, 1]$에서는
#   $w[1, 0]$ 아래, $y[1, 0]$에서는 $w[0, 1]$ 아래, $y[1, 1]$에서는 $w[0, 0]$ 아래에 놓입니다.
#   따라서 $dx[1, 1] = 1\cdot3 + 2\cdot2 + (-1)\cdot1 + 1\cdot0 = 6$입니다. `dy`는 정방향으로
#   읽는 반면 `w`는 두 축 모두 거꾸로 읽습니다. 이것이 회전한 커널입니다. 전체를 구하면
#   $dx = [[0, 1, 2], [2, 6, 7], [-2, -1, 3]]$입니다.
#
# 그림은 $dx[1, 1]$을 교차상관으로 보여 줍니다. 회전한 커널(작은 숫자)이 0으로 패딩한 `dy` 위에
# 놓이고, 곱들을 모두 더하면 `dx`에서 테두리로 표시한 칸의 값이 됩니다.

# %% tags=["autograder:skip"]
def show_full_convolution(dy, w, at=(1, 1)):
    """dx = corr2d(0으로 패딩한 dy, 180도 회전한 w), 그리고 dx[at]이 어떻게 나오는지."""
    dy, w = np.asarray(dy, dtype=float), np.asarray(w, dtype=float)
    KH, KW = w.shape
    rotated = w[::-1, ::-1]
    padded = np.pad(dy, ((KH - 1, KH - 1), (KW - 1, KW - 1)))
    dx = corr2d(padded, rotated)
    r, c = at
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.6), gridspec_kw=dict(width_ratios=[2, 2, 4, 3]))

    def grid(ax, a, title, color="#cfe2f3", dim=None):
        ax.imshow(np.zeros(a.shape), cmap="Greys", vmin=0, vmax=1)  # 격자를 그린 흰 바탕
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
    grid(axes[1], rotated, "180° 회전한 w\nw[::-1, ::-1]", color="#fce5cd")
    is_pad = np.ones(padded.shape, dtype=bool)
    is_pad[KH - 1:KH - 1 + dy.shape[0], KW - 1:KW - 1 + dy.shape[1]] = False
    grid(axes[2], padded, f"0으로 패딩한 dy: 위아래 KH - 1 = {KH - 1}행,\n좌우 KW - 1 = {KW - 1}열",
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
    grid(axes[3], dx, "dx = corr2d(패딩한 dy,\n회전한 w)")
    axes[3].add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="#b45f06", lw=3))
    fig.suptitle(f"dx[{r}, {c}] = " + " + ".join(terms) + f" = {dx[r, c]:g}", fontsize=11)
    plt.tight_layout()
    plt.show()


show_full_convolution(dy=[[1, 2], [-1, 1]], w=[[0, 1], [2, 3]])


# %% [markdown]
# 두 공식을 무작위 숫자에서 여러분의 `numerical_gradient`로 확인합니다. 손실
# $L = \sum_{i, j} dy[i, j]\, y[i, j]$의 그래디언트가 정확히 `dw`와 `dx`입니다. (연습 문제가 아니라
# 확인용이며, 여기서는 아무것도 채점하지 않습니다. `numerical_gradient`가 동작하면 실행됩니다.)

# %% tags=["autograder:skip"]
rng = np.random.default_rng(4)
x, w = rng.normal(size=(5, 4)), rng.normal(size=(3, 2))
dy = rng.normal(size=corr2d(x, w).shape)                  # (3, 3)
KH, KW = w.shape
dw_formula = corr2d(x, dy)
dx_formula = corr2d(np.pad(dy, ((KH - 1, KH - 1), (KW - 1, KW - 1))), w[::-1, ::-1])
try:
    compare("2D 워밍업: dw = corr2d(x, dy)", dw_formula,
            numerical_gradient(lambda z: np.sum(dy * corr2d(x, z)), w))
    compare("2D 워밍업: dx = full 합성곱", dx_formula,
            numerical_gradient(lambda z: np.sum(dy * corr2d(z, w)), x))
except (NameError, NotImplementedError):   # 아직 작성하지 않았거나 그 셀을 실행하지 않음
    print("먼저 위의 numerical_gradient를 작성하고 그 셀(과 compare를 정의하는 셀)을 실행한 다음, "
          "이 셀을 다시 실행하세요.")


# %% [markdown]
# ## 4. 다채널 층
#
# 과제 3의 층은 0으로 패딩한 입력을 $x_{\text{pad}}$, 스트라이드를 $s$라 할 때 다음을 계산합니다.
#
# $$\text{out}[n, f, i, j] = b[f] + \sum_{c, p, q} w[f, c, p, q]\;
# x_{\text{pad}}[n,\, c,\, i s + p,\, j s + q].$$
#
# 1D에서와 같은 연쇄 법칙 추론을 파라미터 하나씩 차례로 적용합니다. 상류 그래디언트는 모양이
# $(N, F, O_H, O_W)$인 `dout`입니다:
#
# - **편향.** $b[f]$는 모든 이미지에서 채널 $f$의 모든 출력 픽셀에 더해지며, 미분은 1입니다:
#   $\;db[f] = \sum_{n, i, j} \text{dout}[n, f, i, j]$.
# - **커널.** $w[f, c, p, q]$는 출력 $(n, f, i, j)$에서 $x_{\text{pad}}[n, c, is+p, js+q]$와
#   곱해집니다: $\;dw[f, c, p, q] = \sum_{n, i, j} \text{dout}[n, f, i, j]\;
#   x_{\text{pad}}[n, c, is+p, js+q]$. 스트라이드가 1이면 이는 `corr2d(xpad[n, c], dout[n, f])`를
#   배치 전체에 대해 더한 것입니다. 즉 3절 워밍업의 $dw = \text{corr2d}(x, dy)$를 샘플마다 한 번씩
#   구해 모든 샘플에 걸쳐 **더한** 것입니다.
# - **입력.** 각 출력 픽셀은 $x_{\text{pad}}$의 창(window) 하나를 읽었습니다. 역방향으로는 그 창의
#   각 칸에 $\text{dout}[n, f, i, j]\, w[f, c, p, q]$를 돌려보냅니다. 창이 겹치는 곳에서는 값이
#   **더해집니다**. 스트라이드가 있으면 출력 $(i, j)$는 $(i s, j s)$에서 시작하는 창을 읽었으므로,
#   그래디언트도 $(i, j)$가 아니라 그곳으로 돌아갑니다. 마지막으로 패딩을 잘라 냅니다. 패딩 칸은
#   입력이 아니라 상수이기 때문입니다. 스트라이드가 1이면 이는 워밍업에서 본 `dout`과
#   `w`(180도 회전한 커널)의 full 합성곱을 $f$에 대해 더한 것입니다.
#
# 모든 것을 올바르게 구현하는 가장 쉬운 방법은 순전파 반복문을 그대로 거울에 비추듯 따라가는
# 것입니다. 순전파가 창 하나와 커널을 *읽어* 출력 하나를 *쓰는* 자리에서, 역전파는 그 출력
# 하나의 그래디언트를 *읽어* 창의 그래디언트와 커널의 그래디언트에 *더합니다*:
#
# ```
# 순전파:  out[n, :, i, j] = (c, p, q)에 대해 합한 window * w  (+ b)
# 역전파:  dxpad[n, :, 창의 행, 창의 열] += f에 대해 합한 dout[n, f, i, j] * w[f]
#          dw[f]                          += dout[n, f, i, j] * window
# ```
#
# 테스트가 그래디언트를 검사하는 방법: 손실 $L = \sum \text{dout} \cdot \text{out}$의 그래디언트가
# 정확히 위의 값들입니다. $x$를 무작위 방향 $u$로 조금 움직여 $L$이 얼마나 빨리 변하는지
# 봅니다: $(L(x + hu) - L(x - hu))/2h$. 연쇄 법칙에 따르면 이 변화율은 $\sum dx \cdot u$와 같아야
# 합니다. 층이 $x$에 대해(그리고 $w$와 $b$에 대해서도) 선형이므로, 이 등식은 반올림 오차를 빼면
# 어떤 간격 $h$에서도 성립합니다. 이것이 제공된 셀의 `check_directional`입니다. 그래디언트 전체를
# 순전파 두 번으로 검사합니다. 여러분의 `numerical_gradient`는 이 절 끝의 확인에서 같은 일을
# 원소 하나씩 합니다.

# %% [markdown]
# ### 직접 해 보기: `conv2d_backward`
#
# `x`, `w`, `b`와 모양이 같은(float64) `(dx, dw, db)`를 반환하는
# `conv2d_backward(x, w, b, dout, stride=1, padding=0)`을 작성하세요. `b` 자체는 어떤
# 그래디언트에도 들어가지 않습니다. 시그니처를 `conv2d_forward`와 맞추려고 인자로 받을 뿐입니다.
# 패딩한 입력에서 계산하고, 마지막에 `dxpad`에서 패딩을 잘라 내세요
# (`dxpad[:, :, padding:padding + H, padding:padding + W]`).

# %% nbgrader={"grade": false, "grade_id": "conv2d_backward", "locked": false, "schema_version": 3, "solution": true}
def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    """out = conv2d_forward(x, w, b, stride, padding)의 그래디언트. dout = dL/dout이 주어집니다.

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,), dout: (N, F, OH, OW),
    stride와 padding: 정수, conv2d_forward와 같습니다.
    반환값 (dx, dw, db): 모양은 각각 (N, C, H, W), (F, C, KH, KW), (F,)이고 모두 float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv2d_backward here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv2d_backward", "locked": true, "schema_version": 3, "solution": false}
# 처음 몇 경우는 샘플 하나, 채널 하나, 필터 하나입니다: dx[0, 0]과 dw[0, 0]은 손으로 확인할 수
# 있는 평범한 2D 배열입니다.
def single(a, name):
    """모양이 (1, 1, 행, 열)인 그래디언트에서 a[0, 0]을 꺼냅니다."""
    assert np.ndim(a) == 4 and np.shape(a)[:2] == (1, 1), (
        f"{name}: 샘플, 채널, 필터가 하나씩이면 모양이 (1, 1, 행, 열)이어야 하는데, "
        f"받은 모양은 {np.shape(a)}입니다")
    return a[0, 0] if isinstance(a, np.ndarray) else a

plus_equals = "dx를 +=로 누적하지 않고 =로 덮어썼습니다: 창이 겹치므로, 마지막 " \
              "창 위치의 값만 남았습니다"

# w = dout = 1: dx는 4x4 입력의 각 픽셀을 3x3 창 몇 개가 덮는지 셉니다.
result = conv2d_backward(np.zeros((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), np.zeros(1), np.ones((1, 1, 2, 2)))
assert isinstance(result, tuple) and len(result) == 3, \
    f"튜플 (dx, dw, db)를 기대했는데 {type(result).__name__}이(가) 왔습니다"
dx, dw, db = result
assert_close(single(dx, "dx"), [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]],
             "w = dout = 1일 때의 dx[0, 0]: 각 픽셀을 덮는 창의 개수",
             mistakes={((1, 1, 1, 1),) * 4: plus_equals})

# 3절의 워밍업을 층으로: dx는 dout과 w의 full 합성곱입니다(커널을 회전).
x, w = np.arange(9.0).reshape(1, 1, 3, 3), np.array([[[[0.0, 1.0], [2.0, 3.0]]]])
dx, dw, db = conv2d_backward(x, w, np.zeros(1), np.array([[[[1.0, 2.0], [-1.0, 1.0]]]]))
assert_close(single(dx, "dx"), [[0, 1, 2], [2, 6, 7], [-2, -1, 3]], "워밍업 예제의 dx[0, 0]",
             mistakes={((3, 8, 4), (-2, 3, 2), (-1, 1, 0)):
                       "dx에서 커널을 거꾸로 썼습니다: dx는 dout과 w의 FULL 합성곱입니다 "
                       "(교차상관으로 쓰면 180도 회전한 w, 즉 w[:, :, ::-1, ::-1]을 씁니다)"})
assert_close(single(dw, "dw"), [[3, 6], [12, 15]], "워밍업 예제의 dw[0, 0]: corr2d(x, dout)")

# 크기 2인 배치: 이미지 0은 0..15이고 dout = 1, 이미지 1은 모두 1이고 dout = 2. 둘 다 더해집니다.
x = np.stack([np.arange(16.0).reshape(4, 4), np.ones((4, 4))])[:, None]               # (2, 1, 4, 4)
dout = np.stack([np.ones((2, 2)), 2 * np.ones((2, 2))])[:, None]                      # (2, 1, 2, 2)
dx, dw, db = conv2d_backward(x, np.ones((1, 1, 3, 3)), np.zeros(1), dout)
last_only = "배치의 마지막 샘플만 반영되었습니다: dw와 db는 샘플 N개 전체에 걸쳐 더해야 합니다(=가 아니라 +=)"
assert_close(single(dw, "dw"), [[18, 22, 26], [34, 38, 42], [50, 54, 58]],
             "크기 2인 배치의 dw[0, 0]: 이미지 0의 2x2 블록 합에 이미지 1의 2 * 4를 더한 값",
             mistakes={((8, 8, 8),) * 3: last_only})
assert_close(db, [12], "크기 2인 배치의 db: dout을 샘플과 픽셀 전체에 걸쳐 더한 값, 4 * 1 + 4 * 2",
             mistakes={(8,): last_only,
                       ((4,), (8,)): "db를 배치에 대해 더하지 않았습니다: db[f] = dout[:, f].sum(), "
                                     "샘플과 픽셀 모두(축 0, 2, 3)에 대해 더하며 모양은 (F,)입니다",
                       (((3, 3), (3, 3)),): "db를 픽셀에 대해 더하지 않았습니다: db[f] = dout[:, f].sum(), "
                                            "샘플과 픽셀 모두(축 0, 2, 3)에 대해 더하며 모양은 (F,)입니다"})

# 스트라이드 2: 출력 (i, j)는 (2i, 2j)의 창을 읽었으므로, 그래디언트도 그곳으로 돌아갑니다.
dx, dw, db = conv2d_backward(np.zeros((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), np.zeros(1),
                             np.ones((1, 1, 2, 2)), stride=2)
assert_close(single(dx, "dx"), np.outer([1, 1, 2, 1, 1], [1, 1, 2, 1, 1]),
             "w = dout = 1, 스트라이드 2일 때의 dx[0, 0]: 창은 행과 열 0-2, 2-4에 놓입니다",
             mistakes={tuple(map(tuple, np.outer([1, 2, 2, 1, 0], [1, 2, 2, 1, 0]))):
                       "역전파에서 스트라이드를 무시했습니다: 출력 픽셀 (i, j)는 (i*s, j*s)의 창에서 "
                       "나왔으므로, 그래디언트도 그곳으로 돌아가야 합니다",
                       ((1, 1, 1, 1, 1),) * 5: plus_equals})

# 패딩 1: 패딩한 5x5 입력의 그래디언트에서 패딩을 잘라 내면 3x3입니다.
dx, dw, db = conv2d_backward(np.zeros((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), np.zeros(1),
                             np.ones((1, 1, 3, 3)), padding=1)
assert_close(single(dx, "dx"), [[4, 6, 4], [6, 9, 6], [4, 6, 4]],
             "w = dout = 1, 패딩 1일 때의 dx[0, 0]: 패딩한 입력 위의 창들, 패딩은 잘라 냄",
             mistakes={tuple(map(tuple, np.outer([1, 2, 3, 2, 1], [1, 2, 3, 2, 1]))):
                       "dx에 아직 패딩이 남아 있습니다: 패딩한 입력의 그래디언트를 구한 뒤 "
                       "패딩을 잘라 내세요, dxp[:, :, p:p+H, p:p+W]"})

# 스트라이드와 패딩이 있는 무작위 층: 모양, db, 그리고 순전파와 맞는지.
def layer_loss(dout, stride, padding):
    """(x, w, b)의 함수로 본 손실 sum(dout * out): 그 그래디언트가 dx, dw, db입니다."""
    return lambda x, w, b: float(np.sum(dout * conv2d_forward(x, w, b, stride, padding)))

rng = np.random.default_rng(1)
for stride, padding in [(1, 0), (2, 1), (1, 2)]:
    x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    dout = rng.normal(size=conv2d_forward(x, w, b, stride, padding).shape)
    dx, dw, db = conv2d_backward(x, w, b, dout, stride=stride, padding=padding)
    for name, got, want in [("dx", dx, x), ("dw", dw, w), ("db", db, b)]:
        assert np.shape(got) == want.shape, (f"stride={stride}, padding={padding}: {name}의 모양은 "
                                             f"{want.shape}이어야 하는데 {np.shape(got)}입니다")
    assert_close(db, dout.sum(axis=(0, 2, 3)),
                 f"stride={stride}, padding={padding}: db = n, i, j에 대해 더한 dout")
    check_directional(layer_loss(dout, stride, padding),
                      [x, w, b], [dx, dw, db], [f"dx (stride={stride}, padding={padding})",
                                                f"dw (stride={stride}, padding={padding})",
                                                f"db (stride={stride}, padding={padding})"])
print("conv2d_backward: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# 그림을 하나 더 봅시다. `w`와 `dout`이 모두 1일 때의 *여러분의* `conv2d_backward`를 씁니다. 이때
# $dx$는 각 입력 픽셀이 몇 개의 창에 속하는지 셉니다. 스트라이드 1에서는 가운데 픽셀이 9번,
# 모서리 픽셀이 한 번 읽히고, 스트라이드 2에서는 겹침이 줄어듭니다. `+=` 대신 `=`를 썼다면 모든
# 칸이 1로 나옵니다.

# %% tags=["autograder:skip"]
def show_window_counts(H=7, W=7, K=3):
    try:
        counts = [conv2d_backward(np.zeros((1, 1, H, W)), np.ones((1, 1, K, K)), np.zeros(1),
                                  np.ones((1, 1, (H - K) // s + 1, (W - K) // s + 1)), stride=s)[0]
                  for s in (1, 2)]
    except (NameError, NotImplementedError):   # 아직 작성하지 않았거나 그 셀을 실행하지 않음
        print("먼저 위의 conv2d_backward를 작성하고 그 셀을 실행한 다음, 이 셀을 다시 실행하세요.")
        return
    fig, axes = plt.subplots(1, 2, figsize=(7, 3.4))
    for ax, dx, s in zip(axes, counts, (1, 2)):
        ax.imshow(dx[0, 0], cmap="Oranges", vmin=0)
        for (r, c), v in np.ndenumerate(dx[0, 0]):
            ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=9,
                    color="white" if v > dx.max() / 2 else "black")
        ax.set_title(f"w = dout = 1, 스트라이드 {s}일 때의 dx", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    plt.tight_layout()
    plt.show()


show_window_counts()


# %% [markdown]
# ### 여러분의 수치 미분으로 확인하기
#
# 2절의 `corr1d_backward` 때와 마찬가지로, 다음 셀은 스트라이드 2, 패딩 1인 작은 무작위 층에서
# 여러분의 `conv2d_backward`를, 순전파에 여러분의 `numerical_gradient`를 적용한 결과와 원소별로
# 비교합니다(손실 $L = \sum \text{dout} \cdot \text{out}$). 세 가지가 모두 여러 자리까지
# 일치하면 층의 역전파는 거의 확실히 맞습니다.

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
except (NameError, NotImplementedError):   # 아직 작성하지 않았거나 그 셀들을 실행하지 않음
    print("먼저 위의 conv2d_backward(와 2절의 numerical_gradient)를 작성하고 그 셀들을 실행한 "
          "다음, 이 셀을 다시 실행하세요.")

# %% [markdown]
# ## 요약
#
# | 순전파 | 커널에 대한 그래디언트 | 입력에 대한 그래디언트 |
# |---|---|---|
# | $y = \text{corr1d}(x, w)$ | $dw = \text{corr1d}(x, dy)$ | $dx = $ $dy$와 $w$의 full 합성곱 |
# | $y = \text{corr2d}(x, w)$ | $dw = \text{corr2d}(x, dy)$ | $dx = $ $dy$와 $w$의 full 2D 합성곱 (`w[::-1, ::-1]`과의 교차상관) |
# | 층, 스트라이드 1, 패딩 없음 | $dw[f, c] = \sum_n \text{corr2d}(x[n, c], \text{dout}[n, f])$ | $dx[n, c] = \sum_f$ $\text{dout}[n, f]$와 $w[f, c]$의 full 합성곱 |
#
# - 편향의 그래디언트는 상류 그래디언트를 채널을 뺀 나머지 모든 축에 대해 더한 것입니다.
# - 창이 겹치므로 그래디언트는 **더해집니다**(`+=`).
# - 커널은 가중치 쪽이 아니라 입력 쪽에 뒤집힌 채로 도착합니다(2D에서는 180도 회전).
# - 스트라이드가 있으면 각 출력의 그래디언트는 그 출력이 읽은 창, 즉 $(is, js)$로 돌아갑니다.
#   패딩이 있으면 패딩한 입력의 그래디언트를 입력 크기로 잘라 냅니다.
# - 중심 차분으로 구한 수치 미분은 어떤 역전파든 검사할 수 있는 기준입니다. 선형 층이라면 무작위
#   방향 하나만으로도 많은 것을 알 수 있습니다.
#
# 이것으로 합성곱 층의 순전파와 역전파를 모두 마쳤습니다. 모든 CNN의 기본 구성 요소입니다.
