#!/usr/bin/python3
"""strip-backsig.py < KEY.gpg > OUT.gpg: drops the embedded back-signature
(subpacket 32, which GnuPG 2.2 puts in the UNHASHED area) from every subkey
binding signature (0x18) of a binary key block. The binding stays valid, and
gpg 2.2.40 imports the result without a word: a signing subkey without
cross-certification, as an attacker who claims someone else's key as his
signing subkey would make it (tests/check_keys.c)."""
import sys

def packets(b):
    i = 0
    while i < len(b):
        c = b[i]; i += 1
        if c & 0x40:
            tag = c & 0x3f
            o = b[i]; i += 1
            if o < 192: n = o
            elif o < 224: n = ((o - 192) << 8) + b[i] + 192; i += 1
            elif o == 255: n = int.from_bytes(b[i:i+4], 'big'); i += 4
            else: raise SystemExit('partial lengths unsupported')
        else:
            tag = (c >> 2) & 0x0f
            lt = c & 3
            if lt == 3: raise SystemExit('indeterminate length unsupported')
            w = (1, 2, 4)[lt]
            n = int.from_bytes(b[i:i+w], 'big'); i += w
        yield tag, b[i:i+n]; i += n

def subpackets(b):
    i = 0
    while i < len(b):
        o = b[i]
        if o < 192: n, h = o, 1
        elif o < 255: n, h = ((o - 192) << 8) + b[i+1] + 192, 2
        else: n, h = int.from_bytes(b[i+1:i+5], 'big'), 5
        yield b[i:i+h+n], b[i+h] & 0x7f
        i += h + n

def header(tag, n):
    if n < 192: return bytes([0xc0 | tag, n])
    if n < 8384: n -= 192; return bytes([0xc0 | tag, (n >> 8) + 192, n & 0xff])
    return bytes([0xc0 | tag, 255]) + n.to_bytes(4, 'big')

out = bytearray()
for tag, body in packets(sys.stdin.buffer.read()):
    if tag == 2 and body[0] == 4 and body[1] == 0x18:
        hl = int.from_bytes(body[4:6], 'big')
        p = 6 + hl
        ul = int.from_bytes(body[p:p+2], 'big')
        unh = b''.join(s for s, t in subpackets(body[p+2:p+2+ul]) if t != 32)
        body = body[:p] + len(unh).to_bytes(2, 'big') + unh + body[p+2+ul:]
    out += header(tag, len(body)) + body
sys.stdout.buffer.write(out)
