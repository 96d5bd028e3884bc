#!/usr/bin/env bash
# Conformance of the configuration API: `config validate`, `config migrate`,
# `config images list` (text/json/yaml/kyaml/jsonpath) and `config print *` of ckubeadm against the
# reference kubeadm on the same inputs (valid/*.yaml, invalid/*.yaml). Compares stdout,
# stderr (klog headers normalised) and exit code; one line per case, then
# "N passed, N failed, N skipped". CKUBEADM_CASES selects cases (tests/lib/compare.sh).
#
# Usage: tests/conformance/config/run.sh <ckubeadm> <reference-kubeadm> [build-dir (unused)]
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib/compare.sh"
[ $# -ge 2 ] || { echo "usage: $0 <ckubeadm> <reference-kubeadm> [build-dir]" >&2; exit 2; }
conf_init "$(realpath "$1")" "$(realpath -s "$2")"

# Accepted difference, with its reason: kubeadm generates a random bootstrap token when a
# configuration has none (config migrate prints it); both sides' random tokens are replaced
# by a placeholder before comparing. Given tokens are never random, so any token in the
# inputs below is abcdef.0123456789abcdef / 123456.abcdefghijklmnop / zyxwvu.0123456789abcdef
# and those are kept as is.
eval "orig_$(declare -f conf_normalise)"
conf_normalise() {
	orig_conf_normalise | sed -E \
		-e '/abcdef\.0123456789abcdef|123456\.abcdefghijklmnop|zyxwvu\.0123456789abcdef/!s/token: [a-z0-9]{6}\.[a-z0-9]{16}$/token: <random>/'
}

# config print
for a in init-defaults join-defaults reset-defaults upgrade-defaults; do
	conf_case "print $a" -- config print "$a"
done
conf_case "print init-defaults kubelet" -- config print init-defaults --component-configs KubeletConfiguration
conf_case "print init-defaults both" -- config print init-defaults --component-configs KubeProxyConfiguration,KubeletConfiguration
conf_case "print init-defaults bad component" -- config print init-defaults --component-configs Foo

# config images list with flags only
# Labels need dl.k8s.io: both sides run without network and fall back to the client version.
conf_case "images list (stable-1, offline)" -- config images list
for v in v1.36.0 1.36.3 v1.37.2 1.37.0-rc.1 ci/v1.37.0-alpha.1.2+abc 1.35.0 foo! latest ci/latest stable-1.36 release/v1.36.1 v1.36 01.36.0; do
	conf_case "images list --kubernetes-version $v" -- config images list --kubernetes-version "$v"
done
conf_case "images list repo" -- config images list --kubernetes-version v1.37.2 --image-repository my.reg:5000/k8s
conf_case "images list -o json" -- config images list --kubernetes-version v1.36.3 -o json
conf_case "images list -o yaml" -- config images list --kubernetes-version v1.36.3 -o yaml
# jsonpath printers (cli-runtime's JSONPathPrinter over the Images object) and the printer
# selection shared by every -o: case-insensitive json/yaml, refusals, parse and execution errors
printf '{range .images[*]}{@}{"\\n"}{end}' >"$CONF_TMP/images.jsonpath"
printf '{.images[' >"$CONF_TMP/bad.jsonpath"
for o in 'jsonpath={.images[*]}' 'jsonpath={.images[0]}{"\n"}' 'jsonpath={.}' 'jsonpath={..images[-1:]}' \
	'jsonpath={range .images[*]}[{@}]{end}' 'jsonpath={.images[?(@=="registry.k8s.io/pause:3.10.2")]}' \
	'jsonpath={.kind}/{.apiVersion}{"\t\u00e9\x41"}' 'jsonpath={.kind.*}' 'jsonpath={.images[1:3]}' \
	'jsonpath-as-json={.images[*]}' 'jsonpath-as-json={.kind}{.images[0:2]}' 'jsonpath-as-json={.nope}' \
	"jsonpath-file=$CONF_TMP/images.jsonpath" "jsonpath-file=$CONF_TMP/bad.jsonpath" \
	jsonpath-file=/nonexistent/t jsonpath-file=/ jsonpath jsonpath= jsonpath-as-json 'jsonpath={.foo' \
	'jsonpath=x{#}' 'jsonpath={.images[a]}' 'jsonpath={"\q"}' 'jsonpath={.images[9]}' \
	'jsonpath={.images[2:1]}' 'jsonpath={end}' 'jsonpath={.images[*].x}' 'jsonpath={.foo}' JSON Yaml \
	Text '' wide kyaml KYaml kyamll 'go-template-x={{.kind}}'; do
	conf_case "images list -o $o" -- config images list --kubernetes-version v1.37.2 -o "$o"
done
for o in 'jsonpath={.foo}' 'jsonpath={.images[*].x}' 'jsonpath={.images[?(@.x=="y")]}' 'jsonpath-as-json={.foo}'; do
	conf_case "images list -o $o, missing keys refused" -- config images list --kubernetes-version v1.37.2 -o "$o" --allow-missing-template-keys=false
done
conf_case "images list -o jsonpath + --config" -- config images list --config "$here/valid/09-image-repository.yaml" -o 'jsonpath={.images[0]}'
conf_case "images list feature gate" -- config images list --kubernetes-version v1.37.2 --feature-gates RootlessControlPlane=true
conf_case "images list bad feature gate" -- config images list --kubernetes-version v1.37.2 --feature-gates Foo=true

for cfgfile in "$here"/valid/*.yaml; do
	n=valid/$(basename "$cfgfile")
	conf_case "validate $n" -- config validate --config "$cfgfile"
	conf_case "migrate $n" -- config migrate --old-config "$cfgfile"
	conf_case "images $n" -- config images list --config "$cfgfile"
done
# with --config, kubeadm ignores the flags bound to the versioned structs
conf_case "images --config + --kubernetes-version" -- config images list --config "$here/valid/01-cluster-minimal.yaml" --kubernetes-version v1.36.0
conf_case "images --config + --image-repository" -- config images list --config "$here/valid/01-cluster-minimal.yaml" --image-repository foo.io
conf_case "images -o json valid/09" -- config images list --config "$here/valid/09-image-repository.yaml" -o json
conf_case "images -o yaml valid/24" -- config images list --config "$here/valid/24-ci-version.yaml" -o yaml
conf_case "images -o kyaml valid/09" -- config images list --config "$here/valid/09-image-repository.yaml" -o kyaml

for cfgfile in "$here"/invalid/*.yaml; do
	n=invalid/$(basename "$cfgfile")
	conf_case "validate $n" -- config validate --config "$cfgfile"
	conf_case "migrate $n" -- config migrate --old-config "$cfgfile"
	conf_case "images $n" -- config images list --config "$cfgfile"
done
conf_case "validate experimental allowed" -- config validate --config "$here/invalid/14-experimental-v1.yaml" --allow-experimental-api
for n in valid/37-v1-merge-method.yaml invalid/42-v1-bad-merge-method.yaml; do
	conf_case "validate $n experimental" -- config validate --config "$here/$n" --allow-experimental-api
	conf_case "migrate $n experimental" -- config migrate --old-config "$here/$n" --allow-experimental-api
done
conf_case "validate missing file" -- config validate --config /nonexistent.yaml
conf_case "validate a directory" -- config validate --config "$here"
# --new-config: a new file is 0644; an existing one keeps its mode (os.WriteFile), so a private
# 0600 file stays private
conf_case "migrate --new-config new file" --files . --modes -- config migrate --old-config "$here/valid/02-init-minimal.yaml" --new-config "{dir}/new.yaml"
n=$((CONF_PASSED + CONF_FAILED))
for side in ref ours; do
	mkdir -p "$CONF_TMP/$side/$n/root"
	echo old >"$CONF_TMP/$side/$n/root/new.yaml"
	chmod 0600 "$CONF_TMP/$side/$n/root/new.yaml"
done
conf_case "migrate --new-config over a 0600 file" --files . --modes -- config migrate --old-config "$here/valid/02-init-minimal.yaml" --new-config "{dir}/new.yaml"
conf_case "migrate a directory" -- config migrate --old-config "$here"
conf_case "images a directory" -- config images list --config "$here"

conf_done
