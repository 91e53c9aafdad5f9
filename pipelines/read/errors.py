"""What readers report: a whole file that cannot be used (raised), a part of one that cannot (kept)."""

from __future__ import annotations

from dataclasses import dataclass


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


def decode(data: bytes, what: str) -> tuple[str, ParseIssue | None]:
    """Text of an input file, and an issue when it was not UTF-8.

    A byte-order mark decides; then UTF-8; then cp1252 (what Windows editors save), then latin-1,
    which reads any byte. NUL bytes without a mark mean binary, which is refused.
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
            return text, None if encoding == "utf-8-sig" else _not_utf8(encoding)
    if b"\x00" in data[:4096]:
        raise FileError("unreadable", f"file holds NUL bytes: binary, not a {what}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line_no = data[: exc.start].count(b"\n") + 1
        try:
            return data.decode("cp1252"), _not_utf8("cp1252", line_no, exc.start)
        except UnicodeDecodeError:
            return data.decode("latin-1"), _not_utf8("latin-1", line_no, exc.start)


def _not_utf8(encoding: str, line_no: int = 1, byte: int | None = None) -> ParseIssue:
    where = f" (first non-UTF-8 byte at offset {byte})" if byte is not None else ""
    return ParseIssue(
        line_no,
        "encoding",
        f"not UTF-8{where}; read as {encoding}, so check accented characters and re-save the file as UTF-8",
    )
