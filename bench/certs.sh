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

# Each run gets a fresh root holding /cfg.yaml, made before the clock starts (BENCH_PREPARE),
# and starts with nothing dirty in the page cache (sync): the reference never flushes what it
# writes, ckubeadm makes its files durable before exiting, and neither run should pay for what
# an earlier one left. Only the phase commands are timed (bench/lib.sh measure). The peak RSS
# is the larger of the two processes'.
export ROOT=$BENCH_TMP/root
export BENCH_PREPARE='rm -rf "$ROOT"; mkdir -p "$ROOT"; cp "$CFG" "$ROOT/cfg.yaml"; sync'
both() { # <kubeadm>
	"$1" init phase certs all --config /cfg.yaml --rootfs "$ROOT" &&
		"$1" init phase kubeconfig all --config /cfg.yaml --rootfs "$ROOT"
}
certs() { "$1" init phase certs all --config /cfg.yaml --rootfs "$ROOT"; }

for algo in RSA-2048 ECDSA-P256; do
	CFG=$BENCH_TMP/$algo.yaml
	cfg "$algo" "$CFG"
	compare "certs all + kubeconfig all ($algo)" "$runs" both "$ref" ::: both "$ours"
done
CFG=$BENCH_TMP/RSA-2048.yaml
compare "certs all (RSA-2048)" "$runs" certs "$ref" ::: certs "$ours"
