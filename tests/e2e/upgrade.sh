#!/usr/bin/env bash
# End-to-end proof of `kubeadm upgrade apply`, scenario A of upgrade.md §4.4: the same version
# v1.37.2 -> v1.37.2 on a single-node cluster.
# Usage: tests/e2e/upgrade.sh INIT-KUBEADM REFERENCE-KUBEADM KUBEADM
#   Two rounds on the bed, one after the other: a cluster made by INIT-KUBEADM (run.sh, kept
#   up), then `upgrade apply v1.37.2 --yes` by REFERENCE-KUBEADM in the first round and by
#   KUBEADM in the second. Each round checks the upgrade's exit code and SUCCESS line and the
#   cluster afterwards (static pods, node, a pod resolving through CoreDNS), and records the
#   console output, the files of upgrade.md §3 (which changed, the manifests, the kubelet's
#   config.yaml, the layout of /etc/kubernetes/tmp), the health-check Job and the API objects.
#   Then the two rounds are compared: exit codes, console output (run-dependent values masked:
#   the timestamps of the backup dirs, the random suffix of kubeadm-upgraded-manifests, the
#   health-check Job's millisecond suffix, klog headers), the same files changed, the same
#   bytes, the same Job, the same objects (objects.py compare).
# E2E_UPGRADE_SCENARIO=C: scenario C instead, a failing upgrade that rolls back: an
#   UpgradeConfiguration (timeouts.upgradeManifests 40s) with a patches directory that gives
#   kube-apiserver an unknown flag, so that its new pod never starts; kubeadm's exit code 1 and
#   rollback message, the manifests as before, the API server back, the temporary dir kept.
#   The error's detail (the last failed GET: a transport error text) is masked.
# E2E_UPGRADE_SCENARIO=B: HA, then `upgrade node` (the task's scenario B; upgrade.md §4.4 calls
#   it E, with B's changed configuration): a cluster of cp1, a joined control plane cp2 and a
#   worker w1 (run.sh E2E_CONTROL_PLANES=1 E2E_WORKERS=1); the kubeadm-config ConfigMap gets
#   apiServer.extraArgs v=2, so that `upgrade apply` on cp1 and then `upgrade node` on cp2
#   replace kube-apiserver (the mirror pod's hash wait, certificates renewed, etcd restarted for
#   its certificates), then `upgrade node` on w1 (kubelet config only). Each node's output, exit
#   code, changed files, manifests, config.yaml and /etc/kubernetes/tmp layout, and the API
#   objects at the end, compared with the reference's round.
# E2E_UPGRADE_SCENARIO=D: scenario D, a patch upgrade v1.37.1 -> v1.37.2: the cluster is made
#   at v1.37.1 (peers and images relinked as v1.37.1: tests/peers/build.sh,
#   CKUBEADM_PEER_RELINK_AS; its kubelet v1.37.1), the v1.37.2 images imported beside them; then
#   `upgrade plan v1.37.2` (text and -o json) and `upgrade diff v1.37.2` are recorded and
#   compared, `upgrade apply v1.37.2` is checked as in A (and every static pod's image is now
#   v1.37.2), then the kubelet binary is swapped for v1.37.2's and restarted, as a package
#   upgrade would, and the node must report kubelet v1.37.2.
# E2E_UPGRADE_SKIP_PHASES: --skip-phases for both kubeadms (e.g. "addon" while this build's
#   addon phase is not implemented); both runs get the same flags.
# Prints one line per check and "N passed, N failed, N skipped"; exits non-zero on a failure.
# Logs: $CKUBEADM_E2E_LOGS (default /var/tmp/ckubeadm-e2e-logs/<date>-upgrade). Run it under
# `flock /tmp/ckubeadm-bed.lock`; the bed is torn down after each round.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || e2e_die "usage: upgrade.sh INIT-KUBEADM REFERENCE-KUBEADM KUBEADM"
init_kubeadm=$(realpath "$1") || e2e_die "no such binary: $1"
declare -a upgrade_kubeadm
upgrade_kubeadm[1]=$(realpath "$2") || e2e_die "no such binary: $2"
upgrade_kubeadm[2]=$(realpath "$3") || e2e_die "no such binary: $3"
[ "$(id -u)" = 0 ] || e2e_die "the bed needs root (namespaces, mounts, cgroups)"
node=cp1
version=v1.37.2 # the version upgraded to: the kubeadms' own
logs=${CKUBEADM_E2E_LOGS:-/var/tmp/ckubeadm-e2e-logs/$(date -u +%Y%m%dT%H%M%SZ)-upgrade}
mkdir -p "$logs"
passed=0 failed=0 skipped=0
skip_flags=()
scenario=${E2E_UPGRADE_SCENARIO:-A}
case $scenario in A|B|C|D) ;; *) e2e_die "E2E_UPGRADE_SCENARIO: A, B, C or D" ;; esac
from_version=$version
[ "$scenario" != D ] || from_version=v1.37.1
[ -z "${E2E_UPGRADE_SKIP_PHASES:-}" ] || skip_flags=(--skip-phases "$E2E_UPGRADE_SKIP_PHASES")

ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
skip() { skipped=$((skipped + 1)); printf 'skip %s\n' "$*"; }
check() {
	local name=$1
	shift
	printf '\n== %s: %s\n' "$name" "$*" >>"$logs/checks.log"
	if ("$@") >>"$logs/checks.log" 2>&1; then ok "$name"; else bad "$name (see $logs/checks.log)"; return 1; fi
}
inode() { "$E2E_DIR/node.sh" exec "$node" "$@"; }
nexec() { "$E2E_DIR/node.sh" exec "$@"; }
kc() { inode kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; }

finish() {
	[ "$1" = 0 ] || [ "$failed" -gt 0 ] || bad "run aborted (exit status $1)"
	"$E2E_DIR/down.sh" >>"$logs/teardown.log" 2>&1 || bad "teardown (see $logs/teardown.log)"
	printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
	e2e_log "logs: $logs"
	[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
}
trap 'rc=$?; trap - EXIT; finish "$rc"; exit $?' EXIT
trap 'exit 130' INT TERM

# mask: the values that differ from run to run of the same kubeadm
# (the WaitForPodsWithLabel polls that failed while etcd restarted: how many happen and the
# transport's words depend on timing, so those lines are dropped; so are the JSON warnings the
# reference's Go etcd client library logs when a MemberList call meets the restarting etcd
# (kubeadm does not write them, the gRPC retry interceptor does, only when the timing makes it
# retry; ckubeadm's etcd client reports retries only at -v). Accepted difference.)
mask() {
	sed -E -e '/^\[apiclient\] Error getting Pods with label selector /d' \
		-e '/^\{"level":"warn","ts":"[^"]*","logger":"etcd-client",/d' -e 's/-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}/-<ts>/g' \
		-e 's/(kubeadm-upgraded-manifests)[0-9]+/\1<n>/g' \
		-e 's/(upgrade-health-check-)[0-9]+/\1<ms>/g' \
		-e 's/^[IWEF][0-9]{4} [0-9:.]+ +[0-9]+ [^]]+\] /<klog> /' \
		-e 's/(kubeadm has tried to recover everything into the earlier state. Errors faced: ).*/\1<detail>/'
}

# snapshot FILE [NODE]: sha256 of kubeadm's files on the node (upgrade.md §3), the tmp dir left out
snapshot() {
	nexec "${2:-$node}" sh -c 'cd / && { find etc/kubernetes -path etc/kubernetes/tmp -prune -o -type f -print;
		ls var/lib/kubelet/config.yaml var/lib/kubelet/kubeadm-flags.env var/lib/kubelet/instance-config.yaml; } |
		sort | xargs sha256sum' >"$1"
}

# pod_ready NAMESPACE NAME|-l SELECTOR
pod_ready() {
	local ns=$1
	shift
	kc -n "$ns" wait --for=condition=Ready pod "$@" --timeout=180s && kc -n "$ns" get pod "$@" -o wide
}

# sort_diff_blocks: upgrade diff's output (stdin) with its per-manifest blocks sorted by file,
# the lines before the first block first and the "exit N" line last
sort_diff_blocks() {
	awk '/^exit [0-9]+$/ { print "2\t\t" $0; next }
		/^--- \/etc\/kubernetes\/manifests\// { f = $2 }
		{ print (f == "" ? "0\t" : "1\t" f) "\t" $0 }' | sort -s -t "$(printf '\t')" -k1,1 -k2,2 | cut -f3-
}

# job_watch FILE: polls kube-system's Jobs until an upgrade-health-check-* Job has succeeded,
# writes it to FILE (the API server restarts during the upgrade: failed polls are retried)
job_watch() {
	local i
	for i in $(seq 900); do
		kc -n kube-system get jobs -o json 2>/dev/null | python3 -c '
import json, sys
for j in json.load(sys.stdin)["items"]:
    if j["metadata"]["name"].startswith("upgrade-health-check-") and j.get("status", {}).get("succeeded"):
        print(json.dumps(j)); sys.exit(0)
sys.exit(1)' >"$1.tmp" 2>/dev/null && { mv "$1.tmp" "$1"; return 0; }
		sleep 1
	done
	rm -f "$1.tmp"
}

# round N: cluster up by INIT-KUBEADM, upgrade apply by upgrade_kubeadm[N], recorded in $logs/round-N
round() {
	local n=$1 kubeadm=${upgrade_kubeadm[$1]} out=$logs/round-$1 rc job
	mkdir -p "$out"
	e2e_log "round $n: cluster by $init_kubeadm, upgrade apply by $kubeadm"
	local ha=()
	[ "$scenario" = B ] && ha=(E2E_CONTROL_PLANES=1 E2E_WORKERS=1)
	if env "${ha[@]}" E2E_KEEP=1 CKUBEADM_E2E_LOGS="$out/init" bash "$E2E_DIR/run.sh" "$init_kubeadm" >"$out/run.log" 2>&1; then
		ok "round $n: cluster up by $(basename "$init_kubeadm") (run.sh, $(tail -n 1 "$out/run.log" 2>/dev/null))"
	else
		bad "round $n: cluster up (see $out/run.log)"
		tail -n 5 "$out/run.log" | sed 's/^/    /'
		return 1
	fi
	snapshot "$out/before.sha256"
	inode cat /var/lib/kubelet/config.yaml >"$out/config.yaml.before"

	local args=("$version")
	if [ "$scenario" = B ]; then
		check "round $n: kubeadm-config ConfigMap given apiServer.extraArgs v=2" config_v2
		for w in cp2 w1; do
			snapshot "$out/$w.before.sha256" "$w"
			nexec "$w" cat /var/lib/kubelet/config.yaml >"$out/$w.config.yaml.before"
		done
	fi
	if [ "$scenario" = C ]; then
		# node-private paths (/var/lib is an overlay of the node's own)
		inode sh -c 'mkdir -p /var/lib/upgrade-test/patches &&
			printf "%s\n" "- op: add" "  path: /spec/containers/0/command/-" "  value: --no-such-flag=1" \
				>/var/lib/upgrade-test/patches/kube-apiserver+json.yaml &&
			printf "%s\n" "apiVersion: kubeadm.k8s.io/v1beta4" "kind: UpgradeConfiguration" "apply:" \
				"  kubernetesVersion: '"$version"'" "  patches:" "    directory: /var/lib/upgrade-test/patches" \
				"timeouts:" "  upgradeManifests: 40s" >/var/lib/upgrade-test/upgrade.yaml'
		args=(--config /var/lib/upgrade-test/upgrade.yaml)
		for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
			inode cat "/etc/kubernetes/manifests/$c.yaml" >"$out/$c.yaml.before"
		done
	fi
	if [ "$scenario" = D ]; then
		# what plan and diff say of the cluster before the upgrade (exit code on the last line)
		local what
		for what in "plan $version" "plan $version -o json" "diff $version"; do
			# shellcheck disable=SC2086 # the words of $what are the arguments
			inode "$kubeadm" upgrade $what >"$out/${what// /_}.stdout" 2>"$out/${what// /_}.stderr" </dev/null
			echo "exit $?" >>"$out/${what// /_}.stdout"
			# upgrade diff prints one block per manifest in Go map order (kubeadm's
			# cmd/upgrade/diff.go ranges over a map of the specs: seen in both orders): the
			# blocks are compared sorted by file
			if [ "${what%% *}" = diff ]; then
				mask <"$out/${what// /_}.stdout" | sort_diff_blocks >"$out/${what// /_}.stdout.masked"
			else
				mask <"$out/${what// /_}.stdout" >"$out/${what// /_}.stdout.masked"
			fi
			mask <"$out/${what// /_}.stderr" >"$out/${what// /_}.stderr.masked"
		done
		check "round $n: upgrade plan $version names kube-apiserver $from_version -> $version" \
			grep -qE "^kube-apiserver +$node +$from_version +$version\$" "$out/plan_$version.stdout"
		check "round $n: upgrade diff $version shows the kube-apiserver image line" \
			grep -q "^+ *image: registry.k8s.io/kube-apiserver:$version" "$out/diff_$version.stdout"
	fi
	# the health-check Job (CreateJob) is watched for while the upgrade runs: its TTL (65 s after
	# it succeeds) deletes it before a longer upgrade (B, D) ends
	rm -f "$out/job.raw.json"
	local watcher=
	if [ "$scenario" != C ]; then
		job_watch "$out/job.raw.json" &
		watcher=$!
	fi
	inode "$kubeadm" upgrade apply "${args[@]}" --yes --ignore-preflight-errors=SystemVerification \
		"${skip_flags[@]}" >"$out/apply.stdout" 2>"$out/apply.stderr" </dev/null
	rc=$?
	echo "$rc" >"$out/apply.rc"
	if [ -n "$watcher" ]; then
		sleep 2
		kill "$watcher" 2>/dev/null
		wait "$watcher" 2>/dev/null
	fi
	mask <"$out/apply.stdout" >"$out/apply.stdout.masked"
	mask <"$out/apply.stderr" >"$out/apply.stderr.masked"
	if [ "$scenario" = C ]; then
		round_c "$n" "$out" "$rc" "$kubeadm"
		return
	fi
	if [ "$rc" = 0 ]; then
		ok "round $n: $(basename "$kubeadm") upgrade apply $version --yes ${skip_flags[*]} exits 0"
	else
		bad "round $n: upgrade apply exit status $rc (see $out/apply.stdout, apply.stderr)"
		tail -n 5 "$out/apply.stderr" | sed 's/^/    /'
	fi
	if grep -qxF "[upgrade] SUCCESS! A control plane node of your cluster was upgraded to \"$version\"." "$out/apply.stdout"; then
		ok "round $n: prints kubeadm's SUCCESS line"
	else
		bad "round $n: no SUCCESS line in $out/apply.stdout"
	fi

	snapshot "$out/after.sha256"
	# the files whose bytes changed, appeared or went away
	diff <(awk '{ print $2, $1 }' "$out/before.sha256") <(awk '{ print $2, $1 }' "$out/after.sha256") |
		grep '^[<>]' | awk '{ print $2 }' | sort -u >"$out/changed.txt"
	inode sh -c 'cd /etc/kubernetes/tmp && find . -maxdepth 4 | sort' | mask >"$out/tmp.txt"
	inode sh -c 'cd /etc/kubernetes/tmp && for f in kubeadm-backup-manifests-*/* kubeadm-kubelet-config-*/*; do
		[ -f "$f" ] && sha256sum "$f"; done; true' | mask >"$out/tmp-files.sha256"
	mkdir -p "$out/manifests"
	for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
		inode cat "/etc/kubernetes/manifests/$c.yaml" >"$out/manifests/$c.yaml"
	done
	inode cat /var/lib/kubelet/config.yaml >"$out/config.yaml.after"
	# the kubelet config backup holds the config.yaml of before the upgrade
	backup_is_old() {
		local b
		b=$(inode sh -c 'cat /etc/kubernetes/tmp/kubeadm-kubelet-config-*/config.yaml') || return 1
		[ "$b" = "$(cat "$out/config.yaml.before")" ]
	}
	check "round $n: kubelet config.yaml backed up to /etc/kubernetes/tmp/kubeadm-kubelet-config-<ts>" backup_is_old
	etcd_backup() { inode sh -c 'ls -d /etc/kubernetes/tmp/kubeadm-backup-etcd-*/etcd/member/snap /etc/kubernetes/tmp/kubeadm-backup-etcd-*/etcd/member/wal'; }
	check "round $n: etcd data backed up to /etc/kubernetes/tmp/kubeadm-backup-etcd-<ts>/etcd/member" etcd_backup

	# after the upgrade: the control plane is up again, the node Ready, DNS answers
	for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
		check "round $n: static pod $c-$node Ready after the upgrade" pod_ready kube-system "$c-$node"
	done
	check "round $n: node $node Ready after the upgrade" kc wait --for=condition=Ready "node/$node" --timeout=120s
	if [ "$scenario" = D ]; then
		new_images() {
			local c
			for c in kube-apiserver kube-controller-manager kube-scheduler; do
				grep -q "image: registry.k8s.io/$c:$version\$" "$out/manifests/$c.yaml" || return 1
			done
		}
		check "round $n: every control-plane manifest runs $version images" new_images
		# the kubelet package upgrade: the binary swapped, the service restarted
		ln -sfn "$to_peers/kubelet.real" "$(e2e_node_dir "$node")/bin/kubelet"
		inode systemctl restart kubelet >>"$logs/checks.log" 2>&1
		kubelet_new() {
			local i v
			for i in $(seq 120); do
				v=$(kc get node "$node" -o jsonpath='{.status.nodeInfo.kubeletVersion}')
				[ "$v" = "$version" ] && kc wait --for=condition=Ready "node/$node" --timeout=120s && return 0
				sleep 1
			done
			echo "kubelet version: $v"
			return 1
		}
		check "round $n: after the kubelet's swap and restart, node $node reports kubelet $version and is Ready" kubelet_new
	fi
	dns_probe() { e2e_dns_probe dnsprobe-after "$node" "$out"; }
	check "round $n: a pod resolves kubernetes.default.svc.cluster.local after the upgrade" dns_probe

	# the health-check Job seen during the upgrade (job_watch), its run-dependent values masked;
	# then what is left of it deleted with its pod, so that the object dumps of both rounds see
	# the same pods
	if [ -s "$out/job.raw.json" ]; then
		python3 -c '
import json, sys
j = json.load(sys.stdin)
t = j["spec"]["template"]
for k in ("selector",):
    j["spec"].pop(k, None)
t["metadata"].pop("labels", None)
print(json.dumps({"spec": j["spec"], "status.succeeded": j.get("status", {}).get("succeeded")}, indent=1, sort_keys=True))
' <"$out/job.raw.json" | mask >"$out/job.json"
		ok "round $n: health-check Job kube-system/upgrade-health-check-<ms> created, succeeded and recorded"
	else
		bad "round $n: no succeeded upgrade-health-check Job in kube-system seen during the upgrade"
		: >"$out/job.json"
	fi
	job=$(kc -n kube-system get jobs -o name | grep '/upgrade-health-check-' | head -n 1)
	[ -z "$job" ] || kc -n kube-system delete "$job" --cascade=foreground --wait=true >>"$logs/checks.log" 2>&1 || true
	# the addons' rollouts (a new kube-proxy image in D) are over before the objects are dumped
	rollouts() { kc -n kube-system rollout status daemonset/kube-proxy --timeout=180s &&
		kc -n kube-system rollout status deployment/coredns --timeout=180s; }
	check "round $n: kube-proxy and CoreDNS rolled out" rollouts
	kc -n default delete pod dnsprobe-after --wait=true >>"$logs/checks.log" 2>&1 || true
	[ "$scenario" = B ] && round_b "$n" "$out" "$kubeadm"
	check "round $n: API objects dumped to $out/objects.txt" e2e_dump_objects "$node" "$out/objects.txt"
	"$E2E_DIR/down.sh" >>"$out/teardown.log" 2>&1 || { bad "round $n: teardown"; return 1; }
	return 0
}

# config_v2: apiServer.extraArgs [{name: v, value: "2"}] in the kubeadm-config ConfigMap's
# ClusterConfiguration (what an admin edits before an upgrade that changes the configuration)
config_v2() {
	kc -n kube-system get configmap kubeadm-config -o json | python3 -c '
import json, sys
cm = json.load(sys.stdin)
cc = cm["data"]["ClusterConfiguration"]
assert "apiServer: {}" in cc, cc
cm["data"]["ClusterConfiguration"] = cc.replace("apiServer: {}", "apiServer:\n  extraArgs:\n  - name: v\n    value: \"2\"")
for k in ("resourceVersion", "uid", "creationTimestamp", "managedFields"):
    cm["metadata"].pop(k, None)
print(json.dumps(cm))
' | kc replace -f -
}

# round_b N OUT KUBEADM: `upgrade node` on cp2 then on w1, each recorded in OUT/<node>.*
round_b() {
	local n=$1 out=$2 kubeadm=$3 w rc c
	for w in cp2 w1; do
		nexec "$w" "$kubeadm" upgrade node --ignore-preflight-errors=SystemVerification \
			>"$out/$w.stdout" 2>"$out/$w.stderr" </dev/null
		rc=$?
		echo "$rc" >"$out/$w.rc"
		mask <"$out/$w.stdout" >"$out/$w.stdout.masked"
		mask <"$out/$w.stderr" >"$out/$w.stderr.masked"
		if [ "$rc" = 0 ]; then
			ok "round $n: $(basename "$kubeadm") upgrade node on $w exits 0"
		else
			bad "round $n: upgrade node on $w exit status $rc (see $out/$w.stdout, $w.stderr)"
			tail -n 5 "$out/$w.stderr" | sed 's/^/    /'
		fi
		snapshot "$out/$w.after.sha256" "$w"
		diff <(awk '{ print $2, $1 }' "$out/$w.before.sha256") <(awk '{ print $2, $1 }' "$out/$w.after.sha256") |
			grep '^[<>]' | awk '{ print $2 }' | sort -u >"$out/$w.changed.txt"
		nexec "$w" sh -c 'mkdir -p /etc/kubernetes/tmp && cd /etc/kubernetes/tmp && find . -maxdepth 4 | sort' |
			mask >"$out/$w.tmp.txt"
		nexec "$w" cat /var/lib/kubelet/config.yaml >"$out/$w.config.yaml.after"
		b=$(nexec "$w" sh -c 'cat /etc/kubernetes/tmp/kubeadm-kubelet-config-*/config.yaml')
		if [ "$b" = "$(cat "$out/$w.config.yaml.before")" ]; then
			ok "round $n: $w's kubelet config.yaml backed up"
		else
			bad "round $n: $w's kubelet config.yaml backup missing or not the old file"
		fi
	done
	mkdir -p "$out/cp2-manifests"
	for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
		nexec cp2 cat "/etc/kubernetes/manifests/$c.yaml" >"$out/cp2-manifests/$c.yaml"
		check "round $n: static pod $c-cp2 Ready after upgrade node" pod_ready kube-system "$c-cp2"
	done
	v2() { grep -q -- '- --v=2' "$out/cp2-manifests/kube-apiserver.yaml"; }
	check "round $n: cp2's kube-apiserver manifest has --v=2 after upgrade node" v2
	for w in cp2 w1; do
		check "round $n: node $w Ready after upgrade node" kc wait --for=condition=Ready "node/$w" --timeout=120s
	done
}

# round_c N OUT RC KUBEADM: scenario C's checks and records after the failed upgrade
round_c() {
	local n=$1 out=$2 rc=$3 kubeadm=$4 c
	if [ "$rc" = 1 ]; then
		ok "round $n: $(basename "$kubeadm") upgrade apply with a crashing kube-apiserver exits 1"
	else
		bad "round $n: upgrade apply exit status $rc, want 1 (see $out/apply.stdout, apply.stderr)"
	fi
	if grep -q "couldn't upgrade control plane. kubeadm has tried to recover everything into the earlier state. Errors faced: " "$out/apply.stderr"; then
		ok "round $n: kubeadm's rollback message"
	else
		bad "round $n: no rollback message in $out/apply.stderr"
	fi
	# the kubelet restarts the old API server from the restored manifest
	api_back() {
		local i
		for i in $(seq 180); do
			kc get --raw /readyz >/dev/null 2>&1 && { echo "ready after $i tries"; return 0; }
			sleep 1
		done
		kc get --raw '/readyz?verbose'
	}
	check "round $n: the API server answers /readyz again after the rollback" api_back
	check "round $n: static pod kube-apiserver-$node Ready again after the rollback" pod_ready kube-system "kube-apiserver-$node"
	restored() {
		local c
		for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
			inode cat "/etc/kubernetes/manifests/$c.yaml" | cmp - "$out/$c.yaml.before" || return 1
		done
	}
	check "round $n: every manifest as before the upgrade (kube-apiserver restored from the backup)" restored
	snapshot "$out/after.sha256"
	diff <(awk '{ print $2, $1 }' "$out/before.sha256") <(awk '{ print $2, $1 }' "$out/after.sha256") |
		grep '^[<>]' | awk '{ print $2 }' | sort -u >"$out/changed.txt"
	inode sh -c 'cd /etc/kubernetes/tmp && find . -maxdepth 4 | sort' | mask >"$out/tmp.txt"
	# kube-apiserver's new manifest was moved into place (and back out to nowhere by the
	# rollback); the others are still there
	check "round $n: the temporary manifests dir is kept after the failure" \
		grep -qx './kubeadm-upgraded-manifests<n>/kube-controller-manager.yaml' "$out/tmp.txt"
	mkdir -p "$out/manifests"
	for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
		inode cat "/etc/kubernetes/manifests/$c.yaml" >"$out/manifests/$c.yaml"
	done
	inode sh -c 'cat /etc/kubernetes/tmp/kubeadm-upgraded-manifests*/kube-controller-manager.yaml' >"$out/manifests/kube-controller-manager.yaml.new"
	check "round $n: node $node Ready after the rollback" kc wait --for=condition=Ready "node/$node" --timeout=120s
	"$E2E_DIR/down.sh" >>"$out/teardown.log" 2>&1 || { bad "round $n: teardown"; return 1; }
}

if [ "$scenario" = D ]; then
	# the version upgraded to first (its kubelet and images), then the cluster's own, which the
	# cluster's nodes take (run.sh inherits E2E_K8S_VERSION and E2E_EXTRA_IMAGES)
	E2E_K8S_VERSION=$version e2e_peers "$logs/build.log" || { bad "peers/images build ($version)"; exit 1; }
	to_peers=$E2E_PEERS
	export E2E_EXTRA_IMAGES=$E2E_IMAGES E2E_K8S_VERSION=$from_version
fi
if e2e_peers "$logs/build.log"; then ok "reference peers and images built ($E2E_PEERS)"; else bad "peers/images build"; exit 1; fi
"$E2E_DIR/node.sh" list | grep -q ' running$' && e2e_die "a bed is already up; run tests/e2e/down.sh first"
round 1 || exit 1
round 2 || exit 1

# Comparison of the two rounds: REFERENCE-KUBEADM's upgrade against KUBEADM's.
r1=$logs/round-1 r2=$logs/round-2
same() { # same WHAT FILE: the file of both rounds, byte for byte
	if diff -u "$r1/$2" "$r2/$2" >"$logs/diff-$(echo "$2" | tr / _).txt"; then
		ok "same $1 as the reference"
	else
		bad "$1 differs from the reference (see $logs/diff-$(echo "$2" | tr / _).txt)"
		head -n 20 "$logs/diff-$(echo "$2" | tr / _).txt" | sed 's/^/    /'
	fi
}
same "exit code" apply.rc
if [ "$scenario" = C ]; then
	same "console output (stdout, masked)" apply.stdout.masked
	same "diagnostics (stderr, masked; the rollback error's detail masked)" apply.stderr.masked
	same "set of files changed by the failed upgrade (certificates renewed before the failure)" changed.txt
	same "layout of /etc/kubernetes/tmp (masked)" tmp.txt
	same "kube-controller-manager manifest kept in the temporary dir" manifests/kube-controller-manager.yaml.new
	exit 0
fi
if [ "$scenario" = D ]; then
	for what in "plan $version" "plan $version -o json" "diff $version"; do
		same "upgrade $what output (stdout, masked; exit code)" "${what// /_}.stdout.masked"
		same "upgrade $what diagnostics (stderr, masked)" "${what// /_}.stderr.masked"
	done
fi
same "console output (stdout, masked)" apply.stdout.masked
same "diagnostics (stderr, masked)" apply.stderr.masked
if [ "$scenario" = B ]; then
	for w in cp2 w1; do
		same "$w: upgrade node exit code" "$w.rc"
		same "$w: upgrade node console output (stdout, masked)" "$w.stdout.masked"
		same "$w: upgrade node diagnostics (stderr, masked)" "$w.stderr.masked"
		same "$w: set of files changed by upgrade node" "$w.changed.txt"
		same "$w: layout of /etc/kubernetes/tmp (masked)" "$w.tmp.txt"
		same "$w: /var/lib/kubelet/config.yaml after upgrade node" "$w.config.yaml.after"
	done
	for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
		same "cp2: $c manifest after upgrade node" "cp2-manifests/$c.yaml"
	done
fi
same "set of files changed by the upgrade (upgrade.md §3)" changed.txt
same "layout of /etc/kubernetes/tmp (masked)" tmp.txt
same "backup files in /etc/kubernetes/tmp (masked names, bytes)" tmp-files.sha256
for c in etcd kube-apiserver kube-controller-manager kube-scheduler; do
	same "$c manifest after the upgrade" "manifests/$c.yaml"
done
same "/var/lib/kubelet/config.yaml after the upgrade" config.yaml.after
same "health-check Job" job.json
if python3 "$E2E_DIR/objects.py" compare "$r1/objects.txt" "$r2/objects.txt" >"$logs/objects-compare.txt" 2>&1; then
	ok "same API objects as the reference ($(tail -n 1 "$logs/objects-compare.txt"))"
else
	bad "API objects differ (see $logs/objects-compare.txt)"
	grep -A3 '^FAIL' "$logs/objects-compare.txt" | head -n 30 | sed 's/^/    /'
fi
