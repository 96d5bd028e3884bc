#!/usr/bin/env bash
# fuzz/run.sh [--grow] [<build-dir>]: builds every libFuzzer target with clang (ASan+UBSan) and
# runs each for FUZZ_SECONDS (default 20) from its corpus in the tree, fuzz/corpus/<target>.
# A crash, a target without a corpus, or no target at all fails; every setup failure prints
# its reason here. Ends with "N passed, N failed, N skipped".
#
# A run never writes into the tree: what it finds goes to a scratch directory, thrown away.
# --grow (or FUZZ_GROW=1) keeps it: after each target's run, the inputs that reach new
# coverage are merged into fuzz/corpus/<target> (libFuzzer's -merge=1, so the corpus stays
# minimal), inputs larger than FUZZ_MAX_LEN bytes (default 4096) are never added, and a new
# target's corpus is created. Grow, then commit the corpus (see fuzz/README):
#   FUZZ_SECONDS=300 bash fuzz/run.sh --grow
# FUZZ_TARGETS (space-separated names, e.g. "http difflib") runs only those targets.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
grow=${FUZZ_GROW:-}
if [ "${1:-}" = --grow ]; then grow=1; shift; fi
dir=${1:-$top/build-fuzz}
secs=${FUZZ_SECONDS:-20}
max_len=${FUZZ_MAX_LEN:-4096}

# fatal REASON [LOG]: a setup failure; the reason and the log's tail go to this suite's log.
fatal() {
	echo "FAIL fuzz setup: $1"
	[ -z "${2:-}" ] || [ ! -s "$2" ] || tail -n 40 "$2" | sed 's/^/     /'
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

command -v clang >/dev/null || fatal "no clang (scripts/apt-packages installs it)"
setup_log=$(mktemp /tmp/ckubeadm-fuzz-setup.XXXXXX)
trap 'rm -f "$setup_log"' EXIT
if [ ! -f "$dir/build.ninja" ]; then
	wipe=()
	[ -d "$dir/meson-private" ] && wipe=(--wipe)
	if ! CC=clang meson setup "${wipe[@]}" "$dir" "$top" -Dfuzzing=true -Dtests=disabled \
		-Db_lundef=false -Db_sanitize=address,undefined -Dc_args=-fsanitize=fuzzer-no-link \
		>"$setup_log" 2>&1; then
		# meson's own log holds the failing compiler check (e.g. a missing libclang_rt)
		[ -f "$dir/meson-logs/meson-log.txt" ] && tail -n 20 "$dir/meson-logs/meson-log.txt" >>"$setup_log"
		fatal "meson setup $dir failed (a missing libclang_rt.* means no libclang-rt-dev)" "$setup_log"
	fi
fi
ninja -C "$dir" >"$setup_log" 2>&1 || fatal "ninja -C $dir failed" "$setup_log"

passed=0 failed=0
targets=0
for exe in "$dir"/fuzz/*-fuzz; do
	[ -x "$exe" ] || continue
	name=$(basename "$exe" -fuzz)
	[ -z "${FUZZ_TARGETS:-}" ] || [[ " $FUZZ_TARGETS " == *" $name "* ]] || continue
	targets=$((targets + 1))
	corpus=$top/fuzz/corpus/$name
	if [ ! -d "$corpus" ] && [ -z "$grow" ]; then
		echo "FAIL $name: no corpus $corpus (create it: bash fuzz/run.sh --grow)"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$corpus"
	work=$(mktemp -d /tmp/ckubeadm-fuzz-"$name".XXXXXX)
	mkdir "$work/new"
	# the first directory receives what the run finds; the tree's corpus is only read
	if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$exe" -max_total_time="$secs" \
		-rss_limit_mb=2048 -max_len="$max_len" -artifact_prefix="$work/" \
		"$work/new" "$corpus" >"$work/log" 2>&1; then
		found=$(find "$work/new" -type f | wc -l)
		echo "ok   $name ($(grep -o 'Done [0-9]* runs' "$work/log" | tail -n1), corpus $(find "$corpus" -type f | wc -l) files, $found new inputs)"
		passed=$((passed + 1))
		if [ -n "$grow" ]; then
			before=$(find "$corpus" -type f | wc -l)
			if "$exe" -merge=1 -max_len="$max_len" "$corpus" "$work/new" >"$work/merge.log" 2>&1; then
				echo "     grew fuzz/corpus/$name: $before -> $(find "$corpus" -type f | wc -l) files"
			else
				echo "FAIL $name: merging into $corpus failed"; tail -n 20 "$work/merge.log"
				failed=$((failed + 1))
			fi
		fi
		rm -rf "$work"
	else
		echo "FAIL $name (artifacts in $work)"; tail -n 30 "$work/log"
		failed=$((failed + 1))
	fi
done
[ "$targets" -gt 0 ] || fatal "no fuzz target in $dir/fuzz (fuzz/meson.build builds them)"
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
