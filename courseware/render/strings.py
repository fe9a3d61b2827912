"""The words the rendered site and decks show around the content, per language (English otherwise)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "home": "Course home", "skip": "Skip to content", "objectives": "Learning objectives", "modules": "Modules and lessons",
        "lesson": "Lesson", "minutes": "minutes", "references": "References", "slides": "Slide outline", "notes": "Speaker notes",
        "quiz": "Check your understanding", "check": "Check my answers", "retry": "Try again", "score": "Score",
        "passed": "Passed", "not_passed": "Not passed yet", "pass_mark": "Pass mark", "correct": "Correct", "incorrect": "Not quite",
        "answer": "Your answer", "sources": "Sources", "credential": "Credential", "criteria": "Criteria",
        "shown": "A learner who earns it has shown that they can:", "previous": "Previous", "next": "Next",
        "audience": "Audience", "level": "Level", "license": "License", "authors": "Authors", "language": "Language",
        "unanswered": "Answer every question first.", "question": "Question", "answers_hidden": "The answers are in the speaker notes.",
        "cited_only": "A long source: only the sections this course cites are shown.",
        "table": "Table", "output": "Output", "callout_note": "Note", "callout_tip": "Tip", "callout_warning": "Warning",
        "callout_example": "Example", "callout_activity": "Activity", "callout_takeaway": "Key takeaway",
    },
    "fr": {
        "home": "Accueil du cours", "skip": "Aller au contenu", "objectives": "Objectifs d’apprentissage", "modules": "Modules et leçons",
        "lesson": "Leçon", "minutes": "minutes", "references": "Références", "slides": "Plan des diapositives", "notes": "Notes de l’orateur",
        "quiz": "Vérifiez votre compréhension", "check": "Vérifier mes réponses", "retry": "Réessayer", "score": "Score",
        "passed": "Réussi", "not_passed": "Pas encore réussi", "pass_mark": "Seuil de réussite", "correct": "Correct", "incorrect": "Pas tout à fait",
        "answer": "Votre réponse", "sources": "Sources", "credential": "Certification", "criteria": "Critères",
        "shown": "Une personne qui l’obtient a montré qu’elle sait :", "previous": "Précédent", "next": "Suivant",
        "audience": "Public", "level": "Niveau", "license": "Licence", "authors": "Auteurs", "language": "Langue",
        "unanswered": "Répondez d’abord à toutes les questions.", "question": "Question", "answers_hidden": "Les réponses figurent dans les notes de l’orateur.",
        "cited_only": "Source longue : seules les sections citées par ce cours sont affichées.",
        "table": "Tableau", "output": "Sortie", "callout_note": "Remarque", "callout_tip": "Astuce", "callout_warning": "Attention",
        "callout_example": "Exemple", "callout_activity": "Activité", "callout_takeaway": "À retenir",
    },
    "ar": {
        "home": "الصفحة الرئيسية للمقرر", "skip": "انتقل إلى المحتوى", "objectives": "أهداف التعلم", "modules": "الوحدات والدروس",
        "lesson": "الدرس", "minutes": "دقيقة", "references": "المراجع", "slides": "مخطط الشرائح", "notes": "ملاحظات المتحدث",
        "quiz": "تحقق من فهمك", "check": "تحقق من إجاباتي", "retry": "أعد المحاولة", "score": "النتيجة",
        "passed": "ناجح", "not_passed": "لم تنجح بعد", "pass_mark": "درجة النجاح", "correct": "صحيح", "incorrect": "ليس تمامًا",
        "answer": "إجابتك", "sources": "المصادر", "credential": "الشهادة", "criteria": "المعايير",
        "shown": "من يحصل عليها أظهر أنه قادر على:", "previous": "السابق", "next": "التالي",
        "audience": "الجمهور", "level": "المستوى", "license": "الترخيص", "authors": "المؤلفون", "language": "اللغة",
        "unanswered": "أجب عن جميع الأسئلة أولًا.", "question": "سؤال", "answers_hidden": "الإجابات في ملاحظات المتحدث.",
        "cited_only": "مصدر طويل: لا تُعرض إلا الأقسام التي يستشهد بها هذا المقرر.",
        "table": "جدول", "output": "المخرجات", "callout_note": "ملاحظة", "callout_tip": "نصيحة", "callout_warning": "تحذير",
        "callout_example": "مثال", "callout_activity": "نشاط", "callout_takeaway": "الخلاصة",
    },
}


def strings(language: str) -> dict[str, str]:
    """The label table for a BCP 47 tag."""
    return STRINGS.get(language.split("-")[0].lower(), STRINGS["en"])
