/* compose: the OpenPGP step, and the only GPGME code of compose. Keys are
 * listed and judged by keys.h (its cache when the caller has one); the
 * combined sign+encrypt runs where the caller's vcrypto.h says (the gpg
 * helper), else here on the caller's context, which is put back as it was
 * after every message. compose.c and compose_mime.c never see GPGME. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gpgme.h>

#include "compose_p.h"
#include "vulture/ident.h"
#include "vulture/keys.h"
#include "vulture/vcrypto.h"

/* What compose_* change in the caller's context, to put back. */
struct ctx_saved {
	int armor;
	int textmode;
	gpgme_keylist_mode_t keylist_mode;
	gpgme_key_t *signers;		/* owned references */
	int n_signers;
};

static char *
key_error(const char *what, const char *fpr, const char *why)
{
	return g_strdup_printf("%s %s: %s", what, fpr, why);
}

static void ctx_restore(gpgme_ctx_t, struct ctx_saved *);

/* Puts the context in the state compose needs; ctx_restore() undoes it
 * (here too, when this fails half-way). */
static int
ctx_save(gpgme_ctx_t ctx, struct ctx_saved *s, char **error_r)
{
	gpgme_error_t err;
	int i;

	memset(s, 0, sizeof(*s));
	s->armor = gpgme_get_armor(ctx);
	s->textmode = gpgme_get_textmode(ctx);
	s->keylist_mode = gpgme_get_keylist_mode(ctx);
	s->n_signers = (int)gpgme_signers_count(ctx);
	if (s->n_signers > 0) {
		s->signers = g_new0(gpgme_key_t, s->n_signers);
		for (i = 0; i < s->n_signers; i++)
			s->signers[i] = gpgme_signers_enum(ctx, i);
	}
	gpgme_set_armor(ctx, 1);
	gpgme_set_textmode(ctx, 0);
	gpgme_signers_clear(ctx);
	/* Never ask a keyserver or WKD: vulture pins keys it holds. With
	 * secret: one listing tells whether the desk key can sign. */
	err = gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL |
	    GPGME_KEYLIST_MODE_WITH_SECRET);
	if (err != 0) {
		*error_r = g_strdup_printf("gpgme: setting the key listing "
		    "mode: %s", gpgme_strerror(err));
		ctx_restore(ctx, s);
		return -1;
	}
	return 0;
}

static void
ctx_restore(gpgme_ctx_t ctx, struct ctx_saved *s)
{
	int i;

	/* Best effort: these only fail on invalid arguments, which the
	 * values read from this same context are not. */
	gpgme_set_armor(ctx, s->armor);
	gpgme_set_textmode(ctx, s->textmode);
	(void)gpgme_set_keylist_mode(ctx, s->keylist_mode);
	gpgme_signers_clear(ctx);
	for (i = 0; i < s->n_signers; i++) {
		if (s->signers[i] == NULL)
			continue;
		(void)gpgme_signers_add(ctx, s->signers[i]);
		gpgme_key_unref(s->signers[i]);
	}
	g_free(s->signers);
	memset(s, 0, sizeof(*s));
}

int
compose_check_recipient(gpgme_ctx_t ctx, const char *fpr, char **error_r)
{
	gpgme_keylist_mode_t mode;
	gpgme_key_t key = NULL;
	gpgme_error_t err;
	const char *why = NULL;
	int rc = -1;

	if (!ident_fpr_ok(fpr)) {
		*error_r = g_strdup("recipient key: not a full fingerprint");
		return -1;
	}
	mode = gpgme_get_keylist_mode(ctx);
	if ((err = gpgme_set_keylist_mode(ctx,
	    GPGME_KEYLIST_MODE_LOCAL)) != 0) {
		*error_r = g_strdup_printf("gpgme: %s", gpgme_strerror(err));
		return -1;
	}
	if (vkeys_list(ctx, NULL, &fpr, 1, &key, &why, error_r) == -1)
		goto done;
	if (why != NULL || (why = vkeys_unusable(key, fpr, 0)) != NULL) {
		*error_r = key_error("recipient key", fpr, why);
		goto done;
	}
	rc = 0;
done:
	if (key != NULL)
		gpgme_key_unref(key);
	(void)gpgme_set_keylist_mode(ctx, mode);
	return rc;
}

/* ---- compose_encrypted. */

/* Resolves the desk key (it signs, and is encrypted to) and every
 * recipient key in one listing: keys_r is NULL-terminated, desk first,
 * duplicates dropped; *signer_r and every entry hold a reference. */
static int
resolve_keys(gpgme_ctx_t ctx, const struct compose_msg *m,
    gpgme_key_t **keys_r, gpgme_key_t *signer_r, char **error_r)
{
	const char *fprs[COMPOSE_MAX_RECIPIENTS + 1];
	const char *why[COMPOSE_MAX_RECIPIENTS + 1];
	gpgme_key_t found[COMPOSE_MAX_RECIPIENTS + 1], *keys;
	size_t n = 0, i, j;
	int rc = -1;

	*keys_r = NULL;
	*signer_r = NULL;
	fprs[n++] = m->desk_fpr;
	for (i = 0; m->recipient_fprs[i] != NULL; i++) {
		for (j = 0; j < n; j++)
			if (g_ascii_strcasecmp(fprs[j],
			    m->recipient_fprs[i]) == 0)
				break;
		if (j == n)
			fprs[n++] = m->recipient_fprs[i];
	}
	if (vkeys_list(ctx, m->keys, fprs, n, found, why, error_r) ==
	    -1)
		return -1;
	for (i = 0; i < n; i++) {
		const char *what = i == 0 ? "desk key" : "recipient key";
		const char *w = why[i];

		if (w == NULL && i == 0 && !found[0]->secret)
			w = "no secret key in the keyring";
		if (w == NULL && i == 0)
			w = vkeys_unusable(found[0], fprs[0], 1);
		if (w == NULL)
			w = vkeys_unusable(found[i], fprs[i], 0);
		if (w != NULL) {
			*error_r = key_error(what, fprs[i], w);
			goto done;
		}
	}
	keys = g_new0(gpgme_key_t, n + 1);
	for (i = 0; i < n; i++) {
		keys[i] = found[i];
		found[i] = NULL;
	}
	gpgme_key_ref(keys[0]);
	*signer_r = keys[0];
	*keys_r = keys;
	rc = 0;
done:
	for (i = 0; i < n; i++)
		if (found[i] != NULL)
			gpgme_key_unref(found[i]);
	return rc;
}

static void
free_keys(gpgme_key_t *keys, gpgme_key_t signer)
{
	size_t i;

	for (i = 0; keys != NULL && keys[i] != NULL; i++)
		gpgme_key_unref(keys[i]);
	g_free(keys);
	if (signer != NULL)
		gpgme_key_unref(signer);
}

/* Checks the one signature made is by the signer key. */
static int
check_signature(gpgme_sign_result_t res, gpgme_key_t signer,
    char **error_r)
{
	gpgme_subkey_t sk;

	if (res == NULL || res->invalid_signers != NULL ||
	    res->signatures == NULL || res->signatures->next != NULL ||
	    res->signatures->fpr == NULL) {
		*error_r = g_strdup_printf("desk key %s: %s",
		    signer->subkeys->fpr, res != NULL &&
		    res->invalid_signers != NULL ?
		    gpgme_strerror(res->invalid_signers->reason) :
		    "gpg made no single signature");
		return -1;
	}
	for (sk = signer->subkeys; sk != NULL; sk = sk->next)
		if (sk->fpr != NULL &&
		    g_ascii_strcasecmp(sk->fpr, res->signatures->fpr) == 0)
			return 0;
	*error_r = g_strdup_printf("desk key %s: gpg signed with another "
	    "key", signer->subkeys->fpr);
	return -1;
}

/* Explains a failed encrypt+sign from GPGME's results. */
static char *
crypt_error(gpgme_ctx_t ctx, gpgme_key_t signer, gpgme_error_t err)
{
	gpgme_encrypt_result_t er = gpgme_op_encrypt_result(ctx);
	gpgme_sign_result_t sr = gpgme_op_sign_result(ctx);

	if (er != NULL && er->invalid_recipients != NULL)
		return g_strdup_printf("recipient key %s: %s",
		    er->invalid_recipients->fpr != NULL ?
		    er->invalid_recipients->fpr : "?",
		    gpgme_strerror(er->invalid_recipients->reason));
	if (sr != NULL && sr->invalid_signers != NULL)
		return g_strdup_printf("desk key %s: %s",
		    signer->subkeys->fpr,
		    gpgme_strerror(sr->invalid_signers->reason));
	return g_strdup_printf("gpgme: encrypt and sign: %s",
	    gpgme_strerror(err));
}

/* Signs plain with signer and encrypts it to keys (NULL-terminated, the
 * signer among them): one combined operation (RFC 3156 6.2). Always
 * trust: the keys are pinned by fingerprint and were judged by the
 * caller; imported vendor keys carry no certification. The armored
 * result goes to *armored_r (g_free). */
static int
crypt_with(gpgme_ctx_t ctx, gpgme_key_t *keys, gpgme_key_t signer,
    const void *plain, size_t len, char **armored_r, size_t *len_r,
    char **error_r)
{
	gpgme_data_t dplain = NULL, cipher = NULL;
	gpgme_error_t err;
	char *mem;
	size_t mlen = 0;
	int rc = -1;

	*armored_r = NULL;
	*len_r = 0;
	gpgme_signers_clear(ctx);
	if ((err = gpgme_data_new_from_mem(&dplain, plain, len, 0)) != 0 ||
	    (err = gpgme_data_new(&cipher)) != 0) {
		*error_r = g_strdup_printf("gpgme: %s", gpgme_strerror(err));
		goto done;
	}
	if ((err = gpgme_signers_add(ctx, signer)) != 0) {
		*error_r = g_strdup_printf("desk key %s: gpgme: %s",
		    signer->subkeys->fpr, gpgme_strerror(err));
		goto done;
	}
	err = gpgme_op_encrypt_sign(ctx, keys, GPGME_ENCRYPT_ALWAYS_TRUST,
	    dplain, cipher);
	if (err != 0) {
		*error_r = crypt_error(ctx, signer, err);
		goto done;
	}
	if (gpgme_op_encrypt_result(ctx) == NULL ||
	    gpgme_op_encrypt_result(ctx)->invalid_recipients != NULL) {
		*error_r = crypt_error(ctx, signer, GPG_ERR_UNUSABLE_PUBKEY);
		goto done;
	}
	if (check_signature(gpgme_op_sign_result(ctx), signer, error_r) == -1)
		goto done;
	mem = gpgme_data_release_and_get_mem(cipher, &mlen);
	cipher = NULL;
	if (mem == NULL || mlen == 0) {
		gpgme_free(mem);
		*error_r = g_strdup("gpgme: encrypt and sign: no output");
		goto done;
	}
	*armored_r = g_malloc(mlen + 1);
	memcpy(*armored_r, mem, mlen);
	(*armored_r)[mlen] = '\0';
	*len_r = mlen;
	gpgme_free(mem);
	rc = 0;
done:
	gpgme_signers_clear(ctx);
	if (dplain != NULL)
		gpgme_data_release(dplain);
	if (cipher != NULL)
		gpgme_data_release(cipher);
	return rc;
}

int
compose_crypt(gpgme_ctx_t ctx, struct vkeys_cache *kc,
    const char *const *fprs, size_t n, const void *plain, size_t len,
    char **armored_r, size_t *len_r, char **error_r)
{
	struct compose_msg m;
	struct ctx_saved saved;
	gpgme_key_t *keys = NULL, signer = NULL;
	int rc = -1;

	*armored_r = NULL;
	*len_r = 0;
	if (n == 0 || n > COMPOSE_MAX_RECIPIENTS + 1 || fprs[n] != NULL) {
		*error_r = g_strdup("compose: bad key list");
		return -1;
	}
	memset(&m, 0, sizeof(m));
	m.desk_fpr = fprs[0];
	m.recipient_fprs = fprs + 1;
	m.keys = kc;
	compose_init();
	if (ctx_save(ctx, &saved, error_r) == -1)
		return -1;
	if (resolve_keys(ctx, &m, &keys, &signer, error_r) == 0)
		rc = crypt_with(ctx, keys, signer, plain, len, armored_r,
		    len_r, error_r);
	free_keys(keys, signer);
	ctx_restore(ctx, &saved);
	return rc;
}

/* ---- One message's session (compose_p.h). */

struct compose_pgp {
	gpgme_ctx_t ctx;		/* foreign */
	struct ctx_saved saved;
	gpgme_key_t *keys;		/* owned refs, NULL-terminated, desk
					 * first; NULL: signing only */
	gpgme_key_t signer;		/* owned ref */
	const char *desk_fpr;		/* foreign: the message's */
	const struct vcrypto *crypto;	/* foreign, may be NULL */
};

/* The desk key alone: present, with a usable secret key. */
static int
resolve_signer(gpgme_ctx_t ctx, const struct compose_msg *m,
    gpgme_key_t *signer_r, char **error_r)
{
	const char *why = NULL;

	if (vkeys_list(ctx, m->keys, &m->desk_fpr, 1, signer_r, &why,
	    error_r) == -1)
		return -1;
	if (why == NULL && !(*signer_r)->secret)
		why = "no secret key in the keyring";
	if (why != NULL || (why = vkeys_unusable(*signer_r, m->desk_fpr,
	    1)) != NULL) {
		*error_r = key_error("desk key", m->desk_fpr, why);
		return -1;
	}
	return 0;
}

int
compose_pgp_open(gpgme_ctx_t ctx, const struct compose_msg *m, int encrypt,
    struct compose_pgp **p_r, char **error_r)
{
	struct compose_pgp *p = g_new0(struct compose_pgp, 1);

	*p_r = NULL;
	p->ctx = ctx;
	p->desk_fpr = m->desk_fpr;
	p->crypto = m->crypto;
	if (ctx_save(ctx, &p->saved, error_r) == -1) {
		g_free(p);
		return -1;
	}
	if ((encrypt ? resolve_keys(ctx, m, &p->keys, &p->signer, error_r) :
	    resolve_signer(ctx, m, &p->signer, error_r)) == -1) {
		compose_pgp_close(&p);
		return -1;
	}
	*p_r = p;
	return 0;
}

int
compose_pgp_sign_encrypt(struct compose_pgp *p, const void *plain,
    size_t len, char **armored_r, size_t *len_r, char **error_r)
{
	const char *fl[COMPOSE_MAX_RECIPIENTS + 2];
	size_t nf;

	/* Where the caller says (the gpg helper, gpgproc.h), else here: the
	 * keys were judged at open; the helper judges them again. */
	if (p->crypto == NULL || p->crypto->ops->sign_encrypt == NULL)
		return crypt_with(p->ctx, p->keys, p->signer, plain, len,
		    armored_r, len_r, error_r);
	for (nf = 0; p->keys[nf] != NULL && nf + 1 < G_N_ELEMENTS(fl); nf++)
		fl[nf] = p->keys[nf]->fpr;
	fl[nf] = NULL;
	return p->crypto->ops->sign_encrypt(p->crypto->impl, fl, nf, plain,
	    len, armored_r, len_r, error_r);
}

int
compose_pgp_sign_detached(struct compose_pgp *p, const void *data,
    size_t len, char **armored_r, size_t *len_r, char **micalg_r,
    char **error_r)
{
	gpgme_ctx_t ctx = p->ctx;
	gpgme_data_t dd = NULL, sig = NULL;
	gpgme_sign_result_t res;
	gpgme_error_t err;
	const char *hash;
	char *mem = NULL, *lower;
	size_t mlen = 0;
	int rc = -1;

	*armored_r = NULL;
	*len_r = 0;
	*micalg_r = NULL;
	if ((err = gpgme_data_new_from_mem(&dd, data, len, 0)) != 0 ||
	    (err = gpgme_data_new(&sig)) != 0) {
		*error_r = g_strdup_printf("gpgme: %s", gpgme_strerror(err));
		goto done;
	}
	if ((err = gpgme_signers_add(ctx, p->signer)) != 0) {
		*error_r = g_strdup_printf("desk key %s: gpgme: %s",
		    p->desk_fpr, gpgme_strerror(err));
		goto done;
	}
	err = gpgme_op_sign(ctx, dd, sig, GPGME_SIG_MODE_DETACH);
	res = gpgme_op_sign_result(ctx);
	if (err != 0) {
		*error_r = g_strdup_printf("desk key %s: signing: %s",
		    p->desk_fpr, res != NULL && res->invalid_signers != NULL ?
		    gpgme_strerror(res->invalid_signers->reason) :
		    gpgme_strerror(err));
		goto done;
	}
	if (check_signature(res, p->signer, error_r) == -1)
		goto done;
	/* micalg names the hash gpg chose (RFC 3156 5). */
	if ((hash = gpgme_hash_algo_name(res->signatures->hash_algo)) ==
	    NULL) {
		*error_r = g_strdup("signing: unknown hash algorithm");
		goto done;
	}
	mem = gpgme_data_release_and_get_mem(sig, &mlen);
	sig = NULL;
	if (mem == NULL || mlen == 0) {
		*error_r = g_strdup("signing: gpg produced no signature");
		goto done;
	}
	lower = g_ascii_strdown(hash, -1);
	*micalg_r = g_strdup_printf("pgp-%s", lower);
	g_free(lower);
	*armored_r = g_malloc(mlen + 1);
	memcpy(*armored_r, mem, mlen);
	(*armored_r)[mlen] = '\0';
	*len_r = mlen;
	rc = 0;
done:
	if (mem != NULL)
		gpgme_free(mem);
	if (dd != NULL)
		gpgme_data_release(dd);
	if (sig != NULL)
		gpgme_data_release(sig);
	return rc;
}

void
compose_pgp_close(struct compose_pgp **pp)
{
	struct compose_pgp *p = *pp;

	if (p == NULL)
		return;
	*pp = NULL;
	free_keys(p->keys, p->signer);
	ctx_restore(p->ctx, &p->saved);
	g_free(p);
}
