#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The addon objects against a real kube-apiserver (reference peer builds, loopback inside a
# private network namespace): the reference kubeadm runs `init phase addon all` first, its
# objects are dumped and deleted, then ckubeadm runs the same phase; every object must be
# accepted and equal to the reference's after removing uid, creationTimestamp,
# resourceVersion and managedFields. A second ckubeadm run (CreateOrUpdate on existing
# objects, the DNS Service update path) must succeed and leave the objects equal.
#
# usage: tests/conformance/addons/apiserver.sh <ckubeadm> <reference-kubeadm> [build-dir]
set -u
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference-kubeadm> [build-dir]" >&2; exit 2; }
ours=$(realpath "$1")
ref=$(realpath "$2"); [ -x "${ref%/kubeadm}/kubeadm.real" ] && ref=${ref%/kubeadm}/kubeadm.real
. "$(dirname "$0")/../../lib/apiserver.sh"
. "$(dirname "$0")/../../lib/compare.sh"
apiserver_peers "${PEERS_DIR:-/var/cache/ckubeadm/peers/k8s-v1.37.2}" ||
	{ echo "SKIP: $APISERVER_MISSING not found"; exit 77; }
kubectl=$KUBECTL_BIN

if [ "${IN_NETNS:-}" != 1 ]; then
	exec unshare --net -- env IN_NETNS=1 bash "$0" "$@"
fi
ip link set lo up 2>/dev/null || { echo "SKIP: cannot bring up loopback"; exit 77; }
# kube-apiserver refuses a loopback advertise address: a second address on this namespace's
# loopback interface (the namespace has no other interface, nothing leaves it)
addr=10.123.0.5
ip addr add "$addr/32" dev lo || { echo "SKIP: cannot add $addr to lo"; exit 77; }
unset HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy KUBEADM_INIT_DRYRUN_DIR
# both binaries start as the checks below run them (directly, in this namespace)
CONF_OURS=$ours CONF_REF=$ref CONF_PASSED=0 CONF_FAILED=0 CONF_SKIPPED=0
conf_start_check

work=$(mktemp -d /tmp/addons-apiserver.XXXXXX)
pids=()
# stderr closed: bash's "Killed" report of a reaped job must not follow the totals line
# (run.sh reads the last line; see tests/pki/etcd-peers.sh)
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p"; done
	for p in "${pids[@]}"; do wait "$p"; done
	rm -rf "$work"
} 2>/dev/null
trap cleanup EXIT
passed=0 failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed, 0 skipped"; [ "$failed" -eq 0 ]; exit $?; }

cat >"$work/k.yaml" <<EOC
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: $addr
nodeRegistration:
  name: node-a
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: $work/pki
networking:
  dnsDomain: addons.test
EOC
p=$work/pki
"$ref" init phase certs all --config "$work/k.yaml" >"$work/certs.log" 2>&1 &&
	"$ref" init phase kubeconfig super-admin --kubeconfig-dir "$work/kc" --config "$work/k.yaml" \
		>>"$work/certs.log" 2>&1 || { bad "reference PKI"; cat "$work/certs.log"; finish; }

etcd_start "$p" node-a 127.0.0.1 2379 2380 "$work"
pids+=($ETCD_PID)
apiserver_start "$p" "$addr" https://127.0.0.1:2379 "$work/apiserver.log"
pids+=($APISERVER_PID)

kc() { "$kubectl" --kubeconfig "$work/kc/super-admin.conf" --request-timeout=10s "$@"; }
apiserver_wait_ready "$work/kc/super-admin.conf" 150 && ok "kube-apiserver ready" ||
	{ bad "kube-apiserver not ready"; tail -n 20 "$work/apiserver.log" "$work/node-a.log"; finish; }
# kube-system exists once the bootstrap controllers ran
for _ in $(seq 60); do kc get namespace kube-system >/dev/null 2>&1 && break; sleep 0.5; done

objects=(
	"configmap coredns" "clusterrole system:coredns" "clusterrolebinding system:coredns"
	"serviceaccount coredns" "deployment coredns" "service kube-dns"
	"configmap kube-proxy" "daemonset kube-proxy" "serviceaccount kube-proxy"
	"clusterrolebinding kubeadm:node-proxier" "role kube-proxy" "rolebinding kube-proxy"
)
# dump <dir>: every object as JSON without the server-assigned fields
dump() {
	mkdir -p "$1"
	local o
	for o in "${objects[@]}"; do
		set -- "$1" $o
		kc -n kube-system get "$2" "$3" -o json 2>"$1/$2-$3.err" |
			jq -S 'del(.metadata.uid, .metadata.creationTimestamp, .metadata.resourceVersion,
				.metadata.managedFields)' >"$1/$2-$3.json"
	done
}
compare() { # <label> <dir-a> <dir-b>
	local o
	for o in "${objects[@]}"; do
		set -- "$1" "$2" "$3" $o
		local f=$4-$5.json
		if [ ! -s "$2/$f" ] || [ ! -s "$3/$f" ]; then
			bad "$1: $4/$5 missing"
		elif cmp -s "$2/$f" "$3/$f"; then
			ok "$1: $4/$5"
		else
			bad "$1: $4/$5 differs"; diff -u "$2/$f" "$3/$f" | head -n 20 | sed 's/^/     /'
		fi
	done
}
run() { # <binary> <log>
	# from /: ckubeadm's external-CA check (pki using_external) resolves certificatesDir
	# relative to the working directory at AT_FDCWD, which is a bug outside the addons
	# (reported); these checks are about the addon objects
	(cd / && "$1" init phase addon all --config "$work/k.yaml" \
		--kubeconfig "$work/kc/super-admin.conf" >"$2" 2>&1)
}

run "$ref" "$work/ref.log" && ok "reference: init phase addon all" ||
	{ bad "reference: init phase addon all"; cat "$work/ref.log"; finish; }
dump "$work/ref"
for o in "${objects[@]}"; do kc -n kube-system delete $o --wait=true >/dev/null 2>&1; done
# the Service's cluster IP is released asynchronously
for _ in $(seq 60); do
	kc get ipaddresses 10.96.0.10 >/dev/null 2>&1 || break
	sleep 0.5
done

if run "$ours" "$work/ours.log"; then
	ok "ckubeadm: init phase addon all"
else
	bad "ckubeadm: init phase addon all"; sed 's/^/     /' "$work/ours.log" | tail -n 20
fi
cmp -s "$work/ref.log" "$work/ours.log" && ok "console output equal" ||
	{ bad "console output"; diff -u "$work/ref.log" "$work/ours.log" | head -n 20 | sed 's/^/     /'; }
dump "$work/ours"
compare "created" "$work/ref" "$work/ours"

# again over the existing objects: CreateOrUpdate and the DNS Service's update path
if run "$ours" "$work/ours2.log"; then
	ok "ckubeadm: second run over existing objects"
else
	bad "ckubeadm: second run over existing objects"; sed 's/^/     /' "$work/ours2.log" | tail -n 20
fi
dump "$work/ours2"
compare "updated" "$work/ref" "$work/ours2"

# a scaled CoreDNS keeps its replicas (deployedDNSReplicas); a modified Corefile is retained
kc -n kube-system scale deployment coredns --replicas=3 >/dev/null
kc -n kube-system patch configmap coredns --type merge \
	-p '{"data":{"Corefile":".:53 {\n    errors\n}\n"}}' >/dev/null
if run "$ours" "$work/ours3.log"; then
	ok "ckubeadm: run over a scaled deployment and a modified Corefile"
else
	bad "ckubeadm: run over a scaled deployment and a modified Corefile"; tail -n 20 "$work/ours3.log"
fi
reps=$(kc -n kube-system get deployment coredns -o jsonpath='{.spec.replicas}')
[ "$reps" = 3 ] && ok "CoreDNS replicas kept (3)" || bad "CoreDNS replicas: $reps, want 3"
cf=$(kc -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}')
[ "$cf" = $'.:53 {\n    errors\n}' ] && ok "modified Corefile retained" || bad "Corefile: $cf"

# --dry-run against the live server (its admin.conf in the dry-run directory): GETs and LISTs
# are answered by the server, so both print the same live objects
mkdir -p "$work/dr"
cp "$work/kc/super-admin.conf" "$work/dr/admin.conf"
dry() { # <binary> <log>: the log ends with the exit code; "did not start" when it did not
	rm -f "$2.started"
	(cd / && KUBEADM_INIT_DRYRUN_DIR=$work/dr sh -c "$CONF_STARTED" sh "$2.started" "$1" init phase \
		addon all --dry-run --config "$work/k.yaml" >"$2" 2>&1)
	local rc=$?
	# a LIST printed by the dry-run client carries the store's revision, which the API
	# server's own lease updates move between the two runs (seen: "256" against "258")
	sed -E -i 's/^  resourceVersion: "[0-9]+"$/  resourceVersion: <list>/' "$2"
	echo "rc=$rc" >>"$2"
	conf_side_started "$2.started" $rc || echo "did not start" >>"$2"
}
started() { ! grep -qx 'did not start' "$@"; }
dry "$ref" "$work/dry-ref.log"
dry "$ours" "$work/dry-ours.log"
started "$work/dry-ref.log" "$work/dry-ours.log" && cmp -s "$work/dry-ref.log" "$work/dry-ours.log" &&
	ok "--dry-run over existing objects: output equal ($(grep -c 'Attached object' "$work/dry-ref.log") objects printed)" ||
	{ bad "--dry-run over existing objects"; diff -u "$work/dry-ref.log" "$work/dry-ours.log" | head -n 30 | sed 's/^/     /'; }

# a Corefile that is the default of an older release is replaced (migration.Default)
old=$'.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n'
set_corefile() {
	kc -n kube-system patch configmap coredns --type merge \
		-p "$(jq -n --arg c "$1" '{data: {Corefile: $c}}')" >/dev/null
}
set_corefile "$old"
dry "$ref" "$work/dry-ref2.log"
dry "$ours" "$work/dry-ours2.log"
started "$work/dry-ref2.log" "$work/dry-ours2.log" && cmp -s "$work/dry-ref2.log" "$work/dry-ours2.log" &&
	ok "--dry-run over an older default Corefile: output equal" ||
	{ bad "--dry-run over an older default Corefile"; diff -u "$work/dry-ref2.log" "$work/dry-ours2.log" | head -n 30 | sed 's/^/     /'; }
run "$ref" "$work/ref4.log"
want=$(kc -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}')
set_corefile "$old"
run "$ours" "$work/ours4.log"
got=$(kc -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}')
if [ "$got" = "$want" ] && [ "$got" != "${old%$'\n'}" ]; then
	ok "an older default Corefile is replaced as the reference does"
else
	bad "older default Corefile: got <<$got>> want <<$want>>"
fi

# The Corefile migration of createCoreDNSAddon (shared by init and the upgrade addon phase):
# each case deploys CoreDNS at an image tag with a Corefile, runs `init phase addon coredns`
# with each tool from that same state and compares the console (klog headers masked), the exit
# code and the coredns ConfigMap and Deployment left behind.
kc -n kube-system get deployment coredns -o json |
	jq 'del(.metadata.uid, .metadata.creationTimestamp, .metadata.resourceVersion,
		.metadata.managedFields, .metadata.generation, .metadata.annotations, .status)' \
		>"$work/coredns-dep.json"
klog='s/^([IWEF])[0-9]{4} [0-9:.]{15} +[0-9]+ [^]]+\] /\1 /'
coredns_state() { # <image tag> <Corefile>
	kc -n kube-system delete configmap coredns --wait=true >/dev/null 2>&1
	kc -n kube-system delete deployment coredns --wait=true >/dev/null 2>&1
	printf '%s' "$2" >"$work/Corefile.in"
	kc -n kube-system create configmap coredns --from-file=Corefile="$work/Corefile.in" >/dev/null &&
		jq --arg i "registry.k8s.io/coredns/coredns:$1" \
			'.spec.template.spec.containers[0].image = $i' "$work/coredns-dep.json" |
		kc create -f - >/dev/null
}
mig_run() { # <side> <binary> <tag> <Corefile>
	coredns_state "$3" "$4" || { bad "$label: setting up CoreDNS $3"; return 1; }
	(cd / && "$2" init phase addon coredns --config "$work/k.yaml" \
		--kubeconfig "$work/kc/super-admin.conf" >"$work/mig-$1.out" 2>"$work/mig-$1.err")
	echo "rc=$?" >>"$work/mig-$1.out"
	sed -i -E "$klog" "$work/mig-$1.err"
	local o
	for o in configmap deployment; do
		kc -n kube-system get $o coredns -o json |
			jq -S 'del(.metadata.uid, .metadata.creationTimestamp, .metadata.resourceVersion,
				.metadata.managedFields, .metadata.generation, .status)' >"$work/mig-$1-$o.json"
	done
}
mig_case() { # <label> <image tag> <Corefile>
	label=$1
	mig_run ref "$ref" "$2" "$3" && mig_run ours "$ours" "$2" "$3" || return
	local f why=""
	for f in .out .err -configmap.json -deployment.json; do
		cmp -s "$work/mig-ref$f" "$work/mig-ours$f" || why+=" ${f#[.-]}"
	done
	if [ -z "$why" ]; then
		ok "$label ($(tail -n 1 "$work/mig-ref.out"), $(jq -r '.data | keys | join("+")' "$work/mig-ref-configmap.json"), $(jq -r '.spec.template.spec.containers[0].image' "$work/mig-ref-deployment.json" | sed 's#.*:##'))"
	else
		bad "$label:$why"
		for f in .out .err -configmap.json -deployment.json; do
			diff -u "$work/mig-ref$f" "$work/mig-ours$f" | head -n 20 | sed 's/^/     /'
		done
	fi
}
old16=$'.:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       upstream\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    proxy . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n'
custom=$'.:53 {\n    errors\n    health\n    kubernetes addons.test in-addr.arpa ip6.arpa {\n       pods verified\n    }\n    forward . 10.0.0.53\n    cache 60\n}\n'
# a tag without "v" (CoreDNS images before 1.8): the Corefile is migrated, the old one kept as
# Corefile-backup, the Deployment updated
mig_case "CoreDNS 1.6.7 with proxy and upstream: Corefile migrated" 1.6.7 "$old16"
# kubeadm hands corefile-migration the tag with its "v": migration fails, a warning, the
# ConfigMap and the Deployment (old image) are retained
mig_case "CoreDNS v1.6.7 with proxy and upstream: retained with a warning" v1.6.7 "$old16"
# no migration needed: a custom Corefile is retained, the Deployment updated
mig_case "CoreDNS v1.14.2 with a custom Corefile: retained" v1.14.2 "$custom"
mig_case "CoreDNS 1.8.0 with a custom Corefile" 1.8.0 "$custom"
# a tag corefile-migration does not know: Deprecated fails, so does the phase
mig_case "CoreDNS v1.6.2-100 with a custom Corefile: error" v1.6.2-100 "$custom"
mig_case "CoreDNS v1.99.0 (newer than kubeadm's)" v1.99.0 "$custom"
# the default Corefile of an older release is replaced whatever the tag
mig_case "CoreDNS 1.8.0 with its default Corefile: replaced" 1.8.0 "$old"
finish
