#include "support/domutil.h"
#include "support/testutil.h"

#include <stdarg.h>
#include <string.h>

record *tu_make(dom *d, const regdef *reg, ...)
{
    record *r = arena_alloc(dom_arena(d), sizeof *r);
    record_init(r, reg, dom_arena(d));
    va_list ap;
    va_start(ap, reg);
    const char *pair;
    while ((pair = va_arg(ap, const char *))) {
        const char *eq = strchr(pair, '=');
        char *name = arena_strndup(dom_arena(d), pair, (size_t)(eq - pair));
        isms_err e = { 0 };
        int f = regdef_field(reg, name);
        if (f < 0 || dom_set_text(d, r, f, eq + 1, &e))
            fail_msg("%s: %s", pair, e.msg);
    }
    va_end(ap);
    return r;
}

const char *tu_add(dom *d, record *r)
{
    record out;
    isms_err e = { 0 };
    if (dom_add(d, r, &out, &e))
        fail_msg("add %s: %s", r->reg->name, e.msg);
    return out.key;
}

void tu_as(dom *d, const char *who)
{
    principal p;
    isms_err e = { 0 };
    if (dom_principal(d, who, &p, &e) || dom_begin(d, &p, &e))
        fail_msg("as %s: %s", who ? who : "the process", e.msg);
}
