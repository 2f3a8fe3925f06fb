"""The content images: the one scan of content/images/ that decides what is published.

The model links to these files and the writer copies exactly these, so a file the
site cannot link to (a stray .psd, an editor's backup) is never published either.
"""

from __future__ import annotations

from pathlib import Path

from catalogpress.core.errors import Problems
from catalogpress.sources.image_check import image_problem

FOLDER = "images"  # under content/; also the site folder they are published in


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path`, links followed, is inside the folder `root`."""
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


OUTSIDE_LINK = "this link points outside the project; copy the file into the project instead"


def refused_link(path: Path, root: Path, rel: str, problems: Problems) -> bool:
    """A link in content/ that leads out of the project is an error, never followed."""
    if path.is_symlink() and not is_inside(path, root):
        problems.add(
            rel,
            0,
            "",
            "this link points outside the project; copy the file into the project instead",
        )
        return True
    return False


def scan_images(root: Path, problems: Problems) -> dict[str, Path]:
    """Every image in content/images/ by its site path ("images/x.png").

    A file that is not a real image of a sensible size (see image_check.py), and a
    link that points outside the project, is an error naming the file.
    """
    root = root.resolve()
    folder = root / "content" / FOLDER
    images: dict[str, Path] = {}
    if not folder.is_dir():
        return images
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if refused_link(path, root, rel, problems):
            continue
        if path.is_dir() or path.name.startswith("."):  # dot files: editor swap files and such
            continue
        wrong = image_problem(path)
        if wrong is not None:  # never published: an .svg or .html here would run script
            problems.add(rel, 0, "", wrong)
            continue
        images[f"{FOLDER}/{path.relative_to(folder).as_posix()}"] = path
    return images


UNEXPECTED_FILE = (
    "unexpected file (expected content/glossary.md, "
    "content/{services,slas,pages}/<id>.md or images in content/images/)"
)
