"""compare.py: the trusted comparison never trusts the value it is given."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.compare import (
    compare_array,
    compare_int,
    compare_int_tuple,
    compare_tuple,
    matches,
    tolerance,
)

RTOL, ATOL = 1e-7, 1e-9


def test_equal_within_tolerance_passes_and_rounding_noise_is_allowed():
    e = np.array([[19.0, 25.0], [37.0, 43.0]])
    assert compare_array(e, e.copy(), RTOL, ATOL).ok
    assert compare_array(e, e * (1 + 1e-12), RTOL, ATOL).ok


def test_tolerance_is_on_the_scale_of_the_expected_output():
    e = np.array([1e6, 1.0])
    # an error of 0.05 on an output whose scale is 1e6 is rounding, not a bug ...
    assert compare_array(e, e + [0.0, 0.05], RTOL, ATOL).ok
    # ... but on an output of scale 1 it is a bug
    assert not compare_array(np.array([1.0, 1.0]), np.array([1.0, 1.05]), RTOL, ATOL).ok
    assert tolerance(np.zeros(3), RTOL, ATOL) == pytest.approx(ATOL + RTOL)


def test_values_that_differ_report_count_worst_element_and_errors():
    e = np.arange(12.0).reshape(3, 4)
    g = e.copy()
    g[1, 2] = -2.0
    g[0, 0] = 0.5
    c = compare_array(e, g, RTOL, ATOL)
    assert not c.ok and c.shape_ok
    text = "\n".join(c.lines)
    assert "2 of 12 values differ, worst at [1, 2]: expected 6.0, got -2.0" in text
    assert "largest error 8" in text
    assert c.worst == (1, 2) and c.max_abs == pytest.approx(8.0)
    assert c.max_rel == pytest.approx(8.0 / 11.0)


def test_tiny_outputs_are_printed_in_full():
    c = compare_array(np.array([1.0, 2.0]), np.array([2.0, 1.0]), RTOL, ATOL)
    assert "expected [1., 2.]" in "\n".join(c.lines)
    big = compare_array(np.zeros(50), np.ones(50), RTOL, ATOL)
    assert "expected [" not in "\n".join(big.lines)


@pytest.mark.parametrize("got, words", [
    (np.array([1.0, np.nan, 3.0]), "1 NaN value"),
    (np.array([np.inf, 2.0, -np.inf]), "2 infinite values"),
])
def test_nan_and_inf_are_reported(got, words):
    c = compare_array(np.array([1.0, 2.0, 3.0]), got, RTOL, ATOL)
    assert not c.ok
    assert words in "\n".join(c.lines)


@pytest.mark.parametrize("got_shape, words", [
    ((2, 4), "axis 0 is one short"),
    ((3, 5), "axis 1 is one too long"),
    ((4, 3), "axes swapped"),
    ((5, 1), "(axis 0 is 2 too long, axis 1 is 3 short)"),  # plainly, when not off by one
    ((1, 3, 4), "3-D instead of 2-D"),
])
def test_wrong_shapes_are_reported_in_words(got_shape, words):
    c = compare_array(np.zeros((3, 4)), np.zeros(got_shape), RTOL, ATOL)
    assert not c.ok and not c.shape_ok
    text = "\n".join(c.lines)
    assert f"expected shape (3, 4), got {got_shape}" in text
    assert words in text


def test_an_integer_array_fails_even_with_the_right_values():
    c = compare_array(np.array([3.0, 4.0]), np.array([3, 4]), RTOL, ATOL)
    assert not c.ok
    text = "\n".join(c.lines)
    assert "expected dtype float64, got int64" in text
    assert "the values are right" in text


def test_float32_and_complex_are_not_float64():
    assert not compare_array(np.array([1.5]), np.array([1.5], dtype=np.float32), RTOL, ATOL).ok
    assert not compare_array(np.array([1.5]), np.array([1.5 + 0j]), RTOL, ATOL).ok


@pytest.mark.parametrize("got, words", [
    (None, "forget a `return`"),
    ([[1.0, 2.0]], "got a list"),
    ((1.0, 2.0), "got a tuple"),
    (3.0, "the float 3.0"),
    ("text", "got a str"),
])
def test_values_that_are_not_arrays_are_named(got, words):
    c = compare_array(np.array([[1.0, 2.0]]), got, RTOL, ATOL)
    assert not c.ok
    assert words in "\n".join(c.lines)


def test_a_lying_ndarray_subclass_is_judged_on_its_numbers():
    class Liar(np.ndarray):
        def __eq__(self, other):  # claims to equal anything
            return True

        def __array_finalize__(self, obj):
            pass

    liar = np.zeros(3).view(Liar)
    assert not compare_array(np.array([1.0, 2.0, 3.0]), liar, RTOL, ATOL).ok
    assert not matches(np.array([1.0, 2.0, 3.0]), liar, RTOL, ATOL)


def test_compare_int():
    assert compare_int(5, 5).ok
    assert compare_int(5, np.int64(5)).ok
    wrong = compare_int(5, 4)
    assert not wrong.ok and "expected 5, got 4" in wrong.lines[0]
    as_float = compare_int(5, 5.0)
    assert not as_float.ok and "use // (floor division)" in as_float.lines[0]
    assert not compare_int(1, True).ok
    assert not compare_int(5, None).ok


def test_compare_int_tuple():
    assert compare_int_tuple((26, 26), (26, 26)).ok
    as_list = compare_int_tuple((26, 26), [26, 26])
    assert not as_list.ok and "return a tuple" in as_list.lines[0]
    assert not compare_int_tuple((26, 26), (26,)).ok
    wrong = compare_int_tuple((26, 26), (26, 25))
    assert not wrong.ok and "axis 1: expected 26, got 25" in "\n".join(wrong.lines)
    assert not compare_int_tuple((26, 26), (26.0, 26)).ok


def test_compare_tuple_judges_each_gradient_by_name():
    e = (np.ones(3), np.zeros(2))
    whole, parts = compare_tuple(e, (np.ones(3), np.ones(2)), ("dx", "dw"), RTOL, ATOL)
    assert not whole.ok and parts[0].ok and not parts[1].ok
    assert all(line.startswith("dw") for line in whole.lines)
    whole, parts = compare_tuple(e, np.ones(3), ("dx", "dw"), RTOL, ATOL)
    assert not whole.ok and parts == []
    assert "expected a tuple of 2 arrays (dx, dw)" in whole.lines[0]
    assert compare_tuple(e, [np.ones(3), np.zeros(2)], ("dx", "dw"), RTOL, ATOL)[0].ok


def test_matches_requires_the_same_kind():
    a = np.array([1.0, 2.0])
    assert matches(a, a + 1e-12, RTOL, ATOL)
    assert not matches(a, a.astype(np.int64), RTOL, ATOL)
    assert matches(a.astype(np.int64), a.astype(np.int32), RTOL, ATOL)
    assert matches((1, 2), (1, 2), RTOL, ATOL) and not matches((1, 2), [1, 2], RTOL, ATOL)
    assert matches(3, np.int64(3), RTOL, ATOL) and not matches(3, 3.0, RTOL, ATOL)
    assert not matches(a, np.array([1.0, np.nan]), RTOL, ATOL)
