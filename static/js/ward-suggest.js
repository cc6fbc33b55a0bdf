// A ward picker's box when the user sees too many wards for a <select> (wards/widgets.py,
// WardWidget): as one types a ward's name or code, fill its <datalist> from the suggestions view.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.suggestUrl;
    var timer = null;
    var last = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === last) return;
        last = text;
        fetch(url + "?q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            if (input.value.trim() !== text) return; // typed on meanwhile
            list.replaceChildren.apply(list, data.results.map(function (ward) {
              var option = document.createElement("option");
              option.value = ward.value;
              option.label = ward.label;
              return option;
            }));
          })
          .catch(function () {});
      }, 200);
    });
  }
  document.querySelectorAll("input[data-suggest-url]").forEach(attach);
})();
