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

#endif
