/*
 * fuzz_decode: libFuzzer target for vdec_decode.  The GPGME context sits
 * on an empty GNUPGHOME made once, so crypto always fails or finds no key;
 * the fuzzed surface is the prescan, the MIME walk, armor detection,
 * charset conversion and HTML reduction.
 *
 *   sh tests/fuzz/run.sh builds it twice: fuzz_decode runs gpg,
 *   fuzz_decode_fast does not (see VDEC_FUZZ_NO_GPG); tests/fuzz/README
 *   shows longer runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gpgme.h>

#include "vulture/decode.h"
#include "vulture/vcrypto.h"

#ifdef VDEC_FUZZ_NO_GPG
/*
 * Fast variant (fuzz_decode_fast): the linker sends GPGME's operations here
 * (-Wl,--wrap) instead of running gpg, about 10 ms each.  "Decryption"
 * hands the input back as plaintext, so the walk of decrypted content is
 * fuzzed too; nothing is ever signed.
 */
static gpgme_error_t
copy_data(gpgme_data_t in, gpgme_data_t out)
{
	char	buf[4096];
	ssize_t	n;

	if (gpgme_data_seek(in, 0, SEEK_SET) < 0)
		return gpg_error_from_syserror();
	while ((n = gpgme_data_read(in, buf, sizeof(buf))) > 0)
		if (gpgme_data_write(out, buf, (size_t)n) < 0)
			return gpg_error_from_syserror();
	return n < 0 ? gpg_error_from_syserror() : 0;
}

gpgme_error_t	__wrap_gpgme_op_decrypt_verify(gpgme_ctx_t, gpgme_data_t,
		    gpgme_data_t);
gpgme_error_t	__wrap_gpgme_op_verify(gpgme_ctx_t, gpgme_data_t,
		    gpgme_data_t, gpgme_data_t);

gpgme_error_t
__wrap_gpgme_op_decrypt_verify(gpgme_ctx_t c, gpgme_data_t cipher,
    gpgme_data_t plain)
{
	(void)c;
	return copy_data(cipher, plain);
}

gpgme_error_t
__wrap_gpgme_op_verify(gpgme_ctx_t c, gpgme_data_t sig, gpgme_data_t text,
    gpgme_data_t plain)
{
	(void)c;
	(void)text;
	return plain ? copy_data(sig, plain) : 0;
}
#endif

static gpgme_ctx_t	 ctx;
static struct vcrypto	 vc;	/* vdec_gpgme_ops on ctx: what the daemon
				   runs when it has no gpg helper */
static char		*home;

static void
cleanup(void)
{
	gchar	*kill[] = { "gpgconf", "--homedir", home, "--kill",
	    "gpg-agent", NULL };
	gchar	*rm[] = { "rm", "-rf", home, NULL };

	if (ctx)
		gpgme_release(ctx);
	g_spawn_sync(NULL, kill, NULL, G_SPAWN_SEARCH_PATH |
	    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL);
	g_spawn_sync(NULL, rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
	    NULL, NULL, NULL);
	g_free(home);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Under $TMPDIR: tests/fuzz/run.sh points it at its own directory
	 * and ends the gpg-agent it finds there even after a crash. */
	if (vdec_init() < 0 || (home = g_dir_make_tmp("vf.XXXXXX",
	    NULL)) == NULL)
		abort();
	if (gpgme_new(&ctx) != 0 ||
	    gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP) != 0 ||
	    gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL,
	    home) != 0)
		abort();
	vc.ops = &vdec_gpgme_ops;
	vc.impl = ctx;
	atexit(cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vdec_limits	 lim;
	struct vdec_result	*r = NULL;
	const char		*error = NULL;
	volatile size_t		 sink = 0;
	guint			 i;

	vdec_limits_default(&lim);
	/* gpg may unpack a compressed literal packet: keep it cheap. */
	lim.max_decrypted = 1024 * 1024;
	if (vdec_decode(&vc, (const char *)data, size, &lim, &r, &error) < 0) {
		if (error == NULL)
			abort();
		return 0;
	}
	/* Touch what callers read. */
	if (!g_utf8_validate(r->text, r->text_len, NULL) ||
	    strlen(r->text) != r->text_len)
		abort();
	sink += strlen(r->structure->str);
	sink += r->subject ? strlen(r->subject) : 0;
	for (i = 0; i < r->attachments->len; i++) {
		struct vdec_attachment *a = g_ptr_array_index(r->attachments,
		    i);

		sink += g_bytes_get_size(a->data);
		sink += a->filename ? strlen(a->filename) : 0;
	}
	(void)sink;
	vdec_result_free(&r);
	return 0;
}
