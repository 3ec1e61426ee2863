/*
 * inbound_decide.c: a stored message decoded, its facts read (the store,
 * and gpg's look at an attached key), then routed (route.c). Changes
 * nothing.
 */
#include "config.h"

#include <string.h>

#include "vulture/inbound.h"
#include "vulture/keys.h"
#include "vulture/route.h"
#include "vulture/route_facts.h"

#include "inbound_p.h"

/* The attached key of a registration request, as gpg sees it. */
static void
examine_key(const struct inbound_env *env, const struct vdec_result *r,
    struct route_facts *f)
{
	const struct vdec_attachment *a = route_key_attachment(r);
	struct vkey_info info;
	const void *data;
	gsize len;

	data = g_bytes_get_data(a->data, &len);
	if (vkeys_examine(env->ctx, NULL, data, len, &info, &f->key_refusal)
	    == -1)
		return;
	g_strlcpy(f->key_fpr, info.fpr, sizeof(f->key_fpr));
	vkey_info_clear(&info);
}

int
inbound_decide(const struct inbound_env *env, const char *raw, size_t len,
    int64_t now, struct vdec_result **dec_r, struct inbound_decision **d_r,
    char **error_r)
{
	GMimeStream *s = spill_view(raw, len);
	int rc;

	rc = inbound_decide_stream(env, s, now, dec_r, d_r, error_r);
	spill_view_release(s);
	return rc;
}

int
inbound_decide_stream(const struct inbound_env *env, GMimeStream *raw,
    int64_t now, struct vdec_result **dec_r, struct inbound_decision **d_r,
    char **error_r)
{
	struct vdec_limits lim;
	struct vdec_result *r = NULL;
	struct vcrypto here = { &vdec_gpgme_ops, env->ctx };
	struct route_facts f;
	const char *derr = NULL;
	char *dir;
	int rc, vrc;

	*d_r = NULL;
	if (dec_r != NULL)
		*dec_r = NULL;
	vdec_limits_default(&lim);
	lim.max_message = env->conf->max_message_size;
	dir = inbound_spill_dir(env->conf);
	lim.spill_dir = dir;
	vrc = vdec_decode_stream(env->crypto != NULL ? env->crypto : &here,
	    raw, &lim, &r, &derr);
	g_free(dir);
	if (vrc == VDEC_TEMPFAIL) {
		*error_r = g_strdup_printf("decoding: %s", derr);
		return STORE_TEMP;
	}
	route_facts_init(&f, env->conf, now);
	rc = route_facts_read(env->st, vrc < 0 ? NULL : r, &f, error_r);
	if (rc == STORE_OK) {
		/* gpg looks at the key only when it can matter: not for a
		 * key already pinned or a coordinator's. */
		if (vrc == 0 && route_wants_key(r) && !f.signer_pinned &&
		    !route_is_coordinator(env->conf, r->signer_fpr))
			examine_key(env, r, &f);
		*d_r = route(vrc < 0 ? NULL : r, derr, &f);
	}
	route_facts_clear(&f);
	if (dec_r != NULL)
		*dec_r = r;
	else
		vdec_result_free(&r);
	return rc;
}
