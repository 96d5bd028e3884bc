#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The PKI and kubeconfig suite (scripts/test.sh): tests/pki/run.sh <ckubeadm> <reference kubeadm>
# [<build dir> (unused)]. Every script exercises the ckubeadm binary given (its
# `init phase certs|kubeconfig all`, `certs generate-csr`):
#   verify-chains.sh    openssl verify, TLS handshakes, kubectl with our kubeconfigs
#   etcd-peers.sh       a two-member etcd (reference build) with our etcd certificates
#   apiserver-peers.sh  kube-apiserver + etcd with our whole tree and kubeconfigs
#   compare.sh          field-by-field comparison with the reference's trees
#   reuse.sh            reuse and mismatch behaviour against the reference
# Each ends with its own "N passed, N failed, N skipped"; they are summed here
# (tests/lib/compare.sh's conf_sub): a script that exits non-zero without a counted failure, or
# prints no totals, is one failure; one that exits 77 (a peer missing) is one counted skip with
# its reason. Ends with "N passed, N failed, N skipped" over every case; fails when none ran.
# CKUBEADM_CASES=<regex> selects scripts (their names) and cases ("compare: <scenario>",
# "reuse: <case>", "verify-chains: <algorithm>").
#
# tests/pki/bench.sh (not run here) still times tests/pki/driver.c: see why there.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference kubeadm> [build-dir]" >&2; exit 2; }
ours=$(readlink -f "$1")
ref=$2
peers=$(dirname "$ref")
. "$root/tests/lib/compare.sh"
CONF_PASSED=0 CONF_FAILED=0 CONF_SKIPPED=0 CONF_UNSELECTED=0
log=$(mktemp)
trap 'rm -f "$log" "$log.out"' EXIT

# sub <name> <script> <command...>: runs a script (when CKUBEADM_CASES selects one of the
# names its PKI_LIST=1 mode prints), prints its lines, adds its totals.
sub() {
	local name=$1 script=$2 rc n
	shift 2
	if [ -n "${CKUBEADM_CASES:-}" ]; then
		n=$(PKI_LIST=1 bash "$script" "$ours")
		if ! grep -qE -- "$CKUBEADM_CASES" <<<"$n"; then
			CONF_UNSELECTED=$((CONF_UNSELECTED + $(wc -l <<<"$n")))
			return 0
		fi
	fi
	echo "== $name"
	"$@" "$script" "$ours" >"$log" 2>&1
	rc=$?
	conf_sub "$name" "$log" $rc >"$log.out"
	sed 's/^/   /' "$log.out"
	rm -f "$log.out"
}

sub verify-chains "$here/verify-chains.sh" env PEERS_DIR="$peers" bash
sub etcd-peers "$here/etcd-peers.sh" env PEERS_DIR="$peers" ETCD_BIN="$peers/etcd.real" bash
sub apiserver-peers "$here/apiserver-peers.sh" env PEERS_DIR="$peers" bash
sub compare "$here/compare.sh" env KUBEADM_REF="$ref" bash
sub reuse "$here/reuse.sh" env KUBEADM_REF="$ref" bash
conf_done
