/*
 * policy: which OpenPGP algorithms a reply may use, as [policy] in the
 * configuration says (refuse_ciphers, refuse_hashes).  Pure functions of
 * their arguments: no I/O, no logging, no gpg.
 */
#ifndef VULTURE_POLICY_H
#define VULTURE_POLICY_H

#include "vulture/decode.h"

/* The defaults of [policy]: the 64-bit block ciphers (Sweet32) and IDEA,
 * and the hashes with practical collisions or near them.  MD5 is refused
 * by gpg itself (the signature does not verify). */
#define POLICY_REFUSE_CIPHERS	"3DES;CAST5;BLOWFISH;IDEA"
#define POLICY_REFUSE_HASHES	"SHA1;RIPEMD160"

/* The name of a symmetric cipher or a hash algorithm as GPGME writes it
 * (the first part of vdec_result.cipher_algo, vdec_result.hash_algo):
 * "AES", "AES256", "CAST5"...; "SHA256", "SHA1", "RIPEMD160"...  From
 * how the configuration may write it: any case, '-' ignored, AES128 for
 * AES and RMD160 for RIPEMD160.  Returns a static string, or NULL when
 * the name is not one of OpenPGP's. */
const char *policy_cipher_name(const char *name);
const char *policy_hash_name(const char *name);

/* The names policy_*_name() knows, separated by ", " (static): for
 * messages. */
const char *policy_cipher_names(void);
const char *policy_hash_names(void);

/*
 * Whether the desk accepts how reply r was protected.  Judged:
 *   - r->cipher_algo (when not ""): its cipher, the part before '.',
 *     against refuse_ciphers ([policy] refuse_ciphers, NULL-terminated);
 *   - r->hash_algo, when r->n_sigs > 0 and it is not "": against
 *     refuse_hashes.
 * What gpg did not name ("") is not judged: a message that could not be
 * decrypted or verified is refused for that, elsewhere.  Neither the
 * signature's status nor the signer matter here.
 *
 * Returns NULL when acceptable; else why not, one or two English
 * sentences for the vendor that name the algorithm and what to use
 * instead (newly allocated: g_free).
 */
char	*policy_refusal(char *const *refuse_ciphers,
	    char *const *refuse_hashes, const struct vdec_result *r);

/* How r was protected, for an event or a log line:
 * "cipher=AES256.CFB; hash=SHA512; recipients=0123456789ABCDEF,..."
 * with "none" for what is absent (newly allocated: g_free).  Holds key
 * ids and algorithm names only. */
char	*policy_summary(const struct vdec_result *r);

#endif /* VULTURE_POLICY_H */
