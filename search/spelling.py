"""British and American spellings, folded into one form so either finds both.

Used twice, from this one list: by the public index's analyzers (index and query time, so
"organised" in an article and "organized" in a query meet) and by the query reader
(search/understanding.py), which compares a reader's words with the alias dictionary.

Regular families are rules (-ise/-ize, -yse/-yze and their derivatives); the rest are pairs whose
inflections are generated here. Every word folds to its American form. A word is only listed when
its other spelling means the same thing ("storey"/"story", "draught"/"draft" and "cheque"/"check"
are left out on purpose: folding them would merge different words).
"""

import re

# -our/-or: base forms; the suffixes below are added to both.
_OUR = ["arbour", "ardour", "armour", "behaviour", "candour", "clamour", "colour", "demeanour", "endeavour",
        "favour", "flavour", "glamour", "harbour", "honour", "humour", "labour", "neighbour", "odour", "parlour",
        "rancour", "rigour", "rumour", "saviour", "savour", "splendour", "tumour", "valour", "vapour", "vigour"]
_OUR_SUFFIXES = ["", "s", "ed", "ing", "er", "ers", "ful", "fully", "able", "ably", "ite", "ites", "hood", "hoods",
                 "al", "ally", "less", "ism", "ist", "ists", "y", "ly"]

# -re/-er.
_RE = ["calibre", "centre", "fibre", "goitre", "litre", "lustre", "meagre", "metre", "mitre", "ochre",
       "reconnoitre", "sabre", "sceptre", "sepulchre", "sombre", "spectre", "theatre", "kilometre", "centimetre",
       "millimetre", "epicentre"]
_RE_SUFFIXES = {"": "", "s": "s", "d": "ed", "ing": "ing"}

# Doubled l before a suffix in British English (travelled / traveled).
_LL = ["travel", "cancel", "label", "model", "fuel", "signal", "total", "counsel", "level", "channel", "marshal",
       "dial", "duel", "equal", "funnel", "gravel", "jewel", "libel", "marvel", "panel", "pedal", "quarrel", "refuel",
       "revel", "rival", "shovel", "snorkel", "spiral", "swivel", "tunnel", "yodel"]
_LL_SUFFIXES = [("led", "ed"), ("ling", "ing"), ("ler", "er"), ("lers", "ers"), ("lor", "or"), ("lors", "ors")]

# Everything else, with plurals and verb forms written out.
PAIRS = {
    # -ence / -ense
    "defence": "defense", "defences": "defenses", "offence": "offense", "offences": "offenses",
    "licence": "license", "licences": "licenses", "pretence": "pretense", "pretences": "pretenses",
    # -ae- / -oe-
    "paediatric": "pediatric", "paediatrics": "pediatrics", "paediatrician": "pediatrician",
    "paediatricians": "pediatricians", "anaemia": "anemia", "anaemic": "anemic", "anaesthetic": "anesthetic",
    "anaesthetics": "anesthetics", "anaesthetist": "anesthetist", "anaesthesia": "anesthesia",
    "haemorrhage": "hemorrhage", "haemophilia": "hemophilia", "haemoglobin": "hemoglobin",
    "leukaemia": "leukemia", "oestrogen": "estrogen", "oesophagus": "esophagus", "diarrhoea": "diarrhea",
    "foetus": "fetus", "foetal": "fetal", "orthopaedic": "orthopedic", "orthopaedics": "orthopedics",
    "encyclopaedia": "encyclopedia", "mediaeval": "medieval", "gynaecology": "gynecology",
    "gynaecologist": "gynecologist", "oedema": "edema", "coeliac": "celiac", "caesarean": "cesarean",
    "manoeuvre": "maneuver", "manoeuvres": "maneuvers", "manoeuvred": "maneuvered", "manoeuvring": "maneuvering",
    # -ll / -l
    "enrol": "enroll", "enrols": "enrolls", "enrolment": "enrollment", "enrolments": "enrollments",
    "fulfil": "fulfill", "fulfils": "fulfills", "fulfilment": "fulfillment", "instalment": "installment",
    "instalments": "installments", "skilful": "skillful", "skilfully": "skillfully", "wilful": "willful",
    "wilfully": "willfully", "distil": "distill", "distils": "distills", "jewellery": "jewelry", "woollen": "woolen",
    "woollens": "woolens", "counsellor": "counselor", "counsellors": "counselors",
    # -ogue / -og (only where American usage really drops the ending)
    "catalogue": "catalog", "catalogues": "catalogs", "catalogued": "cataloged", "cataloguing": "cataloging",
    "analogue": "analog", "analogues": "analogs",
    # -mme / -m
    "programme": "program", "programmes": "programs", "programmed": "programmed",
    # single words
    "aluminium": "aluminum", "grey": "gray", "greys": "grays", "greying": "graying", "tyre": "tire", "tyres": "tires",
    "kerb": "curb", "kerbs": "curbs", "sceptic": "skeptic", "sceptics": "skeptics", "sceptical": "skeptical",
    "scepticism": "skepticism", "mould": "mold", "moulds": "molds", "mouldy": "moldy", "plough": "plow",
    "ploughs": "plows", "ploughed": "plowed", "smoulder": "smolder", "smouldering": "smoldering",
    "moult": "molt", "ageing": "aging", "judgement": "judgment", "judgements": "judgments",
    "acknowledgement": "acknowledgment", "pyjamas": "pajamas", "moustache": "mustache", "cosy": "cozy",
    "sulphur": "sulfur", "sulphate": "sulfate", "doughnut": "donut", "doughnuts": "donuts", "yoghurt": "yogurt",
    "practise": "practice", "practised": "practiced", "practises": "practices", "practising": "practicing",
    "aeroplane": "airplane", "aeroplanes": "airplanes", "gaol": "jail",
    "gaols": "jails", "speciality": "specialty", "specialities": "specialties", "artefact": "artifact",
    "artefacts": "artifacts", "omelette": "omelet", "omelettes": "omelets",
    "learnt": "learned", "spelt": "spelled", "dreamt": "dreamed", "burnt": "burned",
}


def _generated():
    pairs = {}
    for word in _OUR:
        stem, american = word, word[:-2] + "r"  # colour -> color
        for suffix in _OUR_SUFFIXES:
            pairs[stem + suffix] = american + suffix
    pairs["honourable"], pairs["honourably"] = "honorable", "honorably"
    for word in _RE:
        stem, american = word[:-2], word[:-2] + "er"  # centre -> center
        for british, us in _RE_SUFFIXES.items():
            pairs[stem + "re" + british] = american + us
    for word in _LL:
        for british, us in _LL_SUFFIXES:
            pairs[word + british] = word + us
    pairs.update(PAIRS)
    return {british: american for british, american in pairs.items() if british != american}


BRITISH_TO_AMERICAN = _generated()

# -ise/-ize, -isation/-ization and -yse/-yze, for any word long enough that the rule cannot merge two
# different words (three letters at least before the ending: "prise" and "rise" are left alone).
# Both sides of a match are folded the same way, so a word that has no -ize form ("promise" ->
# "promize") is only ever compared with itself.
ISE_PATTERN = r"^(\p{L}{3,})is(e|es|ed|ing|er|ers|ation|ations|ational)$"
ISE_REPLACEMENT = "$1iz$2"
YSE_PATTERN = r"^(\p{L}{2,}l)ys(e|es|ed|ing|er|ers)$"  # analyse, paralyse, catalyse
YSE_REPLACEMENT = "$1yz$2"

_ISE = re.compile(r"^(\w{3,})is(e|es|ed|ing|er|ers|ation|ations|ational)$")
_YSE = re.compile(r"^(\w{2,}l)ys(e|es|ed|ing|er|ers)$")


def american(word):
    """The folded (American) spelling of one lower-case word: the same rules the index applies."""
    word = BRITISH_TO_AMERICAN.get(word, word)
    word = _ISE.sub(r"\1iz\2", word)
    return _YSE.sub(r"\1yz\2", word)


def synonym_rules():
    """The pairs as rules for OpenSearch's `synonym` token filter (one word to one word)."""
    return [f"{british} => {us}" for british, us in sorted(BRITISH_TO_AMERICAN.items())]
