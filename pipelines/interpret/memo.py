"""The one memo of bounded size, for what a worker keeps across batches: the terms a finder
found in a text, the term a text matches, the treatment an arm names, the record a title
resolves to.

A worker keeps one vocabulary and one record index per content key for every batch it parses,
so a memo keyed by printed text grows with the corpus unless bounded: the record index's, before
it was, grew by about 1.7 MB per 1 000-guide batch (distinct titles that match no record), some
850 MB over the 500 batches a worker of two parses at a million guides. A full memo is emptied:
the texts that repeat (a vocabulary's terms, arms, the works guides cite again and again) are
back within a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

MEMO_SIZE = 1 << 14

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


def remembered(memo: dict[Key, Value], key: Key, compute: Callable[[Key], Value]) -> Value:
    """`compute(key)`, from `memo` when it is there."""
    found = memo.get(key)
    if found is None:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        found = memo[key] = compute(key)
    return found
