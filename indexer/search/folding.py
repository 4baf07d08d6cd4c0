"""Folding: how words and facet values are compared when case and accents must not matter.

    fold("Matovič") == "matovic";  fold("Łódź") == "lodz";  fold("Straße") == "strasse"

Lower case, then each character decomposed (NFKD) with its combining marks dropped, then the
letters that do not decompose written as Lucene's ASCIIFoldingFilter writes them (ø, ł, đ, æ,
œ, þ, ß, ı, …), so that the Whoosh engine folds as OpenSearch's `asciifolding` does for the
letters of the languages news is written in. Letters of other scripts are kept as they are.
"""
import unicodedata
from functools import lru_cache

# Letters NFKD leaves alone, as ASCIIFoldingFilter folds them (lower case: fold lowers first).
_LETTERS = str.maketrans({
    "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "n", "ĸ": "q", "ſ": "s", "ƒ": "f", "ɨ": "i", "ʉ": "u", "ȥ": "z",
})


@lru_cache(maxsize=65536)
def fold(text):
    """Return text in lower case without accents (ASCII letters for the Latin ones)."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered.translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LETTERS)


def same_value(a, b):
    """Return whether two facet values are the same once folded."""
    return fold(a) == fold(b)
