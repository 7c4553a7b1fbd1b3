package export

import (
	"encoding/csv"
	"io"
	"math"
	"strings"

	"github.com/google/uuid"

	"corkboard/board"
)

// The grid NotesFromLines lays notes out in, in board units: default-size
// notes with a gap a finger can get between them.
const (
	gridGap   = 20
	gridStepX = board.DefaultWidth + gridGap
	gridStepY = board.DefaultHeight + gridGap
)

// NotesFromLines makes one note for every non-empty line of text, such as
// a list pasted from a document, or a column copied from a spreadsheet
// (whose cells may hold several lines, quoted as CSV). Bullets ("- ", "* ",
// "• ") and surrounding spaces are dropped. The notes come in a grid about
// as wide as it is tall, from (0,0) left to right and top to bottom; the
// caller moves them where they belong and makes them in one batch, so the
// list may hold at most as many lines as both lim.MaxNotes and
// lim.MaxBatchOps allow. Every line is checked as note text; the first one
// that breaks a limit is named in an *board.Error.
func NotesFromLines(text string, lim board.Limits) ([]board.NewNote, error) {
	lim = lim.WithDefaults()
	text = strings.TrimPrefix(text, bom)
	// Before anything is split: a huge paste is refused without making
	// a string for each of its lines.
	if len(text) > lim.MaxBoardBytes {
		return nil, board.Errorf(board.ETooLarge, "the text has %s; a board holds at most %s", byteSize(len(text)), byteSize(lim.MaxBoardBytes))
	}
	cells, lines, ok := csvColumn(text)
	if !ok {
		cells = strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
		lines = nil
	}
	var texts []string
	var lineOf []int // the line of the text each note comes from, for messages
	for i, c := range cells {
		c = strings.TrimSpace(c)
		for _, bullet := range []string{"-", "*", "•"} {
			if rest, ok := strings.CutPrefix(c, bullet); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
				c = strings.TrimSpace(rest)
				break
			}
		}
		if c == "" {
			continue
		}
		texts = append(texts, c)
		if lines != nil {
			lineOf = append(lineOf, lines[i])
		} else {
			lineOf = append(lineOf, i+1)
		}
	}
	if len(texts) == 0 {
		return nil, board.Errorf(board.EInvalid, "there is nothing to add: the text has no lines with words on them")
	}
	if most := min(lim.MaxNotes, lim.MaxBatchOps); len(texts) > most {
		return nil, board.Errorf(board.ETooLarge, "the text has %d lines; at most %d notes can be added at once", len(texts), most)
	}
	cols := int(math.Ceil(math.Sqrt(float64(len(texts)))))
	notes := make([]board.NewNote, len(texts))
	for i, t := range texts {
		x, y := float64(i%cols*gridStepX), float64(i/cols*gridStepY)
		n := board.NewNote{ID: uuid.NewString(), X: &x, Y: &y, Text: &t}
		if err := lim.Validate(board.Op{Kind: board.KindCreate, Note: &n}); err != nil {
			return nil, board.Errorf(board.ErrorCode(err), "line %d: %s", lineOf[i], board.ErrorMessage(err))
		}
		notes[i] = n
	}
	return notes, nil
}

// csvColumn reads text as one column of CSV, which is what a spreadsheet
// puts on the clipboard when a cell holds a line break: such a cell comes
// quoted. It reports false for text that is not that (a row with a comma
// outside quotes, a stray quote), which then is read as plain lines. Text
// without quotes is plain lines whatever it holds.
func csvColumn(text string) (cells []string, lines []int, ok bool) {
	if !strings.Contains(text, `"`) {
		return nil, nil, false
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = 1
	r.ReuseRecord = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return cells, lines, true
		}
		if err != nil {
			return nil, nil, false
		}
		line, _ := r.FieldPos(0)
		cells = append(cells, rec[0])
		lines = append(lines, line)
	}
}
