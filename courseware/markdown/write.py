"""Content models to markdown bodies: the formats documented in docs/formats.md."""

from __future__ import annotations

from courseware.content.model import Article, Paragraph, Quiz, SlideDeck
from courseware.markdown.blocks import escape_line

KIND_SLUGS = {"multiple_choice": "multiple-choice", "true_false": "true-false", "cloze": "cloze"}


def heading(level: int, text: str) -> str:
    """An ATX heading whose text reads back unchanged (a trailing '#' is escaped)."""
    text = escape_line(text)
    if text.endswith("#"):
        text = text[:-1] + "\\#"
    return "#" * level + " " + text


def _paragraph(paragraph: Paragraph) -> str:
    text = escape_line(paragraph.text)
    if paragraph.cites and text.endswith(("\\", "^", "!", "[", "]")):
        text += " "  # these right before [^1] would escape it or make it an inline note, image or link
    return text + "".join(f"[^{n}]" for n in paragraph.cites)


def _join(parts: list[str]) -> str:
    return "\n\n".join(parts) + "\n"


def article_markdown(article: Article) -> str:
    """A lesson or overview: # title, intro, ## sections, footnote references."""
    parts = [heading(1, article.title)]
    parts += [_paragraph(p) for p in article.intro]
    for section in article.sections:
        parts.append(heading(2, section.heading))
        parts += [_paragraph(p) for p in section.blocks]
    for n, ref in enumerate(article.references, start=1):
        parts.append(f"[^{n}]: " + escape_line(ref.source + (f" § {ref.section}" if ref.section else "")))
    return _join(parts)


def quiz_markdown(quiz: Quiz) -> str:
    """A quiz: ## Qn · kind · objective, the prompt, a checkbox list of options, > feedback."""
    parts = [heading(1, quiz.title)]
    for n, item in enumerate(quiz.items, start=1):
        parts.append(f"## Q{n} · {KIND_SLUGS[item.kind]} · {item.objective}")
        parts.append(escape_line(item.prompt))
        parts.append("\n".join(f"- [{'x' if o.correct else ' '}] {o.text}" for o in item.options))
        parts.append("> " + escape_line(item.feedback))
    return _join(parts)


def slides_markdown(deck: SlideDeck) -> str:
    """A slide outline: ## slide title, bullets, a ::: notes block."""
    parts = [heading(1, deck.title)]
    for slide in deck.slides:
        parts.append(heading(2, slide.title))
        if slide.bullets:
            parts.append("\n".join(f"- {escape_line(b)}" for b in slide.bullets))
        if slide.notes:
            parts.append("::: notes\n" + escape_line(slide.notes) + "\n:::")
    return _join(parts)


def to_markdown(content: Article | Quiz | SlideDeck) -> str:
    """The markdown body for any content model."""
    if isinstance(content, Article):
        return article_markdown(content)
    if isinstance(content, Quiz):
        return quiz_markdown(content)
    return slides_markdown(content)
