# Reference values for effekt.matching.rosenbaum_bounds (tests/test_matching_sensitivity.py).
# rbounds is not installable here, so this is an independent R implementation of the
# bounds of Rosenbaum (2002, Observational Studies, ch. 4) exactly as rbounds::psens
# (Wilcoxon, normal approximation, zero differences dropped, average ranks, no continuity
# correction) and rbounds::binarysens (exact binomial tails over discordant pairs) compute
# them, plus R's own wilcox.test / binom.test at Gamma = 1 and uniroot for Gamma-critical.
# Run: Rscript tests/reference/sensitivity_rosenbaum.R  (writes sensitivity_rosenbaum.json)

psens_bounds <- function(trt, ctrl, gamma) {
  d <- trt - ctrl
  d <- d[d != 0]
  r <- rank(abs(d), ties.method = "average")
  T <- sum(r[d > 0])
  out <- t(sapply(gamma, function(g) {
    pp <- g / (1 + g); pm <- 1 / (1 + g)
    V <- sum(r^2) * pp * (1 - pp)
    c(lower = 1 - pnorm((T - pm * sum(r)) / sqrt(V)),
      upper = 1 - pnorm((T - pp * sum(r)) / sqrt(V)))
  }))
  list(T = T, n = length(d), gamma = gamma, lower = unname(out[, "lower"]), upper = unname(out[, "upper"]),
       crit = uniroot(function(lg) { g <- exp(lg); pp <- g / (1 + g)
                      1 - pnorm((T - pp * sum(r)) / sqrt(sum(r^2) * pp * (1 - pp))) - 0.05 },
                      c(0, log(1000)), tol = 1e-12)$root)
}

binary_bounds <- function(a, b, gamma) {   # a: treated-only events, b: control-only events
  D <- a + b
  list(T = a, D = D, gamma = gamma,
       lower = sapply(gamma, function(g) sum(dbinom(a:D, D, 1 / (1 + g)))),
       upper = sapply(gamma, function(g) sum(dbinom(a:D, D, g / (1 + g)))),
       crit = uniroot(function(lg) pbinom(a - 1, D, exp(lg) / (1 + exp(lg)), lower.tail = FALSE) - 0.05,
                      c(0, log(1000)), tol = 1e-12)$root)
}

# Lead in children's blood (Morton et al. 1982), the example of Rosenbaum (2002, ch. 4)
# and of the rbounds documentation (psens example).
trt <- c(38, 23, 41, 18, 37, 36, 23, 62, 31, 34, 24, 14, 21, 17, 16, 20, 15,
         10, 45, 39, 22, 35, 49, 48, 44, 35, 43, 39, 34, 13, 73, 25, 27)
ctrl <- c(16, 18, 18, 24, 19, 11, 10, 15, 16, 18, 18, 13, 19, 10, 16, 16, 24,
          13, 9, 14, 21, 19, 7, 18, 19, 12, 11, 22, 25, 16, 13, 11, 13)
grid <- seq(1, 6, by = 0.5)
lead <- psens_bounds(trt, ctrl, grid)
lead$crit <- exp(lead$crit)
lead$wilcox_p <- wilcox.test(trt, ctrl, paired = TRUE, exact = FALSE, correct = FALSE,
                             alternative = "greater")$p.value

# A binary matched-pairs example: 134 discordant pairs, 122 with the event in the treated
# member only (Hammond's smoking pairs as quoted by Rosenbaum 2002, ch. 4) ...
grid_b <- c(1, 2, 3, 4, 5, 6, 7)
smoke <- binary_bounds(122, 12, grid_b)
smoke$crit <- exp(smoke$crit)
smoke$binom_p <- binom.test(122, 134, 0.5, alternative = "greater")$p.value
# ... and a small one with ties for the sign test.
small <- binary_bounds(15, 6, c(1, 1.5, 2, 2.5, 3))
small$crit <- exp(small$crit)
small$binom_p <- binom.test(15, 21, 0.5, alternative = "greater")$p.value

# Wilcoxon with ties and zeros (deterministic data), to check the tie handling.
set.seed(20261122)
x <- round(rnorm(60, 0.3, 1), 1)
y <- round(rnorm(60, 0, 1), 1)
y[1:4] <- x[1:4]                       # four zero differences
ties <- psens_bounds(x, y, c(1, 1.2, 1.5, 2))
ties$crit <- exp(ties$crit)
ties$wilcox_p <- suppressWarnings(wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = FALSE,
                                              alternative = "greater")$p.value)
ties$x <- x; ties$y <- y

fmt <- function(v) paste0("[", paste(sprintf("%.17g", v), collapse = ", "), "]")
obj <- function(l) paste0("{", paste(sprintf('"%s": %s', names(l),
                           sapply(l, function(v) if (length(v) == 1) sprintf("%.17g", v) else fmt(v))),
                           collapse = ", "), "}")
json <- paste0('{\n"lead": ', obj(lead), ',\n"smoking": ', obj(smoke), ',\n"small": ', obj(small),
               ',\n"ties": ', obj(ties), ',\n"R": "', R.version.string, '"\n}\n')
out <- file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))),
                 "sensitivity_rosenbaum.json")
writeLines(json, out)
cat(json)
