#!/usr/bin/env bash
# End-to-end proof of `certs renew --if-expiring-within --restart-control-plane=auto` and
# `certs check-expiration --warn-within` (beyond-kubeadm.md §4.4), on single-node clusters made
# by KUBEADM with run.sh (kept up, then torn down).
# Usage: tests/e2e/certs.sh KUBEADM [REFERENCE-KUBEADM]
#   E2E_CERTS=short (default, ≈3 min; scripts/test.sh): a cluster whose certificates last 30
#     minutes (certificateValidityPeriod). --warn-within exits 0 for 10m and 1 for 1h;
#     renew all --if-expiring-within=10m renews and restarts nothing; then
#     --if-expiring-within=1h --restart-control-plane=auto renews every leaf (CAs unchanged),
#     the TLS serials on :6443, :2379 and :2380 are the new certificates', the
#     controller-manager and scheduler containers are new ones in the same pod, kube-proxy's and
#     CoreDNS's containers are the same, and the cluster answers (node Ready, DNS).
#   E2E_CERTS=full (K3, ≈26 min): a cluster whose certificates last E2E_CERTS_VALIDITY (3m)
#     for E2E_CERTS_MINUTES (10, over three lifetimes), a health check every 30 s (kubectl with
#     admin.conf, the node Ready, kubectl logs through the kubelet; the controller-manager's and
#     scheduler's leader Leases renewed within 60 s are recorded apart, as GAP: they lapse for
#     a while whenever the API server restarts) and every 60 s the timer's command
#     (`certs renew all --if-expiring-within=<validity/2> --restart-control-plane=auto`); then
#     the same loop on a new cluster with REFERENCE-KUBEADM's `certs renew all` every
#     <validity/2> (it has no threshold and restarts nothing): it shows which components pick up
#     renewed certificates by themselves. Time is compressed about 10^5 times: the loop
#     restarts each component every minute or two, where the kubelet's crash-loop back-off
#     (reset only after 10 minutes) would reach 5 minutes; so these clusters' kubelets get
#     crashLoopBackOff.maxContainerRestartPeriod: 10s (KubeletCrashLoopBackOffMax, on by default
#     in v1.37). A year-long certificate restarts each component about once a year. Each tick is a line of $logs/<round>/ticks.txt (served
#     vs on-disk serials); the summary gives the ticks that failed and why.
# Prints one line per check and "N passed, N failed, N skipped"; exits non-zero on a failure.
# Logs: $CKUBEADM_E2E_LOGS (default /var/tmp/ckubeadm-e2e-logs/<date>-certs). Run it under
# `flock /tmp/ckubeadm-bed.lock`.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || e2e_die "usage: certs.sh KUBEADM [REFERENCE-KUBEADM]"
kubeadm=$(realpath "$1") || e2e_die "no such binary: $1"
ref=
[ $# -lt 2 ] || ref=$(realpath "$2") || e2e_die "no such binary: $2"
[ "$(id -u)" = 0 ] || e2e_die "the bed needs root (namespaces, mounts, cgroups)"
mode=${E2E_CERTS:-short}
case $mode in short|full) ;; *) e2e_die "E2E_CERTS: short or full" ;; esac
[ "$mode" = short ] || [ -n "$ref" ] || e2e_die "E2E_CERTS=full needs REFERENCE-KUBEADM"
node=cp1
logs=${CKUBEADM_E2E_LOGS:-/var/tmp/ckubeadm-e2e-logs/$(date -u +%Y%m%dT%H%M%SZ)-certs}
mkdir -p "$logs"
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
check() {
	local name=$1
	shift
	printf '\n== %s: %s\n' "$name" "$*" >>"$logs/checks.log"
	if ("$@") >>"$logs/checks.log" 2>&1; then ok "$name"; else bad "$name (see $logs/checks.log)"; return 1; fi
}
inode() { "$E2E_DIR/node.sh" exec "$node" "$@"; }
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

# up NAME VALIDITY [KUBELET]: a cluster by KUBEADM with certificateValidityPeriod VALIDITY and
# the KubeletConfiguration lines KUBELET (run.sh, kept)
up() {
	local out=$logs/$1
	mkdir -p "$out"
	if E2E_KEEP=1 E2E_CLUSTER_EXTRA="certificateValidityPeriod: $2" E2E_KUBELET_EXTRA=${3:-} \
		CKUBEADM_E2E_LOGS="$out/init" \
		bash "$E2E_DIR/run.sh" "$kubeadm" >"$out/run.log" 2>&1; then
		ok "$1: cluster up by $(basename "$kubeadm"), certificates valid $2 ($(tail -n 1 "$out/run.log"))"
	else
		bad "$1: cluster up (see $out/run.log)"
		tail -n 5 "$out/run.log" | sed 's/^/    /'
		return 1
	fi
}

# file_serial NAME: the serial of /etc/kubernetes/pki/NAME.crt, as openssl prints it
file_serial() { inode openssl x509 -noout -serial -in "/etc/kubernetes/pki/$1.crt" | sed 's/^serial=//'; }
# served_serial HOST:PORT [CERT]: the serial of the certificate a TLS handshake shows
served_serial() {
	local auth=()
	[ -z "${2:-}" ] || auth=(-cert "/etc/kubernetes/pki/$2.crt" -key "/etc/kubernetes/pki/$2.key")
	inode bash -c 'openssl s_client -connect "$1" "${@:2}" </dev/null 2>/dev/null | openssl x509 -noout -serial' \
		bash "$1" "${auth[@]}" | sed 's/^serial=//'
}
ip_of() { cat "$(e2e_node_dir "$node")/ip"; }
# containers FILE: "name id attempt podSandboxId" of every running container
containers() {
	inode crictl ps -o json | python3 -c '
import json, sys
for c in json.load(sys.stdin)["containers"]:
    print(c["metadata"]["name"], c["id"], c["metadata"].get("attempt", 0), c["podSandboxId"])
' | sort >"$1"
}
# serials FILE: the serial of every leaf and CA file
serials() {
	inode sh -c 'cd /etc/kubernetes/pki && for f in *.crt etcd/*.crt; do
		printf "%s %s\n" "$f" "$(openssl x509 -noout -serial -in "$f")"; done' >"$1"
}

short() {
	local out=$logs/short ip rc
	up short 30m0s || return 1
	ip=$(ip_of)
	# check-expiration --warn-within
	inode "$kubeadm" certs check-expiration --warn-within=10m >"$out/warn-10m.stdout" 2>"$out/warn-10m.stderr"
	rc=$?
	check "short: check-expiration --warn-within=10m exits 0 (nothing expires within 10m)" test "$rc" = 0
	inode "$kubeadm" certs check-expiration >"$out/plain.stdout" 2>&1
	check "short: check-expiration --warn-within prints kubeadm's table unchanged" \
		cmp "$out/plain.stdout" "$out/warn-10m.stdout"
	inode "$kubeadm" certs check-expiration --warn-within=1h >"$out/warn-1h.stdout" 2>"$out/warn-1h.stderr"
	rc=$?
	warned() {
		local kubelet_soon=0 line=0
		cat "$out/warn-1h.stderr"
		# the kubelet's client certificate is named exactly when it expires within 1h
		inode openssl x509 -checkend 3600 -noout -in /var/lib/kubelet/pki/kubelet-client-current.pem || kubelet_soon=1
		grep -q 'kubelet client certificate /var/lib/kubelet/pki/kubelet-client-current.pem' "$out/warn-1h.stderr" && line=1
		echo "kubelet client certificate within 1h: $kubelet_soon, named: $line"
		[ "$rc" = 1 ] && grep -q '^\[check-expiration\] apiserver expires within 1h' "$out/warn-1h.stderr" &&
			[ "$kubelet_soon" = "$line" ] && ! grep -q '^\[check-expiration\] ca ' "$out/warn-1h.stderr"
	}
	check "short: check-expiration --warn-within=1h exits 1 and names the leaves (not the CAs)" warned
	# below the threshold: nothing renewed, nothing restarted
	serials "$out/serials.0"
	containers "$out/containers.0"
	inode "$kubeadm" certs renew all --if-expiring-within=10m --restart-control-plane=auto \
		>"$out/renew-10m.log" 2>&1
	rc=$?
	serials "$out/serials.1"
	containers "$out/containers.1"
	untouched() {
		cat "$out/renew-10m.log"
		[ "$rc" = 0 ] && cmp "$out/serials.0" "$out/serials.1" && cmp "$out/containers.0" "$out/containers.1" &&
			grep -q '^No certificate expires within 10m0s: nothing renewed.' "$out/renew-10m.log"
	}
	check "short: renew all --if-expiring-within=10m: nothing renewed, nothing restarted" untouched
	# within the threshold: everything renewed, the right components restarted
	local start=$SECONDS
	inode "$kubeadm" certs renew all --if-expiring-within=1h --restart-control-plane=auto \
		>"$out/renew-1h.log" 2>&1
	rc=$?
	check "short: renew all --if-expiring-within=1h --restart-control-plane=auto exits 0 ($((SECONDS - start)) s)" \
		sh -c "cat '$out/renew-1h.log'; test $rc = 0"
	serials "$out/serials.2"
	containers "$out/containers.2"
	leaves_new() {
		local f
		for f in apiserver apiserver-kubelet-client apiserver-etcd-client front-proxy-client \
			etcd/server etcd/peer etcd/healthcheck-client; do
			[ "$(grep "^$f.crt " "$out/serials.0")" != "$(grep "^$f.crt " "$out/serials.2")" ] ||
				{ echo "$f.crt not renewed"; return 1; }
		done
		for f in ca front-proxy-ca etcd/ca; do
			[ "$(grep "^$f.crt " "$out/serials.0")" = "$(grep "^$f.crt " "$out/serials.2")" ] ||
				{ echo "$f.crt changed"; return 1; }
		done
	}
	check "short: every leaf certificate renewed, CAs unchanged" leaves_new
	serving() {
		local want have
		for t in "apiserver $ip:6443" "etcd/server 127.0.0.1:2379 etcd/healthcheck-client" \
			"etcd/peer $ip:2380 etcd/peer"; do
			set -- $t
			want=$(file_serial "$1")
			have=$(served_serial "$2" "${3:-}")
			echo "$1 on $2: file $want served $have"
			[ -n "$want" ] && [ "$want" = "$have" ] || return 1
		done
	}
	check "short: :6443, :2379 and :2380 serve the new certificates' serials" serving
	restarted() {
		local c before after
		for c in etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy coredns; do
			before=$(grep "^$c " "$out/containers.1" | head -n 1)
			after=$(grep "^$c " "$out/containers.2" | head -n 1)
			echo "$c: $before -> $after"
			set -- $before
			local bid=$2 bat=$3 bsb=$4
			set -- $after
			case $c in
			kube-proxy|coredns) [ "$bid" = "$2" ] || return 1 ;;
			*) [ "$bid" != "$2" ] && [ "$2" != "" ] && [ "$bsb" = "$4" ] && [ "$3" -gt "$bat" ] || return 1 ;;
			esac
		done
	}
	check "short: etcd, kube-apiserver, controller-manager, scheduler: new containers in the same pods; kube-proxy, CoreDNS untouched" restarted
	order() {
		grep '^\[restart-control-plane\] Stopping the' "$out/renew-1h.log" | awk '{ print $4 }' | tr '\n' ' ' |
			grep -qx 'etcd kube-apiserver kube-controller-manager kube-scheduler '
	}
	check "short: restarts one at a time in the order etcd, kube-apiserver, controller-manager, scheduler" order
	check "short: the Lease kube-system/ckubeadm-certs-renewal is released" \
		sh -c "! $E2E_DIR/node.sh exec $node kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get lease ckubeadm-certs-renewal"
	check "short: node $node Ready with the renewed admin.conf" kc wait --for=condition=Ready "node/$node" --timeout=60s
	dns() { e2e_dns_probe dnsprobe-renewed "$node" "$out"; }
	check "short: a pod resolves kubernetes.default.svc.cluster.local after the restarts" dns
	"$E2E_DIR/down.sh" >>"$out/teardown.log" 2>&1 || bad "short: teardown"
}

# lease_age NAME: seconds since the leader Lease kube-system/NAME was renewed (999 unknown)
lease_age() {
	local t
	t=$(kc -n kube-system get lease "$1" -o 'jsonpath={.spec.renewTime}' 2>/dev/null) || { echo 999; return; }
	[ -n "$t" ] || { echo 999; return; }
	echo $(($(date +%s) - $(date -d "$t" +%s)))
}

# loop NAME CMD...: the K3 loop on the current cluster; CMD runs every `every` ticks
loop() {
	local name=$1 out=$logs/$1 ticks every tick=0 bad_ticks=0 why gap ip rc
	shift
	ip=$(ip_of)
	ticks=$((${E2E_CERTS_MINUTES:-10} * 2))
	every=$renew_every
	: >"$out/ticks.txt"
	: >"$out/renew.log"
	while [ "$tick" -lt "$ticks" ]; do
		local t0=$SECONDS
		if [ $((tick % every)) = $((every - 1)) ]; then
			printf '\n== tick %d %s: %s\n' "$tick" "$(date -u +%T)" "$*" >>"$out/renew.log"
			inode "$@" >>"$out/renew.log" 2>&1
			rc=$?
			echo "exit $rc" >>"$out/renew.log"
		fi
		why=
		kc get nodes >/dev/null 2>&1 || why="$why kubectl"
		[ "$(kc get node "$node" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ] ||
			why="$why node-not-ready"
		kc -n kube-system logs --tail=1 "etcd-$node" >/dev/null 2>&1 || why="$why kubectl-logs(apiserver->kubelet)"
		# leader gaps: a restarted API server makes the controller-manager and the scheduler
		# lose their leases and restart; reported apart, they are not a certificate failure
		gap=
		[ "$(lease_age kube-controller-manager)" -le 60 ] || gap="$gap controller-manager-lease"
		[ "$(lease_age kube-scheduler)" -le 60 ] || gap="$gap scheduler-lease"
		printf '%s tick %d api %s/%s etcd %s/%s peer %s/%s%s%s\n' "$(date -u +%T)" "$tick" \
			"$(served_serial "$ip:6443")" "$(file_serial apiserver)" \
			"$(served_serial 127.0.0.1:2379 etcd/healthcheck-client)" "$(file_serial etcd/server)" \
			"$(served_serial "$ip:2380" etcd/peer)" "$(file_serial etcd/peer)" \
			"${why:+ FAIL$why}" "${gap:+ GAP$gap}" >>"$out/ticks.txt"
		[ -z "$why" ] || bad_ticks=$((bad_ticks + 1))
		tick=$((tick + 1))
		local rest=$((30 - (SECONDS - t0)))
		[ "$rest" -le 0 ] || sleep "$rest"
	done
	grep -c 'x509' <(inode sh -c 'for c in $(crictl ps -a -q --name kube-apiserver); do crictl logs "$c" 2>&1; done') \
		>"$out/apiserver-x509-lines.txt"
	echo "$bad_ticks"
}

full() {
	local validity=${E2E_CERTS_VALIDITY:-3m0s} secs half n
	secs=$(python3 -c "import re,sys; s=sys.argv[1]; print(sum(int(v)*{'h':3600,'m':60,'s':1}[u] for v,u in re.findall(r'(\d+)([hms])', s)))" "$validity")
	half=$((secs / 2))
	renew_every=2
	local backoff=$'crashLoopBackOff:\n  maxContainerRestartPeriod: 10s'
	if up full-ckubeadm "$validity" "$backoff"; then
		n=$(loop full-ckubeadm "$kubeadm" certs renew all --if-expiring-within="${half}s" --restart-control-plane=auto)
		check "full-ckubeadm: healthy at every tick for ${E2E_CERTS_MINUTES:-10} min ($n of $((${E2E_CERTS_MINUTES:-10} * 2)) ticks failed; ticks.txt)" test "$n" = 0
		grep -q 'restarted' "$logs/full-ckubeadm/renew.log" &&
			ok "full-ckubeadm: renewals with restarts happened ($(grep -c 'kube-apiserver restarted' "$logs/full-ckubeadm/renew.log") apiserver restarts)" ||
			bad "full-ckubeadm: no restart in renew.log"
		e2e_log "full-ckubeadm: apiserver log lines with x509: $(cat "$logs/full-ckubeadm/apiserver-x509-lines.txt")"
		dns() { e2e_dns_probe dnsprobe-k3 "$node" "$logs/full-ckubeadm"; }
		check "full-ckubeadm: a pod resolves kubernetes.default.svc.cluster.local at the end" dns
		"$E2E_DIR/down.sh" >>"$logs/teardown.log" 2>&1 || bad "full-ckubeadm: teardown"
	fi
	# the reference: renew only (it cannot restart), every half lifetime
	renew_every=$((half / 30))
	[ "$renew_every" -ge 1 ] || renew_every=1
	if up full-reference "$validity" "$backoff"; then
		n=$(loop full-reference "$ref" certs renew all)
		ok "full-reference: measured: $n of $((${E2E_CERTS_MINUTES:-10} * 2)) ticks failed (first failure: $(grep -m1 FAIL "$logs/full-reference/ticks.txt" || echo none))"
		e2e_log "full-reference: apiserver log lines with x509: $(cat "$logs/full-reference/apiserver-x509-lines.txt")"
		"$E2E_DIR/down.sh" >>"$logs/teardown.log" 2>&1 || bad "full-reference: teardown"
	fi
}

"$E2E_DIR/down.sh" >/dev/null 2>&1 || true
if [ "$mode" = short ]; then short; else full; fi
