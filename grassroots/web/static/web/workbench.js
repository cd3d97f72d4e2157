// The workbench's keys: j/k move between cases, Enter opens one, x selects it, / searches.
// Listeners sit on the document, so they keep working after htmx replaces the list.
(() => {
  "use strict";

  const rows = () => Array.from(document.querySelectorAll("#wb-results tbody tr[data-case]"));
  const currentRow = () => document.activeElement?.closest?.("tr[data-case]") ?? null;

  function isTyping(element) {
    if (!element || !element.tagName) return false;
    if (element.isContentEditable) return true;
    if (element.tagName === "INPUT") return !["checkbox", "radio", "button", "submit"].includes(element.type);
    return element.tagName === "TEXTAREA" || element.tagName === "SELECT";
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const index = all.indexOf(currentRow());
    const next = index < 0 ? all[0] : all[Math.min(all.length - 1, Math.max(0, index + step))];
    next.querySelector("a.wb-open")?.focus();
    next.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    if (isTyping(event.target)) {
      if (event.key === "Escape") {
        event.preventDefault(); // leave the field without clearing a search
        event.target.blur();
      }
      return;
    }
    const row = currentRow();
    switch (event.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "x": {
        const box = row?.querySelector('input[name="case"]');
        if (!box) return;
        box.click();
        break;
      }
      case "/": {
        const search = document.getElementById("wb-q");
        if (!search) return;
        search.focus();
        search.select();
        break;
      }
      case "Enter": {
        // A focused link opens by itself; from a row's checkbox, Enter opens the row's case.
        if (!row || event.target.tagName === "A") return;
        row.querySelector("a.wb-open")?.click();
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  });

  // Empty filters mean "any": leave them out of the request, and so out of the address bar.
  document.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt?.id !== "wb-filters") return;
    const parameters = event.detail.parameters;
    for (const name of Array.from(parameters.keys())) {
      if (!parameters.getAll(name).some((value) => String(value).trim())) parameters.delete(name);
    }
  });

  document.addEventListener("change", (event) => {
    const all = event.target.closest?.("[data-select-all]");
    if (!all) return;
    for (const box of document.querySelectorAll('#wb-results input[name="case"]')) box.checked = all.checked;
  });
})();
