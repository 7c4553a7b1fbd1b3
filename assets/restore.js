// restore.js: bringing a board back to an earlier version, on the board
// page. The history page and the replay send the person here with
// #restore=<snapshot id> or #restore-version=<N>; once the welcome has
// come, the page fetches that board (GET /api/boards/{link}?snapshot= or
// ?version=), asks, and sends the operations that turn the board as it is
// now into that one through app.edit, the one path every change takes: so
// the restore is broadcast live, ordered with everyone else's edits, and
// undone like any other. There is no restore request on the server.
//
// What comes back is the notes and the title. Votes, stops and the lesson
// (lock, private writing, timer) stay as they are: they are the lesson's
// present, not the board's content, and the confirmation says so. The
// functions above attachRestore need no page and are tested in node
// (restore.test.mjs).

import { boardFromJSON, inverse } from "./state.js";
import { newId } from "./socket.js";
import { format } from "./render.js";
import { apiMessage } from "./keep.js";
import { batches } from "./paste.js";

const noteFields = ["x", "y", "w", "h", "text", "color", "z"];

// looks is what a note shows, its place in the stack aside.
const looks = (n) => [n.text, n.color, n.x, n.y, n.w, n.h].join("\u0000");

/** mayTouch says whether the page may change note n: not someone else's
 * private note, whose text it never had (the server would refuse a change
 * of its text, and bringing it back blank would lose it). */
function mayTouch(n, me) {
  return !n.private || (!!n.authorId && n.authorId === me);
}

/** restoreOps returns the operations that turn board current (the view:
 * {title, notes: Map}) into target (a board as the API gives it, through
 * boardFromJSON), deletes first so that a full board has room for what
 * comes back:
 * - a note of target missing now was deleted since, and its id can never
 *   be used again: it comes back under a new id (newId()), unless a note
 *   that shows the same (brought back by an earlier restore) is there;
 * - a note now that target has not is deleted;
 * - a note in both gets the fields that differ;
 * - the title, when canRename (only the facilitator renames).
 * Someone else's private note is left alone. A note that was private in
 * target has no text there (the API shows every board as nobody in
 * particular sees it): its text is left as it is now, and one missing now
 * cannot come back. me is this person's public participant id. */
export function restoreOps(current, target, { me = "", newId, canRename = false }) {
  const deletes = [], updates = [], creates = [];
  // Notes now that target has not, by what they show: a note an earlier
  // restore (or an undo) brought back under a new id is the note target
  // has under its old one, and stays rather than going and coming again.
  const spare = new Map();
  for (const n of current.notes.values()) {
    if (target.notes.has(n.id) || !mayTouch(n, me)) continue;
    const k = looks(n);
    spare.set(k, [...(spare.get(k) || []), n]);
  }
  const kept = new Set();
  for (const want of target.notes.values()) {
    let now = current.notes.get(want.id);
    if (!now && !want.private) {
      now = spare.get(looks(want))?.find((n) => !kept.has(n.id));
      if (now) kept.add(now.id);
    }
    if (!now) {
      if (want.private) continue;
      const note = { id: newId() };
      for (const k of noteFields) note[k] = want[k];
      creates.push({ kind: "create", note });
      continue;
    }
    if (!mayTouch(now, me)) continue;
    const set = {};
    for (const k of noteFields) {
      if (k === "text" && want.private) continue;
      if (want[k] !== undefined && want[k] !== now[k]) set[k] = want[k];
    }
    if (Object.keys(set).length) updates.push({ kind: "update", id: now.id, set });
  }
  for (const n of current.notes.values()) {
    if (!target.notes.has(n.id) && !kept.has(n.id) && mayTouch(n, me)) deletes.push({ kind: "delete", id: n.id });
  }
  const ops = [...deletes, ...updates, ...creates];
  if (canRename && target.title && target.title !== current.title) ops.push({ kind: "rename", title: target.title });
  return ops;
}

const utf8 = new TextEncoder();
const bytes = (v) => utf8.encode(JSON.stringify(v)).length;

/** restoreBatches groups ops, made on board before, into the operations
 * to send: at most maxOps operations a batch, and a message of at most
 * maxBytes both for the batch and for its undo (a deleted note's undo
 * brings back its whole text, which can be much larger than the delete).
 * A lone operation goes as itself. */
export function restoreBatches(ops, before, { maxOps, maxBytes, me = "" }) {
  return batches(ops, maxOps, maxBytes, (op) => {
    const inv = inverse(before, op, me, true); // as its undo within a batch
    return Math.max(bytes(op), inv ? bytes(inv) : 0);
  });
}

/** restoreTarget reads what the page was asked to bring back from its
 * address's hash: {snapshot} or {version}, or null. */
export function restoreTarget(hash) {
  const m = /^#restore=([A-Za-z0-9_-]{1,64})$/.exec(hash);
  if (m) return { snapshot: m[1] };
  const v = /^#restore-version=(\d{1,16})$/.exec(hash);
  if (v) return { version: Number(v[1]) };
  return null;
}

/** attachRestore returns the page's restore: app.restore.welcomed() starts
 * it, once, when the first welcome has come (the board the page shows is
 * then the server's). */
export function attachRestore(app) {
  const t = app.t;
  const target = restoreTarget(location.hash);
  let started = false;
  const clearHash = () => history.replaceState(null, "", location.pathname + location.search);

  async function run() {
    clearHash(); // asked once: a reload does not ask again
    // The menu offers a view link no restore, and the server refuses its
    // edits anyway; a link copied from someone else's page says why.
    if (!app.canEdit) return app.toast(t["restore.viewOnly"]);
    const base = "/api/boards/" + encodeURIComponent(app.cfg.link);
    let what = format(t["restore.version"], { n: target.version });
    let res;
    try {
      if (target.snapshot) {
        const [board, list] = await Promise.all([fetch(base + "?snapshot=" + encodeURIComponent(target.snapshot)), fetch(base + "/history")]);
        res = board;
        const kept = list.ok ? ((await list.json()).snapshots || []).find((s) => s.id === target.snapshot) : null;
        what = kept ? snapshotLabel(kept, t, app.cfg.lang) : target.snapshot;
      } else {
        res = await fetch(base + "?version=" + target.version);
      }
    } catch {
      return app.toast(format(t["restore.failed"], { what, message: t["share.offline"] }));
    }
    if (!res.ok) return app.toast(format(t["restore.failed"], { what, message: await apiMessage(res, t) }));
    const snapshot = boardFromJSON(await res.json());
    if (!(await app.confirm(format(t["restore.confirm"], { what }), t["restore.ok"]))) return;
    if (!app.mayChange()) return; // locked meanwhile: mayChange has said so
    // Worked out now, after the question: the board may have changed
    // while it was asked.
    const now = app.state.view();
    const ops = restoreOps(now, snapshot, { me: app.participant, newId, canRename: app.canRename });
    if (!ops.length) return app.toast(format(t["restore.same"], { what }));
    // Each batch is one step on the undo stack. A restore that fits one
    // batch (500 operations and 64 KiB, for it and for its undo) is
    // undone at once; a larger one goes as several batches, each undone
    // by its own Ctrl+Z, since the server takes no larger batch and an
    // undo is one operation.
    for (const op of restoreBatches(ops, now, { maxOps: app.limits.maxBatchOps, maxBytes: app.limits.maxMessageBytes, me: app.participant })) {
      if (!app.edit(op)) break;
    }
    if (app.autoFit) app.actions.fit();
  }

  return {
    welcomed() {
      if (!target || started) return;
      started = true;
      run();
    },
  };
}

/** snapshotLabel is how a kept snapshot is named to a person: its name or
 * why it was kept, and when. */
export function snapshotLabel(kept, t, lang) {
  const name = kept.name || t["history.reason." + kept.reason] || kept.reason;
  const time = new Intl.DateTimeFormat(lang || undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(kept.at));
  return format(t["restore.snapshot"], { name, time });
}
