// Prints the JSON that Go's encoding/json produces for zero-valued component configs
// (the skeleton kubeadm marshals before any defaulting); input for src/config tables.
package main

import (
	"encoding/json"
	"fmt"

	kubeproxyconfig "k8s.io/kube-proxy/config/v1alpha1"
	kubeletconfig "k8s.io/kubelet/config/v1beta1"
)

func main() {
	k, _ := json.Marshal(&kubeletconfig.KubeletConfiguration{})
	fmt.Println(string(k))
	p, _ := json.Marshal(&kubeproxyconfig.KubeProxyConfiguration{})
	fmt.Println(string(p))
}
