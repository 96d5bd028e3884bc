#!/usr/bin/env python3
"""Normalised dump of a cluster's API objects, for comparing the cluster the reference kubeadm
made with the one ckubeadm made on the same bed (tests/e2e/objects.sh runs it).

  objects.py dump <LIST-JSON >DUMP
      stdin: the JSON of `kubectl get <kinds> -A -o json` (a List); stdout: one sorted line per
      leaf value, `<kind> <namespace>/<name> <path> = <json value>`.
  objects.py compare REFERENCE-DUMP OTHER-DUMP [--except REGEX REASON]
      one line per object (`ok`/`FAIL`), each differing field under its FAIL line with both
      values, then "N passed, N failed, N skipped"; exits 1 on any difference or a missing dump.
      --except: objects whose line key matches REGEX are not compared: one `skip` line each,
      with REASON, counted as skipped (a difference the caller explains, never a pass).

Only what differs from run to run of the SAME kubeadm on the same bed is removed or replaced;
everything else (names, labels, annotations, specs, data) is kept. Each rule below says why the
field is run-dependent.
"""
import base64
import json
import re
import sys

# metadata written by the API server or controllers for each write: identity and time
DROP_META = ("uid", "creationTimestamp", "resourceVersion", "managedFields", "generation",
             "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds")
PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----[A-Za-z0-9+/=\s]+-----END \1-----\n?")
# base64 of a PEM certificate or key inside a kubeconfig (cluster-info, ...): new keys each run
B64_PEM = re.compile(r"(certificate-authority-data|client-certificate-data|client-key-data): \S+")
TOKEN_ID = re.compile(r"\b[a-z0-9]{6}\b")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
# names that end in a random suffix given by a controller (generateName) or by kubeadm (the
# bootstrap token's id): the suffix is a per-run random string
RANDOM_NAME = {
    ("Secret", "kube-system"): re.compile(r"^(bootstrap-token-)[a-z0-9]{6}$"),
}


def pem(s):
    """certificates and keys are new on every run: keep their kind, not their bytes"""
    s = PEM.sub(lambda m: "<PEM %s>\n" % m.group(1), s)
    return B64_PEM.sub(lambda m: "%s: <base64 PEM>" % m.group(1), s)


def flatten(prefix, v, out):
    if isinstance(v, dict):
        if not v:
            out.append((prefix, "{}"))
        for k in v:
            flatten("%s.%s" % (prefix, k) if prefix else k, v[k], out)
    elif isinstance(v, list):
        if not v:
            out.append((prefix, "[]"))
        for i, x in enumerate(v):
            flatten("%s[%d]" % (prefix, i), x, out)
    else:
        out.append((prefix, json.dumps(v, sort_keys=True)))


def strip_meta(md):
    for k in DROP_META:
        md.pop(k, None)
    for ref in md.get("ownerReferences", []):
        ref.pop("uid", None)   # the owner's uid
        if ref.get("kind") == "Secret":
            # kubeadm-certs is owned by a bootstrap token's Secret, named after its random id
            ref["name"] = re.sub(r"^bootstrap-token-[a-z0-9]{6}$", "bootstrap-token-<random>",
                                 ref.get("name", ""))
    return md


def secret(o):
    md, data = o["metadata"], o.get("data", {})
    t = o.get("type", "")
    if t == "bootstrap.kubernetes.io/token":
        # the token's id and secret are random; its expiration is a time of this run
        for k in ("token-id", "token-secret", "expiration"):
            if k in data:
                data[k] = "<%s>" % k
        for k in list(data):
            if k not in ("token-id", "token-secret", "expiration"):
                # usage-*, auth-extra-groups, description: fixed text, compared decoded

                data[k] = base64.b64decode(data[k]).decode("utf-8", "replace")
    elif md.get("name") == "kubeadm-certs":
        # AES-GCM of the control plane's certificates and keys under a random nonce
        data = {k: "<encrypted %s>" % k for k in data}
    else:
        data = {k: "<%d bytes>" % len(v) for k, v in data.items()}
    o["data"] = data
    return o


def configmap(o):
    data = o.get("data", {})
    md = o["metadata"]
    for k in list(data):
        v = data[k]
        if k.startswith("jws-kubeconfig-"):
            # cluster-info's signature by a bootstrap token: the token id and the JWS are random
            del data[k]
            data["jws-kubeconfig-<token-id>"] = "<jws>"
            continue
        if md.get("name") == "kube-apiserver-legacy-service-account-token-tracking" and k == "since":
            data[k] = "<date of this run>"
            continue
        data[k] = pem(v)
    return o


def node(o):
    md, st = o["metadata"], o.get("status", {})
    ann = md.get("annotations", {})
    spec = o.get("spec", {})
    for t in spec.get("taints", []):
        t.pop("timeAdded", None)   # when the node controller added the taint
    # the node IPAM controller gives each new Node the next free /24 of the pod subnet, but
    # now and then skips one (seen with the reference alone: w1 got 10.244.3.0/24 as the
    # third node): which /24 a node gets is run-dependent, its mask and subnet are not
    if "podCIDR" in spec:
        spec["podCIDR"] = re.sub(r"\.\d+\.0/24$", ".<n>.0/24", spec["podCIDR"])
    spec["podCIDRs"] = [re.sub(r"\.\d+\.0/24$", ".<n>.0/24", c) for c in spec.get("podCIDRs", [])]
    # what the kubelet and the node controller report about the node itself; the conditions'
    # times, the images, the machine's IDs and the capacity of this machine are run-dependent
    o["status"] = {
        "addresses": st.get("addresses"),
        "conditions": sorted(({"type": c["type"], "status": c["status"]}
                              for c in st.get("conditions", [])), key=lambda c: c["type"]),
        "nodeInfo": {k: st.get("nodeInfo", {}).get(k) for k in
                     ("kubeletVersion", "containerRuntimeVersion", "operatingSystem",
                      "architecture")},
        "daemonEndpoints": st.get("daemonEndpoints"),
    }
    md["annotations"] = ann
    return o


def static_pod(o):
    """a static pod's mirror: its spec is the manifest kubeadm wrote (config.hash, the hash
    of that file, is kept); config.seen is the time the kubelet read it, the status is the
    state of the containers at the moment of the dump. None for any other pod."""
    ann = o["metadata"].get("annotations", {})
    if "kubernetes.io/config.mirror" not in ann:
        return None
    ann.pop("kubernetes.io/config.seen", None)
    o.pop("status", None)
    # a joining etcd member's --initial-cluster lists the members in the order of etcd's
    # MemberAdd answer, sorted by member ID, and etcd draws the IDs at random: the reference
    # wrote cp1 first in one run, cp2 first in another. The list is compared sorted; the
    # hash of that manifest file then depends on the order too, and is masked.
    for c in o.get("spec", {}).get("containers", []):
        cmd = c.get("command", [])
        for i, a in enumerate(cmd):
            if a.startswith("--initial-cluster=") and "," in a:
                cmd[i] = "--initial-cluster=" + ",".join(sorted(a.split("=", 1)[1].split(",")))
                for k in ("kubernetes.io/config.hash", "kubernetes.io/config.mirror"):
                    if k in ann:
                        ann[k] = "<hash of a manifest listing etcd members in ID order>"
    return o


def csr(o):
    spec = o.get("spec", {})
    user = re.sub(r"^system:bootstrap:[a-z0-9]{6}$", "system:bootstrap:<token-id>",
                  spec.get("username", ""))
    conds = sorted(c["type"] for c in o.get("status", {}).get("conditions", []))
    issued = "certificate" in o.get("status", {})
    return "signer=%s user=%s groups=%s usages=%s conditions=%s issued=%s" % (
        spec.get("signerName"), user, ",".join(sorted(spec.get("groups", []))),
        ",".join(sorted(spec.get("usages", []))), ",".join(conds), issued)


def dump():
    lst = json.load(sys.stdin)
    lines = []
    counts = {}
    for o in lst["items"]:
        kind = o["kind"]
        md = strip_meta(o["metadata"])
        ns, name = md.get("namespace", ""), md["name"]
        rn = RANDOM_NAME.get((kind, ns))
        if rn:
            name = rn.sub(r"\1<random>", name)
            md["name"] = name
        if kind == "Secret":
            o = secret(o)
        elif kind == "ConfigMap":
            o = configmap(o)
        elif kind == "Node":
            o = node(o)
        elif kind == "Pod":
            if static_pod(o) is None:
                # made by a controller (DaemonSet, ReplicaSet): the name's suffix is random and
                # a Deployment's pods land where the scheduler puts them; count them by owner
                # (and by node for a DaemonSet, which places one on each node)
                owner = ",".join("%s/%s" % (r["kind"], r["name"]) for r in md.get("ownerReferences", []))
                where = o["spec"].get("nodeName", "") if "DaemonSet" in owner else "*"
                key = "Pod %s/%s* owner=%s node=%s" % (ns, md.get("generateName", name), owner or "-", where)
                counts[key] = counts.get(key, 0) + 1
                continue
        elif kind == "CertificateSigningRequest":
            key = "CertificateSigningRequest " + csr(o)
            counts[key] = counts.get(key, 0) + 1
            continue
        elif kind in ("Deployment", "DaemonSet", "ReplicaSet"):
            o.pop("status", None)   # replica counts and conditions at the moment of the dump
        elif kind == "Service":
            o.pop("status", None)
        if kind == "Namespace":
            o.pop("status", None)
        o.pop("kind", None)
        out = []
        flatten("", o, out)
        for path, val in out:
            lines.append("%s %s/%s %s = %s" % (kind, ns, name, path, val))
    for key, n in counts.items():
        lines.append("%s count = %d" % (key, n))
    lines.sort()
    # several bootstrap tokens share one normalised name: keep one line per distinct value,
    # with how many times it appears
    seen = {}
    for line in lines:
        seen[line] = seen.get(line, 0) + 1
    for line in sorted(seen):
        print(line if seen[line] == 1 else "%s (x%d)" % (line, seen[line]))


def group(line):
    """the object a dump line belongs to: "<kind> <namespace>/<name>" (for a counted line,
    everything before " count = ")"""
    if " count = " in line:
        return line.split(" count = ")[0]
    return " ".join(line.split(" ", 2)[:2])


def read_dump(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [l.rstrip("\n") for l in f if l.strip()]
    except OSError as e:
        return e


def compare(ref_path, other_path, except_re=None, reason=""):
    ref, other = read_dump(ref_path), read_dump(other_path)
    bad = [(p, d) for p, d in ((ref_path, ref), (other_path, other)) if isinstance(d, OSError) or not d]
    if bad:
        for p, d in bad:
            print("FAIL no object dump %s (%s)" % (p, d if isinstance(d, OSError) else "empty"))
        print("0 passed, %d failed" % len(bad))
        return 1
    by = {}
    for side, lines in ((0, ref), (1, other)):
        for line in lines:
            by.setdefault(group(line), (set(), set()))[side].add(line)
    passed = failed = skipped = 0
    for key in sorted(by):
        r, o = by[key]
        if except_re and re.search(except_re, key):
            skipped += 1
            print("skip %s: not compared (%s)" % (key, reason))
            continue
        if r == o:
            passed += 1
            print("ok   %s" % key)
            continue
        failed += 1
        what = "only in the reference's cluster" if not o else \
            "only in the other cluster" if not r else "differs"
        print("FAIL %s: %s" % (key, what))
        for line in sorted(r - o):
            print("    reference: %s" % line)
        for line in sorted(o - r):
            print("    other:     %s" % line)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["dump"]:
        dump()
    elif sys.argv[1:2] == ["compare"] and len(sys.argv) == 4:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    elif sys.argv[1:2] == ["compare"] and len(sys.argv) == 7 and sys.argv[4] == "--except":
        sys.exit(compare(sys.argv[2], sys.argv[3], sys.argv[5], sys.argv[6]))
    else:
        sys.exit("usage: objects.py dump <LIST-JSON | objects.py compare REFERENCE-DUMP OTHER-DUMP "
                 "[--except REGEX REASON]")
