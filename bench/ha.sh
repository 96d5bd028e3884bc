#!/usr/bin/env bash
# bench/ha.sh <ckubeadm> <reference kubeadm>: the HA sequence of the end-to-end bed
# (tests/e2e/ha.sh: HAProxy, three control planes, a join storm of E2E_HA_WORKERS workers,
# default 2, a control plane lost and replaced), by the reference kubeadm and by ckubeadm
# (each side inits and joins), alternately, RUNS (default 1) runs each. Prints the medians of:
# the time from cp1's init start to every node Ready (the control planes' joins and the storm
# included; the nodes are made before), the storm's time to all Ready, each kubeadm command's
# wall time and own peak RSS (tests/e2e/peak-rss.sh), and each node's peak PSS (everything the
# node runs, tests/e2e/procs.py); with ckubeadm/reference ratios.
# Each run takes the bed's lock (/tmp/ckubeadm-bed.lock) for itself, so others can use the bed
# between runs: run it as it is, not under flock.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 2 ] || { echo "usage: bench/ha.sh CKUBEADM REFERENCE-KUBEADM" >&2; exit 2; }
ours=$(readlink -f "$1") ref=${2%/kubeadm}/kubeadm.real runs=${RUNS:-1}
[ -x "$ours" ] && [ -x "$ref" ] || { echo "bench/ha.sh: not executable: $ours or $ref" >&2; exit 2; }
out=${BENCH_OUT:-$(mktemp -d /tmp/ckubeadm-bench-ha.XXXXXX)}
mkdir -p "$out"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for ((i = 1; i <= runs; i++)); do
	for side in ref ours; do
		bin=$ref; [ "$side" = ours ] && bin=$ours
		# a run with a failed check still counts for what it timed; the failure is reported
		CKUBEADM_E2E_LOGS=$out/$side-$i flock /tmp/ckubeadm-bed.lock \
			bash "$here/../tests/e2e/ha.sh" "$bin" "$bin" >"$out/$side-$i.log" 2>&1 ||
			echo "run $i of $side had failures: $(grep -c '^FAIL' "$out/$side-$i.log") (see $out/$side-$i.log)"
		tail -n 1 "$out/$side-$i.log"
	done
done
# values SIDE FILE KEY-REGEX: every value of the keys matching KEY-REGEX in each run's FILE
values() { cat "$out"/"$1"-*/"$2" 2>/dev/null | awk -v k="^($3)\$" '$1 ~ k {print $NF}'; }
# row LABEL FILE KEY-REGEX UNIT: one line, the median over every matching value of each side
row() {
	local r o rn on
	r=$(values ref "$2" "$3" | median) rn=$(values ref "$2" "$3" | wc -l)
	o=$(values ours "$2" "$3" | median) on=$(values ours "$2" "$3" | wc -l)
	awk -v l="$1" -v r="${r:-0}" -v o="${o:-0}" -v rn="$rn" -v on="$on" -v u="$4" 'BEGIN {
		printf "%-40s reference %9d %s (%2d) | ckubeadm %9d %s (%2d) | ratio x%.3f\n",
			l, r, u, rn, o, u, on, r ? o / r : 0 }'
}
echo "HA bench: $runs run(s) each side, E2E_HA_WORKERS=${E2E_HA_WORKERS:-2}, $(nproc) cores," \
	"load average $(cut -d' ' -f1-3 /proc/loadavg); medians, (n) = figures; logs in $out"
row "first init start to every node Ready" timing.txt init-to-all-ready-ms ms
row "join storm: start to every node Ready" timing.txt storm-to-all-ready-ms ms
row "init (cp1) command" timing.txt init-ms ms
row "control-plane join (cp2, cp3) command" timing.txt 'cp[23]-join-ms' ms
row "control-plane join to node Ready" timing.txt 'cp[23]-join-to-ready-ms' ms
row "storm worker join command" timing.txt 'w[0-9]+-join-ms' ms
row "replacement join (cp3 again) command" timing.txt cp3-again-join-ms ms
row "init peak RSS (the tool itself)" timing.txt init-peak-rss-kib KiB
row "control-plane join peak RSS" timing.txt 'cp[23](-again)?-join-peak-rss-kib' KiB
row "worker join peak RSS" timing.txt 'w[0-9]+-join-peak-rss-kib' KiB
row "node cp1 peak PSS (all it runs)" memory-final.txt cp1 KiB
row "control plane cp2/cp3 peak PSS" memory-final.txt 'cp[23]' KiB
row "worker node peak PSS" memory-final.txt 'w[0-9]+' KiB
row "load balancer (HAProxy) peak PSS" memory-final.txt lb KiB
row "whole bed peak PSS (sum of nodes)" memory-final.txt bed KiB
