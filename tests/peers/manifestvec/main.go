// Command manifestvec prints tests/vectors/manifests/vectors.json: static Pods kubeadm builds
// for inputs the init phases cannot reach (an etcd member joining an existing cluster),
// marshalled as kubeadm writes them. src/manifests/manifests-test.c checks them.
package main

import (
	"encoding/json"
	"fmt"

	v1 "k8s.io/api/core/v1"

	kubeadmapi "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm"
	etcdphase "k8s.io/kubernetes/cmd/kubeadm/app/phases/etcd"
	kubeadmutil "k8s.io/kubernetes/cmd/kubeadm/app/util"
	configutil "k8s.io/kubernetes/cmd/kubeadm/app/util/config"
	etcdutil "k8s.io/kubernetes/cmd/kubeadm/app/util/etcd"
)

const cfg = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 10.0.0.6
nodeRegistration:
  name: node2
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
`

type vec struct {
	Config  string   `json:"config"`
	Members []string `json:"members"`
	Want    string   `json:"want"`
}

func main() {
	c, err := configutil.BytesToInitConfiguration([]byte(cfg), true)
	if err != nil {
		panic(err)
	}
	members := []etcdutil.Member{{Name: "node1", PeerURL: "https://10.0.0.5:2380"}, {Name: "node2", PeerURL: "https://10.0.0.6:2380"}}
	kubeadmapi.SetActiveTimeouts(c.Timeouts)
	pod := etcdphase.GetEtcdPodSpec(&c.ClusterConfiguration, &c.LocalAPIEndpoint, c.NodeRegistration.Name, members)
	y, err := kubeadmutil.MarshalToYaml(&pod, v1.SchemeGroupVersion)
	if err != nil {
		panic(err)
	}
	out := []vec{{Config: cfg, Members: []string{"node1=https://10.0.0.5:2380", "node2=https://10.0.0.6:2380"}, Want: string(y)}}
	b, _ := json.MarshalIndent(out, "", " ")
	fmt.Println(string(b))
}
