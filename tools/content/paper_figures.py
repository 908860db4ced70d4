"""Figures for the NeuroVerse articles, drawn with matplotlib at build time.

Each public function takes no arguments and returns a matplotlib Figure; an
article embeds one with ``![Caption](figure:function_name)``.  Everything is
computed from code (no data files), with fixed seeds, so rebuilding an article
reproduces its figures exactly.
"""
from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

plt.rcParams.update({
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.labelsize": 8.5,
    "legend.fontsize": 7.5,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "mathtext.fontset": "cm",
    "axes.spines.top": False,
    "axes.spines.right": False,
})

BLUE, RED, GREEN, GREY = "#3b4cc0", "#c0392b", "#2e8b57", "#888888"


# ---------------------------------------------------------------- helpers
def _box(ax, x, y, w, h, text, fc="#eef1fb", ec=BLUE, fs=8.5, **kw):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                fc=fc, ec=ec, lw=1.1, **kw))
    ax.text(x, y, text, ha="center", va="center", fontsize=fs)


def _arrow(ax, p, q, color="k", lw=1.1, style="-|>", rad=0.0, ls="-"):
    ax.add_patch(FancyArrowPatch(p, q, arrowstyle=style, mutation_scale=9, color=color, lw=lw,
                                 connectionstyle=f"arc3,rad={rad}", linestyle=ls, shrinkA=2, shrinkB=2))


def _canvas(w, h, xlim, ylim):
    fig, ax = plt.subplots(figsize=(w, h))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _grid(ax, values, x0, y0, cell=1.0, cmap="Blues", vmax=None, fmt="{:g}", highlight=None, fs=8):
    values = np.asarray(values)
    n, m = values.shape
    vmax = vmax if vmax is not None else max(values.max(), 1e-9)
    cm_ = plt.get_cmap(cmap)
    for i in range(n):
        for j in range(m):
            v = values[i, j]
            color = cm_(0.15 + 0.6 * (v / vmax if vmax else 0))
            ax.add_patch(Rectangle((x0 + j * cell, y0 + (n - 1 - i) * cell), cell, cell, fc=color, ec="white", lw=1))
            ax.text(x0 + (j + 0.5) * cell, y0 + (n - 1 - i + 0.5) * cell, fmt.format(v), ha="center", va="center",
                    fontsize=fs, color="white" if v > 0.6 * vmax else "black")
    if highlight:
        (i0, j0, hh, ww), col = highlight
        ax.add_patch(Rectangle((x0 + j0 * cell, y0 + (n - i0 - hh) * cell), ww * cell, hh * cell, fill=False,
                               ec=col, lw=2.2))


def _conv2d(img, k):
    kh, kw = k.shape
    p = np.pad(img, ((kh // 2, kh // 2), (kw // 2, kw // 2)))
    out = np.zeros_like(img, dtype=float)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            out[i, j] = np.sum(p[i:i + kh, j:j + kw] * k)
    return out


# ---------------------------------------------------------------- CNN overview
def cnn_architecture():
    fig, ax = _canvas(6.6, 2.5, (0, 20), (-2.0, 5.2))

    def stack(x, y, w, h, n, color, label, sub):
        for k in range(n):
            ax.add_patch(Rectangle((x + 0.22 * k, y + 0.18 * k), w, h, fc=color, ec="k", lw=0.6))
        ax.text(x + w / 2 + 0.11 * n, -0.35, label, ha="center", va="top", fontsize=8)
        ax.text(x + w / 2 + 0.11 * n, -0.95, sub, ha="center", va="top", fontsize=7, color="#555555")

    stack(0.3, 0.5, 3.0, 3.0, 1, "#dddddd", "input", "28x28x1")
    stack(4.3, 0.7, 2.4, 2.4, 4, "#c6dbef", "conv + ReLU", "28x28x8")
    stack(8.1, 1.1, 1.5, 1.5, 4, "#9ecae1", "max-pool", "14x14x8")
    stack(10.9, 1.2, 1.2, 1.2, 7, "#6baed6", "conv + ReLU", "14x14x16")
    stack(14.0, 1.5, 0.7, 0.7, 7, "#4292c6", "max-pool", "7x7x16")
    for k in range(10):
        ax.add_patch(Rectangle((17.3, 0.3 + 0.38 * k), 0.35, 0.3, fc="#fdd0a2", ec="k", lw=0.5))
    ax.text(17.5, -0.35, "dense +\nsoftmax", ha="center", va="top", fontsize=8)
    ax.text(17.5, -1.6, "10 classes", ha="center", va="top", fontsize=7, color="#555555")
    for x0, x1 in ((3.4, 4.2), (7.7, 8.0), (10.3, 10.8), (13.8, 13.95), (16.3, 17.2)):
        _arrow(ax, (x0, 2.0), (x1, 2.0))
    ax.text(6.0, 4.7, "feature extraction", ha="center", fontsize=8.5, color=BLUE)
    ax.plot([4.2, 16.0], [4.45, 4.45], color=BLUE, lw=1)
    ax.text(17.5, 4.7, "classification", ha="center", fontsize=8.5, color="#d94801")
    return fig


def cnn_parameter_count():
    sizes = np.array([28, 64, 128, 224, 512])
    dense = (sizes ** 2 * 3) * 256 + 256          # one dense layer with 256 units on an RGB image
    conv = 3 * 3 * 3 * 64 + 64 + 0 * sizes         # one 3x3 conv layer with 64 filters
    fig, ax = plt.subplots(figsize=(4.6, 2.5))
    ax.semilogy(sizes, dense, "o-", color=RED, label="dense layer, 256 units")
    ax.semilogy(sizes, conv, "s-", color=BLUE, label="3x3 conv layer, 64 filters")
    for s, d in zip(sizes, dense):
        ax.annotate(f"{d / 1e6:.1f}M", (s, d), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=6.5)
    ax.annotate("1,792 (independent of image size)", (300, conv[0]), textcoords="offset points",
                xytext=(0, 6), ha="center", fontsize=7, color=BLUE)
    ax.set_xlabel("image side length (pixels, RGB)")
    ax.set_ylabel("weights in first layer")
    ax.set_ylim(5e2, 5e11)
    ax.legend(loc="center right", bbox_to_anchor=(1.0, 0.42))
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- padding
def padding_sizes():
    fig = plt.figure(figsize=(6.6, 2.6))
    ax1 = fig.add_axes([0.0, 0.05, 0.52, 0.9])
    ax1.set_xlim(-0.3, 15.5); ax1.set_ylim(-1.3, 7.6); ax1.set_aspect("equal"); ax1.axis("off")
    img = np.arange(1, 26).reshape(5, 5) % 7
    _grid(ax1, img, 0.7, 1.0, cell=1.0, cmap="Greys", vmax=12, highlight=((0, 0, 3, 3), RED), fs=7)
    ax1.text(3.2, 0.2, "'valid': 5x5 input, 3x3 kernel\noutput 3x3", ha="center", va="top", fontsize=7.5)
    padded = np.pad(img, 1)
    _grid(ax1, padded, 8.0, 0.0, cell=1.0, cmap="Greys", vmax=12, highlight=((0, 0, 3, 3), RED), fs=7)
    for k in range(7):  # outline the zero ring
        for (i, j) in ((0, k), (6, k), (k, 0), (k, 6)):
            ax1.add_patch(Rectangle((8.0 + j, 6 - i), 1, 1, fill=False, ec=BLUE, lw=0.8, ls="--"))
    ax1.text(11.5, -0.3, "'same': one ring of zeros (p = 1)\noutput stays 5x5", ha="center", va="top", fontsize=7.5)

    ax2 = fig.add_axes([0.62, 0.2, 0.36, 0.72])
    layers = np.arange(0, 15)
    ax2.plot(layers, np.maximum(64 - 2 * layers, 0), "o-", ms=3, color=RED, label="no padding")
    ax2.plot(layers, np.full_like(layers, 64), "s-", ms=3, color=BLUE, label="'same' padding")
    ax2.set_xlabel("number of 3x3 conv layers")
    ax2.set_ylabel("feature-map side (pixels)")
    ax2.set_ylim(0, 70)
    ax2.legend(loc="lower left")
    return fig


def padding_border_coverage():
    n, k = 8, 3
    counts = {}
    for p in (0, 1):
        c = np.zeros((n, n))
        size = n + 2 * p
        for i in range(size - k + 1):
            for j in range(size - k + 1):
                for u in range(k):
                    for v in range(k):
                        a, b = i + u - p, j + v - p
                        if 0 <= a < n and 0 <= b < n:
                            c[a, b] += 1
        counts[p] = c
    fig, axes = plt.subplots(1, 2, figsize=(5.0, 2.4))
    for ax, p in zip(axes, (0, 1)):
        im = ax.imshow(counts[p], cmap="viridis", vmin=0, vmax=9)
        for i in range(n):
            for j in range(n):
                ax.text(j, i, int(counts[p][i, j]), ha="center", va="center", fontsize=6,
                        color="white" if counts[p][i, j] < 5 else "black")
        ax.set_title("no padding" if p == 0 else "zero padding p = 1")
        ax.set_xticks([]); ax.set_yticks([])
    fig.colorbar(im, ax=axes, shrink=0.8, label="windows covering pixel")
    return fig


# ---------------------------------------------------------------- pooling
def pooling_example():
    x = np.array([[1, 3, 2, 0], [5, 6, 1, 2], [7, 2, 9, 4], [0, 1, 3, 8]])
    mx = x.reshape(2, 2, 2, 2).max(axis=(1, 3))
    av = x.reshape(2, 2, 2, 2).mean(axis=(1, 3))
    fig, ax = _canvas(6.4, 2.3, (-0.2, 16.5), (-1.2, 4.4))
    _grid(ax, x, 0, 0, vmax=9)
    for (i, j), col in (((0, 0), RED), ((0, 2), GREEN), ((2, 0), "#e69f00"), ((2, 2), "#8e44ad")):
        ax.add_patch(Rectangle((j, 2 - i), 2, 2, fill=False, ec=col, lw=2.2))
    ax.text(2, -0.5, "4x4 feature map", ha="center", va="top", fontsize=8)
    _grid(ax, mx, 7.0, 1.0, vmax=9)
    ax.text(8, 3.3, "2x2 max-pool", ha="center", va="bottom", fontsize=8)
    _grid(ax, av, 12.5, 1.0, vmax=9, fmt="{:.2f}", fs=7.5)
    ax.text(13.5, 3.3, "2x2 average-pool", ha="center", va="bottom", fontsize=8)
    _arrow(ax, (4.3, 2.2), (6.8, 2.2))
    _arrow(ax, (4.3, 1.6), (12.3, 1.3), rad=0.25)
    return fig


def pooling_shift():
    rng = np.random.default_rng(3)
    sig = np.zeros(32)
    sig[[5, 6, 13, 21, 22]] = [0.6, 1.0, 0.8, 0.9, 0.4]
    sig = sig + 0.03 * rng.random(32)
    shifted = np.roll(sig, 1)
    pool = lambda s: s.reshape(-1, 4).max(axis=1)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(6.4, 2.2))
    a1.stem(np.arange(32), sig, linefmt=BLUE, markerfmt="o", basefmt=" ", label="original")
    a1.stem(np.arange(32) + 0.3, shifted, linefmt=RED, markerfmt="x", basefmt=" ", label="shifted by 1")
    a1.set_title("feature map (32 positions)")
    a1.legend(loc="upper right")
    p1, p2 = pool(sig), pool(shifted)
    a2.bar(np.arange(8) - 0.18, p1, 0.36, color=BLUE, label="original")
    a2.bar(np.arange(8) + 0.18, p2, 0.36, color=RED, label="shifted by 1")
    a2.set_title("after max-pooling (window 4)")
    a2.set_xticks(range(8))
    a2.legend(loc="upper right")
    for a in (a1, a2):
        a.set_ylim(0, 1.3)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- feature extraction
def _toy_image():
    n = 48
    yy, xx = np.mgrid[0:n, 0:n]
    img = np.zeros((n, n))
    img[8:22, 6:22] = 1.0                                   # a square
    img[((xx - 33) ** 2 + (yy - 15) ** 2) < 64] = 0.8       # a disc
    tri = (yy > 28) & (yy < 44) & (np.abs(xx - 16) < (yy - 28) * 0.7)
    img[tri] = 0.9                                          # a triangle
    img[30:44, 30:32] = 1.0                                 # a vertical bar
    img[36:38, 26:44] = 1.0                                 # a horizontal bar
    return img


def conv_feature_maps():
    img = _toy_image()
    kernels = {
        "vertical edges\n(Sobel x)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float),
        "horizontal edges\n(Sobel y)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], float),
        "diagonal edges": np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], float),
        "blobs and corners\n(Laplacian)": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], float),
    }
    fig, axes = plt.subplots(2, 5, figsize=(6.6, 3.0), gridspec_kw={"height_ratios": [1, 3.2]})
    axes[0, 0].axis("off")
    axes[1, 0].imshow(img, cmap="gray_r")
    axes[1, 0].set_title("input image", fontsize=8)
    for c, (name, k) in enumerate(kernels.items(), start=1):
        axes[0, c].imshow(k, cmap="RdBu_r", vmin=-2, vmax=2)
        fm = np.maximum(_conv2d(img, k), 0)  # ReLU
        axes[1, c].imshow(fm, cmap="magma")
        axes[1, c].set_title(name, fontsize=7.5)
    for a in axes.ravel():
        a.set_xticks([]); a.set_yticks([])
        for sp in a.spines.values():
            sp.set_visible(False)
    fig.tight_layout(h_pad=0.2, w_pad=0.4)
    return fig


def conv_sliding_window():
    fig, ax = _canvas(6.0, 2.3, (-0.3, 15.2), (-1.0, 5.6))
    x = np.array([[0, 1, 1, 0, 0], [0, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 0], [0, 0, 0, 1, 1]])
    k = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]])
    _grid(ax, x, 0, 0, vmax=2, highlight=((1, 1, 3, 3), RED), fs=7.5)
    ax.text(2.5, -0.3, "input X (5x5)", ha="center", va="top", fontsize=8)
    _grid(ax, k + 1, 6.3, 1.0, cmap="RdBu_r", vmax=2, fmt="", fs=7)
    for i in range(3):
        for j in range(3):
            ax.text(6.8 + j, 3.5 - i, f"{k[i, j]:+d}" if k[i, j] else "0", ha="center", va="center", fontsize=7.5)
    ax.text(7.8, 0.7, "kernel K (3x3)", ha="center", va="top", fontsize=8)
    full = np.array([[np.sum(x[i:i + 3, j:j + 3] * k) for j in range(3)] for i in range(3)])
    _grid(ax, full - full.min(), 11.5, 1.0, cmap="Oranges", vmax=np.ptp(full), fmt="", fs=7)
    for i in range(3):
        for j in range(3):
            ax.text(12.0 + j, 3.5 - i, f"{full[i, j]:d}", ha="center", va="center", fontsize=7.5)
    ax.add_patch(Rectangle((12.5, 2.0), 1, 1, fill=False, ec=RED, lw=2.2))
    ax.text(13.0, 0.7, "output Y (3x3)", ha="center", va="top", fontsize=8)
    ax.text(10.2, 2.5, "=", fontsize=14, ha="center", va="center")
    ax.text(5.6, 2.5, r"$\ast$", fontsize=14, ha="center", va="center")
    return fig


# ---------------------------------------------------------------- RNNs
def rnn_unrolled():
    fig, ax = _canvas(6.6, 2.5, (-0.8, 17.2), (-0.6, 6.0))
    _box(ax, 1.0, 2.7, 1.6, 1.1, "RNN\ncell", fc="#fdebd0", ec="#d35400")
    _arrow(ax, (1.0, 0.5), (1.0, 2.1)); ax.text(1.0, 0.1, "$x_t$", ha="center", fontsize=10)
    _arrow(ax, (1.0, 3.3), (1.0, 4.9)); ax.text(1.0, 5.15, "$y_t$", ha="center", fontsize=10)
    ax.add_patch(FancyArrowPatch((1.8, 2.9), (1.8, 2.5), connectionstyle="arc3,rad=-2.6", arrowstyle="-|>",
                                 mutation_scale=9, lw=1.1, color="#d35400"))
    ax.text(2.9, 3.7, "$h_{t-1}$", fontsize=9, color="#d35400")
    ax.text(3.9, 2.6, "=", fontsize=15, ha="center", va="center")
    xs = [5.6, 9.0, 12.4, 15.8]
    for t, x in enumerate(xs, start=1):
        _box(ax, x, 2.7, 1.6, 1.1, "cell", fc="#fdebd0", ec="#d35400")
        _arrow(ax, (x, 0.5), (x, 2.1)); ax.text(x, 0.1, f"$x_{t}$", ha="center", fontsize=10)
        _arrow(ax, (x, 3.3), (x, 4.9)); ax.text(x, 5.15, f"$y_{t}$", ha="center", fontsize=10)
    _arrow(ax, (3.9 + 0.4, 2.7), (4.8, 2.7), color="#d35400"); ax.text(4.35, 3.0, "$h_0$", fontsize=9, ha="center")
    for a, b, t in ((xs[0], xs[1], 1), (xs[1], xs[2], 2), (xs[2], xs[3], 3)):
        _arrow(ax, (a + 0.8, 2.7), (b - 0.8, 2.7), color="#d35400")
        ax.text((a + b) / 2, 3.0, f"$h_{t}$", fontsize=9, ha="center")
    ax.text(10.7, -0.45, "same weights $W_{xh}, W_{hh}, W_{hy}$ at every step", ha="center", fontsize=8, color="#555555")
    return fig


def rnn_memory_decay():
    lags = np.arange(0, 61)
    fig, ax = plt.subplots(figsize=(5.0, 2.6))
    for w, col in ((0.5, RED), (0.8, "#e67e22"), (0.95, GREEN)):
        ax.semilogy(lags, w ** lags, color=col, label=f"vanilla RNN, effective factor {w}")
    ax.semilogy(lags, 0.99 ** lags, color=BLUE, lw=2, label="LSTM cell, forget gate 0.99")
    ax.semilogy(lags, np.ones_like(lags, dtype=float), color=BLUE, ls="--", lw=1, label="LSTM cell, forget gate 1.0")
    ax.set_xlabel("steps since the input was seen (k)")
    ax.set_ylabel(r"influence $\|\partial h_{t+k}/\partial x_t\|$ (relative)")
    ax.set_ylim(1e-12, 3)
    ax.legend(loc="lower left", fontsize=6.8)
    fig.tight_layout()
    return fig


def lstm_cell():
    fig, ax = _canvas(6.2, 2.7, (-0.5, 15.5), (-0.6, 6.4))
    ax.add_patch(FancyBboxPatch((1.2, 0.6), 12.0, 4.6, boxstyle="round,pad=0.1,rounding_size=0.3",
                                fc="#fbfbfb", ec=GREY, lw=1))
    ax.plot([-0.3, 15.0], [4.4, 4.4], color=BLUE, lw=2.2)
    ax.text(-0.3, 4.7, "$c_{t-1}$", fontsize=9); ax.text(14.5, 4.7, "$c_t$", fontsize=9)
    ax.text(7.2, 5.6, "cell state: the long-term memory 'conveyor belt'", ha="center", fontsize=8, color=BLUE)
    ax.plot([-0.3, 11.0], [0.95, 0.95], color="k", lw=1.1); ax.text(-0.3, 1.2, "$h_{t-1}$", fontsize=9)
    ax.plot([1.7, 1.7], [-0.2, 0.95], color="k", lw=1.1); ax.text(1.1, -0.25, "$x_t$", fontsize=9)
    for gx in (3.2, 6.0, 8.4, 11.0):
        _arrow(ax, (gx, 0.95), (gx, 1.3))
    gates = [(3.2, r"$f_t$" + "\nforget", "#f5b7b1"), (6.0, r"$i_t$" + "\ninput", "#abebc6"),
             (8.4, r"$\tilde c_t$" + "\ncandidate", "#d6eaf8"), (11.0, r"$o_t$" + "\noutput", "#fcf3cf")]
    for x, label, col in gates:
        _box(ax, x, 1.9, 1.7, 1.2, label, fc=col, ec=GREY, fs=7.5)
    ax.text(3.2, 4.4, r"$\times$", ha="center", va="center", fontsize=12,
            bbox=dict(boxstyle="circle,pad=0.1", fc="white", ec="k"))
    ax.text(7.2, 4.4, "+", ha="center", va="center", fontsize=12,
            bbox=dict(boxstyle="circle,pad=0.15", fc="white", ec="k"))
    _arrow(ax, (3.2, 2.5), (3.2, 4.05))
    _arrow(ax, (6.0, 2.5), (7.0, 4.05)); _arrow(ax, (8.4, 2.5), (7.4, 4.05))
    _arrow(ax, (11.0, 2.5), (12.3, 3.0))
    ax.text(12.8, 3.2, r"$h_t = o_t \odot \tanh(c_t)$", fontsize=8)
    _arrow(ax, (12.8, 4.4), (12.8, 3.6), color=BLUE)
    return fig


def bptt_unrolled():
    fig, ax = _canvas(6.6, 2.6, (-0.5, 17.0), (-0.8, 7.0))
    xs = [2.0, 6.0, 10.0, 14.0]
    for t, x in enumerate(xs, start=1):
        _box(ax, x, 2.8, 1.8, 1.1, f"$h_{t}$", fc="#fdebd0", ec="#d35400", fs=10)
        _arrow(ax, (x, 0.5), (x, 2.2)); ax.text(x, 0.0, f"$x_{t}$", ha="center", fontsize=10)
        _box(ax, x, 5.5, 1.4, 0.9, f"$L_{t}$", fc="#fadbd8", ec=RED, fs=10)
        _arrow(ax, (x - 0.2, 3.4), (x - 0.2, 5.0))
        _arrow(ax, (x + 0.25, 5.0), (x + 0.25, 3.4), color=RED, ls="--")
    for a, b in zip(xs[:-1], xs[1:]):
        _arrow(ax, (a + 0.9, 3.0), (b - 0.9, 3.0))
        _arrow(ax, (b - 0.9, 2.55), (a + 0.9, 2.55), color=RED, ls="--")
    ax.text(8.0, 6.55, r"total loss $L = \sum_t L_t$", ha="center", fontsize=9)
    ax.text(16.2, 1.2, "forward", fontsize=8, ha="center")
    ax.text(16.2, 0.6, "backward", fontsize=8, ha="center", color=RED)
    ax.plot([15.4, 15.4], [0, 0], color="w")
    return fig


def bptt_gradient_norms():
    rng = np.random.default_rng(0)
    n, T = 32, 60
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))  # random orthogonal matrix
    fig, ax = plt.subplots(figsize=(5.0, 2.6))
    for rho, col in ((0.8, RED), (1.0, GREEN), (1.2, BLUE)):
        W = rho * q
        g = rng.normal(size=n)
        g /= np.linalg.norm(g)
        norms = [1.0]
        for _ in range(T):
            g = W.T @ g
            norms.append(np.linalg.norm(g))
        ax.semilogy(np.arange(T + 1), norms, color=col, label=fr"$W_{{hh}}$ scale $\rho$ = {rho}")
    ax.set_xlabel("number of steps the gradient travels back (k)")
    ax.set_ylabel(r"$\|\partial L_t / \partial h_{t-k}\|$")
    ax.set_title("linear RNN: gradients shrink or grow like $\\rho^k$")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- attention
def attention_heatmap():
    tokens = ["the", "cat", "sat", "on", "the", "mat", "because", "it", "was", "tired"]
    n = len(tokens)
    s = np.full((n, n), 0.0)
    np.fill_diagonal(s, 1.5)
    links = {1: [0, 2], 2: [1, 5], 3: [5], 5: [4, 3], 6: [2, 9], 7: [1], 8: [7, 9], 9: [7, 1], 0: [1], 4: [5]}
    for i, js in links.items():
        for j in js:
            s[i, j] += 2.2
    s[7, 1] += 1.5  # "it" -> "cat"
    a = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    fig, ax = plt.subplots(figsize=(4.2, 3.5))
    im = ax.imshow(a, cmap="Blues", vmin=0, vmax=a.max())
    ax.set_xticks(range(n)); ax.set_xticklabels(tokens, rotation=60, ha="right")
    ax.set_yticks(range(n)); ax.set_yticklabels(tokens)
    ax.set_xlabel("key (attended-to token)")
    ax.set_ylabel("query token")
    ax.add_patch(Rectangle((0.5, 6.5), 1, 1, fill=False, ec=RED, lw=2))
    fig.colorbar(im, ax=ax, shrink=0.8, label="attention weight")
    fig.tight_layout()
    return fig


def transformer_block():
    fig, ax = _canvas(6.4, 2.6, (-0.5, 17.5), (-0.3, 6.6))
    steps = [(1.3, "token\nembeddings\n+ positions", "#eeeeee"),
             (4.6, "multi-head\nself-attention", "#d6eaf8"),
             (7.9, "add &\nlayer norm", "#fcf3cf"),
             (11.2, "feed-forward\nnetwork", "#d5f5e3"),
             (14.5, "add &\nlayer norm", "#fcf3cf")]
    for x, label, col in steps:
        _box(ax, x, 3.0, 2.5, 2.0, label, fc=col, ec=GREY, fs=7.5)
    for (a, _, _), (b, _, _) in zip(steps[:-1], steps[1:]):
        _arrow(ax, (a + 1.3, 3.0), (b - 1.3, 3.0))
    _arrow(ax, (2.9, 4.1), (7.9, 4.1), rad=-0.35, color=GREY, ls="--")
    _arrow(ax, (9.2, 4.1), (14.5, 4.1), rad=-0.35, color=GREY, ls="--")
    ax.text(5.4, 6.1, "residual", fontsize=7, color=GREY, ha="center")
    ax.text(11.8, 6.1, "residual", fontsize=7, color=GREY, ha="center")
    _arrow(ax, (15.8, 3.0), (17.3, 3.0))
    ax.text(8.0, 0.6, "one encoder block (repeated N times)", ha="center", fontsize=8, color="#555555")
    ax.add_patch(Rectangle((3.2, 1.5), 12.8, 3.2 + 1.4, fill=False, ec=BLUE, lw=1, ls=":"))
    return fig


def positional_encoding():
    pos = np.arange(64)[:, None]
    i = np.arange(0, 64, 2)[None, :]
    angle = pos / (10000 ** (i / 64))
    pe = np.zeros((64, 64))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(6.4, 2.4), gridspec_kw={"width_ratios": [1.2, 1]})
    im = a1.imshow(pe, cmap="RdBu_r", aspect="auto", vmin=-1, vmax=1)
    a1.set_xlabel("embedding dimension"); a1.set_ylabel("position in sequence")
    fig.colorbar(im, ax=a1, shrink=0.85)
    for d, col in ((0, RED), (8, GREEN), (20, BLUE)):
        a2.plot(pe[:, d], color=col, label=f"dim {d}")
    a2.set_xlabel("position")
    a2.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize=6.5, frameon=False)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- GANs
def gan_architecture():
    fig, ax = _canvas(6.4, 2.3, (-0.5, 17.5), (-0.3, 6.0))
    _box(ax, 1.2, 1.5, 2.2, 1.3, "noise\n" + r"$z \sim p_z$", fc="#eeeeee", ec=GREY, fs=7.5)
    _box(ax, 5.2, 1.5, 2.8, 1.4, "generator\n$G_\\theta$", fc="#d5f5e3", ec=GREEN, fs=7.5)
    _box(ax, 9.2, 1.5, 3.0, 1.3, "fake sample\n$G(z)$", fc="#eeeeee", ec=GREY, fs=7.5)
    _box(ax, 9.2, 4.6, 3.0, 1.3, "real sample\n" + r"$x \sim p_{data}$", fc="#eeeeee", ec=GREY, fs=7.5)
    _box(ax, 13.4, 3.05, 3.2, 1.4, "discriminator\n$D_\\phi$", fc="#fadbd8", ec=RED, fs=7.5)
    _box(ax, 16.6, 3.05, 1.7, 1.1, "P(real)", fc="#ffffff", ec=GREY, fs=7.5)
    _arrow(ax, (2.3, 1.5), (3.8, 1.5)); _arrow(ax, (6.6, 1.5), (7.7, 1.5))
    _arrow(ax, (10.7, 1.8), (11.8, 2.6)); _arrow(ax, (10.7, 4.3), (11.8, 3.5))
    _arrow(ax, (15.0, 3.05), (15.75, 3.05))
    _arrow(ax, (13.2, 2.3), (5.6, 0.8), rad=-0.25, color=GREEN, ls="--")
    ax.text(9.5, -0.15, "gradient signal to the generator", fontsize=7.5, color=GREEN, ha="center")
    return fig


def gan_distributions():
    x = np.linspace(-4, 8, 600)
    gauss = lambda m, s: np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
    p_data = 0.55 * gauss(2.0, 0.6) + 0.45 * gauss(4.2, 0.7)
    stages = [("early", gauss(-1.0, 1.2)), ("midway", 0.6 * gauss(1.5, 0.9) + 0.4 * gauss(3.5, 1.2)),
              ("equilibrium", p_data)]
    fig, axes = plt.subplots(1, 3, figsize=(6.6, 2.5), sharey=True)
    for ax, (name, p_g) in zip(axes, stages):
        total = p_data + p_g
        d = np.where(total > 1e-3, p_data / np.maximum(total, 1e-12), np.nan)  # undefined where no mass
        ax.fill_between(x, p_data, color="k", alpha=0.12, label=r"$p_{data}$ (real data)")
        ax.plot(x, p_g, color=GREEN, lw=1.6, label="$p_g$ (generator)")
        ax.plot(x, d * 0.7, color=BLUE, ls="--", lw=1.3, label="optimal $D^*(x)$, scaled by 0.7")
        ax.set_title(name)
        ax.set_yticks([])
        ax.set_xlabel("x")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=3, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    return fig


# ---------------------------------------------------------------- backpropagation
def backprop_graph():
    x, w, b, y = 1.5, 0.8, -0.5, 1.0
    z = w * x + b
    a = 1 / (1 + np.exp(-z))
    L = (a - y) ** 2
    dL_da = 2 * (a - y)
    dL_dz = dL_da * a * (1 - a)
    fig, ax = _canvas(6.6, 2.9, (-0.2, 18.2), (0.6, 8.3))
    _box(ax, 1.0, 6.6, 1.8, 0.8, f"x = {x}", fc="#eeeeee", ec=GREY, fs=7.5)
    _box(ax, 1.0, 4.2, 1.8, 0.8, f"w = {w}", fc="#d6eaf8", ec=BLUE, fs=7.5)
    _box(ax, 5.0, 5.4, 1.1, 0.9, r"$\times$", fs=11)
    _box(ax, 5.0, 2.4, 1.9, 0.8, f"b = {b}", fc="#d6eaf8", ec=BLUE, fs=7.5)
    _box(ax, 8.6, 5.4, 1.1, 0.9, "+", fs=11)
    _box(ax, 12.0, 5.4, 1.1, 0.9, r"$\sigma$", fs=11)
    _box(ax, 15.4, 5.4, 1.7, 0.9, r"$(a-y)^2$", fs=9)
    _box(ax, 15.4, 7.7, 1.4, 0.7, f"y = {y:g}", fc="#eeeeee", ec=GREY, fs=7.5)
    _arrow(ax, (1.9, 6.5), (4.45, 5.6)); _arrow(ax, (1.9, 4.3), (4.45, 5.2))
    _arrow(ax, (5.55, 5.4), (8.05, 5.4)); _arrow(ax, (5.5, 2.8), (8.3, 4.95))
    _arrow(ax, (9.15, 5.4), (11.45, 5.4)); _arrow(ax, (12.55, 5.4), (14.55, 5.4))
    _arrow(ax, (15.4, 7.35), (15.4, 5.85))
    fwd = dict(fontsize=7.5, color=GREEN, ha="center")
    bwd = dict(fontsize=7.5, color=RED, ha="center")
    ax.text(6.8, 5.7, f"wx = {w * x:.2f}", **fwd)
    ax.text(10.3, 5.7, f"z = {z:.2f}", **fwd)
    ax.text(13.55, 5.7, f"a = {a:.3f}", **fwd)
    ax.text(16.4, 4.55, f"L = {L:.3f}", fontsize=7.5, color=GREEN, ha="left")
    ax.text(13.55, 4.7, f"dL/da = {dL_da:.3f}", **bwd)
    ax.text(10.3, 4.4, f"dL/dz = {dL_dz:.3f}", **bwd)
    ax.text(2.9, 3.1, f"dL/dw = x * dL/dz = {x * dL_dz:.3f}", **bwd)
    ax.text(8.9, 2.3, f"dL/db = dL/dz = {dL_dz:.3f}", **bwd)
    ax.text(9.0, 0.9, "green: values computed forwards     red: gradients computed backwards",
            ha="center", fontsize=7.5, color="#555555")
    return fig


def backprop_cost():
    n = np.array([10, 100, 1_000, 10_000, 100_000, 1_000_000])
    fig, ax = plt.subplots(figsize=(4.6, 2.4))
    ax.loglog(n, n * 3.0, "o-", color=BLUE, label="backpropagation (about 3 forward passes)")
    ax.loglog(n, n * (n + 1.0), "s-", color=RED, label="finite differences (n + 1 forward passes)")
    ax.set_xlabel("number of parameters n")
    ax.set_ylabel("multiply-adds for one gradient\n(a forward pass costs about n)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig
