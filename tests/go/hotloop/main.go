// Command hotloop is a GC storm, meant to run with GOGC=10: several
// goroutines allocate small objects as fast as they can while the live set
// stays small, so the heap goal is only a few hundred KiB above the live
// heap. The runtime answers with thousands of short cycles per second, high
// GC CPU and a lot of mark assist.
package main

import (
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

var (
	live  [][]byte      // a small live set with pointers, so marking has work
	sinks [16][]byte    // one slot per worker keeps the garbage on the heap
	stop  atomic.Bool   // set by main when the duration is over
	total atomic.Uint64 // allocations made by all workers
)

func main() {
	duration := flag.Duration("duration", time.Second, "how long to run")
	workers := flag.Int("workers", 2, "allocating goroutines (at most 16)")
	size := flag.Int("size", 512, "bytes per allocation")
	liveKiB := flag.Int("live", 1024, "live heap to hold, KiB")
	flag.Parse()
	if *workers < 1 || *workers > len(sinks) {
		*workers = 2
	}

	for i := 0; i < *liveKiB; i++ {
		live = append(live, make([]byte, 1<<10))
	}

	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var n uint64
			for !stop.Load() {
				sinks[w] = make([]byte, *size)
				n++
			}
			total.Add(n)
		}(w)
	}
	time.Sleep(*duration)
	stop.Store(true)
	wg.Wait()
	fmt.Printf("hotloop: done, %d allocations of %d bytes in %v\n", total.Load(), *size, *duration)
}
