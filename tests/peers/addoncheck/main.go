// Command addoncheck reads the stdout of `init phase addon ... --dry-run` (ckubeadm's) and
// checks every "[dryrun] Attached object:" it printed:
//   - the object decodes strictly (unknown or duplicate fields are errors) into the
//     k8s.io/api type of its resource, with the apiVersion/kind of the resource's group;
//   - Go's encoding of the decoded object (kubeadmutil.MarshalToYaml) is byte-identical to
//     what was printed, i.e. the object is exactly what kubeadm would hold after decoding;
//   - with a config file as second argument: kubeadm's own EnsureDNSAddon/EnsureProxyAddon,
//     run against client-go's fake clientset with that configuration, create the same
//     objects (semantic deep equality), in the same order.
//
// Usage: addoncheck <dry-run-stdout> [<kubeadm config> [coredns|kube-proxy|all]]
// Prints one line per object; exits 1 on any failure.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"

	dnsaddon "k8s.io/kubernetes/cmd/kubeadm/app/phases/addons/dns"
	proxyaddon "k8s.io/kubernetes/cmd/kubeadm/app/phases/addons/proxy"
	kubeadmutil "k8s.io/kubernetes/cmd/kubeadm/app/util"
	configutil "k8s.io/kubernetes/cmd/kubeadm/app/util/config"
)

type printed struct {
	verb, resource, gv string
	yaml               []byte
}

var actionRe = regexp.MustCompile(`^\[dryrun\] Would perform action (\S+) on resource "([^"]+)" in API group "([^"]+)"$`)

func parse(r io.Reader) ([]printed, error) {
	var out []printed
	var cur *printed
	var inObj bool
	var buf bytes.Buffer
	flush := func() {
		if cur != nil && inObj {
			cur.yaml = append([]byte(nil), bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
			out = append(out, *cur)
		}
		inObj = false
		buf.Reset()
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "[") {
			if m := actionRe.FindStringSubmatch(line); m != nil {
				flush()
				cur = &printed{verb: m[1], resource: m[2], gv: m[3]}
				continue
			}
			if line == "[dryrun] Attached object:" {
				inObj = true
				buf.Reset()
				continue
			}
			flush()
			continue
		}
		if inObj {
			buf.WriteString(line)
			buf.WriteByte('\n')
		}
	}
	flush()
	return out, sc.Err()
}

func newObject(resource string) (runtime.Object, schema.GroupVersion, string) {
	core := schema.GroupVersion{Version: "v1"}
	apps := schema.GroupVersion{Group: "apps", Version: "v1"}
	rbac := schema.GroupVersion{Group: "rbac.authorization.k8s.io", Version: "v1"}
	switch resource {
	case "configmaps":
		return &v1.ConfigMap{}, core, "ConfigMap"
	case "services":
		return &v1.Service{}, core, "Service"
	case "serviceaccounts":
		return &v1.ServiceAccount{}, core, "ServiceAccount"
	case "deployments":
		return &appsv1.Deployment{}, apps, "Deployment"
	case "daemonsets":
		return &appsv1.DaemonSet{}, apps, "DaemonSet"
	case "clusterroles":
		return &rbacv1.ClusterRole{}, rbac, "ClusterRole"
	case "clusterrolebindings":
		return &rbacv1.ClusterRoleBinding{}, rbac, "ClusterRoleBinding"
	case "roles":
		return &rbacv1.Role{}, rbac, "Role"
	case "rolebindings":
		return &rbacv1.RoleBinding{}, rbac, "RoleBinding"
	}
	return nil, schema.GroupVersion{}, ""
}

// kubeadm's own objects for cfgPath, in creation order.
func reference(cfgPath, which, patchesDir string) ([]runtime.Object, error) {
	cfg, err := configutil.LoadInitConfigurationFromFile(cfgPath, configutil.LoadOrDefaultConfigurationOptions{SkipCRIDetect: true})
	if err != nil {
		return nil, err
	}
	if patchesDir == "" && cfg.Patches != nil {
		patchesDir = cfg.Patches.Directory
	}
	client := fake.NewSimpleClientset()
	if which == "coredns" || which == "all" {
		if err := dnsaddon.EnsureDNSAddon(&cfg.ClusterConfiguration, client, patchesDir, io.Discard, false); err != nil {
			return nil, err
		}
	}
	if which == "kube-proxy" || which == "all" {
		if err := proxyaddon.EnsureProxyAddon(&cfg.ClusterConfiguration, &cfg.LocalAPIEndpoint, client, patchesDir, io.Discard, false); err != nil {
			return nil, err
		}
	}
	var objs []runtime.Object
	for _, a := range client.Actions() {
		if c, ok := a.(k8stesting.CreateAction); ok {
			objs = append(objs, c.GetObject())
		}
	}
	return objs, nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: addoncheck <dry-run-stdout> [<config> [coredns|kube-proxy|all]]")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	objs, err := parse(f)
	f.Close()
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	var refs []runtime.Object
	if len(os.Args) >= 3 {
		which := "all"
		if len(os.Args) >= 4 {
			which = os.Args[3]
		}
		if refs, err = reference(os.Args[2], which, ""); err != nil {
			fmt.Printf("FAIL kubeadm's own addon objects: %v\n", err)
			os.Exit(1)
		}
	}
	failed, created := 0, 0
	for _, p := range objs {
		if p.verb != "CREATE" {
			continue
		}
		obj, gv, kind := newObject(p.resource)
		if obj == nil {
			fmt.Printf("FAIL %s: unexpected resource\n", p.resource)
			failed++
			continue
		}
		label := p.resource
		if err := yaml.UnmarshalStrict(p.yaml, obj); err != nil {
			fmt.Printf("FAIL %s: strict decode: %v\n", label, err)
			failed++
			continue
		}
		meta := obj.(interface{ GetName() string })
		label = p.resource + "/" + meta.GetName()
		tk := obj.GetObjectKind().GroupVersionKind()
		wantGV := gv.Group
		if wantGV == "" {
			wantGV = "core"
		}
		if tk.GroupVersion() != gv || tk.Kind != kind || p.gv != wantGV+"/"+gv.Version {
			fmt.Printf("FAIL %s: apiVersion/kind %s, want %s %s\n", label, tk, gv, kind)
			failed++
			continue
		}
		enc, err := kubeadmutil.MarshalToYaml(obj, gv)
		if err != nil {
			fmt.Printf("FAIL %s: encode: %v\n", label, err)
			failed++
			continue
		}
		if !bytes.Equal(enc, p.yaml) {
			fmt.Printf("FAIL %s: printed bytes are not Go's encoding of the decoded object\n", label)
			failed++
			continue
		}
		if refs != nil {
			if created >= len(refs) {
				fmt.Printf("FAIL %s: kubeadm creates no object at this position\n", label)
				failed++
				continue
			}
			want := refs[created].DeepCopyObject()
			// The typed objects kubeadm hands to the client carry no TypeMeta.
			obj.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
			want.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
			if !apiequality.Semantic.DeepEqual(obj, want) {
				wy, _ := yaml.Marshal(want)
				gy, _ := yaml.Marshal(obj)
				fmt.Printf("FAIL %s: differs from kubeadm's object\n--- kubeadm\n%s--- ours\n%s", label, wy, gy)
				failed++
				created++
				continue
			}
		}
		created++
		fmt.Printf("ok   %s\n", label)
	}
	if refs != nil && created != len(refs) {
		fmt.Printf("FAIL kubeadm creates %d objects, we printed %d\n", len(refs), created)
		failed++
	}
	if failed > 0 {
		os.Exit(1)
	}
}
