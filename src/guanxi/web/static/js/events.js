// The one WebSocket: hello with the token (never in the URL) and the last cursor; reconnects
// with jittered backoff and resumes from the cursor, so nothing is missed or doubled.

export class EventStream {
  constructor({ token, onEvent, onReady, onStatus, onUnauthorized }) {
    Object.assign(this, { token, onEvent, onReady, onStatus, onUnauthorized });
    this.cursor = null;
    this.socket = null;
    this.delay = 500;
    this.stopped = false;
    this.connections = 0;
    this.online = () => this.reconnectNow();
    this.offline = () => this.goOffline();
    window.addEventListener("online", this.online);
    window.addEventListener("offline", this.offline);
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener("online", this.online);
    window.removeEventListener("offline", this.offline);
    clearTimeout(this.retry);
    clearInterval(this.pinger);
    if (this.socket) this.socket.close(1000);
  }

  /** Close the socket as a network failure would; it reconnects by itself. */
  drop() {
    if (this.socket) this.socket.close(4000);
  }

  /** The browser says the network is gone: show it at once, and wait for it to come back
   *  (the "online" event) instead of retrying into nothing. */
  goOffline() {
    if (this.stopped) return;
    clearTimeout(this.retry);
    if (this.socket) this.socket.close(4000);
    else this.onStatus("offline");
  }

  reconnectNow() {
    if (this.stopped || (this.socket && this.socket.readyState <= 1 && this.alive)) return;
    clearTimeout(this.retry);
    this.delay = 500;
    if (this.socket) this.socket.close(4000);
    else this.open();
  }

  open() {
    clearTimeout(this.retry);
    this.alive = false;
    this.onStatus("connecting");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}/api/v1/events`);
    this.socket = socket;
    socket.addEventListener("open", () => {
      const hello = { type: "hello", token: this.token };
      if (this.cursor !== null) hello.cursor = this.cursor;
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener("message", (e) => this.receive(socket, e.data));
    socket.addEventListener("close", (e) => this.closed(socket, e.code));
  }

  receive(socket, data) {
    if (socket !== this.socket) return;
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    this.lastHeard = Date.now();
    if (frame.type === "ready") return this.ready(frame);
    if (frame.type === "resync") {
      this.mustReload = true;
      return;
    }
    if (frame.type === "pong" || frame.type === "error") return;
    this.onEvent(frame);
    if (typeof frame.cursor === "number") this.cursor = frame.cursor;
  }

  /** `resync` before `ready`: the server could not replay what this device missed (its cursor
   *  was older than the server keeps events, or too far behind), so everything shown so far
   *  is reloaded, not just caught up. */
  ready(frame) {
    const resumed = this.connections > 0;
    const reload = Boolean(this.mustReload);
    this.mustReload = false;
    this.connections += 1;
    this.cursor = frame.cursor;
    this.alive = true;
    this.delay = 500;
    this.onStatus("online");
    this.startPinging();
    this.onReady(resumed, reload);
  }

  startPinging() {
    clearInterval(this.pinger);
    this.lastHeard = Date.now();
    this.pinger = setInterval(() => {
      if (this.socket?.readyState !== 1) return;
      if (Date.now() - this.lastHeard > 45000) return this.socket.close(4000);
      this.socket.send(JSON.stringify({ type: "ping" }));
    }, 15000);
  }

  closed(socket, code) {
    if (socket !== this.socket) return;
    clearInterval(this.pinger);
    this.socket = null;
    this.alive = false;
    if (this.stopped) return;
    if (code === 4401) return this.onUnauthorized();
    this.onStatus("offline");
    if (navigator.onLine === false) return; // the "online" event reconnects
    if (code === 1013) this.delay = Math.max(this.delay, 2000); // the server is busy: "try again later"
    // Jittered (half to one and a half times the delay): after a server restart every device
    // reconnects, and spread out they are served in seconds instead of all at once.
    const wait = code === 4408 ? 0 : Math.round(this.delay * (0.5 + Math.random()));
    this.delay = Math.min(this.delay * 2, 8000);
    this.retry = setTimeout(() => this.open(), wait);
  }
}
