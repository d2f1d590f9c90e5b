// The tab's icon with the unread count drawn on it (red; grey when only muted chats have
// unread messages), and the count in the document's title.

const BASE_TITLE = "guanxi";
let base = null; // the icon, loaded once
let drawn = "";

function link() {
  let el = document.querySelector('link[rel="icon"]');
  if (!el) {
    el = document.createElement("link");
    el.rel = "icon";
    document.head.append(el);
  }
  return el;
}

function loadBase() {
  if (!base) {
    base = new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => resolve(null);
      img.src = "/static/icon.svg";
    });
  }
  return base;
}

/** Shows `count` unread (of chats not muted); `quiet` unread in muted chats only grey it. */
export async function showUnread(count, quiet) {
  document.title = count ? `(${count > 99 ? "99+" : count}) ${BASE_TITLE}` : BASE_TITLE;
  const want = count ? `red:${count}` : quiet ? "grey" : "";
  if (want === drawn) return;
  drawn = want;
  const icon = link();
  if (!want) {
    icon.type = "image/svg+xml";
    icon.href = "/static/icon.svg";
    icon.dataset.unread = want;
    return;
  }
  const img = await loadBase();
  if (drawn !== want) return; // a newer count came meanwhile
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const g = canvas.getContext("2d");
  if (img) g.drawImage(img, 0, 0, 64, 64);
  g.fillStyle = count ? "#d93025" : "#6b7280";
  g.beginPath();
  g.arc(44, 20, 20, 0, Math.PI * 2);
  g.fill();
  if (count) {
    g.fillStyle = "#fff";
    g.font = "bold 26px sans-serif";
    g.textAlign = "center";
    g.textBaseline = "middle";
    g.fillText(count > 9 ? "9+" : String(count), 44, 21);
  }
  icon.type = "image/png";
  icon.href = canvas.toDataURL("image/png");
  icon.dataset.unread = want; // says what the icon shows, once it shows it
}

export function resetUnread() {
  drawn = "x";
  return showUnread(0, 0);
}
