#!/usr/bin/env bash
# Builds the reference binaries (kubeadm, kubectl, ...) of Kubernetes v1.37.2 from the
# Go module proxy into a cache keyed by version, outside the clone, and reuses them.
# Usage: tests/peers/build.sh [all | binary ...]   (default: kubeadm kubectl)
# Binaries: kubeadm kubectl kubelet kube-apiserver kube-controller-manager kube-scheduler
# kube-proxy etcd coredns crictl (the last ones are the end-to-end bed's peers); "all" is
# every one of them (what scripts/test.sh builds before any suite).
# Prints the cache directory on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=v1.37.2
build_date=2026-10-27T12:01:04Z   # the module's release time on the proxy
# CKUBEADM_PEER_RELINK_AS=v1.37.1: the same v1.37.2 sources linked as another patch version of
# v1.37 (its gitVersion, into a cache of that version): kubeadm sees only image tags, /version
# and the kubelet's version, so a "v1.37.1" cluster upgraded to v1.37.2 takes the same paths as
# a real one (upgrade.md §4.3), for a link step per binary instead of a build from source.
if [ -n "${CKUBEADM_PEER_RELINK_AS:-}" ]; then
	[[ $CKUBEADM_PEER_RELINK_AS =~ ^v1\.37\.[0-9]+$ ]] ||
		{ echo "build.sh: CKUBEADM_PEER_RELINK_AS must be a v1.37.x version" >&2; exit 2; }
	version=$CKUBEADM_PEER_RELINK_AS
fi
cache=${CKUBEADM_PEER_CACHE:-/var/cache/ckubeadm/peers}/k8s-$version
mkdir -p "$cache"
[ $# -gt 0 ] || set -- kubeadm kubectl
if [ "$*" = all ]; then
	set -- kubeadm kubectl kubelet kube-apiserver kube-controller-manager kube-scheduler \
		kube-proxy etcd coredns crictl
fi

ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitMajor=1 -X $pkg.gitMinor=37 -X $pkg.gitVersion=$version"
	ldflags+=" -X $pkg.gitCommit=0000000000000000000000000000000000000000"
	ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

for bin in "$@"; do
	# The peers of the end-to-end bed that are not in k8s.io/kubernetes live in modules of
	# their own (etcd/, coredns/) so that their dependencies never move kubeadm's.
	moddir=$here flags=$ldflags
	case $bin in
	kubeadm|kubectl|kubelet|kube-apiserver|kube-controller-manager|kube-scheduler|kube-proxy)
		pkg=k8s.io/kubernetes/cmd/$bin ;;
	etcd)    # the version kubeadm v1.37 deploys: registry.k8s.io/etcd:3.7.0-0
		moddir=$here/etcd pkg=. flags="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v3.7.0" ;;
	coredns) # the version kubeadm v1.37 deploys: registry.k8s.io/coredns/coredns:v1.14.6
		moddir=$here/coredns pkg=. flags="-s -w -X github.com/coredns/coredns/coremain.GitCommit=v1.14.6" ;;
	crictl)  # cri-tools of the same minor; shared with the CRI tests' cache when present
		pkg=sigs.k8s.io/cri-tools/cmd/crictl@v1.37.0 ;;
	*) echo "build.sh: unknown binary $bin" >&2; exit 2 ;;
	esac
	# The stamp holds a hash of what the binary is built from (its module's go.mod and go.sum,
	# the package, the flags): a fresh clone, whose files are all new, reuses the cache. An
	# empty stamp (older scripts) still goes by time, and is rewritten with the hash.
	want=$(cat "$moddir/go.mod" "$moddir/go.sum" 2>/dev/null | { cat; echo "$pkg $flags"; } | sha256sum)
	want=${want%% *}
	have=$(cat "$cache/$bin.stamp" 2>/dev/null || true)
	if [ -x "$cache/$bin.real" ] && [ -z "$have" ] && [ "$cache/$bin.stamp" -nt "$moddir/go.mod" ]; then
		echo "$want" >"$cache/$bin.stamp"
		have=$want
	fi
	if [ ! -x "$cache/$bin.real" ] || [ "$have" != "$want" ]; then
		echo "build.sh: building $bin into $cache" >&2
		if [ "$bin" = crictl ]; then
			shared=${CKUBEADM_PEER_CACHE:-/var/cache/ckubeadm/peers}/crictl-v1.37.0
			if [ ! -x "$shared/crictl" ]; then
				mkdir -p "$shared"
				(cd /tmp && CGO_ENABLED=0 GOFLAGS= GOBIN=$shared go install -trimpath -ldflags "-s -w" "$pkg")
			fi
			cp "$shared/crictl" "$cache/$bin.tmp"
		else
			(cd "$moddir" && CGO_ENABLED=0 go build -trimpath -ldflags "$flags" -o "$cache/$bin.tmp" "$pkg")
		fi
		mv "$cache/$bin.tmp" "$cache/$bin.real"
		echo "$want" >"$cache/$bin.stamp"
	fi
	# Network safety: "$cache/$bin" runs the reference in a network namespace of its own with
	# no interface up, so nothing it tries (kubeadm looks up dl.k8s.io for "stable-1") leaves
	# the machine. End-to-end beds call "$bin.real" inside the namespaces they create.
	cat > "$cache/$bin.tmp" <<WRAP
#!/bin/sh
exec unshare --net -- "$cache/$bin.real" "\$@"
WRAP
	chmod +x "$cache/$bin.tmp"
	mv "$cache/$bin.tmp" "$cache/$bin"
done
echo "$cache"
