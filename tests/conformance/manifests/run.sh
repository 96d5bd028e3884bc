#!/bin/bash
# Static Pod manifests, patches and kubelet files against the reference kubeadm:
#   tests/conformance/manifests/run.sh <ckubeadm> <reference-kubeadm>
# Every case runs both binaries with --rootfs on a fresh root (kubeadm chroots into it, so
# /etc/kubernetes and /var/lib/kubelet of this machine are never touched), with the input
# config at /k.yaml and the patch directory at /patches inside the root; the whole root is
# compared afterwards (contents, and file modes through a listing). One line per case, then
# "N passed, N failed, N skipped" (the init-system cases are counted skips without a static C
# compiler, podcheck without go); CKUBEADM_CASES selects cases (tests/lib/compare.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/compare.sh"
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference-kubeadm> [build-dir]" >&2; exit 2; }
conf_init "$(realpath "$1")" "$(realpath "$2")"
in=$here/inputs
unset HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy
unset KUBEADM_INIT_DRYRUN_DIR

# mf_case <name> <config|-> <patchdir|-> <setup|-> -- <args...>: prepares both roots, runs.
mf_case() {
	local name=$1 cfg=$2 patches=$3 setup=$4 n side d
	shift 5
	conf_selected "$name" || return 0
	n=$CONF_N # the dir conf_case uses next
	for side in ref ours; do
		d=$CONF_TMP/$side/$n/root
		mkdir -p "$d"
		[ "$cfg" = - ] || cp "$in/$cfg" "$d/k.yaml"
		[ "$patches" = - ] || cp -r "$in/$patches" "$d/patches"
		[ "$setup" = - ] || (cd "$d" && eval "$setup")
	done
	local failed=$CONF_FAILED
	conf_case "$name" --files "${MF_FILES:-.}" -- "$@"
	[ "$CONF_FAILED" -eq "$failed" ] || return 0
	# file modes and types
	local r=$CONF_TMP/ref/$n/root o=$CONF_TMP/ours/$n/root
	if ! diff <(cd "$r" && find . -printf '%y %m %p\n' | sort) \
		<(cd "$o" && find . -printf '%y %m %p\n' | sort) >/dev/null; then
		echo "FAIL $name: file modes"
		diff <(cd "$r" && find . -printf '%y %m %p\n' | sort) \
			<(cd "$o" && find . -printf '%y %m %p\n' | sort) | head -10 | sed 's/^/     /'
		CONF_PASSED=$((CONF_PASSED - 1)) CONF_FAILED=$((CONF_FAILED + 1))
	fi
	if [ -n "${MF_SHOW_DIFF:-}" ]; then
		diff -r "$r" "$o" | head -40
	fi
}

phases=("control-plane all" "etcd local" "kubelet-start")
for cfg in $(cd "$in" && ls *.yaml); do
	for ph in "${phases[@]}"; do
		# shellcheck disable=SC2086
		mf_case "${cfg%.yaml}: $ph" "$cfg" - - -- init phase $ph --rootfs {dir} --config /k.yaml
	done
done

# single control-plane sub-phases and flags
for sub in apiserver controller-manager scheduler; do
	mf_case "control-plane $sub" 01-defaults.yaml - - -- init phase control-plane $sub --rootfs {dir} --config /k.yaml
done
mf_case "flags: apiserver flags" - - - -- init phase control-plane apiserver --rootfs {dir} \
	--kubernetes-version v1.36.1 --apiserver-advertise-address 10.1.2.3 --apiserver-bind-port 7443 \
	--control-plane-endpoint lb:6443 --service-cidr 10.50.0.0/16 --image-repository reg.io/x \
	--apiserver-extra-args v=2,audit-log-maxage=3 --cert-dir /pki
mf_case "flags: etcd image repository" 01-defaults.yaml - - -- init phase etcd local --rootfs {dir} --config /k.yaml --image-repository reg.io/y

# host paths that extend the CA mounts
mf_case "ca-trust mounts" 01-defaults.yaml - "mkdir -p etc/pki/ca-trust etc/ca-certificates usr/local/share/ca-certificates" -- \
	init phase control-plane all --rootfs {dir} --config /k.yaml
# existing files keep their mode (os.WriteFile truncates), directories too
mf_case "existing files: control-plane" 01-defaults.yaml - \
	"mkdir -p -m 0755 etc/kubernetes/manifests && echo old > etc/kubernetes/manifests/kube-apiserver.yaml && chmod 0644 etc/kubernetes/manifests/kube-apiserver.yaml" -- \
	init phase control-plane all --rootfs {dir} --config /k.yaml
mf_case "existing files: kubelet-start" 01-defaults.yaml - \
	"mkdir -p -m 0755 var/lib/kubelet && echo old > var/lib/kubelet/config.yaml && chmod 0600 var/lib/kubelet/config.yaml && chmod 0640 k.yaml" -- \
	init phase kubelet-start --rootfs {dir} --config /k.yaml

# proxy variables end up in the control-plane Pods
export HTTPS_PROXY=http://proxy.example:3128 no_proxy=localhost,10.0.0.0/8 FOO_proxy=
mf_case "proxy env" 09-extra-volumes-envs.yaml - - -- init phase control-plane all --rootfs {dir} --config /k.yaml
unset HTTPS_PROXY no_proxy FOO_proxy

# patches (--patches cannot be mixed with --config: patches.directory in the config, or flags)
withp="sed -i '/^kind: InitConfiguration/a patches:\\n  directory: /patches' k.yaml"
for ph in "${phases[@]}"; do
	# shellcheck disable=SC2086
	mf_case "patches-all: $ph" - patches-all - -- init phase $ph --rootfs {dir} --patches /patches \
		--kubernetes-version v1.37.2 --apiserver-advertise-address 10.0.0.5 --node-name node1 \
		--cri-socket unix:///run/containerd/containerd.sock
	# shellcheck disable=SC2086
	mf_case "patches via config: $ph" 16-patches-config.yaml patches-all - -- init phase $ph --rootfs {dir} --config /k.yaml
done
mf_case "patches kubelet" 14-component-configs.yaml patches-kubelet "$withp" -- init phase kubelet-start --rootfs {dir} --config /k.yaml
for p in patches-badtype patches-malformed; do
	mf_case "$p" 16-patches-config.yaml "$p" - -- init phase etcd local --rootfs {dir} --config /k.yaml
done
mf_case "patches-jsonfail" 16-patches-config.yaml patches-jsonfail - -- init phase control-plane apiserver --rootfs {dir} --config /k.yaml
mf_case "patches-removekind" 16-patches-config.yaml patches-removekind - -- init phase control-plane scheduler --rootfs {dir} --config /k.yaml
mf_case "patches-typeerr" 16-patches-config.yaml patches-typeerr - -- init phase control-plane scheduler --rootfs {dir} --config /k.yaml
for p in patches-bignumber patches-fraction patches-int32; do
	mf_case "$p" 16-patches-config.yaml "$p" - -- init phase control-plane scheduler --rootfs {dir} --config /k.yaml
done
mf_case "patches missing dir" 16-patches-config.yaml - - -- init phase control-plane scheduler --rootfs {dir} --config /k.yaml
mf_case "patches not a dir" 16-patches-config.yaml - "echo x > patches" -- init phase control-plane scheduler --rootfs {dir} --config /k.yaml

# the init system: a static stand-in for systemctl / openrc in the root logs every call; without
# a static C compiler each of these cases is a counted skip
fake=$CONF_TMP/fake-initctl
if ! cc -static -O2 -o "$fake" "$here/fake-initctl.c" 2>"$CONF_TMP/fake-initctl.err"; then
	initctl_skip="no static C compiler: $(head -n 1 "$CONF_TMP/fake-initctl.err")"
fi
initctl_case() { # mf_case's arguments
	if [ -n "${initctl_skip:-}" ]; then
		conf_selected "$1" && conf_skip "$1" "$initctl_skip"
		return 0
	fi
	mf_case "$@"
}
# diff -r cannot compare device files: these cases compare /var (files, call logs)
export MF_FILES=var
devnull="mkdir -p dev var/log && mknod -m 666 dev/null c 1 3"
for mode in offline active notfound; do
	initctl_case "systemd $mode: kubelet-start" 01-defaults.yaml - \
		"$devnull && mkdir -p usr/bin && cp '$fake' usr/bin/systemctl && echo $mode > fake-mode" -- \
		init phase kubelet-start --rootfs {dir} --config /k.yaml
	initctl_case "openrc $mode: kubelet-start" 01-defaults.yaml - \
		"$devnull && mkdir -p usr/bin sbin && cp '$fake' sbin/openrc && cp '$fake' sbin/rc-service && cp '$fake' sbin/rc-update && echo $mode > fake-mode" -- \
		init phase kubelet-start --rootfs {dir} --config /k.yaml
done
initctl_case "systemd without /dev/null: kubelet-start" 01-defaults.yaml - \
	"mkdir -p usr/bin var/log && cp '$fake' usr/bin/systemctl && echo active > fake-mode" -- \
	init phase kubelet-start --rootfs {dir} --config /k.yaml
initctl_case "openrc without rc-update: kubelet-start" 01-defaults.yaml - \
	"$devnull && mkdir -p sbin && cp '$fake' sbin/openrc && cp '$fake' sbin/rc-service && echo active > fake-mode" -- \
	init phase kubelet-start --rootfs {dir} --config /k.yaml
initctl_case "systemd active, resolvConf set: kubelet-start" 14-component-configs.yaml - \
	"$devnull && mkdir -p usr/bin && cp '$fake' usr/bin/systemctl && echo active > fake-mode && printf -- '---\\napiVersion: kubelet.config.k8s.io/v1beta1\\nkind: KubeletConfiguration\\nresolvConf: /etc/resolv.conf\\n' >> k.yaml" -- \
	init phase kubelet-start --rootfs {dir} --config /k.yaml
unset MF_FILES

# dry-run: files go to the dry-run directory; etcd prints its manifest
export KUBEADM_INIT_DRYRUN_DIR=/dry
for ph in "${phases[@]}"; do
	# shellcheck disable=SC2086
	mf_case "dry-run: $ph" 16-patches-config.yaml patches-all - -- init phase $ph --rootfs {dir} --config /k.yaml --dry-run
	# shellcheck disable=SC2086
	mf_case "dry-run rootless: $ph" - - "cp '$here/rootless.yaml' k.yaml" -- init phase $ph --rootfs {dir} --config /k.yaml --dry-run
done
unset KUBEADM_INIT_DRYRUN_DIR

# invalid extraArgs are the config layer's: the phases must fail the same way
mf_case "invalid extraArgs" - - "printf 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 10.0.0.5\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.37.2\napiServer:\n  extraArgs:\n  - value: x\n' > k.yaml" -- \
	init phase control-plane apiserver --rootfs {dir} --config /k.yaml

# every manifest we wrote decodes strictly into a k8s.io/api v1.Pod and is its Go encoding;
# without go a counted skip, a podcheck that does not build a failure
command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH=$PATH:/usr/local/go/bin
if ! conf_selected podcheck; then
	:
elif ! command -v go >/dev/null; then
	conf_skip podcheck "go is not installed (scripts/deps.sh installs it)"
elif ! (cd "$here/../../peers" && go build -o "$CONF_TMP/podcheck" ./podcheck) >"$CONF_TMP/podcheck.build" 2>&1; then
	echo "FAIL podcheck: does not build"
	sed 's/^/     /' "$CONF_TMP/podcheck.build" | tail -n 20
	CONF_FAILED=$((CONF_FAILED + 1))
elif "$CONF_TMP/podcheck" "$CONF_TMP/ours" >"$CONF_TMP/podcheck.out" 2>&1; then
	echo "ok   podcheck: $(tail -n 1 "$CONF_TMP/podcheck.out")"
	CONF_PASSED=$((CONF_PASSED + 1))
else
	echo "FAIL podcheck:"
	sed 's/^/     /' "$CONF_TMP/podcheck.out" | tail -n 20
	CONF_FAILED=$((CONF_FAILED + 1))
fi

conf_done
