#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# `upgrade diff` against the reference kubeadm on a real cluster configuration: etcd and
# kube-apiserver (reference peer builds) on an address of this test's own network namespace,
# the kubeadm-config ConfigMap uploaded by the reference's `init phase upload-config kubeadm`,
# the static Pod manifests written by the reference's `init phase control-plane all` and
# `init phase etcd local` under a root directory (--rootfs: kubeadm chroots into it, so
# /etc/kubernetes/manifests is the root's), this node (named by the namespace's hostname) and
# its kube-apiserver mirror Pod with the advertise-address annotation as the API holds them on
# a control-plane node. Then each case runs both tools and compares exit code, stdout and
# stderr (klog headers removed). kubeadm prints the three diffs in Go map order (random per
# run): stdout is compared as its header lines plus the set of per-file diffs.
#
# usage: tests/conformance/upgrade-diff/run.sh <ckubeadm> <reference-kubeadm> [build-dir]
# Ends with "N passed, N failed, N skipped"; exits non-zero when a case failed or none ran.
# UPGRADE_DIFF_VERBOSE=1 shows the reference's output of each case.
set -u
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference-kubeadm> [build-dir]" >&2; exit 2; }
ours=$(realpath "$1")
ref=$(realpath "$2"); [ -x "${ref%/kubeadm}/kubeadm.real" ] && ref=${ref%/kubeadm}/kubeadm.real
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/apiserver.sh"

passed=0 failed=0 skipped=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit $?
}

if [ "${IN_NETNS:-}" != 1 ]; then
	# both tools must answer before anything else
	v_ours=$("$ours" version -o short 2>&1) || { echo "FAIL ckubeadm does not run: $v_ours"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
	v_ref=$("$ref" version -o short 2>&1) || { echo "FAIL the reference does not run: $v_ref"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
	echo "ok   both answer version: ckubeadm $v_ours, reference $v_ref"
	# a network namespace (loopback only), a UTS namespace (the node's hostname) and a mount
	# namespace of this test's own
	exec unshare --net --uts --mount -- env IN_NETNS=1 bash "$0" "$@"
fi
passed=1 # version, checked before the namespaces
ip link set lo up 2>/dev/null || { echo "SKIP: cannot bring up loopback"; skipped=1; finish; }
addr=10.123.0.7
ip addr add "$addr/32" dev lo || { echo "SKIP: cannot add $addr to lo"; skipped=1; finish; }
# GetNodeName: no kubelet.conf on this root, so the hostname names the node
node=diff-node
hostname "$node" || { echo "SKIP: cannot set the hostname"; skipped=1; finish; }
unset HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy

work=$(mktemp -d /tmp/upgrade-diff.XXXXXX)
root=$work/root
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$root/var/lib/kubelet" "$root/tmp"

cat >"$root/k.yaml" <<EOC
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: $addr
nodeRegistration:
  name: $node
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
networking:
  dnsDomain: diff.test
  podSubnet: 10.244.0.0/16
apiServer:
  extraArgs:
  - name: v
    value: "2"
EOC
# the instance configuration `kubeadm init` leaves for the kubelet (GetNodeRegistration's CRI
# socket; without it both tools would auto-detect the host's runtime)
cat >"$root/var/lib/kubelet/instance-config.yaml" <<EOC
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
EOC
R() { "$ref" --rootfs "$root" "$@"; }
{ R init phase certs all --config /k.yaml &&
	R init phase kubeconfig super-admin --config /k.yaml &&
	R init phase control-plane all --config /k.yaml &&
	R init phase etcd local --config /k.yaml; } >"$work/setup.log" 2>&1 ||
	{ bad "reference: certs, kubeconfig, control-plane, etcd phases"; cat "$work/setup.log"; finish; }
ok "reference wrote the PKI, super-admin.conf and the static Pod manifests"

m=$root/etc/kubernetes/manifests
cp -a "$m" "$work/manifests.orig"
restore() { rm -rf "$m"; cp -a "$work/manifests.orig" "$m"; }
# a cluster nobody answers for (the API's port + 1) and configs with a short API timeout
sed "s#https://$addr:6443#https://$addr:6444#" "$root/etc/kubernetes/super-admin.conf" \
	>"$root/etc/kubernetes/nocluster.conf"
cat >"$root/fast.yaml" <<EOC
apiVersion: kubeadm.k8s.io/v1beta4
kind: UpgradeConfiguration
timeouts:
  kubernetesAPICall: 3s
EOC
cat >"$root/diff.yaml" <<EOC
apiVersion: kubeadm.k8s.io/v1beta4
kind: UpgradeConfiguration
diff:
  kubernetesVersion: v1.37.0
  contextLines: 2
EOC

# stdout as kubeadm prints it, the diffs in a fixed order: header lines (before the first
# "--- "), then each file's diff as one block, blocks sorted
canon() {
	python3 - "$1" >"$1.c" <<'EOP'
import sys
head, blocks = [], []
for line in open(sys.argv[1], encoding="utf-8", errors="surrogateescape"):
    if line.startswith("--- "):
        blocks.append([])
    (blocks[-1] if blocks else head).append(line)
sys.stdout.write("".join(head))
for b in sorted(blocks, key=lambda b: b[0]):
    sys.stdout.write("".join(b))
EOP
}
klog() { sed -E -e '/^[IWEF][0-9]{4} [0-9:.]{15} +[0-9]+ [^]]+\] /d' "$1" >"$1.c"; }

# case <name> <args...>: both tools with --rootfs, outputs compared
n=0
case_() {
	local name=$1 side bin
	shift
	n=$((n + 1))
	for side in ref ours; do
		bin=$ours
		[ $side = ref ] && bin=$ref
		local d=$work/case$n/$side
		mkdir -p "$d"
		"$bin" --rootfs "$root" upgrade diff "$@" >"$d/out" 2>"$d/err" </dev/null
		echo $? >"$d/rc"
		canon "$d/out"
		klog "$d/err"
	done
	local r=$work/case$n/ref o=$work/case$n/ours why=""
	cmp -s "$r/rc" "$o/rc" || why+=" exit($(cat "$r/rc") vs $(cat "$o/rc"))"
	cmp -s "$r/out.c" "$o/out.c" || why+=" stdout"
	cmp -s "$r/err.c" "$o/err.c" || why+=" stderr"
	local lines
	lines=$(grep -c '^[-+][^-+]' "$r/out" 2>/dev/null)
	if [ -n "${UPGRADE_DIFF_VERBOSE:-}" ]; then
		sed 's/^/     ref> /' "$r/out" "$r/err.c" | head -n 40
	fi
	if [ -z "$why" ]; then
		ok "$name (exit $(cat "$r/rc"), $lines changed lines)"
	else
		bad "$name:$why"
		for s in out err; do
			cmp -s "$r/$s.c" "$o/$s.c" ||
				diff -u "$r/$s.c" "$o/$s.c" | head -n 30 | sed 's/^/     /'
		done
	fi
	LAST_REF=$r
}
kcf=(--kubeconfig /etc/kubernetes/super-admin.conf)


# without a cluster: checks before the API, and an API nobody answers
# manifests missing or not files
restore
mv "$m/kube-scheduler.yaml" "$work/sched.yaml"
case_ "missing kube-scheduler manifest" "${kcf[@]}"
mv "$work/sched.yaml" "$m/kube-scheduler.yaml"
rm "$m/kube-apiserver.yaml"
case_ "missing kube-apiserver manifest" "${kcf[@]}"
restore
rm "$m/kube-controller-manager.yaml"
mkdir "$m/kube-controller-manager.yaml"
case_ "kube-controller-manager manifest is a directory" "${kcf[@]}"
restore

# no cluster
case_ "no kubeconfig" --kubeconfig /etc/kubernetes/nope.conf
case_ "no cluster behind the kubeconfig" --kubeconfig /etc/kubernetes/nocluster.conf --config /fast.yaml
case_ "--config missing" "${kcf[@]}" --config /nope.yaml
case_ "--config mixed with -c" "${kcf[@]}" --config /diff.yaml -c 3

# the cases above need no API server; the rest need etcd and kube-apiserver
if ! apiserver_peers "${PEERS_DIR:-/var/cache/ckubeadm/peers/k8s-v1.37.2}"; then
	echo "SKIP: the cases with a cluster: $APISERVER_MISSING not found"
	skipped=1
	finish
fi
kubectl=$KUBECTL_BIN
p=$root/etc/kubernetes/pki
etcd_start "$p" "$node" 127.0.0.1 2379 2380 "$work"
pids+=($ETCD_PID)
apiserver_start "$p" "$addr" https://127.0.0.1:2379 "$work/apiserver.log"
pids+=($APISERVER_PID)
kc() { "$kubectl" --kubeconfig "$root/etc/kubernetes/super-admin.conf" --request-timeout=10s "$@"; }
apiserver_wait_ready "$root/etc/kubernetes/super-admin.conf" 150 && ok "kube-apiserver ready" ||
	{ bad "kube-apiserver not ready"; tail -n 20 "$work/apiserver.log" "$work/$node.log"; finish; }
for _ in $(seq 60); do kc get namespace kube-system >/dev/null 2>&1 && break; sleep 0.5; done

R init phase upload-config kubeadm --config /k.yaml --kubeconfig /etc/kubernetes/super-admin.conf \
	>"$work/upload.log" 2>&1 && ok "reference: init phase upload-config kubeadm" ||
	{ bad "reference: upload-config"; cat "$work/upload.log"; finish; }
# what a kubelet would have registered: this node, and its kube-apiserver mirror Pod carrying
# the advertise-address annotation (GetAPIEndpoint); no controller-manager makes the default
# ServiceAccount the Pod needs
kc -n kube-system create serviceaccount default >/dev/null 2>&1
kc apply -f - >"$work/objects.log" 2>&1 <<EOC || { bad "node objects"; cat "$work/objects.log"; finish; }
apiVersion: v1
kind: Node
metadata:
  name: $node
---
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver-$node
  namespace: kube-system
  labels: {component: kube-apiserver, tier: control-plane}
  annotations:
    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: $addr:6443
spec:
  nodeName: $node
  automountServiceAccountToken: false
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.37.2
EOC
ok "node $node and its kube-apiserver mirror Pod"

case_ "no change" "${kcf[@]}"
if grep -q '^--- ' "$LAST_REF/out"; then
	bad "no change: the reference printed a diff (the setup is not what it should be)"
else
	ok "no change: the reference prints no diff"
fi
case_ "no change, -c 3" "${kcf[@]}" -c 3

# changed flags and lines in two manifests; etcd's is never diffed
sed -i -e 's/--allow-privileged=true/--allow-privileged=false/' -e '/--v=2/d' "$m/kube-apiserver.yaml"
sed -i -e 's/    - --leader-elect=true/    - --leader-elect=false\n    - --v=4/' "$m/kube-scheduler.yaml"
sed -i -e 's/--listen-metrics-urls=/--listen-metrics-urls=http:\/\/127.0.0.2:2381,/' "$m/etcd.yaml"
case_ "changed flags (default context: diff.contextLines = 0)" "${kcf[@]}"
if grep -q '^@@ ' "$LAST_REF/out" && ! grep -q '^ ' "$LAST_REF/out"; then
	ok "the reference's default prints hunks without context lines"
else
	bad "the reference's default: no hunks, or context lines"
fi
case_ "changed flags, -c 3" "${kcf[@]}" -c 3
grep -q '^ ' "$LAST_REF/out" && ok "-c 3: the reference prints context lines" ||
	bad "-c 3: the reference printed no context lines"
case_ "changed flags, --context-lines=1" "${kcf[@]}" --context-lines=1
case_ "changed flags, -c 100" "${kcf[@]}" -c 100
case_ "changed flags, -c -1 (difflib: 3)" "${kcf[@]}" -c -1

# versions: argument, config, both; without "v" the image tag has none either
case_ "version argument v1.37.1" "${kcf[@]}" v1.37.1
case_ "version argument 1.36.3 (no v)" "${kcf[@]}" 1.36.3
case_ "version argument not a version" "${kcf[@]}" stable-1
case_ "version argument v1.37 (not semantic)" "${kcf[@]}" v1.37
case_ "two arguments (ignored)" "${kcf[@]}" v1.37.1 v1.36.0
case_ "--config diff.kubernetesVersion and contextLines" "${kcf[@]}" --config /diff.yaml
case_ "--config with an argument (the argument wins)" "${kcf[@]}" --config /diff.yaml v1.37.1

: >"$m/kube-scheduler.yaml"
case_ "empty kube-scheduler manifest" "${kcf[@]}"
restore

# last: a cluster without kubeadm's ConfigMap
kc -n kube-system delete configmap kubeadm-config >/dev/null
case_ "cluster without the kubeadm-config ConfigMap" "${kcf[@]}" --config /fast.yaml
finish
