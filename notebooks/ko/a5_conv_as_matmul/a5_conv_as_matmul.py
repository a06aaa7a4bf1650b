# %% [markdown]
# # 과제 5 · 행렬 곱으로 보는 합성곱, 그리고 커널 학습
#
# 과제 2~4에서는 합성곱을 창(window) 하나하나에 대해 계산했습니다. 실제 라이브러리는 거의 그렇게
# 하지 않습니다. 계산을 재배치해서 **하나의 큰 행렬 곱**으로 만드는데, 행렬 곱은 모든 CPU·GPU
# 라이브러리가 마지막 한 사이클까지 최적화해 둔 연산입니다. 이 과제에서는 이 기법을 두 방향에서
# 살펴본 다음, 경사 하강법(gradient descent)이 커널을 직접 *찾아내도록* 해 봅니다.
#
# | 함수 | 모양 |
# |---|---|
# | `im2col(x, kh, kw, stride=1, padding=0)` | `(N, C, H, W)` → `(N, OH*OW, C*KH*KW)`: 창 하나가 한 행 |
# | `conv2d_matmul(x, w, b, stride=1, padding=0)` | `(N, C, H, W)`, `(F, C, KH, KW)`, `(F,)` → `(N, F, OH, OW)`: 층 전체를 하나의 곱으로 |
# | `conv_matrix(w, input_shape)` | `(KH, KW)`, `(H, W)` → `(OH*OW, H*W)`: 교차상관을 행렬로 |
#
# 문자는 과제 3과 같습니다. **N**은 이미지 수, **C**는 입력 채널 수, **F**는 커널 수, **H, W**는
# 입력의 높이와 너비, **KH, KW**는 커널의 높이와 너비, **OH, OW**는 출력의 높이와 너비입니다.
# 스트라이드와 패딩은 정수입니다. 입력은 정수나 실수로 된 파이썬 리스트 또는 NumPy 배열일 수
# 있으며, 반환값은 항상 `float64` NumPy 배열이어야 합니다.

# %% [markdown] tags=["ko", "glossary"]
# **용어.** 이 노트북은 다음 한국어 용어를 씁니다. 영어 자료와 코드의 이름을 읽을 때 참고하세요.
#
# | 한국어 | English |
# |---|---|
# | 합성곱 | convolution |
# | 교차상관 | cross-correlation |
# | 커널 | kernel |
# | 채널 | channel |
# | 스트라이드 | stride |
# | 패딩 | padding |
# | 창 | window |
# | 모양 | shape |
# | 층 | layer |
# | 가중치 | weight |
# | 편향 | bias |
# | 배치 | batch |
# | 입력/출력 | input/output |
# | 행/열 | row/column |
# | 전치 | transpose |
# | 뒤집다 | flip |
# | im2col | im2col (image to columns) |
# | 행렬 곱 | matrix product |
# | 내적 | dot product |
# | 가중치 공유 | weight sharing |
# | 희소성 | sparsity |
# | 완전 연결 층 | fully connected layer |
# | 순전파 | forward pass |
# | 역전파 | backpropagation, backward pass |
# | 그래디언트 | gradient |
# | 손실 | loss |
# | 평균 제곱 오차 | mean squared error |
# | 경사 하강법 | gradient descent |
# | 학습률 | learning rate |

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
from matplotlib.patches import Rectangle

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
# 다음 셀은 `corr2d`(과제 2)와 `conv2d_forward`(과제 3)를 단순하게 작성한 버전을 줍니다. 테스트는
# 여러분의 행렬 버전을 이 함수들과 비교합니다. 전형적인 실수 몇 가지를 알아보는 검사 도우미
# 함수도 함께 들어 있습니다. 실행하세요.

# %% nbgrader={"grade": false, "grade_id": "given", "locked": true, "schema_version": 3, "solution": false}
# 제공 코드: 과제 2의 2D 교차상관과 과제 3의 층을 단순하게 작성한 것으로, 테스트가 여러분의 행렬
# 버전을 이것들과 비교합니다. 테스트가 쓰는 검사 도우미 함수도 있습니다.

def corr2d(x, w):
    """valid 2D 교차상관, x: (H, W), w: (KH, KW) -> (H-KH+1, W-KW+1).

    커널 가중치 하나마다 x의 이동된 슬라이스 하나: y = 모든 (p, q)에 대한 w[p, q] * x[p:p+OH, q:q+OW]의 합.
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
    """과제 3의 층: x (N, C, H, W), w (F, C, KH, KW), b (F,) -> (N, F, OH, OW)."""
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
    """assert_close와 같지만, 먼저 `got`이 알려진 실수가 내는 값과 정확히 같으면 어떤 실수인지
    알려 줍니다(이 입력에서 여러 실수가 같은 값을 내면 그 모두를).

    known_mistakes: (실수한 코드가 돌려주는 값, 그 실수의 설명) 쌍들.
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
        raise AssertionError(f"{what}: {named[0]}\n기대한 값:\n{expected}\n받은 값:\n{got}")
    if named:
        raise AssertionError(f"{what}: 다음 실수 중 하나입니다(이 입력에서는 모두 같은 값을 냅니다):\n- "
                             + "\n- ".join(named) + f"\n기대한 값:\n{expected}\n받은 값:\n{got}")
    assert_close(got, expected, what)


# %% [markdown]
# ## 1. 창을 행으로: `im2col`
#
# 합성곱 층이 이미지 $n$의 출력 픽셀 $(i, j)$ 하나에 대해 무엇을 계산하는지 봅시다. 패딩된
# 입력에서 창 $x_{\text{pad}}[n, :, i s : i s + K_H, j s : j s + K_W]$(모든 $C$개 채널)를 잘라
# 내고, 모양이 같은 $(C, K_H, K_W)$ 커널과 원소끼리 곱한 다음 전부 더합니다. "원소끼리 곱하고 전부
# 더하기"는, 두 블록을 길이 $C K_H K_W$인 벡터로 펼치고 나면 바로 **내적**입니다.
#
# 그러므로 모든 창을 한 행으로 펼치고, 그 행들을 쌓아 행렬을 만듭니다. 이것이 **im2col** 행렬입니다
# ("image to columns"; 창을 열로 저장하던 라이브러리에서 온 이름이며, 우리는 행을 씁니다).
#
# - 출력 픽셀 하나에 한 행: 행 $r = i \cdot O_W + j$, 즉 출력의 행을 차례로, 각 행은 왼쪽에서
#   오른쪽으로 읽는 순서입니다(`reshape`가 $(O_H, O_W)$ 배열을 읽는 순서).
# - 창 안의 수 하나에 한 열: $(C, K_H, K_W)$ 순서로 펼칩니다. 채널 0 전체가 먼저 오고(그 첫 번째
#   커널 행, 다음에 두 번째 행 ...), 그다음이 채널 1입니다. 이것은 `w.reshape(F, -1)`이 커널을
#   펼치는 순서와 같으므로, 행렬의 열 $k$는 언제나 펼친 커널의 원소 $k$, 즉 같은 가중치와 짝이
#   됩니다.
#
# 자기가 어디서 왔는지 알려 주는 수를 쓰면 이것이 잘 보입니다. 그림에서 채널 $c$, 행 $r$, 열 $q$의
# 입력값은 $100c + 10r + q$입니다. 왼쪽에서 색칠된 각 창은 오른쪽에서 같은 색의 행이 됩니다. 같은
# 입력값이 여러 행에 나타나는 것에 주목하세요. 창들이 겹치기 때문에, im2col은 각 값을 그 값을 읽는
# 창의 수만큼 복사합니다.

# %% tags=["autograder:skip"]
WINDOW_COLORS = ["#e69138", "#3d85c6", "#6aa84f", "#a64d79"]
CHANNEL_FILLS = ["#fce5cd", "#d9ead3", "#cfe2f3"]


def draw_im2col(C=2, H=3, W=4, K=2, stride=1, show=(0, 1, 3)):
    """한 이미지의 입력(채널마다 패널 하나)과 im2col 행렬을 반복문으로 그립니다.

    값은 자기 출처를 나타냅니다: 100 * 채널 + 10 * 행 + 열.
    """
    OH, OW = (H - K) // stride + 1, (W - K) // stride + 1

    def value(c, r, q):
        return 100 * c + 10 * r + q

    fig, axes = plt.subplots(1, C + 1, figsize=(2.2 * C + 0.55 * C * K * K + 1.5, 0.45 * OH * OW + 1.6),
                             gridspec_kw={"width_ratios": [W] * C + [C * K * K + 2]})
    for c in range(C):                                   # 입력: 채널마다 패널 하나
        ax = axes[c]
        for r in range(H):
            for q in range(W):
                ax.add_patch(Rectangle((q, H - 1 - r), 1, 1, facecolor=CHANNEL_FILLS[c], edgecolor="0.6"))
                ax.text(q + 0.5, H - 0.5 - r, f"{value(c, r, q)}", ha="center", va="center", fontsize=8)
        for k, row in enumerate(show):                   # 강조할 창들, 조금씩 안쪽으로 들여서
            i, j = divmod(row, OW)
            inset = 0.06 + 0.07 * k
            ax.add_patch(Rectangle((j * stride + inset, H - i * stride - K + inset), K - 2 * inset,
                                   K - 2 * inset, fill=False, edgecolor=WINDOW_COLORS[k], lw=2.2))
        ax.set_xlim(-0.1, W + 0.1)
        ax.set_ylim(-0.1, H + 0.1)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(f"x[0, {c}] (채널 {c})", fontsize=9)
    ax = axes[C]                                         # 행렬: 창마다 한 행
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
        ax.text(c * K * K + K * K / 2, rows + 0.3, f"채널 {c}", ha="center", fontsize=8)
    ax.set_xlim(-3.2, cols + 0.1)
    ax.set_ylim(-0.1, rows + 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"im2col: ({rows}, {cols}) = (OH*OW, C*KH*KW)", fontsize=9)
    plt.tight_layout()
    plt.show()


draw_im2col()

# %% [markdown]
# **스트라이드** $s$가 있으면 출력 픽셀 $(i, j)$의 창은 $(i s, j s)$에서 시작하므로, 더 적고 서로 더
# 멀리 떨어진 창들이 행이 됩니다. **패딩** $p$가 있으면 과제 3에서처럼 먼저 *모든* 변에 $p$개의 행과
# 열을 0으로 덧붙입니다. 행의 수는 $O_H O_W$이고, $O_H = \lfloor (H + 2p - K_H)/s \rfloor + 1$
# (과제 1)이며 $O_W$도 마찬가지입니다. 아래는 채널 하나, $K = 3$, 스트라이드 2인 경우입니다. 창이
# 네 개이므로 행도 네 개입니다.

# %% tags=["autograder:skip"]
draw_im2col(C=1, H=5, W=5, K=3, stride=2, show=(0, 1, 2, 3))


# %% [markdown]
# ### 직접 해 보기: `im2col`
#
# 모양이 $(N, C, H, W)$인 배치 `x`에 대해 `im2col(x, kh, kw, stride=1, padding=0)`을 작성하세요.
# 반환값은 모양이 $(N, O_H O_W, C K_H K_W)$인 배열입니다. `cols[n, i*OW + j]`는 패딩된 입력에서
# $(i s, j s)$에 있는 이미지 $n$의 창을 `.ravel()`(또는 `.reshape(-1)`)로 펼친 것이며, 이렇게
# 펼치면 정확히 $(C, K_H, K_W)$ 순서가 됩니다.
#
# 출력 픽셀 $(i, j)$에 대한 반복문으로 창마다 한 행씩 채우는 것(모든 $N$개 이미지를 한꺼번에:
# `xpad[:, :, rows, cols].reshape(N, -1)`)도 충분히 좋은 풀이입니다. 반복문 없이 하고 싶다면
# `np.lib.stride_tricks.sliding_window_view`가 모든 창을 한 번에 주고, 스트라이드는 창 위치에 대한
# 슬라이스 `[::s]`로 처리할 수 있습니다. 그다음 축을 (N, OH, OW, C, KH, KW) 순서로 옮기고
# reshape하세요.
#
# `x`가 4차원이 아니거나 커널이 패딩된 입력 안에 들어가지 않으면 `ValueError`를 일으키세요.

# %% nbgrader={"grade": false, "grade_id": "im2col", "locked": false, "schema_version": 3, "solution": true}
def im2col(x, kh, kw, stride=1, padding=0):
    """층 입력의 모든 창을 각각 행렬의 한 행으로 만듭니다.

    x: (N, C, H, W); kh, kw: 커널의 높이와 너비; stride, padding: 정수.
    반환값 cols: (N, OH*OW, C*KH*KW) float64, OH = (H + 2*padding - kh) // stride + 1 (OW도
    마찬가지), 각 행이 창 하나:
    cols[n, i*OW + j] = xpad[n, :, i*stride : i*stride+kh, j*stride : j*stride+kw].ravel().
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write im2col here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_im2col", "locked": true, "schema_version": 3, "solution": false}
# 강의의 3x3 입력과 2x2 커널: 창 네 개, 행 네 개.
x = np.arange(9).reshape(1, 1, 3, 3)
assert_close(im2col(x, 2, 2), [[[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]]],
             "im2col(arange(9).reshape(1, 1, 3, 3), 2, 2)",
             mistakes={((0, 1, 3, 4), (1, 2, 4, 5), (3, 4, 6, 7), (4, 5, 7, 8)):
                       "이미지들까지 행으로 쌓았습니다, (N*OH*OW, C*KH*KW): im2col은 배치 축을 "
                       "맨 앞에 그대로 둡니다, (N, OH*OW, C*KH*KW)",
                       (((0, 3, 1, 4), (1, 4, 2, 5), (3, 6, 4, 7), (4, 7, 5, 8)),):
                       "열 순서가 틀렸습니다: 각 창을 열 우선으로 펼쳤습니다(KW 축이 KH 축보다 앞). "
                       "각 창을 w.reshape(F, -1)이 커널을 펼치는 것과 같은 (C, KH, KW) 순서로 펼치세요. "
                       "xpad[n, :, rows, cols]의 window.ravel()이 그렇게 합니다",
                       (((0, 1, 3, 4), (3, 4, 6, 7), (1, 2, 4, 5), (4, 5, 7, 8)),):
                       "행 순서가 틀렸습니다: 행 r = i*OW + j이므로, 바로 다음 행은 한 칸 오른쪽의 창입니다"
                       "(출력은 행 단위로 읽습니다)"})

# 값이 자기 출처를 나타냅니다: 100 * 채널 + 10 * 행 + 열; N=1, C=2, H=3, W=4.
c, r, q = np.meshgrid(range(2), range(3), range(4), indexing="ij")
x = (100 * c + 10 * r + q)[None]
got = im2col(x, 2, 3)
if np.shape(got) == (1, 3, 12):
    raise AssertionError("im2col(x (1, 2, 3, 4), 2, 3): 기대한 모양은 (1, 4, 12)인데 받은 모양은 3x2 "
                         "커널의 모양인 (1, 3, 12)입니다: kh와 kw가 바뀌었습니다. 창은 높이가 kh행, "
                         "너비가 kw열입니다, xpad[n, :, i*s : i*s + kh, j*s : j*s + kw]")
assert isinstance(got, np.ndarray) and got.shape == (1, 4, 12), (
    f"x (1, 2, 3, 4)와 2x3 커널의 im2col: 기대한 모양은 (1, 4, 12) = (N, OH*OW, C*KH*KW)인데 "
    f"받은 모양은 {np.shape(got)}입니다")
first = np.array([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112])     # (0, 0)의 창
expected = np.stack([first, first + 1, first + 10, first + 11])[None]     # (0, 0), (0, 1), (1, 0), (1, 1)
windows = expected.reshape(1, 4, 2, 2, 3)                                 # 축 (N, 행, C, KH, KW)
assert_matches(got, expected, "x[0, c, r, q] = 100c + 10r + q일 때 im2col(x, 2, 3)", [
    (windows.transpose(0, 1, 3, 4, 2).reshape(1, 4, 12),
     "열 순서가 틀렸습니다: 열이 채널을 맨 뒤에 둔 (KH, KW, C) 순서입니다. 각 창을 "
     "w.reshape(F, -1)이 커널을 펼치는 것과 같은 (C, KH, KW) 순서로 펼치세요. "
     "xpad[n, :, rows, cols]의 window.ravel()이 그렇게 합니다."),
    (windows.transpose(0, 1, 3, 2, 4).reshape(1, 4, 12),
     "열 순서가 틀렸습니다: 열이 (KH, C, KW) 순서입니다. 각 창을 w.reshape(F, -1)이 커널을 펼치는 "
     "것과 같은 (C, KH, KW) 순서로 펼치세요. xpad[n, :, rows, cols]의 window.ravel()이 그렇게 합니다."),
    (expected[:, [0, 2, 1, 3]], "행 순서가 틀렸습니다: 행 r = i*OW + j이므로, 바로 다음 행은 "
     "한 칸 오른쪽의 창입니다(출력은 행 단위로 읽습니다)."),
])

# 스트라이드 2: 창이 0, 2, 4 ...에서 시작합니다(x의 모양은 (1, 1, 5, 7), 값은 10 * 행 + 열).
x = (10 * np.arange(5)[:, None] + np.arange(7))[None, None]
got = im2col(x, 2, 2, stride=2)
if np.shape(got) == (1, 24, 4):
    raise AssertionError("im2col(x (1, 1, 5, 7), 2, 2, stride=2): 스트라이드 1일 때의 개수인 24개의 행이 "
                         "나왔습니다: 스트라이드가 무시되었습니다. OH = (H + 2*padding - kh) // stride + 1 = 2, "
                         "OW = 3입니다")
first = np.array([0, 1, 10, 11])
expected = (first + np.array([0, 2, 4, 20, 22, 24])[:, None])[None]
assert_matches(got, expected, "x[0, 0, r, q] = 10r + q일 때 im2col(x, 2, 2, stride=2)", [
    ((first + np.array([0, 1, 2, 10, 11, 12])[:, None])[None],
     "창을 잘라 낼 때 스트라이드가 무시되었습니다: 출력 픽셀 (i, j)의 창은 "
     "(i*stride, j*stride)에서 시작합니다."),
])

# 모든 변에 패딩 1(x의 모양은 (1, 1, 3, 4), 값은 1 + 10 * 행 + 열, 0은 패딩).
x = (1 + 10 * np.arange(3)[:, None] + np.arange(4))[None, None]
got = im2col(x, 3, 3, padding=1)
if np.shape(got) == (1, 2, 9):
    raise AssertionError("im2col(x (1, 1, 3, 4), 3, 3, padding=1): 받은 모양은 패딩이 없을 때의 모양인 "
                         "(1, 2, 9)이고, 기대한 모양은 (1, 12, 9)입니다: 패딩이 무시되었습니다. 먼저 x의 "
                         "두 공간 축을 0으로 패딩하세요: np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))")
if np.shape(got) == (1, 6, 9):
    raise AssertionError("im2col(x (1, 1, 3, 4), 3, 3, padding=1): 받은 모양은 (1, 6, 9), 기대한 모양은 "
                         "(1, 12, 9)입니다: 패딩을 한 번만(한쪽에만, 또는 한 축에만) 적용했나요? 두 공간 "
                         "축을 모두 양쪽에 패딩하세요: "
                         "np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))")
assert isinstance(got, np.ndarray) and got.shape == (1, 12, 9), (
    f"패딩 1: 기대한 모양은 (1, 12, 9)인데 받은 모양은 {np.shape(got)}입니다")
assert_close(got[0, 0], [0, 0, 0, 0, 1, 2, 0, 11, 12],
             "패딩 1: 첫 번째 창(왼쪽 위 모서리, 위와 왼쪽은 0)")
assert_close(got[0, 11], [13, 14, 0, 23, 24, 0, 0, 0, 0],
             "패딩 1: 마지막 창(오른쪽 아래 모서리, 아래와 오른쪽은 0)")

# 무작위 배치: 모양과 dtype. 잘못된 입력에는 ValueError.
rng = np.random.default_rng(0)
xr = rng.integers(-5, 6, size=(3, 2, 7, 6))
got = im2col(xr, 3, 2, stride=2, padding=1)
assert got.shape == (3, 16, 12), (
    f"x (3, 2, 7, 6), 3x2 커널, 스트라이드 2, 패딩 1: 기대한 모양은 (3, 16, 12)인데 받은 모양은 {got.shape}입니다")
assert got.dtype == np.float64, f"정수 입력에도 float64 출력을 기대했는데 {got.dtype}이(가) 왔습니다"
xpad = np.pad(xr, ((0, 0), (0, 0), (1, 1), (1, 1)))
assert_close(got[2, 5], xpad[2, :, 2:5, 2:4].ravel(), "이미지 2의 행 5 = (i, j) = (1, 1)")
assert_raises(ValueError, im2col, np.ones((2, 5, 5)), 3, 3)                 # x가 (N, C, H, W)가 아님
assert_raises(ValueError, im2col, np.ones((1, 2, 5, 5)), 6, 3)              # 커널이 들어가지 않음
assert_raises(ValueError, im2col, np.ones((1, 2, 5, 5)), 3, 8, padding=1)   # 패딩해도 들어가지 않음
print("im2col: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 2. 층 전체를 하나의 행렬 곱으로: `conv2d_matmul`
#
# $F$개의 커널도 같은 방식으로 펼칩니다. `w.reshape(F, -1)`은 $F \times C K_H K_W$ 행렬이고, 그
# 행 $f$가 커널 $f$입니다. 모든 출력값은 im2col의 한 행과 커널의 한 행의 내적이므로, 이들을 모두
# 모으면 행렬 곱이 됩니다.
#
# $$\underbrace{\text{cols}}_{(N,\; O_H O_W,\; C K_H K_W)} \;@\;
# \underbrace{\text{w.reshape}(F, -1)^{T}}_{(C K_H K_W,\; F)} \;+\; b
# \;=\; \underbrace{\text{out}}_{(N,\; O_H O_W,\; F)}$$
#
# (`@`는 마지막 두 축끼리 곱하고 배치 축에 대해서는 이를 반복합니다. 모양이 $(F,)$인 `b`는 모든
# 행에 더해집니다.) 출력 픽셀 하나에 한 행, 커널 하나에 한 열입니다. 층의 모양 $(N, F, O_H, O_W)$를
# 얻으려면 먼저 커널 축을 앞으로 옮기고(`out.transpose(0, 2, 1)`), *그다음에*
# $(N, F, O_H, O_W)$로 reshape합니다. 곧바로 reshape해도 오류는 나지 않지만, 수들이 엉뚱한 자리에
# 들어갑니다. reshape는 축 사이에서 데이터를 옮기지 않고, 순서대로 다시 읽을 뿐입니다.
#
# 굳이 왜 이렇게 할까요? 행렬 곱은 과제 3의 반복문과 정확히 같은 곱셈을 하지만, 행렬 곱 루틴은 그
# 곱셈을 캐시 친화적인 블록 단위로, 모든 코어에서, 벡터 명령어로 수행합니다. 대가는 메모리입니다.
# 모든 입력값이 그 값을 읽는 창마다 한 번씩 복사되므로, 스트라이드가 1이면 약 $K_H K_W$번
# 복사됩니다.

# %% tags=["autograder:skip"]
def draw_matmul(N=1, C=3, H=6, W=6, K=3, F=4):
    """conv2d_matmul의 모양들을 블록으로 그립니다: cols @ w_flat.T -> 전치 -> reshape."""
    OH, OW = H - K + 1, W - K + 1
    L, D = OH * OW, C * K * K
    scale = 0.16
    fig, ax = plt.subplots(figsize=(11, 3.6))
    blocks = [  # (x, 너비, 높이, 색, 레이블)
        (0.0, D, L, "#cfe2f3", f"cols = im2col(x)\n(OH*OW, C*KH*KW)\n= ({L}, {D})"),
        (D * scale + 0.9, F, D, "#f9cb9c", f"w.reshape(F, -1).T\n(C*KH*KW, F)\n= ({D}, {F})"),
        (D * scale + F * scale + 2.0, F, L, "#d9ead3", f"+ b, 커널마다\n열 하나: (OH*OW, F)\n= ({L}, {F})"),
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
    ax.text(D * scale + 2 * F * scale + 2.75, top / 2 + 0.25, "전치,\nreshape",
            ha="center", va="bottom", fontsize=8)
    x0 = D * scale + 2 * F * scale + 3.5
    for f in reversed(range(F)):                         # (OH, OW) 맵 F개를 겹쳐 쌓아서
        ax.add_patch(Rectangle((x0 + 0.2 * f, top - OH * scale * 2 + 0.2 * f), OW * scale * 2, OH * scale * 2,
                               facecolor="#d9ead3", edgecolor="black"))
    ax.text(x0 + OW * scale + 0.3, top - OH * scale * 2 - 0.15, f"out[n]: (F, OH, OW)\n= ({F}, {OH}, {OW})",
            ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.2, x0 + OW * scale * 2 + 1.2)
    ax.set_ylim(-1.6, top + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"이미지 하나(N = {N}), C = {C}, {H}x{W} 입력, 커널 F = {F}개({K}x{K}): "
                 f"행렬 곱 한 번에 곱셈 {L * D * F}번", fontsize=9)
    plt.show()


draw_matmul()


# %% [markdown]
# ### 직접 해 보기: `conv2d_matmul`
#
# `conv2d_matmul(x, w, b, stride=1, padding=0)`을 작성하세요. 과제 3의 층을 하나의 행렬 곱으로
# 계산하는 함수입니다. 여러분의 `im2col`을 쓰고(그 셀을 실행하면 노트북 안에 정의되어 있습니다),
# 그다음 `@`, `+ b`, `transpose`, `reshape`를 쓰세요. 반복문은 쓰지 않습니다. 결과는 제공된
# `conv2d_forward(x, w, b, stride, padding)`와 같아야 합니다.
#
# 속도를 위한 팁: `cols.reshape(N * OH * OW, -1)`로 이미지들까지 행으로 쌓으면 배치 전체가 하나의
# 2D 곱이 됩니다(NumPy가 이것을 BLAS 라이브러리에 한 번의 호출로 넘기므로, 배치 3D `@`보다 몇 배
# 빠른 경우가 많습니다). 결과를 $(N, O_H, O_W, F)$로 reshape하고 커널 축을 1번 자리로 옮기세요.
#
# `x`나 `w`가 4차원이 아니거나, 둘의 채널 수가 다르거나, 커널이 패딩된 입력 안에 들어가지 않으면
# `ValueError`를 일으키세요.

# %% nbgrader={"grade": false, "grade_id": "conv2d_matmul", "locked": false, "schema_version": 3, "solution": true}
def conv2d_matmul(x, w, b, stride=1, padding=0):
    """합성곱 층을 하나의 행렬 곱으로: im2col(x) @ w.reshape(F, -1).T + b.

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,); stride, padding: 정수.
    반환값 out: (N, F, OH, OW) float64, conv2d_forward(x, w, b, stride, padding)와 같습니다.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv2d_matmul here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv2d_matmul", "locked": true, "schema_version": 3, "solution": false}
def known_mistakes(x, w, b, stride, padding):
    """이 인자들에 대해 전형적인 실수를 한 conv2d_matmul이 돌려주는 값과 그 실수(제공된
    conv2d_forward를 바뀐 입력에 적용한 것, 또는 올바른 답을 재배치한 것)."""
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    F, C, KH, KW = w.shape
    expected = conv2d_forward(x, w, b, stride, padding)
    OH, OW = expected.shape[2:]
    once = "패딩을 {}에만 한 번 적용했습니다: 두 공간 축 모두 양쪽에 `padding`만큼 패딩하세요"
    return [
        (conv2d_forward(x, w, 0 * b, stride, padding), "편향이 빠졌습니다: + b (b는 커널마다 원소 하나)."),
        (expected.transpose(0, 2, 3, 1).reshape(expected.shape), "전치하지 않고 reshape했습니다: 곱의 결과는 "
         "(N, OH*OW, F)로 커널마다 열이 하나입니다. (N, F, OH, OW)로 reshape하기 전에 (N, F, OH*OW)로 전치하세요."),
        (conv2d_forward(x, w.reshape(F, KH, KW, C).transpose(0, 3, 1, 2), b, stride, padding),
         "im2col의 열과 펼친 커널이 맞지 않습니다: im2col의 행은 w.reshape(F, -1)의 순서인 (C, KH, KW) "
         "순서여야 합니다."),
        (conv2d_forward(x, w, b, 1, padding)[:, :, :OH, :OW], "스트라이드를 출력 크기에는 썼지만 "
         "창을 잘라 낼 때는 쓰지 않았습니다: 출력 픽셀 (i, j)의 창은 (i*stride, j*stride)에서 시작합니다."),
        (conv2d_forward(x, w, b, stride, 0), "패딩이 무시되었습니다: 먼저 x의 두 공간 축을 0으로 "
         "패딩하세요(padding을 im2col에 넘기세요)."),
        (conv2d_forward(np.pad(x, [(0, 0), (0, 0), (padding, 0), (padding, 0)]), w, b, stride, 0),
         once.format("위와 왼쪽")),
        (conv2d_forward(np.pad(x, [(0, 0), (0, 0), (0, padding), (0, padding)]), w, b, stride, 0),
         once.format("아래와 오른쪽")),
        (conv2d_forward(x, w[:, :, ::-1, ::-1], b, stride, padding), "커널이 뒤집혔습니다. CNN의 합성곱 "
         "층은 교차상관입니다: w.reshape(F, -1)은 각 커널을 있는 그대로 펼칩니다."),
        (conv2d_forward(x, w[:, :, ::-1], b, stride, padding), "커널이 축 2(행) 방향으로만 뒤집혔습니다. "
         "w.reshape(F, -1)은 각 커널을 있는 그대로 펼칩니다."),
        (conv2d_forward(x, w[:, :, :, ::-1], b, stride, padding), "커널이 축 3(열) 방향으로만 "
         "뒤집혔습니다. w.reshape(F, -1)은 각 커널을 있는 그대로 펼칩니다."),
        (conv2d_forward(np.swapaxes(x, 2, 3), w, b, stride, padding), "입력이 전치되었습니다(행과 "
         "열이 바뀜): x를 np.swapaxes(x, 2, 3)인 것처럼 썼습니다."),
        (conv2d_forward(x, np.swapaxes(w, 2, 3), b, stride, padding), "커널이 전치되었습니다(행과 "
         "열이 바뀜): w를 np.swapaxes(w, 2, 3)인 것처럼 썼습니다."),
        (np.swapaxes(expected, 2, 3), "출력이 전치되었습니다(행과 열이 바뀜): (N, F, OH, OW), 즉 "
         "OW개 픽셀로 된 행 OH개의 순서로 reshape하세요."),
    ]


# 강의 예제: [[19, 25], [37, 43]]에 편향 0.5를 더한 것.
x, w, b = np.arange(9).reshape(1, 1, 3, 3), [[[[0, 1], [2, 3]]]], [0.5]
assert_matches(conv2d_matmul(x, w, b), [[[[19.5, 25.5], [37.5, 43.5]]]], "편향 0.5를 더한 강의 예제",
               known_mistakes(x, w, b, 1, 0))

# 스트라이드와 패딩이 있는 무작위 층(N=2, C=3, F=4, 3x2 커널): conv2d_forward와 같아야 합니다.
rng = np.random.default_rng(1)
for stride, padding in [(1, 0), (1, 2), (2, 1), (3, 0)]:
    x, w, b = rng.normal(size=(2, 3, 7, 8)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    expected = conv2d_forward(x, w, b, stride, padding)
    got = conv2d_matmul(x, w, b, stride=stride, padding=padding)
    what = f"conv2d_matmul(x (2, 3, 7, 8), w (4, 3, 3, 2), b, stride={stride}, padding={padding})"
    if np.shape(got) == conv2d_forward(x, w, b, 1, padding).shape != expected.shape:
        raise AssertionError(f"{what}: 받은 모양 {np.shape(got)}은(는) 스트라이드 1일 때의 "
                             "모양입니다: 스트라이드가 무시되었습니다")
    assert_matches(got, expected, what, known_mistakes(x, w, b, stride, padding))

# 정수 입력과 파이썬 리스트도 float64를 내야 합니다. 1x1 커널은 픽셀마다 채널을 섞습니다.
x_int = np.arange(24).reshape(1, 2, 3, 4)
got = conv2d_matmul(x_int.tolist(), np.ones((3, 2, 1, 1), dtype=int), np.zeros(3, dtype=int))
assert got.dtype == np.float64, f"정수 입력에도 float64 출력을 기대했는데 {got.dtype}이(가) 왔습니다"
assert_close(got, conv2d_forward(x_int, np.ones((3, 2, 1, 1)), np.zeros(3)), "1x1 커널")

# ValueError: x가 4차원이 아님, w가 4차원이 아님, 채널 수가 다름, 커널이 들어가지 않음.
assert_raises(ValueError, conv2d_matmul, np.ones((3, 5, 5)), np.ones((2, 3, 3, 3)), np.zeros(2))
assert_raises(ValueError, conv2d_matmul, np.ones((1, 3, 5, 5)), np.ones((3, 3, 3)), np.zeros(3))
assert_raises(ValueError, conv2d_matmul, np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3)), np.zeros(2))
assert_raises(ValueError, conv2d_matmul, np.ones((1, 3, 5, 5)), np.ones((2, 3, 8, 3)), np.zeros(2), padding=1)
print("conv2d_matmul: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# 행렬 곱은 얼마나 빠를까요? 다음 셀은 작은 층에서 제공된 반복문 버전(과제 3의 `conv2d_forward`)과
# 여러분의 `conv2d_matmul`의 실행 시간을 잽니다. 둘은 같은 수를 계산합니다. 시간을 비교해 보고,
# 더 큰 이미지로도 해 보세요.

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
    print("먼저 위의 conv2d_matmul을 작성하고 그 셀을 실행한 다음, 이 셀을 다시 실행하세요.")
else:
    loops = best_time(lambda: conv2d_forward(x, w, b, padding=1))
    product = best_time(lambda: conv2d_matmul(x, w, b, padding=1))
    print(f"x {x.shape}, w {w.shape}, 패딩 1; 결과가 같은가: {same}")
    print(f"출력 픽셀에 대한 반복문 (conv2d_forward):    {loops * 1000:7.1f} ms")
    print(f"행렬 곱 한 번 (여러분의 conv2d_matmul):      {product * 1000:7.1f} ms  ({loops / product:.1f}배 빠름)")


# %% [markdown]
# ## 3. 반대 방향에서: 합성곱은 행렬이다
#
# im2col은 *입력*을 행렬로 바꾸었습니다. *커널*을 행렬로 바꿀 수도 있습니다. valid 2D 교차상관은
# $x$에 대해 선형입니다. 입력을 두 배로 하면 출력도 두 배가 되고, 두 입력을 더하면 출력도 더해집니다.
# 모든 선형 사상은 행렬로 나타낼 수 있으므로, 다음을 만족하는 행렬 $M$이 존재합니다.
#
# $$M \; \text{x.ravel()} = \text{corr2d}(x, w)\text{.ravel()}, \qquad
# M \text{의 모양은 } (O_H O_W,\; H W).$$
#
# $M$의 행 $r = i \cdot O_W + j$는 출력 픽셀 $(i, j)$, 즉 $w[p, q]\, x[i + p, j + q]$의 합을
# 계산합니다. 펼친 입력에서 픽셀 $(i + p, j + q)$는 위치 $(i + p) W + (j + q)$에 있으므로, 행 $r$은
# 모든 커널 위치 $(p, q)$에 대해 열 $(i + p) W + (j + q)$에 $w[p, q]$를 담고, 나머지는 모두
# 0입니다. 강의 예제($3 \times 3$ 입력, 커널 $\begin{bmatrix} 0&1\\2&3 \end{bmatrix}$)에서는
# 다음과 같습니다.
#
# $$M = \begin{bmatrix}
# 0&1&0&2&3&0&0&0&0\\
# 0&0&1&0&2&3&0&0&0\\
# 0&0&0&0&1&0&2&3&0\\
# 0&0&0&0&0&1&0&2&3
# \end{bmatrix}, \qquad M \begin{bmatrix}0\\1\\ \vdots\\8\end{bmatrix} =
# \begin{bmatrix}19\\25\\37\\43\end{bmatrix}.$$
#
# 각 행은 이전 행을 오른쪽으로 한 열 민 것입니다. 단, 창이 이미지의 다음 행으로 넘어가는 곳에서는
# $K_W$(여기서는 2)만큼 밀립니다.
#
# ### 직접 해 보기: `conv_matrix`
#
# 모양이 $(K_H, K_W)$인 2D 커널 `w`와 `input_shape` $= (H, W)$에 대해 `conv_matrix(w, input_shape)`을
# 작성하세요. `np.zeros((OH * OW, H * W))`에서 시작해서 모든 행에 커널을 배치합니다. 출력 픽셀에
# 대한 반복문에서 `M[r].reshape(H, W)[i:i+KH, j:j+KW] = w`라고 쓰면 됩니다(reshape는 뷰를
# 돌려주므로, 뷰에 쓰면 `M`에 쓰입니다). $K_H K_W$개의 커널 위치에 대한 반복문이나 NumPy의 팬시
# 인덱싱으로도 할 수 있습니다.
#
# `w`가 2차원이 아니거나 커널이 입력보다 크면 `ValueError`를 일으키세요.

# %% nbgrader={"grade": false, "grade_id": "conv_matrix", "locked": false, "schema_version": 3, "solution": true}
def conv_matrix(w, input_shape):
    """valid 2D 교차상관의 행렬 M: M @ x.ravel() == corr2d(x, w).ravel().

    w: (KH, KW) 커널; input_shape: (H, W), KH <= H, KW <= W.
    반환값 M: (OH*OW, H*W) float64, OH = H - KH + 1, OW = W - KW + 1; 행 i*OW + j는
    열 (i + p)*W + (j + q)에 w[p, q]를 담고, 나머지는 0입니다.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv_matrix here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_matrix", "locked": true, "schema_version": 3, "solution": false}
w = np.array([[0, 1], [2, 3]])
M = conv_matrix(w, (3, 3))
assert isinstance(M, np.ndarray), f"numpy 배열을 기대했는데 {type(M).__name__}이(가) 왔습니다"
if M.shape == (9, 4):
    raise AssertionError("conv_matrix([[0, 1], [2, 3]], (3, 3)): 기대한 모양은 (4, 9)인데 받은 모양은 "
                         "(9, 4)입니다: M이 전치되었습니다. M에는 출력 픽셀마다 행이 하나, 입력 "
                         "픽셀마다 열이 하나 있습니다: (OH*OW, H*W)")
flipped = ("커널이 뒤집혔습니다: 행 i*OW + j는 열 (i + p)*W + (j + q)에 w[p, q]를 담습니다. "
           "교차상관은 w를 뒤집지 않고 그대로 밀며 계산합니다.")
flipped_along = "커널이 축 {} 방향으로만 뒤집혔습니다: 행 i*OW + j는 열 (i + p)*W + (j + q)에 w[p, q]를 담습니다."
rows_order = ("행 순서가 틀렸습니다: 행 r = i*OW + j는 출력 픽셀 (i, j)이며, 행 단위로(.ravel()의 순서로) "
              "나열됩니다.")
columns_order = ("열이 입력을 열 단위로 펼친 순서를 따릅니다: 열 (i + p)*W + (j + q)는 입력 픽셀 "
                 "(i + p, j + q)이며, 행 단위로(x.ravel()의 순서로) 나열됩니다.")


def known_mistakes(x, w):
    """전형적인 실수를 한 conv_matrix로 M @ x.ravel()을 계산하면 나오는 값과 그 실수."""
    H, W = x.shape
    return [(corr2d(x, w[::-1, ::-1]).ravel(), flipped),
            (corr2d(x, w[::-1]).ravel(), flipped_along.format("0(행)")),
            (corr2d(x, w[:, ::-1]).ravel(), flipped_along.format("1(열)")),
            (corr2d(x, w).T.ravel(), rows_order),
            (corr2d(x.ravel().reshape(W, H).T, w).ravel(), columns_order)]


assert_matches(M @ np.arange(9), [19, 25, 37, 43], "강의 예제의 M @ x.ravel()",
               known_mistakes(np.arange(9).reshape(3, 3), w))
assert_close(M, [[0, 1, 0, 2, 3, 0, 0, 0, 0], [0, 0, 1, 0, 2, 3, 0, 0, 0],
                 [0, 0, 0, 0, 1, 0, 2, 3, 0], [0, 0, 0, 0, 0, 1, 0, 2, 3]], "강의 예제의 conv_matrix")

# 정사각형이 아닌 입력과 무작위 커널: M @ x.ravel()은 제공된 corr2d와 같아야 합니다.
rng = np.random.default_rng(3)
for (H, W), (KH, KW) in [((5, 7), (2, 3)), ((6, 4), (3, 1)), ((4, 5), (4, 5)), ((3, 6), (1, 1))]:
    w, x = rng.normal(size=(KH, KW)), rng.normal(size=(H, W))
    M = conv_matrix(w, (H, W))
    what = f"conv_matrix(w {w.shape}, ({H}, {W}))"
    shape = ((H - KH + 1) * (W - KW + 1), H * W)
    assert M.shape == shape, f"{what}: 기대한 모양은 (OH*OW, H*W) = {shape}인데 받은 모양은 {M.shape}입니다"
    assert_matches(M @ x.ravel(), corr2d(x, w).ravel(), f"{what} @ x.ravel()과 corr2d(x, w).ravel() 비교",
                   known_mistakes(x, w))
assert_close(conv_matrix([[2.5]], (2, 3)), 2.5 * np.eye(6), "1x1 커널: 단위 행렬의 2.5배")
assert conv_matrix(np.ones((2, 2), dtype=int), [3, 3]).dtype == np.float64, "정수 커널에도 float64를 기대합니다"

assert_raises(ValueError, conv_matrix, np.ones((2, 2, 2)), (5, 5))    # w가 2차원이 아님
assert_raises(ValueError, conv_matrix, np.ones((2, 6)), (5, 5))       # 커널이 입력보다 넓음
print("conv_matrix: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ### 행렬이 보여 주는 것: 가중치 공유와 희소성
#
# 왼쪽은 가중치가 1부터 9까지인 $3 \times 3$ 커널을 $5 \times 6$ 입력에 적용할 때의 $M$을 이미지로
# 나타낸 것이고(흰색 = 0), 오른쪽은 강의의 $28 \times 28$ 이미지와 $3 \times 3$ 커널에서 $M$의 0이
# 아닌 원소가 어디에 있는지 보여 줍니다.
#
# 셀을 실행하기 전에 $28 \times 28$인 경우($26 \times 26$ 출력)를 종이와 연필로 세어 보세요.
#
# 1. $M$의 원소는 몇 개입니까?
# 2. 그중 0이 아닌 것은 몇 개이고, 0이 아닌 **서로 다른** 수는 몇 개입니까?
# 3. 0은 몇 개입니까?
# 4. 같은 $28 \times 28$ 입력에서 같은 $26 \times 26$ 출력으로 가는 *완전 연결* 층도 같은 모양의
#    행렬이지만, 모든 원소가 각각 독립된 가중치입니다. 이 층은 가중치를 몇 개 학습하고, 합성곱은
#    몇 개 학습합니까?
#
# 셀은 여러분의 `conv_matrix`로 센 개수를 공식과 나란히 출력합니다.

# %% tags=["autograder:skip"]
try:
    small = conv_matrix(np.arange(1, 10).reshape(3, 3), (5, 6))
    big = conv_matrix(np.random.default_rng(4).uniform(1, 2, size=(3, 3)), (28, 28))
except (NameError, NotImplementedError):
    print("먼저 위의 conv_matrix를 작성하고 그 셀을 실행한 다음, 이 셀을 다시 실행하세요.")
else:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [1.6, 1]})
    axes[0].imshow(np.where(small == 0, np.nan, small), cmap="viridis", aspect="equal")
    for (r, c), v in np.ndenumerate(small):
        if v:
            axes[0].text(c, r, f"{v:g}", ha="center", va="center", fontsize=6, color="white")
    axes[0].set_title(f"5x6 입력에 3x3 커널(가중치 1..9)을 적용한 M: {small.shape}", fontsize=9)
    axes[0].set_xlabel("열 = 입력 픽셀 (행 * W + 열)")
    axes[0].set_ylabel("행 = 출력 픽셀")
    axes[1].imshow(big != 0, cmap="Greys", aspect="auto", interpolation="nearest")
    axes[1].set_title(f"28x28 입력, 3x3 커널일 때 M의 0이 아닌 원소: {big.shape}", fontsize=9)
    plt.tight_layout()
    plt.show()

    (OH_OW, HW), K2 = big.shape, 9
    values = len(np.unique(big[big != 0]))
    print(f"M의 원소 수:             {big.size:>8}   = OH*OW * H*W = {OH_OW} * {HW}")
    print(f"0이 아닌 원소 수:        {np.count_nonzero(big):>8}   = OH*OW * KH*KW (각 행에 커널이 한 번씩 들어 있음)")
    print(f"0이 아닌 서로 다른 값:   {values:>8}   = KH*KW: 모든 행이 같은 가중치 9개를 공유함")
    print(f"0의 개수:                {np.count_nonzero(big == 0):>8}   = M의 {100 * np.mean(big == 0):.1f} %")
    print(f"같은 모양의 완전 연결 층이 학습하는 가중치: {big.size}개, 합성곱이 학습하는 가중치: {K2}개")


# %% [markdown]
# 합성곱 층을 가볍게 만드는 두 가지 아이디어가 있고, $M$은 그 둘을 모두 보여 줍니다.
#
# - **가중치 공유.** $M$의 모든 행은 *같은* $K_H K_W$개의 가중치를 자리만 옮겨 담고 있습니다. 층은
#   작은 패턴 검출기 하나를 모든 위치에 적용하므로, 학습할 수가 $676 \cdot 784 = 529{,}984$개가
#   아니라 9개입니다. 에지는 이미지의 어디에 나타나든 에지입니다.
# - **희소성(국소 연결).** 각 출력 픽셀은 자기 창에 있는 $K_H K_W$개의 입력 픽셀에만 의존합니다.
#   그래서 $M$의 98 % 이상이 0입니다. 완전 연결 층이라면 모든 출력을 모든 입력 픽셀과 연결합니다.
#
# 그래서 $M$을 만들어 합성곱을 계산하는 사람은 없습니다. 그렇게 하면 약 50만 개의 수를 저장하고
# 곱해야 하는데, 그 거의 전부가 0입니다. im2col은 창만 저장합니다.

# %% [markdown]
# ## 4. 경사 하강법으로 커널 학습하기
#
# 지금까지 커널은 주어져 있었습니다. CNN에서는 커널을 **학습**합니다. 여기서는 그 가장 작은 형태를
# 해 봅니다. 알려진 커널, 즉 세로 에지를 찾는 Sobel 커널로 목표 이미지를 만들고, 무작위 수에서
# 출발한 경사 하강법이 그 목표를 재현하는 커널을 찾게 합니다.
#
# - **데이터.** 흑백 사진 $x$(평균 0, 표준편차 1로 맞춤)와 목표
#   $t = \text{corr2d}(x, w_{\text{true}})$. 여기서 $w_{\text{true}}$는 Sobel 커널입니다.
# - **모델과 손실.** $y = \text{corr2d}(x, w)$, 그리고 $M$개의 출력 픽셀에 대한 평균 제곱 오차
#   $L = \frac{1}{M} \sum (y - t)^2$.
# - **그래디언트.** $dy = \partial L / \partial y = \frac{2}{M}(y - t)$이고, 과제 4에서 본 것처럼
#   $dw = \text{corr2d}(x, dy)$입니다. 커널의 그래디언트 역시 교차상관입니다.
# - **한 스텝.** 학습률 $\eta$로 $w \leftarrow w - \eta\, dw$를 수백 번 반복합니다.
#
# $y$가 $w$에 대해 선형이므로, 손실은 9개의 가중치에 대한 그릇 모양의 이차 함수이고 가장 낮은 점은
# $w_{\text{true}}$ 하나뿐입니다. 경사 하강법은 그 점까지 미끄러져 내려갑니다. 아래 셀은 `corr2d`의
# 역전파를 제공합니다(과제 4의 것으로, 제공된 `corr2d`처럼 커널 가중치 하나마다 슬라이스 하나로
# 작성했습니다). 그다음 셀이 학습을 합니다. 여기서는 여러분의 함수를 전혀 쓰지 않습니다.

# %% nbgrader={"grade": false, "grade_id": "given_backward", "locked": true, "schema_version": 3, "solution": false}
def corr2d_backward(x, w, dy):
    """dy = dL/dy가 주어졌을 때 y = corr2d(x, w)의 그래디언트(과제 4): (dx, dw)를 돌려줍니다."""
    x, w, dy = (np.asarray(a, dtype=float) for a in (x, w, dy))
    OH, OW = dy.shape
    dx, dw = np.zeros(x.shape), np.zeros(w.shape)
    for p in range(w.shape[0]):
        for q in range(w.shape[1]):
            dw[p, q] = np.sum(dy * x[p:p + OH, q:q + OW])   # dw = corr2d(x, dy)
            dx[p:p + OH, q:q + OW] += w[p, q] * dy         # 모든 창이 자기 몫을 더합니다
    return dx, dw


# %% tags=["autograder:skip"]
from matplotlib import cbook

with cbook.get_sample_data("grace_hopper.jpg") as f:
    grey = plt.imread(f)[::5, ::5, :3].mean(axis=2)         # (120, 103) 흑백 사진
x_img = (grey - grey.mean()) / grey.std()                  # 평균 0, 표준편차 1

w_true = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)   # Sobel: 세로 에지
target = corr2d(x_img, w_true)

rng = np.random.default_rng(0)
w = rng.normal(scale=0.5, size=(3, 3))                     # 무작위 시작점
w_start = w.copy()
learning_rate, steps = 0.07, 300
losses = []
for _ in range(steps):
    y = corr2d(x_img, w)                                   # 순전파
    losses.append(np.mean((y - target) ** 2))              # 손실
    _, dw = corr2d_backward(x_img, w, 2 * (y - target) / y.size)   # 역전파
    w -= learning_rate * dw                                # 내리막으로 한 걸음

print(f"손실: 처음에는 {losses[0]:.3g}, 마지막에는 {losses[-1]:.2g} ({steps}스텝 후)")
print("학습된 커널:\n", np.round(w, 3))

fig, axes = plt.subplots(1, 5, figsize=(13, 2.8), gridspec_kw={"width_ratios": [1.8, 1, 1, 1, 1]})
axes[0].semilogy(losses)
axes[0].set_xlabel("스텝")
axes[0].set_ylabel("평균 제곱 오차")
axes[0].set_title("학습 중의 손실", fontsize=9)
axes[0].grid(alpha=0.3, which="both")
for ax, kernel, title in [(axes[1], w_start, "무작위 시작점"), (axes[2], w, f"학습된 커널 ({steps}스텝)"),
                          (axes[3], w_true, "실제 커널 (Sobel)")]:
    ax.imshow(kernel, cmap="RdBu_r", vmin=-2.2, vmax=2.2)
    for (r, c), v in np.ndenumerate(kernel):
        ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
axes[4].imshow(corr2d(x_img, w), cmap="gray")
axes[4].set_title("학습된 커널을 적용한 사진", fontsize=9)
axes[4].axis("off")
plt.tight_layout()
plt.show()

# %% [markdown]
# 해 볼 만한 것들: 더 큰 학습률(0.2: 스텝이 최저점을 지나쳐서 손실이 폭발합니다), 더 작은
# 학습률(0.01: 느립니다), 다른 시작점(모두 0), 또는 다른 목표 커널. 가로 에지 `w_true.T`나 블러
# `np.full((3, 3), 1 / 9)`를 써 보세요. 실제 신경망도 많은 커널과 층을 한꺼번에 두고 똑같은 일을
# 합니다. 다만 손실은 목표 이미지 대신 최종 출력을 레이블과 비교하고, 그래디언트는 과제 4의
# 역전파에서 나옵니다.
#
# ## 요약
#
# - **im2col**은 모든 창을 잘라 내어 $(C, K_H, K_W)$ 순서로 펼친 다음 한 행씩 늘어놓습니다:
#   $(N, C, H, W) \to (N, O_H O_W, C K_H K_W)$.
# - 그러면 층은 펼친 커널과의 **행렬 곱 하나**, `im2col(x) @ w.reshape(F, -1).T + b`가 되고, 이를
#   전치하고 $(N, F, O_H, O_W)$로 reshape하면 됩니다. 반복문과 같은 수를 훨씬 빠르게 얻는 대신,
#   입력을 약 $K_H K_W$번 복사하는 비용을 치릅니다.
# - 반대 방향에서 보면 교차상관은 모양이 $(O_H O_W, H W)$인 행렬 $M$입니다. 0이 아닌 서로 다른 수는
#   $K_H K_W$개뿐이고(**가중치 공유**) 대부분은 0입니다(**희소성**). 이것이 합성곱 층이 완전 연결
#   층에 비해 절약하는 부분입니다.
# - 과제 4의 역전파를 이용한 경사 하강법은 예제로부터 커널을 학습합니다.
