package views

import (
	"strings"
)

// Lang is the interface language of a page: its code and its strings.
type Lang struct {
	Code string
	Name string // the language's own name, for the switcher
	T    map[string]string
}

// Text returns the text for key in l's language, falling back to English.
func (l Lang) Text(key string) string {
	if s, ok := l.T[key]; ok {
		return s
	}
	if s, ok := english[key]; ok {
		return s
	}
	return key
}

// Strings returns every string of l, English filling any gaps: the page
// script's share of the interface text.
func (l Lang) Strings() map[string]string {
	all := make(map[string]string, len(english))
	for k, v := range english {
		all[k] = v
	}
	for k, v := range l.T {
		all[k] = v
	}
	return all
}

// Languages lists the interface languages, English first.
var Languages = []Lang{
	{Code: "en", Name: "English", T: english},
	{Code: "sv", Name: "Svenska", T: swedish},
}

// English returns the English interface language.
func English() Lang { return Languages[0] }

// LangByCode returns the language with the given code, and whether there is one.
func LangByCode(code string) (Lang, bool) {
	for _, l := range Languages {
		if l.Code == code {
			return l, true
		}
	}
	return English(), false
}

// NegotiateLang picks the first language of an Accept-Language header that
// Corkboard speaks (by its primary tag: sv-FI is Swedish), or English.
func NegotiateLang(acceptLanguage string) Lang {
	for part := range strings.SplitSeq(acceptLanguage, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if l, ok := LangByCode(primary); ok {
			return l
		}
	}
	return English()
}

var english = map[string]string{
	"app.tagline":               "A live board of sticky notes for a class or a team.",
	"home.intro1":               "Make a board, share its link, and everyone who opens it can add, move and edit notes at the same time. Every change shows on every screen within a blink.",
	"home.intro2":               "Boards are private: only people with the link can find them. Every change is saved on the server before it is confirmed, so nothing is lost if someone's connection drops.",
	"home.create":               "Create a board",
	"home.title":                "Board title",
	"home.titleDefault":         "Untitled board",
	"home.recent":               "Boards you opened recently",
	"home.recentNone":           "None yet in this browser.",
	"home.recentNote":           "This list is kept in your browser only.",
	"lang.label":                "Language",
	"board.add":                 "Add note",
	"board.noscript":            "This is a read-only view. Turn on JavaScript to edit the board live.",
	"board.notes":               "Notes",
	"board.people":              "People here",
	"board.undo":                "Undo",
	"board.redo":                "Redo",
	"board.zoomIn":              "Zoom in",
	"board.zoomOut":             "Zoom out",
	"board.fit":                 "Fit all notes",
	"board.largeText":           "Large text",
	"board.changeName":          "Change name",
	"board.rename":              "Double-click to rename the board",
	"board.help":                "Double-click or press N to add a note. Drag to move, drag the corner to resize, Enter to edit, Delete to remove. Shift-click or drag a band to select several. Ctrl+Z undoes.",
	"name.title":                "What is your name?",
	"name.help":                 "Others on the board see it beside your cursor and on your notes. It is kept in this browser.",
	"name.ok":                   "Join the board",
	"name.default":              "Guest",
	"note.label":                "Note",
	"note.empty":                "empty",
	"note.edit":                 "Note text",
	"people.you":                "(you)",
	"people.more":               "and {n} more",
	"action.color":              "Colour",
	"action.front":              "Bring to front",
	"action.duplicate":          "Duplicate",
	"action.delete":             "Delete",
	"selection.count":           "{n} notes selected",
	"status.connecting":         "Connecting…",
	"status.saved":              "Connected · all changes saved",
	"status.saving":             "Connected · saving…",
	"status.reconnecting":       "Reconnecting…",
	"status.reconnectingUnsent": "Reconnecting… {n} unsent changes are kept",
	"status.offline":            "Offline · {n} unsent changes are kept",
	"status.failed":             "Cannot connect.",
	"error.rejected":            "A change was not saved:",
	"error.tooLarge":            "A change was too large to save, so it was taken back. Make it in smaller steps, with fewer notes at a time.",
	"error.home":                "Go to the home page",
	"error.boardNotFound":       "Board not found",
	"error.boardNotFoundText":   "There is no board at this link. Check that the link was copied whole: board links are long on purpose, so nobody can guess them.",
	"error.pageNotFound":        "Page not found",
	"error.pageNotFoundText":    "There is nothing at this address.",
	"error.generic":             "Something went wrong",
	"color.yellow":              "yellow",
	"color.orange":              "orange",
	"color.pink":                "pink",
	"color.purple":              "purple",
	"color.blue":                "blue",
	"color.green":               "green",
	"color.grey":                "grey",
	"color.white":               "white",
}

var swedish = map[string]string{
	"app.tagline":               "En levande tavla med lappar för en klass eller ett team.",
	"home.intro1":               "Skapa en tavla, dela länken, och alla som öppnar den kan lägga till, flytta och ändra lappar samtidigt. Varje ändring syns på alla skärmar på ett ögonblick.",
	"home.intro2":               "Tavlor är privata: bara den som har länken hittar dem. Varje ändring sparas på servern innan den bekräftas, så inget går förlorat om någons uppkoppling bryts.",
	"home.create":               "Skapa en tavla",
	"home.title":                "Tavlans namn",
	"home.titleDefault":         "Namnlös tavla",
	"home.recent":               "Tavlor du nyligen öppnat",
	"home.recentNone":           "Inga än i den här webbläsaren.",
	"home.recentNote":           "Listan finns bara i din webbläsare.",
	"lang.label":                "Språk",
	"board.add":                 "Ny lapp",
	"board.noscript":            "Det här är en skrivskyddad vy. Slå på JavaScript för att ändra tavlan live.",
	"board.notes":               "Lappar",
	"board.people":              "Här just nu",
	"board.undo":                "Ångra",
	"board.redo":                "Gör om",
	"board.zoomIn":              "Zooma in",
	"board.zoomOut":             "Zooma ut",
	"board.fit":                 "Visa alla lappar",
	"board.largeText":           "Stor text",
	"board.changeName":          "Byt namn",
	"board.rename":              "Dubbelklicka för att byta namn på tavlan",
	"board.help":                "Dubbelklicka eller tryck N för en ny lapp. Dra för att flytta, dra i hörnet för att ändra storlek, Enter för att skriva, Delete för att ta bort. Skift-klicka eller dra en ram för att välja flera. Ctrl+Z ångrar.",
	"name.title":                "Vad heter du?",
	"name.help":                 "Andra på tavlan ser namnet vid din muspekare och på dina lappar. Det sparas i den här webbläsaren.",
	"name.ok":                   "Gå in på tavlan",
	"name.default":              "Gäst",
	"note.label":                "Lapp",
	"note.empty":                "tom",
	"note.edit":                 "Lappens text",
	"people.you":                "(du)",
	"people.more":               "och {n} till",
	"action.color":              "Färg",
	"action.front":              "Lägg överst",
	"action.duplicate":          "Kopiera",
	"action.delete":             "Ta bort",
	"selection.count":           "{n} lappar valda",
	"status.connecting":         "Ansluter…",
	"status.saved":              "Ansluten · allt är sparat",
	"status.saving":             "Ansluten · sparar…",
	"status.reconnecting":       "Ansluter igen…",
	"status.reconnectingUnsent": "Ansluter igen… {n} osparade ändringar finns kvar",
	"status.offline":            "Frånkopplad · {n} osparade ändringar finns kvar",
	"status.failed":             "Kan inte ansluta.",
	"error.rejected":            "En ändring sparades inte:",
	"error.tooLarge":            "En ändring var för stor för att sparas, så den togs tillbaka. Gör den i mindre steg, med färre lappar åt gången.",
	"error.home":                "Till startsidan",
	"error.boardNotFound":       "Tavlan finns inte",
	"error.boardNotFoundText":   "Det finns ingen tavla på den här länken. Kontrollera att hela länken kom med: tavlornas länkar är långa med flit, så att ingen kan gissa dem.",
	"error.pageNotFound":        "Sidan finns inte",
	"error.pageNotFoundText":    "Det finns inget på den här adressen.",
	"error.generic":             "Något gick fel",
	"color.yellow":              "gul",
	"color.orange":              "orange",
	"color.pink":                "rosa",
	"color.purple":              "lila",
	"color.blue":                "blå",
	"color.green":               "grön",
	"color.grey":                "grå",
	"color.white":               "vit",
}
