// Đôn đốc's few behaviours, bound by data attributes (no inline script: the
// Content-Security-Policy allows scripts from this site's files only):
// data-confirm="question" asks before a button or link acts;
// data-submit-on-change sends a field's form as soon as its value changes;
// data-insert-from copies a text into a field (below).
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

// data-insert-from="id" data-insert-into="field id" data-insert-label="who": appends the
// text of one element to a text field (a unit below's report, drawn on in the unit's own).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-insert-from]");
  if (!button) return;
  const source = document.getElementById(button.dataset.insertFrom);
  const field = document.getElementById(button.dataset.insertInto);
  if (!source || !field) return;
  const text = `${button.dataset.insertLabel}: ${source.textContent.trim()}`;
  field.value = field.value.trim() ? `${field.value.trimEnd()}\n${text}` : text;
  field.focus();
});

// table.table-stack: on a phone each row is drawn as a list (static/css/dondoc.css); each
// cell is labelled with its column's heading, read from the table's last heading row. A
// heading only screen readers see (a column of buttons) labels nothing.
function visibleText(heading) {
  const copy = heading.cloneNode(true);
  copy.querySelectorAll(".visually-hidden").forEach((hidden) => hidden.remove());
  return copy.textContent.trim();
}

function labelStackedTables(root) {
  root.querySelectorAll("table.table-stack").forEach((table) => {
    const headings = table.querySelectorAll("thead tr");
    if (!headings.length) return;
    const labels = Array.from(headings[headings.length - 1].children, visibleText);
    table.querySelectorAll("tbody tr").forEach((row) => {
      if (row.children.length !== labels.length) return;
      Array.from(row.children).forEach((cell, i) => {
        if (!cell.hasAttribute("data-label") && labels[i]) cell.setAttribute("data-label", labels[i]);
      });
    });
  });
}
labelStackedTables(document);
document.addEventListener("htmx:afterSwap", (event) => labelStackedTables(event.target));

// A form with radio buttons named "kind" and fields marked data-kinds="merge split": only
// the fields the chosen kind reads are shown (every field shows without this script).
function showKindFields(form) {
  const chosen = form.querySelector('input[name="kind"]:checked');
  form.querySelectorAll("[data-kinds]").forEach((field) => {
    const wrapper = field.closest(".mb-3") || field;
    wrapper.hidden = Boolean(chosen) && !field.dataset.kinds.split(" ").includes(chosen.value);
  });
}
document.querySelectorAll("form[data-kind-form]").forEach(showKindFields);
document.addEventListener("change", (event) => {
  if (event.target.name === "kind" && event.target.form?.hasAttribute("data-kind-form")) {
    showKindFields(event.target.form);
  }
});
