/* soa.h: the Statement of Applicability, generated from the data.
 *
 * ISO/IEC 27001 Cl. 6.1.3 d asks for a statement of the necessary
 * controls, why each is included, whether it is implemented, and why any
 * is excluded. isms writes it from what it knows: a new draft version of
 * the framework's SoA (soa register) with one applicability record per
 * assessable requirement in force: the controls mapped onto it, the risks
 * those treat, how far they are implemented (all implemented or operating
 * and not partially effective: implemented; some: partial; none:
 * planned). Judgement is carried over from the version in force of the
 * same series (framework and profile; approved, else the newest draft):
 * whether each requirement applies and the
 * justification, which people then edit (isms applicability update) before
 * the management body approves the version (isms soa approve). */
#ifndef ISMS_DOMAIN_SOA_H
#define ISMS_DOMAIN_SOA_H

#include "domain/engine/dom.h"

/* What to generate: the framework (key or name); the profile
 * ("statement", the default, or a CSF "current" or "target" profile) and
 * its tier ("1".."4"), as text from the user (NULL: none); the title
 * (NULL: "Statement of Applicability: NAME", or "Current profile: NAME"). */
/* What a selection says of one requirement beyond whether it applies
 * (NULL: the spec's justifications, the implementation found). */
typedef struct soa_said {
    const char *why, *implementation;
} soa_said;

typedef struct soa_spec {
    const char *framework, *profile, *tier, *title;
    const char *level; /* only requirements of this level ("control": ISO's Annex A), or NULL */
    /* A selection (an imported OSCAL profile: oscal_import.h) decides what
     * applies instead of the version in force: selects(ctx, requirement
     * key, said), with the justifications it gives either way unless it
     * says its own (and the implementation status). NULL: none. */
    int (*selects)(void *ctx, const char *requirement, soa_said *said);
    void *ctx;
    const char *selected_why, *unselected_why;
} soa_spec;

/* Generates a draft of the spec's series in one transaction. *out is the
 * soa record, *entries how many applicability records it has. */
int dom_soa_generate(dom *d, const soa_spec *spec, record *out, int *entries, isms_err *e);

#endif
