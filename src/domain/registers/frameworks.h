/* frameworks.h: frameworks laid over the one internal control set: their
 * catalogues (framework, requirement), the mappings of controls and
 * requirements onto requirements (NIST IR 8477 relationships), and the
 * Statement of Applicability per framework (soa, applicability). */
#ifndef ISMS_DOMAIN_FRAMEWORKS_H
#define ISMS_DOMAIN_FRAMEWORKS_H

#include "domain/registers/fields.h"

struct dom;

/* An imported document's members isms keeps as JSON text: set by the
 * import, up to 16 MiB (a catalog's back-matter outgrows LONGTEXT). */
#define OSCAL_JSON(h)                                                                   \
    {                                                                                   \
        .name = "oscal", .type = FT_TEXT, .flags = FF_SYSTEM | FF_MULTILINE, .help = h, \
        .max = 16 << 20                                                                 \
    }

/* clang-format off: one line per field */
#define FRAMEWORK_FIELDS(X)                                                                       \
    X(F_FRAMEWORK_NAME,                                                                           \
      TEXT("name", FF_REQUIRED | FF_LIST | FF_UNIQUE | FF_FOLD,                                   \
           "short name; requirements are written NAME:ID (iso27001-2022:A.8.13)", 64))            \
    X(F_FRAMEWORK_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "the framework's full title", 300)) \
    X(F_FRAMEWORK_EDITION, TEXT("edition", FF_LIST, "edition or version", 100))                   \
    X(F_FRAMEWORK_PUBLISHER, TEXT("publisher", FF_LIST, "who publishes it", 200))                 \
    X(F_FRAMEWORK_LICENCE, TEXT("licence", 0, "what its licence lets isms hold of it", 300))      \
    X(F_FRAMEWORK_SOURCE, TEXT("source", 0, "where it comes from", 500))                          \
    X(F_FRAMEWORK_BUILTIN, BOOL("builtin", FF_SYSTEM, "no", "built into isms; fixed"))            \
    X(F_FRAMEWORK_UUID,                                                                           \
      TEXT("uuid", FF_SYSTEM, "the OSCAL document it was imported from (its uuid)", 100))         \
    X(F_FRAMEWORK_OSCAL, OSCAL_JSON("what OSCAL holds that isms has no field for: metadata, "     \
                                    "back-matter (JSON, written back on export)"))
FIELD_IDS(RN_FRAMEWORK, FRAMEWORK_FIELDS);

#define REQUIREMENT_FIELDS(X)                                                                  \
    X(F_REQUIREMENT_FRAMEWORK,                                                                 \
      REF("framework", FF_REQUIRED | FF_LIST, "framework", "the framework (key or name)"))     \
    X(F_REQUIREMENT_CODE,                                                                      \
      TEXT("code", FF_REQUIRED | FF_LIST,                                                      \
           "the id as the framework writes it (A.8.13, GV.OC-01, AC-2(1))", 100))              \
    X(F_REQUIREMENT_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "short title", 300))           \
    X(F_REQUIREMENT_PARENT, TEXT("parent", 0, "the id of the requirement it belongs to", 100)) \
    X(F_REQUIREMENT_LEVEL,                                                                     \
      TEXT("level", 0, "clause, control, function, category, subcategory, article, ...", 40))  \
    X(F_REQUIREMENT_STATEMENT,                                                                 \
      LONGTEXT("statement", 0, "the requirement's text, where its licence allows"))            \
    X(F_REQUIREMENT_BASELINES,                                                                 \
      ENUMSET("baselines", 0, "baseline", requirement_baselines, "requirement_baseline",       \
              "requirement", "baseline", "baselines that select it (NIST SP 800-53B)"))        \
    X(F_REQUIREMENT_ASSESSABLE,                                                                \
      BOOL("assessable", 0, "yes",                                                             \
           "counted by coverage and the SoA (a heading that only groups others is not)"))      \
    X(F_REQUIREMENT_WITHDRAWN, BOOL("withdrawn", 0, "no", "withdrawn by its publisher"))       \
    X(F_REQUIREMENT_BUILTIN, BOOL("builtin", FF_SYSTEM, "no", "built into isms; fixed"))       \
    X(F_REQUIREMENT_OSCAL, OSCAL_JSON("what OSCAL holds that isms has no field for: class, "   \
                                      "params, props, links, parts (JSON, written back)"))
FIELD_IDS(RN_REQUIREMENT, REQUIREMENT_FIELDS);

#define MAPPING_FIELDS(X)                                                                      \
    X(F_MAPPING_CONTROL, REF("control", FF_LIST, "control",                                    \
                             "the internal control mapped (none: a crosswalk from --source)")) \
    X(F_MAPPING_SOURCE, REF("source", FF_LIST, "requirement",                                  \
                            "the requirement mapped, for a crosswalk (FRAMEWORK:ID)"))         \
    X(F_MAPPING_TARGET,                                                                        \
      REF_AS("target", FF_REQUIRED | FF_LIST, "requirement", "to",                             \
             "the requirement mapped onto (FRAMEWORK:ID, e.g. iso27001-2022:A.8.13)"))         \
    X(F_MAPPING_RELATIONSHIP,                                                                  \
      ENUM("relationship", FF_REQUIRED | FF_LIST, mapping_relationships, NULL,                 \
           "NIST IR 8477: how the control (or source) relates to the requirement"))            \
    X(F_MAPPING_STRENGTH,                                                                      \
      INT("strength", FF_LIST, 1, 10, NULL, "how strongly they relate, 1 (weak) to 10"))       \
    X(F_MAPPING_RATIONALE, LONGTEXT("rationale", 0, "why they relate so"))
FIELD_IDS(RN_MAPPING, MAPPING_FIELDS);

#define SOA_FIELDS(X)                                                                          \
    X(F_SOA_FRAMEWORK, REF("framework", FF_REQUIRED | FF_LIST, "framework",                    \
                           "the framework whose requirements it states applicability of"))     \
    X(F_SOA_TITLE, TEXT("title", FF_LIST, "the statement's title", 300))                       \
    X(F_SOA_PROFILE, ENUM("profile", FF_LIST, soa_profiles, "statement",                       \
                          "statement (of applicability), or a CSF current or target profile")) \
    X(F_SOA_TIER, INT("tier", FF_LIST, 1, 4, NULL,                                             \
                      "CSF tier: 1 partial, 2 risk informed, 3 repeatable, 4 adaptive"))       \
    X(F_SOA_SERIES, TEXT("series", FF_SYSTEM,                                                  \
                         "framework and profile: the versions that "                           \
                         "supersede one another; set by isms",                                 \
                         100))                                                                 \
    X(F_SOA_NOTES, LONGTEXT("notes", 0, "what changed in this version, and why"))              \
    APPROVAL_FIELDS(X, F_SOA)
FIELD_IDS(RN_SOA, SOA_FIELDS);

#define APPLICABILITY_FIELDS(X)                                                                    \
    X(F_APPLICABILITY_SOA, REF("soa", FF_REQUIRED | FF_LIST | FF_PARENT, "soa",                    \
                               "the statement it belongs to (frozen with it when approved)"))      \
    X(F_APPLICABILITY_REQUIREMENT,                                                                 \
      REF("requirement", FF_REQUIRED | FF_LIST, "requirement", "the requirement (FRAMEWORK:ID)"))  \
    X(F_APPLICABILITY_APPLICABLE,                                                                  \
      BOOL("applicable", FF_LIST, "yes", "whether the requirement applies (ISO Cl. 6.1.3 d)"))     \
    X(F_APPLICABILITY_JUSTIFICATION,                                                               \
      LONGTEXT("justification", 0, "why it is included or excluded (required to exclude)"))        \
    X(F_APPLICABILITY_IMPLEMENTATION,                                                              \
      ENUM("implementation", FF_LIST, implementation_states, "planned",                            \
           "how far the controls behind it are implemented"))                                      \
    X(F_APPLICABILITY_CONTROLS, LINKS("controls", "control", "control", "applicability_control",   \
                                      "applicability", "control", "the controls behind it"))       \
    X(F_APPLICABILITY_RISKS, LINKS("risks", "risk", "risk", "applicability_risk", "applicability", \
                                   "risk", "the risks that call for it"))
FIELD_IDS(RN_APPLICABILITY, APPLICABILITY_FIELDS);
/* clang-format on */

extern const regdef reg_framework, reg_requirement, reg_mapping, reg_soa, reg_applicability;

extern const char *const requirement_baselines[]; /* high, low, moderate, privacy */
extern const char *const mapping_relationships[]; /* NIST IR 8477, fw_xwalk.rel indexes it */
extern const char *const implementation_states[]; /* planned, partial, implemented */
extern const char *const soa_profiles[];          /* statement, current, target */

/* A mapping's relationship as an index in mapping_relationships (4,
 * intersects-with, when unknown). */
int cov_relationship(const char *relationship);
/* What a control mapped onto a requirement with relationship `rel` gives
 * it: 2 all of it (implemented or operating, not partially effective,
 * equivalent, equal or superset), 1 part, 0 nothing (retired or
 * ineffective). */
int cov_contribution(int retired, const char *status, const char *effectiveness, int rel);

/* A framework as typed: its key (FW-2) or its name (iso27001-2022); a
 * requirement: its key (REQ-7) or FRAMEWORK:ID (iso27001-2022:A.8.13, the
 * id's case as typed or as the framework writes it). *id = 0 when there
 * is none; *key is the record's key. */
int framework_find(struct dom *d, const char *typed, int64_t *id, const char **key, int *retired,
                   isms_err *e);
int requirement_find(struct dom *d, const char *typed, int64_t *id, const char **key, int *retired,
                     isms_err *e);
/* A framework by its name ("iso27001-2022"), a requirement as
 * FRAMEWORK:ID ("iso27001-2022:A.8.13"): the names framework_find and
 * requirement_find take back (regdef.known_as). */
int framework_known_as(struct dom *d, const char *key, const char **out, isms_err *e);
int requirement_known_as(struct dom *d, const char *key, const char **out, isms_err *e);

/* The OSCAL control id of a requirement's code: an NCName ("AC-2(1)" ->
 * "ac-2.1" for SP 800-53, whose catalogue writes ids in lower case; "4.1"
 * -> "_4.1"; characters an id may not hold become '-'). requirement_find
 * finds a requirement by its OSCAL id too. The code itself travels in
 * OSCAL as the control's `label` prop. */
const char *requirement_oscal_id(arena *a, const char *framework, const char *code);

/* Seeds the built-in frameworks (framework_data.c) the repository lacks:
 * each framework and its requirements, each with its ledger entry, in the
 * caller's transaction (builtin.c calls it). */
int frameworks_seed(struct dom *d, const char *now, isms_err *e);

/* framework_seed.c's short road, for other bulk writers of trusted,
 * checked records (the OSCAL import): sets a value given; numbers the n
 * records of one register from its next key, inserts them and enters them
 * in the ledger, many to a statement, in the caller's transaction. */
void built_set_text(record *r, int fid, const char *text);
void built_set_int(record *r, int fid, int64_t i);
void requirement_set_baselines(record *r, unsigned bits, arena *a); /* FWB_* bits */
int records_add_built(struct dom *d, record *rs, int n, const char *now, isms_err *e);
/* A requirement record of framework fw (key fwkey) from a catalogue row
 * (framework_data.h), every field given. */
struct fw_req;
void requirement_build(struct dom *d, record *r, const struct fw_req *q, int64_t fw,
                       const char *fwkey, int builtin);

#endif
