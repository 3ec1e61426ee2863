/*
 * Tests for the tmpl module: tables of {template, context, expected output
 * or error}, then the cases a table cannot hold (limits, ownership).
 * Contexts are written in GVariant text format.
 */
#include "config.h"

#include <string.h>

#include <check.h>

#include "check_suites.h"
#include <glib.h>

#include "vulture/tmpl.h"

#define NAME "t.tmpl"

struct render_case {
	const char *src;
	const char *ctx;	/* GVariant text of an a{sv}; NULL: empty */
	enum tmpl_escape esc;
	int strict;
	const char *expect;	/* output; NULL when the render must fail */
	const char *error;	/* the exact message when it fails */
};

#define STRICT 1
#define LENIENT 0
#define NONE TMPL_ESCAPE_NONE
#define HTML TMPL_ESCAPE_HTML
#define XML TMPL_ESCAPE_XML

#define CTX_VENDOR "{'vendor': <{'name': <'ACME'>, " \
	"'psirt': <{'mail': <'psirt@acme.example'>}>}>}"
#define CTX_MARKUP "{'v': <'<a href=\"x\">Tom & \\'Jerry\\'</a>'>}"
#define CTX_VENDORS "{'vendors': <[" \
	"{'name': <'acme'>, 'status': <'affected'>}, " \
	"{'name': <'globex'>, 'status': <'unknown'>}]>}"
#define CTX_TYPES "{'s': <'abc'>, 'e': <''>, 'yes': <true>, " \
	"'no': <false>, 'n': <3>, 'z': <uint32 0>, 'zx': <int64 0>, " \
	"'t': <uint64 9>, 'zt': <uint64 0>, " \
	"'tags': <['a', 'b']>, 'none': <@as []>, " \
	"'d': <1.5>, 'tuple': <('x', 1)>, 'emptyd': <@a{sv} {}>}"
#define CTX_NEST "{'case_id': <'JVNVU#1'>, 'name': <'root'>, " \
	"'vendors': <[{'name': <'acme'>, 'contacts': <['a@x', 'b@x']>}, " \
	"{'name': <'globex'>, 'contacts': <@as []>}]>}"

static const struct render_case render_cases[] = {
	/* Variables. */
	{ "Hello {{name}}!", "{'name': <'World'>}", NONE, STRICT,
	    "Hello World!", NULL },
	{ "{{ name }}|{{\tname\t}}|{{name }}", "{'name': <'W'>}", NONE,
	    STRICT, "W|W|W", NULL },
	{ "no tags at all\n", NULL, NONE, STRICT, "no tags at all\n", NULL },
	{ "", NULL, NONE, STRICT, "", NULL },
	{ "a } b }} c {", NULL, NONE, STRICT, "a } b }} c {", NULL },
	{ "{{i}} {{u}} {{x}} {{t}}", "{'i': <-5>, 'u': <uint32 7>, "
	    "'x': <int64 -9000000000>, 't': <uint64 18446744073709551615>}",
	    NONE, STRICT, "-5 7 -9000000000 18446744073709551615", NULL },
	{ "{{yes}}/{{no}}", CTX_TYPES, NONE, STRICT, "true/false", NULL },
	{ "{{v}}", "{'v': <<'boxed twice'>>}", NONE, STRICT, "boxed twice",
	    NULL },
	{ "{{m.k}}", "{'m': <{'k': 'plain a{ss}'}>}", NONE, STRICT,
	    "plain a{ss}", NULL },
	{ "{{snake_case-name9}}", "{'snake_case-name9': <'ok'>}", NONE,
	    STRICT, "ok", NULL },

	/* Dotted names. */
	{ "{{vendor.name}} <{{vendor.psirt.mail}}>", CTX_VENDOR, NONE,
	    STRICT, "ACME <psirt@acme.example>", NULL },
	{ "{{#vendor}}{{name}}{{/vendor}}", CTX_VENDOR, NONE, STRICT,
	    "ACME", NULL },
	/* Later components never fall back to outer contexts. */
	{ "[{{a.b.c}}]", "{'a': <{'b': <@a{sv} {}>}>, 'c': <'ERROR'>}",
	    NONE, LENIENT, "[]", NULL },
	{ "[{{a.b.c}}]", "{'a': <{'b': <@a{sv} {}>}>, 'c': <'ERROR'>}",
	    NONE, STRICT, NULL, NAME ":1: no value for 'a.b.c'" },
	{ "{{vendor.name.first}}", CTX_VENDOR, NONE, STRICT, NULL,
	    NAME ":1: no value for 'vendor.name.first'" },

	/* Escaping. */
	{ "{{v}}", CTX_MARKUP, NONE, STRICT,
	    "<a href=\"x\">Tom & 'Jerry'</a>", NULL },
	{ "{{v}}", CTX_MARKUP, HTML, STRICT,
	    "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;",
	    NULL },
	{ "{{v}}", CTX_MARKUP, XML, STRICT,
	    "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;",
	    NULL },
	{ "<p>{{{v}}}|{{& v}}|{{{ v }}}|{{&v}}</p>", CTX_MARKUP, HTML, STRICT,
	    "<p><a href=\"x\">Tom & 'Jerry'</a>|<a href=\"x\">Tom & "
	    "'Jerry'</a>|<a href=\"x\">Tom & 'Jerry'</a>|<a href=\"x\">Tom "
	    "& 'Jerry'</a></p>", NULL },
	/* Template text itself is never escaped. */
	{ "<b>&amp;</b>", NULL, HTML, STRICT, "<b>&amp;</b>", NULL },
	{ "{{v}}", "{'v': <'a\\u0001b\\tc\\nd'>}", XML, STRICT,
	    "a\357\277\275b\tc\nd", NULL },
	{ "{{v}}", "{'v': <'a\\u0001b'>}", HTML, STRICT, "a\001b", NULL },
	{ "{{v}}", "{'v': <'日本 <語> & 「引用」'>}", HTML, STRICT,
	    "日本 &lt;語&gt; &amp; 「引用」", NULL },

	/* Sections over lists. */
	{ "{{#vendors}}{{name}}:{{status}};{{/vendors}}", CTX_VENDORS, NONE,
	    STRICT, "acme:affected;globex:unknown;", NULL },
	{ "{{#tags}}[{{.}}]{{/tags}}", CTX_TYPES, NONE, STRICT, "[a][b]",
	    NULL },
	{ "{{#items}}{{name}},{{/items}}",
	    "{'items': <[<{'name': <'x'>}>, <{'name': <'y'>}>]>}", NONE,
	    STRICT, "x,y,", NULL },
	{ "{{#items}}({{.}}){{/items}}",
	    "{'items': <[<'p'>, <'q'>, <7>]>}", NONE, STRICT, "(p)(q)(7)",
	    NULL },
	{ "{{#nums}}{{.}} {{/nums}}", "{'nums': <[1, 2, 3]>}", NONE, STRICT,
	    "1 2 3 ", NULL },
	{ "{{#none}}X{{/none}}{{^none}}empty list{{/none}}", CTX_TYPES, NONE,
	    STRICT, "empty list", NULL },
	{ "{{#.}}{{/.}}", NULL, NONE, STRICT, "", NULL },

	/* Sections over other values. */
	{ "{{#yes}}Y{{/yes}}{{#no}}N{{/no}}", CTX_TYPES, NONE, STRICT, "Y",
	    NULL },
	{ "{{#s}}<{{.}}>{{/s}}{{#e}}E{{/e}}", CTX_TYPES, NONE, STRICT,
	    "<abc>", NULL },
	{ "{{#n}}n={{.}}{{/n}}{{#z}}Z{{/z}}{{#zx}}X{{/zx}}{{#zt}}T{{/zt}}"
	    "{{#t}} t={{t}}{{/t}}", CTX_TYPES, NONE, STRICT, "n=3 t=9", NULL },
	{ "{{#emptyd}}X{{/emptyd}}{{^emptyd}}empty dict{{/emptyd}}",
	    CTX_TYPES, NONE, STRICT, "empty dict", NULL },
	{ "{{#case}}{{id}} {{title}}{{/case}}",
	    "{'case': <{'id': <'JVNVU#1'>}>, 'title': <'Overflow'>}", NONE,
	    STRICT, "JVNVU#1 Overflow", NULL },
	{ "{{#nope}}X{{/nope}}{{^nope}}missing{{/nope}}", NULL, NONE, STRICT,
	    "missing", NULL },

	/* Inverted sections. */
	{ "{{^yes}}Y{{/yes}}{{^no}}N{{/no}}{{^e}}E{{/e}}{{^z}}Z{{/z}}"
	    "{{^tags}}T{{/tags}}{{^s}}S{{/s}}", CTX_TYPES, NONE, STRICT,
	    "NEZ", NULL },

	/* Nesting, outer lookup and shadowing. */
	{ "{{#vendors}}{{#contacts}}{{case_id}}/{{name}}/{{.}} {{/contacts}}"
	    "{{^contacts}}{{name}}: none{{/contacts}}{{/vendors}} {{name}}",
	    CTX_NEST, NONE, STRICT,
	    "JVNVU#1/acme/a@x JVNVU#1/acme/b@x globex: none root", NULL },
	{ "{{#a}}{{#b}}{{#c}}{{x}}{{y}}{{z}}{{/c}}{{/b}}{{/a}}",
	    "{'x': <'1'>, 'a': <{'y': <'2'>, 'b': <{'z': <'3'>, "
	    "'c': <true>}>}>}", NONE, STRICT, "123", NULL },

	/* Standalone lines, after the mustache spec. */
	{ "Begin.\n{{#yes}}\nInside\n{{/yes}}\nEnd.\n", CTX_TYPES, NONE,
	    STRICT, "Begin.\nInside\nEnd.\n", NULL },
	{ "Begin.\n  {{#yes}}\n  Inside\n\t{{/yes}}  \nEnd.\n", CTX_TYPES,
	    NONE, STRICT, "Begin.\n  Inside\nEnd.\n", NULL },
	{ "|\r\n{{#yes}}\r\n{{/yes}}\r\n|", CTX_TYPES, NONE, STRICT,
	    "|\r\n|", NULL },
	{ "  {{#yes}}\n#{{/yes}}\n/", CTX_TYPES, NONE, STRICT, "#\n/", NULL },
	{ "#{{#yes}}\n/\n  {{/yes}}", CTX_TYPES, NONE, STRICT, "#\n/\n",
	    NULL },
	{ " {{#yes}}YES{{/yes}}\n {{#yes}}GOOD{{/yes}}\n", CTX_TYPES, NONE,
	    STRICT, " YES\n GOOD\n", NULL },
	{ "{{#yes}}{{/yes}}\nx", CTX_TYPES, NONE, STRICT, "\nx", NULL },
	{ "Begin.\n{{^no}}\nInside\n{{/no}}\nEnd.\n", CTX_TYPES, NONE,
	    STRICT, "Begin.\nInside\nEnd.\n", NULL },
	{ "Begin.\n{{! Comment Block! }}\nEnd.\n", NULL, NONE, STRICT,
	    "Begin.\nEnd.\n", NULL },
	{ "Begin.\n{{!\nSomething's going on here\n}}\nEnd.\n", NULL, NONE,
	    STRICT, "Begin.\nEnd.\n", NULL },
	{ "  12 {{! 34 }}\n", NULL, NONE, STRICT, "  12 \n", NULL },
	{ "  {{s}}\n", CTX_TYPES, NONE, STRICT, "  abc\n", NULL },
	{ "{{#tags}}\n- {{.}}\n{{/tags}}\n", CTX_TYPES, NONE, STRICT,
	    "- a\n- b\n", NULL },
	{ "x\r{{#yes}}\ny{{/yes}}", CTX_TYPES, NONE, STRICT,
	    "x\r\ny", NULL },

	{ " | {{#yes}}\t|\t{{/yes}} | \n", CTX_TYPES, NONE, STRICT,
	    " | \t|\t | \n", NULL },
	{ " | {{#yes}} {{! Important Whitespace }}\n {{/yes}} | \n",
	    CTX_TYPES, NONE, STRICT, " |  \n  | \n", NULL },
	{ "{{#yes}}\n* first\n{{/yes}}\n* {{s}}\n{{#yes}}\n* third\n"
	    "{{/yes}}\n", CTX_TYPES, NONE, STRICT,
	    "* first\n* abc\n* third\n", NULL },
	{ "{{#a}}\n{{one}}\n{{#b}}\n{{one}}{{two}}{{one}}\n{{#c}}\n"
	    "{{one}}{{two}}{{three}}{{two}}{{one}}\n{{/c}}\n"
	    "{{one}}{{two}}{{one}}\n{{/b}}\n{{one}}\n{{/a}}\n",
	    "{'a': <{'one': <1>}>, 'b': <{'two': <2>}>, "
	    "'c': <{'three': <3>}>}", NONE, STRICT,
	    "1\n121\n12321\n121\n1\n", NULL },
	{ "|{{# yes }}={{/ yes }}|", CTX_TYPES, NONE, STRICT, "|=|", NULL },

	/* Comments. */
	{ "12345{{! Comment Block! }}67890", NULL, NONE, STRICT,
	    "1234567890", NULL },
	{ "a{{! {{x } and }{ }}b", NULL, NONE, STRICT, "ab", NULL },
	/* A comment ends at the first "}}". */
	{ "a{{!{{x}} and }}b", NULL, NONE, STRICT, "a and }}b", NULL },
	{ "a{{ ! spaced }}b", NULL, NONE, STRICT, "ab", NULL },

	/* Missing values. */
	{ "Dear {{vendor.name}}", NULL, NONE, STRICT, NULL,
	    NAME ":1: no value for 'vendor.name'" },
	{ "a\nb\n\n{{x}}", NULL, NONE, STRICT, NULL,
	    NAME ":4: no value for 'x'" },
	{ "[{{x}}|{{{x}}}|{{a.b}}]", NULL, NONE, LENIENT, "[||]", NULL },
	{ "{{#vendors}}\n{{name}} {{stauts}}\n{{/vendors}}", CTX_VENDORS,
	    NONE, STRICT, NULL, NAME ":2: no value for 'stauts'" },

	/* Values templates cannot show. */
	{ "x\n{{d}}", CTX_TYPES, NONE, STRICT, NULL,
	    NAME ":2: 'd' has type 'd', which templates cannot show" },
	{ "{{tuple}}", CTX_TYPES, NONE, LENIENT, NULL,
	    NAME ":1: 'tuple' has type '(si)', which templates cannot show" },
	{ "{{#d}}x{{/d}}", CTX_TYPES, NONE, STRICT, NULL,
	    NAME ":1: section 'd' has type 'd', which is neither true nor "
	    "false" },
	{ "{{^tuple}}x{{/tuple}}", CTX_TYPES, NONE, STRICT, NULL,
	    NAME ":1: section 'tuple' has type '(si)', which is neither true "
	    "nor false" },
	{ "{{tags}}", CTX_TYPES, NONE, STRICT, NULL,
	    NAME ":1: 'tags' is a list of type 'as', use it in a section "
	    "('{{#tags}}')" },
	{ "{{.}}", CTX_TYPES, NONE, STRICT, NULL,
	    NAME ":1: '.' is a dictionary of type 'a{sv}', use it in a "
	    "section ('{{#.}}')" },
	{ "{{#m}}{{.}}{{/m}}", "{'m': <{1: <'x'>}>}", NONE, STRICT, NULL,
	    NAME ":1: section 'm' has type 'a{iv}', which is neither true "
	    "nor false" },
	{ "{{#l}}{{.}}{{/l}}", "{'l': <[<'ok'>, <1.5>]>}", NONE, STRICT, NULL,
	    NAME ":1: '.' has type 'd', which templates cannot show" },

	/* UTF-8 passes through untouched. */
	{ "{{vendor}} 御中\n\n脆弱性情報 {{id}} についてご連絡します。\n",
	    "{'vendor': <'株式会社アクメ'>, 'id': <'JVNVU#12345678'>}", NONE,
	    STRICT, "株式会社アクメ 御中\n\n脆弱性情報 JVNVU#12345678 "
	    "についてご連絡します。\n", NULL },
	{ "「{{#tags}}{{.}}・{{/tags}}」", "{'tags': <['該当製品あり', "
	    "'該当製品なし']>}", NONE, STRICT, "「該当製品あり・該当製品なし・」",
	    NULL },
};

struct compile_case {
	const char *src;
	const char *error;	/* exact message */
};

static const struct compile_case compile_cases[] = {
	{ "abc {{name", NAME ":1: unclosed tag: no '}}' before the end of "
	    "the line" },
	{ "a\nb {{name\n}}", NAME ":2: unclosed tag: no '}}' before the end "
	    "of the line" },
	{ "{{", NAME ":1: unclosed tag: no '}}' before the end of the line" },
	{ "{{{name}}", NAME ":1: unclosed tag: no '}}}' before the end of "
	    "the line" },
	{ "{{#a}}\n{{/a}", NAME ":2: unclosed tag: no '}}' before the end "
	    "of the line" },
	{ "x\n{{! never closed\n", NAME ":2: unclosed comment: no '}}' after "
	    "'{{!'" },
	{ "a\n{{#s}}\nb", NAME ":2: section '{{#s}}' is never closed" },
	{ "{{#a}}{{^b}}{{/b}}", NAME ":1: section '{{#a}}' is never closed" },
	{ "{{^s}}", NAME ":1: section '{{^s}}' is never closed" },
	{ "{{#a}}\n{{/b}}", NAME ":2: '{{/b}}' does not match '{{#a}}' "
	    "opened on line 1" },
	{ "{{#a}}\n{{^b}}\n{{/a}}\n{{/b}}", NAME ":3: '{{/a}}' does not "
	    "match '{{^b}}' opened on line 2" },
	{ "x\n\n{{/a}}", NAME ":3: '{{/a}}' closes no open section" },
	{ "{{#a}}{{/a}}{{/a}}", NAME ":1: '{{/a}}' closes no open section" },
	{ "{{}}", NAME ":1: empty tag name" },
	{ "{{ }}", NAME ":1: empty tag name" },
	{ "\n{{#}}", NAME ":2: empty tag name" },
	{ "{{^ }}", NAME ":1: empty tag name" },
	{ "{{{}}}", NAME ":1: empty tag name" },
	{ "{{&}}", NAME ":1: empty tag name" },
	{ "{{#a}}{{/}}", NAME ":1: empty tag name" },
	{ "{{=<% %>=}}", NAME ":1: delimiter changes ('{{=') are not "
	    "supported" },
	{ "x\n{{ =| |= }}", NAME ":2: delimiter changes ('{{=') are not "
	    "supported" },
	{ "{{> header}}", NAME ":1: partials ('{{>') are not supported" },
	{ "{{a b}}", NAME ":1: invalid character ' ' in tag name 'a b'" },
	{ "{{a.b!}}", NAME ":1: invalid character '!' in tag name 'a.b!'" },
	{ "{{#a}}{{/a b}}", NAME ":1: invalid character ' ' in tag name "
	    "'a b'" },
	{ "{{a\001}}", NAME ":1: invalid character in tag name 'a?' (names "
	    "are letters, digits, '_', '-' and '.')" },
	{ "{{名前}}", NAME ":1: invalid character in tag name '名前' (names "
	    "are letters, digits, '_', '-' and '.')" },
	{ "{{ {x} }}", NAME ":1: invalid character '{' in tag name '{x}'" },
	{ "{{a..b}}", NAME ":1: empty component in tag name 'a..b'" },
	{ "{{.a}}", NAME ":1: empty component in tag name '.a'" },
	{ "{{a.}}", NAME ":1: empty component in tag name 'a.'" },
	{ "{{..}}", NAME ":1: empty component in tag name '..'" },
	{ "ok\n\377", NAME ":2: invalid UTF-8 (byte 0xff)" },
	{ "a\nb\nc \343\201", NAME ":3: invalid UTF-8 (byte 0xe3)" },
	{ "{{! \300\200 }}", NAME ":1: invalid UTF-8 (byte 0xc0)" },
	{ "\355\240\200", NAME ":1: invalid UTF-8 (byte 0xed)" },
};

static void
check_compile_error(const char *src, size_t len, const char *expect)
{
	struct tmpl *t;
	char *error = NULL;

	t = tmpl_compile(NAME, src, len, &error);
	ck_assert_msg(t == NULL, "compiled: %s", src);
	ck_assert_ptr_nonnull(error);
	ck_assert_str_eq(error, expect);
	g_free(error);
}

START_TEST(test_render_table)
{
	const struct render_case *c = &render_cases[_i];
	struct tmpl *t;
	GVariant *ctx = NULL;
	GString *out;
	GError *gerr = NULL;
	char *error = NULL;
	int ret;

	t = tmpl_compile(NAME, c->src, strlen(c->src), &error);
	ck_assert_msg(t != NULL, "case %d: %s", _i, error);
	if (c->ctx != NULL) {
		ctx = g_variant_parse(G_VARIANT_TYPE_VARDICT, c->ctx, NULL,
		    NULL, &gerr);
		ck_assert_msg(ctx != NULL, "case %d: %s", _i,
		    gerr != NULL ? gerr->message : "");
	}
	out = g_string_new("prefix|");
	ret = tmpl_render(t, ctx, c->esc, c->strict, out, &error);
	if (c->expect != NULL) {
		ck_assert_msg(ret == 0, "case %d: %s", _i, error);
		ck_assert_str_eq(out->str + strlen("prefix|"), c->expect);
	} else {
		ck_assert_msg(ret == -1, "case %d rendered: %s", _i,
		    out->str);
		ck_assert_str_eq(error, c->error);
		ck_assert_str_eq(out->str, "prefix|");
		g_free(error);
	}
	g_string_free(out, TRUE);
	if (ctx != NULL)
		g_variant_unref(ctx);
	tmpl_free(&t);
	ck_assert_ptr_null(t);
}
END_TEST

START_TEST(test_compile_table)
{
	const struct compile_case *c = &compile_cases[_i];

	check_compile_error(c->src, strlen(c->src), c->error);
}
END_TEST

START_TEST(test_nul_byte)
{
	check_compile_error("a\n\0b", 4, NAME ":2: NUL byte in template");
}
END_TEST

START_TEST(test_template_size)
{
	char *src = g_malloc(TMPL_MAX_SIZE + 1);
	struct tmpl *t;
	char *error = NULL;

	memset(src, 'x', TMPL_MAX_SIZE + 1);
	t = tmpl_compile(NAME, src, TMPL_MAX_SIZE, &error);
	ck_assert_msg(t != NULL, "%s", error);
	tmpl_free(&t);
	check_compile_error(src, TMPL_MAX_SIZE + 1,
	    NAME ": template is 262145 bytes, larger than 262144");
	g_free(src);
}
END_TEST

START_TEST(test_name_length)
{
	GString *src = g_string_new("{{");
	GString *out = g_string_new(NULL);
	struct tmpl *t;
	char *error = NULL;

	g_string_append_len(src, "a.b", 3);
	while (src->len < 2 + TMPL_MAX_NAME)
		g_string_append_c(src, 'c');
	g_string_append(src, " }}");
	t = tmpl_compile(NAME, src->str, src->len, &error);
	ck_assert_msg(t != NULL, "%s", error);
	ck_assert_int_eq(tmpl_render(t, NULL, TMPL_ESCAPE_NONE, 0, out,
	    &error), 0);
	tmpl_free(&t);
	g_string_insert_c(src, 2, 'c');
	check_compile_error(src->str, src->len,
	    NAME ":1: tag name is 129 bytes, longer than 128");
	g_string_free(src, TRUE);
	g_string_free(out, TRUE);
}
END_TEST

static GString *
nested_sections(int depth, const char *name)
{
	GString *src = g_string_new(NULL);
	int i;

	for (i = 0; i < depth; i++)
		g_string_append_printf(src, "{{#%s}}\n", name);
	g_string_append(src, "{{.}}\n");
	for (i = 0; i < depth; i++)
		g_string_append_printf(src, "{{/%s}}\n", name);
	return src;
}

START_TEST(test_depth)
{
	GString *src = nested_sections(TMPL_MAX_DEPTH, "n");
	GString *out = g_string_new(NULL);
	struct tmpl *t;
	char *error = NULL;

	t = tmpl_compile(NAME, src->str, src->len, &error);
	ck_assert_msg(t != NULL, "%s", error);
	ck_assert_int_eq(tmpl_render(t, g_variant_new_parsed("{'n': <7>}"),
	    TMPL_ESCAPE_NONE, 1, out, &error), 0);
	ck_assert_str_eq(out->str, "7\n");
	tmpl_free(&t);
	g_string_free(src, TRUE);

	src = nested_sections(TMPL_MAX_DEPTH + 1, "n");
	check_compile_error(src->str, src->len,
	    NAME ":17: sections nested deeper than 16");
	g_string_free(src, TRUE);
	g_string_free(out, TRUE);
}
END_TEST

/* A list of count copies of a string of len bytes c. */
static GVariant *
big_list(gsize count, gsize len, char c)
{
	GVariantBuilder b;
	char *s = g_malloc(len + 1);
	gsize i;

	memset(s, c, len);
	s[len] = '\0';
	g_variant_builder_init(&b, G_VARIANT_TYPE_STRING_ARRAY);
	for (i = 0; i < count; i++)
		g_variant_builder_add(&b, "s", s);
	g_free(s);
	return g_variant_builder_end(&b);
}

static GVariant *
dict1(const char *key, GVariant *value)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&b, "{sv}", key, value);
	return g_variant_ref_sink(g_variant_builder_end(&b));
}

START_TEST(test_output_limit)
{
	const char *src = "{{#l}}{{.}}{{/l}}";
	GVariant *exact = dict1("l", big_list(8, 1024 * 1024, 'x'));
	/* Escaped, 2 MB become 10 MB: the limit falls inside an entity. */
	GVariant *over = dict1("l", big_list(1, 2 * 1024 * 1024, '&'));
	GString *out = g_string_new("keep");
	struct tmpl *t;
	char *error = NULL;

	t = tmpl_compile(NAME, src, strlen(src), &error);
	ck_assert_ptr_nonnull(t);
	/* The limit counts this render's bytes, not what out held. */
	ck_assert_int_eq(tmpl_render(t, exact, TMPL_ESCAPE_NONE, 1, out,
	    &error), 0);
	ck_assert_uint_eq(out->len, 4 + TMPL_MAX_OUTPUT);
	g_string_assign(out, "keep");
	ck_assert_int_eq(tmpl_render(t, over, TMPL_ESCAPE_HTML, 1, out,
	    &error), -1);
	ck_assert_str_eq(error, NAME ":1: output larger than 8388608 bytes");
	ck_assert_str_eq(out->str, "keep");
	g_free(error);
	tmpl_free(&t);
	g_variant_unref(exact);
	g_variant_unref(over);
	g_string_free(out, TRUE);
}
END_TEST

START_TEST(test_nested_loops)
{
	/* 100^4 iterations of 10 bytes: stopped by the output limit. */
	const char *loud = "{{#l}}{{#l}}{{#l}}{{#l}}0123456789{{/l}}{{/l}}"
	    "{{/l}}{{/l}}";
	/* 100^8 iterations of nothing: stopped by the step limit. */
	const char *quiet = "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}"
	    "{{#l}}\n{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}";
	GVariant *ctx = dict1("l", big_list(100, 1, 'x'));
	GString *out = g_string_new(NULL);
	struct tmpl *t;
	char *error = NULL;

	t = tmpl_compile(NAME, loud, strlen(loud), &error);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tmpl_render(t, ctx, TMPL_ESCAPE_NONE, 1, out,
	    &error), -1);
	ck_assert_str_eq(error, NAME ":1: output larger than 8388608 bytes");
	ck_assert_uint_eq(out->len, 0);
	g_free(error);
	tmpl_free(&t);

	t = tmpl_compile(NAME, quiet, strlen(quiet), &error);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tmpl_render(t, ctx, TMPL_ESCAPE_NONE, 1, out,
	    &error), -1);
	ck_assert_str_eq(error, NAME ":1: rendering needs more than 4194304 "
	    "steps (sections over very long lists?)");
	g_free(error);
	tmpl_free(&t);
	g_variant_unref(ctx);
	g_string_free(out, TRUE);
}
END_TEST

START_TEST(test_lookup_cost)
{
	/* Lookups pay for the dictionary entries they pass: 4177 items
	 * of 1004 steps each, and the limit falls in the lookup of 'x'. */
	const char *src = "{{#l}}{{a.x}}{{/l}}";
	GVariantBuilder b;
	GVariant *ctx;
	GString *out = g_string_new(NULL);
	struct tmpl *t;
	char *error = NULL, key[16];
	int i;

	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	for (i = 0; i < 1000; i++) {
		g_snprintf(key, sizeof(key), "%d", i);
		g_variant_builder_add(&b, "{sv}", key,
		    g_variant_new_string("v"));
	}
	ctx = g_variant_new_parsed("{'l': %v, 'a': %v}", big_list(5000, 1, 'x'),
	    g_variant_builder_end(&b));
	t = tmpl_compile(NAME, src, strlen(src), &error);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(tmpl_render(t, ctx, TMPL_ESCAPE_NONE, 0, out,
	    &error), -1);
	ck_assert_str_eq(error, NAME ":1: rendering needs more than 4194304 "
	    "steps (sections over very long lists?)");
	ck_assert_uint_eq(out->len, 0);
	g_free(error);
	tmpl_free(&t);
	g_string_free(out, TRUE);
}
END_TEST

START_TEST(test_names)
{
	const char *src = "{{a}}{{#b}}{{c.d}}{{.}}{{a}}{{/b}}{{^e}}{{/e}}"
	    "{{! x }}{{{f}}}{{& g}}{{#b}}{{/b}}";
	const char *expect[] = { "a", "b", "c.d", "e", "f", "g" };
	const GPtrArray *names;
	struct tmpl *t;
	char *error = NULL;
	guint i;

	t = tmpl_compile(NAME, src, strlen(src), &error);
	ck_assert_ptr_nonnull(t);
	names = tmpl_names(t);
	ck_assert_uint_eq(names->len, G_N_ELEMENTS(expect));
	for (i = 0; i < names->len; i++)
		ck_assert_str_eq(g_ptr_array_index(names, i), expect[i]);
	tmpl_free(&t);

	t = tmpl_compile(NULL, NULL, 0, &error);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(tmpl_names(t)->len, 0);
	tmpl_free(&t);
}
END_TEST

START_TEST(test_ownership)
{
	const char *src = "{{a}}";
	GString *out = g_string_new(NULL);
	struct tmpl *t = NULL;
	char *error = NULL;

	tmpl_free(&t);
	tmpl_free(NULL);
	/* A floating context is consumed (valgrind checks the leak). */
	t = tmpl_compile(NAME, src, strlen(src), NULL);
	ck_assert_int_eq(tmpl_render(t, g_variant_new_parsed("{'a': <'b'>}"),
	    TMPL_ESCAPE_NONE, 1, out, NULL), 0);
	ck_assert_str_eq(out->str, "b");
	/* error_r may be NULL. */
	ck_assert_int_eq(tmpl_render(t, NULL, TMPL_ESCAPE_NONE, 1, out,
	    NULL), -1);
	ck_assert_ptr_null(tmpl_compile(NAME, "{{", 2, NULL));
	/* A context that is not a dictionary. */
	ck_assert_int_eq(tmpl_render(t, g_variant_new_string("x"),
	    TMPL_ESCAPE_NONE, 1, out, &error), -1);
	ck_assert_str_eq(error, NAME ": the context has type 's', not a "
	    "dictionary a{sv}");
	ck_assert_str_eq(out->str, "b");
	g_free(error);
	tmpl_free(&t);
	ck_assert_ptr_null(t);
	/* The source need not be NUL-terminated. */
	t = tmpl_compile(NULL, "{{a}}{{", 5, &error);
	ck_assert_ptr_nonnull(t);
	tmpl_free(&t);
	ck_assert_ptr_null(tmpl_compile(NULL, "{{x", 3, &error));
	ck_assert_str_eq(error, "template:1: unclosed tag: no '}}' before "
	    "the end of the line");
	g_free(error);
	g_string_free(out, TRUE);
}
END_TEST

/* What a summary notice and a publication page look like. */
static const char vendor_ctx[] =
    "{'case': <{'id': <'JVNVU#12345678'>, 'title': <'FooHTTP における"
    "バッファオーバーフロー'>, 'publication_date': <'2027-01-20'>}>, "
    "'vendor': <{'name': <'ACME Corp'>}>, "
    "'desk': <'JPCERT/CC 脆弱性コーディネーショングループ'>, "
    "'vendors': <["
    "{'name': <'ACME Corp'>, 'status': <'affected'>, "
    "'status_ja': <'該当製品あり'>, "
    "'comment': <'Fixed in acme-httpd 2.4.1 & later <see advisory>'>, "
    "'url': <'https://acme.example/sa?id=1&lang=en'>}, "
    "{'name': <'Globex'>, 'status': <'not-affected'>, "
    "'status_ja': <'該当製品なし'>, 'comment': <''>}, "
    "{'name': <'Initech'>, 'status': <'unknown'>, "
    "'status_ja': <'不明'>}]>}";

static const char vendor_en[] =
    "{{! Summary notice, English. }}\n"
    "Dear {{vendor.name}},\n"
    "\n"
    "Case {{case.id}}: {{case.title}}\n"
    "Planned publication: {{case.publication_date}}\n"
    "\n"
    "Vendor status:\n"
    "{{#vendors}}\n"
    "  - {{name}}: {{status}}{{#comment}} ({{.}}){{/comment}}\n"
    "{{/vendors}}\n"
    "{{^vendors}}\n"
    "  (no vendor has answered yet)\n"
    "{{/vendors}}\n"
    "\n"
    "-- \n"
    "{{desk}}\n";

static const char vendor_en_out[] =
    "Dear ACME Corp,\n"
    "\n"
    "Case JVNVU#12345678: FooHTTP におけるバッファオーバーフロー\n"
    "Planned publication: 2027-01-20\n"
    "\n"
    "Vendor status:\n"
    "  - ACME Corp: affected (Fixed in acme-httpd 2.4.1 & later "
    "<see advisory>)\n"
    "  - Globex: not-affected\n"
    "  - Initech: unknown\n"
    "\n"
    "-- \n"
    "JPCERT/CC 脆弱性コーディネーショングループ\n";

static const char vendor_ja[] =
    "{{vendor.name}} 御中\n"
    "\n"
    "{{case.id}}「{{case.title}}」の公表予定日は"
    "{{case.publication_date}}です。\n"
    "\n"
    "ベンダ名\tステータス\tコメント\n"
    "{{#vendors}}\n"
    "{{name}}\t{{status_ja}}\t{{comment}}\n"
    "{{/vendors}}\n";

static const char vendor_ja_out[] =
    "ACME Corp 御中\n"
    "\n"
    "JVNVU#12345678「FooHTTP におけるバッファオーバーフロー」の公表予定日は"
    "2027-01-20です。\n"
    "\n"
    "ベンダ名\tステータス\tコメント\n"
    "ACME Corp\t該当製品あり\tFixed in acme-httpd 2.4.1 & later "
    "<see advisory>\n"
    "Globex\t該当製品なし\t\n"
    "Initech\t不明\t\n";

static const char vendor_html[] =
    "<table>\n"
    "  {{#vendors}}\n"
    "  <tr class=\"{{status}}\">\n"
    "    <td>{{#url}}<a href=\"{{url}}\">{{name}}</a>{{/url}}"
    "{{^url}}{{name}}{{/url}}</td>\n"
    "    <td>{{status_ja}}</td>\n"
    "    <td>{{comment}}</td>\n"
    "  </tr>\n"
    "  {{/vendors}}\n"
    "</table>\n";

static const char vendor_html_out[] =
    "<table>\n"
    "  <tr class=\"affected\">\n"
    "    <td><a href=\"https://acme.example/sa?id=1&amp;lang=en\">"
    "ACME Corp</a></td>\n"
    "    <td>該当製品あり</td>\n"
    "    <td>Fixed in acme-httpd 2.4.1 &amp; later &lt;see advisory&gt;"
    "</td>\n"
    "  </tr>\n"
    "  <tr class=\"not-affected\">\n"
    "    <td>Globex</td>\n"
    "    <td>該当製品なし</td>\n"
    "    <td></td>\n"
    "  </tr>\n"
    "  <tr class=\"unknown\">\n"
    "    <td>Initech</td>\n"
    "    <td>不明</td>\n"
    "    <td></td>\n"
    "  </tr>\n"
    "</table>\n";

static void
check_vendor_table(const char *src, enum tmpl_escape esc, int strict,
    const char *expect, const char *error_expect)
{
	GVariant *ctx;
	GString *out = g_string_new(NULL);
	struct tmpl *t;
	char *error = NULL;

	ctx = g_variant_parse(G_VARIANT_TYPE_VARDICT, vendor_ctx, NULL, NULL,
	    NULL);
	ck_assert_ptr_nonnull(ctx);
	t = tmpl_compile("vendors.tmpl", src, strlen(src), &error);
	ck_assert_msg(t != NULL, "%s", error);
	if (expect != NULL) {
		ck_assert_msg(tmpl_render(t, ctx, esc, strict, out,
		    &error) == 0, "%s", error);
		ck_assert_str_eq(out->str, expect);
	} else {
		ck_assert_int_eq(tmpl_render(t, ctx, esc, strict, out,
		    &error), -1);
		ck_assert_str_eq(error, error_expect);
		g_free(error);
	}
	tmpl_free(&t);
	g_variant_unref(ctx);
	g_string_free(out, TRUE);
}

START_TEST(test_vendor_table)
{
	check_vendor_table(vendor_en, TMPL_ESCAPE_NONE, 1, vendor_en_out,
	    NULL);
	/* Initech has no comment: strict mode says so, with the line. */
	check_vendor_table(vendor_ja, TMPL_ESCAPE_NONE, 1, NULL,
	    "vendors.tmpl:7: no value for 'comment'");
	check_vendor_table(vendor_ja, TMPL_ESCAPE_NONE, 0, vendor_ja_out,
	    NULL);
	check_vendor_table(vendor_html, TMPL_ESCAPE_HTML, 0, vendor_html_out,
	    NULL);
}
END_TEST

Suite *
make_tmpl_suite(void)
{
	Suite *s = suite_create("tmpl");
	TCase *tc;

	tc = tcase_create("render");
	tcase_add_loop_test(tc, test_render_table, 0,
	    G_N_ELEMENTS(render_cases));
	tcase_add_test(tc, test_vendor_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("compile");
	tcase_add_loop_test(tc, test_compile_table, 0,
	    G_N_ELEMENTS(compile_cases));
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_template_size);
	tcase_add_test(tc, test_name_length);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_ownership);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	/* Valgrind makes the limit tests slow. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_output_limit);
	tcase_add_test(tc, test_nested_loops);
	tcase_add_test(tc, test_lookup_cost);
	suite_add_tcase(s, tc);
	return s;
}
