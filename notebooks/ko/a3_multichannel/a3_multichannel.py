# %% [markdown]
# # 과제 3 · 여러 채널이 들어가고 여러 채널이 나오는 합성곱 층
#
# 지금까지 입력은 숫자 격자 하나였습니다. 컬러 사진에는 빨강, 초록, 파랑의 세 격자가 있으며, 이를
# **채널**이라고 합니다. CNN 안으로 들어가면 채널은 더 많아집니다. 한 층은 보통 32개, 64개 또는 그
# 이상의 채널을 출력하는데, 채널 하나하나는 학습된 커널 하나가 만들어 낸 *특성 맵(feature map)*이며,
# 다음 층은 이 채널을 모두 읽습니다. 이 과제에서는 실제 합성곱 층을 세 단계로 만듭니다:
#
# | 함수 | 모양 |
# |---|---|
# | `corr2d_multi_in(x, w)` | `(C, H, W)`, `(C, KH, KW)` → `(OH, OW)` |
# | `corr2d_multi_in_out(x, w)` | `(C, H, W)`, `(F, C, KH, KW)` → `(F, OH, OW)` |
# | `conv2d_forward(x, w, b, stride=1, padding=0)` | `(N, C, H, W)`, `(F, C, KH, KW)`, `(F,)` → `(N, F, OH, OW)` |
#
# 이 과제 전체에서 쓰는 글자는 다음과 같습니다: 배치 안의 이미지 **N**개, 입력 채널 **C**개, 출력
# 채널 **F**개(= 커널의 개수, "필터"), 높이와 너비 **H, W**, 커널의 높이와 너비 **KH, KW**. 여기서
# 상관은 모두 과제 2에서처럼 교차상관(cross-correlation)입니다(커널을 뒤집지 않습니다).
#
# 과제 2와 마찬가지로 입력은 Python 리스트일 수도 있고, int나 float로 된 NumPy 배열일 수도 있습니다.
# 반환값은 언제나 `float64` NumPy 배열이어야 합니다(함수 첫머리에서 `np.asarray(x, dtype=float)`를
# 하면 두 가지가 모두 해결됩니다).

# %% [markdown] tags=["ko", "glossary"]
# **용어.** 이 노트북은 다음 한국어 용어를 씁니다. 영어 자료와 코드의 이름을 읽을 때 참고하세요.
#
# | 한국어 | English |
# |---|---|
# | 합성곱 | convolution |
# | 합성곱 층 | convolution layer |
# | 교차상관 | cross-correlation |
# | 커널 / 필터 | kernel / filter |
# | 커널 조각 | kernel slice |
# | 채널 | channel |
# | 특성 맵 | feature map |
# | 입력 / 출력 | input / output |
# | 가중치 | weight |
# | 편향 | bias |
# | 배치 | batch |
# | 패딩 | padding |
# | 스트라이드 | stride |
# | 창 | window |
# | 1×1 합성곱 | 1×1 convolution |
# | 순전파 | forward pass |
# | 뒤집다, 180도 회전 | flip, rotate by 180 degrees |
# | 전치 | transpose |
# | 행 / 열 | row / column |
# | 에지 | edge |
# | 그래디언트 | gradient |

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
# ## 1. 입력 채널이 여러 개일 때: 채널마다 커널 조각 하나, 그리고 더하기
#
# 입력 채널이 $C$개이면 커널도 $C$개의 조각으로 이루어집니다. 입력 채널마다 $K_H \times K_W$ 격자가
# 하나씩 있으므로 커널의 모양은 $(C, K_H, K_W)$입니다. 각 입력 채널을 그 채널의 커널 조각과 과제
# 2에서와 똑같이 교차상관한 다음, **$C$개의 결과를 픽셀별로 더합니다**:
#
# $$y[i, j] = \sum_{c=0}^{C-1} \sum_{p=0}^{K_H-1} \sum_{q=0}^{K_W-1}
# w[c, p, q]\; x[c,\, i + p,\, j + q].$$
#
# 같은 합을 다르게 볼 수도 있습니다. 이제 창(window)은 입력에서 잘라 낸 $C \times K_H \times K_W$
# 블록이고, 커널도 같은 크기의 블록이며, 출력 픽셀은 두 블록의 원소별 곱을 모두 더한 값입니다.
# 커널의 깊이가 입력의 깊이와 정확히 같으므로 커널은 높이와 너비 방향으로만 움직이고 채널 방향으로는
# 움직이지 않습니다. 그래서 결과는 2차원 맵 하나입니다.
#
# 채널이 두 개인 계산 예입니다:
#
# $$x_0 = \begin{bmatrix} 0&1&2\\3&4&5\\6&7&8 \end{bmatrix},\;
# w_0 = \begin{bmatrix} 0&1\\2&3 \end{bmatrix}
# \;\Rightarrow\; \begin{bmatrix} 19&25\\37&43 \end{bmatrix}
# \qquad
# x_1 = \begin{bmatrix} 1&2&3\\4&5&6\\7&8&9 \end{bmatrix},\;
# w_1 = \begin{bmatrix} 1&2\\3&4 \end{bmatrix}
# \;\Rightarrow\; \begin{bmatrix} 37&47\\67&77 \end{bmatrix}$$
#
# 층의 출력은 이 둘을 더한
# $\begin{bmatrix} 56&72\\104&120 \end{bmatrix}$입니다.
#
# 그림은 이 계산을 블록으로 보여 줍니다. 채널이 3개인 입력(채널마다 색이 다릅니다), 같은 색의 조각
# 3개로 된 커널, 그리고 출력 맵 하나입니다. 주황색 창과 주황색 출력 칸은 블록 전체에 대한
# 곱셈-덧셈 한 번을 나타냅니다. $3 \times 3 \times 3 = 27$개의 곱을 더해 숫자 하나를 얻습니다.
# ($\star$는 교차상관을 나타내는 흔한 기호입니다.)

# %% tags=["autograder:skip"]
CHANNEL_COLORS = ["#f4cccc", "#d9ead3", "#cfe2f3", "#fff2cc"]
FILTER_COLORS = ["#f9cb9c", "#d5a6bd", "#b4a7d6", "#a2c4c9"]


def draw_stack(ax, x0, y0, colors, h, w, cell=0.32, shift=0.32, window=None, label=""):
    """h x w 칸짜리 판 len(colors)장을 그립니다. 첫 장이 맨 앞에, 나머지는 그 뒤에 놓입니다."""
    depth = len(colors)
    for s in reversed(range(depth)):                # 뒤쪽 판부터
        ox, oy = x0 + s * shift, y0 + s * shift
        ax.add_patch(Rectangle((ox, oy), w * cell, h * cell, facecolor=colors[s],
                               edgecolor="black", lw=0.8))
        for r in range(1, h):
            ax.plot([ox, ox + w * cell], [oy + r * cell] * 2, color="0.5", lw=0.4)
        for c in range(1, w):
            ax.plot([ox + c * cell] * 2, [oy, oy + h * cell], color="0.5", lw=0.4)
        if window is not None:                      # 모든 판에 보이는 창 (row, col, kh, kw)
            r, c, kh, kw = window
            ax.add_patch(Rectangle((ox + c * cell, oy + (h - r - kh) * cell), kw * cell,
                                   kh * cell, facecolor="#f6b26b" if s == 0 else "none",
                                   edgecolor="#b45f06", lw=2, alpha=0.75))
    ax.text(x0 + (w * cell + (depth - 1) * shift) / 2, y0 - 0.35, label,
            ha="center", va="top", fontsize=9)


def draw_blocks(C=3, H=5, W=5, F=1, K=3, cell=0.32):
    """입력 블록 (C, H, W), 커널 블록 F개 (C, K, K), 출력 블록 (F, H-K+1, W-K+1)."""
    OH, OW = H - K + 1, W - K + 1
    in_w = W * cell + (C - 1) * cell                # 판이 한 장 늘 때마다 더미가 `cell`만큼 넓어집니다
    mid = (H * cell + (C - 1) * cell) / 2           # 입력 블록의 세로 방향 가운데
    k_size, gap = K * cell + (C - 1) * cell, 0.55
    k_total = F * k_size + (F - 1) * gap
    kx = in_w + 1.8
    out_x = kx + k_size + 1.3
    out_h = OH * cell + (F - 1) * cell
    fig, ax = plt.subplots(figsize=(9.5, 1.1 * max(k_total, 2 * mid) + 1.2))
    draw_stack(ax, 0, 0, CHANNEL_COLORS[:C], H, W, window=(0, 0, K, K),
               label=f"입력 x: (C, H, W) = ({C}, {H}, {W})")
    ax.text(in_w + 0.5, mid, "⋆", fontsize=30, ha="center", va="center")
    for f in range(F):
        y = mid + k_total / 2 - (f + 1) * k_size - f * gap
        draw_stack(ax, kx, y, CHANNEL_COLORS[:C], K, K)
        ax.text(kx - 0.15, y + k_size / 2, f"w[{f}]" if F > 1 else "w", ha="right",
                va="center", fontsize=9, bbox=dict(facecolor=FILTER_COLORS[f], edgecolor="none"))
    k_label = (f"커널 w: (F, C, KH, KW)\n= ({F}, {C}, {K}, {K})" if F > 1
               else f"커널 w: (C, KH, KW)\n= ({C}, {K}, {K})")
    ax.text(kx + k_size / 2, mid - k_total / 2 - 0.35, k_label, ha="center", va="top", fontsize=9)
    ax.text(out_x - 0.65, mid, "=", fontsize=22, ha="center", va="center")
    out_label = (f"출력 y: (F, OH, OW)\n= ({F}, {OH}, {OW})" if F > 1
                 else f"출력 y: (OH, OW)\n= ({OH}, {OW})")
    draw_stack(ax, out_x, mid - out_h / 2, FILTER_COLORS[:F], OH, OW, window=(0, 0, 1, 1),
               label=out_label)
    note = (f"주황색: 출력 픽셀 하나 =\nC*KH*KW = {C * K * K}개 곱의 합,\n"
            f"창의 채널 {C}개 전부")
    if F > 1:
        note = "커널마다 출력 채널 하나\n(이름표와 같은 색)\n" + note
    ax.text(out_x + OW * cell + (F - 1) * cell + 0.5, mid, note, fontsize=9, va="center")
    bottom = min(-0.9, mid - k_total / 2 - 1.0)
    ax.set_xlim(-0.3, out_x + 6.0)
    ax.set_ylim(bottom, max(2 * mid, mid + k_total / 2) + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    plt.show()


draw_blocks(F=1)


# %% [markdown]
# ### 직접 해 보기: `corr2d_multi_in`
#
# 모양이 `(C, H, W)`인 `x`와 모양이 `(C, KH, KW)`인 `w`에 대해 `corr2d_multi_in(x, w)`를
# 작성하세요. 채널에 대해 반복하면서 2차원 교차상관을 더해도 되고(과제 2의 `corr2d`를 쓰고 싶다면
# 이 셀에 붙여 넣으세요), 출력 픽셀에 대해 반복하면서 블록 전체 `x[:, i:i+KH, j:j+KW] * w`를 한
# 번에 더해도 됩니다. `x`와 `w`의 채널 수가 다르면 `ValueError`를 발생시키세요. 실제 CNN 코드에서
# 가장 흔한 모양 버그가 바로 이것입니다.

# %% nbgrader={"grade": false, "grade_id": "corr2d_multi_in", "locked": false, "schema_version": 3, "solution": true}
def corr2d_multi_in(x, w):
    """입력 채널이 여러 개인 교차상관: 채널마다 그 커널 조각과 교차상관한 뒤 모두 더합니다.

    x: (C, H, W), w: (C, KH, KW), C가 같아야 합니다.
    y: (H - KH + 1, W - KW + 1) float64를 반환합니다.
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
             "채널이 두 개인 계산 예에 대한 corr2d_multi_in",
             mistakes={(((19, 25), (37, 43)), ((37, 47), (67, 77))):
                        "채널을 더하지 않았습니다: 채널마다 맵이 하나씩 돌아왔습니다. 채널별 "
                        "교차상관 C개를 (OH, OW) 맵 하나로 더하세요",
                        ((28, 36), (52, 60)): "채널을 평균했습니다. 평균이 아니라 합이어야 합니다",
                        ((37, 47), (67, 77)): "마지막 채널만 반영되었습니다: 채널에 대한 "
                                              "합을 덮어썼습니다 (+= 대신 =)",
                        ((19, 25), (37, 43)): "첫 번째 채널만 썼습니다. C개 채널을 모두 더하세요"})

# 채널이 하나이면 과제 2의 corr2d와 같습니다. 두 채널의 결과는 더해집니다.
assert_close(corr2d_multi_in(x[:1], w[:1]), [[19, 25], [37, 43]], "채널 하나 (강의의 예)")
assert_close(corr2d_multi_in(x[1:], w[1:]), [[37, 47], [67, 77]], "채널 1만 따로")
w_only0 = w.copy()
w_only0[1] = 0
assert_close(corr2d_multi_in(x, w_only0), [[19, 25], [37, 43]], "커널 조각 1이 모두 0: 채널 0만 반영됩니다")

rng = np.random.default_rng(0)
got = corr2d_multi_in(rng.normal(size=(3, 5, 6)), rng.normal(size=(3, 2, 3)))
assert got.shape == (4, 4), f"x (3, 5, 6), w (3, 2, 3): 기대한 모양 (4, 4), 받은 모양 {got.shape}"
assert_raises(ValueError, corr2d_multi_in, np.ones((3, 5, 5)), np.ones((2, 3, 3)))
print("corr2d_multi_in: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 2. 커널이 여러 개일 때: 출력 채널 여러 개
#
# 커널 하나는 한 종류의 패턴(한 방향의 에지, 색 얼룩 등)을 검출합니다. 층에는 여러 패턴이 필요하므로
# 커널을 $F$개 두고, 이를 모양이 $(F, C, K_H, K_W)$인 4차원 배열로 쌓습니다. 커널 $f$는 출력 채널
# $f$를 만들고, 출력들도 쌓입니다:
#
# $$y[f, i, j] = \sum_{c} \sum_{p} \sum_{q} w[f, c, p, q]\; x[c,\, i + p,\, j + q],
# \qquad y \text{의 모양은 } (F, O_H, O_W).$$
#
# 말로 하면 `y[f]`는 `corr2d_multi_in(x, w[f])`입니다. 눈여겨볼 특수한 경우가 **1×1
# 합성곱**($K_H = K_W = 1$)입니다. 1×1 합성곱은 이웃을 전혀 보지 않고, 각 픽셀의 채널 값 $C$개를
# 모든 위치에서 같은 $F \times C$ 행렬로 섞어 새 값 $F$개를 만듭니다. 신경망은 이것으로 채널 수를
# 적은 비용으로 바꿉니다.
#
# 다시 블록 그림입니다. 이번에는 커널이 $F = 2$개입니다. 각 커널 블록은 여전히 입력 채널 3개 전부에
# 걸쳐 있고, 커널마다 출력의 판을 하나씩 만듭니다.

# %% tags=["autograder:skip"]
draw_blocks(F=2)


# %% [markdown]
# `corr2d_multi_in_out(x, w)`를 작성하세요. 채널 수가 다르면 `ValueError`를 발생시키세요.

# %% nbgrader={"grade": false, "grade_id": "corr2d_multi_in_out", "locked": false, "schema_version": 3, "solution": true}
def corr2d_multi_in_out(x, w):
    """커널 여러 개, 커널마다 출력 채널 하나.

    x: (C, H, W), w: (F, C, KH, KW).
    y[f] = corr2d_multi_in(x, w[f])인 y: (F, H - KH + 1, W - KW + 1) float64를 반환합니다.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr2d_multi_in_out here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr2d_multi_in_out", "locked": true, "schema_version": 3, "solution": false}
def frozen(a):
    """`a`를 중첩 튜플로 바꿉니다. 배열은 `mistakes` dict의 키가 될 수 없지만 튜플은 될 수 있습니다."""
    return tuple(frozen(v) for v in a) if np.ndim(a) else float(a)


x = np.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]],
              [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
w = np.array([[[0, 1], [2, 3]],
              [[1, 2], [3, 4]]])
w3 = np.stack([w, w + 1, w + 2])                        # 모양이 (2, 2, 2)인 커널 F = 3개
expected = [[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]
# 흔한 실수가 여기서 돌려주는 값: 더하지 않아서 커널과 입력 채널의 조합마다 (OH, OW) 맵이
# 하나씩 나온 것(커널 f: 채널 0, 채널 1), 그리고 값은 맞지만 축의 순서가 다른 것.
per_channel = np.array([[[[19, 25], [37, 43]], [[37, 47], [67, 77]]],
                        [[[27, 37], [57, 67]], [[49, 63], [91, 105]]],
                        [[[35, 49], [77, 91]], [[61, 79], [115, 133]]]])
assert_close(corr2d_multi_in_out(x, w3), expected, "계산 예에 커널 세 개 w, w + 1, w + 2",
             mistakes={frozen(per_channel): "입력 채널을 더하지 않았습니다: 커널 f마다 "
                                            "채널별 교차상관 C개를 (OH, OW) 맵 하나로 더하세요",
                       frozen(per_channel[:, 0]): "첫 번째 입력 채널만 썼습니다: 커널 w[f]마다 "
                                                  "채널 조각이 C개 있고, 모두 반영되어야 합니다",
                       frozen(per_channel[:, -1]): "마지막 입력 채널만 반영되었습니다: 채널에 대한 "
                                                   "합을 += 대신 =로 덮어썼습니다",
                       frozen(np.moveaxis(expected, 0, -1)): "출력 채널이 마지막 축에 있습니다. "
                                                             "결과는 (F, OH, OW)이어야 합니다: 커널마다 "
                                                             "맵 하나를 축 0으로 쌓으세요",
                       frozen(np.moveaxis(expected, 0, 1)): "출력 채널을 축 1로 쌓았습니다. "
                                                            "결과는 (F, OH, OW)이어야 합니다: 커널마다 "
                                                            "맵 하나를 축 0으로 쌓으세요 (np.stack(maps))"})

rng = np.random.default_rng(1)
xr, wr = rng.normal(size=(3, 6, 5)), rng.normal(size=(4, 3, 3, 2))
got = corr2d_multi_in_out(xr, wr)
assert got.shape == (4, 4, 4), f"x (3, 6, 5), w (4, 3, 3, 2): 기대한 모양 (4, 4, 4), 받은 모양 {got.shape}"
for f in range(4):
    assert_close(got[f], corr2d_multi_in(xr, wr[f]), f"출력 채널 {f}: corr2d_multi_in(x, w[{f}])와 같아야 합니다")

# 1x1 합성곱은 모든 픽셀의 채널 벡터에 같은 F x C 행렬을 곱하는 것입니다.
mix = rng.normal(size=(2, 3))
assert_close(corr2d_multi_in_out(xr, mix[:, :, None, None]), np.einsum("fc,chw->fhw", mix, xr),
             "1x1 커널: y[f, i, j] = sum_c w[f, c] x[c, i, j]")
assert_raises(ValueError, corr2d_multi_in_out, np.ones((3, 5, 5)), np.ones((2, 4, 3, 3)))
print("corr2d_multi_in_out: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 3. 층: 배치, 편향, 패딩, 스트라이드
#
# 실제 합성곱 층은 `corr2d_multi_in_out`에 네 가지를 덧붙입니다:
#
# - **배치(batch).** 신경망은 이미지 $N$개를 한꺼번에 처리합니다. `x`의 모양은 $(N, C, H, W)$이고,
#   이미지 하나하나를 따로, 똑같은 방식으로 처리합니다. 출력의 모양은 $(N, F, O_H, O_W)$입니다.
# - **편향(bias).** 커널마다 학습되는 숫자 $b[f]$가 하나 더 있으며, 이 값은 출력 채널 $f$의 모든
#   픽셀에 더해집니다. `b`의 모양은 $(F,)$입니다.
# - **패딩** $p$ (`int`): 커널을 밀기 전에 모든 이미지의 모든 채널 둘레 네 변에 0으로 된 행/열을
#   $p$개씩 덧붙입니다. `np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))`는 두 공간 축만 패딩합니다.
# - **스트라이드** $s$ (`int`): 출력 픽셀 $(i, j)$의 창이 패딩한 입력의 $(i, j)$가 아니라 $i s$행,
#   $j s$열에서 시작합니다.
#
# 이를 모두 합치면 다음과 같습니다:
#
# $$\text{out}[n, f, i, j] = b[f] + \sum_{c} \sum_{p'} \sum_{q'} w[f, c, p', q']\;
# x_{\text{pad}}[n,\, c,\, i s + p',\, j s + q']$$
#
# 여기서 $O_H = \lfloor (H + 2p - K_H)/s \rfloor + 1$이고 $O_W$도 마찬가지입니다(과제 1).
# 그림은 $5 \times 5$ 이미지(파란색)에 0을 한 겹(회색) 두른 것과, 스트라이드가 2인 층에서
# $3 \times 3$개의 출력 각각이 읽는 $3 \times 3$ 창을 보여 줍니다.

# %% tags=["autograder:skip"]
def draw_padded_windows(H=5, W=5, K=3, padding=1, stride=2):
    """출력 픽셀마다 작은 패널 하나: 패딩한 입력과 그 픽셀이 읽는 창."""
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
            ax.set_title(f"out[{i},{j}]: {r0}-{r0 + K - 1}행", fontsize=8)
            ax.set_xlim(0, WP)
            ax.set_ylim(0, HP)
            ax.set_aspect("equal")
            ax.axis("off")
    fig.suptitle(f"{H}x{W} 입력, 패딩 {padding}, 스트라이드 {stride}, {K}x{K} 커널 "
                 f"-> {OH}x{OW} 출력", fontsize=10)
    plt.tight_layout()
    plt.show()


draw_padded_windows()


# %% [markdown]
# ### 직접 해 보기: `conv2d_forward`
#
# `conv2d_forward(x, w, b, stride=1, padding=0)`를 작성하세요. 먼저 패딩한 다음, 출력 위치마다 창
# `xpad[n, :, i*s : i*s+KH, j*s : j*s+KW]`를 잘라 내어 각 커널과 곱해서 더하고, 편향을 더합니다.
# `n`, `i`, `j`에 대한 반복문은 써도 됩니다. 채널과 커널 위치에 대한 합은 NumPy로 커널 $F$개 전부에
# 대해 한꺼번에 계산할 수 있습니다. 창의 모양은 `(C, KH, KW)`이고 `w`의 모양은 `(F, C, KH, KW)`이므로,
# `np.sum(window * w, axis=(1, 2, 3))`은 창을 모든 커널에 맞춰 브로드캐스트하여 출력 픽셀 $(i, j)$의
# 값 $F$개를 돌려줍니다(`np.tensordot(w, window, axes=3)`도 같은 값을 더 빨리 계산합니다).
#
# 모양을 확인하여, `x`가 4차원이 아니거나, `w`가 4차원이 아니거나, `x`와 `w`의 채널 수가 다르거나,
# `b`의 원소가 `F`개가 아니거나, 커널이 패딩한 입력에 들어가지 않으면 무엇이 잘못되었는지 분명히
# 알려 주는 메시지와 함께 `ValueError`를 발생시키세요.

# %% nbgrader={"grade": false, "grade_id": "conv2d_forward", "locked": false, "schema_version": 3, "solution": true}
def conv2d_forward(x, w, b, stride=1, padding=0):
    """2차원 합성곱 층의 순전파(교차상관, 0 패딩, 스트라이드).

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,), stride와 padding: int.
    out: (N, F, OH, OW) float64를 반환합니다. OH = (H + 2*padding - KH) // stride + 1
    (OW도 마찬가지), out[n, f, i, j] = b[f] + sum_c,p,q w[f, c, p, q] * xpad[n, c, i*stride + p, j*stride + q].
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv2d_forward here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv2d_forward", "locked": true, "schema_version": 3, "solution": false}
def frozen(a):
    """`a`를 중첩 튜플로 바꿉니다. 배열은 `mistakes` dict의 키가 될 수 없지만 튜플은 될 수 있습니다."""
    return tuple(frozen(v) for v in a) if np.ndim(a) else float(a)


x = np.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]],
              [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
w = np.array([[[0, 1], [2, 3]],
              [[1, 2], [3, 4]]])

# 계산 예를 이미지 하나, 커널 하나로 된 배치로 계산합니다. 편향 없이 한 번, 편향을 더해 한 번.
assert_close(conv2d_forward(x[None], w[None], np.zeros(1)), [[[[56, 72], [104, 120]]]],
             "계산 예에 대한 conv2d_forward(x[None], w[None], b=[0])",
             mistakes={frozen([[[[28, 44], [76, 92]]]]): "커널을 뒤집었습니다(180도 회전: "
                                                         "수학에서 말하는 진짜 합성곱). CNN의 합성곱 층은 "
                                                         "교차상관입니다: w를 뒤집지 않고 그대로 밀어 갑니다",
                       frozen([[[[19, 25], [37, 43]]]]): "첫 번째 입력 채널만 썼습니다. C개 채널을 "
                                                         "모두 더하세요",
                       frozen([[[[56], [72]], [[104], [120]]]]): "출력 축의 순서가 (N, OH, OW, F)입니다. 층은 "
                                                                 "(N, F, OH, OW)를 반환해야 합니다: 커널 축이 "
                                                                 "두 번째입니다"})
assert_close(conv2d_forward(x[None], w[None], np.array([10.0])), [[[[66, 82], [114, 130]]]],
             "편향 10 (모든 출력 픽셀에 더해져야 합니다)",
             mistakes={frozen([[[[56, 72], [104, 120]]]]): "편향이 빠졌습니다: 출력 채널 f의 모든 픽셀에 "
                                                           "b[f]를 더하세요",
                       frozen([[[[76, 92], [124, 140]]]]): "편향을 입력 채널마다 한 번씩 더했습니다 "
                                                           "(채널 반복문 안에서, 여기서는 C = 2번). "
                                                           "b[f]는 출력 픽셀마다 한 번만 더하세요",
                       frozen([[[[136, 152], [184, 200]]]]): "편향을 커널 원소마다 한 번씩 더했습니다 "
                                                             "(창에 대한 반복문 안에서, 여기서는 "
                                                             "C*KH*KW = 8번). b[f]는 출력 픽셀마다 "
                                                             "한 번만 더하세요"})

# 이미지 두 개(x와 x + 1), 커널 두 개(w와 w + 1): out[n, f]는 이미지 n에 커널 f를 적용한 결과입니다.
x2, w2 = np.stack([x, x + 1]), np.stack([w, w + 1])
expected = np.array([[[[56, 72], [104, 120]], [[76, 100], [148, 172]]],      # 이미지 x: 커널 w, w + 1
                     [[[72, 88], [120, 136]], [[100, 124], [172, 196]]]])  # 이미지 x + 1
assert_close(conv2d_forward(x2, w2, np.zeros(2)), expected, "이미지 두 개의 배치, 커널 두 개",
             mistakes={frozen(expected.transpose(0, 2, 3, 1)): "출력 축의 순서가 (N, OH, OW, F)입니다. "
                                                               "층은 (N, F, OH, OW)를 반환해야 합니다: "
                                                               "커널 축이 두 번째입니다",
                       frozen(expected.transpose(1, 0, 2, 3)): "배치 축과 커널 축이 바뀌었습니다: "
                                                               "out[n, f]는 이미지 n과 커널 f의 교차상관이고, "
                                                               "모양은 (N, F, OH, OW)입니다",
                       frozen(expected[[0, 0]]): "배치의 모든 이미지가 첫 번째 이미지의 출력을 "
                                                 "받았습니다: n에 대해 반복하면서 x[n]을 쓰세요"})

# x[0, 0, r, c] = 10 r + c에 스트라이드 2를 적용합니다. 커널은 창의 왼쪽 위 픽셀만 골라내므로,
# 출력을 보면 각 창이 어디서 시작하는지 알 수 있습니다(0행과 2행, 0열과 2열).
x_grid = (10 * np.arange(5)[:, None] + np.arange(5))[None, None]
corner = np.array([[[[1, 0], [0, 0]]]])
assert_close(conv2d_forward(x_grid, corner, np.zeros(1), stride=2), [[[[0, 2], [20, 22]]]],
             "x[0, 0, r, c] = 10r + c에 스트라이드 2, 창의 왼쪽 위 픽셀을 골라내는 2x2 커널",
             mistakes={frozen([[[[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23], [30, 31, 32, 33]]]]):
                       "스트라이드를 무시했습니다: 스트라이드가 s이면 창이 한 번에 s픽셀씩 움직이므로 "
                       "출력 픽셀 (i, j)는 x[..., i*s : i*s+KH, j*s : j*s+KW]를 읽습니다",
                       frozen([[[[0, 1], [10, 11]]]]): "스트라이드를 출력 크기에는 썼지만 창을 밀 "
                                                       "때는 쓰지 않았습니다: 출력 픽셀 (i, j)는 "
                                                       "x[..., i*s : i*s+KH, j*s : j*s+KW]를 읽습니다",
                       frozen([[[[0, 1, 2, 3], [20, 21, 22, 23]]]]): "스트라이드를 행에만 적용했습니다. "
                                                                     "열도 s씩 건너뛰어야 합니다",
                       frozen([[[[0, 2], [10, 12], [20, 22], [30, 32]]]]): "스트라이드를 열에만 적용했습니다. "
                                                                           "행도 s씩 "
                                                                           "건너뛰어야 합니다"})

# 패딩 1은 0을 한 겹 두릅니다. 모두 1인 3x3 커널은 자신이 덮는 입력 픽셀의 개수를 셉니다.
ones = conv2d_forward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), np.zeros(1), padding=1)
assert_close(ones, [[[[4, 6, 4], [6, 9, 6], [4, 6, 4]]]], "모두 1인 3x3, 패딩 1: 패딩한 0은 아무것도 더하지 않습니다",
             mistakes={frozen([[[[4, 6], [6, 9]]]]): "패딩을 한쪽(위와 왼쪽)에만 했습니다: "
                                                     "두 공간 축 모두 양쪽에 패딩하세요, "
                                                     "np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))",
                       frozen([[[[9, 6], [6, 4]]]]): "패딩을 한쪽(아래와 오른쪽)에만 했습니다: "
                                                     "두 공간 축 모두 양쪽에 패딩하세요, "
                                                     "np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))",
                       frozen([[[[9]]]]): "패딩을 무시했습니다: 먼저 x의 두 공간 축을 0으로 "
                                          "패딩하세요, np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))"})

rng = np.random.default_rng(2)
xb, wb, bb = rng.normal(size=(2, 3, 7, 9)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
# 스트라이드 1, 패딩 없음: 각 이미지의 결과는 corr2d_multi_in_out에 편향을 더한 것입니다.
out = conv2d_forward(xb, wb, bb)
assert out.shape == (2, 4, 5, 8), f"x (2, 3, 7, 9), w (4, 3, 3, 2): 기대한 모양 (2, 4, 5, 8), 받은 모양 {out.shape}"
for n in range(2):
    assert_close(out[n], corr2d_multi_in_out(xb[n], wb) + bb[:, None, None], f"배치의 이미지 {n}")

# 스트라이드 2는 스트라이드 1의 출력을 하나 걸러 하나씩 남깁니다.
out_s = conv2d_forward(xb, wb, bb, stride=2, padding=1)
assert out_s.shape == (2, 4, 4, 5), f"스트라이드 2, 패딩 1: 기대한 모양 (2, 4, 4, 5), 받은 모양 {out_s.shape}"
out_p = conv2d_forward(xb, wb, bb, stride=1, padding=1)
assert_close(out_s, out_p[:, :, ::2, ::2],
             "스트라이드 2의 결과는 스트라이드 1의 결과에서 행과 열을 하나 걸러 하나씩 "
             "남긴 것과 같아야 합니다")

assert_raises(ValueError, conv2d_forward, np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3)), np.zeros(2))
assert_raises(ValueError, conv2d_forward, np.ones((1, 3, 5, 5)), np.ones((2, 3, 3, 3)), np.zeros(3))
print("conv2d_forward: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 4. 컬러 사진에 층 적용하기
#
# 이제 여러분이 만든 층을 실제 데이터에 돌려 볼 차례입니다. 과제 2의 컬러 인물 사진을, 채널이
# $C = 3$개인 이미지 하나로 된 배치로 씁니다. 아래 층에는 손으로 만든 커널 $F = 4$개가 있고, 각
# 커널에는 색 채널마다 조각이 하나씩 있습니다:
#
# - **회색조**: 채널들을 밝기로 섞는 $1 \times 1$ 커널입니다(0.3 R + 0.6 G + 0.1 B);
# - **빨강 빼기 파랑**: 또 하나의 $1 \times 1$ 혼합으로, 사진이 붉은 곳에서 밝게 나옵니다;
# - **세로 에지**: 세 채널 모두에 똑같이 놓은 Sobel 커널로, 채널마다 검출한 색 에지가 더해집니다;
# - **가로 에지**: 같은 커널을 전치한 것입니다.
#
# $1 \times 1$ 커널과 $3 \times 3$ 커널이 가중치 배열 하나를 함께 써야 하므로, $1 \times 1$ 커널은
# 가운데만 빼고 모두 0인 $3 \times 3$ 커널로 적었습니다. 패딩 1은 출력을 입력과 같은 크기로
# 유지합니다. 학습을 마친 실제 신경망의 첫 층에도 이런 종류의 커널이 나타납니다.
#
# 두 에지 맵의 둘레에 가늘고 밝거나 어두운 테두리가 있는지 찾아보세요. 그것이 0 패딩의 흔적입니다.
# 가장자리에서 커널은 사진의 값이 패딩한 0으로 갑자기 바뀌는 것을 보고, 이를 에지로 보고합니다.
# 회색조 맵과 색 맵에는 테두리가 없는데, 그 커널들은 가운데 픽셀만 읽기 때문입니다.

# %% tags=["autograder:skip"]
from matplotlib import cbook

with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = plt.imread(f)[::5, ::5, :3] / 255.0          # (120, 103, 3), 값은 [0, 1] 범위
x_photo = photo.transpose(2, 0, 1)[None]                # (N, C, H, W) = (1, 3, 120, 103)

sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
w_layer = np.zeros((4, 3, 3, 3))
w_layer[0, :, 1, 1] = [0.3, 0.6, 0.1]                   # 회색조: 가운데에서 1x1 혼합
w_layer[1, :, 1, 1] = [1.0, 0.0, -1.0]                  # 빨강 빼기 파랑
w_layer[2] = sobel                                      # 모든 채널에 같은 조각
w_layer[3] = sobel.T
b_layer = np.zeros(4)
names = ["회색조", "빨강 빼기 파랑", "세로 에지", "가로 에지"]

try:
    maps = conv2d_forward(x_photo, w_layer, b_layer, stride=1, padding=1)
except (NameError, NotImplementedError):
    print("먼저 위의 conv2d_forward를 작성하고(3절) 그 셀을 실행한 뒤, 이 셀을 다시 실행하세요.")
else:
    print("입력", x_photo.shape, "-> 출력", maps.shape)
    fig, axes = plt.subplots(1, 5, figsize=(11, 2.8))
    axes[0].imshow(photo)
    axes[0].set_title("입력 (채널 3개)", fontsize=9)
    for f, ax in enumerate(axes[1:]):
        ax.imshow(maps[0, f], cmap="gray")
        ax.set_title(f"out[0, {f}]: {names[f]}", fontsize=9)
    for ax in axes:
        ax.axis("off")
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## 요약
#
# - 커널에는 입력 채널마다 조각이 하나씩 있고, 채널별 교차상관을 **더해서** 출력 맵 하나를 만듭니다.
# - $(F, C, K_H, K_W)$로 쌓은 커널 $F$개는 출력 채널 $F$개를 만듭니다.
# - 층은 여기에 배치 축, 출력 채널마다 하나씩인 편향, 0 패딩, 스트라이드를 더합니다:
#   $(N, C, H, W) \to (N, F, O_H, O_W)$.
#
# 다음 과제 4에서는 이런 층이 학습할 수 있게 해 주는 그래디언트를 계산합니다.
