#!/bin/bash
# The event stream (--events / CKUBEADM_EVENTS, beyond-kubeadm.md §1): each case runs ckubeadm
# twice on identical trees under --rootfs <tmp> in a network namespace of its own (nothing
# reachable): once plain, once with the stream on (by flag or variable). Compared: exit code,
# stdout, stderr (klog headers, roots and run-dependent values masked) and the resulting tree
# (names, types, modes; contents of the files that are deterministic). The stream is checked by
# check.py: every line parses and validates against docs/schemas/event.schema.json, seq has no
# gaps, RunStarted first and RunFinished last with the exit code and stderr's error, phases
# nest and are the help's phase list minus --skip-phases, every file written has an Artifact
# event, the token secret and the certificate key never appear.
#   tests/conformance/events/run.sh <ckubeadm> [<reference kubeadm>] [<build-dir>]
set -u
ours=$(readlink -f "$1")
[ -x "$ours" ] || { echo "SKIP: $ours missing"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (--rootfs chroots)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
schema=$(cd "$here/../../.." && pwd)/docs/schemas/event.schema.json
result_schema=${schema%/*}/result.schema.json

work=$(mktemp -d /var/tmp/ckubeadm-events.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

token=abcdef.0123456789abcdef
certkey=a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90

normalise() {
	sed -E -e 's/^([IWEF])[0-9]{4} [0-9:.]{15} +[0-9]+ [^]]+\] /\1 /' \
		-e "s#$work/(plain|events)#{root}#g" \
		-e 's/kubeadm-init-dryrun[A-Za-z0-9]+/kubeadm-init-dryrunX/g' \
		-e 's/sha256:[0-9a-f]{64}/sha256:X/g' \
		-e 's#[A-Za-z0-9+/]{16,}={0,2}#B64#g' \
		-e 's/bootstrap-token-[a-z0-9]{6}/bootstrap-token-X/g' -e 's/token-id: .*/token-id: X/'
}

# listing <root>: path, type, mode; contents of the files that do not hold fresh keys
listing() {
	(cd "$1" && find . -printf '%p %y %m\n' | sed -E 's/kubeadm-init-dryrun[A-Za-z0-9]+/kubeadm-init-dryrunX/' |
		sort | while read -r p t m; do
		case $p in
		*.yaml | *.env) echo "$p $t $m $(md5sum <"$(ls -d ./${p#./} 2>/dev/null || echo /dev/null)" | cut -c1-12)" ;;
		*) echo "$p $t $m" ;;
		esac
	done)
}

t_empty() { mkdir -p "$1"; }
# a control-plane node as init leaves it, for reset
t_node() {
	local r=$1
	mkdir -p "$r"/etc/kubernetes/{manifests,pki/etcd} "$r"/var/lib/kubelet/pki "$r"/var/lib/etcd/member "$r"/proc
	: >"$r"/proc/mounts
	for f in pki/ca.crt pki/ca.key admin.conf kubelet.conf manifests/kube-apiserver.yaml; do
		echo "$f" >"$r/etc/kubernetes/$f"
	done
	echo db >"$r"/var/lib/etcd/member/db
	echo "apiVersion: kubelet.config.k8s.io/v1beta1" >"$r"/var/lib/kubelet/config.yaml
}
t_node_no_proc() { t_node "$1"; rm -r "$1"/proc; }

# case <name> <prepare-fn> <how: flag|env> <check.py args...> -- <ckubeadm args...>
case_() {
	local name=$1 prep=$2 how=$3; shift 3
	local checks=()
	while [ "$1" != -- ]; do checks+=("$1"); shift; done
	shift
	local side
	for side in plain events; do
		rm -rf "${work:?}/$side" "$work/$side.jsonl" && "$prep" "$work/$side"
		sleep 0.01
		touch "$work/$side.marker"
		local env=() extra=()
		rm -f "$work/result.json"
		if [ $side = events ]; then
			case $how in
			env) env=(CKUBEADM_EVENTS="$work/events.jsonl") ;;
			flag) extra=(--events "$work/events.jsonl") ;;
			env+result) env=(CKUBEADM_EVENTS="$work/events.jsonl" CKUBEADM_RESULT="$work/result.json") ;;
			flag+result) extra=(--events "$work/events.jsonl" --result-file "$work/result.json") ;;
			esac
		fi
		(cd / && env "${env[@]}" unshare --net -- "$ours" "$@" "${extra[@]}" --rootfs "$work/$side" \
			</dev/null >"$work/$side.out" 2>"$work/$side.err")
		echo $? >"$work/$side.rc"
		normalise <"$work/$side.out" >"$work/$side.out.n"
		normalise <"$work/$side.err" >"$work/$side.err.n"
		listing "$work/$side" >"$work/$side.tree"
	done
	local why="" f
	for f in rc out.n err.n tree; do
		cmp -s "$work/plain.$f" "$work/events.$f" || why+=" $f"
	done
	[ -s "$work/events.jsonl" ] || why+=" no-stream"
	local out=""
	if [ -s "$work/events.jsonl" ]; then
		out=$(python3 "$here/check.py" "$work/events.jsonl" --schema "$schema" \
			--rc "$(cat "$work/events.rc")" --stderr "$work/events.err" \
			--root "$work/events" --marker "$work/events.marker" "${checks[@]}") || why+=" stream"
	fi
	if [[ $how == *result ]]; then
		local res
		if [ ! -f "$work/result.json" ]; then
			why+=" no-result"
		elif [ "$(stat -c %a "$work/result.json")" != 600 ]; then
			why+=" result-mode-$(stat -c %a "$work/result.json")"
		elif ! res=$(python3 "$here/schema.py" "$result_schema" "$work/result.json" &&
			python3 - "$work/result.json" "$work/events.jsonl" "$(cat "$work/events.rc")" <<'P'
import json, sys
r = json.load(open(sys.argv[1]))
fin = [json.loads(l) for l in open(sys.argv[2])][-1]
rc = int(sys.argv[3])
if r["exitCode"] != rc or r["outcome"] != fin["outcome"] or r.get("error") != fin.get("error"):
    sys.exit("result %s/%s/%s, stream %s/%s, exit %d" % (r["outcome"], r["exitCode"], r.get("error"),
             fin["outcome"], fin.get("error"), rc))
done = [(e["phase"], e["outcome"]) for e in map(json.loads, open(sys.argv[2])) if e["type"] == "PhaseFinished"]
if [(p["name"], p["outcome"]) for p in r["phases"]] != done:
    sys.exit("result phases %s, stream %s" % (r["phases"], done))
P
		); then
			why+=" result"
			out+="$res"
		fi
	fi
	if [ -z "$why" ]; then
		ok "$name"
	else
		fail "$name:$why"
		[ -n "$out" ] && echo "$out"
		local f
		for f in rc out.n err.n tree; do
			cmp -s "$work/plain.$f" "$work/events.$f" ||
				diff -u "$work/plain.$f" "$work/events.$f" | head -n 20 | sed 's/^/     /'
		done
	fi
}

"$ours" init --help >"$work/init.help"
"$ours" reset --help >"$work/reset.help"
"$ours" join --help >"$work/join.help"
init_args=(--kubernetes-version v1.37.2 --apiserver-advertise-address 10.0.0.1 --node-name cp1
	--ignore-preflight-errors=all --token "$token")
offline_skip=wait-control-plane,upload-config,upload-certs,mark-control-plane,bootstrap-token,kubelet-finalize,addon,show-join-command

case_ "init --dry-run, every phase (flag)" t_empty flag --help-file "$work/init.help" \
	--secret "${token#*.}" --secret "$certkey" -- \
	init "${init_args[@]}" --dry-run --upload-certs --certificate-key "$certkey"
case_ "init --dry-run, every phase (CKUBEADM_EVENTS)" t_empty env --help-file "$work/init.help" \
	--secret "${token#*.}" -- init "${init_args[@]}" --dry-run
case_ "init offline phases: files under /etc/kubernetes and /var/lib/kubelet" t_empty flag \
	--help-file "$work/init.help" --skip "$offline_skip" --secret "${token#*.}" -- \
	init "${init_args[@]}" --skip-phases "$offline_skip"
case_ "init offline phases, certs and kubeconfig skipped" t_empty env \
	--help-file "$work/init.help" --skip "certs,kubeconfig,$offline_skip" -- \
	init "${init_args[@]}" --skip-phases "certs,kubeconfig,$offline_skip"
# --events and --result-file go with --config (they say where to report, not what to do)
t_cfg() {
	mkdir -p "$1"
	cat >"$1/cfg.yaml" <<'CFG'
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint: {advertiseAddress: 10.0.0.1}
nodeRegistration: {name: cp1, ignorePreflightErrors: [all]}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
CFG
}
case_ "init --config with --events and --result-file" t_cfg flag+result --help-file "$work/init.help" \
	--skip "$offline_skip" -- init --config /cfg.yaml --skip-phases "$offline_skip"
case_ "init phase certs all" t_empty flag -- init phase certs all --apiserver-advertise-address 10.0.0.1
case_ "init: invalid flag value fails before any phase" t_empty flag -- \
	init "${init_args[@]}" --service-cidr nope
case_ "reset --force" t_node flag --help-file "$work/reset.help" -- reset --force
case_ "reset --dry-run (CKUBEADM_EVENTS)" t_node env --help-file "$work/reset.help" -- reset --dry-run
case_ "reset --skip-phases cleanup-node" t_node env --help-file "$work/reset.help" \
	--skip cleanup-node -- reset --force --skip-phases cleanup-node
case_ "reset failing in cleanup-node: error phase and stderr's message" t_node_no_proc flag \
	--help-file "$work/reset.help" --error-phase cleanup-node -- reset --force
cp "$work/events.jsonl" "$work/reset-fail.jsonl"

# InitResult against what init printed: the join commands (as argv), token, hashes, key
init_result_check() { # <name> <python condition on r (result) and cmds (printed join argvs)>
	if out=$(python3 - "$work/result.json" "$work/events.out" "$2" <<'P'
import datetime, json, sys
r = json.load(open(sys.argv[1]))
def expires_in(s):
    """seconds from now until an RFC 3339 time"""
    t = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return (t - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
text = open(sys.argv[2]).read().replace(" \\\n\t", " ")
cmds = [l.split() for l in text.splitlines() if l.strip().startswith("kubeadm join ")]
ok = eval("(" + sys.argv[3].strip() + ")")
if not ok:
    print("     result %s\n     printed %s" % (json.dumps({k: r.get(k) for k in ("join", "bootstrapTokens", "certificateKey", "discoveryTokenCACertHashes")}), cmds))
sys.exit(0 if ok else 1)
P
	); then ok "$1"; else fail "$1"; echo "$out"; fi
}
cpe_args=(--control-plane-endpoint cp.example:6443 --upload-certs --certificate-key "$certkey")
case_ "init --dry-run: InitResult with --result-file" t_empty flag+result --help-file "$work/init.help" \
	--secret "${token#*.}" --secret "$certkey" -- init "${init_args[@]}" --dry-run "${cpe_args[@]}"
init_result_check "InitResult: join argv, token, CA hashes and key are what init printed" \
	'len(cmds) == 2 and r["join"]["controlPlane"] == cmds[0] and r["join"]["worker"] == cmds[1]
	 and "--certificate-key" in cmds[0] and r["certificateKey"]["key"] == "'"$certkey"'"
	 and 7000 < expires_in(r["certificateKey"]["expires"]) <= 7200
	 and r["bootstrapTokens"][0]["token"] == "'"$token"'" and r["bootstrapTokens"][0]["ttl"] == "24h0m0s"
	 and r["discoveryTokenCACertHashes"] == [cmds[1][6]] and r["controlPlaneEndpoint"] == "cp.example:6443"
	 and r["outcome"] == "Succeeded" and r["dryRun"] is True'
case_ "init --dry-run --skip-token-print: InitResult (CKUBEADM_RESULT)" t_empty env+result \
	--help-file "$work/init.help" --secret "${token#*.}" -- \
	init "${init_args[@]}" --dry-run "${cpe_args[@]}" --skip-token-print
init_result_check "InitResult with --skip-token-print: no token, no join argv; hashes and key stay" \
	'"join" not in r and "bootstrapTokens" not in r and "'"${token#*.}"'" not in open(sys.argv[1]).read()
	 and len(r["discoveryTokenCACertHashes"]) == 1 and r["certificateKey"]["key"] == "'"$certkey"'"
	 and all("<value withheld>" in " ".join(c) for c in cmds)'
case_ "init --dry-run --skip-certificate-key-print: InitResult" t_empty flag+result \
	--help-file "$work/init.help" --secret "$certkey" -- \
	init "${init_args[@]}" --dry-run "${cpe_args[@]}" --skip-certificate-key-print
init_result_check "InitResult with --skip-certificate-key-print: no key, no control-plane argv" \
	'"certificateKey" not in r and "controlPlane" not in r["join"] and r["join"]["worker"] == cmds[1]
	 and "'"$certkey"'" not in open(sys.argv[1]).read()'
case_ "init without a control-plane endpoint: InitResult" t_empty flag+result \
	--help-file "$work/init.help" -- init "${init_args[@]}" --dry-run
init_result_check "InitResult without a control-plane endpoint: worker argv only" \
	'len(cmds) == 1 and r["join"] == {"worker": cmds[0]} and "certificateKey" not in r
	 and r["join"]["worker"][2] == "10.0.0.1:6443"'
case_ "init failing before any phase: InitResult Failed" t_empty flag+result -- \
	init "${init_args[@]}" --service-cidr nope
case_ "reset --force: ResetResult (CKUBEADM_RESULT)" t_node env+result --help-file "$work/reset.help" -- \
	reset --force
# what kubeadm's closing notice says reset leaves, as data; nothing was mounted under the kubelet
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["outcome"] == "Succeeded" and [l["kind"] for l in r["leftovers"]] == ["CNIConfiguration", "NetworkFilteringRules", "KubeConfig"] and r["unmounted"] == [] and "removedEtcdMember" not in r else 1)' "$work/result.json" &&
	grep -q "does not perform cleanup of CNI plugin configuration" "$work/events.out"; then
	ok "ResetResult: the leftovers of the closing notice, nothing unmounted, no etcd member removed"
else
	fail "ResetResult leftovers"; cat "$work/result.json"
fi
case_ "reset failing in cleanup-node: ResetResult Failed" t_node_no_proc flag+result \
	--help-file "$work/reset.help" --error-phase cleanup-node -- reset --force
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["kind"] == "ResetResult" and r["outcome"] == "Failed" and "leftovers" not in r and r["error"]["phase"] == "cleanup-node" and r["phases"][-1] == {"name": "cleanup-node", "outcome": "Failed", "durationMs": r["phases"][-1]["durationMs"]} else 1)' "$work/result.json"; then
	ok "ResetResult of a failure: the failed phase and the error"
else
	fail "ResetResult of a failure"; cat "$work/result.json"
fi

case_ "join failing in preflight: JoinResult, the token redacted" t_empty flag+result \
	--help-file "$work/join.help" --error-phase preflight --secret "${token#*.}" -- \
	join 10.0.0.1:6443 --token "$token" --discovery-token-unsafe-skip-ca-verification --node-name w1
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["kind"] == "JoinResult" and r["nodeName"] == "w1" and r["controlPlane"] is False and r["apiServerEndpoint"] == "10.0.0.1:6443" and r["error"]["kind"] == "Preflight" and sys.argv[2] not in open(sys.argv[1]).read() else 1)' "$work/result.json" "${token#*.}"; then
	ok "JoinResult of a preflight failure: node, endpoint, error kind Preflight, no token"
else
	fail "JoinResult of a preflight failure"; cat "$work/result.json"
fi

# -o json: the InitResult alone on stdout, kubeadm's text (stdout and stderr) on stderr
for side in plain o; do
	rm -rf "$work/$side" && mkdir -p "$work/$side"
	o=()
	[ $side = o ] && o=(-o json)
	(cd / && unshare --net -- "$ours" init "${init_args[@]}" --dry-run "${o[@]}" --rootfs "$work/$side" \
		</dev/null >"$work/$side.out" 2>"$work/$side.err")
	echo $? >"$work/$side.rc"
done
(cd / && unshare --net -- "$ours" init "${init_args[@]}" --dry-run --rootfs "$work/plain" \
	</dev/null >"$work/plain.both" 2>&1)
normalise <"$work/plain.both" >"$work/a"
normalise <"$work/o.err" >"$work/b"
if [ "$(cat "$work/o.rc")" = 0 ] && cmp -s "$work/a" "$work/b" &&
	python3 "$here/schema.py" "$result_schema" "$work/o.out" &&
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["kind"] == "InitResult" and r["outcome"] == "Succeeded" and r["bootstrapTokens"][0]["token"] == sys.argv[2] and r["join"]["worker"][4] == sys.argv[2] else 1)' "$work/o.out" "$token"; then
	ok "init -o json: one InitResult on stdout, kubeadm's text on stderr"
else
	fail "init -o json (exit $(cat "$work/o.rc"))"; diff -u "$work/a" "$work/b" | head -n 10
fi
(cd / && unshare --net -- "$ours" init "${init_args[@]}" --dry-run -o 'jsonpath={.join.worker[4]}' \
	--rootfs "$work/o" </dev/null >"$work/o.out" 2>/dev/null)
[ "$(cat "$work/o.out")" = "$token" ] && ok "init -o jsonpath: the token of the worker's join argv" ||
	fail "init -o jsonpath: $(head -c 200 "$work/o.out")"
out=$(cd / && unshare --net -- "$ours" init -o bogus --rootfs "$work/o" 2>&1)
if [ $? = 1 ] && grep -q '^error: could not construct output printer: unable to match a printer suitable for the output format "bogus"' <<<"$out"; then
	ok "init -o bogus: kubeadm's printer error, nothing run"
else
	fail "init -o bogus: $out"
fi

# Artifact digests and actions: control-plane manifests written twice with the same bytes are
# Unchanged the second time, the sha256 is the file's; a kubeconfig has no digest
rm -rf "$work/u" && mkdir -p "$work/u"
for n in 1 2; do
	(cd / && unshare --net -- "$ours" init phase control-plane all --kubernetes-version v1.37.2 \
		--apiserver-advertise-address 10.0.0.1 --events "$work/u$n.jsonl" --rootfs "$work/u" >/dev/null 2>&1)
done
(cd / && unshare --net -- "$ours" init phase certs all --apiserver-advertise-address 10.0.0.1 --rootfs "$work/u" >/dev/null 2>&1 &&
	unshare --net -- "$ours" init phase kubeconfig admin --kubernetes-version v1.37.2 \
	--apiserver-advertise-address 10.0.0.1 --events "$work/u3.jsonl" --rootfs "$work/u" >/dev/null 2>&1)
if out=$(python3 - "$work/u" "$work"/u{1,2,3}.jsonl 2>&1 <<'P'
import hashlib, json, sys
root = sys.argv[1]
arts = [[e for e in map(json.loads, open(f)) if e["type"] == "Artifact"] for f in sys.argv[2:]]
first, second, kc = arts
if [a["action"] for a in first] != ["Created"] * 3 or [a["action"] for a in second] != ["Unchanged"] * 3:
    sys.exit("actions %s / %s" % ([a["action"] for a in first], [a["action"] for a in second]))
for a in second:
    if a["sha256"] != hashlib.sha256(open(root + a["path"], "rb").read()).hexdigest():
        sys.exit("sha256 of %s" % a["path"])
if not kc or any("sha256" in a for a in kc) or kc[0]["artifactKind"] != "KubeConfig":
    sys.exit("kubeconfig artifact %s" % kc)
P
); then
	ok "Artifact: manifests rewritten alike are Unchanged, sha256 the file's, none for a kubeconfig"
else
	fail "Artifact actions and digests: $out"
fi

# the failing phase and the message are really there (check.py compared them with stderr)
if python3 - "$work/reset-fail.jsonl" <<'P'; then ok "reset failure: RunFinished carries phase, kind and message"; else fail "reset failure: RunFinished fields"; fi
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])][-1]
e = f.get("error", {})
sys.exit(0 if f["outcome"] == "Failed" and f["exitCode"] == 1 and e.get("phase") == "cleanup-node"
         and e.get("message", "").startswith("error execution phase cleanup-node: ") else 1)
P

# the secrets were on the command line: RunStarted shows them redacted
rm -rf "$work/r" && mkdir -p "$work/r"
(cd / && unshare --net -- "$ours" init "${init_args[@]}" --dry-run --upload-certs --certificate-key "$certkey" \
	--events "$work/r.jsonl" --rootfs "$work/r" </dev/null >"$work/r.out" 2>&1)
if python3 - "$work/r.jsonl" "$certkey" "$token" <<'P'; then ok "RunStarted argv: token and certificate key redacted"; else fail "RunStarted argv"; fi
import json, sys
argv = json.loads(open(sys.argv[1]).readline())["argv"]
i, j = argv.index("--certificate-key"), argv.index("--token")
sys.exit(0 if argv[i + 1] == "<redacted>" and argv[j + 1] == "<redacted>"
         and sys.argv[2] not in argv and sys.argv[3] not in argv else 1)
P
# ... while stdout does show the certificate key, as kubeadm prints it (the secret was there)
grep -q "$certkey" "$work/r.out" && ok "the certificate key is in init's stdout (so its absence above means something)" ||
	fail "the certificate key is not in init's stdout"

# SIGKILL while reset waits at its prompt: what is in the file is whole lines, no RunFinished
rm -rf "$work/k" "$work/k.jsonl" && t_node "$work/k" && mkfifo "$work/k.in"
(cd / && exec unshare --net -- "$ours" reset --events "$work/k.jsonl" --rootfs "$work/k" \
	<"$work/k.in" >/dev/null 2>&1) &
pid=$!
exec 9>"$work/k.in"
for _ in $(seq 200); do grep -q '"PhaseStarted","phase":"preflight"' "$work/k.jsonl" 2>/dev/null && break; sleep 0.05; done
pkill -KILL -P "$pid" 2>/dev/null; kill -KILL "$pid" 2>/dev/null
{ wait "$pid"; } 2>/dev/null
exec 9>&-
if grep -q '"phase":"preflight"' "$work/k.jsonl" &&
	out=$(python3 "$here/check.py" "$work/k.jsonl" --schema "$schema" --prefix); then
	ok "SIGKILL at the reset prompt leaves a parsable prefix"
else
	fail "SIGKILL prefix"; echo "${out:-}"
fi

# SIGTERM at the same point: the stream ends with RunFinished outcome Interrupted, and the
# process still dies by the signal (exit status 143 as the shell sees it), with or without it
for mode in plain events; do
	rm -rf "$work/k" "$work/k.jsonl" "$work/k.in" && t_node "$work/k" && mkfifo "$work/k.in"
	extra=()
	[ $mode = events ] && extra=(--events "$work/k.jsonl")
	unshare --net -- "$ours" reset "${extra[@]}" --rootfs "$work/k" <"$work/k.in" >"$work/k.out" 2>&1 &
	pid=$!
	exec 9>"$work/k.in"
	for _ in $(seq 200); do grep -q 'Are you sure' "$work/k.out" 2>/dev/null && break; sleep 0.05; done
	kill -TERM "$pid"
	{ wait "$pid"; } 2>/dev/null
	echo $? >"$work/k.$mode.rc"
	exec 9>&-
done
if [ "$(cat "$work/k.plain.rc")" = 143 ] && [ "$(cat "$work/k.events.rc")" = 143 ] &&
	out=$(python3 "$here/check.py" "$work/k.jsonl" --schema "$schema" --rc 143) &&
	tail -n 1 "$work/k.jsonl" | grep -q '"type":"RunFinished","outcome":"Interrupted","exitCode":143'; then
	ok "SIGTERM at the reset prompt: RunFinished Interrupted, exit status 143 as without the stream"
else
	fail "SIGTERM (exit $(cat "$work/k.plain.rc") plain, $(cat "$work/k.events.rc") streamed)"
	echo "${out:-}"; tail -n 2 "$work/k.jsonl"
fi

# a destination that cannot be opened is an error before anything runs
(cd / && "$ours" reset --force --events /nonexistent/dir/e.jsonl --rootfs "$work/k" >"$work/o.out" 2>"$work/o.err")
rc=$?
if [ $rc = 1 ] && grep -q '^error: open /nonexistent/dir/e.jsonl: no such file or directory$' "$work/o.err" &&
	[ -d "$work/k/etc/kubernetes/pki" ]; then
	ok "unwritable --events: exit 1 with the reason, nothing done"
else
	fail "unwritable --events (rc $rc)"; cat "$work/o.err"
fi

# help stays kubeadm's: the new flags are hidden
if ! grep -q -- '--events\|--result-file\|--output\|-o,' "$work/init.help" "$work/reset.help" "$work/join.help"; then
	ok "--events, --result-file and -o are not in --help"
else
	fail "--events or --result-file shows in --help"
fi

# `ckubeadm help extensions` documents them; the reference has no such topic and no such flags
"$ours" help extensions >"$work/ext.out" 2>&1
if grep -q -- '--events string' "$work/ext.out" && grep -q -- '--result-file string' "$work/ext.out" &&
	grep -q '^  CKUBEADM_EVENTS ' "$work/ext.out" && grep -q '^  CKUBEADM_RESULT ' "$work/ext.out"; then
	ok "help extensions lists the flags and the variables"
else
	fail "help extensions"; cat "$work/ext.out"
fi
ref=${2:-}
[ -n "$ref" ] && [ -x "${ref%/kubeadm}/kubeadm.real" ] && ref=${ref%/kubeadm}/kubeadm.real
if [ -n "$ref" ] && [ -x "$ref" ]; then
	for f in --events --result-file; do
		out=$(cd / && unshare --net -- "$ref" reset $f=/dev/null --dry-run --rootfs "$work/k" 2>&1)
		if [ $? = 1 ] && grep -q "unknown flag: $f" <<<"$out"; then
			ok "the reference refuses $f (a script using it is ckubeadm-only)"
		else
			fail "the reference and $f: $out"
		fi
	done
	# token create's -o is ckubeadm's: the reference refuses it; ckubeadm takes it and fails
	# only on the missing kubeconfig, after its own check that -o goes with --print-join-command
	out=$("$ref" token create --print-join-command -o json --kubeconfig "$work/none.conf" 2>&1)
	rc=$?
	out2=$("$ours" token create --print-join-command -o json --kubeconfig "$work/none.conf" 2>&1)
	rc2=$?
	out3=$("$ours" token create -o yaml --kubeconfig "$work/none.conf" 2>&1)
	if [ $rc = 1 ] && grep -q "unknown shorthand flag: 'o'" <<<"$out" && [ $rc2 = 1 ] &&
		grep -q '^error: failed to load admin kubeconfig' <<<"$out2" &&
		grep -q '^error: --output yaml needs --print-join-command' <<<"$out3"; then
		ok "token create -o: refused by the reference; ckubeadm's needs --print-join-command"
	else
		fail "token create -o: $out / $out2 / $out3"
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
