// joinscreen.js: the join screen on the projector stays true while the
// class joins. The facilitator may draw a new code or turn joining off
// from the share panel meanwhile; the screen shows what the server says
// now by loading itself again every little while (the page is small, the
// QR code is not cached). A page whose link was replaced answers "not
// found", which is then what the projector shows.

const everyMs = 15_000;

setInterval(async () => {
  try {
    const res = await fetch(location.href, { cache: "no-store" });
    const html = await res.text();
    const next = new DOMParser().parseFromString(html, "text/html");
    const was = document.querySelector(".join-how")?.textContent;
    const now = next.querySelector(".join-how")?.textContent;
    if (!res.ok || now !== was) location.reload();
  } catch {
    // The server is away for a moment: keep showing what was there.
  }
}, everyMs);
