# %% [markdown]
# # 과제 1 · 출력 크기: 합성곱의 결과는 얼마나 클까?
#
# 합성곱 층은 작은 가중치 격자인 **커널**을 입력 위로 밀어 가면서, 커널이 들어맞는 위치마다 숫자를
# 하나씩 씁니다. 그 숫자들을 계산하기 전에 숫자가 *몇 개* 나오는지부터 알아 두면 좋습니다. 신경망의
# 모든 층은 다음 층에 넘기는 데이터의 모양(shape)을 다음 층과 맞춰야 하며, CNN에서 생기는 모양
# 버그의 대부분은 바로 이 개수를 하나씩 잘못 세는(off-by-one) 실수입니다.
#
# 이 과제에서는 출력 크기를 단계별로 유도합니다. 먼저 가장 단순한 경우를 다루고, 이어서 모든
# 프레임워크가 제공하는 세 가지 설정인 **패딩**, **스트라이드**, **팽창(dilation)**을 차례로
# 더합니다. 마지막에는 다음 두 함수를 작성합니다:
#
# | 함수 | 반환값 |
# |---|---|
# | `conv_output_length(n, k, padding=0, stride=1, dilation=1)` | 한 축 방향의 출력 길이 |
# | `conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1)` | 모든 축 방향의 출력 크기 |

# %% [markdown] tags=["ko", "glossary"]
# **용어.** 이 노트북은 다음 한국어 용어를 씁니다. 영어 자료와 코드의 이름을 읽을 때 참고하세요.
#
# | 한국어 | English |
# |---|---|
# | 합성곱 | convolution |
# | 교차상관 | cross-correlation |
# | 커널 | kernel |
# | 탭 (커널의 가중치 한 칸) | tap |
# | 가중치 | weight |
# | 입력 / 출력 | input / output |
# | 패딩 | padding |
# | 스트라이드 | stride |
# | 팽창 | dilation |
# | 행 / 열 | row / column |
# | 모양 | shape |
# | 내림 | floor (rounding down) |

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
# ## 1. 직선 위를 미끄러지는 커널
#
# 1차원에서 시작합니다. 입력은 $n$개의 숫자 $x_0, \dots, x_{n-1}$가 한 줄로 늘어선 것이고, 커널은
# $k$개의 가중치 $w_0, \dots, w_{k-1}$가 한 줄로 늘어선 것입니다. 커널을 이웃한 $k$개의 입력 위에
# 겹쳐 놓고, 위아래로 겹친 숫자끼리 곱한 뒤 그 곱을 모두 더하면 출력 하나가 나옵니다. 그다음 커널을
# 오른쪽으로 한 칸 옮겨 같은 일을 반복합니다.
#
# 커널을 놓을 수 있는 위치는 몇 개일까요? 첫 위치에서 커널은 입력 $0 \dots k-1$을 덮습니다. 마지막
# 위치에서는 $n-k \dots n-1$을 덮습니다. 여기서 한 칸 더 가면 입력의 끝을 넘어갑니다. 따라서 커널이
# *시작*할 수 있는 위치는 $0, 1, \dots, n-k$이고, 그 개수는
#
# $$O = n - k + 1$$
#
# 입니다. 패딩이 없고 한 칸씩 움직이는 이 가장 단순한 설정을 **valid** 모드라고 합니다. 커널은
# 입력 안에 완전히 들어가는 위치만 방문합니다.
#
# 아래 그림은 $n = 7$, $k = 3$일 때 가능한 위치를 모두 그린 것입니다. 맨 위가 입력이고, 그 아래에
# 위치마다 한 줄씩 그렸으며, 커널이 덮는 입력 세 칸을 강조했습니다. 줄 수를 세어 보세요:
# $7 - 3 + 1 = 5$.

# %% tags=["autograder:skip"]
def draw_positions(n, k, padding=0, stride=1, dilation=1):
    """길이 n인 입력 위에 탭이 k개인 커널을 놓을 수 있는 모든 위치를 그립니다(위치마다 한 줄).

    이 그림은 공식을 쓰지 않고 위치를 직접 세므로, 여러분이 작성한
    conv_output_length와 비교해 볼 수 있습니다.
    """
    total = n + 2 * padding                  # 패딩한 뒤의 길이
    span = dilation * (k - 1) + 1            # 커널 하나가 걸치는 입력 칸 수
    starts = list(range(0, total - span + 1, stride))
    rows = len(starts)
    read = {s + t * dilation for s in starts for t in range(k)}
    unread = [j - padding for j in range(padding, padding + n) if j not in read]
    fig, ax = plt.subplots(figsize=(0.42 * total + 1.6, 0.36 * (rows + 1) + 0.5))
    for j in range(total):                   # 맨 위의 입력 줄
        is_pad = j < padding or j >= padding + n
        face = "0.85" if is_pad else ("#f4cccc" if j not in read else "#cfe2f3")
        ax.add_patch(Rectangle((j, rows + 0.2), 0.9, 0.8, edgecolor="black", facecolor=face))
        ax.text(j + 0.45, rows + 0.6, "0" if is_pad else f"x{j - padding}",
                ha="center", va="center", fontsize=8)
    for r, start in enumerate(starts):       # 커널 위치마다 한 줄
        y = rows - 1 - r
        taps = {start + t * dilation: t for t in range(k)}
        for j in range(total):
            tapped = j in taps
            ax.add_patch(Rectangle((j, y), 0.9, 0.8, edgecolor="0.6",
                                   facecolor="#f6b26b" if tapped else "white"))
            if tapped:
                ax.text(j + 0.45, y + 0.4, f"w{taps[j]}", ha="center", va="center", fontsize=8)
        ax.text(total + 0.2, y + 0.4, f"-> 출력 {r}", va="center", fontsize=8)
    ax.set_xlim(-0.2, total + 2.2)
    ax.set_ylim(-0.2, rows + 1.1)
    ax.axis("off")
    # 한국어에는 복수형 어미가 없으므로 아래 조건식의 두 갈래는 모두 빈 문자열입니다
    # (영어판과 코드 구조를 맞추려고 남겨 두었습니다).
    title = (f"n={n}, k={k}, padding={padding}, stride={stride}, dilation={dilation}: "
             f"출력 {rows}개{'' if rows != 1 else ''}")
    if unread:                               # 어떤 위치에서도 읽히지 않는 입력 (빨간색)
        title += "\n읽히지 않는 입력: " + ", ".join(f"x{m}" for m in unread)
    ax.set_title(title, fontsize=9)
    plt.show()


draw_positions(n=7, k=3)

# %% [markdown]
# ### 2차원에서도 마찬가지입니다
#
# 이미지에는 높이와 너비가 있고, 2차원 커널은 두 방향으로 모두 움직입니다. 두 방향은 서로 영향을
# 주지 않습니다. 행 방향으로 $H - K_H + 1$개, 열 방향으로 $W - K_W + 1$개의 위치가 있고, 행 위치와
# 열 위치의 조합 하나하나가 출력 픽셀 하나가 됩니다. 따라서 $28 \times 28$ 이미지(예를 들어 MNIST
# 숫자 이미지)와 $3 \times 3$ 커널의 교차상관(cross-correlation)을 계산하면 결과는 다음과 같습니다:
#
# $$(28 - 3 + 1) \times (28 - 3 + 1) = 26 \times 26.$$
#
# 머릿속으로 바로 해 볼 수 있는 간단한 확인이 두 가지 있습니다. 크기가 1인 커널은 입력과 같은
# 크기의 출력을 내고($n - 1 + 1 = n$), 입력과 크기가 같은 커널은 정확히 한 번 들어맞습니다
# ($n - n + 1 = 1$).

# %% [markdown]
# ## 2. 패딩: 가장자리를 지키기
#
# valid 모드에서는 층을 지날 때마다 이미지가 조금씩 줄어들고, 가장자리 픽셀은 가운데 픽셀보다 적은
# 수의 위치에서만 계산에 참여합니다. **패딩**은 커널을 밀기 전에 축의 *양쪽 끝에 각각* $p$개의 0을
# 덧붙입니다. 패딩한 입력의 길이는 $n + 2p$이므로, 1절에서 센 개수는 다음과 같이 바뀝니다:
#
# $$O = n + 2p - k + 1.$$
#
# 커널 크기가 홀수이면 흔히 $p = (k-1)/2$로 정합니다. 예를 들어 $k = 3$이면 $p = 1$입니다. 그러면
# $O = n$, 즉 출력이 입력과 같은 크기가 됩니다("same" 패딩). 아래 그림에서 회색 칸이 패딩으로
# 채운 0입니다: $n = 5$, $k = 3$, $p = 1$이면 출력은 $5 + 2 - 3 + 1 = 5$개입니다.

# %% tags=["autograder:skip"]
draw_positions(n=5, k=3, padding=1)

# %% [markdown]
# ## 3. 스트라이드: 더 큰 보폭으로 움직이기
#
# **스트라이드**가 $s$이면 커널은 한 번에 $s$칸씩 건너뛰므로, 입력 안에 들어맞는 한 위치
# $0, s, 2s, \dots$에서 시작합니다. 허용되는 마지막 시작 위치는 $n + 2p - k$입니다(2절). 그
# 지점까지 시작 위치 $0, s, 2s, \dots$를 세면 다음을 얻습니다:
#
# $$O = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1.$$
#
# ($+1$은 0에서 시작하는 위치를 세고, 분수는 그 뒤로 크기 $s$의 온전한 걸음이 몇 번인지를 셉니다.)
# 내림 $\lfloor\cdot\rfloor$이 붙는 이유는, 끝을 넘어가게 될 마지막 걸음은 아예 내딛지 않기
# 때문입니다. 그림은 $n = 8$, $k = 3$, $s = 2$인 경우입니다. 커널은 0, 2, 4에서 시작합니다. 네 번째
# 위치는 6에서 시작하여 6, 7, 8번 칸이 필요하지만 8번 칸은 없습니다. 그래서 $x_7$(빨간색)은 한 번도
# 읽히지 않고, $O = \lfloor 5/2 \rfloor + 1 = 3$입니다. 스트라이드 2는 크기를 대략 절반으로
# 줄입니다. CNN은 이렇게 적은 비용으로 이미지를 줄입니다.

# %% tags=["autograder:skip"]
draw_positions(n=8, k=3, stride=2)

# %% [markdown]
# ## 4. 팽창: 커널을 넓게 펼치기
#
# **팽창된**(dilated) 커널은 탭 사이에 간격을 둡니다. 팽창이 $d$이면 탭이 $d$칸 간격으로 놓이므로,
# $k$개의 탭이 $d(k-1) + 1$개의 입력 칸에 걸칩니다. 덕분에 가중치를 늘리지 않고도 작은 커널로 넓은
# 이웃을 볼 수 있습니다. 팽창 $d = 1$은 간격이 없는 보통의 커널입니다.
#
# 위치를 셀 때는 커널이 걸치는 폭만 중요하므로, 스트라이드 공식의 $k$를 $d(k-1) + 1$로 바꾸면 모든
# 딥러닝 프레임워크가 사용하는 **일반 공식**을 얻습니다:
#
# $$O = \left\lfloor \frac{n + 2p - d\,(k-1) - 1}{s} \right\rfloor + 1.$$
#
# 이 공식이 앞의 공식들로 돌아가는지 확인해 보세요. $p = 0$, $s = 1$, $d = 1$이면 $n - k + 1$이
# 됩니다. 그림: $n = 7$, $k = 3$, $d = 2$이면 커널은 5칸에 걸치고 $7 - 5 + 1 = 3$번 들어맞습니다.

# %% tags=["autograder:skip"]
draw_positions(n=7, k=3, dilation=2)


# %% [markdown]
# ## 5. 직접 해 보기: `conv_output_length`
#
# 일반 공식의 출력 길이 $O$를 Python `int`로 반환하는 함수
# `conv_output_length(n, k, padding=0, stride=1, dilation=1)`를 작성하세요.
#
# - 인자는 모두 정수입니다. 내림에는 정수 나눗셈 `//`를 사용하세요. `//`는 정확하지만
#   `math.floor(a / b)`는 부동소수점 계산을 거칩니다.
# - 말이 되지 않는 인자도 있습니다. $n < 1$, $k < 1$, $s < 1$, $d < 1$ 또는 $p < 0$이면, 그리고
#   (팽창된) 커널이 패딩한 입력 안에 아예 들어가지 않으면, 무엇이 잘못되었는지 알려 주는 메시지와
#   함께 `ValueError`를 발생시키세요. 커널이 들어가지 않는 경우는 정확히 공식이 $O < 1$을 주는
#   경우입니다.

# %% nbgrader={"grade": false, "grade_id": "conv_output_length", "locked": false, "schema_version": 3, "solution": true}
def conv_output_length(n, k, padding=0, stride=1, dilation=1):
    """합성곱의 한 축 방향 출력 개수.

    n: 입력 길이, k: 커널 길이, padding: 양쪽 끝에 각각 덧붙이는 0의 개수,
    stride: 커널 위치 사이의 보폭, dilation: 커널 탭 사이의 간격.
    floor((n + 2*padding - dilation*(k-1) - 1) / stride) + 1을 int로 반환합니다.
    n, k, stride, dilation이 1보다 작거나, padding < 0이거나, 커널이 들어가지 않으면 ValueError.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv_output_length here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_output_length", "locked": true, "schema_version": 3, "solution": false}
# valid 모드: O = n - k + 1 (강의의 예: 길이 28에 폭 3인 커널이면 26).
for args, expected in [((28, 3), 26), ((7, 3), 5), ((5, 1), 5), ((5, 5), 1)]:
    got = conv_output_length(*args)
    assert got == expected, f"conv_output_length{args}: 기대한 값 {expected} (n - k + 1), 받은 값 {got!r}"
got = conv_output_length(28, 3)
assert isinstance(got, int), (f"Python int를 기대했는데 {type(got).__name__} {got!r}이(가) 왔습니다"
                              + ("\n짐작되는 실수: /는 float를 돌려줍니다. // (내림 나눗셈)을 쓰세요"
                                 if isinstance(got, float) else ""))

# 패딩, 스트라이드, 팽창: 각각 위에서 개수를 보여 준 그림과 같은 경우입니다.
cases = [
    (dict(n=5, k=3, padding=1), 5, "패딩이 2p칸을 더합니다: 5 + 2 - 3 + 1"),
    (dict(n=28, k=5, padding=2), 28, "'same' 패딩 p = (k-1)/2는 크기를 그대로 유지합니다"),
    (dict(n=7, k=3, stride=2), 3, "시작 위치 0, 2, 4: floor(4/2) + 1"),
    (dict(n=8, k=3, stride=2), 3, "마지막 칸에는 커널이 닿지 않습니다: floor(5/2) + 1"),
    (dict(n=7, k=3, dilation=2), 3, "팽창된 커널은 2*(3-1)+1 = 5칸에 걸칩니다"),
    (dict(n=32, k=3, padding=1, stride=2, dilation=1), 16, "floor((32 + 2 - 3) / 2) + 1"),
    (dict(n=10, k=3, padding=2, stride=3, dilation=2), 4, "floor((10 + 4 - 4 - 1) / 3) + 1"),
]
for kwargs, expected, why in cases:
    got = conv_output_length(**kwargs)
    hint = ""
    if isinstance(got, float):
        hint = ("\n짐작되는 실수: /는 float를 돌려줍니다. 커널 위치의 개수는 정수이므로 "
                "// (내림 나눗셈)을 쓰세요")
    elif got == expected - 1:
        hint = "\n짐작되는 실수: 끝의 + 1이 빠졌습니다 (첫 위치도 개수에 들어갑니다)"
    assert got == expected, f"conv_output_length({kwargs}): 기대한 값 {expected} ({why}), 받은 값 {got!r}{hint}"

# 말이 되지 않는 인자에는 ValueError가 나야 합니다.
assert_raises(ValueError, conv_output_length, 5, 0)                # 빈 커널
assert_raises(ValueError, conv_output_length, 5, 3, stride=0)      # 전혀 움직이지 않음
assert_raises(ValueError, conv_output_length, 5, 3, padding=-1)    # 음수 패딩
assert_raises(ValueError, conv_output_length, 5, 3, dilation=0)
assert_raises(ValueError, conv_output_length, 3, 5)                # 입력보다 긴 커널
assert_raises(ValueError, conv_output_length, 5, 3, dilation=3)    # 7칸에 걸침 > 입력 5칸
print("conv_output_length: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 6. 모든 축을 한꺼번에: `conv_output_shape`
#
# 실제 데이터에는 공간 축이 여러 개 있습니다. 이미지에는 높이와 너비가, 볼륨 데이터에는 깊이, 높이,
# 너비가 있습니다. 축들은 서로 독립적이므로, 출력 모양은 각 축에 일반 공식을 따로 적용한 것입니다.
# 프레임워크에서는 패딩, 스트라이드, 팽창을 모든 축에 공통으로 쓰는 정수 하나로 줄 수도 있고, 축마다
# 값이 하나씩 있는 튜플로 줄 수도 있습니다. 예를 들어 `stride=(1, 2)`는 아래로는 1행씩, 옆으로는
# 2열씩 움직입니다.
#
# `conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1)`를 작성하세요:
#
# - `input_shape`, `kernel_shape`: 길이가 같은 튜플입니다. 예: `(28, 28)`, `(3, 3)`;
# - `padding`, `stride`, `dilation`: 각각 `int`이거나, 축마다 값이 하나씩 있는 튜플입니다;
# - 반환값: int로 이루어진 튜플입니다. 예: `(26, 26)`;
# - `kernel_shape`(또는 padding/stride/dilation 튜플)의 원소 개수가 `input_shape`의 원소 개수와
#   다르면 `ValueError`를 발생시키세요. `conv_output_length`가 거부하는 경우도 모두 마찬가지입니다.
#
# 여러분이 작성한 `conv_output_length`를 다시 쓰세요. 바로 그러라고 만든 함수입니다.

# %% nbgrader={"grade": false, "grade_id": "conv_output_shape", "locked": false, "schema_version": 3, "solution": true}
def conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    """모든 공간 축 방향의 출력 크기.

    input_shape: (H, W, ...), kernel_shape: (KH, KW, ...), 길이가 같아야 합니다.
    padding, stride, dilation: 모든 축에 쓰는 int 하나, 또는 축마다 값이 하나씩 있는 튜플.
    int 튜플을 반환합니다. 예: ((28, 28), (3, 3)) -> (26, 26).
    차원 수가 맞지 않거나 conv_output_length가 거부하는 경우에는 ValueError.
    """
    ### BEGIN SOLUTION
    raise NotImplementedError("write conv_output_shape here")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_output_shape", "locked": true, "schema_version": 3, "solution": false}
cases = [
    (((28, 28), (3, 3)), {}, (26, 26), "강의의 28x28 이미지와 3x3 커널"),
    (((32, 24), (5, 3)), dict(padding=(2, 1), stride=(1, 2)), (32, 12),
     "행: 32 + 4 - 5 + 1, 열: floor((24 + 2 - 3) / 2) + 1"),
    (((16, 32, 32), (3, 3, 3)), {}, (14, 30, 30), "3차원 볼륨, 모든 축이 n - k + 1"),
    (((9, 9), (3, 3)), dict(dilation=2, padding=2), (9, 9), "팽창 2에 패딩 2이면 9가 유지됩니다"),
    (((100,), (7,)), dict(stride=3), (32,), "축이 하나여도 됩니다: floor(93 / 3) + 1"),
]
for (shape, kernel), kwargs, expected, why in cases:
    got = conv_output_shape(shape, kernel, **kwargs)
    assert isinstance(got, tuple), (
        f"conv_output_shape{shape, kernel}: 튜플을 기대했는데 {type(got).__name__} {got!r}이(가) 왔습니다")
    assert got == expected, (
        f"conv_output_shape({shape}, {kernel}, {kwargs}): 기대한 값 {expected} ({why}), 받은 값 {got!r}")
    assert all(isinstance(v, int) for v in got), f"int로 이루어진 튜플을 기대했는데 {got!r}이(가) 왔습니다"

assert_raises(ValueError, conv_output_shape, (28, 28), (3, 3, 3))           # 차원 수가 다름
assert_raises(ValueError, conv_output_shape, (28, 28), (3, 3), stride=(1, 2, 1))
assert_raises(ValueError, conv_output_shape, (28, 28), (30, 3))             # 커널이 들어가지 않음
print("conv_output_shape: 공개 테스트를 모두 통과했습니다")

### BEGIN HIDDEN TESTS
# Graded outside this notebook by the course autograder (randomized cases seeded per student).
### END HIDDEN TESTS

# %% [markdown]
# ## 7. 해 보기: 작은 신경망 안의 모양
#
# 아래는 $28 \times 28$ 숫자 이미지를 위한 작은 CNN을 층의 리스트로 적은 것입니다. 이 셀은
# *여러분의* `conv_output_shape`로 이미지 크기가 신경망을 지나며 어떻게 바뀌는지 따라갑니다. 각 층의
# 출력 모양을 보여 주고, 층마다 다음 층으로 넘기는 픽셀 수 $H \times W$를 막대로 그립니다(픽셀
# 하나하나가 커널의 위치 하나이므로, 막대의 높이는 그 층이 커널 하나당 하는 계산량이기도 합니다).
#
# 표만 봐서는 한눈에 들어오지 않지만 막대에서는 읽을 수 있는 것들이 있습니다. 스트라이드 2는 가로와
# 세로를 모두 절반으로 줄이므로 픽셀을 **4분의 1**만 남깁니다(784 → 196 → 49). "same" 패딩은
# 팽창이 있든 없든 픽셀을 모두 유지합니다. 그리고 valid $5 \times 5$ 커널은 언제나 4행과 4열을
# 없애는데, 이것이 $28 \times 28$ 이미지에서는 픽셀의 4분의 1이지만 마지막의 $7 \times 7$
# 이미지에서는 5분의 4가 넘습니다(49 → 9). 층을 바꿔 가며 막대가 어떻게 달라지는지 보세요(스트라이드
# 3을 써 보거나, 맨 앞에 패딩 없는 $5 \times 5$ 커널을 넣어 보세요).

# %% tags=["autograder:skip"]
layers = [  # (이름, 커널 크기, 패딩, 스트라이드, 팽창)
    ("합성곱 3x3", 3, 1, 1, 1),
    ("합성곱 3x3, 스트라이드 2", 3, 1, 2, 1),
    ("합성곱 3x3, 팽창 2", 3, 2, 1, 2),
    ("합성곱 3x3, 스트라이드 2", 3, 1, 2, 1),
    ("합성곱 5x5, valid", 5, 0, 1, 1),
]
try:
    shapes = [(28, 28)]
    for _name, k, p, s, d in layers:  # 이름은 아래에서 출력합니다
        shapes.append(conv_output_shape(shapes[-1], (k, k), padding=p, stride=s, dilation=d))
except (NameError, NotImplementedError):
    print("먼저 위의 conv_output_length와 conv_output_shape를 작성한 뒤 이 셀을 다시 실행하세요.")
else:
    for name, shape in zip(["입력"] + [layer[0] for layer in layers], shapes):
        print(f"{name:<24} {shape}")
    pixels = [int(np.prod(shape)) for shape in shapes]
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.bar(range(len(pixels)), pixels, color=["0.75"] + ["#6fa8dc"] * len(layers), edgecolor="black")
    for i, (count, shape) in enumerate(zip(pixels, shapes)):
        label = f"{'x'.join(map(str, shape))} = {count}"
        if i > 0:                                # 이전 층의 픽셀 중 남은 비율
            label += f"\n이전 대비 {count / pixels[i - 1]:.0%}"
        ax.text(i, count + 0.02 * max(pixels), label, ha="center", va="bottom", fontsize=8)
    names = ["입력"] + [f"{i + 1}: {layer[0]}".replace(", ", ",\n") for i, layer in enumerate(layers)]
    ax.set_xticks(range(len(pixels)), names, fontsize=8)
    ax.set_ylim(0, 1.3 * max(pixels))
    ax.set_ylabel("출력 픽셀 수 (H x W)")
    ax.set_title("각 층이 다음 층으로 넘기는 픽셀 수", fontsize=10)
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## 요약
#
# - valid 모드: 축마다 $O = n - k + 1$입니다. 예를 들어 $28 \times 28$에 $3 \times 3$이면
#   $26 \times 26$입니다.
# - 패딩 $p$는 $2p$칸을 더하고, 스트라이드 $s$는 $s$번째 위치마다 하나씩만 남기며(내림), 팽창 $d$는
#   탭이 $k$개인 커널이 $d(k-1)+1$칸에 걸치게 합니다:
#   $O = \lfloor (n + 2p - d(k-1) - 1)/s \rfloor + 1$.
# - 공간 축은 각각 따로 셉니다.
#
# 다음 과제 2에서는 이 출력을 채우는 숫자들을 계산합니다.
