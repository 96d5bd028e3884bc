#!/usr/bin/env python3
"""The console output of `init`, `join` and `reset` on the bed, the kubeadm under test against
the reference's on the same steps: stdout and stderr in the order the tool wrote them (each
run sends both to one file, so the order is the tool's own), every fixed text compared.

  console.py compare init|join REFERENCE-LOGS OTHER-LOGS
      REFERENCE-LOGS, OTHER-LOGS: log directories ($CKUBEADM_E2E_LOGS) of two runs of
      tests/e2e/run.sh (init) or of tests/e2e/join.sh (join). One line per console output that
      script keeps (`ok` or `FAIL`), each FAIL followed by a diff of the two masked texts; then
      "N passed, N failed, 0 skipped" (an output missing on either side, or one where the
      reference did not complete the step, fails: nothing is skipped). Exits 1 on any failure.
  console.py mask FILE
      the text as it is compared: run-dependent values masked (to look at a comparison).
  console.py selftest init|join REFERENCE-LOGS
      the comparator against itself, on the reference's own outputs: each output is there and
      holds the line of a completed step; each equals itself; each with every run-dependent
      value changed (another token, CA hash, certificate key, klog time, pid and source
      location, durations, order of parallel checks and of a joining control plane's
      certificates, one more etcd client retry line) still equals; each with one fixed word of
      one line changed, or one line removed, differs. A comparator that masked fixed text, or
      compared nothing, goes red here.

Only values that differ from run to run of the SAME kubeadm on the same bed are masked; the rule
beside each mask says why. The texts around them (phase prefixes, messages, paths, addresses,
node names, the join command's flags) are compared as they are.
"""
import difflib
import os
import random
import re
import sys

# The console outputs each script of the bed keeps: file in the log directory, what it is, and
# a line that the reference's output must hold, the last words kubeadm prints when the step
# went as the script expects. Without it the reference did not run the step (a bed that could
# not start either tool writes the same error on both sides, which would compare equal).
# join.sh's join_node stamps each line with the time it was read (milliseconds, then a space):
# those files are named *-join.out and the stamp is removed first.
INITIALISED = "Your Kubernetes control-plane has initialized successfully!"
JOINED = "This node has joined the cluster:"
JOINED_CP = "This node has joined the cluster and a new control plane instance was created:"
INIT_OUTPUTS = (
    ("init.log", "init on cp1", INITIALISED),
)
JOIN_OUTPUTS = (
    ("init.log", "init on cp1 (controlPlaneEndpoint, --upload-certs)", INITIALISED),
    ("w1-wrong-pin.out", "w1: join with a wrong CA pin, refused",
     "error: error execution phase preflight: couldn't validate the identity of the API Server: "
     "cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "),
    ("w1-join.out", "w1: join with the join command cp1 printed", JOINED),
    ("w2-join.out", "w2: join with --discovery-file and --tls-bootstrap-token", JOINED),
    ("cp2-join.out", "cp2: join --control-plane --certificate-key", JOINED_CP),
    ("cp2-reset.out", "cp2: reset -f",
     "The reset process does not perform cleanup of CNI plugin configuration,"),
    ("cp2-again-join.out", "cp2: join --control-plane again after its reset", JOINED_CP),
)
STAMP = re.compile(r"^\d{10,} ")

# Go's time.Duration %v: 1h2m3.5s, 4m0s, 1.000570793s, 501.2ms, 85.4µs, 300ns
DURATION = r"(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?(?:s|ms|µs|ns)"
MASKS = (
    # klog's header: severity, then the date and time of the line, the process id and the
    # source file:line of the call (Go source; ckubeadm writes its own name) — all three
    # differ by run or by build. The severity and the message stay.
    (re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [^ \]]+\] ", re.M), r"\1<mmdd time> <pid> <source>] "),
    # a bootstrap token: its id and secret are random (`[bootstrap-token] Using token: ...`,
    # the printed join commands)
    (re.compile(r"\b[a-z0-9]{6}\.[a-z0-9]{16}\b"), "<token>"),
    # the SHA-256 pin of the cluster CA's public key: a new CA (a new key) each run. The
    # all-zero pin join.sh passes on purpose (a wrong pin) is fixed and kept.
    (re.compile(r"\bsha256:(?!0{64}\b)[0-9a-f]{64}\b"), "sha256:<CA public key hash>"),
    # the certificate key (`kubeadm certs certificate-key`, random each run): on its own line
    # after "[upload-certs] Using certificate key:" and in the control-plane join command
    (re.compile(r"^[0-9a-f]{64}$", re.M), "<certificate key>"),
    (re.compile(r"(--certificate-key )[0-9a-f]{64}\b"), r"\1<certificate key>"),
    # how long a wait took ("The kubelet is healthy after 1.0012s", "[control-plane-check]
    # kube-apiserver is healthy after 4.5s"): a time of this run; the unit syntax is Go's
    # and is kept (a duration written another way does not match and is compared as text)
    (re.compile(r"\b(after )" + DURATION + r"\b"), r"\1<duration>"),
)

# `[control-plane-check] X is healthy after D`: kubeadm checks the components in parallel
# (apiclient/wait.go, one goroutine per component started after its "Checking" line), so the
# order in which these lines come is run-dependent. In each block of consecutive "Checking" and
# "is (not) healthy" lines the "Checking" lines keep their order and come first, the "healthy"
# lines follow sorted; each line itself is compared as it is.
CP_CHECK = re.compile(r"^\[control-plane-check\] (Checking \S+ at \S+|\S+ is (not )?healthy after \S+)$")


# A joining control plane's certificates: certs.CreatePKIAssets walks a Go map of CAs, each
# with its leaves collected from another map (phases/certs/certlist.go CertTree, CreateTree),
# so the order of its `[certs] Generating "X" certificate and key` lines (each with its
# "serving cert is signed for" line) changes from run to run of the reference (cp2's two joins
# of one run came in two orders). In a block of such lines that ends with "[certs] Valid
# certificates and keys now exist in" (CreatePKIAssets' own closing line; init's certs phases
# print theirs in a fixed order and no such line), the entries are compared sorted; each line
# is compared as it is.
CERT_ENTRY = re.compile(r'^\[certs\] (Generating|Using the existing) "[^"]+" certificate and key$')
CERT_SANS = re.compile(r"^\[certs\] \S+ serving cert is signed for DNS names ")
CERT_DONE = re.compile(r"^\[certs\] Valid certificates and keys now exist in ")

# Accepted difference, the reference's only: while a joining control plane waits for its new
# etcd member ("[etcd] Waiting for the new etcd member to join the cluster"), each etcd Status
# call that times out makes the Go etcd client library (go.etcd.io/etcd/client/v3, its zap
# logger, not kubeadm) write this JSON line: one per 2 s attempt until the member is ready, so
# their number is run-dependent (3 in each reference join seen), and their text is the Go gRPC
# library's (a Go pointer in "target", its own source file in "caller"). ckubeadm talks to
# etcd's JSON gateway over HTTP/1.1, has no such library, and logs its failed attempts as
# kubeadm's own "Failed to get etcd status" lines at -v=5. Only this exact line (method Status,
# this error) is removed, on both sides; any other line of that logger is compared.
ETCD_CLIENT_RETRY = re.compile(
    r'^\{"level":"warn","ts":"[0-9T:.-]+Z","logger":"etcd-client",'
    r'"caller":"v3@v3\.7\.0/retry_interceptor\.go:68","msg":"retrying of unary invoker failed",'
    r'"target":"etcd-endpoints://0x[0-9a-f]+/[0-9.]+:2379",'
    r'"peer":"Peer\{Addr: <nil>, LocalAddr: <nil>, AuthInfo: <nil>\}",'
    r'"method":"/etcdserverpb\.Maintenance/Status","attempt":0,'
    r'"error":"rpc error: code = DeadlineExceeded desc = context deadline exceeded while waiting '
    r'for connections to become ready"\}$')


def unstamped(line):
    return STAMP.sub("", line, count=1)


def arrange_cert_entries(lines, arrange):
    """each block of certificate entries that CreatePKIAssets' closing line ends, its entries
    (a "Generating" line with its "signed for" line) rearranged by arrange (a list of entries
    in, a list out); every other line as it is"""
    out, i = [], 0
    while i < len(lines):
        if not CERT_ENTRY.match(unstamped(lines[i])):
            out.append(lines[i])
            i += 1
            continue
        entries = []
        while i < len(lines) and CERT_ENTRY.match(unstamped(lines[i])):
            e = [lines[i]]
            i += 1
            while i < len(lines) and CERT_SANS.match(unstamped(lines[i])):
                e.append(lines[i])
                i += 1
            entries.append(e)
        if i < len(lines) and CERT_DONE.match(unstamped(lines[i])):
            entries = arrange(entries)
        out.extend(l for e in entries for l in e)
    return out


def normalise(text, stamped):
    lines = text.split("\n")
    if stamped:
        lines = [unstamped(l) for l in lines]
    lines = [l for l in lines if not ETCD_CLIENT_RETRY.match(l)]
    text = "\n".join(arrange_cert_entries(lines, sorted))
    for rx, rep in MASKS:
        text = rx.sub(rep, text)
    out, block = [], []

    def flush():
        out.extend(l for l in block if " Checking " in l)
        out.extend(sorted(l for l in block if " Checking " not in l))
        block.clear()

    for line in text.split("\n"):
        if CP_CHECK.match(line):
            block.append(line)
            continue
        flush()
        out.append(line)
    flush()
    return out


def read(path):
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            return f.read()
    except FileNotFoundError:
        return None


def masked(path):
    text = read(path)
    return None if text is None else normalise(text, path.endswith("-join.out"))


def diff(ref, other, ref_name, other_name, limit=60):
    d = list(difflib.unified_diff(ref, other, ref_name, other_name, n=1, lineterm=""))
    for line in d[:limit]:
        print("    " + line)
    if len(d) > limit:
        print("    ... (%d more diff lines)" % (len(d) - limit))


def compare(outputs, ref_dir, other_dir):
    passed = failed = 0
    for name, what, done in outputs:
        rp, op = os.path.join(ref_dir, name), os.path.join(other_dir, name)
        r, o = masked(rp), masked(op)
        if r is None or o is None:
            failed += 1
            print("FAIL %s (%s): no %s" % (name, what, " and no ".join(
                p for p, t in ((rp, r), (op, o)) if t is None)))
            continue
        if not any(l.startswith(done) for l in r):
            failed += 1
            print("FAIL %s (%s): the reference did not complete this step (no line %r in %s)"
                  % (name, what, done, rp))
            continue
        if r == o:
            passed += 1
            print("ok   %s (%s): %d lines" % (name, what, len(r)))
            continue
        failed += 1
        print("FAIL %s (%s): differs (- reference, + other; run-dependent values masked)" % (name, what))
        diff(r, o, rp, op)
    print("%d passed, %d failed, 0 skipped" % (passed, failed))
    return 1 if failed else 0


def rerandomise(text, rng):
    """the same output as another run would write it: every run-dependent value replaced by
    another of its kind (for selftest)"""
    hexs = lambda n: "".join(rng.choice("0123456789abcdef") for _ in range(n))
    alnum = lambda n: "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))
    text = re.sub(r"^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [^ \]]+\] ",
                  lambda m: "%s%02d%02d %02d:%02d:%02d.%06d %7d other.go:%d] " % (
                      m.group(1), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                      rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999999),
                      rng.randint(1, 99999), rng.randint(1, 999)), text, flags=re.M)
    text = re.sub(r"\b[a-z0-9]{6}\.[a-z0-9]{16}\b", lambda m: alnum(6) + "." + alnum(16), text)
    text = re.sub(r"\bsha256:(?!0{64}\b)[0-9a-f]{64}\b", lambda m: "sha256:" + hexs(64), text)
    text = re.sub(r"^[0-9a-f]{64}$", lambda m: hexs(64), text, flags=re.M)
    text = re.sub(r"(--certificate-key )[0-9a-f]{64}\b", lambda m: m.group(1) + hexs(64), text)
    text = re.sub(r"\b(after )" + DURATION + r"\b",
                  lambda m: m.group(1) + rng.choice(("1.5s", "501.2ms", "2m3.000001s", "85.4µs")), text)
    text = re.sub(r'("ts":")[0-9T:.-]+Z(",.*"target":"etcd-endpoints://0x)[0-9a-f]+/',
                  lambda m: "%s2030-01-0%dT00:00:00.%06dZ%s%x/" % (
                      m.group(1), rng.randint(1, 9), rng.randint(0, 999999), m.group(2),
                      rng.randint(1, 2**48)), text)
    # the etcd client's retry lines: one more of them; the joining control plane's certificate
    # entries: in the reverse order
    lines = text.split("\n")
    for i, l in enumerate(lines):
        if ETCD_CLIENT_RETRY.match(unstamped(l)):
            lines.insert(i, l)
            break
    text = "\n".join(arrange_cert_entries(lines, lambda entries: entries[::-1]))
    if re.search(r"^\d{10,} ", text, re.M):
        text = re.sub(r"^\d{10,} ", lambda m: "%d " % rng.randint(10**12, 10**13 - 1), text, flags=re.M)
    return text


def one_word_changed(text, rng):
    """one fixed word (letters only, outside every masked value) of one line, changed by one
    letter; None when the text has no such word"""
    lines = text.split("\n")
    candidates = []
    for i, line in enumerate(lines):
        body = unstamped(line)
        for rx, _ in MASKS:
            body = rx.sub(lambda m: " " * len(m.group(0)), body)
        off = len(line) - len(body)
        for m in re.finditer(r"\b[A-Za-z]{4,}\b", body):
            candidates.append((i, off + m.start(), m.group(0)))
    if not candidates:
        return None
    i, at, word = rng.choice(candidates)
    w = word[:-1] + ("x" if word[-1] != "x" else "y")
    lines[i] = lines[i][:at] + w + lines[i][at + len(word):]
    return "\n".join(lines), "line %d: %r -> %r" % (i + 1, word, w)


def selftest(outputs, ref_dir):
    rng = random.Random(19)
    passed = failed = 0

    def result(good, what):
        nonlocal passed, failed
        if good:
            passed += 1
            print("ok   %s" % what)
        else:
            failed += 1
            print("FAIL %s" % what)

    for name, _, done in outputs:
        text = read(os.path.join(ref_dir, name))
        if text is None:
            result(False, "%s: no %s" % (name, os.path.join(ref_dir, name)))
            continue
        stamped = name.endswith("-join.out")
        base = normalise(text, stamped)
        result(any(l.startswith(done) for l in base), "%s: the reference completed the step (%r)" % (name, done[:40]))
        result(normalise(text, stamped) == base, "%s: equals itself" % name)
        other = rerandomise(text, rng)
        result(other != text or not any(rx.search(text) for rx, _ in MASKS),
               "%s: the run-dependent values were changed" % name)
        result(normalise(other, stamped) == base,
               "%s: with other run-dependent values, still equal" % name)
        changed = one_word_changed(text, rng)
        result(changed is not None and normalise(changed[0], stamped) != base,
               "%s: one fixed word changed (%s), differs" % (name, changed[1] if changed else "no word"))
        lines = text.split("\n")
        keep = [l for l in lines if l.strip() and not ETCD_CLIENT_RETRY.match(unstamped(l))]
        if keep:
            gone = rng.choice(keep)
            lines.remove(gone)
            result(normalise("\n".join(lines), stamped) != base,
                   "%s: one line removed (%r), differs" % (name, gone[:60]))
    print("%d passed, %d failed, 0 skipped" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["compare"] and len(a) == 4 and a[1] in ("init", "join"):
        sys.exit(compare(INIT_OUTPUTS if a[1] == "init" else JOIN_OUTPUTS, a[2], a[3]))
    elif a[:1] == ["mask"] and len(a) == 2:
        m = masked(a[1])
        if m is None:
            sys.exit("no such file: %s" % a[1])
        print("\n".join(m))
    elif a[:1] == ["selftest"] and len(a) == 3 and a[1] in ("init", "join"):
        sys.exit(selftest(INIT_OUTPUTS if a[1] == "init" else JOIN_OUTPUTS, a[2]))
    else:
        sys.exit("usage: console.py compare init|join REFERENCE-LOGS OTHER-LOGS | mask FILE | selftest init|join REFERENCE-LOGS")
