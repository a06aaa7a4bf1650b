"""Buggy submission (test data, never shipped): numerical_gradient keeps an integer x integer.

assignment: a4_backprop
function: numerical_gradient
expect: x is an integer array
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x)  # keeps an integer dtype: x[idx] + h is cut back to x[idx]
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (f(plus) - f(minus)) / (2 * h)
    return grad
