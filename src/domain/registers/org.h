/* org.h: the organisation profile (one record): sector, NIS2 and DORA
 * classes, currency, the risk matrix and the limits of who may accept what. */
#ifndef ISMS_DOMAIN_ORG_H
#define ISMS_DOMAIN_ORG_H

#include "domain/registers/fields.h"

struct dom;

/* clang-format off: one line per field */
#define ORG_FIELDS(X)                                                                             \
    X(F_ORG_NAME, TEXT("name", FF_REQUIRED | FF_LIST, "the organisation's name", 200))            \
    X(F_ORG_LEGAL_NAME, TEXT("legal_name", 0, "registered legal name", 300))                      \
    X(F_ORG_SECTOR,                                                                               \
      ENUM("sector", FF_LIST, sectors, NULL, "sector (NIS2 Annex I/II where it applies)"))        \
    X(F_ORG_SIZE, ENUM("size", 0, org_sizes, NULL, "enterprise size (EU SME definition)"))        \
    X(F_ORG_EMPLOYEES, INT("employees", 0, 0, 10000000, NULL, "number of employees"))             \
    X(F_ORG_COUNTRY, TEXT("country", 0, "country of establishment (ISO 3166-1 alpha-2)", 2))      \
    X(F_ORG_NIS2_CLASS,                                                                           \
      ENUM("nis2_class", FF_LIST, nis2_classes, "out-of-scope", "NIS2 entity class"))             \
    X(F_ORG_DORA_ENTITY, ENUM("dora_entity", FF_LIST, dora_entities, "none",                      \
                              "DORA financial-entity type (Art. 2(1))"))                          \
    X(F_ORG_CURRENCY, ENUM("currency", FF_LIST, currency_codes, "EUR",                            \
                           "currency of every amount of money (ISO 4217)"))                       \
    X(F_ORG_RISK_MATRIX,                                                                          \
      INT("risk_matrix", FF_LIST, RISK_MATRIX_MIN, RISK_MATRIX_MAX, TEXT_OF(RISK_MATRIX_MAX),     \
          "size n of the n×n likelihood × impact matrix"))                                        \
    X(F_ORG_LIKELIHOOD_LABELS,                                                                    \
      TEXT("likelihood_labels", 0, "comma-separated labels of likelihood levels 1..n", 400))      \
    X(F_ORG_IMPACT_LABELS,                                                                        \
      TEXT("impact_labels", 0, "comma-separated labels of impact levels 1..n", 400))              \
    X(F_ORG_OWNER_ACCEPT_LIMIT,                                                                   \
      MONEY("owner_accept_limit", 0,                                                              \
            "risks up to this P95 annual loss may be accepted by their owner"))                   \
    X(F_ORG_LEAD_ACCEPT_LIMIT,                                                                    \
      MONEY("lead_accept_limit", 0,                                                               \
            "up to this, by the ISMS lead; above, only by the management body"))                  \
    X(F_ORG_FREQUENCY_BANDS,                                                                      \
      TEXT("frequency_bands", 0,                                                                  \
           "upper edges of likelihood levels 1..n-1 in events per year, e.g. 0.05,0.2,1,4", 200)) \
    X(F_ORG_MAGNITUDE_BANDS,                                                                      \
      TEXT("magnitude_bands", 0, "upper edges of impact levels 1..n-1 in major units per event",  \
           400))                                                                                  \
    X(F_ORG_MATRIX_FROM_FAIR, BOOL("matrix_from_fair", 0, NULL,                                   \
                                   "a saved risk analysis sets the risk's residual likelihood "   \
                                   "and impact to the cell its figures imply"))
FIELD_IDS(RN_ORG, ORG_FIELDS);
/* clang-format on */

extern const regdef reg_org;

int rules_org(struct dom *d, record *r, const record *old, isms_err *e);

typedef struct currency {
    const char *code; /* ISO 4217 */
    int exponent;     /* minor-unit decimals */
} currency;
extern const currency currencies[];
const currency *currency_find(const char *code);

#endif
