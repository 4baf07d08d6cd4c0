"""The layout's rules, checked on the imports of every module (indexer/__init__.py is the map)."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def module_name(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imports(path):
    """Yield the absolute module names a file imports (relative imports resolved)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            yield name
            if not node.module:  # from . import x
                yield from (f"{name}.{alias.name}" for alias in node.names)


FILES = sorted(p for d in ("indexer", "web") for p in (ROOT / d).rglob("*.py")) + [ROOT / "app.py"]


def under(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def offenders(rule):
    return [(module_name(p), name) for p in FILES for name in imports(p) if rule(module_name(p), name)]


def test_only_the_whoosh_engine_imports_whoosh():
    assert offenders(lambda mod, name: under(name, "whoosh") and not under(mod, "indexer.engines.whoosh")) == []


def test_extraction_never_imports_search_or_engines():
    assert offenders(lambda mod, name: under(mod, "indexer.extract") and any(
        under(name, p) for p in ("indexer.search", "indexer.engines", "indexer.build"))) == []


def test_search_never_imports_extraction_or_engines():
    assert offenders(lambda mod, name: under(mod, "indexer.search") and any(
        under(name, p) for p in ("indexer.extract", "indexer.engines"))) == []


def test_web_and_cli_reach_engines_only_through_the_contract():
    outside = lambda mod: under(mod, "web") or mod == "app"  # noqa: E731
    assert offenders(lambda mod, name: outside(mod) and under(name, "indexer.engines")
                     and name != "indexer.engines") == []


def test_the_library_never_imports_the_web_layer_or_flask():
    assert offenders(lambda mod, name: under(mod, "indexer") and (under(name, "web") or under(name, "flask"))) == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: module_name(p))
def test_no_private_name_is_imported_from_another_of_our_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ours = lambda node: node.level or (node.module or "").split(".")[0] in ("indexer", "web", "app")  # noqa: E731
    private = [a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and ours(node)
               for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    assert private == []
