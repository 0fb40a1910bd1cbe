// Command leak is the classic memory leak: every step appends to a global
// slice that is never trimmed, so the live heap (the third number of a gc
// line's "A->B->C MB") grows by -rate MiB every second. It also makes some
// short-lived garbage so cycles come often enough to watch the growth.
package main

import (
	"flag"
	"fmt"
	"time"
)

const (
	object = 16 << 10              // bytes per allocation
	step   = 10 * time.Millisecond // allocate in small bursts, then sleep
)

var (
	leaked [][]byte // grows for the whole run: the leak
	sink   []byte   // a global store keeps the garbage on the heap
)

func main() {
	duration := flag.Duration("duration", 2*time.Second, "how long to run")
	rateMiB := flag.Int("rate", 10, "heap to leak per second, MiB")
	garbageMiB := flag.Int("garbage", 20, "garbage to allocate per second, MiB")
	flag.Parse()

	perStep := func(mib int) int {
		return int(int64(mib<<20) * int64(step) / int64(time.Second) / object)
	}
	leakPerStep, garbagePerStep := perStep(*rateMiB), perStep(*garbageMiB)

	start := time.Now()
	ticker := time.NewTicker(step)
	defer ticker.Stop()
	for n := 1; time.Since(start) < *duration; n++ {
		for i := 0; i < leakPerStep; i++ {
			leaked = append(leaked, make([]byte, object))
		}
		for i := 0; i < garbagePerStep; i++ {
			sink = make([]byte, object)
		}
		if n%50 == 0 {
			fmt.Printf("leak: leaked %d MiB\n", len(leaked)*object>>20)
		}
		<-ticker.C
	}
	fmt.Printf("leak: done, leaked %d MiB\n", len(leaked)*object>>20)
}
