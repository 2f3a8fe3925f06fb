"""The session kept on disk: `catalogpress build` starts where the last run left off,
makes the same site as a build from nothing, and ignores a file it cannot trust."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogpress.app import stored_session
from catalogpress.app.build import build
from catalogpress.app.session import BuildSession
from catalogpress.app.stored_session import load_session, save_session
from catalogpress.render.pages import PageJobs

from .conftest import MINIMAL_AS_OF, Scratch

OPTIONS = {"search": False, "pdf": False}


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_next_build_reuses_what_the_last_kept_and_makes_the_same_site(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    build(scratch.root, tmp_path / "first", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    kept = load_session(cache).sizes()
    assert kept["sources"] and kept["bodies"] and kept["pages"]
    assert kept["checked"] == 0  # quicker to check again than to load

    scratch.write(
        "content/services/email.md",
        scratch.path("content/services/email.md").read_text() + "\nOne more plain sentence.\n",
    )
    rendered: list[int] = []
    real = PageJobs.__len__
    monkeypatch.setattr(PageJobs, "__len__", lambda self: rendered.append(real(self)) or real(self))
    build(scratch.root, tmp_path / "second", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    pages = len([p for p in files(tmp_path / "second") if p.endswith(".html")])
    assert 0 < rendered[0] < pages / 2  # the pages that show the edited overview, not all

    monkeypatch.undo()
    build(scratch.root, tmp_path / "fresh", MINIMAL_AS_OF, cache=tmp_path / "none", **OPTIONS)
    assert files(tmp_path / "second") == files(tmp_path / "fresh")


def test_a_torn_tampered_or_unsigned_file_is_not_loaded(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    build(scratch.root, tmp_path / "site", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    [stored] = (cache / "session").glob("session-*.pickle")
    whole = stored.read_bytes()
    for broken in (whole[: len(whole) // 2], whole[:40] + bytes([whole[40] ^ 1]) + whole[41:]):
        stored.write_bytes(broken)
        assert load_session(cache).sizes()["sources"] == 0
    stored.write_bytes(whole)
    assert load_session(cache).sizes()["sources"] > 0
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))  # another key
    assert load_session(cache).sizes()["sources"] == 0
    # And a build with a file it cannot use simply builds from nothing.
    build(scratch.root, tmp_path / "again", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    assert files(tmp_path / "again") == files(tmp_path / "site")


def test_one_file_per_cache_folder_and_deleting_it_is_safe(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    build(scratch.root, tmp_path / "site", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    monkeypatch.setattr(stored_session, "FORMAT", "0-older")
    save_session(BuildSession(), cache)
    assert len(list((cache / "session").iterdir())) == 1  # the other format's file went
    monkeypatch.undo()
    assert load_session(cache).sizes()["sources"] == 0
    for path in (cache / "session").iterdir():
        path.unlink()
    build(scratch.root, tmp_path / "site", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    assert load_session(cache).sizes()["sources"] > 0


def test_a_warm_build_with_the_search_index_in_cached_parts_makes_the_cold_site(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Build, edit, build again from the stored session and the cached search parts:
    every file has the bytes of a build of the edited catalog from nothing. The
    session is stored while Pagefind works, and the next build reads it."""
    import catalogpress.index.search as search

    monkeypatch.setattr(search, "PART_PAGES", 6)  # the sample in parts, as a big site is
    made: list[int] = []  # a Pagefind run a part
    real = search.run
    monkeypatch.setattr(search, "run", lambda r: made.append(1) or real(r))
    cache, site = tmp_path / "cache", tmp_path / "site"
    build(scratch.root, site, MINIMAL_AS_OF, cache=cache, stored=True, pdf=False)
    parts = len(made)
    assert parts >= 3 and len(list((cache / "search").iterdir())) == parts
    assert load_session(cache).sizes()["pages"]
    scratch.replace("content/services/email.md", "\n---\n", "\n---\nGuarded by zanzibarite.\n\n", 1)
    made.clear()
    build(scratch.root, site, MINIMAL_AS_OF, cache=cache, stored=True, pdf=False)
    assert 0 < len(made) < parts  # the parts that hold the pages the edit changed
    assert len(list((cache / "search").iterdir())) == parts  # the replaced entries are gone
    fresh = tmp_path / "fresh"
    build(scratch.root, fresh, MINIMAL_AS_OF, cache=tmp_path / "none", pdf=False)
    assert files(site) == files(fresh)
    assert b"zanzibarite" in files(site)["services/email/index.html"]
    # Once more: now the site replaced last time is made into the new one, too.
    scratch.replace("content/services/email.md", "zanzibarite", "quetzalcoatlite", 1)
    build(scratch.root, site, MINIMAL_AS_OF, cache=cache, stored=True, pdf=False)
    build(scratch.root, fresh, MINIMAL_AS_OF, cache=tmp_path / "none", pdf=False)
    assert files(site) == files(fresh)


def test_the_site_a_build_replaced_becomes_the_next_exactly(
    scratch: Scratch, tmp_path: Path
) -> None:
    """The command line keeps the site it replaced in the cache, and the next build
    makes it into the new site, writing only what changed: whatever happened to it
    meanwhile (files edited, added, symlinked; a folder where a file was, and the other
    way), the result has the bytes of a build from nothing, and nothing else."""
    from catalogpress.app.build import SPARE_SITE

    cache, site = tmp_path / "cache", tmp_path / "site"
    for _ in range(2):
        build(scratch.root, site, MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    spare = cache / SPARE_SITE
    assert files(spare) == files(site)
    (spare / "index.html").write_bytes(b"edited")
    (spare / "extra" / "deep").mkdir(parents=True)
    (spare / "extra" / "deep" / "page.html").write_bytes(b"not wanted")
    (spare / "elsewhere.html").symlink_to(tmp_path / "outside.html")
    (tmp_path / "outside.html").write_bytes(b"outside")
    [page] = [p for p in spare.rglob("index.html") if p.parent.name == "email"]
    page.unlink()
    page.mkdir()  # a folder where a file is wanted
    folder = next(p for p in spare.iterdir() if p.is_dir() and any(p.rglob("*.html")))
    moved = tmp_path / "moved"
    folder.rename(moved)
    folder.write_bytes(b"a file where a folder is wanted")
    scratch.replace("content/services/email.md", "\n---\n", "\n---\nGuarded by zanzibarite.\n\n", 1)
    build(scratch.root, site, MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    assert not spare.exists() or files(spare) != files(site)  # the last site is the spare now
    fresh = tmp_path / "fresh"
    build(scratch.root, fresh, MINIMAL_AS_OF, cache=tmp_path / "none", **OPTIONS)
    assert files(site) == files(fresh)
    assert not [p for p in site.rglob("*") if p.is_symlink()]
    assert (tmp_path / "outside.html").read_bytes() == b"outside"


def test_words_graded_before_are_not_looked_up_again(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild after an edit that uses known words grades the text without the
    pronouncing dictionary or the hyphenator (a quarter of a second to load)."""
    from catalogpress.check import readability

    page = "content/services/email.md"
    prose = "Each mailbox keeps your mail safe, and you can reach it from any device. " * 9
    scratch.write(page, scratch.path(page).read_text() + "\n" + prose + "\n")
    cache = tmp_path / "cache"
    build(scratch.root, tmp_path / "first", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    known = dict(load_session(cache).findings.syllables.counts)
    assert "mailbox" in known  # the overview was long enough to grade
    scratch.write(page, scratch.path(page).read_text() + "\nYou can reach your mail safe.\n")

    def looked_up(word: str) -> int:
        raise AssertionError(f"looked up {word!r} again")

    monkeypatch.setattr(readability, "_word_syllables", looked_up)
    warm = build(
        scratch.root, tmp_path / "second", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS
    )
    monkeypatch.undo()
    fresh = build(
        scratch.root, tmp_path / "fresh", MINIMAL_AS_OF, cache=tmp_path / "none", **OPTIONS
    )
    assert sorted(map(str, warm.warnings)) == sorted(map(str, fresh.warnings))
    assert load_session(cache).findings.syllables.counts == known


def test_pages_reused_get_no_context_worked_out(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The estimator's data (0.3 s at 1,000 services) is made only when its page is
    rendered again, not for a rebuild after an edited overview."""
    from catalogpress.model import estimator

    cache = tmp_path / "cache"
    build(scratch.root, tmp_path / "first", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    page = "content/services/email.md"
    scratch.write(page, scratch.path(page).read_text() + "\nOne more plain sentence.\n")
    made: list[object] = []
    real = estimator.estimator_data
    monkeypatch.setattr(estimator, "estimator_data", lambda site: made.append(site) or real(site))
    build(scratch.root, tmp_path / "second", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    assert made == []
    build(scratch.root, tmp_path / "fresh", MINIMAL_AS_OF, cache=tmp_path / "none", **OPTIONS)
    assert len(made) == 1  # a build from nothing renders the estimator, once
    assert files(tmp_path / "second") == files(tmp_path / "fresh")


@pytest.mark.slow
def test_documents_html_is_made_again_only_when_what_it_shows_changed(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build with nothing changed renders no document's HTML (the sample's 65 took
    0.3 s); after an edited overview only the documents that show it, and the PDFs are
    byte for byte those of a build from nothing."""
    from catalogpress.render import pages as rendering

    cache = tmp_path / "cache"
    build(scratch.root, tmp_path / "first", MINIMAL_AS_OF, cache=cache, stored=True, search=False)
    made: list[str] = []
    real = rendering._Reuse.keep
    monkeypatch.setattr(
        rendering._Reuse,
        "keep",
        lambda self, name, *rest: made.append(name) or real(self, name, *rest),
    )
    build(scratch.root, tmp_path / "same", MINIMAL_AS_OF, cache=cache, stored=True, search=False)
    assert not [name for name in made if name.endswith(".pdf")]
    # A build without PDFs in between leaves the documents' HTML kept for the next.
    build(scratch.root, tmp_path / "html", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    page = "content/services/email.md"
    scratch.write(page, scratch.path(page).read_text() + "\nOne more plain sentence.\n")
    build(scratch.root, tmp_path / "second", MINIMAL_AS_OF, cache=cache, stored=True, search=False)
    documents = [name for name in made if name.endswith(".pdf")]
    assert documents and len(documents) < len(list((tmp_path / "first").rglob("*.pdf")))
    monkeypatch.undo()
    build(scratch.root, tmp_path / "fresh", MINIMAL_AS_OF, cache=tmp_path / "none", search=False)
    assert files(tmp_path / "second") == files(tmp_path / "fresh")


def test_the_session_is_stored_from_a_forked_copy_and_waited_for(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`catalogpress build` stores its session from a forked copy of itself while it
    writes the site, and returns only once the copy has stored it; a copy that cannot
    be made stores it in the build's own process."""
    import os

    cache = tmp_path / "cache"
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        child = real_fork()
        if child:
            forks.append(child)
        return child

    monkeypatch.setattr(stored_session.os, "fork", fork)
    build(scratch.root, tmp_path / "site", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):  # the build waited for it already
        os.waitpid(forks[0], os.WNOHANG)
    assert load_session(cache).sizes()["pages"]
    assert [p.name for p in (cache / "session").iterdir()] == [
        stored_session._file(cache).name  # no temporary file left beside it
    ]

    def no_room() -> int:
        raise BlockingIOError("fork: resource temporarily unavailable")

    monkeypatch.setattr(stored_session.os, "fork", no_room)
    for path in (cache / "session").iterdir():
        path.unlink()
    build(scratch.root, tmp_path / "site", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    assert load_session(cache).sizes()["pages"]


def test_an_interrupted_save_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(stored_session.pickle, "dump", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_session(BuildSession(), tmp_path)
    assert list((tmp_path / "session").iterdir()) == []


def test_reading_the_kept_site_ahead_is_only_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read-ahead of the kept site opens regular files only (never waits on a pipe
    or follows a link out of the folder) and stops quietly when the folder goes."""
    import os
    import threading

    from catalogpress.write import writer

    spare = tmp_path / "spare"
    (spare / "services" / "email").mkdir(parents=True)
    (spare / "services" / "email" / "index.html").write_bytes(b"<p>kept</p>")
    os.mkfifo(spare / "a-pipe")  # opened, it would wait for a writer forever
    (spare / "outside").symlink_to(tmp_path)
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, *a: opened.append(path) or real_open(path, *a))
    reading = threading.Thread(target=writer._read_ahead, args=(spare,))
    reading.start()
    reading.join(timeout=10)
    assert not reading.is_alive()
    writer._read_ahead(tmp_path / "gone")  # no folder: nothing to do, no error
    assert opened == [str(spare / "services" / "email" / "index.html")]


def test_a_copy_that_hangs_while_storing_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build waits a bounded time for its forked copy: one that hangs is stopped,
    its half-written file removed, and the next build simply starts afresh."""
    import os
    import time

    def hangs(session: BuildSession, cache: Path) -> None:
        temp = stored_session._temp(stored_session._file(cache), os.getpid())
        temp.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(b"half a session")
        time.sleep(60)

    monkeypatch.setattr(stored_session, "SAVE_LIMIT", 0.5)
    monkeypatch.setattr(stored_session, "save_session", hangs)
    began = time.monotonic()
    stored_session.start_saving(BuildSession(), tmp_path)()
    assert time.monotonic() - began < 30
    assert list((tmp_path / "session").iterdir()) == []
    assert load_session(tmp_path).sizes()["sources"] == 0


def test_without_fork_or_fadvise_the_build_stores_and_writes_as_before(
    scratch: Scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system has neither (macOS lacks posix_fadvise), the session is stored
    in the build's own process and the kept site is not read ahead."""
    import os

    from catalogpress.write import writer

    started: list[object] = []
    monkeypatch.setattr(writer.threading, "Thread", lambda **kw: started.append(kw))
    monkeypatch.delattr(os, "fork")
    monkeypatch.delattr(os, "posix_fadvise")
    cache = tmp_path / "cache"
    for _ in range(3):  # the third build has a kept site (the first one's) to refresh
        build(scratch.root, tmp_path / "site", MINIMAL_AS_OF, cache=cache, stored=True, **OPTIONS)
    assert (cache / "spare-site").is_dir()
    assert load_session(cache).sizes()["pages"]
    assert started == []  # no read-ahead thread, which would have failed on its first file
