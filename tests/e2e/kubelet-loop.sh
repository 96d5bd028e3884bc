#!/usr/bin/env bash
# The bed's stand-in for systemd's kubelet.service with kubeadm's 10-kubeadm.conf drop-in,
# run inside a node: starts the kubelet with the same arguments as that unit
#   kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
# (KUBELET_KUBEADM_ARGS from /var/lib/kubelet/kubeadm-flags.env, KUBELET_EXTRA_ARGS from
# /etc/default/kubelet) and restarts it when it exits (Restart=always). The bed's systemctl
# (tests/e2e/systemctl, first in the node's PATH) stops, starts and restarts it through
# /run/e2e-kubelet, as kubeadm does with systemd. Where the unit would crash-loop until kubeadm
# writes /var/lib/kubelet/config.yaml, this waits for that file.
set -u
flags=/var/lib/kubelet/kubeadm-flags.env
config=/var/lib/kubelet/config.yaml
extra=/etc/default/kubelet
ctl=/run/e2e-kubelet
mkdir -p "$ctl"

desired() { cat "$ctl/desired" 2>/dev/null || echo running; }
token() { cat "$ctl/restart" 2>/dev/null; }

pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; exit 0' TERM INT
while :; do
	# systemd starts a unit at once: look for a start request (or kubeadm's config.yaml)
	# every 0.1 s, so the bed adds no start-up delay of its own to kubeadm's kubelet-start
	if [ "$(desired)" != running ] || [ ! -f "$config" ]; then
		sleep 0.1
		continue
	fi
	KUBELET_KUBEADM_ARGS= KUBELET_EXTRA_ARGS=
	# shellcheck disable=SC1090
	[ -f "$flags" ] && . "$flags"
	# shellcheck disable=SC1090
	[ -f "$extra" ] && . "$extra"
	started=$(token)
	echo "kubelet-loop: starting kubelet $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS"
	# shellcheck disable=SC2086
	kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
		--kubeconfig=/etc/kubernetes/kubelet.conf --config="$config" \
		$KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS &
	pid=$!
	echo "$pid" >"$ctl/pid"
	why=exited
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.2
		if [ "$(desired)" != running ]; then why=stop; break; fi
		if [ "$(token)" != "$started" ]; then why=restart; break; fi
	done
	if [ "$why" != exited ]; then
		echo "kubelet-loop: $why requested"
		kill "$pid" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid"
	echo "kubelet-loop: kubelet exited with $?"
	rm -f "$ctl/pid"
	pid=
	# RestartSec after a crash; none after "systemctl stop" (the kubelet killed by request)
	[ "$why" = exited ] && [ "$(desired)" = running ] && sleep 2
done
