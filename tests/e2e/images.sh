#!/usr/bin/env bash
# Builds the bed's container images without any registry: for each image, one layer tar (the
# reference binary and what it needs), an image config and a manifest.json, packed as a
# docker-archive tarball that `ctr -n k8s.io images import` reads. The names are exactly those
# of `kubeadm config images list --kubernetes-version <the peer cache's version>`, plus the DNS
# probe.
# Usage: tests/e2e/images.sh PEER-CACHE   Prints the image directory (PEER-CACHE/images).
# An image is rebuilt only when its inputs are newer than its tarball.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peers=${1:?usage: images.sh PEER-CACHE}
out=$peers/images
tools=$peers/e2e-tools
mkdir -p "$out" "$tools"

# The bed's own programs: pause (C, static) and the DNS probe (Go, standard library only).
if [ ! -x "$tools/pause" ] || [ "$here/pause.c" -nt "$tools/pause" ]; then
	gcc -static -O2 -Wall -Wextra -Werror -o "$tools/pause.tmp" "$here/pause.c"
	mv "$tools/pause.tmp" "$tools/pause"
fi
if [ ! -x "$tools/dnsprobe" ] || [ "$here/dnsprobe/main.go" -nt "$tools/dnsprobe" ]; then
	(cd "$here/dnsprobe" && CGO_ENABLED=0 GO111MODULE=off go build -trimpath -ldflags "-s -w" \
		-o "$tools/dnsprobe.tmp" main.go)
	mv "$tools/dnsprobe.tmp" "$tools/dnsprobe"
fi

work=$(mktemp -d /var/tmp/ckubeadm-e2e-image.XXXXXX)
trap 'rm -rf "$work"' EXIT

# base ROOTFS: the skeleton every image has (merged /usr, /tmp, passwd, group, nsswitch).
base() {
	local r=$1
	mkdir -p "$r"/{etc,tmp,var/run,usr/bin,usr/sbin,usr/lib,usr/lib64,usr/local/bin,root}
	chmod 1777 "$r/tmp"
	ln -s usr/bin "$r/bin"; ln -s usr/sbin "$r/sbin"
	ln -s usr/lib "$r/lib"; ln -s usr/lib64 "$r/lib64"
	printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' \
		>"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
	printf 'hosts: files dns\n' >"$r/etc/nsswitch.conf"
}

# add_dynamic ROOTFS FILE...: copies each file with the shared libraries it loads, at the
# same paths as on this machine (Debian's iptables and conntrack for kube-proxy).
add_dynamic() {
	local r=$1 f lib
	shift
	for f in "$@"; do
		cp -L --parents "$f" "$r"
		for lib in $(ldd "$f" | awk '/=> \// { print $3 } /^\t\// { print $1 }'); do
			[ -e "$r$lib" ] || cp -L --parents "$lib" "$r"
		done
	done
}

# image NAME:TAG ROOTFS ENTRYPOINT-JSON: writes $out/<file>.tar unless it is up to date.
image() {
	local ref=$1 r=$2 entry=$3 file tmp layer config cfgsum
	file=$out/$(printf '%s' "$ref" | tr '/:' '__').tar
	tmp=$work/archive
	rm -rf "$tmp"; mkdir -p "$tmp"
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$r" -cf "$tmp/layer.tar" .
	layer=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
	mkdir "$tmp/$layer"; mv "$tmp/layer.tar" "$tmp/$layer/layer.tar"
	config=$(printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",%s,%s,%s}' \
		"\"config\":{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],\"Entrypoint\":$entry,\"WorkingDir\":\"/\"}" \
		"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:$layer\"]}" \
		'"history":[{"created":"1970-01-01T00:00:00Z","created_by":"ckubeadm tests/e2e/images.sh"}]')
	cfgsum=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
	printf '%s' "$config" >"$tmp/$cfgsum.json"
	printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' \
		"$cfgsum" "$ref" "$layer" >"$tmp/manifest.json"
	tar --owner=0 --group=0 --numeric-owner -C "$tmp" -cf "$file.tmp" manifest.json "$cfgsum.json" "$layer"
	mv "$file.tmp" "$file"
	echo "images.sh: built $ref" >&2
}

# uptodate NAME:TAG INPUT...: the tarball exists and is newer than its inputs and this script.
uptodate() {
	local file=$out/$(printf '%s' "$1" | tr '/:' '__').tar f
	shift
	[ -f "$file" ] || return 1
	for f in "$@" "$0"; do [ "$f" -nt "$file" ] && return 1; done
	return 0
}

v=${peers##*/k8s-} # the version of the peer cache (k8s-v1.37.2, or a relinked k8s-v1.37.1)
[[ $v =~ ^v1\.[0-9]+\.[0-9]+$ ]] || { echo "images.sh: no version in the peer cache name $peers" >&2; exit 2; }
for c in kube-apiserver kube-controller-manager kube-scheduler; do
	ref=registry.k8s.io/$c:$v
	uptodate "$ref" "$peers/$c.real" && continue
	r=$work/$c; rm -rf "$r"; base "$r"
	cp "$peers/$c.real" "$r/usr/local/bin/$c"
	image "$ref" "$r" "[\"/usr/local/bin/$c\"]"
done

ref=registry.k8s.io/kube-proxy:$v
if ! uptodate "$ref" "$peers/kube-proxy.real" /usr/sbin/xtables-nft-multi /usr/sbin/conntrack; then
	r=$work/kube-proxy; rm -rf "$r"; base "$r"
	cp "$peers/kube-proxy.real" "$r/usr/local/bin/kube-proxy"
	add_dynamic "$r" /usr/sbin/xtables-nft-multi /usr/sbin/conntrack
	for so in /usr/lib/x86_64-linux-gnu/xtables/*.so; do add_dynamic "$r" "$so"; done
	for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore \
		iptables-nft iptables-nft-save iptables-nft-restore ip6tables-nft ip6tables-nft-save \
		ip6tables-nft-restore; do
		ln -sf xtables-nft-multi "$r/usr/sbin/$t"
	done
	[ -f /etc/ethertypes ] && cp /etc/ethertypes "$r/etc/"
	[ -f /etc/protocols ] && cp /etc/protocols "$r/etc/"
	image "$ref" "$r" '["/usr/local/bin/kube-proxy"]'
fi

ref=registry.k8s.io/etcd:3.7.0-0
if ! uptodate "$ref" "$peers/etcd.real"; then
	r=$work/etcd; rm -rf "$r"; base "$r"
	cp "$peers/etcd.real" "$r/usr/local/bin/etcd"
	image "$ref" "$r" '["/usr/local/bin/etcd"]'
fi

ref=registry.k8s.io/coredns/coredns:v1.14.6
if ! uptodate "$ref" "$peers/coredns.real"; then
	r=$work/coredns; rm -rf "$r"; base "$r"
	cp "$peers/coredns.real" "$r/coredns"
	image "$ref" "$r" '["/coredns"]'
fi

ref=registry.k8s.io/pause:3.10.2
if ! uptodate "$ref" "$tools/pause"; then
	r=$work/pause; rm -rf "$r"; base "$r"
	cp "$tools/pause" "$r/pause"
	image "$ref" "$r" '["/pause"]'
fi

ref=ckubeadm.test/dnsprobe:e2e
if ! uptodate "$ref" "$tools/dnsprobe"; then
	r=$work/dnsprobe; rm -rf "$r"; base "$r"
	cp "$tools/dnsprobe" "$r/dnsprobe"
	image "$ref" "$r" '["/dnsprobe"]'
fi

echo "$out"
