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

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function at(base, key) {
    if (typeof key === "number") { return base + "[" + key + "]"; }
    return base ? base + "." + key : key;
  }
  function name(key) { return N[key] || key; }
  function changed() { errors = {}; render(); }

  // One control bound to obj[key]. kind: text, int, bool, json, or a choices key.
  function control(obj, key, path, kind, options) {
    options = options || {};
    var node;
    var value = obj[key];
    if (kind === "bool") {
      node = el("input", { type: "checkbox", "class": "form-check-input", "data-path": path });
      node.checked = !!value;
      node.addEventListener("change", function () { obj[key] = node.checked; if (options.after) { options.after(); } });
      return node;
    }
    if (kind === "text" || kind === "int" || kind === "list") {
      node = el("input", { "class": "form-control form-control-sm", "data-path": path,
        type: kind === "int" ? "number" : "text" });
      if (kind === "int") { node.setAttribute("inputmode", "numeric"); node.setAttribute("step", "1"); }
      node.value = kind === "list" ? (value || []).join(", ") : (value === null || value === undefined ? "" : value);
      node.addEventListener("input", function () {
        var raw = node.value.trim();
        if (kind === "int") {
          obj[key] = /^-?\d+$/.test(raw) ? parseInt(raw, 10) : (raw === "" && options.optional ? undefined : raw);
          if (obj[key] === undefined) { delete obj[key]; }
        } else if (kind === "list") {
          obj[key] = raw ? raw.split(/[,，\s]+/).filter(Boolean) : [];
        } else { obj[key] = node.value; }
        if (options.after) { options.after(); }
      });
      return node;
    }
    if (kind === "json") {
      node = el("textarea", { "class": "form-control form-control-sm font-monospace", rows: "5",
        "data-path": path, spellcheck: "false" });
      node.value = JSON.stringify(value, null, 2);
      node.addEventListener("input", function () {
        try { obj[key] = JSON.parse(node.value); delete badJson[path]; node.classList.remove("is-invalid"); } catch (e) {
          badJson[path] = true; node.classList.add("is-invalid");
        }
      });
      return node;
    }
    node = el("select", { "class": "form-select form-select-sm", "data-path": path });
    var choices = options.choices || C[kind];
    if (options.blank) { node.appendChild(el("option", { value: "", text: "—" })); }
    Object.keys(choices).forEach(function (code) {
      node.appendChild(el("option", { value: code, text: choices[code] }));
    });
    node.value = value === null || value === undefined ? "" : value;
    node.addEventListener("change", function () {
      obj[key] = node.value === "" && options.blank ? null : node.value;
      if (options.after) { options.after(); }
    });
    return node;
  }
  function field(label, node, width) {
    var isCheck = node.type === "checkbox";
    var wrap = el("div", { "class": (width || "col-6 col-md") + (isCheck ? " d-flex align-items-end" : "") });
    if (isCheck) {
      var id = "f" + Math.random().toString(36).slice(2);
      node.id = id;
      wrap.appendChild(el("div", { "class": "form-check mb-1" }, [node, el("label", { "class": "form-check-label small", "for": id, text: label })]));
    } else {
      wrap.appendChild(el("label", { "class": "form-label small mb-1", text: label }));
      wrap.appendChild(node);
    }
    return wrap;
  }
  function button(text, style, onClick) {
    var node = el("button", { type: "button", "class": "btn btn-sm " + style, text: text });
    node.addEventListener("click", onClick);
    return node;
  }
  function section(key, title, body) {
    return el("section", { "class": "card shadow-sm mb-3", id: "designer-" + key, "data-path": key }, [
      el("div", { "class": "card-header bg-white fw-semibold", text: title }),
      el("div", { "class": "card-body" }, body)
    ]);
  }
  // An editable list of rows: each row a set of fields, with remove (and move).
  function rows(list, path, build, make, options) {
    options = options || {};
    var out = [];
    list.forEach(function (item, i) {
      var p = at(path, i);
      var tools = [button(W.remove, "btn-outline-danger", function () { list.splice(i, 1); changed(); })];
      if (options.move) {
        tools.unshift(button("↓", "btn-outline-secondary", function () {
          if (i < list.length - 1) { list.splice(i + 1, 0, list.splice(i, 1)[0]); changed(); }
        }));
        tools.unshift(button("↑", "btn-outline-secondary", function () {
          if (i > 0) { list.splice(i - 1, 0, list.splice(i, 1)[0]); changed(); }
        }));
        tools[0].setAttribute("aria-label", W.up); tools[1].setAttribute("aria-label", W.down);
      }
      var tail = el("div", { "class": "col-12 col-md-auto d-flex gap-1 align-items-center" },
        [el("span", { "class": "small text-body-secondary me-auto me-md-1", text: W.row.replace("%(n)s", i + 1) })].concat(tools));
      out.push(el("div", { "class": "designer-row border rounded p-2 mb-2", "data-path": p }, [
        el("div", { "class": "row g-2 align-items-end" }, build(item, p).concat([tail]))
      ]));
    });
    out.push(button(options.addLabel || W.add, "btn-outline-primary", function () { list.push(make()); changed(); }));
    return out;
  }
  // A value that may be none (null): a "none" box, and the fields when not.
  function nullable(obj, key, path, make, build) {
    var box = el("input", { type: "checkbox", "class": "form-check-input", "data-path": path + ".none" });
    box.checked = obj[key] === null || obj[key] === undefined;
    box.addEventListener("change", function () { obj[key] = box.checked ? null : make(); changed(); });
    var parts = [field(W.none, box, "col-12")];
    if (obj[key] !== null && obj[key] !== undefined) { parts = parts.concat(build(obj[key], path)); }
    return el("div", { "class": "row g-2", "data-path": path }, parts);
  }
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
    badJson = {};
    root.replaceChildren(nav);
    sections.forEach(function (s) { root.appendChild(section(s[0], s[1], s[2]())); });
    root.setAttribute("data-ready", "1");
    showErrors();
  }
  render();
})();
