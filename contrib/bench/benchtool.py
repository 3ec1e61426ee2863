#!/usr/bin/python3
"""Helpers of contrib/bench/bench.sh (measurement only; nothing here is
part of vulture).

  benchtool.py stamp                       stdin -> stdout, each line
                                           prefixed with the time.time() at
                                           which it was read
  benchtool.py extract DIR FILE...         the OpenPGP part of each message
                                           into DIR/NAME.asc
  benchtool.py append PORT USER PASS MBOX OUT RATE FILE...
                                           APPENDs the files (RATE per
                                           second, 0: as fast as possible);
                                           OUT gets "uid t_start t_done file"
  benchtool.py latency LOG APPENDS         per message APPEND->applied from
                                           the stamped vultured log; prints
                                           the summary as key=value
  benchtool.py pct P VALUES...             the P-th percentile (nearest rank)
  benchtool.py run JOBS OUT                runs each line of JOBS,
                                           "stdin<TAB>stdout<TAB>argv..." (tab
                                           separated; "-" for /dev/null), one
                                           after the other; OUT gets
                                           "wall_s maxrss_kb exit" per line
  benchtool.py cpu                         /proc/stat per-CPU busy and total
                                           jiffies, "cpuN busy total"
  benchtool.py proccpu PID                 utime+stime and cutime+cstime of
                                           a process, in seconds
"""
import email
import imaplib
import math
import os
import re
import subprocess
import sys
import time


def stamp():
    inp = sys.stdin.buffer
    out = sys.stdout.buffer
    while True:
        line = inp.readline()
        if not line:
            break
        out.write(b"%.6f " % time.time() + line)
        out.flush()


def extract(d, files):
    for path in files:
        with open(path, "rb") as f:
            m = email.message_from_binary_file(f)
        for p in m.walk():
            if p.get_content_type() == "application/octet-stream":
                name = os.path.basename(path).rsplit(".", 1)[0] + ".asc"
                with open(os.path.join(d, name), "wb") as o:
                    o.write(p.get_payload(decode=True))
                break
        else:
            sys.exit("no OpenPGP part in " + path)


def append(port, user, password, mbox, out, rate, files):
    m = imaplib.IMAP4("127.0.0.1", int(port))
    m.login(user, password)
    m.create(mbox)
    rate = float(rate)
    t0 = time.time()
    with open(out, "w") as o:
        for i, path in enumerate(files):
            if rate > 0:
                due = t0 + i / rate
                now = time.time()
                if due > now:
                    time.sleep(due - now)
            with open(path, "rb") as f:
                data = f.read()
            ts = time.time()
            typ, resp = m.append(mbox, None, None, data)
            td = time.time()
            if typ != "OK":
                sys.exit("APPEND %s: %s" % (path, resp))
            mm = re.search(rb"APPENDUID \d+ (\d+)", resp[0] or b"")
            if not mm:
                sys.exit("no APPENDUID (UIDPLUS) from the server")
            o.write("%s %.6f %.6f %s\n" % (mm.group(1).decode(), ts, td,
                                           path))
            o.flush()
    m.logout()


def pct(p, vals):
    """Nearest-rank percentile."""
    vals = sorted(vals)
    if not vals:
        return float("nan")
    k = max(1, int(math.ceil(p / 100.0 * len(vals))))
    return vals[k - 1]


def latency(log, appends):
    uid_row, applied, stored = {}, {}, {}
    kinds = {}
    for line in open(log, errors="replace"):
        parts = line.split(" ", 1)
        if len(parts) != 2:
            continue
        t, rest = float(parts[0]), parts[1]
        m = re.search(r"message (\d+) stored source=imap uid=(\d+)", rest)
        if m:
            uid_row.setdefault(int(m.group(2)), int(m.group(1)))
            stored.setdefault(int(m.group(1)), t)
            continue
        m = re.search(r"message (\d+) (apply|quarantine|ignore) kind=(\S+)",
                      rest)
        if m:
            applied.setdefault(int(m.group(1)), t)
            kinds[int(m.group(1))] = m.group(2)
    lat, first, last, missing, napplied = [], None, None, 0, 0
    busy = None             # the first of these messages stored
    for line in open(appends):
        uid, ts, td, _ = line.split(" ", 3)
        uid, ts, td = int(uid), float(ts), float(td)
        first = ts if first is None else min(first, ts)
        row = uid_row.get(uid)
        if row is None or row not in applied:
            missing += 1
            continue
        if kinds.get(row) == "apply":
            napplied += 1
        if row in stored:
            busy = stored[row] if busy is None else min(busy, stored[row])
        # From the server's OK to the APPEND (the message is in the
        # mailbox) to the log line written after the commit.
        lat.append(applied[row] - td)
        last = applied[row] if last is None else max(last, applied[row])
    n = len(lat)
    span = (last - first) if n else float("nan")
    print("n=%d missing=%d applied=%d" % (n, missing, napplied))
    print("p50=%.3f p90=%.3f p99=%.3f max=%.3f" % (
        pct(50, lat), pct(90, lat), pct(99, lat), max(lat) if lat else 0))
    # The rate while messages queue: from the first stored to the last
    # applied (the server's IDLE notice and the APPENDs are not ours).
    work = (last - busy) if n and busy is not None else float("nan")
    print("span=%.3f rate=%.2f first=%.6f last=%.6f busy=%.6f work=%.3f "
          "wrate=%.2f" % (span, n / span if n and span > 0 else 0,
                          first or 0, last or 0, busy or 0, work,
                          n / work if n and work > 0 else 0))


def run(jobs, out):
    with open(jobs) as j, open(out, "w") as o:
        for line in j:
            f = line.rstrip("\n").split("\t")
            sin = open(f[0] if f[0] != "-" else os.devnull, "rb")
            sout = open(f[1] if f[1] != "-" else os.devnull, "wb")
            t0 = time.perf_counter()
            p = subprocess.Popen(f[2:], stdin=sin, stdout=sout,
                                 stderr=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            sin.close()
            sout.close()
            o.write("%.6f %d %d\n" % (wall, ru.ru_maxrss, p.returncode))


def cpu():
    for line in open("/proc/stat"):
        f = line.split()
        if re.match(r"cpu\d+$", f[0]):
            v = [int(x) for x in f[1:]]
            idle = v[3] + v[4]          # idle + iowait
            print(f[0], sum(v) - idle, sum(v))


def cpulog(out):
    """Every 0.1 s until killed: "time busy_ticks total_ticks" of the whole
    machine, to tell the cores busy in a window, whoever used them."""
    parent = os.getppid()
    with open(out, "w", buffering=1) as o:
        while os.getppid() == parent:   # not past the benchmark's exit
            busy = total = 0
            for line in open("/proc/stat"):
                f = line.split()
                if re.match(r"cpu\d+$", f[0]):
                    v = [int(x) for x in f[1:]]
                    busy += sum(v) - v[3] - v[4]
                    total += sum(v)
            o.write("%.6f %d %d\n" % (time.time(), busy, total))
            time.sleep(0.1)


def proccpu(pid):
    s = open("/proc/%s/stat" % pid).read()
    f = s[s.rindex(")") + 2:].split()
    hz = os.sysconf("SC_CLK_TCK")
    # Fields 14-17 of stat(5), counted from after the command name.
    print("%.2f %.2f" % ((int(f[11]) + int(f[12])) / hz,
                         (int(f[13]) + int(f[14])) / hz))


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "stamp":
        stamp()
    elif cmd == "extract":
        extract(a[0], a[1:])
    elif cmd == "append":
        append(a[0], a[1], a[2], a[3], a[4], a[5], a[6:])
    elif cmd == "latency":
        latency(a[0], a[1])
    elif cmd == "pct":
        print("%.4f" % pct(float(a[0]), [float(x) for x in a[1:]]))
    elif cmd == "run":
        run(a[0], a[1])
    elif cmd == "cpu":
        cpu()
    elif cmd == "cpulog":
        cpulog(a[0])
    elif cmd == "proccpu":
        proccpu(a[0])
    else:
        sys.exit("benchtool: unknown command " + cmd)


if __name__ == "__main__":
    main()
