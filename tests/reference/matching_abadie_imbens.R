# Reference values for the Abadie-Imbens SE of matching with replacement (effekt.matching).
# Matching 4.10-8 (CRAN; not MatchIt). Run from the repository root:
#   Rscript tests/reference/matching_abadie_imbens.R
# Writes tests/reference/matching_abadie_imbens.json and matching_ai_sim.csv.
suppressPackageStartupMessages(library(Matching))
dir <- "tests/reference"
ps <- read.csv(file.path(dir, "matching_lalonde", "ps_lalonde_psid.csv"))
lal <- read.csv(file.path(dir, "matching_lalonde", "lalonde_matchit_psid.csv"))
stopifnot(all(ps$id == lal$id))
out <- list(matching_version = as.character(packageVersion("Matching")))
fit <- function(Y, Tr, X, M, var_calc) {
  m <- Match(Y = Y, Tr = Tr, X = X, estimand = "ATT", M = M, Var.calc = var_calc)
  list(M = M, var_calc = var_calc, estimate = unname(m$est[1, 1]), se = unname(m$se),
       n_rows = length(m$index.treated), n_distinct_controls = length(unique(m$index.control)))
}
# Lalonde, distance = glm propensity score; ties kept (Match default)
out$lalonde <- list(
  fit(lal$re78, lal$treat, ps$ps, 1, 0),
  fit(lal$re78, lal$treat, ps$ps, 1, 1),
  fit(lal$re78, lal$treat, ps$ps, 2, 0),
  fit(lal$re78, lal$treat, ps$ps, 2, 2)
)
# simulated continuous score without ties
set.seed(20261122)
n <- 400
x <- rnorm(n)
tr <- rbinom(n, 1, plogis(-1 + 0.8 * x))
y <- 1 + 2 * x + 1.5 * tr + rnorm(n) * (1 + 0.5 * abs(x))
sim <- data.frame(x = x, treat = tr, y = y)
write.csv(sim, file.path(dir, "matching_ai_sim.csv"), row.names = FALSE)
sim <- read.csv(file.path(dir, "matching_ai_sim.csv"))  # use exactly the stored digits
out$sim <- list(
  fit(sim$y, sim$treat, sim$x, 1, 0),
  fit(sim$y, sim$treat, sim$x, 1, 1),
  fit(sim$y, sim$treat, sim$x, 1, 3),
  fit(sim$y, sim$treat, sim$x, 3, 2)
)
writeLines(jsonlite::toJSON(out, auto_unbox = TRUE, digits = 17, pretty = TRUE),
           file.path(dir, "matching_abadie_imbens.json"))
