/*
 * route: what a decoded inbound message is and what it may change, as a
 * pure function of the message and the facts read before (route_facts.h):
 * no database, no gpg, no clock (the time is a fact), no logging. The
 * inbound path reads the facts, calls route() and applies the decision;
 * tests and the fuzz target build both by hand.
 */
#ifndef VULTURE_ROUTE_H
#define VULTURE_ROUTE_H

#include <glib.h>
#include <stdint.h>

#include "vulture/cmd.h"
#include "vulture/config.h"
#include "vulture/decode.h"
#include "vulture/form.h"

/* At most this many case ids named by a message (protected Subject, the
 * form's Case: line, the signed text) get their facts read: a signed text
 * naming more cannot be routed by the quoted notice anyway, and a stranger
 * cannot make the desk read a thousand cases per message. */
#define ROUTE_MAX_CASE_IDS	16
/* A case title shorter than this (characters) is too common a phrase to
 * count as naming the case in a clear-text message. */
#define ROUTE_MIN_TITLE	16
/* A publication date requested without a time of day means this hour. */
#define ROUTE_DEFAULT_HOUR	11

/* What happens to a message. */
enum inbound_action {
	INBOUND_APPLY,		/* a vendor reply: changes the case */
	INBOUND_QUARANTINE,	/* kept with a reason; nothing changes */
	INBOUND_IGNORE,		/* auto-reply or bounce: recorded only */
	INBOUND_COMMAND,	/* a coordinator's command block */
	INBOUND_REGISTER,	/* a would-be vendor's registration request */
};

struct inbound_key;

struct inbound_decision {
	enum inbound_action action;
	const char *kind;	/* static: "applied", "unsigned", "leak"... */
	char *reason;		/* owned: for people */
	char *case_id;		/* owned, may be NULL */
	char *vendor;		/* owned: the signer's vendor handle, or NULL */
	int64_t vendor_id;
	char *route;		/* owned: how the case was found, or NULL */
	char *contact;		/* owned: the signing contact's address */
	char *contact_fpr;	/* owned: its pinned key */
	struct form *form;	/* owned, may be NULL */
	struct cmd_block *block;	/* owned: INBOUND_COMMAND's commands */
	GPtrArray *changes;	/* owned, of char *: what applying changes */
	/* owned, may be NULL: the attached key of a registration or key
	 * change, examined before the write transaction and imported (or
	 * kept) from that one examination; freed by key_free. route() never
	 * sets it: the examination is gpg's (inbound_keys.c). */
	struct inbound_key *key;
	void (*key_free)(struct inbound_key **);
};

const char *inbound_action_name(enum inbound_action a);
/* A new decision: kind static, reason taken (owned by it). */
struct inbound_decision *inbound_decision_new(enum inbound_action a,
    const char *kind, char *reason);
void inbound_decision_free(struct inbound_decision **d);

/* A case id the message names, and what the store says of it for the
 * signer's vendor. */
struct route_case {
	char *id;		/* owned */
	int exists;		/* a case of any state */
	int participant;	/* the signer's vendor takes part in it */
	int64_t first;		/* its first notice (else when it was
				   added); 0 when not a participant */
	int64_t last_reply_signed;	/* of its last reply applied; 0 */
};

/* An open (embargoed) case, for the leak checks. */
struct route_open_case {
	char *id, *title;	/* owned */
};

/*
 * Everything route() may look at besides the message. Filled by
 * route_facts_read() (and the key examination) before routing; by hand in
 * tests. Zeroed by route_facts_init(), freed by route_facts_clear().
 */
struct route_facts {
	/* foreign: id formats, time zone, the desk's address, the
	 * coordinators' keys, [policy], command_max_age, max_clock_skew */
	const struct vconf *conf;
	int64_t now;

	/* The signer of a good signature as pinned: a vendor contact's
	 * key (signer_pinned), its vendor and contact. */
	int signer_pinned;
	int64_t vendor_id;
	char *vendor_handle, *vendor_state;	/* owned */
	char *contact, *contact_fpr;		/* owned, may be NULL */

	/* route_case_ids() of the message, each with its facts. */
	GPtrArray *cases;		/* owned, struct route_case * */
	/* Every open case (for clear-text and undecryptable messages). */
	GPtrArray *open_cases;		/* owned, struct route_open_case * */

	/* The message of ours that In-Reply-To or References names (the
	 * newest that exists): its case and vendor, or NULL and 0. */
	char *ref_case;			/* owned */
	int64_t ref_vendor;

	int reply_seen;		/* this signed reply was applied before */
	int command_seen;	/* this signed command block was seen */

	/* The one attached key of a registration request as gpg examined
	 * it: its fingerprint, or why it is refused (route_wants_key()). */
	char key_fpr[41];	/* "" when not examined or refused */
	char *key_refusal;	/* owned, may be NULL */

	/* The reply form as the desk sends it, in both languages
	 * (notices_forms()): a quoted copy of it is not an answer. */
	char *sent_forms;	/* owned, may be NULL */
};

void route_facts_init(struct route_facts *f, const struct vconf *conf,
    int64_t now);
void route_facts_clear(struct route_facts *f);
/* The facts of id in f, or NULL. */
const struct route_case *route_facts_case(const struct route_facts *f,
    const char *id);

/*
 * The decision about r (NULL: the message could not be decoded; then
 * undecodable_why, static, says why). Newly allocated, never NULL: free
 * with inbound_decision_free().
 */
struct inbound_decision *route(const struct vdec_result *r,
    const char *undecodable_why, const struct route_facts *f);

/* The case ids whose facts route() needs: the protected Subject's, the
 * form's Case: line's, then those of the signed text; distinct, in that
 * order, at most ROUTE_MAX_CASE_IDS. A new array of newly allocated
 * strings (g_ptr_array_unref). */
GPtrArray *route_case_ids(const struct vconf *conf,
    const struct vdec_result *r);
/* 1 when route() needs the attached key examined (a registration request:
 * one key attached, a registration form, signed or signed by a key we do
 * not have yet). */
int route_wants_key(const struct vdec_result *r);

/*
 * Replies count in the order they were signed, each signed reply once.
 * NULL when r may be applied (reply_seen: this signature was applied
 * before; last_signed: of the participant's last reply applied, 0 none);
 * else why not (newly allocated) with *kind_r (static) "duplicate" or
 * "stale". Routing asks it, and the commit again in its transaction.
 */
char *route_reply_order(const struct vconf *conf, const struct vdec_result *r,
    int reply_seen, int64_t last_signed, const char **kind_r);

/* Small pure helpers the inbound path shares. */
/* The first case id in text (may be NULL) in either format, newly
 * allocated, or NULL. */
char *route_find_id(const struct vconf *conf, const char *text);
/* 1 if fpr is one of the [coordinators] keys. */
int route_is_coordinator(const struct vconf *conf, const char *fpr);
/* 1 if r (may be NULL) has a good, dated signature by a coordinator. */
int route_coordinator_signed(const struct vconf *conf,
    const struct vdec_result *r);
/* The one application/pgp-keys attachment of r (foreign: r's), or NULL
 * when there is none or more than one. */
const struct vdec_attachment *route_key_attachment(
    const struct vdec_result *r);
/* 1 if r came through a mailing list (List-Id, Precedence: list). */
int route_list_mail(const struct vdec_result *r);

#endif
