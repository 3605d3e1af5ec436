# Reference values for tests/test_rct_proportions.py and tests/test_intervals.py.
# Run from this directory:  Rscript rct_proportions.R
# Writes: rct_proportions_2x2.csv        prop.test(correct = FALSE) and fisher.test on count pairs
#         rct_proportions_data_indiv.csv individually randomised trial (centres, blocks of 4, covariates)
#         rct_proportions_data_cluster.csv cluster-randomised trial (15 municipalities in 3 regions)
#         rct_proportions_adjusted.csv   epiR (MH/Sato), clubSandwich (CR2), estimatr (lm_lin HC2/CR2)
suppressMessages({
  library(epiR)
  library(clubSandwich)
  library(estimatr)
})
options(digits = 15)

## 1. Two-by-two tables ------------------------------------------------------------------
set.seed(20261122)
k <- 60
n1 <- sample(c(5:40, 50, 100, 300, 1302), k, replace = TRUE)
n2 <- sample(c(5:40, 50, 100, 300, 1291), k, replace = TRUE)
x1 <- rbinom(k, n1, runif(k, 0.02, 0.9))
x2 <- rbinom(k, n2, runif(k, 0.02, 0.9))
fixed <- rbind(c(208, 1302, 155, 1291),   # Mentor, education
               c(91, 1302, 65, 1291),     # Mentor, job (~7 % vs ~5 %)
               c(56, 70, 48, 80), c(9, 10, 3, 10), c(6, 7, 2, 7), c(5, 56, 0, 29),
               c(10, 10, 0, 20), c(0, 10, 3, 20))
x1 <- c(fixed[, 1], x1); n1 <- c(fixed[, 2], n1); x2 <- c(fixed[, 3], x2); n2 <- c(fixed[, 4], n2)
rows <- lapply(seq_along(x1), function(i) {
  pt <- suppressWarnings(prop.test(c(x1[i], x2[i]), c(n1[i], n2[i]), correct = FALSE))
  ft <- fisher.test(matrix(c(x1[i], n1[i] - x1[i], x2[i], n2[i] - x2[i]), 2, byrow = TRUE))
  data.frame(x1 = x1[i], n1 = n1[i], x2 = x2[i], n2 = n2[i],
             chisq_stat = unname(pt$statistic), chisq_p = pt$p.value, fisher_p = ft$p.value)
})
write.csv(do.call(rbind, rows), "rct_proportions_2x2.csv", row.names = FALSE)

## 2. An individually randomised trial: 13 centres, blocks of 4 (2 treated each) -------------
set.seed(7)
n <- 1000
block <- rep(1:250, each = 4)
centre <- sample(1:13, 250, replace = TRUE, prob = 1:13)[block]
treat <- as.vector(sapply(1:250, function(b) sample(c(1, 1, 0, 0))))
age <- round(runif(n, 18, 29))
female <- rbinom(n, 1, 0.45)
grade <- round(rnorm(n, 5, 2), 1)
benefit <- sample(c("cash", "education", "integration"), n, replace = TRUE, prob = c(0.5, 0.3, 0.2))
lp <- -2.2 + 0.35 * treat + 0.08 * (centre - 7) + 0.15 * (grade - 5) + 0.3 * female +
  0.4 * (benefit == "education") + 0.25 * treat * female
y <- rbinom(n, 1, plogis(lp))
ind <- data.frame(y, treat, centre, block, age, female, grade, benefit)
write.csv(ind, "rct_proportions_data_indiv.csv", row.names = FALSE)

## 3. A cluster-randomised trial: 15 municipalities in 3 regions ------------------------------
set.seed(15)
G <- 15
size <- sample(20:80, G, replace = TRUE)
region <- rep(c("north", "mid", "south"), each = 5)
ctreat <- unlist(lapply(1:3, function(r) sample(c(1, 1, 0, 0, rbinom(1, 1, 0.5)))))
u <- rnorm(G, 0, 0.5)
municipality <- rep(1:G, size)
treat_c <- ctreat[municipality]
age_c <- round(runif(length(municipality), 30, 60))
benefit_c <- sample(c("cash", "resource"), length(municipality), replace = TRUE)
y_c <- rbinom(length(municipality), 1,
              plogis(-2.3 + 0.6 * treat_c + u[municipality] + 0.02 * (age_c - 45) +
                     0.3 * (benefit_c == "resource") + 0.2 * (region[municipality] == "south")))
clu <- data.frame(y = y_c, treat = treat_c, municipality, region = region[municipality],
                  age = age_c, benefit = benefit_c)
write.csv(clu, "rct_proportions_data_cluster.csv", row.names = FALSE)

## 4. Adjusted estimates ---------------------------------------------------------------------
out <- list()
add <- function(analysis, est, se, lo, hi, p, df = NA, rr = NA, rr_lo = NA, rr_hi = NA) {
  out[[length(out) + 1]] <<- data.frame(analysis, estimate = est, std_error = se, ci_low = lo,
                                        ci_high = hi, pvalue = p, df = df, rr = rr,
                                        rr_low = rr_lo, rr_high = rr_hi)
}
z <- qnorm(0.975)
mh <- function(strat, label, d = ind) {
  tab <- table(factor(1 - d$treat), factor(1 - d$y), d[[strat]])  # exposed / cases first
  e <- epi.2by2(tab, method = "cohort.count", conf.level = 0.95, units = 1)
  s <- e$massoc.detail$ARisk.mh.sato
  rr <- e$massoc.detail$RR.mh.wald
  se <- (s$upper - s$lower) / (2 * z)
  add(label, s$est, se, s$lower, s$upper, 2 * pnorm(-abs(s$est / se)), NA, rr$est, rr$lower, rr$upper)
}
mh("centre", "mh_centre")   # few large strata
mh("block", "mh_block")     # many strata of 4
# unequal allocation within strata (MH differs from the crude difference):
mh("centre", "mh_centre_unbal", subset(ind, !(treat == 1 & age < 22)))
mh("region", "mh_region", clu)

cr2 <- function(fit, cluster, label) {
  ct <- coef_test(fit, vcov = "CR2", cluster = cluster, test = "naive-t", coefs = "treat")
  ci <- conf_int(fit, vcov = "CR2", cluster = cluster, test = "naive-t", coefs = "treat", level = 0.95)
  add(label, ct$beta, ct$SE, ci$CI_L, ci$CI_U, ct$p_t, ct$df_t)
}
cr2(lm(y ~ treat, data = clu), clu$municipality, "cr2")
cr2(lm(y ~ treat + region, data = clu), clu$municipality, "cr2_strata")
# Lin with CR2 (estimatr): covariates centred and interacted, clubSandwich on the same model
clu_c <- transform(clu, age_c = age - mean(age), res_c = (benefit == "resource") - mean(benefit == "resource"))
cr2(lm(y ~ treat * (age_c + res_c), data = clu_c), clu$municipality, "cr2_lin")
ll <- lm_lin(y ~ treat, covariates = ~ age + benefit, data = clu, clusters = municipality, se_type = "CR2")
add("estimatr_lin_cr2", coef(ll)["treat"], ll$std.error["treat"], ll$conf.low["treat"],
    ll$conf.high["treat"], ll$p.value["treat"], ll$df["treat"])

ll <- lm_lin(y ~ treat, covariates = ~ age + female + grade + benefit, data = ind, se_type = "HC2")
add("lin_hc2", coef(ll)["treat"], ll$std.error["treat"], ll$conf.low["treat"],
    ll$conf.high["treat"], ll$p.value["treat"], ll$df["treat"])
ll <- lm_lin(y ~ treat, covariates = ~ grade + factor(centre), data = ind, se_type = "HC2")
add("lin_hc2_strata", coef(ll)["treat"], ll$std.error["treat"], ll$conf.low["treat"],
    ll$conf.high["treat"], ll$p.value["treat"], ll$df["treat"])

write.csv(do.call(rbind, out), "rct_proportions_adjusted.csv", row.names = FALSE)
cat("written\n")
