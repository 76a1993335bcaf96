/* dom_internal.h: what the domain's own modules share. */
#ifndef ISMS_DOMAIN_INTERNAL_H
#define ISMS_DOMAIN_INTERNAL_H

#include "domain/engine/dom.h"
#include "risk/qual.h"

struct dom {
    store *st;
    principal self;    /* the process: the OS account, or the creator (heap strings);
                          the account's actor is NULL until looked up (dom_who) */
    principal who;     /* who acts now: self, or the request's (dom_begin); its actor
                          is NULL only while it is self's, not yet looked up */
    char *who_text[3]; /* the request principal's strings, owned (the caller may
                                reset the arena mid-request: a bulk load does) */
    arena a;           /* the request's memory, reset by dom_end */
    int transitioning; /* inside dom_transition: the state may change */
    int confirmed;     /* the request confirms what would be refused as unintended */
    int user_write;    /* the next add or change is a person's own (dom_add, dom_update,
                          dom_retire, dom_org_set): principal_may_write decides */
    /* Every field's error of an add or change, not only the first
     * (dom_errors_collect), in the arena. */
    int collecting;
    dom_field_error *errors;
    int nerrors;
    size_t errors_cap;
    /* The records an add or change refers to, found at once before its
     * checks resolve them one by one (mutate.c); empty outside them. */
    store_ref *found;
    int nfound, found_next;
    char **warnings; /* the request's (heap: a bulk load may reset the arena) */
    int nwarnings;
    int *warned;        /* how many times each was given (a repeat is counted, not added) */
    size_t *warned_len; /* the length of each as first given, before its count */
    int upgraded_from;
    /* Organisation settings, loaded on first use, dropped when it changes. */
    int org_loaded;
    /* An error in a read that cannot return one (the organisation settings
     * behind dom_matrix_size() and friends): kept here, and the write it
     * happened in fails with it at dom_txn_end() instead of committing. */
    int fault;
    isms_err fault_err;
    int matrix;
    int exponent;
    char currency[8];
    char *labels[2][RISK_MATRIX_MAX + 1]; /* [0] likelihood, [1] impact; 1-based levels */
    /* Values computed from the repository at ledger head cache_head
     * (cache.c), in their own memory. */
    char cache_head[65];
    arena cache;
    struct dom_cache_entry *cached;
    int ncached;
    size_t cache_bytes;             /* of the texts kept (dom_cached_text) */
    int in_cache;                   /* computing a value: nested ones share its memory */
    struct dom_cache_old *outdated; /* memory of values dropped during the request */
};

/* The end of a request: the memory of values dropped during it goes. */
void dom_cache_end(dom *d);
/* Drops every cached value at once (dom_close). */
void dom_cache_drop(dom *d);

/* A warning for whoever made the request (dom_warnings). */
void dom_warn(dom *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Forgets the cached organisation settings (after the profile changes). */
void dom_org_forget(dom *d);
/* A set's members' keys, comma-separated ("OBJ-1, OBJ-2"), in the arena. */
const char *dom_joined(dom *d, const value *v);

/* The bodies of mutations, inside a transaction the caller holds (so that
 * workflows can make several changes atomically). dom_add_in_txn adds `in`
 * (its values validated, workflow-only fields allowed);
 * dom_change_in_txn reads record `key`, lets `fn` change a copy, checks
 * the result, and writes it with ledger operation `op` (nothing when the
 * change changes nothing). */
typedef int (*dom_mutate_fn)(dom *d, record *r, const void *arg, isms_err *e);
int dom_add_in_txn(dom *d, record *in, record *out, isms_err *e);
int dom_change_in_txn(dom *d, const regdef *reg, const char *key, int64_t if_version,
                      dom_mutate_fn fn, const void *arg, const char *op, record *out, isms_err *e);

/* The lifecycle's rules for any change of a record (lifecycle.c): its state
 * moves only by a transition, starts at the first state, and a frozen
 * record (or one whose FF_PARENT record is frozen) does not change. */
int lifecycle_guard(dom *d, const record *r, const record *old, isms_err *e);

/* Writes a ledger entry for a record as it now stands in the store. */
int dom_ledger_record(dom *d, const record *r, const char *op, isms_err *e);

/* dom_set_text(), under the name the domain's own callers (defaults,
 * catalogues, workflows) use; what they set is validated without the
 * refusal of workflow-only fields (dom_add_in_txn). */
int dom_set_value(dom *d, record *r, int f, const char *text, isms_err *e);

/* Seeds the built-in catalogues a repository of schema version `schema`
 * has, those it lacks (builtin.c): all of them in a new repository, the
 * newer ones in an upgraded one. */
int builtin_seed(dom *d, int schema, isms_err *e);

#endif
