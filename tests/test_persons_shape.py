"""Person rules of issue 11 §4, session 4: fictional characters, birth names, places and things the
model labels PERSON, and people it labels ORG (titles inside the span, role nouns, lists, interview
speaker tags, editors' brackets). Small handwritten texts, the real spaCy model."""
import pytest

from indexer.extract.entities import Extractor, ner_text


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def persons(nlp, extractor, title, body):
    return extractor.extract(nlp(ner_text(title, body)), len(title), None).person


def test_fictional_characters_of_a_convention_report_are_no_people(nlp, extractor):
    body = ("Thousands of fans came to the convention on Saturday. Actor Ron Perlman signed autographs.\n\n"
            "Marty McFly from Back to the Future\n\n"
            "Ginny Weasley from the Harry Potter series\n\n"
            "Stephanie Chapman wore a costume based on the character Abe Sapien. \"Abe is my favourite,\" "
            "she said. The actress asked for fake legs at the character Tasha Yar's bridge station.")
    got = persons(nlp, extractor, "Fans flock to the city's comic convention", body)
    assert "Ron Perlman" in got and "Stephanie Chapman" in got
    for character in ("Marty McFly", "Ginny Weasley", "Abe Sapien", "Tasha Yar"):
        assert character not in got


def test_a_caption_of_a_person_from_a_place_stays_a_person(nlp, extractor):
    body = ("The festival opened on Friday with a parade.\n\nMaria Lopez from Toronto\n\n"
            "Maria Lopez said the crowds were bigger than last year.")
    assert "Maria Lopez" in persons(nlp, extractor, "Festival opens", body)


def test_birth_name_is_not_a_second_person(nlp, extractor):
    body = ("Rock drummer Ginger Baker died on Sunday, his family said. Ginger Baker was born Peter Edward "
            "Baker in Lewisham, London, in 1939. Baker played with Eric Clapton in the band Cream.")
    got = persons(nlp, extractor, "Drummer Ginger Baker dies at 80", body)
    assert "Ginger Baker" in got and "Peter Edward Baker" not in got


def test_surname_that_is_a_thing_word_stays_a_person(nlp, extractor):
    body = ("US singer and actor Doris Day died on Monday at her home in California. Doris Day said in 2002 "
            "that she had no regrets. Memorial Day parades were held across the country.")
    got = persons(nlp, extractor, "Actor Doris Day dies at 97", body)
    assert "Doris Day" in got and "Memorial Day" not in got


def test_places_labelled_person_are_no_people(nlp, extractor):
    body = ("A car bomb was rammed into a military base in Maidan Shahr in the centre of Afghanistan's "
            "Maidan Wardak province on Monday. Governor Mohammad Arif Shahjahan said dozens died.")
    got = persons(nlp, extractor, "Car bomb kills dozens at military base in Afghanistan", body)
    assert "Maidan Shahr" not in got and "Maidan Wardak" not in got


def test_a_name_that_starts_a_telescope_or_prison_name_is_no_person(nlp, extractor):
    body = ("Astronomers said NASA's James Webb space telescope could study the planet. Sirhan was held at "
            "the Richard J. Donovan Correctional Facility in San Diego, said Jane Morris of the prison service.")
    got = persons(nlp, extractor, "Astronomers find water on a planet", body)
    assert "James Webb" not in got and "Richard J. Donovan" not in got


def test_people_the_model_labels_org_by_title_role_or_list(nlp, extractor):
    body = ("Newly elected Assemblywoman Selena Torres said it was exciting. Sea-Eye spokesperson Carlotta "
            "Weibl said the ship would sail. Provincial police Detective Constable Daniel Dubé stated the "
            "case was closed. Wikinews caught up with Dr Christian Keysers and Dr Valeria Gazzola, two of "
            "the authors.")
    got = persons(nlp, extractor, "Lawmakers, rescuers and scientists speak", body)
    for name in ("Selena Torres", "Carlotta Weibl", "Daniel Dubé", "Valeria Gazzola"):
        assert name in got, (name, got)


def test_companies_are_not_read_as_people_by_shape(nlp, extractor):
    body = ("Investment bank Morgan Stanley said on Monday it would buy a stake in Dean Witter. Goldman Sachs "
            "and Merrill Lynch declined to comment, said analyst Jane Morris.")
    got = persons(nlp, extractor, "Morgan Stanley buys stake", body)
    for firm in ("Morgan Stanley", "Goldman Sachs", "Merrill Lynch", "Dean Witter"):
        assert firm not in got


def test_interview_speaker_tags_and_editors_brackets_name_people(nlp, extractor):
    body = ("((WN)) What did you find?\n\n((Valeria Gazzola)) The rats helped each other.\n\n"
            "((WN)) Who else worked on it?\n\n((Valeria Gazzola)) Two students: [Augustine Triumph] Attah "
            "did part of the work.")
    got = persons(nlp, extractor, "Neuroscientists tell of empathy in rats", body)
    assert "Valeria Gazzola" in got
    assert "Augustine Triumph Attah" in got
    assert not any("[" in p or "]" in p for p in got)


def test_athletes_of_a_results_list_are_people_whatever_the_model_labels_them(nlp, extractor):
    body = ("Leading results of the men's 100 metres:\n1. Usain Bolt (Jamaica) 9.58 seconds, 2. Tyson Gay "
            "(U.S.) 9.71, 3. Asafa Powell (Jamaica) 9.84. In the tennis, Stan Wawrinka (Switzerland) beat "
            "Dominic Thiem (Austria) 7-5 6-2.")
    got = persons(nlp, extractor, "Athletics and tennis results", body)
    for name in ("Usain Bolt", "Tyson Gay", "Asafa Powell", "Stan Wawrinka", "Dominic Thiem"):
        assert name in got, (name, got)


def test_a_line_up_keeps_its_lone_surnames_and_drops_the_team_label(nlp, extractor):
    body = ("Manchester United: Schmeichel, Neville, Pallister, Irwin, May, Cantona, Beckham, Giggs, Butt, "
            "Keane, Cole.")
    got = persons(nlp, extractor, "Soccer - English league line-ups", body)
    assert not any(":" in p or "United" in p for p in got)
    for name in ("Schmeichel", "Irwin", "Cantona", "Giggs", "Keane"):
        assert name in got, (name, got)


def test_two_given_names_of_a_family_are_no_line_up(nlp, extractor):
    body = ("Gloria Vanderbilt died on Monday in New York. She is survived by her sons Christopher and "
            "Stanislaus, and by Anderson Cooper.")
    got = persons(nlp, extractor, "Gloria Vanderbilt dies at 95", body)
    assert "Gloria Vanderbilt" in got and "Christopher" not in got and "Stanislaus" not in got


def test_people_the_model_labels_org_by_age_relative_apposition_or_letters(nlp, extractor):
    body = ("McArthur's first victim was 40-year-old Skandaraj Navaratnam, a former boyfriend. Police also "
            "named the wife of Valery Tsapkala. The campaign of Viktar Babaryka, who was arrested, goes on. "
            "Rosselló is to be replaced by Wanda Vázquez Garced, the Secretary of Justice. Prosecutor Kama "
            "Melly QC said the victims were failed. Early opponent MP Tanya Davies said the bill moved fast.")
    got = persons(nlp, extractor, "Court and politics round-up", body)
    for name in ("Skandaraj Navaratnam", "Valery Tsapkala", "Viktar Babaryka", "Wanda Vázquez Garced",
                 "Kama Melly", "Tanya Davies"):
        assert name in got, (name, got)


def test_an_apposition_that_names_no_role_makes_no_person(nlp, extractor):
    body = ("Boseman portrayed Black Panther, also known as King T'Challa, in four films. Speaking to Agence "
            "France-Presse, the president of the league said the ban was wrong.")
    got = persons(nlp, extractor, "Tributes paid to actor Chadwick Boseman", body)
    assert "Black Panther" not in got and "Agence France-Presse" not in got
