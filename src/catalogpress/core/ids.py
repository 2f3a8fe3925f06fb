"""What an id may look like: the one rule for service ids, page slugs and file names."""

from __future__ import annotations

import re

SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 64


def is_id(text: str) -> bool:
    """Lowercase letters, digits and single hyphens, starting with a letter, 64 at most."""
    return len(text) <= MAX_ID_LENGTH and SLUG_RE.match(text) is not None
