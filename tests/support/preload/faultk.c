/* faultk.c: an LD_PRELOAD library for the fault-injection loop
 * (tests/store/test_faultloop.c), the way SQLite tests itself: the k-th
 * call of one kind on the repository's files fails.
 *
 *   ISMS_FAULT_AT=KIND:K     KIND: read, write, fsync, open, close, full, alloc
 *   ISMS_FAULT_PATH=TEXT     files whose path contains TEXT (default ".isms")
 *   ISMS_FAULT_MARK=FILE     created when the fault fires
 *   ISMS_FAULT_TRACE=1       the stack of the failing call goes to stderr
 *   ISMS_FAULT_COUNT=FILE    with K = 0: nothing fails, and the number of
 *                            calls of the kind is written here at exit
 *
 * read/write/fsync/open/close: the K-th such call fails once with EIO (a
 * failing close still closes the descriptor, as the kernel does). full:
 * the K-th write and every later one fail with ENOSPC, a disk that filled
 * up. alloc: the K-th malloc, calloc or realloc of the process returns
 * NULL (out of memory). Everything else goes through. Built without sanitizers: it is loaded
 * before anything else. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum { K_READ, K_WRITE, K_FSYNC, K_OPEN, K_CLOSE, K_FULL, K_ALLOC, K_NONE };

static int kind = -1;
static long at, count;

#define REAL(name)                 \
    static __typeof__(name) *real; \
    if (!real)                     \
    real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

static void configure(void)
{
    static const char *names[] = { "read", "write", "fsync", "open", "close", "full", "alloc" };
    kind = K_NONE;
    const char *spec = getenv("ISMS_FAULT_AT");
    const char *colon = spec ? strchr(spec, ':') : NULL;
    if (!colon)
        return;
    for (int k = 0; k < K_NONE; k++)
        if (strlen(names[k]) == (size_t)(colon - spec) &&
            !strncmp(spec, names[k], (size_t)(colon - spec)))
            kind = k;
    at = atol(colon + 1);
}

static int path_matches(const char *path)
{
    const char *want = getenv("ISMS_FAULT_PATH");
    return path && strstr(path, want && *want ? want : ".isms") != NULL;
}

static int fd_matches(int fd)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t len = readlink(link, path, sizeof path - 1);
    if (len < 0)
        return 0;
    path[len] = 0;
    return path_matches(path);
}

static void mark(void)
{
    if (getenv("ISMS_FAULT_TRACE")) {
        void *frames[64];
        backtrace_symbols_fd(frames, backtrace(frames, 64), 2);
    }
    const char *m = getenv("ISMS_FAULT_MARK");
    if (!m)
        return;
    REAL(open);
    int fd = real(m, O_WRONLY | O_CREAT, 0644);
    if (fd >= 0)
        close(fd);
}

/* Does this call (of kind k, on a repository file) fail, and with what? */
static int fault(int k, int matches)
{
    if (kind < 0)
        configure();
    int counted = kind == K_FULL ? K_WRITE : kind;
    if (!matches || k != counted)
        return 0;
    long c = __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED); /* threads allocate too */
    if (at && (c == at || (kind == K_FULL && c > at))) {
        if (c == at)
            mark();
        return kind == K_FULL ? ENOSPC : EIO;
    }
    return 0;
}

#define FAIL_IF(k, matches)           \
    do {                              \
        int err_ = fault(k, matches); \
        if (err_) {                   \
            errno = err_;             \
            return -1;                \
        }                             \
    } while (0)

ssize_t pread64(int fd, void *buf, size_t n, off64_t off)
{
    REAL(pread64);
    FAIL_IF(K_READ, fd_matches(fd));
    return real(fd, buf, n, off);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    REAL(pread);
    FAIL_IF(K_READ, fd_matches(fd));
    return real(fd, buf, n, off);
}

ssize_t read(int fd, void *buf, size_t n)
{
    REAL(read);
    FAIL_IF(K_READ, fd_matches(fd));
    return real(fd, buf, n);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    REAL(pwrite64);
    FAIL_IF(K_WRITE, fd_matches(fd));
    return real(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite);
    FAIL_IF(K_WRITE, fd_matches(fd));
    return real(fd, buf, n, off);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(write);
    FAIL_IF(K_WRITE, fd > 2 && fd_matches(fd));
    return real(fd, buf, n);
}

int fsync(int fd)
{
    REAL(fsync);
    FAIL_IF(K_FSYNC, fd_matches(fd));
    return real(fd);
}

int fdatasync(int fd)
{
    REAL(fdatasync);
    FAIL_IF(K_FSYNC, fd_matches(fd));
    return real(fd);
}

int close(int fd)
{
    REAL(close);
    int err = fault(K_CLOSE, fd_matches(fd));
    int rc = real(fd);
    if (err) {
        errno = err;
        return -1;
    }
    return rc;
}

static mode_t mode_of(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

/* open, open64 and openat all end here: on Linux open(p) is
 * openat(AT_FDCWD, p), and the 64-bit variants are the same calls. */
static int open_at(int dir, const char *path, int flags, mode_t mode)
{
    REAL(openat);
    FAIL_IF(K_OPEN, path_matches(path));
    return real(dir, path, flags, mode);
}

/* The mode is there only when the flags say so. */
#define MODE_FROM_VARARGS(flags, mode) \
    va_list ap;                        \
    va_start(ap, flags);               \
    mode_t mode = mode_of(flags, ap);  \
    va_end(ap)

int open(const char *path, int flags, ...)
{
    MODE_FROM_VARARGS(flags, mode);
    return open_at(AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    MODE_FROM_VARARGS(flags, mode);
    return open_at(AT_FDCWD, path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
    MODE_FROM_VARARGS(flags, mode);
    return open_at(dir, path, flags, mode);
}

/* Allocation goes to glibc's own functions (no dlsym, which allocates). */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

static int alloc_fails(void)
{
    if (fault(K_ALLOC, 1)) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t n) { return alloc_fails() ? NULL : __libc_malloc(n); }

void *calloc(size_t n, size_t size) { return alloc_fails() ? NULL : __libc_calloc(n, size); }

void *realloc(void *p, size_t n) { return alloc_fails() ? NULL : __libc_realloc(p, n); }

/* The counting run (K = 0) reports how many calls there were. */
__attribute__((destructor)) static void report_count(void)
{
    const char *file = getenv("ISMS_FAULT_COUNT");
    if (!file || at || kind < 0 || kind == K_NONE)
        return;
    FILE *f = fopen(file, "w");
    if (f) {
        fprintf(f, "%ld\n", count);
        fclose(f);
    }
}
