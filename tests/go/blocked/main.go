// Command blocked fills the scheduler with goroutines for schedtrace and
// scheddetail runs.
//
// Default mode: every -every it starts -batch goroutines that block on a
// channel receive (status=4(chan receive) in scheddetail), plus a tenth as
// many blocked in a two-case select (status=4(select)) and a tenth as many
// asleep (status=4(sleep)), so the number of waiting goroutines grows.
//
// -runnable mode: it starts -spinners CPU-bound goroutines, more than there
// are Ps, so no P is idle and the global and local run queues back up.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

var spins atomic.Uint64 // work done by the spinners, so the loop is not dead code

func main() {
	duration := flag.Duration("duration", 2*time.Second, "how long to run")
	every := flag.Duration("every", 100*time.Millisecond, "pause between batches")
	batch := flag.Int("batch", 200, "goroutines blocked on a channel receive per batch")
	runnable := flag.Bool("runnable", false, "keep more CPU-bound goroutines than Ps instead")
	spinners := flag.Int("spinners", 8*runtime.GOMAXPROCS(0), "CPU-bound goroutines in -runnable mode")
	flag.Parse()

	if *runnable {
		for i := 0; i < *spinners; i++ {
			go spin()
		}
		fmt.Printf("blocked: %d runnable goroutines on %d Ps\n", *spinners, runtime.GOMAXPROCS(0))
		time.Sleep(*duration)
		fmt.Println("blocked: done")
		os.Exit(0) // the spinners never stop on their own
	}

	never := make(chan struct{}) // nothing ever sends or closes: receivers wait forever
	left, right := make(chan int), make(chan int)
	start := time.Now()
	for time.Since(start) < *duration {
		for i := 0; i < *batch; i++ {
			go func() { <-never }()
		}
		for i := 0; i < *batch/10; i++ {
			go func() {
				select {
				case <-left:
				case <-right:
				}
			}()
			go func() { time.Sleep(time.Hour) }()
		}
		fmt.Printf("blocked: %d goroutines\n", runtime.NumGoroutine())
		time.Sleep(*every)
	}
	fmt.Println("blocked: done")
}

func spin() {
	x := uint64(1)
	for i := 0; ; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		if i%(1<<20) == 0 {
			spins.Add(x & 1)
		}
	}
}
