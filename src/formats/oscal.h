/* oscal.h: NIST OSCAL documents read into plain data (no jansson here, so
 * the domain can take what the readers give).
 *
 * oscal_load reads a file and tells its model by its root key; the
 * readers then give a catalog (groups and controls as one flat list of
 * items, parents first), a mapping collection (pairs with their IR 8477
 * relationship) or a component definition (implemented requirements).
 * A profile is resolved into a catalog first (oscal_profile_resolve).
 * Errors name the file and the JSON pointer of the place; what is usable
 * but odd gives a warning instead. Memory comes from the caller's arena. */
#ifndef ISMS_FORMATS_OSCAL_H
#define ISMS_FORMATS_OSCAL_H

#include "core/arena.h"
#include "core/err.h"

typedef enum oscal_model {
    OSCAL_CATALOG,
    OSCAL_PROFILE,
    OSCAL_COMPONENT_DEFINITION,
    OSCAL_MAPPING_COLLECTION,
    OSCAL_SYSTEM_SECURITY_PLAN,
    OSCAL_ASSESSMENT_PLAN,
    OSCAL_ASSESSMENT_RESULTS,
    OSCAL_POAM,
    OSCAL_NMODELS
} oscal_model;

const char *oscal_model_name(oscal_model m); /* its root key: "catalog" */

/* Warnings gathered while reading: "FILE: /pointer: what". */
typedef struct oscal_warnings {
    const char **msgs;
    int n;
    size_t cap;
} oscal_warnings;

/* A loaded document: the parsed tree stays behind `tree` (opaque here). */
typedef struct oscal_doc {
    const char *path; /* as named in messages */
    oscal_model model;
    const char *version; /* its metadata's oscal-version */
    void *tree;          /* json_t * of the whole file */
    void *pool;          /* js_pool * its values are in (oscal_load_pooled), or NULL */
    oscal_warnings *warn;
    arena *a;
} oscal_doc;

int oscal_load(const char *path, oscal_doc *doc, oscal_warnings *w, arena *a, isms_err *e);
/* The same, the tree in a pool of its own (js_parse_pooled): faster to
 * build and to free, for a document that nothing outlives (what is read
 * from it, or a resolved profile's references into it, dropped first). */
int oscal_load_pooled(const char *path, oscal_doc *doc, oscal_warnings *w, arena *a, isms_err *e);
/* The same from bytes in memory (fuzzing, tests). */
int oscal_load_bytes(const char *text, size_t len, const char *path, oscal_doc *doc,
                     oscal_warnings *w, arena *a, isms_err *e);
void oscal_doc_free(oscal_doc *doc);

/* The namespace of isms's own props (status, owner, SoA, ...). */
#define OSCAL_ISMS_NS "urn:isms:oscal"

/* A group or a control of a catalog. */
typedef struct oscal_item {
    const char *id, *title;
    const char *parent;    /* the id of the group or control it is in, or NULL */
    const char *level;     /* its class, else "group", "control" or "enhancement" */
    const char *label;     /* its label prop ("AC-2(1)"), or NULL */
    const char *statement; /* its statement part as text, or NULL */
    const char *extra;     /* JSON object of the members isms has no field for */
    int group, withdrawn, depth, nparams;
    int unassessed; /* isms's own prop "assessable" is "no" (an isms export's heading) */
    /* An isms SoA exported as a profile: the control's isms prop
     * "implementation-status", its value and its remarks (why it applies) */
    const char *soa_implementation, *soa_why;
} oscal_item;

/* An exclusion an isms SoA exported as a profile states: the excluded
 * control's id and why (the profile's isms metadata prop "excluded"). */
typedef struct oscal_exclusion {
    const char *id, *why;
} oscal_exclusion;

typedef struct oscal_catalog {
    const char *uuid, *title, *version, *oscal_version, *published, *last_modified;
    const char *publisher; /* the first party of role creator or publisher */
    const char *baseline;  /* low, moderate, high, privacy: a NIST baseline's title says so */
    const char *extra;     /* JSON: metadata isms has no field for, params, back-matter */
    oscal_item *items;
    int n;
    size_t cap;
    int ngroups, ncontrols, nparams, nwithdrawn;
    oscal_exclusion *excluded;
    int nexcluded;
} oscal_catalog;

int oscal_catalog_read(const oscal_doc *doc, oscal_catalog *out, isms_err *e);

/* A profile resolved as NIST's profile-resolution specification says: a
 * new catalog document (model OSCAL_CATALOG) in *out. Imports are found
 * relative to the importing file; `fallback` (may be NULL) is the catalog
 * used, with a warning, for an import whose file does not exist. */
int oscal_profile_resolve(const oscal_doc *profile, const char *fallback, oscal_doc *out,
                          isms_err *e);

/* One source-target pair of a mapping collection. */
typedef struct oscal_pair {
    const char *source, *target; /* the id-refs */
    const char *relationship;    /* as written: the importer checks it is IR 8477's */
    const char *rationale;       /* remarks, or NULL */
    int strength;                /* 1..10 from confidence-score, or 0 */
    const char *where;           /* "FILE: /mapping-collection/mappings/0/maps/3" */
} oscal_pair;

typedef struct oscal_mappings {
    const char *uuid, *title;
    const char *source_href, *target_href; /* the first mapping's resources */
    oscal_pair *pairs;
    int n;
    size_t cap;
} oscal_mappings;

int oscal_mapping_read(const oscal_doc *doc, oscal_mappings *out, isms_err *e);

/* An implemented requirement of a defined component. */
typedef struct oscal_impl {
    const char *component;   /* the component's title */
    const char *type;        /* its type (software, service, policy, ...) */
    const char *description; /* the component's description */
    const char *source;      /* the control implementation's source (catalog or profile href) */
    const char *control_id;  /* the requirement implemented */
    const char *statement;   /* how: the implemented requirement's description */
    const char *where;
} oscal_impl;

typedef struct oscal_components {
    const char *uuid, *title;
    oscal_impl *impls;
    int n, ncomponents;
    size_t cap;
} oscal_components;

int oscal_component_read(const oscal_doc *doc, oscal_components *out, isms_err *e);

#endif
