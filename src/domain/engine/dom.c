/* dom.c: opening and creating repositories, transactions, the
 * organisation settings every rule consults. */
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "formats/json.h"
#include "ledger/ledger.h"
#include "ledger/nodes.h"

#include <pwd.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Records the schema upgrade in the ledger, inside the upgrade's own
 * transaction: who moved the repository from which version to which; then
 * adds what the new schema's catalogues bring (built-in threats), each
 * with its ledger entry. A ledger from before the stored Merkle tree gets
 * its tree first; a schema before the dashboard's kept figures gets them. */
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
    ledger_change c = { .actor = d->self.actor,
                        .entity = "repository",
                        .key = "REPOSITORY",
                        .op = "migrate",
                        .data = data };
    int rc = ledger_append(s, &c, NULL, e);
    if (rc)
        return rc;
    d->st = s; /* the store is not the dom's yet: store_open has not returned */
    rc = builtin_seed(d, to, e);
    /* The dashboard's kept figures, counted once from the records when the
     * upgrade brings their table (0010). */
    if (!rc && from < store_migration_version("0010_"))
        rc = dom_tallies_rebuild(d, e);
    d->st = NULL;
    arena_reset(&d->a);
    return rc;
}

/* The process as a principal: `creator`, or the operating-system account,
 * which is what an auditor can trace when nobody else is named. */
static void set_self(dom *d, const principal *creator)
{
    if (creator) {
        d->self =
            (principal){ .actor = xstrdup(creator->actor),
                         .person = creator->person,
                         .person_key = creator->person_key ? xstrdup(creator->person_key) : NULL,
                         .roles = creator->roles };
    } else {
        struct passwd *pw = getpwuid(geteuid());
        char name[300];
        snprintf(name, sizeof name, "os:%s", pw ? pw->pw_name : "unknown");
        d->self = (principal){ .actor = xstrdup(name) };
    }
    d->who = d->self;
}

static dom *dom_new(const principal *creator)
{
    dom *d = xcalloc(1, sizeof *d);
    arena_init(&d->a);
    arena_init(&d->cache);
    set_self(d, creator);
    return d;
}

static int actor_check(const char *actor, isms_err *e)
{
    return text_check("actor", actor, 0, 300, e);
}

int dom_open(const char *target, dom **out, isms_err *e)
{
    *out = NULL;
    if (sodium_init() < 0)
        return err_set(e, E_INTERNAL, NULL, "libsodium failed to initialise");
    dom *d = dom_new(NULL);
    int rc = actor_check(d->self.actor, e);
    store_schema schema = { .registers = registers, .on_upgrade = record_upgrade, .ctx = d };
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
        rc = store_schema_version(d->st, &version, e); /* < latest under ISMS_MIGRATE_UNTIL */
    if (rc)
        return rc;
    snprintf(data, sizeof data, "{\"created_at\":\"%s\",\"repository_id\":\"%s\",\"schema\":%d}",
             now, id, version);
    ledger_change c = { .actor = d->self.actor,
                        .entity = "repository",
                        .key = "REPOSITORY",
                        .op = "init",
                        .data = data,
                        .ts = now };
    return ledger_append(d->st, &c, NULL, e);
}

/* A new repository's first transaction: the genesis entry, the catalogues. */
static int seed_new(dom *d, isms_err *e)
{
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    int version = 0;
    rc = write_genesis(d, e);
    if (!rc)
        rc = store_schema_version(d->st, &version, e); /* < latest under ISMS_MIGRATE_UNTIL */
    if (!rc)
        rc = builtin_seed(d, version, e);
    return dom_txn_end(d, rc, e);
}

int dom_create(const char *target, const principal *creator, int flags, dom **out, isms_err *e)
{
    *out = NULL;
    if (sodium_init() < 0)
        return err_set(e, E_INTERNAL, NULL, "libsodium failed to initialise");
    if (creator && !creator->actor)
        return err_set(e, E_INTERNAL, "actor", "a creator needs an actor");
    dom *d = dom_new(creator);
    store_schema schema = { .registers = registers };
    int rc = actor_check(d->self.actor, e);
    if (!rc)
        rc = store_open(target, 1, &schema, &d->st, NULL, e);
    if (!rc && !(flags & DOM_CREATE_BARE))
        rc = seed_new(d, e);
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

/* Back to the process itself. */
static void forget_who(dom *d)
{
    for (int i = 0; i < 3; i++) {
        free(d->who_text[i]);
        d->who_text[i] = NULL;
    }
    d->who = d->self;
}

static void forget_warnings(dom *d)
{
    for (int i = 0; i < d->nwarnings; i++)
        free(d->warnings[i]);
    free(d->warnings);
    d->warnings = NULL;
    d->nwarnings = 0;
}

void dom_close(dom *d)
{
    if (!d)
        return;
    store_close(d->st);
    dom_org_forget(d);
    dom_cache_drop(d);
    arena_free(&d->a);
    forget_who(d);
    forget_warnings(d);
    free((char *)d->self.actor);
    free((char *)d->self.person_key);
    free(d);
}

store *dom_store(dom *d) { return d->st; }
arena *dom_arena(dom *d) { return &d->a; }
int dom_upgraded_from(const dom *d) { return d->upgraded_from; }

/* ---- the request ---- */

const principal *dom_who(const dom *d) { return &d->who; }

const char *dom_actor(const dom *d) { return d->who.actor; }

int dom_begin(dom *d, const principal *p, isms_err *e)
{
    if (!p) {
        forget_who(d);
        return 0;
    }
    if (!p->actor || !*p->actor)
        return err_set(e, E_INVALID, "actor", "actor: someone must act");
    int rc = actor_check(p->actor, e);
    if (!rc && p->note) /* one line of text, like every other field */
        rc = text_check("note", p->note, 0, DOM_NOTE_MAX, e);
    if (rc)
        return rc;
    /* Copied (before the old ones go: p may be dom_who(d)); the caller's
     * strings need not outlive this call, nor the arena's the request. */
    principal who = *p;
    char *text[3] = { xstrdup(p->actor), p->person_key ? xstrdup(p->person_key) : NULL,
                      p->note ? xstrdup(p->note) : NULL };
    forget_who(d);
    d->who = who;
    d->who.actor = d->who_text[0] = text[0];
    d->who.person_key = d->who_text[1] = text[1];
    d->who.note = d->who_text[2] = text[2];
    return 0;
}

void dom_end(dom *d)
{
    forget_who(d);
    forget_warnings(d);
    d->transitioning = 0;
    d->fault = 0;
    d->confirmed = 0;
    d->user_write = 0;
    d->collecting = 0;
    d->errors = NULL;
    d->nerrors = 0;
    d->errors_cap = 0;
    dom_cache_end(d);
    arena_reset(&d->a);
}

void dom_errors_collect(dom *d)
{
    d->collecting = 1;
    d->errors = NULL;
    d->nerrors = 0;
    d->errors_cap = 0;
}

int dom_errors(const dom *d, const dom_field_error **out)
{
    *out = d->errors;
    return d->nerrors;
}

int dom_field_failed(dom *d, int rc, const isms_err *fe, isms_err *e)
{
    if (e && !e->code)
        *e = *fe;
    if (!d->collecting)
        return 1;
    if ((size_t)d->nerrors == d->errors_cap)
        ARENA_GROW(&d->a, d->errors, (size_t)d->nerrors, d->errors_cap, 8);
    d->errors[d->nerrors++] = (dom_field_error){ .code = rc,
                                                 .field = arena_strdup(&d->a, fe->field),
                                                 .msg = arena_strdup(&d->a, fe->msg) };
    return 0;
}

int dom_fields_failed(const dom *d) { return d->nerrors ? d->errors[0].code : 0; }

void dom_confirm(dom *d, int yes) { d->confirmed = yes; }
int dom_confirmed(const dom *d) { return d->confirmed; }

const char *const *dom_warnings(const dom *d, int *n)
{
    *n = d->nwarnings;
    return (const char *const *)d->warnings;
}

void dom_warn(dom *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char text[1024];
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    d->warnings = xrealloc(d->warnings, sizeof *d->warnings * (size_t)(d->nwarnings + 1));
    d->warnings[d->nwarnings++] = xstrdup(text);
}

int dom_txn_begin(dom *d, isms_err *e) { return store_begin(d->st, 1, e); }

int dom_txn_end(dom *d, int rc, isms_err *e)
{
    if (!rc && d->fault) {
        rc = d->fault;
        if (e && !e->code)
            *e = d->fault_err;
    }
    if (rc) {
        d->fault = 0;
        store_rollback(d->st);
        dom_org_forget(d); /* a rolled-back profile change must not linger */
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
    ledger_change c = { .actor = d->who.actor,
                        .entity = r->reg->name,
                        .key = r->key,
                        .op = op,
                        .data = data,
                        .note = d->who.note,
                        .ts = r->updated_at };
    int rc = ledger_append(d->st, &c, NULL, e);
    free(data);
    return rc;
}

/* ---- organisation settings ---- */

void dom_org_forget(dom *d)
{
    for (int a = 0; a < 2; a++)
        for (int i = 0; i <= RISK_MATRIX_MAX; i++) {
            free(d->labels[a][i]);
            d->labels[a][i] = NULL;
        }
    d->org_loaded = 0;
}

static void split_labels(char *dst[RISK_MATRIX_MAX + 1], const char *csv)
{
    int level = 1;
    const char *p = csv;
    while (p && *p && level <= RISK_MATRIX_MAX) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && *p == ' ') {
            p++;
            n--;
        }
        while (n && p[n - 1] == ' ')
            n--;
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
    d->matrix = RISK_MATRIX_MAX;
    d->exponent = 2;
    snprintf(d->currency, sizeof d->currency, "EUR");
    arena a;
    arena_init(&a);
    record org;
    isms_err e = { 0 };
    int rc = store_get(d->st, &reg_org, "ORG", &org, &a, &e);
    if (rc && rc != E_NOT_FOUND && !d->fault) {
        d->fault = rc;
        d->fault_err = e;
    }
    if (!rc) {
        const char *cur = record_text(&org, F_ORG_CURRENCY);
        const currency *c = cur ? currency_find(cur) : NULL;
        if (c) {
            snprintf(d->currency, sizeof d->currency, "%s", c->code);
            d->exponent = c->exponent;
        }
        if (!record_cval(&org, F_ORG_RISK_MATRIX)->null)
            d->matrix = (int)record_int(&org, F_ORG_RISK_MATRIX);
        split_labels(d->labels[0], record_text(&org, F_ORG_LIKELIHOOD_LABELS));
        split_labels(d->labels[1], record_text(&org, F_ORG_IMPACT_LABELS));
    }
    arena_free(&a);
    d->org_loaded = !rc || rc == E_NOT_FOUND; /* a failed read is tried again */
}

int dom_matrix_size(dom *d)
{
    org_load(d);
    return d->matrix;
}
int dom_currency_exponent(dom *d)
{
    org_load(d);
    return d->exponent;
}
const char *dom_currency(dom *d)
{
    org_load(d);
    return d->currency;
}

const char *dom_level_label(dom *d, char axis, int level)
{
    org_load(d);
    if (level < 1 || level > RISK_MATRIX_MAX)
        return "";
    const char *l = d->labels[axis == 'I'][level];
    return l ? l : "";
}
