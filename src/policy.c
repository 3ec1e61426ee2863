/* policy: which OpenPGP algorithms a reply may use; see policy.h. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "vulture/policy.h"

/* GPGME's names (gpgme_hash_algo_name, and the cipher part of
 * symkey_algo), which gpg's --cipher-algo and --digest-algo take too. */
static const char *const ciphers[] = {
	"IDEA", "3DES", "CAST5", "BLOWFISH", "AES", "AES192", "AES256",
	"TWOFISH", "CAMELLIA128", "CAMELLIA192", "CAMELLIA256",
};
static const char *const hashes[] = {
	"MD5", "SHA1", "RIPEMD160", "SHA224", "SHA256", "SHA384", "SHA512",
};

/* Upper case without '-', then the aliases; NULL when not in names. */
static const char *
lookup(const char *const *names, size_t n, const char *in)
{
	char buf[32];
	size_t i, k = 0;

	if (in == NULL)
		return NULL;
	for (i = 0; in[i] != '\0'; i++) {
		if (in[i] == '-')
			continue;
		if (k + 1 >= sizeof(buf))
			return NULL;
		buf[k++] = g_ascii_toupper(in[i]);
	}
	buf[k] = '\0';
	if (strcmp(buf, "AES128") == 0)
		strcpy(buf, "AES");
	else if (strcmp(buf, "RMD160") == 0)
		strcpy(buf, "RIPEMD160");
	for (i = 0; i < n; i++)
		if (strcmp(buf, names[i]) == 0)
			return names[i];
	return NULL;
}

const char *
policy_cipher_name(const char *name)
{
	return lookup(ciphers, G_N_ELEMENTS(ciphers), name);
}

const char *
policy_hash_name(const char *name)
{
	return lookup(hashes, G_N_ELEMENTS(hashes), name);
}

const char *
policy_cipher_names(void)
{
	return "IDEA, 3DES, CAST5, BLOWFISH, AES, AES192, AES256, TWOFISH, "
	    "CAMELLIA128, CAMELLIA192, CAMELLIA256";
}

const char *
policy_hash_names(void)
{
	return "MD5, SHA1, RIPEMD160, SHA224, SHA256, SHA384, SHA512";
}

static int
listed(char *const *list, const char *name)
{
	size_t i;

	for (i = 0; list != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

char *
policy_refusal(char *const *refuse_ciphers, char *const *refuse_hashes,
    const struct vdec_result *r)
{
	GString *why = NULL;
	char cipher[VDEC_CIPHER_LEN];

	/* "CAST5.CFB": the cipher, then the mode. */
	g_strlcpy(cipher, r->cipher_algo, sizeof(cipher));
	cipher[strcspn(cipher, ".")] = '\0';
	if (cipher[0] != '\0' && listed(refuse_ciphers, cipher)) {
		why = g_string_new(NULL);
		g_string_append_printf(why, "The message was encrypted with "
		    "%s, which this desk refuses: please encrypt with AES256 "
		    "or AES, the OpenPGP default (check --cipher-algo and "
		    "personal-cipher-preferences in gpg.conf).", cipher);
	}
	if (r->n_sigs > 0 && r->hash_algo[0] != '\0' &&
	    listed(refuse_hashes, r->hash_algo)) {
		if (why == NULL)
			why = g_string_new(NULL);
		else
			g_string_append_c(why, ' ');
		g_string_append_printf(why, "The message was signed with %s, "
		    "which this desk refuses: please sign with SHA256 or "
		    "SHA512 (check --digest-algo and "
		    "personal-digest-preferences in gpg.conf).",
		    r->hash_algo);
	}
	return why != NULL ? g_string_free(why, FALSE) : NULL;
}

char *
policy_summary(const struct vdec_result *r)
{
	GString *s = g_string_new(NULL);
	guint i;

	g_string_append_printf(s, "cipher=%s; hash=%s; recipients=",
	    r->cipher_algo[0] ? r->cipher_algo : "none",
	    r->n_sigs > 0 && r->hash_algo[0] ? r->hash_algo : "none");
	if (r->recipients == NULL || r->recipients->len == 0)
		g_string_append(s, "none");
	for (i = 0; r->recipients != NULL && i < r->recipients->len; i++)
		g_string_append_printf(s, "%s%s", i ? "," : "",
		    (const char *)r->recipients->pdata[i]);
	return g_string_free(s, FALSE);
}
