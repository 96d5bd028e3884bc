package main

import (
	"bytes"

	"sigs.k8s.io/yaml/kyaml"
)

// kyamlDocs are JSON texts as json.Marshal writes them (members in struct order, numbers
// canonical, U+0085 raw): kyaml's Encoder.FromObject marshals to JSON and renders that with
// FromYAML.
var kyamlDocs = []string{
	`{"kind":"Images","apiVersion":"output.kubeadm.k8s.io/v1alpha3","images":["registry.k8s.io/kube-apiserver:v1.37.2","registry.k8s.io/pause:3.10.2"]}`,
	`{"kind":"CertificateExpirationInfo","apiVersion":"output.kubeadm.k8s.io/v1alpha3","certificates":[{"name":"admin.conf","expirationDate":"2027-11-27T09:00:00Z","residualTime":31535999,"caName":"ca","externallyManaged":false,"missing":false},{"name":"apiserver","expirationDate":null,"residualTime":0,"externallyManaged":false,"missing":true}],"certificateAuthorities":null}`,
	`{"kind":"BootstrapToken","apiVersion":"output.kubeadm.k8s.io/v1alpha3","token":"abcdef.0123456789abcdef","description":"a \u003cb\u003e \u0026 \"c\" \\ d\te","expires":"2026-11-28T09:00:00Z","usages":["authentication","signing"],"groups":["system:bootstrappers:kubeadm:default-node-token"]}`,
	`{"multi":"line one\nline two\n","lead":"\n  indented\n\ttab\nend","only":"\n","nl2":"a\n\nb","ctl":"\u0000\u0007\u001b\u007f\u00a0\u00ad\u2028\u2029\ufeff\u200b","uni":"héllo wörld ✓ 😀","empty":"","num":-1.5e-7,"big":1e+21,"f":0.25,"t":true,"n":null}`,
	`{"":1,"true":1,"yes":1,"No":1,"ON":1,"null":1,"~":1,"123":1,"0x1F":1,"0o17":1,"1_000":1,"1.5":1,"1e3":1,".inf":1,"-.Inf":1,".NaN":1,"nan":1,"Infinity":1,"11:00":1,"1:2:3.5":1,"2024-01-02":1,"2024-1-2T10:00:00Z":1,"1e400":1,"99999999999999999999":1,"a-b":1,"-ab":1,"ab-":1,"a.b/c":1,"a b":1,"a:b":1,"a\nb":1,"a\tb":1,"a\"b":1,"_x_":1,"é":1,"y":1,"n":1,"t":1,"F":1,"tRUE":1,"0b101":1,"+12":1,"1.":1,".5":1,"0x1p-2":1,"0xg":1,"09":1,"08.5":1}`,
	`{"lists":[[1,2],[],{}],"nested":[{"a":[{"b":[]}]},{"c":{"d":{"e":[1,"x",null]}}}],"mixed":[{"a":1},2],"deep":{"x":{"y":"m\nn"}}}`,
	`[]`, `{}`, `"top"`, `[{"a":1},{"b":"x\ny"}]`, `[[["a"]]]`,
	// json.Marshal leaves U+0085 raw: YAML reads it as a line break and folds it
	"{\"_²\":1,\"×\":1,\"ab\":\"x \u0085 y\",\"c\":\"p\u0085\u0085q\",\"d\":\"\u0085\",\"Ωµº½\":\"\u0085 \u0085\"}",
}

func kyamlVectors() []map[string]string {
	var out []map[string]string
	for _, d := range kyamlDocs {
		var buf bytes.Buffer
		enc := kyaml.Encoder{}
		if err := enc.FromYAML(bytes.NewReader([]byte(d)), &buf); err != nil {
			panic(err)
		}
		out = append(out, map[string]string{"json": d, "kyaml": buf.String()})
	}
	return out
}
