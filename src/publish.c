/*
 * publish: the public face of a case (figures 1-3 of the guideline), its
 * CSAF 2.0 VEX document, the JVNRSS feed and the site tree.
 *
 * The pages are built in C rather than from conf/templates: what may
 * become a link, and how each string is escaped, is a security decision
 * that should not move when an operator edits a template, and
 * pub_render() has no template directory to read from.  All text passes
 * through clean() first, then through exactly one escaper for its output.
 */
#include "config.h"

/* Formats are chosen per language between two literals (ja ? "..." :
 * "..."), which -Wformat-nonliteral cannot see through. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulture/json.h"
#include "vulture/publish.h"
#include "vulture/vtime.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

#define PUB_SITE	"site"		/* the link readers resolve */
#define PUB_TMP_PREFIX	".tmp-"
#define PUB_VER_PREFIX	"v-"

enum pub_status {
	PUB_ST_UNKNOWN,
	PUB_ST_AFFECTED,
	PUB_ST_AFFECTED_INV,
	PUB_ST_NOT_AFFECTED,
	PUB_ST_NOT_AFFECTED_INV,
	PUB_ST_UNREACHABLE,	/* set by the desk, overrides the status */
};

static const struct pub_status_def {
	const char *name;	/* in struct pub_vendor; NULL: not settable */
	const char *en, *ja;
	const char *css;
} pub_statuses[] = {
	[PUB_ST_UNKNOWN] = { "unknown", "Unknown", "不明", "unknown" },
	[PUB_ST_AFFECTED] = { "affected", "Affected", "該当製品あり",
	    "affected" },
	[PUB_ST_AFFECTED_INV] = { "affected-investigating",
	    "Affected (investigating)", "該当製品あり：調査中",
	    "affected-inv" },
	[PUB_ST_NOT_AFFECTED] = { "not-affected", "Not affected",
	    "該当製品なし", "not-affected" },
	[PUB_ST_NOT_AFFECTED_INV] = { "not-affected-investigating",
	    "Not affected (investigating)", "該当製品なし：調査中",
	    "not-affected-inv" },
	[PUB_ST_UNREACHABLE] = { NULL, "Unreachable", "連絡不能",
	    "unreachable" },
};

/* Every fixed string of the outputs, per language.  Members ending in
 * _fmt are printf formats taking the arguments named in the comment. */
struct pub_labels {
	const char *lang;
	const char *site;		/* site name without a publisher */
	const char *coordinator;	/* publisher_name fallback */
	const char *date_fmt;		/* g_date_time_format() */
	const char *published, *updated;
	const char *overview, *affected, *description, *impact, *solution;
	const char *vendors, *references, *credits, *history;
	const char *addendum_fmt;	/* publisher */
	const char *col_vendor, *col_status, *col_updated, *col_comment;
	const char *col_advisory;
	const char *unreachable_fmt;	/* date */
	const char *unreachable_nodate;
	const char *remark_fmt;		/* publisher, date */
	const char *remark_nodate_fmt;	/* publisher */
	const char *vendor_title_fmt;	/* vendor, case id */
	const char *f_id, *f_title, *f_vendor, *f_status, *f_comment;
	const char *f_advisory, *f_fix, *f_workaround, *f_remarks;
	const char *back;
	const char *index_title, *index_empty, *col_id, *col_title;
	const char *csaf_link;
	const char *none_vendors;
	/* CSAF sentences */
	const char *product_fmt;	/* vendor, case id */
	const char *fix_advisory_fmt;	/* vendor */
	const char *fix_none_fmt;	/* vendor */
	const char *fix_investigating_fmt; /* vendor */
	const char *fix_date_fmt;	/* date */
	const char *workaround_fmt;	/* vendor, date */
	const char *not_affected_fmt;	/* vendor */
	const char *comment_fmt;	/* comment */
	const char *statement_fmt;	/* vendor */
	const char *inv_unreachable_fmt; /* vendor, date */
	const char *inv_unknown_fmt;	/* vendor */
	const char *initial_release;
	const char *feed_title_fmt;	/* publisher */
	const char *feed_description;
};

static const struct pub_labels pub_en = {
	.lang = "en",
	.site = "Vulnerability notes",
	.coordinator = "the coordinator",
	.date_fmt = "%Y-%m-%d",
	.published = "Published",
	.updated = "Last updated",
	.overview = "Overview",
	.affected = "Affected systems",
	.description = "Description",
	.impact = "Impact",
	.solution = "Solution",
	.vendors = "Vendor status",
	.references = "References",
	.credits = "Credits",
	.history = "Update history",
	.addendum_fmt = "Addendum from %s",
	.col_vendor = "Vendor",
	.col_status = "Status",
	.col_updated = "Last update",
	.col_comment = "Vendor comment",
	.col_advisory = "Vendor advisory",
	.unreachable_fmt = "Unreachable: contact attempted since %s, "
	    "no answer",
	.unreachable_nodate = "Unreachable: contact attempted, no answer",
	.remark_fmt = "%s has tried to contact this vendor since %s, but "
	    "has received no answer to date.",
	.remark_nodate_fmt = "%s has tried to contact this vendor, but has "
	    "received no answer to date.",
	.vendor_title_fmt = "%s: status for %s",
	.f_id = "Identifier",
	.f_title = "Title",
	.f_vendor = "Vendor",
	.f_status = "Status",
	.f_comment = "Comment from the vendor",
	.f_advisory = "Vendor advisory",
	.f_fix = "Fix date",
	.f_workaround = "Workaround date",
	.f_remarks = "Remarks",
	.back = "Back to the vulnerability note",
	.index_title = "Vulnerability notes",
	.index_empty = "No vulnerability notes have been published.",
	.col_id = "Identifier",
	.col_title = "Title",
	.csaf_link = "CSAF 2.0 VEX (JSON)",
	.none_vendors = "No vendors are listed.",
	.product_fmt = "%s products (%s)",
	.fix_advisory_fmt = "See the advisory of %s.",
	.fix_none_fmt = "%s has not published a fix or an advisory.",
	.fix_investigating_fmt = "%s is still investigating and has not "
	    "published a fix.",
	.fix_date_fmt = "Fix date reported by the vendor: %s.",
	.workaround_fmt = "Workaround date reported by %s: %s.",
	.not_affected_fmt = "%s reported that its products are not "
	    "affected.",
	.comment_fmt = "Vendor comment: %s",
	.statement_fmt = "Statement of %s",
	.inv_unreachable_fmt = "%s: contact attempted since %s, no answer.",
	.inv_unknown_fmt = "%s: no status reported.",
	.initial_release = "Initial release",
	.feed_title_fmt = "%s vulnerability notes",
	.feed_description = "Vulnerability notes published after "
	    "coordinated disclosure.",
};

static const struct pub_labels pub_ja = {
	.lang = "ja",
	.site = "脆弱性情報",
	.coordinator = "調整機関",
	.date_fmt = "%Y年%m月%d日",
	.published = "公開日",
	.updated = "最終更新日",
	.overview = "概要",
	.affected = "影響を受けるシステム",
	.description = "詳細情報",
	.impact = "想定される影響",
	.solution = "対策方法",
	.vendors = "ベンダ情報",
	.references = "参考情報",
	.credits = "謝辞",
	.history = "更新履歴",
	.addendum_fmt = "%sからの補足情報",
	.col_vendor = "ベンダ",
	.col_status = "ステータス",
	.col_updated = "最終更新日",
	.col_comment = "ベンダからのコメント",
	.col_advisory = "ベンダの告知ページ",
	.unreachable_fmt = "連絡不能: %s から連絡を試みていますが、"
	    "回答がありません",
	.unreachable_nodate = "連絡不能: 連絡を試みていますが、"
	    "回答がありません",
	.remark_fmt = "%sは %s 以降、連絡を試みてきましたが、"
	    "今日に至るまで回答が得られていません。",
	.remark_nodate_fmt = "%sは連絡を試みてきましたが、"
	    "今日に至るまで回答が得られていません。",
	.vendor_title_fmt = "%s の脆弱性 %s への対応",
	.f_id = "脆弱性識別番号",
	.f_title = "脆弱性タイトル",
	.f_vendor = "ベンダ",
	.f_status = "ステータス",
	.f_comment = "製品開発者からのコメント",
	.f_advisory = "ベンダの告知ページ",
	.f_fix = "対策予定日",
	.f_workaround = "回避策予定日",
	.f_remarks = "備考",
	.back = "脆弱性情報に戻る",
	.index_title = "脆弱性情報一覧",
	.index_empty = "公開中の脆弱性情報はありません。",
	.col_id = "識別番号",
	.col_title = "タイトル",
	.csaf_link = "CSAF 2.0 VEX (JSON)",
	.none_vendors = "掲載するベンダはありません。",
	.product_fmt = "%s の製品 (%s)",
	.fix_advisory_fmt = "%s の告知ページを参照してください。",
	.fix_none_fmt = "%s は対策情報を公開していません。",
	.fix_investigating_fmt = "%s は調査中で、対策情報を公開していません。",
	.fix_date_fmt = "ベンダが報告した対策予定日: %s。",
	.workaround_fmt = "%s が報告した回避策予定日: %s。",
	.not_affected_fmt = "%s は該当製品なしと報告しています。",
	.comment_fmt = "ベンダからのコメント: %s",
	.statement_fmt = "%s からのコメント",
	.inv_unreachable_fmt = "%s: %s から連絡を試みていますが、"
	    "回答がありません。",
	.inv_unknown_fmt = "%s: 対応状況の連絡がありません。",
	.initial_release = "公開",
	.feed_title_fmt = "%s 脆弱性情報",
	.feed_description = "調整を経て公開された脆弱性情報",
};

/* One render: the case, checked, with what every output derives. */
struct rctx {
	const struct pub_case *c;	/* foreign */
	const struct pub_labels *L;
	GTimeZone *tz;			/* owned reference */
	char *slug;			/* owned */
	char *base;			/* owned: "" or an http(s) URL ending
					 * in '/' */
	char *publisher;		/* owned, clean, never empty */
	const char *suffix;		/* of page links: "", ".en", ".ja" */
};

enum esc { ESC_NONE, ESC_HTML, ESC_XML };

/* ------------------------------------------------------------------ */
/* Strings */

static char *clean_strip(const char *s);

/* Whether s holds nothing to show: NULL, white space, or only what
 * clean() drops.  Sections and fields are left out when blank. */
static int
blank(const char *s)
{
	const char *p;

	if (s == NULL)
		return 1;
	for (p = s; *p != '\0'; p++)
		if (!g_ascii_isspace(*p))
			break;
	if (*p == '\0')
		return 1;
	/* Slow path only for strings starting with non-space. */
	{
		char *t = clean_strip(p);
		int r = *t == '\0';

		g_free(t);
		return r;
	}
}

/*
 * Copies s without what no output should carry: invalid UTF-8 becomes
 * U+FFFD; C0 and C1 controls other than tab and newline are dropped (a CR
 * or ESC could rewrite lines of the text mail on a terminal, and XML 1.0
 * cannot carry most of them), and so are U+FFFE and U+FFFF, which XML
 * cannot carry either.  NULL gives "".  Newly allocated.
 */
static char *
clean(const char *s)
{
	GString *o;
	char *v;
	const char *p;

	if (s == NULL)
		return g_strdup("");
	v = g_utf8_make_valid(s, -1);
	o = g_string_sized_new(strlen(v));
	for (p = v; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar u = g_utf8_get_char(p);

		if ((u < 0x20 && u != '\t' && u != '\n') ||
		    (u >= 0x7f && u < 0xa0) || u == 0xfffe || u == 0xffff)
			continue;
		g_string_append_len(o, p, g_utf8_next_char(p) - p);
	}
	g_free(v);
	return g_string_free(o, FALSE);
}

/* clean() and strip surrounding white space. Newly allocated. */
static char *
clean_strip(const char *s)
{
	return g_strstrip(clean(s));
}

/* Appends s (already clean) escaped for e. */
static void
put_esc(GString *o, enum esc e, const char *s)
{
	if (e == ESC_NONE) {
		g_string_append(o, s);
		return;
	}
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': g_string_append(o, "&amp;"); break;
		case '<': g_string_append(o, "&lt;"); break;
		case '>': g_string_append(o, "&gt;"); break;
		case '"': g_string_append(o, "&quot;"); break;
		case '\'':
			g_string_append(o, e == ESC_XML ? "&apos;" : "&#39;");
			break;
		default: g_string_append_c(o, *s);
		}
	}
}

/* Appends untrusted s, cleaned and stripped, escaped for e. */
static void
put(GString *o, enum esc e, const char *s)
{
	char *t = clean_strip(s);

	put_esc(o, e, t);
	g_free(t);
}

static int
url_char(char ch)
{
	unsigned char u = (unsigned char)ch;

	return u > 0x20 && u < 0x7f && strchr("<>\"'`\\{}|^", ch) == NULL;
}

/* Length of the http(s) URL at p, or 0 if there is none (or no host).
 * Trailing punctuation is left out: "see https://a.example/x." */
static size_t
url_len(const char *p)
{
	size_t n, start;

	if (g_ascii_strncasecmp(p, "https://", 8) == 0)
		start = 8;
	else if (g_ascii_strncasecmp(p, "http://", 7) == 0)
		start = 7;
	else
		return 0;
	for (n = start; url_char(p[n]); n++)
		;
	while (n > start && strchr(".,;:!?)]'\"", p[n - 1]) != NULL)
		n--;
	if (n == start || p[start] == '/' || p[start] == '?' ||
	    p[start] == '#')
		return 0;
	return n;
}

/* Whether clean, stripped s is an http or https URL and nothing else: the
 * only kind of string that may become an href. */
static int
url_ok(const char *s)
{
	return s != NULL && *s != '\0' && url_len(s) == strlen(s);
}

/* Appends clean text s as HTML, turning http(s) URLs into links. */
static void
put_linked(GString *o, const char *s)
{
	const char *p = s, *run = s;

	while (*p != '\0') {
		size_t n = 0;

		if (p == s || !g_ascii_isalnum(p[-1]))
			n = url_len(p);
		if (n == 0) {
			p++;
			continue;
		}
		{
			char *text = g_strndup(run, p - run);
			char *url = g_strndup(p, n);

			put_esc(o, ESC_HTML, text);
			g_string_append(o, "<a rel=\"nofollow noopener "
			    "noreferrer\" href=\"");
			put_esc(o, ESC_HTML, url);
			g_string_append(o, "\">");
			put_esc(o, ESC_HTML, url);
			g_string_append(o, "</a>");
			g_free(text);
			g_free(url);
		}
		p += n;
		run = p;
	}
	put_esc(o, ESC_HTML, run);
}

/* Appends untrusted multi-line text as paragraphs (split at blank lines;
 * line breaks inside are kept by the CSS white-space rule). */
static void
put_paras(GString *o, const char *raw)
{
	char *t = clean_strip(raw);
	char **lines = g_strsplit(t, "\n", -1);
	GString *para = g_string_new(NULL);
	size_t i;

	for (i = 0; ; i++) {
		if (lines[i] == NULL || blank(lines[i])) {
			if (para->len > 0) {
				g_string_append(o, "<p>");
				put_linked(o, para->str);
				g_string_append(o, "</p>\n");
				g_string_truncate(para, 0);
			}
			if (lines[i] == NULL)
				break;
			continue;
		}
		if (para->len > 0)
			g_string_append_c(para, '\n');
		g_string_append(para, lines[i]);
	}
	g_string_free(para, TRUE);
	g_strfreev(lines);
	g_free(t);
}

/* Columns the string takes on a terminal: East Asian wide characters
 * count two, so that text headings are underlined to their width. */
static size_t
text_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s = g_utf8_next_char(s))
		w += g_unichar_iswide(g_utf8_get_char(s)) ? 2 : 1;
	return w;
}

/* ------------------------------------------------------------------ */
/* Checks */

static int
safe_id(const char *id)
{
	size_t n;

	if (id == NULL || !g_ascii_isalnum(id[0]))
		return 0;
	for (n = 0; id[n] != '\0'; n++)
		if (!g_ascii_isalnum(id[n]) && strchr("#._-", id[n]) == NULL)
			return 0;
	return n <= PUB_MAX_ID;
}

static int
safe_handle(const char *h)
{
	size_t n;

	if (h == NULL || !g_ascii_isalnum(h[0]))
		return 0;
	for (n = 0; h[n] != '\0'; n++)
		if (!g_ascii_isalnum(h[n]) && strchr("._-", h[n]) == NULL)
			return 0;
	return n <= PUB_MAX_HANDLE;
}

char *
pub_case_slug(const char *id)
{
	GString *s;

	if (!safe_id(id))
		return NULL;
	s = g_string_new(NULL);
	for (; *id != '\0'; id++)
		if (*id != '#')
			g_string_append_c(s, *id);
	return g_string_free(s, FALSE);
}

/* A printable copy of untrusted s for error messages. Newly allocated. */
static char *
shown(const char *s)
{
	char *t, *r;

	if (s == NULL)
		return g_strdup("(null)");
	t = g_strndup(s, 80);
	r = g_strescape(t, NULL);
	g_free(t);
	return r;
}

static int
parse_status(const struct pub_vendor *v, enum pub_status *st_r)
{
	size_t i;

	if (blank(v->status)) {
		*st_r = PUB_ST_UNKNOWN;
		return 0;
	}
	for (i = 0; i < G_N_ELEMENTS(pub_statuses); i++) {
		if (pub_statuses[i].name != NULL &&
		    strcmp(pub_statuses[i].name, v->status) == 0) {
			*st_r = (enum pub_status)i;
			return 0;
		}
	}
	return -1;
}

/* The status as shown: unreachable overrides whatever was recorded. */
static enum pub_status
vendor_status(const struct pub_vendor *v)
{
	enum pub_status st = PUB_ST_UNKNOWN;

	if (v->unreachable)
		return PUB_ST_UNREACHABLE;
	(void)parse_status(v, &st);	/* checked by check_case() */
	return st;
}

static int
check_case(const struct pub_case *c, char **error_r)
{
	GHashTable *seen;
	char *s;
	size_t i;

	if (c == NULL) {
		*error_r = g_strdup("no case given");
		return -1;
	}
	if (!safe_id(c->id)) {
		s = shown(c->id);
		*error_r = g_strdup_printf("unsafe case id \"%s\": it must "
		    "start with a letter or digit and hold only letters, "
		    "digits and #._- (at most %d bytes), as it names a "
		    "directory", s, PUB_MAX_ID);
		g_free(s);
		return -1;
	}
	if (blank(c->title)) {
		*error_r = g_strdup_printf("%s: no title", c->id);
		return -1;
	}
	if (c->lang == NULL ||
	    (strcmp(c->lang, "en") != 0 && strcmp(c->lang, "ja") != 0)) {
		s = shown(c->lang);
		*error_r = g_strdup_printf("%s: language \"%s\" is neither "
		    "en nor ja", c->id, s);
		g_free(s);
		return -1;
	}
	if (!blank(c->base_url)) {
		char *b = clean_strip(c->base_url);
		int ok = url_ok(b);

		g_free(b);
		if (!ok) {
			s = shown(c->base_url);
			*error_r = g_strdup_printf("%s: base URL \"%s\" is "
			    "not an http or https URL", c->id, s);
			g_free(s);
			return -1;
		}
	}
	if ((c->n_vendors > 0 && c->vendors == NULL) ||
	    (c->n_history > 0 && c->history == NULL)) {
		*error_r = g_strdup_printf("%s: vendor or history count "
		    "without an array", c->id);
		return -1;
	}
	seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		enum pub_status st;

		if (!safe_handle(v->handle)) {
			s = shown(v->handle);
			*error_r = g_strdup_printf("%s: unsafe vendor handle "
			    "\"%s\": it must start with a letter or digit "
			    "and hold only letters, digits and ._- (at most "
			    "%d bytes), as it names a file", c->id, s,
			    PUB_MAX_HANDLE);
			g_free(s);
			g_hash_table_destroy(seen);
			return -1;
		}
		if (!g_hash_table_add(seen, (gpointer)v->handle)) {
			*error_r = g_strdup_printf("%s: vendor %s is listed "
			    "twice", c->id, v->handle);
			g_hash_table_destroy(seen);
			return -1;
		}
		if (parse_status(v, &st) < 0) {
			s = shown(v->status);
			*error_r = g_strdup_printf("%s: vendor %s: unknown "
			    "status \"%s\" (unknown, affected, "
			    "affected-investigating, not-affected, "
			    "not-affected-investigating)", c->id, v->handle,
			    s);
			g_free(s);
			g_hash_table_destroy(seen);
			return -1;
		}
	}
	g_hash_table_destroy(seen);
	return 0;
}

static int
rctx_init(struct rctx *x, const struct pub_case *c, const char *suffix,
    char **error_r)
{
	memset(x, 0, sizeof(*x));
	if (check_case(c, error_r) < 0)
		return -1;
	x->c = c;
	x->L = strcmp(c->lang, "ja") == 0 ? &pub_ja : &pub_en;
	x->tz = c->tz != NULL ? g_time_zone_ref(c->tz) :
	    g_time_zone_new_utc();
	x->slug = pub_case_slug(c->id);
	x->base = clean_strip(c->base_url);
	if (*x->base != '\0' && !g_str_has_suffix(x->base, "/")) {
		char *b = g_strconcat(x->base, "/", NULL);

		g_free(x->base);
		x->base = b;
	}
	x->publisher = clean_strip(c->publisher_name);
	if (*x->publisher == '\0') {
		g_free(x->publisher);
		x->publisher = g_strdup(x->L->coordinator);
	}
	x->suffix = suffix;
	return 0;
}

static void
rctx_clear(struct rctx *x)
{
	if (x->tz != NULL)
		g_time_zone_unref(x->tz);
	g_free(x->slug);
	g_free(x->base);
	g_free(x->publisher);
	memset(x, 0, sizeof(*x));
}

/* The date of t in the case's zone and language; NULL for 0. */
static char *
fmt_date(const struct rctx *x, int64_t t)
{
	GDateTime *u, *l;
	char *s;

	if (t == 0)
		return NULL;
	u = g_date_time_new_from_unix_utc(t);
	if (u == NULL)
		return NULL;
	l = g_date_time_to_timezone(u, x->tz);
	s = g_date_time_format(l, x->L->date_fmt);
	g_date_time_unref(l);
	g_date_time_unref(u);
	return s;
}

/* The vendor's name, falling back to its handle. Newly allocated. */
static char *
vendor_name(const struct pub_vendor *v)
{
	char *t = clean_strip(v->name);

	if (*t == '\0') {
		g_free(t);
		return g_strdup(v->handle);
	}
	return t;
}

/* The status text of the vendor table: the status label, or for an
 * unreachable vendor the figure 3 wording with the first attempt's
 * date. Newly allocated. */
static char *
status_text(const struct rctx *x, const struct pub_vendor *v)
{
	enum pub_status st = vendor_status(v);
	char *d, *s;

	if (st != PUB_ST_UNREACHABLE)
		return g_strdup(x->L == &pub_ja ? pub_statuses[st].ja :
		    pub_statuses[st].en);
	d = fmt_date(x, v->first_attempt);
	if (d == NULL)
		return g_strdup(x->L->unreachable_nodate);
	s = g_strdup_printf(x->L->unreachable_fmt, d);
	g_free(d);
	return s;
}

static const char *
status_label(const struct rctx *x, enum pub_status st)
{
	return x->L == &pub_ja ? pub_statuses[st].ja : pub_statuses[st].en;
}

/* Whether any vendor reported a status: a VEX document needs at least
 * one product status (CSAF 2.0 test 6.1.27.7). */
static int
has_vex(const struct pub_case *c)
{
	size_t i;

	for (i = 0; i < c->n_vendors; i++) {
		enum pub_status st = vendor_status(&c->vendors[i]);

		if (st != PUB_ST_UNKNOWN && st != PUB_ST_UNREACHABLE)
			return 1;
	}
	return 0;
}

/* The update history in time order (the caller's order for equal
 * times): g_ptr_array of foreign const struct pub_history *. */
static gint
history_cmp(gconstpointer a, gconstpointer b)
{
	const struct pub_history *ha = *(const struct pub_history *const *)a;
	const struct pub_history *hb = *(const struct pub_history *const *)b;

	if (ha->at != hb->at)
		return ha->at < hb->at ? -1 : 1;
	return ha < hb ? -1 : ha > hb;
}

static GPtrArray *
history_sorted(const struct pub_case *c)
{
	GPtrArray *h = g_ptr_array_sized_new(c->n_history);
	size_t i;

	for (i = 0; i < c->n_history; i++)
		g_ptr_array_add(h, (gpointer)&c->history[i]);
	g_ptr_array_sort(h, history_cmp);
	return h;
}

/* The case page URL: absolute with a base URL, else relative to the site
 * root. Newly allocated. */
static char *
case_url(const struct rctx *x)
{
	return g_strdup_printf("%scases/%s/", x->base, x->slug);
}

/* The CSAF file name of a case (CSAF 2.0 section 5.1: lower case, runs
 * of characters other than + - a-z 0-9 become '_', then ".json"):
 * JVNVU#12345678 -> jvnvu_12345678.json. Newly allocated. */
static char *
csaf_filename(const char *id)
{
	GString *s = g_string_new(NULL);
	int run = 0;

	for (; *id != '\0'; id++) {
		char ch = g_ascii_tolower(*id);

		if (g_ascii_isdigit(ch) || (ch >= 'a' && ch <= 'z') ||
		    ch == '+' || ch == '-') {
			g_string_append_c(s, ch);
			run = 0;
		} else if (!run) {
			g_string_append_c(s, '_');
			run = 1;
		}
	}
	g_string_append(s, ".json");
	return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------------ */
/* HTML */

/* Inline only: the pages must be readable from a file, a mail archive or
 * a mirror, and the CSP below forbids anything fetched.  Below 40rem the
 * vendor table turns into one card per vendor, each cell labelled from
 * data-label, so nothing overflows a 375 px phone. */
static const char pub_css[] =
":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#0b4f8a;"
"--head:#f3f6f9}\n"
"*{box-sizing:border-box}\n"
"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
"body{margin:0;color:var(--fg);background:#fff;line-height:1.7;"
"font-family:system-ui,-apple-system,\"Segoe UI\",\"Hiragino Sans\","
"\"Hiragino Kaku Gothic ProN\",\"Noto Sans CJK JP\",\"Noto Sans JP\","
"\"IPAexGothic\",\"IPAGothic\",Meiryo,sans-serif}\n"
"header.site{background:var(--accent);color:#fff;padding:.55rem 1rem;"
"display:flex;flex-wrap:wrap;gap:.3rem 1rem;justify-content:"
"space-between;align-items:baseline}\n"
"header.site a{color:#fff}\n"
"header.site .home{font-weight:700;text-decoration:none}\n"
"header.site nav a{margin-left:.8rem;font-size:.9rem}\n"
"main{max-width:72rem;margin:0 auto;padding:1rem 1rem 3rem}\n"
"a{color:var(--accent)}\n"
".id{margin:.5rem 0 0;color:var(--muted);font-weight:700;"
"letter-spacing:.02em}\n"
"h1{font-size:1.65rem;line-height:1.35;margin:.15rem 0 .6rem;"
"overflow-wrap:anywhere}\n"
"h2{font-size:1.2rem;line-height:1.4;margin:2rem 0 .7rem;"
"padding:.3rem .6rem;border-left:.3rem solid var(--accent);"
"background:var(--head)}\n"
".dates{margin:0;color:var(--muted);font-size:.95rem}\n"
".dates span{margin-right:1.2rem;display:inline-block}\n"
".text p,.comment p{margin:.4rem 0;white-space:pre-wrap}\n"
".comment p:first-child{margin-top:0}\n.comment p:last-child{margin-bottom:0}\n"
".text,.comment,td,th,dd,li{overflow-wrap:anywhere}\n"
"table.list{width:100%;border-collapse:collapse;font-size:.95rem}\n"
"table.list th,table.list td{border:1px solid var(--line);"
"padding:.5rem .6rem;text-align:left;vertical-align:top}\n"
"table.list thead th{background:var(--head);white-space:nowrap}\n"
"table.list tbody th{font-weight:700}\n"
"table.vendors col.c-vendor{width:18%}\n"
"table.vendors col.c-status{width:19%}\n"
"table.vendors col.c-date{width:12%}\n"
"table.vendors col.c-advisory{width:20%}\n"
".status{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;"
"font-weight:700;text-decoration:none;line-height:1.5}\n"
"a.status:hover{text-decoration:underline}\n"
".st-affected{background:#fde7e7;color:#8f1d1d}\n"
".st-affected-inv{background:#fff1dc;color:#7a4300}\n"
".st-not-affected{background:#e3f3e7;color:#1b5e2f}\n"
".st-not-affected-inv{background:#e5effa;color:#1d4a85}\n"
".st-unknown{background:#eceff2;color:#3d444d}\n"
".st-unreachable{background:#f1e9f8;color:#5a2a82;font-weight:400}\n"
"td.date{white-space:nowrap}\n"
".none{color:var(--muted)}\n"
"ul.refs,ul.history{padding-left:1.2rem;margin:.4rem 0}\n"
"ul.history time{font-variant-numeric:tabular-nums;margin-right:.6rem;"
"color:var(--muted)}\n"
"dl.fields{display:grid;grid-template-columns:minmax(9rem,14rem) 1fr;"
"border-top:1px solid var(--line);margin:1rem 0}\n"
"dl.fields dt,dl.fields dd{margin:0;padding:.55rem .6rem;"
"border-bottom:1px solid var(--line)}\n"
"dl.fields dt{font-weight:700;background:var(--head)}\n"
"footer{max-width:72rem;margin:0 auto;padding:1rem;color:var(--muted);"
"font-size:.85rem;border-top:1px solid var(--line)}\n"
"@media (max-width:40rem){\n"
"h1{font-size:1.3rem}\n"
"main{padding:.6rem .75rem 2rem}\n"
"table.list,table.list tbody,table.list tr,table.list th,"
"table.list td{display:block;width:100%}\n"
"table.list thead{position:absolute;width:1px;height:1px;"
"overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\n"
"table.list colgroup{display:none}\n"
"table.list tr{border:1px solid var(--line);border-radius:.4rem;"
"margin:0 0 .8rem;padding:.35rem 0;background:#fff}\n"
"table.list tbody th{background:var(--head);border-radius:.4rem .4rem "
"0 0;margin-top:-.35rem}\n"
"table.list th,table.list td{border:0;padding:.3rem .75rem}\n"
"table.list td.empty{display:none}\n"
"table.list td.date{white-space:normal}\n"
"table.list td::before{content:attr(data-label);display:block;"
"font-size:.78rem;font-weight:700;color:var(--muted)}\n"
"dl.fields{grid-template-columns:1fr}\n"
"dl.fields dt{border-bottom:0;padding-bottom:.2rem}\n"
"}\n";

/* title is untrusted text; home and alternates are our own hrefs. */
static void
html_begin(GString *o, const struct rctx *x, const char *lang,
    const char *title, const char *home, const char *alt_base)
{
	g_string_append_printf(o, "<!DOCTYPE html>\n<html lang=\"%s\">\n"
	    "<head>\n<meta charset=\"utf-8\">\n", lang);
	g_string_append(o, "<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	    "base-uri 'none'; form-action 'none'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
	put(o, ESC_HTML, title);
	g_string_append(o, "</title>\n<style>\n");
	g_string_append(o, pub_css);
	g_string_append(o, "</style>\n</head>\n<body>\n"
	    "<header class=\"site\"><a class=\"home\" href=\"");
	g_string_append(o, home);
	g_string_append(o, "\">");
	if (x != NULL)
		put_esc(o, ESC_HTML, x->publisher);
	else
		g_string_append(o, strcmp(lang, "ja") == 0 ? pub_ja.site :
		    pub_en.site);
	g_string_append(o, "</a>");
	if (alt_base != NULL)
		g_string_append_printf(o, "<nav><a href=\"%s.ja.html\" "
		    "hreflang=\"ja\" lang=\"ja\">日本語</a><a "
		    "href=\"%s.en.html\" hreflang=\"en\" "
		    "lang=\"en\">English</a></nav>", alt_base, alt_base);
	g_string_append(o, "</header>\n<main>\n");
}

static void
html_end(GString *o)
{
	g_string_append(o, "</main>\n<footer>vulture " PACKAGE_VERSION
	    "</footer>\n</body>\n</html>\n");
}

/* A section of paragraphs; left out when the text is blank. */
static void
html_section(GString *o, const char *id, const char *heading,
    const char *text)
{
	if (blank(text))
		return;
	g_string_append_printf(o, "<section id=\"%s\">\n<h2>", id);
	put(o, ESC_HTML, heading);
	g_string_append(o, "</h2>\n<div class=\"text\">\n");
	put_paras(o, text);
	g_string_append(o, "</div>\n</section>\n");
}

/* The advisory link, or the string as text when it is not http(s). */
static void
html_advisory(GString *o, const char *raw)
{
	char *u = clean_strip(raw);

	if (*u == '\0')
		g_string_append(o, "<span class=\"none\">-</span>");
	else if (url_ok(u)) {
		g_string_append(o, "<a rel=\"nofollow noopener noreferrer\" "
		    "href=\"");
		put_esc(o, ESC_HTML, u);
		g_string_append(o, "\">");
		put_esc(o, ESC_HTML, u);
		g_string_append(o, "</a>");
	} else
		put_esc(o, ESC_HTML, u);
	g_free(u);
}

static void
html_date(GString *o, const struct rctx *x, int64_t t)
{
	char *d = fmt_date(x, t);

	if (d == NULL)
		g_string_append(o, "<span class=\"none\">-</span>");
	else
		g_string_append(o, d);
	g_free(d);
}

static void
html_vendor_row(GString *o, const struct rctx *x, size_t i)
{
	const struct pub_vendor *v = &x->c->vendors[i];
	const struct pub_labels *L = x->L;
	enum pub_status st = vendor_status(v);
	char *name = vendor_name(v), *stext = status_text(x, v);
	int64_t last;

	g_string_append_printf(o, "<tr id=\"vendor-%s\" class=\"vendor\">"
	    "<th scope=\"row\" data-label=\"%s\">", v->handle, L->col_vendor);
	put_esc(o, ESC_HTML, name);
	g_string_append_printf(o, "</th>\n<td data-label=\"%s\"><a "
	    "class=\"status st-%s\" href=\"vendors/%s%s.html\">",
	    L->col_status, pub_statuses[st].css, v->handle, x->suffix);
	put_esc(o, ESC_HTML, stext);
	/* Empty cells are marked so that the phone layout can leave
	 * them out of the vendor's card. */
	last = st == PUB_ST_UNREACHABLE ? 0 : v->last_answer;
	g_string_append_printf(o, "</a></td>\n<td data-label=\"%s\" "
	    "class=\"date%s\">", L->col_updated, last == 0 ? " empty" : "");
	html_date(o, x, last);
	g_string_append_printf(o, "</td>\n<td data-label=\"%s\" "
	    "class=\"comment%s\">", L->col_comment,
	    blank(v->comment) ? " empty" : "");
	if (blank(v->comment))
		g_string_append(o, "<span class=\"none\">-</span>");
	else
		put_paras(o, v->comment);
	g_string_append_printf(o, "</td>\n<td data-label=\"%s\"%s>",
	    L->col_advisory, blank(v->advisory_url) ? " class=\"empty\"" : "");
	html_advisory(o, v->advisory_url);
	g_string_append(o, "</td></tr>\n");
	g_free(name);
	g_free(stext);
}

static void
html_vendor_table(GString *o, const struct rctx *x)
{
	const struct pub_labels *L = x->L;
	size_t i;

	g_string_append(o, "<section id=\"vendors\">\n<h2>");
	g_string_append(o, L->vendors);
	g_string_append(o, "</h2>\n");
	if (x->c->n_vendors == 0) {
		g_string_append_printf(o, "<p class=\"none\">%s</p>\n"
		    "</section>\n", L->none_vendors);
		return;
	}
	g_string_append_printf(o, "<table class=\"list vendors\">\n"
	    "<colgroup><col class=\"c-vendor\"><col class=\"c-status\">"
	    "<col class=\"c-date\"><col class=\"c-comment\">"
	    "<col class=\"c-advisory\"></colgroup>\n"
	    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
	    L->col_vendor, L->col_status, L->col_updated, L->col_comment,
	    L->col_advisory);
	for (i = 0; i < x->c->n_vendors; i++)
		html_vendor_row(o, x, i);
	g_string_append(o, "</tbody>\n</table>\n</section>\n");
}

static void
html_references(GString *o, const struct rctx *x)
{
	char *t;
	char **lines;
	size_t i;

	if (blank(x->c->references))
		return;
	t = clean(x->c->references);
	lines = g_strsplit(t, "\n", -1);
	g_string_append_printf(o, "<section id=\"references\">\n<h2>%s</h2>"
	    "\n<ul class=\"refs\">\n", x->L->references);
	for (i = 0; lines[i] != NULL; i++) {
		g_strstrip(lines[i]);
		if (*lines[i] == '\0')
			continue;
		g_string_append(o, "<li>");
		put_linked(o, lines[i]);
		g_string_append(o, "</li>\n");
	}
	g_string_append(o, "</ul>\n</section>\n");
	g_strfreev(lines);
	g_free(t);
}

static void
html_history(GString *o, const struct rctx *x)
{
	GPtrArray *h = history_sorted(x->c);
	size_t i;

	g_string_append_printf(o, "<section id=\"history\">\n<h2>%s</h2>\n"
	    "<ul class=\"history\">\n", x->L->history);
	if (h->len == 0) {
		char *d = fmt_date(x, x->c->published_at);

		if (d != NULL)
			g_string_append_printf(o, "<li><time>%s</time>%s"
			    "</li>\n", d, x->L->initial_release);
		g_free(d);
	}
	for (i = 0; i < h->len; i++) {
		const struct pub_history *e = h->pdata[i];
		char *d = fmt_date(x, e->at);

		g_string_append_printf(o, "<li><time>%s</time>",
		    d != NULL ? d : "-");
		{
			char *t = clean_strip(e->text);

			put_linked(o, t);
			g_free(t);
		}
		g_string_append(o, "</li>\n");
		g_free(d);
	}
	g_string_append(o, "</ul>\n</section>\n");
	g_ptr_array_free(h, TRUE);
}

static void
html_case(GString *o, const struct rctx *x)
{
	const struct pub_case *c = x->c;
	const struct pub_labels *L = x->L;
	char *title, *addendum, *d;
	char home[32];

	title = g_strdup_printf("%s: %s", c->id, c->title);
	g_snprintf(home, sizeof(home), "../../index%s.html", x->suffix);
	html_begin(o, x, L->lang, title, home, "index");
	g_free(title);
	g_string_append(o, "<article>\n<p class=\"id\">");
	put_esc(o, ESC_HTML, c->id);
	g_string_append(o, "</p>\n<h1>");
	put(o, ESC_HTML, c->title);
	g_string_append(o, "</h1>\n<p class=\"dates\">");
	d = fmt_date(x, c->published_at);
	if (d != NULL)
		g_string_append_printf(o, "<span>%s: %s</span>",
		    L->published, d);
	g_free(d);
	d = fmt_date(x, c->updated_at);
	if (d != NULL)
		g_string_append_printf(o, "<span>%s: %s</span>", L->updated,
		    d);
	g_free(d);
	g_string_append(o, "</p>\n");
	html_section(o, "overview", L->overview, c->overview);
	html_section(o, "affected", L->affected, c->affected);
	html_section(o, "description", L->description, c->description);
	html_section(o, "impact", L->impact, c->impact);
	html_section(o, "solution", L->solution, c->solution);
	html_vendor_table(o, x);
	html_references(o, x);
	addendum = g_strdup_printf(L->addendum_fmt, x->publisher);
	html_section(o, "addendum", addendum, c->addendum);
	g_free(addendum);
	html_section(o, "credits", L->credits, c->credits);
	html_history(o, x);
	if (has_vex(c))
		g_string_append_printf(o, "<p class=\"dates\"><a href=\""
		    "csaf.json\" type=\"application/json\">%s</a></p>\n",
		    L->csaf_link);
	g_string_append(o, "</article>\n");
	html_end(o);
}

static void
html_field(GString *o, const char *label)
{
	g_string_append_printf(o, "<dt>%s</dt><dd>", label);
}

static void
html_vendor(GString *o, const struct rctx *x, size_t i)
{
	const struct pub_case *c = x->c;
	const struct pub_vendor *v = &c->vendors[i];
	const struct pub_labels *L = x->L;
	enum pub_status st = vendor_status(v);
	char *name = vendor_name(v), *title, *d;
	char home[32], alt[PUB_MAX_HANDLE + 8];

	title = g_strdup_printf(L->vendor_title_fmt, name, c->id);
	g_snprintf(home, sizeof(home), "../../../index%s.html", x->suffix);
	g_snprintf(alt, sizeof(alt), "%s", v->handle);
	html_begin(o, x, L->lang, title, home, alt);
	g_string_append_printf(o, "<article>\n<p class=\"id\"><a href=\""
	    "../index%s.html\">", x->suffix);
	put_esc(o, ESC_HTML, c->id);
	g_string_append(o, "</a></p>\n<h1>");
	put_esc(o, ESC_HTML, title);
	g_string_append(o, "</h1>\n<dl class=\"fields\">\n");
	html_field(o, L->f_id);
	put_esc(o, ESC_HTML, c->id);
	g_string_append(o, "</dd>\n");
	html_field(o, L->f_title);
	put(o, ESC_HTML, c->title);
	g_string_append(o, "</dd>\n");
	html_field(o, L->f_vendor);
	put_esc(o, ESC_HTML, name);
	g_string_append(o, "</dd>\n");
	html_field(o, L->f_status);
	g_string_append_printf(o, "<span class=\"status st-%s\">",
	    pub_statuses[st].css);
	put_esc(o, ESC_HTML, status_label(x, st));
	g_string_append(o, "</span></dd>\n");
	if (st == PUB_ST_UNREACHABLE) {
		/* Figure 3: the remark replaces what the vendor would have
		 * told us. */
		char *remark;

		d = fmt_date(x, v->first_attempt);
		remark = d != NULL ?
		    g_strdup_printf(L->remark_fmt, x->publisher, d) :
		    g_strdup_printf(L->remark_nodate_fmt, x->publisher);
		html_field(o, L->f_remarks);
		put_esc(o, ESC_HTML, remark);
		g_string_append(o, "</dd>\n");
		g_free(remark);
		g_free(d);
	} else {
		html_field(o, L->f_comment);
		if (blank(v->comment))
			g_string_append(o, "<span class=\"none\">-</span>");
		else {
			g_string_append(o, "<div class=\"comment\">");
			put_paras(o, v->comment);
			g_string_append(o, "</div>");
		}
		g_string_append(o, "</dd>\n");
		html_field(o, L->f_advisory);
		html_advisory(o, v->advisory_url);
		g_string_append(o, "</dd>\n");
		if (!blank(v->fix_date)) {
			html_field(o, L->f_fix);
			put(o, ESC_HTML, v->fix_date);
			g_string_append(o, "</dd>\n");
		}
		if (!blank(v->workaround_date)) {
			html_field(o, L->f_workaround);
			put(o, ESC_HTML, v->workaround_date);
			g_string_append(o, "</dd>\n");
		}
		html_field(o, L->col_updated);
		html_date(o, x, v->last_answer);
		g_string_append(o, "</dd>\n");
	}
	g_string_append_printf(o, "</dl>\n<p><a href=\"../index%s.html\">%s"
	    "</a></p>\n</article>\n", x->suffix, L->back);
	html_end(o);
	g_free(title);
	g_free(name);
}

/* ------------------------------------------------------------------ */
/* Text */

static void
text_heading(GString *o, const char *h)
{
	size_t i, w = text_width(h);

	g_string_append_printf(o, "\n%s\n", h);
	for (i = 0; i < w; i++)
		g_string_append_c(o, '=');
	g_string_append_c(o, '\n');
}

static void
text_section(GString *o, const char *heading, const char *raw)
{
	char *t;

	if (blank(raw))
		return;
	t = clean_strip(raw);
	text_heading(o, heading);
	g_string_append_printf(o, "%s\n", t);
	g_free(t);
}

/* "  Label: value", continuation lines indented under the label. */
static void
text_field(GString *o, const char *label, const char *raw)
{
	char *t = clean_strip(raw);
	char **lines = g_strsplit(t, "\n", -1);
	size_t i;

	g_string_append_printf(o, "  %s: %s\n", label, lines[0] != NULL ?
	    lines[0] : "");
	for (i = 1; lines[0] != NULL && lines[i] != NULL; i++)
		g_string_append_printf(o, "    %s\n", lines[i]);
	g_strfreev(lines);
	g_free(t);
}

static void
text_case(GString *o, const struct rctx *x)
{
	const struct pub_case *c = x->c;
	const struct pub_labels *L = x->L;
	GPtrArray *h;
	char *t, *d, *addendum;
	size_t i;

	t = clean_strip(c->title);
	g_string_append_printf(o, "%s\n%s\n\n", c->id, t);
	g_free(t);
	if ((d = fmt_date(x, c->published_at)) != NULL)
		g_string_append_printf(o, "%s: %s\n", L->published, d);
	g_free(d);
	if ((d = fmt_date(x, c->updated_at)) != NULL)
		g_string_append_printf(o, "%s: %s\n", L->updated, d);
	g_free(d);
	if (*x->base != '\0') {
		t = case_url(x);
		g_string_append_printf(o, "URL: %s\n", t);
		g_free(t);
	}
	text_section(o, L->overview, c->overview);
	text_section(o, L->affected, c->affected);
	text_section(o, L->description, c->description);
	text_section(o, L->impact, c->impact);
	text_section(o, L->solution, c->solution);
	text_heading(o, L->vendors);
	if (c->n_vendors == 0)
		g_string_append_printf(o, "%s\n", L->none_vendors);
	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		char *name = vendor_name(v), *st = status_text(x, v);

		g_string_append_printf(o, "%s* %s\n", i > 0 ? "\n" : "",
		    name);
		text_field(o, L->col_status, st);
		if (!v->unreachable && (d = fmt_date(x, v->last_answer))) {
			text_field(o, L->col_updated, d);
			g_free(d);
		}
		if (!blank(v->comment))
			text_field(o, L->col_comment, v->comment);
		if (!blank(v->advisory_url))
			text_field(o, L->col_advisory, v->advisory_url);
		g_free(name);
		g_free(st);
	}
	text_section(o, L->references, c->references);
	addendum = g_strdup_printf(L->addendum_fmt, x->publisher);
	text_section(o, addendum, c->addendum);
	g_free(addendum);
	text_section(o, L->credits, c->credits);
	text_heading(o, L->history);
	h = history_sorted(c);
	if (h->len == 0 && (d = fmt_date(x, c->published_at)) != NULL) {
		g_string_append_printf(o, "%s  %s\n", d, L->initial_release);
		g_free(d);
	}
	for (i = 0; i < h->len; i++) {
		const struct pub_history *e = h->pdata[i];

		d = fmt_date(x, e->at);
		t = clean_strip(e->text);
		g_string_append_printf(o, "%s  %s\n", d != NULL ? d : "-", t);
		g_free(t);
		g_free(d);
	}
	g_ptr_array_free(h, TRUE);
}

/* ------------------------------------------------------------------ */
/* CSAF 2.0 VEX */

/* Strings for the JSON writer: clean, stripped, NULL when empty (CSAF
 * strings have minLength 1).  Kept in tmp until the document is done. */
static const char *
keep(GPtrArray *tmp, char *s)
{
	if (s == NULL)
		return NULL;
	if (*s == '\0') {
		g_free(s);
		return NULL;
	}
	g_ptr_array_add(tmp, s);
	return s;
}

static const char *
csaf_text(GPtrArray *tmp, const char *raw)
{
	return keep(tmp, clean_strip(raw));
}

static void
csaf_note(struct jw *w, const char *category, const char *title,
    const char *text)
{
	if (text == NULL)
		return;
	jw_obj_begin(w);
	jw_kstr(w, "category", category);
	jw_kstr(w, "text", text);
	jw_kstr(w, "title", title);
	jw_obj_end(w);
}

static void
csaf_pid(char *buf, size_t size, size_t i)
{
	g_snprintf(buf, size, "CSAFPID-%04zu", i + 1);
}

/* The product ids of vendors whose status is in sts[0..n). */
static int
csaf_ids(struct jw *w, const struct pub_case *c, const char *key,
    const enum pub_status *sts, size_t n)
{
	char pid[32];
	size_t i, j;
	int any = 0;

	for (i = 0; i < c->n_vendors; i++) {
		enum pub_status st = vendor_status(&c->vendors[i]);

		for (j = 0; j < n; j++) {
			if (st != sts[j])
				continue;
			if (!any) {
				jw_key(w, key);
				jw_arr_begin(w);
				any = 1;
			}
			csaf_pid(pid, sizeof(pid), i);
			jw_str(w, pid);
		}
	}
	if (any)
		jw_arr_end(w);
	return any;
}

static void
csaf_one_pid(struct jw *w, size_t i)
{
	char pid[32];

	csaf_pid(pid, sizeof(pid), i);
	jw_key(w, "product_ids");
	jw_arr_begin(w);
	jw_str(w, pid);
	jw_arr_end(w);
}

/* One CSAF document being written. */
struct csaf {
	struct jw w;
	const struct rctx *x;		/* foreign */
	GPtrArray *tmp;			/* owned: strings for the writer */
};

static void
csaf_references(struct csaf *cs)
{
	const struct rctx *x = cs->x;
	const struct pub_case *c = x->c;
	struct jw *w = &cs->w;
	char **lines = NULL;
	char *s;
	size_t i;
	int any = *x->base != '\0';

	if (!blank(c->references)) {
		lines = g_strsplit(csaf_text(cs->tmp, c->references), "\n", -1);
		for (i = 0; lines[i] != NULL; i++) {
			g_strstrip(lines[i]);
			any |= url_ok(lines[i]);
		}
	}
	if (!any) {	/* the schema wants no empty list */
		g_strfreev(lines);
		return;
	}
	jw_key(w, "references");
	jw_arr_begin(w);
	if (*x->base != '\0') {
		jw_obj_begin(w);
		jw_kstr(w, "category", "self");
		s = g_strdup_printf("%s: %s", c->id,
		    csaf_text(cs->tmp, c->title));
		jw_kstr(w, "summary", keep(cs->tmp, s));
		jw_kstr(w, "url", keep(cs->tmp, case_url(x)));
		jw_obj_end(w);
		/* The canonical URL of this document (optional test
		 * 6.2.11), where pub_write_tree() puts it. */
		jw_obj_begin(w);
		jw_kstr(w, "category", "self");
		jw_kstr(w, "summary", "CSAF");
		s = csaf_filename(c->id);
		jw_kstr(w, "url", keep(cs->tmp, g_strdup_printf(
		    "%scases/%s/%s", x->base, x->slug, s)));
		g_free(s);
		jw_obj_end(w);
	}
	for (i = 0; lines != NULL && lines[i] != NULL; i++) {
		if (!url_ok(lines[i]))
			continue;	/* CSAF references need a URL */
		jw_obj_begin(w);
		jw_kstr(w, "category", "external");
		jw_kstr(w, "summary", lines[i]);
		jw_kstr(w, "url", lines[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	g_strfreev(lines);
}

/* tracking: revision numbers are the update history in time order, so
 * the version is the number of entries (tests 6.1.14, 6.1.16, 6.1.21). */
static void
csaf_tracking(struct csaf *cs, const char *initial)
{
	const struct rctx *x = cs->x;
	const struct pub_case *c = x->c;
	struct jw *w = &cs->w;
	GPtrArray *h = history_sorted(c);
	int64_t cur = MAX(c->published_at, c->updated_at);
	size_t i;

	if (h->len > 0)
		cur = MAX(cur,
		    ((const struct pub_history *)h->pdata[h->len - 1])->at);
	jw_key(w, "tracking");
	jw_obj_begin(w);
	jw_kstr(w, "current_release_date",
	    keep(cs->tmp, vtime_format(cur, x->tz)));
	jw_key(w, "generator");
	jw_obj_begin(w);
	jw_key(w, "engine");
	jw_obj_begin(w);
	jw_kstr(w, "name", "vulture");
	jw_kstr(w, "version", PACKAGE_VERSION);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_kstr(w, "id", c->id);
	jw_kstr(w, "initial_release_date", initial);
	jw_key(w, "revision_history");
	jw_arr_begin(w);
	if (h->len == 0) {
		jw_obj_begin(w);
		jw_kstr(w, "date", initial);
		jw_kstr(w, "number", "1");
		jw_kstr(w, "summary", x->L->initial_release);
		jw_obj_end(w);
	}
	for (i = 0; i < h->len; i++) {
		const struct pub_history *e = h->pdata[i];
		const char *sum = csaf_text(cs->tmp, e->text);
		char num[24];

		g_snprintf(num, sizeof(num), "%zu", i + 1);
		jw_obj_begin(w);
		jw_kstr(w, "date", keep(cs->tmp, vtime_format(e->at != 0 ?
		    e->at : c->published_at, x->tz)));
		jw_kstr(w, "number", num);
		jw_kstr(w, "summary", sum != NULL ? sum :
		    x->L->initial_release);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kstr(w, "status", "final");
	jw_kstr(w, "version", keep(cs->tmp,
	    g_strdup_printf("%u", MAX(h->len, 1))));
	jw_obj_end(w);
	g_ptr_array_free(h, TRUE);
}

static void
csaf_document(struct csaf *cs, const char *ns, const char *initial)
{
	const struct rctx *x = cs->x;
	const struct pub_case *c = x->c;
	const struct pub_labels *L = x->L;
	struct jw *w = &cs->w;

	jw_key(w, "document");
	jw_obj_begin(w);
	if (!blank(c->credits)) {
		jw_key(w, "acknowledgments");
		jw_arr_begin(w);
		jw_obj_begin(w);
		jw_kstr(w, "summary", csaf_text(cs->tmp, c->credits));
		jw_obj_end(w);
		jw_arr_end(w);
	}
	jw_kstr(w, "category", "csaf_vex");
	jw_kstr(w, "csaf_version", "2.0");
	/* Published: anyone may read it (TLP 1.0 labels in CSAF 2.0). */
	jw_key(w, "distribution");
	jw_obj_begin(w);
	jw_key(w, "tlp");
	jw_obj_begin(w);
	jw_kstr(w, "label", "WHITE");
	jw_kstr(w, "url", "https://www.first.org/tlp/");
	jw_obj_end(w);
	jw_obj_end(w);
	jw_kstr(w, "lang", L->lang);
	jw_key(w, "notes");
	jw_arr_begin(w);
	/* A summary is what a VEX reader wants first (and what test
	 * 6.1.27.1 asks of other profiles). */
	csaf_note(w, "summary", L->overview, csaf_text(cs->tmp,
	    blank(c->overview) ? c->title : c->overview));
	csaf_note(w, "general", L->affected, csaf_text(cs->tmp, c->affected));
	csaf_note(w, "general", L->solution, csaf_text(cs->tmp, c->solution));
	csaf_note(w, "other", keep(cs->tmp, g_strdup_printf(L->addendum_fmt,
	    x->publisher)), csaf_text(cs->tmp, c->addendum));
	jw_arr_end(w);
	jw_key(w, "publisher");
	jw_obj_begin(w);
	jw_kstr(w, "category", "coordinator");
	jw_kstr(w, "name", x->publisher);
	jw_kstr(w, "namespace", ns);
	jw_obj_end(w);
	csaf_references(cs);
	jw_kstr(w, "title", csaf_text(cs->tmp, c->title));
	csaf_tracking(cs, initial);
	jw_obj_end(w);
}

/* Products only for vendors with a status: an id that no status refers
 * to says nothing (and optional test 6.2.1 flags it); unknown and
 * unreachable vendors are involvements instead. */
static void
csaf_product_tree(struct csaf *cs)
{
	const struct pub_case *c = cs->x->c;
	struct jw *w = &cs->w;
	size_t i;

	jw_key(w, "product_tree");
	jw_obj_begin(w);
	jw_key(w, "branches");
	jw_arr_begin(w);
	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		enum pub_status st = vendor_status(v);
		const char *name, *product;
		char pid[32];

		if (st == PUB_ST_UNKNOWN || st == PUB_ST_UNREACHABLE)
			continue;
		name = keep(cs->tmp, vendor_name(v));
		product = keep(cs->tmp, g_strdup_printf(cs->x->L->product_fmt,
		    name, c->id));
		csaf_pid(pid, sizeof(pid), i);
		jw_obj_begin(w);
		jw_key(w, "branches");
		jw_arr_begin(w);
		jw_obj_begin(w);
		jw_kstr(w, "category", "product_name");
		jw_kstr(w, "name", product);
		jw_key(w, "product");
		jw_obj_begin(w);
		jw_kstr(w, "name", product);
		jw_kstr(w, "product_id", pid);
		jw_obj_end(w);
		jw_obj_end(w);
		jw_arr_end(w);
		jw_kstr(w, "category", "vendor");
		jw_kstr(w, "name", name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* Unknown and unreachable vendors.  No date: involvements of the same
 * party on the same date must be unique (test 6.1.24), and vendors
 * notified together share their first attempt. */
static void
csaf_involvements(struct csaf *cs)
{
	const struct rctx *x = cs->x;
	const struct pub_case *c = x->c;
	struct jw *w = &cs->w;
	size_t i;
	int any = 0;

	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		enum pub_status st = vendor_status(v);
		const char *name, *status;
		char *s, *d;

		if (st != PUB_ST_UNKNOWN && st != PUB_ST_UNREACHABLE)
			continue;
		if (!any) {
			jw_key(w, "involvements");
			jw_arr_begin(w);
			any = 1;
		}
		name = keep(cs->tmp, vendor_name(v));
		if (st == PUB_ST_UNREACHABLE) {
			status = "contact_attempted";
			d = fmt_date(x, v->first_attempt);
			s = d != NULL ? g_strdup_printf(
			    x->L->inv_unreachable_fmt, name, d) :
			    g_strdup_printf("%s: %s", name,
			    x->L->unreachable_nodate);
			g_free(d);
		} else {
			/* "open": the vendor answered (asked for the
			 * detail...) but reported no status. */
			status = v->last_answer != 0 ? "open" :
			    v->first_attempt != 0 ? "contact_attempted" :
			    "not_contacted";
			s = g_strdup_printf(x->L->inv_unknown_fmt, name);
		}
		jw_obj_begin(w);
		jw_kstr(w, "party", "vendor");
		jw_kstr(w, "status", status);
		jw_kstr(w, "summary", keep(cs->tmp, s));
		jw_obj_end(w);
	}
	if (any)
		jw_arr_end(w);
}

/* Test 6.1.27.10: every known_affected product needs a remediation (and
 * optional test 6.2.2 wants one for products under investigation).
 * vendor_fix only when the vendor pointed at one or gave a date;
 * otherwise none_available says what we know: nothing published yet. */
static void
csaf_remediations(struct csaf *cs)
{
	const struct rctx *x = cs->x;
	const struct pub_labels *L = x->L;
	const struct pub_case *c = x->c;
	struct jw *w = &cs->w;
	size_t i;
	int any = 0;

	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		enum pub_status st = vendor_status(v);
		const char *name, *url, *comment, *fix, *wa;
		GString *det;

		if (st != PUB_ST_AFFECTED && st != PUB_ST_AFFECTED_INV &&
		    st != PUB_ST_NOT_AFFECTED_INV)
			continue;
		if (!any) {
			jw_key(w, "remediations");
			jw_arr_begin(w);
			any = 1;
		}
		name = keep(cs->tmp, vendor_name(v));
		url = csaf_text(cs->tmp, v->advisory_url);
		if (url != NULL && !url_ok(url))
			url = NULL;
		fix = csaf_text(cs->tmp, v->fix_date);
		wa = csaf_text(cs->tmp, v->workaround_date);
		comment = csaf_text(cs->tmp, v->comment);
		det = g_string_new(NULL);
		if (url != NULL || fix != NULL)
			g_string_append_printf(det, L->fix_advisory_fmt, name);
		else if (st != PUB_ST_AFFECTED)
			g_string_append_printf(det, L->fix_investigating_fmt,
			    name);
		else
			g_string_append_printf(det, L->fix_none_fmt, name);
		if (fix != NULL) {
			g_string_append_c(det, ' ');
			g_string_append_printf(det, L->fix_date_fmt, fix);
		}
		/* Investigating vendors' comments are notes already. */
		if (comment != NULL && st == PUB_ST_AFFECTED) {
			g_string_append_c(det, ' ');
			g_string_append_printf(det, L->comment_fmt, comment);
		}
		jw_obj_begin(w);
		jw_kstr(w, "category", url != NULL || fix != NULL ?
		    "vendor_fix" : "none_available");
		jw_kstr(w, "details", det->str);
		csaf_one_pid(w, i);
		if (url != NULL)
			jw_kstr(w, "url", url);
		jw_obj_end(w);
		g_string_free(det, TRUE);
		if (wa != NULL) {
			jw_obj_begin(w);
			jw_kstr(w, "category", "workaround");
			jw_kstr(w, "details", keep(cs->tmp, g_strdup_printf(
			    L->workaround_fmt, name, wa)));
			csaf_one_pid(w, i);
			jw_obj_end(w);
		}
	}
	if (any)
		jw_arr_end(w);
}

/* Test 6.1.27.9: each known_not_affected product needs an impact
 * statement or a flag.  The vendor told us "not affected", not why, so a
 * justification flag (vulnerable_code_not_present...) would put words in
 * its mouth; the statement quotes it instead. */
static void
csaf_threats(struct csaf *cs)
{
	const struct rctx *x = cs->x;
	const struct pub_case *c = x->c;
	struct jw *w = &cs->w;
	size_t i;
	int any = 0;

	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		const char *comment;
		GString *det;

		if (vendor_status(v) != PUB_ST_NOT_AFFECTED)
			continue;
		if (!any) {
			jw_key(w, "threats");
			jw_arr_begin(w);
			any = 1;
		}
		det = g_string_new(NULL);
		g_string_append_printf(det, x->L->not_affected_fmt,
		    keep(cs->tmp, vendor_name(v)));
		comment = csaf_text(cs->tmp, v->comment);
		if (comment != NULL) {
			g_string_append_c(det, ' ');
			g_string_append_printf(det, x->L->comment_fmt, comment);
		}
		jw_obj_begin(w);
		jw_kstr(w, "category", "impact");
		jw_kstr(w, "details", det->str);
		csaf_one_pid(w, i);
		jw_obj_end(w);
		g_string_free(det, TRUE);
	}
	if (any)
		jw_arr_end(w);
}

static void
csaf_vulnerability(struct csaf *cs)
{
	static const enum pub_status aff[] = { PUB_ST_AFFECTED };
	static const enum pub_status naff[] = { PUB_ST_NOT_AFFECTED };
	static const enum pub_status inv[] = { PUB_ST_AFFECTED_INV,
	    PUB_ST_NOT_AFFECTED_INV };
	const struct rctx *x = cs->x;
	const struct pub_case *c = x->c;
	const struct pub_labels *L = x->L;
	struct jw *w = &cs->w;
	const char *desc;
	size_t i;

	jw_key(w, "vulnerabilities");
	jw_arr_begin(w);
	jw_obj_begin(w);
	jw_key(w, "ids");	/* test 6.1.27.8: ids or cve */
	jw_arr_begin(w);
	jw_obj_begin(w);
	jw_kstr(w, "system_name", x->publisher);
	jw_kstr(w, "text", c->id);
	jw_obj_end(w);
	jw_arr_end(w);
	csaf_involvements(cs);

	jw_key(w, "notes");
	jw_arr_begin(w);
	desc = csaf_text(cs->tmp, c->description);
	if (desc == NULL)
		desc = csaf_text(cs->tmp, blank(c->overview) ? c->title :
		    c->overview);
	csaf_note(w, "description", L->description, desc);
	csaf_note(w, "general", L->impact, csaf_text(cs->tmp, c->impact));
	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		enum pub_status st = vendor_status(v);

		/* Affected and not-affected comments travel with their
		 * remediation and impact statement. */
		if (st != PUB_ST_AFFECTED_INV && st != PUB_ST_NOT_AFFECTED_INV)
			continue;
		csaf_note(w, "other", keep(cs->tmp, g_strdup_printf(
		    L->statement_fmt, keep(cs->tmp, vendor_name(v)))),
		    csaf_text(cs->tmp, v->comment));
	}
	jw_arr_end(w);

	jw_key(w, "product_status");
	jw_obj_begin(w);
	csaf_ids(w, c, "known_affected", aff, G_N_ELEMENTS(aff));
	csaf_ids(w, c, "known_not_affected", naff, G_N_ELEMENTS(naff));
	csaf_ids(w, c, "under_investigation", inv, G_N_ELEMENTS(inv));
	jw_obj_end(w);
	csaf_remediations(cs);
	csaf_threats(cs);
	jw_kstr(w, "title", csaf_text(cs->tmp, c->title));
	jw_obj_end(w);
	jw_arr_end(w);
}

static int
csaf_case(GString *o, const struct rctx *x, char **error_r)
{
	const struct pub_case *c = x->c;
	struct csaf cs;
	char *ns, *initial;

	ns = clean_strip(c->publisher_namespace);
	if (blank(c->publisher_name) || !url_ok(ns)) {
		*error_r = g_strdup_printf("%s: CSAF needs a publisher name "
		    "and an http(s) publisher namespace", c->id);
		g_free(ns);
		return -1;
	}
	if (!has_vex(c)) {
		*error_r = g_strdup_printf("%s: no vendor has reported a "
		    "status, and a CSAF VEX document needs at least one "
		    "product status (test 6.1.27.7)", c->id);
		g_free(ns);
		return -1;
	}
	initial = vtime_format(c->published_at, x->tz);
	if (initial == NULL) {
		*error_r = g_strdup_printf("%s: no publication time", c->id);
		g_free(ns);
		return -1;
	}
	memset(&cs, 0, sizeof(cs));
	cs.x = x;
	cs.tmp = g_ptr_array_new_with_free_func(g_free);
	keep(cs.tmp, ns);
	keep(cs.tmp, initial);
	jw_init(&cs.w, o, 1);
	jw_obj_begin(&cs.w);
	csaf_document(&cs, ns, initial);
	csaf_product_tree(&cs);
	csaf_vulnerability(&cs);
	jw_obj_end(&cs.w);
	g_string_append_c(o, '\n');
	g_ptr_array_free(cs.tmp, TRUE);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lists: index and feed */

static gint
newest_first(gconstpointer a, gconstpointer b)
{
	const struct pub_case *ca = *(const struct pub_case *const *)a;
	const struct pub_case *cb = *(const struct pub_case *const *)b;

	if (ca->published_at != cb->published_at)
		return ca->published_at > cb->published_at ? -1 : 1;
	return strcmp(ca->id, cb->id);
}

/* Checks every case and returns them newest first (a new array of
 * foreign pointers), or NULL with *error_r. */
static GPtrArray *
sorted_cases(const struct pub_case *const *cases, size_t n, char **error_r)
{
	GPtrArray *a;
	size_t i;

	if (n > 0 && cases == NULL) {
		*error_r = g_strdup("case count without an array");
		return NULL;
	}
	a = g_ptr_array_sized_new(n);
	for (i = 0; i < n; i++) {
		if (check_case(cases[i], error_r) < 0) {
			g_ptr_array_free(a, TRUE);
			return NULL;
		}
		g_ptr_array_add(a, (gpointer)cases[i]);
	}
	g_ptr_array_sort(a, newest_first);
	return a;
}

static int
html_index(GString *o, const struct pub_case *const *cases, size_t n,
    const char *lang, const char *suffix, char **error_r)
{
	const struct pub_labels *L;
	GPtrArray *a;
	struct rctx x;
	char home[32];
	size_t i;

	if (lang == NULL || (strcmp(lang, "en") != 0 &&
	    strcmp(lang, "ja") != 0)) {
		*error_r = g_strdup("index language is neither en nor ja");
		return -1;
	}
	L = strcmp(lang, "ja") == 0 ? &pub_ja : &pub_en;
	if ((a = sorted_cases(cases, n, error_r)) == NULL)
		return -1;
	g_snprintf(home, sizeof(home), "index%s.html", suffix);
	if (a->len > 0) {
		struct pub_case first = *(const struct pub_case *)a->pdata[0];
		char *t;

		/* The newest case names the publisher; its language is
		 * replaced by the index's so that labels agree. */
		first.lang = L->lang;
		(void)rctx_init(&x, &first, suffix, error_r);
		t = g_strdup_printf("%s: %s", x.publisher, L->index_title);
		html_begin(o, &x, L->lang, t, home, "index");
		g_free(t);
		rctx_clear(&x);
	} else
		html_begin(o, NULL, L->lang, L->index_title, home, "index");
	g_string_append_printf(o, "<h1>%s</h1>\n<p><a href=\"index.rdf\" "
	    "type=\"application/rss+xml\">RSS</a></p>\n", L->index_title);
	if (a->len == 0)
		g_string_append_printf(o, "<p class=\"none\">%s</p>\n",
		    L->index_empty);
	else
		g_string_append_printf(o, "<table class=\"list cases\">\n"
		    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s"
		    "</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead>\n<tbody>\n", L->col_id, L->col_title,
		    L->published, L->updated);
	for (i = 0; i < a->len; i++) {
		struct pub_case one = *(const struct pub_case *)a->pdata[i];

		one.lang = L->lang;
		(void)rctx_init(&x, &one, suffix, error_r);
		g_string_append_printf(o, "<tr><th scope=\"row\" "
		    "data-label=\"%s\"><a href=\"cases/%s/index%s.html\">",
		    L->col_id, x.slug, suffix);
		put_esc(o, ESC_HTML, one.id);
		g_string_append_printf(o, "</a></th><td data-label=\"%s\">"
		    "<a href=\"cases/%s/index%s.html\">", L->col_title,
		    x.slug, suffix);
		put(o, ESC_HTML, one.title);
		g_string_append_printf(o, "</a></td><td data-label=\"%s\">",
		    L->published);
		html_date(o, &x, one.published_at);
		g_string_append_printf(o, "</td><td data-label=\"%s\">",
		    L->updated);
		html_date(o, &x, one.updated_at);
		g_string_append(o, "</td></tr>\n");
		rctx_clear(&x);
	}
	if (a->len > 0)
		g_string_append(o, "</tbody>\n</table>\n");
	html_end(o);
	g_ptr_array_free(a, TRUE);
	return 0;
}

static void
xml_elem(GString *o, const char *name, const char *clean_text)
{
	g_string_append_printf(o, "  <%s>", name);
	put_esc(o, ESC_XML, clean_text);
	g_string_append_printf(o, "</%s>\n", name);
}

static void
rss_item(GString *o, const struct rctx *x)
{
	const struct pub_case *c = x->c;
	char *url = case_url(x), *t, *d;

	g_string_append(o, "<item rdf:about=\"");
	put_esc(o, ESC_XML, url);
	g_string_append(o, "\">\n");
	t = clean_strip(c->title);
	xml_elem(o, "title", t);
	g_free(t);
	xml_elem(o, "link", url);
	t = clean_strip(blank(c->overview) ? c->title : c->overview);
	xml_elem(o, "description", t);
	g_free(t);
	xml_elem(o, "dc:creator", x->publisher);
	xml_elem(o, "sec:identifier", c->id);
	g_string_append(o, "  <sec:references source=\"");
	put_esc(o, ESC_XML, x->publisher);
	g_string_append(o, "\" id=\"");
	put_esc(o, ESC_XML, c->id);
	g_string_append(o, "\">");
	put_esc(o, ESC_XML, url);
	g_string_append(o, "</sec:references>\n");
	if (!blank(c->references)) {
		char **lines;
		size_t i;

		t = clean(c->references);
		lines = g_strsplit(t, "\n", -1);
		for (i = 0; lines[i] != NULL; i++) {
			g_strstrip(lines[i]);
			if (url_ok(lines[i]))
				xml_elem(o, "sec:references", lines[i]);
		}
		g_strfreev(lines);
		g_free(t);
	}
	d = vtime_format(MAX(c->updated_at, c->published_at), x->tz);
	if (d != NULL)
		xml_elem(o, "dc:date", d);
	g_free(d);
	if ((d = vtime_format(c->published_at, x->tz)) != NULL)
		xml_elem(o, "dcterms:issued", d);
	g_free(d);
	if ((d = vtime_format(c->updated_at, x->tz)) != NULL)
		xml_elem(o, "dcterms:modified", d);
	g_free(d);
	g_string_append(o, "</item>\n");
	g_free(url);
}

static int
rss_feed(GString *o, const struct pub_case *const *cases, size_t n,
    char **error_r)
{
	GPtrArray *a;
	struct rctx x;
	const char *lang = "ja";
	char *title, *chan, *link, *d = NULL;
	size_t i;

	if ((a = sorted_cases(cases, n, error_r)) == NULL)
		return -1;
	if (a->len > 0) {
		(void)rctx_init(&x, a->pdata[0], "", error_r);
		lang = x.L->lang;
		d = vtime_format(MAX(x.c->updated_at, x.c->published_at),
		    x.tz);
		chan = g_strdup_printf("%sindex.rdf", x.base);
		link = g_strdup(*x.base != '\0' ? x.base : "index.html");
		title = g_strdup_printf(x.L->feed_title_fmt, x.publisher);
		rctx_clear(&x);
	} else {
		chan = g_strdup("index.rdf");
		link = g_strdup("index.html");
		title = g_strdup(pub_ja.site);
	}
	g_string_append_printf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "\n<rdf:RDF xmlns=\"http://purl.org/rss/1.0/\"\n"
	    " xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
	    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	    " xmlns:dcterms=\"http://purl.org/dc/terms/\"\n"
	    " xmlns:sec=\"http://jvn.jp/rss/mod_Security/3.0/\"\n"
	    " xml:lang=\"%s\">\n<channel rdf:about=\"", lang);
	put_esc(o, ESC_XML, chan);
	g_string_append(o, "\">\n");
	xml_elem(o, "title", title);
	xml_elem(o, "link", link);
	xml_elem(o, "description", strcmp(lang, "ja") == 0 ?
	    pub_ja.feed_description : pub_en.feed_description);
	if (d != NULL)
		xml_elem(o, "dc:date", d);
	g_string_append(o, "  <items>\n   <rdf:Seq>\n");
	for (i = 0; i < a->len; i++) {
		char *u;

		(void)rctx_init(&x, a->pdata[i], "", error_r);
		u = case_url(&x);
		g_string_append(o, "    <rdf:li rdf:resource=\"");
		put_esc(o, ESC_XML, u);
		g_string_append(o, "\"/>\n");
		g_free(u);
		rctx_clear(&x);
	}
	g_string_append(o, "   </rdf:Seq>\n  </items>\n</channel>\n");
	for (i = 0; i < a->len; i++) {
		(void)rctx_init(&x, a->pdata[i], "", error_r);
		rss_item(o, &x);
		rctx_clear(&x);
	}
	g_string_append(o, "</rdf:RDF>\n");
	g_free(link);
	g_free(title);
	g_free(chan);
	g_free(d);
	g_ptr_array_free(a, TRUE);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Public renderers */

int
pub_render(const struct pub_case *c, enum pub_format f, GString **out_r,
    char **error_r)
{
	struct rctx x;
	GString *o;

	if (f == PUB_RSS)
		return pub_render_feed(&c, 1, out_r, error_r);
	if (rctx_init(&x, c, "", error_r) < 0)
		return -1;
	o = g_string_new(NULL);
	switch (f) {
	case PUB_TEXT:
		text_case(o, &x);
		break;
	case PUB_HTML:
		html_case(o, &x);
		break;
	case PUB_CSAF:
		if (csaf_case(o, &x, error_r) < 0) {
			g_string_free(o, TRUE);
			rctx_clear(&x);
			return -1;
		}
		break;
	default:
		*error_r = g_strdup_printf("unknown format %d", (int)f);
		g_string_free(o, TRUE);
		rctx_clear(&x);
		return -1;
	}
	rctx_clear(&x);
	*out_r = o;
	return 0;
}

static int
render_vendor(const struct pub_case *c, size_t i, const char *suffix,
    GString **out_r, char **error_r)
{
	struct rctx x;
	GString *o;

	if (rctx_init(&x, c, suffix, error_r) < 0)
		return -1;
	if (i >= c->n_vendors) {
		*error_r = g_strdup_printf("%s: no vendor #%zu (the case has "
		    "%zu)", c->id, i, c->n_vendors);
		rctx_clear(&x);
		return -1;
	}
	o = g_string_new(NULL);
	html_vendor(o, &x, i);
	rctx_clear(&x);
	*out_r = o;
	return 0;
}

int
pub_render_vendor(const struct pub_case *c, size_t vendor_index,
    GString **out_r, char **error_r)
{
	return render_vendor(c, vendor_index, "", out_r, error_r);
}

int
pub_render_index(const struct pub_case *const *cases, size_t n,
    const char *lang, GString **out_r, char **error_r)
{
	GString *o = g_string_new(NULL);

	if (html_index(o, cases, n, lang, "", error_r) < 0) {
		g_string_free(o, TRUE);
		return -1;
	}
	*out_r = o;
	return 0;
}

int
pub_render_feed(const struct pub_case *const *cases, size_t n,
    GString **out_r, char **error_r)
{
	GString *o = g_string_new(NULL);

	if (rss_feed(o, cases, n, error_r) < 0) {
		g_string_free(o, TRUE);
		return -1;
	}
	*out_r = o;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The site tree */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* Removes path and everything below it, without following links. */
static int
rm_tree(const char *path)
{
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int
fsync_path(const char *path, char **error_r)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0) {
		*error_r = g_strdup_printf("fsync %s: %s", path,
		    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Writes a new file; it is fsync()ed so that the rename that publishes
 * it can never expose an empty file after a crash. */
static int
write_file(const char *dir, const char *name, const GString *s,
    char **error_r)
{
	char *path = g_build_filename(dir, name, NULL);
	const char *p = s->str;
	size_t left = s->len;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		p += n;
		left -= (size_t)n;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	g_free(path);
	return 0;
fail:
	*error_r = g_strdup_printf("write %s: %s", path, g_strerror(errno));
	if (fd >= 0)
		close(fd);
	g_free(path);
	return -1;
}

static int
make_dir(const char *path, char **error_r)
{
	if (mkdir(path, 0755) < 0) {
		*error_r = g_strdup_printf("mkdir %s: %s", path,
		    g_strerror(errno));
		return -1;
	}
	return 0;
}

/* Moves out into the file and frees it. */
static int
emit(const char *dir, const char *name, GString *out, char **error_r)
{
	int r = write_file(dir, name, out, error_r);

	g_string_free(out, TRUE);
	return r;
}

/* The CSAF document under its canonical name (CSAF 2.0 section 5.1, the
 * URL its self reference gives) and, hard-linked, as csaf.json, the name
 * the page links to. */
static int
write_csaf(const char *cdir, const struct pub_case *c, char **error_r)
{
	GString *out = NULL;
	char *name = csaf_filename(c->id), *from, *to;
	int r = -1;

	if (pub_render(c, PUB_CSAF, &out, error_r) < 0)
		goto done;
	if (write_file(cdir, name, out, error_r) < 0)
		goto done;
	from = g_build_filename(cdir, name, NULL);
	to = g_build_filename(cdir, "csaf.json", NULL);
	/* A file system without hard links gets a copy. */
	r = link(from, to) == 0 ? 0 :
	    write_file(cdir, "csaf.json", out, error_r);
	g_free(from);
	g_free(to);
done:
	if (out != NULL)
		g_string_free(out, TRUE);
	g_free(name);
	return r;
}

/* The three language variants: index.html in the case's language, then
 * .ja and .en.  Their links keep to the same variant. */
static const char *const pub_langs[] = { NULL, "ja", "en" };

static int
write_case(const char *root, const struct pub_case *c, char **error_r)
{
	char *slug = pub_case_slug(c->id);
	char *cdir = g_build_filename(root, "cases", slug, NULL);
	char *vdir = g_build_filename(cdir, "vendors", NULL);
	GString *out;
	char name[PUB_MAX_HANDLE + 16];
	size_t l, i;
	int r = -1;

	if (make_dir(cdir, error_r) < 0 || make_dir(vdir, error_r) < 0)
		goto done;
	for (l = 0; l < G_N_ELEMENTS(pub_langs); l++) {
		struct pub_case v = *c;
		struct rctx x;
		char suffix[8] = "";

		if (pub_langs[l] != NULL) {
			v.lang = pub_langs[l];
			g_snprintf(suffix, sizeof(suffix), ".%s", pub_langs[l]);
		}
		if (rctx_init(&x, &v, suffix, error_r) < 0)
			goto done;
		out = g_string_new(NULL);
		html_case(out, &x);
		rctx_clear(&x);
		g_snprintf(name, sizeof(name), "index%s.html", suffix);
		if (emit(cdir, name, out, error_r) < 0)
			goto done;
		for (i = 0; i < c->n_vendors; i++) {
			if (render_vendor(&v, i, suffix, &out, error_r) < 0)
				goto done;
			g_snprintf(name, sizeof(name), "%s%s.html",
			    c->vendors[i].handle, suffix);
			if (emit(vdir, name, out, error_r) < 0)
				goto done;
		}
	}
	/* A case nobody reported on cannot be a valid VEX document; its page
	 * then simply has no CSAF link (see html_case()). */
	if (has_vex(c) && write_csaf(cdir, c, error_r) < 0)
		goto done;
	if (fsync_path(vdir, error_r) < 0 || fsync_path(cdir, error_r) < 0)
		goto done;
	r = 0;
done:
	g_free(vdir);
	g_free(cdir);
	g_free(slug);
	return r;
}

static int
write_site(const char *root, const struct pub_case *const *cases, size_t n,
    char **error_r)
{
	char *cases_dir = g_build_filename(root, "cases", NULL);
	const char *first_lang = n > 0 ? cases[0]->lang : "ja";
	GString *out;
	size_t i, l;
	int r = -1;

	if (make_dir(cases_dir, error_r) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (write_case(root, cases[i], error_r) < 0)
			goto done;
	for (l = 0; l < G_N_ELEMENTS(pub_langs); l++) {
		const char *lang = pub_langs[l] != NULL ? pub_langs[l] :
		    first_lang;
		char suffix[8] = "", name[32];

		if (pub_langs[l] != NULL)
			g_snprintf(suffix, sizeof(suffix), ".%s", lang);
		out = g_string_new(NULL);
		if (html_index(out, cases, n, lang, suffix, error_r) < 0) {
			g_string_free(out, TRUE);
			goto done;
		}
		g_snprintf(name, sizeof(name), "index%s.html", suffix);
		if (emit(root, name, out, error_r) < 0)
			goto done;
	}
	if (pub_render_feed(cases, n, &out, error_r) < 0 ||
	    emit(root, "index.rdf", out, error_r) < 0)
		goto done;
	if (fsync_path(cases_dir, error_r) < 0 ||
	    fsync_path(root, error_r) < 0)
		goto done;
	r = 0;
done:
	g_free(cases_dir);
	return r;
}

/* Removes version directories other than keep1 and keep2, and temporary
 * directories left by a writer that died (we hold the lock, so no live
 * writer owns one).  Failures only leave garbage behind; not fatal. */
static void
sweep(const char *dir, const char *keep1, const char *keep2)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *p;

		if (!g_str_has_prefix(e->d_name, PUB_VER_PREFIX) &&
		    !g_str_has_prefix(e->d_name, PUB_TMP_PREFIX))
			continue;
		if ((keep1 != NULL && strcmp(e->d_name, keep1) == 0) ||
		    (keep2 != NULL && strcmp(e->d_name, keep2) == 0))
			continue;
		p = g_build_filename(dir, e->d_name, NULL);
		(void)rm_tree(p);
		g_free(p);
	}
	closedir(d);
}

int
pub_write_tree(const char *dir, const struct pub_case *const *cases,
    size_t n, char **error_r)
{
	GHashTable *slugs = NULL;
	struct stat st;
	char *lock = NULL, *site = NULL, *old = NULL, *tmp = NULL;
	char *ver = NULL, *ver_path = NULL, *link_path = NULL;
	int lock_fd = -1, r = -1;
	size_t i;

	if (dir == NULL) {
		*error_r = g_strdup("no publish directory");
		return -1;
	}
	if (stat(dir, &st) < 0) {
		*error_r = g_strdup_printf("publish directory %s: %s", dir,
		    g_strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*error_r = g_strdup_printf("publish directory %s: not a "
		    "directory", dir);
		return -1;
	}
	if (n > 0 && cases == NULL) {
		*error_r = g_strdup("case count without an array");
		return -1;
	}
	/* Everything is checked before anything is written. */
	slugs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (i = 0; i < n; i++) {
		char *slug;

		if (check_case(cases[i], error_r) < 0)
			goto done;
		slug = pub_case_slug(cases[i]->id);
		if (!g_hash_table_add(slugs, slug)) {
			*error_r = g_strdup_printf("%s: its directory name "
			    "%s is taken by another case", cases[i]->id,
			    slug);
			goto done;
		}
		if (has_vex(cases[i]) && (blank(cases[i]->publisher_name) ||
		    blank(cases[i]->publisher_namespace))) {
			*error_r = g_strdup_printf("%s: CSAF needs a "
			    "publisher name and namespace", cases[i]->id);
			goto done;
		}
	}

	lock = g_build_filename(dir, ".lock", NULL);
	lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX) < 0) {
		*error_r = g_strdup_printf("lock %s: %s", lock,
		    g_strerror(errno));
		goto done;
	}
	site = g_build_filename(dir, PUB_SITE, NULL);
	if (lstat(site, &st) == 0) {
		if (!S_ISLNK(st.st_mode)) {
			*error_r = g_strdup_printf("%s exists and is not a "
			    "symbolic link; refusing to replace it", site);
			goto done;
		}
		old = g_file_read_link(site, NULL);
	} else if (errno != ENOENT) {
		*error_r = g_strdup_printf("%s: %s", site, g_strerror(errno));
		goto done;
	}
	sweep(dir, old, NULL);

	tmp = g_build_filename(dir, PUB_TMP_PREFIX "XXXXXX", NULL);
	if (g_mkdtemp_full(tmp, 0755) == NULL) {
		*error_r = g_strdup_printf("mkdtemp %s: %s", tmp,
		    g_strerror(errno));
		g_free(tmp);
		tmp = NULL;
		goto done;
	}
	if (write_site(tmp, cases, n, error_r) < 0)
		goto done;

	/* The version takes the random part of the temporary name, which
	 * mkdtemp made unique among the .tmp-* names; a stale v-* of the
	 * same name (not the live one: sweep() spared only that) is gone. */
	ver = g_strconcat(PUB_VER_PREFIX,
	    strrchr(tmp, '/') + 1 + strlen(PUB_TMP_PREFIX), NULL);
	if (old != NULL && strcmp(old, ver) == 0) {
		*error_r = g_strdup_printf("%s: version name %s is live",
		    dir, ver);
		goto done;
	}
	ver_path = g_build_filename(dir, ver, NULL);
	if (rename(tmp, ver_path) < 0) {
		*error_r = g_strdup_printf("rename %s to %s: %s", tmp,
		    ver_path, g_strerror(errno));
		goto done;
	}
	g_free(tmp);
	tmp = NULL;
	link_path = g_strconcat(ver_path, ".link", NULL);
	(void)unlink(link_path);
	/* A relative target keeps the tree movable. */
	if (symlink(ver, link_path) < 0 || rename(link_path, site) < 0) {
		*error_r = g_strdup_printf("swap %s to %s: %s", site, ver,
		    g_strerror(errno));
		(void)unlink(link_path);
		(void)rm_tree(ver_path);
		goto done;
	}
	if (fsync_path(dir, error_r) < 0)
		goto done;	/* the new site is live, maybe not durable */
	/* The previous version stays for readers that resolved the link
	 * just before the swap. */
	sweep(dir, ver, old);
	r = 0;
done:
	if (tmp != NULL) {
		(void)rm_tree(tmp);
		g_free(tmp);
	}
	if (lock_fd >= 0)
		close(lock_fd);
	if (slugs != NULL)
		g_hash_table_destroy(slugs);
	g_free(lock);
	g_free(site);
	g_free(old);
	g_free(ver);
	g_free(ver_path);
	g_free(link_path);
	return r;
}
