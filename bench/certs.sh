#!/usr/bin/env bash
# bench/certs.sh <ckubeadm> <reference kubeadm>: `init phase certs all` followed by
# `init phase kubeconfig all` in a fresh temp rootfs, reference vs ckubeadm, for RSA-2048 and
# ECDSA-P256, medians of RUNS (default 5) runs each: wall time ratio and peak RSS (the largest
# of the two processes). Also each phase alone for RSA-2048. Both run inside one network
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

# one run: a fresh root holding /cfg.yaml, the phases, then the root is removed
cat >"$BENCH_TMP/run.sh" <<'EOT'
bin=$1 cfg=$2 what=$3
d=$(mktemp -d /tmp/bench-certs.XXXXXX)
cp "$cfg" "$d/cfg.yaml"
case $what in
both) "$bin" init phase certs all --config /cfg.yaml --rootfs "$d" &&
	"$bin" init phase kubeconfig all --config /cfg.yaml --rootfs "$d" ;;
certs) "$bin" init phase certs all --config /cfg.yaml --rootfs "$d" ;;
esac
rc=$?
rm -rf "$d"
exit $rc
EOT

for algo in RSA-2048 ECDSA-P256; do
	cfg "$algo" "$BENCH_TMP/$algo.yaml"
	compare "certs all + kubeconfig all ($algo)" "$runs" \
		bash "$BENCH_TMP/run.sh" "$ref" "$BENCH_TMP/$algo.yaml" both \
		::: bash "$BENCH_TMP/run.sh" "$ours" "$BENCH_TMP/$algo.yaml" both
done
compare "certs all (RSA-2048)" "$runs" \
	bash "$BENCH_TMP/run.sh" "$ref" "$BENCH_TMP/RSA-2048.yaml" certs \
	::: bash "$BENCH_TMP/run.sh" "$ours" "$BENCH_TMP/RSA-2048.yaml" certs
