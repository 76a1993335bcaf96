/* oscal_plan.h: a system security plan read from OSCAL (formats/
 * oscal_plan.h) held against the repository. Nothing is written: isms
 * reports what the plan states beside what isms knows, requirement by
 * requirement, and leaves any change to people (a plan from elsewhere
 * must not silently overwrite how far the controls are implemented). */
#ifndef ISMS_DOMAIN_VIEWS_OSCAL_PLAN_H
#define ISMS_DOMAIN_VIEWS_OSCAL_PLAN_H

#include "domain/engine/dom.h"
#include "formats/oscal_plan.h"

typedef struct plan_row {
    const char *control_id, *stated; /* as the plan writes them (stated may be NULL) */
    const char *requirement;         /* FRAMEWORK:ID of the requirement found, or NULL */
    const char *isms;                /* its coverage as a status: implemented, partial,
                                        planned or excluded; NULL when not found */
    int differs;                     /* stated, found, and not what isms says */
} plan_row;

typedef struct plan_report {
    const char *framework; /* the framework its control ids belong to, or NULL */
    plan_row *rows;        /* one per implemented requirement, in the plan's order */
    int n, found, differ, unstated;
} plan_report;

/* The framework is `framework` (key or name) when given, else the active
 * framework that holds most of the plan's control ids (by code or OSCAL
 * id, in any case). */
int dom_oscal_plan_compare(dom *d, const oscal_plan *p, const char *framework, plan_report *out,
                           isms_err *e);

#endif
