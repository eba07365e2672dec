"""Words to terms for finding similar pilots, the same on SQLite and PostgreSQL.

Each word is stemmed with the Finnish, Swedish and English Snowball stemmers (the idea's language
is not known, and people mix them), and a long stem also yields its first six letters, which
catches the Finnish inflections a stemmer leaves apart (kahvila, kahviloissa). Similar pilots are
then the ones sharing the most, and the rarest, terms.
"""

import re
from functools import cache

import snowballstemmer

WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
PREFIX_LENGTH = 6
MAX_TERM_LENGTH = 40

STOPWORDS = frozenset(
    """
    ja on ei se että kun niin mutta tai ovat oli olla myös jossa joka jotka kanssa sekä sen
    siitä tämä tässä nämä ne he me te hän minä sinä kuin jos vain vielä sitten mitä miten
    kaikki kanssa joita jota ole olisi voi voisi pitää mukaan kautta noin yli alle
    och att det som för med till den inte har var ett men kan ska om eller från hur
    the and for with that this from are was were have has not but our their they them who what
    will would can could into about than then there here when where which also all any each
    """.split()
)


LANGUAGE_WORDS = {
    "fi": frozenset(
        "ja on ei se että kun niin mutta tai ovat oli olla myös jossa joka jotka kanssa sekä sen "
        "siitä tämä tässä nämä he me hän kuin jos vain vielä sitten mitä miten kaikki voi "
        "lapset nuoret ikäihmiset kylä kerran viikossa yhdessä".split()
    ),
    "sv": frozenset(
        "och att det som för med till den inte har var ett men kan ska om eller från hur en "
        "på är av vi de barn unga äldre byn varje gång tillsammans behövs fler inga ingen "
        "många mer när där här också bara sedan alla".split()
    ),
    "en": frozenset(
        "the and for with that this from are was were have has not but our their they them who "
        "what will would can into about than then there here when where which also a of to in "
        "is children young people village every week together".split()
    ),
}


_FINNISH_ENDINGS = re.compile(r"\w(?:ssa|ssä|sta|stä|lla|llä|lta|ltä|aan|ään|ksi|ista|istä)\b")
_SWEDISH_LETTERS = re.compile(r"å")


def language_of(text: str) -> str:
    """The text's language among Finnish, Swedish and English, by its common words, Finnish
    case endings and the Swedish å; Finnish when it cannot be told (the programme's first)."""
    lowered = text.lower()
    words = WORD.findall(lowered) + re.findall(r"\b\w{1,2}\b", lowered)
    counts = {
        language: sum(word in common for word in words)
        for language, common in LANGUAGE_WORDS.items()
    }
    counts["fi"] += len(_FINNISH_ENDINGS.findall(lowered))
    counts["sv"] += 2 * len(_SWEDISH_LETTERS.findall(lowered))
    best = max(counts, key=lambda language: (counts[language], language == "fi"))
    return best if counts[best] else "fi"


@cache
def _stemmers():
    return [snowballstemmer.stemmer(language) for language in ("finnish", "swedish", "english")]


def terms_of(text: str) -> set[str]:
    """The search terms of a text: stems in three languages and prefixes of long stems."""
    words = [word for word in WORD.findall(text.lower()) if word not in STOPWORDS]
    terms: set[str] = set()
    for stemmer in _stemmers():
        for stem in stemmer.stemWords(words):
            if len(stem) < 3:
                continue
            terms.add(stem[:MAX_TERM_LENGTH])
            if len(stem) > PREFIX_LENGTH:
                terms.add(stem[:PREFIX_LENGTH])
    return terms
