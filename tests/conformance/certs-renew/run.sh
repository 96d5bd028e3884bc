#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ckubeadm's flags of `certs renew` and `certs check-expiration` (beyond-kubeadm.md §4.3), offline
# under --rootfs on a tree made by `init phase certs/kubeconfig all` with certificates of 30
# minutes, in a network namespace of its own:
#   tests/conformance/certs-renew/run.sh <ckubeadm> [<reference kubeadm>] [<build-dir>]
# - the reference refuses each new flag (a script using one is ckubeadm-only), and --help of
#   both commands does not show them (C7);
# - check-expiration --warn-within: stdout the same as without it, exit 0 / 1 around the
#   remaining validity, the leaves named on stderr and never a CA;
# - renew all --if-expiring-within: nothing written below the threshold (sha256 of the tree),
#   every leaf renewed above it with the CAs untouched, a single certificate likewise;
# - bad values (an unknown --restart-control-plane, a malformed duration): exit 1, a clear error,
#   nothing written; --restart-control-plane=auto without a container runtime fails after the
#   renewal, naming the runtime, before any restart.
# One line per case, then "N passed, N failed, N skipped".
set -u
ours=$(readlink -f "$1")
[ -x "$ours" ] || { echo "SKIP: $ours missing"; echo "0 passed, 0 failed, 1 skipped"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (--rootfs chroots)"; echo "0 passed, 0 failed, 1 skipped"; exit 77; }
ref=${2:-}
[ -n "$ref" ] && [ -x "${ref%/kubeadm}/kubeadm.real" ] && ref=${ref%/kubeadm}/kubeadm.real
work=$(mktemp -d /var/tmp/ckubeadm-certs-renew.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
skip() { echo "skip $1"; skipped=$((skipped + 1)); }
run() { (cd / && unshare --net -- "$@"); }
k() { run "$ours" "$@" --rootfs "$work/root" --config /cfg.yaml; }
tree() { (cd "$work/root/etc/kubernetes" && find . -type f | sort | xargs sha256sum); }
serial() { openssl x509 -noout -serial -in "$work/root/etc/kubernetes/pki/$1.crt"; }

mkdir -p "$work/root"
cat >"$work/root/cfg.yaml" <<'EOF'
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.0.0.5
nodeRegistration:
  name: node-a
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificateValidityPeriod: 30m0s
EOF
if k init phase certs all >"$work/init.log" 2>&1 && k init phase kubeconfig all >>"$work/init.log" 2>&1; then
	ok "a tree with 30-minute certificates"
else
	fail "init phase certs/kubeconfig all"; cat "$work/init.log"
	echo "$passed passed, $failed failed, $skipped skipped"; exit 1
fi

# C7: hidden from --help; the reference refuses them
for c in "renew all" "check-expiration"; do
	# shellcheck disable=SC2086
	if run "$ours" certs $c --help 2>&1 | grep -qE 'if-expiring-within|restart-control-plane|warn-within'; then
		fail "certs $c --help shows a ckubeadm flag"
	else
		ok "certs $c --help shows no ckubeadm flag"
	fi
done
if grep -q -- '--if-expiring-within duration' <(run "$ours" help extensions) &&
	grep -q -- '--warn-within duration' <(run "$ours" help extensions); then
	ok "help extensions documents the flags"
else
	fail "help extensions"
fi
if [ -n "$ref" ] && [ -x "$ref" ]; then
	for f in "renew all --if-expiring-within=1h" "renew all --restart-control-plane=auto" \
		"check-expiration --warn-within=1h"; do
		# shellcheck disable=SC2086
		out=$(run "$ref" certs $f --rootfs "$work/root" --config /cfg.yaml 2>&1)
		rc=$?
		flag=--${f#*--}
		if [ "$rc" = 1 ] && grep -q -- "unknown flag: ${flag%%=*}" <<<"$out"; then
			ok "the reference refuses certs $f"
		else
			fail "the reference and certs $f: rc $rc: $out"
		fi
	done
else
	skip "the reference refuses the flags (no reference kubeadm)"
fi

# check-expiration --warn-within
k certs check-expiration >"$work/plain.out" 2>"$work/plain.err"
k certs check-expiration --warn-within=10m >"$work/w10.out" 2>"$work/w10.err"
rc=$?
if [ "$rc" = 0 ] && cmp -s "$work/plain.out" "$work/w10.out"; then
	ok "check-expiration --warn-within=10m: exit 0, stdout unchanged"
else
	fail "check-expiration --warn-within=10m: rc $rc"; diff "$work/plain.out" "$work/w10.out"; cat "$work/w10.err"
fi
k certs check-expiration --warn-within=1h >"$work/w1h.out" 2>"$work/w1h.err"
rc=$?
if [ "$rc" = 1 ] && cmp -s "$work/plain.out" "$work/w1h.out" &&
	[ "$(grep -c '^\[check-expiration\] .* expires within 1h0m0s' "$work/w1h.err")" = 11 ] &&
	! grep -qE '^\[check-expiration\] (ca|etcd-ca|front-proxy-ca) ' "$work/w1h.err" &&
	grep -q '^error: 11 certificates expire within 1h0m0s$' "$work/w1h.err"; then
	ok "check-expiration --warn-within=1h: exit 1, stdout unchanged, the 11 leaves on stderr, no CA"
else
	fail "check-expiration --warn-within=1h: rc $rc"; cat "$work/w1h.err"
fi
# the kubelet's client certificate counts (kubelet.conf names it)
mkdir -p "$work/root/var/lib/kubelet/pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=system:node:node-a \
	-keyout "$work/kubelet.key" -out "$work/kubelet.crt" 2>/dev/null
cat "$work/kubelet.crt" "$work/kubelet.key" >"$work/root/var/lib/kubelet/pki/kubelet-client-current.pem"
cp "$work/root/etc/kubernetes/kubelet.conf" "$work/kubelet.conf.orig"
python3 - "$work/root/etc/kubernetes/kubelet.conf" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p).read().splitlines()
out = []
for l in lines:
    if l.strip().startswith("client-certificate-data:"):
        out.append(l.split("client")[0] + "client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem")
    elif l.strip().startswith("client-key-data:"):
        out.append(l.split("client")[0] + "client-key: /var/lib/kubelet/pki/kubelet-client-current.pem")
    else:
        out.append(l)
open(p, "w").write("\n".join(out) + "\n")
EOF
k certs check-expiration --warn-within=10m >/dev/null 2>"$work/wk10.err"
rc10=$?
k certs check-expiration --warn-within=25h >/dev/null 2>"$work/wk25.err"
rc25=$?
if [ "$rc10" = 0 ] && [ "$rc25" = 1 ] &&
	grep -q '^\[check-expiration\] the kubelet client certificate /var/lib/kubelet/pki/kubelet-client-current.pem expires within 25h0m0s' "$work/wk25.err"; then
	ok "check-expiration --warn-within covers the kubelet's client certificate"
else
	fail "kubelet client certificate: rc $rc10/$rc25"; cat "$work/wk10.err" "$work/wk25.err"
fi
cp "$work/kubelet.conf.orig" "$work/root/etc/kubernetes/kubelet.conf"
rm -rf "$work/root/var/lib/kubelet"

# renew --if-expiring-within
tree >"$work/tree.0"
k certs renew all --if-expiring-within=10m >"$work/r10.out" 2>&1
rc=$?
tree >"$work/tree.1"
if [ "$rc" = 0 ] && cmp -s "$work/tree.0" "$work/tree.1" &&
	[ "$(grep -c 'not renewed: it expires on .*, not within 10m0s$' "$work/r10.out")" = 11 ] &&
	grep -q '^No certificate expires within 10m0s: nothing renewed.$' "$work/r10.out"; then
	ok "renew all --if-expiring-within=10m: nothing written, 11 skipped"
else
	fail "renew all --if-expiring-within=10m: rc $rc"; cat "$work/r10.out"
fi
a0=$(serial apiserver) f0=$(serial front-proxy-client) ca0=$(serial ca)
k certs renew apiserver --if-expiring-within=1h >"$work/r1.out" 2>&1
rc=$?
if [ "$rc" = 0 ] && [ "$(serial apiserver)" != "$a0" ] && [ "$(serial front-proxy-client)" = "$f0" ] &&
	[ "$(cat "$work/r1.out")" = "certificate for serving the Kubernetes API renewed" ]; then
	ok "renew apiserver --if-expiring-within=1h: that certificate alone renewed"
else
	fail "renew apiserver --if-expiring-within=1h: rc $rc"; cat "$work/r1.out"
fi
k certs renew all --if-expiring-within=1h >"$work/r1h.out" 2>&1
rc=$?
tree >"$work/tree.2"
changed=$(diff <(awk '{ print $2, $1 }' "$work/tree.1") <(awk '{ print $2, $1 }' "$work/tree.2") | grep '^>' | awk '{ print $2 }' | sort | tr '\n' ' ')
want="./admin.conf ./controller-manager.conf ./pki/apiserver-etcd-client.crt ./pki/apiserver-etcd-client.key ./pki/apiserver-kubelet-client.crt ./pki/apiserver-kubelet-client.key ./pki/apiserver.crt ./pki/apiserver.key ./pki/etcd/healthcheck-client.crt ./pki/etcd/healthcheck-client.key ./pki/etcd/peer.crt ./pki/etcd/peer.key ./pki/etcd/server.crt ./pki/etcd/server.key ./pki/front-proxy-client.crt ./pki/front-proxy-client.key ./scheduler.conf ./super-admin.conf "
if [ "$rc" = 0 ] && [ "$changed" = "$want" ] && [ "$(serial ca)" = "$ca0" ] &&
	[ "$(grep -c ' renewed$' "$work/r1h.out")" = 11 ] &&
	grep -q '^Done renewing certificates. You must restart' "$work/r1h.out"; then
	ok "renew all --if-expiring-within=1h: every leaf and kubeconfig renewed, CAs and kubelet.conf untouched"
else
	fail "renew all --if-expiring-within=1h: rc $rc, changed: $changed"; cat "$work/r1h.out"
fi

# bad input: exit 1, clear error, nothing written
tree >"$work/tree.3"
for bad in "--restart-control-plane=always" "--if-expiring-within=90d"; do
	out=$(k certs renew all "$bad" 2>&1)
	rc=$?
	tree >"$work/tree.4"
	if [ "$rc" = 1 ] && cmp -s "$work/tree.3" "$work/tree.4" &&
		grep -qE '^error: invalid (value "always" for --restart-control-plane: none or auto|argument "90d" for "--if-expiring-within" flag: time: unknown unit "d" in duration "90d")$' <<<"$out"; then
		ok "renew all $bad: exit 1, a clear error, nothing written"
	else
		fail "renew all $bad: rc $rc: $out"
	fi
done
out=$(k certs check-expiration --warn-within=soon 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q 'invalid argument "soon" for "--warn-within" flag' <<<"$out"; then
	ok "check-expiration --warn-within=soon: exit 1, a clear error"
else
	fail "check-expiration --warn-within=soon: rc $rc: $out"
fi
# auto without a container runtime (none in this root): the renewal is done, no restart starts
out=$(k certs renew all --restart-control-plane=auto 2>&1)
rc=$?
if [ "$rc" = 1 ] && grep -q '^Done renewing certificates.$' <<<"$out" &&
	grep -q '^error: cannot restart the control plane: .*containerd.sock' <<<"$out" &&
	! grep -q 'Stopping' <<<"$out"; then
	ok "renew all --restart-control-plane=auto without a container runtime: exit 1 before any restart"
else
	fail "renew all --restart-control-plane=auto without a runtime: rc $rc: $out"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
