"""A relay whose verdict on the password follows a script: healthy for a few runs,
then failing, then healthy again -- so a watch sees state changes without the test
sleeping or poking the relay at the right moment."""

from __future__ import annotations


class ScriptedUsers(dict[str, str]):
    """``users`` for a relay: the n-th AUTH gets the n-th verdict (the last repeats)."""

    def __init__(self, user: str, password: str, verdicts: list[bool]) -> None:
        super().__init__({user: password})
        self.verdicts = verdicts
        self.asked = 0

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        ok = self.verdicts[min(self.asked, len(self.verdicts) - 1)]
        self.asked += 1
        return super().get(key, default) if ok else "not-the-password"
