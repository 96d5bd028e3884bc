#!/usr/bin/env bash
# CLI tests: runs ckubeadm (path as $1) on every case of cases.txt and compares stdout, stderr
# and the exit code with the reference's (golden/, made by regen.sh). A case may carry a sed
# script applied to the golden output and the written reason of that accepted difference.
# ckubeadm runs as the goldens' reference ran (regen.sh: the same scratch directory, the same
# environment, alone in a new network namespace, as the reference's wrapper runs kubeadm.real),
# so its klog lines (warnings, -v output) are compared too, with only their time, pid and
# source location masked.
# CKUBEADM_CASES=<extended regex> runs only the cases whose name matches it.
# Prints "ok <name>" or "FAIL <name>" per case and ends with "N passed, N failed, N skipped";
# exits non-zero when a case failed or when no case ran.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: run.sh path/to/ckubeadm}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0 skip=0
# the reference's wrapper (tests/peers) runs kubeadm.real under "unshare --net": no route, no
# interface but a down loopback. ckubeadm gets the same, or the suite cannot run at all. The
# unshare of the caller's PATH, found once: the cases' cleared environment must not pick another.
unshare=$(command -v unshare) || { echo "FAIL no unshare on PATH"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
if ! out=$("$unshare" --net -- "$bin" version -o short 2>&1); then
	echo "FAIL ckubeadm does not start under unshare --net: $out"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
# every case runs with this environment only (run.sh and regen.sh alike): no ~/.kube/config,
# no $KUBECONFIG, nothing of the caller's shell
case_env=(HOME=/nonexistent-home PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
# cases run in a scratch directory holding the input files (relative paths in messages)
cp "$here"/inputs/* "$work"/
# klog's header "W1127 03:41:02.981181   6701 file.go:627] ": the level letter stays, the
# month, day and time of day, the pid (right-aligned in 7 columns, as klog pads it) and the
# source location are masked; a line that is not exactly in this form stays as it is.
klog_mask='s/^([IWEF])[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} ( {6}[0-9]| {5}[0-9]{2}| {4}[0-9]{3}| {3}[0-9]{4}| {2}[0-9]{5}| [0-9]{6}|[0-9]{7,}) [^] ]+\] /\1mmdd hh:mm:ss.uuuuuu threadid file:line] /'
while IFS='|' read -r name args filter reason; do
	case $name in ''|'#'*) continue ;; esac
	if [ -n "${CKUBEADM_CASES:-}" ] && ! [[ $name =~ $CKUBEADM_CASES ]]; then
		continue
	fi
	g=$here/golden/$name
	if [ ! -f "$g.rc" ]; then
		echo "FAIL $name (no golden: run tests/cli/regen.sh)"
		fail=$((fail + 1))
		continue
	fi
	eval "set -- $args"
	(cd "$work" && env -i "${case_env[@]}" "$unshare" --net -- "$bin" "$@" >"$work/out" 2>"$work/err" </dev/null)
	echo $? >"$work/rc"
	ok=1
	sed -i -E "$klog_mask" "$work/err"
	for s in out err rc; do
		if [ -n "$filter" ]; then
			sed -e "$filter" "$g.$s" >"$work/want.$s"
		else
			cp "$g.$s" "$work/want.$s"
		fi
		[ $s = err ] && sed -i -E "$klog_mask" "$work/want.$s"
		if ! cmp -s "$work/want.$s" "$work/$s"; then
			ok=0
			if [ -n "${CLI_TEST_VERBOSE:-}" ]; then
				echo "--- $name: $s differs"
				diff -u "$work/want.$s" "$work/$s" | head -20
			fi
		fi
	done
	if [ $ok = 1 ]; then
		echo "ok $name${reason:+ (accepted difference: $reason)}"
		pass=$((pass + 1))
	else
		echo "FAIL $name"
		fail=$((fail + 1))
	fi
done <"$here/cases.txt"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] && [ $((pass + fail)) -gt 0 ]
