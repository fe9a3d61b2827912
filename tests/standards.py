"""Where the official schema files are: ../shared/standards beside the repository (as on the
developers' machines and in CI), or COURSEWARE_STANDARDS. A missing copy fails loudly."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def standards() -> Path:
    """The folder holding scorm12/, scorm2004_4ed/, qti21/ and openbadges3/."""
    folder = Path(os.environ.get("COURSEWARE_STANDARDS", REPO.parent / "shared" / "standards"))
    if not (folder / "scorm12").is_dir():
        raise AssertionError(f"the standards' schema files are not at {folder}; set COURSEWARE_STANDARDS to a copy of shared/standards")
    return folder
