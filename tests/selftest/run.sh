#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The harness self-test (issue 19): no comparison suite may pass without running both
# binaries, and none may miss a one-byte difference. For every comparison suite (tests/cli,
# each tests/conformance/*, tests/pki, tests/integration/api), on a few of its cases
# (CKUBEADM_CASES; tests/cli has no selector and runs whole), it checks that the suite is
#   baseline  green with the real ckubeadm and the real reference (else the checks below would
#             prove nothing: they are then counted skips);
#   (a)       red when ckubeadm and the reference both fail to start: two wrappers that print
#             the same error ("unshare: unshare failed: Operation not permitted") and exit 1;
#   (a')      red when `unshare` fails (a stand-in first on PATH prints that error), for the
#             suites that run the binaries under unshare;
#   (a'')     red when `unshare` fails only after the suite's start check (it works for
#             `version`, fails for anything else): the per-case start markers;
#   (b)       red, with a failed case (not the start check), when ckubeadm differs in one byte:
#             tests/selftest/flip.py around the real binary changes one letter of one file each
#             run writes (suites that compare files) or of one output line.
# tests/integration/etcd is not checked: it never runs ckubeadm (it drives src/etcd through the
# build's etcd-probe), so no ckubeadm could turn it red.
# One line per check, then "N passed, N failed, N skipped"; non-zero when a check failed or none
# ran.
#   tests/selftest/run.sh <ckubeadm> <reference kubeadm> [<build dir>]
# SELFTEST_SUITES=<regex> checks only the suites whose name (cli, conformance-certs, pki, ...)
# matches.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference kubeadm> [build-dir]" >&2; exit 2; }
ours=$(readlink -f "$1")
ref=$2
build=${3:-$top/build}
passed=0 failed=0 skipped=0

T=$(mktemp -d /tmp/ckubeadm-selftest.XXXXXX)
chmod 755 "$T" # the unprivileged user of the preflight cases runs the wrappers too
trap 'rm -rf "$T"' EXIT

# The stand-ins: binaries that fail to start, an unshare that always fails, one that fails
# after the start check.
real_unshare=$(command -v unshare)
mkdir -p "$T/fake-ours" "$T/fake-ref" "$T/no-unshare" "$T/late-unshare"
# beside the failing reference, the other peers (etcd, kube-apiserver, ...) as they are: only
# kubeadm fails
for p in "$(dirname "$ref")"/*.real; do
	[ -e "$p" ] && [ "${p##*/}" != kubeadm.real ] && ln -s "$p" "$T/fake-ref/${p##*/}"
done
fail_sh='#!/bin/sh
echo "unshare: unshare failed: Operation not permitted" >&2
exit 1'
printf '%s\n' "$fail_sh" >"$T/fake-ours/ckubeadm"
printf '%s\n' "$fail_sh" >"$T/fake-ref/kubeadm"
printf '%s\n' "$fail_sh" >"$T/no-unshare/unshare"
cat >"$T/late-unshare/unshare" <<EOF
#!/bin/sh
# the real unshare for a start check (a \`version\` call), a failure for anything else
for a; do [ "\$a" = version ] && exec "$real_unshare" "\$@"; done
echo "unshare: unshare failed: Operation not permitted" >&2
exit 1
EOF
chmod 755 "$T"/*/*

result() { # <ok|FAIL|skip> <text>
	case $1 in
	ok) passed=$((passed + 1)); echo "ok   $2" ;;
	FAIL) failed=$((failed + 1)); echo "FAIL $2" ;;
	skip) skipped=$((skipped + 1)); echo "skip $2" ;;
	esac
}

# totals <log>: the suite's last totals line (or "no totals")
totals() {
	grep -E '^ *[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 | sed 's/^ *//' | grep . || echo "no totals"
}
# case_failure <log>: the first failed case (not the start check) the suite printed
case_failure() { grep -E '^ *FAIL ' "$1" | grep -v 'FAIL setup' | head -n 1 | sed 's/^ *//' | cut -c1-100; }
first_failure() { grep -E '^ *FAIL ' "$1" | head -n 1 | sed 's/^ *//' | cut -c1-100; }

# suite <name> <script> <flip mode|-> <unshare: yes|no> <selection regex>: the checks of one
# suite; flip mode "-": (a) checks only (a suite too slow to run twice more here, whose own run
# in scripts/test.sh is its baseline)
suite() {
	local name=$1 script=$2 mode=$3 uses_unshare=$4 sel=$5 log rc t0
	[ -z "${SELFTEST_SUITES:-}" ] || grep -qE -- "$SELFTEST_SUITES" <<<"$name" || return 0
	export CKUBEADM_CASES=$sel
	log=$T/$name
	# run <tag> <env...> -- <ckubeadm> <reference>: the suite, its log in $log.<tag>
	run() {
		local tag=$1 envs=()
		shift
		while [ "$1" != -- ]; do envs+=("$1"); shift; done
		shift
		t0=$SECONDS
		env ${envs[@]+"${envs[@]}"} timeout 1200 bash "$top/$script" "$1" "$2" "$build" >"$log.$tag" 2>&1
		rc=$?
	}

	if [ "$mode" != - ]; then
		run baseline -- "$ours" "$ref"
		if [ $rc -eq 0 ] && [[ $(totals "$log.baseline") =~ ^[1-9][0-9]*\ passed,\ 0\ failed ]]; then
			result ok "$name: baseline green with the real binaries ($(totals "$log.baseline"), $((SECONDS - t0)) s)"
		else
			result FAIL "$name: baseline not green with the real binaries (exit $rc, $(totals "$log.baseline")): $(first_failure "$log.baseline")"
			sed 's/^/     | /' "$log.baseline" | tail -n 15
			local c
			for c in "(a)" "(a')" "(a'')" "(b)"; do result skip "$name: $c: the baseline is not green"; done
			return 0
		fi
	fi

	run a -- "$T/fake-ours/ckubeadm" "$T/fake-ref/kubeadm"
	if [ $rc -ne 0 ]; then
		result ok "$name: (a) both binaries fail to start -> red (exit $rc, $(totals "$log.a")): $(first_failure "$log.a")"
	else
		result FAIL "$name: (a) both binaries fail to start, yet green: $(totals "$log.a")"
	fi

	if [ "$uses_unshare" = yes ]; then
		run a1 PATH="$T/no-unshare:$PATH" -- "$ours" "$ref"
		if [ $rc -ne 0 ]; then
			result ok "$name: (a') unshare fails -> red (exit $rc, $(totals "$log.a1")): $(first_failure "$log.a1")"
		else
			result FAIL "$name: (a') unshare fails, yet green: $(totals "$log.a1")"
		fi
		run a2 PATH="$T/late-unshare:$PATH" -- "$ours" "$ref"
		if [ $rc -ne 0 ]; then
			result ok "$name: (a'') unshare fails after the start check -> red (exit $rc, $(totals "$log.a2")): $(first_failure "$log.a2")"
		else
			result FAIL "$name: (a'') unshare fails after the start check, yet green: $(totals "$log.a2")"
		fi
	fi

	[ "$mode" != - ] || { unset CKUBEADM_CASES; return 0; }
	: >"$T/flip.log"
	# the faulty ckubeadm: flip.py with its settings written into a wrapper, since a suite may run
	# its binary with a cleared environment (tests/cli: env -i)
	cat >"$T/flip-ours" <<EOF
#!/bin/sh
SELFTEST_REAL='$ours' SELFTEST_FLIP='$mode' SELFTEST_LOG='$T/flip.log' exec '$here/flip.py' "\$@"
EOF
	chmod 755 "$T/flip-ours"
	run b -- "$T/flip-ours" "$ref"
	local flipped
	flipped=$(head -n 1 "$T/flip.log" | cut -c1-160)
	if [ ! -s "$T/flip.log" ]; then
		result FAIL "$name: (b) the one-byte change was never made ($mode mode): $(totals "$log.b")"
	elif [ $rc -ne 0 ] && [ -n "$(case_failure "$log.b")" ]; then
		result ok "$name: (b) one byte changed ($mode: $flipped) -> red (exit $rc, $(totals "$log.b")): $(case_failure "$log.b")"
	else
		result FAIL "$name: (b) one byte changed ($mode: $flipped), no failed case (exit $rc, $(totals "$log.b"))"
		sed 's/^/     | /' "$log.b" | tail -n 15
	fi
	unset CKUBEADM_CASES
}

echo "ckubeadm: $ours; reference: $ref"
# tests/cli compares with goldens the reference made (no reference at run time); ckubeadm runs
# under unshare --net with a cleared environment, as the goldens' reference ran
suite cli tests/cli/run.sh output yes '^(help-init|v5-config-print-init-defaults)$'
suite conformance-config tests/conformance/config/run.sh output yes \
	'^print init-defaults$|^validate valid/03-ha-endpoint.yaml$'
suite conformance-join tests/conformance/join/run.sh file yes \
	'^dry-run-kubeadm-token-pinned$|^bad-token-format$'
suite conformance-manifests tests/conformance/manifests/run.sh file yes \
	'^01-defaults: control-plane all$|^01-defaults: kubelet-start$'
suite conformance-certs tests/conformance/certs/run.sh file yes \
	'^ecdsa-p256: init phase certs all$|^ecdsa-p256: certs \+ kubeconfig \(tree\)$'
suite conformance-addons tests/conformance/addons/run.sh output yes \
	'^01-defaults: addon coredns --dry-run$'
suite conformance-preflight tests/conformance/preflight/run.sh output yes \
	'^init preflight, no CRI socket$|^ignore all$'
suite conformance-reset tests/conformance/reset/run.sh output yes \
	'^force: full control-plane node$|^dry-run: nothing changes$'
suite pki tests/pki/run.sh file yes \
	'^compare: ecdsa-p256$|^reuse: leaf-key-missing$|^verify-chains: ECDSA-P256$'
# a run takes 3 minutes and has no case selector: (a) checks only
suite integration-api tests/integration/api/run.sh - yes ''
# suites against a real kube-apiserver, minutes each: (a) checks only
suite conformance-upgrade tests/conformance/upgrade/run.sh - no ''
suite conformance-upgrade-diff tests/conformance/upgrade-diff/run.sh - no ''
suite conformance-events tests/conformance/events/run.sh - no ''

if [ $((passed + failed)) -eq 0 ]; then
	echo "FAIL no check ran"
	failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
