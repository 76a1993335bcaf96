#include "core/cpu.h"

#include <stdlib.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>

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

/* CPUID leaf 7: EBX bit 29 is SHA; the code using it also needs SSE4.1
 * (leaf 1, ECX bit 19), which every CPU with SHA has. */
static int ask_sha(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & (1u << 29)))
        return 0;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 19));
}

int cpu_has_avx2(void)
{
    static int known;
    return cached(&known, ask_avx2, "ISMS_NO_AVX2");
}

int cpu_has_sha(void)
{
    static int known;
    return cached(&known, ask_sha, "ISMS_NO_SHANI");
}
#else
int cpu_has_avx2(void) { return 0; }
int cpu_has_sha(void) { return 0; }
#endif
