// Command memlimit is meant for GOGC=off GOMEMLIMIT=48MiB: it keeps a
// 24 MiB live heap and allocates garbage steadily. With GOGC off the only
// thing that starts a cycle is the memory limit, so every gc line's
// "MB goal" stays at or below the limit while cycles come often.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"time"
)

const (
	object = 8 << 10               // bytes per allocation
	step   = 10 * time.Millisecond // allocate in small bursts, then sleep
)

var (
	live [][]byte // the live set, held until exit
	sink []byte   // a global store keeps the garbage on the heap
)

func main() {
	duration := flag.Duration("duration", 2*time.Second, "how long to run")
	liveMiB := flag.Int("live", 24, "live heap to hold, MiB")
	rateMiB := flag.Int("rate", 200, "garbage to allocate per second, MiB")
	flag.Parse()

	// SetMemoryLimit with a negative value only reads the current limit.
	fmt.Printf("memlimit: GOGC=%q limit=%d MiB\n", os.Getenv("GOGC"), debug.SetMemoryLimit(-1)>>20)
	for i := 0; i < *liveMiB<<20/object; i++ {
		live = append(live, make([]byte, object))
	}
	perStep := int(int64(*rateMiB<<20) * int64(step) / int64(time.Second) / object)

	start := time.Now()
	ticker := time.NewTicker(step)
	defer ticker.Stop()
	allocated := 0
	for time.Since(start) < *duration {
		for i := 0; i < perStep; i++ {
			sink = make([]byte, object)
		}
		allocated += perStep * object
		<-ticker.C
	}
	fmt.Printf("memlimit: done, %d MiB of garbage\n", allocated>>20)
}
