"""Direction read from the sentence: one table row in, the findings' directions out."""

import pytest

from pipelines.interpret.normalize import normalize_guide
from pipelines.read.guide import parse_guide
from tests.pipelines.test_validate import pulled_file


def findings(tmp_path, vocab, outcome: str, comparison: str, result: str) -> list[dict]:
    guide = tmp_path / "guide.txt"
    guide.write_text(
        "# A guide\n\nTable 1: Trials in atopic dermatitis\n\n"
        f"Outcome\tComparison\tResult\tGrade\n{outcome}\t{comparison}\t{result}\tLow\n",
        encoding="utf-8",
    )
    rows = normalize_guide(pulled_file(guide), parse_guide(guide.read_bytes()), vocab)
    return rows["core.findings"]


@pytest.mark.parametrize(
    ("outcome", "comparison", "result", "expected"),
    [
        # the first treatment a clause names is its subject, whichever arm that is
        ("IGA success", "Tacrolimus 0.1% vs. Pimecrolimus 1%", "Tacrolimus 0.1% is more effective.", "favours_intervention"),
        ("IGA success", "Pimecrolimus 1% vs. Betamethasone valerate 0.1%", "Betamethasone valerate 0.1% is more effective.", "favours_comparator"),
        # the treatment after 'than', 'to', 'compared with', 'but not' is the reference
        ("EASI", "Fluticasone propionate 0.05% vs. Hydrocortisone 1%", "Hydrocortisone 1% was less effective than fluticasone propionate.", "favours_intervention"),
        ("IGA success", "Tacrolimus 0.1% vs. Vehicle", "Superior to vehicle (P = 0.0004).", "favours_intervention"),
        ("IGA success", "Roflumilast 0.15% vs. Vehicle", "The lower 0.15% strength was also superior to vehicle.", "favours_intervention"),
        ("Skin atrophy", "Pimecrolimus 1% vs. Betamethasone valerate 0.1%", "Skin atrophy is seen with betamethasone valerate but not with pimecrolimus 1%.", "favours_intervention"),
        ("Application-site pain", "Vehicle vs. Crisaborole 2%", "Reported more often with crisaborole than with vehicle (4.4% vs. 1.2% of patients).", "favours_intervention"),
        ("Time to improvement in pruritus", "Crisaborole 2% vs. Vehicle", "Pruritus improved earlier in crisaborole-treated patients than in vehicle-treated patients.", "favours_intervention"),
        # the event the sentence counts decides over the outcome's polarity
        ("Prevention of Flares", "Pimecrolimus 1% vs. Vehicle", "Fewer flares with pimecrolimus 1% than with vehicle.", "favours_intervention"),
        ("Prevention of flares", "Pimecrolimus 1% vs. Vehicle", "Vehicle-treated children flared more often.", "favours_intervention"),
        ("Discontinuation due to adverse events", "Tapinarof 1% vs. Vehicle", "More patients stopped treatment because of adverse events in the tapinarof arms.", "favours_comparator"),
        # otherwise the outcome's polarity: more of a harm is worse, more of a benefit better
        ("Skin atrophy", "Topical corticosteroids vs. Calcineurin inhibitors", "Skin thinning was more frequent with TCS (relative risk 4.86).", "favours_comparator"),
        ("Itch", "Roflumilast 0.3% vs. Vehicle", "Vehicle-treated patients were less likely to achieve a meaningful itch reduction.", "favours_intervention"),
        # potency words tell two corticosteroid arms apart
        ("IGA success", "Mild TCS vs. Moderate-potency TCS", "Moderate-potency TCS may be more effective.", "favours_comparator"),
        # clauses that agree make one direction
        ("IGA success", "Tacrolimus 0.1% vs. Crisaborole 2%", "Tacrolimus 0.1% ranks among the most effective topical treatments; crisaborole is less effective.", "favours_intervention"),
        # equivalence and no difference, also when another phrase has no arm to hold on to
        ("EASI", "Fluticasone 0.05% once daily vs. Clobetasone butyrate 0.05%", "Once-daily fluticasone was as effective as twice-daily clobetasone butyrate.", "comparable"),
        ("EASI", "Tacrolimus vs. TCS", "EASI improved in both groups and was similar at 36 months.", "comparable"),
        ("EASI", "Tacrolimus vs. TCS", "Tacrolimus was non-inferior to TCS.", "comparable"),
        ("EASI", "Tacrolimus vs. TCS", "No statistically significant difference between the two.", "no_difference"),
        ("Repigmentation", "Pimecrolimus 1% vs. Vehicle", "Pimecrolimus could not be shown to be effective: no significant change in lesion size compared with vehicle.", "no_difference"),
        ("IGA success", "Pimecrolimus 1% vs. Vehicle", "Pimecrolimus was not superior to vehicle.", "no_difference"),
        # numbers alone, in the order the clause names the arms, else the comparison's order
        ("IGA success", "Pimecrolimus 1% vs. Vehicle", "Vehicle versus pimecrolimus 1%: 20% vs 35%.", "favours_intervention"),
        ("IGA success", "Pimecrolimus 1% vs. Vehicle", "Responders: 20% vs. 35%.", "favours_comparator"),
        ("Skin atrophy", "Pimecrolimus 1% vs. Vehicle", "Atrophy: 20% vs. 35%.", "favours_intervention"),
        # ranges read by their middle, the second number with or without its unit
        ("IGA success", "Roflumilast 0.15% vs. Vehicle", "28.9-32.0% vs. 12.0-15.2%, p < 0.001", "favours_intervention"),
        ("IGA success", "Pimecrolimus 1% vs. Vehicle", "Responders: 40.7% vs. 35.7", "favours_intervention"),
        # a p-value of 0.05 or more says no difference, whatever the numbers; a small one does not
        ("IGA success", "Tacrolimus 0.1% vs. Tacrolimus 0.03%", "40.7% vs. 35.7%; p > 0.05", "no_difference"),
        ("IGA success", "Pimecrolimus 1% vs. Ketoconazole 2%", "Pimecrolimus did not differ from ketoconazole (p = 0.38).", "no_difference"),
        ("IGA success", "Pimecrolimus 1% vs. Vehicle", "52% vs. 41%, p = 0.01", "favours_intervention"),
        # a ratio with its interval: above 1 more of the outcome, an interval across 1 no difference
        ("IGA success", "Mid-potency vs. low-potency corticosteroids", "OR 2.07 (95% CI 1.41-3.04)", "favours_intervention"),
        ("Skin atrophy", "Tacrolimus 0.1% vs. Vehicle", "RR 2.10 (95% CI 1.20-3.70)", "favours_comparator"),
        ("IGA success", "Ketoconazole 2% vs. Vehicle", "RR 1.17, 95% CI 0.95-1.44", "no_difference"),
        ("Itch", "Roflumilast 0.15% vs. Vehicle", "Mean difference -0.9 points (95% CI -1.3 to 0.2)", "no_difference"),
        # an event named between the measure and its value is what the ratio counts
        ("Complete clearance", "Ketoconazole 2% vs. Vehicle", "RR of failing to clear 0.69 (95% CI 0.59-0.81)", "favours_intervention"),
        # either arm as the subject, also a class naming its member, or an arm the vocabulary lacks
        ("EASI", "Pimecrolimus 1% vs. Triamcinolone acetonide 0.1%", "The corticosteroid was more effective.", "favours_comparator"),
        ("Complete remission", "Ketoconazole 2% vs. Lithium gluconate 8% gel", "Lithium gluconate worked better (52.0% vs. 30.1% in remission).", "favours_comparator"),
        # comparatives of other verbs, failed superiority, hedges
        ("Itch", "Pimecrolimus 1% vs. Vehicle", "Vehicle-treated children improved less.", "favours_intervention"),
        ("EASI", "Tacrolimus 0.1% vs. Mometasone furoate 0.1%", "Tacrolimus failed to show superiority over mometasone.", "no_difference"),
        ("IGA success", "Ketoconazole 2% vs. Hydrocortisone 1%", "Appeared similarly effective over 2-4 weeks.", "comparable"),
        ("Application-site reactions", "Roflumilast 0.15% vs. Vehicle", "Not significantly more frequent than with vehicle.", "no_difference"),
        # an outcome the vocabulary lacks takes the polarity of the event its text counts
        ("Lesional and perilesional redness", "Calcipotriol 0.005% vs. Vehicle", "Irritation was reported more often with calcipotriol.", "favours_comparator"),
        # the counted event came later: less of it
        ("Time to first relapse", "Tacrolimus 0.03% vs. Vehicle", "First relapse came substantially later with tacrolimus.", "favours_intervention"),
        # issue 34: the arm after 'with' is the subject ('steroid days' is no arm) ...
        ("Topical steroid days", "Pimecrolimus 1% vs. TCS", "Far fewer steroid days were needed with pimecrolimus (7 vs. 178).", "favours_intervention"),
        # ... but the reference stays the reference: 'than with' is no subject
        ("Prevention of flares", "Pimecrolimus 1% vs. Vehicle", "Vehicle-treated children flared more often than with pimecrolimus.", "favours_intervention"),
        # a directional phrase denied says no difference; a denied clause beside a directional one does not change it
        ("Skin infections", "Pimecrolimus 1% vs. Vehicle", "No statistically significant increase in infections with pimecrolimus.", "no_difference"),
        ("EASI", "Tacrolimus 0.1% vs. TCS", "Tacrolimus was more effective; no increase in burning was seen.", "favours_intervention"),
        # benefit or advantage 'over' the reference; an elided subject is the other arm
        ("IGA success", "Tapinarof 1% vs. Vehicle", "Clear benefit over vehicle with tapinarof.", "favours_intervention"),
        ("Repigmentation", "Clobetasol propionate 0.05% vs. Placebo", "A clear advantage of clobetasol over placebo.", "favours_intervention"),
        ("EASI", "Tacrolimus 0.1% vs. Placebo", "Significantly greater reduction than placebo.", "favours_intervention"),
        # more of an event's absence ('flare-free', 'free of flares') is better
        ("Flare-free days", "Pimecrolimus 1% vs. Vehicle", "More flare-free days with pimecrolimus than with vehicle.", "favours_intervention"),
        ("Flares over 6 months", "Pimecrolimus 1% vs. Vehicle", "About 61% vs. 34% of children remained free of flares.", "favours_intervention"),
        # comparatives of any evaluative word, verbs in any person, 'only with'
        ("EASI reduction", "Pimecrolimus 1% vs. Betamethasone valerate 0.1%", "The potent steroid cleared lesions faster; pimecrolimus was clearly the weaker treatment.", "favours_comparator"),
        ("Application-site reactions", "Crisaborole 2% vs. Vehicle", "Crisaborole probably increases application-site pain.", "favours_comparator"),
        ("Skin atrophy", "Tacrolimus 0.1% vs. Clobetasol propionate 0.05%", "Atrophy and telangiectasia appeared only with clobetasol.", "favours_intervention"),
        # an arm called by what sets it apart: the combination, a regimen word before its treatment
        ("Repigmentation", "Tacrolimus 0.1% plus NB-UVB vs. NB-UVB alone", "The combination may increase the proportion reaching this threshold.", "favours_intervention"),
        ("Time to first relapse", "Weekend potent topical corticosteroids vs. Vehicle", "Longer with weekend therapy in each trial that reported it.", "favours_intervention"),
        # an arm's value printed as a bound
        ("Application-site reactions", "Ruxolitinib 1.5% vs. Vehicle", "About 6% vs. under 1%.", "favours_comparator"),
    ],
)  # fmt: skip
def test_direction(tmp_path, vocab, outcome, comparison, result, expected):
    [finding] = findings(tmp_path, vocab, outcome, comparison, result)
    assert (finding["direction"], finding["direction_reason"]) == (expected, None)


@pytest.mark.parametrize(
    ("outcome", "result", "reason"),
    [
        ("EASI", "Results were heterogeneous.", "no phrase says which way it went"),
        ("EASI", "Tacrolimus is more effective; pimecrolimus is more effective.", "its clauses favour different arms"),
        ("Quality of life", "More frequent with tacrolimus.", "'More frequent' needs the outcome's polarity, which is unknown"),
        ("EASI", "Greater improvement in responders.", "'Greater improvement' names no compared treatment"),
        # a small p-value alone, or strengths joined by 'vs', say nothing about the arms
        ("EASI", "The difference was significant (p < 0.1).", "no phrase says which way it went"),
        ("EASI", "Tacrolimus 0.1% vs 0.03% were both studied.", "no phrase says which way it went"),
        # a difference whose interval excludes 0 has no known direction of benefit
        ("EASI", "Mean difference -3.1 points (95% CI -4.0 to -2.2)", "no phrase says which way it went"),
        # words and firm numbers that disagree are reported, not resolved
        ("IGA success", "Tacrolimus was less effective (RR 1.80, 95% CI 1.34 to 2.42).", "its words say favours_comparator, its numbers (its interval) favours_intervention"),
    ],
)  # fmt: skip
def test_what_the_rules_cannot_tell_is_unclassified_with_the_reason(
    tmp_path, vocab, outcome, result, reason
):
    [finding] = findings(tmp_path, vocab, outcome, "Tacrolimus vs. Pimecrolimus", result)
    assert (finding["direction"], finding["direction_reason"]) == ("unclassified", reason)


def test_subgroup_clauses_are_statements_of_their_own(tmp_path, vocab):
    rows = findings(
        tmp_path,
        vocab,
        "Flare prevention (proactive maintenance)",
        "Tacrolimus 0.03% twice weekly (proactive) vs. Vehicle twice weekly (reactive)",
        "Fewer flares with proactive tacrolimus in children aged 2-15 years [7]; in adults, "
        "proactive tacrolimus 0.1% likewise reduced flares compared with vehicle [8].",
    )
    assert [
        (f["statement_no"], f["intervention_strength_pct"], f["population"], f["direction"])
        for f in rows
    ] == [(1, 0.03, "pediatric", "favours_intervention"), (2, 0.1, "adult", "favours_intervention")]


def test_an_effect_stated_for_two_subgroups_is_one_statement_each(tmp_path, vocab):
    rows = findings(
        tmp_path,
        vocab,
        "Flares needing substantial treatment",
        "Twice-weekly (proactive) tacrolimus vs. vehicle",
        "Fewer flares than with vehicle, both in children using the 0.03% strength and in "
        "adults using 0.1%.",
    )
    assert [(f["statement_no"], f["population"], f["direction"]) for f in rows] == [
        (1, "pediatric", "favours_intervention"),
        (2, "adult", "favours_intervention"),
    ]
    assert rows[0]["intervention_strength_pct"] == 0.03


def test_clauses_split_at_whereas_outside_parentheses(tmp_path, vocab):
    rows = findings(
        tmp_path,
        vocab,
        "SCORAD 50 at week 8",
        "Methotrexate vs. ciclosporin",
        "In adults ciclosporin acted faster (8% vs. 42%; non-inferiority not shown), whereas in "
        "children aged 8-14 years the two drugs gave similar results.",
    )
    assert [(f["population"], f["direction"]) for f in rows] == [
        ("adult", "favours_comparator"),
        ("pediatric", "comparable"),
    ]


def test_one_arm_at_two_strengths_gives_one_statement_per_strength(tmp_path, vocab):
    rows = findings(
        tmp_path,
        vocab,
        "Relapse (flare) prevention",
        "Fluticasone propionate twice weekly vs. Vehicle (adolescents and adults)",
        "Risk of relapse was reduced with the 0.05% cream and, to a lesser extent, with the "
        "0.005% ointment.",
    )
    assert [
        (f["intervention"], f["intervention_strength_pct"], f["population"], f["direction"])
        for f in rows
    ] == [
        ("fluticasone_propionate", 0.05, "mixed", "favours_intervention"),
        ("fluticasone_propionate", 0.005, "mixed", "favours_intervention"),
    ]


def test_clauses_about_the_same_group_stay_one_statement(tmp_path, vocab):
    rows = findings(
        tmp_path,
        vocab,
        "Local application-site reactions (burning, stinging)",
        "Crisaborole 2% vs. Topical corticosteroids",
        "More frequent with crisaborole; local reactions are least common with corticosteroids.",
    )
    assert [(f["statement_no"], f["direction"]) for f in rows] == [(1, "favours_comparator")]


def test_a_population_is_read_from_ages_when_no_word_names_one(tmp_path, vocab):
    [finding] = findings(
        tmp_path,
        vocab,
        "IGA success",
        "Ruxolitinib 1.5% vs. Vehicle (patients aged \u226512 years)",
        "Ruxolitinib 1.5% is more effective than vehicle.",
    )
    assert finding["population"] == "mixed"
