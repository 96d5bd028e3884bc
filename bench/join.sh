#!/usr/bin/env bash
# bench/join.sh <ckubeadm> <reference kubeadm>: `join` on the end-to-end bed (tests/e2e/join.sh),
# the reference and ckubeadm alternately, RUNS (default 3) runs each. Every run's cluster is
# initialised by the REFERENCE kubeadm (the same init for both sides), then the side under
# measure joins: w1 as a worker (the printed join command), cp2 as a control plane
# (--certificate-key), and cp2 again after `reset -f`. Prints the medians of the join
# command's wall time, of join start to node Ready, and of the join command's own peak RSS
# (tests/e2e/peak-rss.sh), with ckubeadm/reference ratios.
# The bed is shared: run it under the bed's lock, `flock /tmp/ckubeadm-bed.lock bench/join.sh ...`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ours=$(readlink -f "$1") ref=${2%/kubeadm}/kubeadm.real runs=${RUNS:-3}
out=$(mktemp -d /tmp/ckubeadm-bench-join.XXXXXX)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for ((i = 1; i <= runs; i++)); do
	for side in ref ours; do
		bin=$ref; [ "$side" = ours ] && bin=$ours
		CKUBEADM_E2E_LOGS=$out/$side-$i bash "$here/../tests/e2e/join.sh" "$ref" "$bin" >"$out/$side-$i.log" 2>&1 ||
			{ echo "run $i of $side failed: $out/$side-$i.log"; exit 1; }
	done
done
field() { cat "$out"/"$1"-*/timing.txt | awk -v k="$2" '$1 == k {print $2}' | median; }
echo "runs: $runs each (median); init by the reference kubeadm; $(nproc) cores; logs in $out"
for n in w1 cp2 cp2-again; do
	for k in join-ms join-to-ready-ms join-peak-rss-kib; do
		r=$(field ref "$n-$k") o=$(field ours "$n-$k")
		awk -v k="$n-$k" -v r="$r" -v o="$o" 'BEGIN {
			printf "%-28s reference %8d | ckubeadm %8d | ratio x%.3f\n", k, r, o, o / r }'
	done
done
