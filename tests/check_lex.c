/* lex.h: whitespace, colons and dates as cmd.c and form.c read them.
 * Where the two used to differ, the comment says what changed. */
#include "config.h"

#include <check.h>
#include <glib.h>
#include <string.h>

#include "check_suites.h"
#include "vulture/lex.h"

#define NBSP	"\xc2\xa0"
#define IDEO	"\xe3\x80\x80"
#define FWCOLON	"\xef\xbc\x9a"

static const struct {
	const char *in;
	const char *trimmed;
} trims[] = {
	{ "  a  ", "a" }, { "\ta\t", "a" },
	{ NBSP "a" NBSP, "a" },		/* form folded it, cmd took it */
	{ IDEO "a" IDEO, "a" }, { " " NBSP IDEO "\t a b " IDEO " ", "a b" },
	{ "a" NBSP "b", "a" NBSP "b" },
	/* Not whitespace: form's trim took CR, VT and FF; the command
	 * grammar refuses them as control characters. */
	{ "\ra\r", "\ra\r" }, { "\va\f", "\va\f" },
	{ "\xc2\xa9", "\xc2\xa9" },	/* U+00A9 shares NBSP's lead byte */
	{ "\xe3\x80\x81", "\xe3\x80\x81" },	/* U+3001, U+3000's */
	{ "", "" }, { IDEO, "" },
};

START_TEST(test_trim)
{
	const char *s = trims[_i].in, *e = s + strlen(s), *ls, *le;

	ls = lex_ltrim(s, e);
	le = lex_rtrim(ls, e);
	ck_assert_uint_eq((size_t)(le - ls), strlen(trims[_i].trimmed));
	ck_assert(memcmp(ls, trims[_i].trimmed, le - ls) == 0);
}
END_TEST

START_TEST(test_ws_and_colon)
{
	const char *s = "a" IDEO;

	/* A span ends where it is told: a half character is not one. */
	ck_assert_uint_eq(lex_ws_len(IDEO, IDEO + 2), 0);
	ck_assert_uint_eq(lex_ws_len(NBSP, NBSP + 1), 0);
	ck_assert_uint_eq(lex_ws_len(IDEO, IDEO + 3), 3);
	ck_assert_uint_eq(lex_ws_len_back(s, s + 4), 3);
	ck_assert_uint_eq(lex_ws_len_back(s, s + 1), 0);
	ck_assert_uint_eq(lex_colon_len(":", ":" + 1), 1);
	ck_assert_uint_eq(lex_colon_len(FWCOLON "x", FWCOLON "x" + 4), 3);
	ck_assert_uint_eq(lex_colon_len(FWCOLON, FWCOLON + 2), 0);
	ck_assert_uint_eq(lex_colon_len(";", ";" + 1), 0);
	s = "Status" FWCOLON;
	ck_assert_ptr_eq(lex_strip_colon(s, s + strlen(s)), s + 6);
	s = "Status:";
	ck_assert_ptr_eq(lex_strip_colon(s, s + 7), s + 6);
	ck_assert_ptr_null(lex_strip_colon(s, s + 6));
	ck_assert_ptr_null(lex_strip_colon(s, s));
}
END_TEST

#define ISO	LEX_DATE_TIME
#define LOOSE	(LEX_DATE_TIME | LEX_DATE_LOOSE)
static const struct {
	const char *in;
	unsigned flags;
	const char *want;	/* lex_date_iso(); NULL: refused */
} dates[] = {
	{ "2027-01-05", 0, "2027-01-05" },
	{ "2027-01-05", ISO, "2027-01-05" },
	{ "2027-01-05T09:30", ISO, "2027-01-05T09:30:00" },
	{ "2027-01-05T09:30:15Z", ISO, "2027-01-05T09:30:15Z" },
	{ "2027-01-05T09:30+09:00", ISO, "2027-01-05T09:30:00+09:00" },
	{ "2027-01-05T09:30-14:59", ISO, "2027-01-05T09:30:00-14:59" },
	{ "2028-02-29", 0, "2028-02-29" },
	{ "1970-01-01", 0, "1970-01-01" },
	{ "2027-01-05T09:30", 0, NULL },	/* no time wanted */
	{ "2027-02-29", ISO, NULL }, { "2027-13-01", ISO, NULL },
	{ "2027-00-10", ISO, NULL }, { "2027-01-32", ISO, NULL },
	{ "1969-12-31", ISO, NULL }, { "27-01-05", ISO, NULL },
	{ "20270-01-05", ISO, NULL }, { "2027-01-05T", ISO, NULL },
	{ "2027-01-05T24:00", ISO, NULL }, { "2027-01-05T09:60", ISO, NULL },
	{ "2027-01-05T09:30:60", ISO, NULL },
	{ "2027-01-05T09:30+15:00", ISO, NULL },
	{ "2027-01-05T09:30+09:60", ISO, NULL },
	{ "2027-01-05T09:30X", ISO, NULL }, { "", ISO, NULL },
	/* Only forms take these (cmd passes dates to vtime_parse()). */
	{ "2027/01/05", ISO, NULL }, { "2027-1-5", ISO, NULL },
	{ "2027-01-05 09:30", ISO, NULL }, { "2027-01-05t09:30", ISO, NULL },
	{ "2027-01-05T9:30", ISO, NULL }, { "2027-01-05T09:30z", ISO, NULL },
	{ "2027-01-05T09:30+0900", ISO, NULL },
	{ "2027-01-05T09:30 Z", ISO, NULL },
	{ "2027/1/5", LOOSE, "2027-01-05" },
	{ "2027/1/5", LEX_DATE_LOOSE, "2027-01-05" },
	{ "2027-1-5", LOOSE, "2027-01-05" },
	{ "2027-01-05 09:30", LOOSE, "2027-01-05T09:30:00" },
	{ "2027-01-05" IDEO "9:30", LOOSE, "2027-01-05T09:30:00" },
	{ "2027-01-05" NBSP "9:30", LOOSE, "2027-01-05T09:30:00" },
	{ "2027-01-05t09:30z", LOOSE, "2027-01-05T09:30:00Z" },
	{ "2027-01-05T09:30 +0900", LOOSE, "2027-01-05T09:30:00+09:00" },
	{ "2027-01-05T09:30 ", LOOSE, "2027-01-05T09:30:00" },
	{ "2027/01-05", LOOSE, NULL }, { "2027.01.05", LOOSE, NULL },
	{ "2027-01-05T09:30Z ", LOOSE, NULL },
	{ "2027-01-05T9:3", LOOSE, NULL },
	{ "2027-01-05 ", LOOSE, NULL },
};

START_TEST(test_date)
{
	const char *s = dates[_i].in;
	struct lex_date d;
	int rc = lex_date(s, s + strlen(s), dates[_i].flags, &d);
	int has_time = -1, has_zone = -1;
	char *v;

	if (dates[_i].want == NULL) {
		ck_assert_msg(rc == -1, "'%s' taken", s);
		ck_assert_ptr_null(lex_date_dup(s, s + strlen(s),
		    dates[_i].flags, &has_time, &has_zone));
		ck_assert_int_eq(has_time, -1);
		return;
	}
	ck_assert_msg(rc == 0, "'%s' refused", s);
	v = lex_date_iso(&d);
	ck_assert_str_eq(v, dates[_i].want);
	g_free(v);
	v = lex_date_dup(s, s + strlen(s), dates[_i].flags, &has_time,
	    &has_zone);
	ck_assert_str_eq(v, dates[_i].want);
	ck_assert_int_eq(has_time, strchr(dates[_i].want, 'T') != NULL);
	ck_assert_int_eq(has_zone, d.zone != 0);
	g_free(v);
}
END_TEST

START_TEST(test_date_span)
{
	struct lex_date d;
	const char *s = "2027-01-05T09:30Z trailing";

	/* Reads [s, e) and nothing past it. */
	ck_assert_int_eq(lex_date(s, s + 17, ISO, &d), 0);
	ck_assert_int_eq(d.zone, 'Z');
	ck_assert_int_eq(lex_date(s, s + 9, ISO, &d), -1);
	ck_assert_int_eq(lex_date(s, s + 10, 0, &d), 0);
	ck_assert_int_eq(d.has_time, 0);
}
END_TEST

Suite *
make_lex_suite(void)
{
	Suite *s = suite_create("lex");
	TCase *tc = tcase_create("lex");

	tcase_add_loop_test(tc, test_trim, 0, G_N_ELEMENTS(trims));
	tcase_add_test(tc, test_ws_and_colon);
	tcase_add_loop_test(tc, test_date, 0, G_N_ELEMENTS(dates));
	tcase_add_test(tc, test_date_span);
	suite_add_tcase(s, tc);
	return s;
}
