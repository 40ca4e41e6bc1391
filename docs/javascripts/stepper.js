// The backward stepper: watch the backward pass, one node at a time, on a graph figure and a trace table.
//
// A stepper is an element with [data-stepper] holding
//   * a <script type="application/json" class="ag-stepper__data"> with the steps that
//     autograd.trace.backward_steps recorded (docs_gen/stepper.py writes it at build time;
//     the live demo's Python writes the same JSON in the browser),
//   * a Graphviz SVG whose node ids are autograd.graph's (v-<slug>, g-<slug>, op-<slug>,
//     e-op-<slug>-in<k>, e-op-<slug>-out),
//   * a trace table whose rows carry data-node="<slug>".
// Every number shown comes from that JSON, computed by the engine; this file only formats
// numbers (toFixed) and compares the reader's predictions with them.
//
// mount(root, options) sets one up and returns its controller; a page with [data-stepper] elements
// in its HTML gets them mounted on load (and on Material's instant navigation).

const PLAY_MS = 1400; // a readable pace
const MINUS = "-";

// x with `digits` decimals exactly as Python's f"{x:.4f}" writes it (the pages' other numbers):
// toFixed rounds an exact tie away from zero where Python rounds it to even, and drops the sign of -0.
export function fmt(x, digits) {
  const text = x.toFixed(digits);
  if (Object.is(x, -0)) return `-${text}`;
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 30)); // the double's exact decimal digits
  const tail = exact.slice(exact.indexOf(".") + 1 + digits);
  if (/^50*$/.test(tail) && Number(text[text.length - 1]) % 2 === 1) {
    const down = exact.slice(0, exact.indexOf(".") + 1 + digits); // the even neighbour, towards zero
    return (x < 0 ? "-" : "") + (digits === 0 ? down.slice(0, -1) : down);
  }
  return text;
}

// A factor in a product or a sum, bracketed when negative: 0.2491 × (-0.4000).
function factor(x, digits) {
  const text = fmt(x, digits);
  return text.startsWith(MINUS) ? `(${text})` : text;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// KaTeX, for the rules' LaTeX: a page with maths has it already; elsewhere (the live demo) the
// site's own copy is loaded the first time a step is shown, and the narration redrawn with it.
let katexLoading = null;
function loadKatex() {
  katexLoading ??= new Promise((resolve) => {
    const base = new URL("../assets/katex/", import.meta.url);
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("katex.min.css", base).href;
    const script = document.createElement("script");
    script.src = new URL("katex.min.js", base).href;
    script.onload = script.onerror = () => resolve();
    document.head.append(link, script);
  });
  return katexLoading;
}

function math(tex) {
  if (window.katex) {
    try {
      return window.katex.renderToString(tex, { throwOnError: true });
    } catch {
      /* fall through to the source */
    }
  }
  return `<code>${escapeHtml(tex)}</code>`;
}

function byId(svg, id) {
  return svg ? svg.querySelector(`#${CSS.escape(id)}`) : null;
}

const HIGHLIGHTS = ["ag-hl-current", "ag-hl-edge", "ag-hl-target"];

// The controls, the narration, the prediction form and the nudge box: one definition, for every stepper.
function panelHtml() {
  return `<div class="ag-stepper__controls" role="group" aria-label="Backward pass, one node at a time">
<button type="button" class="md-button" data-action="reset" aria-keyshortcuts="Home">Reset</button>
<button type="button" class="md-button" data-action="back" aria-keyshortcuts="ArrowLeft">Step back</button>
<button type="button" class="md-button md-button--primary" data-action="step" aria-keyshortcuts="ArrowRight">Step</button>
<button type="button" class="md-button" data-action="play" aria-pressed="false" aria-keyshortcuts="P">Play</button>
<span class="ag-stepper__count" aria-hidden="true"></span>
<label class="ag-stepper__predict"><input type="checkbox" data-action="predict"> Predict, then reveal</label>
</div>
<p class="ag-stepper__keys">Keys, with the focus in the stepper: → Step, ← Step back, Home Reset, P Play.</p>
<div class="ag-stepper__narration" aria-live="polite"></div>
<form class="ag-stepper__quiz" hidden></form>
<div class="ag-stepper__nudge" hidden></div>`;
}

// mount(root, options): root holds the figure (options.figure, a selector inside root or an element)
// and a table whose rows carry data-node and whose gradient cells have class ag-stepper__grad.
// The panel goes into root's .ag-stepper__panel, or a new one before options.panelBefore.
// options.payload is the steps (else root's .ag-stepper__data JSON); options.start "end" shows
// the finished pass first (the live demo), otherwise the stepper starts before the backward pass.
export function mount(root, options = {}) {
  if (root.stepper) {
    if (options.payload) root.stepper.load(options.payload, options.start);
    return root.stepper;
  }
  const $ = (selector) => root.querySelector(selector);
  let panel = $(".ag-stepper__panel");
  if (!panel) {
    panel = document.createElement("div");
    panel.className = "ag-stepper__panel";
    const before = options.panelBefore ?? null;
    (before ? before.parentNode : root).insertBefore(panel, before);
  }
  panel.innerHTML = panelHtml();
  const narration = $(".ag-stepper__narration");
  const quiz = $(".ag-stepper__quiz");
  const count = $(".ag-stepper__count");
  const buttons = Object.fromEntries(
    [...panel.querySelectorAll("button[data-action]")].map((b) => [b.dataset.action, b]),
  );
  const predictToggle = $("input[data-action=predict]");
  const figureOption = options.figure ?? ".ag-stepper__figure";

  let data = null;
  let digits = 4;
  let pos = 0; // steps fully or partly applied: 0 = before the backward pass
  let revealed = 0; // contributions of step `pos` shown so far (all of them unless predicting)
  let notes = []; // the reader's results for step `pos`, one per revealed contribution
  let timer = null;
  let touched = false; // loaded at the end of the pass and not stepped yet: show the results plainly

  const steps = () => data.steps;
  const total = () => data.steps.length;
  const svg = () => {
    const figure = typeof figureOption === "string" ? root.querySelector(figureOption) : figureOption;
    return figure ? figure.querySelector("svg") : null;
  };

  function load(newPayload, start = "start") {
    stop();
    data = newPayload;
    digits = data.digits ?? 4;
    pos = start === "end" ? data.steps.length : 0;
    touched = start !== "end";
    revealed = pos > 0 ? data.steps[pos - 1].contributions.length : 0;
    notes = [];
    buildNudge();
    render();
  }

  function complete(k) {
    return k < pos || (k === pos - 1 && revealed >= steps()[k].contributions.length);
  }

  // The gradient each node holds at this point of the pass (undefined: not reached yet).
  function known() {
    const grads = new Map();
    if (pos >= 1) grads.set(steps()[0].slug, steps()[0].upstream); // the seed, ∂f/∂f = 1
    for (let k = 0; k < pos; k++) {
      const shown = k === pos - 1 ? revealed : Infinity;
      steps()[k].contributions.forEach((c, j) => {
        if (j < shown) grads.set(c.slug, c.after);
      });
    }
    return grads;
  }

  function render() {
    const grads = known();
    const figure = svg();
    // Clear, then mark the current step.
    for (const cls of HIGHLIGHTS) {
      for (const el of root.querySelectorAll(`.${cls}`)) el.classList.remove(cls);
    }
    for (const node of data.nodes) {
      const value = grads.get(node.slug);
      const ellipse = byId(figure, `g-${node.slug}`);
      if (ellipse) {
        const texts = ellipse.querySelectorAll("text");
        const last = texts[texts.length - 1];
        if (last) last.textContent = value === undefined ? "?" : fmt(value, digits);
        ellipse.classList.toggle("ag-unreached", value === undefined);
      }
      const row = root.querySelector(`tr[data-node="${CSS.escape(node.slug)}"]`);
      if (row) {
        const cell = row.querySelector(".ag-stepper__grad");
        cell.textContent = value === undefined ? "—" : fmt(value, digits);
        row.classList.toggle("ag-unreached", value === undefined);
      }
    }
    const step = pos >= 1 ? steps()[pos - 1] : null;
    if (step && touched) {
      const mark = (id, cls) => byId(figure, id)?.classList.add(cls);
      for (const id of [`v-${step.slug}`, `g-${step.slug}`, `op-${step.slug}`]) mark(id, "ag-hl-current");
      mark(`e-op-${step.slug}-out`, "ag-hl-edge");
      root.querySelector(`tr[data-node="${CSS.escape(step.slug)}"]`)?.classList.add("ag-hl-current");
      for (const c of step.contributions) {
        mark(`e-op-${step.slug}-in${c.index}`, "ag-hl-edge");
        mark(`v-${c.slug}`, "ag-hl-target");
        mark(`g-${c.slug}`, "ag-hl-target");
        root.querySelector(`tr[data-node="${CSS.escape(c.slug)}"]`)?.classList.add("ag-hl-target");
      }
    }
    if (touched && !window.katex && !katexLoading) loadKatex().then(() => data && render());
    narration.innerHTML = narrate(step);
    renderQuiz(step);
    count.textContent = `Step ${pos} of ${total()}`;
    const pending = step && revealed < step.contributions.length;
    setEnabled(buttons.back, pos > 0);
    setEnabled(buttons.reset, pos > 0);
    setEnabled(buttons.step, (pos < total() || !touched) && !pending);
    setEnabled(buttons.play, !predicting() && (pos < total() || timer === null));
    root.dataset.position = String(pos);
  }

  function setEnabled(button, enabled) {
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
    button.setAttribute("aria-disabled", enabled ? "false" : "true");
  }

  function predicting() {
    return predictToggle.checked;
  }

  const of = () => escapeHtml(data.of);
  const d = (name) => `∂${of()}/∂${escapeHtml(name)}`;

  function narrate(step) {
    if (!touched) {
      return `<p>These gradients are what <code>${of()}.backward()</code> leaves. Press <b>Step</b> to watch the backward
pass make them, one node at a time, from the start.</p>`;
    }
    if (!step) {
      return `<p>The forward pass is done: every node holds its value. No gradient is known yet. Press <b>Step</b> to run
the backward pass one node at a time, in the order <code>${of()}.backward()</code> visits them.</p>`;
    }
    const lines = [];
    const head = `<b>Step ${pos} of ${total()}:</b> ${escapeHtml(step.name)} = <code>${escapeHtml(step.expression)}</code>.`;
    if (pos === 1) {
      lines.push(`<p>${head} The backward pass starts at the output with ${d(step.name)} = ${fmt(step.upstream, digits)}.</p>`);
    } else {
      lines.push(
        `<p>${head} Upstream gradient ${d(step.name)} = ${fmt(step.upstream, digits)}: final now, since every node that uses ${escapeHtml(step.name)} has passed its gradient on.</p>`,
      );
    }
    const items = step.contributions.map((c, j) => {
      if (j >= revealed) return `<li class="ag-stepper__hidden">To ${escapeHtml(c.name)}: not revealed yet.</li>`;
      const local = `∂${escapeHtml(step.name)}/∂${escapeHtml(c.name)}`;
      const given = [`${escapeHtml(c.param)} = ${escapeHtml(c.name)}`].concat(
        Object.entries(step.params || {}).map(([k, v]) => `${escapeHtml(k)} = ${escapeHtml(v)}`),
      ).join(", ");
      let text = `To ${escapeHtml(c.name)}: the rule ${math(c.rule)} with ${given} gives the local
gradient ${local} = ${fmt(c.local, digits)}, and upstream × local =
<span class="ag-product">${fmt(step.upstream, digits)} × ${factor(c.local, digits)} = ${fmt(c.contribution, digits)}</span>.`;
      if (c.before !== 0) {
        text += ` ${escapeHtml(c.name)} already holds ${fmt(c.before, digits)} from another path, and gradients add:
<span class="ag-sum">${fmt(c.before, digits)} + ${factor(c.contribution, digits)} = ${fmt(c.after, digits)}</span>.`;
      }
      if (notes[j]) text += ` <span class="ag-stepper__note">${notes[j]}</span>`;
      return `<li>${text}</li>`;
    });
    if (items.length) lines.push(`<ul>${items.join("")}</ul>`);
    if (pos === total() && revealed >= step.contributions.length) {
      lines.push(`<p>Done: every node holds ${d("node")}, the numbers <code>${of()}.backward()</code> leaves.</p>`);
    }
    return lines.join("\n");
  }

  function renderQuiz(step) {
    const pending = step && revealed < step.contributions.length;
    quiz.hidden = !pending;
    if (!pending) {
      quiz.innerHTML = "";
      return;
    }
    const c = step.contributions[revealed];
    const id = `${root.id || "ag-stepper"}-guess`;
    quiz.innerHTML = `<label for="${id}">Predict what ${escapeHtml(step.name)} adds to ${d(c.name)}: upstream ${d(step.name)}
× local ∂${escapeHtml(step.name)}/∂${escapeHtml(c.name)} (rule ${math(c.rule)}, ${escapeHtml(c.param)} = ${escapeHtml(c.name)})</label>
<input id="${id}" type="text" inputmode="decimal" autocomplete="off" spellcheck="false">
<button type="submit" class="md-button md-button--primary" data-action="check">Check</button>
<button type="button" class="md-button" data-action="skip">Skip</button>
<p class="ag-stepper__feedback" role="status"></p>`;
    quiz.querySelector("[data-action=skip]").addEventListener("click", () => reveal("Skipped."));
  }

  quiz.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = quiz.querySelector("input");
    const typed = Number(input.value.trim().replace("\u2212", "-"));
    if (input.value.trim() === "" || !Number.isFinite(typed)) {
      quiz.querySelector(".ag-stepper__feedback").textContent = "Type a number, such as 0.25, or press Skip.";
      input.focus();
      return;
    }
    const step = steps()[pos - 1];
    const c = step.contributions[revealed];
    reveal(judge(typed, step, c));
  });

  // Right to 4 decimals, or else which factor was off.
  function judge(typed, step, c) {
    const close = (a, b) => fmt(a, digits) === fmt(b, digits) || Math.abs(a - b) <= 0.5 * 10 ** -digits;
    const you = fmt(typed, digits);
    if (close(typed, c.contribution)) return `Your ${you}: right.`;
    const local = `∂${escapeHtml(step.name)}/∂${escapeHtml(c.name)}`;
    if (close(typed, -c.contribution)) return `Your ${you}: the sign is off.`;
    if (close(typed, c.local)) {
      return `Your ${you}: wrong. That is the local gradient ${local} alone; multiply it by the upstream ${d(step.name)} = ${fmt(step.upstream, digits)}.`;
    }
    if (close(typed, step.upstream)) {
      return `Your ${you}: wrong. That is the upstream ${d(step.name)} alone; multiply it by the local gradient ${local} = ${fmt(c.local, digits)}.`;
    }
    if (step.upstream !== 0) {
      return `Your ${you}: wrong. The upstream factor ${d(step.name)} is ${fmt(step.upstream, digits)}, so your answer
means a local gradient ${local} of ${fmt(typed / step.upstream, digits)}; the rule gives ${fmt(c.local, digits)}: the local factor was off.`;
    }
    return `Your ${you}: wrong. The upstream ${d(step.name)} is 0, so every contribution of this step is 0.`;
  }

  function reveal(note) {
    notes[revealed] = note;
    revealed += 1;
    render();
    const next = quiz.querySelector("input");
    if (next) next.focus();
    else buttons.step.focus();
  }

  function go(newPos) {
    pos = Math.max(0, Math.min(total(), newPos));
    notes = [];
    const step = pos >= 1 ? steps()[pos - 1] : null;
    // Predicting: a new step's contributions wait for the reader; going back shows them all.
    revealed = step ? (predicting() && newPos > 0 ? 0 : step.contributions.length) : 0;
    render();
  }

  function forward() {
    if (pos >= total()) return false;
    const step = pos >= 1 ? steps()[pos - 1] : null;
    if (step && revealed < step.contributions.length) return false;
    go(pos + 1);
    if (predicting()) quiz.querySelector("input")?.focus();
    return true;
  }

  function back() {
    if (pos === 0) return;
    pos -= 1;
    notes = [];
    revealed = pos >= 1 ? steps()[pos - 1].contributions.length : 0;
    render();
  }

  function play() {
    if (timer !== null) return stop();
    if (predicting()) return;
    if (pos >= total()) go(0);
    buttons.play.setAttribute("aria-pressed", "true");
    buttons.play.textContent = "Pause";
    timer = setInterval(() => {
      if (!forward() || pos >= total()) stop();
    }, PLAY_MS);
    forward();
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (buttons.play) {
      buttons.play.setAttribute("aria-pressed", "false");
      buttons.play.textContent = "Play";
    }
    if (data) render();
  }

  const actions = {
    step: () => {
      stop();
      if (!touched) go(0); // from the finished pass shown at first, Step starts the replay
      touched = true;
      forward();
    },
    back: () => { touched = true; stop(); back(); },
    reset: () => { touched = true; stop(); go(0); },
    play: () => { touched = true; play(); },
  };
  for (const [name, button] of Object.entries(buttons)) {
    if (!actions[name]) continue;
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true" && name !== "play") return;
      actions[name]();
    });
  }
  predictToggle.addEventListener("change", () => {
    stop();
    const step = pos >= 1 ? steps()[pos - 1] : null;
    if (!predictToggle.checked && step) revealed = step.contributions.length;
    render();
  });
  root.addEventListener("keydown", (event) => {
    if (event.target.closest("input, select, textarea") || event.altKey || event.ctrlKey || event.metaKey) return;
    const action = { ArrowRight: "step", ArrowLeft: "back", Home: "reset", p: "play", P: "play" }[event.key];
    if (!action) return;
    event.preventDefault();
    event.stopPropagation(); // Material's own shortcuts (p: previous page) must not fire here
    actions[action]();
  });

  // Nudge an input by h: the change of f beside h × ∂f/∂x, both computed by the engine. The graph
  // page's build computed them for a few h (data.nudges); the live demo asks its Python each time
  // (options.nudge(variable, h), for the inputs its program uses and the steps data.nudge_steps).
  function nudgeSource() {
    if (options.nudge && data.nudge_steps) {
      const inputs = data.nodes.filter((n) => n.input).map((n) => [n.slug, n.name]);
      return { inputs, hs: data.nudge_steps, get: options.nudge };
    }
    const records = data.nudges || [];
    return {
      inputs: [...new Map(records.map((n) => [n.variable, n.name])).entries()],
      hs: [...new Set(records.map((n) => n.h))],
      get: async (variable, h) => ({ ok: true, ...records.find((n) => n.variable === variable && n.h === h) }),
    };
  }

  let nudgeAsked = 0;
  // On the live demo each nudge runs the program twice in the browser's Python: only once the reader
  // asks (the button, or a choice), then again for each new result, never in the way of an edit.
  let nudgeWanted = !options.nudge;
  function buildNudge() {
    const box = $(".ag-stepper__nudge");
    if (!box) return;
    const { inputs, hs, get } = nudgeSource();
    box.hidden = inputs.length === 0 || hs.length === 0;
    if (box.hidden) return;
    const prefix = root.id || "ag-stepper";
    const chosen = (name) => box.querySelector(`#${CSS.escape(prefix)}-nudge-${name}`)?.value;
    const keep = { x: chosen("x"), h: chosen("h") }; // the reader's choice survives a new result
    box.innerHTML = `<h3 class="ag-stepper__subhead">Nudge an input</h3>
<p>Move one input by h and compute ${of()} again: the change is close to h × ${d("input")}, which is what a gradient means.</p>
<div class="ag-stepper__nudge-controls">
<label for="${prefix}-nudge-x">Input</label>
<select id="${prefix}-nudge-x">${inputs.map(([v, n]) => `<option value="${escapeHtml(v)}">${escapeHtml(n)}</option>`).join("")}</select>
<label for="${prefix}-nudge-h">by h =</label>
<select id="${prefix}-nudge-h">${hs.map((h) => `<option value="${h}">${h}</option>`).join("")}</select>
${options.nudge ? '<button type="button" class="md-button" data-action="nudge">Nudge</button>' : ""}
</div>
<p class="ag-stepper__nudge-out" aria-live="polite"></p>`;
    for (const [name, value] of Object.entries(keep)) {
      const select = box.querySelector(`#${CSS.escape(prefix)}-nudge-${name}`);
      if (value !== undefined && [...select.options].some((o) => o.value === value)) select.value = value;
    }
    const out = box.querySelector(".ag-stepper__nudge-out");
    const show = async () => {
      const ticket = ++nudgeAsked;
      const variable = chosen("x");
      const h = Number(chosen("h"));
      let n;
      if (options.nudge) out.textContent = "Computing with the engine…";
      try {
        n = await get(variable, h);
      } catch (error) {
        n = { ok: false, message: String(error.message ?? error) };
      }
      if (ticket !== nudgeAsked) return; // a newer choice is on its way
      if (!n || !n.ok) {
        out.textContent = n && n.message ? n.message : "This nudge could not be computed.";
        return;
      }
      const nd = 6;
      const f = escapeHtml(n.of ?? data.of);
      out.innerHTML = `${f}(${escapeHtml(n.name)} + h) − ${f}(${escapeHtml(n.name)}) =
${fmt(n.f_moved, nd)} − ${factor(n.f, nd)} = <b>${fmt(n.change, nd)}</b>, and h × ∂${f}/∂${escapeHtml(n.name)} = ${n.h} × ${factor(n.grad, nd)} = <b>${fmt(n.predicted, nd)}</b>.`;
    };
    const ask = () => {
      nudgeWanted = true;
      show();
    };
    for (const select of box.querySelectorAll("select")) select.addEventListener("change", ask);
    box.querySelector("[data-action=nudge]")?.addEventListener("click", ask);
    if (nudgeWanted) show();
  }

  const controller = { load, go, forward, back, stop, redraw: () => render(), get position() { return pos; } };
  root.stepper = controller;
  panel.hidden = false;
  root.classList.add("ag-stepper--live");
  load(options.payload ?? JSON.parse($(".ag-stepper__data").textContent), options.start);
  return controller;
}

function mountAll() {
  // Shown first as the build drew it (the finished pass); Step or Reset starts the replay.
  for (const root of document.querySelectorAll("[data-stepper]")) mount(root, { start: root.dataset.start || "end" });
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(mountAll);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", mountAll);
} else {
  mountAll();
}
