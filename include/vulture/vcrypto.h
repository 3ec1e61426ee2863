/* vcrypto: the OpenPGP operations that decode and compose need, behind an
 * interface their caller gives them, so that neither knows where gpg
 * runs. Two implementations exist: GPGME in the calling thread
 * (vdec_gpgme_ops, decode.h; compose signs and encrypts in-process when it
 * is given none), and the gpg helper process (gpgproc_crypto, gpgproc.h),
 * which falls back to the first when the helper is gone. Tests give fakes.
 *
 * This header depends on no other module of vulture: decode.h includes
 * it for enum vdec_sig and the algorithm name sizes. */
#ifndef VULTURE_VCRYPTO_H
#define VULTURE_VCRYPTO_H

#include <stddef.h>

#include <glib.h>
#include <gmime/gmime.h>

/* Sizes of the algorithm names of the results, NUL included.  A name is
 * upper-case letters, digits and dots only. */
#define VDEC_CIPHER_LEN	24u
#define VDEC_HASH_LEN	16u

/* Signatures counted on one OpenPGP message: only "none, one, several"
 * matters, and the count crosses the gpg helper's answer. */
#define VCRYPTO_MAX_SIGS	1000u

enum vdec_sig {
	VDEC_SIG_NONE,		/* no signature found */
	VDEC_SIG_GOOD,		/* valid; compare signer_fpr with the pinned
				   fingerprint before trusting it */
	VDEC_SIG_BAD,		/* does not match the data */
	VDEC_SIG_KEY_MISSING,	/* public key not in the keyring */
	VDEC_SIG_KEY_EXPIRED,
	VDEC_SIG_KEY_REVOKED,
	VDEC_SIG_SIG_EXPIRED,
	VDEC_SIG_ERROR		/* anything else: CRL, policy, malformed */
};

struct spill;

/* What one decryption or verification found. The caller zeroes it
 * before the operation and clears it with vcrypto_result_clear(). */
struct vcrypto_result {
	/* Decryption (decrypt_verify only). */
	int		 decrypted;
	char		*decrypt_error;		/* owned */
	GPtrArray	*recipients;		/* owned, char *: key ids
						   (vcrypto_keyid_ok), at
						   most 64 */
	char		 cipher_algo[VDEC_CIPHER_LEN];	/* "" unknown */

	/* First signature. */
	unsigned	 n_sigs;		/* at most VCRYPTO_MAX_SIGS */
	enum vdec_sig	 sig;
	char		*verify_error;		/* owned */
	char		 signer_fpr[41];	/* primary key, upper-case
						   hex; "" unknown */
	char		 sig_fpr[41];		/* as gpg named it */
	gint64		 sig_time;
	char		 hash_algo[VDEC_HASH_LEN];	/* "" unknown */

	int		 over_cap;		/* output passed the cap */
	int		 spill_failed;		/* the output could not be
						   written (disk full) */
	struct spill	*plain;			/* owned, may be NULL:
						   decrypted or verified
						   text */
};

/* Frees what r owns and zeroes it. */
void	vcrypto_result_clear(struct vcrypto_result *r);

/* 1 when s is an algorithm name as a result keeps one: 1 to size - 1
 * upper-case letters, digits and dots. */
int	vcrypto_algo_name_ok(const char *s, size_t size);
/* 1 when s is a key id as recipients holds one: 1 to 40 upper-case hex
 * digits. */
int	vcrypto_keyid_ok(const char *s);

/* Each operation gets impl, the implementation's state. */
struct vcrypto_ops {
	/* Decrypts (and verifies, when signed) one OpenPGP message read
	 * from in (foreign, from its position). The plaintext goes to
	 * r->plain, a spill in spill_dir (NULL: the temporary directory). A
	 * message that is only signed comes back with decrypted = 0, no
	 * decrypt_error, and its plaintext. Plaintext past cap stops gpg and
	 * sets over_cap. Returns 0, or -1 when the plaintext could not be
	 * written (spill_failed: worth retrying later). */
	int	(*decrypt_verify)(void *impl, GMimeStream *in, size_t cap,
		    const char *spill_dir, struct vcrypto_result *r);
	/* Verifies a detached signature sig over data (foreign, from its
	 * position). Returns 0. */
	int	(*verify_detached)(void *impl, GMimeStream *data,
		    const char *sig, size_t sig_len, struct vcrypto_result *r);
	/* Verifies a clearsigned block; the signed text goes to r->plain.
	 * Returns 0, or -1 as decrypt_verify. */
	int	(*verify_clear)(void *impl, const char *in, size_t len,
		    size_t cap, const char *spill_dir,
		    struct vcrypto_result *r);
	/* Signs plain with the key fprs[0] and encrypts it to every key of
	 * fprs (n of them, NULL-terminated, full primary fingerprints,
	 * judged again). 0 with *armored_r (g_free) and *len_r, or -1 with
	 * *error_r (g_free). NULL: the implementation does not sign
	 * (compose then does it in-process). */
	int	(*sign_encrypt)(void *impl, const char *const *fprs, size_t n,
		    const void *plain, size_t len, char **armored_r,
		    size_t *len_r, char **error_r);
};

/* An implementation: both pointers foreign, given by whoever made it. */
struct vcrypto {
	const struct vcrypto_ops *ops;
	void *impl;
};

#endif /* VULTURE_VCRYPTO_H */
