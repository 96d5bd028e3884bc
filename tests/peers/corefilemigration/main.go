// Command corefilemigration reads github.com/coredns/corefile-migration (the version kubeadm
// v1.37.2 links, v1.0.34) and prints what ckubeadm's port of its `migration` package needs:
//
//	go run ./corefilemigration tables > ../../src/addons/corefile-versions.c
//	go run ./corefilemigration vectors ../vectors/corefile
//
// "tables" prints the release chain with each release's plugin/option statuses and actions.
// Go keeps the actions as functions; each one is recognised here by what it does on a fixed
// set of probes (compared with a Go model of each C action), so a table the C code does not
// know how to execute stops the generator instead of being printed wrong.
//
// "vectors" writes vectors.json (texts stored once, vectors refer to them by index): the library's own test inputs (read from migrate_test.go and
// corefile_test.go with go/ast) and, for every Corefile found there, Migrate, Deprecated,
// Unsupported, Default and ValidUpMigration over the version chain, with the exact results or
// error texts of the Go library.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/coredns/corefile-migration/migration"
	"github.com/coredns/corefile-migration/migration/corefile"
)

func die(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "corefilemigration: "+f+"\n", a...)
	os.Exit(1)
}

func cstr(s string) string {
	if s == "" {
		return "NULL"
	}
	q, _ := json.Marshal(s)
	// json escapes <, >, & as \u00XX: fine for C only if ASCII; our strings are.
	return strings.ReplaceAll(string(q), `\u0026`, "&")
}

// callable clears reflect's read-only flag of a function read from the library's unexported
// fields (flagStickyRO|flagEmbedRO), so that the generator can probe it.
func callable(v reflect.Value) reflect.Value {
	type value struct {
		typ, ptr unsafe.Pointer
		flag     uintptr
	}
	(*value)(unsafe.Pointer(&v)).flag &^= 1<<5 | 1<<6
	return v
}

func optStr(o *corefile.Option) string {
	if o == nil {
		return "<nil>"
	}
	return o.Name + "|" + strings.Join(o.Args, "|")
}

// Option actions of the C port, as Go models.
var optionModels = []struct {
	c  string
	fn func(o *corefile.Option) *corefile.Option
}{
	{"COREFILE_OPT_REMOVE", func(o *corefile.Option) *corefile.Option { return nil }},
	{"COREFILE_OPT_FIRST_ARG_ONLY", func(o *corefile.Option) *corefile.Option {
		if len(o.Args) >= 1 {
			o.Args = o.Args[:1]
		}
		return o
	}},
	{"COREFILE_OPT_DROP_HTTPS_GOOGLE", func(o *corefile.Option) *corefile.Option {
		if len(o.Args) > 0 && o.Args[0] == "https_google" {
			return nil
		}
		return o
	}},
	{"COREFILE_OPT_PROXY_POLICY", func(o *corefile.Option) *corefile.Option {
		if len(o.Args) == 1 && o.Args[0] == "least_conn" {
			o.Name, o.Args = "force_tcp", nil
		}
		return o
	}},
	{"COREFILE_OPT_PROXY_PROTOCOL", func(o *corefile.Option) *corefile.Option {
		if len(o.Args) >= 2 && o.Args[0] == "force_tcp" {
			o.Name, o.Args = "force_tcp", nil
			return o
		}
		return nil
	}},
}

var optionProbes = [][]string{
	nil, {"a"}, {"a", "b"}, {"https_google"}, {"https_google", "x"}, {"least_conn"},
	{"least_conn", "x"}, {"force_tcp"}, {"force_tcp", "x"}, {"force_tcp", "x", "y"}, {"dns"},
}

func optionAction(fn reflect.Value) string {
	if fn.IsNil() {
		return "COREFILE_OPT_KEEP"
	}
	call := func(o *corefile.Option) *corefile.Option {
		out := callable(fn).Call([]reflect.Value{reflect.ValueOf(o)})
		if !out[1].IsNil() {
			die("option action returned an error")
		}
		return out[0].Interface().(*corefile.Option)
	}
	found := ""
	for _, m := range optionModels {
		same := true
		for _, p := range optionProbes {
			a := &corefile.Option{Name: "opt", Args: append([]string(nil), p...)}
			b := &corefile.Option{Name: "opt", Args: append([]string(nil), p...)}
			if optStr(call(a)) != optStr(m.fn(b)) {
				same = false
				break
			}
		}
		if same {
			if found != "" {
				die("option action matches both %s and %s", found, m.c)
			}
			found = m.c
		}
	}
	if found == "" {
		die("unknown option action %s", runtime.FuncForPC(fn.Pointer()).Name())
	}
	return found
}

func pluginAction(fn reflect.Value) string {
	if fn.IsNil() {
		return "COREFILE_PLUGIN_KEEP"
	}
	p := &corefile.Plugin{Name: "proxy", Args: []string{".", "8.8.8.8"},
		Options: []*corefile.Option{{Name: "except", Args: []string{"x"}}}}
	out := callable(fn).Call([]reflect.Value{reflect.ValueOf(p)})
	r := out[0].Interface().(*corefile.Plugin)
	if r == nil || r.Name != "forward" || strings.Join(r.Args, " ") != ". 8.8.8.8" || len(r.Options) != 1 {
		die("unknown plugin action %s", runtime.FuncForPC(fn.Pointer()).Name())
	}
	return "COREFILE_PLUGIN_RENAME_FORWARD"
}

// An option's add function appends one option to the plugin: returns its text.
func optionAdd(fn reflect.Value) string {
	if fn.IsNil() {
		return ""
	}
	p := &corefile.Plugin{Name: "x"}
	out := callable(fn).Call([]reflect.Value{reflect.ValueOf(p)})
	r := out[0].Interface().(*corefile.Plugin)
	if r != p || len(r.Options) != 1 || len(r.Options[0].Args) != 0 {
		die("unknown option add %s", runtime.FuncForPC(fn.Pointer()).Name())
	}
	return r.Options[0].Name
}

// A plugin's add function appends a plugin (name only) to every server block, or only to the
// blocks holding one of some plugins: returns the name and that list ("" = every block).
func pluginAdd(fn reflect.Value, candidates []string) (string, []string) {
	if fn.IsNil() {
		return "", nil
	}
	call := func(names ...string) *corefile.Plugin {
		s := &corefile.Server{DomPorts: []string{"."}}
		for _, n := range names {
			s.Plugins = append(s.Plugins, &corefile.Plugin{Name: n})
		}
		out := callable(fn).Call([]reflect.Value{reflect.ValueOf(s)})
		r := out[0].Interface().(*corefile.Server)
		if r != s || len(r.Plugins) > len(names)+1 {
			die("unknown plugin add %s", runtime.FuncForPC(fn.Pointer()).Name())
		}
		if len(r.Plugins) == len(names) {
			return nil
		}
		return r.Plugins[len(names)]
	}
	if p := call(); p != nil {
		if len(p.Args) != 0 || len(p.Options) != 0 {
			die("plugin add with arguments")
		}
		return p.Name, nil
	}
	var with []string
	name := ""
	for _, c := range candidates {
		if p := call(c); p != nil {
			with = append(with, c)
			name = p.Name
		}
	}
	if name == "" {
		die("plugin add that adds to no block")
	}
	return name, with
}

var corefileActions = map[string]string{
	"copyKubernetesTransferOptToPlugin":      "COREFILE_PRE_COPY_KUBERNETES_TRANSFER",
	"breakForwardStubDomainsIntoServerBlocks": "COREFILE_POST_BREAK_FORWARD_STUB_DOMAINS",
}

func corefileAction(fn reflect.Value) string {
	if fn.IsNil() {
		return "COREFILE_CF_NONE"
	}
	name := runtime.FuncForPC(fn.Pointer()).Name()
	name = name[strings.LastIndex(name, ".")+1:]
	c, ok := corefileActions[name]
	if !ok {
		die("unknown corefile action %s", name)
	}
	return c
}

var statuses = map[string]string{
	"":                         "COREFILE_SEV_NONE",
	migration.SevDeprecated:    "COREFILE_SEV_DEPRECATED",
	migration.SevIgnored:       "COREFILE_SEV_IGNORED",
	migration.SevRemoved:       "COREFILE_SEV_REMOVED",
	migration.SevNewDefault:    "COREFILE_SEV_NEWDEFAULT",
	migration.SevUnsupported:   "COREFILE_SEV_UNSUPPORTED",
}

func status(s string) string {
	c, ok := statuses[s]
	if !ok {
		die("unknown status %q", s)
	}
	return c
}

// Go's regexp syntax of the pattern options, in POSIX extended syntax (regcomp REG_EXTENDED).
func posixPattern(p string) string {
	out := strings.ReplaceAll(p, `\d`, "[0-9]")
	if strings.Contains(strings.ReplaceAll(out, `\.`, ""), `\`) {
		die("pattern %q has escapes the C port does not translate", p)
	}
	return out
}

func sortedKeys(m reflect.Value) []string {
	var ks []string
	for _, k := range m.MapKeys() {
		ks = append(ks, k.String())
	}
	sort.Strings(ks)
	return ks
}

func tables() {
	versions := migration.ValidVersions()
	// every plugin name anywhere, the candidates of "add to blocks with" probes
	names := map[string]bool{"forward": true, "proxy": true, "kubernetes": true}
	for _, v := range versions {
		for _, k := range reflect.ValueOf(migration.Versions[v]).FieldByName("plugins").MapKeys() {
			names[k.String()] = true
		}
	}
	var candidates []string
	for n := range names {
		candidates = append(candidates, n)
	}
	sort.Strings(candidates)

	var body strings.Builder
	optArrays := map[string]string{} // content -> C name
	plugArrays := map[string]string{}
	var decls strings.Builder

	option := func(name string, pattern bool, o reflect.Value) string {
		if o.FieldByName("replacedBy").String() != "" || o.FieldByName("additional").String() != "" {
			die("option %s with replacedBy/additional", name)
		}
		return fmt.Sprintf("\t{%s, %v, %s, %s, %s},\n", cstr(name), pattern,
			status(o.FieldByName("status").String()), optionAction(o.FieldByName("action")),
			cstr(optionAdd(o.FieldByName("add"))))
	}
	for _, v := range versions {
		r := reflect.ValueOf(migration.Versions[v])
		plugins := r.FieldByName("plugins")
		var pl strings.Builder
		for _, pn := range sortedKeys(plugins) {
			p := plugins.MapIndex(reflect.ValueOf(pn))
			var ol strings.Builder
			named := p.FieldByName("namedOptions")
			for _, on := range sortedKeys(named) {
				ol.WriteString(option(on, false, named.MapIndex(reflect.ValueOf(on))))
			}
			pats := p.FieldByName("patternOptions")
			for _, on := range sortedKeys(pats) {
				ol.WriteString(option(posixPattern(on), true, pats.MapIndex(reflect.ValueOf(on))))
			}
			opts, nopts := "NULL", 0
			if ol.Len() > 0 {
				c, ok := optArrays[ol.String()]
				if !ok {
					c = fmt.Sprintf("options_%d", len(optArrays))
					optArrays[ol.String()] = c
					fmt.Fprintf(&decls, "static const struct corefile_option %s[] = {\n%s};\n\n", c, ol.String())
				}
				opts, nopts = c, strings.Count(ol.String(), "\n")
			}
			add, with := pluginAdd(p.FieldByName("add"), candidates)
			withC := "NULL"
			if len(with) > 0 {
				var q []string
				for _, w := range with {
					q = append(q, cstr(w))
				}
				withC = "(const char *const[]){" + strings.Join(q, ", ") + ", NULL}"
			}
			fmt.Fprintf(&pl, "\t{%s, %s, %s, %s, %s, %s, %s, %s, %d},\n", cstr(pn),
				status(p.FieldByName("status").String()), cstr(p.FieldByName("replacedBy").String()),
				cstr(p.FieldByName("additional").String()), pluginAction(p.FieldByName("action")),
				cstr(add), withC, opts, nopts)
		}
		c, ok := plugArrays[pl.String()]
		if !ok {
			c = fmt.Sprintf("plugins_%d", len(plugArrays))
			plugArrays[pl.String()] = c
			fmt.Fprintf(&decls, "static const struct corefile_plugin %s[] = {\n%s};\n\n", c, pl.String())
		}
		k8s := "NULL"
		if rel := r.FieldByName("k8sReleases"); rel.Len() > 0 {
			var q []string
			for i := 0; i < rel.Len(); i++ {
				q = append(q, cstr(rel.Index(i).String()))
			}
			k8s = "(const char *const[]){" + strings.Join(q, ", ") + ", NULL}"
		}
		fmt.Fprintf(&body, "\t{\n\t\t.version = %s,\n\t\t.next = %s,\n\t\t.prior = %s,\n", cstr(v),
			cstr(r.FieldByName("nextVersion").String()), cstr(r.FieldByName("priorVersion").String()))
		fmt.Fprintf(&body, "\t\t.image_sha = %s,\n\t\t.k8s_releases = %s,\n", cstr(r.FieldByName("dockerImageSHA").String()), k8s)
		fmt.Fprintf(&body, "\t\t.plugins = %s,\n\t\t.nplugins = %d,\n", c, strings.Count(pl.String(), "\n"))
		fmt.Fprintf(&body, "\t\t.pre = %s,\n\t\t.post = %s,\n", corefileAction(r.FieldByName("preProcess")),
			corefileAction(r.FieldByName("postProcess")))
		if d := r.FieldByName("defaultConf").String(); d != "" {
			fmt.Fprintf(&body, "\t\t.default_conf = %s,\n", cstr(d))
		}
		body.WriteString("\t},\n")
	}
	fmt.Println("/* SPDX-License-Identifier: Apache-2.0 */")
	fmt.Println("/* Generated by tests/peers/corefilemigration from github.com/coredns/corefile-migration")
	fmt.Println(" * v1.0.34 (migration.Versions): do not edit. Regenerate in tests/peers with")
	fmt.Println(" * `go run ./corefilemigration tables > ../../src/addons/corefile-versions.c`. */")
	fmt.Println("#include <stdbool.h>\n#include <stddef.h>\n\n#include \"addons/corefile-tables.h\"")
	fmt.Println()
	fmt.Print(decls.String())
	fmt.Println("/* Oldest first (migration.ValidVersions order). */")
	fmt.Println("const struct corefile_release corefile_releases[] = {")
	fmt.Print(body.String())
	fmt.Println("};")
	fmt.Println()
	fmt.Println("const size_t corefile_nreleases = sizeof(corefile_releases) / sizeof(corefile_releases[0]);")
}

// ---- vectors ----

type vector struct {
	Name  string `json:"name"`
	Op    string `json:"op"` // migrate, deprecated, unsupported, default, validup
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	Dep   bool   `json:"deprecations,omitempty"`
	In    *int   `json:"in,omitempty"` // index in corefiles
	Out   *int   `json:"out,omitempty"` // index in corefiles (the table of every text)
	out   string
	Bool  *bool  `json:"bool,omitempty"`
	Err   string `json:"err,omitempty"`
	// deprecated/unsupported: every notice as Notice.ToString prints it (all its fields)
	Notices []string `json:"notices,omitempty"`
}

type gen struct {
	corefiles []string
	index     map[string]int
	vectors   []vector
}

func (g *gen) cf(s string) *int {
	i, ok := g.index[s]
	if !ok {
		i = len(g.corefiles)
		g.index[s] = i
		g.corefiles = append(g.corefiles, s)
	}
	return &i
}

// run calls f, turning a panic of the library into ok=false (such inputs are left out: the C
// port returns an error where Go crashes).
func run(f func()) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	f()
	return true
}

func notices(ns []migration.Notice) []string {
	out := []string{}
	for _, n := range ns {
		out = append(out, n.ToString())
	}
	return out
}

func (g *gen) op(name, op, from, to string, dep bool, in string) {
	v := vector{Name: name, Op: op, From: from, To: to, Dep: dep}
	if op != "validup" {
		v.In = g.cf(in)
	}
	var stable string
	for i := 0; i < 2; i++ { // Go map order: the result must not depend on it
		var err error
		ok := run(func() {
			switch op {
			case "migrate":
				v.out, err = migration.Migrate(from, to, in, dep)
			case "deprecated", "unsupported":
				var ns []migration.Notice
				if op == "deprecated" {
					ns, err = migration.Deprecated(from, to, in)
				} else {
					ns, err = migration.Unsupported(from, to, in)
				}
				v.Notices = notices(ns)
			case "default":
				b := migration.Default("", in)
				v.Bool = &b
			case "validup":
				err = migration.ValidUpMigration(from, to)
			}
		})
		if !ok {
			return
		}
		v.Err = ""
		if err != nil {
			v.Err = err.Error()
			v.out, v.Notices = "", nil
		}
		j, _ := json.Marshal(v)
		j = append(j, v.out...)
		if i == 1 && string(j) != stable {
			fmt.Fprintf(os.Stderr, "corefilemigration: %s varies between runs, left out\n", name)
			return
		}
		stable = string(j)
	}
	if op == "migrate" && v.Err == "" {
		v.Out = g.cf(v.out)
	}
	g.vectors = append(g.vectors, v)
}

// The test tables of migrate_test.go: each composite literal with fromVersion/toVersion/
// startCorefile fields, and every string literal that looks like a Corefile.
type testCase struct {
	fn, name, from, to, start string
	dep                      bool
}

func readTests(dir string) ([]testCase, []string) {
	var cases []testCase
	var corefiles []string
	fset := token.NewFileSet()
	for _, file := range []string{"migrate_test.go", "corefile/corefile_test.go"} {
		f, err := parser.ParseFile(fset, filepath.Join(dir, file), nil, 0)
		if err != nil {
			die("%v", err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			ast.Inspect(fd, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.BasicLit:
					if x.Kind == token.STRING {
						s, _ := strconv.Unquote(x.Value)
						if strings.Contains(s, "{") || strings.Contains(s, ":53") {
							corefiles = append(corefiles, s)
						}
					}
				case *ast.CompositeLit:
					tc := testCase{fn: fd.Name.Name}
					have := false
					for _, e := range x.Elts {
						kv, ok := e.(*ast.KeyValueExpr)
						if !ok {
							continue
						}
						k, _ := kv.Key.(*ast.Ident)
						if k == nil {
							continue
						}
						switch val := kv.Value.(type) {
						case *ast.BasicLit:
							s, _ := strconv.Unquote(val.Value)
							switch k.Name {
							case "name":
								tc.name = s
							case "fromVersion":
								tc.from, have = s, true
							case "toVersion":
								tc.to = s
							case "startCorefile":
								tc.start = s
							}
						case *ast.Ident:
							if k.Name == "deprecations" {
								tc.dep = val.Name == "true"
							}
						}
					}
					if have {
						cases = append(cases, tc)
					}
				}
				return true
			})
		}
	}
	return cases, corefiles
}

func vectors(outdir string) {
	dir := filepath.Join(modDir(), "migration")
	cases, corefiles := readTests(dir)
	g := &gen{index: map[string]int{}}
	for _, tc := range cases {
		switch tc.fn {
		case "TestMigrate":
			g.op("test-migrate: "+tc.name, "migrate", tc.from, tc.to, tc.dep, tc.start)
		case "TestUnsupported":
			g.op("test-unsupported: "+tc.name, "unsupported", tc.from, tc.to, false, tc.start)
		}
	}
	versions := migration.ValidVersions()
	target := versions[len(versions)-1]
	for i, c := range corefiles {
		g.op(fmt.Sprintf("default-%03d", i), "default", "", "", false, c)
	}
	for _, d := range []string{"", "."} {
		g.op("default-"+strconv.Quote(d), "default", "", "", false, d)
	}
	// TestDeprecated's call, then every Corefile from every release to the newest (kubeadm's
	// use: the installed CoreDNS to the one it deploys) and one step from every release.
	seen := map[string]bool{}
	for i, c := range corefiles {
		if seen[c] {
			continue
		}
		seen[c] = true
		for j, from := range versions {
			tos := []string{target}
			if j+1 < len(versions) && versions[j+1] != target {
				tos = append(tos, versions[j+1])
			}
			for _, to := range tos {
				n := fmt.Sprintf("cf%03d %s->%s", i, from, to)
				if to == target || (i+j)%2 == 0 {
					g.op(n+" migrate", "migrate", from, to, false, c)
					g.op(n+" migrate-deprecations", "migrate", from, to, true, c)
				}
				if (to == target && (i+j)%8 == 0) || (to != target && (i+j)%3 == 0) {
					g.op(n+" deprecated", "deprecated", from, to, false, c)
					g.op(n+" unsupported", "unsupported", from, to, false, c)
				}
			}
		}
	}
	// errors: unknown start, backwards, unknown target, same version
	c0 := corefiles[0]
	for _, p := range [][2]string{{"1.3.1", "1.3.1"}, {"1.3.1", "1.5.0"}, {"1.5.0", "1.3.1"},
		{"banana", "1.5.0"}, {"1.3.1", "apple"}, {"banana", "apple"}, {"", target}, {target, ""},
		{"1.14.2", target}, {"1.8.2", "1.8.3"}, {"v1.14.2", target}} {
		n := p[0] + "->" + p[1]
		g.op("validup "+n, "validup", p[0], p[1], false, "")
		g.op("errors "+n+" migrate", "migrate", p[0], p[1], false, c0)
		g.op("errors "+n+" deprecated", "deprecated", p[0], p[1], false, c0)
		g.op("errors "+n+" unsupported", "unsupported", p[0], p[1], false, c0)
	}
	out := map[string]any{"corefiles": g.corefiles, "vectors": g.vectors}
	b, err := json.Marshal(out)
	if err != nil {
		die("%v", err)
	}
	if err := os.MkdirAll(outdir, 0o755); err != nil {
		die("%v", err)
	}
	if err := os.WriteFile(filepath.Join(outdir, "vectors.json"), append(b, '\n'), 0o644); err != nil {
		die("%v", err)
	}
	fmt.Fprintf(os.Stderr, "%d corefiles, %d vectors\n", len(g.corefiles), len(g.vectors))
}

// modDir finds the module's source through the package's file path.
func modDir() string {
	fn := runtime.FuncForPC(reflect.ValueOf(migration.Migrate).Pointer())
	file, _ := fn.FileLine(fn.Entry())
	return filepath.Dir(filepath.Dir(file))
}


func main() {
	if len(os.Args) == 2 && os.Args[1] == "tables" {
		tables()
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "vectors" {
		vectors(os.Args[2])
		return
	}
	die("usage: corefilemigration tables | vectors DIR")
}
