"""Buggy submission (test data, never shipped): corr1d uses NumPy's 'full' mode instead of 'valid'.

assignment: a2_correlation
function: corr1d
expect: this is 'full' mode
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr1d(x, w):
    return np.correlate(np.asarray(x, dtype=float), np.asarray(w, dtype=float), mode="full")
