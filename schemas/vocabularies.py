"""ref.*: the vocabularies under raw/vocab/, one model per CSV file."""

import pandera.polars as pa

from schemas.base import Dataset, Model

SYNONYMS = "Pipe-separated alternative spellings matched case-insensitively."
SCALES = ["ratio", "difference", "number_needed", "arm_level"]


class Term(Model):
    """The shape every simple vocabulary shares: an id, a label and synonyms."""

    id: str = pa.Field(
        unique=True, str_matches=r"^[a-z0-9_]+$", description="Term id (lower_snake_case)."
    )
    label: str = pa.Field(description="Preferred label.")
    synonyms: str = pa.Field(description=SYNONYMS)


class Compounds(Model):
    id: str = pa.Field(
        unique=True, str_matches=r"^[a-z0-9_]+$", description="Compound or class id."
    )
    name: str = pa.Field(description="Preferred name.")
    kind: str = pa.Field(
        isin=["compound", "class", "control", "background"],
        description="A single compound, a class of compounds, a control arm, or background care both arms may share (an emollient): left out of a combination ('fluticasone + emollient' is fluticasone).",
    )
    synonyms: str = pa.Field(description=SYNONYMS)
    class_: str | None = pa.Field(
        alias="class", nullable=True, description="Class id the compound belongs to."
    )
    parent: str | None = pa.Field(
        nullable=True, description="Compound it is derived from (e.g. pimecrolimus from ascomycin)."
    )
    target: str | None = pa.Field(nullable=True, description="Molecular target.")
    potency: str | None = pa.Field(
        nullable=True,
        description="Corticosteroid potency (ref.potencies id) on the mild/moderate/potent/very potent scale.",
    )


class Potencies(Term):
    rank: int = pa.Field(ge=1, unique=True, description="Order from mildest (1) to most potent.")


class Formulations(Term):
    """Topical formulations: cream, ointment, ..."""


class Outcomes(Term):
    domain: str = pa.Field(
        isin=["efficacy", "safety", "patient-reported"], description="Outcome domain."
    )
    polarity: str = pa.Field(
        isin=["higher", "lower"],
        description="Whether a higher or a lower value is better for the patient.",
    )
    construct: str | None = pa.Field(
        nullable=True,
        str_matches=r"^[a-z0-9_]+$",
        description="What the outcome measures, shared by outcomes that measure one thing under another name or rater (the investigator's and the physician's global assessment): an estimate of one is considered for a finding of the other, and counts as ref.estimate_fits (outcome, construct) says; empty: the outcome alone.",
    )


class Banded(Term):
    """A term that covers plain grades, so that two terms can be compared by what they cover."""

    covers: str | None = pa.Field(
        nullable=True,
        description="Pipe-separated grades the term covers (children and adults: adult|pediatric); empty for a term that states none (unspecified).",
    )


class Populations(Banded):
    """Populations a finding can be about."""


class Severities(Banded):
    """Disease severity bands."""


class EvidenceGrades(Term):
    rank: int = pa.Field(ge=1, unique=True, description="Order from weakest (1) to strongest.")


class Conditions(Term):
    """Skin conditions."""


class OtherConditions(Term):
    """Conditions outside the warehouse's list, named so that a text naming one is not read as a
    listed condition its name contains ('chronic hand eczema' is not atopic eczema)."""


class TableColumns(Model):
    table_kind: str = pa.Field(
        description="Kind of table the column belongs to (comparative, preclinical)."
    )
    column: str = pa.Field(description="Canonical column the header maps to.")
    required: bool = pa.Field(description="Whether a table of this kind must have the column.")
    synonyms: str = pa.Field(description="Pipe-separated headers that mean this column.")


class Measures(Term):
    scale: str = pa.Field(
        isin=SCALES,
        description="ratio (RR, OR, SIR…: null 1, must be positive), difference (MD, RD: null 0), number_needed (NNT/NNH) or arm_level (one arm's value).",
    )
    null_value: float | None = pa.Field(
        nullable=True, description="Value meaning no difference (1 for ratios, 0 for differences)."
    )


class Events(Term):
    """Events a result sentence counts ('fewer flares', 'flared more often'), whatever the outcome."""

    polarity: str = pa.Field(
        isin=["higher", "lower"],
        description="Whether more or fewer of the event is better for the patient.",
    )
    complement_of: str | None = pa.Field(
        nullable=True,
        description="The outcome (ref.outcomes id) an estimate of this event measures the complement of ('relapse' of flare prevention).",
    )


class EvidenceKinds(Term):
    """Phrases that say what kind of evidence an estimate is (network meta-analysis, single arm)."""


class PotencyMixtures(Term):
    """Phrases saying a corticosteroid arm mixes every potency band ('TCS (various potencies)'):
    such an arm lies inside no single band."""


class StudyDesigns(Term):
    """Phrases that name a study design (observational: a cohort, a registry), so that the
    certainty check starts observational evidence low."""


class OutcomeInversions(Term):
    """Phrases that turn an outcome into its complement ('risk of NOT improving')."""


class ResultPhrases(Model):
    phrase: str = pa.Field(
        unique=True, description="Phrase looked for in a result statement, case-insensitively."
    )
    effect: str = pa.Field(
        isin=["better", "worse", "higher", "lower", "no_difference", "comparable", "reference"],
        description="What the phrase says of the treatment it names: better/worse overall, a higher/lower outcome value, no difference, comparable; reference: the treatment named next is the one compared against ('than', 'compared with').",
    )
    description: str = pa.Field(description="Why the phrase means that.")


FIT_DIMENSIONS = ["arms", "outcome", "population", "severity", "timepoint"]
FITS = ["same", "broader", "narrower", "different", "unknown", "construct"]


class EstimateFits(Model):
    """Which fits of an estimate to a finding let it count in the verdict (appraise.fit)."""

    dimension: str = pa.Field(isin=FIT_DIMENSIONS, description="What is compared.")
    fit: str = pa.Field(
        isin=FITS,
        description="How the estimate's value relates to the finding's: same, broader (covers more), narrower (covers part), different (shares nothing), unknown (one side states none) or, for the outcome, construct (another outcome of its construct).",
    )
    counts: bool = pa.Field(description="Whether an estimate with this fit counts in the verdict.")
    indirect: bool = pa.Field(
        description="Whether a counted estimate with this fit is indirect evidence (GRADE's indirectness)."
    )
    description: str = pa.Field(description="What the fit means, in words.")


class CertaintyRules(Model):
    """The thresholds of the certainty check (appraise.certainty), stated once."""

    id: str = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+$", description="Rule id.")
    value: float = pa.Field(description="The threshold.")
    description: str = pa.Field(description="What the threshold decides, and its source.")


def _vocabulary(table: str, model: type[Model], description: str, key: str = "id") -> Dataset:
    return Dataset(name=f"ref.{table}", model=model, description=description, key=(key,))


DATASETS = (
    _vocabulary(
        "compounds",
        Compounds,
        "Compounds, classes and control arms with synonyms, class, parent, target and potency.",
    ),
    _vocabulary("potencies", Potencies, "Corticosteroid potency classes, mildest first."),
    _vocabulary("formulations", Formulations, "Topical formulations."),
    _vocabulary(
        "outcomes",
        Outcomes,
        "Outcomes with domain and polarity (whether higher or lower is better).",
    ),
    _vocabulary("populations", Populations, "Populations: adults, children, mixed, unspecified."),
    _vocabulary("severities", Severities, "Disease severity bands."),
    _vocabulary("evidence_grades", EvidenceGrades, "Evidence grades, weakest first."),
    _vocabulary("conditions", Conditions, "Skin conditions."),
    _vocabulary(
        "other_conditions",
        OtherConditions,
        "Conditions outside the list of ref.conditions: a finding about one has condition null, never a listed condition its name contains.",
    ),
    _vocabulary(
        "measures",
        Measures,
        "Effect measures (RR, OR, SIR, MD, NNT, arm-level values…) and their scale.",
    ),
    _vocabulary(
        "events",
        Events,
        "Events a result sentence counts, and whether fewer of them is better (flares, relapses).",
    ),
    _vocabulary(
        "evidence_kinds",
        EvidenceKinds,
        "Kinds of evidence an estimate can be (direct, indirect, single arm) and the phrases that say so.",
    ),
    _vocabulary(
        "potency_mixtures",
        PotencyMixtures,
        "Phrases saying a corticosteroid arm mixes every potency band (various potencies).",
    ),
    _vocabulary(
        "study_designs",
        StudyDesigns,
        "Study designs an estimate's citation or note may name (randomised, observational) and the phrases that say so.",
    ),
    _vocabulary(
        "outcome_inversions",
        OutcomeInversions,
        "Phrases saying an estimate measures the complement of its outcome (e.g. the risk of not improving).",
    ),
    Dataset(
        name="ref.table_columns",
        model=TableColumns,
        description="Which table headers mean which column, per table kind.",
        key=("table_kind", "column"),
    ),
    Dataset(
        name="ref.estimate_fits",
        model=EstimateFits,
        description="Which fits of an estimate to a finding (arms, population, severity, timepoint) count, and which are indirect.",
        key=("dimension", "fit"),
    ),
    _vocabulary(
        "certainty_rules", CertaintyRules, "Thresholds of the certainty check beside each verdict."
    ),
    _vocabulary(
        "result_phrases", ResultPhrases, "Phrases that say which way a result went.", key="phrase"
    ),
)
