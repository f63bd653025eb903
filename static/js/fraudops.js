/* FraudOps: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  // Language switcher: submit on change and hide its button.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });

  // Formsets: "add a row" clones the empty row template and bumps TOTAL_FORMS.
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.getAttribute("data-formset");
    var total = box.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var tbody = box.querySelector("tbody[data-rows]");
    var template = box.querySelector("template[data-empty-row]");
    var button = box.querySelector("[data-add-row]");
    if (!total || !tbody || !template || !button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      tbody.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = tbody.lastElementChild && tbody.lastElementChild.querySelector("input, select");
      if (first) { first.focus(); }
    });
  });

  // Confirm destructive actions (withdraw, close) before posting.
  // (Delegated, so that forms a live page swapped in are confirmed too: static/js/live.js.)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") &&
        !window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
