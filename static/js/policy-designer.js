/* The policy designer's editors (progressive enhancement, no inline scripts:
 * the CSP forbids them). The page carries the rules as JSON
 * (#designer-rules), the errors by JSON path (#designer-error-map) and the
 * labels (#designer-labels); this script builds a structured editor per
 * section and, on submit, writes the edited rules back into the JSON field
 * (#rules-json), which is what the server reads. Every control carries
 * data-path="quotas[2].count" so the server's messages land beside it. */
(function () {
  "use strict";
  var root = document.getElementById("designer-editors");
  var form = document.getElementById("policy-designer-form");
  var textarea = document.getElementById("rules-json");
  if (!root || !form || !textarea) { return; }
  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var rules = readJson("designer-rules");
  var errors = readJson("designer-error-map") || {};
  var L = readJson("designer-labels");
  var N = L.names, C = L.choices, W = L.words;
  var PARAMS = {
    retirement_margin: ["years"], max_age: ["years"], degree_min: ["degree"],
    title_min: ["title_level"], degree_or_title: ["degree", "title_level"],
    service_months: ["months"], park_years: ["years"], certificates: ["any_of"],
    no_integrity_record: [], last_grade_not: ["grades"]
  };
  var ALL_PARAMS = ["years", "months", "degree", "title_level", "any_of", "grades", "ages"];
  var dirty = false;
  var badJson = {};
  var loadButton = document.getElementById("json-load");
  loadButton.classList.remove("d-none");
  textarea.addEventListener("input", function () { dirty = true; });
  loadButton.addEventListener("click", function () {
    try { rules = JSON.parse(textarea.value); } catch (e) {
      window.alert(W.bad_json.replace("%(error)s", e.message)); return;
    }
    dirty = false; errors = {}; render();
  });
  form.addEventListener("submit", function (event) {
    if (!rules || dirty) { return; }  // the JSON field, as typed, wins
    var broken = Object.keys(badJson);
    if (broken.length) {
      event.preventDefault();
      var node = root.querySelector('[data-path="' + broken[0] + '"]');
      if (node) { node.focus(); }
      return;
    }
    textarea.value = JSON.stringify(rules, null, 2);
  });
  if (!rules || typeof rules !== "object") { return; }
  document.getElementById("designer-json").removeAttribute("open");  // the editors take over

  var kit = window.policyDesignerKit({ choices: C, words: W, badJson: badJson, changed: function () { changed(); } });
  var el = kit.el, at = kit.at, control = kit.control, field = kit.field, button = kit.button,
    section = kit.section, rows = kit.rows, nullable = kit.nullable;
  function name(key) { return N[key] || key; }
  function changed() { errors = {}; render(); }
  function categoryCodes() { return (rules.categories || []).map(function (c) { return c.code; }); }
  function categoryChoices() {
    var out = {};
    (rules.categories || []).forEach(function (c) { out[c.code] = c.label || c.code; });
    return out;
  }
  // The keys of a per-category section: the categories, then strays.
  function perCategory(obj) {
    var codes = categoryCodes();
    return codes.concat(Object.keys(obj).filter(function (k) { return codes.indexOf(k) < 0; }));
  }

  function basics() {
    rules.headcount = rules.headcount || { min_per_district: null };
    var roles = el("div", { "class": "col-12", "data-path": "mfa_required_roles" },
      [el("div", { "class": "form-label small mb-1", text: name("mfa_required_roles") })]);
    Object.keys(C.role).forEach(function (role) {
      var box = el("input", { type: "checkbox", "class": "form-check-input", "data-path": "mfa_required_roles." + role });
      box.checked = (rules.mfa_required_roles || []).indexOf(role) >= 0;
      box.addEventListener("change", function () {
        var now = (rules.mfa_required_roles || []).filter(function (r) { return r !== role; });
        if (box.checked) { now.push(role); }
        rules.mfa_required_roles = Object.keys(C.role).filter(function (r) { return now.indexOf(r) >= 0; });
      });
      roles.appendChild(field(C.role[role], box, "d-inline-block me-3"));
    });
    return [el("div", { "class": "row g-2" }, [
      field(name("source"), control(rules, "source", "source", "text"), "col-12"),
      field(name("term_years"), control(rules, "term_years", "term_years", "int")),
      field(name("notice_days"), control(rules, "notice_days", "notice_days", "int")),
      field(name("dormant_days"), control(rules, "dormant_days", "dormant_days", "int")),
      field(name("hosts_required"), control(rules, "hosts_required", "hosts_required", "bool"), "col-12 col-md"),
      el("div", { "class": "col-12 col-md-6" }, [el("div", { "class": "form-label small mb-1", text: name("rotation_years") }),
        nullable(rules, "rotation_years", "rotation_years", function () { return 2; }, function () {
          return [field(name("years"), control(rules, "rotation_years", "rotation_years", "int"))];
        })]),
      el("div", { "class": "col-12 col-md-6" }, [el("div", { "class": "form-label small mb-1", text: name("min_per_district") }),
        nullable(rules.headcount, "min_per_district", "headcount.min_per_district", function () { return 1; }, function () {
          return [field(name("count"), control(rules.headcount, "min_per_district", "headcount.min_per_district", "int"))];
        })]),
      roles
    ])];
  }
  function renameCategory(category, path) {
    var input = control(category, "code", at(path, "code"), "text");
    var before = category.code;
    input.addEventListener("change", function () {
      ["selection", "eligibility"].forEach(function (key) {
        var section = rules[key];
        if (section && before in section && !(category.code in section)) {
          section[category.code] = section[before]; delete section[before];
        }
      });
      (rules.quotas || []).forEach(function (q) { if (q.category === before) { q.category = category.code; } });
      changed();
    });
    return input;
  }
  function categories() {
    rules.categories = rules.categories || [];
    return rows(rules.categories, "categories", function (c, p) {
      return [
        field(name("code"), renameCategory(c, p)),
        field(name("label"), control(c, "label", at(p, "label"), "text")),
        field(name("scoring_group"), control(c, "scoring_group", at(p, "scoring_group"), "text")),
        field(name("pool"), control(c, "pool", at(p, "pool"), "pool"))
      ];
    }, function () { return { code: "", label: "", scoring_group: "", pool: "city" }; });
  }
  function points() {
    rules.points = rules.points || {};
    var parts = Object.keys(C.kind).map(function (kind) {
      var path = at("points", kind);
      var box = el("input", { type: "checkbox", "class": "form-check-input", "data-path": path + ".scored" });
      box.checked = kind in rules.points;
      box.addEventListener("change", function () {
        if (box.checked) { rules.points[kind] = 0; } else { delete rules.points[kind]; }
        changed();
      });
      var cell = [el("div", { "class": "small fw-semibold mb-1", text: C.kind[kind] }), field(W.scored, box, "")];
      if (kind in rules.points) { cell.push(control(rules.points, kind, path, "int")); }
      return el("div", { "class": "col-6 col-md-4 col-lg-2" }, cell);
    });
    return [el("div", { "class": "row g-2" }, parts)];
  }
  function bonus() {
    return [nullable(rules, "bonus", "bonus", function () {
      return { threshold: 1000, amount: 100, requires_conversion: false };
    }, function (b, p) {
      return [
        field(name("threshold"), control(b, "threshold", at(p, "threshold"), "int")),
        field(name("amount"), control(b, "amount", at(p, "amount"), "int")),
        field(name("requires_conversion"), control(b, "requires_conversion", at(p, "requires_conversion"), "bool"), "col-12 col-md")
      ];
    })];
  }
  function excellence() {
    return [nullable(rules, "excellence", "excellence", function () {
      return { ratio: "0.30", rounding: "floor", tie: "include", label: "" };
    }, function (x, p) {
      return [
        field(name("ratio"), control(x, "ratio", at(p, "ratio"), "text")),
        field(name("rounding"), control(x, "rounding", at(p, "rounding"), "rounding")),
        field(name("tie"), control(x, "tie", at(p, "tie"), "tie")),
        field(name("label"), control(x, "label", at(p, "label"), "text"), "col-12 col-md-4")
      ];
    })];
  }
  function quotas() {
    rules.quotas = rules.quotas || [];
    return rows(rules.quotas, "quotas", function (q, p) {
      var scope = control(q, "scope", at(p, "scope"), "scope", { after: function () {
        q.category = q.scope === "district" ? null : (categoryCodes()[0] || ""); changed();
      } });
      var category = control(q, "category", at(p, "category"), "category", { choices: categoryChoices(), blank: true });
      category.disabled = q.scope === "district";
      return [
        field(name("scope"), scope), field(name("category"), category),
        field(name("kind"), control(q, "kind", at(p, "kind"), "kind")),
        field(name("count"), control(q, "count", at(p, "count"), "int")),
        field(name("period"), control(q, "period", at(p, "period"), "period")),
        field(name("basis"), control(q, "basis", at(p, "basis"), "basis"))
      ];
    }, function () {
      return { scope: "officer", category: categoryCodes()[0] || "", kind: "achievement", count: 1, period: "month", basis: "logged" };
    });
  }
  function perCategorySection(key, build, make, addLabel) {
    rules[key] = rules[key] || {};
    var labels = categoryChoices();
    return perCategory(rules[key]).map(function (code) {
      var path = at(key, code);
      var known = code in labels;
      var head = el("div", { "class": "d-flex justify-content-between align-items-center mb-2" }, [
        el("h3", { "class": "h6 mb-0", text: (labels[code] || code) + (known ? "" : " · " + W.unknown_category) })]);
      if (!(code in rules[key])) {
        return el("div", { "class": "mb-3", "data-path": path }, [head,
          button(addLabel, "btn-outline-primary", function () { rules[key][code] = make(); changed(); })]);
      }
      head.appendChild(button(W.remove_section, "btn-outline-danger", function () { delete rules[key][code]; changed(); }));
      return el("div", { "class": "mb-3 designer-group", "data-path": path }, [head].concat(build(rules[key][code], path)));
    });
  }
  function selection() {
    return perCategorySection("selection", function (chain, path) {
      chain.stages = chain.stages || [];
      var flags = el("div", { "class": "row g-2 mb-2" }, [
        field(name("notice"), control(chain, "notice", at(path, "notice"), "bool"), "col-6 col-md-3"),
        field(name("self_nomination"), control(chain, "self_nomination", at(path, "self_nomination"), "bool"), "col-6 col-md-3")
      ]);
      var stages = el("div", { "data-path": at(path, "stages") }, rows(chain.stages, at(path, "stages"), function (s, p) {
        return [
          field(name("code"), control(s, "code", at(p, "code"), "text")),
          field(name("label"), control(s, "label", at(p, "label"), "text"), "col-12 col-md-5"),
          field(name("role"), control(s, "role", at(p, "role"), "role"))
        ];
      }, function () { return { code: "", label: "", role: "admin" }; }, { move: true, addLabel: W.add_stage }));
      return [flags, el("div", { "class": "small text-body-secondary mb-1", text: W.last_stage }), stages];
    }, function () {
      return { stages: [{ code: "centre_verified", label: "", role: "admin" }], notice: true, self_nomination: false };
    }, W.add_chain);
  }
  function checkFields(check, p) {
    var out = [
      field(name("code"), control(check, "code", at(p, "code"), "text")),
      field(name("label"), control(check, "label", at(p, "label"), "text"), "col-12 col-md-4"),
      field(name("level"), control(check, "level", at(p, "level"), "level")),
      field(name("rule"), control(check, "rule", at(p, "rule"), "rule", { blank: true, after: function () {
        ALL_PARAMS.forEach(function (k) { delete check[k]; });
        if (check.rule === null) { delete check.rule; }
        (PARAMS[check.rule] || []).forEach(function (k) {
          check[k] = { years: 2, months: 3, degree: "bachelor", title_level: "intermediate", any_of: [], grades: ["unqualified"] }[k];
        });
        changed();
      } }))
    ];
    (PARAMS[check.rule] || []).forEach(function (k) {
      var kind = { years: "int", months: "int", degree: "degree", title_level: "title_level", any_of: "list", grades: "list" }[k];
      out.push(field(name(k) + (kind === "list" ? " (" + W.comma + ")" : ""), control(check, k, at(p, k), kind)));
    });
    if (check.rule === "retirement_margin") {
      var ages = check.ages || {};
      var keep = function () {
        if (Object.keys(ages).length) { check.ages = ages; } else { delete check.ages; }
      };
      ["male", "female"].forEach(function (g) {
        out.push(field(name("ages") + " · " + name(g) + " (" + W.optional + ")",
          control(ages, g, at(at(p, "ages"), g), "int", { optional: true, after: keep })));
      });
    }
    return out;
  }
  function eligibility() {
    return perCategorySection("eligibility", function (checks, path) {
      return rows(checks, path, checkFields, function () {
        return { code: "", label: "", level: "block" };
      }, { addLabel: W.add_check });
    }, function () { return []; }, W.add_check);
  }
  function reasons() {
    rules.disqualification_reasons = rules.disqualification_reasons || [];
    return rows(rules.disqualification_reasons, "disqualification_reasons", function (r, p) {
      return [field(name("code"), control(r, "code", at(p, "code"), "text")),
        field(name("label"), control(r, "label", at(p, "label"), "text"), "col-12 col-md-8")];
    }, function () { return { code: "", label: "" }; });
  }
  function parent(path) {
    var up = path.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
    return up === path ? "" : up;
  }
  function showErrors() {
    Object.keys(errors).forEach(function (path) {
      var probe = path, node = null;
      while (probe && !node) {
        node = root.querySelector('[data-path="' + probe.replace(/"/g, "") + '"]');
        probe = parent(probe);
      }
      if (!node) { return; }
      var own = /^(INPUT|SELECT|TEXTAREA)$/.test(node.tagName);
      if (own) { node.classList.add("is-invalid"); }
      errors[path].forEach(function (message) {
        (own ? node.parentNode : node).appendChild(
          el("div", { "class": "invalid-feedback d-block", "data-error-for": path, text: message }));
      });
    });
  }
  function render() {
    var sections = [
      ["basics", W.basics, basics], ["categories", name("categories"), categories],
      ["points", name("points"), points], ["bonus", name("bonus"), bonus],
      ["excellence", name("excellence"), excellence], ["quotas", name("quotas"), quotas],
      ["selection", name("selection"), selection], ["eligibility", name("eligibility"), eligibility],
      ["disqualification_reasons", name("disqualification_reasons"), reasons],
      ["assessment", name("assessment"), function () { return [control(rules, "assessment", "assessment", "json")]; }],
      ["duties", name("duties"), function () { return [control(rules, "duties", "duties", "json")]; }]
    ];
    var nav = el("nav", { "class": "designer-nav mb-3" }, sections.map(function (s) {
      return el("a", { href: "#designer-" + s[0], "class": "btn btn-sm btn-outline-secondary", text: s[1] });
    }));
    Object.keys(badJson).forEach(function (k) { delete badJson[k]; });
    root.replaceChildren(nav);
    sections.forEach(function (s) { root.appendChild(section(s[0], s[1], s[2]())); });
    root.setAttribute("data-ready", "1");
    showErrors();
  }
  render();
})();
