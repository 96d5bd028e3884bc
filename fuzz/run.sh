#!/usr/bin/env bash
# fuzz/run.sh <build-dir>: builds every libFuzzer target with clang (ASan+UBSan) and runs each
# for FUZZ_SECONDS (default 20) from its seed corpus fuzz/corpus/<name>, if any. A crash fails.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build-fuzz}
secs=${FUZZ_SECONDS:-20}
if [ ! -d "$dir" ]; then
	CC=clang meson setup "$dir" "$top" -Dfuzzing=true -Dtests=disabled -Db_lundef=false \
		-Db_sanitize=address,undefined -Dc_args=-fsanitize=fuzzer-no-link >/dev/null || exit 1
fi
ninja -C "$dir" >/dev/null || { ninja -C "$dir" | tail -n 30; echo "0 passed, 1 failed"; exit 1; }
passed=0 failed=0
for exe in "$dir"/fuzz/*-fuzz; do
	name=$(basename "$exe" -fuzz)
	work=$(mktemp -d)
	corpus=()
	[ -d "$top/fuzz/corpus/$name" ] && corpus=("$top/fuzz/corpus/$name")
	if UBSAN_OPTIONS=halt_on_error=1 "$exe" -max_total_time="$secs" -rss_limit_mb=2048 \
		-artifact_prefix="$work/" "$work" "${corpus[@]}" >"$work/log" 2>&1; then
		echo "ok   $name ($(grep -o 'Done [0-9]* runs' "$work/log" | tail -n1))"
		passed=$((passed + 1))
		rm -rf "$work"
	else
		echo "FAIL $name (artifacts in $work)"; tail -n 30 "$work/log"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
