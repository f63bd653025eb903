/* Import progress: poll the job's status every second until it finishes, then reload once
   so the error table (if any) appears. The page works without this file. */
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status]");
  if (!box || box.getAttribute("data-finished") === "1") { return; }
  var url = box.getAttribute("data-import-status");
  function show(status) {
    Object.keys(status).forEach(function (key) {
      var el = box.querySelector("[data-field='" + key + "']");
      if (!el) { return; }
      if (el.tagName === "PROGRESS") { el.value = status[key]; } else { el.textContent = status[key]; }
    });
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        show(status);
        if (status.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
