"""Pooled estimates against published results computed with R (metafor 2.x and meta 4.11).

The inputs and results are those statsmodels' own tests use (statsmodels/stats/tests/results/
results_meta.py, BSD-3): Kacker's 2004 example of nine measurements, and the 17 trials of
dat.fine1993 as log odds ratios. Expected values are R's, to the precision R printed them.
"""

import math

import pytest

from pipelines.appraise.pooling import Z, combine, pool, prediction_interval, standard_error

# Kacker 2004: rma(y, v, method="PM") and rma(y, v, method="DL").
KACKER_Y = (61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9)
KACKER_V = (0.2025, 1.21, 0.09, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225)
# metabin(e2i, nei, c2i, nci, data=dat.fine1993, sm="OR", method.tau="DL", hakn=TRUE)
FINE_TE = (
    2.70805020110221, 1.25672336971146, 0.374938517449009, 1.65822807660353,
    0.784954729813068, 0.361663949151077, 0.575364144903562, 0.250542525502324,
    0.650587566141149, 0.0918075492531229, 0.273865253802803, 0.485755524477543,
    0.182321556793955, 0.980829253011726, 1.31218638896617, -0.259511195485085,
    0.138402322859119,
)  # fmt: skip
FINE_SE = (
    1.1130538571376, 0.505568465186247, 0.390847133738078, 0.680511012471685,
    0.434831536798166, 0.26249802054503, 0.490562645746402, 0.376864733063505,
    0.529771411128472, 0.458411099840008, 0.193159187510219, 0.206827050443269,
    0.441477021807833, 0.713624032148063, 1.18251919576455, 0.604874380241894,
    0.329592099997789,
)  # fmt: skip


def test_paule_mandel_equals_metafor():
    result = combine(KACKER_Y, KACKER_V, "pm")
    assert result.mean == pytest.approx(62.4076199113286, abs=1e-9)
    assert result.se == pytest.approx(0.338030602684471, abs=1e-9)
    assert result.tau2 == pytest.approx(0.705395309224248, abs=1e-9)
    assert result.q == pytest.approx(24.801897741835, abs=1e-9)


def test_dersimonian_laird_equals_metafor():
    result = combine(KACKER_Y, KACKER_V, "dl")
    assert result.mean == pytest.approx(62.3901386044504, abs=1e-9)
    assert result.se == pytest.approx(0.245749668040304, abs=1e-9)
    assert result.tau2 == pytest.approx(0.288049246973751, abs=1e-9)
    assert result.i2 == pytest.approx(67.744403741711, abs=1e-7)  # metafor's I² under DL


def test_log_odds_ratios_and_their_prediction_interval_equal_meta():
    result = combine(FINE_TE, tuple(se**2 for se in FINE_SE), "dl")
    assert result.mean == pytest.approx(0.429520368698268, abs=1e-12)
    assert result.tau2 == pytest.approx(0.0016783981912744, abs=1e-12)
    assert result.i2 == pytest.approx(1.12088293538659, abs=1e-9)  # meta prints I² 0.0112
    assert result.q == pytest.approx(16.181374262823, abs=1e-9)
    # meta's w.random[1] over the sum of its 17 random-effects weights (119.764707404042)
    assert result.weights[0] == pytest.approx(0.806082838403413 / 119.764707404042, rel=1e-12)
    # meta's prediction interval: TE ± t(k-2) √(τ² + seTE²), with its (Hartung-Knapp) seTE
    low, high = prediction_interval(0.429520368698268, 0.0915952752397692, result.tau2, 17)
    assert (low, high) == pytest.approx((0.215650965184522, 0.643389772212014), abs=1e-12)


def test_ratios_are_pooled_on_the_log_scale_from_their_intervals():
    trials = ((2.0, 1.5, 2.7), (1.5, 1.1, 2.0), (3.0, 2.0, 4.5))
    pooled = pool(trials, ratio=True)
    direct = combine(
        tuple(math.log(v) for v, _, _ in trials),
        tuple(standard_error(low, high, ratio=True) ** 2 for _, low, high in trials),
        "pm",
    )
    assert pooled.estimate == pytest.approx(math.exp(direct.mean))
    assert (pooled.ci_low, pooled.ci_high) == pytest.approx(
        (math.exp(direct.mean - Z * direct.se), math.exp(direct.mean + Z * direct.se))
    )
    assert pooled.k == 3 and pooled.pi_low is not None and pooled.pi_low < pooled.ci_low
    assert sum(pooled.weights) == pytest.approx(1)
    assert pool(trials[:2], ratio=True).pi_low is None


def test_a_symmetric_interval_gives_back_its_standard_error():
    assert standard_error(-1.96, 1.96, ratio=False) == pytest.approx(1.96 / Z)
    assert standard_error(math.exp(-Z), math.exp(Z), ratio=True) == pytest.approx(1)


def test_q_and_the_overall_z_come_with_their_p_values():
    """Kacker's nine as (value, 95% interval) triples: Q as metafor's QE (df 8) and its χ² p;
    Z is the Paule-Mandel mean over its standard error, p two-sided (metafor's zval, pval)."""
    triples = tuple(
        (y, y - Z * math.sqrt(v), y + Z * math.sqrt(v))
        for y, v in zip(KACKER_Y, KACKER_V, strict=True)
    )
    result = pool(triples, ratio=False)
    assert result.q == pytest.approx(24.801897741835, abs=1e-6)
    assert result.q_p == pytest.approx(0.00167935146, abs=1e-10)  # χ² upper tail, 8 df (not 9)
    assert result.z == pytest.approx(62.4076199113286 / 0.338030602684471, rel=1e-6)
    assert result.z_p == 0.0  # Z ≈ 185: p underflows, printed "p < 0.001"
