# %% [markdown]
# # Early Stopping and Model Checkpointing
#
# Train a flexible network long enough and it starts to memorise its training set:
# training loss keeps falling while validation loss turns around and rises. Two
# simple tools deal with this. **Early stopping** halts training once the
# validation score has stopped improving for a while, and **checkpointing** saves the
# best model seen so far so that we can go back to it. Keras users know them as the
# `EarlyStopping` and `ModelCheckpoint` callbacks; here we write both in a few lines
# of PyTorch, watch them work on the digits data, and verify that the restored
# checkpoint reproduces the best validation score exactly.

# %% [markdown]
# ## Setup

# %%
import copy
import os
import tempfile
from pathlib import Path

import numpy as np
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

%matplotlib inline
plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80, "figure.figsize": (6, 4)})
SEED = 0
torch.manual_seed(SEED)
torch.set_num_threads(1)  # tiny models: one thread is fastest and most predictable

# %% [markdown]
# ## A setting that overfits on purpose
#
# To make overfitting easy to see, we give a large network (two hidden layers of 256
# units, no dropout, about 84,000 parameters) only **250 training images**. The
# validation set (400 images) and the test set (the remaining ~1,150) stay untouched
# by the optimiser.

# %%
digits = load_digits()
X = (digits.data / 16.0).astype(np.float32)
y = digits.target
X_rest, X_train, y_rest, y_train = train_test_split(X, y, test_size=250, stratify=y, random_state=SEED)
X_val, X_test, y_val, y_test = train_test_split(X_rest, y_rest, train_size=400, stratify=y_rest, random_state=SEED)
print(f"train {len(X_train)}  validation {len(X_val)}  test {len(X_test)}")

T = lambda a, dtype=torch.float32: torch.tensor(a, dtype=dtype)
train_ds = TensorDataset(T(X_train), T(y_train, torch.long))
val = (T(X_val), T(y_val, torch.long))
test = (T(X_test), T(y_test, torch.long))

def make_model(seed=SEED):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))

def evaluate(model, data):
    model.eval()
    with torch.no_grad():
        logits = model(data[0])
        return (nn.functional.cross_entropy(logits, data[1]).item(),
                (logits.argmax(1) == data[1]).float().mean().item())

print("parameters:", sum(p.numel() for p in make_model().parameters()))

# %% [markdown]
# ## The two helpers
#
# **`EarlyStopping`** watches one number (here the validation loss). Each epoch it
# asks: did the number improve by at least `min_delta` on the best value so far? If
# yes, reset a counter; if not, increase it. When the counter reaches `patience`,
# it tells the training loop to stop. Patience matters because validation curves
# are noisy: one bad epoch is not a trend.
#
# **`ModelCheckpoint`** saves a checkpoint whenever the monitored value reaches a new
# best. A useful checkpoint contains more than the weights: we also store the
# optimiser state (so training could be resumed), the epoch and the score.
# `torch.save` writes all of it into one file.

# %%
class EarlyStopping:
    def __init__(self, patience=10, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.bad_epochs = float("inf"), None, 0

    def step(self, value, epoch) -> bool:
        """Record this epoch's value; return True when training should stop."""
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.bad_epochs = value, epoch, 0
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience


class ModelCheckpoint:
    def __init__(self, directory, filename="best.pt"):
        self.path = Path(directory) / filename
        self.best = float("inf")
        self.saves = 0

    def step(self, value, epoch, model, optimizer) -> bool:
        if value < self.best:
            self.best = value
            torch.save({"epoch": epoch, "val_loss": value,
                        "model_state": model.state_dict(),
                        "optimizer_state": optimizer.state_dict()}, self.path)
            self.saves += 1
            return True
        return False

# %% [markdown]
# ## The training loop
#
# One function trains with or without the helpers. Every epoch it records training
# loss and validation loss/accuracy; the helpers only *observe* these numbers, so
# runs with the same seed follow exactly the same trajectory until early stopping
# cuts one of them short.

# %%
def fit(max_epochs=150, early_stopping=None, checkpoint=None, lr=1e-3, seed=SEED, log_every=10):
    model = make_model(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loader = DataLoader(train_ds, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(seed))
    hist = {"train_loss": [], "val_loss": [], "val_acc": []}
    for epoch in range(1, max_epochs + 1):
        model.train()
        running = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item() * len(xb)
        vl, va = evaluate(model, val)
        hist["train_loss"].append(running / len(train_ds))
        hist["val_loss"].append(vl)
        hist["val_acc"].append(va)
        saved = checkpoint.step(vl, epoch, model, opt) if checkpoint else False
        if log_every and (epoch % log_every == 0 or epoch == 1):
            print(f"epoch {epoch:3d}  train loss {hist['train_loss'][-1]:.4f}  "
                  f"val loss {vl:.4f}  val acc {va:.3f}{'  [checkpoint]' if saved else ''}")
        if early_stopping and early_stopping.step(vl, epoch):
            print(f"early stopping at epoch {epoch}: no improvement for "
                  f"{early_stopping.patience} epochs (best epoch {early_stopping.best_epoch})")
            break
    return model, hist

# %% [markdown]
# ## Run 1: train for the full 150 epochs
#
# First, no helpers at all, to see the whole story.

# %%
full_model, full = fit(max_epochs=150, log_every=15)
best_epoch_full = int(np.argmin(full["val_loss"])) + 1
print(f"\nlowest validation loss {min(full['val_loss']):.4f} at epoch {best_epoch_full}; "
      f"final validation loss {full['val_loss'][-1]:.4f}")

# %%
epochs = np.arange(1, len(full["train_loss"]) + 1)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
ax1.plot(epochs, full["train_loss"], label="train loss")
ax1.plot(epochs, full["val_loss"], label="validation loss")
ax1.axvline(best_epoch_full, color="k", ls="--", lw=1, label=f"best epoch ({best_epoch_full})")
ax1.set_ylim(0, 0.6); ax1.set_xlabel("epoch"); ax1.set_title("Loss (y-axis cut at 0.6): validation turns up")
ax1.legend()
ax2.plot(epochs, full["val_acc"], color="tab:green")
ax2.axvline(best_epoch_full, color="k", ls="--", lw=1)
ax2.set_xlabel("epoch"); ax2.set_ylabel("validation accuracy"); ax2.set_title("Validation accuracy")
plt.tight_layout()
plt.show()

# %% [markdown]
# The training loss falls towards zero for the whole run, but the validation loss
# bottoms out early and then climbs: the network is becoming *over-confident* on
# images it has not seen, even though validation accuracy barely changes. Everything
# after the dashed line is wasted computation at best and overfitting at worst.
#
# ## Run 2: early stopping with a checkpoint
#
# Same seed, same data, but now with `EarlyStopping(patience=20)` and a
# `ModelCheckpoint` writing into a temporary directory (it is deleted at the end of
# the notebook, so the archive stays clean).

# %%
tmp = tempfile.TemporaryDirectory(prefix="neuroverse-ckpt-")
stopper = EarlyStopping(patience=20)
ckpt = ModelCheckpoint(tmp.name)
es_model, es = fit(max_epochs=150, early_stopping=stopper, checkpoint=ckpt, log_every=5)
print(f"\ncheckpoints written: {ckpt.saves}")
for f in sorted(os.listdir(tmp.name)):
    print(f"checkpoint file: {f}  ({os.path.getsize(os.path.join(tmp.name, f)) / 1024:.0f} KB)")

# %%
n = len(es["val_loss"])
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(epochs, full["val_loss"], color="lightgray", lw=3, label="validation loss, full run")
ax.plot(np.arange(1, n + 1), es["val_loss"], color="tab:orange", label="validation loss, early-stopped run")
ax.plot(np.arange(1, n + 1), es["train_loss"], color="tab:blue", label="train loss, early-stopped run")
ax.axvline(stopper.best_epoch, color="k", ls="--", lw=1, label=f"checkpoint (epoch {stopper.best_epoch})")
ax.axvline(n, color="tab:red", ls=":", lw=1.5, label=f"stopped (epoch {n})")
ax.set_ylim(0, 0.6); ax.set_xlabel("epoch"); ax.set_ylabel("loss"); ax.legend(fontsize=8)
ax.set_title("Early stopping halts after 20 epochs without improvement")
plt.show()

# %% [markdown]
# Because both runs share a seed, the orange curve lies exactly on top of the grey
# one until it stops. Training ended `patience` epochs after the best epoch — and
# the model in memory at that point (`es_model`) is the *last* model, not the best.
# That is why we need the checkpoint.
#
# Choosing the patience is a trade-off. Near its minimum the validation curve is flat
# and noisy: in this very run, a patience of 15 would have stopped at epoch 38,
# three epochs before the true best epoch 41. Larger patience costs a few extra
# epochs but is less easily fooled by a noisy plateau.
#
# ## Restoring the best model
#
# We build a fresh, untrained network, load the saved state dictionary into it and
# evaluate it on the validation set. It must reproduce the best validation loss
# recorded during training *exactly* — same weights, same data, same arithmetic.

# %%
state = torch.load(ckpt.path, map_location="cpu", weights_only=True)
restored = make_model(seed=123)  # different initial weights, to prove they get overwritten
print("before loading, validation loss:", round(evaluate(restored, val)[0], 4))
restored.load_state_dict(state["model_state"])

restored_loss, restored_acc = evaluate(restored, val)
best_recorded = min(es["val_loss"])
print(f"checkpoint epoch:              {state['epoch']}")
print(f"best validation loss recorded: {best_recorded:.6f}")
print(f"restored model validation loss:{restored_loss:.6f}")
print(f"last-epoch model val loss:     {evaluate(es_model, val)[0]:.6f}")
assert state["epoch"] == stopper.best_epoch
assert restored_loss == best_recorded == state["val_loss"], "restored model does not match the best epoch"
print("OK: the restored checkpoint reproduces the best validation score exactly")

# %% [markdown]
# ## Did it help on unseen data?
#
# The final check uses the test set, which played no part in choosing the epoch.
# We compare the model from the end of the 150-epoch run, the last model of the
# early-stopped run and the restored checkpoint.

# %%
for name, m in (("full run, epoch 150", full_model),
                (f"early-stopped run, last epoch ({n})", es_model),
                (f"restored checkpoint (epoch {state['epoch']})", restored)):
    tl, ta = evaluate(m, test)
    print(f"{name:40s} test loss {tl:.4f}  test accuracy {ta:.3f}")

# %% [markdown]
# The checkpoint has the lowest test loss — its probabilities are better calibrated
# — at a fraction of the training time, while accuracy is about the same for all
# three. This is typical: early stopping is a cheap form of regularisation, and the
# epoch count becomes something the validation set chooses instead of a guess.
#
# A checkpoint that includes the optimiser state also lets training *resume* after
# an interruption: rebuild the model and optimiser, call `load_state_dict` on both,
# and continue from `state["epoch"] + 1`.

# %%
tmp.cleanup()
print("temporary checkpoint directory removed:", not os.path.exists(tmp.name))

# %% [markdown]
# ## Takeaways
#
# * Monitor a validation metric every epoch; the training loss alone cannot reveal
#   overfitting.
# * Early stopping with some *patience* ends training once the validation metric has
#   stalled, saving time and acting as a regulariser.
# * Early stopping alone leaves you with the last model; pair it with a checkpoint of
#   the best one (weights, optimiser state, epoch, score) and restore it at the end.
# * Verify the restore: a reloaded checkpoint evaluated on the same data must give
#   exactly the recorded score.
