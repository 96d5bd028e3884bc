#!/usr/bin/env bash
# The main job on a fresh machine: installs what is needed, builds ckubeadm and the reference
# peers (kubelet, control-plane binaries, etcd, CoreDNS; cached by version), then brings up a
# real single-node Kubernetes v1.37.2 cluster with `ckubeadm init` on its embedded defaults
# (plus the bed's kubelet settings for this cgroup-v1, systemd-less machine), inside network
# and mount namespaces of its own, and prints `kubectl get nodes,pods -A`.
# The cluster stays up: `tests/e2e/node.sh exec cp1 kubectl ...` talks to it,
# `bash scripts/down.sh` removes it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/deps.sh
command -v go >/dev/null || export PATH=$PATH:/usr/local/go/bin
[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
bin=$top/build/src/ckubeadm
echo "# $("$bin" version -o short): ckubeadm config images list"
unshare --net -- "$bin" config images list --kubernetes-version v1.37.2
echo "# bringing up a single-node cluster with ckubeadm init (tests/e2e/up.sh)"
bash tests/e2e/up.sh "$bin"
echo "# kubectl get nodes,pods -A"
bash tests/e2e/node.sh exec cp1 kubectl get nodes,pods -A -o wide
