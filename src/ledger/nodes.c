/* nodes.c: the ledger's Merkle tree kept in the store: growing it with
 * each entry, filling it for an older ledger, reading proofs from it, and
 * checking it against the entries. */
#include "ledger/nodes.h"
#include "core/xalloc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A lower-case hex digit's value plus one; 0 for any other byte. */
static const unsigned char hex_digit[256] = {
    ['0'] = 1, ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/* 64 lower-case hex digits, as isms writes them (sodium_hex2bin is made
 * for secrets, constant time, and several times slower: verify decodes a
 * hash per entry and per node). */
static int from_hex(const char *hex, merkle_hash out)
{
    if (!hex)
        return 0;
    for (int i = 0; i < MERKLE_HASH_SIZE; i++) {
        int hi = hex_digit[(unsigned char)hex[2 * i]];
        if (!hi)
            return 0; /* the end of a short string too: nothing past it is read */
        int lo = hex_digit[(unsigned char)hex[2 * i + 1]];
        if (!lo)
            return 0;
        out[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
    }
    return hex[2 * MERKLE_HASH_SIZE] == 0;
}

static void to_hex(const merkle_hash h, char hex[65])
{
    sodium_bin2hex(hex, 65, h, MERKLE_HASH_SIZE);
}

static int bad_hash(isms_err *e, const char *what, int64_t seq)
{
    return err_set(e, E_TAMPERED, "hash", "%s #%lld has no valid hash: run isms verify", what,
                   (long long)seq);
}

/* The leaf of the entry whose hash is `hex`. */
static int leaf_of(const char *hex, int64_t seq, merkle_hash leaf, isms_err *e)
{
    merkle_hash h;
    if (!from_hex(hex, h))
        return bad_hash(e, "ledger entry", seq);
    merkle_leaf_hash(h, leaf);
    return 0;
}

/* The first entry of the node of `level` ending at entry #seq. */
static int64_t first_of(int64_t seq, int level)
{
    return level >= 0 && level < 63 ? seq - ((int64_t)1 << level) + 1 : 0;
}

/* ---- growing ---- */

/* The nodes entries complete (ledger_insert_grown, ledger_tree_grow_many). */
typedef struct grown {
    int64_t *seq;
    int *level;
    char (*hash)[65];
    int n;
} grown;

/* Node (seq, level): made in this batch (the latest first), or stored. */
static int left_node(store *s, const grown *g, int64_t first, int64_t seq, int level,
                     merkle_hash out, isms_err *e)
{
    char hex[65];
    if (seq >= first) {
        for (int k = g->n - 1; k >= 0; k--)
            if (g->seq[k] == seq && g->level[k] == level)
                return from_hex(g->hash[k], out)
                           ? 0
                           : bad_hash(e, "the tree node ending at entry", seq);
    }
    int rc = store_tree_get(s, seq, level, hex, e);
    if (!rc && !from_hex(hex, out))
        rc = bad_hash(e, "the tree node ending at entry", seq);
    return rc;
}

/* Room for the nodes of n entries: each even entry completes levels 1..
 * while its seq is a multiple of 2^level, fewer than 2n nodes in all (and
 * at most 63 for one entry). */
static grown grown_for(int n)
{
    size_t cap = (size_t)(2 * n + 64);
    return (grown){ xcalloc(cap, sizeof(int64_t)), xcalloc(cap, sizeof(int)),
                    xcalloc(cap, sizeof(char[65])), 0 };
}

static void grown_free(grown *g)
{
    free(g->seq);
    free(g->level);
    free(g->hash);
}

/* The nodes entries rows[0..n) complete, in memory, into g. */
static int grow(store *s, const ledger_row *rows, int n, grown *g, isms_err *e)
{
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        int64_t seq = rows[i].seq;
        if (seq % 2)
            continue;
        merkle_hash left, node;
        rc = leaf_of(rows[i].prev_hash, seq - 1, left, e);
        if (!rc)
            rc = leaf_of(rows[i].hash, seq, node, e);
        if (!rc)
            merkle_node_hash(left, node, node);
        /* Level L is complete when seq is a multiple of 2^L; its left
         * sibling at that level ended 2^L entries earlier. */
        for (int level = 1; !rc; level++) {
            g->seq[g->n] = seq;
            g->level[g->n] = level;
            to_hex(node, g->hash[g->n++]);
            if (seq % ((int64_t)2 << level))
                break;
            rc = left_node(s, g, rows[0].seq, seq - ((int64_t)1 << level), level, left, e);
            if (!rc)
                merkle_node_hash(left, node, node);
        }
    }
    return rc;
}

int ledger_insert_grown(store *s, const ledger_row *r, isms_err *e)
{
    if (!store_keeps_tree(s))
        return store_ledger_insert(s, r, e);
    grown g = grown_for(1);
    int rc = grow(s, r, 1, &g, e);
    if (!rc)
        rc = store_ledger_insert_nodes(s, r, g.seq, g.level, (const char(*)[65])g.hash, g.n, e);
    grown_free(&g);
    return rc;
}

int ledger_tree_grow_many(store *s, const ledger_row *rows, int n, isms_err *e)
{
    if (n <= 0 || !store_keeps_tree(s))
        return 0;
    grown g = grown_for(n);
    int rc = grow(s, rows, n, &g, e);
    if (!rc)
        rc = store_tree_put_many(s, g.seq, g.level, (const char(*)[65])g.hash, g.n, e);
    grown_free(&g);
    return rc;
}

/* ---- filling ---- */

typedef struct filler {
    store *s;
    merkle_builder b;
    int rc;
    isms_err *e;
} filler;

static void put_node(void *ctx, int level, uint64_t index, const merkle_hash head)
{
    filler *f = ctx;
    char hex[65];
    to_hex(head, hex);
    if (!f->rc)
        f->rc = store_tree_put(f->s, (int64_t)((index + 1) << level), level, hex, f->e);
}

static int fill_entry(int64_t seq, const char *hash, void *ctx)
{
    filler *f = ctx;
    merkle_hash h;
    if (seq != (int64_t)f->b.size + 1)
        return err_set(f->e, E_TAMPERED, "ledger", "ledger entry #%lld is missing: run isms verify",
                       (long long)f->b.size + 1);
    if (!from_hex(hash, h))
        return bad_hash(f->e, "ledger entry", seq);
    merkle_builder_add(&f->b, h);
    return f->rc;
}

int ledger_tree_fill(store *s, isms_err *e)
{
    if (!store_keeps_tree(s))
        return 0;
    int64_t head;
    char *head_hash, two[65];
    arena a;
    arena_init(&a);
    int rc = store_ledger_head(s, &head, &head_hash, &a, e);
    arena_free(&a);
    isms_err probe = { 0 };
    /* The first node is there as soon as there are two entries. */
    if (rc || head < 2 || !store_tree_get(s, 2, 1, two, &probe))
        return rc;
    filler f = { .s = s, .e = e };
    merkle_builder_init(&f.b);
    f.b.on_node = put_node;
    f.b.ctx = &f;
    return store_ledger_hashes(s, 0, fill_entry, &f, e);
}

/* ---- reading ---- */

static int64_t seq_of(int level, uint64_t index) { return (int64_t)((index + 1) << level); }

/* A node's hash (hex) into its head: a leaf's from the entry's hash. */
static int head_of(const char *hex, int level, int64_t seq, merkle_hash out, isms_err *e)
{
    if (!level)
        return leaf_of(hex, seq, out, e);
    return from_hex(hex, out) ? 0 : bad_hash(e, "the tree node ending at entry", seq);
}

static int stored_node(void *ctx, int level, uint64_t index, merkle_hash out, isms_err *e)
{
    ledger_tree_reader *r = ctx;
    for (int i = 0; i < r->n; i++)
        if (r->ref[i].level == level && r->ref[i].index == index) {
            memcpy(out, r->head[i], MERKLE_HASH_SIZE);
            return 0;
        }
    /* Not read ahead (or not there: then the error names it). */
    char hex[65];
    int64_t seq = seq_of(level, index);
    int rc =
        level ? store_tree_get(r->s, seq, level, hex, e) : store_ledger_hash(r->s, seq, hex, e);
    if (rc)
        return rc;
    return head_of(hex, level, seq, out, e);
}

static int read_ahead(void *ctx, const merkle_node_ref *refs, int n, isms_err *e)
{
    ledger_tree_reader *r = ctx;
    r->n = 0;
    if (n <= 0 || n > MERKLE_MAX_NODES)
        return 0;
    int64_t seq[MERKLE_MAX_NODES] = { 0 };
    int level[MERKLE_MAX_NODES] = { 0 };
    char hex[MERKLE_MAX_NODES][65];
    for (int i = 0; i < n; i++) {
        seq[i] = seq_of(refs[i].level, refs[i].index);
        level[i] = refs[i].level;
    }
    int rc = store_tree_get_many(r->s, seq, level, n, hex, e);
    for (int i = 0; !rc && i < n; i++) {
        if (!hex[i][0])
            continue; /* asked for again, and reported, when it is needed */
        rc = head_of(hex[i], level[i], seq[i], r->head[r->n], e);
        r->ref[r->n++] = refs[i];
    }
    return rc;
}

void ledger_tree_source(ledger_tree_reader *r, store *s, merkle_source *out)
{
    r->s = s;
    r->n = 0;
    out->node = stored_node;
    out->prefetch = read_ahead;
    out->ctx = r;
}

/* ---- checking ---- */

enum { CHECK_CHUNK = 4096 };

typedef struct want {
    int64_t seq;
    int level;
    merkle_hash head;
} want;

struct ledger_tree_check {
    store *s;
    int active; /* the schema keeps the tree */
    ledger_tree_problem_fn fn;
    void *ctx;
    merkle_builder b;
    want *w; /* nodes completed since `checked`, in (seq, level) order */
    size_t n, cap, at;
    int64_t checked; /* stored nodes up to this seq are compared */
};

static void expect_node(void *ctx, int level, uint64_t index, const merkle_hash head)
{
    ledger_tree_check *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 2 * CHECK_CHUNK;
        c->w = xrealloc(c->w, sizeof *c->w * c->cap);
    }
    want *w = &c->w[c->n++];
    w->seq = (int64_t)((index + 1) << level);
    w->level = level;
    memcpy(w->head, head, MERKLE_HASH_SIZE);
}

ledger_tree_check *ledger_tree_check_new(store *s, ledger_tree_problem_fn fn, void *ctx)
{
    ledger_tree_check *c = xcalloc(1, sizeof *c);
    c->s = s;
    c->active = store_keeps_tree(s);
    c->fn = fn;
    c->ctx = ctx;
    merkle_builder_init(&c->b);
    c->b.on_node = expect_node;
    c->b.ctx = c;
    return c;
}

void ledger_tree_check_free(ledger_tree_check *c)
{
    if (c)
        free(c->w);
    free(c);
}

static void node_problem(ledger_tree_check *c, int64_t seq, int level, const char *what)
{
    char msg[400], range[64] = "";
    if (first_of(seq, level) >= 1 && level < 63)
        snprintf(range, sizeof range, " (entries #%lld to #%lld)", (long long)first_of(seq, level),
                 (long long)seq);
    snprintf(msg, sizeof msg,
             "the ledger's Merkle tree node of level %d ending at entry #%lld%s %s", level,
             (long long)seq, range, what);
    c->fn(c->ctx, msg);
}

static void missing_before(ledger_tree_check *c, int64_t seq, int level)
{
    while (c->at < c->n &&
           (c->w[c->at].seq < seq || (c->w[c->at].seq == seq && c->w[c->at].level < level))) {
        node_problem(c, c->w[c->at].seq, c->w[c->at].level, "is missing: it was removed");
        c->at++;
    }
}

static int compare_row(int64_t seq, int level, const char *hash, void *ctx)
{
    ledger_tree_check *c = ctx;
    missing_before(c, seq, level);
    if (c->at == c->n || c->w[c->at].seq != seq || c->w[c->at].level != level) {
        node_problem(c, seq, level, "is stored, but the tree has no such node: it was added");
        return 0;
    }
    merkle_hash h;
    if (!from_hex(hash, h) || memcmp(h, c->w[c->at].head, MERKLE_HASH_SIZE))
        node_problem(c, seq, level,
                     "does not match the entries: it was altered (proofs and tree "
                     "heads read from it would be false)");
    c->at++;
    return 0;
}

/* Compares the nodes completed since the last comparison, up to entry
 * #upto, with the stored ones. */
static int compare_upto(ledger_tree_check *c, int64_t upto, isms_err *e)
{
    c->at = 0;
    int rc = store_tree_scan(c->s, c->checked, upto, compare_row, c, e);
    if (rc)
        return rc;
    missing_before(c, INT64_MAX, 0);
    c->n = 0;
    c->checked = upto;
    return 0;
}

int ledger_tree_check_resume(ledger_tree_check *c, int64_t size, isms_err *e)
{
    if (!c->active || size <= 0)
        return 0;
    /* The builder's stack at `size`: the perfect subtrees of its binary
     * decomposition, largest first, read from the stored nodes. */
    int64_t end = 0;
    for (int level = 62; level >= 0; level--) {
        if (!(size & ((int64_t)1 << level)))
            continue;
        end += (int64_t)1 << level;
        char hex[65];
        int rc =
            level ? store_tree_get(c->s, end, level, hex, e) : store_ledger_hash(c->s, end, hex, e);
        if (!rc)
            rc = head_of(hex, level, end, c->b.stack[c->b.depth], e);
        if (rc)
            return rc;
        c->b.depth++;
    }
    c->b.size = (uint64_t)size;
    c->checked = size;
    return 0;
}

int ledger_tree_check_add(ledger_tree_check *c, int64_t seq, const char *hash, isms_err *e)
{
    if (!c->active)
        return 0;
    merkle_hash h;
    if (seq != (int64_t)c->b.size + 1 || !from_hex(hash, h))
        return bad_hash(e, "ledger entry", seq);
    merkle_builder_add(&c->b, h);
    return seq - c->checked >= CHECK_CHUNK ? compare_upto(c, seq, e) : 0;
}

static int past_the_end(int64_t seq, int level, const char *hash, void *ctx)
{
    (void)hash;
    ledger_tree_check *c = ctx;
    char what[160];
    snprintf(what, sizeof what,
             "is stored, but the ledger ends at entry #%lld: entries were "
             "removed from its end",
             (long long)c->b.size);
    node_problem(c, seq, level, what);
    return 0;
}

int ledger_tree_check_end(ledger_tree_check *c, isms_err *e)
{
    if (!c->active)
        return 0;
    int rc = compare_upto(c, (int64_t)c->b.size, e);
    if (rc)
        return rc;
    return store_tree_scan(c->s, (int64_t)c->b.size, INT64_MAX, past_the_end, c, e);
}
