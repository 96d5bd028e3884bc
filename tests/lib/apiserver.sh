# SPDX-License-Identifier: Apache-2.0
# etcd and kube-apiserver (the reference peer builds) for tests, sourced by the scripts under
# tests/ that run them inside a network namespace of their own. The flags are those of
# kubeadm's static Pod manifests, over a PKI laid out as `kubeadm init phase certs all` makes
# it under <pki>.
#
#   . tests/lib/apiserver.sh
#   apiserver_peers <peers-dir>
#       sets ETCD_BIN, APISERVER_BIN and KUBECTL_BIN to the *.real binaries of <peers-dir>;
#       returns 1 with the first missing one in APISERVER_MISSING
#   etcd_start <pki> <name> <host> <client-port> <peer-port> <dir> [initial-cluster [state]]
#       one etcd member: client and peer TLS with certificate authentication against
#       <pki>/etcd/ca.crt, metrics on http://<host>:<client-port + 2>, data in <dir>/<name>,
#       log in <dir>/<name>.log; a cluster of itself alone unless initial-cluster is given.
#       Sets ETCD_PID.
#   apiserver_start <pki> <advertise-address> <etcd-servers> <log> [flag...]
#       kube-apiserver on port 6443 with kubeadm's flags; later flags override (pflag: the last
#       value wins), e.g. --secure-port=26443. Sets APISERVER_PID.
#   apiserver_wait_ready <kubeconfig> [seconds=60]
#       polls /readyz with kubectl; returns 1 when not ready in time or when kube-apiserver
#       ($APISERVER_PID) has exited.
# The caller kills ETCD_PID and APISERVER_PID (each script keeps its own list of processes).

apiserver_peers() {
	ETCD_BIN=$1/etcd.real APISERVER_BIN=$1/kube-apiserver.real KUBECTL_BIN=$1/kubectl.real
	local b
	for b in "$ETCD_BIN" "$APISERVER_BIN" "$KUBECTL_BIN"; do
		[ -x "$b" ] || { APISERVER_MISSING=$b; return 1; }
	done
}

etcd_start() {
	local pki=$1 name=$2 host=$3 cport=$4 pport=$5 dir=$6
	local cluster=${7:-$name=https://$host:$pport} state=${8:-new}
	"$ETCD_BIN" --name "$name" --data-dir "$dir/$name" \
		--cert-file "$pki/etcd/server.crt" --key-file "$pki/etcd/server.key" \
		--client-cert-auth=true --trusted-ca-file "$pki/etcd/ca.crt" \
		--peer-cert-file "$pki/etcd/peer.crt" --peer-key-file "$pki/etcd/peer.key" \
		--peer-client-cert-auth=true --peer-trusted-ca-file "$pki/etcd/ca.crt" \
		--listen-client-urls "https://$host:$cport" --advertise-client-urls "https://$host:$cport" \
		--listen-peer-urls "https://$host:$pport" --initial-advertise-peer-urls "https://$host:$pport" \
		--listen-metrics-urls "http://$host:$((cport + 2))" \
		--initial-cluster "$cluster" --initial-cluster-state "$state" >"$dir/$name.log" 2>&1 &
	ETCD_PID=$!
}

apiserver_start() {
	local p=$1 addr=$2 etcd=$3 log=$4
	shift 4
	"$APISERVER_BIN" --advertise-address="$addr" --allow-privileged=true \
		--authorization-mode=Node,RBAC --client-ca-file="$p/ca.crt" \
		--enable-admission-plugins=NodeRestriction --enable-bootstrap-token-auth=true \
		--etcd-cafile="$p/etcd/ca.crt" --etcd-certfile="$p/apiserver-etcd-client.crt" \
		--etcd-keyfile="$p/apiserver-etcd-client.key" --etcd-servers="$etcd" \
		--kubelet-client-certificate="$p/apiserver-kubelet-client.crt" \
		--kubelet-client-key="$p/apiserver-kubelet-client.key" \
		--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname \
		--proxy-client-cert-file="$p/front-proxy-client.crt" \
		--proxy-client-key-file="$p/front-proxy-client.key" \
		--requestheader-allowed-names=front-proxy-client \
		--requestheader-client-ca-file="$p/front-proxy-ca.crt" \
		--requestheader-extra-headers-prefix=X-Remote-Extra- \
		--requestheader-group-headers=X-Remote-Group \
		--requestheader-username-headers=X-Remote-User --secure-port=6443 \
		--service-account-issuer=https://kubernetes.default.svc.cluster.local \
		--service-account-key-file="$p/sa.pub" --service-account-signing-key-file="$p/sa.key" \
		--service-cluster-ip-range=10.96.0.0/12 --tls-cert-file="$p/apiserver.crt" \
		--tls-private-key-file="$p/apiserver.key" "$@" >"$log" 2>&1 &
	APISERVER_PID=$!
}

apiserver_wait_ready() {
	local kc=$1 tries=$((${2:-60} * 5)) i
	for ((i = 0; i < tries; i++)); do
		"$KUBECTL_BIN" --kubeconfig "$kc" --request-timeout=5s get --raw /readyz >/dev/null 2>&1 &&
			return 0
		kill -0 "$APISERVER_PID" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
