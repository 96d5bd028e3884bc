#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Conformance of the PKI and kubeconfig layers with the reference kubeadm v1.37.2:
# for several parameter sets, the reference and ckubeadm each run
#   init phase certs all --config <cfg>          (certificatesDir in a temp dir of its own)
#   init phase kubeconfig all --config <cfg> --kubeconfig-dir <tmp>
# then every certificate is compared field by field (tests/pki/lib.sh: openssl -text minus
# serial/keys/dates, ASN.1 structure, validity length), key types, file names and modes, the
# console lines and the kubeconfig structure (embedded CA = ca.crt, client key = certificate's).
# Never touches /etc/kubernetes. One line per scenario ("compare: <scenario>" for
# CKUBEADM_CASES), then "N passed, N failed, N skipped".
#
# usage: tests/pki/compare.sh <ckubeadm> [scenario...]    (KUBEADM_REF: the reference)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 <ckubeadm> [scenario...]" >&2; exit 2; }
ours=$(readlink -f "$1")
shift
scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(defaults ha ha-ip ipv6 dual-stack custom-sans etcd-sans
	external-etcd ecdsa-p256 ecdsa-p384 rsa-3072 generate-csr)
if [ -n "${PKI_LIST:-}" ]; then # the names CKUBEADM_CASES selects (run.sh)
	printf 'compare: %s\n' "${scenarios[@]}"
	exit 0
fi
ref=${KUBEADM_REF:-/var/cache/ckubeadm/peers/k8s-v1.37.2/kubeadm}
[ -x "${ref%/kubeadm}/kubeadm.real" ] && ref=${ref%/kubeadm}/kubeadm.real
. "$here/lib.sh"
. "$root/tests/lib/compare.sh"

[ -x "$ref" ] || { echo "SKIP: reference kubeadm not found at $ref"; exit 77; }
CONF_OURS=$ours CONF_REF=$ref CONF_PASSED=0 CONF_FAILED=0 CONF_SKIPPED=0 CONF_UNSELECTED=0
conf_start_check unshare --net --

work=$(mktemp -d /tmp/pki-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0

# side <ref|ours> <dir> <out> <err> <args...>: one binary, from /, in a network namespace of
# its own, appending to <out> and <err>; fails when it was not started or exited non-zero.
side() {
	local bin=$ours dir=$2 out=$3 err=$4 rc
	[ "$1" = ref ] && bin=$ref
	shift 4
	rm -f "$dir/started"
	(cd / && unshare --net -- sh -c "$CONF_STARTED" sh "$dir/started" "$bin" "$@" >>"$out" 2>>"$err" </dev/null)
	rc=$?
	conf_side_started "$dir/started" $rc || echo "(did not start: exit $rc)" >>"$err"
	return $rc
}

# scenario <name> -> sets: node addr svc domain sans cpe algo etcd ssans psans
scenario() {
	node=node-a addr=192.168.10.5 svc=10.96.0.0/12 domain=cluster.local sans= cpe=
	algo=RSA-2048 etcd=local ssans= psans= port=6443
	case "$1" in
	defaults) ;;
	ha) cpe=lb.example.com:6443 ;;
	ha-ip) cpe=10.0.0.100 ;;
	ipv6) addr=fd00:10::5 svc=fd00:96::/108 ;;
	dual-stack) svc=10.96.0.0/12,fd00:96::/108 ;;
	custom-sans) sans="extra.example.com,10.1.2.3,*.wild.example.com,fd00::7,node-a,10.1.2.3,192.168.10.5"
		domain=corp.internal ;;
	etcd-sans) ssans="etcd.example.com,10.9.9.9" psans="peer.example.com,10.8.8.8" ;;
	external-etcd) etcd=external ;;
	ecdsa-p256) algo=ECDSA-P256 ;;
	ecdsa-p384) algo=ECDSA-P384 cpe=lb.example.com:7443 ;;
	rsa-3072) algo=RSA-3072 ;;
	rsa-4096) algo=RSA-4096 ;;
	*) echo "unknown scenario $1"; return 1 ;;
	esac
}

yaml_list() { # "a,b" -> YAML flow list
	local IFS=, out= x
	for x in $1; do out="$out${out:+, }\"$x\""; done
	echo "[$out]"
}

write_config() { # <dir> <ref|ours>: $dir/<side>.yaml, certificatesDir $dir/<side>/pki
	local dir="$1" cfg="$1/$2.yaml"
	cat >"$cfg" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: "$addr"
  bindPort: $port
nodeRegistration:
  name: $node
  criSocket: unix:///nonexistent/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: $dir/$2/pki
encryptionAlgorithm: $algo
networking:
  serviceSubnet: "$svc"
  dnsDomain: $domain
EOF
	[ -n "$cpe" ] && echo "controlPlaneEndpoint: \"$cpe\"" >>"$cfg"
	[ -n "$sans" ] && printf 'apiServer:\n  certSANs: %s\n' "$(yaml_list "$sans")" >>"$cfg"
	if [ "$etcd" = external ]; then
		cat >>"$cfg" <<EOF
etcd:
  external:
    endpoints: ["https://10.0.0.9:2379"]
    caFile: /nonexistent/ca.crt
    certFile: /nonexistent/client.crt
    keyFile: /nonexistent/client.key
EOF
	else
		printf 'etcd:\n  local:\n    dataDir: /var/lib/etcd\n' >>"$cfg"
		[ -n "$ssans" ] && printf '    serverCertSANs: %s\n' "$(yaml_list "$ssans")" >>"$cfg"
		[ -n "$psans" ] && printf '    peerCertSANs: %s\n' "$(yaml_list "$psans")" >>"$cfg"
	fi
}

check() { # name expected actual
	if diff -u "$2" "$3" >"$work/diff"; then
		return 0
	fi
	echo "  DIFF $1:"
	sed 's/^/    /' "$work/diff" | head -40
	fail=1
	return 1
}

run_scenario() {
	local s="$1" d="$work/$1" t
	scenario "$s" || { fail=1; return; }
	for t in ref ours; do
		mkdir -p "$d/$t/kc"
		write_config "$d" $t
		if ! side $t "$d/$t" "$d/$t.out" "$d/$t.err" init phase certs all --config "$d/$t.yaml" ||
			! side $t "$d/$t" "$d/$t.out" "$d/$t.err" init phase kubeconfig all --config "$d/$t.yaml" \
				--kubeconfig-dir "$d/$t/kc"; then
			echo "  $t failed:"; sed 's/^/    /' "$d/$t.err"; fail=1; return
		fi
		[ $t = ref ] && t1=$(date +%s)
	done
	rm -f "$d/ref/started" "$d/ours/started"

	# console lines: paths differ only by ref/ours
	sed "s#$d/ref#DIR#g" "$d/ref.out" >"$d/ref.lines"
	sed "s#$d/ours#DIR#g" "$d/ours.out" >"$d/ours.lines"
	check "console" "$d/ref.lines" "$d/ours.lines"
	# warnings on stderr (invalid SANs): compare the message part of klog lines
	sed -E 's/^W[0-9]{4} [0-9:.]+ +[0-9]+ [^]]*\] //' "$d/ref.err" | grep -v '^$' >"$d/ref.warn"
	sed -E 's/^W[0-9]{4} [0-9:.]+ +[0-9]+ [^]]*\] //' "$d/ours.err" | grep -v '^$' >"$d/ours.warn"
	check "warnings" "$d/ref.warn" "$d/ours.warn"

	# files, modes, certificates, keys and kubeconfigs field by field (lib.sh)
	pki_trees_compare "$d/ref" "$d/ours" || fail=1

	local f
	for f in $(cd "$d/ref" && find . -name '*.crt' | sort); do
		[ -f "$d/ours/$f" ] || continue
		# NotBefore is the run's start minus 5 minutes (allowing for the run's duration)
		local nb
		nb=$(cert_not_before "$d/ours/$f")
		if [ $((nb + 300)) -lt $((t1 - 5)) ] || [ $((nb + 300)) -gt $(($(date +%s) + 1)) ]; then
			echo "  $f: NotBefore $nb is not start-5m"; fail=1
		fi
	done
	for f in $(cd "$d/ref/kc" && ls); do
		[ -f "$d/ours/kc/$f" ] || continue
		awk '/client-certificate-data:/ { print $2 }' "$d/ours/kc/$f" | base64 -d >"$d/c.crt"
		if [ "$(openssl x509 -in "$d/c.crt" -noout -startdate)" != \
			"$(openssl x509 -in "$d/ours/pki/ca.crt" -noout -startdate)" ]; then
			echo "  kc/$f: client cert NotBefore is not the CA's"; fail=1
		fi
		openssl verify -CAfile "$d/ours/pki/ca.crt" "$d/c.crt" >/dev/null ||
			{ echo "  kc/$f: client cert does not verify"; fail=1; }
	done
}

# `certs generate-csr`: keys, CSRs and certificate-less kubeconfigs (kubeadm lists them in Go
# map order, so the console lines are compared sorted)
run_csr() {
	local d="$work/csr" t
	scenario defaults
	for t in ref ours; do
		mkdir -p "$d/$t/kc"
		write_config "$d" $t
		if ! side $t "$d/$t" "$d/$t.out" "$d/$t.err" certs generate-csr --config "$d/$t.yaml" \
			--kubeconfig-dir "$d/$t/kc"; then
			echo "  $t failed:"; sed 's/^/    /' "$d/$t.err"; fail=1; return
		fi
	done
	rm -f "$d/ref/started" "$d/ours/started"
	sed "s#$d/ref#DIR#g" "$d/ref.out" | sort >"$d/a"
	sed "s#$d/ours#DIR#g" "$d/ours.out" | sort >"$d/b"
	check "console (sorted)" "$d/a" "$d/b"
	(cd "$d/ref" && find . -printf '%p %y %m\n' | sort) >"$d/a"
	(cd "$d/ours" && find . -printf '%p %y %m\n' | sort) >"$d/b"
	check "files, directories and modes" "$d/a" "$d/b"
	[ -n "$(cd "$d/ref" && find . -name '*.csr')" ] || { echo "  the reference wrote no CSR"; fail=1; }
	local f
	for f in $(cd "$d/ref" && find . -name '*.csr' | sort); do
		{ openssl req -in "$d/ref/$f" -noout -text -reqopt no_pubkey,no_sigdump
		  openssl asn1parse -in "$d/ref/$f" | sed -E 's/^ *[0-9]+:d=/d=/; s/hl= *[0-9]+ l= *[0-9]+//; /BIT STRING/d'
		} >"$d/a" 2>&1
		{ openssl req -in "$d/ours/$f" -noout -text -reqopt no_pubkey,no_sigdump
		  openssl asn1parse -in "$d/ours/$f" | sed -E 's/^ *[0-9]+:d=/d=/; s/hl= *[0-9]+ l= *[0-9]+//; /BIT STRING/d'
		} >"$d/b" 2>&1
		check "$f" "$d/a" "$d/b"
	done
	for f in $(cd "$d/ref/kc" && ls | grep -v csr); do
		sed -E 's/(-data: ).*/\1<data>/' "$d/ref/kc/$f" >"$d/a"
		sed -E 's/(-data: ).*/\1<data>/' "$d/ours/kc/$f" >"$d/b"
		check "kc/$f" "$d/a" "$d/b"
	done
}

for s in "${scenarios[@]}"; do
	conf_selected "compare: $s" || continue
	fail=0
	echo "scenario $s"
	if [ "$s" = generate-csr ]; then run_csr; else run_scenario "$s"; fi
	if [ $fail -eq 0 ]; then
		echo "ok   compare: $s"
		CONF_PASSED=$((CONF_PASSED + 1))
	else
		echo "FAIL compare: $s"
		CONF_FAILED=$((CONF_FAILED + 1))
	fi
done
conf_done
