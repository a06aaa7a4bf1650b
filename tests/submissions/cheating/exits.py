"""Cheat (or crash): leave the process instead of returning.

sys.exit is caught in the child; os._exit and the segfault end the child, which is restarted
for the remaining calls.

honest: corr1d, convolve1d
cheating: corr2d, corr3d, convolve2d
"""
import numpy as np


import ctypes
import os
import sys


def corr2d(x, w):
    sys.exit(0)


def corr3d(x, w):
    os._exit(0)


def convolve2d(x, w):
    ctypes.string_at(0)  # segmentation fault
