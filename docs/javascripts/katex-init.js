// Typeset the math that pymdownx.arithmatex leaves as \( ... \) and \[ ... \],
// with the KaTeX the site serves itself (copied in by hooks/katex_assets.py).
// A formula KaTeX cannot parse is reported on the console and left as text.
function typesetMath(root) {
  for (const el of root.querySelectorAll(".arithmatex")) {
    const tex = el.textContent.trim();
    const display = tex.startsWith("\\[");
    const body = tex.replace(/^\\[([]/, "").replace(/\\[)\]]$/, "");
    try {
      katex.render(body, el, { displayMode: display, throwOnError: true });
    } catch (error) {
      console.error(`KaTeX could not typeset ${tex}: ${error.message}`);
    }
  }
}

if (typeof document$ !== "undefined") {
  document$.subscribe(() => typesetMath(document));  // Material: on load and on instant navigation
} else {
  typesetMath(document);
}
