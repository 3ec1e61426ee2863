/*
 * Internals shared by decode.c, decode_mime.c and decode_pgp.c.
 * Everything here works on bytes in memory or GMime streams read in
 * place; decode.c reaches OpenPGP only through a struct vcrypto, and only
 * decode_pgp.c (one implementation of it) runs gpg.
 */
#ifndef VULTURE_DECODE_P_H
#define VULTURE_DECODE_P_H

#include <stddef.h>

#include <glib.h>
#include <gpgme.h>

#include <gmime/gmime.h>

#include "vulture/decode.h"
#include "vulture/spill.h"

/* GMime compares every line that starts with "--" against each open
 * boundary: bound (such lines) x (boundary declarations) so that a small
 * message cannot make the parser spin for seconds. */
#define VDEC_PRESCAN_BUDGET	(64u * 1024 * 1024)
/* Distinct boundaries remembered by the prescan; past this it falls back
 * to counting every line that starts with "--". */
#define VDEC_PRESCAN_BOUNDARIES	64u

/* decode_mime.c */

/*
 * Cheap checks on raw bytes before GMime sees them: first line is a
 * header field (after an optional mbox "From " line), the first header
 * block fits max_header_bytes, and the number of boundary delimiter lines
 * and boundary declarations cannot make more than max_parts entities or
 * quadratic parser work.  Returns 0, or -1 with *error_r (static).
 * *start_r is the offset after the skipped "From " line.
 */
int	vdec_prescan(const char *raw, size_t len, const struct vdec_limits *lim,
	    size_t *start_r, const char **error_r);
/* The same over s from its position to its end, reading through a window
 * of LINES_WINDOW bytes (a longer line is seen in pieces); *start_r is a
 * stream offset. s is left at an unspecified position. */
int	vdec_prescan_stream(GMimeStream *s, const struct vdec_limits *lim,
	    gint64 *start_r, const char **error_r);


/* Appends in (in charset, NULL when unknown) to out as UTF-8; invalid
 * bytes become U+FFFD, an unknown charset is guessed among UTF-8,
 * ISO-2022-JP, EUC-JP, CP932 and ISO-8859-1.  Returns 0, or -1 once out
 * would pass cap (out is then left at cap or below). */
int	vdec_to_utf8(const char *in, size_t len, const char *charset,
	    GString *out, size_t cap);

/* Reduces UTF-8 HTML to text and appends it to out: tags dropped,
 * entities decoded, line breaks at block elements, script/style/title
 * content and (with skip_legacy) the RFC 9788 legacy display <div>
 * dropped.  Output is never longer than 2 * len + 1. */
/* Undoes format=flowed (RFC 3676) on UTF-8 text, appending to out: soft
 * line breaks (a line ending in a space) are joined to the next line of
 * the same quote depth, space-stuffing is removed, and with delsp the
 * space before a soft break goes too. "-- " stays a line of its own.
 * Quoted lines keep their '>' marks. out grows by at most len + 1. */
void	vdec_unflow(const char *in, size_t len, int delsp, GString *out);
void	vdec_html_to_text(const char *in, size_t len, int skip_legacy,
	    GString *out);

enum vdec_armor {
	VDEC_ARMOR_NONE,
	VDEC_ARMOR_MESSAGE,	/* -----BEGIN PGP MESSAGE----- */
	VDEC_ARMOR_SIGNED	/* -----BEGIN PGP SIGNED MESSAGE----- */
};

/* Finds the first armor block starting at a line start (leading blanks
 * allowed).  [*start_r, *end_r) spans the BEGIN line through the END line
 * (or the end of buf when the END line is missing). */
enum vdec_armor vdec_find_armor(const char *buf, size_t len,
	    size_t *start_r, size_t *end_r);

/* What the start of an OpenPGP message is (binary, or armored at the
 * start of buf after blanks). */
enum vdec_pgp {
	VDEC_PGP_NONE,		/* not OpenPGP, as far as the start
				   shows */
	VDEC_PGP_PUBKEY,	/* encrypted, to at least one public key */
	VDEC_PGP_PASSPHRASE,	/* encrypted to passphrases only (gpg
				   --symmetric) */
	VDEC_PGP_OTHER		/* signed, compressed or literal data */
};

/* Reads the packet headers at the start of buf (at most the first 1 KB
 * of an armored message is decoded).  *armored_r (may be NULL): 1 when
 * buf is armored. */
enum vdec_pgp vdec_pgp_sniff(const char *buf, size_t len, int *armored_r);

/* 1 when the text before buf + start is the header of a quoted message
 * (an Outlook separator or From:/Sent: block, or an attribution line
 * such as "On ... wrote:" that no '>'-marked quote followed): what
 * comes at start is quoted, not the sender's own. */
int	vdec_armor_quoted(const char *buf, size_t start);

/* Rebuilds a PGP MESSAGE armor block that mail clients or HTML reduction
 * reflowed: blanks trimmed, empty lines dropped, armor headers kept.
 * *charset_r (owned, may be NULL) is the Charset armor header.  Returns a
 * new string (owned). */
GString *vdec_armor_normalize(const char *blk, size_t len, char **charset_r);

/* Locates the first body part of a multipart/signed entity whose raw
 * bytes (header first) are [raw, raw + len): *start_r is the first byte
 * after the first delimiter line, *end_r the byte before the line break
 * that precedes the next delimiter.  Returns 0, or -1 when the
 * delimiters are not there. */
int	vdec_signed_span(const char *raw, size_t len, const char *boundary,
	    size_t *start_r, size_t *end_r);
/* The same over s from its position; offsets are stream offsets. */
int	vdec_signed_span_stream(GMimeStream *s, const char *boundary,
	    gint64 *start_r, gint64 *end_r);

/* Returns a copy (owned, NUL-terminated) with every bare LF turned into
 * CRLF, as RFC 3156 requires for signed data. */
char	*vdec_crlf(const char *in, size_t len, size_t *out_len_r);

/* Returns the length of an RFC 9788 / protected-headers legacy display
 * block at the start of text ("Subject: ..." lines then a blank line),
 * or 0.  With must_subject, the block must repeat subject. */
size_t	vdec_legacy_display_len(const char *text, size_t len,
	    const char *subject, int must_subject);

/* Returns a copy (owned) of s with control characters turned into spaces,
 * invalid UTF-8 repaired, blanks trimmed, cut to at most max bytes on a
 * character boundary.  NULL stays NULL. */
char	*vdec_clean(const char *s, size_t max);

/* Returns a safe single path component (owned) from an attachment name,
 * or NULL for none, ".", "..". */
char	*vdec_clean_filename(const char *name);

/* Frees a g_malloc'ed buffer after zeroing len bytes of it. */
void	vdec_zfree(void *p, size_t len);

/* decode_pgp.c: vdec_gpgme_ops (decode.h), the in-process implementation
 * of vcrypto.h's decryption and verification. */

#endif /* VULTURE_DECODE_P_H */
