#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Checks our PKI with real peers (no reference kubeadm needed):
#  - `openssl verify` of every certificate against its CA, with the purpose its usages allow
#    (sslserver / sslclient) and the SANs kubeadm promises (-verify_hostname / -verify_ip);
#  - every key matches its certificate, sa.pub matches sa.key;
#  - every kubeconfig loads in kubectl and its client certificate verifies against ca.crt;
#  - mutual TLS handshakes on loopback: openssl s_server with the apiserver / etcd serving
#    certificates requiring client certificates from the right CA, reached by openssl
#    s_client (admin.conf's credentials, etcd healthcheck / apiserver-etcd-client) and by
#    kubectl with admin.conf.
# The trees are ckubeadm's (`init phase certs all`, `init phase kubeconfig all`). Runs for
# RSA-2048 and ECDSA-P256 (and the algorithms given as arguments); CKUBEADM_CASES selects
# algorithms by "verify-chains: <algorithm>". One line per check, then
# "N passed, N failed, N skipped".
#
# usage: tests/pki/verify-chains.sh <ckubeadm> [algo...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <ckubeadm> [algo...]" >&2; exit 2; }
ours=$(readlink -f "$1")
shift
algos=("$@")
[ ${#algos[@]} -eq 0 ] && algos=(RSA-2048 ECDSA-P256)
if [ -n "${PKI_LIST:-}" ]; then # the names CKUBEADM_CASES selects (run.sh)
	printf 'verify-chains: %s\n' "${algos[@]}"
	exit 0
fi
. "$here/lib.sh"
. "$root/tests/lib/compare.sh"
CONF_OURS=$ours CONF_REF= CONF_PASSED=0 CONF_FAILED=0 CONF_SKIPPED=0 CONF_UNSELECTED=0
conf_start_check
peers=${PEERS_DIR:-/var/cache/ckubeadm/peers/k8s-v1.37.2}
kubectl=$peers/kubectl.real
[ -x "$kubectl" ] || kubectl=$(command -v kubectl) ||
	{ echo "SKIP: no kubectl (tests/peers/build.sh kubectl)"; exit 77; }

work=$(mktemp -d /tmp/pki-verify.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
ok() { echo "ok   $*"; CONF_PASSED=$((CONF_PASSED + 1)); }
bad() { echo "FAIL $*"; CONF_FAILED=$((CONF_FAILED + 1)); }

pick_port() { # a free loopback port
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

verify_tree() {
	local algo="$1" d="$work/$1"
	# kubeadm refuses a loopback advertise address; 127.0.0.1 is in the serving certificates
	# through the control plane endpoint (apiserver) and as localhost (etcd)
	pki_make_tree "$ours" "$d" 10.123.0.5 "$algo" all 127.0.0.1 ||
		{ bad "$algo: ckubeadm init phase certs/kubeconfig all"; return; }
	local p="$d/pki"
	# leaf, CA, purpose, host checks
	local rows=(
		"apiserver ca sslserver -verify_hostname=kubernetes.default.svc.cluster.local -verify_ip=10.96.0.1 -verify_ip=127.0.0.1 -verify_hostname=node-a"
		"apiserver-kubelet-client ca sslclient"
		"front-proxy-client front-proxy-ca sslclient"
		"etcd/server etcd/ca sslserver -verify_hostname=localhost -verify_ip=::1 -verify_ip=127.0.0.1"
		"etcd/server etcd/ca sslclient"
		"etcd/peer etcd/ca sslserver -verify_hostname=node-a -verify_ip=127.0.0.1"
		"etcd/peer etcd/ca sslclient"
		"etcd/healthcheck-client etcd/ca sslclient"
		"apiserver-etcd-client etcd/ca sslclient"
	)
	local row leaf ca purpose extra
	for row in "${rows[@]}"; do
		read -r leaf ca purpose extra <<<"$row"
		local args=()
		for x in $extra; do args+=("${x%%=*}" "${x#*=}"); done
		if openssl verify -x509_strict -purpose "$purpose" "${args[@]}" \
			-CAfile "$p/$ca.crt" "$p/$leaf.crt" >/dev/null 2>"$d/err"; then
			ok "$leaf ($purpose) against $ca"
		else
			bad "$leaf ($purpose) against $ca: $(cat "$d/err")"
		fi
		# a wrong CA must not verify
		local other=ca
		[ "$ca" = ca ] && other=front-proxy-ca
		if openssl verify -CAfile "$p/$other.crt" "$p/$leaf.crt" >/dev/null 2>&1; then
			bad "$leaf verifies against $other"
		fi
	done
	# a client certificate is not a server certificate
	openssl verify -purpose sslserver -CAfile "$p/ca.crt" "$p/apiserver-kubelet-client.crt" \
		>/dev/null 2>&1 && bad "client certificate accepted for sslserver"
	for ca in ca front-proxy-ca etcd/ca; do
		openssl verify -x509_strict -check_ss_sig -CAfile "$p/$ca.crt" "$p/$ca.crt" >/dev/null 2>&1 &&
			ok "$ca self-signed" || bad "$ca self-signature"
	done
	# keys match certificates
	local f n=0 mismatched=0
	for f in $(cd "$p" && find . -name '*.crt' | sort); do
		local base=${f%.crt}
		n=$((n + 1))
		if [ "$(openssl x509 -in "$p/$f" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" != \
			"$(openssl pkey -in "$p/$base.key" -pubout -outform DER 2>/dev/null | sha256sum)" ]; then
			bad "$base.key does not match $f"
			mismatched=1
		fi
	done
	[ $n -gt 0 ] || bad "no certificate in $p"
	[ $n -gt 0 ] && [ $mismatched = 0 ] && ok "the keys of the $n certificates match them"
	[ "$(openssl pkey -in "$p/sa.key" -pubout)" = "$(cat "$p/sa.pub")" ] && ok "sa.pub matches sa.key" ||
		bad "sa.pub does not match sa.key"
	# kubeconfigs
	for f in admin super-admin kubelet controller-manager scheduler; do
		local kc="$d/kc/$f.conf"
		"$kubectl" --kubeconfig "$kc" config view --raw -o \
			'jsonpath={.users[0].user.client-certificate-data}' | base64 -d >"$d/$f.crt" ||
			{ bad "kubectl cannot read $f.conf"; continue; }
		"$kubectl" --kubeconfig "$kc" config view --raw -o \
			'jsonpath={.users[0].user.client-key-data}' | base64 -d >"$d/$f.key"
		openssl verify -purpose sslclient -CAfile "$p/ca.crt" "$d/$f.crt" >/dev/null 2>&1 &&
			ok "$f.conf client certificate" || bad "$f.conf client certificate"
	done

	# mutual TLS: apiserver serving cert, admin.conf client credentials
	local port
	port=$(pick_port)
	openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$p/apiserver.crt" -key "$p/apiserver.key" \
		-CAfile "$p/ca.crt" -Verify 1 -verify_return_error -www >"$d/s_server.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 50); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
	if echo | openssl s_client -connect "127.0.0.1:$port" -CAfile "$p/ca.crt" -verify_return_error \
		-verify_ip 127.0.0.1 -cert "$d/admin.crt" -key "$d/admin.key" >"$d/s_client.log" 2>&1; then
		ok "TLS handshake apiserver <- admin.conf credentials"
	else
		bad "TLS handshake apiserver <- admin: $(grep -i error "$d/s_client.log" | head -3)"
	fi
	if echo | openssl s_client -connect "127.0.0.1:$port" -CAfile "$p/front-proxy-ca.crt" \
		-verify_return_error >/dev/null 2>&1; then
		bad "apiserver certificate accepted with the front-proxy CA"
	fi
	# kubectl speaks TLS with admin.conf's CA, client certificate and server URL
	if "$kubectl" --kubeconfig "$d/kc/admin.conf" --server "https://127.0.0.1:$port" \
		get --raw / >"$d/kubectl.out" 2>&1; grep -q "Ciphers supported" "$d/kubectl.out"; then
		ok "kubectl TLS with admin.conf"
	else
		bad "kubectl TLS with admin.conf: $(head -3 "$d/kubectl.out")"
	fi
	kill "${pids[-1]}" 2>/dev/null

	# etcd: server certificate, healthcheck and apiserver client certificates
	port=$(pick_port)
	openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$p/etcd/server.crt" -key "$p/etcd/server.key" \
		-CAfile "$p/etcd/ca.crt" -Verify 1 -verify_return_error -www >/dev/null 2>&1 &
	pids+=($!)
	for _ in $(seq 50); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
	for c in etcd/healthcheck-client apiserver-etcd-client etcd/peer; do
		if echo | openssl s_client -connect "127.0.0.1:$port" -CAfile "$p/etcd/ca.crt" \
			-verify_return_error -verify_hostname localhost -cert "$p/$c.crt" -key "$p/$c.key" \
			>/dev/null 2>&1; then
			ok "TLS handshake etcd server <- $c"
		else
			bad "TLS handshake etcd server <- $c"
		fi
	done
	kill "${pids[-1]}" 2>/dev/null
}

for a in "${algos[@]}"; do
	conf_section "verify-chains: $a" || { CONF_UNSELECTED=$((CONF_UNSELECTED + 1)); continue; }
	echo "algorithm $a"
	verify_tree "$a"
done
conf_done
