#!/usr/bin/python3
"""SMTP servers for the smtp_out tests, on 127.0.0.1 and an ephemeral port.

Prints the port on standard output once listening; runs until SIGTERM.

The default is a small fake that does on demand what a real server will
not: refuse with 4xx or 5xx, drop the line in mid-DATA, stay silent, speak
TLS with any certificate. It saves each message exactly as received
(dot-unstuffed, CRLF kept) to SAVE/msg-N.eml and a transcript (AUTH
payloads left out) to SAVE/transcript.log.

With --aiosmtpd it is a real aiosmtpd SMTP server instead (STARTTLS with
--starttls, AUTH with --auth, the TLS requirement for AUTH left on) that
saves envelope.original_content the same way.
"""
import argparse
import asyncio
import base64
import os
import signal
import socket
import socketserver
import ssl
import sys
import threading
import warnings

warnings.simplefilter("ignore")     # aiosmtpd's deprecation notices

ap = argparse.ArgumentParser()
ap.add_argument("--save", required=True)
ap.add_argument("--greet", default="220 fake.test ESMTP fake")
ap.add_argument("--silent", action="store_true",
                help="accept connections and never say a word")
ap.add_argument("--rcpt-fail", action="append", default=[],
                metavar="CODE:SUBSTR", help="refuse RCPTs containing SUBSTR")
ap.add_argument("--rcpt-fail-once", type=int, metavar="CODE",
                help="refuse every RCPT of the first connection only")
ap.add_argument("--drop-in-data", action="store_true")
ap.add_argument("--no-ehlo", action="store_true", help="an RFC 821 server")
ap.add_argument("--data-reply", default="250 2.0.0 queued")
ap.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
ap.add_argument("--smtps", nargs=2, metavar=("CERT", "KEY"))
ap.add_argument("--auth", metavar="USER:PASS")
ap.add_argument("--aiosmtpd", action="store_true")
opt = ap.parse_args()

os.makedirs(opt.save, exist_ok=True)
lock = threading.Lock()
state = {"conn": 0, "msg": 0}


def tls_context(pair):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pair[0], pair[1])
    return ctx


def save(data):
    with lock:
        state["msg"] += 1
        n = state["msg"]
    path = os.path.join(opt.save, "msg-%d.eml" % n)
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.rename(path + ".tmp", path)


def log(line):
    with lock:
        with open(os.path.join(opt.save, "transcript.log"), "a") as f:
            f.write(line + "\n")


class Fake(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def upgrade(self, ctx):
        self.request = ctx.wrap_socket(self.request, server_side=True)
        self.rfile = self.request.makefile("rb")
        self.wfile = self.request.makefile("wb")
        self.tls = True

    def readline(self):
        line = self.rfile.readline(4096)
        if not line:
            raise EOFError
        return line.decode("latin-1").rstrip("\r\n")

    def handle(self):
        with lock:
            state["conn"] += 1
            self.conn = state["conn"]
        self.tls = False
        self.authed = False
        if opt.silent:
            self.rfile.read()       # until the client gives up
            return
        try:
            if opt.smtps:
                self.upgrade(tls_context(opt.smtps))
            self.session()
        except (EOFError, ConnectionError, ssl.SSLError, OSError):
            pass

    def finish(self):
        try:
            super().finish()
        except (ConnectionError, ssl.SSLError, OSError):
            pass

    def ehlo_lines(self):
        lines = ["fake.test", "PIPELINING", "SIZE 10000000", "8BITMIME"]
        if opt.starttls and not self.tls:
            lines.append("STARTTLS")
        if opt.auth:
            lines.append("AUTH PLAIN LOGIN")
        return lines

    def check_auth(self, user, password):
        ok = opt.auth == "%s:%s" % (user, password)
        log("AUTH user=%s ok=%d tls=%d" % (user, int(ok), int(self.tls)))
        if ok:
            self.authed = True
            self.reply("235 2.7.0 ok")
        else:
            self.reply("535 5.7.8 authentication failed")

    def session(self):
        self.reply(opt.greet)
        if not opt.greet.startswith("220"):
            return
        rcpts = []
        while True:
            line = self.readline()
            cmd = line.upper()
            if not cmd.startswith("AUTH"):
                log("C: %s (tls=%d)" % (line, int(self.tls)))
            if cmd.startswith("EHLO") and opt.no_ehlo:
                self.reply("502 5.5.2 EHLO not implemented")
            elif cmd.startswith("EHLO"):
                lines = self.ehlo_lines()
                for l in lines[:-1]:
                    self.reply("250-" + l)
                self.reply("250 " + lines[-1])
            elif cmd.startswith("HELO"):
                self.reply("250 fake.test")
            elif cmd == "STARTTLS" and opt.starttls and not self.tls:
                self.reply("220 2.0.0 go ahead")
                self.upgrade(tls_context(opt.starttls))
            elif cmd.startswith("AUTH PLAIN"):
                arg = line[10:].strip()
                if not arg:
                    self.reply("334 ")
                    arg = self.readline()
                parts = base64.b64decode(arg).split(b"\0")
                self.check_auth(parts[1].decode(), parts[2].decode())
            elif cmd.startswith("AUTH LOGIN"):
                self.reply("334 VXNlcm5hbWU6")
                user = base64.b64decode(self.readline()).decode()
                self.reply("334 UGFzc3dvcmQ6")
                password = base64.b64decode(self.readline()).decode()
                self.check_auth(user, password)
            elif cmd.startswith("MAIL FROM:"):
                if opt.auth and not self.authed:
                    self.reply("530 5.7.0 authentication required")
                    continue
                rcpts = []
                self.reply("250 2.1.0 ok")
            elif cmd.startswith("RCPT TO:"):
                code = None
                if opt.rcpt_fail_once and self.conn == 1:
                    code = opt.rcpt_fail_once
                for spec in opt.rcpt_fail:
                    c, sub = spec.split(":", 1)
                    if sub in line:
                        code = int(c)
                if code:
                    self.reply("%d %d.1.1 refused for test" %
                               (code, code // 100))
                else:
                    rcpts.append(line)
                    self.reply("250 2.1.5 ok")
            elif cmd == "DATA":
                if not rcpts:
                    self.reply("554 5.5.1 no valid recipients")
                    continue
                self.reply("354 go ahead")
                if opt.drop_in_data:
                    self.rfile.readline()
                    self.request.shutdown(socket.SHUT_RDWR)
                    return
                data = b""
                while True:
                    l = self.rfile.readline()
                    if not l:
                        raise EOFError
                    if l == b".\r\n":
                        break
                    if l.startswith(b"."):
                        l = l[1:]
                    data += l
                if opt.data_reply.startswith("2"):
                    save(data)
                self.reply(opt.data_reply)
            elif cmd == "RSET":
                rcpts = []
                self.reply("250 ok")
            elif cmd == "NOOP":
                self.reply("250 ok")
            elif cmd == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 5.5.2 what")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass        # clients hanging up on TLS are part of the tests


def run_fake():
    srv = Server(("127.0.0.1", 0), Fake)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


def run_aiosmtpd():
    from aiosmtpd.smtp import SMTP, AuthResult

    class Saver:
        async def handle_DATA(self, server, session, envelope):
            save(envelope.original_content)
            log("MAIL from=%s rcpts=%s tls=%d" % (
                envelope.mail_from, ",".join(envelope.rcpt_tos),
                int(session.ssl is not None)))
            return "250 2.0.0 queued"

    def authenticator(server, session, envelope, mechanism, data):
        ok = opt.auth == "%s:%s" % (data.login.decode(),
                                    data.password.decode())
        log("AUTH %s user=%s ok=%d" % (mechanism, data.login.decode(),
                                       int(ok)))
        # handled=False: aiosmtpd then answers 535 itself.
        return AuthResult(success=ok, handled=False)

    ctx = tls_context(opt.starttls) if opt.starttls else None
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        return SMTP(Saver(), hostname="aiosmtpd.test", tls_context=ctx,
                    require_starttls=ctx is not None,
                    authenticator=authenticator if opt.auth else None,
                    auth_required=bool(opt.auth), auth_require_tls=True)

    srv = loop.run_until_complete(
        loop.create_server(factory, host="127.0.0.1", port=0))
    print(srv.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


def watch_parent(ppid):
    # A test that fails an assertion dies without stopping us: follow it.
    while os.getppid() == ppid:
        threading.Event().wait(0.2)
    os._exit(0)


signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
threading.Thread(target=watch_parent, args=(os.getppid(),),
                 daemon=True).start()
if opt.aiosmtpd:
    run_aiosmtpd()
else:
    run_fake()
