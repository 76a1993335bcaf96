/* replay.c: runs a fuzz harness over the files of its corpus, without
 * libFuzzer. `make check` uses it (under ASan and UBSan too) so that every
 * input the fuzzers ever found interesting stays a regression test. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return -1;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *data = malloc(n ? n : 1);
    size_t got = fread(data, 1, n, f);
    fclose(f);
    if (got != n) {
        free(data);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        DIR *dir = opendir(argv[i]);
        if (!dir) {
            files += replay_file(argv[i]) == 0;
            continue;
        }
        struct dirent *de;
        while ((de = readdir(dir))) {
            if (de->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
            if (replay_file(path) != 0) {
                fprintf(stderr, "replay: cannot read %s\n", path);
                return 1;
            }
            files++;
        }
        closedir(dir);
    }
    printf("replayed %d inputs\n", files);
    return files ? 0 : 1;
}
