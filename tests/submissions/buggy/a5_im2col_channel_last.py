"""Buggy submission (test data, never shipped): im2col flattens each window channel last, (KH, KW, C).

assignment: a5_conv_as_matmul
function: im2col
expect: the columns are in (KH, KW, C) order
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def im2col(x, kh, kw, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    if x.ndim != 4:
        raise ValueError("x must be 4D")
    p, s = padding, stride
    xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    N, C, H, W = xpad.shape
    if kh > H or kw > W:
        raise ValueError("the kernel does not fit")
    OH, OW = (H - kh) // s + 1, (W - kw) // s + 1
    cols = np.zeros((N, OH * OW, C * kh * kw))
    for i in range(OH):
        for j in range(OW):
            window = xpad[:, :, i * s:i * s + kh, j * s:j * s + kw]       # (N, C, KH, KW)
            cols[:, i * OW + j] = window.transpose(0, 2, 3, 1).reshape(N, -1)  # channel last
    return cols
