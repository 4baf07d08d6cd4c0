"""Shared fixtures: the real spaCy pipeline, loaded once per test session."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = ROOT / "data" / "sample" / "wikinews.jsonl"


@pytest.fixture(scope="session")
def nlp():
    from indexer.extract.nlp import load_nlp

    return load_nlp()


@pytest.fixture(autouse=True)
def _close_live_indexes():
    """Close the explorer's searchers after each test: uncompounded segments hold open files."""
    yield
    from indexer.engines.whoosh.live import LiveIndex

    LiveIndex.close_all()
