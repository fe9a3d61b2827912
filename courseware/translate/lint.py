"""`courseware lint` over the translations as committed, hand edits and imports included: each
uses the glossary's approved terms where its source uses the term, and reads in its language."""

from __future__ import annotations

from pathlib import Path

from courseware.errors import ContentError, Problem
from courseware.plan import plan
from courseware.spec.load import LoadedSpec
from courseware.translate.plan import parse_translation
from courseware.translate.stage import plan_stage
from courseware.translate.terms import missing_terms
from courseware.translate.units import units


def lint_translations(loaded: LoadedSpec, content_dir: Path) -> list[Problem]:
    """One finding per translation that leaves out an approved term or reads in another language;
    a translation that cannot be read is reported as a build would."""
    from courseware.generate.language import WrongLanguage, check_texts, texts
    from courseware.translate.facts import Facts

    findings: list[Problem] = []
    translations = plan_stage(loaded, plan(loaded.spec, None, lambda kind: {}), content_dir)
    for task in translations.tasks:
        file = translations.files.get(task.id)
        if file is None:
            continue
        try:
            content = parse_translation(task, file)
        except ContentError as exc:
            findings += exc.problems
            continue
        source_text = "\n".join(u.text for u in task.units())
        for term, target in missing_terms(source_text, "\n".join(u.text for u in units(content)), task.glossary):
            findings.append(Problem(file.name, file.first_line, 1, "", f"the glossary translates '{term}' as '{target}', which this translation of {task.source_path} never uses"))
        if not isinstance(content, Facts):
            try:
                check_texts(texts(content), task.language, "this translation's language")
            except WrongLanguage as exc:
                findings.append(Problem(file.name, file.first_line, 1, "", f"{exc} (a text left untranslated?)"))
    return findings
