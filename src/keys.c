#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "vulture/compose.h"
#include "vulture/keys.h"
#include "vulture/log.h"

struct vkeys {
	gpgme_ctx_t ctx;
	char *home;
	struct compose_keys *cache;	/* owned: keys of ctx */
};

void
vkey_info_clear(struct vkey_info *info)
{
	if (info == NULL)
		return;
	g_free(info->uid);
	if (info->emails != NULL)
		g_ptr_array_unref(info->emails);
	memset(info, 0, sizeof(*info));
}

gpgme_ctx_t
vkeys_ctx(struct vkeys *k)
{
	return k->ctx;
}

struct compose_keys *
vkeys_cache(struct vkeys *k)
{
	return k->cache;
}

int
vkeys_open(const char *gnupghome, struct vkeys **k_r, char **error_r)
{
	struct vkeys *k;
	gpgme_error_t err;
	struct stat st;

	*k_r = NULL;
	if (stat(gnupghome, &st) == -1 || !S_ISDIR(st.st_mode)) {
		*error_r = g_strdup_printf("gnupghome %s is not a directory",
		    gnupghome);
		return -1;
	}
	/* Before GPGME's first initialisation (else ignored; decode.c sets
	 * it too). Without it every process -- vulturectl deliver is one
	 * per message -- spawns gpgconf three times and gpgsm once to learn
	 * about engines vulture never uses: about 18 ms. OpenPGP alone, gpg
	 * found in PATH, is all vulture needs. */
	(void)gpgme_set_global_flag("disable-gpgconf", "1");
	gpgme_check_version(NULL);
	gpgme_set_locale(NULL, LC_CTYPE, setlocale(LC_CTYPE, NULL));
	k = g_new0(struct vkeys, 1);
	k->home = g_strdup(gnupghome);
	if ((err = gpgme_new(&k->ctx)) != 0 ||
	    (err = gpgme_set_protocol(k->ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (err = gpgme_ctx_set_engine_info(k->ctx, GPGME_PROTOCOL_OpenPGP,
	    NULL, gnupghome)) != 0) {
		*error_r = g_strdup_printf("gpgme: %s", gpgme_strerror(err));
		vkeys_close(&k);
		return -1;
	}
	gpgme_set_armor(k->ctx, 1);
	gpgme_set_pinentry_mode(k->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	k->cache = compose_keys_new(k->ctx);
	*k_r = k;
	return 0;
}

void
vkeys_close(struct vkeys **kp)
{
	struct vkeys *k;

	if (kp == NULL || *kp == NULL)
		return;
	k = *kp;
	compose_keys_free(&k->cache);
	if (k->ctx != NULL)
		gpgme_release(k->ctx);
	g_free(k->home);
	g_free(k);
	*kp = NULL;
}

static int
subkey_usable(gpgme_subkey_t sk)
{
	return !sk->revoked && !sk->expired && !sk->disabled && !sk->invalid;
}

/* Fills info from key and returns 0, or -1 with the reason it cannot serve
 * as a vendor or coordinator key. */
static int
judge_key(gpgme_key_t key, struct vkey_info *info, char **error_r)
{
	gpgme_subkey_t sk;
	gpgme_user_id_t uid;
	int enc = 0, sign = 0;

	memset(info, 0, sizeof(*info));
	if (key->subkeys == NULL || key->subkeys->fpr == NULL ||
	    strlen(key->subkeys->fpr) != 40) {
		*error_r = g_strdup("not an OpenPGP v4 key with a fingerprint");
		return -1;
	}
	g_strlcpy(info->fpr, key->subkeys->fpr, sizeof(info->fpr));
	info->expires = key->subkeys->expires;
	info->emails = g_ptr_array_new_with_free_func(g_free);
	for (uid = key->uids; uid != NULL; uid = uid->next) {
		if (info->uid == NULL && uid->uid != NULL)
			info->uid = g_strdup(uid->uid);
		if (uid->email != NULL && *uid->email != '\0' &&
		    !uid->revoked)
			g_ptr_array_add(info->emails,
			    g_ascii_strdown(uid->email, -1));
	}
	if (key->revoked) {
		*error_r = g_strdup_printf("key %s is revoked", info->fpr);
		return -1;
	}
	if (key->expired || (info->expires != 0 && info->expires <
	    (int64_t)time(NULL))) {
		*error_r = g_strdup_printf("key %s has expired", info->fpr);
		return -1;
	}
	if (key->disabled || key->invalid) {
		*error_r = g_strdup_printf("key %s is disabled or invalid",
		    info->fpr);
		return -1;
	}
	for (sk = key->subkeys; sk != NULL; sk = sk->next) {
		if (!subkey_usable(sk))
			continue;
		if (sk->can_encrypt)
			enc = 1;
		if (sk->can_sign)
			sign = 1;
	}
	if (!enc) {
		*error_r = g_strdup_printf("key %s has no usable encryption "
		    "subkey: mail to its owner could not be encrypted",
		    info->fpr);
		return -1;
	}
	if (!sign) {
		*error_r = g_strdup_printf("key %s cannot sign: its owner "
		    "could not sign replies", info->fpr);
		return -1;
	}
	return 0;
}

int
vkeys_check(gpgme_ctx_t ctx, const void *data, size_t len,
    struct vkey_info *info, char **error_r)
{
	gpgme_data_t d = NULL;
	gpgme_key_t key, first = NULL;
	gpgme_error_t err;
	int n = 0, rc = -1;

	memset(info, 0, sizeof(*info));
	if (len == 0 || len > VKEYS_MAX_FILE) {
		*error_r = g_strdup_printf("a key file must hold 1 to %d "
		    "bytes", VKEYS_MAX_FILE);
		return -1;
	}
	if ((err = gpgme_data_new_from_mem(&d, data, len, 0)) != 0) {
		*error_r = g_strdup_printf("gpgme: %s", gpgme_strerror(err));
		return -1;
	}
	/* Lists the keys in the data without importing them. */
	err = gpgme_op_keylist_from_data_start(ctx, d, 0);
	if (err != 0) {
		*error_r = g_strdup_printf("cannot read keys: %s",
		    gpgme_strerror(err));
		goto done;
	}
	while ((err = gpgme_op_keylist_next(ctx, &key)) == 0) {
		if (n++ == 0)
			first = key;
		else
			gpgme_key_unref(key);
	}
	(void)gpgme_op_keylist_end(ctx);
	if (n == 0) {
		*error_r = g_strdup("no OpenPGP public key found in the data");
		goto done;
	}
	if (n > 1) {
		*error_r = g_strdup_printf("the data holds %d keys: give "
		    "exactly one key", n);
		goto done;
	}
	if (first->secret) {
		*error_r = g_strdup("the data holds a secret key: export "
		    "only the public key (gpg --export --armor)");
		goto done;
	}
	if (judge_key(first, info, error_r) == -1) {
		vkey_info_clear(info);
		goto done;
	}
	rc = 0;
done:
	if (first != NULL)
		gpgme_key_unref(first);
	gpgme_data_release(d);
	return rc;
}

gpgme_error_t
vkeys_get(gpgme_ctx_t ctx, const char *pattern, int secret,
    gpgme_key_t *key_r)
{
	gpgme_key_t key = NULL, extra = NULL;
	gpgme_error_t err;

	*key_r = NULL;
	if ((err = gpgme_op_keylist_start(ctx, pattern, secret)) != 0)
		return err;
	err = gpgme_op_keylist_next(ctx, &key);
	if (err == 0 && gpgme_op_keylist_next(ctx, &extra) == 0) {
		gpgme_key_unref(extra);
		gpgme_key_unref(key);
		key = NULL;
		err = gpg_error(GPG_ERR_AMBIGUOUS_NAME);
	}
	(void)gpgme_op_keylist_end(ctx);
	if (err != 0) {
		if (key != NULL)
			gpgme_key_unref(key);
		return gpgme_err_code(err) == GPG_ERR_EOF ?
		    gpg_error(GPG_ERR_EOF) : err;
	}
	*key_r = key;
	return 0;
}

int
vkeys_import(gpgme_ctx_t ctx, const void *data, size_t len,
    struct vkey_info *info, char **error_r)
{
	gpgme_data_t d = NULL;
	gpgme_import_result_t res;
	gpgme_key_t key = NULL;
	gpgme_error_t err;

	if (vkeys_check(ctx, data, len, info, error_r) == -1)
		return -1;
	if ((err = gpgme_data_new_from_mem(&d, data, len, 0)) != 0 ||
	    (err = gpgme_op_import(ctx, d)) != 0) {
		*error_r = g_strdup_printf("import: %s", gpgme_strerror(err));
		goto fail;
	}
	res = gpgme_op_import_result(ctx);
	if (res == NULL || (res->imported + res->unchanged) < 1) {
		*error_r = g_strdup("import: gpg imported no key");
		goto fail;
	}
	/* What the keyring now holds may be the merge with an older copy:
	 * judge that, not only the file. */
	if ((err = vkeys_get(ctx, info->fpr, 0, &key)) != 0) {
		*error_r = g_strdup_printf("import: key %s not in keyring: %s",
		    info->fpr, gpgme_strerror(err));
		goto fail;
	}
	vkey_info_clear(info);
	if (judge_key(key, info, error_r) == -1)
		goto fail;
	gpgme_key_unref(key);
	gpgme_data_release(d);
	return 0;
fail:
	if (key != NULL)
		gpgme_key_unref(key);
	gpgme_data_release(d);
	vkey_info_clear(info);
	return -1;
}

static int
has_email(gpgme_key_t key, const char *address)
{
	gpgme_user_id_t uid;

	for (uid = key->uids; uid != NULL; uid = uid->next)
		if (uid->email != NULL && !uid->revoked &&
		    g_ascii_strcasecmp(uid->email, address) == 0)
			return 1;
	return 0;
}

int
vkeys_find_desk(struct vkeys *k, const char *address,
    const char *configured_fpr, char fpr_r[41], char **error_r)
{
	gpgme_key_t key;
	gpgme_error_t err;
	int n = 0;

	if (configured_fpr != NULL && *configured_fpr != '\0') {
		err = vkeys_get(k->ctx, configured_fpr, 1, &key);
		if (err != 0) {
			*error_r = g_strdup_printf("desk key %s: no secret key "
			    "in %s (%s)", configured_fpr, k->home,
			    gpgme_strerror(err));
			return -1;
		}
		g_strlcpy(fpr_r, key->subkeys->fpr, 41);
		gpgme_key_unref(key);
		return 0;
	}
	err = gpgme_op_keylist_start(k->ctx, address, 1);
	if (err != 0) {
		*error_r = g_strdup_printf("listing secret keys: %s",
		    gpgme_strerror(err));
		return -1;
	}
	while (gpgme_op_keylist_next(k->ctx, &key) == 0) {
		if (has_email(key, address) && !key->revoked &&
		    !key->expired && !key->disabled) {
			if (n++ == 0)
				g_strlcpy(fpr_r, key->subkeys->fpr, 41);
		}
		gpgme_key_unref(key);
	}
	(void)gpgme_op_keylist_end(k->ctx);
	if (n == 0) {
		*error_r = g_strdup_printf("no desk key: no secret key for %s "
		    "in %s (run 'vulturectl init --generate-key')", address,
		    k->home);
		return -1;
	}
	if (n > 1) {
		*error_r = g_strdup_printf("%d secret keys for %s in %s: set "
		    "desk_fingerprint", n, address, k->home);
		return -1;
	}
	return 0;
}

int
vkeys_generate_desk(struct vkeys *k, const char *address, char fpr_r[41],
    char **error_r)
{
	gpgme_genkey_result_t res;
	gpgme_key_t key = NULL;
	gpgme_error_t err;
	char *uid, *e = NULL;
	unsigned flags = GPGME_CREATE_NOPASSWD | GPGME_CREATE_NOEXPIRE;

	if (vkeys_find_desk(k, address, NULL, fpr_r, &e) == 0) {
		*error_r = g_strdup_printf("a desk key for %s already exists: "
		    "%s", address, fpr_r);
		return -1;
	}
	g_free(e);
	uid = g_strdup_printf("Vulture desk <%s>", address);
	err = gpgme_op_createkey(k->ctx, uid, "ed25519", 0, 0, NULL,
	    flags | GPGME_CREATE_SIGN | GPGME_CREATE_CERT);
	g_free(uid);
	if (err != 0) {
		*error_r = g_strdup_printf("creating the desk key: %s",
		    gpgme_strerror(err));
		return -1;
	}
	res = gpgme_op_genkey_result(k->ctx);
	if (res == NULL || res->fpr == NULL) {
		*error_r = g_strdup("creating the desk key: no fingerprint");
		return -1;
	}
	g_strlcpy(fpr_r, res->fpr, 41);
	if ((err = vkeys_get(k->ctx, fpr_r, 1, &key)) != 0 ||
	    (err = gpgme_op_createsubkey(k->ctx, key, "cv25519", 0, 0,
	    flags | GPGME_CREATE_ENCR)) != 0) {
		*error_r = g_strdup_printf("creating the desk encryption "
		    "subkey: %s", gpgme_strerror(err));
		if (key != NULL)
			gpgme_key_unref(key);
		return -1;
	}
	gpgme_key_unref(key);
	log_info("desk key generated fpr=%s", fpr_r);
	return 0;
}

static int
subkey_alive_at(gpgme_subkey_t sk, int64_t now)
{
	return subkey_usable(sk) && (sk->expires <= 0 ||
	    (int64_t)sk->expires > now);
}

int
vkeys_sendable(gpgme_ctx_t ctx, const char *fpr, const char *const *keyids,
    int64_t now, char **why_r)
{
	gpgme_key_t key = NULL;
	gpgme_subkey_t pk, sk;
	gpgme_error_t err;
	size_t i;
	int rc = 1;

	*why_r = NULL;
	err = vkeys_get(ctx, fpr, 0, &key);
	if (gpgme_err_code(err) == GPG_ERR_EOF) {
		*why_r = g_strdup("was removed from the desk's key ring");
		return 1;
	}
	if (err != 0) {
		*why_r = g_strdup_printf("listing key %s: %s", fpr,
		    gpgme_strerror(err));
		return -1;
	}
	pk = key->subkeys;
	/* A subkey's fingerprint is not the key pinned: as good as gone. */
	if (pk == NULL || pk->fpr == NULL ||
	    g_ascii_strcasecmp(pk->fpr, fpr) != 0) {
		*why_r = g_strdup("was removed from the desk's key ring");
		goto out;
	}
	if (key->revoked || pk->revoked) {
		*why_r = g_strdup("was revoked");
		goto out;
	}
	if (key->expired || pk->expired || (pk->expires > 0 &&
	    (int64_t)pk->expires <= now)) {
		*why_r = g_strdup("expired");
		goto out;
	}
	if (key->disabled || pk->disabled) {
		*why_r = g_strdup("was disabled");
		goto out;
	}
	if (key->invalid || pk->invalid) {
		*why_r = g_strdup("became invalid");
		goto out;
	}
	/* The subkey the message was encrypted to, when we can tell: its
	 * owner may have revoked just that one and made a new one. */
	for (i = 0; keyids != NULL && keyids[i] != NULL; i++)
		for (sk = pk; sk != NULL; sk = sk->next) {
			if (sk->keyid == NULL || !sk->can_encrypt ||
			    g_ascii_strcasecmp(sk->keyid, keyids[i]) != 0 ||
			    subkey_alive_at(sk, now))
				continue;
			*why_r = g_strdup_printf("had the encryption subkey %s "
			    "this message was encrypted to %s", sk->keyid,
			    sk->revoked ? "revoked" : "expire");
			goto out;
		}
	for (sk = pk; sk != NULL; sk = sk->next)
		if (sk->can_encrypt && subkey_alive_at(sk, now))
			break;
	if (sk == NULL) {
		*why_r = g_strdup("lost its last usable encryption subkey");
		goto out;
	}
	rc = 0;
out:
	gpgme_key_unref(key);
	return rc;
}

/* One OpenPGP packet header at p (n bytes): the tag, the header length
 * and the body length. -1 for what a session key packet never is (partial
 * or indeterminate length) or a truncated header. */
static int
packet_header(const guchar *p, size_t n, int *tag_r, size_t *hlen_r,
    size_t *blen_r)
{
	if (n < 2 || (p[0] & 0x80) == 0)
		return -1;
	if (p[0] & 0x40) {
		*tag_r = p[0] & 0x3f;
		if (p[1] < 192) {
			*hlen_r = 2;
			*blen_r = p[1];
		} else if (p[1] < 224) {
			if (n < 3)
				return -1;
			*hlen_r = 3;
			*blen_r = ((size_t)(p[1] - 192) << 8) + p[2] + 192;
		} else if (p[1] == 255) {
			if (n < 6)
				return -1;
			*hlen_r = 6;
			*blen_r = (size_t)p[2] << 24 | (size_t)p[3] << 16 |
			    (size_t)p[4] << 8 | p[5];
		} else
			return -1;
		return 0;
	}
	*tag_r = (p[0] >> 2) & 0x0f;
	switch (p[0] & 3) {
	case 0:
		*hlen_r = 2;
		*blen_r = p[1];
		break;
	case 1:
		if (n < 3)
			return -1;
		*hlen_r = 3;
		*blen_r = (size_t)p[1] << 8 | p[2];
		break;
	case 2:
		if (n < 5)
			return -1;
		*hlen_r = 5;
		*blen_r = (size_t)p[1] << 24 | (size_t)p[2] << 16 |
		    (size_t)p[3] << 8 | p[4];
		break;
	default:
		return -1;
	}
	return 0;
}

#define KEYIDS_B64_MAX 8192	/* armor characters decoded: the session
				 * key packets come first and are small */

char **
vkeys_message_keyids(const void *msg, size_t len)
{
	static const char begin[] = "-----BEGIN PGP MESSAGE-----";
	GPtrArray *ids = g_ptr_array_new();
	const char *p = memmem(msg, len, begin, sizeof(begin) - 1);
	const char *end = (const char *)msg + len;
	GString *b64 = g_string_new(NULL);
	guchar *bin = NULL;
	gsize n = 0, pos = 0;

	if (p == NULL)
		goto out;
	/* Past the BEGIN line and the armor headers, to the blank line. */
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			goto out;
		p = nl + 1;
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n') {
			p++;
			break;
		}
	}
	for (; p < end && b64->len < KEYIDS_B64_MAX; p++) {
		if (g_ascii_isalnum(*p) || *p == '+' || *p == '/')
			g_string_append_c(b64, *p);
		else if (*p == '=' || *p == '-')
			break;	/* padding, the checksum or the END line */
		else if (*p != '\r' && *p != '\n' && *p != ' ')
			goto out;
	}
	g_string_truncate(b64, b64->len & ~(gsize)3);
	if (b64->len == 0)
		goto out;
	bin = g_base64_decode(b64->str, &n);
	while (pos < n) {
		size_t hlen, blen;
		int tag;

		if (packet_header(bin + pos, n - pos, &tag, &hlen, &blen) == -1)
			break;
		if (tag == 1 && blen >= 9 && hlen + blen <= n - pos &&
		    bin[pos + hlen] == 3) {
			GString *id = g_string_new(NULL);
			int i;

			for (i = 1; i <= 8; i++)
				g_string_append_printf(id, "%02X",
				    bin[pos + hlen + i]);
			g_ptr_array_add(ids, g_string_free(id, FALSE));
		} else if (tag != 1 && tag != 3)
			break;	/* the encrypted data: no more key packets */
		pos += hlen + blen;
	}
out:
	g_free(bin);
	g_string_free(b64, TRUE);
	g_ptr_array_add(ids, NULL);
	return (char **)g_ptr_array_free(ids, FALSE);
}
