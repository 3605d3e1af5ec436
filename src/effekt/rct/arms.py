"""Multi-arm trials and subgroup effects.

:func:`compare_arms` compares each arm of a multi-arm trial (IPS, IPSE, usual service) with
the control arm and the pooled treatment arms with control; :func:`subgroups` estimates the
effect within each level of one or more baseline characteristics, tests whether it differs
between levels, adjusts the p-values for the number of subgroups and draws a forest plot.

A binary outcome (0/1 or bool) is analysed with
:func:`~effekt.rct.difference_in_proportions`, any other numeric outcome with
:func:`~effekt.rct.difference_in_means`.
"""

from __future__ import annotations

import dataclasses
import numbers
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._linear import ols
from .._multiplicity import adjust_pvalues as _adjust
from .._validate import (
    argument_error,
    as_column_list,
    check_choice,
    check_conf_level,
    check_distinct_columns,
    check_frame,
    check_level_value,
    handle_missing,
    outcome_indicator,
    require_columns,
    two_valued,
)
from ..errors import ColumnError, EffektError, SmallSampleWarning
from ..language import Note, number, say, speaks, term
from ..results import EffectResult, EffectTable, Result, TestResult, format_pvalue
from .means import difference_in_means
from .proportions import PROPORTION_METHODS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["compare_arms", "subgroups", "SubgroupResult"]

#: Multiplicity adjustments; "fdr_bh" is accepted as another name of "bh".
ADJUSTMENTS = ("holm", "bh", "fdr_bh")


def _adjust_pvalues(pvalues: Sequence[float] | np.ndarray, method: str = "holm") -> np.ndarray:
    """Holm (family-wise error) or Benjamini-Hochberg (false discovery rate) adjusted p-values.

    Parameters
    ----------
    pvalues : array of float
    method : {"holm", "bh", "fdr_bh"}
        ``"bh"`` and ``"fdr_bh"`` are the same (Benjamini-Hochberg).

    Returns
    -------
    ndarray
        Adjusted p-values in the input order (equal to ``statsmodels.stats.multitest.
        multipletests(p, method=...)[1]``).

    Notes
    -----
    With ``p_(1) <= ... <= p_(k)``: Holm ``p~_(i) = max_{j<=i} min(1, (k - j + 1) p_(j))``;
    Benjamini-Hochberg ``p~_(i) = min_{j>=i} min(1, k p_(j) / j)``.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics* 6, 65-70.
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B* 57, 289-300.

    Examples
    --------
    >>> _adjust_pvalues([0.01, 0.04, 0.03], "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    >>> _adjust_pvalues([0.01, 0.04, 0.03], "bh").round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    if method not in ADJUSTMENTS:
        raise argument_error("adjust_pvalues", "method", "one of 'holm', 'bh'", method)
    return _adjust(np.asarray(pvalues, dtype=float), method)


def _is_binary(values: pd.Series) -> bool:
    """True for a boolean column or a numeric column whose values are all 0 or 1."""
    if values.dtype == bool:
        return True
    if not pd.api.types.is_numeric_dtype(values):
        return False
    arr = values.to_numpy(dtype=float)
    return bool(np.isin(arr, (0.0, 1.0)).all())


def _estimate(
    y: pd.Series,
    treated: np.ndarray,
    outcome: Hashable,
    binary: bool,
    conf_level: float,
    method: str,
    unit_label: str,
    label: str,
) -> EffectResult:
    """One two-arm effect on a fresh two-column frame (never the caller's)."""
    tcol = "treated" if outcome != "treated" else "__treated"
    values = y.to_numpy() if y.dtype == bool else y.to_numpy(dtype=float)
    frame = pd.DataFrame({outcome: values, tcol: treated.astype(np.int8)})
    try:
        if binary:
            from .proportions import difference_in_proportions

            kind: Any = method  # validated by the caller against PROPORTION_METHODS
            r = difference_in_proportions(frame, outcome, tcol, method=kind, conf_level=conf_level)
        else:
            r = difference_in_means(
                frame, outcome, tcol, conf_level=conf_level, unit_label=unit_label
            )
    except EffektError as exc:
        # the message names the internal arm indicator: say which comparison failed instead
        text = str(exc).replace(f" of {tcol!r}", "").replace(f" {tcol!r}", "")
        raise type(exc)(f"The comparison {label} cannot be estimated: {text}") from None
    return dataclasses.replace(r, label=label)


def _show(value: Any) -> str:
    """repr of a level, with numpy scalars shown as plain Python values."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _sorted_levels(values: pd.Series) -> list[Any]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(pd.unique(values))
        return [c for c in values.cat.categories if c in present]
    levels = list(pd.unique(values))
    try:
        return sorted(levels)
    except TypeError:
        return sorted(levels, key=str)


def compare_arms(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    control: Any,
    *,
    outcome_value: Any = None,
    conf_level: float = 0.95,
    adjust: str | None = None,
    method: str = "newcombe",
    missing: Literal["raise", "drop"] = "raise",
    unit_label: str = "",
) -> EffectTable:
    """Each arm of a multi-arm trial against the control arm, and all treatment arms pooled.

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person.
        Only the columns named in the other arguments are read (see Notes).
    outcome : column name
        Binary (0/1, bool: difference in proportions) or continuous (difference in means).
        An outcome coded in words ("Ja"/"Nej") is binary with ``outcome_value``.
    treatment : column name
        The arm each person was randomised to (two or more values).
    control : value
        The value of ``treatment`` that marks the control arm ("usual service").
    outcome_value : optional
        The value of ``outcome`` that means the outcome happened ("Ja" in a column of
        "Ja"/"Nej"); needed when a binary outcome is not coded 0/1 or True/False.
    conf_level : float, default 0.95
    adjust : {None, "holm", "bh"}
        Add a ``pvalue_adjusted`` column, adjusted over every row of the table (each arm
        and the pooled comparison): Holm or Benjamini-Hochberg (``"fdr_bh"`` is accepted as
        another name of ``"bh"``).
    method : str, default "newcombe"
        Interval method for a binary outcome (see ``difference_in_proportions``); checked
        against ``PROPORTION_METHODS`` for any outcome.
    missing : {"raise", "drop"}
        What to do with missing values in ``outcome`` and ``treatment``: raise (default) or
        drop those rows with a warning.
    unit_label : str
        Unit of a continuous outcome, for the text ("weeks").

    Returns
    -------
    EffectTable
        One row per non-control arm (labelled with the arm) and, with two or more treatment
        arms, a row labelled ``"pooled (A + B)"``; extra columns ``arm``, ``control``,
        ``comparison`` and, with ``adjust``, ``pvalue_adjusted``.

    Notes
    -----
    Each comparison uses only the rows of the two groups compared (the usual analysis of
    a multi-arm trial with one shared control), so the comparisons are correlated through
    the control group. Holm's adjustment is valid under any dependence; it is applied over
    all rows of the table including the pooled comparison (conservative).

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the outcome and treatment columns are collected into pandas; memory ~ rows ×
    those columns. The estimator is unit-level (it needs every row); a pandas DataFrame is used
    as it is.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from effekt import rct
    >>> arm = np.repeat(["IPS", "IPSE", "usual"], [243, 238, 239])
    >>> job = np.concatenate([np.arange(243) < 146, np.arange(238) < 143, np.arange(239) < 111])
    >>> df = pd.DataFrame({"arm": arm, "job_or_education": job})
    >>> t = rct.compare_arms(df, "job_or_education", "arm", control="usual", adjust="holm")
    >>> t.labels
    ['IPS', 'IPSE', 'pooled (IPS + IPSE)']
    >>> (t.to_frame()["estimate"] * 100).round(1).tolist()
    [13.6, 13.6, 13.6]
    """
    func = "compare_arms"
    data = check_frame(data, func, outcome=outcome, treatment=treatment)
    conf_level = check_conf_level(conf_level, func)
    check_choice(method, "method", func, PROPORTION_METHODS)
    if adjust is not None:
        check_choice(adjust, "adjust", func, (None, *ADJUSTMENTS))
    require_columns(data, func, outcome=outcome, treatment=treatment)
    data = handle_missing(data, [outcome, treatment], missing, func)
    arms = data[treatment]
    levels = _sorted_levels(arms)
    check_level_value(control, "control", func)
    if len(levels) < 2:
        raise ColumnError(
            f"The treatment column {treatment!r} passed to {func}() has only one value ({_show(levels[0])}); "
            "a comparison needs a control arm and at least one treatment arm."
        )
    if control not in levels:
        raise argument_error(
            func,
            "control",
            f"one of the values of the treatment column {treatment!r} "
            f"({', '.join(map(_show, levels))})",
            control,
        )
    y = outcome_indicator(data[outcome], outcome, func, outcome_value)
    binary = _is_binary(y)
    if not binary and not pd.api.types.is_numeric_dtype(y):
        raise ColumnError(
            f"The outcome column {outcome!r} passed to {func}() must be numeric (0/1 for a share); "
            f"it has dtype {y.dtype}. For an outcome coded in words pass outcome_value= (the "
            f"value that means the outcome happened, e.g. {_show(y.dropna().iloc[0])})."
        )
    others = [lv for lv in levels if lv != control]
    is_control = (arms == control).to_numpy()
    results, rows = [], []
    for lv in others:
        keep = is_control | (arms == lv).to_numpy()
        treated = (arms[keep] == lv).to_numpy()
        results.append(
            _estimate(y[keep], treated, outcome, binary, conf_level, method, unit_label, str(lv))
        )
        rows.append({"arm": str(lv), "control": str(control), "comparison": f"{lv} vs {control}"})
    if len(others) >= 2:
        name = " + ".join(map(str, others))
        results.append(
            _estimate(
                y, ~is_control, outcome, binary, conf_level, method, unit_label, f"pooled ({name})"
            )
        )
        rows.append(
            {
                "arm": f"pooled ({name})",
                "control": str(control),
                "comparison": f"{name} vs {control}",
            }
        )
    columns = pd.DataFrame(rows)
    notes: tuple[str, ...] = ()
    if adjust is not None:
        columns["pvalue_adjusted"] = _adjust_pvalues([r.pvalue for r in results], adjust)
        notes = (f"pvalue_adjusted: {_adjust_name(adjust)} over the {len(results)} comparisons",)
    return EffectTable(
        tuple(results), title=f"{outcome}: each arm vs {control}", columns=columns, notes=notes
    )


def _adjust_name(adjust: str) -> str:
    return {"holm": "Holm", "bh": "Benjamini-Hochberg", "fdr_bh": "Benjamini-Hochberg"}[adjust]


# --------------------------------------------------------------------------- subgroups


@dataclass(frozen=True)
class SubgroupResult(Result):
    """Effects within subgroups, interaction tests and adjusted p-values.

    Attributes
    ----------
    overall : EffectResult
        The effect in all rows.
    table : EffectTable
        One row per (``by`` column, level) with extra columns ``by``, ``level``,
        ``pvalue_adjusted`` (when adjusted) and ``pvalue_interaction``.
    interactions : mapping of str to TestResult
        Per ``by`` column: Wald F test that the effect is the same in every level.
    adjust : str or None
        Adjustment of the subgroup p-values ("holm", "bh" or None).
    """

    overall: EffectResult
    table: EffectTable
    interactions: Mapping[str, TestResult] = field(default_factory=dict)
    adjust: str | None = None
    outcome: str = ""

    def to_frame(self) -> pd.DataFrame:
        """The subgroup rows (see :meth:`EffectTable.to_frame`) with by/level columns."""
        return self.table.to_frame()

    @speaks
    def summary(self) -> str:
        scale = self.overall.scale
        head = term("Subgroup effects")
        lines = [
            f"{term('Subgroup effects on {outcome}').format(outcome=self.outcome)}"
            if self.outcome
            else head
        ]
        first = self.overall.summary().splitlines()[0]
        lines.append(first.replace(f"{term('Effect')} [All]", term("All")))
        frame = self.to_frame()
        unit = term("pp") if scale == "proportion" else (self.overall.unit or "")
        k = 100.0 if scale == "proportion" else 1.0
        for by, block in frame.groupby("by", sort=False):
            test = self.interactions[str(by)]
            lines.append(
                f"{by}: {term('interaction')} {format_pvalue(test.pvalue)} "
                f"({test.distribution}({test.df:g}) = {number(test.statistic, 2)})"
            )
            lines.extend(f"  {term('note')}: {say(n)}" for n in test.notes)
            for _, row in block.iterrows():
                adj = (
                    f", {term('adjusted')} {format_pvalue(row['pvalue_adjusted'])}"
                    if "pvalue_adjusted" in row and pd.notna(row["pvalue_adjusted"])
                    else ""
                )
                lines.append(
                    f"  {row['level']}: {number(k * row['estimate'], 1, sign=True)} {unit} "
                    f"({number(k * row['ci_low'], 1, sign=True)} {term('to')} "
                    f"{number(k * row['ci_high'], 1, sign=True)}), {format_pvalue(row['pvalue'])}{adj}"
                    f"  [n = {number(row['n_treated'], 0)} + {number(row['n_control'], 0)}]"
                )
        lines.extend(self._method_notes())
        return "\n".join(lines)

    def _method_notes(self) -> list[str]:
        notes: list[str] = []
        if self.adjust:
            notes.append(
                Note(
                    "adjusted p-values: {name} over {k} subgroups",
                    name=_adjust_name(self.adjust),
                    k=len(self.table),
                )
            )
        notes.append(
            Note(
                "interaction test: Wald F on the treatment x level terms of a linear regression "
                "with HC2 standard errors"
            )
        )
        return [say(n) for n in notes]

    def _html_title(self) -> str:
        return f"Subgroup effects on {self.outcome}" if self.outcome else "Subgroup effects"

    def _html_frame(self) -> pd.DataFrame:
        """The overall effect, then one row per subgroup, with adjusted and interaction p."""
        people = EffectTable((self.overall, *self.table.results))._html_frame()
        columns = self.table.columns
        blank = [""]
        if columns is not None and "pvalue_adjusted" in columns:
            adjusted = [format_pvalue(p).removeprefix("p = ") for p in columns["pvalue_adjusted"]]
            people.insert(4, "adjusted p", blank + adjusted)
        interaction = [
            format_pvalue(self.interactions[str(by)].pvalue).removeprefix("p = ")
            for by in (columns["by"] if columns is not None else [])
        ]
        people.insert(4 + ("adjusted p" in people), "interaction p", blank + interaction)
        return people

    def _html_notes(self) -> tuple[str, ...]:
        test_notes = [n for t in self.interactions.values() for n in t.notes]
        return (*test_notes, *self._method_notes())

    @speaks
    def plot(
        self,
        ax: Axes | None = None,
        *,
        title: str | None = None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        labels: dict[Any, str] | None = None,
    ) -> Axes:
        """Forest plot: the overall effect, then one block per ``by`` column (pp for shares).

        ``labels`` maps the outcome, ``by`` columns and levels to display text (the default
        title is the outcome's label); ``language="da"`` writes the default texts in Danish.
        """
        from ..plots import subgroup_forest

        shown = labels if isinstance(labels, Mapping) else {}  # subgroup_forest checks it
        headers = {
            str(by): f"{shown.get(by, by)} ({term('interaction')} {format_pvalue(t.pvalue)})"
            for by, t in self.interactions.items()
        }
        return subgroup_forest(
            self.to_frame(),
            overall=self.overall.to_frame(),
            headers=headers,
            ax=ax,
            title=str(shown.get(self.outcome, self.outcome)) if title is None else title,
            xlabel=xlabel,
            ylabel=ylabel,
            labels=labels,
            unit_label=self.overall.unit,
        )


def _not_huge(yv: np.ndarray, outcome: Hashable, func: str) -> np.ndarray:
    """Outcome values up to 1e150: squares of larger ones overflow the interaction test."""
    if yv.size and np.abs(yv).max() > 1e150:
        raise ColumnError(
            f"The outcome column {outcome!r} passed to {func}() holds values up to "
            f"{np.abs(yv).max():.3g} (at most 1e150); rescale it (e.g. to thousands)."
        )
    return yv


def _interaction_test(
    y: np.ndarray, t: np.ndarray, codes: np.ndarray, labels: Sequence[Any], by: str
) -> TestResult:
    """Wald F test (HC2) that the treatment x level coefficients are all zero."""
    n_levels = len(labels)
    n = len(y)
    D = np.zeros((n, n_levels - 1))
    rows = np.flatnonzero(codes > 0)
    D[rows, codes[rows] - 1] = 1.0
    tf = t.astype(float)
    X = np.hstack([np.ones((n, 1)), D, tf[:, None], D * tf[:, None]])
    fit = ols(X, y, cov_type="HC2")
    idx = np.arange(n_levels + 1, 2 * n_levels)
    f, df1, p = fit.wald(idx)
    # A level x arm cell whose outcome is the same for everyone (0 or all events) has HC2
    # variance 0: the test then treats that cell mean as known and is anti-conservative.
    cell = codes * 2 + tf.astype(np.intp)
    lo = np.full(2 * n_levels, np.inf)
    hi = np.full(2 * n_levels, -np.inf)
    np.minimum.at(lo, cell, y)
    np.maximum.at(hi, cell, y)
    flat = np.flatnonzero(lo == hi) // 2
    notes: tuple[str, ...] = ()
    if len(flat):
        names = ", ".join(_show(labels[i]) for i in np.unique(flat))
        note = Note(
            "level(s) {names} of {by} have the same outcome for everyone in an arm (0 or all "
            "events), so their HC2 variance is 0 and the interaction test is anti-conservative "
            "(its p-value is too small); merge these levels or read the test with caution",
            names=names,
            by=by,
        )
        warnings.warn(f"subgroups(): {note}.", SmallSampleWarning, stacklevel=3)
        notes = (note,)
    return TestResult(
        statistic=f,
        pvalue=p,
        null=f"the effect is the same in every level of {by}",
        distribution="F",
        df=df1,
        name=f"treatment x {by} interaction (Wald, HC2; F({df1:g}, {fit.df_resid:g}))",
        notes=notes,
    )


def subgroups(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    by: Hashable | Sequence[Hashable],
    *,
    treated_value: Any = None,
    outcome_value: Any = None,
    conf_level: float = 0.95,
    adjust: str | None = "holm",
    method: str = "newcombe",
    missing: Literal["raise", "drop"] = "raise",
    max_levels: int = 20,
    unit_label: str = "",
) -> SubgroupResult:
    """The treatment effect within each level of each ``by`` column, with interaction tests.

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person.
        Only the columns named in the other arguments are read (see Notes).
    outcome : column name
        Binary (difference in proportions) or continuous (difference in means).
    outcome_value : optional
        The value of ``outcome`` that means the outcome happened ("Ja" in a column of
        "Ja"/"Nej"); needed when a binary outcome is not coded 0/1 or True/False.
    treatment : column name
        Two-valued treatment column (``treated_value`` says which value is treated when it
        is not 0/1 or bool).
    by : column name or list of column names
        Baseline characteristics defining subgroups (categorical; bin continuous ones first,
        e.g. with ``pd.cut``).
    conf_level : float, default 0.95
    adjust : {"holm", "bh", None}, default "holm"
        Adjust the subgroup p-values over all subgroups (all levels of all ``by`` columns):
        Holm or Benjamini-Hochberg (``"fdr_bh"`` is accepted as another name of ``"bh"``).
    method : str, default "newcombe"
        Interval method for a binary outcome.
    missing : {"raise", "drop"}, default "raise"
        What to do with missing values in ``outcome``, ``treatment`` and ``by``: raise, or
        drop those rows with a :class:`~effekt.errors.DroppedRowsWarning`.
    max_levels : int, default 20
        A ``by`` column with more levels raises (it is probably continuous).
    unit_label : str
        Unit of a continuous outcome, for the text ("weeks").

    Returns
    -------
    SubgroupResult

    Notes
    -----
    The interaction test for a ``by`` column with ``L`` levels regresses the outcome on the
    level dummies, treatment and treatment x level dummies (a saturated model: the fitted
    values are the level x arm means), and tests the ``L - 1`` interaction coefficients with
    a Wald F test on the HC2 covariance, ``F(L - 1, n - 2L)``. With HC2 the variance of each
    cell mean is ``s^2 / n_cell``, so the test is the heterogeneity test of the within-level
    differences with unequal variances. For a binary outcome this is the linear probability
    model (differences in proportions), while the subgroup intervals use ``method``.
    Subgroup findings are fragile: read the interaction test, not whether one subgroup is
    significant and another not (Wang et al. 2007).

    A level in which one arm has the same outcome for everyone (for a share: 0 or all
    events) contributes a cell variance of 0, so the F test treats that cell mean as known and
    is anti-conservative. Such cells are kept in the test (dropping them would change the
    hypothesis); a :class:`~effekt.errors.SmallSampleWarning` names the levels and the
    test's ``notes`` (printed by :meth:`SubgroupResult.summary`) say so.

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the outcome, treatment and by columns are collected into pandas; memory ~
    rows × those columns. The estimator is unit-level (it needs every row); a pandas DataFrame
    is used as it is.

    References
    ----------
    Wang, R., Lagakos, S. W., Ware, J. H., Hunter, D. J. & Drazen, J. M. (2007).
    Statistics in medicine -- reporting of subgroup analyses in clinical trials.
    *NEJM* 357, 2189-2194.

    Examples
    --------
    >>> import effekt as ef
    >>> from effekt import rct
    >>> df = ef.synthetic.rct(1302, 1291, p_control=0.12, effect=0.04, seed=3)
    >>> s = rct.subgroups(df, "outcome", "treated", by=["gender", "benefit_group"])
    >>> s.to_frame()[["by", "level"]].values.tolist()[:2]
    [['gender', 'man'], ['gender', 'woman']]
    >>> sorted(s.interactions)
    ['benefit_group', 'gender']
    """
    func = "subgroups"
    data = check_frame(data, func, outcome=outcome, treatment=treatment, by=by)
    conf_level = check_conf_level(conf_level, func)
    check_choice(method, "method", func, PROPORTION_METHODS)
    if (
        isinstance(max_levels, bool)
        or not isinstance(max_levels, numbers.Integral)
        or int(max_levels) < 2
    ):
        raise argument_error(func, "max_levels", "an integer >= 2", max_levels)
    if adjust is not None:
        check_choice(adjust, "adjust", func, (None, *ADJUSTMENTS))
    bys = as_column_list(by)
    check_distinct_columns(bys, "by", func)
    if not bys:
        raise argument_error(func, "by", "a column name or a non-empty list of column names", by)
    require_columns(data, func, outcome=outcome, treatment=treatment, by=bys)
    data = handle_missing(data, [outcome, treatment, *bys], missing, func)
    t = two_valued(data[treatment], treatment, "treatment", func, treated_value)
    y = outcome_indicator(data[outcome], outcome, func, outcome_value)
    binary = _is_binary(y)
    if not binary and not pd.api.types.is_numeric_dtype(y):
        raise ColumnError(
            f"The outcome column {outcome!r} passed to {func}() must be numeric (0/1 for a share); "
            f"it has dtype {y.dtype}. For an outcome coded in words pass outcome_value= (the "
            f"value that means the outcome happened, e.g. {_show(y.dropna().iloc[0])})."
        )
    yv = _not_huge(y.to_numpy(dtype=float), outcome, func)
    need = 1 if binary else 2
    # Validate every by column before estimating anything.
    plan = []
    for b in bys:
        values = data[b]
        levels = _sorted_levels(values)
        if len(levels) < 2:
            raise ColumnError(
                f"The by column {b!r} passed to {func}() has a single value ({_show(levels[0])}); "
                "subgroups need at least two levels."
            )
        if len(levels) > max_levels:
            raise ColumnError(
                f"The by column {b!r} passed to {func}() has {len(levels)} levels (more than "
                f"max_levels={max_levels}); bin it first, e.g. pd.cut(df[{b!r}], bins=[...])."
            )
        codes = np.empty(len(values), dtype=np.intp)
        masks = []
        for i, lv in enumerate(levels):
            mask = (values == lv).to_numpy()
            codes[mask] = i
            n_t, n_c = int(t[mask].sum()), int((~t[mask]).sum())
            if min(n_t, n_c) < need:
                raise ColumnError(
                    f"Level {_show(lv)} of the by column {b!r} passed to {func}() has {n_t} "
                    f"treated and {n_c} control persons; each subgroup needs at least {need} "
                    "in each arm. Merge small levels."
                )
            masks.append((lv, mask))
        plan.append((b, levels, codes, masks))

    overall = _estimate(y, t, outcome, binary, conf_level, method, unit_label, "All")
    results, rows, tests = [], [], {}
    for b, levels, codes, masks in plan:
        for lv, mask in masks:
            results.append(
                _estimate(
                    y[mask], t[mask], outcome, binary, conf_level, method, unit_label, f"{b}: {lv}"
                )
            )
            rows.append({"by": str(b), "level": str(lv)})
        tests[str(b)] = _interaction_test(yv, t, codes, list(levels), str(b))
    columns = pd.DataFrame(rows)
    if adjust is not None:
        columns["pvalue_adjusted"] = _adjust_pvalues([r.pvalue for r in results], adjust)
    columns["pvalue_interaction"] = [tests[r["by"]].pvalue for r in rows]
    table = EffectTable(
        tuple(results), title=f"{outcome} by subgroup", columns=columns, tests=tests
    )
    return SubgroupResult(
        overall=overall, table=table, interactions=tests, adjust=adjust, outcome=str(outcome)
    )
