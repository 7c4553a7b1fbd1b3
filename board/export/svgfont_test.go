package export

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"slices"
	"testing"

	"golang.org/x/image/font/gofont/goregular"
)

// TestStableFontDate: the patched font has its created date as its
// modified date, and checksums a font reader accepts.
func TestStableFontDate(t *testing.T) {
	font := slices.Clone(goregular.TTF)
	be := binary.BigEndian
	head := tableOf(t, font, "head")
	be.PutUint64(head[28:], 12345) // as if written at another time
	if !stableFontDate(font) {
		t.Fatal("the Go font was not understood")
	}
	head = tableOf(t, font, "head")
	if !bytes.Equal(head[20:28], head[28:36]) {
		t.Errorf("modified %x, want created %x", head[28:36], head[20:28])
	}
	adjust := be.Uint32(head[8:])
	be.PutUint32(head[8:], 0)
	n := int(be.Uint16(font[4:]))
	for k := range n {
		rec := font[12+16*k:]
		off, length := be.Uint32(rec[8:]), be.Uint32(rec[12:])
		if got, want := checksum(font[off:off+length]), be.Uint32(rec[4:]); got != want {
			t.Errorf("table %s: checksum %x, want %x", rec[:4], got, want)
		}
	}
	if got := 0xB1B0AFBA - checksum(font); got != adjust {
		t.Errorf("checksum adjustment %x, want %x", adjust, got)
	}

	if stableFontDate([]byte("not a font")) {
		t.Error("changed what is not a font")
	}
	svg := []byte(`<svg><style>@font-face{src:url('` + fontDataStart + base64.StdEncoding.EncodeToString([]byte("junk")) + fontDataEnd + `</style></svg>`)
	if got := stableSVG(svg); !bytes.Equal(got, svg) {
		t.Errorf("changed an SVG whose font it cannot read: %s", got)
	}
}

func tableOf(t *testing.T, font []byte, tag string) []byte {
	t.Helper()
	be := binary.BigEndian
	for k := range int(be.Uint16(font[4:])) {
		rec := font[12+16*k:]
		if string(rec[:4]) == tag {
			off, length := be.Uint32(rec[8:]), be.Uint32(rec[12:])
			return font[off : off+length]
		}
	}
	t.Fatalf("no %s table", tag)
	return nil
}
