/* vulturectl: the local tool. Same configuration as the daemon. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "vulture/case.h"
#include "vulture/config.h"
#include "ctl_p.h"
#include "vulture/ids.h"
#include "vulture/json.h"
#include "vulture/keys.h"
#include "vulture/log.h"
#include "vulture/site.h"
#include "vulture/store.h"
#include "vulture/textin.h"
#include "vulture/vendor.h"
#include "vulture/vtime.h"

static const char usage_text[] =
"usage: vulturectl [-c FILE] [--json] COMMAND [ARGS]\n"
"\n"
"  init [--generate-key]\n"
"  check-config\n"
"  desk key\n"
"  backup DIR | restore DIR\n"
"  vendor add HANDLE NAME general|individual|early ADDRESS [keywords LIST]\n"
"             [--lang en|ja] [--contact-name NAME] [--phone PHONE]\n"
"             [--unregistered]\n"
"  vendor contact HANDLE ADDRESS [--name NAME] [--phone PHONE]\n"
"  vendor key HANDLE FILE|- [--contact ADDRESS]\n"
"  vendor keywords HANDLE LIST\n"
"  vendor lang HANDLE en|ja\n"
"  vendor approve|suspend HANDLE\n"
"  vendor list\n"
"  vendor show HANDLE\n"
"  case open TITLE [--summary FILE] [--detail FILE] [--attach FILE]...\n"
"             [--reporter REF] [--single-vendor] [--date WHEN]\n"
"  case summary ID FILE|-\n"
"  case detail ID FILE|- [--attach FILE]...\n"
"  case date ID WHEN [reason TEXT]\n"
"  case notify ID vendors H1,H2 [force] | keywords K1,K2 [force]\n"
"  case disclose ID HANDLE\n"
"  case advisory ID overview|affected|description|impact|solution|\n"
"             addendum|credits|references FILE|-\n"
"  case status ID HANDLE STATUS [comment TEXT]\n"
"  case leak ID REASON [date WHEN]\n"
"  case unreachable ID HANDLE\n"
"  case early ID sectors LIST\n"
"  case share ID approve N\n"
"  case publish ID [now]\n"
"  case list\n"
"  case show ID\n"
"  deliver                 (a message on standard input; for the MTA)\n"
"  inspect FILE|-\n"
"  quarantine list | show ID | retry ID\n"
"  outbox list | show ID | retry ID | flush\n"
"  render ID --format text|html|csaf|rss [--lang en|ja]\n"
"\n"
"FILE '-' is standard input. WHEN is YYYY-MM-DD[THH:MM[+HH:MM]].\n"
"--json gives listings and show as JSON.\n";

static int
usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set when the command line names deliver: the MTA runs it, and to an MTA
 * 64 is a bounce and a help text a silent loss. A broken pipe command is
 * the operator's to fix while the mail waits: 75. */
static int delivering;

/* "vulturectl: " and the message, escaped (it may quote arguments or
 * stored strings), to stderr. */
static void
ctl_vwarn(const char *fmt, va_list ap)
{
	char *msg = g_strdup_vprintf(fmt, ap);

	fputs("vulturectl: ", stderr);
	ctl_print(stderr, msg);
	g_free(msg);
}

static int
usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		ctl_vwarn(fmt, ap);
		va_end(ap);
		fprintf(stderr, "\n\n");
	}
	fputs(usage_text, stderr);
	return delivering ? EX_TEMPFAIL : EX_USAGE;
}

int
ctl_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return 1;
}

/* Maps a STORE_* code and message to an exit status. Frees msg. */
int
ctl_store_fail(int rc, char *msg)
{
	int ex = rc == STORE_TEMP ? EX_TEMPFAIL : 1;

	fputs("vulturectl: ", stderr);
	ctl_print(stderr, msg != NULL ? msg : "store error");
	fputc('\n', stderr);
	g_free(msg);
	return ex;
}

void
ctl_print(FILE *f, const char *s)
{
	GString *o = g_string_sized_new(strlen(s));

	textin_escape(o, s, -1, "\t\n");
	fwrite(o->str, 1, o->len, f);
	g_string_free(o, TRUE);
}

void
ctl_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ctl_print(stdout, s);
	g_free(s);
}

/* The refusal of a text argument: EX_USAGE like any bad argument. */
#define CTL_TEXT_RULE	"control characters, direction controls and " \
	"zero-width spaces are refused"
static int
ctl_bad_text(const char *cmd, const char *what, const char *problem,
    const char *note)
{
	char *msg = g_strdup_printf("vulturectl: %s: %s: %s%s%s%s\n", cmd,
	    what, problem, note ? " (" : "", note ? note : "", note ? ")" : "");

	ctl_print(stderr, msg);
	g_free(msg);
	return delivering ? EX_TEMPFAIL : EX_USAGE;
}

int
ctl_check_line(const char *cmd, const char *what, const char *s)
{
	const char *p;
	char cp[12], *problem;
	size_t pos;
	int rc;

	if (s == NULL)
		return 0;
	if (!g_utf8_validate(s, -1, NULL))
		return ctl_bad_text(cmd, what, "not valid UTF-8", NULL);
	if ((p = textin_find_control(s, s + strlen(s), "")) == NULL)
		return 0;
	textin_describe(s, p, cp, &pos);
	problem = g_strdup_printf("control character %s at character %zu",
	    cp, pos);
	rc = ctl_bad_text(cmd, what, problem, CTL_TEXT_RULE "; one line "
	    "only");
	g_free(problem);
	return rc;
}

int
ctl_check_text(const char *cmd, const char *what, char *text)
{
	char *problem = NULL;
	int rc;

	if (textin_check_text(text, &problem) == 0)
		return 0;
	rc = ctl_bad_text(cmd, what, problem, CTL_TEXT_RULE);
	g_free(problem);
	return rc;
}

char *
ctl_actor(void)
{
	struct passwd *pw = getpwuid(getuid());

	return g_strdup_printf("vulturectl:%s", pw != NULL ? pw->pw_name :
	    "?");
}

int
ctl_read_input(const char *path, size_t max, char **data_r, size_t *len_r)
{
	GError *err = NULL;
	gsize len = 0;
	char *data = NULL;

	*data_r = NULL;
	if (strcmp(path, "-") == 0) {
		GString *s = g_string_new(NULL);
		char buf[8192];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
			if (s->len + n > max) {
				g_string_free(s, TRUE);
				return ctl_fail("standard input: more than %zu "
				    "bytes", max);
			}
			g_string_append_len(s, buf, n);
		}
		if (ferror(stdin)) {
			g_string_free(s, TRUE);
			return ctl_fail("standard input: %s",
			    g_strerror(errno));
		}
		*len_r = s->len;
		*data_r = g_string_free(s, FALSE);
		return 0;
	}
	{
		struct stat sb;

		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (size_t)sb.st_size > max)
			return ctl_fail("%s: more than %zu bytes", path, max);
	}
	if (!g_file_get_contents(path, &data, &len, &err)) {
		int r = ctl_fail("%s", err->message);

		g_error_free(err);
		return r;
	}
	if (len > max) {
		g_free(data);
		return ctl_fail("%s: more than %zu bytes", path, max);
	}
	*data_r = data;
	*len_r = len;
	return 0;
}

int
ctl_load(struct ctl *c, int need_store, int need_keys)
{
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	char *path = vconf_locate(c->config_path);
	char *err = NULL;
	int temp, rc;
	guint i;

	if (c->conf == NULL &&
	    vconf_load(path, &c->conf, errors, &temp) == -1) {
		for (i = 0; i < errors->len; i++) {
			ctl_print(stderr, errors->pdata[i]);
			fputc('\n', stderr);
		}
		g_ptr_array_unref(errors);
		g_free(path);
		return temp ? EX_TEMPFAIL : EX_CONFIG;
	}
	g_ptr_array_unref(errors);
	g_free(path);
	if (need_store && c->st == NULL) {
		rc = store_open(c->conf->database, 0, &c->st, &err);
		if (rc != STORE_OK)
			return ctl_store_fail(rc, err);
	}
	if (need_keys && c->keys == NULL) {
		if (vkeys_open(c->conf->gnupghome, &c->keys, &err) == -1) {
			int r = ctl_fail("%s", err);

			g_free(err);
			return r;
		}
	}
	return 0;
}

int
ctl_outbound(struct ctl *c)
{
	GPtrArray *errors;
	char *err = NULL;
	guint i;
	int rc;

	if ((rc = ctl_load(c, 1, 1)) != 0)
		return rc;
	if (c->notices != NULL)
		return 0;
	errors = g_ptr_array_new_with_free_func(g_free);
	if (notices_load(c->conf->templates_dir, &c->notices, errors) == -1) {
		for (i = 0; i < errors->len; i++) {
			ctl_print(stderr, errors->pdata[i]);
			fputc('\n', stderr);
		}
		g_ptr_array_unref(errors);
		return EX_CONFIG;
	}
	g_ptr_array_unref(errors);
	if (vkeys_find_desk(c->keys, c->conf->address,
	    c->conf->desk_fingerprint, c->out.desk_fpr, &err) == -1) {
		rc = ctl_fail("%s", err);
		g_free(err);
		return rc;
	}
	c->actor = ctl_actor();
	c->out.conf = c->conf;
	c->out.st = c->st;
	c->out.ctx = vkeys_ctx(c->keys);
	c->out.keys = vkeys_cache(c->keys);
	c->out.notices = c->notices;
	c->out.actor = c->actor;
	c->out.cause = NULL;
	return 0;
}

static void
ctl_cleanup(struct ctl *c)
{
	notices_free(&c->notices);
	g_free(c->actor);
	vkeys_close(&c->keys);
	store_close(&c->st);
	vconf_free(&c->conf);
}

/* What check-config checks beyond the file itself, printed one problem a
 * line as "FILE:LINE: KEY: ...". Returns the number of problems. The
 * desk key is checked once the GnuPG home exists (init makes both). */
static unsigned
config_problems(struct ctl *c, int check_desk)
{
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	const char *dir = c->conf->templates_dir;
	unsigned n = 0;
	char *w, *err = NULL;
	guint i;

	/* The templates are configuration too: an operator's edit that
	 * does not compile is reported here, not at the first notice. A
	 * directory that is not there is one problem, not one a file. */
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR) ||
	    access(dir, R_OK | X_OK) == -1) {
		w = vconf_where(c->conf, "general", "templates_dir");
		ctl_printf("%s: %s: %s\n", w, dir, !g_file_test(dir,
		    G_FILE_TEST_EXISTS) ? "no such directory" :
		    !g_file_test(dir, G_FILE_TEST_IS_DIR) ? "not a directory" :
		    g_strerror(errno));
		g_free(w);
		n++;
	} else {
		struct notices *nt = NULL;

		if (notices_load(dir, &nt, errors) == -1) {
			for (i = 0; i < errors->len; i++)
				ctl_printf("%s\n", (char *)errors->pdata[i]);
			n += errors->len;
		}
		notices_free(&nt);
	}
	g_ptr_array_unref(errors);
	/* The key ring too: a fingerprint carried by two keys (a subkey
	 * planted before keys by mail were examined) makes look-ups of the
	 * real key fail or mislead gpg. No key ring yet (before init): no
	 * keys to check. */
	if (g_file_test(c->conf->gnupghome, G_FILE_TEST_IS_DIR)) {
		GPtrArray *dups = NULL;
		char fpr[41];

		if (vkeys_open(c->conf->gnupghome, &c->keys, &err) == -1 ||
		    vkeys_ambiguous(vkeys_ctx(c->keys), &dups, &err) == -1) {
			ctl_printf("gnupghome: %s\n", err);
			g_free(err);
			return n + 1;
		}
		for (i = 0; i < dups->len; i++)
			ctl_printf("gnupghome: %s (a planted subkey?)\n",
			    (char *)dups->pdata[i]);
		n += dups->len;
		g_ptr_array_unref(dups);
		if (check_desk && vkeys_find_desk(c->keys, c->conf->address,
		    c->conf->desk_fingerprint, fpr, &err) == -1) {
			w = c->conf->desk_fingerprint[0] != '\0' ?
			    vconf_where(c->conf, "general",
			    "desk_fingerprint") : vconf_where(c->conf,
			    "general", "address");
			ctl_printf("%s: desk key: %s\n", w, err);
			g_free(w);
			g_free(err);
			n++;
		}
	}
	return n;
}

static int
cmd_check_config(struct ctl *c, int argc, char **argv)
{
	GPtrArray *errors;
	char *path;
	int temp;
	unsigned n;
	guint i;

	if (argc != 1)
		return usage("check-config takes no arguments");
	errors = g_ptr_array_new_with_free_func(g_free);
	path = vconf_locate(c->config_path);
	if (vconf_load(path, &c->conf, errors, &temp) == -1) {
		for (i = 0; i < errors->len; i++)
			ctl_printf("%s\n", (char *)errors->pdata[i]);
		printf("%s: %u error%s\n", path, errors->len,
		    errors->len == 1 ? "" : "s");
		g_ptr_array_unref(errors);
		g_free(path);
		return temp ? EX_TEMPFAIL : EX_CONFIG;
	}
	g_ptr_array_unref(errors);
	if ((n = config_problems(c, 1)) > 0) {
		printf("%s: %u error%s\n", path, n, n == 1 ? "" : "s");
		g_free(path);
		return EX_CONFIG;
	}
	if (!g_file_test(c->conf->gnupghome, G_FILE_TEST_IS_DIR))
		ctl_printf("note: no GnuPG home %s yet: vulturectl init makes "
		    "it and checks the desk key\n", c->conf->gnupghome);
	printf("%s: ok\n", path);
	g_free(path);
	return 0;
}

static int
make_dir(const char *path, mode_t mode)
{
	if (g_mkdir_with_parents(path, mode) == -1)
		return ctl_fail("%s: %s", path, g_strerror(errno));
	return 0;
}

/* The site carries the desk's key page and Web Key Directory from the
 * start, not only once a first advisory is published: written after the
 * command (site_flush in main). */
static int
init_site(struct ctl *c)
{
	/* The caller flushed what it printed: the site write starts gpg,
	 * and a child flushing a copy of a pending buffer (as GPGME's do
	 * under valgrind) would print it twice. */
	char *err = NULL;
	int rc;

	if (c->conf->publish_dir == NULL || c->conf->publish_dir[0] == '\0')
		return 0;
	if ((rc = site_mark_dirty(c->st, NULL, vtime_now(), &err)) !=
	    STORE_OK)
		return ctl_store_fail(rc, err);
	return 0;
}

static int
cmd_init(struct ctl *c, int argc, char **argv)
{
	int generate = 0, rc, i;
	char *err = NULL, *dbdir;
	char fpr[41];

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--generate-key") == 0)
			generate = 1;
		else
			return usage("init: unknown argument '%s'", argv[i]);
	}
	if ((rc = ctl_load(c, 0, 0)) != 0)
		return rc;
	/* What check-config rejects, init does not build on (the desk key
	 * is init's own to check or make). */
	if (config_problems(c, 0) > 0) {
		vkeys_close(&c->keys);
		(void)ctl_fail("init: the configuration has errors (above; "
		    "vulturectl check-config)");
		return EX_CONFIG;
	}
	vkeys_close(&c->keys);
	/* The key ring and the database hold embargoed material: private
	 * directories from the start. */
	if (make_dir(c->conf->gnupghome, 0700) != 0)
		return 1;
	dbdir = g_path_get_dirname(c->conf->database);
	rc = make_dir(dbdir, 0750);
	g_free(dbdir);
	if (rc != 0)
		return rc;
	rc = store_open(c->conf->database, 1, &c->st, &err);
	if (rc != STORE_OK)
		return ctl_store_fail(rc, err);
	printf("database %s schema version %d\n", c->conf->database,
	    store_user_version(c->st));
	fflush(stdout);	/* before gpg is started: see init_site() */
	if (vkeys_open(c->conf->gnupghome, &c->keys, &err) == -1) {
		rc = ctl_fail("%s", err);
		g_free(err);
		return rc;
	}
	if (vkeys_find_desk(c->keys, c->conf->address,
	    c->conf->desk_fingerprint, fpr, &err) == 0) {
		printf("desk key %s\n", fpr);
		fflush(stdout);
		return init_site(c);
	}
	if (!generate) {
		rc = ctl_fail("%s", err);
		g_free(err);
		return rc;
	}
	g_free(err);
	err = NULL;
	if (c->conf->desk_fingerprint[0] != '\0')
		return ctl_fail("desk_fingerprint is set but that key is "
		    "missing: not generating another one");
	if (vkeys_generate_desk(c->keys, c->conf->address, fpr, &err) == -1) {
		rc = ctl_fail("%s", err);
		g_free(err);
		return rc;
	}
	printf("desk key %s (generated)\n", fpr);
	fflush(stdout);
	return init_site(c);
}

/* vulturectl desk key: the desk's public key, armored, as vendors are
 * to import it (--json: address, fingerprint and key). */
static int
cmd_desk(struct ctl *c, int argc, char **argv)
{
	char fpr[41];
	char *err = NULL;
	GBytes *key = NULL;
	gsize len;
	const char *p;
	int rc;

	if (argc != 2 || strcmp(argv[1], "key") != 0)
		return usage(argc < 2 ? "desk: what? (key)" :
		    "desk: unknown argument '%s'", argv[argc < 2 ? 0 : 1]);
	if ((rc = ctl_load(c, 0, 1)) != 0)
		return rc;
	if (vkeys_find_desk(c->keys, c->conf->address,
	    c->conf->desk_fingerprint, fpr, &err) < 0 ||
	    vkeys_export(vkeys_ctx(c->keys), fpr, 1, &key, &err) < 0) {
		rc = ctl_fail("desk key: %s", err);
		g_free(err);
		return rc;
	}
	p = g_bytes_get_data(key, &len);
	if (c->json) {
		GString *o = g_string_new(NULL);
		char *armor = g_strndup(p, len);
		struct jw w;

		jw_init(&w, o, 1);
		jw_obj_begin(&w);
		jw_kstr(&w, "address", c->conf->address);
		jw_kstr(&w, "fingerprint", fpr);
		jw_kstr(&w, "key", armor);
		jw_obj_end(&w);
		g_string_append_c(o, '\n');
		fwrite(o->str, 1, o->len, stdout);
		g_string_free(o, TRUE);
		g_free(armor);
	} else
		fwrite(p, 1, len, stdout);
	g_bytes_unref(key);
	return fflush(stdout) == 0 ? 0 : ctl_fail("desk key: %s",
	    g_strerror(errno));
}

static const struct {
	const char *name;
	int (*fn)(struct ctl *, int, char **);
} commands[] = {
	{ "init", cmd_init },
	{ "check-config", cmd_check_config },
	{ "desk", cmd_desk },
	{ "backup", ctl_admin },
	{ "restore", ctl_admin },
	{ "vendor", ctl_vendor },
	{ "case", ctl_case },
	{ "deliver", ctl_inbound },
	{ "inspect", ctl_inbound },
	{ "quarantine", ctl_inbound },
	{ "outbox", ctl_outbox },
	{ "render", ctl_render },
};

int
main(int argc, char **argv)
{
	struct ctl c;
	int i, rc;
	size_t k;
	GPtrArray *rest;
	const char *rest_name;

	setlocale(LC_ALL, "");
	log_init("vulturectl", LOG_TO_STDERR, 0);
	log_set_quiet(1);
	memset(&c, 0, sizeof(c));

	for (i = 1; i < argc; i++) {	/* the command word */
		if (strcmp(argv[i], "-c") == 0 ||
		    strcmp(argv[i], "--config") == 0)
			i++;
		else if (strcmp(argv[i], "--") == 0) {
			delivering = i + 1 < argc &&
			    strcmp(argv[i + 1], "deliver") == 0;
			break;
		} else if (argv[i][0] != '-') {
			delivering = strcmp(argv[i], "deliver") == 0;
			break;
		}
	}
	/* Global options may stand anywhere; everything else is the command
	 * and its arguments, in order. "--" ends option scanning. */
	rest = g_ptr_array_new();
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			for (i++; i < argc; i++)
				g_ptr_array_add(rest, argv[i]);
			break;
		}
		if (strcmp(argv[i], "-c") == 0 ||
		    strcmp(argv[i], "--config") == 0) {
			if (i + 1 >= argc) {
				g_ptr_array_unref(rest);
				return usage("%s needs a file", argv[i]);
			}
			c.config_path = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0)
			c.json = 1;
		else if (strcmp(argv[i], "-v") == 0)
			log_set_quiet(0);
		else if ((strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) && !delivering) {
			g_ptr_array_unref(rest);
			fputs(usage_text, stdout);
			return 0;
		} else
			g_ptr_array_add(rest, argv[i]);
	}
	g_ptr_array_add(rest, NULL);
	if (rest->len == 1) {
		g_ptr_array_unref(rest);
		return usage(NULL);
	}
	for (k = 0; k < G_N_ELEMENTS(commands); k++)
		if (strcmp(commands[k].name, rest->pdata[0]) == 0)
			break;
	if (k == G_N_ELEMENTS(commands)) {
		rc = usage("unknown command '%s'", (char *)rest->pdata[0]);
		g_ptr_array_unref(rest);
		return rc;
	}
	rest_name = commands[k].name;
	rc = commands[k].fn(&c, (int)rest->len - 1, (char **)rest->pdata);
	g_ptr_array_unref(rest);
	/* What a command (or a delivered reply) changed on a published case
	 * reaches the site now that it is committed; if the site cannot be
	 * written the change stands and vultured retries. */
	if (c.st != NULL && c.conf != NULL) {
		char *err = NULL;

		if (site_flush(c.st, c.conf, NULL, &err) != STORE_OK) {
			log_warnx("site not written (vultured retries): %s",
			    err);
			if (strcmp(rest_name, "deliver") != 0) {
				char *m = g_strdup_printf("vulturectl: warning: "
				    "the site was not written (vultured "
				    "retries): %s\n", err);

				ctl_print(stderr, m);
				g_free(m);
			}
			g_free(err);
		}
	}
	ctl_cleanup(&c);
	return rc;
}

int
ctl_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctl_vwarn(fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n\n");
	fputs(usage_text, stderr);
	return delivering ? EX_TEMPFAIL : EX_USAGE;
}

int
ctl_parse_id(const char *s, int64_t *id_r)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0)
		return -1;
	*id_r = v;
	return 0;
}

int
ctl_parse_opts(int argc, char **argv, int skip, struct ctl_opt *opts,
    GPtrArray *pos)
{
	int i;

	for (i = skip; i < argc; i++) {
		struct ctl_opt *o;

		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			g_ptr_array_add(pos, argv[i]);
			continue;
		}
		for (o = opts; o != NULL && o->name != NULL; o++)
			if (strcmp(o->name, argv[i]) == 0)
				break;
		if (o == NULL || o->name == NULL)
			return ctl_usage("%s: unknown option '%s'", argv[0],
			    argv[i]);
		if (o->has_arg) {
			if (i + 1 >= argc)
				return ctl_usage("%s: %s needs a value",
				    argv[0], argv[i]);
			if (o->list != NULL)
				g_ptr_array_add(o->list, argv[i + 1]);
			else if (*o->value != NULL)
				return ctl_usage("%s: %s given twice",
				    argv[0], argv[i]);
			else
				*o->value = argv[i + 1];
			i++;
		} else
			*o->flag = 1;
	}
	return 0;
}
