"""`python -m catalogpress ...`: the same as the `catalogpress` command."""

from .cli import main

main()
