/* check_policy: policy_refusal() and the algorithm names, on results made
 * by hand (check_decode's test_algorithms runs it on what gpg made). */
#include "config.h"

#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "vulture/config.h"
#include "vulture/policy.h"

struct refusal_case {
	const char	*ciphers;	/* ;-list as in the configuration */
	const char	*hashes;
	const char	*cipher_algo;	/* vdec_result fields */
	const char	*hash_algo;
	unsigned	 n_sigs;
	const char	*want;		/* NULL: accepted; else a substring */
	const char	*not_want;	/* must not be in the reason */
};

#define DC	POLICY_REFUSE_CIPHERS
#define DH	POLICY_REFUSE_HASHES

static const struct refusal_case refusal_cases[] = {
	/* What GnuPG 2.2 and 2.4 make by default. */
	{ DC, DH, "AES256.CFB", "SHA256", 1, NULL, NULL },
	{ DC, DH, "AES256.OCB", "SHA512", 1, NULL, NULL },
	{ DC, DH, "AES.CFB", "SHA384", 1, NULL, NULL },
	/* Each default refusal. */
	{ DC, DH, "3DES.CFB", "SHA256", 1, "encrypted with 3DES", "signed" },
	{ DC, DH, "CAST5.CFB", "SHA256", 1, "encrypted with CAST5, which "
	    "this desk refuses: please encrypt with AES256", NULL },
	{ DC, DH, "BLOWFISH.CFB", "", 0, "encrypted with BLOWFISH", NULL },
	{ DC, DH, "IDEA.CFB", "SHA256", 1, "encrypted with IDEA", NULL },
	{ DC, DH, "AES256.CFB", "SHA1", 1, "signed with SHA1, which this "
	    "desk refuses: please sign with SHA256", "encrypted" },
	{ DC, DH, "", "RIPEMD160", 1, "signed with RIPEMD160", NULL },
	/* Both: one reason naming both. */
	{ DC, DH, "CAST5.CFB", "SHA1", 1, "encrypted with CAST5", NULL },
	{ DC, DH, "CAST5.CFB", "SHA1", 1, "signed with SHA1", NULL },
	/* What gpg did not name is not judged: not decrypted, no
	 * signature (a stale hash without n_sigs is ignored). */
	{ DC, DH, "", "", 0, NULL, NULL },
	{ DC, DH, "", "", 1, NULL, NULL },
	{ DC, DH, "AES256.CFB", "SHA1", 0, NULL, NULL },
	/* The mode does not matter, the cipher does: no prefix match. */
	{ "AES", "", "AES256.CFB", "SHA1", 1, NULL, NULL },
	{ "AES", "", "AES.OCB", "SHA1", 1, "encrypted with AES,", NULL },
	{ "", "SHA256", "AES256.CFB", "SHA256", 1, "signed with SHA256",
	    NULL },
	/* Empty lists accept everything. */
	{ "", "", "3DES.CFB", "SHA1", 1, NULL, NULL },
	{ "", "", "IDEA.CFB", "MD5", 1, NULL, NULL },
	/* A cipher list does not refuse hashes and the other way round. */
	{ "SHA1", "CAST5", "CAST5.CFB", "SHA1", 1, NULL, NULL },
};

START_TEST(test_refusal)
{
	const struct refusal_case *x = &refusal_cases[_i];
	struct vdec_result r;
	struct vconf conf;
	char *why;

	memset(&conf, 0, sizeof(conf));
	memset(&r, 0, sizeof(r));
	conf.refuse_ciphers = *x->ciphers ? g_strsplit(x->ciphers, ";", -1) :
	    g_new0(char *, 1);
	conf.refuse_hashes = *x->hashes ? g_strsplit(x->hashes, ";", -1) :
	    g_new0(char *, 1);
	g_strlcpy(r.cipher_algo, x->cipher_algo, sizeof(r.cipher_algo));
	g_strlcpy(r.hash_algo, x->hash_algo, sizeof(r.hash_algo));
	r.n_sigs = x->n_sigs;
	why = policy_refusal(conf.refuse_ciphers, conf.refuse_hashes, &r);
	if (x->want == NULL)
		ck_assert_msg(why == NULL, "row %d: %s", _i, why);
	else {
		ck_assert_msg(why != NULL, "row %d: accepted", _i);
		ck_assert_msg(strstr(why, x->want) != NULL, "row %d: %s", _i,
		    why);
		/* One line for the vendor's acknowledgement. */
		ck_assert_ptr_null(strchr(why, '\n'));
	}
	if (x->not_want != NULL && why != NULL)
		ck_assert_msg(strstr(why, x->not_want) == NULL, "row %d: %s",
		    _i, why);
	g_free(why);
	g_strfreev(conf.refuse_ciphers);
	g_strfreev(conf.refuse_hashes);
}
END_TEST

/* NULL lists (a configuration made by hand) refuse nothing. */
START_TEST(test_null_lists)
{
	struct vdec_result r;
	struct vconf conf;

	memset(&conf, 0, sizeof(conf));
	memset(&r, 0, sizeof(r));
	strcpy(r.cipher_algo, "CAST5.CFB");
	strcpy(r.hash_algo, "SHA1");
	r.n_sigs = 1;
	ck_assert_ptr_null(policy_refusal(conf.refuse_ciphers, conf.refuse_hashes, &r));
}
END_TEST

static const struct {
	const char *in, *cipher, *hash;
} name_cases[] = {
	{ "CAST5", "CAST5", NULL },
	{ "cast5", "CAST5", NULL },
	{ "Cast-5", "CAST5", NULL },
	{ "3des", "3DES", NULL },
	{ "AES128", "AES", NULL },
	{ "aes-256", "AES256", NULL },
	{ "camellia256", "CAMELLIA256", NULL },
	{ "SHA-1", NULL, "SHA1" },
	{ "rmd160", NULL, "RIPEMD160" },
	{ "RIPEMD-160", NULL, "RIPEMD160" },
	{ "sha512", NULL, "SHA512" },
	{ "", NULL, NULL },
	{ "-", NULL, NULL },
	{ "ROT13", NULL, NULL },
	{ "AES2566", NULL, NULL },
	{ "SHA1 ", NULL, NULL },
	{ "CAST5CAST5CAST5CAST5CAST5CAST5CAST5CAST5", NULL, NULL },
};

START_TEST(test_names)
{
	const char *c = policy_cipher_name(name_cases[_i].in);
	const char *h = policy_hash_name(name_cases[_i].in);

	if (name_cases[_i].cipher == NULL)
		ck_assert_msg(c == NULL, "%s: %s", name_cases[_i].in, c);
	else
		ck_assert_str_eq(c, name_cases[_i].cipher);
	if (name_cases[_i].hash == NULL)
		ck_assert_msg(h == NULL, "%s: %s", name_cases[_i].in, h);
	else
		ck_assert_str_eq(h, name_cases[_i].hash);
}
END_TEST

/* The names the messages list are the names accepted, and the defaults
 * are among them. */
START_TEST(test_name_lists)
{
	char **v;
	int i;

	v = g_strsplit(policy_cipher_names(), ", ", -1);
	for (i = 0; v[i] != NULL; i++)
		ck_assert_str_eq(policy_cipher_name(v[i]), v[i]);
	ck_assert_int_eq(i, 11);
	g_strfreev(v);
	v = g_strsplit(policy_hash_names(), ", ", -1);
	for (i = 0; v[i] != NULL; i++)
		ck_assert_str_eq(policy_hash_name(v[i]), v[i]);
	ck_assert_int_eq(i, 7);
	g_strfreev(v);
	v = g_strsplit(POLICY_REFUSE_CIPHERS, ";", -1);
	for (i = 0; v[i] != NULL; i++)
		ck_assert_ptr_nonnull(policy_cipher_name(v[i]));
	g_strfreev(v);
	v = g_strsplit(POLICY_REFUSE_HASHES, ";", -1);
	for (i = 0; v[i] != NULL; i++)
		ck_assert_ptr_nonnull(policy_hash_name(v[i]));
	g_strfreev(v);
}
END_TEST

START_TEST(test_summary)
{
	struct vdec_result r;
	char *s;

	memset(&r, 0, sizeof(r));
	r.recipients = g_ptr_array_new_with_free_func(g_free);
	s = policy_summary(&r);
	ck_assert_str_eq(s, "cipher=none; hash=none; recipients=none");
	g_free(s);
	strcpy(r.cipher_algo, "AES256.CFB");
	strcpy(r.hash_algo, "SHA512");
	r.n_sigs = 1;
	g_ptr_array_add(r.recipients, g_strdup("0123456789ABCDEF"));
	g_ptr_array_add(r.recipients, g_strdup("FEDCBA9876543210"));
	s = policy_summary(&r);
	ck_assert_str_eq(s, "cipher=AES256.CFB; hash=SHA512; "
	    "recipients=0123456789ABCDEF,FEDCBA9876543210");
	g_free(s);
	g_ptr_array_unref(r.recipients);
}
END_TEST

Suite *
make_policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");

	tcase_add_loop_test(tc, test_refusal, 0,
	    G_N_ELEMENTS(refusal_cases));
	tcase_add_test(tc, test_null_lists);
	tcase_add_loop_test(tc, test_names, 0, G_N_ELEMENTS(name_cases));
	tcase_add_test(tc, test_name_lists);
	tcase_add_test(tc, test_summary);
	suite_add_tcase(s, tc);
	return s;
}
