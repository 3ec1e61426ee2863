/* cmd_args.c: taking a command's arguments and checking each value
 * (cmd_p.h); identifiers are ident.h's, dates lex.h's. No I/O. */
#include "config.h"

#include "cmd_p.h"
#include "vulture/ident.h"
#include "vulture/lex.h"

#include <string.h>

/* ---- value checks ---- */

gboolean
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
gboolean
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
const struct cmd_tok *
cmd_arg(struct cmd_ctx *c, const char *name)
{
	if (c->i >= c->n) {
		cmd_error(c, "missing %s", name);
		return NULL;
	}
	return &c->t[c->i++];
}

/* If the next token is option kw, consumes it; reports a repeat. */
gboolean
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
void
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
gboolean
cmd_not_heredoc(struct cmd_ctx *c, const struct cmd_tok *t,
    const char *name)
{
	if (!t->heredoc)
		return TRUE;
	cmd_error(c, "%s cannot be a here-document", name);
	return FALSE;
}

void
cmd_set(char **dst, const char *s)
{
	g_free(*dst);
	*dst = g_strdup(s);
}

void
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

void
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
void
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
void
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
void
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

void
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
void
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
