#!/usr/bin/env bash
# Brings up a single-node cluster on this machine and leaves it running: the same steps and
# checks as run.sh, without the teardown.
# Usage: tests/e2e/up.sh [KUBEADM-BINARY]   (default: the reference kubeadm)
# Then: tests/e2e/node.sh exec cp1 kubectl get nodes,pods -A    Remove it: tests/e2e/down.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kubeadm=${1:-}
if [ -z "$kubeadm" ]; then
	kubeadm=$("$here/../peers/build.sh" kubeadm)/kubeadm.real
fi
E2E_KEEP=1 exec "$here/run.sh" "$kubeadm"
