"""The matchers' memo: each key computed once while remembered, never more than MEMO_SIZE kept."""

from __future__ import annotations

from pipelines.interpret.memo import MEMO_SIZE, remembered


def test_a_key_is_computed_once_and_a_full_memo_starts_again() -> None:
    calls: list[str] = []

    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    memo: dict[str, str] = {}
    assert [remembered(memo, key, upper) for key in ("a", "b", "a")] == ["A", "B", "A"]
    assert calls == ["a", "b"]
    for number in range(MEMO_SIZE):
        remembered(memo, f"k{number}", upper)
    assert sorted(memo) == [f"k{MEMO_SIZE - 2}", f"k{MEMO_SIZE - 1}"]  # full, emptied, refilled
    assert remembered(memo, "a", upper) == "A" and calls[-1] == "a"
