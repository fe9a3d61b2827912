"""Finishing a conflict by hand: show a hand edit against the text it was generated as, and accept
a merged file as current for the spec as it is now."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import Path

from courseware.build import Options, check_selectors, plan_course, spec_ref
from courseware.buildlock import course_lock
from courseware.content.files import parse_content
from courseware.content.history import generated_body
from courseware.errors import ContentError, CoursewareError, Problem
from courseware.plan import CONFLICT, CURRENT, EDITED, NEW
from courseware.spec.load import load_spec
from courseware.translate.plan import TranslationTask, parse_translation
from courseware.translate.stage import plan_stage
from courseware.writer import ChangedOnDisk, Writer

CONFLICT_MARKER = re.compile(r"^(<{7}|>{7})( |$)", re.MULTILINE)


def diff(spec_path: Path, selectors: tuple[str, ...], options: Options) -> list[str]:
    """Unified diffs, generated text -> file as it is now, for each selected task edited by hand."""
    planned = plan_course(spec_path, options)
    check_selectors(planned.tasks, selectors, planned.loaded.spec.translations)
    translations = plan_stage(planned.loaded, planned.tasks, planned.content_dir)
    files, statuses = {**planned.files, **translations.files}, {**planned.statuses, **translations.statuses}
    out: list[str] = []
    for task in _selected(planned.tasks, translations.tasks, selectors):
        path = planned.content_dir / task.path
        file = files.get(task.id)
        if file is None:
            out.append(f"{task.id}: not generated yet ({path})")
            continue
        if not file.recorded.edited:
            out.append(f"{task.id}: not edited by hand ({statuses[task.id]})")
            continue
        base = generated_body(planned.content_dir.parent, path, file.front.body_sha256)
        if base is None:
            raise CoursewareError(f"{path}: the generated text this file came from (body_sha256 {file.front.body_sha256[:12]}) is neither kept on this machine nor in its git history; compare with your version control instead")
        out += difflib.unified_diff(base.splitlines(), file.body.splitlines(), f"{task.id} (generated)", f"{task.id} ({path})", lineterm="")
    return out


def resolve(spec_path: Path, selectors: tuple[str, ...], options: Options) -> list[str]:
    """Mark each selected file as current for today's spec, keeping it as a hand edit; one line each."""
    loaded = load_spec(spec_path)
    with course_lock(options.output / loaded.spec.course.id, options.wait, options.on_wait):
        planned = plan_course(loaded, options)
        check_selectors(planned.tasks, selectors, loaded.spec.translations)
        translations = plan_stage(planned.loaded, planned.tasks, planned.content_dir)
        files, statuses = {**planned.files, **translations.files}, {**planned.statuses, **translations.statuses}
        writer = Writer(planned.content_dir)
        done = []
        for task in _selected(planned.tasks, translations.tasks, selectors):
            state, file = statuses[task.id], files.get(task.id)
            if state == NEW or file is None:
                raise CoursewareError(f"{planned.content_dir / task.path}: no file for {task.id} to resolve; run 'courseware build' first")
            if state in (CURRENT, EDITED):
                done.append(f"{task.id}: already current ({state}); nothing to resolve")
                continue
            marker = CONFLICT_MARKER.search(file.body)
            if marker:
                line = file.first_line + file.body.count("\n", 0, marker.start())
                raise ContentError(problems=[Problem(file.name, line, 1, "", "a merge conflict marker is still here; finish the merge, then resolve again")])
            if isinstance(task, TranslationTask):  # the merged file must read back
                parse_translation(task, file)
                front = replace(file.front, key=task.key, source_sha256=task.source_sha256)
            else:
                parse_content(task, file)
                front = replace(file.front, key=task.key, spec=spec_ref(loaded.path) if task.kind == "overview" else file.front.spec)
            try:
                writer.write_text(task.path, front.dump() + file.body, expect=file.digest)
            except ChangedOnDisk:
                raise CoursewareError(f"{planned.content_dir / task.path}: changed on disk while resolving; run the command again") from None
            kept = "kept as your edit" if state == CONFLICT else "accepted as generated"
            done.append(f"{task.id}: resolved ({state} -> {'edited' if state == CONFLICT else 'current'}); {kept}, current for the spec as it is now")
        return done


def _selected(tasks: list, translations: list[TranslationTask], selectors: tuple[str, ...]) -> list:
    """The content tasks, then the translations, that the selectors name."""
    return [t for t in [*tasks, *translations] if any(t.matches(s) for s in selectors)]
