"""Reading a large HSDS JSON file record by record, never holding the whole file.

An array of records is decoded one item at a time from a window of about a megabyte of text
(`json.JSONDecoder.raw_decode`), and NDJSON (`.ndjson`, `.jsonl`) one line at a time. A page
with `contents` (what `GET /hsds/services` answers) is small, and is read whole. A problem is
reported with its line and column in the file, as `json.load` would.
"""

import json
from collections.abc import Iterator
from typing import Any, TextIO

WINDOW = 1 << 20
"""Characters read at a time."""

NDJSON_SUFFIXES = (".ndjson", ".jsonl")
WHITESPACE = " \t\n\r"


class Malformed(ValueError):
    """Text that is not the JSON expected: `line` and `column` in the file (1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class _Window:
    """The unread part of a file, and where it starts in the file (for line and column)."""

    def __init__(self, file: TextIO) -> None:
        self.file = file
        self.text = ""
        self.at = 0
        self.ended = False
        self.lines_before = 0
        """Newlines in the text already dropped."""
        self.column_before = 0
        """Characters after the last dropped newline."""

    def more(self) -> bool:
        """Read the next part; False at the end of the file."""
        if self.ended:
            return False
        part = self.file.read(WINDOW)
        if not part:
            self.ended = True
            return False
        dropped = self.text[: self.at]
        newlines = dropped.count("\n")
        self.lines_before += newlines
        tail = len(dropped) - dropped.rfind("\n") - 1 if newlines else len(dropped)
        self.column_before = tail if newlines else self.column_before + tail
        self.text = self.text[self.at :] + part
        self.at = 0
        return True

    def next_char(self) -> str:
        """The next character that is not white space ('' at the end), left unread."""
        while True:
            while self.at < len(self.text) and self.text[self.at] in WHITESPACE:
                self.at += 1
            if self.at < len(self.text):
                return self.text[self.at]
            if not self.more():
                return ""

    def error(self, message: str, at: int | None = None) -> Malformed:
        position = self.at if at is None else at
        newlines = self.text.count("\n", 0, position)
        if newlines:
            column = position - self.text.rfind("\n", 0, position)
        else:
            column = self.column_before + position + 1
        return Malformed(message, self.lines_before + newlines + 1, column)


def _value(window: _Window, decoder: json.JSONDecoder) -> Any:
    """Decode the value at the window's position; read on while it may not be whole."""
    while True:
        try:
            value, end = decoder.raw_decode(window.text, window.at)
        except json.JSONDecodeError as error:
            if window.more():
                continue
            raise window.error(error.msg, error.pos) from None
        if not _followed(window.text, end) and window.more():
            continue  # a number cut by the window's end ("0." of "0.125"): decode it whole
        window.at = end
        return value


def _followed(text: str, end: int) -> bool:
    """Whether an item's end is followed by what may follow it in an array: `,` or `]`."""
    while end < len(text) and text[end] in WHITESPACE:
        end += 1
    return text[end : end + 1] in (",", "]")


def json_array_items(file: TextIO) -> Iterator[Any]:
    """The items of the JSON array that `file` holds, one at a time."""
    window = _Window(file)
    decoder = json.JSONDecoder()
    if window.next_char() != "[":
        raise window.error("Expecting '['")
    window.at += 1
    if window.next_char() == "]":
        window.at += 1
    else:
        while True:
            yield _value(window, decoder)
            separator = window.next_char()
            window.at += 1
            if separator == "]":
                break
            if separator != ",":
                raise window.error("Expecting ',' delimiter", window.at - 1)
            window.next_char()
    if window.next_char():
        raise window.error("Extra data")


def ndjson_items(file: TextIO) -> Iterator[Any]:
    """One JSON value per line; blank lines are skipped."""
    for number, line in enumerate(file, start=1):
        if line.strip():
            try:
                yield json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as error:
                raise Malformed(error.msg, number, error.colno) from None


def starts_with_array(file: TextIO) -> bool:
    """Whether the file's first character that is not white space is `[` (the file is rewound)."""
    while True:
        part = file.read(4096)
        stripped = part.lstrip(WHITESPACE)
        if stripped or not part:
            file.seek(0)
            return stripped.startswith("[")
