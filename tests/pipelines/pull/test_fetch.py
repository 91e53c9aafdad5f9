"""Fetching one URL into the landing cache, against a real HTTP server on 127.0.0.1 (one attempt
per call; retries are the pull task's, tested with the flow in test_remote_sources.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.pull.fetch import (
    FetchError,
    FetchSettings,
    LandingCache,
    fetch,
    serve_offline,
    serve_stale,
)
from tests.remote_server import RemoteServer

# Timeouts far above what a local answer takes on a loaded machine; the tests of timeouts make
# their own short ones against a server scripted to be slower still.
SETTINGS = FetchSettings(connect_timeout=30, read_timeout=30, max_bytes=4096, retries=0)
SHORT = replace(SETTINGS, connect_timeout=2, read_timeout=0.5)
BODY = b"Table 1: Comparative efficacy\n" * 10


@pytest.fixture
def server() -> Iterator[RemoteServer]:
    with RemoteServer() as running:
        running.script.files["/guide.txt"] = BODY
        yield running


@pytest.fixture
def cache(tmp_path: Path) -> LandingCache:
    return LandingCache(tmp_path / "landing")


def leftovers(cache: LandingCache) -> list[str]:
    """Files in the cache other than complete objects and index entries."""
    return sorted(
        str(p.relative_to(cache.root))
        for p in cache.root.rglob("*")
        if p.is_file() and p.parent.name not in ("objects", "index")
    )


def test_a_good_file_lands_under_its_checksum(server: RemoteServer, cache: LandingCache) -> None:
    landed = fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    digest = hashlib.sha256(BODY).hexdigest()
    assert (landed.origin, landed.sha256, landed.bytes) == ("downloaded", digest, len(BODY))
    assert landed.path == cache.root / "objects" / digest
    assert landed.path.read_bytes() == BODY
    assert leftovers(cache) == []


def test_an_unchanged_file_is_revalidated_with_a_304(
    server: RemoteServer, cache: LandingCache
) -> None:
    first = fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    second = fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    assert second.origin == "not_modified"
    assert (second.path, second.sha256) == (first.path, first.sha256)
    assert server.script.conditional["/guide.txt"] == 1


def test_a_changed_file_is_downloaded_again(server: RemoteServer, cache: LandingCache) -> None:
    fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    server.script.files["/guide.txt"] = BODY + b"one more line\n"
    again = fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    assert again.origin == "downloaded"
    assert again.sha256 == hashlib.sha256(BODY + b"one more line\n").hexdigest()


def test_a_changed_file_against_its_pin_is_rejected_and_leaves_nothing(
    server: RemoteServer, cache: LandingCache
) -> None:
    pin = hashlib.sha256(BODY).hexdigest()
    fetch(server.url("/guide.txt"), cache, SETTINGS, pin)
    server.script.files["/guide.txt"] = b"a different page\n"
    with pytest.raises(FetchError) as raised:
        fetch(server.url("/guide.txt"), cache, SETTINGS, pin)
    changed = hashlib.sha256(b"a different page\n").hexdigest()
    assert raised.value.error == "checksum" and not raised.value.transient
    assert f"sha256 is {changed}, the registry pins {pin}" in str(raised.value)
    assert not (cache.root / "objects" / changed).exists()
    assert leftovers(cache) == []
    assert cache.lookup(server.url("/guide.txt")).sha256 == pin


def test_a_500_is_transient(server: RemoteServer, cache: LandingCache) -> None:
    server.script.failures["/guide.txt"] = 1
    with pytest.raises(FetchError) as raised:
        fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    assert (raised.value.error, raised.value.transient) == ("http", True)
    assert "server answered 500" in str(raised.value)
    assert fetch(server.url("/guide.txt"), cache, SETTINGS, None).origin == "downloaded"


def test_a_404_is_not_retried(server: RemoteServer, cache: LandingCache) -> None:
    with pytest.raises(FetchError) as raised:
        fetch(server.url("/gone.txt"), cache, SETTINGS, None)
    assert (raised.value.error, raised.value.transient) == ("http", False)
    assert "server answered 404 Not Found" in str(raised.value)


def test_a_slow_answer_times_out(server: RemoteServer, cache: LandingCache) -> None:
    server.script.delays["/guide.txt"] = 2.0
    with pytest.raises(FetchError) as raised:
        fetch(server.url("/guide.txt"), cache, SHORT, None)
    assert (raised.value.error, raised.value.transient) == ("timeout", True)
    assert "no answer within connect 2 s / read 0.5 s" in str(raised.value)
    assert leftovers(cache) == []


def test_a_server_that_drips_is_cut_off_at_the_deadline(
    server: RemoteServer, cache: LandingCache
) -> None:
    server.script.drip["/guide.txt"] = 0.05  # each read well inside read_timeout = 30
    with pytest.raises(FetchError) as raised:  # the whole body would take 15 s
        fetch(server.url("/guide.txt"), cache, replace(SETTINGS, deadline=0.6), None)
    assert (raised.value.error, raised.value.transient) == ("timeout", True)
    assert "not finished within deadline = 0.6 s" in str(raised.value)
    assert leftovers(cache) == []


def test_a_truncated_body_is_transient_and_leaves_nothing(
    server: RemoteServer, cache: LandingCache
) -> None:
    server.script.truncated.add("/guide.txt")
    with pytest.raises(FetchError) as raised:
        fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    assert (raised.value.error, raised.value.transient) == ("truncated", True)
    assert cache.lookup(server.url("/guide.txt")) is None
    assert leftovers(cache) == []


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
def test_an_oversized_body_is_refused(
    server: RemoteServer, cache: LandingCache, declared: bool
) -> None:
    server.script.files["/big.txt"] = b"x" * (SETTINGS.max_bytes + 1)
    if not declared:
        server.script.undeclared.add("/big.txt")
    with pytest.raises(FetchError) as raised:
        fetch(server.url("/big.txt"), cache, SETTINGS, None)
    assert (raised.value.error, raised.value.transient) == ("too_large", False)
    expected = "declares 4,097 bytes, more than" if declared else "sent more than"
    assert f"{expected} max_bytes = 4,096" in str(raised.value)
    assert not (cache.root / "objects").exists() or not any((cache.root / "objects").iterdir())
    assert leftovers(cache) == []


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/guide.txt"])
def test_a_redirect_to_another_scheme_is_refused(
    server: RemoteServer, cache: LandingCache, target: str
) -> None:
    server.script.redirects["/moved"] = target
    with pytest.raises(FetchError) as raised:
        fetch(server.url("/moved"), cache, SETTINGS, None)
    assert raised.value.error == "redirect" and not raised.value.transient
    assert f"redirect to '{target}' refused" in str(raised.value)


def test_an_http_redirect_is_followed(server: RemoteServer, cache: LandingCache) -> None:
    server.script.redirects["/moved"] = "/guide.txt"
    landed = fetch(server.url("/moved"), cache, SETTINGS, None)
    assert landed.path.read_bytes() == BODY
    assert cache.lookup(server.url("/moved")).sha256 == landed.sha256


def test_offline_serves_the_cache_and_names_what_it_lacks(
    server: RemoteServer, cache: LandingCache
) -> None:
    fetched = fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    before = sum(server.script.requests.values())
    assert serve_offline(server.url("/guide.txt"), cache, None).path == fetched.path
    with pytest.raises(FetchError) as raised:
        serve_offline(server.url("/never.txt"), cache, None)
    assert raised.value.error == "offline"
    assert "/never.txt: --offline and not in the landing cache" in str(raised.value)
    assert sum(server.script.requests.values()) == before


@pytest.mark.parametrize("damage", ["deleted", "overwritten"])
def test_a_cache_entry_whose_object_is_gone_or_damaged_is_fetched_unconditionally(
    server: RemoteServer, cache: LandingCache, damage: str
) -> None:
    landed = fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    if damage == "deleted":
        landed.path.unlink()
    else:
        landed.path.write_bytes(b"X" * len(BODY))
    assert cache.lookup(server.url("/guide.txt")) is None
    again = fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    assert again.origin == "downloaded" and again.path.read_bytes() == BODY
    assert server.script.conditional["/guide.txt"] == 0


def test_a_damaged_cached_copy_is_reported_as_damaged_never_served(
    server: RemoteServer, cache: LandingCache
) -> None:
    landed = fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    landed.path.chmod(0o644)
    landed.path.write_bytes(b"X" * len(BODY))  # the same size, other bytes
    with pytest.raises(FetchError) as offline:
        serve_offline(server.url("/guide.txt"), cache, None)
    assert offline.value.error == "damaged"
    assert f"the landing cache's copy is damaged ({landed.path} has sha256 " in str(offline.value)
    failure = FetchError("http", "server answered 503", transient=True)
    with pytest.raises(FetchError) as stale:
        serve_stale(server.url("/guide.txt"), cache, None, failure)
    assert stale.value.error == "damaged"


def test_a_failed_fetch_is_served_stale_from_the_last_good_copy_or_fails_as_it_was(
    server: RemoteServer, cache: LandingCache
) -> None:
    first = fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    server.script.failures["/guide.txt"] = 5
    with pytest.raises(FetchError) as failed:
        fetch(server.url("/guide.txt"), cache, SETTINGS, None)
    stale = serve_stale(server.url("/guide.txt"), cache, None, failed.value)
    assert (stale.origin, stale.sha256, stale.path.read_bytes()) == ("stale", first.sha256, BODY)
    assert stale.fetched_at is not None
    with pytest.raises(FetchError) as pinned:  # a stale copy still answers to the pin
        serve_stale(server.url("/guide.txt"), cache, "0" * 64, failed.value)
    assert pinned.value.error == "checksum"
    with pytest.raises(FetchError) as never:
        serve_stale(server.url("/never.txt"), cache, None, failed.value)
    assert never.value is failed.value
