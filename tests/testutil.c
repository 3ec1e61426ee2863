#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"

char *
tu_tmpdir(void)
{
	char *d = g_strdup("/tmp/vt.XXXXXX");

	if (g_mkdtemp_full(d, 0700) == NULL)
		abort();
	return d;
}

int
tu_sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int st;

	va_start(ap, fmt);
	cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	st = system(cmd);
	g_free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void
tu_rmtree(const char *dir)
{
	if (dir == NULL || strncmp(dir, "/tmp/vt.", 8) != 0)
		return;
	tu_sh("gpgconf --homedir '%s' --kill gpg-agent >/dev/null 2>&1; "
	    "gpgconf --homedir '%s/gnupg' --kill gpg-agent >/dev/null 2>&1; "
	    "rm -rf '%s'", dir, dir, dir);
}

char *
tu_write(const char *dir, const char *name, const char *text, int mode)
{
	char *p = g_build_filename(dir, name, NULL);

	if (!g_file_set_contents(p, text, -1, NULL))
		abort();
	chmod(p, (mode_t)mode);
	return p;
}

char *
tu_genkey(const char *home, const char *uid, const char *extra)
{
	char *out = NULL, *cmd, *fpr;
	gint st;

	cmd = g_strdup_printf("sh -c \"gpg --homedir '%s' --batch "
	    "--pinentry-mode loopback --passphrase '' %s --quick-gen-key '%s' "
	    "ed25519 sign,cert never >/dev/null 2>&1 && gpg --homedir '%s' "
	    "--with-colons --list-keys '=%s' | awk -F: '/^fpr/ {print \\$10; "
	    "exit}'\"", home, extra ? extra : "", uid, home, uid);
	if (!g_spawn_command_line_sync(cmd, &out, NULL, &st, NULL) ||
	    out == NULL)
		abort();
	g_free(cmd);
	fpr = g_strdup(g_strstrip(out));
	g_free(out);
	if (strlen(fpr) != 40)
		abort();
	return fpr;
}
