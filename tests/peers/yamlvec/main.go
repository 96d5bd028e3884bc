// Command yamlvec writes the YAML <-> JSON test vectors that src/util/yaml-test.c checks:
// every case runs through the Go code that Kubernetes and kubeadm use (sigs.k8s.io/yaml,
// go.yaml.in/yaml/v2, k8s.io/apimachinery's YAMLReader, encoding/json, evanphx merge patch)
// and the exact output or error text is recorded.
//
// Usage: cd tests/peers && go run ./yamlvec ../vectors/yaml
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode/utf8"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

type vector struct {
	Name  string   `json:"name"`
	Op    string   `json:"op"`
	In    string   `json:"in"`
	InB64 string   `json:"in_b64,omitempty"`
	Out   *string  `json:"out,omitempty"`
	Err   *string  `json:"err,omitempty"`
	SOut  *string  `json:"strict_out,omitempty"`
	SErr  *string  `json:"strict_err,omitempty"`
	Docs  []string `json:"docs,omitempty"`
	Patch string   `json:"patch,omitempty"`
	Pfx   string   `json:"prefix,omitempty"`
	// Go's own output varies between runs (go-yaml sorts keys taken in random map order with a
	// comparison that is not transitive for some digit/punctuation mixes): every output seen.
	Nondet bool     `json:"nondeterministic,omitempty"`
	Outs   []string `json:"outs,omitempty"`
	Ind   string   `json:"indent,omitempty"`
}

var vectors []vector

func sp(s string) *string { return &s }

func setIn(v *vector, in string) {
	if utf8.ValidString(in) {
		v.In = in
	} else {
		v.InB64 = base64.StdEncoding.EncodeToString([]byte(in))
	}
}

func y2j(name, in string) {
	v := vector{Name: name, Op: "y2j"}
	setIn(&v, in)
	if out, err := yaml.YAMLToJSON([]byte(in)); err != nil {
		v.Err = sp(err.Error())
	} else {
		v.Out = sp(string(out))
	}
	if out, err := yaml.YAMLToJSONStrict([]byte(in)); err != nil {
		v.SErr = sp(err.Error())
	} else {
		v.SOut = sp(string(out))
	}
	vectors = append(vectors, v)
}

func j2y(name, in string) {
	v := vector{Name: name, Op: "j2y", In: in}
	if out, err := yaml.JSONToYAML([]byte(in)); err != nil {
		v.Err = sp(err.Error())
	} else {
		v.Out = sp(string(out))
		seen := map[string]bool{string(out): true}
		v.Outs = []string{string(out)}
		for i := 0; i < 200; i++ {
			o, _ := yaml.JSONToYAML([]byte(in))
			if !seen[string(o)] {
				seen[string(o)] = true
				v.Outs = append(v.Outs, string(o))
			}
		}
		if len(v.Outs) > 1 {
			v.Nondet = true
			sortStrings(v.Outs)
		} else {
			v.Outs = nil
		}
	}
	vectors = append(vectors, v)
}

// yaml -> json -> yaml: the round trip kubeadm does when it reads and prints a config.
func roundtrip(name, in string) {
	j, err := yaml.YAMLToJSON([]byte(in))
	if err != nil {
		panic(err)
	}
	y2j(name, in)
	j2y(name+"/back", string(j))
}

func split(name, in string) {
	v := vector{Name: name, Op: "split", In: in}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewBufferString(in)))
	docs := []string{}
	for {
		b, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			v.Err = sp(err.Error())
			break
		}
		if len(b) == 0 {
			break
		}
		docs = append(docs, string(b))
	}
	if v.Err == nil {
		v.Docs = docs
	}
	vectors = append(vectors, v)
}

func jindent(name, in, prefix, indent string) {
	var obj interface{}
	if err := json.Unmarshal([]byte(in), &obj); err != nil {
		panic(fmt.Sprintf("%s: %v", name, err))
	}
	out, err := json.MarshalIndent(obj, prefix, indent)
	if err != nil {
		panic(err)
	}
	vectors = append(vectors, vector{Name: name, Op: "jindent", In: in, Pfx: prefix, Ind: indent, Out: sp(string(out))})
	out, err = json.Marshal(obj)
	if err != nil {
		panic(err)
	}
	vectors = append(vectors, vector{Name: name + "/compact", Op: "jcompact", In: in, Out: sp(string(out))})
}

func jpatch(name, doc, patch string) {
	v := vector{Name: name, Op: "jpatch", In: doc, Patch: patch}
	p, err := jsonpatch.DecodePatch([]byte(patch))
	var out []byte
	if err == nil {
		out, err = p.Apply([]byte(doc))
	}
	if err != nil {
		v.Err = sp(err.Error())
	} else {
		var obj interface{}
		if err := json.Unmarshal(out, &obj); err != nil {
			panic(err)
		}
		out, _ = json.Marshal(obj)
		v.Out = sp(string(out))
	}
	vectors = append(vectors, v)
}

func merge(name, target, patch string) {
	out, err := jsonpatch.MergePatch([]byte(target), []byte(patch))
	// (re-encoded below with sorted keys)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", name, err))
	}
	// Normalise through encoding/json: sorted keys, compact.
	var obj interface{}
	if err := json.Unmarshal(out, &obj); err != nil {
		panic(err)
	}
	out, _ = json.Marshal(obj)
	vectors = append(vectors, vector{Name: name, Op: "merge", In: target, Patch: patch, Out: sp(string(out))})
}

// Plain scalars, each tried as a value, as a key and in a flow sequence.
var scalars = []string{
	"", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "false", "False", "FALSE",
	"yes", "Yes", "YES", "yEs", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
	"y", "Y", "n", "N", "t", "f", "0", "1", "-1", "+1", "007", "0o17", "0O17", "017", "08", "0x1F",
	"0X1f", "0xG", "-0x10", "0b1010", "-0b101", "0b2", "1_000", "1__0", "_1", "1_", "9223372036854775807",
	"9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
	"18446744073709551616", "123456789012345678901234567890", "1.5", "-1.5", "+1.5", "1.", ".5",
	"-.5", "1e3", "1E3", "1e+3", "1e-3", "1.0", "1.0e10", "6.02e23", "1e21", "1e20", "1e-7",
	"0.000001", "1.2.3", "1e", "e3", ".inf", ".Inf", ".INF", "+.inf", "-.inf", "-.Inf", ".nan",
	".NaN", "inf", "nan", "Infinity", "1:20", "190:20:30", "1:2:3.5", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
	"2001-12-14 21:59:43.10", "2002-12-14T21:59:43Z", "2026-1-2", "1234-56", "v1", "1.23.0", "10.96.0.0/12",
	"192.168.0.1", "6443", "0.0.0.0", "::1", "fe80::1", "a b", "a  b", "foo#bar", "foo #bar", "a:b",
	"http://example.com:8080/path", "-", "--", "-a", "?", "?a", "!", "&a", "*", "@", "`", "%",
	"<<", "=", "'", "\"", "a'b", "a\"b", "10m0s", "2h", "kubeadm-token", "abcdef.0123456789abcdef",
	"é", "日本語", "emoji 🙂", "Ünïcödé", "1e400", "-1e400", "0.1", "3.14159265358979323846",
	"1.7976931348623157e308", "5e-324", "4.9e-324", "100000000000000000000", "1000000", "1e6", "0.0", "-0", "-0.0",
}

// Strings for the JSON -> YAML direction (each as a value and as a key).
var jstrings = []string{
	"", " ", "  ", "a", " a", "a ", "a b", "a\nb", "a\n", "a\n\n", "\n", "\na", "a\n b", "a \nb", " a\nb",
	"a\tb", "\t", "a\rb", "a\r\nb", "a\u0000b", "\u0007", "\u007f", "\u0085", "\u00a0", "\u2028", "\u2029",
	"\ufeff", "\ufffe", "é", "日本語", "🙂", "a🙂b", "true", "false", "yes", "no", "on", "off", "y", "n", "Y",
	"null", "~", "Null", "1", "-1", "1.5", "1e3", ".inf", ".nan", "0x1F", "0o17", "0b101", "1_000", "1:20",
	"190:20:30", "2001-12-14", "2001-12-14 21:59:43.10", "2026-1-2", "1234-56", "-", "--", "---", "---a",
	"...", "- a", "-a", "? a", "?a", ": a", ":a", "a:", "a: b", "a:b", "a #b", "a#b", "#a", "&a", "*a",
	"!a", "|a", ">a", "'a", "\"a", "%a", "@a", "`a", "{a", "}a", "[a", "]a", ",a", "a,b", "a[b]", "a{b}",
	"<<", "=", "'", "\"", "\\", "a\\b", "<>&", "http://example.com:8080/p?q=1#f", "10.96.0.0/12",
	"/etc/kubernetes/pki", "registry.k8s.io/pause:3.10", "--port=6443", "a'b", "a\"b",
	"sha256:abcdef0123456789", "abcdef.0123456789abcdef", "line1\nline2\nline3\n",
	"  leading\nspaces", "trailing  \nspaces", "tab\tin\nblock", "multi\n\n\nblank", "end\n\n\n",
	"#comment\nnext", "- item\n- item2\n", "  indented\n", "\n\nleading newlines",
	strings.Repeat("word ", 30), strings.Repeat("x", 100), strings.Repeat("ab ", 40) + "end",
	"short words then a very long token " + strings.Repeat("y", 90) + " and more words after it here",
	strings.Repeat("long line with spaces ", 6) + "\nsecond line " + strings.Repeat("z ", 50),
	strings.Repeat("日本語 ", 40), "a  b  c", "a   " + strings.Repeat("b ", 45),
	"ends with space " + strings.Repeat("q ", 40) + " ", strings.Repeat("a\\ ", 40),
	"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: yamlvec <outdir>")
		os.Exit(2)
	}
	outdir := os.Args[1]

	for i, s := range scalars {
		y2j(fmt.Sprintf("scalar-value-%03d", i), "v: "+s+"\n")
		y2j(fmt.Sprintf("scalar-key-%03d", i), s+": v\n")
		y2j(fmt.Sprintf("scalar-flow-%03d", i), "["+s+"]\n")
		y2j(fmt.Sprintf("scalar-single-%03d", i), "v: '"+strings.ReplaceAll(s, "'", "''")+"'\n")
	}
	for i, s := range jstrings {
		b, _ := json.Marshal(s)
		j2y(fmt.Sprintf("string-value-%03d", i), `{"v":`+string(b)+`}`)
		j2y(fmt.Sprintf("string-key-%03d", i), `{`+string(b)+`:1}`)
		j2y(fmt.Sprintf("string-item-%03d", i), `{"l":[`+string(b)+`]}`)
		// the emitted YAML must read back to the same JSON
		if y, err := yaml.JSONToYAML([]byte(`{"v":` + string(b) + `}`)); err == nil {
			y2j(fmt.Sprintf("string-back-%03d", i), string(y))
		}
	}

	// Documents and structure.
	docs := map[string]string{
		"empty":             "",
		"blank":             "\n\n",
		"comment-only":      "# nothing\n",
		"doc-start":         "---\na: 1\n",
		"doc-end":           "a: 1\n...\n",
		"two-docs":          "a: 1\n---\nb: 2\n",
		"bare-scalar":       "hello\n",
		"bare-int":          "42\n",
		"bare-seq":          "- a\n- b\n",
		"nested":            "a:\n  b:\n    c: [1, 2, {d: e}]\n  f: {}\n  g: []\n",
		"seq-of-maps":       "- name: a\n  value: 1\n- name: b\n  value: [x, y]\n",
		"indented-seq":      "a:\n  - 1\n  - 2\nb:\n- 3\n",
		"flow-map":          "{a: 1, b: [2, 3], c: {d: null}}\n",
		"json-input":        `{"kind":"Pod","apiVersion":"v1","spec":{"containers":[{"name":"c","args":["--x=1"]}]}}`,
		"literal":           "a: |\n  line1\n  line2\nb: x\n",
		"literal-keep":      "a: |+\n  line1\n\nb: x\n",
		"literal-strip":     "a: |-\n  line1\n  line2\n",
		"folded":            "a: >\n  folded\n  text\n\n  para\n",
		"folded-strip":      "a: >-\n  one\n  two\n",
		"double-escapes":    "a: \"tab\\there\\nnl \\u00e9 \\x41 \\\\ \\\" \\/\"\n",
		"single-escape":     "a: 'it''s'\n",
		"multiline-plain":   "a: one\n  two\n  three\n",
		"multiline-quoted":  "a: \"one\n  two\"\n",
		"anchors":           "base: &b {x: 1, y: 2}\nuse: *b\nlist: [*b, *b]\n",
		"anchor-scalar":     "a: &s hello\nb: *s\n",
		"merge":             "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n  z: 4\n",
		"merge-before":      "base: &b {x: 1, y: 2}\nderived:\n  y: 3\n  <<: *b\n",
		"merge-list":        "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n",
		"merge-inline":      "c:\n  <<: {x: 1}\n  y: 2\n",
		"merge-bad":         "a: &a [1]\nc:\n  <<: *a\n",
		"merge-scalar":      "c:\n  <<: 1\n",
		"merge-quoted":      "c:\n  '<<': 1\n",
		"unknown-anchor":    "a: *nope\n",
		"recursive-anchor":  "a: &a [*a]\n",
		"dup-key":           "a: 1\nb: 2\na: 3\n",
		"dup-key-nested":    "x:\n  foo: 1\n  bar: 2\n  foo: 3\n",
		"dup-key-int":       "1: a\n1: b\n",
		"dup-key-num-str":   "1: a\n\"1\": b\n",
		"dup-key-null":      "~: a\nnull: b\n",
		"dup-key-bool":      "true: a\nyes: b\n",
		"dup-key-float":     "1.5: a\n1.5: b\n",
		"dup-in-list":       "- a: 1\n  a: 2\n",
		"dup-two":           "a: 1\na: 2\nb: 1\nb: 2\n",
		"dup-merge":         "base: &b {x: 1}\nd:\n  x: 0\n  <<: *b\n",
		"null-key":          "~: a\n",
		"null-key-empty":    "? \n: a\n",
		"seq-key":           "[1, 2]: a\n",
		"map-key":           "{a: 1}: b\n",
		"complex-key":       "? a\n: b\n",
		"float-key":         "1.5: a\n0.1: b\n1e3: c\n1e7: d\n.inf: e\n-.inf: f\n.nan: g\n3.14159265358979: h\n",
		"bool-keys":         "true: a\nno: b\non: c\n",
		"int-keys":          "1: a\n-2: b\n0x10: c\n9223372036854775807: d\n18446744073709551615: e\n",
		"tags":              "a: !!str 123\nb: !!int \"42\"\nc: !!float 1\nd: !!bool yes\ne: !!null ''\nf: !custom x\n",
		"tag-bad-int":       "a: !!int abc\n",
		"tag-binary":        "a: !!binary aGVsbG8=\n",
		"tag-binary-bad":    "a: !!binary '@@@'\n",
		"tag-float-int":     "a: !!float 3\n",
		"tag-timestamp":     "a: !!timestamp 2001-12-14\n",
		"tag-seq":           "a: !!seq [1]\n",
		"tag-map":           "a: !!map {b: 1}\n",
		"tag-str-seq":       "a: !!str [1]\n",
		"directive":         "%YAML 1.1\n---\na: 1\n",
		"tab-indent":        "a:\n\tb: 1\n",
		"bad-mapping":       "a: b: c\n",
		"bad-mapping-3":     "a: 1\nb: 2\nc: d: e\n",
		"bad-indent":        "a:\n  b: 1\n c: 2\n",
		"bad-seq":           "a:\n- 1\n  - 2\n",
		"unclosed-flow":     "a: [1, 2\n",
		"unclosed-map":      "a: {b: 1\n",
		"unclosed-quote":    "a: \"abc\n",
		"unclosed-single":   "a: 'abc\n",
		"bad-escape":        "a: \"\\q\"\n",
		"bad-alias-char":    "a: *\n",
		"block-in-flow":     "[a: - b]\n",
		"only-colon":        ":\n",
		"key-no-value":      "a:\n",
		"keys-no-value":     "a:\nb:\n",
		"question-key":      "? |\n  multi\n  line\n: v\n",
		"crlf":              "a: 1\r\nb: two\r\n",
		"bom":               "\ufeffa: 1\n",
		"nul-char":          "a: \x00\n",
		"invalid-utf8":      "a: \xff\xfe\n",
		"control-char":      "a: \x01\n",
		"deep-flow":         strings.Repeat("[", 50) + strings.Repeat("]", 50) + "\n",
		"long-string":       "a: " + strings.Repeat("long ", 40) + "\n",
		"comment-after":     "a: 1 # one\nb: \"x\" # two\n",
		"hash-in-value":     "a: b#c\n",
		"colon-in-value":    "a: b:c\n",
		"url":               "server: https://1.2.3.4:6443\n",
		"empty-values":      "a: ''\nb: \"\"\nc:\nd: ~\n",
		"seq-nulls":         "- \n- ~\n-\n",
		"unicode-keys":      "ключ: значение\n日本: 語\n",
		"escaped-unicode":   "a: \"\\u2028\\u2029<>&\"\n",
		"html-chars":        "a: <b>&amp;</b>\n",
		"many-types":        "s: str\ni: 1\nf: 1.5\nb: true\nn: null\nl: [1, two, 3.0]\nm: {k: v}\n",
		"mixed-indent-seq":  "a:\n    - b\n    -   c: 1\n        d: 2\n",
		"yaml-in-string":    "a: \"b: c\"\n",
		"big-list":          "[" + strings.Repeat("1, ", 200) + "1]\n",
		"anchor-on-map":     "a: &m\n  b: 1\nc: *m\n",
		"alias-as-key":      "a: &k key\n*k : v\n",
		"flow-trailing":     "[1, 2, ]\n",
		"flow-map-empty-v":  "{a, b: }\n",
		"duplicate-anchor":  "a: &x 1\nb: &x 2\nc: *x\n",
		"document-markers":  "---\na: 1\n...\n---\nb: 2\n",
		"scalar-doc-start":  "--- text\n",
		"seq-in-seq":        "- - a\n  - b\n- - c\n",
		"tilde-key-seq":     "a: [~, null, '', \"\"]\n",
		"spaces-end":        "a: b   \n",
		"plain-with-quote":  "a: it's\n",
		"quoted-key":        "\"a b\": 1\n'c': 2\n",
		"number-like-keys":  "010: a\n0o10: b\n1_0: c\n",
		"escaped-squote":    "a: \"it\\'s\"\n",
		"escaped-slash-l3":  "a: 1\nb: 2\nc: \"x\\/y\"\n",
		"escape-x-u-U":      "a: \"\\x41\\u00e9\\U0001F642\\N\\_\\L\\P\\e\\0\\a\\b\\v\\f\\ \"\n",
		"flow-colon":        "[a:b, c: d]\n",
		"flow-question":     "[a?b, ?c]\n",
		"flow-map-question": "{? a: 1, b}\n",
		"flow-url":          "{url: http://x:80/y}\n",
		"flow-nested-map":   "[{a: 1}, {b: [2, {c: 3}]}]\n",
		"tab-after-colon":   "a:\t1\nb:\t\tx\n",
		"tab-in-flow":       "[1,\t2]\n",
		"tab-before-value":  "a: \tb\n",
		"trailing-tab":      "a: b\t\n",
		"key-with-spaces":   "a b c: d\n",
		"colon-no-space":    "a:b: c\n",
		"dash-value":        "a: -\nb: - x\n",
		"seq-dash-only":     "-\n- -\n",
		"indent-1":          "a:\n b:\n  c: 1\n",
		"seq-indent-mix":    "a:\n- b: 1\n  c: 2\n- d\n",
		"literal-indent":    "a: |2\n    two extra\n  base\n",
		"literal-trailing":  "a: |\n  x\n\n\n",
		"folded-more":       "a: >\n  one\n    indented\n  two\n",
		"plain-hash-space":  "a: b # c\nd: e#f\n",
		"single-multiline":  "a: 'one\n\n  two'\n",
		"double-line-esc":   "a: \"one \\\n  two\"\n",
		"anchor-in-seq":     "- &a 1\n- *a\n- &b [2]\n- *b\n",
		"merge-nested":      "a: &a {x: {y: 1}}\nb:\n  <<: *a\n  z: 2\n",
		"merge-chain":       "a: &a {x: 1}\nb: &b\n  <<: *a\n  y: 2\nc:\n  <<: *b\n  z: 3\n",
		"merge-tagged":      "a: &a {x: 1}\nb:\n  !!merge <<: *a\n",
		"merge-seq-bad":     "a: &a {x: 1}\nb:\n  <<: [*a, 1]\n",
		"merge-in-seq-key":  "- <<: {a: 1}\n  b: 2\n",
		"alias-undefined-later": "a: *b\nb: &b 1\n",
		"binary-multiline":  "a: !!binary |\n  aGVs\n  bG8=\n",
		"null-tag-value":    "a: !!null\n",
		"str-tag-empty":     "a: !!str\n",
		"int-tag-float":     "a: !!int 1.5\n",
		"float-tag-str":     "a: !!float abc\n",
		"bool-tag-int":      "a: !!bool 1\n",
		"local-tag":         "a: !local {b: 1}\n",
		"verbatim-tag":      "a: !<tag:yaml.org,2002:str> 1\n",
		"tag-directive":     "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
		"bad-directive":     "%FOO bar\n---\na: 1\n",
		"yaml-12-directive": "%YAML 1.2\n---\na: 1\n",
		"two-directives":    "%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
		"dup-anchor-key":    "a: 1\n? &k b\n: 2\n",
		"strict-dup-deep":   "a:\n  b:\n    c: 1\n    c: 2\n  b: 3\n",
		"strict-dup-seq":    "- {a: 1, a: 2}\n- {b: 1, b: 2}\n",
		"strict-dup-float":  "1e6: a\n1000000.0: b\n",
		"strict-dup-uint":   "18446744073709551615: a\n18446744073709551615: b\n",
		"strict-dup-nan":    ".nan: a\n.nan: b\n",
		"dup-key-quoted":    "\"a\": 1\na: 2\n",
		"error-line-5":      "a: 1\nb: 2\nc: 3\nd: 4\ne: [1\n",
		"error-line-bad-key": "a: 1\n- b\n",
		"error-seq-after-map": "- a\nb: c\n",
		"error-unclosed-late": "a:\n  b:\n    c: \"x\n",
		"error-indent-seq":  "a:\n  - b\n - c\n",
		"error-anchor-twice": "a: &x &y 1\n",
		"error-tag-twice":   "a: !!str !!str 1\n",
		"error-alias-anchor": "a: &x *y\n",
		"error-block-in-flow-key": "{a: [b, c}\n",
		"error-doc-marker-in-flow": "[a, --- b]\n",
		"error-bad-utf8-late": "a: 1\nb: \xc3\x28\n",
		"error-bom-mid":     "a: 1\n\ufeffb: 2\n",
		"error-ctrl-quoted": "a: \"\x01\"\n",
		"error-del-char":    "a: \x7f\n",
		"error-tab-key":     "\ta: 1\n",
		"error-percent-start": "%\n",
		"error-at-start":    "@a\n",
		"error-backtick":    "`a\n",
		"error-flow-end":    "]\n",
		"error-map-end":     "}\n",
		"error-comma":       ",a\n",
		"error-key-long":    strings.Repeat("k", 1100) + ": v\n",
		"error-two-docs-bad": "a: 1\n---\nb: [\n",
		"error-question-seq": "? - a\n: b\n",
		"error-literal-bad-indicator": "a: |x\n  b\n",
		"error-literal-less-indent": "a: |\n    x\n  y\n",
		"error-single-quote-eof": "'a",
		"error-double-quote-eof": "\"a",
		"error-dq-bad-hex":  "a: \"\\xZZ\"\n",
		"error-dq-bad-u":    "a: \"\\uD800\"\n",
		"many-docs-second-bad": "---\na: 1\n---\n[\n",
		"only-doc-end":      "...\n",
		"empty-flow-in-block": "a: []\nb: {}\nc: [[], {}]\n",
		"windows-crlf-literal": "a: |\r\n  x\r\n  y\r\nb: 1\r\n",
		"cr-only":           "a: 1\rb: 2\r",
		"big-int-key":       "123456789012345678901234567890: a\n",
		"neg-zero-key":      "-0: a\n-0.0: b\n",
		"exp-key":           "1e+3: a\n1.5e-3: b\n100000000: c\n",
		"bool-key-strict":   "yes: a\ntrue: b\n",
		"kubeadm-like":      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16\n  serviceSubnet: \"10.96.0.0/12\"\napiServer:\n  certSANs: [\"1.2.3.4\", example.com]\n  extraArgs:\n  - name: v\n    value: \"4\"\n",
	}
	names := make([]string, 0, len(docs))
	for k := range docs {
		names = append(names, k)
	}
	sortStrings(names)
	for _, k := range names {
		y2j("doc-"+k, docs[k])
	}

	// JSON -> YAML structures and numbers.
	jdocs := map[string]string{
		"null":            `null`,
		"true":            `true`,
		"int":             `42`,
		"neg":             `-7`,
		"string":          `"hi"`,
		"empty-string":    `""`,
		"empty-obj":       `{}`,
		"empty-arr":       `[]`,
		"arr":             `[1,"a",null,true,1.5,{},[]]`,
		"nested":          `{"a":{"b":{"c":[1,{"d":[[]]}]}},"e":[{"f":1,"g":[1,2]},[3,[4]]]}`,
		"seq-of-seq":      `[[1,2],[3],[]]`,
		"seq-of-maps":     `{"l":[{"a":1,"b":2},{"c":{"d":1}}]}`,
		"floats":          `{"a":1.0,"b":1.5,"c":1e3,"d":1e21,"e":1e-7,"f":0.000001,"g":123456789.123,"h":1e6,"i":100000000000000000000,"j":-0.0,"k":0.1,"l":3.14159265358979323846,"m":1e300,"n":5e-324}`,
		"ints":            `{"a":0,"b":-1,"c":9223372036854775807,"d":-9223372036854775808,"e":18446744073709551615,"f":123456789012345678901234567890}`,
		"key-order":       `{"b":1,"a":2,"A":3,"_":4,"1":5,"10":6,"2":7,"a10":8,"a2":9,"a1":10,"aa":11,"a-b":12,"a.b":13,"Z":14,"z":15,"é":16,"日":17,"a01":18,"a001":19,"a1b":20,"a01b":21,"":22," ":23,"a0":24,"a00":25,"x9y":26,"x10y":27,"x09y":28,"apiVersion":29,"kind":30,"metadata":31}`,
		"key-order-nums":  `{"v1":1,"v10":1,"v2":1,"v1beta1":1,"v1alpha2":1,"v1beta10":1,"v1beta2":1,"k8s":1,"k3s":1,"10.0.0.1":1,"10.0.0.10":1,"10.0.0.2":1,"0":1,"00":1,"007":1,"7":1,"1a":1,"1b":1,"a1":1,"a 1":1,"a_1":1}`,
		"key-order-mixed": `{"ab":1,"aB":1,"Ab":1,"AB":1,"a":1,"b":1,"-a":1,"/a":1,"~a":1,"ä":1,"α":1,"ωa":1,"9":1,"99":1,"9a":1}`,
		"html":            `{"a":"<script>&","b":"\u2028"}`,
		"deep":            `{"a":` + strings.Repeat(`{"b":`, 20) + `1` + strings.Repeat(`}`, 20) + `}`,
		"list-in-list-in-map": `{"a":[[1,2],[{"b":[3]}]]}`,
		"map-with-empty":  `{"a":{},"b":[],"c":"","d":null,"e":[{}],"f":[[]],"g":{"h":{}}}`,
		"long-key":        `{"` + strings.Repeat("k", 130) + `":1}`,
		"long-key-spaces": `{"` + strings.Repeat("key word ", 15) + `":1}`,
		"multiline-key":   `{"a\nb":1}`,
		"dup-keys":        `{"a":1,"a":2}`,
		"bad-json":        `{"a":}`,
		"long-values":     `{"a":{"b":{"c":"` + strings.Repeat("lorem ipsum ", 12) + `","d":["` + strings.Repeat("dolor sit ", 12) + `"]}}}`,
		"long-nospace":    `{"a":"` + strings.Repeat("x", 200) + `","b":["` + strings.Repeat("y", 85) + ` z"]}`,
		"long-quoted":     `{"a":"true ` + strings.Repeat("word ", 20) + `","b":"` + strings.Repeat("quo'te ", 15) + `: x"}`,
		"long-double":     `{"a":"` + strings.Repeat("tab\tbed ", 15) + `","b":" ` + strings.Repeat("lead ", 20) + `"}`,
		"long-literal":    `{"a":"` + strings.Repeat("line with words ", 8) + `\nsecond\n","b":{"c":"x\n` + strings.Repeat("y ", 60) + `"}}`,
		"long-key-item":   `[{"` + strings.Repeat("key ", 25) + `":1}]`,
		"cert-data":       `{"client-certificate-data":"` + strings.Repeat("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", 30) + `"}`,
		"kubeconfig":      `{"apiVersion":"v1","clusters":[{"cluster":{"certificate-authority-data":"QUJD","server":"https://10.0.0.1:6443"},"name":"kubernetes"}],"contexts":[{"context":{"cluster":"kubernetes","user":"kubernetes-admin"},"name":"kubernetes-admin@kubernetes"}],"current-context":"kubernetes-admin@kubernetes","kind":"Config","preferences":{},"users":[{"name":"kubernetes-admin","user":{"client-certificate-data":"QUJD","client-key-data":"REVG"}}]}`,
		"unicode-values":  `{"a":"日本語テキスト","b":"emoji 🙂 here","c":"é","d":"\u00e9\u0301","e":"\ufeffbom","f":"\ufffe","g":"\u00ad","h":"\u200b"}`,
		"special-starts":  `{"a":"- x","b":"? x","c":": x","d":"# x","e":"& x","f":"* x","g":"! x","h":"| x","i":"> x","j":"% x","k":"@ x","l":"`+"`"+` x","m":"{x","n":"[x","o":"'x","p":"\"x"}`,
		"special-inside":  `{"a":"x: y","b":"x #y","c":"x, y","d":"x[y]","e":"x{y}","f":"x?y","g":"x-y","h":"x:y","i":"x#y","j":"x'y","k":"x\"y","l":"x|y","m":"x>y","n":"x&y","o":"x*y","p":"x!y"}`,
		"special-ends":    `{"a":"x:","b":"x ","c":"x,","d":"x?","e":"x-","f":"x#","g":"x\t","h":"x\n","i":"x\r","j":"x\\"}`,
		"numbers-as-strings": `{"a":"0","b":"-0","c":"+1","d":"0.5","e":".5","f":"5.","g":"1e5","h":"1E5","i":"0x10","j":"0o10","k":"0b10","l":"010","m":"1_000","n":"1,000","o":"1.2.3","p":"12:30","q":"12:30:45","r":"1:2","s":"-1:30","t":"+.inf","u":"NaN","v":"Infinity","w":"1e","x":"08","y":"09.5","z":"2026-01-02T03:04:05Z"}`,
		"bools-as-strings": `{"a":"y","b":"Y","c":"n","d":"N","e":"yes","f":"Yes","g":"YES","h":"on","i":"On","j":"ON","k":"off","l":"true","m":"True","n":"TRUE","o":"tRUE","p":"false","q":"null","r":"Null","s":"NULL","t":"~","u":"nil","v":"none","w":"t","x":"f"}`,
		"nested-empty-seq-in-seq": `[[[]],[{}],[[{}]]]`,
		"seq-of-long":     `["` + strings.Repeat("a ", 50) + `","` + strings.Repeat("b", 100) + `"]`,
		"deep-seq-maps":   `{"a":[{"b":[{"c":[{"d":"e"}]}]}]}`,
	}
	names = names[:0]
	for k := range jdocs {
		names = append(names, k)
	}
	sortStrings(names)
	for _, k := range names {
		j2y("json-"+k, jdocs[k])
	}

	// Round trips of real Kubernetes documents, when the reference kubeadm is built.
	kubeadm := "/var/cache/ckubeadm/peers/k8s-v1.37.2/kubeadm"
	for _, args := range [][]string{
		{"config", "print", "init-defaults", "--component-configs", "KubeletConfiguration,KubeProxyConfiguration"},
		{"config", "print", "join-defaults"},
		{"config", "print", "reset-defaults"},
		{"config", "print", "upgrade-defaults"},
	} {
		out, err := exec.Command(kubeadm, args...).Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "skipping kubeadm %v: %v\n", args, err)
			continue
		}
		name := "kubeadm-" + args[2]
		split(name, string(out))
		r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
		for i := 0; ; i++ {
			b, err := r.Read()
			if err != nil {
				break
			}
			roundtrip(fmt.Sprintf("%s-doc%d", name, i), string(b))
		}
	}
	roundtrip("manifest-like", `apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: 10.0.0.1:6443
  creationTimestamp: null
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
    image: registry.k8s.io/kube-apiserver:v1.37.2
    livenessProbe:
      failureThreshold: 8
      httpGet:
        host: 10.0.0.1
        path: /livez
        port: probe-port
        scheme: HTTPS
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 15
    name: kube-apiserver
    resources:
      requests:
        cpu: 250m
    volumeMounts:
    - mountPath: /etc/ssl/certs
      name: ca-certs
      readOnly: true
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - hostPath:
      path: /etc/ssl/certs
      type: DirectoryOrCreate
    name: ca-certs
status: {}
`)

	// Document splitting (kubeadm's SplitConfigDocuments reader).
	splits := map[string]string{
		"empty":           "",
		"one":             "a: 1\n",
		"one-no-nl":       "a: 1",
		"two":             "a: 1\n---\nb: 2\n",
		"leading-sep":     "---\na: 1\n",
		"trailing-sep":    "a: 1\n---\n",
		"double-sep":      "a: 1\n---\n---\nb: 2\n",
		"sep-comment":     "a: 1\n--- # comment\nb: 2\n",
		"sep-spaces":      "a: 1\n---   \nb: 2\n",
		"sep-text":        "a: 1\n--- b: 2\n",
		"sep-dashes":      "a: 1\n----\nb: 2\n",
		"sep-indented":    "a: 1\n ---\nb: 2\n",
		"sep-in-string":   "a: |\n  ---\nb: 2\n",
		"dots":            "a: 1\n...\nb: 2\n",
		"crlf":            "a: 1\r\n---\r\nb: 2\r\n",
		"comment-doc":     "# c\n---\na: 1\n",
		"blank-doc":       "\n---\na: 1\n",
		"only-seps":       "---\n---\n",
		"no-trailing-nl":  "a: 1\n---\nb: 2",
		"sep-tab-comment": "a: 1\n---\t#x\nb: 2\n",
		"cr-only":         "a: 1\rb: 2\n",
		"long-line":       "a: " + strings.Repeat("x", 5000) + "\n---\nb: 2\n",
		"sep-nbsp":        "a: 1\n--- \u00a0\u3000\nb: 2\n",
		"sep-nbsp-text":   "a: 1\n---\u00a0x\u2003\nb: 2\n",
		"sep-vtab":        "a: 1\n---\v\f\nb: 2\n",
		"sep-invalid-utf8": "a: 1\n--- \xff\nb: 2\n",
		"sep-only-crlf":   "---\r\n---\r\n",
		"doc-with-dots":   "a: 1\n...\n---\nb: 2\n",
	}
	names = names[:0]
	for k := range splits {
		names = append(names, k)
	}
	sortStrings(names)
	for _, k := range names {
		split("split-"+k, splits[k])
	}

	// encoding/json MarshalIndent.
	jindent("obj", `{"b":1,"a":[1,2,{"c":null}],"e":{},"f":[],"g":"x"}`, "", "  ")
	jindent("prefix", `{"a":[1,{"b":2}]}`, ">", "\t")
	jindent("scalar", `"<a>&\u2028\u2029"`, "", "  ")
	jindent("escapes", `["\u0000\u0001\u001f\"\\/\b\f\n\r\t","\u007f","é","🙂"]`, "", "    ")
	jindent("numbers", `[0,-1,1.5,1e21,1e20,1e-7,0.000001,123456789,1e-6,-0.0,0.1,3.0,1e300,5e-324,9007199254740992]`, "", " ")
	jindent("empty", `{"a":{},"b":[],"c":[{}]}`, "", "  ")
	jindent("nested", `{"a":{"b":{"c":{"d":[[[]]]}}}}`, "", "  ")
	jindent("bools", `[true,false,null]`, "", "  ")

	// RFC 7386 merge patch (the examples of its appendix A, and a few more).
	// RFC 6902 JSON patch (evanphx v4, kubeadm's --patches "json").
	pod := `{"spec":{"containers":[{"name":"a","args":["x","y"]},{"name":"b"}],"hostNetwork":true},"metadata":{"name":"p","labels":{"a/b":"1","c~d":"2"}}}`
	for i, p := range []string{
		`[{"op":"add","path":"/spec/containers/0/args/-","value":"z"}]`,
		`[{"op":"add","path":"/spec/containers/0/args/0","value":"first"}]`,
		`[{"op":"add","path":"/spec/containers/0/args/2","value":"end"}]`,
		`[{"op":"add","path":"/spec/containers/0/args/3","value":"past"}]`,
		`[{"op":"add","path":"/spec/containers/0/args/-1","value":"neg"}]`,
		`[{"op":"add","path":"/spec/containers/0/args/-4","value":"neg"}]`,
		`[{"op":"add","path":"/spec/containers/0/args/x","value":"bad"}]`,
		`[{"op":"add","path":"/spec/new","value":{"k":[1,2]}}]`,
		`[{"op":"add","path":"/spec/missing/x","value":1}]`,
		`[{"op":"add","path":"","value":1}]`,
		`[{"op":"add","path":"/","value":1}]`,
		`[{"op":"add","path":"/metadata/labels/a~1b","value":"9"},{"op":"add","path":"/metadata/labels/c~0d","value":"8"}]`,
		`[{"op":"add","value":1}]`,
		`[{"op":"add","path":"/spec/v"}]`,
		`[{"op":"add","path":"/spec/v","value":null}]`,
		`[{"op":"remove","path":"/spec/hostNetwork"}]`,
		`[{"op":"remove","path":"/spec/nope"}]`,
		`[{"op":"remove","path":"/spec/containers/1"}]`,
		`[{"op":"remove","path":"/spec/containers/5"}]`,
		`[{"op":"remove","path":"/spec/containers/-1"}]`,
		`[{"op":"remove","path":"/spec/containers/x"}]`,
		`[{"op":"replace","path":"/spec/hostNetwork","value":false}]`,
		`[{"op":"replace","path":"/spec/nope","value":1}]`,
		`[{"op":"replace","path":"/spec/containers/1","value":{"name":"c"}}]`,
		`[{"op":"replace","path":"/spec/containers/2","value":{"name":"c"}}]`,
		`[{"op":"replace","path":"/spec/containers/-2","value":{"name":"c"}}]`,
		`[{"op":"replace","path":"","value":{"whole":true}}]`,
		`[{"op":"replace","path":"","value":3}]`,
		`[{"op":"replace","path":5,"value":3}]`,
		`[{"op":"move","from":"/spec/hostNetwork","path":"/metadata/hn"}]`,
		`[{"op":"move","from":"/spec/nope","path":"/metadata/hn"}]`,
		`[{"op":"move","from":"/spec/containers/0","path":"/spec/containers/-"}]`,
		`[{"op":"move","from":"/spec/hostNetwork","path":"/zz/hn"}]`,
		`[{"op":"move","path":"/x"}]`,
		`[{"op":"copy","from":"/metadata/labels","path":"/spec/labels"}]`,
		`[{"op":"copy","from":"/spec/containers/9","path":"/spec/x"}]`,
		`[{"op":"copy","from":"/spec/nope","path":"/spec/x"}]`,
		`[{"op":"copy","from":"/spec/hostNetwork"}]`,
		`[{"op":"copy","from":"/spec/hostNetwork","path":"/spec/containers/7"}]`,
		`[{"op":"test","path":"/spec/hostNetwork","value":true}]`,
		`[{"op":"test","path":"/spec/hostNetwork","value":false}]`,
		`[{"op":"test","path":"/spec/nope","value":null}]`,
		`[{"op":"test","path":"/spec/nope"}]`,
		`[{"op":"test","path":"/spec/nope","value":1}]`,
		`[{"op":"test","path":"/spec/containers/1","value":{"name":"b"}}]`,
		`[{"op":"test","path":"/nope/x","value":1}]`,
		`[{"op":"test","path":"/spec/containers/9","value":1}]`,
		`[{"op":"frob","path":"/a"}]`,
		`[{"path":"/a"}]`,
		`[null]`,
		`[]`,
		`{"op":"add"}`,
		`[{"op":"add","path":"/spec/containers/0/args/01","value":"lead0"}]`,
		`[{"op":"add","path":"/spec/containers/0/args/+1","value":"plus"}]`,
		`[{"op":"add","path":"/spec/containers/0/args/99999999999999999999","value":"big"}]`,
		`[{"op":"remove","path":"/spec/hostNetwork"},{"op":"remove","path":"/spec/hostNetwork"}]`,
		`[{"op":"add","path":"x/spec/y","value":1}]`,
		`[{"op":"add","path":"/spec/hostNetwork/x","value":1}]`,
	} {
		jpatch(fmt.Sprintf("jsonpatch-%02d", i), pod, p)
	}
	jpatch("jsonpatch-array-doc", `[1,2,3]`, `[{"op":"remove","path":"/0"},{"op":"add","path":"/-","value":4}]`)
	jpatch("jsonpatch-null-member", `{"a":null}`, `[{"op":"add","path":"/a/b","value":1}]`)

	merge("rfc-1", `{"a":"b"}`, `{"a":"c"}`)
	merge("rfc-2", `{"a":"b"}`, `{"b":"c"}`)
	merge("rfc-3", `{"a":"b"}`, `{"a":null}`)
	merge("rfc-4", `{"a":"b","b":"c"}`, `{"a":null}`)
	merge("rfc-5", `{"a":["b"]}`, `{"a":"c"}`)
	merge("rfc-6", `{"a":"c"}`, `{"a":["b"]}`)
	merge("rfc-7", `{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`)
	merge("rfc-8", `{"a":[{"b":"c"}]}`, `{"a":[1]}`)
	merge("rfc-9", `{"e":null}`, `{"a":1}`)
	merge("rfc-10", `{}`, `{"a":{"bb":{"ccc":null}}}`)
	merge("evanphx-prune-in-array", `{"a":[1]}`, `{"a":[{"x":null,"y":1},null]}`)
	merge("evanphx-obj-to-array", `{"a":{"b":1}}`, `{"a":[{"x":null},null]}`)
	merge("evanphx-new-key-nested-null", `{}`, `{"a":{"b":null,"c":{"d":null,"e":[{"f":null}]}}}`)
	merge("evanphx-scalar-to-obj", `{"a":1}`, `{"a":{"b":null,"c":2}}`)
	merge("evanphx-null-cur", `{"a":null}`, `{"a":{"b":null,"c":2}}`)
	merge("target-array", `[1,2]`, `{"a":null,"b":1}`)
	merge("patch-array", `{"a":1}`, `[{"x":null},null,3]`)
	merge("deep", `{"spec":{"containers":[{"name":"a"}],"x":{"y":1,"z":2}}}`, `{"spec":{"x":{"y":null,"w":3}}}`)

	randomCases()

	sortVectors()
	f, err := os.Create(filepath.Join(outdir, "vectors.json"))
	if err != nil {
		panic(err)
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", " ")
	if err := enc.Encode(vectors); err != nil {
		panic(err)
	}
	f.Close()
	fmt.Printf("%d vectors\n", len(vectors))
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func sortVectors() {}

// Random documents from a fixed seed: JSON trees with tricky strings for the emitter (quoting,
// folding at width 80 under various indents, key order) and YAML-ish line soup for the parser
// (error texts and line numbers).
var pieces = []string{"a", "b", "z", "0", "1", "9", " ", "  ", ":", ": ", "-", "- ", "#", " #", "'", "\"", "\n",
	"\n\n", "\t", "é", "日本", "🙂", "\\", "?", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "%", "@", "`",
	"yes", "no", "null", "~", "1.5", "0x1F", "1e3", ".inf", ".", "word", "longerword", "\r", "\u2028", "\u00a0",
	"true", "2001-01-01", "12:30", "--- ", "...", "<", "&amp;", "/", "=", "_", "0o7"}

func randString(r *rand.Rand) string {
	n := r.Intn(8)
	switch r.Intn(6) {
	case 0:
		n = 20 + r.Intn(60)
	case 1:
		n = 0
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		if r.Intn(3) == 0 {
			b.WriteString(pieces[r.Intn(len(pieces))])
		} else {
			b.WriteString([]string{"word", "x", "lorem", "ipsum", " ", "dolor", "k8s", "node"}[r.Intn(8)])
		}
	}
	return b.String()
}

func randValue(r *rand.Rand, depth int) interface{} {
	k := r.Intn(10)
	if depth > 3 && k < 4 {
		k = 5
	}
	switch k {
	case 0, 1:
		m := map[string]interface{}{}
		for i := r.Intn(5); i > 0; i-- {
			key := randString(r)
			if r.Intn(2) == 0 {
				key = []string{"apiVersion", "kind", "metadata", "spec", "name", "a1", "a10", "a2", "b", "x.y", "x-y", "1", "10", "2"}[r.Intn(14)]
			}
			m[key] = randValue(r, depth+1)
		}
		return m
	case 2, 3:
		l := []interface{}{}
		for i := r.Intn(4); i > 0; i-- {
			l = append(l, randValue(r, depth+1))
		}
		return l
	case 4:
		return []interface{}{int64(r.Intn(100000)) - 500, r.Float64() * 1000, 1e21, 0.5, int64(1) << 40, true, false, nil}[r.Intn(8)]
	default:
		return randString(r)
	}
}

var soup = []string{"a: b", "- x", "  c: d", "k: [1, 2", "k: {x: 1}", "'q'", "\"dq\"", "? x", ": y", "&a v", "*a", "!!str s",
	"x: |", "x: >-", "  text", "    more", "---", "...", "# c", "\tt: 1", "a: 'it''s'", "b: \"e\\qx\"", "- - y", "-",
	"key: value # c", "  - item", "m:", "  n: o", "[a, b]", "{a: b}", "a: b: c", "%YAML 1.1", "@x", "`y`", "z: &z [*z]",
	"<<: {p: 1}", "dup: 1", "dup: 2", "a: 1", "  ", "", "long: " + strings.Repeat("w ", 50), "n: 0x1G", "t: 2001-1-1"}

func randomCases() {
	r := rand.New(rand.NewSource(20261127))
	for i := 0; i < 300; i++ {
		b, err := json.Marshal(randValue(r, 0))
		if err != nil {
			panic(err)
		}
		j2y(fmt.Sprintf("random-j2y-%03d", i), string(b))
	}
	for i := 0; i < 300; i++ {
		var lines []string
		for n := 1 + r.Intn(8); n > 0; n-- {
			lines = append(lines, soup[r.Intn(len(soup))])
		}
		y2j(fmt.Sprintf("random-y2j-%03d", i), strings.Join(lines, "\n")+"\n")
	}
}
