"""A curation as the aliases TOML (docs/ALIASES.md), and back.

The changes in effect become `hide` lists and `[facet.merge]` tables. What the aliases file cannot
express is written in two extension keys that only `curate import` reads (an aliases file given
to `index --aliases` rejects them, naming the key):

    [person.move]
    "Reuters" = "org"             # the value moves to that facet

    [not-entity]
    values = ["Tuesday"]          # dropped from person, country and org

plain=True leaves the extensions out and says what was left out. The change log itself (when, by
whom, undone changes) is the index's: a TOML file holds only what is in effect.
"""
import json
import tomllib

from .curation import CURATED, MOVABLE, CurationError, NoChange

NOT_ENTITY = "not-entity"


def to_toml(curation, plain=False):
    """Return (TOML text, [what was left out]) of the changes in effect."""
    hide, merge, move, not_entity = {}, {}, {}, []
    for change in curation.active():
        if change.n != _latest(curation, change).n:
            continue   # a later change of the same value replaced it
        if change.op == "hide":
            hide.setdefault(change.facet, []).append(change.value)
        elif change.op == "merge":
            merge.setdefault(change.facet, {}).setdefault(change.target, []).append(change.value)
        elif change.op == "move":
            move.setdefault(change.facet, {})[change.value] = change.target
        elif change.op == "not-entity":
            not_entity.append(change.value)
    left_out = []
    if plain:
        left_out = [f"move {f} {v!r} to {t}" for f, m in move.items() for v, t in m.items()]
        left_out += [f"{v!r} is not an entity" for v in not_entity]
        move, not_entity = {}, []
    lines = [f"# Facetwire curation: {curation.version} change(s) in the log, exported as the aliases format",
             "# (docs/ALIASES.md)." + ("" if plain else " [FACET.move] and [not-entity] are read by "
                                       "`app.py curate import` only.")]
    for facet in CURATED:
        if facet in hide:
            lines += ["", f"[{facet}]", f"hide = [{', '.join(_q(v) for v in hide[facet])}]"]
        if facet in merge:
            lines += ["", f"[{facet}.merge]"]
            lines += [f"{_q(t)} = [{', '.join(_q(v) for v in vs)}]" for t, vs in merge[facet].items()]
        if facet in move:
            lines += ["", f"[{facet}.move]"] + [f"{_q(v)} = {_q(t)}" for v, t in move[facet].items()]
    if not_entity:
        lines += ["", f"[{NOT_ENTITY}]", f"values = [{', '.join(_q(v) for v in not_entity)}]"]
    return "\n".join(lines) + "\n", left_out


def _latest(curation, change):
    keyed = "*" if change.op == "not-entity" else change.facet
    return curation.rule(keyed, change.value)


def _q(text):
    return json.dumps(text, ensure_ascii=False)   # a JSON string is a TOML basic string


def read_toml(text, where):
    """Return the changes [(op, facet, value, target)] an aliases TOML asks for; raise CurationError."""
    def fail(msg, needle=""):
        line = next((n for n, l in enumerate(text.splitlines(), 1) if needle and needle in l), None)
        raise CurationError(f"{where}{f', line {line}' if line else ''}: {msg}")

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise CurationError(f"{where}: not valid TOML: {err}") from err
    out = []
    for facet, spec in data.items():
        if facet == NOT_ENTITY:
            values = spec.get("values") if isinstance(spec, dict) else None
            if set(spec) - {"values"} if isinstance(spec, dict) else True:
                fail(f"[{NOT_ENTITY}] holds one key: values = [\"...\"]", f"[{NOT_ENTITY}")
            out += [("not-entity", "", v, "") for v in _strings(values, fail, f"[{NOT_ENTITY}] values")]
            continue
        if facet not in CURATED:
            fail(f"unknown facet [{facet}]; expected one of {', '.join(CURATED)} or {NOT_ENTITY}", f"[{facet}")
        if not isinstance(spec, dict):
            fail(f"{facet} must be a table: [{facet}]", facet)
        unknown = set(spec) - {"merge", "hide", "move"}
        if unknown:
            fail(f"unknown key {sorted(unknown)[0]!r} in [{facet}]; expected merge, hide or move", sorted(unknown)[0])
        out += [("hide", facet, v, "") for v in _strings(spec.get("hide", []), fail, f"[{facet}] hide")]
        table = spec.get("merge", {})
        if not isinstance(table, dict):
            fail(f"[{facet}] merge must be a table: [{facet}.merge]", "merge")
        for canonical, variants in table.items():
            variants = [variants] if isinstance(variants, str) else variants
            out += [("merge", facet, v, canonical)
                    for v in _strings(variants, fail, f"[{facet}.merge] {canonical!r}")]
        moves = spec.get("move", {})
        if not isinstance(moves, dict) or not all(isinstance(t, str) for t in moves.values()):
            fail(f"[{facet}.move] must map values to a facet: \"Reuters\" = \"org\"", "move")
        for value, to in moves.items():
            if facet not in MOVABLE or to not in MOVABLE or to == facet:
                fail(f"[{facet}.move] {value!r}: a value moves between {' and '.join(MOVABLE)} only", value)
            out.append(("move", facet, value, to))
    return out


def _strings(values, fail, what):
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        fail(f"{what} must be a list of non-empty strings", what.split()[-1].strip("'[]"))
    return values


def import_toml(curation, text, where, by=""):
    """Return (curation with the file's changes added, how many were added); already in effect: skipped."""
    added = 0
    for op, facet, value, target in read_toml(text, where):
        try:
            curation = curation.add(op, facet, value, target, by=by)
        except NoChange:
            continue
        except CurationError as err:
            raise CurationError(f"{where}: {err}") from None
        added += 1
    return curation, added

