// tokenvec prints test vectors for src/token from kubeadm's own Go code: JWS detached
// signatures (cluster-bootstrap), CA pins (kubeadm pubkeypin), AES-GCM ciphertexts
// (kubeadm util/crypto) and token Secrets (apis/bootstraptoken/v1).
//
//	cd tests/peers && go run ./tokenvec ca.crt > ../vectors/token/vectors.json
package main

import (
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cluster-bootstrap/token/jws"
	bootstraptokenv1 "k8s.io/kubernetes/cmd/kubeadm/app/apis/bootstraptoken/v1"
	cryptoutil "k8s.io/kubernetes/cmd/kubeadm/app/util/crypto"
	"k8s.io/kubernetes/cmd/kubeadm/app/util/pubkeypin"
)

func main() {
	out := map[string]interface{}{}

	type jwsVec struct {
		Content, ID, Secret, Sig string
	}
	var jv []jwsVec
	for _, c := range []struct{ content, id, secret string }{
		{"", "abcdef", "0123456789abcdef"},
		{"hello world", "abcdef", "0123456789abcdef"},
		{"apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: AAAA\n    server: https://10.0.0.1:6443\n  name: \"\"\ncontexts: null\ncurrent-context: \"\"\nkind: Config\nusers: null\n", "7f0a1b", "zzzzzzzzzzzzzzzz"},
		{"ünïcødé \u2028 <&>", "000000", "a1b2c3d4e5f6g7h8"},
	} {
		sig, err := jws.ComputeDetachedSignature(c.content, c.id, c.secret)
		if err != nil {
			panic(err)
		}
		jv = append(jv, jwsVec{c.content, c.id, c.secret, sig})
	}
	out["jws"] = jv

	// the CA pin of the certificate whose PEM file is argv[1]
	// (made with: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
	//  -keyout /dev/null -out ca.crt -subj /CN=kubernetes -days 3650)
	ca, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	blk, _ := pem.Decode(ca)
	if blk != nil {
		if cert, err := x509.ParseCertificate(blk.Bytes); err == nil {
			out["pin"] = map[string]string{"pem": string(ca), "pin": pubkeypin.Hash(cert)}
		}
	}

	key, _ := hex.DecodeString("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	plain := []byte("-----BEGIN CERTIFICATE-----\nsecret stuff\n-----END CERTIFICATE-----\n")
	ct, err := cryptoutil.EncryptBytes(plain, key)
	if err != nil {
		panic(err)
	}
	out["aesgcm"] = map[string]string{"key": hex.EncodeToString(key), "plain": string(plain), "cipher": hex.EncodeToString(ct)}

	bts, _ := bootstraptokenv1.NewBootstrapTokenString("abcdef.0123456789abcdef")
	exp := metav1.NewTime(time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600)))
	bt := &bootstraptokenv1.BootstrapToken{Token: bts, Description: "d e s c", Expires: &exp,
		Usages: []string{"signing", "authentication"}, Groups: []string{"system:bootstrappers:a", "system:bootstrappers:b"}}
	sec := bootstraptokenv1.BootstrapTokenToSecret(bt)
	b, _ := json.Marshal(sec)
	var secj interface{}
	_ = json.Unmarshal(b, &secj)
	out["secret"] = map[string]interface{}{"expires": "2030-01-02T03:04:05+01:00", "object": secj}

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}
