"""The extractor on the real spaCy pipeline: people, countries and orgs with their mentions."""
from pathlib import Path

import pytest

from indexer.aliases import Aliases
from indexer.entities import Entities, Extractor, Mention

SEED = Path(__file__).resolve().parent / "fixtures" / "seed" / "000_0460e67650089926.txt"


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def run(nlp, extractor, title, body, dateline=None):
    return extractor.extract(nlp(title + "\n\n" + body), len(title), dateline)


def seed_article():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    title = lines[2]
    start = next(i for i, l in enumerate(lines) if l.startswith("( AFP ) -"))
    end = next(i for i, l in enumerate(lines) if i > start and l.strip() == "Latest")
    return title, "\n".join(lines[start:end]).strip()


def test_seed_article(nlp, extractor):
    title, body = seed_article()
    ents = run(nlp, extractor, title, body)
    assert isinstance(ents, Entities)
    assert {"Sergei Lavrov", "Vladimir Putin", "Alexander Litvinenko", "Andrei Lugovoi", "Boris Berezovsky",
            "Akhmed Zakayev"} <= set(ents.person)
    assert {"Russia", "Kosovo", "United States", "Czech Republic", "Poland", "Iran", "North Korea",
            "United Kingdom", "Serbia"} <= set(ents.country)
    # short forms joined their full names, and no title or possessive is left in a value
    assert not {"Lavrov", "Putin", "Litvinenko", "Lugovoi", "Foreign Minister Sergei Lavrov"} & set(ents.person)
    # "ethnic-Albanian" is an ethnicity, not Albania; "Europe" is no country
    assert "Albania" not in ents.country and "Europe" not in ents.country
    # Russia is the most mentioned country; Lavrov the most mentioned person
    assert ents.country[0] == "Russia" and ents.person[0] == "Sergei Lavrov"


def test_seed_mentions_point_at_their_text(nlp, extractor):
    title, body = seed_article()
    ents = run(nlp, extractor, title, body)
    assert all(isinstance(m, Mention) for m in ents.mentions)
    text = {"title": title, "body": body}
    surface = {(m.facet, m.value, text[m.field][m.start:m.end]) for m in ents.mentions}
    assert ("person", "Sergei Lavrov", "Lavrov") in surface           # the short form, counted as the full name
    assert ("country", "Russia", "Moscow") in surface
    assert ("country", "Kosovo", "Kosovo") in surface
    assert ("country", "United States", "US") in surface
    assert any(m.field == "title" and m.value == "Russia" for m in ents.mentions)
    for m in ents.mentions:
        assert m.field in ("title", "body") and 0 <= m.start < m.end <= len(text[m.field])
        assert text[m.field][m.start:m.end].strip() == text[m.field][m.start:m.end]
    # every value has a mention, every mention a value
    assert {m.value for m in ents.mentions if m.facet == "person"} == set(ents.person)


def test_titles_and_possessives_are_stripped(nlp, extractor):
    ents = run(nlp, extractor, "Talks resume",
               "Prime Minister Boris Johnson met Dr. Anthony Fauci on Monday. Johnson's aides said the "
               "meeting went well, and Fauci agreed.")
    assert "Boris Johnson" in ents.person and "Anthony Fauci" in ents.person
    assert not [p for p in ents.person if p.startswith(("Prime", "Dr", "Johnson'"))]


def test_two_people_with_one_surname_stay_apart(nlp, extractor):
    ents = run(nlp, extractor, "Clintons campaign",
               "Bill Clinton spoke in Ohio. Later Hillary Clinton spoke in Iowa, where Clinton said she "
               "would win.")
    assert {"Bill Clinton", "Hillary Clinton"} <= set(ents.person)
    assert "Clinton" not in ents.person


def test_languages_are_not_countries(nlp, extractor):
    ents = run(nlp, extractor, "Book prize",
               "The novel was translated from Spanish into English and German by a team in Canada.")
    assert ents.country == ["Canada"]


def test_demonym_of_a_government_counts(nlp, extractor):
    ents = run(nlp, extractor, "Talks", "Russian officials met the British ambassador on Tuesday.")
    assert {"Russia", "United Kingdom"} <= set(ents.country)


def test_country_inside_a_company_or_university_name_does_not_count(nlp, extractor):
    ents = run(nlp, extractor, "Flight lands",
               "A researcher at University College London said the Air India Express flight landed safely.")
    assert "United Kingdom" not in ents.country and "India" not in ents.country


def test_national_public_body_counts(nlp, extractor):
    ents = run(nlp, extractor, "Vote", "The U.S. Congress passed the bill on Friday.")
    assert "United States" in ents.country


def test_seas_do_not_count(nlp, extractor):
    ents = run(nlp, extractor, "Storm", "The storm moved across the Gulf of Mexico toward Louisiana.")
    assert "Mexico" not in ents.country and "United States" in ents.country


def test_org_short_forms_and_defined_acronyms_join(nlp, extractor):
    ents = run(nlp, extractor, "Inquiry",
               "The Federal Security Service (FSB) said the blast was an accident. The FSB later met "
               "officials of the United Nations. A UN spokesman declined to comment.")
    assert "Federal Security Service" in ents.org and "FSB" not in ents.org
    assert "United Nations" in ents.org and "UN" not in ents.org
    assert not [o for o in ents.org if o.lower().startswith("the ")]


def test_reuters_caps_title_and_dateline(nlp, extractor):
    title = "REAGAN SAYS JAPAN MUST OPEN MARKETS"
    body = ("President Reagan said on Thursday that Japan must open its markets to American goods.\n"
            "    Reagan told reporters the trade deficit was too large.")
    ents = run(nlp, extractor, title, body, dateline="WASHINGTON, March 26")
    assert "Reagan" in ents.person
    assert {"Japan", "United States"} <= set(ents.country)
    # the ALL-CAPS title yields no junk values of its own
    assert not [p for p in ents.person if p.isupper()]
    assert all(m.field == "body" or title[m.start:m.end].upper() == title[m.start:m.end] for m in ents.mentions)


def test_dateline_is_evidence_without_mentions(nlp, extractor):
    ents = run(nlp, extractor, "Cocoa review", "Showers continued throughout the week in the cocoa zone.",
               dateline="SALVADOR, Feb 26")
    assert ents.country == ["Brazil"]
    assert not ents.mentions


def test_values_ordered_by_mentions_then_first_use(nlp, extractor):
    ents = run(nlp, extractor, "Summit",
               "France hosted the summit. Germany sent a delegation. Germany and Italy signed; Germany "
               "paid.")
    assert ents.country[:3] == ["Germany", "France", "Italy"]


def test_aliases_are_applied_to_values_and_mentions(nlp, tmp_path):
    path = tmp_path / "aliases.toml"
    path.write_text('[person.merge]\n"Sergei V. Lavrov" = ["Sergei Lavrov"]\n[country]\nhide = ["Kosovo"]\n',
                    encoding="utf-8")
    ex = Extractor(Aliases.load(path))
    title, body = seed_article()
    ents = ex.extract(nlp(title + "\n\n" + body), len(title))
    assert "Sergei V. Lavrov" in ents.person and "Sergei Lavrov" not in ents.person
    assert "Kosovo" not in ents.country
    assert not [m for m in ents.mentions if m.value in ("Kosovo", "Sergei Lavrov")]


def test_empty_article(nlp, extractor):
    ents = run(nlp, extractor, "", "")
    assert ents == Entities([], [], [], [])
