"""The search engines behind indexer.contract, and how to pick one.

whoosh       embedded, one folder on this machine (the default)
opensearch   a cluster reached over HTTP (see docs/SCALING.md)

Environment (read by config_from_env; explicit values win):
  FACETWIRE_ENGINE             whoosh | opensearch
  FACETWIRE_ENGINE_URL         opensearch: node URLs, comma-separated (every node: failover)
  FACETWIRE_ENGINE_USERNAME    opensearch: basic auth user ...
  FACETWIRE_ENGINE_PASSWORD    ... and password
  FACETWIRE_ENGINE_VERIFY      opensearch: verify TLS certificates (1, default) or not (0)
  FACETWIRE_ENGINE_CA_FILE     opensearch: a CA bundle to verify them with
  FACETWIRE_ENGINE_INDEX       opensearch: the alias readers use; indexes are named after it
  FACETWIRE_ENGINE_SHARDS      opensearch: primary shards of a new index
  FACETWIRE_ENGINE_REPLICAS    opensearch: replicas of a new index
  FACETWIRE_ENGINE_TIMEOUT     opensearch: seconds per request
"""
import os
from dataclasses import dataclass, field, fields

from ..errors import FacetwireError

ENGINES = ("whoosh", "opensearch")


@dataclass
class EngineConfig:
    engine: str = "whoosh"
    index_dir: str = "index_data"   # whoosh: the index folder
    engine_url: list = field(default_factory=lambda: ["http://127.0.0.1:9200"])  # opensearch: every node
    username: str | None = None     # opensearch: basic auth
    password: str | None = None
    verify_certs: bool = True       # opensearch, https: check the server's certificate ...
    ca_file: str | None = None      # ... against this CA bundle (None: the system's / certifi's)
    index_name: str = "facetwire"   # opensearch: the live alias; indexes are INDEX_NAME-<stamp>-<hex>
    shards: int = 1                 # opensearch: of a new index (one shard: exact scores, enough for
    replicas: int = 1               #   millions of articles); replicas keep it answering on node loss
    timeout: float = 30.0           # opensearch: seconds per request


_ENV = {  # field -> (variable, parse)
    "engine_url": ("FACETWIRE_ENGINE_URL", lambda v: [u.strip() for u in v.split(",") if u.strip()]),
    "username": ("FACETWIRE_ENGINE_USERNAME", str),
    "password": ("FACETWIRE_ENGINE_PASSWORD", str),
    "verify_certs": ("FACETWIRE_ENGINE_VERIFY", lambda v: v.strip().lower() not in ("0", "false", "no", "off")),
    "ca_file": ("FACETWIRE_ENGINE_CA_FILE", str),
    "index_name": ("FACETWIRE_ENGINE_INDEX", str),
    "shards": ("FACETWIRE_ENGINE_SHARDS", int),
    "replicas": ("FACETWIRE_ENGINE_REPLICAS", int),
    "timeout": ("FACETWIRE_ENGINE_TIMEOUT", float),
}


def config_from_env(environ=None, **given):
    """Return an EngineConfig from explicit values, then FACETWIRE_* environment variables."""
    environ = os.environ if environ is None else environ
    engine = given.pop("engine", None) or environ.get("FACETWIRE_ENGINE") or "whoosh"
    known = {f.name for f in fields(EngineConfig)}
    values = {}
    for name in known - {"engine"}:
        if given.get(name) is not None:
            values[name] = given[name]
        elif name in _ENV and environ.get(_ENV[name][0]):
            variable, parse = _ENV[name]
            try:
                values[name] = parse(environ[variable])
            except ValueError:
                raise FacetwireError(f"{variable}={environ[variable][:40]!r} is not valid") from None
    unknown = set(given) - known
    if unknown:
        raise FacetwireError(f"unknown engine setting(s): {', '.join(sorted(unknown))}")
    return EngineConfig(engine=engine, **values)


def open_engine(config):
    """Return the SearchEngine a config names (nothing is connected or opened yet)."""
    if config.engine == "whoosh":
        from .whoosh import WhooshEngine

        return WhooshEngine(config.index_dir)
    if config.engine == "opensearch":
        from .opensearch import OpenSearchEngine

        return OpenSearchEngine(config)
    raise FacetwireError(f"unknown engine {config.engine!r}; use one of {', '.join(ENGINES)}")
