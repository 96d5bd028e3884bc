//go:build tools

// Package peers pins the reference binaries that the tests build: the Go
// module graph of k8s.io/kubernetes v1.37.2 with its staging modules at v0.37.2.
package peers

import (
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
