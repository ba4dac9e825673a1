// The breach console's 72-hour clock: counts down to the authority deadline each second, from the
// server's time when the page was made (its clock is the legal one), and turns red once the 72 hours are over.
(function () {
  "use strict";
  function text(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var hours = Math.floor(minutes / 60);
    var rest = String(minutes % 60).padStart(2, "0");
    return ms < 0 ? "overdue by " + hours + " h " + rest + " min" : hours + " h " + rest + " min left";
  }
  var clocks = document.querySelectorAll(".breach-clock[data-running='yes']");
  clocks.forEach(function (clock) {
    var deadline = Date.parse(clock.getAttribute("data-deadline"));
    var offset = Date.parse(clock.getAttribute("data-now")) - Date.now();
    var left = clock.querySelector("[data-left]");
    function tick() {
      var ms = deadline - (Date.now() + offset);
      clock.classList.toggle("overdue", ms < 0);
      if (left) {
        left.textContent = text(ms);
      }
    }
    tick();
    window.setInterval(tick, 1000);
  });
})();
