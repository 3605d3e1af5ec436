# Reference values for effekt.did from R (clubSandwich CR2, sandwich CR1).
# Run from tests/reference/:  Rscript did_reference.R
# Input: did_hir_panel.csv, made by effekt.synthetic.panels.municipality_panel("hir", "company", seed=5)
# Output: did_reference_2x2.csv, did_reference_event.csv, did_reference_pretrend.csv
library(clubSandwich); library(sandwich)
d <- read.csv("did_hir_panel.csv")
d$share <- d$count / d$denominator
two <- d[d$period %in% c("start", "end"), ]
fit <- lm(share ~ participating * post, data = two, weights = denominator)
# inverse_var = TRUE (weights as inverse variances, working model W^-1): the CR2 of effekt._linear;
# clubSandwich's default for weighted lm (inverse_var = FALSE, working model I) differs slightly.
v2 <- vcovCR(fit, cluster = two$municipality, type = "CR2", inverse_var = TRUE)
ct <- coef_test(fit, vcov = v2, test = "naive-t")
v1 <- vcovCL(fit, cluster = ~municipality, type = "HC1")
j <- "participating:post"
write.csv(data.frame(estimate = coef(fit)[j], se_cr2 = sqrt(v2[j, j]), p_cr2_naive_t = ct$p_t[ct$Coef == j],
                     se_cr1 = sqrt(v1[j, j])), "did_reference_2x2.csv", row.names = FALSE)
# event study: unit and month fixed effects, event-time dummies for participating municipalities, ref -1
ev <- sort(unique(d$event_time)); ev <- ev[ev != -1]
for (k in ev) d[[paste0("e", ifelse(k < 0, paste0("m", -k), k))]] <- as.numeric(d$participating == 1 & d$event_time == k)
enames <- paste0("e", ifelse(ev < 0, paste0("m", -ev), ev))
f <- as.formula(paste("share ~ factor(municipality) + factor(month) +", paste(enames, collapse = " + ")))
fe <- lm(f, data = d, weights = denominator)
ve <- vcovCR(fe, cluster = d$municipality, type = "CR2", inverse_var = TRUE)
# unweighted (cell shares with equal weights): CR2 with the identity working model
fu <- lm(f, data = d)
vu <- vcovCR(fu, cluster = d$municipality, type = "CR2")
write.csv(data.frame(event_time = ev, estimate = coef(fe)[enames], se_cr2 = sqrt(diag(ve)[enames]),
                     estimate_unweighted = coef(fu)[enames], se_cr2_unweighted = sqrt(diag(vu)[enames])),
          "did_reference_event.csv", row.names = FALSE)
pre <- enames[ev < 0]
wt <- Wald_test(fe, constraints = constrain_zero(pre), vcov = ve, test = "Naive-F")
write.csv(data.frame(test = wt$test, Fstat = wt$Fstat, df_num = wt$df_num, df_denom = wt$df_denom, p_val = wt$p_val),
          "did_reference_pretrend.csv", row.names = FALSE)
cat("R", R.version$major, R.version$minor, "clubSandwich", as.character(packageVersion("clubSandwich")), "\n")
