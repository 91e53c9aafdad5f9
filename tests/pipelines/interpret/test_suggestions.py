"""Unmatched terms → rows to paste into raw/vocab/: a synonym of a close entry, else a new entry."""

from pipelines.interpret.suggestions import Unmatched, suggest

OUTCOMES = (
    "id,label,domain,polarity,synonyms\n"
    "any_adverse_event,Any adverse event,safety,lower,Any adverse events\n"
)
COMPOUNDS = (
    "id,name,kind,synonyms,class,parent,target,potency\n"
    "tacrolimus,Tacrolimus,compound,tacrolimus|FK506,calcineurin_inhibitor,,calcineurin,\n"
)


def test_a_close_term_becomes_a_synonym_and_a_far_one_a_new_entry():
    text = suggest(
        [
            Unmatched("outcomes", "Any adverse effects", 3, "any_adverse_event", 85.7),
            Unmatched("outcomes", "Quality of life, DLQI", 1, "any_adverse_event", 40.0),
            Unmatched("compounds", "Tacrolimis", 2, "tacrolimus", 90.0),
            Unmatched("compounds", "Emollient", 1, "tacrolimus", 50.0),
            Unmatched("severities", "Very mild", 1, None, None),
        ],
        {"outcomes": OUTCOMES, "compounds": COMPOUNDS},
    )
    assert text == (
        "# raw/vocab/compounds.csv: 2 unmatched term(s)\n"
        '# "Tacrolimis" (2x; closest tacrolimus at 90): a synonym of tacrolimus; replace its line with\n'
        "tacrolimus,Tacrolimus,compound,tacrolimus|FK506|Tacrolimis,calcineurin_inhibitor,,calcineurin,\n"
        '# "Emollient" (1x; closest tacrolimus at 50): a new entry; append; check kind\n'
        "emollient,Emollient,compound,Emollient,,,,\n"
        "\n"
        "# raw/vocab/outcomes.csv: 2 unmatched term(s)\n"
        '# "Any adverse effects" (3x; closest any_adverse_event at 85.7): a synonym of any_adverse_event; replace its line with\n'
        "any_adverse_event,Any adverse event,safety,lower,Any adverse events|Any adverse effects\n"
        '# "Quality of life, DLQI" (1x; closest any_adverse_event at 40): a new entry; append; check domain and polarity\n'
        'quality_of_life_dlqi,"Quality of life, DLQI",safety,lower,"Quality of life, DLQI"\n'
        "\n"
        "# raw/vocab/severities.csv not found: 1 term(s) left out\n"
    )


CONTROLS = (
    "id,name,kind,synonyms,class,parent,target,potency\n"
    "tacrolimus,Tacrolimus,compound,tacrolimus|FK506,calcineurin_inhibitor,,calcineurin,\n"
    "vehicle,Vehicle,control,vehicle|placebo,,,,\n"
    "ivermectin,Ivermectin,compound,ivermectin,,,,\n"
)


def test_suggestions_append_cleanly_one_term_once_unique_ids_and_kind_from_the_term():
    """What `vocab suggest` printed on the dev set broke the unique-key check when appended: the
    same term in two spacings twice, an id that exists, a kind copied from an unrelated entry."""
    text = suggest(
        [
            Unmatched("compounds", "Delgocitinib   cream", 4, "tacrolimus", 55.2),
            Unmatched("compounds", "delgocitinib cream", 2, "tacrolimus", 55.2),
            Unmatched("compounds", "Vehicle foam", 1, "vehicle", 60.0),
            Unmatched("compounds", "Ivermectin", 1, "tacrolimus", 40.0),
            Unmatched("compounds", "Tacrolimis", 2, "tacrolimus", 90.0),
            Unmatched("compounds", "Tacrolimus ointmnt", 1, "tacrolimus", 80.0),
        ],
        {"compounds": CONTROLS},
    )
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines == [
        "delgocitinib_cream,Delgocitinib cream,compound,Delgocitinib cream,,,,",
        "tacrolimus,Tacrolimus,compound,tacrolimus|FK506|Tacrolimis|Tacrolimus ointmnt,calcineurin_inhibitor,,calcineurin,",
        "ivermectin_2,Ivermectin,compound,Ivermectin,,,,",
        "vehicle_foam,Vehicle foam,control,Vehicle foam,,,,",
    ]
    assert '"Delgocitinib cream" (6x; closest tacrolimus at 55.2)' in text
