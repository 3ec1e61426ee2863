#include "config.h"

#include <check.h>
#include <glib.h>
#include <string.h>

#include "check_suites.h"
#include "vulture/ids.h"

static const struct {
	const char *fmt;
	int ok;
} formats[] = {
	{ "JVNVU#%08u", 0 }, { "JVN#%08u", 0 }, { "VU#%u", 0 },
	{ "CASE-%04u-X", 0 }, { "%08u", 0 }, { "A.b_C-%04u#x", 0 },
	/* Ids name directories of the published site: nothing that could
	 * be a path, a quote or a header break. */
	{ "../%08u", -1 }, { "a/b%u", -1 }, { "a\\%u", -1 },
	{ "a..b%08u", -1 }, { "%08u..", -1 }, { ".%08u", -1 },
	{ "-%08u", -1 }, { "#%08u", -1 }, { "%%X%06u", -1 },
	{ "X%06u%%", -1 }, { "A:%08u", -1 }, { "A\r\n%08u", -1 },
	{ "A\xc3\xa9%08u", -1 },
	{ "", -1 }, { "JVNVU#", -1 }, { "JVNVU#%08u%08u", -1 },
	{ "JVNVU#%08d", -1 }, { "JVNVU #%08u", -1 }, { "[%08u]", -1 },
	{ "X%03u", -1 }, { "X%010u", -1 }, { "%s", -1 }, { "%", -1 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%08u", -1 },
};

START_TEST(test_formats)
{
	char *err = NULL;

	ck_assert_int_eq(ids_check_format(formats[_i].fmt, &err),
	    formats[_i].ok);
	if (formats[_i].ok == -1)
		ck_assert_ptr_nonnull(err);
	else
		ck_assert_ptr_null(err);
	g_free(err);
}
END_TEST

START_TEST(test_format_and_match)
{
	char buf[IDS_MAX_LEN];

	ck_assert_int_eq(ids_format("JVNVU#%08u", 1234, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "JVNVU#00001234");
	ck_assert_int_eq(ids_match("JVNVU#%08u", "JVNVU#00001234"), 1);
	ck_assert_int_eq(ids_match("JVNVU#%08u", "JVNVU#0000123"), 0);
	ck_assert_int_eq(ids_match("JVNVU#%08u", "JVNVU#000012345"), 0);
	ck_assert_int_eq(ids_match("JVNVU#%08u", "JVN#00001234"), 0);
	ck_assert_int_eq(ids_match("JVNVU#%08u", "jvnvu#00001234"), 1);
	ck_assert_int_eq(ids_format("JVNVU#%08u", 1234, buf, 10), -1);
	ck_assert_int_eq(ids_format("bad", 1, buf, sizeof(buf)), -1);
	ck_assert_int_eq(ids_format("X%04u", 99999, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "X9999");
	ck_assert_int_eq(ids_format("../%04u", 1, buf, sizeof(buf)), -1);
}
END_TEST

START_TEST(test_find)
{
	char *id;

	id = ids_find("JVNVU#%08u", "Re: [JVNVU#12345678] Notice");
	ck_assert_str_eq(id, "JVNVU#12345678");
	g_free(id);
	id = ids_find("JVNVU#%08u", "re: [jvnvu#12345678]");
	ck_assert_str_eq(id, "JVNVU#12345678");
	g_free(id);
	ck_assert_ptr_null(ids_find("JVNVU#%08u", "JVNVU#123456789"));
	ck_assert_ptr_null(ids_find("JVNVU#%08u", "XJVNVU#12345678"));
	ck_assert_ptr_null(ids_find("JVNVU#%08u", "nothing here"));
	ck_assert_ptr_null(ids_find("JVNVU#%08u", ""));
	id = ids_find("JVN#%08u", "about JVNVU#12345678 and JVN#87654321");
	ck_assert_str_eq(id, "JVN#87654321");
	g_free(id);
}
END_TEST

START_TEST(test_random)
{
	char buf[IDS_MAX_LEN];
	int i, distinct = 0;
	uint32_t prev = 0;

	for (i = 0; i < 1000; i++) {
		uint32_t n = ids_random("X%04u");

		ck_assert_uint_lt(n, 10000);
		if (n != prev)
			distinct++;
		prev = n;
	}
	ck_assert_int_gt(distinct, 900);
	ck_assert_int_eq(ids_format("JVNVU#%08u", ids_random("JVNVU#%08u"),
	    buf, sizeof(buf)), 0);
	ck_assert_int_eq(ids_match("JVNVU#%08u", buf), 1);
}
END_TEST

Suite *
make_ids_suite(void)
{
	Suite *s = suite_create("ids");
	TCase *tc = tcase_create("ids");

	tcase_add_loop_test(tc, test_formats, 0,
	    sizeof(formats) / sizeof(formats[0]));
	tcase_add_test(tc, test_format_and_match);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);
	return s;
}
