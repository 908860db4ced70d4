# %% [markdown]
# # Activation Functions and Non-Linearity
#
# Why does every hidden layer of a neural network end in a function like ReLU or tanh?
# Because without one, a deep network is no more expressive than a single linear
# layer. This notebook makes that claim concrete: we plot the common activation
# functions and their derivatives, prove numerically that stacked linear layers
# collapse into one, and then train otherwise identical networks — with no activation,
# with tanh and with ReLU — on XOR, two moons, concentric circles and a 1-D curve.

# %% [markdown]
# ## Setup
#
# We use PyTorch here because its automatic differentiation gives us derivatives of
# the activation functions for free. Everything runs on the CPU with fixed seeds.

# %%
import numpy as np
import matplotlib.pyplot as plt
import torch
from torch import nn
from sklearn.datasets import make_circles, make_moons

%matplotlib inline
plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80, "figure.figsize": (6, 4)})
torch.manual_seed(0)
torch.set_num_threads(1)  # tiny models: one thread is fastest and most predictable
print("torch", torch.__version__)

# %% [markdown]
# ## The activation zoo
#
# An activation function $\phi$ is applied element-wise after each linear map:
# $\mathbf{h} = \phi(W\mathbf{x} + \mathbf{b})$. The most common choices:
#
# | name | formula | range | notes |
# |---|---|---|---|
# | sigmoid | $1/(1+e^{-z})$ | $(0, 1)$ | historic; saturates, slope at most 0.25 |
# | tanh | $(e^{z}-e^{-z})/(e^{z}+e^{-z})$ | $(-1, 1)$ | zero-centred sigmoid |
# | ReLU | $\max(0, z)$ | $[0, \infty)$ | cheap, no saturation for $z>0$; default choice |
# | Leaky ReLU | $\max(0.1z, z)$ | $\mathbb{R}$ | keeps a small slope for $z<0$ |
# | GELU | $z\,\Phi(z)$ | $\approx[-0.17, \infty)$ | smooth ReLU used in Transformers |
#
# Below, the solid lines are the functions and the dashed lines their derivatives,
# computed with `torch.autograd`. The derivative matters as much as the function: it
# is the factor by which backpropagated gradients are multiplied at each layer.

# %%
activations = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "ReLU": torch.relu,
    "Leaky ReLU": lambda z: nn.functional.leaky_relu(z, 0.1),
    "GELU": nn.functional.gelu,
}
z = torch.linspace(-4, 4, 401, requires_grad=True)
fig, axes = plt.subplots(1, 5, figsize=(14, 3), sharey=True)
for ax, (name, fn) in zip(axes, activations.items()):
    out = fn(z)
    (dz,) = torch.autograd.grad(out.sum(), z)
    ax.plot(z.detach(), out.detach(), lw=2, label="$\\phi(z)$")
    ax.plot(z.detach(), dz, "--", lw=1.5, label="$\\phi'(z)$")
    ax.axhline(0, color="gray", lw=0.5); ax.axvline(0, color="gray", lw=0.5)
    ax.set_title(name); ax.set_ylim(-1.2, 2.2)
axes[0].legend(loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Without an activation, depth buys nothing
#
# Two linear layers in a row compute $W_2(W_1\mathbf{x} + \mathbf{b}_1) + \mathbf{b}_2
# = (W_2W_1)\mathbf{x} + (W_2\mathbf{b}_1 + \mathbf{b}_2)$, which is again a single
# linear layer. By induction, any stack of linear layers is one linear map. Let us
# check that numerically with a five-layer linear network.

# %%
deep_linear = nn.Sequential(*[nn.Linear(2, 2) for _ in range(5)])
W, b = torch.eye(2), torch.zeros(2)
for layer in deep_linear:  # fold the layers into one matrix and one bias
    W, b = layer.weight @ W, layer.weight @ b + layer.bias
x_test = torch.randn(1000, 2)
with torch.no_grad():
    diff = (deep_linear(x_test) - (x_test @ W.T + b)).abs().max().item()
print("equivalent single layer W =\n", W.detach().numpy().round(3))
print(f"max |deep(x) - single(x)| over 1000 points: {diff:.2e}")

# %% [markdown]
# The difference is at the level of float32 rounding: the five-layer network *is* a
# single affine map. Its decision boundary for classification will always be a
# straight line, however long we train.
#
# ## An experiment: same network, different activations
#
# We now build a small multilayer perceptron, 2 → 16 → 16 → 1, and swap only the
# activation between the hidden layers. Each version is trained with the Adam
# optimiser on full batches for 400 steps with the same seed.

# %%
def make_mlp(act: str, hidden: int = 16) -> nn.Module:
    act_layer = {"none": nn.Identity, "tanh": nn.Tanh, "ReLU": nn.ReLU}[act]
    return nn.Sequential(
        nn.Linear(2, hidden), act_layer(),
        nn.Linear(hidden, hidden), act_layer(),
        nn.Linear(hidden, 1),
    )

def train_classifier(act, X, y, steps=400, lr=0.03, seed=0):
    torch.manual_seed(seed)
    model = make_mlp(act)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    X_t, y_t = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.binary_cross_entropy_with_logits(model(X_t)[:, 0], y_t)
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = ((model(X_t)[:, 0] > 0).float() == y_t).float().mean().item()
    return model, loss.item(), acc

def xor_data(n=400, seed=0):
    r = np.random.default_rng(seed)
    X = r.uniform(-1, 1, size=(n, 2))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(float)
    return X, y

datasets = {
    "XOR": xor_data(),
    "moons": make_moons(n_samples=400, noise=0.15, random_state=0),
    "circles": make_circles(n_samples=400, noise=0.08, factor=0.45, random_state=0),
}
results = {}
for dname, (X, y) in datasets.items():
    for act in ("none", "tanh", "ReLU"):
        model, loss, acc = train_classifier(act, X, y)
        results[dname, act] = model
        print(f"{dname:8s} activation={act:5s}  final loss {loss:.3f}  training accuracy {acc:.3f}")

# %% [markdown]
# The numbers already tell the story: without an activation the network is stuck
# near chance on XOR and circles (about 50%) and only manages the linear part of
# the moons, while both non-linear versions fit all three. The decision regions make
# it visible: the linear network can only ever draw a straight line.

# %%
fig, axes = plt.subplots(3, 3, figsize=(8.5, 8))
for i, (dname, (X, y)) in enumerate(datasets.items()):
    x0, x1 = X[:, 0].min() - 0.3, X[:, 0].max() + 0.3
    y0, y1 = X[:, 1].min() - 0.3, X[:, 1].max() + 0.3
    xx, yy = np.meshgrid(np.linspace(x0, x1, 150), np.linspace(y0, y1, 150))
    grid = torch.tensor(np.c_[xx.ravel(), yy.ravel()], dtype=torch.float32)
    for j, act in enumerate(("none", "tanh", "ReLU")):
        ax = axes[i, j]
        with torch.no_grad():
            zz = torch.sigmoid(results[dname, act](grid)).numpy().reshape(xx.shape)
        ax.contourf(xx, yy, zz, levels=[0, 0.5, 1], colors=["#f4c7c3", "#c6dbef"])
        ax.scatter(*X[y == 1].T, c="tab:blue", s=4)
        ax.scatter(*X[y == 0].T, c="tab:red", s=4)
        ax.set_xticks([]); ax.set_yticks([])
        if i == 0:
            ax.set_title(f"activation: {act}", fontsize=12)
        if j == 0:
            ax.set_ylabel(dname, fontsize=12)
plt.tight_layout()
plt.show()

# %% [markdown]
# Note the *shape* of the boundaries too: ReLU networks produce boundaries made of
# straight segments (each ReLU unit is a "hinge"), while tanh networks give smooth
# curves.
#
# ## Fitting a curve: piecewise linear vs smooth
#
# Regression shows the same effect on a 1-D function. We fit $y = \sin(3x)$ on
# $[-2, 2]$ with a 1 → 32 → 32 → 1 network using each activation.

# %%
x_reg = torch.linspace(-2, 2, 200)[:, None]
y_reg = torch.sin(3 * x_reg)

def fit_curve(act, steps=1500, seed=0):
    torch.manual_seed(seed)
    a = {"none": nn.Identity, "tanh": nn.Tanh, "ReLU": nn.ReLU}[act]
    model = nn.Sequential(nn.Linear(1, 32), a(), nn.Linear(32, 32), a(), nn.Linear(32, 1))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x_reg), y_reg)
        loss.backward()
        opt.step()
    return model, loss.item()

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(x_reg, y_reg, "k", lw=3, alpha=0.3, label="target sin(3x)")
for act, style in (("none", ":"), ("tanh", "-"), ("ReLU", "--")):
    model, mse = fit_curve(act)
    print(f"activation={act:5s}  final MSE {mse:.4f}")
    with torch.no_grad():
        ax.plot(x_reg, model(x_reg), style, lw=1.8, label=f"{act} (MSE {mse:.3f})")
ax.set_ylim(-1.25, 1.7)
ax.legend(loc="upper center", ncol=4, fontsize=8)
ax.set_xlabel("x"); ax.set_title("Curve fitting with different activations")
plt.show()

# %% [markdown]
# ## A side effect: vanishing gradients
#
# The derivative plot showed that the sigmoid's slope is at most 0.25 and nearly zero
# once it saturates. Backpropagation multiplies by that slope once per layer, so in
# a deep sigmoid network the gradient reaching the first layer shrinks roughly
# geometrically with depth. ReLU's slope is exactly 1 for active units, which is one
# reason it made deep networks practical.
#
# To make the comparison fair, each network is initialised the way its activation
# was designed for: Xavier/Glorot initialisation for sigmoid and tanh (with the
# standard gain of 5/3 for tanh) and He initialisation for ReLU. We then measure the
# gradient norm of the first layer's weights in freshly initialised networks with 2
# to 20 hidden layers.

# %%
INITS = {
    "sigmoid": (nn.Sigmoid, lambda w: nn.init.xavier_normal_(w)),
    "tanh": (nn.Tanh, lambda w: nn.init.xavier_normal_(w, gain=5 / 3)),
    "ReLU": (nn.ReLU, lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu")),
}

def first_layer_grad_norm(name, depth, width=32, seed=0):
    torch.manual_seed(seed)
    act_layer, init = INITS[name]
    layers = []
    for _ in range(depth):
        linear = nn.Linear(width, width)
        init(linear.weight)
        nn.init.zeros_(linear.bias)
        layers += [linear, act_layer()]
    net = nn.Sequential(*layers, nn.Linear(width, 1))
    x_in = torch.randn(256, width)
    net(x_in).pow(2).mean().backward()
    return net[0].weight.grad.norm().item()

depths = [2, 5, 10, 15, 20]
fig, ax = plt.subplots(figsize=(6, 4))
for name in INITS:
    norms = [first_layer_grad_norm(name, d) for d in depths]
    print(f"{name:8s}", "  ".join(f"depth {d:2d}: {g:.1e}" for d, g in zip(depths, norms)))
    ax.semilogy(depths, norms, "o-", label=name)
ax.set_xlabel("number of hidden layers"); ax.set_ylabel("gradient norm at layer 1 (log scale)")
ax.set_title("Gradient reaching the first layer at initialisation")
ax.legend()
plt.show()

# %% [markdown]
# With the sigmoid, the gradient at the first layer falls by roughly ten orders of
# magnitude between 2 and 20 layers: the early layers would barely learn. With tanh
# and ReLU (and a matching initialisation) it stays of the same order at every depth.

# %% [markdown]
# ## Takeaways
#
# * Without a non-linear activation, any number of layers collapses to one linear
#   map: the network can only draw straight decision boundaries.
# * A non-linearity between layers lets the network bend and combine those lines —
#   enough, with sufficient width, to approximate any continuous function
#   (the universal approximation theorem).
# * The choice of activation shapes the learned function (hinges for ReLU, smooth
#   curves for tanh) and the gradient flow: saturating activations such as the
#   sigmoid make gradients vanish in deep stacks, which is why ReLU and its smooth
#   cousins (GELU, SiLU) dominate modern architectures.
