#!/usr/bin/env bash
# bench/init.sh <ckubeadm> <reference kubeadm>: `init` on the end-to-end bed (tests/e2e), the
# reference and ckubeadm alternately, RUNS (default 3) runs each: median wall time of init,
# of init start to node Ready, and init's peak RSS, with ckubeadm/reference ratios.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ours=$(readlink -f "$1") ref=${2%/kubeadm}/kubeadm.real runs=${RUNS:-3}
out=$(mktemp -d /tmp/ckubeadm-bench-init.XXXXXX)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for ((i = 1; i <= runs; i++)); do
	for side in ref ours; do
		bin=$ref; [ "$side" = ours ] && bin=$ours
		CKUBEADM_E2E_LOGS=$out/$side-$i bash "$here/../tests/e2e/run.sh" "$bin" >"$out/$side-$i.log" 2>&1 ||
			{ echo "run $i of $side failed: $out/$side-$i.log"; exit 1; }
	done
done
field() { cat "$out"/"$1"-*/timing.txt | awk -v k="$2" '$1 == k {print $2}' | median; }
echo "runs: $runs each (median); $(nproc) cores; logs in $out"
for k in init-ms init-to-ready-ms init-peak-rss-kib; do
	r=$(field ref "$k") o=$(field ours "$k")
	awk -v k="$k" -v r="$r" -v o="$o" 'BEGIN { printf "%-20s reference %8d | ckubeadm %8d | ratio x%.3f\n", k, r, o, o / r }'
done
