/* governance.c: the management review and decision registers
 * (governance.h): their vocabulary, lifecycles and rules. */
#include "domain/registers/registers.h"
#include "domain/registers/table.h"

#include <string.h>

static const char *const decision_bodies[] = { "management-body", "supervisory-board",
                                               "risk-committee",  "audit-committee",
                                               "isms-committee",  NULL };
static const char *const decision_kinds[] = { "fund",  "accept",  "approve", "direct",
                                              "defer", "decline", NULL };
const char *const decision_statuses[] = { "proposed", "decided", "carried-out", NULL };

/* A decision is proposed (by the ISMS lead, or an owner for what they
 * own), recorded as decided by a member of the management body other than
 * the one who proposed it, and then frozen: what the body decided stays as
 * it was minuted, and a change of mind is a new decision. Whoever carries
 * it out (its owner) says when it is done. */
static const transition decision_transitions[] = {
    { .verb = "decide",
      .from = "proposed",
      .to = "decided",
      .role = "management-body",
      .flags = LC_FREEZES | LC_FOUR_EYES,
      .stamp_by = F_DECISION_DECIDED_BY,
      .stamp_at = F_DECISION_DECIDED_AT,
      .help = "record that the body took this decision as it now reads (a member of the "
              "management body, not the one who proposed it): it can no longer change" },
    { .verb = "complete",
      .from = "decided",
      .to = "carried-out",
      .flags = LC_FREEZES | LC_BY_OWNER,
      .stamp_at = F_DECISION_CARRIED_OUT_AT,
      .help = "say that the decision has been carried out (its owner, or the isms-lead)" },
};
static const lifecycle decision_lifecycle = { .field = F_DECISION_STATUS,
                                              .states = decision_statuses,
                                              .transitions = decision_transitions,
                                              .ntransitions = NFIELDS(decision_transitions) };

const char *const review_statuses[] = { "planned", "held", "approved", NULL };

/* A review is planned, its inputs assembled from the data (isms review
 * inputs, again as often as wanted until it is held), recorded as held by
 * whoever prepared it, and its minutes approved by a member of the
 * management body other than whoever made the record: then it is frozen. */
static const transition review_transitions[] = {
    { .verb = "hold",
      .from = "planned",
      .to = "held",
      .flags = LC_BY_OWNER,
      .needs = F_REVIEW_INPUTS,
      .help = "record that the review was held on the inputs isms assembled (isms review inputs "
              "first; its owner, or the isms-lead)" },
    { .verb = "approve",
      .from = "held",
      .to = "approved",
      .role = "management-body",
      .flags = LC_FREEZES | LC_FOUR_EYES,
      .stamp_by = F_REVIEW_APPROVED_BY,
      .stamp_at = F_REVIEW_APPROVED_AT,
      .help = "approve the minutes (a member of the management body, not whoever made the "
              "record): the review can no longer change" },
};
static const lifecycle review_lifecycle = { .field = F_REVIEW_STATUS,
                                            .states = review_statuses,
                                            .transitions = review_transitions,
                                            .ntransitions = NFIELDS(review_transitions) };

REGISTER(review, REVIEW, "reviews", "REV", F_REVIEW_TITLE,
         "management reviews (ISO/IEC 27001 Cl. 9.3): the inputs isms assembles from the data, "
         "the minutes, their approval; decisions name the review that takes them",
         .lifecycle = &review_lifecycle);

REGISTER(decision, DECISION, "decisions", "DEC", F_DECISION_TITLE,
         "decisions of the management body and its committees: the risks and figures they rest "
         "on, the money they allocate, who carries them out",
         .check = rules_decision, .lifecycle = &decision_lifecycle);

int review_held(const char *status)
{
    return status && (!strcmp(status, "held") || !strcmp(status, "approved"));
}

int decision_taken(const char *status)
{
    return status && (!strcmp(status, "decided") || !strcmp(status, "carried-out"));
}

int decision_rests_on_risk(const record *r)
{
    return record_cval(r, F_DECISION_RISKS)->n > 0 || !record_cval(r, F_DECISION_ANALYSIS)->null;
}

/* ---- rules ---- */

/* What each kind of decision must say: a decision to fund, how much; one
 * to accept risks, which; one that declines or defers, no money (the sum
 * asked for belongs in the proposal), so that the money a register says
 * was allocated is money the body allocated. */
int rules_decision(struct dom *d, record *r, const record *old, isms_err *e)
{
    (void)d;
    (void)old;
    const char *kind = record_text(r, F_DECISION_KIND);
    const value *amount = record_cval(r, F_DECISION_AMOUNT);
    if (!kind)
        return 0;
    if (!strcmp(kind, "fund") && (amount->null || amount->i <= 0))
        return err_set(e, E_INVALID, "amount",
                       "amount: a decision to fund says how much money it allocates");
    if (!strcmp(kind, "accept") && !record_cval(r, F_DECISION_RISKS)->n)
        return err_set(e, E_INVALID, "risks",
                       "risks: a decision to accept risks names them (record each acceptance "
                       "with isms risk accept)");
    if ((!strcmp(kind, "decline") || !strcmp(kind, "defer")) && !amount->null && amount->i)
        return err_set(e, E_INVALID, "amount",
                       "amount: a decision to %s allocates no money (say the sum asked for in "
                       "the proposal)",
                       kind);
    return 0;
}
