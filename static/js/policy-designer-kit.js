/* The policy designer's building blocks (see policy-designer.js): elements,
 * controls bound to a value of the rules, labelled fields, row lists with
 * add/remove/move, and "none" toggles. No inline scripts: the CSP forbids them. */
(function () {
  "use strict";
  // env: {C: choices, W: words, changed: re-render after a structural change,
  // badJson: the paths of JSON areas that do not parse (kept by the caller)}
  window.policyDesignerKit = function (env) {
    var C = env.choices, W = env.words, badJson = env.badJson;
    function changed() { env.changed(); }
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
        var tail = el("div", { "class": "col-12 col-md-auto align-self-end d-flex gap-1 align-items-center" },
          [el("span", { "class": "small text-body-secondary me-auto me-md-1", text: W.row.replace("%(n)s", i + 1) })].concat(tools));
        out.push(el("div", { "class": "designer-row border rounded p-2 mb-2", "data-path": p }, [
          el("div", { "class": "row g-2 align-items-start" }, build(item, p).concat([tail]))
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
    return { el: el, at: at, control: control, field: field, button: button, section: section,
      rows: rows, nullable: nullable };
  };
})();
