// Command difflibvec writes the unified-diff vectors that src/util/difflib-test.c checks:
// inputs and the exact output of github.com/pmezard/go-difflib (the version kubeadm v1.37.2
// links), GetUnifiedDiffString and SplitLines as `kubeadm upgrade diff` calls them, over the
// library's own test inputs, kubeadm-shaped manifests with edits, and random line sequences
// from a fixed seed (small alphabets for many repeats, and inputs of 200 lines and more, where
// SequenceMatcher's autojunk drops popular lines).
//
// Usage: cd tests/peers && go run ./difflibvec ../vectors/difflib
package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

type vector struct {
	Name     string   `json:"name"`
	Op       string   `json:"op"` // unified, split
	In       string   `json:"in,omitempty"`
	A        []string `json:"a,omitempty"`
	B        []string `json:"b,omitempty"`
	FromFile string   `json:"fromFile,omitempty"`
	FromDate string   `json:"fromDate,omitempty"`
	ToFile   string   `json:"toFile,omitempty"`
	ToDate   string   `json:"toDate,omitempty"`
	Eol      string   `json:"eol,omitempty"`
	Context  int      `json:"context"`
	Out      string   `json:"out"`
	Lines    []string `json:"lines,omitempty"`
}

var vectors []vector

func unified(name string, a, b []string, from, to string, context int) {
	d := difflib.UnifiedDiff{A: a, B: b, FromFile: from, ToFile: to, Context: context}
	out, err := difflib.GetUnifiedDiffString(d)
	if err != nil {
		panic(err)
	}
	vectors = append(vectors, vector{Name: name, Op: "unified", A: a, B: b, FromFile: from,
		ToFile: to, Context: context, Out: out})
}

func split(name, s string) {
	vectors = append(vectors, vector{Name: name, Op: "split", In: s, Lines: difflib.SplitLines(s)})
}

func chars(s string) []string {
	var out []string
	for _, c := range s {
		out = append(out, string(c))
	}
	return out
}

const manifest = `apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: 10.0.0.1:6443
  labels:
    component: kube-apiserver
    tier: control-plane
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --advertise-address=10.0.0.1
    - --allow-privileged=true
    - --authorization-mode=Node,RBAC
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --enable-admission-plugins=NodeRestriction
    - --enable-bootstrap-token-auth=true
    - --secure-port=6443
    image: registry.k8s.io/kube-apiserver:v1.37.2
    imagePullPolicy: IfNotPresent
    livenessProbe:
      failureThreshold: 8
      httpGet:
        host: 10.0.0.1
        path: /livez
        port: 6443
        scheme: HTTPS
    name: kube-apiserver
    resources:
      requests:
        cpu: 250m
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
status: {}
`

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: difflibvec OUTDIR")
		os.Exit(2)
	}
	// the library's own tests (difflib_test.go)
	a := "one\ntwo\nthree\nfour\nfmt.Printf(\"%s,%T\",a,b)"
	b := "zero\none\nthree\nfour"
	for _, c := range []int{-1, 0, 1, 3} {
		unified(fmt.Sprintf("example-%d", c), difflib.SplitLines(a), difflib.SplitLines(b), "Original", "Current", c)
	}
	d := difflib.UnifiedDiff{A: difflib.SplitLines(a), B: difflib.SplitLines(b), FromFile: "Original",
		FromDate: "2005-01-26 23:30:50", ToFile: "Current", ToDate: "2010-04-02 10:20:52", Context: 3}
	out, _ := difflib.GetUnifiedDiffString(d)
	vectors = append(vectors, vector{Name: "example-dates", Op: "unified", A: d.A, B: d.B, FromFile: d.FromFile,
		FromDate: d.FromDate, ToFile: d.ToFile, ToDate: d.ToDate, Context: 3, Out: out})
	d = difflib.UnifiedDiff{A: []string{"one", "two"}, B: []string{"one", "2"}, FromFile: "a", ToFile: "b", Eol: "\r\n", Context: 3}
	out, _ = difflib.GetUnifiedDiffString(d)
	vectors = append(vectors, vector{Name: "eol", Op: "unified", A: d.A, B: d.B, FromFile: "a", ToFile: "b", Eol: "\r\n", Context: 3, Out: out})
	unified("empty-lists", []string{}, []string{}, "Original", "Current", 3)
	unified("empty-a", []string{}, []string{"x\n"}, "a", "b", 3)
	unified("empty-b", []string{"x\n"}, []string{}, "a", "b", 0)
	unified("omit-filenames", difflib.SplitLines("o\nn\ne\n"), difflib.SplitLines("t\nw\no\n"), "", "", 3)
	unified("ascii-one-insert", chars(strings.Repeat("b", 100)), chars("a"+strings.Repeat("b", 100)), "x", "y", 3)
	unified("ascii-one-insert-2", chars(strings.Repeat("b", 100)), chars(strings.Repeat("b", 50)+"a"+strings.Repeat("b", 50)), "x", "y", 3)
	unified("ascii-delete", chars("a"+strings.Repeat("b", 40)+"c"+strings.Repeat("b", 40)),
		chars(strings.Repeat("b", 40)+"c"+strings.Repeat("b", 40)), "x", "y", 3)
	unified("ascii-bjunk", chars(strings.Repeat("a", 40)+strings.Repeat("b", 40)),
		chars(strings.Repeat("a", 44)+strings.Repeat("b", 40)+strings.Repeat(" ", 20)), "x", "y", 3)
	unified("ascii-300", chars(strings.Repeat("ab", 150)), chars(strings.Repeat("ba", 150)+"c"), "x", "y", 2)
	unified("grouped", chars("abcdefghijklmnopqrstuvwxyz"+strings.Repeat("1", 20)+"ABC"),
		chars("abcdeFghijklmnOpqrstuvwxyz"+strings.Repeat("1", 20)+"AbC"), "x", "y", 3)
	for _, s := range []string{"", "a", "a\n", "a\nb", "a\nb\n", "\n\n", "a\r\nb"} {
		split(fmt.Sprintf("split-%q", s), s)
	}

	// kubeadm upgrade diff's shape: a manifest file against a new one, split by SplitLines
	edits := map[string]string{
		"same":    manifest,
		"image":   strings.Replace(manifest, "v1.37.2", "v1.37.1", 1),
		"flag":    strings.Replace(manifest, "    - --secure-port=6443\n", "    - --secure-port=6443\n    - --v=2\n", 1),
		"removed": strings.Replace(manifest, "    - --allow-privileged=true\n", "", 1),
		"two":     strings.Replace(strings.Replace(manifest, "cpu: 250m", "cpu: 300m", 1), "10.0.0.1:6443", "10.0.0.2:6443", 1),
		"notrail": strings.TrimSuffix(manifest, "\n"),
		"empty":   "",
	}
	for _, name := range []string{"same", "image", "flag", "removed", "two", "notrail", "empty"} {
		for _, c := range []int{0, 1, 3, 100} {
			unified(fmt.Sprintf("manifest-%s-%d", name, c), difflib.SplitLines(edits[name]), difflib.SplitLines(manifest),
				"/etc/kubernetes/manifests/kube-apiserver.yaml", "new manifest", c)
		}
	}

	rnd := rand.New(rand.NewSource(11))
	lines := func(n, alphabet int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("l%d\n", rnd.Intn(alphabet))
		}
		return out
	}
	mutate := func(in []string, alphabet int) []string {
		out := append([]string(nil), in...)
		for k := rnd.Intn(6); k >= 0; k-- {
			i := 0
			if len(out) > 0 {
				i = rnd.Intn(len(out))
			}
			switch rnd.Intn(3) {
			case 0:
				if len(out) > 0 {
					out = append(out[:i], out[i+1:]...)
				}
			case 1:
				out = append(out[:i], append([]string{fmt.Sprintf("l%d\n", rnd.Intn(alphabet))}, out[i:]...)...)
			case 2:
				if len(out) > 0 {
					out[i] = fmt.Sprintf("l%d\n", rnd.Intn(alphabet))
				}
			}
		}
		return out
	}
	for i := 0; i < 300; i++ {
		n, alphabet := rnd.Intn(40), 2+rnd.Intn(20)
		if i%10 == 0 {
			n = 200 + rnd.Intn(150) // autojunk: popular lines of b leave the index
		}
		x := lines(n, alphabet)
		y := mutate(x, alphabet)
		if i%4 == 0 {
			y = lines(rnd.Intn(40), alphabet)
		}
		unified(fmt.Sprintf("random-%03d", i), x, y, "a", "b", rnd.Intn(6)-1)
	}

	buf, err := json.MarshalIndent(vectors, "", " ")
	if err != nil {
		panic(err)
	}
	if err := os.MkdirAll(os.Args[1], 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(os.Args[1], "vectors.json"), append(buf, '\n'), 0o644); err != nil {
		panic(err)
	}
	fmt.Fprintf(os.Stderr, "%d vectors\n", len(vectors))
}
