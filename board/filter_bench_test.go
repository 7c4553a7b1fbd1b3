package board

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkFilterCheck is what one text update costs the room with the
// largest filter a facilitator may set (500 prefix words and the default
// lists) on the longest text. Screen runs it once per operation that writes
// text.
func BenchmarkFilterCheck(b *testing.B) {
	var words []string
	for i := range MaxFilterWords {
		words = append(words, fmt.Sprintf("zq%03dword*", i))
	}
	wf := compileFilter(&Filter{Mode: FilterMask, Defaults: true, Words: words})
	text := strings.Repeat("word ", 1000) // 5,000 characters, 1,000 words
	for b.Loop() {
		wf.check(text)
	}
}
