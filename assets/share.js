// share.js: the share panel. It shows the links this page's link may see
// (a facilitator all three, an editor the edit and view links, a viewer the
// view link), each with what it lets people do and a Copy button; the QR
// code of the join link, the join code and until when it works; and, for
// the facilitator, joining by code on or off, whether joining gives the
// edit or the view link, a new code, and replacing the edit and view links.
// "Show on the projector" opens the join screen. Everything comes from and
// goes to the links API (README, "HTTP API"); its errors are shown in words.

import { format } from "./render.js";

const copiedMs = 2500; // how long a Copy button says it copied

/** attachShare wires the share panel of app's page and returns {open}. */
export function attachShare(app) {
  const { cfg, t } = app;
  const $ = (sel) => document.querySelector(sel);
  const dialog = $("#share-dialog");
  const api = "/api/boards/" + encodeURIComponent(cfg.link);
  let qrVersion = 0; // a new QR image after the join link changed
  let current = null; // the last answer of the links API
  let busy = false;
  let opener = null; // where focus goes back to when the panel closes

  /** call asks the links API; it throws an Error whose message a person
   * can read: the server's own, or what went wrong on the way. */
  async function call(method, path = "", body) {
    let res;
    try {
      res = await fetch(api + path, {
        method,
        cache: "no-store",
        headers: body ? { "Content-Type": "application/json" } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch {
      throw new Error(t["share.offline"]);
    }
    let j = null;
    try {
      j = await res.json();
    } catch {}
    if (!res.ok) throw new Error(j?.error?.message || format(t["share.status"], { status: res.status }));
    return j;
  }

  function showError(err) {
    const el = $("#share-error");
    el.textContent = err ? t["share.error"] + " " + err.message : "";
    el.hidden = !err;
  }

  /** run does one change through the API, one at a time, and shows the
   * answer or the error. */
  async function run(method, path, body) {
    if (busy) {
      if (current) render(current); // a switch flipped meanwhile goes back to what is so
      return false;
    }
    busy = true;
    dialog.setAttribute("aria-busy", "true");
    try {
      render(await call(method, path, body));
      showError(null);
      return true;
    } catch (err) {
      showError(err);
      if (current) render(current); // the controls go back to what is so
      return false;
    } finally {
      busy = false;
      dialog.removeAttribute("aria-busy");
    }
  }

  // --- Drawing ---------------------------------------------------------------

  const hostOf = (url) => url.replace(/^https?:\/\//, "");

  function render(ans) {
    const joinChanged = !current || current.join?.url !== ans.join?.url;
    current = ans;
    $("#share-loading").hidden = true;
    renderLinks(ans);
    const join = $("#share-join");
    if (!join) return;
    join.hidden = !ans.join;
    if (!ans.join) return;
    const j = ans.join;
    if (joinChanged) qrVersion++;
    const qr = $("#share-qr");
    const src = "/b/" + encodeURIComponent(cfg.link) + "/qr.png?v=" + qrVersion;
    if (qr.getAttribute("src") !== src) qr.src = src;
    $("#share-join-at").textContent = hostOf(j.joinUrl);
    const expires = j.expires ? new Date(j.expires) : null;
    const expired = expires && expires <= new Date();
    const hasCode = !!j.code && !expired;
    $("#share-code-how").hidden = !hasCode;
    $("#share-code").hidden = !hasCode;
    $("#share-code").textContent = hasCode ? j.code : "";
    $("#share-expires").hidden = !hasCode;
    $("#share-expires").textContent = hasCode ? format(t["share.expires"], { time: when(expires) }) : "";
    $("#share-code-off").hidden = !!j.code;
    $("#share-code-expired").hidden = !expired;
    const projector = $("#share-projector");
    // The projector shows its address in the address bar, so the join
    // screen opens under the link joining gives (which the QR code gives
    // anyway): never the facilitator's, nor the edit link when the class
    // is to view. It opens in a tab of its own, which the teacher closes.
    const screenLink = ans.links[j.role || "edit"]?.url;
    projector.hidden = !screenLink;
    if (screenLink) projector.href = new URL(screenLink).pathname + "/join-screen";
    const on = $("#share-join-on");
    if (on) {
      on.checked = !!j.code;
      for (const r of document.querySelectorAll('input[name="share-join-role"]')) r.checked = r.value === j.role;
      $("#share-new-code").hidden = !j.code;
    }
  }

  /** when says a moment in local time: the time alone today, with the day
   * otherwise. */
  function when(d) {
    const today = d.toDateString() === new Date().toDateString();
    const opts = today ? { hour: "2-digit", minute: "2-digit" } : { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
    return d.toLocaleString(cfg.lang, opts);
  }

  function renderLinks(ans) {
    const items = [];
    for (const role of ["facilitate", "edit", "view"]) {
      const l = ans.links[role];
      if (!l) continue;
      const li = document.createElement("li");
      li.className = "share-link";
      li.dataset.role = role;
      const h = document.createElement("h4");
      h.textContent = t["share.link." + role];
      const id = "share-url-" + role;
      h.id = id + "-label";
      const help = document.createElement("p");
      help.className = "share-help";
      help.textContent = t["share.linkHelp." + role];
      const row = document.createElement("div");
      row.className = "copy-row";
      const input = document.createElement("input");
      input.id = id;
      input.readOnly = true;
      input.value = l.url;
      input.setAttribute("aria-labelledby", h.id);
      input.addEventListener("focus", () => input.select());
      const copyButton = document.createElement("button");
      copyButton.type = "button";
      copyButton.className = "copy";
      copyButton.textContent = t["share.copy"];
      copyButton.setAttribute("aria-label", t["share.copy"] + ": " + t["share.link." + role]);
      copyButton.addEventListener("click", () => copy(input, copyButton));
      row.append(input, copyButton);
      li.append(h, help, row);
      if (ans.role === "facilitate" && role !== "facilitate") {
        const replace = document.createElement("button");
        replace.type = "button";
        replace.className = "danger replace";
        replace.id = "share-replace-" + role;
        replace.textContent = t["share.replace." + role];
        replace.addEventListener("click", () => replaceLink(role));
        li.append(replace);
      }
      items.push(li);
    }
    $("#share-links").replaceChildren(...items);
  }

  // --- Doing -----------------------------------------------------------------

  /** copy puts a link on the clipboard; where the browser will not (plain
   * http on a school's network is not a secure context), it selects the
   * text for Ctrl+C and says so. */
  async function copy(input, button) {
    let ok = false;
    try {
      await navigator.clipboard.writeText(input.value);
      ok = true;
    } catch {}
    if (!ok) {
      input.focus();
      input.select();
      try {
        ok = document.execCommand("copy");
      } catch {}
    }
    button.textContent = ok ? t["share.copied"] : t["share.copyByHand"];
    button.dataset.copied = ok ? "yes" : "select";
    clearTimeout(button._timer);
    button._timer = setTimeout(() => {
      button.textContent = t["share.copy"];
      delete button.dataset.copied;
    }, copiedMs);
  }

  async function replaceLink(role) {
    if (!(await app.confirm(t["share.replaceConfirm." + role], t["share.replace." + role]))) return;
    if (await run("POST", "/links/" + role)) {
      const status = $("#share-status");
      status.textContent = t["share.replaced." + role];
      $("#share-url-" + role)?.focus();
    }
  }

  const joinRole = () => document.querySelector('input[name="share-join-role"]:checked')?.value || current?.join?.role || "edit";
  $("#share-join-on")?.addEventListener("change", (e) => run("PUT", "/join", { on: e.target.checked, role: joinRole() }));
  for (const r of document.querySelectorAll('input[name="share-join-role"]')) {
    r.addEventListener("change", () => run("PUT", "/join", { on: !!current?.join?.code, role: joinRole() }));
  }
  $("#share-new-code")?.addEventListener("click", () => run("PUT", "/join", { on: true, role: joinRole() }));
  $("#share-close").addEventListener("click", () => dialog.close());
  // A press on the backdrop (outside the panel's box) closes it too.
  dialog.addEventListener("click", (e) => {
    if (e.target !== dialog) return;
    const r = dialog.getBoundingClientRect();
    if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) dialog.close();
  });

  // Focus goes back where the panel was opened from: the Share button, or
  // the ⋯ button when its menu entry (hidden by now) opened it.
  dialog.addEventListener("close", () => {
    if (dialog.open) return; // the close of an earlier opening, heard after this one began
    const back = opener;
    opener = null;
    if (back?.isConnected) back.focus();
  });

  /** open shows the panel and asks the server for the links as they are
   * now; returnTo is what has focus again when it closes (by default what
   * has it now). */
  async function open(returnTo = document.activeElement) {
    if (!dialog.open) opener = returnTo;
    showError(null);
    $("#share-status").textContent = "";
    if (!current) $("#share-loading").hidden = false;
    if (!dialog.open) dialog.showModal();
    $("#share-close").focus();
    try {
      render(await call("GET", "/links"));
    } catch (err) {
      $("#share-loading").hidden = true;
      showError(err);
    }
  }

  return { open };
}
