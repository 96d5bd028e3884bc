#!/bin/bash
# Integration test of the cri layer against a real containerd (Debian's), started by
# tests/lib/containerd.sh with a private config, root, state and socket under a temp dir,
# inside its own network, mount and PID namespaces (a private tmpfs on /run, so the shims and
# runc never touch the host's /run/containerd; when containerd ends, every process it started
# ends with it).
# Usage: tests/cri/run.sh <build-dir>
# Needs root, containerd, ctr, runc, python3, gcc with a static libc. crictl (built by
# tests/cri/build-crictl.sh) enables the sandbox checks. Network: unix sockets and loopback only.
set -u

BUILD=${1:?usage: run.sh <build-dir>}
BUILD=$(cd "$BUILD" && pwd)
PROBE=$BUILD/src/cri/cri-probe
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/containerd.sh"
PASS=0
FAIL=0
SKIP=0

ok() { echo "ok - $*"; PASS=$((PASS + 1)); }
nok() { echo "not ok - $*"; FAIL=$((FAIL + 1)); }
skip() { echo "skip - $*"; SKIP=$((SKIP + 1)); }
# check NAME CMD...: passes when CMD succeeds.
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }

for t in containerd ctr runc python3 gcc; do
	if ! command -v "$t" >/dev/null; then
		echo "missing $t (see tests/cri/DEPS)"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
done
[ -x "$PROBE" ] || { echo "no $PROBE: build first"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

T=$(mktemp -d /tmp/ckubeadm-cri.XXXXXX)
SOCK=$T/containerd.sock
EP=unix://$SOCK
CTRD_PID=
HELPER_PIDS=()

cleanup() {
	if [ -n "${CRICTL:-}" ] && [ -S "$SOCK" ]; then
		timeout 20 "$CRICTL" -r "$EP" -i "$EP" rmp -fa >/dev/null 2>&1
	fi
	for p in "${HELPER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	ctrd_stop
	for p in "${HELPER_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CRICTL=${CRICTL:-}
if [ -z "$CRICTL" ]; then
	for c in /var/cache/ckubeadm/peers/crictl-*/crictl; do [ -x "$c" ] && CRICTL=$c; done
fi
# crictl is not packaged by Debian: build it once from the Go module proxy (cached), unless
# CRI_BUILD_CRICTL=0.
if [ -z "$CRICTL" ] && [ "${CRI_BUILD_CRICTL:-1}" != 0 ] && command -v go >/dev/null; then
	echo "building crictl (once, cached under /var/cache/ckubeadm/peers)..."
	CRICTL=$("$HERE/build-crictl.sh" 2>"$T/crictl-build.log") ||
		{ echo "crictl did not build:"; tail -n 10 "$T/crictl-build.log"; CRICTL=; }
fi

# ---- a tiny OCI image: one static /pause binary (also our sandbox image) ----
mkdir -p "$T/img"
cat >"$T/img/pause.c" <<'EOF'
#include <signal.h>
#include <unistd.h>
static void bye(int s) { _exit(0); }
int main(void) { signal(SIGTERM, bye); signal(SIGINT, bye); for (;;) pause(); }
EOF
gcc -static -Os -s -o "$T/img/pause" "$T/img/pause.c" || { echo "cannot build static pause"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
python3 - "$T/img" <<'EOF'
import hashlib, io, json, os, sys, tarfile
d = sys.argv[1]
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    os.makedirs(f"{d}/oci/blobs/sha256", exist_ok=True)
    open(f"{d}/oci/blobs/sha256/{h}", "wb").write(data)
    return "sha256:" + h, len(data)
def layer_tar(files):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data, mode in files:
            ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = mode; ti.mtime = 0
            t.addfile(ti, io.BytesIO(data))
    return b.getvalue()
def image(name, files, cmd):
    layer = layer_tar(files)
    ld, ll = blob(layer)
    cfg = {"architecture": "amd64", "os": "linux",
           "config": {"Entrypoint": cmd},
           "rootfs": {"type": "layers", "diff_ids": [ld]}}
    cd, cl = blob(json.dumps(cfg).encode())
    man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cl},
           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": ll}]}
    md, ml = blob(json.dumps(man).encode())
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ml,
            "platform": {"architecture": "amd64", "os": "linux"},
            "annotations": {"io.containerd.image.name": name, "org.opencontainers.image.ref.name": name.rsplit(":", 1)[1]}}
pause = open(f"{d}/pause", "rb").read()
m1 = image("ckubeadm.test/pause:1", [("pause", pause, 0o755)], ["/pause"])
m2 = image("ckubeadm.test/probe:1", [("hello.txt", b"hello from ckubeadm\n", 0o644)], ["/hello"])
json.dump({"schemaVersion": 2, "manifests": [m1, m2]}, open(f"{d}/oci/index.json", "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(f"{d}/oci/oci-layout", "w"))
with tarfile.open(f"{d}/images.tar", "w") as t:
    for n in sorted(os.listdir(f"{d}/oci")):
        t.add(f"{d}/oci/{n}", n)
EOF
[ -s "$T/img/images.tar" ] || { echo "cannot build the test images (python3 above)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# ---- containerd with a private everything (tests/lib/containerd.sh) ----
if ! ctrd_start "$T" ckubeadm.test/pause:1; then
	nok "containerd started (no socket after 10s)"
	tail -20 "$T/containerd.log"
	echo "$PASS passed, $FAIL failed, $SKIP skipped"
	exit 1
fi
ok "containerd started with a private socket $SOCK"

# elapsed_ms CMD...: runs CMD, output in $OUT, status in $RC, duration in $MS
# run CMD...: OUT is what CMD printed except klog lines, which go to LOG; RC, MS as measured.
run() {
	local s e all
	s=$(date +%s%N)
	all=$("$@" 2>&1)
	RC=$?
	e=$(date +%s%N)
	MS=$(((e - s) / 1000000))
	OUT=$(grep -v '^[IWEF][0-9]\{4\} ' <<<"$all")
	LOG=$(grep '^[IWEF][0-9]\{4\} ' <<<"$all")
}
contains() { case "$1" in *"$2"*) return 0 ;; *) return 1 ;; esac; }

# ---- Version / Status / RuntimeConfig ----
for _ in $(seq 50); do run "$PROBE" "$EP" version; [ $RC = 0 ] && break; sleep 0.2; done
check "Version answers containerd v1 ($OUT)" contains "$OUT" "containerd "
check "Version runtime API is v1" contains "$OUT" " v1 "
run "$PROBE" "$EP" connect
check "Connect (kubeadm's Version validation) succeeds" [ "$RC" = 0 ]
run "$PROBE" "$EP" status
check "Status reports RuntimeReady=true" contains "$OUT" "RuntimeReady=true"
check "Status reports a NetworkReady condition" contains "$OUT" "NetworkReady="
run "$PROBE" "$EP" running
check "IsRunning succeeds" [ "$RC" = 0 ]
run "$PROBE" "$EP" status -v
check "verbose Status carries info[config]" contains "$OUT" "info config"
run "$PROBE" "$EP" sandbox-image
check "SandboxImage reads the configured sandbox image ($OUT)" [ "$OUT" = "ckubeadm.test/pause:1" ]
run "$PROBE" "$EP" runtime-config
# containerd 1.6 predates the RuntimeConfig RPC (Unimplemented); newer ones answer it.
check "RuntimeConfig answered or Unimplemented mapped ($OUT)" \
	bash -c '[ "$0" = 0 ] && { [ "$1" = unimplemented ] || [[ "$1" == cgroup-driver* ]]; }' "$RC" "$OUT"

# ---- images ----
run ctr -a "$SOCK" -n k8s.io images import "$T/img/images.tar"
check "ctr imported the local OCI archive" [ "$RC" = 0 ]
[ "$RC" = 0 ] || echo "$OUT"
run "$PROBE" "$EP" image-status ckubeadm.test/probe:1
check "ImageStatus finds the imported image" contains "$OUT" "present sha256:"
check "ImageStatus lists its tag" contains "$OUT" "ckubeadm.test/probe:1"
run "$PROBE" "$EP" image-exists ckubeadm.test/probe:1
check "ImageExists is true for it" [ "$OUT" = true ]
run "$PROBE" "$EP" image-status ckubeadm.test/absent:1
check "ImageStatus of an absent image says absent" [ "$OUT" = absent ]
run "$PROBE" "$EP" image-exists ckubeadm.test/absent:1
check "ImageExists is false for an absent image" [ "$OUT" = false ]
run "$PROBE" "$EP" list-images
check "ListImages includes the imported image" contains "$OUT" "ckubeadm.test/probe:1"
check "ListImages includes the pause image" contains "$OUT" "ckubeadm.test/pause:1"
run "$PROBE" "$EP" list-images ckubeadm.test/pause:1
# containerd's CRI ignores the image filter (a TODO in its ListImages): only the call is checked.
check "ListImages with a filter answers" contains "$OUT" "ckubeadm.test/pause:1"
run "$PROBE" "$EP" pull-images --if-not-present ckubeadm.test/probe:1 ckubeadm.test/pause:1
check "PullImagesInParallel skips present images" [ "$RC" = 0 ]

# a registry on loopback with nothing listening: a free port from the kernel, then closed
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run "$PROBE" "$EP" pull "127.0.0.1:$PORT/ckubeadm/none:1" 20000
check "pull from an unreachable registry fails" [ "$RC" != 0 ]
check "pull error is clear ($OUT)" contains "$OUT" "connection refused"
check "pull error comes quickly (${MS}ms)" [ "$MS" -lt 10000 ]
# cri-client logs each failed call: E... "PullImage from image service failed" err="..." image="..."
check "failed pull logged as cri-client does" contains "$LOG" \
	"\"PullImage from image service failed\" err=\"rpc error: code = "
echo "    $OUT"
run "$PROBE" "$EP" pull-images "127.0.0.1:$PORT/ckubeadm/a:1" "127.0.0.1:$PORT/ckubeadm/b:1"
check "parallel pull aggregates both failures" \
	bash -c 'case "$0" in "error: [failed to pull image 127.0.0.1:"*"a:1: failed to pull image"*", failed to pull image"*"b:1"*) exit 0;; esac; exit 1' "$OUT"

# the same failure through the reference kubeadm, when it is built: identical text
KUBEADM=${KUBEADM:-/var/cache/ckubeadm/peers/k8s-v1.37.2/kubeadm}
if [ -x "$KUBEADM" ]; then
	IMG=127.0.0.1:$PORT/ckubeadm/kube-apiserver:v1.37.2
	REF=$(timeout 60 "$KUBEADM" config images pull --cri-socket "$EP" --kubernetes-version v1.37.2 \
		--image-repository "127.0.0.1:$PORT/ckubeadm" 2>&1 | grep '^error: ')
	run "$PROBE" "$EP" pull-retry "$IMG"
	OURS="error: failed to pull image \"$IMG\": ${OUT#error: }"
	check "pull failure text identical to the reference kubeadm's" [ "$REF" = "$OURS" ]
	[ "$REF" = "$OURS" ] || printf '    reference: %s\n    ours:      %s\n' "$REF" "$OURS"
	REF=$(timeout 60 "$KUBEADM" config images pull --cri-socket "unix://$T/none.sock" --kubernetes-version v1.37.2 2>&1 | grep '^error: ')
	run "$PROBE" "unix://$T/none.sock" connect
	check "missing socket text identical to the reference kubeadm's" [ "$REF" = "$OUT" ]
	[ "$REF" = "$OUT" ] || printf '    reference: %s\n    ours:      %s\n' "$REF" "$OUT"
else
	skip "reference kubeadm not built: no conformance of the pull error"
fi

# ---- sandboxes (crictl creates them, our client lists, stops and removes them) ----
if [ -z "$CRICTL" ]; then
	skip "sandboxes: no crictl (build it with tests/cri/build-crictl.sh)"
else
	for i in 1 2; do
		cat >"$T/pod$i.json" <<EOF
{"metadata": {"name": "ckubeadm-probe-$i", "namespace": "kube-system", "uid": "ckubeadm-uid-$i", "attempt": 0},
 "labels": {"ckubeadm-test": "pod$i"},
 "linux": {"security_context": {"namespace_options": {"network": 2}}},
 "log_directory": "$T/logs"}
EOF
	done
	crictl() { timeout 60 "$CRICTL" -r "$EP" -i "$EP" --timeout 30s "$@" 2>"$T/crictl.err"; }
	SB1=$(crictl runp "$T/pod1.json")
	RC=$?
	if [ "$RC" != 0 ]; then
		skip "sandboxes: crictl runp failed on this machine: $(tail -1 "$T/crictl.err")"
	else
		SB2=$(crictl runp "$T/pod2.json")
		check "crictl created two sandboxes" [ "$?" = 0 ]
		run "$PROBE" "$EP" list-sandboxes
		check "ListPodSandbox lists sandbox 1 ready" contains "$OUT" "$SB1 ckubeadm-probe-1 kube-system SANDBOX_READY"
		check "ListPodSandbox lists sandbox 2" contains "$OUT" "$SB2 ckubeadm-probe-2"
		run "$PROBE" "$EP" list-sandboxes --label ckubeadm-test=pod2
		check "label filter selects only sandbox 2" bash -c '[ "$(echo "$0" | wc -l)" = 1 ] && [[ "$0" == "$1 "* ]]' "$OUT" "$SB2"
		run "$PROBE" "$EP" list-kube-sandboxes
		check "ListKubeContainers returns both ids" bash -c '[[ "$0" == *"$1"* && "$0" == *"$2"* ]]' "$OUT" "$SB1" "$SB2"
		run "$PROBE" "$EP" list-containers
		check "ListContainers answers (no containers)" [ "$RC" = 0 ] 
		# ContainerStatus / PodSandboxStatus / the log tail, on a container crictl runs
		run "$PROBE" "$EP" sandbox-status "$SB1"
		check "PodSandboxStatus of sandbox 1 ($OUT)" contains "$OUT" "id=$SB1 name=ckubeadm-probe-1 namespace=kube-system uid=ckubeadm-uid-1 attempt=0 state=SANDBOX_READY"
		run "$PROBE" "$EP" sandbox-status nonexistent-sandbox-id
		check "PodSandboxStatus of an unknown id: NotFound ($OUT)" contains "$OUT" "code = NotFound"
		cat >"$T/ctr1.json" <<EOF
{"metadata": {"name": "probe", "attempt": 2}, "image": {"image": "ckubeadm.test/pause:1"},
 "log_path": "probe/2.log", "linux": {}}
EOF
		C1=$(crictl create "$SB1" "$T/ctr1.json" "$T/pod1.json")
		if [ -z "$C1" ]; then
			nok "crictl created a container: $(tail -1 "$T/crictl.err")"
		else
			run "$PROBE" "$EP" container-status "$C1"
			check "ContainerStatus of a created container ($OUT)" contains "$OUT" "id=$C1 name=probe attempt=2 state=0 exit=0 reason= image=ckubeadm.test/pause:1 started=0 finished=0 log=$T/logs/probe/2.log"
			crictl start "$C1" >/dev/null
			run "$PROBE" "$EP" container-status "$C1"
			check "ContainerStatus of the started container: running ($OUT)" contains "$OUT" "state=1 exit=0 reason= image=ckubeadm.test/pause:1 started=1 finished=0"
			crictl stop -t 0 "$C1" >/dev/null
			run "$PROBE" "$EP" container-status "$C1"
			check "ContainerStatus after stop: exited, with a reason ($OUT)" bash -c '[[ "$0" == *"state=2 exit="*" reason="[A-Za-z]*" image=ckubeadm.test/pause:1 started=1 finished=1"* ]]' "$OUT"
			run "$PROBE" "$EP" container-status nonexistent-container-id
			check "ContainerStatus of an unknown id: NotFound ($OUT)" contains "$OUT" "code = NotFound"
			printf '%s\n' "2026-12-08T03:00:00.000000001Z stderr F Error: unknown flag: --no-such-flag" \
				"2026-12-08T03:00:00.000000002Z stdout P part " "2026-12-08T03:00:00.000000003Z stdout F two" >>"$T/logs/probe/2.log"
			run "$PROBE" log-tail "$T/logs/probe/2.log" 2
			check "log tail of the container's log file ($OUT)" [ "$OUT" = "Error: unknown flag: --no-such-flag
part two" ]
			crictl rm "$C1" >/dev/null
		fi
		run "$PROBE" -t 30000 "$EP" stop-sandbox "$SB1"
		check "StopPodSandbox stops sandbox 1" [ "$RC" = 0 ]
		run "$PROBE" "$EP" list-sandboxes --state notready
		check "state filter shows sandbox 1 not ready" contains "$OUT" "$SB1 ckubeadm-probe-1 kube-system SANDBOX_NOTREADY"
		run "$PROBE" "$EP" list-sandboxes --state ready
		check "state filter ready excludes sandbox 1" bash -c '[[ "$0" != *"$1"* && "$0" == *"$2"* ]]' "$OUT" "$SB1" "$SB2"
		run "$PROBE" "$EP" remove-sandbox "$SB1"
		check "RemovePodSandbox removes sandbox 1" [ "$RC" = 0 ]
		run "$PROBE" -t 30000 "$EP" remove-kube-sandboxes "$SB2"
		check "RemoveContainers (stop + remove) removes sandbox 2" [ "$RC" = 0 ]
		run "$PROBE" "$EP" list-sandboxes
		check "no sandbox left" [ -z "$OUT" ]
		run "$PROBE" "$EP" remove-kube-sandboxes nonexistent-sandbox-id
		check "removing an unknown sandbox: kubeadm's message ($OUT)" contains "$OUT" "failed to stop running pod nonexistent-sandbox-id: rpc error: code = NotFound"
	fi
fi

# ---- sockets that are not CRI servers ----
cat >"$T/fake.py" <<'EOF'
import os, socket, sys, threading
path, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(8)
def serve(c):
    with c:
        while True:
            d = c.recv(65536)
            if not d: return
            if mode == "echo": c.sendall(d)
            elif mode == "http1":
                c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"); return
            elif mode == "close": return
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
for m in echo silent http1 close; do
	python3 "$T/fake.py" "$T/$m.sock" $m &
	HELPER_PIDS+=($!)
done
for m in echo silent http1 close; do for _ in $(seq 50); do [ -S "$T/$m.sock" ] && break; sleep 0.1; done; done
run "$PROBE" "unix://$T/echo.sock" connect
check "echo server: clear error ($OUT)" contains "$OUT" 'rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: http2: frame too large"'
check "echo server: kubeadm's wrapping" contains "$OUT" "failed to create new CRI runtime service: validate service connection: validate CRI v1 runtime API for endpoint \"unix://$T/echo.sock\": "
check "echo server: no hang (${MS}ms)" [ "$MS" -lt 1500 ]
run "$PROBE" "unix://$T/http1.sock" version
check "HTTP/1.1 server: Go's message ($OUT)" contains "$OUT" "note that the frame header looked like an HTTP/1.1 header"
run "$PROBE" "unix://$T/close.sock" version
# EOF, or a reset when the server closed with our bytes unread (timing, as with grpc-go)
check "server closing at once: clear error ($OUT)" bash -c '[[ "$0" == *"error reading server preface: EOF"* || "$0" == *"error reading server preface: read: connection reset by peer"* ]]' "$OUT"
run "$PROBE" -t 700 "unix://$T/silent.sock" version
check "stalled server: deadline error ($OUT)" contains "$OUT" "rpc error: code = DeadlineExceeded desc = context deadline exceeded"
check "stalled server: gives up at the timeout (${MS}ms)" bash -c '[ "$0" -ge 650 ] && [ "$0" -lt 2000 ]' "$MS"
run "$PROBE" "unix://$T/none.sock" connect
check "missing socket: kubeadm's message ($OUT)" [ "$OUT" = "error: failed to create new CRI runtime service: validate service connection: validate CRI v1 runtime API for endpoint \"unix://$T/none.sock\": rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial unix $T/none.sock: connect: no such file or directory\"" ]
run "$PROBE" "tcp://127.0.0.1:1" version
check "tcp endpoint refused without traffic ($OUT)" [ "$OUT" = "error: only support unix socket endpoint" ]

if [ -x "$KUBEADM" ]; then
	# The reference's text against a server that answers HTTP/1.1 and hangs up depends on
	# which of grpc-go's write and read fails first (seen: "write: broken pipe" under load,
	# the preface error otherwise): ours must equal a text the reference gives here, so the
	# reference runs up to 3 times until one matches.
	for m in echo http1; do
		run "$PROBE" "unix://$T/$m.sock" connect
		SEEN=()
		for _ in 1 2 3; do
			REF=$(timeout 30 "$KUBEADM" config images pull --cri-socket "unix://$T/$m.sock" --kubernetes-version v1.37.2 2>&1 | grep '^error: ')
			SEEN+=("$REF")
			[ "$REF" = "$OUT" ] && break
		done
		check "$m server: text identical to the reference kubeadm's" [ "$REF" = "$OUT" ]
		if [ "$REF" != "$OUT" ]; then
			printf '    reference: %s\n' "${SEEN[@]}"
			printf '    ours:      %s\n' "$OUT"
		fi
	done
fi

# ---- socket auto-detection under a root directory ----
R=$T/fakeroot
mkdir -p "$R/run/containerd" "$R/run/crio" "$R/var"
ln -s /run "$R/var/run" # absolute: must resolve inside the root, not to the host's /run
run "$PROBE" detect "$R"
check "detect: none found falls back to the default ($OUT)" [ "$OUT" = "unix:///var/run/containerd/containerd.sock" ]
python3 "$T/fake.py" "$R/run/crio/crio.sock" silent & HELPER_PIDS+=($!)
for _ in $(seq 50); do [ -S "$R/run/crio/crio.sock" ] && break; sleep 0.1; done
run "$PROBE" detect "$R"
check "detect: one socket found under the root ($OUT)" [ "$OUT" = "unix:///var/run/crio/crio.sock" ]
python3 "$T/fake.py" "$R/run/containerd/containerd.sock" silent & HELPER_PIDS+=($!)
for _ in $(seq 50); do [ -S "$R/run/containerd/containerd.sock" ] && break; sleep 0.1; done
run "$PROBE" detect "$R"
check "detect: several found, kubeadm's error" [ "$OUT" = "error: found multiple CRI endpoints on the host. Please define which one do you wish to use by setting the 'criSocket' field in the kubeadm configuration file: unix:///var/run/containerd/containerd.sock, unix:///var/run/crio/crio.sock" ]

if [ "$FAIL" != 0 ]; then
	echo "--- containerd log (tail) ---"
	tail -20 "$T/containerd.log"
fi
echo "cri: $PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" = 0 ]
