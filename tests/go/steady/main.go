// Command steady is a healthy program: it holds a flat live heap and
// allocates garbage at a modest steady rate, so GC cycles come at a calm
// pace (about every 500 ms with the defaults) and GC CPU stays low.
//
// With GOGC=100 and an 8 MiB live set the heap goal is about 16 MiB, so
// each cycle needs about 8 MiB of fresh garbage: at 16 MiB/s that is one
// cycle every half second, after the few quick cycles the runtime runs
// while the live set is being built.
package main

import (
	"flag"
	"fmt"
	"time"
)

const (
	object = 4 << 10               // bytes per allocation
	step   = 50 * time.Millisecond // allocate in small bursts, then sleep
)

var (
	live [][]byte // the flat live set, held until exit
	sink []byte   // a global store keeps the garbage on the heap
)

func main() {
	duration := flag.Duration("duration", 2*time.Second, "how long to run")
	liveMiB := flag.Int("live", 8, "live heap to hold, MiB")
	rateMiB := flag.Int("rate", 16, "garbage to allocate per second, MiB")
	flag.Parse()

	for i := 0; i < *liveMiB<<20/object; i++ {
		live = append(live, make([]byte, object))
	}
	perStep := int(int64(*rateMiB<<20) * int64(step) / int64(time.Second) / object)

	start := time.Now()
	ticker := time.NewTicker(step)
	defer ticker.Stop()
	for n := 0; time.Since(start) < *duration; n++ {
		for i := 0; i < perStep; i++ {
			sink = make([]byte, object)
		}
		if n%int(500*time.Millisecond/step) == 0 {
			fmt.Printf("steady: tick %d\n", n/int(500*time.Millisecond/step))
		}
		<-ticker.C
	}
	fmt.Printf("steady: done, live set %d MiB\n", len(live)*object>>20)
}
