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
# robust (infinitesimal jackknife) variance with non-integer weights: survfit(robust = TRUE).
# For a robust fit, fit$std.err is the SE of S and the log interval uses std.err / surv.
for (ct in c("log", "log-log", "plain")) {
  fr <- survfit(Surv(weeks, job) ~ arm, data = d, conf.type = ct, weights = w, robust = TRUE)
  strata <- rep(sub("arm=", "", names(fr$strata)), fr$strata)
  curves[[length(curves) + 1]] <- data.frame(case = "arms_robust", conf_type = ct, weighted = TRUE,
    group = strata, time = fr$time, n_risk = fr$n.risk, n_event = fr$n.event, n_censor = fr$n.censor,
    surv = fr$surv, std_err_log = fr$std.err / fr$surv, lower = fr$lower, upper = fr$upper)
}
write.csv(do.call(rbind, curves), "survival_km_curves.csv", row.names = FALSE)
# robust SE of the restricted mean (tau = 20) from survfit's influence matrix:
# IF_i(RMST) = sum_m influence.surv[i, m] * (min(t_{m+1}, tau) - t_m)_+, SE = sqrt(sum_i IF_i^2)
rm_robust <- list()
for (a in 0:2) {
  da <- d[d$arm == a, ]
  fa <- survfit(Surv(weeks, job) ~ 1, data = da, weights = w, robust = TRUE, influence = TRUE)
  tt <- fa$time; nxt <- pmin(c(tt[-1], Inf), 20); width <- pmax(nxt - tt, 0)
  inf_rm <- fa$influence.surv %*% width
  rm_robust[[a + 1]] <- data.frame(group = a, rmean = sum(width * fa$surv) + min(tt[1], 20),
                                   se_robust = sqrt(sum(inf_rm^2)), rows = nrow(da))
  write.csv(data.frame(id = da$id, influence = as.numeric(inf_rm)),
            sprintf("survival_rmst_influence_arm%d.csv", a), row.names = FALSE)
}
write.csv(do.call(rbind, rm_robust), "survival_rmst_robust.csv", row.names = FALSE)
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
