// keep.js: keeping a snapshot of a board under a name (POST
// /api/boards/{link}/history), from the board page's ⋯ menu ("Keep a
// snapshot…", for editors and the facilitator) and from the history page's
// form. The server keeps the board as it is when the request arrives, once
// every change in it is saved, and refuses a view link: the page only
// offers what the link may do.

import { format } from "./render.js";

/** apiMessage returns what a failed answer of the JSON API says, or its
 * status when it says nothing readable. */
export async function apiMessage(res, t) {
  try {
    const body = await res.json();
    if (body?.error?.message) return body.error.message;
  } catch {}
  return format(t["share.status"], { status: res.status });
}

/** keepSnapshot keeps the board behind link under name, as by (the
 * person's display name). It resolves to {kept} (the snapshot, as the
 * history lists it) or {error} (words for the person). */
export async function keepSnapshot(link, name, by, t) {
  let res;
  try {
    res = await fetch("/api/boards/" + encodeURIComponent(link) + "/history", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name, by }),
    });
  } catch {
    return { error: t["share.offline"] };
  }
  if (res.status !== 201) return { error: await apiMessage(res, t) };
  return { kept: await res.json() };
}

/** attachKeep wires the board page's "Keep a snapshot…" and its dialog; a
 * view link's page has neither. */
export function attachKeep(app) {
  const $ = (id) => document.getElementById(id);
  const dialog = $("keep-dialog");
  if (!dialog) return;
  const t = app.t;
  const name = $("keep-name"), status = $("keep-status"), submit = $("keep-submit"), seeHistory = $("keep-history");

  function show(text, error = false) {
    status.textContent = text;
    status.classList.toggle("form-error", error);
  }

  $("keep-open").addEventListener("click", () => {
    show("");
    name.value = "";
    name.removeAttribute("aria-invalid");
    submit.hidden = false;
    submit.disabled = false;
    seeHistory.hidden = true;
    dialog.showModal();
    name.focus();
  });
  for (const id of ["keep-close", "keep-cancel"]) $(id).addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => $("more")?.focus()); // the menu entry is hidden by now
  $("keep-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const typed = name.value.trim();
    if (!typed) {
      name.setAttribute("aria-invalid", "true");
      name.focus();
      return;
    }
    name.removeAttribute("aria-invalid");
    submit.disabled = true;
    show(t["keep.keeping"]);
    const { kept, error } = await keepSnapshot(app.cfg.link, typed, app.name, t);
    submit.disabled = false;
    if (error) {
      show(format(t["keep.failed"], { message: error }), true);
      name.focus();
      return;
    }
    // Kept: the dialog says so and offers the history, where it is listed.
    show(format(t["keep.kept"], { name: kept.name }));
    submit.hidden = true;
    seeHistory.hidden = false;
    seeHistory.focus();
  });
}
