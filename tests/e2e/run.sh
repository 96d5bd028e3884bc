#!/usr/bin/env bash
# End-to-end proof: a single-node cluster brought up by the kubeadm under test.
# Usage: tests/e2e/run.sh KUBEADM-BINARY
#   KUBEADM-BINARY: the reference (/var/cache/ckubeadm/peers/k8s-v1.37.2/kubeadm.real) or
#   ckubeadm. It runs inside the bed's node, never on the machine itself.
# Prints one line per check and "N passed, N failed"; exits non-zero on any failure. Always
# tears the bed down, unless E2E_KEEP=1 (up.sh), which leaves the cluster running.
# E2E_CONTROL_PLANES=N also joins N more control planes (cp2..), E2E_WORKERS=N N workers
# (w1..wN), with the same kubeadm, and checks them.
# E2E_RESET=1 ends with `kubeadm reset -f` on every node, checked.
# E2E_DEB=PKG.deb: the nodes get the kubeadm under test by installing the package (see below).
# Logs: $CKUBEADM_E2E_LOGS (default /var/tmp/ckubeadm-e2e-logs/<date>), kept after teardown.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || e2e_die "usage: run.sh KUBEADM-BINARY"
# E2E_DEB=PKG.deb: every node gets the kubeadm under test only by installing that package
# (dpkg -i inside the node, whose /usr, /etc and /var/lib are overlays of its own); KUBEADM is
# then the installed program's name (ckubeadm, kubeadm), run from the node's PATH.
deb=
if [ -n "${E2E_DEB:-}" ]; then
	deb=$(realpath "$E2E_DEB") && [ -f "$deb" ] || e2e_die "no such package: $E2E_DEB"
	case $1 in */*) e2e_die "with E2E_DEB, KUBEADM is a name on the node's PATH: $1" ;; esac
	kubeadm=$1
else
	kubeadm=$(realpath "$1") || e2e_die "no such binary: $1"
	[ -x "$kubeadm" ] || e2e_die "not executable: $kubeadm"
fi
[ "$(id -u)" = 0 ] || e2e_die "the bed needs root (namespaces, mounts, cgroups)"
node=cp1
keep=${E2E_KEEP:-0}
logs=${CKUBEADM_E2E_LOGS:-/var/tmp/ckubeadm-e2e-logs/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$logs"
if [ -z "${CKUBEADM_E2E_LOGS:-}" ]; then   # keep the logs of the last 10 runs
	ls -1d /var/tmp/ckubeadm-e2e-logs/2*/ 2>/dev/null | head -n -10 | xargs -r rm -rf
fi
passed=0 failed=0 created=0

if "$E2E_DIR/node.sh" list | grep -q ' running$'; then
	e2e_die "a bed is already up ($("$E2E_DIR/node.sh" list | tr '\n' ' ')); run tests/e2e/down.sh first"
fi
"$E2E_DIR/node.sh" destroy-all >/dev/null 2>&1 || true   # leftovers of a run that was killed

ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
# check NAME CMD...: one line per check; the command's output goes to the log.
check() {
	local name=$1
	shift
	printf '\n== %s: %s\n' "$name" "$*" >>"$logs/checks.log"
	# The redirection belongs to a subshell: a signal's trap then runs with run.sh's own output.
	if ("$@") >>"$logs/checks.log" 2>&1; then ok "$name"; else bad "$name (see $logs/checks.log)"; return 1; fi
}
inode() { "$E2E_DIR/node.sh" exec "$node" "$@"; }
kc() { inode kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }

# collect: every node's logs (containerd, kubelet, pods, image import) and the cluster's state
# into the run's log directory; runs again at the end and then replaces what it copied before.
collect() {
	local dir n
	for dir in "$E2E_STATE/nodes"/*/; do
		[ -d "$dir" ] || continue
		n=$(basename "$dir")
		rm -rf "$logs/node-$n"
		cp -r "$dir/log" "$logs/node-$n" 2>/dev/null || true
		cp -r "$dir/pods-log" "$logs/node-$n/pods" 2>/dev/null || true
	done
	dir=$(e2e_node_dir "$node")
	cp "$dir/kubeadm.yaml" "$logs/" 2>/dev/null || true
	if e2e_node_pid "$node" >/dev/null && inode test -f /etc/kubernetes/admin.conf; then
		kc get nodes,pods -A -o wide >"$logs/final-state.txt" 2>&1 || true
		kc get events -A >"$logs/events.txt" 2>&1 || true
		inode crictl ps -a >"$logs/crictl-ps.txt" 2>&1 || true
	fi
}
nothing_left() {
	local h c left=0
	[ ! -e "$E2E_STATE/nodes" ] || { echo "left: $E2E_STATE/nodes"; left=1; }
	[ ! -e "/run/netns/$E2E_HUB" ] || { echo "left: netns $E2E_HUB"; left=1; }
	for h in $(e2e_cgroup_hierarchies); do
		for c in "$h$(dirname "$(e2e_node_cgroup "$node")")"/ckubeadm-e2e-*; do
			[ ! -d "$c" ] || { echo "left: cgroup $c"; left=1; }
		done
	done
	if pgrep -f "$E2E_PEERS/e2e-tools/pause|kubelet-loop.sh|containerd --config /etc/containerd/config.toml"; then
		echo "left: processes"; left=1
	fi
	if grep -F "$E2E_STATE" /proc/self/mountinfo; then echo "left: mounts"; left=1; fi
	# the host's own netfilter tables never saw the cluster (kube-proxy, portmap ran in nodes)
	if command -v iptables-save >/dev/null && iptables-save 2>/dev/null | grep -E 'KUBE-|CNI-'; then
		echo "left: host iptables rules"; left=1
	fi
	return "$left"
}
finish() {
	# an abort (e2e_die, a signal) that no check line reported is a failure too
	[ "$1" = 0 ] || [ "$failed" -gt 0 ] || bad "run aborted (exit status $1)"
	collect
	if [ "$keep" = 1 ]; then
		e2e_log "cluster left running: tests/e2e/node.sh exec $node kubectl get nodes; remove it with tests/e2e/down.sh"
	elif [ "$created" = 1 ]; then
		if "$E2E_DIR/node.sh" destroy-all >>"$logs/teardown.log" 2>&1 && nothing_left >>"$logs/teardown.log" 2>&1; then
			ok "teardown left no process, mount, cgroup, namespace, state or host iptables rule behind"
		else
			bad "teardown (see $logs/teardown.log)"
		fi
	fi
	printf '%d passed, %d failed\n' "$passed" "$failed"
	e2e_log "logs: $logs"
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}
trap 'rc=$?; trap - EXIT; finish "$rc"; exit $?' EXIT
trap 'exit 130' INT TERM

# 1. Peers and images (built once into the version-keyed cache, then reused).
if e2e_peers "$logs/build.log"; then ok "reference peers and images built ($E2E_PEERS)"; else bad "peers/images build"; exit 1; fi

# 2. The node: namespaces, mounts, network, containerd with the images, kubelet supervisor.
created=1
check "node $node created (containerd up, images imported)" "$E2E_DIR/node.sh" create "$node" 1 || exit 1
dir=$(e2e_node_dir "$node")
# deb_install NODE: with E2E_DEB, the package installed in the node (its triggers, man-db's,
# left pending: they would write the machine's /var/cache); the program then on its PATH, the
# kubelet drop-in in place
deb_install() {
	local n=$1 d
	d=$(e2e_node_dir "$n")
	cp "$deb" "$d/pkg.deb" &&
		"$E2E_DIR/node.sh" exec "$n" dpkg --no-triggers -i "$d/pkg.deb" &&
		"$E2E_DIR/node.sh" exec "$n" sh -c "command -v $kubeadm && dpkg -s ckubeadm | grep '^Version' &&
			cat /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf"
}
[ -z "$deb" ] || check "package installed on $node (dpkg -i $(basename "$deb")), $kubeadm on its PATH" \
	deb_install "$node" || exit 1
# Everything the kubeadm under test runs, runs inside a node.
images_match() {
	local want have
	want=$(inode "$kubeadm" config images list --kubernetes-version "$E2E_K8S_VERSION" 2>/dev/null | sort)
	have=$(for t in "$E2E_IMAGES"/*.tar; do tar -xOf "$t" manifest.json; echo; done |
		grep -o '"RepoTags":\["[^"]*"' | cut -d'"' -f4 | sort)
	printf 'wanted:\n%s\nbuilt:\n%s\n' "$want" "$have"
	[ -n "$want" ] && [ -z "$(comm -23 <(echo "$want") <(echo "$have"))" ]
}
check "every image of 'kubeadm config images list' is built locally" images_match
cps=${E2E_CONTROL_PLANES:-0} workers=${E2E_WORKERS:-0} certkey= initflags=()
if [ "$cps" -gt 0 ]; then   # more control planes join: they fetch the certificates from the cluster
	certkey=$(inode "$kubeadm" certs certificate-key) || e2e_die "kubeadm certs certificate-key failed"
	initflags+=(--upload-certs)
fi
e2e_kubeadm_config "$node" "$dir/kubeadm.yaml" "$certkey"

# Network safety, checked rather than assumed: the hub has no link but its bridge and the
# nodes' veths and forwards nothing; the node's routes all point into the test network (its
# default route at the hub, the other nodes' pod ranges at those nodes).
closed_network() {
	local links routes
	links=$(ip -n "$E2E_HUB" -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | sort | tr '\n' ' ')
	echo "hub links: $links"
	[ -z "$(echo "$links" | tr ' ' '\n' | grep -vxE 'lo|br0|e2e-[a-z0-9-]+|')" ] || return 1
	[ "$(ip netns exec "$E2E_HUB" cat /proc/sys/net/ipv4/ip_forward)" = 0 ] || return 1
	routes=$(inode ip -4 route show)
	echo "node routes: $routes"
	[ -z "$(echo "$routes" | grep -v "^default via $E2E_GW dev eth0" | grep -v "^$E2E_NET\.0/24 dev eth0" |
		grep -vE "^10\.244\.[0-9]+\.0/24 via $E2E_NET\.[0-9]+ dev eth0")" ]
}
check "test network closed (hub: bridge and veths only, no forwarding; node routes inside)" closed_network

# 3. kubeadm init. Preflight errors ignored, each because this machine cannot satisfy it:
ignore=()
# SystemVerification: this machine's cgroup hierarchies are v1, and kubeadm v1.37 fails with
#   "cgroups v1 support is deprecated ... To explicitly enable cgroups v1 support for kubelet
#   v1.35 or newer, you must set the kubelet configuration option 'FailCgroupV1' to 'false'.
#   You must also explicitly skip this validation." The bed sets failCgroupV1: false.
ignore+=(SystemVerification)
# E2E_INIT_FAULTS="F..." (a fault-injection build of ckubeadm, util/fault.h): before the init
# below, one init per item with CKUBEADM_FAULT=F ([KIND:]N[:errno|:http=S|:kill], the first
# alone without --resume), each of which must fail at that effect; the init below then runs with
# --resume and must bring the same cluster up. An item "list" is an init that must succeed,
# its effects listed in the logs (init-fault-list.log).
resume=()
fault_init() { # fault_init ITEM: one init with CKUBEADM_FAULT=ITEM
	local f=$1 rc
	inode env CKUBEADM_FAULT="$f" "$kubeadm" init --config "$dir/kubeadm.yaml" "${initflags[@]}" \
		"${resume[@]}" --ignore-preflight-errors="$(IFS=,; echo "${ignore[*]}")" >"$logs/init-fault-$f.log" 2>&1
	rc=$?
	echo "exit $rc"
	tail -n 4 "$logs/init-fault-$f.log"
	if [ "$f" = list ]; then
		echo "effects: $(grep -c '^ckubeadm-fault: effect ' "$logs/init-fault-$f.log")"
		[ $rc = 0 ]
	else
		[ $rc != 0 ] && grep -q "^ckubeadm-fault: fail effect " "$logs/init-fault-$f.log"
	fi
}
for f in ${E2E_INIT_FAULTS:-}; do
	check "init ${resume[*]} with CKUBEADM_FAULT=$f $( [ "$f" = list ] && echo succeeds || echo 'fails at that effect')" fault_init "$f"
	resume=(--resume)
done
start=$(date +%s)
start_ns=$(date +%s%N)
# peak-rss.sh records init's own peak RSS for bench/init.sh (timing.txt)
if (inode "$E2E_DIR/peak-rss.sh" "$dir/init.rss" "$kubeadm" init --config "$dir/kubeadm.yaml" \
	"${initflags[@]}" "${resume[@]}" --ignore-preflight-errors="$(IFS=,; echo "${ignore[*]}")") \
	>"$logs/init.log" 2>&1; then
	printf 'init-ms %d\ninit-peak-rss-kib %s\n' "$((($(date +%s%N) - start_ns) / 1000000))" \
		"$(tail -n 1 "$dir/init.rss")" >>"$logs/timing.txt"
	ok "kubeadm init ($(($(date +%s) - start)) s)"
else
	bad "kubeadm init (see $logs/init.log)"
	tail -15 "$logs/init.log" | sed 's/^/    /'
	exit 1
fi

# node_ready NAME: waits for the Node object (a joining kubelet registers it some time after
# `kubeadm join` returns), then for it to be Ready.
node_ready() {
	local i
	for i in $(seq 120); do
		kc get node "$1" -o name >/dev/null 2>&1 && break
		sleep 1
	done
	kc wait --for=condition=Ready "node/$1" --timeout=300s
}

# 4. The node becomes Ready (the CNI bridge config is in place, so only the kubelet's own
#    readiness counts).
if check "node $node Ready" node_ready "$node"; then
	e2e_log "init start to node Ready: $(($(date +%s) - start)) s"
	printf 'init-to-ready-seconds %d\ninit-to-ready-ms %d\n' "$(($(date +%s) - start))" \
		"$((($(date +%s%N) - start_ns) / 1000000))" >>"$logs/timing.txt"
fi
# pod_ready NAMESPACE NAME|-l SELECTOR: waits for the pod(s) to exist (a static pod's mirror
# appears some seconds after the pod runs), then to be Ready.
pod_ready() {
	local ns=$1 i
	shift
	for i in $(seq 120); do
		[ -n "$(kc -n "$ns" get pod "$@" -o name 2>/dev/null)" ] && break
		sleep 1
	done
	kc -n "$ns" wait --for=condition=Ready pod "$@" --timeout=180s && kc -n "$ns" get pod "$@" -o wide
}
for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
	check "static pod $c-$node Ready" pod_ready kube-system "$c-$node"
done
check "kube-proxy pod Running and Ready" pod_ready kube-system -l k8s-app=kube-proxy
check "CoreDNS pods Running and Ready" pod_ready kube-system -l k8s-app=kube-dns

# 5. A pod resolves the API server's service name through CoreDNS (lib.sh's probe).
# dns_probe POD NODE
dns_probe() { e2e_dns_probe "$1" "$2" "$logs"; }
check "pod resolves kubernetes.default.svc.cluster.local through CoreDNS" dns_probe dnsprobe "$node"

# 5a. After E2E_INIT_FAULTS: `init --resume` on the healthy node is a no-op: no file written
#     (no write or rename effect) and no static pod container restarted.
noop_resume() {
	local before after
	before=$(inode crictl ps -q | sort)
	inode env CKUBEADM_FAULT=list "$kubeadm" init --config "$dir/kubeadm.yaml" "${initflags[@]}" --resume \
		--ignore-preflight-errors="$(IFS=,; echo "${ignore[*]}")" >"$logs/init-noop.log" 2>&1 || return 1
	grep '^ckubeadm-fault: effect' "$logs/init-noop.log"
	! grep -qE '^ckubeadm-fault: effect [0-9]+ (write|rename|mkdir|unlink) ' "$logs/init-noop.log" || return 1
	sleep 5
	after=$(inode crictl ps -q | sort)
	echo "containers before: $before"
	echo "containers after: $after"
	[ "$before" = "$after" ]
}
one_token() { # the resumed inits reused the first attempt's token: one, as after one init
	local n
	n=$(kc -n kube-system get secrets --field-selector type=bootstrap.kubernetes.io/token -o name | tee /dev/stderr | wc -l)
	[ "$n" = 1 ]
}
if [ -n "${E2E_INIT_FAULTS:-}" ]; then
	check "init --resume on the healthy node: no file written, no container restarted" noop_resume
	check "one bootstrap token after the resumed inits" one_token
fi

# 5b. More control planes (E2E_CONTROL_PLANES=N, default 0; cp2..cp(N+1)), then workers
#     (E2E_WORKERS=N, default 0; w1..wN), each joined with `kubeadm join` of the kubeadm under
#     test. Each becomes Ready; a control plane runs its own etcd member and API server; a pod
#     on a worker resolves through CoreDNS on another node (pod routes between nodes).
# join_node NODE [EXTRA-FLAG...]
join_node() {
	local n=$1 cmd
	shift
	cmd=$(inode "$kubeadm" token create --print-join-command) || return 1
	echo "$cmd $*"
	# shellcheck disable=SC2086
	set -- ${cmd#kubeadm } "$@"
	"$E2E_DIR/node.sh" exec "$n" "$kubeadm" "$@" --cri-socket unix:///run/containerd/containerd.sock \
		--ignore-preflight-errors="$(IFS=,; echo "${ignore[*]}")"
}
for i in $(seq 2 $((cps + 1))); do
	n=cp$i
	check "node $n created" "$E2E_DIR/node.sh" create "$n" "$i" || continue
	[ -z "$deb" ] || check "package installed on $n" deb_install "$n" || continue
	check "control plane $n joined (kubeadm join --control-plane)" join_node "$n" --control-plane \
		--certificate-key "$certkey" --apiserver-advertise-address "$(cat "$(e2e_node_dir "$n")/ip")" || continue
	check "node $n Ready" node_ready "$n"
	for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
		check "static pod $c-$n Ready" pod_ready kube-system "$c-$n"
	done
done
for i in $(seq "$workers"); do
	w=w$i
	check "node $w created" "$E2E_DIR/node.sh" create "$w" $((cps + 1 + i)) || continue
	[ -z "$deb" ] || check "package installed on $w" deb_install "$w" || continue
	check "worker $w joined (kubeadm join)" join_node "$w" || continue
	check "node $w Ready" node_ready "$w"
	check "pod on $w resolves kubernetes.default.svc.cluster.local through CoreDNS" dns_probe "dnsprobe-$w" "$w"
done

# 6. The cluster's API objects, normalised (objects.py), for comparing the cluster ckubeadm
#    made with the reference's (objects.py compare, run by scripts/test.sh); then the cluster
#    as kubectl shows it.
check "API objects dumped to $logs/objects.txt" e2e_dump_objects "$node" "$logs/objects.txt"

if (kc get nodes,pods -A -o wide) >"$logs/get.txt" 2>&1; then
	ok "kubectl --kubeconfig admin.conf get nodes,pods -A"
	sed 's/^/    /' "$logs/get.txt"
else
	bad "kubectl get nodes,pods -A"
fi

# 7. Reset (E2E_RESET=1): `kubeadm reset -f` on every node, workers first; the bed's systemctl
#    lets it stop the kubelet as on a systemd machine. Afterwards no container runs, the
#    kubelet is stopped, and kubeadm's files and etcd's data are gone.
reset_node() {
	local n=$1 left
	"$E2E_DIR/node.sh" exec "$n" "$kubeadm" reset -f || return 1
	"$E2E_DIR/node.sh" exec "$n" systemctl is-active kubelet && return 1
	left=$("$E2E_DIR/node.sh" exec "$n" crictl ps -a -q)
	echo "containers left: ${left:-none}"
	[ -z "$left" ] || return 1
	left=$("$E2E_DIR/node.sh" exec "$n" sh -c 'ls -A /etc/kubernetes/manifests /var/lib/etcd /var/lib/kubelet;
		ls /etc/kubernetes/*.conf 2>/dev/null' | grep -v ':$' | grep -v '^$')
	echo "files left: ${left:-none}"
	[ -z "$left" ]
}
if [ "${E2E_RESET:-0}" = 1 ]; then
	collect
	for n in $(for i in $(seq "$workers" -1 1); do echo "w$i"; done) \
		$(for i in $(seq $((cps + 1)) -1 2); do echo "cp$i"; done) "$node"; do
		e2e_node_pid "$n" >/dev/null || continue
		check "kubeadm reset on $n (kubelet stopped, no container, no file left)" reset_node "$n"
	done
fi
