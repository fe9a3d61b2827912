"""The few fixed phrases quizzes and slides need, per language (English otherwise): offline
items and slides, and the True/False options of every provider's quizzes."""

from __future__ import annotations

from courseware.grounding.text import base_language

PHRASES = {
    "en": {"which_term": "Which term completes the sentence?", "true_or_false": "True or false?", "true": "True", "false": "False", "fill_blank": "Fill in the blank:", "source_says": "The source says:", "source": "Source:", "open_quote": "“", "close_quote": "”"},
    "fr": {"which_term": "Quel terme complète la phrase ?", "true_or_false": "Vrai ou faux ?", "true": "Vrai", "false": "Faux", "fill_blank": "Complétez la phrase :", "source_says": "La source indique :", "source": "Source :", "open_quote": "« ", "close_quote": " »"},
    "ar": {"which_term": "ما المصطلح الذي يكمل الجملة؟", "true_or_false": "صواب أم خطأ؟", "true": "صواب", "false": "خطأ", "fill_blank": "أكمل الفراغ:", "source_says": "يقول المصدر:", "source": "المصدر:", "open_quote": "«", "close_quote": "»"},
    "sw": {"which_term": "Ni neno gani linakamilisha sentensi?", "true_or_false": "Kweli au si kweli?", "true": "Kweli", "false": "Si kweli", "fill_blank": "Jaza pengo:", "source_says": "Chanzo kinasema:", "source": "Chanzo:", "open_quote": "“", "close_quote": "”"},
    "es": {"which_term": "¿Qué término completa la oración?", "true_or_false": "¿Verdadero o falso?", "true": "Verdadero", "false": "Falso", "fill_blank": "Completa el espacio:", "source_says": "La fuente dice:", "source": "Fuente:", "open_quote": "«", "close_quote": "»"},
    "pt": {"which_term": "Que termo completa a frase?", "true_or_false": "Verdadeiro ou falso?", "true": "Verdadeiro", "false": "Falso", "fill_blank": "Preencha a lacuna:", "source_says": "A fonte diz:", "source": "Fonte:", "open_quote": "“", "close_quote": "”"},
}


def phrases(language: str) -> dict[str, str]:
    """The phrase table for a BCP 47 tag."""
    return PHRASES.get(base_language(language), PHRASES["en"])
