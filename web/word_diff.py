"""A text change at word level: the words kept, removed and added, in reading order, so that a
one-word change strikes one word and not the paragraph."""

import difflib
import re
from dataclasses import dataclass
from typing import Literal

TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
"""Words, runs of space, and each other sign on its own."""

REWRITTEN = 0.5
"""Below this share of words in common, a text was rewritten: shown as the old text, then the
new, instead of words scattered between the few they share."""

PieceKind = Literal["same", "removed", "added"]


@dataclass(frozen=True, slots=True)
class Piece:
    kind: PieceKind
    text: str


def _pieces(kind: PieceKind, tokens: list[str]) -> list[Piece]:
    return [Piece(kind, "".join(tokens))] if tokens else []


def word_diff(old: str, new: str) -> list[Piece]:
    """`old` turned into `new`: kept, removed and added stretches of words, in order (a text
    rewritten from scratch: all of it removed, then all of the new added)."""
    before, after = TOKEN.findall(old), TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    if matcher.ratio() < REWRITTEN:
        return _pieces("removed", before) + _pieces("added", after)
    found: list[Piece] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            found += _pieces("same", before[i1:i2])
        else:
            found += _pieces("removed", before[i1:i2]) + _pieces("added", after[j1:j2])
    return _merged(found)


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Neighbours of one kind as one piece."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = Piece(piece.kind, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged
