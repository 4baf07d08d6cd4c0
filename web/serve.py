"""Serving the app with waitress (several threads), on loopback unless told otherwise."""
from waitress import serve as waitress_serve


def serve(app, host="127.0.0.1", port=5000, threads=8):
    """Serve app until interrupted."""
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="facetwire")
    finally:
        app.extensions["facetwire_engine"].close()
