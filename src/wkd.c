/*
 * wkd.c: Web Key Directory names for the desk's address.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "vulture/wkd.h"

static const char zb32[] = "ybndrfg8ejkmcpqxot1uwisza345h769";

static int
split(const char *address, const char **at_r)
{
	const char *at = strchr(address, '@');

	if (at == NULL || at == address || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL)
		return -1;
	*at_r = at;
	return 0;
}

int
wkd_hash(const char *address, char hash_r[WKD_HASH_LEN + 1])
{
	GChecksum *sum;
	const char *at;
	guint8 digest[20];
	gsize dlen = sizeof(digest);
	char *local;
	size_t bit, o = 0;

	if (split(address, &at) < 0)
		return -1;
	local = g_ascii_strdown(address, at - address);
	sum = g_checksum_new(G_CHECKSUM_SHA1);
	g_checksum_update(sum, (const guchar *)local, strlen(local));
	g_checksum_get_digest(sum, digest, &dlen);
	g_checksum_free(sum);
	g_free(local);
	/* 160 bits, five at a time, most significant first. */
	for (bit = 0; bit < 160; bit += 5) {
		unsigned v = 0, k;

		for (k = 0; k < 5; k++) {
			size_t b = bit + k;

			v = (v << 1) | ((digest[b / 8] >> (7 - b % 8)) & 1);
		}
		hash_r[o++] = zb32[v];
	}
	hash_r[o] = '\0';
	return 0;
}

int
wkd_paths(const char *address, char **direct_r, char **advanced_r)
{
	char hash[WKD_HASH_LEN + 1];
	const char *at, *p;
	char *domain;

	if (split(address, &at) < 0 || wkd_hash(address, hash) < 0)
		return -1;
	/* The domain becomes a directory name: letters, digits, '-' and
	 * '.', never "." or ".." or a leading dot. */
	for (p = at + 1; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.')
			return -1;
	if (at[1] == '.' || strstr(at + 1, "..") != NULL)
		return -1;
	domain = g_ascii_strdown(at + 1, -1);
	*direct_r = g_strconcat(".well-known/openpgpkey/hu/", hash, NULL);
	*advanced_r = g_strconcat(".well-known/openpgpkey/", domain, "/hu/",
	    hash, NULL);
	g_free(domain);
	return 0;
}
