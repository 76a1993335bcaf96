#include "core/record.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <string.h>

void record_init(record *r, const regdef *reg, arena *a)
{
    memset(r, 0, sizeof *r);
    r->reg = reg;
    r->v = arena_alloc(a, sizeof(value) * (size_t)(reg->nfields ? reg->nfields : 1));
    for (int i = 0; i < reg->nfields; i++)
        r->v[i].null = 1;
}

void record_copy(record *dst, const record *src, arena *a)
{
    const regdef *reg = src->reg;
    *dst = *src;
    dst->key = arena_strdup(a, src->key);
    dst->created_at = arena_strdup(a, src->created_at);
    dst->updated_at = arena_strdup(a, src->updated_at);
    dst->retired_at = arena_strdup(a, src->retired_at);
    dst->v = arena_alloc(a, sizeof(value) * (size_t)(reg->nfields ? reg->nfields : 1));
    for (int i = 0; i < reg->nfields; i++) {
        value *d = &dst->v[i];
        const value *s = &src->v[i];
        *d = *s;
        d->s = arena_strdup(a, s->s);
        if (s->n) {
            d->keys = arena_alloc(a, sizeof(char *) * (size_t)s->n);
            d->ids = arena_alloc(a, sizeof(int64_t) * (size_t)s->n);
            for (int k = 0; k < s->n; k++) {
                d->keys[k] = arena_strdup(a, s->keys[k]);
                d->ids[k] = s->ids ? s->ids[k] : 0;
            }
        }
        if (s->nremoved) {
            d->removed = arena_alloc(a, sizeof(char *) * (size_t)s->nremoved);
            for (int k = 0; k < s->nremoved; k++)
                d->removed[k] = arena_strdup(a, s->removed[k]);
        }
    }
}

const char *field_flag(const fielddef *f, char *dst, size_t n)
{
    snprintf(dst, n, "%s", f->flag ? f->flag : f->name);
    for (char *p = dst; *p; p++)
        if (*p == '_')
            *p = '-';
    return dst;
}

/* Does `name` spell the CLI flag `flag` (given with '_' or '-')? */
static int flag_matches(const char *flag, const char *name)
{
    for (; *flag && *name; flag++, name++)
        if (*flag != *name && !((*flag == '_' || *flag == '-') && (*name == '_' || *name == '-')))
            return 0;
    return !*flag && !*name;
}

int regdef_field(const regdef *reg, const char *name)
{
    for (int i = 0; i < reg->nfields; i++)
        if (!strcmp(reg->fields[i].name, name))
            return i;
    for (int i = 0; i < reg->nfields; i++)
        if (flag_matches(reg->fields[i].flag ? reg->fields[i].flag : reg->fields[i].name, name))
            return i;
    return -1;
}

int field_index(const regdef *reg, int fid)
{
    int index = fid & (FIELD_MAX - 1);
    if (FIELD_REGNUM(fid) != reg->num || index >= reg->nfields) {
        fprintf(stderr,
                "isms: internal: field id %d (register #%d, field %d) is not a field of "
                "register %s (#%d)\n",
                fid, FIELD_REGNUM(fid), index, reg->name, reg->num);
        xdie("field of another register");
    }
    return index;
}

const fielddef *field_def(const regdef *reg, int fid)
{
    return &reg->fields[field_index(reg, fid)];
}

value *record_val(record *r, int fid) { return &r->v[field_index(r->reg, fid)]; }

const value *record_cval(const record *r, int fid) { return &r->v[field_index(r->reg, fid)]; }

const char *record_text(const record *r, int fid)
{
    const value *v = record_cval(r, fid);
    return v->null ? NULL : v->s;
}

int64_t record_int(const record *r, int fid)
{
    const value *v = record_cval(r, fid);
    return v->null ? 0 : v->i;
}

void record_set_text(record *r, int fid, const char *s, arena *a)
{
    value *v = record_val(r, fid);
    v->s = arena_strdup(a, s);
    v->null = s == NULL;
    v->given = 1;
}

int choice_index(const char *const *choices, const char *s)
{
    for (int i = 0; choices && choices[i]; i++)
        if (!strcmp(choices[i], s))
            return i;
    return -1;
}

const char *choices_text(arena *a, const char *const *choices)
{
    size_t len = 1;
    for (int i = 0; choices[i]; i++)
        len += strlen(choices[i]) + 4;
    char *out = arena_alloc(a, len), *at = out;
    *out = '\0';
    for (int i = 0; choices[i]; i++)
        at += sprintf(at, "%s%s", !i ? "" : choices[i + 1] ? ", " : " or ", choices[i]);
    return out;
}

const transition *regdef_transition(const regdef *reg, const char *verb, const char *from)
{
    const lifecycle *lc = reg->lifecycle;
    for (int i = 0; lc && i < lc->ntransitions; i++) {
        const transition *t = &lc->transitions[i];
        if (!strcmp(t->verb, verb) && (!from || !strcmp(t->from, from)))
            return t;
    }
    return NULL;
}
