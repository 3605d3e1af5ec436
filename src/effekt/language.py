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
    "Note",
    "confidence_label",
    "get_language",
    "number",
    "say",
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
    "Participants": {"da": "Deltagere"},
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
    # providers: funnel and caterpillar plots
    "Share (%)": {"da": "Andel (%)"},
    "Expected successes": {"da": "Forventet antal med udfaldet"},
    "Observed / expected": {"da": "Observeret / forventet"},
    "observed = expected": {"da": "observeret = forventet"},
    "overdispersion: phi = {phi}, tau = {tau} (square-root scale)": {
        "da": "overspredning: phi = {phi}, tau = {tau} (kvadratrodsskala)"
    },
    "95 % limits": {"da": "95 %-grænser"},
    "99.8 % limits": {"da": "99,8 %-grænser"},
    "overall {rate} %": {"da": "samlet {rate} %"},
    "providers": {"da": "udbydere"},
    "flagged by the test (table)": {"da": "markeret af testen (tabellen)"},
    "outside 95 % limits (not the test)": {"da": "uden for 95 %-grænserne (ikke testen)"},
    "outside 99.8 % limits (not the test)": {"da": "uden for 99,8 %-grænserne (ikke testen)"},
    "overdispersion: phi = {phi}, tau = {tau} pp": {
        "da": "overspredning: phi = {phi}, tau = {tau} procentpoint"
    },
    "Providers, ranked": {"da": "Udbydere, rangordnet"},
    "Risk-adjusted share with {outcome} (%)": {"da": "Risikojusteret andel med {outcome} (%)"},
    "Simple effect: share with {outcome} (%)": {"da": "Simpel effekt: andel med {outcome} (%)"},
    "Providers ranked after adjustment for case mix": {
        "da": "Udbydere rangordnet efter justering for borgersammensætning"
    },
    "Providers adjusted for case mix ({method} standardisation)": {
        "da": "Udbydere justeret for borgersammensætning ({method} standardisering)"
    },
    "Simple effects by provider (not adjusted for case mix)": {
        "da": "Simple effekter pr. udbyder (ikke justeret for borgersammensætning)"
    },
    "indirect": {"da": "indirekte"},
    "direct": {"da": "direkte"},
    "flagged by the test (table): interval excludes the overall rate": {
        "da": "markeret af testen (tabellen): intervallet udelukker den samlede andel"
    },
    "adjusted rate, interval of the test (multiplicity-adjusted)": {
        "da": "justeret andel, testens interval (justeret for multipel testning)"
    },
    "shrunken rate, interval of the test (multiplicity-adjusted)": {
        "da": "krympet andel, testens interval (justeret for multipel testning)"
    },
    "shrunken interval excludes the overall rate (not the test)": {
        "da": "det krympede interval udelukker den samlede andel (ikke testen)"
    },
    "shrunken (empirical Bayes), {level} % interval": {
        "da": "krympet (empirisk Bayes), {level} %-interval"
    },
    "adjusted, not shrunken": {"da": "justeret, ikke krympet"},
    # providers: summaries and people's tables
    "indirect standardisation (O/E)": {"da": "indirekte standardisering (O/E)"},
    "direct standardisation": {"da": "direkte standardisering"},
    "Provider comparison of {outcome} by {provider}, {how}, case mix: {case_mix}": {
        "da": "Sammenligning af udbydere på {outcome} efter {provider}, {how}, "
        "borgersammensætning: {case_mix}"
    },
    "{k} providers, {n} participants, overall rate {rate} %; between-provider SD after "
    "adjustment {sd} pp": {
        "da": "{k} udbydere, {n} deltagere, samlet andel {rate} %; spredning mellem udbydere "
        "efter justering {sd} procentpoint"
    },
    "{adjust}-adjusted": {"da": "{adjust}-justeret"},
    "Differ credibly from the average after adjustment ({adjusted}, {level}):": {
        "da": "Afviger troværdigt fra gennemsnittet efter justering ({adjusted}, {level}):"
    },
    "No provider differs credibly from the average after adjustment ({adjusted}, {level}).": {
        "da": "Ingen udbyder afviger troværdigt fra gennemsnittet efter justering "
        "({adjusted}, {level})."
    },
    "{bad} provider(s) serve participants outside what the others cover (see .comparability).": {
        "da": "{bad} udbyder(e) har deltagere uden for det, de andre dækker (se .comparability)."
    },
    "{provider}: raw {rate} %, adjusted {adjusted} % ({ci} {low} to {high}), O/E {oe}, "
    "n = {n}, adjusted {p} ({direction})": {
        "da": "{provider}: rå {rate} %, justeret {adjusted} % ({ci} {low} til {high}), O/E {oe}, "
        "n = {n}, justeret {p} ({direction})"
    },
    "above": {"da": "over"},
    "below": {"da": "under"},
    "provider": {"da": "udbyder"},
    "participants": {"da": "deltagere"},
    "with the outcome": {"da": "med udfaldet"},
    "expected": {"da": "forventet"},
    "raw rate (%)": {"da": "rå andel (%)"},
    "adjusted rate (%)": {"da": "justeret andel (%)"},
    "shrunken rate (%)": {"da": "krympet andel (%)"},
    "differs": {"da": "afviger"},
    "rank (shrunken)": {"da": "rang (krympet)"},
    "rate (%)": {"da": "andel (%)"},
    "difference from the others (pp)": {"da": "forskel fra de andre (procentpoint)"},
    "difference CI (pp)": {"da": "konfidensinterval for forskellen (procentpoint)"},
    "Simple effects of {outcome} by {provider}{period}: {k} rows, {n} participants, overall "
    "{rate} %": {
        "da": "Simple effekter af {outcome} efter {provider}{period}: {k} rækker, {n} deltagere, "
        "samlet {rate} %"
    },
    " and {period}": {"da": " og {period}"},
    "Differ from the other providers ({adjusted}, {level}):": {
        "da": "Afviger fra de andre udbydere ({adjusted}, {level}):"
    },
    "No provider differs credibly from the others ({adjusted}, {level}).": {
        "da": "Ingen udbyder afviger troværdigt fra de andre ({adjusted}, {level})."
    },
    "{provider}{period}: {rate} % of {n} ({diff} pp, {ci} {low} to {high}; adjusted {p})": {
        "da": "{provider}{period}: {rate} % af {n} ({diff} procentpoint, {ci} {low} til {high}; "
        "justeret {p})"
    },
    "simple effects are not causal effects - they mix the provider's work with who was "
    "referred, the business cycle and chance; see compare_providers() for case-mix "
    "adjustment.": {
        "da": "simple effekter er ikke kausale effekter - de blander udbyderens arbejde med, "
        "hvem der blev henvist, konjunkturen og tilfældigheder; se compare_providers() for "
        "justering for borgersammensætning."
    },
    "{outcome} against the contracted target {target} % (exact binomial, {ci}):": {
        "da": "{outcome} mod det aftalte mål på {target} % (eksakt binomial, {ci}):"
    },
    "{provider}: {rate} % of {n} ({low} to {high} %), {p} -> {verdict}": {
        "da": "{provider}: {rate} % af {n} ({low} til {high} %), {p} -> {verdict}"
    },
    "consistent": {"da": "forenelig med målet"},
    "a simple effect says nothing about what would have happened without the course.": {
        "da": "en simpel effekt siger intet om, hvad der ville være sket uden forløbet."
    },
    "A simple effect says nothing about what would have happened without the course.": {
        "da": "En simpel effekt siger intet om, hvad der ville være sket uden forløbet."
    },
    "target (%)": {"da": "mål (%)"},
    "verdict": {"da": "vurdering"},
    "target {target} %": {"da": "mål {target} %"},
    "Share with {outcome} (%)": {"da": "Andel med {outcome} (%)"},
    # matching: summaries and people's tables
    "treated: {n_t} ({n_tm} matched, {n_tu} unmatched); controls: {n_c} ({n_cu} used)": {
        "da": "deltagere: {n_t} ({n_tm} matchet, {n_tu} ikke matchet); kontroller: {n_c} "
        "({n_cu} brugt)"
    },
    "discarded (common support)": {"da": "udeladt (fælles støtte)"},
    "|SMD| after matching <= 0.1 for every covariate": {
        "da": "|SMD| efter matchning <= 0.1 for alle baggrundsvariable"
    },
    "|SMD| after matching > 0.1: {names}": {"da": "|SMD| efter matchning > 0.1: {names}"},
    "ratio {ratio}": {"da": "forhold {ratio}"},
    "with replacement": {"da": "med tilbagelægning"},
    "without replacement": {"da": "uden tilbagelægning"},
    "caliper": {"da": "caliper"},
    "exact on {columns}": {"da": "eksakt på {columns}"},
    "Nearest-neighbour matching on {distance} ({details})": {
        "da": "Nærmeste-nabo-matchning på {distance} ({details})"
    },
    "treated: {n} ({k} in the sample); controls: {m} ({j} in the sample)": {
        "da": "deltagere: {n} ({k} i stikprøven); kontroller: {m} ({j} i stikprøven)"
    },
    "matched sets": {"da": "matchede grupper"},
    "total distance": {"da": "samlet afstand"},
    "|SMD| after adjustment <= 0.1 for every covariate": {
        "da": "|SMD| efter justering <= 0,1 for alle baggrundsvariable"
    },
    "|SMD| after adjustment > 0.1: {names}": {"da": "|SMD| efter justering > 0,1: {names}"},
    "before": {"da": "før"},
    "after": {"da": "efter"},
    "Nearest-neighbour matching": {"da": "Nærmeste-nabo-matchning"},
    "Optimal pair matching": {"da": "Optimal parvis matchning"},
    "Optimal full matching": {"da": "Optimal fuld matchning"},
    "Coarsened exact matching": {"da": "Grovinddelt eksakt matchning (CEM)"},
    "Subclassification on the propensity score": {"da": "Underklasser efter propensity score"},
    "Entropy balancing": {"da": "Entropibalancering"},
    "Overlap weights": {"da": "Overlapvægte"},
    "Inverse-probability weighting": {"da": "Invers sandsynlighedsvægtning"},
    "treated units": {"da": "deltagere"},
    "control units": {"da": "kontroller"},
    "covariates with |SMD| > 0.1": {"da": "baggrundsvariable med |SMD| > 0.1"},
    "largest |SMD|": {"da": "største |SMD|"},
    "before matching": {"da": "før matchning"},
    "after matching": {"da": "efter matchning"},
    "Simple effect (share in a job with the course) vs causal effect (with minus without):": {
        "da": "Simpel effekt (andel i job med forløbet) mod kausal effekt (med minus uden):"
    },
    "{group}: simple {simple} % (rank {rank_simple}), without the course {without} %, causal "
    "effect {effect} pp ({low} to {high}; rank {rank_causal})": {
        "da": "{group}: simpel {simple} % (nr. {rank_simple}), uden forløbet {without} %, "
        "kausal effekt {effect} procentpoint ({low} til {high}; nr. {rank_causal})"
    },
    "Ranking by simple effect differs from ranking by causal effect: the highest simple effect "
    "is not the best course.": {
        "da": "Rangordningen efter simpel effekt afviger fra rangordningen efter kausal effekt: "
        "den højeste simple effekt er ikke det bedste forløb."
    },
    "with the course (n)": {"da": "med forløbet (antal)"},
    "simple effect (%)": {"da": "simpel effekt (%)"},
    "without the course (n)": {"da": "uden forløbet (antal)"},
    "without the course (%)": {"da": "uden forløbet (%)"},
    "causal effect (pp)": {"da": "kausal effekt (procentpoint)"},
    "rank by simple effect": {"da": "nr. efter simpel effekt"},
    "rank by causal effect": {"da": "nr. efter kausal effekt"},
    "Overdispersion (Spiegelhalter 2005, {w} % winsorised, {n} units): phi = {phi} ({p}), tau = {tau} pp": {
        "da": "Overspredning (Spiegelhalter 2005, {w} % winsoriseret, {n} enheder): phi = {phi} ({p}), tau = {tau} procentpoint"
    },
    "largest {value}: {name}": {"da": "største {value}: {name}"},
    "{above} of {k} covariates with |SMD| >= {threshold} ({largest})": {
        "da": "{above} af {k} baggrundsvariable med |SMD| >= {threshold} ({largest})"
    },
    "Balance": {"da": "Balance"},
    "Designs compared ({estimand} on {outcome})": {
        "da": "Designs sammenlignet ({estimand} på {outcome})"
    },
    "{eff} ({ci} {lo} to {hi}); max |SMD| {smd}; {n_t} treated, {n_c} controls": {
        "da": "{eff} ({ci} {lo} til {hi}); største |SMD| {smd}; {n_t} deltagere, {n_c} kontroller"
    },
    "E-value for {measure} = {value}": {"da": "E-værdi for {measure} = {value}"},
    "rare outcome": {"da": "sjældent udfald"},
    "as a risk ratio": {"da": "som risikoratio"},
    "point estimate: E = {e} -- an unmeasured confounder associated with both treatment and outcome by a risk ratio of {e} each could explain it away": {
        "da": "punktestimat: E = {e} -- en umålt confounder, der hænger sammen med både indsats og udfald med en risikoratio på {e} hver, kunne forklare det væk"
    },
    "confidence limit": {"da": "konfidensgrænse"},
    "lower limit": {"da": "nedre"},
    "upper limit": {"da": "øvre"},
    "Propensity score ({model}) for {treatment}: {n_t} treated, {n_c} control, {state}": {
        "da": "Propensity score ({model}) for {treatment}: {n_t} deltagere, {n_c} kontroller, {state}"
    },
    "converged": {"da": "konvergeret"},
    "NOT converged": {"da": "IKKE konvergeret"},
    " in {n} iterations": {"da": " efter {n} iterationer"},
    "scores: min {0}  q1 {1}  median {2}  q3 {3}  max {4}": {
        "da": "scorer: min {0}  q1 {1}  median {2}  q3 {3}  maks {4}"
    },
    "McNemar (discordant pairs)": {"da": "McNemar (uenige par)"},
    "Wilcoxon signed rank": {"da": "Wilcoxons fortegnsrangtest"},
    "discordant pairs": {"da": "uenige par"},
    "non-zero differences": {"da": "forskelle over nul"},
    "treated higher": {"da": "deltagere højere"},
    "treated lower": {"da": "deltagere lavere"},
    "Rosenbaum sensitivity bounds, {test}, one-sided ({direction})": {
        "da": "Rosenbaums følsomhedsgrænser, {test}, ensidet ({direction})"
    },
    "{n} matched pairs, {k} {informative}": {"da": "{n} matchede par, {k} {informative}"},
    "not significant at alpha = {alpha} even without hidden bias (Γ = 1)": {
        "da": "ikke signifikant ved alpha = {alpha} selv uden skjult bias (Γ = 1)"
    },
    "significance at alpha = {alpha} is lost at Γ = {g3}: an unobserved trait that multiplies the odds of treatment by {g2} within pairs could explain the effect away": {
        "da": "signifikansen ved alpha = {alpha} forsvinder ved Γ = {g3}: en umålt egenskab, der ganger oddsene for indsatsen med {g2} inden for par, kunne forklare effekten væk"
    },
    "upper bound on p": {"da": "øvre grænse for p"},
    "lower bound on p": {"da": "nedre grænse for p"},
    "Sensitivity to hidden bias": {"da": "Følsomhed over for skjult bias"},
    "Γ (odds ratio of treatment within a pair due to hidden bias)": {
        "da": "Γ (oddsratio for indsatsen inden for et par på grund af skjult bias)"
    },
    "One-sided p-value": {"da": "Ensidet p-værdi"},
    "max": {"da": "maks"},
    "p (no overdispersion)": {"da": "p (ingen overspredning)"},
    "units": {"da": "enheder"},
    "winsorised (%)": {"da": "winsoriseret (%)"},
    "type": {"da": "type"},
    # matching: love and overlap plots
    "Covariate balance": {"da": "Balance i baggrundsvariable"},
    "Absolute standardized mean difference": {"da": "Absolut standardiseret forskel i gennemsnit"},
    "Standardized mean difference": {"da": "Standardiseret forskel i gennemsnit"},
    "before adjustment": {"da": "før justering"},
    "matched": {"da": "matchet"},
    "Propensity score overlap": {"da": "Overlap i propensity score"},
    "Propensity score": {"da": "Propensity score"},
    "distance": {"da": "propensity score"},
    "Share of group (treated up, controls down)": {
        "da": "Andel af gruppen (deltagere op, kontrolgruppe ned)"
    },
    # notes shown by summary() (issue 15): templates of effekt.language.Note
    "{fields} not defined (NaN or infinite): the data hold too little information for this "
    "method (e.g. an empty or constant group)": {
        "da": "{fields} er ikke defineret (NaN eller uendelig): data rummer for lidt information "
        "til denne metode (fx en tom eller konstant gruppe)"
    },
    "relative change not defined: the control mean is 0": {
        "da": "den relative ændring er ikke defineret: gennemsnittet i kontrolgruppen er 0"
    },
    "every unit has the same outcome: the test statistic is 0 and p = 1 by convention": {
        "da": "alle enheder har samme udfald: teststørrelsen er 0, og p = 1 efter konvention"
    },
    "level(s) {names} of {by} have the same outcome for everyone in an arm (0 or all events), "
    "so their HC2 variance is 0 and the interaction test is anti-conservative (its p-value is "
    "too small); merge these levels or read the test with caution": {
        "da": "niveau(er) {names} af {by} har samme udfald for alle i en arm (0 eller alle "
        "hændelser), så deres HC2-varians er 0, og interaktionstesten er antikonservativ (dens "
        "p-værdi er for lille); slå niveauerne sammen, eller læs testen med forsigtighed"
    },
    "method={method} applies to unadjusted comparisons; with strata=, cluster= or covariates= "
    "the interval is the Wald-type one named in 'method'": {
        "da": "method={method} gælder ujusterede sammenligninger; med strata=, cluster= eller "
        "covariates= er intervallet det Wald-interval, der står under 'method'"
    },
    "Boschloo's exact test skipped: arms of {n1} and {n2} exceed the cap "
    "n_treated * n_control <= {cap} (it would take from tens of seconds to minutes); at these "
    "sizes Fisher's and the asymptotic p-values agree closely.": {
        "da": "Boschloos eksakte test er sprunget over: armene på {n1} og {n2} overstiger "
        "grænsen n_treated * n_control <= {cap} (den ville tage fra titals sekunder til "
        "minutter); ved disse størrelser er Fishers og de asymptotiske p-værdier næsten ens."
    },
    "it is the union of two half-lines, relative change <= {low} % or >= {high} %": {
        "da": "det er foreningen af to halvlinjer, relativ ændring <= {low} % eller >= {high} %"
    },
    "it is the whole real line": {"da": "det er hele den reelle akse"},
    "the Fieller interval for the relative change is unbounded ({detail}): the control mean "
    "is not clearly different from zero (g = {g} >= 1), so no finite interval for the ratio "
    "exists at this confidence level; report the difference in means": {
        "da": "Fieller-intervallet for den relative ændring er ubegrænset ({detail}): "
        "gennemsnittet i kontrolgruppen er ikke tydeligt forskelligt fra nul (g = {g} >= 1), "
        "så der findes intet endeligt interval for forholdet på dette konfidensniveau; "
        "rapportér forskellen i gennemsnit"
    },
    "adjusted p-values: {name} over {k} subgroups": {
        "da": "justerede p-værdier: {name} over {k} undergrupper"
    },
    "interaction test: Wald F on the treatment x level terms of a linear regression with HC2 "
    "standard errors": {
        "da": "interaktionstest: Wald F på leddene indsats x niveau i en lineær regression med "
        "HC2-standardfejl"
    },
    "shares are standardised with the Mantel-Haenszel weights n_t n_c / N of each stratum "
    "(their difference is the effect, their ratio the MH risk ratio)": {
        "da": "andelene er standardiseret med Mantel-Haenszel-vægtene n_t n_c / N i hvert "
        "stratum (deres forskel er effekten, deres forhold MH-risikoforholdet)"
    },
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


class Note(str):
    """A note of a result, translated where it is shown (see :func:`say`).

    It is the English text (a ``str``, so ``notes`` stay tuples of text) and keeps its
    template (a key of :data:`TERMS`) and the values filled into it.

    Examples
    --------
    >>> n = Note("relative change not defined: the control mean is 0")
    >>> n == "relative change not defined: the control mean is 0", say(n, "da")[:21]
    (True, 'den relative ændring ')
    """

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Note:
        self = super().__new__(cls, template.format(**values))
        self.template = template
        self.values = values
        return self

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        return (self.template,), dict(self.values)


def say(text: str, language: str | None = None) -> str:
    """A note in ``language``: a :class:`Note` through its template's translation, other
    text through :func:`term` (unchanged when the table has no translation).

    Examples
    --------
    >>> say(Note("method={method} applies to unadjusted comparisons; with strata=, cluster= or "
    ...          "covariates= the interval is the Wald-type one named in 'method'",
    ...          method="'wald'"), "da")[:38]
    "method='wald' gælder ujusterede sammen"
    """
    if isinstance(text, Note):
        values = {k: say(v, language) if isinstance(v, Note) else v for k, v in text.values.items()}
        return term(text.template, language).format(**values)
    return term(text, language)


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
