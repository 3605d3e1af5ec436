"""The language of effekt's text: summaries, table headers for people and plot labels.

English is the default; Danish (``"da"``) is built in. Every word effekt writes comes from
one translation table, :data:`TERMS`, keyed by the English text; a user can correct a term or
add a language by editing it. Numbers follow the language too: Danish writes a decimal comma
and a thousands dot ("1.302", "+4,0 procentpoint").

Set the language for the whole session with :func:`set_language`, for a block with
:func:`use_language`, or for one call with the ``language=`` argument of ``summary()``,
``table()``/``to_frame(...)`` views and plots.

Examples
--------
>>> from effekt.language import number, term, use_language
>>> term("treated", "da")
'deltagere'
>>> with use_language("da"):
...     number(1302.25, 1), term("percentage points")
('1.302,2', 'procentpoint')
>>> number(1302.25, 1)
'1,302.2'
>>> TERMS["treated"]["da"] = "indsatsgruppe"   # a user's own word
>>> term("treated", "da")
'indsatsgruppe'
>>> TERMS["treated"]["da"] = "deltagere"
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

from .errors import EffektError

__all__ = [
    "TERMS",
    "confidence_label",
    "get_language",
    "number",
    "set_language",
    "speaks",
    "term",
    "use_language",
]

#: English text → {language code: translation}. Missing translations fall back to English.
TERMS: dict[str, dict[str, str]] = {
    # results
    "Effect": {"da": "Effekt"},
    "Effects": {"da": "Effekter"},
    "effect": {"da": "effekt"},
    "CI": {"da": "konfidensinterval"},
    "to": {"da": "til"},
    "of": {"da": "af"},
    "treated": {"da": "deltagere"},
    "control": {"da": "kontrolgruppe"},
    "n treated": {"da": "antal deltagere"},
    "n control": {"da": "antal i kontrolgruppen"},
    "relative change": {"da": "relativ ændring"},
    "method": {"da": "metode"},
    "note": {"da": "bemærk"},
    "label": {"da": "gruppe"},
    "estimate": {"da": "estimat"},
    "p-value": {"da": "p-værdi"},
    "significant": {"da": "signifikant"},
    "not significant": {"da": "ikke signifikant"},
    "exact test": {"da": "eksakt test"},
    "unbounded": {"da": "ubegrænset"},
    "n/a": {"da": "ikke defineret"},
    "percentage points": {"da": "procentpoint"},
    "pp": {"da": "procentpoint"},
    "test": {"da": "test"},
    "statistic": {"da": "teststørrelse"},
    "null hypothesis": {"da": "nulhypotese"},
    "degrees of freedom": {"da": "frihedsgrader"},
    "difference": {"da": "forskel"},
    "share": {"da": "andel"},
    "mean": {"da": "gennemsnit"},
    "outcome": {"da": "udfald"},
    "week": {"da": "uge"},
    "weeks": {"da": "uger"},
    "month": {"da": "måned"},
    "months": {"da": "måneder"},
    "period": {"da": "periode"},
    "time": {"da": "tid"},
    "group": {"da": "gruppe"},
    "overall": {"da": "samlet"},
    "yes": {"da": "ja"},
    "no": {"da": "nej"},
    "no effect": {"da": "ingen effekt"},
    "no effect at any period": {"da": "ingen effekt i nogen periode"},
    "equal effects": {"da": "ens effekter"},
    "the interval and the test disagree": {"da": "intervallet og testen er uenige"},
    "power": {"da": "styrke"},
    "Power {power} % to detect {effect} at alpha = {alpha} (two-sided)": {
        "da": "Styrke {power} % til at påvise {effect} ved signifikansniveau {alpha} (tosidet)"
    },
    "solved for": {"da": "løst for"},
    "Reported {treated} of {n_treated} vs {control} of {n_control}": {
        "da": "Offentliggjort {treated} af {n_treated} mod {control} af {n_control}"
    },
    "rounded to {d} decimals": {"da": "afrundet til {d} decimaler"},
    "consistent events": {"da": "forenelige antal hændelser"},
    "pairs": {"da": "par"},
    "over all pairs": {"da": "over alle par"},
    "significant for every consistent count pair": {
        "da": "signifikant for alle forenelige par af antal"
    },
    "significant for some consistent count pairs only": {
        "da": "kun signifikant for nogle forenelige par af antal"
    },
    "not significant for any consistent count pair": {
        "da": "ikke signifikant for noget foreneligt par af antal"
    },
    "Subgroup effects": {"da": "Effekter i undergrupper"},
    "Subgroup effects on {outcome}": {"da": "Effekter i undergrupper på {outcome}"},
    "adjusted": {"da": "justeret"},
    "Effect over time": {"da": "Effekt over tid"},
    "Event study": {"da": "Eventstudie"},
    "the outcome": {"da": "udfaldet"},
    "reference": {"da": "reference"},
    "reference event time": {"da": "referencetidspunkt"},
    "periods": {"da": "perioder"},
    "on": {"da": "på"},
    "not reached": {"da": "ikke nået"},
    "median": {"da": "median"},
    "events": {"da": "hændelser"},
    "weighted": {"da": "vægtet"},
    # methods
    "Newcombe hybrid score interval; Pearson chi-square test without continuity correction": {
        "da": "Newcombes hybride score-interval; Pearsons chi²-test uden kontinuitetskorrektion"
    },
    # plots
    "interaction": {"da": "interaktion"},
    "Pre-trend test ({n} pre-periods): {p}": {
        "da": "Test for forudgående trend ({n} perioder før start): {p}"
    },
    "all": {"da": "alle"},
    "{unit} since start": {"da": "{unit} siden start"},
    "Share still without a job (%)": {"da": "Andel stadig uden job (%)"},
    "Share in job (%)": {"da": "Andel i job (%)"},
    "Effect (percentage points)": {"da": "Effekt (procentpoint)"},
    "Effect (difference in means)": {"da": "Effekt (forskel i gennemsnit)"},
    "All": {"da": "Alle"},
    "Time": {"da": "Tid"},
    "Week": {"da": "Uge"},
    "Month": {"da": "Måned"},
    "Event time": {"da": "Tid i forhold til start"},
    "simultaneous {level} band ({name})": {"da": "samtidigt {level}-bånd ({name})"},
    "pointwise {level}": {"da": "punktvist {level}"},
    "Share in {outcome} (%)": {"da": "Andel i {outcome} (%)"},
    "Without the course (what would have happened)": {
        "da": "Uden forløbet (det, der ellers ville være sket)"
    },
    "With the course = simple effect (what the contract measures)": {
        "da": "Med forløbet = simpel effekt (det, kontrakten måler)"
    },
    "effect of\nthe course\n{effect}": {"da": "forløbets\neffekt\n{effect}"},
    "ranked by simple effect: no. {rank}": {"da": "nr. {rank} efter simpel effekt"},
    "ranked by effect of the course: no. {rank}": {"da": "nr. {rank} efter forløbets effekt"},
    "The highest simple effect is not the best effect": {
        "da": "Den højeste simple effekt er ikke den bedste effekt"
    },
    "Simple effect and effect of the course": {"da": "Simpel effekt og forløbets effekt"},
    "sample size": {"da": "stikprøvestørrelse"},
    # reports (effekt.report.Report and the result protocol in effekt.results)
    "Method": {"da": "Metode"},
    "Confidence level": {"da": "Konfidensniveau"},
    "Standard error": {"da": "Standardfejl"},
    "Estimand": {"da": "Estimand"},
    "Intervals": {"da": "Intervaller"},
    "standard error from the method above": {"da": "standardfejl fra metoden ovenfor"},
    "Units in the estimate": {"da": "Personer i estimatet"},
    "Notes (dropped rows, warnings)": {"da": "Bemærkninger (udeladte rækker, advarsler)"},
    "Participants": {"da": "Deltagerne"},
    "comparable non-participants": {"da": "blandt sammenlignelige ikke-deltagere"},
    "in the control group": {"da": "i kontrolgruppen"},
    "the share with '{outcome}'": {"da": "andelen med '{outcome}'"},
    "the mean of '{outcome}'": {"da": "gennemsnittet af '{outcome}'"},
    "the share with the outcome": {"da": "andelen med udfaldet"},
    "the mean of the outcome": {"da": "gennemsnittet af udfaldet"},
    "higher": {"da": "højere"},
    "lower": {"da": "lavere"},
    "the difference is unlikely to be chance alone": {
        "da": "forskellen skyldes næppe tilfældigheder alene"
    },
    "the difference could be chance": {"da": "forskellen kan skyldes tilfældigheder"},
    "no confidence interval is available, so chance cannot be judged": {
        "da": "der er intet konfidensinterval, så tilfældigheder kan ikke vurderes"
    },
    "{who}: {what} was {size} {direction} than {than}; {chance}.": {
        "da": "{who}: {what} var {size} {direction} end {than}; {chance}."
    },
    "{who}: {what} was {size} {direction} ({level} {lo} to {hi}) than {than}; {chance}.": {
        "da": "{who}: {what} var {size} {direction} ({level} {lo} til {hi}) end {than}; {chance}."
    },
    "Findings": {"da": "Resultater"},
    "Methods": {"da": "Metode"},
    "Contents": {"da": "Indhold"},
    "Figure": {"da": "Figur"},
    "Covariate balance before and after matching": {
        "da": "Balance i baggrundsvariable før og efter matchning"
    },
    "Propensity scores before and after matching": {
        "da": "Propensity scores før og efter matchning"
    },
    "Balance of each covariate": {"da": "Balance for hver baggrundsvariabel"},
    "covariate": {"da": "baggrundsvariabel"},
    "SMD before": {"da": "SMD før"},
    "SMD after": {"da": "SMD efter"},
    "variance ratio after": {"da": "variansforhold efter"},
    "Made with effekt {version} on {date}. Self-contained: figures are embedded, nothing is "
    "loaded from the network.": {
        "da": "Lavet med effekt {version} den {date}. Selvstændig fil: figurerne er indlejret, "
        "intet hentes fra nettet."
    },
    "Report": {"da": "Rapport"},
}

_SUPPORTED = ("en", "da")
_current: ContextVar[str] = ContextVar("effekt_language", default="en")


def _check(language: str) -> str:
    known = set(_SUPPORTED) | {code for t in TERMS.values() for code in t}
    if not isinstance(language, str) or language not in known:
        raise EffektError(
            f"The 'language' argument must be one of {sorted(known)}; got {language!r}. "
            "Add a language by adding its words to effekt.language.TERMS."
        )
    return language


def get_language(language: str | None = None) -> str:
    """The language to write in: ``language`` when given, else the session's setting.

    Examples
    --------
    >>> get_language(), get_language("da")
    ('en', 'da')
    """
    return _check(language) if language is not None else _current.get()


def set_language(language: str) -> None:
    """Set the language of all later summaries, tables and plots (``"en"`` or ``"da"``).

    Examples
    --------
    >>> set_language("da"); get_language()
    'da'
    >>> set_language("en")
    """
    _current.set(_check(language))


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Write in ``language`` inside a ``with`` block only.

    Examples
    --------
    >>> with use_language("da"):
    ...     term("control")
    'kontrolgruppe'
    >>> term("control")
    'control'
    """
    token = _current.set(_check(language))
    try:
        yield
    finally:
        _current.reset(token)


def term(text: str, language: str | None = None) -> str:
    """``text`` (English) in ``language``; English when the table has no translation.

    Examples
    --------
    >>> term("relative change", "da"), term("no such words", "da")
    ('relativ ændring', 'no such words')
    """
    lang = get_language(language)
    if lang == "en":
        return text
    return TERMS.get(text, {}).get(lang, text)


def number(
    value: float | None, digits: int | None = 1, language: str | None = None, *, sign: bool = False
) -> str:
    """A number with the language's decimal mark and thousands separator.

    ``digits=None`` writes the shortest form (``format(value, "g")``), without thousands
    separators.

    Examples
    --------
    >>> number(0.0031, 3, "da"), number(4.0, 1, "da", sign=True), number(1291, 0, "da")
    ('0,003', '+4,0', '1.291')
    """
    if value is None or not math.isfinite(value):
        return term("n/a", language)
    plus = "+" if sign else ""
    text = f"{value:{plus}g}" if digits is None else f"{value:{plus},.{digits}f}"
    if get_language(language) == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def confidence_label(conf_level: float, language: str | None = None) -> str:
    """ "95% CI" in English, "95 %-konfidensinterval" in Danish.

    Examples
    --------
    >>> confidence_label(0.95), confidence_label(0.9, "da")
    ('95% CI', '90 %-konfidensinterval')
    """
    level = f"{round(100 * conf_level, 1):g}"
    if get_language(language) == "da":
        return f"{level.replace('.', ',')} %-{term('CI', 'da')}"
    return f"{level}% {term('CI', language)}"


R = TypeVar("R", covariant=True)


class Speaking(Protocol[R]):
    """A callable that also takes ``language=`` (what :func:`speaks` returns)."""

    def __call__(self, *args: Any, language: str | None = None, **kwargs: Any) -> R: ...


def speaks(function: Callable[..., R]) -> Speaking[R]:
    """Give a method a keyword ``language=`` under which its text is written.

    The method itself writes through :func:`term` and :func:`number`, which follow the
    current language; this decorator sets it for the call. Adding Danish to a result class
    is then: decorate ``summary`` (and the ``_html_*`` hooks need nothing) and route its words
    through :func:`term`.

    Examples
    --------
    >>> class R:
    ...     @speaks
    ...     def summary(self):
    ...         return term("control")
    >>> R().summary(), R().summary(language="da")
    ('control', 'kontrolgruppe')
    """

    @functools.wraps(function)
    def wrapper(*args: Any, language: str | None = None, **kwargs: Any) -> Any:
        with use_language(get_language(language)):
            return function(*args, **kwargs)

    signature = inspect.signature(function)
    extra = inspect.Parameter("language", inspect.Parameter.KEYWORD_ONLY, default=None)
    params = [p for p in signature.parameters.values() if p.kind != p.VAR_KEYWORD]
    tail = [p for p in signature.parameters.values() if p.kind == p.VAR_KEYWORD]
    wrapper.__signature__ = signature.replace(parameters=[*params, extra, *tail])  # type: ignore[attr-defined]
    return wrapper
