# Reference values for effekt.duration from R's survival package.
# Run from tests/reference/:  Rscript survival_km.R
# Input: survival_data.csv (3 arms, ties, censoring, a time-0 censoring, non-integer weights w),
#        survival_half.csv (S is exactly 0.5 over an interval: median midpoint rule).
# Output: survival_km_curves.csv, survival_km_tables.csv, survival_logrank.csv (+ sessionInfo line).
library(survival)
d <- read.csv("survival_data.csv")
h <- read.csv("survival_half.csv")
curves <- list(); tables <- list()
add <- function(fit, label, ctype, weighted, tau) {
  strata <- if (is.null(fit$strata)) rep("all", length(fit$time)) else
    rep(sub("arm=", "", names(fit$strata)), fit$strata)
  curves[[length(curves) + 1]] <<- data.frame(case = label, conf_type = ctype, weighted = weighted,
    group = strata, time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event, n_censor = fit$n.censor,
    surv = fit$surv, std_err_log = fit$std.err, lower = fit$lower, upper = fit$upper)
  tab <- summary(fit, rmean = tau)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  g <- if (is.null(fit$strata)) "all" else sub("arm=", "", rownames(tab))
  tables[[length(tables) + 1]] <<- data.frame(case = label, conf_type = ctype, weighted = weighted,
    group = g, tau = tau, n = tab[, "n.max"], events = tab[, "events"], rmean = tab[, "rmean"],
    se_rmean = tab[, "se(rmean)"], median = tab[, "median"], lcl = tab[, "0.95LCL"], ucl = tab[, "0.95UCL"])
}
for (ct in c("log", "log-log", "plain")) {
  add(survfit(Surv(weeks, job) ~ arm, data = d, conf.type = ct), "arms", ct, FALSE, 20)
  add(survfit(Surv(weeks, job) ~ arm, data = d, conf.type = ct, weights = w, robust = FALSE),
      "arms_weighted", ct, TRUE, 20)
  add(survfit(Surv(weeks, job) ~ 1, data = h, conf.type = ct), "half", ct, FALSE, 5)
}
write.csv(do.call(rbind, curves), "survival_km_curves.csv", row.names = FALSE)
write.csv(do.call(rbind, tables), "survival_km_tables.csv", row.names = FALSE)
d2 <- d[d$arm != 2, ]
lr2 <- survdiff(Surv(weeks, job) ~ arm, data = d2)
lr3 <- survdiff(Surv(weeks, job) ~ arm, data = d)
ex <- data.frame(weeks = c(3, 5, 7, 9, 4, 8, 12, 15, 20, 25), job = c(1, 1, 1, 0, 1, 1, 0, 1, 1, 0),
                 arm = c(rep(1, 4), rep(0, 6)))
lrx <- survdiff(Surv(weeks, job) ~ arm, data = ex)
write.csv(data.frame(case = c("two_arms", "three_arms", "docstring"),
                     chisq = c(lr2$chisq, lr3$chisq, lrx$chisq),
                     df = c(1, 2, 1),
                     o_minus_e_first = c(lr2$obs[1] - lr2$exp[1], lr3$obs[1] - lr3$exp[1], lrx$obs[1] - lrx$exp[1])),
          "survival_logrank.csv", row.names = FALSE)
cat("R", R.version$major, R.version$minor, "survival", as.character(packageVersion("survival")), "\n")
