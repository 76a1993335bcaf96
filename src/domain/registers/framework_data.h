/* framework_data.h: the built-in framework catalogues, as compiled data
 * (framework_data.c, generated at build time into the build directory by
 * scripts/gen-frameworks.py from data/frameworks/; the binary reads no
 * file at run time).
 *
 * Requirements of one framework are contiguous in fw_reqs[], parents
 * before their children; crosswalks pair two of them by index. */
#ifndef ISMS_DOMAIN_FRAMEWORK_DATA_H
#define ISMS_DOMAIN_FRAMEWORK_DATA_H

typedef struct fw_builtin {
    const char *name; /* short name: requirement references are name:code */
    const char *title, *version, *publisher, *licence, *source;
    int first, n; /* its requirements: fw_reqs[first .. first + n) */
} fw_builtin;

enum { FWB_LOW = 1, FWB_MODERATE = 2, FWB_HIGH = 4, FWB_PRIVACY = 8 }; /* fw_req.baselines */
enum { FWR_WITHDRAWN = 1, FWR_ASSESSABLE = 2 };                        /* fw_req.flags */

typedef struct fw_req {
    const char *code;   /* as the framework writes it: A.8.13, GV.OC-01, AC-2(1) */
    const char *parent; /* the parent's code, or NULL */
    const char *level;  /* clause, control, function, category, subcategory, ... */
    const char *title;
    const char *statement; /* where the licence allows, else NULL */
    unsigned char baselines, flags;
} fw_req;

/* A crosswalk: requirement `from` relates to `to` as relationship `rel`
 * (an index into mapping_relationships[]: NIST IR 8477). */
typedef struct fw_xwalk {
    int from, to;
    int rel;
} fw_xwalk;

extern const fw_builtin fw_builtins[];
extern const int fw_nbuiltins;
extern const fw_req fw_reqs[];
extern const int fw_nreqs;
extern const fw_xwalk fw_xwalks[];
extern const int fw_nxwalks;

#endif
