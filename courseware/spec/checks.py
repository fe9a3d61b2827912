"""Cross-checks the schema cannot express: unique ids, references, coverage and source files."""

from __future__ import annotations

import codecs
from pathlib import Path

from courseware.names import reserved
from courseware.readers import SourceUnreadable, reader_for, supported
from courseware.grounding import sources  # its size limits, read when used (tests lower them)
from courseware.spec.locate import format_path
from courseware.grounding.scope import slug
from courseware.spec.model import Spec, source_anchor, source_path

Located = tuple[list[str | int], str]


def cross_check(spec: Spec, root: Path) -> list[Located]:
    """Every cross-reference problem of `spec`, as (key path, message) pairs."""
    return [*_unique_ids(spec), *_objective_refs(spec), *_sources(spec, root), *_llm(spec, root), *_templates(spec, root), *_brand(spec, root), *_outputs(spec), *_translations(spec, root)]


def _translations(spec: Spec, root: Path) -> list[Located]:
    from courseware.spec.glossary import SUFFIXES, entry_problems

    problems: list[Located] = []
    seen: set[str] = set()
    own = spec.course.language.casefold()
    lesson_ids = {lesson.id.casefold() for lesson in spec.lessons()}
    for i, tag in enumerate(spec.translations):
        folded = tag.casefold()
        if folded == own:
            problems.append((["translations", i], f"'{tag}' is the course's own language (course.language); list only the languages it is translated into"))
        elif folded in seen:
            problems.append((["translations", i], f"'{tag}' is listed twice; remove one"))
        elif folded in lesson_ids:  # content/<tag>/ holds the translation, content/<lesson id>/ the lesson
            problems.append((["translations", i], f"'{tag}' is also a lesson id: both would use the content folder '{tag}/'; rename the lesson"))
        seen.add(folded)
    if isinstance(spec.glossary, str):  # a file: load_spec reads and checks it
        message = escape_problem("file", spec.glossary, root.resolve())
        if message is None and not spec.glossary.lower().endswith(SUFFIXES):
            message = "a glossary file is .yaml or .csv (header row: term, then one column per language)"
        if message is None and not (root / spec.glossary).is_file():
            message = f"no file '{spec.glossary}' beside the spec; create it or write the glossary inline"
        if message:
            problems.append((["glossary"], message))
    else:
        problems += [(["glossary", index, key], message) for index, key, message in entry_problems(spec.glossary, spec.course.language, targets(spec))]
    if spec.glossary and not spec.translations:
        problems.append((["glossary"], "a glossary gives translations of key terms, but the course has no translations; add translations: [fr, ...] or remove it"))
    return problems


def targets(spec: Spec) -> list[str]:
    """The languages the course is translated into, each once, its own language left out."""
    own = spec.course.language.casefold()
    return [tag for tag in dict.fromkeys(spec.translations) if tag.casefold() != own]


def _outputs(spec: Spec) -> list[Located]:
    # Two renderers of one format would claim the same files half-way through a build.
    seen: set[str] = set()
    problems: list[Located] = []
    for i, name in enumerate(spec.outputs):
        if name in seen:
            problems.append((["outputs", i], f"'{name}' is listed twice; remove one"))
        seen.add(name)
    return problems


def _llm(spec: Spec, root: Path) -> list[Located]:
    from courseware.generate.provider import available_providers

    problems: list[Located] = []
    names = available_providers()
    if spec.llm.provider not in names:
        problems.append((["llm", "provider"], f"unknown provider '{spec.llm.provider}'; available: {', '.join(names)}"))
    if spec.llm.prompts is not None and not (root / spec.llm.prompts / "prompts.yaml").is_file():
        problems.append((["llm", "prompts"], f"no prompts.yaml in '{spec.llm.prompts}'; make it with 'courseware prompts copy DIR' (the built-in prompts, to edit), or remove the key to use the built-in prompts"))
    return problems


def _templates(spec: Spec, root: Path) -> list[Located]:
    # Templates are untrusted like sources: a spec (or a pull request) may not reach outside its folder.
    if spec.templates is None:
        return []
    message = escape_problem("folder", spec.templates, root.resolve(), " (or pass --templates DIR to build and render)")
    if message is None and not (root / spec.templates).is_dir():
        message = f"no folder '{spec.templates}'; make it with 'courseware templates copy DIR' (the built-in templates, to edit), or remove the key to use the built-in templates"
    return [(["templates"], message)] if message else []


def _brand(spec: Spec, root: Path) -> list[Located]:
    # A logo is read into every deck: confined to the spec's folder like sources and templates.
    if spec.brand is None or spec.brand.logo is None:
        return []
    logo = spec.brand.logo
    message = escape_problem("file", logo, root.resolve())
    if message is None and Path(logo).suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".svg"):
        message = f"'{logo}' is not a PNG, JPEG, GIF or SVG file; give the logo as one of those"
    if message is None and not (root / logo).is_file():
        message = f"no file '{logo}' beside the spec; put the logo there or remove the key"
    return [(["brand", "logo"], message)] if message else []


def _unique_ids(spec: Spec) -> list[Located]:
    problems: list[Located] = []
    first_at: dict[str, list] = {}

    def claim(ident: str, loc: list) -> None:
        why = reserved(ident) if loc[0] == "modules" else None  # module and lesson ids name files and selectors
        if why:
            problems.append(([*loc, "id"], f"id '{ident}' {why}; choose another id"))
        if ident.casefold() in first_at:
            where = format_path(first_at[ident.casefold()])
            problems.append(([*loc, "id"], f"duplicate id '{ident}', already used by {where}; ids must be unique in the course"))
        else:
            first_at[ident.casefold()] = loc

    for i, objective in enumerate(spec.objectives):
        claim(objective.id, ["objectives", i])
    for m, module in enumerate(spec.modules):
        claim(module.id, ["modules", m])
        for n, lesson in enumerate(module.lessons):
            claim(lesson.id, ["modules", m, "lessons", n])
    return problems


def _objective_refs(spec: Spec) -> list[Located]:
    problems: list[Located] = []
    known = [o.id for o in spec.objectives]
    taught: set[str] = set()
    for m, module in enumerate(spec.modules):
        for n, lesson in enumerate(module.lessons):
            for k, ref in enumerate(lesson.objectives):
                loc = ["modules", m, "lessons", n, "objectives", k]
                if ref not in known:
                    problems.append((loc, f"unknown objective '{ref}'; defined objectives are: {', '.join(known)}"))
                taught.add(ref)
    for i, objective in enumerate(spec.objectives):
        if objective.id not in taught:
            problems.append((["objectives", i, "id"], f"objective '{objective.id}' is taught by no lesson; list it in a lesson's objectives or remove it"))
    return problems


def _sources(spec: Spec, root: Path) -> list[Located]:
    """Every `sources` entry, at course, module and lesson level: its file usable, listed once in
    its list, and a `#section` it names found in the file (which is read for that)."""
    problems: list[Located] = []
    base = root.resolve()
    seen: set[tuple] = set()
    anchored: list[tuple[list[str | int], str, str]] = []
    for loc, entry in spec.source_entries():
        path, anchor = source_path(entry), source_anchor(entry)
        message = source_problem(path, base)
        if message:
            problems.append((loc, message))
            continue
        listed = (tuple(loc[:-1]), (base / path).resolve(), anchor and slug(anchor))
        if listed in seen:
            problems.append((loc, f"source '{entry}' is listed twice; remove one"))
        seen.add(listed)
        if anchor is not None:
            anchored.append((loc, path, anchor))
    problems += _anchors(anchored, root)
    grounded = bool(spec.sources) or all(lesson.sources or module.sources for module in spec.modules for lesson in module.lessons)
    if not grounded and spec.llm.provider == "offline":
        problems.append((["sources"], "the offline provider builds from source documents; list at least one under 'sources'"))
    return problems


def _anchors(anchored: list[tuple[list[str | int], str, str]], root: Path) -> list[Located]:
    """Each `file#section` whose section the file does not have, naming a few it has."""
    if not anchored:
        return []
    from courseware.grounding.scope import anchor_problem
    from courseware.grounding.sources import read_sources

    documents = {doc.path: doc for doc in read_sources(list(dict.fromkeys(path for _, path, _ in anchored)), root)}
    problems: list[Located] = []
    for loc, path, anchor in anchored:
        try:
            message = anchor_problem(documents[path], anchor)
        except SourceUnreadable as exc:
            message = str(exc)
        if message:
            problems.append((loc, message))
    return problems


def source_problem(source: str, base: Path) -> str | None:
    """Why `source` (relative to `base`) cannot be used as a source document, or None."""
    escape = escape_problem("source", source, base)
    if escape:
        return escape
    resolved = (base / source).resolve()
    if not resolved.exists():
        return f"source file '{source}' does not exist; check the path (relative to the spec's folder)"
    if resolved.is_dir():
        return f"source '{source}' is a folder; list the files in it one by one"
    if not resolved.is_file():  # a pipe or a device: reading it would block, or never end
        return f"source '{source}' is not a regular file; list text files only"
    size = resolved.stat().st_size
    if size > sources.MAX_BYTES:  # checked before reading: a stray dump or archive is never loaded
        return f"source '{source}' is {size_text(size)}, over the {size_text(sources.MAX_BYTES)} limit; split it, or list only the chapters the course needs"
    reader = reader_for(source)
    if reader is None:
        return f"source '{source}' is of a kind no reader reads; sources may be {supported()}"
    try:
        blank = _blank_utf8(resolved) if reader.text else size == 0
    except UnicodeDecodeError:
        return f"source '{source}' is not UTF-8 text; save it as UTF-8 (markdown or plain text)"
    except OSError as exc:
        return f"source '{source}' cannot be read ({exc.strerror}); check its permissions"
    if blank:
        return f"source '{source}' is empty; add its text or remove it from the list"
    return None


def escape_problem(what: str, value: str, base: Path, elsewhere: str = "") -> str | None:
    """Why path `value` (relative to the resolved folder `base`) leads outside it, or None;
    `elsewhere` tells how to use a folder outside anyway, where there is a way."""
    if Path(value).is_absolute() or value.startswith(("/", "\\")) or ":" in value[:3]:
        return f"{what} '{value}' is an absolute path; give a path relative to the spec's folder{elsewhere}"
    try:
        resolved = (base / value).resolve()
    except (OSError, RuntimeError, ValueError):
        return f"{what} '{value}' cannot be resolved (a symlink loop?); fix the path"
    if not resolved.is_relative_to(base):
        return f"{what} '{value}' lies outside the spec's folder; move it under {base.name}/{elsewhere}"
    return None


def _blank_utf8(path: Path) -> bool:
    """Whether the file holds only white space; raises UnicodeDecodeError if it is not UTF-8.
    Decoded a megabyte at a time, so checking a big source holds no copy of it."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    blank = True
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            blank = not decoder.decode(chunk).strip() and blank
    decoder.decode(b"", final=True)
    return blank


def source_warnings(spec: Spec, root: Path) -> list[Located]:
    """The sources that are valid but large: slow to read, and shown by their cited sections only."""
    found: list[Located] = []
    warned: set[str] = set()
    for loc, entry in spec.source_entries():
        source = source_path(entry)
        size = (root / source).stat().st_size
        if size > sources.LARGE_BYTES and source not in warned:
            warned.add(source)
            found.append((loc, f"source '{source}' is {size_text(size)}, over {size_text(sources.LARGE_BYTES)}: reading it takes a while, and the sources page shows only the sections the course cites"))
    return found


def size_text(size: int) -> str:
    """A size for a message, in decimal units as file managers show them: '50.0 MB', '8.6 kB'."""
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1_000:.1f} kB"
