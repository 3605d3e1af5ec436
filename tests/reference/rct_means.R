# Reference values for effekt.rct.difference_in_means, subgroups and power.
# Run from this directory:  Rscript rct_means.R
# Writes rct_means_data.csv (the simulated trial) and rct_means_values.csv (name, value).
suppressMessages({library(estimatr); library(clubSandwich); library(sandwich)})
set.seed(20261122)
n <- 420
G <- 16
d <- data.frame(cluster = sample(rep(1:G, length.out = n)))
d$stratum <- c("A", "B", "C", "D")[(d$cluster - 1) %% 4 + 1]
d$treated <- rbinom(n, 1, ifelse(d$stratum == "A", 0.35, 0.55))
d$age <- round(runif(n, 18, 64))
d$grade <- round(rnorm(n, 5, 2), 1)
d$group <- sample(c("kontanthjaelp", "ressourceforloeb", "uddannelseshjaelp"), n, TRUE, c(.5, .2, .3))
u_cl <- rnorm(G, 0, 0.8)
d$hours <- pmax(0, 3 + 2 * d$treated + 0.04 * (d$age - 40) + 0.5 * (d$grade - 5) +
  1.5 * (d$group == "ressourceforloeb") + u_cl[d$cluster] +
  (d$stratum == "C") * 1.2 * d$treated + rgamma(n, 1.2, 0.5) - 2.4)
write.csv(d, "rct_means_data.csv", row.names = FALSE)

out <- list()
add <- function(name, value) out[[name]] <<- value

# 1. Welch: t.test(treated, control)
tt <- t.test(d$hours[d$treated == 1], d$hours[d$treated == 0], var.equal = FALSE)
add("welch_estimate", unname(tt$estimate[1] - tt$estimate[2]))
add("welch_se", unname(tt$stderr)); add("welch_df", unname(tt$parameter))
add("welch_ci_low", tt$conf.int[1]); add("welch_ci_high", tt$conf.int[2]); add("welch_p", tt$p.value)
tt90 <- t.test(d$hours[d$treated == 1], d$hours[d$treated == 0], conf.level = 0.9)
add("welch90_ci_low", tt90$conf.int[1]); add("welch90_ci_high", tt90$conf.int[2])

# 2. Stratified: estimatr::difference_in_means(blocks=) and lm_lin on stratum dummies
dm <- difference_in_means(hours ~ treated, blocks = stratum, data = d)
add("strata_estimate", dm$coefficients[[1]]); add("strata_se", dm$std.error[[1]])
add("strata_df", dm$df[[1]]); add("strata_p", dm$p.value[[1]])
add("strata_ci_low", dm$conf.low[[1]]); add("strata_ci_high", dm$conf.high[[1]])
ll <- lm_lin(hours ~ treated, covariates = ~ stratum, data = d, se_type = "HC2")
add("strata_lin_estimate", coef(ll)[["treated"]]); add("strata_lin_se", ll$std.error[["treated"]])

# 3. Covariates: estimatr::lm_lin (HC2)
ll <- lm_lin(hours ~ treated, covariates = ~ age + grade + group, data = d, se_type = "HC2")
add("lin_estimate", coef(ll)[["treated"]]); add("lin_se", ll$std.error[["treated"]])
add("lin_df", ll$df[["treated"]]); add("lin_p", ll$p.value[["treated"]])
add("lin_ci_low", ll$conf.low[["treated"]]); add("lin_ci_high", ll$conf.high[["treated"]])
add("lin_intercept", coef(ll)[["(Intercept)"]])
V <- vcov(ll)
add("lin_var_intercept", V["(Intercept)", "(Intercept)"]); add("lin_cov_int_treated", V["(Intercept)", "treated"])

# 3b. Covariates and strata together
ll2 <- lm_lin(hours ~ treated, covariates = ~ age + grade + group + stratum, data = d, se_type = "HC2")
add("linstrata_estimate", coef(ll2)[["treated"]]); add("linstrata_se", ll2$std.error[["treated"]])

# 4. Cluster: lm + clubSandwich CR2, naive t with G - 1 df
fit <- lm(hours ~ treated, data = d)
ct <- coef_test(fit, vcov = "CR2", cluster = d$cluster, test = "naive-t")
add("cluster_estimate", ct$beta[2]); add("cluster_se", ct$SE[2]); add("cluster_df", ct$df[2])
add("cluster_p", ct$p_t[2])
Vc <- as.matrix(vcovCR(fit, cluster = d$cluster, type = "CR2"))
add("cluster_var_intercept", Vc[1, 1]); add("cluster_cov_int_treated", Vc[1, 2])

# 5. Cluster + covariates (Lin design built by hand, CR2)
Z <- model.matrix(~ age + grade + group, d)[, -1]
Zc <- scale(Z, center = TRUE, scale = FALSE)
X <- cbind(1, d$treated, Zc, Zc * d$treated)
colnames(X) <- paste0("x", seq_len(ncol(X)))
dx <- data.frame(hours = d$hours, X)
fit2 <- lm(hours ~ . - 1, data = dx)
ct2 <- coef_test(fit2, vcov = "CR2", cluster = d$cluster, test = "naive-t")
add("cluster_lin_estimate", ct2$beta[2]); add("cluster_lin_se", ct2$SE[2]); add("cluster_lin_p", ct2$p_t[2])

# 5b. Cluster + strata (stratum dummies centred and interacted with treatment, CR2)
S <- model.matrix(~ stratum, d)[, -1]
Sc <- scale(S, center = TRUE, scale = FALSE)
XS <- cbind(1, d$treated, Sc, Sc * d$treated)
colnames(XS) <- paste0("x", seq_len(ncol(XS)))
fit2s <- lm(hours ~ . - 1, data = data.frame(hours = d$hours, XS))
ct2s <- coef_test(fit2s, vcov = "CR2", cluster = d$cluster, test = "naive-t")
add("cluster_strata_estimate", ct2s$beta[2]); add("cluster_strata_se", ct2s$SE[2])
add("cluster_strata_p", ct2s$p_t[2])

# 6. Subgroup interaction: hours ~ group * treated, HC2 Wald F on the interaction terms
fit3 <- lm(hours ~ group * treated, data = d)
V3 <- vcovHC(fit3, type = "HC2")
idx <- grep(":treated", names(coef(fit3)))
b <- coef(fit3)[idx]
Fstat <- as.numeric(t(b) %*% solve(V3[idx, idx]) %*% b) / length(idx)
add("interaction_F", Fstat); add("interaction_df2", fit3$df.residual)
add("interaction_p", pf(Fstat, length(idx), fit3$df.residual, lower.tail = FALSE))
ps <- sapply(sort(unique(d$group)), function(g) {
  s <- d[d$group == g, ]
  t.test(s$hours[s$treated == 1], s$hours[s$treated == 0])$p.value
})
for (i in seq_along(ps)) add(paste0("subgroup_p_", names(ps)[i]), ps[[i]])
holm <- p.adjust(ps, "holm"); bh <- p.adjust(ps, "BH")
for (i in seq_along(ps)) { add(paste0("holm_", names(ps)[i]), holm[[i]]); add(paste0("bh_", names(ps)[i]), bh[[i]]) }

# 7. Power (strict = TRUE counts both rejection regions, as effekt does)
add("pp_power_mentor", power.prop.test(n = 1300, p1 = 0.12, p2 = 0.16, strict = TRUE)$power)
add("pp_power_small", power.prop.test(n = 150, p1 = 0.30, p2 = 0.45, sig.level = 0.01, strict = TRUE)$power)
add("pp_n_80", power.prop.test(p1 = 0.12, p2 = 0.16, power = 0.8, strict = TRUE)$n)
add("pp_n_90", power.prop.test(p1 = 0.465, p2 = 0.60, power = 0.9, strict = TRUE)$n)
add("pp_p2_mde", power.prop.test(n = 1300, p1 = 0.12, power = 0.8, strict = TRUE)$p2)
add("pt_power", power.t.test(n = 300, delta = 1, sd = 6, strict = TRUE)$power)
add("pt_power_small", power.t.test(n = 12, delta = 5, sd = 6, sig.level = 0.1, strict = TRUE)$power)
add("pt_n_90", power.t.test(delta = 2, sd = 6, power = 0.9, strict = TRUE)$n)
add("pt_n_80_small", power.t.test(delta = 1, sd = 1, power = 0.8, strict = TRUE)$n)
add("pt_delta_mde", power.t.test(n = 2400, sd = 6, power = 0.8, strict = TRUE)$delta)

vals <- data.frame(name = names(out), value = sprintf("%.15g", unlist(out)))
write.csv(vals, "rct_means_values.csv", row.names = FALSE, quote = FALSE)
cat("wrote", nrow(vals), "values\n")
