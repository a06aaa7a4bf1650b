# %% [markdown]
# # 과제 2 · 1D, 2D, 3D에서의 교차상관과 합성곱
#
# 과제 1에서는 합성곱의 출력 개수를 세었습니다. 이번에는 그 출력을 직접 계산합니다. 거의 똑같아
# 보이는 두 연산, **교차상관**(cross-correlation)과 **합성곱**(convolution)을 만나게 되는데, "합성곱"
# 신경망이 실제로 계산하는 것이 둘 중 어느 쪽인지 알아보고, 두 연산을 1차원, 2차원, 3차원에서 모두
# 구현합니다. 마지막에는 여러분이 작성한 코드로 사진을 흐리게 하고, 선명하게 하고, 윤곽선을 뽑아
# 봅니다.
#
# | 함수 | 모양 (valid 모드) |
# |---|---|
# | `corr1d(x, w)` | `(L,)`, `(K,)` → `(L-K+1,)` |
# | `corr2d(x, w)` | `(H, W)`, `(KH, KW)` → `(H-KH+1, W-KW+1)` |
# | `corr3d(x, w)` | `(D, H, W)`, `(KD, KH, KW)` → `(D-KD+1, H-KH+1, W-KW+1)` |
# | `convolve1d(x, w)`, `convolve2d(x, w)` | 교차상관과 같은 모양, 커널을 뒤집음 |
#
# 입력은 정수나 실수로 된 파이썬 리스트일 수도 있고 NumPy 배열일 수도 있습니다. 반환값은 항상
# `float64` NumPy 배열이어야 합니다(함수 첫머리에서 `np.asarray(x, dtype=float)`로 변환하면 두
# 가지가 모두 해결됩니다).

# %% [markdown] tags=["ko", "glossary"]
# **용어.** 이 노트북은 다음 한국어 용어를 씁니다. 영어 자료와 코드의 이름을 읽을 때 참고하세요.
#
# | 한국어 | English |
# |---|---|
# | 합성곱 | convolution |
# | 교차상관 | cross-correlation |
# | 커널 | kernel |
# | 입력 / 출력 | input / output |
# | 가중치 | weight |
# | 뒤집다 | flip, reverse |
# | 180도 회전 | rotation by 180 degrees |
# | 전치 | transpose |
# | 행 / 열 | row / column |
# | 채널 | channel |
# | 역전파 | backpropagation |
# | 손실 | loss |
# | 창 | window |
# | valid 모드, full 모드 | valid mode, full mode |
# | 완전 연결층 | fully connected layer |
# | 국소성 | locality |
# | 가중치 공유 | weight sharing |
# | 이동 등변성 | translation equivariance |
# | 상자 함수 | box function |
# | 도함수 | derivative |
# | 에지 검출 | edge detection |
# | 블러 | blur |

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
# ## 1. 커널을 미끄러뜨리는 두 가지 방법
#
# **합성곱**은 신호 처리에서 온 연산입니다. 실수 변수의 두 함수 $f$와 $g$에 대해 합성곱은 다음과
# 같이 정의됩니다.
#
# $$(f * g)(t) = \int f(\tau)\, g(t - \tau)\, d\tau .$$
#
# 이 식은 이렇게 읽으면 됩니다. $t$에서의 출력을 얻으려면 $g$를 뒤집고($-\tau$), $t$로 옮긴 뒤,
# $f$와 곱해서 전부 더합니다. 수열에서는 적분이 합이 되어 $(x * w)[i] = \sum_m x[m]\, w[i - m]$이
# 됩니다. 커널 $w$는 **거꾸로** 들어갑니다. $m$이 커지면 $i - m$은 작아지기 때문입니다.
#
# **교차상관**은 이 뒤집기를 뺀 같은 연산입니다. 커널을 그대로 미끄러뜨리면서 그 아래에 놓인 입력과
# 커널이 얼마나 잘 맞는지를 잽니다. 길이가 $K$인 커널에 대해 valid 모드로 쓰면 다음과 같습니다.
#
# $$\text{교차상관:}\quad y[i] = \sum_{p=0}^{K-1} w[p]\; x[i + p]
# \qquad\qquad
# \text{합성곱:}\quad y[i] = \sum_{p=0}^{K-1} w[p]\; x[i + K - 1 - p]$$
#
# 여기서 $i = 0, \dots, L - K$입니다. 합성곱 식의 $x[i + K - 1 - p]$는 어디서 왔을까요? 위의 합
# $\sum_m x[m]\, w[i' - m]$에서 $i' = i + K - 1$로 놓고 $m = i + K - 1 - p$로 쓰면
# $w[i' - m] = w[p]$, $x[m] = x[i + K - 1 - p]$가 됩니다. $K - 1$만큼의 이동은 출력의 번호만 다시
# 매길 뿐입니다. valid 모드 교차상관과 마찬가지로, 커널 전체가 입력 위에 처음 놓이는 위치가 출력
# 0이 되도록 하는 것입니다. 합성곱에서는 $w[0]$이 창(window)의 *마지막* 입력과 만나고 $w[K-1]$이
# 첫 입력과 만납니다. 즉 $w$로 합성곱하는 것은 $w$를 거꾸로 읽어서 교차상관하는 것과 같습니다.
#
# 작은 예를 손으로 계산해 봅시다. $x = [1, 2, 3, 4]$, $w = [1, 0, -1]$일 때
#
# - 교차상관: $y[0] = 1\cdot1 + 0\cdot2 + (-1)\cdot3 = -2$, $y[1] = 1\cdot2 + 0\cdot3 + (-1)\cdot4 = -2$
# - 합성곱, 즉 $[-1, 0, 1]$과의 교차상관: $y = [2, 2]$
#
# 같은 커널이 한쪽에서는 "왼쪽 빼기 오른쪽"을, 다른 쪽에서는 "오른쪽 빼기 왼쪽"을 잽니다. 아래
# 그림은 두 연산을 나란히 보여 줍니다. 입력도 같고 커널도 같으며, 출력마다 입력의 각 칸에 어떤
# 가중치가 놓이는지 표시했습니다.

# %% tags=["autograder:skip"]
def show_flip(x, w):
    """교차상관(커널을 그대로)과 합성곱(커널을 거꾸로)을 출력 하나하나마다 나란히 그립니다."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    L, K = len(x), len(w)
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.55 * (L - K + 2) + 0.8))
    for ax, flip in zip(axes, (False, True)):
        taps = w[::-1] if flip else w
        rows = L - K + 1
        for m in range(L):                               # 맨 위에 입력
            ax.add_patch(Rectangle((m, rows + 0.2), 0.9, 0.8, facecolor="#cfe2f3", edgecolor="black"))
            ax.text(m + 0.45, rows + 0.6, f"x{m}={x[m]:g}", ha="center", va="center", fontsize=8)
        for i in range(rows):
            y = rows - 1 - i
            for p in range(K):
                idx = K - 1 - p if flip else p           # 칸 i + p 위에 놓이는 가중치
                ax.add_patch(Rectangle((i + p, y), 0.9, 0.8, facecolor="#f6b26b", edgecolor="0.6"))
                ax.text(i + p + 0.45, y + 0.4, f"w{idx}={taps[p]:g}", ha="center", va="center", fontsize=8)
            value = float(np.dot(taps, x[i:i + K]))
            ax.text(L + 0.2, y + 0.4, f"-> y[{i}] = {value:g}", va="center", fontsize=9)
        ax.set_xlim(-0.2, L + 2.2)
        ax.set_ylim(-0.2, rows + 1.1)
        ax.axis("off")
        ax.set_title("합성곱: 커널을 거꾸로 읽습니다" if flip
                     else "교차상관: 커널을 그대로 씁니다", fontsize=10)
    plt.show()


show_flip([1, 2, 3, 4], [1, 0, -1])


# %% [markdown]
# ## 2. CNN이 교차상관을 계산하는 이유
#
# 영상 처리에서는 커널을 사람이 직접 설계하므로, 둘 중 어느 연산을 적용하느냐가 중요합니다. 신경망에서는
# 커널을 **학습**합니다. 커널의 값은 무작위로 시작해서, 신경망이 제대로 동작할 때까지 경사 하강법으로
# 조정됩니다. 만약 어떤 층이 진짜 합성곱을 계산한다면 학습은 그저 뒤집힌 커널을 찾아낼 것이고, 그
# 층은 뒤집지 않은 커널을 쓰는 교차상관 층과 정확히 같은 함수를 계산하게 됩니다. 두 종류의 층이
# 표현할 수 있는 함수가 완전히 같으니 뒤집어서 얻는 것은 없고, 인덱스 계산만 한 단계 늘어납니다.
#
# 그래서 딥러닝 라이브러리들은 **교차상관**을 계산하면서도 이를 "합성곱"이라고 부릅니다(예를 들어
# PyTorch의 `Conv2d`). 이 차이는 커널을 두 세계 사이에서 옮길 때 중요해집니다. 영상 처리 교재에
# 나오는, 손으로 만든 커널을 가져올 때나, 커널을 뒤집는 `np.convolve`, `scipy.signal.convolve2d`와
# 결과를 비교할 때가 그렇습니다.
#
# ### 애초에 왜 합성곱인가
#
# 강의는 완전 연결층(fully connected layer)에서 출발합니다. $28 \times 28$ 이미지(784 픽셀)를
# $26 \times 26$ 출력(676개 값)으로 보내는 완전 연결층에는 가중치가 $784 \cdot 676 = 529{,}984$개
# 있고, 각 가중치는 한 번씩만 쓰입니다. 같은 출력을 만드는 $3 \times 3$ 합성곱의 가중치는 **9**개뿐입니다.
#
# - **국소성**(locality): 각 출력은 모든 픽셀이 아니라 $3 \times 3$ 이웃만 봅니다.
# - **가중치 공유**(weight sharing): 같은 9개의 가중치를 모든 위치에서 씁니다.
# - **이동 등변성**(translation equivariance): 같은 커널이 모든 곳을 미끄러지므로, 입력을 옮기면
#   출력도 같은 만큼 옮겨집니다. 에지든 눈이든 어디에 있든 찾아냅니다. 여러분의 `corr1d`에 대한 공개
#   테스트가 이 성질을 확인합니다.

# %% [markdown]
# ## 3. 직접 해 보기: `corr1d`
#
# `corr1d(x, w)`를 작성하세요. $i = 0, \dots, L-K$에 대해 valid 교차상관
# $y[i] = \sum_p w[p]\, x[i+p]$를 계산하는 함수입니다.
#
# 출력 위치에 대한 반복문 하나로 충분히 좋은 풀이가 됩니다. 각 $i$마다 창 `x[i:i+K]`를 잘라 `w`와
# 원소별로 곱한 뒤 더하면 됩니다(`np.dot`을 써도 됩니다). 커널이 입력보다 길면(이때 valid 모드에는
# 출력이 없습니다) `ValueError`를 일으키세요.

# %% nbgrader={"grade": false, "grade_id": "corr1d", "locked": false, "schema_version": 3, "solution": true}
def corr1d(x, w):
    """valid 1D 교차상관: y[i] = sum_p w[p] * x[i + p].

    x: (L,), w: (K,)이고 K <= L입니다. 숫자로 된 리스트나 배열을 받습니다.
    반환값 y: (L - K + 1,) float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr1d here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr1d", "locked": true, "schema_version": 3, "solution": false}
# 위에서 손으로 계산한 예.
assert_close(corr1d([1, 2, 3, 4], [1, 0, -1]), [-2, -2], "corr1d([1, 2, 3, 4], [1, 0, -1])",
             mistakes={(2.0, 2.0): "커널이 뒤집혀 있습니다. corr1d는 w를 그대로 미끄러뜨립니다 "
                                   "(이것은 convolve1d의 답입니다)",
                       (-1.0, -2.0, -2.0, -2.0, 3.0, 4.0): "'full' 모드의 결과입니다. 커널 전체가 "
                                                           "들어가는 위치(L - K + 1개)만 "
                                                           "남기세요"})

# 1이 하나만 있는 커널은 창마다 입력 하나를 골라냅니다. 뒤집지도 않고, 한 칸 밀리지도 않습니다.
x = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0])
assert_close(corr1d(x, [1, 0, 0]), x[0:5], "corr1d(x, [1, 0, 0])의 결과는 x[0:5]여야 합니다")
assert_close(corr1d(x, [0, 0, 1]), x[2:7], "corr1d(x, [0, 0, 1])의 결과는 x[2:7]이어야 합니다")

# 폭 3짜리 이동 평균, 그리고 경계 경우 K = 1과 K = L.
assert_close(corr1d(x, [1/3, 1/3, 1/3]), [8/3, 2, 10/3, 5, 16/3], "이동 평균 corr1d(x, [1/3]*3)")
assert_close(corr1d(x, [2]), 2 * x, "corr1d(x, [2])의 결과는 x의 두 배여야 합니다")
assert_close(corr1d([1, 2, 3], [4, 5, 6]), [32], "입력과 길이가 같은 커널: 출력은 하나")
assert_raises(ValueError, corr1d, [1, 2], [1, 2, 3])

# 이동 등변성: x 앞에 0을 두 개 붙이면 출력도 두 칸 뒤로 밀립니다.
shifted = np.concatenate([[0.0, 0.0], x])
assert_close(corr1d(shifted, [1, 2, -1])[2:], corr1d(x, [1, 2, -1]),
             "x를 오른쪽으로 2칸 밀면 corr1d의 출력도 오른쪽으로 2칸 밀려야 합니다")
print("corr1d: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 4. 2차원: 계산 예제
#
# 이미지는 격자이고, 커널은 두 축을 따라 미끄러집니다. 출력 픽셀 $(i, j)$는 왼쪽 위 모서리가
# $(i, j)$인 입력의 창과 커널을 원소별로 곱해서 모두 더한 값입니다.
#
# $$y[i, j] = \sum_{p=0}^{K_H-1} \sum_{q=0}^{K_W-1} w[p, q]\; x[i + p,\, j + q].$$
#
# 강의의 예제는 다음을 사용합니다.
#
# $$x = \begin{bmatrix} 0 & 1 & 2 \\ 3 & 4 & 5 \\ 6 & 7 & 8 \end{bmatrix}, \qquad
# w = \begin{bmatrix} 0 & 1 \\ 2 & 3 \end{bmatrix}.$$
#
# 출력은 $(3 - 2 + 1) \times (3 - 2 + 1) = 2 \times 2$이고, 왼쪽 위 값은
# $0 \cdot 0 + 1 \cdot 1 + 2 \cdot 3 + 3 \cdot 4 = 19$입니다. 아래 그림은 네 위치를 모두 보여 줍니다.
# 입력의 주황색 창에 커널을 곱하고, 그 합이 주황색 출력 칸을 채웁니다. ($\star$는 교차상관을 나타낼
# 때 흔히 쓰는 기호입니다.)

# %% tags=["autograder:skip"]
def draw_grid(ax, values, x0, y0, highlight=(), color="#f6b26b", blank=()):
    """숫자 행렬을 왼쪽 위 모서리가 (x0, y0)에 오도록 그립니다. `highlight`에 있는 칸은 색칠합니다."""
    values = np.asarray(values)
    for (r, c), v in np.ndenumerate(values):
        face = color if (r, c) in highlight else "white"
        ax.add_patch(Rectangle((x0 + c, y0 - r - 1), 1, 1, facecolor=face, edgecolor="black"))
        if (r, c) not in blank:
            ax.text(x0 + c + 0.5, y0 - r - 0.5, f"{v:g}", ha="center", va="center", fontsize=11)


def show_sliding(x, w):
    """출력 칸마다 패널 하나: 입력의 창(주황색), 커널, 그 창이 채우는 출력 칸."""
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
# ### 직접 해 보기: `corr2d`
#
# 모양이 `(H, W)`인 2차원 입력 `x`와 모양이 `(KH, KW)`인 2차원 커널 `w`에 대해 `corr2d(x, w)`를
# 작성하세요. 출력 픽셀 `i`와 `j`에 대한 이중 반복문 안에서 각각 `np.sum(x[i:i+KH, j:j+KW] * w)`를
# 계산하면 충분합니다. 커널이 입력 안에 들어가지 않으면 `ValueError`를 일으키세요.
#
# *더 해 보기(선택):* `np.lib.stride_tricks.sliding_window_view(x, w.shape)`는 아무것도 복사하지
# 않고 모든 창을 한꺼번에 모양이 `(OH, OW, KH, KW)`인 배열로 돌려줍니다. 그러면 `np.einsum`이나
# `np.tensordot` 한 번으로 두 반복문을 대신할 수 있고, 큰 이미지에서 훨씬 빠르게 동작합니다.

# %% nbgrader={"grade": false, "grade_id": "corr2d", "locked": false, "schema_version": 3, "solution": true}
def corr2d(x, w):
    """valid 2D 교차상관: y[i, j] = sum_p sum_q w[p, q] * x[i + p, j + q].

    x: (H, W), w: (KH, KW)이고 KH <= H, KW <= W입니다.
    반환값 y: (H - KH + 1, W - KW + 1) float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr2d here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr2d", "locked": true, "schema_version": 3, "solution": false}
# 강의의 계산 예제.
x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
w = [[0, 1], [2, 3]]
assert_close(corr2d(x, w), [[19, 25], [37, 43]], "계산 예제에 대한 corr2d",
             mistakes={((5.0, 11.0), (23.0, 29.0)): "커널이 180도 회전되어 있습니다. 그것은 "
                                                    "convolve2d(6절)의 답이고, corr2d는 w를 그대로 "
                                                    "미끄러뜨립니다",
                       ((19.0, 37.0), (25.0, 43.0)): "출력이 전치되어 있습니다. y의 i번째 행에는 "
                                                     "x의 i번째 행에서 시작하는 창들이 들어갑니다",
                       ((17.0, 23.0), (35.0, 41.0)): "커널이 전치되어 있습니다(w.T). w를 그대로 "
                                                     "쓰세요"})
# 강의에 처음 나온 형태: 같은 커널을 위의 두 행에만 적용합니다.
assert_close(corr2d([[0, 1, 2], [3, 4, 5]], w), [[19, 25]], "강의의 2x3 예제에 대한 corr2d")

# 모양: 28x28에 3x3을 적용하면 26x26입니다(과제 1). 높이와 너비는 서로 독립입니다.
rng = np.random.default_rng(0)
got = corr2d(rng.normal(size=(28, 28)), np.ones((3, 3)))
assert got.shape == (26, 26), f"28x28 입력, 3x3 커널: 기대한 모양은 (26, 26)인데 받은 모양은 {got.shape}입니다"
got = corr2d(rng.normal(size=(4, 6)), np.ones((2, 3)))
assert got.shape == (3, 4), f"(4, 6) 입력, (2, 3) 커널: 기대한 모양은 (3, 4)인데 받은 모양은 {got.shape}입니다"

# 0행 2열에만 1이 있는 커널은 이미지의 일부를 옮겨서 복사합니다:
# y[i, j] = x[i, j + 2]. 뒤집거나 전치한 커널로는 다른 결과가 나옵니다.
img = rng.integers(0, 10, size=(5, 7))
pick = np.zeros((3, 3))
pick[0, 2] = 1
assert_close(corr2d(img, pick), img[0:3, 2:7], "[0, 2]에만 1이 있는 커널의 결과는 x[0:3, 2:7]이어야 합니다")

# 이미지만큼 큰 커널: 곱의 합인 숫자 하나가 나옵니다.
assert_close(corr2d(x, np.ones((3, 3))), [[36]], "3x3 예제에 모두 1인 3x3 커널을 적용한 결과")
assert_raises(ValueError, corr2d, np.ones((3, 3)), np.ones((2, 4)))
print("corr2d: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 5. 3차원
#
# 정의 자체에는 축이 꼭 두 개여야 할 이유가 없습니다. 동영상은 프레임을 쌓은 것(시간, 높이, 너비)이고,
# CT 영상은 단면을 쌓은 것(깊이, 높이, 너비)입니다. 3차원 커널은 세 축을 모두 따라 미끄러집니다.
#
# $$y[d, i, j] = \sum_{r=0}^{K_D-1} \sum_{p=0}^{K_H-1} \sum_{q=0}^{K_W-1}
# w[r, p, q]\; x[d + r,\, i + p,\, j + q].$$
#
# 출력의 모양은 $(D - K_D + 1,\; H - K_H + 1,\; W - K_W + 1)$로, 과제 1의 공식을 축마다 적용한
# 것입니다.
#
# 주의: 이것은 이미지의 색 채널에서 일어나는 일이 *아닙니다*. 색 채널의 경우 커널의 깊이가 입력과
# 정확히 같고, 커널이 채널 축을 따라 미끄러지지 않습니다(과제 3). 여기서는 보통 커널이 입력보다 얕고,
# 깊이 방향으로도 미끄러집니다.
#
# `corr3d(x, w)`를 작성하세요. 삼중 반복문도 되고, 출력의 깊이 `d`에 대한 반복문 하나로 `corr2d`
# 결과를 더하는 방법도 됩니다. 단면 `x[d + r]`과 커널 단면 `w[r]`의 교차상관을 `r`에 대해 모두
# 더하면 됩니다.

# %% nbgrader={"grade": false, "grade_id": "corr3d", "locked": false, "schema_version": 3, "solution": true}
def corr3d(x, w):
    """valid 3D 교차상관: y[d, i, j] = sum_r,p,q w[r, p, q] * x[d + r, i + p, j + q].

    x: (D, H, W), w: (KD, KH, KW)이고 커널의 각 크기는 입력의 크기 이하입니다.
    반환값 y: (D - KD + 1, H - KH + 1, W - KW + 1) float64.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write corr3d here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_corr3d", "locked": true, "schema_version": 3, "solution": false}
# 모두 1인 2x2x2 커널은 0..26을 3x3x3으로 배열한 x에서 2x2x2 블록의 합을 구합니다.
# (d, i, j)에서 시작하는 블록의 합은 52 + 8 * (9d + 3i + j)입니다.
x = np.arange(27).reshape(3, 3, 3)
expected = [[[52, 60], [76, 84]], [[124, 132], [148, 156]]]
assert_close(corr3d(x, np.ones((2, 2, 2))), expected, "corr3d(arange(27).reshape(3, 3, 3), ones((2, 2, 2)))")

# 같은 x에 커널 0..7(모양 2x2x2)을 적용합니다. 이 커널은 어느 축으로 뒤집어도 달라집니다.
expected = [[[268, 296], [352, 380]], [[520, 548], [604, 632]]]
assert_close(corr3d(x, np.arange(8).reshape(2, 2, 2)), expected,
             "corr3d(arange(27).reshape(3, 3, 3), arange(8).reshape(2, 2, 2))",
             mistakes={(((96, 124), (180, 208)), ((348, 376), (432, 460))):
                       "커널이 모든 축에서 뒤집혀 있습니다. 그것은 합성곱이고, "
                       "corr3d는 w를 그대로 미끄러뜨립니다",
                       (((124, 152), (208, 236)), ((376, 404), (460, 488))):
                       "커널이 깊이 축을 따라 뒤집혀 있습니다. x[d + p, i + q, j + r]에는 "
                       "w[p, q, r]을 곱하세요",
                       (((240, 268), (324, 352)), ((492, 520), (576, 604))):
                       "커널의 깊이 단면마다 180도 회전되어 있습니다. corr3d는 w를 "
                       "그대로 미끄러뜨립니다"})

# 모양은 축마다 n - k + 1을 따릅니다.
rng = np.random.default_rng(1)
got = corr3d(rng.normal(size=(5, 6, 7)), rng.normal(size=(2, 3, 4)))
assert got.shape == (4, 4, 4), \
    f"(5, 6, 7) 입력, (2, 3, 4) 커널: 기대한 모양은 (4, 4, 4)인데 받은 모양은 {got.shape}입니다"

# 깊이가 1인 커널은 단면마다 따로 corr2d를 수행합니다.
vol, w2 = rng.normal(size=(4, 5, 6)), rng.normal(size=(2, 3))
expected = np.stack([corr2d(vol[d], w2) for d in range(4)])
assert_close(corr3d(vol, w2[None]), expected, "깊이 1인 커널: 단면마다 corr2d")

# [1, 0, 1]에만 1이 있는 커널은 x[d + 1, i, j + 1]을 골라냅니다. 어느 축으로도 뒤집지 않습니다.
pick = np.zeros((2, 2, 2))
pick[1, 0, 1] = 1
assert_close(corr3d(vol, pick), vol[1:4, 0:4, 1:6], "[1, 0, 1]에만 1이 있는 커널")
print("corr3d: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 6. 엄밀한 의미의 합성곱: 커널 뒤집기
#
# 1절에서 보았듯이 합성곱은 커널을 거꾸로 한 교차상관입니다. 1차원에서 거꾸로 하기는 `w[::-1]`입니다.
# 2차원에서는 커널을 **두** 축 모두에 대해 뒤집어 `w[::-1, ::-1]`로 만드는데, 이것은 180도
# 회전입니다(전치가 아니고, 한 축으로만 뒤집는 것도 아닙니다).
#
# $$\begin{bmatrix} 0 & 1 \\ 2 & 3 \end{bmatrix}
# \;\xrightarrow{180^\circ\ \text{회전}}\;
# \begin{bmatrix} 3 & 2 \\ 1 & 0 \end{bmatrix}$$
#
# 따라서 계산 예제를 (교차상관 대신) 합성곱하면
# $y[0, 0] = 3 \cdot 0 + 2 \cdot 1 + 1 \cdot 3 + 0 \cdot 4 = 5$이고, 전체 출력은
# $\begin{bmatrix} 5 & 11 \\ 23 & 29 \end{bmatrix}$입니다.
# NumPy의 `np.convolve(x, w, mode="valid")`와 SciPy의
# `scipy.signal.convolve2d(x, w, mode="valid")`가 바로 이 엄밀한 의미의 합성곱을 계산합니다.
#
# `convolve1d`와 `convolve2d`를 작성하세요. 둘 다 여러분이 만든 교차상관 함수를 이용하면 한 줄이면
# 됩니다.

# %% nbgrader={"grade": false, "grade_id": "convolve1d", "locked": false, "schema_version": 3, "solution": true}
def convolve1d(x, w):
    """valid 1D 합성곱: 커널을 거꾸로 한 교차상관.

    x: (L,), w: (K,)이고 K <= L입니다. 반환값 (L - K + 1,) float64이며,
    np.convolve(x, w, mode="valid")와 같습니다.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write convolve1d here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_convolve1d", "locked": true, "schema_version": 3, "solution": false}
assert_close(convolve1d([1, 2, 3, 4], [1, 0, -1]), [2, 2], "convolve1d([1, 2, 3, 4], [1, 0, -1])",
             mistakes={(-2.0, -2.0): "커널을 뒤집지 않았습니다. 그것은 corr1d의 답이고, "
                                     "convolve1d는 w[::-1]을 미끄러뜨립니다",
                       (1.0, 2.0, 2.0, 2.0, -3.0, -4.0): "'full' 모드의 결과입니다. 커널 전체가 "
                                                         "들어가는 위치(L - K + 1개)만 "
                                                         "남기세요"})

# 합성곱은 뒤집은 커널과의 교차상관이며, np.convolve가 계산하는 것이 바로 이것입니다.
rng = np.random.default_rng(2)
x, w = rng.normal(size=9), rng.normal(size=4)
assert_close(convolve1d(x, w), corr1d(x, w[::-1]), "convolve1d(x, w)는 corr1d(x, w[::-1])와 같아야 합니다")
assert_close(convolve1d(x, w), np.convolve(x, w, mode="valid"), "convolve1d(x, w)와 np.convolve(x, w, 'valid')의 비교")

# 커널의 맨 앞에 있는 1 하나는 창의 맨 마지막 입력을 골라냅니다.
assert_close(convolve1d(x, [1, 0, 0]), x[2:9], "convolve1d(x, [1, 0, 0])의 결과는 x[2:9]여야 합니다")
print("convolve1d: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ### 그림: 여러분의 `convolve1d`가 상자 두 개를 삼각형으로 바꿉니다
#
# 1절의 적분 $(f * g)(t) = \int f(\tau)\, g(t - \tau)\, d\tau$를 그림으로 그려 봅니다. $f$와 $g$를
# 모두 같은 **상자 함수**(box)로 잡습니다. $-1 < \tau < 1$에서 1이고 나머지에서는 0인 함수입니다.
# 출력 위치 $t$ 하나에 대해
#
# 1. $g$를 뒤집어서 $t$로 옮깁니다. $\tau$의 함수로 보면 $g(t - \tau)$입니다(상자는 뒤집어도 모양이
#    같으므로 그림에서 보이는 것은 이동뿐입니다).
# 2. $f$와 곱합니다. 곱 $f(\tau)\, g(t - \tau)$는 두 상자가 겹치는 곳에서 1이고 나머지에서 0입니다.
# 3. 그 넓이가 결과 $(f * g)(t)$이며, 여기서는 겹친 구간의 길이입니다.
#
# **상자와 상자를 합성곱하면 삼각형이 됩니다.** 두 상자는 $t = -2$에서 처음 맞닿습니다. 거기서부터
# $t = 0$까지는 겹친 부분이 $t$가 움직이는 만큼 똑같이 늘어나므로 결과가 0에서 2까지 직선으로
# 올라갑니다. $t = 0$에서 $t = 2$까지는 겹친 부분이 같은 속도로 줄어들어 결과가 다시 0으로 내려옵니다.
#
# 컴퓨터에서는 두 상자 모두 $\Delta = 0.05$ 간격의 샘플이고, 적분은 합에 간격을 곱한 것이 됩니다.
# 결과 곡선은 $\Delta \cdot$ `convolve1d(f, g)`이며, 아래에서 **여러분의** `convolve1d`로
# 계산합니다. 신호는 상자 둘레가 0으로 채워져 있으므로 valid 모드에서도 모든 겹침이 보입니다. 각
# 열은 출력 위치 $t$ 하나에 해당합니다.

# %% tags=["autograder:skip"]
DT = 0.05                                   # 샘플 간격(위의 Delta)
tau = np.arange(-4 + DT / 2, 4, DT)         # -4와 4 사이의 샘플 점 160개
box_f = (np.abs(tau) < 1).astype(float)     # f: (-1, 1)에서 1, 나머지에서 0
box_g = np.ones(40)                         # g: 상자만, 샘플 40개 = 폭 2


def output_positions(K, n):
    """f와 샘플 K개짜리 커널(0을 중심으로 놓음)의 valid 합성곱에서 n개의 출력이 놓이는 위치:
    출력 i는 자기 창 tau[i:i+K]의 가운데에 놓입니다."""
    return tau[0] + (np.arange(n) + (K - 1) / 2) * DT


def show_convolution(f, g, y, positions, kernel="g", spikes=False, scale=DT, dashed=None,
                     legend_at="upper right"):
    """세 행, 출력 위치 t마다 열 하나: 뒤집어서 t로 옮긴 커널과 f; 둘의 곱(그 넓이, 스파이크라면
    스파이크의 합이 t에서의 결과입니다); 결과 곡선 y(여러분의 convolve1d)와 t의 위치.
    `dashed`: 비교할 (레이블, 곡선)."""
    K = len(g)
    t_out = output_positions(K, len(y))
    fig, axes = plt.subplots(3, len(positions), figsize=(11, 7.2), sharey="row")
    for col, t in enumerate(positions):
        i = int(np.argmin(np.abs(t_out - t)))   # t에 가장 가까운 출력(DT / 2 이내)
        window, turned = tau[i:i + K], g[::-1]  # f[i + j]는 g[K - 1 - j]와 만납니다
        product = f[i:i + K] * turned
        top, middle, bottom = axes[:, col]
        for ax in (top, middle):
            ax.fill_between(tau, f, step="mid", color="#cfe2f3")
        top.plot([], [], color="#cfe2f3", lw=6, label="f(τ)")
        if spikes:                              # 스파이크로 된 커널: 하나하나를 막대로 그립니다
            hit = turned != 0
            top.vlines(window[hit], 0, turned[hit], color="#e69138", lw=2)
            top.plot(window[hit], turned[hit], "o", color="#e69138", label=f"{kernel}(t − τ)")
            middle.vlines(window[hit], 0, product[hit], color="#cc4125", lw=2)
            middle.plot(window[hit], product[hit], "o", color="#cc4125")
            middle.set_title(f"f(τ)·{kernel}(t − τ): 스파이크의 합 {scale * product.sum():.2f}",
                             fontsize=9)
        else:
            edges = np.r_[window[0] - DT, window, window[-1] + DT]
            top.step(edges, np.r_[0, turned, 0], where="mid", color="#e69138", lw=2,
                     label=f"{kernel}(t − τ)")
            middle.fill_between(window, product, step="mid", color="#e06666", alpha=0.8)
            middle.set_title(f"f(τ)·{kernel}(t − τ): 넓이 {scale * product.sum():.2f}", fontsize=9)
        top.set_title(f"t = {t:g}", fontsize=10)
        top.axvline(t_out[i], color="0.5", ls=":", lw=1)
        middle.axvline(t_out[i], color="0.5", ls=":", lw=1)
        if dashed is not None:
            bottom.plot(t_out, dashed[1], "--", color="0.55", lw=2.5, label=dashed[0])
        bottom.plot(t_out, y, color="black", lw=1.2, label="여러분의 convolve1d")
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
    axes[0, 0].set_ylabel("신호, 커널")
    axes[1, 0].set_ylabel("곱")
    axes[2, 0].set_ylabel("결과")
    plt.tight_layout()
    plt.show()


def show_box_triangle():
    """여러분의 convolve1d로 상자 * 상자를 계산해 삼각형인지 알려 주고, 그림을 그립니다."""
    try:
        y = DT * convolve1d(box_f, box_g)
    except (NameError, NotImplementedError):
        print("위의 convolve1d를 먼저 작성하고(6절) 그 셀을 실행한 다음, 이 셀을 다시 실행하세요.")
        return
    expected = DT * np.convolve(box_f, box_g, mode="valid")
    if np.shape(y) != expected.shape:
        print(f"여러분의 convolve1d가 모양 {np.shape(y)}을(를) 돌려주었습니다. valid 모드의 값은 L - K + 1 = "
              f"{len(box_f)} - {len(box_g)} + 1 = {len(expected)}개입니다. 고친 다음 이 셀을 다시 실행하세요.")
        return
    dashed = None
    if np.allclose(y, expected):
        print("여러분의 convolve1d로 계산한 상자 * 상자: 삼각형입니다. t = -2까지 0, t = 0에서 2, t = 2부터 다시 0.")
    else:
        worst = int(np.argmax(np.abs(y - expected)))
        print(f"여러분의 convolve1d로 계산한 상자 * 상자가 삼각형이 아닙니다. t = "
              f"{output_positions(len(box_g), len(y))[worst]:.2f}에서 결과는 {y[worst]:.3f}인데, "
              f"기대한 값은 {expected[worst]:.3f}입니다(점선).")
        dashed = ("기대한 값", expected)
    show_convolution(box_f, box_g, y, positions=[-1.5, 0.0, 1.0], dashed=dashed)


show_box_triangle()

# %% [markdown]
# ### 합성곱의 도함수: $[f * g]' = f * g'$
#
# 강의에 나온 항등식입니다. 합성곱을 $t$에 대해 미분하는 것은 커널의 도함수와 합성곱하는 것과
# 같습니다. $\int f(\tau)\, g(t - \tau)\, d\tau$에서 위치 $t$는 $g$ 안에만 나타나므로 미분은 $g$에
# 걸립니다.
#
# 상자로 확인해 봅시다. 삼각형의 기울기는 $-2$에서 $0$까지 $+1$, $0$에서 $2$까지 $-1$입니다. 따라서
# 그 도함수는 양의 상자 뒤에 음의 상자가 이어지는 모양입니다. 상자 $g$의 도함수는 양 끝을 제외한
# 모든 곳에서 0이고, 양 끝에서는 1만큼 뛰어올랐다가($-1$에서) 1만큼 떨어집니다($+1$에서). 즉
# 스파이크 두 개입니다. $f$를 스파이크 두 개와 합성곱하면 $f$의 복사본이 두 개 생깁니다. $-1$로 옮긴
# $+f$(구간 $(-2, 0)$의 상자)와 $+1$로 옮긴 $-f$(구간 $(0, 2)$의 상자)입니다. 같은 답이 나옵니다.
#
# 샘플에서는 도함수가 `np.diff`이고, 길이에 주의해야 합니다. `convolve1d(f, g)`는 값이 $L - K + 1$개이므로
# 그 `np.diff`는 $L - K$개입니다. `np.diff(g)`만으로는 안 됩니다. 상자의 경우 0이 $K - 1$개 나올
# 뿐인데, 양 끝의 두 도약이 배열 안에 들어 있지 않기 때문입니다. 먼저 $g$의 양쪽에 0을 하나씩
# 덧붙이세요. `np.diff(np.pad(g, 1))` $= [1, 0, \dots, 0, -1]$은 값이 $K + 1$개이고, 이것과
# 합성곱하면 $L - (K + 1) + 1 = L - K$개의 값이 나와 `np.diff`와 개수가 같아집니다. 그러면
# **임의의** $f$와 $g$에 대해 정확히 다음이 성립합니다.
#
# $$\texttt{np.diff(convolve1d(f, g))} = \texttt{convolve1d(f, np.diff(np.pad(g, 1)))}.$$
#
# (간격은 상쇄됩니다. 삼각형은 $\Delta \cdot$ `convolve1d(f, g)`이고, 그 기울기는 이것의 `np.diff`를
# $\Delta$로 나눈 것입니다.) 아래 셀은 여러분의 `convolve1d`로 상자와 무작위 한 쌍에 대해 이
# 항등식을 확인하고, 우변을 같은 세 행으로 그립니다. 점선 곡선은 여러분이 구한 삼각형의 기울기입니다.

# %% tags=["autograder:skip"]
def check_derivative(f, g, what):
    """여러분의 convolve1d로 계산한 [f * g]' = f * g'의 양변을 비교하고 한 줄로 알려 줍니다.
    두 변이 일치하면 True를 돌려줍니다."""
    slope = np.diff(convolve1d(f, g))                     # [f * g]'
    spiky = convolve1d(f, np.diff(np.pad(g, 1)))          # f * g'
    if np.shape(slope) != np.shape(spiky):
        print(f"{what}: np.diff(convolve1d(f, g))의 모양은 {np.shape(slope)}인데 "
              f"convolve1d(f, np.diff(np.pad(g, 1)))의 모양은 {np.shape(spiky)}입니다. "
              "valid 모드의 값은 L - K + 1개입니다.")
        return False
    if np.allclose(slope, spiky):
        print(f"{what}: 여러분의 convolve1d로 [f * g]' = f * g'가 성립합니다(값 {len(slope)}개가 일치).")
        return True
    if np.allclose(slope, -spiky):
        print(f"{what}: 두 변이 부호만 다릅니다. 여러분의 convolve1d가 커널을 뒤집지 "
              "않습니다(그것은 corr1d의 답입니다).")
    else:
        print(f"{what}: 두 변이 최대 {np.max(np.abs(slope - spiky)):.3g}만큼 다릅니다.")
    return False


def show_box_derivative():
    """여러분의 convolve1d로 [f * g]' = f * g'를 확인한 다음, 상자에 대해 f * g'를 그립니다."""
    rng = np.random.default_rng(4)
    try:
        ok = check_derivative(box_f, box_g, "상자")
        ok &= check_derivative(rng.normal(size=12), rng.normal(size=4), "무작위 f (12)와 g (4)")
    except (NameError, NotImplementedError):
        print("위의 convolve1d를 먼저 작성하고(6절) 그 셀을 실행한 다음, 이 셀을 다시 실행하세요.")
        return
    if ok:
        spikes = np.diff(np.pad(box_g, 1))                # 스파이크 두 개로 나타낸 g': [1, 0, ..., 0, -1]
        show_convolution(box_f, spikes, convolve1d(box_f, spikes), positions=[-1.5, 0.5, 2.25],
                         kernel="g′", spikes=True, scale=1.0, legend_at="lower left",
                         dashed=("여러분이 구한 삼각형의 기울기", np.diff(convolve1d(box_f, box_g))))


show_box_derivative()

# %% [markdown]
# **위치에 대한 도함수이지, 역전파에 필요한 도함수가 아닙니다.** $[f * g]'$는 $f$와 $g$를 고정한 채
# **신호를 따라** $t$에서 $t + dt$로 움직일 때 출력이 어떻게 변하는지를 나타냅니다. 신경망을 학습할
# 때 묻는 질문은 다릅니다. **숫자 자체**, 즉 각 입력값 $x[m]$과 각 가중치 $w[p]$를 바꾸면 손실이
# 어떻게 변할까요? 이것은 $x$와 $w$에 대한 도함수 $\partial L / \partial x$와
# $\partial L / \partial w$이며, 과제 4에서 계산합니다(다른 이유에서이긴 하지만, 이것들도 다시
# 교차상관과 합성곱이 됩니다).

# %% [markdown]
# 이제 `convolve2d`입니다. 같은 아이디어를 2차원에서, 커널을 180도 회전해서 적용합니다.

# %% nbgrader={"grade": false, "grade_id": "convolve2d", "locked": false, "schema_version": 3, "solution": true}
def convolve2d(x, w):
    """valid 2D 합성곱: 커널을 180도 회전한 교차상관.

    x: (H, W), w: (KH, KW). 반환값 (H - KH + 1, W - KW + 1) float64이며,
    scipy.signal.convolve2d(x, w, mode="valid")와 같습니다.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write convolve2d here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_convolve2d", "locked": true, "schema_version": 3, "solution": false}
x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
w = [[0, 1], [2, 3]]
assert_close(convolve2d(x, w), [[5, 11], [23, 29]], "계산 예제에 대한 convolve2d",
             mistakes={((19.0, 25.0), (37.0, 43.0)): "커널을 회전하지 않았습니다. 그것은 corr2d의 "
                                                     "답이고, convolve2d는 w[::-1, ::-1]을 미끄러뜨립니다",
                       ((17.0, 23.0), (35.0, 41.0)): "커널을 전치했거나 좌우로만 뒤집었습니다. "
                                                     "180도 회전은 두 축을 모두 뒤집습니다: "
                                                     "w[::-1, ::-1]",
                       ((7.0, 13.0), (25.0, 31.0)): "커널을 위아래로만 뒤집었습니다. "
                                                    "180도 회전은 두 축을 모두 뒤집습니다: "
                                                    "w[::-1, ::-1]"})

rng = np.random.default_rng(3)
img, k = rng.normal(size=(6, 8)), rng.normal(size=(3, 2))
assert_close(convolve2d(img, k), corr2d(img, k[::-1, ::-1]),
             "convolve2d(x, w)는 corr2d(x, w[::-1, ::-1])와 같아야 합니다(전치가 아니라 180도 회전)")

# 180도 회전해도 모양이 같은 커널에서는 두 연산의 결과가 같습니다.
sym = np.array([[1.0, 2.0, 1.0], [0.0, 5.0, 0.0], [1.0, 2.0, 1.0]])
assert_close(convolve2d(img, sym), corr2d(img, sym), "대칭인 커널: 합성곱 == 교차상관")

# 커널의 [0, 0]에 있는 1 하나는 각 창의 오른쪽 아래 칸을 골라냅니다.
pick = np.zeros((3, 2))
pick[0, 0] = 1
assert_close(convolve2d(img, pick), img[2:6, 1:8], "[0, 0]에만 1이 있는 커널의 결과는 x[2:, 1:]이어야 합니다")
print("convolve2d: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ### 강의의 작은 실수: 합성곱은 교환법칙이 성립하지만 교차상관은 그렇지 않습니다
#
# 강의에서는 교차상관을 $\sum_{p=1}^{d} f(p)\, g(i+p)$로 씁니다. 여기서 $f$는 길이가 $d$인 커널이고
# 인덱스는 1부터 시작합니다. 이 노트북에서는 인덱스가 0부터 시작하고 커널을 `w`라고 부르므로, 같은
# 합을 `y[i] = sum_p w[p] * x[i + p]`로 씁니다. 즉 $f \to$ `w`, $g \to$ `x`, $p \to$ `p + 1`입니다.
#
# 강의에서는 또 교차상관도 합성곱처럼 교환법칙이 성립한다고 하는데, 그렇지 않습니다. 합성곱("full"
# 모드, 즉 겹치는 경우를 모두 세는 경우)은 교환법칙이 성립합니다: $a * b = b * a$. 하지만 `a`와
# `b`의 교차상관 대신 `b`와 `a`의 교차상관을 구하면 같은 숫자가 **역순**으로 나옵니다. 두 줄이면
# 둘 다 확인할 수 있습니다.

# %% tags=["autograder:skip"]
a, b = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5])
print("합성곱:", np.convolve(a, b), "==", np.convolve(b, a))
print("교차상관:", np.correlate(a, b, "full"), "vs", np.correlate(b, a, "full"), "(역순)")
assert np.allclose(np.convolve(a, b), np.convolve(b, a))
assert np.allclose(np.correlate(a, b, "full"), np.correlate(b, a, "full")[::-1])

# %% [markdown]
# ## 7. 이미지 커널: 사진에 여러분의 `corr2d` 적용하기
#
# 신경망이 커널을 학습하기 훨씬 전부터 영상 처리 분야에서는 커널을 손으로 설계했습니다. 아래의
# 커널은 각각 $3 \times 3$(또는 $5 \times 5$) 가중치 격자이고, 흑백 사진을 이 커널로 교차상관하면
# 새로운 그림이 나옵니다(강의에서 소개한 인터랙티브 페이지
# [setosa.io/ev/image-kernels](https://setosa.io/ev/image-kernels/)에서 직접 실험해 볼 수 있습니다).
# 그림 제목에 나오는 영어 이름을 함께 적었습니다.
#
# - **identity**(항등): 가운데에 1이 하나 있으면 이미지가 그대로 복사됩니다.
# - **box blur**(상자 블러): 모든 가중치가 같아서($5 \times 5$ 상자라면 $1/25$) 각 픽셀이 이웃의
#   평균이 됩니다.
# - **Gaussian blur**(가우시안 블러): 가중치가 종 모양 곡선을 따르는
#   $\frac{1}{16}\begin{bmatrix}1&2&1\\2&4&2\\1&2&1\end{bmatrix}$로,
#   더 부드럽고 자연스럽게 흐려집니다(가까운 이웃이 먼 이웃보다 더 크게 반영됩니다).
# - **sharpen**(선명하게): 가운데가 5, 네 이웃이 $-1$입니다. 이는 항등 커널에 "픽셀의 4배에서 네
#   이웃을 뺀 값"을 더한 것인데, 이 항은 평탄한 영역에서는 0이고 픽셀이 주변과 다른 곳에서 커지므로
#   에지가 강해집니다.
# - **edge detection**(에지 검출): 가운데가 8, 나머지는 모두 $-1$입니다. 가중치의 합이 0이므로
#   평탄한 영역은 0이 되고 변화(에지)만 남습니다.
# - **emboss**(엠보싱): 한쪽에는 음의 가중치, 반대쪽에는 양의 가중치가 있어서, 한 방향의 밝기 변화가
#   마치 부조에 빛이 비친 것처럼 보입니다.
# - **my_kernel**(여러분의 커널): 다음 셀의 `my_kernel`을 고치고 갤러리를 다시 실행해 보세요.
#
# 가중치의 합이 왜 그런 값인지 생각해 봅시다. 모든 픽셀의 밝기가 $v$인 평탄한 영역에서 출력은
# $v$에 가중치의 합을 곱한 값입니다. 블러 커널과 선명하게 커널은 합이 1이므로 평탄한 영역의 밝기가
# 그대로 유지됩니다. 에지 검출 커널은 합이 0이므로 평탄한 영역이 0이 되는데, 에지 그림에서는 이것이
# 중간 회색으로 보이고(회색 눈금이 소수의 극단적인 픽셀을 기준으로 가운데를 맞추기 때문입니다)
# 변화만 두드러집니다. 각 커널은 해당 그림의 구석에 그려져 있습니다(빨간색은 음수, 파란색은 양수,
# 진할수록 큰 값). 합성곱의 경우에는 실제로 적용되는 모양, 즉 180도 회전한 커널을 그렸습니다.
#
# 대칭인 커널은 교차상관에서나 합성곱에서나 같은 그림을 줍니다. 엠보싱 커널은 대칭이 아니므로,
# 여러분의 `convolve2d`로 적용하면 빛이 반대쪽에서 비칩니다.
#
# 사진은 matplotlib에 들어 있는 그레이스 호퍼(Grace Hopper)의 초상이므로 따로 내려받을 것이 없습니다.

# %% tags=["autograder:skip"]
from matplotlib import cbook

with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = plt.imread(f)                       # (600, 512, 3) uint8
gray = photo[..., :3] @ np.array([0.299, 0.587, 0.114]) / 255.0   # [0, 1] 범위의 휘도
# 4x4 블록의 평균 -> (150, 128): 반복문으로 짠 corr2d로도 다룰 만한 크기입니다. (4픽셀마다 하나씩만
# 남기면 더 빠르지만, 세밀한 부분이 잡음처럼 깜빡거립니다.)
gray = gray.reshape(150, 4, 128, 4).mean(axis=(1, 3))
print("사진:", photo.shape, "-> 흑백 변환, 축소:", gray.shape)

# 고쳐 보세요: 어떤 2D 커널이든 됩니다(1x9 수평 블러나 수직 에지 검출기를 시도해 보세요).
my_kernel = np.array([[-1.0, 0.0, 1.0],
                      [-2.0, 0.0, 2.0],
                      [-1.0, 0.0, 1.0]])        # 소벨(Sobel): 수직 에지

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
    """커널을 작은 격자로 그립니다: 빨간색은 음수, 파란색은 양수이고, 정수 가중치는 값을 적어 넣습니다."""
    lim = np.max(np.abs(k)) or 1.0
    ax.imshow(k, cmap="RdBu", vmin=-lim, vmax=lim)
    if k.size <= 9 and np.all(k == np.round(k)):   # 분수(블러 커널)는 칸에 들어가지 않습니다
        for (r, c), v in np.ndenumerate(k):
            ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=7,
                    color="white" if abs(v) > lim / 2 else "black")
    ax.set_xticks([])
    ax.set_yticks([])


def show_gallery(image, kernels):
    """`image`를 여러분의 corr2d로 모든 커널과 교차상관해서 결과를 나란히 보여 줍니다."""
    results = {}
    try:
        for name, k in kernels.items():
            results[name] = corr2d(image, k)
        results["emboss, convolve2d"] = convolve2d(image, kernels["emboss"])
    except (NameError, NotImplementedError):
        missing = "convolve2d" if results else "corr2d"
        print(f"위의 {missing} 함수를 먼저 작성하고({4 if missing == 'corr2d' else 6}절) "
              "그 셀을 실행한 다음, 이 셀을 다시 실행하세요.")
        if not results:
            return
    fig, axes = plt.subplots(2, 4, figsize=(10, 5.6))
    for ax, (name, img) in zip(axes.ravel(), results.items()):
        if name in ("identity", "box blur 5x5", "Gaussian blur", "sharpen"):
            ax.imshow(img, cmap="gray", vmin=0, vmax=1)   # 사진과 같은 밝기 눈금
        else:   # 에지: 0 근처에 극단적인 픽셀이 조금 있으므로 가운데 98 %를 늘려서 보여 줍니다
            ax.imshow(img, cmap="gray", vmin=np.percentile(img, 1), vmax=np.percentile(img, 99))
        ax.set_title(f"{name}  {img.shape[0]}x{img.shape[1]}", fontsize=9)
        ax.axis("off")
        k = kernels.get(name.split(",")[0])
        if k is not None and name.endswith("convolve2d"):
            k = k[::-1, ::-1]  # 합성곱은 180도 회전한 커널을 미끄러뜨리므로 그 모양을 그립니다
        if k is not None and k.ndim == 2 and max(k.shape) <= 7:
            draw_kernel(ax.inset_axes([0.68, 0.0, 0.32, 0.32]), k)
    for ax in axes.ravel()[len(results):]:
        ax.axis("off")
    plt.tight_layout()
    plt.show()


show_gallery(gray, kernels)

# %% [markdown]
# 제목에 적힌 크기를 보세요. 모든 결과가 사진보다 축마다 $K - 1$픽셀씩 작은데, 과제 1에서 valid
# 모드에 대해 예측한 그대로입니다.
#
# ## 요약
#
# - 교차상관은 커널을 그대로 미끄러뜨립니다: $y[i] = \sum_p w[p]\,x[i+p]$. 합성곱은 먼저 커널을
#   뒤집습니다(2차원에서는 180° 회전).
# - CNN의 층은 교차상관을 계산합니다. 커널을 학습하므로 뒤집어 봐야 학습된 숫자만 달라질 뿐입니다.
# - 같은 합이 1D, 2D, 3D에서 모두 통하며, 축마다 인덱스가 하나씩입니다.
# - 상자와 상자의 합성곱은 삼각형이고, $[f * g]' = f * g'$입니다. 이는 신호를 따라가는 도함수입니다.
#   역전파에는 $x$와 $w$에 대한 도함수가 필요합니다(과제 4).
#
# 다음 과제 3에서는 이미지에 색 채널이 생기고, 층마다 커널이 여러 개가 됩니다.
