/*
 * cmd.c: the coordinator command parser.  No I/O: text in, struct
 * cmd_block out.  The grammar is described in cmd.h.
 *
 * Each line of a block, in this order:
 *  1. over CMD_MAX_LINE: an error;
 *  2. blank, quoted ('>') or a comment: ignored;
 *  3. thanks / quit / "--": the block ends;
 *  4. a client's attribution ("On ... wrote:" before '>' lines): ignored;
 *  5. a control character other than tab: an error;
 *  6. tokens (with a here-document body read at once), then the command.
 * A line that fails at 1, 5 or tokenising still has a here-document
 * marker as its last word skipped with its body, so that the body is not
 * read as commands and reported line by line.
 *
 * Problems are collected, never fatal: a command with any problem is left
 * out of cmds and each problem goes to errors.  A missing positional
 * argument or an unexpected one stops the checks of that command (what
 * follows has no clear meaning); bad values do not.
 */
#include "config.h"

#include "cmd_p.h"
#include "vulture/lex.h"
#include "vulture/textin.h"

#include <stdarg.h>
#include <string.h>

const char *
cmd_verb_name(enum cmd_verb verb)
{
	switch (verb) {
	case CMD_VENDOR_ADD:
		return "vendor add";
	case CMD_VENDOR_KEY:
		return "vendor key";
	case CMD_VENDOR_KEYWORDS:
		return "vendor keywords";
	case CMD_VENDOR_APPROVE:
		return "vendor approve";
	case CMD_VENDOR_SUSPEND:
		return "vendor suspend";
	case CMD_CASE_OPEN:
		return "case open";
	case CMD_CASE_SUMMARY:
		return "case summary";
	case CMD_CASE_DETAIL:
		return "case detail";
	case CMD_CASE_NOTIFY_KEYWORDS:
		return "case notify keywords";
	case CMD_CASE_NOTIFY_VENDORS:
		return "case notify vendors";
	case CMD_CASE_DISCLOSE:
		return "case disclose";
	case CMD_CASE_DATE:
		return "case date";
	case CMD_CASE_EARLY:
		return "case early sectors";
	case CMD_CASE_SHARE_APPROVE:
		return "case share approve";
	case CMD_CASE_SHARE_CONFIRM:
		return "case share confirm";
	case CMD_CASE_STATUS:
		return "case status";
	case CMD_CASE_LEAK:
		return "case leak";
	case CMD_CASE_UNREACHABLE:
		return "case unreachable";
	case CMD_CASE_PUBLISH:
		return "case publish";
	case CMD_CASE_ADVISORY:
		return "case advisory";
	case CMD_CASE_SHOW:
		return "case show";
	}
	return NULL;
}

/* ---- errors ---- */

static void
cmd_add_error(struct cmd_parser *pp, unsigned line, const char *text,
    char *message)
{
	struct cmd_block *b = pp->block;
	struct cmd_error *err;

	if (b->errors->len >= CMD_MAX_ERRORS) {
		b->errors_dropped++;
		g_free(message);
		return;
	}
	err = g_new0(struct cmd_error, 1);
	err->line = line;
	err->text = g_strdup(text);
	err->message = message;
	g_ptr_array_add(b->errors, err);
}

void
cmd_error(struct cmd_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (c->what != NULL) {
		char *m = g_strdup_printf("%s: %s", c->what, msg);

		g_free(msg);
		msg = m;
	}
	cmd_add_error(c->pp, c->line, c->echo, msg);
	c->errors++;
}

/* ---- block structure ---- */

void
cmd_free(gpointer p)
{
	struct cmd *cmd = p;

	if (cmd == NULL)
		return;
	g_free(cmd->text);
	g_free(cmd->case_id);
	g_free(cmd->handle);
	g_free(cmd->name);
	g_free(cmd->registration);
	g_free(cmd->address);
	g_free(cmd->lang);
	if (cmd->list != NULL)
		g_ptr_array_unref(cmd->list);
	g_free(cmd->value);
	g_free(cmd->when);
	g_free(cmd->status);
	g_free(cmd->reporter);
	g_free(cmd->field);
	g_free(cmd->file);
	g_free(cmd->summary_file);
	g_free(cmd->detail_file);
	g_free(cmd->fingerprint);
	if (cmd->attach != NULL)
		g_ptr_array_unref(cmd->attach);
	g_free(cmd);
}

static void
cmd_error_free(gpointer p)
{
	struct cmd_error *err = p;

	g_free(err->text);
	g_free(err->message);
	g_free(err);
}

struct cmd_block *
cmd_block_new(void)
{
	struct cmd_block *b = g_new0(struct cmd_block, 1);

	b->cmds = g_ptr_array_new_with_free_func(cmd_free);
	b->errors = g_ptr_array_new_with_free_func(cmd_error_free);
	return b;
}

void
cmd_block_free(struct cmd_block **blockp)
{
	struct cmd_block *b;

	if (blockp == NULL || (b = *blockp) == NULL)
		return;
	*blockp = NULL;
	g_ptr_array_unref(b->cmds);
	g_ptr_array_unref(b->errors);
	g_free(b->desk);
	g_free(b);
}

/* "thanks", "Thanks!", "QUIT.", "--" (the "-- " separator, trimmed). */
static gboolean
cmd_is_cut(const char *s, const char *e)
{
	static const char *const words[] = { "thanks", "quit" };
	const char *p;
	size_t i, n;

	if (cmd_span_is(s, e, "--"))
		return TRUE;
	for (i = 0; i < G_N_ELEMENTS(words); i++) {
		n = strlen(words[i]);
		if ((size_t)(e - s) < n || g_ascii_strncasecmp(s, words[i], n))
			continue;
		for (p = s + n; p < e && *p != '\0' &&
		    strchr(".!,;:?~", *p) != NULL; p++)
			;
		if (p == e)
			return TRUE;
	}
	return FALSE;
}

/*
 * "On Mon, ... Alice wrote:" above quoted lines: ends in a colon, does
 * not start with a command word, and the next non-blank line is quoted.
 */
static gboolean
cmd_is_attribution(const struct cmd_parser *pp, const char *s, const char *e)
{
	const char *p = s, *ls, *le, *next = pp->p;

	if (lex_strip_colon(s, e) == NULL)
		return FALSE;
	while (p < e && lex_ws_len(p, e) == 0)
		p++;
	if ((p - s == 6 && g_ascii_strncasecmp(s, "vendor", 6) == 0) ||
	    (p - s == 4 && g_ascii_strncasecmp(s, "case", 4) == 0))
		return FALSE;
	while (cmd_line_at(&next, pp->end, &ls, &le)) {
		ls = lex_ltrim(ls, le);
		if (ls != lex_rtrim(ls, le))
			return *ls == '>';
	}
	return FALSE;
}

/* One command line, trimmed: [s, e). */
static void
cmd_parse_line(struct cmd_parser *pp, const char *s, const char *e)
{
	struct cmd_tok toks[CMD_MAX_TOKENS];
	struct cmd_ctx c;
	char *word = NULL, *body, where[CMD_WHERE_MAX];
	unsigned nlines, i;
	int n;

	memset(&c, 0, sizeof(c));
	c.pp = pp;
	c.line = pp->lineno;
	c.echo = g_strndup(s, e - s);
	if (cmd_has_ctl(s, e, "\t", where)) {
		cmd_error(&c, "control character in line%s", where);
		word = cmd_raw_marker(s, e);
		if (word != NULL)
			cmd_skip_heredoc(&c, word);
		goto out;
	}
	n = cmd_tokenize(&c, s, e, toks, &word);
	if (n < 0) {
		if (word != NULL)
			cmd_skip_heredoc(&c, word);
		goto out;
	}
	if (n == 0)
		goto out;
	c.t = toks;
	c.n = (unsigned)n;
	if (word != NULL) {
		body = cmd_read_heredoc(&c, word, FALSE, &nlines);
		if (body == NULL) {
			for (i = 0; i < c.n; i++)
				g_free(toks[i].s);
			goto out;
		}
		g_free(toks[n - 1].s);
		toks[n - 1].s = body;
		toks[n - 1].len = strlen(body);
		g_free(c.echo);
		c.echo = cmd_heredoc_echo(s, e, toks[n - 1].end, nlines);
	}
	cmd_build(&c);
	for (i = 0; i < c.n; i++)
		g_free(toks[i].s);
out:
	g_free(word);
	g_free(c.echo);
}

static void
cmd_parser_run(struct cmd_parser *pp)
{
	const char *s, *e, *t, *te;

	while (cmd_next_line(pp, &s, &e)) {
		t = lex_ltrim(s, e);
		te = lex_rtrim(t, e);
		if (e - s > CMD_MAX_LINE) {
			struct cmd_ctx c;
			char *word;

			memset(&c, 0, sizeof(c));
			c.pp = pp;
			c.line = pp->lineno;
			c.echo = g_strndup(t, te - t);
			cmd_error(&c, "line longer than %d bytes",
			    CMD_MAX_LINE);
			if ((word = cmd_raw_marker(t, te)) != NULL)
				cmd_skip_heredoc(&c, word);
			g_free(word);
			g_free(c.echo);
			continue;
		}
		if (t == te || *t == '>' || *t == '#')
			continue;
		if (cmd_is_cut(t, te)) {
			pp->block->end_line = pp->lineno;
			return;
		}
		if (cmd_is_attribution(pp, t, te))
			continue;
		cmd_parse_line(pp, t, te);
	}
}

int
cmd_parse(const char *text, size_t len, cmd_case_id_fn *is_case_id,
    void *arg, struct cmd_block **block_r, const char **error_r)
{
	struct cmd_parser pp;

	*block_r = NULL;
	if (textin_check(&text, &len, CMD_MAX_INPUT, error_r) < 0)
		return -1;
	memset(&pp, 0, sizeof(pp));
	pp.block = cmd_block_new();
	pp.is_case_id = is_case_id;
	pp.arg = arg;
	pp.p = text;
	pp.end = text + len;
	cmd_parser_run(&pp);
	*block_r = pp.block;
	return 0;
}
