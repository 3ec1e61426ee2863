/* Case records: cases, their attachments and participants, and the
 * append-only event log. Functions return STORE_* codes with a reason in
 * *error_r (newly allocated). Callers hold the transaction. */
#ifndef VULTURE_CASE_H
#define VULTURE_CASE_H

#include <glib.h>
#include <stdint.h>

#include "vulture/pstate.h"
#include "vulture/store.h"

#define CASE_MAX_TITLE 512
#define CASE_MAX_TEXT (1024 * 1024)	/* summary or detail, bytes */
#define CASE_MAX_ATTACHMENT (20 * 1024 * 1024)
#define CASE_MAX_REASON 1024

struct participant {
	char *handle;		/* owned */
	char *vendor_name;	/* owned */
	char *vendor_state;	/* owned */
	char *stage;		/* owned */
	char *status;		/* owned */
	int unreachable;
	char *comment, *advisory_url;		/* owned, may be NULL */
	char *fix_plan, *fix_date;		/* owned, may be NULL */
	char *workaround_plan, *workaround_date;	/* owned, may be NULL */
	int64_t pubdate_request;		/* 0: none */
	char *pubdate_reason;			/* owned, may be NULL */
	int attempts;
	int64_t first_attempt, last_attempt, last_answer, added;
};

struct attachment_info {
	int64_t id;
	char *filename;		/* owned */
	char *content_type;	/* owned */
	int64_t size;
};

struct event {
	int64_t id;
	char *case_id;		/* owned, may be NULL */
	int64_t at;
	char *actor, *kind, *detail;	/* owned */
	char *message_id;	/* owned, may be NULL */
};

struct vcase {
	char *id, *title;		/* owned */
	char *summary, *detail;		/* owned, may be NULL */
	char *reporter_ref;		/* owned, may be NULL */
	int single_vendor;
	int64_t t0, publication;
	char *state;			/* owned: open | published | closed */
	int64_t published_at, created, updated;
	GPtrArray *participants;	/* owned, of struct participant * */
	GPtrArray *attachments;		/* owned, of struct attachment_info * */
};

void vcase_free(struct vcase **c);
void event_free(struct event *e);

/* Allocates a fresh random id of format fmt (never one handed out before)
 * and creates the case. *id_r is newly allocated. */
int vcase_open(struct store *st, const char *fmt, const char *title,
    const char *summary, const char *detail, const char *reporter_ref,
    int single_vendor, int64_t t0, int64_t publication, char **id_r,
    char **error_r);
/* Loads the case with participants and attachment list. */
int vcase_get(struct store *st, const char *id, struct vcase **c_r,
    char **error_r);
/* All cases, newest first, without participants. */
int vcase_list(struct store *st, GPtrArray **list_r, char **error_r);
/* field is "summary" or "detail". */
int vcase_set_text(struct store *st, const char *id, const char *field,
    const char *text, int64_t now, char **error_r);
int vcase_set_publication(struct store *st, const char *id, int64_t when,
    int64_t now, char **error_r);
int vcase_add_attachment(struct store *st, const char *id,
    const char *filename, const char *content_type, const void *data,
    size_t len, int64_t now, char **error_r);
int vcase_add_participant(struct store *st, const char *id,
    int64_t vendor_id, int64_t now, char **error_r);

/*
 * The one writer of a participant's stage, status and unreachable flag
 * (pstate.h): reads the current state, asks pstate_next() about ev and
 * writes what it answers. Returns STORE_OK with *next_r (may be NULL), or
 * STORE_ERR with *error_r "HANDLE-or-id: why" when the machine refuses,
 * STORE_NOTFOUND when vendor_id takes no part in the case.
 */
int vcase_transition(struct store *st, const char *case_id,
    int64_t vendor_id, enum pevent ev, const struct pfacts *facts,
    struct pstate *next_r, char **error_r);

/* Appends to the event log. case_id and message_id may be NULL. */
int event_add(struct store *st, const char *case_id, int64_t at,
    const char *actor, const char *kind, const char *detail,
    const char *message_id, char **error_r);
/* The events of a case (NULL: events without a case), oldest first. */
int event_list(struct store *st, const char *case_id, GPtrArray **list_r,
    char **error_r);

/* The case as text for people (vulturectl case show, the transcript). */
void vcase_format(GString *o, const struct vcase *k, GPtrArray *events,
    GTimeZone *tz);

/* ---- For the outbound path (outbound.c). */

/* Counts a contact attempt (a summary, follow-up or registration request
 * queued) on the participant: attempts, first and last attempt. A vendor
 * taking no part in the case changes nothing. */
int vcase_count_attempt(struct store *st, const char *case_id,
    int64_t vendor_id, int64_t now, char **error_r);

/* Calls fn for each attachment of the case, oldest first, with its bytes
 * (all foreign: valid during the call only). */
typedef void (*vcase_attachment_fn)(void *arg, const char *filename,
    const char *content_type, const void *data, size_t len);
int vcase_attachments_each(struct store *st, const char *case_id,
    vcase_attachment_fn fn, void *arg, char **error_r);

/*
 * case_store.c: the other columns of a case's rows. Same return codes;
 * STORE_NOTFOUND (with *error_r) when the row asked for is not there.
 */

/* A participant's comment, unchanged when comment is NULL. */
int vcase_set_comment(struct store *st, const char *case_id,
    int64_t vendor_id, const char *comment, char **error_r);
/* The first attempt to reach a participant is now, unless one was made. */
int vcase_first_attempt(struct store *st, const char *case_id,
    int64_t vendor_id, int64_t now, char **error_r);
/* The case is published at now. */
int vcase_set_published(struct store *st, const char *case_id, int64_t now,
    char **error_r);
/* Ids of the cases in state ("open", "published"...), last published
 * first, then by id; of char *, *ids_r newly allocated even on error. */
int vcase_ids(struct store *st, const char *state, GPtrArray **ids_r,
    char **error_r);

/* One text of a case's advisory (overview, affected, description...). */
struct advisory_text {
	char *field;	/* owned */
	char *text;	/* owned */
};
void advisory_text_free(struct advisory_text *a);
/* Sets (or replaces) field; the caller checks the field name. */
int vcase_advisory_set(struct store *st, const char *case_id,
    const char *field, const char *text, char **error_r);
/* *text_r newly allocated. */
int vcase_advisory_get(struct store *st, const char *case_id,
    const char *field, char **text_r, char **error_r);
/* Every text of the case, of struct advisory_text *; *list_r newly
 * allocated even on error. */
int vcase_advisory_list(struct store *st, const char *case_id,
    GPtrArray **list_r, char **error_r);

/* *found_r 1 if the case's event log has kind with exactly detail. */
int event_exists(struct store *st, const char *case_id, const char *kind,
    const char *detail, int *found_r, char **error_r);

/* The durable "site dirty" mark (site.h): set in the transaction that
 * changes a published case (case_id may be NULL); *gen_r the newest mark
 * (0: none); unmark clears the marks up to gen. */
int vcase_site_mark(struct store *st, const char *case_id, int64_t now,
    char **error_r);
int vcase_site_marks(struct store *st, int64_t *gen_r, char **error_r);
int vcase_site_unmark(struct store *st, int64_t gen, char **error_r);

/* The inbound path's case records (route_facts.c, inbound.c). */
/* What routing a reply by vendor_id needs of case_id: all zero when there
 * is no such case. */
struct vcase_reply_facts {
	int exists;		/* a case of any state */
	int participant;	/* vendor_id takes part */
	int64_t first;		/* first notice, else when it was added */
	int64_t last_reply_signed;	/* of its last reply applied; 0 */
};
int vcase_reply_facts(struct store *st, const char *case_id,
    int64_t vendor_id, struct vcase_reply_facts *f, char **error_r);
/* Appends every open case's id and title (newly allocated) to ids and
 * titles (of char *, with g_free), in the same order. */
int vcase_open_titles(struct store *st, GPtrArray *ids, GPtrArray *titles,
    char **error_r);
/* A vendor's reply recorded: each field given (not NULL, not 0) replaces
 * the stored one; sig_time (0: unsigned) moves last_reply_signed on. */
struct vcase_reply {
	const char *comment, *advisory_url;	/* foreign, may be NULL */
	const char *fix_plan, *fix_date;
	const char *workaround_plan, *workaround_date;
	int64_t pubdate_request;
	const char *pubdate_reason;
	int64_t sig_time;
};
int vcase_record_reply(struct store *st, const char *case_id,
    int64_t vendor_id, const struct vcase_reply *v, int64_t now,
    char **error_r);

#endif
