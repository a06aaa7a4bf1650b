"""cases.py and checks.py: seeds, the cases drawn from them, and the judges on plain outcomes."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from autograder.cases import KINDS, asymmetric, make_cases
from autograder.checks import DEFAULT_SECRET, CallOutcome, build_checks, derive_seed
from autograder.course import STUDENT_API, Grading
from autograder.testfunctions import FunctionSpec, make_function
from course_helpers import load_solution

GRADING = Grading()
ASSIGNMENT_OF = {f: a for a, fs in STUDENT_API.items() for f in fs}
ALL_FUNCTIONS = list(ASSIGNMENT_OF)


load_reference = load_solution


REFERENCES = {a: load_reference(a) for a in STUDENT_API}


def checks_for(function: str, seed: int = 1, grading: Grading = GRADING):
    assignment = ASSIGNMENT_OF[function]
    return build_checks(assignment, function, REFERENCES[assignment], seed, grading)


def call_reference(call) -> CallOutcome:
    """Run the reference in-process the way the sandbox would report it."""
    module = REFERENCES[ASSIGNMENT_OF[call.function]]
    args = copy.deepcopy(call.args)
    live = tuple(make_function(a) if isinstance(a, FunctionSpec) else a for a in args)
    try:
        value = getattr(module, call.function)(*live, **copy.deepcopy(call.kwargs))
    except Exception as error:  # noqa: BLE001
        return CallOutcome("error", message=f"{type(error).__name__}: {error}")
    after = tuple(None if callable(a) else a for a in live) if call.return_args else None
    return CallOutcome("ok", value=value, args_after=after)


def reference_gradients(call) -> tuple:
    """The reference's answer to a backward call: the tuple (dx, dw) or (dx, dw, db)."""
    value = call_reference(call).value
    assert isinstance(value, tuple), f"{call.function} should return a tuple, got {value!r}"
    return value


# ----------------------------------------------------------------------------- seeds

def test_derive_seed_is_stable_and_depends_on_every_input():
    base = derive_seed(b"secret", "ada", "a2_correlation", "corr2d")
    assert base == derive_seed(b"secret", "ada", "a2_correlation", "corr2d")
    others = {derive_seed(b"other", "ada", "a2_correlation", "corr2d"),
              derive_seed(b"secret", "bob", "a2_correlation", "corr2d"),
              derive_seed(b"secret", "ada", "a3_multichannel", "corr2d"),
              derive_seed(b"secret", "ada", "a2_correlation", "corr1d")}
    assert base not in others and len(others) == 4
    assert 0 <= base < 2 ** 63
    # no secret: a fixed default, the same every time
    assert derive_seed(None, "ada", "a", "t") == derive_seed(b"", "ada", "a", "t") \
        == derive_seed(DEFAULT_SECRET, "ada", "a", "t")
    # the separator keeps ("ab", "c") and ("a", "bc") apart
    assert derive_seed(None, "ab", "c", "t") != derive_seed(None, "a", "bc", "t")


@pytest.mark.parametrize("function", ALL_FUNCTIONS)
def test_same_seed_same_cases_other_seed_other_cases(function):
    def fingerprint(checks):
        return [repr(c.call.args) + repr(sorted(c.call.kwargs.items())) for c in checks]

    assert fingerprint(checks_for(function, 11)) == fingerprint(checks_for(function, 11))
    assert [c.label for c in checks_for(function, 11)] == [c.label for c in checks_for(function, 11)]
    assert fingerprint(checks_for(function, 11)) != fingerprint(checks_for(function, 12))


@pytest.mark.parametrize("function", ALL_FUNCTIONS)
def test_trials_random_cases_then_the_edge_cases(function):
    for trials in (1, 6, 9):
        cases = make_cases(function, np.random.default_rng(3), trials)
        random_part = cases[:trials]
        assert all(c.note == "" for c in random_part)
        assert all(c.note for c in cases[trials:]), "edge cases say why they exist"
        assert len(cases) > trials


# ----------------------------------------------------------------------------- the reference passes

@pytest.mark.parametrize("function", ALL_FUNCTIONS)
@pytest.mark.parametrize("seed", [0, 987654321])
def test_the_reference_passes_every_check(function, seed):
    for check in checks_for(function, seed):
        result = check.judge(call_reference(check.call))
        assert result.passed, f"{result.label}\n{result.feedback}"
        assert result.feedback == "" and result.label == check.label


@pytest.mark.parametrize("message", [
    "NotImplementedError: write corr2d here",
    "NotImplementedError\n    at cell 4, line 3: raise NotImplementedError",  # nbgrader's bare stub
])
@pytest.mark.parametrize("function", ALL_FUNCTIONS)
def test_the_stub_fails_every_check_and_is_called_a_stub(function, message):
    stub = CallOutcome("error", message=message)
    for check in checks_for(function):
        result = check.judge(stub)
        assert not result.passed
        assert "it is still the stub" in result.feedback


# ----------------------------------------------------------------------------- what the cases contain

def _random_cases(function, seed=5):
    return make_cases(function, np.random.default_rng(seed), GRADING.trials)[:GRADING.trials]


@pytest.mark.parametrize("seed", range(5))
def test_layer_cases_break_every_symmetry(seed):
    for function in ("conv2d_forward", "conv2d_backward"):
        for case in _random_cases(function, seed):
            x, w = np.asarray(case.args[0]), np.asarray(case.args[1])
            n, c, h, wd = x.shape
            f, c2, kh, kw = w.shape
            assert c == c2
            assert min(n, c, f, kh, kw) > 1
            assert len({n, c, f}) == 3 and kh != kw and h != wd
            assert asymmetric(w)


@pytest.mark.parametrize("seed", range(5))
def test_a5_cases_break_every_symmetry(seed):
    for case in _random_cases("conv2d_matmul", seed):
        (n, c, h, wd), (f, c2, kh, kw) = np.shape(case.args[0]), np.shape(case.args[1])
        assert c == c2 and min(n, c, f, kh, kw) > 1
        assert len({n, c, f}) == 3 and kh != kw and h != wd
        assert asymmetric(np.asarray(case.args[1]))
    for case in _random_cases("im2col", seed):
        (n, c, h, wd), (kh, kw) = np.shape(case.args[0]), case.args[1:3]
        assert type(kh) is int and type(kw) is int
        assert min(n, c, kh, kw) > 1 and n != c and kh != kw and h != wd
    for case in _random_cases("conv_matrix", seed):
        w, (h, wd) = np.asarray(case.args[0]), case.args[1]
        assert w.ndim == 2 and min(w.shape) > 1 and w.shape[0] != w.shape[1] and h != wd
        assert asymmetric(w)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("function", ["conv2d_forward", "conv2d_backward", "im2col",
                                      "conv2d_matmul"])
def test_layer_stride_and_padding_are_ints_as_the_notebooks_say(function, seed):
    # a3 and a4 state "stride and padding: ints"; a (rows, cols) pair is nowhere promised
    for case in make_cases(function, np.random.default_rng(seed), GRADING.trials):
        for name in ("stride", "padding"):
            value = case.kwargs.get(name, 1)
            assert type(value) is int, f"{case.note or 'random case'}: {name}={value!r}"


@pytest.mark.parametrize("function", ["corr2d", "convolve2d", "corr3d", "corr2d_multi_in"])
def test_correlation_cases_have_asymmetric_kernels_and_non_square_inputs(function):
    for case in _random_cases(function):
        x, w = np.asarray(case.args[0]), np.asarray(case.args[1])
        assert asymmetric(w)
        spatial = x.shape[-2:] if x.ndim != 3 or function == "corr2d_multi_in" else x.shape
        assert len(set(spatial)) == len(spatial), f"{x.shape} has equal spatial sizes"
        assert all(k > 1 for k in w.shape[-2:])


@pytest.mark.parametrize("function", ["corr1d", "corr2d", "corr3d", "conv2d_forward",
                                      "corr1d_backward"])
def test_value_kinds_include_integers_and_python_lists(function):
    assert set(KINDS) == {"float", "int_x", "int", "list"}
    cases = _random_cases(function)
    xs = [c.args[0] for c in cases]
    ws = [c.args[1] for c in cases]
    assert any(isinstance(x, list) for x in xs)
    assert any(isinstance(x, np.ndarray) and x.dtype.kind == "i" for x in xs)
    assert any(isinstance(x, np.ndarray) and x.dtype.kind == "i" and
               isinstance(w, np.ndarray) and w.dtype.kind == "f" for x, w in zip(xs, ws))
    assert any(isinstance(x, np.ndarray) and x.dtype == np.float64 for x in xs)


def test_edge_cases_are_there():
    notes = {f: [str(c.note) for c in make_cases(f, np.random.default_rng(0), 2)]  # str: said in English
             for f in ALL_FUNCTIONS}
    for f in ("corr1d", "corr2d", "corr3d", "convolve1d", "convolve2d", "corr2d_multi_in",
              "corr2d_multi_in_out"):
        assert any("kernel as large as the input" in n for n in notes[f]), f
    for f in ("corr1d", "corr2d", "corr3d"):
        assert "kernel of size 1" in notes[f]
    for f in ("conv2d_forward", "conv2d_backward", "im2col", "conv2d_matmul"):
        joined = " | ".join(notes[f])
        assert "batch of 1" in joined and "stride 2 smaller than the kernel, padding 1" in joined
        assert "one output pixel" in joined
    assert "the lecture's worked example" in notes["corr2d"]
    assert "the lecture's worked example" in notes["conv_matrix"]
    assert {"kernel of size 1", "kernel as large as the input (one output pixel)"} <= set(notes["conv_matrix"])
    assert "1x1 kernel with stride 2" in notes["im2col"]
    assert "stride 3 larger than the kernel (some pixels never used)" in notes["conv2d_matmul"]
    assert any("big" in n for n in notes["corr1d_backward"])
    assert any("big" in n for n in notes["conv2d_backward"])


def test_layer_output_sizes_drawn_or_written_out_are_the_reference_forward_passs():
    # The grader never computes an output size (a graded answer): the layer cases draw it
    # first, the edge table writes it out. Both must be what the forward pass gives.
    from autograder.cases import LAYER_EDGES, layer_shapes
    forward = REFERENCES["a3_multichannel"].conv2d_forward
    rng = np.random.default_rng(4)
    drawn = [layer_shapes(rng) for _ in range(200)]
    for xs, ws, s, p, out in drawn + [tuple(row[1:6]) for row in LAYER_EDGES]:
        y = forward(np.zeros(xs), np.zeros(ws), np.zeros(ws[0]), stride=s, padding=p)
        assert y.shape == (xs[0], ws[0], *out), (xs, ws, s, p, out)
    for function in ("conv2d_backward",):
        for check in checks_for(function):  # dout comes in the shape of the output
            x, w, b, dout = check.call.args
            assert np.shape(dout) == forward(x, w, b, **check.call.kwargs).shape


def test_kernel_as_large_as_the_input_gives_one_output_pixel():
    for f in ("corr2d", "corr3d", "corr2d_multi_in"):
        case = next(c for c in make_cases(f, np.random.default_rng(0), 1)
                    if "as large as" in str(c.note))
        out = getattr(REFERENCES[ASSIGNMENT_OF[f]], f)(*case.args)
        assert out.size == 1


def test_the_lecture_example_is_checked_with_its_answer():
    check = next(c for c in checks_for("corr2d") if "lecture" in c.label)
    good = check.judge(CallOutcome("ok", value=np.array([[19.0, 25.0], [37.0, 43.0]])))
    assert good.passed
    bad = check.judge(CallOutcome("ok", value=np.array([[19.0, 25.0], [37.0, 42.0]])))
    assert not bad.passed and "expected 43.0, got 42.0" in bad.feedback
    assert "x = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]" in bad.feedback  # tiny inputs are shown


def test_tensors_stay_small():
    for function in ALL_FUNCTIONS:
        sizes = [c.size for c in checks_for(function) if "big" not in c.label]
        assert max(sizes) < 2000, (function, max(sizes))
        assert np.median(sizes) < 600, (function, np.median(sizes))


def test_labels_read_like_the_design():
    labels = [c.label for c in checks_for("corr2d")]
    assert labels[0].startswith("case 1 of ")
    assert labels[0].split(": ", 1)[1].startswith("x ")
    assert any("(kernel of size 1)" in label for label in labels)
    a1 = [c.label for c in checks_for("conv_output_length")]
    assert any("n=28, k=3" in label for label in a1)


# ----------------------------------------------------------------------------- a1 judges

def test_a1_valueerror_cases_pass_only_on_valueerror():
    checks = [c for c in checks_for("conv_output_length") if "k = 0" in c.label]
    assert checks
    check = checks[0]
    assert check.judge(CallOutcome("error", message="ValueError: k must be >= 1")).passed
    wrong_type = check.judge(CallOutcome("error", message="TypeError: nope"))
    assert not wrong_type.passed
    assert wrong_type.feedback.startswith("expected ValueError because k = 0: a kernel has at "
                                          "least one tap; your function raised TypeError: nope")
    returned = check.judge(CallOutcome("ok", value=9))
    assert not returned.passed and "; your function returned 9\n" in returned.feedback
    assert "invalid input is not refused" in returned.feedback
    assert check.refusal and returned.refusal


def test_a1_has_many_valueerror_cases_and_rank_mismatch():
    length = make_cases("conv_output_length", np.random.default_rng(0), 6)
    shape = make_cases("conv_output_shape", np.random.default_rng(0), 6)
    assert sum(c.expect_error == "ValueError" for c in length) >= 5
    assert any(str(c.note).startswith("rank mismatch") for c in shape)
    assert any(c.expect_error and isinstance(c.kwargs.get("stride"), tuple) for c in shape)
    assert any(isinstance(c.kwargs.get("stride"), tuple) for c in shape)
    assert any(isinstance(c.kwargs.get("stride"), int) for c in shape)


@pytest.mark.parametrize("seed", range(3))
def test_a1_shapes_are_tuples_as_the_notebook_says(seed):
    # "input_shape and kernel_shape are tuples of the same length": nothing else is promised
    for case in make_cases("conv_output_shape", np.random.default_rng(seed), GRADING.trials):
        assert all(type(shape) is tuple for shape in case.args[:2]), case.note


@pytest.mark.parametrize("function, note, returned, words", [
    ("corr2d", "the kernel (2, 4) does not fit the input (3, 3)", np.zeros((2, 0)),
     "your function returned a float64 array of shape (2, 0)"),
    ("corr1d", "the kernel (length 5) is longer than the input (length 3)", np.zeros(0),
     "your function returned a float64 array of shape (0,)"),
    ("corr2d_multi_in", "has 3 channels but w (2, 3, 3) has 2", np.ones((3, 3)),
     "your function returned a float64 array of shape (3, 3)"),
    ("conv2d_forward", "b has 3 entries for F = 2 kernels", np.ones((1, 2, 3, 3)),
     "your function returned a float64 array of shape (1, 2, 3, 3)"),
])
def test_a_refusal_that_returned_says_what_was_expected_and_why(function, note, returned, words):
    check = next(c for c in checks_for(function) if note in c.label)
    assert check.refusal
    result = check.judge(CallOutcome("ok", value=returned))
    assert not result.passed and result.refusal
    first = result.feedback.splitlines()[0]
    assert first.startswith("expected ValueError because ") and note in first and words in first
    assert "raise ValueError" in result.feedback  # what to do about it
    raised = check.judge(CallOutcome("error", message="IndexError: index 3 is out of bounds"))
    assert not raised.passed and "; your function raised IndexError: index 3" in raised.feedback
    assert check.judge(CallOutcome("error", message="ValueError: w does not fit")).passed


def test_a1_valid_input_raising_says_it_is_valid():
    check = next(c for c in checks_for("conv_output_length") if "lecture" in c.label)
    result = check.judge(CallOutcome("error", message="ValueError: no"))
    assert not result.passed and "this input is valid: the answer is 26" in result.feedback
    assert check.judge(CallOutcome("ok", value=26)).passed
    floaty = check.judge(CallOutcome("ok", value=26.0))
    assert not floaty.passed and "//" in floaty.feedback


# ----------------------------------------------------------------------------- outcomes that are not values

@pytest.mark.parametrize("status, message, words", [
    ("timeout", "did not finish within the 10 s time limit and was stopped", None),
    ("memory", "ran out of memory (limit 1024 MB)", "far larger than the output"),
    ("crash", "corr2d exited with code 3 instead of returning a value", "ends the process"),
    ("missing", "corr2d is not defined after running your code", "check the name corr2d"),
    ("skipped", "not run: an earlier call of corr2d hit the 10 s time limit", None),
    ("bad_output", "returned a generator", "plain data"),
    ("load_failed", "loading your code took longer than the 10 s time limit", None),
])
def test_sandbox_statuses_pass_the_message_through_with_a_hint_only_where_it_adds_one(status, message, words):
    check = checks_for("corr2d")[0]
    result = check.judge(CallOutcome(status, message=message))
    assert not result.passed
    assert message in result.feedback
    if words is None:
        assert "hint:" not in result.feedback  # the message says it all; do not say it twice
    else:
        assert "hint: " in result.feedback and words in result.feedback


def test_an_error_gets_a_hint():
    check = checks_for("corr2d")[0]
    result = check.judge(CallOutcome("error", message="IndexError: index 7 is out of bounds"))
    assert "your function raised IndexError: index 7" in result.feedback
    assert "hint: an index ran past the end" in result.feedback


# ----------------------------------------------------------------------------- gradient judges

def test_backward_judge_uses_the_numerical_check_and_points_at_the_element():
    check = next(c for c in checks_for("corr1d_backward") if "size 1" not in c.label
                 and "big" not in c.label)
    right = reference_gradients(check.call)
    dx, dw = (np.array(a, dtype=float) for a in right)
    dx[2] += 0.5
    result = check.judge(CallOutcome("ok", value=(dx, dw)))
    assert not result.passed
    assert "dx: shape" in result.feedback and "worst at [2]" in result.feedback
    assert "central differences of the forward pass give dx[2]" in result.feedback
    assert "dw" not in result.feedback.replace("dx, dw", "")


def test_big_backward_case_uses_a_random_direction():
    check = next(c for c in checks_for("conv2d_backward") if "big" in c.label)
    dx, dw, db = (np.array(a) for a in reference_gradients(check.call))
    assert check.judge(CallOutcome("ok", value=(dx, dw, db))).passed
    result = check.judge(CallOutcome("ok", value=(dx, dw * 1.001, db)))
    assert not result.passed
    assert "dw: numerical check failed: along a random direction u" in result.feedback


def test_backward_judge_wants_a_tuple():
    check = checks_for("conv2d_backward")[0]
    dx, dw, db = reference_gradients(check.call)
    result = check.judge(CallOutcome("ok", value=dx))
    assert not result.passed and "expected a tuple of 3 arrays (dx, dw, db)" in result.feedback
    assert check.judge(CallOutcome("ok", value=[dx, dw, db])).passed


def test_numerical_gradient_checks_x_comes_back_unchanged():
    check = checks_for("numerical_gradient")[0]
    assert check.call.return_args
    good = call_reference(check.call)
    assert check.judge(good).passed
    x_after = np.array(check.call.args[1], dtype=float) - 1e-5
    bad = CallOutcome("ok", value=good.value, args_after=(None, x_after))
    result = check.judge(bad)
    assert not result.passed
    assert "x was changed by your function" in result.feedback
    assert "likely mistake: x is changed in place" in result.feedback


def _forward_difference(spec, x, h):
    """(f(x + h e_i) - f(x)) / h, element by element: a student's one-sided difference."""
    f, x = make_function(spec), np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x)) / h
    return grad


def test_numerical_gradient_one_sided_difference_fails_and_is_named():
    failed = 0
    for check in checks_for("numerical_gradient"):
        args = check.call.args
        h = args[2] if len(args) > 2 else check.call.kwargs.get("h", 1e-5)
        value = _forward_difference(args[0], args[1], h)
        result = check.judge(CallOutcome("ok", value=value, args_after=(None, args[1])))
        if not result.passed:
            failed += 1
            assert "one-sided difference" in result.feedback
    assert failed >= len(checks_for("numerical_gradient")) - 2


# ----------------------------------------------------------------------------- any seed works

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=12)
@given(seed=st.integers(min_value=0, max_value=2 ** 63 - 1),
       function=st.sampled_from(ALL_FUNCTIONS))
def test_any_seed_gives_valid_cases_that_the_reference_passes(seed, function):
    for check in checks_for(function, seed):
        result = check.judge(call_reference(check.call))
        assert result.passed, f"seed {seed}: {result.label}\n{result.feedback}"
