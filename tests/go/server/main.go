// Command server is a long-running program to attach to: it serves expvar's
// /debug/vars and net/http/pprof's /debug/pprof/ on a loopback port,
// allocates garbage steadily so GC cycles keep coming, and keeps some
// goroutines blocked so the goroutine profile has a stack worth grouping.
//
// It prints "listening on 127.0.0.1:NNNN" on stdout and stderr once the
// port is open (with the default -addr the kernel picks the port), then
// runs until it is killed or -duration passes (0: forever).
package main

import (
	_ "expvar" // registers /debug/vars on the default mux
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on the default mux
	"os"
	"time"
)

const (
	object = 4 << 10               // bytes per allocation
	step   = 20 * time.Millisecond // allocate in small bursts, then sleep
)

var (
	live [][]byte // the flat live set, held until exit
	sink []byte   // a global store keeps the garbage on the heap
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to serve /debug/vars and /debug/pprof on")
	noHTTP := flag.Bool("no-http", false, "do not listen at all")
	duration := flag.Duration("duration", 0, "how long to run (0: until killed)")
	liveMiB := flag.Int("live", 4, "live heap to hold, MiB")
	rateMiB := flag.Int("rate", 32, "garbage to allocate per second, MiB")
	blocked := flag.Int("blocked", 25, "goroutines to keep blocked on a channel receive")
	flag.Parse()

	if !*noHTTP {
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			fmt.Fprintf(os.Stderr, "server: %v\n", err)
			os.Exit(1)
		}
		go func() { _ = http.Serve(ln, nil) }()
		fmt.Printf("listening on %s\n", ln.Addr())
		fmt.Fprintf(os.Stderr, "listening on %s\n", ln.Addr())
	}

	never := make(chan struct{}) // nothing sends or closes: receivers wait forever
	for i := 0; i < *blocked; i++ {
		go func() { <-never }()
	}
	for i := 0; i < *liveMiB<<20/object; i++ {
		live = append(live, make([]byte, object))
	}
	perStep := int(int64(*rateMiB<<20) * int64(step) / int64(time.Second) / object)

	start := time.Now()
	ticker := time.NewTicker(step)
	defer ticker.Stop()
	for *duration == 0 || time.Since(start) < *duration {
		for i := 0; i < perStep; i++ {
			sink = make([]byte, object)
		}
		<-ticker.C
	}
	fmt.Printf("server: done, live set %d MiB\n", len(live)*object>>20)
}
