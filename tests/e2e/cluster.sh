# Shared by the end-to-end bed's cluster scenarios (tests/e2e/join.sh, tests/e2e/ha.sh); sourced
# after lib.sh, not run. The caller sets: logs (its log directory), passed=0 failed=0 created=0,
# init_kubeadm and join_kubeadm (the binaries), ignore (--ignore-preflight-errors); cp1 is the
# first control plane, whose admin.conf `kc` uses.

# scenario_start NAME ARG...: what every scenario does first: exactly two arguments (the kubeadm
# for init, the kubeadm for join: init_kubeadm, join_kubeadm), root; the log directory (logs:
# CKUBEADM_E2E_LOGS, or a new one named by the time and NAME) and the counters; no bed up (a
# clear error otherwise), then whatever a killed run left removed.
scenario_start() {
	local name=$1
	shift
	[ $# -eq 2 ] || e2e_die "usage: $name.sh KUBEADM-FOR-INIT KUBEADM-FOR-JOIN"
	init_kubeadm=$(realpath "$1") || e2e_die "no such binary: $1"
	join_kubeadm=$(realpath "$2") || e2e_die "no such binary: $2"
	[ -x "$init_kubeadm" ] && [ -x "$join_kubeadm" ] || e2e_die "not executable: $1 or $2"
	[ "$(id -u)" = 0 ] || e2e_die "the bed needs root (namespaces, mounts, cgroups)"
	logs=${CKUBEADM_E2E_LOGS:-/var/tmp/ckubeadm-e2e-logs/$(date -u +%Y%m%dT%H%M%SZ)-$name}
	mkdir -p "$logs"
	passed=0 failed=0 created=0
	if "$E2E_DIR/node.sh" list | grep -q ' running$' || [ -e "/run/netns/$E2E_LB_NS" ]; then
		e2e_die "a bed is already up ($("$E2E_DIR/node.sh" list | tr '\n' ' ')); run tests/e2e/down.sh first"
	fi
	"$E2E_DIR/node.sh" destroy-all >/dev/null 2>&1 || true
}

ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
check() {
	local name=$1
	shift
	local t0=$SECONDS rc=0
	printf '\n== %s: %s\n' "$name" "$*" >>"$logs/checks.log"
	("$@") >>"$logs/checks.log" 2>&1 || rc=1
	printf '== took %d s\n' "$((SECONDS - t0))" >>"$logs/checks.log"
	if [ "$rc" = 0 ]; then ok "$name"; else bad "$name (see $logs/checks.log)"; return 1; fi
}
inode() { "$E2E_DIR/node.sh" exec cp1 "$@"; }
kc() { inode kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }

collect() {
	local dir n
	for dir in "$E2E_STATE/nodes"/*/; do
		[ -d "$dir" ] || continue
		n=$(basename "$dir")
		rm -rf "$logs/node-$n"
		cp -r "$dir/log" "$logs/node-$n" 2>/dev/null || true
	done
	if e2e_node_pid cp1 >/dev/null && inode test -f /etc/kubernetes/admin.conf; then
		kc get nodes,pods -A -o wide >"$logs/final-state.txt" 2>&1 || true
	fi
}
nothing_left() {
	local left=0
	[ ! -e "$E2E_STATE/nodes" ] || { echo "left: $E2E_STATE/nodes"; left=1; }
	[ ! -e "/run/netns/$E2E_HUB" ] || { echo "left: netns $E2E_HUB"; left=1; }
	if pgrep -f "$E2E_PEERS/e2e-tools/pause|kubelet-loop.sh|containerd --config /etc/containerd/config.toml"; then
		echo "left: processes"; left=1
	fi
	if grep -F "$E2E_STATE" /proc/self/mountinfo; then echo "left: mounts"; left=1; fi
	[ ! -e "/run/netns/$E2E_LB_NS" ] || { echo "left: netns $E2E_LB_NS"; left=1; }
	if pgrep -x haproxy | while read -r p; do
		[ "$(ip netns identify "$p" 2>/dev/null)" = "$E2E_LB_NS" ] && echo "$p"; done | grep -q .; then
		echo "left: the load balancer's haproxy"; left=1
	fi
	return "$left"
}
finish() {
	[ "$1" = 0 ] || [ "$failed" -gt 0 ] || bad "run aborted (exit status $1)"
	collect
	if [ "$created" = 1 ]; then
		if "$E2E_DIR/node.sh" destroy-all >>"$logs/teardown.log" 2>&1 && nothing_left >>"$logs/teardown.log" 2>&1; then
			ok "teardown left no process, mount, namespace or state behind"
		else
			bad "teardown (see $logs/teardown.log)"
		fi
	fi
	printf '%d passed, %d failed\n' "$passed" "$failed"
	e2e_log "logs: $logs"
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}

node_ready() {
	local i
	for i in $(seq 120); do
		kc get node "$1" -o name >/dev/null 2>&1 && break
		sleep 1
	done
	kc wait --for=condition=Ready "node/$1" --timeout=300s
}

# pod_ready NAMESPACE NAME: waits for the (mirror) pod to exist, then to be Ready
pod_ready() {
	local ns=$1 i
	shift
	for i in $(seq 120); do
		[ -n "$(kc -n "$ns" get pod "$@" -o name 2>/dev/null)" ] && break
		sleep 1
	done
	kc -n "$ns" wait --for=condition=Ready pod "$@" --timeout=180s && kc -n "$ns" get pod "$@" -o wide
}

cp_marked() {
	local labels taints
	labels=$(kc get node "$1" -o 'jsonpath={.metadata.labels}')
	taints=$(kc get node "$1" -o 'jsonpath={.spec.taints}')
	echo "labels: $labels"; echo "taints: $taints"
	echo "$labels" | grep -q '"node-role.kubernetes.io/control-plane":""' &&
		echo "$taints" | grep -q '"key":"node-role.kubernetes.io/control-plane"'
}

# join_node NODE [EXTRA-FLAG...]: the join command cp1 prints (or JOIN_CMD), run on NODE by the
# joining kubeadm. The join's wall time and peak RSS (peak-rss.sh: the command's own process) go to
# timing.txt as NODE-join-ms and NODE-join-peak-rss-kib; its start, for ready_timed, to
# NODE's state directory.
join_node() {
	local n=$1 cmd dir t0 t1 rc ks tag=${JOIN_TAG:-$1}
	shift
	cmd=${JOIN_CMD:-}
	[ -n "$cmd" ] || cmd=$(inode "$init_kubeadm" token create --print-join-command) || return 1
	echo "$cmd $*"
	# shellcheck disable=SC2086
	set -- ${cmd#kubeadm } "$@"
	dir=$(e2e_node_dir "$n")
	t0=$(date +%s%N)
	echo "$t0" >"$dir/join.start"
	# every output line stamped with the time it was written (both tools write each line at
	# once): the join's own work up to "[kubelet-start] Starting the kubelet" is timed apart
	# from what follows (the kubelet, its TLS bootstrap, etcd and the control plane starting)
	"$E2E_DIR/node.sh" exec "$n" "$E2E_DIR/peak-rss.sh" "$dir/join.rss" "$join_kubeadm" "$@" \
		--cri-socket unix:///run/containerd/containerd.sock --ignore-preflight-errors="$ignore" 2>&1 |
		perl -MTime::HiRes=time -ne 'BEGIN { $| = 1 } printf "%d %s", time * 1000, $_' >"$dir/join.out"
	rc=${PIPESTATUS[0]}
	t1=$(date +%s%N)
	cut -d' ' -f2- "$dir/join.out"
	cp "$dir/join.out" "$logs/$tag-join.out"   # the stamped output, kept with the logs
	[ "$rc" = 0 ] || return "$rc"
	printf '%s-join-ms %d\n%s-join-peak-rss-kib %s\n' "$tag" "$(((t1 - t0) / 1000000))" \
		"$tag" "$(tail -n 1 "$dir/join.rss")" >>"$logs/timing.txt"
	ks=$(awk '$2 == "[kubelet-start]" && $3 == "Starting" { print $1; exit }' "$dir/join.out")
	[ -z "$ks" ] || printf '%s-join-until-kubelet-start-ms %d\n%s-join-from-kubelet-start-ms %d\n' \
		"$tag" "$((ks - t0 / 1000000))" "$tag" "$((t1 / 1000000 - ks))" >>"$logs/timing.txt"
}

# ready_timed NODE: node_ready, then the time from join_node's start to Ready in timing.txt
# (JOIN_TAG, as for join_node, names the figures; default NODE)
ready_timed() {
	local dir
	dir=$(e2e_node_dir "$1")
	node_ready "$1" || return 1
	printf '%s-join-to-ready-ms %d\n' "${JOIN_TAG:-$1}" \
		"$((($(date +%s%N) - $(cat "$dir/join.start")) / 1000000))" >>"$logs/timing.txt"
}

# healthy NODE...: the API answers (readyz), etcd reports healthy through it, NODE... are Ready
healthy() {
	kc get --raw '/readyz?verbose' | tail -n 3 || return 1
	kc get --raw /readyz/etcd || return 1
	echo
	kc get nodes -o wide
	kc wait --for=condition=Ready "${@/#/node/}" --timeout=60s
}

# reset_cp NODE: `kubeadm reset -f` of the joining kubeadm on the control plane NODE (its
# console output in NODE-reset.out, for console.py); afterwards the kubelet is stopped, no
# container runs, and kubeadm's files and etcd's data are gone (as run.sh's reset_node).
reset_cp() {
	local n=$1 left rc
	"$E2E_DIR/node.sh" exec "$n" "$join_kubeadm" reset -f >"$logs/$n-reset.out" 2>&1
	rc=$?
	cat "$logs/$n-reset.out"
	[ "$rc" = 0 ] || return 1
	"$E2E_DIR/node.sh" exec "$n" systemctl is-active kubelet && return 1
	left=$("$E2E_DIR/node.sh" exec "$n" crictl ps -a -q)
	echo "containers left: ${left:-none}"
	[ -z "$left" ] || return 1
	left=$("$E2E_DIR/node.sh" exec "$n" sh -c 'ls -A /etc/kubernetes/manifests /var/lib/etcd /var/lib/kubelet;
		ls /etc/kubernetes/*.conf /etc/kubernetes/pki 2>/dev/null' | grep -v ':$' | grep -v '^$')
	echo "files left: ${left:-none}"
	[ -z "$left" ]
}

# scenario_end: the cluster's API objects, normalised, in objects.txt (for comparing this
# cluster with one the reference kubeadm made: objects.py compare, run by scripts/test.sh),
# and the nodes as kubectl lists them
scenario_end() {
	check "API objects dumped to $logs/objects.txt" e2e_dump_objects cp1 "$logs/objects.txt"
	if (kc get nodes -o wide) >"$logs/get.txt" 2>&1; then
		ok "kubectl get nodes"
		sed 's/^/    /' "$logs/get.txt"
	else
		bad "kubectl get nodes"
	fi
}
