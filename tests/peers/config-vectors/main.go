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

// shape describes how encoding/json decodes and encodes a type:
//   struct: {"n": Go name, "t": type string, "f": {json name: {"o": omitempty, "p": pointer, "s": shape}}}
//   slice:  {"l": element shape, "t": type string}
//   map:    {"m": value shape, "t": type string}
//   other:  {"k": kind (string, bool, int, uint, float, duration, any), "t": type string}
func shape(t reflect.Type) map[string]interface{} {
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		if t.String() == "v1.Duration" {
			return map[string]interface{}{"k": "duration", "t": t.String()}
		}
		return map[string]interface{}{"k": "any", "t": t.String()}
	}
	switch t.Kind() {
	case reflect.Struct:
		f := map[string]interface{}{}
		addFields(t, f)
		return map[string]interface{}{"n": t.Name(), "t": t.String(), "f": f}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]interface{}{"k": "string", "t": t.String()}
		}
		return map[string]interface{}{"l": shape(t.Elem()), "t": t.String()}
	case reflect.Map:
		return map[string]interface{}{"m": shape(t.Elem()), "t": t.String()}
	case reflect.Interface:
		return map[string]interface{}{"k": "any", "t": t.String()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return map[string]interface{}{"k": "int", "t": t.String(), "b": t.Bits()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]interface{}{"k": "uint", "t": t.String(), "b": t.Bits()}
	case reflect.Float32, reflect.Float64:
		return map[string]interface{}{"k": "float", "t": t.String()}
	default:
		return map[string]interface{}{"k": t.Kind().String(), "t": t.String()}
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
		m[name] = map[string]interface{}{
			"o": strings.Contains(tag, ",omitempty"),
			"p": f.Type.Kind() == reflect.Ptr,
			"s": shape(f.Type),
		}
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
