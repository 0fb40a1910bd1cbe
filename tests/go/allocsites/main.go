// Command allocsites serves net/http/pprof and allocates at known sites, so
// gctui's ranking of escape hints by allocated bytes can be checked: the
// line marked "hot site" allocates about eight times the bytes of the line
// marked "cold site", and both are garbage at once; the line marked "leak
// site" allocates little but keeps all of it, so it leads by bytes in use.
// Every allocation is sampled (MemProfileRate = 1), so the allocs profile is
// exact rather than a 512 KiB sampling estimate.
//
// It prints "listening on 127.0.0.1:NNNN" on stdout once the port is open,
// then runs until killed or until -duration passes.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on the default mux
	"os"
	"runtime"
	"time"
)

var (
	sink [][]byte
	kept [][]byte
)

//go:noinline
func hot(n int) []byte {
	return make([]byte, n) // hot site
}

//go:noinline
func cold(n int) []byte {
	return make([]byte, n) // cold site
}

//go:noinline
func keep(n int) {
	kept = append(kept, make([]byte, n)) // leak site
}

func main() {
	runtime.MemProfileRate = 1
	duration := flag.Duration("duration", 0, "how long to run (0: until killed)")
	leak := flag.Int("leak", 512, "bytes kept per round at the leak site")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "allocsites: %v\n", err)
		os.Exit(1)
	}
	go func() { _ = http.Serve(ln, nil) }()
	fmt.Printf("listening on %s\n", ln.Addr())
	start := time.Now()
	for *duration == 0 || time.Since(start) < *duration {
		for i := 0; i < 8; i++ {
			sink = append(sink[:0], hot(8<<10), cold(1<<10))
		}
		keep(*leak)
		time.Sleep(2 * time.Millisecond)
	}
}
