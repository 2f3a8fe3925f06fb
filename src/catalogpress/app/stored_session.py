"""The build session kept on disk, so that `catalogpress build` and `serve` start
where the last `catalogpress build` left off (the preview reads it but never
writes into the project).

What is kept is what a session holds between the preview's rebuilds (see
app/session.py) but the checked records: the parsed sources, the plain-language
findings and the syllables of the words graded, the rendered markdown, the
rendered pages and the PDF documents' HTML. Every entry is already checked
against the text it was made from (a source's whole text, a body's text, the
theme's digest and every input of the pages), so a stale entry is never used;
the file's name holds this format, catalogpress' version and Python's, so
another version starts afresh.

Lives in <project>/.catalogpress-cache/session/, beside the PDF cache, and is
safe to delete at any time; a file that cannot be read is ignored. It is a
pickle, which would run code if someone else could write it: so it is signed
with a key kept in the user's own cache folder (~/.cache/catalogpress), not in
the project, and a file whose signature does not match is not loaded.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import signal
import sys
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from catalogpress import __version__
from catalogpress.app.session import BuildSession
from catalogpress.core.collector import collector_paused

FORMAT = "5"  # bump when what is stored changes its layout or meaning
FOLDER = "session"
SIGNATURE = 32  # bytes of HMAC-SHA256 at the start of the file
CHUNK = 1 << 20
# Seconds a build waits for the forked copy storing its session (a 10,000-service session
# is stored in a few seconds).
SAVE_LIMIT = 120.0


def _file(cache: Path) -> Path:
    python = "".join(map(str, sys.version_info[:2]))
    return cache / FOLDER / f"session-{FORMAT}-{__version__}-py{python}.pickle"


def _key() -> bytes | None:
    """This user's signing key, made on first use; None when it cannot be kept."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "catalogpress"
    path = home / "session-key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        pass
    try:
        home.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(key.hex())
        os.replace(temp, path)
        return bytes.fromhex(path.read_text().strip())  # another process may have won
    except (OSError, ValueError):
        return None


def load_session(cache: Path) -> BuildSession:
    """The session stored in `cache`, or a fresh one."""
    session = BuildSession()
    key = _key()
    if key is None:
        return session
    # Read twice, in chunks, rather than whole: a big catalog's session is hundreds of
    # megabytes, which must not be held as bytes beside the objects made from them.
    try:
        with _file(cache).open("rb") as stored:
            signature = stored.read(SIGNATURE)
            check = hmac.new(key, digestmod=hashlib.sha256)
            while chunk := stored.read(CHUNK):
                check.update(chunk)
            if not hmac.compare_digest(signature, check.digest()):
                return session
            stored.seek(SIGNATURE)
            state = _unpickled(stored)
        _restore(session, state)
    except OSError:
        return session
    except Exception:  # noqa: BLE001 - a file that cannot be used is only a slower build
        return BuildSession()
    return session


def _unpickled(stored: BinaryIO) -> Any:
    """The stored state, loaded with the cyclic collector paused: its million objects
    have no cycles, and the collector ran over them again and again (0.2-0.7 s of loading a
    1,000-service session, against 0.1-0.15 s without)."""
    with collector_paused():
        return pickle.load(stored)  # noqa: S301 - signed with this user's own key


def save_session(session: BuildSession, cache: Path) -> None:
    """Store `session` in `cache` (atomically); a cache that cannot be written only
    makes the next build slower."""
    key = _key()
    if key is None:
        return
    target = _file(cache)
    temp = _temp(target, os.getpid())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob("session-*.pickle"):  # other versions' files
            if old != target:
                old.unlink(missing_ok=True)
        # Pickled straight into the file, signed as it goes: never whole in memory.
        with temp.open("wb") as out:
            out.write(bytes(SIGNATURE))
            signed = _Signed(out, hmac.new(key, digestmod=hashlib.sha256))
            pickle.dump(_state(session), signed, protocol=pickle.HIGHEST_PROTOCOL)
            out.seek(0)
            out.write(signed.check.digest())
        os.replace(temp, target)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        temp.unlink(missing_ok=True)
    except BaseException:  # interrupted: leave no half-written file behind
        temp.unlink(missing_ok=True)
        raise


def start_saving(session: BuildSession, cache: Path) -> Callable[[], None]:
    """Store `session` in `cache` from a forked copy of this process, while this one
    goes on (writing the site); return the function that waits until it is stored.

    Pickling and signing a 1,000-service session takes 0.3-0.45 s, which the build
    otherwise spent after writing its pages, with nothing else to do on this core
    but wait for Pagefind. The copy shares this process' memory until either writes
    to it, and touches nothing but the session and its own file."""
    try:
        child = os.fork()
    except (OSError, AttributeError):  # no room for another process, or no fork: store here
        save_session(session, cache)
        return lambda: None
    if child == 0:  # pragma: no cover - runs in the forked copy, which never returns
        try:
            save_session(session, cache)
        finally:
            os._exit(0)

    def wait() -> None:
        _wait_for(child, _temp(_file(cache), child))

    return wait


def _temp(target: Path, pid: int) -> Path:
    """Where process `pid` writes the session before it replaces `target`."""
    return target.with_name(f"{target.name}.{pid}.tmp")


def _wait_for(child: int, temp: Path) -> None:
    """Wait for the copy storing the session, at most SAVE_LIMIT seconds. A copy that
    takes longer is stopped (the next build starts afresh): the build must return even
    if the copy hangs, which a process forked beside running threads may, in principle."""
    deadline = time.monotonic() + SAVE_LIMIT
    pause = 0.001
    try:
        while os.waitpid(child, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
                temp.unlink(missing_ok=True)
                return
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
    except ChildProcessError:  # already waited for
        pass


class _Signed:
    """A file to write the pickle to that signs every byte on its way."""

    def __init__(self, out: BinaryIO, check: hmac.HMAC) -> None:
        self.out, self.check = out, check

    def write(self, data: bytes) -> int:
        self.check.update(data)
        return self.out.write(data)


class _Strong:
    """A weak reference, stored as the object it refers to."""

    def __init__(self, referent: object) -> None:
        self.referent = referent


def _strong(value: Any) -> Any:
    if isinstance(value, weakref.ref):
        referent = value()
        if referent is None:
            raise TypeError("a weakly referenced object is gone")
        return _Strong(referent)
    if isinstance(value, tuple):
        return tuple(_strong(item) for item in value)
    return value


def _weak(value: Any) -> Any:
    if isinstance(value, _Strong):
        return weakref.ref(value.referent)
    if isinstance(value, tuple):
        return tuple(_weak(item) for item in value)
    return value


def _state(session: BuildSession) -> dict[str, Any]:
    """What is stored: one pickle, so a document shared by several caches stays one
    object (the caches recognise an unchanged source by its document's identity)."""
    # The checked records are not kept: 290,000 small objects at 1,000 services, they
    # took longer to pickle and load again (1.1 s) than to check afresh (0.9 s), and
    # pickle's memo of them was most of the memory a big catalog's save took.
    try:
        pages = (_strong(session.pages.inputs), session.pages.outputs)
        documents = (_strong(session.documents.inputs), session.documents.outputs)
    except TypeError:
        pages = documents = (None, {})
    return {
        "sources": session.sources.entries(),
        "findings": session.findings.entries(),
        "syllables": session.findings.syllables.counts,
        "bodies": session.bodies.bodies,
        "pages": pages,
        "documents": documents,
    }


def _restore(session: BuildSession, state: dict[str, Any]) -> None:
    session.sources.restore(state["sources"])
    session.findings.restore(state["findings"])
    session.findings.syllables.counts = state["syllables"]
    session.bodies.bodies = state["bodies"]
    inputs, outputs = state["pages"]
    session.pages.inputs, session.pages.outputs = _weak(inputs), outputs
    inputs, outputs = state["documents"]
    session.documents.inputs, session.documents.outputs = _weak(inputs), outputs
    # The stored documents must outlive this function: the sources cache holds them.
