package views

import "maps"

// The words of a board's end (deleting it, the retention notice, the page
// of a deleted board) and of the privacy page. The privacy page is prose
// that is read and checked as a whole, in both languages, against what
// the server does: it lives here, apart from the interface's labels in
// lang.go, and joins them when the package loads.
func init() {
	maps.Copy(english, englishLifecycle)
	maps.Copy(swedish, swedishLifecycle)
}

var englishLifecycle = map[string]string{
	// Deleting a board (assets/lifecycle.js), facilitators only.
	"delete.open":       "Delete board…",
	"delete.title":      "Delete this board?",
	"delete.warning":    "Everyone loses it. Its notes, comments, votes and history are deleted from the server, for everyone, and every link to it stops working. This cannot be undone.",
	"delete.exportHelp": "To keep a copy, download it first: a JSON file can be imported again as a new board.",
	"delete.export":     "Download a copy (JSON)",
	"delete.confirm":    "I understand: the board is deleted for everyone",
	"delete.submit":     "Delete the board",
	"delete.deleting":   "Deleting…",
	"delete.failed":     "The board was not deleted: {message}",

	// The cover of a board deleted while it was open (close 4006).
	"closed.deletedTitle": "This board was deleted",
	"closed.deleted":      "Its notes and history are gone from the server, and its links no longer work.",

	// The page of a deleted board's link (410).
	"deleted.title":       "This board was deleted",
	"deleted.facilitator": "Its facilitator deleted it on {date}.",
	"deleted.retention":   "It was deleted on {date}, because nobody had opened it for as long as this server keeps boards.",
	"deleted.when":        "It was deleted on {date}.",
	"deleted.gone":        "Its notes, comments, votes and history are gone from the server, and its links no longer work.",
	"deleted.copy":        "If you downloaded a copy (JSON), you can import it on the home page as a new board.",

	// The notice facilitators see when the server deletes unvisited boards.
	"retention.notice":   "Boards on this server are deleted after {days} days without a visit. This one will be deleted on {date} unless someone opens it before then.",
	"retention.download": "Download a copy",
	"retention.hide":     "Hide this notice",
	"retention.label":    "When this board is deleted",

	// The privacy page.
	"privacy.link":           "Privacy and data",
	"privacy.title":          "Privacy and data",
	"privacy.intro":          "Corkboard runs on a server of whoever set it up, such as your school. This page says what that server keeps, for how long, and how to remove it.",
	"privacy.storedTitle":    "What the server keeps",
	"privacy.stored.boards":  "Boards: their titles, notes (text, colour, place), comments, votes and reactions, with the display name each person chose and when they did it. A facilitator can choose that names are shown only to facilitators, or not kept at all: then the server keeps no display name from that moment on.",
	"privacy.stored.ids":     "A participant id for each browser: a random id, made from a secret the browser keeps. It marks a person's notes and votes so that they stay theirs; it is not tied to an account, an email address or a device.",
	"privacy.stored.history": "Each board's history: every change ever made to it (who, by display name and participant id, and when), and kept snapshots, whole copies of the board (when it was made, every 10 minutes of activity, when everyone left, and the ones people name). History lets anyone with a link go back, replay and restore.",
	"privacy.stored.links":   "The board's links and join code, and the day it was last opened (the date only).",
	"privacy.stored.not":     "No accounts, passwords or email addresses. Who is on a board right now, and where their cursor is, is kept in memory only while they are there.",
	"privacy.logTitle":       "The server's log",
	"privacy.log":            "One line per request: its method, the address with the board's link hidden, the answer's status and how long it took. No IP addresses, display names or note text (only a request that makes the server fail outright is logged with its address). Errors name a board's internal id. Whoever runs the server decides how long the log is kept; Corkboard only writes it out.",
	"privacy.addresses":      "To stop join codes from being guessed, the server counts the codes each address (or home network) tries, in memory only, until it restarts; the count is never written to disk or to the log. Only the operator's own backup downloads are logged with the address that fetched them.",
	"privacy.browserTitle":   "In your browser",
	"privacy.browser":        "Your browser keeps your display name and colour, your participant secret, the list of boards you opened recently, changes not yet saved, and choices such as large text. They stay in this browser and go to no one but this server (the secret only to prove it is you). Clearing this site's data removes them.",
	"privacy.sitesTitle":     "No other sites",
	"privacy.sites":          "Corkboard's pages load nothing from any other site: no fonts, scripts, analytics or trackers, and they ask the browser not to tell other sites a board's address. The QR codes are drawn by this server.",
	"privacy.deleteTitle":    "Deleting",
	"privacy.deleteNote":     "A note: deleting it takes it off the board and puts it in the board's trash, from which a facilitator can bring it back for 30 days; the board's history still holds it too. It leaves the server with the board.",
	"privacy.deleteBoard":    "A board: its facilitator opens ⋯ and chooses Delete board… Everything of it (notes, comments, votes, history, snapshots, links) is removed from the server at once, for everyone, and its links then say that it was deleted. All the server keeps is that it was: its internal id, when and why, and fingerprints of its links from which the links cannot be worked out.",
	"privacy.deleteBackups":  "Backups the operator took before a board was deleted still hold it, for as long as they keep them; backups taken afterwards do not. Inside the database file, deleted data may stay in unused space until the server writes over it; the operator can remove it at once.",
	"privacy.retentionOn":    "On this server, boards that nobody opens for {days} days are deleted in the same way. A board's facilitator sees on the board when that would be.",
	"privacy.retentionOff":   "This server keeps boards until they are deleted: it deletes none for want of visits.",
	"privacy.historyOn":      "This server drops changes older than {days} days from each board's history, once a kept snapshot holds them; the kept snapshots stay.",
	"privacy.historyOff":     "This server keeps every change of a board's history for as long as it keeps the board.",
	"privacy.ask":            "The people who run this server decide how long its backups and logs are kept. Ask them about anything this page leaves open.",
}

var swedishLifecycle = map[string]string{
	"delete.open":       "Radera tavlan…",
	"delete.title":      "Radera tavlan?",
	"delete.warning":    "Alla förlorar den. Dess lappar, kommentarer, röster och historik raderas från servern, för alla, och alla länkar till den slutar fungera. Det går inte att ångra.",
	"delete.exportHelp": "Ladda ner en kopia först om du vill spara den: en JSON-fil kan importeras igen som en ny tavla.",
	"delete.export":     "Ladda ner en kopia (JSON)",
	"delete.confirm":    "Jag förstår: tavlan raderas för alla",
	"delete.submit":     "Radera tavlan",
	"delete.deleting":   "Raderar…",
	"delete.failed":     "Tavlan raderades inte: {message}",

	"closed.deletedTitle": "Tavlan har raderats",
	"closed.deleted":      "Dess lappar och historik finns inte längre på servern, och länkarna till den fungerar inte längre.",

	"deleted.title":       "Tavlan har raderats",
	"deleted.facilitator": "Den som leder tavlan raderade tavlan den {date}.",
	"deleted.retention":   "Den raderades den {date}, eftersom ingen hade öppnat den på så länge som den här servern sparar tavlor.",
	"deleted.when":        "Den raderades den {date}.",
	"deleted.gone":        "Dess lappar, kommentarer, röster och historik finns inte längre på servern, och länkarna till den fungerar inte längre.",
	"deleted.copy":        "Om du laddade ner en kopia (JSON) kan du importera den på startsidan som en ny tavla.",

	"retention.notice":   "Tavlor på den här servern raderas efter {days} dagar utan besök. Den här raderas den {date} om ingen öppnar den innan dess.",
	"retention.download": "Ladda ner en kopia",
	"retention.hide":     "Dölj meddelandet",
	"retention.label":    "När tavlan raderas",

	"privacy.link":           "Integritet och data",
	"privacy.title":          "Integritet och data",
	"privacy.intro":          "Corkboard körs på en server hos den som har satt upp den, till exempel din skola. Här står vad den servern sparar, hur länge, och hur det tas bort.",
	"privacy.storedTitle":    "Vad servern sparar",
	"privacy.stored.boards":  "Tavlor: deras namn, lappar (text, färg, plats), kommentarer, röster och reaktioner, med det visningsnamn var och en valde och när de gjorde det. En ledare kan välja att namnen bara visas för ledare, eller inte sparas alls: då sparar servern inga visningsnamn från och med då.",
	"privacy.stored.ids":     "Ett deltagar-id för varje webbläsare: ett slumpmässigt id, gjort av en hemlighet som webbläsaren sparar. Det märker en persons lappar och röster så att de förblir deras; det är inte knutet till något konto, någon e-postadress eller någon enhet.",
	"privacy.stored.history": "Varje tavlas historik: varje ändring som någonsin gjorts (vem, med visningsnamn och deltagar-id, och när), och sparade ögonblicksbilder, hela kopior av tavlan (när den skapades, var tionde minut med aktivitet, när alla hade gått, och de som någon namnger). Med historiken kan alla som har en länk gå tillbaka, spela upp och återställa.",
	"privacy.stored.links":   "Tavlans länkar och anslutningskod, och dagen då den senast öppnades (bara datumet).",
	"privacy.stored.not":     "Inga konton, lösenord eller e-postadresser. Vilka som är på en tavla just nu, och var deras markör är, finns bara i minnet medan de är där.",
	"privacy.logTitle":       "Serverns logg",
	"privacy.log":            "En rad per anrop: metoden, adressen med tavlans länk dold, svarets status och hur lång tid det tog. Inga IP-adresser, visningsnamn eller lapptexter (bara ett anrop som får servern att krascha loggas med sin adress). Fel anger en tavlas interna id. Den som driver servern bestämmer hur länge loggen sparas; Corkboard skriver bara ut den.",
	"privacy.addresses":      "För att anslutningskoder inte ska kunna gissas räknar servern hur många koder varje adress (eller hemnätverk) prövar, bara i minnet, tills den startas om; räkningen skrivs aldrig till disk eller till loggen. Bara driftens egna nedladdningar av säkerhetskopior loggas med adressen som hämtade dem.",
	"privacy.browserTitle":   "I din webbläsare",
	"privacy.browser":        "Din webbläsare sparar ditt visningsnamn och din färg, din deltagarhemlighet, listan över tavlor du nyligen öppnat, ändringar som ännu inte sparats, och val som stor text. De stannar i den här webbläsaren och går bara till den här servern (hemligheten bara för att visa att det är du). Rensa webbplatsens data för att ta bort dem.",
	"privacy.sitesTitle":     "Inga andra webbplatser",
	"privacy.sites":          "Corkboards sidor hämtar ingenting från någon annan webbplats: inga typsnitt, skript, analysverktyg eller spårare, och de ber webbläsaren att inte berätta en tavlas adress för andra webbplatser. QR-koderna ritas av den här servern.",
	"privacy.deleteTitle":    "Radera",
	"privacy.deleteNote":     "En lapp: raderas den försvinner den från tavlan och hamnar i tavlans papperskorg, där en ledare kan ta tillbaka den i 30 dagar; tavlans historik har den också kvar. Den lämnar servern tillsammans med tavlan.",
	"privacy.deleteBoard":    "En tavla: den som leder tavlan öppnar ⋯ och väljer Radera tavlan… Allt som hör till den (lappar, kommentarer, röster, historik, ögonblicksbilder, länkar) tas bort från servern på en gång, för alla, och länkarna säger sedan att den har raderats. Servern sparar bara att den fanns: dess interna id, när och varför, och fingeravtryck av länkarna som länkarna inte går att räkna fram ur.",
	"privacy.deleteBackups":  "Säkerhetskopior som driften tog innan en tavla raderades har den kvar, så länge de sparas; kopior som tas efteråt har den inte. Inne i databasfilen kan raderade data ligga kvar i oanvänt utrymme tills servern skriver över det; driften kan ta bort dem direkt.",
	"privacy.retentionOn":    "På den här servern raderas tavlor som ingen öppnar på {days} dagar på samma sätt. Den som leder en tavla ser på tavlan när det skulle bli.",
	"privacy.retentionOff":   "Den här servern sparar tavlor tills de raderas: den raderar inga för att de inte besöks.",
	"privacy.historyOn":      "Den här servern tar bort ändringar som är äldre än {days} dagar ur varje tavlas historik, när en sparad ögonblicksbild har dem; de sparade ögonblicksbilderna finns kvar.",
	"privacy.historyOff":     "Den här servern sparar varje ändring i en tavlas historik så länge den sparar tavlan.",
	"privacy.ask":            "De som driver servern bestämmer hur länge säkerhetskopior och loggar sparas. Fråga dem om det som den här sidan lämnar öppet.",
}
