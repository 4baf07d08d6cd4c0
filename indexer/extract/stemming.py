"""The Porter stemmer the topic classifier reads words with.

Whoosh's own Porter implementation (whoosh.lang.porter): a language utility of the Whoosh
package, not of the Whoosh engine, and the one whose stems the shipped topic cues were tuned
with. It differs from the Snowball "porter" stemmer on about 3% of news words ("rugged" ->
"rugg", not "rug"), so swapping it changes the topics of some articles (5 of the 291 sample
articles); that swap belongs with the next retraining of the topic model, measured there.
"""
from whoosh.lang.porter import stem

__all__ = ["stem"]
