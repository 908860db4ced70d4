"""Readable names for imported things: ids from the meaningful words of a title, titles
from file names. Both are pure functions of their input, so a re-import gives the same ids."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..core.ids import RESERVED_IDS, slugify

# Words that carry no meaning in an id.
# A roman numeral up to 39, as parts and chapters are numbered ('Part IV').
_ROMAN = re.compile(r"(?=[ivx])x{0,3}(ix|iv|v?i{0,3})")
_NUMBERING_WORDS = frozenset({"part", "module", "chapter", "lesson", "unit", "section",
                              "day", "week", "step", "experiment", "exp", "lab"})
STOP_WORDS = frozenset({
    "a", "an", "the", "i", "me", "we", "of", "and", "or", "in", "on", "at", "to", "for", "with", "without",
    "from", "into", "onto", "by", "via", "using", "use", "vs", "versus", "how", "do", "does",
    "did", "what", "why", "when", "which", "who", "is", "are", "was", "be", "being", "my",
    "our", "your", "their", "its", "this", "that", "these", "those", "part", "module",
    "chapter", "lesson", "unit", "section", "day", "week", "step", "experiment", "exp",
    "notebook", "lab", "intro", "introduction", "based",
})
ACRONYMS = frozenset({
    "ai", "ml", "dl", "rl", "nlp", "cv", "nn", "ann", "cnn", "cnns", "rnn", "rnns", "lstm",
    "lstms", "gru", "gan", "gans", "vae", "vaes", "mlp", "mnist", "cifar", "bert", "gpt",
    "llm", "llms", "svm", "pca", "knn", "sgd", "bptt", "yolo", "vgg", "tf", "gpu", "cpu",
    "api", "csv", "json", "pdf", "ocr", "rag", "dqn", "dcgan", "wgan", "ppo", "ssd", "fcn",
    "mse", "mae", "roc", "auc", "eda", "imdb", "nlu", "nlg", "tts", "asr", "qa", "ner", "pos",
    "bow", "tfidf",
})
MAX_ID_LENGTH = 40
MAX_ID_WORDS = 5


def meaningful_words(title: str) -> list[str]:
    """'1. An Intro to Image Processing: the Fundamentals' -> image, processing,
    fundamentals. Leading numbers go; numbers inside ('cifar-10') stay."""
    spaced = re.sub(r"[\u2010-\u2015/_.:&+]", " ", title)  # dashes and joiners part words
    words = [w for w in slugify(spaced, max_length=400).split("-") if w]
    numbering = False
    while words and (words[0].isdigit() or words[0] in STOP_WORDS or
                     (numbering and len(words) > 1 and _ROMAN.fullmatch(words[0]))):
        # 'Part IV - RNNs': a numeral counts as numbering only after a word that numbers.
        numbering = words.pop(0) in _NUMBERING_WORDS
    kept = [w for w in words if w not in STOP_WORDS]
    return kept or words


def _join(words: list[str], limit_words: int = MAX_ID_WORDS) -> str:
    """Words joined with '-', cut at a word boundary: never half a word."""
    out: list[str] = []
    for word in words[:limit_words]:
        candidate = "-".join([*out, word])
        if len(candidate) > MAX_ID_LENGTH and out:
            break
        out.append(word[:MAX_ID_LENGTH])
    return "-".join(out)


def entry_id(title: str, taken: set[str], fallback: str = "entry") -> str:
    """An id for an experiment or article, unique against `taken`. A clash takes in more of
    the title's words before it falls back to a counter, so two 'Image ...' titles do not
    become `image` and `image-2`."""
    every = [w for w in slugify(re.sub(r"[\u2010-\u2015/_.:&+]", " ", title),
                                max_length=400).split("-") if w]
    # 'Week 1' is all numbering: its number tells it apart (week-1, not 'entry').
    words = meaningful_words(title)
    if not words or (len(words) == 1 and _ROMAN.fullmatch(words[0]) and len(every) > 1):
        words = every if every and not "".join(every).isdigit() else [fallback]
    candidates = [_join(words), _join(words, len(words)), _join(every, len(every))]
    for candidate in candidates:
        if candidate and candidate not in taken and candidate not in RESERVED_IDS:
            return candidate
    base = _join(words) or fallback
    number = 2
    while f"{base}-{number}" in taken or f"{base}-{number}" in RESERVED_IDS:
        number += 1
    return f"{base}-{number}"


def section_id(title: str, taken: set[str]) -> str:
    """'Convolutional Neural Networks (CNNs)' -> 'cnn'; 'Generative Models (GANs & VAEs)'
    -> 'generative'; 'Image Processing Fundamentals' -> 'image-processing-fundamentals'."""
    acronym = re.search(r"\(([A-Za-z][A-Za-z0-9-]{1,10})\)", title)
    if acronym:
        base = slugify(acronym.group(1))
        base = base[:-1] if base.endswith("s") and base[:-1].upper() == \
            acronym.group(1)[:-1].upper() and len(base) > 2 else base
    else:
        outside = re.sub(r"\([^)]*\)", " ", title)
        # "Neural Network Fundamentals" -> fundamentals; "Machine Learning" stays.
        phrase = re.sub(r"\b(neural\s+networks?|deep\s+learning|models?)\b", " ", outside,
                        flags=re.IGNORECASE)
        words = meaningful_words(phrase) or meaningful_words(outside or title) or \
            meaningful_words(title)
        base = _join(words, 3)
    if not base or (_ROMAN.fullmatch(base) and base != slugify(title)):
        # 'Week 1', 'Module 3', 'Part II': the title is all numbering; its number is what
        # tells the sections apart, so the id keeps it (week-1, part-ii), not 'section-2'.
        whole = _join([w for w in slugify(title).split("-") if w], 3)
        base = whole if whole and not whole.isdigit() else \
            f"section-{whole}" if whole else "section"
    if base not in taken and base not in RESERVED_IDS:
        return base
    return entry_id(title, taken, fallback="section")


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_KNOWN_SUFFIXES = (".ipynb", ".pdf", ".py", ".md", ".markdown")


def readable_filename(relative: str) -> str:
    """`mnist_callbacks.ipynb` -> 'MNIST callbacks'; `TensorFlow_Callbacks.pdf.pdf` ->
    'TensorFlow Callbacks'; `CNNimportance.pdf` -> 'CNN importance'."""
    name = PurePosixPath(relative).name
    while name.lower().endswith(_KNOWN_SUFFIXES):
        name = name[: name.rfind(".")]
    raw = [w for w in re.split(r"[\s_\-.]+", name) if w]
    words: list[str] = []
    for word in raw:
        for glued in _split_acronym(word):  # before camel case: 'CNNimportance'
            # camelCase names ('imageSegmentation') part; proper names ('TensorFlow') stay.
            parts = _CAMEL.sub(" ", glued).split() if glued[:1].islower() else [glued]
            for part in parts:
                words += _split_acronym(part)
    out: list[str] = []
    for position, word in enumerate(words):
        if word.lower() in ACRONYMS:
            out.append(word.upper() if not word.lower().endswith("s") or
                       word.lower()[:-1] not in ACRONYMS else word[:-1].upper() + "s")
        elif word.islower() or (word.isupper() and len(word) > 4):
            lowered = word.lower()
            out.append(lowered.capitalize() if position == 0 else lowered)
        else:
            out.append(word)
    return " ".join(out)


def _split_acronym(word: str) -> list[str]:
    """'CNNimportance' -> CNN, importance; 'maskcnn' -> mask, cnn (a known acronym glued to
    a word of at least four letters)."""
    lowered = word.lower()
    if lowered in ACRONYMS:
        return [word]
    for acronym in sorted(ACRONYMS, key=len, reverse=True):
        if len(acronym) < 3:
            continue
        if lowered.startswith(acronym) and len(lowered) - len(acronym) >= 4 and \
                lowered[len(acronym):].isalpha():
            return [word[: len(acronym)], word[len(acronym):]]
        if lowered.endswith(acronym) and len(lowered) - len(acronym) >= 4 and \
                lowered[: -len(acronym)].isalpha():
            return [word[: -len(acronym)], word[-len(acronym):]]
    return [word]
