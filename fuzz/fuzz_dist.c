/* fuzz_dist: distribution text as users type it (--lef "pert(0.5,2,6)").
 * A text that parses must format to a text that parses to the same
 * distribution, formatted identically (the canonical form is a fixpoint). */
#include "core/buf.h"
#include "risk/dist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    dist d = { 0 }, again = { 0 };
    if (dist_parse(s, &d, "fuzz", NULL) == 0) {
        buf a, b;
        buf_init(&a);
        buf_init(&b);
        dist_format(&d, &a);
        if (dist_parse(buf_str(&a), &again, "fuzz", NULL) != 0)
            abort();
        dist_format(&again, &b);
        if (strcmp(buf_str(&a), buf_str(&b)))
            abort();
        dist_mean(&d);
        buf_reset(&a);
        buf_reset(&b);
    }
    dist_reset(&d);
    dist_reset(&again);
    free(s);
    return 0;
}
