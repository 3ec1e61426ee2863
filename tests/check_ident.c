/* ident.h: one table per identifier. The comments name what an older
 * validator said where they disagreed (before ident.c each module had
 * its own), so that a change of rule shows up here. */
#include "config.h"

#include <check.h>
#include <glib.h>
#include <string.h>

#include "check_suites.h"
#include "vulture/config.h"
#include "vulture/ident.h"
#include "vulture/result.h"
#include "vulture/spill.h"
#include "vulture/store.h"
#include "vulture/vendor.h"

#define S32 "abcdefghijklmnopqrstuvwxyz012345"
#define S63 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"
#define F40 "0123456789ABCDEF0123456789ABCDEF01234567"

static const struct {
	const char *s;
	int ok;
} handles[] = {
	{ "acme", 1 }, { "a", 1 }, { "a.b_c-d9", 1 }, { S32, 1 },
	{ S32 "x", 0 },		/* publish took up to 64 */
	{ "Acme", 0 },		/* publish took upper case */
	{ "1acme", 0 },		/* publish took a leading digit */
	{ ".x", 0 }, { "-x", 0 }, { "_x", 0 }, { "", 0 }, { "a/b", 0 },
	{ "../x", 0 }, { "a b", 0 }, { "a@b", 0 }, { "caf\xc3\xa9", 0 },
};

START_TEST(test_handle)
{
	ck_assert_msg(ident_handle_ok(handles[_i].s) == handles[_i].ok,
	    "handle '%s'", handles[_i].s);
	ck_assert_int_eq(vendor_valid_handle(handles[_i].s), handles[_i].ok);
}
END_TEST

static const struct {
	const char *s;
	int ok;
} addresses[] = {
	{ "a@b.example", 1 }, { "psirt@acme.co.jp", 1 },
	{ "a+tag@b.example", 1 }, { "o'brien@b.example", 1 },
	{ "a.b.c@d-e.example", 1 }, { "x@" S63 ".example", 1 },
	{ "{a}~!#$%&*=?^`|/@b.example", 1 },
	{ "a@localhost", 0 },	/* compose took a dotless domain */
	{ "a@b", 0 },
	{ "a@b@c.example", 0 },	/* the config check took it */
	{ "a:b@c.example", 0 },	/* the config check took ':' */
	{ ".a@b.example", 0 },	/* config, compose and form took these */
	{ "a.@b.example", 0 }, { "a..b@c.example", 0 },
	{ "a@-b.example", 0 },	/* config and compose: any domain */
	{ "a@b-.example", 0 }, { "a@b_c.example", 0 },
	{ "a@b..example", 0 }, { "a@.b.example", 0 }, { "a@b.example.", 0 },
	{ "x@" S63 "l.example", 0 },	/* a 64-byte label */
	{ "a@[192.0.2.1]", 0 }, { "\"a b\"@c.example", 0 },
	{ "<a@b.example>", 0 }, { "a b@c.example", 0 },
	{ "a@b.example(x)", 0 }, { "a,b@c.example", 0 },
	{ "a;b@c.example", 0 }, { "a\\b@c.example", 0 },
	{ "caf\xc3\xa9@b.example", 0 }, { "a@b\xc3\xa9.example", 0 },
	{ "a\r\n@b.example", 0 }, { "@b.example", 0 }, { "a@", 0 },
	{ "a", 0 }, { "", 0 },
};

START_TEST(test_address)
{
	const char *a = addresses[_i].s;

	ck_assert_msg(ident_address_ok(a) == addresses[_i].ok,
	    "address '%s'", a);
	ck_assert_int_eq(vconf_valid_address(a), addresses[_i].ok);
	ck_assert_int_eq(ident_address_span_ok(a, strlen(a)),
	    addresses[_i].ok);
}
END_TEST

START_TEST(test_address_limits)
{
	GString *a = g_string_new(NULL);
	char *l;

	/* 254 bytes in all: 64 + '@' + 63 + '.' + 63 + '.' + 61. */
	l = g_strnfill(63, 'd');
	g_string_printf(a, "%s@%s.%s.%.*s", S63 "l", l, l, 61, l);
	ck_assert_uint_eq(a->len, 254);
	ck_assert(ident_address_ok(a->str));
	g_string_insert_c(a, 0, 'x');
	ck_assert(!ident_address_ok(a->str));
	/* A span stops where it is told: no NUL needed, none read past. */
	ck_assert(ident_address_span_ok("a@b.exampleXX", 11));
	ck_assert(ident_address_span_ok("a@b.example", 10));	/* .exampl */
	ck_assert(!ident_address_span_ok("a@b.example", 3));
	ck_assert(!ident_address_ok(NULL));
	g_free(l);
	g_string_free(a, TRUE);
}
END_TEST

static const struct {
	const char *s;
	int ok;
} keywords[] = {
	{ "httpd", 1 }, { "TLS", 1 }, { "c++", 1 }, { "x/y", 1 },
	{ "under_score", 1 }, { "a.b-c", 1 }, { S63 "x", 1 },
	{ S63 "xy", 0 }, { "", 0 }, { "a b", 0 }, { "a,b", 0 },
	{ "a;b", 0 }, { "c=d", 0 }, { "a@b", 0 }, { "caf\xc3\xa9", 0 },
};

START_TEST(test_keyword)
{
	ck_assert_msg(ident_keyword_ok(keywords[_i].s) == keywords[_i].ok,
	    "keyword '%s'", keywords[_i].s);
	ck_assert_int_eq(vendor_valid_keyword(keywords[_i].s),
	    keywords[_i].ok);
}
END_TEST

START_TEST(test_sector)
{
	ck_assert(ident_sector_ok("telecom"));
	ck_assert(ident_sector_ok("logistics"));
	ck_assert(!ident_sector_ok("Telecom"));
	ck_assert(!ident_sector_ok("space"));
	ck_assert(!ident_sector_ok(""));
	ck_assert(!ident_sector_ok(NULL));
	ck_assert_str_eq(ident_sector_find("TeleCom"), "telecom");
	ck_assert_ptr_null(ident_sector_find("tele"));
	ck_assert_ptr_null(ident_sector_find(NULL));
	ck_assert(vendor_valid_sector("water"));
	ck_assert(strstr(IDENT_SECTORS, "electricity") != NULL);
}
END_TEST

static const struct {
	const char *s;
	int ok;
} case_ids[] = {
	{ "JVNVU#12345678", 1 }, { "VU#1", 1 }, { "CASE-0001-X", 1 },
	{ "1", 1 }, { "a.b_c-d#1", 1 }, { S63, 1 },
	{ S63 "x", 0 },		/* compose and publish took 64 */
	{ "a..b", 0 },		/* compose took "..": ids.c never makes it */
	{ "#1", 0 },		/* compose took a leading '#' */
	{ "-1", 0 }, { ".1", 0 }, { "", 0 }, { "a/b", 0 }, { "../x", 0 },
	{ "a b", 0 }, { "[JVN#1]", 0 }, { "JVN#1\n", 0 }, { "x\xc3\xa9", 0 },
};

START_TEST(test_case_id)
{
	ck_assert_msg(ident_case_id_ok(case_ids[_i].s) == case_ids[_i].ok,
	    "case id '%s'", case_ids[_i].s);
}
END_TEST

static const struct {
	const char *s;
	int fpr, fpr_or_keyid;
} fprs[] = {
	{ F40, 1, 1 },
	{ "0123456789abcdef0123456789abcdef01234567", 1, 1 },
	{ "0123456789ABCDEF", 0, 1 },
	/* compose took 64 (v5/v6): no buffer of the program holds one. */
	{ F40 "0123456789ABCDEF01234567", 0, 0 },
	{ "0123456789ABCDEF0123456789ABCDEF0123456", 0, 0 },
	{ F40 "8", 0, 0 }, { "0x" F40, 0, 0 },
	{ "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567", 0, 0 },
	{ "G123456789ABCDEF0123456789ABCDEF01234567", 0, 0 },
	{ "", 0, 0 },
};

START_TEST(test_fpr)
{
	ck_assert_msg(ident_fpr_ok(fprs[_i].s) == fprs[_i].fpr, "fpr %s",
	    fprs[_i].s);
	ck_assert_int_eq(ident_fpr_or_keyid_ok(fprs[_i].s),
	    fprs[_i].fpr_or_keyid);
}
END_TEST

/* As people write them: the union of what cmd (spaces), form (spaces
 * and tabs) and the config (also "0x") took. */
static const struct {
	const char *s;
	const char *want;	/* NULL: refused */
	const char *why;
} parses[] = {
	{ F40, F40, NULL },
	{ "0123456789abcdef0123456789abcdef01234567", F40, NULL },
	{ "0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567", F40, NULL },
	{ "0123\t4567 89ab cdef 0123 4567 89ab cdef 0123 4567 ", F40, NULL },
	{ "0x" F40, F40, NULL }, { "0X" F40, F40, NULL },
	{ F40 "0123456789ABCDEF01234567", NULL, "v5/v6" },
	{ "0123456789ABCDEF", NULL, "not 40 hex digits" },
	{ F40 "8", NULL, "not 40 hex digits" },
	{ F40 "\n", NULL, "not a hex digit" },
	{ "0x 0x" F40, NULL, "not a hex digit" },
	{ "x" F40, NULL, "not a hex digit" },
	{ "", NULL, "not 40 hex digits" },
	{ "   ", NULL, "not 40 hex digits" },
};

START_TEST(test_fpr_parse)
{
	char out[IDENT_FPR_LEN + 1];
	const char *why = NULL, *s = parses[_i].s;
	char *dup = ident_fpr_parse_dup(s, strlen(s));
	int rc = ident_fpr_parse(s, strlen(s), out, &why);

	if (parses[_i].want != NULL) {
		ck_assert_msg(rc == 0, "'%s' refused: %s", s, why);
		ck_assert_str_eq(out, parses[_i].want);
		ck_assert_str_eq(dup, parses[_i].want);
		ck_assert_int_eq(vconf_parse_fingerprint(s, out), 0);
		ck_assert_str_eq(out, parses[_i].want);
	} else {
		ck_assert_msg(rc == -1, "'%s' taken", s);
		ck_assert_ptr_nonnull(why);
		ck_assert_msg(strstr(why, parses[_i].why) != NULL,
		    "'%s': %s", s, why);
		ck_assert_ptr_null(dup);
		ck_assert_int_eq(vconf_parse_fingerprint(s, out), -1);
	}
	g_free(dup);
}
END_TEST

START_TEST(test_fpr_parse_span)
{
	char out[IDENT_FPR_LEN + 1];

	/* Stops at len: what follows (the rest of a line) is not read. */
	ck_assert_int_eq(ident_fpr_parse(F40 "ZZ", 40, out, NULL), 0);
	ck_assert_str_eq(out, F40);
	ck_assert_int_eq(ident_fpr_parse(NULL, 0, out, NULL), -1);
	ck_assert_int_eq(vconf_parse_fingerprint(NULL, out), -1);
	ck_assert(ident_hex_ok("00ff", 4));
	ck_assert(!ident_hex_ok("00ff", 3));
	ck_assert(!ident_hex_ok("00fg", 4));
	ck_assert(ident_hex_ok("", 0));
	ck_assert(!ident_hex_ok(NULL, 0));
}
END_TEST

/* One meaning per value across modules (result.h). */
START_TEST(test_result)
{
	ck_assert_int_eq(STORE_OK, VR_OK);
	ck_assert_int_eq(STORE_ERR, VR_PERM);
	ck_assert_int_eq(STORE_TEMP, VR_TEMP);
	ck_assert_int_eq(STORE_NOTFOUND, VR_NOTFOUND);
	ck_assert_int_eq(SPILL_OK, VR_OK);
	ck_assert_int_eq(SPILL_OVER, VR_PERM);	/* was -2, STORE_TEMP's */
	ck_assert_int_eq(SPILL_ERROR, VR_TEMP);	/* disk full passes */
	ck_assert_int_eq(VR_PERM, -1);
	ck_assert_int_eq(VR_TEMP, -2);
	ck_assert_str_eq(vresult_name(VR_OK), "ok");
	ck_assert_str_eq(vresult_name(STORE_TEMP), "temporary");
	ck_assert_str_eq(vresult_name(STORE_ERR), "permanent");
	ck_assert_str_eq(vresult_name(STORE_NOTFOUND), "not-found");
	ck_assert_str_eq(vresult_name(7), "?");
}
END_TEST

Suite *
make_ident_suite(void)
{
	Suite *s = suite_create("ident");
	TCase *tc = tcase_create("ident");

	tcase_add_loop_test(tc, test_handle, 0, G_N_ELEMENTS(handles));
	tcase_add_loop_test(tc, test_address, 0, G_N_ELEMENTS(addresses));
	tcase_add_test(tc, test_address_limits);
	tcase_add_loop_test(tc, test_keyword, 0, G_N_ELEMENTS(keywords));
	tcase_add_test(tc, test_sector);
	tcase_add_loop_test(tc, test_case_id, 0, G_N_ELEMENTS(case_ids));
	tcase_add_loop_test(tc, test_fpr, 0, G_N_ELEMENTS(fprs));
	tcase_add_loop_test(tc, test_fpr_parse, 0, G_N_ELEMENTS(parses));
	tcase_add_test(tc, test_fpr_parse_span);
	tcase_add_test(tc, test_result);
	suite_add_tcase(s, tc);
	return s;
}
