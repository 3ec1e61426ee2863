/* The participant state machine: see pstate.h. */
#include "config.h"

#include <string.h>

#include "vulture/pstate.h"

static const struct {
	const char *name, *en, *ja;
} stages[PSTAGE_COUNT] = {
	[PSTAGE_SELECTED] = { "selected", "Selected", "選定済み" },
	[PSTAGE_REGISTRATION_REQUESTED] = { "registration-requested",
	    "Asked to register", "登録依頼済み" },
	[PSTAGE_SUMMARY_SENT] = { "summary-sent", "Summary sent",
	    "概要通知済み" },
	[PSTAGE_DETAIL_REQUESTED] = { "detail-requested",
	    "Detail requested", "詳細情報請求あり" },
	[PSTAGE_DETAIL_SENT] = { "detail-sent", "Detail sent",
	    "詳細情報提供済み" },
	[PSTAGE_NOT_AFFECTED] = { "not-affected", "Not affected",
	    "該当製品なし" },
};

/* The published words (guideline, figure 3). */
static const struct {
	const char *name, *en, *ja;
} statuses[PSTATUS_COUNT] = {
	[PSTATUS_UNKNOWN] = { "unknown", "Unknown", "不明" },
	[PSTATUS_AFFECTED] = { "affected", "Affected", "該当製品あり" },
	[PSTATUS_AFFECTED_INVESTIGATING] = { "affected-investigating",
	    "Affected (investigating)", "該当製品あり：調査中" },
	[PSTATUS_NOT_AFFECTED] = { "not-affected", "Not affected",
	    "該当製品なし" },
	[PSTATUS_NOT_AFFECTED_INVESTIGATING] = {
	    "not-affected-investigating", "Not affected (investigating)",
	    "該当製品なし：調査中" },
};

void
pfacts_init(struct pfacts *f)
{
	memset(f, 0, sizeof(*f));
	f->status = PSTATUS_COUNT;
}

const char *
pstage_name(enum pstage s)
{
	return (unsigned)s < PSTAGE_COUNT ? stages[s].name : NULL;
}

const char *
pstatus_name(enum pstatus s)
{
	return (unsigned)s < PSTATUS_COUNT ? statuses[s].name : NULL;
}

static int
is_ja(const char *lang)
{
	return lang != NULL && strcmp(lang, "ja") == 0;
}

const char *
pstage_label(enum pstage s, const char *lang)
{
	if ((unsigned)s >= PSTAGE_COUNT)
		return NULL;
	return is_ja(lang) ? stages[s].ja : stages[s].en;
}

const char *
pstatus_label(enum pstatus s, const char *lang)
{
	if ((unsigned)s >= PSTATUS_COUNT)
		return NULL;
	return is_ja(lang) ? statuses[s].ja : statuses[s].en;
}

int
pstage_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < PSTAGE_COUNT; i++)
		if (strcmp(stages[i].name, name) == 0)
			return i;
	return -1;
}

int
pstatus_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < PSTATUS_COUNT; i++)
		if (strcmp(statuses[i].name, name) == 0)
			return i;
	return -1;
}

int
pstate_from_names(const char *stage, const char *status, int unreachable,
    struct pstate *ps)
{
	int st = pstage_parse(stage), su = pstatus_parse(status);

	if (st < 0 || su < 0)
		return -1;
	ps->stage = (enum pstage)st;
	ps->status = (enum pstatus)su;
	ps->unreachable = unreachable != 0;
	return 0;
}

/* Told anything about the case beyond a request to register. */
static int
told(enum pstage s)
{
	return s == PSTAGE_SUMMARY_SENT || s == PSTAGE_DETAIL_REQUESTED ||
	    s == PSTAGE_DETAIL_SENT || s == PSTAGE_NOT_AFFECTED;
}

int
pstate_next(const struct pstate *cur, enum pevent ev,
    const struct pfacts *f, struct pstate *next, const char **why_r)
{
	struct pfacts none;

	if (f == NULL) {
		pfacts_init(&none);
		f = &none;
	}
	*why_r = NULL;
	if ((unsigned)cur->stage >= PSTAGE_COUNT ||
	    (unsigned)cur->status >= PSTATUS_COUNT) {
		*why_r = "the participant's state is not one vulture knows";
		return -1;
	}
	*next = *cur;
	switch (ev) {
	case PEV_REGISTRATION_REQUESTED:
		if (cur->stage != PSTAGE_SELECTED) {
			*why_r = "already notified";
			return -1;
		}
		next->stage = PSTAGE_REGISTRATION_REQUESTED;
		return 0;
	case PEV_SUMMARY_SENT:
		/* A vendor asked to register, and registered since, gets the
		 * summary now; anyone else is told once. */
		if (cur->stage != PSTAGE_SELECTED &&
		    !(cur->stage == PSTAGE_REGISTRATION_REQUESTED &&
		    f->registered)) {
			*why_r = "already notified";
			return -1;
		}
		next->stage = PSTAGE_SUMMARY_SENT;
		return 0;
	case PEV_DETAIL_REQUESTED:
		/* Forward only: a request after the detail went out, or
		 * after "not affected", changes nothing. */
		if (cur->stage == PSTAGE_SELECTED ||
		    cur->stage == PSTAGE_REGISTRATION_REQUESTED ||
		    cur->stage == PSTAGE_SUMMARY_SENT)
			next->stage = PSTAGE_DETAIL_REQUESTED;
		return 0;
	case PEV_DETAIL_SENT:
		if (cur->stage == PSTAGE_DETAIL_SENT) {
			*why_r = "the detail was already sent";
			return -1;
		}
		if (cur->stage != PSTAGE_DETAIL_REQUESTED) {
			*why_r = "it has not asked for the detail";
			return -1;
		}
		next->stage = PSTAGE_DETAIL_SENT;
		return 0;
	case PEV_REPLY:
		if ((unsigned)f->status < PSTATUS_COUNT)
			next->status = f->status;
		next->unreachable = 0;
		return 0;
	case PEV_STATUS_SET:
		if ((unsigned)f->status >= PSTATUS_COUNT) {
			*why_r = "no status given";
			return -1;
		}
		next->status = f->status;
		return 0;
	case PEV_UNREACHABLE:
		next->unreachable = 1;
		return 0;
	case PEV_COUNT:
		break;
	}
	*why_r = "unknown event";
	return -1;
}

void
pstate_vultron_cs(const struct pstate *ps, int fix_ready, int public_aware,
    char buf[7])
{
	buf[0] = told(ps->stage) ? 'V' : 'v';
	buf[1] = fix_ready ? 'F' : 'f';
	buf[2] = 'd';
	buf[3] = public_aware ? 'P' : 'p';
	buf[4] = 'x';
	buf[5] = 'a';
	buf[6] = '\0';
}

const char *
pstate_vultron_em(const char *case_state, unsigned n_told,
    unsigned n_participants, int date_request_pending)
{
	if (case_state != NULL && strcmp(case_state, "open") != 0)
		return "exited";
	if (n_participants == 0)
		return "none";
	if (n_told == 0)
		return "proposed";
	return date_request_pending ? "revise" : "active";
}

int
pstate_told(enum pstage s)
{
	return told(s);
}
