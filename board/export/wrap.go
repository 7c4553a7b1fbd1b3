package export

import (
	"strings"
	"unicode/utf8"
)

// Text sizes tried for a note's text, as fractions of its full size, the
// steps the page takes (assets/render.js): text that does not fit is set
// smaller before it is cut.
var fitSteps = []float64{1, 0.9, 0.8, 0.7, 0.6}

// ellipsis ends the last line of a note whose text is cut.
const ellipsis = "…"

// measure returns the width of s at a text size of 1.
type measure func(s string) float64

// fitText lays text out in a box w wide and h high at the largest of the
// sizes fitSteps gives (size times each step) at which it fits without
// breaking a word. If it fits at none, it takes the smallest, breaks
// words that are wider than the box, and cuts the text after the last
// line that fits, ending that line with an ellipsis. lineHeight is a
// line's height at size 1.
func fitText(text string, w, h, size, lineHeight float64, width measure) (lines []string, fontSize float64) {
	paragraphs := strings.Split(text, "\n")
	for i, step := range fitSteps {
		fontSize = size * step
		last := i == len(fitSteps)-1
		maxLines := int(h / (lineHeight * fontSize))
		lines, ok := wrap(paragraphs, w/fontSize, maxLines, last, width)
		if ok || last {
			return lines, fontSize
		}
	}
	panic("unreachable")
}

// wrap breaks paragraphs into lines at most w wide (at size 1), greedily
// at spaces. It reports false if a word is wider than w (unless
// breakWords, when such a word is broken between characters) or if there
// are more than maxLines lines; then, with breakWords, lines are cut to
// maxLines and the last ends in an ellipsis.
func wrap(paragraphs []string, w float64, maxLines int, breakWords bool, width measure) ([]string, bool) {
	space := width(" ")
	var lines []string
	ok := true
	for _, p := range paragraphs {
		var line strings.Builder
		lineW := 0.0
		flush := func() {
			lines = append(lines, line.String())
			line.Reset()
			lineW = 0
		}
		for i, word := range strings.Split(p, " ") {
			ww := width(word)
			if i > 0 {
				if line.Len() > 0 && lineW+space+ww > w {
					flush()
				} else {
					line.WriteByte(' ')
					lineW += space
				}
			}
			if ww > w-lineW {
				if !breakWords {
					return nil, false
				}
				// Break the word between characters, filling each line.
				for word != "" {
					n := fitPrefix(word, w-lineW, width)
					if n == 0 {
						if lineW > 0 {
							flush()
							continue
						}
						_, n = utf8.DecodeRuneInString(word) // a box narrower than one letter
					}
					line.WriteString(word[:n])
					lineW += width(word[:n])
					word = word[n:]
					if word != "" {
						flush()
					}
				}
				continue
			}
			line.WriteString(word)
			lineW += ww
		}
		flush()
		if len(lines) > maxLines && !breakWords {
			return nil, false
		}
	}
	if len(lines) > maxLines {
		ok = false
		if maxLines < 1 {
			return nil, false
		}
		lines = lines[:maxLines]
		last := strings.TrimRight(lines[maxLines-1], " ")
		for last != "" && width(last+ellipsis) > w {
			_, n := utf8.DecodeLastRuneInString(last)
			last = last[:len(last)-n]
		}
		lines[maxLines-1] = last + ellipsis
	}
	return lines, ok
}

// fitPrefix returns the length in bytes of the longest prefix of s no
// wider than w. It adds up the widths of single characters, leaving out
// kerning, so a very long word costs one measure a character.
func fitPrefix(s string, w float64, width measure) int {
	n, sum := 0, 0.0
	for i, r := range s {
		end := i + utf8.RuneLen(r)
		if sum += width(s[i:end]); sum > w {
			break
		}
		n = end
	}
	return n
}
