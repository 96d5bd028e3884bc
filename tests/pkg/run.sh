#!/usr/bin/env bash
# tests/pkg/run.sh [WORKDIR]: ckubeadm as a Debian package (issue 17). Builds the .deb from the
# working tree (a copy of its tracked and new files: dpkg-buildpackage -us -uc -b), runs
# lintian on it, installs it into a scratch root with dpkg --root and checks what it put there:
# the files, their kinds and modes, the runtime dependencies against the libraries the binary
# links, the binary's size, the installed program, each man page against its command's
# --help (tests/pkg/manflags.py), bash and zsh completion typed in a terminal
# (tests/pkg/completion.py), fish's completion queried. One case per check; ends with
# "N passed, N failed, N skipped".
# A tool that the checks need and that is missing skips them (named, counted).
# The .deb, lintian's output and the file list stay in WORKDIR (default: a temp dir).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d /tmp/ckubeadm-pkg.XXXXXX)}
rm -rf "$work/src" "$work/root"
mkdir -p "$work/src" "$work/root"
passed=0 failed=0 skipped=0
started=$SECONDS

ok() { echo "ok $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP $*"; skipped=$((skipped + 1)); }
finish() {
	echo "duration: $((SECONDS - started))s"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

missing=
for tool in dpkg-buildpackage dh lintian fakeroot python3 zsh fish man; do
	command -v "$tool" >/dev/null || missing+=" $tool"
done
if [ -n "$missing" ]; then
	for c in build lintian files depends install size program man man-render completion zsh fish remove; do
		skip "$c: not installed:$missing (scripts/apt-packages lists them)"
	done
	finish
fi

# -- the package, built from a copy of the working tree (its own files, not the build dirs)
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	grep -zv '^debian/\.\|^\.git' | tar -c --null -T - -f -) | tar -x -C "$work/src" 2>/dev/null
SECONDS_BUILD=$SECONDS
if (cd "$work/src" && DEB_BUILD_OPTIONS="parallel=$(nproc) noddebs" dpkg-buildpackage -us -uc -b) \
	>"$work/build.log" 2>&1; then
	ok "build: dpkg-buildpackage -us -uc -b in $((SECONDS - SECONDS_BUILD))s"
else
	fail "build: dpkg-buildpackage failed ($work/build.log):"
	tail -n 20 "$work/build.log" | sed 's/^/   | /'
	finish
fi
deb=$(ls "$work"/ckubeadm_*.deb | head -n 1)
echo "package: $deb"

# -- lintian: no error (its whole output kept: warnings and info are reported, not failed)
lintian --info "$deb" "$work"/*.changes >"$work/lintian.txt" 2>&1
sed 's/^/   lintian: /' "$work/lintian.txt"
if grep -q '^E: ' "$work/lintian.txt"; then
	fail "lintian: errors ($work/lintian.txt)"
else
	ok "lintian: no error ($(grep -c '^W: ' "$work/lintian.txt") warnings)"
fi

# -- the files the package holds
dpkg-deb -c "$deb" | awk '{ print $1, $6 ($7 == "->" ? " -> " $8 : "") }' | sed 's| \./| /|' >"$work/files.txt"
want=(
	'-rwxr-xr-x /usr/bin/ckubeadm'
	'lrwxrwxrwx /usr/bin/kubeadm -> ckubeadm'
	'-rw-r--r-- /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf'
	'-rw-r--r-- /usr/share/man/man1/ckubeadm.1.gz'
	'-rw-r--r-- /usr/share/man/man1/ckubeadm-init.1.gz'
	'-rw-r--r-- /usr/share/man/man1/ckubeadm-join.1.gz'
	'-rw-r--r-- /usr/share/man/man1/ckubeadm-init-phase-certs-ca.1.gz'
	'lrwxrwxrwx /usr/share/man/man1/kubeadm.1.gz -> ckubeadm.1.gz'
	'-rw-r--r-- /usr/share/bash-completion/completions/ckubeadm'
	'lrwxrwxrwx /usr/share/bash-completion/completions/kubeadm -> ckubeadm'
	'-rw-r--r-- /usr/share/zsh/vendor-completions/_ckubeadm'
	'-rw-r--r-- /usr/share/fish/vendor_completions.d/ckubeadm.fish'
	'lrwxrwxrwx /usr/share/fish/vendor_completions.d/kubeadm.fish -> ckubeadm.fish'
	'-rw-r--r-- /usr/share/doc/ckubeadm/SECURITY.md.gz'
	'-rw-r--r-- /usr/share/doc/ckubeadm/copyright'
	'-rw-r--r-- /usr/share/doc/ckubeadm/changelog.gz'
)
absent=()
for w in "${want[@]}"; do grep -qxF -- "$w" "$work/files.txt" || absent+=("$w"); done
if [ ${#absent[@]} -eq 0 ]; then
	ok "files: the ${#want[@]} expected entries ($(wc -l <"$work/files.txt") in all, $work/files.txt)"
else
	fail "files: missing or different: ${absent[*]}"
	sed 's/^/   | /' "$work/files.txt"
fi

# -- Depends names the package of every shared library the binary links (dpkg-shlibdeps)
depends=$(dpkg-deb -f "$deb" Depends)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
echo "Depends: $depends"
dpkg-deb -x "$deb" "$work/x"
bad=
for lib in $(objdump -p "$work/x/usr/bin/ckubeadm" | awk '$1 == "NEEDED" { print $2 }'); do
	# the package of this architecture's copy (other architectures' copies, e.g. libc6-i386's
	# /lib32/libm.so.6, may be installed too)
	pkg=$(dpkg -S "*/$lib" 2>/dev/null | awk -v t="/$multiarch/" 'index($0, t) || /\/lib64\// { print; exit }' |
		cut -d: -f1)
	[[ -n $pkg && ",$depends," =~ ,\ ?$pkg[\ ,] ]] || bad+=" $lib(${pkg:-?})"
done
# and the loader that reads the packed relocations (-z pack-relative-relocs): glibc 2.36
relr=$(readelf -d "$work/x/usr/bin/ckubeadm" | grep -c '(RELR)')
[ "$relr" -eq 0 ] || [[ ", $depends," == *", libc6 (>= 2.36),"* ]] || bad+=" RELR(libc6 >= 2.36)"
if [ -z "$bad" ] && [ -n "$depends" ]; then
	ok "depends: every NEEDED library's package is in Depends (and libc6 >= 2.36 for RELR)"
else
	fail "depends: not in Depends:$bad"
fi

# -- installed with dpkg into a scratch root (its own dpkg database; the libraries are the host's)
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
if dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" >"$work/install.log" 2>&1 &&
	dpkg --root="$root" -s ckubeadm 2>/dev/null | grep -qx 'Status: install ok installed'; then
	ok "install: dpkg --root installs it (status: install ok installed)"
else
	fail "install: dpkg --root ($work/install.log)"
	tail -n 10 "$work/install.log" | sed 's/^/   | /'
fi
dpkg --root="$root" -L ckubeadm >"$work/installed.txt" 2>&1
echo "installed files: $(wc -l <"$work/installed.txt") ($work/installed.txt)"

size=$(stat -c %s "$root/usr/bin/ckubeadm" 2>/dev/null || echo 0)
if [ "$size" -gt 0 ] && [ "$size" -lt 1048576 ]; then
	ok "size: the installed (stripped) binary is $size bytes (< 1 MiB)"
else
	fail "size: the installed binary is $size bytes (want 0 < size < 1048576)"
fi

out=$("$root/usr/bin/kubeadm" version -o short 2>&1)
help=$("$root/usr/bin/ckubeadm" init --help 2>&1 | head -n 1)
if [ "$out" = v1.37.2 ] && [ "$help" = "Run this command in order to set up the Kubernetes control plane" ]; then
	ok "program: kubeadm version -o short = $out; ckubeadm init --help runs"
else
	fail "program: kubeadm version -o short = '$out'; init --help: '$help'"
fi

if python3 "$top/tests/pkg/manflags.py" "$root/usr/bin/ckubeadm" "$root/usr/share/man/man1" \
	>"$work/manflags.log" 2>&1; then
	ok "man: $(tail -n 1 "$work/manflags.log") (each page's flags = its --help's)"
else
	fail "man: $(grep -c '^FAIL' "$work/manflags.log") pages differ from --help ($work/manflags.log)"
	grep '^FAIL' "$work/manflags.log" | head -n 5 | sed 's/^/   | /'
fi
if man -l "$root/usr/share/man/man1/ckubeadm-init.1.gz" 2>/dev/null | grep -q -- '--dry-run'; then
	ok "man: man -l ckubeadm-init.1.gz renders (lists --dry-run)"
else
	fail "man: ckubeadm-init.1.gz does not render"
fi

if [ -f /usr/share/bash-completion/bash_completion ]; then
	if python3 "$top/tests/pkg/completion.py" bash "$root/usr/share/bash-completion/completions/ckubeadm" \
		"$root/usr/bin" >"$work/completion.log" 2>&1; then
		ok "completion: $(tail -n 1 "$work/completion.log") (bash in a pty, Tab)"
	else
		fail "completion: bash in a pty ($work/completion.log)"
		grep '^FAIL' "$work/completion.log" | head -n 5 | sed 's/^/   | /'
	fi
else
	skip "completion: bash-completion is not installed (scripts/apt-packages lists it)"
fi

if python3 "$top/tests/pkg/completion.py" zsh "$root/usr/share/zsh/vendor-completions/_ckubeadm" \
	"$root/usr/bin" >"$work/completion-zsh.log" 2>&1; then
	ok "completion: $(tail -n 1 "$work/completion-zsh.log") (zsh in a pty, compinit, Tab)"
else
	fail "completion: zsh in a pty ($work/completion-zsh.log)"
	grep '^FAIL' "$work/completion-zsh.log" | head -n 5 | sed 's/^/   | /'
fi

# fish: its own completion query (complete -C) with the installed file, for both names
fish_out=$(PATH="$root/usr/bin:$PATH" fish --no-config -c "source '$root/usr/share/fish/vendor_completions.d/ckubeadm.fish'
	complete -C 'ckubeadm ini'; complete -C 'kubeadm certs '; complete -C 'ckubeadm init --dry'" 2>&1)
if grep -q "^init	" <<<"$fish_out" && grep -q "^check-expiration	" <<<"$fish_out" &&
	grep -q "^--dry-run	" <<<"$fish_out"; then
	ok "completion: fish offers init, certs check-expiration, init --dry-run"
else
	fail "completion: fish: $fish_out"
fi

if dpkg --root="$root" --force-depends --force-script-chrootless --purge ckubeadm \
	>>"$work/install.log" 2>&1 && [ ! -e "$root/usr/bin/ckubeadm" ] &&
	[ ! -e "$root/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf" ]; then
	ok "remove: dpkg --purge removes the program and the drop-in"
else
	fail "remove: dpkg --purge ($work/install.log)"
fi
finish
