/**
 * The live page a browser gets at a thing's root (`Accept: text/html`): the
 * property table kept current over the thing's WebSocket (writable ones are
 * editable), charts, and — when the server has the simulator's `/_live` route —
 * the simulated clock, the flow graph and the board with fault buttons. The
 * page is one string plus its script (live-page-script.ts), no framework; the
 * charts use uPlot when the server offers it at `<base>/_page/uplot.js` (the
 * Node host does, from the `uplot` package; no CDN), and the page works
 * without them. docs/wot.md gives its size.
 */
import { LIVE_PAGE_SCRIPT } from './live-page-script';
import type { Thing, WebThingDescription } from './thing';

/** JSON that is safe inside a <script> element. */
export function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Shared by the thing page and the index of things. */
export const PAGE_STYLE = `body{font:14px system-ui,sans-serif;margin:0 auto;padding:1em 1.5em;max-width:1280px;color:#222;background:#fafafa}
h1{font-size:1.45em;margin:.2em 0}h2{font-size:1.1em;margin:1.2em 0 .4em;color:#333}.d{color:#666;margin:.2em 0 .6em}
section{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:.6em 1em;margin:.8em 0}
table{border-collapse:collapse;width:100%}td,th{padding:.35em .5em;border-bottom:1px solid #eee;text-align:left;vertical-align:middle}
th{font-weight:600;color:#555;font-size:.9em}td.n{font-weight:600}td.v{font-variant-numeric:tabular-nums;min-width:6em}.u{color:#888;font-size:.85em}
#st{font-size:.85em;color:#888;margin-left:.6em}#st.on{color:#2a7}input[type=number]{width:6em}#err{color:#c33;min-height:1.2em}
a{color:#2359b5}`;

const LIVE_STYLE = `.sim-only{display:none}body.sim .sim-only{display:block}
#top{display:grid;grid-template-columns:minmax(280px,1fr) minmax(320px,1.3fr);gap:0 1em}
@media(max-width:800px){#top,#boardgrid{grid-template-columns:1fr!important}#graph{max-width:none!important}}
#boardgrid>div{overflow-x:auto}
#clock{font-variant-numeric:tabular-nums}#simtime{font-size:1.5em;font-weight:600}#simrate{margin-left:.5em;color:#2a7;font-weight:600}
#simend{color:#666}#simprogress{width:100%;height:.6em}#simstate{color:#666;font-size:.85em}
.chart{margin:.4em 0 .8em}.u-title{font-size:1em!important;font-weight:600!important;text-align:left!important}
#flowbox{overflow-x:auto}#graph{display:block;font:12px system-ui,sans-serif;max-width:100%;height:auto}
.node rect{fill:#eef4ff;stroke:#7a96c8}.node.source rect{fill:#eaf7ea;stroke:#6aa56a}.node.sink rect{fill:#fff6e0;stroke:#c9a04a}
.node.closed rect{fill:#eee;stroke:#aaa;stroke-dasharray:4 3}.node .nn{font-weight:600;fill:#222}.node .nk{fill:#777;font-size:11px}
.edge path{fill:none;stroke:#778;stroke-width:1.4}.edge text{fill:#345;font-size:11px;font-variant-numeric:tabular-nums}
.edge.busy path{stroke:#2a7;stroke-width:2.6}.edge.error path{stroke:#c33;stroke-width:2}.edge.error text{fill:#c33}
.edge.completed path,.edge.disconnected path{stroke:#aaa;stroke-dasharray:5 4}.edge.completed text,.edge.disconnected text{fill:#999}
#boardgrid{display:grid;grid-template-columns:minmax(220px,1fr) minmax(420px,2.2fr);gap:0 1.5em}
#led{width:34px;height:34px;border-radius:50%;background:#444;display:inline-block;vertical-align:middle;margin-right:.6em;border:2px solid #222}
#led[data-on="1"]{background:#ffd23a;box-shadow:0 0 14px 5px #ffcf3a99;border-color:#b8921a}
.lvl.l1{color:#2a7;font-weight:600}.lvl.l0{color:#999}tr.faulty td{background:#fff0f0}
button{font:inherit;padding:.15em .6em;border:1px solid #bbb;border-radius:4px;background:#f4f4f4;cursor:pointer}button:hover{background:#e8e8e8}
#bus{margin:.3em 0 .5em;color:#444}`;

export interface ThingPageOptions {
  /** The server's path prefix, where `/_page/…` assets and `/_live` are found. */
  basePath?: string;
}

/** The HTML page for `thing`, given its request-specific WebThings description. */
export function thingPage(thing: Thing, description: WebThingDescription, opts: ThingPageOptions = {}): string {
  const base = escapeHtml(opts.basePath ?? '');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(thing.title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${base}/_page/uplot.css"><style>${PAGE_STYLE}
${LIVE_STYLE}</style><script src="${base}/_page/uplot.js"></script></head><body>
<h1>${escapeHtml(thing.title)}<span id="st">connecting</span></h1><p class="d">${escapeHtml(thing.description)}</p>
<div id="top"><section><h2>Properties</h2><table><tbody id="rows"></tbody></table><p id="err"></p></section>
<section id="clock" class="sim-only"><h2>Simulated time <span id="simstate"></span></h2><div><span id="simtime">–</span><span id="simrate"></span></div>
<progress id="simprogress" max="1" value="0"></progress><div id="simend"></div></section></div>
<section id="flow" class="sim-only"><h2>Flow</h2><div id="flowbox"><svg id="graph" xmlns="http://www.w3.org/2000/svg"></svg></div></section>
<section><h2>Charts</h2><div id="charts"></div></section>
<section id="board" class="sim-only"><h2>Board</h2><div id="boardgrid"><div><p><span id="led" data-on="0"></span><span id="ledtext"></span></p>
<table id="pins"></table></div><div><div id="bus"></div><table id="devices"></table></div></div></section>
<script type="application/json" id="td" data-base="${base}">${scriptJson(description)}</script>
<script>${LIVE_PAGE_SCRIPT}</script></body></html>`;
}
