/* cmd_lex.c: the command grammar's lines, tokens and here-documents
 * (cmd_p.h). Whitespace is lex.h's. No I/O. */
#include "config.h"

#include "cmd_p.h"
#include "vulture/lex.h"
#include "vulture/textin.h"

#include <string.h>

/* ---- spans and characters ---- */

gboolean
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
gboolean
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
gboolean
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

gboolean
cmd_next_line(struct cmd_parser *pp, const char **s, const char **e)
{
	if (!cmd_line_at(&pp->p, pp->end, s, e))
		return FALSE;
	pp->lineno++;
	return TRUE;
}

/* A value for a message: shortened, "\n" and tab escaped; g_free() it. */
char *
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
char *
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
int
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
char *
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
void
cmd_skip_heredoc(struct cmd_ctx *c, const char *word)
{
	unsigned n;

	g_free(cmd_read_heredoc(c, word, TRUE, &n));
}

/* The echo of a line whose last token is a here-document marker. */
char *
cmd_heredoc_echo(const char *s, const char *e, size_t marker_end,
    unsigned nlines)
{
	return g_strdup_printf("%.*s (%u line%s)%.*s", (int)marker_end, s,
	    nlines, nlines == 1 ? "" : "s", (int)(e - s - marker_end),
	    s + marker_end);
}
