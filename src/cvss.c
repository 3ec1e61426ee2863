/*
 * cvss: CVSS v3.0, v3.1 and v4.0 vector strings parsed, checked and
 * scored (see vulture/cvss.h).  Pure: no I/O, no state.
 *
 * The v4.0 score follows FIRST's reference calculator step by step, in
 * doubles, with its metric levels in tenths (0.1, 0.2...) and its final
 * rounding (round_tenths()): computing the same mathematics otherwise
 * can differ from it in the last digit for some vectors, and FIRST's
 * calculator is what every consumer checks a published score against.
 * tests/cvss.sh compares the scores with an independent implementation.
 */
#include "config.h"

#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "vulture/cvss.h"

/* A metric: its abbreviation and its values in the specification's
 * order.  Optional metrics list "X" (Not Defined) first; base metrics
 * have no "X" and are required.  The values of one metric differ in
 * their first letter, which is what the scoring compares. */
struct metric {
	const char *name;
	const char *values[6];		/* NULL-terminated */
};

#define CIA3 { "H", "L", "N", NULL }

/* CVSS v3.1 specification, Table 15 (v3.0: the same metrics). */
enum {
	V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A,
	V3_E, V3_RL, V3_RC,
	V3_CR, V3_IR, V3_AR, V3_MAV, V3_MAC, V3_MPR, V3_MUI, V3_MS,
	V3_MC, V3_MI, V3_MA,
	V3_N
};
static const struct metric v3_metrics[V3_N] = {
	{ "AV", { "N", "A", "L", "P", NULL } },
	{ "AC", { "L", "H", NULL } },
	{ "PR", { "N", "L", "H", NULL } },
	{ "UI", { "N", "R", NULL } },
	{ "S", { "U", "C", NULL } },
	{ "C", CIA3 },
	{ "I", CIA3 },
	{ "A", CIA3 },
	{ "E", { "X", "H", "F", "P", "U", NULL } },
	{ "RL", { "X", "O", "T", "W", "U", NULL } },
	{ "RC", { "X", "C", "R", "U", NULL } },
	{ "CR", { "X", "H", "M", "L", NULL } },
	{ "IR", { "X", "H", "M", "L", NULL } },
	{ "AR", { "X", "H", "M", "L", NULL } },
	{ "MAV", { "X", "N", "A", "L", "P", NULL } },
	{ "MAC", { "X", "L", "H", NULL } },
	{ "MPR", { "X", "N", "L", "H", NULL } },
	{ "MUI", { "X", "N", "R", NULL } },
	{ "MS", { "X", "U", "C", NULL } },
	{ "MC", { "X", "H", "L", "N", NULL } },
	{ "MI", { "X", "H", "L", "N", NULL } },
	{ "MA", { "X", "H", "L", "N", NULL } },
};

/* CVSS v4.0 specification, section 7 (Table 23).  The modified metrics
 * come in the order of the base metrics they modify: V4_MAV + i
 * modifies metric i. */
enum {
	V4_AV, V4_AC, V4_AT, V4_PR, V4_UI, V4_VC, V4_VI, V4_VA,
	V4_SC, V4_SI, V4_SA,
	V4_E,
	V4_CR, V4_IR, V4_AR, V4_MAV, V4_MAC, V4_MAT, V4_MPR, V4_MUI,
	V4_MVC, V4_MVI, V4_MVA, V4_MSC, V4_MSI, V4_MSA,
	V4_S, V4_AU, V4_R, V4_V, V4_RE, V4_U,
	V4_N
};
static const struct metric v4_metrics[V4_N] = {
	{ "AV", { "N", "A", "L", "P", NULL } },
	{ "AC", { "L", "H", NULL } },
	{ "AT", { "N", "P", NULL } },
	{ "PR", { "N", "L", "H", NULL } },
	{ "UI", { "N", "P", "A", NULL } },
	{ "VC", CIA3 },
	{ "VI", CIA3 },
	{ "VA", CIA3 },
	{ "SC", CIA3 },
	{ "SI", CIA3 },
	{ "SA", CIA3 },
	{ "E", { "X", "A", "P", "U", NULL } },
	{ "CR", { "X", "H", "M", "L", NULL } },
	{ "IR", { "X", "H", "M", "L", NULL } },
	{ "AR", { "X", "H", "M", "L", NULL } },
	{ "MAV", { "X", "N", "A", "L", "P", NULL } },
	{ "MAC", { "X", "L", "H", NULL } },
	{ "MAT", { "X", "N", "P", NULL } },
	{ "MPR", { "X", "N", "L", "H", NULL } },
	{ "MUI", { "X", "N", "P", "A", NULL } },
	{ "MVC", { "X", "H", "L", "N", NULL } },
	{ "MVI", { "X", "H", "L", "N", NULL } },
	{ "MVA", { "X", "H", "L", "N", NULL } },
	{ "MSC", { "X", "H", "L", "N", NULL } },
	{ "MSI", { "X", "S", "H", "L", "N", NULL } },
	{ "MSA", { "X", "S", "H", "L", "N", NULL } },
	{ "S", { "X", "N", "P", NULL } },
	{ "AU", { "X", "N", "Y", NULL } },
	{ "R", { "X", "A", "U", "I", NULL } },
	{ "V", { "X", "D", "C", NULL } },
	{ "RE", { "X", "L", "M", "H", NULL } },
	{ "U", { "X", "Clear", "Green", "Amber", "Red", NULL } },
};

#define METRICS_MAX V4_N

/* A vector as parsed: per metric the index of its value, -1 if absent. */
struct parsed {
	const struct metric *defs;
	int n;
	signed char idx[METRICS_MAX];
};

/* The first letter of metric m's value: 'X' when absent. */
static char
val(const struct parsed *p, int m)
{
	if (p->idx[m] < 0)
		return 'X';
	return p->defs[m].values[(int)p->idx[m]][0];
}

/*
 * The CVSS v4.0 MacroVector table: the score, in tenths, of the highest
 * severity vector of each MacroVector "EQ1 EQ2 EQ3 EQ4 EQ5 EQ6".  Data of
 * the standard, as FIRST's calculator publishes it (cvss_lookup.js of
 * FIRST's and Red Hat's reference implementation, BSD-2-Clause).
 */
static const struct {
	char key[7];
	unsigned char tenths;
} v4_lookup[] = {
	{ "000000", 100 }, { "000001", 99 }, { "000010", 98 },
	{ "000011", 95 }, { "000020", 95 }, { "000021", 92 },
	{ "000100", 100 }, { "000101", 96 }, { "000110", 93 },
	{ "000111", 87 }, { "000120", 91 }, { "000121", 81 }, { "000200", 93 },
	{ "000201", 90 }, { "000210", 89 }, { "000211", 80 }, { "000220", 81 },
	{ "000221", 68 }, { "001000", 98 }, { "001001", 95 }, { "001010", 95 },
	{ "001011", 92 }, { "001020", 90 }, { "001021", 84 }, { "001100", 93 },
	{ "001101", 92 }, { "001110", 89 }, { "001111", 81 }, { "001120", 81 },
	{ "001121", 65 }, { "001200", 88 }, { "001201", 80 }, { "001210", 78 },
	{ "001211", 70 }, { "001220", 69 }, { "001221", 48 }, { "002001", 92 },
	{ "002011", 82 }, { "002021", 72 }, { "002101", 79 }, { "002111", 69 },
	{ "002121", 50 }, { "002201", 69 }, { "002211", 55 }, { "002221", 27 },
	{ "010000", 99 }, { "010001", 97 }, { "010010", 95 }, { "010011", 92 },
	{ "010020", 92 }, { "010021", 85 }, { "010100", 95 }, { "010101", 91 },
	{ "010110", 90 }, { "010111", 83 }, { "010120", 84 }, { "010121", 71 },
	{ "010200", 92 }, { "010201", 81 }, { "010210", 82 }, { "010211", 71 },
	{ "010220", 72 }, { "010221", 53 }, { "011000", 95 }, { "011001", 93 },
	{ "011010", 92 }, { "011011", 85 }, { "011020", 85 }, { "011021", 73 },
	{ "011100", 92 }, { "011101", 82 }, { "011110", 80 }, { "011111", 72 },
	{ "011120", 70 }, { "011121", 59 }, { "011200", 84 }, { "011201", 70 },
	{ "011210", 71 }, { "011211", 52 }, { "011220", 50 }, { "011221", 30 },
	{ "012001", 86 }, { "012011", 75 }, { "012021", 52 }, { "012101", 71 },
	{ "012111", 52 }, { "012121", 29 }, { "012201", 63 }, { "012211", 29 },
	{ "012221", 17 }, { "100000", 98 }, { "100001", 95 }, { "100010", 94 },
	{ "100011", 87 }, { "100020", 91 }, { "100021", 81 }, { "100100", 94 },
	{ "100101", 89 }, { "100110", 86 }, { "100111", 74 }, { "100120", 77 },
	{ "100121", 64 }, { "100200", 87 }, { "100201", 75 }, { "100210", 74 },
	{ "100211", 63 }, { "100220", 63 }, { "100221", 49 }, { "101000", 94 },
	{ "101001", 89 }, { "101010", 88 }, { "101011", 77 }, { "101020", 76 },
	{ "101021", 67 }, { "101100", 86 }, { "101101", 76 }, { "101110", 74 },
	{ "101111", 58 }, { "101120", 59 }, { "101121", 50 }, { "101200", 72 },
	{ "101201", 57 }, { "101210", 57 }, { "101211", 52 }, { "101220", 52 },
	{ "101221", 25 }, { "102001", 83 }, { "102011", 70 }, { "102021", 54 },
	{ "102101", 65 }, { "102111", 58 }, { "102121", 26 }, { "102201", 53 },
	{ "102211", 21 }, { "102221", 13 }, { "110000", 95 }, { "110001", 90 },
	{ "110010", 88 }, { "110011", 76 }, { "110020", 76 }, { "110021", 70 },
	{ "110100", 90 }, { "110101", 77 }, { "110110", 75 }, { "110111", 62 },
	{ "110120", 61 }, { "110121", 53 }, { "110200", 77 }, { "110201", 66 },
	{ "110210", 68 }, { "110211", 59 }, { "110220", 52 }, { "110221", 30 },
	{ "111000", 89 }, { "111001", 78 }, { "111010", 76 }, { "111011", 67 },
	{ "111020", 62 }, { "111021", 58 }, { "111100", 74 }, { "111101", 59 },
	{ "111110", 57 }, { "111111", 57 }, { "111120", 47 }, { "111121", 23 },
	{ "111200", 61 }, { "111201", 52 }, { "111210", 57 }, { "111211", 29 },
	{ "111220", 24 }, { "111221", 16 }, { "112001", 71 }, { "112011", 59 },
	{ "112021", 30 }, { "112101", 58 }, { "112111", 26 }, { "112121", 15 },
	{ "112201", 23 }, { "112211", 13 }, { "112221", 6 }, { "200000", 93 },
	{ "200001", 87 }, { "200010", 86 }, { "200011", 72 }, { "200020", 75 },
	{ "200021", 58 }, { "200100", 86 }, { "200101", 74 }, { "200110", 74 },
	{ "200111", 61 }, { "200120", 56 }, { "200121", 34 }, { "200200", 70 },
	{ "200201", 54 }, { "200210", 52 }, { "200211", 40 }, { "200220", 40 },
	{ "200221", 22 }, { "201000", 85 }, { "201001", 75 }, { "201010", 74 },
	{ "201011", 55 }, { "201020", 62 }, { "201021", 51 }, { "201100", 72 },
	{ "201101", 57 }, { "201110", 55 }, { "201111", 41 }, { "201120", 46 },
	{ "201121", 19 }, { "201200", 53 }, { "201201", 36 }, { "201210", 34 },
	{ "201211", 19 }, { "201220", 19 }, { "201221", 8 }, { "202001", 64 },
	{ "202011", 51 }, { "202021", 20 }, { "202101", 47 }, { "202111", 21 },
	{ "202121", 11 }, { "202201", 24 }, { "202211", 9 }, { "202221", 4 },
	{ "210000", 88 }, { "210001", 75 }, { "210010", 73 }, { "210011", 53 },
	{ "210020", 60 }, { "210021", 50 }, { "210100", 73 }, { "210101", 55 },
	{ "210110", 59 }, { "210111", 40 }, { "210120", 41 }, { "210121", 20 },
	{ "210200", 54 }, { "210201", 43 }, { "210210", 45 }, { "210211", 22 },
	{ "210220", 20 }, { "210221", 11 }, { "211000", 75 }, { "211001", 55 },
	{ "211010", 58 }, { "211011", 45 }, { "211020", 40 }, { "211021", 21 },
	{ "211100", 61 }, { "211101", 51 }, { "211110", 48 }, { "211111", 18 },
	{ "211120", 20 }, { "211121", 9 }, { "211200", 46 }, { "211201", 18 },
	{ "211210", 17 }, { "211211", 7 }, { "211220", 8 }, { "211221", 2 },
	{ "212001", 53 }, { "212011", 24 }, { "212021", 14 }, { "212101", 24 },
	{ "212111", 12 }, { "212121", 5 }, { "212201", 10 }, { "212211", 3 },
	{ "212221", 1 },
};

/* ---- Rounding and ratings ---- */

/* CVSS v3.1 Roundup (specification, Appendix A): the smallest number of
 * one decimal place equal to or above x, with x first rounded to five
 * decimals so that float noise (4.000000000000001) does not round up.
 * In tenths. */
static int
roundup31(double x)
{
	long i = (long)(x * 100000.0 + 0.5);

	if (i % 10000 == 0)
		return (int)(i / 10000);
	return (int)(i / 10000 + 1);
}

/* CVSS v3.0 Roundup as FIRST's v3.0 calculator computes it: ceil(x * 10).
 * In tenths. */
static int
roundup30(double x)
{
	double y = x * 10.0;
	long t = (long)y;

	return (int)((double)t < y ? t + 1 : t);
}

/* The v4.0 reference calculator's rounding since its 2024 fix (Red Hat
 * cvss-v4-calculator #66, #67): Math.round((x + 1e-6) * 10), half up,
 * lifted by 1e-6 so that a tie that float noise put one ULP below x.x5
 * still rounds up.  For x >= 0; without the double rounding of
 * y + 0.5.  In tenths. */
static int
round_tenths(double x)
{
	double y = (x + 1e-6) * 10.0;
	long t = (long)y;

	return (int)(y - (double)t >= 0.5 ? t + 1 : t);
}

const char *
cvss_severity(double score)
{
	/* Compare in tenths: 3.9 + 0.05 never sits on a boundary. */
	long t;

	if (!(score >= 0.0 && score <= 10.0))
		return NULL;
	t = (long)(score * 10.0 + 0.5);
	if (t == 0)
		return "None";
	if (t < 40)
		return "Low";
	if (t < 70)
		return "Medium";
	if (t < 90)
		return "High";
	return "Critical";
}

const char *
cvss_version_name(int version)
{
	switch (version) {
	case CVSS_V30:
		return "3.0";
	case CVSS_V31:
		return "3.1";
	case CVSS_V40:
		return "4.0";
	}
	return NULL;
}

/* ---- CVSS v3.x ---- */

static double
pow_n(double x, int n)
{
	double r = 1.0;

	while (n-- > 0)
		r *= x;
	return r;
}

static double
w_av(char c)
{
	switch (c) {
	case 'N': return 0.85;
	case 'A': return 0.62;
	case 'L': return 0.55;
	default: return 0.2;		/* P */
	}
}

static double
w_ac(char c)
{
	return c == 'L' ? 0.77 : 0.44;
}

static double
w_pr(char c, int changed)
{
	switch (c) {
	case 'N': return 0.85;
	case 'L': return changed ? 0.68 : 0.62;
	default: return changed ? 0.5 : 0.27;	/* H */
	}
}

static double
w_ui(char c)
{
	return c == 'N' ? 0.85 : 0.62;
}

static double
w_cia(char c)
{
	switch (c) {
	case 'H': return 0.56;
	case 'L': return 0.22;
	default: return 0.0;		/* N */
	}
}

static double
w_e(char c)
{
	switch (c) {
	case 'F': return 0.97;
	case 'P': return 0.94;
	case 'U': return 0.91;
	default: return 1.0;		/* X, H */
	}
}

static double
w_rl(char c)
{
	switch (c) {
	case 'W': return 0.97;
	case 'T': return 0.96;
	case 'O': return 0.95;
	default: return 1.0;		/* X, U */
	}
}

static double
w_rc(char c)
{
	switch (c) {
	case 'R': return 0.96;
	case 'U': return 0.92;
	default: return 1.0;		/* X, C */
	}
}

static double
w_req(char c)
{
	switch (c) {
	case 'H': return 1.5;
	case 'L': return 0.5;
	default: return 1.0;		/* X, M */
	}
}

/* Metric base (a base metric) as modified by metric mod: mod's value
 * unless it is X. */
static char
v3_mod(const struct parsed *p, int base, int mod)
{
	char c = val(p, mod);

	return c == 'X' ? val(p, base) : c;
}

/* Base, temporal-or-environmental score, in tenths (see struct cvss). */
static void
v3_score(const struct parsed *p, int version, int *base_r, int *score_r)
{
	int (*roundup)(double) = version == CVSS_V30 ? roundup30 : roundup31;
	int changed = val(p, V3_S) == 'C';
	double iss, impact, expl, base;
	int i, env = 0, temporal = 0;

	iss = 1.0 - ((1.0 - w_cia(val(p, V3_C))) *
	    (1.0 - w_cia(val(p, V3_I))) * (1.0 - w_cia(val(p, V3_A))));
	if (!changed)
		impact = 6.42 * iss;
	else
		impact = 7.52 * (iss - 0.029) - 3.25 * pow_n(iss - 0.02, 15);
	expl = 8.22 * w_av(val(p, V3_AV)) * w_ac(val(p, V3_AC)) *
	    w_pr(val(p, V3_PR), changed) * w_ui(val(p, V3_UI));
	if (impact <= 0)
		*base_r = 0;
	else if (!changed)
		*base_r = roundup(MIN(impact + expl, 10.0));
	else
		*base_r = roundup(MIN(1.08 * (impact + expl), 10.0));
	base = *base_r / 10.0;

	for (i = V3_E; i <= V3_RC; i++)
		temporal |= val(p, i) != 'X';
	for (i = V3_CR; i < V3_N; i++)
		env |= val(p, i) != 'X';
	if (!env) {
		*score_r = temporal ? roundup(base * w_e(val(p, V3_E)) *
		    w_rl(val(p, V3_RL)) * w_rc(val(p, V3_RC))) : *base_r;
		return;
	}

	/* The environmental score: the base formulas on the modified
	 * metrics, the impact weighted by the security requirements. */
	changed = v3_mod(p, V3_S, V3_MS) == 'C';
	iss = MIN(1.0 - ((1.0 - w_req(val(p, V3_CR)) *
	    w_cia(v3_mod(p, V3_C, V3_MC))) *
	    (1.0 - w_req(val(p, V3_IR)) * w_cia(v3_mod(p, V3_I, V3_MI))) *
	    (1.0 - w_req(val(p, V3_AR)) * w_cia(v3_mod(p, V3_A, V3_MA)))),
	    0.915);
	if (!changed)
		impact = 6.42 * iss;
	else if (version == CVSS_V30)
		impact = 7.52 * (iss - 0.029) - 3.25 * pow_n(iss - 0.02, 15);
	else
		impact = 7.52 * (iss - 0.029) -
		    3.25 * pow_n(iss * 0.9731 - 0.02, 13);
	expl = 8.22 * w_av(v3_mod(p, V3_AV, V3_MAV)) *
	    w_ac(v3_mod(p, V3_AC, V3_MAC)) *
	    w_pr(v3_mod(p, V3_PR, V3_MPR), changed) *
	    w_ui(v3_mod(p, V3_UI, V3_MUI));
	if (impact <= 0)
		*score_r = 0;
	else if (!changed)
		*score_r = roundup(roundup(MIN(impact + expl, 10.0)) / 10.0 *
		    w_e(val(p, V3_E)) * w_rl(val(p, V3_RL)) *
		    w_rc(val(p, V3_RC)));
	else
		*score_r = roundup(roundup(MIN(1.08 * (impact + expl),
		    10.0)) / 10.0 * w_e(val(p, V3_E)) * w_rl(val(p, V3_RL)) *
		    w_rc(val(p, V3_RC)));
}

/* ---- CVSS v4.0 ---- */

/* The value of metric m that scores: its modified metric's unless that
 * is X; E, CR, IR and AR when X count as their worst case (A, H). */
static char
v4_eff(const struct parsed *p, int m)
{
	char c;

	switch (m) {
	case V4_E:
		c = val(p, m);
		return c == 'X' ? 'A' : c;
	case V4_CR:
	case V4_IR:
	case V4_AR:
		c = val(p, m);
		return c == 'X' ? 'H' : c;
	}
	if (m <= V4_SA) {
		c = val(p, V4_MAV + m);
		if (c != 'X')
			return c;
	}
	return val(p, m);
}

/* The level of each value in the severity-distance walk, in the
 * reference calculator's units of 0.1. */
static double
v4_level(int m, char c)
{
	switch (m) {
	case V4_AV:
		return c == 'N' ? 0.0 : c == 'A' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case V4_PR:
		return c == 'N' ? 0.0 : c == 'L' ? 0.1 : 0.2;
	case V4_UI:
		return c == 'N' ? 0.0 : c == 'P' ? 0.1 : 0.2;
	case V4_AC:
		return c == 'L' ? 0.0 : 0.1;
	case V4_AT:
		return c == 'N' ? 0.0 : 0.1;
	case V4_VC:
	case V4_VI:
	case V4_VA:
		return c == 'H' ? 0.0 : c == 'L' ? 0.1 : 0.2;
	case V4_SC:
		return c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case V4_SI:
	case V4_SA:
		return c == 'S' ? 0.0 : c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;
	case V4_CR:
	case V4_IR:
	case V4_AR:
		return c == 'H' ? 0.0 : c == 'M' ? 0.1 : 0.2;
	case V4_E:
		return c == 'A' ? 0.0 : c == 'P' ? 0.1 : 0.2;
	}
	return 0.0;
}

/* The MacroVector's score in tenths, or -1 when there is no such
 * MacroVector (one step below the lowest of an EQ). */
static int
v4_macro_tenths(const int eq[6])
{
	char key[7];
	size_t i;

	for (i = 0; i < 6; i++) {
		if (eq[i] < 0 || eq[i] > 9)
			return -1;
		key[i] = (char)('0' + eq[i]);
	}
	key[6] = '\0';
	for (i = 0; i < G_N_ELEMENTS(v4_lookup); i++)
		if (memcmp(v4_lookup[i].key, key, 7) == 0)
			return v4_lookup[i].tenths;
	return -1;
}

static void
v4_macrovector(const struct parsed *p, int eq[6])
{
	char av = v4_eff(p, V4_AV), pr = v4_eff(p, V4_PR),
	    ui = v4_eff(p, V4_UI);
	char vc = v4_eff(p, V4_VC), vi = v4_eff(p, V4_VI),
	    va = v4_eff(p, V4_VA);
	char msi = val(p, V4_MSI), msa = val(p, V4_MSA);

	if (av == 'N' && pr == 'N' && ui == 'N')
		eq[0] = 0;
	else if ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P')
		eq[0] = 1;
	else
		eq[0] = 2;
	eq[1] = v4_eff(p, V4_AC) == 'L' && v4_eff(p, V4_AT) == 'N' ? 0 : 1;
	if (vc == 'H' && vi == 'H')
		eq[2] = 0;
	else if (vc == 'H' || vi == 'H' || va == 'H')
		eq[2] = 1;
	else
		eq[2] = 2;
	if (msi == 'S' || msa == 'S')
		eq[3] = 0;
	else if (v4_eff(p, V4_SC) == 'H' || v4_eff(p, V4_SI) == 'H' ||
	    v4_eff(p, V4_SA) == 'H')
		eq[3] = 1;
	else
		eq[3] = 2;
	switch (v4_eff(p, V4_E)) {
	case 'A': eq[4] = 0; break;
	case 'P': eq[4] = 1; break;
	default: eq[4] = 2; break;
	}
	eq[5] = (v4_eff(p, V4_CR) == 'H' && vc == 'H') ||
	    (v4_eff(p, V4_IR) == 'H' && vi == 'H') ||
	    (v4_eff(p, V4_AR) == 'H' && va == 'H') ? 0 : 1;
}

/*
 * The highest severity vectors of each EQ level (the reference
 * calculator's max_composed), as the values of the metrics below, in
 * that order.  Standard data.
 */
static const int eq1_metrics[] = { V4_AV, V4_PR, V4_UI };
static const char *const eq1_max[3][4] = {
	{ "NNN", NULL },
	{ "ANN", "NLN", "NNP", NULL },
	{ "PNN", "ALP", NULL },
};
static const int eq2_metrics[] = { V4_AC, V4_AT };
static const char *const eq2_max[2][3] = {
	{ "LN", NULL },
	{ "HN", "LP", NULL },
};
static const int eq36_metrics[] = { V4_VC, V4_VI, V4_VA, V4_CR, V4_IR,
    V4_AR };
static const char *const eq36_max[3][2][6] = {		/* [eq3][eq6] */
	{ { "HHHHHH", NULL }, { "HHLMMH", "HHHMMM", NULL } },
	{ { "LHHHHH", "HLHHHH", NULL },
	  { "LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM", NULL } },
	{ { NULL }, { "LLLHHH", NULL } },
};
static const int eq4_metrics[] = { V4_SC, V4_SI, V4_SA };
static const char *const eq4_max[3] = { "HSS", "HHH", "LLL" };
static const char eq5_max[3] = { 'A', 'P', 'U' };

/* The metrics of the distance walk, and the maximal severity distance
 * of each EQ level ("depth", the reference's max_severity), in steps. */
enum { D_AV, D_PR, D_UI, D_AC, D_AT, D_VC, D_VI, D_VA, D_SC, D_SI, D_SA,
    D_CR, D_IR, D_AR, D_E, D_N };
static const int eq1_depth[3] = { 1, 4, 5 };
static const int eq2_depth[2] = { 1, 2 };
static const int eq36_depth[3][2] = { { 7, 6 }, { 8, 8 }, { 0, 10 } };
static const int eq4_depth[3] = { 6, 5, 4 };

/* Severity distances of p from the highest vector made of the given
 * parts; 1 if none is negative. */
static int
v4_distances(const struct parsed *p, const char *m1, const char *m2,
    const char *m36, const char *m4, char m5, double d[D_N])
{
	static const int walk[D_N] = { V4_AV, V4_PR, V4_UI, V4_AC, V4_AT,
	    V4_VC, V4_VI, V4_VA, V4_SC, V4_SI, V4_SA, V4_CR, V4_IR, V4_AR,
	    V4_E };
	char maxv[METRICS_MAX];
	int i, ok = 1;

	for (i = 0; i < 3; i++)
		maxv[eq1_metrics[i]] = m1[i];
	for (i = 0; i < 2; i++)
		maxv[eq2_metrics[i]] = m2[i];
	for (i = 0; i < 6; i++)
		maxv[eq36_metrics[i]] = m36[i];
	for (i = 0; i < 3; i++)
		maxv[eq4_metrics[i]] = m4[i];
	maxv[V4_E] = m5;
	for (i = 0; i < D_N; i++) {
		int m = walk[i];

		d[i] = v4_level(m, v4_eff(p, m)) - v4_level(m, maxv[m]);
		if (d[i] < 0)
			ok = 0;
	}
	return ok;
}

/* Score in tenths, by the steps of FIRST's reference calculator. */
static int
v4_score(const struct parsed *p)
{
	static const int impact[] = { V4_VC, V4_VI, V4_VA, V4_SC, V4_SI,
	    V4_SA };
	const double step = 0.1;
	int eq[6], lower[6], i, a, b, c, n, found, t, tl, tr;
	double value, d[D_N], msd[5], dist[5], depth[5], sum, mean;

	for (i = 0; i < 6; i++)
		if (v4_eff(p, impact[i]) != 'N')
			break;
	if (i == 6)
		return 0;	/* no impact at all */
	v4_macrovector(p, eq);
	t = v4_macro_tenths(eq);
	if (t < 0)
		return 0;	/* cannot happen: every MacroVector is listed */
	value = t / 10.0;

	/* a. The score of the next lower MacroVector of each EQ (EQ3 and
	 * EQ6 step together), -1 when there is none. */
	memcpy(lower, eq, sizeof(lower));
	lower[0]++;
	tl = v4_macro_tenths(lower);
	msd[0] = tl;
	memcpy(lower, eq, sizeof(lower));
	lower[1]++;
	msd[1] = v4_macro_tenths(lower);
	memcpy(lower, eq, sizeof(lower));
	if (eq[2] == 0 && eq[5] == 0) {
		/* 00 steps down to 01 or 10: the higher of the two. */
		lower[5]++;
		tl = v4_macro_tenths(lower);
		lower[5]--;
		lower[2]++;
		tr = v4_macro_tenths(lower);
		msd[2] = tl < 0 || tr < 0 ? -1 : MAX(tl, tr);
	} else {
		if (eq[2] == 1 && eq[5] == 0)
			lower[5]++;		/* 10 -> 11 */
		else if (eq[2] == 2)
			lower[2]++, lower[5]++;	/* 21 -> 32: none */
		else
			lower[2]++;		/* 01 -> 11, 11 -> 21 */
		msd[2] = v4_macro_tenths(lower);
	}
	memcpy(lower, eq, sizeof(lower));
	lower[3]++;
	msd[3] = v4_macro_tenths(lower);
	memcpy(lower, eq, sizeof(lower));
	lower[4]++;
	msd[4] = v4_macro_tenths(lower);

	/* b. The severity distance from the first highest vector of the
	 * MacroVector that is at least as severe in every metric. */
	found = 0;
	memset(d, 0, sizeof(d));
	for (a = 0; !found && eq1_max[eq[0]][a] != NULL; a++)
		for (b = 0; !found && eq2_max[eq[1]][b] != NULL; b++)
			for (c = 0; !found &&
			    eq36_max[eq[2]][eq[5]][c] != NULL; c++)
				found = v4_distances(p, eq1_max[eq[0]][a],
				    eq2_max[eq[1]][b],
				    eq36_max[eq[2]][eq[5]][c], eq4_max[eq[3]],
				    eq5_max[eq[4]], d);
	/* When none qualifies, the reference keeps the last one tried. */
	dist[0] = d[D_AV] + d[D_PR] + d[D_UI];
	dist[1] = d[D_AC] + d[D_AT];
	dist[2] = d[D_VC] + d[D_VI] + d[D_VA] + d[D_CR] + d[D_IR] + d[D_AR];
	dist[3] = d[D_SC] + d[D_SI] + d[D_SA];
	dist[4] = 0;
	depth[0] = eq1_depth[eq[0]] * step;
	depth[1] = eq2_depth[eq[1]] * step;
	depth[2] = eq36_depth[eq[2]][eq[5]] * step;
	depth[3] = eq4_depth[eq[3]] * step;
	depth[4] = 1 * step;

	/* c, d. Each EQ with a lower MacroVector moves the score down by
	 * its share of the way there; 2. the mean of those moves. */
	n = 0;
	sum = 0;
	for (i = 0; i < 5; i++) {
		if (msd[i] < 0)
			continue;
		n++;
		if (i < 4)
			sum += (value - msd[i] / 10.0) * (dist[i] / depth[i]);
	}
	mean = n == 0 ? 0 : sum / n;
	/* 3. Rounded to one decimal, within 0-10. */
	return round_tenths(MAX(0.0, MIN(10.0, value - mean)));
}

/* ---- Parsing ---- */

static void
set_error(char **error_r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
set_error(char **error_r, const char *fmt, ...)
{
	va_list ap;

	if (error_r == NULL)
		return;
	va_start(ap, fmt);
	*error_r = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

/* "L, H": the values of metric m, for an error message.  New. */
static char *
values_list(const struct metric *m)
{
	GString *s = g_string_new(NULL);
	int i;

	for (i = 0; m->values[i] != NULL; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? ", " : "",
		    m->values[i]);
	return g_string_free(s, FALSE);
}

/* Parses the metrics after the prefix's "/" ("AV:N/AC:L/..."; len bytes)
 * into p; s is NULL when the prefix stands alone.  label names the
 * version in messages. */
static int
parse_metrics(const char *s, size_t len, const char *label,
    struct parsed *p, char **error_r)
{
	const char *end = s != NULL ? s + len : NULL, *comp, *colon, *slash;
	int i, j;

	memset(p->idx, -1, sizeof(p->idx));
	/* Every "/" opens a metric: "CVSS:3.1/" and "A:H/" end in an
	 * empty one. */
	for (comp = s; comp != NULL; comp = slash + 1) {
		size_t clen, nlen, vlen;

		slash = memchr(comp, '/', (size_t)(end - comp));
		if (slash == NULL)
			slash = end;
		clen = (size_t)(slash - comp);
		if (clen == 0) {
			set_error(error_r, "%s: empty metric (\"//\" or a "
			    "trailing \"/\")", label);
			return -1;
		}
		colon = memchr(comp, ':', clen);
		if (colon == NULL) {
			set_error(error_r, "%s: '%.*s' is not METRIC:VALUE",
			    label, (int)MIN(clen, 32), comp);
			return -1;
		}
		nlen = (size_t)(colon - comp);
		vlen = clen - nlen - 1;
		for (i = 0; i < p->n; i++)
			if (strlen(p->defs[i].name) == nlen &&
			    memcmp(p->defs[i].name, comp, nlen) == 0)
				break;
		if (i == p->n) {
			set_error(error_r, "%s: unknown metric '%.*s'", label,
			    (int)MIN(nlen, 32), comp);
			return -1;
		}
		if (p->idx[i] >= 0) {
			set_error(error_r, "%s: metric %s twice", label,
			    p->defs[i].name);
			return -1;
		}
		for (j = 0; p->defs[i].values[j] != NULL; j++)
			if (strlen(p->defs[i].values[j]) == vlen &&
			    memcmp(p->defs[i].values[j], colon + 1, vlen) == 0)
				break;
		if (p->defs[i].values[j] == NULL) {
			char *list = values_list(&p->defs[i]);

			set_error(error_r, "%s: %s: '%.*s' is not one of %s",
			    label, p->defs[i].name, (int)MIN(vlen, 32),
			    colon + 1, list);
			g_free(list);
			return -1;
		}
		p->idx[i] = (signed char)j;
		if (slash == end)
			break;
	}
	for (i = 0; i < p->n; i++)
		if (p->idx[i] < 0 && strcmp(p->defs[i].values[0], "X") != 0) {
			set_error(error_r, "%s: missing metric %s", label,
			    p->defs[i].name);
			return -1;
		}
	return 0;
}

int
cvss_parse(const char *vector, struct cvss *out, char **error_r)
{
	static const struct {
		const char *prefix;
		int version;
	} versions[] = {
		{ "CVSS:3.0", CVSS_V30 },
		{ "CVSS:3.1", CVSS_V31 },
		{ "CVSS:4.0", CVSS_V40 },
	};
	struct parsed p, base;
	const char *slash, *label = NULL;
	size_t len, plen, i, k;
	int v = -1, b, s, m;
	GString *norm;

	memset(out, 0, sizeof(*out));
	if (error_r != NULL)
		*error_r = NULL;
	if (vector == NULL || *vector == '\0') {
		set_error(error_r, "empty CVSS vector");
		return -1;
	}
	len = strnlen(vector, CVSS_INPUT_MAX + 1);
	if (len > CVSS_INPUT_MAX) {
		set_error(error_r, "CVSS vector longer than %d bytes",
		    CVSS_INPUT_MAX);
		return -1;
	}
	/* Nothing but printable ASCII: what is quoted below is safe. */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)vector[i];

		if (c <= ' ' || c >= 0x7f) {
			set_error(error_r, "CVSS vector: %s at byte %zu",
			    c == ' ' || c == '\t' ? "white space" :
			    "a control or non-ASCII character", i + 1);
			return -1;
		}
	}
	slash = strchr(vector, '/');
	plen = slash != NULL ? (size_t)(slash - vector) : len;
	for (k = 0; k < G_N_ELEMENTS(versions); k++)
		if (strlen(versions[k].prefix) == plen &&
		    memcmp(versions[k].prefix, vector, plen) == 0) {
			v = versions[k].version;
			label = versions[k].prefix;
		}
	if (v < 0) {
		set_error(error_r, "unknown prefix '%.*s' (CVSS:3.0, "
		    "CVSS:3.1 or CVSS:4.0)", (int)MIN(plen, 32), vector);
		return -1;
	}
	p.defs = v == CVSS_V40 ? v4_metrics : v3_metrics;
	p.n = v == CVSS_V40 ? V4_N : V3_N;
	if (parse_metrics(slash != NULL ? slash + 1 : NULL,
	    slash != NULL ? len - plen - 1 : 0, label, &p, error_r) < 0)
		return -1;

	if (v == CVSS_V40) {
		int threat, env = 0;

		/* CVSS-B: the base metrics alone. */
		base = p;
		memset(base.idx + V4_E, -1, V4_N - V4_E);
		b = v4_score(&base);
		s = v4_score(&p);
		threat = val(&p, V4_E) != 'X';
		for (m = V4_CR; m <= V4_MSA; m++)
			env |= val(&p, m) != 'X';
		out->nomenclature = threat ? (env ? "CVSS-BTE" : "CVSS-BT") :
		    (env ? "CVSS-BE" : "CVSS-B");
	} else
		v3_score(&p, v, &b, &s);

	norm = g_string_new(NULL);
	g_string_append_len(norm, vector, (gssize)plen);
	for (m = 0; m < p.n; m++)
		if (p.idx[m] >= 0 && val(&p, m) != 'X')
			g_string_append_printf(norm, "/%s:%s", p.defs[m].name,
			    p.defs[m].values[(int)p.idx[m]]);
	/* Never longer than the input, which fits. */
	g_strlcpy(out->vector, norm->str, sizeof(out->vector));
	g_string_free(norm, TRUE);
	out->version = v;
	out->base_score = b / 10.0;
	out->severity = cvss_severity(out->base_score);
	out->score = s / 10.0;
	out->score_severity = cvss_severity(out->score);
	return 0;
}
