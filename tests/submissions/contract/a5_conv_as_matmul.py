"""Contract-exact a5 (test data, never shipped): written from the a5 notebook alone.

stride and padding are ints, as the notebook says. Inputs may be lists or int/float arrays;
results are float64 arrays. ValueErrors only where the notebook asks: im2col for an x that is not
4D or a kernel that does not fit the padded input; conv2d_matmul for x or w not 4D, channel
counts that differ, or a kernel that does not fit; conv_matrix for a w that is not 2D or a kernel
larger than the input. A loop over the output pixels, as the notebook allows.
"""
import numpy as np


def im2col(x, kh, kw, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    if x.ndim != 4:
        raise ValueError(f"x must be 4D (N, C, H, W), got shape {x.shape}")
    p, s = padding, stride
    xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    N, C, H, W = xpad.shape
    if kh > H or kw > W:
        raise ValueError(f"a {kh}x{kw} kernel does not fit into the padded {H}x{W} input")
    OH, OW = (H - kh) // s + 1, (W - kw) // s + 1
    cols = np.zeros((N, OH * OW, C * kh * kw))
    for i in range(OH):
        for j in range(OW):
            cols[:, i * OW + j] = xpad[:, :, i * s:i * s + kh, j * s:j * s + kw].reshape(N, -1)
    return cols


def conv2d_matmul(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    b = np.asarray(b, dtype=float)
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"x and w must be 4D, got shapes {x.shape} and {w.shape}")
    if x.shape[1] != w.shape[1]:
        raise ValueError(f"x has {x.shape[1]} channels but w has {w.shape[1]}")
    N, F = x.shape[0], w.shape[0]
    cols = im2col(x, w.shape[2], w.shape[3], stride, padding)  # (N, OH*OW, C*KH*KW)
    OH = (x.shape[2] + 2 * padding - w.shape[2]) // stride + 1
    OW = (x.shape[3] + 2 * padding - w.shape[3]) // stride + 1
    out = cols @ w.reshape(F, -1).T + b                          # (N, OH*OW, F)
    return out.transpose(0, 2, 1).reshape(N, F, OH, OW)


def conv_matrix(w, input_shape):
    w = np.asarray(w, dtype=float)
    if w.ndim != 2:
        raise ValueError(f"w must be 2D, got shape {w.shape}")
    H, W = input_shape
    KH, KW = w.shape
    if KH > H or KW > W:
        raise ValueError(f"the kernel {w.shape} is larger than the input {(H, W)}")
    OH, OW = H - KH + 1, W - KW + 1
    M = np.zeros((OH * OW, H * W))
    for i in range(OH):
        for j in range(OW):
            M[i * OW + j].reshape(H, W)[i:i + KH, j:j + KW] = w
    return M
