// A place's opening state at an instant, from its weekly hours and dated closures in its
// own time zone: the rule of partners/domain/hours.py (Week.state) and of the SQL's
// OPEN_AT, for the places the home page keeps on the phone and shows offline.
// tests/public/test_hours_js_browser.py compares the two around the clock, across clock
// changes, past midnight and around closures.
//
// openingState(hours, timeZone, date, closures) → {open, next, today}: hours as the API
// sends them ([{weekday: 1–7, opens: "HH:MM", closes: "HH:MM"}], a "closes" earlier than
// "opens" running past midnight, "00:00"–"00:00" the whole day, open 24 hours); closures
// as the API sends them ([{starts: "YYYY-MM-DD", ends: "YYYY-MM-DD"}], whole venue-local
// days closed, both included). next is the venue-local wall-clock time of the next change
// (within a week, or until a week after the last closure), as a Date whose UTC fields are
// that wall-clock time, or null; today is the wall clock at date, the same way.
(function () {
  "use strict";
  const DAY = 86400; // seconds
  const WEEK = 7 * DAY;
  const formats = new Map();

  function seconds(text) {
    const [h, m, s] = text.split(":").map(Number);
    return h * 3600 + m * 60 + (s || 0);
  }

  // A "YYYY-MM-DD" date as days since 1970-01-01.
  function dayNumber(text) {
    const [y, m, d] = text.split("-").map(Number);
    return Date.UTC(y, m - 1, d) / (DAY * 1000);
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

  function openingState(hours, timeZone, date, closures) {
    const local = wallClock(date, timeZone);
    const today = Math.floor(local.getTime() / (DAY * 1000));
    const clock = local.getUTCHours() * 3600 + local.getUTCMinutes() * 60 + local.getUTCSeconds();
    const now = ((local.getUTCDay() + 6) % 7) * DAY + clock;
    const spans = (hours || []).map((interval) => {
      const start = (interval.weekday - 1) * DAY + seconds(interval.opens);
      let end = (interval.weekday - 1) * DAY + seconds(interval.closes);
      if (end <= start) end += DAY;
      return [start, end];
    });
    const coming = (closures || []).map((c) => [dayNumber(c.starts), dayNumber(c.ends)]).filter(([, ends]) => ends >= today);
    const covers = (moment) => spans.some(([start, end]) => (start <= moment && moment < end) || (start <= moment + WEEK && moment + WEEK < end));
    const closedOn = (day) => coming.some(([starts, ends]) => starts <= day && day <= ends);
    const openAt = (delay) => !closedOn(today + Math.floor((clock + delay) / DAY)) && covers((now + delay) % WEEK);
    const open = openAt(0);
    // How far ahead each span's edges come next, in (0, WEEK]; with closures coming, in
    // each week until a week after the last one, and the midnights they begin and end.
    const ahead = [...new Set(spans.flat().map((edge) => ((((edge - now - 1) % WEEK) + WEEK) % WEEK) + 1))];
    const delays = new Set(ahead);
    if (coming.length) {
      const weeks = Math.floor((Math.max(...coming.map(([, ends]) => ends)) - today) / 7) + 2;
      for (let week = 1; week < weeks; week++) for (const delay of ahead) delays.add(delay + week * WEEK);
      for (const [starts, ends] of coming) {
        for (const day of [starts, ends + 1]) {
          const delay = (day - today) * DAY - clock;
          if (delay > 0) delays.add(delay);
        }
      }
    }
    for (const delay of [...delays].sort((a, b) => a - b)) {
      if (openAt(delay) !== open) return { open: open, next: new Date(local.getTime() + delay * 1000), today: local };
    }
    return { open: open, next: null, today: local };
  }

  window.openingState = openingState;
})();
