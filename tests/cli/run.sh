#!/usr/bin/env bash
# CLI tests: runs ckubeadm (path as $1) on every case of cases.txt and compares stdout, stderr
# and the exit code with the reference's (golden/, made by regen.sh). A case may carry a sed
# script applied to the golden output and the written reason of that accepted difference.
# Prints "ok <name>" or "FAIL <name>" per case and ends with "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: run.sh path/to/ckubeadm}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# cases run in a scratch directory holding the input files (relative paths in messages)
cp "$here"/inputs/* "$work"/
pass=0 fail=0
while IFS='|' read -r name args filter reason; do
	case $name in ''|'#'*) continue ;; esac
	g=$here/golden/$name
	if [ ! -f "$g.rc" ]; then
		echo "FAIL $name (no golden: run tests/cli/regen.sh)"
		fail=$((fail + 1))
		continue
	fi
	eval "set -- $args"
	(cd "$work" && "$bin" "$@" >"$work/out" 2>"$work/err" </dev/null)
	echo $? >"$work/rc"
	ok=1
	# klog lines ("W1127 03:41:02.981181 6701 file.go:627] msg") carry a time, a pid and Go's
	# file:line, and depend on the machine (e.g. no default route): ignored on both sides.
	sed -i '/^[IWE][0-9]\{4\} [0-9:.]* /d' "$work/err"
	for s in out err rc; do
		if [ -n "$filter" ]; then
			sed -e "$filter" "$g.$s" >"$work/want.$s"
		else
			cp "$g.$s" "$work/want.$s"
		fi
		[ $s = err ] && sed -i '/^[IWE][0-9]\{4\} [0-9:.]* /d' "$work/want.$s"
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
echo "$pass passed, $fail failed"
[ $fail = 0 ]
