# Reference values for effekt.matching.ipw / aipw (tests/test_matching_weighting.py).
# Data: sensitivity_ipw_data.csv = effekt.synthetic.observational(1500, 0.08, seed=42).
# Propensity: glm(binomial). IPW standard errors with the estimated propensity score from
# the influence functions of Lunceford & Davidian (2004, Stat Med 23:2937), written out in
# closed form (not as a stacked matrix inverse), and the "weights known" robust SE from a
# weighted lm + sandwich::vcovHC(type = "HC0"). AIPW with lm / glm outcome models per arm.
# Run: Rscript tests/reference/sensitivity_ipw.R  (writes sensitivity_ipw.json)
suppressPackageStartupMessages(library(sandwich))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
d <- read.csv(file.path(here, "sensitivity_ipw_data.csv"), encoding = "UTF-8")
f <- treated ~ age + months_on_benefit + prior_employment + gender + benefit_group + education
fit <- glm(f, family = binomial, data = d, control = glm.control(epsilon = 1e-12, maxit = 50))
X <- model.matrix(fit)
e_raw <- fitted(fit)
T <- d$treated; Y <- d$job; n <- nrow(d)
Einfo <- crossprod(X * sqrt(e_raw * (1 - e_raw)))            # sum e(1-e) x x'
IFbeta <- (X * (T - e_raw)) %*% solve(Einfo)                 # n x k, influence of beta (sum scale)

ipw_ld <- function(estimand, trim = NULL) {
  e <- e_raw; free <- rep(1, n)
  if (!is.null(trim)) { free <- as.numeric(e >= trim & e <= 1 - trim); e <- pmin(pmax(e, trim), 1 - trim) }
  if (estimand == "ATE") { a <- T / e; b <- (1 - T) / (1 - e) } else { a <- T; b <- (1 - T) * e / (1 - e) }
  mu1 <- sum(a * Y) / sum(a); mu0 <- sum(b * Y) / sum(b)
  # derivative of the two estimating equations with respect to beta (clipped units: 0)
  H1 <- if (estimand == "ATE") colSums(X * (-T * (1 - e) / e * (Y - mu1) * free)) else rep(0, ncol(X))
  H0 <- colSums(X * ((1 - T) * e / (1 - e) * (Y - mu0) * free))
  if1 <- (a * (Y - mu1) + IFbeta %*% H1) / sum(a)
  if0 <- (b * (Y - mu0) + IFbeta %*% H0) / sum(b)
  est <- mu1 - mu0
  se <- sqrt(sum((if1 - if0)^2))
  # weights treated as known: weighted least squares of Y on T, HC0 sandwich
  w <- a + b
  wl <- lm(Y ~ T, weights = w)
  se_fixed <- sqrt(vcovHC(wl, type = "HC0")[2, 2])
  c(estimate = est, se = se, se_fixed = se_fixed, mu1 = mu1, mu0 = mu0)
}

aipw_r <- function(estimand, kind) {
  fo <- job ~ age + months_on_benefit + prior_employment + gender + benefit_group + education
  fam <- if (kind == "linear") gaussian() else binomial()
  m0 <- predict(glm(fo, family = fam, data = d[T == 0, ]), newdata = d, type = "response")
  e <- e_raw
  if (estimand == "ATE") {
    m1 <- predict(glm(fo, family = fam, data = d[T == 1, ]), newdata = d, type = "response")
    phi <- m1 - m0 + T * (Y - m1) / e - (1 - T) * (Y - m0) / (1 - e)
    est <- mean(phi); se <- sqrt(sum((phi - est)^2)) / n
  } else {
    w0 <- (1 - T) * e / (1 - e)
    est <- sum(T * (Y - m0) - w0 * (Y - m0)) / sum(T)
    phi <- (T * (Y - m0 - est) - w0 * (Y - m0)) / mean(T)
    se <- sqrt(sum(phi^2)) / n
  }
  c(estimate = est, se = se)
}

res <- list(
  ipw_att = ipw_ld("ATT"), ipw_ate = ipw_ld("ATE"),
  ipw_att_trim = ipw_ld("ATT", 0.05), ipw_ate_trim = ipw_ld("ATE", 0.05),
  aipw_ate_linear = aipw_r("ATE", "linear"), aipw_att_linear = aipw_r("ATT", "linear"),
  aipw_ate_logit = aipw_r("ATE", "logit"), aipw_att_logit = aipw_r("ATT", "logit"),
  ps_range = range(e_raw), n_clipped = c(sum(e_raw < 0.05), sum(e_raw > 0.95))
)
fmt <- function(v) {
  if (is.null(names(v))) return(paste0("[", paste(sprintf("%.17g", v), collapse = ", "), "]"))
  paste0("{", paste(sprintf('"%s": %.17g', names(v), v), collapse = ", "), "}")
}
json <- paste0("{\n", paste(sprintf('"%s": %s', names(res), sapply(res, fmt)), collapse = ",\n"),
               ',\n"R": "', R.version.string, '"\n}\n')
writeLines(json, file.path(here, "sensitivity_ipw.json"))
cat(json)
