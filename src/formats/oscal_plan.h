/* oscal_plan.h: what a system security plan, assessment results or a plan
 * of action and milestones holds, counted and summarised (pure: no
 * repository). isms has no audit, finding or POA&M register yet, so these
 * are read to be reported; of an SSP, the implemented requirements are
 * kept (control id, the status it states) for the domain to compare with
 * the repository's own view (domain/views/oscal_plan.h). */
#ifndef ISMS_FORMATS_OSCAL_PLAN_H
#define ISMS_FORMATS_OSCAL_PLAN_H

#include "formats/oscal.h"

/* An implemented requirement of an SSP. */
typedef struct oscal_plan_req {
    const char *control_id;
    /* The implementation status it states: its implementation-status prop,
     * else from its by-components (every one implemented: implemented; some
     * implemented or partial: partial; else the state they agree on); NULL
     * when it states none. */
    const char *state;
    int statements, by_components;
    const char *where; /* "FILE: /system-security-plan/control-implementation/..." */
} oscal_plan_req;

typedef struct oscal_plan {
    oscal_model model; /* OSCAL_SYSTEM_SECURITY_PLAN, _ASSESSMENT_RESULTS or _POAM */
    const char *uuid, *title, *version, *oscal_version;
    /* system security plan */
    const char *system_name, *profile; /* the import-profile's href */
    int components, users, information_types, inventory_items;
    int implemented, statements, by_components;
    oscal_plan_req *reqs;
    size_t cap;
    /* assessment results and POA&M */
    int results, observations, risks, findings, poam_items;
    int open_risks;    /* risks whose status is open or investigating */
    int not_satisfied; /* findings whose target is not satisfied */
} oscal_plan;

/* Reads doc (of one of the three models) into out, in doc's arena. A
 * member of the wrong type is an error naming the file and the pointer. */
int oscal_plan_read(const oscal_doc *doc, oscal_plan *out, isms_err *e);

#endif
