// Command panicker allocates a little (so gctrace prints a few gc lines),
// prints some output of its own, then dies the way -mode says. Every mode
// ends with exit status 2, the runtime's status for a panic or fatal error.
// The messages contain "[bold]" on purpose: program text that looks like
// Rich markup must be shown literally.
//
//	panic      panic("...") in main             → "panic: panicker: [bold]boom[/bold] ..."
//	nilmap     write to a nil map               → "panic: assignment to entry in nil map"
//	deadlock   main waits on a channel forever  → "fatal error: all goroutines are asleep - deadlock!"
//	goroutine  panic in a spawned goroutine     → "panic: ..." with "created by main.main"
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

var sink []byte // a global store keeps the garbage on the heap

//go:noinline
func counts() map[string]int { return nil }

func main() {
	mode := flag.String("mode", "panic", "panic, nilmap, deadlock or goroutine")
	garbageMiB := flag.Int("garbage", 16, "garbage to allocate before dying, MiB")
	flag.Parse()
	switch *mode {
	case "panic", "nilmap", "deadlock", "goroutine":
	default:
		fmt.Fprintf(os.Stderr, "panicker: unknown -mode %q\n", *mode)
		os.Exit(64)
	}

	for i := 0; i < *garbageMiB<<8; i++ {
		sink = make([]byte, 4<<10)
	}
	fmt.Printf("panicker: mode %s\n", *mode)
	fmt.Fprintln(os.Stderr, "panicker: about to die, [bold]this is not markup[/bold]")

	switch *mode {
	case "panic":
		panic("panicker: [bold]boom[/bold] [red]not markup[/red]")
	case "nilmap":
		m := counts()
		m["[bold]key[/bold]"]++
	case "deadlock":
		never := make(chan struct{})
		<-never
	case "goroutine":
		go func() {
			panic(fmt.Errorf("panicker: [bold]boom in a goroutine[/bold]"))
		}()
		time.Sleep(time.Minute)
	}
}
