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
E2E_POD_CIDR=10.244.0.0/16        # node i's pods: 10.244.$((i - 1)).0/24 (bridge CNI)
E2E_MAX_NODES=16                  # node indexes 1..16
E2E_SVC_CIDR=10.96.0.0/12
E2E_K8S_VERSION=v1.37.2
E2E_PAUSE_IMAGE=registry.k8s.io/pause:3.10.2
E2E_PROBE_IMAGE=ckubeadm.test/dnsprobe:e2e

e2e_log() { printf '[e2e] %s\n' "$*" >&2; }
e2e_die() { printf '[e2e] error: %s\n' "$*" >&2; exit 1; }

# e2e_peers [LOG]: builds (or reuses) the reference peers and the bed's images; sets E2E_PEERS
# (the version-keyed cache of binaries) and E2E_IMAGES (the directory of image tarballs). The
# builds' messages go to LOG (default: stderr).
e2e_peers() {
	local log=${1:-/dev/stderr}
	E2E_PEERS=$("$E2E_REPO/tests/peers/build.sh" kubeadm kubectl kubelet kube-apiserver \
		kube-controller-manager kube-scheduler kube-proxy etcd coredns crictl 2>>"$log") ||
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
# and controlPlaneEndpoint: the first node's address (no load balancer in the bed).
e2e_kubeadm_config() {
	local name=$1 file=$2 certkey=${3:-} dir endpoint= keyline=
	dir=$(e2e_node_dir "$name")
	if [ -n "$certkey" ]; then
		endpoint="controlPlaneEndpoint: $(cat "$dir/ip"):6443"$'\n'
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
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
failCgroupV1: false
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
conntrack:
  maxPerCore: 0
CFG
}
