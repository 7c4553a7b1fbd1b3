// lifecycle.js: a board's end, on the board page. The facilitator's
// "Delete board…" in the ⋯ menu opens a dialog that says what deleting
// costs (everyone loses the board, its links stop working, it cannot be
// undone), offers a copy first, and deletes only once its box is ticked
// and its red button pressed (DELETE /api/boards/{link}). The page then
// says the board was deleted, as every other page on it is told by the
// server (close 4006). And when the server deletes boards nobody opens,
// the facilitator sees when this one would go, until they put the notice
// away on this board.

import { Close } from "./socket.js";
import { format } from "./render.js";
import { apiMessage } from "./keep.js";

const hiddenKey = "corkboard:retention-hidden"; // the links whose notice was put away
const hiddenMost = 100; // how many of them are remembered

/** deleteBoard deletes the board behind link. It resolves to "" when it
 * is gone (or already was), or to words for the person saying why not. */
export async function deleteBoard(link, t) {
  let res;
  try {
    res = await fetch("/api/boards/" + encodeURIComponent(link), { method: "DELETE" });
  } catch {
    return t["share.offline"];
  }
  if (res.ok || res.status === 410) return "";
  return await apiMessage(res, t);
}

/** attachLifecycle wires the delete dialog and the retention notice; a
 * page whose link does not facilitate has neither. */
export function attachLifecycle(app, storage = localStorage) {
  const $ = (id) => document.getElementById(id);
  const t = app.t;
  attachNotice(app, $("retention-notice"), storage);
  const dialog = $("delete-dialog");
  if (!dialog) return;
  const confirm = $("delete-confirm"), submit = $("delete-submit"), status = $("delete-status");
  const say = (text) => {
    status.textContent = text;
    status.hidden = !text;
  };
  $("delete-open").addEventListener("click", () => {
    confirm.checked = false;
    submit.disabled = true;
    submit.textContent = t["delete.submit"];
    say("");
    dialog.showModal();
    $("delete-cancel").focus(); // the safe answer is the one Enter gives
  });
  confirm.addEventListener("change", () => (submit.disabled = !confirm.checked));
  for (const id of ["delete-close", "delete-cancel"]) $(id).addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    if (!app.closed) $("more")?.focus(); // the menu entry is hidden by now
  });
  $("delete-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!confirm.checked) return;
    submit.disabled = confirm.disabled = true;
    submit.textContent = t["delete.deleting"];
    const error = await deleteBoard(app.cfg.link, t);
    confirm.disabled = false;
    if (error) {
      submit.disabled = false;
      submit.textContent = t["delete.submit"];
      say(format(t["delete.failed"], { message: error }));
      return;
    }
    // Gone: this page says so as every other page on the board is told,
    // whichever comes first, the answer or the server's close.
    app.conn.end(Close.deleted, "");
  });
}

/** attachNotice shows the retention notice, unless it was put away on this
 * board in this browser, and puts it away for good on ×. */
function attachNotice(app, notice, storage) {
  if (!notice) return;
  const link = app.cfg.link;
  let hidden = [];
  try {
    hidden = JSON.parse(storage.getItem(hiddenKey)) || [];
  } catch {}
  if (!Array.isArray(hidden)) hidden = [];
  notice.hidden = hidden.includes(link);
  document.getElementById("retention-hide").addEventListener("click", () => {
    notice.hidden = true;
    const kept = [link, ...hidden.filter((l) => l !== link)].slice(0, hiddenMost);
    try {
      storage.setItem(hiddenKey, JSON.stringify(kept));
    } catch {}
    app.focusBoard?.();
  });
}
