package export_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"corkboard/board"
	"corkboard/board/export"
)

// bigBoard returns a board of n notes in a grid of columns, with texts
// from a few words to a few lines, in every colour, some with votes.
func bigBoard(t testing.TB, n int) *board.Board {
	t.Helper()
	words := strings.Fields("idé fråga svar lektion grupp tavla lapp röst mål plan vecka läxa prov bok")
	var notes []testNote
	for i := range n {
		var text strings.Builder
		for j := range 3 + i%25 {
			if j > 0 {
				text.WriteString([]string{" ", " ", " ", "\n"}[(i+j)%4])
			}
			text.WriteString(words[(i*7+j)%len(words)])
		}
		notes = append(notes, testNote{
			ID: fmt.Sprintf("00000000-0000-4000-8000-%012x", i), Text: text.String(),
			Color: board.Palette[i%len(board.Palette)], Author: fmt.Sprintf("Elev %d", i%30),
			X: float64(i%40) * 220, Y: float64(i/40) * 180, Votes: i % 4,
		})
	}
	return mustDecodeBoard(t, testBoard{Title: "Tusen lappar", Version: 1000, CreatedAt: t0, Voting: &board.Voting{Votes: 3, PerNote: 1}}, notes)
}

// BenchmarkExport1000 exports a board of 1,000 notes in every format.
func BenchmarkExport1000(b *testing.B) {
	bb := bigBoard(b, 1000)
	for _, f := range export.Formats {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if err := export.Write(io.Discard, bb, f, export.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExport1000Columns exports the same board laid out in columns,
// with reactions on most notes, as pictures: what lanes and reaction
// counts add.
func BenchmarkExport1000Columns(b *testing.B) {
	bb := bigBoard(b, 1000)
	for i := range 18 { // 40 notes 220 apart: 18 lanes wide
		bb.Columns = append(bb.Columns, board.Column{ID: fmt.Sprintf("00000000-0000-4000-8000-%012x", 5000+i), Name: fmt.Sprintf("Kolumn %d", i+1)})
	}
	i := 0
	for id, n := range bb.Notes {
		if i%4 != 0 {
			n.Reactions = map[string]int{"like": i % 7, "love": 1, "idea": i % 3}
			bb.Notes[id] = n
		}
		i++
	}
	for _, f := range []export.Format{export.SVG, export.PNG, export.PDF} {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if err := export.Write(io.Discard, bb, f, export.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
