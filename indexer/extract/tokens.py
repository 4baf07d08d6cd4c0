"""What the extraction rules and the topic classifier read of a spaCy Doc's tokens, read once per Doc.

spaCy builds a new Token object on every `doc[i]` and every step of `for t in doc`, and Doc.text
and Doc.ents anew on every access: on news text that cost more than the rules themselves. Tokens
reads each token's text, lower case, offset, trailing space and alphabetic flag in one
Doc.to_array call, and the text and entities once. `tokens_of(doc)` keeps the last Doc's table:
entity extraction and topic classification read the same Doc one after the other.
"""
from spacy.attrs import IDX, IS_ALPHA, LOWER, ORTH, SPACY

__all__ = ["Ent", "Tokens", "tokens_of"]


class Ent:
    """One entity of Doc.ents with the attributes the rules read, as plain values."""

    __slots__ = ("start", "end", "start_char", "end_char", "label_")

    def __init__(self, start, end, start_char, end_char, label_):
        self.start, self.end, self.start_char, self.end_char, self.label_ = start, end, start_char, end_char, label_


class Tokens:
    """A Doc's tokens as lists (index i = token i): words (Token.text), lowers (lower_), idx (doc char
    offset), space (whether whitespace_ is " "), alpha (is_alpha); the Doc's text and ents."""

    __slots__ = ("doc", "words", "lowers", "idx", "space", "alpha", "text", "ents")

    def __init__(self, doc):
        self.doc = doc
        strings = doc.vocab.strings
        orth, lower, self.idx, space, alpha = doc.to_array([ORTH, LOWER, IDX, SPACY, IS_ALPHA]).T.tolist()
        self.words = [strings[h] for h in orth]
        self.lowers = [strings[h] for h in lower]
        self.space = list(map(bool, space))
        self.alpha = list(map(bool, alpha))
        # Doc.text is the tokens' texts each with its trailing whitespace
        self.text = "".join([w + " " if sp else w for w, sp in zip(self.words, space)])
        self.ents = [Ent(e.start, e.end, e.start_char, e.end_char, e.label_) for e in doc.ents]

    def __len__(self):
        return len(self.words)

    def end_char(self, i):
        """The doc char offset just after token i."""
        return self.idx[i] + len(self.words[i])

    def span_text(self, start, end):
        """Span.text of tokens start..end-1 (end > start): the text from the first to the end of the last."""
        return self.text[self.idx[start]:self.idx[end - 1] + len(self.words[end - 1])]


_last = (None, None)


def tokens_of(doc):
    """Return the Tokens of doc; built once for the Doc read last (one slot: a pair of references,
    replaced whole, so threads sharing it see either Doc's table, never a mix)."""
    global _last
    last_doc, table = _last
    if last_doc is not doc:
        table = Tokens(doc)
        _last = (doc, table)
    return table
