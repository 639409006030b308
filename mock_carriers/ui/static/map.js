// The network map: a plain SVG in Web Mercator, fitted to the points it shows. Country outlines
// come with the package (Natural Earth 110m, public domain); no tiles, no network.
const SVG = "http://www.w3.org/2000/svg";

export function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) {
    const title = document.createElementNS(SVG, "title");
    title.textContent = text; // text, never markup
    node.appendChild(title);
  }
  return node;
}

function mercY(lat) {
  const phi = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
  return Math.log(Math.tan(Math.PI / 4 + phi / 2));
}

// A projection fitted to [lon, lat] points, with a margin, into width x height.
export function fit(points, width, height, margin = 0.08) {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [lon, lat] of points) {
    const x = (lon * Math.PI) / 180;
    const y = mercY(lat);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (!isFinite(x0)) { x0 = -2.2; x1 = -1.1; y0 = 0.5; y1 = 0.9; }
  const padX = Math.max((x1 - x0) * margin, 0.02);
  const padY = Math.max((y1 - y0) * margin, 0.02);
  x0 -= padX; x1 += padX; y0 -= padY; y1 += padY;
  const scale = Math.min(width / (x1 - x0), height / (y1 - y0));
  const offX = (width - (x1 - x0) * scale) / 2;
  const offY = (height - (y1 - y0) * scale) / 2;
  return ([lon, lat]) => [
    +(offX + ((lon * Math.PI) / 180 - x0) * scale).toFixed(1),
    +(offY + (y1 - mercY(lat)) * scale).toFixed(1),
  ];
}

function ringPath(ring, project) {
  let d = "";
  let last = null;
  for (const point of ring) {
    // a ring crossing the antimeridian would streak across the map: break it there
    const jump = last && Math.abs(point[0] - last[0]) > 180;
    const [x, y] = project(point);
    d += (d === "" || jump ? "M" : "L") + x + "," + y;
    last = point;
  }
  return d + "Z";
}

export function drawCountries(layer, outlines, project, highlight) {
  for (const feature of outlines.features) {
    let d = "";
    for (const polygon of feature.geometry.coordinates) for (const ring of polygon) d += ringPath(ring, project);
    const ours = highlight.has(feature.properties.iso_a2);
    layer.appendChild(svgEl("path", { d, class: ours ? "country ours" : "country" }, feature.properties.name));
  }
}

// The overview map: countries, lanes, facilities, then the live layers (density, outages).
export class NetworkMap {
  constructor(container, network, outlines) {
    this.width = 960;
    this.height = 560;
    this.network = network;
    const svg = svgEl("svg", { viewBox: `0 0 ${this.width} ${this.height}`, class: "network", role: "img" });
    svg.appendChild(svgEl("title", {})).textContent = "Facilities and lanes of " + network.scenario;
    this.project = fit(network.facilities.map((f) => [f.lon, f.lat]), this.width, this.height);
    const layers = {};
    for (const name of ["countries", "lanes", "density", "facilities", "outages"]) {
      layers[name] = svgEl("g", { class: "layer-" + name });
      svg.appendChild(layers[name]);
    }
    this.layers = layers;
    drawCountries(layers.countries, outlines, this.project, new Set(network.countries));
    this.byId = new Map(network.facilities.map((f) => [f.id, f]));
    for (const lane of network.lanes) {
      const a = this.byId.get(lane.a);
      const b = this.byId.get(lane.b);
      const [x1, y1] = this.project([a.lon, a.lat]);
      const [x2, y2] = this.project([b.lon, b.lat]);
      layers.lanes.appendChild(svgEl("line", { x1, y1, x2, y2, class: "lane " + lane.mode, "data-lane": lane.a + ">" + lane.b }));
    }
    this.marks = new Map();
    for (const f of network.facilities) {
      const [cx, cy] = this.project([f.lon, f.lat]);
      const r = f.kind === "sort_hub" ? 4.5 : f.kind === "fulfilment_centre" ? 3.5 : 2;
      const mark = svgEl("circle", { cx, cy, r, class: "facility " + f.kind, "data-id": f.id }, f.name);
      layers.facilities.appendChild(mark);
      this.marks.set(f.id, mark);
    }
    container.replaceChildren(svg);
    this.svg = svg;
  }

  // density: [{cell, lat, lon, parcels}]; at: the sandbox instant (ms) for the outages.
  update(density, at) {
    const layer = this.layers.density;
    layer.replaceChildren();
    const most = Math.max(1, ...density.map((c) => c.parcels));
    for (const cell of density) {
      const [cx, cy] = this.project([cell.lon, cell.lat]);
      const r = 2 + 16 * Math.sqrt(cell.parcels / most);
      const where = this.byId.get(cell.cell);
      const label = (where ? where.name : cell.cell) + ": " + cell.parcels + " parcels";
      layer.appendChild(svgEl("circle", { cx, cy, r: r.toFixed(1), class: "density", "data-parcels": cell.parcels }, label));
    }
    const outages = this.layers.outages;
    outages.replaceChildren();
    for (const d of this.network.disruptions) {
      if (!(Date.parse(d.start) <= at && at < Date.parse(d.end))) continue;
      for (const id of d.facilities || []) {
        const f = this.byId.get(id);
        if (!f || f.kind === "delivery_station") continue;
        const [cx, cy] = this.project([f.lon, f.lat]);
        outages.appendChild(svgEl("circle", { cx, cy, r: 9, class: "down " + d.kind }, f.name + ": " + d.kind + " until " + d.end));
      }
      if (d.lane) {
        const [a, b] = d.lane.map((id) => this.byId.get(id));
        if (a && b) {
          const [x1, y1] = this.project([a.lon, a.lat]);
          const [x2, y2] = this.project([b.lon, b.lat]);
          outages.appendChild(svgEl("line", { x1, y1, x2, y2, class: "down lane" }, "breakdown until " + d.end));
        }
      }
    }
  }
}

// One parcel's journey: its scans' places in order, its destination and where it really went.
export function drawJourney(container, outlines, scans, truth) {
  const width = 480, height = 320;
  const points = scans.filter((s) => s.place && (s.place.lat || s.place.lon)).map((s) => s.place).reverse();
  const extra = [];
  if (truth && truth.destination) extra.push({ ...truth.destination, role: "destination" });
  if (truth && truth.delivered_to) extra.push({ ...truth.delivered_to, role: "delivered_to" });
  const all = [...points, ...extra].map((p) => [p.lon, p.lat]);
  const project = fit(all, width, height, 0.25);
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "journey", role: "img" });
  const countries = svgEl("g", {});
  drawCountries(countries, outlines, project, new Set());
  svg.appendChild(countries);
  if (points.length > 1) {
    const d = points.map((p, i) => (i ? "L" : "M") + project([p.lon, p.lat]).join(",")).join("");
    svg.appendChild(svgEl("path", { d, class: "route" }));
  }
  points.forEach((p, i) => {
    const [cx, cy] = project([p.lon, p.lat]);
    svg.appendChild(svgEl("circle", { cx, cy, r: i === points.length - 1 ? 5 : 3, class: i === points.length - 1 ? "stop last" : "stop" }, p.name + ", " + p.city));
  });
  for (const p of extra) {
    const [cx, cy] = project([p.lon, p.lat]);
    svg.appendChild(svgEl("rect", { x: cx - 4, y: cy - 4, width: 8, height: 8, class: "place " + p.role }, p.role.replace("_", " ") + ": " + (p.city || "")));
  }
  container.replaceChildren(svg);
}
