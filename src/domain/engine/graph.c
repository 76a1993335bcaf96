#include "domain/engine/graph.h"
#include "core/idset.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int collect_edge(int64_t src, int64_t dst, void *ctx)
{
    graph *g = ctx;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 256;
        g->src = xrealloc(g->src, g->cap * sizeof *g->src);
        g->dst = xrealloc(g->dst, g->cap * sizeof *g->dst);
    }
    g->src[g->n] = src;
    g->dst[g->n] = dst;
    g->n++;
    return 0;
}

int graph_load(dom *d, const regdef *reg, int fid, graph *g, isms_err *e)
{
    memset(g, 0, sizeof *g);
    return store_edges(dom_store(d), reg, field_def(reg, fid), collect_edge, g, e);
}

int graph_load_to(dom *d, const regdef *reg, int fid, int64_t from, int64_t upto, graph *g,
                  isms_err *e)
{
    memset(g, 0, sizeof *g);
    return store_edges_to(dom_store(d), field_def(reg, fid), from, upto, collect_edge, g, e);
}

void graph_free(graph *g)
{
    free(g->src);
    free(g->dst);
    memset(g, 0, sizeof *g);
}

size_t graph_first(const graph *g, int64_t from) { return ids_lower_bound(g->src, g->n, from); }
