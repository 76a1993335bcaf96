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
} sel_ctx;

/* Appends to groups and controls (deep copies) what the import selects of
 * the catalog object; groups may be NULL when s->flat. */
void oscal_select(sel_ctx *s, const json_t *catalog, const json_t *import, json_t *groups,
                  json_t *controls);

/* Whether a selector (with-ids, matching globs) picks the id. */
int oscal_pick_matches(const json_t *sel, const char *id);

#endif
