"""Buggy submission (test data, never shipped): numerical_gradient ignores the step it is given.

assignment: a4_backprop
function: numerical_gradient
expect: the step h you were given was ignored
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    step = 1e-5  # the bug: a fixed step instead of h
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = step
        grad[idx] = (f(x + e) - f(x - e)) / (2 * step)
    return grad
