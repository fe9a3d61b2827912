"""The course's quizzes in Moodle's GIFT format (dist/gift.txt): the same bank as moodle.xml,
categories, names and HTML texts included, for LMSs and tools that read GIFT rather than XML.

Each question is `::<name>::[html]<text> {...}` after a `// [id:...]` comment (the id number
for current Moodle versions, a plain comment for older ones). The item's feedback is the
question's general feedback (`####`), shown whatever the learner answered: in GIFT a feedback
after a true/false answer is shown only for the wrong answer. A cloze item is a short-answer
question with the blank kept in its text, its accepted answers listed at the end. Code and math
are in the HTML as moodle.xml has them (<code>, TeX between \\( and \\)), GIFT-escaped.
"""

from __future__ import annotations

from courseware.content.model import QuizItem
from courseware.course import Course, LessonContent
from courseware.render import register
from courseware.render.moodle import accepted, categories, html, idnumber, prompt_html, question_name
from courseware.render.quiztext import Degraded
from courseware.writer import Writer

SPECIAL = str.maketrans({"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:", "\n": "\\n", "\r": ""})


@register("gift")
def render_gift(course: Course, writer: Writer) -> None:
    """Write dist/gift.txt: every lesson's quiz, in lesson order, after its category line."""
    blocks: list[str] = []
    degraded = Degraded("gift")
    for path, _, item in categories(course):
        # Moodle takes the rest of a category line as it is, without unescaping (so a category
        # has no id number in GIFT: moodle.xml carries them).
        blocks.append(f"$CATEGORY: {path}")
        if item is not None:
            blocks.extend(question(course, item, n, q, degraded) for n, q in enumerate(item.quiz.items, start=1))
    writer.write_text("gift.txt", "\n\n".join(blocks) + "\n")
    degraded.say(course)


def escape(text: str) -> str:
    """Backslash-escape GIFT's special characters ~ = # { } : and the backslash itself."""
    return text.translate(SPECIAL)


def question(course: Course, item: LessonContent, n: int, q: QuizItem, degraded: Degraded | None = None) -> str:
    """One question as GIFT lines (no blank line inside)."""
    head = f"// [id:{idnumber(course, item, n)}]\n::{escape(question_name(course, item, n))}::[html]{escape(prompt_html(course, q))} "
    feedback = "####" + escape(html(course, q.feedback))
    if q.kind == "true_false":
        return head + "{" + ("TRUE" if q.options[0].correct else "FALSE") + feedback + "}"
    if q.kind == "multiple_choice":
        # Answers are HTML too (they take the question's format), so they never start with '%'
        # (a weight) or hold '->' (a matching pair): the markup starts with '<', '>' is '&gt;'.
        answers = [("=" if o.correct else "~") + escape(html(course, o.text, "span")) for o in q.options]
    else:
        answers = [_short_answer(o.text, degraded, f"{item.lesson.id} question {n}") for o in q.options]
    return head + "{\n" + "".join(f"\t{line}\n" for line in [*answers, feedback]) + "}"


def _short_answer(text: str, degraded: Degraded | None, place: str) -> str:
    # Short answers are plain text, so two of GIFT's blind spots need care: a leading '%50%'
    # would be read as a weight (an explicit one comes first), and '->' anywhere in the answers
    # makes the question a matching one; GIFT cannot escape it, so '-*>' (Moodle's wildcard)
    # stands in: it accepts the answer as written, and a little more.
    answer = accepted(text, degraded, place).replace("->", "-*>")
    weight = "%100%" if answer.startswith("%") else ""
    return f"={weight}{escape(answer)}"
