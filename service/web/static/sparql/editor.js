// The query editor: YASGUI on our endpoint, our prefixes, one tab with the page's query (the
// gallery below the editor opens each example through a link, /sparql?query=…).
// Nothing here reaches another host: the prefix and class/property completers that
// call outside services are replaced by ones that read the page's configuration.
(function () {
  "use strict";
  var configElement = document.getElementById("sparql-editor-config");
  var root = document.getElementById("yasgui");
  if (!configElement || !root || typeof Yasgui === "undefined") return;
  var settings = JSON.parse(configElement.textContent);

  var prefixLines = Object.keys(settings.prefixes).map(function (prefix) {
    return prefix + ": <" + settings.prefixes[prefix] + ">";
  });
  Yasgui.Yasqe.forkAutocompleter("prefixes", {
    name: "localPrefixes",
    persistenceId: null,
    get: function () { return Promise.resolve(prefixLines.slice().sort()); },
  }, false);
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "localPrefixes"];
  // YASGUI's share button offers no link shortener (nothing is sent to another service).
  Yasgui.Yasqe.defaults.createShortLink = undefined;
  // The editor's text area (CodeMirror's) is named, as a field must be.
  Yasgui.Yasqe.defaults.screenReaderLabel = "Requête SPARQL · SPARQL query";
  // On a phone the editor grows with its query: the page scrolls, not a box inside it (a box
  // that scrolls needs a way in from the keyboard, and is hard to scroll with a thumb).
  if (window.matchMedia("(max-width: 40rem)").matches) {
    Yasgui.Yasqe.defaults.editorHeight = "auto";
    Yasgui.Yasqe.defaults.viewportMargin = Infinity;
    Yasgui.Yasqe.defaults.resizeable = false;
  }

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: settings.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autoAddOnInit: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: settings.endpoint }]; } },
  });

  var first = yasgui.addTab(true, {
    name: settings.fromLink ? "Requête · Query" : "Nouvelle requête · New query",
    yasqe: { value: settings.query },
    requestConfig: { endpoint: settings.endpoint },
  });
  // The share button gives the link that opens the query here, /sparql?query=… on this host
  // (YASGUI's own link packs the tab's settings in a fragment this page does not read). Every
  // tab shares the method: it is set on their prototype.
  Object.getPrototypeOf(first).getShareableLink = function () {
    return linkTo(this.getYasqe().getValue());
  };
  yasgui.selectTabId(first.getId());
  var followLinks = followQuery(yasgui, first);
  repairAccessibility(root);
  // YASGUI draws a tab's panel when it is opened and a result when it comes: repaired each time
  // something is drawn, once a frame at most.
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      repairAccessibility(root);
      followLinks();
    });
  }).observe(root, { childList: true, subtree: true });
  root.removeAttribute("data-editor-loading");
  root.setAttribute("data-editor-ready", "1");

  function linkTo(query, extra) {
    return settings.endpoint + "?query=" + encodeURIComponent(query) + (extra || "");
  }

  // The download and share links under the editor follow the query of the open tab (a tab's
  // editor exists once YASGUI has drawn it: the returned function is called on every drawing).
  function followQuery(gui, tab) {
    var links = document.getElementById("editor-links");
    if (!links) return function () {};
    function update() {
      var yasqe = (gui.getTab() || tab).getYasqe();
      if (!yasqe) return;
      if (!yasqe.followedByLinks) {
        yasqe.followedByLinks = true;
        yasqe.on("change", update);
      }
      var query = yasqe.getValue();
      links.querySelectorAll("a[data-download]").forEach(function (link) {
        link.href = linkTo(query, "&format=" + link.getAttribute("data-download") + "&download=1");
      });
      links.querySelectorAll("a[data-share]").forEach(function (link) { link.href = linkTo(query); });
    }
    gui.on("tabSelect", function () { window.setTimeout(update, 0); });
    update();
    return update;
  }

  // What YASGUI 4.2 leaves wrong for assistive technology, set right after it draws (the
  // browser tests hold the page to axe-core's rules):
  // - a tab names the panel it controls from the start, but YASGUI draws a panel only when its
  //   tab is first opened: a tab points at its panel once the panel exists;
  // - the "+" button that adds a tab sits in the tab list, where ARIA allows only tabs, and is
  //   one of the list's arrow-key stops: it is marked as one of its tabs;
  // - the endpoint field of each tab's panel and the results' page size have no name.
  function repairAccessibility(container) {
    container.querySelectorAll('[role="tab"][aria-controls], [role="tab"][data-controls]')
      .forEach(function (tab) {
        var panel = tab.getAttribute("data-controls") || tab.getAttribute("aria-controls");
        tab.setAttribute("data-controls", panel);
        if (document.getElementById(panel)) tab.setAttribute("aria-controls", panel);
        else tab.removeAttribute("aria-controls");
      });
    container.querySelectorAll('[role="tablist"] .addTab').forEach(function (button) {
      button.setAttribute("role", "tab");
      button.setAttribute("aria-selected", "false");
      button.setAttribute("aria-label", "Nouvel onglet · New tab");
    });
    container.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (field) {
      field.setAttribute("aria-label", "Point d'accès SPARQL · SPARQL endpoint");
    });
    container.querySelectorAll("select.tableSizer:not([aria-label])").forEach(function (field) {
      field.setAttribute("aria-label", "Lignes par page · Rows per page");
    });
  }
})();
