/* links.h: the records that point at one record, so that a record shown
 * leads on to what depends on it, the same in every front end:
 *
 *   a risk        the controls that treat it, its acceptances, its latest analysis
 *   an objective  the risks that threaten it, its appetite statements
 *   a person      every record they own, approved or accepted, and the
 *                 drafts waiting for an approval they may give
 *   any record    every active record whose reference or link names it
 */
#ifndef ISMS_DOMAIN_LINKS_H
#define ISMS_DOMAIN_LINKS_H

#include "domain/engine/dom.h"

typedef struct dom_backlink {
    const regdef *reg;       /* the record pointing here: its register, */
    const fielddef *field;   /* the field that does, */
    const char *key, *label; /* its key and what people call it */
    int more; /* more records refer here through this field, not listed (after `limit`) */
} dom_backlink;

/* A draft waiting for a transition the person may make. */
typedef struct dom_approval {
    const regdef *reg;
    const char *key, *label;
    const char *verb; /* "approve" */
    /* more records wait for the same transition, not listed (after
     * `limit`): those of reg whose state field is `from` */
    int more;
    const fielddef *state;
    const char *from;
} dom_approval;

typedef struct dom_backlinks {
    dom_backlink *links; /* register by register, in the registers' order, then by key */
    int n;
    /* a risk's latest analysis, when it has one */
    const char *analysis;        /* QNT-n */
    const char *analysed_at;     /* when it was run */
    int64_t mean_loss, p95_loss; /* minor units, current residual */
    int outside_appetite;
    /* a person's open approvals */
    dom_approval *approvals;
    int napprovals;
} dom_backlinks;

/* The first `limit` referring records of each register and field (0:
 * every one; a page shows DOM_BACKLINKS_SHOWN and leads to the list of
 * the rest, so that it costs the same whatever refers here), and what
 * else (a person's open approvals: the first `limit` of each transition
 * alike); fills *out for record r, everything in the dom's arena. */
enum { DOM_BACKLINKS_SHOWN = 20 };
int dom_backlinks_of(dom *d, const record *r, int limit, dom_backlinks *out, isms_err *e);

/* One line naming record r to people, for its heading: its label (after
 * the name people type where its key says too little, as dom_label), or
 * for a record with no name of its own what it links (a mapping: "CTL-1
 * Immutable offline backups onto iso27001-2022:A.8.13 Information backup
 * (equal-to)"); NULL when there is none (a label of several lines). In
 * the dom's arena. */
const char *dom_record_title(dom *d, const record *r);

/* ---- what of a person's is due ---- */

/* A date field that says when something is due: a review, a target, an
 * expiry; or a time field, a deadline by the hour (an incident's next
 * report to an authority). */
int dom_field_is_due(const fielddef *f);

typedef struct dom_due_item {
    const regdef *reg;
    const fielddef *who, *when; /* the person field naming them, the date due */
    const char *key, *label, *date;
} dom_due_item;

typedef struct dom_due {
    dom_due_item *items; /* earliest first */
    int n;
    int more; /* more are due than listed */
} dom_due;

/* The records naming `person` (their owner, who accepted them) whose due
 * date is at most `upto`, earliest first, at most `limit` of them: each
 * register's person field and due date read from the front of its index
 * (0020_due.sql), so the cost is the rows listed, not what the person
 * owns. Nothing is due of a record in a final state of its lifecycle (a
 * decision carried out: lifecycle_final), nor of the person a workflow
 * stamped (decided_by: who acted, not who must). In the dom's arena. */
int dom_due_of(dom *d, const record *person, const char *upto, int limit, dom_due *out,
               isms_err *e);

#endif
