# Reference values for tests/test_simple_effect_reference.py, computed independently in R.
# Run: cd tests/reference && Rscript simple_effect_reference.R
# Input: simple_effect_data.csv (written once by effekt.synthetic.providers, seed 20261122).
suppressMessages(library(metafor))
library(jsonlite)
d <- read.csv("simple_effect_data.csv", stringsAsFactors = FALSE)
d$benefit_group <- factor(d$benefit_group)
d$provider <- factor(d$provider)
out <- list()

# 1. Indirect standardisation: logistic case-mix model over all providers
m0 <- glm(job_6m ~ age + benefit_group + months_unemployed + health_issues, family = binomial, data = d, control = glm.control(epsilon = 1e-14, maxit = 100))
d$p <- fitted(m0)
O <- tapply(d$job_6m, d$provider, sum); E <- tapply(d$p, d$provider, sum); n <- tapply(d$job_6m, d$provider, length)
Vb <- tapply(d$p * (1 - d$p), d$provider, sum)
overall <- mean(d$job_6m)
# Rao score test of adding each provider's indicator (chi-square = z^2)
score <- sapply(levels(d$provider), function(g) {
  d$ind <- as.numeric(d$provider == g)
  m1 <- glm(job_6m ~ age + benefit_group + months_unemployed + health_issues + ind, family = binomial, data = d, control = glm.control(epsilon = 1e-14, maxit = 100))
  anova(m0, m1, test = "Rao")$Rao[2]
})
pois <- t(sapply(levels(d$provider), function(g) poisson.test(O[g], E[g])$conf.int))
bino <- t(sapply(levels(d$provider), function(g) binom.test(O[g], n[g])$conf.int * n[g] / E[g]))
out$indirect <- data.frame(provider = levels(d$provider), n = as.vector(n), O = as.vector(O), E = as.vector(E),
  oe = as.vector(O / E), adjusted_rate = as.vector(O / E * overall), score_chisq = as.vector(score),
  poisson_low = pois[, 1], poisson_high = pois[, 2], binom_low = bino[, 1], binom_high = bino[, 2],
  p_holm = p.adjust(pchisq(as.vector(score), 1, lower.tail = FALSE), "holm"),
  p_bh = p.adjust(pchisq(as.vector(score), 1, lower.tail = FALSE), "BH"))
out$overall <- overall

# 2. Empirical Bayes: normal-normal on excess rates, DerSimonian-Laird, metafor BLUPs
dg <- as.vector((O - E) / n); vg <- as.vector(Vb / n^2)
re <- rma(yi = dg, vi = vg, method = "DL")
b <- blup(re)
out$eb <- list(tau2 = re$tau2, mu = as.numeric(re$beta), pred = b$pred, se = b$se)

# 3. Direct standardisation: provider intercepts + case mix; delta-method SE
m2 <- glm(job_6m ~ 0 + provider + age + benefit_group + months_unemployed + health_issues, family = binomial, data = d, control = glm.control(epsilon = 1e-14, maxit = 100))
V <- vcov(m2)
dir <- t(sapply(levels(d$provider), function(g) {
  nd <- d; nd$provider <- factor(g, levels = levels(d$provider))
  X <- model.matrix(~ 0 + provider + age + benefit_group + months_unemployed + health_issues, data = nd)
  p <- as.vector(plogis(X %*% coef(m2)))
  grad <- colMeans(p * (1 - p) * X)
  c(rate = mean(p), se = sqrt(as.numeric(t(grad) %*% V %*% grad)))
}))
out$direct <- data.frame(provider = levels(d$provider), rate = dir[, 1], se = dir[, 2])

# 4. Exact binomial funnel limits with Spiegelhalter's (2005) interpolation
lim <- expand.grid(n = c(5, 17, 50, 123, 400, 2000), theta = c(0.08, 0.3, 0.65), prob = c(0.001, 0.025, 0.975, 0.999))
lim$limit <- mapply(function(n, theta, prob) {
  r <- qbinom(prob, n, theta)
  a <- (pbinom(r, n, theta) - prob) / (pbinom(r, n, theta) - pbinom(r - 1, n, theta))
  (r - a) / n
}, lim$n, lim$theta, lim$prob)
out$limits <- lim

# 5. Overdispersion (Spiegelhalter 2005): winsorised z-scores (10 % each tail), phi and tau2
#    for the raw provider rates around the overall rate
y <- as.vector(O / n); s <- sqrt(overall * (1 - overall) / as.vector(n))
z <- (y - overall) / s
q <- quantile(z, c(0.1, 0.9), type = 7)
zw <- pmin(pmax(z, q[1]), q[2])
phi <- mean(zw^2); w <- 1 / s^2; I <- length(z)
tau2 <- max(0, (I * phi - (I - 1)) / (sum(w) - sum(w^2) / sum(w)))
out$overdispersion <- list(phi = phi, tau2 = tau2, pvalue = pchisq(I * phi, I, lower.tail = FALSE))

# 6. Raw simple effects: pooled z-test against all other providers
pz <- sapply(levels(d$provider), function(g) {
  x1 <- sum(d$job_6m[d$provider == g]); n1 <- sum(d$provider == g)
  prop.test(c(x1, sum(d$job_6m) - x1), c(n1, nrow(d) - n1), correct = FALSE)$p.value
})
out$simple <- data.frame(provider = levels(d$provider), pvalue = as.vector(pz), p_holm = p.adjust(as.vector(pz), "holm"))

# 7. Against a target of 30 %: exact binomial test and Clopper-Pearson interval
bt <- t(sapply(levels(d$provider), function(g) {
  r <- binom.test(O[g], n[g], p = 0.30); c(r$p.value, r$conf.int)
}))
out$target <- data.frame(provider = levels(d$provider), pvalue = bt[, 1], ci_low = bt[, 2], ci_high = bt[, 3])

write_json(out, "simple_effect_reference.json", digits = NA, pretty = TRUE, auto_unbox = TRUE)
cat("written simple_effect_reference.json\n")
