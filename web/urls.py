"""Query-string helpers: every state of the explorer is a list of (name, value) pairs in a URL.

Datasette-style: add, remove, replace or toggle one argument and get a ready URL; templates never
build URLs themselves.
"""
from urllib.parse import urlencode, urlsplit

LINK_SCHEMES = ("http", "https")
C0_AND_SPACE = "".join(map(chr, range(0x21)))  # what browsers strip around an href


def url(path, pairs=()):
    """Return path with pairs as its query string (no "?" when there are none)."""
    query = urlencode([(k, v) for k, v in pairs if v != ""])
    return f"{path}?{query}" if query else path


def add(pairs, name, value):
    pairs = list(pairs)
    return pairs if (name, value) in pairs else pairs + [(name, value)]


def remove(pairs, name, value=None):
    """Drop name (every value, or only value)."""
    return [(k, v) for k, v in pairs if not (k == name and (value is None or v == value))]


def replace(pairs, name, value):
    return remove(pairs, name) + ([(name, value)] if value not in (None, "") else [])


def toggle(pairs, name, value):
    return remove(pairs, name, value) if (name, value) in pairs else add(pairs, name, value)


def only(pairs, names):
    return [(k, v) for k, v in pairs if k in names]


def external(link):
    """Return link if it may be an href: an absolute http(s) URL with a host; otherwise "".

    Stored URLs are data from the sources; `javascript:`, `data:` and the like must never become
    links. Browsers drop leading spaces and control characters and tabs or newlines inside a URL,
    so the check is made on the URL as a browser would read it, and that form is what is returned.
    """
    link = "".join(ch for ch in (link or "") if ch not in "\t\r\n").strip(C0_AND_SPACE)
    try:
        parts = urlsplit(link)
    except ValueError:  # e.g. an invalid IPv6 host
        return ""
    return link if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else ""
