"""Every link to one of the app's own routes is built with url_for, never written by hand."""
import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
# An attribute whose value is a hand-written path of the app ("/search", "/", "/api/…").
HAND_WRITTEN = re.compile(r'\b(?:href|action|src|hx-get|hx-post)="/')


def test_templates_build_the_apps_urls_with_url_for():
    bad = [(t.name, line.strip()) for t in sorted((WEB / "templates").glob("*.html"))
           for line in t.read_text(encoding="utf-8").splitlines() if HAND_WRITTEN.search(line)]
    assert bad == []


def test_python_builds_the_apps_urls_with_url_for():
    # Paths appear only in the route declarations themselves.
    path_literal = re.compile(r'"/(?:search|api|article|help)\b[^"]*"')
    bad = []
    for py in sorted(WEB.glob("*.py")):
        for line in py.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0]
            if path_literal.search(code) and not re.match(r"\s*(@bp\.|bp = Blueprint|bp\.add_url_rule)", code):
                bad.append((py.name, line.strip()))
    assert bad == []
