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

// A page that answers a form sent without htmx (showing its mistakes) is a POST in the browser's
// history: make that entry the form's own page (a GET), so Reload and Back never ask whether to
// send the form again (the server names the page: data-replace-url).
const replaceUrl = document.body.dataset.replaceUrl;
if (replaceUrl) window.history.replaceState(window.history.state, "", replaceUrl);

// A one-time form (the order form) that the back/forward cache brings back as it was left, filled
// in and perhaps already sent, is loaded afresh instead: a new form with a new one-time key.
window.addEventListener("pageshow", (event) => {
  if (event.persisted && document.querySelector("form[data-once]")) window.location.reload();
});

// An error under a field goes as soon as the field is corrected: when its value is no longer the
// one refused and the browser finds nothing wrong with it (required, type, length), without asking
// the server. The form's summary goes with the last of them.
const clearCorrected = (event) => {
  const field = event.target;
  if (!(field instanceof HTMLElement) || !field.matches('[aria-invalid="true"]')) return;
  if (field.dataset.refused === undefined) field.dataset.refused = "";
  const refused = field.dataset.refused;
  const value = field.type === "radio" || field.type === "checkbox" ? String(field.checked) : field.value;
  if (value === refused || !field.checkValidity()) return;
  field.removeAttribute("aria-invalid");
  const message = document.getElementById(`${field.id}-error`);
  if (message) message.textContent = "";
  if (!document.querySelector('main [aria-invalid="true"]')) {
    document.querySelectorAll("main .form-error").forEach((summary) => summary.remove());
  }
};
// the value a field was refused with, remembered before the person changes it
const rememberRefused = () => {
  document.querySelectorAll('[aria-invalid="true"]').forEach((field) => {
    if (field.dataset.refused === undefined) {
      field.dataset.refused = field.type === "checkbox" ? String(field.checked) : (field.value ?? "");
    }
  });
};
document.addEventListener("DOMContentLoaded", rememberRefused);
document.addEventListener("htmx:afterSettle", rememberRefused);
document.addEventListener("input", clearCorrected);
document.addEventListener("change", clearCorrected);

// Queue actions in a dialog: the button is a link to the order's page (which works without
// scripts); with them it opens the dialog beside the list. A refused form comes back with its
// dialog marked data-open, and opens again at once.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.dialog);
    if (dialog instanceof HTMLDialogElement) {
      event.preventDefault();
      dialog.showModal();
    }
    return;
  }
  const closer = event.target.closest("dialog [data-close]");
  if (closer) closer.closest("dialog").close();
});
const openMarkedDialogs = (root) => {
  root.querySelectorAll("dialog[data-open]").forEach((dialog) => {
    if (!dialog.open) dialog.showModal();
  });
};
document.addEventListener("htmx:load", (event) => openMarkedDialogs(event.detail.elt));
document.addEventListener("DOMContentLoaded", () => openMarkedDialogs(document));

// A file input lists the names of the files chosen, before anything is sent (progressive
// enhancement: without the script the browser's own "2 files" stays, and the form works the same).
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.chosenList) return;
  const list = document.getElementById(input.dataset.chosenList);
  if (!list) return;
  list.replaceChildren(...[...input.files].map((file) => {
    const item = document.createElement("li");
    item.textContent = file.name;
    return item;
  }));
  list.hidden = input.files.length === 0;
});
