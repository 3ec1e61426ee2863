/*
 * inbound_decide.c: a stored message decoded, its facts read (the store,
 * and gpg's look at an attached key), then routed (route.c). Changes
 * nothing.
 */
#include "config.h"

#include <string.h>

#include "vulture/inbound.h"
#include "vulture/keys.h"
#include "vulture/notice.h"
#include "vulture/route.h"
#include "vulture/route_facts.h"

#include "inbound_p.h"

/* The attached key of a registration request, as gpg sees it: examined
 * once (a new struct inbound_key, kept for the import), or, when
 * inbound_prepare decides again after importing it, that examination. */
static struct inbound_key *
examine_key(const struct inbound_env *env, const struct vdec_result *r,
    struct route_facts *f)
{
	struct inbound_key *k;

	if (env->key != NULL) {
		g_strlcpy(f->key_fpr, env->key->ex.info.fpr,
		    sizeof(f->key_fpr));
		return NULL;
	}
	k = inbound_examine_attached(env, route_key_attachment(r));
	if (k->why != NULL)
		f->key_refusal = g_strdup(k->why);
	else
		g_strlcpy(f->key_fpr, k->ex.info.fpr, sizeof(f->key_fpr));
	return k;
}

int
inbound_decide_result(const struct inbound_env *env,
    const struct vdec_result *r, const char *undecodable_why, int64_t now,
    struct inbound_decision **d_r, char **error_r)
{
	struct route_facts f;
	int rc;

	*d_r = NULL;
	route_facts_init(&f, env->conf, now);
	/* The form as we sent it: a quoted copy of it is not an answer. */
	if (env->out != NULL && env->out->notices != NULL)
		f.sent_forms = notices_forms(env->out->notices, NULL);
	rc = route_facts_read(env->st, r, &f, error_r);
	if (rc == STORE_OK) {
		/* gpg looks at the key only when it can matter: not for a
		 * key already pinned or a coordinator's. */
		struct inbound_key *key = NULL;

		if (r != NULL && route_wants_key(r) && !f.signer_pinned &&
		    !route_is_coordinator(env->conf, r->signer_fpr))
			key = examine_key(env, r, &f);
		*d_r = route(r, undecodable_why, &f);
		/* A registration keeps the examination for its import. */
		if (key != NULL && (*d_r)->action == INBOUND_REGISTER &&
		    strcmp((*d_r)->kind, "registration") == 0) {
			(*d_r)->key = key;
			(*d_r)->key_free = inbound_key_free;
		} else
			inbound_key_free(&key);
	}
	route_facts_clear(&f);
	return rc;
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
	rc = inbound_decide_result(env, vrc < 0 ? NULL : r, derr, now, d_r,
	    error_r);
	if (dec_r != NULL)
		*dec_r = r;
	else
		vdec_result_free(&r);
	return rc;
}
