"""Offline quizzes from the course's key terms: multiple choice, true/false and cloze items.

Each item is a source sentence that uses a key term, assessing the lesson objective it shares
most words with (every objective gets one first). The sentence is a complete statement from
the narrative (stems.py) that this lesson's quiz ranks better than any other lesson's does, so
no item repeats across the course. Distractors and the swaps that make a statement false are
other terms of the same kind (distractors.py), the right answer's position follows a walk over
the positions that spreads a course's answers evenly, and feedback quotes the source.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from courseware import catalogue
from courseware.content.model import BLANK, Option, Quiz, QuizItem
from courseware.errors import GenerationError
from courseware.generate.offline.corpus import Corpus, prose
from courseware.generate.offline.distractors import distractors, swapped
from courseware.generate.offline.stems import stem_problem
from courseware.generate.offline.terms import Term, folded
from courseware.generate.positions import answer_position
from courseware.grounding.sources import Passage
from courseware.grounding.text import sentences, strip_bold, terms
from courseware.readers.base import LEARNER_TEXT

PASSAGES_PER_LESSON = 12
DISTRACTORS = 3


@dataclass(frozen=True)
class Candidate:
    term: Term
    sentence: str
    passage: Passage


def lesson_quiz(corpus: Corpus, inputs: dict[str, Any], owned: dict[str, str] | None = None) -> Quiz:
    """`questions` items cycling through `kinds`, each on its own term where the sources allow,
    on sentences this lesson owns (`owned`, from owners(); None: every sentence near it). It
    may make fewer than asked: the caller says so."""
    lesson, settings = inputs["lesson"], inputs["quiz"]
    words = catalogue.words(inputs["course"]["language"])
    candidates = _candidates(corpus, lesson, owned)
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
            made = MAKERS[kind](candidate, corpus, rng, words)
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


def ranked_passages(corpus: Corpus, lesson: dict[str, Any]) -> list[tuple[float, int]]:
    """The passages a lesson's quiz draws on, best first: those matching its title and key points."""
    return corpus.ranked((lesson["title"], 1.0), (" ".join(lesson["key_points"]), 1.0), limit=PASSAGES_PER_LESSON)


def stems(corpus: Corpus, i: int) -> list[str]:
    """The sentences of passage i fit to be asked about: narrative or box text (never an
    exercise, a solution, a figure's alt text or caption), each a complete statement."""
    passage = corpus.passages[i]
    if passage.role not in LEARNER_TEXT:
        return []
    said = [s for text in prose(passage) for s in sentences(strip_bold(text))]
    if len(corpus.unit(i)) > 1 and corpus.unit(i)[0] == i:
        said = said[:-1]  # "... the sample mean is" introduces a formula: no question alone
    return [s for s in said if stem_problem(s, corpus.language) is None]


def owners(lessons: list[dict[str, Any]], corpus_of: Callable[[dict[str, Any]], Corpus]) -> dict[str, str]:
    """Each sentence a quiz could ask about (folded) with the id of the one lesson whose quiz may:
    the lessons, in spec order, take turns claiming their best sentence not yet claimed (the
    order their quiz ranks them) until each holds twice the questions it asks for or has none
    left; a sentence nobody claimed goes to the lesson that ranks it highest. So no two lessons
    ask about the same sentence, a lesson with few sentences of its own still gets them, and no
    lesson needs another's output to know which are its own, only the spec and the sources.
    `corpus_of(lesson)` is the corpus that lesson's quiz is made from (its own passages or all)."""
    wanted = {lesson["id"]: _sentences(corpus_of(lesson), lesson) for lesson in lessons}
    owner: dict[str, str] = {}
    held = {lesson["id"]: 0 for lesson in lessons}
    queues = {lesson_id: iter(found) for lesson_id, found in wanted.items()}
    active = [lesson["id"] for lesson in lessons]
    while active:
        for lesson_id in list(active):
            claimed = next((s for s in queues[lesson_id] if s not in owner), None)
            if claimed is None:
                active.remove(lesson_id)
                continue
            owner[claimed] = lesson_id
            held[lesson_id] += 1
            if held[lesson_id] >= 2 * next(l["questions"] for l in lessons if l["id"] == lesson_id):
                active.remove(lesson_id)
    best: dict[str, tuple[int, int]] = {}
    for order, lesson in enumerate(lessons):
        for place, sentence in enumerate(wanted[lesson["id"]]):
            if sentence not in owner and (sentence not in best or (place, order) < best[sentence]):
                best[sentence] = (place, order)
    owner.update({sentence: lessons[order]["id"] for sentence, (_, order) in best.items()})
    return owner


def _sentences(corpus: Corpus, lesson: dict[str, Any]) -> list[str]:
    """The sentences (folded) a lesson's quiz could ask about, in the order it ranks them."""
    return list(dict.fromkeys(folded(c.sentence) for c in _candidates(corpus, lesson, None)))


def _candidates(corpus: Corpus, lesson: dict[str, Any], owned: dict[str, str] | None) -> list[Candidate]:
    found = []
    for _, i in ranked_passages(corpus, lesson):
        for sentence in stems(corpus, i):
            text = folded(sentence)  # the cheap test of Term.count_in, hoisted: every term is tried
            if owned is not None and owned.get(text, lesson["id"]) != lesson["id"]:
                continue  # another lesson's quiz ranks this sentence better: it asks about it
            present = [term for term in corpus.terms if term.folded in text and term.count_in(sentence) == 1]
            # "range" inside "interquartile range" is no term of its own there: "The interquartile ____".
            found += [Candidate(term, sentence, corpus.passages[i]) for term in present if not any(term.key in t.key and t.key != term.key for t in present)]
    return found


def _seed(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode("utf-8")).hexdigest()


def _fresh(candidates: list[Candidate], chosen: list[Candidate]) -> Iterator[Candidate]:
    """Candidates on a sentence not used yet: those on a new term first, then the rest."""
    sentences_used = {folded(c.sentence) for c in chosen}
    terms_used = {c.term.key for c in chosen}
    unused = [c for c in candidates if folded(c.sentence) not in sentences_used]
    yield from (c for c in unused if c.term.key not in terms_used)
    yield from (c for c in unused if c.term.key in terms_used)


Made = tuple[str, list[Option]] | None


def _multiple_choice(candidate: Candidate, corpus: Corpus, rng: random.Random, words: Mapping[str, str]) -> Made:
    wrong = distractors(candidate.term, candidate.sentence, corpus.terms, corpus.language, rng, DISTRACTORS, candidate.passage.source)
    if len(wrong) < DISTRACTORS or all(len(w) < len(candidate.term.text) for w in wrong):
        return None  # too few terms, or the answer would give itself away as the longest option
    options = [Option(text=candidate.term.text, correct=True)] + [Option(text=t, correct=False) for t in wrong]
    rng.shuffle(options)  # distractor order; the caller places the answer
    return f"{words['which_term']} {candidate.term.blank_out(candidate.sentence, BLANK)}", options


def _true_false(candidate: Candidate, corpus: Corpus, rng: random.Random, words: Mapping[str, str]) -> Made:
    statement_is_true = rng.random() < 0.5
    statement = candidate.sentence
    if not statement_is_true:
        wrong = distractors(candidate.term, candidate.sentence, corpus.terms, corpus.language, rng, 1, candidate.passage.source)
        if wrong:  # a term of the same kind, fitted in: the statement stays grammatical
            statement = swapped(candidate.sentence, candidate.term, wrong[0], corpus.language)
        else:
            statement_is_true = True
    options = [Option(text=words["true"], correct=statement_is_true), Option(text=words["false"], correct=not statement_is_true)]
    return f"{words['true_or_false']} {statement}", options


def _cloze(candidate: Candidate, corpus: Corpus, rng: random.Random, words: Mapping[str, str]) -> Made:
    return f"{words['fill_blank']} {candidate.term.blank_out(candidate.sentence, BLANK)}", [Option(text=candidate.term.text, correct=True)]


MAKERS = {"multiple_choice": _multiple_choice, "true_false": _true_false, "cloze": _cloze}
