package export

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"corkboard/board"
)

// Format is an export format, named as it appears in an export's address.
type Format string

// The export formats.
const (
	JSON     Format = "json"
	CSV      Format = "csv"
	Markdown Format = "md"
	SVG      Format = "svg"
	PNG      Format = "png"
	PDF      Format = "pdf"
)

// Formats lists every format Write takes, in the order a menu shows them.
var Formats = []Format{JSON, CSV, Markdown, SVG, PNG, PDF}

// ContentType returns the media type to serve the format with, or "" for
// an unknown format.
func (f Format) ContentType() string {
	switch f {
	case JSON:
		return "application/json; charset=utf-8"
	case CSV:
		// header=present tells programs that honour it (RFC 4180) to skip
		// the first row.
		return "text/csv; charset=utf-8; header=present"
	case Markdown:
		return "text/markdown; charset=utf-8"
	case SVG:
		return "image/svg+xml"
	case PNG:
		return "image/png"
	case PDF:
		return "application/pdf"
	}
	return ""
}

// Extension returns the file name extension of the format, with its dot
// (as path/filepath.Ext gives it), or "" for an unknown format.
func (f Format) Extension() string {
	if !slices.Contains(Formats, f) {
		return ""
	}
	return "." + string(f)
}

// Paper sizes for PDF, in millimetres, landscape.
const (
	PaperA4     = "a4"
	PaperLetter = "letter"
)

// Languages of the words an export adds (column headers, colour names,
// "votes").
const (
	LangEnglish = "en"
	LangSwedish = "sv"
)

// Options are the choices a person makes for an export. The zero value
// means A4 and English.
type Options struct {
	Paper string // PaperA4 (default) or PaperLetter; PDF only
	Lang  string // LangEnglish (default) or LangSwedish
}

// Write writes b in format f to w. b is what its reader may see: the
// caller passes a filtered board (board.View("")), so Write adds nothing
// that hides secrets; it still leaves out the text of any note marked
// private, in case one slips through. An unknown format, paper or language
// is an EInvalid *board.Error, returned before anything is written.
func Write(w io.Writer, b *board.Board, f Format, opt Options) error {
	wd, err := wordsFor(opt.Lang)
	if err != nil {
		return err
	}
	switch opt.Paper {
	case "", PaperA4, PaperLetter:
	default:
		return board.Errorf(board.EInvalid, "unknown paper size %q; choose %q or %q", opt.Paper, PaperA4, PaperLetter)
	}
	if b == nil {
		return board.Errorf(board.EInternal, "no board to export")
	}
	switch f {
	case JSON:
		return writeJSON(w, b)
	case CSV:
		return writeCSV(w, b, wd)
	case Markdown:
		return writeMarkdown(w, b, wd)
	case SVG, PNG, PDF:
		return writePicture(w, b, f, opt.Paper, wd)
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return board.Errorf(board.EInvalid, "unknown export format %q; choose one of %s", f, strings.Join(names, ", "))
}

// shown returns n as an export shows it: without the text of a note that
// is still private (see Write).
func shown(n board.Note) board.Note {
	if n.Private {
		n.Text = ""
		n.Private = false
	}
	return n
}

// maxNameBytes bounds the title part of a file name, well under the 255
// bytes file systems allow, so the version and extension always fit.
const maxNameBytes = 60

// FileName returns a file name for an export of a board with the given
// title at the given version, such as "Retro-week-48-v120.csv". The title
// part keeps ASCII letters and digits (letters with accents lose them: å
// becomes a), turns every run of anything else into one hyphen and is cut
// to 60 bytes, so the name is safe in a Content-Disposition header and on
// every file system; a title with nothing left gives "board".
func FileName(title string, f Format, version uint64) string {
	var sb strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(title) {
		if unicode.Is(unicode.Mn, r) {
			continue // the accent of a letter NFD took apart
		}
		s := fold(r)
		if s == "" {
			hyphen = sb.Len() > 0
			continue
		}
		if sb.Len()+len(s)+1 > maxNameBytes {
			break
		}
		if hyphen {
			sb.WriteByte('-')
			hyphen = false
		}
		sb.WriteString(s)
	}
	name := sb.String()
	if name == "" {
		name = "board"
	}
	return name + "-v" + strconv.FormatUint(version, 10) + f.Extension()
}

// fold returns r as ASCII letters and digits for a file name, or "" for
// what becomes a hyphen. Letters NFD does not take apart get their usual
// spelling.
func fold(r rune) string {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return string(r)
	}
	switch r {
	case 'ß':
		return "ss"
	case 'æ':
		return "ae"
	case 'Æ':
		return "AE"
	case 'ø':
		return "o"
	case 'Ø':
		return "O"
	case 'đ', 'ð':
		return "d"
	case 'Đ', 'Ð':
		return "D"
	case 'ł':
		return "l"
	case 'Ł':
		return "L"
	case 'œ':
		return "oe"
	case 'Œ':
		return "OE"
	case 'þ':
		return "th"
	case 'Þ':
		return "Th"
	}
	return ""
}
