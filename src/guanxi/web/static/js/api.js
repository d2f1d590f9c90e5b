// The public HTTP API: the token travels only in the Authorization header.

const TOKEN_KEY = "guanxi.token";
export const API = "/api/v1";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
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
  throw new ApiError(response.status, error.code || `http_${response.status}`, error.message || response.statusText);
}

/** call("POST", "/sessions", {...}) → parsed JSON; throws ApiError (or TypeError offline). */
export async function call(method, path, body, query) {
  let url = API + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, v);
    const text = params.toString();
    if (text) url += `?${text}`;
  }
  const json = body !== undefined;
  const response = await fetch(url, { method, headers: headers(json), body: json ? JSON.stringify(body) : undefined });
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
  const key = `${id}/${variant}`;
  if (!blobs.has(key)) {
    const path = `${API}/media/${encodeURIComponent(id)}${variant ? `/${variant}` : ""}`;
    const promise = fetch(path, { headers: headers(false) }).then(async (response) => {
      if (!response.ok) throw new ApiError(response.status, "media", "Could not load the file.");
      return URL.createObjectURL(await response.blob());
    });
    promise.catch(() => blobs.delete(key));
    blobs.set(key, promise);
  }
  return blobs.get(key);
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
