"""Did-you-mean over this engine: the contract's suggest_words(), from the words as written.

The candidates are the `words` vocabulary (schema.py: title and body folded, not stemmed, so a
suggestion is a word people write, "election", never a stem, "elect"), through expand.py's
lexicon cache: the words sharing the first letter and within the edit distance the word's
length allows (search/didyoumean.py: edit_limit), nearest first, then the most frequent.
"""
import bisect

import numpy as np
from whoosh.support.levenshtein import distance

from ...search.didyoumean import MIN_SUGGESTED, edit_limit, ranked
from ...search.folding import fold
from .expand import lexicon, prefix_end
from .schema import WORDS


def suggest_words(reader, word, limit):
    searcher = reader.searcher
    text = fold(word.strip())
    if len(text) < MIN_SUGGESTED or WORDS not in searcher.schema or limit <= 0:
        return []
    lex = lexicon(searcher, WORDS)
    maxdist = edit_limit(text)
    lo = bisect.bisect_left(lex.words, text[0])
    hi = bisect.bisect_left(lex.words, prefix_end(text[0]), lo)
    near = np.flatnonzero(np.abs(lex.lengths[lo:hi] - len(text)) <= maxdist) + lo
    found = []
    for i in near.tolist():
        d = distance(lex.words[i], text, limit=maxdist + 1)
        if d <= maxdist:
            found.append((lex.words[i], d, int(lex.freqs[i])))
    return ranked(found, limit)
