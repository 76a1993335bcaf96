/* fuzz_oscal_plan: the reader of OSCAL system security plans, assessment
 * results and POA&Ms (formats/oscal_plan.c) over any bytes: loaded as an
 * OSCAL document (oscal_load_bytes) and, when one of the three models,
 * read. Beyond not crashing: what reads has consistent counts (every
 * implemented requirement has a control id, its statements and
 * by-components add up to the plan's; open risks and unsatisfied findings
 * are among the risks and findings), and an error names the place. */
#include "formats/oscal_plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(int ok)
{
    if (!ok)
        abort();
}

static void check(const oscal_plan *p)
{
    int statements = 0, bcs = 0;
    for (int i = 0; i < p->implemented; i++) {
        need(p->reqs[i].control_id && *p->reqs[i].control_id);
        need(p->reqs[i].where != NULL);
        statements += p->reqs[i].statements;
        bcs += p->reqs[i].by_components;
    }
    need(statements == p->statements && bcs == p->by_components);
    need(p->open_risks <= p->risks && p->not_satisfied <= p->findings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a;
    arena_init(&a);
    oscal_doc doc;
    oscal_warnings w = { 0 };
    isms_err e = { 0 };
    if (oscal_load_bytes((const char *)data, size, "fuzz.json", &doc, &w, &a, &e) == 0) {
        if (doc.model == OSCAL_SYSTEM_SECURITY_PLAN || doc.model == OSCAL_ASSESSMENT_RESULTS ||
            doc.model == OSCAL_POAM) {
            oscal_plan p;
            int rc = oscal_plan_read(&doc, &p, &e);
            if (rc)
                need(strstr(e.msg, "fuzz.json") != NULL);
            else
                check(&p);
        }
        oscal_doc_free(&doc);
    }
    arena_free(&a);
    return 0;
}
