// Command hostile prints text that would take over a terminal if it were
// shown raw: every C0 and C1 control character, OSC (set the window title,
// the clipboard, a hyperlink), CSI (clear the screen, move the cursor,
// recolour) and DCS sequences, on stdout and on stderr, between GC cycles.
// Then it ends the way -mode says, so one program exercises both the
// sanitising of program text and the exit status gctui reports:
//
//	panic  panic("boom \x1b]0;PWNED\x07 \x1b[2J ...")  → exit status 2
//	exit   os.Exit(-code)                               → exit status -code
//	kill   SIGKILL to itself                            → killed by SIGKILL
//	ok     returns                                      → exit status 0
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
)

// The sequences a hostile or careless program may print; PWNED marks the
// payload, so a test can look for it arriving intact but harmless.
var sequences = []string{
	"\x1b]0;PWNED title\x07",                               // OSC 0: set the window title (BEL-terminated)
	"\x1b]2;PWNED title\x1b\\",                             // OSC 2, ST-terminated
	"\x1b]52;c;UFdORUQ=\x07",                               // OSC 52: write the clipboard
	"\x1b]8;;http://pwned.invalid\x1b\\link\x1b]8;;\x1b\\", // OSC 8 hyperlink
	"\x1b[2J\x1b[H",                                        // CSI: clear the screen, cursor home
	"\x1b[31;1mred\x1b[0m",                                 // SGR colour
	"\x1b[?1049h",                                          // alternate screen
	"\x1bP+q544e\x1b\\",                                    // DCS: XTGETTCAP request
	"\x1b[6n",                                              // CSI: cursor position report request
	"\u009b2J",                                             // C1 CSI (U+009B) clear the screen
	"\u009d0;PWNED c1 title\u009c",                         // C1 OSC ... ST
	"\x9b2J",                                               // a raw 0x9b byte (not UTF-8)
}

// controls is every C0 and C1 control character and DEL, as UTF-8.
func controls() string {
	var b []rune
	for c := rune(0); c < 0x20; c++ {
		if c != '\n' {
			b = append(b, c)
		}
	}
	b = append(b, 0x7f)
	for c := rune(0x80); c < 0xa0; c++ {
		b = append(b, c)
	}
	return string(b)
}

var sink [][]byte // a global store keeps the garbage on the heap

func churn(mib int) {
	for i := 0; i < mib<<8; i++ {
		sink = append(sink, make([]byte, 4<<10))
		if len(sink) > 256 {
			sink = sink[:0]
		}
	}
}

func main() {
	mode := flag.String("mode", "panic", "panic, exit, kill or ok")
	code := flag.Int("code", 3, "with -mode exit: the exit status")
	flag.Parse()

	// What the runtime was told, so a test can see gctui kept the user's
	// own GODEBUG entries.
	fmt.Printf("hostile GODEBUG=%s\n", os.Getenv("GODEBUG"))
	churn(8)
	for i, s := range sequences {
		fmt.Printf("hostile stdout %d: %s end\n", i, s)
		fmt.Fprintf(os.Stderr, "hostile stderr %d: %s end\n", i, s)
	}
	fmt.Printf("hostile controls: %s end\n", controls())
	fmt.Fprintf(os.Stderr, "hostile controls: %s end\n", controls())
	churn(8)
	runtime.GC()

	switch *mode {
	case "panic":
		panic("boom \x1b]0;PWNED\x07 \x1b[2J \u009b2J \x07 " + controls())
	case "exit":
		os.Exit(*code)
	case "kill":
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	case "ok":
	default:
		fmt.Fprintf(os.Stderr, "hostile: unknown -mode %q\n", *mode)
		os.Exit(64)
	}
}
