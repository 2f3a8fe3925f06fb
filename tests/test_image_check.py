"""Only real images of a sensible size are published (sources/image_check.py)."""

from __future__ import annotations

import pytest
from PIL import Image

from catalogpress.sources.image_check import image_problem


def save(path, size=(40, 30), kind="PNG", mode="RGB"):
    Image.new(mode, size).save(path, kind)
    return path


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.png", "PNG"),
        ("b.jpg", "JPEG"),
        ("c.jpeg", "JPEG"),
        ("d.gif", "GIF"),
        ("e.webp", "WEBP"),
        ("f.PNG", "PNG"),
    ],
)
def test_real_images_pass(tmp_path, name, kind):
    assert image_problem(save(tmp_path / name, kind=kind)) is None


def test_a_name_that_lies_about_the_format(tmp_path):
    assert image_problem(save(tmp_path / "photo.png", kind="JPEG")) == (
        "this file is a JPEG image with a name ending .png; rename it to end .jpg"
    )


@pytest.mark.parametrize(
    "content", [b"<html><script>alert(1)</script></html>", b"", b"\x89PNG\r\n\x1a\n broken"]
)
def test_a_file_that_is_not_an_image(tmp_path, content):
    path = tmp_path / "x.png"
    path.write_bytes(content)
    assert image_problem(path) == (
        "this file is not a PNG image, although its name says so; export it again as PNG"
    )


@pytest.mark.parametrize("name", ["logo.svg", "page.html", "app.js", "notes.txt", "x"])
def test_other_kinds_of_file_are_not_published(tmp_path, name):
    path = tmp_path / name
    path.write_text("<svg onload=alert(1)></svg>")
    assert image_problem(path).startswith("only images can be published from content/images/")


def test_a_huge_image_is_refused_before_it_reaches_a_pdf(tmp_path):
    long = save(tmp_path / "long.png", size=(9000, 10), mode="1")
    assert "9,000 x 10 pixels, too big" in image_problem(long)
    huge = save(tmp_path / "huge.png", size=(12_000, 12_000), mode="1")
    assert "too big for a page or a PDF" in image_problem(huge)
