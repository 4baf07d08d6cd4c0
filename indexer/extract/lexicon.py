"""Word lists of the person / country / org rules (indexer.entities); lower case where they are matched
against lower-cased words."""

# Leading words that are a title or role, not part of the name ("Foreign Minister Sergei Lavrov").
TITLE_WORDS = set("""
mr mrs ms miss mx dr prof professor sir dame lord lady president vice prime minister ministers premier
chancellor secretary senator sen rep representative congressman congresswoman congressmember gov governor
lt col gen general maj major capt captain sgt sergeant adm admiral cmdr commander officer detective
inspector constable chief superintendent deputy assistant associate judge justice magistrate attorney
lawyer counsel ambassador envoy consul mayor councillor councilman councilwoman alderman speaker leader
chairman chairwoman chair chairperson ceo cfo coo founder director executive manager spokesman
spokeswoman spokesperson king queen prince princess emperor empress sheikh sheik emir crown ayatollah
imam mufti sayyid seyed rabbi reverend rev father fr bishop archbishop cardinal pastor brother sister
saint st coach player striker goalkeeper defender actor actress singer rapper author writer journalist
reporter editor anchor host historian economist scientist researcher analyst doctor nurse mp mep mla
foreign defence defense interior finance health education justice trade economy agriculture energy
transport environment home state treasury labour labor culture emergencies information industry
commerce communications petroleum oil planning development affairs international national chief
former late then acting interim incumbent outgoing new candidate nominee presidential democratic
republican hon honourable honorable excellency his her majesty highness comrade citizen dj mc
mme mlle cde sheriff deputy trooper marshal pilot astronaut cosmonaut dean provost rector principal
guitarist drummer bassist pianist comedian broadcaster presenter photographer artist chef poet
novelist filmmaker producer musician footballer cricketer boxer wrestler grandmaster gm
taoiseach tánaiste tanaiste
det supt insp cllr dci dsupt pte cpl lcpl pfc spc
""".split())
# Words of TITLE_WORDS that describe an office or its holder but are no title of a person on their own:
# at the start of an ORG span they are no sign that a person's name follows ("New Orleans Pelicans",
# "National Health Service").
TITLE_ADJECTIVES = set("""
foreign defence defense interior finance health education justice trade economy agriculture energy
transport environment home state treasury labour labor culture emergencies information industry
commerce communications petroleum oil planning development affairs international national
former late then acting interim incumbent outgoing new candidate nominee presidential democratic
republican hon honourable honorable excellency his her majesty highness citizen
""".split())
# Caption words that web text glues to a name ("Kamala Harris Image").
CAPTION_WORDS = ("Image", "Photo", "Video", "Credit")
# Letters after a name the model takes into an ORG span ("Kama Melly QC").
POST_NOMINALS = {"QC", "KC", "MP", "MEP", "MSP", "OBE", "MBE", "CBE", "KBE", "PhD", "MD", "Esq"}
# Name suffixes the model often leaves out ("Cyrus R. Vance Jr.", "Elizabeth II").
NAME_SUFFIXES = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"}
# Strings the model labels PERSON or ORG that are no person and no org a reader filters by: pronouns,
# gods, the disease, and the news sources a story cites ("told Wikinews", "Reuters reported").
NOT_PERSON_OR_ORG = set("""
i me you he she we they him her us them it his hers its their theirs god allah lord jesus christ
covid covid-19 coronavirus brexit
wikinews wikipedia reuters afp ap politico bloomberg xinhua tass
""".split())
# Companies the model often labels PERSON.
PERSON_LABELLED_ORGS = set("twitter facebook instagram youtube google".split())
# Strings the model labels PERSON that are not people.
NOT_PERSON = NOT_PERSON_OR_ORG | PERSON_LABELLED_ORGS
# An ORG whose last word is one of these is a title, prize or contest, no body ("TNT Championship").
CONTEST_LAST = set("championship championships cup trophy award awards prize medal title belt tournament "
                   "open classic derby".split())
# Programming languages and formats the model labels ORG ("JavaScript"): software, no organisation.
SOFTWARE_WORDS = set("javascript typescript python java perl php ruby rust golang kotlin swift html css sql "
                     "json xml unix".split())
# A capitalised word right after one of these is a company the model may miss ("gas giant Gazprom").
COMPANY_CUES = set("giant firm company maker drugmaker carmaker automaker chipmaker retailer lender insurer "
                   "airline carrier operator conglomerate startup start-up producer distributor monopoly "
                   "broadcaster publisher developer exporter importer".split())
# A name whose last word is one of these is a place, building or thing ("Trafalgar Square").
THING_LAST = set("""
square bay sea parish county falls avenue street st lane boulevard road drive way island islands mall
hospital center centre facility telescope range precinct tribe tribes day express railway railways
olympiad studio studios linux bulletin platform partners award awards prize foundation institute
university college school airport station bridge park church cathedral mosque temple palace stadium
arena hall tower museum gallery library theatre theater hotel building group inc ltd corp company party
times post news magazine journal review show festival war act law river lake mountain valley
hebdo zeitung gazette gazeta gazzetta dziennik diario tageblatt rundschau kurier courier chronicle telegraph
globes awards games cup championship league trophy
base telescope marine therapeutics biotherapeutics pharmaceuticals labs laboratories systems technologies
township society
""".split())
# ... and whose first word is one of these ("Storm Lorenzo", "County Mayo", "Gazeta Prawna").
THING_FIRST = set("county storm typhoon hurricane cyclone mount lake fort port team operation project "
                  "planet asteroid comet camp cape gulf the gazeta gazzetta diario dziennik masjid hagia".split())
# Words that open a sports club's name before its city ("Hertha Berlin", "Dynamo Kyiv", "Real Madrid").
TEAM_WORDS = set("""
fc afc cf ac as ss sc sv vfb vfl tsg bsc fk nk sk hc dynamo dinamo sporting atletico atlético athletic
olympique racing borussia eintracht fortuna werder hertha union real deportivo rapid slavia sparta legia
lokomotiv spartak zenit red
""".split())
# After a name, these make it a work, product, publication, team or event ("the Harry Potter books",
# "the Raspberry Pi computer", "Hertha Berlin striker", "the Charlie Hebdo attack").
WORK_NOUNS = set("""
book books novel novels series film films movie movies franchise saga trilogy character characters musical
album song songs episode episodes game games toy toys brand computer computers device devices console
rules regulations framework standards accord ceremony awards magazine newspaper weekly journal website
club squad striker midfielder defender goalkeeper winger stadium attack attacks shooting cartoons
costume costumes cosplay cosplays cosplayer
""".split())
# Last words of THING_LAST that are common surnames too ("Doris Day", "Russell Church", "Stuart Hall"):
# after a first word that is no English word or place, the name is a person's.
SURNAME_THING_LAST = set("day hall church law".split())
# Before a name, these make it a fictional character, not a person of the news: "the character Tasha
# Yar", "dressed as Charizard" (one word, or two: "dressed as"). Not "portrayed": biopics portray
# real people ("Boseman portrayed James Brown").
CHARACTER_CUES = set("character characters".split())
CHARACTER_CUES_2 = {("dressed", "as"), ("dressing", "as"), ("cosplay", "as"), ("cosplaying", "as"),
                    ("cosplayed", "as"), ("costume", "of"), ("character", "of"), ("role", "of"), ("cosplay", "of")}
# Before a name, a birth name of the article's person ("Ginger Baker was born Peter Edward Baker").
BIRTH_NAME_CUES = set("born née nee".split())
# Honorifics that make a following given name and surname a person whatever the model labels the span
# ("Dr Valeria Gazzola" labelled ORG).
HONORIFICS = set("mr mrs ms miss mx dr prof professor sir dame".split())
# Lower-case role nouns that, right before a name the model labelled ORG, make it a person's ("Sea-Eye
# spokesperson Carlotta Weibl", "archbishop Wojciech Polak"); TITLE_WORDS count too.
ROLE_NOUNS = set("""
prosecutor member entrepreneur activist preacher star assemblywoman assemblyman adviser advisor advisors
advisers official commissioner campaigner organiser organizer volunteer resident witness victim survivor
teacher student professor engineer designer
""".split())
# Before a name, prepositions of place ("a block of flats in La Llagosta", "near Samos").
PLACE_PREPOSITIONS = set("in near at into outside".split())
# After a name, these make it a speaker: such a name is a person whatever else follows it elsewhere.
SPEECH_VERBS = set("said says told added wrote explained asked announced replied stated argued claimed noted "
                   "tweeted admitted insisted".split())
# Lower-case words that belong inside a name ("Rocky de la Fuente", "Mohammed bin Salman"); any other
# lower-case word means the span is no name ("Si el Senado").
NAME_PARTICLES = set("de da di del della der den des du la le van von bin ibn bint al ben abu y e dos das do "
                     "ter ten zu af av st arap dela".split())
# Prefixes after which a capital inside a word is normal ("McCain", "DeSantis"); elsewhere an inner capital
# marks a brand ("SpaceX", "UpGuard", "EastMed").
INNER_CAPITAL_PREFIXES = ("Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von", "Fitz", "St", "O'", "D'")
# A lone name right after one of these is a storm, a god, a ship or a place, not a person ("Hurricane
# Humberto", "the god Thoth", "Mount Everest").
THING_BEFORE = (THING_FIRST - {"the", "team", "operation", "project"}) | set(
    "god goddess deity ship vessel tanker ferry yacht rocket spacecraft probe rover volcano suburb village".split())
# A lone name right before one of these names a place or a thing ("Waterloo station", "EastMed pipeline").
PLACE_AFTER = set("""
station airport pipeline bridge river island islands street road avenue square park stadium harbour harbor
port coast valley lake beach peninsula suburb village town district province region temple mosque church
cathedral palace museum campus hospital prison mine
""".split())
# Sentence-opening words of a question that the model glues to a name ("Will Red Hat employees ...?").
QUESTION_OPENERS = set("will would can could should shall may might must do does did is are was were has have "
                       "had why how what when where who which".split())
# "his wife Mary": a given name alone after these is not a facet value.
FAMILY_WORDS = set("""
wife husband son daughter brother sister mother father mom mum dad uncle aunt nephew niece cousin
grandson granddaughter grandmother grandfather boyfriend girlfriend fiance fiancee partner widow
widower stepson stepdaughter baby child
""".split())
# Country names that are also given names or surnames ("Jordan", "Chad").
NAME_LIKE_COUNTRIES = set("jordan chad georgia israel india kenya sudan niger guinea france china "
                          "america dominica oman cuba peru".split())
# Country names too often common words or names to take when the model did not label them.
AMBIGUOUS_COUNTRY_WORDS = set("turkey chad jordan georgia niger guinea jersey dominica china chile "
                              "israel soviet soviets america emirates".split())
# After a demonym, these mean a language, cuisine, currency or product, not the country.
DEMONYM_NEXT_STOP = set("""
language languages speaker speakers speaking translation translations version subtitles dub dubbed
word words name names dialect accent alphabet script grammar literature proficiency lessons
food cuisine dish dishes restaurant restaurants pub cooking recipe cheese toast fries wine
flu cartoon style-ish
dollar dollars pound pounds yuan yen rupee rupees peso pesos franc francs lira lari ruble rubles rouble
roubles won dinar dinars rial riyal krona krone euro mark marks
""".split())
# After a country name and a hyphen, a manner or a period, not the country ("Soviet-style", "Soviet-era").
STYLE_WORDS = set("style styled like type era esque inspired themed".split())
# Languages that are no demonym of a country.
LANGUAGES = set("English Arabic Latin Hindi Mandarin Cantonese Esperanto Swahili Urdu Tagalog Hebrew "
                "Persian Farsi Catalan Basque Yiddish Sanskrit Bengali Punjabi Tamil Kurdish Berber".split())
# Before a demonym: "in Russian", "speak French", "ethnic Albanian".
DEMONYM_PREV_STOP = set("in into speak speaks spoke speaking spoken from ethnic ethnically "
                        "fluent learn learning teach teaching translated".split())
# A country name right before these is a sea or gulf ("South China Sea"), or after "Gulf of".
WATER_WORDS = set("sea ocean gulf bay strait straits channel lake river".split())
# Words that mark a national public body ("U.S. Congress", "Chinese Academy of Sciences").
PUBLIC_BODY_WORDS = set("""
congress senate house department ministry army navy air force forces military marines government
parliament court supreme academy institute agency bureau commission committee council survey
embassy consulate administration cabinet treasury police guard coast patrol office service
""".split())
# Words that mark a company, university or media name ("Air India Express", "University College London").
COMPANY_WORDS = set("""
university college school inc corp corporation co ltd limited plc llc group holdings airlines airways
express times news post press herald tribune journal broadcasting radio tv television network channel
hospital motors bank telecom petroleum energy foundation club fc united airport railways rail
bancorp bancorporation cos spa ag gmbh nv bv ab asa oy kk
""".split())
# Where the US state is meant unless these appear.
GEORGIA_CUES = ("Tbilisi", "Georgian", "Abkhazia", "South Ossetia", "Caucasus", "Saakashvili")
# Well-known short forms joined to one value.
ORG_SHORT_FORMS = {
    "UN": "United Nations", "U.N.": "United Nations", "EU": "European Union", "E.U.": "European Union",
    "Nato": "NATO", "North Atlantic Treaty Organization": "NATO", "North Atlantic Treaty Organisation": "NATO",
    "WHO": "World Health Organization", "World Health Organisation": "World Health Organization",
    "IMF": "International Monetary Fund", "Organization of Petroleum Exporting Countries": "OPEC",
    "Organisation of Petroleum Exporting Countries": "OPEC", "UN Security Council": "United Nations Security Council",
    "U.N. Security Council": "United Nations Security Council", "Security Council": "United Nations Security Council",
    "EC": "European Community", "EEC": "European Economic Community",
    "GATT": "General Agreement on Tariffs and Trade", "Fed": "Federal Reserve",
}
# One of these alone is no org a reader would filter by ("the House", "the Court", "Secretary of State"):
# which house or court only a longer name says.
GENERIC_ORG_NOUNS = set("""
state states house court courts university college school party commission council committee board
cabinet assembly chamber ministry department agency bureau office administration government army navy
police military command interior commerce defence defense intelligence justice representatives church
cathedral bishop radio federation authority tribunal legislature city county district company corporation
group team club union
""".split())
# An ORG name ending in one of these is a document, not a body ("United States Constitution").
DOCUMENT_WORDS = set("constitution act bill law treaty accord agreement amendment charter declaration statute "
                     "protocol".split())
# Time zones the model takes for orgs ("7:49 a.m. UTC").
TIME_ZONES = set("""
utc gmt est edt cst cdt mst mdt pst pdt akst akdt hst bst cet cest eet eest wet ist jst kst aest aedt acst
acdt awst nzst nzdt msk sgt hkt pht wib
""".split())
# Function words that end a span the model cut too late ("Center for Biological Diversity and").
TRAILING_FUNCTION_WORDS = set("of and or as the for in on at to with by from".split())
# Stripped from both ends of an entity's text (and of a person name left after its title).
EDGE_PUNCT = " \t\n\"'“”‘’`«»()[]{}<>,;:!?*|/\\-–—_"
