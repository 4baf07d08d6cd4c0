"""The gazetteer: names, codes, demonyms, places and datelines map to one canonical country."""
import pytest

from indexer.extract.countries import fold, load_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.mark.parametrize("name, country", [
    ("U.S.", "United States"), ("US", "United States"), ("USA", "United States"),
    ("America", "United States"), ("Britain", "United Kingdom"), ("UK", "United Kingdom"),
    ("Great Britain", "United Kingdom"), ("Russian", "Russia"), ("Serbian", "Serbia"),
    ("the Czech Republic", None), ("Czech Republic", "Czech Republic"), ("Czechia", "Czech Republic"),
    ("Burma", "Myanmar"), ("Holland", "Netherlands"), ("Swaziland", "Eswatini"),
    ("Côte d'Ivoire", "Ivory Coast"), ("Cote d’Ivoire", "Ivory Coast"), ("DRC", "Democratic Republic of the Congo"),
    ("Soviet Union", "Russia"), ("USSR", "Russia"), ("West Germany", "Germany"), ("Yugoslavia", "Serbia"),
    ("Dutch", "Netherlands"), ("Filipino", "Philippines"), ("South Korean", "South Korea"),
    ("North Korea", "North Korea"),
])
def test_country_names(gaz, name, country):
    hit = gaz.name(name)
    assert (hit.country if hit else None) == country


@pytest.mark.parametrize("place, country", [
    ("Moscow", "Russia"), ("Belgrade", "Serbia"), ("California", "United States"),
    ("Scotland", "United Kingdom"), ("Wales", "United Kingdom"), ("Catalonia", "Spain"),
    ("Washington", "United States"), ("Kremlin", "Russia"), ("White House", "United States"),
    ("Magnitogorsk", "Russia"), ("Peking", "China"), ("Kiev", "Ukraine"), ("São Paulo", "Brazil"),
])
def test_places(gaz, place, country):
    assert gaz.lookup(place).country == country


@pytest.mark.parametrize("word", ["English", "Europe", "Africa", "Middle East", "Reading", "Mobile",
                                  "Korea", "Gulf of Mexico", "Victoria"])
def test_not_countries(gaz, word):
    # Languages, continents, regions, seas, common words and ambiguous names map to nothing.
    assert gaz.lookup(word) is None


def test_canonical_forms_are_the_required_ones(gaz):
    required = {"United States", "United Kingdom", "Russia", "South Korea", "North Korea", "Iran", "Syria",
                "Venezuela", "Bolivia", "Tanzania", "Vietnam", "Laos", "Moldova", "Czech Republic", "Taiwan",
                "Palestine", "Kosovo", "Hong Kong", "Macau", "Ivory Coast", "Democratic Republic of the Congo",
                "Republic of the Congo", "Turkey", "Netherlands", "Brunei", "Micronesia", "Cape Verde",
                "Eswatini", "North Macedonia", "Vatican City"}
    assert required <= gaz.canonical
    # one canonical name per country: no two codes share a name
    assert len(set(gaz.names.values())) == len(gaz.names)


@pytest.mark.parametrize("dateline, country", [
    ("SALVADOR, Feb 26", "Brazil"), ("MOSCOW, March 3 -", "Russia"), ("PORTLAND, Ore., Feb 26", "United States"),
    ("ROCHESTER, N.Y., Feb 26", "United States"), ("CALGARY, Alberta, March 2", "Canada"),
    ("PUNTA DEL ESTE, Uruguay, March 2", "Uruguay"), ("HONG KONG, March 2", "Hong Kong"),
    ("BAHRAIN, March 1", "Bahrain"), ("LONDON, 3 March", "United Kingdom"), ("WASHINGTON", "United States"),
    ("", None), (None, None), ("Feb 26", None),
])
def test_dateline(gaz, dateline, country):
    assert gaz.dateline(dateline) == country


def test_fold_ignores_case_accents_and_curly_quotes():
    assert fold("Côte  d’Ivoire") == "cote d'ivoire"


# ---- issue 11: a partial or generic token never names a country on its own ----------------------

@pytest.mark.parametrize("word", ["New", "Central", "South", "North", "Papua", "Sierra", "Sri", "Costa",
                                  "Puerto", "Solomon", "Cape", "Zealander", "Africans"])
def test_single_words_of_multi_word_demonyms_are_no_country(gaz, word):
    # "New" was Papua New Guinea and "Central" the Central African Republic: the split of
    # "Papua New Guinean" / "Central African" left each word as a demonym of its own.
    assert gaz.name(word) is None and gaz.lookup(word) is None


@pytest.mark.parametrize("demonym, country", [
    ("Papua New Guinean", "Papua New Guinea"), ("Central African", "Central African Republic"),
    ("South African", "South Africa"), ("New Zealanders", "New Zealand"), ("Cape Verdean", "Cape Verde"),
    ("Sudanese", "Sudan"), ("South Sudanese", "South Sudan"), ("Guinean", "Guinea"),
])
def test_multi_word_demonyms_still_name_their_country(gaz, demonym, country):
    assert gaz.name(demonym).country == country
