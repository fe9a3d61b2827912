"""A long generated markdown source, for tests/test_big_sources.py and bench/big_source.py."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "course_specs" / "sources" / "blended-teaching"
BOLD = re.compile(r"\*\*(.+?)\*\*")


def handbook(megabytes: float, seed: int = 0) -> str:
    """A markdown handbook of about `megabytes` MB: chapters, sections, paragraphs, lists, bold terms.

    Its words follow the word frequencies of the sample course's sources (course_specs/sources/
    blended-teaching), so a lesson's key points find passages in it and most words are rare, as
    in real text; its bold key terms are the sample's own, repeated, and new two-word phrases
    (tens of thousands of distinct terms at 50 MB). A seeded generator gives the same text each run.
    """
    sample = " ".join(p.read_text("utf-8") for p in sorted(SAMPLE.glob("*.md")))
    counts = Counter(re.findall(r"[a-z][a-z'-]*", BOLD.sub(r"\1", sample).lower()))
    vocabulary, cumulative = list(counts), list(itertools.accumulate(counts.values()))
    bold = sorted({" ".join(t.split()) for t in BOLD.findall(sample)})
    rng = random.Random(seed)
    target, size, chapter = int(megabytes * 1_000_000), 0, 0
    parts = ["# Handbook of blended teaching", ""]

    def sentence() -> str:
        return " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(8, 24))).capitalize() + "."

    def term() -> str:
        return rng.choice(bold) if rng.random() < 0.5 else " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=2))

    while size < target:
        chapter += 1
        block = [f"## Chapter {chapter}: {rng.choice(bold)}", ""]
        for section in range(1, 5):
            block += [f"### {sentence()[:-1]}", ""]
            for _ in range(rng.randint(2, 4)):
                block += [f"The **{term()}** matters here. " + " ".join(sentence() for _ in range(rng.randint(3, 6))), ""]
            if section % 2:
                block += [f"- {sentence()}" for _ in range(rng.randint(3, 5))] + [""]
        text = "\n".join(block) + "\n"
        parts.append(text)
        size += len(text.encode("utf-8"))
    return "\n".join(parts)

