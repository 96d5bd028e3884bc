#!/bin/bash
# Conformance of the pre-flight checks: the reference kubeadm and ckubeadm run
# `init phase preflight` (and `config images pull`) for the same configuration on the same
# machine state, each in a network namespace made here (lo up), and must print the same
# checks with the same messages and exit with the same code (klog headers normalised as
# tests/lib/compare.sh does). Machine state is arranged per case: a port taken inside the
# namespace, a prepared --rootfs (files present, fake CRI sockets), a PATH without a tool or
# with the reference kubelet, a private containerd (tests/lib/containerd.sh), a non-root user.
# Usage: tests/conformance/preflight/run.sh <ckubeadm> <reference kubeadm> [<build-dir>]
# Each case runs in new network and PID namespaces: whatever a case starts ends with it.
# Prints one line per case and "N passed, N failed, N skipped" (the cases with the reference
# kubelet are counted skips without it); non-zero on failure. Needs root. CKUBEADM_CASES
# selects cases, the section "containerd" by that label (tests/lib/compare.sh).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../../lib/compare.sh"
. "$HERE/../../lib/containerd.sh"

OURS=$(realpath "${1:?usage: run.sh <ckubeadm> <reference kubeadm> [build-dir]}")
REF=${2:?usage: run.sh <ckubeadm> <reference kubeadm> [build-dir]}
conf_init "$OURS" "$REF"
PEERS=$(dirname "$CONF_REF")
T=$CONF_TMP
BG_PIDS=()
cleanup() {
	ctrd_stop
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- inputs ----
cfg() { # cfg <file> [extra InitConfiguration nodeRegistration lines] ; name/versions fixed
	local f=$1; shift
	{
		printf 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n'
		printf 'localAPIEndpoint:\n  advertiseAddress: 10.0.0.1\n'
		printf 'nodeRegistration:\n  name: localhost\n'
		local l
		for l in "$@"; do printf '  %s\n' "$l"; done
		printf -- '---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n'
		printf 'kubernetesVersion: v1.37.2\nnetworking:\n  podSubnet: 10.244.0.0/16\n'
	} >"$f"
}
mkdir -p "$T/in"
chmod 755 "$T" "$T/in"
cfg "$T/in/cfg.yaml"
cfg "$T/in/nocri.yaml" "criSocket: unix:///nonexistent/cri.sock"
cfg "$T/in/never.yaml" "criSocket: unix:///nonexistent/cri.sock" "imagePullPolicy: Never"
printf 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.40.0\n' \
	>"$T/in/newer.yaml"
cfg "$T/in/v136.yaml"
sed -i 's/kubernetesVersion: v1.37.2/kubernetesVersion: v1.36.0/' "$T/in/v136.yaml"
sed 's/name: localhost/name: no-such-node.invalid/' "$T/in/nocri.yaml" >"$T/in/unresolvable.yaml"

# tool dirs: without losetup (and without systemctl: no init system), and with the kubelet
mkdir -p "$T/bin-nolosetup" "$T/bin-kubelet"
for t in mount cp; do ln -s "$(command -v $t)" "$T/bin-nolosetup/$t"; done
ln -s "$PEERS/kubelet.real" "$T/bin-kubelet/kubelet"

# a root for --rootfs: the config and /etc/hosts inside, plus what a case adds
mkroot() { # mkroot <dir>
	mkdir -p "$1/etc" "$1/tmp"
	cp "$T/in/cfg.yaml" "$1/cfg.yaml"
	cp "$T/in/nocri.yaml" "$1/nocri.yaml"
	printf '127.0.0.1 localhost\n' >"$1/etc/hosts"
}

# ---- the runner ----
# pf_case <name> [--root <setup-fn>] [--sh <shell run in the namespace first>] [--path <PATH>]
#         [--user] [--env NAME=VALUE]... -- <args...>     ("{dir}" in args and --sh is the case's root dir)
# The wrapper of every case: new network and PID namespaces, lo up, the case's shell script,
# its PATH, the start marker (tests/lib/compare.sh), then the binary.
# shellcheck disable=SC2016
PF_WRAP=(unshare --net --pid --fork --kill-child -- sh -c '
	m=$1; shift
	ip link set lo up
	eval "$1"; shift
	PATH=$1; shift
	: >"$m" && exec "$@"' sh)
pf_case() {
	local name=$1; shift
	conf_selected "$name" || return 0
	local rootfn="" pre="" path="$PATH" user="" envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		--root) rootfn=$2; shift 2 ;;
		--sh) pre=$2; shift 2 ;;
		--path) path=$2; shift 2 ;;
		--user) user=1; shift ;;
		--env) envs+=("$2"); shift 2 ;;
		*) echo "bad option $1"; return 1 ;;
		esac
	done
	shift
	# the cases with the reference kubelet: a counted skip when it was not built
	case "$path $rootfn" in *bin-kubelet* | *root_kubelet* | *root_sysv*)
		if [ ! -x "$PEERS/kubelet.real" ]; then
			conf_skip "$name" "no reference kubelet at $PEERS/kubelet.real (tests/peers/build.sh kubelet)"
			return 0
		fi ;;
	esac
	local n=$CONF_N side
	CONF_N=$((CONF_N + 1))
	for side in ref ours; do
		local dir=$CONF_TMP/$side/$n bin=$CONF_OURS
		[ "$side" = ref ] && bin=$CONF_REF
		mkdir -p "$dir/root"
		chmod 755 "$dir" "$dir/root"
		[ -n "$rootfn" ] && "$rootfn" "$dir/root"
		local args=() a
		for a in "$@"; do args+=("${a//\{dir\}/$dir/root}"); done
		local script=${pre//\{dir\}/$dir/root}
		local dry=$dir/root/dryrun
		[ -n "$rootfn" ] && dry=/dryrun
		mkdir -p "$dir/root/dryrun"
		chmod 777 "$dir/root/dryrun"
		local run=("$bin")
		[ -n "$user" ] && run=(setpriv --reuid=65534 --regid=65534 --clear-groups "$bin")
		(cd "$dir/root" && env ${envs[@]+"${envs[@]}"} KUBEADM_INIT_DRYRUN_DIR=$dry "${PF_WRAP[@]}" \
			"$dir/started" "$script" "$path" "${run[@]}" "${args[@]}" >"$dir/out" 2>"$dir/err" </dev/null)
		echo $? >"$dir/rc"
		conf_normalise <"$dir/out" >"$dir/out.n"
		conf_normalise <"$dir/err" >"$dir/err.n"
	done
	CONF_DIFF_LINES=30 conf_verdict "$name" "$CONF_TMP/ref/$n" "$CONF_TMP/ours/$n"
}
# both binaries start under the cases' wrapper, as root and as the unprivileged user
CONF_START_LABEL="the cases' unshare --net --pid" conf_start_check "${PF_WRAP[@]}" "$T/started" "" "$PATH"
CONF_START_LABEL="the cases' unshare --net --pid, setpriv to nobody" conf_start_check "${PF_WRAP[@]}" \
	"$T/started" "" "$PATH" setpriv --reuid=65534 --regid=65534 --clear-groups

CFG=$T/in/cfg.yaml
NOCRI=$T/in/nocri.yaml
LISTEN6443='python3 -c "
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((\"0.0.0.0\", 6443)); s.listen(); open(sys.argv[1], \"w\").close(); time.sleep(120)" {dir}/ready &
for i in $(seq 100); do [ -e {dir}/ready ] && break; sleep 0.05; done'

# ---- host state, no CRI ----
pf_case "init preflight, no CRI socket" -- init phase preflight --config "$NOCRI" --dry-run
pf_case "init preflight, default socket" -- init phase preflight --config "$CFG" --dry-run
pf_case "verbose -v=1" -- init phase preflight --config "$NOCRI" --dry-run -v=1
pf_case "verbose -v=1, kubelet on PATH" --path "$T/bin-kubelet:$PATH" -- \
	init phase preflight --config "$NOCRI" --dry-run -v=1 --ignore-preflight-errors=all
pf_case "port 6443 taken" --sh "$LISTEN6443" -- init phase preflight --config "$NOCRI" --dry-run
pf_case "ignore all" -- init phase preflight --config "$NOCRI" --dry-run --ignore-preflight-errors=all
pf_case "ignore some, any case" -- init phase preflight --config "$NOCRI" --dry-run \
	--ignore-preflight-errors=port-2379,CRI,FileContent--proc-sys-net-ipv4-ip_forward
pf_case "ignore all mixed with a check" -- init phase preflight --config "$NOCRI" --dry-run \
	--ignore-preflight-errors=all,cri
pf_case "ignore with spaces and duplicates" -- init phase preflight --config "$NOCRI" --dry-run \
	--ignore-preflight-errors=Port-2380 --ignore-preflight-errors=port-2380,Mem
pf_case "losetup missing, no init system" --path "$T/bin-nolosetup" -- \
	init phase preflight --config "$NOCRI" --dry-run
pf_case "reference kubelet on PATH (SystemVerification, cgroups)" --path "$T/bin-kubelet:$PATH" -- \
	init phase preflight --config "$NOCRI" --dry-run
pf_case "kubelet newer than the control plane" --path "$T/bin-kubelet:$PATH" -- \
	init phase preflight --config "$T/in/v136.yaml" --dry-run --cri-socket unix:///nonexistent/cri.sock
pf_case "kubelet on PATH, everything ignored" --path "$T/bin-kubelet:$PATH" -- \
	init phase preflight --config "$NOCRI" --dry-run --ignore-preflight-errors=all
pf_case "pull policy Never, not dry-run" -- init phase preflight --config "$T/in/never.yaml" \
	--ignore-preflight-errors=all
pf_case "not root" --user -- init phase preflight --config "$NOCRI" --dry-run
pf_case "not root, ignored" --user -- init phase preflight --config "$NOCRI" --dry-run \
	--ignore-preflight-errors=IsPrivilegedUser,all
pf_case "HTTPS_PROXY without scheme" --env HTTPS_PROXY=proxy.example:3128 -- \
	init phase preflight --config "$NOCRI" --dry-run
pf_case "https_proxy with NO_PROXY entries" --env https_proxy=http://proxy.example:3128/ \
	--env NO_PROXY=10.0.0.1,10.96.0.0/12,.example -- init phase preflight --config "$NOCRI" --dry-run
pf_case "proxy, NO_PROXY=*" --env HTTPS_PROXY=http://proxy.example:3128 --env no_proxy='*' -- \
	init phase preflight --config "$NOCRI" --dry-run
pf_case "node name not in /etc/hosts, no route to DNS" -- init phase preflight \
	--config "$T/in/unresolvable.yaml" --dry-run

# ---- external etcd (a fake /version server inside the namespace) ----
cat >"$T/in/etcdsrv.py" <<'EOF'
import http.server, sys
ver = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if ver == "500":
            self.send_response(500); self.end_headers(); return
        b = ('{"etcdserver":"%s","etcdcluster":"3.5.0"}' % ver).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(b))); self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
open(sys.argv[3], "w").close()
s.serve_forever()
EOF
ext_cfg() { # ext_cfg <file> <extra external lines...>
	local f=$1; shift
	cp "$NOCRI" "$f"
	{
		printf 'etcd:\n  external:\n    endpoints:\n    - http://127.0.0.1:23790\n'
		local l
		for l in "$@"; do printf '    %s\n' "$l"; done
	} >>"$f"
}
ext_cfg "$T/in/ext.yaml"
ext_cfg "$T/in/ext-files.yaml" "caFile: /nonexistent/ca.crt" "certFile: /nonexistent/etcd.crt" \
	"keyFile: /nonexistent/etcd.key"
etcd_srv() { # the --sh script serving version $1
	echo "python3 $T/in/etcdsrv.py 23790 $1 {dir}/etcd-ready &
for i in \$(seq 100); do [ -e {dir}/etcd-ready ] && break; sleep 0.05; done"
}
pf_case "external etcd too old" --sh "$(etcd_srv 3.5.0)" -- \
	init phase preflight --config "$T/in/ext.yaml" --dry-run
pf_case "external etcd new enough" --sh "$(etcd_srv 3.6.1)" -- \
	init phase preflight --config "$T/in/ext.yaml" --dry-run
pf_case "external etcd unparsable version" --sh "$(etcd_srv bogus)" -- \
	init phase preflight --config "$T/in/ext.yaml" --dry-run
pf_case "external etcd client files missing" --sh "$(etcd_srv 3.6.1)" -- \
	init phase preflight --config "$T/in/ext-files.yaml" --dry-run
pf_case "external etcd refused (4 tries, 15 s)" -- \
	init phase preflight --config "$T/in/ext.yaml" --dry-run

# ---- prepared roots ----
root_files() {
	mkroot "$1"
	mkdir -p "$1/etc/kubernetes/manifests" "$1/var/lib/etcd/member"
	echo x >"$1/etc/kubernetes/manifests/kube-apiserver.yaml"
	echo x >"$1/etc/kubernetes/manifests/etcd.yaml"
	mkdir -p "$1/proc/sys/net/ipv4"
	echo 1 >"$1/proc/sys/net/ipv4/ip_forward"
}
root_empty_etcd() {
	mkroot "$1"
	mkdir -p "$1/var/lib/etcd"
	mkdir -p "$1/proc/sys/net/ipv4"
	echo 0 >"$1/proc/sys/net/ipv4/ip_forward"
}
root_two_cri() {
	mkroot "$1"
	mkdir -p "$1/var/run/containerd" "$1/var/run/crio"
}
TWO_SOCKS='for s in {dir}/var/run/containerd/containerd.sock {dir}/var/run/crio/crio.sock; do
	python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(120)" $s & done
for i in 1 2 3 4 5 6 7 8 9 10; do [ -S {dir}/var/run/crio/crio.sock ] && [ -S {dir}/var/run/containerd/containerd.sock ] && break; sleep 0.1; done'
# the reference kubelet inside a root (a static binary): SystemVerification reads the root
root_kubelet() {
	mkroot "$1"
	mkdir -p "$1/usr/bin"
	ln "$PEERS/kubelet.real" "$1/usr/bin/kubelet" 2>/dev/null || cp "$PEERS/kubelet.real" "$1/usr/bin/kubelet"
}
root_sysv2() { # kernel config, cgroup v2 without the freezer, swap on
	root_kubelet "$1"
	mkdir -p "$1/proc" "$1/sys/fs/cgroup"
	cp /proc/config.gz "$1/proc/config.gz"
	printf 'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n' >"$1/proc/mounts"
	printf 'cpuset cpu memory pids\n' >"$1/sys/fs/cgroup/cgroup.controllers"
	printf 'Filename\tType\tSize\tUsed\tPriority\n/swap file 1024 0 -2\n' >"$1/proc/swaps"
}
root_sysv1() { # cgroup v1 with the hierarchies listed in /proc/cgroups
	root_kubelet "$1"
	mkdir -p "$1/proc" "$1/sys/fs/cgroup/memory"
	printf 'CONFIG_NAMESPACES=y\nCONFIG_NET_NS=y\nCONFIG_IP_NF_TARGET_REDIRECT=m\nCONFIG_MEMCG=n\n' \
		>"$1/proc/config.gz.txt"
	gzip -c "$1/proc/config.gz.txt" >"$1/proc/config.gz"
	printf 'tmpfs /sys/fs/cgroup tmpfs rw 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n' \
		>"$1/proc/mounts"
	printf '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t1\t1\t1\ncpuacct\t1\t1\t1\nmemory\t2\t1\t1\nblkio\t3\t1\t0\n' \
		>"$1/proc/cgroups"
}
# these need gzip and this kernel's /proc/config.gz: counted skips without them
sysv_case() { # pf_case's arguments
	if command -v gzip >/dev/null && [ -r /proc/config.gz ]; then
		pf_case "$@"
	elif conf_selected "$1"; then
		conf_skip "$1" "no gzip or no /proc/config.gz on this machine"
	fi
}
sysv_case "rootfs: kubelet, no kernel config, no modprobe" --root root_kubelet -- \
	init phase preflight --rootfs "{dir}" --config /nocri.yaml --dry-run
sysv_case "rootfs: cgroup v2 without freezer, swap on" --root root_sysv2 -- \
	init phase preflight --rootfs "{dir}" --config /nocri.yaml --dry-run
sysv_case "rootfs: cgroup v1, kernel config gaps" --root root_sysv1 -- \
	init phase preflight --rootfs "{dir}" --config /nocri.yaml --dry-run
sysv_case "rootfs: cgroup v1, ignored" --root root_sysv1 -- \
	init phase preflight --rootfs "{dir}" --config /nocri.yaml --dry-run \
	--ignore-preflight-errors=SystemVerification
pf_case "rootfs: manifests and etcd data present" --root root_files -- \
	init phase preflight --rootfs "{dir}" --config /nocri.yaml --dry-run
pf_case "rootfs: empty etcd dir, ip_forward 0" --root root_empty_etcd -- \
	init phase preflight --rootfs "{dir}" --config /nocri.yaml --dry-run
pf_case "rootfs: two CRI sockets" --root root_two_cri --sh "$TWO_SOCKS" -- \
	init phase preflight --rootfs "{dir}" --config /cfg.yaml --dry-run
pf_case "rootfs: no CRI socket, detection" --root mkroot -- \
	init phase preflight --rootfs "{dir}" --config /cfg.yaml --dry-run

# ---- join and reset preflight ----
cat >"$T/in/join.yaml" <<'EOF'
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
nodeRegistration:
  name: localhost
  criSocket: unix:///nonexistent/cri.sock
discovery:
  bootstrapToken:
    apiServerEndpoint: 127.0.0.1:6443
    token: abcdef.0123456789abcdef
    unsafeSkipCAVerification: true
timeouts:
  discovery: 2s
EOF
root_join() { # a node that already joined once
	mkroot "$1"
	cp "$T/in/join.yaml" "$1/join.yaml"
	mkdir -p "$1/etc/kubernetes/pki"
	echo x >"$1/etc/kubernetes/kubelet.conf"
	echo x >"$1/etc/kubernetes/pki/ca.crt"
}
pf_case "join preflight, worker" -- join phase preflight --config "$T/in/join.yaml"
pf_case "join preflight, everything ignored (then discovery fails)" -- \
	join phase preflight --config "$T/in/join.yaml" --ignore-preflight-errors=all
pf_case "join preflight, rootfs with kubelet.conf and ca.crt" --root root_join -- \
	join phase preflight --rootfs "{dir}" --config /join.yaml
pf_case "join preflight, not root" --user -- join phase preflight --config "$T/in/join.yaml"
pf_case "reset preflight" -- reset phase preflight --force
pf_case "reset preflight, not root" --user -- reset phase preflight --force
pf_case "reset preflight, not root, ignored" --user -- reset phase preflight --force \
	--ignore-preflight-errors=isprivilegeduser

# ---- config images pull without a runtime ----
pf_case "config images pull, no runtime" -- config images pull --kubernetes-version v1.37.2 \
	--cri-socket unix:///nonexistent/cri.sock
pf_case "config images pull, bad feature gate" -- config images pull --kubernetes-version v1.37.2 \
	--feature-gates Nope=true
pf_case "config images pull, config file" -- config images pull --config "$NOCRI"

# ---- a real containerd (private, in its own namespaces) ----
if ! conf_section containerd; then
	:
elif ctrd_start "$T/ctrd"; then
	cfg "$T/in/ctrd.yaml" "criSocket: unix://$CTRD_SOCK" "imagePullSerial: true"
	cfg "$T/in/ctrd-never.yaml" "criSocket: unix://$CTRD_SOCK" "imagePullPolicy: Never"
	pf_case "containerd: init preflight dry-run" -- init phase preflight --config "$T/in/ctrd.yaml" --dry-run
	pf_case "containerd: kubelet on PATH" --path "$T/bin-kubelet:$PATH" -- \
		init phase preflight --config "$T/in/ctrd.yaml" --dry-run --ignore-preflight-errors=SystemVerification
	pf_case "containerd: policy Never" -- init phase preflight --config "$T/in/ctrd-never.yaml" \
		--ignore-preflight-errors=all
	cfg "$T/in/ctrd-pull.yaml" "criSocket: unix://$CTRD_SOCK" "imagePullSerial: true"
	sed -i 's/^kubernetesVersion: v1.37.2$/kubernetesVersion: v1.37.2\nimageRepository: 127.0.0.1:1/' "$T/in/ctrd-pull.yaml"
	pf_case "containerd: ImagePull, serial (registry refused)" -- init phase preflight \
		--config "$T/in/ctrd-pull.yaml" --ignore-preflight-errors=SystemVerification,KubeletVersion,Port-2379,Port-2380,FileContent--proc-sys-net-ipv4-ip_forward
	pf_case "containerd: config images pull (no network)" -- config images pull \
		--kubernetes-version v1.37.2 --cri-socket "unix://$CTRD_SOCK" --image-repository 127.0.0.1:1
else
	echo "FAIL containerd: did not start"
	tail -5 "$T/ctrd/containerd.log"
	CONF_FAILED=$((CONF_FAILED + 1))
fi
ctrd_stop

conf_done
