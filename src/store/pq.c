/* pq.c: loading libpq on first use (pq.h). */
#define ISMS_PQ_NO_MACROS
#include "store/pq.h"

#include <dlfcn.h>
#include <string.h>

/* The soname Debian's libpq5 (and every libpq since PostgreSQL 8.2) has. */
#define LIBPQ "libpq.so.5"

pq_api pq;

/* RTLD_LAZY, as the dynamic linker binds a linked library: the functions
 * of libpq's dependencies are bound when first called, not all of them
 * (some 3 million instructions more) at load. */

int pq_load(isms_err *e)
{
    static void *lib;
    static int loaded;
    if (loaded)
        return 0;
    if (!lib)
        lib = dlopen(LIBPQ, RTLD_LAZY | RTLD_LOCAL);
    if (!lib)
        return err_set(e, E_UNAVAILABLE, "repository",
                       "PostgreSQL repositories need libpq, "
                       "which cannot be loaded: %s (install libpq5)",
                       dlerror());
    void *sym;
    pq_api api;
#define ISMS_PQ_LOAD(name)                                  \
    sym = dlsym(lib, #name);                                \
    if (!sym)                                               \
        return err_set(e, E_UNAVAILABLE, "repository",      \
                       "%s has no %s: a libpq too old for " \
                       "isms",                              \
                       LIBPQ, #name);                       \
    memcpy(&api.name, &sym, sizeof sym);
    ISMS_PQ_FUNCTIONS(ISMS_PQ_LOAD)
#undef ISMS_PQ_LOAD
    pq = api;
    loaded = 1;
    return 0;
}
