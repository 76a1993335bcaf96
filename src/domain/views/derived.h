/* derived.h: values the domain computes from records and never stores,
 * as data, so that every front end shows the same ones: a risk's scores
 * and bands on the organisation's matrix, an asset's protection needs
 * after the maximum principle and where they come from.
 *
 * Each register has a table of derived values, described like fields (a
 * fielddef: name, type, flags, help); the CLI's tables, its show view and
 * every JSON rendering read the same table and the same computed values.
 *
 *   derive_cache *c = derive_cache_new(d);
 *   int n;
 *   const derived_def *defs = derived_defs(r->reg, &n);
 *   value *v = ...n values...;
 *   derive_record(c, r, v, e);     // v[k] is defs[k]'s value for r
 *   derive_cache_free(c);
 */
#ifndef ISMS_DOMAIN_DERIVED_H
#define ISMS_DOMAIN_DERIVED_H

#include "domain/engine/dom.h"

typedef struct derive_cache derive_cache;

typedef struct derived_def {
    /* name (the JSON member), type (FT_INT, FT_TEXT, FT_BOOL, or FT_REF for
     * a key of `target`), flags (FF_LIST: a column of the human list
     * table), help */
    fielddef field;
    const char *group; /* the JSON object it sits in ("effective_needs"); NULL: beside the fields */
    const char *label; /* for people: "inherent score" */
    /* Computes the value for r; `arg` tells apart the entries that share a
     * function (confidentiality, integrity, availability). */
    int (*compute)(derive_cache *c, const record *r, int arg, value *out, isms_err *e);
    int arg;
    /* Computed only where one record is shown (derive_cache_detail): it
     * costs a query of its own, which a list of a million rows would pay a
     * million times. Left null elsewhere. */
    int detail;
} derived_def;

/* The derived values of reg's records, in display order (*n = 0: none). */
const derived_def *derived_defs(const regdef *reg, int *n);

/* What the derived values of many records share (the protection needs of
 * every asset, computed once): make one per command or request. */
derive_cache *derive_cache_new(dom *d);
void derive_cache_free(derive_cache *c);
/* The cache serves the view of one record (show, a record's page): the
 * values marked `detail` are computed too. */
void derive_cache_detail(derive_cache *c);

/* Computes every derived value of r into out[0..n-1] (n as derived_defs
 * says); null where there is none. Texts live as long as the cache. */
int derive_record(derive_cache *c, const record *r, value *out, isms_err *e);

/* A year's loss (minor units) against an analysis `key`'s mean and P95
 * annual loss, in words: "within the mean annual loss of QNT-7 (EUR ...)",
 * "above the mean ... within its P95 (...)", or "ABOVE the P95 ...: review
 * its inputs". In the dom's arena. */
const char *dom_loss_against(dom *d, int64_t loss, int64_t mean, int64_t p95, const char *key);

#endif
