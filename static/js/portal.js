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
