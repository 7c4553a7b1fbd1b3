package export

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/tdewolff/canvas"
	"golang.org/x/image/vector"
)

// glyphs draws text straight onto a PNG's pixels. canvas would turn
// every glyph of every line into a path and rasterize it over the whole
// image, which took most of the time of a large board's PNG; here each
// glyph is rasterized once per size and position within a pixel, and
// every other time its coverage mask is blended in as it is.
//
// It draws what canvas draws: the same outlines (the font's, without
// hinting), at the advances and kerning emWidth measures (the shaper's,
// as TestEmWidth checks), on a baseline snapped to whole pixels as
// canvas does for a face with its default vertical hinting, blended over
// the image the way canvas's rasterizer blends a fill.
type glyphs struct {
	img   *image.RGBA
	font  *canvas.Font // this picture's own (see loadFont)
	dpmm  float64      // pixels a millimetre
	masks map[glyphKey]*glyphMask
	ras   vector.Rasterizer
}

// subpixel is how many positions within a pixel a glyph can start at.
// Small text on a large board's picture has stems about half a pixel
// wide, where a quarter of a pixel still showed beside canvas's text;
// a sixteenth is within what two rasterizers differ by anyway.
const subpixel = 16

type glyphKey struct {
	id  uint16
	em  float64 // pixels an em
	sub int     // x position within a pixel, in 1/subpixel
}

// glyphMask is a glyph's coverage, placed relative to where its origin
// (the start of its advance, on the baseline) falls in a pixel.
type glyphMask struct {
	alpha *image.Alpha
	at    image.Point // the mask's top left relative to the origin's pixel
}

func newGlyphs(img *image.RGBA, f *canvas.Font, dpmm float64) *glyphs {
	return &glyphs{img: img, font: f, dpmm: dpmm, masks: map[glyphKey]*glyphMask{}}
}

// line draws s with its origin at (x, y) in millimetres, y pointing down
// and at the baseline, an em being em millimetres. align is canvas.Left,
// canvas.Right (x is the right edge) or canvas.Center.
func (g *glyphs) line(s string, x, y, em float64, fill color.RGBA, align canvas.TextAlign) {
	switch align {
	case canvas.Right:
		x -= emWidth(s) * em
	case canvas.Center:
		x -= emWidth(s) * em / 2
	}
	x, y, em = x*g.dpmm, math.Floor(y*g.dpmm+0.5), em*g.dpmm
	sfnt := g.font.SFNT
	scale := em / float64(sfnt.Head.UnitsPerEm)
	src := image.NewUniform(fill)
	adv := 0
	var prev uint16
	for i, r := range s {
		id := sfnt.GlyphIndex(r)
		if i > 0 {
			adv += int(sfnt.Kerning(prev, id))
		}
		prev = id
		gx := x + float64(adv)*scale
		adv += int(sfnt.GlyphAdvance(id))

		px := math.Floor(gx)
		sub := int(math.Round((gx - px) * subpixel))
		if sub == subpixel {
			px, sub = px+1, 0
		}
		m := g.mask(glyphKey{id, em, sub}, scale)
		if m == nil {
			continue
		}
		at := m.at.Add(image.Pt(int(px), int(y)))
		r := m.alpha.Rect.Add(at)
		draw.DrawMask(g.img, r, src, image.Point{}, m.alpha, image.Point{}, draw.Over)
	}
}

// mask returns a glyph's coverage, rasterizing it the first time; nil
// for a glyph without outlines (a space).
func (g *glyphs) mask(k glyphKey, scale float64) *glyphMask {
	if m, ok := g.masks[k]; ok {
		return m
	}
	var m *glyphMask
	xMin, yMin, xMax, yMax := g.font.GlyphBounds(k.id)
	if xMin < xMax && yMin < yMax {
		// A pixel to spare around the outline: antialiasing reaches into
		// the pixels its edges cross.
		ox := float64(k.sub) / subpixel
		x0 := int(math.Floor(ox+float64(xMin)*scale)) - 1
		x1 := int(math.Ceil(ox+float64(xMax)*scale)) + 1
		y0 := int(math.Floor(-float64(yMax)*scale)) - 1
		y1 := int(math.Ceil(-float64(yMin)*scale)) + 1
		w, h := x1-x0, y1-y0
		g.ras.Reset(w, h)
		g.ras.DrawOp = draw.Src
		// The outline comes with y pointing up, from the origin at (ox, 0).
		p := &maskPather{r: &g.ras, dx: -float64(x0), dy: -float64(y0)}
		if err := g.font.GlyphPath(p, k.id, 0, ox, 0, scale, noHinting); err == nil {
			alpha := image.NewAlpha(image.Rect(0, 0, w, h))
			g.ras.Draw(alpha, alpha.Rect, image.Opaque, image.Point{})
			m = &glyphMask{alpha: alpha, at: image.Pt(x0, y0)}
		}
	}
	g.masks[k] = m
	return m
}

// noHinting is font.NoHinting of github.com/tdewolff/font: outlines as
// the font has them, which is how canvas draws text too.
const noHinting = 0

// maskPather takes a glyph's outline, y up, into a vector rasterizer
// whose y points down, moved by (dx, dy).
type maskPather struct {
	r      *vector.Rasterizer
	dx, dy float64
}

func (p *maskPather) pt(x, y float64) (float32, float32) {
	return float32(x + p.dx), float32(-y + p.dy)
}

func (p *maskPather) MoveTo(x, y float64) { p.r.MoveTo(p.pt(x, y)) }
func (p *maskPather) LineTo(x, y float64) { p.r.LineTo(p.pt(x, y)) }
func (p *maskPather) QuadTo(cx, cy, x, y float64) {
	ax, ay := p.pt(cx, cy)
	bx, by := p.pt(x, y)
	p.r.QuadTo(ax, ay, bx, by)
}
func (p *maskPather) CubeTo(c1x, c1y, c2x, c2y, x, y float64) {
	ax, ay := p.pt(c1x, c1y)
	bx, by := p.pt(c2x, c2y)
	cx, cy := p.pt(x, y)
	p.r.CubeTo(ax, ay, bx, by, cx, cy)
}
func (p *maskPather) Close() { p.r.ClosePath() }
