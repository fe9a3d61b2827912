"""Lock files of approved hashes (prompts.lock, templates.lock): a change to a reviewed file is
refused until someone approves it, and the approval is a diff in the pull request."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from courseware.errors import BuildRefused, Problem


def sha256(data: bytes) -> str:
    """The hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Lock:
    """The lock file `name` in `folder`, covering files named relative to that folder."""

    folder: Path
    name: str
    approve_command: str  # what the messages tell the reviewer to run, e.g. 'courseware prompts approve'

    @property
    def path(self) -> Path:
        return self.folder / self.name

    def changes(self, files: Mapping[str, bytes]) -> list[tuple[str, str]]:
        """(file, what is wrong) for each file that differs from the lock: changed, new or removed."""
        try:
            locked = json.loads(self.path.read_text("utf-8")) if self.path.is_file() else {}
        except (json.JSONDecodeError, UnicodeDecodeError):
            locked = {}  # a broken lock approves nothing
        if not isinstance(locked, dict):
            locked = {}
        current = {name: sha256(data) for name, data in files.items()}
        found = []
        for name in sorted(set(locked) | set(current)):
            if name not in locked:
                found.append((name, f"not approved (new); review it, then run '{self.approve_command}'"))
            elif name not in current:
                found.append((name, f"approved but no longer used; run '{self.approve_command}'"))
            elif locked[name] != current[name]:
                found.append((name, f"changed since it was approved; review the change, then run '{self.approve_command}'"))
        return found

    def unapproved(self, files: Mapping[str, bytes]) -> list[str]:
        """One line `FILE: what is wrong` for each change."""
        return [f"{self.folder / name}: {message}" for name, message in self.changes(files)]

    def require_approved(self, files: Mapping[str, bytes]) -> None:
        """Stop, naming each file, unless every file is as approved."""
        changes = self.changes(files)
        if changes:
            raise BuildRefused(problems=[Problem(str(self.folder / name), 1, 1, "", message) for name, message in changes])

    def text(self, files: Mapping[str, bytes]) -> str:
        """The lock file content approving `files`."""
        return json.dumps({name: sha256(data) for name, data in sorted(files.items())}, indent=2) + "\n"

    def approve(self, files: Mapping[str, bytes]) -> list[str]:
        """Record `files` as approved; returns the paths of the changes just approved."""
        from courseware.writer import Writer

        changed = [str(self.folder / name) for name, _ in self.changes(files)]
        Writer(self.folder).write_text(self.name, self.text(files))
        return changed
