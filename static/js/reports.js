// Plans and reports form (issue 13): choosing another kind fills in the
// period it is written for now (the select's data-periods), unless the
// user already typed a period of that kind's own shape.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var kind = form.querySelector("select[name=kind]");
  var period = form.querySelector("input[name=period]");
  if (!kind || !period || !kind.dataset.periods) return;
  var periods = JSON.parse(kind.dataset.periods);
  kind.addEventListener("change", function () {
    if (periods[kind.value]) period.value = periods[kind.value];
  });
})();
