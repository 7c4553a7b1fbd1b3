// columns.js: a board's columns, in the page. Lanes are drawn behind the
// notes, each a light band with its name at the top; a note dropped in a
// lane belongs to it, and nothing else is sent (the server and every page
// work out a note's column from where it lies: conversation.js's
// columnOf). The facilitator adds, renames, moves and removes columns in
// the Columns dialog (from the Lesson panel); a column with notes in it
// cannot be removed, and says why.

import { columnOf, columnWidth, maxColumns } from "./conversation.js";
import { newId } from "./socket.js";
import { format } from "./render.js";

const laneTop = -120; // where the lanes begin at the least, in board units: their names sit above the first notes
const laneMinHeight = 1200; // how tall they are at the least
const laneMargin = 160; // lanes reach this far below the lowest note

/** lanesBounds returns the board rectangle the lanes of view cover, or
 * null for a board without columns. */
export function lanesBounds(view) {
  const cols = view.columns ?? [];
  if (!cols.length) return null;
  let top = laneTop, bottom = laneTop + laneMinHeight;
  for (const n of view.notes.values()) {
    if (columnOf(view, n) < 0) continue;
    top = Math.min(top, n.y - 120);
    bottom = Math.max(bottom, n.y + n.h + laneMargin);
  }
  return { x: 0, y: top, w: cols.length * columnWidth, h: bottom - top };
}

/** laneView narrows view (a board rectangle where a new note goes) to the
 * lane its middle lies in, if it lies in one, so a note added there
 * belongs to that column. */
export function laneView(board, view, noteW = 200) {
  const cols = board.columns ?? [];
  const mid = view.x + view.w / 2;
  const i = Math.floor(mid / columnWidth);
  if (!cols.length || mid < 0 || i >= cols.length) return view;
  const pad = 16;
  const x0 = Math.max(view.x, i * columnWidth + pad), x1 = Math.min(view.x + view.w, (i + 1) * columnWidth - pad);
  if (x1 - x0 < noteW) return view;
  return { ...view, x: x0, w: x1 - x0 };
}

/** attachColumns draws the lanes, names each note's column in its label
 * (through renderer's marks and decorate hooks, when given one), and
 * wires the facilitator's Columns dialog. It returns render(view), called
 * after every draw. */
export function attachColumns(app, { renderer } = {}) {
  const t = app.t;
  const $ = (id) => document.getElementById(id);
  const lanesEl = $("lanes");
  const dialog = $("columns-dialog");
  let drawn = null;
  const laneName = (c, i) => c.name || format(t["columns.untitled"], { n: i + 1 });
  // The lanes are named for a screen reader too, and a note says which
  // one it is in ("… · in column To improve").
  lanesEl.removeAttribute("aria-hidden");
  const columnName = (view, n) => {
    const i = columnOf(view, n);
    return i >= 0 ? laneName(view.columns[i], i) : "";
  };
  if (renderer) {
    const innerMarks = renderer.marks;
    renderer.marks = (n, view) => (innerMarks ? innerMarks(n, view) : "") + "|C" + columnName(view, n);
    const innerDecorate = renderer.decorate;
    renderer.decorate = (el, n, mark, view) => {
      innerDecorate?.(el, n, mark, view);
      const name = columnName(view, n);
      const label = el.getAttribute("aria-label") || "";
      const suffix = " · " + format(t["columns.in"], { name });
      if (name && !label.endsWith(suffix)) el.setAttribute("aria-label", label + suffix);
    };
  }

  function render(view) {
    lanesEl.style.transform = $("board").style.transform;
    const cols = view.columns ?? [];
    const b = lanesBounds(view);
    const key = JSON.stringify([cols, b]);
    if (key !== drawn) {
      drawn = key;
      lanesEl.replaceChildren(
        ...cols.map((c, i) => {
          const lane = document.createElement("div");
          lane.className = "lane";
          lane.style.cssText = `left:${i * columnWidth}px;top:${b.y}px;width:${columnWidth}px;height:${b.h}px`;
          lane.setAttribute("role", "group");
          lane.setAttribute("aria-label", format(t["columns.lane"], { name: laneName(c, i) }));
          const name = document.createElement("div");
          name.className = "lane-name";
          name.textContent = laneName(c, i);
          name.title = laneName(c, i); // the whole name, should two lines not hold it
          lane.append(name);
          return lane;
        }),
      );
    }
    if (dialog?.open) fillDialog(view);
  }

  if (!dialog) return { render };

  const run = (op) => app.edit(op, { undoable: false });
  $("columns-open").addEventListener("click", () => {
    listDrawn = null;
    fillDialog(app.view());
    $("columns-status").textContent = "";
    dialog.showModal();
    $("columns-new").focus();
  });
  $("columns-close").addEventListener("click", () => dialog.close());
  $("columns-add-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const cols = app.view().columns ?? [];
    if (cols.length >= maxColumns) {
      $("columns-status").textContent = format(t["columns.full"], { max: maxColumns });
      return;
    }
    const name = [...$("columns-new").value.replace(/\s+/g, " ").trim()].slice(0, 60).join("");
    run({ kind: "column-add", column: { id: newId(), name } });
    $("columns-new").value = "";
  });

  // The list is built again only when the columns or what is in them
  // changed, and never while a name is being typed.
  let listDrawn = null;
  function fillDialog(view) {
    const cols = view.columns ?? [];
    const counts = cols.map(() => 0);
    for (const n of view.notes.values()) {
      const i = columnOf(view, n);
      if (i >= 0) counts[i]++;
    }
    const key = JSON.stringify([cols, counts]);
    if (key === listDrawn || dialog.contains(document.activeElement) && document.activeElement.classList.contains("column-name")) return;
    const focused = document.activeElement?.dataset?.focusKey;
    listDrawn = key;
    $("columns-empty").hidden = cols.length > 0;
    $("columns-add").disabled = cols.length >= maxColumns;
    $("columns-list").replaceChildren(
      ...cols.map((c, i) => {
        const li = document.createElement("li");
        li.className = "column-item";
        const input = document.createElement("input");
        input.className = "column-name";
        input.value = c.name;
        input.maxLength = 60;
        input.setAttribute("aria-label", format(t["columns.name"], { n: i + 1 }));
        let saved = c.name; // what was last sent, so Enter then change send it once
        const save = () => {
          const name = [...input.value.replace(/\s+/g, " ").trim()].slice(0, 60).join("");
          if (name === saved) return;
          saved = name;
          run({ kind: "column-set", column: { id: c.id, name } });
        };
        input.addEventListener("change", save);
        // Enter saves and Escape takes the typing back, both in place: a
        // blur would leave the focus on the page behind the dialog. The
        // list is drawn again once the field is left.
        input.addEventListener("keydown", (e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            save();
          } else if (e.key === "Escape" && input.value !== saved) {
            e.preventDefault();
            e.stopPropagation(); // the dialog stays; a second Escape closes it
            input.value = saved;
          }
        });
        input.addEventListener("blur", () => queueMicrotask(() => fillDialog(app.view())));
        const label = c.name || format(t["columns.untitled"], { n: i + 1 });
        const left = tool("‹", format(t["columns.left"], { name: label }), i === 0, () => run({ kind: "column-move", id: c.id, index: i - 1 }), c.id + ":l");
        const right = tool("›", format(t["columns.right"], { name: label }), i === cols.length - 1, () => run({ kind: "column-move", id: c.id, index: i + 1 }), c.id + ":r");
        const remove = tool(t["columns.remove"], format(t["columns.removeLabel"], { name: label }), counts[i] > 0, () => run({ kind: "column-delete", id: c.id }), c.id + ":x");
        remove.classList.add("danger");
        li.append(input, left, right, remove);
        if (counts[i] > 0) {
          // Disabled, and why: its notes would land in the next lane.
          const why = document.createElement("span");
          why.className = "column-why";
          why.id = "column-why-" + c.id;
          why.textContent = counts[i] === 1 ? t["columns.notEmptyOne"] : format(t["columns.notEmpty"], { n: counts[i] });
          remove.setAttribute("aria-describedby", why.id);
          li.append(why);
        }
        return li;
      }),
    );
    // A move rebuilds the list: the focus stays on the button pressed.
    if (focused) dialog.querySelector(`[data-focus-key="${focused}"]:not(:disabled)`)?.focus();
  }

  function tool(text, label, disabled, act, key) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.title = label;
    b.setAttribute("aria-label", label);
    b.disabled = disabled;
    b.dataset.focusKey = key;
    b.addEventListener("click", act);
    return b;
  }

  return { render };
}
