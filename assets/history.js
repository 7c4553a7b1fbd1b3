// history.js: the history page (/b/{link}/history). The server draws the
// list of kept snapshots; this writes their times in the reader's own time
// zone and language, keeps a snapshot from the form (keep.js) and shows it
// in the list, and copies a snapshot into a new board (POST
// /api/boards/{link}/copy?snapshot=), which then opens. Open, Restore and
// the downloads are plain links.

import { format } from "./render.js";
import { apiMessage, keepSnapshot } from "./keep.js";

const cfg = JSON.parse(document.getElementById("history-config").textContent);
const t = cfg.strings;
const $ = (id) => document.getElementById(id);
const when = new Intl.DateTimeFormat(cfg.lang || undefined, { dateStyle: "medium", timeStyle: "short" });

/** localTimes writes every snapshot's time as the reader reads times. */
function localTimes(root) {
  for (const el of root.querySelectorAll("time[datetime]")) {
    const d = new Date(el.getAttribute("datetime"));
    if (!isNaN(d)) el.textContent = when.format(d);
  }
}

function say(text) {
  const el = $("history-message");
  el.textContent = text;
  el.hidden = !text;
}

// Copy: one request, then the new board, which the person now runs.
document.addEventListener("click", async (e) => {
  const button = e.target.closest(".snapshot-copy");
  if (!button) return;
  button.disabled = true;
  const label = button.textContent;
  button.textContent = t["history.copying"];
  let message;
  try {
    const res = await fetch("/api/boards/" + encodeURIComponent(cfg.link) + "/copy?snapshot=" + encodeURIComponent(button.dataset.snapshot), { method: "POST" });
    if (res.status === 201) {
      location.href = (await res.json()).url;
      return;
    }
    message = await apiMessage(res, t);
  } catch {
    message = t["share.offline"];
  }
  button.disabled = false;
  button.textContent = label;
  say(format(t["history.copyFailed"], { message }));
});

// Keep: the snapshot is kept, then the list is drawn again by the server
// (the page fetched anew, its list taken), so it shows as any other does.
const form = $("keep-form");
form?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const name = $("keep-name"), status = $("keep-status"), submit = $("keep-submit");
  const typed = name.value.trim();
  if (!typed) return name.focus();
  submit.disabled = true;
  status.classList.remove("form-error");
  status.textContent = t["keep.keeping"];
  const { kept, error } = await keepSnapshot(cfg.link, typed, localStorage.getItem("corkboard:name") || "", t);
  submit.disabled = false;
  if (error) {
    status.classList.add("form-error");
    status.textContent = format(t["keep.failed"], { message: error });
    return;
  }
  name.value = "";
  status.textContent = format(t["keep.kept"], { name: kept.name });
  try {
    const res = await fetch(location.pathname + location.search, { cache: "no-store" });
    const page = new DOMParser().parseFromString(await res.text(), "text/html");
    const list = page.getElementById("snapshots");
    if (res.ok && list) {
      $("snapshots").replaceWith(document.adoptNode(list));
      $("snapshots-none")?.remove();
      show(document);
      document.getElementById("snapshot-" + kept.id)?.classList.add("snapshot-new");
    }
  } catch {
    // The snapshot is kept; the list shows it at the next visit.
  }
});

/** show readies what the script adds to the page under root. */
function show(root) {
  localTimes(root);
  for (const el of root.querySelectorAll(".needs-script")) el.hidden = false;
}
show(document);
