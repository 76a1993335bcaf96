/* fuzz_oscal: any bytes as an OSCAL document: told apart by its root key,
 * then read as its model (a catalog into items, a profile resolved, a
 * mapping collection into pairs, a component definition into implemented
 * requirements). Whatever the bytes, each reader succeeds or fails with a
 * message; nothing crashes or leaks. A profile's imports name files
 * relative to a directory that holds none, so resolution stays in memory
 * (and fails cleanly on every import). */
#include "formats/json.h"
#include "formats/oscal.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_model(oscal_doc *doc, isms_err *e)
{
    oscal_catalog c;
    oscal_mappings m;
    oscal_components k;
    oscal_doc out;
    switch (doc->model) {
    case OSCAL_CATALOG: oscal_catalog_read(doc, &c, e); break;
    case OSCAL_PROFILE:
        if (!oscal_profile_resolve(doc, NULL, &out, e)) {
            oscal_catalog_read(&out, &c, e);
            oscal_doc_free(&out);
        }
        break;
    case OSCAL_MAPPING_COLLECTION: oscal_mapping_read(doc, &m, e); break;
    case OSCAL_COMPONENT_DEFINITION: oscal_component_read(doc, &k, e); break;
    default: break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        js_init();
        ready = 1;
    }
    arena a;
    arena_init(&a);
    oscal_warnings w = { 0 };
    oscal_doc doc;
    isms_err e = { 0 };
    if (!oscal_load_bytes((const char *)data, size, "/nonexistent/isms-fuzz/doc.json", &doc, &w, &a,
                          &e)) {
        read_model(&doc, &e);
        oscal_doc_free(&doc);
    }
    arena_free(&a);
    return 0;
}
