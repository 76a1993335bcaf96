/* special.h: the special functions the distributions need, to full double
 * precision. They run when a distribution is prepared (to build its quantile
 * table) and in tests, never once per sample. Thread-safe (no lgamma/signgam). */
#ifndef ISMS_RISK_SPECIAL_H
#define ISMS_RISK_SPECIAL_H

double sp_norm_cdf(double x); /* Phi(x) */
double sp_norm_sf(double x);  /* 1 - Phi(x), accurate for large x */
double sp_norm_pdf(double x);
double sp_norm_quantile(double p); /* Phi^-1(p), p in (0, 1) */

double sp_lbeta(double a, double b); /* ln B(a, b) */
double sp_lgamma(double x);          /* ln |Gamma(x)|, reentrant */

/* Regularised incomplete beta I_x(a, b); lbeta = sp_lbeta(a, b). */
double sp_beta_cdf(double x, double a, double b, double lbeta);
double sp_beta_pdf(double x, double a, double b, double lbeta);

/* x with I_x(a, b) = p, by safeguarded Newton; `guess` in (0, 1) or a
 * negative number for "none". */
double sp_beta_quantile(double p, double a, double b, double lbeta, double guess);

#endif
