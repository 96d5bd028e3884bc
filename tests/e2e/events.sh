#!/usr/bin/env bash
# End-to-end acceptance of the event stream and the result objects (beyond-kubeadm.md §1.4):
#   E1 parity: cp1's init runs with CKUBEADM_EVENTS and CKUBEADM_RESULT set and the same
#      configuration and flags as join.sh's init, so scripts/test.sh compares its console with
#      the reference's (console.py compare init <e2e-join-reference> <this run's logs>);
#   E2 every stream (init, each join) is well formed (tests/conformance/events/check.py: it
#      parses, validates against docs/schemas/event.schema.json, seq has no gaps, RunStarted
#      first and RunFinished last, phases nest and are the help's phase list) and every file
#      init wrote under /etc/kubernetes (but tmp/) and the kubelet's three files has an
#      Artifact event; the waits of init and join end Healthy;
#   E3 the token secret and the certificate key of the InitResult are in no stream, the
#      result file has mode 0600;
#   E4 w1 joins as a worker with InitResult's join.worker argv alone (kubeadm replaced by the
#      binary under test); its JoinResult says the CA pin was verified and names the kubelet's
#      client certificate;
#   E8 w2 joins with the argv of `token create --print-join-command -o json`.
# CKUBEADM_E2E_EVENTS=all adds: cp2 joins as a control plane with join.controlPlane (etcd then
# has two voting members; its JoinResult names the etcd member), w3 joins with join.worker run
# by the reference kubeadm (REF-KUBEADM), and E6 on a node k1 of its own: an init stopped by
# SIGTERM at its first Wait event ends its stream with RunFinished Interrupted (exit 143); one
# killed by SIGKILL there leaves a stream that parses, without RunFinished.
# Usage: tests/e2e/events.sh CKUBEADM [REF-KUBEADM]
# Prints one line per check and "N passed, N failed"; always tears the bed down. Logs:
# $CKUBEADM_E2E_LOGS (default /var/tmp/ckubeadm-e2e-logs/<date>-events): init.log (for
# console.py), the streams (*.jsonl) and results (*-result.json), checks.log.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || e2e_die "usage: events.sh CKUBEADM [REF-KUBEADM]"
ours=$(realpath "$1") || e2e_die "no such binary: $1"
ref=${2:-}
[ -z "$ref" ] || ref=$(realpath "$ref") || e2e_die "no such binary: $2"
[ "$(id -u)" = 0 ] || e2e_die "the bed needs root (namespaces, mounts, cgroups)"
full=${CKUBEADM_E2E_EVENTS:-}
[ "$full" != all ] || [ -n "$ref" ] || e2e_die "CKUBEADM_E2E_EVENTS=all needs REF-KUBEADM"
logs=${CKUBEADM_E2E_LOGS:-/var/tmp/ckubeadm-e2e-logs/$(date -u +%Y%m%dT%H%M%SZ)-events}
mkdir -p "$logs"
ev=$E2E_REPO/tests/conformance/events
schema=$E2E_REPO/docs/schemas
passed=0 failed=0 created=0

if "$E2E_DIR/node.sh" list | grep -q ' running$'; then
	e2e_die "a bed is already up ($("$E2E_DIR/node.sh" list | tr '\n' ' ')); run tests/e2e/down.sh first"
fi
"$E2E_DIR/node.sh" destroy-all >/dev/null 2>&1 || true

ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
check() {
	local name=$1
	shift
	printf '\n== %s: %s\n' "$name" "$*" >>"$logs/checks.log"
	if ("$@") >>"$logs/checks.log" 2>&1; then ok "$name"; else bad "$name (see $logs/checks.log)"; return 1; fi
}
inode() { "$E2E_DIR/node.sh" exec cp1 "$@"; }
kc() { inode kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }
finish() {
	[ "$1" = 0 ] || [ "$failed" -gt 0 ] || bad "run aborted (exit status $1)"
	local dir n
	for dir in "$E2E_STATE/nodes"/*/; do
		[ -d "$dir" ] || continue
		n=$(basename "$dir")
		rm -rf "$logs/node-$n"
		cp -r "$dir/log" "$logs/node-$n" 2>/dev/null || true
	done
	if [ "$created" = 1 ]; then
		if "$E2E_DIR/node.sh" destroy-all >>"$logs/teardown.log" 2>&1 &&
			[ ! -e "$E2E_STATE/nodes" ] && [ ! -e "/run/netns/$E2E_HUB" ]; then
			ok "teardown left no node and no hub behind"
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

# the peers built once for the machine (tests/peers/build.sh is not run from here)
E2E_PEERS=${CKUBEADM_PEERS:-/var/cache/ckubeadm/peers/k8s-v1.37.2}
[ -x "$E2E_PEERS/kubelet.real" ] || e2e_die "no peers in $E2E_PEERS"
if E2E_IMAGES=$("$E2E_DIR/images.sh" "$E2E_PEERS" 2>>"$logs/build.log"); then
	ok "bed images ready ($E2E_IMAGES)"
else
	bad "bed images (see $logs/build.log)"; exit 1
fi
"$ours" init --help >"$logs/init.help" && "$ours" join --help >"$logs/join.help" ||
	e2e_die "$ours --help failed"
ignore=SystemVerification   # cgroup v1 on this machine (see run.sh)
cri=unix:///run/containerd/containerd.sock

node_ready() {
	local i
	for i in $(seq 120); do
		kc get node "$1" -o name >/dev/null 2>&1 && break
		sleep 1
	done
	kc wait --for=condition=Ready "node/$1" --timeout=300s
}

# stream FILE RC CONSOLE HELP [check.py args]: E2 for one stream
stream() {
	local f=$1 rc=$2 console=$3 help=$4
	shift 4
	python3 "$ev/check.py" "$f" --schema "$schema/event.schema.json" --rc "$rc" --stderr "$console" \
		--help-file "$help" "$@"
}
# waits FILE TARGET...: each target's Wait events start Waiting and end Healthy
waits() {
	python3 - "$@" <<'P'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
for t in sys.argv[2:]:
    st = [e["state"] for e in evs if e["type"] == "Wait" and e["target"] == t]
    print(t, st)
    if not st or st[0] != "Waiting" or st[-1] != "Healthy":
        sys.exit("wait %s: %s" % (t, st))
P
}

created=1
check "node cp1 created" "$E2E_DIR/node.sh" create cp1 1 || exit 1
dir=$(e2e_node_dir cp1)
certkey=$(inode "$ours" certs certificate-key) || e2e_die "certs certificate-key failed"
e2e_kubeadm_config cp1 "$dir/kubeadm.yaml" "$certkey"
touch "$dir/marker"
sleep 0.01
inode env CKUBEADM_EVENTS="$dir/init.jsonl" CKUBEADM_RESULT="$dir/init-result.json" \
	"$ours" init --config "$dir/kubeadm.yaml" --upload-certs --ignore-preflight-errors="$ignore" \
	>"$logs/init.log" 2>&1
rc=$?
cp "$dir/init.jsonl" "$dir/init-result.json" "$logs/" 2>/dev/null
if [ "$rc" = 0 ]; then ok "cp1 initialised with CKUBEADM_EVENTS and CKUBEADM_RESULT"; else bad "init on cp1 (see $logs/init.log)"; exit 1; fi
check "node cp1 Ready" node_ready cp1

# E2: every file init wrote has an Artifact event (the kubelet's own files excluded)
artifacts() {
	local want
	want=$(inode sh -c "find /etc/kubernetes -type f -newer '$dir/marker' ! -path '/etc/kubernetes/tmp/*';
		for f in /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeadm-flags.env /var/lib/kubelet/instance-config.yaml; do
			[ '$dir/marker' -ot \"\$f\" ] && echo \"\$f\"; done") || return 1
	printf '%s\n' "$want" >"$logs/init.written"
	python3 - "$dir/init.jsonl" "$logs/init.written" <<'P'
import json, sys
arts = {e["path"] for e in map(json.loads, open(sys.argv[1])) if e["type"] == "Artifact"}
want = set(open(sys.argv[2]).read().split())
print("%d files written, %d Artifact events" % (len(want), len(arts)))
missing = sorted(want - arts)
if missing or len(want) < 30:
    sys.exit("written without an Artifact event: %s" % missing)
P
}
check "E2 init stream: parses, schema, seq, phases as init --help, RunFinished" \
	stream "$dir/init.jsonl" 0 "$logs/init.log" "$logs/init.help"
check "E2 init: every file under /etc/kubernetes and the kubelet's 3 files has an Artifact event" artifacts
check "E2 init: the kubelet and control-plane waits end Healthy" \
	waits "$dir/init.jsonl" kubelet kube-apiserver kube-controller-manager kube-scheduler

# E3 and E1's result: secrets only in the result, which matches what init printed
no_secrets() {
	local mode
	mode=$(stat -c %a "$dir/init-result.json")
	echo "mode $mode"
	[ "$mode" = 600 ] || return 1
	python3 - "$dir/init-result.json" "$logs/init.log" "$dir"/*.jsonl <<'P'
import json, sys
r = json.load(open(sys.argv[1]))
secret = r["bootstrapTokens"][0]["token"].split(".")[1]
key = r["certificateKey"]["key"]
for f in sys.argv[3:]:
    raw = open(f).read()
    if secret in raw or key in raw:
        sys.exit("a secret is in " + f)
text = open(sys.argv[2]).read().replace(" \\\n\t", " ")
cmds = [l.split() for l in text.splitlines() if l.strip().startswith("kubeadm join ")]
if r["outcome"] != "Succeeded" or cmds != [r["join"]["controlPlane"], r["join"]["worker"]]:
    sys.exit("result %s, printed %s" % (r["join"], cmds))
print("ok: %d streams, the join argv are the printed commands" % len(sys.argv[3:]))
P
}
check "E3 the token secret and the certificate key are in no stream; result 0600, its argv as printed" no_secrets

# join_with NODE NAME BIN ARGV-JSON-FILE JQ [EXTRA...]: NODE joins with the argv at JQ in the
# file (argv[0] "kubeadm" replaced by BIN), with the stream and the result on (ckubeadm's)
join_with() {
	local n=$1 name=$2 bin=$3 file=$4 path=$5 nd rc
	shift 5
	nd=$(e2e_node_dir "$n")
	local argv=()
	mapfile -t argv < <(jq -r "$path | .[1:][]" "$file") || return 1
	[ "${#argv[@]}" -gt 3 ] || return 1
	echo "$bin ${argv[*]} $*"
	"$E2E_DIR/node.sh" exec "$n" env CKUBEADM_EVENTS="$nd/$name.jsonl" CKUBEADM_RESULT="$nd/$name-result.json" \
		"$bin" "${argv[@]}" "$@" --cri-socket "$cri" --ignore-preflight-errors="$ignore" >"$logs/$name.out" 2>&1
	rc=$?
	cat "$logs/$name.out"
	cp "$nd/$name.jsonl" "$nd/$name-result.json" "$logs/" 2>/dev/null
	return "$rc"
}
# join_checks NODE NAME [TARGETS...]: E2 for a join's stream, its waits, its JoinResult
join_checks() {
	local nd
	nd=$(e2e_node_dir "$1")
	# check-etcd is a hidden phase of join's tree (kubeadm's help does not list it)
	stream "$nd/$2.jsonl" 0 "$logs/$2.out" "$logs/join.help" --hidden check-etcd:control-plane-prepare ||
		return 1
	waits "$nd/$2.jsonl" discovery kubelet kubelet-tls-bootstrap "${@:3}" || return 1
	jq . "$nd/$2-result.json" &&
		python3 "$ev/schema.py" "$schema/result.schema.json" "$nd/$2-result.json" &&
		jq -e '.kind == "JoinResult" and .outcome == "Succeeded" and .caPinVerified == true
			and (.kubeletClientCertificate.notAfter | length) > 0' "$nd/$2-result.json" >/dev/null
}

check "node w1 created" "$E2E_DIR/node.sh" create w1 3 &&
	check "E4 w1 joined with InitResult's join.worker alone" \
		join_with w1 w1-join "$ours" "$dir/init-result.json" .join.worker &&
	check "node w1 Ready" node_ready w1 &&
	check "E2 w1 join stream, waits Healthy; JoinResult: CA pin verified, kubelet client certificate" \
		join_checks w1 w1-join

token_json() {
	inode "$ours" token create --print-join-command -o json >"$dir/token.json" 2>"$logs/token.err" || return 1
	cat "$dir/token.json"
	python3 "$ev/schema.py" "$schema/joincommand.schema.json" "$dir/token.json" && [ ! -s "$logs/token.err" ]
}
check "token create --print-join-command -o json: one JoinCommand on stdout, nothing on stderr" token_json &&
	check "node w2 created" "$E2E_DIR/node.sh" create w2 4 &&
	check "E8 w2 joined with the JoinCommand's argv" \
		join_with w2 w2-join "$ours" "$dir/token.json" .join.worker &&
	check "node w2 Ready" node_ready w2

if [ "$full" = all ]; then
	check "node cp2 created" "$E2E_DIR/node.sh" create cp2 2 &&
		cpip=$(cat "$(e2e_node_dir cp2)/ip") &&
		check "E4 cp2 joined as a control plane with InitResult's join.controlPlane alone" \
			join_with cp2 cp2-join "$ours" "$dir/init-result.json" .join.controlPlane \
			--apiserver-advertise-address "$cpip" &&
		check "node cp2 Ready" node_ready cp2 &&
		check "etcd: two members (cp1, cp2), started, voting, healthy" e2e_etcd_members cp1 cp1 cp2 &&
		check "E2 cp2 join stream; JoinResult names the etcd member (not a learner)" \
			sh -c 'jq -e ".etcdMember.name == \"cp2\" and .etcdMember.learner == false
				and (.etcdMember.peerURL | endswith(\":2380\"))" "$1"' _ "$logs/cp2-join-result.json"
	check "E2 cp2: stream well formed, its waits (etcd, control plane) Healthy" \
		join_checks cp2 cp2-join etcd kube-apiserver
	check "node w3 created" "$E2E_DIR/node.sh" create w3 5 &&
		check "E4 mixed: w3 joined by the reference with InitResult's join.worker" \
			join_with w3 w3-join "$ref" "$dir/init-result.json" .join.worker &&
		check "node w3 Ready" node_ready w3

	# E6: init on k1 (a cluster of its own) stopped at its first Wait event
	signalled() { # SIG: prints the exit status
		local sig=$1 kd i st
		kd=$(e2e_node_dir k1)
		rm -f "$kd/k.jsonl" "$kd/k.pid"
		e2e_kubeadm_config k1 "$kd/kubeadm.yaml"
		"$E2E_DIR/node.sh" exec k1 sh -c 'echo $$ >"$1"; shift; exec env "$@"' _ "$kd/k.pid" \
			CKUBEADM_EVENTS="$kd/k.jsonl" "$ours" init --config "$kd/kubeadm.yaml" \
			--ignore-preflight-errors="$ignore" >"$logs/k1-$sig.out" 2>&1 &
		local bg=$!
		for i in $(seq 600); do
			grep -q '"type":"Wait"' "$kd/k.jsonl" 2>/dev/null && break
			sleep 0.1
		done
		grep -q '"type":"Wait"' "$kd/k.jsonl" || { kill "$bg"; return 1; }
		"$E2E_DIR/node.sh" exec k1 kill -s "$sig" "$(cat "$kd/k.pid")"
		wait "$bg"
		st=$?
		cp "$kd/k.jsonl" "$logs/k1-$sig.jsonl"
		echo "exit status $st"
		if [ "$sig" = TERM ]; then
			[ "$st" = 143 ] && python3 "$ev/check.py" "$kd/k.jsonl" --schema "$schema/event.schema.json" --rc 143 &&
				tail -n 1 "$kd/k.jsonl" | jq -e '.type == "RunFinished" and .outcome == "Interrupted"'
		else
			python3 "$ev/check.py" "$kd/k.jsonl" --schema "$schema/event.schema.json" --prefix
		fi
		"$E2E_DIR/node.sh" exec k1 "$ours" reset -f >>"$logs/k1-reset.out" 2>&1
	}
	check "node k1 created" "$E2E_DIR/node.sh" create k1 6 &&
		check "E6 SIGTERM at init's first Wait event: RunFinished Interrupted, exit 143" signalled TERM &&
		check "E6 SIGKILL at init's first Wait event: the stream parses, no RunFinished" signalled KILL
fi
