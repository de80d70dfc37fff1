"""Names as people type them differently, folded for comparing them.

normalize_name is the strict form an import matches people by (case and spacing only: an
import never takes "Soren" for "Søren"); name_words and name_key also drop accents and
punctuation, for finding someone who may be the same person (similar.py, the duplicates page).
"""

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "þ": "th", "\u0131": "i"}
)


def normalize_name(name: str) -> str:
    """A name for matching: Unicode-normalised, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def name_words(name: str) -> list[str]:
    """The name's words with case, accents, punctuation and spacing dropped:
    "  Léna  FJELD-Ørn " gives ["lena", "fjeld", "orn"]."""
    folded = unicodedata.normalize("NFKD", normalize_name(name))
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return re.sub(r"[^\w\s]|_", " ", folded.translate(_LETTERS)).split()


def name_key(name: str) -> str:
    """The folded name stored beside the name, so that the database finds "Søren" from "soren"."""
    return " ".join(name_words(name))
