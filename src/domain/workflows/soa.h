/* soa.h: the Statement of Applicability, generated from the data.
 *
 * ISO/IEC 27001 Cl. 6.1.3 d asks for a statement of the necessary
 * controls, why each is included, whether it is implemented, and why any
 * is excluded. isms writes it from what it knows: a new draft version of
 * the framework's SoA (soa register) with one applicability record per
 * assessable requirement in force: the controls mapped onto it, the risks
 * those treat, how far they are implemented (all implemented or operating
 * and not partially effective: implemented; some: partial; none:
 * planned). Judgement is carried over from the version in force (approved,
 * else the newest draft): whether each requirement applies and the
 * justification, which people then edit (isms applicability update) before
 * the management body approves the version (isms soa approve). */
#ifndef ISMS_DOMAIN_SOA_H
#define ISMS_DOMAIN_SOA_H

#include "domain/engine/dom.h"

/* Generates a draft SoA of `framework` (key or name) in one transaction;
 * `title` NULL: "Statement of Applicability: NAME". *out is the soa
 * record, *entries how many applicability records it has. */
int dom_soa_generate(dom *d, const char *framework, const char *title, record *out, int *entries,
                     isms_err *e);

#endif
