// Tag picker search: hides statements (and whole AOs) that do not match the words typed; the sticky save bar
// says how many statements are chosen.
(function () {
  "use strict";
  var picker = document.querySelector("[data-tag-picker]");
  if (!picker) return;
  var search = picker.querySelector("[data-search]");
  search.addEventListener("input", function () {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    picker.querySelectorAll("[data-outcome]").forEach(function (outcome) {
      var shown = 0;
      outcome.querySelectorAll("[data-statement]").forEach(function (statement) {
        var text = statement.dataset.text;
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        statement.hidden = !match;
        if (match) shown += 1;
      });
      outcome.hidden = shown === 0;
    });
  });
  var count = picker.querySelector("[data-chosen-count]");
  if (count) {
    picker.addEventListener("change", function () {
      count.textContent = picker.querySelectorAll("input[name=statements]:checked").length + " chosen";
    });
  }
})();
