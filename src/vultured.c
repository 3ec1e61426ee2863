/* vultured: the daemon. One libev loop in the main thread for signals and
 * the scheduler's timer; the IMAP intake and the outbox sender each run in
 * a worker thread with their own database connection and GPGME context,
 * because libetpan and GPGME block: a slow IMAP server or SMTP server never
 * stalls the timers, and neither stalls the other. Threads talk through
 * wake-up pipes; the database is the only shared state. */
#include "config.h"

#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "vulture/config.h"
#include "vulture/decode.h"
#include "vulture/gpgproc.h"
#include "vulture/imap_src.h"
#include "vulture/inbound.h"
#include "vulture/intake.h"
#include "vulture/keys.h"
#include "vulture/log.h"
#include "vulture/notice.h"
#include "vulture/outbound.h"
#include "vulture/outbox.h"
#include "vulture/sched.h"
#include "vulture/smtp_out.h"
#include "vulture/store.h"
#include "vulture/vtime.h"
#include "vulture/wake.h"

#define SCHED_INTERVAL 60.0		/* seconds between scheduler passes */
#define IDLE_RENEW (29 * 60 * 1000)	/* ms: RFC 2177 says before 30 min */
#define BACKOFF_MAX 300			/* seconds between reconnects */
#define SENDER_POLL 5			/* seconds between outbox looks */
#define RETRY_WAIT 5			/* seconds before stored mail that
					   waits for the database is tried
					   again */

/* Everything one thread needs; each thread has its own. */
struct wenv {
	const struct vconf *conf;	/* foreign: shared, read-only */
	struct store *st;		/* owned */
	struct vkeys *keys;		/* owned */
	struct notices *notices;	/* owned */
	struct outbound out;
};

struct worker {
	const char *name;
	pthread_t thread;
	int wake[2];			/* write a byte to wake it */
	int running;
};

static atomic_int stopping;
static struct vconf *conf;		/* owned by main; swapped on reload */
static struct worker intake = { "intake", 0, { -1, -1 }, 0 };
static struct worker sender = { "sender", 0, { -1, -1 }, 0 };
static struct wenv mainenv;
static const char *pidfile;

static void
wenv_close(struct wenv *w)
{
	notices_free(&w->notices);
	vkeys_close(&w->keys);
	store_close(&w->st);
	memset(&w->out, 0, sizeof(w->out));
}

/* Returns 0, -1, or WENV_TEMP when the database is busy or unwritable
 * for now (a lock held by another process): worth retrying. */
#define WENV_TEMP (-2)

static int
wenv_open(struct wenv *w, const struct vconf *c, char **error_r)
{
	GPtrArray *errs;
	int rc;

	memset(w, 0, sizeof(*w));
	w->conf = c;
	if ((rc = store_open(c->database, 0, &w->st, error_r)) != STORE_OK)
		return rc == STORE_TEMP ? WENV_TEMP : -1;
	if (vkeys_open(c->gnupghome, &w->keys, error_r) == -1)
		goto fail;
	errs = g_ptr_array_new_with_free_func(g_free);
	if (notices_load(c->templates_dir, &w->notices, errs) == -1) {
		*error_r = g_strdup_printf("templates: %s", (char *)
		    errs->pdata[0]);
		g_ptr_array_unref(errs);
		goto fail;
	}
	g_ptr_array_unref(errs);
	if (vkeys_find_desk(w->keys, c->address, c->desk_fingerprint,
	    w->out.desk_fpr, error_r) == -1)
		goto fail;
	w->out.conf = c;
	w->out.st = w->st;
	w->out.ctx = vkeys_ctx(w->keys);
	w->out.keys = vkeys_cache(w->keys);
	w->out.notices = w->notices;
	w->out.actor = "vultured";
	return 0;
fail:
	wenv_close(w);
	return -1;
}

/* The thread that owns w decrypts and signs in gp (foreign, may be NULL:
 * in the thread), through the interface its decode and compose are
 * given (gpgproc_crypto): w->out.crypto, and the inbound_env built from
 * w. gp must outlive w's use of it: helpers are replaced only while no
 * worker runs. */
static void
wenv_use_helper(struct wenv *w, struct gpgproc *gp)
{
	w->out.crypto = gp != NULL ? gpgproc_crypto(gp, vkeys_ctx(w->keys),
	    vkeys_cache(w->keys)) : NULL;
}

/* The inbound_env (inbound.h) of w's thread. */
static struct inbound_env
wenv_inbound(struct wenv *w)
{
	struct inbound_env env = { w->conf, w->st, vkeys_ctx(w->keys),
	    &w->out, w->out.crypto, NULL };

	return env;
}

static void
wake(struct worker *wk)
{
	char c = 1;

	if (wk->wake[1] != -1)
		(void)!write(wk->wake[1], &c, 1);
}

/* Sleeps up to timeout_ms or until woken (or fd, if >= 0, is readable).
 * Returns 1 if fd became readable, else 0. */
static int
nap(struct worker *wk, int fd, int timeout_ms)
{
	struct pollfd p[2];
	char buf[64];
	int n = 1;

	p[0].fd = wk->wake[0];
	p[0].events = POLLIN;
	if (fd >= 0) {
		p[1].fd = fd;
		p[1].events = POLLIN;
		n = 2;
	}
	if (poll(p, (nfds_t)n, timeout_ms) <= 0)
		return 0;
	if (p[0].revents & POLLIN)
		while (read(wk->wake[0], buf, sizeof(buf)) == sizeof(buf))
			;
	return n == 2 && (p[1].revents & (POLLIN | POLLHUP | POLLERR));
}

/* The gpg helpers of the intake and decoder threads (gpgproc.h): this
 * program (self_exe) run anew; NULL: gpg runs in the thread. */
static struct gpgproc *intake_gpg, *decoder_gpg;
static char *self_exe;
static int log_foreground;

/* The intake thread's decoder (intake.h) and its own connection. */
static struct intake_decoder *decoder;
static struct wenv decoder_env;

/* Without a decoder (it could not open the database or GPGME, or
 * vultured --once) messages are processed one after the other. */
static void
decoder_start(void)
{
	struct inbound_env env;
	char *err = NULL;

	if (wenv_open(&decoder_env, conf, &err) != 0) {
		log_warnx("intake: decoder: %s: one message at a time", err);
		g_free(err);
		return;
	}
	wenv_use_helper(&decoder_env, decoder_gpg);
	env = wenv_inbound(&decoder_env);
	if (intake_decoder_start(&env, &decoder, &err) != 0) {
		log_warnx("intake: decoder: %s: one message at a time", err);
		g_free(err);
		wenv_close(&decoder_env);
	}
}

static void
decoder_stop(void)
{
	if (decoder == NULL)
		return;
	intake_decoder_stop(&decoder);
	wenv_close(&decoder_env);
}

static void
wake_sender(void *arg)
{
	(void)arg;
	wake(&sender);
}

/* What intake.c runs with on w's thread. */
static struct intake
wenv_intake(struct wenv *w, struct intake_decoder *dc)
{
	struct intake ik;

	memset(&ik, 0, sizeof(ik));
	ik.in = wenv_inbound(w);
	ik.stopping = &stopping;
	ik.committed = wake_sender;
	ik.decoder = dc;
	return ik;
}

/* A worker's wenv_open: while the database is locked by another process
 * (longer than the busy timeout), try again with a growing pause instead
 * of leaving the daemon without intake or sender. -1 only for a
 * permanent failure or when stopping. */
static int
wenv_open_retry(struct worker *wk, struct wenv *w)
{
	char *err = NULL;
	int backoff = 1, rc;

	while ((rc = wenv_open(w, conf, &err)) == WENV_TEMP &&
	    !atomic_load(&stopping)) {
		log_warnx("%s: %s: retry in %d s", wk->name, err, backoff);
		g_free(err);
		err = NULL;
		nap(wk, -1, backoff * 1000);
		backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
		    backoff * 2;
	}
	if (rc != 0) {
		if (err != NULL)
			log_warnx("%s: %s: stopped", wk->name, err);
		g_free(err);
		return -1;
	}
	return 0;
}

static void *
intake_main(void *arg)
{
	struct intake ik;
	struct wenv w;
	char *err = NULL;
	int backoff = 1;

	(void)arg;
	if (wenv_open_retry(&intake, &w) == -1)
		return NULL;
	wenv_use_helper(&w, intake_gpg);
	decoder_start();
	ik = wenv_intake(&w, decoder);
	intake_process_pending(&ik);
	while (!atomic_load(&stopping)) {
		struct imap_src *s = NULL;

		if (!conf->imap.enabled) {
			nap(&intake, -1, conf->imap.poll_interval * 1000);
			intake_process_pending(&ik);
			continue;
		}
		if (intake_imap_open(conf, &s, &err) != 0) {
			log_warnx("intake: %s: retry in %d s", err, backoff);
			g_free(err);
			err = NULL;
			nap(&intake, -1, backoff * 1000);
			backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
			    backoff * 2;
			continue;
		}
		log_info("intake connected host=%s mailbox=%s idle=%d",
		    conf->imap.host, conf->imap.mailbox, imap_src_has_idle(s));
		backoff = 1;
		while (!atomic_load(&stopping)) {
			int fd = -1, changed = 0, r;

			if ((r = intake_pass(&ik, s)) < 0)
				break;
			r |= intake_process_pending(&ik);
			if (atomic_load(&stopping))
				break;
			if (r > 0) {
				/* Something waits for the database: look
				 * again soon, not at the next new message. */
				nap(&intake, -1, RETRY_WAIT * 1000);
				continue;
			}
			if (!imap_src_has_idle(s)) {
				nap(&intake, -1, conf->imap.poll_interval *
				    1000);
				continue;
			}
			r = imap_src_idle_start(s, &fd, &err);
			if (r < 0) {
				log_warnx("intake: IDLE: %s", err);
				g_free(err);
				err = NULL;
				break;
			}
			if (r == 0)
				nap(&intake, fd, IDLE_RENEW);
			if (imap_src_idle_done(s, &changed, &err) != 0) {
				log_warnx("intake: IDLE: %s", err);
				g_free(err);
				err = NULL;
				break;
			}
		}
		imap_src_close(&s);
	}
	decoder_stop();
	wenv_close(&w);
	return NULL;
}

static void *
sender_main(void *arg)
{
	struct wenv w;
	char *err = NULL;

	(void)arg;
	if (wenv_open_retry(&sender, &w) == -1)
		return NULL;
	while (!atomic_load(&stopping)) {
		struct outbox_stats stats;
		int64_t now = vtime_now(), due;
		/* vulturectl queues mail too, from another process: look
		 * again every few seconds (a cheap indexed query). */
		int wait = SENDER_POLL;

		struct outbox_alerter al = outbound_alerter(&w.out);

		if (outbox_run(conf, w.st, w.out.ctx, &al, now, 0, &stats,
		    &err) != STORE_OK) {
			log_warnx("sender: %s", err);
			g_free(err);
			err = NULL;
		}
		due = outbox_next_due(w.st);
		if (due > 0)
			wait = due <= now ? 1 : due - now < SENDER_POLL ?
			    (int)(due - now) : SENDER_POLL;
		nap(&sender, -1, wait * 1000);
	}
	wenv_close(&w);
	return NULL;
}

static int
start_worker(struct worker *wk, void *(*fn)(void *))
{
	sigset_t all, old;
	char tname[16];
	int rc;

	if (pipe2(wk->wake, O_CLOEXEC | O_NONBLOCK) == -1)
		fatal("pipe");
	/* Signals belong to the main thread's loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&wk->thread, NULL, fn, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		fatalx("pthread_create: %s", strerror(rc));
	/* For top -H, ps -L and perf: which thread is which. */
	snprintf(tname, sizeof(tname), "vultured-%.6s", wk->name);
	(void)pthread_setname_np(wk->thread, tname);
	wk->running = 1;
	return 0;
}

static void
stop_worker(struct worker *wk)
{
	if (!wk->running)
		return;
	wake(wk);
	pthread_join(wk->thread, NULL);
	close(wk->wake[0]);
	close(wk->wake[1]);
	wk->wake[0] = wk->wake[1] = -1;
	wk->running = 0;
}

static void
start_workers(void)
{
	atomic_store(&stopping, 0);
	start_worker(&intake, intake_main);
	start_worker(&sender, sender_main);
}

static void
stop_workers(void)
{
	atomic_store(&stopping, 1);
	stop_worker(&intake);
	stop_worker(&sender);
}

/* (Re)starts the gpg helpers for conf's GNUPGHOME, while no worker uses
 * them. Without them gpg runs in the threads, as before. */
static void
gpg_helpers(int log_stderr)
{
	char *err = NULL;

	gpgproc_stop(&intake_gpg);
	gpgproc_stop(&decoder_gpg);
	if (self_exe == NULL)
		err = g_strdup("/proc/self/exe: cannot read");
	else if (gpgproc_start(self_exe, conf->gnupghome, "intake gpg helper",
	    log_stderr, &intake_gpg, &err) == 0)
		(void)gpgproc_start(self_exe, conf->gnupghome,
		    "decoder gpg helper", log_stderr, &decoder_gpg, &err);
	if (err != NULL) {
		log_warnx("%s: gpg runs in the threads", err);
		g_free(err);
	}
}

static void
run_scheduler(void)
{
	struct sched_stats stats;
	char *err = NULL;

	if (sched_run(&mainenv.out, vtime_now(), &stats, &err) != STORE_OK) {
		log_warnx("scheduler: %s", err);
		g_free(err);
	}
	intake_flush_site(mainenv.out.st, mainenv.out.conf);
	if (stats.followups + stats.unreachable + stats.reminders + stats.due)
		wake(&sender);
}

static void
sched_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	run_scheduler();
}

/* Loads a configuration and checks everything the daemon needs of it;
 * prints every problem. */
static struct vconf *
load_checked(const char *path, int *temporary_r)
{
	GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
	struct vconf *c = NULL;
	struct wenv probe;
	char *err = NULL;
	guint i;
	int rc = -1;

	*temporary_r = 0;
	if (vconf_load(path, &c, errs, NULL) == 0 &&
	    (rc = wenv_open(&probe, c, &err)) == 0)
		wenv_close(&probe);
	else if (c != NULL) {
		if (rc == WENV_TEMP)
			*temporary_r = 1;
		g_ptr_array_add(errs, err);
		vconf_free(&c);
	}
	for (i = 0; i < errs->len; i++)
		log_warnx("%s", (char *)errs->pdata[i]);
	g_ptr_array_unref(errs);
	return c;
}

static const char *config_path;
static ev_io wakeio;			/* the FIFO deliver writes to */

static void
wake_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	wake_drain(w->fd);
	wake(&intake);
}

/* (Re)opens the wake-up FIFO beside the current database. Without it the
 * daemon still finds what deliver left, at its next look. */
static void
wake_open(struct ev_loop *loop)
{
	char *err = NULL;
	int fd;

	if (ev_is_active(&wakeio)) {
		ev_io_stop(loop, &wakeio);
		close(wakeio.fd);
	}
	if ((fd = wake_listen(conf, &err)) == -1) {
		log_warnx("wake-up FIFO: %s: messages left by deliver wait "
		    "for the next poll", err);
		g_free(err);
		return;
	}
	ev_io_init(&wakeio, wake_cb, fd, EV_READ);
	ev_io_start(loop, &wakeio);
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	if (w->signum == SIGHUP) {
		char *path = vconf_locate(config_path);
		int temp, rc;
		struct vconf *nc = load_checked(path, &temp);

		g_free(path);
		if (nc == NULL) {
			log_warnx("reload refused: the new configuration has "
			    "errors; keeping the old one");
			return;
		}
		/* Workers finish the message in hand, then start again with
		 * the new configuration and templates. */
		stop_workers();
		wenv_close(&mainenv);
		vconf_free(&conf);
		conf = nc;
		gpg_helpers(log_foreground);
		while ((rc = wenv_open(&mainenv, conf, &path)) == WENV_TEMP) {
			log_warnx("reload: %s: retrying", path);
			g_free(path);
			sleep(1);
		}
		if (rc != 0)
			fatalx("reload: %s", path);
		start_workers();
		wake_open(loop);
		log_info("reloaded configuration and templates");
		return;
	}
	log_info("signal %d: stopping", w->signum);
	ev_break(loop, EVBREAK_ALL);
}

static int
run_once(void)
{
	struct outbox_stats ostats;
	struct outbox_alerter al;
	struct intake ik = wenv_intake(&mainenv, NULL);
	char *err = NULL;
	int rc = 0;

	if (conf->imap.enabled) {
		struct imap_src *s = NULL;

		if (intake_imap_open(conf, &s, &err) != 0) {
			log_warnx("intake: %s", err);
			g_free(err);
			err = NULL;
			rc = EX_TEMPFAIL;
		} else {
			if (intake_pass(&ik, s) != 0)
				rc = EX_TEMPFAIL;
			imap_src_close(&s);
		}
	}
	intake_process_pending(&ik);
	run_scheduler();
	al = outbound_alerter(&mainenv.out);
	if (outbox_run(conf, mainenv.st, mainenv.out.ctx, &al,
	    vtime_now(), 0, &ostats, &err) != STORE_OK) {
		log_warnx("sender: %s", err);
		g_free(err);
		rc = EX_TEMPFAIL;
	}
	if (ostats.deferred > 0)
		rc = EX_TEMPFAIL;
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: vultured [-c FILE] [-f] [-v] [--once] "
	    "[-p PIDFILE]\n");
	exit(EX_USAGE);
}

int
main(int argc, char **argv)
{
	struct ev_loop *loop;
	ev_signal sterm, sint, shup;
	ev_timer sched;
	int foreground = 0, once = 0, verbose = 0, i, rc, temp;
	char *path, *err = NULL;

	if (argc > 1 && strcmp(argv[1], GPGPROC_HELPER_FLAG) == 0)
		return gpgproc_helper_main(argc, argv);
	/* The helpers are this program: found again through the kernel
	 * (the path it was started by may be relative, or replaced). */
	self_exe = g_file_read_link("/proc/self/exe", NULL);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			config_path = argv[++i];
		else if (strcmp(argv[i], "-f") == 0)
			foreground = 1;
		else if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (strcmp(argv[i], "--once") == 0)
			once = 1;
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			pidfile = argv[++i];
		else
			usage();
	}
	log_init("vultured", LOG_TO_STDERR, verbose);
	vdec_init();
	smtp_init();
	imap_src_init();
	path = vconf_locate(config_path);
	conf = load_checked(path, &temp);
	if (conf == NULL) {
		/* A database locked by another process: 75, as for
		 * deliver (cron and systemd try again); a wrong
		 * configuration: 78. */
		log_warnx("%s: not started%s", path, temp ? " (temporary "
		    "failure)" : "");
		g_free(path);
		return temp ? EX_TEMPFAIL : EX_CONFIG;
	}
	g_free(path);
	if ((rc = wenv_open(&mainenv, conf, &err)) != 0) {
		log_warnx("%s", err);
		return rc == WENV_TEMP ? EX_TEMPFAIL : EX_CONFIG;
	}
	if (once) {
		rc = run_once();
		wenv_close(&mainenv);
		vconf_free(&conf);
		return rc;
	}
	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init("vultured", LOG_TO_SYSLOG, verbose);
	}
	if (pidfile != NULL) {
		FILE *f = fopen(pidfile, "w");

		if (f == NULL)
			fatal("%s", pidfile);
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	signal(SIGPIPE, SIG_IGN);
	log_foreground = foreground;
	gpg_helpers(foreground);
	/* Not the default loop: it would reap every child on SIGCHLD, and the
	 * sendmail transport waits for its own. */
	loop = ev_loop_new(EVFLAG_AUTO);
	if (loop == NULL)
		fatalx("ev_loop_new");
	ev_signal_init(&sterm, signal_cb, SIGTERM);
	ev_signal_init(&sint, signal_cb, SIGINT);
	ev_signal_init(&shup, signal_cb, SIGHUP);
	ev_signal_start(loop, &sterm);
	ev_signal_start(loop, &sint);
	ev_signal_start(loop, &shup);
	ev_timer_init(&sched, sched_cb, 0.0, SCHED_INTERVAL);
	ev_timer_start(loop, &sched);
	start_workers();
	wake_open(loop);
	log_info("started pid=%ld imap=%s deliver=%s", (long)getpid(),
	    conf->imap.enabled ? conf->imap.host : "off",
	    conf->deliver_mode == VCONF_DELIVER_QUEUE ? "queue" : "process");
	ev_run(loop, 0);
	if (ev_is_active(&wakeio)) {
		ev_io_stop(loop, &wakeio);
		close(wakeio.fd);
	}
	/* SIGTERM: the workers finish the message in hand. */
	stop_workers();
	gpgproc_stop(&intake_gpg);
	gpgproc_stop(&decoder_gpg);
	wenv_close(&mainenv);
	vconf_free(&conf);
	g_free(self_exe);
	if (pidfile != NULL)
		unlink(pidfile);
	log_info("stopped");
	return 0;
}
