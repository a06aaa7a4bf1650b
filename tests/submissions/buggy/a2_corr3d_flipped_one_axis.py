"""Buggy submission (test data, never shipped): corr3d reverses the kernel along its last axis only.

assignment: a2_correlation
function: corr3d
expect: the kernel is flipped along axis 2 (columns) only
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr3d(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)[:, :, ::-1]
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)
    return np.einsum("ijkpqr,pqr->ijk", windows, w)
