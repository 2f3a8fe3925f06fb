"""Plain-language checks on the text of every markdown file in content/.

The catalog is written for readers who are not technical. For each page this
reports, as warnings that point at a line: a reading grade above the target
(Flesch-Kincaid), sentences that are too long, glossary acronyms used before
they are spelled out, words from a jargon list (with plainer words), images
without alt text, and link text such as "click here".

It reads the markdown source rather than the HTML, so every finding has a
line. Findings are kept per file (check/cache.py), so the live preview re-checks
only the files that changed. Settings come from `checks:` in catalog.yaml (model.Checks).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from catalogpress.check.cache import Findings
from catalogpress.check.readability import Syllables, flesch_kincaid_grade, syllable_count
from catalogpress.check.validate import Checked, ContentDoc
from catalogpress.check.wordlists import ABBREVIATIONS, DEFAULT_JARGON, GENERIC_ALT, VAGUE_LINK_TEXT
from catalogpress.core.errors import Problems
from catalogpress.schema.frontmatter import Term
from catalogpress.schema.records import Checks

MIN_WORDS_FOR_GRADE = 100  # reading formulas mean little on a few sentences

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)]*)\)")
_HTML_IMG = re.compile(r"<img\b([^>]*)>", re.I)
_HTML_LINK = re.compile(r"<a\b[^>]*>(.*?)</a\s*>", re.I | re.S)
_ALT_ATTR = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")
_SENTENCE_END = re.compile(r"([.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Finding:
    line: int  # line in the file
    check: str  # one of model.PLAIN_CHECKS
    message: str


@dataclass(frozen=True)
class _Block:
    kind: str  # "prose", "heading" or "table"
    line: int  # file line of the block's first line
    text: str  # plain text; keeps the block's newlines so offsets map to lines

    def line_at(self, offset: int) -> int:
        return self.line + self.text.count("\n", 0, offset)


def glossary_acronyms(terms: Iterable[Term]) -> dict[str, str]:
    """Acronyms among the glossary terms, with their expansions ("MFA" -> "Multi-factor...").

    A term such as "GB and TB" with the expansion "Gigabyte and terabyte" gives two.
    """
    found: dict[str, str] = {}
    for term in terms:
        if term.expansion is None:
            continue
        names, expansions = term.term.split(" and "), term.expansion.split(" and ")
        if len(names) != len(expansions):
            names, expansions = [term.term], [term.expansion]
        for name, expansion in zip(names, expansions, strict=True):
            name = name.strip()
            if _is_acronym(name) and expansion.strip().lower() != name.lower():
                found[name] = expansion.strip()
    return found


def _is_acronym(word: str) -> bool:
    return (
        bool(re.fullmatch(r"[A-Z][A-Za-z0-9&]*", word))
        and sum(ch.isupper() or ch.isdigit() for ch in word) >= 2
    )


def check_plain_language(
    checked: Checked, problems: Problems, kept: Findings | None = None
) -> None:
    """Add a warning for every plain-language finding in content/; `kept` holds the
    findings of earlier builds, reused for files whose text and settings are unchanged."""
    kept = kept if kept is not None else Findings()
    settings = checked.catalog.checks
    acronyms = glossary_acronyms(checked.glossary.meta.terms) if checked.glossary else {}
    allowed = {w.lower() for w in settings.allow}
    jargon = {
        w: p for w, p in {**DEFAULT_JARGON, **dict(settings.jargon)}.items() if w not in allowed
    }
    services = {s.id: s.name for s in checked.catalog.services}
    docs: list[ContentDoc] = [
        *checked.overviews.values(),
        *checked.pages.values(),
        *checked.slas.values(),
    ]
    if checked.glossary:
        docs.append(checked.glossary)
    same_text: dict[tuple[object, ...], list[Finding]] = {}  # copied pages: checked once
    for doc in sorted(docs, key=lambda d: d.file.path):
        md = doc.file
        spelled = {} if md.kind == "glossary" else acronyms
        # The page title is shown just above the text, so it may spell an acronym out.
        title = (
            getattr(doc.meta, "title", None)
            or getattr(doc.meta, "name", None)
            or services.get(md.slug, "")
        )
        key: tuple[object, ...] = (md.body, md.body_line, settings.reading_grade)
        key += (settings.sentence_words,)
        key += (tuple(spelled.items()), tuple(jargon.items()), title)
        findings = kept.get(md.path, key)
        if findings is None:
            findings = same_text.get(key)
        if findings is None:
            findings = check_text(
                md.body, md.body_line, settings, spelled, jargon, title, kept.syllables
            )
            same_text[key] = findings
        kept.keep(md.path, key, findings)
        for finding in findings:
            if finding.check not in settings.skip:
                problems.add(md.path, finding.line, finding.check, finding.message, warning=True)
    kept.keep_only(doc.file.path for doc in docs)


def check_text(
    body: str,
    first_line: int,
    settings: Checks,
    acronyms: dict[str, str],
    jargon: dict[str, str],
    title: str = "",
    known: Syllables | None = None,
) -> list[Finding]:
    """Every finding in one markdown body whose first line is `first_line`."""
    source = _blank_code(_COMMENT.sub(_blank, body))
    blocks = list(_blocks(source, first_line))
    findings = [
        *_reading(blocks, settings, first_line, known or Syllables()),
        *_acronyms(blocks, acronyms, title),
        *_jargon(blocks, jargon),
        *_images(source, first_line),
        *_link_texts(source, first_line),
    ]
    return sorted(findings, key=lambda f: (f.line, f.check))


# --- from markdown to plain text, keeping lines ----------------------------------------


def _blank(match: re.Match[str]) -> str:
    """The same text with everything but line breaks turned into spaces."""
    return re.sub(r"[^\n]", " ", match.group())


def _blank_code(text: str) -> str:
    """Blank fenced code blocks and inline code: they are not prose."""
    lines, fenced = text.split("\n"), False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            lines[i] = ""
        elif fenced or line.startswith("    ") and (i == 0 or not lines[i - 1].strip()):
            lines[i] = ""
    return re.sub(r"`[^`\n]*`", "code", "\n".join(lines))


def _plain(text: str) -> str:
    """Markdown inline syntax to the words a reader sees (newlines kept)."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"<https?://[^>]*>|https?://\S+", "link", text)
    text = re.sub(r"</?[A-Za-z][^>]*>", "", text)
    text = re.sub(r"\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w)", "", text)
    return html.unescape(text)


def _blocks(source: str, first_line: int) -> Iterator[_Block]:
    """Paragraphs, list items, headings and tables, each with its first line."""
    current: list[str] = []
    start, kind = 0, "prose"

    def flush() -> Iterator[_Block]:
        if current and any(part.strip() for part in current):
            yield _Block(kind, first_line + start, _plain("\n".join(current)))
        current.clear()

    for number, raw in enumerate(source.split("\n")):
        line = raw.lstrip()
        line = re.sub(r"^(>\s?)+", "", line)  # block quotes read like paragraphs
        if not line.strip():
            yield from flush()
            continue
        if (
            line.startswith("#")
            or line.startswith("|")
            or _LIST_ITEM.match(line)
            or (kind in ("heading", "table"))
        ):
            yield from flush()
            start = number
            kind = (
                "heading" if line.startswith("#") else "table" if line.startswith("|") else "prose"
            )
            line = _LIST_ITEM.sub("", line).lstrip("#").strip() if kind != "table" else line
            current.append(line)
            continue
        if not current:
            start, kind = number, "prose"
        current.append(line)
    yield from flush()


def _sentences(block: _Block) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for each sentence of a prose block."""
    start = 0
    for match in _SENTENCE_END.finditer(block.text):
        before = block.text[start : match.end(1)].split()
        if before and before[-1].lower() in ABBREVIATIONS:
            continue
        yield start, block.text[start : match.end(1)]
        start = match.end()
    rest = block.text[start:]
    if rest.strip():
        yield start, rest


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


# --- the checks ------------------------------------------------------------------------


def _reading(
    blocks: list[_Block], settings: Checks, first_line: int, known: Syllables
) -> Iterator[Finding]:
    sentences: list[tuple[int, str]] = []
    for block in blocks:
        if block.kind != "prose":
            continue
        for offset, sentence in _sentences(block):
            line = block.line_at(offset + len(sentence) - len(sentence.lstrip()))
            sentences.append((line, " ".join(sentence.split())))
    limit = settings.sentence_words
    for line, sentence in sentences:
        count = len(_words(sentence))
        if count > limit:
            yield Finding(
                line,
                "long-sentence",
                f"this sentence has {count} words; keep "
                f"sentences to {limit} words or fewer, for example by splitting it "
                f'in two ("{_opening(sentence)}")',
            )
    text = " ".join(s if s.endswith((".", "!", "?")) else s + "." for _, s in sentences)
    if len(_words(text)) < MIN_WORDS_FOR_GRADE:
        return
    grade = flesch_kincaid_grade(text, known)
    if grade > settings.reading_grade:
        hardest = max(sentences, key=lambda s: _sentence_grade(s[1], known))
        yield Finding(
            first_line,
            "reading-grade",
            f"the text reads at school grade "
            f"{grade:.1f} (Flesch-Kincaid); aim for grade {settings.reading_grade} "
            "or lower with shorter sentences and everyday words (the hardest "
            f"sentence is on line {hardest[0]})",
        )


def _sentence_grade(sentence: str, known: Syllables) -> float:
    words = _words(sentence)
    if not words:
        return 0.0
    syllables = sum(syllable_count(w, known) for w in words)
    return 0.39 * len(words) + 11.8 * syllables / len(words)


def _opening(sentence: str, words: int = 8) -> str:
    parts = sentence.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def _acronyms(
    blocks: list[_Block],
    acronyms: dict[str, str],
    title: str,
) -> Iterator[Finding]:
    title = title.strip() + "\n"
    text = title + "\n".join(b.text for b in blocks)
    starts, offset = [], len(title)
    for block in blocks:
        starts.append((offset, block))
        offset += len(block.text) + 1
    for name, expansion in acronyms.items():
        use = re.compile(rf"(?<![\w-]){re.escape(name)}(?!\w)").search(text, len(title))
        if not use:
            continue
        words = re.split(r"[\s-]+", expansion.strip())
        spelled = re.search(r"[\s-]+".join(map(re.escape, words)), text, re.I)
        if spelled and spelled.start() <= use.end() + 3:
            continue
        block_start, block = max((s for s in starts if s[0] <= use.start()), key=lambda s: s[0])
        yield Finding(
            block.line_at(use.start() - block_start),
            "acronym",
            f"'{name}' is used before it is spelled out; the first time, write "
            f'"{_in_sentence(expansion)} ({name})"',
        )


def _in_sentence(expansion: str) -> str:
    """'Fiscal year' -> 'fiscal year', but 'Service Level Agreement' stays as written."""
    rest = expansion[1:]
    return expansion if any(ch.isupper() for ch in rest) else expansion[:1].lower() + rest


def _word_pattern(word: str) -> str:
    """A pattern for a word or phrase and its usual endings (utilize, utilizes, utilized...)."""
    if not re.fullmatch(r"[a-z]+", word):
        return r"\s+".join(map(re.escape, word.split()))
    if word.endswith("e"):
        return f"{word[:-1]}(?:e|es|ed|ing)"
    if word.endswith("y"):
        return f"(?:{word}|{word}s|{word}ing|{word[:-1]}ies|{word[:-1]}ied)"
    return f"{word}(?:s|es|ed|ing)?"


def _jargon(blocks: list[_Block], jargon: dict[str, str]) -> Iterator[Finding]:
    for word, plainer in jargon.items():
        pattern = re.compile(rf"(?<![\w-]){_word_pattern(word)}(?![\w-])", re.I)
        hits = [(block, m) for block in blocks for m in pattern.finditer(block.text)]
        if hits:
            block, match = hits[0]
            times = f" ({len(hits)} times on this page)" if len(hits) > 1 else ""
            yield Finding(
                block.line_at(match.start()),
                "jargon",
                f"'{' '.join(match.group().split())}'{times}: try \"{plainer}\"",
            )


def _line(source: str, offset: int, first_line: int) -> int:
    return first_line + source.count("\n", 0, offset)


def _images(source: str, first_line: int) -> Iterator[Finding]:
    found = [(m.start(), m.group(1), m.group(2)) for m in _IMAGE.finditer(source)]
    for match in _HTML_IMG.finditer(source):
        alt_attr = _ALT_ATTR.search(match.group(1))
        if alt_attr is None:
            found.append((match.start(), "", ""))
        elif any(g is not None and g.strip() for g in alt_attr.groups()):
            found.append((match.start(), next(g for g in alt_attr.groups() if g is not None), ""))
    for offset, alt, src in sorted(found):
        alt = " ".join(alt.split())
        name = src.rsplit("/", 1)[-1]
        if not alt:
            message = (
                "this image has no alt text; describe what it shows for people who "
                "cannot see it, like ![Two servers in a rack](images/servers.png)"
            )
        elif alt.lower() in GENERIC_ALT or (
            name and alt.lower() in (name.lower(), name.rsplit(".")[0])
        ):
            message = (
                f"the alt text '{alt}' does not say what the image shows; describe "
                "it in a few words"
            )
        else:
            continue
        yield Finding(_line(source, offset, first_line), "image-alt", message)


def _link_texts(source: str, first_line: int) -> Iterator[Finding]:
    links = [(m.start(), m.group(1)) for m in _LINK.finditer(source)]
    links += [(m.start(), m.group(1)) for m in _HTML_LINK.finditer(source)]
    for offset, raw in sorted(links):
        text = re.sub(r"[^\w\s]", "", _plain(raw)).lower()
        text = " ".join(text.split())
        if text in VAGUE_LINK_TEXT:
            yield Finding(
                _line(source, offset, first_line),
                "link-text",
                f"the link text '{' '.join(_plain(raw).split())}' does not say "
                "where the link goes; use words that name the page, like "
                '"see the rate methodology"',
            )
