#!/usr/bin/env python3
"""tests/pkg/completion.py bash|zsh COMPLETION-FILE BINDIR: shell completion driven as a person
would: an interactive shell in a pseudo-terminal with the installed completion file (bash:
sourced after bash-completion; zsh: found on $fpath by compinit, as a vendor completion is), a
command line typed and Tab pressed; the terminal's echo is read back. A new shell per case, so
each is the first completion of its shell. One case per line typed; ends with
"N passed, N failed"."""
import os
import pty
import select
import sys
import time

from cases import Cases

# (typed, Tab presses, text that must appear on the terminal after the Tab)
CASES = {
    "bash": [
        ("ckubeadm ini", 1, "ckubeadm init "),
        ("kubeadm ini", 1, "kubeadm init "),
        ("ckubeadm init --dry", 1, "--dry-run"),
        ("ckubeadm certs ", 2, "check-expiration"),
        ("ckubeadm token cr", 1, "ckubeadm token create "),
    ],
    "zsh": [
        ("ckubeadm ini", 1, "ckubeadm init "),
        ("kubeadm token cr", 1, "kubeadm token create "),
        ("ckubeadm init --dry", 1, "--dry-run"),
    ],
}


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
    shell, comp, bindir = sys.argv[1], sys.argv[2], sys.argv[3]
    if shell == "bash":
        argv = ["bash", "--norc", "--noprofile", "-i"]
        # bash-completion's own helpers first, as an interactive shell of the system has them
        setup = f"source /usr/share/bash-completion/bash_completion; source '{comp}'; echo READY\n"
    else:
        argv = ["zsh", "-f", "-i"]
        setup = (f"PS1='$ '; fpath=('{os.path.dirname(comp)}' $fpath); autoload -U compinit; "
                 "compinit -u; echo READY\n")
    cases = Cases()
    for typed, tabs, want in CASES[shell]:
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update({"PATH": bindir + ":/usr/bin:/bin", "PS1": "$ ", "TERM": "dumb",
                               "INPUTRC": "/dev/null", "HOME": "/nonexistent"})
            os.execvp(argv[0], argv)
        os.write(fd, setup.encode())
        read_for(fd, 10, "READY\r\n")
        read_for(fd, 0.3)  # the prompt (zsh adds control sequences around it)
        os.write(fd, typed.encode() + b"\t" * tabs)
        seen = read_for(fd, 5, want)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
        cases.check(want in seen, f"{shell}: {typed!r} + {tabs} Tab: {want!r} offered",
                    f"{shell}: {typed!r} + {tabs} Tab: {want!r} not on the terminal: {seen!r}")
    return cases.finish()


if __name__ == "__main__":
    sys.exit(main())
