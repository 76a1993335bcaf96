/* context.h: the context of the organisation (ISO/IEC 27001 Cl. 4): the
 * ISMS scope, internal and external issues, interested parties. */
#ifndef ISMS_DOMAIN_CONTEXT_H
#define ISMS_DOMAIN_CONTEXT_H

#include "domain/registers/fields.h"

/* clang-format off: one line per field */
#define SCOPE_FIELDS(X)                                                                  \
    X(F_SCOPE_STATEMENT,                                                                 \
      LONGTEXT("statement", FF_REQUIRED, "the scope statement (ISO/IEC 27001 Cl. 4.3)")) \
    X(F_SCOPE_BOUNDARIES,                                                                \
      LONGTEXT("boundaries", 0,                                                          \
               "organisational, physical and technical boundaries and interfaces"))      \
    X(F_SCOPE_EXCLUSIONS, LONGTEXT("exclusions", 0, "what is excluded, and why"))        \
    APPROVAL_FIELDS(X, F_SCOPE)
FIELD_IDS(RN_SCOPE, SCOPE_FIELDS);
/* clang-format on */

/* clang-format off: one line per field */
#define CONTEXT_FIELDS(X)                                                                       \
    X(F_CONTEXT_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "the issue in a line", 300))        \
    X(F_CONTEXT_KIND, ENUM("kind", FF_REQUIRED | FF_LIST, issue_kinds, NULL,                    \
                           "internal or external issue (Cl. 4.1)"))                             \
    X(F_CONTEXT_CATEGORY,                                                                       \
      ENUM("category", FF_LIST, issue_categories, NULL, "PESTLE category, or an internal one")) \
    X(F_CONTEXT_DESCRIPTION, LONGTEXT("description", 0, "what the issue is"))                   \
    X(F_CONTEXT_EFFECT,                                                                         \
      LONGTEXT("effect", 0, "how it affects the ISMS and its intended outcomes"))               \
    X(F_CONTEXT_OWNER, OWNER(FF_LIST, "who watches this issue"))                                \
    X(F_CONTEXT_REVIEW_DATE, DATE("review_date", "next review"))
FIELD_IDS(RN_CONTEXT, CONTEXT_FIELDS);
/* clang-format on */

/* clang-format off: one line per field */
#define STAKEHOLDER_FIELDS(X)                                                                     \
    X(F_STAKEHOLDER_NAME, TEXT("name", FF_REQUIRED | FF_LIST, "the interested party", 200))       \
    X(F_STAKEHOLDER_TYPE,                                                                         \
      ENUM("type", FF_REQUIRED | FF_LIST, stakeholder_types, NULL, "kind of interested party"))   \
    X(F_STAKEHOLDER_REQUIREMENTS,                                                                 \
      LONGTEXT("requirements", 0,                                                                 \
               "their requirements relevant to information security (Cl. 4.2)"))                  \
    X(F_STAKEHOLDER_ADDRESSED_BY,                                                                 \
      LONGTEXT("addressed_by", 0, "how the ISMS addresses those requirements"))                   \
    X(F_STAKEHOLDER_RELEVANCE,                                                                    \
      ENUM("relevance", FF_LIST, relevance_levels, "medium", "how much they matter to the ISMS")) \
    X(F_STAKEHOLDER_CONTACT, TEXT("contact", 0, "contact point", 300))                            \
    X(F_STAKEHOLDER_OWNER, OWNER(FF_LIST, "who manages the relationship"))
FIELD_IDS(RN_STAKEHOLDER, STAKEHOLDER_FIELDS);
/* clang-format on */

extern const regdef reg_scope, reg_context, reg_stakeholder;

#endif
