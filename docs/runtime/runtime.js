// The site's one in-browser Python: Pyodide with this repository's autograd, in a Web Worker.
//
//   import { runtime } from ".../runtime/runtime.js";
//   const python = runtime();                       // one per page; nothing is downloaded yet
//   python.addEventListener("progress", (e) => …);  // e.detail: { what, loaded, total, fromCache }
//   python.addEventListener("state", (e) => …);     // e.detail: "loading" | "ready" | "failed" | "stopped"
//   await python.run({ code, kind, setup, module }); // { output, note, error, line, setup_failed }
//   await python.call("demo_view", "compute", [text]);
//   python.stop();                                  // ends the running code: a fresh worker starts
//
// Nothing starts until the first run (or an explicit start()): a page that only shows code
// downloads none of the runtime. The files come compressed and are cached (see assets.js).

import { siteAssets } from "./assets.js";

const WORKER = new URL("worker.js", import.meta.url);
const SLOW_SECONDS = 15; // no byte and no answer for this long: the page says so (a lost file hangs, it does not fail)

export class StoppedError extends Error {
  constructor() {
    super("stopped");
    this.name = "StoppedError";
  }
}

class Runtime extends EventTarget {
  #worker = null;
  #ready = null; // Promise resolved when Python is up in the current worker
  #pending = new Map(); // id -> { resolve, reject }
  #nextId = 1;
  #slow = null;
  state = "idle";
  progress = null;
  startSeconds = null;

  #set(state, detail = state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail }));
  }

  #watch() {
    clearTimeout(this.#slow);
    if (this.state !== "loading") return;
    this.#slow = setTimeout(() => this.dispatchEvent(new CustomEvent("slow", { detail: SLOW_SECONDS })),
      SLOW_SECONDS * 1000);
  }

  // Start the worker if none is running; resolves once Python and autograd are ready. A page that wants
  // the engine at once (the live demo) creates the worker in its <head>, before this module has even
  // arrived (see overrides/main.html): that worker is adopted here, with the messages it sent meanwhile.
  start() {
    if (this.#ready) return this.#ready;
    performance.mark("ag-runtime-start");
    const early = globalThis.agRuntimeEarly;
    globalThis.agRuntimeEarly = null; // adopted once: after a Stop, a fresh worker starts here
    const worker = early?.worker ?? new Worker(WORKER, { type: "module", name: "autograd-runtime" });
    this.#worker = worker;
    this.#set("loading");
    this.#watch();
    this.#ready = new Promise((resolve, reject) => {
      const receive = (data) => {
        if (data.type === "manifest") {
          siteAssets().manifest ??= data.manifest; // read by the worker: the page need not ask again
        } else if (data.type === "progress") {
          this.progress = data;
          this.#watch();
          this.dispatchEvent(new CustomEvent("progress", { detail: data }));
        } else if (data.type === "ready") {
          clearTimeout(this.#slow);
          this.startSeconds = data.seconds;
          this.startPhases = data.phases;
          this.startTimeline = data.timeline; // ms since the epoch, by step (for benchmarks)
          this.#set("ready");
          resolve();
        } else if (data.type === "snapshot-kept") {
          this.snapshotKept = true;
          this.dispatchEvent(new CustomEvent("snapshot-kept"));
        } else if (data.type === "failed") {
          clearTimeout(this.#slow);
          this.#set("failed", data.message);
          reject(new Error(data.message));
        } else {
          const waiting = this.#pending.get(data.id);
          this.#pending.delete(data.id);
          if (!waiting) return;
          if (data.type === "result") waiting.resolve(data.value);
          else waiting.reject(new Error(data.message));
        }
      };
      const fail = (message) => {
        clearTimeout(this.#slow);
        this.#set("failed", message);
        reject(new Error(message));
      };
      worker.onmessage = ({ data }) => receive(data);
      worker.onerror = (event) => {
        event.preventDefault(); // reported on the page, not as an uncaught error
        fail(event.message || "the runtime's worker could not be loaded");
      };
      for (const data of early?.messages ?? []) receive(data);
      for (const message of early?.errors ?? []) fail(message);
    });
    this.#ready.catch(() => {}); // callers see the rejection through their own awaits
    if (!early) {
      // The page reads the manifest (once, shared with Graphviz and the editor) and hands it to the worker.
      siteAssets().readManifest().then(
        (manifest) => worker.postMessage({ type: "init", manifest }),
        (error) => worker.onmessage({ data: { type: "failed", message: String(error?.message ?? error) } }),
      );
    }
    return this.#ready;
  }

  async #request(message) {
    await this.start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...message, id });
    });
  }

  // Run a code block (see runner.py): { code, kind: "script" | "doctest", setup: [codes], module }.
  run(block) {
    return this.#request({ type: "run", ...block });
  }

  // Call module.name(...args) in Python (strings in, a string or number out).
  call(module, name, args) {
    return this.#request({ type: "call", module, name, args });
  }

  get busy() {
    return this.#pending.size > 0;
  }

  // End whatever is running: the worker is terminated, its pending requests fail with StoppedError,
  // and a fresh worker starts at once (from the browser's cache), so the next run works.
  stop() {
    if (!this.#worker) return;
    this.#worker.terminate();
    clearTimeout(this.#slow);
    this.#worker = null;
    this.#ready = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const { reject } of pending) reject(new StoppedError());
    this.#set("stopped");
    this.start().catch(() => {});
  }
}

let shared = null;

// The page's runtime (one per page, shared by every block and the demo).
export function runtime() {
  shared ??= new Runtime();
  return shared;
}

// "3.2 of 4.1 MB": a progress report for people.
export function describeProgress({ what, loaded, total, fromCache }) {
  const mb = (n) => (n / 1e6).toFixed(1);
  if (fromCache && loaded >= total) return `Starting ${what} (from this browser's cache)…`;
  if (loaded >= total) return `Starting ${what}…`;
  return `Loading ${what}: ${mb(loaded)} of ${mb(total)} MB…`;
}
