/* cpu.h: what the CPU this runs on can do, for the few loops that have a
 * faster version for it (the FAIR engine's sampling and summaries). Each
 * such version gives the same bits as the plain one. */
#ifndef ISMS_CORE_CPU_H
#define ISMS_CORE_CPU_H

/* Has the CPU AVX2 (x86-64 only; 0 elsewhere)? Asked once, then cached.
 * The environment variable ISMS_NO_AVX2 (any value) makes it 0: for the
 * tests that hold the plain loops to the same results, and for comparing
 * speeds. */
int cpu_has_avx2(void);

#endif
