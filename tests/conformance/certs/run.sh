#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `init phase certs`, `init phase kubeconfig`, `certs ...` and `kubeconfig user` against the
# reference kubeadm:
#   tests/conformance/certs/run.sh <ckubeadm> <reference-kubeadm> [build-dir]
# Every step runs both binaries with --rootfs on a root of their own (kubeadm chroots into it:
# this machine's /etc/kubernetes is never touched), under `unshare --net`, with the input config
# at /cfg.yaml inside the root. Exit code, stdout and stderr are compared after
# tests/lib/compare.sh's normalisation; the certificate and kubeconfig trees are compared field
# by field with tests/pki/lib.sh's pki_trees_compare (certificates and keys are random, so
# never byte by byte).
#
# Steps of a scenario run in sequence on the same two roots (re-runs must reuse files). For
# cross-use, a tree made by one binary is copied to both roots and each binary runs on it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/lib/compare.sh"
. "$top/tests/pki/lib.sh"
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference-kubeadm> [build-dir]" >&2; exit 2; }
conf_init "$(realpath "$1")" "$(realpath "$2")"
unset HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy
# dry-run writes go to a fixed directory inside the root instead of a random one
export KUBEADM_INIT_DRYRUN_DIR=/etc/kubernetes/tmp/dryrun
K=etc/kubernetes

# ---- configurations ----------------------------------------------------------------------

# write_cfg <scenario> <file>
write_cfg() {
	local s=$1 f=$2 addr=192.168.10.5 svc=10.96.0.0/12 algo=RSA-2048 extra="" etcd=local
	case $s in
	defaults) ;;
	ha) extra='controlPlaneEndpoint: "lb.example.com:6443"' ;;
	ha-ip) extra='controlPlaneEndpoint: "10.0.0.100"' ;;
	ipv6) addr=fd00:10::5 svc=fd00:96::/108 ;;
	dual-stack) svc=10.96.0.0/12,fd00:96::/108 ;;
	custom-sans) extra=$'apiServer:\n  certSANs: ["extra.example.com", "10.1.2.3", "*.wild.example.com", "fd00::7", "node-a", "bad_name!"]' ;;
	external-etcd) etcd=external ;;
	rsa-3072) algo=RSA-3072 ;;
	rsa-4096) algo=RSA-4096 ;;
	ecdsa-p256) algo=ECDSA-P256 ;;
	ecdsa-p384) algo=ECDSA-P384 ;;
	validity) extra=$'certificateValidityPeriod: 48h0m0s\ncaCertificateValidityPeriod: 17520h0m0s' ;;
	*) echo "unknown scenario $s" >&2; return 1 ;;
	esac
	cat >"$f" <<EOF
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
encryptionAlgorithm: $algo
networking:
  serviceSubnet: "$svc"
  dnsDomain: cluster.local
EOF
	[ -n "$extra" ] && printf '%s\n' "$extra" >>"$f"
	if [ $etcd = external ]; then
		printf 'etcd:\n  external:\n    endpoints: ["https://10.0.0.9:2379"]\n    caFile: /nonexistent/ca.crt\n    certFile: /nonexistent/client.crt\n    keyFile: /nonexistent/client.key\n' >>"$f"
	else
		printf 'etcd:\n  local:\n    dataDir: /var/lib/etcd\n' >>"$f"
	fi
}

# ---- runners -----------------------------------------------------------------------------

# roots <name> <scenario>: fresh roots $R (reference) and $O (ours) holding /cfg.yaml.
roots() {
	local d=$CONF_TMP/$1
	R=$d/ref O=$d/ours
	rm -rf "$d"
	mkdir -p "$R" "$O"
	write_cfg "$2" "$R/cfg.yaml" && cp "$R/cfg.yaml" "$O/cfg.yaml"
}

# copy_tree <from-root>: both roots become copies of a tree (cross-use).
copy_tree() {
	rm -rf "$R" "$O"
	cp -a "$1" "$R"
	cp -a "$1" "$O"
}

# run1 <bin> <root> <tag> <args...>: one side; results in <root>.<tag>.{out,err,rc}.
run1() {
	local bin=$1 dir=$2 tag=$3
	shift 3
	(cd "$dir" && unshare --net -- "$bin" "$@" --rootfs "$dir" >"$dir.$tag.out" \
		2>"$dir.$tag.err" </dev/null)
	echo $? >"$dir.$tag.rc"
	conf_normalise <"$dir.$tag.out" | sed -e "${MASK:-}" >"$dir.$tag.out.n"
	[ -z "${SORT:-}" ] || sort -o "$dir.$tag.out.n" "$dir.$tag.out.n"
	conf_normalise <"$dir.$tag.err" | sed -e "${MASK:-}" >"$dir.$tag.err.n"
}

result() { # <name> <why>
	if [ -z "$2" ]; then
		echo "ok   $1"
		CONF_PASSED=$((CONF_PASSED + 1))
	else
		echo "FAIL $1:$2"
		CONF_FAILED=$((CONF_FAILED + 1))
	fi
}

# both <name> <args...>: runs the reference on $R and ckubeadm on $O, compares exit code and
# the normalised stdout/stderr. MASK (a sed script) is applied to both outputs when set.
both() {
	local name=$1 why="" t=s$((CONF_PASSED + CONF_FAILED))
	shift
	run1 "$CONF_REF" "$R" "$t" "$@"
	run1 "$CONF_OURS" "$O" "$t" "$@"
	cmp -s "$R.$t.rc" "$O.$t.rc" || why+=" exit($(cat "$R.$t.rc") vs $(cat "$O.$t.rc"))"
	cmp -s "$R.$t.out.n" "$O.$t.out.n" || why+=" stdout"
	cmp -s "$R.$t.err.n" "$O.$t.err.n" || why+=" stderr"
	result "$name" "$why"
	if [ -n "$why" ]; then
		local f
		for f in out.n err.n; do
			cmp -s "$R.$t.$f" "$O.$t.$f" || diff -u "$R.$t.$f" "$O.$t.$f" | head -n 20 | sed 's/^/     /'
		done
	fi
}

# trees <name>: the two roots' /etc/kubernetes compared field by field.
trees() {
	local out
	if out=$(pki_trees_compare "$R/$K" "$O/$K" 2>&1); then
		result "$1 (tree)" ""
	else
		result "$1 (tree)" " files differ"
		printf '%s\n' "$out" | head -n 30 | sed 's/^/   /'
	fi
}

# ref_tree <dir> <scenario>: a complete certs + kubeconfig tree made by the reference.
ref_tree() {
	mkdir -p "$1"
	write_cfg "$2" "$1/cfg.yaml"
	unshare --net -- "$CONF_REF" init phase certs all --config /cfg.yaml --rootfs "$1" >/dev/null 2>&1 &&
		unshare --net -- "$CONF_REF" init phase kubeconfig all --config /cfg.yaml --rootfs "$1" >/dev/null 2>&1
}
ours_tree() {
	mkdir -p "$1"
	write_cfg "$2" "$1/cfg.yaml"
	unshare --net -- "$CONF_OURS" init phase certs all --config /cfg.yaml --rootfs "$1" >/dev/null 2>&1 &&
		unshare --net -- "$CONF_OURS" init phase kubeconfig all --config /cfg.yaml --rootfs "$1" >/dev/null 2>&1
}

# ---- init phase certs / kubeconfig: all, per scenario, re-run ------------------------------

for s in defaults ha ha-ip ipv6 dual-stack custom-sans external-etcd rsa-3072 rsa-4096 \
	ecdsa-p256 ecdsa-p384 validity; do
	roots "all-$s" "$s"
	both "$s: init phase certs all" init phase certs all --config /cfg.yaml
	both "$s: init phase kubeconfig all" init phase kubeconfig all --config /cfg.yaml
	trees "$s: certs + kubeconfig"
	both "$s: re-run certs all (reuse)" init phase certs all --config /cfg.yaml
	both "$s: re-run kubeconfig all (reuse)" init phase kubeconfig all --config /cfg.yaml
	trees "$s: after re-run"
done

# every sub-phase on its own, in order, then re-run one by one
certs_phases="ca apiserver apiserver-kubelet-client front-proxy-ca front-proxy-client etcd-ca
	etcd-server etcd-peer etcd-healthcheck-client apiserver-etcd-client sa"
kc_phases="admin super-admin kubelet controller-manager scheduler"
for s in defaults external-etcd; do
	roots "sub-$s" "$s"
	for p in $certs_phases; do
		both "$s: init phase certs $p" init phase certs "$p" --config /cfg.yaml
	done
	for p in $kc_phases; do
		both "$s: init phase kubeconfig $p" init phase kubeconfig "$p" --config /cfg.yaml
	done
	trees "$s: sub-phases"
	for p in $certs_phases; do
		both "$s: re-run certs $p" init phase certs "$p" --config /cfg.yaml
	done
	for p in $kc_phases; do
		both "$s: re-run kubeconfig $p" init phase kubeconfig "$p" --config /cfg.yaml
	done
done

# flags instead of a config file; --cert-dir and --kubeconfig-dir elsewhere
roots flags defaults
both "flags: certs all" init phase certs all --cert-dir /x/pki --apiserver-advertise-address 10.0.0.7 \
	--apiserver-cert-extra-sans a.example.com,10.0.0.8 --service-cidr 10.100.0.0/16 \
	--service-dns-domain corp.local --control-plane-endpoint cp.example.com --kubernetes-version v1.37.2
both "flags: kubeconfig all" init phase kubeconfig all --cert-dir /x/pki --kubeconfig-dir /x/kc \
	--apiserver-advertise-address 10.0.0.7 --apiserver-bind-port 7443 --node-name n1 \
	--control-plane-endpoint cp.example.com --kubernetes-version v1.37.2
out=$(pki_trees_compare "$R/x" "$O/x" 2>&1) && result "flags (tree)" "" ||
	{ result "flags (tree)" " files differ"; printf '%s\n' "$out" | head -n 30; }

# --dry-run: files go to $KUBEADM_INIT_DRYRUN_DIR inside the root
roots dry-run defaults
both "dry-run: certs all" init phase certs all --config /cfg.yaml --dry-run
both "dry-run: kubeconfig all" init phase kubeconfig all --config /cfg.yaml --dry-run
trees "dry-run"

# ---- cross-use: each binary re-runs the phases on the other's tree ------------------------

ref_tree "$CONF_TMP/tree-ref" defaults
ours_tree "$CONF_TMP/tree-ours" defaults
RENEWED_MINUTE='s/[0-9][0-9]:[0-9][0-9] UTC/HH:MM UTC/'
for maker in ref ours; do
	roots "cross-$maker" defaults
	copy_tree "$CONF_TMP/tree-$maker"
	both "tree by $maker: re-run certs all" init phase certs all --config /cfg.yaml
	both "tree by $maker: re-run kubeconfig all" init phase kubeconfig all --config /cfg.yaml
	# check-expiration on the same tree: dates are the tree's and match exactly; the residual
	# seconds of -o json/yaml are read at two different instants, so they are masked
	both "tree by $maker: check-expiration" certs check-expiration --config /cfg.yaml
	MASK='s/"residualTime": [0-9]*/"residualTime": N/; s/residualTime: [0-9]*/residualTime: N/' \
		both "tree by $maker: check-expiration -o json" certs check-expiration --config /cfg.yaml -o json
	MASK='s/"residualTime": [0-9]*/"residualTime": N/; s/residualTime: [0-9]*/residualTime: N/' \
		both "tree by $maker: check-expiration -o yaml" certs check-expiration --config /cfg.yaml -o yaml
	MASK='s/residualTime: [0-9]*/residualTime: N/' \
		both "tree by $maker: check-expiration -o kyaml" certs check-expiration --config /cfg.yaml -o kyaml
	# jsonpath printers over the CertificateExpirationInfo object (numbers are float64 there:
	# the residual seconds print as 3.1535999e+07, masked like the JSON ones)
	for o in 'jsonpath={.certificates[*].name}' \
		'jsonpath={range .certificates[*]}{.name}{"\t"}{.expirationDate}{"\t"}{.caName}{"\t"}{.externallyManaged}{"\t"}{.missing}{"\n"}{end}' \
		'jsonpath={.certificateAuthorities[?(@.name=="ca")].expirationDate}' \
		'jsonpath={.certificates[?(@.externallyManaged==false)].name}' \
		'jsonpath={.certificates[?(@.residualTime>1000.0)].name}' \
		'jsonpath={.certificates[?(@.residualTime>1000)].name}' \
		'jsonpath={.certificates[0].residualTime}' 'jsonpath={.certificates[0]}' \
		'jsonpath-as-json={.certificateAuthorities[*].name}' 'jsonpath={.nope}'; do
		MASK='s/[0-9]\.[0-9]*e+[0-9]*/N/g; s/"residualTime":[0-9]*/"residualTime":N/g' \
			both "tree by $maker: check-expiration -o $o" certs check-expiration --config /cfg.yaml -o "$o"
	done
	MASK='s/[0-9]\.[0-9]*e+[0-9]*/N/g' \
		both "tree by $maker: check-expiration -o jsonpath, missing key refused" certs check-expiration \
		--config /cfg.yaml -o 'jsonpath={.certificates[*].nope}' --allow-missing-template-keys=false
	both "tree by $maker: renew apiserver" certs renew apiserver --config /cfg.yaml
	both "tree by $maker: renew admin.conf" certs renew admin.conf --config /cfg.yaml
	both "tree by $maker: renew all" certs renew all --config /cfg.yaml
	trees "tree by $maker: renewed"
	if cmp -s "$CONF_TMP/tree-$maker/$K/pki/apiserver.crt" "$O/$K/pki/apiserver.crt" ||
		cmp -s "$CONF_TMP/tree-$maker/$K/admin.conf" "$O/$K/admin.conf"; then
		result "tree by $maker: renew replaced the files" " not renewed"
	else
		result "tree by $maker: renew replaced the files" ""
	fi
	openssl verify -CAfile "$O/$K/pki/ca.crt" "$O/$K/pki/apiserver.crt" >/dev/null 2>&1 &&
		result "tree by $maker: renewed apiserver verifies" "" ||
		result "tree by $maker: renewed apiserver verifies" " openssl verify failed"
	# each tool renewed at its own moment: a minute may turn between the two, so the time of
	# day of the expiry dates is masked (dates, residual times, CAs still compared)
	MASK=$RENEWED_MINUTE both "tree by $maker: check-expiration after renew" certs check-expiration \
		--config /cfg.yaml
done

# custom validity: residual times in hours ("47h") and years plus days ("1y364d")
ref_tree "$CONF_TMP/tree-validity" validity
roots validity-expiration validity
copy_tree "$CONF_TMP/tree-validity"
both "validity: check-expiration" certs check-expiration --config /cfg.yaml
both "validity: renew all" certs renew all --config /cfg.yaml
MASK=$RENEWED_MINUTE both "validity: check-expiration after renew" certs check-expiration --config /cfg.yaml
trees "validity: renewed"

# missing files and the kubeconfig path of check-expiration (no --config: the cluster is
# unreachable in the namespace, both fall back to the defaults; the default configuration
# needs a routable interface, so both fail the same way after the same lines)
roots missing defaults
copy_tree "$CONF_TMP/tree-ref"
rm "$R/$K/pki/apiserver.crt" "$O/$K/pki/apiserver.crt" "$R/$K/admin.conf" "$O/$K/admin.conf"
rm -r "$R/$K/pki/etcd" "$O/$K/pki/etcd"
both "missing: check-expiration" certs check-expiration --config /cfg.yaml
MASK='s/"residualTime": [0-9]*/"residualTime": N/' \
	both "missing: check-expiration -o json" certs check-expiration --config /cfg.yaml -o json
MASK='s/[0-9]\.[0-9]*e+[0-9]*/N/g' \
	both "missing: check-expiration -o jsonpath" certs check-expiration --config /cfg.yaml \
	-o 'jsonpath={range .certificates[*]}{.name} {.missing} {.expirationDate} {.residualTime}{"\n"}{end}'
MASK='s/residualTime: [0-9]*/residualTime: N/' \
	both "missing: check-expiration -o kyaml" certs check-expiration --config /cfg.yaml -o kyaml
both "missing: check-expiration -o jsonpath-file" certs check-expiration --config /cfg.yaml \
	-o jsonpath-file=/nonexistent.jsonpath
both "missing: renew all" certs renew all --config /cfg.yaml
both "no config: check-expiration" certs check-expiration --kubeconfig /etc/kubernetes/super-admin.conf
both "no config, no kubeconfig: check-expiration" certs check-expiration --kubeconfig /nonexistent.conf
both "check-expiration -o wide" certs check-expiration --config /cfg.yaml -o wide

roots ext-etcd-expiration external-etcd
ref_tree "$CONF_TMP/tree-ext-etcd" external-etcd
copy_tree "$CONF_TMP/tree-ext-etcd"
both "external etcd: check-expiration" certs check-expiration --config /cfg.yaml
both "external etcd: renew etcd-server" certs renew etcd-server --config /cfg.yaml
both "external etcd: renew all" certs renew all --config /cfg.yaml

# ---- external CA ----------------------------------------------------------------------------

roots external-ca defaults
copy_tree "$CONF_TMP/tree-ref"
rm "$R/$K/pki/ca.key" "$O/$K/pki/ca.key"
both "external CA: certs all" init phase certs all --config /cfg.yaml
both "external CA: kubeconfig all" init phase kubeconfig all --config /cfg.yaml
both "external CA: certs sa" init phase certs sa --config /cfg.yaml
both "external CA: upload-certs refused" init phase upload-certs --upload-certs --config /cfg.yaml
both "external CA: check-expiration" certs check-expiration --config /cfg.yaml
both "external CA: renew apiserver" certs renew apiserver --config /cfg.yaml
both "external CA: renew all" certs renew all --config /cfg.yaml
trees "external CA"
# kubeadm's GetDryRunDir makes the directory (mkdtemp) unless $KUBEADM_INIT_DRYRUN_DIR names
# it; the external-CA copy does not create it, so it exists here as after a real dry-run init
mkdir -p "$R/$K/tmp/dryrun" "$O/$K/tmp/dryrun"
both "external CA: dry-run kubeconfig all" init phase kubeconfig all --config /cfg.yaml --dry-run
rm "$R/$K/pki/apiserver.crt" "$O/$K/pki/apiserver.crt"
both "external CA: missing leaf" init phase certs all --config /cfg.yaml
roots external-ca-kc defaults
copy_tree "$CONF_TMP/tree-ref"
rm "$R/$K/pki/ca.key" "$O/$K/pki/ca.key" "$R/$K/scheduler.conf" "$O/$K/scheduler.conf"
both "external CA: missing kubeconfig" init phase kubeconfig all --config /cfg.yaml
roots external-fp-ca defaults
copy_tree "$CONF_TMP/tree-ref"
rm "$R/$K/pki/front-proxy-ca.key" "$O/$K/pki/front-proxy-ca.key" \
	"$R/$K/pki/front-proxy-client.crt" "$O/$K/pki/front-proxy-client.crt"
both "external front-proxy CA: missing leaf" init phase certs all --config /cfg.yaml

# ---- mismatches -------------------------------------------------------------------------------

ref_tree "$CONF_TMP/tree-other" defaults
roots mismatch defaults
copy_tree "$CONF_TMP/tree-ref"
for d in "$R" "$O"; do
	cp "$CONF_TMP/tree-other/$K/pki/apiserver.crt" "$CONF_TMP/tree-other/$K/pki/apiserver.key" "$d/$K/pki/"
	cp "$CONF_TMP/tree-other/$K/admin.conf" "$d/$K/"
done
both "mismatch: certs apiserver signed by another CA" init phase certs apiserver --config /cfg.yaml
both "mismatch: kubeconfig admin with another CA" init phase kubeconfig admin --config /cfg.yaml
roots mismatch-sans ha
copy_tree "$CONF_TMP/tree-ref"
write_cfg ha "$R/cfg.yaml"; cp "$R/cfg.yaml" "$O/cfg.yaml"
both "mismatch: kubeconfig with another endpoint (warns, keeps)" init phase kubeconfig all --config /cfg.yaml
trees "mismatch: endpoint kept"

# ---- other commands ------------------------------------------------------------------------

roots user defaults
copy_tree "$CONF_TMP/tree-ref"
both "kubeconfig user --token" kubeconfig user --client-name alice --token abcdef.0123456789abcdef --config /cfg.yaml
# with a client certificate the output embeds a new key: compare its fields (lib.sh)
run1 "$CONF_REF" "$R" user kubeconfig user --client-name bob --org dev --org ops --config /cfg.yaml --validity-period 2h
run1 "$CONF_OURS" "$O" user kubeconfig user --client-name bob --org dev --org ops --config /cfg.yaml --validity-period 2h
why=""
cmp -s "$R.user.rc" "$O.user.rc" || why+=" exit"
cmp -s "$R.user.err.n" "$O.user.err.n" || why+=" stderr"
# validity-seconds is kept: the certificate runs from the CA's NotBefore to start + 2h, and
# both CAs are the same file, so only the seconds between the two runs may differ
kubeconfig_fields "$R.user.out" | grep -v '^validity-seconds' >"$R.user.f"
kubeconfig_fields "$O.user.out" | grep -v '^validity-seconds' >"$O.user.f"
cmp -s "$R.user.f" "$O.user.f" || { why+=" kubeconfig"; diff -u "$R.user.f" "$O.user.f" | head -20; }
tail -c 1 "$O.user.out" | od -c | grep -q '\\n' || why+=" no final newline"
result "kubeconfig user (client certificate)" "$why"
both "kubeconfig user: validity warning" kubeconfig user --client-name x --token abcdef.0123456789abcdef --config /cfg.yaml --validity-period 9000h
roots user-noca defaults
both "kubeconfig user: missing CA" kubeconfig user --client-name x --config /cfg.yaml

roots csr defaults
# kubeadm walks its certificate and kubeconfig maps in Go's random map order: lines sorted,
# and the file named by the "already exists" error masked
SORT=1 both "generate-csr" certs generate-csr --config /cfg.yaml --cert-dir /csr/pki --kubeconfig-dir /csr/kc
out=$(pki_trees_compare "$R/csr" "$O/csr" 2>&1) && result "generate-csr (tree)" "" ||
	{ result "generate-csr (tree)" " files differ"; printf '%s\n' "$out" | head -n 30; }
MASK='s#\(key or CSR /csr/pki/\).*#\1<name>#' both "generate-csr again (existing files)" certs generate-csr --config /cfg.yaml --cert-dir /csr/pki --kubeconfig-dir /csr/kc

roots certkey defaults
run1 "$CONF_OURS" "$O" key certs certificate-key
grep -qxE '[0-9a-f]{64}' "$O.key.out" && [ "$(cat "$O.key.rc")" = 0 ] &&
	result "certificate-key: 64 hex characters" "" || result "certificate-key: 64 hex characters" " $(cat "$O.key.out")"

# ---- a real cluster: the commands read the kubeadm-config ConfigMap (cluster.sh) -----------

bash "$here/cluster.sh" "$CONF_OURS" "$CONF_REF" >"$CONF_TMP/cluster.log" 2>&1
case $? in
77) echo "skip cluster: $(tail -n 1 "$CONF_TMP/cluster.log")" ;;
*)	grep -v ' passed, [0-9]* failed$' "$CONF_TMP/cluster.log"
	read -r p _ f _ < <(tail -n 1 "$CONF_TMP/cluster.log")
	CONF_PASSED=$((CONF_PASSED + ${p:-0}))
	CONF_FAILED=$((CONF_FAILED + ${f:-1})) ;;
esac

conf_done
