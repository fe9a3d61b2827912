"""Citations name the page of a PDF or the slide of a deck, and read back from the markdown."""

from __future__ import annotations

import pytest

from courseware.content.model import Article, Paragraph, Reference, Section
from courseware.markdown.parse import parse_article
from courseware.markdown.write import article_markdown


@pytest.mark.parametrize("text, fields", [
    ("sources/a.md", {"source": "sources/a.md"}),
    ("sources/a.md § Intro", {"source": "sources/a.md", "section": "Intro"}),
    ("sources/paper.pdf § Results, p. 12", {"source": "sources/paper.pdf", "section": "Results", "page": 12}),
    ("sources/week1.pptx § Why rotate, slide 3", {"source": "sources/week1.pptx", "section": "Why rotate", "slide": 3}),
    ("sources/scan.pdf, p. 2", {"source": "sources/scan.pdf", "page": 2}),
    ("sources/a.md § Costs, pages and slides", {"source": "sources/a.md", "section": "Costs, pages and slides"}),
    ("sources/a.md § Part 2, p. 0", {"source": "sources/a.md", "section": "Part 2, p. 0"}),  # no page 0: part of the name
])
def test_a_citation_reads_back_as_written(text, fields):
    ref = Reference.parse(text)
    assert ref == Reference(**fields)
    assert ref.text == text


def test_a_reference_names_a_page_or_a_slide_not_both():
    with pytest.raises(ValueError, match="a page or a slide, not both"):
        Reference(source="a.pdf", page=1, slide=2)


def test_an_article_keeps_its_pages_and_slides_through_markdown():
    article = Article(
        title="Rotation",
        sections=[Section(heading="Why", blocks=[Paragraph(text="One.", cites=[1]), Paragraph(text="Two.", cites=[2])])],
        references=[Reference(source="s/paper.pdf", section="Results", page=12), Reference(source="s/deck.pptx", section="Why", slide=3)],
    )
    text = article_markdown(article)
    assert "[^1]: s/paper.pdf § Results, p. 12\n\n[^2]: s/deck.pptx § Why, slide 3\n" in text
    assert parse_article(text, "lesson.md").references == article.references
