#include "backup/backup.h"
#include "backup/checkpoint_rows.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "domain/registers/validate.h"
#include "domain/integrity/verify.h"
#include "core/xalloc.h"
#include "formats/json.h"
#include "formats/json_stream.h"
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

/* The document is written as the repository is read, a record or an entry
 * at a time (formats/json_stream.h): memory does not grow with the
 * repository, and the bytes are those jansson writes for the whole
 * document (JSON_INDENT(2)), which earlier versions built in memory. */

static int add_record(const record *r, void *ctx)
{
    jsw *w = ctx;
    json_t *o = record_json(r);
    jsw_value(w, NULL, o);
    json_decref(o);
    return w->failed ? E_IO : 0; /* a full disk stops the scan */
}

typedef struct entries {
    jsw *w;
    isms_err *e;
} entries;

static int add_entry(const ledger_row *r, void *ctx)
{
    entries *to = ctx;
    jsw *w = to->w;
    int rc = ledger_entry_readable(r, to->e);
    if (rc)
        return rc;
    json_t *data = json_loads(r->data, 0, NULL);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:s, s:s}", "seq",
                          (json_int_t)r->seq, "ts", r->ts, "actor", r->actor, "entity", r->entity,
                          "key", r->key, "op", r->op, "data", data ? data : json_string(r->data),
                          "note", r->note, "prev_hash", r->prev_hash, "hash", r->hash);
    jsw_value(w, NULL, o);
    json_decref(o);
    return w->failed ? E_IO : 0;
}

static void put_int(jsw *w, const char *name, json_int_t v)
{
    json_t *j = json_integer(v);
    jsw_value(w, name, j);
    json_decref(j);
}

static int export_meta(dom *d, jsw *w, isms_err *e)
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
    json_t *format = json_string(EXPORT_FORMAT);
    json_t *repo = json_pack("{s:s?, s:s?}", "repository_id", id, "created_at", created);
    jsw_value(w, "format", format);
    put_int(w, "format_version", EXPORT_FORMAT_VERSION);
    put_int(w, "schema_version", version);
    jsw_value(w, "repository", repo);
    json_decref(format);
    json_decref(repo);
    return 0;
}

static int export_registers(dom *d, jsw *w, isms_err *e)
{
    store_query all = { .include_retired = 1 };
    int rc = 0;
    jsw_open(w, "registers", '{');
    for (int i = 0; !rc && registers[i]; i++) {
        jsw_open(w, registers[i]->plural, '[');
        rc = dom_list(d, registers[i], &all, add_record, w, e);
        jsw_close(w);
    }
    jsw_close(w);
    return rc;
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
    /* One read transaction: the registers and the ledger from one moment,
     * verified before a byte is written. */
    int rc = store_begin(dom_store(d), 0, e);
    if (rc)
        return rc;
    rc = verify_first(d, e);
    if (rc) {
        store_rollback(dom_store(d));
        return rc;
    }
    jsw w;
    jsw_init(&w, out);
    entries to = { &w, e };
    jsw_open(&w, NULL, '{');
    rc = export_meta(d, &w, e);
    if (!rc)
        rc = backup_checkpoints_export(d, &w, e);
    if (!rc)
        rc = export_registers(d, &w, e);
    if (!rc) {
        jsw_open(&w, "ledger", '[');
        rc = dom_history(d, NULL, add_entry, &to, e);
        jsw_close(&w);
    }
    store_rollback(dom_store(d));
    jsw_close(&w);
    /* E_IO from a scan is a failed write: the writer knows, e does not yet. */
    if (jsw_finish(&w) && (!rc || rc == E_IO))
        rc = err_set(e, E_IO, "export", "cannot write the export: %m");
    return rc;
}

/* ---- import ---- */

/* An import streams: the document is read a member, a record and an entry
 * at a time (formats/json_stream.h), and each is checked and stored as it
 * comes, so memory does not grow with the document. Registers come in the
 * order isms writes them, so a reference always names a record already
 * stored; a link to one not stored yet (an asset depending on a later
 * asset) waits in a temporary file until every register is in. The
 * ledger's chain is checked entry by entry as it streams past, and the
 * whole new repository is verified before it is committed. */

static int bad_doc(isms_err *e, const char *where, const char *what)
{
    return err_set(e, E_INVALID, where, "%s: %s", where, what);
}

/* The members of an export. Each appears once; the header (all but
 * registers and ledger) comes first, as isms writes it. */
static const char *const members[] = { "format",         "format_version",
                                       "schema_version", "repository",
                                       "checkpoints",    "registers",
                                       "ledger",         NULL };
enum { M_REGISTERS = 5, M_LEDGER = 6 };

static int check_header(const json_t *head, isms_err *e)
{
    const char *format = json_string_value(json_object_get(head, "format"));
    if (!format || strcmp(format, EXPORT_FORMAT))
        return bad_doc(e, "/format", "not an isms export (expected \"format\": \"isms-export\")");
    json_int_t fv = json_integer_value(json_object_get(head, "format_version"));
    if (fv != EXPORT_FORMAT_VERSION)
        return bad_doc(e, "/format_version", "unsupported export format version");
    json_int_t sv = json_integer_value(json_object_get(head, "schema_version"));
    if (sv != store_schema_latest())
        return err_set(e, E_INVALID, "/schema_version",
                       "/schema_version: the export is of schema %lld, this isms writes %d; import "
                       "it with the isms that wrote it, let that upgrade it, and export again",
                       (long long)sv, store_schema_latest());
    return 0;
}

/* Resolves the keys of references (links = 0) or links (links = 1) to ids
 * in the new store. A link to a record not stored yet sets *waits instead
 * of failing, when waits is not NULL. */
static int resolve_keys(store *s, record *r, int links, int *waits, const char *where, isms_err *e)
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
            if (!id && links && waits) {
                *waits = 1;
                return 0;
            }
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

/* What an import or a copy carries from one record or entry to the next. */
typedef struct importer {
    dom *d;
    store *s;
    arena a; /* the records being stored; reset every few hundred */
    uint64_t records;
    ticker t;
    FILE *waiting; /* records whose links wait (a temporary file), or NULL */
    ledger_chain chain;
    const char *source; /* "export" or "source repository", for messages */
    isms_err *e;
} importer;

static void importer_init(importer *im, dom *d, const char *source, const backup_watch *w,
                          isms_err *e)
{
    *im = (importer){ .d = d, .s = dom_store(d), .t = { .w = w }, .source = source, .e = e };
    arena_init(&im->a);
    ledger_chain_init(&im->chain);
}

static void importer_reset(importer *im)
{
    arena_free(&im->a);
    ledger_chain_reset(&im->chain);
    if (im->waiting)
        fclose(im->waiting);
    im->waiting = NULL;
}

/* Puts record `o` of `reg` aside, one line "plural id json", to have its
 * links written once every register is in. */
static int wait_for_links(importer *im, const regdef *reg, int64_t id, const json_t *o)
{
    if (!im->waiting)
        im->waiting = tmpfile();
    if (!im->waiting)
        return err_set(im->e, E_IO, "import", "cannot create a temporary file: %m");
    fprintf(im->waiting, "%s %lld ", reg->plural, (long long)id);
    if (json_dumpf(o, im->waiting, JSON_COMPACT) || fputc('\n', im->waiting) == EOF)
        return err_set(im->e, E_IO, "import", "cannot write a temporary file: %m");
    return 0;
}

/* Stores record `o` of `reg` as `id`, its position in its register (ids
 * are positions in id order, as exported), with its links unless one of
 * them names a record not stored yet. */
static int import_record(importer *im, const regdef *reg, const json_t *o, int64_t id)
{
    char where[128];
    snprintf(where, sizeof where, "/registers/%s/%lld", reg->plural, (long long)id - 1);
    record r;
    int waits = 0;
    int rc = record_from_json(o, reg, &r, &im->a, where, im->e);
    if (!rc)
        rc = validate_record(im->d, &r, where, im->e);
    if (!rc)
        rc = resolve_keys(im->s, &r, 0, NULL, where, im->e);
    if (!rc)
        rc = resolve_keys(im->s, &r, 1, &waits, where, im->e);
    if (!rc && waits) {
        for (int k = 0; k < reg->nfields; k++)
            if (reg->fields[k].type == FT_LINKS)
                r.v[k].n = 0;
        rc = wait_for_links(im, reg, id, o);
    }
    if (!rc) {
        isms_err why = { 0 }; /* the store's message, put at its place in the document */
        r.id = id;
        rc = store_insert(im->s, &r, &why);
        if (rc)
            err_set(im->e, rc, where, "%s: %s", where, why.msg);
    }
    if (!rc)
        rc = tick(&im->t, im->e);
    if (++im->records % 512 == 0)
        arena_reset(&im->a);
    return rc;
}

/* Writes the links that waited, now that every record they name is stored
 * (or never will be: then the key is refused). */
static int write_waiting_links(importer *im)
{
    if (!im->waiting)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    rewind(im->waiting);
    for (uint64_t n = 1; !rc && getline(&line, &cap, im->waiting) > 0; n++) {
        char plural[64], where[128];
        long long id;
        int at = 0;
        if (sscanf(line, "%63s %lld %n", plural, &id, &at) != 2 || !at)
            xdie("import: the temporary file of waiting links is damaged");
        const regdef *reg = register_find(plural);
        json_t *o = json_loads(line + at, 0, NULL);
        record r;
        snprintf(where, sizeof where, "/registers/%s/%lld", plural, id - 1);
        rc = record_from_json(o, reg, &r, &im->a, where, im->e);
        if (!rc)
            rc = resolve_keys(im->s, &r, 1, NULL, where, im->e);
        r.id = id;
        if (!rc)
            rc = store_write_links(im->s, &r, im->e);
        json_decref(o);
        if (n % 512 == 0)
            arena_reset(&im->a);
    }
    free(line);
    fclose(im->waiting);
    im->waiting = NULL;
    return rc;
}

/* Stores one ledger entry and checks that it extends the chain so far;
 * `where` is its place in the document (NULL in a copy). The store goes
 * first: an entry that repeats one already stored is named as such (the
 * store's message) rather than as a gap in the chain. The transaction is
 * rolled back if either refuses it. */
static int store_entry(importer *im, const ledger_row *r, const char *where)
{
    isms_err why = { 0 };
    int rc = store_ledger_insert(im->s, r, &why);
    if (rc && where)
        return err_set(im->e, rc, where, "%s: %s", where, why.msg);
    if (rc)
        return err_set(im->e, rc, why.field, "%s", why.msg);
    rc = ledger_chain_next(&im->chain, r, &why);
    if (rc)
        return err_set(im->e, rc, where ? where : why.field,
                       "the %s does not verify, nothing was copied: %s%s%s", im->source,
                       where ? where : "", where ? ": " : "", why.msg);
    return tick(&im->t, im->e);
}

static int import_entry(importer *im, const json_t *o, size_t i)
{
    char where[64];
    snprintf(where, sizeof where, "/ledger/%zu", i);
    ledger_row r = { 0 };
    json_t *data = NULL, *note = NULL;
    json_int_t seq = 0;
    if (json_unpack((json_t *)o, "{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s?o, s:s, s:s}", "seq", &seq,
                    "ts", &r.ts, "actor", &r.actor, "entity", &r.entity, "key", &r.key, "op", &r.op,
                    "data", &data, "note", &note, "prev_hash", &r.prev_hash, "hash", &r.hash))
        return bad_doc(im->e, where,
                       "not a ledger entry (seq, ts, actor, entity, key, op, data, "
                       "prev_hash, hash)");
    if (note && !json_is_null(note) && !json_is_string(note))
        return bad_doc(im->e, where, "note must be a string or null");
    r.seq = seq;
    r.note = json_string_value(note);
    char *canon = json_is_string(data) ? strdup(json_string_value(data)) : js_canonical(data);
    r.data = canon;
    int rc = store_entry(im, &r, where);
    free(canon);
    return rc;
}

static int import_meta(store *s, const json_t *head, isms_err *e)
{
    const json_t *repo = json_object_get(head, "repository");
    const char *id = json_string_value(json_object_get(repo, "repository_id"));
    const char *created = json_string_value(json_object_get(repo, "created_at"));
    if (!id || !created)
        return bad_doc(e, "/repository", "repository_id and created_at are required");
    int rc = store_meta_set(s, "repository_id", id, e);
    if (rc)
        return rc;
    return store_meta_set(s, "created_at", created, e);
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
        /* and the dashboard's kept figures from the records (verified below) */
        if (!rc)
            rc = dom_tallies_rebuild(d, e);
        if (!rc)
            rc = dom_latest_rebuild(d, e);
        if (!rc)
            rc = verify_new(d, source, e);
        rc = dom_txn_end(d, rc, e);
    }
    dom_close(d);
    if (rc)
        store_remove(target, NULL); /* nothing half-made is left behind */
    return rc;
}

/* ---- import: the document ---- */

typedef struct doc_reader {
    jsr r;
    json_t *head;  /* the header's members */
    unsigned seen; /* members seen, as bits of members[] */
    int next;      /* the member after the header (M_REGISTERS or M_LEDGER), -1: none */
    const backup_watch *w;
    importer im;
} doc_reader;

/* The next member: its index in members[] in *m, -1 at the end of the
 * document. Unknown and repeated members are refused. */
static int next_member(doc_reader *dr, int *m, isms_err *e)
{
    const char *name;
    int rc = jsr_member(&dr->r, &name, e);
    *m = -1;
    if (rc || !name)
        return rc;
    char where[80];
    snprintf(where, sizeof where, "/%.64s", name);
    for (*m = 0; members[*m] && strcmp(members[*m], name); ++*m)
        ;
    if (!members[*m])
        return bad_doc(e, where, "not a member of an isms export");
    if (dr->seen & 1u << *m)
        return bad_doc(e, where, "appears twice");
    dr->seen |= 1u << *m;
    return 0;
}

/* Reads and checks the header, up to registers or ledger. */
static int read_header(doc_reader *dr, isms_err *e)
{
    int m = -1, rc = jsr_enter(&dr->r, '{', e);
    if (!rc)
        rc = next_member(dr, &m, e);
    while (!rc && m >= 0 && m != M_REGISTERS && m != M_LEDGER) {
        json_t *v;
        rc = jsr_value(&dr->r, &v, e);
        if (!rc)
            json_object_set_new(dr->head, members[m], v);
        if (!rc)
            rc = next_member(dr, &m, e);
    }
    dr->next = m;
    if (!rc)
        rc = check_header(dr->head, e);
    if (!rc && m < 0)
        rc = bad_doc(e, "/", "registers (an object) and ledger (an array) are required");
    return rc;
}

/* Imports element i of an array of the document. */
typedef int import_element(importer *im, const json_t *o, size_t i, const regdef *reg);

/* An array of the document, element by element (the document is never
 * whole in memory). */
static int read_array(doc_reader *dr, import_element *import, const regdef *reg, isms_err *e)
{
    int more = 0, rc = jsr_enter(&dr->r, '[', e);
    if (!rc)
        rc = jsr_element(&dr->r, &more, e);
    for (size_t i = 0; !rc && more; i++) {
        json_t *o;
        rc = jsr_value(&dr->r, &o, e);
        if (rc)
            break;
        rc = import(&dr->im, o, i, reg);
        json_decref(o);
        if (!rc)
            rc = jsr_element(&dr->r, &more, e);
    }
    return rc;
}

/* A register's records: element i is the record of id i + 1. */
static int record_element(importer *im, const json_t *o, size_t i, const regdef *reg)
{
    return import_record(im, reg, o, (int64_t)i + 1);
}

static int entry_element(importer *im, const json_t *o, size_t i, const regdef *reg)
{
    (void)reg;
    return import_entry(im, o, i);
}

/* Registers in the order of registers[] (each may be left out): what a
 * reference names is then always stored before it. */
static int read_registers(doc_reader *dr, isms_err *e)
{
    const char *name = NULL;
    int next = 0, rc = jsr_enter(&dr->r, '{', e);
    if (!rc)
        rc = jsr_member(&dr->r, &name, e);
    while (!rc && name) {
        int i = next;
        while (registers[i] && strcmp(registers[i]->plural, name))
            i++;
        char where[96];
        snprintf(where, sizeof where, "/registers/%.64s", name);
        if (!registers[i])
            return bad_doc(e, where,
                           register_find(name) ? "registers come once each, in the order "
                                                 "isms export writes them"
                                               : "no such register");
        next = i + 1;
        rc = read_array(dr, record_element, registers[i], e);
        if (!rc)
            rc = jsr_member(&dr->r, &name, e);
    }
    if (rc)
        return rc;
    return write_waiting_links(&dr->im);
}

static int fill_from_doc(dom *d, void *ctx, isms_err *e)
{
    doc_reader *dr = ctx;
    importer_init(&dr->im, d, "export", dr->w, e);
    int rc = import_meta(dr->im.s, dr->head, e);
    for (int m = dr->next; !rc && m >= 0;) {
        if (m == M_REGISTERS)
            rc = read_registers(dr, e);
        else if (m == M_LEDGER)
            rc = read_array(dr, entry_element, NULL, e);
        else
            rc = err_set(e, E_INVALID, members[m],
                         "/%s: the header comes before registers and "
                         "ledger, as isms export writes it",
                         members[m]);
        if (!rc)
            rc = next_member(dr, &m, e);
    }
    unsigned both = 1u << M_REGISTERS | 1u << M_LEDGER;
    if (!rc && (dr->seen & both) != both)
        rc = bad_doc(e, "/", "registers (an object) and ledger (an array) are required");
    if (!rc)
        rc = jsr_finish(&dr->r, e);
    if (!rc)
        rc = backup_checkpoints_import(dr->im.s, json_object_get(dr->head, "checkpoints"), e);
    importer_reset(&dr->im);
    return rc;
}

int backup_import(const char *path, const char *target, const backup_watch *w, isms_err *e)
{
    doc_reader *dr = xcalloc(1, sizeof *dr);
    dr->head = json_object();
    dr->w = w;
    /* The header is read before the target is created: a file that is no
     * export leaves nothing to remove. */
    int rc = jsr_open(&dr->r, path, e);
    if (!rc)
        rc = read_header(dr, e);
    if (!rc)
        rc = into_new_repository(target, fill_from_doc, dr, "export", e);
    jsr_close(&dr->r);
    json_decref(dr->head);
    free(dr);
    return rc;
}

/* ---- copy: export and import without the document in between ---- */

/* Records travel one at a time through the JSON form an export uses, so a
 * copy and an export -> import give the same repository. */
typedef struct copier {
    store *from;
    const backup_watch *w;
    const regdef *reg;
    int64_t id; /* records of reg copied so far */
    arena a;
    importer im;
} copier;

static int copy_record(const record *r, void *ctx)
{
    copier *c = ctx;
    json_t *o = record_json(r);
    int rc = import_record(&c->im, c->reg, o, ++c->id);
    json_decref(o);
    return rc;
}

static int copy_entry(const ledger_row *r, void *ctx)
{
    copier *c = ctx;
    return store_entry(&c->im, r, NULL);
}

static int copy_meta(copier *c, isms_err *e)
{
    static const char *const names[] = { "repository_id", "created_at" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *v;
        int rc = store_meta_get(c->from, names[i], &v, &c->a, e);
        if (!rc && !v)
            rc = err_set(e, E_INVALID, names[i], "the source repository has no %s", names[i]);
        if (!rc)
            rc = store_meta_set(c->im.s, names[i], v, e);
        if (rc)
            return rc;
    }
    return 0;
}

static int fill_from_store(dom *d, void *ctx, isms_err *e)
{
    copier *c = ctx;
    store_query all = { .include_retired = 1 };
    importer_init(&c->im, d, "source repository", c->w, e);
    int rc = copy_meta(c, e);
    for (int i = 0; !rc && registers[i]; i++) {
        c->reg = registers[i];
        c->id = 0;
        rc = store_scan(c->from, registers[i], &all, copy_record, c, e);
    }
    if (!rc)
        rc = write_waiting_links(&c->im);
    if (!rc)
        rc = store_ledger_scan(c->from, NULL, copy_entry, c, e);
    if (!rc)
        rc = backup_checkpoints_copy(c->from, c->im.s, e);
    importer_reset(&c->im);
    return rc;
}

int backup_copy(const char *from, const char *to, const backup_watch *w, isms_err *e)
{
    dom *src;
    int rc = dom_open(from, &src, e);
    if (rc)
        return rc;
    copier c = { .from = dom_store(src), .w = w };
    arena_init(&c.a);
    /* One read transaction on the source: the copy is of one moment. */
    rc = store_begin(c.from, 0, e);
    if (!rc) {
        rc = into_new_repository(to, fill_from_store, &c, "source repository", e);
        store_rollback(c.from);
    }
    arena_free(&c.a);
    dom_close(src);
    return rc;
}
