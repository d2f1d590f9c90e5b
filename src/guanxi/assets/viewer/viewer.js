// The offline viewer of a guanxi archive. A page opened from file:// cannot fetch() or load ES
// modules, so this is one classic script, and the data arrives as script files that call
// GX.load({...}) (viewer/data/*.js, written by guanxi/assets/viewer_pack.py). Every text from the
// archive goes into the page as text (textContent, text nodes), never as HTML; the page's CSP
// forbids inline script and style, eval and any network.

(() => {
  const DATA = "viewer/data/";
  const SHA = /^[0-9a-f]{64}$/;
  const DAY = 86400000;
  const loaded = new Map(); // data file name → its payload, until forgotten
  const pending = new Map(); // data file name → the promise of its payload

  window.GX = Object.freeze({
    load(payload) {
      if (payload && typeof payload.file === "string") loaded.set(payload.file, payload);
    },
  });

  /** A data file's payload, adding its <script> the first time it is asked for. */
  function data(file) {
    if (loaded.has(file)) return Promise.resolve(loaded.get(file));
    if (!pending.has(file)) pending.set(file, inject(file));
    return pending.get(file);
  }

  function inject(file) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = `${DATA}${file}.js`;
      const done = (ok) => {
        script.remove();
        pending.delete(file);
        if (ok && loaded.has(file)) resolve(loaded.get(file));
        else reject(new Error(`${DATA}${file}.js is missing or unreadable`));
      };
      script.addEventListener("load", () => done(true));
      script.addEventListener("error", () => done(false));
      document.head.append(script);
    });
  }

  /** Lets go of loaded message chunks other than `keep`'s (memory stays one chat's worth). */
  function forgetMessages(keep) {
    for (const file of loaded.keys()) if (file.startsWith("messages-") && !file.startsWith(keep)) loaded.delete(file);
  }

  // -- DOM without HTML strings -------------------------------------------------------------

  const SVG = "http://www.w3.org/2000/svg";

  /** h("a.conv-item", {href, attrs: {...}, dataset: {...}, on: {...}}, child, "text", …) */
  function h(spec, props = {}, ...children) {
    const [tag, ...classes] = spec.split(".");
    const el = document.createElement(tag || "div");
    if (classes.length) el.className = classes.join(" ");
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "on") for (const [name, fn] of Object.entries(value)) el.addEventListener(name, fn);
      else if (key === "attrs") setAttrs(el, value);
      else if (key === "dataset") Object.assign(el.dataset, value);
      else el[key] = value;
    }
    return append(el, children);
  }

  function setAttrs(el, attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on") || name === "style") throw new Error("no inline handlers or styles");
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }

  /** Replaces el's children (null and "" are skipped, as in h()). */
  function fill(el, ...children) {
    el.replaceChildren();
    return append(el, children);
  }

  function append(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false || child === "") continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const PATHS = {
    chat: "M4 5h16v11H8l-4 4z",
    contacts: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8c0-4 3-6 7-6s7 2 7 6",
    moments: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm0 4v5l3 3",
    me: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 9c1-4 4-6 8-6s7 2 8 6",
    back: "M15 5l-7 7 7 7",
    heart: "M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10z",
    comment: "M4 5h16v11H9l-5 4z",
    file: "M6 3h8l4 4v14H6zM14 3v4h4",
    mic: "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3",
    place: "M12 21s-6-6-6-11a6 6 0 0 1 12 0c0 5-6 11-6 11zm0-9a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",
    lock: "M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4",
  };

  function icon(name) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "icon");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", PATHS[name]);
    svg.append(path);
    return svg;
  }

  function avatar(name, key, size = "") {
    let hash = 0;
    for (const ch of key || name || "?") hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    const initial = Array.from((name || key || "?").trim())[0] || "?";
    return h(`span.avatar.c${hash % 8}${size}`, { attrs: { "aria-hidden": "true" } }, initial.toUpperCase());
  }

  // -- times and sizes ------------------------------------------------------------------------

  const startOfDay = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const daysAgo = (ms) => Math.round((startOfDay(new Date()) - startOfDay(new Date(ms))) / DAY);
  const clockTime = (ms) => new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  const fullTime = (ms) => new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  const dateOnly = (ms) => new Date(ms).toLocaleDateString(undefined, { dateStyle: "medium" });
  const dayKey = (ms) => new Date(ms).toDateString();

  function dayLabel(ms) {
    const diff = daysAgo(ms);
    if (diff === 0) return "Today";
    if (diff === 1) return "Yesterday";
    const opts = { weekday: "long", month: "long", day: "numeric" };
    if (new Date(ms).getFullYear() !== new Date().getFullYear()) opts.year = "numeric";
    return new Date(ms).toLocaleDateString(undefined, opts);
  }

  function shortTime(ms) {
    if (ms == null) return "";
    const diff = daysAgo(ms);
    if (diff === 0) return clockTime(ms);
    if (diff === 1) return "Yesterday";
    if (diff < 7) return new Date(ms).toLocaleDateString(undefined, { weekday: "short" });
    return new Date(ms).toLocaleDateString(undefined, { year: "2-digit", month: "numeric", day: "numeric" });
  }

  function fileSize(bytes) {
    if (bytes == null) return "";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function duration(ms) {
    if (ms == null) return "";
    const s = Math.max(0, Math.round(ms / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  const count = (n, one, many) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
  const roleLabel = (role) => (role || "").replace("_", " ");

  // -- the archive: people, names, conversations ----------------------------------------------

  const S = { me: "", profile: null, index: null, people: new Map(), friends: new Map(), media: new Map() };
  const convs = new Map(); // String(id) → conversation summary

  function nameOf(handle) {
    if (!handle) return "Someone";
    if (handle === S.me) return S.profile?.display_name || handle;
    const friend = S.friends.get(handle);
    if (friend?.remark) return friend.remark;
    const person = S.people.get(handle);
    if (person?.is_deleted) return "Deleted account";
    return person?.display_name || handle;
  }

  function peerOf(conv) {
    const other = (conv.members || []).find((m) => m.handle !== S.me);
    return other ? other.handle : null;
  }

  function convTitle(conv) {
    if (conv.name) return conv.name;
    if (conv.kind === "direct") return peerOf(conv) ? nameOf(peerOf(conv)) : "Chat";
    const names = (conv.members || []).filter((m) => m.handle !== S.me).map((m) => nameOf(m.handle));
    return names.slice(0, 3).join(", ") || "Group";
  }

  const convTime = (conv) => (conv.last ? conv.last.created_at : conv.created_at) || 0;

  async function open() {
    const index = await data("index");
    loaded.delete("index");
    S.index = index;
    S.profile = index.profile;
    S.me = index.profile?.handle || index.manifest?.user?.handle || "";
    for (const p of index.people || []) S.people.set(p.handle, p);
    for (const f of index.friends || []) S.friends.set(f.handle, f);
    for (const c of index.conversations || []) convs.set(String(c.id), c);
    for (const chunk of await Promise.all((index.media || []).map((c) => data(c.file)))) {
      for (const m of chunk.items) S.media.set(m.sha256, m);
      loaded.delete(chunk.file);
    }
  }

  // -- the frame and the router ------------------------------------------------------------------

  const TABS = [
    ["chats", "Chats", "chat"],
    ["contacts", "Contacts", "contacts"],
    ["moments", "Moments", "moments"],
    ["me", "Me", "me"],
  ];
  let listPane;
  let mainPane;
  let dispose = null;

  function frame(app) {
    listPane = h("section.list-pane", { attrs: { "aria-label": "Chats" } });
    mainPane = h("main.main-pane");
    const rail = h(
      "nav.rail",
      { attrs: { "aria-label": "Sections" } },
      h("span.brand-mark.rail-brand", { title: "guanxi archive", attrs: { "aria-hidden": "true" } }, "关"),
      TABS.map(([key, label, name]) => h("a.tab", { href: `#/${key}`, dataset: { tab: key } }, icon(name), label)),
    );
    fill(app, h("div.shell", {}, rail, listPane, mainPane));
  }

  function route() {
    if (dispose) dispose();
    dispose = null;
    const hash = location.hash || "#/chats";
    const chat = hash.match(/^#\/chats\/([^/]+)$/);
    const tab = chat ? "chats" : (hash.match(/^#\/(contacts|moments|me)$/) || [null, "chats"])[1];
    for (const a of document.querySelectorAll(".tab")) {
      if (a.dataset.tab === tab) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    document.body.classList.toggle("wide", tab !== "chats");
    document.body.classList.toggle("has-detail", Boolean(chat));
    if (tab === "chats") {
      renderChatList(listPane, chat ? decodeURIComponent(chat[1]) : null);
      dispose = chat ? renderChat(mainPane, decodeURIComponent(chat[1])) : emptyDetail(mainPane);
    } else {
      fill(listPane);
      dispose = { contacts: renderContacts, moments: renderMoments, me: renderMe }[tab](mainPane);
    }
  }

  function emptyDetail(pane) {
    fill(
      pane,
      h(
        "div.empty-detail",
        {},
        h("span.brand-mark.big", { attrs: { "aria-hidden": "true" } }, "关"),
        h("p", {}, "Pick a chat to read it."),
        h("p.muted.small", {}, "This archive works offline: nothing here leaves your computer."),
      ),
    );
    return null;
  }

  function paneHeader(title, subtitle, backTo) {
    return h(
      "header.pane-head",
      {},
      backTo ? h("a.back", { href: backTo, attrs: { "aria-label": "Back" } }, icon("back")) : null,
      h("div.pane-title", {}, h("h2", {}, title), subtitle ? h("p.subtitle", {}, subtitle) : null),
    );
  }

  // -- the chat list ---------------------------------------------------------------------------

  function preview(conv) {
    const last = conv.last;
    if (!last) return conv.kind === "group" ? count((conv.members || []).length, "member", "members") : "No messages";
    if (last.recalled) return "message recalled";
    if (last.kind === "system") return last.text;
    const labels = { image: "[Photo]", voice: "[Voice]", video: "[Video]", file: "[File]" };
    const text = labels[last.kind] ? `${labels[last.kind]} ${last.text || ""}`.trim() : last.text;
    if (conv.kind === "group") return `${last.sender === S.me ? "You" : nameOf(last.sender)}: ${text}`;
    return text;
  }

  function renderChatList(pane, activeId) {
    const filter = h("input.search-input", {
      type: "search",
      placeholder: "Search chats",
      attrs: { "aria-label": "Search chats" },
    });
    const list = h("ul.conv-list", { attrs: { "aria-label": "Chats" } });
    const sorted = [...convs.values()].sort((a, b) => convTime(b) - convTime(a));
    const draw = () => {
      const needle = filter.value.trim().toLowerCase();
      const shown = sorted.filter((c) => !needle || convTitle(c).toLowerCase().includes(needle));
      list.replaceChildren(...shown.map((c) => chatItem(c, String(c.id) === activeId)));
      if (shown.length === 0)
        list.append(h("li.list-empty", {}, needle ? "No chat matches." : "No chats in this archive."));
    };
    filter.addEventListener("input", draw);
    const exported = S.index.manifest?.exported_at;
    fill(
      pane,
      paneHeader("Chats", exported ? `Archive exported ${dateOnly(exported)}` : "Archive"),
      h("div.list-search", {}, filter),
      h("div.list-scroll", {}, list),
    );
    draw();
  }

  function chatItem(conv, active) {
    const title = convTitle(conv);
    return h(
      "li",
      {},
      h(
        `a.conv-item${active ? ".active" : ""}`,
        {
          href: `#/chats/${encodeURIComponent(conv.id)}`,
          attrs: { "aria-current": active ? "page" : null },
          dataset: { conv: conv.id },
        },
        avatar(title, conv.kind === "group" ? `g${conv.id}` : peerOf(conv)),
        h(
          "span.conv-main",
          {},
          h(
            "span.conv-top",
            {},
            h("span.conv-title", {}, title),
            h("time.conv-time", { title: fullTime(convTime(conv)) }, shortTime(convTime(conv))),
          ),
          h(
            "span.conv-bottom",
            {},
            h("span.conv-preview", {}, preview(conv)),
            conv.messages
              ? h(
                  "span.conv-count",
                  { title: count(conv.messages, "message", "messages") },
                  conv.messages.toLocaleString(),
                )
              : null,
          ),
        ),
      ),
    );
  }

  // -- one chat: its messages, a chunk at a time, newest first ------------------------------------

  function renderChat(pane, id) {
    const conv = convs.get(id);
    if (!conv) {
      fill(pane, paneHeader("Not found", null, "#/chats"), h("p.list-empty", {}, "No such chat in this archive."));
      return null;
    }
    const prefix = conv.chunks.length ? conv.chunks[0].file.replace(/-\d+$/, "-") : "messages-none-";
    forgetMessages(prefix);
    const ctx = { conv, bySeq: new Map(), lowest: conv.chunks.length, busy: false };
    const top = h("div.history-top");
    const list = h("div.messages", { attrs: { role: "log", "aria-label": "Messages" } }, top, historyEnd(conv));
    fill(pane, chatHeader(conv), conv.announcement ? h("div.announcement", {}, conv.announcement) : null, list);
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadEarlier(ctx, list, top);
    });
    loadEarlier(ctx, list, top).then(() => {
      list.scrollTop = list.scrollHeight;
      observer.observe(top);
    });
    return () => observer.disconnect();
  }

  function chatHeader(conv) {
    const people = (conv.members || []).length;
    const peer = peerOf(conv);
    const who = conv.kind === "group" ? count(people, "member", "members") : peer ? `@${peer}` : "";
    const subtitle = [who, count(conv.messages || 0, "message", "messages")].filter(Boolean).join(" · ");
    return paneHeader(convTitle(conv), subtitle, "#/chats");
  }

  async function loadEarlier(ctx, list, top) {
    if (ctx.lowest === 0) top.textContent = historyStart(ctx.conv);
    if (ctx.busy || ctx.lowest === 0) return;
    ctx.busy = true;
    top.textContent = "Loading earlier messages…";
    try {
      const chunk = await data(ctx.conv.chunks[ctx.lowest - 1].file);
      ctx.lowest -= 1;
      for (const m of chunk.items) ctx.bySeq.set(m.seq, m);
      const before = list.scrollHeight - list.scrollTop;
      const first = top.nextElementSibling;
      const rows = chunk.items.map((m) => buildRow(m, ctx));
      top.after(...rows);
      for (const row of rows) relink(row);
      if (first) relink(first);
      list.scrollTop = list.scrollHeight - before;
    } catch (e) {
      top.textContent = e.message;
      return;
    } finally {
      ctx.busy = false;
    }
    top.textContent = ctx.lowest === 0 ? historyStart(ctx.conv) : "Scroll up for earlier messages";
    // still at the top (a short chunk, a tall window): no scroll will tell the observer
    if (ctx.lowest > 0 && list.scrollTop < 40 && top.isConnected) await loadEarlier(ctx, list, top);
  }

  /** Where the user's part of a group's history ended, when they left it. */
  function historyEnd(conv) {
    if (conv.window?.through_seq == null) return null;
    const mine = (conv.members || []).find((m) => m.handle === S.me);
    const when = mine?.left_at ? ` on ${dateOnly(mine.left_at)}` : "";
    return h("div.history-end", {}, `You left this group${when}: your part of its history ends here.`);
  }

  function historyStart(conv) {
    if (!conv.messages) return "No messages in this chat.";
    const after = conv.window?.after_seq;
    return after ? "Your part of this group's history starts here." : "The beginning of this chat.";
  }

  /** Day separators and runs of one sender, from the row's previous sibling. */
  function relink(row) {
    if (!row?.dataset.day) return;
    const prev = row.previousElementSibling;
    const needSep = !prev?.dataset.day || prev.dataset.day !== row.dataset.day;
    let sep = row.querySelector(":scope > .day-sep");
    if (needSep && !sep) {
      sep = h("div.day-sep", { attrs: { role: "separator" } }, h("span", {}, dayLabel(Number(row.dataset.time))));
      row.prepend(sep);
    } else if (!needSep && sep) sep.remove();
    const close =
      !needSep &&
      !row.classList.contains("system") &&
      !prev.classList.contains("system") &&
      prev.dataset.sender === row.dataset.sender &&
      Number(row.dataset.time) - Number(prev.dataset.time) < 5 * 60 * 1000;
    row.classList.toggle("continued", Boolean(close));
  }

  function buildRow(m, ctx) {
    const mine = m.sender === S.me;
    const group = ctx.conv.kind === "group";
    const row = h(`div.msg-row${mine ? ".mine" : ""}`, {
      dataset: { seq: m.seq, day: dayKey(m.created_at), sender: m.sender || "", time: m.created_at },
    });
    if (m.kind === "system") {
      row.classList.add("system");
      return append(row, [h("div.sys-line", { title: fullTime(m.created_at) }, m.text)]);
    }
    const body = h(
      "div.msg-body",
      {},
      group && !mine ? h("span.sender", {}, nameOf(m.sender)) : null,
      bubble(m, ctx),
      reactions(m),
    );
    return append(row, [h("div.msg", {}, group && !mine ? avatar(nameOf(m.sender), m.sender, ".small") : null, body)]);
  }

  function bubble(m, ctx) {
    const recalled = m.recalled_at != null;
    const el = h(`div.bubble.kind-${recalled ? "recalled" : m.kind}`);
    if (recalled) el.append(h("span.text.recalled", {}, "message recalled"));
    else {
      if (m.reply_to_seq != null) el.append(quote(m.reply_to_seq, ctx));
      if (m.media) el.append(mediaView(m.media));
      if (m.text)
        el.append(h(`span.text${m.kind === "emoji" ? ".big-emoji" : ""}`, {}, richText(m.text, m.mentions || [])));
    }
    const edited = m.edited_at != null && !recalled;
    const editNote = edited
      ? `edited${m.edit_count > 1 ? ` ${m.edit_count} times` : ""}, last ${fullTime(m.edited_at)}`
      : "";
    el.append(
      h(
        "span.meta",
        {},
        edited ? h("span.edited", { title: editNote }, "edited") : null,
        h("time", { title: fullTime(m.created_at) }, clockTime(m.created_at)),
      ),
    );
    return el;
  }

  const TOKEN = /(@[A-Za-z0-9_.]{1,64}|https?:\/\/[^\s<>"]+)/g;

  /** Text with @mentions and links marked, from text nodes only. */
  function richText(text, mentions) {
    const out = [];
    let last = 0;
    for (const match of text.matchAll(TOKEN)) {
      out.push(text.slice(last, match.index), token(match[0], mentions));
      last = match.index + match[0].length;
    }
    out.push(text.slice(last));
    return out;
  }

  function token(word, mentions) {
    if (word.startsWith("@")) {
      const handle = word.slice(1);
      if (!mentions.includes(handle)) return word;
      return h(`span.mention${handle === S.me ? ".me" : ""}`, { title: nameOf(handle) }, word);
    }
    try {
      const url = new URL(word);
      if (url.protocol !== "http:" && url.protocol !== "https:") return word;
      return h("a", { href: url.href, target: "_blank", rel: "noopener noreferrer" }, word);
    } catch {
      return word;
    }
  }

  function quote(seq, ctx) {
    const name = h("span.quote-name", {}, "…");
    const text = h("span.quote-text", {}, "");
    const show = (m) => {
      if (!m) {
        name.textContent = "An earlier message";
        text.textContent = "not in this archive";
        return;
      }
      name.textContent = nameOf(m.sender);
      const labels = { image: "[Photo]", voice: "[Voice]", video: "[Video]", file: "[File]" };
      text.textContent = m.recalled_at != null ? "message recalled" : m.text || labels[m.kind] || "";
    };
    findMessage(seq, ctx).then(show, () => show(null));
    return h("div.quote", { dataset: { seq } }, name, text);
  }

  async function findMessage(seq, ctx) {
    if (ctx.bySeq.has(seq)) return ctx.bySeq.get(seq);
    const chunk = ctx.conv.chunks.find((c) => c.first <= seq && seq <= c.last);
    if (!chunk) return null;
    const payload = await data(chunk.file);
    return payload.items.find((m) => m.seq === seq) || null;
  }

  function reactions(m) {
    if (!m.reactions || m.reactions.length === 0 || m.recalled_at != null) return null;
    const byEmoji = new Map();
    for (const r of m.reactions) byEmoji.set(r.emoji, [...(byEmoji.get(r.emoji) || []), r.handle]);
    return h(
      "div.reactions",
      {},
      [...byEmoji].map(([emoji, handles]) => {
        const who = handles.map((x) => (x === S.me ? "You" : nameOf(x))).join(", ");
        return h(
          `span.reaction${handles.includes(S.me) ? ".mine" : ""}`,
          { title: who, attrs: { "aria-label": `${emoji} ${handles.length}: ${who}` } },
          h("span", {}, emoji),
          h("span.count", {}, String(handles.length)),
        );
      }),
    );
  }

  // -- media: media/<sha256> next to index.html --------------------------------------------------

  function mediaKind(rec) {
    const mime = (rec?.mime || "").toLowerCase();
    if (rec?.kind === "image" && mime.startsWith("image/")) return "image";
    if (rec?.kind === "voice" && (mime.startsWith("audio/") || mime.startsWith("video/"))) return "voice";
    if (rec?.kind === "video" && mime.startsWith("video/")) return "video";
    return "file";
  }

  function mediaView(sha) {
    if (!SHA.test(sha)) return null;
    const rec = S.media.get(sha) || { sha256: sha, kind: "file" };
    const path = `media/${sha}`;
    const kind = mediaKind(rec);
    if (kind === "image") return photo(rec, path);
    if (kind === "voice") {
      const audio = h("audio.voice-audio", { controls: true, preload: "metadata", src: path });
      return h("div.voice", { title: duration(rec.duration_ms) }, icon("mic"), audio);
    }
    if (kind === "video") return h("video.video", { controls: true, preload: "metadata", src: path });
    return fileLink(rec, path);
  }

  function photo(rec, path, cls = "photo") {
    const img = h(`img.${cls}`, {
      alt: rec.filename || "Photo",
      attrs: { loading: "lazy", decoding: "async" },
      src: path,
    });
    if (rec.width && rec.height && cls === "photo") {
      const scale = Math.min(1, 260 / Math.max(rec.width, rec.height));
      img.width = Math.max(40, Math.round(rec.width * scale));
      img.height = Math.max(40, Math.round(rec.height * scale));
    }
    const link = h(`a.${cls}-link`, { href: path, target: "_blank", title: "Open the original" }, img);
    img.addEventListener("error", () => link.replaceWith(fileLink(rec, path)), { once: true });
    return link;
  }

  function fileLink(rec, path) {
    const name = rec.filename || "Attachment";
    return h(
      "a.file",
      { href: path, download: name, attrs: { "aria-label": `Download ${name}` } },
      icon("file"),
      h("span.file-info", {}, h("span.file-name", {}, name), h("span.file-size", {}, fileSize(rec.size))),
    );
  }

  // -- moments, newest first, a chunk at a time ---------------------------------------------------

  function renderMoments(pane) {
    const chunks = S.index.moments || [];
    let next = chunks.length - 1;
    const feed = h("div.feed", { attrs: { "aria-label": "Moments" } });
    const more = h("button.secondary.more", { type: "button", hidden: true }, "Older moments");
    const cover = h(
      "div.moments-cover",
      {},
      h("div.cover-name", {}, h("strong", {}, nameOf(S.me)), avatar(nameOf(S.me), S.me, ".large")),
    );
    const load = async () => {
      more.hidden = true;
      const chunk = await data(chunks[next].file);
      next -= 1;
      const items = [...chunk.items].sort((a, b) => b.created_at - a.created_at);
      feed.append(...items.map(momentCard));
      more.hidden = next < 0;
    };
    more.addEventListener("click", load);
    const total = chunks.reduce((n, c) => n + c.count, 0);
    fill(
      pane,
      paneHeader("Moments", count(total, "moment", "moments")),
      h("div.page.feed-page", {}, cover, feed, more),
    );
    if (next >= 0) load().catch((e) => feed.append(h("p.list-empty", {}, e.message)));
    else feed.append(h("p.list-empty", {}, "No moments in this archive."));
    return null;
  }

  const AUDIENCE = {
    all: "All friends",
    only: "Only friends tagged",
    except: "All friends but those tagged",
    private: "Only me",
  };

  function momentCard(m) {
    const audience = m.audience || { kind: "all", tags: [] };
    const label = `${AUDIENCE[audience.kind] || audience.kind}${audience.tags?.length ? `: ${audience.tags.join(", ")}` : ""}`;
    return h(
      "article.moment",
      { dataset: { moment: m.id } },
      avatar(nameOf(S.me), S.me),
      h(
        "div.moment-body",
        {},
        h("span.moment-author", {}, nameOf(S.me)),
        m.text ? h("p.moment-text", {}, m.text) : null,
        photoGrid(m.media || []),
        m.place ? h("p.place", {}, icon("place"), m.place) : null,
        h(
          "div.moment-meta",
          {},
          h("time", { title: fullTime(m.created_at) }, fullTime(m.created_at)),
          h("span.chip", { title: "Who could see it" }, audience.kind === "private" ? icon("lock") : null, label),
        ),
        social(m),
      ),
    );
  }

  function photoGrid(shas) {
    if (shas.length === 0) return null;
    const size = shas.length === 1 ? ".one" : shas.length === 2 || shas.length === 4 ? ".two" : ".three";
    return h(
      `div.photo-grid${size}`,
      {},
      shas.map((sha) => {
        const rec = S.media.get(sha) || { sha256: sha, kind: "file" };
        const kind = SHA.test(sha) ? mediaKind(rec) : "none";
        if (kind === "image") return photo(rec, `media/${sha}`, "grid-photo");
        if (kind === "video" || kind === "voice") return h("div.grid-media", {}, mediaView(sha));
        return kind === "file" ? h("div.grid-media", {}, mediaView(sha)) : null;
      }),
    );
  }

  function social(m) {
    const likes = m.likes || [];
    const comments = m.comments || [];
    if (likes.length === 0 && comments.length === 0) return null;
    const byId = new Map(comments.map((c) => [c.id, c]));
    return h(
      "div.social",
      {},
      likes.length
        ? h("p.likes", {}, icon("heart"), likes.map((l) => (l.handle === S.me ? "You" : nameOf(l.handle))).join(", "))
        : null,
      comments.length
        ? h(
            "ul.comments",
            {},
            comments.map((c) => {
              const to = c.reply_to != null ? byId.get(c.reply_to) : null;
              return h(
                "li.comment",
                { title: fullTime(c.created_at) },
                h("strong", {}, nameOf(c.handle)),
                to ? [" replied to ", h("strong", {}, nameOf(to.handle))] : null,
                ": ",
                h("span.comment-text", {}, c.text),
              );
            }),
          )
        : null,
    );
  }

  // -- contacts ----------------------------------------------------------------------------------

  function renderContacts(pane) {
    const friends = S.index.friends || [];
    const blocks = S.index.blocks || [];
    const direct = new Map();
    for (const c of convs.values()) if (c.kind === "direct" && peerOf(c)) direct.set(peerOf(c), c.id);
    fill(
      pane,
      paneHeader("Contacts", count(friends.length, "friend", "friends")),
      h(
        "div.page",
        {},
        h("h3.section-title", {}, "Friends"),
        h(
          "ul.card.member-list",
          {},
          friends.length
            ? friends.map((f) => friendRow(f, direct.get(f.handle)))
            : h("li.list-empty", {}, "No friends in this archive."),
        ),
        blocks.length ? h("h3.section-title", {}, "Blocked") : null,
        blocks.length
          ? h(
              "ul.card.member-list",
              {},
              blocks.map((b) =>
                h(
                  "li.member",
                  {},
                  avatar(nameOf(b.handle), b.handle, ".small"),
                  h("span.member-name", {}, nameOf(b.handle), h("span.handle", {}, ` @${b.handle}`)),
                  h("span.muted.small", {}, `blocked ${dateOnly(b.blocked_at)}`),
                ),
              ),
            )
          : null,
      ),
    );
    return null;
  }

  function friendRow(f, chatId) {
    const person = S.people.get(f.handle);
    const name = nameOf(f.handle);
    const real = person?.display_name && person.display_name !== name ? person.display_name : null;
    return h(
      "li.member.friend",
      { dataset: { handle: f.handle } },
      avatar(name, f.handle),
      h(
        "div.member-main",
        {},
        h(
          "div.member-top",
          {},
          h("strong.member-name", {}, name),
          f.role ? h("span.chip.role", {}, roleLabel(f.role)) : null,
        ),
        h("span.muted.small", {}, real ? `${real} · @${f.handle}` : `@${f.handle}`),
        f.tags?.length
          ? h(
              "span.tags",
              {},
              f.tags.map((t) => h("span.tag", {}, t)),
            )
          : null,
        f.since ? h("span.muted.small", {}, `Friends since ${dateOnly(f.since)}`) : null,
      ),
      chatId != null
        ? h(
            "a.link",
            { href: `#/chats/${encodeURIComponent(chatId)}`, attrs: { "aria-label": `Chat with ${name}` } },
            icon("chat"),
          )
        : null,
    );
  }

  // -- me: the profile, the archive, and one's likes and comments elsewhere ----------------------

  function renderMe(pane) {
    const p = S.profile || { handle: S.me, display_name: S.me };
    const m = S.index.manifest || {};
    const counts = m.counts || {};
    const visible = { "3d": "the last 3 days", "6m": "the last 6 months", all: "all of them" };
    const interactions = h("ul.plain.interactions");
    fill(
      pane,
      paneHeader("Me", null),
      h(
        "div.page",
        {},
        h(
          "section.card.profile",
          {},
          h(
            "div.profile-head",
            {},
            avatar(p.display_name, p.handle, ".large"),
            h("div", {}, h("h3", {}, p.display_name || p.handle), h("p.muted", {}, `@${p.handle}`)),
          ),
          p.bio ? h("p.bio", {}, p.bio) : null,
          h(
            "dl.facts",
            {},
            p.created_at ? [h("dt", {}, "Member since"), h("dd", {}, dateOnly(p.created_at))] : null,
            p.moments_visible
              ? [h("dt", {}, "Moments friends can see"), h("dd", {}, visible[p.moments_visible] || p.moments_visible)]
              : null,
          ),
        ),
        h(
          "section.card",
          {},
          h("h3", {}, "This archive"),
          h(
            "dl.facts",
            {},
            m.exported_at ? [h("dt", {}, "Exported"), h("dd", {}, fullTime(m.exported_at))] : null,
            Object.entries(counts).map(([k, v]) => [h("dt", {}, k), h("dd", {}, Number(v).toLocaleString())]),
          ),
        ),
        h("section.card", {}, h("h3", {}, "Your likes and comments on others' moments"), interactions),
      ),
    );
    drawInteractions(interactions);
    return null;
  }

  async function drawInteractions(list) {
    const chunks = S.index.interactions || [];
    if (chunks.length === 0) {
      list.append(h("li.muted", {}, "None."));
      return;
    }
    let next = 0;
    const more = h("button.secondary.more", { type: "button" }, "More");
    const load = async () => {
      const chunk = await data(chunks[next].file);
      next += 1;
      more.remove();
      list.append(...chunk.items.map(interaction));
      if (next < chunks.length) list.append(more);
    };
    more.addEventListener("click", load);
    await load();
  }

  function interaction(i) {
    const author = nameOf(i.moment?.author);
    const about = i.moment?.text ? ` “${i.moment.text.slice(0, 80)}”` : "";
    const what =
      i.kind === "like" ? `You liked ${author}'s moment${about}` : `You commented on ${author}'s moment${about}: `;
    return h(
      "li.interaction",
      {},
      icon(i.kind === "like" ? "heart" : "comment"),
      h("span", {}, what, i.kind === "comment" ? h("q", {}, i.text) : null),
      h("time.muted.small", { title: fullTime(i.created_at) }, dateOnly(i.created_at)),
    );
  }

  // -- start -------------------------------------------------------------------------------------

  async function boot() {
    const app = document.getElementById("app");
    try {
      await open();
    } catch (e) {
      fill(
        app,
        h(
          "div.offline-page",
          {},
          h("p", {}, "This archive cannot be shown: ", e.message),
          h("p", {}, "Unzip the whole archive first, then open index.html from the unzipped folder."),
        ),
      );
      return;
    }
    document.title = `${nameOf(S.me)} · guanxi archive`;
    frame(app);
    window.addEventListener("hashchange", route);
    route();
  }

  boot();
})();
