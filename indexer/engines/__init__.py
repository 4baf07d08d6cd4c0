"""The search engines behind indexer.contract, and how to pick one.

whoosh       embedded, one folder on this machine (the default)
opensearch   a cluster reached over HTTP (see docs/SCALING.md)
"""
import os
from dataclasses import dataclass

from ..errors import FacetwireError

ENGINES = ("whoosh",)


@dataclass
class EngineConfig:
    engine: str = "whoosh"
    index_dir: str = "index_data"   # whoosh: the index folder


def config_from_env(**given):
    """Return an EngineConfig from explicit values, then FACETWIRE_* environment variables."""
    engine = given.pop("engine", None) or os.environ.get("FACETWIRE_ENGINE") or "whoosh"
    return EngineConfig(engine=engine, **{k: v for k, v in given.items() if v is not None})


def open_engine(config):
    """Return the SearchEngine a config names (nothing is connected or opened yet)."""
    if config.engine == "whoosh":
        from .whoosh import WhooshEngine

        return WhooshEngine(config.index_dir)
    raise FacetwireError(f"unknown engine {config.engine!r}; use one of {', '.join(ENGINES)}")
