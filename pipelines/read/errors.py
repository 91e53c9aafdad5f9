"""What readers report: a whole file that cannot be used (raised), a part of one that cannot (kept)."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path


class FileError(ValueError):
    """`error` is a short category for quality.source_errors; `line_no` where the problem was seen."""

    def __init__(self, error: str, message: str, line_no: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.error = error
        self.line_no = line_no


@dataclass(frozen=True)
class ParseIssue:
    """A part of a file that could not be read (a row, a table); the rest of the file carries on."""

    line_no: int
    error: str
    message: str


# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


# A file is binary, not text, when more than this share of its first bytes are control bytes
# other than ESC (random or compressed bytes hold about 11 %): text with a few stray NULs or
# terminal escapes is read, with those bytes removed and reported.
BINARY_SHARE = 0.05
_SAMPLE = 4096
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0c\r\x1b") + b"\x7f"
# Terminal escape sequences (CSI, OSC, two-byte ESC) whole, then any other control character:
# what a text editor never writes, and what would drive a terminal that prints it.
_CONTROL_TEXT = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?"
    r"|[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]"
)
_ANY_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")
# Lines named in an issue about many; the rest are counted.
REPORTED_LINES = 5


def decode(data: bytes, what: str) -> tuple[str, list[ParseIssue]]:
    """Text of an input file, and the issues met decoding it.

    A byte-order mark decides the encoding of the whole file. Without one, each line is UTF-8 if
    it can be, else cp1252 (what Windows editors save), else latin-1, which reads any byte: a
    file with one bad line keeps every other line as it is. One issue, at the first line read
    otherwise, gives its byte offset and names the other lines. NUL bytes, terminal escape
    sequences and other control characters are removed and reported the same way; a file whose
    first bytes are more than BINARY_SHARE control bytes is binary, and refused.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise FileError(
                    "unreadable",
                    f"starts with a {encoding} byte-order mark but is not {encoding}: {exc.reason}",
                ) from exc
            issues = [] if encoding == "utf-8-sig" else [_not_utf8_file(encoding)]
            return text, issues
    sample = data[:_SAMPLE]
    if sample and sum(sample.count(byte) for byte in _CONTROL) > BINARY_SHARE * len(sample):
        raise FileError("unreadable", f"file is binary (control bytes such as NUL), not a {what}")
    issues = _nul_bytes(data) if b"\x00" in data else []
    data = data.replace(b"\x00", b"")
    try:
        return _without_controls(data.decode("utf-8"), issues)
    except UnicodeDecodeError:
        pass
    lines, offset, misread = [], 0, []
    for line_no, line in enumerate(data.splitlines(keepends=True), 1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            encoding = "cp1252" if _decodes(line, "cp1252") else "latin-1"
            lines.append(line.decode(encoding))
            misread.append((line_no, offset + exc.start, encoding))
        offset += len(line)
    return _without_controls("".join(lines), [*issues, _not_utf8_lines(misread)])


def _without_controls(text: str, issues: list[ParseIssue]) -> tuple[str, list[ParseIssue]]:
    """The text with control characters removed (escape sequences whole), one issue naming them."""
    if not _ANY_CONTROL.search(text):  # one character class: a fast scan of a clean text
        return text, issues
    first = _CONTROL_TEXT.search(text)
    if first is None:
        return text, issues
    found = [m.start() for m in _CONTROL_TEXT.finditer(text, first.start())]
    line_numbers, line_no, counted = [], 1, 0
    for start in found:
        line_no += text.count("\n", counted, start)
        line_numbers.append(line_no)
        counted = start
    others = f", and {len(found) - 1} more{_on_lines(line_numbers[1:])}" if len(found) > 1 else ""
    issue = ParseIssue(
        line_numbers[0],
        "control_bytes",
        f"control character {first.group()!r} (a terminal escape or a byte no editor writes) "
        f"at character {first.start()} removed{others}",
    )
    return _CONTROL_TEXT.sub("", text), [*issues, issue]


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _nul_bytes(data: bytes) -> list[ParseIssue]:
    found, line_no, counted, start = [], 1, 0, data.find(b"\x00")
    while start != -1:  # lines counted from the last NUL on: one pass however many there are
        line_no += data.count(b"\n", counted, start)
        found.append((line_no, start))
        counted, start = start, data.find(b"\x00", start + 1)
    line_no, offset = found[0]
    return [
        ParseIssue(
            line_no,
            "nul_byte",
            f"NUL byte at offset {offset} removed"
            + (
                f", and {len(found) - 1} more{_on_lines([n for n, _ in found[1:]])}"
                if len(found) > 1
                else ""
            ),
        )
    ]


def _not_utf8_lines(misread: list[tuple[int, int, str]]) -> ParseIssue:
    """One issue for the file, at its first line not in UTF-8, naming the others."""
    line_no, offset, _ = misread[0]
    encodings = sorted({how for _, _, how in misread})
    others = f"; also{_on_lines([n for n, _, _ in misread[1:]])}" if len(misread) > 1 else ""
    return ParseIssue(
        line_no,
        "encoding",
        f"not UTF-8 (byte at offset {offset}){others}; read as {' or '.join(encodings)} where not "
        "UTF-8, so check accented characters and re-save the file as UTF-8",
    )


def _on_lines(numbers: list[int]) -> str:
    numbers = sorted(set(numbers))
    shown = ", ".join(map(str, numbers[:REPORTED_LINES]))
    more = f" and {len(numbers) - REPORTED_LINES} more" if len(numbers) > REPORTED_LINES else ""
    return f" on line{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _not_utf8_file(encoding: str) -> ParseIssue:
    return ParseIssue(
        1,
        "encoding",
        f"not UTF-8; read as {encoding} (its byte-order mark), so re-save the file as UTF-8",
    )


def defect(exc: Exception) -> str:
    """An exception in one line a person can report: its type, message and where it was raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/pipelines/" in f.filename] or frames
    where = f" at {Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else ""
    text = str(exc).splitlines()[0][:120] if str(exc) else ""
    return f"{type(exc).__name__}{': ' + text if text else ''}{where}"
