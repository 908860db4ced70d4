# %% [markdown]
# # The Perceptron from Scratch
#
# The perceptron (Rosenblatt, 1958) is the ancestor of every neural network in this
# archive: a single artificial neuron that computes a weighted sum of its inputs and
# fires if that sum crosses a threshold. In this notebook we implement it with nothing
# but NumPy, train it with the classic *perceptron learning rule*, draw the decision
# boundary it learns, and finally watch it fail on a problem that is not linearly
# separable — the failure that motivated multi-layer networks.

# %% [markdown]
# ## Setup
#
# We only need NumPy and Matplotlib. A fixed random seed makes every run of this
# notebook produce exactly the same numbers and pictures.

# %%
import numpy as np
import matplotlib.pyplot as plt

%matplotlib inline
plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80, "figure.figsize": (5.5, 4.2)})
rng = np.random.default_rng(seed=0)

# %% [markdown]
# ## The model
#
# A perceptron with weights $\mathbf{w}$ and bias $b$ maps an input vector
# $\mathbf{x}$ to a hard decision:
#
# $$\hat{y} = \operatorname{sign}(\mathbf{w}^\top \mathbf{x} + b) \in \{-1, +1\}.$$
#
# Geometrically, the set of points where $\mathbf{w}^\top \mathbf{x} + b = 0$ is a
# straight line in 2-D (a hyperplane in general). Everything on one side is class
# $+1$, everything on the other side is class $-1$; $\mathbf{w}$ is perpendicular
# to that line and $b$ shifts it away from the origin.
#
# **Learning rule.** Visit the training points one at a time. When a point is
# classified correctly, do nothing. When it is misclassified, nudge the line toward it:
#
# $$\mathbf{w} \leftarrow \mathbf{w} + \eta\, y_i \mathbf{x}_i, \qquad b \leftarrow b + \eta\, y_i.$$
#
# If the data *can* be separated by a line, the perceptron convergence theorem
# guarantees that this loop stops making mistakes after a finite number of updates.

# %%
class Perceptron:
    """A single-neuron linear classifier trained with the perceptron rule."""

    def __init__(self, n_features: int, lr: float = 1.0):
        self.w = np.zeros(n_features)
        self.b = 0.0
        self.lr = lr
        self.history = []  # (w, b) after each epoch, for plotting
        self.mistakes = []  # number of updates made in each epoch

    def decision_function(self, X):
        return X @ self.w + self.b

    def predict(self, X):
        return np.where(self.decision_function(X) >= 0, 1, -1)

    def fit(self, X, y, epochs: int = 20, rng=None):
        rng = rng or np.random.default_rng(0)
        for epoch in range(epochs):
            errors = 0
            for i in rng.permutation(len(X)):  # shuffle each epoch
                if y[i] * self.decision_function(X[i]) <= 0:  # wrong (or on the line)
                    self.w += self.lr * y[i] * X[i]
                    self.b += self.lr * y[i]
                    errors += 1
            self.history.append((self.w.copy(), self.b))
            self.mistakes.append(errors)
            if errors == 0:  # converged: a full pass without mistakes
                break
        return self

# %% [markdown]
# ## A linearly separable data set
#
# Two Gaussian clouds of 50 points each, centred far enough apart that a straight
# line can separate them. They sit away from the origin, so the bias $b$ has real
# work to do. Labels are $+1$ and $-1$ (the perceptron's convention,
# rather than the $0/1$ used by logistic regression).

# %%
n = 50
X_pos = rng.normal(loc=[1.5, 3.5], scale=0.5, size=(n, 2))
X_neg = rng.normal(loc=[3.5, 1.5], scale=0.5, size=(n, 2))
X = np.vstack([X_pos, X_neg])
y = np.array([1] * n + [-1] * n)
print("X shape:", X.shape)
print("class counts: +1 ->", (y == 1).sum(), " -1 ->", (y == -1).sum())

# %% [markdown]
# ## Training
#
# We train for at most 20 epochs and log how many updates (mistakes) happen in each
# pass. The count should fall to zero quickly.

# %%
model = Perceptron(n_features=2).fit(X, y, epochs=20, rng=rng)
for epoch, m in enumerate(model.mistakes, start=1):
    print(f"epoch {epoch:2d}: {m:3d} mistakes")
print("learned w =", np.round(model.w, 3), " b =", round(model.b, 3))
print("training accuracy:", (model.predict(X) == y).mean())

# %% [markdown]
# ## Plotting the decision boundary
#
# To visualise what the neuron learned we evaluate it on a dense grid and colour
# each grid point by the predicted class. The black line is the boundary
# $w_1 x_1 + w_2 x_2 + b = 0$; the arrow shows the weight vector, which always
# points into the $+1$ half-plane.

# %%
def plot_boundary(model, X, y, ax, title):
    x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
    y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, 200), np.linspace(y_min, y_max, 200))
    zz = model.predict(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)
    ax.contourf(xx, yy, zz, levels=[-2, 0, 2], colors=["#f4c7c3", "#c6dbef"], alpha=0.8)
    ax.contour(xx, yy, model.decision_function(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape),
               levels=[0], colors="k", linewidths=1.5)
    ax.scatter(*X[y == 1].T, c="#1f77b4", edgecolor="k", s=25, label="+1")
    ax.scatter(*X[y == -1].T, c="#d62728", edgecolor="k", s=25, label="-1")
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_title(title)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="lower right")

fig, ax = plt.subplots()
plot_boundary(model, X, y, ax, "Perceptron decision boundary")
w_unit = model.w / np.linalg.norm(model.w)
centre = X.mean(axis=0)  # draw the arrow from the middle of the data
ax.annotate("", xy=centre + w_unit * 1.2, xytext=centre, arrowprops=dict(arrowstyle="->", lw=2))
ax.text(*(centre + w_unit * 1.35), "$\\mathbf{w}$", fontsize=12)
plt.show()

# %% [markdown]
# ## How the boundary moves during training
#
# Each update rotates and shifts the line. Plotting the boundary after every epoch
# shows the search converging; the number of mistakes per epoch tells the same
# story numerically.

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
ax1.scatter(*X[y == 1].T, c="#1f77b4", s=15)
ax1.scatter(*X[y == -1].T, c="#d62728", s=15)
xs = np.linspace(X[:, 0].min() - 1, X[:, 0].max() + 1, 10)
for k, (w, b) in enumerate(model.history, start=1):
    if abs(w[1]) > 1e-9:
        ax1.plot(xs, -(w[0] * xs + b) / w[1], alpha=0.3 + 0.7 * k / len(model.history),
                 color="k", lw=1, label=f"epoch {k}")
ax1.set_ylim(X[:, 1].min() - 1, X[:, 1].max() + 1)
ax1.set_title("Boundary after each epoch")
ax1.legend(fontsize=8)
ax2.bar(range(1, len(model.mistakes) + 1), model.mistakes, color="#555")
ax2.set_xlabel("epoch")
ax2.set_ylabel("updates (mistakes)")
ax2.set_title("Mistakes per epoch")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Where a single perceptron fails: XOR
#
# The XOR function outputs $+1$ when exactly one of its two inputs is on. Its four
# corners cannot be split by any single straight line, so the perceptron rule never
# converges: it keeps making mistakes no matter how long it trains. Minsky and
# Papert's 1969 analysis of exactly this limitation cooled neural network research
# for over a decade — until hidden layers and backpropagation provided a way out
# (see the *backpropagation* and *activation functions* notebooks).

# %%
X_xor = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
y_xor = np.array([-1, 1, 1, -1])
# Jitter copies of the corners so the plot has some texture.
X_xor_big = np.repeat(X_xor, 25, axis=0) + rng.normal(scale=0.08, size=(100, 2))
y_xor_big = np.repeat(y_xor, 25)

xor_model = Perceptron(n_features=2).fit(X_xor_big, y_xor_big, epochs=30, rng=rng)
print("mistakes in the last 5 epochs:", xor_model.mistakes[-5:])
print("accuracy on the four XOR corners:", (xor_model.predict(X_xor) == y_xor).mean())

fig, ax = plt.subplots()
plot_boundary(xor_model, X_xor_big, y_xor_big, ax, "Perceptron on XOR (never converges)")
plt.show()

# %% [markdown]
# ## Takeaways
#
# * A perceptron is a linear classifier: its decision boundary is always a line
#   (hyperplane), whatever the training data look like.
# * The learning rule is *mistake-driven*: only misclassified points move the
#   weights, and on separable data it provably converges.
# * On data that no line can separate (XOR), it oscillates forever. Solving such
#   problems needs hidden units with a **non-linear** activation and a way to train
#   them — gradient descent with backpropagation.
