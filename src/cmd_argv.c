/* cmd_argv.c: the argv form of the command grammar, for vulturectl
 * (cmd.h, cmd_parse_argv()). No I/O. */
#include "config.h"

#include "cmd_p.h"

#include <string.h>

/* Options taking a value in the argv form, for moving them to the end. */
static const char *const cmd_argv_valued[] = {
	"keywords", "lang", "reporter", "date", "reason", "comment",
	"summary", "detail", "attach", NULL
};

/* argv joined as a line that reads back the same. */
static char *
cmd_argv_echo(int argc, char **argv)
{
	GString *out = g_string_new(NULL);
	const char *p;
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (i > 0)
			g_string_append_c(out, ' ');
		if (*a != '\0' && *a != '#' && !g_str_has_prefix(a, "<<") &&
		    strpbrk(a, " \t\n\"\\") == NULL) {
			g_string_append(out, a);
			continue;
		}
		g_string_append_c(out, '"');
		for (p = a; *p != '\0'; p++) {
			if (*p == '\n')
				g_string_append(out, "\\n");
			else if (*p == '"' || *p == '\\')
				g_string_append_printf(out, "\\%c", *p);
			else
				g_string_append_c(out, *p);
		}
		g_string_append_c(out, '"');
	}
	return g_string_free(out, FALSE);
}

static gboolean
cmd_argv_takes_value(const char *opt)
{
	size_t i;

	for (i = 0; cmd_argv_valued[i] != NULL; i++)
		if (g_ascii_strcasecmp(opt, cmd_argv_valued[i]) == 0)
			return TRUE;
	return FALSE;
}

/*
 * Moves "--option [value]" after the positional arguments, keeping both
 * orders, so that options may come anywhere as getopt allows; a lone
 * "--" ends the options and is dropped.  Returns the new count.
 */
static unsigned
cmd_argv_partition(struct cmd_tok *t, unsigned n)
{
	struct cmd_tok *opts = g_new(struct cmd_tok, n);
	unsigned i, npos = 1, nopt = 0;
	gboolean more = TRUE;

	for (i = 1; i < n; i++) {
		if (more && strcmp(t[i].s, "--") == 0) {
			g_free(t[i].s);
			more = FALSE;
		} else if (more && t[i].s[0] == '-' && t[i].s[1] == '-') {
			opts[nopt++] = t[i];
			if (cmd_argv_takes_value(t[i].s + 2) && i + 1 < n)
				opts[nopt++] = t[++i];
		} else
			t[npos++] = t[i];
	}
	memcpy(t + npos, opts, nopt * sizeof(*opts));
	g_free(opts);
	return npos + nopt;
}

int
cmd_parse_argv(int argc, char **argv, cmd_case_id_fn *is_case_id,
    void *arg, struct cmd_block **block_r, const char **error_r)
{
	struct cmd_tok toks[CMD_MAX_TOKENS];
	struct cmd_parser pp;
	struct cmd_ctx c;
	const char *error = NULL;
	char where[CMD_WHERE_MAX];
	size_t total = 0, len;
	int i;

	*block_r = NULL;
	if (argc < 0 || (argv == NULL && argc > 0))
		error = "no input";
	for (i = 0; error == NULL && i < argc; i++) {
		if (argv[i] == NULL) {
			error = "missing argument";
			break;
		}
		len = strlen(argv[i]);
		if ((total += len + 1) > CMD_MAX_INPUT)
			error = "input too large";
		else if (!g_utf8_validate_len(argv[i], len, NULL))
			error = "input is not valid UTF-8";
	}
	if (error != NULL) {
		if (error_r != NULL)
			*error_r = error;
		return -1;
	}
	memset(&pp, 0, sizeof(pp));
	pp.block = cmd_block_new();
	pp.is_case_id = is_case_id;
	pp.arg = arg;
	pp.argv_form = TRUE;
	pp.lineno = 1;
	memset(&c, 0, sizeof(c));
	c.pp = &pp;
	c.line = 1;
	c.echo = cmd_argv_echo(argc, argv);
	if (argc == 0) {
		cmd_error(&c, "missing command (vendor or case)");
	} else if (argc > CMD_MAX_TOKENS) {
		cmd_error(&c, "more than %d arguments", CMD_MAX_TOKENS);
	} else {
		memset(toks, 0, sizeof(toks));
		for (i = 0; i < argc; i++) {
			len = strlen(argv[i]);
			if (len > CMD_MAX_VALUE)
				cmd_error(&c, "argument %d longer than %d "
				    "bytes", i + 1, CMD_MAX_VALUE);
			else if (cmd_has_ctl(argv[i], argv[i] + len,
			    "\t\n", where))
				cmd_error(&c, "control character in argument "
				    "%d%s", i + 1, where);
			toks[i].s = g_strdup(argv[i]);
			toks[i].len = len;
		}
		c.t = toks;
		c.n = cmd_argv_partition(toks, (unsigned)argc);
		if (c.errors == 0)
			cmd_build(&c);
		for (i = 0; i < (int)c.n; i++)
			g_free(toks[i].s);
	}
	g_free(c.echo);
	*block_r = pp.block;
	return 0;
}
