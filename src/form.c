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

#include "form_p.h"

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

/* A value as read, before the least quoted of each field is chosen. */
struct form_cand {
	enum form_field field;
	unsigned line, level;
	char *label;		/* owned, as written */
	char *text;		/* owned, the line as written, bounded */
	char *value;		/* owned, joined and trimmed, never empty */
	gboolean over;		/* grew past FORM_MAX_VALUE */
};

struct form_parser {
	struct form *form;
	const char *p, *end;	/* input not yet read */
	unsigned lineno;
	GString *line;		/* current line with NBSP folded to space */
	/* The field whose value is being collected, FORM_FIELD_NONE if none. */
	enum form_field open;
	unsigned open_line, open_level;
	char *open_label, *open_text;
	GString *value;
	gboolean value_over;	/* value grew past FORM_MAX_VALUE */
	GPtrArray *cands;	/* of struct form_cand *, in line order */
	unsigned cuts;		/* clients' quoting headers seen */
	gboolean in_sig;	/* after "-- " in unquoted text */
	/* Reading the form as we sent it: values go to sent, not cands. */
	gboolean sending;
	/* Values of each field in the form as sent, whitespace folded. */
	GPtrArray *sent[FORM_FIELD_COUNT];
	const struct form_cand *cur;	/* being stored, for its errors */
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
	g_free(issue->text);
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

static char *form_free_text(const char *s, const char *e);

/* At most max bytes of [s, s + n) (valid UTF-8), cut at a character
 * boundary with U+2026 appended. */
static char *
form_bounded(const char *s, size_t n, size_t max)
{
	size_t k = MIN(n, max);
	GString *q;

	while (k > 0 && k < n && ((guchar)s[k] & 0xC0) == 0x80)
		k--;
	q = g_string_new_len(s, (gssize)k);
	if (k < n)
		g_string_append(q, "\xe2\x80\xa6");	/* U+2026 */
	return g_string_free(q, FALSE);
}

static void
form_add_issue(GPtrArray *list, unsigned *dropped, guint max, unsigned line,
    enum form_field field, enum form_issue_kind kind, const char *label,
    size_t label_len, const char *message, const char *text, unsigned quote)
{
	struct form_issue *issue;
	char *b;

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
	/* Shown to the vendor and the operator: no control characters. */
	/* Cleaned first, then bounded: a control character shown as a
	 * replacement takes more bytes than it had. */
	b = form_free_text(text, text + strlen(text));
	issue->text = form_bounded(b, strlen(b), FORM_MAX_TEXT);
	g_free(b);
	issue->quote = quote;
	g_ptr_array_add(list, issue);
}

/* An error on the value being stored. */
static void
form_field_error(struct form_parser *pp, enum form_issue_kind kind,
    const char *message)
{
	const struct form_cand *c = pp->cur;

	form_add_issue(pp->form->errors, &pp->form->errors_dropped,
	    FORM_MAX_ERRORS, c->line, c->field, kind, c->label,
	    strlen(c->label), message, c->text, c->level);
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

/* yes/no and statuses as people write them: form_value.c. */
static int
form_request_detail(const char *s, const char *e)
{
	char *v = form_value_fold(s, e);
	int r = v != NULL ? form_value_yesno(v) : -1;

	g_free(v);
	return r;
}

static enum form_status
form_status_parse(const char *s, const char *e)
{
	char *v = form_value_fold(s, e);
	enum form_status st = v != NULL ? form_value_status(v) :
	    FORM_STATUS_NONE;

	g_free(v);
	return st;
}

/* Reads min..max ASCII digits. */
static gboolean
form_digits(const char **sp, const char *e, int min, int max, int *out)
{
	const char *s = *sp;
	int v = 0, n = 0;

	while (s < e && n < max && g_ascii_isdigit(*s)) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (n < min)
		return FALSE;
	*sp = s;
	*out = v;
	return TRUE;
}

/*
 * YYYY-MM-DD, also YYYY/MM/DD as Japanese vendors write it; month and day
 * may have one digit.  The date must exist, in years 1970 to 9999.
 */
static gboolean
form_ymd(const char **sp, const char *e, int *y, int *m, int *d)
{
	const char *s = *sp;
	char sep;

	if (!form_digits(&s, e, 4, 4, y) || s == e)
		return FALSE;
	sep = *s++;
	if (sep != '-' && sep != '/')
		return FALSE;
	if (!form_digits(&s, e, 1, 2, m) || s == e || *s++ != sep ||
	    !form_digits(&s, e, 1, 2, d))
		return FALSE;
	if (*y < 1970 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > textin_days_in_month(*y, *m))
		return FALSE;
	*sp = s;
	return TRUE;
}

/* A date as digits (form_ymd) or in words (form_value_date). */
static gboolean
form_any_ymd(const char **sp, const char *e, int *y, int *m, int *d)
{
	return form_ymd(sp, e, y, m, d) || form_value_date(sp, e, y, m, d);
}

static char *
form_date(const char *s, const char *e)
{
	int y, m, d;

	if (!form_any_ymd(&s, e, &y, &m, &d) || s != e)
		return NULL;
	return g_strdup_printf("%04d-%02d-%02d", y, m, d);
}

/*
 * A date, or a date and time ('T', 't' or spaces between) with optional
 * seconds and an optional "Z" or +HH:MM / +HHMM offset.
 */
static char *
form_pubdate(const char *s, const char *e, int *has_time, int *has_offset)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0;
	char sign = 0;

	if (!form_any_ymd(&s, e, &y, &mo, &d))
		return NULL;
	if (s == e) {
		*has_time = *has_offset = 0;
		return g_strdup_printf("%04d-%02d-%02d", y, mo, d);
	}
	if (*s == 'T' || *s == 't')
		s++;
	else if (form_ws_len(s, e) > 0)
		s = form_ltrim(s, e);
	else
		return NULL;
	if (!form_digits(&s, e, 1, 2, &h) || s == e || *s++ != ':' ||
	    !form_digits(&s, e, 2, 2, &mi))
		return NULL;
	if (s < e && *s == ':') {
		s++;
		if (!form_digits(&s, e, 2, 2, &sec))
			return NULL;
	}
	if (h > 23 || mi > 59 || sec > 59)
		return NULL;
	s = form_ltrim(s, e);
	if (s < e && (*s == 'Z' || *s == 'z')) {
		sign = 'Z';
		s++;
	} else if (s < e && (*s == '+' || *s == '-')) {
		sign = *s++;
		if (!form_digits(&s, e, 2, 2, &oh))
			return NULL;
		if (s < e && *s == ':')
			s++;
		if (!form_digits(&s, e, 2, 2, &om) || oh > 14 || om > 59)
			return NULL;
	}
	if (s != e)
		return NULL;
	*has_time = 1;
	*has_offset = sign != 0;
	if (sign == 0)
		return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02d",
		    y, mo, d, h, mi, sec);
	if (sign == 'Z')
		return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02dZ",
		    y, mo, d, h, mi, sec);
	return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    y, mo, d, h, mi, sec, sign, oh, om);
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
	char *v, *fold;
	int rd;
	enum form_status st;

	switch (pp->cur->field) {
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
		fold = form_value_fold(s, e);
		v = fold != NULL ? form_date(fold, fold + strlen(fold)) : NULL;
		g_free(fold);
		if (v == NULL) {
			form_field_error(pp, FORM_ISSUE_BAD_VALUE,
			    "expected an existing date as YYYY-MM-DD");
			break;
		}
		form_set(pp, pp->cur->field == FORM_FIELD_FIX_DATE ?
		    &form->fix_date : &form->workaround_date, v);
		break;
	case FORM_FIELD_PUBDATE_REQUEST:
		fold = form_value_fold(s, e);
		v = fold != NULL ? form_pubdate(fold, fold + strlen(fold),
		    &form->pubdate_has_time, &form->pubdate_has_offset) : NULL;
		g_free(fold);
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

static void
form_cand_free(gpointer p)
{
	struct form_cand *c = p;

	g_free(c->label);
	g_free(c->text);
	g_free(c->value);
	g_free(c);
}

/* A copy of [s, e) with each run of whitespace one space: the form as
 * sent and as quoted back compare so, whatever a client did to spaces. */
static char *
form_ws_folded(const char *s, const char *e)
{
	GString *o = g_string_sized_new(e - s);
	size_t n;

	while (s < e) {
		if ((n = form_ws_len(s, e)) > 0 || *s == '\n') {
			while (s < e && ((n = form_ws_len(s, e)) > 0 ||
			    *s == '\n'))
				s += n > 0 ? n : 1;
			g_string_append_c(o, ' ');
		} else
			g_string_append_c(o, *s++);
	}
	return g_string_free(o, FALSE);
}

/* Whether value (of field f) is in the form as we sent it. */
static gboolean
form_was_sent(const struct form_parser *pp, enum form_field f,
    const char *value)
{
	const GPtrArray *l = pp->sent[f];
	char *v;
	guint i;
	gboolean found = FALSE;

	if (l == NULL)
		return FALSE;
	v = form_ws_folded(value, value + strlen(value));
	for (i = 0; i < l->len && !found; i++)
		found = strcmp(l->pdata[i], v) == 0;
	g_free(v);
	return found;
}

/* Whether a value counts as the vendor's: typed unquoted, or quoted but
 * not what we sent (an unchanged blank is empty, so never a candidate). */
static gboolean
form_cand_counts(const struct form_parser *pp, const struct form_cand *c)
{
	return c->level == 0 || c->over ||
	    !form_was_sent(pp, c->field, c->value);
}

/* Ends the value being collected and keeps it as a candidate. */
static void
form_parser_close(struct form_parser *pp)
{
	enum form_field f = pp->open;
	const char *s = pp->value->str, *e = s + pp->value->len;
	struct form_cand *c;

	if (f == FORM_FIELD_NONE)
		return;
	e = form_rtrim(s, e);
	if (pp->sending) {
		if (s != e) {
			if (pp->sent[f] == NULL)
				pp->sent[f] = g_ptr_array_new_with_free_func(
				    g_free);
			g_ptr_array_add(pp->sent[f], form_ws_folded(s, e));
		}
	} else if ((s != e || pp->value_over) &&
	    !(f == FORM_FIELD_CASE && pp->open_level > 0)) {
		/* Empty means "not given": our template sends empty values.
		 * A quoted Case line is the notice's own (rule 6 routes by
		 * the quoted notice already). */
		c = g_new0(struct form_cand, 1);
		c->field = f;
		c->line = pp->open_line;
		c->level = pp->open_level;
		c->label = pp->open_label;
		pp->open_label = NULL;
		c->text = pp->open_text;
		pp->open_text = NULL;
		c->value = g_strndup(s, e - s);
		c->over = pp->value_over;
		g_ptr_array_add(pp->cands, c);
	}
	pp->open = FORM_FIELD_NONE;
	g_string_truncate(pp->value, 0);
	pp->value_over = FALSE;
	g_clear_pointer(&pp->open_label, g_free);
	g_clear_pointer(&pp->open_text, g_free);
}

static void
form_store_cand(struct form_parser *pp, const struct form_cand *c)
{
	pp->cur = c;
	pp->form->quote[c->field] = c->level;
	if (c->over)
		form_field_error(pp, FORM_ISSUE_TOO_LONG,
		    "longer than 16384 bytes");
	else
		form_store(pp, c->value, c->value + strlen(c->value));
	pp->cur = NULL;
}

/*
 * Chooses among the candidates: of each field the least quoted values
 * that count are stored (Share-With: all of them; another field: the
 * first, and a different one at the same level is an error); the others
 * that differ from it are listed in overridden.  In line order, so that
 * errors come as the vendor reads its reply.
 */
static void
form_resolve(struct form_parser *pp)
{
	unsigned min[FORM_FIELD_COUNT];
	const struct form_cand *first[FORM_FIELD_COUNT] = { NULL };
	const struct form_cand *shares[FORM_MAX_SHARES];
	guint i, j, n;

	for (i = 0; i < FORM_FIELD_COUNT; i++)
		min[i] = G_MAXUINT;
	for (i = 0; i < pp->cands->len; i++) {
		const struct form_cand *c = pp->cands->pdata[i];

		if (form_cand_counts(pp, c) && c->level < min[c->field])
			min[c->field] = c->level;
	}
	for (i = 0; i < pp->cands->len; i++) {
		const struct form_cand *c = pp->cands->pdata[i];
		enum form_field f = c->field;

		if (!form_cand_counts(pp, c) || c->level != min[f])
			continue;
		if (first[f] == NULL || f == FORM_FIELD_SHARE_WITH) {
			if (first[f] == NULL)
				first[f] = c;
			form_store_cand(pp, c);
		} else if (c->over || first[f]->over ||
		    strcmp(first[f]->value, c->value) != 0) {
			/* The same value again is harmless (a form pasted
			 * twice). */
			pp->cur = c;
			form_field_error(pp, FORM_ISSUE_DUPLICATE,
			    "given twice with different values");
			pp->cur = NULL;
		}
	}
	/* The Share-With entries kept, to tell a quoted copy of one. */
	for (i = 0, n = 0; i < pp->cands->len && n < FORM_MAX_SHARES; i++) {
		const struct form_cand *c = pp->cands->pdata[i];

		if (c->field == FORM_FIELD_SHARE_WITH &&
		    c->level == min[c->field] && form_cand_counts(pp, c))
			shares[n++] = c;
	}
	for (i = 0; i < pp->cands->len; i++) {
		const struct form_cand *c = pp->cands->pdata[i];
		enum form_field f = c->field;
		gboolean same = FALSE;

		if (!form_cand_counts(pp, c) || c->level == min[f])
			continue;
		if (f != FORM_FIELD_SHARE_WITH)
			same = !c->over && !first[f]->over &&
			    strcmp(first[f]->value, c->value) == 0;
		for (j = 0; f == FORM_FIELD_SHARE_WITH && j < n && !same; j++)
			same = !c->over && !shares[j]->over &&
			    strcmp(shares[j]->value, c->value) == 0;
		if (!same)
			form_add_issue(pp->form->overridden,
			    &pp->form->overridden_dropped,
			    FORM_MAX_OVERRIDDEN, c->line, f,
			    FORM_ISSUE_OVERRIDDEN, c->label, strlen(c->label),
			    "a value you typed in the quoted text; the one "
			    "outside the quote was used", c->text, c->level);
	}
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

/* Starts collecting the value of the label line [t, e) at level. */
static void
form_parser_open(struct form_parser *pp, const struct form_label_line *ll,
    unsigned level, const char *t, const char *e)
{
	pp->open = ll->field;
	pp->open_line = pp->lineno;
	pp->open_level = level;
	pp->open_label = g_strndup(ll->token, ll->token_end - ll->token);
	pp->open_text = form_bounded(t, e - t, FORM_MAX_TEXT);
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
	char *q = form_bounded(t, e - t, FORM_MAX_QUOTE);

	form_add_issue(pp->form->unknown, &pp->form->unknown_dropped,
	    FORM_MAX_UNKNOWN, pp->lineno, field, FORM_ISSUE_NOT_CONTINUED,
	    q, strlen(q), "not indented: not part of the value above", q,
	    pp->open_level);
	g_free(q);
}

/*
 * The quote marks at the start of a trimmed line: '>' or U+FF1E, with
 * single spaces between them ("> > "), and one space after.  Returns
 * how many; *body_r is the rest, its own indentation kept.
 */
static unsigned
form_quote_depth(const char *t, const char *e, const char **body_r)
{
	unsigned depth = 0;

	for (;;) {
		if (t < e && *t == '>')
			t++;
		else if (form_has_prefix(t, e, UTF8_FW_GT))
			t += 3;
		else
			break;
		if (depth < G_MAXUINT)
			depth++;
		if (t + 1 < e && *t == ' ' && (t[1] == '>' ||
		    form_has_prefix(t + 1, e, UTF8_FW_GT)))
			t++;
	}
	if (depth > 0 && t < e && *t == ' ')
		t++;
	*body_r = t;
	return depth;
}

/* Where the vendor's own text ends: the first cut or signature. */
static void
form_mark_cut(struct form_parser *pp)
{
	if (pp->form->cut_line == 0)
		pp->form->cut_line = pp->lineno;
}

/* Handles one line. */
static void
form_parser_line(struct form_parser *pp, const char *s, const char *e)
{
	struct form_label_line ll;
	const char *t = form_ltrim(s, e), *b;
	gboolean indented, have_label, after_counts = FALSE;
	enum form_field after;
	unsigned depth, level;

	e = form_rtrim(t, e);
	depth = form_quote_depth(t, e, &b);
	if (depth > 0) {
		t = form_ltrim(b, e);
		indented = t != b;
	} else
		indented = t != s;
	level = depth + pp->cuts;
	if (t == e || depth > FORM_MAX_QUOTE_DEPTH ||
	    level > FORM_MAX_QUOTE_DEPTH) {
		form_parser_close(pp);
		return;
	}
	if (indented && pp->open != FORM_FIELD_NONE &&
	    level == pp->open_level) {
		form_parser_append(pp, t, e);
		return;
	}
	after = pp->open;
	if (after != FORM_FIELD_NONE && level == pp->open_level) {
		/* A wrapped line of a value the vendor typed. */
		char *v = g_strndup(pp->value->str, pp->value->len);

		after_counts = level == 0 || (pp->value->len > 0 &&
		    !form_was_sent(pp, after, g_strstrip(v)));
		g_free(v);
	}
	form_parser_close(pp);
	have_label = form_split_label(t, e, &ll);
	if (depth == 0 && !(have_label && ll.field != FORM_FIELD_NONE) &&
	    form_is_reply_cut(pp, t, e, have_label ? &ll : NULL)) {
		/* What follows is the mail answered, quoted without marks
		 * (Outlook): one level deeper, and out of the signature. */
		form_mark_cut(pp);
		if (pp->cuts < FORM_MAX_QUOTE_DEPTH)
			pp->cuts++;
		pp->in_sig = FALSE;
		return;
	}
	if (depth == 0 && pp->in_sig)
		return;
	if (*t == '#')
		return;
	/* "-- " after trimming. */
	if (depth == 0 && !indented && form_span_is(t, e, "--")) {
		form_mark_cut(pp);
		pp->in_sig = TRUE;
		return;
	}
	if (have_label && ll.field != FORM_FIELD_NONE) {
		form_parser_open(pp, &ll, level, t, e);
		return;
	}
	if (form_is_free_text(after) && after_counts) {
		/* A client that wraps long lines (without format=flowed)
		 * breaks a Comment like this: the value ends here, and the
		 * vendor is told which line was left out. */
		pp->open_level = level;
		form_not_continued(pp, after, t, e);
		return;
	}
	/* A label without a value is as likely to be prose ("以下の通り:");
	 * quoted text is our mail, its "Title:" lines no concern. */
	if (level == 0 && have_label && ll.value != ll.value_end &&
	    form_plausible_label(ll.token, ll.token_end))
		form_add_issue(pp->form->unknown, &pp->form->unknown_dropped,
		    FORM_MAX_UNKNOWN, pp->lineno, FORM_FIELD_NONE,
		    FORM_ISSUE_UNKNOWN_LABEL, ll.token,
		    ll.token_end - ll.token, "unknown label; ignored", t, 0);
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
	form->overridden = g_ptr_array_new_with_free_func(form_issue_free);
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
	g_ptr_array_unref(form->overridden);
	g_free(form);
}

/* Reads every line; returns NULL or why it refused. */
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
		if (++pp->lineno > FORM_MAX_LINES) {
			/* Past the vendor's own text a long thread is only
			 * read so far, not refused. */
			if (pp->form->cut_line != 0)
				break;
			return "too many lines";
		}
		if (e - s > FORM_MAX_LINE) {
			/* Nor a long line of it. */
			if (pp->form->cut_line == 0)
				return "line too long";
			form_parser_close(pp);
			continue;
		}

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

		form_parser_line(pp, pp->line->str,
		    pp->line->str + pp->line->len);
	}
	form_parser_close(pp);
	return NULL;
}

static void
form_parser_init(struct form_parser *pp, const char *text, size_t len)
{
	memset(pp, 0, sizeof(*pp));
	pp->p = text;
	pp->end = text + len;
	pp->line = g_string_new(NULL);
	pp->value = g_string_new(NULL);
	pp->open = FORM_FIELD_NONE;
	pp->cands = g_ptr_array_new_with_free_func(form_cand_free);
}

static void
form_parser_clear(struct form_parser *pp)
{
	size_t i;

	g_string_free(pp->line, TRUE);
	g_string_free(pp->value, TRUE);
	g_free(pp->open_label);
	g_free(pp->open_text);
	g_ptr_array_unref(pp->cands);
	for (i = 0; i < G_N_ELEMENTS(pp->sent); i++)
		if (pp->sent[i] != NULL)
			g_ptr_array_unref(pp->sent[i]);
}

/* The values of the form as sent, into pp->sent; ignored when refused. */
static void
form_read_sent(struct form_parser *pp, const char *sent, size_t len)
{
	struct form_parser sp;
	size_t i;

	if (sent == NULL || len == 0 || len > FORM_MAX_SENT ||
	    memchr(sent, '\0', len) != NULL ||
	    !g_utf8_validate(sent, (gssize)len, NULL))
		return;
	form_parser_init(&sp, sent, len);
	sp.sending = TRUE;
	sp.form = form_new();
	if (form_parser_run(&sp) == NULL) {
		for (i = 0; i < G_N_ELEMENTS(sp.sent); i++) {
			pp->sent[i] = sp.sent[i];
			sp.sent[i] = NULL;
		}
	}
	form_free(&sp.form);
	form_parser_clear(&sp);
}

int
form_parse_reply(const char *text, size_t len, const char *sent,
    size_t sent_len, struct form **form_r, const char **error_r)
{
	struct form_parser pp;
	const char *error = NULL;

	*form_r = NULL;
	if (textin_check(&text, &len, FORM_MAX_INPUT, error_r) < 0)
		return -1;

	form_parser_init(&pp, text, len);
	form_read_sent(&pp, sent, sent_len);
	pp.form = form_new();
	if ((error = form_parser_run(&pp)) == NULL)
		form_resolve(&pp);
	form_parser_clear(&pp);
	if (error != NULL) {
		form_free(&pp.form);
		if (error_r != NULL)
			*error_r = error;
		return -1;
	}
	*form_r = pp.form;
	return 0;
}

int
form_parse(const char *text, size_t len, struct form **form_r,
    const char **error_r)
{
	return form_parse_reply(text, len, NULL, 0, form_r, error_r);
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
