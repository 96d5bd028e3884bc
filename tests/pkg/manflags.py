#!/usr/bin/env python3
"""tests/pkg/manflags.py CKUBEADM MANDIR: each ckubeadm*.1[.gz] page in MANDIR against the
`--help` of its command: the page's OPTIONS and OPTIONS INHERITED FROM PARENT COMMANDS must
list exactly the flags (name, shorthand, value type, in order) of the help's "Flags:" and
"Global Flags:", and every command that the root's help reaches under "Available Commands"
must have a page (cobra's GenManTree set: help topics have no flags and no page). One case
per page; ends with "N passed, N failed". The pages are read as roff, independently of the
generator (src/cmd/gen-doc.c), and the help comes from running the program."""
import gzip
import os
import re
import subprocess
import sys

from cases import Cases


def unroff(s):
    s = re.sub(r"\\f[BIPR]", "", s)
    return s.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")


def page_parts(text):
    """(command words, {section: [flag heads]}) of a page."""
    lines = text.split("\n")
    words, section, flags = None, None, {}
    for i, line in enumerate(lines):
        if line.startswith(".SH "):
            section = line[4:].strip('"')
            continue
        if section == "SYNOPSIS" and words is None and line.startswith("\\fB"):
            words = unroff(line.split("\\fP")[0]).split()
        if line == ".TP" and section and section.startswith("OPTIONS"):
            flags.setdefault(section, []).append(unroff(lines[i + 1]).strip())
    return words, flags


def help_parts(binary, words):
    out = subprocess.run([binary] + words[1:] + ["--help"], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin"}, check=False).stdout
    flags, section, children = {}, None, []
    for line in out.split("\n"):
        if line in ("Flags:", "Global Flags:", "Available Commands:", "Additional help topics:"):
            section = line
            continue
        if not line.strip():
            section = None if section in ("Available Commands:", "Additional help topics:") else section
            continue
        if section in ("Flags:", "Global Flags:") and re.match(r"^\s+-", line):
            flags.setdefault(section, []).append(re.split(r"\s{2,}", line.strip())[0])
        elif section == "Available Commands:" and re.match(r"^  \S", line):
            name = line.split()[0]
            if name != "help":
                children.append(words[1:] + [name])
    return flags, children


def main():
    binary, mandir = sys.argv[1], sys.argv[2]
    cases = Cases()
    pages = {}
    for name in sorted(os.listdir(mandir)):
        if not re.match(r"^ckubeadm.*\.1(\.gz)?$", name):
            continue
        path = os.path.join(mandir, name)
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt") as f:
            words, man = page_parts(f.read())
        if not words:
            cases.check(False, "", f"{name}: no SYNOPSIS")
            continue
        pages[" ".join(words[1:])] = name
        helpflags, _ = help_parts(binary, words)
        want = {"OPTIONS": helpflags.get("Flags:", []),
                "OPTIONS INHERITED FROM PARENT COMMANDS": helpflags.get("Global Flags:", [])}
        bad = [f"{sec}: page {man.get(sec, [])} != --help {want[sec]}"
               for sec in want if man.get(sec, []) != want[sec]]
        if not want["OPTIONS"]:
            bad.append("--help lists no flag (not even --help)")
        cases.check(not bad,
                    f"{name}: {len(want['OPTIONS'])} + "
                    f"{len(want['OPTIONS INHERITED FROM PARENT COMMANDS'])} flags",
                    f"{name}: " + "; ".join(bad))
    # every command reachable from the root's help has a page
    todo, seen = [["ckubeadm"]], set()
    missing = []
    while todo:
        words = todo.pop()
        key = " ".join(words[1:])
        if key in seen:
            continue
        seen.add(key)
        if key not in pages:
            missing.append(key or "(root)")
        _, children = help_parts(binary, words)
        todo.extend([["ckubeadm"] + c for c in children])
    cases.check(not missing, f"every one of the {len(seen)} commands reached from the root's help has a page",
                f"pages missing for: {', '.join(sorted(missing))}")
    return cases.finish()


if __name__ == "__main__":
    sys.exit(main())
