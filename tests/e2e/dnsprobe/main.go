// Command dnsprobe resolves names through the resolver that /etc/resolv.conf names (in a pod:
// the cluster DNS service, i.e. CoreDNS) and prints "name address..." per name. It exits 1 when
// a name does not resolve. The end-to-end bed (tests/e2e) runs it as a pod.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	names := os.Args[1:]
	if len(names) == 0 {
		names = []string{"kubernetes.default.svc.cluster.local"}
	}
	if conf, err := os.ReadFile("/etc/resolv.conf"); err == nil {
		fmt.Printf("resolv.conf: %s\n", strings.Join(strings.Fields(string(conf)), " "))
	}
	r := &net.Resolver{PreferGo: true}
	rc := 0
	for _, name := range names {
		var addrs []string
		var err error
		for try := 0; try < 10; try++ {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			addrs, err = r.LookupHost(ctx, name)
			cancel()
			if err == nil {
				break
			}
			time.Sleep(time.Second)
		}
		if err != nil {
			fmt.Printf("%s FAILED %v\n", name, err)
			rc = 1
			continue
		}
		fmt.Printf("%s %s\n", name, strings.Join(addrs, " "))
	}
	os.Exit(rc)
}
