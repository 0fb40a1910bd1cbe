// Command pacer is the workload gctui's what-if model is checked against:
// a fixed live heap and a steady allocation rate, the two things the GC
// pacer's model takes as given, so that only GOGC and GOMEMLIMIT change
// between runs.
//
// The live set is a graph of small pointer-full objects, so every mark
// phase traces it object by object and the mark cost per cycle follows the
// live heap, as the GC guide says; at GOGC=100 the collector takes several
// % of the CPU (idle-time marking aside). The garbage is pointer-free and
// allocated in small bursts on a 2 ms ticker, so the allocation rate does
// not depend on how much CPU the collector takes; between bursts the Ps are
// idle, as on most servers. With -trace FILE the program also writes a
// runtime/trace execution trace from its first instruction to its last, so
// `go tool trace` can give the minimum mutator utilisation of the same run.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"time"
)

const (
	garbageObject = 8 << 10              // bytes per garbage allocation
	step          = 2 * time.Millisecond // allocate a burst, then wait
	catchUp       = 5                    // most steps a late tick makes up for
)

// node is one object of the live set: 64 bytes, four pointers to other
// nodes. A graph of small objects costs the mark phase per object (find,
// grey, scan), so GC CPU is a real share of the run, not a rounding error.
type node struct {
	edges [4]*node
	pad   [4]uint64
}

const nodeBytes = 64

var (
	live []*node // the fixed live set, held until exit
	sink []byte  // a global store keeps the garbage on the heap
)

func main() {
	duration := flag.Duration("duration", 4*time.Second, "how long to allocate")
	liveMiB := flag.Int("live", 8, "live heap to hold, MiB")
	rateMiB := flag.Int("rate", 160, "garbage to allocate per second, MiB")
	traceFile := flag.String("trace", "", "write a runtime/trace execution trace here")
	memStats := flag.Bool("memstats", false, "print where the runtime's memory went at exit")
	flag.Parse()

	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pacer:", err)
			os.Exit(1)
		}
		if err := trace.Start(f); err != nil {
			fmt.Fprintln(os.Stderr, "pacer:", err)
			os.Exit(1)
		}
		defer func() {
			trace.Stop()
			f.Close()
		}()
	}

	n := *liveMiB << 20 / nodeBytes
	live = make([]*node, n)
	for i := range live {
		live[i] = new(node)
	}
	// Edges to pseudo-random nodes (a fixed LCG: same graph every run).
	x := uint32(1)
	for _, v := range live {
		for k := range v.edges {
			x = x*1664525 + 1013904223
			v.edges[k] = live[int(x>>8)%n]
		}
	}
	perStep := float64(int64(*rateMiB)<<20) * step.Seconds() / garbageObject

	start := time.Now()
	ticker := time.NewTicker(step)
	defer ticker.Stop()
	allocated := 0
	// How long the machine kept the program from its ticks: a gap over
	// three steps is a stall, and the tests rerun a run that had many.
	var stalled time.Duration
	last := start
	for time.Since(start) < *duration {
		// Allocate what the elapsed time is owed, so a late tick does not
		// lower the rate, but at most catchUp's worth at once: after the
		// machine stalled the program for half a second, a 40 MiB burst
		// would balloon the marked heap and with it every goal after. A
		// stalled run allocates less instead, and the tests compare it at
		// its own allocation rate.
		owed := int(perStep * float64(time.Since(start)) / float64(step))
		if behind := owed - allocated; behind > int(catchUp*perStep) {
			allocated = owed - int(catchUp*perStep)
		}
		for ; allocated < owed; allocated++ {
			sink = make([]byte, garbageObject)
		}
		<-ticker.C
		now := time.Now()
		if gap := now.Sub(last); gap > 3*step {
			stalled += gap - step
		}
		last = now
	}
	elapsed := time.Since(start)
	if *memStats {
		// What a memory limit counts besides heap objects: the runtime's
		// own structures, which gctrace does not print.
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Printf("pacer: MiB sys=%.1f heap_inuse=%.1f heap_alloc=%.1f heap_idle=%.1f released=%.1f stack=%.1f mspan=%.1f gc=%.1f other=%.1f\n",
			mib(m.Sys), mib(m.HeapInuse), mib(m.HeapAlloc), mib(m.HeapIdle), mib(m.HeapReleased),
			mib(m.StackSys), mib(m.MSpanSys), mib(m.GCSys), mib(m.OtherSys))
	}
	fmt.Printf("pacer: done, live set %d MiB, allocated %.1f MiB in %.3f s, stalled %.1f ms\n",
		len(live)*nodeBytes>>20, float64(allocated)*garbageObject/(1<<20), elapsed.Seconds(),
		float64(stalled)/float64(time.Millisecond))
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
