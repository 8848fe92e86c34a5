/* Duties' record forms (issue 13): choosing an officer selects their current
   host; an agreement's end defaults to its start plus the policy's months
   (less a day) until the user types an end of their own. No inline scripts
   (CSP): the data rides on the form's data- attributes. */
(function () {
  "use strict";
  function addMonths(iso, months) {
    var p = iso.split("-").map(Number);
    var m0 = p[1] - 1 + months;
    var y = p[0] + Math.floor(m0 / 12), m = (m0 % 12) + 1;
    var last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    var d = new Date(Date.UTC(y, m - 1, Math.min(p[2], last)));
    d.setUTCDate(d.getUTCDate() - 1);
    return d.toISOString().slice(0, 10);
  }
  document.querySelectorAll("form[data-hosts]").forEach(function (form) {
    var hosts = {};
    try { hosts = JSON.parse(form.dataset.hosts || "{}"); } catch (e) { hosts = {}; }
    var officer = form.querySelector("[name=officer]");
    var host = form.querySelector("[name=host_unit]");
    if (officer && host) {
      officer.addEventListener("change", function () {
        var id = hosts[officer.value];
        if (id) { host.value = String(id); }
      });
    }
    var months = parseInt(form.dataset.months || "", 10);
    var start = form.querySelector("[name=start]");
    var end = form.querySelector("[name=end]");
    if (months && start && end) {
      var typed = !!end.value;
      end.addEventListener("input", function () { typed = !!end.value; });
      start.addEventListener("change", function () {
        if (!typed && /^\d{4}-\d{2}-\d{2}$/.test(start.value)) {
          end.value = addMonths(start.value, months);
        }
      });
    }
  });
  document.querySelectorAll("[data-tick-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      var on = button.dataset.tickAll === "1";
      document.querySelectorAll("input[name=officers]").forEach(function (box) { box.checked = on; });
    });
  });
})();
