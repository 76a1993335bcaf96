/* oscal_export.h: the repository as NIST OSCAL 1.2.1 JSON (docs/OSCAL.md).
 *
 *   catalog   the internal control set (the control register), grouped by
 *             control type; with a framework: that framework's catalogue
 *             (its requirements, nested by parent)
 *   profile   a framework's Statement of Applicability (the approved
 *             version, else the newest draft; without one, every
 *             assessable requirement in force), importing the framework's
 *             catalogue through a back-matter resource
 *   ssp       a system security plan for a framework: the organisation and
 *             its scope, assets as components, people as parties, one
 *             implemented requirement per requirement in the profile with
 *             its status (from coverage) and the controls behind it
 *   mapping   the mapping collection of the internal control set onto a
 *             framework (or onto every framework controls are mapped onto),
 *             with the NIST IR 8477 relationships; with a source framework,
 *             its crosswalks instead
 *
 * Everything is read first, so bad input (a framework that does not exist,
 * a profile without a requirement that applies) fails before a byte is
 * written; then the document is streamed to the file (formats/jsonw.h).
 * The document's uuid is random (v4); every other uuid is derived from a
 * stable name (v5 layout, SHA-256 based), so exporting again, or after a
 * round trip through import, gives the same uuids to the same things. */
#ifndef ISMS_DOMAIN_VIEWS_OSCAL_EXPORT_H
#define ISMS_DOMAIN_VIEWS_OSCAL_EXPORT_H

#include "domain/engine/dom.h"
#include "formats/oscal.h" /* OSCAL_ISMS_NS */

#include <stdio.h>

#define OSCAL_VERSION "1.2.1"

extern const char *const oscal_export_models[]; /* catalog, profile, ssp, mapping */

/* What to write: the model (one of oscal_export_models); the framework
 * (key or name; NULL: the internal catalog, or the mapping onto every
 * framework); for a mapping, the source framework whose crosswalks are
 * written (NULL: the controls). */
typedef struct oscal_export_spec {
    const char *model, *framework, *source;
} oscal_export_spec;

int dom_oscal_export(dom *d, const oscal_export_spec *spec, FILE *f, isms_err *e);

/* A random (v4) uuid, and one derived from `name` (version 5 and the RFC
 * 4122 variant set on the first 128 bits of SHA-256("isms-oscal:" name)). */
void oscal_uuid_random(char out[37]);
void oscal_uuid_named(const char *name, char out[37]);

#endif
