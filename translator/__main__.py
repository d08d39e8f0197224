"""``python -m translator``: the same as the ``translator`` command."""

from .cli import main

main()
