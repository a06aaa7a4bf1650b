"""Shape arithmetic for the trusted side (the mistakes of diagnose.py).

There is deliberately no output-size formula here: it is a graded answer (a1's
conv_output_length), and nothing in this package may compute one. Cases draw output sizes first
(cases._layer_shapes); mistakes take sizes from the reference.
"""
from __future__ import annotations


def pair(value) -> tuple[int, int]:
    """stride or padding given as an int or a (rows, cols) pair -> (rows, cols)."""
    if isinstance(value, (tuple, list)):
        return int(value[0]), int(value[1])
    return int(value), int(value)
