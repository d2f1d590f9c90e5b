// The public HTTP API: the token travels only in the Authorization header.

import { t } from "./i18n.js";

const TOKEN_KEY = "guanxi.token";
export const API = "/api/v1";

export class ApiError extends Error {
  /** `message` is the server's words (English), for codes the catalogue does not know;
   *  `retryAfter` the seconds a 429 or 503 asked to wait (its Retry-After), else null. */
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

export const session = {
  get token() {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  },
  onUnauthorized: () => {},
};

function headers(json) {
  const out = {};
  if (session.token) out.Authorization = `Bearer ${session.token}`;
  if (json) out["Content-Type"] = "application/json";
  return out;
}

async function answer(response) {
  if (response.status === 204) return null;
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok) return body;
  const error = body?.error || {};
  if (response.status === 401 && error.code === "unauthorized") session.onUnauthorized();
  const wait = Number(response.headers.get("Retry-After")) || null;
  throw new ApiError(
    response.status,
    error.code || `http_${response.status}`,
    error.message || response.statusText,
    wait,
  );
}

/** call("POST", "/sessions", {...}) → parsed JSON; throws ApiError (or TypeError offline). */
const BUSY_RETRY_MAX_SECONDS = 5; // a longer Retry-After shows the error at once

export async function call(method, path, body, query) {
  let url = API + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, v);
    const text = params.toString();
    if (text) url += `?${text}`;
  }
  const json = body !== undefined;
  const send = () => fetch(url, { method, headers: headers(json), body: json ? JSON.stringify(body) : undefined });
  let response = await send();
  const wait = Number(response.headers.get("Retry-After"));
  if (response.status === 503 && method === "GET" && wait > 0 && wait <= BUSY_RETRY_MAX_SECONDS) {
    // busy (a read waited too long) or the database restarting: a read is asked once more,
    // after the pause the server named (a write is not: the caller decides, with its client_id)
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    response = await send();
  }
  return answer(response);
}

export async function upload(file, name) {
  const form = new FormData();
  form.append("file", file, name || file.name || "file");
  const response = await fetch(`${API}/media`, { method: "POST", headers: headers(false), body: form });
  return answer(response);
}

const blobs = new Map();

/** A blob: URL for a media item, fetched with the header (never a token in a URL). */
export function mediaUrl(id, variant = "") {
  return blobUrl(`${id}/${variant}`, `${API}/media/${encodeURIComponent(id)}${variant ? `/${variant}` : ""}`);
}

/** The blob: URL of what `path` answers, fetched once per `key` (a failure is forgotten). */
function blobUrl(key, path) {
  if (!blobs.has(key)) {
    const promise = fetch(path, { headers: headers(false) }).then(async (response) => {
      if (!response.ok) throw new ApiError(response.status, "media", t("error.media"));
      return URL.createObjectURL(await response.blob());
    });
    promise.catch(() => blobs.delete(key));
    blobs.set(key, promise);
  }
  return blobs.get(key);
}

/** A blob: URL for someone's profile picture at a version (User.avatar), fetched as media. */
export function avatarUrl(handle, version) {
  return blobUrl(`avatar/${handle}/${version}`, `${API}/users/${encodeURIComponent(handle)}/avatar`);
}

/** Sends a new profile picture (a Blob): my profile as the server now has it. */
export async function uploadAvatar(blob) {
  const form = new FormData();
  form.append("file", blob, "picture.jpg");
  const response = await fetch(`${API}/me/avatar`, { method: "PUT", headers: headers(false), body: form });
  return answer(response);
}

export function forgetBlobs() {
  for (const promise of blobs.values())
    promise.then(
      (url) => URL.revokeObjectURL(url),
      () => {},
    );
  blobs.clear();
}

export function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
