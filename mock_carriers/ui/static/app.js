// parcel-sandbox UI: the clock bar, live KPIs (server-sent events read over fetch, so a control
// token can ride along), the network map, the live scan feed and a parcel's "Track package" page.
// Every string from the sandbox goes into the page as text (textContent), never as HTML.
import { NetworkMap, drawJourney } from "./map.js";

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("parcel-sandbox-token") || "", outlines: null, map: null,
  network: null, summary: null, feedLast: 0, moveFrom: null, parcel: null, cases: [] };

// --- talking to the control plane ------------------------------------------------------------------
function headers(extra = {}) {
  const out = { Accept: "application/json", ...extra };
  if (state.token) out["X-Sandbox-Token"] = state.token;
  return out;
}

class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers(options.headers) });
  if (response.status === 401) { $("token-box").hidden = false; }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) throw new ApiError(response.status, (body && (body.detail || body.title)) || response.statusText);
  return { status: response.status, body };
}

// --- small DOM helpers: text only ------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, String(value));
    else node[key] = value;
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
}
const fmt = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"));
const pct = (x) => (x === null || x === undefined ? "–" : (100 * x).toFixed(1) + " %");
const when = (iso) => (iso ? iso.replace("T", " ").replace(/(\.\d+)?([+-]\d\d:\d\d|Z)$/, " $2").replace("+00:00", "UTC") : "–");

function fillBars(table, counts, total) {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const most = Math.max(1, ...rows.map((r) => r[1]));
  table.replaceChildren(...rows.map(([name, n]) => {
    const bar = el("span", { class: "bar" });
    bar.style.width = (100 * n / most).toFixed(1) + "%";
    return el("tr", { "data-key": name }, el("td", {}, name.replaceAll("_", " ")), el("td", { class: "num" }, fmt(n)),
      el("td", { class: "barcell" }, bar), el("td", { class: "num muted" }, total ? pct(n / total) : ""));
  }));
  if (!rows.length) table.replaceChildren(el("tr", {}, el("td", { class: "muted" }, "none yet")));
}

function fillTable(table, head, rows) {
  table.replaceChildren(el("tr", {}, ...head.map((h) => el("th", {}, h))),
    ...rows.map((r) => el("tr", {}, ...r.map((c, i) => el("td", { class: i ? "num" : "" }, c)))));
}

// --- the clock bar and the KPIs --------------------------------------------------------------------
function showSummary(s) {
  state.summary = s;
  $("world").textContent = `${s.scenario} · seed ${s.seed}`;
  $("clock-now").textContent = when(s.clock.now);
  $("clock-mode").textContent = s.clock.mode;
  $("clock-speed").textContent = s.clock.mode === "realtime" ? "×" + fmt(s.clock.speed) : "–";
  $("engine-state").textContent = s.engine.state;
  const target = Date.parse(s.clock.target), frontier = Date.parse(s.engine.frontier), now = Date.parse(s.clock.now);
  const behind = Math.max(0, target - Math.max(now, Math.min(frontier, target)));
  if (behind > 0 && state.moveFrom === null) state.moveFrom = now;
  const span = state.moveFrom === null ? 0 : target - state.moveFrom;
  $("engine-progress").value = behind > 0 && span > 0 ? Math.max(0, 1 - behind / span) : 1;
  $("engine-behind").textContent = behind > 0 ? `${(behind / 3600000).toFixed(1)} h behind the target ${when(s.clock.target)}` : "at the target";
  if (behind === 0) state.moveFrom = null;
  document.body.dataset.engine = s.engine.state;

  $("kpi-numbers").textContent = fmt(s.numbers.total);
  $("kpi-final").textContent = fmt(s.parcels.final);
  $("kpi-ontime").textContent = pct(s.parcels.on_time_rate);
  $("kpi-events").textContent = fmt(s.events);
  document.body.dataset.version = s.version;
  fillBars($("kpi-status"), s.numbers.by_status, s.numbers.total);
  fillBars($("kpi-fate"), s.parcels.by_fate, s.parcels.final);
  fillTable($("kpi-delays"), ["cause", "parcels", "hours"],
    Object.entries(s.delays).map(([cause, d]) => [cause.replaceAll("_", " "), fmt(d.parcels), fmt(d.hours)]));
  fillTable($("kpi-carriers"), ["carrier", "numbers", "requests", "rate-limited"],
    Object.entries(s.carriers).map(([key, c]) => [key, fmt(s.numbers.by_carrier[key] || 0), fmt(c.requests), fmt(c.rate_limited)]));
  const w = s.webhooks || {};
  fillTable($("kpi-webhooks"), ["subscriptions", "pending", "delivered", "failed", "attempts"],
    [[fmt(w.subscriptions), fmt(w.pending), fmt(w.delivered), fmt(w.failed), fmt(w.attempts)]]);
  if (state.map) state.map.update(s.density, now);
  $("map-legend").textContent = `${s.density.reduce((a, c) => a + c.parcels, 0).toLocaleString("en-US")} parcels in the network`;
}

// Server-sent events over fetch (EventSource cannot send the control token); reconnects forever.
async function followSummary() {
  for (;;) {
    try {
      const response = await fetch("summary/stream", { headers: headers({ Accept: "text/event-stream" }) });
      if (response.status === 401) { $("token-box").hidden = false; }
      if (!response.ok || !response.body) throw new Error("stream " + response.status);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = message.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (data && /^event: summary$/m.test(message)) showSummary(JSON.parse(data));
        }
      }
    } catch (error) {
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function moveClock(change) {
  $("clock-error").textContent = "";
  try {
    const now = state.summary ? Date.parse(state.summary.clock.now) : null;
    state.moveFrom = now;
    await api("clock?wait=false", { method: "POST", body: JSON.stringify(change), headers: { "Content-Type": "application/json" } });
  } catch (error) {
    $("clock-error").textContent = error.message;
  }
}

function wireClock() {
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => moveClock({ advance: button.dataset.advance }));
  }
  $("jump").addEventListener("click", () => {
    const value = $("jump-to").value;
    if (!value) { $("clock-error").textContent = "pick an instant to jump to"; return; }
    moveClock({ to: value + (value.length === 16 ? ":00" : "") + "Z" });
  });
  $("apply-mode").addEventListener("click", () => {
    const mode = $("mode").value;
    const change = { mode };
    if (mode === "realtime") change.speed = Number($("speed").value);
    moveClock(change);
  });
}

// --- the live feed ---------------------------------------------------------------------------------
function feedQuery() {
  const q = new URLSearchParams();
  for (const [name, id] of [["carrier", "feed-carrier"], ["status", "feed-status"], ["case", "feed-case"]]) {
    if ($(id).value) q.set(name, $(id).value);
  }
  return q;
}

async function pollFeed() {
  if ($("page-overview").hidden) return;
  const q = feedQuery();
  q.set("after", String(state.feedLast));
  q.set("limit", "50");
  try {
    const { body } = await api("feed?" + q);
    state.feedLast = body.last;
    const tbody = $("feed").tBodies[0];
    for (const item of body.items) {
      const link = el("a", { href: "#/parcel/" + encodeURIComponent(item.tracking_number) }, item.tracking_number);
      const reason = item.reason ? " (" + item.reason.replaceAll("_", " ") + ")" : "";
      tbody.prepend(el("tr", { "data-n": item.n }, el("td", {}, when(item.visible_at)), el("td", {}, item.carrier), el("td", {}, link),
        el("td", {}, item.code + reason), el("td", {}, item.status.replaceAll("_", " ")), el("td", {}, `${item.place}, ${item.country}`)));
    }
    while (tbody.rows.length > 25) tbody.deleteRow(tbody.rows.length - 1);
    $("feed-count").textContent = `${fmt(body.last)} scans shown so far`;
  } catch (error) {
    $("feed-count").textContent = error.message;
  }
}

function resetFeed() {
  state.feedLast = 0;
  $("feed").tBodies[0].replaceChildren();
  pollFeed();
}

// --- a parcel: the carrier's view beside the truth -------------------------------------------------
async function showParcel(number) {
  $("parcel-error").textContent = "";
  $("parcel-title").textContent = number ? "Tracking " + number : "Track a parcel";
  $("search").value = number;
  for (const id of ["carrier-view", "truth-view", "truth-delays", "parcel-head"]) $(id).replaceChildren();
  if (!number) return;
  let found;
  try {
    found = (await api("timeline/" + encodeURIComponent(number))).body;
  } catch (error) {
    $("parcel-error").textContent = error.message;
    return;
  }
  state.parcel = found;
  $("parcel-head").textContent = `${found.carrier.toUpperCase()} · ${found.service.replaceAll("_", " ")} · as of ${when(found.as_of)}`;
  $("carrier-view").replaceChildren(...found.scans.map((s) => el("li", { class: "scan " + s.status },
    el("div", { class: "when" }, when(s.occurred_at)),
    el("div", { class: "what" }, el("strong", {}, s.status.replaceAll("_", " ")), ` · ${s.code}${s.reason ? " (" + s.reason.replaceAll("_", " ") + ")" : ""}`),
    el("div", { class: "where muted" }, `${s.place.name}, ${s.place.city}, ${s.place.country}`),
    el("div", { class: "code muted" }, `carrier status ${s.carrier_code ?? "–"}` + (s.estimated_delivery ? ` · estimated ${s.estimated_delivery.date}` : "")))));
  if (!found.scans.length) $("carrier-view").replaceChildren(el("li", { class: "muted" }, "the carrier shows nothing yet"));
  const t = found.truth;
  if (!t) { $("truth-view").replaceChildren(el("tr", {}, el("td", {}, "no truth recorded"))); return; }
  const place = (p) => (p ? [p.name, p.address, p.city, p.country].filter(Boolean).join(", ") : "–");
  const rows = [
    ["fate", t.fate + (t.final ? " (final)" : " (so far)")], ["carrier shows", t.shown.status || "–"],
    ["promised by", when(t.promised_by)], ["late", t.late ? "yes" : "no"], ["attempts", String(t.attempts)],
    ["delivered", when(t.delivered_at)], ["delivered to", place(t.delivered_to)], ["misdelivered", t.misdelivered ? "yes" : "no"],
    ["lost", t.lost_at ? `${t.lost_at.facility_id}${t.lost_at.to_facility_id ? " → " + t.lost_at.to_facility_id : ""} at ${when(t.lost_at.at)}` : "no"],
    ["returned", when(t.returned_at)], ["from", place(t.origin)], ["to", place(t.destination)],
    ["case", t.case || "–"], ["partner", t.partner ? `${t.partner.carrier} ${t.partner.tracking_number}` : "–"],
  ];
  $("truth-view").replaceChildren(...rows.map(([k, v]) => el("tr", { "data-field": k }, el("th", {}, k), el("td", {}, v))));
  $("truth-delays").replaceChildren(...t.delays.map((d) => el("li", {}, `${d.cause.replaceAll("_", " ")}: ${d.minutes} min from ${when(d.at)}${d.facility_id ? " at " + d.facility_id : ""}`)));
  if (!t.delays.length) $("truth-delays").replaceChildren(el("li", { class: "muted" }, "none"));
  if (state.outlines) drawJourney($("parcel-map"), state.outlines, found.scans, t);
}

async function loadCases() {
  try {
    state.cases = (await api("cases")).body;
  } catch { state.cases = []; }
  fillTable($("cases"), ["case", "carrier", "tracking number"], []);
  for (const c of state.cases) {
    const cell = c.tracking_number ? el("a", { href: "#/parcel/" + encodeURIComponent(c.tracking_number) }, c.tracking_number) : el("span", { class: "muted" }, "not created yet");
    const row = el("tr", { title: c.story }, el("td", {}, c.name), el("td", {}, c.carrier), el("td", {}, cell));
    $("cases").appendChild(row);
  }
  const select = $("feed-case");
  if (select.options.length === 1) for (const c of state.cases) select.appendChild(el("option", { value: c.name }, c.name));
}

// --- pages -----------------------------------------------------------------------------------------
function route() {
  const hash = location.hash || "#/";
  const parcel = hash.startsWith("#/parcel");
  $("page-overview").hidden = parcel;
  $("page-parcel").hidden = !parcel;
  $("nav-overview").classList.toggle("active", !parcel);
  $("nav-parcel").classList.toggle("active", parcel);
  if (parcel) {
    loadCases();
    const number = decodeURIComponent(hash.slice("#/parcel/".length) || "");
    showParcel(hash.startsWith("#/parcel/") ? number : "");
  }
}

async function start() {
  wireClock();
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const number = $("search").value.trim();
    if (number) location.hash = "#/parcel/" + encodeURIComponent(number);
  });
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = $("token").value;
    sessionStorage.setItem("parcel-sandbox-token", state.token);
    location.reload();
  });
  for (const id of ["feed-carrier", "feed-status", "feed-case"]) $(id).addEventListener("change", resetFeed);
  window.addEventListener("hashchange", route);
  route();
  try {
    const [network, outlines, health, vocabulary] = await Promise.all([
      api("network"), fetch("ui/assets/countries.geojson").then((r) => r.json()), api("health"), api("statuses")]);
    state.network = network.body;
    state.outlines = outlines;
    state.map = new NetworkMap($("map"), state.network, outlines);
    for (const key of health.body.carriers) $("feed-carrier").appendChild(el("option", { value: key }, key));
    for (const word of vocabulary.body.statuses) $("feed-status").appendChild(el("option", { value: word.status }, word.status.replaceAll("_", " ")));
    if (state.summary) showSummary(state.summary);
    if (state.parcel && state.parcel.truth) drawJourney($("parcel-map"), outlines, state.parcel.scans, state.parcel.truth);
  } catch (error) {
    $("clock-error").textContent = error.message;
  }
  loadCases();
  followSummary();
  pollFeed();
  setInterval(pollFeed, 1000);
}

start();
