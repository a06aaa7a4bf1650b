"""Cheat: raise BaseExceptions that are not Exceptions.

honest: corr1d, corr2d, convolve1d
cheating: corr3d, convolve2d
"""
import numpy as np


class Escape(BaseException):
    pass


def corr3d(x, w):
    raise KeyboardInterrupt


def convolve2d(x, w):
    raise Escape("nobody catches BaseException, right?")
