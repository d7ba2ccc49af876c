/* Quick exit: one click on #quick-exit, or three quick presses of Shift, replaces this page with
   a neutral site. location.replace() swaps the current history entry, so Back does not come here.
   Without JavaScript the control is a plain link and still leaves the site. */
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) {
    return;
  }
  var target = link.getAttribute("href");
  var presses = [];

  function leave() {
    document.title = "";
    document.documentElement.replaceChildren();
    window.location.replace(target);
  }

  link.addEventListener("click", function (event) {
    event.preventDefault();
    leave();
  });

  /* Only Shift pressed on its own counts: typing capital letters resets the count. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      presses = [];
      return;
    }
    if (event.repeat) {
      return;
    }
    var now = Date.now();
    presses = presses.filter(function (time) { return now - time < 1500; });
    presses.push(now);
    if (presses.length >= 3) {
      leave();
    }
  });
})();
