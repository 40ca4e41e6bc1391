// The live demo: autograd itself, running in the reader's browser under Pyodide.
//
// The page arrives with the default results already rendered by the docs build,
// so there is something correct to read at once (and without JavaScript). This
// script then boots Pyodide from the site's own copy (no CDN), unpacks the
// packaged autograd, loads demo_view.py beside it and recomputes on every edit.
// Python does all the maths and formats every number; this file only moves
// text between the fields, the engine and the page.
//
// Nothing here throws into the console: a bad input, or an engine that cannot
// start, becomes a message on the page, and the last good results stay.

const HERE = new URL(".", import.meta.url);
const NUMBER_STEP = 0.1;
const PROGRAM_ROWS = [2, 20]; // the program box grows with its lines between these heights
// A wide graph is shrunk to the column only down to this share of its natural size, below which
// its labels get too small to read; past that its box scrolls sideways (see demo.css).
const GRAPH_MIN_SCALE = 0.6;
const SLOW_SECONDS = 15; // several times a normal start: then say so (Pyodide waits, it does not fail, on a lost file)
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
  let compute = null; // demo_view.compute once Python is up
  let viz = null;
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

  function update() {
    if (!compute) return; // the build-time results stay until the engine is up
    const typed = JSON.stringify(Object.fromEntries(FIELDS.map((name) => [name, inputs[name].value])));
    // One edit may fire several input events with the same final text (Chromium fires one per line
    // for lines inserted in one go): compute each text once.
    if (typed === computedFor) return;
    computedFor = typed;
    let out;
    try {
      out = JSON.parse(compute(typed));
    } catch (error) {
      // Only a bug in the engine or the view gets here; say so on the page.
      say(`The engine failed unexpectedly: ${String(error).split("\n").pop()}`, "failed");
      return;
    }
    if (!out.ok) {
      showMessage(out.field, out.message);
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
  say(
    restored
      ? "Loading the engine (Python and autograd, in your browser)… The numbers below are for the default inputs, computed when this site was built; they update once the engine is up."
      : "Loading the engine (Python and autograd, in your browser)… The numbers below were computed by the same code when this site was built.",
    "loading",
  );

  const slow = setTimeout(() => {
    say(
      `The engine has not started after ${SLOW_SECONDS} s, far longer than usual; it keeps trying. The numbers below were computed by autograd when this site was built.`,
      "slow",
    );
  }, SLOW_SECONDS * 1000);

  engine()
    .finally(() => clearTimeout(slow))
    .then(([python, graphviz]) => {
      compute = python;
      viz = graphviz;
      demo.dataset.pythonStart = pythonStart;
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

async function fetchOk(url, as) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
  return response[as]();
}

// One engine per page load, however often instant navigation brings the demo back.
let booting = null;
let pythonStart = null; // how Python started, shown as data-python-start for tests and benchmarks
function engine() {
  booting ??= boot();
  return booting;
}

// Restore the interpreter from the snapshot the docs build made (a fraction of a cold
// start); should that fail in some browser, start Python the ordinary way.
async function startPython(loadPyodide) {
  const indexURL = new URL("pyodide/", HERE).href;
  try {
    const snapshot = fetchOk(new URL("pyodide/snapshot.bin", HERE), "arrayBuffer");
    const pyodide = await loadPyodide({ indexURL, _loadSnapshot: snapshot });
    pythonStart = "snapshot";
    return pyodide;
  } catch {
    pythonStart = "cold";
    return loadPyodide({ indexURL });
  }
}

async function boot() {
  const { loadPyodide } = await import(new URL("pyodide/pyodide.mjs", HERE).href);
  const [pyodide, archive, view, graphviz] = await Promise.all([
    startPython(loadPyodide),
    fetchOk(new URL("autograd.zip", HERE), "arrayBuffer"),
    fetchOk(new URL("demo_view.py", HERE), "text"),
    import(new URL("viz/viz.js", HERE).href).then((module) => module.instance()),
  ]);
  const home = "/home/pyodide/demo";
  pyodide.FS.mkdirTree(home);
  pyodide.unpackArchive(archive, "zip", { extractDir: home });
  pyodide.FS.writeFile(`${home}/demo_view.py`, view);
  const compute = pyodide.runPython(
    `import sys\nsys.path.insert(0, ${JSON.stringify(home)})\nimport demo_view\ndemo_view.compute`,
  );
  return [compute, graphviz];
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
