// jsonpathvec prints test vectors for ckubeadm's util/jsonpath and util/kyaml: each jsonpath
// case runs client-go's jsonpath (what cli-runtime's JSONPathPrinter runs for kubeadm's
// -o jsonpath / jsonpath-as-json) on a JSON document and records its output or error text;
// with -kyaml, each case is a JSON document and its KYAML (sigs.k8s.io/yaml/kyaml).
//
//	go run ./jsonpathvec > ../vectors/jsonpath/vectors.json
//	go run ./jsonpathvec -kyaml > ../vectors/jsonpath/kyaml.json
package main

import (
	"bytes"
	"encoding/json"
	"os"

	"k8s.io/client-go/util/jsonpath"
)

type vector struct {
	Data     string `json:"data"`
	Template string `json:"template"`
	Missing  bool   `json:"allowMissing"`
	AsJSON   bool   `json:"asJSON"`
	Out      string `json:"out,omitempty"`
	ParseErr string `json:"parseError,omitempty"`
	ExecErr  string `json:"execError,omitempty"`
	Calls    int    `json:"calls,omitempty"`
}

const images = `{"kind":"Images","apiVersion":"output.kubeadm.k8s.io/v1alpha3","images":["registry.k8s.io/kube-apiserver:v1.37.2","registry.k8s.io/pause:3.10.2","registry.k8s.io/etcd:3.7.0-0"]}`

const certs = `{"kind":"CertificateExpirationInfo","apiVersion":"output.kubeadm.k8s.io/v1alpha3","certificates":[{"name":"admin.conf","expirationDate":"2027-11-27T09:00:00Z","residualTime":31535999123456789,"certificateAuthority":"ca","externallyManaged":false},{"name":"apiserver","expirationDate":"2027-11-28T09:00:00Z","residualTime":3600000000000,"certificateAuthority":"ca","externallyManaged":true},{"name":"front-proxy-client","expirationDate":"2027-11-29T09:00:00Z","residualTime":1234567,"certificateAuthority":"front-proxy-ca","externallyManaged":false}],"certificateAuthorities":null}`

const token = `{"kind":"BootstrapToken","apiVersion":"output.kubeadm.k8s.io/v1alpha3","token":"abcdef.0123456789abcdef","description":"a <b> & \"c\"","expires":"2026-11-28T09:00:00Z","usages":["authentication","signing"],"groups":["system:bootstrappers:kubeadm:default-node-token"]}`

const misc = `{"a":{"b":[1,2.5,-3,1e21,1e-7,0.000123,100000000],"c":null,"d":true,"e":"","f":{},"g":[]},"s":"héllo\u2028<x>","n":[{"k":"x","v":1},{"k":"y","v":2,"w":[1]},{"k":"z"},{"k":"x","v":3}],"z":[null,"q"],"weird key":1,"dot.key":2}`

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-kyaml" {
		e := json.NewEncoder(os.Stdout)
		e.SetIndent("", " ")
		if err := e.Encode(kyamlVectors()); err != nil {
			panic(err)
		}
		return
	}
	type c struct {
		data, tmpl     string
		missing, asJSON bool
		calls          int
	}
	var cases []c
	add := func(data string, missing, asJSON bool, tmpls ...string) {
		for _, t := range tmpls {
			cases = append(cases, c{data, t, missing, asJSON, 1})
		}
	}
	basic := []string{
		"{.images[*]}", "{.images}", "{.images[0]}", "{.images[-1]}", "{.images[1:]}", "{.images[:2]}",
		"{.images[0:3:2]}", "{.images[1:1]}", "{.images[5]}", "{.images[-5]}", "{.images[2:1]}",
		"{.images[0:2:0]}", "{.images[]}", "{.images[*].x}", "{.}", "{@}", "{$}", "{.kind}", "kind={.kind}\n",
		"{.foo}", "{.images[0].foo}", "{range .images[*]}{@}{\"\\n\"}{end}", "{range .images[*]}[{@}]{end}",
		"{.images[0,2]}", "{.images[0, 2]}", "{['kind']}", "{.kind.*}", "{..kind}",
		"{.kind}{.apiVersion}", "{\"a\\tb\"}", "{'x\\'y'}", "{\"\\u00e9\\x41\\101\"}", "{\"\\q\"}", "{.kind",
		"{.images[0}", "{.images[a]}", "{.images[-]}", "{.images[?(@.x)]}", "{.images[?(@ == 'x')]}",
		"{#}", "{.kind}{end}", "{range .images[*]}{@}", "{foo}", "{true}", "{3}", "{-2.5}", "{1.2.3}", "{-}",
		"{..images..x}", "{....}", "{.images.*}", "{\"unterminated}", "{.images[99999999999999999999]}", "{\t}", "{.kind }",
		"{ .kind }", "{.kind}}", "{{.kind}}", "text only", "", "{range .images[*]}{range @}{end}{end}",
		"{range .nothing[*]}x{end}after", "{end}", "{.images[?(@.x)}", "{.images[?(@.x)]", "{.a\\.b}",
		"{.images[0:1]}{.images[-1:]}", "{.images[*]}{\"\\n\"}{.kind}",
	}
	add(images, true, false, basic...)
	add(images, false, false, basic...)
	add(images, true, true, basic...)
	add(images, false, true, "{.foo}", "{.images}", "{range .images[*]}{@}{end}")
	certsT := []string{
		"{.certificates[*].name}", "{range .certificates[*]}{.name}{\"\\t\"}{.residualTime}{\"\\t\"}{.externallyManaged}{\"\\n\"}{end}",
		"{.certificates[?(@.externallyManaged==true)].name}", "{.certificates[?(@.certificateAuthority=='ca')].name}",
		"{.certificates[?(@.residualTime>3600)].name}", "{.certificates[?(@.residualTime>3600.0)].name}",
		"{.certificates[?(@.residualTime<=3600000000000.0)].name}", "{.certificates[?(@.name!=\"apiserver\")].name}",
		"{.certificates[?(@.name>=\"apiserver\")].name}", "{.certificates[?(@.name<\"apiserver\")].name}",
		"{.certificates[?(@.externallyManaged<true)].name}", "{.certificates[?(@.name=~'a')].name}",
		"{.certificates[?(@.name===\"a\")].name}", "{.certificateAuthorities}", "{.certificateAuthorities[*]}",
		"{.certificateAuthorities[0]}", "{range .certificateAuthorities}{@}{end}", "{.certificates[0]}",
		"{.certificates[*].residualTime}", "{.certificates[?(@.nope)].name}", "{.certificates[?(@.nope=='x')].name}",
		"{.kind[?(@.x)]}", "{.certificates[?(@.name)]}", "{range .certificates[*]}{range .name}{@}{end}{end}",
		"{.certificates[?(@..name)].name}", "{.certificates[0]['name','certificateAuthority']}",
		"{.certificates[?(@.residualTime==@.residualTime)].name}",
	}
	add(certs, true, false, certsT...)
	add(certs, false, false, certsT...)
	add(certs, true, true, certsT...)
	add(token, true, false, "{.token}", "{.description}", "{.usages}", "{.}", "{.usages[*]}")
	add(token, true, true, "{.description}", "{.}")
	miscT := []string{
		"{.a.b}", "{.a.b[*]}", "{.a.c}", "{.a.d}", "{.a.e}", "{.a.f}", "{.a.g}", "{.s}", "{.n[?(@.v>1.5)].k}",
		"{.n[?(@.v)].k}", "{.n[?(@.w)].k}", "{.n[?(@.k=='x')].v}", "{.z}", "{.z[*]}", "{range .z[*]}[{@}]{end}",
		"{range .z}[{@}]{end}", "{['weird key']}", "{['dot.key']}", "{.weird\\ key}", "{.a.b[?(@>1.0)]}",
		"{.a.c.x}", "{.a.c[0]}", "{.a.c[?(@.x)]}", "{.z[0].x}", "{.a..b}", "{.a.b[-1:]}", "{.s.*}",
		"{range .z[*]}{.x}{end}", "{.n[*].v}", "{.n[?(@.k==\"z\")]}", "{.a.d[?(@)]}",
	}
	add(misc, true, false, miscT...)
	add(misc, false, false, miscT...)
	add(misc, true, true, miscT...)
	// Go visits map members in random order: whole-map wildcards only on one-member maps
	add(`{"x":{"y":["a",{"z":1},"",[]]}}`, true, false, "{..}", "{.*}", "{.x.*}", "{..z}", "{.x..}")
	add(`{"x":{"y":["a",{"z":1},"",[]]}}`, true, true, "{..}", "{.*}")
	// a printer keeps its parser between objects: a range changes the next call
	for _, t := range []string{"{range .images[*]}{@} {end}", "{.kind} {range .images[*]}{@},{end}|{.kind}", "{.kind}"} {
		cases = append(cases, c{images, t, true, false, 3})
	}

	var out []vector
	for _, k := range cases {
		v := vector{Data: k.data, Template: k.tmpl, Missing: k.missing, AsJSON: k.asJSON}
		if k.calls > 1 {
			v.Calls = k.calls
		}
		j := jsonpath.New("out")
		if err := j.Parse(k.tmpl); err != nil {
			v.ParseErr = err.Error()
			out = append(out, v)
			continue
		}
		j.AllowMissingKeys(k.missing)
		j.EnableJSONOutput(k.asJSON)
		var data interface{}
		if err := json.Unmarshal([]byte(k.data), &data); err != nil {
			panic(err)
		}
		var buf bytes.Buffer
		for n := 0; n < k.calls; n++ {
			var one bytes.Buffer
			err := func() (err error) {
				defer func() {
					if r := recover(); r != nil {
						err = nil
						one.Reset()
						one.WriteString("PANIC")
					}
				}()
				return j.Execute(&one, data)
			}()
			if err != nil {
				v.ExecErr = err.Error()
				break
			}
			buf.Write(one.Bytes())
			buf.WriteString("\x00")
		}
		v.Out = buf.String()
		out = append(out, v)
	}
	e := json.NewEncoder(os.Stdout)
	e.SetIndent("", " ")
	if err := e.Encode(out); err != nil {
		panic(err)
	}
}
