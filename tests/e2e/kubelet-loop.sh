#!/usr/bin/env bash
# The bed's stand-in for systemd's kubelet.service with kubeadm's 10-kubeadm.conf drop-in,
# run inside a node: starts the kubelet with the same arguments as that unit
#   kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
# (KUBELET_KUBEADM_ARGS from /var/lib/kubelet/kubeadm-flags.env, KUBELET_EXTRA_ARGS from
# /etc/default/kubelet), restarts it when it exits (Restart=always), and restarts it when
# kubeadm rewrites its configuration (what `systemctl restart kubelet` does under kubeadm).
# It waits for /var/lib/kubelet/config.yaml first, where the unit would crash-loop.
set -u
flags=/var/lib/kubelet/kubeadm-flags.env
config=/var/lib/kubelet/config.yaml
extra=/etc/default/kubelet

stamp() { stat -c '%Y.%i' "$config" "$flags" "$extra" 2>/dev/null | tr '\n' ' '; }

trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
pid=
while :; do
	if [ ! -f "$config" ]; then
		sleep 1
		continue
	fi
	KUBELET_KUBEADM_ARGS= KUBELET_EXTRA_ARGS=
	# shellcheck disable=SC1090
	[ -f "$flags" ] && . "$flags"
	# shellcheck disable=SC1090
	[ -f "$extra" ] && . "$extra"
	started=$(stamp)
	echo "kubelet-loop: starting kubelet $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS"
	# shellcheck disable=SC2086
	kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
		--kubeconfig=/etc/kubernetes/kubelet.conf --config="$config" \
		$KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if [ "$(stamp)" != "$started" ]; then
			echo "kubelet-loop: configuration changed, restarting the kubelet"
			kill "$pid"
			break
		fi
	done
	wait "$pid"
	echo "kubelet-loop: kubelet exited with $?"
	sleep 2
done
