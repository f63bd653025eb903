/* FraudOps live pages (docs/live-updates.md): conditional polling of a change marker.

   A live page holds  <div hidden data-live-source="URL" data-live-marker="M" data-live-poll="MS">
   and blocks marked  data-live="name". Every MS milliseconds it asks URL with
   If-None-Match: "M"; the server answers 304 while nothing changed (one or two indexed
   queries). When the marker moved, the page fetches a fresh copy of itself and swaps in
   each block, except a block the person is working in (focus in a field, typed input, or
   a refused form's errors): that block keeps what was typed and shows a notice instead.
   Without JavaScript the page is an ordinary page. */
(function () {
  "use strict";

  // A link to something inside folded <details> (a step, the stop-payment form) unfolds it.
  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    target.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", reveal);
  reveal();

  var source = document.querySelector("[data-live-source]");
  if (!source || !window.fetch || !window.DOMParser) { return; }
  var url = source.getAttribute("data-live-source");
  var marker = source.getAttribute("data-live-marker");
  var every = parseInt(source.getAttribute("data-live-poll"), 10) || 1000;
  var noticeText = source.getAttribute("data-live-notice") || "Updated: refresh to see it.";
  var refreshText = source.getAttribute("data-live-refresh") || "Refresh";
  var timer = null;
  var stopped = false;
  var toggled = {};  // <details id> -> open, as the person left it

  document.addEventListener("toggle", function (event) {
    if (event.target.id) { toggled[event.target.id] = event.target.open; }
  }, true);

  var FIELDS = "input, textarea, select, [contenteditable]";

  // A select shows its first option when none is marked selected in the HTML.
  function selectChanged(select) {
    var options = Array.prototype.slice.call(select.options);
    if (!options.length) { return false; }
    var marked = options.some(function (o) { return o.defaultSelected; });
    if (!marked && !select.multiple) { return select.selectedIndex !== 0; }
    return options.some(function (o) { return o.selected !== o.defaultSelected; });
  }

  // Is the person working in this block? Then it must not be replaced under their hands.
  function busy(block) {
    var active = document.activeElement;
    if (active && active !== document.body && block.contains(active) && active.matches(FIELDS)) {
      return true;
    }
    if (block.querySelector(".errorlist")) { return true; }
    var fields = block.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "hidden" || field.type === "submit" || field.type === "button") { continue; }
      if (field.type === "file") { if (field.files && field.files.length) { return true; } continue; }
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) { return true; }
        continue;
      }
      if (field.tagName === "SELECT") {
        if (selectChanged(field)) { return true; }
        continue;
      }
      if (field.value !== field.defaultValue) { return true; }
    }
    return false;
  }

  // The outermost [data-live] blocks under root (not nested in another one).
  function blocks(root) {
    var found = [];
    root.querySelectorAll("[data-live]").forEach(function (el) {
      var parent = el.parentElement && el.parentElement.closest("[data-live]");
      if (!parent || parent === root) { found.push(el); }
    });
    return found;
  }

  function keyed(root) {
    var map = {};
    blocks(root).forEach(function (el) { map[el.getAttribute("data-live")] = el; });
    return map;
  }

  function notice(block) {
    if (block.querySelector(":scope > [data-live-notice]")) { return; }
    var box = document.createElement("div");
    box.className = "livenotice";
    box.setAttribute("role", "status");
    box.setAttribute("data-live-notice", "");
    box.setAttribute("data-testid", "live-notice");
    var text = document.createElement("span");
    text.textContent = noticeText + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn small";
    button.textContent = refreshText;
    button.addEventListener("click", function () { window.location.reload(); });
    box.appendChild(text);
    box.appendChild(button);
    block.insertBefore(box, block.firstChild);
  }

  function replace(current, fresh) {
    fresh.querySelectorAll("details[id]").forEach(function (details) {
      if (Object.prototype.hasOwnProperty.call(toggled, details.id)) {
        details.open = toggled[details.id];
      }
    });
    current.replaceWith(fresh);
    fresh.dispatchEvent(new CustomEvent("live:updated", { bubbles: true }));
  }

  function swap(current, fresh) {
    if (!busy(current)) { replace(current, fresh); return; }
    var mine = keyed(current);
    var theirs = keyed(fresh);
    var names = Object.keys(mine);
    if (!names.length) { notice(current); return; }
    names.forEach(function (name) {
      if (theirs[name]) { swap(mine[name], document.importNode(theirs[name], true)); }
    });
    // Blocks that appeared or went away cannot be placed without replacing the whole.
    if (Object.keys(theirs).sort().join() !== names.sort().join()) { notice(current); }
  }

  function apply(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.querySelector("[data-live-source]");
    if (!next) { stopped = true; return; }
    var fresh = keyed(doc.body);
    var current = keyed(document.body);
    Object.keys(current).forEach(function (name) {
      if (fresh[name]) { swap(current[name], document.importNode(fresh[name], true)); }
    });
    marker = next.getAttribute("data-live-marker");
  }

  function refresh() {
    return fetch(window.location.pathname + window.location.search, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "X-Fraudops-Live": "1" },
    }).then(function (response) {
      if (!response.ok || response.redirected) { stopped = true; return null; }
      return response.text();
    }).then(function (html) { if (html) { apply(html); } });
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
      if (response.redirected) { stopped = true; return null; }  // signed out
      if (!response.ok) {
        // Out of sight now: stop asking.
        if (response.status === 404 || response.status === 403) { stopped = true; }
        return null;
      }
      return response.json().then(function (body) {
        if (body.marker !== marker) { return refresh(); }
        return null;
      });
    }).catch(function () { /* offline for a moment: ask again next time */ })
      .then(function () { schedule(document.hidden ? every * 10 : every); });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { schedule(0); }
  });
  schedule(every);
})();
