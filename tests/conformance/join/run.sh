#!/bin/bash
# `kubeadm join` against the reference without a cluster: both binaries run in a network
# namespace of their own (tests/lib/compare.sh), in a fresh temp dir, with the join dry-run dir
# set to ./dr (KUBEADM_JOIN_DRYRUN_DIR): nothing outside the temp dirs is written. Compared: exit
# code, stdout, stderr (klog headers normalised) and, for dry-runs, the files written to ./dr.
# Dry-run joins use kubeadm's fake discovery (the dry-run client's cluster-info, signed for
# abcdef.abcdef0123456789; a token without a signature is mutated to it after one retry).
#   tests/conformance/join/run.sh <ckubeadm> <reference kubeadm>
# One line per case, then "N passed, N failed, N skipped"; CKUBEADM_CASES selects cases
# (tests/lib/compare.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/compare.sh"
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference-kubeadm> [build-dir]" >&2; exit 2; }
if [ "$(id -u)" -ne 0 ]; then
	# every case: the preflight root check would fail both sides alike and prove nothing
	echo "skip all cases: needs root (the preflight root check)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 1
fi
conf_init "$(readlink -f "$1")" "$2"
export KUBEADM_JOIN_DRYRUN_DIR=dr

pin=sha256:3b793efefe27a19f93b0fbe6e637e9c41d0dde8a377d6ab1c0f656bf1136dd8a
zero=sha256:0000000000000000000000000000000000000000000000000000000000000000
common=(--cri-socket unix:///nonexistent.sock --ignore-preflight-errors=all)

# dry-run worker joins (fake discovery)
conf_case dry-run-foreign-token-unsafe --files dr -- join 10.0.0.1:6443 --token zzzzzz.0123456789abcdef \
	--discovery-token-unsafe-skip-ca-verification --dry-run "${common[@]}"
conf_case dry-run-kubeadm-token-pinned --files dr -- join 10.0.0.1:6443 --token abcdef.abcdef0123456789 \
	--discovery-token-ca-cert-hash "$pin" --dry-run "${common[@]}"
conf_case dry-run-two-pins --files dr -- join 10.0.0.1:6443 --token abcdef.abcdef0123456789 \
	--discovery-token-ca-cert-hash "$zero" --discovery-token-ca-cert-hash "$pin" --dry-run "${common[@]}"
conf_case dry-run-node-name-tls-token --files dr -- join 10.0.0.1:6443 --discovery-token abcdef.abcdef0123456789 \
	--tls-bootstrap-token 123456.0123456789abcdef --discovery-token-unsafe-skip-ca-verification \
	--node-name worker-7 --dry-run "${common[@]}"
conf_case dry-run-skip-kubelet-start -- join 10.0.0.1:6443 --token abcdef.abcdef0123456789 \
	--discovery-token-unsafe-skip-ca-verification --skip-phases kubelet-start --dry-run "${common[@]}"
conf_case dry-run-phase-kubelet-start --files dr -- join phase kubelet-start 10.0.0.1:6443 \
	--token abcdef.abcdef0123456789 --discovery-token-unsafe-skip-ca-verification --dry-run \
	--cri-socket unix:///nonexistent.sock
conf_case dry-run-phase-preflight -- join phase preflight 10.0.0.1:6443 --token abcdef.abcdef0123456789 \
	--discovery-token-unsafe-skip-ca-verification --dry-run "${common[@]}"
conf_case dry-run-phase-kubelet-wait-bootstrap -- join phase kubelet-wait-bootstrap --dry-run \
	--cri-socket unix:///nonexistent.sock

# a worker's taints go to kubeadm-flags.env as --register-with-taints (every v1.Taint.ToString
# form), a kubeletconfiguration patch to config.yaml; an empty list registers nothing; a control
# plane's taints are never flags (the phase alone: it fails printing the manifests it did not
# write, after the files)
mkdir -p "$CONF_TMP/patches"
printf 'healthzPort: 10252\nmaxPods: 42\n' >"$CONF_TMP/patches/kubeletconfiguration+strategic.yaml"
printf '[{"op": "add", "path": "/evictionHard", "value": {"memory.available": "5%%"}}]\n' \
	>"$CONF_TMP/patches/kubeletconfiguration1+json.json"
join_cfg() { # $1: file, $2: nodeRegistration extra lines, $3: extra top-level lines
	cat >"$1" <<Y
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: 10.0.0.1:6443
    token: abcdef.abcdef0123456789
    unsafeSkipCAVerification: true
nodeRegistration:
  name: worker-3
  criSocket: unix:///nonexistent.sock
  ignorePreflightErrors:
  - all
$2
$3
Y
}
taints='  taints:
  - key: example.com/a
    value: "1"
    effect: NoSchedule
  - key: example.com/b
    effect: PreferNoSchedule
  - key: example.com/c
    value: x
  - key: example.com/d
  kubeletExtraArgs:
  - name: v
    value: "4"'
join_cfg "$CONF_TMP/taints.yaml" "$taints" "patches:
  directory: $CONF_TMP/patches"
join_cfg "$CONF_TMP/no-taints.yaml" "  taints: []" ""
join_cfg "$CONF_TMP/cp-taints.yaml" "$taints" "controlPlane:
  localAPIEndpoint:
    advertiseAddress: 10.0.0.5"
conf_case dry-run-worker-taints-patches --files dr -- join --config "$CONF_TMP/taints.yaml" --dry-run
conf_case dry-run-worker-empty-taints --files dr -- join --config "$CONF_TMP/no-taints.yaml" --dry-run
conf_case dry-run-phase-kubelet-start-worker-taints --files dr -- join phase kubelet-start \
	--config "$CONF_TMP/taints.yaml" --dry-run
conf_case dry-run-phase-kubelet-start-control-plane-taints --files dr -- join phase kubelet-start \
	--config "$CONF_TMP/cp-taints.yaml" --dry-run
conf_case dry-run-control-plane-no-shared-certs -- join --config "$CONF_TMP/cp-taints.yaml" --dry-run

# error cases
conf_case wrong-ca-pin -- join 10.0.0.1:6443 --token abcdef.abcdef0123456789 \
	--discovery-token-ca-cert-hash "$zero" --dry-run "${common[@]}"
conf_case wrong-token-secret -- join 10.0.0.1:6443 --token abcdef.0123456789abcdef \
	--discovery-token-unsafe-skip-ca-verification --dry-run "${common[@]}"
conf_case bad-pin-length -- join 10.0.0.1:6443 --token abcdef.abcdef0123456789 \
	--discovery-token-ca-cert-hash sha256:abcd --dry-run "${common[@]}"
conf_case bad-token-format -- join 10.0.0.1:6443 --token abcdef0123456789 \
	--discovery-token-unsafe-skip-ca-verification "${common[@]}"
conf_case no-pin-no-skip -- join 10.0.0.1:6443 --token abcdef.abcdef0123456789 "${common[@]}"
conf_case file-and-token -- join 10.0.0.1:6443 --token abcdef.abcdef0123456789 \
	--discovery-token-unsafe-skip-ca-verification --discovery-file x.conf "${common[@]}"
conf_case missing-discovery-file -- join --discovery-file ./nonexistent.conf \
	--tls-bootstrap-token abcdef.abcdef0123456789 "${common[@]}"

# unreachable endpoint: discovery retries every 5 s until timeouts.discovery
cat >"$CONF_TMP/unreachable.yaml" <<'Y'
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: 127.0.0.1:1
    token: abcdef.abcdef0123456789
    unsafeSkipCAVerification: true
nodeRegistration:
  criSocket: unix:///nonexistent.sock
  ignorePreflightErrors:
  - all
timeouts:
  discovery: 7s
Y
conf_case unreachable-endpoint -- join --config "$CONF_TMP/unreachable.yaml"

conf_done
