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
