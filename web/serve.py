"""Serving the app with waitress (several threads), on loopback unless told otherwise."""
import logging
import socket
import sys

from waitress import serve as waitress_serve

from indexer.errors import FacetwireError
from indexer.search.request import SearchRequest

log = logging.getLogger(__name__)
WARM_SEARCHES = 6   # at most: each search within its time limit fills more of the engine's caches
# Seconds a thread holds the GIL while others wait (Python's default: 0.005). A search is CPU
# work in Python; with 8 of them running, a small page waited 8 x 5 ms for each of its turns.
SWITCH_INTERVAL = 0.001


def serve(app, host="127.0.0.1", port=5000, threads=8):
    """Serve app until interrupted; raise OSError at once when the address cannot be listened on."""
    check_address(host, port)
    warm(app.extensions["facetwire_engine"])
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="facetwire")
    finally:
        app.extensions["facetwire_engine"].close()


def warm(engine):
    """Fill the engine's caches (facet counts, the text fields' word lists) before the first request.

    A cold index makes the first searches build them, which no time limit can cut short; here it
    happens before listening. An empty search repeats while its answer says it was cut short.
    """
    try:
        with engine.reader() as reader:
            for _ in range(WARM_SEARCHES):
                if not reader.search(SearchRequest()).warnings:
                    break
            reader.search(SearchRequest(q="a*"))   # a prefix: the word lists of title and body
    except FacetwireError as err:
        log.warning("could not warm the index before serving: %s", err)


def check_address(host, port):
    """Bind (and release) host:port, so a taken port fails here: waitress leaks its socket then."""
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress: TIME_WAIT is no conflict
        probe.bind(address)
