"""Only real images of a sensible size are published.

A file in content/images/ is copied to the site and may be printed into PDFs, so its
name must not lie about what it is (an .png that is really HTML or SVG would run script
on the site's origin) and its size must stay within what a page or a PDF can hold (a
12,000 x 12,000 picture took 1.2 GB to print). Pillow reads only the file's header to
tell both, so checking every image costs next to nothing.
"""

from __future__ import annotations

import warnings
from pathlib import Path

IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
MAX_SIDE = 8000  # pixels: twice a 4K screen's width
MAX_PIXELS = 40_000_000  # a 40-megapixel photograph


def image_problem(path: Path) -> str | None:
    """What is wrong with the image file at `path`, in plain words, or None."""
    from PIL import Image, UnidentifiedImageError  # only builds with images need Pillow

    expected = IMAGE_FORMATS.get(path.suffix.lower())
    if expected is None:
        kinds = ", ".join(sorted(IMAGE_FORMATS))
        return f"only images can be published from content/images/ (files ending {kinds})"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                found, (width, height) = image.format, image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own alarm, at twice our limit or more: too big, whatever its size.
        return (
            f"this image is too big for a page or a PDF (more than {MAX_PIXELS:,} pixels); "
            "make a smaller copy"
        )
    except UnidentifiedImageError:
        found, width, height = None, 0, 0
    except OSError as exc:
        if exc.errno is not None:  # the file system's error, not the file's content
            return f"cannot read this image ({exc.strerror or exc})"
        found, width, height = None, 0, 0  # a header Pillow cannot make sense of
    except SyntaxError:  # Pillow's word for some broken headers
        found, width, height = None, 0, 0
    if found is None:
        return (
            f"this file is not a {expected} image, although its name says so; export it "
            f"again as {expected}"
        )
    if found != expected:
        return (
            f"this file is a {found} image with a name ending {path.suffix}; rename it to "
            f"end {_suffix(found)}"
        )
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        return (
            f"this image is {width:,} x {height:,} pixels, too big for a page or a PDF "
            f"(at most {MAX_SIDE:,} pixels a side); make a smaller copy"
        )
    return None


def _suffix(image_format: str) -> str:
    return next(s for s, f in IMAGE_FORMATS.items() if f == image_format)
