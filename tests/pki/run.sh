#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The PKI and kubeconfig suite (scripts/test.sh): tests/pki/run.sh <ckubeadm> <reference kubeadm>
# <build dir>. Until the certs/kubeconfig phases are wired into ckubeadm, our side is the
# pki-driver of the build dir. Runs
#   verify-chains.sh    openssl verify, TLS handshakes, kubectl with our kubeconfigs
#   etcd-peers.sh       a two-member etcd (reference build) with our etcd certificates
#   apiserver-peers.sh  kube-apiserver + etcd with our whole tree and kubeconfigs
#   compare.sh          field-by-field comparison with the reference's trees
#   reuse.sh            reuse and mismatch behaviour against the reference
# and ends with "N passed, N failed" over every case.
set -u
here=$(cd "$(dirname "$0")" && pwd)
ref=${2:-/var/cache/ckubeadm/peers/k8s-v1.37.2/kubeadm}
build=${3:-$(cd "$here/../.." && pwd)/build}
peers=$(dirname "$ref")
passed=0 failed=0
tally() { # <log> <ok-regex> <fail-regex>
	local p f
	p=$(grep -cE "$2" "$1") f=$(grep -cE "$3" "$1")
	passed=$((passed + p)) failed=$((failed + f))
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() { # name, command...
	local name=$1; shift
	echo "== $name"
	"$@" >"$log" 2>&1
	local rc=$?
	sed 's/^/   /' "$log"
	case $name in
	verify-chains) tally "$log" '^  ok: ' '^  FAIL' ;;
	etcd-peers | apiserver-peers) tally "$log" '^ok ' '^FAIL' ;;
	compare) tally "$log" '^  ok$' '^  (DIFF|reference failed|pki-driver failed)' ;;
	reuse) tally "$log" '^case .*: ok$' '^case .*: (output|changed)' ;;
	esac
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && ! grep -qE 'FAIL|DIFF|differs' "$log"; then
		failed=$((failed + 1)) # crashed without saying why
	fi
}

run verify-chains bash "$here/verify-chains.sh" "$build"
run etcd-peers env PEERS_DIR="$peers" ETCD_BIN="$peers/etcd.real" bash "$here/etcd-peers.sh" "$build"
run apiserver-peers env PEERS_DIR="$peers" bash "$here/apiserver-peers.sh" "$build"
run compare env KUBEADM_REF="$ref" bash "$here/compare.sh" "$build"
run reuse env KUBEADM_REF="$ref" bash "$here/reuse.sh" "$build"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
