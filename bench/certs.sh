#!/usr/bin/env bash
# bench/certs.sh <ckubeadm> <reference kubeadm>: `init phase certs all` followed by
# `init phase kubeconfig all` in a fresh temp rootfs, reference vs ckubeadm, for RSA-2048 and
# ECDSA-P256, medians of RUNS (default 5) runs each: wall time ratio and peak RSS (the largest
# of the two processes). Also the certs phase alone for RSA-2048. Both run inside one network
# namespace of their own (bench_isolate), as the tests do.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_isolate "$@"
ours=$(realpath "$1") ref=$(realpath "${2%/kubeadm}/kubeadm.real") runs=${RUNS:-5}
echo "runs: $runs (median); $(nproc) cores; $(uname -r)"

cfg() { # <algo> <file>
	cat >"$2" <<EOT
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 192.168.10.5
nodeRegistration:
  name: node-a
  criSocket: unix:///nonexistent/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
encryptionAlgorithm: $1
EOT
}

# Each run gets a fresh root holding /cfg.yaml, made before the clock starts; only the phase
# commands are timed (bench/lib.sh measure, $EPOCHREALTIME around them). The peak RSS is the
# larger of the two processes', from a second run under /usr/bin/time.
ROOT=$BENCH_TMP/root
export BENCH_PREPARE='rm -rf "$ROOT"; mkdir -p "$ROOT"; cp "$CFG" "$ROOT/cfg.yaml"'
both() { # <kubeadm>
	"$1" init phase certs all --config /cfg.yaml --rootfs "$ROOT" &&
		"$1" init phase kubeconfig all --config /cfg.yaml --rootfs "$ROOT"
}
certs() { "$1" init phase certs all --config /cfg.yaml --rootfs "$ROOT"; }
# /usr/bin/time runs programs, not functions: the RSS runs go through this script
cat >"$BENCH_TMP/both.sh" <<'EOT'
"$1" init phase certs all --config /cfg.yaml --rootfs "$2" &&
	"$1" init phase kubeconfig all --config /cfg.yaml --rootfs "$2"
EOT

# row <label> <what>: like lib.sh compare, timing the functions above
row() {
	local label=$1 what=$2 rw rr ow or
	read -r rw rr < <(measure_fn "$what" "$ref")
	read -r ow or < <(measure_fn "$what" "$ours")
	awk -v l="$label" -v rw="$rw" -v rr="$rr" -v ow="$ow" -v or="$or" 'BEGIN {
		printf "%-40s ref %8.2f ms %7d KiB | ckubeadm %8.2f ms %7d KiB | time x%.3f  rss x%.3f\n",
			l, rw / 1000, rr, ow / 1000, or, ow / rw, or / rr }'
}
measure_fn() { # <function> <kubeadm>: "<median us> <median peak KiB>"
	local fn=$1 bin=$2 walls=() rsss=() i t0 t1
	for ((i = 0; i < runs; i++)); do
		eval "$BENCH_PREPARE"
		t0=$EPOCHREALTIME
		"$fn" "$bin" >/dev/null 2>&1 || { echo "bench: $fn $bin failed" >&2; exit 1; }
		t1=$EPOCHREALTIME
		walls+=($(( ${t1/./} - ${t0/./} )))
		eval "$BENCH_PREPARE"
		if [ "$fn" = both ]; then
			/usr/bin/time -o "$BENCH_TMP/rss" -f '%M' bash "$BENCH_TMP/both.sh" "$bin" "$ROOT" >/dev/null 2>&1
		else
			/usr/bin/time -o "$BENCH_TMP/rss" -f '%M' "$bin" init phase certs all --config /cfg.yaml --rootfs "$ROOT" >/dev/null 2>&1
		fi
		rsss+=("$(tail -n 1 "$BENCH_TMP/rss")")
	done
	printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
		"$(printf '%s\n' "${rsss[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}

for algo in RSA-2048 ECDSA-P256; do
	CFG=$BENCH_TMP/$algo.yaml
	cfg "$algo" "$CFG"
	row "certs all + kubeconfig all ($algo)" both
done
CFG=$BENCH_TMP/RSA-2048.yaml
row "certs all (RSA-2048)" certs
