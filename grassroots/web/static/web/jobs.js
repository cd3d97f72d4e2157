// Imports and exports: one submit per click (an upload can take a while), and, when a job's
// polled status comes back finished, focus on its result so that keyboard and screen-reader
// users land on it.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-job-form]")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
});

// Coming back with the browser's back button shows the form as it was left: usable again.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("[data-job-form]")) {
    delete form.dataset.sent;
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
  }
});

// htmx announces every element it inserts with "htmx:load"; the page's own first load is the
// body's, so only a swapped-in status moves the focus.
document.addEventListener("htmx:load", (event) => {
  const status = event.target;
  if (!(status instanceof HTMLElement) || status.id !== "job-status") return;
  const heading = status.querySelector("[data-job-result]");
  if (heading) heading.focus();
});
