#!/usr/bin/env bash
# Regenerates tests/cli/golden/ from the reference kubeadm: each case of cases.txt is run and
# its stdout, stderr and exit code are stored as <name>.out, <name>.err, <name>.rc.
# Usage: tests/cli/regen.sh [path/to/reference/kubeadm]
# CKUBEADM_CASES=<extended regex> regenerates only the cases whose name matches it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ref=${1:-/var/cache/ckubeadm/peers/k8s-v1.37.2/kubeadm}
[ -x "$ref" ] || { echo "regen.sh: no reference binary at $ref" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# every case runs with this environment only (run.sh and regen.sh alike): no ~/.kube/config,
# no $KUBECONFIG, nothing of the caller's shell
case_env=(HOME=/nonexistent-home PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
# cases run in a scratch directory holding the input files (relative paths in messages)
cp "$here"/inputs/* "$work"/
mkdir -p "$here/golden"
n=0
while IFS='|' read -r name args filter reason; do
	case $name in ''|'#'*) continue ;; esac
	if [ -n "${CKUBEADM_CASES:-}" ] && ! [[ $name =~ $CKUBEADM_CASES ]]; then
		continue
	fi
	eval "set -- $args"
	(cd "$work" && env -i "${case_env[@]}" "$ref" "$@" >"$here/golden/$name.out" 2>"$here/golden/$name.err" </dev/null)
	echo $? >"$here/golden/$name.rc"
	n=$((n + 1))
done <"$here/cases.txt"
# run.sh compares klog lines with their time, pid and Go file:line masked
echo "regen.sh: $n cases regenerated from $ref"
