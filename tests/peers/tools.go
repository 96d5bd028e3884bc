//go:build tools

// Package peers pins the reference binaries that the tests build: the Go
// module graph of k8s.io/kubernetes v1.37.2 with its staging modules at v0.37.2.
// The node components are the peers of the end-to-end bed (tests/e2e).
package peers

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
