// Command goref is the reference parser for gctui's parsing benchmark.
//
// It reads a GODEBUG=gctrace=1,schedtrace=N log the way earlier gctrace
// viewers (gcvis, gcscope) do: a bufio.Scanner over the file, one regexp
// with submatches for the go1.6+ gc line (with the go1.18+ stacks and
// globals fields optional), every number converted with strconv into a
// struct appended to a slice, and SCHED lines counted with a prefix check.
// It is deliberately the plain, honest version: no hand-written tokenizer,
// no concurrency, no tricks.
//
// Usage: goref FILE
//
// Prints {"lines":N,"gc":N,"sched":N,"seconds":S} on stdout, where seconds
// is the wall time from opening the file to the last line parsed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The go1.6+ pattern from the gctui format reference (section 2.7).
var gcRE = regexp.MustCompile(`^gc (\d+) @(\d+\.\d{3})s (\d+)%( \(checking for goroutine leaks\))?: ` +
	`(\S+)\+(\S+)\+(\S+) ms clock, (\S+)\+(\S+)/(\S+)/(\S+)\+(\S+) ms cpu, ` +
	`(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (?:(\d+) MB stacks, (\d+) MB globals, )?(\d+) P( \(forced\))?$`)

// gcCycle is one gc line; durations in ms, sizes in MB as printed.
type gcCycle struct {
	N             int
	AtS           float64
	CPUPercent    int
	LeakCheck     bool
	SweepTermMS   float64
	MarkMS        float64
	MarkTermMS    float64
	SweepTermCPU  float64
	AssistCPU     float64
	BackgroundCPU float64
	IdleCPU       float64
	MarkTermCPU   float64
	HeapStartMB   int
	HeapEndMB     int
	HeapLiveMB    int
	HeapGoalMB    int
	StacksMB      int
	GlobalsMB     int
	Procs         int
	Forced        bool
}

func atoi(s string) int {
	if s == "" { // optional group did not match (before go1.18)
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		fail(err)
	}
	return n
}

func atof(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		fail(err)
	}
	return f
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "goref:", err)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: goref FILE")
		os.Exit(2)
	}
	start := time.Now()
	f, err := os.Open(os.Args[1])
	if err != nil {
		fail(err)
	}
	defer f.Close()

	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20) // program output can be long
	var cycles []gcCycle
	lines, sched := 0, 0
	for sc.Scan() {
		lines++
		line := sc.Text()
		if m := gcRE.FindStringSubmatch(line); m != nil {
			cycles = append(cycles, gcCycle{
				N:             atoi(m[1]),
				AtS:           atof(m[2]),
				CPUPercent:    atoi(m[3]),
				LeakCheck:     m[4] != "",
				SweepTermMS:   atof(m[5]),
				MarkMS:        atof(m[6]),
				MarkTermMS:    atof(m[7]),
				SweepTermCPU:  atof(m[8]),
				AssistCPU:     atof(m[9]),
				BackgroundCPU: atof(m[10]),
				IdleCPU:       atof(m[11]),
				MarkTermCPU:   atof(m[12]),
				HeapStartMB:   atoi(m[13]),
				HeapEndMB:     atoi(m[14]),
				HeapLiveMB:    atoi(m[15]),
				HeapGoalMB:    atoi(m[16]),
				StacksMB:      atoi(m[17]),
				GlobalsMB:     atoi(m[18]),
				Procs:         atoi(m[19]),
				Forced:        m[20] != "",
			})
			continue
		}
		if strings.HasPrefix(line, "SCHED ") {
			sched++
		}
	}
	if err := sc.Err(); err != nil {
		fail(err)
	}
	secs := time.Since(start).Seconds()
	out, _ := json.Marshal(map[string]any{
		"lines":   lines,
		"gc":      len(cycles),
		"sched":   sched,
		"seconds": secs,
	})
	fmt.Println(string(out))
}
