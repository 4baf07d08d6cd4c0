"""The NER pipeline runs only what NER reads, and finds exactly what the model's full NER finds."""
import json
from pathlib import Path

import spacy

from indexer.extract.entities import ner_text
from indexer.extract.nlp import EXCLUDE, MODEL, without_unheard

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample" / "wikinews.jsonl"


def sample_texts():
    with open(SAMPLE, encoding="utf-8") as fh:
        return [ner_text(r["title"], r["body"]) for r in map(json.loads, fh)]


def entities(nlp, texts):
    return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(texts, batch_size=32)]


def test_the_pipeline_is_ner_alone(nlp):
    assert nlp.pipe_names == ["ner"]


def test_ner_without_the_shared_tok2vec_finds_the_same_entities_on_the_sample(nlp):
    with_it = spacy.load(MODEL, exclude=list(EXCLUDE))
    assert with_it.pipe_names == ["tok2vec", "ner"]
    texts = sample_texts()[:80]   # a third of it: the whole takes a minute on a busy machine
    found = entities(nlp, texts)
    assert sum(map(len, found)) > 1500
    assert found == entities(with_it, texts)


def test_a_tok2vec_that_a_kept_component_listens_to_stays():
    tagged = without_unheard(spacy.load(MODEL, exclude=["parser", "attribute_ruler", "lemmatizer", "senter"]))
    assert tagged.pipe_names == ["tok2vec", "tagger", "ner"]
    assert [t.tag_ for t in tagged("Merkel met Macron in Paris.")][:2] == ["NNP", "VBD"]
