// home.js: the home page's list of boards this browser opened recently.
// It lives in localStorage only: boards are private to whoever has the link.

const list = document.getElementById("recent-boards");
let recent = [];
try {
  recent = JSON.parse(localStorage.getItem("corkboard:recent")) || [];
} catch {}
const boardId = /^[A-Za-z0-9_-]{22}$/;
const items = recent.filter((b) => typeof b?.id === "string" && boardId.test(b.id)).map((b) => {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = "/b/" + b.id;
  a.textContent = String(b.title || b.id);
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
