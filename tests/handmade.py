"""The handmade articles: facet values set exactly, so every expected answer is plain Python.

Used by the Whoosh engine's own tests (test_search, test_facets, test_export) and by the contract
suite every engine passes (tests/contract/).
"""
import re
from datetime import datetime

from indexer.document import Document

ARTICLES = [
    dict(id="a01", title="Harbour strike halts shipping", body="Dock workers in the harbour went on strike. Shipping stopped.",
         date=datetime(2020, 1, 5, 9), person=["Ana Lopez"], country=["Spain"], org=["Dockers Union"],
         topic=["economy, business and finance"], subtopic=["economy, business and finance › employment"], source="Wire A"),
    dict(id="a02", title="Election campaign opens", body="The election campaign opened with a rally. Voters gathered in the square.",
         date=datetime(2020, 2, 10), person=["Joe Biden", "Kamala Harris"], country=["United States"], org=["Democratic Party"],
         topic=["politics and government"], subtopic=["politics and government › election"], source="Wire B"),
    dict(id="a03", title="Museum reopens after flood", body="The museum reopened. Arts and culture return to the harbour district.",
         date=datetime(2020, 2, 28), person=["Ana Lopez"], country=["Spain", "France"], org=[],
         topic=["arts, culture, entertainment and media", "disaster, accident and emergency incident"],
         subtopic=["arts, culture, entertainment and media › museum", "disaster, accident and emergency incident › flood"],
         source="Wire A"),
    dict(id="a04", title="Election results contested", body="Results of the election were contested in court by the campaign.",
         date=datetime(2020, 3, 3), person=["Joe Biden", "Donald Trump"], country=["United States"], org=["Supreme Court"],
         topic=["politics and government", "crime, law and justice"],
         subtopic=["politics and government › election", "crime, law and justice › judiciary"], source="Wire B"),
    dict(id="a05", title="Flood warning for coastal towns", body="A flood warning was issued; the harbour wall is being raised.",
         date=datetime(2020, 3, 15), person=[], country=["France"], org=["Met Office"],
         topic=["disaster, accident and emergency incident", "weather"],
         subtopic=["disaster, accident and emergency incident › flood"], source="Wire C"),
    dict(id="a06", title="Strike ends with pay deal", body="The strike ended after the union accepted a pay deal from the port.",
         date=datetime(2020, 4, 1), person=["Ana Lopez", "Jean Martin"], country=["Spain"], org=["Dockers Union"],
         topic=["economy, business and finance"], subtopic=["economy, business and finance › employment"], source="Wire A"),
    dict(id="a07", title="Vaccine trial begins", body="A vaccine trial began with volunteers. Scientists are hopeful about vaccination.",
         date=datetime(2020, 5, 20), person=["Jean Martin"], country=["France", "United Kingdom"], org=["World Health Organization"],
         topic=["health", "science and technology"], subtopic=["health › disease"], source="Wire C"),
    dict(id="a08", title="Court rules on election", body="The court ruled on the election challenge; the campaign will appeal.",
         date=datetime(2020, 6, 2), person=["Donald Trump"], country=["United States"], org=["Supreme Court"],
         topic=["crime, law and justice", "politics and government"],
         subtopic=["crime, law and justice › judiciary"], source="Wire B"),
    dict(id="a09", title="Undated note on vaccination", body="Vaccination rates rose, officials said.",
         date=None, person=["Kamala Harris"], country=["United States"], org=["World Health Organization"],
         topic=["health"], subtopic=[], source="Wire C"),
    dict(id="a10", title="Harbour festival draws crowds", body="Crowds filled the harbour for the arts festival.",
         date=datetime(2020, 6, 30, 23, 59), person=[], country=["Spain"], org=[],
         topic=["arts, culture, entertainment and media"], subtopic=["arts, culture, entertainment and media › festival"],
         source="Wire A"),
    dict(id="a11", title="Election debate <b>heated</b> & loud", body="Candidates debated the election; the campaign grew heated.",
         date=datetime(2020, 7, 7), person=["Joe Biden", "Donald Trump"], country=["United States"], org=["Democratic Party"],
         topic=["politics and government"], subtopic=["politics and government › election"], source="Wire B"),
    dict(id="a12", title="Storm damages harbour", body="A storm damaged boats in the harbour and flooded the quay.",
         date=datetime(2021, 1, 9), person=["Ana Lopez"], country=["Spain"], org=["Met Office"],
         topic=["weather", "disaster, accident and emergency incident"], subtopic=["weather › storm"], source="Wire C"),
]
FACET_NAMES = ("person", "country", "org", "topic", "subtopic", "source")


def values_of(article, name):
    value = article[name]
    return [value] if isinstance(value, str) else list(value)


def words(article):
    return set(re.findall(r"\w+", (article["title"] + " " + article["body"]).lower()))


def expected_ids(q_words=(), filters=None, excludes=None):
    out = []
    for a in ARTICLES:
        w = words(a)
        if not all(any(x.startswith(q) for x in w) for q in q_words):
            continue
        if any(not set(vals) & set(values_of(a, f)) for f, vals in (filters or {}).items()):
            continue
        if any(set(vals) & set(values_of(a, f)) for f, vals in (excludes or {}).items()):
            continue
        out.append(a["id"])
    return out


def documents(articles=ARTICLES):
    """Return the articles as the Documents an indexing run would write."""
    return [Document(id=a["id"], chash=f"hash-{a['id']}", title=a["title"], body=a["body"], date=a["date"],
                     date_iso=a["date"].isoformat() if a["date"] else "", source=values_of(a, "source"),
                     person=list(a["person"]), country=list(a["country"]), org=list(a["org"]),
                     topic=list(a["topic"]), subtopic=list(a["subtopic"]), url=f"https://example.org/{a['id']}")
            for a in articles]


def load(engine, articles=ARTICLES, batches=1):
    """Write articles through the contract's Writer as a first build, in `batches` commits."""
    docs = documents(articles)
    size = -(-len(docs) // batches)
    with engine.writer(fresh=True) as writer:
        for start in range(0, len(docs), size):
            writer.put(docs[start:start + size])
            writer.commit()
        writer.publish()
    return engine
