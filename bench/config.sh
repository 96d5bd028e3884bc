#!/usr/bin/env bash
# bench/config.sh <ckubeadm> <reference kubeadm>: `config print init-defaults` and
# `config images list`, reference vs ckubeadm, medians of RUNS (default 11) runs each.
# Both run inside one network namespace of their own (bench_isolate), as the tests do.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_isolate "$@"
ours=$1 ref=${2%/kubeadm}/kubeadm.real runs=${RUNS:-11}
echo "runs: $runs (median); $(nproc) cores; $(uname -r)"
compare "config print init-defaults" "$runs" "$ref" config print init-defaults \
	::: "$ours" config print init-defaults
compare "config images list (v1.37.2)" "$runs" "$ref" config images list --kubernetes-version v1.37.2 \
	::: "$ours" config images list --kubernetes-version v1.37.2
