/* merkle.c: RFC 6962 / RFC 9162 tree heads and proofs. The proof
 * algorithms are the RFC's own, step for step, so that they can be read
 * side by side with sections 2.1.3 and 2.1.4. */
#include "ledger/merkle.h"
#include "core/sha256.h"

#include <string.h>

void merkle_leaf_hash(const merkle_hash entry, merkle_hash out)
{
    unsigned char in[1 + MERKLE_HASH_SIZE];
    in[0] = 0x00;
    memcpy(in + 1, entry, MERKLE_HASH_SIZE);
    sha256(in, sizeof in, out);
}

void merkle_node_hash(const merkle_hash left, const merkle_hash right, merkle_hash out)
{
    unsigned char in[1 + 2 * MERKLE_HASH_SIZE];
    in[0] = 0x01;
    memcpy(in + 1, left, MERKLE_HASH_SIZE);
    memcpy(in + 1 + MERKLE_HASH_SIZE, right, MERKLE_HASH_SIZE);
    sha256(in, sizeof in, out);
}

/* ---- tree heads ---- */

/* The head of perfect subtrees side by side, largest first (count > 0):
 * each joins the ones to its right. */
static void fold(const merkle_hash *parts, int count, merkle_hash out)
{
    merkle_hash r;
    memcpy(r, parts[count - 1], MERKLE_HASH_SIZE);
    for (int i = count - 2; i >= 0; i--)
        merkle_node_hash(parts[i], r, r);
    memcpy(out, r, MERKLE_HASH_SIZE);
}

void merkle_builder_init(merkle_builder *b)
{
    b->size = 0;
    b->depth = 0;
    b->on_node = NULL;
    b->ctx = NULL;
}

void merkle_builder_add(merkle_builder *b, const merkle_hash entry)
{
    merkle_leaf_hash(entry, b->stack[b->depth++]);
    b->size++;
    /* Each trailing zero bit of the new size is a pair of equal subtrees
     * on top of the stack that now form one. */
    int level = 0;
    for (uint64_t s = b->size; !(s & 1); s >>= 1) {
        b->depth--;
        merkle_node_hash(b->stack[b->depth - 1], b->stack[b->depth], b->stack[b->depth - 1]);
        level++;
        if (b->on_node)
            b->on_node(b->ctx, level, (b->size >> level) - 1, b->stack[b->depth - 1]);
    }
}

void merkle_builder_root(const merkle_builder *b, merkle_hash out)
{
    if (!b->depth) {
        sha256("", 0, out);
        return;
    }
    fold(b->stack, b->depth, out);
}

void merkle_root(const merkle_hash *entries, uint64_t n, merkle_hash out)
{
    merkle_builder b;
    merkle_builder_init(&b);
    for (uint64_t i = 0; i < n; i++)
        merkle_builder_add(&b, entries[i]);
    merkle_builder_root(&b, out);
}

static int bad_sizes(isms_err *e, uint64_t size1, uint64_t size2)
{
    return err_set(e, E_INVALID, "size",
                   "no consistency proof from size %llu to size %llu: it "
                   "needs 0 < old size <= new size",
                   (unsigned long long)size1, (unsigned long long)size2);
}

/* ---- proofs ---- */

/* k: the largest power of two smaller than n (n > 1). */
static uint64_t split(uint64_t n)
{
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

/* MTH(D[start:start+n]) for a range the RFC's recursion reaches (start a
 * multiple of the power of two at or above n): a perfect subtree is one
 * node of the source; any other range is the perfect subtrees of n's set
 * bits, largest first, folded from the right. */
static int range_root(const merkle_source *src, uint64_t start, uint64_t n, merkle_hash out,
                      isms_err *e)
{
    merkle_hash parts[64];
    int count = 0;
    for (int level = 63; level >= 0; level--) {
        uint64_t size = (uint64_t)1 << level;
        if (!(n & size))
            continue;
        int rc = src->node(src->ctx, level, start >> level, parts[count++], e);
        if (rc)
            return rc;
        start += size;
    }
    fold(parts, count, out);
    return 0;
}

/* PATH(m, D[start:start+n]): the sibling subtree heads from the leaf up. */
static int path(const merkle_source *src, uint64_t start, uint64_t m, uint64_t n, merkle_proof *p,
                isms_err *e)
{
    if (n <= 1)
        return 0;
    uint64_t k = split(n);
    int rc = m < k ? path(src, start, m, k, p, e) : path(src, start + k, m - k, n - k, p, e);
    if (rc)
        return rc;
    return m < k ? range_root(src, start + k, n - k, p->h[p->n++], e)
                 : range_root(src, start, k, p->h[p->n++], e);
}

static int job_inclusion(const merkle_source *src, uint64_t n, uint64_t index, void *result,
                         isms_err *e)
{
    merkle_proof *out = result;
    out->n = 0;
    if (index >= n)
        return err_set(e, E_INVALID, "index", "leaf %llu is outside a tree of %llu leaves",
                       (unsigned long long)index, (unsigned long long)n);
    return path(src, 0, index, n, out, e);
}

/* SUBPROOF(m, D[start:start+n], b): b says whether D[start:start+m] is a
 * subtree the verifier already has the head of (the first tree itself). */
static int subproof(const merkle_source *src, uint64_t start, uint64_t m, uint64_t n, int b,
                    merkle_proof *p, isms_err *e)
{
    if (m == n)
        return b ? 0 : range_root(src, start, n, p->h[p->n++], e);
    uint64_t k = split(n);
    int rc = m <= k ? subproof(src, start, m, k, b, p, e)
                    : subproof(src, start + k, m - k, n - k, 0, p, e);
    if (rc)
        return rc;
    return m <= k ? range_root(src, start + k, n - k, p->h[p->n++], e)
                  : range_root(src, start, k, p->h[p->n++], e);
}

static int job_consistency(const merkle_source *src, uint64_t n2, uint64_t n1, void *result,
                           isms_err *e)
{
    merkle_proof *out = result;
    out->n = 0;
    if (n1 == 0 || n1 > n2)
        return bad_sizes(e, n1, n2);
    return n1 < n2 ? subproof(src, 0, n1, n2, 1, out, e) : 0;
}

static int job_root(const merkle_source *src, uint64_t n, uint64_t unused, void *result,
                    isms_err *e)
{
    (void)unused;
    unsigned char *out = result;
    if (!n) {
        sha256("", 0, out);
        return 0;
    }
    return range_root(src, 0, n, out, e);
}

/* ---- reading the nodes a job needs at once ---- */

typedef int (*merkle_job)(const merkle_source *src, uint64_t a, uint64_t b, void *result,
                          isms_err *e);

typedef struct recorder {
    merkle_node_ref refs[MERKLE_MAX_NODES];
    int n;
} recorder;

/* A source that answers zeros and writes down what was asked. */
static int record_node(void *ctx, int level, uint64_t index, merkle_hash out, isms_err *e)
{
    recorder *r = ctx;
    if (r->n == MERKLE_MAX_NODES)
        return err_set(e, E_INTERNAL, "tree", "more than %d nodes for one proof", MERKLE_MAX_NODES);
    r->refs[r->n++] = (merkle_node_ref){ level, index };
    memset(out, 0, MERKLE_HASH_SIZE);
    return 0;
}

/* Runs the job once against a recorder (the nodes it needs depend on the
 * sizes, not on the hashes), hands the list to the source's prefetch,
 * then runs it for real. */
static int run(const merkle_source *src, merkle_job job, uint64_t a, uint64_t b, void *result,
               isms_err *e)
{
    if (src->prefetch) {
        recorder r;
        merkle_source rec = { .node = record_node, .ctx = &r };
        union {
            merkle_proof p;
            merkle_hash h;
        } scratch;
        isms_err ignored = { 0 };
        r.n = 0;
        if (!job(&rec, a, b, &scratch, &ignored)) {
            int rc = src->prefetch(src->ctx, r.refs, r.n, e);
            if (rc)
                return rc;
        }
    }
    return job(src, a, b, result, e);
}

int merkle_source_root(const merkle_source *src, uint64_t n, merkle_hash out, isms_err *e)
{
    return run(src, job_root, n, 0, out, e);
}

int merkle_source_inclusion(const merkle_source *src, uint64_t n, uint64_t index, merkle_proof *out,
                            isms_err *e)
{
    return run(src, job_inclusion, n, index, out, e);
}

int merkle_source_consistency(const merkle_source *src, uint64_t n2, uint64_t n1, merkle_proof *out,
                              isms_err *e)
{
    return run(src, job_consistency, n2, n1, out, e);
}

/* The entries in memory as a source: each node is built from its leaves,
 * so a proof costs one pass over the tree, like its head. */
typedef struct array_source {
    const merkle_hash *d;
} array_source;

static int array_node(void *ctx, int level, uint64_t index, merkle_hash out, isms_err *e)
{
    (void)e;
    const array_source *a = ctx;
    merkle_root(a->d + (index << level), (uint64_t)1 << level, out);
    return 0;
}

int merkle_inclusion_proof(const merkle_hash *entries, uint64_t n, uint64_t index,
                           merkle_proof *out, isms_err *e)
{
    array_source a = { entries };
    merkle_source src = { .node = array_node, .ctx = &a };
    return merkle_source_inclusion(&src, n, index, out, e);
}

int merkle_consistency_proof(const merkle_hash *entries, uint64_t n2, uint64_t n1,
                             merkle_proof *out, isms_err *e)
{
    array_source a = { entries };
    merkle_source src = { .node = array_node, .ctx = &a };
    return merkle_source_consistency(&src, n2, n1, out, e);
}

/* ---- roots from proofs, and verification ---- */

static int same(const merkle_hash a, const merkle_hash b)
{
    return !memcmp(a, b, MERKLE_HASH_SIZE);
}

static int wrong_length(isms_err *e, const char *what, size_t n)
{
    return err_set(e, E_INVALID, "proof",
                   "the %s proof has the wrong number of hashes (%zu) for "
                   "its tree sizes",
                   what, n);
}

/* RFC 9162: "right-shift both fn and sn equally until either LSB(fn) is
 * set or fn is 0", after a step where the path's hash was on the left. */
static void climb_left_edge(uint64_t *fn, uint64_t *sn)
{
    while (!(*fn & 1) && *fn != 0) {
        *fn >>= 1;
        *sn >>= 1;
    }
}

int merkle_inclusion_root(uint64_t index, uint64_t size, const merkle_hash leaf,
                          const merkle_hash *proof, size_t nproof, merkle_hash out, isms_err *e)
{
    if (index >= size)
        return err_set(e, E_INVALID, "index", "leaf %llu is outside a tree of %llu leaves",
                       (unsigned long long)index, (unsigned long long)size);
    uint64_t fn = index, sn = size - 1;
    merkle_hash r;
    memcpy(r, leaf, MERKLE_HASH_SIZE);
    for (size_t i = 0; i < nproof; i++) {
        if (sn == 0)
            return wrong_length(e, "inclusion", nproof);
        if ((fn & 1) || fn == sn) {
            merkle_node_hash(proof[i], r, r);
            climb_left_edge(&fn, &sn);
        } else {
            merkle_node_hash(r, proof[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return wrong_length(e, "inclusion", nproof);
    memcpy(out, r, MERKLE_HASH_SIZE);
    return 0;
}

int merkle_verify_inclusion(uint64_t index, uint64_t size, const merkle_hash leaf,
                            const merkle_hash *proof, size_t nproof, const merkle_hash root,
                            isms_err *e)
{
    merkle_hash r;
    int rc = merkle_inclusion_root(index, size, leaf, proof, nproof, r, e);
    if (!rc && !same(r, root))
        rc = err_set(e, E_TAMPERED, "root",
                     "the inclusion proof of leaf %llu does not lead to "
                     "the root of the tree of %llu leaves",
                     (unsigned long long)index, (unsigned long long)size);
    return rc;
}

int merkle_consistency_roots(uint64_t size1, uint64_t size2, const merkle_hash *proof,
                             size_t nproof, const merkle_hash perfect_root1, merkle_hash root1,
                             merkle_hash root2, isms_err *e)
{
    if (size1 == 0 || size1 > size2)
        return bad_sizes(e, size1, size2);
    if (size1 == size2)
        return err_set(e, E_INVALID, "size", "trees of equal size have no consistency path");
    if (!nproof)
        return wrong_length(e, "consistency", nproof);
    /* When the first tree is a perfect subtree, its head starts the path. */
    int perfect = (size1 & (size1 - 1)) == 0;
    const unsigned char *first = perfect ? perfect_root1 : proof[0];
    size_t next = perfect ? 0 : 1;
    uint64_t fn = size1 - 1, sn = size2 - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    merkle_hash fr, sr;
    memcpy(fr, first, MERKLE_HASH_SIZE);
    memcpy(sr, first, MERKLE_HASH_SIZE);
    for (size_t i = next; i < nproof; i++) {
        if (sn == 0)
            return wrong_length(e, "consistency", nproof);
        if ((fn & 1) || fn == sn) {
            merkle_node_hash(proof[i], fr, fr);
            merkle_node_hash(proof[i], sr, sr);
            climb_left_edge(&fn, &sn);
        } else {
            merkle_node_hash(sr, proof[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return wrong_length(e, "consistency", nproof);
    memcpy(root1, fr, MERKLE_HASH_SIZE);
    memcpy(root2, sr, MERKLE_HASH_SIZE);
    return 0;
}

static int roots_differ(isms_err *e, uint64_t size1, uint64_t size2)
{
    return err_set(e, E_TAMPERED, "root",
                   "the tree of %llu leaves is not a prefix of the tree of "
                   "%llu leaves: their roots do not follow from each other",
                   (unsigned long long)size1, (unsigned long long)size2);
}

int merkle_verify_consistency(uint64_t size1, uint64_t size2, const merkle_hash *proof,
                              size_t nproof, const merkle_hash root1, const merkle_hash root2,
                              isms_err *e)
{
    if (size1 == 0 || size1 > size2)
        return bad_sizes(e, size1, size2);
    if (size1 == size2) {
        if (nproof)
            return wrong_length(e, "consistency", nproof);
        return same(root1, root2) ? 0 : roots_differ(e, size1, size2);
    }
    merkle_hash fr, sr;
    int rc = merkle_consistency_roots(size1, size2, proof, nproof, root1, fr, sr, e);
    if (!rc && !(same(fr, root1) && same(sr, root2)))
        rc = roots_differ(e, size1, size2);
    return rc;
}
