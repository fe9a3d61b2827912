"""Offline quizzes from the course's key terms: multiple choice, true/false and cloze items.

Each item is a source sentence that uses a key term, assessing the lesson objective it shares
most words with (every objective gets one first). Distractors are other terms of the course,
the right answer's position follows a walk over the positions that spreads a course's answers
evenly, and feedback quotes the source.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from courseware.content.model import BLANK, Option, Quiz, QuizItem
from courseware.errors import GenerationError
from courseware.generate.offline.corpus import Corpus, prose
from courseware.generate.offline.phrases import phrases
from courseware.generate.offline.terms import Term, folded
from courseware.grounding.text import sentences, stands_alone, strip_bold, terms, word_count
from courseware.generate.positions import answer_position
from courseware.grounding.sources import Passage

MIN_WORDS, MAX_WORDS = 6, 45
PASSAGES_PER_LESSON = 12
DISTRACTORS = 3


@dataclass(frozen=True)
class Candidate:
    term: Term
    sentence: str
    passage: Passage


def lesson_quiz(corpus: Corpus, inputs: dict[str, Any]) -> Quiz:
    """`questions` items cycling through `kinds`, each on its own term where the sources allow."""
    lesson, settings = inputs["lesson"], inputs["quiz"]
    words = phrases(inputs["course"]["language"])
    candidates = _candidates(corpus, lesson)
    if not candidates:
        raise GenerationError("no source sentence near this lesson uses a key term; mark key terms in **bold** in the sources", where=["key_points"])
    chosen: list[Candidate] = []
    made_items: list[tuple[str, str, list[Option], Candidate]] = []
    kinds = settings["kinds"]
    count = sum(kinds[n % len(kinds)] == "multiple_choice" for n in range(settings["questions"]))
    for n in range(settings["questions"]):
        # The spec's kind for this slot first; if the sources allow no fair item of it, the others.
        attempts = ((kind, c) for kind in kinds[n % len(kinds):] + kinds[: n % len(kinds)] for c in _fresh(candidates, chosen))
        for kind, candidate in attempts:
            rng = random.Random(_seed(inputs["course"]["id"], lesson["id"], str(n), candidate.term.key))
            made = MAKERS[kind](candidate, corpus.terms, rng, words)
            if made is not None:
                break
        else:
            break  # the sources near this lesson allow no more fair items
        chosen.append(candidate)
        prompt, options = made
        if kind == "multiple_choice":
            answer = next(o for o in options if o.correct)
            options = [o for o in options if not o.correct]
            ordinal = sum(k == kind for k, *_ in made_items)
            options.insert(answer_position(lesson["id"], count, ordinal, len(options) + 1, inputs["course"]["id"]), answer)
        made_items.append((kind, prompt, options, candidate))
    if not made_items:
        raise GenerationError("the key terms near this lesson are too few for a fair question; mark more key terms in **bold** in the sources", where=["key_points"])
    objectives = _assign_objectives(lesson["objectives"], [c for *_, c in made_items], corpus.language)
    items = []
    for (kind, prompt, options, candidate), objective in zip(made_items, objectives):
        feedback = f"{words['source_says']} {words['open_quote']}{candidate.sentence}{words['close_quote']} ({candidate.passage.reference.text})"
        items.append(QuizItem(kind=kind, objective=objective, prompt=prompt, options=options, feedback=feedback))
    return Quiz(title=lesson["title"], items=items)


def _assign_objectives(objectives: list[dict[str, Any]], chosen: list[Candidate], language: str) -> list[str]:
    """Each item's objective: first one item for every objective (the pairs sharing most words
    first) while items last, then for each other item the objective its sentence shares most
    words with, the one with fewer items on a tie."""
    if not objectives:
        return ["-"] * len(chosen)
    goals = [set(terms(o["text"], language)) for o in objectives]
    said = [set(terms(f"{c.sentence} {c.term.text}", language)) for c in chosen]
    overlap = [[len(words & goal) for goal in goals] for words in said]
    assigned: dict[int, int] = {}
    pairs = sorted(((-overlap[i][o], i, o) for i in range(len(chosen)) for o in range(len(goals))))
    for _, i, o in pairs:  # the coverage pass
        if i not in assigned and o not in assigned.values():
            assigned[i] = o
    for i in range(len(chosen)):
        if i not in assigned:
            load = Counter(assigned.values())
            assigned[i] = min(range(len(goals)), key=lambda o: (-overlap[i][o], load[o], o))
    return [objectives[assigned[i]]["id"] for i in range(len(chosen))]


def _candidates(corpus: Corpus, lesson: dict[str, Any]) -> list[Candidate]:
    ranked = corpus.ranked((lesson["title"], 1.0), (" ".join(lesson["key_points"]), 1.0), limit=PASSAGES_PER_LESSON)
    found = []
    for _, i in ranked:
        passage = corpus.passages[i]
        said = [s for text in prose(passage) for s in sentences(strip_bold(text))]
        if len(corpus.unit(i)) > 1 and corpus.unit(i)[0] == i:
            said = said[:-1]  # "... the sample mean is" introduces a formula: no question alone
        for sentence in said:
            if not MIN_WORDS <= word_count(sentence) <= MAX_WORDS or BLANK in sentence or not stands_alone(sentence, corpus.language):
                continue
            text = folded(sentence)  # the cheap test of Term.count_in, hoisted: every term is tried
            found += [Candidate(term, sentence, passage) for term in corpus.terms if term.folded in text and term.count_in(sentence) == 1]
    return found


def _seed(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode("utf-8")).hexdigest()


def _fresh(candidates: list[Candidate], chosen: list[Candidate]) -> Iterator[Candidate]:
    """Candidates on a sentence not used yet: those on a new term first, then the rest."""
    sentences_used = {c.sentence for c in chosen}
    terms_used = {c.term.key for c in chosen}
    unused = [c for c in candidates if c.sentence not in sentences_used]
    yield from (c for c in unused if c.term.key not in terms_used)
    yield from (c for c in unused if c.term.key in terms_used)


def _distractors(candidate: Candidate, terms: list[Term], rng: random.Random, count: int) -> list[str]:
    """Other course terms of similar length that do not appear in the sentence."""
    answer = candidate.term
    pool = [
        t for t in terms
        if t.key != answer.key and t.key not in answer.key and answer.key not in t.key and not t.count_in(candidate.sentence)
    ]
    pool.sort(key=lambda t: (abs(len(t.text) - len(answer.text)), t.key))
    picked = rng.sample(pool[: count * 3], min(count, len(pool)))
    if picked and all(len(t.text) < len(answer.text) for t in picked):
        longer = [t for t in pool if len(t.text) >= len(answer.text) and t not in picked]
        if longer:  # the right answer must not be the one longest option
            picked[-1] = longer[0]
    return [t.text for t in picked]


Made = tuple[str, list[Option]] | None


def _multiple_choice(candidate: Candidate, terms: list[Term], rng: random.Random, words: dict[str, str]) -> Made:
    wrong = _distractors(candidate, terms, rng, DISTRACTORS)
    if len(wrong) < DISTRACTORS or all(len(w) < len(candidate.term.text) for w in wrong):
        return None  # too few terms, or the answer would give itself away as the longest option
    options = [Option(text=candidate.term.text, correct=True)] + [Option(text=t, correct=False) for t in wrong]
    rng.shuffle(options)  # distractor order; the caller places the answer
    return f"{words['which_term']} {candidate.term.blank_out(candidate.sentence, BLANK)}", options


def _true_false(candidate: Candidate, terms: list[Term], rng: random.Random, words: dict[str, str]) -> Made:
    statement_is_true = rng.random() < 0.5
    statement = candidate.sentence
    if not statement_is_true:
        wrong = _distractors(candidate, terms, rng, 1)
        if wrong:
            statement = candidate.term.blank_out(candidate.sentence, wrong[0])
            if candidate.sentence[:1].isupper():
                statement = statement[:1].upper() + statement[1:]
        else:
            statement_is_true = True
    options = [Option(text=words["true"], correct=statement_is_true), Option(text=words["false"], correct=not statement_is_true)]
    return f"{words['true_or_false']} {statement}", options


def _cloze(candidate: Candidate, terms: list[Term], rng: random.Random, words: dict[str, str]) -> Made:
    return f"{words['fill_blank']} {candidate.term.blank_out(candidate.sentence, BLANK)}", [Option(text=candidate.term.text, correct=True)]


MAKERS = {"multiple_choice": _multiple_choice, "true_false": _true_false, "cloze": _cloze}
