"""Text a hostile program prints, and the check that none of it reached a
terminal raw. Plain functions and constants, shared by the tests of every
output (report, plain, JSON, the app's panels)."""

from __future__ import annotations

from pathlib import Path

SAMPLE = Path(__file__).parent / "data" / "samples" / "go1.19" / "gctrace1_schedtrace200.stderr.txt"

# Every C0 control but newline, DEL, and every C1 control.
CONTROLS = "".join(chr(c) for c in range(0x20) if c != 0x0A) + "\x7f" + "".join(chr(c) for c in range(0x80, 0xA0))
# The sequences that act on a terminal: window title, clipboard, hyperlink,
# clear screen, colour, alternate screen, DCS queries, C1 forms of CSI/OSC.
SEQUENCES = (
    "\x1b]0;PWNED title\x07",
    "\x1b]2;PWNED title\x1b\\",
    "\x1b]52;c;UFdORUQ=\x07",
    "\x1b]8;;http://pwned.invalid\x1b\\link\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[H",
    "\x1b[31;1mred\x1b[0m",
    "\x1b[?1049h",
    "\x1bP+q544e\x1b\\",
    "\x1b[6n",
    "\x9b2J",
    "\x9d0;PWNED c1 title\x9c",
)
PANIC = "boom \x1b]0;PWNED\x07 \x1b[2J \x9b2J \x07 " + CONTROLS
# What the panic's title escape looks like once made visible.
SHOWN = "boom ^[]0;PWNED^G ^[[2J \\x9b2J ^G"


def hostile_log() -> bytes:
    """A real capture with hostile text everywhere a program can put it:
    glued before a gc line (kept as that cycle's raw line), as output lines
    on their own, and as a panic message with its crash dump."""
    lines = SAMPLE.read_bytes().splitlines()[:40]
    lines[2] = "\x1b]0;PWNED\x07\x1b[2J".encode() + lines[2]  # gc 2's raw line
    out = [*lines]
    for i, seq in enumerate(SEQUENCES):
        out.append(f"hostile {i}: {seq} end".encode())
    out.append(f"hostile controls: {CONTROLS} end".encode())
    out.append(b"raw byte \x9b2J and \x1b[2J end")  # 0x9b alone is not UTF-8
    out += [
        f"panic: {PANIC}".encode(),
        b"",
        b"goroutine 1 [running]:",
        b"main.main()",
        b"\t/work/hostile/main.go:80 +0x925",
        b"exit status 2",
    ]
    return b"\n".join(out) + b"\n"


def assert_terminal_safe(data: bytes, what: str = "output") -> str:
    """``data`` holds no byte a terminal acts on: no ESC, no BEL, no other
    C0 control but tab and newline, no DEL, and (decoded as the UTF-8 it
    must be) no C1 control. Returns the text."""
    text = data.decode("utf-8")  # strict: a raw 0x9b byte fails here
    bad = sorted({f"U+{ord(c):04X}" for c in text
                  if (ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F})
    assert not bad, f"{what} holds raw control characters {bad}: {text[:500]!r}"
    return text

