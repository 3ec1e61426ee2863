/* ident: what an identifier is, in one place. Vendor handles, mail
 * addresses, case ids, OpenPGP fingerprints and key ids, keywords and
 * sectors: every module that takes one from a person, a mail or the
 * store asks here, so that what one module accepts another never refuses
 * (a handle used to be 32 bytes in one place and 64 in another; three
 * address checks accepted different things). Pure functions, no I/O.
 * Each returns 1 when s is one, else 0; NULL is never one.
 * ids.h keeps the case id *formats* (JVNVU#%08u); this is the syntax any
 * id of any format has. */
#ifndef VULTURE_IDENT_H
#define VULTURE_IDENT_H

#include <stddef.h>

#define IDENT_MAX_HANDLE	32	/* bytes of a vendor handle */
#define IDENT_MAX_ADDRESS	254	/* bytes of an addr-spec (RFC 5321) */
#define IDENT_MAX_LABEL		63	/* bytes of one domain label */
#define IDENT_MAX_KEYWORD	64	/* bytes of a keyword */
#define IDENT_MAX_CASE_ID	63	/* bytes of a case id (ids.h: with
					 * its NUL, IDS_MAX_LEN) */
#define IDENT_FPR_LEN		40	/* hex digits of a v4 fingerprint */
#define IDENT_FPR_V5_LEN	64	/* hex digits of a v5/v6 one */
#define IDENT_KEYID_LEN		16	/* hex digits of a long key id */

/* The sectors, for messages: "telecom, finance, ...". */
#define IDENT_SECTORS	"telecom, finance, aviation, railway, " \
	"electricity, gas, medical, water, logistics"

/* A vendor handle: a lower-case ASCII letter, then lower-case letters,
 * digits, '.', '_' and '-'; at most IDENT_MAX_HANDLE bytes. Handles name
 * files of the published site: no '/', no leading '.'. */
int ident_handle_ok(const char *h);

/* A mail address as vulture stores and sends to it: local@domain, ASCII,
 * at most IDENT_MAX_ADDRESS bytes. The local part is an RFC 5322
 * dot-atom (atext and single dots inside: no quotes, spaces, brackets,
 * comments, ':' or a second '@'); the domain is two or more LDH labels
 * (letters, digits, '-' inside) of at most IDENT_MAX_LABEL bytes each:
 * no IP literals, no dotless host ("a@localhost"). */
int ident_address_ok(const char *a);

/* As ident_address_ok() on the len bytes at s (no NUL needed). */
int ident_address_span_ok(const char *s, size_t len);

/* A keyword (vendor keywords, notify lists): ASCII letters, digits and
 * - _ . + /; 1 to IDENT_MAX_KEYWORD bytes. Case is the caller's: the
 * store keeps keywords lower-cased. */
int ident_keyword_ok(const char *k);

/* One of the IDENT_SECTORS, exactly (lower case). */
int ident_sector_ok(const char *s);

/* The sector equal to s ignoring ASCII case, as a static string, or
 * NULL. */
const char *ident_sector_find(const char *s);

/* A case id of any format: an ASCII letter or digit, then letters,
 * digits, '#', '.', '_' and '-', no "..", at most IDENT_MAX_CASE_ID
 * bytes. Ids name directories of the site and stand in Subjects. Whether
 * it is one of *this* desk's formats is ids_match(). */
int ident_case_id_ok(const char *s);

/* Exactly n hex digits (either case) and then the NUL. */
int ident_hex_ok(const char *s, size_t n);

/* A full OpenPGP fingerprint as programs pass one: IDENT_FPR_LEN hex
 * digits, either case. Only v4: GnuPG 2.2 makes no other keys, and every
 * buffer of the program holds 40 digits. A v5/v6 fingerprint (64 digits)
 * is not one; ident_fpr_parse() says why. */
int ident_fpr_ok(const char *s);

/* A fingerprint or a long key id (IDENT_KEYID_LEN hex digits): what a
 * signature names its issuer by. */
int ident_fpr_or_keyid_ok(const char *s);

/* A fingerprint as a person writes one (len bytes at s, no NUL needed):
 * an optional "0x", then hex digits in any case with spaces or tabs
 * anywhere between them (gpg prints groups of four). Writes the 40
 * digits upper-cased and a NUL into out and returns 0; else -1 and, when
 * error_r is not NULL, a static reason in *error_r. */
int ident_fpr_parse(const char *s, size_t len, char out[IDENT_FPR_LEN + 1],
    const char **error_r);

/* As ident_fpr_parse(), the 40 digits newly allocated (g_free), or
 * NULL. */
char *ident_fpr_parse_dup(const char *s, size_t len);

#endif /* VULTURE_IDENT_H */
