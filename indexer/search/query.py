"""The query language, engine-neutral: reading the user's text, with a friendly fallback to its plain words.

parse_query(text, compile) reads a query the same way for every engine: parser.py makes the
syntax tree (syntax.py), and the engine's compile(tree) makes its own query of it. compile
returns None when nothing searchable is left once its analyzer has dropped stop words and short
words, and raises parser.Unreadable for an Error node its query keeps (Whoosh's drops one that
cannot matter, in an And with *:* in it or beside an ANDNOT part with no words).
A syntax problem, an unknown `field:` prefix or a `date:` term that is not a date never raises:
the query is read as well as it can be, and what was read differently is said in notes/error.
Also here: which `word:` prefixes name a field, when a query is not well formed, how a query
is quoted in a message, and the stop words every engine's text analyzer drops.

The budget of a query is declared here too (QueryBudget), with the accounting of what one
search spent (QueryCost) and the messages of its limits, so that every engine applies the same
rules with the same words: tame() applies the rules on the tree (fuzzy distance and prefix),
the engine the rest as it expands wildcards, prefixes, fuzzy words and ranges into index words
and runs the query (docs/RELIABILITY.md).
"""
import difflib
import logging
import re
import threading
import time
from dataclasses import dataclass, field, replace

from ..errors import FacetwireError
from .parser import Unreadable, parse
from .syntax import Every, Fuzzy, Node, Prefix, TermRange, Wildcard, rebuilt
from .syntax import QUERY_FIELDS, TEXT_FIELDS  # noqa: F401 (the language's fields, declared with its tree)

MAX_FUZZY = 2            # edit distance: more is slow and matches everything
WILDCARDS = "*?"         # what makes a Wildcard's pattern a pattern (Whoosh's and OpenSearch's)


@dataclass(frozen=True)
class QueryBudget:
    """What one search may cost. The numbers every engine applies, declared once.

    A part is one wildcard, prefix, fuzzy word or range in one field (an unfielded one is two
    parts: title and body). Expanding a part lists the index words it stands for; it keeps the
    most frequent of them (a fuzzy word: the closest, then the most frequent) that fit its share
    of the query's words and postings (a posting: one word in one document, the unit of work of
    matching and scoring it).

    Time: a search may take `seconds`; one that runs longer than `quick` needs one of the
    process's `long_searches` slots (LongSearches) and, finding none free, stops there. The web
    server's threads are shared: without the slots eight long searches take all eight of them.
    """

    fuzzy_prefix: tuple = (1, 2)     # letters a fuzzy word's matches share with it, for 1 and 2 letters different
    fuzzy_lengths: tuple = (3, 6)    # letters a word needs for 1 and 2 letters different (fewer: matched exactly)
    part_terms: int = 128            # index words one part may keep
    query_terms: int = 1024          # ... all the parts of a query together, shared out evenly
    query_postings: int = 250_000    # postings the kept words of all the parts may hold, shared out evenly
    scanned: int = 400_000           # index words a query may look at to expand its parts
    seconds: float = 1.25            # wall-clock time of one search, then its answer is cut short
    quick: float = 0.05              # wall-clock time a search may take without a long-search slot
    long_searches: int = 2           # searches of one process that may run longer than `quick` at once

    def start(self, slots=None):
        """Return the accounting of a search starting now (slots: the process's LongSearches, None: no limit)."""
        now = time.monotonic()
        return QueryCost(self, now + self.seconds, slots=slots, quick_until=now + self.quick)

    def fuzzy_rule(self, node):
        """Return (edit distance, prefix length) this budget lets a Fuzzy node have."""
        length = len(node.text)
        allowed = sum(length >= n for n in self.fuzzy_lengths)
        dist = max(0, min(node.maxdist, MAX_FUZZY, allowed))
        prefix = max(node.prefixlength, self.fuzzy_prefix[dist - 1] if dist else length)   # 0 letters: all of it
        return dist, min(prefix, length)

    def part_share(self, parts):
        """Return (words, postings) each of a query's `parts` expanding parts may keep."""
        parts = max(parts, 1)
        return max(1, min(self.part_terms, self.query_terms // parts)), max(1, self.query_postings // parts)


DEFAULT_BUDGET = QueryBudget()
# A command's own work (SearchEngine.reader(batch=True)): the same caps on what a query may expand
# to, no time limit (a cut-short count would silently leave merges or groups out).
BATCH_BUDGET = QueryBudget(seconds=float("inf"), quick=float("inf"))

STAGES = {   # what a search that reached its time limit left undone, by the stage it was in
    "expanding": "some wildcard, fuzzy or range parts were searched for only the words found in time",
    "matching": "the list of results may be incomplete",
    "counting": "some facet counts or the date chart were left out",
    "snippets": "some results show their opening instead of the words that matched",
}
TIME_NOTE = "the search reached its time limit of {seconds:g} s, so {what}: a narrower query gives a complete answer"
BUSY_NOTE = ("other long searches were running, so {what}: the same search in a moment, or a narrower one, "
             "gives a complete answer")
CAPPED_NOTE = "“{part}” matches {found} words; only {kept:,} were searched, the {which} within the query's budget"
LEADING_HINT = " (it starts with a wildcard: letters before the * or ? narrow it)"
SCAN_NOTE = ("“{part}” was searched for only the words found among the first {scanned:,} index words "
             "the query may look at")
EXACT_NOTE = "“{part}” is matched exactly: fuzzy matching needs a word of {letters} letters or more"
ONE_LETTER_NOTE = ("“{part}” allows one letter different: two need a word of {letters} letters or more")


COST_LOG = logging.getLogger("indexer.search.cost")   # one record per search: its QueryCost as `cost`


class QueryTooCostly(FacetwireError):
    """A search that cannot give a partial answer (an export) reached its time limit, or found no slot."""


class LongSearches:
    """The slots of one process for searches that run longer than QueryBudget.quick."""

    def __init__(self, n):
        self.n = n
        self._free = threading.BoundedSemaphore(n)

    def take(self):
        """Take a slot if one is free now (never waits); return whether one was taken."""
        return self._free.acquire(blocking=False)

    def give(self):
        self._free.release()


def log_cost(cost, what, q):
    """Log what a search spent: at INFO when it reached a limit, else at DEBUG (record.cost, record.q)."""
    level = logging.INFO if cost.capped or cost.cut else logging.DEBUG
    if COST_LOG.isEnabledFor(level):
        COST_LOG.log(level, "%s %s: %s", what, shown(q, 80), cost.summary(), extra={"cost": cost, "q": q})


@dataclass
class QueryCost:
    """What one search spent of its budget, in the units the budget counts (never wall-clock time)."""

    budget: QueryBudget
    deadline: float                  # time.monotonic() at which the search is cut short
    parts: int = 0                   # parts expanded
    terms: int = 0                   # index words they kept
    kept_postings: int = 0           # postings those words hold (documents, summed over the words)
    scanned: int = 0                 # index words looked at to find them
    postings: int = 0                # posting lists read while matching: the work units of matching
    capped: dict = field(default_factory=dict)   # part as written -> (words found, words kept, note)
    cut: list = field(default_factory=list)      # stages the time limit cut short, in order
    slots: LongSearches | None = None            # the process's long-search slots (None: no limit)
    quick_until: float = 0.0                     # time.monotonic() after which the search needs a slot
    holding: bool = False                        # it holds one of the slots
    busy: bool = False                           # it needed a slot and none was free: cut short then

    def expired(self):
        """Return whether the search must stop now: past its deadline, or long and without a slot."""
        now = time.monotonic()
        if now >= self.deadline:
            return True
        if self.slots is not None and not self.holding and now >= self.quick_until:
            self.holding = self.slots.take()
            if not self.holding:
                self.busy, self.deadline = True, now
                return True
        return False

    def release(self):
        """Give back the long-search slot, if the search holds one (call once it is done)."""
        if self.holding:
            self.holding = False
            self.slots.give()

    def cut_short(self, stage):
        """Record that the time limit cut `stage` short (a key of STAGES)."""
        if stage not in self.cut:
            self.cut.append(stage)

    @property
    def timed_out(self):
        return bool(self.cut)

    def capped_part(self, node, found, kept, more=False, scanned_out=False):
        """Record that a part matched `found` words (more=True: at least) and kept `kept`."""
        part = shown(part_text(node), 40)
        if scanned_out:
            note = SCAN_NOTE.format(part=part, scanned=self.budget.scanned)
        else:
            which = "closest" if isinstance(node, Fuzzy) else "most frequent"
            note = CAPPED_NOTE.format(part=part, found=f"{'more than ' if more else ''}{found:,}", kept=kept,
                                      which=which)
            if leading_wildcard(node):
                note += LEADING_HINT
        old = self.capped.get(part)
        if old is None or found > old[0]:
            self.capped[part] = (found, kept, note)

    def warnings(self):
        """Return the messages of every limit this search reached, for the warnings of its answer."""
        out = [note for _found, _kept, note in self.capped.values()]
        if self.cut:
            what = "; ".join(STAGES[s] for s in self.cut)
            out.append(BUSY_NOTE.format(what=what) if self.busy
                       else TIME_NOTE.format(seconds=self.budget.seconds, what=what))
        return out

    def summary(self):
        """Return the accounting as plain data (for logs and benchmarks)."""
        return {"parts": self.parts, "terms": self.terms, "kept_postings": self.kept_postings,
                "scanned": self.scanned, "postings": self.postings,
                "capped": sorted(self.capped), "cut": list(self.cut), "busy": self.busy,
                "seconds_left": round(self.deadline - time.monotonic(), 3)}


def part_text(node):
    """Return an expanding part as the query language writes it (`title:vacc*`, `police~2`, `[a TO m]`)."""
    name = f"{node.field}:" if getattr(node, "field", None) else ""
    if isinstance(node, Prefix):
        return f"{name}{node.text}*"
    if isinstance(node, Wildcard):
        return f"{name}{node.pattern}"
    if isinstance(node, Fuzzy):
        return f"{name}{node.text}~{node.maxdist}"
    if isinstance(node, TermRange):
        return (f"{name}{'{' if node.startexcl else '['}{node.start or ''} TO {node.end or ''}"
                f"{'}' if node.endexcl else ']'}")
    return name + str(getattr(node, "text", ""))


def leading_wildcard(node):
    """Return whether a part starts with a wildcard: it has to look at every word of its field."""
    return isinstance(node, Wildcard) and node.pattern[:1] in WILDCARDS


def expanding_parts(tree, fields_of_none=len(TEXT_FIELDS)):
    """Return how many parts the tree's wildcards, prefixes, fuzzy words and ranges make."""
    count = []

    def visit(node):
        if isinstance(node, (Prefix, Wildcard, Fuzzy, TermRange)):
            count.append(fields_of_none if node.field is None else 1)
        return node

    rebuilt(tree, visit)
    return sum(count)
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE"}
# Where a part can start: at the start, after white space or "(", and after a sign there (-x, +x).
PART_START = r"(?:^|(?<=[\s(])|(?<=^[+-])|(?<=[\s(][+-]))"
FIELD_PREFIX = re.compile(PART_START + r"([A-Za-z_]\w*):(?=\S)")
URL_PREFIX = re.compile(r"[A-Za-z][\w+.-]*://")
DATE_TERM = re.compile(PART_START + r'date:(\[[^\]]*\]?|\{[^}]*\}?|"[^"]*"?|[^\s()]+)')

BAD_DATE_NOTE = ("“{}” is not a date Facetwire understands, so it was left out: write "
                 "date:2020, date:2020-03-15 or date:[2020-03 to 2020-05], or use the From/To filter (from=, to=)")

# The text analyzer drops these words and any token shorter than MIN_WORD_LENGTH (Whoosh's
# StemmingAnalyzer defaults, written out so that every engine's analyzer is declared from them).
STOP_WORDS = (
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in", "is",
    "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we", "when",
    "will", "with", "yet", "you", "your",
)
MIN_WORD_LENGTH = 2


@dataclass
class ParsedQuery:
    text: str
    query: object                 # the engine's query (compile's)
    error: str | None = None      # friendly message when the query could not be used as written
    fallback: bool = False        # True when `query` is the plain-words reading of `text`
    notes: list = field(default_factory=list)   # what was read differently from how it was written
    tree: Node = field(default_factory=Every)   # the syntax tree `query` was compiled from

    @property
    def messages(self):
        """Return the notes and the error, for the warnings shown above the results."""
        return self.notes + ([self.error] if self.error else [])


def parse_query(text, compile, budget=None):
    """Read the user's query; on a syntax problem fall back to its plain words, with a message.

    compile(tree) returns the engine's query, None when the tree has nothing searchable, and
    raises Unreadable when a part of it could not be read.
    Before parsing, a `word:` prefix that names no field (a pasted URL, "Note: ...") becomes a
    plain word, and a `date:` term that is not a date is left out; both with a note.
    With a budget (what every search runs with), tame() also applies its rules on fuzzy words;
    without one the query is read as the language reads it (the parser's parity tests).
    """
    text = (text or "").strip()
    if not text:
        return _everything(text, compile)
    notes = []
    words = drop_bad_dates(unknown_fields_as_words(text, notes), compile, notes)
    if not words.strip():  # only bad dates, all left out
        return _everything(text, compile, notes + ["nothing else to search for — showing all articles"])
    problem = syntax_problem(words)
    if problem is None:
        tamed = []   # notes on fuzzy words: only for a query read as written
        try:
            tree = tame(parse(words), budget, tamed)
            query = compile(tree)
        except (Unreadable, RecursionError) as err:
            problem = f"the query could not be read ({short_error(err)})"
        else:
            if query is not None:
                return ParsedQuery(text, query, notes=notes + tamed, tree=tree)
    return fallback(text, words, compile, problem, notes)


def fallback(text, words, compile, problem, notes=()):
    """Return the plain-words reading of words, with a message that says what was searched."""
    tree = plain_tree(words)
    query = compile(tree)
    if query is None:
        tree, query = Every(), compile(Every())
    if isinstance(tree, Every):
        none = f"no searchable words in “{shown(text)}” — showing all articles"
        message = f"{problem}, and there are {none}" if problem else none
    else:
        message = f"{problem or 'the query has no searchable words'}; searched for the plain words instead"
    return ParsedQuery(text, query, message, fallback=True, notes=list(notes), tree=tree)


def plain_tree(text):
    """Return the tree of all the words of text AND-ed, with every operator, field name and symbol ignored."""
    words = plain_words(text)
    return parse(" ".join(words), fuzzy=False) if words else Every()


def tame(tree, budget=None, notes=None):
    """Return tree with what would make a query very slow clamped: fuzzy edit distance.

    With a budget, a fuzzy word also gets the distance its length allows and the prefix its
    distance needs (QueryBudget.fuzzy_rule); a distance lowered for a short word gets a note.
    """
    said = set()

    def clamp(node):
        if not isinstance(node, Fuzzy):
            return node
        if budget is None:
            return replace(node, maxdist=MAX_FUZZY) if node.maxdist > MAX_FUZZY else node
        dist, prefix = budget.fuzzy_rule(node)
        written = min(node.maxdist, MAX_FUZZY)
        if dist < written and notes is not None and node.text not in said:
            said.add(node.text)
            part = shown(part_text(replace(node, maxdist=written, prefixlength=0)), 40)
            lengths = budget.fuzzy_lengths
            notes.append(EXACT_NOTE.format(part=part, letters=lengths[0]) if dist == 0
                         else ONE_LETTER_NOTE.format(part=part, letters=lengths[1]))
        return replace(node, maxdist=dist, prefixlength=prefix)

    return rebuilt(tree, clamp)


def drop_bad_dates(text, compile, notes):
    """Return text without its `date:` terms that are not dates, with a note for each."""
    def check(m):
        try:
            error = "not a date" if compile(parse(m[0], fuzzy=False)) is None else None
        except (Unreadable, RecursionError) as err:
            error = short_error(err)
        if error is None:
            return m[0]
        notes.append(BAD_DATE_NOTE.format(shown(m[0], 60)))
        return " "

    return DATE_TERM.sub(check, text)


def _everything(text, compile, notes=()):
    return ParsedQuery(text, compile(Every()), notes=list(notes), tree=Every())


def shown(text, limit=60):
    """Return text fit to quote in a message: invisible characters written as escapes, shortened."""
    out = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in text[:limit])
    return out + ("…" if len(text) > limit else "")


def unknown_fields_as_words(text, notes):
    """Return text with every `word:` prefix that names no field turned into the plain word.

    A pasted URL (http://…) is searched as its words without the scheme, silently (a scheme word
    is in no article); other unknown prefixes get a note, as they are likely a mistyped field.
    """
    unknown = []

    def plain(m):
        name = m[1]
        if name in QUERY_FIELDS:
            return m[0]
        if URL_PREFIX.match(text, m.start(1)):
            return " "
        unknown.append(name)
        return name + " "

    out = FIELD_PREFIX.sub(plain, text)
    for name in dict.fromkeys(unknown):
        near = difflib.get_close_matches(name.lower(), QUERY_FIELDS, n=1, cutoff=0.75)
        hint = f"; did you mean “{near[0]}:”?" if near else f" (fields: {', '.join(QUERY_FIELDS)})"
        notes.append(f"there is no field “{shown(name, 40)}”, so “{shown(name, 40)}:” was searched as a word{hint}")
    return out


def syntax_problem(text):
    """Return why text is not a well-formed query, or None."""
    if text.count('"') % 2:
        return "a quotation mark is not closed"
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return "a closing parenthesis has no opening one"
    if depth:
        return "a parenthesis is not closed"
    if text.count("[") != text.count("]") or text.count("{") != text.count("}"):
        return "a range bracket is not closed"
    if re.search(r"(^|\s)(AND|OR|ANDNOT|ANDMAYBE)\s*$|^\s*(AND|OR|ANDNOT|ANDMAYBE)\s|(^|\s)NOT\s*$", text):
        return "an operator (AND, OR, NOT) is missing a term"
    return None


def plain_words(text):
    """Return the words of text with every operator, field name and symbol dropped."""
    text = FIELD_PREFIX.sub(lambda m: " " if m[1] in QUERY_FIELDS else m[0], text)
    return [w for w in re.findall(r"\w+", text) if w not in OPERATORS]


def short_error(err):
    return " ".join(str(err).split())[:120] or type(err).__name__
