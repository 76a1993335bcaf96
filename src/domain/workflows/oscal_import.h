/* oscal_import.h: OSCAL documents, read by formats/oscal.h, into the
 * repository: a catalog (or a resolved profile) as a framework with its
 * requirements, a mapping collection as mappings. One transaction with
 * the ledger entries; nothing is written when anything is refused or the
 * import is interrupted. */
#ifndef ISMS_DOMAIN_OSCAL_IMPORT_H
#define ISMS_DOMAIN_OSCAL_IMPORT_H

#include "domain/engine/dom.h"
#include "formats/oscal.h"

#include <signal.h>
#include <stdint.h>

typedef struct oscal_import_opts {
    const char *framework; /* --framework: its name (new) or the one to update */
    const char *source;    /* the file, recorded as the framework's source */
    int profile;           /* the catalog is a profile's resolution */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *ctx;
    const volatile sig_atomic_t *cancel;
} oscal_import_opts;

typedef struct oscal_import_result {
    const char *framework; /* FW-n */
    const char *name;      /* its short name */
    int created;           /* a new framework, or an update */
    int added, updated, retired, unchanged;
    /* a profile imported for an existing framework: its new draft SoA, how
     * many requirements apply and how many not, and the ids the profile
     * selects that the framework does not hold */
    const char *soa;
    int applicable, excluded, unmatched;
} oscal_import_result;

/* A catalog as a framework (new, or the one its uuid or --framework names,
 * updated). A profile's resolution (o->profile) for a framework that
 * exists and that the profile did not make (--framework names it) is
 * instead that framework's applicability selection: a new draft SoA whose
 * requirements apply when the profile selects them (by OSCAL id, in any
 * case; SP 800-53's ac-2.1 is AC-2(1)) and are excluded otherwise, each
 * justified by the profile's title (docs/OSCAL.md). */
int oscal_import_catalog(dom *d, const oscal_catalog *c, const oscal_import_opts *o,
                         oscal_import_result *res, isms_err *e);

/* Each pair a crosswalk mapping, source of framework `from` onto target of
 * `to` (their short names); a missing requirement or a relationship
 * outside NIST IR 8477 is refused naming the pair's place in the file. */
int oscal_import_mappings(dom *d, const oscal_mappings *m, const char *from, const char *to,
                          const oscal_import_opts *o, oscal_import_result *res, isms_err *e);

/* Each defined component a control (title and description; owner: the
 * person `owner` names), each of its implemented requirements a mapping
 * of that control onto framework:control-id, intersects-with (a
 * component implements its part of a control), its description the
 * rationale. res->added counts the mappings, res->updated the controls. */
int oscal_import_components(dom *d, const oscal_components *k, const char *framework,
                            const char *owner, const oscal_import_opts *o, oscal_import_result *res,
                            isms_err *e);

#endif
