"""What readers report: a whole file that cannot be used (raised), a part of one that cannot (kept)."""

from __future__ import annotations

from dataclasses import dataclass


class FileError(ValueError):
    """`error` is a short category for quality.source_errors; `line_no` where the problem was seen."""

    def __init__(self, error: str, message: str, line_no: int | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.line_no = line_no


@dataclass(frozen=True)
class ParseIssue:
    """A part of a file that could not be read (a row, a table); the rest of the file carries on."""

    line_no: int
    error: str
    message: str


def decode(data: bytes, what: str) -> str:
    """Inputs are UTF-8 (a BOM is tolerated); anything else is an unreadable file."""
    if b"\x00" in data[:4096]:
        raise FileError("unreadable", f"file holds NUL bytes: binary, not a {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = data[: exc.start].count(b"\n") + 1
        raise FileError(
            "unreadable", f"not valid UTF-8 at byte {exc.start}; re-save the file as UTF-8", line_no
        ) from exc
