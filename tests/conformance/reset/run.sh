#!/bin/bash
# `kubeadm reset` against the reference: both binaries run on identical prepared node trees
# under --rootfs <tmp> (chrooted, so nothing outside the temp dir is touched), each in a network
# namespace of its own with no cluster reachable and no CRI socket. Compared: exit code, stdout,
# stderr (klog headers normalised) and the resulting tree (names, types, link targets, contents).
# One line per case, then "N passed, N failed, N skipped"; CKUBEADM_CASES selects cases
# (tests/lib/compare.sh). The live-CRI cases need containerd, ctr, the reference crictl and the
# pause image (tests/peers/build.sh crictl, tests/e2e/images.sh): counted skips without them.
#   tests/conformance/reset/run.sh <ckubeadm> <reference kubeadm> [<build-dir>]
set -u
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference-kubeadm> [build-dir]" >&2; exit 2; }
. "$(cd "$(dirname "$0")/../../lib" && pwd)/compare.sh"
ours=$(readlink -f "$1")
ref=${2%/kubeadm}/kubeadm.real
[ -x "$ref" ] || ref=$2
if [ "$(id -u)" -ne 0 ]; then
	echo "skip all cases: needs root (--rootfs chroots)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 1
fi
CONF_OURS=$ours CONF_REF=$ref CONF_PASSED=0 CONF_FAILED=0 CONF_SKIPPED=0 CONF_UNSELECTED=0
conf_start_check unshare --net --

work=$(mktemp -d /var/tmp/ckubeadm-reset-conf.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Known gap owned by cri/ (reported): cri-client's -v=3/-v=4 lines "Connecting to runtime
# service" and "Validating the CRI v1 API runtime version" are not logged by cri_client_connect.
normalise() {
	sed -E -e 's/^([IWEF])[0-9]{4} [0-9:.]{15} +[0-9]+ [^]]+\] /\1 /' \
		-e "s#$work/(ref|ours)#{root}#g" \
		-e '/^I "(Connecting to runtime service|Validating the CRI v1 API runtime version)"/d'
}

# A control-plane node as kubeadm init leaves it.
tree_base() {
	local r=$1
	mkdir -p "$r"/etc/kubernetes/{manifests,pki/etcd,tmp} "$r"/var/lib/kubelet/pods/uid1/volumes \
		"$r"/var/lib/kubelet/pki "$r"/var/lib/etcd/member/snap "$r"/proc "$r"/etc/cni/net.d \
		"$r"/root/.kube
	: >"$r"/proc/mounts
	for f in ca.crt ca.key apiserver.crt apiserver.key sa.key sa.pub etcd/ca.crt etcd/ca.key; do
		echo "$f" >"$r/etc/kubernetes/pki/$f"
	done
	for f in kubelet.conf super-admin.conf controller-manager.conf scheduler.conf \
		bootstrap-kubelet.conf; do
		echo "$f" >"$r/etc/kubernetes/$f"
	done
	echo keep >"$r"/etc/kubernetes/other.conf
	echo x >"$r"/etc/kubernetes/tmp/kubeadm-backup-etcd
	for f in kube-apiserver kube-controller-manager kube-scheduler; do
		echo "kind: Pod" >"$r/etc/kubernetes/manifests/$f.yaml"
	done
	cat >"$r"/etc/kubernetes/manifests/etcd.yaml <<'M'
apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://10.0.0.1:2379
  name: etcd
  namespace: kube-system
spec:
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.6.9-0
  volumes:
  - hostPath:
      path: /etc/kubernetes/pki/etcd
      type: DirectoryOrCreate
    name: etcd-certs
  - hostPath:
      path: DATADIR
      type: DirectoryOrCreate
    name: etcd-data
M
	sed -i "s#DATADIR#${2:-/var/lib/etcd}#" "$r"/etc/kubernetes/manifests/etcd.yaml
	echo db >"$r"/var/lib/etcd/member/snap/db
	echo wal >"$r"/var/lib/etcd/member/wal
	echo "apiVersion: kubelet.config.k8s.io/v1beta1" >"$r"/var/lib/kubelet/config.yaml
	echo "KUBELET_KUBEADM_ARGS=" >"$r"/var/lib/kubelet/kubeadm-flags.env
	echo c >"$r"/var/lib/kubelet/pki/kubelet-client-current.pem
	ln -s kubelet-client-current.pem "$r"/var/lib/kubelet/pki/link.pem
	ln -s /etc/kubernetes/other.conf "$r"/var/lib/kubelet/outside-link
	echo v >"$r"/var/lib/kubelet/pods/uid1/volumes/data
	echo '{}' >"$r"/etc/cni/net.d/10-bridge.conf
	echo kc >"$r"/root/.kube/config
	chmod 0700 "$r"/etc/kubernetes/tmp
}

# listing <root>: every path with type, mode, link target and content checksum
listing() {
	(cd "$1" && find . -printf '%p %y %m %l\n' | sort | while read -r p t m l; do
		if [ "$t" = f ]; then echo "$p $t $m $(md5sum <"$p" | cut -c1-12)"; else echo "$p $t $m $l"; fi
	done)
}

# case <name> <prepare-fn> [--stdin <text>] -- <reset args...>
case_() {
	local name=$1 prep=$2; shift 2
	local input=""
	if [ "${1:-}" = --stdin ]; then input=$2; shift 2; fi
	[ "${1:-}" = -- ] && shift
	conf_selected "$name" || return 0
	local side bin c
	for side in ref ours; do
		bin=$ours; [ $side = ref ] && bin=$ref
		c=$work/$side.case
		rm -rf "$work/$side" "$c" && mkdir -p "$work/$side" "$c"
		"$prep" "$work/$side"
		local args=() a
		for a in "$@"; do args+=("${a//\{root\}/$work/$side}"); done
		printf '%s' "$input" | (cd / && unshare --net -- sh -c "$CONF_STARTED" sh "$c/started" "$bin" \
			"${args[@]}" --rootfs "$work/$side" >"$c/out" 2>"$c/err")
		echo $? >"$c/rc"
		normalise <"$c/out" >"$c/out.n"
		normalise <"$c/err" >"$c/err.n"
		listing "$work/$side" >"$c/tree"
	done
	local why=""
	cmp -s "$work/ref.case/tree" "$work/ours.case/tree" || why+=" tree"
	conf_verdict "$name" "$work/ref.case" "$work/ours.case" "$why" ||
		{ [ -z "$why" ] || diff -u "$work/ref.case/tree" "$work/ours.case/tree" | head -n 20 | sed 's/^/     /'; }
}

check() { # <name> <condition is true: 0|1> <why>: a check of this runner's own
	conf_selected "$1" || return 0
	if [ "$2" = 0 ]; then
		echo "ok   $1"
		CONF_PASSED=$((CONF_PASSED + 1))
	else
		echo "FAIL $1: $3"
		CONF_FAILED=$((CONF_FAILED + 1))
	fi
}

t_base() { tree_base "$1"; }
t_datadir() { tree_base "$1" /data/etcd; mkdir -p "$1"/data/etcd/member; echo d >"$1"/data/etcd/member/db; }
t_no_manifest() { tree_base "$1"; rm "$1"/etc/kubernetes/manifests/etcd.yaml; }
t_no_etcd() { tree_base "$1"; rm -r "$1"/etc/kubernetes/manifests/etcd.yaml "$1"/var/lib/etcd; }
t_empty_etcd() { tree_base "$1"; rm -r "$1"/var/lib/etcd/member; }
t_bad_manifest() { tree_base "$1"; printf 'apiVersion: v1\nkind: Pod\nspec:\n  volumes: []\n' >"$1"/etc/kubernetes/manifests/etcd.yaml; }
t_garbage_manifest() { tree_base "$1"; printf '{{{ not yaml' >"$1"/etc/kubernetes/manifests/etcd.yaml; }
t_no_proc() { tree_base "$1"; rm -r "$1"/proc; }
t_no_kubelet() { tree_base "$1"; rm -r "$1"/var/lib/kubelet; }
t_no_var() { tree_base "$1"; rm -r "$1"/var; }
t_mounts() {
	tree_base "$1"
	mkdir -p "$1"/var/lib/kubelet/pods/uid1/volumes/kubernetes.io~projected/token "$1"/var/lib/kubelet-other
	cat >"$1"/proc/mounts <<'P'
/dev/vda1 / ext4 rw,relatime 0 0
tmpfs /var/lib/kubelet tmpfs rw 0 0
tmpfs /var/lib/kubelet/pods/uid1/volumes/kubernetes.io~projected/token tmpfs rw 0 0
tmpfs /var/lib/kubelet-other tmpfs rw 0 0
P
}
t_mounts_missing() {
	tree_base "$1"
	cat >"$1"/proc/mounts <<'P'
tmpfs /var/lib/kubelet/pods/gone tmpfs rw 0 0
tmpfs /var/lib/kubelet/pods/gone2 tmpfs rw 0 0
P
}
t_symlink_kubelet() {
	tree_base "$1"
	mkdir -p "$1"/data
	mv "$1"/var/lib/kubelet "$1"/data/kubelet
	ln -s /data/kubelet "$1"/var/lib/kubelet
}
t_custom_pki() { tree_base "$1"; mkdir -p "$1"/srv/pki/etcd; echo k >"$1"/srv/pki/ca.key; }
t_admin_conf() {
	tree_base "$1"
	cat >"$1"/etc/kubernetes/admin.conf <<'K'
apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: true
  name: k
contexts:
- context: {cluster: k, user: u}
  name: c
current-context: c
users:
- name: u
  user: {token: abc}
K
}
t_bad_admin_conf() { tree_base "$1"; echo 'not: [a kubeconfig' >"$1"/etc/kubernetes/admin.conf; }
t_config() {
	tree_base "$1"
	cat >"$1"/reset.yaml <<'C'
apiVersion: kubeadm.k8s.io/v1beta4
kind: ResetConfiguration
force: true
cleanupTmpDir: true
certificatesDir: /etc/kubernetes/pki
unmountFlags: [MNT_DETACH, MNT_FORCE]
C
}
t_config_skip() {
	t_config "$1"
	printf 'skipPhases:\n- remove-etcd-member\n' >>"$1"/reset.yaml
}
t_config_dry() {
	t_config "$1"
	printf 'dryRun: true\n' >>"$1"/reset.yaml
}
t_config_bad() {
	tree_base "$1"
	printf 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ResetConfiguration\nunmountFlags: [MNT_BOGUS]\n' >"$1"/reset.yaml
}
t_config_unknown() {
	t_config "$1"
	printf 'bogusField: 1\n' >>"$1"/reset.yaml
}
t_config_v1beta3() {
	tree_base "$1"
	printf 'apiVersion: kubeadm.k8s.io/v1beta3\nkind: ResetConfiguration\nforce: true\n' >"$1"/reset.yaml
}

case_ "force: full control-plane node" t_base -- reset --force
case_ "-f short flag" t_base -- reset -f
case_ "dry-run: nothing changes" t_base -- reset --dry-run
case_ "dry-run with force" t_base -- reset --dry-run --force
case_ "cleanup-tmp-dir" t_base -- reset --force --cleanup-tmp-dir
case_ "dry-run cleanup-tmp-dir" t_base -- reset --dry-run --cleanup-tmp-dir
case_ "etcd data dir from the manifest" t_datadir -- reset --force
case_ "no etcd manifest: default data dir" t_no_manifest -- reset --force
case_ "no etcd at all" t_no_etcd -- reset --force
case_ "empty etcd data dir" t_empty_etcd -- reset --force
case_ "manifest without etcd-data volume: external etcd" t_bad_manifest -- reset --force
case_ "unparsable etcd manifest" t_garbage_manifest -- reset --force
case_ "no /proc/mounts: cleanup-node fails" t_no_proc -- reset --force
case_ "no /var/lib/kubelet: unmount skipped" t_no_kubelet -- reset --force
case_ "no /var at all" t_no_var -- reset --force
case_ "mount entries: not mounted (EINVAL ignored), prefix-only and self skipped" t_mounts -- reset --force
case_ "mount entries for missing paths: aggregated errors" t_mounts_missing -- reset --force
case_ "/var/lib/kubelet is a symlink" t_symlink_kubelet -- reset --force
case_ "non-default --cert-dir" t_custom_pki -- reset --force --cert-dir /srv/pki
case_ "non-default --cert-dir dry-run" t_custom_pki -- reset --dry-run --cert-dir /srv/pki
case_ "admin.conf: cluster unreachable (warning, reset goes on)" t_admin_conf -- reset --force
case_ "admin.conf: cluster unreachable, dry-run" t_admin_conf -- reset --dry-run
case_ "admin.conf unparsable" t_bad_admin_conf -- reset --force -v=1
case_ "--kubeconfig elsewhere" t_admin_conf -- reset --force --kubeconfig /nope.conf -v=1
case_ "prompt answered y" t_base --stdin $'y\n' -- reset
case_ "prompt answered YES" t_base --stdin $'YES\n' -- reset
case_ "prompt answered n" t_base --stdin $'n\n' -- reset
case_ "prompt with no input" t_base -- reset
case_ "skip-phases cleanup-node" t_base -- reset --force --skip-phases cleanup-node
case_ "skip-phases preflight,remove-etcd-member" t_base --stdin $'n\n' -- reset --skip-phases preflight,remove-etcd-member
case_ "skip-phases unknown" t_base -- reset --force --skip-phases nope
case_ "ignore-preflight-errors all" t_base -- reset --force --ignore-preflight-errors all
case_ "ignore-preflight-errors all mixed" t_base -- reset --force --ignore-preflight-errors all,IsPrivilegedUser
case_ "cri-socket without scheme" t_base -- reset --force --cri-socket /nonexistent.sock
case_ "cri-socket tcp" t_base -- reset --force --cri-socket tcp://127.0.0.1:1
case_ "config: ResetConfiguration" t_config -- reset --config /reset.yaml
case_ "config: skipPhases" t_config_skip -- reset --config /reset.yaml
case_ "config: dryRun" t_config_dry -- reset --config /reset.yaml
case_ "config: --dry-run allowed with --config" t_config -- reset --config /reset.yaml --dry-run
case_ "config: --force not allowed with --config" t_config -- reset --config /reset.yaml --force
case_ "config: invalid unmount flag" t_config_bad -- reset --config /reset.yaml --dry-run
case_ "config: unknown field" t_config_unknown -- reset --config /reset.yaml --dry-run
case_ "config: v1beta3 has no ResetConfiguration" t_config_v1beta3 -- reset --config /reset.yaml
case_ "config: missing file" t_base -- reset --config /nope.yaml
case_ "positional argument" t_base -- reset --force extra
case_ "phase preflight --force" t_base -- reset phase preflight --force
case_ "phase preflight prompt n" t_base --stdin $'n\n' -- reset phase preflight
case_ "phase remove-etcd-member" t_base -- reset phase remove-etcd-member
case_ "phase remove-etcd-member --dry-run" t_base -- reset phase remove-etcd-member --dry-run
case_ "phase cleanup-node" t_base -- reset phase cleanup-node
case_ "phase cleanupnode alias --dry-run --cleanup-tmp-dir" t_base -- reset phase cleanupnode --dry-run --cleanup-tmp-dir
case_ "phase cleanup-node --cert-dir" t_custom_pki -- reset phase cleanup-node --cert-dir /srv/pki
case_ "phase cleanup-node rejects --force" t_base -- reset phase cleanup-node --force
case_ "-v=1 logs" t_base -- reset --force -v=1
case_ "-v=5 logs with mounts" t_mounts -- reset --force -v=5

# ---- a live CRI: a private containerd (tests/lib/containerd.sh) whose socket is hard-linked
# at the tree's /var/run/containerd/containerd.sock (found by CRI detection inside the chroot);
# each side gets two fresh pod sandboxes, which reset must stop and remove.
crictl=$(dirname "$ref")/crictl.real
pause=$(dirname "$ref")/images/registry.k8s.io_pause_3.10.2.tar
here=$(cd "$(dirname "$0")/../.." && pwd)
ctrd_cases=("containerd: pod sandboxes removed (socket detected)" "containerd: no sandbox left"
	"containerd: dry-run keeps the sandboxes" "containerd: dry-run removed nothing"
	"containerd: explicit --cri-socket" "containerd: no sandbox left (explicit socket)")
missing=""
for t in containerd ctr; do command -v $t >/dev/null || missing+=" $t (apt package containerd)"; done
[ -x "$crictl" ] || missing+=" $crictl (tests/peers/build.sh crictl)"
[ -f "$pause" ] || missing+=" $pause (tests/e2e/images.sh)"
if ! conf_section containerd; then
	for c in "${ctrd_cases[@]}"; do conf_selected "$c"; done
elif [ -n "$missing" ]; then
	for c in "${ctrd_cases[@]}"; do conf_selected "$c" && conf_skip "$c" "missing:$missing"; done
else
	. "$here/lib/containerd.sh"
	if ctrd_start "$work/ctrd" registry.k8s.io/pause:3.10.2 &&
		ctr --address "$CTRD_SOCK" -n k8s.io images import "$pause" >"$work/import.log" 2>&1; then
		trap 'ctrd_stop; rm -rf "$work"' EXIT
		cri() { "$crictl" --runtime-endpoint "unix://$CTRD_SOCK" "$@" 2>/dev/null; }
		t_containerd() {
			tree_base "$1"
			mkdir -p "$1"/var/run/containerd
			ln "$CTRD_SOCK" "$1"/var/run/containerd/containerd.sock
			local i
			for i in 1 2; do
				printf '{"metadata":{"name":"p%s","namespace":"kube-system","uid":"u%s-%s","attempt":0},"linux":{"security_context":{"namespace_options":{"network":2}}},"log_directory":"/tmp"}' \
					$i $i "${1##*/}" >"$work/pod.json"
				cri runp "$work/pod.json" >/dev/null || echo "runp failed" >&2
			done
		}
		pods_left() { cri pods -q | wc -l; }
		case_ "${ctrd_cases[0]}" t_containerd -- reset --force
		left=$(pods_left)
		check "${ctrd_cases[1]}" "$([ "$left" = 0 ]; echo $?)" "$left sandboxes left"
		case_ "${ctrd_cases[2]}" t_containerd -- reset --dry-run -v=1
		left=$(pods_left)
		check "${ctrd_cases[3]}" "$([ "$left" = 4 ]; echo $?)" "$left sandboxes after dry-runs (want 4)"
		cri pods -q | while read -r id; do cri stopp "$id" >/dev/null; cri rmp "$id" >/dev/null; done
		case_ "${ctrd_cases[4]}" t_containerd -- reset --force --cri-socket unix:///var/run/containerd/containerd.sock -v=1
		left=$(pods_left)
		check "${ctrd_cases[5]}" "$([ "$left" = 0 ]; echo $?)" "$left sandboxes left (explicit socket)"
	else
		echo "FAIL containerd: the private containerd did not start or did not import $pause"
		tail -n 5 "$work/ctrd/containerd.log" "$work/import.log" 2>/dev/null | sed 's/^/     /'
		CONF_FAILED=$((CONF_FAILED + 1))
	fi
	ctrd_stop
fi

conf_done
