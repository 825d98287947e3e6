// ZRANGEBYLEX bounds for one page: keys strictly after `after`, restricted to those that
// start with `prefix`. Redis orders members by bytes, so the bounds are built as bytes
// too (0xFF after the prefix closes its range; UTF-8 never contains that byte).

export interface LexRange {
  min: Buffer;
  max: Buffer;
}

const bound = (marker: '[' | '(', value: string, suffix?: number): Buffer =>
  Buffer.concat([Buffer.from(marker + value, 'utf8'), ...(suffix === undefined ? [] : [Buffer.from([suffix])])]);

export function lexRange(after: string | undefined, prefix: string | undefined): LexRange {
  const hasPrefix = prefix !== undefined && prefix !== '';
  const max = hasPrefix ? bound('(', prefix, 0xff) : Buffer.from('+');
  let min = hasPrefix ? bound('[', prefix) : Buffer.from('-');
  if (after !== undefined && (!hasPrefix || Buffer.compare(Buffer.from(after, 'utf8'), Buffer.from(prefix, 'utf8')) >= 0)) {
    min = bound('(', after);
  }
  return { min, max };
}
