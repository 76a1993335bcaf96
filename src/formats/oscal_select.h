/* oscal_select.h: one import's selection (oscal_select.c), for the
 * profile resolver. */
#ifndef ISMS_FORMATS_OSCAL_SELECT_H
#define ISMS_FORMATS_OSCAL_SELECT_H

#include "core/strmap.h"

#include <jansson.h>

typedef struct sel_ctx {
    strmap *ids;  /* control id -> its mark, while selecting */
    strmap *seen; /* combine use-first: the ids already kept (NULL: keep all) */
    int flat;     /* merge flat (or none): groups left out */
    /* merge as-is: where each kept group and control comes from, for
     * merging the groups of several imports of one source (provenance) */
    const char *source;                    /* the imported catalog's uuid */
    json_int_t groups_seen, controls_seen; /* document order in the source */
} sel_ctx;

/* Private members of the groups and controls kept as-is while resolving
 * (never in a resolved catalog: oscal_strip_provenance): a group's source
 * ("uuid#N", its N-th group in document order) and a control's place in
 * its source, so that id-less groups of one source imported twice (or
 * through a profile) become one again, their controls in source order, as
 * NIST's resolver does. */
#define OSCAL_PROV "opr:provenance"
#define OSCAL_POS "opr:position"
void oscal_strip_provenance(json_t *node);

/* Appends to groups and controls (deep copies) what the import selects of
 * the catalog object; groups may be NULL when s->flat. */
void oscal_select(sel_ctx *s, const json_t *catalog, const json_t *import, json_t *groups,
                  json_t *controls);

/* Whether a selector (with-ids, matching globs) picks the id. */
int oscal_pick_matches(const json_t *sel, const char *id);

#endif
