"""Did-you-mean over this engine: the contract's suggest_words(), by the term suggester.

One search: the term suggester on each text field's `words` sub-field (mapping.py: folded, not
stemmed, so a suggestion is a word as people write it) with the edit distance and first letter
the Whoosh engine uses (search/didyoumean.py), and a count of the word itself; the options are
then ranked as the Whoosh engine ranks them: nearest first, then the most frequent.
"""
from ...search.didyoumean import MIN_SUGGESTED, edit_distance, edit_limit, ranked
from ...search.folding import fold
from ...search.syntax import TEXT_FIELDS
from .mapping import WORDS

SHARD_SIZE = 50   # options each shard proposes per field, before they are ranked here


def suggest_words(reader, word, limit):
    text = fold(word.strip())
    if len(text) < MIN_SUGGESTED or limit <= 0:
        return []
    maxdist = edit_limit(text)
    fields = [f"{f}.{WORDS}" for f in TEXT_FIELDS]
    body = {
        "size": 0, "track_total_hits": True,
        "query": {"bool": {"should": [{"term": {f: text}} for f in fields], "minimum_should_match": 1}},
        "suggest": {"text": text, **{f"in_{i}": {"term": {
            "field": f, "suggest_mode": "always", "size": SHARD_SIZE, "shard_size": SHARD_SIZE,
            "max_edits": maxdist, "prefix_length": 1, "min_word_length": MIN_SUGGESTED,
            "string_distance": "damerau_levenshtein"}} for i, f in enumerate(fields)}},
    }
    response = reader.searcher.run(body, f"suggesting words like {word[:40]!r} from")
    freqs = {}
    for name, entries in response.get("suggest", {}).items():
        for entry in entries:
            for option in entry.get("options", ()):
                freqs[option["text"]] = max(freqs.get(option["text"], 0), int(option.get("freq", 0)))
    itself = response["hits"]["total"]["value"]
    if itself:
        freqs[text] = itself
    found = [(w, edit_distance(w, text, maxdist + 1), f) for w, f in freqs.items()]
    return ranked([c for c in found if c[1] <= maxdist], limit)
