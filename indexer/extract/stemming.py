"""The English stemmer the topic classifier reads words with, and that export and the web marks use.

The Snowball project's implementation of Porter's algorithm (PyStemmer, the C libstemmer), not
Whoosh's: extraction imports no search engine. It agrees with Whoosh's own Porter stemmer on about
96% of news words; the rest are words Whoosh's variant stems short ("organized" -> "organiz",
Snowball "organ"), so export snippets and the web's query marks, which mimic the Whoosh index's
stems, move by a word or two on those. The topic model was retrained with these stems.

A PyStemmer object is not thread-safe (the web app marks words on several threads): one per thread.
"""
import threading

import Stemmer

ALGORITHM = "porter"
__all__ = ["ALGORITHM", "stem"]
_local = threading.local()


def stem(word: str) -> str:
    """Return the Porter stem of a lowercased word (the word itself if the stem would be empty)."""
    try:
        stemmer = _local.stemmer
    except AttributeError:
        stemmer = _local.stemmer = Stemmer.Stemmer(ALGORITHM)
    return stemmer.stemWord(word) or word
