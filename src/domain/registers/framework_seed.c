/* framework_seed.c: the built-in frameworks enter a repository.
 *
 * About 2,300 requirements, each a record with its ledger entry, at every
 * `isms init`: the generic add (validate, resolve, look up uniques, insert,
 * read back, hash) would cost several statements a record, so the
 * catalogue takes a shorter road that writes the same thing. Its data was
 * checked when it was generated (unique codes, parents first) and is
 * isms's own, so each record is built whole in memory, numbered in
 * sequence from the register's next key, inserted, and entered in the
 * ledger from the record as built: exactly the record the store reads back
 * (sets sorted, every field given), which `isms verify` confirms. */
#include "domain/engine/dom_internal.h"
#include "domain/registers/framework_data.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/xalloc.h"
#include "formats/json.h"
#include "ledger/ledger.h"

#include <stdlib.h>
#include <string.h>

typedef struct seq {
    int64_t id, no; /* the next id and key number */
    const regdef *reg;
} seq;

static int seq_start(dom *d, const regdef *reg, seq *s, isms_err *e)
{
    char *key;
    int rc = store_next_key(dom_store(d), reg, &key, &s->id, dom_arena(d), e);
    s->no = rc ? 0 : atoll(key + strlen(reg->key_prefix) + 1);
    s->reg = reg;
    return rc;
}

void built_set_text(record *r, int fid, const char *text)
{
    value *v = record_val(r, fid);
    v->given = 1;
    v->null = text == NULL;
    v->s = text;
}

void built_set_int(record *r, int fid, int64_t i)
{
    value *v = record_val(r, fid);
    v->given = 1;
    v->null = 0;
    v->i = i;
}

/* Numbers n records from s, inserts them and enters them in the ledger,
 * many to a statement. */
static int write_seeded(dom *d, seq *s, record *rs, int n, const char *now, isms_err *e)
{
    if (n == 0)
        return 0;
    for (int i = 0; i < n; i++) {
        rs[i].id = s->id++;
        rs[i].key = arena_printf(dom_arena(d), "%s-%lld", s->reg->key_prefix, (long long)s->no++);
        rs[i].version = 1;
        rs[i].created_at = rs[i].updated_at = now;
    }
    int rc = store_insert_many(dom_store(d), rs, n, e);
    if (!rc)
        rc = dom_tallies_added(d, rs, n, e); /* the registers' counts */
    if (rc)
        return rc;
    ledger_change *cs = xcalloc((size_t)n, sizeof *cs);
    for (int i = 0; i < n; i++)
        cs[i] = (ledger_change){ .actor = dom_actor(d),
                                 .entity = rs[i].reg->name,
                                 .key = rs[i].key,
                                 .op = "add",
                                 .data = record_canonical(&rs[i]),
                                 .note = dom_who(d)->note,
                                 .ts = now };
    rc = ledger_append_many(dom_store(d), cs, n, e);
    for (int i = 0; i < n; i++)
        free((char *)cs[i].data);
    free(cs);
    return rc;
}

void requirement_build(dom *d, record *r, const fw_req *q, int64_t fw, const char *fwkey,
                       int builtin)
{
    record_init(r, &reg_requirement, dom_arena(d));
    built_set_text(r, F_REQUIREMENT_FRAMEWORK, fwkey);
    record_val(r, F_REQUIREMENT_FRAMEWORK)->i = fw;
    built_set_text(r, F_REQUIREMENT_CODE, q->code);
    built_set_text(r, F_REQUIREMENT_TITLE, q->title);
    built_set_text(r, F_REQUIREMENT_PARENT, q->parent);
    built_set_text(r, F_REQUIREMENT_LEVEL, q->level);
    built_set_text(r, F_REQUIREMENT_STATEMENT, q->statement);
    requirement_set_baselines(r, q->baselines, dom_arena(d));
    built_set_int(r, F_REQUIREMENT_ASSESSABLE, (q->flags & FWR_ASSESSABLE) != 0);
    built_set_int(r, F_REQUIREMENT_WITHDRAWN, (q->flags & FWR_WITHDRAWN) != 0);
    built_set_int(r, F_REQUIREMENT_BUILTIN, builtin);
}

int records_add_built(dom *d, record *rs, int n, const char *now, isms_err *e)
{
    if (n == 0)
        return 0;
    seq s;
    int rc = seq_start(d, rs[0].reg, &s, e);
    if (rc)
        return rc;
    return write_seeded(d, &s, rs, n, now, e);
}

void requirement_set_baselines(record *r, unsigned bits, arena *a)
{
    /* requirement_baselines is sorted; these are its members by bit. */
    static const struct {
        unsigned bit;
        const char *name;
    } order[] = { { FWB_HIGH, "high" },
                  { FWB_LOW, "low" },
                  { FWB_MODERATE, "moderate" },
                  { FWB_PRIVACY, "privacy" } };
    value *v = record_val(r, F_REQUIREMENT_BASELINES);
    v->given = 1;
    v->keys = arena_alloc(a, sizeof *v->keys * 4);
    v->n = 0;
    for (size_t k = 0; k < sizeof order / sizeof *order; k++)
        if (bits & order[k].bit)
            v->keys[v->n++] = order[k].name;
}

static int seed_requirements(dom *d, const fw_builtin *b, int64_t fw, const char *fwkey,
                             const char *now, isms_err *e)
{
    seq s;
    int rc = seq_start(d, &reg_requirement, &s, e);
    if (rc)
        return rc;
    record *rs = arena_alloc(dom_arena(d), sizeof *rs * (size_t)b->n);
    for (int i = 0; i < b->n; i++) {
        const fw_req *q = &fw_reqs[b->first + i];
        requirement_build(d, &rs[i], q, fw, fwkey, 1);
    }
    return write_seeded(d, &s, rs, b->n, now, e);
}

static int seed_framework(dom *d, const fw_builtin *b, const char *now, isms_err *e)
{
    int64_t id;
    const char *key;
    int rc =
        store_lookup_by(dom_store(d), &reg_framework, field_def(&reg_framework, F_FRAMEWORK_NAME),
                        b->name, &id, &key, dom_arena(d), e);
    if (rc || id)
        return rc; /* there already: its requirements came with it */
    seq s;
    rc = seq_start(d, &reg_framework, &s, e);
    if (rc)
        return rc;
    record r;
    record_init(&r, &reg_framework, dom_arena(d));
    built_set_text(&r, F_FRAMEWORK_NAME, b->name);
    built_set_text(&r, F_FRAMEWORK_TITLE, b->title);
    built_set_text(&r, F_FRAMEWORK_EDITION, b->version);
    built_set_text(&r, F_FRAMEWORK_PUBLISHER, b->publisher);
    built_set_text(&r, F_FRAMEWORK_LICENCE, b->licence);
    built_set_text(&r, F_FRAMEWORK_SOURCE, b->source);
    built_set_int(&r, F_FRAMEWORK_BUILTIN, 1);
    rc = write_seeded(d, &s, &r, 1, now, e);
    if (rc)
        return rc;
    return seed_requirements(d, b, r.id, r.key, now, e);
}

int frameworks_seed(dom *d, const char *now, isms_err *e)
{
    int rc = 0;
    for (int i = 0; i < fw_nbuiltins && !rc; i++)
        rc = seed_framework(d, &fw_builtins[i], now, e);
    return rc;
}
