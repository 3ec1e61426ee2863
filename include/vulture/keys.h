/* OpenPGP keys through GPGME, in the desk's GNUPGHOME (from the
 * configuration; the environment's GNUPGHOME is not used). One context,
 * reused, and its key cache: every GPGME key listing, judgement and import
 * of vulture is here (compose, decode and the gpg helper ask this module;
 * it asks none of them). Vendors are trusted by pinned primary
 * fingerprint, not by the web of trust. */
#ifndef VULTURE_KEYS_H
#define VULTURE_KEYS_H

#include <glib.h>
#include <gpgme.h>
#include <stddef.h>
#include <stdint.h>

#define VKEYS_MAX_FILE (1024 * 1024)	/* bytes of a key file */

struct vkeys;
struct vkeys_cache;

struct vkey_info {
	char fpr[41];		/* primary fingerprint, upper-case hex */
	int64_t expires;	/* primary key expiry, 0: never */
	char *uid;		/* owned: first user id, may be NULL */
	GPtrArray *emails;	/* owned, of char *: every uid's address */
	/* Set by vkeys_examine (and vkeys_import): the desk already holds a
	 * key with this primary fingerprint, and new_subkeys (owned, of
	 * char *, upper-case; NULL when not an update) are the subkey
	 * fingerprints the offered copy adds to it. A caller treats such an
	 * update as a key change proposal. */
	int updates_existing;
	GPtrArray *new_subkeys;
};

void vkey_info_clear(struct vkey_info *info);

/* Returns 0, or -1 with *error_r newly allocated. */
int vkeys_open(const char *gnupghome, struct vkeys **k_r, char **error_r);
void vkeys_close(struct vkeys **k);
gpgme_ctx_t vkeys_ctx(struct vkeys *k);		/* foreign */
/* The key cache of vkeys_ctx() for composing (compose.h), foreign. */
struct vkeys_cache *vkeys_cache(struct vkeys *k);

/* Keys listed once and reused while the keyring is unchanged: without it
 * every message costs a gpg key listing (a process, 3-5 ms of CPU) before
 * the gpg that signs and encrypts. The cache is dropped whenever a file
 * holding key material or flags changes (pubring.kbx, pubring.gpg,
 * trustdb.gpg in the context's home: an import, a revocation, a key
 * disabled), and every use judges the key again at the current time
 * (expiry, vkeys_unusable). Keys are cached only when those files are
 * older than VKEYS_CACHE_SETTLE seconds: file times are coarse, so a
 * change made within the same tick as the listing could otherwise go
 * unseen. One cache per context, used by the context's thread only. */
#define VKEYS_CACHE_SETTLE 2
/* Keys of one cached listing: a message's recipients and the desk key
 * (COMPOSE_MAX_RECIPIENTS + 1); a longer list bypasses the cache. */
#define VKEYS_CACHED_MAX 17

/* ctx is foreign and must outlive the cache. Returns a new cache. */
struct vkeys_cache *vkeys_cache_new(gpgme_ctx_t ctx);
void vkeys_cache_free(struct vkeys_cache **kc);
/* Listings done and keys served from the cache (for tests and logs). */
void vkeys_cache_stats(const struct vkeys_cache *kc, unsigned *listings_r,
    unsigned *hits_r);

/* Lists the keys with the primary fingerprints fprs[0..n-1] on ctx, those
 * not in kc (foreign, may be NULL: no cache; a cache made on another
 * context is not used) in one gpg run, in ctx's key listing mode. keys_r[i]
 * gets a new reference, or NULL with why_r[i] (static) saying why ("not
 * in the keyring", a subkey's fingerprint). Returns 0, or -1 with
 * *error_r only when the listing itself fails. */
int vkeys_list(gpgme_ctx_t ctx, struct vkeys_cache *kc,
    const char *const *fprs, size_t n, gpgme_key_t *keys_r,
    const char **why_r, char **error_r);
/* Why key (listed for the primary fingerprint fpr) cannot be encrypted
 * to now, or with for_signing cannot sign (listed with secret); NULL when
 * it can. The answer is static. */
const char *vkeys_unusable(gpgme_key_t key, const char *fpr,
    int for_signing);

/* gpgme_get_key() on ctx itself: one key matching pattern, *key_r a new
 * reference. gpgme_get_key makes a context of its own, and each new context
 * with a home directory costs a `gpg --version` (5 ms on the test machine)
 * before the listing. A pattern of 40 hex digits selects the key whose
 * PRIMARY fingerprint it is (case-insensitive): gpg also lists every key
 * that carries it as a subkey, and a key made to carry another's primary as
 * a subkey must not hide that key. Any other pattern is gpg's. Returns
 * GPGME's error: EOF for no key, AMBIGUOUS_NAME for more than one. Replaces
 * ctx's last results. */
gpgme_error_t vkeys_get(gpgme_ctx_t ctx, const char *pattern, int secret,
    gpgme_key_t *key_r);
/* For a signature's issuer fpr (40 hex digits, or the 16 of a long key id,
 * which gpg reports for a signature it could not check), which may be a
 * signing subkey's: the key whose primary fingerprint is (ends in) fpr, else
 * the one key with such a signing subkey. EOF for none, AMBIGUOUS_NAME when
 * two keys qualify. */
gpgme_error_t vkeys_get_signer(gpgme_ctx_t ctx, const char *fpr,
    gpgme_key_t *key_r);

/* The send-time check (PRODUCT.md rule 10): may mail encrypted to the key
 * with primary fingerprint fpr still go out at now? One listing on ctx
 * (vkeys_get), nothing cached: a revocation imported a second ago counts.
 * keyids (NULL-terminated 16-hex key ids, may be NULL) are those the message
 * was encrypted to (vkeys_message_keyids): an encryption subkey of fpr among
 * them that is revoked or expired stops it even if another subkey is still
 * good. Returns 0 when it may go; 1 when it may not, with *why_r (g_free) a
 * predicate about the key that reads after "key FPR of ADDRESS" and before
 * "after the message was queued" ("was revoked", "expired", ...); -1 when
 * the listing itself failed, with *why_r the error: try again later. */
int vkeys_sendable(gpgme_ctx_t ctx, const char *fpr,
    const char *const *keyids, int64_t now, char **why_r);

/* The key ids a stored outbound message was encrypted to: the public-key
 * encrypted session key packets at the start of the first armored PGP
 * MESSAGE block in msg. Returns a NULL-terminated g_strfreev vector of
 * upper-case 16-hex ids, empty when there is no block or it cannot be
 * read. Only the first few KB of the block are decoded. */
char **vkeys_message_keyids(const void *msg, size_t len);

/* Checks that data (armored or binary) holds exactly one public key that is
 * neither expired nor revoked nor disabled and has a usable encryption
 * subkey and signing capability, without importing it. ctx: the desk's
 * context (vkeys_ctx), foreign. */
int vkeys_check(gpgme_ctx_t ctx, const void *data, size_t len,
    struct vkey_info *info, char **error_r);
/* Examines a key that arrived by mail (or from the command line) before it
 * may touch the desk's keyring: imports data into a scratch GNUPGHOME (a
 * new directory under scratch_parent, NULL: the desk's gnupghome; removed
 * before returning, no gpg-agent started) and refuses, besides what
 * vkeys_check refuses:
 *  - any primary or subkey fingerprint that a DIFFERENT key of the desk's
 *    keyring carries, as primary or subkey (a planted subkey would make
 *    look-ups of that key ambiguous); the same primary fingerprint is an
 *    update: info->updates_existing and info->new_subkeys say so;
 *  - a usable signing subkey without back-signature (cross-certification);
 *  - an RSA, DSA or ElGamal primary or usable subkey under 2048 bits.
 * Nothing is imported into ctx. Returns 0 with info filled (clear it with
 * vkey_info_clear), or -1 with *error_r saying why, for a coordinator. */
int vkeys_examine(gpgme_ctx_t ctx, const char *scratch_parent,
    const void *data, size_t len, struct vkey_info *info, char **error_r);
/* vkeys_examine, then imports into the keyring the key exactly as the
 * scratch keyring holds it, and judges the result (a merge with an older
 * copy). Every key import goes through here. */
int vkeys_import(gpgme_ctx_t ctx, const void *data, size_t len,
    struct vkey_info *info, char **error_r);

/* A key examined once and imported later without a second examination
 * (the registration path, vulturectl vendor key): import soon after, into
 * the keyring it was examined against. */
struct vkey_examined {
	struct vkey_info info;	/* what vkeys_examine found */
	GBytes *clean;		/* owned: the key as the scratch ring exported it */
};
void vkey_examined_clear(struct vkey_examined *ex);
/* vkeys_examine, keeping the examined key in *ex (clear it with
 * vkey_examined_clear; cleared on -1). */
int vkeys_examine_keep(gpgme_ctx_t ctx, const char *scratch_parent,
    const void *data, size_t len, struct vkey_examined *ex, char **error_r);
/* vkeys_import of what ex holds, without examining it again; ex is
 * unchanged. */
int vkeys_import_examined(gpgme_ctx_t ctx, const struct vkey_examined *ex,
    struct vkey_info *info, char **error_r);
/* How many examinations this process ran (tests count them). */
unsigned vkeys_examinations(void);

/* Every fingerprint that more than one key of ctx's keyring carries (as
 * primary or subkey): *report_r (owned, of char *) gets one line each,
 * "fingerprint X is carried by keys A (uid) and B (uid)"; an empty array
 * when there is none. Returns 0, or -1 with *error_r. */
int vkeys_ambiguous(gpgme_ctx_t ctx, GPtrArray **report_r, char **error_r);

/* Finds the desk key: the configured fingerprint, or else the one secret key
 * whose user id is address. Writes the fingerprint to fpr_r. */
int vkeys_find_desk(struct vkeys *k, const char *address,
    const char *configured_fpr, char fpr_r[41], char **error_r);
/* Makes an ed25519 signing key with a cv25519 encryption subkey and no
 * passphrase for "Vulture desk <address>". */
int vkeys_generate_desk(struct vkeys *k, const char *address,
    char fpr_r[41], char **error_r);

/* The public key fpr (a primary fingerprint) as gpg exports it, minimal
 * (no third-party signatures): armored when armor, else binary, as
 * newly allocated bytes in *out_r. Returns 0, or -1 with *error_r. */
int vkeys_export(gpgme_ctx_t ctx, const char *fpr, int armor,
    GBytes **out_r, char **error_r);

#endif
