/* assets.h: the asset register, and protection needs along its dependency
 * graph.
 *
 * The maximum principle (BSI IT-Grundschutz, Schutzbedarfsfeststellung): an
 * asset needs at least the protection of everything that depends on it. A
 * payments process with very high availability needs makes the platform it
 * runs on, and the data centre under that, very high too. The same holds
 * for supporting a critical or important function (DORA). */
#ifndef ISMS_DOMAIN_ASSETS_H
#define ISMS_DOMAIN_ASSETS_H

#include "domain/engine/dom.h"
#include "domain/registers/fields.h"

/* clang-format off: one line per field */
#define ASSET_FIELDS(X)                                                                       \
    X(F_ASSET_NAME, TEXT("name", FF_REQUIRED | FF_LIST, "the asset", 200))                    \
    X(F_ASSET_TYPE, ENUM("type", FF_REQUIRED | FF_LIST, asset_types, NULL, "kind of asset"))  \
    X(F_ASSET_DESCRIPTION, LONGTEXT("description", 0, "what it is and does"))                 \
    X(F_ASSET_OWNER, OWNER(FF_REQUIRED | FF_LIST, "accountable asset owner"))                 \
    X(F_ASSET_CONFIDENTIALITY, ENUM("confidentiality", FF_LIST, protection_levels, "normal",  \
                                    "stated protection need: confidentiality"))               \
    X(F_ASSET_INTEGRITY, ENUM("integrity", FF_LIST, protection_levels, "normal",              \
                              "stated protection need: integrity"))                           \
    X(F_ASSET_AVAILABILITY, ENUM("availability", FF_LIST, protection_levels, "normal",        \
                                 "stated protection need: availability"))                     \
    X(F_ASSET_DEPENDS_ON,                                                                     \
      LINKS("depends_on", "depends-on", "asset", "asset_dependency", "asset", "depends_on",   \
            "assets this one relies on (they inherit its protection needs)"))                 \
    X(F_ASSET_CRITICAL_FUNCTION,                                                              \
      BOOL("critical_function", 0, "no", "supports a critical or important function (DORA)")) \
    X(F_ASSET_LOCATION, TEXT("location", 0, "where it is (site, region, provider)", 200))
FIELD_IDS(RN_ASSET, ASSET_FIELDS);
/* clang-format on */

extern const regdef reg_asset;

int rules_asset(dom *d, record *r, const record *old, isms_err *e);

extern const char *const protection_levels[]; /* normal, high, very-high */

enum { NEED_C, NEED_I, NEED_A, NEED_COUNT };

typedef struct asset_need {
    int64_t id;
    char key[32];
    int stated[NEED_COUNT];     /* 0 normal, 1 high, 2 very high */
    int inherited[NEED_COUNT];  /* highest need of the assets depending on it, -1 if none */
    int64_t source[NEED_COUNT]; /* id of the asset the inherited need comes from */
    int critical;               /* stated: supports a critical function */
    int critical_inherited;     /* a dependent asset does */
} asset_need;

/* Effective need: max(stated, inherited). */
int asset_effective(const asset_need *n, int which);
const char *need_name(int level); /* "normal", "high", "very-high" */

/* Needs of every active asset, in id order; *out is malloc'd (free it). */
int dom_asset_needs(dom *d, asset_need **out, size_t *n, isms_err *e);
/* The entry for one asset id in such an array, or NULL. */
const asset_need *asset_need_find(const asset_need *all, size_t n, int64_t id);

#endif
