// Small behaviours that need a script; no inline scripts anywhere (Content-Security-Policy).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// A form sent by htmx marks its submit button busy (Pico draws a spinner and ignores clicks)
// until the answer is in. Live previews (GET) show their own indicator and never mark the button.
const busyButton = (detail) => {
  if (!detail.requestConfig || detail.requestConfig.verb === "get") return null;
  const elt = detail.elt;
  if (elt.matches("button")) return elt;
  return elt.querySelector('button[type="submit"], button:not([type])');
};
document.addEventListener("htmx:beforeRequest", (event) => {
  busyButton(event.detail)?.setAttribute("aria-busy", "true");
});
document.addEventListener("htmx:afterRequest", (event) => {
  busyButton(event.detail)?.removeAttribute("aria-busy");
});

// After a swap: tell screen readers what changed, and put the keyboard focus where the person
// continues. Swapped-in live regions are new nodes, which screen readers do not reliably read, so
// texts marked data-announce go to the page's one persistent live region instead.
const announce = (text) => {
  const region = document.getElementById("announcer");
  if (!region || !text) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
};
const handled = new WeakSet();
document.addEventListener("htmx:afterSettle", (event) => {
  const xhr = event.detail.xhr;
  if (!xhr || handled.has(xhr)) return;
  handled.add(xhr);
  const root = event.target instanceof Element && event.target.isConnected ? event.target : document.getElementById("main");
  const marked = [...(root.matches("[data-announce]") ? [root] : []), ...root.querySelectorAll("[data-announce]")];
  const spoken = marked.map((element) => element.textContent.trim()).filter(Boolean).join(" ");
  const verb = event.detail.requestConfig ? event.detail.requestConfig.verb : "get";
  if (verb === "get") {
    announce(spoken);
    return;
  }
  // a sent form: the first field to correct, else the result message, else the new content's heading
  const invalid = root.querySelector('[aria-invalid="true"]');
  const focusLost = !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected;
  if (invalid) {
    invalid.focus();
  } else if (focusLost) {
    const target = root.querySelector('[role="alert"]') || root.querySelector('[role="status"]')
      || root.querySelector("h1, h2, h3") || root;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
  if (!invalid && !focusLost) announce(spoken);
});

// A form sent without htmx and answered with mistakes: start at the first field to correct.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelector('main [aria-invalid="true"]')?.focus();
});
