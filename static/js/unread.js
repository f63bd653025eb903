/* The header's unread count, kept live on every page (docs/notifications.md): the same
   conditional polling as static/js/live.js. The bell carries its marker; every
   data-unread-poll milliseconds (ten times slower while the tab is hidden) the script asks
   data-unread-source with If-None-Match: "marker". The server answers 304 while nothing
   changed (one indexed query), else {"marker", "unread"}, and the count is updated in
   place. A redirect (signed out) or an error status stops it. */
(function () {
  "use strict";
  var bell = document.querySelector("[data-unread-source]");
  if (!bell || !window.fetch) { return; }
  var url = bell.getAttribute("data-unread-source");
  var marker = bell.getAttribute("data-unread-marker") || "";
  var every = parseInt(bell.getAttribute("data-unread-poll"), 10) || 0;
  var count = bell.querySelector("[data-testid='unread-count']");
  if (!every || !count) { return; }
  var timer = null;
  var stopped = false;

  function show(unread) {
    count.textContent = String(unread);
    count.classList.toggle("unread", unread > 0);
    document.dispatchEvent(new CustomEvent("unread:updated", { detail: { unread: unread } }));
  }

  function schedule(delay) {
    if (stopped) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, delay);
  }

  function poll() {
    fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "If-None-Match": "\"" + marker + "\"", "Accept": "application/json" },
    }).then(function (response) {
      if (response.status === 304) { return null; }
      if (response.redirected || !response.ok) {
        if (response.redirected || response.status === 403 || response.status === 404) { stopped = true; }
        return null;
      }
      return response.json().then(function (body) {
        marker = body.marker;
        show(body.unread);
      });
    }).catch(function () { /* offline for a moment: ask again next time */ })
      .then(function () { schedule(document.hidden ? every * 10 : every); });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { schedule(0); }
  });
  schedule(every);
})();
