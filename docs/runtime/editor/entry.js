// The code editor of runnable blocks: CodeMirror 6 with Python highlighting, bundled by the docs build
// (hooks/runtime_assets.py, with esbuild from npm) into one file the site serves. It is loaded only
// when a reader presses "Edit". Colours come from Material's code-highlighting variables, so the editor
// looks like the site's code blocks in light and dark mode. Tab is left to move the focus (CodeMirror's
// default), so the editor never traps the keyboard; Ctrl/Cmd+Enter runs the code.

import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { HighlightStyle, bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { tags } from "@lezer/highlight";

const color = (name) => `var(--md-code-hl-${name}-color)`;
const style = HighlightStyle.define([
  { tag: tags.keyword, color: color("keyword") },
  { tag: [tags.string, tags.special(tags.string)], color: color("string") },
  { tag: tags.number, color: color("number") },
  { tag: [tags.comment, tags.lineComment], color: color("comment"), fontStyle: "italic" },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: color("function") },
  { tag: [tags.operator, tags.compareOperator, tags.arithmeticOperator], color: color("operator") },
  { tag: [tags.bool, tags.null, tags.self], color: color("constant") },
  { tag: [tags.className, tags.definition(tags.variableName)], color: color("name") },
  { tag: [tags.punctuation, tags.paren, tags.bracket], color: color("punctuation") },
]);

const theme = EditorView.theme({
  "&": { backgroundColor: "var(--md-code-bg-color)", color: "var(--md-code-fg-color)", fontSize: "0.85em" },
  ".cm-content": { fontFamily: "var(--md-code-font-family)", caretColor: "var(--md-code-fg-color)" },
  ".cm-gutters": { backgroundColor: "var(--md-code-bg-color)", color: "var(--md-default-fg-color--light)", border: "none" },
  ".cm-activeLine": { backgroundColor: "var(--md-code-hl-color--light, transparent)" },
  "&.cm-focused": { outline: "2px solid var(--md-accent-fg-color)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    backgroundColor: "var(--md-code-hl-color)",
  },
});

// An editor in `parent` holding `code`; `onRun()` is called on Ctrl/Cmd+Enter; `label` names it for screen readers.
export function createEditor(parent, code, { onRun, label }) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: code,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        python(),
        syntaxHighlighting(style),
        theme,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": label }),
        keymap.of([{ key: "Mod-Enter", run: () => (onRun(), true) }, ...defaultKeymap, ...historyKeymap]),
      ],
    }),
  });
  return {
    view,
    get code() {
      return view.state.doc.toString();
    },
    set code(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
