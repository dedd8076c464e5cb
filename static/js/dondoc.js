// Đôn đốc's few behaviours, bound by data attributes (no inline script: the
// Content-Security-Policy allows scripts from this site's files only):
// data-confirm="question" asks before a button or link acts;
// data-submit-on-change sends a field's form as soon as its value changes.
document.addEventListener("click", (event) => {
  const element = event.target.closest("[data-confirm]");
  if (element && !window.confirm(element.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) {
    field.form.requestSubmit();
  }
});
