"""Themes cannot reach outside the project: no links out of it, no Python internals."""

from __future__ import annotations

import os

import pytest

from catalogpress.app.build import build
from catalogpress.core.errors import SiteError

from .conftest import MINIMAL_AS_OF, Scratch

OVERRIDE = "themes/default/templates/page.html"


def build_scratch(scratch: Scratch, tmp_path):
    return build(scratch.root, tmp_path / "out", MINIMAL_AS_OF, pdf=False, search=False)


@pytest.mark.parametrize("folder", ["static", "templates", "pdf"])
def test_a_theme_link_leading_outside_the_project_is_refused(scratch, tmp_path, folder):
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    link = scratch.path(f"themes/default/{folder}/stolen.css")
    link.parent.mkdir(parents=True)
    os.symlink(secret, link)
    with pytest.raises(SiteError) as caught:
        build_scratch(scratch, tmp_path)
    [problem] = caught.value.problems
    assert problem.file == f"themes/default/{folder}/stolen.css"
    assert "points outside the project" in problem.message
    assert not (tmp_path / "out").exists()


def test_a_theme_link_inside_the_project_is_fine(scratch, tmp_path):
    link = scratch.path("themes/default/static/logo.png")
    link.parent.mkdir(parents=True)
    os.symlink(scratch.path("content/images/server.png"), link)
    build_scratch(scratch, tmp_path)
    assert (tmp_path / "out/assets/logo.png").read_bytes() == scratch.path(
        "content/images/server.png"
    ).read_bytes()


ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('echo pwned > /tmp/pwned').read() }}",
    "{{ url.__globals__ }}",
    "{{ site.__class__.__init__.__globals__ }}",
    "{{ ''.format.__self__ }}{{ '{0.__class__}'.format(site) }}",
]


@pytest.mark.parametrize("expression", ESCAPES)
def test_a_theme_template_cannot_reach_python_internals(scratch, tmp_path, expression):
    scratch.write(
        OVERRIDE,
        f'{{% extends "default/page.html" %}}{{% block main %}}{expression}{{% endblock %}}',
    )
    with pytest.raises(SiteError) as caught:
        build_scratch(scratch, tmp_path)
    messages = [p.message for p in caught.value.problems]
    assert messages and all("template error" in m for m in messages), messages
    assert any("is unsafe" in m or "has no attribute" in m for m in messages), messages
    assert not os.path.exists("/tmp/pwned")
