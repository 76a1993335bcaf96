/* dom.c: opening and creating repositories, transactions, the
 * organisation settings every rule consults. */
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "formats/json.h"
#include "ledger/ledger.h"
#include "ledger/nodes.h"

#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Records the schema upgrade in the ledger, inside the upgrade's own
 * transaction: who moved the repository from which version to which. A
 * ledger from before the stored Merkle tree gets its tree first. */
static int record_upgrade(store *s, int from, int to, void *ctx, isms_err *e)
{
    dom *d = ctx;
    if (from < STORE_SCHEMA_LEDGER_TREE && to >= STORE_SCHEMA_LEDGER_TREE) {
        int rc = ledger_tree_fill(s, e);
        if (rc)
            return rc;
    }
    char data[128];
    snprintf(data, sizeof data, "{\"from\":%d,\"to\":%d}", from, to);
    ledger_change c = {.actor = d->actor, .entity = "repository", .key = "REPOSITORY",
                       .op = "migrate", .data = data};
    return ledger_append(s, &c, NULL, e);
}

static dom *dom_new(const char *actor)
{
    dom *d = xcalloc(1, sizeof *d);
    arena_init(&d->a);
    if (actor && *actor) {
        d->actor = xstrdup(actor);
    } else {
        /* Without a named actor the ledger records the operating-system
         * account, which is what an auditor can trace. */
        struct passwd *pw = getpwuid(geteuid());
        char name[300];
        snprintf(name, sizeof name, "os:%s", pw ? pw->pw_name : "unknown");
        d->actor = xstrdup(name);
    }
    return d;
}

static int actor_check(dom *d, isms_err *e)
{
    return text_check("actor", d->actor, 0, 200, e);
}

int dom_open(const char *target, const char *actor, dom **out, isms_err *e)
{
    *out = NULL;
    if (sodium_init() < 0)
        return err_set(e, E_INTERNAL, NULL, "libsodium failed to initialise");
    dom *d = dom_new(actor);
    int rc = actor_check(d, e);
    store_schema schema = {.registers = registers, .on_upgrade = record_upgrade, .ctx = d};
    if (!rc)
        rc = store_open(target, 0, &schema, &d->st, &d->upgraded_from, e);
    if (rc) {
        dom_close(d);
        return rc;
    }
    *out = d;
    return 0;
}

static int write_genesis(dom *d, isms_err *e)
{
    unsigned char raw[16];
    char id[33], now[21], data[256];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(id, sizeof id, raw, sizeof raw);
    now_timestamp(now);
    int version, rc = store_meta_set(d->st, "repository_id", id, e);
    if (!rc)
        rc = store_meta_set(d->st, "created_at", now, e);
    if (!rc)
        rc = store_schema_version(d->st, &version, e);   /* < latest under ISMS_MIGRATE_UNTIL */
    if (rc)
        return rc;
    snprintf(data, sizeof data, "{\"created_at\":\"%s\",\"repository_id\":\"%s\",\"schema\":%d}", now,
             id, version);
    ledger_change c = {.actor = d->actor, .entity = "repository", .key = "REPOSITORY",
                       .op = "init", .data = data, .ts = now};
    return ledger_append(d->st, &c, NULL, e);
}

int dom_create(const char *target, const char *actor, int flags, dom **out, isms_err *e)
{
    *out = NULL;
    if (sodium_init() < 0)
        return err_set(e, E_INTERNAL, NULL, "libsodium failed to initialise");
    dom *d = dom_new(actor);
    store_schema schema = {.registers = registers};
    int rc = actor_check(d, e);
    if (!rc)
        rc = store_open(target, 1, &schema, &d->st, NULL, e);
    if (!rc && !(flags & DOM_CREATE_BARE) && !(rc = dom_txn_begin(d, e))) {
        rc = write_genesis(d, e);
        if (!rc)
            rc = builtin_seed(d, e);
        rc = dom_txn_end(d, rc, e);
    }
    if (rc) {
        int created = d->st != NULL;
        dom_close(d);
        /* A repository that could not be initialised is not left behind. */
        if (created)
            store_remove(target, NULL);
        return rc;
    }
    *out = d;
    return 0;
}

void dom_close(dom *d)
{
    if (!d)
        return;
    store_close(d->st);
    dom_org_forget(d);
    arena_free(&d->a);
    free(d->actor);
    free(d->note);
    free(d);
}

store *dom_store(dom *d) { return d->st; }
arena *dom_arena(dom *d) { return &d->a; }
const char *dom_actor(const dom *d) { return d->actor; }
int dom_upgraded_from(const dom *d) { return d->upgraded_from; }

void dom_set_note(dom *d, const char *note)
{
    free(d->note);
    d->note = note ? xstrdup(note) : NULL;
}

int dom_batch_begin(dom *d, isms_err *e) { return store_begin(d->st, 1, e); }
int dom_batch_commit(dom *d, isms_err *e) { return store_commit(d->st, e); }
void dom_batch_rollback(dom *d) { store_rollback(d->st); }

int dom_txn_begin(dom *d, isms_err *e) { return store_begin(d->st, 1, e); }

int dom_txn_end(dom *d, int rc, isms_err *e)
{
    if (rc) {
        store_rollback(d->st);
        dom_org_forget(d);   /* a rolled-back profile change must not linger */
        return rc;
    }
    return store_commit(d->st, e);
}

int dom_history(dom *d, const char *key, store_ledger_fn fn, void *ctx, isms_err *e)
{
    return store_ledger_scan(d->st, key ? dom_key(d, key) : NULL, fn, ctx, e);
}

int dom_ledger_record(dom *d, const record *r, const char *op, isms_err *e)
{
    char *data = record_canonical(r);
    ledger_change c = {.actor = d->actor, .entity = r->reg->name, .key = r->key, .op = op,
                       .data = data, .note = d->note, .ts = r->updated_at};
    int rc = ledger_append(d->st, &c, NULL, e);
    free(data);
    return rc;
}

/* ---- organisation settings ---- */

void dom_org_forget(dom *d)
{
    for (int a = 0; a < 2; a++)
        for (int i = 0; i < 6; i++) {
            free(d->labels[a][i]);
            d->labels[a][i] = NULL;
        }
    d->org_loaded = 0;
}

static void split_labels(char *dst[6], const char *csv)
{
    int level = 1;
    const char *p = csv;
    while (p && *p && level <= 5) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && *p == ' ') { p++; n--; }
        while (n && p[n - 1] == ' ') n--;
        char *label = xmalloc(n + 1);
        memcpy(label, p, n);
        label[n] = 0;
        dst[level++] = label;
        p = comma ? comma + 1 : NULL;
    }
}

static void org_load(dom *d)
{
    if (d->org_loaded)
        return;
    d->matrix = 5;
    d->exponent = 2;
    snprintf(d->currency, sizeof d->currency, "EUR");
    arena a;
    arena_init(&a);
    record org;
    if (store_get(d->st, &reg_org, "ORG", &org, &a, NULL) == 0) {
        const char *cur = record_text(&org, "currency");
        const currency *c = cur ? currency_find(cur) : NULL;
        if (c) {
            snprintf(d->currency, sizeof d->currency, "%s", c->code);
            d->exponent = c->exponent;
        }
        if (!record_cval(&org, "risk_matrix")->null)
            d->matrix = (int)record_int(&org, "risk_matrix");
        split_labels(d->labels[0], record_text(&org, "likelihood_labels"));
        split_labels(d->labels[1], record_text(&org, "impact_labels"));
    }
    arena_free(&a);
    d->org_loaded = 1;
}

int dom_matrix_size(dom *d) { org_load(d); return d->matrix; }
int dom_currency_exponent(dom *d) { org_load(d); return d->exponent; }
const char *dom_currency(dom *d) { org_load(d); return d->currency; }

const char *dom_level_label(dom *d, char axis, int level)
{
    org_load(d);
    if (level < 1 || level > 5)
        return "";
    const char *l = d->labels[axis == 'I'][level];
    return l ? l : "";
}
