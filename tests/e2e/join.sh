#!/usr/bin/env bash
# End-to-end join: node cp1 is initialised with one kubeadm (controlPlaneEndpoint cp1:6443,
# --upload-certs), then node w1 joins as a worker with another, using the join command cp1
# prints, node w2 with file discovery (cluster-info's kubeconfig and --tls-bootstrap-token);
# then (E2E_JOIN_CP=1, the default) node cp2 joins as a control plane with --certificate-key:
# etcd has two voting, healthy members; a pod on every node resolves through CoreDNS. Then
# `kubeadm reset -f` (the joining kubeadm) on cp2: one etcd member left, the cluster healthy;
# the test deletes the Node cp2 as a user would; cp2 joins again as a control plane and etcd
# has two voting members again. Mixed mode (reference init, ckubeadm join) and same-binary
# mode run the same bed.
# Usage: tests/e2e/join.sh KUBEADM-FOR-INIT KUBEADM-FOR-JOIN
# Prints one line per check and "N passed, N failed"; exits non-zero on any failure; always
# tears the bed down. Logs: $CKUBEADM_E2E_LOGS (default /var/tmp/ckubeadm-e2e-logs/<date>-join),
# with objects.txt (the cluster's API objects at the end, tests/e2e/objects.py) and timing.txt
# (w1's and cp2's join: command time, join start to node Ready, the join's peak RSS; for
# bench/join.sh), and the console output (stdout and stderr as written) of each kubeadm run:
# init.log, w1-wrong-pin.out, w1-join.out, w2-join.out, cp2-join.out, cp2-reset.out,
# cp2-again-join.out (tests/e2e/console.py compares them with the reference's).
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=cluster.sh
. "$E2E_DIR/cluster.sh"

join_cp=${E2E_JOIN_CP:-1}
scenario_start join "$@"

trap 'rc=$?; trap - EXIT; finish "$rc"; exit $?' EXIT
trap 'exit 130' INT TERM

if e2e_peers "$logs/build.log"; then ok "reference peers and images built ($E2E_PEERS)"; else bad "peers/images build"; exit 1; fi

created=1
check "node cp1 created" "$E2E_DIR/node.sh" create cp1 1 || exit 1
dir=$(e2e_node_dir cp1)
certkey= initflags=()
if [ "$join_cp" = 1 ]; then
	certkey=$(inode "$init_kubeadm" certs certificate-key) || e2e_die "kubeadm certs certificate-key failed"
	initflags+=(--upload-certs)
fi
e2e_kubeadm_config cp1 "$dir/kubeadm.yaml" "$certkey"
# SystemVerification: cgroup v1 on this machine (see run.sh)
ignore=SystemVerification
if (inode "$init_kubeadm" init --config "$dir/kubeadm.yaml" "${initflags[@]}" \
	--ignore-preflight-errors="$ignore") >"$logs/init.log" 2>&1; then
	ok "cp1 initialised with $init_kubeadm"
else
	bad "kubeadm init on cp1 (see $logs/init.log)"
	exit 1
fi

check "node cp1 Ready" node_ready cp1


files_of_worker() {
	"$E2E_DIR/node.sh" exec "$1" sh -c 'ls -l /etc/kubernetes /var/lib/kubelet;
		test -f /etc/kubernetes/kubelet.conf && test -f /etc/kubernetes/pki/ca.crt &&
		test ! -e /etc/kubernetes/bootstrap-kubelet.conf && test -f /var/lib/kubelet/config.yaml &&
		test -f /var/lib/kubelet/kubeadm-flags.env && test -f /var/lib/kubelet/instance-config.yaml'
}

# wrong_pin NODE: the printed join command with another CA pin is refused before anything is
# written (discovery fails in preflight)
wrong_pin() {
	local n=$1 cmd out
	cmd=$(inode "$init_kubeadm" token create --print-join-command) || return 1
	cmd=$(echo "$cmd" | sed -E 's/sha256:[0-9a-f]{64}/sha256:0000000000000000000000000000000000000000000000000000000000000000/')
	echo "$cmd"
	# shellcheck disable=SC2086
	set -- ${cmd#kubeadm }
	if out=$("$E2E_DIR/node.sh" exec "$n" "$join_kubeadm" "$@" --cri-socket unix:///run/containerd/containerd.sock \
		--ignore-preflight-errors="$ignore" 2>&1); then
		echo "$out"; return 1
	fi
	echo "$out"
	printf '%s\n' "$out" >"$logs/$n-wrong-pin.out"   # its console output, for console.py
	echo "$out" | grep -q 'error execution phase preflight: couldn.t validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "sha256:[0-9a-f]*" are pinned' &&
		[ -z "$("$E2E_DIR/node.sh" exec "$n" sh -c 'ls /etc/kubernetes/*.conf /var/lib/kubelet/config.yaml 2>/dev/null')" ]
}
check "node w1 created" "$E2E_DIR/node.sh" create w1 3 &&
	check "w1: a join with a wrong CA pin is refused, nothing written" wrong_pin w1 &&
	check "worker w1 joined with $join_kubeadm (printed join command)" join_node w1 &&
	check "w1 has kubelet.conf, ca.crt, the kubelet's files; bootstrap-kubelet.conf removed" files_of_worker w1
check "node w1 Ready" ready_timed w1

# file discovery: w2 joins with cluster-info's kubeconfig as --discovery-file (a file the
# test writes under the node's state directory, which the node sees at the same path)
join_by_file() {
	local n=$1 tok file rc
	file=$(e2e_node_dir "$n")/discovery.conf
	kc -n kube-public get configmap cluster-info -o 'jsonpath={.data.kubeconfig}' >"$file" || return 1
	tok=$(inode "$init_kubeadm" token create) || return 1
	cat "$file"
	# its console output (stdout and stderr in the order written) kept for console.py
	"$E2E_DIR/node.sh" exec "$n" "$join_kubeadm" join --discovery-file "$file" --tls-bootstrap-token "$tok" \
		--cri-socket unix:///run/containerd/containerd.sock --ignore-preflight-errors="$ignore" \
		>"$logs/$n-join.out" 2>&1
	rc=$?
	cat "$logs/$n-join.out"
	return "$rc"
}
check "node w2 created" "$E2E_DIR/node.sh" create w2 4 &&
	check "worker w2 joined with $join_kubeadm (--discovery-file, --tls-bootstrap-token)" join_by_file w2 &&
	check "node w2 Ready" node_ready w2

if [ "$join_cp" = 1 ]; then
	check "node cp2 created" "$E2E_DIR/node.sh" create cp2 2 &&
		check "control plane cp2 joined with $join_kubeadm (--control-plane --certificate-key)" \
			join_node cp2 --control-plane --certificate-key "$certkey" \
			--apiserver-advertise-address "$(cat "$(e2e_node_dir cp2)/ip")" &&
		check "node cp2 Ready" ready_timed cp2 &&
		for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
			check "static pod $c-cp2 Ready" pod_ready kube-system "$c-cp2"
		done
	check "cp2 labelled and tainted as a control plane" cp_marked cp2
	check "etcd: exactly two members (cp1, cp2), started, voting, healthy" e2e_etcd_members cp1 cp1 cp2
fi

# CoreDNS serves pods on every node: a pod pinned to each node resolves kubernetes.default
for n in cp1 w1 w2 cp2; do
	e2e_node_pid "$n" >/dev/null || continue
	check "pod on $n resolves kubernetes.default.svc.cluster.local through CoreDNS" \
		e2e_dns_probe "dnsprobe-$n" "$n" "$logs"
done

# node_left_by_reset: kubeadm reset does not delete the Node object (reset.go has no such
# step; its phases are preflight, remove-etcd-member, cleanup-node); a user deletes it with
# kubectl. The pods bound to cp2 (its mirror pods, kube-proxy) would be deleted by the pod
# garbage collector 40 s later (its quarantine of a deleted node); the test deletes them
# now, as `kubectl delete pods --force` would, so the pods checked after the new join are new.
node_left_by_reset() {
	kc get node cp2 || return 1
	kc delete node cp2 || return 1
	kc -n kube-system delete pods --field-selector spec.nodeName=cp2 --force --grace-period=0 || return 1
	! kc get node cp2 2>/dev/null
}
if [ "$join_cp" = 1 ] && e2e_node_pid cp2 >/dev/null; then
	check "cp2 reset with $join_kubeadm (reset -f): kubelet stopped, no container, no file left" reset_cp cp2
	check "after cp2's reset: etcd has one member (cp1), started, voting, healthy" e2e_etcd_members cp1 cp1
	check "after cp2's reset: the API answers, etcd healthy, cp1, w1, w2 Ready" healthy cp1 w1 w2
	check "kubeadm reset left the Node cp2; kubectl delete node cp2 removes it" node_left_by_reset
	# the same certificate key: kubeadm-certs lives 2 hours (its owner token's TTL)
	JOIN_TAG=cp2-again check "cp2 joined again as a control plane with $join_kubeadm (the same certificate key)" \
		join_node cp2 --control-plane --certificate-key "$certkey" \
		--apiserver-advertise-address "$(cat "$(e2e_node_dir cp2)/ip")" &&
		JOIN_TAG=cp2-again check "node cp2 Ready again" ready_timed cp2 &&
		for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
			check "static pod $c-cp2 Ready again" pod_ready kube-system "$c-cp2"
		done
	check "cp2 labelled and tainted as a control plane again" cp_marked cp2
	check "etcd: two members again (cp1, cp2), started, voting, healthy" e2e_etcd_members cp1 cp1 cp2
	check "after cp2's new join: the API answers, etcd healthy, every node Ready" healthy cp1 w1 w2 cp2
fi

# the cluster's API objects (objects.txt), the nodes
scenario_end
