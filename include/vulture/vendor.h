/* Vendor registry: vendors, their keywords and contacts (with the pinned
 * primary key fingerprint). Functions return STORE_* codes; errors that a
 * user caused come back in *error_r (newly allocated). Callers hold the
 * transaction. */
#ifndef VULTURE_VENDOR_H
#define VULTURE_VENDOR_H

#include <glib.h>
#include <stdint.h>

#include "vulture/ident.h"
#include "vulture/store.h"

#define VENDOR_MAX_HANDLE IDENT_MAX_HANDLE
#define VENDOR_MAX_NAME 256
#define VENDOR_MAX_KEYWORDS 64
#define VENDOR_MAX_KEYWORD IDENT_MAX_KEYWORD

struct contact {
	int64_t id;
	char *name;		/* owned, may be NULL */
	char *address;		/* owned */
	char *phone;		/* owned, may be NULL */
	char *fingerprint;	/* owned, NULL until a key is pinned */
	int64_t key_expires;	/* 0: never */
};

struct vendor {
	int64_t id;
	char *handle;		/* owned */
	char *name;		/* owned */
	char *registration;	/* owned: general | individual | early */
	char *state;		/* owned: pending|registered|suspended|unregistered */
	char *language;		/* owned: "en" | "ja" */
	GPtrArray *keywords;	/* owned, of char * */
	GPtrArray *contacts;	/* owned, of struct contact * */
	int64_t created, updated;
};

void vendor_free(struct vendor **v);
void contact_free(struct contact *c);

/* Validation of user-supplied values; 1 if valid. Thin wrappers of
 * ident.h's ident_handle_ok(), ident_keyword_ok(), ident_sector_ok(). */
int vendor_valid_handle(const char *h);
int vendor_valid_keyword(const char *k);
/* Critical-infrastructure sectors of early recipients. */
#define VENDOR_SECTORS IDENT_SECTORS
int vendor_valid_sector(const char *s);
/* Splits "a,b, c" into normalised (lower-case) keywords; NULL with
 * *error_r on a bad or too many keyword(s). */
GPtrArray *vendor_parse_keywords(const char *list, char **error_r);

int vendor_add(struct store *st, const char *handle, const char *name,
    const char *registration, const char *state, const char *language,
    const char *address, const char *contact_name, const char *phone,
    GPtrArray *keywords, int64_t now, char **error_r);
int vendor_get(struct store *st, const char *handle, struct vendor **v_r,
    char **error_r);
/* All vendors, ordered by handle: a GPtrArray of struct vendor * that frees
 * them. */
int vendor_list(struct store *st, GPtrArray **list_r, char **error_r);
int vendor_set_keywords(struct store *st, struct vendor *v,
    GPtrArray *keywords, int64_t now, char **error_r);
int vendor_set_state(struct store *st, struct vendor *v, const char *state,
    int64_t now, char **error_r);
int vendor_set_language(struct store *st, struct vendor *v,
    const char *language, int64_t now, char **error_r);
int vendor_add_contact(struct store *st, struct vendor *v,
    const char *address, const char *name, const char *phone,
    char **error_r);
/* A free handle for a new vendor: from the organisation's ASCII letters,
 * else the first label of address's domain; made unique with -2, -3...
 * Newly allocated, NULL when none is free. */
char *vendor_new_handle(struct store *st, const char *org,
    const char *address);
/* Pins fpr on contact c (which must belong to v). */
int vendor_pin_key(struct store *st, struct contact *c, const char *fpr,
    int64_t expires, char **error_r);
/* Finds the vendor and contact whose pinned key is fpr. */
int vendor_by_fingerprint(struct store *st, const char *fpr,
    struct vendor **v_r, int64_t *contact_id_r, char **error_r);
/* Handles of vendors having any of the keywords, ordered. */
int vendor_match_keywords(struct store *st, GPtrArray *keywords,
    GPtrArray **handles_r, char **error_r);

/*
 * vendor_keys.c: keys proposed by mail, organisations invited to a case
 * (secondary sharing) and a pending vendor's held statements. Same return
 * codes; STORE_NOTFOUND (with *error_r) when the row asked for is not
 * there.
 */

/* A proposed key (key_proposals), as listed for people. */
struct key_proposal {
	int64_t id;
	char handle[33];	/* "-" for an invited organisation */
	char address[256];
	char fpr[41];
	int64_t created;
	char share[96];		/* "CASE share N" or "" */
};

/* Records (or finds: the same key offered again) the proposal of fpr for
 * a vendor (vendor_id) or an invited organisation (related_id), either 0
 * when not; *id_r its row. */
int vendor_proposal_add(struct store *st, int64_t vendor_id,
    int64_t related_id, const char *address, const char *fpr, int64_t now,
    int64_t *id_r, char **error_r);
/* Keeps the key as sent (data, copied) with proposal id, to be imported
 * only on confirmation. */
int vendor_proposal_set_key(struct store *st, int64_t id, const void *data,
    size_t len, char **error_r);
/* The newest open proposal of fpr for vendor_id: *address_r newly
 * allocated, *key_r (owned, NULL: the key is already in the ring). */
int vendor_proposal_open(struct store *st, int64_t vendor_id,
    const char *fpr, int64_t *id_r, char **address_r, GBytes **key_r,
    char **error_r);
/* Proposal id becomes state ("confirmed" | "refused"), decided by by. */
int vendor_proposal_decide(struct store *st, int64_t id, const char *state,
    int64_t now, const char *by, char **error_r);
/* Likewise every open proposal of fpr for invited organisation
 * related_id. */
int vendor_proposal_decide_related(struct store *st, int64_t related_id,
    const char *fpr, const char *state, int64_t now, const char *by,
    char **error_r);
/* Open proposals (of one vendor, or all with vendor_id 0), oldest first, of
 * struct key_proposal *; *list_r newly allocated even on error. */
int vendor_proposals(struct store *st, int64_t vendor_id, GPtrArray **list_r,
    char **error_r);

/* An organisation a vendor asked to share a case with (related_orgs). */
struct vendor_related {
	int64_t id;
	char *case_id;		/* owned */
	char *case_state;	/* owned: the case's open | published | closed */
	int64_t requested_by;	/* the vendor that asked */
	char *requester;	/* owned: its handle */
	char *organisation, *address;	/* owned */
	char *contact, *phone;		/* owned, may be NULL */
	char *state;		/* owned: pending|approved|registered|refused */
	char *fingerprint;	/* owned, may be NULL: registered with */
	char *proposed_fpr;	/* owned, may be NULL: the key that came */
	char *vouched_fpr;	/* owned, may be NULL: confirmed ahead */
	int64_t created;
};
void vendor_related_free(struct vendor_related **r);

/* A new request, state pending; *id_r (may be NULL) its number. */
int vendor_related_add(struct store *st, const char *case_id,
    int64_t requested_by, const char *organisation, const char *contact,
    const char *address, const char *phone, int64_t now, int64_t *id_r,
    char **error_r);
int vendor_related_get(struct store *st, int64_t id,
    struct vendor_related **r_r, char **error_r);
/* The newest request in state whose address is address (any case). */
int vendor_related_by_address(struct store *st, const char *address,
    const char *state, struct vendor_related **r_r, char **error_r);
/* The requests of case_id, by requested_by (0: anyone) in state (NULL:
 * any), oldest first, of struct vendor_related *; *list_r newly allocated
 * even on error. */
int vendor_related_list(struct store *st, const char *case_id,
    int64_t requested_by, const char *state, GPtrArray **list_r,
    char **error_r);
/* Sets the state, and the fingerprint registered with unless fpr is
 * NULL. */
int vendor_related_set_state(struct store *st, int64_t id, const char *state,
    const char *fpr, char **error_r);
int vendor_related_set_proposed(struct store *st, int64_t id,
    const char *fpr, char **error_r);
int vendor_related_set_vouched(struct store *st, int64_t id, const char *fpr,
    char **error_r);

/* The vendor with a contact at address (unregistered ones first): its
 * handle and that contact's pinned key (NULL if none), newly allocated. */
int vendor_by_address(struct store *st, const char *address,
    char **handle_r, char **fpr_r, char **error_r);

#endif
