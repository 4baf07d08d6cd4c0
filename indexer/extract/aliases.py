"""The user's aliases file: merge facet values into one and hide junk values, per facet.

Format (TOML, documented in docs/ALIASES.md):

    [person]
    hide = ["Allah", "Ripley"]

    [person.merge]
    "Barack Obama" = ["Obama", "Barack H. Obama"]

Variants and hidden values match whole values, ignoring case and accents.
"""
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import FacetwireError
from ..facets import ALIASABLE as FACETS
from .countries import fold


class AliasesError(FacetwireError, ValueError):
    """The aliases file cannot be used; the message names the file and, when known, the line."""


@dataclass
class Aliases:
    """Per facet: folded variant -> canonical value, and the folded values to hide."""

    merge: dict = field(default_factory=dict)   # facet -> {fold(variant): canonical}
    hide: dict = field(default_factory=dict)    # facet -> {fold(value)}
    path: str | None = None

    @classmethod
    def empty(cls):
        """Aliases that change nothing."""
        return cls()

    @classmethod
    def load(cls, path):
        """Read and check an aliases file; raise AliasesError naming the path and line of a problem."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise AliasesError(f"{path}: cannot read aliases file: {err.strerror or err}") from err
        except UnicodeDecodeError as err:
            raise AliasesError(f"{path}: aliases file is not UTF-8: {err}") from err
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise AliasesError(f"{path}: not valid TOML: {err}") from err
        return cls._from_data(data, text, str(path))

    @classmethod
    def _from_data(cls, data, text, where):
        def fail(msg, needle):
            line = _line_of(text, needle)
            raise AliasesError(f"{where}{f', line {line}' if line else ''}: {msg}")

        merge, hide = {}, {}
        for facet, spec in data.items():
            if facet not in FACETS:
                fail(f"unknown facet [{facet}]; expected one of {', '.join(FACETS)}", f"[{facet}")
            if not isinstance(spec, dict):
                fail(f"{facet} must be a table: [{facet}]", facet)
            unknown = set(spec) - {"merge", "hide"}
            if unknown:
                key = sorted(unknown)[0]
                fail(f"unknown key {key!r} in [{facet}]; expected 'merge' or 'hide'", key)
            hidden = spec.get("hide", [])
            if not isinstance(hidden, list) or not all(isinstance(v, str) and v.strip() for v in hidden):
                fail(f"[{facet}] hide must be a list of non-empty strings", "hide")
            hide[facet] = {fold(v) for v in hidden}
            table = spec.get("merge", {})
            if not isinstance(table, dict):
                fail(f"[{facet}] merge must be a table: [{facet}.merge]", "merge")
            m = {}
            for canonical, variants in table.items():
                if isinstance(variants, str):
                    variants = [variants]
                if not canonical.strip() or not isinstance(variants, list) or not all(
                        isinstance(v, str) and v.strip() for v in variants):
                    fail(f"[{facet}.merge] {canonical!r} must be a list of non-empty strings", f'"{canonical}"')
                for v in variants:
                    k = fold(v)
                    if k in m and m[k] != canonical:
                        fail(f"[{facet}.merge] {v!r} is merged into both {m[k]!r} and {canonical!r}",
                             f'"{canonical}"')
                    if k in hide[facet]:
                        fail(f"[{facet}] {v!r} is both merged and hidden", f'"{canonical}"')
                    m[k] = canonical
            merge[facet] = _close(m, lambda msg, needle: fail(f"[{facet}.merge] {msg}", needle))
        return cls(merge=merge, hide=hide, path=where)

    def resolve(self, facet, value):
        """Return the value a facet value counts as, or None when it is hidden."""
        k = fold(value)
        value = self.merge.get(facet, {}).get(k, value)
        return None if fold(value) in self.hide.get(facet, ()) else value

    def apply(self, facet, values):
        """Merge and hide values of one facet, keeping the first position of each result."""
        out, seen = [], set()
        for v in values:
            r = self.resolve(facet, v)
            if r is not None and r not in seen:
                seen.add(r)
                out.append(r)
        return out

    def apply_topics(self, topics):
        """Rename and hide classified topics ([topic] section): a merged label keeps its best score."""
        out, seen = [], set()
        for t in topics:
            label = self.resolve("topic", t.label)
            if label is not None and label not in seen:
                seen.add(label)
                out.append(t if label == t.label else replace(t, label=label))
        return out


def _close(m, fail):
    """Follow chains (A -> B, B -> C becomes A -> C); a cycle is an error."""
    out = {}
    for k, target in m.items():
        seen = {k}
        while fold(target) in m and fold(target) != fold(m[fold(target)]):
            if fold(target) in seen:
                fail(f"merge cycle through {target!r}", target)
            seen.add(fold(target))
            target = m[fold(target)]
        out[k] = target
    return out


def _line_of(text, needle):
    """1-based line of the first line that contains needle, or None."""
    for n, line in enumerate(text.splitlines(), 1):
        if needle and needle in line:
            return n
    return None
