// Prints, for the component configs kubeadm carries (KubeletConfiguration,
// KubeProxyConfiguration): the JSON that Go's encoding/json produces for the zero-valued
// struct (the skeleton kubeadm marshals before any defaulting), and the "shape" of the
// struct for strict decoding: {"field": shape}, [elem] for slices, {"*": value} for maps,
// "any" for types with their own UnmarshalJSON, else the Go kind name. Input for
// src/config/componentconfigs.c.
package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	kubeproxyconfig "k8s.io/kube-proxy/config/v1alpha1"
	kubeletconfig "k8s.io/kubelet/config/v1beta1"
)

var unmarshaler = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

func shape(t reflect.Type) interface{} {
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		return "any"
	}
	switch t.Kind() {
	case reflect.Struct:
		m := map[string]interface{}{}
		addFields(t, m)
		return m
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string"
		}
		return []interface{}{shape(t.Elem())}
	case reflect.Map:
		return map[string]interface{}{"*": shape(t.Elem())}
	case reflect.Interface:
		return "any"
	default:
		return t.Kind().String()
	}
}

func addFields(t reflect.Type, m map[string]interface{}) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name := strings.Split(tag, ",")[0]
		if name == "-" {
			continue
		}
		if f.Anonymous && (name == "" || strings.Contains(tag, "inline")) {
			ft := f.Type
			for ft.Kind() == reflect.Ptr {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(ft, m)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = shape(f.Type)
	}
}

func main() {
	k, _ := json.Marshal(&kubeletconfig.KubeletConfiguration{})
	fmt.Println(string(k))
	p, _ := json.Marshal(&kubeproxyconfig.KubeProxyConfiguration{})
	fmt.Println(string(p))
	ks, _ := json.Marshal(shape(reflect.TypeOf(kubeletconfig.KubeletConfiguration{})))
	fmt.Println(string(ks))
	ps, _ := json.Marshal(shape(reflect.TypeOf(kubeproxyconfig.KubeProxyConfiguration{})))
	fmt.Println(string(ps))
}
