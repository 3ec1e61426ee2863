/* compose internals shared by its three files:
 *   compose.c       message assembly: compose_encrypted(),
 *                   compose_signed_clear(), message ids;
 *   compose_mime.c  header fields (checked, rendered) and MIME parts,
 *                   serialized and checked for the wire;
 *   compose_pgp.c   the OpenPGP step: the only GPGME code of compose,
 *                   through keys.h and the caller's vcrypto.h. */
#ifndef VULTURE_COMPOSE_P_H
#define VULTURE_COMPOSE_P_H

#include <gmime/gmime.h>

#include "vulture/compose.h"

/* One header field as we emit it: value unencoded, charset for GMime to
 * RFC 2047-encode it with (NULL: the value is ASCII already). */
struct hdr {
	const char *name;
	char *value;		/* owned */
	const char *charset;
};

#define MAX_HDRS	10

struct hdrs {
	struct hdr h[MAX_HDRS];
	size_t n;
	char *hp_outer[MAX_HDRS];	/* owned: "Name: value", unencoded */
	size_t n_outer;
};

/* GMime initialised once (compose.c). */
void compose_init(void);

/* ---- compose_mime.c */

/* Zeroes plaintext before it is freed; sets *bap to NULL. */
void compose_wipe(GByteArray **bap);
void compose_hdrs_clear(struct hdrs *hs);
/* Checks every field of m a message needs (encrypted: recipients and
 * attachments too). 0, or -1 with *error_r. */
int compose_check_msg(const struct compose_msg *m, int encrypted,
    char **error_r);
/* Fills the outer and the protected (inner) header fields. outer_subject
 * NULL: the real subject outside too (the signed announcement). */
int compose_build_headers(const struct compose_msg *m,
    GMimeFormatOptions *fo, const char *message_id,
    const char *outer_subject, struct hdrs *outer, struct hdrs *inner,
    char **error_r);
void compose_apply_headers(GMimeObject *obj, const struct hdrs *hs,
    int prepend);
/* Text with LF line ends (GMime writes them as CRLF), after prefix (may
 * be NULL). Newly allocated: wipe it. */
GByteArray *compose_normalized_text(const char *prefix, const char *text);
/* A text/plain part backed by ba (which stays the caller's). */
GMimePart *compose_text_part(GByteArray *ba, GMimeContentEncoding enc);
GMimePart *compose_ascii_part(const char *type, const char *subtype,
    const char *data, size_t len);
/* A base64 attachment; *copy_r receives the plaintext copy to wipe. */
GMimePart *compose_attachment_part(const struct compose_attachment *a,
    size_t idx, GByteArray **copy_r, char **error_r);
/* obj serialized into a new array of exactly the right size (wipe it). */
GByteArray *compose_serialize(GMimeObject *obj, GMimeFormatOptions *fo,
    char **error_r);
/* Every line CRLF, at most COMPOSE_MAX_LINE octets, 7-bit. */
int compose_check_wire(GByteArray *ba, char **error_r);
GMimeFormatOptions *compose_crlf_options(void);
GMimeMessage *compose_outer_message(const struct hdrs *outer,
    GMimeObject *body);

/* ---- compose_pgp.c: one message's OpenPGP session. */

struct compose_pgp;

/* Puts ctx (foreign) in the state compose needs and resolves the keys of
 * m: the desk key (it signs; it must hold a usable secret key) and, when
 * encrypt, every recipient key (usable for encryption). Keys come from
 * m->keys when it has them. 0 with *p_r, or -1 with *error_r (ctx then
 * put back). */
int compose_pgp_open(gpgme_ctx_t ctx, const struct compose_msg *m,
    int encrypt, struct compose_pgp **p_r, char **error_r);
/* Signs plain with the desk key and encrypts it to the desk and every
 * recipient key: in m->crypto when it signs (the gpg helper), else on
 * ctx. 0 with *armored_r (g_free) and *len_r, or -1 with *error_r. */
int compose_pgp_sign_encrypt(struct compose_pgp *p, const void *plain,
    size_t len, char **armored_r, size_t *len_r, char **error_r);
/* A detached, armored signature by the desk key over data: 0 with
 * *armored_r (g_free), *len_r and *micalg_r ("pgp-sha256": the hash gpg
 * used; g_free), or -1 with *error_r. */
int compose_pgp_sign_detached(struct compose_pgp *p, const void *data,
    size_t len, char **armored_r, size_t *len_r, char **micalg_r,
    char **error_r);
/* Drops the keys and puts ctx back as it was; NULL is fine. */
void compose_pgp_close(struct compose_pgp **p);

#endif
