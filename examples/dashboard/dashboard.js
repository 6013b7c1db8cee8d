// Live instance states from a Zaqar queue, pushed over Zaqar's websocket API.
//
// Settings come from the address's fragment (never sent to a web server):
//   #ws=ws://zaqar:9000&project=ID&queue=notifications[&token=KEYSTONE_TOKEN]
//   #ws=...&signed=BASE64URL(JSON of a signed URL: project, paths, methods, expires, signature)
// The token and the signature are removed from the address bar once read.
//
// With a token (or a Zaqar without auth) the page binds a subscription to its
// websocket and Zaqar pushes every new message: no polling. Zaqar does not let a
// signed URL create subscriptions, so with one the page falls back to listing the
// queue over HTTP every few seconds (same origin, or Zaqar's [cors] allowing it).
//
// window.dashboard exposes what the page shows (tests and benchmarks read it).
"use strict";

(() => {
  const SUBSCRIPTION_TTL = 3600;       // seconds; renewed at 90 %
  const POLL_SECONDS = 2;
  const MAX_EVENTS = 100;
  const MAX_REMEMBERED = 5000;         // messages kept for dropping duplicates (and for tests)

  const view = {
    status: document.getElementById("status"),
    project: document.getElementById("project"),
    queue: document.getElementById("queue"),
    rows: document.querySelector("#instances tbody"),
    empty: document.getElementById("empty"),
    events: document.getElementById("events"),
    form: document.getElementById("settings"),
  };
  const dashboard = {status: "starting", mode: null, instances: {}, received: [], errors: []};
  window.dashboard = dashboard;
  const seen = new Set();  // insertion-ordered: the oldest key is dropped first

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  const clientId = newUuid();

  function setStatus(kind, text) {
    dashboard.status = kind;
    view.status.className = `status ${kind}`;
    view.status.textContent = text;
  }

  // -- settings ------------------------------------------------------------------------

  function readSettings() {
    const params = new URLSearchParams(location.hash.slice(1));
    const defaultWs = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/`;
    const settings = {
      ws: params.get("ws") || (location.protocol.startsWith("http") ? defaultWs : ""),
      http: params.get("http") || location.origin,
      project: params.get("project") || "",
      queue: params.get("queue") || "notifications",
      token: params.get("token") || "",
      signed: null,
    };
    if (params.get("signed")) {
      const text = atob(params.get("signed").replace(/-/g, "+").replace(/_/g, "/"));
      settings.signed = JSON.parse(text);
      settings.project = settings.project || settings.signed.project;
    }
    for (const secret of ["token", "signed"]) params.delete(secret);
    history.replaceState(null, "", `${location.pathname}${location.search}#${params}`);
    return settings;
  }

  function signedHeaders(signed, asHttp) {
    const list = (v) => (asHttp ? v.join(",") : v);  // JSON arrays over the websocket
    return {"URL-Signature": signed.signature, "URL-Expires": signed.expires,
            "URL-Methods": list(signed.methods), "URL-Paths": list(signed.paths)};
  }

  // -- the websocket API ---------------------------------------------------------------

  class ZaqarSocket {
    constructor(url, headers, onPush, onClose) {
      this.url = url; this.headers = headers; this.onPush = onPush; this.onClose = onClose;
      this.pending = [];  // Zaqar answers a connection's requests in order
    }

    open() {
      return new Promise((resolve, reject) => {
        this.socket = new WebSocket(this.url);
        this.socket.onopen = () => resolve(this);
        this.socket.onerror = () => reject(new Error(`cannot connect to ${this.url}`));
        this.socket.onclose = () => {
          for (const waiter of this.pending.splice(0)) waiter.reject(new Error("connection closed"));
          this.onClose();
        };
        this.socket.onmessage = (event) => this.receive(event.data);
      });
    }

    receive(data) {
      let frame;
      try { frame = JSON.parse(data); } catch (error) { return; }
      if (frame && frame.request && frame.headers) {
        const waiter = this.pending.shift();
        if (waiter) waiter.resolve({status: frame.headers.status, body: frame.body});
      } else if (frame && "body" in frame) {
        this.onPush(frame);
      }
    }

    request(action, body, extraHeaders) {
      return new Promise((resolve, reject) => {
        this.pending.push({resolve, reject});
        const envelope = {action, headers: {...this.headers, ...(extraHeaders || {})}};
        if (body !== undefined) envelope.body = body;
        this.socket.send(JSON.stringify(envelope));
      });
    }

    close() { if (this.socket) { this.socket.onclose = null; this.socket.close(); } }
  }

  // -- showing messages ----------------------------------------------------------------

  function cell(text, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text == null ? "" : String(text);
    return td;
  }

  function logEvent(text) {
    const item = document.createElement("li");
    item.textContent = text;
    view.events.prepend(item);
    while (view.events.children.length > MAX_EVENTS) view.events.lastChild.remove();
  }

  function show(body, source) {
    if (!body || typeof body !== "object") return;
    const key = body.message_id || JSON.stringify(body);
    if (seen.has(key)) return;  // a listing and a push may both bring it
    seen.add(key);
    if (seen.size > MAX_REMEMBERED) seen.delete(seen.values().next().value);
    const instance = body.instance_id || body.uuid;
    const at = performance.timeOrigin + performance.now();
    dashboard.received.push({instance, state: body.state, seq: body.seq, source, at});
    if (dashboard.received.length > MAX_REMEMBERED) dashboard.received.shift();
    logEvent(`${body.timestamp || ""} ${body.event_type || "?"} ${instance || ""} `
             + `${body.old_state || ""} -> ${body.state || ""}`);
    if (!instance) return;
    const current = dashboard.instances[instance];
    if (current && current.timestamp && body.timestamp && body.timestamp < current.timestamp) {
      return;  // an older event arriving late (two bridges do not keep order)
    }
    dashboard.instances[instance] = {state: body.state, timestamp: body.timestamp, at};
    let row = view.rows.querySelector(`tr[data-instance="${CSS.escape(instance)}"]`);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.instance = instance;
      view.rows.append(row);
    }
    const badge = document.createElement("span");
    badge.className = `state ${String(body.state || "unknown").replace(/[^a-z_]/gi, "")}`;
    badge.textContent = body.state || "?";
    const stateCell = cell("");
    stateCell.append(badge);
    row.replaceChildren(cell(instance, "id"), stateCell, cell(body.old_state),
                        cell(body.event_type), cell(body.timestamp, "at"));
    row.dataset.state = body.state || "";
    row.classList.remove("changed");
    void row.offsetWidth;  // restart the highlight
    row.classList.add("changed");
    view.empty.hidden = true;
  }

  // -- connecting, subscribing, renewing, polling --------------------------------------

  let socket = null;
  let retryDelay = 1;
  let timers = [];

  function clearTimers() { timers.forEach(clearTimeout); timers = []; }

  async function subscribe(settings) {
    const made = await socket.request("subscription_create",
                                      {queue_name: settings.queue, ttl: SUBSCRIPTION_TTL});
    if (made.status !== 201) return made;
    const id = made.body.subscription_id;
    timers.push(setTimeout(async () => {
      await socket.request("subscription_delete", {queue_name: settings.queue,
                                                   subscription_id: id});
      await subscribe(settings);
      await catchUp(settings);
    }, SUBSCRIPTION_TTL * 900));
    return made;
  }

  async function catchUp(settings) {
    const listed = await socket.request("message_list",
                                        {queue_name: settings.queue, limit: 20, echo: true});
    if (listed.status === 200) listed.body.messages.forEach((m) => show(m.body, "list"));
  }

  async function poll(settings) {
    // Signed URLs cannot subscribe: follow the listing's next links over HTTP.
    let href = `/v2/queues/${encodeURIComponent(settings.queue)}/messages?echo=true&limit=20`;
    const headers = {"Client-ID": clientId, "X-Project-ID": settings.project,
                     ...signedHeaders(settings.signed, true)};
    const step = async () => {
      try {
        const reply = await fetch(new URL(href, settings.http), {headers});
        if (!reply.ok) throw new Error(`Zaqar answered ${reply.status}`);
        const page = await reply.json();
        (page.messages || []).forEach((m) => show(m.body, "poll"));
        const next = (page.links || []).find((link) => link.rel === "next");
        if (next && page.messages.length) href = next.href;
        setStatus("polling", `polling every ${POLL_SECONDS}s (a signed URL cannot subscribe)`);
      } catch (error) {
        setStatus("error", `polling failed: ${error.message}`);
      }
      timers.push(setTimeout(step, POLL_SECONDS * 1000));
    };
    dashboard.mode = "poll";
    await step();
  }

  async function connect(settings) {
    clearTimers();
    setStatus("connecting", `connecting to ${settings.ws}`);
    view.project.textContent = settings.project;
    view.queue.textContent = settings.queue;
    const headers = {"Client-ID": clientId, "X-Project-ID": settings.project};
    if (settings.signed) Object.assign(headers, signedHeaders(settings.signed, false));
    socket = new ZaqarSocket(settings.ws, headers, (frame) => show(frame.body, "push"),
                             () => reconnect(settings));
    try {
      await socket.open();
      if (settings.token) {
        const auth = await socket.request("authenticate", undefined,
                                          {"X-Auth-Token": settings.token});
        if (auth.status !== 200) throw new Error("Zaqar refused the token");
      }
      const made = await subscribe(settings);
      if (made.status === 201) {
        dashboard.mode = "push";
        setStatus("live", "live: Zaqar pushes new messages");
        retryDelay = 1;
        await catchUp(settings);
      } else if (settings.signed && made.status === 403) {
        socket.close();
        await poll(settings);
      } else {
        throw new Error(`subscribing failed (${made.status}): ${JSON.stringify(made.body)}`);
      }
    } catch (error) {
      dashboard.errors.push(error.message);
      setStatus("error", error.message);
      socket.close();
      reconnect(settings);
    }
  }

  function reconnect(settings) {
    if (dashboard.mode === "poll") return;
    const delay = retryDelay;
    retryDelay = Math.min(retryDelay * 2, 30);
    setStatus("error", `disconnected; reconnecting in ${delay}s`);
    clearTimers();
    timers.push(setTimeout(() => connect(settings), delay * 1000));
  }

  const settings = readSettings();
  if (settings.ws && settings.project) {
    connect(settings);
  } else {
    setStatus("connecting", "waiting for settings");
    view.form.hidden = false;
    view.form.ws.value = settings.ws;
    view.form.project.value = settings.project;
    view.form.addEventListener("submit", (event) => {
      event.preventDefault();
      view.form.hidden = true;
      const form = view.form;
      connect({...settings, ws: form.ws.value, project: form.project.value,
               queue: form.queue.value, token: form.token.value});
    });
  }
})();
