/*
 * decode_pgp: GPGME decryption and verification reading GMime streams in
 * place, with a capped output spill so that a compression bomb stops gpg
 * and a large plaintext goes to a file, not to memory: vdec_gpgme_ops
 * (decode.h), the in-process implementation of vcrypto.h.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include <glib.h>
#include <gpgme.h>

#include "decode_p.h"
#include "vulture/ident.h"
#include "vulture/keys.h"
#include "vulture/vcrypto.h"

/* Output data object: appends to a spill and fails past its cap, which
 * makes GPGME abort the operation and close gpg's pipe. */

static ssize_t
spill_write_cb(void *handle, const void *buf, size_t size)
{
	struct vcrypto_result	*p = handle;
	int		 rc = spill_write(p->plain, buf, size, NULL);

	if (rc == SPILL_OK)
		return (ssize_t)size;
	if (rc == SPILL_OVER) {
		p->over_cap = 1;
		errno = EFBIG;
	} else {
		p->spill_failed = 1;
		errno = EIO;
	}
	return -1;
}

static struct gpgme_data_cbs spill_cbs = {
	.read = NULL,
	.write = spill_write_cb,
	.seek = NULL,
	.release = NULL,
};

/* Input data object: reads a GMime stream in place. */
static ssize_t
stream_read_cb(void *handle, void *buf, size_t size)
{
	ssize_t n = spill_read(handle, buf, size);

	if (n < 0) {
		errno = EIO;
		return -1;
	}
	return n;
}

static struct gpgme_data_cbs stream_cbs = {
	.read = stream_read_cb,
	.write = NULL,
	.seek = NULL,
	.release = NULL,
};

static void
plain_open(struct vcrypto_result *p, size_t cap, const char *dir)
{
	spill_free(&p->plain);
	p->plain = spill_new(dir, cap, 0);
}

static void
plain_drop(struct vcrypto_result *p)
{
	spill_free(&p->plain);
}

/* Copies a name GPGME gave into dst when it is one (an unknown algorithm
 * is "?" or "?.?"), else leaves dst "". */
static void
copy_algo(char *dst, size_t size, const char *name)
{
	if (vcrypto_algo_name_ok(name, size))
		memcpy(dst, name, strlen(name) + 1);
}

static void
copy_upper(char dst[41], const char *src)
{
	size_t	i;

	for (i = 0; i < 40 && src[i]; i++)
		dst[i] = g_ascii_toupper(src[i]);
	dst[i] = '\0';
}

/*
 * Around each operation: gpg runs offline whatever the caller's context
 * says (decoding must not reach a keyserver), and VALIDSIG status lines
 * are captured: their last field is the primary key fingerprint, which
 * saves a key listing (a second gpg run, about 8 ms) per signature.  The
 * caller's status callback and flags are put back afterwards.
 */
#define VALIDSIG_MAX	4

struct op_save {
	int			 offline;
	gpgme_status_cb_t	 cb;
	void			*cb_hook;
	char			*full_status;
	unsigned		 n_valid;
	char			 valid_sign[VALIDSIG_MAX][41];
	char			 valid_primary[VALIDSIG_MAX][41];
};

static gpgme_error_t
status_cb(void *hook, const char *keyword, const char *args)
{
	struct op_save	*os = hook;
	gchar		**f;

	if (keyword == NULL || args == NULL || strcmp(keyword, "VALIDSIG") != 0
	    || os->n_valid >= VALIDSIG_MAX)
		return 0;
	f = g_strsplit(args, " ", 12);
	if (g_strv_length(f) >= 10 && ident_fpr_ok(f[0]) &&
	    ident_fpr_ok(f[9])) {
		copy_upper(os->valid_sign[os->n_valid], f[0]);
		copy_upper(os->valid_primary[os->n_valid], f[9]);
		os->n_valid++;
	}
	g_strfreev(f);
	return 0;
}

static void
op_enter(gpgme_ctx_t ctx, struct op_save *os)
{
	const char	*fs;

	memset(os, 0, sizeof(*os));
	os->offline = gpgme_get_offline(ctx);
	gpgme_set_offline(ctx, 1);
	gpgme_get_status_cb(ctx, &os->cb, &os->cb_hook);
	fs = gpgme_get_ctx_flag(ctx, "full-status");
	os->full_status = g_strdup(fs && *fs ? fs : "0");
	/* Without full-status GPGME hands only a few lines to the
	 * callback; a failure here only costs the key listing. */
	if (gpgme_set_ctx_flag(ctx, "full-status", "1") == 0)
		gpgme_set_status_cb(ctx, status_cb, os);
}

static void
op_leave(gpgme_ctx_t ctx, struct op_save *os)
{
	gpgme_set_status_cb(ctx, os->cb, os->cb_hook);
	/* Cannot fail: the flag was accepted by op_enter. */
	(void)gpgme_set_ctx_flag(ctx, "full-status", os->full_status);
	g_free(os->full_status);
	gpgme_set_offline(ctx, os->offline);
}

static const char *
validsig_primary(struct op_save *os, const char *sign_fpr)
{
	unsigned	i;

	for (i = 0; i < os->n_valid; i++)
		if (strcmp(os->valid_sign[i], sign_fpr) == 0)
			return os->valid_primary[i];
	return NULL;
}

/*
 * Classification, strictest first.  summary 0 with status 0 is GOOD: an
 * imported but uncertified key gives no VALID/GREEN bit, and vulture pins
 * the primary fingerprint itself.
 */
static enum vdec_sig
classify(gpgme_sigsum_t sum, gpgme_error_t status)
{
	gpgme_err_code_t code = gpgme_err_code(status);

	if (code == GPG_ERR_BAD_SIGNATURE)
		return VDEC_SIG_BAD;
	if (code == GPG_ERR_NO_PUBKEY || (sum & GPGME_SIGSUM_KEY_MISSING))
		return VDEC_SIG_KEY_MISSING;
	if (code == GPG_ERR_CERT_REVOKED || (sum & GPGME_SIGSUM_KEY_REVOKED))
		return VDEC_SIG_KEY_REVOKED;
	if (code == GPG_ERR_KEY_EXPIRED || (sum & GPGME_SIGSUM_KEY_EXPIRED))
		return VDEC_SIG_KEY_EXPIRED;
	if (code == GPG_ERR_SIG_EXPIRED || (sum & GPGME_SIGSUM_SIG_EXPIRED))
		return VDEC_SIG_SIG_EXPIRED;
	if (code != GPG_ERR_NO_ERROR || (sum & (GPGME_SIGSUM_CRL_MISSING |
	    GPGME_SIGSUM_CRL_TOO_OLD | GPGME_SIGSUM_BAD_POLICY |
	    GPGME_SIGSUM_SYS_ERROR)))
		return VDEC_SIG_ERROR;
	if (sum & GPGME_SIGSUM_RED)
		return VDEC_SIG_BAD;
	return VDEC_SIG_GOOD;
}

/*
 * Copies the verify result out of ctx first: the key look-up below is a
 * new operation on the same context and replaces it.
 */
static void
take_signatures(gpgme_ctx_t ctx, struct vcrypto_result *p, struct op_save *os)
{
	gpgme_verify_result_t	 vr;
	gpgme_signature_t	 s;
	gpgme_sigsum_t		 sum;
	gpgme_error_t		 status, err;
	gpgme_key_t		 key = NULL;
	const char		*primary;

	vr = gpgme_op_verify_result(ctx);
	if (vr == NULL || vr->signatures == NULL) {
		p->sig = VDEC_SIG_NONE;
		return;
	}
	for (s = vr->signatures; s && p->n_sigs < VCRYPTO_MAX_SIGS;
	    s = s->next)
		p->n_sigs++;
	s = vr->signatures;
	sum = s->summary;
	status = s->status;
	p->sig_time = (gint64)s->timestamp;
	copy_algo(p->hash_algo, sizeof(p->hash_algo),
	    gpgme_hash_algo_name(s->hash_algo));
	if (s->fpr)
		copy_upper(p->sig_fpr, s->fpr);
	p->sig = classify(sum, status);
	if (p->sig == VDEC_SIG_GOOD && s->wrong_key_usage) {
		/* Made with a key not flagged for signing. */
		p->sig = VDEC_SIG_ERROR;
		p->verify_error = g_strdup("wrong key usage");
	}
	if (p->sig != VDEC_SIG_GOOD)
		p->verify_error = g_strdup(status ?
		    gpgme_strerror(status) : vdec_sig_name(p->sig));

	if (p->sig == VDEC_SIG_KEY_MISSING || p->sig_fpr[0] == '\0')
		return;
	if ((primary = validsig_primary(os, p->sig_fpr)) != NULL) {
		memcpy(p->signer_fpr, primary, 41);
		return;
	}
	/* sig->fpr may name the signing subkey: the contacts pin primary
	 * fingerprints. */
	err = vkeys_get_signer(ctx, p->sig_fpr, &key);
	if (err != GPG_ERR_NO_ERROR || key == NULL || key->fpr == NULL) {
		if (p->sig == VDEC_SIG_GOOD) {
			/* Verified but cannot be attributed: not good. */
			p->sig = VDEC_SIG_ERROR;
			g_free(p->verify_error);
			p->verify_error = g_strdup_printf("signer key "
			    "look-up: %s", err ? gpgme_strerror(err) :
			    "no key");
		}
		goto out;
	}
	if (ident_fpr_ok(key->fpr))
		copy_upper(p->signer_fpr, key->fpr);
	else if (p->sig == VDEC_SIG_GOOD) {
		p->sig = VDEC_SIG_ERROR;
		g_free(p->verify_error);
		p->verify_error = g_strdup("unsupported fingerprint length");
	}
out:
	if (key)
		gpgme_key_unref(key);
}

static void
take_recipients(gpgme_ctx_t ctx, struct vcrypto_result *p, gpgme_error_t derr)
{
	gpgme_decrypt_result_t	 dr;
	gpgme_recipient_t	 r;
	int			 all_noseckey = 1, n = 0;

	p->recipients = g_ptr_array_new_with_free_func(g_free);
	dr = gpgme_op_decrypt_result(ctx);
	if (dr == NULL)
		return;
	for (r = dr->recipients; r; r = r->next) {
		if (n++ >= 64)	/* gpg lists every PKESK: bound it */
			break;
		if (r->keyid) {
			char	*k = g_ascii_strup(r->keyid, -1);

			/* gpg names each one by 16 hex digits: anything
			 * else is not shown or passed on. */
			if (vcrypto_keyid_ok(k))
				g_ptr_array_add(p->recipients, k);
			else
				g_free(k);
		}
		if (gpgme_err_code(r->status) != GPG_ERR_NO_SECKEY)
			all_noseckey = 0;
	}
	/* "AES256.CFB": known once the session key was; "?.?" before. */
	copy_algo(p->cipher_algo, sizeof(p->cipher_algo), dr->symkey_algo);
	if (derr && n > 0 && all_noseckey) {
		g_free(p->decrypt_error);
		p->decrypt_error = g_strdup("no secret key for any recipient");
	}
}

static int
pgp_decrypt(void *impl, GMimeStream *in, size_t cap, const char *spill_dir,
    struct vcrypto_result *p)
{
	gpgme_ctx_t		 ctx = impl;
	gpgme_data_t		 cipher = NULL, plain = NULL;
	gpgme_error_t		 err, derr;
	gpgme_decrypt_result_t	 dr;
	struct op_save		 os;
	int			 ret = -1;

	op_enter(ctx, &os);
	plain_open(p, cap, spill_dir);
	err = gpgme_data_new_from_cbs(&cipher, &stream_cbs, in);
	if (err) {
		p->decrypt_error = g_strdup(gpgme_strerror(err));
		goto out;
	}
	err = gpgme_data_new_from_cbs(&plain, &spill_cbs, p);
	if (err) {
		p->decrypt_error = g_strdup(gpgme_strerror(err));
		goto out;
	}
	derr = gpgme_op_decrypt_verify(ctx, cipher, plain);
	ret = 0;
	if (p->over_cap) {
		p->decrypt_error = g_strdup("decrypted data exceeds "
		    "VDEC_MAX_DECRYPTED");
		plain_drop(p);
		goto out;
	}
	if (p->spill_failed) {
		/* No room for the plaintext: worth retrying later. */
		ret = -1;
		plain_drop(p);
		goto out;
	}
	dr = gpgme_op_decrypt_result(ctx);
	if (gpgme_err_code(derr) == GPG_ERR_NO_DATA && dr != NULL &&
	    dr->recipients == NULL && gpgme_op_verify_result(ctx) != NULL &&
	    gpgme_op_verify_result(ctx)->signatures != NULL) {
		/* Only signed, not encrypted: gpg still gave the text. */
		take_recipients(ctx, p, 0);
		take_signatures(ctx, p, &os);
		goto out;
	}
	if (derr) {
		p->decrypt_error = g_strdup(gpgme_strerror(derr));
		take_recipients(ctx, p, derr);
		/* Partial plaintext of a failed decryption is not used. */
		plain_drop(p);
		goto out;
	}
	if (dr != NULL && dr->unsupported_algorithm) {
		p->decrypt_error = g_strdup("unsupported algorithm");
		take_recipients(ctx, p, 0);
		plain_drop(p);
		goto out;
	}
	p->decrypted = 1;
	take_recipients(ctx, p, 0);
	take_signatures(ctx, p, &os);
out:
	gpgme_data_release(cipher);
	gpgme_data_release(plain);
	op_leave(ctx, &os);
	return ret;
}

static int
pgp_verify_detached(void *impl, GMimeStream *data, const char *sig,
    size_t sig_len, struct vcrypto_result *p)
{
	gpgme_ctx_t		 ctx = impl;
	gpgme_data_t		 dsig = NULL, dtext = NULL;
	gpgme_error_t		 err;
	struct op_save		 os;
	int			 ret = -1;

	op_enter(ctx, &os);
	err = gpgme_data_new_from_mem(&dsig, sig, sig_len, 0);
	if (err)
		goto fail;
	err = gpgme_data_new_from_cbs(&dtext, &stream_cbs, data);
	if (err)
		goto fail;
	err = gpgme_op_verify(ctx, dsig, dtext, NULL);
	ret = 0;
	if (err) {
		p->sig = VDEC_SIG_ERROR;
		p->verify_error = g_strdup(gpgme_strerror(err));
		goto out;
	}
	take_signatures(ctx, p, &os);
	goto out;
fail:
	p->sig = VDEC_SIG_ERROR;
	p->verify_error = g_strdup(gpgme_strerror(err));
out:
	gpgme_data_release(dsig);
	gpgme_data_release(dtext);
	op_leave(ctx, &os);
	return ret;
}

static int
pgp_verify_clear(void *impl, const char *in, size_t len, size_t cap,
    const char *spill_dir, struct vcrypto_result *p)
{
	gpgme_ctx_t		 ctx = impl;
	gpgme_data_t		 dsig = NULL, plain = NULL;
	gpgme_error_t		 err;
	struct op_save		 os;
	int			 ret = -1;

	op_enter(ctx, &os);
	plain_open(p, cap, spill_dir);
	err = gpgme_data_new_from_mem(&dsig, in, len, 0);
	if (err)
		goto fail;
	err = gpgme_data_new_from_cbs(&plain, &spill_cbs, p);
	if (err)
		goto fail;
	err = gpgme_op_verify(ctx, dsig, NULL, plain);
	ret = 0;
	if (p->spill_failed) {
		ret = -1;
		plain_drop(p);
		goto out;
	}
	if (p->over_cap) {
		plain_drop(p);
		p->sig = VDEC_SIG_ERROR;
		p->verify_error = g_strdup("signed text exceeds the limit");
		goto out;
	}
	if (err) {
		plain_drop(p);
		p->sig = VDEC_SIG_ERROR;
		p->verify_error = g_strdup(gpgme_strerror(err));
		goto out;
	}
	take_signatures(ctx, p, &os);
	goto out;
fail:
	p->sig = VDEC_SIG_ERROR;
	p->verify_error = g_strdup(gpgme_strerror(err));
out:
	gpgme_data_release(dsig);
	gpgme_data_release(plain);
	op_leave(ctx, &os);
	return ret;
}

const struct vcrypto_ops vdec_gpgme_ops = {
	.decrypt_verify = pgp_decrypt,
	.verify_detached = pgp_verify_detached,
	.verify_clear = pgp_verify_clear,
	.sign_encrypt = NULL,
};
