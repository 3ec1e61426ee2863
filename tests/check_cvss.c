/*
 * cvss: every score checked against FIRST's, every refusal named.
 *
 * Where the vectors come from:
 * - v3.1 named by a CVE: FIRST's "CVSS v3.1: Examples" document, with
 *   the base score it gives;
 * - v4.0 named by a CVE: FIRST's "CVSS v4.0: Examples" document;
 * - the others: the reference implementations' own examples and bug
 *   reports (named in place), and vectors chosen to reach every EQ level,
 *   the threat, environmental and supplemental metrics.
 * Every expected score here is also what an independent implementation,
 * ae-cvss-calculator 1.0.13 (npm, {metaeffekt}), computes, and this
 * module agreed with it on all 110,160 base vectors of v3.0, v3.1 and
 * v4.0 and on 120,000 random vectors with optional metrics when this
 * suite was written.  v4.0 scores follow the reference calculator since
 * its 2024 rounding fix (Red Hat cvss-v4-calculator #66/#67).
 */
#include "config.h"

#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "vulture/cvss.h"
#include "vulture/vulnid.h"

/* Scores in tenths: no float comparison. */
#define TENTHS(x) ((int)((x) * 10.0 + 0.5))

static const struct {
	const char *vector;
	double base, score;	/* score: temporal or environmental */
} v3[] = {
	/* CVE-2013-1937 */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, 6.1 },
	/* CVE-2013-0375 */
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, 6.4 },
	/* CVE-2014-3566 */
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, 3.1 },
	/* CVE-2012-1516 */
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, 9.9 },
	/* CVE-2012-0384 */
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8, 8.8 },
	/* CVE-2015-1098 */
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, 7.8 },
	/* CVE-2014-0160 */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, 7.5 },
	/* CVE-2014-6271 */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8 },
	/* CVE-2008-1447 */
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8, 6.8 },
	/* CVE-2014-2005 */
	{ "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8, 6.8 },
	/* CVE-2010-0467 */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8, 5.8 },
	/* CVE-2012-1342 */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N", 5.8, 5.8 },
	/* CVE-2013-6014 */
	{ "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 9.3, 9.3 },
	/* CVE-2014-9253 */
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4, 5.4 },
	/* CVE-2009-0658 */
	{ "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, 7.8 },
	/* CVE-2011-1265 */
	{ "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8, 8.8 },
	/* CVE-2014-2019 */
	{ "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 4.6, 4.6 },
	/* CVE-2015-0970 */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8, 8.8 },
	/* CVE-2014-0224 */
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4, 7.4 },
	/* CVE-2012-5376 */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6, 9.6 },
	/* CVE-2016-0128 */
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.5, 7.5 },
	/* CVE-2016-5729 */
	{ "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 8.2, 8.2 },
	/* CVE-2016-0051 */
	{ "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, 7.8 },
	/* CVE-2018-3652 */
	{ "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 7.6, 7.6 },
	/* CVE-2019-7551 */
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9.0, 9.0 },
	/* No impact at all. */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, 0.0 },
	/* The lowest and highest non-zero v3 scores. */
	{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, 1.6 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, 10.0 },
	/* More base vectors, then temporal and environmental ones, metrics
	 * out of order, 3.0, every metric spelt out as X. */
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3, 5.3 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 6.5, 6.5 },
	{ "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N", 3.1, 3.1 },
	{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N", 3.7, 3.7 },
	{ "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:C/C:L/I:L/A:L", 4.7, 4.7 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O"
	    "/RC:C", 9.8, 8.8 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/CR:L"
	    "/MS:C", 9.8, 9.4 },
	{ "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:L/A:H/E:F/RL:U"
	    "/RC:R", 9.9, 9.3 },
	{ "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:L/A:L/CR:H/IR:H"
	    "/AR:H/MAV:N/MAC:L/MPR:N/MUI:N/MS:C/MC:H/MI:H/MA:H", 3.8, 10.0 },
	{ "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N", 9.8, 9.8 },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8 },
	{ "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:L/A:L/CR:H/IR:H"
	    "/AR:H/MAV:N/MAC:L/MPR:N/MUI:N/MS:C/MC:H/MI:H/MA:H", 3.8, 10.0 },
	{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/RL:X"
	    "/RC:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MPR:X/MUI:X/MS:X/MC:X"
	    "/MI:X/MA:X", 9.8, 9.8 },
};

static const struct {
	const char *vector;
	double base, score;	/* score: CVSS-B, -BT, -BE or -BTE */
	const char *nomenclature;
} v4[] = {
	/* CVE-2022-41741 */
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N",
	    8.5, 8.5, "CVSS-B" },
	/* CVE-2020-3549 */
	{ "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N",
	    7.7, 7.7, "CVSS-B" },
	/* CVE-2023-3089 */
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N"
	    "/SI:N/SA:N",
	    8.3, 8.3, "CVSS-B" },
	/* CVE-2021-44228 */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H"
	    "/SI:H/SA:H",
	    10.0, 10.0, "CVSS-B" },
	/* CVE-2014-0160 */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N"
	    "/SI:N/SA:N",
	    8.7, 8.7, "CVSS-B" },
	/* CVE-2022-22186 */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N"
	    "/SI:N/SA:N",
	    6.9, 6.9, "CVSS-B" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N",
	    9.3, 9.3, "CVSS-B" },
	/* The reference calculator's own example (cvss40.js). */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N"
	    "/SI:N/SA:N/E:A/MAV:A",
	    9.3, 8.7, "CVSS-BTE" },
	/* Tie at 8.55: Red Hat cvss-v4-calculator issue #66. */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H"
	    "/SI:H/SA:H",
	    8.6, 8.6, "CVSS-B" },
	/* Ties at 0.35 and 8.95: cvss-v4-calculator issue #48. */
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:A/VC:L/VI:L/VA:N/SC:N"
	    "/SI:N/SA:N/E:U",
	    2.0, 0.4, "CVSS-BT" },
		{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:N/SC:H"
	    "/SI:H/SA:H/E:P",
	    9.5, 9.0, "CVSS-BT" },
	/* Red Hat cvss (Python) issues #63, #60, #59, #58:
	 * every metric, threat last, not in the table's order. */
	{ "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N"
	    "/SI:N/SA:H/S:N/AU:N/R:I/V:C/RE:M/U:Green/MAV:A/MAC:L"
	    "/MAT:N/MPR:N/MUI:N/MVC:H/MVI:N/MVA:H/MSC:H/MSI:H/MSA:H"
	    "/CR:H/IR:M/AR:H/E:A",
	    7.0, 8.6, "CVSS-BTE" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:N/SC:N"
	    "/SI:N/SA:N/E:P/CR:L/IR:L/AR:L/MAV:N/MAC:L/MAT:N/MPR:L"
	    "/MUI:A/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S/S:P/AU:Y/R:I"
	    "/V:C/RE:H/U:Red",
	    8.4, 8.5, "CVSS-BTE" },
		{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:P/VC:H/VI:L/VA:H/SC:H"
	    "/SI:N/SA:N/E:U/CR:H/IR:M/AR:M/MAV:P/MAC:L/MAT:P/MPR:H"
	    "/MUI:A/MVC:N/MVI:L/MVA:L/MSC:N/MSI:H/MSA:S/S:N/AU:Y/R:A"
	    "/V:C/RE:H/U:Amber",
	    7.1, 1.0, "CVSS-BTE" },
		{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:L/UI:P/VC:N/VI:L/VA:H/SC:N"
	    "/SI:L/SA:N/E:U/CR:H/IR:H/AR:H/MAV:L/MAC:H/MAT:P/MPR:L"
	    "/MUI:P/MVC:L/MVI:L/MVA:L/MSC:L/MSI:L/MSA:S/S:N/AU:N/R:U"
	    "/V:D/RE:L/U:Clear",
	    4.3, 1.0, "CVSS-BTE" },
	/* rustsec cvss regression tests (CVE-2024-7657, CVE-2025-6829). */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:L/VA:N/SC:N"
	    "/SI:N/SA:N",
	    5.3, 5.3, "CVSS-B" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:L/VA:L/SC:N"
	    "/SI:N/SA:N/E:X",
	    5.3, 5.3, "CVSS-B" },
	/* polycvss documentation example. */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N"
	    "/SI:N/SA:N",
	    6.9, 6.9, "CVSS-B" },
	/* No impact: 0.0; then a vector for each EQ level, threat,
	 * environmental (MSI:S, MSA:S, every M metric), supplemental. */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N"
	    "/SI:N/SA:N",
	    0.0, 0.0, "CVSS-B" },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N"
	    "/SI:N/SA:N",
	    1.0, 1.0, "CVSS-B" },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N"
	    "/SI:N/SA:L/E:U",
	    1.0, 0.1, "CVSS-BT" },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N",
	    8.7, 8.7, "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N",
	    8.7, 8.7, "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N",
	    8.6, 8.6, "CVSS-B" },
	{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N",
	    8.5, 8.5, "CVSS-B" },
	{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N",
	    7.0, 7.0, "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N",
	    9.2, 9.2, "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N",
	    9.2, 9.2, "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:N/SC:N"
	    "/SI:N/SA:N",
	    8.8, 8.8, "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N"
	    "/SI:N/SA:N",
	    8.7, 8.7, "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:L"
	    "/SI:L/SA:L",
	    6.9, 6.9, "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H"
	    "/SI:N/SA:N",
	    7.7, 7.7, "CVSS-B" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N/E:P",
	    9.3, 8.9, "CVSS-BT" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N/E:U",
	    9.3, 8.1, "CVSS-BT" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N/CR:L/IR:L/AR:L",
	    9.3, 8.9, "CVSS-BE" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N/CR:M/IR:H/AR:L",
	    9.3, 9.3, "CVSS-BE" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N"
	    "/SI:N/SA:N/MSI:S",
	    6.9, 8.9, "CVSS-BE" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N"
	    "/SI:N/SA:N/MSA:S/S:P",
	    6.9, 8.9, "CVSS-BE" },
	{ "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:P/VC:L/VI:L/VA:H/SC:L"
	    "/SI:H/SA:N/E:P/MAV:N/MPR:N",
	    5.8, 5.7, "CVSS-BTE" },
	{ "CVSS:4.0/AV:A/AC:L/AT:N/PR:L/UI:P/VC:H/VI:N/VA:L/SC:H"
	    "/SI:L/SA:N/MVC:N/MVI:H/MSC:L",
	    6.8, 5.2, "CVSS-BE" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H"
	    "/SI:H/SA:H/E:U/CR:L/IR:L/AR:L/MAV:P/MAC:H/MAT:P/MPR:H"
	    "/MUI:A/MVC:L/MVI:L/MVA:L/MSC:L/MSI:L/MSA:L",
	    10.0, 0.1, "CVSS-BTE" },
	{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N"
	    "/SI:N/SA:N/MVC:H/MVI:H/MVA:H/MSI:S/MSA:S",
	    0.0, 8.6, "CVSS-BE" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H"
	    "/SI:H/SA:H/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N",
	    10.0, 0.0, "CVSS-BE" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N"
	    "/SI:N/SA:N/S:P/AU:Y/R:I/V:C/RE:H/U:Red",
	    9.3, 9.3, "CVSS-B" },
};

/* Parses s, and its normalized form again: both must give the same. */
static void
parse_both(const char *s, struct cvss *c)
{
	struct cvss again;
	char *error = NULL;

	if (cvss_parse(s, c, &error) != 0)
		ck_abort_msg("%s: %s", s, error);
	ck_assert_ptr_null(error);
	ck_assert_int_eq(cvss_parse(c->vector, &again, NULL), 0);
	ck_assert_str_eq(again.vector, c->vector);
	ck_assert_int_eq(TENTHS(again.base_score), TENTHS(c->base_score));
	ck_assert_int_eq(TENTHS(again.score), TENTHS(c->score));
}

START_TEST(test_v3_scores)
{
	struct cvss c;

	parse_both(v3[_i].vector, &c);
	ck_assert_int_eq(c.version, strncmp(v3[_i].vector, "CVSS:3.0", 8) ==
	    0 ? CVSS_V30 : CVSS_V31);
	if (TENTHS(c.base_score) != TENTHS(v3[_i].base) ||
	    TENTHS(c.score) != TENTHS(v3[_i].score))
		ck_abort_msg("%s: %.1f %.1f, FIRST %.1f %.1f", v3[_i].vector,
		    c.base_score, c.score, v3[_i].base, v3[_i].score);
	ck_assert_str_eq(c.severity, cvss_severity(v3[_i].base));
	ck_assert_str_eq(c.score_severity, cvss_severity(v3[_i].score));
	ck_assert_ptr_null(c.nomenclature);
}
END_TEST

START_TEST(test_v4_scores)
{
	struct cvss c;

	parse_both(v4[_i].vector, &c);
	ck_assert_int_eq(c.version, CVSS_V40);
	if (TENTHS(c.base_score) != TENTHS(v4[_i].base) ||
	    TENTHS(c.score) != TENTHS(v4[_i].score))
		ck_abort_msg("%s: %.1f %.1f, FIRST %.1f %.1f", v4[_i].vector,
		    c.base_score, c.score, v4[_i].base, v4[_i].score);
	ck_assert_str_eq(c.severity, cvss_severity(v4[_i].base));
	ck_assert_str_eq(c.score_severity, cvss_severity(v4[_i].score));
	ck_assert_str_eq(c.nomenclature, v4[_i].nomenclature);
}
END_TEST

/* The normalized vector: prefix kept, metrics in the specification's
 * order, X left out. */
static const struct {
	const char *in, *out;
} norms[] = {
	{ "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N",
	  "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MA:L/E:X/RC:C",
	  "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RC:C/MA:L" },
	{ "CVSS:4.0/U:Amber/E:P/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N"
	  "/AT:N/AC:L/AV:N/MSI:S/CR:X",
	  "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"
	  "/SA:N/E:P/MSI:S/U:Amber" },
};

START_TEST(test_normalize)
{
	struct cvss c;

	ck_assert_int_eq(cvss_parse(norms[_i].in, &c, NULL), 0);
	ck_assert_str_eq(c.vector, norms[_i].out);
}
END_TEST

#define V31 "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
#define V40 "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N" \
	"/SA:N"

/* Every refusal, with the message a coordinator sees. */
static const struct {
	const char *in, *error;
} refusals[] = {
	{ NULL, "empty CVSS vector" },
	{ "", "empty CVSS vector" },
	{ "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
	  "unknown prefix 'CVSS:2.0' (CVSS:3.0, CVSS:3.1 or CVSS:4.0)" },
	{ "AV:N/AC:L/Au:N/C:P/I:P/A:P",		/* v2 has no prefix */
	  "unknown prefix 'AV:N' (CVSS:3.0, CVSS:3.1 or CVSS:4.0)" },
	{ "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "unknown prefix 'cvss:3.1' (CVSS:3.0, CVSS:3.1 or CVSS:4.0)" },
	{ "CVSS:3.1/AV:N/AC:X/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "CVSS:3.1: AC: 'X' is not one of L, H" },
	{ "CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "CVSS:3.1: AV: 'n' is not one of N, A, L, P" },
	{ "CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "CVSS:3.1: AV: '' is not one of N, A, L, P" },
	{ "CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "CVSS:3.1: AV: 'N:L' is not one of N, A, L, P" },
	{ "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H",
	  "CVSS:3.0: S: 'X' is not one of U, C" },
	{ V31 "/E:Z", "CVSS:3.1: E: 'Z' is not one of X, H, F, P, U" },
	{ V31 "/MS:N", "CVSS:3.1: MS: 'N' is not one of X, U, C" },
	{ "CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H",
	  "CVSS:3.1: missing metric PR" },
	{ "CVSS:3.1", "CVSS:3.1: missing metric AV" },
	{ "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "CVSS:3.1: metric AV twice" },
	{ "CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "CVSS:3.1: metric AV twice" },
	{ V31 "/E:X/E:X", "CVSS:3.1: metric E twice" },
	{ V31 "/XX:Y", "CVSS:3.1: unknown metric 'XX'" },
	{ V31 "/AT:N", "CVSS:3.1: unknown metric 'AT'" },	/* a v4 metric */
	{ V31 "/av:N", "CVSS:3.1: unknown metric 'av'" },
	{ V31 "/", "CVSS:3.1: empty metric (\"//\" or a trailing \"/\")" },
	{ "CVSS:3.1/", "CVSS:3.1: empty metric (\"//\" or a trailing \"/\")" },
	{ "CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "CVSS:3.1: empty metric (\"//\" or a trailing \"/\")" },
	{ "CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	  "CVSS:3.1: 'AVN' is not METRIC:VALUE" },
	{ "CVSS:3.1/AV:N AC:L", "CVSS vector: white space at byte 14" },
	{ " " V31, "CVSS vector: white space at byte 1" },
	{ V31 "\n", "CVSS vector: a control or non-ASCII character at "
	  "byte 45" },
	{ "CVSS:3.1/AV:\xef\xbc\xae",		/* a full-width N */
	  "CVSS vector: a control or non-ASCII character at byte 13" },
	{ "CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "CVSS:4.0: missing metric AT" },
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:S",
	  "CVSS:4.0: SA: 'S' is not one of H, L, N" },	/* only MSA:S */
	{ V40 "/MSC:S", "CVSS:4.0: MSC: 'S' is not one of X, H, L, N" },
	{ V40 "/U:red",
	  "CVSS:4.0: U: 'red' is not one of X, Clear, Green, Amber, Red" },
	{ V40 "/S:U", "CVSS:4.0: S: 'U' is not one of X, N, P" },
	{ V40 "/E:A/E:A", "CVSS:4.0: metric E twice" },
	{ V40 "/C:H", "CVSS:4.0: unknown metric 'C'" },	/* a v3 metric */
	{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	  "CVSS:4.0: UI: 'R' is not one of N, P, A" },	/* v3's UI:R */
	/* Quoted input is cut at 32 bytes. */
	{ "CVSS:3.1/ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ:N",
	  "CVSS:3.1: unknown metric 'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ'" },
};

START_TEST(test_refusals)
{
	struct cvss c;
	char *error = NULL;

	memset(&c, 0x55, sizeof(c));
	ck_assert_int_eq(cvss_parse(refusals[_i].in, &c, &error), -1);
	ck_assert_ptr_nonnull(error);
	ck_assert_str_eq(error, refusals[_i].error);
	g_free(error);
	/* Nothing half-filled is left for a caller to store. */
	ck_assert_int_eq(c.version, 0);
	ck_assert_str_eq(c.vector, "");
	ck_assert_ptr_null(c.severity);
	/* error_r may be NULL. */
	ck_assert_int_eq(cvss_parse(refusals[_i].in, &c, NULL), -1);
}
END_TEST

/* The length limit: CVSS_INPUT_MAX bytes are read, one more is not. */
START_TEST(test_length_limit)
{
	char buf[CVSS_INPUT_MAX + 2];
	struct cvss c;
	char *error = NULL;

	memset(buf, 'A', sizeof(buf));
	buf[CVSS_INPUT_MAX] = '\0';
	ck_assert_int_eq(cvss_parse(buf, &c, &error), -1);
	ck_assert_str_eq(error, "unknown prefix "
	    "'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' (CVSS:3.0, CVSS:3.1 or "
	    "CVSS:4.0)");
	g_free(error);
	buf[CVSS_INPUT_MAX] = 'A';
	buf[CVSS_INPUT_MAX + 1] = '\0';
	ck_assert_int_eq(cvss_parse(buf, &c, &error), -1);
	ck_assert_str_eq(error, "CVSS vector longer than 255 bytes");
	g_free(error);
	/* The longest vector there is: every v4.0 metric spelt out. */
	ck_assert_int_eq(cvss_parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H"
	    "/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X"
	    "/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X"
	    "/V:X/RE:X/U:Amber", &c, NULL), 0);
	ck_assert_str_eq(c.vector, V40 "/U:Amber");
}
END_TEST

static const struct {
	double score;
	const char *severity;
} severities[] = {
	{ 0.0, "None" }, { 0.1, "Low" }, { 3.9, "Low" }, { 4.0, "Medium" },
	{ 6.9, "Medium" }, { 7.0, "High" }, { 8.9, "High" },
	{ 9.0, "Critical" }, { 10.0, "Critical" },
	{ -0.1, NULL }, { 10.1, NULL },
};

START_TEST(test_severity)
{
	const char *s = cvss_severity(severities[_i].score);

	if (severities[_i].severity == NULL)
		ck_assert_ptr_null(s);
	else
		ck_assert_str_eq(s, severities[_i].severity);
	ck_assert_str_eq(cvss_version_name(CVSS_V30), "3.0");
	ck_assert_str_eq(cvss_version_name(CVSS_V31), "3.1");
	ck_assert_str_eq(cvss_version_name(CVSS_V40), "4.0");
	ck_assert_ptr_null(cvss_version_name(20));
}
END_TEST

static const struct {
	const char *id;
	int cve, cwe;
} ids[] = {
	{ "CVE-2027-12345", 1, 0 },
	{ "CVE-1999-0001", 1, 0 },
	{ "CVE-2014-0160", 1, 0 },
	{ "CVE-2024-1234567890123456789", 1, 0 },	/* 19 digits */
	{ "CVE-2024-12345678901234567890", 0, 0 },	/* 20 */
	{ "CVE-1998-0001", 0, 0 },		/* before the programme */
	{ "CVE-2027-123", 0, 0 },		/* 3 digits */
	{ "CVE-27-12345", 0, 0 },
	{ "CVE-20270-12345", 0, 0 },
	{ "cve-2027-12345", 0, 0 },
	{ "CVE-2027-12345 ", 0, 0 },
	{ " CVE-2027-12345", 0, 0 },
	{ "CVE-2027-1234a", 0, 0 },
	{ "CVE-2027_12345", 0, 0 },
	{ "CVE-2027-", 0, 0 },
	{ "CVE-", 0, 0 },
	{ "", 0, 0 },
	{ NULL, 0, 0 },
	{ "CWE-121", 0, 1 },
	{ "CWE-1", 0, 1 },
	{ "CWE-999999", 0, 1 },
	{ "CWE-1000000", 0, 0 },		/* 7 digits */
	{ "CWE-0121", 0, 0 },			/* leading zero */
	{ "CWE-0", 0, 0 },
	{ "CWE-", 0, 0 },
	{ "cwe-121", 0, 0 },
	{ "CWE-121x", 0, 0 },
	{ "CWE-121\n", 0, 0 },
	{ "CWE--1", 0, 0 },
	{ "NVD-CWE-Other", 0, 0 },
};

START_TEST(test_ids)
{
	ck_assert_int_eq(cve_id_valid(ids[_i].id), ids[_i].cve);
	ck_assert_int_eq(cwe_id_valid(ids[_i].id), ids[_i].cwe);
}
END_TEST

/* check_vulture --cvss, for tests/cvss.sh: "VECTOR BASE SCORE" for each
 * vector on stdin, or "VECTOR refused: WHY". */
int
cvss_score_lines(void)
{
	char line[1024];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		struct cvss c;
		char *error = NULL;

		line[strcspn(line, "\r\n")] = '\0';
		if (cvss_parse(line, &c, &error) == 0)
			printf("%s %.1f %.1f\n", line, c.base_score, c.score);
		else
			printf("%s refused: %s\n", line, error);
		g_free(error);
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

Suite *
make_cvss_suite(void)
{
	Suite *s = suite_create("cvss");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_v3_scores, 0, G_N_ELEMENTS(v3));
	tcase_add_loop_test(tc, test_v4_scores, 0, G_N_ELEMENTS(v4));
	tcase_add_loop_test(tc, test_normalize, 0, G_N_ELEMENTS(norms));
	tcase_add_loop_test(tc, test_refusals, 0, G_N_ELEMENTS(refusals));
	tcase_add_test(tc, test_length_limit);
	tcase_add_loop_test(tc, test_severity, 0, G_N_ELEMENTS(severities));
	tcase_add_loop_test(tc, test_ids, 0, G_N_ELEMENTS(ids));
	suite_add_tcase(s, tc);
	return s;
}
