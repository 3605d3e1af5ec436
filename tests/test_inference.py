"""The one Wald/t inference core (effekt._inference) against scipy and statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.weightstats import _zconfint_generic, _zstat_generic

from effekt._inference import critical_value, wald, wald_arrays
from effekt.results import effect_from_normal


@pytest.mark.parametrize(("est", "se"), [(0.04, 0.0135), (-1.2, 0.8), (3.0, 10.0)])
def test_normal_matches_statsmodels(est, se):
    w = wald(est, se, 0.95)
    lo, hi = _zconfint_generic(est, se, 0.05, "two-sided")  # statsmodels' z interval
    z, p = _zstat_generic(est, 0.0, se, "two-sided", 0)
    assert w.ci == pytest.approx((lo, hi), rel=1e-12)
    assert w.statistic == pytest.approx(z) and w.pvalue == pytest.approx(p, rel=1e-12)


def test_t_reference_matches_scipy():
    w = wald(1.0, 0.5, 0.9, df=7)
    q = stats.t.ppf(0.95, 7)
    assert w.ci == pytest.approx((1 - q * 0.5, 1 + q * 0.5))
    assert w.pvalue == pytest.approx(2 * stats.t.sf(2.0, 7))
    assert critical_value(0.9, 7) == pytest.approx(q)


@pytest.mark.filterwarnings("ignore::effekt.errors.UndefinedValueWarning")
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_nan_or_infinite_se_gives_nan_never_zero(bad):
    w = wald(0.04, bad, 0.95)
    assert math.isnan(w.pvalue) and math.isnan(w.statistic) and all(map(math.isnan, w.ci))
    r = effect_from_normal(0.04, bad, 0.95, method="Wald")
    assert math.isnan(r.pvalue) and not r.significant


def test_zero_se():
    assert wald(0.0, 0.0, 0.95).pvalue == 1.0
    w = wald(0.1, 0.0, 0.95)
    assert w.pvalue == 0.0 and w.ci == (0.1, 0.1) and w.statistic == math.inf


@pytest.mark.filterwarnings("ignore::effekt.errors.UndefinedValueWarning")
def test_arrays_agree_with_scalars():
    est = np.array([0.04, -1.2, 0.0, 0.1, 0.3])
    se = np.array([0.0135, 0.8, 0.0, 0.0, np.nan])
    for df in (None, 12.0):
        lo, hi, p = wald_arrays(est, se, 0.95, df)
        for i in range(len(est)):
            w = wald(est[i], se[i], 0.95, df)
            np.testing.assert_allclose([lo[i], hi[i], p[i]], [*w.ci, w.pvalue], rtol=1e-14)
