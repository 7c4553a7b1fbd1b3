package main

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"corkboard/board"
	"corkboard/board/export"
)

// exportNotes are three notes in the middle of a board, for the page to
// download, import and paste around.
func exportNotes() []board.Op {
	texts := []string{"Photosynthesis 🌱", "Why is the sky blue?\nRayleigh scattering", "Åsa's question"}
	var ops []board.Op
	for i, text := range texts {
		x, y, text, color := float64(300+i*240), 300.0, text, board.Palette[i]
		ops = append(ops, board.Op{Kind: board.KindCreate, Note: &board.NewNote{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), X: &x, Y: &y, Text: &text, Color: &color}})
	}
	return ops
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// openMenuEntry opens the ⋯ menu and clicks one of its entries.
func (b *browser) openMenuEntry(id string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.ID("more")), chromedp.Click(chromedp.ID(id)))
}

// downloadLinks is every link of the Download panel: its href, whether it
// downloads, and its words.
const downloadLinks = `[...document.querySelectorAll("#download-links a")].map((a) => [a.getAttribute("href"), String(a.hasAttribute("download")), a.textContent])`

// fetchLinks fetches every link of the Download panel from the page and
// returns, for each, its status, Content-Type and Content-Disposition, and
// whether it had a body.
const fetchLinks = `Promise.all([...document.querySelectorAll("#download-links a")].map(async (a) => {
  const r = await fetch(a.href);
  const body = await r.arrayBuffer();
  return [String(r.status), r.headers.get("content-type"), r.headers.get("content-disposition") || "", String(body.byteLength > 0)];
}))`

// TestBrowserDownload: the ⋯ menu's Download panel lists every format
// with a link to the board's export through the page's own link, in the
// page's language (PDF on A4 and on Letter), and each link answers 200
// with its format's Content-Type as a file to save. It opens from the
// keyboard with its first link focused, and Escape closes it and gives
// focus back to ⋯. A view link's page has it too, through the view link,
// and no Paste a list.
func TestBrowserDownload(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Class 7B: Friday's questions")
	id := created.facilitate()
	mustApply(t, wsURL(srv.url, id), exportNotes())
	view := path.Base(created.Links[board.RoleView].URL)

	b := mustScreen(t, laptopScreen)
	b.openWith(srv.url, id, map[string]string{"corkboard:name": "Ada"})
	for _, tc := range []struct{ link, lang string }{{id, "sv"}, {view, "en"}} {
		b.do(chromedp.Navigate(srv.url + "/b/" + tc.link + "?lang=" + tc.lang))
		b.waitLive()
		if got, want := eval[bool](b, `!!document.getElementById("paste-open")`), tc.link == id; got != want {
			t.Errorf("%s: Paste a list in the menu: %v, want %v", tc.link, got, want)
		}
		// From the keyboard: the ⋯ button opens the menu on its first entry
		// shown on a laptop (the first of all is a phone's); Escape shuts
		// it; the arrows walk it to Download.
		eval[chromedp.Void](b, `document.getElementById("more").focus()`)
		b.do(chromedp.KeyEvent(kb.Enter))
		b.waitFor("the menu, on its first entry", `!document.getElementById("more-menu").hidden && document.activeElement?.id === "change-name"`)
		b.press("Escape", "Escape", 27)
		b.waitFor("the menu shut, the focus on ⋯", `document.getElementById("more-menu").hidden && document.activeElement?.id === "more"`)
		b.do(chromedp.KeyEvent(kb.Enter))
		b.waitFor("the menu again", `!document.getElementById("more-menu").hidden && document.activeElement?.id === "change-name"`)
		for range 20 {
			if eval[bool](b, `document.activeElement?.id === "download-open"`) {
				break
			}
			b.press("ArrowDown", "ArrowDown", 40)
		}
		b.waitFor("Download, walked to with the arrows", `document.activeElement?.id === "download-open"`)
		b.do(chromedp.KeyEvent(kb.Enter))
		b.waitFor("the Download panel", `document.getElementById("download-dialog").open && document.activeElement === document.querySelector("#download-links a")`)

		links := eval[[][]string](b, downloadLinks)
		// Every format the server writes, in its order, and a PDF on
		// Letter paper besides A4.
		var want []string
		formats := append(slices.Clone(export.Formats), export.PDF)
		for i, f := range formats {
			q := "?lang=" + tc.lang
			if i == len(formats)-1 {
				q = "?paper=letter&lang=" + tc.lang
			}
			want = append(want, "/b/"+tc.link+"/export."+string(f)+q)
		}
		var got []string
		for _, l := range links {
			got = append(got, l[0])
			if l[1] != "true" || strings.TrimSpace(l[2]) == "" {
				t.Errorf("link %s: download %s, words %q", l[0], l[1], l[2])
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: links\n%q\nwant\n%q", tc.link, got, want)
		}
		answers := eval[[][]string](b, fetchLinks, chromedp.EvalAwaitPromise)
		if len(answers) != len(formats) {
			t.Fatalf("%d answers for %d links", len(answers), len(formats))
		}
		for i, a := range answers {
			f := formats[i]
			if a[0] != "200" || a[1] != f.ContentType() || !strings.HasPrefix(a[2], "attachment") || a[3] != "true" {
				t.Errorf("%s: status %s, Content-Type %q, Content-Disposition %q, body %s; want 200, %q, an attachment, a body", want[i], a[0], a[1], a[2], a[3], f.ContentType())
			}
		}
		b.press("Escape", "Escape", 27)
		b.waitFor("the panel to close, and focus back on ⋯", `!document.getElementById("download-dialog").open && document.activeElement === document.getElementById("more")`)

		// An entry that opens nothing (Large text): chosen with Enter, the
		// menu closes and the focus is on ⋯ again, twice over. A dialog
		// opened from the menu (Moderation, the facilitator's) gives the
		// focus back to ⋯ when it closes.
		entries := []string{"large-text", "large-text"}
		if tc.link == id {
			entries = append(entries, "moderation-menu")
		}
		for _, entry := range entries {
			b.do(chromedp.KeyEvent(kb.Enter))
			b.waitFor("the menu", `!document.getElementById("more-menu").hidden`)
			b.press("End", "End", 35)
			for range 30 {
				if eval[bool](b, `document.activeElement?.id === "`+entry+`"`) {
					break
				}
				b.press("ArrowUp", "ArrowUp", 38)
			}
			b.do(chromedp.KeyEvent(kb.Enter))
			if entry == "moderation-menu" {
				b.waitFor("the Moderation dialog", `document.getElementById("moderation-dialog").open`)
				b.press("Escape", "Escape", 27)
			}
			b.waitFor("the menu shut, the focus on ⋯ after "+entry, `document.getElementById("more-menu").hidden && !document.querySelector("dialog[open]") && document.activeElement?.id === "more"`)
		}
	}
}

// setImportFile chooses a file on the home page's import control, as a
// person picking it would, and returns at once.
func (b *browser) setImportFile(name, content string) {
	b.t.Helper()
	eval[chromedp.Void](b, fmt.Sprintf(`((content, name) => {
  const dt = new DataTransfer();
  dt.items.add(new File([content], name, { type: "application/json" }));
  const input = document.getElementById("import-file");
  input.files = dt.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
})(%s, %s)`, jsString(content), jsString(name)))
}

// TestBrowserImport: a JSON export chosen on the home page becomes a new
// board, which opens at its facilitate link with the export's title and
// notes. A file the server refuses stays on the home page, with the
// server's words for what is wrong beside the control, read out (an
// aria-live region), and the control ready for another file.
func TestBrowserImport(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Class 7B: Friday's questions")
	id := created.facilitate()
	mustApply(t, wsURL(srv.url, id), exportNotes())

	b := mustScreen(t, laptopScreen)
	b.openWith(srv.url, id, map[string]string{"corkboard:name": "Ada"})
	exported := eval[string](b, fmt.Sprintf(`fetch("/b/%s/export.json").then((r) => r.text())`, id), chromedp.EvalAwaitPromise)
	if !strings.Contains(exported, "Åsa's question") {
		t.Fatalf("the export does not hold the notes: %.300s", exported)
	}

	b.do(chromedp.Navigate(srv.url + "/?lang=en"))
	b.waitFor("the import control", `!document.getElementById("import").hidden`)
	if got := eval[string](b, `document.getElementById("import-message").getAttribute("aria-live")`); got != "polite" {
		t.Errorf("the import message has aria-live %q", got)
	}
	b.setImportFile("notes.json", `{"hello": "world"}`)
	b.waitFor("the server's words", `document.getElementById("import-message").textContent.includes("notes.json could not be imported: this is not a Corkboard board export")`)
	if got := eval[[]string](b, `[location.pathname, document.getElementById("import-file").getAttribute("aria-invalid"), String(document.getElementById("import-file").disabled)]`); !slices.Equal(got, []string{"/", "true", "false"}) {
		t.Errorf("after a refused file: path, aria-invalid, disabled = %q", got)
	}

	b.setImportFile("Friday.json", exported)
	// The page goes to the new board: waited for by its notes' element,
	// which the home page has not (a script's poll ends with the page).
	b.do(chromedp.WaitReady(chromedp.ID("board")))
	b.waitLive()
	if p := eval[string](b, `location.pathname`); !strings.HasPrefix(p, "/b/") || p == "/b/"+id {
		t.Fatalf("after the import the page is at %s, want a new board", p)
	}
	if got := eval[string](b, `corkboard.role`); got != "facilitate" {
		t.Errorf("the new board opened with role %q, want facilitate", got)
	}
	b.waitFor("the notes", `corkboard.view().notes.size === 3`)
	got := eval[[]string](b, `[document.getElementById("board-title").textContent, ...[...corkboard.view().notes.values()].map((n) => n.text).sort()]`)
	want := []string{"Class 7B: Friday's questions", "Photosynthesis 🌱", "Why is the sky blue?\nRayleigh scattering", "Åsa's question"}
	if !slices.Equal(got, want) {
		t.Errorf("the imported board: %q, want %q", got, want)
	}
	if n := eval[float64](b, `document.querySelectorAll("#board .note").length`); n != 3 {
		t.Errorf("%v notes drawn, want 3", n)
	}
}

// pastedIDs is a JS expression: the ids of the notes whose text is one of
// the words of a pasted list.
const pastedIDs = `[...corkboard.view().notes.values()].filter((n) => ["Alpha", "Beta", "Gamma"].includes(n.text)).map((n) => n.id)`

// pasteList opens Paste a list from the ⋯ menu and types list into it.
func (b *browser) pasteList(list string) {
	b.t.Helper()
	b.openMenuEntry("paste-open")
	b.waitFor("the paste dialog", `document.getElementById("paste-dialog").open && document.activeElement === document.getElementById("paste-text")`)
	b.do(chromedp.SendKeys(chromedp.ID("paste-text"), list))
}

// TestBrowserPasteList: on a laptop and a phone, a list of three lines
// typed into Paste a list becomes three notes, saved on the server, in
// free space on screen (wholly visible, under no bar), overlapping no
// note, and selected; Ctrl+Z takes all three away at once. A line longer
// than a note holds is refused before anything is sent, with a message
// naming the line, and the dialog keeps the list.
func TestBrowserPasteList(t *testing.T) {
	for _, s := range []classScreen{laptopScreen, phoneScreen} {
		t.Run(s.name, func(t *testing.T) {
			srv := mustLiveServer(t)
			id := mustCreate(t, srv.url, "Paste")
			mustApply(t, wsURL(srv.url, id), exportNotes())
			b := mustScreen(t, s)
			b.openWith(srv.url, id, map[string]string{"corkboard:name": "Ada"})
			b.waitFor("the notes", `document.querySelectorAll("#board .note").length === 3`)

			b.pasteList("Alpha\n\n  Beta  \nGamma")
			b.waitFor("the button to count the notes", `document.getElementById("paste-add").textContent === "Add 3 notes"`)
			b.do(chromedp.Click(chromedp.ID("paste-add")))
			b.waitFor("three new notes, saved", `!document.getElementById("paste-dialog").open && corkboard.state.confirmed.notes.size === 6`)
			if n := len(mustGetBoard(t, srv.url, id).Notes); n != 6 {
				t.Errorf("the server has %d notes, want 6", n)
			}
			b.nextFrame()
			if bad := eval[[]string](b, overlappingJS); len(bad) > 0 {
				t.Errorf("overlapping notes: %q", bad)
			}
			ids := eval[[]string](b, pastedIDs)
			if len(ids) != 3 {
				t.Fatalf("pasted notes: %q", ids)
			}
			if bad := eval[[]string](b, coveredJS+"("+pastedIDs+")"); len(bad) > 0 {
				t.Errorf("the pasted notes are not all in view: %q", bad)
			}
			if got := eval[[]string](b, `[...corkboard.ui.selected].sort()`); !slices.Equal(got, slices.Sorted(slices.Values(ids))) {
				t.Errorf("selected %q, want the pasted notes %q", got, ids)
			}
			b.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
			b.waitFor("the undo", `corkboard.state.confirmed.notes.size === 3`)

			// A line too long for a note.
			b.pasteList("ok\n")
			eval[chromedp.Void](b, `(() => { const t = document.getElementById("paste-text"); t.value += "x".repeat(corkboard.limits.maxTextRunes + 1); t.dispatchEvent(new Event("input")); })()`)
			b.do(chromedp.Click(chromedp.ID("paste-add")))
			b.waitFor("the message", `!document.getElementById("paste-error").hidden`)
			msg := eval[string](b, `document.getElementById("paste-error").textContent`)
			if !strings.HasPrefix(msg, "Line 2 is too long for a note: it has 5,001 characters") {
				t.Errorf("the message says %q", msg)
			}
			if got := eval[[]string](b, `[String(document.getElementById("paste-dialog").open), document.getElementById("paste-text").getAttribute("aria-invalid"), String(document.getElementById("paste-text").value.length), String(corkboard.view().notes.size)]`); !slices.Equal(got, []string{"true", "true", "5004", "3"}) {
				t.Errorf("after a refused list: open, aria-invalid, length, notes = %q", got)
			}
			b.press("Escape", "Escape", 27)
			b.waitFor("the dialog to close", `!document.getElementById("paste-dialog").open`)
		})
	}
}

// TestScreenshotsTransfer saves, for a person to look at, the ⋯ menu, the
// Download panel, Paste a list (with a list, and refusing one) and the
// notes it added, and the home page refusing an import, on a phone and a
// laptop, in both languages (the phone in Swedish dark too).
func TestScreenshotsTransfer(t *testing.T) {
	srv := mustLiveServer(t)
	created := mustCreateBoard(t, srv.url, "Class 7B: what did we learn this week?")
	id := created.facilitate()
	mustApply(t, wsURL(srv.url, id), exportNotes())
	dir := screenshotDir(t)
	list := "What went well\nWhat to try next\nA question for Friday"
	for _, s := range []classScreen{phoneScreen, laptopScreen} {
		t.Run(s.name, func(t *testing.T) {
			b := mustScreen(t, s)
			b.openWith(srv.url, id, map[string]string{"corkboard:name": "Ada"})
			for _, v := range []struct{ lang, scheme string }{{"en", "light"}, {"sv", "light"}, {"sv", "dark"}} {
				if v.scheme == "dark" && !s.phone {
					continue
				}
				name := fmt.Sprintf("%s-%s-%s", s.name, v.lang, v.scheme)
				b.setColorScheme(v.scheme)
				b.do(chromedp.Navigate(srv.url + "/b/" + id + "?lang=" + v.lang))
				b.waitLive()
				b.do(chromedp.Click(chromedp.ID("more")))
				b.nextFrame()
				b.screenshot(dir, "transfer-menu-"+name)
				b.do(chromedp.Click(chromedp.ID("download-open")))
				b.waitFor("the Download panel", `document.getElementById("download-dialog").open`)
				b.nextFrame()
				b.screenshot(dir, "download-"+name)
				b.press("Escape", "Escape", 27)

				b.pasteList(list)
				b.nextFrame()
				b.screenshot(dir, "paste-"+name)
				eval[chromedp.Void](b, `(() => { const t = document.getElementById("paste-text"); t.value += "\n" + "x".repeat(5001); t.dispatchEvent(new Event("input")); })()`)
				b.do(chromedp.Click(chromedp.ID("paste-add")))
				b.waitFor("the message", `!document.getElementById("paste-error").hidden`)
				b.nextFrame()
				b.screenshot(dir, "paste-"+name+"-error")
				eval[chromedp.Void](b, fmt.Sprintf(`(() => { const t = document.getElementById("paste-text"); t.value = %s; t.dispatchEvent(new Event("input")); })()`, jsString(list)))
				b.do(chromedp.Click(chromedp.ID("paste-add")))
				b.waitFor("the notes", `corkboard.state.confirmed.notes.size === 6`)
				b.nextFrame()
				b.screenshot(dir, "pasted-"+name)
				b.press("z", "KeyZ", 90, chromedp.ModifierCtrl)
				b.waitFor("the undo", `corkboard.state.confirmed.notes.size === 3`)

				b.do(chromedp.Navigate(srv.url + "/?lang=" + v.lang))
				b.waitFor("the import control", `!document.getElementById("import").hidden`)
				b.setImportFile("retro.json", `{"format": "trello"}`)
				b.waitFor("the server's words", `document.getElementById("import-message").classList.contains("form-error")`)
				eval[chromedp.Void](b, `document.getElementById("import").scrollIntoView({ block: "center" })`)
				b.screenshot(dir, "import-"+name+"-error")
			}
		})
	}
	t.Logf("screenshots in %s", dir)
}
