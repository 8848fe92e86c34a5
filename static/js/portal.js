/* Small behaviours of the portal's pages (no inline scripts: the CSP forbids them). */
(function () {
  "use strict";
  /* Irreversible, publishing and bulk actions ask first, in a dialog naming
     what will happen and to how many: data-confirm holds the question ({n}:
     the count of data-confirm-count's matches, e.g. the ticked boxes), and
     data-confirm-none what to say when nothing is ticked. */
  var dialog = document.getElementById("confirm-dialog");
  function ask(form, button, message, blocked) {
    if (!dialog || !window.bootstrap) {
      if (!blocked && window.confirm(message)) { form.dataset.confirmed = "1"; form.requestSubmit(button); }
      else if (blocked) { window.alert(message); }
      return;
    }
    var modal = window.bootstrap.Modal.getOrCreateInstance(dialog);
    var ok = dialog.querySelector("#confirm-ok");
    dialog.querySelector("#confirm-message").textContent = message;
    ok.classList.toggle("d-none", blocked);
    ok.onclick = function () {
      modal.hide();
      form.dataset.confirmed = "1";
      form.requestSubmit(button);
    };
    modal.show();
  }
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    var form = event.target;
    if (!message) { return; }
    if (form.dataset.confirmed === "1") { delete form.dataset.confirmed; return; }
    event.preventDefault();
    var selector = button.getAttribute("data-confirm-count");
    var n = selector ? document.querySelectorAll(selector).length : null;
    if (n === 0) { ask(form, button, button.getAttribute("data-confirm-none") || message, true); return; }
    ask(form, button, n === null ? message : message.replace("{n}", String(n)), false);
  });
  document.querySelectorAll("select[data-navigate], #year-select").forEach(function (select) {
    select.addEventListener("change", function () { window.location.href = select.value; });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  var canvas = document.getElementById("monthly-chart");
  if (canvas && window.Chart) {
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: canvas.dataset.labels.split(","),
        datasets: [{ label: canvas.dataset.label, data: canvas.dataset.values.split(",").map(Number),
                     backgroundColor: "#1f4e8c" }]
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } }
    });
  }
})();
/* issue 14 "Lists": a long multiple select (select[data-picker], e.g. the
   co-credited officers) becomes a list of check boxes with a box that
   filters them as one types. The select stays in the form, hidden, and
   carries the choice, so the page posts the same thing with or without
   JavaScript. */
(function () {
  "use strict";
  function fold(text) { return (text || "").toLocaleLowerCase().replace(/\s+/g, ""); }
  function enhance(select, index) {
    var id = select.id || ("picker-" + index);
    var wrap = document.createElement("div");
    wrap.className = "picker border rounded p-2";
    wrap.setAttribute("data-picker-for", id);
    var search = document.createElement("input");
    search.type = "search";
    search.id = id + "-filter";
    search.className = "form-control form-control-sm mb-2";
    search.autocomplete = "off";
    search.placeholder = select.getAttribute("data-picker-placeholder") || "";
    search.setAttribute("aria-controls", id + "-options");
    var list = document.createElement("div");
    list.id = id + "-options";
    list.className = "picker-options";
    list.setAttribute("role", "group");
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      list.setAttribute("aria-label", label.textContent.trim());
      search.setAttribute("aria-label", label.textContent.trim() + " · " + search.placeholder);
      label.htmlFor = search.id;
    }
    var empty = document.createElement("div");
    empty.className = "text-body-secondary small d-none picker-empty";
    empty.textContent = select.getAttribute("data-picker-empty") || "";
    var status = document.createElement("div");
    status.className = "small text-body-secondary mt-1 picker-status";
    status.setAttribute("aria-live", "polite");
    var items = [];
    Array.prototype.forEach.call(select.options, function (option, i) {
      var row = document.createElement("div");
      row.className = "form-check";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.className = "form-check-input";
      box.id = id + "-option-" + i;
      box.value = option.value;
      box.checked = option.selected;
      box.disabled = option.disabled;
      var text = document.createElement("label");
      text.className = "form-check-label";
      text.htmlFor = box.id;
      text.textContent = option.textContent;
      box.addEventListener("change", function () { option.selected = box.checked; count(); });
      row.appendChild(box);
      row.appendChild(text);
      list.appendChild(row);
      items.push({ row: row, key: fold(option.textContent) });
    });
    function count() {
      var n = select.selectedOptions ? select.selectedOptions.length
        : Array.prototype.filter.call(select.options, function (o) { return o.selected; }).length;
      status.textContent = (select.getAttribute("data-picker-selected") || "{n}").replace("{n}", String(n));
    }
    search.addEventListener("input", function () {
      var key = fold(search.value);
      var shown = 0;
      items.forEach(function (item) {
        var match = !key || item.key.indexOf(key) !== -1;
        item.row.classList.toggle("d-none", !match);
        if (match) { shown += 1; }
      });
      empty.classList.toggle("d-none", shown > 0);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  /* filtering, not submitting */
    });
    wrap.appendChild(search);
    wrap.appendChild(list);
    wrap.appendChild(empty);
    wrap.appendChild(status);
    /* the hint about Ctrl no longer applies; hidden, the select must not
       hold up the browser's own validation (the server still checks) */
    var help = select.getAttribute("data-picker-help");
    var hint = select.parentNode.querySelector(".form-text");
    if (help && hint) { hint.textContent = help; }
    select.required = false;
    select.classList.add("d-none");
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrap, select.nextSibling);
    count();
  }
  document.querySelectorAll("select[multiple][data-picker]").forEach(enhance);
})();
