#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Time to produce the whole init tree (certs all + kubeconfig all: 16 keys with local etcd)
# for RSA-2048 and ECDSA-P256: the reference kubeadm and the ckubeadm binary (two processes
# each, as `init phase certs all` then `init phase kubeconfig all`) against tests/pki/driver.c
# (the pki-driver) with the key pool off (inline) and on (2 threads): the pool size is not a
# command-line setting, so that comparison needs the driver. Prints the median wall and CPU
# (user+sys) seconds of RUNS runs (default 5), interleaved so that machine load affects every
# variant alike.
#
# usage: tests/pki/bench.sh [build-dir]
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(cd "$here/../.." && pwd)/build}
ref=${KUBEADM_REF:-/var/cache/ckubeadm/peers/k8s-v1.37.2/kubeadm}
driver=$build/src/kubeconfig/pki-driver
ours=$(cd "$build" && pwd)/src/ckubeadm
runs=${RUNS:-5}
work=$(mktemp -d /tmp/pki-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
times=$work/times

cfg() {
	cat >"$work/$1.yaml" <<EOC
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint: {advertiseAddress: 192.168.10.5, bindPort: 6443}
nodeRegistration: {name: node-a, criSocket: "unix:///nonexistent.sock"}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: $work/t/pki
encryptionAlgorithm: $1
EOC
}
for algo in RSA-2048 ECDSA-P256; do cfg $algo; done
for _ in $(seq "$runs"); do
	for algo in RSA-2048 ECDSA-P256; do
		if [ -x "$ref" ]; then
			rm -rf "$work/t"; mkdir -p "$work/t/kc"
			/usr/bin/time -a -o "$times" -f "reference $algo|%e|%U|%S" sh -c \
				"'$ref' init phase certs all --config '$work/$algo.yaml' >/dev/null &&
				 '$ref' init phase kubeconfig all --config '$work/$algo.yaml' --kubeconfig-dir '$work/t/kc' >/dev/null"
		fi
		rm -rf "$work/t"; mkdir -p "$work/t/kc"
		/usr/bin/time -a -o "$times" -f "ckubeadm $algo|%e|%U|%S" sh -c \
			"cd / && '$ours' init phase certs all --config '$work/$algo.yaml' >/dev/null &&
			 '$ours' init phase kubeconfig all --config '$work/$algo.yaml' --kubeconfig-dir '$work/t/kc' >/dev/null" ||
			echo "ckubeadm $algo failed" >&2
		for th in 0 2; do
			rm -rf "$work/t"
			/usr/bin/time -a -o "$times" -f "ours $algo threads=$th|%e|%U|%S" "$driver" --quiet \
				--algo $algo --threads $th --cert-dir "$work/t/pki" --kubeconfig-dir "$work/t/kc" all
		done
	done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs; median of $runs runs"
python3 - "$times" <<'EOP'
import collections, statistics, sys
rows = collections.defaultdict(lambda: ([], []))
for line in open(sys.argv[1]):
    parts = line.strip().split('|')
    if len(parts) != 4:
        continue
    name, wall, user, sys_ = parts
    rows[name][0].append(float(wall)); rows[name][1].append(float(user) + float(sys_))
for name in sorted(rows):
    w, c = rows[name]
    print(f"{name:28s} wall {statistics.median(w):6.2f}s   cpu {statistics.median(c):6.2f}s")
EOP
