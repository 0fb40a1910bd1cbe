// Command forcegc asks for collections itself: it calls runtime.GC() every
// -interval and debug.FreeOSMemory() once half way through. Every one of
// those cycles is printed by gctrace with the " (forced)" suffix.
package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"
)

var sink []byte // a global store keeps the garbage on the heap

func main() {
	duration := flag.Duration("duration", time.Second, "how long to run")
	interval := flag.Duration("interval", 20*time.Millisecond, "pause between runtime.GC calls")
	flag.Parse()

	start := time.Now()
	forced, freed := 0, false
	for time.Since(start) < *duration {
		for i := 0; i < 256; i++ { // 1 MiB of garbage so each cycle frees something
			sink = make([]byte, 4<<10)
		}
		if !freed && time.Since(start) >= *duration/2 {
			debug.FreeOSMemory() // runs a forced cycle too, then returns memory to the OS
			fmt.Println("forcegc: debug.FreeOSMemory")
			freed = true
		} else {
			runtime.GC()
		}
		forced++
		time.Sleep(*interval)
	}
	fmt.Printf("forcegc: done, %d forced cycles\n", forced)
}
