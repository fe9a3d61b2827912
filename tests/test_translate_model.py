"""A model translates through the openai provider: the schema, the checks and their re-asks, long
files in batches, the cache, and a whole course into French through the fake server."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from conftest import SPECS
from fake_openai import FakeOpenAI
from courseware.build import Options, build, plan_course
from courseware.errors import GenerationError
from courseware.generate import translation
from courseware.generate.contracts import AnswerError
from courseware.generate.language import WrongLanguage
from courseware.markdown.write import to_markdown
from courseware.translate.plan import plan_translations, sources
from courseware.translate import terms
from courseware.translate.run import translate_task
from courseware.translate.units import Unit

COURSE = "describing-data"
GLOSSARY = """
translations: [fr, ar]
glossary:
  - {term: frequency table, fr: tableau des effectifs, ar: جدول التكرارات}
  - {term: median, fr: médiane, ar: الوسيط}
  - {term: standard deviation, fr: écart type, ar: الانحراف المعياري}
"""
REASK = "Your answer was not valid: {}. Answer again with the complete JSON object."


# --- the contract, without a server -----------------------------------------------------------------

CODE = Unit("2", "Call <x1/> on <g2>the list</g2>.", {"1": "`mean()`", "2": "](https://docs.python.org)"}, "introduction: paragraph")
TITLE = Unit("1", "The median", {}, "title")


def test_schema_has_one_required_string_per_unit_and_nothing_else():
    batch = translation.batches([TITLE, CODE], ())[0]
    schema = translation.json_schema(batch, "llama.cpp")
    assert (schema["type"], list(schema["properties"]), schema["required"], schema["additionalProperties"]) == ("object", ["t1", "t2"], ["t1", "t2"], False)
    prose = translation.json_schema(batch, "llama.cpp")["properties"]["t1"]
    assert (prose["type"], prose["minLength"], prose["maxLength"]) == ("string", 1, 3 * len(TITLE.text) + 100)
    assert prose["pattern"].startswith("^")  # a visible first character, no footnote reference: as the checks say
    openai = translation.json_schema(batch, "openai")["properties"]["t2"]
    assert set(openai) == {"type", "pattern"}  # OpenAI strict mode takes no lengths; they are checked here
    assert "pattern" not in translation.json_schema(batch, "llama.cpp", in_prompt=True)["properties"]["t2"]


def test_the_answer_is_no_looser_than_the_schema():
    batch = translation.batches([TITLE, CODE], ())[0]
    with pytest.raises(AnswerError) as caught:
        translation.parse(batch, json.dumps({"t1": "", "t3": "de trop"}))
    assert str(caught.value) == (
        "the answer does not match the JSON schema: t1 must not be empty; t2 is missing; give every text its translation; "
        "'t3' is not one of the texts; answer exactly t1 to t2"
    )
    with pytest.raises(AnswerError, match=r"^the answer does not match the JSON schema: t1 has 300 characters, at most 130; translate the text, add nothing; t2 must be a string of text$"):
        translation.parse(batch, json.dumps({"t1": "x" * 300, "t2": 3}))
    assert translation.parse(batch, '```json\n{"t1": "La médiane", "t2": "Appelez <x1/> sur <g2>la liste</g2>."}\n```') == {"1": "La médiane", "2": "Appelez <x1/> sur <g2>la liste</g2>."}


def test_checks_name_the_unit_and_what_to_fix():
    batch = translation.batches([TITLE, CODE], (("median", "médiane"), ("standard deviation", "écart type")))[0]
    assert batch.glossary == (("median", "médiane"),)  # only the terms the texts hold are listed
    with pytest.raises(AnswerError) as caught:
        translation.check(batch, {"1": "La médiane", "2": "Appelez sur <g2>la liste</g2>."}, "fr")
    assert str(caught.value) == "t2 (introduction: paragraph): the placeholder <x1/> (for `mean()`) must appear exactly once, as it is"
    with pytest.raises(AnswerError) as caught:
        translation.check(batch, {"1": "Le milieu", "2": "Appelez <x1/> sur <g2>la liste</g2>."}, "fr")
    assert str(caught.value) == "t1 (title): translate “median” as “médiane”, the glossary's approved term"
    english = "Call the function on the list of values, and it returns the middle value of the sorted data."
    with pytest.raises(WrongLanguage) as caught:
        translation.check(batch, {"1": "Les médianes", "2": english + " <x1/> <g2>la liste</g2>"}, "fr")
    assert str(caught.value) == "t2 (introduction: paragraph) is written in English, not in French (the language to translate into); write every text in French"
    translation.check(batch, {"1": "Les médianes", "2": "Appelez <x1/> sur <g2>la liste</g2>."}, "fr")  # too short to tell: no language check


def test_glossary_terms_are_found_leniently():
    assert terms.occurs("rubric", "Two Rubrics compared") and not terms.occurs("mean", "the meaning")
    assert terms.used("apprentissage hybride", "Les apprentissages hybrides aident")  # inflected
    assert terms.used("التعلم المدمج", "يساعد بالتعلم المدمج الطلاب")  # a prefix joined to the word
    assert terms.used("Écart type", "un écart type de 2")  # case-insensitive
    assert not terms.used("écart type", "la dispersion des valeurs")


def test_long_files_are_split_into_consecutive_batches():
    units = [Unit(str(n), f"Text number {n} about the median", {}, "slide: bullet") for n in range(1, 101)]
    found = translation.batches(units, (("median", "médiane"),))
    assert [len(b.units) for b in found] == [40, 40, 20] and [(b.number, b.count) for b in found] == [(1, 3), (2, 3), (3, 3)]
    assert [u.id for b in found for u in b.units] == [u.id for u in units] and all(b.glossary == (("median", "médiane"),) for b in found)
    long = [Unit(str(n), "word " * 500, {}, "paragraph") for n in range(1, 5)]  # 2,500 characters each
    assert [len(b.units) for b in translation.batches(long, ())] == [1, 1, 1, 1]
    assert translation.places(found[2])[0] == {"ids": "t81-t100", "where": "slide: bullet"}


# --- through the fake server -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """The sample course built offline in a temporary folder, its spec then given translations."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(SPECS, root / "course_specs")
    spec = root / "course_specs" / f"{COURSE}.yaml"
    build(spec, Options(output=root / "output", formats=()))
    spec.write_text(spec.read_text("utf-8") + GLOSSARY, "utf-8")
    return spec


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def planned(course: Path, server: FakeOpenAI, cache: Path, **llm):
    """The course planned with the openai provider at the fake server, and its translations."""
    plan = plan_course(course, Options(output=course.parent.parent / "output", llm={"provider": "openai", "model": "fake-model", "base_url": server.base_url, "cache_dir": cache, **llm}))
    found = sources(plan.loaded.spec, plan.tasks, plan.content_dir)
    plan.provider.prepare()
    return plan, {t.id: t for t in plan_translations(plan.loaded.spec, plan.tasks, found, str(course))}


def first(units: list[Unit], test) -> Unit:
    return next(u for u in units if test(u))


def test_a_lost_placeholder_is_re_asked_with_feedback_and_fixed(course, server, tmp_path):
    plan, tasks = planned(course, server, tmp_path / "cache")
    task = tasks["fr/m1-l2/lesson"]
    count = len(translation.batches(task.units(), task.glossary))
    server.translation_faults.append("placeholder")  # spoils the first batch's first answer
    answers = plan.provider.translate(task)
    assert server.calls == count + 1 and plan.stats.reasks == 1
    unit = first(task.units(), lambda u: u.codes)
    problem = f"t{unit.id} ({unit.where}): the placeholder <x1/> (for {unit.codes['1']}) must appear exactly once, as it is"
    reask = server.requests[1]["messages"]
    assert [m["role"] for m in reask] == ["user", "assistant", "user"] and reask[2]["content"] == REASK.format(problem)
    assert reask[0] == server.requests[0]["messages"][0]  # the same request, with the answer and what to fix
    assert all("<x1/>" in answers[u.id] for u in task.units() if "1" in u.codes)
    translated = to_markdown(translate_task(plan.provider, task))  # the answer, cached, goes back into the lesson's structure
    assert server.calls == count + 1 and plan.stats.cache_hits == count
    assert "Ce texte est la traduction française du passage numéro 4, écrite avec soin pour les étudiants. $n$" in translated


def test_a_missing_glossary_term_and_a_wrong_language_are_re_asked(course, server, tmp_path):
    plan, tasks = planned(course, server, tmp_path / "cache")
    task = tasks["fr/m1-l2/lesson"]
    count = len(translation.batches(task.units(), task.glossary))
    server.translation_faults.extend(["glossary", "language"])
    plan.provider.translate(task)
    assert server.calls == count + 2 and plan.stats.reasks == 2
    unit = first(task.units(), lambda u: terms.occurs("median", u.text))
    assert server.requests[1]["messages"][-1]["content"] == REASK.format(f"t{unit.id} ({unit.where}): translate “median” as “médiane”, the glossary's approved term")
    english = first(task.units(), lambda u: len(u.text) >= 40)
    assert server.requests[2]["messages"][-1]["content"] == REASK.format(
        f"t{english.id} ({english.where}) is written in English, not in French (the language to translate into); write every text in French"
    )


def test_an_answer_still_wrong_after_the_re_asks_fails_naming_the_task_and_the_unit(course, server, tmp_path):
    plan, tasks = planned(course, server, tmp_path / "cache")
    task = tasks["ar/m1-l2/lesson"]
    server.translation_faults.extend(["placeholder"] * 3)
    with pytest.raises(GenerationError) as caught:
        plan.provider.translate(task)
    unit = first(task.units(), lambda u: u.codes)
    assert str(caught.value) == (
        f"ar/m1-l2/lesson: the answer is still invalid after 2 re-asks: t{unit.id} ({unit.where}): the placeholder <x1/> (for {unit.codes['1']}) must appear exactly once, as it is"
    )
    assert server.calls == 3 and not list((tmp_path / "cache").rglob("*.json"))  # nothing invalid is cached


def test_a_long_file_takes_several_calls_each_cached(course, server, tmp_path):
    plan, tasks = planned(course, server, tmp_path / "cache")
    task = tasks["fr/m1-l1/slides"]
    count = len(translation.batches(task.units(), task.glossary))
    assert len(task.units()) > translation.MAX_UNITS and count >= 2
    answers = plan.provider.translate(task)
    assert sorted(answers, key=int) == [u.id for u in task.units()] and server.calls == count
    prompts = [r["messages"][0]["content"] for r in server.requests]
    assert all(f"(part {n} of {count}, in reading order)" in prompt for n, prompt in enumerate(prompts, start=1))
    names = [r["response_format"]["json_schema"]["name"] for r in server.requests]
    assert names == ["translation"] * count and server.requests[0]["response_format"]["json_schema"]["strict"] is True
    server.reset_counters()
    again, tasks = planned(course, server, tmp_path / "cache")  # a rebuild: a new provider, the same cache
    assert again.provider.translate(tasks["fr/m1-l1/slides"]) == answers and server.calls == 0 and again.stats.cache_hits == count


def test_servers_without_structured_outputs_get_the_schema_in_the_prompt(course, server, tmp_path):
    plan, tasks = planned(course, server, tmp_path / "cache", structured_output="none")
    task = tasks["ar/facts"]
    answers = plan.provider.translate(task)
    request = server.requests[0]
    assert "response_format" not in request and "Answer with one JSON object matching this JSON schema:\n```json\n{" in request["messages"][0]["content"]
    assert len(answers) == len(task.units()) and all(answers.values())


def test_the_prompt_names_the_language_the_file_and_only_the_terms_it_needs(course, server, tmp_path):
    plan, tasks = planned(course, server, tmp_path / "cache")
    plan.provider.translate(tasks["ar/m1-l1/quiz"])
    prompt = server.requests[0]["messages"][0]["content"]
    assert 'from English into Arabic (العربية, BCP 47 tag "ar")' in prompt
    assert "The texts come from a lesson's quiz: questions, answer options and feedback" in prompt
    assert "- Translate every answer option so that the right one stays right" in prompt
    prompts = "".join(r["messages"][0]["content"] for r in server.requests)
    assert "  - frequency table → جدول التكرارات\n" in prompts and "median →" not in prompts and "standard deviation →" not in prompts
    assert len(server.requests[0]["messages"]) == 1  # no course-writing system message: the rules are the translator's


def test_the_offline_provider_cannot_translate(course, tmp_path):
    plan = plan_course(course, Options(output=course.parent.parent / "output"))
    found = sources(plan.loaded.spec, plan.tasks, plan.content_dir)
    task = plan_translations(plan.loaded.spec, plan.tasks, found, str(course))[0]
    assert plan.provider.translates is False
    with pytest.raises(GenerationError, match=r"^fr/facts: the offline provider cannot translate; use a model, or XLIFF for a human translator$"):
        plan.provider.translate(task)


def test_a_whole_course_into_french(course, server, tmp_path, capsys):
    plan, tasks = planned(course, server, tmp_path / "cache")
    french = [t for t in tasks.values() if t.language == "fr"]
    expected_calls = sum(len(translation.batches(t.units(), t.glossary)) for t in french)
    start = time.perf_counter()
    done = {t.id: translate_task(plan.provider, t) for t in french}
    seconds = time.perf_counter() - start
    assert len(done) == len(french) == 14 and server.calls == expected_calls and plan.stats.reasks == 0
    assert (plan.stats.prompt_tokens, plan.stats.completion_tokens) == (server.tokens["prompt"], server.tokens["completion"])
    units = sum(len(t.units()) for t in french)
    with capsys.disabled():
        print(f"\none course into French: {len(french)} files, {units} texts, {server.calls} calls, tokens prompt {server.tokens['prompt']}, completion {server.tokens['completion']}, {seconds:.2f} s")
    lesson = done["fr/m1-l2/lesson"]
    assert lesson.title.startswith("Texte 1 traduit en français")
    server.reset_counters()
    again, tasks = planned(course, server, tmp_path / "cache")
    assert all(translate_task(again.provider, t) == done[t.id] for t in tasks.values() if t.language == "fr") and server.calls == 0


def test_a_prompts_folder_from_before_translations_builds_content_but_cannot_translate(course, server, tmp_path, cli):
    from conftest import REPO

    folder = tmp_path / "old-prompts"
    shutil.copytree(REPO / "courseware/prompts", folder)
    (folder / "translate.j2").unlink()
    manifest = folder / "prompts.yaml"
    manifest.write_text("".join(line for line in manifest.read_text("utf-8").splitlines(keepends=True) if not line.startswith("translate:")), "utf-8")
    assert cli("prompts", "approve", "--prompts", folder).exit_code == 0
    assert cli("prompts", "check", "--prompts", folder).exit_code == 0  # the lock covers what the folder has
    plan, tasks = planned(course, server, tmp_path / "cache", prompts=folder)
    with pytest.raises(GenerationError) as caught:
        plan.provider.translate(tasks["fr/facts"])
    assert str(caught.value) == f"fr/facts: the prompts folder {folder} has no translate template; copy translate.j2 and its entry in prompts.yaml there from a folder 'courseware prompts copy DIR' writes, then run 'courseware prompts approve'"
    assert server.calls == 0


def test_llama_cpp_grammar_holds_a_translation_to_its_schema(llama_server):
    """A real server's grammar (llama.cpp, llguidance) keeps a small model to the schema: every
    id, in order, non-empty and bounded, no other key; the checks then judge the words."""
    import openai

    from courseware.generate.chat import LLAMA_CPP_WHITESPACE

    units = [TITLE, Unit("2", "The median of <x1/> values is the middle one.", {"1": "$n$"}, "introduction: paragraph"), Unit("3", "Sort the values first", {}, "list item")]
    batch = translation.batches(units, ())[0]
    schema = {**translation.json_schema(batch, "llama.cpp"), "x-guidance": LLAMA_CPP_WHITESPACE}
    client = openai.OpenAI(base_url=llama_server, api_key="none", max_retries=0, timeout=120)
    response = client.chat.completions.create(
        model="gemma-3-270m",
        messages=[{"role": "user", "content": "Translate each text into French. Answer in JSON.\n" + translation.source_texts(batch)}],
        response_format={"type": "json_schema", "json_schema": {"name": "translation", "schema": schema, "strict": True}},
        max_tokens=300, temperature=0, seed=1,
    )  # fmt: skip
    assert response.choices[0].finish_reason == "stop"
    answers = translation.parse(batch, response.choices[0].message.content)
    assert list(json.loads(response.choices[0].message.content)) == ["t1", "t2", "t3"] and all(answers.values())
