#!/usr/bin/env bash
# Runs every test suite of ckubeadm on this machine: installs what is missing, builds the
# reference peers (cached by version), builds ckubeadm with gcc (warnings are errors), with
# ASan+UBSan and with clang, then runs unit, CLI, conformance, integration and fuzz suites.
# Ends with one line "N passed, N failed" summing every suite's cases; exit 1 on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${CKUBEADM_TEST_OUT:-$top/build-test}
mkdir -p "$out"
passed=0 failed=0 broken=()

bash scripts/deps.sh || { echo "FATAL: dependencies could not be installed"; echo "0 passed, 1 failed"; exit 1; }
command -v go >/dev/null || export PATH=$PATH:/usr/local/go/bin
peers=$(tests/peers/build.sh kubeadm kubectl) || { echo "FATAL: reference peers did not build"; echo "0 passed, 1 failed"; exit 1; }
export CKUBEADM_REFERENCE=$peers/kubeadm

# count <suite> <log>: adds the suite's own "N passed, N failed" (or meson's Ok:/Fail:) to the totals.
count() {
	local suite=$1 log=$2 rc=$3 p f
	if line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1) && [ -n "$line" ]; then
		p=$(sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	elif grep -q '^Ok:' "$log"; then
		p=$(awk '/^Ok:/{print $2}' "$log" | tail -n1)
		f=$(( $(awk '/^Fail:/{print $2}' "$log" | tail -n1) + $(awk '/^Timeout:/{print $2}' "$log" | tail -n1) ))
	else
		p=0 f=1
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)) failed=$((failed + f))
	[ "$f" -eq 0 ] || broken+=("$suite")
	printf '== %-28s %s passed, %s failed (log: %s)\n' "$suite" "$p" "$f" "$log"
}

# run <suite> <command...>: runs a suite, keeps its output in a log, counts its results.
run() {
	local suite=$1; shift
	local log=$out/$suite.log
	echo "== $suite: $*"
	"$@" >"$log" 2>&1
	local rc=$?
	tail -n 5 "$log" | sed 's/^/   | /'
	count "$suite" "$log" "$rc"
}

build() { # build <dir> <meson options...>
	local dir=$1; shift
	[ -d "$dir" ] || meson setup "$dir" "$@" >/dev/null || return 1
	ninja -C "$dir" >/dev/null || ninja -C "$dir" 2>&1 | grep -E 'error|warning' | head -n 40
	ninja -C "$dir" >/dev/null
}

if ! build "$out/gcc" -Dwerror=true; then
	echo "FATAL: ckubeadm does not build"; echo "0 passed, 1 failed"; exit 1
fi
bin=$out/gcc/src/ckubeadm
run unit meson test -C "$out/gcc" --suite unit --print-errorlogs
if CC=gcc build "$out/asan" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false; then
	run unit-asan env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C "$out/asan" --suite unit --print-errorlogs
else
	echo "== unit-asan: build failed"; failed=$((failed + 1)); broken+=(unit-asan-build)
fi
if CC=clang build "$out/clang" -Dwerror=true; then
	run unit-clang meson test -C "$out/clang" --suite unit --print-errorlogs
else
	echo "== unit-clang: build failed"; failed=$((failed + 1)); broken+=(unit-clang-build)
fi
run lint bash scripts/lint.sh

# Suites under tests/: each takes the ckubeadm binary and the reference kubeadm.
for suite in tests/cli/run.sh tests/conformance/*/run.sh tests/pki/run.sh tests/cri/run.sh \
	tests/integration/*/run.sh; do
	[ -f "$suite" ] || continue
	name=$(dirname "${suite#tests/}" | tr / -)
	case $suite in
	tests/cri/run.sh) run "$name" bash "$suite" "$out/gcc" ;;
	*) run "$name" bash "$suite" "$bin" "$CKUBEADM_REFERENCE" "$out/gcc" ;;
	esac
done
[ -f fuzz/run.sh ] && run fuzz bash fuzz/run.sh "$out/fuzz"

# End-to-end: real clusters in namespaces made by the bed (tests/e2e/README.md). The bed is
# first proven with the reference kubeadm, then driven by ckubeadm. The bed is one resource of
# this machine: each run holds its lock (/tmp/ckubeadm-bed.lock), waiting for another user.
# CKUBEADM_SKIP_E2E=1 leaves them out (a developer's quick run; CI runs everything).
if [ -z "${CKUBEADM_SKIP_E2E:-}" ]; then
	ref_real=${CKUBEADM_REFERENCE%/kubeadm}/kubeadm.real
	e2e_logs=$out/e2e-logs
	# e2e NAME SCRIPT ARG...: a bed run; its logs, with its objects.txt, in $e2e_logs/NAME
	e2e() {
		local name=$1
		shift
		rm -rf "${e2e_logs:?}/$name"
		mkdir -p "$e2e_logs/$name"
		run "$name" env CKUBEADM_E2E_LOGS="$e2e_logs/$name" flock /tmp/ckubeadm-bed.lock bash "$@"
	}
	e2e e2e-reference tests/e2e/run.sh "$ref_real"
	e2e e2e-ckubeadm tests/e2e/run.sh "$bin"
	# the multi-node sequence (init, workers, a control plane, its reset and new join): the
	# reference alone, ckubeadm alone, then mixed clusters (the reference joins ckubeadm's
	# cluster, ckubeadm joins the reference's)
	e2e e2e-join-reference tests/e2e/join.sh "$ref_real" "$ref_real"
	e2e e2e-join tests/e2e/join.sh "$bin" "$bin"
	e2e e2e-join-ref-onto-ckubeadm tests/e2e/join.sh "$bin" "$ref_real"
	e2e e2e-join-ckubeadm-onto-ref tests/e2e/join.sh "$ref_real" "$bin"
	# The API objects of each cluster (tests/e2e/objects.py, run-dependent fields removed)
	# against those of the reference's cluster made by the same steps: one case per object.
	run e2e-objects-init python3 tests/e2e/objects.py compare \
		"$e2e_logs/e2e-reference/objects.txt" "$e2e_logs/e2e-ckubeadm/objects.txt"
	for name in e2e-join e2e-join-ref-onto-ckubeadm e2e-join-ckubeadm-onto-ref; do
		run "${name/e2e-join/e2e-objects-join}" python3 tests/e2e/objects.py compare \
			"$e2e_logs/e2e-join-reference/objects.txt" "$e2e_logs/$name/objects.txt"
	done
	# The console output (stdout and stderr as written) of each init, join and reset against
	# the reference's on the same steps, run-dependent values masked (tests/e2e/console.py);
	# its selftest first proves, on the reference's outputs, that one changed word goes red.
	run e2e-console-selftest python3 tests/e2e/console.py selftest join "$e2e_logs/e2e-join-reference"
	run e2e-console-init python3 tests/e2e/console.py compare init "$e2e_logs/e2e-reference" "$e2e_logs/e2e-ckubeadm"
	for name in e2e-join e2e-join-ref-onto-ckubeadm e2e-join-ckubeadm-onto-ref; do
		run "${name/e2e-join/e2e-console-join}" python3 tests/e2e/console.py compare join \
			"$e2e_logs/e2e-join-reference" "$e2e_logs/$name"
	done
fi

echo
[ ${#broken[@]} -eq 0 ] || echo "failing suites: ${broken[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
