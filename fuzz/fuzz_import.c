/* fuzz_import: a whole export document, imported into an in-memory
 * SQLite repository. Whatever the bytes, the import either succeeds with a
 * repository that verifies, or fails cleanly. */
#include "backup/backup.h"
#include "domain/integrity/verify.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/isms-fuzz-import-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    isms_err e = { 0 };
    backup_import(path, ":memory:", NULL, &e);
    unlink(path);
    return 0;
}
