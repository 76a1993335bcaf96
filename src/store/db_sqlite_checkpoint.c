/* db_sqlite_checkpoint.c: checkpoints beside the writer.
 *
 * In WAL mode a commit appends its pages to the log (and, synchronous=FULL,
 * syncs the log: that is when it is durable). By default the commit that
 * takes the log past 1,000 pages then also copies every page of the log
 * back into the file and waits for the disk to hold them (a checkpoint).
 * On a small repository those pages are few and near each other. On a
 * large one each add touches pages far apart (a title lands anywhere in
 * the title index), and the waits grew with the file: adding 20,000 risks
 * to a million spent 2.24 s of 5.6 s in 66 checkpoint syncs, against 0.47 s
 * at 10,000 risks.
 *
 * So a writer's commits only wake a thread that checkpoints through a
 * connection of its own, PASSIVE: it copies what no reader still needs and
 * never blocks the writer or a reader. The writer goes on while the disk
 * works. Durability is unchanged: a commit is durable when its log is
 * synced, with or without this thread; a crash in the middle of a
 * checkpoint leaves the log to be copied again at the next open.
 *
 * A log of STARTOVER_PAGES (the thread never quite caught up with a busy
 * writer, or readers hold old snapshots) makes the writer checkpoint
 * itself, as SQLite would have, so that the log stays bounded. */
#include "store/db_sqlite_checkpoint.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

enum {
    DUE_PAGES = 1000,           /* SQLite's own autocheckpoint threshold */
    STARTOVER_PAGES = 4 * 1000, /* 16 MB of 4 KB pages: the writer catches up */
};

struct sq_checkpointer {
    char *path;
    sqlite3 *writer; /* the caller's */
    sqlite3 *conn;   /* the thread's, opened at its first checkpoint */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int started; /* the thread runs */
    int alone;   /* no thread could be had: the writer checkpoints itself */
    int due;     /* a commit filled the log since the last checkpoint began */
    int last;    /* the log's pages when a checkpoint was last due (the writer's) */
    int stop;
};

static atomic_ulong beside;

unsigned long sq_checkpoints_beside(void) { return atomic_load(&beside); }

/* The thread's connection. It must read the file once before it can
 * checkpoint: until it has seen the header's WAL mark, it takes the file
 * for one without a log, and its checkpoints do nothing at all. */
static int connect(sq_checkpointer *c)
{
    if (c->conn)
        return 0;
    if (sqlite3_open_v2(c->path, &c->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) ==
            SQLITE_OK &&
        sqlite3_exec(c->conn, "PRAGMA schema_version", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    sqlite3_close(c->conn); /* the writer's STARTOVER_PAGES still bounds the log */
    c->conn = NULL;
    return -1;
}

static void checkpoint_once(sq_checkpointer *c)
{
    if (connect(c))
        return;
    if (sqlite3_wal_checkpoint_v2(c->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) ==
        SQLITE_OK)
        atomic_fetch_add(&beside, 1);
}

static void *run(void *arg)
{
    sq_checkpointer *c = arg;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        while (!c->due && !c->stop)
            pthread_cond_wait(&c->wake, &c->lock);
        if (c->stop)
            break; /* the writer's close copies what is left */
        c->due = 0;
        pthread_mutex_unlock(&c->lock);
        checkpoint_once(c);
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* Wakes the thread, starting it the first time; 0, or -1 when the writer
 * must checkpoint itself. */
static int wake(sq_checkpointer *c)
{
    pthread_mutex_lock(&c->lock);
    if (!c->started && !c->alone) {
        if (pthread_create(&c->thread, NULL, run, c) == 0)
            c->started = 1;
        else
            c->alone = 1;
    }
    c->due = 1;
    pthread_cond_signal(&c->wake);
    int alone = c->alone;
    pthread_mutex_unlock(&c->lock);
    return alone ? -1 : 0;
}

/* sqlite3_wal_hook's callback: after each commit, with the log's pages.
 * A checkpoint is due each DUE_PAGES the log grows by, not at every commit
 * past DUE_PAGES (one a commit made 600 checkpoints, 1,200 more fdatasyncs,
 * of 400 single adds). While the writer goes on, the thread's checkpoints
 * never quite catch up, so the log is never started over and grows (to
 * 56 MB over 400 single adds, each sync of a longer file slower): past
 * STARTOVER_PAGES the writer copies what the thread has not yet, mostly
 * its last transaction, and its next transaction starts the log over. */
static int committed(void *arg, sqlite3 *writer, const char *schema, int pages)
{
    sq_checkpointer *c = arg;
    if (pages < c->last)
        c->last = 0; /* the log started over */
    if (pages >= STARTOVER_PAGES) {
        sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK; /* a checkpoint that could not run is no failure of the commit */
    }
    if (pages - c->last < DUE_PAGES)
        return SQLITE_OK;
    c->last = pages;
    if (wake(c))
        sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

sq_checkpointer *sq_checkpointer_start(sqlite3 *writer, const char *path)
{
    sq_checkpointer *c = xcalloc(1, sizeof *c);
    c->path = xstrdup(path);
    c->writer = writer;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    sqlite3_wal_hook(writer, committed, c); /* replaces SQLite's autocheckpoint */
    return c;
}

void sq_checkpointer_stop(sq_checkpointer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_cond_signal(&c->wake);
    int started = c->started;
    pthread_mutex_unlock(&c->lock);
    if (started)
        pthread_join(c->thread, NULL);
    sqlite3_wal_hook(c->writer, NULL, NULL);
    sqlite3_close(c->conn);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    free(c->path);
    free(c);
}
