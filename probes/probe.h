/* The probe protocol (architecture.md, "Interfaces"): a probe takes its canary
 * parameters on argv as --NAME=VALUE, makes one attempt, prints exactly one JSON line
 *   {"probe":"FS-01","group":"mount","verdict":"CONTAINED","detail":"open: ENOENT"}
 * and exits 0. It exits non-zero only when the probe itself broke.
 *
 * Header-only so that every probe is one self-contained .c file. */
#ifndef VOID_PROBE_H
#define VOID_PROBE_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_CONTAINED "CONTAINED"
#define PROBE_ESCAPED   "ESCAPED"
#define PROBE_LEAK      "LEAK"
#define PROBE_EXPOSED   "EXPOSED"
#define PROBE_SKIP      "SKIP"
#define PROBE_ERROR     "ERROR"

/* The value of --NAME=VALUE on the command line, or NULL. */
static inline const char *probe_arg(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], "--", 2) == 0 && strncmp(argv[i] + 2, name, n) == 0 &&
            argv[i][2 + n] == '=')
            return argv[i] + 3 + n;
    return NULL;
}

static inline void probe_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* Prints the verdict line and exits 0. detail is a printf format. */
static inline void probe_verdict(const char *id, const char *group, const char *verdict,
                                 const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));
static inline void probe_verdict(const char *id, const char *group, const char *verdict,
                                 const char *fmt, ...)
{
    char detail[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    fputs("{\"probe\":", stdout);
    probe_json_string(id);
    fputs(",\"group\":", stdout);
    probe_json_string(group);
    fputs(",\"verdict\":", stdout);
    probe_json_string(verdict);
    fputs(",\"detail\":", stdout);
    probe_json_string(detail);
    fputs("}\n", stdout);
    fflush(stdout);
    exit(0);
}

#endif
