/* OpenPGP keys through GPGME, in the desk's GNUPGHOME (from the
 * configuration; the environment's GNUPGHOME is not used). One context,
 * reused. Vendors are trusted by pinned primary fingerprint, not by the web
 * of trust. */
#ifndef VULTURE_KEYS_H
#define VULTURE_KEYS_H

#include <glib.h>
#include <gpgme.h>
#include <stddef.h>
#include <stdint.h>

#define VKEYS_MAX_FILE (1024 * 1024)	/* bytes of a key file */

struct vkeys;

struct vkey_info {
	char fpr[41];		/* primary fingerprint, upper-case hex */
	int64_t expires;	/* primary key expiry, 0: never */
	char *uid;		/* owned: first user id, may be NULL */
	GPtrArray *emails;	/* owned, of char *: every uid's address */
};

void vkey_info_clear(struct vkey_info *info);

/* Returns 0, or -1 with *error_r newly allocated. */
int vkeys_open(const char *gnupghome, struct vkeys **k_r, char **error_r);
void vkeys_close(struct vkeys **k);
gpgme_ctx_t vkeys_ctx(struct vkeys *k);		/* foreign */
/* The key cache of vkeys_ctx() for composing (compose.h), foreign. */
struct compose_keys *vkeys_cache(struct vkeys *k);

/* gpgme_get_key() on ctx itself: one key matching pattern (a fingerprint),
 * *key_r a new reference. gpgme_get_key makes a context of its own, and each
 * new context with a home directory costs a `gpg --version` (5 ms on the
 * test machine) before the listing. Returns GPGME's error: EOF for no key,
 * AMBIGUOUS_NAME for more than one. Replaces ctx's last results. */
gpgme_error_t vkeys_get(gpgme_ctx_t ctx, const char *pattern, int secret,
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
/* vkeys_check, then import into the keyring. */
int vkeys_import(gpgme_ctx_t ctx, const void *data, size_t len,
    struct vkey_info *info, char **error_r);

/* Finds the desk key: the configured fingerprint, or else the one secret key
 * whose user id is address. Writes the fingerprint to fpr_r. */
int vkeys_find_desk(struct vkeys *k, const char *address,
    const char *configured_fpr, char fpr_r[41], char **error_r);
/* Makes an ed25519 signing key with a cv25519 encryption subkey and no
 * passphrase for "Vulture desk <address>". */
int vkeys_generate_desk(struct vkeys *k, const char *address,
    char fpr_r[41], char **error_r);

#endif
