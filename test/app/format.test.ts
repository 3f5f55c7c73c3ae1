import { describe, expect, it } from 'vitest';
import {
  formatBytes, formatCount, formatDecimal, formatDuration, formatEta, formatNumber, formatParamValue, formatQuantity, formatParams, formatPercent,
  formatRate, formatTick, formatTime,
} from '../../app/format.ts';

describe('formatBytes', () => {
  it('reads in binary units with at most one decimal', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(226_816)).toBe('221.5 KB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GB');
    expect(formatBytes(3 * 2 ** 40)).toBe('3 TB');
  });

  it('never shows 1024 of a unit: a value that rounds up moves to the next unit', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MB');
    expect(formatBytes(1024 * 1024 - 60)).toBe('1023.9 KB');
  });

  it('says nothing silly for a non-number', () => {
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('formatDuration and formatEta', () => {
  it('reads milliseconds to hours', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(59_990)).toBe('1 min 00 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_380_000)).toBe('2 h 03 min');
  });

  it('prints the placeholder for what is missing or impossible', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined, '-')).toBe('-');
    expect(formatDuration(-5)).toBe('—');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('words the time left', () => {
    expect(formatEta(500)).toBe('finishing');
    expect(formatEta(65_000)).toBe('about 1 min 05 s left');
    expect(formatEta(12_300)).toBe('about 12 s left');
    expect(formatEta(null)).toBe('');
  });
});

describe('numbers', () => {
  it('formatNumber keeps four significant digits, exponent form at the extremes', () => {
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0.0001)).toBe('1.00e-4');
    expect(formatNumber(12345.678)).toBe('12350');
    expect(formatNumber(2_500_000)).toBe('2.50e+6');
    expect(formatNumber(0.00123, 3)).toBe('0.00123');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN, 4, '-')).toBe('-');
    expect(formatNumber(-Infinity)).toBe('−∞');
  });

  it('formatQuantity reads as a plain number in the data\'s units: grouped digits, no exponent for prices', () => {
    expect(formatQuantity(250657.3)).toBe('250,657');
    expect(formatQuantity(1_090_000)).toBe('1,090,000');
    expect(formatQuantity(-3.14159265)).toBe('-3.14159');
    expect(formatQuantity(0.000123456)).toBe('0.000123456');
    expect(formatQuantity(0)).toBe('0');
    expect(formatQuantity(2e-7)).toBe('2.000e-7');
    expect(formatQuantity(3e15)).toBe('3.000e+15');
    expect(formatQuantity(Number.NaN)).toBe('—');
    expect(formatQuantity(Infinity)).toBe('∞');
  });

  it('formatDecimal lines a column up with fixed decimals', () => {
    expect(formatDecimal(0.96667)).toBe('0.9667');
    expect(formatDecimal(1.5, 2)).toBe('1.50');
    expect(formatDecimal(123456.789)).toBe('123457');
    expect(formatDecimal(Number.NaN)).toBe('NaN');
    expect(formatDecimal(null, 4, '-')).toBe('-');
  });

  it('counts, percentages, throughput and parameter counts do not depend on the locale', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatPercent(0.96667)).toBe('96.7%');
    expect(formatPercent(0.5, 0)).toBe('50%');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatRate(12_345.6)).toBe('12,346 samples/s');
    expect(formatRate(12.34)).toBe('12.3 samples/s');
    expect(formatRate(0)).toBe('—');
    expect(formatParams(403)).toBe('403');
    expect(formatParams(1_234_567)).toBe('1.2 M');
    expect(formatParams(12_345_678)).toBe('12 M');
  });
});

describe('formatTick', () => {
  it('keeps axis ticks short: k, M and G for large values, three significant digits, exponents for tiny ones', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(0.125)).toBe('0.125');
    expect(formatTick(1234)).toBe('1230');
    expect(formatTick(720_000)).toBe('720k');
    expect(formatTick(-1_250_000)).toBe('-1.25M');
    expect(formatTick(3e9)).toBe('3G');
    expect(formatTick(0.0001)).toBe('1e-4');
  });
});

describe('formatTime', () => {
  it('shows local time to the minute, and the placeholder for a missing or broken time', () => {
    const d = new Date(2025, 10, 22, 17, 4, 59);
    expect(formatTime(d.toISOString())).toBe('2025-11-22 17:04');
    expect(formatTime(null)).toBe('—');
    expect(formatTime('not a time', '-')).toBe('-');
  });
});

describe('formatParamValue', () => {
  it('reads layer parameters the way the canvas shows them', () => {
    expect(formatParamValue(null)).toBe('auto');
    expect(formatParamValue([3, 3])).toBe('[3, 3]');
    expect(formatParamValue([null, 28, 28, 1])).toBe('[?, 28, 28, 1]');
    expect(formatParamValue(true)).toBe('on');
    expect(formatParamValue('relu')).toBe('relu');
    expect(formatParamValue(64)).toBe('64');
  });
});
