/* pq.h: libpq, loaded when the first PostgreSQL repository is opened.
 *
 * Linked in, libpq makes every isms command pay for it before main: the
 * dynamic loader maps and relocates its dependency chain (GSSAPI and
 * Kerberos, LDAP, SASL, GnuTLS, OpenSSL: some 12 million instructions,
 * three quarters of a `risk show` on SQLite). So isms does not link it:
 * db_pg.c calls libpq through the pointers below, which pq_load() fills
 * (dlopen of libpq.so.5, then dlsym) the first time a PostgreSQL target is
 * used. A SQLite command never loads it. The macros keep db_pg.c written
 * as plain libpq calls; a libpq function db_pg.c starts to use is added to
 * ISMS_PQ_FUNCTIONS (else the build fails to link, as nothing provides
 * it). */
#ifndef ISMS_STORE_PQ_H
#define ISMS_STORE_PQ_H

#include "core/err.h"

#include <libpq-fe.h>

/* clang-format off */
#define ISMS_PQ_FUNCTIONS(X) \
    X(PQclear) \
    X(PQconnectdbParams) \
    X(PQconninfoFree) \
    X(PQconninfoParse) \
    X(PQenterPipelineMode) \
    X(PQerrorMessage) \
    X(PQexec) \
    X(PQexecParams) \
    X(PQexecPrepared) \
    X(PQexitPipelineMode) \
    X(PQfinish) \
    X(PQfreemem) \
    X(PQgetResult) \
    X(PQgetisnull) \
    X(PQgetvalue) \
    X(PQnfields) \
    X(PQntuples) \
    X(PQpipelineSync) \
    X(PQprepare) \
    X(PQresultErrorField) \
    X(PQresultStatus) \
    X(PQsendPrepare) \
    X(PQsendQueryParams) \
    X(PQsendQueryPrepared) \
    X(PQsetNoticeProcessor) \
    X(PQstatus) \
    X(PQtransactionStatus)
/* clang-format on */

typedef struct pq_api {
#define ISMS_PQ_POINTER(name) __typeof__(name) *name;
    ISMS_PQ_FUNCTIONS(ISMS_PQ_POINTER)
#undef ISMS_PQ_POINTER
} pq_api;

extern pq_api pq;

/* Loads libpq once; later calls return at once. E_UNAVAILABLE, naming the
 * library and why, when it cannot be loaded. */
int pq_load(isms_err *e);

#ifndef ISMS_PQ_NO_MACROS
#define PQclear pq.PQclear
#define PQconnectdbParams pq.PQconnectdbParams
#define PQconninfoFree pq.PQconninfoFree
#define PQconninfoParse pq.PQconninfoParse
#define PQenterPipelineMode pq.PQenterPipelineMode
#define PQerrorMessage pq.PQerrorMessage
#define PQexec pq.PQexec
#define PQexecParams pq.PQexecParams
#define PQexecPrepared pq.PQexecPrepared
#define PQexitPipelineMode pq.PQexitPipelineMode
#define PQfinish pq.PQfinish
#define PQfreemem pq.PQfreemem
#define PQgetResult pq.PQgetResult
#define PQgetisnull pq.PQgetisnull
#define PQgetvalue pq.PQgetvalue
#define PQnfields pq.PQnfields
#define PQntuples pq.PQntuples
#define PQpipelineSync pq.PQpipelineSync
#define PQprepare pq.PQprepare
#define PQresultErrorField pq.PQresultErrorField
#define PQresultStatus pq.PQresultStatus
#define PQsendPrepare pq.PQsendPrepare
#define PQsendQueryParams pq.PQsendQueryParams
#define PQsendQueryPrepared pq.PQsendQueryPrepared
#define PQsetNoticeProcessor pq.PQsetNoticeProcessor
#define PQstatus pq.PQstatus
#define PQtransactionStatus pq.PQtransactionStatus
#endif

#endif
