/* The escapers every published output goes through (vulture/escape.h):
 * hostile strings in, exactly the expected bytes out. */
#include "config.h"

#include <check.h>
#include <glib.h>
#include <string.h>

#include "check_suites.h"
#include "vulture/escape.h"

/* What no output may carry is dropped; the rest is kept byte for byte. */
static const struct {
	const char *in, *out;
} cleans[] = {
	{ NULL, "" },
	{ "", "" },
	{ "plain text", "plain text" },
	{ "tab\tand\nnewline", "tab\tand\nnewline" },
	{ "crlf\r\n", "crlf\n" },			/* CR rewrites lines */
	{ "\x1b[31mred\x1b[0m", "[31mred[0m" },		/* ESC */
	{ "a\x01\x07\x08\x0b\x0c\x1f" "b", "ab" },	/* other C0 */
	{ "del\x7f", "del" },
	{ "nel\xc2\x85" "csi\xc2\x9b" "end", "nelcsiend" },	/* C1 */
	{ "nbsp\xc2\xa0kept", "nbsp\xc2\xa0kept" },	/* U+00A0 is text */
	{ "\xef\xbf\xbe\xef\xbf\xbf", "" },		/* U+FFFE, U+FFFF */
	{ "bad\xff" "byte", "bad\xef\xbf\xbd" "byte" },	/* -> U+FFFD */
	{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
	{ "日本語 é", "日本語 é" },
};

START_TEST(test_clean)
{
	char *s = esc_clean(cleans[_i].in);

	ck_assert_str_eq(s, cleans[_i].out);
	g_free(s);
}
END_TEST

START_TEST(test_clean_strip_blank)
{
	char *s = esc_clean_strip(" \t\x1b a b \n\x01");

	ck_assert_str_eq(s, "a b");
	g_free(s);
	ck_assert_int_eq(esc_blank(NULL), 1);
	ck_assert_int_eq(esc_blank(""), 1);
	ck_assert_int_eq(esc_blank(" \t\n "), 1);
	ck_assert_int_eq(esc_blank("\x01\x1b\x7f"), 1);
	ck_assert_int_eq(esc_blank(" \xc2\x85 \r"), 1);
	ck_assert_int_eq(esc_blank("\xef\xbf\xbe"), 1);
	ck_assert_int_eq(esc_blank("a"), 0);
	ck_assert_int_eq(esc_blank("  \xff"), 0);	/* shows as U+FFFD */
	ck_assert_int_eq(esc_blank("\xe3\x80\x80"), 0);	/* U+3000 shows */
}
END_TEST

START_TEST(test_append)
{
	static const char hostile[] = "<a href='x' onclick=\"y\">&amp;</a>";
	GString *o = g_string_new(NULL);

	esc_append(o, ESC_HTML, hostile);
	ck_assert_str_eq(o->str, "&lt;a href=&#39;x&#39; onclick=&quot;y&quot;"
	    "&gt;&amp;amp;&lt;/a&gt;");
	g_string_truncate(o, 0);
	esc_append(o, ESC_XML, hostile);
	ck_assert_str_eq(o->str, "&lt;a href=&apos;x&apos; onclick=&quot;y"
	    "&quot;&gt;&amp;amp;&lt;/a&gt;");
	g_string_truncate(o, 0);
	esc_append(o, ESC_NONE, hostile);
	ck_assert_str_eq(o->str, hostile);
	g_string_truncate(o, 0);
	/* esc_put() cleans and strips first. */
	esc_put(o, ESC_HTML, "  <\x1b]0;t\x07>\r\n ");
	ck_assert_str_eq(o->str, "&lt;]0;t&gt;");
	g_string_truncate(o, 0);
	esc_put(o, ESC_XML, NULL);
	ck_assert_str_eq(o->str, "");
	g_string_free(o, TRUE);
}
END_TEST

/* url_len: how much of the string at the start is an http(s) link. */
static const struct {
	const char *in;
	size_t len;
} urls[] = {
	{ "https://a.example/x", 19 },
	{ "HTTP://A.EXAMPLE/", 17 },			/* any case */
	{ "https://a.example/x.", 19 },			/* trailing . */
	{ "https://a.example/x?q=1,", 23 },
	{ "https://a.example/x)", 19 },
	{ "https://a.example/x'", 19 },
	{ "https://a.example/x\"onmouseover=alert(1)", 19 },
	{ "https://a.example/<script>", 18 },
	{ "https://a.example/a b", 19 },
	{ "https://a.example/`x`", 18 },
	{ "https://a.example/日本", 18 },		/* non-ASCII ends it */
	{ "https://a.example/\x01", 18 },
	{ "javascript:alert(1)", 0 },
	{ "data:text/html,x", 0 },
	{ "ftp://a.example/", 0 },
	{ " https://a.example/", 0 },
	{ "https://", 0 },
	{ "https:///x", 0 },				/* no host */
	{ "https://?x", 0 },
	{ "https://#x", 0 },
	{ "https://.", 0 },
	{ "http:/a.example", 0 },
	{ "", 0 },
};

START_TEST(test_url_len)
{
	ck_assert_msg(esc_url_len(urls[_i].in) == urls[_i].len,
	    "%s: %zu, not %zu", urls[_i].in, esc_url_len(urls[_i].in),
	    urls[_i].len);
}
END_TEST

START_TEST(test_url_ok)
{
	ck_assert_int_eq(esc_url_ok("https://a.example/x?a=1&b=2"), 1);
	ck_assert_int_eq(esc_url_ok("http://a.example"), 1);
	ck_assert_int_eq(esc_url_ok(NULL), 0);
	ck_assert_int_eq(esc_url_ok(""), 0);
	ck_assert_int_eq(esc_url_ok("https://a.example/x y"), 0);
	ck_assert_int_eq(esc_url_ok("https://a.example/x."), 0);
	ck_assert_int_eq(esc_url_ok("https://a.example/\"x"), 0);
	ck_assert_int_eq(esc_url_ok("see https://a.example/"), 0);
	ck_assert_int_eq(esc_url_ok("javascript:alert(1)"), 0);
	ck_assert_int_eq(esc_url_ok("https:///etc/passwd"), 0);
}
END_TEST

#define LINK(u) "<a rel=\"nofollow noopener noreferrer\" href=\"" u "\">" \
	u "</a>"

START_TEST(test_html_linked)
{
	GString *o = g_string_new(NULL);

	esc_html_linked(o, "see https://a.example/?a=1&b=<2>. <b>x</b>");
	ck_assert_str_eq(o->str, "see " LINK("https://a.example/?a=1&amp;b=")
	    "&lt;2&gt;. &lt;b&gt;x&lt;/b&gt;");
	g_string_truncate(o, 0);
	/* Only at a word start, and only http(s). */
	esc_html_linked(o, "xhttps://a.example javascript:alert(1) "
	    "参照https://b.example/");
	ck_assert_str_eq(o->str, "xhttps://a.example javascript:alert(1) "
	    "参照" LINK("https://b.example/"));
	g_string_truncate(o, 0);
	esc_html_linked(o, "https://a.example/'onmouseover='x");
	ck_assert_str_eq(o->str, LINK("https://a.example/")
	    "&#39;onmouseover=&#39;x");
	g_string_truncate(o, 0);
	esc_html_linked(o, "");
	ck_assert_str_eq(o->str, "");
	g_string_free(o, TRUE);
}
END_TEST

START_TEST(test_html_paras)
{
	GString *o = g_string_new(NULL);

	esc_html_paras(o, "\n one\ntwo <i>\n\n \x1b\n\nthree http://c.example"
	    "\n\n");
	ck_assert_str_eq(o->str, "<p>one\ntwo &lt;i&gt;</p>\n"
	    "<p>three " LINK("http://c.example") "</p>\n");
	g_string_truncate(o, 0);
	esc_html_paras(o, " \x01\n\n ");
	ck_assert_str_eq(o->str, "");
	g_string_truncate(o, 0);
	esc_html_paras(o, NULL);
	ck_assert_str_eq(o->str, "");
	g_string_free(o, TRUE);
}
END_TEST

START_TEST(test_text_width_shown)
{
	char *s, *long_s;

	ck_assert_uint_eq(esc_text_width(""), 0);
	ck_assert_uint_eq(esc_text_width("Overview"), 8);
	ck_assert_uint_eq(esc_text_width("概要"), 4);
	ck_assert_uint_eq(esc_text_width("CSAF 文書"), 9);
	s = esc_shown(NULL);
	ck_assert_str_eq(s, "(null)");
	g_free(s);
	s = esc_shown("a\"b\n\x1b");
	ck_assert_str_eq(s, "a\\\"b\\n\\033");
	g_free(s);
	long_s = g_strnfill(200, 'x');
	s = esc_shown(long_s);
	ck_assert_uint_eq(strlen(s), 80);
	g_free(s);
	g_free(long_s);
}
END_TEST

Suite *
make_escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_clean, 0, G_N_ELEMENTS(cleans));
	tcase_add_test(tc, test_clean_strip_blank);
	tcase_add_test(tc, test_append);
	tcase_add_loop_test(tc, test_url_len, 0, G_N_ELEMENTS(urls));
	tcase_add_test(tc, test_url_ok);
	tcase_add_test(tc, test_html_linked);
	tcase_add_test(tc, test_html_paras);
	tcase_add_test(tc, test_text_width_shown);
	suite_add_tcase(s, tc);
	return s;
}
