#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define TRACK_ENV	"VULTURE_TEST_TRACK"
#define RUN_ENV		"VULTURE_TEST_RUN"

void
tu_track_init(void)
{
	char *list = g_strdup("/tmp/vtrack.XXXXXX");
	char *run;
	int fd;

	if ((fd = g_mkstemp_full(list, O_RDWR, 0600)) < 0)
		abort();
	close(fd);
	run = g_strdup_printf("%ld", (long)getpid());
	setenv(TRACK_ENV, list, 1);
	setenv(RUN_ENV, run, 1);
	g_free(run);
	g_free(list);
}

void
tu_track(const char *dir)
{
	const char *list = getenv(TRACK_ENV);
	FILE *f;

	if (list == NULL || dir == NULL || strncmp(dir, "/tmp/v", 6) != 0)
		return;
	/* O_APPEND: forked tests write the same list. */
	if ((f = fopen(list, "a")) == NULL)
		return;
	fprintf(f, "%s\n", dir);
	fclose(f);
}

/* Whether process pid carries this run's mark and is a gpg-agent. */
static int
run_agent(const char *pid, const char *mark)
{
	char *path, *env = NULL, *comm = NULL;
	gsize len = 0, i;
	int hit = 0;

	path = g_strdup_printf("/proc/%s/comm", pid);
	if (g_file_get_contents(path, &comm, NULL, NULL) &&
	    strcmp(g_strstrip(comm), "gpg-agent") == 0) {
		g_free(path);
		path = g_strdup_printf("/proc/%s/environ", pid);
		if (g_file_get_contents(path, &env, &len, NULL))
			for (i = 0; i < len && !hit; i += strlen(env + i) + 1)
				hit = strcmp(env + i, mark) == 0;
	}
	g_free(path);
	g_free(comm);
	g_free(env);
	return hit;
}

int
tu_sweep(void)
{
	const char *list = getenv(TRACK_ENV), *run = getenv(RUN_ENV);
	char *mark, *text = NULL, **dirs, **d;
	struct dirent *e;
	DIR *proc;
	int agents = 0, left = 0;

	if (list == NULL || run == NULL)
		return 0;
	mark = g_strconcat(RUN_ENV "=", run, NULL);
	if ((proc = opendir("/proc")) != NULL) {
		while ((e = readdir(proc)) != NULL)
			if (isdigit((unsigned char)e->d_name[0]) &&
			    run_agent(e->d_name, mark) &&
			    kill((pid_t)atol(e->d_name), SIGTERM) == 0)
				agents++;
		closedir(proc);
	}
	g_free(mark);
	if (g_file_get_contents(list, &text, NULL, NULL)) {
		dirs = g_strsplit(text, "\n", -1);
		for (d = dirs; *d != NULL; d++)
			if (strncmp(*d, "/tmp/v", 6) == 0 &&
			    strstr(*d, "..") == NULL &&
			    g_file_test(*d, G_FILE_TEST_IS_DIR)) {
				tu_sh("rm -rf '%s'", *d);
				left++;
			}
		g_strfreev(dirs);
		g_free(text);
	}
	unlink(list);
	if (agents + left > 0)
		fprintf(stderr, "testutil: %d gpg-agents and %d directories "
		    "left by the tests, removed now\n", agents, left);
	return agents + left;
}

char *
tu_tmpdir(void)
{
	char *d = g_strdup("/tmp/vt.XXXXXX");

	if (g_mkdtemp_full(d, 0700) == NULL)
		abort();
	tu_track(d);
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
