/* review.h: the inputs of a management review, assembled from the data.
 *
 * ISO/IEC 27001 Cl. 9.3.2 lists what a management review considers: the
 * actions of earlier reviews, changes in the issues and the interested
 * parties, feedback on performance, the results of risk assessment and
 * treatment, opportunities for improvement. Most of it is in the
 * repository; isms writes it into the review as text, with when and from
 * which ledger entry, so that the minutes rest on what the body saw that
 * day and the ledger keeps it. */
#ifndef ISMS_DOMAIN_REVIEW_H
#define ISMS_DOMAIN_REVIEW_H

#include "domain/engine/dom.h"

/* Assembles the inputs of review `key` (planned, not yet held) as they
 * stand now and writes them into it (inputs, inputs_at: one ledger entry,
 * op "inputs"), as the one acting, who must be its owner or the ISMS lead.
 * *out: the review as written. */
int dom_review_inputs(dom *d, const char *key, record *out, isms_err *e);

#endif
