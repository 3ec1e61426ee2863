/* Tests of the publication renderer: the JVN page in both languages, the
 * vendor pages (figures 2 and 3), text, CSAF (parsed back by python3),
 * RSS (checked by xmllint), the site tree and its atomic swap. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>

#include "vulture/publish.h"
#include "vulture/publish_tree.h"
#include "vulture/wkd.h"
#include "../src/publish_p.h"
#include "check_publish.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Fixture */

static GTimeZone *tokyo;

static int64_t
jst(int y, int mo, int d, int h, int mi)
{
	GDateTime *t = g_date_time_new(tokyo, y, mo, d, h, mi, 0);
	int64_t r = g_date_time_to_unix(t);

	g_date_time_unref(t);
	return r;
}

#define HOSTILE_NAME	"<script>alert(1)</script>"
#define HOSTILE_URL	"javascript:alert(document.cookie)"

static struct pub_vendor vendors[7];
static struct pub_history history[2];

static void
fixture_vendors(void)
{
	memset(vendors, 0, sizeof(vendors));
	vendors[0] = (struct pub_vendor){ .handle = "acme",
	    .name = "株式会社アクメ", .status = "affected",
	    .comment = "acme-httpd 2.4.1 で修正しました。\n"
	    "詳細は https://acme.example/security/2027-001 を参照して"
	    "ください。",
	    .advisory_url = "https://acme.example/security/2027-001",
	    .fix_date = "2027-01-05", .first_attempt = jst(2026, 10, 1, 9, 0),
	    .last_answer = jst(2027, 1, 10, 15, 30) };
	vendors[1] = (struct pub_vendor){ .handle = "globex",
	    .name = "Globex Corporation", .status = "not-affected",
	    .comment = "Our products do not ship FooHTTP.",
	    .first_attempt = jst(2026, 10, 1, 9, 0),
	    .last_answer = jst(2026, 10, 3, 10, 0) };
	vendors[2] = (struct pub_vendor){ .handle = "initech",
	    .name = "イニテック情報システム",
	    .status = "affected-investigating",
	    .comment = "影響範囲を調査中です。",
	    .workaround_date = "2027-02-15",
	    .first_attempt = jst(2026, 10, 1, 9, 0),
	    .last_answer = jst(2027, 1, 15, 12, 0) };
	vendors[3] = (struct pub_vendor){ .handle = "umbrella",
	    .name = "Umbrella Systems",
	    .status = "not-affected-investigating",
	    .first_attempt = jst(2026, 10, 1, 9, 0),
	    .last_answer = jst(2026, 12, 1, 9, 0) };
	vendors[4] = (struct pub_vendor){ .handle = "hooli",
	    .name = "Hooli", .status = "unknown",
	    .first_attempt = jst(2026, 10, 1, 9, 0),
	    .last_answer = jst(2026, 10, 2, 9, 0) };
	vendors[5] = (struct pub_vendor){ .handle = "evil",
	    .name = HOSTILE_NAME, .status = "affected",
	    .comment = "<img src=x onerror=alert(1)> \"q\" & 'a'\x1b[31m",
	    .advisory_url = HOSTILE_URL,
	    .first_attempt = jst(2026, 10, 1, 9, 0),
	    .last_answer = jst(2026, 11, 1, 9, 0) };
	vendors[6] = (struct pub_vendor){ .handle = "soylent",
	    .name = "ソイレント産業株式会社", .status = "unknown",
	    .unreachable = 1, .first_attempt = jst(2026, 10, 1, 9, 0) };
}

static struct pub_case
fixture(const char *lang)
{
	struct pub_case c;

	fixture_vendors();
	history[0] = (struct pub_history){ jst(2027, 1, 20, 11, 0),
	    "公開" };
	history[1] = (struct pub_history){ jst(2027, 2, 1, 11, 0),
	    "イニテック情報システムのベンダ情報を更新" };
	memset(&c, 0, sizeof(c));
	c.id = "JVNVU#12345678";
	c.title = "FooHTTP におけるバッファオーバーフローの脆弱性";
	c.overview = "FooHTTP には、バッファオーバーフローの脆弱性が存在"
	    "します。";
	c.affected = "FooHTTP 2.4.0 およびそれ以前";
	c.description = "FooHTTP のヘッダ解析処理には、長いヘッダを受け"
	    "取るとスタック上のバッファを越えて書き込む問題があります。\n\n"
	    "CWE-121: Stack-based Buffer Overflow";
	c.impact = "遠隔の第三者によって、任意のコードを実行される可能性"
	    "があります。";
	c.solution = "開発者が提供する情報をもとに、最新版へアップデート"
	    "してください。";
	c.addendum = "本脆弱性は FooHTTP を組み込んだ製品にも影響します。";
	c.credits = "この脆弱性情報は、山田太郎 氏が報告しました。";
	c.references = "https://www.example.org/foohttp-advisory\n"
	    "CVE-2027-0001\n" "javascript:alert(2)\n";
	c.published_at = jst(2027, 1, 20, 11, 0);
	c.updated_at = jst(2027, 2, 1, 11, 0);
	c.lang = lang;
	c.base_url = "https://jvn.example/";
	c.vendors = vendors;
	c.n_vendors = G_N_ELEMENTS(vendors);
	c.history = history;
	c.n_history = G_N_ELEMENTS(history);
	c.publisher_name = "JPCERT/CC";
	c.publisher_namespace = "https://www.jpcert.or.jp/";
	c.tz = tokyo;
	return c;
}

static void
setup(void)
{
	tokyo = g_time_zone_new_identifier("Asia/Tokyo");
	if (tokyo == NULL)
		tokyo = g_time_zone_new_identifier("+09:00");
}

static void
teardown(void)
{
	g_time_zone_unref(tokyo);
	tokyo = NULL;
}

/* ------------------------------------------------------------------ */
/* Helpers */

static GString *
render(const struct pub_case *c, enum pub_format f)
{
	GString *out = NULL;
	char *err = NULL;

	if (pub_render(c, f, &out, &err) < 0)
		ck_abort_msg("pub_render(%d): %s", (int)f, err);
	return out;
}

#define ck_has(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) != NULL, \
	    "missing: %s", (needle))
#define ck_hasnt(hay, needle) \
	ck_assert_msg(strstr((hay), (needle)) == NULL, \
	    "unexpected: %s", (needle))

/* a and b both occur in hay, a first. */
#define ck_before(hay, a, b) do { \
	const char *pa_ = strstr((hay), (a)), *pb_ = strstr((hay), (b)); \
	ck_assert_msg(pa_ != NULL && pb_ != NULL && pa_ < pb_, \
	    "\"%s\" is not before \"%s\"", (a), (b)); \
} while (0)

static unsigned
count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (hay = strstr(hay, needle); hay != NULL;
	    hay = strstr(hay + 1, needle))
		n++;
	return n;
}

static char *
make_tmpdir(void)
{
	char *d = g_strdup("/tmp/vpub.XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(d));
	tu_track(d);
	return d;
}

static int
rm_one(const char *p, const struct stat *st, int fl, struct FTW *f)
{
	(void)st;
	(void)fl;
	(void)f;
	return remove(p);
}

static void
rm_tmpdir(char *d)
{
	ck_assert(g_str_has_prefix(d, "/tmp/vpub."));
	nftw(d, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	g_free(d);
}

/* Runs argv; returns the exit status (-1 when it could not run) and
 * stdout+stderr in *out_r. */
static int
run(char **argv, char **out_r)
{
	GError *gerr = NULL;
	char *o = NULL, *e = NULL;
	int status;

	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
	    &o, &e, &status, &gerr)) {
		*out_r = g_strdup(gerr->message);
		g_error_free(gerr);
		return -1;
	}
	*out_r = g_strconcat(o, e, NULL);
	g_free(o);
	g_free(e);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ------------------------------------------------------------------ */
/* HTML */

static const char *const ja_sections[] = {
	"<h2>概要</h2>", "<h2>影響を受けるシステム</h2>",
	"<h2>詳細情報</h2>", "<h2>想定される影響</h2>",
	"<h2>対策方法</h2>", "<h2>ベンダ情報</h2>", "<h2>参考情報</h2>",
	"<h2>JPCERT/CCからの補足情報</h2>", "<h2>謝辞</h2>",
	"<h2>更新履歴</h2>",
};

START_TEST(test_html_ja)
{
	struct pub_case c = fixture("ja");
	GString *h = render(&c, PUB_HTML);
	const char *p;
	size_t i;

	ck_has(h->str, "<html lang=\"ja\">");
	ck_has(h->str, "<meta charset=\"utf-8\">");
	ck_has(h->str, "<meta name=\"viewport\"");
	ck_has(h->str, "<title>JVNVU#12345678: FooHTTP におけるバッファ");
	ck_has(h->str, "<h1>FooHTTP におけるバッファオーバーフローの脆弱性"
	    "</h1>");
	/* Sections in the order of figure 1. */
	for (p = h->str, i = 0; i < G_N_ELEMENTS(ja_sections); i++) {
		const char *q = strstr(p, ja_sections[i]);

		ck_assert_msg(q != NULL, "section %s missing or out of order",
		    ja_sections[i]);
		p = q;
	}
	ck_has(h->str, "公開日: 2027年01月20日");
	ck_has(h->str, "最終更新日: 2027年02月01日");
	/* The vendor table: every vendor a row, status linked to its
	 * page, each Japanese status string. */
	ck_assert_uint_eq(count(h->str, "<tr id=\"vendor-"), 7);
	ck_has(h->str, "<th scope=\"col\">ベンダ</th>");
	ck_has(h->str, "<th scope=\"col\">ステータス</th>");
	ck_has(h->str, "<th scope=\"col\">最終更新日</th>");
	ck_has(h->str, "<th scope=\"col\">ベンダからのコメント</th>");
	ck_has(h->str, "<th scope=\"col\">ベンダの告知ページ</th>");
	ck_has(h->str, "href=\"vendors/acme.html\">該当製品あり</a>");
	ck_has(h->str, "href=\"vendors/globex.html\">該当製品なし</a>");
	ck_has(h->str, "href=\"vendors/initech.html\">該当製品あり：調査中"
	    "</a>");
	ck_has(h->str, "href=\"vendors/umbrella.html\">該当製品なし：調査中"
	    "</a>");
	ck_has(h->str, "href=\"vendors/hooli.html\">不明</a>");
	ck_has(h->str, "href=\"vendors/soylent.html\">連絡不能: 2026年10月01日"
	    " から連絡を試みていますが、回答がありません</a>");
	ck_has(h->str, ">株式会社アクメ</th>");
	ck_has(h->str, ">2027年01月10日</td>");
	ck_has(h->str, "<a rel=\"nofollow noopener noreferrer\" "
	    "href=\"https://acme.example/security/2027-001\">");
	ck_has(h->str, "<li><time>2027年01月20日</time>公開</li>");
	ck_has(h->str, "<li><time>2027年02月01日</time>イニテック");
	ck_has(h->str, "href=\"csaf.json\"");
	/* Escaping: the hostile name, comment and URL appear as text. */
	ck_has(h->str, "&lt;script&gt;alert(1)&lt;/script&gt;");
	ck_has(h->str, "&lt;img src=x onerror=alert(1)&gt; &quot;q&quot; "
	    "&amp; &#39;a&#39;[31m");
	ck_has(h->str, ">javascript:alert(document.cookie)</td>");
	ck_has(h->str, "<li>javascript:alert(2)</li>");
	ck_has(h->str, "<li>CVE-2027-0001</li>");
	ck_hasnt(h->str, "<script");
	ck_hasnt(h->str, "<img");
	ck_hasnt(h->str, "href=\"javascript:");
	ck_hasnt(h->str, "\x1b");
	/* Self-contained: nothing fetched, no scripts. */
	ck_hasnt(h->str, " src=\"");
	ck_hasnt(h->str, "<link");
	ck_hasnt(h->str, "@import");
	ck_hasnt(h->str, "url(");
	ck_has(h->str, "default-src 'none'");
	ck_has(h->str, "@media (max-width:40rem)");
	g_string_free(h, TRUE);
}
END_TEST

START_TEST(test_html_en)
{
	struct pub_case c = fixture("en");
	GString *h = render(&c, PUB_HTML);

	ck_has(h->str, "<html lang=\"en\">");
	ck_has(h->str, "<h2>Overview</h2>");
	ck_has(h->str, "<h2>Affected systems</h2>");
	ck_has(h->str, "<h2>Vendor status</h2>");
	ck_has(h->str, "<h2>Addendum from JPCERT/CC</h2>");
	ck_has(h->str, "<h2>Update history</h2>");
	ck_has(h->str, ">Affected</a>");
	ck_has(h->str, ">Not affected</a>");
	ck_has(h->str, ">Affected (investigating)</a>");
	ck_has(h->str, ">Not affected (investigating)</a>");
	ck_has(h->str, ">Unknown</a>");
	ck_has(h->str, ">Unreachable: contact attempted since 2026-10-01, "
	    "no answer</a>");
	ck_has(h->str, "Published: 2027-01-20");
	ck_hasnt(h->str, "<script");
	ck_hasnt(h->str, "href=\"javascript:");
	g_string_free(h, TRUE);
}
END_TEST

/* Dates are those of the case's zone: 2027-01-19T15:30Z is the 20th in
 * Tokyo and still the 19th in UTC. */
START_TEST(test_html_time_zone)
{
	struct pub_case c = fixture("en");
	GTimeZone *utc = g_time_zone_new_utc();
	GString *h;

	c.published_at = c.updated_at = 1800372600;	/* 2027-01-19T15:30Z */
	c.n_history = 0;
	h = render(&c, PUB_HTML);
	ck_has(h->str, "Published: 2027-01-20");
	ck_has(h->str, "<li><time>2027-01-20</time>Initial release</li>");
	g_string_free(h, TRUE);
	c.tz = utc;
	h = render(&c, PUB_HTML);
	ck_has(h->str, "Published: 2027-01-19");
	g_string_free(h, TRUE);
	c.tz = NULL;	/* UTC too */
	h = render(&c, PUB_CSAF);
	ck_has(h->str, "\"initial_release_date\": "
	    "\"2027-01-19T15:30:00+00:00\"");
	g_string_free(h, TRUE);
	c.tz = tokyo;
	h = render(&c, PUB_CSAF);
	ck_has(h->str, "\"initial_release_date\": "
	    "\"2027-01-20T00:30:00+09:00\"");
	g_string_free(h, TRUE);
	g_time_zone_unref(utc);
}
END_TEST

/* Only http and https become links, wherever the URL comes from. */
START_TEST(test_html_urls)
{
	static const struct {
		const char *url;
		int link;
	} t[] = {
		{ "https://a.example/x?y=1&z=2", 1 },
		{ "HTTP://A.EXAMPLE/", 1 },
		{ "javascript:alert(1)", 0 },
		{ "JavaScript:alert(1)", 0 },
		{ " javascript:alert(1)", 0 },
		{ "data:text/html,<script>alert(1)</script>", 0 },
		{ "vbscript:msgbox", 0 },
		{ "https://", 0 },
		{ "https:///path", 0 },
		{ "https://a.example/\"onmouseover=\"x", 0 },
		{ "//evil.example/", 0 },
		{ "ftp://a.example/", 0 },
	};
	struct pub_case c = fixture("en");
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		GString *h;

		vendors[0].advisory_url = t[i].url;
		h = render(&c, PUB_HTML);
		ck_assert_uint_eq(count(h->str, "<a rel=\"nofollow noopener "
		    "noreferrer\" href=\""), 2 + (t[i].link ? 1u : 0u));
		ck_hasnt(h->str, "<script");
		ck_hasnt(h->str, "\"onmouseover");
		g_string_free(h, TRUE);
	}
	/* The hostile one stays text after an autolink in a comment too. */
	vendors[0].comment = "see javascript:alert(1) and "
	    "https://ok.example/a\"b.";
	{
		GString *h = render(&c, PUB_HTML);

		ck_has(h->str, "see javascript:alert(1) and <a rel=\"nofollow "
		    "noopener noreferrer\" href=\"https://ok.example/a\">"
		    "https://ok.example/a</a>&quot;b.");
		g_string_free(h, TRUE);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Vendor pages */

START_TEST(test_vendor_page)
{
	struct pub_case c = fixture("ja");
	GString *h = NULL;
	char *err = NULL;

	ck_assert_int_eq(pub_render_vendor(&c, 0, &h, &err), 0);
	ck_has(h->str, "<h1>株式会社アクメ の脆弱性 JVNVU#12345678 への対応"
	    "</h1>");
	ck_has(h->str, "<dt>脆弱性識別番号</dt><dd>JVNVU#12345678</dd>");
	ck_has(h->str, "<dt>脆弱性タイトル</dt><dd>FooHTTP における");
	ck_has(h->str, "<dt>ステータス</dt><dd><span class=\"status "
	    "st-affected\">該当製品あり</span>");
	ck_has(h->str, "<dt>製品開発者からのコメント</dt>");
	ck_has(h->str, "acme-httpd 2.4.1 で修正しました。");
	ck_has(h->str, "<dt>ベンダの告知ページ</dt><dd><a rel=\"nofollow "
	    "noopener noreferrer\" href=\"https://acme.example/security/"
	    "2027-001\">");
	ck_has(h->str, "<dt>対策予定日</dt><dd>2027-01-05</dd>");
	ck_has(h->str, "<dt>最終更新日</dt><dd>2027年01月10日</dd>");
	ck_has(h->str, "href=\"../index.html\"");
	g_string_free(h, TRUE);

	/* Figure 3: the unreachable vendor. */
	ck_assert_int_eq(pub_render_vendor(&c, 6, &h, &err), 0);
	ck_has(h->str, "<span class=\"status st-unreachable\">連絡不能</span>");
	ck_has(h->str, "<dt>備考</dt><dd>JPCERT/CCは 2026年10月01日 以降、"
	    "連絡を試みてきましたが、今日に至るまで回答が得られていません。"
	    "</dd>");
	ck_hasnt(h->str, "製品開発者からのコメント");
	g_string_free(h, TRUE);

	c = fixture("en");
	ck_assert_int_eq(pub_render_vendor(&c, 6, &h, &err), 0);
	ck_has(h->str, "<dt>Remarks</dt><dd>JPCERT/CC has tried to contact "
	    "this vendor since 2026-10-01, but has received no answer to "
	    "date.</dd>");
	g_string_free(h, TRUE);

	ck_assert_int_eq(pub_render_vendor(&c, 5, &h, &err), 0);
	ck_has(h->str, "<title>&lt;script&gt;alert(1)&lt;/script&gt;: "
	    "status for JVNVU#12345678</title>");
	ck_hasnt(h->str, "<script");
	ck_hasnt(h->str, "href=\"javascript:");
	g_string_free(h, TRUE);

	ck_assert_int_eq(pub_render_vendor(&c, 7, &h, &err), -1);
	ck_has(err, "no vendor #7");
	g_free(err);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Text */

START_TEST(test_text)
{
	struct pub_case c = fixture("ja");
	GString *t = render(&c, PUB_TEXT);

	ck_assert(g_str_has_prefix(t->str, "JVNVU#12345678\nFooHTTP における"
	    "バッファオーバーフローの脆弱性\n"));
	ck_has(t->str, "URL: https://jvn.example/cases/JVNVU12345678/\n");
	/* Headings are underlined to their width on a terminal. */
	ck_has(t->str, "\n概要\n====\n");
	ck_has(t->str, "\n影響を受けるシステム\n====================\n");
	ck_has(t->str, "\n詳細情報\n");
	ck_has(t->str, "\n想定される影響\n");
	ck_has(t->str, "\n対策方法\n");
	ck_has(t->str, "\nベンダ情報\n");
	ck_has(t->str, "\n参考情報\n");
	ck_has(t->str, "\nJPCERT/CCからの補足情報\n");
	ck_has(t->str, "\n謝辞\n");
	ck_has(t->str, "\n更新履歴\n");
	ck_has(t->str, "* 株式会社アクメ\n  ステータス: 該当製品あり\n"
	    "  最終更新日: 2027年01月10日\n  ベンダからのコメント: "
	    "acme-httpd 2.4.1 で修正しました。\n    詳細は ");
	ck_has(t->str, "  ステータス: 該当製品なし\n");
	ck_has(t->str, "  ステータス: 該当製品あり：調査中\n");
	ck_has(t->str, "  ステータス: 該当製品なし：調査中\n");
	ck_has(t->str, "  ステータス: 不明\n");
	ck_has(t->str, "* ソイレント産業株式会社\n  ステータス: 連絡不能: "
	    "2026年10月01日 から連絡を試みていますが、回答がありません\n");
	ck_has(t->str, "2027年02月01日  イニテック情報システムのベンダ情報を"
	    "更新\n");
	/* Plain text carries the hostile strings as they are, minus the
	 * terminal escape. */
	ck_has(t->str, "* " HOSTILE_NAME "\n");
	ck_hasnt(t->str, "\x1b");
	g_string_free(t, TRUE);

	c = fixture("en");
	t = render(&c, PUB_TEXT);
	ck_has(t->str, "\nOverview\n========\n");
	ck_has(t->str, "  Status: Unreachable: contact attempted since "
	    "2026-10-01, no answer\n");
	ck_has(t->str, "  Status: Affected (investigating)\n");
	g_string_free(t, TRUE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CSAF */

/* Prints each scalar of the JSON file as "a.b.0.c=value" and each array
 * as "a.b#=length", so that the C side can check field by field. */
static const char flatten_py[] =
"import json, sys\n"
"def walk(p, v):\n"
"    k = '.'.join(p)\n"
"    if isinstance(v, dict):\n"
"        for n in v: walk(p + [n], v[n])\n"
"    elif isinstance(v, list):\n"
"        print(k + '#=' + str(len(v)))\n"
"        for i, x in enumerate(v): walk(p + [str(i)], x)\n"
"    elif isinstance(v, str):\n"
"        print(k + '=' + v.replace('\\n', '\\\\n'))\n"
"    else:\n"
"        print(k + '=' + json.dumps(v))\n"
"walk([], json.load(open(sys.argv[1], encoding='utf-8')))\n";

/* Parses the JSON back with python3; a table of path -> value. */
static GHashTable *
csaf_parse(const GString *doc)
{
	char *dir = make_tmpdir();
	char *path = g_build_filename(dir, "csaf.json", NULL);
	char *argv[] = { "python3", "-c", (char *)flatten_py, path, NULL };
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	char *out, **lines;
	size_t i;
	int rc;

	ck_assert(g_file_set_contents(path, doc->str, doc->len, NULL));
	rc = run(argv, &out);
	ck_assert_msg(rc == 0, "python3 json.load failed (%d): %s", rc, out);
	lines = g_strsplit(out, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		char *eq = strchr(lines[i], '=');

		if (eq == NULL)
			continue;
		g_hash_table_replace(t, g_strndup(lines[i], eq - lines[i]),
		    g_strdup(eq + 1));
	}
	g_strfreev(lines);
	g_free(out);
	g_free(path);
	rm_tmpdir(dir);
	return t;
}

#define ck_field(t, k, v) do { \
	const char *got_ = g_hash_table_lookup((t), (k)); \
	ck_assert_msg(got_ != NULL, "CSAF: no %s", (k)); \
	ck_assert_msg(strcmp(got_, (v)) == 0, "CSAF: %s is \"%s\", not " \
	    "\"%s\"", (k), got_, (v)); \
} while (0)
#define ck_nofield(t, k) \
	ck_assert_msg(g_hash_table_lookup((t), (k)) == NULL, \
	    "CSAF: unexpected %s", (k))

START_TEST(test_csaf)
{
	struct pub_case c = fixture("ja");
	GString *doc = render(&c, PUB_CSAF);
	GHashTable *t = csaf_parse(doc);
	const char *v;

	ck_field(t, "document.category", "csaf_vex");
	ck_field(t, "document.csaf_version", "2.0");
	ck_field(t, "document.lang", "ja");
	ck_field(t, "document.title",
	    "FooHTTP におけるバッファオーバーフローの脆弱性");
	ck_field(t, "document.publisher.category", "coordinator");
	ck_field(t, "document.publisher.name", "JPCERT/CC");
	ck_field(t, "document.publisher.namespace",
	    "https://www.jpcert.or.jp/");
	ck_field(t, "document.tracking.id", "JVNVU#12345678");
	ck_field(t, "document.tracking.status", "final");
	ck_field(t, "document.tracking.version", "2");
	ck_field(t, "document.tracking.initial_release_date",
	    "2027-01-20T11:00:00+09:00");
	ck_field(t, "document.tracking.current_release_date",
	    "2027-02-01T11:00:00+09:00");
	ck_field(t, "document.tracking.revision_history#", "2");
	ck_field(t, "document.tracking.revision_history.0.number", "1");
	ck_field(t, "document.tracking.revision_history.0.date",
	    "2027-01-20T11:00:00+09:00");
	ck_field(t, "document.tracking.revision_history.0.summary", "公開");
	ck_field(t, "document.tracking.revision_history.1.number", "2");
	ck_field(t, "document.tracking.generator.engine.name", "vulture");
	ck_field(t, "document.notes.0.category", "summary");
	ck_field(t, "document.notes.0.title", "概要");
	ck_field(t, "document.acknowledgments.0.summary",
	    "この脆弱性情報は、山田太郎 氏が報告しました。");
	ck_field(t, "document.distribution.tlp.label", "WHITE");
	ck_field(t, "document.references#", "3");
	ck_field(t, "document.references.0.category", "self");
	ck_field(t, "document.references.0.url",
	    "https://jvn.example/cases/JVNVU12345678/");
	/* The canonical URL that pub_write_tree() serves (CSAF 5.1). */
	ck_field(t, "document.references.1.category", "self");
	ck_field(t, "document.references.1.url",
	    "https://jvn.example/cases/JVNVU12345678/jvnvu_12345678.json");
	ck_field(t, "document.references.2.category", "external");
	ck_field(t, "document.references.2.url",
	    "https://www.example.org/foohttp-advisory");

	/* One product per vendor with a status; ids follow vendor order. */
	ck_field(t, "product_tree.branches#", "5");
	ck_field(t, "product_tree.branches.0.category", "vendor");
	ck_field(t, "product_tree.branches.0.name", "株式会社アクメ");
	ck_field(t, "product_tree.branches.0.branches.0.category",
	    "product_name");
	ck_field(t, "product_tree.branches.0.branches.0.product.product_id",
	    "CSAFPID-0001");
	ck_field(t, "product_tree.branches.0.branches.0.product.name",
	    "株式会社アクメ の製品 (JVNVU#12345678)");
	ck_field(t, "product_tree.branches.4.name", HOSTILE_NAME);
	ck_field(t, "product_tree.branches.4.branches.0.product.product_id",
	    "CSAFPID-0006");

	ck_field(t, "vulnerabilities#", "1");
	ck_field(t, "vulnerabilities.0.title",
	    "FooHTTP におけるバッファオーバーフローの脆弱性");
	ck_field(t, "vulnerabilities.0.ids.0.system_name", "JPCERT/CC");
	ck_field(t, "vulnerabilities.0.ids.0.text", "JVNVU#12345678");
	ck_field(t, "vulnerabilities.0.notes.0.category", "description");
	ck_field(t, "vulnerabilities.0.product_status.known_affected#", "2");
	ck_field(t, "vulnerabilities.0.product_status.known_affected.0",
	    "CSAFPID-0001");
	ck_field(t, "vulnerabilities.0.product_status.known_affected.1",
	    "CSAFPID-0006");
	ck_field(t, "vulnerabilities.0.product_status.known_not_affected#",
	    "1");
	ck_field(t, "vulnerabilities.0.product_status.known_not_affected.0",
	    "CSAFPID-0002");
	ck_field(t, "vulnerabilities.0.product_status.under_investigation#",
	    "2");
	ck_field(t, "vulnerabilities.0.product_status.under_investigation.0",
	    "CSAFPID-0003");
	ck_field(t, "vulnerabilities.0.product_status.under_investigation.1",
	    "CSAFPID-0004");
	ck_nofield(t, "vulnerabilities.0.product_status.fixed#");

	/* Remediations, in vendor order: the advisory URL; for products
	 * under investigation and for the hostile vendor (its javascript:
	 * URL dropped) what we know: nothing published; and a workaround
	 * date. */
	ck_field(t, "vulnerabilities.0.remediations#", "5");
	ck_field(t, "vulnerabilities.0.remediations.0.category",
	    "vendor_fix");
	ck_field(t, "vulnerabilities.0.remediations.0.url",
	    "https://acme.example/security/2027-001");
	ck_field(t, "vulnerabilities.0.remediations.0.product_ids.0",
	    "CSAFPID-0001");
	v = g_hash_table_lookup(t,
	    "vulnerabilities.0.remediations.0.details");
	ck_assert_ptr_nonnull(v);
	ck_has(v, "2027-01-05");
	ck_field(t, "vulnerabilities.0.remediations.1.category",
	    "none_available");
	ck_field(t, "vulnerabilities.0.remediations.1.product_ids.0",
	    "CSAFPID-0003");
	ck_field(t, "vulnerabilities.0.remediations.2.category",
	    "workaround");
	ck_field(t, "vulnerabilities.0.remediations.2.details",
	    "イニテック情報システム が報告した回避策予定日: 2027-02-15。");
	ck_field(t, "vulnerabilities.0.remediations.3.product_ids.0",
	    "CSAFPID-0004");
	ck_field(t, "vulnerabilities.0.remediations.4.category",
	    "none_available");
	ck_field(t, "vulnerabilities.0.remediations.4.product_ids.0",
	    "CSAFPID-0006");
	ck_nofield(t, "vulnerabilities.0.remediations.4.url");
	ck_field(t, "vulnerabilities.0.notes.2.title",
	    "イニテック情報システム からのコメント");
	ck_field(t, "vulnerabilities.0.notes.2.text",
	    "影響範囲を調査中です。");

	/* Not affected: an impact statement quoting the vendor. */
	ck_field(t, "vulnerabilities.0.threats#", "1");
	ck_field(t, "vulnerabilities.0.threats.0.category", "impact");
	ck_field(t, "vulnerabilities.0.threats.0.product_ids.0",
	    "CSAFPID-0002");
	v = g_hash_table_lookup(t, "vulnerabilities.0.threats.0.details");
	ck_assert_ptr_nonnull(v);
	ck_has(v, "Our products do not ship FooHTTP.");

	/* Unknown and unreachable: involvements, no product status. */
	ck_field(t, "vulnerabilities.0.involvements#", "2");
	ck_field(t, "vulnerabilities.0.involvements.0.party", "vendor");
	ck_field(t, "vulnerabilities.0.involvements.0.status", "open");
	ck_field(t, "vulnerabilities.0.involvements.0.summary",
	    "Hooli: 対応状況の連絡がありません。");
	ck_field(t, "vulnerabilities.0.involvements.1.party", "vendor");
	ck_field(t, "vulnerabilities.0.involvements.1.status",
	    "contact_attempted");
	ck_field(t, "vulnerabilities.0.involvements.1.summary",
	    "ソイレント産業株式会社: 2026年10月01日 から連絡を試みています"
	    "が、回答がありません。");
	ck_hasnt(doc->str, "CSAFPID-0005");
	ck_hasnt(doc->str, "CSAFPID-0007");
	ck_hasnt(doc->str, "javascript:alert(2)");
	g_hash_table_destroy(t);
	g_string_free(doc, TRUE);
}
END_TEST

START_TEST(test_csaf_refused)
{
	struct pub_case c = fixture("en");
	GString *out = NULL;
	char *err = NULL;
	size_t i;

	c.publisher_namespace = "javascript:x";
	ck_assert_int_eq(pub_render(&c, PUB_CSAF, &out, &err), -1);
	ck_has(err, "publisher");
	g_free(err);
	c = fixture("en");
	c.publisher_name = NULL;
	ck_assert_int_eq(pub_render(&c, PUB_CSAF, &out, &err), -1);
	g_free(err);

	/* Nobody reported a status: no valid VEX exists. */
	c = fixture("en");
	for (i = 0; i < c.n_vendors; i++) {
		vendors[i].status = "unknown";
		vendors[i].unreachable = i % 2;
	}
	ck_assert_int_eq(pub_render(&c, PUB_CSAF, &out, &err), -1);
	ck_has(err, "6.1.27.7");
	g_free(err);
	out = render(&c, PUB_HTML);
	ck_hasnt(out->str, "csaf.json");
	g_string_free(out, TRUE);
	ck_assert_ptr_null(NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RSS */

/* xmllint --noout, or python's parser when libxml2-utils is missing. */
static void
ck_well_formed(const GString *xml)
{
	char *dir = make_tmpdir();
	char *path = g_build_filename(dir, "feed.rdf", NULL);
	char *xl[] = { "xmllint", "--noout", path, NULL };
	char *py[] = { "python3", "-c", "import sys, xml.dom.minidom; "
	    "xml.dom.minidom.parse(sys.argv[1])", path, NULL };
	char *out;
	int rc;

	ck_assert(g_file_set_contents(path, xml->str, xml->len, NULL));
	rc = run(xl, &out);
	if (rc == -1) {
		g_free(out);
		rc = run(py, &out);
	}
	ck_assert_msg(rc == 0, "not well-formed: %s", out);
	g_free(out);
	g_free(path);
	rm_tmpdir(dir);
}

START_TEST(test_rss)
{
	struct pub_case a = fixture("ja"), b = fixture("ja");
	const struct pub_case *list[2] = { &a, &b };
	GString *x = NULL;
	char *err = NULL;

	b.id = "JVN#87654321";
	b.title = "A & B <c> \"d\" 'e' \x01\x0b";
	b.overview = "]]> <![CDATA[ &amp; \xff";
	b.published_at = a.published_at + 86400;
	b.updated_at = 0;
	ck_assert_int_eq(pub_render_feed(list, 2, &x, &err), 0);
	ck_well_formed(x);
	ck_assert(g_str_has_prefix(x->str, "<?xml version=\"1.0\" "
	    "encoding=\"UTF-8\"?>\n<rdf:RDF"));
	ck_has(x->str, "xmlns=\"http://purl.org/rss/1.0/\"");
	ck_has(x->str, "xmlns:sec=\"http://jvn.jp/rss/mod_Security/3.0/\"");
	ck_has(x->str, "<channel rdf:about=\"https://jvn.example/index.rdf\">");
	ck_assert_uint_eq(count(x->str, "<item rdf:about="), 2);
	ck_assert_uint_eq(count(x->str, "<rdf:li rdf:resource="), 2);
	/* Newest first. */
	ck_before(x->str, "<sec:identifier>JVN#87654321",
	    "<sec:identifier>JVNVU#12345678");
	ck_has(x->str, "<item rdf:about=\"https://jvn.example/cases/"
	    "JVNVU12345678/\">\n  <title>FooHTTP");
	ck_has(x->str, "<link>https://jvn.example/cases/JVNVU12345678/</link>");
	ck_has(x->str, "<sec:references source=\"JPCERT/CC\" "
	    "id=\"JVNVU#12345678\">https://jvn.example/cases/JVNVU12345678/"
	    "</sec:references>");
	ck_has(x->str, "<sec:references>https://www.example.org/"
	    "foohttp-advisory</sec:references>");
	ck_has(x->str, "<dc:date>2027-02-01T11:00:00+09:00</dc:date>");
	ck_has(x->str, "<dcterms:issued>2027-01-20T11:00:00+09:00"
	    "</dcterms:issued>");
	ck_has(x->str, "<title>A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
	    "</title>");
	ck_hasnt(x->str, "javascript:");
	g_string_free(x, TRUE);

	/* A single case through pub_render(), and an empty feed. */
	x = render(&a, PUB_RSS);
	ck_well_formed(x);
	ck_assert_uint_eq(count(x->str, "<item rdf:about="), 1);
	g_string_free(x, TRUE);
	ck_assert_int_eq(pub_render_feed(NULL, 0, &x, &err), 0);
	ck_well_formed(x);
	g_string_free(x, TRUE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Index */

START_TEST(test_index)
{
	struct pub_case a = fixture("ja"), b = fixture("ja");
	const struct pub_case *list[2] = { &a, &b };
	GString *h = NULL;
	char *err = NULL;

	b.id = "JVN#87654321";
	b.title = "<b>bold</b>";
	b.published_at = a.published_at + 86400;
	ck_assert_int_eq(pub_render_index(list, 2, "en", &h, &err), 0);
	ck_has(h->str, "<html lang=\"en\">");
	ck_has(h->str, "<h1>Vulnerability notes</h1>");
	ck_before(h->str, "cases/JVN87654321/index.html",
	    "cases/JVNVU12345678/index.html");
	ck_has(h->str, "&lt;b&gt;bold&lt;/b&gt;");
	ck_has(h->str, "href=\"index.rdf\"");
	ck_hasnt(h->str, "<b>");
	g_string_free(h, TRUE);
	/* The caller's array is not reordered. */
	ck_assert_ptr_eq(list[0], &a);

	ck_assert_int_eq(pub_render_index(list, 2, "ja", &h, &err), 0);
	ck_has(h->str, "<h1>脆弱性情報一覧</h1>");
	g_string_free(h, TRUE);
	ck_assert_int_eq(pub_render_index(NULL, 0, "ja", &h, &err), 0);
	ck_has(h->str, "公開中の脆弱性情報はありません。");
	g_string_free(h, TRUE);
	ck_assert_int_eq(pub_render_index(list, 2, "fr", &h, &err), -1);
	g_free(err);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Refusals */

START_TEST(test_unsafe_ids)
{
	static const char *const bad_ids[] = {
		"../etc", "JVN/1", "", ".hidden", "a b", "#1", "JVN#1\n",
		"JVNVU#12345678/..", "x\xc3\xa9",
		("1234567890123456789012345678901234567890123456789012345"
		"678901234567890"),	/* 65 bytes */
	};
	static const char *const bad_handles[] = {
		"../x", "a/b", ".x", "", "a b",
	};
	struct pub_case c = fixture("en");
	const struct pub_case *list[1] = { &c };
	char *dir = make_tmpdir(), *site, *slug, *err = NULL;
	GString *out = NULL;
	struct stat st;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad_ids); i++) {
		c.id = bad_ids[i];
		ck_assert_int_eq(pub_render(&c, PUB_HTML, &out, &err), -1);
		ck_has(err, "unsafe case id");
		g_free(err);
		ck_assert_int_eq(pub_write_tree(dir, list, 1, NULL, &err), -1);
		ck_has(err, "unsafe case id");
		g_free(err);
		ck_assert_ptr_null(pub_case_slug(bad_ids[i]));
	}
	c.id = NULL;
	ck_assert_int_eq(pub_render(&c, PUB_TEXT, &out, &err), -1);
	g_free(err);
	site = g_build_filename(dir, "site", NULL);
	ck_assert_int_eq(lstat(site, &st), -1);	/* nothing written */

	c = fixture("en");
	for (i = 0; i < G_N_ELEMENTS(bad_handles); i++) {
		vendors[2].handle = bad_handles[i];
		ck_assert_int_eq(pub_render(&c, PUB_HTML, &out, &err), -1);
		ck_has(err, "unsafe vendor handle");
		g_free(err);
	}
	c = fixture("en");
	vendors[2].handle = "acme";
	ck_assert_int_eq(pub_render(&c, PUB_HTML, &out, &err), -1);
	ck_has(err, "listed twice");
	g_free(err);
	c = fixture("en");
	vendors[3].status = "pwned";
	ck_assert_int_eq(pub_render(&c, PUB_HTML, &out, &err), -1);
	ck_has(err, "unknown status");
	g_free(err);
	c = fixture("en");
	c.lang = "fr";
	ck_assert_int_eq(pub_render(&c, PUB_HTML, &out, &err), -1);
	g_free(err);
	c = fixture("en");
	c.base_url = "javascript:alert(1)//";
	ck_assert_int_eq(pub_render(&c, PUB_HTML, &out, &err), -1);
	ck_has(err, "base URL");
	g_free(err);

	slug = pub_case_slug("JVNVU#12345678");
	ck_assert_str_eq(slug, "JVNVU12345678");
	g_free(slug);

	/* Two ids, one directory. */
	{
		struct pub_case a = fixture("en"), b = fixture("en");
		const struct pub_case *two[2] = { &a, &b };

		a.id = "JVN#1";
		b.id = "JVN1";
		ck_assert_int_eq(pub_write_tree(dir, two, 2, NULL, &err), -1);
		ck_has(err, "taken by another case");
		g_free(err);
	}
	ck_assert_int_eq(lstat(site, &st), -1);
	g_free(site);
	rm_tmpdir(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The tree */

static int
exists(const char *dir, const char *rel)
{
	char *p = g_build_filename(dir, rel, NULL);
	int r = access(p, R_OK) == 0;

	g_free(p);
	return r;
}

static unsigned
count_versions(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	unsigned k = 0;

	while ((n = g_dir_read_name(d)) != NULL)
		if (g_str_has_prefix(n, "v-") && !g_str_has_suffix(n, ".link"))
			k++;
	g_dir_close(d);
	return k;
}

/* The hashes gpg-wks-client --print-wkd-hash prints (GnuPG 2.2.40). */
START_TEST(test_wkd_hash)
{
	char h[WKD_HASH_LEN + 1], *d = NULL, *a = NULL;

	ck_assert_int_eq(wkd_hash("desk@example.org", h), 0);
	ck_assert_str_eq(h, "e5uh9ery1r9w5moa5ybpyoq6xiursr8n");
	/* The local part is hashed in lower case. */
	ck_assert_int_eq(wkd_hash("Desk@Example.ORG", h), 0);
	ck_assert_str_eq(h, "e5uh9ery1r9w5moa5ybpyoq6xiursr8n");
	ck_assert_int_eq(wkd_paths("Desk@Example.ORG", &d, &a), 0);
	ck_assert_str_eq(d, ".well-known/openpgpkey/hu/"
	    "e5uh9ery1r9w5moa5ybpyoq6xiursr8n");
	ck_assert_str_eq(a, ".well-known/openpgpkey/example.org/hu/"
	    "e5uh9ery1r9w5moa5ybpyoq6xiursr8n");
	g_free(d);
	g_free(a);
	ck_assert_int_eq(wkd_hash("no-at-sign", h), -1);
	ck_assert_int_eq(wkd_hash("@example.org", h), -1);
	ck_assert_int_eq(wkd_hash("a@b@c", h), -1);
	ck_assert_int_eq(wkd_hash("a@", h), -1);
	/* A domain that would climb out of the tree names no path. */
	ck_assert_int_eq(wkd_paths("a@..", &d, &a), -1);
	ck_assert_int_eq(wkd_paths("a@x/../y", &d, &a), -1);
	ck_assert_int_eq(wkd_paths("a@.example", &d, &a), -1);
}
END_TEST

/* The desk's key pages and both Web Key Directory layouts. */
START_TEST(test_write_tree_desk)
{
	static const char bin[] = "\x98\x33\x04binary-key";
	struct pub_case a = fixture("ja");
	const struct pub_case *list[1] = { &a };
	struct pub_desk desk = {
		.address = "desk@example.org",
		.fpr = "0123456789ABCDEF0123456789ABCDEF01234567",
		.armor = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n<x>\n",
	};
	char *dir = make_tmpdir(), *err = NULL, *p, *got;
	gsize len;

	desk.binary = g_bytes_new_static(bin, sizeof(bin) - 1);
	ck_assert_msg(pub_write_tree(dir, list, 1, &desk, &err) == 0, "%s",
	    err);
	ck_assert(exists(dir, "site/key.html"));
	ck_assert(exists(dir, "site/key.en.html"));
	ck_assert(exists(dir, "site/key.ja.html"));
	ck_assert(exists(dir, "site/.well-known/openpgpkey/policy"));
	ck_assert(exists(dir, "site/.well-known/openpgpkey/example.org/policy"));
	p = g_build_filename(dir, "site/.well-known/openpgpkey/example.org/hu/"
	    "e5uh9ery1r9w5moa5ybpyoq6xiursr8n", NULL);
	ck_assert(g_file_get_contents(p, &got, &len, NULL));
	ck_assert_uint_eq(len, sizeof(bin) - 1);
	ck_assert(memcmp(got, bin, len) == 0);
	g_free(got);
	g_free(p);
	p = g_build_filename(dir, "site/.well-known/openpgpkey/hu/"
	    "e5uh9ery1r9w5moa5ybpyoq6xiursr8n", NULL);
	ck_assert(g_file_get_contents(p, &got, &len, NULL));
	ck_assert_uint_eq(len, sizeof(bin) - 1);
	g_free(got);
	g_free(p);
	p = g_build_filename(dir, "site/key.en.html", NULL);
	ck_assert(g_file_get_contents(p, &got, NULL, NULL));
	ck_has(got, "0123 4567 89AB CDEF 0123&#160; 4567 89AB CDEF 0123 4567");
	ck_has(got, "&lt;x&gt;");	/* the armor is escaped */
	ck_has(got, "href=\"desk.asc\"");
	g_free(got);
	g_free(p);
	p = g_build_filename(dir, "site/index.ja.html", NULL);
	ck_assert(g_file_get_contents(p, &got, NULL, NULL));
	ck_has(got, "href=\"key.ja.html\"");
	g_free(got);
	g_free(p);
	p = g_build_filename(dir, "site/desk.asc", NULL);
	ck_assert(g_file_get_contents(p, &got, NULL, NULL));
	ck_assert_str_eq(got, desk.armor);
	g_free(got);
	g_free(p);
	/* Without a desk key: no key pages, no link to them. */
	ck_assert_msg(pub_write_tree(dir, list, 1, NULL, &err) == 0, "%s", err);
	ck_assert(!exists(dir, "site/key.html"));
	ck_assert(!exists(dir, "site/.well-known"));
	p = g_build_filename(dir, "site/index.ja.html", NULL);
	ck_assert(g_file_get_contents(p, &got, NULL, NULL));
	ck_assert(strstr(got, "key.ja.html") == NULL);
	g_free(got);
	g_free(p);
	g_bytes_unref(desk.binary);
	rm_tmpdir(dir);
}
END_TEST

START_TEST(test_write_tree)
{
	static const char *const files[] = {
		"site/index.html", "site/index.en.html", "site/index.ja.html",
		"site/index.rdf",
		"site/cases/JVNVU12345678/index.html",
		"site/cases/JVNVU12345678/index.ja.html",
		"site/cases/JVNVU12345678/index.en.html",
		"site/cases/JVNVU12345678/csaf.json",
		"site/cases/JVNVU12345678/jvnvu_12345678.json",
		"site/cases/JVNVU12345678/vendors/acme.html",
		"site/cases/JVNVU12345678/vendors/acme.en.html",
		"site/cases/JVNVU12345678/vendors/soylent.ja.html",
		"site/cases/JVNVU12345678/vendors/evil.html",
		"site/cases/JVN87654321/index.html",
	};
	struct pub_case a = fixture("ja"), b = fixture("en");
	const struct pub_case *list[2] = { &a, &b };
	char *dir = make_tmpdir(), *site, *target1, *target2, *err = NULL;
	char *html, *p;
	struct stat st;
	size_t i;

	b.id = "JVN#87654321";
	ck_assert_msg(pub_write_tree(dir, list, 2, NULL, &err) == 0, "%s", err);
	site = g_build_filename(dir, "site", NULL);
	ck_assert_int_eq(lstat(site, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	for (i = 0; i < G_N_ELEMENTS(files); i++)
		ck_assert_msg(exists(dir, files[i]), "no %s", files[i]);
	ck_assert(!exists(dir, "site/cases/JVNVU12345678/vendors/x.html"));
	/* Links within a language variant stay in it. */
	p = g_build_filename(site, "cases/JVNVU12345678/index.en.html", NULL);
	ck_assert(g_file_get_contents(p, &html, NULL, NULL));
	ck_has(html, "<html lang=\"en\">");
	ck_has(html, "href=\"vendors/acme.en.html\"");
	ck_has(html, "href=\"../../index.en.html\"");
	g_free(html);
	g_free(p);
	p = g_build_filename(site, "index.html", NULL);
	ck_assert(g_file_get_contents(p, &html, NULL, NULL));
	ck_has(html, "<html lang=\"ja\">");
	ck_has(html, "href=\"cases/JVNVU12345678/index.html\"");
	g_free(html);
	g_free(p);
	target1 = g_file_read_link(site, NULL);

	/* Rewrites: the link moves, one old version stays, no temp. */
	ck_assert_int_eq(pub_write_tree(dir, list, 1, NULL, &err), 0);
	target2 = g_file_read_link(site, NULL);
	ck_assert_str_ne(target1, target2);
	ck_assert(exists(dir, target1));
	ck_assert(!exists(dir, "site/cases/JVN87654321/index.html"));
	ck_assert_int_eq(pub_write_tree(dir, list, 1, NULL, &err), 0);
	ck_assert(!exists(dir, target1));
	ck_assert(exists(dir, target2));
	ck_assert_uint_eq(count_versions(dir), 2);
	g_free(target1);
	g_free(target2);

	/* A real directory at DIR/site is not ours to replace. */
	ck_assert_int_eq(unlink(site), 0);
	ck_assert_int_eq(mkdir(site, 0755), 0);
	ck_assert_int_eq(pub_write_tree(dir, list, 1, NULL, &err), -1);
	ck_has(err, "not a symbolic link");
	g_free(err);
	ck_assert_int_eq(pub_write_tree("/nonexistent/vpub", list, 1, NULL, &err),
	    -1);
	g_free(err);
	g_free(site);
	rm_tmpdir(dir);
}
END_TEST

/* The reader: resolves DIR/site afresh for every file, as a web server
 * does, and checks that each index links to case pages that exist and
 * each case page to vendor pages that exist.  Returns the number of
 * broken links; *checked_r counts the links followed. */
static unsigned
read_site(const char *dir, unsigned *checked_r)
{
	char *index = g_build_filename(dir, "site", "index.html", NULL);
	char *html = NULL;
	const char *p;
	unsigned bad = 0;

	if (!g_file_get_contents(index, &html, NULL, NULL)) {
		g_free(index);
		return 1;	/* the site must never be missing */
	}
	for (p = strstr(html, "href=\"cases/"); p != NULL;
	    p = strstr(p + 1, "href=\"cases/")) {
		const char *q = strchr(p + 6, '"');
		char *rel = g_strndup(p + 6, q - (p + 6));
		char *page = g_build_filename(dir, "site", rel, NULL);
		char *body = NULL, *cdir = g_path_get_dirname(page);
		const char *v;

		(*checked_r)++;
		if (!g_file_get_contents(page, &body, NULL, NULL)) {
			bad++;
		} else {
			if (!strstr(body, "</html>"))
				bad++;	/* a half-written file */
			for (v = strstr(body, "href=\"vendors/"); v != NULL;
			    v = strstr(v + 1, "href=\"vendors/")) {
				const char *e = strchr(v + 6, '"');
				char *vr = g_strndup(v + 6, e - (v + 6));
				char *vp = g_build_filename(cdir, vr, NULL);

				(*checked_r)++;
				if (access(vp, R_OK) != 0)
					bad++;
				g_free(vp);
				g_free(vr);
			}
		}
		g_free(body);
		g_free(cdir);
		g_free(page);
		g_free(rel);
	}
	g_free(html);
	g_free(index);
	return bad;
}

#define ATOMIC_ROUNDS	12

/* The writer republishes a growing list of cases while a reader process
 * walks the site: every version is complete, so nothing may be broken.
 * (Newer versions only add cases, so a link followed after a swap still
 * resolves; a writer that updated files in place would fail this.) */
START_TEST(test_write_tree_atomic)
{
	struct pub_case cs[ATOMIC_ROUNDS];
	const struct pub_case *list[ATOMIC_ROUNDS];
	char ids[ATOMIC_ROUNDS][32];
	char *dir = make_tmpdir(), *err = NULL;
	int fds[2], status, r;
	unsigned res[2] = { 0, 0 };
	pid_t pid;
	size_t i;

	for (i = 0; i < ATOMIC_ROUNDS; i++) {
		cs[i] = fixture(i % 2 ? "en" : "ja");
		g_snprintf(ids[i], sizeof(ids[i]), "JVNVU#%08zu", 1000 + i);
		cs[i].id = ids[i];
		cs[i].published_at += (int64_t)i * 86400;
		list[i] = &cs[i];
	}
	ck_assert_int_eq(pub_write_tree(dir, list, 1, NULL, &err), 0);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		unsigned out[2] = { 0, 0 };
		gint64 give_up = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
		pid_t parent = getppid();

		/* Read until the writer leaves DIR/.stop (one more pass after
		 * it), or gives up on us. */
		close(fds[0]);
		for (;;) {
			int stop = exists(dir, ".stop") ||
			    getppid() != parent ||
			    g_get_monotonic_time() > give_up;

			out[0] += read_site(dir, &out[1]);
			if (stop)
				break;
		}
		if (write(fds[1], out, sizeof(out)) != (ssize_t)sizeof(out))
			_exit(2);
		_exit(out[0] == 0 ? 0 : 1);
	}
	close(fds[1]);
	for (i = 1; i <= ATOMIC_ROUNDS; i++) {
		r = pub_write_tree(dir, list, i, NULL, &err);
		ck_assert_msg(r == 0, "%s", err);
	}
	{
		char *stop = g_build_filename(dir, ".stop", NULL);

		ck_assert(g_file_set_contents(stop, "", 0, NULL));
		g_free(stop);
	}
	ck_assert_int_eq(read(fds[0], res, sizeof(res)), (int)sizeof(res));
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(res[1] > 0, "the reader followed no links");
	ck_assert_msg(res[0] == 0, "%u of %u links broken during rewrites",
	    res[0], res[1]);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_uint_le(count_versions(dir), 2);
	rm_tmpdir(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The CSAF validator (tests/csaf-validate.sh), when VPUB_CSAF_VALIDATE
 * names it: `make csaf`.  It needs node and takes some 15 seconds. */

static void
write_csaf(const char *dir, const char *name, const struct pub_case *c,
    GPtrArray *argv)
{
	GString *doc = render(c, PUB_CSAF);
	char *path = g_build_filename(dir, name, NULL);

	ck_assert(g_file_set_contents(path, doc->str, doc->len, NULL));
	g_ptr_array_add(argv, path);
	g_string_free(doc, TRUE);
}

START_TEST(test_csaf_validator)
{
	const char *script = g_getenv("VPUB_CSAF_VALIDATE");
	GPtrArray *argv;
	struct pub_case c;
	char *dir, *out;
	size_t i;
	int rc;

	if (script == NULL || *script == '\0')
		return;	/* not asked for */
	argv = g_ptr_array_new_with_free_func(g_free);
	dir = make_tmpdir();
	g_ptr_array_add(argv, g_strdup(script));
	c = fixture("ja");
	write_csaf(dir, "full-ja.json", &c, argv);
	/* Bare: no base URL (no self reference), no references, credits
	 * or history, in English and UTC. */
	c = fixture("en");
	c.base_url = "";
	c.references = "not a URL";
	c.credits = c.addendum = c.affected = NULL;
	c.n_history = 0;
	c.tz = NULL;
	write_csaf(dir, "bare-en.json", &c, argv);
	/* One vendor, not affected, no comment. */
	c = fixture("en");
	vendors[0].status = "not-affected";
	vendors[0].comment = NULL;
	c.n_vendors = 1;
	write_csaf(dir, "one-not-affected.json", &c, argv);
	/* Everybody still investigating, names with controls. */
	c = fixture("ja");
	for (i = 0; i < c.n_vendors; i++) {
		vendors[i].status = i % 2 ? "affected-investigating" :
		    "not-affected-investigating";
		vendors[i].unreachable = 0;
		vendors[i].name = i == 3 ? "\x01\x02" : "Vendor\x1b[2J \xff";
	}
	write_csaf(dir, "investigating.json", &c, argv);
	g_ptr_array_add(argv, NULL);
	rc = run((char **)argv->pdata, &out);
	ck_assert_msg(rc == 0, "csaf-validate.sh failed (%d):\n%s", rc, out);
	printf("%s", out);
	g_free(out);
	g_ptr_array_free(argv, TRUE);
	rm_tmpdir(dir);
}
END_TEST

/* ------------------------------------------------------------------ */

int
publish_fixture_write(const char *dir)
{
	struct pub_case c;
	const struct pub_case *list[1] = { &c };
	char *err = NULL;
	int r;

	setup();
	c = fixture("ja");
	r = pub_write_tree(dir, list, 1, NULL, &err);
	if (r < 0) {
		fprintf(stderr, "publish_fixture_write: %s\n", err);
		g_free(err);
	}
	teardown();
	return r;
}

int
publish_fixture_render(const char *format, const char *lang)
{
	static const char *const names[] = {
		[PUB_TEXT] = "text", [PUB_HTML] = "html", [PUB_CSAF] = "csaf",
		[PUB_RSS] = "rss",
	};
	struct pub_case c;
	GString *out = NULL;
	char *err = NULL;
	size_t f;
	int r;

	for (f = 0; f < G_N_ELEMENTS(names); f++)
		if (strcmp(format, names[f]) == 0)
			break;
	if (f == G_N_ELEMENTS(names)) {
		fprintf(stderr, "unknown format %s\n", format);
		return -1;
	}
	setup();
	c = fixture(lang);
	r = pub_render(&c, (enum pub_format)f, &out, &err);
	if (r < 0) {
		fprintf(stderr, "publish_fixture_render: %s\n", err);
		g_free(err);
	} else {
		fwrite(out->str, 1, out->len, stdout);
		g_string_free(out, TRUE);
	}
	teardown();
	return r;
}

/* ------------------------------------------------------------------ */
/* Label templates */

/* The sentences of both languages are pub_fill() templates, not printf
 * formats: untrusted arguments are never read as formats, and a template
 * has exactly the "%s" its comment promises and no other '%'. */
static unsigned
placeholders(const char *t)
{
	unsigned n = 0;

	for (; (t = strchr(t, '%')) != NULL; t += 2) {
		ck_assert_msg(t[1] == 's', "stray %% in \"%s\"", t);
		n++;
	}
	return n;
}

START_TEST(test_label_templates)
{
	const struct pub_labels *const langs[] = { &pub_en, &pub_ja };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(langs); i++) {
		const struct pub_labels *L = langs[i];

		ck_assert_uint_eq(placeholders(L->addendum_fmt), 1);
		ck_assert_uint_eq(placeholders(L->unreachable_fmt), 1);
		ck_assert_uint_eq(placeholders(L->remark_fmt), 2);
		ck_assert_uint_eq(placeholders(L->remark_nodate_fmt), 1);
		ck_assert_uint_eq(placeholders(L->vendor_title_fmt), 2);
		ck_assert_uint_eq(placeholders(L->product_fmt), 2);
		ck_assert_uint_eq(placeholders(L->fix_advisory_fmt), 1);
		ck_assert_uint_eq(placeholders(L->fix_none_fmt), 1);
		ck_assert_uint_eq(placeholders(L->fix_investigating_fmt), 1);
		ck_assert_uint_eq(placeholders(L->fix_date_fmt), 1);
		ck_assert_uint_eq(placeholders(L->workaround_fmt), 2);
		ck_assert_uint_eq(placeholders(L->not_affected_fmt), 1);
		ck_assert_uint_eq(placeholders(L->comment_fmt), 1);
		ck_assert_uint_eq(placeholders(L->statement_fmt), 1);
		ck_assert_uint_eq(placeholders(L->inv_unreachable_fmt), 2);
		ck_assert_uint_eq(placeholders(L->inv_unknown_fmt), 1);
		ck_assert_uint_eq(placeholders(L->feed_title_fmt), 1);
		/* The labels printed as they are hold no placeholder. */
		ck_assert_uint_eq(placeholders(L->unreachable_nodate), 0);
		ck_assert_uint_eq(placeholders(L->initial_release), 0);
	}
}
END_TEST

START_TEST(test_fill)
{
	struct pub_case c = fixture("en");
	GString *o = g_string_new(NULL), *out;
	char *s;

	pub_fill(o, "%s and %s.", "a%sb%n", "%d");
	ck_assert_str_eq(o->str, "a%sb%n and %d.");
	g_string_truncate(o, 0);
	pub_fill(o, "[%s|%s|%s]", "x", NULL);
	ck_assert_str_eq(o->str, "[x||]");
	g_string_free(o, TRUE);
	s = pub_fill_new("no placeholder", "x", "y");
	ck_assert_str_eq(s, "no placeholder");
	g_free(s);
	/* Names and publishers that look like formats come out as text. */
	c.publisher_name = "CERT %s%n%x";
	vendors[0].name = "ACME %n%s%p";
	out = render(&c, PUB_CSAF);
	ck_has(out->str, "\"ACME %n%s%p products (JVNVU#12345678)\"");
	ck_has(out->str, "\"See the advisory of ACME %n%s%p.");
	ck_has(out->str, "\"Addendum from CERT %s%n%x\"");
	g_string_free(out, TRUE);
	out = render(&c, PUB_HTML);
	ck_has(out->str, "<h2>Addendum from CERT %s%n%x</h2>");
	g_string_free(out, TRUE);
}
END_TEST

Suite *
make_publish_suite(void)
{
	Suite *s = suite_create("publish");
	TCase *tc = tcase_create("render");
	TCase *tt = tcase_create("tree");
	TCase *tv;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_html_ja);
	tcase_add_test(tc, test_html_en);
	tcase_add_test(tc, test_html_time_zone);
	tcase_add_test(tc, test_html_urls);
	tcase_add_test(tc, test_vendor_page);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_csaf);
	tcase_add_test(tc, test_csaf_refused);
	tcase_add_test(tc, test_rss);
	tcase_add_test(tc, test_index);
	tcase_add_test(tc, test_unsafe_ids);
	tcase_add_test(tc, test_label_templates);
	tcase_add_test(tc, test_fill);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tt, setup, teardown);
	tcase_add_test(tt, test_write_tree);
	tcase_add_test(tt, test_write_tree_atomic);
	tcase_add_test(tt, test_write_tree_desk);
	tcase_add_test(tc, test_wkd_hash);
	/* fsync per file under valgrind takes a while. */
	tcase_set_timeout(tt, 120);
	suite_add_tcase(s, tt);
	tv = tcase_create("csaf-validator");
	tcase_add_checked_fixture(tv, setup, teardown);
	tcase_add_test(tv, test_csaf_validator);
	tcase_set_timeout(tv, 300);
	suite_add_tcase(s, tv);
	return s;
}
