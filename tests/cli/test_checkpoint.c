/* Signed checkpoints close the gap a hash chain inside the database cannot
 * see. Each attack here leaves a ledger whose chain verifies: `isms
 * verify` alone passes (the gap), `isms verify --checkpoint` fails and
 * names what happened, and a witness refuses to countersign. The attacks
 * go behind isms's back with the database's own shell (tu_sql), on the
 * backend under test. */
#include "support/testutil.h"
#include "domain/engine/dom.h"
#include "ledger/ledger.h"
#include "ledger/nodes.h"
#include "ledger/note.h"
#include "ledger/signkey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- a repository with a checkpoint key ---- */

typedef struct repo {
    const char *target;
    const char *key;  /* the repository's private key file */
    char *public_key; /* its public key, as `key generate` printed it */
} repo;

static repo make_repo(const char *name)
{
    char file[128];
    repo r = { .target = tu_repo(name) };
    snprintf(file, sizeof file, "%s.key", name);
    r.key = tu_path(file);
    free(tu_isms_ok(NULL, "init", r.target));
    r.public_key = tu_isms_ok(r.target, "key", "generate", "--out", r.key);
    *strchr(r.public_key, '\n') = 0;
    free(tu_isms_ok(r.target, "key", "add", "--key", r.key));
    free(tu_isms_ok(r.target, "person", "add", "--name", "Dana", "--email", "dana@acme.example",
                    "--role", "management-body"));
    free(tu_isms_ok(r.target, "asset", "add", "--name", "Payments", "--type", "system", "--owner",
                    "PER-1"));
    return r;
}

static void drop_repo(repo *r) { free(r->public_key); }

static void add_asset(const repo *r, const char *name)
{
    free(tu_isms_ok(r->target, "asset", "add", "--name", name, "--type", "system", "--owner",
                    "PER-1"));
}

/* Issues a checkpoint into tu_path(file); returns that path. */
static const char *issue_checkpoint(const repo *r, const char *file)
{
    const char *path = tu_path(file);
    free(tu_isms_ok(r->target, "checkpoint", "--key", r->key, "--out", path));
    return path;
}

static char *ledger_size(const repo *r)
{
    return tu_sql_value(r->target, "SELECT MAX(seq) FROM ledger");
}

/* Runs isms and expects `status`, with `needle` (may be NULL) on stderr. */
static void expect(const repo *r, int status, const char *needle, const char *const argv[])
{
    tu_result res;
    tu_isms_argv(&res, r->target, NULL, argv);
    if (res.status != status)
        fail_msg("isms %s %s: exited %d, expected %d\nstdout: %s\nstderr: %s", argv[0], argv[1],
                 res.status, status, res.out, res.err);
    if (needle)
        assert_contains(res.err, needle);
    tu_result_free(&res);
}

static void verify_passes(const repo *r, const char *cp, const char *needle)
{
    const char *argv[] = { "verify", "--checkpoint", cp, NULL };
    const char *plain[] = { "verify", NULL };
    tu_result res;
    tu_isms_argv(&res, r->target, NULL, cp ? argv : plain);
    if (res.status != 0)
        fail_msg("isms verify %s: exited %d: %s", cp ? cp : "", res.status, res.err);
    assert_contains(res.out, "ok:");
    if (needle)
        assert_contains(res.out, needle);
    tu_result_free(&res);
}

static void verify_fails(const repo *r, const char *cp, const char *needle1, const char *needle2)
{
    const char *argv[] = { "verify", "--checkpoint", cp, NULL };
    const char *plain[] = { "verify", NULL };
    tu_result res;
    tu_isms_argv(&res, r->target, NULL, cp ? argv : plain);
    if (res.status != 10)
        fail_msg("isms verify %s: exited %d, expected 10\n%s%s", cp ? cp : "", res.status, res.out,
                 res.err);
    assert_contains(res.err, needle1);
    assert_contains(res.out, "FAILED");
    if (needle2)
        assert_contains(res.out, needle2);
    tu_result_free(&res);
}

/* ---- rewriting history, as someone with write access and isms's source ---- */

typedef struct rows {
    ledger_row *r;
    int n;
} rows;

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int keep_row(const ledger_row *row, void *ctx)
{
    rows *rs = ctx;
    rs->r = realloc(rs->r, sizeof *rs->r * (size_t)(rs->n + 1));
    ledger_row *c = &rs->r[rs->n++];
    c->seq = row->seq;
    c->ts = strdup(row->ts);
    c->actor = strdup(row->actor);
    c->entity = strdup(row->entity);
    c->key = strdup(row->key);
    c->op = strdup(row->op);
    c->data = strdup(row->data);
    c->note = dup_or_null(row->note);
    c->prev_hash = strdup(row->prev_hash);
    c->hash = strdup(row->hash);
    return 0;
}

static void free_rows(rows *rs)
{
    for (int i = 0; i < rs->n; i++) {
        ledger_row *c = &rs->r[i];
        free((char *)c->ts), free((char *)c->actor), free((char *)c->entity), free((char *)c->key);
        free((char *)c->op), free((char *)c->data), free((char *)c->note);
        free((char *)c->prev_hash), free((char *)c->hash);
    }
    free(rs->r);
}

static char *replaced(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    if (!at)
        fail_msg("\"%s\" is not in %s", from, s);
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    return out;
}

static void sql_quoted(buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_putc(b, '\'');
        buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

/* Replaces the stored Merkle tree by the one of the ledger as it now is,
 * as a careful attacker would after changing entries (isms verify
 * compares the stored tree with the entries). */
static void regrow_tree(const repo *r)
{
    tu_sql(r->target, "DELETE FROM ledger_node");
    dom *d;
    isms_err e = { 0 };
    if (dom_open(r->target, &d, &e) || store_begin(dom_store(d), 1, &e) ||
        ledger_tree_fill(dom_store(d), &e) || store_commit(dom_store(d), &e))
        fail_msg("regrowing the tree: %s", e.msg);
    dom_close(d);
}

/* Changes `from` to `to` in the data of the entry of `key` with op `op`,
 * and recomputes that entry's hash and every hash after it, and the
 * stored tree, so that the chain verifies again. The register row is the
 * caller's business. */
static void rewrite_history(const repo *r, const char *key, const char *op, const char *from,
                            const char *to)
{
    dom *d;
    isms_err e = { 0 };
    rows rs = { 0 };
    if (dom_open(r->target, &d, &e) || store_ledger_scan(dom_store(d), NULL, keep_row, &rs, &e))
        fail_msg("reading the ledger: %s", e.msg);
    dom_close(d);
    int first = -1;
    for (int i = 0; i < rs.n && first < 0; i++)
        if (!strcmp(rs.r[i].key, key) && !strcmp(rs.r[i].op, op))
            first = i;
    assert_true(first > 0);
    buf sql;
    buf_init(&sql);
    char prev[65], hash[65];
    snprintf(prev, sizeof prev, "%s", rs.r[first - 1].hash);
    for (int i = first; i < rs.n; i++) {
        ledger_row row = rs.r[i];
        char *data = i == first ? replaced(row.data, from, to) : strdup(row.data);
        row.data = data;
        row.prev_hash = prev;
        assert_int_equal(ledger_entry_hash(&row, hash, NULL), 0);
        buf_puts(&sql, "UPDATE ledger SET data = ");
        sql_quoted(&sql, data);
        buf_printf(&sql, ", prev_hash = '%s', hash = '%s' WHERE seq = %lld;\n", prev, hash,
                   (long long)row.seq);
        memcpy(prev, hash, sizeof prev);
        free(data);
    }
    tu_sql(r->target, buf_str(&sql));
    buf_reset(&sql);
    free_rows(&rs);
    regrow_tree(r);
}

/* ---- the gap, and how checkpoints close it ---- */

static void checkpoint_verifies_and_is_extended(void **state)
{
    (void)state;
    repo r = make_repo("plain");
    const char *cp = issue_checkpoint(&r, "plain.cp");
    char *text = tu_read_file(cp, NULL), *size = ledger_size(&r);
    char *root = tu_isms_ok(r.target, "ledger", "root");
    /* The checkpoint signs exactly what `isms ledger root` shows. */
    assert_true(!strncmp(text, root, strlen(root)));
    assert_contains(text, "\n\n\xe2\x80\x94 isms/");
    verify_passes(&r, cp, "equals it");
    add_asset(&r, "Ledger");
    verify_passes(&r, cp, "extends it");
    verify_passes(&r, NULL, "1 checkpoint issued by this repository agrees");
    char *json = tu_isms_ok(r.target, "--json", "verify", "--checkpoint", cp);
    assert_contains(json, "\"checkpoints\"");
    assert_contains(json, "extends it");
    free(json);
    free(root);
    free(size);
    free(text);
    drop_repo(&r);
}

static void truncated_tail_is_caught(void **state)
{
    (void)state;
    repo r = make_repo("truncated");
    add_asset(&r, "Treasury");
    const char *cp = issue_checkpoint(&r, "truncated.cp");
    /* A careless attacker removes the last entry and what it recorded... */
    tu_sql(r.target, "DELETE FROM ledger WHERE seq = (SELECT MAX(seq) FROM ledger);"
                     "DELETE FROM asset WHERE key = 'AST-2'");
    verify_fails(&r, NULL, "removed", "checkpoint #1");
    /* ...a careful one the repository's own checkpoints as well, the
     * tree nodes that covered the entry, and the counts of assets that
     * isms keeps: of those its owner owns (both assets' owner: two, now
     * one, the most anyone owns), of the people who own two and one, of
     * those of each of its values (both assets' are the same). */
    tu_sql(r.target, "DELETE FROM checkpoint;"
                     "DELETE FROM ledger_node WHERE seq > (SELECT MAX(seq) FROM ledger);"
                     "UPDATE tally SET n = n - 1 WHERE name LIKE 'owner.asset.%' OR name = "
                     "'records.asset' OR name LIKE 'value.asset.%' OR name IN "
                     "('accountability.owned.asset', 'accountability.most.asset', "
                     "'owner.hist.asset.2');"
                     "INSERT INTO tally (name, n) VALUES ('owner.hist.asset.1', 1) ON CONFLICT "
                     "(name) DO UPDATE SET n = tally.n + 1");
    verify_passes(&r, NULL, NULL);
    verify_fails(&r, cp, "fewer than", "removed");
    drop_repo(&r);
}

static void rewritten_history_is_caught(void **state)
{
    (void)state;
    repo r = make_repo("rewritten");
    const char *cp = issue_checkpoint(&r, "rewritten.cp");
    add_asset(&r, "Treasury");
    /* Someone renames Dana to Eve from the start, recomputing the chain. */
    rewrite_history(&r, "PER-1", "add", "\"name\":\"Dana\"", "\"name\":\"Eve\"");
    tu_sql(r.target, "UPDATE person SET name = 'Eve' WHERE key = 'PER-1'");
    verify_fails(&r, NULL, "checkpoint #1", "rewritten");
    tu_sql(r.target, "DELETE FROM checkpoint");
    verify_passes(&r, NULL, NULL);
    verify_fails(&r, cp, "rewritten", "no longer have the root");
    drop_repo(&r);
}

static void older_backup_restored_is_caught(void **state)
{
    (void)state;
    repo r = make_repo("restored");
    const char *backup = tu_path("restored-backup.json");
    free(tu_isms_ok(r.target, "export", backup));
    add_asset(&r, "Treasury");
    add_asset(&r, "Trading");
    const char *cp = issue_checkpoint(&r, "restored.cp");
    const char *older = tu_repo("restored-older");
    free(tu_isms_ok(NULL, "import", backup, older));
    repo o = { .target = older };
    verify_passes(&o, NULL, NULL);
    verify_fails(&o, cp, "fewer than", "older backup restored");
    drop_repo(&r);
}

/* ---- the checkpoint itself ---- */

static void altered_checkpoint_is_caught(void **state)
{
    (void)state;
    repo r = make_repo("altered");
    const char *cp = issue_checkpoint(&r, "altered.cp");
    char *text = tu_read_file(cp, NULL), *size = ledger_size(&r);
    /* Claim one entry fewer: the signature no longer covers it. */
    char line[32];
    snprintf(line, sizeof line, "\n%s\n", size);
    char *at = strstr(text, line);
    assert_non_null(at);
    char *fewer = malloc(strlen(text) + 8);
    snprintf(fewer, strlen(text) + 8, "%.*s\n%lld\n%s", (int)(at - text), text, atoll(size) - 1,
             at + strlen(line));
    const char *bad = tu_path("altered-fewer.cp");
    tu_write_file(bad, fewer);
    verify_fails(&r, bad, "does not verify", "altered after it was signed");
    /* Somebody else's key proves nothing to a verifier who names the key. */
    const char *argv[] = { "verify",
                           "--checkpoint",
                           cp,
                           "--pubkey",
                           "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                           NULL };
    expect(&r, 10, "a public key you gave", argv);
    const char *own[] = { "verify", "--checkpoint", cp, "--pubkey", r.public_key, NULL };
    expect(&r, 0, NULL, own);
    /* A checkpoint of another repository. */
    repo other = make_repo("altered-other");
    verify_fails(&other, cp, "not this one", NULL);
    /* A stored checkpoint changed in the database. */
    tu_sql(r.target, "UPDATE checkpoint SET size = size - 1");
    verify_fails(&r, NULL, "checkpoint #1", "does not verify");
    drop_repo(&other);
    free(fewer);
    free(size);
    free(text);
    drop_repo(&r);
}

/* ---- what a note binds beyond the ledger ---- */

typedef void (*note_change)(checkpoint *c);

/* The note at `path`, changed and signed again with the repository's key,
 * as someone holding the key could: written to `out`. With `line`, the
 * signature line goes there too. */
static const char *resigned(const repo *r, const char *path, const char *out, note_change change,
                            buf *line)
{
    size_t n;
    char *text = tu_read_file(path, &n);
    checkpoint c;
    assert_int_equal(ckpt_parse(text, n, &c, NULL), 0);
    change(&c);
    c.nsigs = 0;
    signer_key k;
    assert_int_equal(signkey_read_file(r->key, &k, NULL), 0);
    assert_int_equal(ckpt_sign(&c, &k, NULL), 0);
    signkey_wipe(&k);
    buf note;
    buf_init(&note);
    ckpt_format(&c, &note);
    const char *file = tu_path(out);
    tu_write_file(file, buf_str(&note));
    if (line)
        ckpt_sig_line(&c.sigs[0], line);
    buf_reset(&note);
    free(text);
    return file;
}

static void as_older_isms(checkpoint *c)
{
    c->schema_version = 0;
    c->issued_at[0] = 0;
}

static void older_schema(checkpoint *c) { c->schema_version--; }

static void other_schema_hash(checkpoint *c) { c->schema_hash[0] ^= 1; }

static void sql_set(const repo *r, const char *column, const char *text)
{
    buf sql;
    buf_init(&sql);
    buf_printf(&sql, "UPDATE checkpoint SET %s = ", column);
    sql_quoted(&sql, text);
    tu_sql(r->target, buf_str(&sql));
    buf_reset(&sql);
}

static void time_actor_and_schema_are_signed(void **state)
{
    (void)state;
    repo r = make_repo("vouch");
    const char *cp = issue_checkpoint(&r, "vouch.cp");
    char *text = tu_read_file(cp, NULL);
    char *version = tu_sql_value(r.target, "SELECT MAX(version) FROM schema_migration");
    char *actor = tu_sql_value(r.target, "SELECT actor FROM checkpoint");
    char *when = tu_sql_value(r.target, "SELECT created_at FROM checkpoint");
    char want[512];
    snprintf(want, sizeof want, "\nschema %s ", version);
    assert_contains(text, want);
    snprintf(want, sizeof want, "\nissued %s %s\n\n", when, actor);
    assert_contains(text, want);
    verify_passes(&r, NULL, "1 checkpoint issued by this repository agrees");
    /* The row's actor and time are part of what was signed. */
    sql_set(&r, "actor", "mallory@acme.example");
    verify_fails(&r, NULL, "checkpoint #1", "does not verify");
    sql_set(&r, "actor", actor);
    sql_set(&r, "created_at", "2020-01-01T00:00:00Z");
    verify_fails(&r, NULL, "checkpoint #1", "does not verify");
    sql_set(&r, "created_at", when);
    verify_passes(&r, NULL, "agrees");
    /* A note as isms wrote before these lines still verifies, as a file
     * and as a stored row. */
    buf line;
    buf_init(&line);
    const char *old = resigned(&r, cp, "vouch-old.cp", as_older_isms, &line);
    verify_passes(&r, old, "equals it");
    sql_set(&r, "signature", buf_str(&line));
    verify_passes(&r, NULL, "agrees");
    buf_reset(&line);
    /* A key holder cannot vouch for a schema isms does not make. */
    verify_fails(&r, resigned(&r, cp, "vouch-v.cp", older_schema, NULL),
                 "vouches for schema version", NULL);
    verify_fails(&r, resigned(&r, cp, "vouch-h.cp", other_schema_hash, NULL),
                 "not the one isms makes", NULL);
    free(when);
    free(actor);
    free(version);
    free(text);
    drop_repo(&r);
}

/* ---- keys ---- */

static void keys_are_guarded(void **state)
{
    (void)state;
    repo r = make_repo("keys");
    const char *again[] = { "key", "generate", "--out", r.key, NULL };
    expect(&r, 5, "never overwrites", again);
    chmod(r.key, 0644);
    const char *sign[] = { "checkpoint", "--key", r.key, NULL };
    expect(&r, 7, "chmod 600", sign);
    chmod(r.key, 0600);
    /* A key the repository does not know signs nothing for it. */
    const char *stranger = tu_path("keys-stranger.key");
    free(tu_isms_ok(r.target, "key", "generate", "--name", "stranger", "--out", stranger));
    const char *strange[] = { "checkpoint", "--key", stranger, NULL };
    expect(&r, 7, "isms key add", strange);
    /* A retired key signs no more; what it signed while valid still holds. */
    const char *cp = issue_checkpoint(&r, "keys.cp");
    free(tu_isms_ok(r.target, "key", "retire", "KEY-1"));
    expect(&r, 7, "retired", sign);
    verify_passes(&r, cp, "(KEY-1): verified");
    free(tu_isms_ok(r.target, "key", "add", "--key", stranger));
    free(tu_isms_ok(r.target, "checkpoint", "--key", stranger));
    char *list = tu_isms_ok(r.target, "key", "list", "--all");
    assert_contains(list, "KEY-2");
    assert_contains(list, "stranger");
    free(list);
    /* Key records are checked against the ledger like every register. */
    tu_sql(r.target, "UPDATE signing_key SET holder = 'nobody' WHERE key = 'KEY-2'");
    verify_fails(&r, NULL, "KEY-2", NULL);
    drop_repo(&r);
}

/* ---- witnesses ---- */

static void witness_countersigns_only_extensions(void **state)
{
    (void)state;
    repo r = make_repo("witness");
    const char *auditor = tu_path("auditor.key");
    char *auditor_pub =
        tu_isms_ok(NULL, "key", "generate", "--name", "auditor.example", "--out", auditor);
    *strchr(auditor_pub, '\n') = 0;
    const char *cp1 = issue_checkpoint(&r, "witness-1.cp"), *w1 = tu_path("witness-1.w");
    free(tu_isms_ok(r.target, "checkpoint", "cosign", cp1, "--key", auditor, "--out", w1));
    add_asset(&r, "Treasury");
    const char *cp2 = issue_checkpoint(&r, "witness-2.cp"), *w2 = tu_path("witness-2.w");
    free(tu_isms_ok(r.target, "checkpoint", "cosign", cp2, "--key", auditor, "--previous", w1,
                    "--out", w2));
    const char *trusting[] = { "verify", "--checkpoint", w2, "--pubkey", auditor_pub, NULL };
    expect(&r, 0, NULL, trusting);
    /* Offline: a consistency proof instead of the repository. */
    char *old = tu_sql_value(r.target, "SELECT size FROM checkpoint WHERE id = 1");
    const char *proof = tu_path("witness.proof");
    char *text = tu_isms_ok(r.target, "ledger", "proof", "--from", old);
    tu_write_file(proof, text);
    free(text);
    tu_result res;
    const char *offline[] = { "checkpoint", "cosign",     cp2,          "--key",
                              auditor,      "--previous", w1,           "--proof",
                              proof,        "--pubkey",   r.public_key, NULL };
    tu_isms_argv(&res, NULL, NULL, offline);
    assert_int_equal(res.status, 0);
    assert_contains(res.out, "auditor.example");
    tu_result_free(&res);
    /* The older checkpoint after the newer one: a rollback. */
    const char *rollback[] = {
        "checkpoint", "cosign", cp1, "--key", auditor, "--previous", w2, NULL
    };
    expect(&r, 10, "rolled back", rollback);

    /* The repository's key is stolen and history rewritten: the thief can
     * sign, and `isms verify` passes, but the witness refuses. */
    rewrite_history(&r, "AST-1", "add", "\"name\":\"Payments\"", "\"name\":\"Nothing\"");
    tu_sql(r.target,
           "UPDATE asset SET name = 'Nothing' WHERE key = 'AST-1'; DELETE FROM checkpoint");
    const char *forged = issue_checkpoint(&r, "witness-forged.cp");
    verify_passes(&r, forged, "equals it");
    const char *cosign[] = { "checkpoint", "cosign",     forged, "--key",
                             auditor,      "--previous", w2,     NULL };
    expect(&r, 10, "does not extend", cosign);
    char *size = ledger_size(&r);
    const char *proof2 = tu_path("witness-forged.proof");
    char *forged_proof = tu_isms_ok(r.target, "ledger", "proof", "--from", old, "--to", size);
    tu_write_file(proof2, forged_proof);
    const char *cosign_offline[] = { "checkpoint", "cosign",     forged,       "--key",
                                     auditor,      "--previous", w1,           "--proof",
                                     proof2,       "--pubkey",   r.public_key, NULL };
    expect(&r, 10, "does not extend", cosign_offline);
    /* A verifier who trusts only the auditor is not fooled either. */
    const char *only_auditor[] = {
        "verify", "--checkpoint", forged, "--pubkey", auditor_pub, NULL
    };
    expect(&r, 10, "a public key you gave", only_auditor);
    verify_fails(&r, w2, "rewritten", NULL);
    free(forged_proof);
    free(size);
    free(old);
    free(auditor_pub);
    drop_repo(&r);
}

/* ---- proofs for evidence packs ---- */

static void inclusion_proof_checks_offline(void **state)
{
    (void)state;
    repo r = make_repo("proofs");
    const char *cp = issue_checkpoint(&r, "proofs.cp");
    char *seq = tu_sql_value(r.target, "SELECT seq FROM ledger WHERE key = 'AST-1'");
    char *text = tu_isms_ok(r.target, "ledger", "proof", seq);
    const char *proof = tu_path("proofs.proof");
    tu_write_file(proof, text);
    char *ok =
        tu_isms_ok(NULL, "ledger", "check", proof, "--checkpoint", cp, "--pubkey", r.public_key);
    assert_contains(ok, "ok: ledger entry #");
    free(ok);
    /* Another entry's hash, or a proof against another tree, is refused. */
    char *hash = tu_sql_value(r.target, "SELECT hash FROM ledger WHERE seq = 1");
    char *line = strstr(text, "entry ");
    memcpy(strchr(line, ' ') + 1 + strlen(seq) + 1, hash, 64);
    tu_write_file(proof, text);
    const char *check[] = { "ledger", "check", proof, NULL };
    expect(&r, 10, "does not show", check);
    /* A proof of a later ledger is checked against that ledger's size... */
    add_asset(&r, "Treasury");
    char *later = tu_isms_ok(r.target, "ledger", "proof", seq);
    tu_write_file(proof, later);
    const char *vouch[] = { "ledger", "check",    proof,        "--checkpoint",
                            cp,       "--pubkey", r.public_key, NULL };
    expect(&r, 3, "--size", vouch);
    /* ...and one of a rewritten ledger leads to another root. */
    char *cp_size = tu_sql_value(r.target, "SELECT size FROM checkpoint");
    rewrite_history(&r, "AST-1", "add", "\"name\":\"Payments\"", "\"name\":\"Nothing\"");
    char *rewritten = tu_isms_ok(r.target, "ledger", "proof", seq, "--size", cp_size);
    tu_write_file(proof, rewritten);
    expect(&r, 10, "another root", vouch);
    free(rewritten);
    free(cp_size);
    free(later);
    free(hash);
    free(text);
    free(seq);
    drop_repo(&r);
}

/* ---- export and import ---- */

static void checkpoints_survive_export_and_import(void **state)
{
    (void)state;
    repo r = make_repo("exported");
    const char *cp = issue_checkpoint(&r, "exported.cp");
    add_asset(&r, "Treasury");
    issue_checkpoint(&r, "exported-2.cp");
    const char *one = tu_path("exported-1.json"), *two = tu_path("exported-2.json");
    free(tu_isms_ok(r.target, "export", one));
    repo copy = { .target = tu_repo("exported-copy") };
    free(tu_isms_ok(NULL, "import", one, copy.target));
    free(tu_isms_ok(copy.target, "export", two));
    char *a = tu_read_file(one, NULL), *b = tu_read_file(two, NULL);
    assert_string_equal(a, b);
    assert_contains(a, "\"checkpoints\"");
    assert_contains(a, "\"signed_by\": \"KEY-1\"");
    verify_passes(&copy, NULL, "2 checkpoints issued by this repository agree");
    verify_passes(&copy, cp, "extends it");
    free(a);
    free(b);
    drop_repo(&r);
}

static void help_names_the_commands(void **state)
{
    (void)state;
    char *help = tu_isms_ok(NULL, "--help");
    assert_contains(help, "key generate");
    assert_contains(help, "checkpoint cosign");
    assert_contains(help, "ledger proof");
    free(help);
    help = tu_isms_ok(NULL, "ledger", "--help");
    assert_contains(help, "root");
    assert_contains(help, "check");
    free(help);
    help = tu_isms_ok(NULL, "key", "--help");
    assert_contains(help, "generate");
    assert_contains(help, "retire");
    free(help);
    repo none = { .target = NULL };
    const char *unknown[] = { "ledger", "prove", NULL };
    expect(&none, 2, "no verb", unknown);
    const char *no_key[] = { "checkpoint", NULL };
    expect(&none, 2, "--key", no_key);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(checkpoint_verifies_and_is_extended),
        cmocka_unit_test(truncated_tail_is_caught), cmocka_unit_test(rewritten_history_is_caught),
        cmocka_unit_test(older_backup_restored_is_caught),
        cmocka_unit_test(altered_checkpoint_is_caught), cmocka_unit_test(keys_are_guarded),
        cmocka_unit_test(witness_countersigns_only_extensions),
        cmocka_unit_test(inclusion_proof_checks_offline),
        cmocka_unit_test(checkpoints_survive_export_and_import),
        cmocka_unit_test(time_actor_and_schema_are_signed),
        cmocka_unit_test(help_names_the_commands))
