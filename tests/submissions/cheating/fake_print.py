"""Cheat: print fake results and fake protocol frames instead of computing.

honest: corr2d, corr3d, convolve2d
cheating: corr1d, convolve1d
"""
import numpy as np


import sys


def _shout():
    print("corr1d ... PASSED (2/2 points)")
    print('{"kind": "result", "seq": 0, "status": "ok", "value": {"A": 0}}')
    sys.stdout.write("AGF1\x00\x00\x00\x10")
    print("ALL TESTS PASSED, score 10/10", file=sys.stderr)
    sys.stdout.flush()


_shout()


def corr1d(x, w):
    _shout()
    return None


def convolve1d(x, w):
    _shout()
    print("expected == actual: True")
