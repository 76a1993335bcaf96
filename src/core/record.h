/* record.h: how isms describes its registers, and one record of any of them.
 *
 * Every register (risks, controls, assets, ...) is a table of field
 * descriptors (regdef). One generic engine reads these tables to parse CLI
 * flags and API bodies, validate, store, render JSON and human tables, and
 * write the ledger, so that adding a field is a one-line change and every
 * register behaves the same way. Rules particular to one register (residual
 * risk not above inherent, an owner who exists, no dependency cycles) live
 * in the domain layer, in the register's `check` hook.
 *
 * A record's memory (strings, link arrays) belongs to an arena supplied by
 * whoever reads or builds it. */
#ifndef ISMS_CORE_RECORD_H
#define ISMS_CORE_RECORD_H

#include "core/arena.h"
#include "core/err.h"

#include <stdint.h>

typedef enum ftype {
    FT_TEXT,    /* UTF-8 text */
    FT_INT,     /* whole number within [min, max] */
    FT_MONEY,   /* integer minor units of the organisation's currency */
    FT_BOOL,    /* 0 or 1 */
    FT_DATE,    /* YYYY-MM-DD */
    FT_TIME,    /* YYYY-MM-DDTHH:MM:SSZ */
    FT_ENUM,    /* one of `choices` */
    FT_REF,     /* one record of register `target`, stored as its id, shown as its key */
    FT_LINKS,   /* a set of records of `target`, kept in `link_table` */
    FT_ENUMSET, /* a set of `choices`, kept in `link_table` */
    FT_DIST,    /* a probability distribution as text, "pert(1,2,6)" (risk/dist.h) */
} ftype;

enum {
    FF_REQUIRED = 1 << 0,  /* must be given on add */
    FF_LIST = 1 << 1,      /* a column of the human list table */
    FF_SYSTEM = 1 << 2,    /* set by isms (workflow), never directly by a user */
    FF_UNIQUE = 1 << 3,    /* no two records share the value */
    FF_MULTILINE = 1 << 4, /* newlines allowed */
    FF_FOLD = 1 << 5,      /* stored lower-case (emails) */
    FF_DYNMAX = 1 << 6,    /* FT_INT whose maximum is the organisation's matrix size */
    FF_PARENT = 1 << 7,    /* FT_REF: the record belongs to the one it names (a decision to
                               its review): it cannot change while that one is frozen */
    FF_SORTED = 1 << 8,    /* a list column people sort by (a state, a level, an amount): an
                               index keeps a sorted page flat (store_list_sorted) */
};

typedef struct fielddef {
    const char *name; /* JSON name and SQL column, snake_case */
    ftype type;
    unsigned flags;
    const char *help;
    const char *const *choices;     /* FT_ENUM, FT_ENUMSET: NULL-terminated */
    const char *const *choice_help; /* what each choice means, beside choices (NULL: none) */
    const char *target;             /* FT_REF, FT_LINKS: register name */
    const char *link_table;         /* FT_LINKS, FT_ENUMSET */
    const char *link_src;           /* column naming this record in link_table */
    const char *link_dst;           /* column naming the target (or holding the enum) */
    int64_t min, max;               /* FT_INT bounds; FT_TEXT: max = byte length (0: 64 KiB) */
    const char *flag;               /* CLI flag when not the name with '-' for '_' */
    const char *deflt;              /* value on add when not given, as CLI text */
    /* A field added to its register later: the migration that adds its
     * column ("0025_"). A repository at an older schema (ISMS_MIGRATE_UNTIL,
     * a test aid) has none: the store reads it as null and writes it not. */
    const char *since;
} fielddef;

struct dom;
struct record;

enum {
    REG_SINGLETON = 1 << 0, /* exactly one record (the organisation profile) */
    REG_NO_RETIRE = 1 << 1, /* cannot be retired (the organisation profile) */
    REG_SYSTEM = 1 << 3,    /* records are made by isms's workflows, not added by hand */
};

/* ---- lifecycles: the states a record moves through, as data ----
 *
 * A register with a lifecycle has a state field (FT_ENUM, FF_SYSTEM, its
 * choices the lifecycle's states, its default the first). The state
 * changes only through the transitions below, each a verb (`isms scope
 * approve SCOPE-2`, later an HTTP route) done by the principal, who must
 * hold the role it names. One generic function performs any of them
 * (dom_transition); lifecycle_check() says whether a table makes sense. */
enum {
    LC_SUPERSEDES = 1 << 0, /* the record of the same group already in `to` moves to the
                                lifecycle's `superseded` state (a new version replaces it) */
    LC_FREEZES = 1 << 1,    /* in `to` the record, and those that belong to it (FF_PARENT),
                                can no longer change: only transitions and retirement */
    LC_FOUR_EYES = 1 << 2,  /* whoever made the record may not do this */
    LC_BY_OWNER = 1 << 3,   /* only the record's owner, or the isms-lead, may do this (as
                                they may change it: principal_may_write) */
};

/* The role needed when it depends on a value of the record: records whose
 * field (transition.role_field) holds `value` need `role`. */
typedef struct lc_role_by {
    const char *value;
    const char *role;
} lc_role_by;

typedef struct transition {
    const char *verb;          /* the CLI verb and the ledger op: "approve" */
    const char *from, *to;     /* states */
    const char *role;          /* who may do it (a role name); NULL: anyone acting ... */
    int role_field;            /* ... unless the role depends on this field's value (id), */
    const lc_role_by *role_by; /* as this table says (ends with a NULL value) */
    unsigned flags;            /* LC_* */
    int stamp_by;              /* person field (id) set to whoever did it (0: none) */
    int stamp_at;              /* time field (id) set to when (0: none) */
    int needs;                 /* a field (id) that must be set before it (0: none) */
    int awaits;                /* a field (id) that must be empty before it: while set,
                                   something is still awaited (an incident's next report
                                   to the authority; 0: none) */
    const char *help;          /* one line for --help and for refusals */
} transition;

typedef struct lifecycle {
    int field;                 /* the state field (id) */
    const char *const *states; /* NULL-terminated; the first is where records start */
    const transition *transitions;
    int ntransitions;
    int group;              /* LC_SUPERSEDES: records with the same value of this
                                        field (id; a reference or a text) replace one another
                                        (0: the whole register) */
    const char *superseded; /* LC_SUPERSEDES: the state a replaced record moves to */
} lifecycle;
/* A field's compile-time id: the number of its register (regdef.num) above
 * its index in the register's table. Each register's fields are listed once
 * and the list makes both the table and the enum of ids (F_RISK_TITLE, ...;
 * domain/registers/fields.h), so a misspelt field fails the build and a
 * field of another register is caught at run time by the accessors below.
 * Id 0 is no field (register numbers start at 1). */
#define FIELD_ID(regnum, index) ((regnum) << 8 | (index))
#define FIELD_REGNUM(id) ((id) >> 8)
#define FIELD_MAX 256 /* fields per register (the index's byte) */

typedef struct regdef {
    int num;                /* 1..: the register's number in its fields' ids */
    const char *name;       /* "risk": CLI noun, SQL table, ledger entity */
    const char *plural;     /* "risks": export section, API collection */
    const char *key_prefix; /* "RISK": keys are RISK-1, RISK-2, ... */
    const char *summary;    /* one line for --help */
    const fielddef *fields;
    int nfields;
    unsigned flags;
    int label;                  /* id of the field that names a record to people */
    const lifecycle *lifecycle; /* its states and transitions, or NULL */
    /* Register-specific rules, run inside the write transaction after the
     * generic checks; `old` is NULL on add. May adjust `r` (derived fields). */
    int (*check)(struct dom *d, struct record *r, const struct record *old, isms_err *e);
    /* Finds a record by what people type when it is more than a key (a
     * framework's name, a requirement as FRAMEWORK:ID), or NULL: keys
     * only. Sets *id (0: none), *key and *retired. */
    int (*find)(struct dom *d, const char *typed, int64_t *id, const char **key, int *retired,
                isms_err *e);
    /* What people call record `key` where its key says too little and its
     * label is no name (a requirement's FRAMEWORK:ID, which find takes
     * back), in the dom's arena; *out NULL when there is none; or NULL:
     * key and label say it. */
    int (*known_as)(struct dom *d, const char *key, const char **out, isms_err *e);
    /* What else a reference to it may be typed as, besides its key, for a
     * form's hint ("FRAMEWORK:ID", "e-mail"), or NULL: its key alone. */
    const char *typed_as;
} regdef;

typedef struct value {
    unsigned char given; /* set in this request (updates change only these) */
    unsigned char null;  /* no value */
    int64_t i;           /* FT_INT, FT_MONEY, FT_BOOL; FT_REF: the target's id */
    const char *s;       /* FT_TEXT, FT_DATE, FT_TIME, FT_ENUM; FT_REF: the target's key */
    int n;               /* FT_LINKS, FT_ENUMSET: number of members */
    const char **keys;   /* FT_LINKS: member keys; FT_ENUMSET: members, sorted */
    int64_t *ids;        /* FT_LINKS: member ids, ascending */
    /* A set in a change (an update) may say what to add and remove rather
     * than the whole set: delta set, keys[] the members to add, removed[]
     * those to remove; the update applies them to the set as it stands. */
    unsigned char delta;
    int nremoved;
    const char **removed;
} value;

typedef struct record {
    const regdef *reg;
    int64_t id;      /* 0 until stored */
    const char *key; /* "RISK-1" */
    int64_t version; /* 1 on add, +1 per change: optimistic concurrency */
    const char *created_at, *updated_at;
    const char *retired_at; /* NULL while active */
    value *v;               /* reg->nfields values */
} record;

/* A record of `reg` with every value null, its memory from `a`. */
void record_init(record *r, const regdef *reg, arena *a);
/* Deep copy into `a`. */
void record_copy(record *dst, const record *src, arena *a);

/* Index of the field called `name` (JSON/SQL name or CLI flag), or -1: for
 * names that come from outside (CLI flags, JSON keys, imports). Code that
 * names a field uses its id. */
int regdef_field(const regdef *reg, const char *name);
/* The CLI flag of a field ("residual-likelihood"), in static storage per field. */
const char *field_flag(const fielddef *f, char *dst, size_t n);

/* The index in reg's table of field `fid`, and its descriptor; abort when
 * fid is not a field of reg (a programming error). */
int field_index(const regdef *reg, int fid);
const fielddef *field_def(const regdef *reg, int fid);

/* Value accessors by field id; abort when fid is not a field of r's
 * register (a programming error). */
value *record_val(record *r, int fid);
const value *record_cval(const record *r, int fid);
const char *record_text(const record *r, int fid); /* NULL if null */
int64_t record_int(const record *r, int fid);      /* 0 if null */
void record_set_text(record *r, int fid, const char *s, arena *a);

/* The transition `verb` of reg's lifecycle that leaves state `from` (NULL:
 * any state), or NULL. */
const transition *regdef_transition(const regdef *reg, const char *verb, const char *from);

/* Does `choices` contain `s`? Returns the index or -1. */
int choice_index(const char *const *choices, const char *s);
/* The choices as words: "a, b or c" (in a). */
const char *choices_text(arena *a, const char *const *choices);

#endif
