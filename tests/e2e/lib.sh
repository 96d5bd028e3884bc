# Shared by the end-to-end bed's scripts (tests/e2e/*.sh); sourced, not run.
#
# A bed node is a set of namespaces that the bed creates: PID (its PID 1 is the bed's pause
# program, so killing it ends every process of the node, containers included), mount (private
# overlays over /etc, /usr, /var/lib, /var/log and /opt, a tmpfs on /run, and bind mounts of
# per-node directories on /etc/kubernetes, /var/lib/kubelet, /var/lib/etcd, /etc/cni/net.d,
# /var/lib/containerd, /run/containerd, /var/log/pods and /opt/cni/bin), UTS (its hostname is
# the node name), IPC and network. Its only interface is eth0, a veth whose peer sits on the
# bridge of the hub, a network namespace of the bed that has no other interface: the node's
# default route points at the hub's bridge address, which forwards nothing anywhere.
#
# Network safety: every address below lives only inside these namespaces; nothing is routed
# to the host's interfaces and no NAT is added toward them.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_REPO=$(cd "$E2E_DIR/../.." && pwd)
E2E_STATE=${CKUBEADM_E2E_STATE:-/var/tmp/ckubeadm-e2e}
E2E_HUB=ckubeadm-e2e-hub          # ip netns holding the test network's bridge
E2E_NET=10.213.0                  # node i has $E2E_NET.$((10 + i))/24
E2E_GW=$E2E_NET.1                 # the hub bridge: the nodes' default route, goes nowhere
E2E_DNS=$E2E_NET.253              # the nodes' resolv.conf upstream: nobody answers there
E2E_LB_NS=ckubeadm-e2e-lb          # ip netns of the HA bed's load balancer (node.sh lb-create)
E2E_LB_IP=$E2E_NET.2              # its address: the controlPlaneEndpoint of tests/e2e/ha.sh
E2E_POD_CIDR=10.244.0.0/16        # node i's pods: 10.244.$((i - 1)).0/24 (bridge CNI)
E2E_MAX_NODES=32                  # node indexes 1..32 (ha.sh: 3 control planes, up to 29 workers)
E2E_SVC_CIDR=10.96.0.0/12
# The cluster's version: v1.37.2, the peers' own; another v1.37 patch version (upgrade scenario
# D: E2E_K8S_VERSION=v1.37.1) takes peers and images relinked as that version
# (tests/peers/build.sh, CKUBEADM_PEER_RELINK_AS).
E2E_K8S_VERSION=${E2E_K8S_VERSION:-v1.37.2}
E2E_PAUSE_IMAGE=registry.k8s.io/pause:3.10.2
E2E_PROBE_IMAGE=ckubeadm.test/dnsprobe:e2e

e2e_log() { printf '[e2e] %s\n' "$*" >&2; }
e2e_die() { printf '[e2e] error: %s\n' "$*" >&2; exit 1; }

# e2e_peers [LOG]: builds (or reuses) the reference peers and the bed's images; sets E2E_PEERS
# (the version-keyed cache of binaries) and E2E_IMAGES (the directory of image tarballs). The
# builds' messages go to LOG (default: stderr).
e2e_peers() {
	local log=${1:-/dev/stderr}
	local relink=
	[ "$E2E_K8S_VERSION" = v1.37.2 ] || relink=$E2E_K8S_VERSION
	E2E_PEERS=$(CKUBEADM_PEER_RELINK_AS=$relink "$E2E_REPO/tests/peers/build.sh" kubeadm kubectl \
		kubelet kube-apiserver kube-controller-manager kube-scheduler kube-proxy etcd coredns crictl 2>>"$log") ||
		{ e2e_log "building the reference peers failed"; return 1; }
	E2E_IMAGES=$("$E2E_DIR/images.sh" "$E2E_PEERS" 2>>"$log") ||
		{ e2e_log "building the images failed"; return 1; }
}

e2e_node_dir() { printf '%s/nodes/%s' "$E2E_STATE" "$1"; }

# e2e_node_pid NAME: prints the host PID of the node's PID 1, fails when the node is not up.
e2e_node_pid() {
	local dir pid
	dir=$(e2e_node_dir "$1")
	[ -f "$dir/pid" ] || return 1
	pid=$(cat "$dir/pid")
	[ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
	# the PID must still be the node's: the bed's pause, in a mount namespace that is not ours
	[ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] || return 1
	[ "$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -1)" = "$(cat "$dir/pause-path" 2>/dev/null)" ] ||
		return 1
	printf '%s\n' "$pid"
}

# e2e_node_procs PID: every process of the node whose PID 1 is PID, containers included
# (tests/e2e/procs.py list)
e2e_node_procs() { python3 "$E2E_DIR/procs.py" list "$1"; }

# e2e_node_exec NAME CMD...: runs CMD inside every namespace of the node, with the node's PATH.
e2e_node_exec() {
	local name=$1 pid dir
	shift
	pid=$(e2e_node_pid "$name") || e2e_die "node $name is not running"
	dir=$(e2e_node_dir "$name")
	nsenter -t "$pid" -m -u -i -n -p --wd=/ \
		env -i PATH="$dir/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		HOME=/root KUBECONFIG=/etc/kubernetes/admin.conf "$@"
}

# e2e_node_cgroup NAME: the node's cgroup root (the same path in every v1 hierarchy), below the
# bed's own memory cgroup so that the node's memory counts where the bed's does.
e2e_node_cgroup() {
	local base
	base=$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
	[ "$base" = / ] && base=
	printf '%s/ckubeadm-e2e-%s' "$base" "$1"
}

e2e_cgroup_hierarchies() {
	local d
	for d in /sys/fs/cgroup/*; do
		[ -f "$d/cgroup.procs" ] || continue
		[ "$(stat -f -c %T "$d")" = cgroupfs ] || continue   # v1 only; not "unified" (v2)
		[ -L "$d" ] && continue
		printf '%s\n' "$d"
	done
}

# e2e_kubeadm_config NAME FILE: the bed's kubeadm configuration for `init` on node NAME. The
# KubeletConfiguration (cluster-wide) carries what this kind of machine needs: the cgroupfs
# driver (no systemd as PID 1) and failCgroupV1: false (cgroup v1 hierarchies); the node's own
# cgroup root comes from /etc/default/kubelet (node-init.sh). kube-proxy leaves the
# kernel-wide conntrack table size alone (maxPerCore: 0).
# A third argument, a certificate key (control planes will join), adds it as certificateKey
# and controlPlaneEndpoint: the fourth argument (an address, tests/e2e/ha.sh gives its load
# balancer's) or the first node's address.
# E2E_CLUSTER_EXTRA: more ClusterConfiguration lines (e.g. "certificateValidityPeriod: 6m0s");
# E2E_KUBELET_EXTRA: more KubeletConfiguration lines.
e2e_kubeadm_config() {
	local name=$1 file=$2 certkey=${3:-} dir endpoint= keyline=
	dir=$(e2e_node_dir "$name")
	if [ -n "$certkey" ]; then
		endpoint="controlPlaneEndpoint: ${4:-$(cat "$dir/ip")}:6443"$'\n'
		keyline="certificateKey: $certkey"$'\n'
	fi
	cat >"$file" <<CFG
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
${keyline}localAPIEndpoint:
  advertiseAddress: $(cat "$dir/ip")
  bindPort: 6443
nodeRegistration:
  name: $name
  criSocket: unix:///run/containerd/containerd.sock
  imagePullPolicy: Never
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: $E2E_K8S_VERSION
clusterName: ckubeadm-e2e
${endpoint}networking:
  dnsDomain: cluster.local
  podSubnet: $E2E_POD_CIDR
  serviceSubnet: $E2E_SVC_CIDR
${E2E_CLUSTER_EXTRA:+$E2E_CLUSTER_EXTRA
}---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
failCgroupV1: false
${E2E_KUBELET_EXTRA:+$E2E_KUBELET_EXTRA
}---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
conntrack:
  maxPerCore: 0
CFG
}

# e2e_probe_manifest POD NODE: the DNS probe pod, pinned to NODE (tolerates the control-plane
# taint); it resolves the API server's service name and CoreDNS's own, then exits.
e2e_probe_manifest() {
	cat <<PROBE
apiVersion: v1
kind: Pod
metadata:
  name: $1
  namespace: default
spec:
  nodeName: $2
  restartPolicy: Never
  tolerations:
  - key: node-role.kubernetes.io/control-plane
    operator: Exists
    effect: NoSchedule
  containers:
  - name: probe
    image: $E2E_PROBE_IMAGE
    imagePullPolicy: Never
    args: ["kubernetes.default.svc.cluster.local", "kube-dns.kube-system.svc.cluster.local"]
PROBE
}

# e2e_dns_probe POD NODE LOGDIR: runs the probe on NODE through the caller's `kc` (kubectl in
# the first control plane); succeeds when the pod ends Succeeded having resolved
# kubernetes.default.svc.cluster.local to the kubernetes service's cluster IP. Output in
# LOGDIR/POD.log.
e2e_dns_probe() {
	local pod=$1 phase i svc
	e2e_probe_manifest "$pod" "$2" | kc apply -f - || return 1
	for i in $(seq 90); do
		phase=$(kc get pod "$pod" -o 'jsonpath={.status.phase}')
		case $phase in Succeeded|Failed) break ;; esac
		sleep 1
	done
	kc logs "$pod" | tee "$3/$pod.log"
	svc=$(kc get svc kubernetes -o 'jsonpath={.spec.clusterIP}')
	echo "phase=$phase kubernetes.default clusterIP=$svc"
	[ "$phase" = Succeeded ] && grep -qx "kubernetes.default.svc.cluster.local $svc" "$3/$pod.log"
}

# e2e_etcd NODE PATH [URL]: a request to etcd's JSON gateway from inside NODE with the API
# server's etcd client certificate (POST '{}' for /v3/... calls, GET for /health); URL
# defaults to the node's local member https://127.0.0.1:2379.
e2e_etcd() {
	local n=$1 path=$2 url=${3:-https://127.0.0.1:2379} data=()
	case $path in /v3/*) data=(-X POST -d '{}') ;; esac
	"$E2E_DIR/node.sh" exec "$n" curl -sS --fail --max-time 10 --cacert /etc/kubernetes/pki/etcd/ca.crt \
		--cert /etc/kubernetes/pki/apiserver-etcd-client.crt \
		--key /etc/kubernetes/pki/apiserver-etcd-client.key "${data[@]}" "$url$path"
}

# e2e_etcd_members NODE NAME...: etcd, as NODE's member reports it, has exactly the members
# NAME... (any order), each started (a name and client URLs; an added member that has not
# started yet has neither), voting (not a learner) and healthy (its own /health, asked at its
# client URL).
e2e_etcd_members() {
	local n=$1 list names want url h
	shift
	list=$(e2e_etcd "$n" /v3/cluster/member/list) || return 1
	echo "$list" | jq -c '.members[]' || return 1
	names=$(echo "$list" | jq -r '.members[] | .name // ""' | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	echo "members: $names (want: $want)"
	[ "$names" = "$want" ] || return 1
	echo "$list" | jq -e '[.members[] | select(((.clientURLs // []) | length) == 0 or .isLearner == true)]
		| length == 0' >/dev/null || { echo "a member is a learner or not started"; return 1; }
	for url in $(echo "$list" | jq -r '.members[].clientURLs[0]'); do
		h=$(e2e_etcd "$n" /health "$url") || return 1
		echo "$url/health: $h"
		echo "$h" | jq -e '.health == "true"' >/dev/null || return 1
	done
}

# The kinds whose objects kubeadm creates, or that result from what it creates (controllers'
# ServiceAccounts, ReplicaSets and pods, the kubelets' Nodes and CSRs).
E2E_OBJECT_KINDS=namespaces,configmaps,secrets,serviceaccounts,roles,rolebindings,clusterroles,clusterrolebindings,deployments,replicasets,daemonsets,services,nodes,pods,certificatesigningrequests

# e2e_dump_objects NODE FILE.txt: the cluster's objects of those kinds, as kubectl in NODE sees
# them, normalised by objects.py (run-dependent fields removed) into FILE.txt, one sorted line
# per field; the list as kubectl printed it in FILE.json.
# Compare two dumps: python3 tests/e2e/objects.py compare REFERENCE-DUMP OTHER-DUMP.
e2e_dump_objects() {
	local json i
	# the node controller removes the not-ready taint of a node some seconds after it is Ready:
	# wait for that (up to 60 s), so that the dump does not catch a node in between
	for i in $(seq 60); do
		"$E2E_DIR/node.sh" exec "$1" kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes \
			-o 'jsonpath={.items[*].spec.taints[*].key}' | grep -q 'node.kubernetes.io/' || break
		sleep 1
	done
	echo "waited $((i - 1)) s for the nodes' node.kubernetes.io/ taints to go"
	json=$("$E2E_DIR/node.sh" exec "$1" kubectl --kubeconfig /etc/kubernetes/admin.conf \
		get "$E2E_OBJECT_KINDS" -A -o json) || return 1
	printf '%s\n' "$json" >"${2%.txt}.json"   # as listed, to look at what the dump normalised
	printf '%s\n' "$json" | python3 "$E2E_DIR/objects.py" dump >"$2.tmp" && mv "$2.tmp" "$2" &&
		echo "$(wc -l <"$2") lines in $2"
}
