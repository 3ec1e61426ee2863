#!/usr/bin/python3
"""Builds a vendor's reply the way mail clients do, with real gpg.

Shapes: combined (PGP/MIME, one signed+encrypted OpenPGP message),
nested (PGP/MIME encrypted multipart/signed), signed (multipart/signed
only), inline (armored signed+encrypted block in text/plain), clearsigned,
exchange (Outlook-mangled multipart/mixed), encrypted (no signature),
plain. The message goes to standard output.
"""
import argparse
import email.encoders
import email.header
import email.policy
import email.utils
import subprocess
import sys
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

POL = email.policy.SMTP


GPG_EXTRA = []
PASSPHRASE = [""]


def gpg(home, args, data):
    p = subprocess.run(["gpg", "--homedir", home, "--batch", "--yes"] +
                       GPG_EXTRA + [
                        "--pinentry-mode", "loopback", "--passphrase",
                        PASSPHRASE[0],
                        "--trust-model", "always", "--armor"] + args,
                       input=data, capture_output=True)
    if p.returncode != 0:
        sys.exit("gpg failed: " + p.stderr.decode(errors="replace"))
    return p.stdout


def inner_part(a):
    text = a.body
    if a.body_file:
        text = open(a.body_file, encoding="utf-8").read()
    part = MIMEText(text, "plain", a.charset)
    if a.protected_subject:
        # RFC 9788 / protected-headers v1: the real Subject inside.
        part.replace_header("Content-Type", part["Content-Type"] +
                            '; protected-headers="v1"')
        part["Subject"] = hdr(a.protected_subject)
        # As Thunderbird does: To is protected too (vulture(7): a
        # coordinator's block must name the desk inside the signature).
        if a.protected_to != "":
            part["To"] = a.protected_to or a.to
    for path in a.attach or []:
        mixed = MIMEMultipart("mixed")
        if a.protected_subject:
            mixed.set_param("protected-headers", "v1")
            mixed["Subject"] = hdr(a.protected_subject)
            if a.protected_to != "":
                mixed["To"] = a.protected_to or a.to
            del part["Subject"]
            del part["To"]
            # As clients do: the parameter is on the root only (a text
            # part carrying it is a legacy display part).
            part.del_param("protected-headers")
        mixed.attach(part)
        data = open(path, "rb").read()
        if path.endswith(".asc"):
            att = MIMEApplication(data, "pgp-keys",
                                  email.encoders.encode_7or8bit)
        elif path.endswith(".txt"):
            att = MIMEText(data.decode("utf-8"), "plain", "utf-8")
        else:
            att = MIMEApplication(data)
        att.add_header("Content-Disposition", "attachment",
                       filename=path.rsplit("/", 1)[-1])
        mixed.attach(att)
        part = mixed
    return part


def hdr(v):
    """RFC 2047 for non-ASCII values, as clients send them."""
    try:
        v.encode("ascii")
        return v
    except UnicodeEncodeError:
        return email.header.Header(v, "utf-8").encode()


def crlf(b):
    return b.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True, help="GNUPGHOME of the sender")
    ap.add_argument("--signer")
    ap.add_argument("--recipient", action="append", default=[])
    ap.add_argument("--shape", default="combined")
    ap.add_argument("--from", dest="from_", default="psirt@acme.example")
    ap.add_argument("--to", default="vultures@cert.example")
    ap.add_argument("--subject", default="Re: [JVNVU#00000000]")
    ap.add_argument("--protected-subject")
    ap.add_argument("--protected-to", help="the protected To (default: "
                    "--to; empty: none)")
    ap.add_argument("--in-reply-to")
    ap.add_argument("--message-id")
    ap.add_argument("--body", default="")
    ap.add_argument("--body-file")
    ap.add_argument("--charset", default="utf-8")
    ap.add_argument("--attach", action="append")
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--gpg-arg", action="append", default=[],
                    help="extra gpg option for every gpg run")
    ap.add_argument("--sign-arg", action="append", default=[],
                    help="extra gpg option for the detached signature of "
                    "the nested shape, e.g. --faked-system-time=...")
    ap.add_argument("--passphrase", default="",
                    help="of the signer's secret key")
    a = ap.parse_args()
    GPG_EXTRA.extend(a.gpg_arg)
    PASSPHRASE[0] = a.passphrase

    rcpt = []
    for r in a.recipient:
        rcpt += ["--recipient", r]
    sign = ["--local-user", a.signer] if a.signer else []
    inner = inner_part(a)
    inner_bytes = crlf(inner.as_bytes(policy=POL))

    if a.shape in ("combined", "exchange", "encrypted"):
        ops = (["--sign"] + sign if a.shape != "encrypted" else []) + \
            ["--encrypt"] + rcpt
        armored = gpg(a.home, ops, inner_bytes)
        ver = MIMEApplication(b"Version: 1\n", "pgp-encrypted",
                              email.encoders.encode_7or8bit)
        enc = MIMEApplication(armored, "octet-stream",
                              email.encoders.encode_7or8bit)
        enc.add_header("Content-Disposition", "inline",
                       filename="encrypted.asc")
        if a.shape == "exchange":
            msg = MIMEMultipart("mixed")
            ver.add_header("Content-Disposition", "attachment",
                           filename="PGPMIME Versions Identification")
            msg.attach(ver)
            msg.attach(enc)
        else:
            msg = MIMEMultipart("encrypted",
                                protocol="application/pgp-encrypted")
            msg.attach(ver)
            msg.attach(enc)
    elif a.shape in ("nested", "signed"):
        sig = gpg(a.home, a.sign_arg + ["--detach-sign"] + sign, inner_bytes)
        signed = MIMEMultipart("signed", protocol="application/pgp-signature",
                               micalg="pgp-sha256")
        signed.attach(inner)
        sp = MIMEApplication(sig, "pgp-signature",
                             email.encoders.encode_7or8bit)
        signed.attach(sp)
        if a.shape == "signed":
            msg = signed
        else:
            body = crlf(signed.as_bytes(policy=POL))
            armored = gpg(a.home, ["--encrypt"] + rcpt, body)
            msg = MIMEMultipart("encrypted",
                                protocol="application/pgp-encrypted")
            msg.attach(MIMEApplication(b"Version: 1\n", "pgp-encrypted",
                                       email.encoders.encode_7or8bit))
            msg.attach(MIMEApplication(armored, "octet-stream",
                                       email.encoders.encode_7or8bit))
    elif a.shape == "inline":
        text = a.body if not a.body_file else open(a.body_file).read()
        armored = gpg(a.home, ["--sign"] + sign + ["--encrypt"] + rcpt,
                      text.encode(a.charset))
        msg = MIMEText(armored.decode(), "plain", "us-ascii")
    elif a.shape == "clearsigned":
        text = a.body if not a.body_file else open(a.body_file).read()
        cs = gpg(a.home, ["--clearsign"] + sign, text.encode("utf-8"))
        msg = MIMEText(cs.decode("utf-8"), "plain", "utf-8")
    elif a.shape == "plain":
        msg = inner
        if a.protected_subject:
            del msg["Subject"]
            del msg["To"]
    else:
        sys.exit("unknown shape " + a.shape)

    msg["From"] = a.from_
    msg["To"] = a.to
    msg["Subject"] = hdr(a.subject)
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = a.message_id or email.utils.make_msgid("vendor")
    if a.in_reply_to:
        msg["In-Reply-To"] = "<%s>" % a.in_reply_to
        msg["References"] = "<%s>" % a.in_reply_to
    for h in a.header:
        k, v = h.split(":", 1)
        msg[k] = v.strip()
    sys.stdout.buffer.write(crlf(msg.as_bytes(policy=POL)))


if __name__ == "__main__":
    main()
