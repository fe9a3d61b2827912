"""Retrieval in every language of a course: a query in one inflection or spelling finds the passage
written in another (French elision and plurals, Arabic with or without the article and vowel marks,
Swahili without its particles, English stems), and both providers rank with the one index."""

from __future__ import annotations

from pathlib import Path

import pytest

from courseware.content.blocks import Paragraph
from courseware.grounding.index import PassageIndex
from courseware.grounding.sources import Passage
from courseware.grounding.text import index_terms, terms, words


def index(language: str, *texts: str) -> PassageIndex:
    return PassageIndex([Passage("s.md", "S", text, Paragraph(text=text)) for text in texts], language)


def found(idx: PassageIndex, query: str) -> list[int]:
    """The passages matching `query`, best first."""
    return [i for _, i in idx.query(idx.weights((query, 1.0)))]


FRENCH = (
    "L'évaluation formative guide l'apprentissage pendant le cours.",
    "Le calendrier du semestre est publié en septembre.",
    "Les étudiants reçoivent une rétroaction qu'ils peuvent utiliser tout de suite.",
)


@pytest.mark.parametrize("query, best", [
    ("évaluations formatives", 0),  # plural, no elision: finds "l'évaluation formative"
    ("ÉVALUATION", 0),  # casefolded, accent kept
    ("l’apprentissage", 0),  # typographic apostrophe
    ("les rétroactions utiles", 2),  # "utiles" matches "utiliser" by stem too, but the passage is the same
    ("étudiant", 2),
])
def test_french_queries_find_passages_in_another_inflection(query, best):
    assert found(index("fr-SN", *FRENCH), query)[:1] == [best]


def test_french_elisions_and_stop_words_are_not_index_tokens():
    assert index_terms("L'évaluation, c'est qu'on l'utilise jusqu'à la fin", "fr") == ["évalu", "utilis", "fin"]
    # The words learners see (key terms, quiz blanks) keep their surface form.
    assert terms("L'évaluation formative", "fr") == ["l'évaluation", "formative"]
    assert words("L’évaluation formative, c’est **utile**.") == ["l’évaluation", "formative", "c’est", "utile"]


def test_accents_typed_as_combining_marks_match_composed_ones():
    assert index_terms("e\u0301valuation", "fr") == index_terms("évaluation", "fr") == ["évalu"]


ARABIC = (
    "التَّقْيِيمُ التَّكْوِينِيُّ يُسَاعِدُ الطُّلَّابَ عَلَى التَّعَلُّمِ",  # vocalised, with the article
    "تفتح الجامعة أبوابها في شهر سبتمبر",
    "إدارة المدرسة تنشر الجدول للطلاب",
)


@pytest.mark.parametrize("query, best", [
    ("تقييم تكويني", 0),  # without the article and without vowel marks
    ("والتقييم", 0),  # "and the assessment"
    ("التعـــلم", 0),  # stretched with tatweel
    ("ادارة", 2),  # bare alef for hamza-on-alef
    ("مدرسه", 2),  # haa for taa marbuta
    ("الجامعه", 1),
])
def test_arabic_queries_find_passages_with_or_without_article_and_diacritics(query, best):
    assert found(index("ar", *ARABIC), query)[:1] == [best]


def test_arabic_normalisation():
    assert index_terms("التَّقْيِيمُ", "ar") == index_terms("تقييم", "ar") == index_terms("وَالتَّقْيِيم", "ar") == ["تقييم"]
    assert index_terms("في على إلى من هذا", "ar") == []  # stop words, in any spelling of alef
    assert index_terms("على", "ar") == index_terms("علي", "ar") == []  # alef maqsura as yaa


SWAHILI = (
    "Tathmini ya mara kwa mara inawasaidia walimu kuona maendeleo ya wanafunzi.",
    "Kozi ya mtandaoni inaanza Septemba na inaisha Desemba kwa mtihani.",
)


def test_swahili_matches_without_its_particles_and_in_any_case():
    idx = index("sw-KE", *SWAHILI)
    # "ya", "kwa" and "na" are in both passages: as stop words they match neither.
    assert found(idx, "TATHMINI ya kwa na") == [0]
    assert found(idx, "ya kwa na") == []
    assert found(idx, "Walimu") == [0] and found(idx, "mtihani") == [1]


def test_english_stems_match_across_inflections():
    idx = index("en", "Assessment of each learner's progress happens weekly.", "The library opens at nine.")
    assert found(idx, "assessing learners") == [0]
    assert index_terms("learner’s don't", "en") == ["learner"]  # "don" and "t" are what is left of a stop word


def test_a_language_without_a_stemmer_still_casefolds_and_drops_stop_words():
    assert index_terms("Walimu WANATUMIA tathmini kwa na ya", "sw") == ["walimu", "wanatumia", "tathmini"]


SPEC = """course:
  id: evaluation
  title: Évaluation formative
  language: fr
  audience: enseignants
sources: [sources/cours.md]
objectives:
  - id: OA1
    text: Expliquer l'évaluation formative
    bloom: understand
modules:
  - id: m1
    title: Évaluer pendant le cours
    lessons:
      - id: m1-l1
        title: Évaluer pendant le cours
        objectives: [OA1]
        key_points:
          - les évaluations formatives guident l'apprentissage
        quiz: {questions: 1, kinds: [true_false]}
        slides: {max: 1, quiz: false}
llm: {provider: offline, model: a-model}
outputs: [markdown]
"""
SOURCE = """# Évaluation formative

## Le calendrier

Le calendrier du semestre est publié en septembre, avec les dates des examens finaux.

## Pendant le cours

L'évaluation formative guide l'apprentissage : les étudiants savent où ils en sont.
"""


def test_the_openai_and_offline_providers_rank_through_the_one_index(tmp_path, monkeypatch):
    from courseware.build import Options, plan_course

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "cours.md").write_text(SOURCE, "utf-8")
    (tmp_path / "course.yaml").write_text(SPEC, "utf-8")
    monkeypatch.chdir(tmp_path)
    asked: list[tuple[str, dict]] = []
    query = PassageIndex.query

    def recorded(self, weighted, limit=None, skip=frozenset()):
        ranked = query(self, weighted, limit, skip)
        asked.append((self.language, weighted, [self.passages[i].section for _, i in ranked]))
        return ranked

    monkeypatch.setattr(PassageIndex, "query", recorded)
    for provider in ("offline", "openai"):
        planned = plan_course(Path("course.yaml"), Options(llm={"provider": provider}))
        task = next(t for t in planned.tasks if t.id == "m1-l1/lesson")
        asked.clear()
        if provider == "offline":
            article = planned.provider.generate(task)
            assert "L'évaluation formative guide" in article.model_dump_json()
        else:
            passages = planned.provider._rank_passages(task)
            assert passages[0]["section"] == "Pendant le cours"
        assert asked, provider  # the provider ranked through grounding.index.PassageIndex
        point = next(ranked for language, weighted, ranked in asked if "évalu" in weighted and "format" in weighted)
        assert point[0] == "Pendant le cours", provider  # "évaluations formatives" found "L'évaluation formative"
        assert {language for language, *_ in asked} == {"fr"}


def test_a_query_scores_the_same_kept_as_a_list_or_as_a_dict():
    """PassageIndex.query scores into a list over every passage when the query's terms reach half
    of them, else into a dict of those reached: the same scores and ranking, checked against
    BM25 written out plainly for both kinds of query."""
    import math
    import random

    from courseware.grounding.index import B, K1

    rng = random.Random(7)
    words_ = ["water", "cycle", "cloud", "rain", "river", "ocean", "ice", "vapour", "soil", "plant", "sun", "wind"]
    texts = [" ".join(rng.choice(words_[:3]) if rng.random() < 0.5 else rng.choice(words_) for _ in range(rng.randint(3, 12))) for _ in range(200)]
    texts += [f"rare{k} term{k} only here" for k in range(200)]  # the sparse part: terms in one passage each
    idx = index("en", *texts)
    counts = [{t: terms.count(t) for t in set(terms)} for terms in (index_terms(text, "en") for text in texts)]
    lengths = [sum(c.values()) for c in counts]
    average = sum(lengths) / len(lengths)

    def plain(weighted):
        scores = []
        for count, length in zip(counts, lengths):
            score = 0.0
            for term, weight in weighted.items():
                if term in count:
                    n = sum(term in c for c in counts)
                    idf = math.log(1 + (len(counts) - n + 0.5) / (n + 0.5))
                    tf = count[term]
                    score += weight * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
            scores.append(score)
        return sorted(((s, i) for i, s in enumerate(scores) if s > 0), key=lambda pair: (-round(pair[0], 9), pair[1]))

    dense, sparse = idx.weights(("water cycle cloud", 1.0), ("rain", 0.3)), idx.weights(("rare3 rare150 term77", 1.0))
    assert 2 * sum(len(idx.postings[t][0]) for t in dense) >= len(texts) > 2 * sum(len(idx.postings[t][0]) for t in sparse)
    for weighted in (dense, sparse):
        got, want = idx.query(weighted), plain(weighted)
        assert [i for _, i in got] == [i for _, i in want] and all(math.isclose(a, b, rel_tol=1e-12) for (a, _), (b, _) in zip(got, want))
        assert idx.query(weighted, limit=5) == got[:5]
