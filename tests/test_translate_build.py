"""`courseware build` with a model translates the course into the spec's `translations`: every
content file and the facts get their twin in content/<lang>/, a rebuild makes no call, and a hand
edit to one lesson retranslates exactly that lesson."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import snapshot
from fake_openai import FakeOpenAI
from courseware.build import Options, plan_course
from courseware.content.files import read_content_file
from courseware.generate import translation
from courseware.markdown.frontmatter import body_hash
from courseware.translate.plan import plan_translations, sources
from test_translate_model import GLOSSARY

COURSE = "describing-data"
SPEC = f"course_specs/{COURSE}.yaml"
CONTENT = Path("output") / COURSE / "content"
LANGUAGES = ("fr", "ar")


@pytest.fixture
def server(project, monkeypatch):
    spec = project / SPEC
    spec.write_text(spec.read_text("utf-8") + GLOSSARY, "utf-8")
    monkeypatch.setenv("COURSEWARE_RETRY_BASE", "0.01")
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COURSEWARE_MODEL", "COURSEWARE_BASE_URL", "COURSEWARE_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    with FakeOpenAI() as fake:
        yield fake


def build(cli, server):
    return cli("build", SPEC, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--formats", "markdown")


def translation_calls(server, only: tuple[str, ...] = ()) -> int:
    """How many calls the translations of the course on disk take (of `only` those tasks)."""
    plan = plan_course(Path(SPEC), Options(llm={"provider": "openai", "model": "fake-model", "base_url": server.base_url}))
    tasks = plan_translations(plan.loaded.spec, plan.tasks, sources(plan.loaded.spec, plan.tasks, plan.content_dir), SPEC)
    return sum(len(translation.batches(t.units(), t.glossary)) for t in tasks if not only or t.id in only)


def test_a_model_build_translates_every_file_and_a_rebuild_makes_no_call(cli, server):
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    assert server.calls == 13 + translation_calls(server)  # the content's 13 tasks, then every translation's calls
    progress = [line.split(" ", 1)[0] for line in result.stdout.splitlines() if line.startswith("[")]
    assert progress == [f"[{n}/13]" for n in range(1, 14)] + [f"[{n}/28]" for n in range(1, 29)]  # content, then translations
    lessons = ["m1-l1", "m1-l2", "m2-l1", "m2-l2"]
    for language in LANGUAGES:
        twins = {"course.md": "course.md", "facts.md": f"{COURSE}.yaml"} | {f"{l}/{k}.md": f"{l}/{k}.md" for l in lessons for k in ("lesson", "quiz", "slides")}
        for twin, source in twins.items():
            file = read_content_file(CONTENT / language / twin, twin)
            assert file is not None, f"{language}/{twin} missing"
            assert (file.front.provider, file.front.model, file.front.translation_of) == ("openai", "fake-model", source)
            assert file.front.body_sha256 == body_hash(file.body)
            if twin != "facts.md":
                assert file.front.source_sha256 == body_hash(read_content_file(CONTENT / source, source).body)
    lesson = (CONTENT / "fr" / "m1-l2" / "lesson.md").read_text("utf-8")
    assert "Texte 1 traduit en français" in lesson and "task: fr/m1-l2/lesson\n" in lesson  # the fake's content is short texts: short translations
    assert "مترجم إلى العربية" in (CONTENT / "ar" / "m1-l2" / "quiz.md").read_text("utf-8")

    before = snapshot(CONTENT)
    server.reset_counters()
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    assert server.calls == 0 and snapshot(CONTENT) == before


def test_a_hand_edit_to_one_lesson_retranslates_exactly_that_lesson(cli, server):
    assert build(cli, server).exit_code == 0
    source = CONTENT / "m1-l1" / "lesson.md"
    text = source.read_text("utf-8")
    paragraph = re.search(r"^Fake text [0-9a-f]{12}", text.split("\n---\n", 1)[1], re.MULTILINE).group()  # a paragraph, not the title
    source.write_text(text.replace(paragraph, "A reviewer rewrote this paragraph by hand", 1), "utf-8")
    before = snapshot(CONTENT)
    server.reset_counters()
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    assert server.calls == 2  # one per language, for the one text that changed: the others keep their translation
    asked = [re.findall(r'^ "(t\d+)": ', request["messages"][0]["content"], re.MULTILINE) for request in server.requests]
    assert [len(ids) for ids in asked] == [1, 1] and asked[0] == asked[1]
    after = snapshot(CONTENT)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == ["ar/m1-l1/lesson.md", "fr/m1-l1/lesson.md"]
    for language in LANGUAGES:  # only the line of the rewritten paragraph differs
        old, new = (_body(snap[f"{language}/m1-l1/lesson.md"][0]) for snap in (before, after))
        assert len(old) == len(new) and sum(a != b for a, b in zip(old, new)) == 1
    # The hand-edited English is kept for the next change, committed or not: a second edit is
    # again one text to translate.
    source.write_text(source.read_text("utf-8").replace("A reviewer rewrote this paragraph by hand", "A reviewer rewrote it twice", 1), "utf-8")
    server.reset_counters()
    assert build(cli, server).exit_code == 0
    assert [len(re.findall(r'^ "(t\d+)": ', r["messages"][0]["content"], re.MULTILINE)) for r in server.requests] == [1, 1]
    for language in LANGUAGES:
        twin = read_content_file(CONTENT / language / "m1-l1" / "lesson.md", "twin")
        assert twin.front.source_sha256 == body_hash(read_content_file(source, "source").body)


def test_a_translation_still_wrong_after_its_re_asks_fails_alone_and_a_rerun_does_the_rest(cli, server):
    server.translation_faults.extend(["language"] * 3)  # the first translation asked: fr/facts (--jobs 1 keeps the plan's order)
    result = cli("build", SPEC, "--provider", "openai", "--model", "fake-model", "--base-url", server.base_url, "--formats", "markdown", "--jobs", "1")
    assert result.exit_code == 3, result.stderr
    plan = plan_course(Path(SPEC), Options(llm={"provider": "openai", "model": "fake-model", "base_url": server.base_url}))
    facts = plan_translations(plan.loaded.spec, plan.tasks, sources(plan.loaded.spec, plan.tasks, plan.content_dir), SPEC)[0]
    unit = next(u for u in facts.units() if len(u.text) >= 40)  # the first text the fake answers with an English sentence
    lines = result.stderr.splitlines()
    assert (
        f"fr/facts: the answer is still invalid after 2 re-asks: t{unit.id} ({unit.where}) is written in English, not in French "
        "(the language to translate into); write every text in French"
    ) in lines
    assert f"{COURSE}: 1 task(s) failed; what finished is saved, rerun to do the rest" in lines
    assert not (CONTENT / "fr" / "facts.md").exists() and (CONTENT / "fr" / "m1-l1" / "lesson.md").is_file() and (CONTENT / "ar" / "facts.md").is_file()
    server.reset_counters()
    result = build(cli, server)
    assert result.exit_code == 0, result.stderr
    assert server.calls == 1 and (CONTENT / "fr" / "facts.md").is_file()  # only what failed is asked again


def _body(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n---\n", 1)[1].split("\n")
