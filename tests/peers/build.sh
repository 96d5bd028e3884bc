#!/usr/bin/env bash
# Builds the reference binaries (kubeadm, kubectl, ...) of Kubernetes v1.37.2 from the
# Go module proxy into a cache keyed by version, outside the clone, and reuses them.
# Usage: tests/peers/build.sh [binary ...]   (default: kubeadm kubectl)
# Prints the cache directory on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=v1.37.2
build_date=2026-10-27T12:01:04Z   # the module's release time on the proxy
cache=${CKUBEADM_PEER_CACHE:-/var/cache/ckubeadm/peers}/k8s-$version
mkdir -p "$cache"
[ $# -gt 0 ] || set -- kubeadm kubectl

ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitMajor=1 -X $pkg.gitMinor=37 -X $pkg.gitVersion=$version"
	ldflags+=" -X $pkg.gitCommit=0000000000000000000000000000000000000000"
	ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done

for bin in "$@"; do
	case $bin in
	kubeadm|kubectl|kubelet|kube-apiserver|kube-controller-manager|kube-scheduler|kube-proxy)
		pkg=k8s.io/kubernetes/cmd/$bin ;;
	*) echo "build.sh: unknown binary $bin" >&2; exit 2 ;;
	esac
	if [ ! -x "$cache/$bin.real" ] || [ ! "$cache/$bin.stamp" -nt "$here/go.mod" ]; then
		echo "build.sh: building $bin $version into $cache" >&2
		(cd "$here" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$cache/$bin.tmp" "$pkg")
		mv "$cache/$bin.tmp" "$cache/$bin.real"
		touch "$cache/$bin.stamp"
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
