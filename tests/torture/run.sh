#!/bin/bash
# Torture test of init's offline phases (certs, kubeconfig, etcd, control-plane), as SQLite's and
# curl's: with a fault-injection build of ckubeadm (meson -Dfault_injection=true, util/fault.h),
# a clean `init` on a scratch root counts its effects (CKUBEADM_FAULT=list); then for each
# selected effect N, in each mode (an errno: the effect fails; kill: SIGKILL at the effect):
#   (a) the run fails: exit 1 and kubeadm's "error execution phase ..." line naming the
#       injected errno (errno mode), or death by SIGKILL (kill mode); in errno mode nothing is
#       half-written (no temporary file left);
#   (b) `init --resume` then succeeds and converges to the same tree as the clean run: the same
#       files and modes, byte-identical manifests, every certificate with the subject and SANs
#       of the clean run's, signed by its CA and matching its key, every kubeconfig trusting
#       ca.crt with a client certificate signed by it.
# Once: `init --resume` on the finished tree is a no-op (no effect at all, so no file rewritten,
# no static pod restarted), and `init --resume` on a node holding another cluster's kubeconfig
# refuses, exit 1, every file unchanged (and `join --resume` with a ca.crt the discovery hashes
# do not pin); without --resume the same re-run behaves as kubeadm (no identity check).
#
#   bash tests/torture/run.sh <fault-injection ckubeadm>     # a sample of N (CI, ~1 min)
#   CKUBEADM_TORTURE=all bash tests/torture/run.sh <bin>     # every N in both modes
#
# Every run is under `unshare --net` with --rootfs (ckubeadm chroots into the scratch root:
# this machine's /etc/kubernetes is never touched). Ends with "N passed, N failed, N skipped"
# and, per mode, the table: effects, injected, converged.
set -u
bin=${1:?usage: run.sh <fault-injection ckubeadm>}
bin=$(realpath "$bin")
tmp=$(mktemp -d /tmp/ckubeadm-torture.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

skip=preflight,kubelet-start,wait-control-plane,upload-config,upload-certs,mark-control-plane
skip=$skip,bootstrap-token,kubelet-finalize,addon,show-join-command

write_cfg() { # <root> <node name>
	cat >"$1/cfg.yaml" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint: {advertiseAddress: 192.168.10.5, bindPort: 6443}
nodeRegistration: {name: ${2:-node-a}, criSocket: "unix:///nonexistent/containerd.sock"}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
encryptionAlgorithm: ECDSA-P256
EOF
}

# ck <root> <env...> -- <args...>: ckubeadm init on root; stdout+stderr in <root>.out, its status
ck() {
	local root=$1 envs=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	# no exec: the subshell reaps a killed run, its "Killed" notice going to /dev/null
	(cd "$root" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${envs[@]}" unshare --net -- \
		"$bin" init "$@" --skip-phases "$skip" --config /cfg.yaml --rootfs "$root" \
		>"$root.out" 2>&1 </dev/null) 2>/dev/null
}

# sig <root>: what must converge. Secrets and random parts are reduced to checks of their
# consistency: a cert by its subject, SANs, issuer's match and key's match; a kubeconfig with its
# credentials replaced by whether they belong to ca.crt.
sig() {
	local r=$1 f rel pki=$1/etc/kubernetes/pki
	(cd "$r" && find . -path ./cfg.yaml -prune -o \( -type f -o -type d \) -printf '%p %m %y\n' | sort)
	while read -r f; do
		rel=${f#"$r"}
		case $f in
		*.crt)
			local ca=$pki/ca.crt
			case $rel in
			*/ca.crt | */front-proxy-ca.crt) ca=$f ;; # self-signed
			*/front-proxy-client.crt) ca=$pki/front-proxy-ca.crt ;;
			*/etcd/* | */apiserver-etcd-client.crt) ca=$pki/etcd/ca.crt ;;
			esac
			echo "$rel: $(openssl x509 -in "$f" -noout -subject -ext subjectAltName 2>&1 | tr '\n' ' ')"
			openssl verify -CAfile "$ca" "$f" >/dev/null 2>&1 || echo "$rel: not signed by ${ca#"$r"}"
			[ -f "${f%.crt}.key" ] && ! cmp -s <(openssl x509 -in "$f" -noout -pubkey) \
				<(openssl pkey -in "${f%.crt}.key" -pubout 2>/dev/null) && echo "$rel: key mismatch"
			;;
		*.conf)
			local cad ccd
			cad=$(sed -n 's/^ *certificate-authority-data: //p' "$f")
			ccd=$(sed -n 's/^ *client-certificate-data: //p' "$f")
			[ "$cad" = "$(base64 -w0 <"$pki/ca.crt")" ] || echo "$rel: CA is not ca.crt"
			openssl verify -CAfile "$pki/ca.crt" <(echo "$ccd" | base64 -d) >/dev/null 2>&1 ||
				echo "$rel: client cert not signed by ca.crt"
			sed -E 's/^( *(certificate-authority|client-certificate|client-key)-data:).*/\1 X/' "$f"
			;;
		*.yaml) echo "$rel $(sha256sum <"$f")" ;;
		esac
	done < <(find "$r/etc" "$r/var" -type f 2>/dev/null | sort)
}

# ---- the clean run, and its effects -----------------------------------------------------------
clean=$tmp/clean
mkdir -p "$clean"
write_cfg "$clean"
if ! ck "$clean" CKUBEADM_FAULT=list -- ; then
	cat "$clean.out"
	fail "clean run"
	echo "$passed passed, $failed failed, $skipped skipped"
	exit 1
fi
total=$(grep -c '^ckubeadm-fault: effect ' "$clean.out")
if [ "$total" -lt 10 ]; then
	fail "only $total effects counted: not a fault-injection build?"
	echo "$passed passed, $failed failed, $skipped skipped"
	exit 1
fi
pass
sig "$clean" >"$tmp/clean.sig"
echo "clean init (offline phases): $total effects:" \
	"$(grep '^ckubeadm-fault: effect ' "$clean.out" | awk '{print $4}' | sort | uniq -c | tr -s ' \n' ' ')"

# ---- a no-op resume ---------------------------------------------------------------------------
before=$(cd "$clean" && find . -type f -printf '%p %T@ %i\n' | sort)
if ck "$clean" CKUBEADM_FAULT=list -- --resume && ! grep -q '^ckubeadm-fault: effect' "$clean.out" &&
	[ "$before" = "$(cd "$clean" && find . -type f -printf '%p %T@ %i\n' | sort)" ]; then
	pass
else
	fail "--resume on a finished node is not a no-op: $(grep -m3 'fault: effect\|error' "$clean.out")"
fi

# ---- foreign state is refused, nothing changed ------------------------------------------------
other=$tmp/other
mkdir -p "$other"
write_cfg "$other"
ck "$other" -- || fail "second clean run"
mix=$tmp/mix
cp -a "$clean" "$mix"
cp "$other/etc/kubernetes/admin.conf" "$mix/etc/kubernetes/admin.conf"
before=$(cd "$mix" && find . -type f -exec sha256sum {} + | sort)
ck "$mix" -- --resume
rc=$?
if [ $rc = 1 ] && grep -q "this node holds state of another cluster (CA sha256:[0-9a-f]\{64\}): /etc/kubernetes/admin.conf does not trust" "$mix.out" &&
	[ "$before" = "$(cd "$mix" && find . -type f -exec sha256sum {} + | sort)" ]; then
	pass
else
	fail "foreign admin.conf: exit $rc, $(tail -n 2 "$mix.out")"
fi
# the same re-run without --resume: kubeadm's behaviour (its kubeconfig check, no identity gate)
ck "$mix" --
if [ $? = 1 ] && ! grep -q 'another cluster\|resume' "$mix.out" &&
	grep -q 'kubeconfig file "/etc/kubernetes/admin.conf" exists but does not contain a trusted CA' "$mix.out"; then
	pass
else
	fail "re-run without --resume: $(tail -n 2 "$mix.out")"
fi

# join --resume: a ca.crt that the discovery hashes do not pin is another cluster's: refused
# before any discovery, exit 1, nothing changed
jn=$tmp/join
mkdir -p "$jn/etc/kubernetes/pki"
cp "$other/etc/kubernetes/pki/ca.crt" "$jn/etc/kubernetes/pki/"
before=$(cd "$jn" && find . -type f -exec sha256sum {} + | sort)
pin=sha256:$(openssl x509 -in "$clean/etc/kubernetes/pki/ca.crt" -pubkey -noout |
	openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)
out=$(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin unshare --net -- "$bin" join 10.0.0.1:6443 \
	--token abcdef.0123456789abcdef --discovery-token-ca-cert-hash "$pin" --resume --rootfs "$jn" 2>&1 </dev/null)
rc=$?
if [ $rc = 1 ] && grep -q "this node holds state of another cluster (CA sha256:[0-9a-f]\{64\}): /etc/kubernetes/pki/ca.crt is not pinned by the discovery CA hashes" <<<"$out" &&
	[ "$before" = "$(cd "$jn" && find . -type f -exec sha256sum {} + | sort)" ]; then
	pass
else
	fail "join --resume with another cluster's ca.crt: exit $rc, $out"
fi

# ---- every selected N, in each mode -----------------------------------------------------------
if [ "${CKUBEADM_TORTURE:-}" = all ]; then
	ns=$(seq 1 "$total")
else
	# a sample for CI: the first effects, every 9th, and the last ones
	ns=$( (seq 1 3; seq 9 9 "$total"; seq $((total - 1)) "$total") | sort -n | uniq)
fi
declare -A injected converged
for mode in EIO kill; do
	injected[$mode]=0 converged[$mode]=0
	for n in $ns; do
		root=$tmp/$mode-$n
		mkdir -p "$root"
		write_cfg "$root"
		ck "$root" CKUBEADM_FAULT="$n:$mode" --
		rc=$?
		injected[$mode]=$((injected[$mode] + 1))
		what=$(grep -m1 "^ckubeadm-fault: fail effect $n " "$root.out")
		if [ "$mode" = kill ]; then
			[ $rc = 137 ] && [ -n "$what" ] || { fail "N=$n kill: exit $rc, $(tail -n 1 "$root.out")"; continue; }
		else
			if [ $rc != 1 ] || [ -z "$what" ] ||
				! grep -qi '^error: error execution phase .*input/output error$' "$root.out"; then
				fail "N=$n $mode: exit $rc, no clear error: $(tail -n 2 "$root.out")"
				continue
			fi
			left=$(find "$root" -name '*.tmp-*')
			[ -z "$left" ] || { fail "N=$n $mode: temporary files left: $left"; continue; }
		fi
		if ! ck "$root" -- --resume; then
			fail "N=$n $mode (${what#ckubeadm-fault: fail }): --resume failed: $(grep -m1 '^error' "$root.out")"
			continue
		fi
		if ! diff -u "$tmp/clean.sig" <(sig "$root") >"$root.diff"; then
			fail "N=$n $mode (${what#ckubeadm-fault: fail }): --resume did not converge: $(head -n 12 "$root.diff")"
			continue
		fi
		converged[$mode]=$((converged[$mode] + 1))
		pass
		rm -rf "$root" "$root.out" "$root.diff"
	done
done

echo "mode  effects  injected  converged"
for mode in EIO kill; do
	printf '%-5s %7s  %8s  %9s\n' "$mode" "$total" "${injected[$mode]}" "${converged[$mode]}"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
