/* db_pg.c: the PostgreSQL driver (libpq). Not yet implemented: a
 * postgres:// repository is refused with a clear message until it is. */
#include "store/db.h"

static int pg_open(const char *target, int create, db **out, isms_err *e)
{
    (void)target; (void)create; (void)out;
    return err_set(e, E_UNAVAILABLE, "repository",
                   "PostgreSQL repositories are not supported by this build yet");
}

const db_driver db_pg_driver = {
    .name = "postgres",
    .id_column = "BIGINT PRIMARY KEY",
    .open = pg_open,
};
