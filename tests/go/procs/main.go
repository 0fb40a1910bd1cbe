// Command procs allocates steadily while it changes GOMAXPROCS twice with
// runtime.GOMAXPROCS, then prints the runtime's own GC accounting as one
// JSON line, so tests can hold gctui's GC CPU (each cycle charged against
// its own P count) against runtime.ReadMemStats' GCCPUFraction.
//
// The JSON (to stdout, after "procs: ") holds NumGC, GCCPUFraction and the
// GOMAXPROCS values the run went through, in order. It is read after the
// allocating goroutines have stopped.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// node makes the live heap pointer-heavy, so that every cycle has real
// marking to do and GC CPU is large enough for the P count to matter.
type node struct {
	next *node
	pad  [6]*int
}

var live []*node

// churn allocates short-lived 4 KiB objects from `workers` goroutines for d,
// about rateMiB MiB per second in all, in 5 ms bursts.
func churn(d time.Duration, workers, rateMiB int) {
	perBurst := rateMiB << 20 / 200 / (4 << 10) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sink []byte
			for end := time.Now().Add(d); time.Now().Before(end); {
				for i := 0; i < perBurst; i++ {
					sink = make([]byte, 4<<10)
				}
				time.Sleep(5 * time.Millisecond)
			}
			_ = sink
		}()
	}
	wg.Wait()
}

func main() {
	steps := flag.String("procs", "1,4,1", "GOMAXPROCS for each phase, in order")
	phase := flag.Duration("phase", 600*time.Millisecond, "how long each phase allocates")
	rate := flag.Int("rate", 150, "garbage per second, MiB")
	nodes := flag.Int("nodes", 800000, "live heap, in 64-byte nodes that point to each other")
	flag.Parse()

	for i := 0; i < *nodes; i++ { // a pointer-heavy live heap (64 B a node)
		n := &node{}
		if i > 0 {
			n.next = live[i-1]
		}
		live = append(live, n)
	}
	var seen []int
	for _, s := range strings.Split(*steps, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "procs: bad -procs", *steps)
			os.Exit(2)
		}
		runtime.GOMAXPROCS(n)
		seen = append(seen, runtime.GOMAXPROCS(0))
		churn(*phase, 4, *rate)
	}

	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	out, _ := json.Marshal(map[string]any{
		"num_gc":          m.NumGC,
		"gc_cpu_fraction": m.GCCPUFraction,
		"gomaxprocs":      seen,
	})
	fmt.Println("procs: " + string(out))
}
