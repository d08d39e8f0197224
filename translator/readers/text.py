"""Plain-text articles: one block a line, hard-wrapped paragraphs rejoined.

Scraped pages put one block on each line, with or without blank lines
between them.  A line is joined to the one before it only when that line
does not end a sentence and this one starts in lower case (a wrapped
paragraph).
"""

from __future__ import annotations

import re

from ..article import Article, Block

_TERMINATORS = tuple('.!?:;"”’»)…؟۔。！？।')
_BULLET = re.compile(r"^(\s*(?:[-*•+]|\d{1,3}[.)])\s+)(?=\S)")


def _continues(previous: str, line: str) -> bool:
    prev = previous.rstrip()
    if not prev or prev.endswith(_TERMINATORS) or _BULLET.match(line):
        return False
    first = line.lstrip()[:1]
    return first.islower()


def parse(path: str, source: str) -> Article:
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(source.split("\n"), start=1):
        if not line.strip():
            current = None
            continue
        if current is not None and current.kind != "list" and _continues(current.text, line):
            current.text += " " + line.strip()
            current.end_line = number
            continue
        bullet = _BULLET.match(line)
        if bullet:
            current = Block(
                "list", line[bullet.end() :].strip(), number, number, prefix=bullet.group(1)
            )
        else:
            current = Block("paragraph", line.strip(), number, number)
        blocks.append(current)
    return Article(path=path, format="text", blocks=blocks)
