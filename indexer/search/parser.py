"""The query text read into the tree of syntax.py, the same way for every engine.

The language is the one the search box has always spoken: Whoosh's default query parser
(MultifieldParser over title and body, with FuzzyTermPlugin). It is ported here step for step,
quirks included, so that each engine reads a query exactly as the Whoosh index did: the text is
cut into tokens by the same patterns, tried in the same order at each position, and then the
same passes run in the same order (parentheses, boosts, fuzzy marks, wildcards, field names,
default fields, white space, boosts, operators). Operators bind NOT, then AND, then OR, then
ANDNOT, ANDMAYBE and REQUIRE, all tighter than the implicit AND between juxtaposed parts.

One addition to Whoosh's grammar: a part written with a minus sign before it is excluded (`-x`,
`-"a phrase"`, `-person:x` read as NOT x) and a plus sign before a part is dropped (`+x` is x:
every part is required already). Whoosh read both signs as part of the word, which its analyzer
then dropped, so `Trump -Biden` searched for Trump AND Biden.

    parse('vaccin* OR "flood warning"~2 date:2020')
    ->  And((Or((Prefix(None, 'vaccin'), Phrase(None, ('flood', 'warning'), 2, 'flood warning'))),
             DateRange(datetime(2020, 1, 1, 0, 0), datetime(2020, 12, 31, 23, 59, 59, 999999))))

A `date:` value that is not a date is an Error node; a date range that is not one raises
Unreadable, as does an operator whose operand is another operator (NOT NOT x).
"""
import calendar
import re
from dataclasses import replace
from datetime import datetime

from . import syntax as s

DATE_FIELD = "date"


class Unreadable(ValueError):
    """The query cannot be read at all; the message says why."""


def parse(text, fuzzy=True):
    """Return the syntax tree of a query's text; fuzzy=False reads `word~` as a plain word.

    The tree is an And of the query's parts, as Whoosh's top-level group (even of one part:
    normalising an And flattens an And in it, and resets the boosts inside an ANDNOT there).
    Raises Unreadable.
    """
    return _tree(_operators(_boosts(_no_space(_default_fields(_field_names(_wildcards(
        _fuzzies(_clean_boosts(_groups(_tokens(text, fuzzy))), fuzzy))))))))


# Syntax nodes: Whoosh's qparser.syntax, reduced to what its default plugins make.

class _Syntax:
    fieldable = False   # takes the field of a `name:` before it
    boostable = False   # takes the boost of a `^N` after it
    text_like = False   # Whoosh's TextNode: a word, prefix, wildcard, fuzzy word or phrase
    space = False


class _Text(_Syntax):
    fieldable = boostable = text_like = True

    def __init__(self, kind, text, **extra):
        self.kind, self.text, self.field, self.boost = kind, text, None, 1.0
        self.extra = extra   # fuzzy: maxdist, prefixlength; phrase: slop


class _Range(_Syntax):
    fieldable = boostable = True

    def __init__(self, start, end, startexcl, endexcl):
        self.start, self.end, self.startexcl, self.endexcl = start, end, startexcl, endexcl
        self.field, self.boost = None, 1.0


class _Group(_Syntax):
    BINARY = ("andnot", "andmaybe", "require")

    def __init__(self, kind, nodes=None, boost=1.0, multi=False):
        self.kind, self.nodes, self.boost = kind, nodes if nodes is not None else [], boost
        self.multi = multi   # the default-fields group of one unfielded part (then what OR added)
        self.boostable = kind not in self.BINARY

    def empty_copy(self):
        return _Group(self.kind, [], self.boost, self.multi)


class _Marker(_Syntax):
    """A token that only marks: space, fieldname, every, boost, fuzziness, open, close or op."""

    def __init__(self, kind, original, **values):
        self.kind, self.original, self.space = kind, original, kind == "space"
        self.__dict__.update(values)   # fieldname: name; boost: boost; fuzziness: maxdist, prefixlength; op: op


def _is(node, kind):
    return isinstance(node, _Marker) and node.kind == kind


def _word(text):
    return _Text("word", text)


def _as_word(marker):
    """Return a marker that stands where it has no use as the word it was written as (Whoosh's to_word)."""
    return _word(marker.original)


def _set_field(node, name):
    if isinstance(node, _Group):
        for n in node.nodes:
            _set_field(n, name)
    elif node.fieldable and node.field is None:
        node.field = name


# Tokens: Whoosh's taggers in their order of priority; text no tagger takes is a word.

def _boost(m):
    try:
        return _Marker("boost", m[0], boost=float(m["boost"]))
    except ValueError:   # "^" alone
        return _word(m[0])


def _phrase(m):
    return _Text("phrase", m["text"], slop=int(m["slop"]) if m["slop"] else 1)


def _range(m):
    start, end = m["start"], m["end"]
    if start:
        start = start.rstrip()
        if start.startswith("'") and start.endswith("'"):
            start = start[1:-1]
    if end:
        end = end.lstrip()
        if end.startswith("'") and end.endswith("'"):
            end = end[1:-1]
    return _Range(start, end, m["open"] == "{", m["close"] == "}")


def _fuzziness(m):
    return _Marker("fuzziness", m[0], maxdist=int(m["maxdist"]) if m["maxdist"] else 1,
                   prefixlength=int(m["prefix"]) if m["prefix"] else 0)


def _op(kind):
    return lambda m: _Marker("op", m[0], op=kind)


# A sign before a part: at the start, after white space or "(", before anything but white
# space, another sign or ")" (so e-mail, covid-19, C++, "a - b" and "--" stay words).
SIGN = r"(^|(?<=[\s(])){}(?=[^\s+\-)])"
_FUZZY = re.compile(r"(?<=\S)~(?P<maxdist>[0-9])?(/(?P<prefix>[1-9][0-9]*))?")
_TAGGERS = (
    (re.compile(r"(?<=\s)ANDNOT(?=\s)"), _op("andnot")),
    (re.compile(r"(?<=\s)ANDMAYBE(?=\s)"), _op("andmaybe")),
    (re.compile(r"[*]:[*]"), lambda m: _Marker("every", m[0])),
    (re.compile(r"(^|(?<=\W))'(?P<text>.*?)'(?=\s|\]|[)}]|$)"), lambda m: _word(m["text"])),
    (re.compile(r"(?P<text>\w+|[*]):"), lambda m: _Marker("fieldname", m[0], name=m["text"])),
    (re.compile("(?P<text>[*?\u055E\u061F\u1367])"), lambda m: _Text("wildcard", m["text"])),
    (re.compile(r'"(?P<text>.*?)"(~(?P<slop>[1-9][0-9]*))?'), _phrase),
    (re.compile(r"[(]"), lambda m: _Marker("open", m[0])),
    (re.compile(r"[)]"), lambda m: _Marker("close", m[0])),
    # -x and +x at the start of a part (not Whoosh's): -x is NOT x; +x is x, as every part is required
    (re.compile(SIGN.format("-")), _op("not")),
    (re.compile(SIGN.format(r"\+")), lambda m: _Marker("space", m[0])),
    (re.compile(r"(^|(?<=(\s|[()])))NOT(?=\s)"), _op("not")),
    (re.compile(r"(?<=\s)AND(?=\s)"), _op("and")),
    (re.compile(r"(?<=\s)OR(?=\s)"), _op("or")),
    (re.compile(r"(^|(?<=\s))REQUIRE(?=\s)"), _op("require")),
    (re.compile(r"\^(?P<boost>[0-9]*(\.[0-9]+)?)($|(?=[ \t\r\n)]))"), _boost),
    (_FUZZY, _fuzziness),
    (re.compile(r"(?P<open>\{|\[)(?P<start>('[^']*?'\s+)|([^\]}]+?(?=[Tt][Oo])))?[Tt][Oo]"
                r"(?P<end>(\s+'[^']*?')|([^\]}]+?))?(?P<close>}|])"), _range),
    (re.compile(r"\s+"), lambda m: _Marker("space", m[0])),
)
_WILDCARD_MARKS = "?\u055E\u061F\u1367"   # ? and the Armenian, Arabic and Ethiopic question marks


def _tokens(text, fuzzy):
    """Return the tokens of text: at each position the first tagger that matches, else one more character."""
    taggers = [t for t in _TAGGERS if fuzzy or t[0] is not _FUZZY]
    out, prev, pos = [], 0, 0
    while pos < len(text):
        for expr, make in taggers:
            m = expr.match(text, pos)
            if m:
                if prev < pos:
                    out.append(_word(text[prev:pos]))
                out.append(make(m))
                prev = pos = m.end()
                break
        else:
            pos += 1
    if prev < len(text):
        out.append(_word(text[prev:]))
    return out


# The passes, in Whoosh's order.

def _groups(tokens):
    """Nest the parts in parentheses; a closing one too many is dropped, unclosed ones end at the end."""
    stack = [_Group("and")]
    for node in tokens:
        if _is(node, "open"):
            stack.append(_Group("and"))
        elif _is(node, "close"):
            if len(stack) > 1:
                last = stack.pop()
                stack[-1].nodes.append(last)
        else:
            stack[-1].nodes.append(node)
    top = stack[0]
    for level in stack[1:]:
        top.nodes.extend(level.nodes)
    if len(top.nodes) == 1 and isinstance(top.nodes[0], _Group):
        top = top.nodes[0]
        top.boost = 1.0
    return top


def _clean_boosts(group):
    """Make a ^N that follows nothing boostable a word (only at the top level, as Whoosh)."""
    nodes = group.nodes
    for i, node in enumerate(nodes):
        if _is(node, "boost") and (not i or not nodes[i - 1].boostable):
            nodes[i] = _as_word(node)
    return group


def _fuzzies(group, fuzzy):
    """Join a word and the ~N/P right after it into a fuzzy word; a ~ elsewhere is a word."""
    if not fuzzy:
        return group
    out, nodes, i = group.empty_copy(), group.nodes, 0
    while i < len(nodes):
        node = nodes[i]
        if i < len(nodes) - 1 and _is_word(node) and _is(nodes[i + 1], "fuzziness"):
            mark = nodes[i + 1]
            node = _Text("fuzzy", node.text, maxdist=mark.maxdist, prefixlength=mark.prefixlength)
            i += 1
        if _is(node, "fuzziness"):
            node = _as_word(node)
        if isinstance(node, _Group):
            node = _fuzzies(node, fuzzy)
        out.nodes.append(node)
        i += 1
    return out


def _is_word(node):
    return isinstance(node, _Text) and node.kind == "word"


def _wildcards(group):
    """Join each * or ? with the text right before and after it; text* alone is a prefix."""
    nodes, i = group.nodes, 0
    while i < len(nodes):
        node = nodes[i]
        if isinstance(node, _Text) and node.kind == "wildcard":
            if i < len(nodes) - 1 and nodes[i + 1].text_like:
                node.text += nodes.pop(i + 1).text
            if i > 0 and nodes[i - 1].text_like:
                node.text = nodes.pop(i - 1).text + node.text
            else:
                i += 1
        else:
            if isinstance(node, _Group):
                _wildcards(node)
            i += 1
    for i, node in enumerate(nodes):
        if isinstance(node, _Text) and node.kind == "wildcard":
            text = node.text
            if len(text) > 1 and not any(q in text for q in _WILDCARD_MARKS) and text.find("*") == len(text) - 1:
                nodes[i] = _Text("prefix", text[:-1])
    return group


def _field_names(group):
    """Give the part right after each `name:` that field; a name that is no field is text again."""
    unknown, known = None, group.empty_copy()
    for node in group.nodes:
        if _is(node, "fieldname") and node.name not in s.QUERY_FIELDS:
            unknown = node
            continue
        if unknown:
            if node.text_like:
                node.text = unknown.original + node.text
            else:
                known.nodes.append(_as_word(unknown))
            unknown = None
        known.nodes.append(node)
    if unknown:
        known.nodes.append(_as_word(unknown))
    nodes, out, i = known.nodes, group.empty_copy(), len(known.nodes)
    while i > 0:   # backwards, so that a group has its own field names applied first
        i -= 1
        node = nodes[i]
        if _is(node, "fieldname"):
            node = _as_word(node)   # a name before nothing it could apply to
        elif isinstance(node, _Group):
            node = _field_names(node)
        if i > 0 and not node.space and _is(nodes[i - 1], "fieldname"):
            _set_field(node, nodes[i - 1].name)
            i -= 1
        out.nodes.append(node)
    out.nodes.reverse()
    return out


def _default_fields(group):
    """Put each unfielded part in a group of its own: Whoosh's OR over the text fields."""
    for i, node in enumerate(group.nodes):
        if isinstance(node, _Group):
            group.nodes[i] = _default_fields(node)
        elif node.fieldable and node.field is None:
            group.nodes[i] = _Group("or", [node], multi=True)
    return group


def _no_space(group):
    out = group.empty_copy()
    for node in group.nodes:
        if isinstance(node, _Group):
            out.nodes.append(_no_space(node))
        elif not node.space:
            out.nodes.append(node)
    return out


def _boosts(group):
    """Apply each ^N to the part before it; one with nothing boostable before it is a word."""
    out = group.empty_copy()
    for node in group.nodes:
        if isinstance(node, _Group):
            node = _boosts(node)
        elif _is(node, "boost"):
            if out.nodes and out.nodes[-1].boostable:
                out.nodes[-1].boost = node.boost
                continue
            node = _as_word(node)
        out.nodes.append(node)
    return out


_OPERATORS = ("not", "and", "or", "andnot", "andmaybe", "require")   # Whoosh's order: its precedence


def _operators(group):
    """Replace each operator and its operands by a group, kind by kind, left to right; then inside groups."""
    nodes = group.nodes
    for kind in _OPERATORS:
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if not (_is(node, "op") and node.op == kind):
                i += 1
            elif kind == "not":
                del nodes[i]
                if i < len(nodes):
                    nodes[i] = _Group("not", [nodes[i]])
            elif 0 < i < len(nodes) - 1:
                left, right = nodes[i - 1], nodes[i + 1]
                # AND/OR onto a left part that is already such a group joins it (even the
                # default-fields group of a word: `a^2 OR b` boosts b too, as in Whoosh)
                if kind in ("and", "or") and isinstance(left, _Group) and left.kind == kind:
                    left.nodes.append(right)
                    del nodes[i:i + 2]
                else:
                    nodes[i - 1:i + 2] = [_Group(kind, [left, right])]
            else:
                del nodes[i]   # an operator at either end is dropped
    for i, node in enumerate(nodes):
        if isinstance(node, _Group):
            nodes[i] = _operators(node)
    return group


# The tree.

_LEAVES = {"word": s.Term, "prefix": s.Prefix, "wildcard": s.Wildcard, "fuzzy": s.Fuzzy}
_BINARY = {"andnot": s.AndNot, "andmaybe": s.AndMaybe, "require": s.Require}


def _tree(node):
    if isinstance(node, _Group):
        return _group_tree(node)
    if _is(node, "every"):
        return s.Every()
    if isinstance(node, _Range):
        if node.field == DATE_FIELD:
            return _date_range(node.start, node.end, node.boost)
        return s.TermRange(node.field, node.start, node.end, node.startexcl, node.endexcl, boost=node.boost)
    if node.kind == "phrase":
        return s.Phrase(node.field, tuple(node.text.split()), node.extra["slop"], node.text, boost=node.boost)
    if node.field == DATE_FIELD:
        return _date_value(node.text, node.boost)   # a date is never a prefix, wildcard or fuzzy
    return _LEAVES[node.kind](node.field, node.text, **node.extra, boost=node.boost)


def _group_tree(group):
    if group.kind == "not" or group.kind in _BINARY:
        if len(group.nodes) != (1 if group.kind == "not" else 2):
            # NOT NOT x, REQUIRE ANDMAYBE x: the operand was an operator, dropped inside the group
            # (Whoosh failed there with "list index out of range" or a bare AssertionError)
            raise Unreadable(f"{group.kind.upper()} is missing a term")
        if group.kind == "not":
            return s.Not(_tree(group.nodes[0]))
        return _BINARY[group.kind](_tree(group.nodes[0]), _tree(group.nodes[1]))
    children = tuple(_tree(n) for n in group.nodes)
    if group.multi and len(children) == 1:
        return replace(children[0], boost=group.boost)
    if any(isinstance(c, s.Every) for c in children):
        return s.Every()   # as Whoosh normalises an And or Or with *:* in it: everything
    return (s.And if group.kind == "and" else s.Or)(children, boost=group.boost)


# Dates: what Whoosh's DATETIME field makes of a value, with its messages.

def _date_value(text, boost):
    """Return the DateRange a `date:` value covers (an instant: start == end), or an Error."""
    try:
        parts = _date_parts(text)
        if isinstance(parts, datetime):
            return s.DateRange(parts, parts, boost=boost)
        return s.DateRange(_floor(parts), _ceil(parts), boost=boost)
    except ValueError as err:
        return s.Error(str(err) or type(err).__name__, boost=boost)


def _date_range(start, end, boost):
    """Return the DateRange of `date:[start TO end]` (brackets and braces alike include both ends)."""
    if start is None and end is None:
        return s.DateRange(None, None, boost=boost)
    try:
        if start is not None:
            start = _floor(_range_end(start, "floor"))
        if end is not None:
            end = _ceil(_range_end(end, "ceil"))
    except ValueError as err:
        raise Unreadable(str(err) or type(err).__name__) from err
    return s.DateRange(start, end, boost=boost)


def _range_end(text, method):
    parts = _date_parts(text)
    if isinstance(parts, datetime):   # Whoosh cannot take a range from an instant
        raise Unreadable(f"'datetime.datetime' object has no attribute '{method}'")
    return parts


def _date_parts(text):
    """Return [year, month, …, microsecond] (None: not given) of YYYY[MM[DD[hh[mm[ss[uuuuuu]]]]]], or a datetime if all are.

    Spaces, hyphens and dots are ignored; a digit past a whole unit is ignored too (2020-1 is 2020).
    """
    text = text.replace(" ", "").replace("-", "").replace(".", "")
    parts = [None] * 7
    for i, (start, end) in enumerate(((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14))):
        if len(text) >= end:
            parts[i] = int(text[start:end])
    if len(text) == 20:
        parts[6] = int(text[14:])
    _check_date(*parts)
    if all(p is None for p in parts):
        raise ValueError(f"{text!r} is not a parseable date")
    return datetime(*parts) if None not in parts else parts


def _check_date(year, month, day, hour, minute, second, microsecond):
    if month is not None and not 1 <= month <= 12:
        raise ValueError("month must be in 1..12")
    if day is not None and day < 1:
        raise ValueError("day must be greater than 1")
    if year is not None and month is not None and day is not None and day > calendar.monthrange(year, month)[1]:
        raise ValueError("day is out of range for month")
    for value, top, name in ((hour, 23, "hour"), (minute, 59, "minute"), (second, 59, "second"),
                             (microsecond, 999999, "microsecond")):
        if value is not None and not 0 <= value <= top:
            raise ValueError(f"{name} must be in 0..{top}")


def _floor(parts):
    year, month, day, hour, minute, second, micro = parts
    if year is None:
        raise ValueError("Date has no year")
    return datetime(year, month or 1, day or 1, hour or 0, minute or 0, second or 0, micro or 0)


def _ceil(parts):
    year, month, day, hour, minute, second, micro = parts
    if year is None:
        raise ValueError("Date has no year")
    month = 12 if month is None else month
    day = calendar.monthrange(year, month)[1] if day is None else day
    return datetime(year, month, day, 23 if hour is None else hour, 59 if minute is None else minute,
                    59 if second is None else second, 999999 if micro is None else micro)
