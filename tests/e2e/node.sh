#!/usr/bin/env bash
# Bed nodes (see lib.sh for what a node is).
#   node.sh create NAME INDEX   namespaces, mounts, network, containerd with the images
#                               imported, and the kubelet supervisor (waits for kubeadm)
#   node.sh exec NAME CMD...    runs CMD inside the node
#   node.sh kill NAME           SIGKILL to every process of the node but its PID 1 (a power
#                               loss: kubelet, containerd, containers); files and address stay
#   node.sh boot NAME [WHAT]    containerd and the kubelet supervisor again, as a machine
#                               that boots (WHAT: containerd or kubelet alone)
#   node.sh lb-create NODE:INDEX...  HAProxy at $E2E_LB_IP:6443 in a namespace of its own,
#                               balancing over those nodes' API servers (tests/e2e/ha.sh)
#   node.sh destroy NAME        kills everything of the node, removes its network link,
#                               cgroups and state; safe to run twice, or on a half-made node
#   node.sh destroy-all         every node, the load balancer, then the hub
#   node.sh list                the nodes that are running
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

hub_up() {
	[ -e "/run/netns/$E2E_HUB" ] && return 0
	ip netns add "$E2E_HUB"
	ip -n "$E2E_HUB" link set lo up
	ip -n "$E2E_HUB" link add br0 type bridge
	ip -n "$E2E_HUB" addr add "$E2E_GW/24" dev br0
	ip -n "$E2E_HUB" link set br0 up
	# The hub forwards nothing (ip_forward stays 0 in a new namespace) and has no other link.
}

hub_down() {
	[ -e "/run/netns/$E2E_HUB" ] || return 0
	ip netns del "$E2E_HUB"
}

write_containerd_config() {
	cat >"$1" <<EOF
# containerd of a bed node (written by tests/e2e/node.sh)
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$E2E_PAUSE_IMAGE"
  disable_apparmor = true
  # This machine's bounding set has no CAP_SYS_RESOURCE: a negative oom_score_adj (-998 for
  # sandboxes, -997 for critical pods) makes runc fail ("can't get final child's PID from
  # pipe: EOF"); clamp every container's score to containerd's own (0) instead.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/opt/cni/bin"
    conf_dir = "/etc/cni/net.d"
EOF
}

write_cni_config() {
	cat >"$1" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "e2e-bridge",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$2" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

node_create() {
	local name=$1 idx=$2 dir ip podnet cg h pid upid i c
	[[ $name =~ ^[a-z][a-z0-9-]{0,10}$ ]] || e2e_die "bad node name $name"
	[[ $idx =~ ^[0-9]+$ ]] && [ "$idx" -ge 1 ] && [ "$idx" -le "$E2E_MAX_NODES" ] || e2e_die "bad node index $idx"
	! e2e_node_pid "$name" >/dev/null || e2e_die "node $name is already running"
	[ -n "${E2E_PEERS:-}" ] || e2e_peers || exit 1
	dir=$(e2e_node_dir "$name")
	[ ! -e "$dir" ] || node_destroy "$name"
	ip=$E2E_NET.$((10 + idx))
	podnet=10.244.$((idx - 1)).0/24
	e2e_log "node $name: $ip, pods $podnet, state $dir"

	mkdir -p "$dir"/{bin,log,sysctl,cni-bin,cni-net.d}
	for b in kubelet kubectl crictl; do ln -s "$E2E_PEERS/$b.real" "$dir/bin/$b"; done
	ln -s "$E2E_DIR/systemctl" "$dir/bin/systemctl"   # kubeadm drives kubelet-loop.sh with it
	for p in bridge host-local loopback portmap; do cp /usr/lib/cni/$p "$dir/cni-bin/"; done
	write_containerd_config "$dir/containerd.toml"
	write_cni_config "$dir/cni-net.d/10-e2e-bridge.conflist" "$podnet"
	printf '%s\n' "$ip" >"$dir/ip"
	printf '%s\n' "$idx" >"$dir/index"
	printf '%s\n' "$E2E_PEERS/e2e-tools/pause" >"$dir/pause-path"

	# The kubelet's cgroup root (kubelet --cgroup-root, from /etc/default/kubelet) in every v1 hierarchy.
	cg=$(e2e_node_cgroup "$name")
	printf '%s\n' "$cg" >"$dir/cgroup"
	for h in $(e2e_cgroup_hierarchies); do
		# ancestors that the bed creates (the bed's memory cgroup path in the other
		# hierarchies) are recorded, and removed by destroy-all
		local a=$h
		for c in $(dirname "$cg" | tr / ' '); do
			a=$a/$c
			[ -d "$a" ] || { mkdir "$a" && printf '%s\n' "$a" >>"$E2E_STATE/cgroup-parents"; }
		done
		mkdir -p "$h$cg"
		if [ -f "$h/cpuset.cpus" ]; then
			local p=$h c
			for c in ${cg//\// }; do
				p=$p/$c
				[ -s "$p/cpuset.cpus" ] || cat "$(dirname "$p")/cpuset.cpus" >"$p/cpuset.cpus"
				[ -s "$p/cpuset.mems" ] || cat "$(dirname "$p")/cpuset.mems" >"$p/cpuset.mems"
			done
		fi
	done

	hub_up
	E2E_DNS=$E2E_DNS setsid unshare --pid --fork --kill-child --mount --uts --ipc --net --propagation private \
		--mount-proc -- "$E2E_DIR/node-init.sh" "$name" "$dir" "$E2E_PEERS/e2e-tools/pause" "$ip" "$cg" \
		</dev/null >"$dir/log/init.log" 2>&1 &
	upid=$!
	printf '%s\n' "$upid" >"$dir/upid"
	for i in $(seq 100); do
		[ -f "$dir/ready" ] && break
		kill -0 "$upid" 2>/dev/null || { cat "$dir/log/init.log" >&2; e2e_die "node $name: init failed"; }
		sleep 0.1
	done
	[ -f "$dir/ready" ] || e2e_die "node $name: init did not finish"
	pid=$(cat "/proc/$upid/task/$upid/children")
	pid=${pid%% *}
	[ -n "$pid" ] || e2e_die "node $name: no PID 1"
	printf '%s\n' "$pid" >"$dir/pid"

	# Network: eth0 in the node, its peer on the hub's bridge; nothing else. The pods of node j
	# are reached through node j's address, on the same bridge.
	ip -n "$E2E_HUB" link add "e2e-$name" type veth peer name eth0 netns "$pid"
	ip -n "$E2E_HUB" link set "e2e-$name" master br0 up
	nsenter -t "$pid" -n sh -ec "
		ip link set lo up
		ip addr add $ip/24 dev eth0
		ip link set eth0 up
		ip route add default via $E2E_GW dev eth0
		for j in \$(seq $E2E_MAX_NODES); do
			[ \$j = $idx ] || ip route add 10.244.\$((j - 1)).0/24 via $E2E_NET.\$((10 + j)) dev eth0
		done
		echo 1 >/proc/sys/net/ipv4/ip_forward
		echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
		echo 1 >/proc/sys/net/bridge/bridge-nf-call-ip6tables
	"

	# containerd, then the images, then the kubelet supervisor.
	start_containerd "$name"
	# E2E_EXTRA_IMAGES: a second directory of image tarballs (upgrade scenario D: the images of
	# the version upgraded to, beside those of the cluster's own)
	for t in "$E2E_IMAGES"/*.tar ${E2E_EXTRA_IMAGES:+"$E2E_EXTRA_IMAGES"/*.tar}; do
		[ -f "$t" ] || continue
		e2e_node_exec "$name" ctr -a /run/containerd/containerd.sock -n k8s.io images import "$t" \
			>>"$dir/log/images.log" 2>&1 || { tail "$dir/log/images.log" >&2; e2e_die "import of $t failed"; }
	done
	start_kubelet_loop "$name"
	e2e_log "node $name: up (PID 1 = $pid)"
}

# start_containerd NAME: containerd in the node; waits for its socket (a stale one, left by a
# containerd that was killed, is removed first)
start_containerd() {
	local name=$1 dir i
	dir=$(e2e_node_dir "$name")
	rm -f "$dir/run-containerd/containerd.sock"
	setsid "$E2E_DIR/node.sh" exec "$name" containerd --config /etc/containerd/config.toml \
		</dev/null >>"$dir/log/containerd.log" 2>&1 &
	for i in $(seq 100); do
		[ -S "$dir/run-containerd/containerd.sock" ] && break
		sleep 0.2
	done
	[ -S "$dir/run-containerd/containerd.sock" ] || {
		tail -20 "$dir/log/containerd.log" >&2
		e2e_die "node $name: containerd did not start"
	}
}

# start_kubelet_loop NAME: the node's kubelet.service (kubelet-loop.sh)
start_kubelet_loop() {
	local dir
	dir=$(e2e_node_dir "$1")
	setsid "$E2E_DIR/node.sh" exec "$1" "$E2E_DIR/kubelet-loop.sh" \
		</dev/null >>"$dir/log/kubelet.log" 2>&1 &
}

# node_kill NAME: a hard stop of everything the node runs (the kubelet supervisor and the
# kubelet, containerd, the shims, every container: each process below the node's PID 1) with
# SIGKILL, as a machine that loses power; its namespaces, address and files stay.
node_kill() {
	local name=$1 pid i left=
	pid=$(e2e_node_pid "$name") || e2e_die "node $name is not running"
	for i in $(seq 50); do
		left=$(e2e_node_procs "$pid")
		[ -n "$left" ] || { e2e_log "node $name: every process killed (PID 1 = $pid left)"; return 0; }
		# shellcheck disable=SC2086
		kill -KILL $left 2>/dev/null || true
		sleep 0.2
	done
	e2e_die "node $name: processes survive SIGKILL: $left"
}

# node_boot NAME [containerd|kubelet]: the node's services after node_kill, as a machine that
# boots: containerd, then the kubelet supervisor; or only the one named
node_boot() {
	case ${2:-all} in
	containerd) start_containerd "$1" ;;
	kubelet) start_kubelet_loop "$1" ;;
	all) start_containerd "$1"; start_kubelet_loop "$1" ;;
	*) e2e_die "usage: node.sh boot NAME [containerd|kubelet]" ;;
	esac
	e2e_log "node $1: started ${2:-containerd and the kubelet supervisor}"
}

# lb_create NODE:INDEX...: the load balancer of the HA bed, as kubeadm's HA guide describes it
# (high-availability considerations: HAProxy): HAProxy in a network namespace of its own
# ($E2E_LB_NS; $E2E_LB_IP:6443 on the hub's bridge, no other link, no default route), TCP round
# robin over the API servers of those nodes (node INDEX: $E2E_NET.(10 + INDEX)), each checked
# with GET /healthz over TLS every second (down after 2 failures, up after 1 success); a
# connection that fails is retried on another server (option redispatch 1: at each retry).
lb_create() {
	local spec dir=$E2E_STATE/lb cfg
	command -v haproxy >/dev/null || e2e_die "haproxy is not installed (tests/e2e/DEPS)"
	[ ! -e "/run/netns/$E2E_LB_NS" ] || e2e_die "the load balancer is already up"
	mkdir -p "$dir"
	cfg=$dir/haproxy.cfg
	cat >"$cfg" <<EOF
# the HA bed's load balancer (written by tests/e2e/node.sh lb-create)
global
    maxconn 4000
defaults
    mode tcp
    retries 3
    option redispatch 1
    timeout connect 2s
    timeout client 1h
    timeout server 1h
    timeout check 2s
frontend apiserver
    bind $E2E_LB_IP:6443
    default_backend apiserverbackend
backend apiserverbackend
    option httpchk
    http-check connect ssl
    http-check send meth GET uri /healthz
    http-check expect status 200
    balance roundrobin
EOF
	for spec in "$@"; do
		[[ $spec =~ ^[a-z][a-z0-9-]*:[0-9]+$ ]] || e2e_die "bad backend $spec (NODE:INDEX)"
		printf '    server %s %s.%s:6443 check verify none inter 1s fall 2 rise 1\n' \
			"${spec%:*}" "$E2E_NET" "$((10 + ${spec#*:}))" >>"$cfg"
	done
	haproxy -c -f "$cfg" >"$dir/check.log" 2>&1 || { cat "$dir/check.log" >&2; e2e_die "haproxy refuses $cfg"; }
	hub_up
	ip netns add "$E2E_LB_NS"
	ip -n "$E2E_LB_NS" link set lo up
	ip -n "$E2E_HUB" link add e2e-lb type veth peer name eth0 netns "$E2E_LB_NS"
	ip -n "$E2E_HUB" link set e2e-lb master br0 up
	ip -n "$E2E_LB_NS" addr add "$E2E_LB_IP/24" dev eth0
	ip -n "$E2E_LB_NS" link set eth0 up
	# -db: in the foreground (its PID is the one recorded), messages to the log
	setsid ip netns exec "$E2E_LB_NS" haproxy -db -f "$cfg" </dev/null >>"$dir/haproxy.log" 2>&1 &
	echo $! >"$dir/pid"
	e2e_log "load balancer: $E2E_LB_IP:6443 -> $* (HAProxy; $dir)"
}

# lb_destroy: the load balancer's process, namespace, link and state; safe when it is not up
lb_destroy() {
	local dir=$E2E_STATE/lb pid
	if [ -f "$dir/pid" ]; then
		pid=$(cat "$dir/pid")
		# ip netns exec execs haproxy: the recorded PID is haproxy's
		if [ -n "$pid" ] && [ "$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -1)" = haproxy ]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	[ ! -e "/run/netns/$E2E_LB_NS" ] || ip netns del "$E2E_LB_NS"
	[ ! -e "/run/netns/$E2E_HUB" ] || ip -n "$E2E_HUB" link del e2e-lb 2>/dev/null || true
	rm -rf "$dir"
}

node_destroy() {
	local name=$1 dir pid i h cg
	dir=$(e2e_node_dir "$name")
	if pid=$(e2e_node_pid "$name"); then
		kill -KILL "$pid" 2>/dev/null || true
		for i in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
		[ ! -d "/proc/$pid" ] || e2e_die "node $name: PID 1 ($pid) does not die"
	fi
	# a node that died half-made: its unshare (whose death kills its child, --kill-child)
	if [ -f "$dir/upid" ]; then
		pid=$(cat "$dir/upid")
		if [ -n "$pid" ] && [ "$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -1)" = unshare ]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	if [ -e "/run/netns/$E2E_HUB" ]; then
		ip -n "$E2E_HUB" link del "e2e-$name" 2>/dev/null || true
	fi
	if [ -f "$dir/cgroup" ]; then
		cg=$(cat "$dir/cgroup")
		for h in $(e2e_cgroup_hierarchies); do
			[ -d "$h$cg" ] || continue
			for i in $(seq 50); do
				find "$h$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
				[ -d "$h$cg" ] || break
				sleep 0.2
			done
			[ ! -d "$h$cg" ] || e2e_log "node $name: cannot remove cgroup $h$cg"
		done
	fi
	if [ -e "$dir" ]; then
		# Every mount of the node lived in its own mount namespace, gone with its PID 1; refuse
		# to delete through a mount that is somehow visible here.
		if grep -qF " $dir" /proc/self/mountinfo; then
			e2e_die "node $name: $dir still has mounts; not removing it"
		fi
		rm -rf "$dir"
	fi
	e2e_log "node $name: destroyed"
}

node_list() {
	local d
	[ -d "$E2E_STATE/nodes" ] || return 0
	for d in "$E2E_STATE/nodes"/*/; do
		[ -d "$d" ] || continue
		d=$(basename "$d")
		if e2e_node_pid "$d" >/dev/null; then echo "$d running"; else echo "$d stopped"; fi
	done
}

destroy_all() {
	local d
	if [ -d "$E2E_STATE/nodes" ]; then
		for d in "$E2E_STATE/nodes"/*/; do
			[ -d "$d" ] && node_destroy "$(basename "$d")"
		done
	fi
	lb_destroy
	hub_down
	if [ -f "$E2E_STATE/cgroup-parents" ]; then
		sort -r -u "$E2E_STATE/cgroup-parents" | while read -r d; do rmdir "$d" 2>/dev/null || true; done
		rm -f "$E2E_STATE/cgroup-parents"
	fi
	rmdir "$E2E_STATE/nodes" "$E2E_STATE" 2>/dev/null || true
}

cmd=${1:-}
shift || true
case $cmd in
create) [ $# -eq 2 ] || e2e_die "usage: node.sh create NAME INDEX"; node_create "$@" ;;
exec) [ $# -ge 2 ] || e2e_die "usage: node.sh exec NAME CMD..."; name=$1; shift
	pid=$(e2e_node_pid "$name") || e2e_die "node $name is not running"
	dir=$(e2e_node_dir "$name")
	exec nsenter -t "$pid" -m -u -i -n -p --wd=/ \
		env -i PATH="$dir/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		HOME=/root KUBECONFIG=/etc/kubernetes/admin.conf "$@" ;;
kill) [ $# -eq 1 ] || e2e_die "usage: node.sh kill NAME"; node_kill "$1" ;;
boot) [ $# -ge 1 ] && [ $# -le 2 ] || e2e_die "usage: node.sh boot NAME [containerd|kubelet]"; node_boot "$@" ;;
lb-create) [ $# -ge 1 ] || e2e_die "usage: node.sh lb-create NODE:INDEX..."; lb_create "$@" ;;
destroy) [ $# -eq 1 ] || e2e_die "usage: node.sh destroy NAME"; node_destroy "$1" ;;
destroy-all) destroy_all ;;
list) node_list ;;
*) e2e_die "usage: node.sh create|exec|kill|boot|lb-create|destroy|destroy-all|list ..." ;;
esac
