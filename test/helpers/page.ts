/**
 * Runs the confirmation page's inline script the minimal way: in a fresh `vm` context whose only globals are the ES
 * built-ins, Node's URL and atob, a `location` and a `document` that knows getElementById. What this proves: what the script
 * does at load and on a click, given these objects (and Node's atob, the browser's decoder for the fragment); that it touches no other API (fetch, XMLHttpRequest, navigator,
 * Image, window, …), since those do not exist here and using one would throw. What it does not prove: how a real
 * browser renders the page (none is installed here); the CSP meta tag is what stops requests in a browser, and is
 * checked apart from this.
 */
import vm from "node:vm";

export interface FakeElement {
  id: string;
  textContent: string;
  className: string;
  hidden: boolean;
  disabled: boolean;
  readonly listeners: { type: string; handler: (event: { isTrusted: boolean }) => void }[];
  addEventListener(type: string, handler: (event: { isTrusted: boolean }) => void): void;
}

export interface PageRun {
  readonly elements: Map<string, FakeElement>;
  /** Every URL the script navigated to, in order. */
  readonly navigations: string[];
  /** Presses the button as a person (trusted) or as another script would (`button.click()`: untrusted). */
  press(trusted?: boolean): void;
}

/** The page's one inline script. */
export function inlineScript(html: string): string {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
  if (scripts.length !== 1) throw new Error(`expected one inline script, found ${scripts.length}`);
  return scripts[0]![1]!;
}

export function runPage(html: string, hash: string): PageRun {
  const elements = new Map<string, FakeElement>();
  const navigations: string[] = [];
  const element = (id: string): FakeElement => {
    if (!new RegExp(`id="${id}"`).test(html)) throw new Error(`the page has no element #${id}`);
    let found = elements.get(id);
    if (!found) {
      const listeners: FakeElement["listeners"] = [];
      found = { id, textContent: "", className: "", hidden: id === "decide", disabled: false, listeners, addEventListener: (type, handler) => listeners.push({ type, handler }) };
      elements.set(id, found);
    }
    return found;
  };
  const context = vm.createContext({
    URL,
    atob,
    location: { hash, assign: (url: string) => navigations.push(url) },
    document: { getElementById: element },
  });
  vm.runInContext(inlineScript(html), context);
  return {
    elements,
    navigations,
    press(trusted = true) {
      for (const l of element("decide").listeners) if (l.type === "click") l.handler({ isTrusted: trusted });
    },
  };
}
