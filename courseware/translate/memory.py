"""Translation memory from a course's own history: when a source file changes, the texts in it
that did not change keep the translation they have, so a model is asked, and a translator shown,
only what is new. The source as it was translated is found by the hash the translation records
(the generated text kept on this machine, or the file's git history)."""

from __future__ import annotations

from pathlib import Path

from courseware.content.files import PARSERS, ContentFile
from courseware.content.history import generated_body
from courseware.errors import CoursewareError
from courseware.translate.plan import FACTS, TranslationTask
from courseware.translate.units import PLACEHOLDER, Unit, check_placeholders, units


def aligned(source: list[Unit], translated: list[Unit]) -> dict[str, str]:
    """The translated text of each source unit by its id, codes numbered as the source's; none
    when the two no longer have the same texts in the same order (a hand edit added one)."""
    if len(translated) != len(source):
        return {}
    found = {}
    for mine, theirs in zip(source, translated):
        text = renumbered(theirs, mine)
        if text is not None and check_placeholders(mine, text) is None:
            found[mine.id] = text
    return found


def renumbered(translated: Unit, source: Unit) -> str | None:
    """`translated`'s text with each code numbered as the same code is in `source`, or None."""
    free = dict(source.codes)
    mapping: dict[str, str] = {}
    for number, code in translated.codes.items():
        match = next((n for n, c in free.items() if c == code), None)
        if match is None:
            return None
        mapping[number] = match
        del free[match]

    def swap(found) -> str:
        x, g_open, g_close = found.groups()
        if x:
            return f"<x{mapping[x]}/>"
        return f"<g{mapping[g_open]}>" if g_open else f"</g{mapping[g_close]}>"

    return PLACEHOLDER.sub(swap, translated.text)


def remembered(task: TranslationTask, file: ContentFile | None, course_dir: Path) -> dict[str, str]:
    """For a translation whose source changed: the translation of each of the source's texts
    that is word for word what it was when `file` was translated, by unit id (none when the old
    source cannot be found or read, or the translation no longer matches it)."""
    if file is None or not file.front.source_sha256 or task.kind == FACTS:
        return {}
    path = course_dir / "content" / task.source_path
    old_body = generated_body(course_dir, path, file.front.source_sha256)
    if old_body is None:
        return {}
    try:
        old_source = units(PARSERS[task.kind](old_body, str(path), 1))
        old = aligned(old_source, units(PARSERS[task.kind](file.body, file.name, file.first_line)))
    except CoursewareError:
        return {}
    by_text = {(u.text, tuple(sorted(u.codes.items()))): old[u.id] for u in old_source if u.id in old}
    return {u.id: by_text[key] for u in task.units() if (key := (u.text, tuple(sorted(u.codes.items())))) in by_text}


def keep_source(course_dir: Path, task: TranslationTask) -> None:
    """Keep the source text a translation was just made from (hand edits too, committed or not)
    under its body hash, where `remembered` looks for it when the source changes again."""
    from courseware.buildlock import STATE
    from courseware.content.history import GENERATED, keep_generated
    from courseware.markdown.frontmatter import body_hash, split

    if task.kind == FACTS:
        return
    path = course_dir / "content" / task.source_path
    try:
        text = path.read_text("utf-8")
        if body_hash(split(text, str(path))[1]) == task.source_sha256:  # not changed since it was planned
            keep_generated(course_dir / STATE / GENERATED, text)
    except (OSError, UnicodeDecodeError, CoursewareError):
        pass  # a local convenience, like keep_generated: without it the git history is searched
