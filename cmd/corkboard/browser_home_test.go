package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCreateFromHome: a teacher types a title on the home page and
// presses the button: the browser posts the form as a person's browser
// does (with the page's own Origin, under the page's referrer policy) and
// lands on the new board's facilitate page, on a laptop and on a phone.
func TestBrowserCreateFromHome(t *testing.T) {
	srv := mustLiveServer(t)
	for _, size := range [][2]int64{{1366, 768}, {390, 844}} {
		b := mustBrowser(t, size[0], size[1])
		b.do(chromedp.Navigate(srv.url + "/?lang=sv"))
		b.do(chromedp.SendKeys("#title", "Klass 7B: ljus"), chromedp.Click(`form.create button[type="submit"]`), chromedp.WaitReady("#board-config"))
		b.waitFor("the new board", `location.pathname.startsWith("/b/") && document.getElementById("board-title")?.textContent === "Klass 7B: ljus"`)
		if role := eval[string](b, `JSON.parse(document.getElementById("board-config").textContent).role`); role != "facilitate" {
			t.Errorf("%v: the creator's page has role %q", size, role)
		}
	}
}
