#!/usr/bin/env python3
"""Checks one ckubeadm event stream (JSON Lines, beyond-kubeadm.md §1.3) and, with --schema,
validates every event against docs/schemas/event.schema.json.

  check.py EVENTS [--help-file F] [--skip a,b] [--root DIR --marker FILE] [--secret S]...
           [--rc N] [--stderr FILE] [--error-phase P] [--prefix] [--schema FILE]

Prints one line per problem and exits 1 when there is any.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schema  # noqa: E402

problems = []


def bad(msg):
    problems.append(msg)


def help_phases(path):
    """The phase names ("certs/ca") of a command's help block, in order."""
    lines = open(path, encoding="utf-8").read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.endswith("executes the following phases:"))
    names, stack = [], []
    for line in lines[start + 2:]:
        if line.startswith("```"):
            break
        level = (len(line) - len(line.lstrip(" "))) // 2
        name = line.strip().split()[0].lstrip("/")
        del stack[level:]
        names.append("/".join(stack + [name]))
        stack.append(name)
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("events")
    ap.add_argument("--help-file")
    ap.add_argument("--skip", default="")
    ap.add_argument("--hidden", action="append", default=[],
                    help="a phase the tree runs but --help does not list (join's check-etcd), after AFTER: NAME:AFTER")
    ap.add_argument("--root")
    ap.add_argument("--marker")
    ap.add_argument("--secret", action="append", default=[])
    ap.add_argument("--rc", type=int)
    ap.add_argument("--stderr")
    ap.add_argument("--error-phase")
    ap.add_argument("--prefix", action="store_true", help="killed run: no RunFinished")
    ap.add_argument("--schema")
    a = ap.parse_args()

    raw = open(a.events, "rb").read()
    if not raw:
        bad("empty stream")
    elif not raw.endswith(b"\n"):
        bad("the stream does not end with a whole line")
    for s in a.secret:
        if s.encode() in raw:
            bad("secret %s...%s appears in the stream" % (s[:3], s[-3:]))
    evs = []
    for i, line in enumerate(raw.split(b"\n")[:-1] if raw.endswith(b"\n") else raw.split(b"\n")):
        try:
            evs.append(json.loads(line))
        except ValueError as e:
            bad("line %d does not parse: %s" % (i + 1, e))
    if problems:
        return finish()

    sch = json.load(open(a.schema)) if a.schema else None
    for i, e in enumerate(evs):
        if e.get("seq") != i + 1:
            bad("line %d: seq %r, want %d" % (i + 1, e.get("seq"), i + 1))
        if i and e.get("time", "") < evs[i - 1].get("time", ""):
            bad("line %d: time %s before the line before's %s" % (i + 1, e.get("time"), evs[i - 1].get("time")))
        if e.get("runID") != evs[0].get("runID"):
            bad("line %d: another runID" % (i + 1))
        if sch is not None:
            for err in schema.validate(e, sch):
                bad("line %d (%s): schema: %s" % (i + 1, e.get("type"), err))
    if evs[0].get("type") != "RunStarted":
        bad("first event is %s, not RunStarted" % evs[0].get("type"))
    last = evs[-1]
    if a.prefix:
        if any(e["type"] == "RunFinished" for e in evs):
            bad("a killed run has a RunFinished")
    elif last.get("type") != "RunFinished":
        bad("last event is %s, not RunFinished" % last.get("type"))

    # phases nest as the tree does and each is started and finished once
    stack, started = [], []
    for e in evs:
        t = e["type"]
        if t == "PhaseStarted":
            if e["phase"] in started:
                bad("phase %s started twice" % e["phase"])
            started.append(e["phase"])
            if stack and e.get("parent") != stack[-1]:
                bad("phase %s (parent %r) started inside %s" % (e["phase"], e.get("parent"), stack[-1]))
            if e["phase"].count("/") and e.get("parent") != e["phase"].rsplit("/", 1)[0]:
                bad("phase %s has parent %r" % (e["phase"], e.get("parent")))
            stack.append(e["phase"])
        elif t == "PhaseFinished":
            if not stack or stack[-1] != e["phase"]:
                bad("phase %s finished but %r is open" % (e["phase"], stack[-1] if stack else None))
            else:
                stack.pop()
            if e["durationMs"] < 0:
                bad("phase %s: negative duration" % e["phase"])
    interrupted = last.get("type") == "RunFinished" and last.get("outcome") == "Interrupted"
    if stack and not a.prefix and not interrupted:
        bad("phases never finished: %s" % stack)

    if a.help_file:
        want = help_phases(a.help_file)
        skip = [s for s in a.skip.split(",") if s]
        for h in a.hidden:
            name, after = h.split(":", 1)
            if after in want:
                want.insert(want.index(after) + 1 + sum(1 for p in want if p.startswith(after + "/")), name)
        want = [p for p in want if not any(p == s or p.startswith(s + "/") for s in skip)]
        if a.error_phase:
            # a failed run stops at the failing phase
            cut = want.index(a.error_phase) + 1 if a.error_phase in want else len(want)
            want = want[:cut]
        if started != want:
            bad("phases run %s\n     want      %s" % (started, want))

    # the plan is what runs: every phase planned is started, in that order (a failed run stops)
    plans = [e for e in evs if e["type"] == "PhasesPlanned"]
    if len(plans) > 1:
        bad("%d PhasesPlanned events" % len(plans))
    if plans and started:
        planned = plans[0]["phasesPlanned"]
        if started != planned[:len(started)] or (last.get("outcome") == "Succeeded" and started != planned):
            bad("phases run %s\n     planned   %s" % (started, planned))
    if started and not plans:
        bad("phases ran without a PhasesPlanned event")

    # every check kubeadm printed a [WARNING x] or [ERROR x] line for has a PreflightResult
    results = {}
    for e in evs:
        if e["type"] == "PreflightResult":
            results.setdefault(e["check"], []).append(e)
    if a.stderr:
        import re
        text = open(a.stderr, encoding="utf-8").read()
        for kind, name in re.findall(r"\[(WARNING|ERROR) ([^\]]+)\]:", text):
            rs = results.get(name, [])
            want = ("Error",) if kind == "ERROR" else ("Warning", "Ignored")
            if not any(r["outcome"] in want for r in rs):
                bad("stderr's [%s %s] has no PreflightResult %s (got %s)"
                    % (kind, name, "/".join(want), [r["outcome"] for r in rs]))

    fin = [e for e in evs if e["type"] == "RunFinished"]
    if fin and a.rc is not None:
        f = fin[0]
        if f["exitCode"] != a.rc:
            bad("RunFinished.exitCode %s, process exited %d" % (f["exitCode"], a.rc))
        if (a.rc == 0) != (f["outcome"] == "Succeeded"):
            bad("RunFinished.outcome %s with exit %d" % (f["outcome"], a.rc))
        top = sum(e["durationMs"] for e in evs if e["type"] == "PhaseFinished" and "parent" not in e)
        if top > f["durationMs"]:
            bad("top-level phases took %d ms, the run %d ms" % (top, f["durationMs"]))
        if a.rc != 0:
            err = f.get("error", {})
            if a.error_phase and err.get("phase") != a.error_phase:
                bad("RunFinished.error.phase %r, want %r" % (err.get("phase"), a.error_phase))
            if a.stderr:
                text = open(a.stderr, encoding="utf-8").read()
                msg = "error: %s\nTo see the stack trace" % err.get("message")
                if msg not in text:
                    bad("RunFinished.error.message %r is not stderr's error" % err.get("message"))

    if a.root:
        arts = {e["path"] for e in evs if e["type"] == "Artifact"}
        mtime = os.stat(a.marker).st_mtime_ns
        for d, _, files in os.walk(a.root):
            for f in files:
                p = os.path.join(d, f)
                if os.lstat(p).st_mtime_ns >= mtime:
                    rel = "/" + os.path.relpath(p, a.root)
                    if rel not in arts:
                        bad("file written without an Artifact event: %s" % rel)
        for p in arts:
            if not os.path.exists(a.root + p):
                bad("Artifact for a file that is not there: %s" % p)
    return finish()


def finish():
    for p in problems[:20]:
        print("     " + p)
    if len(problems) > 20:
        print("     ... %d more" % (len(problems) - 20))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
