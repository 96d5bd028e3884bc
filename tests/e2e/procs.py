#!/usr/bin/env python3
"""The processes of bed nodes, and their memory.

  procs.py list PID            every process of the node whose PID 1 is PID, but PID itself:
                               the processes in its PID namespace (the kubelet supervisor, the
                               kubelet, containerd, the shims: their parents may be the
                               `nsenter` outside that started them) and all their descendants
                               (containers, in PID namespaces of their own). One PID a line.
  procs.py sample STATE OUT [INTERVAL]
                               every INTERVAL seconds (default 2) until SIGTERM, the PSS
                               (proportional set size: shared pages of the binaries that every
                               node maps count once in all, not once per node) of each node
                               under STATE/nodes/*/pid and of the load balancer; writes to OUT,
                               after each sample, each node's peak ("NODE peak-pss-kib N") and
                               the peak of their sum ("bed peak-pss-kib N"), and appends
                               "SECONDS NODE KIB" lines to OUT.samples.
"""
import os
import signal
import sys
import time


def pid_ns(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def parents():
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
        except OSError:
            continue
        # the command may hold spaces and parentheses: the fields follow its last ")"
        out[int(d)] = int(st[st.rindex(")") + 2:].split()[1])
    return out


def node_procs(init, table=None):
    table = parents() if table is None else table
    ns = pid_ns(init)
    if ns is None:
        return []
    roots = {p for p in table if p != init and pid_ns(p) == ns}
    found = []
    for p in table:
        q, seen = p, 0
        while q not in roots and q in table and q > 1 and seen < 4096:
            q, seen = table[q], seen + 1
        if q in roots and p != init:
            found.append(p)
    return sorted(found)


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def sample(state, out, interval):
    peaks, bed_peak, stop = {}, 0, []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    t0 = time.time()
    with open(out + ".samples", "a") as log:
        while not stop:
            table = parents()
            total, nodes = 0, {}
            ndir = os.path.join(state, "nodes")
            for name in sorted(os.listdir(ndir)) if os.path.isdir(ndir) else []:
                try:
                    with open(os.path.join(ndir, name, "pid")) as f:
                        init = int(f.read().strip())
                except (OSError, ValueError):
                    continue
                if init not in table:
                    continue
                nodes[name] = sum(pss_kib(p) for p in node_procs(init, table))
            try:
                with open(os.path.join(state, "lb", "pid")) as f:
                    nodes["lb"] = pss_kib(int(f.read().strip()))
            except (OSError, ValueError):
                pass
            for name, kib in nodes.items():
                peaks[name] = max(peaks.get(name, 0), kib)
                total += kib
                log.write(f"{int(time.time() - t0)} {name} {kib}\n")
            log.flush()
            bed_peak = max(bed_peak, total)
            with open(out + ".tmp", "w") as f:
                for name in sorted(peaks):
                    f.write(f"{name} peak-pss-kib {peaks[name]}\n")
                f.write(f"bed peak-pss-kib {bed_peak}\n")
            os.replace(out + ".tmp", out)
            for _ in range(int(interval * 10)):
                if stop:
                    break
                time.sleep(0.1)


def main(argv):
    if len(argv) == 3 and argv[1] == "list":
        for p in node_procs(int(argv[2])):
            print(p)
        return 0
    if len(argv) in (4, 5) and argv[1] == "sample":
        sample(argv[2], argv[3], float(argv[4]) if len(argv) == 5 else 2.0)
        return 0
    sys.stderr.write("usage: procs.py list PID | procs.py sample STATE OUT [INTERVAL]\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
