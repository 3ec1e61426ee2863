/* Composes outbound mail: every message vulture sends before publication is
 * signed by the desk key and encrypted (RFC 3156 PGP/MIME, combined
 * sign+encrypt) to the recipient's pinned key and to the desk key, with the
 * real header fields protected inside (RFC 9788, hp="cipher"). The one
 * exception, compose_signed_clear(), is the public announcement after
 * publication: signed (RFC 3156 multipart/signed), not encrypted.
 *
 * No I/O besides GPGME, and GPGME only in compose_pgp.c. Keys come from
 * keys.h (listed, judged, cached there); signing and encrypting runs where
 * the caller's vcrypto says (vcrypto.h), else in-process on ctx. Bodies
 * and key material are never logged. */
#ifndef VULTURE_COMPOSE_H
#define VULTURE_COMPOSE_H

#include <glib.h>
#include <gpgme.h>
#include <stddef.h>
#include <stdint.h>

/* Named limits on what a caller may hand in. */
#define COMPOSE_MAX_HEADER_TEXT	 2000	/* bytes of a subject or name */
#define COMPOSE_MAX_ADDR	 254	/* bytes of an addr-spec */
#define COMPOSE_MAX_MSGID	 250	/* bytes of a message id, no <> */
#define COMPOSE_MAX_REFERENCES	 50	/* References kept: the newest */
#define COMPOSE_MAX_RECIPIENTS	 16	/* recipient keys of one message */
#define COMPOSE_MAX_ATTACHMENTS	 64
#define COMPOSE_MAX_LINE	 998	/* RFC 5322 2.1.1, without CRLF */
#define COMPOSE_MAX_CONTENT	 (100 * 1024 * 1024) /* body + attachments */

struct compose_attachment {
	const char *filename;		/* foreign: UTF-8, no path */
	const char *content_type;	/* foreign: NULL: octet-stream */
	const void *data;		/* foreign */
	size_t len;
};

struct vcrypto;
struct vkeys_cache;

/* Every pointer is foreign: the caller keeps ownership. */
struct compose_msg {
	const char *from_addr;		/* the desk's address */
	const char *from_name;		/* e.g. "Vulture desk"; may be NULL */
	const char *to_addr;
	const char *to_name;		/* may be NULL */
	const char *case_id;		/* "JVNVU#12345678"; NULL: no case */
	const char *subject;		/* the real subject, UTF-8 */
	const char *in_reply_to;	/* without <>; may be NULL */
	const char *const *references;	/* NULL-terminated, without <>;
					 * may be NULL */
	const char *message_id;		/* without <>; NULL: generate */
	int64_t date;			/* seconds since the epoch; 0: now */
	const char *timezone;		/* IANA zone for Date; NULL: UTC */
	int auto_replied;		/* Auto-Submitted: auto-replied,
					 * else auto-generated */
	const char *body;		/* UTF-8 text, LF or CRLF */
	const struct compose_attachment *attachments;
	size_t n_attachments;
	const char *const *recipient_fprs; /* NULL-terminated full primary
					 * fingerprints: the pinned keys */
	const char *desk_fpr;		/* signer; also encrypted to */
	struct vkeys_cache *keys;	/* foreign, may be NULL: list the
					 * keys for this message (keys.h) */
	/* foreign, may be NULL: where compose_encrypted signs and encrypts
	 * (its sign_encrypt; the gpg helper, gpgproc_crypto); NULL or no
	 * sign_encrypt: here, on ctx. */
	const struct vcrypto *crypto;
};

/* The OpenPGP step of compose_encrypted() alone, in-process on ctx, for
 * the gpg helper (gpgproc.h: what it runs, and its fallback): plain
 * signed by the key fprs[0] and encrypted to every key of fprs (n of
 * them, NULL-terminated, full primary fingerprints, judged again here),
 * keys from kc (foreign, may be NULL). 0 with *armored_r (g_free) and
 * *len_r, or -1 with *error_r. */
int compose_crypt(gpgme_ctx_t ctx, struct vkeys_cache *kc,
    const char *const *fprs, size_t n, const void *plain, size_t len,
    char **armored_r, size_t *len_r, char **error_r);

/* Composes m as a signed and encrypted PGP/MIME message, RFC 5322 with CRLF
 * line ends, every line at most COMPOSE_MAX_LINE octets.
 *
 * Outside: From, To, Date, Message-ID, In-Reply-To, References, Subject
 * "[<case_id>]" (or "..." without a case), Auto-Submitted, X-Vulture-Loop
 * (the desk address). Inside (encrypted): the same fields with the real
 * Subject, HP-Outer records of the outer ones, and a legacy display of the
 * Subject atop the body for clients that do not read protected headers.
 *
 * ctx is foreign: the caller's OpenPGP context on the desk's GNUPGHOME. Its
 * signers, armor, text mode and key listing mode are restored before
 * returning, on success and on failure. Every recipient key is looked up by
 * full primary fingerprint and must be usable for encryption (see
 * compose_check_recipient); validity in the web of trust is not required.
 * With m->keys, keys come from that cache (made on ctx) when they can.
 *
 * Returns 0 with *out_r (newly allocated, g_bytes_unref) and *message_id_r
 * (newly allocated without <>, g_free), or -1 with *error_r (newly
 * allocated, g_free) and nothing else allocated. message_id_r may be NULL. */
int compose_encrypted(gpgme_ctx_t ctx, const struct compose_msg *m,
    GBytes **out_r, char **message_id_r, char **error_r);

/* Composes m as a PGP/MIME multipart/signed message (RFC 3156 section 5)
 * with a text/plain body and the real Subject outside: for the public
 * announcement after publication only. Uses the fields of m except case_id,
 * recipient_fprs and attachments (n_attachments must be 0). micalg names
 * the hash gpg actually used. Returns like compose_encrypted(). */
int compose_signed_clear(gpgme_ctx_t ctx, const struct compose_msg *m,
    GBytes **out_r, char **message_id_r, char **error_r);

/* Checks that the key with the full primary fingerprint fpr is in ctx's
 * keyring and usable for encryption. Returns 0, or -1 with *error_r newly
 * allocated naming why: not a full fingerprint, not in the keyring, only a
 * subkey matches, revoked, expired, disabled, invalid, or no usable
 * encryption subkey. ctx is foreign; its key listing mode is restored. */
int compose_check_recipient(gpgme_ctx_t ctx, const char *fpr,
    char **error_r);

/* Returns a new message id "<32 hex>.<unix time>@<domain of from_addr>"
 * without <> (newly allocated, g_free). */
char *compose_message_id(const char *from_addr);

/* 1 if s (without <>) can be written as a msg-id in In-Reply-To and
 * References: an '@', printable ASCII without spaces or <>, at most
 * COMPOSE_MAX_MSGID bytes. A vendor's odd but legal Message-ID fails
 * this; the answer then goes without In-Reply-To, never not at all. */
int compose_valid_msgid(const char *s);

#endif
