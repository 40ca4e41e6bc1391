// The runtime's Web Worker: Pyodide with this site's autograd, away from the page's thread.
//
// Messages in:  { type: "init", manifest }                     first: the page's manifest (read once per page)
//               { id, type: "run", code, kind, setup, module }  run a code block (runner.run)
//               { id, type: "call", module, name, args }         call a Python function with strings
// Messages out: { type: "progress", what, loaded, total }         while the files arrive
//               { type: "ready", seconds }                        Python is up, autograd imported
//               { id, type: "result", value } | { id, type: "error", message }
//               { type: "failed", message }                       the runtime could not start
//               { type: "snapshot-kept" }                         the next start will restore this one
//
// The page ends a run that takes too long by terminating this worker and starting another.

import { siteAssets } from "./assets.js";

const HOME = "/home/pyodide/site";
const FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "site-python.zip"];
// What Pyodide fetches by name from its index URL, answered from the runtime's own files instead.
const FETCHED = { "pyodide.asm.wasm": "application/wasm", "python_stdlib.zip": "application/zip" };
const INDEX = "https://runtime.invalid/pyodide/"; // never requested: every fetch under it is answered here

const assets = siteAssets();
const send = (message) => postMessage(message);

function installFetch() {
  const realFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.startsWith(INDEX)) {
      const name = url.slice(INDEX.length);
      if (!(name in FETCHED)) throw new Error(`the runtime does not serve ${name}`);
      // A file that failed makes start() fail (see anyFailed); Pyodide is left waiting, not handed an error
      // it would leave unhandled.
      const bytes = await assets.bytes(name).catch(() => new Promise(() => {}));
      return new Response(bytes, { headers: { "Content-Type": FETCHED[name] } });
    }
    return realFetch(input, init);
  };
}

const phases = {}; // seconds since the worker started, by phase: reported with "ready" for benchmarks
const mark = (name) => { phases[name] = Number((performance.now() / 1000).toFixed(3)); };

async function start() {
  const started = performance.now();
  const { files } = await assets.readManifest();
  const { total, cached } = await assets.sizes(FILES);
  let loaded = 0;
  for (const name of cached) loaded += files[name].bytes;
  const report = () => send({ type: "progress", what: "Python and autograd", loaded, total, fromCache: cached.size });
  const count = (name) => (cached.has(name) ? () => {} : (n) => { loaded += n; report(); });
  report();
  installFetch();
  const { lock } = await assets.readManifest();
  // Every file starts downloading now, in parallel; Pyodide picks each up when it needs it. (Fetching the
  // wasm first and the standard library after it measured a second slower at 10 Mbit/s: Python needs both.)
  const downloads = Object.fromEntries(FILES.map((name) => [name, assets.bytes(name, count(name))]));
  Promise.all(Object.values(downloads)).then(() => mark("downloaded"), () => {});
  const [{ loadPyodide }, asm, site] = await Promise.all([
    downloads["pyodide.mjs"].then(() => assets.importModule("pyodide.mjs")),
    downloads["pyodide.asm.mjs"].then(() => assets.importModule("pyodide.asm.mjs")),
    downloads["site-python.zip"],
  ]);
  // Pyodide waits forever for a file that failed: fail the start instead, naming the file.
  mark("scripts");
  const anyFailed = Promise.all(Object.values(downloads)).then(() => new Promise(() => {}));
  anyFailed.catch(() => {}); // handled by the race below, which is joined a moment later
  const boot = (options) => Promise.race([
    loadPyodide({ indexURL: INDEX, lockFileContents: lock, createPyodideModule: asm.default, ...options }),
    anyFailed,
  ]);
  // The first start is cold (nothing big to download beyond Python itself); it then keeps a memory
  // snapshot of the started interpreter in this browser's cache, and later starts restore it.
  const snapshotURL = await assets.snapshotURL(FILES);
  const snapshot = await assets.local(snapshotURL).catch((error) => {
    phases.snapshotUnreadable = String(error?.message ?? error);
    return null;
  });
  let pyodide = null;
  if (snapshot) {
    try {
      pyodide = await boot({ _loadSnapshot: snapshot });
      phases.restored = true;
    } catch (error) {
      phases.restoreFailed = String(error?.message ?? error); // then start cold, and keep a new snapshot
      await assets.forget(snapshotURL).catch(() => {});
    }
  }
  pyodide ??= await boot({ _makeSnapshot: true });
  mark("python");
  pyodide.FS.mkdirTree(HOME);
  pyodide.unpackArchive(site, "zip", { extractDir: HOME });
  pyodide.runPython(`import sys
if ${JSON.stringify(HOME)} not in sys.path:
    sys.path.insert(0, ${JSON.stringify(HOME)})
import autograd, runner, demo_view`);
  mark("autograd");
  if (!phases.restored) {
    try {
      const kept = assets.keep(snapshotURL, pyodide.makeMemorySnapshot());
      kept.then(() => send({ type: "snapshot-kept" }), () => {});
    } catch {
      // No snapshot this time: the next start is cold again, which is only slower.
    }
  }
  send({ type: "ready", seconds: (performance.now() - started) / 1000, phases });
  assets.prune([snapshotURL]).catch(() => {});
  return pyodide;
}

let initialize;
const python = new Promise((resolve) => { initialize = resolve; }).then(start);
python.catch((error) => send({ type: "failed", message: String(error?.message ?? error) }));

onmessage = async ({ data }) => {
  if (data.type === "init") {
    assets.manifest = data.manifest;
    initialize();
    return;
  }
  const { id } = data;
  try {
    const pyodide = await python;
    let value;
    if (data.type === "run") {
      const run = pyodide.pyimport("runner").run;
      const out = run.callKwargs(data.code, {
        kind: data.kind ?? "script",
        setup: pyodide.toPy(data.setup ?? []),
        module: data.module ?? null,
      });
      value = JSON.parse(pyodide.pyimport("json").dumps(out));
      out.destroy?.();
      run.destroy?.();
    } else if (data.type === "call") {
      const module = pyodide.pyimport(data.module);
      value = module[data.name](...data.args);
      module.destroy?.();
    } else {
      throw new Error(`unknown request ${data.type}`);
    }
    send({ id, type: "result", value });
  } catch (error) {
    send({ id, type: "error", message: String(error?.message ?? error) });
  }
};
