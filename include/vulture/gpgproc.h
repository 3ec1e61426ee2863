/* gpgproc: the two GPGME operations of every reply -- decrypting it and
 * signing+encrypting the answer -- run in a small helper process instead
 * of the daemon.
 *
 * Why: GPGME 1.18 starts each gpg with fork(), not posix_spawn(). Forking
 * the multi-threaded daemon copies its page tables and makes each of its
 * pages copy-on-write, and while the fork holds the address space the
 * other threads' page faults wait: on the test machine about 10 ms of the
 * daemon's 23 ms of its own CPU per reply, and the reason the decoder and
 * the intake did not overlap well. A helper process, started with
 * posix_spawn (no copy of the daemon) and small, forks gpg cheaply and
 * alone.
 *
 * The helper is vultured itself run anew (GPGPROC_HELPER_FLAG): it
 * inherits none of the daemon's memory, and a lost helper can be replaced
 * from any thread. It runs vdec_gpgme_ops' decryption (decode.h) and
 * compose_crypt() with its own GPGME context on the same GNUPGHOME, and
 * gets its input and gives its output through anonymous memory files
 * passed over a socket (SCM_RIGHTS), so a 20 MB message never travels
 * through the socket. It holds no database connection and writes no file.
 * Each thread that decrypts or signs has its own helper, and hands its
 * interface (gpgproc_crypto, a vcrypto.h implementation) to decode and
 * compose explicitly; when a helper is gone, the operation runs in the
 * thread as before (GPGPROC_GONE), logged once. */
#ifndef VULTURE_GPGPROC_H
#define VULTURE_GPGPROC_H

#include <stddef.h>
#include <sys/types.h>
#include <gmime/gmime.h>
#include <gpgme.h>

struct gpgproc;
struct vcrypto;
struct vcrypto_result;
struct vkeys_cache;

/* The helper could not do the operation; the caller does it itself. */
#define GPGPROC_GONE	(-2)
/* Bound of one request or answer on the socket (fingerprints, errors). */
#define GPGPROC_MSG_MAX	(64 * 1024)

/* The helper is program (vultured itself) run with these arguments, so
 * that it starts from nothing: none of the daemon's memory (the IMAP
 * password, the database's pages) is in the process that reads hostile
 * mail. The protocol version must match. */
#define GPGPROC_HELPER_FLAG	"--gpg-helper"
#define GPGPROC_PROTOCOL	"2"

/* Starts a helper (posix_spawn: safe from any thread) running program
 * for GNUPGHOME gnupghome, logging to stderr or syslog; name is for logs.
 * A helper that goes is started again before the next operation, at most
 * once a second. Returns 0, or -1 with *error_r (newly allocated). */
int gpgproc_start(const char *program, const char *gnupghome,
    const char *name, int log_stderr, struct gpgproc **gp_r,
    char **error_r);
/* Closes the socket (the helper exits at end of file) and reaps it,
 * killing it after 30 s. Accepts NULL and *gp == NULL. */
void gpgproc_stop(struct gpgproc **gp);
/* main() of program when argv[1] is GPGPROC_HELPER_FLAG: serves on
 * descriptor 3 until its end of file. Returns the exit status. */
int gpgproc_helper_main(int argc, char **argv);

/* The two halves without the fork, for tests: gpgproc_serve() answers
 * requests on sock until end of file (0), or fails to open GNUPGHOME (-1,
 * *error_r); gpgproc_from_socket() makes a client of the other end (sock
 * owned; gpgproc_stop() closes it). */
int gpgproc_serve(int sock, const char *gnupghome, char **error_r);
struct gpgproc *gpgproc_from_socket(int sock, const char *name);

/* Reads data as a helper's answer to a decryption and as one to a
 * signature, keeping nothing: 0 when either is well-formed, -1 when
 * neither (the fuzz target's entry; the answer of a process that handles
 * hostile mail is checked like input). */
int gpgproc_parse_answer(const void *data, size_t len);

/* gp as the vcrypto (vcrypto.h) that a thread gives decode and compose:
 * decrypt_verify and sign_encrypt go to the helper; verification, and
 * what the helper cannot do (GPGPROC_GONE), run in the calling thread
 * with GPGME on ctx (vdec_gpgme_ops, compose_crypt) and keys from kc.
 * ctx and kc are foreign and must outlive gp's use; the interface is
 * owned by gp (valid until gpgproc_stop) and, like gp, used by one
 * thread. Calling it again rebinds ctx and kc. */
const struct vcrypto *gpgproc_crypto(struct gpgproc *gp, gpgme_ctx_t ctx,
    struct vkeys_cache *kc);
/* Operations done by the helper and run locally since it went (tests). */
void gpgproc_stats(const struct gpgproc *gp, unsigned *done_r,
    unsigned *local_r);
/* The helper's process (-1: none of ours) and how often it was replaced
 * (tests). */
pid_t gpgproc_pid(const struct gpgproc *gp, unsigned *restarts_r);

/* vcrypto's decrypt_verify in the helper: the same contract and result,
 * or GPGPROC_GONE with p untouched and in back at its position (or, when
 * in cannot go back, -1 with spill_failed: the message is tried again). */
int gpgproc_decrypt(struct gpgproc *gp, GMimeStream *in, size_t cap,
    const char *spill_dir, struct vcrypto_result *p);
/* compose_crypt() in the helper: 0 with *armored_r (g_free) and
 * *len_r, -1 with *error_r, or GPGPROC_GONE. */
int gpgproc_encrypt_sign(struct gpgproc *gp, const char *const *fprs,
    size_t n, const void *plain, size_t len, char **armored_r,
    size_t *len_r, char **error_r);

#endif
