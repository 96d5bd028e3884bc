#!/usr/bin/env bash
# End-to-end high availability (kubeadm's HA topology with stacked etcd): three control planes
# and N workers behind a load-balanced controlPlaneEndpoint, a control plane lost and replaced,
# a join storm.
#   1. The load balancer: HAProxy in a network namespace of its own at $E2E_LB_IP:6443 (node.sh
#      lb-create), over cp1, cp2, cp3 (GET /healthz checks). cp1 is initialised by INIT-KUBEADM
#      with controlPlaneEndpoint $E2E_LB_IP:6443 and --upload-certs; cp2, then cp3 join as
#      control planes (--certificate-key) with JOIN-KUBEADM; etcd has three voting, healthy
#      members; kubectl on cp1 (admin.conf: the endpoint) answers through the load balancer.
#   2. Join storm: nodes w1..wN join at the same moment, with one token and one printed join
#      command; every node Ready; every kubelet's bootstrap CSR approved and issued, one per
#      worker (no duplicate, none pending), each requested by that token's user
#      (system:bootstrap:<token id>: the token's use counted), the token still valid.
#   3. Node loss: E2E_HA_CONFIGMAPS ConfigMaps (default 40) written through the endpoint; cp3
#      stopped hard (node.sh kill: SIGKILL to its kubelet, containerd, shims and containers);
#      the cluster keeps serving: writes through the endpoint succeed, etcd keeps its quorum
#      (cp1 and cp2 healthy, a leader, 3 members listed, cp3 unreachable).
#   4. Replacement, the kubeadm way (docs: "Replacing a failed etcd member" / removing a control
#      plane): the dead member removed from etcd (MemberRemove through cp1's etcd), the Node
#      deleted, the machine back (containerd), `JOIN-KUBEADM reset -f` on it, its kubelet
#      service started, `join --control-plane` again: etcd has three voting, healthy members,
#      every node Ready, and the ConfigMaps written before the loss (and during it) are all
#      there: count and checksum unchanged.
#   5. The cluster's API objects dumped (objects.py) for comparison with the reference's.
# Usage: tests/e2e/ha.sh INIT-KUBEADM JOIN-KUBEADM   (E2E_HA_WORKERS=N, default 2, at most 29)
# Prints one line per check and "N passed, N failed"; exits non-zero on any failure; always
# tears the bed down. Logs: $CKUBEADM_E2E_LOGS (default /var/tmp/ckubeadm-e2e-logs/<date>-ha),
# with objects.txt, timing.txt (init-to-all-ready-ms: cp1's init start to every node Ready;
# storm-to-all-ready-ms; each join's figures as join.sh writes them), memory.txt (each node's
# and the bed's peak PSS, tests/e2e/procs.py) and each kubeadm run's console output.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=cluster.sh
. "$E2E_DIR/cluster.sh"

workers=${E2E_HA_WORKERS:-2}
ncm=${E2E_HA_CONFIGMAPS:-40}
[[ $workers =~ ^[0-9]+$ ]] && [ "$workers" -ge 1 ] && [ "$workers" -le $((E2E_MAX_NODES - 3)) ] ||
	e2e_die "E2E_HA_WORKERS must be 1..$((E2E_MAX_NODES - 3)), not '$workers'"
[[ $ncm =~ ^[0-9]+$ ]] && [ "$ncm" -ge 1 ] && [ "$ncm" -le 1000 ] ||
	e2e_die "E2E_HA_CONFIGMAPS must be 1..1000, not '$ncm'"
scenario_start ha "$@"
sampler=

ha_finish() {
	if [ -n "$sampler" ]; then
		kill -TERM "$sampler" 2>/dev/null
		wait "$sampler" 2>/dev/null
		cp "$logs/memory.txt" "$logs/memory-final.txt" 2>/dev/null
	fi
	cp "$E2E_STATE/lb/haproxy.log" "$logs/haproxy.log" 2>/dev/null
	finish "$1"
}
trap 'rc=$?; trap - EXIT; ha_finish "$rc"; exit $?' EXIT
trap 'exit 130' INT TERM
# SystemVerification: cgroup v1 on this machine (see run.sh)
ignore=SystemVerification
cps=(cp1 cp2 cp3)
ws=()
for ((i = 1; i <= workers; i++)); do ws+=("w$i"); done

if e2e_peers "$logs/build.log"; then ok "reference peers and images built ($E2E_PEERS)"; else bad "peers/images build"; exit 1; fi
export E2E_PEERS E2E_IMAGES   # node.sh create uses them as they are

created=1
# the memory of every node (and of the load balancer), sampled all along
python3 "$E2E_DIR/procs.py" sample "$E2E_STATE" "$logs/memory.txt" 2 2>>"$logs/checks.log" &
sampler=$!

check "load balancer up: HAProxy at $E2E_LB_IP:6443 over cp1, cp2, cp3" \
	"$E2E_DIR/node.sh" lb-create cp1:1 cp2:2 cp3:3 || exit 1
# every node made before the first init (their making is not kubeadm's time): cp1 first (it
# makes the bed's cgroup parents), then the others side by side
check "node cp1 created" "$E2E_DIR/node.sh" create cp1 1 || exit 1
declare -A mk
i=2
for n in cp2 cp3 "${ws[@]}"; do
	"$E2E_DIR/node.sh" create "$n" "$i" >"$logs/create-$n.log" 2>&1 &
	mk[$n]=$!
	i=$((i + 1))
done
for n in cp2 cp3 "${ws[@]}"; do
	if wait "${mk[$n]}"; then ok "node $n created"; else bad "node $n created (see $logs/create-$n.log)"; fi
done
[ "$failed" = 0 ] || exit 1
dir=$(e2e_node_dir cp1)
certkey=$(inode "$init_kubeadm" certs certificate-key) || e2e_die "kubeadm certs certificate-key failed"
e2e_kubeadm_config cp1 "$dir/kubeadm.yaml" "$certkey" "$E2E_LB_IP"
t_init=$(date +%s%N)
# peak-rss.sh: the init's own peak RSS (for bench/ha.sh)
if (inode "$E2E_DIR/peak-rss.sh" "$dir/init.rss" "$init_kubeadm" init --config "$dir/kubeadm.yaml" \
	--upload-certs --ignore-preflight-errors="$ignore") >"$logs/init.log" 2>&1; then
	ok "cp1 initialised with $init_kubeadm (controlPlaneEndpoint $E2E_LB_IP:6443, --upload-certs)"
else
	bad "kubeadm init on cp1 (see $logs/init.log)"
	exit 1
fi
printf 'init-ms %d\ninit-peak-rss-kib %s\n' "$((($(date +%s%N) - t_init) / 1000000))" \
	"$(tail -n 1 "$dir/init.rss")" >>"$logs/timing.txt"
check "node cp1 Ready" node_ready cp1

# through_lb: admin.conf names the endpoint, and the API server answers there (the load
# balancer's own view: its backends' states in its log)
through_lb() {
	local server
	server=$(kc config view -o 'jsonpath={.clusters[0].cluster.server}')
	echo "admin.conf server: $server"
	[ "$server" = "https://$E2E_LB_IP:6443" ] || return 1
	kc get --raw /readyz && echo
}
check "kubectl on cp1 reaches the API server through the load balancer" through_lb

# join_cp NODE [TAG]: a control plane joins (--control-plane --certificate-key), Ready, its
# static pods Ready, labelled and tainted; TAG (default NODE) names its figures in timing.txt
join_cp() {
	local n=$1 c
	local -x JOIN_TAG=${2:-$1}
	check "control plane $n joined with $join_kubeadm (--control-plane --certificate-key)" \
		join_node "$n" --control-plane --certificate-key "$certkey" \
		--apiserver-advertise-address "$(cat "$(e2e_node_dir "$n")/ip")" || return 1
	check "node $n Ready" ready_timed "$n" || return 1
	for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
		check "static pod $c-$n Ready" pod_ready kube-system "$c-$n"
	done
	check "$n labelled and tainted as a control plane" cp_marked "$n"
}
join_cp cp2
join_cp cp3
check "etcd: three members (cp1, cp2, cp3), started, voting, healthy" e2e_etcd_members cp1 cp1 cp2 cp3

# The join storm: every worker joins at once with one printed join command (one token)
storm_cmd=$(inode "$init_kubeadm" token create --print-join-command) || e2e_die "token create failed"
storm_token=$(echo "$storm_cmd" | sed -E 's/.* --token ([a-z0-9]{6}\.[a-z0-9]{16}).*/\1/')
[[ $storm_token =~ ^[a-z0-9]{6}\.[a-z0-9]{16}$ ]] || e2e_die "no token in: $storm_cmd"
storm() {
	local n pids=() rc=0 i=0
	for n in "${ws[@]}"; do
		JOIN_CMD=$storm_cmd join_node "$n" >"$logs/storm-$n.log" 2>&1 &
		pids+=($!)
	done
	for n in "${ws[@]}"; do
		if wait "${pids[$i]}"; then echo "$n: join exit 0"; else echo "$n: join failed"; rc=1; fi
		i=$((i + 1))
	done
	return "$rc"
}
t_storm=$(date +%s%N)
check "join storm: ${#ws[@]} workers joined at the same moment with one token ($join_kubeadm)" storm
all_ready() {
	local n
	for n in "$@"; do node_ready "$n" >/dev/null || { echo "$n not Ready"; return 1; }; done
	kc get nodes -o wide
}
if check "every node Ready (${#cps[@]} control planes, ${#ws[@]} workers)" all_ready "${cps[@]}" "${ws[@]}"; then
	now=$(date +%s%N)
	printf 'storm-to-all-ready-ms %d\ninit-to-all-ready-ms %d\n' "$(((now - t_storm) / 1000000))" \
		"$(((now - t_init) / 1000000))" >>"$logs/timing.txt"
fi

# storm_csrs: one kubelet client CSR per worker (its subject's CN system:node:wI), approved and
# issued, each requested by the storm token's user; none pending anywhere
storm_csrs() {
	local json id user pending n count
	id=${storm_token%%.*} user=system:bootstrap:${storm_token%%.*}
	json=$(kc get csr -o json) || return 1
	echo "$json" | jq -r '.items[] | [.metadata.name, .spec.signerName, .spec.username,
		([.status.conditions[]?.type] | join(","))] | @tsv'
	pending=$(echo "$json" | jq '[.items[] | select(((.status.conditions // []) | length) == 0)] | length')
	echo "pending: $pending"
	[ "$pending" = 0 ] || return 1
	count=$(echo "$json" | jq --arg u "$user" '[.items[] | select(.spec.username == $u)] | length')
	echo "CSRs by $user (the storm token's uses): $count of ${#ws[@]}"
	[ "$count" = "${#ws[@]}" ] || return 1
	for n in "${ws[@]}"; do
		count=$(echo "$json" | jq -r --arg u "$user" '.items[] | select(.spec.username == $u) |
			select(.spec.signerName == "kubernetes.io/kube-apiserver-client-kubelet") |
			select([.status.conditions[]?.type] | index("Approved")) | select(.status.certificate != null) |
			.spec.request' | while read -r req; do
			echo "$req" | base64 -d | openssl req -noout -subject -nameopt RFC2253
		done | grep -c "CN=system:node:$n\(,\|$\)")
		echo "$n: $count approved and issued CSR(s)"
		[ "$count" = 1 ] || return 1
	done
	kc -n kube-system get secret "bootstrap-token-$id" -o 'jsonpath={.data.usage-bootstrap-authentication}' |
		base64 -d | grep -qx true || { echo "the token's secret is gone or not for authentication"; return 1; }
	echo "bootstrap-token-$id still there"
}
check "join storm: one approved, issued kubelet CSR per worker, none pending; the token used ${#ws[@]} times" storm_csrs

# ConfigMaps written through the endpoint; their count and checksum
cm_list() {
	local i
	printf 'apiVersion: v1\nkind: List\nitems:\n'
	for ((i = $1; i < $2; i++)); do
		printf -- '- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: %s-%04d\n    namespace: ha-data\n' "$3" "$i"
		printf '    labels:\n      ha-set: %s\n' "$3"
		printf '  data:\n    index: "%d"\n    digest: "%s"\n' "$i" "$(printf '%s-%d' "$3" "$i" | sha256sum | cut -c1-64)"
	done
}
# cm_sum SET: "count N checksum SHA256" of the set's ConfigMaps (name, index, digest, sorted)
cm_sum() {
	local t
	t=$(kc -n ha-data get configmaps -l "ha-set=$1" -o json |
		jq -r '.items[] | [.metadata.name, .data.index, .data.digest] | @tsv' | sort) || return 1
	printf 'count %d checksum %s\n' "$(printf '%s\n' "$t" | grep -c .)" \
		"$(printf '%s\n' "$t" | sha256sum | cut -c1-64)"
}
write_cms() {
	kc create namespace ha-data || return 1
	cm_list 0 "$ncm" before | kc apply -f - >/dev/null || return 1
	cm_sum before | tee "$logs/configmaps-before.txt"
	grep -q "^count $ncm " "$logs/configmaps-before.txt"
}
check "$ncm ConfigMaps written through the endpoint (namespace ha-data)" write_cms

# Node loss: cp3 stopped hard
check "cp3 stopped hard: SIGKILL to its kubelet, containerd and containers" "$E2E_DIR/node.sh" kill cp3
t_loss=$(date +%s%N)
# serving: writes through the endpoint, each one at once (the load balancer retries a refused
# connection on another server)
writes_during_loss() {
	local i
	for ((i = 0; i < 20; i++)); do
		cm_list "$i" $((i + 1)) during | kc apply -f - || { echo "write $i failed"; return 1; }
	done
	echo "20 writes done $((($(date +%s%N) - t_loss) / 1000000)) ms after the loss"
}
check "with cp3 down: 20 writes through the endpoint succeed" writes_during_loss
# quorum: cp1's and cp2's members healthy (a leader elected, 2 of 3), cp3's unreachable, the
# member list still three
quorum() {
	local list h n
	list=$(e2e_etcd cp1 /v3/cluster/member/list) || return 1
	echo "$list" | jq -r '.members[] | .name + " " + .clientURLs[0]'
	[ "$(echo "$list" | jq '.members | length')" = 3 ] || return 1
	for n in cp1 cp2; do
		h=$(e2e_etcd cp1 /health "https://$(cat "$(e2e_node_dir "$n")/ip"):2379") || return 1
		echo "$n: $h"
		echo "$h" | jq -e '.health == "true"' >/dev/null || return 1
	done
	if e2e_etcd cp1 /health "https://$(cat "$(e2e_node_dir cp3)/ip"):2379"; then
		echo "cp3's etcd answers"; return 1
	fi
	echo "cp3: unreachable"
	e2e_etcd cp1 /v3/maintenance/status | jq -c '{leader: .leader, raftTerm: .raftTerm}'
	kc get --raw /readyz/etcd && echo
}
check "with cp3 down: etcd keeps its quorum (cp1, cp2 healthy; cp3 unreachable; 3 members)" quorum

# Replacement: the dead member removed from etcd, as kubeadm's docs say (etcdctl member remove:
# here the same MemberRemove call through cp1's etcd gateway), the Node deleted
remove_member() {
	local id
	id=$(e2e_etcd cp1 /v3/cluster/member/list | jq -r '.members[] | select(.name == "cp3") | .ID')
	[ -n "$id" ] || { echo "no member cp3"; return 1; }
	echo "member cp3: $id"
	"$E2E_DIR/node.sh" exec cp1 curl -sS --fail --max-time 10 --cacert /etc/kubernetes/pki/etcd/ca.crt \
		--cert /etc/kubernetes/pki/apiserver-etcd-client.crt --key /etc/kubernetes/pki/apiserver-etcd-client.key \
		-X POST -d "{\"ID\": \"$id\"}" https://127.0.0.1:2379/v3/cluster/member/remove || return 1
	echo
	e2e_etcd_members cp1 cp1 cp2
}
check "the dead member cp3 removed from etcd: two members (cp1, cp2), voting, healthy" remove_member
delete_node() {
	kc delete node "$1" || return 1
	kc -n kube-system delete pods --field-selector "spec.nodeName=$1" --force --grace-period=0 || return 1
	! kc get node "$1" 2>/dev/null
}
check "the Node cp3 deleted" delete_node cp3
# the machine back: containerd (the kubelet service stays down until kubeadm has reset the node)
check "cp3 back: containerd started" "$E2E_DIR/node.sh" boot cp3 containerd
check "cp3 reset with $join_kubeadm (reset -f): kubelet stopped, no container, no file left" reset_cp cp3
check "cp3's kubelet service started" "$E2E_DIR/node.sh" boot cp3 kubelet
join_cp cp3 cp3-again
check "etcd: three members again (cp1, cp2, cp3), started, voting, healthy" e2e_etcd_members cp1 cp1 cp2 cp3
check "after the replacement: the API answers, etcd healthy, every node Ready" healthy "${cps[@]}" "${ws[@]}"
no_loss() {
	local after during
	after=$(cm_sum before) || return 1
	echo "before the loss: $(cat "$logs/configmaps-before.txt")"
	echo "after the replacement: $after"
	during=$(cm_sum during) || return 1
	echo "written during the loss: $during"
	[ "$after" = "$(cat "$logs/configmaps-before.txt")" ] && [ "${during%% checksum*}" = "count 20" ]
}
check "no object lost: the $ncm ConfigMaps' count and checksum unchanged, the 20 written during the loss there" no_loss

scenario_end
