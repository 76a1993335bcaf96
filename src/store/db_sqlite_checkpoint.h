/* db_sqlite_checkpoint.h: a SQLite repository's write-ahead log copied
 * back into its file by a thread of its own, not by the commit that fills
 * the log (db_sqlite_checkpoint.c says why). */
#ifndef ISMS_STORE_DB_SQLITE_CHECKPOINT_H
#define ISMS_STORE_DB_SQLITE_CHECKPOINT_H

#include <sqlite3.h>

typedef struct sq_checkpointer sq_checkpointer;

/* Takes over the checkpoints of `writer`, a read-write connection to the
 * file at `path` (copied): its commits from now on only wake a thread,
 * started at the first full log. The caller keeps `writer` and must call
 * sq_checkpointer_stop before closing it. Without a thread (none could
 * be started) the writer checkpoints itself, as SQLite would. */
sq_checkpointer *sq_checkpointer_start(sqlite3 *writer, const char *path);

/* Waits for a checkpoint under way, ends the thread and frees c (NULL:
 * nothing). What is still in the log is the writer's to copy when it
 * closes, as the last connection. */
void sq_checkpointer_stop(sq_checkpointer *c);

/* Checkpoints made by checkpointer threads in this process, for tests. */
unsigned long sq_checkpoints_beside(void);

#endif
