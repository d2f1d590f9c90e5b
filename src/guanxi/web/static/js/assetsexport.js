// "Export my data" on the assets screen: start an export (POST /me/exports), follow it
// (export.progress / export.done events, GET /me/exports/{id} as a fallback while the socket
// is away), then save the archive — fetched with the Authorization header (never a token in
// a URL) and handed to the browser from a blob: URL.

import { API, ApiError, call, session } from "./api.js";
import { clear, h, toast } from "./dom.js";
import { fileSize } from "./format.js";
import { on } from "./state.js";
import { errorText, reasonText, t } from "./i18n.js";

const POLL_MS = 4000;

/** The card and its dispose(). */
export function exportCard() {
  const status = h("p.muted", {}, t("export.intro"));
  const bar = h("progress.export-progress", {
    max: 1,
    value: 0,
    hidden: true,
    attrs: { "aria-label": t("export.progress") },
  });
  const actions = h("div.export-actions");
  const card = h("section.card.stack.export-card", {}, h("h3", {}, t("export.title")), status, bar, actions);
  let job = null;
  let timer = null;

  const show = (wire) => {
    job = wire;
    const finished = wire.state === "done" || wire.state === "failed";
    bar.hidden = finished;
    bar.max = Math.max(1, wire.progress?.total || 1);
    bar.value = wire.progress?.done || 0;
    if (wire.state === "done") {
      status.textContent = t("export.ready", { size: fileSize(wire.size) });
      clear(
        actions,
        h("button.primary", { type: "button", on: { click: () => download(wire) } }, t("export.download")),
        startButton(t("export.again")),
      );
    } else if (wire.state === "failed") {
      status.textContent = t("export.failed", { reason: reasonText(wire.error) });
      clear(actions, startButton(t("export.retry")));
    } else {
      const { done = 0, total = 0 } = wire.progress || {};
      status.textContent = total ? t("export.progressOf", { done, total }) : t("export.running");
      clear(actions);
    }
    clearTimeout(timer);
    if (!finished) timer = setTimeout(poll, POLL_MS);
  };

  const poll = async () => {
    if (!job) return;
    try {
      show(await call("GET", `/me/exports/${job.id}`));
    } catch {
      timer = setTimeout(poll, POLL_MS);
    }
  };

  const start = async () => {
    try {
      const started = await call("POST", "/me/exports");
      show({ ...started, progress: { done: 0, total: 0 } });
    } catch (x) {
      toast(errorText(x), ".error");
    }
  };

  function startButton(label) {
    return h("button.secondary", { type: "button", on: { click: start } }, label);
  }

  clear(actions, h("button.primary", { type: "button", on: { click: start } }, t("export.title")));
  const stop = on("export", (wire) => {
    if (job && wire.id === job.id) show(wire);
  });
  return {
    el: card,
    dispose: () => {
      stop();
      clearTimeout(timer);
    },
  };
}

async function download(job) {
  try {
    const response = await fetch(`${API}/me/exports/${job.id}/archive`, {
      headers: { Authorization: `Bearer ${session.token}` },
    });
    if (!response.ok) throw new ApiError(response.status, "export", t("error.export"));
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: `guanxi-export-${job.id}.zip` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (x) {
    toast(errorText(x), ".error");
  }
}
