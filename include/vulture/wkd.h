/* Web Key Directory (draft-koch-openpgp-webkey-service): where the
 * desk's key is found by mail clients that look an address up over
 * HTTPS. Pure: names only, no I/O. */
#ifndef VULTURE_WKD_H
#define VULTURE_WKD_H

#include <stddef.h>

#define WKD_HASH_LEN 32		/* z-base-32 of a SHA-1: 160 bits */

/*
 * The WKD hash of address's local part: SHA-1 of the local part in ASCII
 * lower case, z-base-32 encoded, as `gpg-wks-client --print-wkd-hash`
 * prints it. hash_r holds WKD_HASH_LEN + 1 bytes. Returns 0, or -1 when
 * address is not local@domain (no '@', empty part, more than one '@').
 */
int wkd_hash(const char *address, char hash_r[WKD_HASH_LEN + 1]);

/*
 * The two paths of the key under a site's root (newly allocated, g_free):
 * the direct method's ".well-known/openpgpkey/hu/HASH" and the advanced
 * method's ".well-known/openpgpkey/DOMAIN/hu/HASH" (DOMAIN in lower
 * case), which a server answering for openpgpkey.DOMAIN serves. The
 * directory holding "hu" also needs a "policy" file. Returns 0, or -1
 * for an address wkd_hash() refuses or a domain that cannot name a
 * directory.
 */
int wkd_paths(const char *address, char **direct_r, char **advanced_r);

#endif
