// Run, Edit and Reset for the code blocks of a page, in the site's runtime (runtime.js).
//
// Two kinds of block get the controls:
// * markdown-exec blocks that show their source, which the docs build wrapped in
//   <div class="ag-block" data-ag-session="…">: the source block, then the build's output;
// * on the API reference, the examples (>>> lines) of the modules the page lists in
//   <div id="ag-doctests" data-ag-modules="…">, run as doctest runs them, in their module's globals.
//
// Until a reader presses Run nothing of the runtime is downloaded, and the page shows exactly what
// the build wrote. Blocks of one session share a namespace in page order: running a block first
// runs the blocks before it (as the build did). Stop ends a run that takes too long.

import { siteAssets } from "./assets.js";
import { StoppedError, describeProgress, runtime } from "./runtime.js";

const python = runtime();
let editorModule = null; // CodeMirror, loaded on the first Edit

function editor() {
  editorModule ??= siteAssets().importModule("editor.js");
  return editorModule;
}

function button(text, label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "ag-block__button";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

class Block {
  constructor({ root, source, output, code, kind, session, module, number }) {
    Object.assign(this, { root, source, output, code, kind, session, module, number });
    this.original = code;
    this.builtOutput = output.innerHTML;
    this.editor = null;
    this.bar = document.createElement("div");
    this.bar.className = "ag-block__bar";
    this.status = document.createElement("p");
    this.status.className = "ag-block__status";
    this.status.setAttribute("role", "status");
    this.run = button("Run", `Run example ${number}`, () => this.execute());
    this.edit = button("Edit", `Edit example ${number}`, () => this.startEditing());
    this.reset = button("Reset", `Reset example ${number} to its original code and output`, () => this.restore());
    this.stop = button("Stop", `Stop example ${number}`, () => python.stop());
    this.stop.classList.add("ag-block__button--stop");
    this.reset.hidden = true;
    this.stop.hidden = true;
    this.bar.append(this.run, this.edit, this.reset, this.stop, this.status);
    source.after(this.bar);
    this.note = document.createElement("p");
    this.note.className = "ag-block__note";
    this.note.hidden = true;
    output.after(this.note);
    root.classList.add("ag-block--ready");
  }

  get currentCode() {
    return this.editor ? this.editor.code : this.code;
  }

  say(text) {
    this.status.textContent = text;
  }

  showOutput(text, { error = false, note = null, origin = "browser" } = {}) {
    const code = this.output.querySelector("code") ?? this.output;
    code.textContent = text;
    this.output.dataset.agOutput = origin;
    this.output.classList.toggle("ag-block__output--error", error);
    if (this.kind === "doctest") {
      // The transcript takes the place of the example's (the editor, if open, stays above it).
      this.output.hidden = false;
      if (!this.editor) this.source.hidden = true;
    }
    this.note.hidden = !note;
    this.note.textContent = note ?? "";
  }

  async execute() {
    const setup = page.before(this).map((block) => block.currentCode);
    this.run.disabled = true;
    this.root.dataset.agState = "running";
    const onProgress = ({ detail }) => this.say(describeProgress(detail));
    python.addEventListener("progress", onProgress);
    if (python.state !== "ready") this.say(describeProgress(python.progress ?? { what: "Python and autograd", loaded: 0, total: 1 }));
    try {
      await python.start();
      python.removeEventListener("progress", onProgress);
      this.say("Running…");
      this.stop.hidden = false;
      const out = await python.run({ code: this.currentCode, kind: this.kind, setup, module: this.module });
      if (out.setup_failed !== null) {
        const earlier = page.before(this)[out.setup_failed];
        this.showOutput(`This example uses names from example ${earlier.number}, which failed: run that one first and fix it.`, { error: true });
      } else {
        this.showOutput(out.output, { error: out.error, note: out.note });
      }
      this.say(out.error ? (out.line ? `Ran in your browser: error on line ${out.line}.` : "Ran in your browser: error.") : "Ran in your browser.");
      this.root.dataset.agState = out.error ? "error" : "done";
    } catch (error) {
      python.removeEventListener("progress", onProgress);
      if (error instanceof StoppedError) {
        this.showOutput("Stopped. Python has restarted: run again when ready.", { error: true });
        this.say("Stopped.");
        this.root.dataset.agState = "stopped";
      } else {
        this.say(`Could not run here: ${error.message ?? error}. The output shown is the build's.`);
        this.root.dataset.agState = "failed";
      }
    } finally {
      this.stop.hidden = true;
      this.run.disabled = false;
      this.reset.hidden = false;
      this.runs = (this.runs ?? 0) + 1;
      this.root.dataset.agRuns = String(this.runs); // for tests: a run has finished
    }
  }

  async startEditing() {
    if (this.editor) {
      this.editor.focus();
      return;
    }
    this.edit.disabled = true;
    try {
      const { createEditor } = await editor();
      const host = document.createElement("div");
      host.className = "ag-block__editor";
      this.source.hidden = true;
      this.source.after(host);
      this.editor = createEditor(host, this.code, {
        onRun: () => this.execute(),
        label: `Code of example ${this.number}; Ctrl+Enter runs it, Tab leaves the editor`,
      });
      host.agEditor = this.editor; // for tests and the console
      this.root.dataset.agEditing = "true";
      this.reset.hidden = false;
      this.editor.focus();
    } catch (error) {
      this.say(`The editor could not load: ${error.message ?? error}`);
    } finally {
      this.edit.disabled = false;
    }
  }

  restore() {
    if (this.editor) {
      this.editor.view.dom.parentElement.remove();
      this.editor.destroy();
      this.editor = null;
    }
    this.source.hidden = false;
    if (this.kind === "doctest") this.output.hidden = true;
    delete this.root.dataset.agEditing;
    delete this.root.dataset.agState;
    this.output.innerHTML = this.builtOutput;
    delete this.output.dataset.agOutput;
    this.output.classList.remove("ag-block__output--error");
    this.note.hidden = true;
    this.reset.hidden = true;
    this.say("");
    this.run.focus();
  }
}

// The markdown-exec blocks: the wrapper holds the source block and the output block, in either order.
function scriptBlocks() {
  return [...document.querySelectorAll("div.ag-block")].flatMap((root) => {
    const blocks = [...root.querySelectorAll(":scope > div.highlight")];
    if (blocks.length !== 2) return [];
    const [source, output] = root.dataset.agSource === "below" ? blocks.reverse() : blocks;
    const code = source.querySelector("code").textContent.replace(/\n$/, ""); // the block's text ends with a newline
    return [{ root, source, output, code, kind: "script", session: root.dataset.agSession || null, module: null }];
  });
}

// The API reference's examples: a block of >>> lines in an object's docstring runs in that object's
// module, sharing a namespace with the examples before it in the same docstring (as doctest does).
function doctestBlocks() {
  const marker = document.getElementById("ag-doctests");
  if (!marker) return [];
  const modules = marker.dataset.agModules.split(/\s+/).filter(Boolean);
  // An example that uses numpy (or the Tensor engine, which needs it) stays as the build showed it.
  const words = marker.dataset.agUnavailable.split(/\s+/).filter(Boolean).map((w) => w.replace(/[.]/g, "\\."));
  const needsNumpy = new RegExp(`\\b(${words.join("|")})\\b`);
  const found = [];
  for (const contents of document.querySelectorAll(".doc-contents")) {
    const object = contents.closest(".doc-object");
    const heading = object?.querySelector(":scope > .doc-heading");
    const path = heading?.id;
    if (!path || !modules.some((m) => path === m || path.startsWith(`${m}.`))) continue;
    for (const block of contents.querySelectorAll(":scope > div.highlight")) {
      const code = block.querySelector("code")?.textContent ?? "";
      if (!code.trimStart().startsWith(">>>") || needsNumpy.test(code)) continue;
      const root = document.createElement("div");
      root.className = "ag-block ag-block--doctest";
      block.before(root);
      root.append(block);
      // The example is code and output at once: a run's transcript is shown in its place.
      const output = block.cloneNode(true);
      output.hidden = true;
      output.querySelector("code").textContent = "";
      root.append(output);
      found.push({ root, source: block, output, code, kind: "doctest", session: `doc:${path}`, module: path });
    }
  }
  return found;
}

const page = {
  blocks: [],
  before(block) {
    if (!block.session) return [];
    return this.blocks.filter((b) => b.session === block.session && b.number < block.number);
  },
};

function setUp() {
  const found = [...scriptBlocks(), ...doctestBlocks()].filter((b) => !b.root.classList.contains("ag-block--ready"));
  // Page order, so that a session's blocks run in the order the build ran them.
  found.sort((a, b) => (a.root.compareDocumentPosition(b.root) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  page.blocks = found.map((spec, index) => new Block({ ...spec, number: index + 1 }));
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(setUp);
} else {
  setUp();
}
