package export

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"image"
	"io"
	"runtime"
	"sync"
)

// encodePNG writes an opaque image as an 8-bit RGB PNG.
//
// image/png tries all five row filters on every row and keeps the best,
// which took two thirds of the time of a large board's PNG. A board's
// picture is flat colour in rectangles with text on it, where the "up"
// filter (each row less the one above) leaves almost nothing but the
// edges and the text: one filter, and the file is about as small. The
// rows are compressed in a few parts at once, each part a run of whole
// deflate blocks ending on a byte boundary (a sync flush), so the parts
// put one after the other are one zlib stream, as pigz does it.
//
// Only what the picture has is kept: alpha is dropped (the background
// covers the whole picture).
func encodePNG(w io.Writer, img *image.RGBA) error {
	b := img.Bounds()
	width, height := b.Dx(), b.Dy()

	// Parts of at least pngPartRows rows, one for each processor.
	parts := min(runtime.GOMAXPROCS(0), max(1, height/pngPartRows), maxPNGParts)
	type part struct {
		data   bytes.Buffer
		adler  uint32
		length int64 // the bytes compressed
		err    error
	}
	ps := make([]part, parts)
	var wg sync.WaitGroup
	for i := range ps {
		wg.Go(func() {
			p := &ps[i]
			y0, y1 := b.Min.Y+height*i/parts, b.Min.Y+height*(i+1)/parts
			fw, _ := flate.NewWriter(&p.data, flate.BestSpeed)
			sum := adler32.New()
			out := io.MultiWriter(fw, sum)
			prev := make([]byte, 3*width) // a row of zeros above the first
			cur := make([]byte, 3*width)
			line := make([]byte, 1+3*width)
			if y0 > b.Min.Y {
				rgb(prev, img, y0-1)
			}
			for y := y0; y < y1; y++ {
				rgb(cur, img, y)
				line[0] = pngFilterUp
				for j, c := range cur {
					line[1+j] = c - prev[j]
				}
				if _, err := out.Write(line); err != nil {
					p.err = err
					return
				}
				prev, cur = cur, prev
			}
			if i < parts-1 {
				p.err = fw.Flush()
			} else {
				p.err = fw.Close()
			}
			p.adler, p.length = sum.Sum32(), int64(1+3*width)*int64(y1-y0)
		})
	}
	wg.Wait()

	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8] = 8 // bits a sample
	ihdr[9] = 2 // RGB
	// ihdr[10:13]: deflate, adaptive filtering, no interlace: all zero.
	if _, err := io.WriteString(w, "\x89PNG\r\n\x1a\n"); err != nil {
		return err
	}
	if err := writeChunk(w, "IHDR", ihdr[:]); err != nil {
		return err
	}
	// The zlib header: deflate with a 32 KiB window, the fastest level.
	if err := writeChunk(w, "IDAT", []byte{0x78, 0x01}); err != nil {
		return err
	}
	sum := uint32(1) // the Adler-32 of nothing
	for i := range ps {
		p := &ps[i]
		if p.err != nil {
			return p.err
		}
		if err := writeChunk(w, "IDAT", p.data.Bytes()); err != nil {
			return err
		}
		sum = adler32Combine(sum, p.adler, p.length)
	}
	var trailer [4]byte
	binary.BigEndian.PutUint32(trailer[:], sum)
	if err := writeChunk(w, "IDAT", trailer[:]); err != nil {
		return err
	}
	return writeChunk(w, "IEND", nil)
}

const (
	pngFilterUp = 2
	// pngPartRows keeps a part long enough that starting a compressor
	// and the bytes a flush adds are nothing beside its rows.
	pngPartRows = 64
	// maxPNGParts bounds the memory the parts take at once.
	maxPNGParts = 8
)

// rgb copies row y of img into dst as RGB.
func rgb(dst []byte, img *image.RGBA, y int) {
	b := img.Bounds()
	src := img.Pix[img.PixOffset(b.Min.X, y):]
	for x, j := 0, 0; j < len(dst); x, j = x+4, j+3 {
		dst[j], dst[j+1], dst[j+2] = src[x], src[x+1], src[x+2]
	}
}

// writeChunk writes a PNG chunk: its length, type, data and the CRC-32
// of type and data.
func writeChunk(w io.Writer, typ string, data []byte) error {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	crc.Write(data)
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], crc.Sum32())
	for _, b := range [][]byte{head[:], data, tail[:]} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// adler32Combine returns the Adler-32 of two pieces of data put together
// from the Adler-32 of each and the length of the second (zlib's
// adler32_combine).
func adler32Combine(a1, a2 uint32, len2 int64) uint32 {
	const base = 65521
	rem := uint32(len2 % base)
	s1 := a1 & 0xffff
	s2 := rem * s1 % base
	s1 += a2&0xffff + base - 1
	s2 += a1>>16 + a2>>16 + base - rem
	if s1 >= base {
		s1 -= base
	}
	if s1 >= base {
		s1 -= base
	}
	if s2 >= 2*base {
		s2 -= 2 * base
	}
	if s2 >= base {
		s2 -= base
	}
	return s2<<16 | s1
}
