"""Who may talk to the explorer: accepted host names, an optional access token, export slots.

- The Host header must name this server (loopback names by default, more with --allow-host):
  a DNS-rebinding page on another site cannot read a loopback-only archive through a browser.
- With an access token set, every request needs it: `Authorization: Bearer TOKEN`, or basic
  auth with any user name and the token as password (so a browser asks for it once).
- Exports stream for as long as the archive is big: only EXPORT_SLOTS run at once, so that
  interactive pages always find a free server thread.
"""
import hmac
import threading

from flask import abort, current_app, request
from werkzeug.exceptions import HTTPException, Unauthorized

from .curation import given_token, is_curator_header

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def init_app(app):
    app.extensions["facetwire_exports"] = threading.BoundedSemaphore(app.config["EXPORT_SLOTS"])
    app.before_request(_check_request)


def host_name(header):
    """Return the host name of a Host header, without port or IPv6 brackets, lower-cased."""
    header = (header or "").strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else ""
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class TokenRequired(Unauthorized):
    description = ("This archive needs its access token: send `Authorization: Bearer TOKEN`, or give "
                   "the token as the password when the browser asks.")


class ExportsBusy(HTTPException):
    code = 503
    description = "Other exports are running; try again in a few seconds."


def _check_request():
    allowed = current_app.config["ALLOWED_HOSTS"]
    if "*" not in allowed and host_name(request.headers.get("Host")) not in allowed:
        abort(400, description="This server does not answer to that host name (it accepts "
                               f"{', '.join(allowed)}; `serve --allow-host NAME` adds one).")
    token = current_app.config.get("ACCESS_TOKEN")
    header = request.headers.get("Authorization", "")
    if token and not _has_token(header, token) and is_curator_header(header) is None:   # a curator may read
        raise TokenRequired()


def challenge(response):
    """Ask a browser for the token (after_request): a 401 gets a basic-auth challenge."""
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="Facetwire", charset="UTF-8"'
    return response


def _has_token(header, token):
    given = given_token(header)
    return given is not None and hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def take_export_slot(response_factory):
    """Return response_factory()'s response holding an export slot until it is closed; ExportsBusy if none."""
    slots = current_app.extensions["facetwire_exports"]
    if not slots.acquire(blocking=False):
        raise ExportsBusy()
    try:
        response = response_factory()
    except BaseException:
        slots.release()
        raise
    response.call_on_close(slots.release)  # when the server is done with it, streamed or not
    return response
