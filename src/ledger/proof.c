/* proof.c: the text form of inclusion and consistency proofs. */
#include "ledger/proof.h"
#include "core/text.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const headers[] = { "isms inclusion proof", "isms consistency proof" };

static void put_sized_root(buf *out, const char *label, int64_t size, const merkle_hash root)
{
    char b64[45];
    ckpt_hash_b64(root, b64);
    buf_printf(out, "%s %lld %s\n", label, (long long)size, b64);
}

void proof_format(const ledger_proof *p, buf *out)
{
    buf_printf(out, "%s\norigin %s\n", headers[p->kind], p->origin);
    if (p->kind == PROOF_INCLUSION) {
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, p->entry, MERKLE_HASH_SIZE);
        buf_printf(out, "entry %lld %s\n", (long long)p->seq, hex);
        put_sized_root(out, "size", p->size, p->root);
    } else {
        put_sized_root(out, "old", p->old_size, p->old_root);
        put_sized_root(out, "new", p->size, p->root);
    }
    for (size_t i = 0; i < p->path.n; i++) {
        char b64[45];
        ckpt_hash_b64(p->path.h[i], b64);
        buf_printf(out, "%s\n", b64);
    }
}

/* ---- reading ---- */

typedef struct cursor {
    const char *p, *end;
    int line;
    char text[CKPT_ORIGIN_MAX + 80];
} cursor;

static int bad(cursor *c, isms_err *e, const char *what)
{
    return err_set(e, E_INVALID, "proof", "not an isms proof: line %d: %s", c->line, what);
}

/* The next line into c->text; 0 at the end of the text. */
static int next_line(cursor *c, isms_err *e, int *got)
{
    *got = 0;
    if (c->p >= c->end)
        return 0;
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    size_t n = nl ? (size_t)(nl - c->p) : (size_t)(c->end - c->p);
    c->line++;
    if (n >= sizeof c->text)
        return bad(c, e, "too long");
    memcpy(c->text, c->p, n);
    c->text[n] = 0;
    c->p = nl ? nl + 1 : c->end;
    *got = 1;
    return 0;
}

static int need_line(cursor *c, isms_err *e)
{
    int got, rc = next_line(c, e, &got);
    if (rc)
        return rc;
    return got ? 0 : bad(c, e, "missing");
}

/* "<label> <n> <rest>" with n a positive decimal; rest into `rest`. */
static int sized(cursor *c, const char *label, int64_t *n, char *rest, size_t cap, isms_err *e)
{
    int rc = need_line(c, e);
    if (rc)
        return rc;
    size_t l = strlen(label);
    char *sp =
        strncmp(c->text, label, l) || c->text[l] != ' ' ? NULL : strchr(c->text + l + 1, ' ');
    if (!sp)
        return bad(c, e, label);
    *sp = 0;
    if (parse_int64(label, c->text + l + 1, 1, INT64_MAX, n, NULL) || strlen(sp + 1) >= cap)
        return bad(c, e, label);
    snprintf(rest, cap, "%s", sp + 1);
    return 0;
}

static int sized_root(cursor *c, const char *label, int64_t *n, merkle_hash root, isms_err *e)
{
    char b64[64];
    int rc = sized(c, label, n, b64, sizeof b64, e);
    if (!rc && ckpt_hash_parse(b64, root, NULL))
        rc = bad(c, e, "the root must be the base64 of a 32-byte hash");
    return rc;
}

static int read_head(cursor *c, ledger_proof *out, isms_err *e)
{
    int rc = need_line(c, e);
    if (rc)
        return rc;
    if (!strcmp(c->text, headers[PROOF_INCLUSION]))
        out->kind = PROOF_INCLUSION;
    else if (!strcmp(c->text, headers[PROOF_CONSISTENCY]))
        out->kind = PROOF_CONSISTENCY;
    else
        return bad(c, e, "expected \"isms inclusion proof\" or \"isms consistency proof\"");
    rc = need_line(c, e);
    if (rc)
        return rc;
    if (strncmp(c->text, "origin ", 7) || !c->text[7] || strlen(c->text + 7) > CKPT_ORIGIN_MAX)
        return bad(c, e, "expected origin ORIGIN");
    snprintf(out->origin, sizeof out->origin, "%s", c->text + 7);
    return 0;
}

static int read_entry(cursor *c, ledger_proof *out, isms_err *e)
{
    char hex[80];
    size_t n = 0;
    int rc = sized(c, "entry", &out->seq, hex, sizeof hex, e);
    if (!rc && (strlen(hex) != 64 ||
                sodium_hex2bin(out->entry, MERKLE_HASH_SIZE, hex, 64, NULL, &n, NULL) ||
                n != MERKLE_HASH_SIZE))
        rc = bad(c, e, "the entry's hash must be 64 hex digits");
    return rc;
}

static int read_path(cursor *c, ledger_proof *out, isms_err *e)
{
    out->path.n = 0;
    for (;;) {
        int got, rc = next_line(c, e, &got);
        if (rc || !got)
            return rc;
        if (out->path.n == MERKLE_MAX_PROOF)
            return bad(c, e, "too many hashes");
        if (ckpt_hash_parse(c->text, out->path.h[out->path.n], NULL))
            return bad(c, e, "a proof hash must be the base64 of a 32-byte hash");
        out->path.n++;
    }
}

int proof_parse(const char *text, size_t len, ledger_proof *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    cursor c = { .p = text, .end = text + len };
    if (!utf8_valid(text, len))
        return bad(&c, e, "not UTF-8 text");
    int rc = read_head(&c, out, e);
    if (!rc && out->kind == PROOF_INCLUSION) {
        rc = read_entry(&c, out, e);
        if (!rc)
            rc = sized_root(&c, "size", &out->size, out->root, e);
    } else if (!rc) {
        rc = sized_root(&c, "old", &out->old_size, out->old_root, e);
        if (!rc)
            rc = sized_root(&c, "new", &out->size, out->root, e);
    }
    if (rc)
        return rc;
    return read_path(&c, out, e);
}

int proof_check(const ledger_proof *p, isms_err *e)
{
    isms_err why = { 0 };
    int rc;
    if (p->kind == PROOF_INCLUSION) {
        merkle_hash leaf;
        merkle_leaf_hash(p->entry, leaf);
        rc = merkle_verify_inclusion((uint64_t)p->seq - 1, (uint64_t)p->size, leaf, p->path.h,
                                     p->path.n, p->root, &why);
        if (rc)
            return err_set(e, rc, "proof",
                           "the proof does not show ledger entry #%lld in the "
                           "ledger of %lld entries: %s",
                           (long long)p->seq, (long long)p->size, why.msg);
        return 0;
    }
    rc = merkle_verify_consistency((uint64_t)p->old_size, (uint64_t)p->size, p->path.h, p->path.n,
                                   p->old_root, p->root, &why);
    if (rc)
        return err_set(e, rc, "proof",
                       "the proof does not show that the ledger of %lld entries "
                       "extends the one of %lld: %s",
                       (long long)p->size, (long long)p->old_size, why.msg);
    return 0;
}
