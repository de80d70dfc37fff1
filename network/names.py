"""Names as people type them differently: one folded form for comparing them."""

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "þ": "th", "\u0131": "i"}
)


def name_words(name: str) -> list[str]:
    """The name's words with case, accents, punctuation and spacing dropped:
    "  Léna  FJELD-Ørn " gives ["lena", "fjeld", "orn"]."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return re.sub(r"[^\w\s]|_", " ", folded.translate(_LETTERS)).split()


def name_key(name: str) -> str:
    """The folded name stored beside the name, so that the database finds "Søren" from "soren"."""
    return " ".join(name_words(name))
