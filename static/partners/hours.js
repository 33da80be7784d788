// A place's opening state at an instant, from its weekly hours in its own time zone: the
// rule of partners/domain/hours.py (Week.state) and of the SQL's OPEN_AT, for the places
// the home page keeps on the phone and shows offline. tests/public/test_hours_js_browser.py
// compares the two around the clock, across clock changes and past midnight.
//
// openingState(hours, timeZone, date) → {open, next}: hours as the API sends them
// ([{weekday: 1–7, opens: "HH:MM", closes: "HH:MM"}], a "closes" earlier than "opens"
// running past midnight, "00:00"–"00:00" the whole day, open 24 hours); next is the venue-local wall-clock time of the next change
// within a week, as a Date whose UTC fields are that wall-clock time, or null.
(function () {
  "use strict";
  const DAY = 86400; // seconds
  const WEEK = 7 * DAY;
  const formats = new Map();

  function seconds(text) {
    const [h, m, s] = text.split(":").map(Number);
    return h * 3600 + m * 60 + (s || 0);
  }

  // The wall clock in the zone, as a Date whose UTC fields read it (to the second).
  function wallClock(date, timeZone) {
    let format = formats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat("en-GB", {
        timeZone: timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit",
      });
      formats.set(timeZone, format);
    }
    const p = {};
    for (const part of format.formatToParts(date)) p[part.type] = Number(part.value);
    return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second));
  }

  function openingState(hours, timeZone, date) {
    const local = wallClock(date, timeZone);
    const now = ((local.getUTCDay() + 6) % 7) * DAY + local.getUTCHours() * 3600 + local.getUTCMinutes() * 60 + local.getUTCSeconds();
    const spans = (hours || []).map((interval) => {
      const start = (interval.weekday - 1) * DAY + seconds(interval.opens);
      let end = (interval.weekday - 1) * DAY + seconds(interval.closes);
      if (end <= start) end += DAY;
      return [start, end];
    });
    const covers = (moment) => spans.some(([start, end]) => (start <= moment && moment < end) || (start <= moment + WEEK && moment + WEEK < end));
    const open = covers(now);
    // How far ahead each span's edges come next, in (0, WEEK].
    const ahead = [...new Set(spans.flat().map((edge) => ((((edge - now - 1) % WEEK) + WEEK) % WEEK) + 1))].sort((a, b) => a - b);
    for (const delay of ahead) {
      if (covers((now + delay) % WEEK) !== open) return { open: open, next: new Date(local.getTime() + delay * 1000), today: local };
    }
    return { open: open, next: null, today: local };
  }

  window.openingState = openingState;
})();
