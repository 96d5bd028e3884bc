#!/bin/bash
# The diagnosis's command line (beyond-kubeadm.md §0 C4, C7, §2.3), without the bed:
# `ckubeadm diagnose` is a command kubeadm does not have (the reference refuses it), it stays
# out of kubeadm's help, `help extensions` documents it; bad input gives a clear error and exit
# 1; on a root with no runtime and no kubelet it names RUNTIME_UNAVAILABLE (text, json, yaml),
# exits 1, within 5 s, and writes nothing; init's --fail-fast is hidden and refused by the
# reference. The faults on a real node are tests/e2e/faults.sh.
#   tests/conformance/diagnose/run.sh <ckubeadm> [<reference kubeadm>] [<build-dir>]
set -u
ours=$(readlink -f "$1")
[ -x "$ours" ] || { echo "SKIP: $ours missing"; exit 77; }
ref=${2:-}
[ -n "$ref" ] && [ -x "${ref%/kubeadm}/kubeadm.real" ] && ref=${ref%/kubeadm}/kubeadm.real
work=$(mktemp -d /tmp/ckubeadm-diagnose.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
skip() { echo "skip $1"; skipped=$((skipped + 1)); }

"$ours" --help >"$work/help" 2>&1
if ! grep -q diagnose "$work/help"; then ok "kubeadm's --help unchanged: no diagnose"
else fail "diagnose shows in --help"; fi
"$ours" init --help >"$work/init.help" 2>&1
if ! grep -q -- '--fail-fast' "$work/init.help"; then ok "--fail-fast hidden from init --help"
else fail "--fail-fast shows in init --help"; fi
"$ours" help extensions >"$work/ext" 2>&1
if grep -q '^ckubeadm diagnose \[flags\]' "$work/ext" && grep -q 'CKUBEADM_DIAGNOSE=0' "$work/ext" &&
	grep -q 'CKUBEADM_FAIL_FAST=1' "$work/ext" && grep -q 'COMPONENT_BAD_FLAG' "$work/ext"; then
	ok "help extensions documents diagnose, the opt-out and fail-fast"
else fail "help extensions"; cat "$work/ext"; fi
if "$ours" diagnose --help >"$work/d.help" 2>&1 && grep -q -- '--component string' "$work/d.help"; then
	ok "diagnose --help"
else fail "diagnose --help"; fi

# bad input: exit 1, one clear line
"$ours" diagnose --component etcdx >"$work/o" 2>"$work/e"
rc=$?
if [ $rc = 1 ] && grep -q '^error: invalid --component "etcdx": one of etcd, kube-apiserver' "$work/e" && [ ! -s "$work/o" ]; then
	ok "diagnose --component etcdx: exit 1, clear error"
else fail "diagnose --component etcdx (rc $rc)"; cat "$work/e"; fi
"$ours" diagnose -o xml >"$work/o" 2>"$work/e"
rc=$?
if [ $rc = 1 ] && grep -q '^error: invalid --output "xml": one of text, json, yaml' "$work/e"; then
	ok "diagnose -o xml: exit 1, clear error"
else fail "diagnose -o xml (rc $rc)"; cat "$work/e"; fi
"$ours" diagnose --since=-1m >"$work/o" 2>"$work/e"
rc=$?
if [ $rc = 1 ] && grep -q '^error: invalid --since' "$work/e"; then ok "diagnose --since=-1m: exit 1"
else fail "diagnose --since=-1m (rc $rc)"; cat "$work/e"; fi
"$ours" diagnose extra >"$work/o" 2>"$work/e"
rc=$?
if [ $rc = 1 ] && grep -q 'unknown command "extra" for "kubeadm diagnose"' "$work/e"; then ok "diagnose with an argument: exit 1"
else fail "diagnose extra (rc $rc)"; cat "$work/e"; fi

# an empty root: no runtime, no kubelet (its own network namespace: nothing answers on 10248)
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	root=$work/root
	mkdir -p "$root"
	before=$(cd "$root" && find . | sort | md5sum)
	for fmt in text json yaml; do
		s=$(date +%s%N)
		(cd / && unshare --net -- "$ours" diagnose --rootfs "$root" -o "$fmt" \
			--cri-socket unix:///run/none/none.sock) >"$work/$fmt.out" 2>"$work/$fmt.err"
		rc=$?
		ms=$((($(date +%s%N) - s) / 1000000))
		case $fmt in
		text) named=$(grep -o '^\[diagnose\] Likely cause ([A-Z_]*)' "$work/$fmt.out") ;;
		json) named=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["kind"], d["headline"], d["fatal"])' "$work/$fmt.out" 2>&1) ;;
		yaml) named=$(grep -E '^(kind|headline|fatal):' "$work/$fmt.out" | tr '\n' ' ') ;;
		esac
		case "$fmt:$named" in
		"text:[diagnose] Likely cause (RUNTIME_UNAVAILABLE)" | "json:DiagnosisReport RUNTIME_UNAVAILABLE True" | \
			"yaml:fatal: true headline: RUNTIME_UNAVAILABLE kind: DiagnosisReport ") good=1 ;;
		*) good=0 ;;
		esac
		if [ $rc = 1 ] && [ $good = 1 ] && [ $ms -lt 5000 ] &&
			grep -q '^error: diagnose found a fatal cause: RUNTIME_UNAVAILABLE$' "$work/$fmt.err"; then
			ok "diagnose -o $fmt on an empty root: RUNTIME_UNAVAILABLE, exit 1, ${ms} ms"
		else fail "diagnose -o $fmt on an empty root (rc $rc, $ms ms): $named"; cat "$work/$fmt.out" "$work/$fmt.err"; fi
	done
	# no /proc under the empty root: whether a kubelet runs is unknown, its health is not
	if grep -qE '^\[diagnose\] Also seen \(KUBELET_(NOT_RUNNING|UNHEALTHY)\)' "$work/text.out" &&
		! grep -q '^E[0-9]' "$work/text.err"; then
		ok "the kubelet's absence seen too; the CRI client's error lines kept off stderr"
	else fail "text report"; cat "$work/text.out" "$work/text.err"; fi
	after=$(cd "$root" && find . | sort | md5sum)
	if [ "$before" = "$after" ]; then ok "diagnose wrote nothing under the root"
	else fail "diagnose wrote under the root"; (cd "$root" && find .); fi
else
	skip "diagnose on an empty root: needs root and unshare (--rootfs chroots)"
fi

if [ -n "$ref" ] && [ -x "$ref" ]; then
	out=$("$ref" diagnose 2>&1)
	if [ $? = 1 ] && grep -q 'unknown command "diagnose" for "kubeadm"' <<<"$out"; then
		ok "the reference has no diagnose command"
	else fail "the reference and diagnose: $out"; fi
	out=$("$ref" init --fail-fast --dry-run 2>&1)
	if [ $? = 1 ] && grep -q 'unknown flag: --fail-fast' <<<"$out"; then
		ok "the reference refuses --fail-fast (a script using it is ckubeadm-only)"
	else fail "the reference and --fail-fast: $out"; fi
else
	skip "no reference kubeadm"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
