#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A ckubeadm that differs from the real one in one byte (tests/selftest/run.sh).

Runs $SELFTEST_REAL with the same arguments, standard input and environment, then changes one
byte of what it produced, as a faulty ckubeadm would:
  SELFTEST_FLIP=file    one file the run wrote (new or changed): the first in path order under
                        the directories the run may write to (--rootfs, --cert-dir,
                        --kubeconfig-dir, the config's certificatesDir, the dry-run directories);
  SELFTEST_FLIP=output  its standard output (its standard error when it printed nothing).
The byte: the case of the first ASCII letter of the last non-empty line ("-----END
CERTIFICATE-----" becomes "-----eND ...", "kind: Pod" becomes "Kind: Pod"). `version` is left
alone: the suites' start check is not what is tested. Every change is logged to $SELFTEST_LOG.
Only directories under /tmp or /var/tmp (two levels down at least) are ever looked at, so
nothing outside a suite's own temporary directories can be changed.
"""
import hashlib
import os
import subprocess
import sys

real = os.environ["SELFTEST_REAL"]
mode = os.environ.get("SELFTEST_FLIP", "output")
args = sys.argv[1:]


def log(msg):
    try:
        with open(os.environ["SELFTEST_LOG"], "a") as f:
            f.write(msg + "\n")
    except (KeyError, OSError):
        pass


def flip(data):
    """The data with the case of one letter changed, and the line changed (for the log)."""
    lines = data.split(b"\n")
    for i in range(len(lines) - 1, -1, -1):
        for j, c in enumerate(lines[i]):
            if 65 <= c <= 90 or 97 <= c <= 122:
                old = lines[i]
                lines[i] = old[:j] + bytes([c ^ 0x20]) + old[j + 1:]
                return b"\n".join(lines), f"line {i + 1} column {j + 1}: {chr(c)} -> {chr(c ^ 0x20)}"
    if not data:
        return data, None
    return data[:-1] + bytes([data[-1] ^ 1]), "last byte"


if not args or args[0] == "version":
    os.execv(real, [real] + args)


def opt(name):
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a[len(name) + 1:]
    return None


def safe(d):
    p = os.path.realpath(d)
    return p.startswith(("/tmp/", "/var/tmp/")) and len(p.strip("/").split("/")) >= 3


def candidates():
    rootfs = opt("--rootfs")
    inside = (lambda p: rootfs + p if rootfs and p.startswith("/") else p)
    dirs = []
    if rootfs:
        dirs.append(rootfs)
    for name in ("--cert-dir", "--kubeconfig-dir"):
        v = opt(name)
        if v:
            dirs.append(inside(v))
    cfg = opt("--config")
    if cfg:
        try:
            with open(inside(cfg)) as f:
                for line in f:
                    if line.strip().startswith("certificatesDir:"):
                        dirs.append(inside(line.split(":", 1)[1].strip().strip('"')))
        except OSError:
            pass
    for var in ("KUBEADM_INIT_DRYRUN_DIR", "KUBEADM_JOIN_DRYRUN_DIR"):
        v = os.environ.get(var)
        if v:
            dirs.append(inside(v) if v.startswith("/") else os.path.join(os.getcwd(), v))
    return [d for d in dirs if safe(d)]


def snapshot(dirs):
    seen = {}
    for d in dirs:
        for top, _, files in os.walk(d):
            for n in files:
                p = os.path.join(top, n)
                try:
                    if os.path.islink(p) or not os.path.isfile(p):
                        continue
                    with open(p, "rb") as f:
                        seen[os.path.realpath(p)] = hashlib.sha256(f.read()).hexdigest()
                except OSError:
                    pass
    return seen


if mode == "file":
    dirs = candidates()
    before = snapshot(dirs)
    rc = subprocess.call([real] + args)
    after = snapshot(dirs)
    written = sorted(p for p, h in after.items() if before.get(p) != h)
    if written:
        with open(written[0], "r+b") as f:
            data, what = flip(f.read())
            f.seek(0)
            f.write(data)
        log(f"file {written[0]}: {what} ({' '.join(args[:4])})")
    sys.exit(rc if rc >= 0 else 128 - rc)

p = subprocess.run([real] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = p.stdout, p.stderr
if out:
    out, what = flip(out)
    log(f"stdout: {what} ({' '.join(args[:4])})")
elif err:
    err, what = flip(err)
    log(f"stderr: {what} ({' '.join(args[:4])})")
sys.stdout.buffer.write(out)
sys.stdout.flush()
sys.stderr.buffer.write(err)
sys.stderr.flush()
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)
