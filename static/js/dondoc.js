// Đôn đốc's few behaviours, bound by data attributes (no inline script):
// data-confirm="question" asks before a button or link acts.
document.addEventListener("click", (event) => {
  const element = event.target.closest("[data-confirm]");
  if (element && !window.confirm(element.dataset.confirm)) {
    event.preventDefault();
  }
});
