/*
 * form.c: the vendor reply-form parser.  No I/O: text in, struct form out.
 *
 * Each line, in this order:
 *  1. blank (only whitespace): ends the value being collected;
 *  2. quoted ('>' or U+FF1E after optional indentation): ends it, ignored;
 *  3. indented while a value is being collected: continuation;
 *  4. '#' first: a hint line of our template, ignored;
 *  5. "--" alone (the "-- " signature separator): stop reading;
 *  6. "Label: value" with a known label: starts collecting that field;
 *  7. a quoting header of a replying client: stop reading;
 *  8. "Token: value" with a plausible label token: an unknown label;
 *  9. anything else is free text, ignored.
 * Known labels come before quoting headers so that "Comment: ... wrote:"
 * stays a comment.
 *
 * Continuations: Comment, Fix-Plan, Workaround-Plan and Reason join lines
 * with "\n"; Advisory-URL joins with nothing (clients wrap long URLs and a
 * URL holds no spaces); the other fields join with one space.  The
 * indentation of a continuation line is dropped.
 *
 * Quoting headers (step 7), matched on the trimmed line:
 *  - a banner of two or more dashes around "Original Message", "Forwarded
 *    Message", "Ursprüngliche Nachricht", "元のメッセージ", "転送メッセージ"
 *    or "転送されたメッセージ" (ASCII case-insensitive);
 *  - "Begin forwarded message:" (Apple Mail);
 *  - a line ending in "wrote:" (as a word, so Gmail's wrapped "On ...
 *    <addr>" / "wrote:" cuts too), "書きました:" or "のメッセージ:",
 *    colon half- or full-width;
 *  - a line ending in "<...@...>:" with a digit before the '<' (Gmail's
 *    Japanese "2027年1月4日(月) 10:00 Name <addr>:");
 *  - Outlook's header block: "From:" or "差出人:" directly followed by
 *    "Sent:", "Date:", "送信日時:" or "日付:".
 * Anything the vendor writes below such a line is lost; that is the price
 * of not reading the centre's own quoted mail as the vendor's answer.
 */
#include "config.h"

#include "vulture/form.h"
#include "vulture/ident.h"
#include "vulture/lex.h"
#include "vulture/textin.h"

#include <string.h>

#define FORM_KEY_MAX	64	/* bytes of a normalised label */

#define UTF8_FW_SEMI	"\xef\xbc\x9b"	/* U+FF1B */
#define UTF8_FW_GT	"\xef\xbc\x9e"	/* U+FF1E */
#define UTF8_NBSP	"\xc2\xa0"	/* U+00A0 */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

struct form_label {
	const char *key;	/* normalised: ASCII lower case, '-' */
	enum form_field field;
};

static const struct form_label form_labels[] = {
	{ "case", FORM_FIELD_CASE },
	{ "案件", FORM_FIELD_CASE },
	{ "案件番号", FORM_FIELD_CASE },
	{ "request-detail", FORM_FIELD_REQUEST_DETAIL },
	{ "request-details", FORM_FIELD_REQUEST_DETAIL },
	{ "詳細情報請求", FORM_FIELD_REQUEST_DETAIL },
	{ "詳細情報の請求", FORM_FIELD_REQUEST_DETAIL },
	{ "詳細請求", FORM_FIELD_REQUEST_DETAIL },
	{ "status", FORM_FIELD_STATUS },
	{ "状況", FORM_FIELD_STATUS },
	{ "ステータス", FORM_FIELD_STATUS },
	{ "comment", FORM_FIELD_COMMENT },
	{ "comments", FORM_FIELD_COMMENT },
	{ "コメント", FORM_FIELD_COMMENT },
	{ "advisory-url", FORM_FIELD_ADVISORY_URL },
	{ "アドバイザリurl", FORM_FIELD_ADVISORY_URL },
	{ "アドバイザリ-url", FORM_FIELD_ADVISORY_URL },
	{ "関連情報url", FORM_FIELD_ADVISORY_URL },
	{ "参考url", FORM_FIELD_ADVISORY_URL },
	{ "fix-date", FORM_FIELD_FIX_DATE },
	{ "修正予定日", FORM_FIELD_FIX_DATE },
	{ "対策予定日", FORM_FIELD_FIX_DATE },
	{ "workaround-date", FORM_FIELD_WORKAROUND_DATE },
	{ "回避策予定日", FORM_FIELD_WORKAROUND_DATE },
	{ "fix-plan", FORM_FIELD_FIX_PLAN },
	{ "対策方法", FORM_FIELD_FIX_PLAN },
	{ "修正計画", FORM_FIELD_FIX_PLAN },
	{ "workaround-plan", FORM_FIELD_WORKAROUND_PLAN },
	{ "回避策", FORM_FIELD_WORKAROUND_PLAN },
	{ "publication-date-request", FORM_FIELD_PUBDATE_REQUEST },
	{ "公開日変更希望", FORM_FIELD_PUBDATE_REQUEST },
	{ "公表日変更希望", FORM_FIELD_PUBDATE_REQUEST },
	{ "公開日希望", FORM_FIELD_PUBDATE_REQUEST },
	{ "reason", FORM_FIELD_REASON },
	{ "理由", FORM_FIELD_REASON },
	{ "share-with", FORM_FIELD_SHARE_WITH },
	{ "情報共有先", FORM_FIELD_SHARE_WITH },
	{ "共有先", FORM_FIELD_SHARE_WITH },
	{ "share-key", FORM_FIELD_SHARE_KEY },
	{ "共有先の鍵", FORM_FIELD_SHARE_KEY },
};

/* A line split at its first colon. */
struct form_label_line {
	const char *token, *token_end;	/* label as written, trimmed */
	const char *value, *value_end;	/* trimmed */
	char key[FORM_KEY_MAX + 1];	/* normalised token, "" if too long */
	enum form_field field;
};

struct form_parser {
	struct form *form;
	const char *p, *end;	/* input not yet read */
	unsigned lineno;
	GString *line;		/* current line with NBSP folded to space */
	/* The field whose value is being collected, FORM_FIELD_NONE if none. */
	enum form_field open;
	unsigned open_line;
	char *open_label;
	GString *value;
	gboolean value_over;	/* value grew past FORM_MAX_VALUE */
	/* First raw value of each field, to tell a repeat from a conflict. */
	char *first[FORM_FIELD_COUNT];
};

const char *
form_status_name(enum form_status status)
{
	switch (status) {
	case FORM_STATUS_AFFECTED:
		return "affected";
	case FORM_STATUS_AFFECTED_INVESTIGATING:
		return "affected-investigating";
	case FORM_STATUS_NOT_AFFECTED:
		return "not-affected";
	case FORM_STATUS_NOT_AFFECTED_INVESTIGATING:
		return "not-affected-investigating";
	case FORM_STATUS_NONE:
		break;
	}
	return NULL;
}

const char *
form_field_name(enum form_field field)
{
	switch (field) {
	case FORM_FIELD_CASE:
		return "Case";
	case FORM_FIELD_REQUEST_DETAIL:
		return "Request-Detail";
	case FORM_FIELD_STATUS:
		return "Status";
	case FORM_FIELD_COMMENT:
		return "Comment";
	case FORM_FIELD_ADVISORY_URL:
		return "Advisory-URL";
	case FORM_FIELD_FIX_DATE:
		return "Fix-Date";
	case FORM_FIELD_WORKAROUND_DATE:
		return "Workaround-Date";
	case FORM_FIELD_FIX_PLAN:
		return "Fix-Plan";
	case FORM_FIELD_WORKAROUND_PLAN:
		return "Workaround-Plan";
	case FORM_FIELD_PUBDATE_REQUEST:
		return "Publication-Date-Request";
	case FORM_FIELD_REASON:
		return "Reason";
	case FORM_FIELD_SHARE_WITH:
		return "Share-With";
	case FORM_FIELD_SHARE_KEY:
		return "Share-Key";
	case FORM_FIELD_NONE:
	case FORM_FIELD_COUNT:
		break;
	}
	return NULL;
}

/*
 * Span helpers.  The input is valid UTF-8, so a multi-byte sequence found
 * by memcmp() is always a whole character.
 */
static gboolean
form_span_is(const char *s, const char *e, const char *str)
{
	return (size_t)(e - s) == strlen(str) && memcmp(s, str, e - s) == 0;
}

static gboolean
form_span_is_ci(const char *s, const char *e, const char *str)
{
	return (size_t)(e - s) == strlen(str) &&
	    g_ascii_strncasecmp(s, str, e - s) == 0;
}

/* Whitespace and colons are lex.h's, shared with the command grammar. */
#define form_has_prefix		lex_has_prefix
#define form_has_suffix		lex_has_suffix
#define form_ws_len		lex_ws_len
#define form_ltrim		lex_ltrim
#define form_rtrim		lex_rtrim
#define form_colon_len		lex_colon_len
#define form_strip_colon	lex_strip_colon

/*
 * Labels compare in a normalised form: ASCII folded to lower case and each
 * run of whitespace, '_' and '-' turned into one '-'.  Returns FALSE if the
 * result does not fit.
 */
static gboolean
form_label_key(const char *s, const char *e, char key[FORM_KEY_MAX + 1])
{
	size_t n = 0, ws;
	gboolean sep = FALSE;

	while (s < e) {
		if ((ws = form_ws_len(s, e)) > 0 || *s == '_' || *s == '-') {
			s += ws > 0 ? ws : 1;
			sep = TRUE;
			continue;
		}
		if (sep) {
			if (n >= FORM_KEY_MAX)
				return FALSE;
			key[n++] = '-';
			sep = FALSE;
		}
		if (n >= FORM_KEY_MAX)
			return FALSE;
		key[n++] = g_ascii_tolower(*s);
		s++;
	}
	key[n] = '\0';
	return TRUE;
}

static enum form_field
form_label_lookup(const char *key)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(form_labels); i++)
		if (strcmp(form_labels[i].key, key) == 0)
			return form_labels[i].field;
	return FORM_FIELD_NONE;
}

/*
 * Splits a trimmed line at its first colon.  Returns FALSE if there is no
 * colon, nothing before it, or "//" after it (a URL, not a label).
 */
static gboolean
form_split_label(const char *s, const char *e, struct form_label_line *ll)
{
	const char *c;
	size_t n = 0;

	for (c = s; c < e; c++)
		if ((n = form_colon_len(c, e)) > 0)
			break;
	if (c == e || c == s)
		return FALSE;
	if (form_has_prefix(c + n, e, "//"))
		return FALSE;
	ll->token = s;
	ll->token_end = form_rtrim(s, c);
	ll->value = form_ltrim(c + n, e);
	ll->value_end = e;
	if (!form_label_key(ll->token, ll->token_end, ll->key))
		ll->key[0] = '\0';
	ll->field = form_label_lookup(ll->key);
	return TRUE;
}

/*
 * An unknown label worth telling the vendor about: up to 40 ASCII letters,
 * digits and hyphens starting with a letter, or up to 12 characters with
 * at least one non-ASCII letter and no spaces or punctuation.
 */
static gboolean
form_plausible_label(const char *s, const char *e)
{
	const char *c;
	size_t n;

	for (c = s; c < e; c++)
		if ((unsigned char)*c >= 0x80)
			break;
	if (c == e) {
		if (e - s > 40 || !g_ascii_isalpha(*s))
			return FALSE;
		for (c = s; c < e; c++)
			if (!g_ascii_isalnum(*c) && *c != '-')
				return FALSE;
		return TRUE;
	}
	for (c = s, n = 0; c < e; c = g_utf8_next_char(c), n++) {
		gunichar u = g_utf8_get_char(c);

		if (n >= 12)
			return FALSE;
		if (u < 0x80) {
			if (!g_ascii_isalnum(*c) && *c != '-')
				return FALSE;
		} else if (!g_unichar_isalnum(u) && !g_unichar_ismark(u))
			return FALSE;
	}
	return TRUE;
}

static void
form_issue_free(gpointer p)
{
	struct form_issue *issue = p;

	if (issue == NULL)
		return;
	g_free(issue->label);
	g_free(issue->message);
	g_free(issue);
}

static void
form_share_free(gpointer p)
{
	struct form_share *share = p;

	if (share == NULL)
		return;
	g_free(share->organisation);
	g_free(share->contact);
	g_free(share->address);
	g_free(share->phone);
	g_free(share);
}

static void
form_add_issue(GPtrArray *list, unsigned *dropped, guint max, unsigned line,
    enum form_field field, enum form_issue_kind kind, const char *label,
    size_t label_len, const char *message)
{
	struct form_issue *issue;

	/* Bounded so that a hostile reply cannot make the answer huge. */
	if (list->len >= max) {
		(*dropped)++;
		return;
	}
	issue = g_new0(struct form_issue, 1);
	issue->line = line;
	issue->field = field;
	issue->kind = kind;
	issue->label = g_strndup(label, label_len);
	issue->message = g_strdup(message);
	g_ptr_array_add(list, issue);
}

/* An error on the field being closed. */
static void
form_field_error(struct form_parser *pp, enum form_issue_kind kind,
    const char *message)
{
	form_add_issue(pp->form->errors, &pp->form->errors_dropped,
	    FORM_MAX_ERRORS, pp->open_line, pp->open, kind, pp->open_label,
	    strlen(pp->open_label), message);
}

/* Every character printable (spaces included, tabs and controls not). */
static gboolean
form_printable(const char *s, const char *e)
{
	for (; s < e; s = g_utf8_next_char(s))
		if (!g_unichar_isprint(g_utf8_get_char(s)))
			return FALSE;
	return TRUE;
}

/*
 * Free text keeps everything but control characters: those (other than
 * tab and our "\n" joins), the direction controls and the zero-width
 * spaces (textin_is_hidden(): "affected" could display as something
 * else) become U+FFFD, so that nothing reaches a terminal or a reply mail
 * as an escape sequence and the published text reads as it is stored.
 */
static char *
form_free_text(const char *s, const char *e)
{
	GString *out = g_string_sized_new(e - s);
	const char *next;

	for (; s < e; s = next) {
		gunichar u = g_utf8_get_char(s);

		next = g_utf8_next_char(s);
		if ((u != '\t' && u != '\n' && g_unichar_iscntrl(u)) ||
		    textin_is_hidden(u))
			g_string_append(out, UTF8_REPLACEMENT);
		else
			g_string_append_len(out, s, next - s);
	}
	return g_string_free(out, FALSE);
}

static void
form_set(struct form_parser *pp, char **slot, char *value)
{
	*slot = value;
	pp->form->n_fields++;
}

static int
form_request_detail(const char *s, const char *e)
{
	if (form_span_is_ci(s, e, "yes") || form_span_is_ci(s, e, "true") ||
	    form_span_is(s, e, "はい") || form_span_is(s, e, "要"))
		return 1;
	if (form_span_is_ci(s, e, "no") || form_span_is_ci(s, e, "false") ||
	    form_span_is(s, e, "いいえ") || form_span_is(s, e, "不要"))
		return 0;
	return -1;
}

static enum form_status
form_status_parse(const char *s, const char *e)
{
	static const char aru[] = "該当製品あり", nashi[] = "該当製品なし";
	enum form_status base = FORM_STATUS_NONE;
	char buf[32];
	size_t n = 0, ws;
	gboolean sep = FALSE;

	if (form_has_prefix(s, e, aru))
		base = FORM_STATUS_AFFECTED;
	else if (form_has_prefix(s, e, nashi))
		base = FORM_STATUS_NOT_AFFECTED;
	if (base != FORM_STATUS_NONE) {
		s = form_ltrim(s + strlen(aru), e);
		if (s == e)
			return base;
		if ((n = form_colon_len(s, e)) == 0)
			return FORM_STATUS_NONE;
		s = form_ltrim(s + n, e);
		if (!form_span_is(s, e, "調査中"))
			return FORM_STATUS_NONE;
		return base == FORM_STATUS_AFFECTED ?
		    FORM_STATUS_AFFECTED_INVESTIGATING :
		    FORM_STATUS_NOT_AFFECTED_INVESTIGATING;
	}

	/* "Not Affected", "not_affected" and "not-affected" are one. */
	while (s < e) {
		if ((ws = form_ws_len(s, e)) > 0 || *s == '_' || *s == '-') {
			s += ws > 0 ? ws : 1;
			sep = TRUE;
			continue;
		}
		if (n + 2 >= sizeof(buf))
			return FORM_STATUS_NONE;
		if (sep)
			buf[n++] = '-';
		sep = FALSE;
		buf[n++] = g_ascii_tolower(*s++);
	}
	buf[n] = '\0';
	if (strcmp(buf, "affected") == 0)
		return FORM_STATUS_AFFECTED;
	if (strcmp(buf, "affected-investigating") == 0)
		return FORM_STATUS_AFFECTED_INVESTIGATING;
	if (strcmp(buf, "not-affected") == 0)
		return FORM_STATUS_NOT_AFFECTED;
	if (strcmp(buf, "not-affected-investigating") == 0)
		return FORM_STATUS_NOT_AFFECTED_INVESTIGATING;
	return FORM_STATUS_NONE;
}

/* Strips one pair of angle brackets, as mail clients put around links. */
static void
form_strip_brackets(const char **s, const char **e)
{
	if (*e - *s >= 2 && **s == '<' && (*e)[-1] == '>') {
		(*s)++;
		(*e)--;
	}
}

/* Returns NULL if the URL is fine, otherwise why not. */
static const char *
form_url_check(const char *s, const char *e)
{
	const char *c;
	size_t n;

	if (e - s >= 7 && g_ascii_strncasecmp(s, "http://", 7) == 0)
		n = 7;
	else if (e - s >= 8 && g_ascii_strncasecmp(s, "https://", 8) == 0)
		n = 8;
	else
		return "must start with http:// or https://";
	if (s + n == e || s[n] == '/')
		return "has no host";
	for (c = s; c < e; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);

		if (!g_unichar_isprint(u) || g_unichar_isspace(u) ||
		    u == '<' || u == '>' || u == '"')
			return "contains spaces or control characters";
	}
	return NULL;
}

/* Length of the Share-With separator at s, 0 if there is none. */
static size_t
form_semi_len(const char *s, const char *e)
{
	if (s < e && *s == ';')
		return 1;
	if (form_has_prefix(s, e, UTF8_FW_SEMI))
		return 3;
	return 0;
}

static void
form_store_share(struct form_parser *pp, const char *s, const char *e)
{
	static const char *format = "expected \"organisation; contact name; "
	    "address; phone\" (phone may be empty)";
	const char *part[5], *part_end[5], *start = s, *c;
	struct form_share *share;
	size_t n, i, sep = 0;
	GPtrArray *shares = pp->form->shares;

	if (shares->len >= FORM_MAX_SHARES) {
		form_field_error(pp, FORM_ISSUE_TOO_MANY,
		    "too many Share-With entries; this one is ignored");
		return;
	}
	for (n = 0, c = s; n < 5; ) {
		if (c == e || (sep = form_semi_len(c, e)) > 0) {
			part[n] = form_ltrim(start, c);
			part_end[n] = form_rtrim(part[n], c);
			n++;
			if (c == e)
				break;
			c += sep;
			start = c;
		} else
			c++;
	}
	if (n < 3 || n > 4) {
		form_field_error(pp, FORM_ISSUE_BAD_VALUE, format);
		return;
	}
	for (i = 0; i < n; i++) {
		if (part_end[i] - part[i] > FORM_MAX_SHARE_FIELD) {
			form_field_error(pp, FORM_ISSUE_TOO_LONG,
			    "a part is longer than 256 bytes");
			return;
		}
		if (!form_printable(part[i], part_end[i])) {
			form_field_error(pp, FORM_ISSUE_BAD_VALUE,
			    "contains control characters");
			return;
		}
	}
	if (part[0] == part_end[0] || part[1] == part_end[1] ||
	    part[2] == part_end[2]) {
		form_field_error(pp, FORM_ISSUE_BAD_VALUE, format);
		return;
	}
	form_strip_brackets(&part[2], &part_end[2]);
	if (!ident_address_span_ok(part[2],
	    part_end[2] - part[2])) {
		form_field_error(pp, FORM_ISSUE_BAD_VALUE,
		    "the address does not look like local@domain");
		return;
	}
	for (i = 0; i < shares->len; i++) {
		struct form_share *old = g_ptr_array_index(shares, i);

		if (strlen(old->address) == (size_t)(part_end[2] - part[2]) &&
		    g_ascii_strncasecmp(old->address, part[2],
		    part_end[2] - part[2]) == 0) {
			form_field_error(pp, FORM_ISSUE_DUPLICATE,
			    "this address is already listed");
			return;
		}
	}
	share = g_new0(struct form_share, 1);
	share->organisation = g_strndup(part[0], part_end[0] - part[0]);
	share->contact = g_strndup(part[1], part_end[1] - part[1]);
	share->address = g_strndup(part[2], part_end[2] - part[2]);
	if (n == 4 && part[3] != part_end[3])
		share->phone = g_strndup(part[3], part_end[3] - part[3]);
	g_ptr_array_add(shares, share);
	if (shares->len == 1)
		pp->form->n_fields++;
}

/* Validates and stores a non-empty, trimmed value of the closed field. */
static void
form_store(struct form_parser *pp, const char *s, const char *e)
{
	struct form *form = pp->form;
	const char *why;
	char *v;
	int rd;
	enum form_status st;

	switch (pp->open) {
	case FORM_FIELD_CASE:
		if (e - s > FORM_MAX_CASE_ID)
			form_field_error(pp, FORM_ISSUE_TOO_LONG,
			    "longer than 64 bytes");
		else if (!form_printable(s, e))
			form_field_error(pp, FORM_ISSUE_BAD_VALUE,
			    "contains control characters");
		else
			form_set(pp, &form->case_id, g_strndup(s, e - s));
		break;
	case FORM_FIELD_REQUEST_DETAIL:
		if ((rd = form_request_detail(s, e)) < 0) {
			form_field_error(pp, FORM_ISSUE_BAD_VALUE,
			    "expected yes or no");
			break;
		}
		form->request_detail = rd;
		form->n_fields++;
		break;
	case FORM_FIELD_STATUS:
		if ((st = form_status_parse(s, e)) == FORM_STATUS_NONE) {
			form_field_error(pp, FORM_ISSUE_BAD_VALUE,
			    "expected affected, affected-investigating, "
			    "not-affected or not-affected-investigating");
			break;
		}
		form->status = st;
		form->n_fields++;
		break;
	case FORM_FIELD_COMMENT:
		form_set(pp, &form->comment, form_free_text(s, e));
		break;
	case FORM_FIELD_FIX_PLAN:
		form_set(pp, &form->fix_plan, form_free_text(s, e));
		break;
	case FORM_FIELD_WORKAROUND_PLAN:
		form_set(pp, &form->workaround_plan, form_free_text(s, e));
		break;
	case FORM_FIELD_REASON:
		form_set(pp, &form->reason, form_free_text(s, e));
		break;
	case FORM_FIELD_SHARE_KEY:
		if ((v = ident_fpr_parse_dup(s, e - s)) == NULL) {
			form_field_error(pp, FORM_ISSUE_BAD_VALUE,
			    "expected a key fingerprint (40 hex digits)");
			break;
		}
		form_set(pp, &form->share_key, v);
		break;
	case FORM_FIELD_ADVISORY_URL:
		form_strip_brackets(&s, &e);
		if (e - s > FORM_MAX_URL)
			form_field_error(pp, FORM_ISSUE_TOO_LONG,
			    "longer than 2048 bytes");
		else if ((why = form_url_check(s, e)) != NULL)
			form_field_error(pp, FORM_ISSUE_BAD_VALUE, why);
		else
			form_set(pp, &form->advisory_url, g_strndup(s, e - s));
		break;
	case FORM_FIELD_FIX_DATE:
	case FORM_FIELD_WORKAROUND_DATE:
		if ((v = lex_date_dup(s, e, LEX_DATE_LOOSE, NULL, NULL)) == NULL) {
			form_field_error(pp, FORM_ISSUE_BAD_VALUE,
			    "expected an existing date as YYYY-MM-DD");
			break;
		}
		form_set(pp, pp->open == FORM_FIELD_FIX_DATE ?
		    &form->fix_date : &form->workaround_date, v);
		break;
	case FORM_FIELD_PUBDATE_REQUEST:
		v = lex_date_dup(s, e, LEX_DATE_LOOSE | LEX_DATE_TIME,
		    &form->pubdate_has_time, &form->pubdate_has_offset);
		if (v == NULL) {
			form_field_error(pp, FORM_ISSUE_BAD_VALUE,
			    "expected an existing date as YYYY-MM-DD or "
			    "YYYY-MM-DDTHH:MM[:SS] with an optional Z or "
			    "+HH:MM");
			break;
		}
		form_set(pp, &form->pubdate_request, v);
		break;
	case FORM_FIELD_SHARE_WITH:
		form_store_share(pp, s, e);
		break;
	case FORM_FIELD_NONE:
	case FORM_FIELD_COUNT:
		g_assert_not_reached();
	}
}

/* Ends the value being collected and records it. */
static void
form_parser_close(struct form_parser *pp)
{
	enum form_field f = pp->open;
	const char *s = pp->value->str, *e = s + pp->value->len;

	if (f == FORM_FIELD_NONE)
		return;
	e = form_rtrim(s, e);
	if (s == e && !pp->value_over) {
		/* Empty means "not given": our template sends empty values. */
	} else if (f != FORM_FIELD_SHARE_WITH && pp->first[f] != NULL) {
		/* The same value again is harmless (a form pasted twice). */
		if (pp->value_over || strlen(pp->first[f]) != (size_t)(e - s) ||
		    memcmp(pp->first[f], s, e - s) != 0)
			form_field_error(pp, FORM_ISSUE_DUPLICATE,
			    "given twice with different values");
	} else {
		if (f != FORM_FIELD_SHARE_WITH)
			pp->first[f] = g_strndup(s, e - s);
		if (pp->value_over)
			form_field_error(pp, FORM_ISSUE_TOO_LONG,
			    "longer than 16384 bytes");
		else
			form_store(pp, s, e);
	}
	pp->open = FORM_FIELD_NONE;
	g_string_truncate(pp->value, 0);
	pp->value_over = FALSE;
	g_clear_pointer(&pp->open_label, g_free);
}

/* Adds a line (trimmed) to the value being collected. */
static void
form_parser_append(struct form_parser *pp, const char *s, const char *e)
{
	const char *sep = "";

	if (pp->value_over)
		return;
	if (pp->value->len > 0) {
		switch (pp->open) {
		case FORM_FIELD_COMMENT:
		case FORM_FIELD_FIX_PLAN:
		case FORM_FIELD_WORKAROUND_PLAN:
		case FORM_FIELD_REASON:
			sep = "\n";
			break;
		case FORM_FIELD_ADVISORY_URL:
			break;
		default:
			sep = " ";
			break;
		}
	}
	if (pp->value->len + strlen(sep) + (e - s) > FORM_MAX_VALUE) {
		/* Stop growing; the field is reported as too long. */
		pp->value_over = TRUE;
		return;
	}
	g_string_append(pp->value, sep);
	g_string_append_len(pp->value, s, e - s);
}

static void
form_parser_open(struct form_parser *pp, const struct form_label_line *ll)
{
	pp->open = ll->field;
	pp->open_line = pp->lineno;
	pp->open_label = g_strndup(ll->token, ll->token_end - ll->token);
	form_parser_append(pp, ll->value, ll->value_end);
}

/* "-----Original Message-----" and the like. */
static gboolean
form_is_banner(const char *s, const char *e)
{
	static const char *const names[] = {
		"original message", "forwarded message",
		"ursprüngliche nachricht", "元のメッセージ", "転送メッセージ",
		"転送されたメッセージ",
	};
	const char *t = s;
	size_t i;

	while (s < e && *s == '-')
		s++;
	if (s - t < 2)
		return FALSE;
	t = e;
	while (e > s && e[-1] == '-')
		e--;
	if (t - e < 2)
		return FALSE;
	s = form_ltrim(s, e);
	e = form_rtrim(s, e);
	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (form_span_is_ci(s, e, names[i]))
			return TRUE;
	return FALSE;
}

/* "On ... wrote:", "... さんは書きました:", "...のメッセージ:". */
static gboolean
form_is_attribution(const char *s, const char *e)
{
	const char *w;

	if ((e = form_strip_colon(s, e)) == NULL)
		return FALSE;
	e = form_rtrim(s, e);
	if (form_has_suffix(s, e, "書きました") ||
	    form_has_suffix(s, e, "のメッセージ"))
		return TRUE;
	/* Gmail in Japanese: "2027年1月4日(月) 10:00 Name <addr>:". */
	if (e > s && e[-1] == '>') {
		const char *lt = g_strrstr_len(s, e - s, "<");

		if (lt != NULL && memchr(lt, '@', e - lt) != NULL) {
			for (w = s; w < lt; w++)
				if (g_ascii_isdigit(*w))
					return TRUE;
		}
		return FALSE;
	}
	if (e - s < 5 || g_ascii_strncasecmp(e - 5, "wrote", 5) != 0)
		return FALSE;
	w = e - 5;
	return w == s || lex_ws_len_back(s, w) > 0 || w[-1] == '>';
}

/* Whether the line after the current one is "Sent:" or the like. */
static gboolean
form_next_is_sent(const struct form_parser *pp)
{
	static const char *const keys[] = {
		"sent", "date", "送信日時", "日付"
	};
	struct form_label_line ll;
	const char *s = pp->p, *e;
	size_t i;

	if (s >= pp->end)
		return FALSE;
	if ((e = memchr(s, '\n', pp->end - s)) == NULL)
		e = pp->end;
	if (e - s > FORM_MAX_LINE)
		return FALSE;
	s = form_ltrim(s, e);
	e = form_rtrim(s, e);
	if (!form_split_label(s, e, &ll))
		return FALSE;
	for (i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strcmp(ll.key, keys[i]) == 0)
			return TRUE;
	return FALSE;
}

static gboolean
form_is_reply_cut(const struct form_parser *pp, const char *s, const char *e,
    const struct form_label_line *ll)
{
	if (form_is_banner(s, e) || form_is_attribution(s, e))
		return TRUE;
	if (ll == NULL)
		return FALSE;
	if (strcmp(ll->key, "begin-forwarded-message") == 0)
		return TRUE;
	return (strcmp(ll->key, "from") == 0 ||
	    strcmp(ll->key, "差出人") == 0 ||
	    strcmp(ll->key, "送信者") == 0) && form_next_is_sent(pp);
}

static gboolean
form_is_free_text(enum form_field f)
{
	return f == FORM_FIELD_COMMENT || f == FORM_FIELD_REASON ||
	    f == FORM_FIELD_FIX_PLAN || f == FORM_FIELD_WORKAROUND_PLAN;
}

/* Notes in unknown that [t, e) (valid UTF-8) is not part of field. */
static void
form_not_continued(struct form_parser *pp, enum form_field field,
    const char *t, const char *e)
{
	size_t n = MIN((size_t)(e - t), (size_t)FORM_MAX_QUOTE);
	GString *q;

	while (n > 0 && n < (size_t)(e - t) && ((guchar)t[n] & 0xC0) == 0x80)
		n--;
	q = g_string_new_len(t, (gssize)n);
	if (n < (size_t)(e - t))
		g_string_append(q, "\xe2\x80\xa6");	/* U+2026 */
	form_add_issue(pp->form->unknown, &pp->form->unknown_dropped,
	    FORM_MAX_UNKNOWN, pp->lineno, field, FORM_ISSUE_NOT_CONTINUED,
	    q->str, q->len, "not indented: not part of the value above");
	g_string_free(q, TRUE);
}

/* Handles one line; returns TRUE where reading stops. */
static gboolean
form_parser_line(struct form_parser *pp, const char *s, const char *e)
{
	struct form_label_line ll;
	const char *t = form_ltrim(s, e);
	gboolean indented = t != s, have_label;
	enum form_field after;

	e = form_rtrim(t, e);
	if (t == e || *t == '>' || form_has_prefix(t, e, UTF8_FW_GT)) {
		form_parser_close(pp);
		return FALSE;
	}
	if (indented && pp->open != FORM_FIELD_NONE) {
		form_parser_append(pp, t, e);
		return FALSE;
	}
	after = pp->open;
	form_parser_close(pp);
	if (*t == '#')
		return FALSE;
	/* "-- " after trimming. */
	if (!indented && form_span_is(t, e, "--"))
		return TRUE;
	have_label = form_split_label(t, e, &ll);
	if (have_label && ll.field != FORM_FIELD_NONE) {
		form_parser_open(pp, &ll);
		return FALSE;
	}
	if (form_is_reply_cut(pp, t, e, have_label ? &ll : NULL))
		return TRUE;
	if (form_is_free_text(after)) {
		/* A client that wraps long lines (without format=flowed)
		 * breaks a Comment like this: the value ends here, and the
		 * vendor is told which line was left out. */
		form_not_continued(pp, after, t, e);
		return FALSE;
	}
	/* A label without a value is as likely to be prose ("以下の通り:"). */
	if (have_label && ll.value != ll.value_end &&
	    form_plausible_label(ll.token, ll.token_end))
		form_add_issue(pp->form->unknown, &pp->form->unknown_dropped,
		    FORM_MAX_UNKNOWN, pp->lineno, FORM_FIELD_NONE,
		    FORM_ISSUE_UNKNOWN_LABEL, ll.token,
		    ll.token_end - ll.token, "unknown label; ignored");
	return FALSE;
}

static struct form *
form_new(void)
{
	struct form *form = g_new0(struct form, 1);

	form->request_detail = -1;
	form->status = FORM_STATUS_NONE;
	form->shares = g_ptr_array_new_with_free_func(form_share_free);
	form->unknown = g_ptr_array_new_with_free_func(form_issue_free);
	form->errors = g_ptr_array_new_with_free_func(form_issue_free);
	return form;
}

void
form_free(struct form **formp)
{
	struct form *form;

	if (formp == NULL || (form = *formp) == NULL)
		return;
	*formp = NULL;
	g_free(form->case_id);
	g_free(form->comment);
	g_free(form->fix_plan);
	g_free(form->workaround_plan);
	g_free(form->reason);
	g_free(form->advisory_url);
	g_free(form->share_key);
	g_free(form->fix_date);
	g_free(form->workaround_date);
	g_free(form->pubdate_request);
	g_ptr_array_unref(form->shares);
	g_ptr_array_unref(form->unknown);
	g_ptr_array_unref(form->errors);
	g_free(form);
}

/* Reads the lines up to the reply cut; returns NULL or why it refused. */
static const char *
form_parser_run(struct form_parser *pp)
{
	while (pp->p < pp->end) {
		const char *s = pp->p, *e, *nl, *c;

		nl = memchr(s, '\n', pp->end - s);
		e = nl != NULL ? nl : pp->end;
		pp->p = nl != NULL ? nl + 1 : pp->end;
		while (e > s && e[-1] == '\r')	/* also "\r\r\n" */
			e--;
		if (++pp->lineno > FORM_MAX_LINES)
			return "too many lines";
		if (e - s > FORM_MAX_LINE)
			return "line too long";

		/* NBSP counts as a space (HTML mail reduced to text). */
		g_string_truncate(pp->line, 0);
		while ((c = memchr(s, 0xc2, e - s)) != NULL) {
			g_string_append_len(pp->line, s, c - s);
			if (form_has_prefix(c, e, UTF8_NBSP)) {
				g_string_append_c(pp->line, ' ');
				s = c + 2;
			} else {
				g_string_append_c(pp->line, *c);
				s = c + 1;
			}
		}
		g_string_append_len(pp->line, s, e - s);

		if (form_parser_line(pp, pp->line->str,
		    pp->line->str + pp->line->len)) {
			pp->form->cut_line = pp->lineno;
			break;
		}
	}
	form_parser_close(pp);
	return NULL;
}

int
form_parse(const char *text, size_t len, struct form **form_r,
    const char **error_r)
{
	struct form_parser pp;
	const char *error = NULL;
	size_t i;

	*form_r = NULL;
	if (textin_check(&text, &len, FORM_MAX_INPUT, error_r) < 0)
		return -1;

	memset(&pp, 0, sizeof(pp));
	pp.form = form_new();
	pp.p = text;
	pp.end = text + len;
	pp.line = g_string_new(NULL);
	pp.value = g_string_new(NULL);
	pp.open = FORM_FIELD_NONE;
	error = form_parser_run(&pp);

	g_string_free(pp.line, TRUE);
	g_string_free(pp.value, TRUE);
	g_free(pp.open_label);
	for (i = 0; i < G_N_ELEMENTS(pp.first); i++)
		g_free(pp.first[i]);
	if (error != NULL) {
		form_free(&pp.form);
		if (error_r != NULL)
			*error_r = error;
		return -1;
	}
	*form_r = pp.form;
	return 0;
}

/* The registration form (form.h): a few labels, no continuations. */
void
regform_clear(struct regform *f)
{
	g_free(f->organisation);
	g_free(f->contact);
	g_free(f->phone);
	g_free(f->keywords);
	g_free(f->case_id);
	memset(f, 0, sizeof(*f));
}

int
regform_parse(const char *text, struct regform *f)
{
	static const struct {
		const char *label;
		size_t off;
	} labels[] = {
		{ "organisation", offsetof(struct regform, organisation) },
		{ "organization", offsetof(struct regform, organisation) },
		{ "組織名", offsetof(struct regform, organisation) },
		{ "会社名", offsetof(struct regform, organisation) },
		{ "contact", offsetof(struct regform, contact) },
		{ "担当者", offsetof(struct regform, contact) },
		{ "phone", offsetof(struct regform, phone) },
		{ "電話番号", offsetof(struct regform, phone) },
		{ "keywords", offsetof(struct regform, keywords) },
		{ "技術キーワード", offsetof(struct regform, keywords) },
		{ "case", offsetof(struct regform, case_id) },
		{ "案件番号", offsetof(struct regform, case_id) },
	};
	gchar **lines = g_strsplit(text != NULL ? text : "", "\n", 2000);
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; lines[i] != NULL; i++) {
		char *l = g_strstrip(lines[i]), *colon = strchr(l, ':');
		char *fw = strstr(l, "\xef\xbc\x9a");	/* U+FF1A */
		char *v;
		size_t n, k;

		if (fw != NULL && (colon == NULL || fw < colon)) {
			colon = fw;
			v = fw + 3;
		} else if (colon != NULL)
			v = colon + 1;
		else
			continue;
		n = (size_t)(colon - l);
		for (k = 0; k < G_N_ELEMENTS(labels); k++) {
			char **slot = (char **)(void *)((char *)f +
			    labels[k].off);

			if (strlen(labels[k].label) != n ||
			    g_ascii_strncasecmp(l, labels[k].label, n) != 0 ||
			    *slot != NULL)
				continue;
			v = g_strstrip(v);
			if (*v != '\0' && strlen(v) <= REG_MAX_VALUE &&
			    g_utf8_validate(v, -1, NULL))
				*slot = g_strdup(v);
		}
	}
	g_strfreev(lines);
	return f->organisation != NULL;
}
