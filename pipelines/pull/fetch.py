"""Remote sources: one http(s) URL fetched into the content-addressed landing cache.

One attempt per call; the pull task retries the attempts whose FetchError is transient.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchSettings:
    """The registry's [fetch] table; the defaults suit a product page or a PubMed export."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # for each read: a server that sends nothing for this long
    deadline: float = 300.0  # for the whole request: a server that drips slowly is cut off
    max_bytes: int = 128 * 2**20
    retries: int = 3
    backoff_seconds: float = 2.0
    parallel: int = 4  # URL sources fetched at once
    per_host: int = 2  # of those, at most this many from one host: polite to a product site

    def delays(self) -> list[float]:
        """Seconds before each retry: backoff, twice that, four times…"""
        return [self.backoff_seconds * 2**n for n in range(self.retries)]


# The user:password@ part of a URL: used to fetch, never stored or shown.
_CREDENTIALS = re.compile(r"(?i)\b(https?://)[^/?#@\s]*@")


def without_credentials(text: str) -> str:
    """A URL, or text holding URLs, with every user:password@ part left out."""
    return _CREDENTIALS.sub(r"\1", text) if "@" in text else text


class FetchError(Exception):
    """A fetch that failed; transient ones (network, timeouts, 5xx, cut-off bodies) are retried."""

    def __init__(self, error: str, message: str, *, transient: bool) -> None:
        message = without_credentials(message)
        super().__init__(message)
        self.error = error
        self.transient = transient


@dataclass(frozen=True)
class Landed:
    """A URL's bytes in the cache and how they got there."""

    url: str
    path: Path
    sha256: str
    bytes: int
    origin: str
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str | None = None  # when a cached copy was downloaded (ISO 8601, UTC)


@dataclass(frozen=True)
class LandingCache:
    """objects/<sha256> holds bytes; index/<sha256 of the URL>.json says which bytes a URL last had
    and its validators. Both are written to a temporary name and renamed, so a killed run leaves
    at most a file under tmp/, which the next run removes."""

    root: Path

    def lookup(self, url: str) -> Landed | None:
        """The cached copy of `url` if its bytes are there and intact."""
        found = self.find(url)
        return found if isinstance(found, Landed) else None

    def find(self, url: str) -> Landed | str | None:
        """The cached copy of `url`; or, when its bytes are there but damaged, why; or None.
        Hashed on every use, so bytes damaged on disk are never served."""
        try:
            entry = json.loads(self._index(url).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        path = self.root / "objects" / entry["sha256"]
        if not path.is_file():
            return None
        actual = sha256_file(path)
        if actual != entry["sha256"]:
            return f"{path} has sha256 {actual}, not the {entry['sha256']} it was stored under"
        return Landed(
            without_credentials(url),
            path,
            entry["sha256"],
            entry["bytes"],
            "cache",
            entry.get("etag"),
            entry.get("last_modified"),
            entry.get("fetched_at"),
        )

    def temporary(self) -> Path:
        folder = self.root / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{os.getpid()}-{uuid.uuid4().hex}.part"  # fetches run in threads

    def store(self, landed: Landed, partial: Path) -> Landed:
        objects = self.root / "objects"
        objects.mkdir(parents=True, exist_ok=True)
        path = objects / landed.sha256
        partial.replace(path)
        index = self._index(landed.url)
        index.parent.mkdir(parents=True, exist_ok=True)
        entry = {k: v for k, v in asdict(landed).items() if k not in ("path", "origin")}
        entry["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        temporary = index.with_name(f".{index.name}.{uuid.uuid4().hex}.tmp")
        temporary.write_text(json.dumps(entry, indent=2) + "\n", encoding="utf-8")
        temporary.replace(index)
        return replace(landed, path=path)

    def _index(self, url: str) -> Path:
        """Keyed by the URL without credentials, which the cache never holds, not even hashed."""
        key = hashlib.sha256(without_credentials(url).encode()).hexdigest()
        return self.root / "index" / f"{key}.json"


def fetch(url: str, cache: LandingCache, settings: FetchSettings, pin: str | None) -> Landed:
    """Download `url` unless the cached copy is still current (ETag / Last-Modified answered 304)."""
    cached = cache.lookup(url)
    headers = {"Accept-Encoding": "identity", "User-Agent": "dermevidence"}
    if cached and cached.etag:
        headers["If-None-Match"] = cached.etag
    if cached and cached.last_modified:
        headers["If-Modified-Since"] = cached.last_modified
    timeout = httpx.Timeout(
        settings.read_timeout, connect=settings.connect_timeout, pool=settings.connect_timeout
    )
    ends = time.monotonic() + settings.deadline
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=True) as client:
            response = _follow(client, url, headers)
            try:
                if response.status_code == 304 and cached:
                    return _checked(replace(cached, origin="not_modified"), pin)
                _raise_for_status(response, url)
                return _download(response, url, cache, settings, pin, ends)
            finally:
                response.close()
    except httpx.TimeoutException as exc:
        raise FetchError(
            "timeout",
            f"{url}: no answer within {_timeout_text(settings)} ({type(exc).__name__})",
            transient=True,
        ) from exc
    except httpx.RemoteProtocolError as exc:
        raise FetchError(
            "truncated", f"{url}: the connection broke off mid-response: {exc}", transient=True
        ) from exc
    except httpx.TransportError as exc:
        raise FetchError("network", f"{url}: {exc or type(exc).__name__}", transient=True) from exc


def serve_offline(url: str, cache: LandingCache, pin: str | None) -> Landed:
    """The cached copy of `url`, for --offline runs."""
    cached = _intact(url, cache)
    if cached is None:
        raise FetchError(
            "offline",
            f"{url}: --offline and not in the landing cache; run once online to fetch it",
            transient=False,
        )
    return _checked(cached, pin)


def serve_stale(url: str, cache: LandingCache, pin: str | None, failure: FetchError) -> Landed:
    """The last good copy of `url` when fetching it failed: the release keeps the source rather
    than losing it; the caller records that it is stale. Without one, `failure` stands."""
    cached = _intact(url, cache)
    if cached is None:
        raise failure
    return replace(_checked(cached, pin), origin="stale")


def _intact(url: str, cache: LandingCache) -> Landed | None:
    found = cache.find(url)
    if isinstance(found, str):
        raise FetchError(
            "damaged",
            f"{url}: the landing cache's copy is damaged ({found}); fetch it again online",
            transient=False,
        )
    return found


def _follow(client: httpx.Client, url: str, headers: dict[str, str]) -> httpx.Response:
    """Follow redirects ourselves so that one to file:, ftp: or any non-http(s) URL is refused."""
    _require_http(url, "unsupported", f"{url}: only http and https URLs can be fetched")
    for _ in range(MAX_REDIRECTS + 1):
        response = client.send(client.build_request("GET", url, headers=headers), stream=True)
        if response.status_code not in REDIRECTS:
            return response
        response.close()
        location = response.headers.get("Location")
        if not location:
            raise FetchError(
                "redirect", f"{url}: redirect without a Location header", transient=False
            )
        target = urljoin(url, location)
        _require_http(
            target,
            "redirect",
            f"{url}: redirect to {target!r} refused; only http and https are followed",
        )
        url = target
    raise FetchError("redirect", f"{url}: more than {MAX_REDIRECTS} redirects", transient=False)


def _require_http(url: str, error: str, message: str) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(error, message, transient=False)


def _raise_for_status(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if status != 200:
        raise FetchError(
            "http",
            f"{url}: server answered {status} {response.reason_phrase}",
            transient=status >= 500 or status == 429,
        )


def _download(
    response: httpx.Response,
    url: str,
    cache: LandingCache,
    settings: FetchSettings,
    pin: str | None,
    ends: float,
) -> Landed:
    length = response.headers.get("Content-Length", "")
    declared = int(length) if length.isdigit() else None
    if declared is not None and declared > settings.max_bytes:
        raise _too_large(url, f"declares {declared:,} bytes, more", settings)
    partial = cache.temporary()
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as handle:
            # Blocks as they arrive (a fixed size would wait for a slow server to fill it), so
            # the deadline is looked at after every read: a request ends within one read timeout
            # of it.
            for block in response.iter_bytes():
                if time.monotonic() > ends:
                    raise FetchError(
                        "timeout",
                        f"{url}: not finished within deadline = {settings.deadline:g} s "
                        f"({size:,} bytes received); a slow server is cut off and tried again",
                        transient=True,
                    )
                size += len(block)
                if size > settings.max_bytes:
                    raise _too_large(url, "sent more", settings)
                digest.update(block)
                handle.write(block)
        received = response.num_bytes_downloaded
        if declared is not None and received != declared:
            raise FetchError(
                "truncated",
                f"{url}: received {received:,} of the {declared:,} bytes announced",
                transient=True,
            )
        landed = Landed(
            without_credentials(url),
            partial,
            digest.hexdigest(),
            size,
            "downloaded",
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
        )
        _checked(landed, pin)
        return cache.store(landed, partial)
    finally:
        partial.unlink(missing_ok=True)


def _checked(landed: Landed, pin: str | None) -> Landed:
    if pin and landed.sha256 != pin.lower():
        raise FetchError(
            "checksum",
            f"{landed.url}: sha256 is {landed.sha256}, the registry pins {pin.lower()}; the file changed "
            "upstream: check it, then update the pin",
            transient=False,
        )
    return landed


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _too_large(url: str, what: str, settings: FetchSettings) -> FetchError:
    return FetchError(
        "too_large",
        f"{url}: {what} than max_bytes = {settings.max_bytes:,}; raise max_bytes in the registry if this is expected",
        transient=False,
    )


def _timeout_text(settings: FetchSettings) -> str:
    return f"connect {settings.connect_timeout:g} s / read {settings.read_timeout:g} s"
