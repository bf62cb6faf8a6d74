/* libFuzzer target for the spec parser: each input is written to a temporary file and
 * loaded with spec_load (then printed, when valid, and freed). Any crash, leak
 * (LeakSanitizer), undefined behaviour or hang is a bug. Run with `make fuzz`. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spec.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness's own state, made once: the input file and a sink for spec_print. */
static char input_path[64];
static FILE *sink;

static void remove_input(void)
{
    unlink(input_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("TMPDIR");
    snprintf(input_path, sizeof input_path, "%s/fuzz-spec-XXXXXX.json",
             dir && *dir && strlen(dir) < 32 ? dir : "/tmp");
    int fd = mkstemps(input_path, 5);
    sink = fopen("/dev/null", "w");
    if (fd < 0 || !sink) {
        perror("fuzz_spec: setup");
        abort();
    }
    close(fd);
    atexit(remove_input);
    return 0;
}

static void write_input(const uint8_t *data, size_t size)
{
    int fd = open(input_path, O_WRONLY | O_TRUNC);
    if (fd < 0)
        abort();
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            abort();
        done += (size_t)n;
    }
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_input(data, size);
    struct spec spec;
    struct shim_error err = {0};
    if (spec_load(input_path, &spec, &err) == 0)
        spec_print(&spec, sink);
    else if (err.status != EXIT_SHIM_ERROR || err.msg[0] == '\0')
        abort();   /* every failure must say why, with the shim's status */
    spec_free(&spec);
    return 0;
}
