// home.js: the home page's list of boards this browser opened recently,
// and importing a board from a JSON export. The list lives in localStorage
// only: boards are private to whoever has the link.

import { format } from "./render.js";

const list = document.getElementById("recent-boards");
let recent = [];
try {
  recent = JSON.parse(localStorage.getItem("corkboard:recent")) || [];
} catch {}
// Entries hold the link the board was opened with; those from before
// boards had links hold the board's id, which is its link.
const link = /^[A-Za-z0-9_-]{22}$/;
const linkOf = (b) => (typeof b?.link === "string" ? b.link : b?.id);
const items = recent.filter((b) => typeof linkOf(b) === "string" && link.test(linkOf(b))).map((b) => {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = "/b/" + linkOf(b);
  a.textContent = String(b.title || linkOf(b));
  const when = document.createElement("time");
  if (b.at) {
    const d = new Date(b.at);
    when.dateTime = d.toISOString();
    when.textContent = d.toLocaleString(document.documentElement.lang);
  }
  li.append(a, " ", when);
  return li;
});
if (items.length) list.replaceChildren(...items);
else {
  const li = document.createElement("li");
  li.className = "empty";
  li.textContent = list.dataset.empty;
  list.replaceChildren(li);
}

// Import: a JSON export chosen here goes to POST /api/boards/import as it
// is, and the new board opens; a file the server refuses stays on this
// page, with the server's own words for what is wrong beside the control.
const importer = document.getElementById("import");
const file = document.getElementById("import-file");
const message = document.getElementById("import-message");
const say = (key, vars, error = false) => {
  message.textContent = format(message.dataset[key], vars);
  message.classList.toggle("form-error", error);
  if (error) file.setAttribute("aria-invalid", "true");
  else file.removeAttribute("aria-invalid");
};
file.addEventListener("change", async () => {
  const chosen = file.files[0];
  if (!chosen) return;
  const vars = { file: chosen.name };
  say("busy", vars);
  file.disabled = true;
  let res, answer;
  try {
    res = await fetch("/api/boards/import", { method: "POST", headers: { "Content-Type": "application/json" }, body: chosen });
    answer = await res.json().catch(() => null);
  } catch {
    say("offline", vars, true);
    return done();
  }
  if (res.status === 201 && answer?.url) {
    location.assign(answer.url);
    return;
  }
  let why = answer?.error?.message || res.statusText || String(res.status);
  if (!/[.!?]$/.test(why)) why += ".";
  say("failed", { ...vars, message: why }, true);
  done();
});
// done lets the person choose again, the same file too (a change event
// needs a new value).
function done() {
  file.disabled = false;
  file.value = "";
  file.focus();
}
importer.hidden = false;
