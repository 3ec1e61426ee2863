/*
 * gpgme-floor: the benchmark's second floor. The same two operations
 * vultured does per reply -- decrypt+verify the reply, sign+encrypt the
 * answer to the vendor and the desk -- through GPGME, in one small
 * long-lived process with one context and the keys listed once, and no
 * vulture code at all. What vultured costs over this is vulture's own
 * work; what this costs over plain gpg is the price of driving gpg
 * through GPGME (a double fork per gpg run, its status parsing).
 *
 *   gpgme-floor GNUPGHOME DESK_FPR decrypt|sign|both JOBS
 *
 * JOBS: lines "REPLY.asc PLAIN.txt VENDOR_FPR". Built by bench.sh with
 * the C compiler and pkg-config gpgme; not installed. Exit 1 on the
 * first failed operation (the benchmark counts nothing that failed).
 */
#include <gpgme.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEYS 4096

static gpgme_ctx_t ctx;
static struct { char fpr[41]; gpgme_key_t key; } cache[MAX_KEYS];
static int ncache;

static void
die(const char *what, const char *arg, gpgme_error_t err)
{
	fprintf(stderr, "gpgme-floor: %s %s: %s\n", what, arg,
	    gpgme_strerror(err));
	exit(1);
}

/* Listed once, as vultured keeps its keys while the keyring is unchanged. */
static gpgme_key_t
key_for(const char *fpr, int secret)
{
	gpgme_key_t key = NULL;
	gpgme_error_t err;
	int i;

	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i].fpr, fpr) == 0)
			return cache[i].key;
	if (ncache == MAX_KEYS || strlen(fpr) != 40)
		die("key", fpr, gpg_error(GPG_ERR_TOO_LARGE));
	if ((err = gpgme_op_keylist_start(ctx, fpr, secret)) != 0 ||
	    (err = gpgme_op_keylist_next(ctx, &key)) != 0)
		die("key", fpr, err);
	(void)gpgme_op_keylist_end(ctx);
	memcpy(cache[ncache].fpr, fpr, 41);
	cache[ncache].key = key;
	return cache[ncache++].key;
}

int
main(int argc, char **argv)
{
	gpgme_data_t in, out;
	gpgme_key_t keys[3], desk;
	gpgme_error_t err;
	char asc[4096], plain[4096], fpr[64], line[8300];
	int dec, sign;
	FILE *jobs;

	if (argc != 5) {
		fprintf(stderr, "usage: gpgme-floor GNUPGHOME DESK_FPR "
		    "decrypt|sign|both JOBS\n");
		return 2;
	}
	dec = strcmp(argv[3], "decrypt") == 0 || strcmp(argv[3], "both") == 0;
	sign = strcmp(argv[3], "sign") == 0 || strcmp(argv[3], "both") == 0;
	if ((jobs = fopen(argv[4], "r")) == NULL) {
		perror(argv[4]);
		return 2;
	}
	/* As vulture: OpenPGP only, no gpgconf probing. */
	(void)gpgme_set_global_flag("disable-gpgconf", "1");
	gpgme_check_version(NULL);
	setlocale(LC_ALL, "");
	if ((err = gpgme_new(&ctx)) != 0 ||
	    (err = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP,
	    NULL, argv[1])) != 0)
		die("context", argv[1], err);
	gpgme_set_armor(ctx, 1);
	gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	desk = key_for(argv[2], 1);
	while (fgets(line, sizeof(line), jobs) != NULL) {
		if (sscanf(line, "%4095s %4095s %63s", asc, plain, fpr) != 3)
			continue;
		if (dec) {
			if ((err = gpgme_data_new_from_file(&in, asc, 1)) != 0 ||
			    (err = gpgme_data_new(&out)) != 0 ||
			    (err = gpgme_op_decrypt_verify(ctx, in, out)) != 0)
				die("decrypt", asc, err);
			if (gpgme_op_verify_result(ctx) == NULL ||
			    gpgme_op_verify_result(ctx)->signatures == NULL ||
			    gpgme_err_code(gpgme_op_verify_result(ctx)->
			    signatures->status) != GPG_ERR_NO_ERROR)
				die("verify", asc, gpg_error(GPG_ERR_BAD_SIGNATURE));
			gpgme_data_release(in);
			gpgme_data_release(out);
		}
		if (sign) {
			keys[0] = key_for(fpr, 0);
			keys[1] = key_for(argv[2], 0);
			keys[2] = NULL;
			gpgme_signers_clear(ctx);
			if ((err = gpgme_signers_add(ctx, desk)) != 0 ||
			    (err = gpgme_data_new_from_file(&in, plain, 1)) != 0 ||
			    (err = gpgme_data_new(&out)) != 0 ||
			    (err = gpgme_op_encrypt_sign(ctx, keys,
			    GPGME_ENCRYPT_ALWAYS_TRUST, in, out)) != 0)
				die("sign+encrypt", plain, err);
			gpgme_data_release(in);
			gpgme_data_release(out);
		}
	}
	fclose(jobs);
	gpgme_release(ctx);
	return 0;
}
