/* org.c: the organisation profile: its vocabularies (sectors, classes,
 * currencies), its fields and its rules. */
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "domain/registers/table.h"

#include <string.h>

/* NIS2 Annex I and II sectors, and sectors outside NIS2 that run an ISMS. */
static const char *const sectors[] = { "energy",
                                       "transport",
                                       "banking",
                                       "financial-market-infrastructure",
                                       "health",
                                       "drinking-water",
                                       "waste-water",
                                       "digital-infrastructure",
                                       "ict-service-management",
                                       "public-administration",
                                       "space",
                                       "postal-and-courier",
                                       "waste-management",
                                       "chemicals",
                                       "food",
                                       "manufacturing",
                                       "digital-providers",
                                       "research",
                                       "insurance",
                                       "investment",
                                       "payments",
                                       "software",
                                       "telecommunications",
                                       "education",
                                       "retail",
                                       "other",
                                       NULL };

static const char *const org_sizes[] = { "micro", "small", "medium", "large", NULL };
static const char *const nis2_classes[] = { "essential", "important", "out-of-scope", NULL };

/* DORA Art. 2(1) financial entities, and "none". */
static const char *const dora_entities[] = { "none",
                                             "credit-institution",
                                             "payment-institution",
                                             "account-information-service-provider",
                                             "e-money-institution",
                                             "investment-firm",
                                             "crypto-asset-service-provider",
                                             "central-securities-depository",
                                             "central-counterparty",
                                             "trading-venue",
                                             "trade-repository",
                                             "aifm",
                                             "ucits-management-company",
                                             "data-reporting-service-provider",
                                             "insurance-undertaking",
                                             "reinsurance-undertaking",
                                             "insurance-intermediary",
                                             "iorp",
                                             "credit-rating-agency",
                                             "critical-benchmark-administrator",
                                             "crowdfunding-service-provider",
                                             "securitisation-repository",
                                             "ict-third-party-service-provider",
                                             NULL };

const currency currencies[] = {
    { "EUR", 2 }, { "USD", 2 }, { "GBP", 2 }, { "CHF", 2 }, { "SEK", 2 }, { "NOK", 2 },
    { "DKK", 2 }, { "PLN", 2 }, { "CZK", 2 }, { "HUF", 2 }, { "RON", 2 }, { "BGN", 2 },
    { "ISK", 0 }, { "JPY", 0 }, { "CAD", 2 }, { "AUD", 2 }, { "NZD", 2 }, { "SGD", 2 },
    { "HKD", 2 }, { "CNY", 2 }, { "INR", 2 }, { "BRL", 2 }, { "ZAR", 2 }, { "KRW", 0 },
    { "AED", 2 }, { "SAR", 2 }, { "KWD", 3 }, { "BHD", 3 }, { NULL, 0 }
};

static const char *const currency_codes[] = { "EUR", "USD", "GBP", "CHF", "SEK", "NOK",
                                              "DKK", "PLN", "CZK", "HUF", "RON", "BGN",
                                              "ISK", "JPY", "CAD", "AUD", "NZD", "SGD",
                                              "HKD", "CNY", "INR", "BRL", "ZAR", "KRW",
                                              "AED", "SAR", "KWD", "BHD", NULL };

const currency *currency_find(const char *code)
{
    for (const currency *c = currencies; c->code; c++)
        if (!strcmp(c->code, code))
            return c;
    return NULL;
}

REGISTER(org, ORG, "org", "ORG", F_ORG_NAME,
         "organisation profile: sector, NIS2 and DORA classes, currency, risk matrix",
         .flags = REG_SINGLETON | REG_NO_RETIRE, .check = rules_org);

/* ---- rules ---- */

static int count_labels(const char *csv)
{
    int n = 1;
    for (const char *p = csv; *p; p++)
        n += *p == ',';
    return n;
}

static int check_labels(const record *r, int fid, int n, isms_err *e)
{
    const char *field = field_def(r->reg, fid)->name, *labels = record_text(r, fid);
    if (labels && count_labels(labels) != n)
        return err_set(e, E_INVALID, field, "%s: \"%s\" has %d labels; the %dx%d matrix needs %d",
                       field, labels, count_labels(labels), n, n, n);
    return 0;
}

/* The matrix may shrink only when no active risk sits outside it. */
static int check_matrix_shrink(dom *d, int n, isms_err *e)
{
    static const int levels[] = { F_RISK_LIKELIHOOD, F_RISK_IMPACT, F_RISK_RESIDUAL_LIKELIHOOD,
                                  F_RISK_RESIDUAL_IMPACT };
    for (int i = 0; i < 4; i++) {
        int64_t max;
        const fielddef *f = field_def(&reg_risk, levels[i]);
        int rc = store_max(dom_store(d), &reg_risk, f, &max, e);
        if (rc)
            return rc;
        if (max > n)
            return err_set(
                e, E_CONFLICT, "risk_matrix",
                "risk_matrix: cannot shrink to %dx%d: risks are rated up to %lld for %s; "
                "re-rate them first",
                n, n, (long long)max, f->name);
    }
    return 0;
}

/* Amounts are stored in minor units of the currency: changing it would
 * silently re-value them, so it is allowed only while none are recorded. */
static int check_currency_change(dom *d, isms_err *e)
{
    for (int r = 0; registers[r]; r++)
        for (int i = 0; i < registers[r]->nfields; i++) {
            if (registers[r]->fields[i].type != FT_MONEY)
                continue;
            int64_t max;
            int rc = store_max(dom_store(d), registers[r], &registers[r]->fields[i], &max, e);
            if (rc)
                return rc;
            if (max > 0)
                return err_set(e, E_CONFLICT, "currency",
                               "currency: amounts are already recorded (%s %s); the currency "
                               "cannot change under them",
                               registers[r]->plural, registers[r]->fields[i].name);
        }
    return 0;
}

int rules_org(dom *d, record *r, const record *old, isms_err *e)
{
    const char *country = record_text(r, F_ORG_COUNTRY);
    if (country && (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
                    country[1] < 'A' || country[1] > 'Z'))
        return err_set(e, E_INVALID, "country",
                       "country: \"%s\" is not an ISO 3166-1 alpha-2 code (e.g. DE, FR, NL)",
                       country);
    int n = (int)record_int(r, F_ORG_RISK_MATRIX);
    int rc = check_labels(r, F_ORG_LIKELIHOOD_LABELS, n, e);
    if (!rc)
        rc = check_labels(r, F_ORG_IMPACT_LABELS, n, e);
    if (!rc && old && n < record_int(old, F_ORG_RISK_MATRIX))
        rc = check_matrix_shrink(d, n, e);
    if (!rc && old && strcmp(record_text(r, F_ORG_CURRENCY), record_text(old, F_ORG_CURRENCY)))
        rc = check_currency_change(d, e);
    return rc;
}
