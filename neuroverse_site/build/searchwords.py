"""The words search needs from a text it only has to find, not show: a PDF page's text, a
notebook's code.

Material's search (lunr in the reader's browser) splits what it indexes at its separator
(`[\\s\\-]+` by default), lower-cases each piece, drops lunr's stop words and nothing else:
its default pipeline is `stopWordFilter` alone, with lunr's trimmer and stemmer taken out. A
query's every word becomes a prefix search (`layer` is looked up as `layer*`). So a word is
found on an entry exactly when some word of that entry starts with it, and the words an entry
needs are those no other word of it (or of an earlier text, where the search then lands)
already starts with.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import pairwise

# The words lunr drops from every index: listing them finds nothing. The list is lunr's own.
_STOP_WORD_LIST = """
a able about across after all almost also am among an and any are as at be because been but
by can cannot could dear did do does either else ever every for from get got had has have he
her hers him his how however i if in into is it its just least let like likely may me might
most must my neither no nor not of off often on only or other our own rather said say says
she should since so some than that the their them then there these they this tis to too twas
us wants was we were what when where which while who whom why will with would yet you your
"""
STOP_WORDS = frozenset(_STOP_WORD_LIST.split())
# Punctuation around a word: a query never starts with it, so it only hides the word.
_EDGE = re.compile(r"^\W+|\W+$")
# Where lunr splits what it indexes into words (Material's default `separator`).
LUNR_SEPARATOR = re.compile(r"[\s\-]+")


def first_appearances(texts: Sequence[str]) -> list[str]:
    """For each of `texts`, in order, the words search needs so that every word of every text
    is found, on the first text where it (or a word it begins) appears: a text's words that
    are stop words, short numbers, repeats, or the start of a longer word of the same or an
    earlier text are left out. Each word keeps its first spelling, in reading order.

    Repeats are as search sees them: compared in lower case, punctuation at their edges
    dropped. Numbers of up to three digits ("3", "(4)") are left out: equation, figure and
    section numbers, and the many small constants in code, find nothing worth opening."""
    earlier: list[str] = []  # every word of the texts before this one, sorted
    result = []
    for text in texts:
        spelling: dict[str, str] = {}
        for word in _words(text):
            key = word.lower()
            if key not in STOP_WORDS:
                spelling.setdefault(key, word)
        keys = sorted(spelling)
        # Sorted, the words that start with a word come right after it.
        longer = {key for key, after in pairwise(keys)
                  if after.startswith(key)}
        result.append(" ".join(word for key, word in spelling.items()
                               if key not in longer and not _starts_any(earlier, key)))
        earlier = sorted(earlier + keys)
    return result


def _starts_any(ordered: list[str], key: str) -> bool:
    """Whether a word of `ordered` (sorted) starts with `key`."""
    index = bisect_left(ordered, key)
    return index < len(ordered) and ordered[index].startswith(key)


def _words(text: str) -> Iterable[str]:
    for token in LUNR_SEPARATOR.split(text):
        word = _EDGE.sub("", token)
        if word and (len(word) > 3 or any(c.isalpha() for c in word)):
            yield word
