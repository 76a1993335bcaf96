/* db_sqlite_vfs.h: the file layer isms's SQLite connections use: SQLite's
 * own, with statement journals written in pieces it accepts
 * (db_sqlite_vfs.c says why). */
#ifndef ISMS_STORE_DB_SQLITE_VFS_H
#define ISMS_STORE_DB_SQLITE_VFS_H

/* Registers the layer as SQLite's default, once per process, after the
 * sqlite3_config calls and before the first connection. Returns an SQLite
 * result code; on failure connections use SQLite's default layer as it is. */
int sq_vfs_register(void);

#endif
