"""Contract-exact a1 (test data, never shipped): written from the a1 notebook alone.

Only what the notebook states: all arguments are integers, the result is a Python int (a tuple of
ints for the shape), padding/stride/dilation of conv_output_shape are an int or a tuple with one
entry per axis, and the ValueErrors its prose lists. Nothing more (no type checks, no lists).
"""


def conv_output_length(n, k, padding=0, stride=1, dilation=1):
    if n < 1 or k < 1:
        raise ValueError(f"n and k must be at least 1, got n={n}, k={k}")
    if stride < 1 or dilation < 1:
        raise ValueError(f"stride and dilation must be at least 1, got {stride} and {dilation}")
    if padding < 0:
        raise ValueError(f"padding must not be negative, got {padding}")
    reach = dilation * (k - 1) + 1
    out = (n + 2 * padding - reach) // stride + 1
    if out < 1:
        raise ValueError(f"the kernel reaches across {reach} cells but the padded input has "
                         f"{n + 2 * padding}")
    return out


def conv_output_shape(input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    axes = len(input_shape)
    if len(kernel_shape) != axes:
        raise ValueError(f"{axes} input sizes but {len(kernel_shape)} kernel sizes")

    def per_axis(setting, name):
        if isinstance(setting, int):
            return [setting] * axes
        if len(setting) != axes:
            raise ValueError(f"{name} has {len(setting)} entries for {axes} axes")
        return list(setting)

    pads = per_axis(padding, "padding")
    strides = per_axis(stride, "stride")
    dilations = per_axis(dilation, "dilation")
    sizes = []
    for a in range(axes):
        sizes.append(conv_output_length(input_shape[a], kernel_shape[a], pads[a], strides[a],
                                        dilations[a]))
    return tuple(sizes)
