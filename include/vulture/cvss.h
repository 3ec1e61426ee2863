/*
 * cvss: CVSS vector strings checked and scored, as FIRST defines them.
 * No I/O, no state: a vector in, its scores and normalized form out.
 *
 *   CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H        (3.0 accepted too)
 *   CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N
 *
 * Every base metric is required; the optional metrics (v3: temporal and
 * environmental; v4.0: threat, environmental and supplemental) are taken
 * when their value is valid.  Metrics may come in any order (v3.1 says
 * readers must accept that; v4.0's text contradicts itself), each at
 * most once.  Metric names and values are case-sensitive, as in the
 * specifications.
 *
 * Scores: v3.x with the formulas of the v3.1 (or v3.0) specification and
 * the float-safe Roundup of the v3.1 appendix A; v4.0 with the MacroVector
 * table and the severity-distance interpolation of FIRST's reference
 * calculator (computed in the same floating-point steps and rounded as
 * it rounds since its 2024 fix, so that the scores agree to the last
 * digit).
 */
#ifndef VULTURE_CVSS_H
#define VULTURE_CVSS_H

/* Longest vector accepted, in bytes: a v4.0 vector that spells out every
 * metric, "X" included, takes 178. */
#define CVSS_INPUT_MAX 255
/* Size of struct cvss.vector, NUL included. */
#define CVSS_VECTOR_MAX (CVSS_INPUT_MAX + 1)

enum cvss_version {
	CVSS_V30 = 30,
	CVSS_V31 = 31,
	CVSS_V40 = 40,
};

struct cvss {
	int version;		/* enum cvss_version */
	/* From the base metrics alone (v4.0: CVSS-B), 0.0 to 10.0 in steps
	 * of 0.1.  severity: cvss_severity(base_score). */
	double base_score;
	const char *severity;	/* static */
	/* The score of every metric given: v3.x the environmental score if
	 * an environmental metric is set, else the temporal score (the base
	 * score when no temporal metric is set either); v4.0 the score its
	 * nomenclature names (CVSS-B, -BT, -BE or -BTE).  Supplemental
	 * metrics never change a score. */
	double score;
	const char *score_severity;	/* static: cvss_severity(score) */
	/* v4.0: "CVSS-B", "CVSS-BT", "CVSS-BE" or "CVSS-BTE"; v3.x: NULL. */
	const char *nomenclature;	/* static */
	/* The vector normalized: the prefix, then the metrics in the order
	 * of the specification's table, those set to X (Not Defined) left
	 * out. */
	char vector[CVSS_VECTOR_MAX];
};

/* Parses, checks and scores vector (NUL-terminated).  Returns 0 with *out
 * filled, or -1 with *out zeroed and *error_r (if error_r is not NULL)
 * set to a newly allocated message (g_free) that names what is wrong:
 * "CVSS:3.1: AC: 'X' is not one of L, H", "CVSS:4.0: missing metric PR",
 * "CVSS:3.1: metric AV twice", "unknown prefix 'CVSS:2.0' (CVSS:3.0,
 * CVSS:3.1 or CVSS:4.0)".  Only printable ASCII from the input is ever
 * quoted in a message. */
int cvss_parse(const char *vector, struct cvss *out, char **error_r);

/* The qualitative rating of a score (one decimal): "None" (0.0), "Low"
 * (0.1-3.9), "Medium" (4.0-6.9), "High" (7.0-8.9), "Critical"
 * (9.0-10.0); NULL outside 0.0-10.0.  Static. */
const char *cvss_severity(double score);

/* "3.0", "3.1" or "4.0" for a struct cvss version; NULL for others. */
const char *cvss_version_name(int version);

#endif /* VULTURE_CVSS_H */
