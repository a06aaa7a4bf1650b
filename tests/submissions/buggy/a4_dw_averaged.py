"""Buggy submission (test data, never shipped): conv2d_backward divides dw by the batch size (a mean, not a sum).

assignment: a4_backprop
function: conv2d_backward
expect: dw is averaged over the batch
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np

_summed_backward = conv2d_backward  # the right one, defined above in the whole submission


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    dx, dw, db = _summed_backward(x, w, b, dout, stride, padding)
    return dx, dw / np.shape(x)[0], db  # "the mean over the batch"
