"""Random-effects pooling of independent estimates, by statsmodels.stats.meta_analysis (checked
against R's metafor by its authors and, for our inputs, by tests/interpret/test_pooling.py).

Each estimate's standard error comes from its 95% interval (its width over 2 x 1.96), on the log scale
for ratios, so ratios are pooled as log ratios and turned back. The pooled estimate is the
Paule-Mandel one (the between-trial variance τ² of Paule and Mandel, which the Cochrane Handbook
prefers to DerSimonian-Laird for few trials); the DerSimonian-Laird estimate is kept beside it, as
RevMan prints it. I² is Higgins and Thompson's, from Cochran's Q (tested against χ² with k-1 degrees
of freedom); the overall effect's Z is the Paule-Mandel mean over its standard error. The 95% prediction interval
(Higgins, Thompson and Spiegelhalter 2009) is μ ± t(k-2) √(τ² + SE(μ)²): it needs three estimates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

Z = 1.959963984540054  # the normal 97.5 % quantile, as metafor uses


@dataclass(frozen=True)
class Pooled:
    """A pooled estimate on the natural scale (ratios turned back from logs)."""

    estimate: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float
    k: int
    pi_low: float | None
    pi_high: float | None
    q: float
    q_p: float
    z: float
    z_p: float
    weights: tuple[float, ...]
    dl_estimate: float
    dl_ci_low: float
    dl_ci_high: float
    dl_tau2: float


def standard_error(low: float, high: float, *, ratio: bool) -> float:
    """The standard error a symmetric 95% interval implies, on the log scale for a ratio."""
    return (math.log(high) - math.log(low)) / (2 * Z) if ratio else (high - low) / (2 * Z)


@lru_cache(maxsize=4096)
def pool(values: tuple[tuple[float, float, float], ...], *, ratio: bool) -> Pooled:
    """Pool (estimate, low, high) triples; memoized, since the same estimates meet many findings."""
    from scipy.stats import chi2, norm

    effects = [math.log(v) if ratio else v for v, _, _ in values]
    variances = [standard_error(low, high, ratio=ratio) ** 2 for _, low, high in values]
    pm = combine(tuple(effects), tuple(variances), "pm")
    dl = combine(tuple(effects), tuple(variances), "dl")
    back = math.exp if ratio else float
    pi = prediction_interval(pm.mean, pm.se, pm.tau2, len(values))
    z = pm.mean / pm.se
    return Pooled(
        estimate=back(pm.mean),
        ci_low=back(pm.mean - Z * pm.se),
        ci_high=back(pm.mean + Z * pm.se),
        tau2=pm.tau2,
        i2=pm.i2,
        k=len(values),
        pi_low=back(pi[0]) if pi else None,
        pi_high=back(pi[1]) if pi else None,
        q=pm.q,
        q_p=float(chi2.sf(pm.q, len(values) - 1)),
        z=z,
        z_p=float(2 * norm.sf(abs(z))),
        weights=pm.weights,
        dl_estimate=back(dl.mean),
        dl_ci_low=back(dl.mean - Z * dl.se),
        dl_ci_high=back(dl.mean + Z * dl.se),
        dl_tau2=dl.tau2,
    )


@dataclass(frozen=True)
class Combined:
    """statsmodels' random-effects result on the scale it was given."""

    mean: float
    se: float
    tau2: float
    i2: float
    q: float
    weights: tuple[float, ...]


def combine(effects: tuple[float, ...], variances: tuple[float, ...], method: str) -> Combined:
    """The random-effects estimate of `method` ('pm' Paule-Mandel, 'dl' DerSimonian-Laird)."""
    # statsmodels pulls in scipy and pandas (3 s): imported when something is pooled, not before.
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects

    result = combine_effects(
        np.asarray(effects), np.asarray(variances), method_re=method, atol=1e-10, maxiter=100
    )
    return Combined(
        mean=float(result.mean_effect_re),
        se=float(result.sd_eff_w_re),
        tau2=float(result.tau2),
        i2=max(0.0, float(result.i2)) * 100,
        q=float(result.q),
        weights=tuple(float(w) for w in result.weights_rel_re),
    )


def prediction_interval(mean: float, se: float, tau2: float, k: int) -> tuple[float, float] | None:
    """Where the effect of a new trial is expected to lie, 95%; None under three estimates."""
    if k < 3:
        return None
    from scipy.stats import t

    half = float(t.ppf(0.975, k - 2)) * math.sqrt(tau2 + se**2)
    return mean - half, mean + half
