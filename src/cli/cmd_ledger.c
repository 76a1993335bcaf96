/* cmd_ledger.c: the ledger's Merkle tree on the command line.
 *
 *   isms ledger root [--size N]                    the tree head
 *   isms ledger proof SEQ [--size N]               entry #SEQ is in the ledger
 *   isms ledger proof --from N [--to M]            the ledger of M extends the one of N
 *   isms ledger check PROOF [--checkpoint F --pubkey K]   check a proof offline
 *   isms checkpoint --key FILE [--out FILE]        sign the tree head, record it
 *   isms checkpoint cosign CP --key FILE [--previous CP] [--proof F] [--pubkey K]
 *                                                   countersign as a witness
 * and the --checkpoint/--pubkey inputs of `isms verify`. Formats: docs/LEDGER.md. */
#include "cli/cmd_ledger.h"
#include "core/text.h"
#include "formats/json.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- files ---- */

/* The whole of a (small) text file, into the command's arena. */
static int read_text(cli *c, const char *path, const char *what, char **out, size_t *len,
                     isms_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, errno == ENOENT ? E_NOT_FOUND : E_IO, what, "cannot open %s: %s", path,
                       strerror(errno));
    char *text = arena_alloc(c->a, CKPT_TEXT_MAX + 2);
    size_t n = fread(text, 1, CKPT_TEXT_MAX + 1, f);
    int failed = ferror(f);
    fclose(f);
    if (failed)
        return err_set(e, E_IO, what, "cannot read %s", path);
    if (n > CKPT_TEXT_MAX)
        return err_set(e, E_INVALID, what, "%s is larger than a %s can be (%d bytes)", path, what,
                       CKPT_TEXT_MAX);
    text[n] = 0;
    *out = text;
    *len = n;
    return 0;
}

/* A checkpoint or proof file, read and parsed (into a checkpoint or a
 * ledger_proof); a parse error names the file. */
typedef enum { FILE_CHECKPOINT, FILE_PROOF } file_kind;

static int read_parsed(cli *c, const char *path, file_kind kind, void *out, isms_err *e)
{
    static const char *const what[] = { "checkpoint", "proof" };
    char *text = NULL;
    size_t n = 0;
    isms_err why = { 0 };
    int rc = read_text(c, path, what[kind], &text, &n, e);
    if (rc)
        return rc;
    rc = kind == FILE_CHECKPOINT ? ckpt_parse(text, n, out, &why) : proof_parse(text, n, out, &why);
    return rc ? err_set(e, rc, what[kind], "%s: %s", path, why.msg) : 0;
}

static int read_checkpoint(cli *c, const char *path, checkpoint *out, isms_err *e)
{
    return read_parsed(c, path, FILE_CHECKPOINT, out, e);
}

/* Writes `text` to `path` through a temporary file renamed into place, so
 * a reader never sees half a checkpoint and a failure leaves the old one;
 * NULL writes to standard output. */
static int put_text(cli *c, const char *path, const buf *text, isms_err *e)
{
    if (!path) {
        fputs(buf_str(text), c->out);
        return 0;
    }
    char *tmp = arena_printf(c->a, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return err_set(e, E_IO, "out", "cannot create %s: %s", tmp, strerror(errno));
    int ok =
        fwrite(text->data, 1, text->len, f) == text->len && fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (ok && rename(tmp, path) == 0)
        return 0;
    int saved = errno;
    unlink(tmp);
    return err_set(e, E_IO, "out", "cannot write %s: %s", path, strerror(saved));
}

/* Every value of a repeatable option, in order (arena memory). */
static const char **opt_values(cli *c, const char *name, int *n)
{
    const char **v = arena_alloc(c->a, sizeof *v * (size_t)(c->nopts + 1));
    *n = 0;
    for (int i = 0; i < c->nopts; i++)
        if (!strcmp(c->opts[i].name, name) && c->opts[i].arg)
            v[(*n)++] = c->opts[i].arg;
    return v;
}

static int opt_int(cli *c, const char *name, int64_t *out, isms_err *e)
{
    const char *v = cli_opt_value(c, name);
    *out = 0;
    return v ? parse_int64(name, v, 1, INT64_MAX, out, e) : 0;
}

int cli_checkpoint_inputs(cli *c, ckpt_inputs *in, isms_err *e)
{
    memset(in, 0, sizeof *in);
    in->public_keys = opt_values(c, "pubkey", &in->npublic_keys);
    int n;
    const char **paths = opt_values(c, "checkpoint", &n);
    ckpt_file *files = arena_alloc(c->a, sizeof *files * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        files[i].label = arena_printf(c->a, "checkpoint %s", paths[i]);
        int rc = read_checkpoint(c, paths[i], &files[i].c, e);
        if (rc)
            return rc;
    }
    in->files = files;
    in->nfiles = n;
    for (int i = 0; i < in->npublic_keys; i++) {
        verifier_key k;
        int rc = signkey_parse_verifier(in->public_keys[i], &k, e);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- output ---- */

static json_t *hash_json(const merkle_hash h)
{
    char b64[45];
    ckpt_hash_b64(h, b64);
    return json_string(b64);
}

static void put_checkpoint_json(cli *c, const checkpoint *cp, const buf *text)
{
    json_t *sigs = json_array();
    for (int i = 0; i < cp->nsigs; i++)
        json_array_append_new(sigs, json_string(cp->sigs[i].name));
    json_t *o =
        json_pack("{s:s, s:I, s:o, s:o, s:s}", "origin", cp->origin, "size", (json_int_t)cp->size,
                  "root", hash_json(cp->root), "signed_by", sigs, "checkpoint", buf_str(text));
    js_write(c->out, o, 1);
    json_decref(o);
}

/* The checkpoint to --out (or standard output), JSON on standard output. */
static int put_checkpoint(cli *c, const checkpoint *cp, const char *what, isms_err *e)
{
    const char *path = cli_opt_value(c, "out");
    buf text;
    buf_init(&text);
    ckpt_format(cp, &text);
    int rc = c->json && !path ? 0 : put_text(c, path, &text, e);
    if (!rc && c->json)
        put_checkpoint_json(c, cp, &text);
    if (!rc && path)
        fprintf(stderr, "isms: %s of %llu entries written to %s\n", what,
                (unsigned long long)cp->size, path);
    buf_reset(&text);
    return rc;
}

static void put_proof_json(cli *c, const ledger_proof *p)
{
    json_t *path = json_array();
    for (size_t i = 0; i < p->path.n; i++)
        json_array_append_new(path, hash_json(p->path.h[i]));
    json_t *o;
    if (p->kind == PROOF_INCLUSION) {
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, p->entry, MERKLE_HASH_SIZE);
        o = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:o}", "kind", "inclusion", "origin",
                      p->origin, "seq", (json_int_t)p->seq, "entry_hash", hex, "leaf_index",
                      (json_int_t)(p->seq - 1), "size", (json_int_t)p->size, "root",
                      hash_json(p->root));
    } else {
        o = json_pack("{s:s, s:s, s:I, s:o, s:I, s:o}", "kind", "consistency", "origin", p->origin,
                      "old_size", (json_int_t)p->old_size, "old_root", hash_json(p->old_root),
                      "size", (json_int_t)p->size, "root", hash_json(p->root));
    }
    json_object_set_new(o, "proof", path);
    js_write(c->out, o, 1);
    json_decref(o);
}

/* ---- isms ledger root | proof | check ---- */

int cmd_ledger_root(cli *c, isms_err *e)
{
    int64_t size;
    int rc = opt_int(c, "size", &size, e);
    if (!rc)
        rc = cli_start(c, 0, "no arguments", e);
    if (rc)
        return rc;
    ledger_view v;
    rc = ledger_view_load(c->d, size, &v, e);
    if (rc)
        return rc;
    checkpoint head = { .size = (uint64_t)(size ? size : v.entries) };
    snprintf(head.origin, sizeof head.origin, "%s", v.origin);
    rc = ledger_view_root(&v, (int64_t)head.size, head.root, e);
    ledger_view_free(&v);
    if (rc)
        return rc;
    if (c->json) {
        json_t *o = json_pack("{s:s, s:I, s:o}", "origin", head.origin, "size",
                              (json_int_t)head.size, "root", hash_json(head.root));
        js_write(c->out, o, 1);
        json_decref(o);
        return 0;
    }
    buf text;
    buf_init(&text);
    ckpt_body(&head, &text); /* what a checkpoint of this size signs */
    fputs(buf_str(&text), c->out);
    buf_reset(&text);
    return 0;
}

int cmd_ledger_proof(cli *c, isms_err *e)
{
    int64_t size, from, to, seq = 0;
    int consistency = cli_opt_given(c, "from");
    int rc = opt_int(c, "size", &size, e);
    if (!rc)
        rc = opt_int(c, "from", &from, e);
    if (!rc)
        rc = opt_int(c, "to", &to, e);
    if (!rc && consistency)
        rc = cli_need_args(c, 0, "no entry with --from", e);
    else if (!rc) {
        rc = cli_need_args(c, 1, "the entry's seq (or --from N --to M)", e);
        if (!rc)
            rc = parse_int64("SEQ", c->args[0], 1, INT64_MAX, &seq, e);
    }
    if (!rc)
        rc = cli_open(c, e);
    if (rc)
        return rc;
    ledger_view v;
    rc = ledger_view_load(c->d, consistency ? to : size, &v, e);
    if (rc)
        return rc;
    ledger_proof p;
    rc = consistency ? ledger_view_consistency(&v, from, to ? to : v.entries, &p, e)
                     : ledger_view_inclusion(&v, seq, size ? size : v.entries, &p, e);
    ledger_view_free(&v);
    if (rc)
        return rc;
    if (c->json) {
        put_proof_json(c, &p);
        return 0;
    }
    buf text;
    buf_init(&text);
    proof_format(&p, &text);
    fputs(buf_str(&text), c->out);
    buf_reset(&text);
    return 0;
}

/* The checkpoint vouches for the proof: same ledger, same tree, a
 * signature by one of the keys given. */
static int check_vouches(cli *c, const ledger_proof *p, const char *path, buf *notes, isms_err *e)
{
    checkpoint cp;
    int nkeys, rc = read_checkpoint(c, path, &cp, e);
    const char **keys = opt_values(c, "pubkey", &nkeys);
    if (!rc && !nkeys)
        rc = err_set(e, E_USAGE, "pubkey",
                     "--checkpoint needs --pubkey KEY: the public key the "
                     "checkpoint must be signed with");
    if (rc)
        return rc;
    if (strcmp(cp.origin, p->origin) || (int64_t)cp.size != p->size)
        return err_set(e, E_INVALID, "checkpoint",
                       "the proof is about the ledger %s of %lld entries, "
                       "checkpoint %s about %s of %llu: prove against the checkpoint's size (isms "
                       "ledger proof ... --size %llu)",
                       p->origin, (long long)p->size, path, cp.origin, (unsigned long long)cp.size,
                       (unsigned long long)cp.size);
    if (memcmp(cp.root, p->root, MERKLE_HASH_SIZE))
        return err_set(e, E_TAMPERED, "checkpoint",
                       "the proof leads to another root than "
                       "checkpoint %s signs: the ledger it was taken from is not the one the "
                       "checkpoint vouches for",
                       path);
    ledger_view v;
    ledger_view_empty(&v, cp.origin);
    for (int i = 0; !rc && i < nkeys; i++)
        rc = ledger_view_pin(&v, keys[i], e);
    if (!rc && ckpt_judge_signatures(&v, &cp, arena_printf(c->a, "checkpoint %s", path),
                                     ckpt_problem_to_err, e, notes))
        rc = E_TAMPERED;
    ledger_view_free(&v);
    return rc;
}

int cmd_ledger_check(cli *c, isms_err *e)
{
    ledger_proof p;
    const char *cp = cli_opt_value(c, "checkpoint");
    int rc = cli_need_args(c, 1, "one proof file", e);
    if (!rc)
        rc = read_parsed(c, c->args[0], FILE_PROOF, &p, e);
    if (!rc)
        rc = proof_check(&p, e);
    buf notes;
    buf_init(&notes);
    if (!rc && cp)
        rc = check_vouches(c, &p, cp, &notes, e);
    if (!rc && p.kind == PROOF_INCLUSION)
        fprintf(c->out, "ok: ledger entry #%lld is in the ledger %s of %lld entries\n",
                (long long)p.seq, p.origin, (long long)p.size);
    else if (!rc)
        fprintf(c->out, "ok: the ledger %s of %lld entries extends the one of %lld\n", p.origin,
                (long long)p.size, (long long)p.old_size);
    if (!rc)
        fputs(buf_str(&notes), c->out);
    buf_reset(&notes);
    return rc;
}

/* ---- isms checkpoint [cosign] ---- */

int cmd_checkpoint(cli *c, isms_err *e)
{
    const char *keyfile;
    int rc = cli_need_args(c, 0, "no arguments (--key FILE)", e);
    rc = cli_opt_required(c, rc, "key",
                          "isms checkpoint needs --key FILE: the repository's private "
                          "key (isms key generate)",
                          &keyfile, e);
    signer_key k = { 0 };
    checkpoint cp;
    if (!rc)
        rc = signkey_read_file(keyfile, &k, e);
    if (!rc)
        rc = cli_open(c, e);
    if (!rc)
        rc = dom_checkpoint_issue(c->d, &k, &cp, e);
    signkey_wipe(&k);
    if (rc)
        return rc;
    return put_checkpoint(c, &cp, "checkpoint", e);
}

typedef struct cosign_args {
    checkpoint cp, prev;
    int has_prev;
    ledger_proof proof;
    int has_proof;
    const char **keys;
    int nkeys;
} cosign_args;

static int read_cosign_args(cli *c, cosign_args *a, isms_err *e)
{
    const char *prev = cli_opt_value(c, "previous"), *proof = cli_opt_value(c, "proof");
    int rc = cli_need_args(c, 1, "the checkpoint file", e);
    if (!rc && !cli_opt_given(c, "key"))
        rc = err_set(e, E_USAGE, "key",
                     "isms checkpoint cosign needs --key FILE: your own "
                     "(the witness's) private key");
    if (!rc)
        rc = read_checkpoint(c, c->args[0], &a->cp, e);
    a->has_prev = prev != NULL;
    a->has_proof = proof != NULL;
    if (!rc && a->has_prev)
        rc = read_checkpoint(c, prev, &a->prev, e);
    if (!rc && a->has_proof)
        rc = read_parsed(c, proof, FILE_PROOF, &a->proof, e);
    a->keys = opt_values(c, "pubkey", &a->nkeys);
    return rc;
}

int cmd_checkpoint_cosign(cli *c, isms_err *e)
{
    cosign_args a;
    signer_key k = { 0 };
    buf notes;
    buf_init(&notes);
    int rc = read_cosign_args(c, &a, e);
    if (!rc)
        rc = signkey_read_file(cli_opt_value(c, "key"), &k, e);
    const checkpoint *prev = a.has_prev ? &a.prev : NULL;
    if (!rc && a.has_proof)
        rc = ckpt_cosign_check_offline(&a.cp, prev, &a.proof, &k.pub, a.keys, a.nkeys, &notes, e);
    else if (!rc) {
        rc = cli_open(c, e);
        if (!rc)
            rc = dom_cosign_check(c->d, &a.cp, prev, &k.pub, a.keys, a.nkeys, &notes, e);
    }
    if (!rc)
        rc = ckpt_sign(&a.cp, &k, e);
    signkey_wipe(&k);
    if (!rc) {
        fputs(buf_str(&notes), stderr);
        if (!prev)
            fprintf(stderr,
                    "isms: no --previous checkpoint: this is your first countersignature of "
                    "%s (trust on first use)\n",
                    a.cp.origin);
        rc = put_checkpoint(c, &a.cp, "countersigned checkpoint", e);
    }
    buf_reset(&notes);
    return rc;
}
