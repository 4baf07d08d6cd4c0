"""Hand-made near-duplicates: one wire story in three versions, a second in two, and stories that are not copies."""
import re
from datetime import datetime

STORY = ("The central bank of Norland raised its main interest rate by half a point on Tuesday, the third "
         "increase this year, saying inflation had stayed well above its target for too long. Governor Mira "
         "Holt told reporters the bank was ready to act again if prices kept rising, and that wages in the "
         "building trade had grown faster than at any time since the crisis. Markets had expected a smaller "
         "move, and the currency rose sharply against the euro after the decision was announced.")
# Republished: a new opening word, a corrected figure, one sentence added at the end.
STORY_V2 = STORY.replace("The central bank", "Norland's central bank").replace("third", "fourth")
STORY_V3 = STORY + " Economists said the bank would probably pause in the spring."
OTHER = ("Governor Mira Holt of the central bank of Norland said on Friday that interest rates would stay "
         "where they are until the summer, because inflation is falling faster than the bank had forecast. "
         "Shops reported the first rise in sales for a year and builders said orders were picking up again, "
         "while the currency was steady against the euro in quiet trading before the weekend holiday.")
FLOOD = ("Heavy rain flooded the old town of Vell overnight, closing the main bridge and the railway station "
         "and forcing hundreds of families to leave their homes. Firefighters used boats to reach people "
         "trapped on upper floors, and the mayor asked residents of the low streets to stay away until the "
         "water had gone down. Forecasters expect more rain in the hills on Thursday.")
FLOOD_V2 = FLOOD.replace("hundreds of families", "about 300 families")   # one edit

ARTICLES = [
    dict(id="d2", title="Norland raises rates again", body=STORY_V2, date=datetime(2021, 3, 3, 12)),
    dict(id="d1", title="Norland raises rates", body=STORY, date=datetime(2021, 3, 2, 9)),
    dict(id="d3", title="Norland bank raises rates (update)", body=STORY_V3, date=datetime(2021, 3, 4)),
    dict(id="o1", title="Norland holds rates", body=OTHER, date=datetime(2021, 3, 5)),
    dict(id="f2", title="Vell floods", body=FLOOD_V2, date=None),
    dict(id="f1", title="Floods in Vell", body=FLOOD, date=datetime(2021, 2, 1)),
    dict(id="s1", title="Short note", body="Rates rose.", date=datetime(2021, 3, 6)),
    dict(id="s2", title="Short note again", body="Rates rose.", date=datetime(2021, 3, 7)),
]
# By construction (checked in plain Python by the tests): earliest member's id; "" alone.
GROUPS = {"d1": "d1", "d2": "d1", "d3": "d1", "f1": "f1", "f2": "f1", "o1": "", "s1": "", "s2": ""}


def shingle_set(text, n=5):
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def jaccard(a, b):
    a, b = shingle_set(a), shingle_set(b)
    return len(a & b) / len(a | b)


def documents(articles=ARTICLES):
    from indexer.document import Document
    return [Document(id=a["id"], chash=f"hash-{a['id']}", title=a["title"], body=a["body"], date=a["date"],
                     date_iso=a["date"].isoformat() if a["date"] else "", source=["Wire D"],
                     person=["Mira Holt"] if "Holt" in a["body"] else [], country=["Norland"])
            for a in articles]
