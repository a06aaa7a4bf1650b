"""Buggy submission (test data, never shipped): numerical_gradient changes the caller's x and never puts it back.

assignment: a4_backprop
function: numerical_gradient
expect: x was changed by your function
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        fp = f(x)
        x[idx] -= 2 * h
        fm = f(x)
        grad[idx] = (fp - fm) / (2 * h)
    return grad
