#!/bin/bash
# The etcd client (src/etcd) against a real etcd cluster (the reference peer etcd.real) with a
# kubeadm-made etcd PKI, inside a network namespace of its own (10.250.0.1-3 on its loopback):
# list, learner add + promote, sync, health, status, remove (twice: already removed is fine),
# and clear, quick errors for bad certificates and a dead endpoint.
#   tests/integration/etcd/run.sh <ckubeadm> <reference kubeadm> <build-dir>
# Ends with "N passed, N failed, N skipped" (a missing peer is a skip, its reason printed);
# exits non-zero when a check failed or when no check ran.
set -u
ours=$1 ref=$2 build=$3
peers=$(dirname "$ref")
kubeadm=$peers/kubeadm.real etcd=$peers/etcd.real
. "$(cd "$(dirname "$0")/../../lib" && pwd)/apiserver.sh"
[ -x "$kubeadm" ] || kubeadm=$ref
probe=$(cd "$build" && pwd)/src/etcd/etcd-probe
for b in "$kubeadm" "$etcd" "$probe"; do
	[ -x "$b" ] || { echo "SKIP: $b missing (tests/peers/build.sh builds the peers)"; echo "0 passed, 0 failed, 1 skipped"; exit 1; }
done
: "$ours"

if [ -z "${IN_NETNS:-}" ]; then
	exec unshare --net -- env IN_NETNS=1 bash "$0" "$@"
fi
ip link set lo up || { echo "FAIL cannot bring up loopback"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
for i in 1 2 3; do
	ip addr add 10.250.0.$i/32 dev lo || { echo "FAIL cannot add 10.250.0.$i"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
done

work=$(mktemp -d /tmp/ckubeadm-etcd-it.XXXXXX)
pids=()
finish() {
	# throwaway processes: KILL (kube-apiserver's graceful stop hangs once etcd is gone)
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap finish EXIT
passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

cat >"$work/cfg.yaml" <<CFG
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint: {advertiseAddress: 10.250.0.1}
nodeRegistration: {name: node1, criSocket: unix:///nonexistent.sock}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: $work/pki
etcd:
  local:
    serverCertSANs: [10.250.0.2, 10.250.0.3, node2, node3]
    peerCertSANs: [10.250.0.2, 10.250.0.3, node2, node3]
CFG
for c in etcd-ca etcd-server etcd-peer etcd-healthcheck-client apiserver-etcd-client; do
	"$kubeadm" init phase certs $c --config "$work/cfg.yaml" >/dev/null 2>&1 ||
		{ bad "kubeadm init phase certs $c"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
done
p=$work/pki
hc=(-c "$p/etcd/ca.crt" -C "$p/etcd/healthcheck-client.crt" -k "$p/etcd/healthcheck-client.key")
ac=(-c "$p/etcd/ca.crt" -C "$p/apiserver-etcd-client.crt" -k "$p/apiserver-etcd-client.key")

# start_etcd <n> <initial-cluster> <state>
start_etcd() {
	ETCD_BIN=$etcd etcd_start "$p" node$1 10.250.0.$1 2379 2380 "$work" "$2" "$3"
	pids+=($ETCD_PID)
}
E1=https://10.250.0.1:2379 E2=https://10.250.0.2:2379 E3=https://10.250.0.3:2379
P1=https://10.250.0.1:2380 P2=https://10.250.0.2:2380 P3=https://10.250.0.3:2380

# check <name> <expected regex on stdout> <probe args...>
check() {
	local name=$1 want=$2; shift 2
	local out
	out=$("$probe" "$@" 2>&1)
	if [ $? -eq 0 ] && grep -Eq -- "$want" <<<"$out"; then ok "$name"; else
		bad "$name"; sed 's/^/     /' <<<"$out" | head -n 10
	fi
}
# check_err <name> <max seconds> <expected regex on stderr> <probe args...>
check_err() {
	local name=$1 max=$2 want=$3; shift 3
	local out t0=$SECONDS rc
	out=$("$probe" "$@" 2>&1); rc=$?
	local dt=$((SECONDS - t0))
	if [ $rc -ne 0 ] && grep -Eq -- "$want" <<<"$out" && [ $dt -le "$max" ]; then ok "$name"; else
		bad "$name (rc=$rc, ${dt}s)"; sed 's/^/     /' <<<"$out" | head -n 10
	fi
}

start_etcd 1 node1=$P1 new
for i in $(seq 50); do "$probe" -e $E1 "${hc[@]}" endpoint-health $E1 >/dev/null 2>&1 && break; sleep 0.2; done

check "endpoint health (healthcheck-client)" '^healthy$' -e $E1 "${hc[@]}" endpoint-health $E1
check "list one member" "^[0-9a-f]+ name=node1 peers=$P1 clients=$E1 learner=false$" -e $E1 "${hc[@]}" list
check "list with apiserver-etcd-client" "name=node1" -e $E1 "${ac[@]}" list
check "status" "^member=[0-9a-f]+ leader=[0-9a-f]+ version=3\." -e $E1 "${hc[@]}" status $E1
check "cluster health (1 member)" '^healthy$' -e $E1 "${hc[@]}" health

out=$("$probe" -e $E1 "${hc[@]}" add-learner node2 $P2 2>&1)
if grep -qx "node2 $P2" <<<"$out" && grep -qx "node1 $P1" <<<"$out"; then ok "add learner node2"; else bad "add learner node2"; echo "$out" | sed 's/^/     /'; fi
check "learner listed, not started" "^[0-9a-f]+ name= peers=$P2 clients= learner=true$" -e $E1 "${hc[@]}" list
check "add again: existing peer URL tolerated" "^node2 $P2$" -e $E1 "${hc[@]}" -t 3000 add-learner node2 $P2
id2=$("$probe" -e $E1 "${hc[@]}" member-id $P2 2>/dev/null)
[ -n "$id2" ] && ok "member id of node2" || bad "member id of node2"
check_err "promote a learner that never starts: times out with kubeadm's error" 6 \
	"the etcd member $id2 is not started" -e $E1 "${hc[@]}" -t 2000 promote "$id2"
start_etcd 2 node1=$P1,node2=$P2 existing
check "promote learner node2 (waits for it to start)" '^promoted$' -e $E1 "${hc[@]}" -t 60000 promote "$id2"
check "node2 is a voter" "^$id2 name=node2 peers=$P2 clients=$E2 learner=false$" -e $E1 "${hc[@]}" list
check "promote again: already promoted" '^promoted$' -e $E1 "${hc[@]}" promote "$id2"
check "sync: endpoints from the members" "^($E1,$E2|$E2,$E1)$" -e $E1 "${hc[@]}" sync

check "add learner node3" "^node3 $P3$" -e $E1,$E2 "${hc[@]}" add-learner node3 $P3
id3=$("$probe" -e $E1 "${hc[@]}" member-id $P3 2>/dev/null)
start_etcd 3 node1=$P1,node2=$P2,node3=$P3 existing
check "promote learner node3" '^promoted$' -e $E2,$E1 "${hc[@]}" -t 60000 promote "$id3"
check "cluster health (3 members)" '^healthy$' -e $E1,$E2,$E3 "${hc[@]}" -t 20000 health
check "wait for cluster available" '^available$' -e $E1,$E2,$E3 "${hc[@]}" wait 3

kill "${pids[2]}" 2>/dev/null; wait "${pids[2]}" 2>/dev/null
check "health with one of three down: quorum holds" '^healthy$' -e $E1,$E2,$E3 "${hc[@]}" -t 1500 health
check "wait with one of three down: available once a quorum answers" '^available$' -e $E1,$E2,$E3 "${hc[@]}" -t 1500 wait 2
check_err "wait with two of three endpoints dead: kubeadm's timeout error" 8 \
	"timeout waiting for etcd cluster to be available" -e $E3,https://10.250.0.3:2999,$E1 "${hc[@]}" -t 1000 wait 2
out=$("$probe" -e $E1,$E2 "${hc[@]}" remove "$id3" 2>&1)
if [ $? -eq 0 ] && ! grep -q "$P3" <<<"$out" && grep -qx "node1 $P1" <<<"$out"; then ok "remove node3"; else bad "remove node3"; echo "$out" | sed 's/^/     /'; fi
check "remove node3 again: already removed tolerated" "^node1 $P1$" -e $E1 "${hc[@]}" remove "$id3"
check_err "member id of a removed peer" 5 "no member id found for peer URL" -e $E1 "${hc[@]}" member-id $P3
check "first endpoint dead: the next one answers" "name=node1" -e https://10.250.0.3:2379,$E1 "${hc[@]}" list

# errors: quick and clear
check_err "dead endpoint: refused quickly" 3 "10.250.0.1:2999.*(refused|connect)" -e https://10.250.0.1:2999 "${hc[@]}" list
check_err "dead endpoint with retries: last error after the budget" 5 "10.250.0.1:2999" -e https://10.250.0.1:2999 "${hc[@]}" -t 1500 remove 1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/bad.key" -out "$work/bad.crt" -days 1 \
	-subj /CN=intruder >/dev/null 2>&1
check_err "client certificate from another CA: rejected" 4 "10.250.0.1:2379" -e $E1 -c "$p/etcd/ca.crt" -C "$work/bad.crt" -k "$work/bad.key" list
check_err "server not signed by the given CA: rejected" 4 "(certificate|SSL|verif)" -e $E1 -c "$work/bad.crt" -C "$p/etcd/healthcheck-client.crt" -k "$p/etcd/healthcheck-client.key" list
check_err "no client certificate: rejected" 4 "10.250.0.1:2379" -e $E1 -c "$p/etcd/ca.crt" list
check_err "missing CA file: clear error" 3 "10.250.0.1:2379" -e $E1 -c "$work/nope.crt" -C "$p/etcd/healthcheck-client.crt" -k "$p/etcd/healthcheck-client.key" list

# ---- reset's remove-etcd-member against a real cluster: kube-apiserver on member node1, the
# node being reset is node2 (10.250.0.2). The reference and ckubeadm each reset an identical
# --rootfs tree of node2; each run must remove node2 from etcd and clean its data dir.
if ! apiserver_peers "$peers" || [ ! -x "$ours" ]; then
	echo "SKIP reset against a real cluster: kube-apiserver, kubectl or ckubeadm missing"
	echo "$passed passed, $failed failed, 1 skipped"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]; exit $?
fi
"$kubeadm" init phase certs all --config "$work/cfg.yaml" >/dev/null 2>&1 &&
	"$kubeadm" init phase kubeconfig super-admin --config "$work/cfg.yaml" --kubeconfig-dir "$work/kc" \
		>/dev/null 2>&1 || { bad "PKI and kubeconfig for kube-apiserver"; }
apiserver_start "$p" 10.250.0.1 "$E1" "$work/apiserver.log" --bind-address=10.250.0.1
pids+=($APISERVER_PID)
kc() { "$KUBECTL_BIN" --kubeconfig "$work/kc/super-admin.conf" --request-timeout=10s "$@"; }
apiserver_wait_ready "$work/kc/super-admin.conf" 120 && ok "kube-apiserver ready on member node1" ||
	{ bad "kube-apiserver not ready"; tail -n 20 "$work/apiserver.log"; echo "$passed passed, $failed failed, 0 skipped"; exit 1; }

# not the host name: kubeadm finds it through kubelet.conf (see below)
node=cn-node2
cat >"$work/objects.yaml" <<OBJ
apiVersion: v1
kind: ConfigMap
metadata: {name: kubeadm-config, namespace: kube-system}
data:
  ClusterConfiguration: |
    apiVersion: kubeadm.k8s.io/v1beta4
    kind: ClusterConfiguration
    kubernetesVersion: v1.37.2
    certificatesDir: /etc/kubernetes/pki
    controlPlaneEndpoint: 10.250.0.1:6443
    etcd:
      local:
        dataDir: /var/lib/etcd
    networking: {serviceSubnet: 10.96.0.0/12, dnsDomain: cluster.local}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kubelet-config, namespace: kube-system}
data:
  kubelet: |
    apiVersion: kubelet.config.k8s.io/v1beta1
    kind: KubeletConfiguration
    cgroupDriver: systemd
---
apiVersion: v1
kind: Node
metadata: {name: $node}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: kube-system}
---
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver-$node
  namespace: kube-system
  labels: {component: kube-apiserver, tier: control-plane}
  annotations: {kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: "10.250.0.2:6443"}
spec:
  nodeName: $node
  automountServiceAccountToken: false
  containers: [{name: kube-apiserver, image: registry.k8s.io/kube-apiserver:v1.37.2}]
---
apiVersion: v1
kind: Pod
metadata:
  name: etcd-node1
  namespace: kube-system
  labels: {component: etcd, tier: control-plane}
  annotations: {kubeadm.kubernetes.io/etcd.advertise-client-urls: "$E1"}
spec:
  nodeName: node1
  automountServiceAccountToken: false
  containers: [{name: etcd, image: registry.k8s.io/etcd:3.6.9-0}]
---
apiVersion: v1
kind: Pod
metadata:
  name: etcd-$node
  namespace: kube-system
  labels: {component: etcd, tier: control-plane}
  annotations: {kubeadm.kubernetes.io/etcd.advertise-client-urls: "$E2"}
spec:
  nodeName: $node
  automountServiceAccountToken: false
  containers: [{name: etcd, image: registry.k8s.io/etcd:3.6.9-0}]
OBJ
ok_objs=0
for _ in $(seq 20); do
	kc apply -f "$work/objects.yaml" >"$work/apply.log" 2>&1 && { ok_objs=1; break; }
	sleep 0.5
done
[ $ok_objs = 1 ] && ok "cluster objects (kubeadm-config, kubelet-config, Node, control-plane Pods)" ||
	{ bad "cluster objects"; sed 's/^/     /' "$work/apply.log" | head; }

# kubelet.conf of the node, aimed at a dead API endpoint: the SelfSubjectReview fails and the
# node name comes from its client certificate's CN (system:node:<node>), as kubeadm's fallback
sed -e "s/name: node1/name: $node/" "$work/cfg.yaml" >"$work/cfg-kubelet.yaml"
printf '\ncontrolPlaneEndpoint: 10.250.0.3:9\n' >>"$work/cfg-kubelet.yaml"
"$kubeadm" init phase kubeconfig kubelet --config "$work/cfg-kubelet.yaml" --kubeconfig-dir "$work/kc-kubelet" \
	>/dev/null 2>&1 || bad "kubelet.conf for the node"

# node2's tree: PKI, admin.conf, kubelet.conf, static pod manifests, etcd data
node_tree() {
	local r=$1
	mkdir -p "$r"/etc/kubernetes/manifests "$r"/var/lib/etcd/member "$r"/proc "$r"/var/lib/kubelet
	cp -r "$p" "$r"/etc/kubernetes/pki
	cp "$work/kc/super-admin.conf" "$r"/etc/kubernetes/admin.conf
	cp "$work/kc-kubelet/kubelet.conf" "$r"/etc/kubernetes/kubelet.conf
	echo "kind: Pod" >"$r"/etc/kubernetes/manifests/kube-apiserver.yaml
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: etcd}\nspec:\n  volumes:\n  - name: etcd-data\n    hostPath: {path: /var/lib/etcd}\n' \
		>"$r"/etc/kubernetes/manifests/etcd.yaml
	echo db >"$r"/var/lib/etcd/member/db
	: >"$r"/proc/mounts
}
# rejoin node2 as kubeadm join does: learner, fresh data dir, start, promote
rejoin_node2() {
	kill "${pids[1]}" 2>/dev/null; wait "${pids[1]}" 2>/dev/null
	rm -rf "$work/node2"
	"$probe" -e $E1 "${hc[@]}" add-learner node2 $P2 >/dev/null 2>&1
	local id; id=$("$probe" -e $E1 "${hc[@]}" member-id $P2 2>/dev/null)
	start_etcd 2 node1=$P1,node2=$P2 existing
	pids[1]=${pids[-1]}
	"$probe" -e $E1 "${hc[@]}" -t 60000 promote "$id" >/dev/null 2>&1
}
norm() { sed -E -e 's/^([IWEF])[0-9]{4} [0-9:.]{15} +[0-9]+ [^]]+\] /\1 /' "$1"; }
for side in ref ours; do
	bin=$ours; [ $side = ref ] && bin=$kubeadm
	"$probe" -e $E1 "${hc[@]}" list 2>/dev/null | grep -q "name=node2 .*learner=false" ||
		{ bad "$side: node2 is a voting member before reset"; continue; }
	node_tree "$work/root-$side"
	"$bin" reset --force --rootfs "$work/root-$side" >"$work/$side.out" 2>"$work/$side.err" </dev/null
	echo $? >"$work/$side.rc"
	if [ "$(cat "$work/$side.rc")" = 0 ] && ! "$probe" -e $E1 "${hc[@]}" list 2>/dev/null | grep -q "$P2" &&
		grep -q "Deleted contents of the etcd data directory: /var/lib/etcd" "$work/$side.out" &&
		[ -z "$(ls -A "$work/root-$side/var/lib/etcd")" ]; then
		ok "$side reset: node2 removed from etcd, its data dir emptied"
	else
		bad "$side reset: node2 not removed (rc $(cat "$work/$side.rc"))"
		sed 's/^/     /' "$work/$side.err" | head -n 10
	fi
	[ $side = ref ] && rejoin_node2
done
if cmp -s "$work/ref.out" "$work/ours.out" && cmp -s <(norm "$work/ref.err") <(norm "$work/ours.err"); then
	ok "reset with etcd removal: same stdout and stderr as the reference"
else
	bad "reset with etcd removal: output differs from the reference"
	diff -u "$work/ref.out" "$work/ours.out" | sed 's/^/     /' | head -n 20
	diff -u <(norm "$work/ref.err") <(norm "$work/ours.err") | sed 's/^/     /' | head -n 20
fi

echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
