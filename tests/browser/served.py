"""Serve a WSGI app on a free loopback port from a thread for a browser test, and stop it cleanly.

Werkzeug's threaded server: its shutdown() ends serve_forever before the socket closes. Closing a
running waitress server from another thread makes its select() fail (EBADF) in the server's
thread, which pytest turns into an error of whichever test is running then.
"""
import contextlib
import threading

from werkzeug.serving import make_server


@contextlib.contextmanager
def served(app):
    """Yield the base URL of app served on 127.0.0.1; stop the server on leaving."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
