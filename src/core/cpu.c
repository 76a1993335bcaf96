#include "core/cpu.h"

#include <stdlib.h>

int cpu_has_avx2(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    static int known; /* 0: not asked yet, 1: no, 2: yes */
    int v = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (!v) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("avx2") && !getenv("ISMS_NO_AVX2") ? 2 : 1;
        __atomic_store_n(&known, v, __ATOMIC_RELAXED);
    }
    return v == 2;
#else
    return 0;
#endif
}
