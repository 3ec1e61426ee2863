/*
 * check_route: route() as a table, on decoded results and facts made by
 * hand: every routing rule and every refusal, without a database or gpg.
 * Each row starts from a good vendor reply (encrypted, signed an hour ago
 * by the pinned key of registered vendor acme, "Case:" and "Status:" for
 * a case acme takes part in) and changes what it says.
 */
#include "config.h"

#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "vulture/route.h"

#define NOW		((int64_t)1800000000)
#define HOUR		((int64_t)3600)
#define DAY		(24 * HOUR)
#define DESK		"desk@cert.example"
#define VENDOR_FPR	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define COORD_FPR	"CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"
#define NEW_FPR		"DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"
#define CASE		"JVNVU#12345678"
#define CASE2		"JVNVU#87654321"
#define OPEN_TITLE	"Buffer overflow in FooHTTP request parsing"
#define FORM		"Case: " CASE "\nStatus: affected\n"
/* text: a line longer than FORM_MAX_LINE (form_parse refuses it). */
#define LONG_LINE	"<long line>"

struct row {
	const char *name;

	/* The message (NULL/0: as in the good reply). */
	int undecodable;
	int plain;		/* not encrypted */
	int undecryptable;
	const char *sig;	/* none bad missing expired revoked sigexp
				   error; NULL: good */
	const char *signer;	/* NULL: VENDOR_FPR */
	int64_t signed_ago;	/* seconds before NOW; 0: an hour */
	const char *text;	/* NULL: FORM */
	const char *clear_text;
	const char *subject_outer, *subject_prot, *to_prot;
	const char *auto_submitted, *precedence, *list_id, *return_path;
	const char *from_addr, *loop;
	const char *cipher;
	int key_attached;

	/* The facts (0/NULL: as for the good reply). */
	const char *vendor_state;	/* "-": the signer is not pinned */
	int case_absent;	/* no such case */
	int not_participant;
	int no_case_facts;	/* the case id was past the facts' limit */
	int64_t first_ago;	/* first notice; 0: a day */
	int64_t last_signed_ago;	/* last reply applied; 0: none */
	int reply_seen, command_seen;
	int open;		/* CASE is open (leak checks) */
	const char *ref_case;
	int64_t ref_vendor;
	const char *key_fpr, *key_refusal;

	/* Expected. */
	enum inbound_action action;
	const char *kind;
	const char *reason;	/* a substring of the reason, or NULL */
	const char *case_id;	/* NULL: not checked; "-": NULL */
};

static const struct row rows[] = {
	{ .name = "a good reply is applied", .action = INBOUND_APPLY,
	  .kind = "applied", .reason = "reply from acme to " CASE,
	  .case_id = CASE },
	{ .name = "undecodable", .undecodable = 1,
	  .action = INBOUND_QUARANTINE, .kind = "undecodable",
	  .reason = "cannot be decoded: test" },

	/* Auto-replies and bounces: recorded, never answered. */
	{ .name = "Auto-Submitted", .auto_submitted = " auto-replied ",
	  .action = INBOUND_IGNORE, .kind = "auto-reply",
	  .reason = "Auto-Submitted: auto-replied" },
	{ .name = "Auto-Submitted: no is a person", .auto_submitted = "No",
	  .action = INBOUND_APPLY, .kind = "applied" },
	{ .name = "Precedence: bulk", .precedence = "bulk",
	  .action = INBOUND_IGNORE, .kind = "auto-reply" },
	{ .name = "Precedence: junk", .precedence = "JUNK",
	  .action = INBOUND_IGNORE, .kind = "auto-reply" },
	{ .name = "null Return-Path", .return_path = "",
	  .action = INBOUND_IGNORE, .kind = "auto-reply",
	  .reason = "bounce" },
	{ .name = "MAILER-DAEMON", .from_addr = "MAILER-DAEMON@mx.example",
	  .action = INBOUND_IGNORE, .kind = "auto-reply",
	  .reason = "bounce" },
	{ .name = "our own loop header", .loop = DESK,
	  .action = INBOUND_IGNORE, .kind = "auto-reply" },
	{ .name = "an auto-reply naming an open case is still ignored",
	  .plain = 1, .auto_submitted = "auto-generated", .open = 1,
	  .text = "Re: " CASE, .action = INBOUND_IGNORE,
	  .kind = "auto-reply" },

	/* Clear text: not encrypted, or a leak. */
	{ .name = "not encrypted", .plain = 1, .text = "hello",
	  .action = INBOUND_QUARANTINE, .kind = "not-encrypted",
	  .case_id = "-" },
	{ .name = "clear text naming an open case", .plain = 1, .open = 1,
	  .text = "about " CASE, .action = INBOUND_QUARANTINE,
	  .kind = "leak", .reason = "clear-text message names the "
	  "embargoed case " CASE, .case_id = CASE },
	{ .name = "clear Subject naming an open case", .plain = 1,
	  .open = 1, .text = "hi", .subject_outer = "Re: [" CASE "] x",
	  .action = INBOUND_QUARANTINE, .kind = "leak", .case_id = CASE },
	{ .name = "clear text naming an open case's title", .plain = 1,
	  .open = 1, .text = "we saw the buffer overflow in foohttp "
	  "REQUEST PARSING today", .action = INBOUND_QUARANTINE,
	  .kind = "leak", .case_id = CASE },
	{ .name = "clear answer to our message about an open case",
	  .plain = 1, .open = 1, .text = "thanks", .ref_case = CASE,
	  .action = INBOUND_QUARANTINE, .kind = "leak", .case_id = CASE },
	{ .name = "clear text naming a case that is not open", .plain = 1,
	  .text = "about " CASE, .action = INBOUND_QUARANTINE,
	  .kind = "not-encrypted" },
	{ .name = "clear list mail is the list's, not ours", .plain = 1,
	  .text = "digest", .list_id = "PSIRT <psirt.acme.example>",
	  .action = INBOUND_IGNORE, .kind = "auto-reply",
	  .reason = "List-Id: PSIRT" },
	{ .name = "clear Precedence: list", .plain = 1, .text = "digest",
	  .precedence = "list", .list_id = "<l.example>",
	  .action = INBOUND_IGNORE, .kind = "auto-reply",
	  .reason = "Precedence: list" },
	{ .name = "clear list mail naming an open case is a leak",
	  .plain = 1, .open = 1, .text = "about " CASE,
	  .list_id = "<l.example>", .action = INBOUND_QUARANTINE,
	  .kind = "leak", .case_id = CASE },

	/* #15: PGP/MIME through a mailing list is read like any other. */
	{ .name = "encrypted list mail from a vendor is applied",
	  .list_id = "PSIRT <psirt.acme.example>", .precedence = "list",
	  .clear_text = "--\npsirt mailing list\nhttps://l.example/\n",
	  .action = INBOUND_APPLY, .kind = "applied", .case_id = CASE },
	{ .name = "a list footer naming an open case is a leak",
	  .list_id = "<l.example>", .open = 1,
	  .clear_text = "list footer: " CASE, .action = INBOUND_QUARANTINE,
	  .kind = "leak", .reason = "outside the encrypted part",
	  .case_id = CASE },

	/* Encrypted. */
	{ .name = "undecryptable", .undecryptable = 1,
	  .action = INBOUND_QUARANTINE, .kind = "undecryptable",
	  .reason = "cannot decrypt: no secret key" },
	{ .name = "undecryptable, an open case in its clear text",
	  .undecryptable = 1, .open = 1, .text = "inline " CASE,
	  .action = INBOUND_QUARANTINE, .kind = "leak", .case_id = CASE },
	{ .name = "clear text beside the ciphertext naming an open case",
	  .open = 1, .clear_text = "see " CASE, .action = INBOUND_QUARANTINE,
	  .kind = "leak" },
	{ .name = "the Subject of our notice is not a leak", .open = 1,
	  .subject_outer = "[" CASE "] notice", .action = INBOUND_APPLY,
	  .kind = "applied" },
	{ .name = "unsigned", .sig = "none", .action = INBOUND_QUARANTINE,
	  .kind = "unsigned", .reason = "encrypted but not signed" },
	{ .name = "bad signature", .sig = "bad",
	  .action = INBOUND_QUARANTINE, .kind = "bad-signature" },
	{ .name = "key missing", .sig = "missing",
	  .action = INBOUND_QUARANTINE, .kind = "unknown-key" },
	{ .name = "expired key", .sig = "expired",
	  .action = INBOUND_QUARANTINE, .kind = "expired-key" },
	{ .name = "revoked key", .sig = "revoked",
	  .action = INBOUND_QUARANTINE, .kind = "revoked-key" },
	{ .name = "expired signature", .sig = "sigexp",
	  .action = INBOUND_QUARANTINE, .kind = "expired-signature" },
	{ .name = "signature error", .sig = "error",
	  .action = INBOUND_QUARANTINE, .kind = "signature-error" },

	/* The signer. */
	{ .name = "a good signature by a key pinned to nobody",
	  .vendor_state = "-", .action = INBOUND_QUARANTINE,
	  .kind = "unknown-key", .reason = "not pinned" },
	{ .name = "suspended vendor", .vendor_state = "suspended",
	  .action = INBOUND_QUARANTINE, .kind = "vendor-suspended" },
	{ .name = "weak cipher", .cipher = "CAST5.CFB",
	  .action = INBOUND_QUARANTINE, .kind = "weak-algorithm",
	  .reason = "CAST5" },
	{ .name = "pending vendor: held", .vendor_state = "pending",
	  .action = INBOUND_QUARANTINE, .kind = "pending-vendor",
	  .reason = "held until a coordinator approves" },
	{ .name = "unregistered vendor: held",
	  .vendor_state = "unregistered", .action = INBOUND_QUARANTINE,
	  .kind = "pending-vendor" },

	/* The form and the case. */
	{ .name = "a form the parser refuses", .text = LONG_LINE,
	  .action = INBOUND_QUARANTINE, .kind = "bad-form",
	  .reason = "the reply form was refused" },
	{ .name = "a key and no form: key change", .key_attached = 1,
	  .text = "Case: " CASE "\n", .action = INBOUND_REGISTER,
	  .kind = "key-change" },
	{ .name = "case by the protected Subject",
	  .subject_prot = "Re: [" CASE "]", .text = "Status: affected\n",
	  .action = INBOUND_APPLY, .kind = "applied", .case_id = CASE },
	{ .name = "protected Subject and Case: disagree",
	  .subject_prot = "Re: [" CASE2 "]", .action = INBOUND_QUARANTINE,
	  .kind = "case-mismatch" },
	{ .name = "Case: not a case id", .text = "Case: JVNVU#123\n"
	  "Status: affected\n", .action = INBOUND_QUARANTINE,
	  .kind = "bad-form", .reason = "is not a case id" },
	{ .name = "case by the quoted notice", .text = "Status: affected\n"
	  "\n> Notice about " CASE "\n", .action = INBOUND_APPLY,
	  .kind = "applied", .case_id = CASE },
	{ .name = "several cases quoted, no Case: line",
	  .text = "Status: affected\n> " CASE " and " CASE2 "\n",
	  .action = INBOUND_QUARANTINE, .kind = "no-case",
	  .reason = "several cases" },
	{ .name = "case only in the outer Subject",
	  .text = "Status: affected\n", .subject_outer = "Re: " CASE,
	  .action = INBOUND_QUARANTINE, .kind = "case-unsigned",
	  .reason = "Case: " CASE },
	{ .name = "case only by In-Reply-To", .text = "Status: affected\n",
	  .ref_case = CASE, .action = INBOUND_QUARANTINE,
	  .kind = "case-unsigned" },
	{ .name = "no case at all", .text = "Status: affected\n",
	  .action = INBOUND_QUARANTINE, .kind = "no-case",
	  .reason = "no case id" },
	{ .name = "past the limit of case ids", .no_case_facts = 1,
	  .action = INBOUND_QUARANTINE, .kind = "no-case",
	  .reason = "more than" },
	{ .name = "unknown case", .case_absent = 1,
	  .action = INBOUND_QUARANTINE, .kind = "unknown-case" },
	{ .name = "not a participant: worded as unknown",
	  .not_participant = 1, .action = INBOUND_QUARANTINE,
	  .kind = "not-participant", .reason = "is not a case you take "
	  "part in" },
	{ .name = "signed before the first notice", .signed_ago = 3 * DAY,
	  .first_ago = DAY, .action = INBOUND_QUARANTINE,
	  .kind = "before-notice" },
	{ .name = "signed a little before the notice (clock skew)",
	  .signed_ago = DAY + 300, .first_ago = DAY,
	  .action = INBOUND_APPLY, .kind = "applied" },
	{ .name = "signed ahead of our clock", .signed_ago = -HOUR,
	  .action = INBOUND_QUARANTINE, .kind = "future-signature" },
	{ .name = "a little ahead of our clock", .signed_ago = -300,
	  .action = INBOUND_APPLY, .kind = "applied" },
	{ .name = "answers a notice sent to another vendor",
	  .ref_case = CASE, .ref_vendor = 99,
	  .action = INBOUND_QUARANTINE, .kind = "wrong-vendor" },
	{ .name = "answers its own notice", .ref_case = CASE,
	  .ref_vendor = 7, .action = INBOUND_APPLY, .kind = "applied" },
	{ .name = "form errors", .text = "Case: " CASE "\nStatus: maybe\n",
	  .action = INBOUND_QUARANTINE, .kind = "bad-form",
	  .reason = "has errors" },
	{ .name = "publication date that is not a date",
	  .text = "Case: " CASE "\nPublication-Date-Request: soonish\n",
	  .action = INBOUND_QUARANTINE, .kind = "bad-form" },
	{ .name = "nothing filled in", .text = "Case: " CASE "\n",
	  .action = INBOUND_QUARANTINE, .kind = "empty-form" },
	{ .name = "the same signed reply again", .reply_seen = 1,
	  .action = INBOUND_QUARANTINE, .kind = "duplicate" },
	{ .name = "signed before the reply recorded", .signed_ago = 2 * HOUR,
	  .last_signed_ago = HOUR, .action = INBOUND_QUARANTINE,
	  .kind = "stale" },
	{ .name = "signed after the reply recorded", .signed_ago = HOUR,
	  .last_signed_ago = 2 * HOUR, .action = INBOUND_APPLY,
	  .kind = "applied" },

	/* Registration by mail. */
	{ .name = "registration, key not yet known", .sig = "missing",
	  .vendor_state = "-", .key_attached = 1,
	  .text = "Organisation: Newco\n", .key_fpr = NEW_FPR,
	  .action = INBOUND_REGISTER, .kind = "registration",
	  .reason = "checked once the key is imported" },
	{ .name = "registration signed by its key", .signer = NEW_FPR,
	  .vendor_state = "-", .key_attached = 1,
	  .text = "Organisation: Newco\n", .key_fpr = NEW_FPR,
	  .action = INBOUND_REGISTER, .kind = "registration" },
	{ .name = "registration with a refused key", .sig = "missing",
	  .vendor_state = "-", .key_attached = 1,
	  .text = "Organisation: Newco\n", .key_refusal = "RSA 1024",
	  .action = INBOUND_QUARANTINE, .kind = "bad-registration",
	  .reason = "RSA 1024" },
	{ .name = "registration signed by another key", .signer = NEW_FPR,
	  .vendor_state = "-", .key_attached = 1,
	  .text = "Organisation: Newco\n", .key_fpr = VENDOR_FPR,
	  .action = INBOUND_QUARANTINE, .kind = "bad-registration",
	  .reason = "but the attached key is" },
	{ .name = "a pinned vendor's key with a registration form",
	  .key_attached = 1, .text = "Organisation: Acme\n",
	  .key_fpr = NEW_FPR, .action = INBOUND_REGISTER,
	  .kind = "key-change" },
	{ .name = "registration unsigned", .sig = "none",
	  .vendor_state = "-", .key_attached = 1,
	  .text = "Organisation: Newco\n", .key_fpr = NEW_FPR,
	  .action = INBOUND_QUARANTINE, .kind = "unsigned" },

	/* Coordinators' commands. */
	{ .name = "a command block", .signer = COORD_FPR,
	  .vendor_state = "-", .text = "desk " DESK "\nvendor approve "
	  "acme\n", .action = INBOUND_COMMAND, .kind = "command" },
	{ .name = "a command block naming the desk in the protected To",
	  .signer = COORD_FPR, .vendor_state = "-",
	  .to_prot = "Desk <" DESK ">", .text = "vendor approve acme\n",
	  .action = INBOUND_COMMAND, .kind = "command" },
	{ .name = "commands seen before", .signer = COORD_FPR,
	  .vendor_state = "-", .command_seen = 1,
	  .text = "desk " DESK "\nvendor approve acme\n",
	  .action = INBOUND_QUARANTINE, .kind = "replay",
	  .reason = "seen before" },
	{ .name = "commands signed too long ago", .signer = COORD_FPR,
	  .vendor_state = "-", .signed_ago = 8 * DAY,
	  .text = "desk " DESK "\nvendor approve acme\n",
	  .action = INBOUND_QUARANTINE, .kind = "replay",
	  .reason = "command_max_age" },
	{ .name = "commands signed ahead of our clock", .signer = COORD_FPR,
	  .vendor_state = "-", .signed_ago = -HOUR,
	  .text = "desk " DESK "\nvendor approve acme\n",
	  .action = INBOUND_QUARANTINE, .kind = "replay" },
	{ .name = "commands not naming the desk", .signer = COORD_FPR,
	  .vendor_state = "-", .to_prot = "other@cert.example",
	  .text = "vendor approve acme\n", .action = INBOUND_QUARANTINE,
	  .kind = "not-to-desk", .reason = "does not name this desk" },
	{ .name = "commands naming another desk", .signer = COORD_FPR,
	  .vendor_state = "-", .text = "desk other@cert.example\n"
	  "vendor approve acme\n", .action = INBOUND_QUARANTINE,
	  .kind = "not-to-desk", .reason = "names the desk "
	  "other@cert.example" },
	{ .name = "a command block the parser refuses whole",
	  .signer = COORD_FPR, .vendor_state = "-",
	  .text = "desk " DESK "\nvendor approve \xff\n",
	  .action = INBOUND_QUARANTINE, .kind = "bad-command" },
	{ .name = "a block with a bad line still runs (the transcript "
	  "says ERROR)", .signer = COORD_FPR, .vendor_state = "-",
	  .text = "desk " DESK "\nfrobnicate\n", .action = INBOUND_COMMAND,
	  .kind = "command" },
	{ .name = "commands with a weak cipher", .signer = COORD_FPR,
	  .vendor_state = "-", .cipher = "3DES.CFB",
	  .text = "desk " DESK "\nvendor approve acme\n",
	  .action = INBOUND_QUARANTINE, .kind = "weak-algorithm" },
	{ .name = "commands in clear", .plain = 1, .signer = COORD_FPR,
	  .vendor_state = "-", .text = "desk " DESK "\nvendor approve "
	  "acme\n", .action = INBOUND_QUARANTINE, .kind = "not-encrypted" },
};

static struct vconf *
test_conf(void)
{
	struct vconf *c = g_new0(struct vconf, 1);

	c->address = g_strdup(DESK);
	c->id_format = g_strdup("JVNVU#%08u");
	c->single_vendor_id_format = g_strdup("JVN#%08u");
	c->tz = g_time_zone_new_utc();
	c->max_clock_skew = 600;
	c->command_max_age = 7 * DAY;
	c->coordinators = g_new0(char *, 2);
	c->coordinators[0] = g_strdup(COORD_FPR);
	c->refuse_ciphers = g_strsplit("3DES;CAST5;BLOWFISH;IDEA", ";", -1);
	c->refuse_hashes = g_strsplit("SHA1;RIPEMD160", ";", -1);
	return c;
}

static void
test_conf_free(struct vconf *c)
{
	g_free(c->address);
	g_free(c->id_format);
	g_free(c->single_vendor_id_format);
	g_time_zone_unref(c->tz);
	g_strfreev(c->coordinators);
	g_strfreev(c->refuse_ciphers);
	g_strfreev(c->refuse_hashes);
	g_free(c);
}

static void
attachment_free(gpointer p)
{
	struct vdec_attachment *a = p;

	g_free(a->filename);
	g_free(a->content_type);
	g_bytes_unref(a->data);
	g_free(a);
}

static enum vdec_sig
sig_of(const char *s)
{
	static const struct { const char *n; enum vdec_sig s; } t[] = {
		{ "none", VDEC_SIG_NONE }, { "bad", VDEC_SIG_BAD },
		{ "missing", VDEC_SIG_KEY_MISSING },
		{ "expired", VDEC_SIG_KEY_EXPIRED },
		{ "revoked", VDEC_SIG_KEY_REVOKED },
		{ "sigexp", VDEC_SIG_SIG_EXPIRED },
		{ "error", VDEC_SIG_ERROR },
	};
	size_t i;

	for (i = 0; s != NULL && i < G_N_ELEMENTS(t); i++)
		if (strcmp(t[i].n, s) == 0)
			return t[i].s;
	return VDEC_SIG_GOOD;
}

static struct vdec_result *
make_result(const struct row *w)
{
	struct vdec_result *r = g_new0(struct vdec_result, 1);
	const char *text = w->text != NULL ? w->text : FORM;

	r->encrypted = !w->plain;
	r->decrypted = !w->plain && !w->undecryptable;
	if (w->undecryptable)
		r->decrypt_error = g_strdup("no secret key");
	r->sig = w->plain && w->signer == NULL ? VDEC_SIG_NONE :
	    w->undecryptable ? VDEC_SIG_NONE : sig_of(w->sig);
	if (r->sig != VDEC_SIG_NONE) {
		r->n_sigs = 1;
		g_strlcpy(r->signer_fpr, r->sig == VDEC_SIG_KEY_MISSING ? "" :
		    w->signer != NULL ? w->signer : VENDOR_FPR,
		    sizeof(r->signer_fpr));
		r->sig_time = NOW - (w->signed_ago != 0 ? w->signed_ago :
		    HOUR);
		memset(r->signed_hash, 'e', 64);
		g_strlcpy(r->hash_algo, "SHA256", sizeof(r->hash_algo));
	}
	if (r->decrypted)
		g_strlcpy(r->cipher_algo, w->cipher ? w->cipher : "AES256.CFB",
		    sizeof(r->cipher_algo));
	r->message_id = g_strdup("reply@acme.example");
	r->from_addr = g_strdup(w->from_addr ? w->from_addr :
	    "psirt@acme.example");
	r->subject_outer = g_strdup(w->subject_outer ? w->subject_outer :
	    "Re: notice");
	r->subject_prot = g_strdup(w->subject_prot);
	r->subject_protected = w->subject_prot != NULL;
	r->subject = g_strdup(w->subject_prot ? w->subject_prot :
	    r->subject_outer);
	r->to_prot = g_strdup(w->to_prot);
	r->auto_submitted = g_strdup(w->auto_submitted);
	r->precedence = g_strdup(w->precedence);
	r->list_id = g_strdup(w->list_id);
	r->return_path = g_strdup(w->return_path);
	r->loop = g_strdup(w->loop);
	if (strcmp(text, LONG_LINE) == 0) {
		GString *s = g_string_new("Case: " CASE "\nComment: ");

		while (s->len < FORM_MAX_LINE + 100)
			g_string_append(s, "overlong ");
		g_string_append_c(s, '\n');
		r->text_len = s->len;
		r->text = g_string_free(s, FALSE);
	} else {
		r->text = g_strdup(text);
		r->text_len = strlen(text);
	}
	r->clear_text = g_strdup(w->clear_text ? w->clear_text : "");
	r->clear_text_len = strlen(r->clear_text);
	r->attachments = g_ptr_array_new_with_free_func(attachment_free);
	if (w->key_attached) {
		struct vdec_attachment *a = g_new0(struct vdec_attachment, 1);

		a->filename = g_strdup("key.asc");
		a->content_type = g_strdup("application/pgp-keys");
		a->data = g_bytes_new_static("key", 3);
		a->is_protected = 1;
		g_ptr_array_add(r->attachments, a);
	}
	return r;
}

static void
make_facts(const struct row *w, struct route_facts *f)
{
	if (w->vendor_state == NULL || strcmp(w->vendor_state, "-") != 0) {
		f->signer_pinned = 1;
		f->vendor_id = 7;
		f->vendor_handle = g_strdup("acme");
		f->vendor_state = g_strdup(w->vendor_state ? w->vendor_state :
		    "registered");
		f->contact = g_strdup("psirt@acme.example");
		f->contact_fpr = g_strdup(VENDOR_FPR);
	}
	if (!w->no_case_facts) {
		const char *ids[] = { CASE, CASE2 };
		size_t i;

		for (i = 0; i < G_N_ELEMENTS(ids); i++) {
			struct route_case *c = g_new0(struct route_case, 1);

			c->id = g_strdup(ids[i]);
			c->exists = !w->case_absent;
			c->participant = !w->case_absent &&
			    !w->not_participant;
			c->first = c->participant ? NOW - (w->first_ago ?
			    w->first_ago : DAY) : 0;
			c->last_reply_signed = w->last_signed_ago ? NOW -
			    w->last_signed_ago : 0;
			g_ptr_array_add(f->cases, c);
		}
	}
	if (w->open) {
		struct route_open_case *o = g_new0(struct route_open_case, 1);

		o->id = g_strdup(CASE);
		o->title = g_strdup(OPEN_TITLE);
		g_ptr_array_add(f->open_cases, o);
	}
	{
		/* Another open case, with a short title that must not
		 * count. */
		struct route_open_case *o = g_new0(struct route_open_case, 1);

		o->id = g_strdup("JVNVU#11112222");
		o->title = g_strdup("thanks");
		g_ptr_array_add(f->open_cases, o);
	}
	f->ref_case = g_strdup(w->ref_case);
	f->ref_vendor = w->ref_vendor != 0 ? w->ref_vendor :
	    w->ref_case != NULL ? 7 : 0;
	f->reply_seen = w->reply_seen;
	f->command_seen = w->command_seen;
	if (w->key_fpr != NULL)
		g_strlcpy(f->key_fpr, w->key_fpr, sizeof(f->key_fpr));
	f->key_refusal = g_strdup(w->key_refusal);
}

START_TEST(test_route_table)
{
	const struct row *w = &rows[_i];
	struct vconf *conf = test_conf();
	struct vdec_result *r = w->undecodable ? NULL : make_result(w);
	struct route_facts f;
	struct inbound_decision *d;

	route_facts_init(&f, conf, NOW);
	make_facts(w, &f);
	d = route(r, "test", &f);
	ck_assert_msg(d != NULL, "%s", w->name);
	ck_assert_msg(d->action == w->action, "%s: action %s, want %s (%s: "
	    "%s)", w->name, inbound_action_name(d->action),
	    inbound_action_name(w->action), d->kind, d->reason);
	ck_assert_msg(strcmp(d->kind, w->kind) == 0, "%s: kind %s, want %s "
	    "(%s)", w->name, d->kind, w->kind, d->reason);
	ck_assert_msg(d->reason != NULL, "%s: no reason", w->name);
	if (w->reason != NULL)
		ck_assert_msg(strstr(d->reason, w->reason) != NULL, "%s: "
		    "reason '%s' lacks '%s'", w->name, d->reason, w->reason);
	if (w->case_id != NULL && strcmp(w->case_id, "-") == 0)
		ck_assert_msg(d->case_id == NULL, "%s: case %s", w->name,
		    d->case_id);
	else if (w->case_id != NULL)
		ck_assert_msg(d->case_id != NULL && strcmp(d->case_id,
		    w->case_id) == 0, "%s: case %s, want %s", w->name,
		    d->case_id ? d->case_id : "(none)", w->case_id);
	if (d->action == INBOUND_APPLY) {
		ck_assert_ptr_nonnull(d->form);
		ck_assert_str_eq(d->vendor, "acme");
		ck_assert_str_eq(d->contact, "psirt@acme.example");
		ck_assert_str_eq(d->contact_fpr, VENDOR_FPR);
		ck_assert_uint_gt(d->changes->len, 0);
	}
	if (d->action == INBOUND_COMMAND)
		ck_assert_ptr_nonnull(d->block);
	inbound_decision_free(&d);
	ck_assert_ptr_null(d);
	route_facts_clear(&f);
	vdec_result_free(&r);
	test_conf_free(conf);
}
END_TEST

/* Facts are the only input besides the message: the same twice gives the
 * same decision, and route() changes neither. */
START_TEST(test_route_pure)
{
	struct row w = { .name = "pure", .open = 1 };
	struct vconf *conf = test_conf();
	struct vdec_result *r = make_result(&w);
	struct route_facts f;
	struct inbound_decision *a, *b;
	char *text = g_strdup(r->text);

	route_facts_init(&f, conf, NOW);
	make_facts(&w, &f);
	a = route(r, NULL, &f);
	b = route(r, NULL, &f);
	ck_assert_str_eq(a->kind, b->kind);
	ck_assert_str_eq(a->reason, b->reason);
	ck_assert_str_eq(r->text, text);
	ck_assert_uint_eq(f.cases->len, 2);
	/* The time is a fact: a week later the same reply is from the
	 * future no more, and a week earlier it is. */
	f.now = NOW - 7 * DAY;
	inbound_decision_free(&b);
	b = route(r, NULL, &f);
	ck_assert_str_eq(b->kind, "future-signature");
	inbound_decision_free(&a);
	inbound_decision_free(&b);
	route_facts_clear(&f);
	vdec_result_free(&r);
	g_free(text);
	test_conf_free(conf);
}
END_TEST

/* The ids whose facts are read: protected Subject, Case: line, then the
 * text's, distinct, bounded. */
START_TEST(test_route_case_ids)
{
	struct row w = { .name = "ids", .subject_prot = "[JVN#00000001]" };
	struct vconf *conf = test_conf();
	struct vdec_result *r;
	GString *t = g_string_new("> JVNVU#00000099\nCase: JVNVU#00000042\n");
	GPtrArray *ids;
	guint i;

	for (i = 0; i < 3 * ROUTE_MAX_CASE_IDS; i++)
		g_string_append_printf(t, "> JVNVU#%08u JVNVU#00000099\n",
		    100 + i);
	w.text = t->str;
	r = make_result(&w);
	ids = route_case_ids(conf, r);
	ck_assert_uint_eq(ids->len, ROUTE_MAX_CASE_IDS);
	ck_assert_str_eq(ids->pdata[0], "JVN#00000001");
	ck_assert_str_eq(ids->pdata[1], "JVNVU#00000042");
	ck_assert_str_eq(ids->pdata[2], "JVNVU#00000099");
	ck_assert_str_eq(ids->pdata[3], "JVNVU#00000100");
	g_ptr_array_unref(ids);
	vdec_result_free(&r);
	g_string_free(t, TRUE);
	test_conf_free(conf);
}
END_TEST

START_TEST(test_route_reply_order)
{
	struct vconf *conf = test_conf();
	struct vdec_result r;
	const char *kind = NULL;
	char *why;

	memset(&r, 0, sizeof(r));
	r.sig_time = NOW;
	ck_assert_ptr_null(route_reply_order(conf, &r, 0, 0, &kind));
	ck_assert_ptr_null(route_reply_order(conf, &r, 0, NOW, &kind));
	ck_assert_ptr_null(route_reply_order(conf, &r, 0, NOW - 1, &kind));
	why = route_reply_order(conf, &r, 0, NOW + 1, &kind);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(kind, "stale");
	g_free(why);
	why = route_reply_order(conf, &r, 1, 0, &kind);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(kind, "duplicate");
	g_free(why);
	/* Unsigned in time: nothing to order by. */
	r.sig_time = 0;
	ck_assert_ptr_null(route_reply_order(conf, &r, 1, NOW, &kind));
	ck_assert_ptr_null(route_reply_order(conf, NULL, 1, NOW, &kind));
	test_conf_free(conf);
}
END_TEST

START_TEST(test_route_wants_key)
{
	struct row w = { .name = "key", .key_attached = 1,
	    .text = "Organisation: Newco\n", .sig = "missing" };
	struct vdec_result *r = make_result(&w);

	ck_assert_int_eq(route_wants_key(r), 1);
	r->sig = VDEC_SIG_BAD;
	ck_assert_int_eq(route_wants_key(r), 0);
	r->sig = VDEC_SIG_GOOD;
	ck_assert_int_eq(route_wants_key(r), 1);
	g_ptr_array_set_size(r->attachments, 0);
	ck_assert_int_eq(route_wants_key(r), 0);
	vdec_result_free(&r);
	w.text = "Status: affected\n";
	r = make_result(&w);
	ck_assert_int_eq(route_wants_key(r), 0);
	vdec_result_free(&r);
}
END_TEST

/* GMime reads the protected To of a command block. */
static void
setup(void)
{
	ck_assert_int_eq(vdec_init(), 0);
}

Suite *
make_route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *tc = tcase_create("route");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_route_table, 0, G_N_ELEMENTS(rows));
	tcase_add_test(tc, test_route_pure);
	tcase_add_test(tc, test_route_case_ids);
	tcase_add_test(tc, test_route_reply_order);
	tcase_add_test(tc, test_route_wants_key);
	suite_add_tcase(s, tc);
	return s;
}
