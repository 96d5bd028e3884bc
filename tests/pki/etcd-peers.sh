#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Our etcd certificates with the real etcd (the reference peer build): a two-member cluster on
# loopback inside a network namespace of its own, with kubeadm's TLS flags (client and peer
# certificate authentication against etcd/ca), then
#  - /health with etcd/healthcheck-client (as kubeadm's liveness probe does),
#  - a put with apiserver-etcd-client on member 1 read back from member 2 (replicated over
#    peer TLS with etcd/peer),
#  - a client certificate of the Kubernetes CA is refused.
# The certificates are ckubeadm's (`init phase certs all`). One line per check, then
# "N passed, N failed, N skipped"; exit 77 (a skip) without the etcd peer.
#
# usage: tests/pki/etcd-peers.sh <ckubeadm>
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <ckubeadm>" >&2; exit 2; }
[ -z "${PKI_LIST:-}" ] || { echo etcd-peers; exit 0; } # its name for CKUBEADM_CASES (run.sh)
ours=$(readlink -f "$1")
etcd=${ETCD_BIN:-/var/cache/ckubeadm/peers/k8s-v1.37.2/etcd.real}
. "$root/tests/lib/apiserver.sh"
. "$root/tests/lib/compare.sh"
. "$here/lib.sh"
[ -x "$etcd" ] || { echo "SKIP: etcd not found at $etcd (tests/peers/build.sh etcd)"; exit 77; }

if [ "${IN_NETNS:-}" != 1 ]; then
	# everything below runs in a private network namespace: loopback only
	exec unshare --net -- env IN_NETNS=1 bash "$0" "$@"
fi
ip link set lo up 2>/dev/null || { echo "SKIP: cannot bring up loopback"; exit 77; }
CONF_OURS=$ours CONF_REF= CONF_PASSED=0 CONF_FAILED=0 CONF_SKIPPED=0
conf_start_check

work=$(mktemp -d /tmp/pki-etcd.XXXXXX)
pids=()
# stderr closed for the whole function: bash reports a job killed by a signal ("line N:
# PID Killed ...") whenever it reaps it, which could land after the totals line, the line
# run.sh reads last (it did, once in CI: "etcd-peers: no totals line")
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p"; done
	for p in "${pids[@]}"; do wait "$p"; done
	rm -rf "$work"
} 2>/dev/null
trap cleanup EXIT
passed=0 failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

# kubeadm refuses a loopback advertise address: another one (absent here, never dialled);
# the members listen on 127.0.0.1, which every etcd certificate holds
pki_make_tree "$ours" "$work" 10.123.0.5 "${ALGO:-ECDSA-P256}" certs ||
	{ bad "ckubeadm init phase certs all"; echo "$passed passed, $failed failed, 0 skipped"; exit 1; }
p=$work/pki

start_member() { # name client-port peer-port (snapshot-count: etcd's default, 10000)
	ETCD_BIN=$etcd etcd_start "$p" "$1" 127.0.0.1 "$2" "$3" "$work" \
		"m1=https://127.0.0.1:23801,m2=https://127.0.0.1:23811"
	pids+=($ETCD_PID)
}
start_member m1 23791 23801
start_member m2 23792 23811

curl_etcd() { # port cert-base path [data]
	local port=$1 cert=$2 path=$3
	shift 3
	curl -sS --max-time 5 --cacert "$p/etcd/ca.crt" --cert "$p/$cert.crt" --key "$p/$cert.key" \
		"https://127.0.0.1:$port$path" "$@"
}

healthy=0
for _ in $(seq 150); do
	if curl_etcd 23791 etcd/healthcheck-client /health 2>/dev/null | grep -q '"health":"true"' &&
		curl_etcd 23792 etcd/healthcheck-client /health 2>/dev/null | grep -q '"health":"true"'; then
		healthy=1
		break
	fi
	sleep 0.2
done
if [ $healthy = 1 ]; then
	ok "two-member etcd healthy with our server/peer certificates (healthcheck-client probe)"
else
	bad "etcd did not become healthy"
	tail -n 15 "$work/m1.log" "$work/m2.log"
fi

key=$(printf 'ckubeadm-pki' | base64) val=$(printf 'signed-by-our-etcd-ca' | base64)
if curl_etcd 23791 apiserver-etcd-client /v3/kv/put -X POST \
	-d "{\"key\":\"$key\",\"value\":\"$val\"}" | grep -q '"header"'; then
	ok "put with apiserver-etcd-client on member 1"
else
	bad "put with apiserver-etcd-client"
fi
got=""
for _ in $(seq 25); do
	got=$(curl_etcd 23792 apiserver-etcd-client /v3/kv/range -X POST -d "{\"key\":\"$key\"}" 2>/dev/null)
	echo "$got" | grep -q "\"value\":\"$val\"" && break
	sleep 0.2
done
echo "$got" | grep -q "\"value\":\"$val\"" && ok "read back from member 2 (replicated over peer TLS)" ||
	bad "value not replicated to member 2: $got"
members=$(curl_etcd 23791 apiserver-etcd-client /v3/cluster/member/list -X POST -d '{}' | grep -o '"name":"m[12]"' | sort -u | wc -l)
[ "$members" = 2 ] && ok "member list shows both members" || bad "member list: $members members"

if curl_etcd 23791 apiserver-kubelet-client /health >/dev/null 2>&1; then
	bad "a client certificate of the Kubernetes CA was accepted by etcd"
else
	ok "a client certificate of the Kubernetes CA is refused"
fi
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
