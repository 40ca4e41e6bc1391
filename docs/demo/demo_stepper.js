// The backward stepper on the live demo: the same module as on the Computational graph page
// (../javascripts/stepper.js), fed by the demo's own results.
//
// demo_view.py puts the steps of autograd.trace.backward_steps_data, as JSON, beside the trace
// table it renders (whose rows carry the graph's node ids), at build time and in the browser on
// every edit. Whenever the demo swaps in a new table or graph, this reloads the stepper at the end
// of the pass (every gradient shown, as before); Reset and Step replay it.

import { mount } from "../javascripts/stepper.js";
import { runtime } from "../runtime/runtime.js";

function addStylesheet() {
  const href = new URL("../stylesheets/stepper.css", import.meta.url).href;
  if ([...document.querySelectorAll("link[rel=stylesheet]")].some((link) => link.href === href)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}

function attach(demo) {
  if (demo.dataset.stepper === "bound") return;
  demo.dataset.stepper = "bound";
  const results = demo.querySelector("#ag-results");
  const trace = demo.querySelector("#ag-trace-wrap");
  const graph = demo.querySelector("#ag-graph");
  if (!results || !trace || !graph) return;
  addStylesheet();
  let shown = null; // the JSON text of the steps the stepper holds

  // "Nudge": the demo's Python (demo_view.nudge) runs the fields' program again with one input moved by h.
  async function nudge(variable, h) {
    const fields = Object.fromEntries(
      [...demo.querySelectorAll("[data-field]")].map((input) => [input.dataset.field, input.value]),
    );
    return JSON.parse(await runtime().call("demo_view", "nudge", [JSON.stringify({ ...fields, variable, h })]));
  }

  function refresh() {
    const script = trace.querySelector(".ag-stepper__data");
    if (!script || !graph.querySelector("svg")) return;
    const payload = JSON.parse(script.textContent);
    // A new table or a new graph for the same steps (the graph arrives just after the table):
    // keep the reader's place only if nothing changed.
    const same = script.textContent === shown;
    shown = script.textContent;
    if (!results.stepper) mount(results, { payload, figure: graph, panelBefore: trace, start: "end", nudge });
    else if (!same) results.stepper.load(payload, "end");
    else results.stepper.redraw(); // the reader's step, drawn again on the new elements
  }

  const observer = new MutationObserver(refresh);
  observer.observe(trace, { childList: true });
  observer.observe(graph, { childList: true });
  refresh();
}

function attachIfPresent() {
  const demo = document.getElementById("ag-demo");
  if (demo) attach(demo);
}
if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(attachIfPresent);
} else {
  attachIfPresent();
}
