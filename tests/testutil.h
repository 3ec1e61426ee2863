#ifndef TESTUTIL_H
#define TESTUTIL_H
#include <glib.h>
/* A fresh private directory under /tmp (short: gpg-agent sockets). */
char *tu_tmpdir(void);
/* Records a directory under /tmp made for a test (also by a forked
 * test or a script it runs, through $VULTURE_TEST_TRACK), so that
 * tu_sweep() removes it when the test's own clean-up did not run. */
void tu_track(const char *dir);
/* Called once by main() before the suites run: marks this run in the
 * environment its children (and their gpg-agents) inherit. */
void tu_track_init(void);
/* Called once by main() after the suites: ends the gpg-agents of this
 * run and removes the directories recorded that are still there (a
 * failed assertion or a timeout in a forked test skips its teardown).
 * Returns how many were left. */
int tu_sweep(void);
/* Removes a directory tree (and kills a gpg-agent living there). */
void tu_rmtree(const char *dir);
/* Runs a shell command line; returns its exit status. */
int tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes text to dir/name with mode; returns the path (g_free). */
char *tu_write(const char *dir, const char *name, const char *text, int mode);
/* Makes an ed25519+cv25519 key for uid in home; returns fingerprint. */
char *tu_genkey(const char *home, const char *uid, const char *extra_flags);
#endif
