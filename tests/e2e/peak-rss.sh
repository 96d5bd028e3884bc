#!/usr/bin/env bash
# peak-rss.sh OUT CMD...: runs CMD and writes the peak RSS (VmHWM, KiB) of CMD's own process to
# OUT, sampled every 10 ms while it runs (VmHWM only grows, so the last sample is the peak up to
# at most 10 ms before the exit). Unlike /usr/bin/time's %M, the children CMD waits for (a
# `kubelet --version` of 50 MiB in preflight) are not counted. Exits with CMD's status.
out=$1; shift
"$@" &
pid=$!
hwm=0
while kill -0 "$pid" 2>/dev/null; do
	v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null) && [ -n "$v" ] && hwm=$v
	sleep 0.01
done
wait "$pid"
rc=$?
echo "$hwm" >"$out"
exit "$rc"
