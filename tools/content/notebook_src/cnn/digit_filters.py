# %% [markdown]
# # Filters and Feature Maps: Convolution on Handwritten Digits
#
# A convolutional layer slides small filters over an image and records, at every
# position, how strongly the local patch matches each filter. The result is a stack
# of *feature maps*. In this notebook we first design classic 3×3 filters by hand —
# edge detectors, a blur, a Laplacian — and apply them to 8×8 digits from
# scikit-learn; then we train a small convolutional neural network (CNN) and look
# inside it: which filters did it learn, and what do its feature maps respond to?

# %% [markdown]
# ## Setup

# %%
import numpy as np
import matplotlib.pyplot as plt
import torch
from torch import nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

%matplotlib inline
plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80, "figure.figsize": (6, 4)})
SEED = 0
torch.manual_seed(SEED)
torch.set_num_threads(1)  # tiny models: one thread is fastest and most predictable

digits = load_digits()
images = (digits.images / 16.0).astype(np.float32)  # (1797, 8, 8) in [0, 1]
labels = digits.target
print("images:", images.shape)

# %% [markdown]
# ## What a convolution computes
#
# For an input image $X$ and a $3\times3$ filter (kernel) $K$, the output feature map
# at position $(i, j)$ is the sum of the element-wise product of $K$ with the patch
# of $X$ centred there, plus a bias:
#
# $$Y_{i,j} = b + \sum_{u=-1}^{1}\sum_{v=-1}^{1} K_{u,v}\, X_{i+u,\,j+v}.$$
#
# (Strictly speaking this is *cross-correlation*; deep-learning libraries call it
# convolution anyway.) The same nine weights are used at every position — **weight
# sharing** — so a filter that detects a vertical stroke detects it anywhere in the
# image. We pad the border with one ring of zeros so the output keeps the 8×8 size.
#
# Let us verify the formula by hand for one output pixel.

# %%
x = torch.tensor(images[0])[None, None]  # shape (batch=1, channels=1, 8, 8)
sobel_x = torch.tensor([[-1., 0., 1.], [-2., 0., 2.], [-1., 0., 1.]])
out = F.conv2d(x, sobel_x[None, None], padding=1)

i, j = 3, 2
patch = F.pad(x, (1, 1, 1, 1))[0, 0, i:i + 3, j:j + 3]  # padded coords are shifted by 1
print("patch around (3, 2):\n", patch.numpy().round(2))
print("by hand :", (patch * sobel_x).sum().item())
print("conv2d  :", out[0, 0, i, j].item())

# %% [markdown]
# ## Hand-built filters
#
# Long before CNNs learned their filters, image processing used carefully designed
# ones. Each responds to a particular local pattern:
#
# * **Sobel x / Sobel y** — left-to-right or top-to-bottom change in brightness:
#   vertical and horizontal edges;
# * **diagonal** — strokes running from bottom-left to top-right;
# * **box blur** — the local average: smooths detail away;
# * **Laplacian** — a centre pixel that differs from its neighbours: blobs, line
#   ends and corners.
#
# Red means a strong positive response and blue a strong negative one.

# %%
filters = {
    "Sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "Sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "diagonal": [[0, 1, 2], [-1, 0, 1], [-2, -1, 0]],
    "box blur": [[1 / 9] * 3] * 3,
    "Laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
}
bank = torch.tensor(list(filters.values()), dtype=torch.float32)[:, None]  # (5, 1, 3, 3)
samples = [0, 1, 2, 3, 7]  # digits 0, 1, 2, 3, 7
maps = F.conv2d(torch.tensor(images[samples])[:, None], bank, padding=1)  # (5, 5, 8, 8)

fig, axes = plt.subplots(len(samples) + 1, len(filters) + 1, figsize=(8.5, 9))
axes[0, 0].axis("off")
for c, (name, k) in enumerate(filters.items(), start=1):
    axes[0, c].imshow(np.array(k), cmap="RdBu_r", vmin=-2, vmax=2)
    axes[0, c].set_title(name, fontsize=10)
for r, idx in enumerate(samples, start=1):
    axes[r, 0].imshow(images[idx], cmap="gray_r")
    axes[r, 0].set_ylabel(f"digit {labels[idx]}")
    for c in range(len(filters)):
        m = maps[r - 1, c].numpy()
        lim = np.abs(m).max() + 1e-6
        axes[r, c + 1].imshow(m, cmap="RdBu_r", vmin=-lim, vmax=lim)
for ax in axes.ravel():
    ax.set_xticks([]); ax.set_yticks([])
plt.suptitle("Top row: filters.  Below: each digit and its five feature maps", y=0.995)
plt.tight_layout()
plt.show()

# %% [markdown]
# Read the columns: *Sobel x* lights up on the left and right sides of the 0 (vertical
# edges, with opposite signs for dark-to-light and light-to-dark), *Sobel y* on its top
# and bottom, and the upright 1 responds mostly to the vertical-edge filter. The blur
# simply softens each digit, while the Laplacian highlights stroke centres and ends.
# A stack of such maps is a richer description of the digit than its raw pixels.
#
# ## ReLU and pooling
#
# In a CNN each feature map is passed through a non-linearity (ReLU keeps positive
# responses and zeroes the rest) and is often **max-pooled**: every 2×2 block is
# replaced by its maximum. Pooling halves the resolution, keeps the strongest
# evidence for the feature, and makes the representation less sensitive to small
# shifts of the input.

# %%
m = maps[0, 0]  # Sobel x response of the digit 0
relu = F.relu(m)
pooled = F.max_pool2d(relu[None, None], 2)[0, 0]
fig, axes = plt.subplots(1, 3, figsize=(8, 2.8))
for ax, img, title in zip(axes, (m, relu, pooled), ("Sobel x map (8×8)", "after ReLU", "after 2×2 max-pool (4×4)")):
    ax.imshow(img.numpy(), cmap="RdBu_r", vmin=-m.abs().max(), vmax=m.abs().max())
    ax.set_title(title, fontsize=10)
    ax.set_xticks([]); ax.set_yticks([])
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Training a small CNN
#
# Now we let gradient descent choose the filters. The network has two convolutional
# blocks and a linear classifier:
#
# | layer | output shape | parameters |
# |---|---|---|
# | conv 3×3, 1 → 8 channels, padding 1, ReLU | 8 × 8 × 8 | 80 |
# | max-pool 2×2 | 8 × 4 × 4 | 0 |
# | conv 3×3, 8 → 16 channels, padding 1, ReLU | 16 × 4 × 4 | 1,168 |
# | max-pool 2×2 | 16 × 2 × 2 | 0 |
# | linear 64 → 10 | 10 | 650 |
#
# Under 2,000 parameters in total — about a tenth of the MLP baseline in the RNN
# section — because the convolution weights are shared across positions. We train
# for 30 epochs and print the accuracy on the held-out quarter of the data every
# five epochs (for illustration only: no decision is based on it, so it remains a
# fair test score).

# %%
class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x, return_maps=False):
        a1 = F.relu(self.conv1(x))
        a2 = F.relu(self.conv2(F.max_pool2d(a1, 2)))
        logits = self.fc(F.max_pool2d(a2, 2).flatten(1))
        return (logits, a1, a2) if return_maps else logits

X_train, X_test, y_train, y_test = train_test_split(images, labels, test_size=0.25, stratify=labels, random_state=SEED)
Xtr, Xte = torch.tensor(X_train)[:, None], torch.tensor(X_test)[:, None]
ytr, yte = torch.tensor(y_train), torch.tensor(y_test)

torch.manual_seed(SEED)
cnn = SmallCNN()
print("parameters:", sum(p.numel() for p in cnn.parameters()))
opt = torch.optim.Adam(cnn.parameters(), lr=3e-3)
loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(SEED))
history = []
for epoch in range(1, 31):
    cnn.train()
    for xb, yb in loader:
        opt.zero_grad()
        F.cross_entropy(cnn(xb), yb).backward()
        opt.step()
    cnn.eval()
    with torch.no_grad():
        acc = (cnn(Xte).argmax(1) == yte).float().mean().item()
    history.append(acc)
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  test accuracy {acc:.3f}")

# %%
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(range(1, 31), history, "o-", ms=3)
ax.set_xlabel("epoch"); ax.set_ylabel("test accuracy"); ax.set_title("Small CNN on 8×8 digits")
ax.set_ylim(0.8, 1.0)
plt.show()

# %% [markdown]
# ## The learned filters
#
# Here are the eight 3×3 filters of the first layer. They are not as tidy as the
# hand-built ones — they were optimised for classification, not for human eyes —
# but several are recognisably edge or stroke detectors of different orientations,
# with positive weights on one side and negative on the other.

# %%
w1 = cnn.conv1.weight.detach()[:, 0]  # (8, 3, 3)
fig, axes = plt.subplots(1, 8, figsize=(10, 1.7))
for k, ax in enumerate(axes):
    lim = w1[k].abs().max()
    ax.imshow(w1[k].numpy(), cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set_title(f"filter {k}", fontsize=9)
    ax.set_xticks([]); ax.set_yticks([])
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Feature maps inside the network
#
# Passing one test digit through the network and plotting the activations shows the
# hierarchy at work. The first layer's eight maps are still image-like: each
# highlights the parts of the stroke that match its filter. The second layer's 16
# maps (4×4, after one pooling step) are coarser and more abstract: each combines
# the first-layer maps and fires for larger parts of the digit. Some maps may be
# completely dark: their units are simply not triggered by this digit (or are "dead"
# ReLUs that never fire for any input — a known quirk of ReLU networks).

# %%
idx = int(np.flatnonzero(y_test == 4)[0])
with torch.no_grad():
    logits, a1, a2 = cnn(Xte[idx:idx + 1], return_maps=True)
print("true label:", y_test[idx], " predicted:", logits.argmax(1).item(),
      " probability:", round(F.softmax(logits, 1).max().item(), 3))

fig = plt.figure(figsize=(10, 4.6))
ax = fig.add_subplot(3, 9, 1)
ax.imshow(X_test[idx], cmap="gray_r"); ax.set_title("input", fontsize=9); ax.axis("off")
for k in range(8):
    ax = fig.add_subplot(3, 9, k + 2)
    ax.imshow(a1[0, k].numpy(), cmap="viridis"); ax.set_title(f"L1 map {k}", fontsize=8); ax.axis("off")
for k in range(16):
    ax = fig.add_subplot(3, 9, 10 + k + (k >= 8) * 1)
    ax.imshow(a2[0, k].numpy(), cmap="viridis"); ax.set_title(f"L2 map {k}", fontsize=8); ax.axis("off")
plt.suptitle("Layer-1 maps (8×8) and layer-2 maps (4×4) for one test digit")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Which images excite a filter most?
#
# Another way to understand a unit is to find the inputs that activate it most. For
# three first-layer filters we rank all test images by their maximum response and
# show the top five. Often the top images share a stroke feature — a long vertical,
# a horizontal bar, a particular curve — although learned filters rarely have one
# clean, human-readable meaning.

# %%
with torch.no_grad():
    _, A1, _ = cnn(Xte, return_maps=True)
peak = A1.amax(dim=(2, 3))  # (N, 8): strongest response of each filter per image
fig, axes = plt.subplots(3, 6, figsize=(7.5, 4))
for row, k in enumerate((0, 3, 6)):
    lim = w1[k].abs().max()
    axes[row, 0].imshow(w1[k].numpy(), cmap="RdBu_r", vmin=-lim, vmax=lim)
    axes[row, 0].set_ylabel(f"filter {k}")
    for col, n in enumerate(peak[:, k].argsort(descending=True)[:5], start=1):
        axes[row, col].imshow(X_test[n], cmap="gray_r")
        axes[row, col].set_title(str(y_test[n]), fontsize=9)
for ax in axes.ravel():
    ax.set_xticks([]); ax.set_yticks([])
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Takeaways
#
# * A convolution is a small dot product slid across the image; the same weights at
#   every position make it a pattern detector that works anywhere.
# * Hand-designed filters (edges, blur, Laplacian) show what such detectors look for;
#   a CNN learns its own filters by gradient descent.
# * Stacking convolution, ReLU and pooling builds a hierarchy: early maps are local
#   and image-like, later ones coarser and more abstract.
# * Weight sharing gives a strong CNN with far fewer parameters than a fully
#   connected network on the same inputs.
