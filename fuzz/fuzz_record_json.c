/* fuzz_record_json: JSON from outside (an import, later the API) read into
 * records of every register. A record that reads must render canonically,
 * and its canonical bytes must read back to the same bytes. */
#include "core/arena.h"
#include "domain/registers/registers.h"
#include "formats/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j;
    if (js_parse((const char *)data, size, "input", &j, NULL))
        return 0;
    arena a;
    arena_init(&a);
    for (int i = 0; registers[i]; i++) {
        record r;
        if (record_from_json(j, registers[i], &r, &a, "/", NULL))
            continue;
        char *canon = record_canonical(&r);
        json_t *again;
        if (js_parse(canon, strlen(canon), "canonical", &again, NULL))
            abort();
        record r2;
        if (record_from_json(again, registers[i], &r2, &a, "/", NULL))
            abort();
        char *canon2 = record_canonical(&r2);
        if (strcmp(canon, canon2))
            abort();
        free(canon);
        free(canon2);
        json_decref(again);
    }
    arena_free(&a);
    json_decref(j);
    return 0;
}
