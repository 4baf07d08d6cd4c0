"""Serving the app with waitress (several threads), on loopback unless told otherwise."""
import socket

from waitress import serve as waitress_serve


def serve(app, host="127.0.0.1", port=5000, threads=8):
    """Serve app until interrupted; raise OSError at once when the address cannot be listened on."""
    check_address(host, port)
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="facetwire")
    finally:
        app.extensions["facetwire_engine"].close()


def check_address(host, port):
    """Bind (and release) host:port, so a taken port fails here: waitress leaks its socket then."""
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress: TIME_WAIT is no conflict
        probe.bind(address)
