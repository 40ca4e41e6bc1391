// The runtime's Web Worker: Pyodide with this site's autograd, away from the page's thread.
//
// Messages in:  { type: "init", manifest? }                    first: the page's manifest, if it has read it
//                                                               (else the worker reads it and sends it back)
//               { id, type: "run", code, kind, setup, module }  run a code block (runner.run)
//               { id, type: "call", module, name, args }         call a Python function with strings
// Messages out: { type: "manifest", manifest }                   the manifest, when the worker read it itself
//               { type: "progress", what, loaded, total }         while the files arrive
//               { type: "ready", seconds, phases, timeline }      Python is up, autograd imported
//               { id, type: "result", value } | { id, type: "error", message }
//               { type: "failed", message }                       the runtime could not start
//               { type: "snapshot-kept" }                         the next start will restore this one
//
// The page ends a run that takes too long by terminating this worker and starting another.

import { siteAssets } from "./assets.js";

const HOME = "/home/pyodide/site";
const FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "site-python.zip"];
const INDEX = "https://runtime.invalid/pyodide/"; // never requested: every fetch under it is answered here
const SNAPSHOT_IDLE_MS = 500;

const assets = siteAssets();
const send = (message) => postMessage(message);

// When each step of the start happened, for benchmarks/runtime_timing.py: `phases` in seconds since the
// worker began, `timeline` in ms since the epoch (comparable with the page's performance.timeOrigin).
const phases = {};
const timeline = {};
const mark = (name) => {
  phases[name] = Number((performance.now() / 1000).toFixed(3));
  timeline[name] = Math.round(performance.timeOrigin + performance.now());
};

// Pyodide fetches the wasm and the standard library by URL under INDEX: they are answered from the
// downloads started for them. The wasm is compiled by the worker itself, from the first byte that
// arrives (WebAssembly.compileStreaming), so Pyodide's instantiation is handed the compiled module.
function answerPyodide({ stdlib, compiled }) {
  const realFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url === `${INDEX}python_stdlib.zip`) {
      // A file that failed makes start() fail (see anyFailed); Pyodide is left waiting, not handed an error
      // it would leave unhandled.
      const bytes = await stdlib.catch(() => new Promise(() => {}));
      return new Response(bytes, { headers: { "Content-Type": "application/zip" } });
    }
    if (url === `${INDEX}pyodide.asm.wasm`) {
      return new Response(new Uint8Array(0), { headers: { "Content-Type": "application/wasm" } }); // unread
    }
    if (url.startsWith(INDEX)) throw new Error(`the runtime does not serve ${url.slice(INDEX.length)}`);
    return realFetch(input, init);
  };
  WebAssembly.instantiateStreaming = async (_response, imports) => {
    mark("wasm requested");
    const module = await compiled.catch(() => new Promise(() => {}));
    return { module, instance: await WebAssembly.instantiate(module, imports) };
  };
}

async function start() {
  mark("init");
  const started = performance.now();
  const fetchedManifest = !assets.manifest;
  const manifest = await assets.readManifest();
  if (fetchedManifest) send({ type: "manifest", manifest }); // the page reads it from here: one request
  const { files, lock } = manifest;
  const { total, cached } = await assets.sizes(FILES);
  let loaded = 0;
  for (const name of cached) loaded += files[name].bytes;
  const report = () => send({ type: "progress", what: "Python and autograd", loaded, total, fromCache: cached.size });
  const count = (name) => (cached.has(name) ? () => {} : (n) => { loaded += n; report(); });
  report();
  // Every file starts downloading now, in parallel; Pyodide picks each up when it needs it. The wasm is
  // compiled as it arrives, so little of its compiling is left when its last byte comes. (The package,
  // needed only once Python is up, is not held back to arrive while Python boots: this thread is busy
  // then, so its request would wait for the boot to end.)
  const wasm = assets.open("pyodide.asm.wasm", count("pyodide.asm.wasm"));
  const compiled = wasm.then(({ body }) =>
    WebAssembly.compileStreaming(new Response(body, { headers: { "Content-Type": "application/wasm" } })));
  compiled.then(() => mark("wasm compiled"), () => {});
  const downloads = Object.fromEntries(FILES.map((name) => [name,
    name === "pyodide.asm.wasm" ? wasm.then(({ complete }) => complete) : assets.bytes(name, count(name))]));
  for (const [name, done] of Object.entries(downloads)) done.then(() => mark(`downloaded ${name}`), () => {});
  Promise.all(Object.values(downloads)).then(() => mark("downloaded"), () => {});
  answerPyodide({ stdlib: downloads["python_stdlib.zip"], compiled });
  // Meanwhile, this browser's own snapshot of a started interpreter, if it kept one (see keepSnapshot).
  const snapshotURL = assets.snapshotURL(FILES);
  const snapshotFound = snapshotURL.then((url) => assets.kept(url)).catch((error) => {
    phases.snapshotUnreadable = String(error?.message ?? error);
    return null;
  });
  const snapshotBytes = snapshotFound.then((found) => found?.arrayBuffer().then((read) => {
    mark("snapshot read");
    return new Uint8Array(read);
  }));
  snapshotBytes.catch(() => {}); // a failed read fails the restore below, which then starts cold
  const [{ loadPyodide }, asm, site] = await Promise.all([
    downloads["pyodide.mjs"].then(() => assets.importModule("pyodide.mjs")),
    downloads["pyodide.asm.mjs"].then(() => assets.importModule("pyodide.asm.mjs")),
    downloads["site-python.zip"],
  ]);
  mark("scripts");
  // Pyodide waits forever for a file that failed: fail the start instead, naming the file.
  const anyFailed = Promise.all([...Object.values(downloads), compiled]).then(() => new Promise(() => {}));
  anyFailed.catch(() => {}); // handled by the race below, which is joined a moment later
  const boot = (options) => Promise.race([
    loadPyodide({ indexURL: INDEX, lockFileContents: lock, createPyodideModule: asm.default, ...options }),
    anyFailed,
  ]);
  // The first start is cold (nothing big to download beyond Python itself); it then keeps a memory
  // snapshot of the started interpreter in this browser's cache, and later starts restore it.
  let pyodide = null;
  if (await snapshotFound) {
    try {
      // Its 30 MB are still being read, meanwhile: Pyodide waits for them only once it has prepared.
      pyodide = await boot({ _loadSnapshot: snapshotBytes });
      phases.restored = true;
    } catch (error) {
      phases.restoreFailed = String(error?.message ?? error); // then start cold, and keep a new snapshot
      await assets.forget(await snapshotURL).catch(() => {});
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
    // The snapshot (some 30 MB copied) is not made before the first answer, which it would delay: it is
    // made once the worker has been idle a moment, or before the first reader's code runs, whichever
    // comes first, so that it holds an interpreter no reader's code has touched.
    const url = await snapshotURL;
    keepSnapshot = () => {
      keepSnapshot = () => {};
      clearTimeout(snapshotTimer);
      try {
        const kept = assets.keep(url, pyodide.makeMemorySnapshot());
        kept.then(() => send({ type: "snapshot-kept" }), () => {});
      } catch {
        // No snapshot this time: the next start is cold again, which is only slower.
      }
    };
    idle();
  }
  mark("ready");
  send({ type: "ready", seconds: (performance.now() - started) / 1000, phases, timeline });
  assets.prune([await snapshotURL]).catch(() => {});
  return pyodide;
}

let keepSnapshot = () => {};
let snapshotTimer = null;
function idle() {
  clearTimeout(snapshotTimer);
  snapshotTimer = setTimeout(() => keepSnapshot(), SNAPSHOT_IDLE_MS);
}

let initialize;
const python = new Promise((resolve) => { initialize = resolve; }).then(start);
python.catch((error) => send({ type: "failed", message: String(error?.message ?? error) }));

onmessage = async ({ data }) => {
  if (data.type === "init") {
    if (data.manifest) assets.manifest = data.manifest;
    initialize();
    return;
  }
  const { id } = data;
  try {
    const pyodide = await python;
    let value;
    if (data.type === "run") {
      keepSnapshot(); // before the reader's code can change the interpreter
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
  idle();
};
