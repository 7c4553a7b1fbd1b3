// download.js: the Download panel of the ⋯ menu, for every role. It lists
// the board in each format the server exports (GET /b/{link}/export.*) as
// plain download links through the page's own link, with the page's
// language for the words an export adds, so a file is one click (or Enter)
// and needs nothing of the page's script to arrive.

/** exportFormats are the entries of the panel, in the order the server
 * lists its formats (export.Formats): the file extension, the paper for a
 * PDF, and the key of the entry's words (key + "Help" its description). */
export const exportFormats = Object.freeze([
  { ext: "json", key: "download.json" },
  { ext: "csv", key: "download.csv" },
  { ext: "md", key: "download.md" },
  { ext: "svg", key: "download.svg" },
  { ext: "png", key: "download.png" },
  { ext: "pdf", key: "download.pdfA4" },
  { ext: "pdf", key: "download.pdfLetter", paper: "letter" },
]);

/** exportURL is where format f of the board behind link downloads from,
 * in language lang. */
export function exportURL(link, f, lang) {
  const q = new URLSearchParams();
  if (f.paper) q.set("paper", f.paper);
  if (lang) q.set("lang", lang);
  const query = q.toString();
  return "/b/" + encodeURIComponent(link) + "/export." + f.ext + (query ? "?" + query : "");
}

/** attachDownload fills the panel and opens it from the ⋯ menu. */
export function attachDownload(app) {
  const $ = (id) => document.getElementById(id);
  const dialog = $("download-dialog");
  const t = app.t;
  const items = exportFormats.map((f) => {
    const a = document.createElement("a");
    a.href = exportURL(app.cfg.link, f, app.cfg.lang);
    a.download = ""; // the server names the file after the board
    a.className = "download-link";
    a.dataset.format = f.ext + (f.paper ? "-" + f.paper : "");
    const name = document.createElement("strong");
    name.textContent = t[f.key];
    const help = document.createElement("span");
    help.className = "download-help";
    help.textContent = t[f.key + "Help"];
    a.append(name, help);
    const li = document.createElement("li");
    li.append(a);
    return li;
  });
  $("download-links").replaceChildren(...items);
  $("download-open").addEventListener("click", () => {
    dialog.showModal();
    dialog.querySelector("a").focus();
  });
  $("download-close").addEventListener("click", () => dialog.close());
  // The menu entry that opened the panel is hidden by now: focus goes back
  // to the ⋯ button, where the person was.
  dialog.addEventListener("close", () => $("more")?.focus());
}
