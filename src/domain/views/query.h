/* query.h: list filters as a front end receives them, turned into a store
 * query by the domain, so that the CLI's `--owner omar@acme.example` and
 * the web's `?owner=omar@acme.example` select the same records. */
#ifndef ISMS_DOMAIN_QUERY_H
#define ISMS_DOMAIN_QUERY_H

#include "domain/engine/dom.h"

/* One filter as given: a field of the register and the text to match. */
typedef struct dom_filter_arg {
    int field; /* index into the register's fields */
    const char *text;
} dom_filter_arg;

/* Can records be selected by the value of field f? (A set field, links or
 * roles, by a member: `risk list --objective OBJ-2`; not by distributions
 * or long texts.) */
int dom_filterable(const fielddef *f);

/* Adds one store filter per argument to q: the text parsed and checked as
 * input is (fields only the workflows set may be searched on too), a
 * reference resolved to its record (a key, or a person's e-mail address;
 * retired records included); a set field's members each select the
 * records whose set holds it (several: all of them). The filters live in the dom's arena.
 * E_INVALID for a bad value, E_NOT_FOUND for a reference to nothing. */
int dom_query_filters(dom *d, const regdef *reg, const dom_filter_arg *args, int n, store_query *q,
                      isms_err *e);

/* The furthest place in a list a front end takes (an offset, a cursor's
 * N): beyond any list, since no register holds 2^43 records (the search
 * index's rids, store/words.c), and near enough to zero that a place and
 * a page added, or a probe of twice that many rows, stay an int64_t. */
#define DOM_PLACE_MAX ((int64_t)1 << 53)

/* A page's cursor, as the front ends give it to name the pages around a
 * page of a list (the web's "Next", the API's next_cursor): "N", N rows in
 * (at->offset, read past them); "NaID", the page after record #ID; "NbID",
 * the one before it (N then where the page starts, for people: "51-100 of
 * 900"); N at most DOM_PLACE_MAX. E_USAGE naming "cursor" for any other
 * text. */
int dom_cursor_parse(const char *text, store_page *at, isms_err *e);
/* The cursors of the pages after and before one that starts `offset` rows
 * into `total`, of n rows (limit a page) from record #first to #last:
 * *next and *prev in a, NULL where there is no such page. */
void dom_cursors(arena *a, int64_t offset, int64_t n, int64_t limit, int64_t total, int64_t first,
                 int64_t last, const char **next, const char **prev);

#endif
