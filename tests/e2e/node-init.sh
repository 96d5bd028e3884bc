#!/usr/bin/env bash
# Runs as PID 1 of a new bed node (started by node.sh through `unshare --pid --fork --mount
# --uts --ipc --net --propagation private --mount-proc`): lays out the node's private
# filesystem view, writes its identity files, then becomes the node's pause process.
# Usage: node-init.sh NAME NODE-DIR PAUSE-BINARY IP CGROUP-ROOT
set -euo pipefail
name=$1 dir=$2 pause=$3 ip=$4 cgroot=$5

hostname "$name"

# Private copies of the trees that kubeadm, the kubelet, containerd and CNI write into; the
# host's own files stay untouched (every write lands in the node's upper directory).
overlay() {
	local target=$1 key=$2
	mkdir -p "$dir/ov/$key/upper" "$dir/ov/$key/work"
	mount -t overlay "e2e-$name" \
		-o "lowerdir=$target,upperdir=$dir/ov/$key/upper,workdir=$dir/ov/$key/work" "$target"
}
overlay /etc etc
overlay /usr usr
overlay /var/lib varlib
overlay /var/log varlog
overlay /opt opt
mount -t tmpfs -o mode=0755 "e2e-$name-run" /run

# The node's state: bind mounts of per-node directories (on the real filesystem, so that
# containerd's overlayfs snapshotter can use them).
bind() {
	local src=$dir/$1 target=$2
	mkdir -p "$src" "$target"
	mount --bind "$src" "$target"
}
bind etc-kubernetes /etc/kubernetes
bind cni-net.d /etc/cni/net.d
bind kubelet /var/lib/kubelet
bind etcd /var/lib/etcd
bind containerd /var/lib/containerd
bind run-containerd /run/containerd
bind pods-log /var/log/pods
bind cni-bin /opt/cni/bin
mkdir -p /etc/containerd /var/log/containers
cp "$dir/containerd.toml" /etc/containerd/config.toml

# The kubelet sets these kernel-wide sysctls at start (vm.overcommit_memory, kernel.panic...).
# They are not namespaced: the node's kubelet gets files of its own instead, so the host's
# values never change.
for f in vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops \
	kernel/keys/root_maxkeys kernel/keys/root_maxbytes; do
	key=$(printf '%s' "$f" | tr / .)
	cat "/proc/sys/$f" >"$dir/sysctl/$key"
	mount --bind "$dir/sysctl/$key" "/proc/sys/$f"
done

# Identity: hostname resolution for kubeadm and the kubelet, a resolver that stays inside the
# test network (nobody answers at that address), a machine id of its own.
printf '127.0.0.1\tlocalhost\n%s\t%s\n' "$ip" "$name" >/etc/hosts
printf '%s\n' "$name" >/etc/hostname
printf 'nameserver %s\n' "${E2E_DNS:?}" >/etc/resolv.conf
printf '%s' "$name" | sha256sum | cut -c1-32 >/etc/machine-id
# The node's own kubelet arguments, where a distribution puts them (kubeadm's drop-in reads
# /etc/default/kubelet): the node's cgroup root, so that the kubelets of several nodes never
# share (and garbage-collect) each other's pod cgroups. A flag, not the KubeletConfiguration,
# because that one is cluster-wide (kubeadm's kubelet-config ConfigMap).
mkdir -p /etc/default
printf 'KUBELET_EXTRA_ARGS="--cgroup-root=%s"\n' "$cgroot" >/etc/default/kubelet
printf 'runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock\n' \
	>/etc/crictl.yaml

touch "$dir/ready"
exec "$pause"
