export * from './intake.commands.js';
export { readReportForm, readMessage, reportDate, toWhomKinds, MAX_FILES, MAX_FILE_BYTES, type ReportBody } from './intake.schema.js';
export { CodeThrottle, defaultThrottleRules, type ThrottleRules } from './code-throttle.js';
export { StampBook, defaultStampRules, type StampRules } from './stamp.js';
export { newReceipt, parseReceipt, receiptWords, secretBits, LOCATOR_WORDS, SECRET_WORDS } from './receipt.js';
export { intakeHeavyWork } from './one-at-a-time.js';
export { intakeLowPriority } from './low-priority.js';
