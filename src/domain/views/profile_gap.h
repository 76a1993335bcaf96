/* profile_gap.h: a NIST CSF 2.0 current profile against its target
 * profile (issue 18, point 4).
 *
 * Both are versions of the soa register (`isms soa generate --profile
 * current|target --tier N`), each a series of its own; the one in force of
 * each (approved, else the newest draft) is compared per requirement
 * (subcategory): the implementation the current profile states against
 * the one the target profile asks of a requirement it holds applicable.
 * A requirement is short of its target when the target's implementation
 * is further along (planned < partial < implemented) than the current
 * one's; the tiers are compared likewise.
 *
 * Any two versions of one framework's SoA can be compared instead (a
 * past current profile against today's target, two statements): each
 * side picked by key, the other still the one in force of its series. */
#ifndef ISMS_DOMAIN_PROFILE_GAP_H
#define ISMS_DOMAIN_PROFILE_GAP_H

#include "domain/engine/dom.h"

typedef struct gap_row {
    const char *requirement; /* its key (REQ-n) */
    const char *code, *ref, *title;
    const char *current;  /* implementation in the current profile, NULL when it lacks it */
    const char *target;   /* the implementation the target asks, NULL when not applicable */
    const char *controls; /* the internal controls behind it (comma-separated keys, or "") */
    int short_of;         /* the current implementation falls short of the target */
} gap_row;

typedef struct gap_report {
    const char *framework;                        /* its name */
    const char *framework_key;                    /* FW-n */
    const char *current_soa, *target_soa;         /* keys of the profiles compared */
    const char *current_profile, *target_profile; /* statement, current or target */
    int current_tier, target_tier;                /* 0 when none is set */
    gap_row *rows;                                /* the target's order */
    int n, gaps;
} gap_report;

/* What to compare: the framework (name or key; NULL when a side is given
 * by key: that SoA's framework), and each side's SoA by key (NULL: the
 * current, or the target, profile in force). */
typedef struct gap_pick {
    const char *framework;
    const char *current, *target;
} gap_pick;

/* The two SoAs picked compared; E_NOT_FOUND naming the profile that is
 * missing, E_INVALID naming the side whose SoA is of another framework. */
int dom_profile_gap(dom *d, const gap_pick *pick, gap_report *out, isms_err *e);

#endif
