#include "core/cpu.h"

#include <stdlib.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

/* Asked once, then cached in *known: 0 not asked yet, 1 no, 2 yes. */
static int cached(int *known, int (*ask)(void), const char *off)
{
    int v = __atomic_load_n(known, __ATOMIC_RELAXED);
    if (!v) {
        v = ask() && !getenv(off) ? 2 : 1;
        __atomic_store_n(known, v, __ATOMIC_RELAXED);
    }
    return v == 2;
}

static int ask_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

int cpu_has_avx2(void)
{
    static int known;
    return cached(&known, ask_avx2, "ISMS_NO_AVX2");
}
#else
int cpu_has_avx2(void) { return 0; }
#endif
