"""The facet registry: every facet declared once, with what differs between them.

Everything that lists facets derives from FACETS: the engines' schemas and mappings, the
aliases file's sections, the extraction's output, export columns, CLI options, the API and the
explorer's panels. Adding a facet is one line here (plus where its values come from).
"""
from dataclasses import dataclass

SEPARATOR = "\n"          # between the values of a multi-valued facet, where an engine stores them joined
SUBTOPIC_JOIN = " › "     # "economy, business and finance › economic sector"


@dataclass(frozen=True)
class Facet:
    name: str              # field name in every engine, URL parameter, CLI option (--NAME, --not-NAME)
    title: str             # panel heading in the explorer
    help: str              # one line for the CLI's --help
    aliasable: bool        # an aliases file may merge and hide its values ([NAME] section)
    panel: int | None      # position of its panel in the explorer (None: shown inside another panel)
    export: int            # position of its column among the exported facets
    extracted: bool = True  # values come from extraction (False: from the article's metadata)

    @property
    def exclude_param(self):
        return "not_" + self.name


# In canonical URL order (the order of parameters in every URL the explorer builds).
FACETS = (
    Facet("person", "People", "Only articles naming this person (repeat: any of them).",
          aliasable=True, panel=1, export=1),
    Facet("country", "Countries", "Only articles about this country.", aliasable=True, panel=2, export=2),
    Facet("topic", "Topics", "Only articles with this IPTC top-level topic.", aliasable=True, panel=0, export=4),
    Facet("org", "Organisations", "Only articles naming this organisation.", aliasable=True, panel=3, export=3),
    Facet("source", "Sources", "Only articles from this source.", aliasable=False, panel=4, export=0,
          extracted=False),
    Facet("subtopic", "Subtopics", "Only articles with this second-level topic (\"TOPIC › CHILD\").",
          aliasable=False, panel=None, export=5),
)
BY_NAME = {f.name: f for f in FACETS}
NAMES = tuple(f.name for f in FACETS)
PANELS = tuple(sorted((f for f in FACETS if f.panel is not None), key=lambda f: f.panel))
ALIASABLE = tuple(f.name for f in FACETS if f.aliasable)
EXTRACTED = tuple(f.name for f in FACETS if f.extracted)
# Exported as lists, after the article's own fields; source is exported as one joined string.
EXPORTED_LISTS = tuple(f.name for f in sorted(FACETS, key=lambda f: f.export) if f.extracted)


def clean_values(values):
    """Return values with whitespace runs collapsed, empties and repeats dropped, order kept."""
    seen, out = set(), []
    for v in values:
        v = " ".join(str(v).split())
        if v and v not in seen:
            seen.add(v)
            out.append(v)
    return out


def join_values(values):
    """Join facet values for an engine that stores them as one string."""
    return SEPARATOR.join(clean_values(values))


def split_values(stored):
    """Split a joined facet string back into its values, in stored order."""
    return [v for v in (stored or "").split(SEPARATOR) if v]


def subtopic_label(value):
    """Return the child's own label of a "TOPIC › CHILD" value."""
    return value.split(SUBTOPIC_JOIN, 1)[-1]
