#!/bin/bash
# The CoreDNS and kube-proxy addons against the reference kubeadm:
#   tests/conformance/addons/run.sh <ckubeadm> <reference-kubeadm> [build-dir]
# Every case runs `init phase addon ... --dry-run` (and --print-manifest) on both binaries
# with the same configuration and the same dry-run directory (KUBEADM_INIT_DRYRUN_DIR) holding
# an admin.conf made by the reference (kubeadm's dry-run client loads it; inside `unshare --net`
# the real GETs fail and the fake tracker answers, as on a machine without a control plane).
# stdout, stderr and the exit code are compared. Then tests/peers/addoncheck decodes every
# object ckubeadm printed strictly into its k8s.io/api type and checks that Go encodes it back
# to the same YAML, and that kubeadm's own EnsureDNSAddon/EnsureProxyAddon create equal
# objects for the same configuration; tests/conformance/addons/apiserver.sh runs the objects
# against a real kube-apiserver (a counted skip without the peers). One line per case, then
# "N passed, N failed, N skipped"; CKUBEADM_CASES selects cases, the sections "objects" and
# "apiserver" by those labels (tests/lib/compare.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
. "$root/tests/lib/compare.sh"
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference-kubeadm> [build-dir]" >&2; exit 2; }
conf_init "$(realpath "$1")" "$(realpath "$2")"
unset HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy
in=$here/inputs

# Shared, read-only inputs: the patches directory and an admin.conf.
cp -r "$here/patches" "$CONF_TMP/patches"
mkdir -p "$CONF_TMP/cfg" "$CONF_TMP/dr" "$CONF_TMP/empty-dr"
for in_file in "$in"/*.yaml; do
	sed "s#@PATCHES@#$CONF_TMP/patches#" "$in_file" >"$CONF_TMP/cfg/$(basename "$in_file")"
done
(cd "$CONF_TMP" && KUBEADM_INIT_DRYRUN_DIR=$CONF_TMP/dr unshare --net -- "$CONF_REF" init phase certs ca \
	--dry-run --config "$CONF_TMP/cfg/01-defaults.yaml" >/dev/null 2>&1 &&
	KUBEADM_INIT_DRYRUN_DIR=$CONF_TMP/dr unshare --net -- "$CONF_REF" init phase kubeconfig admin \
	--dry-run --config "$CONF_TMP/cfg/01-defaults.yaml" >/dev/null 2>&1)
if [ ! -s "$CONF_TMP/dr/admin.conf" ]; then
	echo "FAIL setup: the reference made no admin.conf"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
export KUBEADM_INIT_DRYRUN_DIR=$CONF_TMP/dr

# Keeps the stdout of ckubeadm's dry-run cases for the Go check, with the config file and the
# phase kubeadm's own objects are built for (CHECK_CFG empty: no such comparison).
OBJ_OUTS=()
CHECK_CFG="" CHECK_WHICH=all
add_case() {
	local name=$1; shift
	local n=$CONF_N # the dir conf_case uses next
	conf_selected "$name" || return 0
	conf_case "$name" -- "$@"
	OBJ_OUTS+=("$CONF_TMP/ours/$n/out|$CHECK_CFG|$CHECK_WHICH")
}

for cfg_path in "$CONF_TMP"/cfg/*.yaml; do
	c=$(basename "$cfg_path" .yaml)
	for ph in coredns kube-proxy all; do
		CHECK_CFG=$cfg_path CHECK_WHICH=$ph
		add_case "$c: addon $ph --dry-run" init phase addon $ph --dry-run --config "$cfg_path"
	done
	for ph in coredns kube-proxy; do
		conf_case "$c: addon $ph --print-manifest" -- init phase addon $ph --print-manifest --config "$cfg_path"
	done
done

CHECK_CFG=""
# flags instead of a file (the coredns phase has no --apiserver-advertise-address: without a
# default route kubeadm refuses the 0.0.0.0 bind address, see "flags: coredns" below)
add_case "flags: kube-proxy" init phase addon kube-proxy --dry-run --control-plane-endpoint lb.example.com \
	--apiserver-bind-port 7443 --apiserver-advertise-address 10.1.2.3 --pod-network-cidr 10.32.0.0/12 \
	--kubernetes-version v1.36.2
add_case "flags: all" init phase addon all --dry-run --apiserver-advertise-address 10.1.2.3 \
	--kubernetes-version v1.37.0 --service-cidr 10.128.0.0/12
# proxy variables of the environment land in the DaemonSet's env
HTTPS_PROXY=http://proxy.example.com:3128 no_proxy=localhost,10.0.0.0/8 \
	add_case "env: *_proxy in kube-proxy" init phase addon kube-proxy --dry-run --config "$CONF_TMP/cfg/01-defaults.yaml"
HTTPS_PROXY=http://proxy.example.com:3128 \
	conf_case "env: *_proxy, print-manifest" -- init phase addon kube-proxy --print-manifest --config "$CONF_TMP/cfg/01-defaults.yaml"
# no admin.conf in the dry-run directory
KUBEADM_INIT_DRYRUN_DIR=$CONF_TMP/empty-dr conf_case "no admin.conf: coredns" -- \
	init phase addon coredns --dry-run --config "$CONF_TMP/cfg/01-defaults.yaml"
KUBEADM_INIT_DRYRUN_DIR=$CONF_TMP/empty-dr conf_case "no admin.conf: kube-proxy" -- \
	init phase addon kube-proxy --dry-run --config "$CONF_TMP/cfg/01-defaults.yaml"
# a service subnet too small for the DNS IP
conf_case "small service subnet" -- init phase addon coredns --dry-run --service-cidr 10.0.0.0/29

# Go check of the objects (strict decoding, round trip, equal to kubeadm's own objects); without
# go a counted skip, an addoncheck that does not build a failure.
command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH=$PATH:/usr/local/go/bin
if ! conf_section objects || [ ${#OBJ_OUTS[@]} -eq 0 ]; then
	:
elif ! command -v go >/dev/null; then
	conf_skip "objects (${#OBJ_OUTS[@]} checks)" "go is not installed (scripts/deps.sh installs it)"
else
	bin=$CONF_TMP/addoncheck
	if (cd "$root/tests/peers" && go build -o "$bin" ./addoncheck) 2>"$CONF_TMP/gobuild.err"; then
		for entry in "${OBJ_OUTS[@]}"; do
			IFS='|' read -r ours check_cfg check_which <<<"$entry"
			if ! grep -q '^\[dryrun\] Attached object:' "$ours"; then
				# the case itself compared this output with the reference's
				echo "     (objects: no object printed by ${ours#$CONF_TMP/})"
				continue
			fi
			args=("$ours")
			[ -z "$check_cfg" ] || args+=("$check_cfg" "$check_which")
			if msg=$(KUBEADM_INIT_DRYRUN_DIR= "$bin" "${args[@]}" 2>&1); then
				echo "ok   objects: strict decoding, Go encoding${check_cfg:+, equal to kubeadm objects}: ${ours#$CONF_TMP/}"
				CONF_PASSED=$((CONF_PASSED + 1))
			else
				echo "FAIL objects: ${ours#$CONF_TMP/}"
				echo "$msg" | grep -v '^ok' | head -n 20 | sed 's/^/     /'
				CONF_FAILED=$((CONF_FAILED + 1))
			fi
		done
	else
		echo "FAIL addoncheck build"; sed 's/^/     /' "$CONF_TMP/gobuild.err" | head
		CONF_FAILED=$((CONF_FAILED + 1))
	fi
fi

# The objects against a real kube-apiserver: a counted skip when the peers are missing or when
# ADDONS_NO_APISERVER is set.
if ! conf_section apiserver; then
	:
elif [ -n "${ADDONS_NO_APISERVER:-}" ]; then
	conf_skip apiserver "ADDONS_NO_APISERVER is set"
else
	bash "$here/apiserver.sh" "$CONF_OURS" "$CONF_REF" >"$CONF_TMP/apiserver.log" 2>&1
	conf_sub apiserver "$CONF_TMP/apiserver.log" $?
fi
conf_done
