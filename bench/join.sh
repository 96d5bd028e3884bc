#!/usr/bin/env bash
# bench/join.sh <ckubeadm> <reference kubeadm>: `join` on the end-to-end bed (tests/e2e/join.sh),
# the reference and ckubeadm alternately, RUNS (default 3) runs each. Every run's cluster is
# initialised by the REFERENCE kubeadm (the same init for both sides), then the side under
# measure joins: w1 as a worker (the printed join command), cp2 as a control plane
# (--certificate-key), and cp2 again after `reset -f`. Prints the medians of the join
# command's wall time, of join start to node Ready, and of the join command's own peak RSS
# (tests/e2e/peak-rss.sh), with ckubeadm/reference ratios. The join's wall time is also split
# at its "[kubelet-start] Starting the kubelet" line: until then the tool works alone (discovery,
# preflight, certificates, manifests, kubelet files); after it, it mostly waits for the kubelet,
# the TLS bootstrap and, on a control plane, etcd and the API server.
# The bed is shared: run it under the bed's lock, `flock /tmp/ckubeadm-bed.lock bench/join.sh ...`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ours=$(readlink -f "$1") ref=${2%/kubeadm}/kubeadm.real runs=${RUNS:-3}
out=$(mktemp -d /tmp/ckubeadm-bench-join.XXXXXX)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for ((i = 1; i <= runs; i++)); do
	for side in ref ours; do
		bin=$ref; [ "$side" = ours ] && bin=$ours
		# a run with a failed check still counts for the joins it timed (timing.txt has a
		# figure only for a join that succeeded); the failure is reported
		CKUBEADM_E2E_LOGS=$out/$side-$i bash "$here/../tests/e2e/join.sh" "$ref" "$bin" >"$out/$side-$i.log" 2>&1 ||
			echo "run $i of $side had failures: $(grep -c '^FAIL' "$out/$side-$i.log") (see $out/$side-$i.log)"
	done
done
# field SIDE KEY: "<median> <number of runs that gave a figure>"
field() {
	local v
	v=$(cat "$out"/"$1"-*/timing.txt 2>/dev/null | awk -v k="$2" '$1 == k {print $2}')
	[ -n "$v" ] || { echo "0 0"; return; }
	echo "$(echo "$v" | median) $(echo "$v" | wc -l)"
}
echo "runs: $runs each (median); init by the reference kubeadm; $(nproc) cores; logs in $out"
for n in w1 cp2 cp2-again; do
	for k in join-ms join-until-kubelet-start-ms join-from-kubelet-start-ms join-to-ready-ms \
		join-peak-rss-kib; do
		read -r r rn < <(field ref "$n-$k")
		read -r o on < <(field ours "$n-$k")
		awk -v k="$n-$k" -v r="$r" -v o="$o" -v rn="$rn" -v on="$on" 'BEGIN {
			printf "%-38s reference %8d (%d runs) | ckubeadm %8d (%d runs) | ratio x%.3f\n",
				k, r, rn, o, on, r ? o / r : 0 }'
	done
done
