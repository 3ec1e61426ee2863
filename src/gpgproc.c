/* gpgproc: GPGME operations in a helper process; see gpgproc.h. */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <glib.h>
#include <gpgme.h>

#include "vulture/compose.h"
#include "vulture/decode.h"
#include "vulture/gpgproc.h"
#include "vulture/ident.h"
#include "vulture/keys.h"
#include "vulture/log.h"
#include "vulture/spill.h"
#include "vulture/vcrypto.h"

enum { OP_DECRYPT = 1, OP_ENCRYPT_SIGN = 2 };
#define NO_PLAIN	UINT64_MAX
#define MAX_FPRS	64
/* How long gpgproc_stop waits for a helper to leave before SIGKILL: a
 * big message's gpg run finishes well within it. */
#define GPGPROC_STOP_MS	30000
#define ARMOR_BEGIN	"-----BEGIN PGP MESSAGE-----"
#define ARMOR_SLACK	(64 * 1024)

struct gpgproc {
	int sock;		/* owned; -1 once given up */
	pid_t pid;		/* -1: not ours to reap (tests) */
	int gone;
	char *name;		/* owned */
	unsigned done, local;
	/* How to start it again (NULL: never, gpgproc_from_socket). */
	char *program, *home;	/* owned */
	int log_stderr;
	gint64 gone_at;		/* monotonic, us: when it went */
	unsigned restarts;
	/* gpgproc_crypto(): the interface, and what runs in the thread
	 * (verification, and whatever the helper cannot do). */
	struct vcrypto vc;
	gpgme_ctx_t ctx;		/* foreign */
	struct vkeys_cache *keys;	/* foreign, may be NULL */
};

void
gpgproc_stats(const struct gpgproc *gp, unsigned *done_r, unsigned *local_r)
{
	*done_r = gp->done;
	*local_r = gp->local;
}

pid_t
gpgproc_pid(const struct gpgproc *gp, unsigned *restarts_r)
{
	*restarts_r = gp->restarts;
	return gp->pid;
}

/* ---- the wire: a bounded buffer of u64 and NUL-terminated strings. */

struct buf {
	char b[GPGPROC_MSG_MAX];
	size_t len, pos;
	int bad;		/* overflow or short read */
};

static void
put_u64(struct buf *w, uint64_t v)
{
	if (w->len + sizeof(v) > sizeof(w->b)) {
		w->bad = 1;
		return;
	}
	memcpy(w->b + w->len, &v, sizeof(v));
	w->len += sizeof(v);
}

/* NULL and "" differ: a flag byte first. */
static void
put_str(struct buf *w, const char *s)
{
	size_t n = s != NULL ? strlen(s) + 1 : 0;

	if (w->len + 1 + n > sizeof(w->b)) {
		w->bad = 1;
		return;
	}
	w->b[w->len++] = s != NULL;
	if (n > 0) {
		memcpy(w->b + w->len, s, n);
		w->len += n;
	}
}

static uint64_t
get_u64(struct buf *r)
{
	uint64_t v = 0;

	if (r->pos + sizeof(v) > r->len) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->b + r->pos, sizeof(v));
	r->pos += sizeof(v);
	return v;
}

/* Points into r (valid while r is). */
static const char *
get_str(struct buf *r)
{
	const char *s, *nul;

	if (r->pos >= r->len) {
		r->bad = 1;
		return NULL;
	}
	if (r->b[r->pos++] == 0)
		return NULL;
	s = r->b + r->pos;
	if ((nul = memchr(s, '\0', r->len - r->pos)) == NULL) {
		r->bad = 1;
		return NULL;
	}
	r->pos += (size_t)(nul - s) + 1;
	return s;
}

/* One datagram with up to two descriptors. */
static int
send_msg(int sock, const struct buf *w, const int *fds, int nfds)
{
	union {
		char c[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)w->b, w->len };
	struct msghdr mh;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.c;
		mh.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)nfds * sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n == (ssize_t)w->len ? 0 : -1;
}

/* Receives one datagram; fds[] gets what came (-1 for the rest; the
 * caller closes them). Returns 0, or -1 at end of file or on error. */
static int
recv_msg(int sock, struct buf *r, int *fds, int nfds)
{
	union {
		char c[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { r->b, sizeof(r->b) };
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t n;
	int i;

	for (i = 0; i < nfds; i++)
		fds[i] = -1;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.c;
	mh.msg_controllen = sizeof(u.c);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	if (n < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < (int)k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + (size_t)i * sizeof(int),
			    sizeof(int));
			if (i < nfds)
				fds[i] = fd;
			else
				close(fd);
		}
	}
	if (n == 0) {
		/* The end of the socket, or an empty record: descriptors
		 * that came with one are not kept. */
		for (i = 0; i < nfds; i++)
			if (fds[i] != -1) {
				close(fds[i]);
				fds[i] = -1;
			}
		return -1;
	}
	r->len = (size_t)n;
	r->pos = 0;
	r->bad = (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
	return 0;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all_at(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Where a request's input or output travels: anonymous memory while
 * small, past SPILL_MEM_MAX a nameless file beside the database like any
 * spill, so that a 20 MB message does not sit in memory twice more. */
static int
memfile(const char *dir, size_t size)
{
	int fd;

	if (size > SPILL_MEM_MAX && dir != NULL &&
	    (fd = spill_tmpfile(dir, NULL)) != -1)
		return fd;
	return memfd_create("vulture-gpgproc", MFD_CLOEXEC);
}

/* A request's input (fds[0]) of size bytes and output (fds[1]) of at
 * most out_max: each in memory up to SPILL_MEM_MAX, else a file in dir
 * (a small compressed message may decrypt to the cap). */
static int
file_pair(const char *dir, size_t size, size_t out_max, int fds[2])
{
	if ((fds[0] = memfile(dir, size)) == -1 ||
	    (fds[1] = memfile(dir, out_max)) == -1)
		return -1;
	return 0;
}

/* ---- the helper. */

static void
serve_decrypt(gpgme_ctx_t ctx, struct buf *r, const int *fds, struct buf *w)
{
	struct vcrypto_result p;
	GMimeStream *in, *plain = NULL;
	uint64_t cap = get_u64(r);
	const char *dir = get_str(r);
	uint64_t plain_len = NO_PLAIN;
	char chunk[65536];
	int ret = -1, wfail = 0, fd;
	guint i;

	memset(&p, 0, sizeof(p));
	if (r->bad || fds[0] == -1 || fds[1] == -1) {
		put_u64(w, 1);		/* protocol error */
		return;
	}
	/* The descriptor shares its offset with the daemon's, which wrote
	 * the message: back to the start before GMime notes where it is. */
	if (lseek(fds[0], 0, SEEK_SET) != 0 || (fd = dup(fds[0])) == -1) {
		put_u64(w, 1);
		return;
	}
	in = g_mime_stream_fs_new(fd);
	g_mime_stream_fs_set_owner(GMIME_STREAM_FS(in), TRUE);
	ret = vdec_gpgme_ops.decrypt_verify(ctx, in, (size_t)cap, dir, &p);
	g_object_unref(in);
	if (p.plain != NULL && (plain = spill_stream(p.plain, NULL)) != NULL) {
		ssize_t n;

		plain_len = 0;
		while ((n = spill_read(plain, chunk, sizeof(chunk))) > 0) {
			if (write_all(fds[1], chunk, (size_t)n) == -1) {
				wfail = 1;
				break;
			}
			plain_len += (uint64_t)n;
		}
		if (n < 0)
			wfail = 1;
		g_object_unref(plain);
		explicit_bzero(chunk, sizeof(chunk));
	} else if (p.plain != NULL)
		wfail = 1;
	if (wfail) {
		/* No room for the plaintext: as the spill would say. */
		p.spill_failed = 1;
		ret = -1;
		plain_len = NO_PLAIN;
	}
	put_u64(w, 0);
	put_u64(w, (uint64_t)(int64_t)ret);
	put_u64(w, (uint64_t)p.decrypted);
	put_u64(w, p.n_sigs);
	put_u64(w, (uint64_t)p.sig);
	put_u64(w, (uint64_t)p.sig_time);
	put_u64(w, (uint64_t)p.over_cap);
	put_u64(w, (uint64_t)p.spill_failed);
	put_u64(w, plain_len);
	put_str(w, p.signer_fpr);
	put_str(w, p.sig_fpr);
	put_str(w, p.decrypt_error);
	put_str(w, p.verify_error);
	put_str(w, p.cipher_algo);
	put_str(w, p.hash_algo);
	put_u64(w, p.recipients != NULL ? p.recipients->len : 0);
	for (i = 0; p.recipients != NULL && i < p.recipients->len; i++)
		put_str(w, p.recipients->pdata[i]);
	vcrypto_result_clear(&p);
}

static void
serve_encrypt(gpgme_ctx_t ctx, struct vkeys_cache *kc, struct buf *r,
    const int *fds, struct buf *w)
{
	const char *fprs[MAX_FPRS + 1];
	uint64_t n = get_u64(r), len = get_u64(r), i;
	char *plain = NULL, *armored = NULL, *err = NULL;
	size_t alen = 0;
	int rc = -1;

	if (n == 0 || n > MAX_FPRS || fds[0] == -1 || fds[1] == -1 ||
	    len > G_MAXSIZE / 2) {
		put_u64(w, 1);
		return;
	}
	for (i = 0; i < n; i++)
		fprs[i] = get_str(r);
	fprs[n] = NULL;
	for (i = 0; i < n; i++)
		if (fprs[i] == NULL)
			r->bad = 1;
	if (r->bad) {
		put_u64(w, 1);
		return;
	}
	plain = g_malloc(len + 1);
	if (read_all_at(fds[0], plain, (size_t)len, 0) == -1)
		err = g_strdup_printf("gpg helper: reading the plaintext: %s",
		    g_strerror(errno));
	else
		rc = compose_crypt(ctx, kc, fprs, (size_t)n, plain,
		    (size_t)len, &armored, &alen, &err);
	explicit_bzero(plain, (size_t)len);
	g_free(plain);
	if (rc == 0 && write_all(fds[1], armored, alen) == -1) {
		rc = -1;
		err = g_strdup_printf("gpg helper: writing the ciphertext: %s",
		    g_strerror(errno));
	}
	put_u64(w, 0);
	put_u64(w, (uint64_t)(int64_t)rc);
	put_u64(w, rc == 0 ? alen : 0);
	put_str(w, err);
	g_free(armored);
	g_free(err);
}

int
gpgproc_serve(int sock, const char *gnupghome, char **error_r)
{
	struct vkeys *keys = NULL;
	struct buf *r, *w;
	int fds[2];

	if (vkeys_open(gnupghome, &keys, error_r) == -1)
		return -1;
	r = g_new0(struct buf, 1);
	w = g_new0(struct buf, 1);
	while (recv_msg(sock, r, fds, 2) == 0) {
		uint64_t op = get_u64(r);

		w->len = 0;
		w->bad = 0;
		if (r->bad)
			put_u64(w, 1);
		else if (op == OP_DECRYPT)
			serve_decrypt(vkeys_ctx(keys), r, fds, w);
		else if (op == OP_ENCRYPT_SIGN)
			serve_encrypt(vkeys_ctx(keys), vkeys_cache(keys), r,
			    fds, w);
		else
			put_u64(w, 1);
		if (fds[0] != -1)
			close(fds[0]);
		if (fds[1] != -1)
			close(fds[1]);
		if (w->bad) {
			/* An answer past GPGPROC_MSG_MAX: say so instead. */
			w->len = 0;
			w->bad = 0;
			put_u64(w, 1);
		}
		if (send_msg(sock, w, NULL, 0) == -1)
			break;
	}
	explicit_bzero(r, sizeof(*r));
	g_free(r);
	g_free(w);
	vkeys_close(&keys);
	return 0;
}

struct gpgproc *
gpgproc_from_socket(int sock, const char *name)
{
	struct gpgproc *gp = g_new0(struct gpgproc, 1);

	gp->sock = sock;
	gp->pid = -1;
	gp->name = g_strdup(name);
	return gp;
}

/* Spawns program as a helper on a new socket: *sock_r and *pid_r. */
static int
spawn_helper(const char *program, const char *home, int log_stderr,
    int *sock_r, pid_t *pid_r, char **error_r)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t sa;
	sigset_t none, dfl;
	char *argv[] = { "vultured-gpg", GPGPROC_HELPER_FLAG,
	    GPGPROC_PROTOCOL, (char *)home, log_stderr ? "stderr" : "syslog",
	    NULL };
	int sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		*error_r = g_strdup_printf("gpg helper: socketpair: %s",
		    g_strerror(errno));
		return -1;
	}
	if (sv[1] == 3) {
		/* dup2(3, 3) would leave close-on-exec set. */
		int fd = fcntl(sv[1], F_DUPFD_CLOEXEC, 4);

		if (fd == -1) {
			*error_r = g_strdup_printf("gpg helper: dup: %s",
			    g_strerror(errno));
			close(sv[0]);
			close(sv[1]);
			return -1;
		}
		close(sv[1]);
		sv[1] = fd;
	}
	/* Only stdout, stderr and the socket (as 3) cross: no database, no
	 * IMAP connection, no FIFO, whatever flags they were opened with.
	 * The daemon's blocked signals and handlers stay behind. */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
	posix_spawn_file_actions_addclosefrom_np(&fa, 4);
	posix_spawnattr_init(&sa);
	sigemptyset(&none);
	sigfillset(&dfl);
	posix_spawnattr_setsigmask(&sa, &none);
	posix_spawnattr_setsigdefault(&sa, &dfl);
	posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid_r, program, &fa, &sa, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&sa);
	close(sv[1]);
	if (rc != 0) {
		*error_r = g_strdup_printf("gpg helper: %s: %s", program,
		    g_strerror(rc));
		close(sv[0]);
		return -1;
	}
	*sock_r = sv[0];
	return 0;
}

int
gpgproc_start(const char *program, const char *gnupghome, const char *name,
    int log_stderr, struct gpgproc **gp_r, char **error_r)
{
	struct gpgproc *gp;
	pid_t pid;
	int sock;

	*gp_r = NULL;
	if (spawn_helper(program, gnupghome, log_stderr, &sock, &pid,
	    error_r) == -1)
		return -1;
	gp = g_new0(struct gpgproc, 1);
	gp->sock = sock;
	gp->pid = pid;
	gp->name = g_strdup(name);
	gp->program = g_strdup(program);
	gp->home = g_strdup(gnupghome);
	gp->log_stderr = log_stderr;
	*gp_r = gp;
	return 0;
}

/* Ends the helper process: the socket closed, the process reaped (killed
 * when it does not leave). */
static void
reap(struct gpgproc *gp)
{
	int status, waited;

	if (gp->sock != -1) {
		close(gp->sock);
		gp->sock = -1;
	}
	/* It leaves when it reads the end of its socket, after the
	 * operation in hand; one stuck (in gpg) is killed, not waited for
	 * forever: SIGTERM and SIGHUP must not hang on it. */
	for (waited = 0; gp->pid != -1; waited += 10) {
		pid_t w = waitpid(gp->pid, &status, WNOHANG);

		if (w == gp->pid || (w == -1 && errno != EINTR))
			break;
		if (waited >= (gp->gone ? 0 : GPGPROC_STOP_MS)) {
			if (!gp->gone)
				log_warnx("%s pid=%ld: no exit after %d s: "
				    "killed", gp->name, (long)gp->pid,
				    GPGPROC_STOP_MS / 1000);
			(void)kill(gp->pid, SIGKILL);
			while (waitpid(gp->pid, &status, 0) == -1 &&
			    errno == EINTR)
				;
			break;
		}
		(void)usleep(10000);
	}
	gp->pid = -1;
}

/* A helper that went (died, or answered what it must not) is replaced by a
 * new process before the next operation a second or more later: a message
 * that kills it costs one start, and the thread does that message's work
 * itself. */
static void
revive(struct gpgproc *gp)
{
	gint64 now = g_get_monotonic_time();
	char *err = NULL;
	pid_t pid;
	int sock;

	if (!gp->gone || gp->program == NULL ||
	    now - gp->gone_at < G_USEC_PER_SEC)
		return;
	reap(gp);
	gp->gone_at = now;	/* a failed start waits a second too */
	if (spawn_helper(gp->program, gp->home, gp->log_stderr, &sock, &pid,
	    &err) == -1) {
		log_warnx("%s: %s: gpg stays in the daemon", gp->name, err);
		g_free(err);
		return;
	}
	gp->sock = sock;
	gp->pid = pid;
	gp->gone = 0;
	gp->restarts++;
	log_info("%s restarted pid=%ld", gp->name, (long)pid);
}

/* 1 when gp can take an operation (replaced first if it went); else 0,
 * the operation counted as the daemon's. */
static int
ready(struct gpgproc *gp)
{
	revive(gp);
	if (gp->gone) {
		gp->local++;
		return 0;
	}
	return 1;
}

int
gpgproc_helper_main(int argc, char **argv)
{
	char *err = NULL;

	if (argc != 5 || strcmp(argv[1], GPGPROC_HELPER_FLAG) != 0 ||
	    strcmp(argv[2], GPGPROC_PROTOCOL) != 0) {
		fprintf(stderr, "vultured-gpg: started by vultured only "
		    "(protocol %s)\n", GPGPROC_PROTOCOL);
		return 64;
	}
	log_init("vultured-gpg", strcmp(argv[4], "stderr") == 0 ?
	    LOG_TO_STDERR : LOG_TO_SYSLOG, 0);
	/* The daemon's signals are the daemon's (a ^C to vultured -f
	 * reaches the whole group): the helper ends when its socket does,
	 * after the operation in hand. */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	(void)prctl(PR_SET_NAME, "vultured-gpg", 0, 0, 0);
	vdec_init();
	if (gpgproc_serve(3, argv[3], &err) == -1) {
		log_warnx("gpg helper: %s", err);
		g_free(err);
		return 1;
	}
	return 0;
}

void
gpgproc_stop(struct gpgproc **gpp)
{
	struct gpgproc *gp;

	if (gpp == NULL || (gp = *gpp) == NULL)
		return;
	log_info("%s pid=%ld: %u operations, %u in the daemon, %u restarts",
	    gp->name, (long)gp->pid, gp->done, gp->local, gp->restarts);
	reap(gp);
	g_free(gp->name);
	g_free(gp->program);
	g_free(gp->home);
	g_free(gp);
	*gpp = NULL;
}

/* A request for op and the buffer its answer goes to (g_free both). */
static void
request_new(uint64_t op, struct buf **w_r, struct buf **r_r)
{
	*w_r = g_new0(struct buf, 1);
	*r_r = g_new0(struct buf, 1);
	put_u64(*w_r, op);
}

/* After a failed exchange the helper is not trusted again: a late answer
 * would be taken for the next request's. */
static int
gone(struct gpgproc *gp, const char *what)
{
	if (!gp->gone)
		log_warnx("%s: %s: gpg runs in the daemon until it is replaced",
		    gp->name, what);
	gp->gone = 1;
	gp->gone_at = g_get_monotonic_time();
	gp->local++;
	return GPGPROC_GONE;
}

static int
exchange(struct gpgproc *gp, const struct buf *w, const int *fds,
    struct buf *r)
{
	int none[2];

	if (w->bad)
		return gone(gp, "request too large");
	if (send_msg(gp->sock, w, fds, 2) == -1)
		return gone(gp, "helper gone");
	if (recv_msg(gp->sock, r, none, 2) == -1)
		return gone(gp, "helper gone");
	if (none[0] != -1)
		close(none[0]);
	if (none[1] != -1)
		close(none[1]);
	if (r->bad || get_u64(r) != 0 || r->bad)
		return gone(gp, "protocol error");
	return 0;
}

/* A fingerprint field of an answer: empty or 40 hex digits; with
 * any_len (the signature's key as gpg named it: a key id for a bad
 * signature, whatever the mail carried) up to 40. */
static int
fpr_field(const char *s, char dst[41], int any_len)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (any_len ? n > IDENT_FPR_LEN : (n != 0 && n != IDENT_FPR_LEN))
		return -1;
	if (n > 0 && !ident_hex_ok(s, n))
		return -1;
	memcpy(dst, s != NULL ? s : "", n + 1);
	return 0;
}

/* An algorithm name field of an answer: "" or a name as the decoder
 * keeps one (vcrypto_algo_name_ok), never NULL: they are shown to the
 * operator and decide what the desk refuses. */
static int
algo_field(const char *s, char *dst, size_t size)
{
	if (s == NULL || (s[0] != '\0' && !vcrypto_algo_name_ok(s, size)))
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* The answer to OP_DECRYPT into p (cleared again when malformed: the
 * helper handles hostile mail, so what it says is checked like input). */
static int
read_decrypt_answer(struct buf *r, size_t cap, struct vcrypto_result *p,
    int *ret_r, uint64_t *plain_len_r)
{
	uint64_t v[8], nrec, i;
	const char *s;

	for (i = 0; i < G_N_ELEMENTS(v); i++)
		v[i] = get_u64(r);
	if (r->bad || (v[0] != 0 && v[0] != (uint64_t)-1) || v[1] > 1 ||
	    v[2] > VCRYPTO_MAX_SIGS || v[3] > VDEC_SIG_ERROR ||
	    v[4] > INT64_MAX || v[5] > 1 || v[6] > 1 ||
	    (v[7] != NO_PLAIN && v[7] > (uint64_t)cap) ||
	    /* A plaintext only with a result that keeps one. */
	    (v[7] != NO_PLAIN && (v[0] != 0 || v[5] || v[6])))
		return -1;
	*ret_r = v[0] == 0 ? 0 : -1;
	p->decrypted = (int)v[1];
	p->n_sigs = (unsigned)v[2];
	p->sig = (enum vdec_sig)v[3];
	p->sig_time = (gint64)v[4];
	p->over_cap = (int)v[5];
	p->spill_failed = (int)v[6];
	*plain_len_r = v[7];
	if (fpr_field(get_str(r), p->signer_fpr, 0) == -1 ||
	    fpr_field(get_str(r), p->sig_fpr, 1) == -1)
		r->bad = 1;
	p->decrypt_error = g_strdup(get_str(r));
	p->verify_error = g_strdup(get_str(r));
	if (algo_field(get_str(r), p->cipher_algo,
	    sizeof(p->cipher_algo)) == -1 ||
	    algo_field(get_str(r), p->hash_algo, sizeof(p->hash_algo)) == -1)
		r->bad = 1;
	nrec = get_u64(r);
	if (nrec > 64)
		r->bad = 1;
	p->recipients = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < nrec && !r->bad; i++) {
		if ((s = get_str(r)) == NULL || !vcrypto_keyid_ok(s))
			r->bad = 1;
		else
			g_ptr_array_add(p->recipients, g_strdup(s));
	}
	if (r->bad || r->pos != r->len) {
		vcrypto_result_clear(p);
		return -1;
	}
	return 0;
}

/* The answer to OP_ENCRYPT_SIGN of len bytes of plaintext: *ret_r 0
 * with the ciphertext's length, or -1 with the helper's reason (*err_r
 * points into r). */
static int
read_encrypt_answer(struct buf *r, size_t len, int *ret_r, uint64_t *alen_r,
    const char **err_r)
{
	uint64_t v = get_u64(r);

	*alen_r = get_u64(r);
	*err_r = get_str(r);
	/* Armor makes 4 of 3 bytes; the rest is headers, one signature
	 * and a session key per recipient. */
	if (r->bad || r->pos != r->len || (v != 0 && v != (uint64_t)-1) ||
	    (v == 0 && (*alen_r < sizeof(ARMOR_BEGIN) ||
	    *alen_r > (uint64_t)len * 2 + ARMOR_SLACK)) ||
	    (v != 0 && *alen_r != 0))
		return -1;
	*ret_r = v == 0 ? 0 : -1;
	return 0;
}

int
gpgproc_parse_answer(const void *data, size_t len)
{
	struct buf *r = g_new0(struct buf, 1);
	struct vcrypto_result p;
	uint64_t plain_len;
	const char *err;
	int ret, rc, rc2;

	memset(&p, 0, sizeof(p));
	r->len = MIN(len, sizeof(r->b));
	memcpy(r->b, data, r->len);
	if ((rc = read_decrypt_answer(r, 1 << 20, &p, &ret, &plain_len)) == 0)
		vcrypto_result_clear(&p);
	r->pos = 0;
	r->bad = 0;
	rc2 = read_encrypt_answer(r, 1 << 20, &ret, &plain_len, &err);
	g_free(r);
	return rc == 0 || rc2 == 0 ? 0 : -1;
}

int
gpgproc_decrypt(struct gpgproc *gp, GMimeStream *in, size_t cap,
    const char *spill_dir, struct vcrypto_result *p)
{
	struct buf *w = NULL, *r = NULL;
	gint64 pos = g_mime_stream_tell(in), len;
	size_t size;
	char chunk[65536];
	uint64_t plain_len;
	ssize_t n;
	int fds[2] = { -1, -1 }, rc = GPGPROC_GONE, ret;

	if (!ready(gp))
		return GPGPROC_GONE;
	len = g_mime_stream_length(in);
	size = len > 0 ? (size_t)len : 0;
	if (file_pair(spill_dir, size, cap, fds) == -1) {
		gp->local++;
		goto out;
	}
	while ((n = spill_read(in, chunk, sizeof(chunk))) > 0)
		if (write_all(fds[0], chunk, (size_t)n) == -1)
			break;
	if (n != 0) {
		gp->local++;
		goto out;
	}
	request_new(OP_DECRYPT, &w, &r);
	put_u64(w, cap);
	put_str(w, spill_dir);
	if ((rc = exchange(gp, w, fds, r)) != 0)
		goto out;
	if (read_decrypt_answer(r, cap, p, &ret, &plain_len) == -1) {
		/* Half a result is not used: the helper is out. */
		rc = gone(gp, "malformed answer");
		goto out;
	}
	if (plain_len != NO_PLAIN) {
		off_t off = 0;

		p->plain = spill_new(spill_dir, cap, 0);
		while ((uint64_t)off < plain_len) {
			size_t k = MIN(sizeof(chunk), (size_t)(plain_len -
			    (uint64_t)off));

			if (read_all_at(fds[1], chunk, k, off) == -1 ||
			    spill_write(p->plain, chunk, k, NULL) !=
			    SPILL_OK) {
				/* Worth retrying later, like a full disk. */
				spill_free(&p->plain);
				p->spill_failed = 1;
				ret = -1;
				break;
			}
			off += (off_t)k;
		}
	}
	gp->done++;
	rc = ret;
out:
	if (rc == GPGPROC_GONE && g_mime_stream_tell(in) != pos &&
	    g_mime_stream_seek(in, pos, GMIME_STREAM_SEEK_SET) != pos) {
		/* The input cannot be read again here: not a verdict on the
		 * message, which waits and is decoded anew (by the thread,
		 * the helper being gone). */
		p->spill_failed = 1;
		rc = -1;
	}
	if (fds[0] != -1)
		close(fds[0]);
	if (fds[1] != -1)
		close(fds[1]);
	explicit_bzero(chunk, sizeof(chunk));
	if (r != NULL)
		explicit_bzero(r, sizeof(*r));
	g_free(w);
	g_free(r);
	return rc;
}

int
gpgproc_encrypt_sign(struct gpgproc *gp, const char *const *fprs, size_t n,
    const void *plain, size_t len, char **armored_r, size_t *len_r,
    char **error_r)
{
	struct buf *w = NULL, *r = NULL;
	uint64_t alen;
	const char *err;
	size_t i;
	int fds[2] = { -1, -1 }, rc = GPGPROC_GONE, ret;

	*armored_r = NULL;
	*len_r = 0;
	if (!ready(gp))
		return GPGPROC_GONE;
	if (n == 0 || n > MAX_FPRS ||
	    file_pair(NULL, len, len * 2 + ARMOR_SLACK, fds) == -1 ||
	    write_all(fds[0], plain, len) == -1) {
		gp->local++;
		goto out;
	}
	request_new(OP_ENCRYPT_SIGN, &w, &r);
	put_u64(w, n);
	put_u64(w, len);
	for (i = 0; i < n; i++)
		put_str(w, fprs[i]);
	if ((rc = exchange(gp, w, fds, r)) != 0)
		goto out;
	if (read_encrypt_answer(r, len, &ret, &alen, &err) == -1) {
		rc = gone(gp, "malformed answer");
		goto out;
	}
	if (ret != 0) {
		*error_r = g_strdup(err != NULL ? err : "gpg helper: failed");
		gp->done++;
		rc = -1;
		goto out;
	}
	*armored_r = g_malloc((size_t)alen + 1);
	if (read_all_at(fds[1], *armored_r, (size_t)alen, 0) == -1) {
		g_free(*armored_r);
		*armored_r = NULL;
		rc = gone(gp, "reading the ciphertext");
		goto out;
	}
	(*armored_r)[alen] = '\0';
	if (memcmp(*armored_r, ARMOR_BEGIN, sizeof(ARMOR_BEGIN) - 1) != 0) {
		/* Never mail out what is not a PGP message. */
		g_free(*armored_r);
		*armored_r = NULL;
		rc = gone(gp, "malformed answer: not an armored message");
		goto out;
	}
	*len_r = (size_t)alen;
	gp->done++;
	rc = 0;
out:
	if (fds[0] != -1)
		close(fds[0]);
	if (fds[1] != -1)
		close(fds[1]);
	g_free(w);
	g_free(r);
	return rc;
}

/* ---- gpgproc_crypto: the helper as a vcrypto (vcrypto.h). */

static int
crypto_decrypt(void *impl, GMimeStream *in, size_t cap, const char *spill_dir,
    struct vcrypto_result *p)
{
	struct gpgproc *gp = impl;
	int ret = gpgproc_decrypt(gp, in, cap, spill_dir, p);

	/* The helper gone: the thread does it, as before there was one. */
	if (ret == GPGPROC_GONE)
		ret = vdec_gpgme_ops.decrypt_verify(gp->ctx, in, cap,
		    spill_dir, p);
	return ret;
}

/* Verification never went to the helper: no gpg fork saved is worth a
 * round trip for the few signed-only messages. */
static int
crypto_verify_detached(void *impl, GMimeStream *data, const char *sig,
    size_t sig_len, struct vcrypto_result *p)
{
	struct gpgproc *gp = impl;

	return vdec_gpgme_ops.verify_detached(gp->ctx, data, sig, sig_len, p);
}

static int
crypto_verify_clear(void *impl, const char *in, size_t len, size_t cap,
    const char *spill_dir, struct vcrypto_result *p)
{
	struct gpgproc *gp = impl;

	return vdec_gpgme_ops.verify_clear(gp->ctx, in, len, cap, spill_dir,
	    p);
}

static int
crypto_sign_encrypt(void *impl, const char *const *fprs, size_t n,
    const void *plain, size_t len, char **armored_r, size_t *len_r,
    char **error_r)
{
	struct gpgproc *gp = impl;
	int ret = gpgproc_encrypt_sign(gp, fprs, n, plain, len, armored_r,
	    len_r, error_r);

	if (ret == GPGPROC_GONE)
		ret = compose_crypt(gp->ctx, gp->keys, fprs, n, plain, len,
		    armored_r, len_r, error_r);
	return ret;
}

static const struct vcrypto_ops crypto_ops = {
	.decrypt_verify = crypto_decrypt,
	.verify_detached = crypto_verify_detached,
	.verify_clear = crypto_verify_clear,
	.sign_encrypt = crypto_sign_encrypt,
};

const struct vcrypto *
gpgproc_crypto(struct gpgproc *gp, gpgme_ctx_t ctx, struct vkeys_cache *kc)
{
	gp->ctx = ctx;
	gp->keys = kc;
	gp->vc.ops = &crypto_ops;
	gp->vc.impl = gp;
	return &gp->vc;
}
