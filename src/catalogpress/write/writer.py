"""Stage 5, write: the only module that writes the published site.

The new site is written into a folder beside the target and swapped in only
when complete, so a failed or interrupted build never leaves a half-written
site/ behind, and the previous site stays exactly as it was.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import posixpath
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from catalogpress.core.errors import Problem, SiteError
from catalogpress.render.outputs import Output, safe_relative

MARKER = ".catalogpress-build"


def check_output_dir(output: Path, project: Path) -> None:
    """Refuse output folders whose replacement would destroy sources."""
    output, project = output.resolve(), project.resolve()
    if output == project or output in project.parents:
        _refuse(output, "it contains the project itself")
    for source in ("content", "themes", "src", "tests", ".git"):
        if output == project / source or (project / source) in output.parents:
            _refuse(output, f"it is inside the project's {source}/ folder")
    if output.exists() and (
        not output.is_dir() or (any(output.iterdir()) and not (output / MARKER).exists())
    ):
        _refuse(
            output,
            "it already exists and was not made by catalogpress; choose another "
            "--output or remove it first",
        )


def _refuse(output: Path, why: str) -> None:
    raise SiteError([Problem(str(output), 0, "", f"cannot build into this folder: {why}")])


def write_site(
    outputs: Iterable[Output], copies: dict[str, Path], output: Path, spare: Path | None = None
) -> int:
    """Write rendered outputs and copied files as the new `output`; return files written.

    `spare`: where the site this one replaces is kept, to be made into the next build's
    new folder (`_Refresh`): a build then writes only the files that changed, and
    neither makes a folder a page afresh nor deletes the old site's (removing a
    1,000-page site's folders took longer than writing it). Without it, or where it
    cannot be kept (another file system), the old site is deleted."""
    output = output.resolve()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with _only_build_writing(output):
            return _swap_in(outputs, copies, output, spare)
    except OSError as exc:
        raise SiteError([os_problem(exc, output)]) from None


def _swap_in(
    outputs: Iterable[Output], copies: dict[str, Path], output: Path, spare: Path | None
) -> int:
    staging = output.with_name(f".{output.name}.new-{os.getpid()}")
    retired = output.with_name(f".{output.name}.old-{os.getpid()}")
    # Under the lock no other build is writing, so any staging or retired folder beside
    # the site is what a build killed outright (SIGKILL, power loss) left behind.
    for kind in ("new", "old"):
        for leftover in output.parent.glob(f".{output.name}.{kind}-*"):
            shutil.rmtree(leftover, ignore_errors=True)
    count = 0
    try:
        write = _Refresh(staging) if spare and _moved(spare, staging) else _Writer(staging)
        write(MARKER, b"Made by catalogpress; safe to delete.\n")
        for item in outputs:
            write(item.path, item.data)
            count += 1
        for site_path, source in sorted(copies.items()):
            write(site_path, source.read_bytes())
            count += 1
        write.finish()
        if output.exists():
            output.rename(retired)
        staging.rename(output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not output.exists():
            retired.rename(output)
        raise
    if not (spare and _moved(retired, spare)):
        shutil.rmtree(retired, ignore_errors=True)
    return count


def start_reading_ahead(spare: Path) -> None:
    """Have the kernel read the kept site (`spare`) back into memory, in a thread, while
    the build loads and renders: by the time it is refreshed into the new site, much of
    it was dropped from memory since the build before (a first look through a
    1,000-page site's folders took 0.19 s, against 0.02 s once they were read). A
    hint only: what moves or goes meanwhile is skipped."""
    # macOS has no posix_fadvise: there the kept site is simply read when refreshed.
    if hasattr(os, "posix_fadvise") and spare.is_dir() and not spare.is_symlink():
        threading.Thread(target=_read_ahead, args=(spare,), daemon=True).start()


def _read_ahead(root: Path) -> None:
    try:
        for entry in _entries(root):
            if entry.is_file(follow_symlinks=False):
                kept = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                try:
                    os.posix_fadvise(kept, 0, 0, os.POSIX_FADV_WILLNEED)
                finally:
                    os.close(kept)
    except OSError:
        pass


def _entries(root: Path) -> Iterator[os.DirEntry[str]]:
    """Everything in the folder `root` and below it, each folder's entries before the
    folders inside it are looked into; links are not followed."""
    folders = [str(root)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                yield entry


def _moved(source: Path, target: Path) -> bool:
    """Move folder `source` to `target` (gone before); False where it cannot be."""
    if not source.is_dir() or source.is_symlink():
        return False
    try:
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        source.rename(target)
    except OSError:
        return False
    return True


@contextmanager
def _only_build_writing(output: Path) -> Iterator[None]:
    """Hold a lock on the folder the site sits in (a lock on the folder itself, so no
    lock file is left beside the site); a second build writing there stops with a
    message instead of swapping folders under the first."""
    folder = os.open(output.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SiteError(
                [
                    Problem(
                        str(output),
                        0,
                        "",
                        "another catalogpress build is writing this folder right now; "
                        "wait for it to finish, then build again",
                    )
                ]
            ) from None
        yield
    finally:
        os.close(folder)  # closing releases the lock


_OS_REASONS = {
    errno.ENOSPC: "the disk is full; free some space, then build again",
    errno.EDQUOT: "the disk quota is used up; free some space, then build again",
    errno.EROFS: "the folder is read-only; build into another folder with --output DIR",
    errno.EACCES: "this user may not write there; build into another folder with --output DIR",
    errno.EPERM: "this user may not write there; build into another folder with --output DIR",
}


def os_problem(exc: OSError, near: Path) -> Problem:
    """A fault of the machine (disk full, read-only folder) as a Problem naming the file."""
    reason = _OS_REASONS.get(exc.errno or 0, f"{exc.strerror or exc}; check the folder and disk")
    return Problem(str(exc.filename or near), 0, "", f"cannot write here: {reason}")


class WrittenFiles:
    """A digest of what sync_site last wrote (or found) in each output folder, by site
    path, so a rebuild compares in memory instead of reading every file back.

    Digests rather than the bytes: holding the last site's bytes would keep a second
    copy of the site alive while a rebuild makes the next one. The bytes object of
    each page is kept too, but only until `forget_pages` (the render cache holds the
    very same objects until then, so this costs no memory): a page the render stage
    reused comes back as that object and needs neither hashing nor comparing.
    """

    def __init__(self) -> None:
        # folder -> site path -> (digest, the bytes written, while the render cache has them)
        self.folders: dict[Path, dict[str, tuple[bytes, bytes | None]]] = {}
        self.holding_pages = False  # whether any bytes are kept (forget_pages is then work)

    def forget_pages(self) -> None:
        """Keep only the digests: the pages' bytes are no longer the render cache's."""
        if not self.holding_pages:
            return
        self.holding_pages = False
        for files in self.folders.values():
            for site_path, (digest, _) in files.items():
                files[site_path] = (digest, None)

    def __len__(self) -> int:
        return sum(len(files) for files in self.folders.values())


def sync_site(
    outputs: Iterable[Output],
    copies: dict[str, Path],
    output: Path,
    memory: WrittenFiles | None = None,
) -> SyncReport:
    """Update `output` in place, writing only files whose bytes changed (the preview).

    Each file is replaced atomically (written beside it, then renamed), and files
    the site no longer has are removed. The caller keeps readers out while this
    runs if they must never see a mix of old and new files. `memory`: what earlier
    calls wrote, kept by the caller between them.
    """
    memory = memory if memory is not None else WrittenFiles()
    output = output.resolve()
    output.mkdir(parents=True, exist_ok=True)
    if not (output / MARKER).exists():
        (output / MARKER).write_text("Made by catalogpress; safe to delete.\n")
    first_sync = output not in memory.folders
    written = memory.folders.setdefault(output, {})
    wanted: dict[str, bytes | Path] = {o.path: o.data for o in outputs}
    wanted.update(copies)
    report = SyncReport(total=len(wanted))
    for site_path, content in sorted(wanted.items()):
        target = output.joinpath(*safe_relative(site_path).parts)
        known = written.get(site_path)
        if known is not None and known[1] is content and target.is_file():
            continue
        data = content.read_bytes() if isinstance(content, Path) else content
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if _sync_file(target, data, digest, known[0] if known else None):
            report.written.append(site_path)
        written[site_path] = (digest, None if isinstance(content, Path) else data)
        memory.holding_pages = memory.holding_pages or not isinstance(content, Path)
    if first_sync:  # files from before this process: look at everything once
        keep = {output.joinpath(*PurePosixPath(p).parts) for p in wanted} | {output / MARKER}
        stale = [p for p in output.rglob("*") if p.is_file() and p not in keep]
    else:
        stale = [output.joinpath(*PurePosixPath(p).parts) for p in set(written) - set(wanted)]
    for path in sorted(stale):
        path.unlink(missing_ok=True)
        written.pop(path.relative_to(output).as_posix(), None)
        report.removed.append(path.relative_to(output).as_posix())
        for folder in path.relative_to(output).parents:  # deepest first
            if folder != Path(".") and not any((output / folder).iterdir()):
                (output / folder).rmdir()
    return report


def _sync_file(target: Path, data: bytes, digest: bytes, known: bytes | None) -> bool:
    """Make `target` hold `data` (whose digest is `digest`), atomically; False when it
    already did. `known`: the digest of what this session last wrote there, if anything."""
    if known == digest and target.is_file():
        return False
    try:
        if known is None and target.is_file() and target.read_bytes() == data:
            return False
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return True


@dataclass
class SyncReport:
    total: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class _Writer:
    """Writes files into a new folder, making each subfolder once (a site has a folder
    a page: asking for every file's folder again was a sixth of the writing). Folders
    are known by their paths inside the site, as strings: pathlib's objects cost more
    than the writing, a thousand pages over."""

    def __init__(self, root: Path) -> None:
        root.mkdir()
        self.root = root
        self.made: set[str] = {""}

    def __call__(self, site_path: str, data: bytes) -> None:
        relative = safe_relative(site_path).as_posix()
        self._folder(relative)
        _write(self.root, relative, data)

    def _folder(self, relative: str) -> None:
        folder = posixpath.dirname(relative)
        if folder not in self.made:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
            while folder not in self.made:
                self.made.add(folder)
                folder = posixpath.dirname(folder)

    def finish(self) -> None:
        pass


class _Refresh(_Writer):
    """Makes an earlier site (`root`, moved where the new one is made) into the new
    one: a file that already holds the bytes wanted stays, any other is replaced
    (never written through: it may be linked elsewhere), and `finish` removes what
    was not wanted, and anything else than files and folders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made = {""}
        self.present: set[str] = set()
        self.wanted: set[str] = set()
        start = len(str(root)) + 1
        for entry in _entries(root):
            if entry.is_dir(follow_symlinks=False):
                self.made.add(entry.path[start:])
            elif entry.is_file(follow_symlinks=False):
                self.present.add(entry.path[start:])
            else:  # a link, a pipe...: nothing a site of ours holds
                os.unlink(entry.path)

    def __call__(self, site_path: str, data: bytes) -> None:
        relative = safe_relative(site_path).as_posix()
        self.wanted.add(relative)
        target = os.path.join(self.root, relative)
        if relative in self.present:
            with open(target, "rb") as kept:
                if kept.read() == data:
                    return
            os.unlink(target)
        elif relative in self.made:  # where a folder was, a file is wanted
            shutil.rmtree(target)
            inside = relative + "/"
            self.made = {f for f in self.made if f != relative and not f.startswith(inside)}
            self.present = {f for f in self.present if not f.startswith(inside)}
        else:
            folder = posixpath.dirname(relative)
            while folder and folder not in self.made:
                if folder in self.present:  # where a file was, a folder is wanted
                    os.unlink(os.path.join(self.root, folder))
                    self.present.discard(folder)
                folder = posixpath.dirname(folder)
        self._folder(relative)
        _write(self.root, relative, data)

    def finish(self) -> None:
        emptied: set[str] = set()
        for relative in self.present - self.wanted:
            os.unlink(os.path.join(self.root, relative))
            folder = posixpath.dirname(relative)
            while folder:
                emptied.add(folder)
                folder = posixpath.dirname(folder)
        for folder in sorted(emptied, key=lambda f: f.count("/"), reverse=True):
            path = os.path.join(self.root, folder)
            if os.path.isdir(path) and not os.listdir(path):
                os.rmdir(path)


def _write(root: Path, relative: str, data: bytes) -> None:
    """Write a file whose folder is there (the one place the new site is written);
    `relative`: its site path as `safe_relative` gave it, already checked."""
    with open(os.path.join(root, relative), "wb") as out:
        out.write(data)
