"""search/parser.py and engines/whoosh/parse.py: the neutral reading of a query, and its Whoosh queries.

Parity: for several hundred queries (edge cases written by hand and a seeded generated set),
the new pipeline gives the Whoosh query, error, notes and fallback that the old one gave. The
old one is kept below as it was at commit 403681f: Whoosh's MultifieldParser + FuzzyTermPlugin
and the friendly pipeline around it. Four kinds of input are read differently on purpose, where
the old reading was an accident of Whoosh's: each is described, and checked, by expected().

Tree shapes: the neutral parser alone, no Whoosh.
"""
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.analysis.filters import STOP_WORDS as WHOOSH_STOP_WORDS
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

from indexer.engines.whoosh.parse import compile_tree, parse_query
from indexer.engines.whoosh.schema import get_schema
from indexer.search import syntax as s
from indexer.search.parser import Unreadable, parse
from indexer.search.query import (
    BAD_DATE_NOTE, DATE_TERM, FIELD_PREFIX, MAX_FUZZY, MIN_WORD_LENGTH, QUERY_FIELDS, STOP_WORDS, TEXT_FIELDS,
    short_error, shown, syntax_problem, unknown_fields_as_words,
)
from indexer.search.query import parse_query as neutral_parse_query

SCHEMA = get_schema()


# The old pipeline, as engines/whoosh/parse.py was at 403681f (names prefixed old_).

OLD_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}   # what plain_words dropped
NEW_OPERATORS = OLD_OPERATORS | {"REQUIRE"}                  # and drops now (see expected())

@dataclass
class OldParsedQuery:
    text: str
    query: wq.Query
    error: str | None = None
    fallback: bool = False
    notes: list = field(default_factory=list)

    @property
    def messages(self):
        return self.notes + ([self.error] if self.error else [])


def old_make_parser(schema):
    parser = MultifieldParser(list(TEXT_FIELDS), schema)
    parser.add_plugin(FuzzyTermPlugin())
    return parser


def old_parse_query(text, schema, operators=OLD_OPERATORS):
    """Return the old reading of text; `operators`, the words the plain words leave out, is the one knob."""
    text = (text or "").strip()
    if not text:
        return OldParsedQuery(text, wq.Every())
    notes = []
    words = _old_drop_bad_dates(unknown_fields_as_words(text, notes), schema, notes)
    if not words.strip():
        return OldParsedQuery(text, wq.Every(), notes=notes + ["nothing else to search for — showing all articles"])
    problem = syntax_problem(words)
    if problem is None:
        try:
            parsed = _old_tame(old_make_parser(schema).parse(words))
        except Exception as err:  # whoosh raises bare Exception for some inputs
            problem = f"the query could not be read ({short_error(err)})"
        else:
            error = _old_leaf_error(parsed)
            if error is None and not _old_is_null(parsed):
                return OldParsedQuery(text, parsed, notes=notes)
            problem = f"the query could not be read ({error})" if error else None
    return old_fallback(text, words, schema, problem, notes, operators)


def old_fallback(text, words, schema, problem, notes=(), operators=OLD_OPERATORS):
    query = old_plain_query(words, schema, operators)
    if isinstance(query, wq.Every):
        none = f"no searchable words in “{shown(text)}” — showing all articles"
        message = f"{problem}, and there are {none}" if problem else none
    else:
        message = f"{problem or 'the query has no searchable words'}; searched for the plain words instead"
    return OldParsedQuery(text, query, message, fallback=True, notes=list(notes))


def old_plain_query(text, schema, operators=OLD_OPERATORS):
    words = old_plain_words(text, operators)
    parser = MultifieldParser(list(TEXT_FIELDS), schema)
    parsed = parser.parse(" ".join(words)) if words else wq.NullQuery
    return wq.Every() if _old_is_null(parsed) else parsed


def old_plain_words(text, operators):
    text = FIELD_PREFIX.sub(lambda m: " " if m[1] in QUERY_FIELDS else m[0], text)
    return [w for w in re.findall(r"\w+", text) if w not in operators]


def _old_is_null(q):
    return isinstance(q, type(wq.NullQuery))


def _old_leaf_error(q):
    for leaf in q.leaves():
        error = getattr(leaf, "error", None)
        if error is not None:
            return short_error(error)
    return None


def _old_drop_bad_dates(text, schema, notes):
    if "date" not in schema:
        return text
    parser = MultifieldParser(list(TEXT_FIELDS), schema)

    def check(m):
        try:
            q = parser.parse(m[0])
            error = _old_leaf_error(q) or ("not a date" if _old_is_null(q) else None)
        except Exception as err:
            error = short_error(err)
        if error is None:
            return m[0]
        notes.append(BAD_DATE_NOTE.format(shown(m[0], 60)))
        return " "

    return DATE_TERM.sub(check, text)


def _old_tame(q):
    def visit(node):
        if isinstance(node, wq.FuzzyTerm) and node.maxdist > MAX_FUZZY:
            node.maxdist = MAX_FUZZY
        return node
    return q.accept(visit)


# The queries.

HANDWRITTEN = [
    # words, stop words, short words, multi-token words
    "flood", "Flood dam", "elections", "the", "a", "the of and", "x", "C++", "🙂", "e-mail", "U.S.", "covid-19",
    "don't", "naïve café", "İstanbul", "東京 大阪", "مرحبا بالعالم", "straße", "a\u200bb", "42", "3.14",
    "under_score", "flood   dam", "flood\tdam", "the flood",
    # operators and precedence
    "flood AND dam", "flood OR storm", "flood NOT dam", "NOT flood", "flood ANDNOT dam", "flood ANDMAYBE dam",
    "flood REQUIRE dam", "flood OR storm AND dam", "flood AND storm OR dam", "a OR b OR c", "flood OR storm dam",
    "flood OR storm ANDNOT dam", "flood ANDNOT dam OR storm", "flood ANDMAYBE dam ANDNOT storm",
    "NOT flood NOT dam", "NOT NOT flood", "flood AND", "AND flood", "flood OR", "NOT", "flood NOT",
    "flood and dam", "flood or dam", "flood AND AND dam", "flood OR OR dam", "flood NOT NOT dam",
    "the AND flood", "flood OR the", "the ANDNOT flood", "flood ANDNOT the", "NOT the", "flood NOT the",
    "the ANDMAYBE flood", "flood ANDMAYBE the", "the REQUIRE flood", "flood REQUIRE the",
    "flood^2 OR storm", "flood OR storm^2", "title:flood OR storm", "flood OR title:storm",
    "(flood) AND dam", "(flood OR) AND dam", "(flood OR storm) AND dam", "(flood OR storm) OR dam",
    "(flood dam)^2 AND storm", "flood AND(dam)", "flood (AND dam)", "(NOT flood)", "(flood) NOT (dam)",
    "x ANDNOT y ANDNOT z", "x ANDMAYBE y ANDMAYBE z", "x REQUIRE y ANDNOT z",
    # parentheses
    "(flood)", "(flood dam)", "((flood))", "(flood (dam storm))", "()", "( )", "(the)", "(title:the) ANDNOT flood",
    "(flood", "flood)", ")flood(", "((flood)", "(flood))", "a (b (c (d)))", "(" * 40 + "flood" + ")" * 40,
    # phrases
    '"climate change"', '"climate change"~3', '"climate change"~', '"the cat"', '"the"', '""', '" "',
    '"e-mail address"', '"climate change" flood', 'title:"climate change"', '"climate', 'climate"',
    '"a (b" c)', '"flood"*', '*"flood"', '"flood"^2', '"climate change"^2', '"climate change"~2^3',
    "'climate change'", "'climate change'~", "'flood'", "''", "it's", "'x' y", "rock'n'roll",
    # fields
    "title:flood", "body:flood", "title:the", "title:(flood dam)", "title:(flood OR dam)",
    "title:(body:flood dam)", "title:body:flood", "person:Biden", 'person:"Joe Biden"', "person:'Joe Biden'",
    'person:"Joe  Biden"', "person:joe", 'person:"Joe Biden"^2', "country:Kenya", "topic:sport",
    'topic:"arts, culture, entertainment and media"', "org:WHO", "source:Reuters", "subtopic:x",
    "id:ABC-123", "id:abc", "title:", "title: flood", "flood title:", "colour:red", "Note: flood",
    "http://example.com/a", "see https://example.com/a?b=c", "x.title:flood", "x.colour:red", "é:flood",
    "*:flood", "title:*:*", "*:*", "*:* flood", "flood *:*", "NOT *:*", "*:* ANDNOT flood", "(*:*)^2",
    "title:^2", "title:~", "foo:foo:bar", "title:flood:dam", "person:(Biden OR Trump)",
    # wildcards and prefixes
    "vacc*", "vaccin*", "running*", "vac*ine", "wom?n", "?", "*", "**", "a*", "*ing", "title:vacc*",
    "person:Jo*", "v*c*n", "vacc* dam", "vacc*^2", "wom?n~", "a*~", "vacc *", "؟", "x\u055ey",
    # fuzzy
    "parlament~", "parlament~2", "parlament~9", "parlament~2/3", "parlament~/3", "the~", "a~", "a~b",
    "title:parlament~", "person:Biden~", "parlament~^2", "parlament~2^3", "~", "~flood", "flood ~",
    "(flood)~", "flood~0", "parlament~10", "election~9",
    # boosts
    "flood^2", "flood^2.5", "flood^.5", "flood^", "flood^x", "^2", "^2 flood", "flood ^2", "flood^2^3",
    "(flood dam)^2", "title:flood^3", "flood^2 dam^3", "x (^2 flood)", "x (flood ^2)", "(flood ^2)",
    "x (*:* ^2)",
    # ranges
    "[a TO z]", "[apple TO banana]", "{apple TO banana}", "[apple TO banana}", "[TO banana]", "[apple TO]",
    "[ TO banana]", "[TO]", "title:[a TO m]", "person:[A TO M]", "id:[a TO b]", "[a to b]", "[a TO b",
    "['a b' TO 'c d']", "[the TO of]", "flood [a TO b]^2",
    # dates
    "date:2020", "date:2020-03", "date:2020-03-15", "date:2020-02-29", "date:2019-02-29", "date:2020-13",
    "date:2020-02-30", "date:foo", "date:>2020", "date:0000", "date:20200315123045123456", "date:1999",
    "date:2020-1", "date:202001", "date:2020.03.15", "date:[2020 TO 2021]", "date:[2020-03 to 2020-05]",
    "date:{2019 TO 2020}", "date:[TO 2020]", "date:[2020 TO]", "date:[TO]", "date:[ TO 2020]", "date:[foo TO 2020]",
    "date:[2020-13 TO 2021]", "date:2020*", "date:20?0", "date:*", 'date:"2020"', 'date:""', "date:2020~",
    "date:2020~2", "date:2020^2", "date:(2020 OR 2021)", "date:(2020 OR foo)", "flood date:2020",
    "flood date:foo", "date:foo date:bar", "x.date:foo", "x.date:foo flood", "date:", "date: 2020",
    "(date:2020)", "(date:foo)", "NOT date:2020", "date:2020 OR date:2021", "*:* x.date:foo",
    "date:[20200315123045123456 TO 2021]", "date:[0000 TO 2020]", "date:٢٠٢٠",
    # unbalanced and otherwise malformed
    '"flood', "(flood", "[a TO b", "{a TO b", "flood ]", "a) (b", 'title:"flood', "flood AND (",
    ":", "::", "title::flood", "^", "~~", "**:**", "[]", "{}", "[ ]", "\\", "flood\\ dam", "&&", "||",
    "+flood -dam", "-flood", "flood!", "#flood @dam", "%", "a,b", "a;b", "a/b", "a|b",
]

# Where the new reading is deliberately not the old one. Each kind is checked: expected() gives
# the old reading with the kind's accident replaced by what the new parser does instead.
#
# 1. A ^N that boosts nothing inside parentheses (`x (^2 flood)`): Whoosh made it a word only
#    after giving the unfielded words their fields, so it became Term(None, "^2"), a term in no
#    field, unanalysed, that matches nothing (`x (^2 harbour)` found no article). Now it is a word
#    like any other, as the same ^N already was at the top level (`^2 flood`): analysed, and "2"
#    is too short to search. expected(): the old query with each Term(None, …) analysed.
# 2. An operator whose operand is another operator, dropped inside the group the first one made
#    (`NOT NOT flood`, `REQUIRE ANDMAYBE flood`): Whoosh failed with "list index out of range" or
#    a bare "AssertionError"; the message now names the operator. expected(): the message.
# 3. The plain words of a query that falls back kept REQUIRE, which Whoosh then read as an
#    operator: `flood REQUIRE dam (` searched flood REQUIRE dam rather than the words AND-ed, and
#    `flood REQUIRE REQUIRE dam (` raised Whoosh's AssertionError out of the fallback itself (a server
#    error). REQUIRE is dropped with the other operators now. expected(): the words without it.
# 4. KNOWN_READINGS below, hand-written only: the new reading is the old one of another text.
# 5. Signs (issue 13): Whoosh read `-dam` and `+dam` as the word dam (its analyzer dropped the
#    sign), so `flood -dam` searched for both words. Now a minus sign at the start of a part is
#    NOT and a plus sign there is nothing. expected(): the old reading of the text with each such
#    sign written as Whoosh's operator (signed(): "-" -> "NOT ", "+" -> "").
MISSING_TERM = re.compile(r"\((list index out of range|AssertionError|(NOT|ANDNOT|ANDMAYBE|REQUIRE) is missing a term)\)")
KNOWN_READINGS = {
    # A field name reached inside a word (after "." or "-") was looked up in the whole Whoosh
    # schema, so the hidden stored fields were fields there: x.url:foo failed with Whoosh's
    # "field has no format", x.chash:… searched the content hash. Only the query language's
    # fields are fields now; anything else is text, as the same name at the start of a word is.
    "x.url:foo": "x.'url:foo'",
    "x.chash:abc": "x.'chash:abc'",
    "x.meta:foo bar": "x.'meta:foo' bar",
}
FALLING_BACK_WITH_REQUIRE = ["flood REQUIRE dam (", 'flood REQUIRE "dam']
HANDWRITTEN = list(dict.fromkeys(HANDWRITTEN + list(KNOWN_READINGS) + FALLING_BACK_WITH_REQUIRE + [
    "x ((^2)) flood", "REQUIRE ANDMAYBE flood", "(*:* ANDNOT the) x.date:foo", "x.date:foo REQUIRE the",
    "the ANDNOT x.date:foo", "title:the ANDNOT x.date:foo"]))


def generated(count=500, seed=20261201):
    """Return count random queries: words, stop words, operators, fields, quotes, groups, marks, dates."""
    rng = random.Random(seed)
    words = ["flood", "dam", "Storm", "election", "Kenya", "harbour", "vaccine", "Running", "e-mail", "U.S.",
             "covid-19", "naïve", "İstanbul", "東京", "🙂", "x", "42", "2020", "C++", "don't", "a.b", "straße"]
    stops = ["the", "a", "and", "of", "to", "us", "not", "or", "is"]
    ops = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "and", "or"]
    fields = ["title", "body", "person", "country", "topic", "org", "source", "subtopic", "id", "date", "colour"]
    dates = ["2020", "2020-03", "2020-03-15", "2020-02-30", "2020-13", "1999", "foo", "[2020 TO 2021]",
             "[2020-03 to 2020-05]", "{2019 TO}", "[TO 2020]", "2020*", "*", '"2020"', "2020~", "(2020 OR 2021)"]
    marks = ["*", "?", "~", "~2", "~9", "~2/3", "^2", "^0.5", "^", ":", "(", ")", '"', "'", "[", "]", "{", "}",
             "-", "+", ".", "\u200b", "é"]

    def word():
        w = rng.choice(words + stops)
        r = rng.random()
        if r < 0.08:
            w += "*"
        elif r < 0.12:
            w = w[:1] + "?" + w[2:]
        elif r < 0.2:
            w += rng.choice(["~", "~2", "~9", "~/2", "~1/3"])
        if rng.random() < 0.1:
            w += rng.choice(["^2", "^0.5", "^3"])
        return w

    def atom(depth):
        r = rng.random()
        if r < 0.45:
            return word()
        if r < 0.58:
            phrase = " ".join(rng.choice(words + stops) for _ in range(rng.randint(0, 3)))
            return f'"{phrase}"' + rng.choice(["", "", "~2", "^2"])
        if r < 0.63:
            return rng.choice(["'new york'", "'the'", "*:*"])
        if r < 0.7:
            a, b = sorted(rng.choice(words + ["", "m"]) for _ in range(2))
            return f"{rng.choice('[{')}{a} TO {b}{rng.choice(']}')}"
        if r < 0.85:
            name = rng.choice(fields)
            value = rng.choice(dates) if name == "date" else (
                atom(depth + 1) if depth < 2 else word())
            return f"{name}:{value}"
        if depth < 3:
            return f"({expr(depth + 1)})" + rng.choice(["", "", "", "^2"])
        return word()

    def expr(depth=0):
        parts = [atom(depth)]
        for _ in range(rng.randint(0, 3 if depth else 4)):
            if rng.random() < 0.35:
                parts.append(rng.choice(ops))
            parts.append(atom(depth))
        return rng.choice([" ", " ", "  ", "\t"]).join(parts)

    out = []
    while len(out) < count:
        q = expr()
        if rng.random() < 0.25:  # a mark inserted or a character dropped somewhere
            i = rng.randrange(len(q) + 1)
            q = q[:i] + rng.choice(marks) + q[i:] if rng.random() < 0.6 else q[:i] + q[i + 1:]
        out.append(q)
    return out


def soup(count=300, seed=1201):
    """Return count random strings of query pieces, parentheses, quotes and brackets balanced."""
    rng = random.Random(seed)
    pieces = ["flood", "dam", "the", "a", "x", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "TO", "to",
              "title:", "person:", "date:", "id:", "colour:", "*:*", "2020", "2020-03", "0000", "foo", '"', "'",
              "(", ")", "[", "]", "{", "}", "^", "^2", "~", "~2", "*", "?", ":", " ", " ", " ", "\t", ".", "-",
              "é", "🙂", "e-mail", "U.S.", "/", "\\", ",", "+"]
    out = []
    for _ in range(count):
        q = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        q += '"' * (q.count('"') % 2)
        q = "(" * max(0, q.count(")") - q.count("(")) + q + ")" * max(0, q.count("(") - q.count(")"))
        for a, b in ("[]", "{}"):
            q = a * max(0, q.count(b) - q.count(a)) + q + b * max(0, q.count(a) - q.count(b))
        out.append(q)
    return out


GENERATED = generated() + soup()


def describe(parsed):
    error = parsed.error and MISSING_TERM.sub("(an operator is missing a term)", parsed.error)
    return (repr(parsed.query), error, parsed.notes, parsed.fallback)


# What can hold a sign without it starting a part: a phrase, a quoted word, a range (as the
# parser's taggers take them before a sign is looked at); and the sign rule itself.
_SIGN_SKIPS = re.compile(r'"(.*?)"|(^|(?<=\W))\'(.*?)\'(?=\s|\]|[)}]|$)|(\{|\[)((\'[^\']*?\'\s+)|([^\]}]+?(?=[Tt][Oo])))?'
                         r"[Tt][Oo]((\s+'[^']*?')|([^\]}]+?))?(}|])")
_SIGN = re.compile(r"(^|(?<=[\s(]))[+-](?=[^\s+\-)])")


def signed(text):
    """Return text with each sign that starts a part written as Whoosh's operator: -x is NOT x, +x is x."""
    out, pos = [], 0
    while pos < len(text):
        skip = _SIGN_SKIPS.match(text, pos)
        if skip and skip.end() > pos:
            out.append(skip[0])
            pos = skip.end()
        elif _SIGN.match(text, pos):
            out.append("NOT " if text[pos] == "-" else "")
            pos += 1
        else:
            out.append(text[pos])
            pos += 1
    return "".join(out)


def expected(text):
    """Return the old reading of text, with the accidents listed above as the new parser reads them."""
    written = signed(KNOWN_READINGS.get(text, text))
    old = old_parse_query(written, SCHEMA, NEW_OPERATORS)
    if old.error and written != text:   # a message quotes the query as the user wrote it
        old.error = old.error.replace(f"“{shown(written)}”", f"“{shown(text)}”")
    old.text = text
    if old.fallback or not any(_unfielded(leaf) for leaf in old.query.leaves()):
        return old
    query = old.query.accept(lambda q: compile_tree(s.Term(None, q.text), SCHEMA) or wq.NullQuery
                             if _unfielded(q) else q).normalize()
    if not isinstance(query, type(wq.NullQuery)):
        return OldParsedQuery(old.text, query, notes=old.notes)
    notes = []   # nothing searchable is left: the old fallback, with the old reading's notes
    words = _old_drop_bad_dates(unknown_fields_as_words(old.text, notes), SCHEMA, notes)
    return old_fallback(old.text, words, SCHEMA, None, notes, NEW_OPERATORS)


def _unfielded(q):
    return isinstance(q, wq.Term) and q.fieldname is None


def assert_reads_as_expected(text):
    old, new = expected(text), parse_query(text, SCHEMA)
    assert describe(new) == describe(old)
    assert new.query == old.query


@pytest.mark.parametrize("text", HANDWRITTEN)
def test_handwritten_queries_read_as_before(text):
    assert_reads_as_expected(text)


@pytest.mark.parametrize("text", GENERATED)
def test_generated_queries_read_as_before(text):
    assert_reads_as_expected(text)


@pytest.mark.parametrize("text", list(KNOWN_READINGS) + ["x (^2 flood)", "NOT NOT flood", "REQUIRE ANDMAYBE flood",
                                  "flood REQUIRE dam (", "Trump -Biden", "+flood -dam", '-"climate change" x'])
def test_known_differences_do_differ(text):
    old, new = old_parse_query(text, SCHEMA), parse_query(text, SCHEMA)
    assert (repr(old.query), old.error, old.fallback) != (repr(new.query), new.error, new.fallback)


def test_plain_words_with_require_twice_fall_back_without_raising():
    with pytest.raises(AssertionError):
        old_parse_query("flood REQUIRE REQUIRE dam (", SCHEMA)
    parsed = parse_query("flood REQUIRE REQUIRE dam (", SCHEMA)
    assert parsed.fallback and parsed.query == compile_tree(s.And((s.Term(None, "flood"), s.Term(None, "dam"))), SCHEMA)


def test_chained_andnot_is_read_once_not_exponentially():
    # Whoosh's BinaryGroup made its left side's query twice, so a chain of n ANDNOTs took 2**n
    # steps: 16 took 10 s, the 55 that fit in a 500-character query would never end.
    text = " ANDNOT ".join(f"w{i:02d}" for i in range(56))
    tree, depth = parse(text).children[0], 0
    while isinstance(tree, s.AndNot):
        tree, depth = tree.positive, depth + 1
    assert depth == 55 and tree == s.Term(None, "w00")
    assert isinstance(parse_query(text, SCHEMA).query, wq.AndNot)


def test_the_stop_words_are_whooshs_and_the_schema_analyses_as_whoosh_does_the_folded_text():
    # Format 2 (issue 13) folds accents before stemming: Whoosh's StemmingAnalyzer of the folded
    # text, so every ASCII query above reads exactly as Whoosh read it.
    assert set(STOP_WORDS) == WHOOSH_STOP_WORDS and len(STOP_WORDS) == len(WHOOSH_STOP_WORDS)
    assert MIN_WORD_LENGTH == 2
    assert SCHEMA["title"].analyzer == SCHEMA["body"].analyzer
    whoosh = StemmingAnalyzer()
    for text in ["Flood warnings for the harbour", "Matovič provided naïve Élections in Łódź", "Straße ØRESUND"]:
        folded = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss").replace("ø", "o").replace("ł", "l"))
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
        assert [t.text for t in SCHEMA["body"].analyzer(text)] == [t.text for t in whoosh(folded)]


# Tree shapes: the neutral parser alone.

T = lambda text, field=None, **kw: s.Term(field, text, **kw)  # noqa: E731
YEAR_2020 = s.DateRange(datetime(2020, 1, 1), datetime(2020, 12, 31, 23, 59, 59, 999999))

TREES = [
    ("flood", s.And((T("flood"),))),
    ("flood title:dam*", s.And((T("flood"), s.Prefix("title", "dam")))),
    ("the e-mail U.S.", s.And((T("the"), T("e-mail"), T("U.S.")))),        # raw: the engine analyses
    ("flood OR storm", s.And((s.Or((T("flood"), T("storm"))),))),
    ("a b OR c", s.And((T("a"), s.Or((T("b"), T("c")))))),                  # juxtaposition binds last
    ("a OR b AND c", s.And((s.Or((T("a"), s.And((T("b"), T("c"))))),))),    # AND before OR
    ("a OR b ANDNOT c", s.And((s.AndNot(s.Or((T("a"), T("b"))), T("c")),))),  # OR before ANDNOT
    ("a ANDNOT b ANDMAYBE c", s.And((s.AndMaybe(s.AndNot(T("a"), T("b")), T("c")),))),
    ("a REQUIRE b", s.And((s.Require(T("a"), T("b")),))),
    ("NOT a b", s.And((s.Not(T("a")), T("b")))),
    ("a NOT b OR c", s.And((T("a"), s.Or((s.Not(T("b")), T("c")))))),      # NOT first of all
    ("a AND ", s.And((T("a"),))),                                           # an operator at an end is dropped
    ("a OR", s.And((T("a"), T("OR")))),                                     # an operator has spaces both sides
    ("(a b) c", s.And((s.And((T("a"), T("b"))), T("c")))),
    ("(a b)", s.And((T("a"), T("b")))),                                     # the one group is the top
    ("(a OR) AND c", s.And((s.And((T("a"), T("OR"), T("c"))),))),            # as Whoosh: c joins the group
    ("flood^2", s.And((T("flood", boost=2.0),))),
    ("a^2 OR b", s.And((s.Or((T("a"), T("b")), boost=2.0),))),             # as Whoosh: b is boosted too
    ("(a b)^2", s.And((s.And((T("a"), T("b")), boost=2.0),))),
    ("^2 flood", s.And((T("^2"), T("flood")))),                             # boosts nothing: a word
    ("'new york'", s.And((T("new york"),))),                                # one word of two tokens
    ('"climate change"~3', s.And((s.Phrase(None, ("climate", "change"), 3, "climate change"),))),
    ('person:"Joe  Biden"', s.And((s.Phrase("person", ("Joe", "Biden"), 1, "Joe  Biden"),))),
    ("title:(a OR b)", s.And((s.And((s.Or((T("a", "title"), T("b", "title"))),)),))),
    ("title:(body:a b)", s.And((s.And((T("a", "body"), T("b", "title"))),))),
    ("colour:red", s.And((T("colour:red"),))),                               # not a field: text
    ("x.title:flood", s.And((T("x."), T("flood", "title")))),
    ("vac*ine wom?n *", s.And((s.Wildcard(None, "vac*ine"), s.Wildcard(None, "wom?n"), s.Wildcard(None, "*")))),
    ('"flood"*', s.And((s.Prefix(None, "flood"),))),                        # as Whoosh: the quotes go
    ("parlament~ parlament~2/3 a~b", s.And((s.Fuzzy(None, "parlament"), s.Fuzzy(None, "parlament", 2, 3),
                                            s.Fuzzy(None, "a"), T("b")))),
    ("[a TO b} [TO m] [ TO m]", s.And((s.TermRange(None, "a", "b", False, True),
                                       s.TermRange(None, None, "m"), s.TermRange(None, "", "m")))),
    ("*:* flood", s.Every()),                                               # *:* in an And: everything
    ("NOT *:*", s.And((s.Not(s.Every()),))),
    ("date:2020", s.And((YEAR_2020,))),
    ("date:2020-02", s.And((s.DateRange(datetime(2020, 2, 1), datetime(2020, 2, 29, 23, 59, 59, 999999)),))),
    ("date:2020*", s.And((YEAR_2020,))),                                    # a date is never a prefix
    ("date:{2019 TO 2020-03-15]", s.And((s.DateRange(datetime(2019, 1, 1),
                                                     datetime(2020, 3, 15, 23, 59, 59, 999999)),))),
    ("date:[2020 TO]", s.And((s.DateRange(datetime(2020, 1, 1), None),))),
    ("date:[TO]", s.And((s.DateRange(None, None),))),
    ("date:20200315123045123456", s.And((s.DateRange(datetime(2020, 3, 15, 12, 30, 45, 123456),
                                                     datetime(2020, 3, 15, 12, 30, 45, 123456)),))),
    ("date:2020-13", s.And((s.Error("month must be in 1..12"),))),
    ("date:0000", s.And((s.Error("year 0 is out of range"),))),
    ("date:(2020 OR foo)", s.And((s.And((s.Or((YEAR_2020, s.Error("'foo' is not a parseable date"))),)),))),
    ('date:"2020"', s.And((s.Phrase("date", ("2020",), 1, "2020"),))),
    # signs (not Whoosh's grammar, see expected() 5.): -x excludes, +x is x
    ("Trump -Biden", s.And((T("Trump"), s.Not(T("Biden"))))),
    ('flood -"climate change"', s.And((T("flood"), s.Not(s.Phrase(None, ("climate", "change"), 1, "climate change"))))),
    ('x -person:"Joe Biden"', s.And((T("x"), s.Not(s.Phrase("person", ("Joe", "Biden"), 1, "Joe Biden"))))),
    ("+flood +dam", s.And((T("flood"), T("dam")))),
    ("(-a b) OR -c", s.And((s.Or((s.And((s.Not(T("a")), T("b"))), s.Not(T("c")))),))),
    ("e-mail covid-19 C++ a - b --x +", s.And((T("e-mail"), T("covid-19"), T("C++"), T("a"), T("-"), T("b"),
                                                T("--x"), T("+")))),   # a sign inside or alone is text
    ('"a -b" [-a TO b]', s.And((s.Phrase(None, ("a", "-b"), 1, "a -b"), s.TermRange(None, "-a", "b")))),
]


@pytest.mark.parametrize("text, tree", TREES)
def test_tree_shape(text, tree):
    assert parse(text) == tree


def test_without_fuzzy_a_tilde_is_part_of_the_word():
    assert parse("flood~2", fuzzy=False) == s.And((T("flood~2"),))


@pytest.mark.parametrize("text, message", [
    ("NOT NOT flood", "NOT is missing a term"),
    ("REQUIRE ANDMAYBE flood", "ANDMAYBE is missing a term"),
    ("date:[foo TO 2020]", "'foo' is not a parseable date"),
    ("date:[fooo TO 2020]", "invalid literal for int() with base 10: 'fooo'"),
    ("date:[ TO 2020]", "'' is not a parseable date"),
    ("date:[0000 TO 2020]", "year 0 is out of range"),
])
def test_unreadable(text, message):
    with pytest.raises(Unreadable, match=re.escape(message)):
        parse(text)


# The friendly pipeline with a toy engine: it searches words of two letters or more that are
# not stop words, and cannot read an Error.

def toy_compile(tree):
    if any(isinstance(n, s.Error) for n in _nodes(tree)):
        raise Unreadable(next(n.message for n in _nodes(tree) if isinstance(n, s.Error)))
    searchable = any(not isinstance(n, (s.Term, s.And, s.Or, s.Not, s.AndNot, s.AndMaybe, s.Require))
                     or (isinstance(n, s.Term) and len(n.text) >= MIN_WORD_LENGTH and n.text.lower() not in STOP_WORDS)
                     for n in _nodes(tree))
    return tree if searchable else None


def _nodes(tree):
    found = []
    s.rebuilt(tree, lambda n: found.append(n) or n)
    return found


def test_pipeline_reads_a_query_into_its_tree():
    parsed = neutral_parse_query("  flood title:dam  ", toy_compile)
    assert (parsed.text, parsed.tree, parsed.query, parsed.error, parsed.fallback, parsed.notes) == (
        "flood title:dam", s.And((T("flood"), T("dam", "title"))), parsed.tree, None, False, [])


def test_pipeline_with_nothing_searchable_shows_everything():
    parsed = neutral_parse_query("the", toy_compile)
    assert parsed.tree == s.Every() and parsed.fallback
    assert parsed.messages == ["no searchable words in “the” — showing all articles"]


def test_pipeline_notes_unknown_fields_and_bad_dates():
    parsed = neutral_parse_query("colour:red date:2020-02-30", toy_compile)
    assert parsed.tree == s.And((T("colour"), T("red")))
    assert parsed.notes == [
        "there is no field “colour”, so “colour:” was searched as a word (fields: title, body, person, country, "
        "topic, org, source, subtopic, id, date)", BAD_DATE_NOTE.format("date:2020-02-30")]


def test_pipeline_falls_back_to_the_plain_words():
    parsed = neutral_parse_query('flood "dam', toy_compile)
    assert parsed.tree == s.And((T("flood"), T("dam"))) and parsed.fallback
    assert parsed.error == "a quotation mark is not closed; searched for the plain words instead"
    parsed = neutral_parse_query("x.date:foo flood", toy_compile)
    assert parsed.tree == s.And((T("x"), T("date"), T("foo"), T("flood")))
    assert parsed.error == ("the query could not be read ('foo' is not a parseable date); "
                            "searched for the plain words instead")


def test_pipeline_clamps_fuzzy_distance():
    assert neutral_parse_query("parlament~9", toy_compile).tree == s.And((s.Fuzzy(None, "parlament", MAX_FUZZY),))
