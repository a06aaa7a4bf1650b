"""Autograder for the convolution course: seeded random tests, gradient checks, named mistakes,
and grading that runs student code only in an isolated child process.

This package contains no reference solution; that lives in the course's solutions/ folder.
"""
__version__ = "0.1.0"
