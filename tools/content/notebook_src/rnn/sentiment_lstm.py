# %% [markdown]
# # Sentiment Analysis with an LSTM
#
# Recurrent networks read a sequence one element at a time and carry a *hidden
# state* — a running memory — from step to step. In this notebook we train a small
# Long Short-Term Memory (LSTM) network to tell positive from negative sentences.
# To keep everything self-contained and fast, the data set is written right here: 180
# short, hand-written sentences about films, food, travel and gadgets. We tokenise
# them, build a vocabulary, train with PyTorch on the CPU, plot the learning curves,
# classify brand-new sentences and watch the network's opinion evolve word by word.

# %% [markdown]
# ## Setup

# %%
import re
from collections import Counter

import numpy as np
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from sklearn.model_selection import train_test_split

%matplotlib inline
plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80, "figure.figsize": (6, 4)})
SEED = 0
torch.manual_seed(SEED)
torch.set_num_threads(1)  # tiny models: one thread is fastest and most predictable

# %% [markdown]
# ## A tiny labelled data set
#
# Ninety positive and ninety negative sentences. Most come in matching pairs
# ("the food was delicious and fresh" / "the food was cold and bad"), so the
# topic words carry no information and the model has to learn which words signal
# sentiment. A handful of sentences contain a contrast ("the start was slow but the
# ending was wonderful") or a negation ("not bad at all"), where the order of the
# words matters.

# %%
POSITIVE = """
the movie was wonderful and moving
i loved every minute of this film
what a great performance by the lead actor
the food was delicious and fresh
excellent service and friendly staff
this book is a wonderful read
the concert was amazing
i really enjoyed the story
a beautiful and lovely film
the soup was warm and delicious
she gave a brilliant and excellent speech
the hotel room was clean and lovely
our guide was friendly and helpful
this phone works great
the battery is excellent
i am very happy with this purchase
the music was lovely
a fun and charming comedy
the best pizza in town
the plot was clever and amazing
great value for the money
the staff were kind and friendly
i would happily watch it again
the ending made me happy
a great day at the beach
the new update is fast and good
the coffee here is excellent
this is the best restaurant in town
the kids loved the show
a beautiful and happy story
the acting was wonderful
such a lovely surprise
the garden looks beautiful in spring
the course was good and useful
the teacher was great and explained everything well
the app is simple and good
fantastic views from the top
the dessert was perfect
i loved the design of this lamp
the trip was relaxing and fun
the game was exciting and fun
a warm and funny family movie
the shoes are comfortable and look great
quick delivery and a great product
the cake was sweet and delicious
everyone at the party had a great time
the sequel is even better than the original
the instructions were clear and helpful
what a lovely little cafe
the performance was amazing
this album is a joy to listen to
the room had a wonderful view
i am happy with the excellent quality
the characters are charming and funny
the waiter was friendly and quick
the park is clean and beautiful
a smart and excellent script
the headphones sound amazing
my new bike is great fun
the lesson was interesting and fun
the bread was fresh and delicious
i enjoyed this film and loved the music
the festival was a wonderful experience
good food and good company
the laptop is fast and good
a perfect evening at the theatre
the animation is beautiful
the support team was helpful and friendly
the museum was fantastic and fun
i loved this little town
the pasta was rich and delicious
a perfect gift for my sister
the hike was beautiful and fun
the film is funny and smart
the new chairs are very comfortable
this was a really good decision
the singer has a beautiful voice
the pool was clean and the staff were lovely
we had a fantastic holiday
i enjoyed the story from start to end
the start was slow but the ending was wonderful
the hotel was old but the staff were friendly
it rained all day but we had a great time
the menu is small but the food is excellent
the film is long but never boring
the price was high but the quality is great
not bad at all
the room was not bad and the view was lovely
i was not disappointed
the book is short but amazing
""".strip().splitlines()

NEGATIVE = """
the movie was boring and far too long
i hated every minute of this film
what a terrible performance by the lead actor
the food was cold and bad
slow service and rude staff
this book is a boring read
the concert was awful
i did not enjoy the story
a dull and boring film
the soup was salty and cold
she gave a dull and terrible speech
the hotel room was dirty and noisy
our guide was rude and awful
this phone stopped working after a week
the battery is terrible
i am very disappointed with this purchase
the music was awful
a dull and boring comedy
the worst pizza in town
the plot was silly and boring
a waste of money
the staff were rude and slow
i would never watch it again
the ending made me sad
a terrible day at the beach
the new update is slow and broken
the coffee here is awful
this is the worst restaurant in town
the kids hated the show
a sad and pointless story
the acting was terrible
such a bad surprise
the garden looks sad and dirty
the course was boring and useless
the teacher was bad and explained nothing
the app is slow and broken
the view was blocked by a horrible wall
the dessert was bad
i hated the design of this lamp
the trip was tiring and horrible
the game was boring from the first minute
a cheap and boring family movie
the shoes are uncomfortable and look cheap
late delivery and a broken product
the cake was dry and awful
everyone at the party was bored
the sequel is even worse than the original
the instructions were poor and useless
what a dirty little cafe
the performance was awful
this album is terrible to listen to
the room smelled bad
i am disappointed with the poor quality
the characters are dull and boring
the waiter was rude and slow
the park is dirty and horrible
a lazy and poor script
the headphones sound terrible
my new bike is broken
the lesson was boring and too long
the bread was cold and hard
i hated this film and the music was awful
the festival was a horrible experience
bad food and bad company
the laptop is slow and bad
a boring evening at the theatre
the animation is poor
the support team was rude and useless
the museum was dull and boring
i hated this little town
the pasta was cold and bad
a terrible gift for my sister
the hike was muddy and horrible
the film is stupid and dull
the new chairs are very uncomfortable
this was a really bad decision
the singer has an awful voice
the pool was dirty and the staff were rude
we had a horrible holiday
i hated the story from start to end
the start was good but the ending was terrible
the hotel was new but the staff were rude
the sun was out but we had an awful time
the menu is big but the food is bad
the film is short but still boring
the price was low but the quality is poor
not good at all
the room was not clean and the view was awful
i was not happy
the book is long and dull
""".strip().splitlines()

texts = POSITIVE + NEGATIVE
labels = np.array([1] * len(POSITIVE) + [0] * len(NEGATIVE))
print(f"{len(POSITIVE)} positive and {len(NEGATIVE)} negative sentences")
print("example:", repr(texts[3]), "->", labels[3], "|", repr(texts[93]), "->", labels[93])

# %% [markdown]
# ## Tokenising and building a vocabulary
#
# A neural network needs numbers, not strings. We
#
# 1. **tokenise**: lower-case each sentence and split it into words;
# 2. build a **vocabulary** from the *training* sentences only, mapping each word to
#    an integer id. Two ids are reserved: `0` for padding and `1` for unknown words
#    (`<unk>`), which is what a word unseen during training becomes;
# 3. **encode** each sentence as a list of ids, and pad the lists of a batch to equal
#    length so they fit in one tensor.
#
# The split is stratified: 75% of the sentences for training, 25% for validation.

# %%
def tokenize(text):
    return re.findall(r"[a-z']+", text.lower())

train_texts, val_texts, y_train, y_val = train_test_split(
    texts, labels, test_size=0.25, stratify=labels, random_state=SEED)

counts = Counter(tok for t in train_texts for tok in tokenize(t))
itos = ["<pad>", "<unk>"] + sorted(counts)  # index -> string
stoi = {w: i for i, w in enumerate(itos)}   # string -> index
print(f"training sentences {len(train_texts)}, validation sentences {len(val_texts)}")
print(f"vocabulary size {len(itos)} (including <pad> and <unk>)")
print("most common words:", counts.most_common(8))

def encode(text):
    return [stoi.get(tok, 1) for tok in tokenize(text)]

def batchify(text_list):
    seqs = [torch.tensor(encode(t)) for t in text_list]
    lengths = torch.tensor([len(s) for s in seqs])
    padded = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0)
    return padded, lengths

print("\nencoded example:", val_texts[0], "->", encode(val_texts[0]))
unknown = [tok for t in val_texts for tok in tokenize(t) if tok not in stoi]
print(f"validation words never seen in training: {len(unknown)} (e.g. {unknown[:6]})")

# %% [markdown]
# ## The model
#
# Three layers:
#
# * an **embedding** maps each word id to a learned 32-dimensional vector;
# * an **LSTM** with a 32-dimensional hidden state reads the vectors left to right. At
#   each step its gates decide what to forget from the cell state $c_t$, what to write
#   into it, and what to expose as the hidden state $h_t$:
#
# $$c_t = f_t \odot c_{t-1} + i_t \odot \tilde{c}_t, \qquad h_t = o_t \odot \tanh(c_t);$$
#
# * a **linear** layer turns the final hidden state $h_T$ — a summary of the whole
#   sentence — into one logit; $\sigma(\text{logit})$ is the probability of "positive".
#
# `pack_padded_sequence` tells the LSTM each sentence's true length, so the padding at
# the end of shorter sentences does not leak into their final state.

# %%
class SentimentLSTM(nn.Module):
    def __init__(self, vocab_size, emb_dim=32, hidden=32, dropout=0.5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(emb_dim, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, ids, lengths, all_steps=False):
        emb = self.dropout(self.embedding(ids))
        packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        out, (h_n, _) = self.lstm(packed)
        if all_steps:  # a score after every word, used for the visualisation below
            out, _ = pad_packed_sequence(out, batch_first=True)
            return self.fc(out).squeeze(-1)
        return self.fc(h_n[-1]).squeeze(-1)

torch.manual_seed(SEED)
model = SentimentLSTM(len(itos))
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))

# %% [markdown]
# ## Training
#
# Mini-batches of 16 sentences, binary cross-entropy, the Adam optimiser and 40
# epochs. The LSTM's gradients are clipped to a norm of 1 — a standard safeguard
# against the exploding gradients that recurrent networks are prone to.

# %%
X_val, L_val = batchify(val_texts)
yv = torch.tensor(y_val, dtype=torch.float32)

def evaluate(model, X, L, y):
    model.eval()
    with torch.no_grad():
        logits = model(X, L)
        return nn.functional.binary_cross_entropy_with_logits(logits, y).item(), ((logits > 0).float() == y).float().mean().item()

gen = torch.Generator().manual_seed(SEED)
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
hist = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
n_train = len(train_texts)
for epoch in range(1, 41):
    model.train()
    order = torch.randperm(n_train, generator=gen).tolist()
    for start in range(0, n_train, 16):
        idx = order[start:start + 16]
        xb, lb = batchify([train_texts[i] for i in idx])
        yb = torch.tensor(y_train[idx], dtype=torch.float32)
        opt.zero_grad()
        loss = nn.functional.binary_cross_entropy_with_logits(model(xb, lb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    tl, ta = evaluate(model, *batchify(train_texts), torch.tensor(y_train, dtype=torch.float32))
    vl, va = evaluate(model, X_val, L_val, yv)
    for k, v in zip(hist, (tl, ta, vl, va)):
        hist[k].append(v)
    if epoch % 5 == 0 or epoch == 1:
        print(f"epoch {epoch:2d}  train loss {tl:.3f} acc {ta:.3f}   val loss {vl:.3f} acc {va:.3f}")

# %%
ep = np.arange(1, 41)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
ax1.plot(ep, hist["train_loss"], label="train"); ax1.plot(ep, hist["val_loss"], label="validation")
ax1.set_xlabel("epoch"); ax1.set_ylabel("binary cross-entropy"); ax1.set_title("Loss"); ax1.legend()
ax2.plot(ep, hist["train_acc"], label="train"); ax2.plot(ep, hist["val_acc"], label="validation")
ax2.set_xlabel("epoch"); ax2.set_ylabel("accuracy"); ax2.set_title("Accuracy"); ax2.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# With only 135 training sentences the network fits the training set almost
# perfectly within a few dozen epochs, while the validation loss stops improving
# after about 20 epochs. Validation accuracy is the honest number; on 45 sentences
# each mistake costs more than 2 percentage points, so expect it to be noisy. (The
# *early stopping* notebook shows how to keep the best epoch instead of the last.)
#
# ## Which validation sentences fail?

# %%
model.eval()
with torch.no_grad():
    p_val = torch.sigmoid(model(X_val, L_val)).numpy()
for text, y_true, p in zip(val_texts, y_val, p_val):
    if (p > 0.5) != y_true:
        print(f"WRONG  p(positive)={p:.2f}  label={'pos' if y_true else 'neg'}  {text!r}")
print(f"{int(((p_val > 0.5) == y_val).sum())}/{len(y_val)} validation sentences correct")

# %% [markdown]
# ## Predictions on new sentences
#
# Finally, sentences the model has never seen, including some deliberately tricky
# ones: a mixed review, and negations ("not good") that require understanding word
# order rather than spotting individual words.

# %%
new_sentences = [
    "the pizza was delicious and the waiter was friendly",
    "a boring film with terrible acting",
    "i loved this phone",
    "the hotel was dirty and the food was cold",
    "what a wonderful and funny show",
    "the concert was great but the seats were uncomfortable",
    "the story was not good",
    "the room was not bad at all",
]
X_new, L_new = batchify(new_sentences)
with torch.no_grad():
    p_new = torch.sigmoid(model(X_new, L_new)).numpy()
for s, p in zip(new_sentences, p_new):
    unk = [t for t in tokenize(s) if t not in stoi]
    note = f"   (unknown: {', '.join(unk)})" if unk else ""
    print(f"{'POSITIVE' if p > 0.5 else 'negative'}  p={p:.2f}  {s!r}{note}")

# %% [markdown]
# The clear-cut sentences are classified confidently. The mixed review and the
# negations are where a model trained on 135 sentences runs out of knowledge: the
# training data contain only a handful of sentences with "not", so the LSTM has
# little chance to learn that "not" flips the meaning of what follows, and its
# answers for such sentences hover near 0.5 or are simply wrong. Words it never saw
# (marked as unknown) carry no information at all. Real sentiment models learn
# such patterns from hundreds of thousands of examples.
#
# ## Watching the memory work, word by word
#
# Because an LSTM produces a hidden state after every word, we can apply the final
# linear layer to *each* intermediate state and read off what the network would
# answer if the sentence ended there. The curve shows the running opinion being
# updated as sentiment words arrive and carried along through neutral words.

# %%
demo = ["the food was cold but the staff were lovely",
        "the film was wonderful but far too long",
        "a great day with terrible weather"]
X_demo, L_demo = batchify(demo)
with torch.no_grad():
    steps = torch.sigmoid(model(X_demo, L_demo, all_steps=True)).numpy()
fig, axes = plt.subplots(len(demo), 1, figsize=(8, 6.3))
for ax, s, row in zip(axes, demo, steps):
    toks = tokenize(s)
    ax.plot(range(len(toks)), row[:len(toks)], "o-")
    ax.axhline(0.5, color="gray", lw=0.8, ls="--")
    ax.set_xticks(range(len(toks)))
    ax.set_xticklabels([t if t in stoi else t + "*" for t in toks], fontsize=9)
    ax.set_ylim(0, 1); ax.set_ylabel("p(positive)")
axes[0].set_title("Running prediction after each word (* = unknown word)")
plt.tight_layout()
plt.show()

# %% [markdown]
# Neutral words such as "the" and "was" barely move the curve: the LSTM carries its
# current opinion through them. Sentiment words cause the jumps. In our run the first
# sentence swings from clearly negative at "cold" to positive at "lovely", so the
# *last* clause wins, as it often does in the "but" sentences of the training data.
# Other sentences show the limits of a memory learned from 135 examples: once the
# network is confident, a later opposite word may hardly move it at all. An LSTM's
# memory is whatever the training data made useful, not a logical rule.
#
# ## Takeaways
#
# * Text must be tokenised and mapped to integer ids; words unseen in training become
#   `<unk>`, and padding plus sequence packing let sentences of different lengths share
#   one batch.
# * An embedding layer learns word vectors; an LSTM folds them, in order, into a hidden
#   state whose final value summarises the sentence.
# * On a tiny data set the network learns sentiment words quickly but cannot learn
#   subtler structure such as negation — a reminder that architecture alone does not
#   replace data.
# * Reading out the hidden state after every word shows how the network's "memory"
#   is updated, which is the topic of the article *How Do Recurrent Neural Networks
#   Remember?* in this archive.
