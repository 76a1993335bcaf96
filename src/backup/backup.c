#include "backup/backup.h"
#include "backup/checkpoint_rows.h"
#include "domain/registers/registers.h"
#include "domain/registers/validate.h"
#include "domain/integrity/verify.h"
#include "formats/json.h"
#include "ledger/ledger.h"
#include "ledger/nodes.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT_FORMAT "isms-export"
enum { EXPORT_FORMAT_VERSION = 1 };

/* ---- export ---- */

static int add_record(const record *r, void *ctx)
{
    json_array_append_new(ctx, record_json(r));
    return 0;
}

typedef struct entries {
    json_t *arr;
    isms_err *e;
} entries;

static int add_entry(const ledger_row *r, void *ctx)
{
    entries *to = ctx;
    int rc = ledger_entry_readable(r, to->e);
    if (rc)
        return rc;
    json_t *data = json_loads(r->data, 0, NULL);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:s, s:s}", "seq",
                          (json_int_t)r->seq, "ts", r->ts, "actor", r->actor, "entity", r->entity,
                          "key", r->key, "op", r->op, "data", data ? data : json_string(r->data),
                          "note", r->note, "prev_hash", r->prev_hash, "hash", r->hash);
    json_array_append_new(to->arr, o);
    return 0;
}

static int export_meta(dom *d, json_t *doc, isms_err *e)
{
    arena *a = dom_arena(d);
    char *id, *created;
    int version, rc = store_meta_get(dom_store(d), "repository_id", &id, a, e);
    if (!rc)
        rc = store_meta_get(dom_store(d), "created_at", &created, a, e);
    if (!rc)
        rc = store_schema_version(dom_store(d), &version, e);
    if (rc)
        return rc;
    json_object_set_new(doc, "format", json_string(EXPORT_FORMAT));
    json_object_set_new(doc, "format_version", json_integer(EXPORT_FORMAT_VERSION));
    json_object_set_new(doc, "schema_version", json_integer(version));
    json_object_set_new(doc, "repository",
                        json_pack("{s:s?, s:s?}", "repository_id", id, "created_at", created));
    return 0;
}

/* An export that import would refuse (import verifies) is no backup: the
 * repository must verify first, in the export's own snapshot. */
static int verify_first(dom *d, isms_err *e)
{
    verify_report rep;
    verify_report_init(&rep);
    isms_err ve = { 0 };
    int rc = dom_verify(d, &rep, &ve);
    if (rc == E_TAMPERED)
        err_set(e, rc, ve.field,
                "the repository does not verify, so an export of it could not be imported; "
                "nothing was written (`isms verify` lists %s): %s",
                rep.problems > 1 ? "every problem" : "the problem", ve.msg);
    else if (rc)
        err_set(e, rc, ve.field, "%s", ve.msg);
    verify_report_reset(&rep);
    return rc;
}

int backup_export(dom *d, FILE *out, isms_err *e)
{
    json_t *doc = json_object(), *regs = json_object(), *ledger = json_array();
    store_query all = { .include_retired = 1 };
    entries to = { ledger, e };
    /* One read transaction: the registers and the ledger from one moment. */
    int rc = store_begin(dom_store(d), 0, e);
    if (!rc)
        rc = verify_first(d, e);
    if (!rc)
        rc = export_meta(d, doc, e);
    for (int i = 0; !rc && registers[i]; i++) {
        json_t *arr = json_array();
        json_object_set_new(regs, registers[i]->plural, arr);
        rc = dom_list(d, registers[i], &all, add_record, arr, e);
    }
    if (!rc)
        rc = dom_history(d, NULL, add_entry, &to, e);
    if (!rc)
        rc = backup_checkpoints_export(d, doc, e);
    store_rollback(dom_store(d));
    json_object_set_new(doc, "registers", regs);
    json_object_set_new(doc, "ledger", ledger);
    if (!rc && js_write(out, doc, 1))
        rc = err_set(e, E_IO, "export", "cannot write the export: %m");
    json_decref(doc);
    return rc;
}

/* ---- import ---- */

static int bad_doc(isms_err *e, const char *where, const char *what)
{
    return err_set(e, E_INVALID, where, "%s: %s", where, what);
}

static int check_header(const json_t *doc, isms_err *e)
{
    const char *format = json_string_value(json_object_get(doc, "format"));
    if (!json_is_object(doc) || !format || strcmp(format, EXPORT_FORMAT))
        return bad_doc(e, "/format", "not an isms export (expected \"format\": \"isms-export\")");
    json_int_t fv = json_integer_value(json_object_get(doc, "format_version"));
    if (fv != EXPORT_FORMAT_VERSION)
        return bad_doc(e, "/format_version", "unsupported export format version");
    json_int_t sv = json_integer_value(json_object_get(doc, "schema_version"));
    if (sv != store_schema_latest())
        return err_set(e, E_INVALID, "/schema_version",
                       "/schema_version: the export is of schema %lld, this isms writes %d; import "
                       "it with the isms that wrote it, let that upgrade it, and export again",
                       (long long)sv, store_schema_latest());
    if (!json_is_object(json_object_get(doc, "registers")) ||
        !json_is_array(json_object_get(doc, "ledger")))
        return bad_doc(e, "/", "registers (an object) and ledger (an array) are required");
    return 0;
}

/* Resolves the keys of references and links to ids in the new store. */
static int resolve_keys(store *s, record *r, int links, const char *where, isms_err *e)
{
    for (int i = 0; i < r->reg->nfields; i++) {
        const fielddef *f = &r->reg->fields[i];
        value *v = &r->v[i];
        int is_ref = f->type == FT_REF && !v->null;
        if (!(is_ref && !links) && !(f->type == FT_LINKS && links))
            continue;
        const regdef *target = register_find(f->target);
        int n = is_ref ? 1 : v->n;
        for (int k = 0; k < n; k++) {
            const char *key = is_ref ? v->s : v->keys[k];
            int64_t id;
            int retired, rc = store_lookup(s, target, key, &id, &retired, e);
            if (rc)
                return rc;
            if (!id)
                return err_set(e, E_INVALID, where, "%s/%s: there is no %s %s in the export", where,
                               f->name, target->name, key);
            if (is_ref)
                v->i = id;
            else
                v->ids[k] = id;
        }
    }
    return 0;
}

/* Counts one stored item; every 1,000 reports progress and looks whether
 * the user asked to stop. */
typedef struct ticker {
    const backup_watch *w;
    uint64_t done;
} ticker;

static int tick(ticker *t, isms_err *e)
{
    t->done++;
    if (t->done % 1000 || !t->w)
        return 0;
    if (t->w->cancel && *t->w->cancel)
        return err_set(e, E_INTERRUPTED, NULL, "interrupted: nothing was imported");
    if (t->w->progress)
        t->w->progress(t->w->ctx, t->done);
    return 0;
}

/* The values of an exported record pass the checks typed input passes
 * (an export may have been edited, or written by something else); the
 * message says where in the document. */
static int validate_record(dom *d, const record *r, const char *where, isms_err *e)
{
    isms_err ve = { 0 };
    int rc = dom_validate(d, r, DOM_VALIDATE_WHOLE, &ve);
    if (rc) {
        char field[128 + sizeof ve.field];
        snprintf(field, sizeof field, "%s/%s", where, ve.field);
        err_set(e, rc, field, "%s: %s", where, ve.msg);
    }
    return rc;
}

/* Stores the records of `arr`, which follow `base` records of the same
 * register already stored (ids are positions in id order, as exported).
 * Pass 0 checks and inserts records without their links, pass 1 (links =
 * 1) writes the links, once every record they may point to exists. */
static int import_register(dom *d, const regdef *reg, const json_t *arr, size_t base, int links,
                           arena *a, ticker *t, isms_err *e)
{
    store *s = dom_store(d);
    size_t i;
    json_t *o;
    char where[128];
    json_array_foreach(arr, i, o)
    {
        snprintf(where, sizeof where, "/registers/%s/%zu", reg->plural, base + i);
        isms_err why = { 0 }; /* the store's message, put at its place in the document */
        record r;
        int rc = record_from_json(o, reg, &r, a, where, e);
        if (!rc && !links)
            rc = validate_record(d, &r, where, e);
        if (!rc)
            rc = resolve_keys(s, &r, links, where, e);
        if (!rc)
            rc = tick(t, e);
        if (rc)
            return rc;
        if (links) {
            int retired;
            rc = store_lookup(s, reg, r.key, &r.id, &retired, e);
            if (!rc)
                rc = store_write_links(s, &r, e);
            if (rc)
                return rc;
            continue;
        }
        /* Links wait for the second pass: an asset may depend on a later one. */
        for (int k = 0; k < reg->nfields; k++)
            if (reg->fields[k].type == FT_LINKS)
                r.v[k].n = 0;
        r.id = (int64_t)(base + i) + 1;
        rc = store_insert(s, &r, &why);
        if (rc)
            return err_set(e, rc, where, "%s: %s", where, why.msg);
        if (i % 512 == 511)
            arena_reset(a);
    }
    return 0;
}

static int import_ledger(store *s, const json_t *arr, ticker *t, isms_err *e)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        char where[64];
        snprintf(where, sizeof where, "/ledger/%zu", i);
        ledger_row r = { 0 };
        json_t *data = NULL, *note = NULL;
        json_int_t seq = 0;
        if (json_unpack(o, "{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s?o, s:s, s:s}", "seq", &seq, "ts",
                        &r.ts, "actor", &r.actor, "entity", &r.entity, "key", &r.key, "op", &r.op,
                        "data", &data, "note", &note, "prev_hash", &r.prev_hash, "hash", &r.hash))
            return bad_doc(e, where,
                           "not a ledger entry (seq, ts, actor, entity, key, op, data, "
                           "prev_hash, hash)");
        if (note && !json_is_null(note) && !json_is_string(note))
            return bad_doc(e, where, "note must be a string or null");
        r.seq = seq;
        r.note = json_string_value(note);
        char *canon = json_is_string(data) ? strdup(json_string_value(data)) : js_canonical(data);
        r.data = canon;
        isms_err why = { 0 };
        int rc = store_ledger_insert(s, &r, &why);
        if (rc)
            err_set(e, rc, where, "%s: %s", where, why.msg);
        free(canon);
        if (!rc)
            rc = tick(t, e);
        if (rc)
            return rc;
    }
    return 0;
}

static int import_meta(store *s, const json_t *doc, isms_err *e)
{
    const json_t *repo = json_object_get(doc, "repository");
    const char *id = json_string_value(json_object_get(repo, "repository_id"));
    const char *created = json_string_value(json_object_get(repo, "created_at"));
    if (!id || !created)
        return bad_doc(e, "/repository", "repository_id and created_at are required");
    int rc = store_meta_set(s, "repository_id", id, e);
    if (rc)
        return rc;
    return store_meta_set(s, "created_at", created, e);
}

static int import_all(dom *d, const json_t *doc, ticker *t, isms_err *e)
{
    store *s = dom_store(d);
    const json_t *regs = json_object_get(doc, "registers");
    arena a;
    arena_init(&a);
    int rc = import_meta(s, doc, e);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; !rc && registers[i]; i++) {
            const json_t *arr = json_object_get(regs, registers[i]->plural);
            if (arr && !json_is_array(arr))
                rc = bad_doc(e, registers[i]->plural, "expected an array of records");
            else if (arr)
                rc = import_register(d, registers[i], arr, 0, pass, &a, t, e);
        }
    arena_free(&a);
    if (!rc)
        rc = import_ledger(s, json_object_get(doc, "ledger"), t, e);
    if (!rc)
        rc = backup_checkpoints_import(s, json_object_get(doc, "checkpoints"), e);
    return rc;
}

/* The new repository must verify before it is committed: a copy of a
 * tampered repository, or of a tampered export, is no copy at all. */
static int verify_new(dom *d, const char *source, isms_err *e)
{
    verify_report rep;
    verify_report_init(&rep);
    isms_err ve = { 0 };
    int rc = 0;
    if (dom_verify(d, &rep, &ve))
        rc = err_set(e, E_TAMPERED, ve.field, "the %s does not verify, nothing was copied: %s",
                     source, ve.msg);
    verify_report_reset(&rep);
    return rc;
}

/* Creates `target` and fills it in one transaction; on any failure
 * nothing is left behind. `source` names what is copied, for messages. */
typedef int (*fill_fn)(dom *d, void *ctx, isms_err *e);

static int into_new_repository(const char *target, fill_fn fill, void *ctx, const char *source,
                               isms_err *e)
{
    dom *d;
    int rc = dom_create(target, NULL, DOM_CREATE_BARE, &d, e);
    if (rc)
        return rc;
    rc = dom_txn_begin(d, e);
    if (!rc) {
        rc = fill(d, ctx, e);
        /* The entries came in as they were; their tree is built here. */
        if (!rc)
            rc = ledger_tree_fill(dom_store(d), e);
        if (!rc)
            rc = verify_new(d, source, e);
        rc = dom_txn_end(d, rc, e);
    }
    dom_close(d);
    if (rc)
        store_remove(target, NULL); /* nothing half-made is left behind */
    return rc;
}

typedef struct doc_fill {
    const json_t *doc;
    ticker t;
} doc_fill;

static int fill_from_doc(dom *d, void *ctx, isms_err *e)
{
    doc_fill *f = ctx;
    return import_all(d, f->doc, &f->t, e);
}

int backup_import(const char *path, const char *target, const backup_watch *w, isms_err *e)
{
    json_t *doc;
    int rc = js_load_file(path, &doc, e);
    if (rc)
        return rc;
    rc = check_header(doc, e);
    doc_fill f = { .doc = doc, .t = { .w = w } };
    if (!rc)
        rc = into_new_repository(target, fill_from_doc, &f, "export", e);
    json_decref(doc);
    return rc;
}

/* ---- copy: export and import without the document in between ---- */

/* Records travel in chunks through the same JSON form an export uses, so
 * a copy and an export -> import give the same repository, while memory
 * stays bounded by the chunk, not the register. */
enum { COPY_CHUNK = 512 };

typedef struct copier {
    store *from, *to;
    dom *into; /* the new repository (to is its store) */
    const regdef *reg;
    int pass;
    json_t *chunk;
    size_t done; /* records of reg already stored */
    arena a;
    ticker t;
    isms_err *e;
} copier;

static int flush_chunk(copier *c)
{
    int rc = import_register(c->into, c->reg, c->chunk, c->done, c->pass, &c->a, &c->t, c->e);
    c->done += json_array_size(c->chunk);
    json_array_clear(c->chunk);
    return rc;
}

static int copy_record(const record *r, void *ctx)
{
    copier *c = ctx;
    json_array_append_new(c->chunk, record_json(r));
    return json_array_size(c->chunk) < COPY_CHUNK ? 0 : flush_chunk(c);
}

static int copy_register(copier *c, const regdef *reg, int pass)
{
    store_query all = { .include_retired = 1 };
    c->reg = reg;
    c->pass = pass;
    c->done = 0;
    int rc = store_scan(c->from, reg, &all, copy_record, c, c->e);
    if (!rc && json_array_size(c->chunk))
        rc = flush_chunk(c);
    json_array_clear(c->chunk);
    return rc;
}

static int copy_entry(const ledger_row *r, void *ctx)
{
    copier *c = ctx;
    int rc = store_ledger_insert(c->to, r, c->e);
    if (rc)
        return rc;
    return tick(&c->t, c->e);
}

static int copy_meta(copier *c)
{
    static const char *const names[] = { "repository_id", "created_at" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *v;
        int rc = store_meta_get(c->from, names[i], &v, &c->a, c->e);
        if (!rc && !v)
            rc = err_set(c->e, E_INVALID, names[i], "the source repository has no %s", names[i]);
        if (!rc)
            rc = store_meta_set(c->to, names[i], v, c->e);
        if (rc)
            return rc;
    }
    return 0;
}

static int fill_from_store(dom *d, void *ctx, isms_err *e)
{
    copier *c = ctx;
    c->into = d;
    c->to = dom_store(d);
    c->e = e;
    int rc = copy_meta(c);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; !rc && registers[i]; i++)
            rc = copy_register(c, registers[i], pass);
    if (!rc)
        rc = store_ledger_scan(c->from, NULL, copy_entry, c, e);
    if (!rc)
        rc = backup_checkpoints_copy(c->from, c->to, e);
    return rc;
}

int backup_copy(const char *from, const char *to, const backup_watch *w, isms_err *e)
{
    dom *src;
    int rc = dom_open(from, &src, e);
    if (rc)
        return rc;
    copier c = { .from = dom_store(src), .chunk = json_array(), .t = { .w = w } };
    arena_init(&c.a);
    /* One read transaction on the source: the copy is of one moment. */
    rc = store_begin(c.from, 0, e);
    if (!rc) {
        rc = into_new_repository(to, fill_from_store, &c, "source repository", e);
        store_rollback(c.from);
    }
    arena_free(&c.a);
    json_decref(c.chunk);
    dom_close(src);
    return rc;
}
