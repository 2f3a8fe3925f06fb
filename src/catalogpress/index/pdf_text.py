"""The PDF documents as search records, taken from the HTML each is printed from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html.parser import HTMLParser

from catalogpress.index.search import Record
from catalogpress.pdf.documents import OWN_CONTENT, DocSpec


def search_records(specs: Sequence[DocSpec], pages: Mapping[str, str]) -> list[Record]:
    """Each PDF that no web page shows the content of, as a search record with the text
    of the HTML it is printed from: reading the text back out of the PDFs would take
    longer than printing them. The rest are found through the page that offers them."""
    records = []
    for spec in specs:
        if spec.kind not in OWN_CONTENT:
            continue
        reader = _Text()
        reader.feed(pages[spec.path])
        records.append(Record(spec.path, spec.title, " ".join(reader.parts)))
    return records


class _Text(HTMLParser):
    """The words of a document's body."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("head", "style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("head", "style", "script")

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.parts.append(" ".join(data.split()))
