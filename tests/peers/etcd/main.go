// Command etcd is the reference etcd server (go.etcd.io/etcd/server/v3 at the version that
// kubeadm v1.37 deploys), built from the module proxy for the end-to-end bed (tests/e2e).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
