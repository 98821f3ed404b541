"""Entry points: ``python -m geo ...``."""

from geo.cli.commands import main

__all__ = ["main"]
