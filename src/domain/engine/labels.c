/* labels.c: what people call a record beside its key (dom_known_as,
 * dom_label): its label, and for registers whose keys say too little the
 * name they type (a requirement's FRAMEWORK:ID). */
#include "domain/engine/dom_internal.h"

#include <string.h>

const char *dom_known_as(dom *d, const regdef *reg, const char *key)
{
    const char *name = NULL;
    isms_err quiet = { 0 };
    if (reg->known_as && key && reg->known_as(d, key, &name, &quiet))
        return NULL;
    return name;
}

const char *dom_named(dom *d, const char *name, const char *label)
{
    if (!name || (label && !strcmp(name, label))) /* a framework's name is its label */
        return label;
    return label ? arena_printf(&d->a, "%s %s", name, label) : name;
}

const char *dom_label(dom *d, const regdef *reg, const char *key)
{
    const char *label = NULL;
    isms_err quiet = { 0 };
    if (store_label_of(d->st, reg, key, &label, &d->a, &quiet) || (label && !*label))
        label = NULL;
    return dom_named(d, dom_known_as(d, reg, key), label);
}
