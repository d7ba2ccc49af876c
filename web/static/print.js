/* The referral sheet's "Print" button: shown only when JavaScript runs (it calls window.print). */
(function () {
  "use strict";
  var button = document.getElementById("print-sheet");
  if (!button) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
