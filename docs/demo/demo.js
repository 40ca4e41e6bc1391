// The live demo: autograd itself, running in the reader's browser under Pyodide.
//
// The page arrives with the default results already rendered by the docs build,
// so there is something correct to read at once (and without JavaScript). This
// script starts the site's runtime (../runtime/runtime.js: Pyodide in a Web Worker,
// with autograd and the demo's Python, from this site only) at once, since the engine
// is the demo's point, and recomputes on every edit through demo_view.compute.
// Python does all the maths and formats every number; this file only moves
// text between the fields, the engine and the page.
//
// Nothing here throws into the console: a bad input, or an engine that cannot
// start, becomes a message on the page, and the last good results stay.

import { siteAssets } from "../runtime/assets.js";
import { describeProgress, runtime } from "../runtime/runtime.js";
import "./demo_stepper.js"; // the backward stepper, fed by the trace this file swaps in

const NUMBER_STEP = 0.1;
const PROGRAM_ROWS = [2, 20]; // the program box grows with its lines between these heights
// A wide graph is shrunk to the column only down to this share of its natural size, below which
// its labels get too small to read; past that its box scrolls sideways (see demo.css).
const GRAPH_MIN_SCALE = 0.6;
const LIVE = "Live: autograd is running in your browser under Pyodide. Edit any field.";

function setUp(demo) {
  if (demo.dataset.bound) return;
  demo.dataset.bound = "1";

  const el = (id) => demo.querySelector(`#${id}`);
  // The fields, named by demo_view.py: w1, w2, x1, x2 and f (the program's textarea).
  // Their names are also the hash's keys; URLSearchParams keeps the program's newlines.
  const inputs = Object.fromEntries(
    [...demo.querySelectorAll("[data-field]")].map((input) => [input.dataset.field, input]),
  );
  const FIELDS = Object.keys(inputs);
  const status = el("ag-status");
  let viz = null; // Graphviz, once loaded
  let computedFor = null; // the fields, as JSON, of the last computation

  function say(text, state) {
    status.textContent = text;
    demo.dataset.state = state;
  }

  function showMessage(field, message) {
    for (const name of FIELDS) {
      const bad = name === field;
      el(`ag-msg-${name}`).textContent = bad ? message : "";
      inputs[name].setAttribute("aria-invalid", bad ? "true" : "false");
    }
  }

  function keepReadable(svg) {
    svg.style.minWidth = `${Math.round(GRAPH_MIN_SCALE * svg.width.baseVal.value)}px`;
  }

  function fitRows(textarea) {
    const [least, most] = PROGRAM_ROWS;
    textarea.rows = Math.min(most, Math.max(least, textarea.value.split("\n").length));
  }

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const name of FIELDS) {
      const value = params.get(name);
      if (value !== null) inputs[name].value = value;
    }
    for (const textarea of demo.querySelectorAll("textarea[data-field]")) fitRows(textarea);
  }

  function writeHash() {
    const params = new URLSearchParams();
    for (const name of FIELDS) params.set(name, inputs[name].value.trim());
    const hash = `#${params}`;
    if (hash !== location.hash) history.replaceState(history.state, "", hash);
  }

  // Results on screen that no longer match the fields (after an input error) are dimmed, with a note.
  function markStale(stale) {
    el("ag-results").toggleAttribute("data-stale", stale);
    el("ag-stale-note").hidden = !stale;
  }

  let asked = 0; // requests sent to the engine; only the latest one's answer is shown
  async function update() {
    if (!viz || python.state !== "ready") return; // the build-time results stay until the engine is up
    const typed = JSON.stringify(Object.fromEntries(FIELDS.map((name) => [name, inputs[name].value])));
    // One edit may fire several input events with the same final text (Chromium fires one per line
    // for lines inserted in one go): compute each text once.
    if (typed === computedFor) return;
    computedFor = typed;
    const ticket = ++asked;
    let out;
    const first = !performance.getEntriesByName("ag-first-result").length;
    if (first) performance.mark("ag-first-compute");
    try {
      out = JSON.parse(await python.call("demo_view", "compute", [typed]));
      if (first) performance.mark("ag-first-computed");
    } catch (error) {
      if (ticket !== asked) return;
      // Only a bug in the engine or the view gets here; say so on the page.
      computedFor = null;
      say(`The engine failed unexpectedly: ${String(error.message ?? error).split("\n").pop()}`, "failed");
      return;
    }
    if (ticket !== asked) return; // a newer edit is on its way
    if (!out.ok) {
      showMessage(out.field, out.message);
      markStale(true);
      return;
    }
    let svg;
    try {
      svg = viz.renderSVGElement(out.dot);
    } catch (error) {
      say(`The graph could not be drawn: ${error.message ?? error}`, "failed");
      return;
    }
    showMessage(null, "");
    markStale(false);
    if (demo.dataset.state !== "live") say(LIVE, "live");
    el("ag-summary").innerHTML = out.summary;
    el("ag-trace-wrap").innerHTML = out.trace;
    keepReadable(svg);
    el("ag-graph").replaceChildren(svg);
    writeHash();
    if (!performance.getEntriesByName("ag-first-result").length) performance.mark("ag-first-result");
  }

  function step(event) {
    // Up and down arrows nudge a number, as in a number field (shift for steps of 1).
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    const input = event.target;
    const value = Number(input.value.replace("\u2212", "-"));
    if (input.value.trim() === "" || !Number.isFinite(value)) return;
    event.preventDefault();
    const size = event.shiftKey ? 1 : NUMBER_STEP;
    input.value = String(Number((value + (event.key === "ArrowUp" ? size : -size)).toFixed(10)));
    update();
  }

  for (const input of Object.values(inputs)) {
    input.addEventListener("input", update);
    if (input.inputMode === "decimal") input.addEventListener("keydown", step);
    if (input.tagName === "TEXTAREA") input.addEventListener("input", () => fitRows(input));
  }
  window.addEventListener("hashchange", () => {
    readHash();
    update();
  });

  readHash();
  for (const svg of el("ag-graph").querySelectorAll(":scope > svg")) keepReadable(svg);
  const restored = location.hash.length > 1;
  const built = restored
    ? "The numbers below are for the default inputs, computed when this site was built; they update once the engine is up."
    : "The numbers below were computed by the same code when this site was built.";
  const loading = (progress) => say(`${describeProgress(progress)} ${built}`, "loading");
  loading({ what: "Python and autograd", loaded: 0, total: 1 });
  python.addEventListener("progress", ({ detail }) => {
    if (demo.dataset.state === "loading") loading(detail);
  });
  python.addEventListener("slow", ({ detail }) => {
    if (python.state === "loading") {
      say(`The engine has not started after ${detail} s, far longer than usual; it keeps trying. ${built}`, "slow");
    }
  });

  // Graphviz is needed only for the first drawing: it downloads once the runtime's files are in, while
  // Python boots, so that it does not slow them down on a slow link.
  const drawing = new Promise((resolve) => {
    const go = () => resolve(graphviz());
    python.addEventListener("progress", ({ detail }) => { if (detail.loaded >= detail.total) go(); });
    python.addEventListener("state", () => { if (python.state !== "loading") go(); });
    if (python.state === "ready") go();
  });
  Promise.all([python.start(), drawing])
    .then(([, graphvizInstance]) => {
      viz = graphvizInstance;
      say(LIVE, "live");
      update();
    })
    .catch((error) => {
      say(
        `The engine could not start here (${error.message ?? error}). The numbers below were computed by autograd when this site was built.`,
        "failed",
      );
    });
}

const python = runtime();

// Graphviz (WASM, for the graph) comes from the runtime's files too, compressed and cached; one per page load.
let graphvizLoading = null;
function graphviz() {
  graphvizLoading ??= siteAssets()
    .importModule("viz.js")
    .then((module) => module.instance())
    .then((instance) => {
      performance.mark("ag-graphviz-ready");
      return instance;
    });
  return graphvizLoading;
}

// Material's instant navigation swaps pages without reloading scripts: set the demo up
// whenever a page with it appears, as well as on a plain load.
function setUpIfPresent() {
  const demo = document.getElementById("ag-demo");
  if (demo) setUp(demo);
}
if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(setUpIfPresent);
} else {
  setUpIfPresent();
}
