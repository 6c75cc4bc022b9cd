// The publishing forms, as the person types: the same checks as on save, run by the server
// (/publish/check/<kind> answers the shapes' messages by field), and the search of existing
// resources for the fields that point at one (/publish/lookup). Without this script the form
// works the same way, one save at a time.
(function () {
  "use strict";
  var form = document.querySelector("form.publish-form");
  if (!form) return;
  var words = document.documentElement.lang === "en"
    ? { violation: "Error", advice: "Advice", colon: ": ", same: "same name" }
    : { violation: "Erreur", advice: "Conseil", colon: " : ", same: "même nom" };
  var existing = document.getElementById("existing");
  var pending = null;
  var sent = 0;

  function check() {
    var number = ++sent;
    fetch(form.dataset.check, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) { if (answer && number === sent) show(answer); })
      .catch(function () {});
  }

  // « Existe déjà ? »: the existing resources whose names are close to the one being typed.
  function showExisting(found) {
    if (!existing || !found) return;
    var list = existing.querySelector("ul");
    list.textContent = "";
    found.forEach(function (match) {
      var item = document.createElement("li");
      // No address (a javascript: or urn: IRI, shown as text): a span, not a link.
      var link = document.createElement(match.href ? "a" : "span");
      if (match.href) link.href = match.href;
      link.textContent = match.label;
      if (match.lang) link.lang = match.lang;
      item.appendChild(link);
      if (match.where) item.appendChild(document.createTextNode(" (" + match.where + ")"));
      if (match.same) item.appendChild(document.createTextNode(" — " + words.same));
      list.appendChild(item);
    });
    existing.hidden = found.length === 0;
  }

  function show(answer) {
    showExisting(answer.existing);
    form.querySelectorAll("[data-messages]").forEach(function (list) {
      var name = list.dataset.messages;
      var messages = answer.fields[name] || [];
      list.textContent = "";
      messages.forEach(function (m) {
        var item = document.createElement("li");
        item.className = "message-" + m.severity;
        item.textContent = (m.severity === "violation" ? words.violation : words.advice) + words.colon + m.message;
        list.appendChild(item);
      });
      var invalid = messages.some(function (m) { return m.severity === "violation"; });
      var entry = list.parentElement;
      entry.querySelectorAll("[aria-describedby~='" + list.id + "']").forEach(function (input) {
        if (invalid) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      });
    });
  }

  function later() {
    clearTimeout(pending);
    pending = setTimeout(check, 350);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);

  // Search as you type: a list of existing resources under the field; choosing one sets the value.
  form.querySelectorAll("input[data-lookup]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var value = document.getElementById(input.dataset.value);
    var asked = 0;
    input.addEventListener("input", function () {
      if (value && value.tagName === "INPUT") value.value = "";
      var text = input.value.trim();
      if (text.length < 2) { list.hidden = true; input.setAttribute("aria-expanded", "false"); return; }
      var number = ++asked;
      fetch(input.dataset.lookup + "q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) {
          if (number !== asked) return;
          list.textContent = "";
          found.forEach(function (match, i) {
            var option = document.createElement("li");
            option.setAttribute("role", "option");
            option.id = list.id + "-" + i;
            option.tabIndex = -1;
            // Places of one name told apart by where they lie: « Sainte-Colombe — Charente-Maritime (17) ».
            option.textContent = match.where ? match.label + " — " + match.where : match.label;
            option.lang = match.lang || "";
            option.dataset.iri = match.iri;
            option.addEventListener("click", function () { choose(match); });
            option.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); choose(match); } });
            list.appendChild(option);
          });
          list.hidden = found.length === 0;
          input.setAttribute("aria-expanded", found.length ? "true" : "false");
        })
        .catch(function () {});
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && !list.hidden && list.firstChild) { e.preventDefault(); list.firstChild.focus(); }
    });
    function choose(match) {
      input.value = match.label;
      if (value) value.value = match.iri;
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.focus();
      later();
    }
  });
})();
