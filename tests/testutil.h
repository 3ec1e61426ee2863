#ifndef TESTUTIL_H
#define TESTUTIL_H
#include <glib.h>
/* A fresh private directory under /tmp (short: gpg-agent sockets). */
char *tu_tmpdir(void);
/* Removes a directory tree (and kills a gpg-agent living there). */
void tu_rmtree(const char *dir);
/* Runs a shell command line; returns its exit status. */
int tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes text to dir/name with mode; returns the path (g_free). */
char *tu_write(const char *dir, const char *name, const char *text, int mode);
/* Makes an ed25519+cv25519 key for uid in home; returns fingerprint. */
char *tu_genkey(const char *home, const char *uid, const char *extra_flags);
#endif
