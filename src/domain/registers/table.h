/* table.h: shorthand for the field lists of the family headers (org.h,
 * risks.h, ...), so that each field stays one line. Only the family .c
 * files, which expand the lists into tables, include it: the names are
 * short and generic. */
#ifndef ISMS_DOMAIN_REGISTERS_TABLE_H
#define ISMS_DOMAIN_REGISTERS_TABLE_H

#include "domain/registers/fields.h"
#include "risk/qual.h"

#define NFIELDS(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* A register's identity in its regdef: number, noun, plural, key prefix. */
#define REG_NAMES(n, noun, plural_, prefix) \
    .num = (n), .name = (noun), .plural = (plural_), .key_prefix = (prefix)
/* A register's field table in its regdef. */
#define REG_FIELDS(table) .fields = (table), .nfields = NFIELDS(table)
/* A register, defined once: its field table, made from its family
 * header's list (NAME_FIELDS), and its regdef reg_<name>. `name` is its
 * noun, NAME the same in capitals (RN_NAME, NAME_FIELDS), then its plural,
 * key prefix, label field and summary; any further regdef members follow
 * (.check = rules_name, .flags = ..., .lifecycle = ...). */
#define REGISTER(name, NAME, plural_, prefix, label_, summary_, ...)                             \
    static const fielddef name##_fields[] = FIELD_TABLE(NAME##_FIELDS);                          \
    const regdef reg_##name = { REG_NAMES(RN_##NAME, #name, plural_, prefix), .label = (label_), \
                                .summary = (summary_), REG_FIELDS(name##_fields), __VA_ARGS__ }
/* A number as the text of a default: TEXT_OF(RISK_MATRIX_MAX) is "5". */
#define TEXT_OF_(x) #x
#define TEXT_OF(x) TEXT_OF_(x)

#define TEXT(n, fl, h, cap)                                            \
    {                                                                  \
        .name = n, .type = FT_TEXT, .flags = fl, .help = h, .max = cap \
    }
#define LONGTEXT(n, fl, h)                                                                \
    {                                                                                     \
        .name = n, .type = FT_TEXT, .flags = (fl) | FF_MULTILINE, .help = h, .max = 65536 \
    }
#define INT(n, fl, lo, hi, d, h)                                                            \
    {                                                                                       \
        .name = n, .type = FT_INT, .flags = fl, .min = lo, .max = hi, .deflt = d, .help = h \
    }
#define ENUM(n, fl, c, d, h)                                                         \
    {                                                                                \
        .name = n, .type = FT_ENUM, .flags = fl, .choices = c, .deflt = d, .help = h \
    }
/* A choice whose every value is explained (web forms and --help show it). */
#define ENUM_EXPLAINED(n, fl, c, ch, h)                                                     \
    {                                                                                       \
        .name = n, .type = FT_ENUM, .flags = fl, .choices = c, .choice_help = ch, .help = h \
    }
#define REF(n, fl, tgt, h)                                               \
    {                                                                    \
        .name = n, .type = FT_REF, .flags = fl, .target = tgt, .help = h \
    }
/* A reference set by an option of another name (--to for target). */
#define REF_AS(n, fl, tgt, opt, h)                                                    \
    {                                                                                 \
        .name = n, .type = FT_REF, .flags = fl, .target = tgt, .flag = opt, .help = h \
    }
#define OWNER(fl, h) REF("owner", fl, "person", h)
#define MONEY(n, fl, h)                                     \
    {                                                       \
        .name = n, .type = FT_MONEY, .flags = fl, .help = h \
    }
#define DATE(n, h)                            \
    {                                         \
        .name = n, .type = FT_DATE, .help = h \
    }
/* A date added to its register by a later migration (fielddef.since). */
#define DATE_SINCE(n, mig, h)                               \
    {                                                       \
        .name = n, .type = FT_DATE, .since = mig, .help = h \
    }
/* A date with flags: required, a list column. */
#define DATE_FLAGGED(n, fl, h)                             \
    {                                                      \
        .name = n, .type = FT_DATE, .flags = fl, .help = h \
    }
#define TIME(n, fl, h)                                     \
    {                                                      \
        .name = n, .type = FT_TIME, .flags = fl, .help = h \
    }
#define BOOL(n, fl, d, h)                                              \
    {                                                                  \
        .name = n, .type = FT_BOOL, .flags = fl, .deflt = d, .help = h \
    }
#define DIST(n, h)                                         \
    {                                                      \
        .name = n, .type = FT_DIST, .help = h, .max = 2000 \
    }
#define LEVEL(n, fl, h)                                                                         \
    {                                                                                           \
        .name = n, .type = FT_INT, .flags = (fl) | FF_DYNMAX, .min = 1, .max = RISK_MATRIX_MAX, \
        .help = h                                                                               \
    }
#define LINKS(n, f, tgt, tbl, src, dst, h)                                                         \
    {                                                                                              \
        .name = n, .type = FT_LINKS, .flag = f, .target = tgt, .link_table = tbl, .link_src = src, \
        .link_dst = dst, .help = h                                                                 \
    }
#define ENUMSET(n, fl, f, c, tbl, src, dst, h)                                                  \
    {                                                                                           \
        .name = n, .type = FT_ENUMSET, .flags = fl, .flag = f, .choices = c, .link_table = tbl, \
        .link_src = src, .link_dst = dst, .help = h                                             \
    }

#endif
