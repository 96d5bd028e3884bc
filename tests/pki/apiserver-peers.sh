#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Our certificate tree and kubeconfig files with the real kube-apiserver and etcd (reference
# peer builds), on loopback inside a private network namespace, with the TLS flags of
# kubeadm's static pod manifests:
#  - kube-apiserver serves with apiserver.crt, talks to etcd with apiserver-etcd-client;
#  - kubectl with super-admin.conf (system:masters) lists namespaces; admin.conf authenticates
#    as kubernetes-admin in kubeadm:cluster-admins; kubelet.conf as system:node:node-a;
#  - a service account token signed with sa.key is accepted (sa.pub);
#  - front-proxy-client (front-proxy-ca) may assert X-Remote-User, another cert may not.
# The tree is ckubeadm's (`init phase certs all`, `init phase kubeconfig all`). One line per
# check, then "N passed, N failed, N skipped"; exit 77 (a skip) without the peers.
#
# usage: tests/pki/apiserver-peers.sh <ckubeadm>
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <ckubeadm>" >&2; exit 2; }
[ -z "${PKI_LIST:-}" ] || { echo apiserver-peers; exit 0; } # its name for CKUBEADM_CASES (run.sh)
ours=$(readlink -f "$1")
. "$root/tests/lib/apiserver.sh"
. "$root/tests/lib/compare.sh"
. "$here/lib.sh"
apiserver_peers "${PEERS_DIR:-/var/cache/ckubeadm/peers/k8s-v1.37.2}" ||
	{ echo "SKIP: $APISERVER_MISSING not found (tests/peers/build.sh etcd kube-apiserver kubectl)"; exit 77; }
kubectl=$KUBECTL_BIN

if [ "${IN_NETNS:-}" != 1 ]; then
	exec unshare --net -- env IN_NETNS=1 bash "$0" "$@"
fi
ip link set lo up 2>/dev/null || { echo "SKIP: cannot bring up loopback"; exit 77; }
# kube-apiserver refuses a loopback advertise address: a second address on this namespace's
# loopback interface (the namespace has no other interface, nothing leaves it)
addr=10.123.0.5
ip addr add "$addr/32" dev lo || { echo "SKIP: cannot add $addr to lo"; exit 77; }
CONF_OURS=$ours CONF_REF= CONF_PASSED=0 CONF_FAILED=0 CONF_SKIPPED=0
conf_start_check

work=$(mktemp -d /tmp/pki-apiserver.XXXXXX)
pids=()
# stderr closed for the whole function: bash reports a job killed by a signal ("line N:
# PID Killed ...") whenever it reaps it, which could land after the totals line, the line
# run.sh reads last (it did, once in CI: "etcd-peers: no totals line")
cleanup() {
	# no graceful shutdown needed: these are throwaway processes
	for p in "${pids[@]}"; do kill -KILL "$p"; done
	for p in "${pids[@]}"; do wait "$p"; done
	rm -rf "$work"
} 2>/dev/null
trap cleanup EXIT
passed=0 failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed, 0 skipped"; [ "$failed" -eq 0 ]; exit $?; }

pki_make_tree "$ours" "$work" "$addr" "${ALGO:-RSA-2048}" all ||
	{ bad "ckubeadm init phase certs/kubeconfig all"; finish; }
p=$work/pki

etcd_start "$p" node-a 127.0.0.1 2379 2380 "$work"
pids+=($ETCD_PID)
apiserver_start "$p" "$addr" https://127.0.0.1:2379 "$work/apiserver.log"
pids+=($APISERVER_PID)

kc() { "$kubectl" --kubeconfig "$work/kc/$1" --request-timeout=5s "${@:2}"; }
if apiserver_wait_ready "$work/kc/super-admin.conf" 150; then
	ok "kube-apiserver ready after ${SECONDS}s (serving cert verified by kubectl with super-admin.conf's CA)"
else
	bad "kube-apiserver not ready"; tail -n 20 "$work/apiserver.log" "$work/node-a.log"; finish
fi

kc super-admin.conf get namespaces -o name 2>&1 | grep -q '^namespace/kube-system$' &&
	ok "super-admin.conf (system:masters) lists namespaces" || bad "super-admin.conf cannot list namespaces"
who=$(kc admin.conf auth whoami -o jsonpath='{.status.userInfo.username} {.status.userInfo.groups}' 2>&1)
case "$who" in
*kubernetes-admin*kubeadm:cluster-admins*) ok "admin.conf is kubernetes-admin in kubeadm:cluster-admins" ;;
*) bad "admin.conf identity: $who" ;;
esac
who=$(kc kubelet.conf auth whoami -o jsonpath='{.status.userInfo.username} {.status.userInfo.groups}' 2>&1)
case "$who" in
*system:node:node-a*system:nodes*) ok "kubelet.conf is system:node:node-a in system:nodes" ;;
*) bad "kubelet.conf identity: $who" ;;
esac
for f in controller-manager scheduler; do
	who=$(kc $f.conf auth whoami -o jsonpath='{.status.userInfo.username}' 2>&1)
	[ "$who" = "system:kube-$f" ] && ok "$f.conf is $who" || bad "$f.conf identity: $who"
done

# service account token signed with sa.key, verified with sa.pub
kc super-admin.conf create serviceaccount pki-test >/dev/null 2>&1
token=$(kc super-admin.conf create token pki-test 2>/dev/null)
who=$("$kubectl" --server https://$addr:6443 --certificate-authority "$p/ca.crt" \
	--token "$token" auth whoami -o jsonpath='{.status.userInfo.username}' 2>&1)
[ "$who" = "system:serviceaccount:default:pki-test" ] && ok "service account token (sa.key/sa.pub)" ||
	bad "service account token: $who"

# front proxy: requestheader authentication with front-proxy-client
review() { # cert-base
	curl -sS --max-time 5 --cacert "$p/ca.crt" --cert "$p/$1.crt" --key "$p/$1.key" \
		-H 'X-Remote-User: alice' -H 'X-Remote-Group: devs' -H 'Content-Type: application/json' \
		-X POST https://$addr:6443/apis/authentication.k8s.io/v1/selfsubjectreviews \
		-d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}'
}
review front-proxy-client | grep -q '"username": *"alice"' &&
	ok "front-proxy-client may assert X-Remote-User" || bad "front-proxy requestheader auth"
review apiserver-kubelet-client | grep -q '"username": *"alice"' &&
	bad "apiserver-kubelet-client could assert X-Remote-User" ||
	ok "other client certificates cannot assert X-Remote-User"
finish
