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

#include "vulture/cmd.h"
#include "vulture/ident.h"
#include "vulture/lex.h"
#include "vulture/textin.h"

#include <stdarg.h>
#include <string.h>

#define CMD_SHOW_MAX	48	/* bytes of a value quoted in a message */
#define CMD_WORD_MAX	64	/* bytes of a here-document terminator */

struct cmd_tok {
	char *s;		/* owned, unescaped, NUL-terminated */
	size_t len;
	gboolean heredoc;	/* s is a here-document body */
	size_t end;		/* offset after the token in the trimmed line */
};

struct cmd_parser {
	struct cmd_block *block;
	cmd_case_id_fn *is_case_id;
	void *arg;
	gboolean argv_form;
	const char *p, *end;	/* input not yet read */
	unsigned lineno;	/* the line last read */
	unsigned ncmds;		/* command lines seen, valid or not */
};

/* One command being checked. */
struct cmd_ctx {
	struct cmd_parser *pp;
	unsigned line;
	char *echo;		/* owned: the line as shown */
	struct cmd_tok *t;	/* foreign: the tokens */
	unsigned n, i;		/* token count, next token */
	const char *what;	/* "case date"; NULL before the command */
	struct cmd *cmd;	/* owned */
	unsigned errors;	/* reported for this line */
};

enum cmd_list_kind {
	CMD_LIST_KEYWORDS,
	CMD_LIST_HANDLES,
	CMD_LIST_SECTORS,
};

static const char *const cmd_statuses[] = {
	"affected", "affected-investigating", "not-affected",
	"not-affected-investigating", "unknown", NULL
};
static const char *const cmd_registrations[] = {
	"general", "individual", "early", NULL
};
static const char *const cmd_langs[] = { "en", "ja", NULL };

/* Options taking a value in the argv form, for moving them to the end. */
static const char *const cmd_argv_valued[] = {
	"keywords", "lang", "reporter", "date", "reason", "comment",
	"summary", "detail", "attach", NULL
};

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

/* ---- spans and characters ---- */

static gboolean
cmd_span_is(const char *s, const char *e, const char *str)
{
	return (size_t)(e - s) == strlen(str) && memcmp(s, str, e - s) == 0;
}

/* The first character people's text may not carry (textin.h: C0, DEL,
 * C1, direction controls, zero-width spaces) not in allow, or NULL. */
static const char *
cmd_find_ctl(const char *s, const char *e, const char *allow)
{
	return textin_find_control(s, e, allow);
}

/* Like cmd_find_ctl(), and where it is for a message: " (U+001B at
 * character 5)" in where (CMD_WHERE_MAX bytes). */
#define CMD_WHERE_MAX	48
static gboolean
cmd_has_ctl(const char *s, const char *e, const char *allow, char *where)
{
	const char *p = cmd_find_ctl(s, e, allow);
	char cp[12];
	size_t pos;

	if (p == NULL)
		return FALSE;
	textin_describe(s, p, cp, &pos);
	g_snprintf(where, CMD_WHERE_MAX, " (%s at character %zu)", cp, pos);
	return TRUE;
}

/* Reads the line at *p into [*s, *e) without LF or CRLF. */
static gboolean
cmd_line_at(const char **p, const char *end, const char **s, const char **e)
{
	const char *nl;

	if (*p >= end)
		return FALSE;
	*s = *p;
	nl = memchr(*p, '\n', end - *p);
	*e = nl != NULL ? nl : end;
	*p = nl != NULL ? nl + 1 : end;
	if (*e > *s && (*e)[-1] == '\r')
		(*e)--;
	return TRUE;
}

static gboolean
cmd_next_line(struct cmd_parser *pp, const char **s, const char **e)
{
	if (!cmd_line_at(&pp->p, pp->end, s, e))
		return FALSE;
	pp->lineno++;
	return TRUE;
}

/* A value for a message: shortened, "\n" and tab escaped; g_free() it. */
static char *
cmd_show(const char *s)
{
	GString *out = g_string_new(NULL);
	const char *p, *q;

	for (p = s; *p != '\0'; p = q) {
		q = g_utf8_next_char(p);
		if (out->len >= CMD_SHOW_MAX) {
			g_string_append(out, "...");
			break;
		}
		if (*p == '\n')
			g_string_append(out, "\\n");
		else if (*p == '\t')
			g_string_append(out, "\\t");
		else if (cmd_find_ctl(p, q, "") != NULL)
			g_string_append_c(out, '?');
		else
			g_string_append_len(out, p, q - p);
	}
	return g_string_free(out, FALSE);
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

static void cmd_error(struct cmd_ctx *c, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);

static void
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

static void
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

static struct cmd_block *
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

/* ---- value checks ---- */

static gboolean
cmd_is_case_id(const struct cmd_parser *pp, const struct cmd_tok *t)
{
	size_t i;

	if (t->heredoc || t->len == 0 || t->len > CMD_MAX_CASE_ID)
		return FALSE;
	if (pp->is_case_id != NULL)
		return pp->is_case_id(t->s, pp->arg) != 0;
	for (i = 0; i < t->len; i++)
		if (t->s[i] <= ' ' || t->s[i] > '~' || t->s[i] == '"' ||
		    t->s[i] == '\'')
			return FALSE;
	return TRUE;
}

/* Keyword match, ASCII case-insensitive; never a here-document. */
static gboolean
cmd_kw(const struct cmd_tok *t, const char *kw)
{
	return !t->heredoc && g_ascii_strcasecmp(t->s, kw) == 0;
}

/* An option word: also "--word" in the argv form. */
static gboolean
cmd_opt_word(const struct cmd_ctx *c, const struct cmd_tok *t,
    const char *kw)
{
	if (cmd_kw(t, kw))
		return TRUE;
	return c->pp->argv_form && t->s[0] == '-' && t->s[1] == '-' &&
	    g_ascii_strcasecmp(t->s + 2, kw) == 0;
}

/* ---- arguments ---- */

/* The next positional argument; reports it missing and returns NULL. */
static const struct cmd_tok *
cmd_arg(struct cmd_ctx *c, const char *name)
{
	if (c->i >= c->n) {
		cmd_error(c, "missing %s", name);
		return NULL;
	}
	return &c->t[c->i++];
}

/* If the next token is option kw, consumes it; reports a repeat. */
static gboolean
cmd_opt(struct cmd_ctx *c, const char *kw, gboolean *seen)
{
	if (c->i >= c->n || !cmd_opt_word(c, &c->t[c->i], kw))
		return FALSE;
	c->i++;
	if (seen != NULL) {
		if (*seen)
			cmd_error(c, "%s given twice", kw);
		*seen = TRUE;
	}
	return TRUE;
}

/* Reports the first token nobody took. */
static void
cmd_end(struct cmd_ctx *c)
{
	char *v;

	if (c->i >= c->n)
		return;
	v = cmd_show(c->t[c->i].s);
	cmd_error(c, "unexpected argument '%s'", v);
	g_free(v);
	c->i = c->n;
}

/* Here-documents give texts only. */
static gboolean
cmd_not_heredoc(struct cmd_ctx *c, const struct cmd_tok *t,
    const char *name)
{
	if (!t->heredoc)
		return TRUE;
	cmd_error(c, "%s cannot be a here-document", name);
	return FALSE;
}

static void
cmd_set(char **dst, const char *s)
{
	g_free(*dst);
	*dst = g_strdup(s);
}

static void
cmd_take_handle(struct cmd_ctx *c, const struct cmd_tok *t, char **dst)
{
	char *v;

	if (!cmd_not_heredoc(c, t, "HANDLE"))
		return;
	if (ident_handle_ok(t->s)) {
		cmd_set(dst, t->s);
		return;
	}
	v = cmd_show(t->s);
	cmd_error(c, "bad handle '%s' (a-z, then up to %d of a-z 0-9 . _ -)",
	    v, CMD_MAX_HANDLE - 1);
	g_free(v);
}

static void
cmd_take_when(struct cmd_ctx *c, const struct cmd_tok *t, char **dst)
{
	struct lex_date when;
	char *v;

	if (!cmd_not_heredoc(c, t, "WHEN"))
		return;
	if (lex_date(t->s, t->s + t->len, LEX_DATE_TIME, &when) == 0) {
		cmd_set(dst, t->s);
		return;
	}
	v = cmd_show(t->s);
	cmd_error(c, "bad date '%s' (an existing YYYY-MM-DD or "
	    "YYYY-MM-DDTHH:MM[:SS] with optional Z or +HH:MM)", v);
	g_free(v);
}

/* One of choices, stored in lower case. */
static void
cmd_take_choice(struct cmd_ctx *c, const struct cmd_tok *t,
    const char *name, const char *const *choices, char **dst)
{
	GString *list;
	char *v;
	size_t i;

	if (!cmd_not_heredoc(c, t, name))
		return;
	for (i = 0; choices[i] != NULL; i++) {
		if (cmd_kw(t, choices[i])) {
			cmd_set(dst, choices[i]);
			return;
		}
	}
	list = g_string_new(NULL);
	for (i = 0; choices[i] != NULL; i++)
		g_string_append_printf(list, "%s%s", i > 0 ? ", " : "",
		    choices[i]);
	v = cmd_show(t->s);
	cmd_error(c, "bad %s '%s' (%s)", name, v, list->str);
	g_free(v);
	g_string_free(list, TRUE);
}

/*
 * Free text: not empty, at most max bytes, no control characters but,
 * for multi-line texts, newline and tab.
 */
static void
cmd_take_text(struct cmd_ctx *c, const struct cmd_tok *t, const char *name,
    size_t max, gboolean multiline, char **dst)
{
	const char *s = t->s, *e = s + t->len, *p = s;
	char where[CMD_WHERE_MAX];
	size_t n;

	while ((n = lex_ws_len(p, e)) > 0 || (p < e && *p == '\n'))
		p += n > 0 ? n : 1;
	if (p == e)
		cmd_error(c, "empty %s", name);
	else if (t->len > max)
		cmd_error(c, "%s longer than %zu bytes", name, max);
	else if (!multiline && memchr(s, '\n', t->len) != NULL)
		cmd_error(c, "%s must be one line", name);
	else if (cmd_has_ctl(s, e, multiline ? "\t\n" : "", where))
		cmd_error(c, "control character in %s%s", name, where);
	else
		cmd_set(dst, s);
}

/* An argv-form path: "-" is standard input. */
static void
cmd_take_file(struct cmd_ctx *c, const struct cmd_tok *t, char **dst)
{
	char where[CMD_WHERE_MAX];

	if (t->len == 0)
		cmd_error(c, "empty FILE");
	else if (t->len > CMD_MAX_PATH)
		cmd_error(c, "FILE longer than %d bytes", CMD_MAX_PATH);
	else if (cmd_has_ctl(t->s, t->s + t->len, "", where))
		cmd_error(c, "control character in FILE%s", where);
	else
		cmd_set(dst, t->s);
}

static void
cmd_take_number(struct cmd_ctx *c, const struct cmd_tok *t, unsigned *dst)
{
	unsigned v = 0;
	size_t i;
	char *show;

	if (!cmd_not_heredoc(c, t, "N"))
		return;
	/* 1 to 999999999: no sign, no leading zero, no overflow. */
	if (t->len >= 1 && t->len <= 9 && t->s[0] != '0') {
		for (i = 0; i < t->len && g_ascii_isdigit(t->s[i]); i++)
			v = v * 10 + (unsigned)(t->s[i] - '0');
		if (i == t->len) {
			*dst = v;
			return;
		}
	}
	show = cmd_show(t->s);
	cmd_error(c, "bad number '%s' (a positive integer)", show);
	g_free(show);
}

static gboolean
cmd_list_has(const GPtrArray *list, const char *s)
{
	guint i;

	for (i = 0; i < list->len; i++)
		if (strcmp(g_ptr_array_index(list, i), s) == 0)
			return TRUE;
	return FALSE;
}

/*
 * A comma-separated list in one token.  Blanks around items (in a quoted
 * token) are dropped, repeats are dropped, empty items are errors.  The
 * bad items are reported in one message.
 */
static void
cmd_take_list(struct cmd_ctx *c, const struct cmd_tok *t,
    enum cmd_list_kind kind, GPtrArray **dst)
{
	static const char *const what[] = {
		[CMD_LIST_KEYWORDS] = "keyword",
		[CMD_LIST_HANDLES] = "handle",
		[CMD_LIST_SECTORS] = "sector",
	};
	GPtrArray *list;
	GString *bad;
	gchar **items;
	unsigned nbad = 0, nitems, i;
	gboolean empty = FALSE;

	if (!cmd_not_heredoc(c, t, "LIST"))
		return;
	items = g_strsplit(t->s, ",", -1);
	nitems = g_strv_length(items);
	if (nitems == 0) {
		cmd_error(c, "empty LIST");
		g_strfreev(items);
		return;
	}
	if (nitems > CMD_MAX_LIST) {
		cmd_error(c, "more than %d items in LIST", CMD_MAX_LIST);
		g_strfreev(items);
		return;
	}
	list = g_ptr_array_new_with_free_func(g_free);
	bad = g_string_new(NULL);
	for (i = 0; i < nitems; i++) {
		char *item = g_strstrip(items[i]);
		const char *keep = NULL;
		gboolean ok = FALSE;

		if (*item == '\0') {
			empty = TRUE;
			continue;
		}
		switch (kind) {
		case CMD_LIST_KEYWORDS:
			ok = ident_keyword_ok(item);
			keep = item;
			break;
		case CMD_LIST_HANDLES:
			ok = ident_handle_ok(item);
			keep = item;
			break;
		case CMD_LIST_SECTORS:
			keep = ident_sector_find(item);
			ok = keep != NULL;
			break;
		}
		if (!ok) {
			char *v = cmd_show(item);

			g_string_append_printf(bad, "%s'%s'",
			    nbad++ > 0 ? ", " : "", v);
			g_free(v);
		} else if (!cmd_list_has(list, keep))
			g_ptr_array_add(list, g_strdup(keep));
	}
	if (empty)
		cmd_error(c, "empty item in LIST (write a,b,c)");
	if (nbad > 0 && kind == CMD_LIST_SECTORS)
		cmd_error(c, "unknown sector%s %s (" IDENT_SECTORS ")",
		    nbad > 1 ? "s" : "", bad->str);
	else if (nbad > 0)
		cmd_error(c, "bad %s%s %s", what[kind], nbad > 1 ? "s" : "",
		    bad->str);
	if (!empty && nbad == 0) {
		if (*dst != NULL)
			g_ptr_array_unref(*dst);
		*dst = list;
		list = NULL;
	}
	if (list != NULL)
		g_ptr_array_unref(list);
	g_string_free(bad, TRUE);
	g_strfreev(items);
}

/* ---- vendor commands ---- */

static void
cmd_vendor_add(struct cmd_ctx *c)
{
	struct cmd *cmd = c->cmd;
	const struct cmd_tok *t;
	gboolean seen_kw = FALSE, seen_lang = FALSE;
	char *v;

	if ((t = cmd_arg(c, "HANDLE")) == NULL)
		return;
	cmd_take_handle(c, t, &cmd->handle);
	if ((t = cmd_arg(c, "NAME")) == NULL)
		return;
	cmd_take_text(c, t, "NAME", CMD_MAX_NAME, FALSE, &cmd->name);
	if ((t = cmd_arg(c, "general or individual")) == NULL)
		return;
	cmd_take_choice(c, t, "registration", cmd_registrations,
	    &cmd->registration);
	if ((t = cmd_arg(c, "ADDRESS")) == NULL)
		return;
	if (!cmd_not_heredoc(c, t, "ADDRESS")) {
	} else if (ident_address_ok(t->s)) {
		cmd_set(&cmd->address, t->s);
	} else {
		v = cmd_show(t->s);
		cmd_error(c, "bad address '%s' (local@domain.tld)", v);
		g_free(v);
	}
	for (;;) {
		if (cmd_opt(c, "keywords", &seen_kw)) {
			if ((t = cmd_arg(c, "LIST after keywords")) == NULL)
				return;
			cmd_take_list(c, t, CMD_LIST_KEYWORDS, &cmd->list);
		} else if (cmd_opt(c, "lang", &seen_lang)) {
			if ((t = cmd_arg(c, "en or ja after lang")) == NULL)
				return;
			cmd_take_choice(c, t, "lang", cmd_langs, &cmd->lang);
		} else
			break;
	}
}

/* A fingerprint as people write one (ident_fpr_parse()). */
static void
cmd_take_fpr(struct cmd_ctx *c, const struct cmd_tok *t, char **dst)
{
	char fpr[IDENT_FPR_LEN + 1], *v;
	const char *why;

	if (!cmd_not_heredoc(c, t, "FINGERPRINT"))
		return;
	if (ident_fpr_parse(t->s, t->len, fpr, &why) == 0) {
		cmd_set(dst, fpr);
		return;
	}
	v = cmd_show(t->s);
	cmd_error(c, "bad fingerprint '%s' (%s)", v, why);
	g_free(v);
}

static void
cmd_vendor_key(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "HANDLE")) == NULL)
		return;
	cmd_take_handle(c, t, &c->cmd->handle);
	/* vendor key HANDLE confirm FPR: a key proposed by mail. */
	if (c->i < c->n && cmd_kw(&c->t[c->i], "confirm")) {
		c->i++;
		if ((t = cmd_arg(c, "FINGERPRINT")) != NULL)
			cmd_take_fpr(c, t, &c->cmd->fingerprint);
		return;
	}
	/* In mail the key is the attached application/pgp-keys part. */
	if (c->pp->argv_form && c->i < c->n)
		cmd_take_file(c, &c->t[c->i++], &c->cmd->file);
}

static void
cmd_vendor_keywords(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "HANDLE")) == NULL)
		return;
	cmd_take_handle(c, t, &c->cmd->handle);
	if ((t = cmd_arg(c, "LIST")) == NULL)
		return;
	cmd_take_list(c, t, CMD_LIST_KEYWORDS, &c->cmd->list);
}

/* approve, suspend; also case disclose, unreachable. */
static void
cmd_handle_only(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "HANDLE")) == NULL)
		return;
	cmd_take_handle(c, t, &c->cmd->handle);
}

static const struct cmd_sub {
	const char *word;
	const char *word2;	/* second word, NULL if none */
	enum cmd_verb verb;
	void (*fn)(struct cmd_ctx *);
} cmd_vendor_subs[] = {
	{ "add", NULL, CMD_VENDOR_ADD, cmd_vendor_add },
	{ "key", NULL, CMD_VENDOR_KEY, cmd_vendor_key },
	{ "keywords", NULL, CMD_VENDOR_KEYWORDS, cmd_vendor_keywords },
	{ "approve", NULL, CMD_VENDOR_APPROVE, cmd_handle_only },
	{ "suspend", NULL, CMD_VENDOR_SUSPEND, cmd_handle_only },
};

/* ---- case commands ---- */

static void
cmd_case_open(struct cmd_ctx *c)
{
	struct cmd *cmd = c->cmd;
	const struct cmd_tok *t;
	gboolean seen_single = FALSE, seen_rep = FALSE, seen_date = FALSE;
	gboolean seen_sum = FALSE, seen_det = FALSE, argv = c->pp->argv_form;
	char *file;

	if ((t = cmd_arg(c, "TITLE")) == NULL)
		return;
	cmd_take_text(c, t, "TITLE", CMD_MAX_TITLE, FALSE, &cmd->value);
	for (;;) {
		if (cmd_opt(c, "single-vendor", &seen_single)) {
			cmd->single_vendor = 1;
		} else if (cmd_opt(c, "reporter", &seen_rep)) {
			if ((t = cmd_arg(c, "REF after reporter")) == NULL)
				return;
			cmd_take_text(c, t, "reporter", CMD_MAX_REPORTER,
			    FALSE, &cmd->reporter);
		} else if (cmd_opt(c, "date", &seen_date)) {
			if ((t = cmd_arg(c, "WHEN after date")) == NULL)
				return;
			cmd_take_when(c, t, &cmd->when);
		} else if (argv && cmd_opt(c, "summary", &seen_sum)) {
			if ((t = cmd_arg(c, "FILE after summary")) == NULL)
				return;
			cmd_take_file(c, t, &cmd->summary_file);
		} else if (argv && cmd_opt(c, "detail", &seen_det)) {
			if ((t = cmd_arg(c, "FILE after detail")) == NULL)
				return;
			cmd_take_file(c, t, &cmd->detail_file);
		} else if (argv && cmd_opt(c, "attach", NULL)) {
			if ((t = cmd_arg(c, "FILE after attach")) == NULL)
				return;
			file = NULL;
			cmd_take_file(c, t, &file);
			if (file == NULL)
				continue;
			if (cmd->attach == NULL)
				cmd->attach =
				    g_ptr_array_new_with_free_func(g_free);
			g_ptr_array_add(cmd->attach, file);
		} else
			break;
	}
}

/* summary, detail: a text in mail, a file in the argv form. */
static void
cmd_case_text(struct cmd_ctx *c)
{
	struct cmd *cmd = c->cmd;
	const struct cmd_tok *t;
	char *file;

	if (c->pp->argv_form) {
		if ((t = cmd_arg(c, "FILE")) == NULL)
			return;
		cmd_take_file(c, t, &cmd->file);
		while (cmd->verb == CMD_CASE_DETAIL &&
		    cmd_opt(c, "attach", NULL)) {
			if ((t = cmd_arg(c, "FILE after attach")) == NULL)
				return;
			file = NULL;
			cmd_take_file(c, t, &file);
			if (file == NULL)
				continue;
			if (cmd->attach == NULL)
				cmd->attach =
				    g_ptr_array_new_with_free_func(g_free);
			g_ptr_array_add(cmd->attach, file);
		}
		return;
	}
	if ((t = cmd_arg(c, "TEXT (quoted or <<EOF)")) == NULL)
		return;
	cmd_take_text(c, t, cmd->verb == CMD_CASE_SUMMARY ? "summary" :
	    "detail", CMD_MAX_TEXT, TRUE, &cmd->value);
}

static void
cmd_case_notify(struct cmd_ctx *c)
{
	const struct cmd_tok *t;
	gboolean seen_force = FALSE;

	if ((t = cmd_arg(c, "LIST")) == NULL)
		return;
	cmd_take_list(c, t, c->cmd->verb == CMD_CASE_NOTIFY_KEYWORDS ?
	    CMD_LIST_KEYWORDS : CMD_LIST_HANDLES, &c->cmd->list);
	if (cmd_opt(c, "force", &seen_force))
		c->cmd->force = 1;
}

static void
cmd_case_date(struct cmd_ctx *c)
{
	const struct cmd_tok *t;
	gboolean seen_reason = FALSE;

	if ((t = cmd_arg(c, "WHEN")) == NULL)
		return;
	cmd_take_when(c, t, &c->cmd->when);
	while (cmd_opt(c, "reason", &seen_reason)) {
		if ((t = cmd_arg(c, "TEXT after reason")) == NULL)
			return;
		cmd_take_text(c, t, "reason", CMD_MAX_REASON, TRUE,
		    &c->cmd->value);
	}
}

static void
cmd_case_early(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "LIST of sectors")) == NULL)
		return;
	cmd_take_list(c, t, CMD_LIST_SECTORS, &c->cmd->list);
}

static void
cmd_case_share(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "N")) == NULL)
		return;
	cmd_take_number(c, t, &c->cmd->number);
}

static void
cmd_case_share_confirm(struct cmd_ctx *c)
{
	const struct cmd_tok *t;

	if ((t = cmd_arg(c, "N")) == NULL)
		return;
	cmd_take_number(c, t, &c->cmd->number);
	if ((t = cmd_arg(c, "FINGERPRINT")) == NULL)
		return;
	cmd_take_fpr(c, t, &c->cmd->fingerprint);
}

static void
cmd_case_status(struct cmd_ctx *c)
{
	const struct cmd_tok *t;
	gboolean seen_comment = FALSE;

	if ((t = cmd_arg(c, "HANDLE")) == NULL)
		return;
	cmd_take_handle(c, t, &c->cmd->handle);
	if ((t = cmd_arg(c, "STATUS")) == NULL)
		return;
	cmd_take_choice(c, t, "status", cmd_statuses, &c->cmd->status);
	while (cmd_opt(c, "comment", &seen_comment)) {
		if ((t = cmd_arg(c, "TEXT after comment")) == NULL)
			return;
		cmd_take_text(c, t, "comment", CMD_MAX_COMMENT, TRUE,
		    &c->cmd->value);
	}
}

/* advisory FIELD TEXT|<<EOF (FILE in the argv form): a text of the
 * public advisory. */
static void
cmd_case_advisory(struct cmd_ctx *c)
{
	static const char *const fields[] = { "overview", "affected",
	    "description", "impact", "solution", "addendum", "credits",
	    "references", NULL };
	struct cmd *cmd = c->cmd;
	const struct cmd_tok *t;
	int i;

	if ((t = cmd_arg(c, "FIELD")) == NULL)
		return;
	for (i = 0; fields[i] != NULL; i++)
		if (g_ascii_strcasecmp(t->s, fields[i]) == 0)
			break;
	if (fields[i] == NULL) {
		cmd_error(c, "unknown field '%s' (overview, "
		    "affected, description, impact, solution, addendum, "
		    "credits, references)", t->s);
		return;
	}
	cmd->field = g_strdup(fields[i]);
	if (c->pp->argv_form) {
		if ((t = cmd_arg(c, "FILE")) == NULL)
			return;
		cmd_take_file(c, t, &cmd->file);
		return;
	}
	if ((t = cmd_arg(c, "TEXT (quoted or <<EOF)")) == NULL)
		return;
	cmd_take_text(c, t, fields[i], CMD_MAX_TEXT, TRUE, &cmd->value);
}

static void
cmd_case_leak(struct cmd_ctx *c)
{
	const struct cmd_tok *t;
	gboolean seen_date = FALSE;

	if ((t = cmd_arg(c, "REASON")) == NULL)
		return;
	cmd_take_text(c, t, "reason", CMD_MAX_REASON, TRUE, &c->cmd->value);
	while (cmd_opt(c, "date", &seen_date)) {
		if ((t = cmd_arg(c, "WHEN after date")) == NULL)
			return;
		cmd_take_when(c, t, &c->cmd->when);
	}
}

static void
cmd_case_publish(struct cmd_ctx *c)
{
	gboolean seen_now = FALSE;

	if (cmd_opt(c, "now", &seen_now))
		c->cmd->now = 1;
}

static void
cmd_case_show(struct cmd_ctx *c)
{
	(void)c;
}

static const struct cmd_sub cmd_case_subs[] = {
	{ "summary", NULL, CMD_CASE_SUMMARY, cmd_case_text },
	{ "detail", NULL, CMD_CASE_DETAIL, cmd_case_text },
	{ "notify", "keywords", CMD_CASE_NOTIFY_KEYWORDS, cmd_case_notify },
	{ "notify", "vendors", CMD_CASE_NOTIFY_VENDORS, cmd_case_notify },
	{ "disclose", NULL, CMD_CASE_DISCLOSE, cmd_handle_only },
	{ "date", NULL, CMD_CASE_DATE, cmd_case_date },
	{ "early", "sectors", CMD_CASE_EARLY, cmd_case_early },
	{ "share", "approve", CMD_CASE_SHARE_APPROVE, cmd_case_share },
	{ "share", "confirm", CMD_CASE_SHARE_CONFIRM, cmd_case_share_confirm },
	{ "status", NULL, CMD_CASE_STATUS, cmd_case_status },
	{ "leak", NULL, CMD_CASE_LEAK, cmd_case_leak },
	{ "unreachable", NULL, CMD_CASE_UNREACHABLE, cmd_handle_only },
	{ "publish", NULL, CMD_CASE_PUBLISH, cmd_case_publish },
	{ "advisory", NULL, CMD_CASE_ADVISORY, cmd_case_advisory },
	{ "show", NULL, CMD_CASE_SHOW, cmd_case_show },
};

/*
 * Runs the sub-command of table subs named by the token at c->i (and the
 * next one for two-word commands).  Returns FALSE if the first word is
 * not in the table, having reported nothing.
 */
static gboolean
cmd_run_sub(struct cmd_ctx *c, const struct cmd_sub *subs, size_t nsubs)
{
	const struct cmd_tok *w = &c->t[c->i];
	GString *alts;
	char *v;
	size_t k;
	gboolean found = FALSE;

	for (k = 0; k < nsubs; k++) {
		if (!cmd_kw(w, subs[k].word))
			continue;
		found = TRUE;
		if (subs[k].word2 != NULL && (c->i + 1 >= c->n ||
		    !cmd_kw(&c->t[c->i + 1], subs[k].word2)))
			continue;
		c->cmd->verb = subs[k].verb;
		c->what = cmd_verb_name(subs[k].verb);
		c->i += subs[k].word2 != NULL ? 2 : 1;
		subs[k].fn(c);
		cmd_end(c);
		return TRUE;
	}
	if (!found)
		return FALSE;
	/* The first word of a two-word command without a good second. */
	alts = g_string_new(NULL);
	for (k = 0; k < nsubs; k++)
		if (cmd_kw(w, subs[k].word))
			g_string_append_printf(alts, "%s%s",
			    alts->len > 0 ? " or " : "", subs[k].word2);
	v = c->i + 1 < c->n ? cmd_show(c->t[c->i + 1].s) : NULL;
	if (v != NULL)
		cmd_error(c, "%s: expected %s, not '%s'", w->s, alts->str, v);
	else
		cmd_error(c, "%s: missing %s", w->s, alts->str);
	g_free(v);
	g_string_free(alts, TRUE);
	return TRUE;
}

static gboolean
cmd_is_case_word(const struct cmd_tok *t)
{
	size_t k;

	for (k = 0; k < G_N_ELEMENTS(cmd_case_subs); k++)
		if (cmd_kw(t, cmd_case_subs[k].word))
			return TRUE;
	return cmd_kw(t, "open");
}

static void
cmd_case(struct cmd_ctx *c)
{
	struct cmd_tok tmp;
	char *v;
	gboolean id1, word1, word2;

	c->what = "case";
	if (c->n < 2) {
		cmd_error(c, "missing case id and command");
		return;
	}
	if (cmd_kw(&c->t[1], "open")) {
		c->cmd->verb = CMD_CASE_OPEN;
		c->what = cmd_verb_name(CMD_CASE_OPEN);
		c->i = 2;
		cmd_case_open(c);
		cmd_end(c);
		return;
	}
	id1 = cmd_is_case_id(c->pp, &c->t[1]);
	word1 = cmd_is_case_word(&c->t[1]);
	/* "case VERB ID ...": put the id first.  A word wins over an id
	   only when an id follows it, for id formats that match words. */
	if (word1 && c->n > 2 && cmd_is_case_id(c->pp, &c->t[2])) {
		tmp = c->t[1];
		c->t[1] = c->t[2];
		c->t[2] = tmp;
	} else if (!id1) {
		v = cmd_show(c->t[1].s);
		word2 = c->n > 2 && cmd_is_case_word(&c->t[2]);
		if (word1 && c->n > 2) {
			char *v2 = cmd_show(c->t[2].s);

			cmd_error(c, "bad case id '%s'", v2);
			g_free(v2);
		} else if (word1)
			cmd_error(c, "%s: missing case id", v);
		else if (word2)
			cmd_error(c, "bad case id '%s'", v);
		else
			cmd_error(c, "expected a case id or a command, not "
			    "'%s'", v);
		g_free(v);
		return;
	}
	c->cmd->case_id = g_strdup(c->t[1].s);
	c->i = 2;
	if (c->n < 3) {
		cmd_error(c, "missing command after the case id");
		return;
	}
	if (cmd_run_sub(c, cmd_case_subs, G_N_ELEMENTS(cmd_case_subs)))
		return;
	v = cmd_show(c->t[2].s);
	cmd_error(c, "unknown command '%s' (summary, detail, notify, disclose, "
	    "date, early, share, status, leak, unreachable, publish, show)",
	    v);
	g_free(v);
}

static void
cmd_vendor(struct cmd_ctx *c)
{
	char *v;

	c->what = "vendor";
	c->i = 1;
	if (c->n < 2) {
		cmd_error(c, "missing command (add, key, keywords, approve, "
		    "suspend)");
		return;
	}
	if (cmd_run_sub(c, cmd_vendor_subs, G_N_ELEMENTS(cmd_vendor_subs)))
		return;
	v = cmd_show(c->t[1].s);
	cmd_error(c, "unknown command '%s' (add, key, keywords, approve, "
	    "suspend)", v);
	g_free(v);
}

/* "desk ADDRESS": where the signed block may run. */
static void
cmd_desk(struct cmd_ctx *c)
{
	struct cmd_parser *pp = c->pp;
	char *v;

	c->what = "desk";
	if (pp->argv_form) {
		cmd_error(c, "only a mail block names its desk");
		return;
	}
	if (pp->ncmds > 0) {
		cmd_error(c, "must come before the first command");
		return;
	}
	if (pp->block->desk != NULL) {
		cmd_error(c, "given twice (line %u)", pp->block->desk_line);
		return;
	}
	if (c->n != 2 || c->t[1].heredoc || !ident_address_ok(c->t[1].s)) {
		v = c->n > 1 ? cmd_show(c->t[1].s) : NULL;
		cmd_error(c, "expected one ADDRESS%s%s%s", v ? ", not '" : "",
		    v ? v : "", v ? "'" : "");
		g_free(v);
		return;
	}
	pp->block->desk = g_strdup(c->t[1].s);
	pp->block->desk_line = c->line;
}

/* Checks the tokens of one command; keeps it if all is well. */
static void
cmd_build(struct cmd_ctx *c)
{
	struct cmd_parser *pp = c->pp;
	char *v;

	if (cmd_kw(&c->t[0], "desk")) {
		cmd_desk(c);
		return;
	}
	if (++pp->ncmds == CMD_MAX_COMMANDS + 1)
		cmd_error(c, "more than %d commands in one block",
		    CMD_MAX_COMMANDS);
	c->cmd = g_new0(struct cmd, 1);
	c->cmd->line = c->line;
	c->cmd->text = g_strdup(c->echo);
	if (cmd_kw(&c->t[0], "vendor")) {
		cmd_vendor(c);
	} else if (cmd_kw(&c->t[0], "case")) {
		cmd_case(c);
	} else {
		v = cmd_show(c->t[0].s);
		cmd_error(c, "unknown command '%s' (commands start with "
		    "vendor or case; end the block with a line thanks)", v);
		g_free(v);
	}
	if (c->errors == 0 && pp->ncmds <= CMD_MAX_COMMANDS) {
		g_ptr_array_add(pp->block->cmds, c->cmd);
		c->cmd = NULL;
	}
	cmd_free(c->cmd);
	c->cmd = NULL;
}

/* ---- lines ---- */

/*
 * Is [s, e) a here-document marker <<WORD or <<'WORD'?  1 with *word_r
 * (g_free), 0 if it does not start with "<<", -1 if malformed.
 */
static int
cmd_heredoc_marker(const char *s, const char *e, char **word_r)
{
	const char *p;

	*word_r = NULL;
	if (!lex_has_prefix(s, e, "<<"))
		return 0;
	s += 2;
	if (s < e && *s == '\'') {
		if (e - s < 2 || e[-1] != '\'')
			return -1;
		s++;
		e--;
	}
	if (s == e || e - s > CMD_WORD_MAX ||
	    (!g_ascii_isalpha(*s) && *s != '_'))
		return -1;
	for (p = s; p < e; p++)
		if (!g_ascii_isalnum(*p) && *p != '_')
			return -1;
	*word_r = g_strndup(s, e - s);
	return 1;
}

/*
 * The terminator of a marker that is the last whitespace-separated word
 * of [s, e), NULL if none; g_free() it.  For lines in error, whose body
 * is skipped rather than read as commands.
 */
static char *
cmd_raw_marker(const char *s, const char *e)
{
	const char *w = e;
	char *word;

	while (w > s && lex_ws_len(w - 1, e) == 0)
		w--;
	if (cmd_heredoc_marker(w, e, &word) <= 0)
		return NULL;
	return word;
}

/*
 * Splits the trimmed line [s, e) into at most CMD_MAX_TOKENS tokens.
 * Returns the count, or -1 after reporting an error.  *word_r gets the
 * terminator of a well-formed here-document marker, even misplaced (then
 * with an error), so that its body can be skipped.
 */
static int
cmd_tokenize(struct cmd_ctx *c, const char *s, const char *e,
    struct cmd_tok *toks, char **word_r)
{
	const char *p = s, *start;
	GString *v;
	unsigned n = 0, i;
	char *word;
	int r;

	*word_r = NULL;
	for (;;) {
		p = lex_ltrim(p, e);
		if (p == e || *p == '#')
			break;
		if (n == CMD_MAX_TOKENS) {
			cmd_error(c, "more than %d arguments on a line",
			    CMD_MAX_TOKENS);
			goto fail;
		}
		v = g_string_new(NULL);
		start = p;
		toks[n].heredoc = FALSE;
		if (*p == '"') {
			for (p++;; p++) {
				if (p == e) {
					cmd_error(c, "unterminated quoted "
					    "string");
					g_string_free(v, TRUE);
					goto fail;
				}
				if (*p == '"')
					break;
				if (*p == '\\' && p + 1 < e &&
				    strchr("\"\\n", p[1]) != NULL) {
					p++;
					g_string_append_c(v, *p == 'n' ? '\n' :
					    *p);
				} else
					g_string_append_c(v, *p);
			}
			p++;
			if (p < e && lex_ws_len(p, e) == 0) {
				cmd_error(c, "a space must follow a closing "
				    "quote");
				g_string_free(v, TRUE);
				goto fail;
			}
		} else {
			for (; p < e && lex_ws_len(p, e) == 0; p++) {
				if (*p == '"') {
					cmd_error(c, "'\"' inside a word; "
					    "quote the whole argument");
					g_string_free(v, TRUE);
					goto fail;
				}
			}
			g_string_append_len(v, start, p - start);
			r = cmd_heredoc_marker(start, p, &word);
			if (r < 0) {
				char *show = cmd_show(v->str);

				cmd_error(c, "bad here-document marker '%s' "
				    "(<<WORD or <<'WORD', WORD of letters, "
				    "digits and _)", show);
				g_free(show);
			} else if (r > 0) {
				g_free(*word_r);
				*word_r = word;
				toks[n].heredoc = TRUE;
			}
		}
		if (v->len > CMD_MAX_VALUE)
			cmd_error(c, "argument longer than %d bytes",
			    CMD_MAX_VALUE);
		toks[n].len = v->len;
		toks[n].s = g_string_free(v, FALSE);
		toks[n].end = p - s;
		n++;
	}
	for (i = 0; i + 1 < n; i++) {
		if (toks[i].heredoc) {
			cmd_error(c, "a here-document marker must be the last "
			    "argument");
			break;
		}
	}
	if (c->errors > 0) {
		for (i = 0; i < n; i++)
			g_free(toks[i].s);
		return -1;
	}
	return (int)n;
fail:
	for (i = 0; i < n; i++)
		g_free(toks[i].s);
	g_free(*word_r);
	*word_r = cmd_raw_marker(s, e);
	return -1;
}

/*
 * Reads the body of a here-document, up to a line that is word.  Returns
 * the body with *nlines_r set, NULL if the body is bad or the terminator
 * is missing (the input is then used up).  Problems of the body are
 * reported unless skipping; a missing terminator always is.
 */
static char *
cmd_read_heredoc(struct cmd_ctx *c, const char *word, gboolean skipping,
    unsigned *nlines_r)
{
	struct cmd_parser *pp = c->pp;
	GString *body = g_string_new(NULL);
	const char *s, *e, *t, *te;
	char where[CMD_WHERE_MAX];
	unsigned first = pp->lineno + 1;
	gboolean over = FALSE, bad = FALSE;

	*nlines_r = 0;
	while (cmd_next_line(pp, &s, &e)) {
		t = lex_ltrim(s, e);
		te = lex_rtrim(t, e);
		if (cmd_span_is(t, te, word)) {
			if (over && !skipping)
				cmd_error(c, "here-document longer than %d "
				    "bytes", CMD_MAX_HEREDOC);
			if (over || bad) {
				g_string_free(body, TRUE);
				return NULL;
			}
			return g_string_free(body, FALSE);
		}
		++*nlines_r;
		if (skipping) {
			bad = TRUE;
			continue;
		}
		if (e - s > CMD_MAX_LINE) {
			cmd_error(c, "here-document line %u longer than %d "
			    "bytes", pp->lineno, CMD_MAX_LINE);
			bad = TRUE;
		} else if (cmd_has_ctl(s, e, "\t", where)) {
			cmd_error(c, "control character in here-document "
			    "line %u%s", pp->lineno, where);
			bad = TRUE;
		}
		if (over || body->len + (e - s) + 1 > CMD_MAX_HEREDOC) {
			over = TRUE;
			continue;
		}
		g_string_append_len(body, s, e - s);
		g_string_append_c(body, '\n');
	}
	cmd_error(c, "here-document not terminated (no line '%s' after line "
	    "%u)", word, first - 1);
	g_string_free(body, TRUE);
	return NULL;
}

/* Skips the body of a here-document on a line already in error. */
static void
cmd_skip_heredoc(struct cmd_ctx *c, const char *word)
{
	unsigned n;

	g_free(cmd_read_heredoc(c, word, TRUE, &n));
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

/* The echo of a line whose last token is a here-document marker. */
static char *
cmd_heredoc_echo(const char *s, const char *e, size_t marker_end,
    unsigned nlines)
{
	return g_strdup_printf("%.*s (%u line%s)%.*s", (int)marker_end, s,
	    nlines, nlines == 1 ? "" : "s", (int)(e - s - marker_end),
	    s + marker_end);
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

/* ---- argv form ---- */

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
