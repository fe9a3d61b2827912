"""The response cache: validated raw answers stored by content key, so no call is made twice."""

from __future__ import annotations

import json
from pathlib import Path

from courseware.writer import Writer


class ResponseCache:
    """`<dir>/<key[:2]>/<key>.json`, written atomically; an unreadable entry is a miss."""

    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, key: str) -> dict | None:
        path = self.folder / key[:2] / f"{key}.json"
        try:
            entry = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("answer"), str):
            return None
        return entry

    def put(self, key: str, answer: str, usage: dict[str, int]) -> None:
        entry = {"key": key, "answer": answer, "usage": usage}
        # A Writer per entry: a rerun may rewrite an entry it found corrupt. Not durable: an entry
        # lost to a power cut is only a miss, and the rename alone survives a killed build.
        Writer(self.folder).write_text(f"{key[:2]}/{key}.json", json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n", durable=False)
