#ifndef VOID_WRITE_FILE_H
#define VOID_WRITE_FILE_H
/* Writes text to an existing file in one write(2): 0, or -1 with errno set. */
int write_file(const char *path, const char *text);
/* Reads up to size-1 bytes of a small file into buf (NUL-terminated): bytes read or -1. */
long read_file(const char *path, char *buf, unsigned long size);
#endif
