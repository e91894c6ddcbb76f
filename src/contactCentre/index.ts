// Public API of the contact-centre module: opening hours and Belgian legal holidays.
export {
  type LegalHoliday,
  type LegalHolidayId,
  easterSunday,
  legalHolidayOn,
  legalHolidays,
} from './legalHolidays.js';
export {
  type CentreStatus,
  type OpeningSchedule,
  type ParseWeeklyHoursResult,
  type TimeRange,
  type Weekday,
  DEFAULT_SCHEDULE,
  getCentreStatus,
  parseWeeklyHours,
} from './openingHours.js';
