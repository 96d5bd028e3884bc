#!/usr/bin/env bash
# Diagnosis on the bed (beyond-kubeadm.md §2.3, §2.4): faults injected for real into a node,
# `KUBEADM init` run with short timeouts, and the [diagnose] block checked.
# Usage: tests/e2e/faults.sh KUBEADM [smoke|all|FAULT...]   (default: smoke)
#   KUBEADM: ckubeadm. smoke: F3 F9 F11 F12 (scripts/test.sh, about 3 minutes).
#   all: every fault below, each also run with the reference kubeadm to compare the exit code
#   and the last stderr line, then a healthy init (no diagnosis, `diagnose` exits 0).
# Faults (the codes of the catalogue they must name):
#   F3  kubelet stopped right after kubelet-start          KUBELET_NOT_RUNNING
#   F5  KubeletConfiguration cgroupDriver: systemd         CGROUP_DRIVER_MISMATCH
#   F9  the runtime's sandbox (pause) image removed        SANDBOX_IMAGE_UNAVAILABLE
#   F10 the kube-apiserver image removed                   IMAGE_NOT_PRESENT
#   F11 apiServer.extraArgs no-such-flag                   COMPONENT_BAD_FLAG
#   F12 127.0.0.1:10259 taken by another process           PORT_IN_USE
# For each: init fails with exit 1, stderr has exactly one "[diagnose] Likely cause (CODE)",
# it comes just before kubeadm's error lines, the evidence names the fault's token (image,
# flag, port and process), the Diagnosis event took <= 5 s; with CKUBEADM_DIAGNOSE=0 no block.
# Prints a table (fault, code named, diagnosis ms, result) and "N passed, N failed, N skipped".
# Timeouts: E2E_FAULT_TIMEOUT (default 20s in smoke, else 30s) for init's health checks and
# its API calls (kubernetesAPICall: init's client bootstrap waits that long for the API server).
# all also measures --fail-fast on F11 with kubeadm's default timeouts, against the reference.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || e2e_die "usage: faults.sh KUBEADM [smoke|all|FAULT...]"
kubeadm=$(realpath "$1") || e2e_die "no such binary: $1"
shift
[ "$(id -u)" = 0 ] || e2e_die "the bed needs root"
ref=${E2E_REFERENCE:-/var/cache/ckubeadm/peers/k8s-v1.37.2/kubeadm.real}
mode=${1:-smoke}
case $mode in
smoke) faults=(F3 F9 F11 F12); compare=0; healthy=0 ;;
all) faults=(F3 F5 F9 F10 F11 F12); compare=1; healthy=1 ;;
*) faults=("$@"); compare=${E2E_FAULT_COMPARE:-0}; healthy=0 ;;
esac
timeout=${E2E_FAULT_TIMEOUT:-}
[ -n "$timeout" ] || { [ "$mode" = smoke ] && timeout=20s || timeout=30s; }
timeouts=$timeout
node=cp1
logs=${CKUBEADM_E2E_LOGS:-/var/tmp/ckubeadm-e2e-logs/faults-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$logs"
passed=0 failed=0 skipped=0
table=()
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }

if "$E2E_DIR/node.sh" list | grep -q ' running$'; then
	e2e_die "a bed is already up; run tests/e2e/down.sh first"
fi
"$E2E_DIR/node.sh" destroy-all >/dev/null 2>&1 || true
finish() {
	"$E2E_DIR/node.sh" destroy-all >>"$logs/teardown.log" 2>&1 || bad "teardown"
	printf '\n%-5s %-28s %-10s %s\n' fault "code named" "diag ms" result
	printf '%s\n' "${table[@]}"
	printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
	e2e_log "logs: $logs"
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}
trap 'trap - EXIT; finish; exit $?' EXIT
trap 'exit 130' INT TERM

e2e_peers "$logs/build.log" || { bad "peers"; exit 1; }
"$E2E_DIR/node.sh" create "$node" 1 >"$logs/node.log" 2>&1 || { bad "node $node created"; exit 1; }
dir=$(e2e_node_dir "$node")
inode() { "$E2E_DIR/node.sh" exec "$node" "$@"; }
klog=$dir/log/kubelet.log

# config FAULT FILE: the bed's init configuration with short timeouts (kubeadm's own when
# $timeouts is "default") and the fault's changes
config() {
	e2e_kubeadm_config "$node" "$2"
	python3 - "$2" "$1" "$timeouts" <<'PY'
import sys
path, fault, timeout = sys.argv[1:]
docs = open(path).read().split("---\n")
out = []
for d in docs:
    if "kind: InitConfiguration" in d and timeout != "default":
        d += ("timeouts:\n  controlPlaneComponentHealthCheck: %s\n  kubeletHealthCheck: %s\n"
              "  kubernetesAPICall: %s\n" % (timeout, timeout, timeout))
    if "kind: ClusterConfiguration" in d and fault == "F11":
        d += "apiServer:\n  extraArgs:\n  - name: no-such-flag\n    value: x\n"
    if "kind: KubeletConfiguration" in d and fault == "F5":
        d = d.replace("cgroupDriver: cgroupfs", "cgroupDriver: systemd")
    out.append(d)
open(path, "w").write("---\n".join(out))
PY
}

ctr_node() { inode ctr -a /run/containerd/containerd.sock -n k8s.io "$@"; }
# restore: what a fault removed or started is put back, and the node reset
restore() {
	[ -n "${holder:-}" ] && kill "$holder" 2>/dev/null
	[ -n "${stopper:-}" ] && kill "$stopper" 2>/dev/null
	holder= stopper=
	inode pkill -f 'ckubeadm-fault-holder' 2>/dev/null
	inode "$kubeadm" reset -f >>"$logs/reset.log" 2>&1
	inode systemctl start kubelet
	for t in "$E2E_IMAGES"/registry.k8s.io_pause_*.tar "$E2E_IMAGES"/registry.k8s.io_kube-apiserver_*.tar; do
		ctr_node images import "$t" >>"$logs/reset.log" 2>&1
	done
}

# inject FAULT: the part of a fault that is not in the config; sets the ignored preflight checks
inject() {
	ignore=SystemVerification
	case $1 in
	F3)
		# the bed's systemctl writes a restart token when kubeadm's kubelet-start restarts
		# the kubelet: stop it right then, as "systemctl stop kubelet" would
		inode rm -f /run/e2e-kubelet/restart
		( for _ in $(seq 600); do
			if inode test -f /run/e2e-kubelet/restart; then inode systemctl stop kubelet; exit 0; fi
			sleep 0.1
		done ) >>"$logs/$f.inject.log" 2>&1 &
		stopper=$! ;;
	F9) ctr_node images rm "$E2E_PAUSE_IMAGE" >>"$logs/$f.inject.log" 2>&1; ignore+=,ImagePull ;;
	F10) ctr_node images rm "registry.k8s.io/kube-apiserver:$E2E_K8S_VERSION" >>"$logs/$f.inject.log" 2>&1
		ignore+=,ImagePull ;;
	F12)
		inode python3 -c 'import socket, sys, time
sys.argv[0] = "ckubeadm-fault-holder"
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 10259)); s.listen(1); time.sleep(900)' >>"$logs/$f.inject.log" 2>&1 &
		holder=$!
		for _ in $(seq 50); do inode grep -q ':280B 00000000:0000 0A' /proc/net/tcp && break; sleep 0.1; done
		ignore+=,Port-10259 ;;
	esac
}

declare -A want=([F3]=KUBELET_NOT_RUNNING [F5]=CGROUP_DRIVER_MISMATCH [F9]=SANDBOX_IMAGE_UNAVAILABLE
	[F10]=IMAGE_NOT_PRESENT [F11]=COMPONENT_BAD_FLAG [F12]=PORT_IN_USE)
declare -A token=([F3]="no process named kubelet" [F5]="cgroupDriver: systemd"
	[F9]="$E2E_PAUSE_IMAGE" [F10]="registry.k8s.io/kube-apiserver:$E2E_K8S_VERSION"
	[F11]="--no-such-flag" [F12]="port 10259")

# run_init BIN FAULT NAME [ENV...]: init with the fault injected; NAME.out/.err/.rc/.events
run_init() {
	local bin=$1 fault=$2 name=$3
	shift 3
	config "$fault" "$dir/kubeadm.yaml"
	: >"$logs/$name.events"
	inject "$fault"
	local t0 live=
	# D6: `diagnose -o json` from a second process while init waits (F9, all): the same code
	if [ "$fault" = F9 ] && [ "$bin" = "$kubeadm" ] && [ "$mode" = all ]; then
		( sleep 15; s=$(date +%s%N)
		  inode env CKUBEADM_KUBELET_LOG="$klog" "$kubeadm" diagnose -o json >"$logs/$name.live.json" 2>&1
		  echo "$? $((($(date +%s%N) - s) / 1000000))" >"$logs/$name.live.rc" ) &
		live=$!
	fi
	t0=$(date +%s%N)
	inode env "$@" CKUBEADM_KUBELET_LOG="$klog" CKUBEADM_EVENTS="$logs/$name.events" \
		"$bin" init --config "$dir/kubeadm.yaml" --ignore-preflight-errors="$ignore" \
		>"$logs/$name.out" 2>"$logs/$name.err"
	echo $? >"$logs/$name.rc"
	echo $((($(date +%s%N) - t0) / 1000000)) >"$logs/$name.ms"
	[ -z "$live" ] || wait "$live"
	restore
}

for f in "${faults[@]}"; do
	[ -n "${want[$f]:-}" ] || { bad "$f: no such fault"; continue; }
	e2e_log "$f: expecting ${want[$f]}"
	run_init "$kubeadm" "$f" "$f"
	rc=$(cat "$logs/$f.rc")
	err=$logs/$f.err
	named=$(grep -o '^\[diagnose\] Likely cause ([A-Z_]*)' "$err" | sed 's/.*(\(.*\))/\1/')
	n=$(grep -c '^\[diagnose\] Likely cause' "$err")
	ms=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("type") == "Diagnosis": print(e["durationMs"])' "$logs/$f.events" 2>/dev/null | head -1)
	res=ok
	[ "$rc" = 1 ] || { bad "$f: exit code $rc, want 1"; res=FAIL; }
	if [ "$n" = 1 ] && [ "$named" = "${want[$f]}" ]; then ok "$f: headline ${want[$f]}"
	else bad "$f: headline '$named' ($n headlines), want ${want[$f]} (see $err)"; res=FAIL; fi
	if grep -qF -- "${token[$f]}" "$err"; then ok "$f: evidence names '${token[$f]}'"
	else bad "$f: evidence lacks '${token[$f]}'"; res=FAIL; fi
	# the block comes right before kubeadm's final error lines, which end stderr unchanged
	if tail -n 2 "$err" | head -1 | grep -q '^error: error execution phase ' &&
		[ "$(tail -n 1 "$err")" = "To see the stack trace of this error execute with --v=5 or higher" ] &&
		tail -n 3 "$err" | head -1 | grep -qE '^(    |\[diagnose\] )'; then
		ok "$f: the block is just before kubeadm's final error line"
	else bad "$f: stderr does not end as kubeadm's after the block"; res=FAIL; fi
	if [ -n "$ms" ] && [ "$ms" -le 5000 ]; then ok "$f: Diagnosis event, ${ms} ms"
	else bad "$f: no Diagnosis event within 5 s ('$ms')"; res=FAIL; fi
	if [ -f "$logs/$f.live.rc" ]; then
		read -r lrc lms <"$logs/$f.live.rc"
		lcode=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["headline"])' "$logs/$f.live.json" 2>/dev/null)
		if [ "$lrc" = 1 ] && [ "$lcode" = "$named" ] && [ "$lms" -le 5000 ]; then
			ok "$f: diagnose -o json while init waits: $lcode in $lms ms, exit 1"
		else bad "$f: diagnose while init waits: '$lcode' rc $lrc, $lms ms"; res=FAIL; fi
	fi
	if [ "$compare" = 1 ]; then
		run_init "$ref" "$f" "$f.ref"
		if [ "$(cat "$logs/$f.ref.rc")" = "$rc" ] && [ "$(tail -n 1 "$logs/$f.ref.err")" = "$(tail -n 1 "$err")" ] &&
			[ "$(grep '^error: ' "$logs/$f.ref.err" | sed 's/after [0-9.]*[a-z]*/after D/g' | cut -d: -f1-3)" = \
			  "$(grep '^error: ' "$err" | sed 's/after [0-9.]*[a-z]*/after D/g' | cut -d: -f1-3)" ]; then
			ok "$f: exit code, error phase and last stderr line as the reference's"
		else bad "$f: differs from the reference (see $logs/$f.ref.err)"; res=FAIL; fi
	fi
	table+=("$(printf '%-5s %-28s %-10s %s' "$f" "${named:-none}" "${ms:--}" "$res (init $(cat "$logs/$f.ms") ms)")")
done

# the opt-out: no block at all (not in smoke, for time)
if [ "$mode" = all ] || [ -n "${E2E_FAULT_OPTOUT:-}" ]; then
	run_init "$kubeadm" F11 F11.optout CKUBEADM_DIAGNOSE=0
	if [ "$(cat "$logs/F11.optout.rc")" = 1 ] && ! grep -q '^\[diagnose\]' "$logs/F11.optout.err"; then
		ok "CKUBEADM_DIAGNOSE=0: same failure, no [diagnose] block"
	else bad "CKUBEADM_DIAGNOSE=0 (see $logs/F11.optout.err)"; fi
fi

# fail-fast on the bad flag, kubeadm's default timeouts: ckubeadm ends the wait once the cause
# is named 3 times (5 s apart); the reference waits for its timeout
if [ "$mode" = all ] || [ -n "${E2E_FAULT_FAILFAST:-}" ]; then
	timeouts=default
	run_init "$kubeadm" F11 F11.failfast CKUBEADM_FAIL_FAST=1
	ff_ms=$(cat "$logs/F11.failfast.ms")
	run_init "$ref" F11 F11.failfast-ref
	ref_ms=$(cat "$logs/F11.failfast-ref.ms")
	timeouts=$timeout
	e2e_log "fail-fast: ckubeadm's init ${ff_ms} ms, the reference's ${ref_ms} ms"
	if [ "$(cat "$logs/F11.failfast.rc")" = "$(cat "$logs/F11.failfast-ref.rc")" ] &&
		[ "$(tail -n 1 "$logs/F11.failfast.err")" = "$(tail -n 1 "$logs/F11.failfast-ref.err")" ] &&
		grep -q '^\[diagnose\] Likely cause (COMPONENT_BAD_FLAG)' "$logs/F11.failfast.err" &&
		[ "$ff_ms" -lt 60000 ]; then
		ok "--fail-fast: init failed in ${ff_ms} ms (reference: ${ref_ms} ms), same exit code and last line"
	else bad "--fail-fast: ${ff_ms} ms (see $logs/F11.failfast.err)"; fi
	table+=("$(printf '%-5s %-28s %-10s %s' F11ff "fail-fast ${ff_ms} ms" "ref ${ref_ms}" -)")
fi

if [ "$healthy" = 1 ]; then
	timeouts=default
	config none "$dir/kubeadm.yaml"
	if inode env CKUBEADM_KUBELET_LOG="$klog" CKUBEADM_EVENTS="$logs/healthy.events" "$kubeadm" init \
		--config "$dir/kubeadm.yaml" --ignore-preflight-errors=SystemVerification \
		>"$logs/healthy.out" 2>"$logs/healthy.err"; then
		ok "healthy init succeeds"
		if ! grep -q '"type":"Diagnosis"' "$logs/healthy.events" && ! grep -q '^\[diagnose\]' "$logs/healthy.err"; then
			ok "healthy init: no Diagnosis event, no block"
		else bad "healthy init: a diagnosis was made"; fi
		inode env CKUBEADM_KUBELET_LOG="$klog" "$kubeadm" diagnose >"$logs/healthy.diagnose" 2>&1
		rc=$?
		if [ "$rc" = 0 ]; then ok "diagnose on the healthy node exits 0"
		else bad "diagnose on the healthy node: exit $rc (see $logs/healthy.diagnose)"; fi
		table+=("$(printf '%-5s %-28s %-10s %s' healthy "$(grep -o '([A-Z_]*)' "$logs/healthy.diagnose" | head -1)" - "$([ "$rc" = 0 ] && echo ok || echo FAIL)")")
	else
		bad "healthy init (see $logs/healthy.err)"
	fi
fi
