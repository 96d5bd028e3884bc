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
# One line per case, then "N passed, N failed, N skipped" (cluster.sh's cases included, a counted
# skip without the peers). CKUBEADM_CASES selects cases; a section on a prepared tree runs only
# when its label (the start of its case names: "tree by ref:", "missing:", "cluster:", ...)
# matches (tests/lib/compare.sh).
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
	custom-sans) extra=$'apiServer:\n  certSANs: ["extra.example.com", "10.1.2.3", "*.wild.example.com", "fd00::7", "node-a"]' ;;
	invalid-san) extra=$'apiServer:\n  certSANs: ["extra.example.com", "bad_name!"]' ;;
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

# run1 <bin> <root> <tag> <args...>: one side; results in <root>.<tag>/{out,err,rc,started}.
run1() {
	local bin=$1 dir=$2 tag=$3
	shift 3
	rm -rf "$dir.$tag"
	mkdir -p "$dir.$tag"
	(cd "$dir" && unshare --net -- sh -c "$CONF_STARTED" sh "$dir.$tag/started" "$bin" "$@" \
		--rootfs "$dir" >"$dir.$tag/out" 2>"$dir.$tag/err" </dev/null)
	echo $? >"$dir.$tag/rc"
	conf_normalise <"$dir.$tag/out" | sed -e "${MASK:-}" >"$dir.$tag/out.n"
	[ -z "${SORT:-}" ] || sort -o "$dir.$tag/out.n" "$dir.$tag/out.n"
	conf_normalise <"$dir.$tag/err" | sed -e "${MASK:-}" >"$dir.$tag/err.n"
}

# ran <root> <tag>: the side was started and exited 0
ran() { conf_side_started "$1.$2/started" "$(cat "$1.$2/rc")" && [ "$(cat "$1.$2/rc")" = 0 ]; }

result() { # <name> <why>
	conf_selected "$1" || return 0
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
	local name=$1 t=s$CONF_N
	shift
	conf_selected "$name" || return 0
	CONF_N=$((CONF_N + 1))
	run1 "$CONF_REF" "$R" "$t" "$@"
	run1 "$CONF_OURS" "$O" "$t" "$@"
	conf_verdict "$name" "$R.$t" "$O.$t"
}

# trees <name>: the two roots' /etc/kubernetes compared field by field (two missing trees
# differ: tests/pki/lib.sh).
trees() {
	local out
	conf_selected "$1 (tree)" || return 0
	if out=$(pki_trees_compare "$R/$K" "$O/$K" 2>&1); then
		result "$1 (tree)" ""
	else
		result "$1 (tree)" " files differ"
		printf '%s\n' "$out" | head -n 30 | sed 's/^/   /'
	fi
}

# tree <name> <scenario> <ref|ours>: $CONF_TMP/tree-<name>, a complete certs + kubeconfig tree
# made by one binary, made once, when a section first needs it. A tree that cannot be made is
# a counted failure (the cases on it would compare two copies of nothing).
tree() {
	local d=$CONF_TMP/tree-$1 bin=$CONF_OURS p
	[ "$3" = ref ] && bin=$CONF_REF
	[ -e "$d.made" ] && return 0
	rm -rf "$d" "$d.log"
	mkdir -p "$d"
	write_cfg "$2" "$d/cfg.yaml"
	for p in certs kubeconfig; do
		if ! unshare --net -- "$bin" init phase $p all --config /cfg.yaml --rootfs "$d" >>"$d.log" 2>&1; then
			echo "FAIL setup: tree $1 ($2) by $3: init phase $p all"
			sed 's/^/     /' "$d.log" | tail -n 5
			CONF_FAILED=$((CONF_FAILED + 1))
			return 1
		fi
	done
	: >"$d.made"
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
# a SAN that is neither an IP nor a DNS name: both refuse the configuration, no tree
roots invalid-san invalid-san
both "invalid-san: init phase certs all" init phase certs all --config /cfg.yaml
both "invalid-san: init phase kubeconfig all" init phase kubeconfig all --config /cfg.yaml

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
if conf_selected "flags (tree)"; then
	out=$(pki_trees_compare "$R/x" "$O/x" 2>&1) && result "flags (tree)" "" ||
		{ result "flags (tree)" " files differ"; printf '%s\n' "$out" | head -n 30; }
fi

# --dry-run: files go to $KUBEADM_INIT_DRYRUN_DIR inside the root
roots dry-run defaults
both "dry-run: certs all" init phase certs all --config /cfg.yaml --dry-run
both "dry-run: kubeconfig all" init phase kubeconfig all --config /cfg.yaml --dry-run
trees "dry-run"

# ---- cross-use: each binary re-runs the phases on the other's tree ------------------------

RENEWED_MINUTE='s/[0-9][0-9]:[0-9][0-9] UTC/HH:MM UTC/'
for maker in ref ours; do
	conf_section "tree by $maker:" && tree $maker defaults $maker || continue
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
	if [ ! -s "$O/$K/pki/apiserver.crt" ] || [ ! -s "$O/$K/admin.conf" ] ||
		cmp -s "$CONF_TMP/tree-$maker/$K/pki/apiserver.crt" "$O/$K/pki/apiserver.crt" ||
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
if conf_section "validity:" && tree validity validity ref; then
	roots validity-expiration validity
	copy_tree "$CONF_TMP/tree-validity"
	both "validity: check-expiration" certs check-expiration --config /cfg.yaml
	both "validity: renew all" certs renew all --config /cfg.yaml
	MASK=$RENEWED_MINUTE both "validity: check-expiration after renew" certs check-expiration --config /cfg.yaml
	trees "validity: renewed"
fi

# missing files and the kubeconfig path of check-expiration (no --config: the cluster is
# unreachable in the namespace, both fall back to the defaults; the default configuration
# needs a routable interface, so both fail the same way after the same lines)
if conf_section "missing:" "no config" "check-expiration -o wide" && tree ref defaults ref; then
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
fi

if conf_section "external etcd:" && tree ext-etcd external-etcd ref; then
	roots ext-etcd-expiration external-etcd
	copy_tree "$CONF_TMP/tree-ext-etcd"
	both "external etcd: check-expiration" certs check-expiration --config /cfg.yaml
	both "external etcd: renew etcd-server" certs renew etcd-server --config /cfg.yaml
	both "external etcd: renew all" certs renew all --config /cfg.yaml
fi

# ---- external CA ----------------------------------------------------------------------------

if conf_section "external CA:" "external front-proxy CA:" && tree ref defaults ref; then
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
fi

# ---- mismatches -------------------------------------------------------------------------------

if conf_section "mismatch:" && tree ref defaults ref && tree other defaults ref; then
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
fi

# ---- other commands ------------------------------------------------------------------------

if conf_section "kubeconfig user" && tree ref defaults ref; then
	roots user defaults
	copy_tree "$CONF_TMP/tree-ref"
	both "kubeconfig user --token" kubeconfig user --client-name alice --token abcdef.0123456789abcdef --config /cfg.yaml
	# with a client certificate the output embeds a new key: compare its fields (lib.sh), the
	# embedded CA against the tree's ca.crt, the key against the certificate
	if conf_selected "kubeconfig user (client certificate)"; then
		args=(kubeconfig user --client-name bob --org dev --org ops --config /cfg.yaml --validity-period 2h)
		run1 "$CONF_REF" "$R" user "${args[@]}"
		run1 "$CONF_OURS" "$O" user "${args[@]}"
		why=""
		ran "$R" user || why+=" reference failed"
		ran "$O" user || why+=" ckubeadm failed"
		cmp -s "$R.user/rc" "$O.user/rc" || why+=" exit"
		cmp -s "$R.user/err.n" "$O.user/err.n" || why+=" stderr"
		# validity-seconds is kept: the certificate runs from the CA's NotBefore to start + 2h, and
		# both CAs are the same file, so only the seconds between the two runs may differ
		kubeconfig_fields "$R.user/out" "$R/$K/pki/ca.crt" >"$R.user/f" || why+=" reference kubeconfig"
		kubeconfig_fields "$O.user/out" "$O/$K/pki/ca.crt" >"$O.user/f" || why+=" kubeconfig"
		sed -i '/^validity-seconds/d' "$R.user/f" "$O.user/f"
		cmp -s "$R.user/f" "$O.user/f" || { why+=" kubeconfig fields"; diff -u "$R.user/f" "$O.user/f" | head -20; }
		tail -c 1 "$O.user/out" | od -c | grep -q '\\n' || why+=" no final newline"
		result "kubeconfig user (client certificate)" "$why"
	fi
	both "kubeconfig user: validity warning" kubeconfig user --client-name x --token abcdef.0123456789abcdef --config /cfg.yaml --validity-period 9000h
	roots user-noca defaults
	both "kubeconfig user: missing CA" kubeconfig user --client-name x --config /cfg.yaml
fi

if conf_section "generate-csr"; then
	roots csr defaults
	# kubeadm walks its certificate and kubeconfig maps in Go's random map order: lines sorted,
	# and the file named by the "already exists" error masked
	SORT=1 both "generate-csr" certs generate-csr --config /cfg.yaml --cert-dir /csr/pki --kubeconfig-dir /csr/kc
	if conf_selected "generate-csr (tree)"; then
		out=$(pki_trees_compare "$R/csr" "$O/csr" 2>&1) && result "generate-csr (tree)" "" ||
			{ result "generate-csr (tree)" " files differ"; printf '%s\n' "$out" | head -n 30; }
	fi
	MASK='s#\(key or CSR /csr/pki/\).*#\1<name>#' both "generate-csr again (existing files)" certs generate-csr --config /cfg.yaml --cert-dir /csr/pki --kubeconfig-dir /csr/kc
fi

if conf_selected "certificate-key: 64 hex characters"; then
	roots certkey defaults
	run1 "$CONF_OURS" "$O" key certs certificate-key
	grep -qxE '[0-9a-f]{64}' "$O.key/out" && ran "$O" key &&
		result "certificate-key: 64 hex characters" "" || result "certificate-key: 64 hex characters" " $(cat "$O.key/out")"
fi

# ---- a real cluster: the commands read the kubeadm-config ConfigMap (cluster.sh) -----------

if conf_section "cluster:"; then
	bash "$here/cluster.sh" "$CONF_OURS" "$CONF_REF" >"$CONF_TMP/cluster.log" 2>&1
	conf_sub cluster "$CONF_TMP/cluster.log" $?
fi

conf_done
