#!/usr/bin/env bash
# Runs every test suite of ckubeadm on this machine: installs what is missing, builds every
# reference peer (cached by version), the bed's images and the Go helper programs the suites
# use, then ckubeadm with gcc (warnings are errors), with ASan+UBSan and with clang, and runs
# the unit, CLI, conformance, integration, fuzz and end-to-end suites; the CLI and conformance
# suites run a second time with the ASan+UBSan binary.
# Each suite ends with "N passed, N failed" optionally followed by ", N skipped" (or meson's
# Ok:/Fail:/Skipped: summary); a suite that ran no case fails. Ends with the suites that
# skipped cases, the failing suites, then one line "N passed, N failed, N skipped" summing
# every suite; exit 1 on any failure. Whatever a suite needs is built before the first suite.
# The end-to-end suites (the bed) run alongside the others in a chain of their own, printed and
# counted at the end (CKUBEADM_E2E_SERIAL=1: after the others).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${CKUBEADM_TEST_OUT:-$top/build-test}
mkdir -p "$out"
passed=0 failed=0 skipped=0 broken=() skipping=()
started=$(date +%s)

# fatal REASON [LOG]: a setup step failed: its reason and the tail of its log, then a red total.
fatal() {
	echo "FATAL: $1"
	[ -z "${2:-}" ] || [ ! -s "$2" ] || tail -n 40 "$2" | sed 's/^/   | /'
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

bash scripts/deps.sh || fatal "dependencies could not be installed"
command -v go >/dev/null || export PATH=$PATH:/usr/local/go/bin
# Every peer before any suite: the conformance, pki, cri and integration suites start etcd,
# kube-apiserver, the kubelet, crictl and containerd with the bed's images; built only by the
# end-to-end part, their blocks dropped out on a fresh machine.
echo "== building the reference peers and the bed's images (cached; log: $out/peers.log)"
peers=$(nice tests/peers/build.sh all 2>"$out/peers.log") ||
	fatal "reference peers did not build (tests/peers/build.sh all)" "$out/peers.log"
nice tests/e2e/images.sh "$peers" >/dev/null 2>>"$out/peers.log" ||
	fatal "the bed's images did not build (tests/e2e/images.sh)" "$out/peers.log"
export CKUBEADM_REFERENCE=$peers/kubeadm
# The Go programs that suites build from tests/peers (grep 'go build' tests/*/*/run.sh), built
# here with the suites' own flags: a failure is loud here, not a skip there, and the suites'
# builds hit Go's cache. CKUBEADM_GO_TOOLS names the directory of the binaries.
go_tools=(podcheck addoncheck)
mkdir -p "$out/go-tools"
(cd tests/peers && nice go build -o "$out/go-tools/" "${go_tools[@]/#/./}") >"$out/go-tools.log" 2>&1 ||
	fatal "the Go helper programs ${go_tools[*]} did not build in tests/peers" "$out/go-tools.log"
export CKUBEADM_GO_TOOLS=$out/go-tools
echo "== peers, images and Go helpers ready in $(( $(date +%s) - started ))s"

# meson_count KEY LOG: the number on meson test's last summary line starting with KEY.
meson_count() { awk -v k="$1" 'index($0, k) == 1 { n = $NF } END { print n + 0 }' "$2"; }

# count <suite> <log> <rc>: adds the suite's own last "N passed, N failed[, N skipped]" line (or
# meson's Ok:/Fail:/Skipped: summary) to the totals. A suite with no such line, a non-zero exit
# with no failure counted, or no case passed nor failed (all skipped included) is a failure.
count() {
	local suite=$1 log=$2 rc=$3 p=0 f=0 s=0 line note=
	line=$(grep -E '^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		line=${line##*: }
		p=${line%% passed*}
		f=${line#*passed, }; f=${f%% failed*}
		case $line in *skipped) s=${line##*failed, }; s=${s%% skipped} ;; esac
	elif grep -q '^Ok:' "$log"; then
		p=$(meson_count 'Ok:' "$log")
		f=$(($(meson_count 'Fail:' "$log") + $(meson_count 'Timeout:' "$log") + $(meson_count 'Unexpected Pass:' "$log")))
		s=$(meson_count 'Skipped:' "$log")
	else
		f=1 note+=" (no count line)"
	fi
	[ "$rc" -eq 0 ] || note+=" (exit status $rc)"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ $((p + f)) -eq 0 ]; then f=1 note+=" (ran no case)"; fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	[ "$f" -eq 0 ] || broken+=("$suite")
	[ "$s" -eq 0 ] || skipping+=("$suite")
	printf '== %-28s %s passed, %s failed, %s skipped%s in %ss (log: %s)\n' \
		"$suite" "$p" "$f" "$s" "$note" "$SECONDS" "$log"
	# the skipped cases by name (a skip is never silent)
	[ "$s" -eq 0 ] || grep -iE '^(skip|SKIP)\b' "$log" | head -n 10 | sed 's/^/   skipped: /'
}

# run <suite> <command...>: runs a suite, keeps its output in a log, counts its results.
run() {
	local suite=$1; shift
	local log=$out/$suite.log
	echo "== $suite: $*"
	SECONDS=0
	"$@" >"$log" 2>&1
	local rc=$?
	tail -n 5 "$log" | sed 's/^/   | /'
	count "$suite" "$log" "$rc"
}

build() { # build <dir> <meson options...>: a failure prints its reason (the log's tail)
	local dir=$1; shift
	local log=$out/$(basename "$dir")-build.log
	if [ ! -f "$dir/build.ninja" ]; then
		rm -rf "$dir"
		meson setup "$dir" "$@" >"$log" 2>&1 || { tail -n 30 "$log"; return 1; }
	fi
	nice ninja -C "$dir" >"$log" 2>&1 || { grep -E 'error|warning' "$log" | head -n 40; tail -n 5 "$log"; return 1; }
}

# build_failed NAME: a build that a suite needed failed (its reason printed by build): one failure.
build_failed() {
	echo "== $1: build failed"
	failed=$((failed + 1)) broken+=("$1-build")
}

# End-to-end: real clusters in namespaces made by the bed (tests/e2e/README.md). The bed is
# first proven with the reference kubeadm, then driven by ckubeadm. The bed is one resource of
# this machine: each run holds its lock (/tmp/ckubeadm-bed.lock), waiting for another user.
# CKUBEADM_SKIP_E2E=1 leaves them out (a developer's quick run; CI runs everything).
# They run alongside the other suites, from the moment the gcc binary is built, in a chain of
# their own (the bed is one resource: the chain holds its lock; the other suites do not touch
# it): the chain's own log ($out/e2e-chain.log) is printed and counted when the other suites are
# done. CKUBEADM_E2E_SERIAL=1 runs the chain after them instead.
e2e_suites() {
	ref_real=${CKUBEADM_REFERENCE%/kubeadm}/kubeadm.real
	e2e_logs=$out/e2e-logs
	# e2e NAME SCRIPT ARG...: a bed run; its logs, with its objects.txt, in $e2e_logs/NAME
	e2e() {
		local name=$1
		shift
		rm -rf "${e2e_logs:?}/$name"
		mkdir -p "$e2e_logs/$name"
		run "$name" env CKUBEADM_E2E_LOGS="$e2e_logs/$name" flock /tmp/ckubeadm-bed.lock bash "$@"
	}
	e2e e2e-reference tests/e2e/run.sh "$ref_real"
	e2e e2e-ckubeadm tests/e2e/run.sh "$bin"
	# --resume on the bed (fault-injection build): four inits killed or failed at an effect
	# (a file, the first and a later API request), then init --resume; the cluster is checked
	# as above, its objects compared with the reference's, then a no-op --resume
	if [ -n "$fault_bin" ]; then
		E2E_INIT_FAULTS="rename:20:kill write:15:EIO api:1:kill api:28:kill" \
			e2e e2e-resume tests/e2e/run.sh "$fault_bin"
	fi
	# the multi-node sequence (init, workers, a control plane, its reset and new join): the
	# reference alone, ckubeadm alone, then mixed clusters (the reference joins ckubeadm's
	# cluster, ckubeadm joins the reference's)
	e2e e2e-join-reference tests/e2e/join.sh "$ref_real" "$ref_real"
	e2e e2e-join tests/e2e/join.sh "$bin" "$bin"
	e2e e2e-join-ref-onto-ckubeadm tests/e2e/join.sh "$bin" "$ref_real"
	e2e e2e-join-ckubeadm-onto-ref tests/e2e/join.sh "$ref_real" "$bin"
	# upgrade apply (tests/e2e/upgrade.sh: the reference's `upgrade apply v1.37.2 --yes` and
	# ckubeadm's on the same cluster, compared: exit code, console, files, the health-check Job,
	# API objects): scenario A (same version) on a cluster made by ckubeadm, and C (an API server
	# that cannot start, rolled back) on one made by the reference. CKUBEADM_E2E_UPGRADE=all adds
	# A on the reference's cluster, C on ckubeadm's, and B (HA: apply on cp1 with a changed
	# kubeadm-config, then `upgrade node` on cp2 and w1; three nodes twice, too long for every run)
	# and D (a patch upgrade v1.37.1 -> v1.37.2 on relinked peers, then the kubelet swapped).
	e2e e2e-upgrade-a tests/e2e/upgrade.sh "$bin" "$ref_real" "$bin"
	E2E_UPGRADE_SCENARIO=C e2e e2e-upgrade-c-ref-cluster tests/e2e/upgrade.sh "$ref_real" "$ref_real" "$bin"
	if [ "${CKUBEADM_E2E_UPGRADE:-}" = all ]; then
		e2e e2e-upgrade-a-ref-cluster tests/e2e/upgrade.sh "$ref_real" "$ref_real" "$bin"
		E2E_UPGRADE_SCENARIO=C e2e e2e-upgrade-c tests/e2e/upgrade.sh "$bin" "$ref_real" "$bin"
		E2E_UPGRADE_SCENARIO=B e2e e2e-upgrade-b tests/e2e/upgrade.sh "$bin" "$ref_real" "$bin"
		E2E_UPGRADE_SCENARIO=D e2e e2e-upgrade-d tests/e2e/upgrade.sh "$bin" "$ref_real" "$bin"
	fi
	# Diagnosis (tests/e2e/faults.sh): faults injected on the bed, init fails, the [diagnose]
	# block names the cause: the smoke subset (kubelet stopped, sandbox image missing, bad
	# flag, port taken). `bash tests/e2e/faults.sh BIN all` runs every fault, the reference
	# compared, the opt-out and a healthy init.
	e2e e2e-faults tests/e2e/faults.sh "$bin" smoke
	# the event stream and the result objects on the bed (tests/e2e/events.sh, beyond-kubeadm.md
	# §1.4): E1-E4 and E8 (init with CKUBEADM_EVENTS and CKUBEADM_RESULT, two workers joined from
	# InitResult and from token create -o json); CKUBEADM_E2E_EVENTS=all adds a control plane
	# joined from InitResult, a worker joined by the reference from it, and E6 (SIGTERM, SIGKILL)
	CKUBEADM_E2E_EVENTS=${CKUBEADM_E2E_EVENTS:-} e2e e2e-events tests/e2e/events.sh "$bin" "$ref_real"
	# certs renew --if-expiring-within --restart-control-plane=auto and check-expiration
	# --warn-within (tests/e2e/certs.sh, ≈2.5 min): threshold, restarts, served serials. The K3
	# loop (three certificate lifetimes, then the reference's renew on the same loop, ≈26 min):
	# E2E_CERTS=full tests/e2e/certs.sh <ckubeadm> <reference kubeadm.real>.
	e2e e2e-certs tests/e2e/certs.sh "$bin"
	# high availability (tests/e2e/ha.sh): HAProxy in front of three control planes, a join
	# storm of CKUBEADM_E2E_HA_WORKERS workers (default 2), a control plane killed and replaced;
	# ckubeadm alone here. CKUBEADM_E2E_HA=all adds the reference's and both mixed clusters,
	# their API objects compared with the reference's below.
	ha_workers=${CKUBEADM_E2E_HA_WORKERS:-2}
	E2E_HA_WORKERS=$ha_workers e2e e2e-ha tests/e2e/ha.sh "$bin" "$bin"
	if [ "${CKUBEADM_E2E_HA:-}" = all ]; then
		E2E_HA_WORKERS=$ha_workers e2e e2e-ha-reference tests/e2e/ha.sh "$ref_real" "$ref_real"
		E2E_HA_WORKERS=$ha_workers e2e e2e-ha-ref-onto-ckubeadm tests/e2e/ha.sh "$bin" "$ref_real"
		E2E_HA_WORKERS=$ha_workers e2e e2e-ha-ckubeadm-onto-ref tests/e2e/ha.sh "$ref_real" "$bin"
	fi
	# The API objects of each cluster (tests/e2e/objects.py, run-dependent fields removed)
	# against those of the reference's cluster made by the same steps: one case per object.
	run e2e-objects-init python3 tests/e2e/objects.py compare \
		"$e2e_logs/e2e-reference/objects.txt" "$e2e_logs/e2e-ckubeadm/objects.txt"
	# (the kubelet's first client-certificate CSR, made at its first start, goes to the API
	# server of whichever killed attempt it met, whose etcd data resume may not keep; a kubelet
	# that has its certificate asks no more: whether the final cluster holds that CSR depends on
	# where the faults fell. Not compared, counted as skipped.)
	[ -z "$fault_bin" ] || run e2e-objects-resume python3 tests/e2e/objects.py compare \
		"$e2e_logs/e2e-reference/objects.txt" "$e2e_logs/e2e-resume/objects.txt" --except \
		'^CertificateSigningRequest signer=kubernetes.io/kube-apiserver-client-kubelet user=system:node:' \
		"the kubelet's first CSR went to a killed attempt's API server"
	for name in e2e-join e2e-join-ref-onto-ckubeadm e2e-join-ckubeadm-onto-ref; do
		run "${name/e2e-join/e2e-objects-join}" python3 tests/e2e/objects.py compare \
			"$e2e_logs/e2e-join-reference/objects.txt" "$e2e_logs/$name/objects.txt"
	done
	if [ "${CKUBEADM_E2E_HA:-}" = all ]; then
		for name in e2e-ha e2e-ha-ref-onto-ckubeadm e2e-ha-ckubeadm-onto-ref; do
			run "${name/e2e-ha/e2e-objects-ha}" python3 tests/e2e/objects.py compare \
				"$e2e_logs/e2e-ha-reference/objects.txt" "$e2e_logs/$name/objects.txt"
		done
	fi
	# The console output (stdout and stderr as written) of each init, join and reset against
	# the reference's on the same steps, run-dependent values masked (tests/e2e/console.py);
	# its selftest first proves, on the reference's outputs, that one changed word goes red.
	run e2e-console-selftest python3 tests/e2e/console.py selftest join "$e2e_logs/e2e-join-reference"
	run e2e-console-init python3 tests/e2e/console.py compare init "$e2e_logs/e2e-reference" "$e2e_logs/e2e-ckubeadm"
	# E1: init's console with the stream and the result file on is the reference's (the same
	# configuration and flags as join.sh's init)
	run e2e-console-events python3 tests/e2e/console.py compare init "$e2e_logs/e2e-join-reference" "$e2e_logs/e2e-events"
	for name in e2e-join e2e-join-ref-onto-ckubeadm e2e-join-ckubeadm-onto-ref; do
		run "${name/e2e-join/e2e-console-join}" python3 tests/e2e/console.py compare join \
			"$e2e_logs/e2e-join-reference" "$e2e_logs/$name"
	done
}

build "$out/gcc" -Dwerror=true || fatal "ckubeadm does not build ($out/gcc-build.log)"
bin=$out/gcc/src/ckubeadm
# Fault injection (util/fault.h): a build with the hooks compiled in, before the end-to-end chain
# starts (e2e-resume uses it); tests/torture fails each effect of init's offline phases in turn
# and proves that init --resume converges (a sample of N, ~1 min; CKUBEADM_TORTURE=all bash
# tests/torture/run.sh <fault build>/src/ckubeadm runs every N in both modes).
fault_bin=
if build "$out/fault" -Dwerror=true -Dfault_injection=true -Dtests=disabled; then
	fault_bin=$out/fault/src/ckubeadm
fi
# e2e_chain: the end-to-end suites with totals of their own, written to $out/e2e-chain.state
e2e_chain() {
	passed=0 failed=0 skipped=0 broken=() skipping=()
	e2e_suites
	local e2e_passed=$passed e2e_failed=$failed e2e_skipped=$skipped
	local -a e2e_broken=("${broken[@]}") e2e_skipping=("${skipping[@]}")
	declare -p e2e_passed e2e_failed e2e_skipped e2e_broken e2e_skipping >"$out/e2e-chain.state"
}
e2e_pid=
rm -f "$out/e2e-chain.state" "$out/e2e-chain.log"
if [ -z "${CKUBEADM_SKIP_E2E:-}" ] && [ -z "${CKUBEADM_E2E_SERIAL:-}" ]; then
	echo "== end-to-end suites started alongside the others (log: $out/e2e-chain.log)"
	e2e_chain >"$out/e2e-chain.log" 2>&1 &
	e2e_pid=$!
fi
run unit meson test -C "$out/gcc" --suite unit --print-errorlogs
asan=
if CC=gcc build "$out/asan" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false; then
	asan=$out/asan/src/ckubeadm
	run unit-asan env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C "$out/asan" --suite unit --print-errorlogs
else
	build_failed unit-asan
fi
if CC=clang build "$out/clang" -Dwerror=true; then
	run unit-clang meson test -C "$out/clang" --suite unit --print-errorlogs
else
	build_failed unit-clang
fi
run lint bash scripts/lint.sh

# Suites under tests/: each takes the ckubeadm binary, the reference kubeadm and the build
# directory (test drivers). CRICTL and KUBEADM point tests/cri at the peers built above.
for suite in tests/cli/run.sh tests/conformance/*/run.sh tests/pki/run.sh tests/cri/run.sh \
	tests/integration/*/run.sh; do
	[ -f "$suite" ] || continue
	name=$(dirname "${suite#tests/}" | tr / -)
	case $suite in
	tests/cri/run.sh) run "$name" env CRICTL="$peers/crictl.real" KUBEADM="$CKUBEADM_REFERENCE" \
		bash "$suite" "$out/gcc" ;;
	*) run "$name" bash "$suite" "$bin" "$CKUBEADM_REFERENCE" "$out/gcc" ;;
	esac
done
if [ -n "$fault_bin" ]; then
	run torture bash tests/torture/run.sh "$fault_bin"
else
	build_failed torture
fi
run selftest bash tests/selftest/run.sh "$bin" "$CKUBEADM_REFERENCE" "$out/gcc" # the suites go red when they must
# The Debian package (tests/pkg): dpkg-buildpackage, lintian, dpkg --root, man pages against
# --help, bash completion in a terminal. About 90 s, most of it the package's release build.
run pkg bash tests/pkg/run.sh "$out/pkg"
[ -f fuzz/run.sh ] && run fuzz bash fuzz/run.sh "$out/fuzz"

# The CLI and conformance suites again with the ASan+UBSan binary (and its build directory's
# drivers), as suites of their own: memory errors and undefined behaviour on the paths the
# comparisons drive abort the run, and its report lands in the compared output. No leak
# detection: LeakSanitizer needs /proc, which the chroot of --rootfs hides (it then fails every
# such case with "LeakSanitizer has encountered a fatal error"); leaks are unit-asan's part.
# Their cost is the suites' own: the reference's runs dominate. Measured on this 2-core machine
# under load (gcc binary / ASan binary, seconds): cli 15/17, conformance-addons 85/40, certs
# 453/430, config 63/59, join 33/28, manifests 43/25, preflight 65/59, reset 55/40; the whole
# run without the end-to-end part took 2321 s. conformance-certs alone would cost 7 minutes
# more, so the default list leaves it out; all of them, the certs suite included:
#   CKUBEADM_ASAN_SUITES=all bash scripts/test.sh
# CKUBEADM_ASAN_SUITES may also name the suites (a space-separated list: cli conformance-certs).
asan_all="cli $(for d in tests/conformance/*/run.sh; do printf 'conformance-%s ' "$(basename "$(dirname "$d")")"; done)"
asan_suites=${CKUBEADM_ASAN_SUITES:-${asan_all/conformance-certs /}}
[ "$asan_suites" != all ] || asan_suites=$asan_all
left_out=$(for n in $asan_all; do [[ " $asan_suites " == *" $n "* ]] || printf '%s ' "$n"; done)
[ -z "$left_out" ] || echo "== not run with the ASan binary: ${left_out% } (CKUBEADM_ASAN_SUITES=all runs them)"
if [ -n "$asan" ]; then
	# The suites run the binary in a cleared environment (env -i, as the reference's wrapper
	# runs kubeadm): the sanitizers' options ride in a wrapper of the same name that sets them.
	mkdir -p "$out/asan-bin"
	cat >"$out/asan-bin/ckubeadm" <<EOF
#!/bin/sh
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
exec '$asan' "\$@"
EOF
	chmod +x "$out/asan-bin/ckubeadm"
	for name in $asan_suites; do
		suite=tests/${name/-//}/run.sh
		[ -f "$suite" ] || { echo "== $name-asan: no $suite"; failed=$((failed + 1)) broken+=("$name-asan"); continue; }
		run "$name-asan" bash "$suite" "$out/asan-bin/ckubeadm" "$CKUBEADM_REFERENCE" "$out/asan"
	done
fi


if [ -z "${CKUBEADM_SKIP_E2E:-}" ]; then
	if [ -n "$e2e_pid" ]; then
		echo "== waiting for the end-to-end suites"
		wait "$e2e_pid"
	else
		(e2e_chain) >"$out/e2e-chain.log" 2>&1 # a subshell: its totals are its own
	fi
	cat "$out/e2e-chain.log"
	if [ -f "$out/e2e-chain.state" ]; then
		. "$out/e2e-chain.state"
		passed=$((passed + e2e_passed)) failed=$((failed + e2e_failed)) skipped=$((skipped + e2e_skipped))
		broken+=("${e2e_broken[@]}") skipping+=("${e2e_skipping[@]}")
	else
		echo "== end-to-end suites: the chain ended without its totals"
		failed=$((failed + 1)) broken+=(e2e-chain)
	fi
fi

echo
echo "duration: $(( $(date +%s) - started ))s"
[ ${#skipping[@]} -eq 0 ] || echo "suites with skipped cases: ${skipping[*]}"
[ ${#broken[@]} -eq 0 ] || echo "failing suites: ${broken[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
