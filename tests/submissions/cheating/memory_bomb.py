"""Cheat (or bug): allocate memory until something gives.

honest: corr1d, corr3d, convolve1d, convolve2d
cheating: corr2d
"""
import numpy as np


def corr2d(x, w):
    hog = []
    while True:  # grab address space 256 MB at a time (np.empty: fast, no page touched)
        hog.append(np.empty(256 * 1024 * 1024, dtype=np.uint8))
