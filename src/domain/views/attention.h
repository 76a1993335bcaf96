/* attention.h: what needs attention, listed in full.
 *
 * The dashboard counts what needs attention and names the first few risks
 * of each count (dashboard.h). Each of these lists is that count's risks,
 * all of them, a page at a time in key order (by id):
 *
 * - unquantified: active risks without figures in money (no FAIR input);
 * - outside-appetite: quantified risks whose latest analysis puts their
 *   annual loss outside the appetite;
 * - matrix-disagrees: quantified risks whose latest analysis lands more
 *   than one band from the risk's own matrix cell;
 * - untreated: risks to treat (treatment neither accept nor avoid: mitigate,
 *   transfer or undecided) that no control in place treats.
 *
 * The total is counted as the dashboard counts it (the kept figures, or
 * the latest analyses' index); a page is read by the same query the
 * dashboard's first keys come from, then each of its risks by id. A page
 * after or before a risk (store_page: the cursors the front ends give) is
 * read on from that risk's place in the list's index and costs what the
 * first does; one from an offset also reads the rows it passes. */
#ifndef ISMS_DOMAIN_VIEWS_ATTENTION_H
#define ISMS_DOMAIN_VIEWS_ATTENTION_H

#include "domain/engine/dom.h"
#include "domain/views/dashboard.h"

typedef enum att_list {
    ATT_UNQUANTIFIED,
    ATT_OUTSIDE_APPETITE,
    ATT_MATRIX_DISAGREES,
    ATT_UNTREATED,
    ATT_NLISTS
} att_list;

/* "unquantified", "outside-appetite", "matrix-disagrees", "untreated". */
extern const char *const att_list_names[];

enum {
    ATT_PAGE = 50,      /* risks a page by default */
    ATT_PAGE_MAX = 500, /* at most */
};

typedef struct dom_attention {
    att_list list;
    const char *what; /* "risks not quantified (no figures in money)" */
    const char *why;  /* what the list is for, and what to do */
    int64_t total;    /* every risk of the list */
    int64_t offset;   /* of the first row among them (as the caller said) */
    int limit;        /* rows a page */
    dash_risk *rows;  /* the page, by id */
    int n;
    /* The cursors of the next and the previous page (query.h), or NULL. */
    const char *next, *prev;
    char computed_at[21];
} dom_attention;

/* The list named `name`, or E_INVALID naming the field "list" and the
 * lists there are (the message in d's arena). */
int att_list_parse(dom *d, const char *name, att_list *out, isms_err *e);

/* The page `at` of the list (store_page: its limit 1..ATT_PAGE_MAX, 0:
 * ATT_PAGE; from its offset, or after or before a risk's id, its offset
 * then the place of the page's first row as the caller counts it), and
 * its total, in the dom's arena. E_INVALID naming offset, after, before or
 * limit; E_CONFLICT on a repository whose schema does not keep the figures
 * the lists need (opened read-only before its upgrade). */
int dom_attention_read(dom *d, att_list list, const store_page *at, dom_attention *out,
                       isms_err *e);

#endif
