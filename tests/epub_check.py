"""EPUBCheck (Debian's epubcheck package, on the JRE): the real client the e-books are checked
with, several books in one JVM (java/EpubCheckAll.java), since its command line takes one book
and each JVM start costs seconds of CPU."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

JAR = Path("/usr/share/java/epubcheck.jar")
RUNNER = Path(__file__).parent / "java" / "EpubCheckAll.java"
# Usage messages (EPUBCheck's lowest level, "feature usage information") that say nothing is
# wrong: style sheet classes one book does not use or does not style (the sheet is shared; code
# is highlighted with Pygments' many span classes, HTM-022 counts those), and the EPUB 2 NCX found.
HARMLESS = {"CSS-024", "CSS-025", "HTM-010", "HTM-022"}


def epubcheck(books: list[Path], reports: Path) -> dict[Path, dict]:
    """EPUBCheck's JSON report on each book, by book; `reports` is a folder for them."""
    assert JAR.is_file(), f"{JAR} missing: run scripts/install-test-tools.sh (Debian's epubcheck package)"
    reports.mkdir(parents=True, exist_ok=True)
    pairs = [str(a) for n, book in enumerate(books) for a in (book, reports / f"{n}-{book.stem}.json")]
    # The quick compiler only and one GC thread: a short run spends its CPU starting, not looping
    # (measured: 5 s of CPU for the four sample books, against 4.4 s for each in a JVM of its own).
    command = ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", str(JAR), str(RUNNER), *pairs]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)  # exit 1 on an error: the reports say which
    found = {book: reports / f"{n}-{book.stem}.json" for n, book in enumerate(books)}
    assert all(path.is_file() for path in found.values()), run.stdout + run.stderr
    return {book: json.loads(path.read_text("utf-8")) for book, path in found.items()}


def problems(report: dict) -> list[str]:
    """Every message of a report that is a fatal error, an error, a warning, or a usage note not known harmless."""
    return [
        f"{m['severity']} {m['ID']}: {m['message']} at {[(loc.get('path'), loc.get('line')) for loc in m['locations'][:3]]}"
        for m in report["messages"]
        if m["severity"] != "USAGE" or m["ID"] not in HARMLESS
    ]
