// Suggested categories (web/_category_suggestions.html), wherever a form shows them: a button
// chooses its category in its form's category select; the select's change then does what picking
// by hand does (the case page brings the catalog's class and department).
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-pick-category]") : null;
  if (!button) return;
  const select = button.form?.querySelector("select[name='category']");
  if (!select) return;
  select.value = button.dataset.pickCategory;
  select.dispatchEvent(new Event("change", { bubbles: true }));
  button.closest("[data-category-suggestions]")?.querySelectorAll("[data-pick-category]").forEach((other) => {
    other.setAttribute("aria-pressed", String(other === button));
  });
});
