package export

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
)

// The SVG renderer embeds the font it subsets with the time of writing as
// the font's "modified" date (in its head table), so the same board would
// give a different file every second: no golden file, no cache, no ETag
// could hold. stableSVG puts the font's creation date there instead.

// fontData begins and ends the font data in the SVG renderer's
// @font-face rule.
const (
	fontDataStart = "data:type/opentype;base64,"
	fontDataEnd   = "');}"
)

// stableSVG returns svg with every embedded font's modified date set to
// its creation date. Anything it cannot read it leaves as it is.
func stableSVG(svg []byte) []byte {
	var out []byte
	rest := svg
	for {
		i := bytes.Index(rest, []byte(fontDataStart))
		if i < 0 {
			break
		}
		i += len(fontDataStart)
		j := bytes.Index(rest[i:], []byte(fontDataEnd))
		if j < 0 {
			break
		}
		font, err := base64.StdEncoding.DecodeString(string(rest[i : i+j]))
		if err != nil || !stableFontDate(font) {
			out = append(out, rest[:i+j]...)
		} else {
			out = append(out, rest[:i]...)
			out = base64.StdEncoding.AppendEncode(out, font)
		}
		rest = rest[i+j:]
	}
	if out == nil {
		return svg
	}
	return append(out, rest...)
}

// stableFontDate sets the modified date of an SFNT (TrueType or OpenType)
// font to its created date, and the checksums that cover it, in place. It
// reports false, changing nothing, for data it does not understand.
func stableFontDate(font []byte) bool {
	be := binary.BigEndian
	if len(font) < 12 || len(font)%4 != 0 {
		return false
	}
	n := int(be.Uint16(font[4:]))
	if len(font) < 12+16*n {
		return false
	}
	for k := range n {
		rec := font[12+16*k:]
		if string(rec[:4]) != "head" {
			continue
		}
		off, length := int(be.Uint32(rec[8:])), int(be.Uint32(rec[12:]))
		if length < 54 || off < 0 || off+length > len(font) {
			return false
		}
		head := font[off : off+length]
		copy(head[28:36], head[20:28]) // modified = created
		// The head table's checksum is taken with its checksum
		// adjustment as zero; the adjustment makes the whole font's
		// checksum 0xB1B0AFBA.
		be.PutUint32(head[8:], 0)
		be.PutUint32(rec[4:], checksum(font[off:off+(length+3)&^3]))
		be.PutUint32(head[8:], 0xB1B0AFBA-checksum(font))
		return true
	}
	return false
}

// checksum is the SFNT checksum: the sum of big-endian 32-bit words,
// the last padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	var last [4]byte
	copy(last[:], b)
	return sum + binary.BigEndian.Uint32(last[:])
}
