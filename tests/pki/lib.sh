# SPDX-License-Identifier: Apache-2.0
# Shared helpers of the tests/pki scripts (sourced).

# The fields of a certificate that must match the reference: `openssl x509 -text` without
# serial, key bytes, dates and signature bytes, key identifiers masked; the ASN.1 structure
# with string types and extension order (values of variable fields masked); the validity
# length in seconds; the key type and size.
cert_fields() {
	local f="$1"
	openssl x509 -in "$f" -noout -text \
		-certopt no_serial,no_pubkey,no_sigdump,no_validity |
		awk '/Key Identifier/ { print; getline; print "            <keyid>"; next } { print }'
	openssl x509 -in "$f" -noout -text |
		grep -E 'Public Key Algorithm|Public-Key:|ASN1 OID|NIST CURVE|Exponent' | sed 's/^ *//'
	local nb na
	nb=$(date -u -d "$(openssl x509 -in "$f" -noout -startdate | cut -d= -f2)" +%s)
	na=$(date -u -d "$(openssl x509 -in "$f" -noout -enddate | cut -d= -f2)" +%s)
	echo "validity-seconds: $((na - nb))"
	# ASN.1 structure: depth, tag and the values that are not per-run random
	openssl asn1parse -in "$f" | awk '
		{ sub(/^ *[0-9]+:/, ""); sub(/hl= *[0-9]+ l= *[0-9]+ /, "") }
		/prim: INTEGER/ { sub(/:[0-9A-F-]+$/, ":<int>") }
		/prim: (UTCTIME|GENERALIZEDTIME)/ { sub(/:[0-9]+Z$/, ":<time>") }
		/prim: BIT STRING/ { sub(/BIT STRING.*/, "BIT STRING <bits>") }
		prev ~ /Key Identifier/ && /OCTET STRING/ { sub(/\[HEX DUMP\]:.*/, "<keyid>") }
		/prim: OCTET STRING/ && !/HEX DUMP/ { sub(/OCTET STRING.*/, "OCTET STRING <octets>") }
		{ prev = $0; print }'
}

# The start of validity relative to a reference time (seconds), to check the 5-minute backdate.
cert_not_before() {
	date -u -d "$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)" +%s
}

# kubeconfig_fields <kubeconfig> [<ca.crt>]: the YAML of a kubeconfig with the embedded data
# masked, the embedded client certificate's fields, the client key's type (and whether it is
# the key of that certificate), the embedded CA's subject and, given the tree's ca.crt, whether
# the embedded CA is that certificate (SHA-256 fingerprints) and the client certificate
# verifies against it. Returns 1 when the key does not match the certificate, the embedded CA
# is not ca.crt or the client certificate does not verify: the printed lines say which (the
# same words on both sides of a comparison when both are right).
kubeconfig_fields() {
	local f=$1 ca=${2:-} tmp rc=0
	tmp=$(mktemp -d)
	sed -E 's/(-data: ).*/\1<data>/' "$f"
	awk '/client-certificate-data:/ { print $2 }' "$f" | base64 -d >"$tmp/client.crt" 2>/dev/null
	awk '/certificate-authority-data:/ { print $2 }' "$f" | base64 -d >"$tmp/ca.crt" 2>/dev/null
	awk '/client-key-data:/ { print $2 }' "$f" | base64 -d >"$tmp/client.key" 2>/dev/null
	if [ -s "$tmp/client.crt" ]; then
		echo "--- client certificate"
		cert_fields "$tmp/client.crt"
		echo "--- client key"
		head -1 "$tmp/client.key"
		openssl pkey -in "$tmp/client.key" -noout -text 2>/dev/null |
			grep -E 'Private-Key:|ASN1 OID|NIST CURVE' | sed 's/^ *//'
		local kpub cpub
		cpub=$(openssl x509 -in "$tmp/client.crt" -noout -pubkey 2>/dev/null | openssl pkey -pubin -outform DER 2>/dev/null | sha256sum)
		kpub=$(openssl pkey -in "$tmp/client.key" -pubout -outform DER 2>/dev/null | sha256sum)
		if [ -s "$tmp/client.key" ] && [ "$cpub" = "$kpub" ]; then
			echo "client key: the key of the client certificate"
		else
			echo "client key: NOT the key of the client certificate"
			rc=1
		fi
	fi
	echo "--- ca"
	if [ ! -s "$tmp/ca.crt" ]; then
		echo "ca: none embedded"
	elif ! openssl x509 -noout -subject <"$tmp/ca.crt" 2>/dev/null; then
		echo "ca: not a certificate"
		rc=1
	fi
	if [ -n "$ca" ]; then
		local fp_kc fp_ca
		fp_kc=$(openssl x509 -in "$tmp/ca.crt" -noout -fingerprint -sha256 2>/dev/null)
		fp_ca=$(openssl x509 -in "$ca" -noout -fingerprint -sha256 2>/dev/null)
		if [ -n "$fp_kc" ] && [ "$fp_kc" = "$fp_ca" ]; then
			echo "ca: the certificate of ca.crt"
		else
			echo "ca: NOT the certificate of $ca (${fp_kc:-none embedded} vs ${fp_ca:-no ca.crt})"
			rc=1
		fi
		if [ -s "$tmp/client.crt" ]; then
			if openssl verify -CAfile "$ca" "$tmp/client.crt" >/dev/null 2>&1; then
				echo "client certificate: verifies against ca.crt"
			else
				echo "client certificate: does NOT verify against ca.crt"
				rc=1
			fi
		fi
	fi
	rm -rf "$tmp"
	return $rc
}

# kubeconfig_ca <tree> <kubeconfig path in it>: the tree's ca.crt for a kubeconfig, the pki/
# beside it (etc/kubernetes/admin.conf: etc/kubernetes/pki/ca.crt) or beside its directory
# (kc/admin.conf: pki/ca.crt); nothing when the tree has none.
kubeconfig_ca() {
	local d
	d=$(dirname "$1/$2")
	for c in "$d/pki/ca.crt" "$d/../pki/ca.crt"; do
		[ -f "$c" ] && { echo "$c"; return; }
	done
}

# Key files: PEM type and key parameters.
key_fields() {
	head -1 "$1"
	openssl pkey -in "$1" -noout -text 2>/dev/null | grep -E 'Private-Key:|ASN1 OID|NIST CURVE' |
		sed 's/^ *//'
}

# pki_trees_compare <ref-dir> <ours-dir>: the trees two runs wrote, compared as the PKI
# conformance does: the same files with the same modes; every certificate field by field
# (cert_fields), every key and public key (key_fields), every kubeconfig (*.conf) with its
# embedded data masked and its client certificate compared without the validity length (the
# reference's kubeconfig certificates end one period after the run's start but begin at the CA's
# NotBefore, so the length depends on when the CA was made), the embedded CA of each against its
# own tree's ca.crt and the client key against the client certificate (kubeconfig_fields).
# Prints "  DIFF <file>:" and the diff for each difference; returns 1 when there is any, and
# when either tree is missing or empty.
pki_trees_compare() {
	local ref=$1 ours=$2 tmp rc=0 f side
	# two missing (or empty) trees are not equal: nothing would be compared
	for side in "$ref" "$ours"; do
		if [ -z "$(find "$side" -type f -print -quit 2>/dev/null)" ]; then
			echo "  DIFF tree $side: missing or empty"
			rc=1
		fi
	done
	[ $rc -eq 0 ] || return 1
	tmp=$(mktemp -d)
	_ptc_check() {
		if ! diff -u "$2" "$3" >"$tmp/diff"; then
			echo "  DIFF $1:"
			sed 's/^/    /' "$tmp/diff" | head -40
			rc=1
		fi
	}
	(cd "$ref" && find . -type f -printf '%p %m\n' | sort) >"$tmp/a"
	(cd "$ours" && find . -type f -printf '%p %m\n' | sort) >"$tmp/b"
	_ptc_check "file list and modes" "$tmp/a" "$tmp/b"
	for f in $(cd "$ref" && find . -name '*.crt' | sort); do
		[ -f "$ours/$f" ] || continue
		cert_fields "$ref/$f" >"$tmp/a" 2>&1
		cert_fields "$ours/$f" >"$tmp/b" 2>&1
		_ptc_check "$f" "$tmp/a" "$tmp/b"
	done
	for f in $(cd "$ref" && find . -name '*.key' -o -name '*.pub' | sort); do
		[ -f "$ours/$f" ] || continue
		key_fields "$ref/$f" >"$tmp/a" 2>&1
		key_fields "$ours/$f" >"$tmp/b" 2>&1
		_ptc_check "$f" "$tmp/a" "$tmp/b"
	done
	for f in $(cd "$ref" && find . -name '*.conf' | sort); do
		[ -f "$ours/$f" ] || continue
		# each embeds its own tree's CA and a client key matching its certificate
		kubeconfig_fields "$ref/$f" "$(kubeconfig_ca "$ref" "$f")" >"$tmp/a" 2>&1 ||
			{ echo "  DIFF $f: the reference's kubeconfig fails the CA/key checks"; rc=1; }
		kubeconfig_fields "$ours/$f" "$(kubeconfig_ca "$ours" "$f")" >"$tmp/b" 2>&1 ||
			{ echo "  DIFF $f: ckubeadm's kubeconfig fails the CA/key checks"; rc=1; }
		sed -i '/^validity-seconds/d' "$tmp/a" "$tmp/b"
		_ptc_check "$f" "$tmp/a" "$tmp/b"
	done
	rm -rf "$tmp"
	return $rc
}

# pki_make_tree <ckubeadm> <dir> <advertise address> <algorithm> <certs|all> [<endpoint>]: the
# tree `init phase certs all` (and, for "all", `init phase kubeconfig all`) of ckubeadm makes
# for node-a: certificates in <dir>/pki, kubeconfig files in <dir>/kc, the configuration in
# <dir>/cfg.yaml. Run from / (certificatesDir is absolute). Prints ckubeadm's output on error.
pki_make_tree() {
	local bin=$1 dir=$2 addr=$3 algo=$4 what=$5 cpe=${6:-}
	mkdir -p "$dir/kc"
	cat >"$dir/cfg.yaml" <<EOC
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: "$addr"
  bindPort: 6443
nodeRegistration:
  name: node-a
  criSocket: unix:///nonexistent/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
certificatesDir: $dir/pki
encryptionAlgorithm: $algo
EOC
	[ -z "$cpe" ] || echo "controlPlaneEndpoint: \"$cpe\"" >>"$dir/cfg.yaml"
	(cd / && "$bin" init phase certs all --config "$dir/cfg.yaml" >"$dir/make.log" 2>&1) &&
		{ [ "$what" = certs ] || (cd / && "$bin" init phase kubeconfig all --config "$dir/cfg.yaml" \
			--kubeconfig-dir "$dir/kc" >>"$dir/make.log" 2>&1); } ||
		{ sed 's/^/    /' "$dir/make.log"; return 1; }
}
