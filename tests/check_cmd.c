/*
 * check_cmd.c: Check suite for the coordinator command parser (src/cmd.c).
 * Tables are {input, expected}: a command is compared through describe(),
 * one line of "verb key=value ..."; an error through its line and a
 * substring of its message.
 */
#include "config.h"

#include <check.h>

#include "check_suites.h"
#include <glib.h>
#include <string.h>

#include "vulture/cmd.h"
#include "vulture/json.h"
#include "vulture/textin.h"

Suite *make_cmd_suite(void);

#define ID "JVNVU#12345678"
#define FPR40 "0123456789ABCDEF0123456789ABCDEF01234567"

/* The project's default id format, "JVNVU#%08u". */
static int
is_jvnvu(const char *s, void *arg)
{
	size_t i;

	(void)arg;
	if (strncmp(s, "JVNVU#", 6) != 0 || strlen(s) != 14)
		return 0;
	for (i = 6; i < 14; i++)
		if (!g_ascii_isdigit(s[i]))
			return 0;
	return 1;
}

static struct cmd_block *
parse_len(const char *text, size_t len)
{
	struct cmd_block *b = NULL;
	const char *error = NULL;

	ck_assert_msg(cmd_parse(text, len, is_jvnvu, NULL, &b, &error) == 0,
	    "refused: %s", error);
	ck_assert_ptr_nonnull(b);
	return b;
}

static struct cmd_block *
parse(const char *text)
{
	return parse_len(text, strlen(text));
}

static const char *
parse_fail(const char *text, size_t len)
{
	struct cmd_block *b = (struct cmd_block *)1;
	const char *error = NULL;

	ck_assert_int_eq(cmd_parse(text, len, is_jvnvu, NULL, &b, &error), -1);
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(error);
	return error;
}

static void
add_str(GString *out, const char *key, const char *v)
{
	const char *p;

	if (v == NULL)
		return;
	g_string_append_printf(out, " %s=", key);
	for (p = v; *p != '\0'; p++) {
		if (*p == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *p);
	}
}

static void
add_list(GString *out, const char *key, const GPtrArray *list)
{
	guint i;

	if (list == NULL)
		return;
	g_string_append_printf(out, " %s=", key);
	for (i = 0; i < list->len; i++)
		g_string_append_printf(out, "%s%s", i > 0 ? "," : "",
		    (const char *)g_ptr_array_index(list, i));
}

/* "case date id=... when=... value=..."; g_free() it. */
static char *
describe(const struct cmd *c)
{
	GString *out = g_string_new(cmd_verb_name(c->verb));

	add_str(out, "id", c->case_id);
	add_str(out, "handle", c->handle);
	add_str(out, "name", c->name);
	add_str(out, "reg", c->registration);
	add_str(out, "addr", c->address);
	add_str(out, "lang", c->lang);
	add_list(out, "list", c->list);
	add_str(out, "value", c->value);
	add_str(out, "when", c->when);
	add_str(out, "status", c->status);
	add_str(out, "reporter", c->reporter);
	add_str(out, "file", c->file);
	add_str(out, "summary_file", c->summary_file);
	add_str(out, "detail_file", c->detail_file);
	add_list(out, "attach", c->attach);
	add_str(out, "fpr", c->fingerprint);
	if (c->number > 0)
		g_string_append_printf(out, " number=%u", c->number);
	if (c->force)
		g_string_append(out, " force");
	if (c->now)
		g_string_append(out, " now");
	if (c->single_vendor)
		g_string_append(out, " single-vendor");
	return g_string_free(out, FALSE);
}

/* Every error of b, one a line, for failure messages; g_free() it. */
static char *
errors_str(const struct cmd_block *b)
{
	GString *out = g_string_new(NULL);
	guint i;

	for (i = 0; i < b->errors->len; i++) {
		const struct cmd_error *e = g_ptr_array_index(b->errors, i);

		g_string_append_printf(out, "[%u: %s | %s]", e->line,
		    e->message, e->text);
	}
	return g_string_free(out, FALSE);
}

static const struct cmd *
cmd_at(const struct cmd_block *b, guint i)
{
	ck_assert_uint_gt(b->cmds->len, i);
	return g_ptr_array_index(b->cmds, i);
}

static const struct cmd_error *
error_at(const struct cmd_block *b, guint i)
{
	ck_assert_uint_gt(b->errors->len, i);
	return g_ptr_array_index(b->errors, i);
}

static void
assert_one(struct cmd_block *b, const char *want)
{
	char *errs = errors_str(b), *got;

	ck_assert_msg(b->errors->len == 0, "errors: %s", errs);
	ck_assert_uint_eq(b->cmds->len, 1);
	got = describe(cmd_at(b, 0));
	ck_assert_str_eq(got, want);
	g_free(got);
	g_free(errs);
}

static void
assert_error(const struct cmd_block *b, guint i, unsigned line,
    const char *substr)
{
	const struct cmd_error *e = error_at(b, i);

	ck_assert_msg(e->line == line && strstr(e->message, substr) != NULL,
	    "error %u: want line %u '%s', got line %u '%s'", i, line, substr,
	    e->line, e->message);
	ck_assert_ptr_nonnull(e->text);
}

/* ---- one valid command ---- */

static const struct {
	const char *input;
	const char *want;
} ok_tests[] = {
	/* vendor */
	{ "vendor add acme \"ACME Corp\" general acme-psirt@acme.example "
	  "keywords httpd,tls",
	  "vendor add handle=acme name=ACME Corp reg=general "
	  "addr=acme-psirt@acme.example list=httpd,tls" },
	{ "vendor add acme ACME INDIVIDUAL a.b+c@mail.acme.example lang JA "
	  "keywords x",
	  "vendor add handle=acme name=ACME reg=individual "
	  "addr=a.b+c@mail.acme.example lang=ja list=x" },
	{ "vendor add acme \"株式会社アクメ\" general a@b.example lang en",
	  "vendor add handle=acme name=株式会社アクメ reg=general "
	  "addr=a@b.example lang=en" },
	{ "vendor key acme", "vendor key handle=acme" },
	{ "vendor keywords acme httpd,tls,dns",
	  "vendor keywords handle=acme list=httpd,tls,dns" },
	/* Fingerprints as ident_fpr_parse() reads them: gpg's groups, any
	 * case, and (new here: the config took it) a leading 0x. */
	{ "vendor key acme confirm "
	  "\"0123 4567 89ab CDEF 0123  4567 89AB CDEF 0123 4567\"",
	  "vendor key handle=acme fpr=" FPR40 },
	{ "vendor key acme confirm 0x" FPR40,
	  "vendor key handle=acme fpr=" FPR40 },
	{ "case " ID " share confirm 2 " FPR40,
	  "case share confirm id=" ID " fpr=" FPR40 " number=2" },
	{ "vendor keywords acme \"httpd, TLS , c++\"",
	  "vendor keywords handle=acme list=httpd,TLS,c++" },
	{ "vendor keywords acme a,b,a,x/y,under_score",
	  "vendor keywords handle=acme list=a,b,x/y,under_score" },
	{ "vendor approve acme", "vendor approve handle=acme" },
	{ "vendor suspend a.b_c-9", "vendor suspend handle=a.b_c-9" },
	{ "Vendor APPROVE acme", "vendor approve handle=acme" },
	{ "vendor approve abcdefghijklmnopqrstuvwxyz012345",
	  "vendor approve handle=abcdefghijklmnopqrstuvwxyz012345" },
	/* case open */
	{ "case open \"Buffer overflow in FooHTTP\"",
	  "case open value=Buffer overflow in FooHTTP" },
	{ "case open \"T\" single-vendor reporter \"Alice <a@x.example>\" "
	  "date 2027-01-20",
	  "case open value=T when=2027-01-20 reporter=Alice <a@x.example> "
	  "single-vendor" },
	{ "case open Title date 2027-01-20T11:00+09:00 SINGLE-VENDOR",
	  "case open value=Title when=2027-01-20T11:00+09:00 single-vendor" },
	/* case ID ... */
	{ "case " ID " summary \"one\\ntwo\"",
	  "case summary id=" ID " value=one\\ntwo" },
	{ "case " ID " summary <<EOF\nline1\n  # not a comment \"q\n\n"
	  "-- \nthanks\nEOF\n",
	  "case summary id=" ID " value=line1\\n  # not a comment \"q\\n\\n"
	  "-- \\nthanks\\n" },
	{ "case " ID " detail <<'END_1'\n\tcode();\nEND_1",
	  "case detail id=" ID " value=\tcode();\\n" },
	{ "case " ID " notify keywords httpd",
	  "case notify keywords id=" ID " list=httpd" },
	{ "case " ID " notify vendors acme,globex force",
	  "case notify vendors id=" ID " list=acme,globex force" },
	{ "case " ID " disclose acme", "case disclose id=" ID " handle=acme" },
	{ "case " ID " date 2027-01-20T11:00+09:00 reason \"vendor fix "
	  "train\"",
	  "case date id=" ID " value=vendor fix train "
	  "when=2027-01-20T11:00+09:00" },
	{ "case " ID " date 2028-02-29",
	  "case date id=" ID " when=2028-02-29" },
	{ "case " ID " date 2000-02-29T23:59:59Z",
	  "case date id=" ID " when=2000-02-29T23:59:59Z" },
	{ "case " ID " date 2027-12-31T00:00-03:30",
	  "case date id=" ID " when=2027-12-31T00:00-03:30" },
	{ "case " ID " early sectors finance,Electricity,finance",
	  "case early sectors id=" ID " list=finance,electricity" },
	{ "case " ID " early sectors telecom,finance,aviation,railway,"
	  "electricity,gas,medical,water,logistics",
	  "case early sectors id=" ID " list=telecom,finance,aviation,"
	  "railway,electricity,gas,medical,water,logistics" },
	{ "case " ID " share approve 3",
	  "case share approve id=" ID " number=3" },
	{ "case " ID " share approve 999999999",
	  "case share approve id=" ID " number=999999999" },
	{ "case " ID " status acme affected comment \"fixed in 2.4.1\"",
	  "case status id=" ID " handle=acme value=fixed in 2.4.1 "
	  "status=affected" },
	{ "case " ID " status acme Not-Affected-Investigating",
	  "case status id=" ID " handle=acme "
	  "status=not-affected-investigating" },
	{ "case " ID " status acme unknown",
	  "case status id=" ID " handle=acme status=unknown" },
	{ "case " ID " leak \"details posted on a public forum\"",
	  "case leak id=" ID " value=details posted on a public forum" },
	{ "case " ID " leak \"posted\" date 2027-01-05",
	  "case leak id=" ID " value=posted when=2027-01-05" },
	{ "case " ID " unreachable globex",
	  "case unreachable id=" ID " handle=globex" },
	{ "case " ID " publish", "case publish id=" ID },
	{ "case " ID " publish now", "case publish id=" ID " now" },
	{ "case " ID " show", "case show id=" ID },
	/* vulturectl order */
	{ "case show " ID, "case show id=" ID },
	{ "case date " ID " 2027-01-20",
	  "case date id=" ID " when=2027-01-20" },
	{ "case notify " ID " vendors acme",
	  "case notify vendors id=" ID " list=acme" },
	{ "case share " ID " approve 2",
	  "case share approve id=" ID " number=2" },
	{ "CASE Publish " ID " NOW", "case publish id=" ID " now" },
	/* quotes, escapes, comments, whitespace */
	{ "case " ID " show # a comment with \"quotes",
	  "case show id=" ID },
	{ "case " ID " show #", "case show id=" ID },
	{ "case " ID " leak \"a # b\" # c", "case leak id=" ID " value=a # b" },
	{ "case " ID " leak \"say \\\"hi\\\" \\\\ C:\\dir\\x\"",
	  "case leak id=" ID " value=say \"hi\" \\ C:\\dir\\x" },
	{ "case " ID " leak \"tab\there\"",
	  "case leak id=" ID " value=tab\there" },
	{ "\t  case  " ID "\tshow  \t", "case show id=" ID },
	{ "case\xe3\x80\x80" ID "\xc2\xa0show\xe3\x80\x80",
	  "case show id=" ID },
	{ "\xef\xbb\xbf" "case " ID " show", "case show id=" ID },
	{ "case " ID " show\xc2\xa0\xc2\xa0", "case show id=" ID },
	/* CRLF */
	{ "case " ID " summary <<EOF\r\na\r\n b\r\nEOF\r\n",
	  "case summary id=" ID " value=a\\n b\\n" },
	{ "\r\ncase " ID " show\r\n", "case show id=" ID },
	/* terminator with surrounding blanks, comment after the marker */
	{ "case " ID " summary <<EOF # the summary\nx\n  EOF \n",
	  "case summary id=" ID " value=x\\n" },
};

START_TEST(test_ok)
{
	struct cmd_block *b;

	b = parse(ok_tests[_i].input);
	assert_one(b, ok_tests[_i].want);
	ck_assert_uint_eq(cmd_at(b, 0)->line,
	    ok_tests[_i].input[0] == '\r' ? 2 : 1);
	cmd_block_free(&b);
	ck_assert_ptr_null(b);
}
END_TEST

/* ---- one bad line ---- */

static const struct {
	const char *input;
	unsigned nerrors;
	unsigned line;
	const char *message;	/* substring of the first error */
} error_tests[] = {
	{ "frobnicate x", 1, 1, "unknown command 'frobnicate'" },
	{ "Thanks, Alice", 1, 1, "unknown command 'Thanks,'" },
	{ "vendor", 1, 1, "vendor: missing command" },
	{ "vendor frob acme", 1, 1, "vendor: unknown command 'frob'" },
	{ "vendor add ACME A general a@b.example", 1, 1,
	  "vendor add: bad handle 'ACME'" },
	{ "vendor approve 9acme", 1, 1, "bad handle '9acme'" },
	{ "vendor approve acme!", 1, 1, "bad handle" },
	{ "vendor approve abcdefghijklmnopqrstuvwxyz0123456", 1, 1,
	  "bad handle" },
	{ "vendor add acme A general not-an-address", 1, 1,
	  "bad address 'not-an-address'" },
	{ "vendor add acme A general a@localhost", 1, 1, "bad address" },
	{ "vendor add acme A general <a@b.example>", 1, 1, "bad address" },
	{ "vendor add acme A general a@b..example", 1, 1, "bad address" },
	{ "vendor add acme A general a@@b.example", 1, 1, "bad address" },
	{ "vendor add acme A general .a@b.example", 1, 1, "bad address" },
	{ "vendor add acme A general a@-b.example", 1, 1, "bad address" },
	{ "vendor add acme A general \"a b@c.example\"", 1, 1,
	  "bad address" },
	{ "vendor add acme A general a@b.example(x)", 1, 1, "bad address" },
	{ "vendor add acme A corporate a@b.example", 1, 1,
	  "bad registration 'corporate' (general, individual, early)" },
	{ "case JVNVU#12345678 advisory colour \"x\"", 2, 1,
	  "unknown field 'colour'" },
	{ "vendor add acme A general a@b.example lang fr", 1, 1,
	  "bad lang 'fr' (en, ja)" },
	{ "vendor add acme A general a@b.example keywords", 1, 1,
	  "missing LIST after keywords" },
	{ "vendor add acme A general a@b.example keywords x keywords y", 1, 1,
	  "keywords given twice" },
	{ "vendor add acme A general a@b.example lang en lang ja", 1, 1,
	  "lang given twice" },
	{ "vendor add acme", 1, 1, "vendor add: missing NAME" },
	{ "vendor add acme A", 1, 1, "missing general or individual" },
	{ "vendor add acme A general", 1, 1, "missing ADDRESS" },
	/* Several bad values on one line: each reported. */
	{ "vendor add ACME \"\" other bad", 4, 1, "bad handle" },
	{ "vendor add acme \"a\\nb\" general a@b.example", 1, 1,
	  "NAME must be one line" },
	{ "vendor keywords acme a,,b", 1, 1, "empty item in LIST" },
	{ "vendor keywords acme a,", 1, 1, "empty item in LIST" },
	{ "vendor keywords acme \"\"", 1, 1, "empty LIST" },
	{ "vendor keywords acme \" , \"", 1, 1, "empty item in LIST" },
	{ "case " ID " detail <<EOF\nEOF\n", 1, 1,
	  "case detail: empty detail" },
	{ "case " ID " summary <<EOF\n \n\t\nEOF\n", 1, 1, "empty summary" },
	{ "vendor keywords acme a;b,c=d", 1, 1,
	  "bad keywords 'a;b', 'c=d'" },
	{ "vendor keywords acme", 1, 1, "missing LIST" },
	{ "vendor approve acme extra", 1, 1,
	  "vendor approve: unexpected argument 'extra'" },
	{ "vendor approve", 1, 1, "vendor approve: missing HANDLE" },
	{ "vendor key acme key.asc", 1, 1, "unexpected argument 'key.asc'" },
	{ "vendor key acme confirm " FPR40 "0123456789ABCDEF01234567", 1, 1,
	  "bad fingerprint '0123456789ABCDEF0123456789ABCDEF0123456701234567"
	  "...' (a v5/v6 fingerprint (64 digits): only v4 keys" },
	{ "vendor key acme confirm 0123456789ABCDEF", 1, 1,
	  "(not 40 hex digits)" },
	{ "case " ID " share confirm 1 " FPR40 "g", 1, 1,
	  "(not a hex digit in it)" },
	/* Keyword and sector rules are ident.h's: '_' is a keyword's. */
	{ "case " ID " early sectors telecom,space", 1, 1,
	  "unknown sector 'space' (telecom, finance, aviation, railway, "
	  "electricity, gas, medical, water, logistics)" },
	{ "vendor approve acme | vendor suspend acme", 1, 1,
	  "unexpected argument '|'" },
	/* dates */
	{ "case " ID " date 2027-02-29", 1, 1, "bad date '2027-02-29'" },
	{ "case " ID " date 1900-02-29", 1, 1, "bad date" },
	{ "case " ID " date 2027-13-01", 1, 1, "bad date" },
	{ "case " ID " date 2027-04-31", 1, 1, "bad date" },
	{ "case " ID " date 2027-1-2", 1, 1, "bad date" },
	{ "case " ID " date 2027-01-20T24:00", 1, 1, "bad date" },
	{ "case " ID " date 2027-01-20T11:60", 1, 1, "bad date" },
	{ "case " ID " date 2027-01-20T11:00:60", 1, 1, "bad date" },
	{ "case " ID " date 2027-01-20T11:00+15:00", 1, 1, "bad date" },
	{ "case " ID " date 2027-01-20T11:00+0900", 1, 1, "bad date" },
	{ "case " ID " date 2027-01-20T11", 1, 1, "bad date" },
	{ "case " ID " date 2027-01-20t11:00", 1, 1, "bad date" },
	{ "case " ID " date 2027-01-20T11:00ZZ", 1, 1, "bad date" },
	{ "case " ID " date 2027/01/20", 1, 1, "bad date" },
	{ "case " ID " date 2027-01-20 11:00", 1, 1,
	  "unexpected argument '11:00'" },
	{ "case " ID " date", 1, 1, "case date: missing WHEN" },
	{ "case " ID " date 2027-01-20 reason", 1, 1,
	  "missing TEXT after reason" },
	{ "case " ID " date 2027-01-20 reason a reason b", 1, 1,
	  "reason given twice" },
	{ "case open T date tomorrow", 1, 1, "case open: bad date 'tomorrow'" },
	/* lists, sectors, statuses, numbers */
	{ "case " ID " early sectors finance,space,moon", 1, 1,
	  "unknown sectors 'space', 'moon'" },
	{ "case " ID " early sectors", 1, 1, "missing LIST of sectors" },
	{ "case " ID " early vendors x", 1, 1,
	  "early: expected sectors, not 'vendors'" },
	{ "case " ID " early", 1, 1, "early: missing sectors" },
	{ "case " ID " notify x", 1, 1,
	  "notify: expected keywords or vendors, not 'x'" },
	{ "case " ID " notify vendors ACME,globex", 1, 1,
	  "bad handle 'ACME'" },
	{ "case " ID " notify keywords a b", 1, 1, "unexpected argument 'b'" },
	{ "case " ID " notify keywords a force force", 1, 1,
	  "unexpected argument 'force'" },
	{ "case " ID " share approve 0", 1, 1, "bad number '0'" },
	{ "case " ID " share approve -1", 1, 1, "bad number" },
	{ "case " ID " share approve 03", 1, 1, "bad number" },
	{ "case " ID " share approve 1234567890", 1, 1, "bad number" },
	{ "case " ID " share approve 3x", 1, 1, "bad number" },
	{ "case " ID " share 3", 1, 1, "share: expected approve or confirm, not '3'" },
	{ "case " ID " status acme fixed", 1, 1,
	  "bad status 'fixed' (affected, affected-investigating" },
	{ "case " ID " status acme", 1, 1, "missing STATUS" },
	{ "case " ID " status acme affected comment", 1, 1,
	  "missing TEXT after comment" },
	{ "case " ID " leak", 1, 1, "case leak: missing REASON" },
	{ "case " ID " leak \"\"", 1, 1, "empty reason" },
	{ "case " ID " leak \"  \"", 1, 1, "empty reason" },
	{ "case " ID " leak x date 2027-02-30", 1, 1, "bad date" },
	{ "case " ID " publish later", 1, 1,
	  "case publish: unexpected argument 'later'" },
	{ "case " ID " show extra", 1, 1, "unexpected argument 'extra'" },
	{ "case " ID " disclose", 1, 1, "missing HANDLE" },
	{ "case " ID " summary", 1, 1, "missing TEXT" },
	/* case ids and verbs */
	{ "case JVNVU#1234 show", 1, 1, "case: bad case id 'JVNVU#1234'" },
	{ "case show JVNVU#1234", 1, 1, "case: bad case id 'JVNVU#1234'" },
	{ "case show", 1, 1, "case: show: missing case id" },
	{ "case", 1, 1, "case: missing case id and command" },
	{ "case " ID, 1, 1, "missing command after the case id" },
	{ "case " ID " frob", 1, 1, "case: unknown command 'frob'" },
	{ "case " ID " open \"T\"", 1, 1, "case: unknown command 'open'" },
	{ "case foo bar", 1, 1, "expected a case id or a command, not 'foo'" },
	{ "case open", 1, 1, "case open: missing TITLE" },
	{ "case open \"\"", 1, 1, "empty TITLE" },
	{ "case open \"a\tb\"", 1, 1, "control character in TITLE" },
	{ "case open T --single-vendor", 1, 1,
	  "unexpected argument '--single-vendor'" },
	{ "case open T single-vendor single-vendor", 1, 1,
	  "single-vendor given twice" },
	/* tokens */
	{ "case " ID " leak \"abc", 1, 1, "unterminated quoted string" },
	{ "case " ID " leak \"abc\\\"", 1, 1, "unterminated quoted string" },
	{ "case " ID " leak \"abc\"def", 1, 1, "a space must follow" },
	{ "case " ID " leak \"abc\"#def", 1, 1, "a space must follow" },
	{ "case " ID " leak ab\"c\"", 1, 1, "'\"' inside a word" },
	{ "case " ID " show\x01", 1, 1, "control character in line" },
	{ "case " ID " leak \"a\xc2\x85" "b\"", 1, 1,
	  "control character in line" },
	{ "case " ID " leak \"a\x7f\"", 1, 1, "control character in line" },
	{ "case " ID " leak a\rb", 1, 1, "control character in line" },
	/* direction controls and zero-width spaces, anywhere on the line,
	 * with the character and where it is */
	{ "case open \"not \xe2\x80\xae" "detceffa\"", 1, 1,
	  "control character in line (U+202E at character 16)" },
	{ "case open \"a\xe2\x81\xa6" "b\"", 1, 1, "U+2066" },
	{ "case open \"a\xe2\x80\x8b" "b\"", 1, 1, "U+200B" },
	{ "case open \"a\xef\xbb\xbf" "b\"", 1, 1, "U+FEFF" },
	{ "case open \"\xd8\x9c" "b\"", 1, 1, "U+061C" },
	{ "case open \"\x1b[2J\"", 1, 1,
	  "control character in line (U+001B at character 12)" },
	/* here-documents */
	{ "case " ID " summary <<EOF\nabc\n", 1, 1,
	  "here-document not terminated (no line 'EOF' after line 1)" },
	{ "case " ID " summary <<EOF\nabc\nEOFX\n", 1, 1,
	  "not terminated" },
	{ "case " ID " summary <<EOF now\nabc\nEOF\n", 1, 1,
	  "here-document marker must be the last argument" },
	{ "case " ID " summary <<1EOF", 1, 1, "bad here-document marker" },
	{ "case " ID " summary <<'EOF", 1, 1, "bad here-document marker" },
	{ "case " ID " summary <<", 1, 1, "bad here-document marker" },
	{ "case " ID " summary <<E-F", 1, 1, "bad here-document marker" },
	{ "case open <<EOF\nTitle\nEOF", 1, 1, "TITLE must be one line" },
	{ "case " ID " disclose <<EOF\nacme\nEOF", 1, 1,
	  "HANDLE cannot be a here-document" },
	{ "case " ID " show <<EOF\na\tb\n\x7f\nEOF", 1, 1,
	  "control character in here-document line 3" },
	{ "case " ID " show <<EOF\na\tb\nEOF", 1, 1,
	  "unexpected argument 'a\\tb\\n'" },
	{ "case " ID " summary <<EOF\na\x07" "b\nEOF", 1, 1,
	  "control character in here-document line 2 (U+0007 at character "
	  "2)" },
	{ "case " ID " summary <<EOF\nok\n\xe2\x80\x8f\nEOF", 1, 1,
	  "control character in here-document line 3 (U+200F" },
	{ "case " ID " summary <<EOF\n\n\n", 1, 1, "not terminated" },
	/* a failed line's here-document is skipped, not read as commands */
	{ "case " ID " leak \"x <<EOF\nbody line\nEOF\n", 1, 1,
	  "unterminated" },
	{ "case " ID "\x01 summary <<EOF\nbody line\nEOF\n", 1, 1,
	  "control character" },
	{ "case " ID " leak \"x <<EOF\nbody line\n", 2, 1, "unterminated" },
	{ "case " ID " leak \"x <<EOF\nbody\x01line\nEOF\n", 1, 1,
	  "unterminated" },
	/* attribution lines only before quoted text */
	{ "On Monday Alice wrote:\n", 1, 1, "unknown command 'On'" },
	{ "vendor approve acme:\n> x\n", 1, 1, "bad handle 'acme:'" },
};

START_TEST(test_error)
{
	struct cmd_block *b = parse(error_tests[_i].input);
	char *errs = errors_str(b);

	ck_assert_msg(b->errors->len == error_tests[_i].nerrors,
	    "'%s': want %u errors, got %s", error_tests[_i].input,
	    error_tests[_i].nerrors, errs);
	assert_error(b, 0, error_tests[_i].line, error_tests[_i].message);
	ck_assert_uint_eq(b->cmds->len, 0);
	g_free(errs);
	cmd_block_free(&b);
}
END_TEST

/* ---- blocks ---- */

START_TEST(test_block_errors_all_reported)
{
	const char *text =
	    "# commands for " ID "\n"				/* 1 */
	    "case " ID " notify keywords httpd\n"		/* 2 */
	    "case " ID " date 2027-02-29\n"			/* 3 */
	    "\n"						/* 4 */
	    "case " ID " summary <<EOF\n"			/* 5 */
	    "frob this is body\n"				/* 6 */
	    "EOF\n"						/* 7 */
	    "vendor add ACME \"A\" general nowhere\n"		/* 8 */
	    "case " ID " early sectors space\n"			/* 9 */
	    "case " ID " leak \"unterminated\n"			/* 10 */
	    "case " ID " show\n"				/* 11 */
	    "bogus\n";						/* 12 */
	struct cmd_block *b = parse(text);
	char *d;

	ck_assert_uint_eq(b->errors->len, 6);
	assert_error(b, 0, 3, "bad date");
	ck_assert_str_eq(error_at(b, 0)->text, "case " ID " date 2027-02-29");
	assert_error(b, 1, 8, "bad handle");
	assert_error(b, 2, 8, "bad address");
	assert_error(b, 3, 9, "unknown sector 'space'");
	assert_error(b, 4, 10, "unterminated");
	assert_error(b, 5, 12, "unknown command 'bogus'");
	ck_assert_uint_eq(b->cmds->len, 3);
	ck_assert_uint_eq(cmd_at(b, 0)->line, 2);
	ck_assert_uint_eq(cmd_at(b, 1)->line, 5);
	ck_assert_str_eq(cmd_at(b, 1)->text,
	    "case " ID " summary <<EOF (1 line)");
	ck_assert_uint_eq(cmd_at(b, 2)->line, 11);
	d = describe(cmd_at(b, 1));
	ck_assert_str_eq(d,
	    "case summary id=" ID " value=frob this is body\\n");
	g_free(d);
	ck_assert_uint_eq(b->end_line, 0);
	cmd_block_free(&b);
}
END_TEST

START_TEST(test_block_heredoc_echo)
{
	struct cmd_block *b = parse("case " ID " detail <<EOF # the detail\n"
	    "a\n\nb\nEOF\ncase " ID " summary <<X\nx\nX\n");

	ck_assert_uint_eq(b->errors->len, 0);
	ck_assert_uint_eq(b->cmds->len, 2);
	ck_assert_str_eq(cmd_at(b, 0)->text,
	    "case " ID " detail <<EOF (3 lines) # the detail");
	ck_assert_str_eq(cmd_at(b, 1)->text,
	    "case " ID " summary <<X (1 line)");
	ck_assert_uint_eq(cmd_at(b, 1)->line, 6);
	cmd_block_free(&b);
}
END_TEST

START_TEST(test_block_missing_terminator_error_line)
{
	struct cmd_block *b = parse("case " ID " show\n\ncase " ID
	    " summary <<EOF\nabc\nthanks\n-- \nsig\n");

	ck_assert_uint_eq(b->errors->len, 1);
	assert_error(b, 0, 3, "not terminated");
	ck_assert_str_eq(error_at(b, 0)->text, "case " ID " summary <<EOF");
	ck_assert_uint_eq(b->cmds->len, 1);
	ck_assert_uint_eq(b->end_line, 0);
	cmd_block_free(&b);
}
END_TEST

static const struct {
	const char *input;
	unsigned end_line;
	unsigned ncmds;
	unsigned nerrors;
} cut_tests[] = {
	{ "case " ID " show\nthanks\ncase " ID " bogus\n", 2, 1, 0 },
	{ "case " ID " show\nThanks!\nbogus\n", 2, 1, 0 },
	{ "case " ID " show\n  THANKS.  \nbogus\n", 2, 1, 0 },
	{ "case " ID " show\nthanks!!,~\nbogus\n", 2, 1, 0 },
	{ "case " ID " show\nquit\nbogus\n", 2, 1, 0 },
	{ "case " ID " show\nQuit.\nbogus\n", 2, 1, 0 },
	{ "case " ID " show\n-- \nAlice\n", 2, 1, 0 },
	{ "case " ID " show\r\n--\r\nAlice\r\n", 2, 1, 0 },
	{ "thanks\ncase " ID " show\n", 1, 0, 0 },
	{ "case " ID " show\nthanks a lot\n", 0, 1, 1 },
	{ "case " ID " show\nthanksgiving\n", 0, 1, 1 },
	{ "case " ID " show\n---\n", 0, 1, 1 },
	/* quoted replies and attributions */
	{ "> case " ID " bogus\n  > more\ncase " ID " show\n", 0, 1, 0 },
	{ "case " ID " show\n\nOn Mon, Jan 4, 2027 Alice <a@x.example> "
	  "wrote:\n> case " ID " bogus\n> -- \n", 0, 1, 0 },
	{ "case " ID " show\n2027年1月4日(月) Alice <a@x.example>:\n\n"
	  "> old\n", 0, 1, 0 },
	{ "case " ID " show\nAlice wrote\xef\xbc\x9a\n> old\n", 0, 1, 0 },
	/* a here-document body is never a cut */
	{ "case " ID " summary <<EOF\nthanks\n-- \n> q\nEOF\ncase " ID
	  " show\n", 0, 2, 0 },
	/* empty blocks */
	{ "", 0, 0, 0 },
	{ "   \n\n\t\n# only a comment\n", 0, 0, 0 },
	{ "\r\n\r\n", 0, 0, 0 },
	{ "-- \nvendor add\n", 1, 0, 0 },
};

START_TEST(test_cut)
{
	struct cmd_block *b = parse(cut_tests[_i].input);
	char *errs = errors_str(b);

	ck_assert_msg(b->errors->len == cut_tests[_i].nerrors, "%s", errs);
	ck_assert_uint_eq(b->cmds->len, cut_tests[_i].ncmds);
	ck_assert_uint_eq(b->end_line, cut_tests[_i].end_line);
	g_free(errs);
	cmd_block_free(&b);
}
END_TEST

START_TEST(test_empty_null)
{
	struct cmd_block *b = parse_len(NULL, 0);

	ck_assert_uint_eq(b->cmds->len, 0);
	ck_assert_uint_eq(b->errors->len, 0);
	cmd_block_free(&b);
	cmd_block_free(&b);
	cmd_block_free(NULL);
}
END_TEST

/* ---- input refusal ---- */

START_TEST(test_refused)
{
	char *big;

	ck_assert_str_eq(parse_fail("case \xff show", 11),
	    "input is not valid UTF-8");
	ck_assert_str_eq(parse_fail("case \xe3\x80 show", 12),
	    "input is not valid UTF-8");
	ck_assert_str_eq(parse_fail("case " ID " show\n\xed\xa0\x80",
	    sizeof("case " ID " show\n\xed\xa0\x80") - 1),
	    "input is not valid UTF-8");
	ck_assert_str_eq(parse_fail("case\0show", 9),
	    "input contains a NUL byte");
	ck_assert_str_eq(parse_fail(NULL, 3), "no input");
	big = g_malloc(CMD_MAX_INPUT + 1);
	memset(big, '\n', CMD_MAX_INPUT + 1);
	ck_assert_str_eq(parse_fail(big, CMD_MAX_INPUT + 1),
	    "input too large");
	g_free(big);
}
END_TEST

/* ---- limits ---- */

START_TEST(test_limit_input)
{
	GString *s = g_string_new("case " ID " show\n");
	struct cmd_block *b;

	while (s->len < CMD_MAX_INPUT)
		g_string_append_c(s, '\n');
	b = parse_len(s->str, CMD_MAX_INPUT);
	ck_assert_uint_eq(b->cmds->len, 1);
	cmd_block_free(&b);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_limit_line)
{
	GString *s = g_string_new("case " ID " show");
	struct cmd_block *b;

	while (s->len < CMD_MAX_LINE)
		g_string_append_c(s, ' ');
	g_string_append(s, "\r\n");
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 0);
	ck_assert_uint_eq(b->cmds->len, 1);
	cmd_block_free(&b);

	g_string_insert_c(s, 0, ' ');
	g_string_append(s, "case " ID " show\n");
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 1);
	assert_error(b, 0, 1, "line longer than 8192 bytes");
	ck_assert_uint_eq(b->cmds->len, 1);
	ck_assert_uint_eq(cmd_at(b, 0)->line, 2);
	cmd_block_free(&b);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_limit_line_heredoc)
{
	GString *s = g_string_new("case " ID " summary <<EOF\n");
	struct cmd_block *b;
	guint i;

	for (i = 0; i < CMD_MAX_LINE + 1; i++)
		g_string_append_c(s, 'x');
	g_string_append(s, "\nEOF\ncase " ID " show\n");
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 1);
	assert_error(b, 0, 1, "here-document line 2 longer than 8192 bytes");
	ck_assert_uint_eq(b->cmds->len, 1);
	cmd_block_free(&b);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_limit_commands)
{
	GString *s = g_string_new(NULL);
	struct cmd_block *b;
	guint i;

	for (i = 0; i < CMD_MAX_COMMANDS; i++)
		g_string_append(s, "case " ID " show\n# comment\n\n");
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 0);
	ck_assert_uint_eq(b->cmds->len, CMD_MAX_COMMANDS);
	cmd_block_free(&b);

	g_string_append(s, "case " ID " show\ncase " ID " bogus\n");
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 2);
	assert_error(b, 0, 3 * CMD_MAX_COMMANDS + 1,
	    "more than 100 commands");
	assert_error(b, 1, 3 * CMD_MAX_COMMANDS + 2, "unknown command");
	ck_assert_uint_eq(b->cmds->len, CMD_MAX_COMMANDS);
	cmd_block_free(&b);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_limit_tokens)
{
	GString *s = g_string_new("case " ID " show");
	struct cmd_block *b;
	guint i;

	for (i = 3; i < CMD_MAX_TOKENS; i++)
		g_string_append(s, " x");
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 1);
	assert_error(b, 0, 1, "unexpected argument 'x'");
	cmd_block_free(&b);

	g_string_append(s, " x");
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 1);
	assert_error(b, 0, 1, "more than 64 arguments on a line");
	cmd_block_free(&b);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_limit_heredoc)
{
	GString *s = g_string_new("case " ID " detail <<EOF\n");
	struct cmd_block *b;
	guint i;

	/* 512 lines of 1023 bytes and a newline: exactly the limit. */
	for (i = 0; i < CMD_MAX_HEREDOC / 1024; i++) {
		g_string_append_printf(s, "%01023u\n", i);
	}
	g_string_append(s, "EOF\n");
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 0);
	ck_assert_uint_eq(strlen(cmd_at(b, 0)->value), CMD_MAX_HEREDOC);
	ck_assert_str_eq(cmd_at(b, 0)->text,
	    "case " ID " detail <<EOF (512 lines)");
	cmd_block_free(&b);

	g_string_insert_c(s, strlen("case " ID " detail <<EOF\n"), 'x');
	g_string_append(s, "case " ID " show\n");
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 1);
	assert_error(b, 0, 1, "here-document longer than 524288 bytes");
	ck_assert_uint_eq(b->cmds->len, 1);
	ck_assert_uint_eq(cmd_at(b, 0)->line, 515);
	cmd_block_free(&b);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_limit_values)
{
	GString *s = g_string_new("case open \"");
	struct cmd_block *b;
	guint i;

	/* 171 three-byte characters: 513 bytes. */
	for (i = 0; i < CMD_MAX_TITLE / 3 + 1; i++)
		g_string_append(s, "\xe3\x81\x82");
	g_string_append_c(s, '"');
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 1);
	assert_error(b, 0, 1, "TITLE longer than 512 bytes");
	cmd_block_free(&b);
	g_string_free(s, TRUE);

	s = g_string_new("case open \"");
	for (i = 0; i < CMD_MAX_TITLE; i++)
		g_string_append_c(s, 'a');
	g_string_append_c(s, '"');
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 0);
	cmd_block_free(&b);
	g_string_free(s, TRUE);

	s = g_string_new("case " ID " leak \"");
	for (i = 0; i < CMD_MAX_REASON + 1; i++)
		g_string_append_c(s, 'a');
	g_string_append_c(s, '"');
	b = parse(s->str);
	assert_error(b, 0, 1, "reason longer than 1024 bytes");
	cmd_block_free(&b);
	g_string_free(s, TRUE);

	s = g_string_new("vendor keywords acme k0");
	for (i = 1; i < CMD_MAX_LIST; i++)
		g_string_append_printf(s, ",k%u", i);
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, 0);
	ck_assert_uint_eq(cmd_at(b, 0)->list->len, CMD_MAX_LIST);
	cmd_block_free(&b);
	g_string_append(s, ",k64");
	b = parse(s->str);
	assert_error(b, 0, 1, "more than 64 items in LIST");
	cmd_block_free(&b);
	g_string_free(s, TRUE);

	s = g_string_new("vendor keywords acme ");
	for (i = 0; i < CMD_MAX_ITEM + 1; i++)
		g_string_append_c(s, 'k');
	b = parse(s->str);
	assert_error(b, 0, 1, "bad keyword");
	cmd_block_free(&b);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_limit_errors)
{
	GString *s = g_string_new(NULL);
	struct cmd_block *b;
	guint i;

	for (i = 0; i < CMD_MAX_ERRORS + 50; i++)
		g_string_append(s, "bogus\n");
	b = parse(s->str);
	ck_assert_uint_eq(b->errors->len, CMD_MAX_ERRORS);
	/* 150 unknown commands and "more than 100 commands". */
	ck_assert_uint_eq(b->errors_dropped, 51);
	assert_error(b, CMD_MAX_ERRORS - 1, CMD_MAX_ERRORS, "bogus");
	cmd_block_free(&b);
	g_string_free(s, TRUE);
}
END_TEST

/* ---- is_case_id NULL: any printable word is an id ---- */

START_TEST(test_default_case_id)
{
	struct cmd_block *b = NULL;
	const char *error = NULL;
	const char *text = "case VU#123 show\ncase show X-1\ncase show show\n"
	    "case \"a b\" show\n";
	char *d;

	ck_assert_int_eq(cmd_parse(text, strlen(text), NULL, NULL, &b,
	    &error), 0);
	ck_assert_uint_eq(b->cmds->len, 3);
	d = describe(cmd_at(b, 0));
	ck_assert_str_eq(d, "case show id=VU#123");
	g_free(d);
	d = describe(cmd_at(b, 1));
	ck_assert_str_eq(d, "case show id=X-1");
	g_free(d);
	d = describe(cmd_at(b, 2));
	ck_assert_str_eq(d, "case show id=show");
	g_free(d);
	ck_assert_uint_eq(b->errors->len, 1);
	assert_error(b, 0, 4, "bad case id 'a b'");
	cmd_block_free(&b);
}
END_TEST

/* ---- argv form ---- */

#define ARGV(...) ((const char *[]){ __VA_ARGS__, NULL })

static const struct {
	const char *const *argv;
	const char *want;	/* describe(), or NULL for an error */
	const char *message;	/* error substring, or the echo */
} argv_tests[] = {
	{ ARGV("case", "open", "Title", "--single-vendor", "--reporter",
	  "Alice", "--date", "2027-01-20", "--summary", "s.txt", "--detail",
	  "-", "--attach", "a.bin", "--attach", "b.bin"),
	  "case open value=Title when=2027-01-20 reporter=Alice "
	  "summary_file=s.txt detail_file=- attach=a.bin,b.bin single-vendor",
	  "case open Title --single-vendor --reporter Alice --date "
	  "2027-01-20 --summary s.txt --detail - --attach a.bin --attach "
	  "b.bin" },
	{ ARGV("case", "open", "--single-vendor", "Title with spaces",
	  "reporter", "Bob"),
	  "case open value=Title with spaces reporter=Bob single-vendor",
	  "case open --single-vendor \"Title with spaces\" reporter Bob" },
	{ ARGV("case", "open", "--", "--title"),
	  "case open value=--title", "case open -- --title" },
	{ ARGV("vendor", "key", "acme", "key.asc"),
	  "vendor key handle=acme file=key.asc", "vendor key acme key.asc" },
	{ ARGV("vendor", "key", "acme"), "vendor key handle=acme",
	  "vendor key acme" },
	{ ARGV("vendor", "add", "acme", "ACME Corp", "general",
	  "a@acme.example", "--lang", "ja", "--keywords", "httpd,tls"),
	  "vendor add handle=acme name=ACME Corp reg=general "
	  "addr=a@acme.example lang=ja list=httpd,tls", NULL },
	{ ARGV("case", "summary", ID, "-"),
	  "case summary id=" ID " file=-", "case summary " ID " -" },
	{ ARGV("case", ID, "detail", "d.txt", "--attach", "x.pcap"),
	  "case detail id=" ID " file=d.txt attach=x.pcap", NULL },
	{ ARGV("case", "date", ID, "2027-01-20", "--reason",
	  "vendor \"fix\"\ntrain"),
	  "case date id=" ID " value=vendor \"fix\"\\ntrain when=2027-01-20",
	  "case date " ID " 2027-01-20 --reason "
	  "\"vendor \\\"fix\\\"\\ntrain\"" },
	{ ARGV("case", "notify", ID, "vendors", "acme", "--force"),
	  "case notify vendors id=" ID " list=acme force", NULL },
	{ ARGV("case", "publish", ID, "--now"), "case publish id=" ID " now",
	  NULL },
	{ ARGV("case", "leak", ID, "# not a comment"),
	  "case leak id=" ID " value=# not a comment",
	  "case leak " ID " \"# not a comment\"" },
	{ ARGV("case", "leak", ID, "<<EOF"), "case leak id=" ID " value=<<EOF",
	  "case leak " ID " \"<<EOF\"" },
	/* errors */
	{ ARGV("case", "show", ID, "#x"), NULL,
	  "case show: unexpected argument '#x'" },
	{ ARGV("case", "status", ID, "acme", "fixed"), NULL,
	  "bad status 'fixed'" },
	{ ARGV("case", "open", "T", "--frob"), NULL,
	  "unexpected argument '--frob'" },
	{ ARGV("case", "open", "T", "--date"), NULL,
	  "missing WHEN after date" },
	{ ARGV("case", "summary", ID), NULL, "case summary: missing FILE" },
	{ ARGV("case", "summary", ID, ""), NULL, "empty FILE" },
	{ ARGV("case", "summary", ID, "a", "--attach", "b"), NULL,
	  "unexpected argument '--attach'" },
	{ ARGV("case", "leak", ID, "a\x01" "b"), NULL,
	  "control character in argument 4 (U+0001 at character 2)" },
	{ ARGV("case", "open", "\xe3\x81\x82\xe2\x80\xae"), NULL,
	  "control character in argument 3 (U+202E at character 2)" },
	{ ARGV("case", "open", "a\nb"), NULL, "TITLE must be one line" },
	{ ARGV("case", "leak", ID, "a\xc2\x9b" "2J"), NULL,
	  "control character in argument 4 (U+009B at character 2)" },
	{ ARGV("frob"), NULL, "unknown command 'frob'" },
	{ ARGV("case", "summary", ID, "a\tb"), NULL,
	  "control character in FILE" },
};

START_TEST(test_argv)
{
	const char *const *argv = argv_tests[_i].argv;
	struct cmd_block *b = NULL;
	const char *error = NULL;
	char *errs, *d;
	int argc;

	for (argc = 0; argv[argc] != NULL; argc++)
		;
	ck_assert_int_eq(cmd_parse_argv(argc, (char **)argv, is_jvnvu, NULL,
	    &b, &error), 0);
	errs = errors_str(b);
	if (argv_tests[_i].want != NULL) {
		ck_assert_msg(b->errors->len == 0, "%s", errs);
		ck_assert_uint_eq(b->cmds->len, 1);
		d = describe(cmd_at(b, 0));
		ck_assert_str_eq(d, argv_tests[_i].want);
		g_free(d);
		ck_assert_uint_eq(cmd_at(b, 0)->line, 1);
		if (argv_tests[_i].message != NULL)
			ck_assert_str_eq(cmd_at(b, 0)->text,
			    argv_tests[_i].message);
	} else {
		ck_assert_msg(b->errors->len == 1, "%s", errs);
		assert_error(b, 0, 1, argv_tests[_i].message);
		ck_assert_uint_eq(b->cmds->len, 0);
	}
	g_free(errs);
	cmd_block_free(&b);
}
END_TEST

START_TEST(test_argv_limits)
{
	char *argv[CMD_MAX_TOKENS + 2];
	char *big = g_malloc(CMD_MAX_VALUE + 2);
	struct cmd_block *b = NULL;
	const char *error = NULL;
	int i;

	/* argc 0 */
	ck_assert_int_eq(cmd_parse_argv(0, NULL, is_jvnvu, NULL, &b, &error),
	    0);
	ck_assert_uint_eq(b->errors->len, 1);
	assert_error(b, 0, 1, "missing command");
	cmd_block_free(&b);

	/* too many arguments */
	argv[0] = "case";
	argv[1] = "open";
	for (i = 2; i < CMD_MAX_TOKENS + 1; i++)
		argv[i] = "x";
	ck_assert_int_eq(cmd_parse_argv(CMD_MAX_TOKENS + 1, argv, is_jvnvu,
	    NULL, &b, &error), 0);
	assert_error(b, 0, 1, "more than 64 arguments");
	cmd_block_free(&b);
	ck_assert_int_eq(cmd_parse_argv(CMD_MAX_TOKENS, argv, is_jvnvu,
	    NULL, &b, &error), 0);
	assert_error(b, 0, 1, "unexpected argument 'x'");
	cmd_block_free(&b);

	/* one argument over CMD_MAX_VALUE */
	memset(big, 'a', CMD_MAX_VALUE + 1);
	big[CMD_MAX_VALUE + 1] = '\0';
	argv[2] = big;
	ck_assert_int_eq(cmd_parse_argv(3, argv, is_jvnvu, NULL, &b, &error),
	    0);
	ck_assert_uint_eq(b->errors->len, 1);
	assert_error(b, 0, 1, "argument 3 longer than 65536 bytes");
	cmd_block_free(&b);
	/* at CMD_MAX_VALUE the title limit speaks */
	big[CMD_MAX_VALUE] = '\0';
	ck_assert_int_eq(cmd_parse_argv(3, argv, is_jvnvu, NULL, &b, &error),
	    0);
	assert_error(b, 0, 1, "TITLE longer than 512 bytes");
	cmd_block_free(&b);
	g_free(big);

	/* refusals */
	argv[2] = "\xc3\x28";
	ck_assert_int_eq(cmd_parse_argv(3, argv, is_jvnvu, NULL, &b, &error),
	    -1);
	ck_assert_ptr_null(b);
	ck_assert_str_eq(error, "input is not valid UTF-8");
	big = g_malloc(CMD_MAX_INPUT);
	memset(big, 'a', CMD_MAX_INPUT - 1);
	big[CMD_MAX_INPUT - 1] = '\0';
	argv[2] = big;
	ck_assert_int_eq(cmd_parse_argv(3, argv, is_jvnvu, NULL, &b, &error),
	    -1);
	ck_assert_str_eq(error, "input too large");
	g_free(big);
	argv[2] = NULL;
	ck_assert_int_eq(cmd_parse_argv(3, argv, is_jvnvu, NULL, &b, &error),
	    -1);
	ck_assert_int_eq(cmd_parse_argv(1, NULL, is_jvnvu, NULL, &b, &error),
	    -1);
	ck_assert_str_eq(error, "no input");
}
END_TEST

START_TEST(test_advisory)
{
	const char *in = "case JVNVU#12345678 advisory solution <<EOF\n"
	    "Update to 2.4.1.\n# kept\nEOF\n";
	struct cmd_block *b = NULL;
	const char *err = NULL;
	struct cmd *c;

	ck_assert_int_eq(cmd_parse(in, strlen(in), NULL, NULL, &b, &err), 0);
	ck_assert_uint_eq(b->errors->len, 0);
	ck_assert_uint_eq(b->cmds->len, 1);
	c = b->cmds->pdata[0];
	ck_assert_int_eq(c->verb, CMD_CASE_ADVISORY);
	ck_assert_str_eq(c->field, "solution");
	ck_assert_str_eq(c->value, "Update to 2.4.1.\n# kept\n");
	cmd_block_free(&b);
}
END_TEST

/* The one rule (textin.h) that the grammar, the form and vulturectl
 * share, and its escaping for display. */
START_TEST(test_textin_controls)
{
	static const char *const bad[] = {
		"\x1b", "\x7f", "\xc2\x80", "\xc2\x9f", "\xd8\x9c",
		"\xe2\x80\x8b", "\xe2\x80\x8e", "\xe2\x80\x8f",
		"\xe2\x80\xaa", "\xe2\x80\xae", "\xe2\x81\xa0",
		"\xe2\x81\xa6", "\xe2\x81\xa9", "\xef\xbb\xbf",
	};
	static const char *const good[] = {
		"a", "\xc2\xa0", "\xe2\x80\x8c", "\xe2\x80\x8d",
		"\xe2\x80\xa9x", "\xe2\x81\xaa", "\xe3\x81\x82",
		"\xef\xbb\xbe", "\xf0\x9f\x98\x80",
	};
	const char *t = "ab\xe3\x81\x82\xe2\x80\xae" "c";
	char cp[12];
	GString *o = g_string_new(NULL);
	size_t i, pos;

	for (i = 0; i < G_N_ELEMENTS(bad); i++)
		ck_assert_msg(textin_find_control(bad[i], bad[i] +
		    strlen(bad[i]), "\t\n") == bad[i], "bad %zu", i);
	for (i = 0; i < G_N_ELEMENTS(good); i++)
		ck_assert_msg(textin_find_control(good[i], good[i] +
		    strlen(good[i]), "") == NULL, "good %zu", i);
	ck_assert_ptr_null(textin_find_control("a\tb\n", "a\tb\n" + 4,
	    "\t\n"));
	ck_assert_ptr_nonnull(textin_find_control("a\tb", "a\tb" + 3, "\n"));
	ck_assert_str_eq(textin_describe(t, textin_find_control(t,
	    t + strlen(t), ""), cp, &pos), "U+202E");
	ck_assert_uint_eq(pos, 4);
	textin_escape(o, "\x1b[2J x\xe2\x80\xae\xc2\x85\ty\n\xff\xe2\x80\x8d",
	    -1, "\n");
	ck_assert_str_eq(o->str, "\\x1b[2J x\\u202e\\u0085\\x09y\n\\xff"
	    "\xe2\x80\x8d");
	g_string_truncate(o, 0);
	textin_escape(o, "a\0\x1b", 3, "");
	ck_assert_str_eq(o->str, "a\\x00\\x1b");
	g_string_free(o, TRUE);
}
END_TEST

/* JSON output, printed unparsed to a terminal, carries nothing raw that
 * a terminal acts on either. */
START_TEST(test_json_escapes_controls)
{
	GString *o = g_string_new(NULL);
	struct jw w;

	jw_init(&w, o, 0);
	jw_str(&w, "\x1b]0;x\x07\xc2\x9b" "2J\x7f\xe2\x80\xae\xe2\x80\x8b"
	    "\xe3\x81\x82");
	ck_assert_str_eq(o->str, "\"\\u001b]0;x\\u0007\\u009b2J\\u007f"
	    "\\u202e\\u200b\xe3\x81\x82\"");
	g_string_free(o, TRUE);
}
END_TEST

START_TEST(test_verb_names)
{
	int v;

	for (v = CMD_VENDOR_ADD; v <= CMD_CASE_ADVISORY; v++)
		ck_assert_ptr_nonnull(cmd_verb_name((enum cmd_verb)v));
	ck_assert_ptr_null(cmd_verb_name((enum cmd_verb)(CMD_CASE_ADVISORY +
	    1)));
	ck_assert_str_eq(cmd_verb_name(CMD_CASE_NOTIFY_VENDORS),
	    "case notify vendors");
}
END_TEST

Suite *
make_cmd_suite(void)
{
	Suite *s = suite_create("cmd");
	TCase *tc;

	tc = tcase_create("commands");
	tcase_add_loop_test(tc, test_ok, 0, G_N_ELEMENTS(ok_tests));
	tcase_add_loop_test(tc, test_error, 0, G_N_ELEMENTS(error_tests));
	tcase_add_test(tc, test_verb_names);
	tcase_add_test(tc, test_textin_controls);
	tcase_add_test(tc, test_json_escapes_controls);
	tcase_add_test(tc, test_advisory);
	tcase_add_test(tc, test_default_case_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("blocks");
	tcase_add_test(tc, test_block_errors_all_reported);
	tcase_add_test(tc, test_block_heredoc_echo);
	tcase_add_test(tc, test_block_missing_terminator_error_line);
	tcase_add_loop_test(tc, test_cut, 0, G_N_ELEMENTS(cut_tests));
	tcase_add_test(tc, test_empty_null);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_limit_input);
	tcase_add_test(tc, test_limit_line);
	tcase_add_test(tc, test_limit_line_heredoc);
	tcase_add_test(tc, test_limit_commands);
	tcase_add_test(tc, test_limit_tokens);
	tcase_add_test(tc, test_limit_heredoc);
	tcase_add_test(tc, test_limit_values);
	tcase_add_test(tc, test_limit_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("argv");
	tcase_add_loop_test(tc, test_argv, 0, G_N_ELEMENTS(argv_tests));
	tcase_add_test(tc, test_argv_limits);
	suite_add_tcase(s, tc);
	return s;
}
