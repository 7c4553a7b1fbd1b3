// layout.js: where things go on screen, as pure arithmetic with no page, so
// node tests it (layout.test.mjs): where a new note goes, how the camera
// fits every note into the part of the screen the page's fixed bars leave
// free, and how it moves to show one note.
//
// Rectangles on the board are {x, y, w, h} in board units; areas on the
// screen are {left, top, right, bottom} in CSS pixels of the viewport; a
// camera is {x, y, zoom}: board point (bx, by) shows at screen point
// (x + bx * zoom, y + by * zoom).

/** noteSize is the size of a new note: board.DefaultWidth and
 * DefaultHeight, which the server gives a create without a size. */
export const noteSize = Object.freeze({ w: 200, h: 160 });

/** placeGap is the free space kept around a new note, in board units, so
 * that notes placed side by side read as separate notes. */
export const placeGap = 24;

const fineAcross = 60; // a fine grid has at most this many positions across (and down) an area
const maxPositions = 20000; // a grid over a large area is coarsened to about this many positions
const rounds = 5; // areas searched beyond the view: 2, 4, 8, 16 and 32 times as wide and high

/** screenToBoard turns a screen area into the board rectangle it shows
 * through cam. */
export function screenToBoard(cam, area) {
  const z = cam.zoom;
  return { x: (area.left - cam.x) / z, y: (area.top - cam.y) / z, w: (area.right - area.left) / z, h: (area.bottom - area.top) / z };
}

/** inset shrinks a screen area by m pixels on every side (never past its
 * middle). */
export function inset(area, m) {
  const mx = Math.min(m, (area.right - area.left) / 2), my = Math.min(m, (area.bottom - area.top) / 2);
  return { left: area.left + mx, top: area.top + my, right: area.right - mx, bottom: area.bottom - my };
}

/** overlap returns the area two rectangles share, after growing a by gap
 * on every side (0 when they are at least gap apart). */
export function overlap(a, b, gap = 0) {
  const w = Math.min(a.x + a.w + gap, b.x + b.w) - Math.max(a.x - gap, b.x);
  const h = Math.min(a.y + a.h + gap, b.y + b.h) - Math.max(a.y - gap, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** bounds returns the rectangle around rects, or null for none. */
export function bounds(rects) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const r of rects) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.w);
    y1 = Math.max(y1, r.y + r.h);
  }
  return x0 === Infinity ? null : { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** grid returns the grid of places that fills within best with notes of
 * size, gap apart: as many as fit. The notes a person adds sit on the grid
 * of their view, so they line up and fill the screen. Where it costs no
 * place, the grid is the board's own, through its origin, so notes added
 * from different screens line up too; else it is centred in within. A
 * grid is {x0, y0, sx, sy}: its places are (x0 + i sx, y0 + j sy), in
 * whole units, so rounding leaves neighbours exactly a gap apart. */
export function grid(within, size, gap = placeGap) {
  const axis = (lo, len, note, step) => {
    const fit = Math.max(1, Math.floor((len + gap) / step));
    const first = Math.ceil(lo / step), last = Math.floor((lo + len - note) / step);
    return last - first + 1 >= fit ? 0 : Math.round(lo + (len - (fit * step - gap)) / 2);
  };
  const sx = size.w + gap, sy = size.h + gap;
  return { x0: axis(within.x, within.w, size.w, sx), y0: axis(within.y, within.h, size.h, sy), sx, sy };
}

// fineGrid is a grid fine enough to find the gaps between notes that others
// placed, and coarse enough that an area seen from far away has a bounded
// number of places.
function fineGrid(within) {
  const s = Math.max(8, within.w / fineAcross, within.h / fineAcross);
  return { x0: within.x, y0: within.y, sx: s, sy: s };
}

/** candidates lists the places of grid g where a note of size lies wholly
 * inside within, nearest within's middle first. Nearness is measured in
 * proportion to within's width and height, so notes fill a wide screen
 * wider than tall. A grid with more than maxPositions places there is
 * thinned out (every k-th place) first. */
export function candidates(within, size, g) {
  const span = (lo, len, o, step) => [Math.ceil((lo - o) / step - 1e-9), Math.floor((lo + len - o) / step + 1e-9)];
  let { x0, y0, sx, sy } = g;
  let [i0, i1] = span(within.x, within.w - size.w, x0, sx), [j0, j1] = span(within.y, within.h - size.h, y0, sy);
  const count = (i1 - i0 + 1) * (j1 - j0 + 1);
  if (count > maxPositions) {
    const k = Math.ceil(Math.sqrt(count / maxPositions));
    x0 += i0 * sx;
    y0 += j0 * sy;
    sx *= k;
    sy *= k;
    [i0, i1] = span(within.x, within.w - size.w, x0, sx);
    [j0, j1] = span(within.y, within.h - size.h, y0, sy);
  }
  const mx = within.x + within.w / 2 - size.w / 2, my = within.y + within.h / 2 - size.h / 2;
  const out = [];
  for (let i = i0; i <= i1; i++) {
    for (let j = j0; j <= j1; j++) {
      const x = x0 + i * sx, y = y0 + j * sy;
      const dx = (x - mx) / within.w, dy = (y - my) / within.h;
      out.push({ x, y, d: dx * dx + dy * dy });
    }
  }
  // Equally near: higher first, then further left, so ties read in order.
  out.sort((a, b) => a.d - b.d || a.y - b.y || a.x - b.x);
  return out;
}

/** NoteIndex finds the notes near a rectangle without looking at every
 * note: it files each note under the square cells of the board it covers
 * (a note too large to file goes on a list that every search looks at). */
class NoteIndex {
  constructor(notes, cell) {
    this.cell = cell;
    this.cells = new Map();
    this.large = [];
    for (const r of notes) {
      const [a0, a1, b0, b1] = this.span(r);
      if ((a1 - a0 + 1) * (b1 - b0 + 1) > 256) {
        this.large.push(r);
        continue;
      }
      for (let a = a0; a <= a1; a++) {
        for (let b = b0; b <= b1; b++) {
          const key = a + "," + b;
          const list = this.cells.get(key);
          list ? list.push(r) : this.cells.set(key, [r]);
        }
      }
    }
  }

  span(r) {
    const c = this.cell;
    return [Math.floor(r.x / c), Math.floor((r.x + r.w) / c), Math.floor(r.y / c), Math.floor((r.y + r.h) / c)];
  }

  /** near returns the notes in the cells that r covers: every note that
   * overlaps r, and some that do not. */
  near(r) {
    const [a0, a1, b0, b1] = this.span(r);
    const out = new Set(this.large);
    for (let a = a0; a <= a1; a++) {
      for (let b = b0; b <= b1; b++) for (const n of this.cells.get(a + "," + b) || []) out.add(n);
    }
    return out;
  }
}

/** freeSpots returns up to n places of grid g inside within where a note
 * of size overlaps none of the notes in index (keeping gap around it),
 * nearest the middle first, none of them overlapping another. */
function freeSpots(index, within, size, g, gap, n) {
  const free = [];
  for (const c of candidates(within, size, g)) {
    const rect = { x: c.x, y: c.y, w: size.w, h: size.h };
    const around = { x: c.x - gap, y: c.y - gap, w: size.w + 2 * gap, h: size.h + 2 * gap };
    let taken = false;
    for (const r of index.near(around)) {
      if (overlap(rect, r, gap) > 0) {
        taken = true;
        break;
      }
    }
    if (taken || free.some((f) => overlap(rect, { ...f, w: size.w, h: size.h }, gap) > 0)) continue;
    free.push({ x: c.x, y: c.y });
    if (free.length >= n) break;
  }
  return free;
}

/** placeNote decides where a new note of size goes, given the notes on the
 * board and the board rectangle on screen (view: the part no fixed bar
 * covers). It takes the place nearest the middle of the view that
 * overlaps no note: first on the view's grid, so that notes added one
 * after another line up and fill the screen; then on a finer grid, to use
 * the gaps between notes others put anywhere. With choices above 1 it
 * takes one of that many free places nearest the middle, at random
 * (random() as Math.random), so people adding notes at the same moment on
 * the same view seldom pick the same one (each page places its own notes,
 * knowing only what the server has sent it so far). When the view is full,
 * it looks around it, in areas twice as large each time, for the free
 * place nearest the view's middle, which the caller then brings into
 * view; failing even that, the note goes beside all the notes, right of
 * them. It returns {x, y, inView}, rounded to whole board units. */
export function placeNote(notes, view, { size = noteSize, gap = placeGap, choices = 1, random = Math.random, maxCoord = 1e6 } = {}) {
  const round = (p, inView) => ({
    x: Math.round(Math.max(-maxCoord, Math.min(maxCoord - size.w, p.x))),
    y: Math.round(Math.max(-maxCoord, Math.min(maxCoord - size.h, p.y))),
    inView,
  });
  const index = new NoteIndex(notes, 2 * (Math.max(size.w, size.h) + 2 * gap));
  const viewGrid = grid(view, size, gap);
  if (view.w >= size.w && view.h >= size.h) {
    for (const g of [viewGrid, fineGrid(view)]) {
      const free = freeSpots(index, view, size, g, gap, choices);
      if (free.length) return round(free[Math.min(free.length - 1, Math.floor(random() * free.length))], true);
    }
  }
  const cx = view.x + view.w / 2, cy = view.y + view.h / 2;
  let w = Math.max(view.w, 3 * (size.w + gap)), h = Math.max(view.h, 3 * (size.h + gap));
  for (let i = 0; i < rounds; i++) {
    w *= 2;
    h *= 2;
    const area = { x: cx - w / 2, y: cy - h / 2, w, h };
    for (const g of [viewGrid, fineGrid(area)]) {
      const free = freeSpots(index, area, size, g, gap, 1);
      if (free.length) return round(free[0], false);
    }
  }
  const b = bounds(notes) || { x: cx - size.w / 2, y: cy - size.h / 2, w: 0, h: 0 };
  return round({ x: b.x + b.w + gap, y: b.y }, false);
}

/** placeGrid decides where n new notes of size go together, such as the
 * lines of a pasted list: in a grid, a gap apart, read left to right and
 * top to bottom. The grid is one block that placeNote places as it would
 * one large note, so it goes where a note would: in free space in view,
 * as near its middle as there is room, else beside what is there. A list
 * that fits in the view takes a shape that fits (one row if it can, else
 * as few rows as fit, down to one column); a longer one is about as much
 * wider than tall as the view. It returns {places: [{x, y}] in reading
 * order, rect: the block, inView}. */
export function placeGrid(notes, view, n, { size = noteSize, gap = placeGap, maxCoord = 1e6 } = {}) {
  if (n < 1) return { places: [], rect: null, inView: true };
  const sx = size.w + gap, sy = size.h + gap;
  const block = (cols) => ({ w: cols * sx - gap, h: Math.ceil(n / cols) * sy - gap });
  const across = Math.max(1, Math.floor((view.w + gap) / sx)), down = Math.max(1, Math.floor((view.h + gap) / sy));
  const shapes = [];
  if (n <= across * down) {
    for (let cols = Math.min(n, across); cols >= 1 && Math.ceil(n / cols) <= down; cols--) shapes.push(cols);
  } else {
    shapes.push(Math.max(1, Math.min(n, Math.round(Math.sqrt((n * view.w * sy) / (view.h * sx))))));
  }
  let p, cols;
  for (const c of shapes) {
    p = placeNote(notes, view, { size: block(c), gap, maxCoord });
    cols = c;
    if (p.inView) break;
  }
  if (!p.inView && cols !== shapes[0]) {
    cols = shapes[0]; // nowhere in view: the shape that reads best, beside what is there
    p = placeNote(notes, view, { size: block(cols), gap, maxCoord });
  }
  const places = [];
  for (let i = 0; i < n; i++) places.push({ x: p.x + (i % cols) * sx, y: p.y + Math.floor(i / cols) * sy });
  return { places, rect: { x: p.x, y: p.y, ...block(cols) }, inView: p.inView };
}

/** fitCamera returns the camera that shows every rectangle of notes inside
 * the screen area, margin pixels from its edges, as large as it fits but
 * no larger than maxZoom and no smaller than minZoom, in the middle. With
 * no notes it is the board's origin at the area's top left corner, at
 * 100 %. */
export function fitCamera(notes, area, { margin = 40, minZoom = 0.05, maxZoom = 2 } = {}) {
  const b = bounds(notes);
  if (!b) return { x: area.left, y: area.top, zoom: 1 };
  const a = inset(area, margin);
  const W = a.right - a.left, H = a.bottom - a.top;
  const zoom = Math.max(minZoom, Math.min(maxZoom, W / Math.max(b.w, 1), H / Math.max(b.h, 1)));
  return { x: a.left + (W - b.w * zoom) / 2 - b.x * zoom, y: a.top + (H - b.h * zoom) / 2 - b.y * zoom, zoom };
}

/** revealCamera returns cam moved as little as it takes to show the board
 * rectangle r inside the screen area, margin pixels from its edges; and
 * zoomed out first (around the area's middle) if r does not fit at cam's
 * zoom. */
export function revealCamera(cam, r, area, { margin = 16, minZoom = 0.05 } = {}) {
  const a = inset(area, margin);
  const W = a.right - a.left, H = a.bottom - a.top;
  let { x, y, zoom } = cam;
  const fits = Math.max(minZoom, Math.min(W / r.w, H / r.h));
  if (fits < zoom) {
    const mx = (a.left + a.right) / 2, my = (a.top + a.bottom) / 2;
    x = mx - ((mx - x) * fits) / zoom;
    y = my - ((my - y) * fits) / zoom;
    zoom = fits;
  }
  const sx0 = x + r.x * zoom, sy0 = y + r.y * zoom, sx1 = sx0 + r.w * zoom, sy1 = sy0 + r.h * zoom;
  if (sx0 < a.left) x += a.left - sx0;
  else if (sx1 > a.right) x -= sx1 - a.right;
  if (sy0 < a.top) y += a.top - sy0;
  else if (sy1 > a.bottom) y -= sy1 - a.bottom;
  return { x, y, zoom };
}
