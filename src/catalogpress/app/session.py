"""The build session: everything one build keeps for the next, owned by the caller.

`catalogpress build` uses a fresh session for its one build. The live preview
keeps one session for all its rebuilds, so a rebuild parses, checks and renders
again only what changed. Each cache belongs to the stage that uses it and holds
one entry per source file, page or output path, replaced when that changes: the
session's size follows the size of the catalog, not the number of rebuilds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogpress.check.cache import CheckedDocuments, Findings
from catalogpress.model.markdown import RenderedBodies
from catalogpress.render.pages import RenderedPages
from catalogpress.render.theme import Environments
from catalogpress.sources.cache import ParsedSources
from catalogpress.write.writer import WrittenFiles


@dataclass
class BuildSession:
    sources: ParsedSources = field(default_factory=ParsedSources)  # YAML, per file
    checked: CheckedDocuments = field(default_factory=CheckedDocuments)  # records, per file
    findings: Findings = field(default_factory=Findings)  # plain language, per file
    bodies: RenderedBodies = field(default_factory=RenderedBodies)  # markdown, per page
    themes: Environments = field(default_factory=Environments)  # templates, per theme
    pages: RenderedPages = field(default_factory=RenderedPages)  # outputs, per site path
    documents: RenderedPages = field(default_factory=RenderedPages)  # PDFs' HTML, per path
    written: WrittenFiles = field(default_factory=WrittenFiles)  # per output folder and path

    def __post_init__(self) -> None:
        self.sources.on_change = self._forget_made_from

    def _forget_made_from(self, file: str) -> None:
        """A source is about to be parsed again (new, or its text changed): let go of
        its checked record, and of every page (pages are made from every YAML source,
        so none would be reused). Dropping them now rather than when they are
        replaced keeps one version of a big catalog in memory, not two."""
        self.checked.forget(file)
        self.pages.clear()
        self.documents.clear()
        self.written.forget_pages()

    def sizes(self) -> dict[str, int]:
        """How many entries each cache holds (for tests and benchmarks)."""
        return {
            "sources": len(self.sources),
            "checked": len(self.checked),
            "findings": len(self.findings),
            "bodies": len(self.bodies.bodies),
            "converters": len(self.bodies.converters),
            "themes": len(self.themes),
            "pages": len(self.pages),
            "documents": len(self.documents),
            "written": len(self.written),
        }
