// Render Graphviz DOT (read from stdin) to SVG (written to stdout) with the
// WebAssembly Graphviz of @viz-js/viz, so no system Graphviz is needed.
//   node docs_gen/render_dot.mjs < graph.dot > graph.svg
// docs_gen/graph_figure.py runs it for the build (and caches its output by the DOT text).
import { instance } from "@viz-js/viz";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const dot = Buffer.concat(chunks).toString("utf8");

const viz = await instance();
const result = viz.render(dot, { format: "svg" });
if (result.status !== "success") {
  for (const e of result.errors) console.error(`${e.level ?? "error"}: ${e.message}`);
  process.exit(1);
}
process.stdout.write(result.output);
