#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "vulture/ident.h"
#include "vulture/keys.h"
#include "vulture/log.h"

struct vkeys {
	gpgme_ctx_t ctx;
	char *home;
	struct vkeys_cache *cache;	/* owned: keys of ctx */
};

void
vkey_info_clear(struct vkey_info *info)
{
	if (info == NULL)
		return;
	g_free(info->uid);
	if (info->emails != NULL)
		g_ptr_array_unref(info->emails);
	if (info->new_subkeys != NULL)
		g_ptr_array_unref(info->new_subkeys);
	memset(info, 0, sizeof(*info));
}

/* ---- Keys for outbound mail: listed by primary fingerprint, judged,
 * cached (compose.h's messages take them through vkeys_list). */

static int
subkey_alive(gpgme_subkey_t sk, time_t now)
{
	return !sk->revoked && !sk->expired && !sk->disabled &&
	    !sk->invalid && (sk->expires <= 0 || sk->expires > now);
}

const char *
vkeys_unusable(gpgme_key_t key, const char *fpr, int for_signing)
{
	gpgme_subkey_t sk;
	time_t now = time(NULL);

	/* gpg also finds a key by a subkey's fingerprint: we pin primary
	 * keys, so that is not the key we were asked for. */
	if (key->subkeys == NULL || key->subkeys->fpr == NULL ||
	    g_ascii_strcasecmp(key->subkeys->fpr, fpr) != 0)
		return "the fingerprint is a subkey's, not a primary key's";
	if (key->revoked)
		return "revoked";
	if (key->expired || !subkey_alive(key->subkeys, now))
		return key->subkeys->revoked ? "revoked" : "expired";
	if (key->disabled)
		return "disabled";
	if (key->invalid)
		return "invalid";
	/* Signing needs the secret part of a signing subkey: the key was
	 * listed with GPGME_KEYLIST_MODE_WITH_SECRET. */
	for (sk = key->subkeys; sk != NULL; sk = sk->next)
		if (subkey_alive(sk, now) && (for_signing ?
		    sk->can_sign && sk->secret : sk->can_encrypt))
			return NULL;
	return for_signing ? "no usable signing subkey" :
	    "no usable encryption subkey";
}

/* Lists the keys with the primary fingerprints fprs[0..n-1] in one gpg
 * run (each listing is a gpg process: 2.5-5 ms here). */
static int
list_keys(gpgme_ctx_t ctx, const char *const *fprs, size_t n,
    gpgme_key_t *keys_r, const char **why_r, char **error_r)
{
	const char **patterns;
	gpgme_key_t key;
	gpgme_subkey_t sk;
	gpgme_error_t err;
	size_t i;

	patterns = g_new0(const char *, n + 1);
	for (i = 0; i < n; i++) {
		keys_r[i] = NULL;
		why_r[i] = "not in the keyring";
		patterns[i] = fprs[i];
	}
	err = gpgme_op_keylist_ext_start(ctx, patterns, 0, 0);
	g_free(patterns);
	if (err != 0) {
		*error_r = g_strdup_printf("gpgme: listing keys: %s",
		    gpgme_strerror(err));
		return -1;
	}
	while ((err = gpgme_op_keylist_next(ctx, &key)) == 0) {
		for (i = 0; i < n; i++) {
			if (key->subkeys == NULL || key->subkeys->fpr == NULL)
				break;
			if (g_ascii_strcasecmp(key->subkeys->fpr,
			    fprs[i]) == 0) {
				if (keys_r[i] == NULL) {
					gpgme_key_ref(key);
					keys_r[i] = key;
					why_r[i] = NULL;
				}
				continue;
			}
			/* gpg also finds a key by a subkey's fingerprint:
			 * we pin primary keys, so that is not the key asked
			 * for. */
			for (sk = key->subkeys->next; sk != NULL; sk = sk->next)
				if (keys_r[i] == NULL && sk->fpr != NULL &&
				    g_ascii_strcasecmp(sk->fpr, fprs[i]) == 0)
					why_r[i] = "the fingerprint is a "
					    "subkey's, not a primary key's";
		}
		gpgme_key_unref(key);
	}
	if (gpgme_err_code(err) == GPG_ERR_EOF)
		err = gpgme_op_keylist_end(ctx);
	else
		(void)gpgme_op_keylist_end(ctx);	/* err says why */
	if (err != 0) {
		*error_r = g_strdup_printf("gpgme: listing keys: %s",
		    gpgme_strerror(err));
		for (i = 0; i < n; i++)
			if (keys_r[i] != NULL) {
				gpgme_key_unref(keys_r[i]);
				keys_r[i] = NULL;
			}
		return -1;
	}
	return 0;
}

/* ---- The key cache. */

/* The files of a GNUPGHOME whose change can change what a listing says:
 * the keyring (either format) and the trust database (the disabled
 * flag). Secret keys live in the agent: a signing key lost there makes
 * gpg fail the signature, which compose reports. */
static const char *const keyring_files[] = {
	"pubring.kbx", "pubring.gpg", "trustdb.gpg",
};
#define N_KEYRING_FILES (sizeof(keyring_files) / sizeof(keyring_files[0]))

struct file_sig {
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct vkeys_cache {
	gpgme_ctx_t ctx;		/* foreign */
	char **paths;			/* owned: the keyring_files in home */
	struct file_sig sig[N_KEYRING_FILES];
	GHashTable *keys;		/* owned: upper-case fpr -> key ref */
	unsigned listings, hits;
};

static void
file_sig_read(const char *path, struct file_sig *fs)
{
	struct stat st;

	memset(fs, 0, sizeof(*fs));
	if (stat(path, &st) == -1)
		return;
	fs->exists = 1;
	fs->dev = st.st_dev;
	fs->ino = st.st_ino;
	fs->size = st.st_size;
	fs->mtime = st.st_mtim;
	fs->ctime = st.st_ctim;
}

static int
file_sig_equal(const struct file_sig *a, const struct file_sig *b)
{
	return a->exists == b->exists && a->dev == b->dev &&
	    a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec &&
	    a->ctime.tv_sec == b->ctime.tv_sec &&
	    a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static int
keyboxd_home(const char *home)
{
	char *dir = g_build_filename(home, "public-keys.d", NULL);
	int yes = g_file_test(dir, G_FILE_TEST_EXISTS);

	g_free(dir);
	return yes;
}

struct vkeys_cache *
vkeys_cache_new(gpgme_ctx_t ctx)
{
	struct vkeys_cache *kc = g_new0(struct vkeys_cache, 1);
	gpgme_engine_info_t ei = gpgme_ctx_get_engine_info(ctx);
	const char *home = NULL;
	size_t i;

	for (; ei != NULL; ei = ei->next)
		if (ei->protocol == GPGME_PROTOCOL_OpenPGP)
			home = ei->home_dir;
	kc->ctx = ctx;
	kc->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)gpgme_key_unref);
	/* Without a home of its own the context uses gpg's default, which
	 * we cannot watch, and with GnuPG 2.4's keyboxd the keys live in a
	 * database whose file times say nothing reliable: in both cases
	 * nothing is cached (paths stays NULL). */
	if (home != NULL && !keyboxd_home(home)) {
		kc->paths = g_new0(char *, N_KEYRING_FILES + 1);
		for (i = 0; i < N_KEYRING_FILES; i++)
			kc->paths[i] = g_build_filename(home,
			    keyring_files[i], NULL);
	}
	return kc;
}

void
vkeys_cache_free(struct vkeys_cache **kcp)
{
	struct vkeys_cache *kc;

	if (kcp == NULL || *kcp == NULL)
		return;
	kc = *kcp;
	g_hash_table_unref(kc->keys);
	g_strfreev(kc->paths);
	g_free(kc);
	*kcp = NULL;
}

void
vkeys_cache_stats(const struct vkeys_cache *kc, unsigned *listings_r,
    unsigned *hits_r)
{
	*listings_r = kc->listings;
	*hits_r = kc->hits;
}

/* Drops every cached key if a keyring file changed since they were
 * listed. Fills now_sig with the files as they are. Returns 1 when what
 * is listed now may be cached: the files exist as watched, and none
 * changed within the last VKEYS_CACHE_SETTLE seconds. */
static int
keys_revalidate(struct vkeys_cache *kc, struct file_sig *now_sig)
{
	time_t now = time(NULL);
	int same = 1, settled = kc->paths != NULL;
	size_t i;

	for (i = 0; i < N_KEYRING_FILES; i++) {
		if (kc->paths == NULL) {
			memset(&now_sig[i], 0, sizeof(now_sig[i]));
			continue;
		}
		file_sig_read(kc->paths[i], &now_sig[i]);
		if (!file_sig_equal(&now_sig[i], &kc->sig[i]))
			same = 0;
		if (now_sig[i].exists &&
		    now_sig[i].mtime.tv_sec + VKEYS_CACHE_SETTLE > now)
			settled = 0;
	}
	if (!same)
		g_hash_table_remove_all(kc->keys);
	return settled;
}

/* list_keys() through the cache kc (NULL: list them all): only the
 * fingerprints not cached are listed, in one gpg run. */
int
vkeys_list(gpgme_ctx_t ctx, struct vkeys_cache *kc,
    const char *const *fprs, size_t n, gpgme_key_t *keys_r,
    const char **why_r, char **error_r)
{
	struct file_sig now_sig[N_KEYRING_FILES];
	const char *missing[VKEYS_CACHED_MAX];
	const char *mwhy[VKEYS_CACHED_MAX];
	gpgme_key_t found[VKEYS_CACHED_MAX];
	size_t idx[VKEYS_CACHED_MAX];
	size_t i, nm = 0;
	int settled;

	if (kc == NULL || kc->ctx != ctx || n > VKEYS_CACHED_MAX)
		return list_keys(ctx, fprs, n, keys_r, why_r, error_r);
	settled = keys_revalidate(kc, now_sig);
	for (i = 0; i < n; i++) {
		char *up = g_ascii_strup(fprs[i], -1);
		gpgme_key_t k = g_hash_table_lookup(kc->keys, up);

		g_free(up);
		keys_r[i] = NULL;
		why_r[i] = NULL;
		if (k != NULL) {
			gpgme_key_ref(k);
			keys_r[i] = k;
			kc->hits++;
		} else {
			idx[nm] = i;
			missing[nm++] = fprs[i];
		}
	}
	if (nm == 0)
		return 0;
	kc->listings++;
	if (list_keys(ctx, missing, nm, found, mwhy, error_r) == -1) {
		for (i = 0; i < n; i++)
			if (keys_r[i] != NULL) {
				gpgme_key_unref(keys_r[i]);
				keys_r[i] = NULL;
			}
		return -1;
	}
	if (settled)
		memcpy(kc->sig, now_sig, sizeof(kc->sig));
	for (i = 0; i < nm; i++) {
		keys_r[idx[i]] = found[i];
		why_r[idx[i]] = mwhy[i];
		/* Only primary-key matches are cached (list_keys gives no
		 * other); the judging is redone at each use. */
		if (settled && found[i] != NULL) {
			gpgme_key_ref(found[i]);
			g_hash_table_replace(kc->keys,
			    g_ascii_strup(missing[i], -1), found[i]);
		}
	}
	return 0;
}

gpgme_ctx_t
vkeys_ctx(struct vkeys *k)
{
	return k->ctx;
}

struct vkeys_cache *
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
	if (gnupghome == NULL) {
		*error_r = g_strdup("no gnupghome configured");
		return -1;
	}
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
	k->cache = vkeys_cache_new(k->ctx);
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
	vkeys_cache_free(&k->cache);
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
	if (key->subkeys == NULL || !ident_fpr_ok(key->subkeys->fpr)) {
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

/* Lists the keys in data without importing them (into ctx): the one
 * public key, or -1. */
static int
list_data(gpgme_ctx_t ctx, const void *data, size_t len, gpgme_key_t *key_r,
    char **error_r)
{
	gpgme_data_t d = NULL;
	gpgme_key_t key, first = NULL;
	gpgme_error_t err;
	int n = 0, rc = -1;

	*key_r = NULL;
	if (len == 0 || len > VKEYS_MAX_FILE) {
		*error_r = g_strdup_printf("a key file must hold 1 to %d "
		    "bytes", VKEYS_MAX_FILE);
		return -1;
	}
	if ((err = gpgme_data_new_from_mem(&d, data, len, 0)) != 0) {
		*error_r = g_strdup_printf("gpgme: %s", gpgme_strerror(err));
		return -1;
	}
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
	*key_r = first;
	first = NULL;
	rc = 0;
done:
	if (first != NULL)
		gpgme_key_unref(first);
	gpgme_data_release(d);
	return rc;
}

int
vkeys_check(gpgme_ctx_t ctx, const void *data, size_t len,
    struct vkey_info *info, char **error_r)
{
	gpgme_key_t key;
	int rc;

	memset(info, 0, sizeof(*info));
	if (list_data(ctx, data, len, &key, error_r) == -1)
		return -1;
	rc = judge_key(key, info, error_r);
	if (rc == -1)
		vkey_info_clear(info);
	gpgme_key_unref(key);
	return rc;
}

static const char *
primary_fpr(gpgme_key_t key)
{
	return key->subkeys != NULL && key->subkeys->fpr != NULL ?
	    key->subkeys->fpr : "";
}

/* Whether a key's fingerprint fpr is id: a fingerprint (40 hex digits)
 * or, for a signature's issuer, a long key id (16, the fingerprint's
 * end). */
static int
fpr_is(const char *fpr, const char *id)
{
	size_t n = strlen(fpr), m = strlen(id);

	return ident_fpr_ok(fpr) && ident_fpr_or_keyid_ok(id) &&
	    g_ascii_strcasecmp(fpr + (n - m), id) == 0;
}

/* by_subkey 0: the key whose primary fingerprint is fpr. 1: that key, else
 * the one key with a signing subkey fpr. */
static gpgme_error_t
get_by_fpr(gpgme_ctx_t ctx, const char *fpr, int secret, int by_subkey,
    gpgme_key_t *key_r)
{
	gpgme_key_t key, primary = NULL, sub = NULL;
	gpgme_subkey_t sk;
	gpgme_error_t err;
	int nprimary = 0, nsub = 0;

	/* gpg lists every key carrying fpr, as primary or as subkey: pick. */
	if ((err = gpgme_op_keylist_start(ctx, fpr, secret)) != 0)
		return err;
	while ((err = gpgme_op_keylist_next(ctx, &key)) == 0) {
		if (fpr_is(primary_fpr(key), fpr)) {
			if (nprimary++ == 0) {
				primary = key;
				continue;
			}
		} else if (by_subkey && key->subkeys != NULL) {
			for (sk = key->subkeys->next; sk != NULL; sk = sk->next)
				if (sk->fpr != NULL && sk->can_sign &&
				    fpr_is(sk->fpr, fpr))
					break;
			if (sk != NULL && nsub++ == 0) {
				sub = key;
				continue;
			}
		}
		gpgme_key_unref(key);
	}
	if (gpgme_err_code(err) == GPG_ERR_EOF)
		err = 0;
	(void)gpgme_op_keylist_end(ctx);
	if (err == 0) {
		if (nprimary > 1 || (nprimary == 0 && nsub > 1))
			err = gpg_error(GPG_ERR_AMBIGUOUS_NAME);
		else if (nprimary == 0 && nsub == 0)
			err = gpg_error(GPG_ERR_EOF);
	}
	if (err == 0 && nprimary == 1) {
		*key_r = primary;
		primary = NULL;
	} else if (err == 0) {
		*key_r = sub;
		sub = NULL;
	}
	if (primary != NULL)
		gpgme_key_unref(primary);
	if (sub != NULL)
		gpgme_key_unref(sub);
	return err;
}

gpgme_error_t
vkeys_get(gpgme_ctx_t ctx, const char *pattern, int secret,
    gpgme_key_t *key_r)
{
	gpgme_key_t key = NULL, extra = NULL;
	gpgme_error_t err;

	*key_r = NULL;
	if (pattern != NULL && ident_fpr_ok(pattern))
		return get_by_fpr(ctx, pattern, secret, 0, key_r);
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

gpgme_error_t
vkeys_get_signer(gpgme_ctx_t ctx, const char *fpr, gpgme_key_t *key_r)
{
	*key_r = NULL;
	if (!ident_fpr_or_keyid_ok(fpr))
		return gpg_error(GPG_ERR_INV_VALUE);
	return get_by_fpr(ctx, fpr, 0, 1, key_r);
}

/* ---- Examining a key in a scratch keyring. */

/* Whether a signing subkey carries a back-signature: GnuPG 2.2.40 (Debian
 * 12) does not say. It imports a signing subkey whose binding signature
 * lacks the embedded 0x19 signature without a word, lists it with usage
 * "s" and validity like any other (--with-colons, --check-sigs, -v,
 * --import-options show-only: nothing), and only refuses, when verifying a
 * signature made by it, "signing subkey ... is not cross-certified". GPGME
 * has no field for it. So we read the binding signatures ourselves from
 * the key as gpg exports it from the scratch keyring: the newest 0x18
 * signature on each subkey must carry an embedded signature (subpacket 32,
 * GnuPG puts it in the unhashed area) that is a v4 0x19 signature issued
 * by that very subkey (issuer fingerprint or key id), by its algorithm.
 * The embedded signature's cryptography is not checked here (that would
 * take an OpenPGP implementation): gpg itself refuses every data signature
 * by a subkey whose back-signature does not verify, and the fingerprint
 * rule of vkeys_examine keeps the keys the desk holds safe from a forged
 * one. */

struct backsig {
	char fpr[41];		/* subkey */
	int algo;		/* subkey's public-key algorithm */
	int64_t created;	/* newest binding signature seen */
	int ok;			/* that one carries a fitting back-signature */
};

/* One packet at *off of a binary key block: 1 with *tag and the body, 0 at
 * the end, -1 for what gpg never exports (partial or indeterminate
 * lengths, truncation). */
static int
next_packet(const guint8 *b, size_t len, size_t *off, int *tag,
    const guint8 **body, size_t *blen)
{
	size_t i = *off, n;
	guint8 c;

	if (i >= len)
		return 0;
	c = b[i++];
	if (!(c & 0x80))
		return -1;
	if (c & 0x40) {		/* new format */
		*tag = c & 0x3f;
		if (i >= len)
			return -1;
		if (b[i] < 192)
			n = b[i++];
		else if (b[i] < 224) {
			if (i + 2 > len)
				return -1;
			n = ((size_t)(b[i] - 192) << 8) + b[i + 1] + 192;
			i += 2;
		} else if (b[i] == 255) {
			if (i + 5 > len)
				return -1;
			n = (size_t)b[i + 1] << 24 | (size_t)b[i + 2] << 16 |
			    (size_t)b[i + 3] << 8 | b[i + 4];
			i += 5;
		} else
			return -1;
	} else {		/* old format */
		int w = (c & 3) == 0 ? 1 : (c & 3) == 1 ? 2 : (c & 3) == 2 ?
		    4 : 0;

		*tag = (c >> 2) & 0x0f;
		if (w == 0 || i + (size_t)w > len)
			return -1;
		for (n = 0; w > 0; w--)
			n = n << 8 | b[i++];
	}
	if (n > len - i)
		return -1;
	*body = b + i;
	*blen = n;
	*off = i + n;
	return 1;
}

/* The first subpacket of type in a subpacket area, or NULL. */
static const guint8 *
subpacket(const guint8 *a, size_t alen, int type, size_t *vlen)
{
	size_t i = 0, n, h;

	while (i < alen) {
		if (a[i] < 192) {
			n = a[i];
			h = 1;
		} else if (a[i] < 255) {
			if (i + 2 > alen)
				return NULL;
			n = ((size_t)(a[i] - 192) << 8) + a[i + 1] + 192;
			h = 2;
		} else {
			if (i + 5 > alen)
				return NULL;
			n = (size_t)a[i + 1] << 24 | (size_t)a[i + 2] << 16 |
			    (size_t)a[i + 3] << 8 | a[i + 4];
			h = 5;
		}
		if (n == 0 || n > alen - i - h)
			return NULL;
		if ((a[i + h] & 0x7f) == type) {
			*vlen = n - 1;
			return a + i + h + 1;
		}
		i += h + n;
	}
	return NULL;
}

/* A v4 signature's areas: 0, or -1 if it is no v4 signature. */
static int
sig_areas(const guint8 *b, size_t n, const guint8 **h, size_t *hl,
    const guint8 **u, size_t *ul)
{
	if (n < 6 || b[0] != 4)
		return -1;
	*hl = (size_t)b[4] << 8 | b[5];
	if (6 + *hl + 2 > n)
		return -1;
	*h = b + 6;
	*ul = (size_t)b[6 + *hl] << 8 | b[7 + *hl];
	if (8 + *hl + *ul > n)
		return -1;
	*u = b + 8 + *hl;
	return 0;
}

static const guint8 *
sig_subpacket(const guint8 *b, size_t n, int type, size_t *vlen)
{
	const guint8 *h, *u, *v;
	size_t hl, ul;

	if (sig_areas(b, n, &h, &hl, &u, &ul) == -1)
		return NULL;
	if ((v = subpacket(h, hl, type, vlen)) != NULL)
		return v;
	return subpacket(u, ul, type, vlen);
}

static void
hex_upper(const guint8 *v, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		g_snprintf(out + 2 * i, 3, "%02X", v[i]);
}

/* Whether the embedded signature e is a back-signature by subkey bs. */
static int
is_backsig(const guint8 *e, size_t n, const struct backsig *bs)
{
	const guint8 *v;
	char hex[41];
	size_t vl;

	if (n < 6 || e[0] != 4 || e[1] != 0x19 || e[2] != bs->algo)
		return 0;
	if ((v = sig_subpacket(e, n, 33, &vl)) != NULL && vl == 21 &&
	    v[0] == 4) {
		hex_upper(v + 1, 20, hex);
		return strcmp(hex, bs->fpr) == 0;
	}
	if ((v = sig_subpacket(e, n, 16, &vl)) != NULL && vl == 8) {
		hex_upper(v, 8, hex);
		return strcmp(hex, bs->fpr + 24) == 0;
	}
	return 0;
}

/* Reads the subkey binding signatures of the binary key block b: an array
 * of struct backsig, one per subkey, or NULL if b cannot be parsed. */
static GArray *
read_backsigs(const guint8 *b, size_t len)
{
	GArray *subs = g_array_new(FALSE, TRUE, sizeof(struct backsig));
	struct backsig *cur = NULL;
	const guint8 *body, *v;
	size_t off = 0, n, vl;
	int tag, r;

	while ((r = next_packet(b, len, &off, &tag, &body, &n)) == 1) {
		if (tag == 14) {	/* public subkey */
			struct backsig bs;
			GChecksum *sha = g_checksum_new(G_CHECKSUM_SHA1);
			guint8 hdr[3] = { 0x99, (guint8)(n >> 8), (guint8)n };
			char *up;

			memset(&bs, 0, sizeof(bs));
			if (n < 6 || body[0] != 4 || n > 0xffff) {
				g_checksum_free(sha);
				cur = NULL;
				continue;	/* gpg lists no v3/v5 here */
			}
			g_checksum_update(sha, hdr, 3);
			g_checksum_update(sha, body, n);
			up = g_ascii_strup(g_checksum_get_string(sha), -1);
			g_strlcpy(bs.fpr, up, sizeof(bs.fpr));
			g_free(up);
			g_checksum_free(sha);
			bs.algo = body[5];
			bs.created = -1;
			g_array_append_val(subs, bs);
			cur = &g_array_index(subs, struct backsig,
			    subs->len - 1);
		} else if (tag == 2 && cur != NULL) {
			int64_t t = 0;

			if (n < 2 || body[0] != 4 || body[1] != 0x18)
				continue;
			if ((v = sig_subpacket(body, n, 2, &vl)) != NULL &&
			    vl == 4)
				t = (int64_t)v[0] << 24 | v[1] << 16 |
				    v[2] << 8 | v[3];
			if (t < cur->created)
				continue;
			cur->created = t;
			v = sig_subpacket(body, n, 32, &vl);
			cur->ok = v != NULL && is_backsig(v, vl, cur);
		} else if (tag == 6 || tag == 13 || tag == 17)
			cur = NULL;
	}
	if (r == -1) {
		g_array_unref(subs);
		return NULL;
	}
	return subs;
}

/* Refuses a signing subkey of key without back-signature; b/len: the key
 * as gpg exports it. */
static int
check_backsigs(gpgme_key_t key, const guint8 *b, size_t len,
    char **error_r)
{
	GArray *subs = read_backsigs(b, len);
	gpgme_subkey_t sk;
	guint i;
	int rc = 0;

	if (subs == NULL) {
		*error_r = g_strdup_printf("key %s: cannot read its binding "
		    "signatures", primary_fpr(key));
		return -1;
	}
	for (sk = key->subkeys->next; sk != NULL && rc == 0; sk = sk->next) {
		if (!subkey_usable(sk) || !sk->can_sign || sk->fpr == NULL)
			continue;
		for (i = 0; i < subs->len; i++)
			if (g_ascii_strcasecmp(g_array_index(subs,
			    struct backsig, i).fpr, sk->fpr) == 0)
				break;
		if (i == subs->len || !g_array_index(subs, struct backsig,
		    i).ok) {
			*error_r = g_strdup_printf("key %s: signing subkey "
			    "%s has no back-signature (cross-certification):"
			    " gpg refuses its signatures, and a key can claim"
			    " another key's subkey this way; the owner can "
			    "fix it with gpg --edit-key %s cross-certify",
			    primary_fpr(key), sk->fpr, primary_fpr(key));
			rc = -1;
		}
	}
	g_array_unref(subs);
	return rc;
}

/* RSA, DSA and ElGamal under 2048 bits: factorable or forgeable with
 * public means. */
static int
check_strength(gpgme_key_t key, char **error_r)
{
	gpgme_subkey_t sk;

	for (sk = key->subkeys; sk != NULL; sk = sk->next) {
		if (sk != key->subkeys && !subkey_usable(sk))
			continue;
		switch (sk->pubkey_algo) {
		case GPGME_PK_RSA:
		case GPGME_PK_RSA_E:
		case GPGME_PK_RSA_S:
		case GPGME_PK_DSA:
		case GPGME_PK_ELG:
		case GPGME_PK_ELG_E:
			if (sk->length >= 2048)
				break;
			*error_r = g_strdup_printf("key %s: %s %s is %s with "
			    "%u bits: at least 2048 are needed (or use "
			    "ed25519/cv25519)", primary_fpr(key), sk ==
			    key->subkeys ? "primary key" : "subkey",
			    sk->fpr ? sk->fpr : "?", gpgme_pubkey_algo_name(
			    sk->pubkey_algo), sk->length);
			return -1;
		default:
			break;
		}
	}
	return 0;
}

static const char *
first_uid(gpgme_key_t key)
{
	return key->uids != NULL && key->uids->uid != NULL ?
	    key->uids->uid : "no user id";
}

/* Refuses key if a fingerprint of it is carried by another key of the
 * desk's keyring; notes in info an update of a key the desk holds. */
static int
check_collisions(gpgme_ctx_t desk, gpgme_key_t key, struct vkey_info *info,
    char **error_r)
{
	const char **patterns;
	gpgme_key_t other, same = NULL;
	gpgme_subkey_t sk, ok;
	gpgme_error_t err;
	size_t n = 0, i;
	int rc = 0;

	for (sk = key->subkeys; sk != NULL; sk = sk->next)
		n++;
	patterns = g_new0(const char *, n + 1);
	for (i = 0, sk = key->subkeys; sk != NULL; sk = sk->next) {
		if (sk->fpr == NULL || !ident_fpr_ok(sk->fpr)) {
			*error_r = g_strdup_printf("key %s: a subkey without "
			    "a v4 fingerprint", primary_fpr(key));
			g_free(patterns);
			return -1;
		}
		/* The same fingerprint twice in one key is no key gpg
		 * makes. */
		for (ok = key->subkeys; ok != sk; ok = ok->next)
			if (g_ascii_strcasecmp(ok->fpr, sk->fpr) == 0) {
				*error_r = g_strdup_printf("key %s carries "
				    "fingerprint %s twice", primary_fpr(key),
				    sk->fpr);
				g_free(patterns);
				return -1;
			}
		patterns[i++] = sk->fpr;
	}
	/* gpg lists every key carrying any of them, as primary or subkey. */
	if ((err = gpgme_op_keylist_ext_start(desk, patterns, 0, 0)) != 0) {
		*error_r = g_strdup_printf("listing the desk's keys: %s",
		    gpgme_strerror(err));
		g_free(patterns);
		return -1;
	}
	while ((err = gpgme_op_keylist_next(desk, &other)) == 0) {
		if (g_ascii_strcasecmp(primary_fpr(other),
		    primary_fpr(key)) == 0 && same == NULL) {
			same = other;
			continue;
		}
		for (sk = other->subkeys; sk != NULL && rc == 0; sk = sk->next)
			for (i = 0; i < n && rc == 0; i++)
				if (sk->fpr != NULL && g_ascii_strcasecmp(
				    sk->fpr, patterns[i]) == 0) {
					*error_r = g_strdup_printf("key %s "
					    "carries fingerprint %s, which "
					    "the desk's key %s (%s) already "
					    "carries as %s: refused, it would"
					    " make look-ups of that key "
					    "ambiguous (a planted subkey?)",
					    primary_fpr(key), patterns[i],
					    primary_fpr(other),
					    first_uid(other), sk ==
					    other->subkeys ? "its primary key"
					    : "a subkey");
					rc = -1;
				}
		gpgme_key_unref(other);
	}
	if (gpgme_err_code(err) == GPG_ERR_EOF)
		err = 0;
	(void)gpgme_op_keylist_end(desk);
	if (rc == 0 && err != 0) {
		*error_r = g_strdup_printf("listing the desk's keys: %s",
		    gpgme_strerror(err));
		rc = -1;
	}
	if (rc == 0 && same != NULL) {
		info->updates_existing = 1;
		info->new_subkeys = g_ptr_array_new_with_free_func(g_free);
		for (sk = key->subkeys->next; sk != NULL; sk = sk->next) {
			for (ok = same->subkeys; ok != NULL; ok = ok->next)
				if (ok->fpr != NULL && g_ascii_strcasecmp(
				    ok->fpr, sk->fpr) == 0)
					break;
			if (ok == NULL)
				g_ptr_array_add(info->new_subkeys,
				    g_ascii_strup(sk->fpr, -1));
		}
	}
	if (same != NULL)
		gpgme_key_unref(same);
	g_free(patterns);
	return rc;
}

/* Removes the scratch home (files and one level of directories: all gpg
 * makes there). */
static void
remove_scratch(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
			remove_scratch(p);
		else if (g_unlink(p) == -1)
			log_warnx("scratch keyring: cannot remove %s: %s", p,
			    g_strerror(errno));
		g_free(p);
	}
	if (d != NULL)
		g_dir_close(d);
	if (g_rmdir(dir) == -1)
		log_warnx("scratch keyring: cannot remove %s: %s", dir,
		    g_strerror(errno));
}

/* Ends a gpg-agent that was started in the scratch home after all (its
 * socket is there), without a shell. */
static void
end_scratch_agent(const char *dir)
{
	char *sock = g_build_filename(dir, "S.gpg-agent", NULL);
	char *argv[] = { "gpgconf", "--homedir", (char *)dir, "--kill",
	    "gpg-agent", NULL };

	if (g_file_test(sock, G_FILE_TEST_EXISTS))
		(void)g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
		    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
		    NULL, NULL, NULL, NULL, NULL, NULL);
	g_free(sock);
}

/* The home directory of ctx's engine, foreign. */
static const char *
home_of(gpgme_ctx_t ctx)
{
	gpgme_engine_info_t ei = gpgme_ctx_get_engine_info(ctx);

	return ei != NULL && ei->home_dir != NULL ? ei->home_dir :
	    g_get_tmp_dir();
}

static unsigned examinations;

unsigned
vkeys_examinations(void)
{
	return examinations;
}

/* vkeys_examine; *clean_r (owned, may be NULL) gets the key as the scratch
 * keyring exports it (binary), which is what vkeys_import imports. */
static int
examine(gpgme_ctx_t desk, const char *parent, const void *data, size_t len,
    struct vkey_info *info, GBytes **clean_r, char **error_r)
{
	gpgme_ctx_t sc = NULL;
	gpgme_data_t in = NULL, out = NULL;
	gpgme_import_result_t res;
	gpgme_key_t key = NULL, extra = NULL;
	gpgme_error_t err;
	char *dir = NULL, *conf;
	void *buf = NULL;
	size_t blen = 0;
	int rc = -1, made;

	memset(info, 0, sizeof(*info));
	if (clean_r != NULL)
		*clean_r = NULL;
	examinations++;
	/* The count and the secret-key test first, in the desk's context
	 * (a listing imports nothing): a secret key never reaches the
	 * scratch home, where gpg would want an agent. */
	if (list_data(desk, data, len, &key, error_r) == -1)
		return -1;
	gpgme_key_unref(key);
	key = NULL;
	dir = g_build_filename(parent != NULL ? parent : home_of(desk),
	    "examine.XXXXXX", NULL);
	made = g_mkdtemp_full(dir, 0700) != NULL;
	if (!made && parent == NULL) {
		/* An operator's vulturectl inspect may not write the desk's
		 * home: the temporary directory does as well. */
		g_free(dir);
		dir = g_build_filename(g_get_tmp_dir(), "vx.XXXXXX", NULL);
		made = g_mkdtemp_full(dir, 0700) != NULL;
	}
	if (!made) {
		*error_r = g_strdup_printf("scratch keyring %s: %s", dir,
		    g_strerror(errno));
		g_free(dir);
		return -1;
	}
	/* No agent or dirmngr for a keyring that only ever holds a public
	 * key; no trust database to build. */
	conf = g_build_filename(dir, "gpg.conf", NULL);
	if (!g_file_set_contents(conf, "no-autostart\ntrust-model always\n",
	    -1, NULL)) {
		*error_r = g_strdup_printf("cannot write %s", conf);
		g_free(conf);
		goto done;
	}
	g_free(conf);
	if ((err = gpgme_new(&sc)) != 0 ||
	    (err = gpgme_set_protocol(sc, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (err = gpgme_ctx_set_engine_info(sc, GPGME_PROTOCOL_OpenPGP,
	    NULL, dir)) != 0 ||
	    (err = gpgme_data_new_from_mem(&in, data, len, 0)) != 0 ||
	    (err = gpgme_op_import(sc, in)) != 0) {
		*error_r = g_strdup_printf("scratch import: %s",
		    gpgme_strerror(err));
		goto done;
	}
	res = gpgme_op_import_result(sc);
	if (res == NULL || res->secret_read > 0 || res->considered != 1 ||
	    res->imported != 1) {
		*error_r = g_strdup_printf("gpg did not take the key as one "
		    "public key (%d considered, %d imported, %d secret, %d "
		    "without valid user id)", res ? res->considered : 0,
		    res ? res->imported : 0, res ? res->secret_read : 0,
		    res ? res->no_user_id : 0);
		goto done;
	}
	if ((err = gpgme_op_keylist_start(sc, NULL, 0)) != 0 ||
	    (err = gpgme_op_keylist_next(sc, &key)) != 0) {
		(void)gpgme_op_keylist_end(sc);
		*error_r = g_strdup_printf("scratch keyring: %s",
		    gpgme_strerror(err));
		goto done;
	}
	if (gpgme_op_keylist_next(sc, &extra) == 0) {
		gpgme_key_unref(extra);
		(void)gpgme_op_keylist_end(sc);
		*error_r = g_strdup("the data holds more than one key");
		goto done;
	}
	(void)gpgme_op_keylist_end(sc);
	if (judge_key(key, info, error_r) == -1 ||
	    check_strength(key, error_r) == -1)
		goto done;
	gpgme_set_armor(sc, 0);
	if ((err = gpgme_data_new(&out)) != 0 ||
	    (err = gpgme_op_export(sc, info->fpr, 0, out)) != 0) {
		*error_r = g_strdup_printf("scratch export: %s",
		    gpgme_strerror(err));
		goto done;
	}
	buf = gpgme_data_release_and_get_mem(out, &blen);
	out = NULL;
	if (buf == NULL || blen == 0) {
		*error_r = g_strdup("scratch export: gpg exported nothing");
		goto done;
	}
	/* The collision first: a planted subkey is the graver reason. */
	if (check_collisions(desk, key, info, error_r) == -1 ||
	    check_backsigs(key, buf, blen, error_r) == -1)
		goto done;
	if (clean_r != NULL)
		*clean_r = g_bytes_new(buf, blen);
	log_info("key examined fpr=%s update=%d", info->fpr,
	    info->updates_existing);
	rc = 0;
done:
	if (buf != NULL)
		gpgme_free(buf);
	if (out != NULL)
		gpgme_data_release(out);
	if (in != NULL)
		gpgme_data_release(in);
	if (key != NULL)
		gpgme_key_unref(key);
	if (sc != NULL)
		gpgme_release(sc);
	end_scratch_agent(dir);
	remove_scratch(dir);
	g_free(dir);
	if (rc == -1)
		vkey_info_clear(info);
	return rc;
}

int
vkeys_examine(gpgme_ctx_t ctx, const char *scratch_parent, const void *data,
    size_t len, struct vkey_info *info, char **error_r)
{
	return examine(ctx, scratch_parent, data, len, info, NULL, error_r);
}

void
vkey_examined_clear(struct vkey_examined *ex)
{
	if (ex == NULL)
		return;
	vkey_info_clear(&ex->info);
	if (ex->clean != NULL)
		g_bytes_unref(ex->clean);
	ex->clean = NULL;
}

int
vkeys_examine_keep(gpgme_ctx_t ctx, const char *scratch_parent,
    const void *data, size_t len, struct vkey_examined *ex, char **error_r)
{
	return examine(ctx, scratch_parent, data, len, &ex->info, &ex->clean,
	    error_r);
}

/* Imports clean (what examine exported); info holds what examine found
 * and gets the judgement of the keyring's copy. */
static int
import_clean(gpgme_ctx_t ctx, GBytes *clean, struct vkey_info *info,
    char **error_r)
{
	gpgme_data_t d = NULL;
	gpgme_import_result_t res;
	gpgme_key_t key = NULL;
	gpgme_error_t err;
	GPtrArray *new_subkeys;
	gsize clen;
	const void *cd;
	int updates;

	cd = g_bytes_get_data(clean, &clen);
	if ((err = gpgme_data_new_from_mem(&d, cd, clen, 0)) != 0 ||
	    (err = gpgme_op_import(ctx, d)) != 0) {
		*error_r = g_strdup_printf("import: %s", gpgme_strerror(err));
		goto fail;
	}
	/* An update that adds a subkey or a user id counts as neither
	 * imported nor unchanged. */
	res = gpgme_op_import_result(ctx);
	if (res == NULL || res->considered != 1 || res->not_imported > 0 ||
	    res->imports == NULL || res->imports->result != 0) {
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
	updates = info->updates_existing;
	new_subkeys = info->new_subkeys;
	info->new_subkeys = NULL;
	vkey_info_clear(info);
	if (judge_key(key, info, error_r) == -1) {
		if (new_subkeys != NULL)
			g_ptr_array_unref(new_subkeys);
		goto fail;
	}
	info->updates_existing = updates;
	info->new_subkeys = new_subkeys;
	log_info("key imported fpr=%s update=%d new_subkeys=%u", info->fpr,
	    updates, new_subkeys != NULL ? new_subkeys->len : 0);
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

int
vkeys_import_examined(gpgme_ctx_t ctx, const struct vkey_examined *ex,
    struct vkey_info *info, char **error_r)
{
	guint i;

	memset(info, 0, sizeof(*info));
	memcpy(info->fpr, ex->info.fpr, sizeof(info->fpr));
	info->updates_existing = ex->info.updates_existing;
	if (ex->info.new_subkeys != NULL) {
		info->new_subkeys = g_ptr_array_new_with_free_func(g_free);
		for (i = 0; i < ex->info.new_subkeys->len; i++)
			g_ptr_array_add(info->new_subkeys,
			    g_strdup(ex->info.new_subkeys->pdata[i]));
	}
	return import_clean(ctx, ex->clean, info, error_r);
}

int
vkeys_import(gpgme_ctx_t ctx, const void *data, size_t len,
    struct vkey_info *info, char **error_r)
{
	GBytes *clean = NULL;
	int rc;

	if (examine(ctx, NULL, data, len, info, &clean, error_r) == -1)
		return -1;
	rc = import_clean(ctx, clean, info, error_r);
	g_bytes_unref(clean);
	return rc;
}

struct carriers {
	guint n;		/* keys carrying the fingerprint */
	GString *keys;		/* "A (uid) and B (uid)" */
};

static void
carriers_free(gpointer p)
{
	struct carriers *c = p;

	g_string_free(c->keys, TRUE);
	g_free(c);
}

int
vkeys_ambiguous(gpgme_ctx_t ctx, GPtrArray **report_r, char **error_r)
{
	GHashTable *seen;	/* owned: upper-case fpr -> carriers */
	GPtrArray *report, *order;
	gpgme_key_t key;
	gpgme_subkey_t sk, prev;
	gpgme_error_t err;
	guint i;

	*report_r = NULL;
	if ((err = gpgme_op_keylist_start(ctx, NULL, 0)) != 0) {
		*error_r = g_strdup_printf("listing keys: %s",
		    gpgme_strerror(err));
		return -1;
	}
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    carriers_free);
	order = g_ptr_array_new();	/* of the keys of seen */
	while ((err = gpgme_op_keylist_next(ctx, &key)) == 0) {
		for (sk = key->subkeys; sk != NULL; sk = sk->next) {
			struct carriers *c;
			char *up;

			if (sk->fpr == NULL)
				continue;
			/* Counted once per key. */
			for (prev = key->subkeys; prev != sk; prev = prev->next)
				if (prev->fpr != NULL && g_ascii_strcasecmp(
				    prev->fpr, sk->fpr) == 0)
					break;
			if (prev != sk)
				continue;
			up = g_ascii_strup(sk->fpr, -1);
			if ((c = g_hash_table_lookup(seen, up)) == NULL) {
				c = g_new0(struct carriers, 1);
				c->keys = g_string_new(NULL);
				g_hash_table_insert(seen, up, c);
				g_ptr_array_add(order, up);
			} else
				g_free(up);
			g_string_append_printf(c->keys, "%s%s (%s)", c->n ?
			    " and " : "", primary_fpr(key), first_uid(key));
			c->n++;
		}
		gpgme_key_unref(key);
	}
	if (gpgme_err_code(err) == GPG_ERR_EOF)
		err = 0;
	(void)gpgme_op_keylist_end(ctx);
	report = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < order->len; i++) {
		struct carriers *c = g_hash_table_lookup(seen,
		    order->pdata[i]);

		if (c->n > 1)
			g_ptr_array_add(report, g_strdup_printf("fingerprint "
			    "%s is carried by keys %s", (char *)order->pdata[i],
			    c->keys->str));
	}
	g_ptr_array_unref(order);
	g_hash_table_unref(seen);
	if (err != 0) {
		g_ptr_array_unref(report);
		*error_r = g_strdup_printf("listing keys: %s",
		    gpgme_strerror(err));
		return -1;
	}
	*report_r = report;
	return 0;
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

int
vkeys_export(gpgme_ctx_t ctx, const char *fpr, int armor, GBytes **out_r,
    char **error_r)
{
	gpgme_data_t out = NULL;
	gpgme_error_t err;
	char *buf;
	size_t blen = 0;
	int was = gpgme_get_armor(ctx);

	gpgme_set_armor(ctx, armor);
	if ((err = gpgme_data_new(&out)) == 0)
		err = gpgme_op_export(ctx, fpr, GPGME_EXPORT_MODE_MINIMAL, out);
	gpgme_set_armor(ctx, was);
	if (err != 0) {
		if (out != NULL)
			gpgme_data_release(out);
		*error_r = g_strdup_printf("export %s: %s", fpr,
		    gpgme_strerror(err));
		return -1;
	}
	buf = gpgme_data_release_and_get_mem(out, &blen);
	if (buf == NULL || blen == 0) {
		if (buf != NULL)
			gpgme_free(buf);
		*error_r = g_strdup_printf("export %s: no such key", fpr);
		return -1;
	}
	*out_r = g_bytes_new(buf, blen);
	gpgme_free(buf);
	return 0;
}
