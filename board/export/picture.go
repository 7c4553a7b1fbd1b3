package export

import (
	"bytes"
	"cmp"
	"image"
	"image/color"
	"image/draw"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/pdf"
	"github.com/tdewolff/canvas/renderers/rasterizer"
	"github.com/tdewolff/canvas/renderers/svg"
	"golang.org/x/image/font/gofont/goregular"

	"corkboard/board"
)

// A picture is laid out in board units (a CSS pixel at 100% zoom) with
// the page's measures (assets/corkboard.css, .note), so an exported note
// looks like the note on screen.
const (
	unitMM = 25.4 / 96 // a board unit in millimetres, as CSS has it

	noteFont    = 16   // note text
	authorFont  = 12   // the author line, 0.75em
	lineSpacing = 1.35 // line height, in ems
	padTop      = 11.2 // 0.7rem
	padX        = 12.8 // 0.8rem
	padBottom   = 7.2  // 0.45rem
	radius      = 4
	shadowDrop  = 1 // the shadow's offset, like the page's "0 1px 2px"

	margin    = 40 // around the notes
	titleFont = 28 // the title, on a board up to titleScaleAt wide
	// titleScaleAt is the width past which the title grows with the
	// board, so that it stays readable on the picture of a large one.
	titleScaleAt = 1200
	emptyFont    = 20  // "This board is empty."
	titleRoom    = 800 // how far a long title may widen a narrow board

	// A column's lane has its name at the top, in a band laneHead high
	// added above the notes, so that a note at the top of a lane does not
	// hide the name.
	laneFont = 20
	laneHead = laneFont*lineSpacing + 2*padTop
	// The legend that says what the reaction glyphs stand for, at
	// legendFont below the notes (scaled with the board like the title).
	legendFont = 12
	// emptyLanes is how tall the lanes of a board with columns and no
	// notes are: enough to show them with the words for an empty board.
	emptyLanes = 200

	// A stack is its head with the edges of up to maxPileEdges notes
	// showing behind it, each pileStep further down and right, and a
	// badge that counts its notes, astride the head's top edge near its
	// right corner.
	pileStep     = 5
	maxPileEdges = 2
	badgeFont    = 11
	badgePadX    = 6
	badgeH       = badgeFont*lineSpacing + 2
	badgeInset   = 10 // from the head's right edge to the badge's

	// PNG: two pixels a board unit (a sharp picture on a screen with
	// twice the pixels of CSS), the long side at most maxPNGSide pixels
	// so that a board spread wide cannot make a huge image.
	pngScale   = 2
	maxPNGSide = 4000

	// PDF: a page, landscape, with the title at the top in titlePt and
	// the board scaled to fit what remains inside pageMargin.
	pageMargin = 12 // mm
	titlePt    = 18
	legendPt   = 10
	// maxPDFScale keeps a board of a few notes from filling the page
	// with them: at most about three times their size on screen.
	maxPDFScale = 0.8 // mm a board unit
)

// Colours besides the palette's: the page's background and muted text
// (--bg and --muted of the light theme in assets/corkboard.css), and the
// notes' shadow (--shadow's first layer).
var (
	background = hex("#f4f1ea")
	mutedText  = hex("#57534e")
	shadow     = color.RGBA{0, 0, 0, 0x22}
	// A stack's badge is white on the note text's colour, far above AA,
	// and dark enough to stand out on every fill.
	badgeFill = hex(board.NoteText)
	badgeText = color.RGBA{0xff, 0xff, 0xff, 0xff}
	// laneTints alternate from lane to lane: two neighbouring lanes
	// must look apart, and both apart from the board around them; light
	// enough that every note colour and mutedText stand out on them.
	laneTints = [2]color.RGBA{hex("#e9e3d6"), hex("#dfd8c8")}
)

// The font for measuring, loaded once and shared: measuring only reads
// it. Drawing uses a font of its own for each picture (newFamily),
// because the renderers change the font they embed as they subset it
// (tdewolff/font's Subset writes its glyph count into the original), so
// a shared one would be a data race and, after the first picture, wrong.
var (
	fontOnce sync.Once
	fontErr  error
	// unitFace measures text: at its size one em is one millimetre,
	// so widths it gives are in ems.
	unitFace *canvas.FontFace
)

const ptPerMM = 72 / 25.4

func loadFont() error {
	fontOnce.Do(func() {
		var family *canvas.FontFamily
		if family, fontErr = newFamily(); fontErr == nil {
			unitFace = family.Face(ptPerMM, canvas.Black)
		}
	})
	return fontErr
}

// newFamily returns a new copy of the font.
func newFamily() (*canvas.FontFamily, error) {
	family := canvas.NewFontFamily("Go")
	if err := family.LoadFont(goregular.TTF, 0, canvas.FontRegular); err != nil {
		return nil, err
	}
	return family, nil
}

// emWidth returns the width of s in ems: the glyphs' advances and the
// kerning between them, read from the font. Go Regular needs no shaping
// beyond that, and asking the shaper (FontFace.TextWidth) for every
// word made laying out a large board take seconds.
func emWidth(s string) float64 {
	sfnt := unitFace.Font.SFNT
	w := 0
	var prev uint16
	for i, r := range s {
		id := sfnt.GlyphIndex(r)
		if i > 0 {
			w += int(sfnt.Kerning(prev, id))
		}
		w += int(sfnt.GlyphAdvance(id))
		prev = id
	}
	return float64(w) / float64(sfnt.Head.UnitsPerEm)
}

// scene is a board laid out for drawing: what the picture shows and
// where, in board units, with (0,0) at the top left of the notes' box.
type scene struct {
	title string
	// notes are the notes on their own and the heads of stacks (the notes
	// on a stack are drawn as its pile), in drawing order, moved so the
	// box starts at (0,0); a head has its stack's votes and reactions.
	notes []board.Note
	// piles are the stacks by the id of their head.
	piles  map[string]pile
	w, h   float64 // the box around the notes and lanes
	empty  string  // the words for a board without notes
	wd     *words
	voting bool
	// lanes are the board's columns, from the top of the box to its
	// bottom.
	lanes []lane
	// legend says what the reaction glyphs stand for; "" when no note
	// has reactions.
	legend string
}

// pile is what a picture shows of a stack besides its head.
type pile struct {
	count int // the stack's notes, with its head
	// colors are the palette colours of the notes whose edges show
	// behind the head, the one just below it first.
	colors []string
}

// lane is a column as a picture draws it.
type lane struct {
	x, w float64
	name string
}

func newScene(b *board.Board, wd *words) *scene {
	sc := &scene{title: wd.title(b), wd: wd, voting: b.Voting != nil, piles: map[string]pile{}}
	// Only what the page shows: a stack where its head lies, and none of
	// the places its notes had before they were stacked.
	all := items(b)
	slices.SortFunc(all, func(p, q item) int {
		return cmp.Or(cmp.Compare(p.note.Z, q.note.Z), strings.Compare(p.note.ID, q.note.ID))
	})
	notes := make([]board.Note, len(all))
	reactions := false
	for i, it := range all {
		n := it.note
		if len(it.members) > 0 {
			n.Votes, n.Reactions = it.votes(), it.reactions()
			pl := pile{count: 1 + len(it.members)}
			for _, m := range it.members[:min(len(it.members), maxPileEdges)] {
				pl.colors = append(pl.colors, m.Color)
			}
			sc.piles[n.ID] = pl
		}
		notes[i] = n
		reactions = reactions || len(n.Reactions) > 0
	}
	lanesW := float64(len(b.Columns)) * board.ColumnWidth
	var minX, minY float64
	if len(notes) == 0 {
		sc.empty = wd.empty
		sc.w, sc.h = 600, 200
		if len(b.Columns) > 0 {
			sc.w, sc.h = max(sc.w, lanesW), laneHead+emptyLanes
		}
	} else {
		minX, minY = math.Inf(1), math.Inf(1)
		maxX, maxY := math.Inf(-1), math.Inf(-1)
		for _, n := range notes {
			top, right, bottom := n.Y, n.X+n.W, n.Y+n.H
			if pl, ok := sc.piles[n.ID]; ok {
				top -= badgeH / 2
				right += float64(len(pl.colors)) * pileStep
				bottom += float64(len(pl.colors)) * pileStep
			}
			minX, minY = min(minX, n.X), min(minY, top)
			maxX, maxY = max(maxX, right), max(maxY, bottom)
		}
		if len(b.Columns) > 0 {
			// The lanes start at x = 0 whatever the notes do, and
			// reach as far down as the notes.
			minX, maxX = min(minX, 0), max(maxX, lanesW)
			minY -= laneHead
		}
		for i, n := range notes {
			n.X -= minX
			n.Y -= minY
			notes[i] = n
		}
		sc.notes, sc.w, sc.h = notes, maxX-minX, maxY-minY
		if reactions {
			var parts []string
			for _, r := range board.Reactions {
				parts = append(parts, reactionGlyphs[r]+" "+wd.reactions[r])
			}
			sc.legend = strings.Join(parts, "   ")
		}
	}
	for i := range b.Columns {
		x := float64(i)*board.ColumnWidth - minX
		sc.lanes = append(sc.lanes, lane{x: x, w: board.ColumnWidth, name: wd.columnName(b, i)})
	}
	return sc
}

// pen draws a scene on a canvas context whose y axis points down, at s
// millimetres a board unit, with the scene's (0,0) at (x0, y0).
type pen struct {
	ctx    *canvas.Context
	family *canvas.FontFamily // this picture's own (see loadFont)
	s      float64
	x0, y0 float64
	faces  map[faceKey]*canvas.FontFace
	// glyphs, for a PNG, draws text onto the pixels itself instead of
	// through ctx.
	glyphs *glyphs
}

type faceKey struct {
	size float64 // in board units
	fill color.RGBA
}

// face returns the font at size board units in a colour.
func (p *pen) face(size float64, fill color.RGBA) *canvas.FontFace {
	k := faceKey{size, fill}
	f, ok := p.faces[k]
	if !ok {
		f = p.family.Face(size*p.s*ptPerMM, fill)
		p.faces[k] = f
	}
	return f
}

// text draws lines of text at size board units with the top of the
// first line at (x, y) in board units. align is canvas.Left or
// canvas.Right (then x is the right edge).
func (p *pen) text(lines []string, x, y, size float64, fill color.RGBA, align canvas.TextAlign) {
	ascent := unitFace.Metrics().Ascent * size
	// Half the line spacing above the text, as CSS puts it.
	lead := (lineSpacing*size - (unitFace.Metrics().Ascent+unitFace.Metrics().Descent)*size) / 2
	for i, line := range lines {
		if line == "" {
			continue
		}
		base := y + lead + ascent + float64(i)*lineSpacing*size
		if p.glyphs != nil {
			p.glyphs.line(line, p.x0+x*p.s, p.y0+base*p.s, size*p.s, fill, align)
			continue
		}
		p.ctx.DrawText(p.x0+x*p.s, p.y0+base*p.s, canvas.NewTextLine(p.face(size, fill), keepSpaces(line), align))
	}
}

func (p *pen) notes(sc *scene) {
	for _, n := range sc.notes {
		x, y := p.x0+n.X*p.s, p.y0+n.Y*p.s
		shape := canvas.RoundedRectangle(n.W*p.s, n.H*p.s, radius*p.s)
		pl, stacked := sc.piles[n.ID]
		if stacked {
			// The deepest edge first, each note above covering the one
			// below but its edge.
			for i := len(pl.colors) - 1; i >= 0; i-- {
				d := float64(i+1) * pileStep * p.s
				p.ctx.SetFillColor(shadow)
				p.ctx.DrawPath(x+d, y+d+shadowDrop*p.s, shape)
				// Outlined a shade darker than its fill, so that an edge
				// shows even on a note the colour of the one above it.
				// Opaque, because the PDF renderer drops a stroke's
				// alpha (a translucent outline came out black).
				f := fill(pl.colors[i])
				p.ctx.SetFillColor(f)
				p.ctx.SetStrokeColor(shade(f, 0.7))
				p.ctx.SetStrokeWidth(p.s)
				p.ctx.DrawPath(x+d, y+d, shape)
				p.ctx.SetStrokeColor(canvas.Transparent)
			}
		}
		p.ctx.SetFillColor(shadow)
		p.ctx.DrawPath(x, y+shadowDrop*p.s, shape)
		p.ctx.SetFillColor(fill(n.Color))
		p.ctx.DrawPath(x, y, shape)

		// The author line, at the bottom: the votes and reactions on
		// the left, the author on the right, each cut to what room
		// there is.
		foot := n.Y + n.H - padBottom - lineSpacing*authorFont
		room := (n.W - 2*padX) / authorFont
		var counts []string
		if sc.voting || n.Votes > 0 {
			counts = append(counts, sc.wd.countVotes(n.Votes))
		}
		// "☺12  ♥4": a note's bottom line has room for little, and
		// the glyph against its count keeps the pair together.
		if r := countReactions(n.Reactions, reactionGlyphs, "", "  "); r != "" {
			counts = append(counts, r)
		}
		if len(counts) > 0 {
			line, _ := wrap([]string{strings.Join(counts, "  ")}, room, 1, true, emWidth)
			p.text(line, n.X+padX, foot, authorFont, hex(board.NoteAuthorText), canvas.Left)
			room -= emWidth(line[0]) + 1
		}
		if n.Author != "" && room > 0 {
			author, _ := wrap([]string{n.Author}, room, 1, true, emWidth)
			p.text(author, n.X+n.W-padX, foot, authorFont, hex(board.NoteAuthorText), canvas.Right)
		}

		if n.Text != "" {
			w, h := n.W-2*padX, foot-n.Y-padTop
			lines, size := fitText(pictureText(n.Text), w, h, noteFont, lineSpacing, emWidth)
			p.text(lines, n.X+padX, n.Y+padTop, size, hex(board.NoteText), canvas.Left)
		}
		if stacked {
			p.badge(n, sc.wd.countNotes(pl.count))
		}
	}
}

// badge draws a stack's count on its head n: a pill astride the top
// edge, clear of the text below the edge (badgeH/2 is less than padTop).
// On a head too narrow for it, the count stands alone.
func (p *pen) badge(n board.Note, label string) {
	room := n.W - badgeInset - 2*badgePadX
	if emWidth(label)*badgeFont > room {
		label = strings.Fields(label)[0]
	}
	w := emWidth(label)*badgeFont + 2*badgePadX
	right, top := n.X+n.W-badgeInset, n.Y-badgeH/2
	p.ctx.SetFillColor(badgeFill)
	p.ctx.DrawPath(p.x0+(right-w)*p.s, p.y0+top*p.s, canvas.RoundedRectangle(w*p.s, badgeH*p.s, badgeH/2*p.s))
	p.text([]string{label}, right-badgePadX, top+1, badgeFont, badgeText, canvas.Right)
}

// pictureText is a note's text as a picture draws it: lines end in a
// line feed, and a tab is as wide as four spaces (fonts draw no tab).
func pictureText(s string) string {
	return pictureReplacer.Replace(s)
}

var pictureReplacer = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\t", "    ")

// keepSpaces makes leading spaces and every space after another one
// no-break spaces, which SVG does not collapse into one, so an indented
// line stays indented in every picture.
func keepSpaces(s string) string {
	if !strings.Contains(s, "  ") && !strings.HasPrefix(s, " ") {
		return s
	}
	b := []rune(s)
	for i, r := range b {
		if r == ' ' && (i == 0 || b[i-1] == ' ' || b[i-1] == '\u00a0') {
			b[i] = '\u00a0'
		}
	}
	return string(b)
}

// writePicture draws b once and writes it as SVG, PNG or PDF.
func writePicture(w io.Writer, b *board.Board, f Format, paper string, wd *words) error {
	if err := loadFont(); err != nil {
		return err
	}
	family, err := newFamily()
	if err != nil {
		return err
	}
	sc := newScene(b, wd)
	if f == PDF {
		return writePDF(w, sc, family, paper, wd.lang)
	}
	// The title sits above the notes, as large as the board needs, and
	// the legend below them. A board narrower than either gets wider, up
	// to titleRoom.
	grow := max(1, sc.w/titleScaleAt)
	tf, lf := titleFont*grow, legendFont*grow
	band := 2 * tf
	contentW := max(sc.w, min(emWidth(sc.title)*tf, titleRoom), min(emWidth(sc.legend)*lf, titleRoom))
	legendH := 0.0
	if sc.legend != "" {
		legendH = margin/2 + lineSpacing*lf
	}
	W, H := (contentW+2*margin)*unitMM, (sc.h+2*margin+band+legendH)*unitMM
	p := &pen{family: family, s: unitMM, x0: margin * unitMM, y0: (margin + band) * unitMM, faces: map[faceKey]*canvas.FontFace{}}
	var c *canvas.Canvas
	var img *image.RGBA
	if f == PNG {
		// Drawn straight onto the pixels as it goes, rather than recorded
		// on a canvas first: the text is drawn by p.glyphs, which has to
		// keep its place between the notes' shapes (a note covers the text
		// of one below it).
		dpmm := min(pngScale/unitMM, maxPNGSide/max(W, H))
		img = image.NewRGBA(image.Rect(0, 0, int(W*dpmm+0.5), int(H*dpmm+0.5)))
		p.ctx = canvas.NewContext(rasterizer.FromImage(img, canvas.DPMM(dpmm), canvas.DefaultColorSpace))
		p.ctx.SetCoordSystem(canvas.CartesianIV)
		p.glyphs = newGlyphs(img, family.Face(ptPerMM, canvas.Black).Font, dpmm)
		// Filled directly, and every pixel: the rasterizer would blend
		// each one, and leave the last row half covered where the size
		// in pixels rounds up.
		draw.Draw(img, img.Rect, image.NewUniform(background), image.Point{}, draw.Src)
	} else {
		c = canvas.New(W, H)
		p.ctx = canvas.NewContext(c)
		p.ctx.SetCoordSystem(canvas.CartesianIV)
		p.ctx.SetFillColor(background)
		p.ctx.DrawPath(0, 0, canvas.Rectangle(W, H))
	}
	title, _ := wrap([]string{sc.title}, contentW/tf, 1, true, emWidth)
	p.text(title, 0, -band, tf, hex(board.NoteText), canvas.Left)
	p.draw(sc)
	if sc.legend != "" {
		legend, _ := wrap([]string{sc.legend}, contentW/lf, 1, true, emWidth)
		p.text(legend, 0, sc.h+margin/2, lf, mutedText, canvas.Left)
	}

	if f == PNG {
		return encodePNG(w, img)
	}
	// Only the letters the picture uses are embedded: the whole font
	// would make even a small picture take a megabyte.
	opts := svg.DefaultOptions
	opts.SubsetFonts = true
	var buf bytes.Buffer
	r := svg.New(&buf, W, H, &opts)
	c.RenderTo(r)
	if err := r.Close(); err != nil {
		return err
	}
	_, err = w.Write(stableSVG(buf.Bytes()))
	return err
}

// draw draws the lanes, and over them the notes, or the words for a
// board without them.
func (p *pen) draw(sc *scene) {
	for i, l := range sc.lanes {
		x, w, h := p.x0+l.x*p.s, l.w*p.s, sc.h*p.s
		if g := p.glyphs; g != nil {
			// A PNG's lanes are filled on its pixels directly, like its
			// background: the rasterizer would blend every pixel of
			// what is most of a large picture.
			px := func(mm float64) int { return int(math.Round(mm * g.dpmm)) }
			r := image.Rect(px(x), px(p.y0), px(x+w), px(p.y0+h))
			draw.Draw(g.img, r, image.NewUniform(laneTints[i%2]), image.Point{}, draw.Src)
		} else {
			p.ctx.SetFillColor(laneTints[i%2])
			p.ctx.DrawPath(x, p.y0, canvas.Rectangle(w, h))
		}
		name, _ := wrap([]string{l.name}, (l.w-2*padX)/laneFont, 1, true, emWidth)
		p.text(name, l.x+padX, padTop, laneFont, mutedText, canvas.Left)
	}
	if sc.empty != "" {
		p.text([]string{sc.empty}, sc.w/2, sc.h/2-emptyFont, emptyFont, mutedText, canvas.Center)
		return
	}
	p.notes(sc)
}

// paperSizes are the pages a PDF can have, landscape, in millimetres.
var paperSizes = map[string][2]float64{
	"":          {297, 210},
	PaperA4:     {297, 210},
	PaperLetter: {279.4, 215.9},
}

func writePDF(w io.Writer, sc *scene, family *canvas.FontFamily, paper, lang string) error {
	size := paperSizes[paper]
	W, H := size[0], size[1]
	c := canvas.New(W, H)
	ctx := canvas.NewContext(c)
	ctx.SetCoordSystem(canvas.CartesianIV)
	titleMM := titlePt / ptPerMM
	top := pageMargin + 2*titleMM
	// Scale the board into the rest of the page, centred, above the
	// legend.
	availW, availH := W-2*pageMargin, H-top-pageMargin
	legendMM := legendPt / ptPerMM
	if sc.legend != "" {
		availH -= 2 * legendMM * lineSpacing
	}
	s := min(availW/sc.w, availH/sc.h, maxPDFScale)
	p := &pen{ctx: ctx, family: family, s: s, faces: map[faceKey]*canvas.FontFace{}}
	p.x0 = pageMargin + (availW-sc.w*s)/2
	p.y0 = top + (availH-sc.h*s)/2
	tp := &pen{ctx: ctx, family: family, s: 1, x0: pageMargin, y0: pageMargin, faces: map[faceKey]*canvas.FontFace{}}
	title, _ := wrap([]string{sc.title}, availW/titleMM, 1, true, emWidth)
	tp.text(title, 0, 0, titleMM, hex(board.NoteText), canvas.Left)
	p.draw(sc)
	if sc.legend != "" {
		// Right under the board, where the eye looks for it, however
		// little of the page the board takes.
		legend, _ := wrap([]string{sc.legend}, availW/legendMM, 1, true, emWidth)
		tp.text(legend, 0, p.y0+sc.h*s-pageMargin+legendMM*lineSpacing/2, legendMM, mutedText, canvas.Left)
	}

	r := pdf.New(w, W, H, &pdf.Options{Compress: true, SubsetFonts: true})
	r.SetInfo(sc.title, "", "", "", "Corkboard")
	r.SetLang(lang) // for screen readers
	c.RenderTo(r)
	return r.Close()
}

// fill returns the fill of a palette colour; an unknown one (which a
// valid board does not have) gets the default colour's.
func fill(name string) color.RGBA {
	def := ""
	for _, c := range board.Colors {
		if c.Name == name {
			return hex(c.Fill)
		}
		if c.Name == board.DefaultColor {
			def = c.Fill
		}
	}
	return hex(def)
}

// shade returns c darkened to k of its brightness.
func shade(c color.RGBA, k float64) color.RGBA {
	return color.RGBA{uint8(float64(c.R) * k), uint8(float64(c.G) * k), uint8(float64(c.B) * k), c.A}
}

// hex parses #rrggbb, the form every colour of the board package has.
func hex(s string) color.RGBA {
	if len(s) != 7 {
		return color.RGBA{A: 0xff}
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.RGBA{A: 0xff}
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}
