// Command demo is the program behind gctui's demo: a small service whose
// garbage collector tells a story in four acts, each lasting -act seconds.
//
//  1. steady: requests allocate short-lived garbage; a flat live heap.
//  2. leak: a cache that never evicts; the live heap climbs.
//  3. storm: the cache is dropped, GOGC is set to 10 and allocation bursts:
//     cycles every few milliseconds, mark assists, high GC CPU.
//  4. pile-up: handlers block on a channel nobody serves; goroutines pile up.
//
// Run it with GODEBUG=gctrace=1,schedtrace=1000,scheddetail=1.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"time"
)

var (
	sink []byte
	live [][]byte // the service's working set, kept for the whole run
)

func work(n int) {
	for i := 0; i < n; i++ {
		sink = make([]byte, 16<<10)
	}
}

func main() {
	act := flag.Duration("act", 15*time.Second, "length of each act")
	flag.Parse()
	for i := 0; i < 160; i++ { // a 20 MiB working set
		live = append(live, make([]byte, 128<<10))
	}
	start := time.Now()
	say := func(format string, args ...any) {
		fmt.Printf("%6.1fs demo: "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...)
	}

	say("act 1: steady traffic")
	for end := time.Now().Add(*act); time.Now().Before(end); {
		work(200) // ~3 MiB of garbage every 100 ms
		time.Sleep(100 * time.Millisecond)
	}

	say("act 2: a cache that never evicts")
	var cache [][]byte
	for end := time.Now().Add(*act); time.Now().Before(end); {
		work(200)
		cache = append(cache, make([]byte, 256<<10)) // +2.5 MiB/s, kept forever
		time.Sleep(100 * time.Millisecond)
	}
	say("cache holds %d MiB", len(cache)/4)

	say("act 3: cache dropped, GOGC=10, a burst of traffic")
	cache = nil
	debug.SetGCPercent(10)
	for end := time.Now().Add(*act); time.Now().Before(end); {
		work(400)
		time.Sleep(10 * time.Millisecond)
	}
	debug.SetGCPercent(100)

	say("act 4: handlers wait on a channel nobody serves")
	stuck := make(chan struct{})
	var wg sync.WaitGroup
	for end := time.Now().Add(*act); time.Now().Before(end); {
		for i := 0; i < 25; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); <-stuck }()
		}
		work(200)
		time.Sleep(100 * time.Millisecond)
	}
	say("%d handlers stuck; shutting down", 25*int(*act/(100*time.Millisecond)))
	close(stuck)
	wg.Wait()
	os.Exit(0)
}
