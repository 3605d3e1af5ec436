"""Danish words of the reproduction report, its terminal table and the command line.

They are added to the one translation table, :data:`effekt.language.TERMS`, when this module
is imported (by :mod:`effekt.reproduction`, :mod:`effekt.report` and :mod:`effekt.cli`); a
translation the user has already set is kept.
"""

from __future__ import annotations

from .language import TERMS

DANISH: dict[str, str] = {
    # terminal table (effekt.reproduction.format_table)
    "figure": "figur",
    "reported": "oplyst",
    "published: CI": "offentl.: KI",
    "claim": "påstand",
    "rel.": "rel.",
    "synthetic: est [CI]": "syntetisk: est. [KI]",
    "ok": "ok",
    "naive": "naiv",
    "depends": "afhænger",
    "exact": "eksakt",
    "NO": "NEJ",
    "n/a (claim)": "i.r.",
    "Effects in percentage points (pp) for shares, in hours/weeks for means. reported: the "
    "note's figure (~ approximate);": "Effekter på andele i procentpoint, på gennemsnit i timer/"
    "uger. oplyst: notatets tal (~ omtrentligt);",
    "published: 95 % CI over every count consistent with the rounded shares; claim: does the "
    "note's significance claim hold;": "offentl.: 95 %-KI over alle antal, der passer med de "
    "afrundede andele; påstand: holder notatets påstand om signifikans;",
    "rel.: stated relative change consistent; synthetic: re-estimated with the study's method "
    "on calibrated synthetic data;": "rel.: den oplyste relative ændring passer; syntetisk: "
    "genberegnet med studiets metode på kalibrerede syntetiske data;",
    "ok: the interval contains the reported effect; naive: unadjusted difference (matched "
    "studies).": "ok: intervallet indeholder den offentliggjorte effekt; naiv: ujusteret "
    "forskel (matchede studier).",
    "DiD (section 3): change in the gap participating - other municipalities from the "
    "project's start to its end; published: exact from the four shares.": "DiD (afsnit 3): "
    "ændringen i forskellen mellem deltagende og øvrige kommuner fra projektets start til "
    "slut; offentl.: eksakt ud fra de fire andele.",
    "Jobrotation: weeks faster to an unsubsidised job (restricted mean over 23 months, "
    "control - temps).": "Jobrotation: uger hurtigere i ustøttet job (begrænset middelværdi "
    "over 23 måneder, kontrol - vikarer).",
    # reproduction report (effekt.report.html_report)
    "effekt: reproduction of the Danish ALMP notes": "effekt: genberegning af de danske "
    "notater om beskæftigelsesindsatser",
    "Reproducing the evaluation notes": "Genberegning af evalueringsnotaterne",
    "seed": "seed",
    "studies": "studier",
    "reported figures": "offentliggjorte tal",
    "re-estimated": "genberegnet",
    "Summary for the committee": "Sammenfatning til udvalget",
    "study": "studie",
    "what the note claims": "hvad notatet påstår",
    "do the published numbers support it?": "støtter de offentliggjorte tal det?",
    "synthetic check": "syntetisk kontrol",
    "(and {n} more figures)": "(og {n} tal mere)",
    "Reported, published and re-estimated effects": "Offentliggjorte, efterregnede og "
    "genberegnede effekter",
    "forest plot of reported and re-estimated effects": "forest-plot af offentliggjorte og "
    "genberegnede effekter",
    "Every reported figure": "Alle offentliggjorte tal",
    "The studies": "Studierne",
    "Made by <code>effekt reproduce</code>. Self-contained: figures are embedded, nothing is "
    "loaded from the network.": "Lavet med <code>effekt reproduce</code>. Selvstændig fil: "
    "figurerne er indlejret, intet hentes fra nettet.",
    "population": "population",
    "notes": "notater",
    "Synthetic data assume": "De syntetiske data antager",
    "(beyond the notes)": "(ud over notaterne)",
    "Covariate balance before and after matching for {fid} (standardized mean differences; "
    "0.1 threshold).": "Balance i baggrundsvariable før og efter matchning for {fid} "
    "(standardiserede gennemsnitsforskelle; grænse 0,1).",
    "The published shares and sample sizes support the claimed significance": "De "
    "offentliggjorte andele og stikprøvestørrelser støtter påstanden om signifikans",
    "Whether the effect is significant depends on how the published shares were rounded": "Om "
    "effekten er signifikant, afhænger af, hvordan de offentliggjorte andele blev afrundet",
    "The published numbers do not support the claim": "De offentliggjorte tal støtter ikke "
    "påstanden",
    "The stated relative change cannot come out of the rounded shares": "Den oplyste relative "
    "ændring kan ikke komme ud af de afrundede andele",
    "For {fid} they give a 95 % interval of {low} to {high} (it {zero} zero).": "For {fid} "
    "giver de et 95 %-interval fra {low} til {high} (det {zero} nul).",
    "excludes": "udelukker",
    "includes": "indeholder",
    "The change in the gap follows exactly from the four published shares; the note gives no "
    "uncertainty, and participating municipalities were not chosen at random.": "Ændringen i "
    "forskellen følger eksakt af de fire offentliggjorte andele; notatet angiver ingen "
    "usikkerhed, og de deltagende kommuner blev ikke udvalgt tilfældigt.",
    "The notes give no two shares with sample sizes, so the claims cannot be checked from the "
    "published numbers.": "Notaterne giver ikke to andele med stikprøvestørrelser, så "
    "påstandene kan ikke efterprøves ud fra de offentliggjorte tal.",
    "not re-estimated": "ikke genberegnet",
    "covers {n} of {total} reported effects at this seed": "dækker {n} af {total} "
    "offentliggjorte effekter ved dette seed",
    "covered in {share} % of {seeds} seeds ({n} figures)": "dækket i {share} % af {seeds} "
    "seeds ({n} tal)",
    "At seed {seed} the re-estimate covers {n} of {total} reported effects.": "Ved seed {seed} "
    "dækker genberegningen {n} af {total} offentliggjorte effekter.",
    "Over {seeds} seeds of synthetic data, the re-estimate's 95 % interval contained the "
    "reported effect in <b>{share} %</b> of {runs} figure-by-seed runs (about 95 % is what a "
    "correct 95 % interval gives). Per seed, {low} to {high} of the {n} re-estimated figures "
    "were covered (median {median}; all {n} in {all_in} seeds); this run (seed {seed}) covers "
    "{here} of {total}.": "Over {seeds} seeds med syntetiske data indeholdt genberegningens "
    "95 %-interval den offentliggjorte effekt i <b>{share} %</b> af {runs} kørsler (tal gange "
    "seed; et korrekt 95 %-interval giver omkring 95 %). Pr. seed var {low} til {high} af de "
    "{n} genberegnede tal dækket (median {median}; alle {n} i {all_in} seeds); denne kørsel "
    "(seed {seed}) dækker {here} af {total}.",
    "gap": "forskel",
    "depends on rounding": "afhænger af afrundingen",
    "no effect": "ingen effekt",
    # audit table headers
    "shares (T vs C)": "andele (D mod K)",
    "reported effect": "oplyst effekt",
    "rel. change": "rel. ændring",
    "n (T / C)": "n (D / K)",
    "published: 95 % CI": "offentl.: 95 %-KI",
    "p range": "p-interval",
    "claim holds": "påstand holder",
    "rel. change fits": "rel. ændring passer",
    "synthetic: estimate [95 % CI]": "syntetisk: estimat [95 %-KI]",
    "covers": "dækker",
    # forest plot
    "Effects on shares": "Effekter på andele",
    "Very large effects on shares (own scale)": "Meget store effekter på andele (egen skala)",
    "Municipality comparisons (DiD): change in the gap, start to end": "Kommunesammenligninger "
    "(DiD): ændring i forskellen fra start til slut",
    "Simple effects: share in a job at course end": "Simple effekter: andel i job ved "
    "forløbets afslutning",
    "Effects on hours": "Effekter på timer",
    "Effects on weeks": "Effekter på uger",
    "Change in gap (percentage points)": "Ændring i forskellen (procentpoint)",
    "Share in a job (%)": "Andel i job (%)",
    "Effect (hours per week)": "Effekt (timer pr. uge)",
    "Effect (weeks)": "Effekt (uger)",
    "reported range": "oplyst interval",
    "reported in the note": "oplyst i notatet",
    "published shares and sizes: 95 % CI (all consistent counts)": "offentliggjorte andele og "
    "størrelser: 95 %-KI (alle forenelige antal)",
    "re-estimate on synthetic data, 95 % CI (not the study's own)": "genberegning på "
    "syntetiske data, 95 %-KI (ikke studiets eget)",
    "naive difference (no matching)": "naiv forskel (uden matchning)",
    "no re-estimated figures in this run": "ingen genberegnede tal i denne kørsel",
    "What the notes report, what their numbers support, and a synthetic re-estimate": "Hvad "
    "notaterne oplyser, hvad deres tal støtter, og en syntetisk genberegning",
    # command line
    "done in {seconds} s": "færdig på {seconds} s",
    "wrote {kind}: {path}": "skrev {kind}: {path}",
    "figures": "tal",
    "section": "afsnit",
    "method": "metode",
    "{name} not written: {reason}": "{name} ikke skrevet: {reason}",
}


def register() -> None:
    """Add the Danish words to :data:`effekt.language.TERMS` (keeping a user's own words)."""
    for english, danish in DANISH.items():
        TERMS.setdefault(english, {}).setdefault("da", danish)


register()
