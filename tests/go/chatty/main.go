// Command chatty writes many lines of its own to stderr from several
// goroutines while allocating heavily, so its writes interleave with the
// runtime's gc lines on fd 2. Each program line is one write() call (an
// *os.File is unbuffered), but the runtime prints a gc line piece by piece
// in many small write() calls, so a program line can land inside a gc line.
// It also writes a few stdout lines, and at the end reports on stdout how
// many stderr lines it wrote so a test can check none was lost.
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

var (
	sinks [16][]byte  // one slot per writer keeps the garbage on the heap
	stop  atomic.Bool // set by main when the duration is over
)

func main() {
	duration := flag.Duration("duration", time.Second, "how long to run")
	writers := flag.Int("writers", 4, "goroutines writing to stderr (at most 16)")
	perLine := flag.Int("garbage", 64, "garbage to allocate between two lines, KiB")
	flag.Parse()
	if *writers < 1 || *writers > len(sinks) {
		*writers = 4
	}

	var wg sync.WaitGroup
	var lines atomic.Uint64
	for w := 0; w < *writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			n := 0
			for ; !stop.Load(); n++ {
				fmt.Fprintf(os.Stderr, "chatty: writer %d line %d\n", w, n)
				for i := 0; i < *perLine; i++ {
					sinks[w] = make([]byte, 1<<10)
				}
			}
			lines.Add(uint64(n))
		}(w)
	}
	start := time.Now()
	for n := 0; time.Since(start) < *duration; n++ {
		fmt.Printf("chatty: stdout tick %d\n", n)
		time.Sleep(100 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	fmt.Printf("chatty: done, %d stderr lines\n", lines.Load())
}
