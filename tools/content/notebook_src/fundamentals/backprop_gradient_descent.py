# %% [markdown]
# # Backpropagation and Gradient Descent, Visualised
#
# Training a neural network means finding parameters that make a loss function
# small. *Gradient descent* says how to move the parameters; *backpropagation* is the
# bookkeeping that computes the gradient efficiently with the chain rule. This
# notebook first watches gradient descent walk across a 2-D loss surface, then builds
# a tiny two-layer network whose backward pass is written by hand, verifies it with a
# numerical gradient check, and trains it on a non-linear classification problem.

# %% [markdown]
# ## Setup

# %%
import numpy as np
import matplotlib.pyplot as plt
from sklearn.datasets import make_moons

%matplotlib inline
plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80, "figure.figsize": (6, 4.2)})
rng = np.random.default_rng(seed=42)

# %% [markdown]
# ## Gradient descent on a loss surface you can see
#
# Take the simplest possible model, a straight line $\hat{y} = w x + b$, and the mean
# squared error
#
# $$L(w, b) = \frac{1}{N} \sum_{i=1}^{N} (w x_i + b - y_i)^2 .$$
#
# With only two parameters the whole loss surface fits in a contour plot. Its
# gradient is
#
# $$\frac{\partial L}{\partial w} = \frac{2}{N}\sum_i (w x_i + b - y_i)\,x_i, \qquad
# \frac{\partial L}{\partial b} = \frac{2}{N}\sum_i (w x_i + b - y_i),$$
#
# and gradient descent repeats $\theta \leftarrow \theta - \eta \nabla L(\theta)$ with a
# learning rate $\eta$. We generate data from $y = 2x - 1$ plus noise.

# %%
x = rng.uniform(-1, 3, size=60)
y = 2.0 * x - 1.0 + rng.normal(scale=0.5, size=x.shape)

def loss(w, b):
    return np.mean((w * x + b - y) ** 2)

def grad(w, b):
    r = w * x + b - y
    return 2 * np.mean(r * x), 2 * np.mean(r)

def descend(lr, steps=40, start=(-2.0, 3.0)):
    w, b = start
    path = [(w, b)]
    for _ in range(steps):
        gw, gb = grad(w, b)
        w, b = w - lr * gw, b - lr * gb
        path.append((w, b))
    return np.array(path)

paths = {lr: descend(lr) for lr in (0.02, 0.1, 0.28)}
for lr, p in paths.items():
    print(f"lr={lr:<5} final (w, b) = ({p[-1, 0]:6.3f}, {p[-1, 1]:6.3f})  loss = {loss(*p[-1]):.4f}")

# %% [markdown]
# The contour lines below are level sets of the loss; the minimum sits near
# $(w, b) = (2, -1)$. Each coloured path is one run of gradient descent from the
# same starting point. Notice that the surface is an elongated bowl: the gradient
# points across the valley more than along it, which is why a large learning rate
# zig-zags while a small one crawls.

# %%
W, B = np.meshgrid(np.linspace(-3, 5, 200), np.linspace(-4, 4, 200))
Z = np.mean((W[..., None] * x + B[..., None] - y) ** 2, axis=-1)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
cs = ax1.contour(W, B, Z, levels=np.logspace(-0.7, 1.6, 9), cmap="viridis", linewidths=0.8)
colors = {0.02: "tab:blue", 0.1: "tab:green", 0.28: "tab:red"}
for lr, p in paths.items():
    ax1.plot(p[:, 0], p[:, 1], "o-", ms=3, lw=1, color=colors[lr], label=f"$\\eta$ = {lr}")
    ax2.semilogy([loss(*q) for q in p], color=colors[lr], label=f"$\\eta$ = {lr}")
ax1.plot(2, -1, "k*", ms=12, label="true (2, -1)")
ax1.set_xlabel("w"); ax1.set_ylabel("b"); ax1.set_title("Loss contours and descent paths")
ax1.legend(fontsize=8)
ax2.set_xlabel("step"); ax2.set_ylabel("loss (log scale)"); ax2.set_title("Loss per step")
ax2.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## A two-layer network with a hand-written backward pass
#
# Now a real (if tiny) neural network for binary classification:
#
# $$\mathbf{z}_1 = X W_1 + \mathbf{b}_1,\quad H = \tanh(\mathbf{z}_1),\quad
# z_2 = H W_2 + b_2,\quad p = \sigma(z_2),$$
#
# trained with the binary cross-entropy
# $L = -\frac{1}{N}\sum_i \big[y_i \log p_i + (1-y_i)\log(1-p_i)\big]$.
#
# **Backpropagation** walks this chain backwards, reusing each intermediate result.
# Writing $\delta$ for "gradient of the loss with respect to":
#
# 1. $\delta z_2 = (p - y)/N$ — the sigmoid and cross-entropy derivatives simplify beautifully;
# 2. $\delta W_2 = H^\top \delta z_2$ and $\delta b_2 = \sum \delta z_2$;
# 3. $\delta H = \delta z_2 W_2^\top$ — the error is sent back through the weights;
# 4. $\delta z_1 = \delta H \odot (1 - H^2)$ — multiplied by the local slope of tanh;
# 5. $\delta W_1 = X^\top \delta z_1$ and $\delta \mathbf{b}_1 = \sum \delta z_1$.
#
# Each step is one application of the chain rule, and the cost of the whole backward
# pass is about the same as the forward pass.

# %%
def init_params(n_in=2, n_hidden=16, seed=0):
    r = np.random.default_rng(seed)
    return {
        "W1": r.normal(scale=1 / np.sqrt(n_in), size=(n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": r.normal(scale=1 / np.sqrt(n_hidden), size=(n_hidden, 1)),
        "b2": np.zeros(1),
    }

def forward(params, X):
    z1 = X @ params["W1"] + params["b1"]
    H = np.tanh(z1)
    z2 = H @ params["W2"] + params["b2"]
    p = 1 / (1 + np.exp(-z2))
    return p[:, 0], {"X": X, "H": H, "p": p}

def bce(p, y, eps=1e-12):
    return -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))

def backward(params, cache, y):
    X, H, p = cache["X"], cache["H"], cache["p"]
    N = len(y)
    dz2 = (p - y[:, None]) / N                # step 1
    grads = {"W2": H.T @ dz2, "b2": dz2.sum(axis=0)}   # step 2
    dH = dz2 @ params["W2"].T                 # step 3
    dz1 = dH * (1 - H ** 2)                   # step 4
    grads["W1"] = X.T @ dz1                   # step 5
    grads["b1"] = dz1.sum(axis=0)
    return grads

# %% [markdown]
# ## Gradient check: trust, but verify
#
# Hand-written gradients are easy to get subtly wrong. The standard test compares
# them with a **central finite difference** for every parameter $\theta_j$:
#
# $$\frac{\partial L}{\partial \theta_j} \approx \frac{L(\theta + \epsilon e_j) - L(\theta - \epsilon e_j)}{2\epsilon}.$$
#
# In double precision with $\epsilon = 10^{-5}$, a correct implementation gives a
# relative error around $10^{-8}$ or smaller; a bug typically shows up as $10^{-2}$ or worse.

# %%
X_moons, y_moons = make_moons(n_samples=400, noise=0.2, random_state=0)
params = init_params(seed=1)
Xs, ys = X_moons[:20], y_moons[:20].astype(float)
_, cache = forward(params, Xs)
analytic = backward(params, cache, ys)

eps = 1e-5
for name, value in params.items():
    numeric = np.zeros_like(value)
    for idx in np.ndindex(value.shape):
        old = value[idx]
        value[idx] = old + eps; lp = bce(forward(params, Xs)[0], ys)
        value[idx] = old - eps; lm = bce(forward(params, Xs)[0], ys)
        value[idx] = old
        numeric[idx] = (lp - lm) / (2 * eps)
    rel = np.linalg.norm(analytic[name] - numeric) / (np.linalg.norm(analytic[name]) + np.linalg.norm(numeric))
    print(f"{name:>2}: shape {str(value.shape):8s} relative error {rel:.2e}")

# %% [markdown]
# All four relative errors are tiny, so the backward pass is correct. (If you want to
# see the check fail, change `(1 - H ** 2)` in `backward` to `(1 - H)` and re-run.)
#
# ## Training on the two-moons problem
#
# The two interleaving half-moons cannot be separated by a straight line, so a
# perceptron would fail here. We train the network with plain full-batch gradient
# descent: forward pass, backward pass, update, repeat.

# %%
X_train, y_train = X_moons[:300], y_moons[:300].astype(float)
X_test, y_test = X_moons[300:], y_moons[300:].astype(float)

params = init_params(seed=1)
lr, epochs = 1.0, 1500
history = []
for epoch in range(1, epochs + 1):
    p, cache = forward(params, X_train)
    grads = backward(params, cache, y_train)
    for k in params:
        params[k] -= lr * grads[k]
    history.append(bce(p, y_train))
    if epoch in (1, 10, 100, 500, 1000, 1500):
        acc = ((forward(params, X_test)[0] > 0.5) == y_test).mean()
        print(f"epoch {epoch:4d}  train loss {history[-1]:.4f}  test accuracy {acc:.3f}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.3))
ax1.plot(np.arange(1, epochs + 1), history)
ax1.set_xscale("log"); ax1.set_xlabel("epoch"); ax1.set_ylabel("training loss (BCE)")
ax1.set_title("Learning curve")

xx, yy = np.meshgrid(np.linspace(-1.8, 2.8, 150), np.linspace(-1.3, 1.8, 150))
zz = forward(params, np.c_[xx.ravel(), yy.ravel()])[0].reshape(xx.shape)
ax2.contourf(xx, yy, zz, levels=8, cmap="RdBu", alpha=0.7)
ax2.contour(xx, yy, zz, levels=[0.5], colors="k")
ax2.scatter(*X_test[y_test == 1].T, c="tab:blue", edgecolor="k", s=18, label="class 1 (test)")
ax2.scatter(*X_test[y_test == 0].T, c="tab:red", edgecolor="k", s=18, label="class 0 (test)")
ax2.set_title("Learned decision boundary (p = 0.5)")
ax2.legend(fontsize=8, loc="lower left")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## What the hidden layer learned
#
# Each of the 16 hidden tanh units draws its own straight line through the input
# plane (where $z_1 = 0$). The output neuron then combines these half-planes into the
# curved boundary above. This is the essential trick of multi-layer networks: many
# simple linear cuts, bent by a non-linearity and recombined.

# %%
fig, ax = plt.subplots(figsize=(6, 4.2))
xs = np.linspace(-1.8, 2.8, 10)
for j in range(params["W1"].shape[1]):
    w1, w2 = params["W1"][:, j]
    if abs(w2) > 1e-6:
        ax.plot(xs, -(w1 * xs + params["b1"][j]) / w2, lw=0.8, color="gray")
ax.scatter(*X_train[y_train == 1].T, c="tab:blue", s=8)
ax.scatter(*X_train[y_train == 0].T, c="tab:red", s=8)
ax.set_xlim(-1.8, 2.8); ax.set_ylim(-1.3, 1.8)
ax.set_title("Lines where each hidden unit switches sign")
plt.show()

# %% [markdown]
# ## Takeaways
#
# * Gradient descent follows the negative gradient; the learning rate trades speed
#   against stability, and elongated loss surfaces make that trade-off harder.
# * Backpropagation is the chain rule applied from the loss backwards, reusing the
#   forward pass's intermediate values, so gradients cost about one extra forward pass.
# * Always gradient-check a hand-written backward pass on a few examples in float64.
# * A hidden layer with a non-linear activation turns linear cuts into curved
#   decision boundaries — the subject of the *activation functions* notebook.
