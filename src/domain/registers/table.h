/* table.h: shorthand for the family files (org.c, risks.c, ...) that write
 * the registers' field tables, so that each field stays one line. Only
 * those files include it: the names are short and generic. */
#ifndef ISMS_DOMAIN_REGISTERS_TABLE_H
#define ISMS_DOMAIN_REGISTERS_TABLE_H

#include "core/record.h"

#define NFIELDS(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define TEXT(n, fl, h, cap) {.name = n, .type = FT_TEXT, .flags = fl, .help = h, .max = cap}
#define LONGTEXT(n, h) {.name = n, .type = FT_TEXT, .flags = FF_MULTILINE, .help = h, .max = 65536}
#define ENUM(n, fl, c, d, h) {.name = n, .type = FT_ENUM, .flags = fl, .choices = c, .deflt = d, .help = h}
#define OWNER(fl, h) {.name = "owner", .type = FT_REF, .flags = fl, .target = "person", .help = h}
#define MONEY(n, h) {.name = n, .type = FT_MONEY, .help = h}
#define DATE(n, h) {.name = n, .type = FT_DATE, .help = h}
#define BOOL(n, d, h) {.name = n, .type = FT_BOOL, .deflt = d, .help = h}
#define DIST(n, h) {.name = n, .type = FT_DIST, .help = h, .max = 2000}
#define LEVEL(n, fl, h) {.name = n, .type = FT_INT, .flags = (fl) | FF_DYNMAX, .min = 1, .max = 5, .help = h}
#define LINKS(n, f, tgt, tbl, src, dst, h) \
    {.name = n, .type = FT_LINKS, .flag = f, .target = tgt, .link_table = tbl, \
     .link_src = src, .link_dst = dst, .help = h}

#endif
