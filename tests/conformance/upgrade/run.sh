#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `kubeadm upgrade plan` against a real kube-apiserver and etcd (the reference peers), run in a
# network namespace of its own on 10.0.0.5 (added to its loopback) and 127.0.0.1. The cluster
# holds what plan reads from a kubeadm cluster at v1.37.1: the kubeadm-config and kubelet-config
# ConfigMaps (the reference's `init phase upload-config all`), CoreDNS and kube-proxy (its
# `init phase addon all`), the control-plane Node (unschedulable, so plan's CreateJob health
# check is skipped as kubeadm skips it without schedulable Nodes) and the control-plane Pods
# that plan reads image tags from (created through the API: no kubelet runs here). The node's
# files (kubeconfigs, manifests, instance-config.yaml) are made by the reference under a root
# that both tools use through --rootfs. Each case runs the reference and ckubeadm on copies of
# that root and compares stdout, stderr (klog headers normalised) and the exit code; no case
# may change the cluster (plan never writes; `upgrade node` cases change files only). The addon
# cases run `upgrade apply|node phase addon` from the same state and compare the objects left.
#   tests/conformance/upgrade/run.sh <ckubeadm> <reference-kubeadm> [builddir]
# UPGRADE_CASES=<regex> runs only the matching cases, UPGRADE_SHOW=1 shows the reference's output.
# Skipped (exit 77) when the etcd or kube-apiserver peer is missing.
set -u
if [ -z "${UPGRADE_IN_NETNS:-}" ]; then
	exec unshare --net env UPGRADE_IN_NETNS=1 bash "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/lib/compare.sh"
. "$top/tests/lib/apiserver.sh"
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference-kubeadm> [builddir]" >&2; exit 2; }
conf_init "$(realpath "$1")" "$(realpath "$2")"
CONF_SKIPPED=0
apiserver_peers "$(dirname "$CONF_REF")" ||
	{ echo "SKIP: no $APISERVER_MISSING"; echo "0 passed, 0 failed, 1 skipped"; exit 77; }
ip link set lo up
ip addr add 10.0.0.5/32 dev lo
unset HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy

T=$CONF_TMP/cluster
R=$T/root
mkdir -p "$R/var/lib/kubelet"
cat >"$R/cfg.yaml" <<'EOF'
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.0.0.5
  bindPort: 26443
nodeRegistration:
  name: node-a
  criSocket: unix:///nonexistent/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.1
encryptionAlgorithm: ECDSA-P256
networking:
  serviceSubnet: 10.96.0.0/16
EOF
printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncontainerRuntimeEndpoint: unix:///nonexistent/containerd.sock\n' \
	>"$R/var/lib/kubelet/instance-config.yaml"
ref_phase() { "$CONF_REF" init phase "$@" --config /cfg.yaml --rootfs "$R" >>"$T/setup.log" 2>&1; }
ref_phase certs all && ref_phase kubeconfig all && ref_phase control-plane all ||
	{ echo "FAIL: reference tree"; cat "$T/setup.log"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
K=$R/etc/kubernetes/pki
etcd_start "$K" node-a 127.0.0.1 22379 22380 "$T"
etcd_pid=$ETCD_PID
apiserver_start "$K" 10.0.0.5 https://127.0.0.1:22379 "$T/apiserver.log" --secure-port=26443 \
	--bind-address=10.0.0.5
api_pid=$APISERVER_PID
trap 'kill -KILL $api_pid $etcd_pid 2>/dev/null; wait $api_pid $etcd_pid 2>/dev/null; rm -rf "$CONF_TMP"' EXIT
KC=("$KUBECTL_BIN" --kubeconfig "$R/etc/kubernetes/super-admin.conf" --request-timeout=20s)
apiserver_wait_ready "$R/etc/kubernetes/super-admin.conf" 90 ||
	{ echo "FAIL: kube-apiserver not ready"; tail "$T/apiserver.log"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
for _ in $(seq 60); do "${KC[@]}" get namespace kube-system >/dev/null 2>&1 && break; sleep 0.5; done

# the Pods of a control plane at $1 (kube-apiserver, kcm, scheduler) with etcd $2 on node-a
control_plane_pods() {
	local c img
	"${KC[@]}" delete pods -n kube-system -l tier=control-plane --grace-period=0 --force >/dev/null 2>&1
	for _ in $(seq 40); do
		[ -z "$("${KC[@]}" get pods -n kube-system -l tier=control-plane -o name 2>/dev/null)" ] && break
		sleep 0.25
	done
	for c in kube-apiserver kube-controller-manager kube-scheduler etcd; do
		img=registry.k8s.io/$c:$1
		[ $c = etcd ] && img=registry.k8s.io/etcd:$2
		cat <<EOF
---
apiVersion: v1
kind: Pod
metadata:
  name: $c-node-a
  namespace: kube-system
  labels: {component: $c, tier: control-plane}
  annotations:
    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: 10.0.0.5:26443
    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://127.0.0.1:22379
spec:
  nodeName: node-a
  automountServiceAccountToken: false
  containers: [{name: $c, image: "$img"}]
EOF
	done | "${KC[@]}" create -f - >/dev/null
}

{
	echo '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default","namespace":"kube-system"}}' |
		"${KC[@]}" create -f - &&
		echo '{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-a","labels":{"node-role.kubernetes.io/control-plane":""}},"spec":{"unschedulable":true}}' |
		"${KC[@]}" create -f - &&
		"${KC[@]}" patch node node-a --subresource=status --type=merge \
			-p '{"status":{"nodeInfo":{"kubeletVersion":"v1.37.1"}}}' &&
		"$CONF_REF" init phase upload-config all --config /cfg.yaml --rootfs "$R" &&
		"$CONF_REF" init phase addon all --config /cfg.yaml --rootfs "$R" &&
		control_plane_pods v1.37.1 3.7.0-0
} >>"$T/setup.log" 2>&1 || { echo "FAIL: cluster objects"; tail -n 20 "$T/setup.log"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# everything in the cluster, to prove that no case changed it
dump() {
	"${KC[@]}" get configmaps,pods,nodes,jobs,deployments,daemonsets -A \
		-o jsonpath='{range .items[*]}{.kind}/{.metadata.namespace}/{.metadata.name}/{.metadata.resourceVersion}{"\n"}{end}' 2>&1
}
dump >"$T/before"

cmp_case() { # <name> <args...>: both binaries on copies of the same root
	local name=$1 why="" s
	shift
	# UPGRADE_CASES=<regex>: only the cases whose name matches (while working on some)
	[[ -n "${UPGRADE_CASES:-}" && ! "$name" =~ $UPGRADE_CASES ]] && return
	for s in ref ours; do
		rm -rf "$T/$s"
		cp -a "${ROOT:-$R}" "$T/$s"
		local bin=$CONF_OURS
		[ $s = ref ] && bin=$CONF_REF
		"$bin" "$@" --rootfs "$T/$s" >"$T/$s.out" 2>"$T/$s.err" </dev/null
		echo $? >"$T/$s.rc"
		conf_normalise <"$T/$s.out" | sed -E -e "$TSMASK" -e "$LISTMASK" -e "${OUTMASK:-}" |
			retries_once \
			>"$T/$s.out.n"
		conf_normalise <"$T/$s.err" | sed -E -e "$TSMASK" -e "${ERRMASK:-}" >"$T/$s.err.n"
		tree_digest "$T/$s" >"$T/$s.tree"
	done
	cmp -s "$T/ref.rc" "$T/ours.rc" || why+=" exit($(cat "$T/ref.rc") vs $(cat "$T/ours.rc"))"
	cmp -s "$T/ref.out.n" "$T/ours.out.n" || why+=" stdout"
	cmp -s "$T/ref.err.n" "$T/ours.err.n" || why+=" stderr"
	cmp -s "$T/ref.tree" "$T/ours.tree" || why+=" files"
	dump >"$T/after"
	cmp -s "$T/before" "$T/after" || why+=" (the cluster changed)"
	# UPGRADE_SHOW=1: the reference's output of every case, to read what is compared
	[ -n "${UPGRADE_SHOW:-}" ] && sed 's/^/     | /' "$T/ref.out.n" "$T/ref.err.n"
	if [ -z "$why" ]; then
		echo "ok   upgrade $name (exit $(cat "$T/ref.rc"))"
		CONF_PASSED=$((CONF_PASSED + 1))
	else
		echo "FAIL upgrade $name:$why"
		diff -u "$T/ref.out.n" "$T/ours.out.n" | head -30 | sed 's/^/     /'
		diff -u "$T/ref.err.n" "$T/ours.err.n" | head -30 | sed 's/^/     /'
		diff -u "$T/ref.tree" "$T/ours.tree" | head -20 | sed 's/^/     /'
		diff -u "$T/before" "$T/after" | head -10 | sed 's/^/     /'
		CONF_FAILED=$((CONF_FAILED + 1))
	fi
}

# a LIST printed by the dry-run client carries the store's revision, which the API server's
# own lease updates move between two runs
LISTMASK='s/^  resourceVersion: "[0-9]+"$/  resourceVersion: <list>/'
# the dry-run client prints every GET; GetConfigMapWithShortRetry polls the kube-proxy
# ConfigMap (forbidden to a node) every 50 ms for 350 ms, so how many GETs depends on the
# server's latency: a repeated 3-line GET block of it is kept once
retries_once() {
	awk '{ l[NR] = $0 } END {
		for (i = 1; i <= NR; i++) {
			if (l[i + 1] ~ /Resource name "kube-proxy"/ && l[i] == l[i + 3] &&
			    l[i + 1] == l[i + 4] && l[i + 2] == l[i + 5]) { i += 2; continue }
			print l[i]
		}
	}'
}

# the files a case left under a root: each path (upgrade's timestamps and random suffixes
# masked) with its mode and, for what kubeadm writes deterministically, its SHA-256
# (certificates, keys and kubeconfigs are re-issued with new keys: only their names count)
TSMASK='s/[0-9]{4}(-[0-9]{2}){5}/<ts>/g; s/(kubeadm-upgraded-manifests|dryrun)[A-Za-z0-9]+/\1<n>/g'
tree_digest() {
	(cd "$1" && find . -type f -printf '%p %m\n' | sort | while read -r f m; do
		case $f in
		*.crt | *.key | *.conf | *.pub) echo "$f $m" ;;
		*) echo "$f $m $(sha256sum <"$f" | cut -c1-16)" ;;
		esac
	done) | sed -E -e "$TSMASK"
}

# a patch upgrade v1.37.1 -> v1.37.2: the tables, the kubelet row, the apply command
cmp_case "plan v1.37.2" upgrade plan v1.37.2
cmp_case "plan v1.37.2 -o json" upgrade plan v1.37.2 -o json
cmp_case "plan v1.37.2 -o yaml" upgrade plan v1.37.2 -o yaml
cmp_case "plan v1.37.2 -o kyaml" upgrade plan v1.37.2 -o kyaml
cmp_case "plan -o jsonpath" upgrade plan v1.37.2 -o 'jsonpath={.availableUpgrades[0].components[*].name}'
cmp_case "plan --etcd-upgrade=false" upgrade plan v1.37.2 --etcd-upgrade=false
cmp_case "plan --print-config" upgrade plan v1.37.2 --print-config
cmp_case "plan 1.37.2 (no v)" upgrade plan 1.37.2
# the same version: only the preamble; json prints nothing
cmp_case "plan v1.37.1 (same version)" upgrade plan v1.37.1
cmp_case "plan v1.37.1 -o json (same version)" upgrade plan v1.37.1 -o json
# plan enforces no skew policy: a too new and a too old target are shown as upgrades
cmp_case "plan v1.38.0 (too new)" upgrade plan v1.38.0
cmp_case "plan v1.35.4 (too old)" upgrade plan v1.35.4
cmp_case "plan v1.38.0-rc.1 (release candidate)" upgrade plan v1.38.0-rc.1
cmp_case "plan v1.38.0-beta.0 (pre-release)" upgrade plan v1.38.0-beta.0 -o yaml
cmp_case "plan foo (not a version)" upgrade plan foo
# the version from an UpgradeConfiguration (plan.kubernetesVersion), and an argument over it
cat >"$R/u.yaml" <<'EOF'
apiVersion: kubeadm.k8s.io/v1beta4
kind: UpgradeConfiguration
plan:
  kubernetesVersion: v1.37.2
  etcdUpgrade: false
  printConfig: true
EOF
cmp_case "plan --config (plan.kubernetesVersion)" upgrade plan --config /u.yaml
cmp_case "plan v1.37.1 --config" upgrade plan v1.37.1 --config /u.yaml
cmp_case "plan --config mixed with --etcd-upgrade" upgrade plan --config /u.yaml --etcd-upgrade=true
cmp_case "plan --kubeconfig missing" upgrade plan v1.37.2 --kubeconfig /etc/kubernetes/missing.conf

# a cluster that is two minors behind (v1.35.4): plan still lists the upgrade
control_plane_pods v1.35.4 3.6.8-0 >>"$T/setup.log" 2>&1
dump >"$T/before"
cmp_case "plan v1.37.2 on a v1.35.4 control plane (too old cluster)" upgrade plan v1.37.2
cmp_case "plan v1.37.2 -o json on v1.35.4" upgrade plan v1.37.2 -o json
control_plane_pods v1.37.1 3.7.0-0 >>"$T/setup.log" 2>&1

# a second control plane half-way (its kube-apiserver at v1.37.0) and a worker whose kubelet is
# v1.36.3: kubelet and component rows per node, versions sorted; kubeadm names the API server
# versions it found in Go map order, so that list is masked (the warning itself is compared)
for n in node-b:true node-w:false; do
	name=${n%:*}
	labels='{}'
	[ "${n#*:}" = true ] && labels='{"node-role.kubernetes.io/control-plane":""}'
	echo "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"$name\",\"labels\":$labels},\"spec\":{\"unschedulable\":true}}" |
		"${KC[@]}" create -f - >>"$T/setup.log" 2>&1
done
"${KC[@]}" patch node node-b --subresource=status --type=merge \
	-p '{"status":{"nodeInfo":{"kubeletVersion":"v1.37.0"}}}' >>"$T/setup.log" 2>&1
"${KC[@]}" patch node node-w --subresource=status --type=merge \
	-p '{"status":{"nodeInfo":{"kubeletVersion":"v1.36.3"}}}' >>"$T/setup.log" 2>&1
for c in kube-apiserver kube-controller-manager kube-scheduler; do
	cat <<EOF
---
apiVersion: v1
kind: Pod
metadata:
  name: $c-node-b
  namespace: kube-system
  labels: {component: $c, tier: control-plane}
spec:
  nodeName: node-b
  automountServiceAccountToken: false
  containers: [{name: $c, image: "registry.k8s.io/$c:v1.37.0"}]
EOF
done | "${KC[@]}" create -f - >>"$T/setup.log" 2>&1
dump >"$T/before"
mask='s/(Different API server versions in the cluster were discovered: ).*(\. Please)/\1<list>\2/'
ERRMASK=$mask cmp_case "plan v1.37.2 with two control planes and a worker" upgrade plan v1.37.2
ERRMASK=$mask cmp_case "plan v1.37.2 -o yaml with two control planes and a worker" \
	upgrade plan v1.37.2 -o yaml
"${KC[@]}" delete pods -n kube-system -l tier=control-plane --field-selector spec.nodeName=node-b \
	--grace-period=0 --force >>"$T/setup.log" 2>&1
"${KC[@]}" delete node node-b node-w >>"$T/setup.log" 2>&1

# a NotReady control-plane Node fails the ControlPlaneNodesReady health check (exit and
# preflight output), unless that check is ignored
"${KC[@]}" patch node node-a --subresource=status --type=merge \
	-p '{"status":{"conditions":[{"type":"Ready","status":"False","reason":"Test","message":"test"}]}}' >>"$T/setup.log" 2>&1
dump >"$T/before"
cmp_case "plan with a NotReady control plane" upgrade plan v1.37.2
cmp_case "plan with a NotReady control plane, ignored" upgrade plan v1.37.2 \
	--ignore-preflight-errors=ControlPlaneNodesReady
# a missing control-plane manifest: StaticPodManifest
mv "$R/etc/kubernetes/manifests/kube-scheduler.yaml" "$T/kube-scheduler.yaml"
cmp_case "plan without the kube-scheduler manifest" upgrade plan v1.37.2 --ignore-preflight-errors=controlplanenodesready
mv "$T/kube-scheduler.yaml" "$R/etc/kubernetes/manifests/kube-scheduler.yaml"

"${KC[@]}" patch node node-a --subresource=status --type=json \
	-p '[{"op":"remove","path":"/status/conditions"}]' >>"$T/setup.log" 2>&1
dump >"$T/before"
# without a version plan asks dl.k8s.io for "stable" and "stable-1.37": this namespace has no
# route out, so both tools fall back to their own version with kubeadm's warnings
cmp_case "plan without a version (offline)" upgrade plan

# CoreDNS deployed at an older version: the CoreDNSUnsupportedPlugins and CoreDNSMigration
# preflight checks run corefile-migration from that version to kubeadm's
coredns_at() { # <image tag> <Corefile file>: the Deployment's image and the ConfigMap's Corefile
	"${KC[@]}" set image deployment/coredns -n kube-system \
		coredns=registry.k8s.io/coredns/coredns:$1 >>"$T/setup.log" 2>&1
	"${KC[@]}" create configmap coredns -n kube-system --from-file=Corefile="$2" \
		--dry-run=client -o yaml | "${KC[@]}" replace -f - >>"$T/setup.log" 2>&1
	dump >"$T/before"
}
"${KC[@]}" get configmap coredns -n kube-system -o jsonpath='{.data.Corefile}' >"$T/Corefile" 2>>"$T/setup.log"
cat >"$T/Corefile-1.8" <<'EOF'
.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
EOF
cat >"$T/Corefile-unknown" <<'EOF'
.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
    }
    frobnicate example.org
    forward . /etc/resolv.conf
    cache 30 {
       wibble 10
    }
    loop
    reload
}
EOF
cat >"$T/Corefile-1.6" <<'EOF'
.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       upstream
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    proxy . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
EOF
printf '.:53 {\n    errors\n    forward . /etc/resolv.conf {\n' >"$T/Corefile-broken"
coredns_at v1.14.2 "$T/Corefile"
cmp_case "plan with CoreDNS v1.14.2 and the default Corefile" upgrade plan v1.37.2
cmp_case "plan -o json with CoreDNS v1.14.2" upgrade plan v1.37.2 -o json
coredns_at v1.8.0 "$T/Corefile-1.8"
cmp_case "plan with CoreDNS v1.8.0 and its default Corefile" upgrade plan v1.37.2
coredns_at v1.14.2 "$T/Corefile-unknown"
cmp_case "plan with CoreDNS v1.14.2, an unknown plugin and option" upgrade plan v1.37.2
cmp_case "plan with an unknown CoreDNS plugin, CoreDNSUnsupportedPlugins ignored" \
	upgrade plan v1.37.2 --ignore-preflight-errors=CoreDNSUnsupportedPlugins
coredns_at v1.6.2 "$T/Corefile-1.6"
cmp_case "plan with CoreDNS v1.6.2, proxy and kubernetes upstream (removed since)" \
	upgrade plan v1.37.2
coredns_at v1.6.2-100 "$T/Corefile"
cmp_case "plan with a custom CoreDNS tag v1.6.2-100" upgrade plan v1.37.2
coredns_at v1.99.0 "$T/Corefile"
cmp_case "plan with a CoreDNS newer than kubeadm's" upgrade plan v1.37.2
coredns_at v1.14.2 "$T/Corefile-broken"
cmp_case "plan with a Corefile that does not parse" upgrade plan v1.37.2
coredns_at v1.14.6 "$T/Corefile-broken"
cmp_case "plan with CoreDNS at the target and a broken Corefile" upgrade plan v1.37.2
coredns_at v1.14.6 "$T/Corefile"

# The addon phases of `upgrade apply` (`upgrade apply phase addon <x> v1.37.2`) on a cluster
# whose control plane runs v1.37.2, CoreDNS v1.14.2 and kube-proxy v1.37.1, each tool running
# the same command. Compared: stdout, the exit code and the addon objects left.
addon_objects() {
	local o
	for o in "configmap coredns" "deployment coredns" "service kube-dns" "serviceaccount coredns" \
		"configmap kube-proxy" "daemonset kube-proxy" "serviceaccount kube-proxy" \
		"role kube-proxy" "rolebinding kube-proxy"; do
		echo "== $o"
		"${KC[@]}" get -n kube-system $o -o json 2>&1 |
			jq -S 'del(.metadata.uid, .metadata.creationTimestamp, .metadata.resourceVersion,
				.metadata.managedFields, .metadata.generation, .status,
				.metadata.annotations["deprecated.daemonset.template.generation"])' 2>&1
	done
}
addon_state() { # CoreDNS v1.14.2 with the default Corefile, kube-proxy v1.37.1
	"${KC[@]}" set image daemonset/kube-proxy -n kube-system \
		kube-proxy=registry.k8s.io/kube-proxy:v1.37.1 >>"$T/setup.log" 2>&1
	coredns_at v1.14.2 "$T/Corefile"
}
addon_case() { # <name> <addon> [a command that changes the state first]
	local name=$1 addon=$2 why="" s
	[[ -n "${UPGRADE_CASES:-}" && ! "$name" =~ $UPGRADE_CASES ]] && return
	for s in ref ours; do
		addon_state
		[ $# -gt 2 ] && "${@:3}" >>"$T/setup.log" 2>&1
		rm -rf "$T/$s"
		cp -a "$R" "$T/$s"
		local bin=$CONF_REF env=()
		[ $s = ours ] && bin=$CONF_OURS
		local cmd=(upgrade apply phase addon "$addon" v1.37.2)
		[ -n "${ADDON_NODE:-}" ] && cmd=(upgrade node phase addon "$addon")
		# ADDON_EVENTS: ckubeadm streams events and writes its UpgradeResult (beyond-kubeadm.md
		# §1), and must still print and do what the reference does
		rm -f "$T/events.jsonl" "$T/result.json"
		[ $s = ours ] && [ -n "${ADDON_EVENTS:-}" ] &&
			env=(CKUBEADM_EVENTS="$T/events.jsonl" CKUBEADM_RESULT="$T/result.json")
		env "${env[@]}" "$bin" "${cmd[@]}" --rootfs "$T/$s" >"$T/$s.out" 2>"$T/$s.err" </dev/null
		echo $? >"$T/$s.rc"
		cp "$T/$s.out" "$T/$s.out.n"
		addon_objects >"$T/$s.objects"
	done
	cmp -s "$T/ref.rc" "$T/ours.rc" || why+=" exit($(cat "$T/ref.rc") vs $(cat "$T/ours.rc"))"
	cmp -s "$T/ref.out.n" "$T/ours.out.n" || why+=" stdout"
	cmp -s "$T/ref.objects" "$T/ours.objects" || why+=" objects"
	if [ -n "${ADDON_EVENTS:-}" ]; then
		local ev=$here/../events
		python3 "$ev/check.py" "$T/events.jsonl" --schema "$top/docs/schemas/event.schema.json" \
			--rc "$(cat "$T/ours.rc")" --stderr "$T/ours.err" | sed 's/^/     /' >"$T/ev.problems"
		[ -s "$T/ev.problems" ] && why+=" events"
		python3 "$ev/schema.py" "$top/docs/schemas/result.schema.json" "$T/result.json" >/dev/null &&
			python3 - "$T/events.jsonl" "$T/result.json" "$addon" <<'P' || why+=" events/result"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
r = json.load(open(sys.argv[2]))
ph = [e["phase"] for e in evs if e["type"] == "PhaseStarted"]
objs = [e for e in evs if e["type"] == "APIObject"]
ok = (evs[0]["command"] == "upgrade apply phase addon " + sys.argv[3] and ph == ["addon/" + sys.argv[3]]
      and objs and r["kind"] == "UpgradeResult" and r["outcome"] == "Succeeded")
sys.exit(0 if ok else "phases %s, %d APIObject events, result %s/%s" % (ph, len(objs), r["kind"], r["outcome"]))
P
		[ -s "$T/ev.problems" ] && cat "$T/ev.problems"
	fi
	[ -n "${UPGRADE_SHOW:-}" ] && sed 's/^/     | /' "$T/ref.out" "$T/ref.err"
	if [ -z "$why" ]; then
		echo "ok   upgrade $name (exit $(cat "$T/ref.rc"): $(tr '\n' ' ' <"$T/ref.out.n"))"
		CONF_PASSED=$((CONF_PASSED + 1))
	else
		echo "FAIL upgrade $name:$why"
		cat "$T/ref.err" "$T/ours.err" | head -10 | sed 's/^/     /'
		diff -u "$T/ref.out.n" "$T/ours.out.n" | head -30 | sed 's/^/     /'
		diff -u "$T/ref.objects" "$T/ours.objects" | head -40 | sed 's/^/     /'
		CONF_FAILED=$((CONF_FAILED + 1))
	fi
}
control_plane_pods v1.37.2 3.7.0-0 >>"$T/setup.log" 2>&1
addon_case "apply phase addon coredns" coredns
# upgrade node's addon phases on the control plane: the same work as apply's
ADDON_NODE=1 addon_case "node phase addon coredns" coredns
ADDON_NODE=1 addon_case "node phase addon kube-proxy" kube-proxy
addon_case "apply phase addon kube-proxy" kube-proxy
ADDON_EVENTS=1 addon_case "apply phase addon coredns, ckubeadm with CKUBEADM_EVENTS and CKUBEADM_RESULT" coredns
# a kube-proxy ConfigMap without kubeadm's checksum annotation is user supplied: rewritten
# unsigned
addon_case "apply phase addon kube-proxy, ConfigMap not signed" kube-proxy \
	"${KC[@]}" annotate configmap kube-proxy -n kube-system \
	kubeadm.kubernetes.io/component-config.hash-
# a second control plane still at v1.37.1: both phases skip the addons and change nothing
cat <<EOF | "${KC[@]}" create -f - >>"$T/setup.log" 2>&1
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver-node-b
  namespace: kube-system
  labels: {component: kube-apiserver, tier: control-plane}
spec:
  nodeName: node-b
  automountServiceAccountToken: false
  containers: [{name: kube-apiserver, image: "registry.k8s.io/kube-apiserver:v1.37.1"}]
EOF
addon_case "apply phase addon coredns, node-b not upgraded" coredns
addon_case "apply phase addon kube-proxy, node-b not upgraded" kube-proxy
ADDON_NODE=1 addon_case "node phase addon coredns, node-b not upgraded" coredns
"${KC[@]}" delete pod kube-apiserver-node-b -n kube-system --grace-period=0 --force \
	>>"$T/setup.log" 2>&1
control_plane_pods v1.37.1 3.7.0-0 >>"$T/setup.log" 2>&1
"${KC[@]}" set image daemonset/kube-proxy -n kube-system \
	kube-proxy=registry.k8s.io/kube-proxy:v1.37.1 >>"$T/setup.log" 2>&1
coredns_at v1.14.6 "$T/Corefile"

# `upgrade node` on a worker (node-w: a kubelet.conf of its own, config.yaml and
# instance-config.yaml, no manifests) and on the control plane node-a, whose manifests already
# run the kubeadm-config ConfigMap's v1.37.1 (upgrade node's only target). Compared: output,
# exit code and the files left (config.yaml rewritten and its backup, renewed kubeconfigs).
W=$T/worker
mkdir -p "$W/etc/kubernetes/pki" "$W/var/lib/kubelet"
cp "$R/etc/kubernetes/pki/ca.crt" "$W/etc/kubernetes/pki/"
cp "$R/var/lib/kubelet/instance-config.yaml" "$W/var/lib/kubelet/"
{
	"$CONF_REF" kubeconfig user --client-name system:node:node-w --org system:nodes \
		--config /cfg.yaml --rootfs "$R" >"$W/etc/kubernetes/kubelet.conf" &&
		echo '{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-w"},"spec":{"unschedulable":true}}' |
		"${KC[@]}" create -f - &&
		"${KC[@]}" patch node node-w --subresource=status --type=merge \
			-p '{"status":{"nodeInfo":{"kubeletVersion":"v1.37.1"}}}' &&
		"${KC[@]}" get configmap kubelet-config -n kube-system -o jsonpath='{.data.kubelet}' \
			>"$W/var/lib/kubelet/config.yaml"
} >>"$T/setup.log" 2>&1 || echo "setup of the worker failed (see the cases)"
cp "$W/var/lib/kubelet/config.yaml" "$R/var/lib/kubelet/config.yaml"
dump >"$T/before"
ROOT=$W cmp_case "node on a worker" upgrade node --ignore-preflight-errors=all
ROOT=$W cmp_case "node on a worker, preflight fails (no container runtime)" upgrade node
ROOT=$W cmp_case "node phase kubelet-config on a worker" upgrade node phase kubelet-config
ROOT=$W cmp_case "node phase control-plane on a worker" upgrade node phase control-plane
ROOT=$W cmp_case "node phase addon all on a worker" upgrade node phase addon all
ROOT=$W cmp_case "node phase preflight on a worker, ignored" upgrade node phase preflight \
	--ignore-preflight-errors=all
mkdir -p "$W/patches"
printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmaxPods: 42\n' \
	>"$W/patches/kubeletconfiguration+merge.yaml"
ROOT=$W cmp_case "node phase kubelet-config --patches on a worker" upgrade node phase kubelet-config \
	--patches /patches
printf '%s\n' 'apiVersion: kubeadm.k8s.io/v1beta4' 'kind: UpgradeConfiguration' 'node:' \
	'  ignorePreflightErrors: [all]' '  skipPhases: [preflight]' '  patches:' \
	'    directory: /patches' >"$W/node.yaml"
ROOT=$W cmp_case "node --config (node section) on a worker" upgrade node --config /node.yaml
# dry-run: GETs from the real server, every request printed, files printed and left in
# /etc/kubernetes/tmp/kubeadm-upgrade-node-dryrun<n>
ROOT=$W cmp_case "node --dry-run on a worker" upgrade node --dry-run --ignore-preflight-errors=all
ROOT=$W cmp_case "node phase kubelet-config --dry-run --patches on a worker" \
	upgrade node phase kubelet-config --dry-run --patches /patches
ROOT=$W cmp_case "node --config mixed with --etcd-upgrade" upgrade node --config /node.yaml \
	--etcd-upgrade=false
ROOT=$W cmp_case "node with an argument" upgrade node v1.37.2
rm "$W/var/lib/kubelet/instance-config.yaml"
ROOT=$W cmp_case "node phase kubelet-config without instance-config.yaml" \
	upgrade node phase kubelet-config
ROOT=$W cmp_case "node phase kubelet-config --kubeconfig missing" upgrade node phase kubelet-config \
	--kubeconfig /etc/kubernetes/missing.conf
rm "$W/var/lib/kubelet/config.yaml"
ROOT=$W cmp_case "node phase kubelet-config without config.yaml" upgrade node phase kubelet-config
rm "$W/etc/kubernetes/kubelet.conf"
ROOT=$W cmp_case "node on a worker without kubelet.conf" upgrade node
# the control plane: every component equal (skipped), admin.conf and super-admin.conf renewed
# (etcd is not this cluster's local etcd: --etcd-upgrade=false)
cmp_case "node on a control plane, addons skipped" upgrade node --etcd-upgrade=false \
	--ignore-preflight-errors=all --skip-phases=addon
cmp_case "node phase control-plane --certificate-renewal=false" upgrade node phase control-plane \
	--etcd-upgrade=false --certificate-renewal=false
cmp_case "node phase control-plane (etcd checked and backed up)" upgrade node phase control-plane
cmp_case "node --dry-run on a control plane" upgrade node --dry-run --ignore-preflight-errors=all
cmp_case "node phase control-plane --dry-run" upgrade node phase control-plane --dry-run
cmp_case "node phase addon all --dry-run" upgrade node phase addon all --dry-run
cmp_case "node phase preflight on a control plane (image pull fails)" upgrade node phase preflight
cmp_case "node phase kubeconfig on a control plane" upgrade node phase kubeconfig
# `upgrade apply --dry-run` v1.37.1 -> v1.37.2 on the control plane: every phase dry
cmp_case "apply v1.37.2 --dry-run" upgrade apply v1.37.2 --dry-run --ignore-preflight-errors=all
printf 'spec:\n  containers:\n  - name: kube-scheduler\n    args: ["--v=2"]\n' \
	>"$W/patches/kube-scheduler+strategic.yaml"
cp -a "$W/patches" "$R/patches"
cmp_case "apply phase control-plane v1.37.2 --dry-run --patches" \
	upgrade apply phase control-plane v1.37.2 --dry-run --patches /patches
printf '%s\n' 'apiVersion: kubeadm.k8s.io/v1beta4' 'kind: UpgradeConfiguration' 'apply:' \
	'  kubernetesVersion: v1.37.2' '  dryRun: true' '  ignorePreflightErrors: [all]' \
	'  skipPhases: [addon]' >"$R/apply-dry.yaml"
cmp_case "apply --config (apply.dryRun)" upgrade apply --config /apply-dry.yaml
cmp_case "apply v1.38.0 --dry-run (too new)" upgrade apply v1.38.0 --dry-run \
	--ignore-preflight-errors=all
rm -rf "$R/patches" "$R/apply-dry.yaml"
rm "$R/var/lib/kubelet/config.yaml"
"${KC[@]}" delete node node-w >>"$T/setup.log" 2>&1

# no CoreDNS ConfigMap: no deployed version, which both CoreDNS preflight checks refuse
"${KC[@]}" get configmap coredns -n kube-system -o yaml >"$T/coredns-cm.yaml" 2>>"$T/setup.log"
"${KC[@]}" delete configmap coredns -n kube-system >>"$T/setup.log" 2>&1
dump >"$T/before"
cmp_case "plan without the CoreDNS ConfigMap" upgrade plan v1.37.2
cmp_case "plan without the CoreDNS ConfigMap, checks ignored" upgrade plan v1.37.2 \
	--ignore-preflight-errors=CoreDNSUnsupportedPlugins,CoreDNSMigration
# nor a CoreDNS Deployment: no CoreDNS row unless the target has one
"${KC[@]}" delete deployment coredns -n kube-system >>"$T/setup.log" 2>&1
dump >"$T/before"
cmp_case "plan without CoreDNS, checks ignored, -o json" upgrade plan v1.37.2 -o json \
	--ignore-preflight-errors=all

# no kubeadm-config ConfigMap (polled for timeouts.kubernetesAPICall, shortened here)
"${KC[@]}" delete configmap kubeadm-config -n kube-system >>"$T/setup.log" 2>&1
cat >"$R/short.yaml" <<'EOF'
apiVersion: kubeadm.k8s.io/v1beta4
kind: UpgradeConfiguration
timeouts:
  kubernetesAPICall: 3s
EOF
dump >"$T/before"
cmp_case "plan on a cluster without kubeadm-config" upgrade plan v1.37.2 --config /short.yaml \
	--ignore-preflight-errors=all

echo "$CONF_PASSED passed, $CONF_FAILED failed, $CONF_SKIPPED skipped"
[ $((CONF_PASSED + CONF_FAILED)) -gt 0 ] && [ "$CONF_FAILED" -eq 0 ]
