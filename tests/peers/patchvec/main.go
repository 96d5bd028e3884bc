// Command patchvec prints tests/vectors/patches/vectors.json: the results (or errors) of
// gopkg.in/evanphx/json-patch.v4 (JSON patch, merge patch), apimachinery's strategic merge
// patch with v1.Pod and KubeletConfiguration metadata, and kubeadm's decode + re-encode of a
// patched v1.Pod (YAML), for the cases below. src/manifests/patches-test.c checks them.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	kubeletconfig "k8s.io/kubelet/config/v1beta1"
	kubeadmutil "k8s.io/kubernetes/cmd/kubeadm/app/util"
)

type tcase struct {
	Kind  string `json:"kind"`
	Doc   string `json:"doc"`
	Patch string `json:"patch"`
	Want  string `json:"want,omitempty"`
	Err   string `json:"err,omitempty"`
}

const pod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"etcd","namespace":"kube-system","labels":{"component":"etcd","tier":"control-plane"},"finalizers":["a","b"]},` +
	`"spec":{"containers":[{"name":"etcd","image":"registry.k8s.io/etcd:3.7.0-0","command":["etcd","--x=1"],"env":[{"name":"A","value":"1"},{"name":"C","value":"3"}],` +
	`"ports":[{"name":"probe-port","containerPort":2381,"protocol":"TCP"}],"resources":{"requests":{"cpu":"100m","memory":"100Mi"}},` +
	`"volumeMounts":[{"name":"etcd-data","mountPath":"/var/lib/etcd"},{"name":"etcd-certs","mountPath":"/etc/kubernetes/pki/etcd"}]},{"name":"side","image":"s"}],` +
	`"hostNetwork":true,"priority":2000001000,"priorityClassName":"system-node-critical","securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},` +
	`"tolerations":[{"key":"a","operator":"Exists"}],` +
	`"volumes":[{"name":"etcd-certs","hostPath":{"path":"/etc/kubernetes/pki/etcd","type":"DirectoryOrCreate"}},{"name":"etcd-data","hostPath":{"path":"/var/lib/etcd","type":"DirectoryOrCreate"}}]},"status":{}}`

const kubelet = `{"apiVersion":"kubelet.config.k8s.io/v1beta1","kind":"KubeletConfiguration","cgroupDriver":"systemd","clusterDNS":["10.96.0.10"],"clusterDomain":"cluster.local",` +
	`"featureGates":{"A":true},"evictionHard":{"memory.available":"100Mi"},"authentication":{"x509":{"clientCAFile":"/etc/kubernetes/pki/ca.crt"},"webhook":{"enabled":true,"cacheTTL":"0s"}},` +
	`"tlsCipherSuites":["x","y"],"maxPods":110,"reservedMemory":[{"numaNode":0,"limits":{"memory":"1Gi"}}]}`

var cases = []tcase{
	// JSON patch
	{Kind: "json", Doc: pod, Patch: `[{"op":"add","path":"/spec/containers/0/command/-","value":"--y=2"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"add","path":"/spec/containers/0/command/0","value":"nice"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"remove","path":"/spec/containers/1"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"remove","path":"/spec/containers/-1"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"remove","path":"/spec/containers/-3"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"remove","path":"/spec/containers/2"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"replace","path":"/spec/priority","value":7}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"replace","path":"/spec/nope","value":7}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"replace","path":"/spec/containers/5","value":7}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"replace","path":"","value":{"a":1}}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"replace","path":"","value":3}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"move","from":"/metadata/labels/tier","path":"/metadata/labels/t"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"move","from":"/metadata/labels/zz","path":"/metadata/labels/t"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"copy","from":"/spec/containers/0/env/0","path":"/spec/containers/1/env"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"copy","from":"/spec/nothing","path":"/spec/x"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"test","path":"/spec/hostNetwork","value":true}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"test","path":"/spec/hostNetwork","value":false}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"test","path":"/spec/nothing","value":null}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"test","path":"/spec/nothing"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"test","path":"/metadata/labels","value":{"tier":"control-plane","component":"etcd"}}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"add","path":"/a/b/c","value":1}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"add","path":"nope","value":1}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"add","path":"/metadata/annotations~1x","value":1}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"add","path":"/spec/containers/x/name","value":1}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"add","path":"/spec/containers/0/command/9","value":1}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"add","path":"/spec/containers/0/command/q","value":1}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"add"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"remove","path":"/metadata/nothing"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"bogus","path":"/a"}]`},
	{Kind: "json", Doc: pod, Patch: `[{"path":"/a"}]`},
	{Kind: "json", Doc: pod, Patch: `{"op":"add"}`},
	{Kind: "json", Doc: pod, Patch: `["x"]`},
	{Kind: "json", Doc: pod, Patch: `[]`},
	{Kind: "json", Doc: pod, Patch: `[{"op":"add","path":"/metadata/labels/x"}]`},
	// merge patch
	{Kind: "merge", Doc: pod, Patch: `{"metadata":{"labels":{"tier":null,"x":"y"}}}`},
	{Kind: "merge", Doc: pod, Patch: `{"spec":{"containers":[{"name":"only"}]}}`},
	{Kind: "merge", Doc: pod, Patch: `{"spec":{"securityContext":{"runAsUser":0,"seccompProfile":null}}}`},
	{Kind: "merge", Doc: pod, Patch: `{"spec":{"new":{"a":null,"b":{"c":null,"d":1}}}}`},
	{Kind: "merge", Doc: pod, Patch: `{"spec":{"priority":{"a":null}}}`},
	{Kind: "merge", Doc: pod, Patch: `{"metadata":["a",null,{"b":null}]}`},
	{Kind: "merge", Doc: pod, Patch: `[1,null,{"a":null}]`},
	{Kind: "merge", Doc: pod, Patch: `"x"`},
	{Kind: "merge", Doc: pod, Patch: `null`},
	{Kind: "merge", Doc: pod, Patch: `{}`},
	// strategic merge patch, v1.Pod
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","image":"x"}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"new","image":"n"},{"name":"etcd","image":"x"}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","env":[{"name":"B","value":"2"},{"name":"A","value":"9"}]}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","env":[{"name":"A","$patch":"delete"}]}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","env":[{"$patch":"replace"},{"name":"Z","value":"z"}]}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","env":[{"$patch":"merge"}]}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","env":[{"$patch":"bogus","name":"A"}]}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","ports":[{"containerPort":2381,"hostPort":2381},{"containerPort":80}]}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","volumeMounts":[{"mountPath":"/var/lib/etcd","readOnly":true},{"mountPath":"/x","name":"x"}]}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","command":["etcd"]}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","resources":{"limits":{"cpu":"1"},"requests":{"memory":null}}}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"image":"x"}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"volumes":[{"name":"etcd-data","hostPath":{"path":"/data"}},{"name":"z","emptyDir":{}}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"volumes":[{"name":"etcd-data","$retainKeys":["name","emptyDir"],"emptyDir":{}}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"volumes":[{"name":"etcd-data","$retainKeys":["name"],"emptyDir":{}}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"$setElementOrder/containers":[{"name":"side"},{"name":"etcd"}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"$setElementOrder/containers":[{"name":"side"},{"name":"new"},{"name":"etcd"}],"containers":[{"name":"new","image":"n"}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"metadata":{"finalizers":["c","a"]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"metadata":{"$setElementOrder/finalizers":["b","a"]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"metadata":{"labels":{"$patch":"replace","x":"y"}}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"metadata":{"labels":{"$patch":"delete"}}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"metadata":{"labels":{"$patch":"bogus"}}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"metadata":{"labels":null,"annotations":{"a":"b","c":null}}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"securityContext":{"seccompProfile":{"type":"Unconfined","localhostProfile":null}},"hostNetwork":null}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"priority":"high","hostNetwork":{"a":1}}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":{"a":1}}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"unknownField":{"a":1},"containers":[{"name":"etcd","bogus":[1,2]}]}}`},
	{Kind: "smp-pod", Doc: pod, Patch: `[1]`},
	{Kind: "smp-pod", Doc: pod, Patch: `null`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"$patch":"replace","apiVersion":"v1","kind":"Pod"}`},
	{Kind: "smp-pod", Doc: pod, Patch: `{"spec":{"containers":[{"name":"etcd","command":[["a"]]}]}}`},
	// strategic merge patch, KubeletConfiguration
	{Kind: "smp-kubelet", Doc: kubelet, Patch: `{"featureGates":{"B":false},"clusterDNS":["10.96.0.53"],"maxPods":20}`},
	{Kind: "smp-kubelet", Doc: kubelet, Patch: `{"evictionHard":{"memory.available":null,"nodefs.available":"10%"},"tlsCipherSuites":["z"]}`},
	{Kind: "smp-kubelet", Doc: kubelet, Patch: `{"authentication":{"x509":{"clientCAFile":"/x"},"anonymous":{"enabled":false}}}`},
	{Kind: "smp-kubelet", Doc: kubelet, Patch: `{"reservedMemory":[{"numaNode":1}],"containerRuntimeEndpoint":"unix:///x.sock"}`},
	{Kind: "smp-kubelet", Doc: kubelet, Patch: `{"featureGates":{"$patch":"replace","C":true}}`},
	// kubeadm's decode + re-encode of a patched Pod
	{Kind: "pod-yaml", Doc: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","creationTimestamp":null,"bogus":1},"spec":{"containers":[{"name":"c","env":[],"resources":{"requests":{"cpu":"0.5","memory":"1024Mi"},"limits":{"cpu":"1000m","memory":"1e3","ephemeral-storage":"1.5Gi"}}}],"hostNetwork":false,"securityContext":{},"volumes":[{"name":"v","hostPath":{"path":"/p","type":""}}]}}`},
	{Kind: "pod-yaml", Doc: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":2,"memory":"100M","a":"0.1","b":"100n","c":"1.0","d":"0","e":"12e-3","f":"1000Ki","g":"2048k","h":"1.5"}},"livenessProbe":{"httpGet":{"port":8080,"path":"/"},"periodSeconds":0}}],"status":{"phase":""}}}`},
	{Kind: "pod-yaml", Doc: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[{"name":"c","resources":{"requests":{"a":"-1.5","b":"1.5Ki","c":"0.1Mi","d":"100Mi","e":"1Ei","f":"2e3","g":"1E3","h":"9223372036854775807","i":"0.000000001","j":"0.0000000001","k":"1.0001m","l":"+5","m":"007","n":"1.","o":"-0","p":"1024","q":"1023Ki","r":"3000k","s":"1e-3","t":"12.5e6","u":"0.5Gi","v":"1500000u","w":"999999999999999999999","x":"1e21"}}}]}}`},
	{Kind: "pod-yaml", Doc: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[{"name":"c","resources":{"requests":{"a":"1x"}}}]}}`},
	{Kind: "pod-yaml", Doc: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[{"name":"c","resources":{"requests":{"a":"1.2.3"}}}]}}`},
	{Kind: "pod-yaml", Doc: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","labels":{}},"spec":{"containers":null,"initContainers":[],"nodeSelector":{},"priority":null}}`},
}

func run(c *tcase) {
	var out []byte
	var err error
	switch c.Kind {
	case "json":
		var p jsonpatch.Patch
		p, err = jsonpatch.DecodePatch([]byte(c.Patch))
		if err == nil {
			out, err = p.Apply([]byte(c.Doc))
		}
	case "merge":
		out, err = jsonpatch.MergePatch([]byte(c.Doc), []byte(c.Patch))
	case "smp-pod":
		out, err = strategicpatch.StrategicMergePatch([]byte(c.Doc), []byte(c.Patch), v1.Pod{})
	case "smp-kubelet":
		out, err = strategicpatch.StrategicMergePatch([]byte(c.Doc), []byte(c.Patch), kubeletconfig.KubeletConfiguration{})
	case "pod-yaml":
		obj, e := kubeadmutil.UniversalUnmarshal([]byte(c.Doc))
		if e != nil {
			err = e
			break
		}
		out, err = kubeadmutil.MarshalToYaml(obj, v1.SchemeGroupVersion)
		if err == nil {
			c.Want = string(out)
			return
		}
	}
	if err != nil {
		c.Err = err.Error()
		return
	}
	// normalise: compact, keys sorted
	var v interface{}
	if e := json.Unmarshal(out, &v); e != nil {
		c.Err = "unparsable result: " + e.Error()
		return
	}
	b, _ := json.Marshal(v)
	c.Want = string(b)
}

func main() {
	for i := range cases {
		run(&cases[i])
	}
	b, err := json.MarshalIndent(cases, "", " ")
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
	_ = os.Stdout
}
