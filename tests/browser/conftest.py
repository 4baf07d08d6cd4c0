"""Browser fixtures: the app served by waitress on a free port, Debian's Chromium, headless.

See /work/shared-style notes: the plugin's own `page`/`browser` fixtures are used throughout.
"""
import gc
import os
import threading
import warnings
from pathlib import Path

import pytest
from waitress.server import create_server

from web import create_app
from web.serve import warm

from served import served

FIXTURE = Path(__file__).resolve().parent.parent / "web" / "fixture_articles.jsonl"
CHROMIUM = os.environ.get("FACETWIRE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True}


@pytest.fixture(scope="session")
def browser_index(tmp_path_factory):
    from indexer.build import build_index

    index_dir = tmp_path_factory.mktemp("browser-index")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # see tests/web/conftest.py
        build_index(sources=[FIXTURE], index_dir=index_dir)
        gc.collect()
    return index_dir


@pytest.fixture(scope="session")
def live_server(browser_index):
    app = create_app({"INDEX_DIR": str(browser_index)})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


@pytest.fixture(scope="session")
def opensearch_live_server():
    """The same fixture articles built into a fresh index on the test cluster, served on a free port."""
    import secrets

    from clusters import OPENSEARCH_URL, need_opensearch
    from indexer.build import build_index
    from indexer.engines import EngineConfig, open_engine

    need_opensearch()
    config = EngineConfig(engine="opensearch", engine_url=[OPENSEARCH_URL], shards=2, replicas=1,
                          index_name=f"fw-browser-{secrets.token_hex(3)}")
    engine = open_engine(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # see tests/web/conftest.py
        build_index(sources=[FIXTURE], engine=engine)
        gc.collect()
    app = create_app({"ENGINE_CONFIG": config})
    warm(app.extensions["facetwire_engine"])   # as `serve` does: a cold first search may be cut short
    with served(app) as url:
        yield url
    engine.drop()
    engine.close()


@pytest.fixture(params=["whoosh", "opensearch"])
def engine_url(request):
    """The explorer on the fixture articles, once on each engine (pages whose answers come from it)."""
    return request.getfixturevalue("opensearch_live_server" if request.param == "opensearch" else "live_server")


@pytest.fixture
def page(page):
    page.set_default_timeout(5000)
    return page
