// Command truth runs one of several GC shapes and then prints the runtime's
// own accounting as one JSON line, so tests can hold gctui's reading of the
// gctrace lines against what the runtime itself counted.
//
// The JSON (to stdout, and to -stats FILE when given) holds
// runtime.ReadMemStats' NumGC, NumForcedGC, PauseTotalNs, PauseNs and
// PauseEnd (the newest cycles, oldest first), GCCPUFraction and NextGC, plus
// runtime.NumGoroutine() and GOMAXPROCS. It is read after the workload's
// goroutines have stopped allocating, so no cycle follows it unless the
// runtime starts one on its own.
//
// Modes (-mode):
//
//	storm     a tiny live heap and fast allocation: with GOGC=1 and
//	          GOMAXPROCS=1, several cycles start within each millisecond.
//	longlast  a few ordinary cycles, then a forced cycle whose
//	          stop-the-world waits ~300 ms for a loop that cannot be
//	          preempted (run with GODEBUG=asyncpreemptoff=1): the last
//	          cycle is by far the longest.
//	single    allocates just past the first 4 MB goal: one cycle.
//	steady    a flat live heap (-live MiB) and steady garbage (for GOGC=10,
//	          or for GOMEMLIMIT with GOGC=100 and a live heap near the limit).
//	step      a flat 7 MiB live heap that grows by 600 KB once, mid-run.
//	ramp      builds a 30 MiB working set over half a second, then stays flat.
//	frozen    a tight loop on one P while another goroutine calls
//	          runtime.GC(): with asyncpreemptoff=1 the stop-the-world never
//	          completes and the program hangs until killed (no JSON).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

var (
	sink  []byte
	live  [][]byte
	spins uint64 // written by the tight loops, so the compiler keeps them
)

// garbage allocates about rate MiB per second of short-lived 8 KiB objects
// for d, in 10 ms bursts.
func garbage(d time.Duration, rateMiB int) {
	perStep := rateMiB << 20 / 100 / (8 << 10)
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < perStep; i++ {
			sink = make([]byte, 8<<10)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func hold(mib int) {
	for i := 0; i < mib*16; i++ {
		live = append(live, make([]byte, 64<<10))
	}
}

// spin loops n times without a function call: no synchronous preemption
// point, so with asyncpreemptoff=1 a stop-the-world waits for it to end.
func spin(n uint64) {
	for i := uint64(0); i < n; i++ {
		spins += i ^ spins
	}
}

// spinsFor is how many spin iterations take about d on this machine.
func spinsFor(d time.Duration) uint64 {
	const probe = 50_000_000
	start := time.Now()
	spin(probe)
	return uint64(float64(probe) * float64(d) / float64(time.Since(start)))
}

func main() {
	mode := flag.String("mode", "steady", "workload shape (see the package comment)")
	duration := flag.Duration("duration", 1500*time.Millisecond, "how long the steady part runs")
	liveMiB := flag.Int("live", 20, "live heap for steady, MiB")
	rateMiB := flag.Int("rate", 200, "garbage per second for steady, MiB")
	stats := flag.String("stats", "", "also write the JSON line to this file")
	flag.Parse()

	switch *mode {
	case "storm":
		hold(1)
		for end := time.Now().Add(*duration); time.Now().Before(end); {
			for i := 0; i < 64; i++ {
				sink = make([]byte, 4<<10)
			}
		}
	case "longlast":
		garbage(300*time.Millisecond, 50)
		n := spinsFor(300 * time.Millisecond)
		go spin(n)
		time.Sleep(5 * time.Millisecond) // the spinner holds the other P now
		runtime.GC()
	case "single":
		// Slowly, so the cycle starts ~100 ms in: @T is in whole ms.
		for i := 0; i < 3*16; i++ {
			live = append(live, make([]byte, 64<<10))
			time.Sleep(2 * time.Millisecond)
		}
		for i := 0; i < 24; i++ { // 1.5 MiB more: past the 4 MB goal, short of the next
			sink = make([]byte, 64<<10)
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
	case "steady":
		hold(*liveMiB)
		garbage(*duration, *rateMiB)
	case "step":
		hold(7)
		garbage(*duration, 40)
		live = append(live, make([]byte, 600<<10))
		garbage(*duration, 40)
	case "ramp":
		for i := 0; i < 30; i++ {
			hold(1)
			garbage(15*time.Millisecond, 100)
		}
		garbage(*duration, 60)
	case "frozen":
		go func() {
			for {
				spins++
			}
		}()
		time.Sleep(300 * time.Millisecond)
		runtime.GC() // never returns: the loop above never stops
	default:
		fmt.Fprintln(os.Stderr, "truth: unknown -mode", *mode)
		os.Exit(2)
	}
	sink = nil

	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	k := int(m.NumGC)
	if k > len(m.PauseNs) {
		k = len(m.PauseNs)
	}
	pauses, ends := make([]uint64, 0, k), make([]uint64, 0, k)
	for j := int(m.NumGC) - k; j < int(m.NumGC); j++ {
		pauses = append(pauses, m.PauseNs[j%len(m.PauseNs)])
		ends = append(ends, m.PauseEnd[j%len(m.PauseEnd)])
	}
	line, _ := json.Marshal(map[string]any{
		"num_gc": m.NumGC, "num_forced_gc": m.NumForcedGC, "pause_total_ns": m.PauseTotalNs,
		"pause_ns": pauses, "pause_end": ends, "gc_cpu_fraction": m.GCCPUFraction,
		"next_gc": m.NextGC, "num_goroutine": runtime.NumGoroutine(),
		"gomaxprocs": runtime.GOMAXPROCS(0), "live": len(live),
	})
	fmt.Printf("truth: %s\n", line)
	if *stats != "" {
		if err := os.WriteFile(*stats, line, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "truth:", err)
			os.Exit(1)
		}
	}
}
