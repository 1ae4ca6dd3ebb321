#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora to fuzz/corpus/<target>/ from what the tests already hold.

- x224: every captured reply (hex string) in src/wire/x224/tests.rs.
- tls: src/wire/tls/testdata/*.bin (captured server flights).
- certificate: fixtures/*.cert.pem, and the run-time fixtures of `rdptls fixtures --out` when an rdptls binary
  is given (RDPTLS=path), each certificate of each chain converted to DER.
- credssp: the TSRequest samples of src/wire/credssp/ tests: Seth's errorCode reply, and a version 6 reply
  carrying the NTLM CHALLENGE of the tests (CORP, RDP01, Windows 10.0.17763), plus the CHALLENGE alone.
- mcs: src/wire/mcs/testdata/*.hex (xrdp's captured Connect-Responses, rdptls's Connect-Initials and a Set Error
  Info), and an ultimatum, an Attach User Confirm and a Channel Join Confirm.
Run from anywhere: python3 fuzz/make-corpus.py. Deterministic apart from the run-time fixtures' dates.
"""
import base64
import glob
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def out(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def x224():
    src = open(os.path.join(ROOT, "src/wire/x224/tests.rs")).read()
    seen = set()
    for h in re.findall(r'"((?:[0-9a-fA-F]{2}){4,})"', src):
        if h.startswith("03") and h not in seen:
            seen.add(h)
            out("x224", f"reply-{len(seen):02d}.bin", bytes.fromhex(h))


def tls():
    for p in sorted(glob.glob(os.path.join(ROOT, "src/wire/tls/testdata/*.bin"))):
        with open(p, "rb") as f:
            data = f.read()
        # The harness reads its first byte as the size of the chunks the rest arrives in: 255 and 1.
        out("tls", os.path.basename(p), b"\xff" + data)
        out("tls", "bytewise-" + os.path.basename(p), b"\x01" + data)


def pem_certs(text):
    for b64 in re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S):
        yield base64.b64decode("".join(b64.split()))


def certificate():
    pems = sorted(glob.glob(os.path.join(ROOT, "fixtures/*.cert.pem")))
    tmp = None
    rdptls = os.environ.get("RDPTLS")
    if rdptls:
        tmp = tempfile.mkdtemp()
        subprocess.run([rdptls, "fixtures", "--out", tmp], check=True, stdout=subprocess.DEVNULL)
        pems += sorted(glob.glob(os.path.join(tmp, "*.pem")))
    for p in pems:
        name = os.path.basename(p).replace(".pem", "")
        for i, der in enumerate(pem_certs(open(p).read())):
            out("certificate", f"{name}-{i}.der", der)
    if tmp:
        shutil.rmtree(tmp)


def der(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82]) + struct.pack(">H", n)
    return bytes([tag]) + length + content


def utf16(s):
    return s.encode("utf-16-le")


def ntlm_challenge():
    """The CHALLENGE of the credssp tests: target CORP, RDP01 / rdp01.corp.example, Windows 10.0.17763."""
    target = utf16("CORP")
    pairs = [(2, utf16("CORP")), (1, utf16("RDP01")), (4, utf16("corp.example")),
             (3, utf16("rdp01.corp.example")), (7, struct.pack("<Q", 132_999_999_990_000_000))]
    info = b"".join(struct.pack("<HH", i, len(v)) + v for i, v in pairs) + struct.pack("<HH", 0, 0)
    header_len = 8 + 4 + 8 + 4 + 8 + 8 + 8 + 8
    flags = 0x00000001 | 0x00000004 | 0x00800000 | 0x02000000  # UNICODE, REQUEST_TARGET, TARGET_INFO, VERSION
    msg = b"NTLMSSP\0" + struct.pack("<I", 2)
    msg += struct.pack("<HHI", len(target), len(target), header_len)
    msg += struct.pack("<I", flags) + bytes(range(1, 9)) + bytes(8)
    msg += struct.pack("<HHI", len(info), len(info), header_len + len(target))
    msg += bytes([10, 0]) + struct.pack("<H", 17763) + bytes([0, 0, 0, 15])
    return msg + target + info


def credssp():
    out("credssp", "seth-error-code.bin",
        bytes.fromhex("300da003020104a4060204c000005e"))
    token = ntlm_challenge()
    ts = der(0x30, der(0xA0, der(0x02, b"\x06")) +
             der(0xA1, der(0x30, der(0x30, der(0xA0, der(0x04, token))))))
    out("credssp", "v6-challenge.bin", ts)
    out("credssp", "challenge.bin", token)


def mcs():
    for path in sorted(glob.glob(os.path.join(ROOT, "src", "wire", "mcs", "testdata", "*.hex"))):
        name = os.path.basename(path)[:-len(".hex")] + ".bin"
        with open(path) as f:
            out("mcs", name, bytes.fromhex(f.read().strip()))
    out("mcs", "ultimatum.bin", bytes.fromhex("0300000902f0802180"))
    out("mcs", "attach-user-confirm.bin", bytes.fromhex("0300000b02f0802e000006"))
    out("mcs", "channel-join-confirm.bin", bytes.fromhex("0300000f02f0803e00000603eb03eb"))


def main():
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)
    x224()
    tls()
    certificate()
    credssp()
    mcs()
    for t in sorted(os.listdir(CORPUS)):
        print(f"{t}: {len(os.listdir(os.path.join(CORPUS, t)))} seeds")


if __name__ == "__main__":
    sys.exit(main())
