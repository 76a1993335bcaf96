/* eio.c: an LD_PRELOAD library for the storage tests: reads of one file
 * fail with EIO, as a failing disk's would.
 *
 *   ISMS_FAULT_EIO=SUFFIX[:OFFSET]
 *
 * Reads (read, pread, pread64) of a file whose path ends in SUFFIX, from
 * byte OFFSET on (default 0), fail with EIO; everything else goes through.
 * Built without sanitizers: it is loaded before anything else. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int faulty(int fd, off_t at)
{
    const char *spec = getenv("ISMS_FAULT_EIO");
    if (!spec || !*spec)
        return 0;
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    if (colon && at < (off_t)atoll(colon + 1))
        return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t len = readlink(link, path, sizeof path - 1);
    if (len < 0 || (size_t)len < n)
        return 0;
    return !memcmp(path + len - n, spec, n);
}

#define REAL(name)                 \
    static __typeof__(name) *real; \
    if (!real)                     \
    real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t pread64(int fd, void *buf, size_t count, off64_t at)
{
    REAL(pread64);
    if (faulty(fd, (off_t)at)) {
        errno = EIO;
        return -1;
    }
    return real(fd, buf, count, at);
}

ssize_t pread(int fd, void *buf, size_t count, off_t at)
{
    REAL(pread);
    if (faulty(fd, at)) {
        errno = EIO;
        return -1;
    }
    return real(fd, buf, count, at);
}

ssize_t read(int fd, void *buf, size_t count)
{
    REAL(read);
    if (faulty(fd, lseek(fd, 0, SEEK_CUR))) {
        errno = EIO;
        return -1;
    }
    return real(fd, buf, count);
}
