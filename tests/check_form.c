/*
 * check_form.c: Check suite for the reply-form parser (src/form.c).
 * Tables are {input, expected}; a NULL expectation means "absent" and,
 * where noted, "reported as an error".
 */
#include "config.h"

#include <check.h>

#include "check_suites.h"
#include <glib.h>
#include <string.h>

#include "vulture/form.h"

Suite *make_form_suite(void);

static struct form *
parse_ok(const char *text)
{
	struct form *form = NULL;
	const char *error = NULL;

	ck_assert_msg(form_parse(text, strlen(text), &form, &error) == 0,
	    "refused: %s", error);
	ck_assert_ptr_nonnull(form);
	return form;
}

static const char *
parse_fail(const char *text, size_t len)
{
	struct form *form = (struct form *)1;
	const char *error = NULL;

	ck_assert_int_eq(form_parse(text, len, &form, &error), -1);
	ck_assert_ptr_null(form);
	ck_assert_ptr_nonnull(error);
	return error;
}

/* The value of a field as a string, NULL if absent; g_free() it. */
static char *
field_value(const struct form *f, enum form_field field)
{
	const struct form_share *sh;

	switch (field) {
	case FORM_FIELD_CASE:
		return g_strdup(f->case_id);
	case FORM_FIELD_REQUEST_DETAIL:
		return f->request_detail < 0 ? NULL :
		    g_strdup(f->request_detail ? "yes" : "no");
	case FORM_FIELD_STATUS:
		return g_strdup(form_status_name(f->status));
	case FORM_FIELD_COMMENT:
		return g_strdup(f->comment);
	case FORM_FIELD_ADVISORY_URL:
		return g_strdup(f->advisory_url);
	case FORM_FIELD_FIX_DATE:
		return g_strdup(f->fix_date);
	case FORM_FIELD_WORKAROUND_DATE:
		return g_strdup(f->workaround_date);
	case FORM_FIELD_FIX_PLAN:
		return g_strdup(f->fix_plan);
	case FORM_FIELD_WORKAROUND_PLAN:
		return g_strdup(f->workaround_plan);
	case FORM_FIELD_PUBDATE_REQUEST:
		return g_strdup(f->pubdate_request);
	case FORM_FIELD_REASON:
		return g_strdup(f->reason);
	case FORM_FIELD_SHARE_WITH:
		if (f->shares->len == 0)
			return NULL;
		sh = g_ptr_array_index(f->shares, 0);
		return g_strdup_printf("%s|%s|%s|%s", sh->organisation,
		    sh->contact, sh->address, sh->phone ? sh->phone : "-");
	default:
		return NULL;
	}
}

static void
assert_field(const struct form *f, enum form_field field, const char *want)
{
	char *got = field_value(f, field);

	ck_assert_pstr_eq(got, want);
	g_free(got);
}

static const struct form_issue *
issue(GPtrArray *list, guint i)
{
	ck_assert_uint_gt(list->len, i);
	return g_ptr_array_index(list, i);
}

/* ---- labels ---- */

static const struct {
	const char *input;
	enum form_field field;
	const char *want;
} label_tests[] = {
	{ "Case: JVNVU#12345678", FORM_FIELD_CASE, "JVNVU#12345678" },
	{ "case:JVNVU#1", FORM_FIELD_CASE, "JVNVU#1" },
	{ "  CASE  :  JVNVU#1  ", FORM_FIELD_CASE, "JVNVU#1" },
	{ "案件: JVNVU#1", FORM_FIELD_CASE, "JVNVU#1" },
	{ "案件番号：JVNVU#1", FORM_FIELD_CASE, "JVNVU#1" },
	{ "Request-Detail: yes", FORM_FIELD_REQUEST_DETAIL, "yes" },
	{ "request_detail: No", FORM_FIELD_REQUEST_DETAIL, "no" },
	{ "Request Detail: TRUE", FORM_FIELD_REQUEST_DETAIL, "yes" },
	{ "詳細情報請求: はい", FORM_FIELD_REQUEST_DETAIL, "yes" },
	{ "詳細情報の請求：いいえ", FORM_FIELD_REQUEST_DETAIL, "no" },
	{ "詳細請求：要", FORM_FIELD_REQUEST_DETAIL, "yes" },
	{ "詳細請求：不要", FORM_FIELD_REQUEST_DETAIL, "no" },
	{ "Request-Detail: false", FORM_FIELD_REQUEST_DETAIL, "no" },
	{ "Status: affected", FORM_FIELD_STATUS, "affected" },
	{ "STATUS: affected", FORM_FIELD_STATUS, "affected" },
	{ "状況：該当製品なし", FORM_FIELD_STATUS, "not-affected" },
	{ "ステータス: 該当製品あり", FORM_FIELD_STATUS, "affected" },
	{ "状況：該当製品あり：調査中", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Comment: Fixed in 2.4.1.", FORM_FIELD_COMMENT, "Fixed in 2.4.1." },
	{ "Comments: x", FORM_FIELD_COMMENT, "x" },
	{ "コメント：修正済みです", FORM_FIELD_COMMENT, "修正済みです" },
	{ "Comment: a: b: c", FORM_FIELD_COMMENT, "a: b: c" },
	{ "Advisory-URL: https://acme.example/sec/1", FORM_FIELD_ADVISORY_URL,
	  "https://acme.example/sec/1" },
	{ "Advisory URL: http://acme.example/", FORM_FIELD_ADVISORY_URL,
	  "http://acme.example/" },
	{ "アドバイザリURL：https://a.example/", FORM_FIELD_ADVISORY_URL,
	  "https://a.example/" },
	{ "関連情報URL: https://a.example/", FORM_FIELD_ADVISORY_URL,
	  "https://a.example/" },
	{ "参考URL: https://a.example/", FORM_FIELD_ADVISORY_URL,
	  "https://a.example/" },
	{ "Fix-Date: 2027-01-05", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "fix date: 2027-01-05", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "修正予定日：2027-01-05", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "対策予定日: 2027/1/5", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "Workaround-Date: 2026-12-20", FORM_FIELD_WORKAROUND_DATE,
	  "2026-12-20" },
	{ "回避策予定日：2026-12-20", FORM_FIELD_WORKAROUND_DATE,
	  "2026-12-20" },
	{ "Fix-Plan: ship 2.4.1", FORM_FIELD_FIX_PLAN, "ship 2.4.1" },
	{ "対策方法：更新", FORM_FIELD_FIX_PLAN, "更新" },
	{ "修正計画：更新", FORM_FIELD_FIX_PLAN, "更新" },
	{ "Workaround-Plan: disable mod_x", FORM_FIELD_WORKAROUND_PLAN,
	  "disable mod_x" },
	{ "回避策：無効化", FORM_FIELD_WORKAROUND_PLAN, "無効化" },
	{ "Publication-Date-Request: 2027-01-20", FORM_FIELD_PUBDATE_REQUEST,
	  "2027-01-20" },
	{ "公開日変更希望：2027-01-20", FORM_FIELD_PUBDATE_REQUEST,
	  "2027-01-20" },
	{ "公表日変更希望：2027-01-20", FORM_FIELD_PUBDATE_REQUEST,
	  "2027-01-20" },
	{ "公開日希望：2027-01-20", FORM_FIELD_PUBDATE_REQUEST, "2027-01-20" },
	{ "Reason: firmware release train", FORM_FIELD_REASON,
	  "firmware release train" },
	{ "理由：リリース日程", FORM_FIELD_REASON, "リリース日程" },
	{ "Share-With: Sub KK; Taro Yamada; taro@sub.example; +81-3-0000-0000",
	  FORM_FIELD_SHARE_WITH,
	  "Sub KK|Taro Yamada|taro@sub.example|+81-3-0000-0000" },
	{ "情報共有先：子会社；山田；taro@sub.example；", FORM_FIELD_SHARE_WITH,
	  "子会社|山田|taro@sub.example|-" },
	{ "共有先: 子会社; 山田; taro@sub.example", FORM_FIELD_SHARE_WITH,
	  "子会社|山田|taro@sub.example|-" },
	/* Ideographic spaces around the colon. */
	{ "状況　：　該当製品あり", FORM_FIELD_STATUS, "affected" },
	{ "\tStatus\t:\taffected", FORM_FIELD_STATUS, "affected" },
};

START_TEST(test_labels)
{
	struct form *f = parse_ok(label_tests[_i].input);

	assert_field(f, label_tests[_i].field, label_tests[_i].want);
	ck_assert_uint_eq(f->errors->len, 0);
	ck_assert_uint_eq(f->unknown->len, 0);
	ck_assert_uint_eq(f->n_fields, 1);
	form_free(&f);
	ck_assert_ptr_null(f);
}
END_TEST

/* ---- values: NULL want means "rejected with one error" ---- */

static const struct {
	const char *input;
	enum form_field field;
	const char *want;
} value_tests[] = {
	{ "Status: Affected", FORM_FIELD_STATUS, "affected" },
	{ "Status: AFFECTED-INVESTIGATING", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: affected_investigating", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: affected investigating", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: not-affected", FORM_FIELD_STATUS, "not-affected" },
	{ "Status: Not Affected", FORM_FIELD_STATUS, "not-affected" },
	{ "Status: not_affected_investigating", FORM_FIELD_STATUS,
	  "not-affected-investigating" },
	{ "Status: not-affected-investigating", FORM_FIELD_STATUS,
	  "not-affected-investigating" },
	{ "Status: 該当製品あり", FORM_FIELD_STATUS, "affected" },
	{ "Status: 該当製品あり：調査中", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: 該当製品あり:調査中", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: 該当製品あり ： 調査中", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: 該当製品なし", FORM_FIELD_STATUS, "not-affected" },
	{ "Status: 該当製品なし：調査中", FORM_FIELD_STATUS,
	  "not-affected-investigating" },
	{ "Status: 該当製品なし:調査中", FORM_FIELD_STATUS,
	  "not-affected-investigating" },
	{ "Status: 該当製品なし　：　調査中", FORM_FIELD_STATUS,
	  "not-affected-investigating" },
	{ "Status: 不明", FORM_FIELD_STATUS, NULL },
	{ "Status: unknown", FORM_FIELD_STATUS, NULL },
	{ "Status: affected-maybe", FORM_FIELD_STATUS, NULL },
	{ "Status: 該当製品あり：不明", FORM_FIELD_STATUS, NULL },
	{ "Status: 該当製品あり調査中", FORM_FIELD_STATUS, NULL },
	{ "Status: 該当製品", FORM_FIELD_STATUS, NULL },
	{ "Status: investigating", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: affected; not-affected", FORM_FIELD_STATUS, NULL },
	{ "Request-Detail: maybe", FORM_FIELD_REQUEST_DETAIL, NULL },
	{ "Request-Detail: y", FORM_FIELD_REQUEST_DETAIL, NULL },
	{ "Request-Detail: Yes", FORM_FIELD_REQUEST_DETAIL, "yes" },
	{ "Request-Detail: NO", FORM_FIELD_REQUEST_DETAIL, "no" },
	/* Dates. */
	{ "Fix-Date: 2027-02-28", FORM_FIELD_FIX_DATE, "2027-02-28" },
	{ "Fix-Date: 2027-02-29", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2028-02-29", FORM_FIELD_FIX_DATE, "2028-02-29" },
	{ "Fix-Date: 2000-02-29", FORM_FIELD_FIX_DATE, "2000-02-29" },
	{ "Fix-Date: 2100-02-29", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027-04-30", FORM_FIELD_FIX_DATE, "2027-04-30" },
	{ "Fix-Date: 2027-04-31", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027-12-31", FORM_FIELD_FIX_DATE, "2027-12-31" },
	{ "Fix-Date: 2027-13-01", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027-00-10", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027-01-00", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027-01-32", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 27-01-05", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 1969-12-31", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027-01/05", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027-01-05x", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027-001-05", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027-01-05T10:00", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: tomorrow", FORM_FIELD_FIX_DATE, NULL },
	{ "Workaround-Date: 2028-02-29", FORM_FIELD_WORKAROUND_DATE,
	  "2028-02-29" },
	{ "Workaround-Date: 2027-02-29", FORM_FIELD_WORKAROUND_DATE, NULL },
	{ "Publication-Date-Request: 2027-02-29", FORM_FIELD_PUBDATE_REQUEST,
	  NULL },
	{ "Publication-Date-Request: 2027-01-20T24:00",
	  FORM_FIELD_PUBDATE_REQUEST, NULL },
	{ "Publication-Date-Request: 2027-01-20T10:60",
	  FORM_FIELD_PUBDATE_REQUEST, NULL },
	{ "Publication-Date-Request: 2027-01-20T10:00:60",
	  FORM_FIELD_PUBDATE_REQUEST, NULL },
	{ "Publication-Date-Request: 2027-01-20T10:00+15:00",
	  FORM_FIELD_PUBDATE_REQUEST, NULL },
	{ "Publication-Date-Request: 2027-01-20T10:00+09:60",
	  FORM_FIELD_PUBDATE_REQUEST, NULL },
	{ "Publication-Date-Request: 2027-01-20Z", FORM_FIELD_PUBDATE_REQUEST,
	  NULL },
	{ "Publication-Date-Request: 2027-01-20T10", FORM_FIELD_PUBDATE_REQUEST,
	  NULL },
	{ "Publication-Date-Request: 2027-01-20T10:00 JST",
	  FORM_FIELD_PUBDATE_REQUEST, NULL },
	{ "Publication-Date-Request: 2027-01-20T10:00+9",
	  FORM_FIELD_PUBDATE_REQUEST, NULL },
	/* Case. */
	{ "Case: JVNVU#12345678 (acme)", FORM_FIELD_CASE,
	  "JVNVU#12345678 (acme)" },
	{ "Case: JVN\x1b[31m", FORM_FIELD_CASE, NULL },
	{ "Case: JVN\tVU", FORM_FIELD_CASE, NULL },
	/* URLs. */
	{ "Advisory-URL: <https://a.example/x>", FORM_FIELD_ADVISORY_URL,
	  "https://a.example/x" },
	{ "Advisory-URL: HTTPS://A.EXAMPLE/", FORM_FIELD_ADVISORY_URL,
	  "HTTPS://A.EXAMPLE/" },
	{ "Advisory-URL: https://a.example/日本語", FORM_FIELD_ADVISORY_URL,
	  "https://a.example/日本語" },
	{ "Advisory-URL: ftp://a.example/", FORM_FIELD_ADVISORY_URL, NULL },
	{ "Advisory-URL: javascript:alert(1)", FORM_FIELD_ADVISORY_URL, NULL },
	{ "Advisory-URL: https://", FORM_FIELD_ADVISORY_URL, NULL },
	{ "Advisory-URL: https:///x", FORM_FIELD_ADVISORY_URL, NULL },
	{ "Advisory-URL: https://a.example/a b", FORM_FIELD_ADVISORY_URL,
	  NULL },
	{ "Advisory-URL: https://a.example/a　b", FORM_FIELD_ADVISORY_URL,
	  NULL },
	{ "Advisory-URL: https://a.example/\x7f", FORM_FIELD_ADVISORY_URL,
	  NULL },
	{ "Advisory-URL: https://a.example/\xe2\x80\xae",
	  FORM_FIELD_ADVISORY_URL, NULL },
	{ "Advisory-URL: https://a.example/\"x", FORM_FIELD_ADVISORY_URL,
	  NULL },
	{ "Advisory-URL: acme.example/sec", FORM_FIELD_ADVISORY_URL, NULL },
	/* Share-With. */
	{ "Share-With: Org; Name; <a@b.example>; 03", FORM_FIELD_SHARE_WITH,
	  "Org|Name|a@b.example|03" },
	{ "Share-With: Org;Name;a@b.example;", FORM_FIELD_SHARE_WITH,
	  "Org|Name|a@b.example|-" },
	{ "Share-With: Org; Name; A.B+c@Mail.B-1.example; ",
	  FORM_FIELD_SHARE_WITH,
	  "Org|Name|A.B+c@Mail.B-1.example|-" },
	{ "Share-With: Org; Name; a@b", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; ab.example", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; a@@b.example", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; a@b@c.example", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; a b@c.example", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; @c.example", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; a@-b.example", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; a@b..example", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; a@b.example.", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; 山田@b.example", FORM_FIELD_SHARE_WITH,
	  NULL },
	{ "Share-With: Org; Name; Taro <a@b.example>", FORM_FIELD_SHARE_WITH,
	  NULL },
	{ "Share-With: ; Name; a@b.example", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; ; a@b.example", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name", FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; a@b.example; 03; extra",
	  FORM_FIELD_SHARE_WITH, NULL },
	{ "Share-With: Org; Name; a@b.example; 03;", FORM_FIELD_SHARE_WITH,
	  NULL },
	{ "Share-With: a@b.example", FORM_FIELD_SHARE_WITH, NULL },
	/* Free text: controls other than tab become U+FFFD. */
	{ "Comment: a\x01" "b\x1b[0m", FORM_FIELD_COMMENT,
	  "a\xef\xbf\xbd" "b\xef\xbf\xbd[0m" },
	{ "Comment: a\tb", FORM_FIELD_COMMENT, "a\tb" },
	{ "Reason: \xc2\x85x", FORM_FIELD_REASON, "\xef\xbf\xbdx" },
	/* Direction controls (U+202E, U+2066, U+200F) too; a joiner (U+200D)
	 * stays. */
	{ "Comment: not \xe2\x80\xae" "detceffa\xe2\x81\xa6x\xe2\x80\x8fy",
	  FORM_FIELD_COMMENT, "not \xef\xbf\xbd" "detceffa\xef\xbf\xbdx"
	  "\xef\xbf\xbdy" },
	{ "Comment: a\xe2\x80\x8d" "b", FORM_FIELD_COMMENT,
	  "a\xe2\x80\x8d" "b" },
	/* A zero-width space is hidden too. */
	{ "Comment: a\xe2\x80\x8b" "b", FORM_FIELD_COMMENT,
	  "a\xef\xbf\xbd" "b" },
};

START_TEST(test_values)
{
	struct form *f = parse_ok(value_tests[_i].input);
	const char *want = value_tests[_i].want;

	assert_field(f, value_tests[_i].field, want);
	if (want != NULL) {
		ck_assert_uint_eq(f->errors->len, 0);
		ck_assert_uint_eq(f->n_fields, 1);
	} else {
		const struct form_issue *e = issue(f->errors, 0);

		ck_assert_uint_eq(f->errors->len, 1);
		ck_assert_int_eq(e->field, value_tests[_i].field);
		ck_assert_uint_eq(e->line, 1);
		ck_assert_ptr_nonnull(e->message);
		ck_assert_uint_eq(f->n_fields, 0);
	}
	ck_assert_uint_eq(f->unknown->len, 0);
	form_free(&f);
}
END_TEST

/* ---- Publication-Date-Request with times ---- */

static const struct {
	const char *value, *want;
	int has_time, has_offset;
} pubdate_tests[] = {
	{ "2027-01-20", "2027-01-20", 0, 0 },
	{ "2028-02-29", "2028-02-29", 0, 0 },
	{ "2027-01-20T10:00", "2027-01-20T10:00:00", 1, 0 },
	{ "2027-01-20t09:05:07", "2027-01-20T09:05:07", 1, 0 },
	{ "2027-01-20 9:05", "2027-01-20T09:05:00", 1, 0 },
	{ "2027-01-20T10:00:30Z", "2027-01-20T10:00:30Z", 1, 1 },
	{ "2027-01-20T10:00z", "2027-01-20T10:00:00Z", 1, 1 },
	{ "2027-01-20T10:00+09:00", "2027-01-20T10:00:00+09:00", 1, 1 },
	{ "2027-01-20T23:59:59-0500", "2027-01-20T23:59:59-05:00", 1, 1 },
	{ "2027-01-20 10:00 +14:00", "2027-01-20T10:00:00+14:00", 1, 1 },
	{ "2028-02-29T00:00:00Z", "2028-02-29T00:00:00Z", 1, 1 },
};

START_TEST(test_pubdate)
{
	char *text = g_strdup_printf("Publication-Date-Request: %s",
	    pubdate_tests[_i].value);
	struct form *f = parse_ok(text);

	ck_assert_pstr_eq(f->pubdate_request, pubdate_tests[_i].want);
	ck_assert_int_eq(f->pubdate_has_time, pubdate_tests[_i].has_time);
	ck_assert_int_eq(f->pubdate_has_offset, pubdate_tests[_i].has_offset);
	ck_assert_uint_eq(f->errors->len, 0);
	form_free(&f);
	g_free(text);
}
END_TEST

/* ---- continuation lines ---- */

static const struct {
	const char *input;
	enum form_field field;
	const char *want;
} cont_tests[] = {
	{ "Comment: line one\n  line two\n\tline three", FORM_FIELD_COMMENT,
	  "line one\nline two\nline three" },
	{ "Comment:\n  only continuation", FORM_FIELD_COMMENT,
	  "only continuation" },
	{ "Comment: a\n　b", FORM_FIELD_COMMENT, "a\nb" },
	{ "Comment: a\n\xc2\xa0" "b", FORM_FIELD_COMMENT, "a\nb" },
	{ "Comment: a\nb", FORM_FIELD_COMMENT, "a" },
	{ "Comment: a\n\n  b", FORM_FIELD_COMMENT, "a" },
	{ "Comment: a\n  > quoted\n  b", FORM_FIELD_COMMENT, "a" },
	{ "Comment: a\n  # not a hint when indented", FORM_FIELD_COMMENT,
	  "a\n# not a hint when indented" },
	{ "Comment: a\n  Status: affected", FORM_FIELD_COMMENT,
	  "a\nStatus: affected" },
	{ "Comment: a\n  b   \n", FORM_FIELD_COMMENT, "a\nb" },
	{ "Reason: a\n  b", FORM_FIELD_REASON, "a\nb" },
	{ "Fix-Plan: a\n  b", FORM_FIELD_FIX_PLAN, "a\nb" },
	{ "Workaround-Plan: a\n  b", FORM_FIELD_WORKAROUND_PLAN, "a\nb" },
	{ "Case: JVNVU#1\n  2345", FORM_FIELD_CASE, "JVNVU#1 2345" },
	{ "Advisory-URL: https://a.example/very/\n  long/path",
	  FORM_FIELD_ADVISORY_URL, "https://a.example/very/long/path" },
	{ "Advisory-URL:\n  https://a.example/", FORM_FIELD_ADVISORY_URL,
	  "https://a.example/" },
	{ "Share-With: Org; Name;\n  a@b.example; 03", FORM_FIELD_SHARE_WITH,
	  "Org|Name|a@b.example|03" },
	{ "Status: not\n  affected", FORM_FIELD_STATUS, "not-affected" },
	{ "状況：該当製品あり\n　：調査中", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Fix-Date:\n  2027-01-05", FORM_FIELD_FIX_DATE, "2027-01-05" },
	/* Indentation without an open field: an ordinary line. */
	{ "Hello,\n  Status: affected", FORM_FIELD_STATUS, "affected" },
	{ "Note: x\n  Status: affected", FORM_FIELD_STATUS, "affected" },
};

START_TEST(test_continuation)
{
	struct form *f = parse_ok(cont_tests[_i].input);

	assert_field(f, cont_tests[_i].field, cont_tests[_i].want);
	ck_assert_uint_eq(f->errors->len, 0);
	form_free(&f);
}
END_TEST

/* A line right after a free-text value that is not indented is not part
 * of it, and the vendor is told so (a client that wraps long lines). */
static const struct {
	const char *input;
	enum form_field field;	/* FORM_FIELD_NONE: no notice */
	const char *label;
	unsigned line;
} notcont_tests[] = {
	{ "Comment: users of 2.3 must apply\nthe workaround.",
	  FORM_FIELD_COMMENT, "the workaround.", 2 },
	{ "Reason: firmware\nrelease train", FORM_FIELD_REASON,
	  "release train", 2 },
	{ "Fix-Plan: a\nb", FORM_FIELD_FIX_PLAN, "b", 2 },
	{ "Workaround-Plan: a\n  b\nc", FORM_FIELD_WORKAROUND_PLAN, "c", 3 },
	{ "Comment: a\n"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x",
	  FORM_FIELD_COMMENT,
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6",
	  2 },
	{ "Comment: a\nx\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9y",
	  FORM_FIELD_COMMENT,
	  "x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6",
	  2 },
	{ "Comment: a\n\nb", FORM_FIELD_NONE, NULL, 0 },
	{ "Comment: a\nStatus: affected", FORM_FIELD_NONE, NULL, 0 },
	{ "Comment: a\n> quoted", FORM_FIELD_NONE, NULL, 0 },
	{ "Comment: a\n# hint", FORM_FIELD_NONE, NULL, 0 },
	{ "Comment: a\n-- \nTaro", FORM_FIELD_NONE, NULL, 0 },
	{ "Status: affected\nb", FORM_FIELD_NONE, NULL, 0 },
	{ "Case: JVNVU#1\nb", FORM_FIELD_NONE, NULL, 0 },
};

START_TEST(test_not_continued)
{
	struct form *f = parse_ok(notcont_tests[_i].input);

	if (notcont_tests[_i].field == FORM_FIELD_NONE)
		ck_assert_uint_eq(f->unknown->len, 0);
	else {
		const struct form_issue *u = issue(f->unknown, 0);

		ck_assert_uint_eq(f->unknown->len, 1);
		ck_assert_int_eq(u->kind, FORM_ISSUE_NOT_CONTINUED);
		ck_assert_int_eq(u->field, notcont_tests[_i].field);
		ck_assert_str_eq(u->label, notcont_tests[_i].label);
		ck_assert_uint_eq(u->line, notcont_tests[_i].line);
		ck_assert(strlen(u->label) <= FORM_MAX_QUOTE + 3);
	}
	ck_assert_uint_eq(f->errors->len, 0);
	form_free(&f);
}
END_TEST

/* ---- ignored lines and reply cuts ---- */

static const struct {
	const char *input;
	const char *status;	/* expected Status */
	unsigned cut_line;
} cut_tests[] = {
	/* The quoted form counts (see test_quoted). */
	{ "> Status: affected", "affected", 0 },
	{ "   > Status: affected", "affected", 0 },
	{ ">> Status: affected", "affected", 0 },
	{ "＞ Status: affected", "affected", 0 },
	{ "# Status: affected", NULL, 0 },
	{ "> Status: not-affected\nStatus: affected", "affected", 0 },
	{ "Status: affected\n-- \nStatus: not-affected", "affected", 2 },
	{ "Status: affected\n--\nStatus: not-affected", "affected", 2 },
	{ "Status: affected\r\n-- \r\nStatus: not-affected", "affected", 2 },
	{ "-- \nStatus: affected", NULL, 1 },
	{ "Status: affected\n---\n", "affected", 0 },
	{ "---\nStatus: affected", "affected", 0 },
	{ "Status: affected\n-----Original Message-----\nStatus: not-affected",
	  "affected", 2 },
	{ "Status: affected\n-----ORIGINAL MESSAGE-----\nStatus: x",
	  "affected", 2 },
	{ "Status: affected\n----- Original Message -----\nStatus: x",
	  "affected", 2 },
	{ "Status: affected\n-------- Original Message --------\nStatus: x",
	  "affected", 2 },
	{ "Status: affected\n-------- Forwarded Message --------\nStatus: x",
	  "affected", 2 },
	{ "Status: affected\n---------- Forwarded message ---------\nStatus: x",
	  "affected", 2 },
	{ "Status: affected\n-----Ursprüngliche Nachricht-----\nStatus: x",
	  "affected", 2 },
	{ "Status: affected\n-------- 転送メッセージ --------\nStatus: x",
	  "affected", 2 },
	{ "Status: affected\n-----元のメッセージ-----\nStatus: x",
	  "affected", 2 },
	{ "Status: affected\n\nOn Mon, Jan 4, 2027 at 10:00 AM Taro "
	  "<taro@acme.example> wrote:\nStatus: not-affected", "affected", 3 },
	{ "Status: affected\nOn 2027/01/04 10:00, Taro Yamada wrote:\n"
	  "Status: x", "affected", 2 },
	{ "Status: affected\nOn Mon, Jan 4, 2027 at 10:00 AM Taro Yamada <\n"
	  "taro@acme.example> wrote:\nStatus: x", "affected", 3 },
	{ "Status: affected\nOn Mon, Jan 4, 2027, Taro\nwrote:\nStatus: x",
	  "affected", 3 },
	{ "Status: affected\n2027年1月4日(月) 10:00 Taro <taro@acme.example>:\n"
	  "Status: x", "affected", 2 },
	{ "Status: affected\n山田太郎 さんは書きました:\nStatus: x",
	  "affected", 2 },
	{ "Status: affected\n山田さんは書きました：\nStatus: x", "affected",
	  2 },
	{ "Status: affected\nTaro Yamada <taro@acme.example>さんのメッセージ:\n"
	  "Status: x", "affected", 2 },
	{ "Status: affected\nFrom: Taro Yamada\nSent: Monday, January 4, 2027\n"
	  "To: vendor\nStatus: x", "affected", 2 },
	{ "Status: affected\n________________________________\n"
	  "From: Taro <t@a.example>\nDate: Mon\nStatus: x", "affected", 3 },
	{ "Status: affected\n差出人: 山田\n送信日時: 2027年1月4日 10:00\n"
	  "状況: 該当製品なし", "affected", 2 },
	{ "Status: affected\nBegin forwarded message:\nStatus: x",
	  "affected", 2 },
	/* Not cuts. */
	{ "Comment: as the reporter wrote:\nStatus: affected", "affected", 0 },
	{ "From: Taro\nTo: vendor\nStatus: affected", "affected", 0 },
	{ "Status: affected\nrewrote:", "affected", 0 },
	{ "Status: affected\n\n  -- \nComment: x", "affected", 0 },
	{ "Status: affected\nTaro <taro@acme.example>:", "affected", 0 },
};

START_TEST(test_cut)
{
	struct form *f = parse_ok(cut_tests[_i].input);

	ck_assert_pstr_eq(form_status_name(f->status), cut_tests[_i].status);
	ck_assert_uint_eq(f->cut_line, cut_tests[_i].cut_line);
	/* Nothing after the cut is read, so no duplicate or bad value. */
	ck_assert_uint_eq(f->errors->len, 0);
	form_free(&f);
}
END_TEST

/* ---- values as people write them, both languages ---- */

static const struct {
	const char *input;
	enum form_field field;
	const char *value;	/* NULL: refused with an error */
} natural_tests[] = {
	{ "Status: affected (investigating)", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: Affected - investigating", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: Affected, under investigation.", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: Not affected (investigating)", FORM_FIELD_STATUS,
	  "not-affected-investigating" },
	{ "Status: not affected", FORM_FIELD_STATUS, "not-affected" },
	{ "Status: Not affected.", FORM_FIELD_STATUS, "not-affected" },
	{ "Status: unaffected", FORM_FIELD_STATUS, "not-affected" },
	{ "Status: vulnerable", FORM_FIELD_STATUS, "affected" },
	{ "Status: under investigation", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "Status: ＡＦＦＥＣＴＥＤ", FORM_FIELD_STATUS, "affected" },
	{ "状況: 該当製品あり（調査中）", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "状況: 該当製品あり(調査中)", FORM_FIELD_STATUS,
	  "affected-investigating" },
	{ "状況：該当製品なし（調査中）", FORM_FIELD_STATUS,
	  "not-affected-investigating" },
	{ "状況: 該当あり", FORM_FIELD_STATUS, "affected" },
	{ "状況: 該当有り", FORM_FIELD_STATUS, "affected" },
	{ "状況: 調査中", FORM_FIELD_STATUS, "affected-investigating" },
	{ "状況: 該当しない", FORM_FIELD_STATUS, "not-affected" },
	{ "状況: 非該当", FORM_FIELD_STATUS, "not-affected" },
	{ "状況: 該当なし", FORM_FIELD_STATUS, "not-affected" },
	{ "状況: 該当製品無し。", FORM_FIELD_STATUS, "not-affected" },
	{ "ステータス: 該当あり・調査中", FORM_FIELD_STATUS,
	  "affected-investigating" },
	/* Still ambiguous: refused, and the vendor is asked again. */
	{ "Status: maybe", FORM_FIELD_STATUS, NULL },
	{ "Status: affected or not affected", FORM_FIELD_STATUS, NULL },
	{ "Status: not", FORM_FIELD_STATUS, NULL },
	{ "Status: investigating affected", FORM_FIELD_STATUS, NULL },
	{ "状況: 該当", FORM_FIELD_STATUS, NULL },
	{ "状況: 該当製品あり（不明）", FORM_FIELD_STATUS, NULL },
	{ "状況: 該当あり 該当なし", FORM_FIELD_STATUS, NULL },
	/* yes/no */
	{ "Request-Detail: yes please", FORM_FIELD_REQUEST_DETAIL, "yes" },
	{ "Request-Detail: Yes, please.", FORM_FIELD_REQUEST_DETAIL, "yes" },
	{ "Request-Detail: no thanks", FORM_FIELD_REQUEST_DETAIL, "no" },
	{ "詳細情報請求: はい", FORM_FIELD_REQUEST_DETAIL, "yes" },
	{ "詳細情報請求：要", FORM_FIELD_REQUEST_DETAIL, "yes" },
	{ "詳細情報請求: 希望します", FORM_FIELD_REQUEST_DETAIL, "yes" },
	{ "詳細情報請求: 不要", FORM_FIELD_REQUEST_DETAIL, "no" },
	{ "詳細情報請求: いいえ", FORM_FIELD_REQUEST_DETAIL, "no" },
	{ "Request-Detail: yes no", FORM_FIELD_REQUEST_DETAIL, NULL },
	{ "詳細情報請求: たぶん", FORM_FIELD_REQUEST_DETAIL, NULL },
	/* dates */
	{ "Fix-Date: 2027/1/5", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "Fix-Date: 2027年1月5日", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "修正予定日: 2027年 1月 5日", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "修正予定日: ２０２７年１月５日", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "修正予定日: 2027年1月5日(火)", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "修正予定日: 2027年1月5日（火）", FORM_FIELD_FIX_DATE,
	  "2027-01-05" },
	{ "Fix-Date: 2027.1.5", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "Fix-Date: Jan 5, 2027", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "Fix-Date: January 5, 2027", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "Fix-Date: Jan. 5th 2027", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "Fix-Date: 5 January 2027", FORM_FIELD_FIX_DATE, "2027-01-05" },
	{ "Fix-Date: Sept 30, 2027", FORM_FIELD_FIX_DATE, "2027-09-30" },
	{ "Workaround-Date: Feb 29, 2028", FORM_FIELD_WORKAROUND_DATE,
	  "2028-02-29" },
	{ "Publication-Date-Request: 2027年1月20日", FORM_FIELD_PUBDATE_REQUEST,
	  "2027-01-20" },
	{ "Publication-Date-Request: Jan 20, 2027 10:00",
	  FORM_FIELD_PUBDATE_REQUEST, "2027-01-20T10:00:00" },
	{ "Fix-Date: 2027年2月29日", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: Feb 30, 2027", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: Jan 5", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027年1月", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: Janu 5, 2027", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 1月5日", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: Jan 5, 20270", FORM_FIELD_FIX_DATE, NULL },
	{ "Fix-Date: 2027年1月5日頃", FORM_FIELD_FIX_DATE, NULL },
};

START_TEST(test_natural)
{
	struct form *f = parse_ok(natural_tests[_i].input);

	assert_field(f, natural_tests[_i].field, natural_tests[_i].value);
	ck_assert_uint_eq(f->errors->len, natural_tests[_i].value ? 0 : 1);
	if (natural_tests[_i].value == NULL) {
		const struct form_issue *e = issue(f->errors, 0);

		ck_assert_int_eq(e->kind, FORM_ISSUE_BAD_VALUE);
		/* The line is quoted back as written. */
		ck_assert_str_eq(e->text, natural_tests[_i].input);
		ck_assert_ptr_nonnull(form_field_accepted(e->field, "en"));
		ck_assert_ptr_nonnull(form_field_accepted(e->field, "ja"));
		ck_assert_pstr_ne(form_issue_message(e, "ja"), e->message);
	}
	form_free(&f);
}
END_TEST

/* ---- the quoted form ---- */

/* Our blank form in both languages, as notices_render() makes it; with a
 * default an operator's template might carry. */
static const char sent_form[] =
    "# Reply form: keep the labels; lines starting with # are ignored.\n"
    "# Status: affected | affected-investigating | not-affected |\n"
    "Case: JVNVU#12345678\n"
    "Request-Detail: no\n"
    "Status:\n"
    "Comment:\n"
    "Fix-Date:\n"
    "# 状況: 該当製品あり | 該当製品あり：調査中 | 該当製品なし |\n"
    "案件番号：JVNVU#12345678\n"
    "詳細情報請求：いいえ\n"
    "状況：\n"
    "コメント：\n";

static const struct {
	const char *input;
	const char *status;	/* expected Status, NULL: absent */
	const char *comment;	/* expected Comment, NULL: absent */
	int request_detail;
	unsigned overridden;	/* entries in overridden */
	unsigned errors;
} quoted_tests[] = {
	/* Bottom-posting: typed below the quote. */
	{ "> Status:\n> Comment:\n\nStatus: affected\nComment: ok",
	  "affected", "ok", -1, 0, 0 },
	/* Top-posting, the quoted form filled. */
	{ "Our answer is below.\n\n> Status: affected\n> Comment: fixed in 2.1",
	  "affected", "fixed in 2.1", -1, 0, 0 },
	{ ">> 状況: 該当製品あり\n>> コメント: 修正済み", "affected", "修正済み",
	  -1, 0, 0 },
	{ "> > Status: not affected", "not-affected", NULL, -1, 0, 0 },
	{ "＞状況：該当しない", "not-affected", NULL, -1, 0, 0 },
	/* A quoted continuation line. */
	{ "> Comment: fixed in 2.1\n>   and in 1.9.8", NULL,
	  "fixed in 2.1\nand in 1.9.8", -1, 0, 0 },
	/* Outlook: the form beneath the header block, unquoted. */
	{ "Please see below.\n\n-----Original Message-----\n"
	  "From: Vulture desk <desk@jp.example>\nSent: Monday, January 4, 2027"
	  "\nTo: psirt@acme.example\nSubject: [JVNVU#12345678] notice\n\n"
	  "Case:         JVNVU#12345678\nTitle:        Overflow\n\n"
	  "Case: JVNVU#12345678\nRequest-Detail: yes\nStatus: affected\n"
	  "Comment: fixed\n--\nVulture desk <desk@jp.example>",
	  "affected", "fixed", 1, 0, 0 },
	/* Outlook top-posting with a signature above the original. */
	{ "See the form below.\n-- \nTaro, ACME PSIRT\nTel: 03-0000-0000\n\n"
	  "________________________________\nFrom: desk@jp.example\n"
	  "Sent: Monday\n\nStatus: affected (investigating)\n",
	  "affected-investigating", NULL, -1, 0, 0 },
	/* The unchanged quoted form never counts: blanks, the default
	 * we sent, the hint lines. */
	{ "> # Status: affected | affected-investigating | not-affected |\n"
	  "> Case: JVNVU#12345678\n> Request-Detail: no\n> Status:\n"
	  "> Comment:\n>   \n> 状況：\n> 詳細情報請求：いいえ\n",
	  NULL, NULL, -1, 0, 0 },
	/* ... but typed unquoted, the default is the vendor's answer. */
	{ "Request-Detail: no\n> Request-Detail: no", NULL, NULL, 0, 0, 0 },
	{ "> Request-Detail: yes", NULL, NULL, 1, 0, 0 },
	/* Both filled: the unquoted one wins, the other is listed. */
	{ "Status: not affected\n\n> Status: affected\n> Comment: x",
	  "not-affected", "x", -1, 1, 0 },
	{ "> Status: affected\n\nStatus: not-affected", "not-affected", NULL,
	  -1, 1, 0 },
	{ "Status: affected\n-----Original Message-----\nStatus: not-affected",
	  "affected", NULL, -1, 1, 0 },
	/* Less quoted wins among quoted values too. */
	{ "> Status: affected\n>> Status: not-affected", "affected", NULL,
	  -1, 1, 0 },
	/* The same value inside and outside: nothing to say. */
	{ "Status: affected\n> Status: affected", "affected", NULL, -1, 0, 0 },
	/* A bad quoted value that the unquoted one replaced is no error. */
	{ "Status: affected\n> Status: perhaps", "affected", NULL, -1, 1, 0 },
	/* A bad typed quoted value is an error like any other. */
	{ "> Status: perhaps", NULL, NULL, -1, 0, 1 },
	/* Two different values at the same level: an error. */
	{ "> Status: affected\n> Status: not-affected", "affected", NULL, -1,
	  0, 1 },
	/* Share-With: a quoted copy of a kept entry is nothing to say. */
	{ "Share-With: A KK; Taro; t@a.example\n"
	  "> Share-With: A KK; Taro; t@a.example\n"
	  "> Share-With: B KK; Jiro; j@b.example", NULL, NULL, -1, 1, 0 },
	/* A quoted Case line is the notice's own. */
	{ "> Case: JVNVU#99999999\n> Status: affected", "affected", NULL, -1,
	  0, 0 },
	/* Deeper than FORM_MAX_QUOTE_DEPTH: ignored. */
	{ ">>>>>>>>> Status: affected", NULL, NULL, -1, 0, 0 },
	{ ">>>>>>>> Status: affected", "affected", NULL, -1, 0, 0 },
	/* Unquoted text after the signature stays ignored. */
	{ "Status: affected\n-- \nStatus: not-affected\nComment: sig",
	  "affected", NULL, -1, 0, 0 },
};

START_TEST(test_quoted)
{
	struct form *f = NULL;
	const char *err = NULL, *in = quoted_tests[_i].input;

	ck_assert_msg(form_parse_reply(in, strlen(in), sent_form,
	    strlen(sent_form), &f, &err) == 0, "refused: %s", err);
	ck_assert_pstr_eq(form_status_name(f->status),
	    quoted_tests[_i].status);
	ck_assert_pstr_eq(f->comment, quoted_tests[_i].comment);
	ck_assert_int_eq(f->request_detail, quoted_tests[_i].request_detail);
	ck_assert_uint_eq(f->overridden->len, quoted_tests[_i].overridden);
	ck_assert_uint_eq(f->errors->len, quoted_tests[_i].errors);
	ck_assert_ptr_null(f->case_id);
	/* Quoted text is our mail: its "Title:" is not reported. */
	ck_assert_uint_eq(f->unknown->len, 0);
	form_free(&f);
}
END_TEST

/* What the acknowledgement tells: which value won, and where. */
START_TEST(test_quoted_detail)
{
	static const char in[] = "Status: not affected\n"
	    "Comment: typed above\n\n"
	    "> Status: affected (investigating)\n"
	    "> Comment: typed above\n";
	struct form *f = NULL;
	const struct form_issue *o;

	ck_assert_int_eq(form_parse_reply(in, strlen(in), sent_form,
	    strlen(sent_form), &f, NULL), 0);
	ck_assert_int_eq(f->status, FORM_STATUS_NOT_AFFECTED);
	ck_assert_uint_eq(f->quote[FORM_FIELD_STATUS], 0);
	ck_assert_uint_eq(f->overridden->len, 1);
	o = issue(f->overridden, 0);
	ck_assert_int_eq(o->kind, FORM_ISSUE_OVERRIDDEN);
	ck_assert_int_eq(o->field, FORM_FIELD_STATUS);
	ck_assert_uint_eq(o->line, 4);
	ck_assert_uint_eq(o->quote, 1);
	ck_assert_str_eq(o->text, "Status: affected (investigating)");
	ck_assert_uint_eq(f->n_fields, 2);
	form_free(&f);

	/* Without the form as sent, a quoted default would count. */
	ck_assert_int_eq(form_parse("> Request-Detail: no", 20, &f, NULL), 0);
	ck_assert_int_eq(f->request_detail, 0);
	ck_assert_uint_eq(f->quote[FORM_FIELD_REQUEST_DETAIL], 1);
	form_free(&f);
	/* The line quoted back carries no control characters. */
	ck_assert_int_eq(form_parse("> Status: \x1b[2Jx", 15, &f, NULL), 0);
	ck_assert_uint_eq(f->errors->len, 1);
	ck_assert_str_eq(issue(f->errors, 0)->text,
	    "Status: \xef\xbf\xbd[2Jx");
	ck_assert_uint_eq(issue(f->errors, 0)->quote, 1);
	form_free(&f);
	/* A sent form that is not text is not used, never an error. */
	ck_assert_int_eq(form_parse_reply("> Request-Detail: no", 20,
	    "Request-Detail: no\xff", 19, &f, NULL), 0);
	ck_assert_int_eq(f->request_detail, 0);
	form_free(&f);
}
END_TEST

/* The form's words in both languages. */
START_TEST(test_words)
{
	int i;

	for (i = FORM_FIELD_CASE; i < FORM_FIELD_COUNT; i++) {
		ck_assert_ptr_nonnull(form_field_label(i, "ja"));
		ck_assert_str_eq(form_field_label(i, "en"),
		    form_field_name(i));
	}
	ck_assert_ptr_null(form_field_label(FORM_FIELD_NONE, "ja"));
	ck_assert_ptr_null(form_field_label(FORM_FIELD_COUNT, "en"));
	ck_assert_str_eq(form_field_label(FORM_FIELD_STATUS, "ja"), "状況");
	ck_assert_int_eq(form_field_published(FORM_FIELD_STATUS), 1);
	ck_assert_int_eq(form_field_published(FORM_FIELD_COMMENT), 1);
	ck_assert_int_eq(form_field_published(FORM_FIELD_ADVISORY_URL), 1);
	ck_assert_int_eq(form_field_published(FORM_FIELD_FIX_DATE), 1);
	ck_assert_int_eq(form_field_published(FORM_FIELD_REASON), 0);
	ck_assert_int_eq(form_field_published(FORM_FIELD_SHARE_WITH), 0);
	ck_assert_int_eq(form_field_published(FORM_FIELD_REQUEST_DETAIL), 0);
	ck_assert_ptr_null(form_field_accepted(FORM_FIELD_COMMENT, "en"));
}
END_TEST

/* ---- unknown labels ---- */

static const struct {
	const char *input;
	const char *label;	/* NULL: no unknown label */
	unsigned line;
} unknown_tests[] = {
	{ "Note: x", "Note", 1 },
	{ "\n\nX-Product-Version: 2.4", "X-Product-Version", 3 },
	{ "メモ：確認中", "メモ", 1 },
	{ "製品名v2: httpd", "製品名v2", 1 },
	{ "From: Taro", "From", 1 },
	{ "Hello team,", NULL, 0 },
	{ "see https://x.example/", NULL, 0 },
	{ "https://x.example/: x", NULL, 0 },
	{ "10:00 meeting", NULL, 0 },
	{ "Vendor Name: Acme", NULL, 0 },
	{ "Note:", NULL, 0 },
	{ "以下の通りです：", NULL, 0 },
	{ "よろしく、お願い: x", NULL, 0 },
	{ "一二三四五六七八九十一二三: x", NULL, 0 },
	{ "A234567890123456789012345678901234567890: x",
	  "A234567890123456789012345678901234567890", 1 },
	{ "A2345678901234567890123456789012345678901: x", NULL, 0 },
	{ "-Note: x", NULL, 0 },
	{ "Note_x: y", NULL, 0 },
};

START_TEST(test_unknown)
{
	struct form *f = parse_ok(unknown_tests[_i].input);

	if (unknown_tests[_i].label == NULL)
		ck_assert_uint_eq(f->unknown->len, 0);
	else {
		const struct form_issue *u = issue(f->unknown, 0);

		ck_assert_uint_eq(f->unknown->len, 1);
		ck_assert_str_eq(u->label, unknown_tests[_i].label);
		ck_assert_uint_eq(u->line, unknown_tests[_i].line);
		ck_assert_int_eq(u->kind, FORM_ISSUE_UNKNOWN_LABEL);
		ck_assert_int_eq(u->field, FORM_FIELD_NONE);
	}
	ck_assert_uint_eq(f->errors->len, 0);
	ck_assert_uint_eq(f->n_fields, 0);
	form_free(&f);
}
END_TEST

/* ---- duplicates ---- */

START_TEST(test_duplicates)
{
	struct form *f;
	const struct form_issue *e;

	f = parse_ok("Status: affected\nComment: x\n状況：該当製品なし");
	ck_assert_int_eq(f->status, FORM_STATUS_AFFECTED);
	ck_assert_uint_eq(f->errors->len, 1);
	e = issue(f->errors, 0);
	ck_assert_int_eq(e->kind, FORM_ISSUE_DUPLICATE);
	ck_assert_int_eq(e->field, FORM_FIELD_STATUS);
	ck_assert_uint_eq(e->line, 3);
	ck_assert_str_eq(e->label, "状況");
	ck_assert_uint_eq(f->n_fields, 2);
	form_free(&f);

	/* The same value twice (a form pasted twice) is no conflict. */
	f = parse_ok("Case: JVNVU#1\nCase: JVNVU#1");
	ck_assert_str_eq(f->case_id, "JVNVU#1");
	ck_assert_uint_eq(f->errors->len, 0);
	form_free(&f);

	/* An empty value is "not given", so the later value counts. */
	f = parse_ok("Fix-Date:\nFix-Date: 2027-01-05\nFix-Date:");
	ck_assert_str_eq(f->fix_date, "2027-01-05");
	ck_assert_uint_eq(f->errors->len, 0);
	form_free(&f);

	/* First wins even when it is invalid: nothing is recorded. */
	f = parse_ok("Status: bogus\nStatus: affected");
	ck_assert_int_eq(f->status, FORM_STATUS_NONE);
	ck_assert_uint_eq(f->errors->len, 2);
	ck_assert_int_eq(issue(f->errors, 0)->kind, FORM_ISSUE_BAD_VALUE);
	ck_assert_int_eq(issue(f->errors, 1)->kind, FORM_ISSUE_DUPLICATE);
	form_free(&f);

	f = parse_ok("Comment: a\nComment: b\n  c");
	ck_assert_str_eq(f->comment, "a");
	ck_assert_uint_eq(f->errors->len, 1);
	form_free(&f);

	/* Share-With is a list; the same address twice is reported. */
	f = parse_ok("Share-With: A; B; a@x.example\n"
	    "Share-With: C; D; c@x.example; 03\n"
	    "Share-With: E; F; A@X.example");
	ck_assert_uint_eq(f->shares->len, 2);
	ck_assert_str_eq(((struct form_share *)
	    g_ptr_array_index(f->shares, 1))->phone, "03");
	ck_assert_uint_eq(f->errors->len, 1);
	ck_assert_int_eq(issue(f->errors, 0)->kind, FORM_ISSUE_DUPLICATE);
	ck_assert_uint_eq(issue(f->errors, 0)->line, 3);
	ck_assert_uint_eq(f->n_fields, 1);
	form_free(&f);
}
END_TEST

/* ---- the whole form ---- */

static const char *const full_form =
    "Hello JPCERT/CC team,\n"
    "\n"
    "Case: JVNVU#12345678\n"
    "Request-Detail: yes\n"
    "Status: affected-investigating\n"
    "Comment: Fixed in acme-httpd 2.4.1. See our advisory.\n"
    "  (continuation lines are indented)\n"
    "Advisory-URL: https://acme.example/security/2027-001\n"
    "Fix-Date: 2027-01-05\n"
    "Workaround-Date: 2026-12-20\n"
    "Publication-Date-Request: 2027-01-20\n"
    "Reason: firmware release train\n"
    "Share-With: Example Subcontractor KK; Taro Yamada; taro@sub.example; "
    "+81-3-0000-0000\n"
    "Fix-Plan: release 2.4.1\n"
    "Workaround-Plan: disable mod_x\n"
    "\n"
    "Best regards,\n"
    "-- \n"
    "Hanako, Acme PSIRT\n"
    "Tel: 03-0000-0000\n";

static void
assert_full_form(const struct form *f)
{
	const struct form_share *sh;

	ck_assert_str_eq(f->case_id, "JVNVU#12345678");
	ck_assert_int_eq(f->request_detail, 1);
	ck_assert_int_eq(f->status, FORM_STATUS_AFFECTED_INVESTIGATING);
	ck_assert_str_eq(f->comment, "Fixed in acme-httpd 2.4.1. See our "
	    "advisory.\n(continuation lines are indented)");
	ck_assert_str_eq(f->advisory_url,
	    "https://acme.example/security/2027-001");
	ck_assert_str_eq(f->fix_date, "2027-01-05");
	ck_assert_str_eq(f->workaround_date, "2026-12-20");
	ck_assert_str_eq(f->pubdate_request, "2027-01-20");
	ck_assert_int_eq(f->pubdate_has_time, 0);
	ck_assert_str_eq(f->reason, "firmware release train");
	ck_assert_str_eq(f->fix_plan, "release 2.4.1");
	ck_assert_str_eq(f->workaround_plan, "disable mod_x");
	ck_assert_uint_eq(f->shares->len, 1);
	sh = g_ptr_array_index(f->shares, 0);
	ck_assert_str_eq(sh->organisation, "Example Subcontractor KK");
	ck_assert_str_eq(sh->contact, "Taro Yamada");
	ck_assert_str_eq(sh->address, "taro@sub.example");
	ck_assert_str_eq(sh->phone, "+81-3-0000-0000");
	ck_assert_uint_eq(f->n_fields, 12);
	ck_assert_uint_eq(f->errors->len, 0);
	ck_assert_uint_eq(f->unknown->len, 0);
	ck_assert_uint_eq(f->cut_line, 18);
}

START_TEST(test_full_form)
{
	struct form *f = parse_ok(full_form);

	assert_full_form(f);
	form_free(&f);
}
END_TEST

START_TEST(test_crlf_bom)
{
	GString *s = g_string_new("\xef\xbb\xbf");
	const char *p;
	struct form *f;

	for (p = full_form; *p != '\0'; p++) {
		if (*p == '\n')
			g_string_append_c(s, '\r');
		g_string_append_c(s, *p);
	}
	f = parse_ok(s->str);
	assert_full_form(f);
	form_free(&f);
	g_string_free(s, TRUE);

	/* The BOM does not hide the first label. */
	f = parse_ok("\xef\xbb\xbfStatus: affected");
	ck_assert_int_eq(f->status, FORM_STATUS_AFFECTED);
	ck_assert_uint_eq(f->unknown->len, 0);
	form_free(&f);

	/* Lone trailing CRs are whitespace. */
	f = parse_ok("Case: JVNVU#1\r\r\n");
	ck_assert_str_eq(f->case_id, "JVNVU#1");
	form_free(&f);
}
END_TEST

START_TEST(test_nbsp)
{
	struct form *f;

	f = parse_ok("\xc2\xa0\xc2\xa0" "Case\xc2\xa0:\xc2\xa0JVNVU#1\n"
	    "Status:\xc2\xa0" "affected\xc2\xa0\n"
	    "Share-With: A\xc2\xa0" "B; C; c@x.example");
	ck_assert_int_eq(f->status, FORM_STATUS_AFFECTED);
	ck_assert_str_eq(f->case_id, "JVNVU#1");
	ck_assert_str_eq(((struct form_share *)
	    g_ptr_array_index(f->shares, 0))->organisation, "A B");
	form_free(&f);
}
END_TEST

/* Our own template, echoed back unquoted without being filled in. */
START_TEST(test_blank_form)
{
	static const char *const blank =
	    "# Please fill in what applies and send this form back.\n"
	    "# Status: affected | affected-investigating | not-affected |\n"
	    "#         not-affected-investigating\n"
	    "Case:\n"
	    "Request-Detail:\n"
	    "Status:\n"
	    "Comment:\n"
	    "Advisory-URL:\n"
	    "Fix-Date:\n"
	    "Workaround-Date:\n"
	    "Fix-Plan:\n"
	    "Workaround-Plan:\n"
	    "Publication-Date-Request:\n"
	    "Reason:\n"
	    "Share-With:\n"
	    "# 日本語の項目名も使えます\n"
	    "案件：\n詳細情報請求：\n状況：\nコメント：\nアドバイザリURL：\n"
	    "修正予定日：\n回避策予定日：\n対策方法：\n回避策：\n"
	    "公開日変更希望：\n理由：\n情報共有先：\n";
	struct form *f = parse_ok(blank);

	ck_assert_uint_eq(f->n_fields, 0);
	ck_assert_uint_eq(f->errors->len, 0);
	ck_assert_uint_eq(f->unknown->len, 0);
	ck_assert_ptr_null(f->case_id);
	ck_assert_int_eq(f->request_detail, -1);
	ck_assert_int_eq(f->status, FORM_STATUS_NONE);
	ck_assert_ptr_null(f->comment);
	ck_assert_uint_eq(f->shares->len, 0);
	form_free(&f);
}
END_TEST

START_TEST(test_empty)
{
	struct form *f = NULL;
	const char *error = NULL;

	ck_assert_int_eq(form_parse(NULL, 0, &f, &error), 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->n_fields, 0);
	ck_assert_int_eq(f->request_detail, -1);
	ck_assert_uint_eq(f->shares->len + f->unknown->len + f->errors->len,
	    0);
	form_free(&f);

	f = parse_ok("");
	ck_assert_uint_eq(f->n_fields, 0);
	form_free(&f);

	f = parse_ok("\n\n \n\t\n　\n");
	ck_assert_uint_eq(f->n_fields, 0);
	ck_assert_uint_eq(f->cut_line, 0);
	form_free(&f);

	f = parse_ok("\xef\xbb\xbf");
	ck_assert_uint_eq(f->n_fields, 0);
	form_free(&f);

	/* form_free() accepts NULL and a NULL form. */
	form_free(NULL);
	f = NULL;
	form_free(&f);
	ck_assert_ptr_null(f);
}
END_TEST

/* ---- whole-input refusals ---- */

static const struct {
	const char *input;
	size_t len;
	const char *error;
} refuse_tests[] = {
	{ "Status: affected\xff", 17, "input is not valid UTF-8" },
	{ "\xc0\xaf", 2, "input is not valid UTF-8" },
	{ "Comment: \xe3\x80", 11, "input is not valid UTF-8" },
	{ "\xed\xa0\x80", 3, "input is not valid UTF-8" },
	{ "Status: affected\0Status: x", 26, "input contains a NUL byte" },
	{ "\0", 1, "input contains a NUL byte" },
	{ NULL, 5, "no input" },
};

START_TEST(test_refuse)
{
	ck_assert_str_eq(parse_fail(refuse_tests[_i].input,
	    refuse_tests[_i].len), refuse_tests[_i].error);
}
END_TEST

/* Repeats line (with "\n") n times, after head. */
static char *
repeat(const char *head, const char *line, unsigned n)
{
	GString *s = g_string_new(head);

	while (n-- > 0) {
		g_string_append(s, line);
		g_string_append_c(s, '\n');
	}
	return g_string_free(s, FALSE);
}

START_TEST(test_limit_input)
{
	char *s = g_malloc(FORM_MAX_INPUT + 1);
	struct form *f;

	memset(s, '\n', FORM_MAX_INPUT + 1);
	ck_assert_str_eq(parse_fail(s, FORM_MAX_INPUT + 1), "input too large");
	/* At the limit (and under the line limit after a cut) it parses. */
	memcpy(s, "Status: affected\n--\n", 20);
	ck_assert_int_eq(form_parse(s, FORM_MAX_INPUT, &f, NULL), 0);
	ck_assert_int_eq(f->status, FORM_STATUS_AFFECTED);
	form_free(&f);
	g_free(s);
}
END_TEST

START_TEST(test_limit_line)
{
	char *s = g_malloc(FORM_MAX_LINE + 64);
	struct form *f;
	size_t n;

	/* Exactly FORM_MAX_LINE bytes, CRLF not counted. */
	n = g_snprintf(s, 64, "Comment: ");
	memset(s + n, 'x', FORM_MAX_LINE - n);
	memcpy(s + FORM_MAX_LINE, "\r\n", 3);
	f = parse_ok(s);
	ck_assert_uint_eq(strlen(f->comment), FORM_MAX_LINE - n);
	form_free(&f);

	s[FORM_MAX_LINE] = 'x';
	ck_assert_str_eq(parse_fail(s, strlen(s)), "line too long");
	/* Quoted or not, every line before the cut is bounded. */
	s[0] = '>';
	ck_assert_str_eq(parse_fail(s, FORM_MAX_LINE + 1), "line too long");
	g_free(s);
}
END_TEST

START_TEST(test_limit_lines)
{
	char *s;
	struct form *f;

	s = repeat("", "x", FORM_MAX_LINES);
	f = parse_ok(s);
	form_free(&f);
	g_free(s);

	s = repeat("", "x", FORM_MAX_LINES + 1);
	ck_assert_str_eq(parse_fail(s, strlen(s)), "too many lines");
	g_free(s);

	/* Lines after the cut are not read, so they do not count. */
	s = repeat("Status: affected\n-- \n", "x", FORM_MAX_LINES + 10);
	f = parse_ok(s);
	ck_assert_int_eq(f->status, FORM_STATUS_AFFECTED);
	form_free(&f);
	g_free(s);
}
END_TEST

START_TEST(test_limit_value)
{
	char *first = g_strnfill(1022, 'y');
	char *line = g_strnfill(1023, 'y');	/* 1024 with the "\n" join */
	GString *g = g_string_new("Comment: ");
	struct form *f;
	unsigned i;

	/* 1022 + 15 * 1024 + 2 = FORM_MAX_VALUE exactly. */
	g_string_append(g, first);
	for (i = 0; i < 15; i++) {
		g_string_append(g, "\n ");
		g_string_append(g, line);
	}
	g_string_append(g, "\n z");
	f = parse_ok(g->str);
	ck_assert_ptr_nonnull(f->comment);
	ck_assert_uint_eq(strlen(f->comment), FORM_MAX_VALUE);
	ck_assert_uint_eq(f->errors->len, 0);
	form_free(&f);

	/* One byte over. */
	g_string_append(g, "z");
	f = parse_ok(g->str);
	ck_assert_ptr_null(f->comment);
	ck_assert_uint_eq(f->errors->len, 1);
	ck_assert_int_eq(issue(f->errors, 0)->kind, FORM_ISSUE_TOO_LONG);
	ck_assert_int_eq(issue(f->errors, 0)->field, FORM_FIELD_COMMENT);
	ck_assert_uint_eq(issue(f->errors, 0)->line, 1);
	ck_assert_uint_eq(f->n_fields, 0);
	form_free(&f);

	/* Further lines of the too long value are not taken as labels. */
	g_string_append(g, "\n Status: affected\nReason: r");
	f = parse_ok(g->str);
	ck_assert_int_eq(f->status, FORM_STATUS_NONE);
	ck_assert_str_eq(f->reason, "r");
	form_free(&f);

	g_string_free(g, TRUE);
	g_free(first);
	g_free(line);
}
END_TEST

START_TEST(test_limit_case_url)
{
	char *v, *s;
	struct form *f;

	v = g_strnfill(FORM_MAX_CASE_ID, 'C');
	s = g_strconcat("Case: ", v, NULL);
	f = parse_ok(s);
	ck_assert_str_eq(f->case_id, v);
	form_free(&f);
	g_free(s);
	s = g_strconcat("Case: ", v, "C", NULL);
	f = parse_ok(s);
	ck_assert_ptr_null(f->case_id);
	ck_assert_int_eq(issue(f->errors, 0)->kind, FORM_ISSUE_TOO_LONG);
	form_free(&f);
	g_free(s);
	g_free(v);

	v = g_strnfill(FORM_MAX_URL - 18, 'u');
	s = g_strconcat("Advisory-URL: https://a.example/", v, NULL);
	f = parse_ok(s);
	ck_assert_uint_eq(strlen(f->advisory_url), FORM_MAX_URL);
	form_free(&f);
	g_free(s);
	s = g_strconcat("Advisory-URL: https://a.example/", v, "u", NULL);
	f = parse_ok(s);
	ck_assert_ptr_null(f->advisory_url);
	ck_assert_int_eq(issue(f->errors, 0)->kind, FORM_ISSUE_TOO_LONG);
	form_free(&f);
	g_free(s);
	g_free(v);

	v = g_strnfill(FORM_MAX_SHARE_FIELD + 1, 'o');
	s = g_strconcat("Share-With: ", v, "; N; a@b.example", NULL);
	f = parse_ok(s);
	ck_assert_uint_eq(f->shares->len, 0);
	ck_assert_int_eq(issue(f->errors, 0)->kind, FORM_ISSUE_TOO_LONG);
	form_free(&f);
	g_free(s);
	g_free(v);
}
END_TEST

START_TEST(test_limit_shares)
{
	GString *g = g_string_new(NULL);
	struct form *f;
	unsigned i;

	for (i = 0; i < FORM_MAX_SHARES + 2; i++)
		g_string_append_printf(g, "Share-With: O%u; N; a%u@x.example\n",
		    i, i);
	f = parse_ok(g->str);
	ck_assert_uint_eq(f->shares->len, FORM_MAX_SHARES);
	ck_assert_str_eq(((struct form_share *)g_ptr_array_index(f->shares,
	    FORM_MAX_SHARES - 1))->organisation, "O15");
	ck_assert_uint_eq(f->errors->len, 2);
	ck_assert_int_eq(issue(f->errors, 0)->kind, FORM_ISSUE_TOO_MANY);
	ck_assert_uint_eq(issue(f->errors, 0)->line, FORM_MAX_SHARES + 1);
	ck_assert_uint_eq(f->n_fields, 1);
	form_free(&f);
	g_string_free(g, TRUE);
}
END_TEST

START_TEST(test_limit_unknown_errors)
{
	GString *g = g_string_new(NULL);
	struct form *f;
	unsigned i;

	for (i = 0; i < FORM_MAX_UNKNOWN + 8; i++)
		g_string_append_printf(g, "X-Note%u: v\n", i);
	/* One bad value, then conflicting duplicates. */
	for (i = 0; i < FORM_MAX_ERRORS + 5; i++)
		g_string_append_printf(g, "Status: bogus%u\n", i);
	f = parse_ok(g->str);
	ck_assert_uint_eq(f->unknown->len, FORM_MAX_UNKNOWN);
	ck_assert_uint_eq(f->unknown_dropped, 8);
	ck_assert_str_eq(issue(f->unknown, FORM_MAX_UNKNOWN - 1)->label,
	    "X-Note31");
	ck_assert_uint_eq(f->errors->len, FORM_MAX_ERRORS);
	ck_assert_uint_eq(f->errors_dropped, 5);
	form_free(&f);
	g_string_free(g, TRUE);
}
END_TEST

START_TEST(test_names)
{
	int i;

	ck_assert_ptr_null(form_status_name(FORM_STATUS_NONE));
	ck_assert_str_eq(form_status_name(
	    FORM_STATUS_NOT_AFFECTED_INVESTIGATING),
	    "not-affected-investigating");
	ck_assert_ptr_null(form_status_name((enum form_status)99));
	ck_assert_ptr_null(form_field_name(FORM_FIELD_NONE));
	ck_assert_ptr_null(form_field_name(FORM_FIELD_COUNT));
	/* Every canonical name parses back to its field. */
	for (i = FORM_FIELD_NONE + 1; i < FORM_FIELD_COUNT; i++) {
		char *s = g_strdup_printf("%s: x", form_field_name(i));
		struct form *f = parse_ok(s);

		ck_assert_uint_eq(f->unknown->len, 0);
		ck_assert_uint_eq(f->n_fields + f->errors->len, 1);
		if (f->errors->len > 0)
			ck_assert_int_eq(issue(f->errors, 0)->field, i);
		form_free(&f);
		g_free(s);
	}
}
END_TEST

/*
 * ---- edge inputs ----
 * 3.6 million libFuzzer runs found no crash, leak or UB, so these are the
 * byte-level corners the fuzzer was pointed at, kept as regressions: every
 * one must parse (or be refused) without tripping ASan/UBSan/valgrind.
 */

static const struct {
	const char *input;
	int ret;
} edge_tests[] = {
	{ "", 0 },
	{ ":", 0 },
	{ "\xef\xbc\x9a", 0 },
	{ "Status:", 0 },
	{ "Status\xef\xbc\x9a", 0 },
	{ "\xc2\xa0", 0 },
	{ "a\xc2\xa9\xc2\xa0\xc2", -1 },	/* truncated at the end */
	{ "\r", 0 },
	{ "\r\n\r\n", 0 },
	{ "\xe3\x80\x80", 0 },
	{ "Comment:\n\xe3\x80\x80", 0 },
	{ "Share-With:;", 0 },
	{ "Share-With:\xef\xbc\x9b\xef\xbc\x9b\xef\xbc\x9b\xef\xbc\x9b", 0 },
	{ "Share-With: a; b; @", 0 },
	{ "Share-With: a; b; x@", 0 },
	{ "Share-With: a; b; x@.", 0 },
	{ "Share-With: a; b; <>", 0 },
	{ "Advisory-URL: <", 0 },
	{ "Advisory-URL: <>", 0 },
	{ "Advisory-URL: http://", 0 },
	{ "Fix-Date: 2027-", 0 },
	{ "Fix-Date: 2027-1", 0 },
	{ "Fix-Date: 9999-12-31", 0 },
	{ "Publication-Date-Request: 2027-01-01T1:", 0 },
	{ "Publication-Date-Request: 2027-01-01T10:00:", 0 },
	{ "Publication-Date-Request: 2027-01-01T10:00+", 0 },
	{ "Publication-Date-Request: 2027-01-01T10:00+09:", 0 },
	{ "Status: \xe8\xa9\xb2\xe5\xbd\x93\xe8\xa3\xbd\xe5\x93\x81\xe3\x81"
	  "\x82\xe3\x82\x8a\xef\xbc\x9a", 0 },
	{ "Status: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
	{ "From:\nSent:", 0 },
	{ "From:", 0 },
	{ "--", 0 },
	{ "--\n--", 0 },
	{ "wrote:", 0 },
	{ ">:", 0 },
	{ "<@>:", 0 },
	{ "\xef\xbb", -1 },
};

START_TEST(test_edge_inputs)
{
	struct form *f = NULL;
	const char *error = NULL;
	int ret;

	ret = form_parse(edge_tests[_i].input, strlen(edge_tests[_i].input),
	    &f, &error);
	ck_assert_int_eq(ret, edge_tests[_i].ret);
	ck_assert(ret == 0 ? f != NULL : f == NULL && error != NULL);
	form_free(&f);
}
END_TEST

/* The registration form: label -> slot, first kept value wins. */
static const struct {
	const char *text;
	int ret;
	const char *org, *contact, *phone, *keywords, *case_id;
} reg_tests[] = {
	{ "Organisation: Acme Corp\nContact: Jane Doe\nPhone: +1 555 0100\n"
	  "Keywords: router, vpn\nCase: VU#123456\n", 1,
	  "Acme Corp", "Jane Doe", "+1 555 0100", "router, vpn", "VU#123456" },
	/* Spelling, case, CRLF, indentation and blanks around the value. */
	{ "  ORGANIZATION:   Acme  \r\nphone:\t12\r\n", 1,
	  "Acme", NULL, "12", NULL, NULL },
	/* Japanese labels, full-width colon. */
	{ "組織名：株式会社アクメ\n担当者：山田 太郎\n電話番号：03-1234-5678\n"
	  "技術キーワード：ルータ\n案件番号：JVNVU#9999\n", 1,
	  "株式会社アクメ", "山田 太郎", "03-1234-5678", "ルータ", "JVNVU#9999" },
	/* The other Japanese organisation label, ASCII colon. */
	{ "会社名: アクメ\n", 1, "アクメ", NULL, NULL, NULL, NULL },
	/* The first colon of either width ends the label. */
	{ "Organisation：Acme: EMEA\nContact: a：b\n", 1,
	  "Acme: EMEA", "a：b", NULL, NULL, NULL },
	/* A label given twice: the first counts, across spellings too. */
	{ "Organisation: First\nOrganization: Second\n会社名：Third\n"
	  "Contact: one\nContact: two\n", 1,
	  "First", "one", NULL, NULL, NULL },
	/* ... but an empty first value does not take the slot. */
	{ "Organisation:\nOrganisation: Second\n", 1,
	  "Second", NULL, NULL, NULL, NULL },
	/* Not UTF-8: dropped. */
	{ "Organisation: \xff\xfe\nContact: Jane\n", 0,
	  NULL, "Jane", NULL, NULL, NULL },
	/* Unknown labels, no colon: nothing. */
	{ "Hello\nName: Acme\nOrg: Acme\n", 0,
	  NULL, NULL, NULL, NULL, NULL },
	{ "", 0, NULL, NULL, NULL, NULL, NULL },
	{ NULL, 0, NULL, NULL, NULL, NULL, NULL },
};

START_TEST(test_regform)
{
	struct regform f;
	int ret;

	memset(&f, 0xa5, sizeof(f));	/* not read: overwritten */
	ret = regform_parse(reg_tests[_i].text, &f);
	ck_assert_int_eq(ret, reg_tests[_i].ret);
	ck_assert_pstr_eq(f.organisation, reg_tests[_i].org);
	ck_assert_pstr_eq(f.contact, reg_tests[_i].contact);
	ck_assert_pstr_eq(f.phone, reg_tests[_i].phone);
	ck_assert_pstr_eq(f.keywords, reg_tests[_i].keywords);
	ck_assert_pstr_eq(f.case_id, reg_tests[_i].case_id);
	regform_clear(&f);
	ck_assert_ptr_null(f.organisation);
	ck_assert_ptr_null(f.case_id);
}
END_TEST

/* REG_MAX_VALUE bytes are kept, one more is dropped (the next kept value
 * of the label then counts). */
START_TEST(test_regform_limit)
{
	char *at = g_strnfill(REG_MAX_VALUE, 'a');
	char *over = g_strnfill(REG_MAX_VALUE + 1, 'b');
	char *text;
	struct regform f;

	text = g_strdup_printf("Organisation: %s\nContact: %s\n", at, over);
	ck_assert_int_eq(regform_parse(text, &f), 1);
	ck_assert_str_eq(f.organisation, at);
	ck_assert_ptr_null(f.contact);
	regform_clear(&f);
	g_free(text);
	text = g_strdup_printf("会社名：%s\nOrganisation: Acme\n", over);
	ck_assert_int_eq(regform_parse(text, &f), 1);
	ck_assert_str_eq(f.organisation, "Acme");
	regform_clear(&f);
	g_free(text);
	text = g_strdup_printf("Organisation: %s\n", over);
	ck_assert_int_eq(regform_parse(text, &f), 0);
	ck_assert_ptr_null(f.organisation);
	regform_clear(&f);
	g_free(text);
	g_free(at);
	g_free(over);
}
END_TEST

Suite *
make_form_suite(void)
{
	Suite *s = suite_create("form");
	TCase *tc;

	tc = tcase_create("fields");
	tcase_add_loop_test(tc, test_labels, 0, G_N_ELEMENTS(label_tests));
	tcase_add_loop_test(tc, test_values, 0, G_N_ELEMENTS(value_tests));
	tcase_add_loop_test(tc, test_pubdate, 0, G_N_ELEMENTS(pubdate_tests));
	tcase_add_loop_test(tc, test_not_continued, 0,
	    G_N_ELEMENTS(notcont_tests));
	tcase_add_loop_test(tc, test_continuation, 0,
	    G_N_ELEMENTS(cont_tests));
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("lines");
	tcase_add_loop_test(tc, test_cut, 0, G_N_ELEMENTS(cut_tests));
	tcase_add_loop_test(tc, test_natural, 0, G_N_ELEMENTS(natural_tests));
	tcase_add_loop_test(tc, test_quoted, 0, G_N_ELEMENTS(quoted_tests));
	tcase_add_test(tc, test_quoted_detail);
	tcase_add_test(tc, test_words);
	tcase_add_loop_test(tc, test_unknown, 0, G_N_ELEMENTS(unknown_tests));
	tcase_add_test(tc, test_full_form);
	tcase_add_test(tc, test_crlf_bom);
	tcase_add_test(tc, test_nbsp);
	tcase_add_test(tc, test_blank_form);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_refuse, 0, G_N_ELEMENTS(refuse_tests));
	tcase_add_test(tc, test_limit_input);
	tcase_add_test(tc, test_limit_line);
	tcase_add_test(tc, test_limit_lines);
	tcase_add_test(tc, test_limit_value);
	tcase_add_test(tc, test_limit_case_url);
	tcase_add_test(tc, test_limit_shares);
	tcase_add_test(tc, test_limit_unknown_errors);
	tcase_add_loop_test(tc, test_edge_inputs, 0, G_N_ELEMENTS(edge_tests));
	suite_add_tcase(s, tc);

	tc = tcase_create("regform");
	tcase_add_loop_test(tc, test_regform, 0, G_N_ELEMENTS(reg_tests));
	tcase_add_test(tc, test_regform_limit);
	suite_add_tcase(s, tc);
	return s;
}
