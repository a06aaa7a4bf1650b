"""Buggy submission (test data, never shipped): corr2d_multi_in correlates channel 0 only.

assignment: a3_multichannel
function: corr2d_multi_in
expect: only the first channel is used
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr2d_multi_in(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    windows = np.lib.stride_tricks.sliding_window_view(x[0], w.shape[1:])
    return np.einsum("ijpq,pq->ij", windows, w[0])
