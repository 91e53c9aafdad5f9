"""How a verdict names an estimate's source: people check a reason against the paper."""

import pytest

from pipelines.appraise.verdict_words import number, source_label


@pytest.mark.parametrize(
    ("citation", "label"),
    [
        ("Ashcroft DM 2005, BMJ (as tabulated in Lee NJ et al. 2008)", "Ashcroft 2005"),
        ("Cury Martins J 2015, Cochrane Database Syst Rev CD009864 'Topical'", "Cury Martins 2015 (Cochrane CD009864)"),
        ("Cochrane Database Syst Rev 2007, CD005500 'Topical pimecrolimus for eczema'", "Cochrane CD005500 2007"),
        ("Lee JH, Kwon HS, Jung HM, et al. 2019, JAMA Dermatol 155(8):929-938", "Lee 2019"),
        ("Del Rosso JQ, Bhambri S, 'Daily application of fluocinonide'", "Del Rosso"),
        ("Yin ZQ (listed as 'Zhi Qiang Y') et al. 2012, J Dermatol - RETRACTED 2013", "Yin 2012"),
        ("Br J Dermatol 2011;164(2):415-28 'Efficacy and tolerability of proactive'", "Br J Dermatol 2011"),
        ("Am Fam Physician 2004;69(3):658 (AFP summary of Berth-Jones J et al., BMJ 2003)", "Am Fam Physician 2004"),
        ("'Topical administration of crisaborole in mild to moderate atopic dermatitis: a review'", "Topical administration of crisaborole in mild…"),
    ],
)  # fmt: skip
def test_source_labels(citation, label):
    assert source_label({"citation": citation}) == label


def test_an_unprinted_citation_falls_back_to_its_identifiers():
    assert source_label({"citation": None, "pmid": "123"}) == "PMID 123"
    assert source_label({"citation": "", "doi": "10.1/x"}) == "doi:10.1/x"


def test_numbers_as_forest_plots_print_them():
    assert [number(v) for v in (0.5612, 1.0, 22.28, 446.3, -0.7, 0.0021, 0.006, 0.0)] == [
        "0.56",
        "1.00",
        "22.3",
        "446",
        "-0.70",
        "0.0021",  # two decimals would print it as zero
        "0.01",
        "0.00",
    ]
