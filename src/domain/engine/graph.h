/* graph.h: the edges of a link field (asset dependencies), in memory.
 *
 * Loaded in source order from the store, so the edges leaving a record are
 * contiguous and found by binary search. Used by the cycle check and by
 * the protection-need inheritance. */
#ifndef ISMS_DOMAIN_GRAPH_H
#define ISMS_DOMAIN_GRAPH_H

#include "domain/engine/dom.h"

#include <stddef.h>
#include <stdint.h>

typedef struct graph {
    int64_t *src, *dst; /* edge i: src[i] -> dst[i], sorted by src */
    size_t n, cap;
} graph;

/* Loads every edge of link field `fid` of `reg`. Free with graph_free. */
int graph_load(dom *d, const regdef *reg, int fid, graph *g, isms_err *e);
/* Only the edges into records whose ids lie within [from, upto] (by the
 * link's reverse index), still in source order. */
int graph_load_to(dom *d, const regdef *reg, int fid, int64_t from, int64_t upto, graph *g,
                  isms_err *e);
void graph_free(graph *g);
/* Index of the first edge leaving `from` (== g->n if none). */
size_t graph_first(const graph *g, int64_t from);

#endif
