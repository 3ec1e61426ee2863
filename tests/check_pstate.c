/* The participant state machine: every event from every stage, the names
 * against the schema, the Vultron derivations. No database, no gpg. */
#include "config.h"

#include <string.h>
#include <glib.h>

#include "check_suites.h"
#include "vulture/pstate.h"

#define S(x) PSTAGE_##x



/* What pstate_next does to the stage for each event from each stage:
 * the stage after, or -1 for a refusal. */
static const struct {
	enum pevent ev;
	int registered;
	int after[PSTAGE_COUNT];
} stage_table[] = {
	{ PEV_REGISTRATION_REQUESTED, 0, {
	    [S(SELECTED)] = S(REGISTRATION_REQUESTED),
	    [S(REGISTRATION_REQUESTED)] = -1, [S(SUMMARY_SENT)] = -1,
	    [S(DETAIL_REQUESTED)] = -1, [S(DETAIL_SENT)] = -1,
	    [S(NOT_AFFECTED)] = -1 } },
	{ PEV_SUMMARY_SENT, 0, {
	    [S(SELECTED)] = S(SUMMARY_SENT),
	    [S(REGISTRATION_REQUESTED)] = -1, [S(SUMMARY_SENT)] = -1,
	    [S(DETAIL_REQUESTED)] = -1, [S(DETAIL_SENT)] = -1,
	    [S(NOT_AFFECTED)] = -1 } },
	/* Asked to register, registered since: the summary goes now. */
	{ PEV_SUMMARY_SENT, 1, {
	    [S(SELECTED)] = S(SUMMARY_SENT),
	    [S(REGISTRATION_REQUESTED)] = S(SUMMARY_SENT),
	    [S(SUMMARY_SENT)] = -1, [S(DETAIL_REQUESTED)] = -1,
	    [S(DETAIL_SENT)] = -1, [S(NOT_AFFECTED)] = -1 } },
	/* Forward only, never a refusal. */
	{ PEV_DETAIL_REQUESTED, 0, {
	    [S(SELECTED)] = S(DETAIL_REQUESTED),
	    [S(REGISTRATION_REQUESTED)] = S(DETAIL_REQUESTED),
	    [S(SUMMARY_SENT)] = S(DETAIL_REQUESTED),
	    [S(DETAIL_REQUESTED)] = S(DETAIL_REQUESTED),
	    [S(DETAIL_SENT)] = S(DETAIL_SENT),
	    [S(NOT_AFFECTED)] = S(NOT_AFFECTED) } },
	{ PEV_DETAIL_SENT, 1, {
	    [S(SELECTED)] = -1, [S(REGISTRATION_REQUESTED)] = -1,
	    [S(SUMMARY_SENT)] = -1,
	    [S(DETAIL_REQUESTED)] = S(DETAIL_SENT),
	    [S(DETAIL_SENT)] = -1, [S(NOT_AFFECTED)] = -1 } },
	/* Status and reachability never move the stage. */
	{ PEV_REPLY, 0, {
	    [S(SELECTED)] = S(SELECTED),
	    [S(REGISTRATION_REQUESTED)] = S(REGISTRATION_REQUESTED),
	    [S(SUMMARY_SENT)] = S(SUMMARY_SENT),
	    [S(DETAIL_REQUESTED)] = S(DETAIL_REQUESTED),
	    [S(DETAIL_SENT)] = S(DETAIL_SENT),
	    [S(NOT_AFFECTED)] = S(NOT_AFFECTED) } },
	{ PEV_UNREACHABLE, 0, {
	    [S(SELECTED)] = S(SELECTED),
	    [S(REGISTRATION_REQUESTED)] = S(REGISTRATION_REQUESTED),
	    [S(SUMMARY_SENT)] = S(SUMMARY_SENT),
	    [S(DETAIL_REQUESTED)] = S(DETAIL_REQUESTED),
	    [S(DETAIL_SENT)] = S(DETAIL_SENT),
	    [S(NOT_AFFECTED)] = S(NOT_AFFECTED) } },
};

START_TEST(test_stage_table)
{
	size_t i;
	int st;

	for (i = 0; i < G_N_ELEMENTS(stage_table); i++) {
		for (st = 0; st < PSTAGE_COUNT; st++) {
			struct pstate cur = { st, PSTATUS_AFFECTED, 1 }, next;
			struct pfacts f;
			const char *why = NULL;
			int rc, want = stage_table[i].after[st];

			pfacts_init(&f);
			f.registered = stage_table[i].registered;
			rc = pstate_next(&cur, stage_table[i].ev, &f, &next,
			    &why);
			if (want < 0) {
				ck_assert_msg(rc == -1 && why != NULL,
				    "row %zu from %s: want a refusal", i,
				    pstage_name(st));
				continue;
			}
			ck_assert_msg(rc == 0, "row %zu from %s: refused: %s",
			    i, pstage_name(st), why);
			ck_assert_msg((int)next.stage == want, "row %zu from "
			    "%s: %s, want %s", i, pstage_name(st),
			    pstage_name(next.stage), pstage_name(want));
			/* Only a reply changes the status here. */
			ck_assert_int_eq(next.status, PSTATUS_AFFECTED);
			ck_assert_int_eq(next.unreachable,
			    stage_table[i].ev == PEV_REPLY ? 0 : 1);
		}
	}
}
END_TEST

START_TEST(test_status)
{
	struct pstate cur = { PSTAGE_SUMMARY_SENT, PSTATUS_UNKNOWN, 1 }, next;
	struct pfacts f;
	const char *why;
	int s;

	for (s = 0; s < PSTATUS_COUNT; s++) {
		pfacts_init(&f);
		f.status = s;
		ck_assert_int_eq(pstate_next(&cur, PEV_REPLY, &f, &next, &why),
		    0);
		ck_assert_int_eq(next.status, s);
		ck_assert_int_eq(next.unreachable, 0);
		ck_assert_int_eq(pstate_next(&cur, PEV_STATUS_SET, &f, &next,
		    &why), 0);
		ck_assert_int_eq(next.status, s);
		/* A coordinator's override does not make it reachable. */
		ck_assert_int_eq(next.unreachable, 1);
	}
	/* A reply without a status keeps it; an override needs one. */
	pfacts_init(&f);
	cur.status = PSTATUS_NOT_AFFECTED;
	ck_assert_int_eq(pstate_next(&cur, PEV_REPLY, &f, &next, &why), 0);
	ck_assert_int_eq(next.status, PSTATUS_NOT_AFFECTED);
	ck_assert_int_eq(pstate_next(&cur, PEV_STATUS_SET, &f, &next, &why),
	    -1);
	ck_assert_str_eq(why, "no status given");
	ck_assert_int_eq(pstate_next(&cur, PEV_REPLY, NULL, &next, &why), 0);
	/* Out of range anywhere: refused, never indexed. */
	cur.stage = PSTAGE_COUNT;
	ck_assert_int_eq(pstate_next(&cur, PEV_REPLY, NULL, &next, &why), -1);
	cur.stage = PSTAGE_SELECTED;
	ck_assert_int_eq(pstate_next(&cur, PEV_COUNT, NULL, &next, &why), -1);
	ck_assert_int_eq(pstate_next(&cur, (enum pevent)-1, NULL, &next,
	    &why), -1);
}
END_TEST

START_TEST(test_names)
{
	int i;

	for (i = 0; i < PSTAGE_COUNT; i++) {
		ck_assert_int_eq(pstage_parse(pstage_name(i)), i);
		ck_assert_ptr_nonnull(pstage_label(i, "ja"));
		ck_assert_ptr_nonnull(pstage_label(i, "en"));
	}
	for (i = 0; i < PSTATUS_COUNT; i++)
		ck_assert_int_eq(pstatus_parse(pstatus_name(i)), i);
	ck_assert_str_eq(pstatus_label(PSTATUS_AFFECTED_INVESTIGATING, "ja"),
	    "該当製品あり：調査中");
	ck_assert_str_eq(pstatus_label(PSTATUS_NOT_AFFECTED_INVESTIGATING,
	    "en"), "Not affected (investigating)");
	ck_assert_str_eq(pstatus_label(PSTATUS_UNKNOWN, "ja"), "不明");
	ck_assert_int_eq(pstage_parse("detail-sent "), -1);
	ck_assert_int_eq(pstatus_parse(NULL), -1);
	ck_assert_ptr_null(pstage_name(PSTAGE_COUNT));
	ck_assert_ptr_null(pstatus_label(PSTATUS_COUNT, "ja"));
}
END_TEST

/* The words of a CHECK (column IN ('a', 'b', ...)) in the schema. */
static GPtrArray *
check_list(const char *sql, const char *column)
{
	GPtrArray *l = g_ptr_array_new_with_free_func(g_free);
	char *pat = g_strdup_printf("CHECK \\(%s IN \\(([^)]*)\\)", column);
	GRegex *re = g_regex_new(pat, G_REGEX_MULTILINE, 0, NULL);
	GRegex *q = g_regex_new("'([^']*)'", 0, 0, NULL);
	GMatchInfo *m = NULL, *mq = NULL;

	if (g_regex_match(re, sql, 0, &m)) {
		char *in = g_match_info_fetch(m, 1);

		g_regex_match(q, in, 0, &mq);
		while (g_match_info_matches(mq)) {
			g_ptr_array_add(l, g_match_info_fetch(mq, 1));
			g_match_info_next(mq, NULL);
		}
		g_match_info_free(mq);
		g_free(in);
	}
	g_match_info_free(m);
	g_regex_unref(re);
	g_regex_unref(q);
	g_free(pat);
	return l;
}

/* The schema and the machine name the same stages and statuses. */
START_TEST(test_schema)
{
	char *path = g_build_filename(getenv("top_srcdir") ?
	    getenv("top_srcdir") : ".", "sql", "001-init.sql", NULL);
	char *sql = NULL;
	GPtrArray *stages, *statuses;
	guint i;

	ck_assert_msg(g_file_get_contents(path, &sql, NULL, NULL), "%s", path);
	stages = check_list(sql, "stage");
	statuses = check_list(sql, "status");
	ck_assert_int_eq(stages->len, PSTAGE_COUNT);
	ck_assert_int_eq(statuses->len, PSTATUS_COUNT);
	for (i = 0; i < stages->len; i++)
		ck_assert_msg(pstage_parse(stages->pdata[i]) >= 0, "%s",
		    (char *)stages->pdata[i]);
	for (i = 0; i < statuses->len; i++)
		ck_assert_msg(pstatus_parse(statuses->pdata[i]) >= 0, "%s",
		    (char *)statuses->pdata[i]);
	g_ptr_array_unref(stages);
	g_ptr_array_unref(statuses);
	g_free(sql);
	g_free(path);
}
END_TEST

START_TEST(test_vultron)
{
	struct pstate ps = { PSTAGE_SELECTED, PSTATUS_UNKNOWN, 0 };
	char cs[7];

	pstate_vultron_cs(&ps, 0, 0, cs);
	ck_assert_str_eq(cs, "vfdpxa");
	ps.stage = PSTAGE_REGISTRATION_REQUESTED;
	pstate_vultron_cs(&ps, 0, 0, cs);
	ck_assert_str_eq(cs, "vfdpxa");
	ps.stage = PSTAGE_SUMMARY_SENT;
	pstate_vultron_cs(&ps, 1, 0, cs);
	ck_assert_str_eq(cs, "VFdpxa");
	ps.stage = PSTAGE_DETAIL_SENT;
	pstate_vultron_cs(&ps, 0, 1, cs);
	ck_assert_str_eq(cs, "VfdPxa");
	ck_assert_str_eq(pstate_vultron_em("open", 0, 0, 0), "none");
	ck_assert_str_eq(pstate_vultron_em("open", 0, 2, 0), "proposed");
	ck_assert_str_eq(pstate_vultron_em("open", 1, 2, 0), "active");
	ck_assert_str_eq(pstate_vultron_em("open", 1, 2, 1), "revise");
	ck_assert_str_eq(pstate_vultron_em("published", 1, 2, 1), "exited");
	ck_assert_str_eq(pstate_vultron_em("closed", 0, 0, 0), "exited");
}
END_TEST

Suite *
make_pstate_suite(void)
{
	Suite *s = suite_create("pstate");
	TCase *tc = tcase_create("pstate");

	tcase_add_test(tc, test_stage_table);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_schema);
	tcase_add_test(tc, test_vultron);
	suite_add_tcase(s, tc);
	return s;
}
