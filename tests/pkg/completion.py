#!/usr/bin/env python3
"""tests/pkg/completion.py BASH-COMPLETION-FILE BINDIR: bash completion driven as a person
would: an interactive bash in a pseudo-terminal, the installed completion file sourced, a
command line typed and Tab pressed; the terminal's echo is read back. One case per line typed;
ends with "N passed, N failed"."""
import os
import pty
import select
import sys
import time

from cases import Cases

# (typed, Tab presses, text that must appear on the terminal after the Tab)
CASES = [
    ("ckubeadm ini", 1, "ckubeadm init "),
    ("kubeadm ini", 1, "kubeadm init "),
    ("ckubeadm init --dry", 1, "--dry-run"),
    ("ckubeadm certs ", 2, "check-expiration"),
    ("ckubeadm token cr", 1, "ckubeadm token create "),
]


def read_for(fd, seconds, until=None):
    """What the terminal shows within seconds, or as soon as it shows until."""
    out, end = b"", time.time() + seconds
    while time.time() < end and not (until and until.encode() in out):
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out.decode(errors="replace")


def main():
    comp, bindir = sys.argv[1], sys.argv[2]
    cases = Cases()
    for typed, tabs, want in CASES:
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update({"PATH": bindir + ":/usr/bin:/bin", "PS1": "$ ", "TERM": "dumb",
                               "INPUTRC": "/dev/null", "HOME": "/nonexistent"})
            os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
        # bash-completion's own helpers first, as an interactive shell of the system has them
        os.write(fd, f"source /usr/share/bash-completion/bash_completion; source '{comp}'; "
                 "echo READY\n".encode())
        read_for(fd, 10, "READY\r\n$ ")
        os.write(fd, typed.encode() + b"\t" * tabs)
        seen = read_for(fd, 5, want)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
        cases.check(want in seen, f"{typed!r} + {tabs} Tab: {want!r} offered",
                    f"{typed!r} + {tabs} Tab: {want!r} not on the terminal: {seen!r}")
    return cases.finish()


if __name__ == "__main__":
    sys.exit(main())
