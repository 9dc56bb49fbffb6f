/*
** fuzz_common.h: helpers shared by the libFuzzer targets (tests/fuzz/fuzz_*.c): a private
** temporary folder, created once per process and removed at exit, and writing a file in it.
** Not part of libkql; built only with -Dfuzz=true.
*/
#ifndef KQL_FUZZ_COMMON_H
#define KQL_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Names of the files fuzz_tmpdir() may create, removed by fuzz_cleanup(). */
static const char *const fuzz_files[] = {"T.jsonl", "U.json", "schemas/T.json", "now.txt",
                                         "in.json", "in.jsonl", "in.yaml", "r.yaml", "t.jsonl",
                                         "q.kql", "in.test.yaml", NULL};
static char fuzz_dir[64]; /* the folder, "" until made */

static void fuzz_cleanup(void) {
  char p[128];
  for (int i = 0; fuzz_files[i]; i++) {
    snprintf(p, sizeof p, "%s/%s", fuzz_dir, fuzz_files[i]);
    unlink(p);
  }
  snprintf(p, sizeof p, "%s/schemas", fuzz_dir);
  rmdir(p);
  rmdir(fuzz_dir);
}

/* The process's temporary folder (made on first use). */
static const char *fuzz_tmpdir(void) {
  if (!fuzz_dir[0]) {
    const char *t = getenv("TMPDIR");
    snprintf(fuzz_dir, sizeof fuzz_dir, "%s/kql-fuzz.XXXXXX", t && strlen(t) < 40 ? t : "/tmp");
    if (!mkdtemp(fuzz_dir)) abort();
    atexit(fuzz_cleanup);
  }
  return fuzz_dir;
}

/* Write 'n' bytes of 'data' to 'name' in the temporary folder; returns its path in 'path'. */
static void fuzz_write(const char *name, const void *data, size_t n, char *path, size_t cap) {
  snprintf(path, cap, "%s/%s", fuzz_tmpdir(), name);
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  if (n && fwrite(data, 1, n, f) != n) abort();
  fclose(f);
}

#endif /* KQL_FUZZ_COMMON_H */
