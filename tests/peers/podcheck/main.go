// Command podcheck decodes every static Pod manifest given on the command line (files, or
// directories searched for *.yaml with "kind: Pod") strictly into a k8s.io/api v1.Pod:
// unknown or duplicate fields are errors. It then re-encodes the Pod as kubeadm does
// (JSON -> YAML) and reports a manifest whose bytes differ from that encoding.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	v1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func check(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var pod v1.Pod
	if err := yaml.UnmarshalStrict(data, &pod); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if pod.Kind != "Pod" || pod.APIVersion != "v1" {
		return fmt.Errorf("%s: not a v1 Pod: %s/%s", path, pod.APIVersion, pod.Kind)
	}
	j, err := json.Marshal(&pod)
	if err != nil {
		return err
	}
	y, err := yaml.JSONToYAML(j)
	if err != nil {
		return err
	}
	if !bytes.Equal(y, data) {
		return fmt.Errorf("%s: the bytes are not the Go encoding of the decoded Pod", path)
	}
	return nil
}

func main() {
	n, bad := 0, 0
	for _, arg := range os.Args[1:] {
		_ = filepath.Walk(arg, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return nil
			}
			b, _ := os.ReadFile(p)
			if !bytes.Contains(b, []byte("\nkind: Pod\n")) {
				return nil
			}
			n++
			if err := check(p); err != nil {
				fmt.Println("FAIL", err)
				bad++
			}
			return nil
		})
	}
	fmt.Printf("%d manifests checked, %d failed\n", n, bad)
	if bad > 0 || n == 0 {
		os.Exit(1)
	}
}
