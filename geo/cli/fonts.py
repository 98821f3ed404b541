"""``python -m geo fonts prepare``: cut the Chinese font for the exports at install time.

The bundled Noto Sans SC is a variable font; the static Regular and Bold that matplotlib needs
take 35-70 s to cut. The install script and ``make run`` call this command once, so that the
first export of a fresh install does not wait; without it, the first export says why it waits.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Final

from geo.text.fonts import cjk_font_ready, prepare_cjk_font

__all__ = ["add_fonts_parser", "note_font_preparation"]

EXIT_OK = 0

_TEXT: Final = {
    "zh": {
        "preparing": "正在准备导出用的中文字体（思源黑体 Noto Sans SC，仅此一次，约需一分钟）……",
        "ready": "中文字体已就绪：{family}（{where}，用时 {seconds:.0f} 秒）",
        "system": "系统字体",
    },
    "en": {
        "preparing": "Preparing the Chinese font for exports (Noto Sans SC; once only, "
        "about a minute)...",
        "ready": "Chinese font ready: {family} ({where}, {seconds:.0f} s)",
        "system": "system font",
    },
}


def add_fonts_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``fonts prepare [--into FOLDER]`` to the subcommands."""
    command = sub.add_parser("fonts", parents=[common], help=run_fonts.__doc__)
    command.add_argument("action", choices=("prepare",), help="prepare: cut the font now")
    command.add_argument(
        "--into", type=Path, metavar="FOLDER", help="where to write the font files"
    )
    command.set_defaults(run=run_fonts)


def run_fonts(args: argparse.Namespace) -> int:
    """Prepare the Chinese font of the exports now rather than at the first export."""
    text = _TEXT[args.lang]
    started = time.monotonic()
    note_font_preparation(args.lang)
    font = prepare_cjk_font(args.into)
    where = text["system"] if font.source != "bundled" else str(font.regular.parent)
    seconds = time.monotonic() - started
    print(text["ready"].format(family=font.family, where=where, seconds=seconds))
    return EXIT_OK


def note_font_preparation(lang: str) -> None:
    """Say on stderr that the font is being prepared, when it is not ready yet."""
    if not cjk_font_ready():
        print(_TEXT[lang]["preparing"], file=sys.stderr, flush=True)
