/*
 * decode: turn one inbound mail message into what the router needs.
 *
 * MIME is parsed with GMime; OpenPGP goes through the vcrypto interface
 * the caller gives (vcrypto.h), so the decoder itself runs no gpg and
 * knows no helper process.  vdec_gpgme_ops is the in-process
 * implementation: GPGME directly on the part bytes, on a context the
 * caller owns (GMime's crypto contexts spawn extra gpg processes).
 * Nothing is stored, sent or logged.
 */
#ifndef VULTURE_DECODE_H
#define VULTURE_DECODE_H

#include <stddef.h>

#include <glib.h>
#include <gmime/gmime.h>
#include <gpgme.h>

#include "vulture/vcrypto.h"

/* Defaults of struct vdec_limits.  The caller passes max_message from
 * max_message_size in the configuration. */
#define VDEC_MAX_MESSAGE	(50u * 1024 * 1024)	/* raw bytes */
#define VDEC_MAX_DECRYPTED	(64u * 1024 * 1024)	/* plaintext after
							   decompression */
#define VDEC_MAX_DEPTH		16u	/* MIME nesting, decrypted parts
					   included */
#define VDEC_MAX_PARTS		256u	/* entities, decrypted ones included */
#define VDEC_MAX_HEADER_BYTES	(256u * 1024)	/* header block per entity */
#define VDEC_MAX_TEXT		(4u * 1024 * 1024)	/* UTF-8 body text */

/* At most this many References entries are kept (the oldest are dropped). */
#define VDEC_MAX_REFERENCES	64u

struct vdec_limits {
	size_t		 max_message;
	size_t		 max_decrypted;
	unsigned	 max_depth;
	unsigned	 max_parts;
	size_t		 max_header_bytes;
	size_t		 max_text;
	/* foreign, may be NULL (the temporary directory): where plaintext
	 * past SPILL_MEM_MAX goes, as an unlinked file of mode 0600, so
	 * that a 20 MB attachment is not held in memory. */
	const char	*spill_dir;
};

/* vdec_decode*() could not write or read its temporary data (disk full):
 * nothing is wrong with the message, try again later. */
#define VDEC_TEMPFAIL	(-2)

enum vdec_shape {
	VDEC_PLAIN,		/* neither encrypted nor signed */
	VDEC_PGPMIME_COMBINED,	/* multipart/encrypted, signed+encrypted
				   in one OpenPGP message */
	VDEC_PGPMIME_NESTED,	/* multipart/encrypted holding a
				   multipart/signed (RFC 3156 6.1) */
	VDEC_PGPMIME_ENCRYPTED,	/* multipart/encrypted without signature,
				   or not decryptable */
	VDEC_PGPMIME_SIGNED,	/* multipart/signed, not encrypted */
	VDEC_INLINE_ENCRYPTED,	/* armored PGP MESSAGE in a text part */
	VDEC_INLINE_SIGNED,	/* armored PGP MESSAGE that is only signed */
	VDEC_INLINE_CLEARSIGNED,	/* BEGIN PGP SIGNED MESSAGE */
	VDEC_EXCHANGE,		/* multipart/mixed mangled by Exchange/Outlook,
				   handled as multipart/encrypted */
	VDEC_ATTACHED,		/* an OpenPGP message attached as a file
				   (reply.txt.gpg, .asc), handled as inline
				   PGP: its plaintext is the text */
	VDEC_SMIME		/* application/pkcs7-mime: S/MIME, not
				   read */
};

/* enum vdec_sig and the sizes VDEC_CIPHER_LEN, VDEC_HASH_LEN: vcrypto.h. */

struct vdec_attachment {
	char		*filename;	/* owned; NULL or a sanitized single
					   path component, UTF-8 */
	char		*content_type;	/* owned; "type/subtype", lower case */
	GBytes		*data;		/* owned; transfer-decoded bytes,
					   zeroed when the last ref goes */
	int		 is_protected;	/* inside the decrypted or signed
					   payload */
};

struct vdec_result {
	enum vdec_shape	 shape;

	/* Decryption. */
	int		 encrypted;	/* an encrypted part was found */
	int		 decrypted;	/* and decrypting it succeeded */
	char		*decrypt_error;	/* owned; NULL unless it failed */
	GPtrArray	*recipients;	/* owned; char *, the key ids (16
					   upper-case hex digits, at most
					   40) of every public-key session
					   key packet of the message, in
					   its order, at most 64 */
	char		 cipher_algo[VDEC_CIPHER_LEN];	/* symmetric cipher
					   and mode as GPGME names them
					   ("AES256.CFB", "CAST5.CFB",
					   "AES256.OCB"); "" when nothing
					   was decrypted or gpg did not
					   say */

	/* First signature; n_sigs counts all of them.  It covers text and
	 * the attachments marked is_protected, nothing else. */
	enum vdec_sig	 sig;
	char		*verify_error;	/* owned; why sig is not GOOD, or
					   NULL */
	unsigned	 n_sigs;
	char		 signer_fpr[41];	/* primary key, upper-case hex;
						   "" when the key is unknown */
	char		 sig_fpr[41];	/* as gpg reported it: signing subkey
					   fingerprint or issuer key id */
	gint64		 sig_time;	/* signature creation, Unix time; 0 */
	char		 signed_hash[65];	/* SHA-256 hex of the signed
						   data; "" without signature */
	char		 hash_algo[VDEC_HASH_LEN];	/* hash algorithm of
					   the first signature as GPGME
					   names it ("SHA256", "SHA1",
					   "RIPEMD160"); "" without
					   signature or when unknown */

	/* Outer header fields, UTF-8, unfolded; NULL when absent.  All
	 * owned. */
	char		*message_id;	/* without <> */
	char		*in_reply_to;	/* first msg-id, without <> */
	GPtrArray	*references;	/* char *, without <>, oldest first */
	char		*from;		/* display form, RFC 2047 decoded */
	char		*from_addr;	/* addr-spec of the first From
					   mailbox */
	char		*to;
	char		*subject_outer;
	char		*date;
	gint64		 date_time;	/* parsed Date, Unix time; 0 */
	char		*auto_submitted;
	char		*precedence;
	char		*return_path;	/* without <>; "" for a null path */
	char		*list_id;
	char		*loop;		/* X-Vulture-Loop */

	/* Protected header fields (RFC 9788 hp= or protected-headers="v1"
	 * on the root of the signed payload: a signed+encrypted payload or
	 * the signed part of multipart/signed, never an unsigned wrapper
	 * or an encrypted-only payload); NULL when absent.  Owned. */
	char		*subject_prot;
	char		*from_prot;
	char		*to_prot;

	char		*subject;	/* owned; the effective Subject:
					   protected if present, else outer */
	int		 subject_protected;

	/* Body text for the form parser: only the decrypted or signed
	 * payload when there is one, else every inline text part (HTML
	 * reduced, multipart/alternative: text/plain).  Owned, never NULL,
	 * UTF-8 with LF line ends and no NUL, zeroed before it is freed. */
	char		*text;
	size_t		 text_len;
	/* Text of a crypto message found outside its payload (an unsigned
	 * part beside it, words around an inline block): for leak checks
	 * only, never to act on.  Owned, zeroed before it is freed; ""
	 * when there is none.  Plain messages have all their text in
	 * text. */
	char		*clear_text;
	size_t		 clear_text_len;
	unsigned	 unprotected_parts;	/* parts (or inline
						   surroundings) that went
						   to clear_text */

	GPtrArray	*attachments;	/* owned; struct vdec_attachment * */
	int		 smime;		/* S/MIME signed or encrypted:
					   not read, not verified */
	GString		*structure;	/* owned; the MIME tree, two spaces
					   per level, decrypted parts under
					   their container; printable */
};

/* Initialize GMime and GPGME once per process; later calls do nothing.
 * Returns 0, or -1 when the GPGME library is too old. */
int	vdec_init(void);

void	vdec_limits_default(struct vdec_limits *l);

const char *vdec_shape_name(enum vdec_shape shape);
const char *vdec_sig_name(enum vdec_sig sig);

/*
 * Decode raw RFC 5322 bytes (CRLF or LF; an mbox "From " line is
 * skipped).  vc is foreign: how to decrypt and verify (vdec_gpgme_ops on
 * the desk's context, the gpg helper's gpgproc_crypto, a test's fake);
 * its sign_encrypt is not used.  It is asked for at most one decryption
 * and one verification.  lim may be NULL for the defaults.  Only
 * multipart/signed at the root of the message or of the decrypted part
 * is verified: a signed part beside unsigned ones is plain mail.
 *
 * Returns 0 with *res_r (free with vdec_result_free) when the message was
 * parsed, even if decryption or verification failed: that is in the
 * result.  Returns -1 with *error_r (a static string) when the bytes are
 * not a mail message or a limit was exceeded anywhere, the decrypted part
 * included; VDEC_TEMPFAIL when temporary data could not be written.
 */
int	vdec_decode(const struct vcrypto *vc, const char *raw, size_t len,
	    const struct vdec_limits *lim, struct vdec_result **res_r,
	    const char **error_r);

/* The same, reading raw (foreign; seekable, e.g. a spill's stream) from
 * its start to its end in place: the message is never copied whole, and
 * its decrypted content goes to a spill in lim->spill_dir, so memory stays
 * bounded by the largest attachment rather than by the message. raw must
 * not be read by anyone else meanwhile. */
int	vdec_decode_stream(const struct vcrypto *vc, GMimeStream *raw,
	    const struct vdec_limits *lim, struct vdec_result **res_r,
	    const char **error_r);

/* The in-process implementation of decryption and verification
 * (decode_pgp.c): impl is a gpgme_ctx_t (foreign) on the desk's GNUPGHOME.
 * Each operation runs offline; the context's offline flag, status
 * callback and "full-status" flag are put back, its last results are
 * overwritten (a key look-up follows when gpg gave no VALIDSIG).  No
 * sign_encrypt: compose does that in-process itself. */
extern const struct vcrypto_ops vdec_gpgme_ops;

/* Zeroes text and attachment bytes, frees everything, sets *r to NULL.
 * Accepts NULL and *r == NULL. */
void	vdec_result_free(struct vdec_result **r);

#endif /* VULTURE_DECODE_H */
