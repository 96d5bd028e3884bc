# A private containerd (Debian's) for tests, sourced by tests/*/run.sh: its own config, root,
# state and socket under a directory, inside its own network, mount and PID namespaces (only
# loopback: nothing it does reaches the outside; a private tmpfs on /run so shims and runc never
# touch the host's /run/containerd; when containerd ends, everything it started ends with it).
#
#   . tests/lib/containerd.sh
#   ctrd_start <dir> [sandbox-image]   # sets CTRD_SOCK and CTRD_PID; returns 1 if no socket
#   ctrd_stop                          # TERM, then KILL after 5 s; idempotent

ctrd_start() {
	local d=$1 sandbox=${2:-registry.k8s.io/pause:3.10.1}
	CTRD_DIR=$d
	CTRD_SOCK=$d/containerd.sock
	mkdir -p "$d/root" "$d/state" "$d/cni-conf"
	cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$CTRD_SOCK"
[ttrpc]
  address = "$CTRD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$sandbox"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$d/cni-conf"
EOF
	unshare --net --mount --propagation private --pid --fork --mount-proc --kill-child=SIGTERM \
		sh -c 'ip link set lo up; mount -t tmpfs tmpfs /run && exec containerd --config "$1"' \
		sh "$d/config.toml" >"$d/containerd.log" 2>&1 &
	CTRD_PID=$!
	local i
	for i in $(seq 100); do [ -S "$CTRD_SOCK" ] && return 0; sleep 0.1; done
	return 1
}

ctrd_stop() {
	[ -n "${CTRD_PID:-}" ] || return 0
	kill -TERM "$CTRD_PID" 2>/dev/null
	local i
	for i in $(seq 50); do kill -0 "$CTRD_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$CTRD_PID" 2>/dev/null
	wait "$CTRD_PID" 2>/dev/null
	CTRD_PID=
}
