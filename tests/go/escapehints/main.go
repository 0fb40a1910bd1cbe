// Package main is gctui's fixture for escape hints: each case the issue
// names has one function, and a "// escape: KIND SUBJECT" comment on the line
// where the compiler reports it (tests/test_escapes_analysis.py checks every
// marker against a real build; several are separated by "; "). Edit freely:
// the tests read the markers, not fixed line numbers.
package main

import (
	"fmt"
	"os"

	"example.com/escapehints/store"
)

type user struct {
	name string
	age  int
}

var sink interface{}

// newUser returns the address of a local, so the local lives on the heap.
func newUser(name string) *user { // escape: leaking_param name
	u := user{name: name} // escape: moved_to_heap u
	return &u
}

// counter's closure outlives the call and captures n by reference.
func counter() func() int {
	n := 0              // escape: moved_to_heap n
	return func() int { // escape: escapes_to_heap func literal
		n++
		return n
	}
}

// box converts an int to an interface stored in a global.
func box(age int) {
	sink = age // escape: escapes_to_heap age
}

// scratch asks for more than the 64 KiB the compiler allows on the stack.
func scratch() int {
	buf := make([]byte, 1<<20) // escape: escapes_to_heap make([]byte, 1 << 20)
	small := make([]byte, 64)  // escape: does_not_escape make([]byte, 64)
	return len(buf) + len(small)
}

// remember keeps its parameter in a global: the parameter leaks.
func remember(u *user) { // escape: leaking_param u
	sink = u
}

// total only reads through its parameter, which does not escape.
func total(xs []int) int { // escape: does_not_escape xs
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// local's pointer never leaves the function: no heap move at all.
func local() int {
	p := &user{age: 3} // escape: does_not_escape &user{...}
	return p.age
}

func main() {
	u := newUser("gopher")
	remember(u)
	next := counter()
	box(u.age)
	s := store.New()
	s.Add(u.name)
	fmt.Fprintln(os.Stdout, next(), scratch(), total([]int{1, 2}), local(), s.Len())
}
