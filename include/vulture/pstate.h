/*
 * pstate: a participant's state in a case -- its notification stage, the
 * status it reported (as published), whether it is unreachable -- and the
 * one transition function every change goes through. Pure: no store, no
 * I/O; the caller reads the current state, asks, and writes what it gets.
 *
 * The names here are the store's (sql/001-init.sql CHECK lists them too,
 * and tests/check_pstate.c holds the two together) and the labels are what
 * vendors and the advisory read, in English and Japanese (the guideline's
 * words, figure 3).
 *
 * The states of CERT/CC's Vultron protocol are derived from these
 * (pstate_vultron_cs(), pstate_vultron_em()): `case show --json` reports
 * them.
 */
#ifndef VULTURE_PSTATE_H
#define VULTURE_PSTATE_H

#include <stdint.h>

enum pstage {
	PSTAGE_SELECTED,		/* named for the case, not told yet */
	PSTAGE_REGISTRATION_REQUESTED,	/* not registered: asked to */
	PSTAGE_SUMMARY_SENT,
	PSTAGE_DETAIL_REQUESTED,
	PSTAGE_DETAIL_SENT,
	PSTAGE_NOT_AFFECTED,		/* answered the summary: none */
	PSTAGE_COUNT
};

enum pstatus {
	PSTATUS_UNKNOWN,		/* nothing reported (不明) */
	PSTATUS_AFFECTED,
	PSTATUS_AFFECTED_INVESTIGATING,
	PSTATUS_NOT_AFFECTED,
	PSTATUS_NOT_AFFECTED_INVESTIGATING,
	PSTATUS_COUNT
};

struct pstate {
	enum pstage stage;
	enum pstatus status;
	int unreachable;
};

enum pevent {
	/* The desk told a vendor that is not registered to register. */
	PEV_REGISTRATION_REQUESTED,
	/* The summary notice went out (the vendor is registered now). */
	PEV_SUMMARY_SENT,
	/* The vendor asked for the detail (or an invited organisation was
	 * registered for the case, which is the same). */
	PEV_DETAIL_REQUESTED,
	/* The detail went out. */
	PEV_DETAIL_SENT,
	/* A vendor's reply was applied: it is reachable; with
	 * facts.status != PSTATUS_COUNT its status changes too. */
	PEV_REPLY,
	/* A coordinator set the status (facts.status). */
	PEV_STATUS_SET,
	/* Silent past unreachable_after_days, or a coordinator says so. */
	PEV_UNREACHABLE,
	PEV_COUNT
};

/* What an event carries besides the current state. */
struct pfacts {
	enum pstatus status;	/* PEV_REPLY, PEV_STATUS_SET; PSTATUS_COUNT
				   for "unchanged" */
	int registered;		/* PEV_SUMMARY_SENT: the vendor is now */
};

/* Initializes f to "no facts" (status unchanged, not registered). */
void pfacts_init(struct pfacts *f);

/*
 * The state after ev. Returns 0 with *next filled (possibly equal to
 * *cur: a detail request after the detail went out changes nothing, the
 * stage never moves back), or -1 with *why_r a static English reason (a
 * refusal: the detail sent twice, a summary to a vendor already told...).
 */
int pstate_next(const struct pstate *cur, enum pevent ev,
    const struct pfacts *f, struct pstate *next, const char **why_r);

/* 1 if a participant at stage s was told more than a request to
 * register (the summary, at least). */
int pstate_told(enum pstage s);

/* Names as stored ("summary-sent", "affected-investigating"); NULL for an
 * out-of-range value. */
const char *pstage_name(enum pstage s);
const char *pstatus_name(enum pstatus s);
/* Labels for people: lang "ja" or anything else for English. */
const char *pstage_label(enum pstage s, const char *lang);
const char *pstatus_label(enum pstatus s, const char *lang);
/* From a stored name: the value, or -1 when name is not one. */
int pstage_parse(const char *name);
int pstatus_parse(const char *name);
/* A whole state from stored names: 0, or -1 when either is unknown. */
int pstate_from_names(const char *stage, const char *status, int unreachable,
    struct pstate *ps);

/*
 * Vultron case state of one participant, six letters, upper case when
 * true: V vendor aware (told the summary or more), F fix ready (a fix
 * date it gave has come), D fix deployed (not tracked: always d), P public
 * aware (published, or a leak recorded), X exploit public and A attacks
 * observed (not tracked: x, a). buf gets 7 bytes.
 */
void pstate_vultron_cs(const struct pstate *ps, int fix_ready,
    int public_aware, char buf[7]);

/* Vultron embargo state of a case: "none" (nobody to embargo with),
 * "proposed" (participants named, none told yet), "active", "revise" (a
 * participant asked to move the date), "exited" (published or closed). */
const char *pstate_vultron_em(const char *case_state, unsigned n_told,
    unsigned n_participants, int date_request_pending);

#endif
