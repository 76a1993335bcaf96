/* frameworks.h: what the frameworks laid over the control set show, the
 * same in every front end:
 *
 *   coverage  per requirement of a framework: covered by implemented or
 *             operating controls, partly covered, not covered, or excluded
 *             by the approved Statement of Applicability; and why; with
 *             figures per group (ISO clause or theme, CSF function, 800-53
 *             family, ...) and the gap list
 *   suggest   the requirements of other frameworks that the crosswalks
 *             reach from what a control is mapped onto, with the path
 *   drift     one control reported inconsistently across frameworks
 */
#ifndef ISMS_DOMAIN_VIEWS_FRAMEWORKS_H
#define ISMS_DOMAIN_VIEWS_FRAMEWORKS_H

#include "domain/engine/dom.h"

typedef enum cov_state { COV_COVERED, COV_PARTIAL, COV_GAP, COV_EXCLUDED } cov_state;
extern const char *const cov_state_names[]; /* covered, partial, gap, excluded */

typedef struct cov_item {
    int64_t id; /* the requirement's */
    const char *key, *code, *title;
    const char *group; /* the code of its top-level ancestor */
    cov_state state;
    const char *why;      /* in a sentence: the controls and their states, or the exclusion */
    const char *controls; /* "CTL-1, CTL-4", or NULL */
    int64_t more;         /* controls mapped onto it besides those named (COV_NAMED named) */
} cov_item;

/* Controls a requirement's why names, the newest mapped; the rest counted. */
enum { COV_NAMED = 8 };

typedef struct cov_tally {
    const char *code, *title; /* the group; NULL for the whole framework */
    int n[4];                 /* by cov_state */
} cov_tally;

typedef struct cov_report {
    const char *framework, *framework_key, *title;
    const char *soa; /* the approved SoA whose exclusions count, or NULL */
    cov_item *items; /* the assessable requirements in force, in the framework's order */
    int nitems;
    cov_tally *groups;
    int ngroups;
    cov_tally total;
    int mapped; /* mappings of controls onto the framework */
} cov_report;

/* Percent of the requirements in scope (not excluded) that are covered;
 * partly covered ones count half in `weighted`. */
double cov_percent(const cov_tally *t);
double cov_weighted(const cov_tally *t);

/* The coverage of `framework` (key or name). Everything in the arena. The
 * state of each requirement from the kept figures (tallies_links.h) where
 * the schema keeps them, and its why from the newest COV_NAMED controls
 * mapped onto it (more: how many besides): the cost is the framework's
 * requirements', not the mappings'. Inside a write, or on an older
 * schema, from every mapping onto the framework and its controls. */
int dom_coverage(dom *d, const char *framework, cov_report *out, isms_err *e);

/* The coverage of every active framework that controls are mapped onto
 * (the dashboard's figures), in the frameworks' order. From the kept
 * figures (tallies_links.h) where the schema keeps them: it reads the
 * catalogues' requirements and the SoAs, not the controls and mappings,
 * and its items say no why and name no controls (both NULL). */
int dom_coverage_all(dom *d, cov_report **out, int *n, isms_err *e);

/* One suggestion: a requirement reached from one the control is mapped
 * onto, through `hops` crosswalks; path is "iso27001-2022:A.8.13 <-
 * csf-2.0:PR.DS-11 (intersects-with)". */
typedef struct map_suggestion {
    const char *ref; /* FRAMEWORK:ID */
    const char *title;
    const char *framework;
    const char *relationship; /* what the path suggests */
    const char *path;
    int hops;
} map_suggestion;

/* Requirements of other frameworks the crosswalks (built in, and the
 * repository's own requirement-to-requirement mappings) reach within
 * `depth` hops (1..3) from what control `control` is mapped onto, minus
 * those it is mapped onto already; by framework, then shortest path. */
int dom_map_suggest(dom *d, const char *control, int depth, map_suggestion **out, int *n,
                    isms_err *e);

typedef struct drift_item {
    const char *kind;    /* retired-control, applicability, implementation */
    const char *control; /* the control concerned */
    const char *what;    /* in a sentence, with the records that disagree */
} drift_item;

/* Every inconsistency: a requirement mapped onto a retired control; a
 * control behind requirements applicable in one current SoA and excluded
 * in another; an SoA stating an implementation its controls do not have,
 * or two SoAs stating different ones for the same control. */
int dom_drift(dom *d, drift_item **out, int *n, isms_err *e);

/* A Statement of Applicability as a document: its version, and one row
 * per requirement in the framework's order. */
typedef struct soa_row {
    const char *key;         /* the applicability record */
    const char *requirement; /* its key (REQ-n) */
    const char *ref;         /* FRAMEWORK:ID */
    const char *code, *title;
    int applicable;
    const char *justification, *implementation;
    const char *controls, *risks; /* comma-separated keys, or "" */
} soa_row;

typedef struct soa_doc {
    const char *key, *title, *framework, *status, *approved_by, *approved_at;
    soa_row *rows;
    int n;
    int applicable, excluded;
} soa_doc;

int dom_soa_doc(dom *d, const char *soa, soa_doc *out, isms_err *e);

/* The SoA in force for framework fw (its record id): the approved
 * statement or target profile, else the newest draft; *key NULL when
 * there is none. */
int dom_soa_in_force(dom *d, int64_t fw, const char **key, isms_err *e);
/* The same for the framework `framework` names (key or name); E_NOT_FOUND
 * when there is no such framework, or it has no SoA. */
int dom_soa_in_force_of(dom *d, const char *framework, const char **key, isms_err *e);
/* The same for one profile's series ("statement", "current", "target"). */
int dom_soa_profile_in_force(dom *d, int64_t fw, const char *profile, const char **key,
                             isms_err *e);
/* The newest `limit` SoAs of framework fw (its record id), newest first,
 * each handed to fn (whole, valid during the call; fn's non-zero stops
 * and is returned); by the index on the SoA's framework: what a form
 * offers to pick from, and the SoA in force, at the cost of the versions
 * read, however many a decade made. */
int dom_soa_versions(dom *d, int64_t fw, int64_t limit, store_record_fn fn, void *ctx, isms_err *e);

#endif
