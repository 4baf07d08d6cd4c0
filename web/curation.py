"""Curating from the browser: POST /curate (merge, hide, move, not an entity, undo) and the log at /curation.

Writing is off unless the app's CURATION is true (`serve --curation`). Then every POST needs:
- the CSRF token of the page it came from: a random value in the HttpOnly, SameSite=Strict cookie
  fw_csrf, and its HMAC under the process's secret in the form field `csrf` (double submit, signed);
  an Origin header, when sent, must name this server;
- with CURATION_TOKENS set (`--curation-token FILE`, FACETWIRE_CURATION_TOKEN), one of the tokens:
  `Authorization: Bearer TOKEN`, or basic auth with the token as password. Its name is recorded
  with the change (the log says when, what and by whom), and written to the server log.
Forms are plain HTML forms (303 back to the page they came from); htmx boosts them.
"""
import hmac
import logging
import secrets
from hashlib import sha256
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import Unauthorized

from indexer import curate
from indexer.curation import CURATED, MAX_VALUE as MAX_CHANGE_VALUE, MOVABLE, CurationConflict, CurationError
from indexer.curation_toml import to_toml
from indexer.errors import FacetwireError

from .engine import engine

log = logging.getLogger(__name__)
bp = Blueprint("curation", __name__)

CSRF_COOKIE = "fw_csrf"
OPS = ("merge", "hide", "move", "not-entity", "undo")
# What the log page reads from its URL (after a change redirects to it).
LOG_PARAMS = {"done": "The change just made: said at the top.", "rewritten": "How many articles it rewrote.",
              "pending": "1: an indexing run holds the index, the change applies when it ends.",
              "back": "The page the change was made from (a path of this site)."}


def read_curation_tokens(text, where):
    """Return {token: name} of lines "NAME TOKEN" (or a bare TOKEN, named "curator"); '#' starts a comment."""
    tokens = {}
    for n, line in enumerate(text.replace(",", "\n").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) > 2 or len(parts[-1]) < 16:
            raise FacetwireError(f"{where}, line {n}: expected NAME TOKEN, a token of 16 characters or more")
        name, token = (parts if len(parts) == 2 else ("curator", parts[0]))
        tokens[token] = name
    return tokens


def init_app(app):
    if log.level == logging.NOTSET:   # the change lines reach the server log: waitress's handler, root at WARNING
        log.setLevel(logging.INFO)
    app.config.setdefault("CURATION", False)
    app.config.setdefault("CURATION_TOKENS", {})
    app.extensions["facetwire_csrf_secret"] = secrets.token_bytes(32)
    app.after_request(_csrf_cookie)
    app.context_processor(lambda: {"curation": curation_context()})


def curation_on():
    return bool(current_app.config.get("CURATION"))


def _sign(nonce):
    return hmac.new(current_app.extensions["facetwire_csrf_secret"], nonce.encode(), sha256).hexdigest()


def _nonce():
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if len(nonce) != 32 or not nonce.isalnum():
        nonce = request.environ.setdefault("facetwire.csrf_nonce", secrets.token_hex(16))
    return nonce


def csrf_token():
    """Return the token a form of this page carries (its cookie is set with the response)."""
    return _sign(_nonce())


def _csrf_cookie(response):
    if curation_on() and request.cookies.get(CSRF_COOKIE) != _nonce():
        response.set_cookie(CSRF_COOKIE, _nonce(), httponly=True, samesite="Strict",
                            secure=request.is_secure, path="/")
    return response


def curation_context():
    """What templates need to show the controls: None when writing is off."""
    if not curation_on():
        return None
    here = request.full_path.rstrip("?")
    if request.endpoint == "curation.log_page":   # undo from the log: back to where the change was made
        here = _safe_next(request.args.get("back", ""), "")
    return {"csrf": csrf_token(), "action": url_for("curation.change"), "next": here,
            "movable": MOVABLE, "curated": CURATED}


class CuratorRequired(Unauthorized):
    description = ("Changing the curation needs a curation token: send `Authorization: Bearer TOKEN`, or "
                   "give the token as the password when the browser asks.")


def given_token(header):
    """Return the token an Authorization header carries (Bearer, or Basic's password), or None."""
    kind, _, value = (header or "").partition(" ")
    if kind.lower() == "bearer":
        return value.strip()
    if kind.lower() == "basic":
        from base64 import b64decode
        from binascii import Error as Base64Error
        try:
            return b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (Base64Error, UnicodeDecodeError, ValueError):
            return None
    return None


def is_curator_header(header):
    """Return the name of the curation token in an Authorization header, or None."""
    given = given_token(header)
    if given is None:
        return None
    for token, name in (current_app.config.get("CURATION_TOKENS") or {}).items():
        if hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
            return name
    return None


def _check_post():
    """Abort unless writing is on, the CSRF token matches and (when tokens are set) one is given."""
    if not curation_on():
        abort(403, description="Curation is off on this server: start it with `serve --curation` to change entities.")
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        abort(403, description="This change came from another site's page; make it from this server's pages.")
    cookie, given = request.cookies.get(CSRF_COOKIE, ""), request.form.get("csrf", "")
    if not cookie or not given or not hmac.compare_digest(_sign(cookie), given):
        abort(403, description="The form's CSRF token is missing or stale: reload the page and try again.")
    if current_app.config.get("CURATION_TOKENS"):
        name = is_curator_header(request.headers.get("Authorization"))
        if name is None:
            raise CuratorRequired()
        return name
    return "local"


def _safe_next(target, default=None):
    """Return target when it is a path of this site (not the log itself), else default."""
    parts = urlsplit(target or "")
    if (target and not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and parts.path != "/curation"):
        return target
    return default


@bp.post("/curate")
def change():
    by = _check_post()
    form = request.form
    op = form.get("op", "")
    if op not in OPS:
        abort(400, description=f"Unknown change {op[:40]!r}: expected one of {', '.join(OPS)}.")
    try:
        undo = int(form.get("undo", "0") or 0)
    except ValueError:
        abort(400, description="undo must be the number of a change.")
    target = form.get("target", "")
    if op == "merge" and not target.strip():
        target = form.get("target_free", "")
    try:
        result = curate.change(engine(), op, form.get("facet", ""), form.get("value", ""), target,
                               by=by, undo=undo)
    except CurationConflict as err:
        abort(409, description=str(err))
    except CurationError as err:
        abort(400, description=str(err))
    log.info("curation change %d by %s: %s; %d article(s) rewritten%s", result.change.n, by,
             result.change.describe(), result.rewritten, f" ({result.pending})" if result.pending else "")
    args = {"done": result.change.n, "rewritten": result.rewritten}
    if result.pending:
        args["pending"] = 1
    back = _safe_next(form.get("next"))
    if back:
        args["back"] = back
    return redirect(url_for("curation.log_page") + "?" + urlencode(args), code=303)


def _stored():
    """Return the stored curation; a log that cannot be read is a 503 that says why, not a 500."""
    try:
        return engine().curation()
    except CurationError as err:
        abort(503, description=f"The curation cannot be read: {err}")


@bp.get("/curation")
def log_page():
    curation = _stored()
    undone = curation.undone
    changes = [{"n": c.n, "at": c.at, "by": c.by, "what": c.describe(), "undone": c.n in undone,
                "undoable": c.n not in undone} for c in reversed(curation.changes)]
    done, rewritten = _number(request.args.get("done")), _number(request.args.get("rewritten"))
    done = next(({"n": c.n, "what": c.describe()} for c in curation.changes if c.n == done), None)
    return render_template("curation.html", changes=changes, version=curation.version,
                           active=len(curation.active()), export_url=url_for("curation.export"),
                           writing=curation_on(), action=url_for("curation.change"), done=done,
                           rewritten=rewritten if done else None, pending=bool(request.args.get("pending")),
                           back_url=_safe_next(request.args.get("back", ""), ""))


def _number(text):
    return int(text) if text and text.isdecimal() and len(text) < 10 else None


@bp.get("/curation.toml")
def export():
    text, _left_out = to_toml(_stored())
    return current_app.response_class(text, mimetype="application/toml",
                                      headers={"Content-Disposition": 'attachment; filename="curation.toml"'})


@bp.get("/api/curation")
def api_log():
    curation = _stored()
    return {"version": curation.version, "writing": curation_on(),
            "changes": [{**c.to_json(), "describe": c.describe(), "undone": c.n in curation.undone}
                        for c in curation.changes]}
