#!/usr/bin/python3
"""Second IMAP client for the imap_src tests (Python's imaplib, plain LOGIN
on 127.0.0.1).

  imaptool.py PORT USER PASS append MAILBOX FILE...  (creates MAILBOX)
  imaptool.py PORT USER PASS count MAILBOX           prints the count
  imaptool.py PORT USER PASS dump MAILBOX DIR        DIR/N.eml in UID order
  imaptool.py PORT USER PASS list                    prints mailbox names
  imaptool.py PORT USER PASS recreate MAILBOX        DELETE + CREATE
"""
import imaplib
import os
import re
import sys

port, user, password, cmd = sys.argv[1:5]
args = sys.argv[5:]
m = imaplib.IMAP4("127.0.0.1", int(port))
m.login(user, password)


def ok(r):
    if r[0] != "OK":
        sys.exit("imaptool: %s" % (r,))
    return r[1]


if cmd == "append":
    m.create(args[0])               # NO if it exists: fine
    for path in args[1:]:
        with open(path, "rb") as f:
            ok(m.append(args[0], None, None, f.read()))
elif cmd == "count":
    print(int(ok(m.select(args[0], readonly=True))[0]))
elif cmd == "dump":
    ok(m.select(args[0], readonly=True))
    uids = ok(m.uid("SEARCH", None, "ALL"))[0].split()
    for i, uid in enumerate(uids):
        data = ok(m.uid("FETCH", uid, "(BODY.PEEK[])"))
        with open(os.path.join(args[1], "%d.eml" % (i + 1)), "wb") as f:
            f.write(data[0][1])
elif cmd == "list":
    for line in ok(m.list()):
        print(re.sub(r'^.*"[^"]*" "?([^"]*)"?$', r"\1", line.decode()))
elif cmd == "recreate":
    ok(m.delete(args[0]))
    ok(m.create(args[0]))
else:
    sys.exit("imaptool: unknown command " + cmd)
m.logout()
