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

# The YAML of a kubeconfig with the embedded data masked, plus the embedded client certificate
# fields and the CA's subject.
kubeconfig_fields() {
	local f="$1" tmp
	tmp=$(mktemp -d)
	sed -E 's/(-data: ).*/\1<data>/' "$f"
	awk '/client-certificate-data:/ { print $2 }' "$f" | base64 -d >"$tmp/client.crt"
	awk '/certificate-authority-data:/ { print $2 }' "$f" | base64 -d >"$tmp/ca.crt"
	awk '/client-key-data:/ { print $2 }' "$f" | base64 -d >"$tmp/client.key"
	if [ -s "$tmp/client.crt" ]; then
		echo "--- client certificate"
		cert_fields "$tmp/client.crt"
		echo "--- client key"
		head -1 "$tmp/client.key"
		openssl pkey -in "$tmp/client.key" -noout -text 2>/dev/null |
			grep -E 'Private-Key:|ASN1 OID|NIST CURVE' | sed 's/^ *//'
	fi
	echo "--- ca subject"
	openssl x509 -in "$tmp/ca.crt" -noout -subject
	rm -rf "$tmp"
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
# NotBefore, so the length depends on when the CA was made). Prints "  DIFF <file>:" and the
# diff for each difference; returns 1 when there is any.
pki_trees_compare() {
	local ref=$1 ours=$2 tmp rc=0 f
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
		kubeconfig_fields "$ref/$f" | grep -v '^validity-seconds' >"$tmp/a" 2>&1
		kubeconfig_fields "$ours/$f" | grep -v '^validity-seconds' >"$tmp/b" 2>&1
		_ptc_check "$f" "$tmp/a" "$tmp/b"
	done
	rm -rf "$tmp"
	return $rc
}
