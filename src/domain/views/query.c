/* query.c: list filters (see query.h). */
#include "domain/views/query.h"
#include "domain/registers/registers.h"
#include "domain/registers/validate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int dom_filterable(const fielddef *f) { return f->type != FT_DIST && !(f->flags & FF_MULTILINE); }

/* A key of register f->target (or a person's e-mail) to its id. */
static int resolve_ref(dom *d, const fielddef *f, const char *typed, int64_t *id, isms_err *e)
{
    const regdef *target = register_find(f->target);
    const char *key;
    int retired, rc;
    if (target == &reg_person)
        rc = dom_find_person(d, typed, id, &key, e);
    else
        rc = dom_find(d, target, typed, id, &key, &retired, e);
    if (!rc && !*id)
        rc = err_set(e, E_NOT_FOUND, f->name, "%s: there is no %s %s", f->name, f->target, typed);
    return rc;
}

/* Filters on a set field: one per member given (records whose set holds
 * them all). */
static int set_filters(dom *d, const fielddef *f, const value *v, store_filter *out, int *n,
                       isms_err *e)
{
    if (!v->n)
        return err_set(e, E_INVALID, f->name, "%s: no member given; give a key", f->name);
    for (int k = 0; k < v->n; k++) {
        store_filter *flt = &out[(*n)++];
        *flt = (store_filter){ .field = f, .sval = v->keys[k] };
        if (f->type == FT_ENUMSET && choice_index(f->choices, v->keys[k]) < 0)
            return err_set(e, E_INVALID, f->name, "%s: \"%s\" is not one of the choices", f->name,
                           v->keys[k]);
        if (f->type == FT_LINKS) {
            int rc = resolve_ref(d, f, v->keys[k], &flt->ival, e);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* One filter: the value as input would have it, then as the store wants it
 * (a set field's members: one filter each). */
static int make_filter(dom *d, const regdef *reg, const dom_filter_arg *a, store_filter *out,
                       int *n, isms_err *e)
{
    const fielddef *f = &reg->fields[a->field];
    if (!dom_filterable(f))
        return err_set(e, E_USAGE, f->name, "%s: %s records cannot be selected by %s", f->name,
                       reg->name, f->name);
    if (!*a->text)
        return err_set(e, E_INVALID, f->name, "%s: \"\" selects nothing; give a value", f->name);
    record tmp;
    record_init(&tmp, reg, dom_arena(d));
    const value *v = &tmp.v[a->field];
    int rc = dom_parse_filter(d, &tmp, a->field, a->text, e);
    if (!rc && (f->type == FT_LINKS || f->type == FT_ENUMSET))
        return set_filters(d, f, v, out, n, e);
    if (!rc)
        rc = dom_validate_value(d, reg, a->field, v, 0, e);
    if (rc)
        return rc;
    store_filter *flt = &out[(*n)++];
    *flt =
        (store_filter){ .field = f, .sval = v->s, .ival = v->i, .otherwise = field_otherwise(f) };
    return f->type == FT_REF ? resolve_ref(d, f, v->s, &flt->ival, e) : 0;
}

int dom_query_filters(dom *d, const regdef *reg, const dom_filter_arg *args, int n, store_query *q,
                      isms_err *e)
{
    int room = q->nfilters + 1;
    for (int i = 0; i < n; i++) { /* a set's members are filters each: one more per comma */
        room++;
        for (const char *p = args[i].text; p && *p; p++)
            room += *p == ',';
    }
    store_filter *filters = arena_alloc(dom_arena(d), sizeof *filters * (size_t)room);
    if (q->nfilters)
        memcpy(filters, q->filters, sizeof *filters * (size_t)q->nfilters);
    int have = q->nfilters;
    for (int i = 0; i < n; i++) {
        if (args[i].field < 0 || args[i].field >= reg->nfields)
            return err_set(e, E_INTERNAL, reg->name, "%s: no field %d to filter on", reg->name,
                           args[i].field);
        int rc = make_filter(d, reg, &args[i], filters, &have, e);
        if (rc)
            return rc;
    }
    q->filters = filters;
    q->nfilters = have;
    return 0;
}

int dom_cursor_parse(const char *text, store_page *at, isms_err *e)
{
    char *end;
    errno = 0;
    long long n = strtoll(text, &end, 10), id = 0;
    int bad =
        end == text || n < 0 || n > DOM_PLACE_MAX || errno || (*end && *end != 'a' && *end != 'b');
    at->after = at->before = 0;
    if (!bad && *end) {
        char kind = *end;
        const char *rest = end + 1;
        id = strtoll(rest, &end, 10);
        bad = end == rest || *end || id <= 0 || errno;
        at->after = kind == 'a' ? id : 0;
        at->before = kind == 'b' ? id : 0;
    }
    if (bad)
        return err_set(e, E_USAGE, "cursor", "cursor: %s is none this list gave", text);
    at->offset = n;
    return 0;
}

void dom_cursors(arena *a, int64_t offset, int64_t n, int64_t limit, int64_t total, int64_t first,
                 int64_t last, const char **next, const char **prev)
{
    *next =
        n && offset + n < total ? arena_printf(a, "%" PRId64 "a%" PRId64, offset + n, last) : NULL;
    *prev = n && offset > 0 ? arena_printf(a, "%" PRId64 "b%" PRId64,
                                           offset > limit ? offset - limit : 0, first)
                            : NULL;
}
