/* db_sqlite_vfs.c: SQLite's default file layer with one change.
 *
 * A statement inside a transaction (each add of a batch, an upgrade's
 * UPDATE of every risk) keeps the original of every page it changes in a
 * statement journal, held in memory up to the allowance set by
 * SQLITE_CONFIG_STMTJRNL_SPILL (db_sqlite.c: 16 MB, 2.5 times the rate
 * of a batch of adds against SQLite's default 64 KB). Past it, SQLite
 * (3.40, memjournal.c) writes what it holds to a temporary file in pieces
 * the size of the allowance, one write call each, and the unix layer
 * (os_unix.c) writes at most 128 KB - 1 bytes in a call: the rest of the
 * length is masked away, the write comes back short and SQLite reports a
 * full disk with no system error. Every statement whose journal outgrew an
 * allowance above 128 KB failed so.
 *
 * This layer is the default one except that a statement journal's file
 * takes each write in pieces of at most PIECE bytes. Every other file
 * (the repository, its log and shared memory, temporary tables) is opened
 * by the default layer into the same space and never passes through here. */
#include "store/db_sqlite_vfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

enum { PIECE = 64 * 1024 };

/* A statement journal's file: ours in front, the default layer's behind. */
typedef struct piece_file {
    sqlite3_file base;
    sqlite3_file *real; /* just after this struct, in the space SQLite gave */
} piece_file;

static sqlite3_vfs layer;
static sqlite3_vfs *below;

#define REAL(f) (((piece_file *)(f))->real)

static int piece_close(sqlite3_file *f)
{
    sqlite3_file *real = REAL(f);
    return real->pMethods->xClose(real);
}

static int piece_read(sqlite3_file *f, void *to, int n, sqlite3_int64 at)
{
    return REAL(f)->pMethods->xRead(REAL(f), to, n, at);
}

static int piece_write(sqlite3_file *f, const void *from, int n, sqlite3_int64 at)
{
    const char *p = from;
    while (n > 0) {
        int piece = n < PIECE ? n : PIECE;
        int rc = REAL(f)->pMethods->xWrite(REAL(f), p, piece, at);
        if (rc != SQLITE_OK)
            return rc;
        p += piece;
        at += piece;
        n -= piece;
    }
    return SQLITE_OK;
}

static int piece_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int piece_sync(sqlite3_file *f, int flags)
{
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int piece_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int piece_lock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int piece_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int piece_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int piece_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int piece_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }

static int piece_traits(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

/* Version 1: a statement journal is never memory-mapped nor shared. */
static const sqlite3_io_methods piece_methods = {
    .iVersion = 1,
    .xClose = piece_close,
    .xRead = piece_read,
    .xWrite = piece_write,
    .xTruncate = piece_truncate,
    .xSync = piece_sync,
    .xFileSize = piece_size,
    .xLock = piece_lock,
    .xUnlock = piece_unlock,
    .xCheckReservedLock = piece_reserved,
    .xFileControl = piece_control,
    .xSectorSize = piece_sector,
    .xDeviceCharacteristics = piece_traits,
};

static int layer_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    if (!(flags & SQLITE_OPEN_SUBJOURNAL))
        return below->xOpen(below, name, f, flags, out);
    piece_file *p = (piece_file *)f;
    p->real = (sqlite3_file *)(p + 1);
    p->real->pMethods = NULL;
    int rc = below->xOpen(below, name, p->real, flags, out);
    if (rc != SQLITE_OK) {
        /* SQLite closes what has methods; ours must not close it twice. */
        if (p->real->pMethods)
            p->real->pMethods->xClose(p->real);
        p->base.pMethods = NULL;
        return rc;
    }
    p->base.pMethods = &piece_methods;
    return SQLITE_OK;
}

static int result = SQLITE_OK;

static void register_once(void)
{
    below = sqlite3_vfs_find(NULL);
    if (!below) {
        result = SQLITE_ERROR;
        return;
    }
    layer = *below; /* every other call goes to the default layer as it is */
    layer.zName = "isms";
    layer.szOsFile = (int)sizeof(piece_file) + below->szOsFile;
    layer.xOpen = layer_open;
    layer.pNext = NULL;
    result = sqlite3_vfs_register(&layer, 1);
}

int sq_vfs_register(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_once);
    return result;
}
