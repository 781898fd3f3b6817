// The quick OTJ entry form: one tap on a duration fills hours and minutes, and while the start time has not
// been touched it follows the duration, so the activity ends now (rounded down to 5 minutes).
// Without JavaScript the form works the same, with the server's defaults.
(() => {
  const form = document.querySelector("[data-otj-entry]");
  if (!form) return;
  const hours = form.querySelector("input[name=hours]");
  const minutes = form.querySelector("input[name=minutes]");
  const date = form.querySelector("input[name=date]");
  const start = form.querySelector("input[name=start_time]");
  const presets = form.querySelector("[data-duration-presets]");
  const follow = form.hasAttribute("data-otj-autostart");
  let startTouched = false;
  const pad = (n) => String(n).padStart(2, "0");

  const setStart = () => {
    if (!follow || startTouched) return;
    const total = (parseInt(hours.value, 10) || 0) * 60 + (parseInt(minutes.value, 10) || 0);
    const end = new Date();
    end.setSeconds(0, 0);
    end.setMinutes(end.getMinutes() - (end.getMinutes() % 5));
    // Just after midnight the activity started yesterday: it is dated on the day it started, as the server counts it.
    const from = new Date(end.getTime() - total * 60000);
    date.value = `${from.getFullYear()}-${pad(from.getMonth() + 1)}-${pad(from.getDate())}`;
    start.value = `${pad(from.getHours())}:${pad(from.getMinutes())}`;
  };

  const mark = () => {
    const total = (parseInt(hours.value, 10) || 0) * 60 + (parseInt(minutes.value, 10) || 0);
    presets.querySelectorAll("[data-minutes]").forEach((button) => {
      button.setAttribute("aria-pressed", String(Number(button.dataset.minutes) === total));
    });
  };

  if (presets) {
    presets.hidden = false;
    presets.addEventListener("click", (event) => {
      const button = event.target.closest("[data-minutes]");
      if (!button) return;
      const total = Number(button.dataset.minutes);
      hours.value = Math.floor(total / 60);
      minutes.value = total % 60;
      mark();
      setStart();
    });
    mark();
  }
  [hours, minutes].forEach((input) => input.addEventListener("input", () => { mark(); setStart(); }));
  [date, start].forEach((input) => input.addEventListener("input", () => { startTouched = true; }));
})();
