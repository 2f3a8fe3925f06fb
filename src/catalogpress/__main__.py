"""`python -m catalogpress ...`: the same as the `catalogpress` command."""

from catalogpress.app.cli import run

run()
